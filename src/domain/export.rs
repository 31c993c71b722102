//! Exports for spreadsheets used in France (domain.md §4): UTF-8 with BOM, `;`, dd/mm/yyyy,
//! French labels, lists joined with ", ".

use chrono::{DateTime, Utc};

use super::accompagnement::Accompagnement;
use super::conseiller::Profil;
use super::sections::{decimal, key_figures, sections};
use super::stats::Stats;
use super::vocabulary::{Field, Statut, TrancheAge};

const BOM: &str = "\u{feff}";

fn writer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(BOM.as_bytes().to_vec())
}

/// Writes one row, every cell made inert for spreadsheets (OWASP's CSV injection rule): a cell
/// starting with `=`, `+`, `-`, `@`, a tab or a carriage return would be read as a formula
/// (an annotation `=HYPERLINK(…)` would become a live link), so it gets a leading `'`.
fn write_row<I, T>(w: &mut csv::Writer<Vec<u8>>, cells: I)
where
    I: IntoIterator<Item = T>,
    T: AsRef<str>,
{
    let cells: Vec<String> = cells
        .into_iter()
        .map(|c| inert(c.as_ref()).into_owned())
        .collect();
    w.write_record(&cells)
        .expect("writing to memory cannot fail");
}

/// `cell`, unable to start a formula.
pub fn inert(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

fn finish(writer: csv::Writer<Vec<u8>>) -> String {
    let bytes = writer.into_inner().expect("writing to memory cannot fail");
    String::from_utf8(bytes).expect("CSV of UTF-8 strings is UTF-8")
}

fn date(d: chrono::NaiveDate) -> String {
    super::dates::courte(d)
}

/// Server timestamps, in Paris time.
fn timestamp(t: DateTime<Utc>) -> String {
    super::dates::moment(t)
}

/// A cell of an export, typed: a CSV writes it as French text, a workbook (`.xlsx`) as a
/// date, a number or a percentage that a spreadsheet computes with.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Text(String),
    Count(u64),
    /// A share in percent (66.0 is 66 %).
    Percent(f64),
    Date(chrono::NaiveDate),
    /// A server timestamp, shown in Paris time.
    Moment(DateTime<Utc>),
    Empty,
}

impl Cell {
    /// The cell as the CSV writes it (before it is made [`inert`]).
    pub fn text(&self) -> String {
        match self {
            Cell::Text(text) => text.clone(),
            Cell::Count(n) => n.to_string(),
            Cell::Percent(share) => decimal(*share),
            Cell::Date(d) => date(*d),
            Cell::Moment(t) => timestamp(*t),
            Cell::Empty => String::new(),
        }
    }
}

impl From<&str> for Cell {
    fn from(text: &str) -> Self {
        Cell::Text(text.to_owned())
    }
}

impl From<String> for Cell {
    fn from(text: String) -> Self {
        Cell::Text(text)
    }
}

/// A table of an export: the statistics' key figures, or one section of the page.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    pub title: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// A record and the server's timestamps of it (made, last changed).
pub type ExportedRecord = (Accompagnement, DateTime<Utc>, DateTime<Utc>);

fn write_cells(w: &mut csv::Writer<Vec<u8>>, cells: &[Cell]) {
    write_row(w, cells.iter().map(Cell::text));
}

/// One row per record, every field.
pub fn records_csv(records: &[ExportedRecord]) -> String {
    let mut text = records_csv_head();
    text.push_str(&records_csv_rows(records));
    text
}

/// The beginning of the records' CSV: the BOM and the header row. The rows follow, a page at
/// a time ([`records_csv_rows`]): a file of any size is written in constant memory.
pub fn records_csv_head() -> String {
    let mut w = writer();
    write_row(&mut w, records_header());
    finish(w)
}

/// Rows of the records' CSV, without BOM or header.
pub fn records_csv_rows(records: &[ExportedRecord]) -> String {
    let mut w = bare_writer();
    for record in records {
        write_cells(&mut w, &record_cells(record));
    }
    finish(w)
}

/// "Mon profil": what the conseiller's profile holds, label and value, first in
/// "Télécharger mes données".
pub fn profile_rows(profil: &Profil) -> Vec<[String; 2]> {
    let d = &profil.details;
    [
        ("Adresse e-mail", profil.email.as_str()),
        ("Prénom", &d.prenom),
        ("Nom", &d.nom),
        ("Structure", &d.structure),
        ("Commune de rattachement", d.commune.nom()),
        ("Code INSEE", d.commune.insee()),
        ("Code postal", d.commune.code_postal()),
        ("Département", &d.departement),
        ("Identifiant", profil.id.as_str()),
    ]
    .map(|(label, value)| [label.to_owned(), value.to_owned()])
    .into()
}

/// The title of the profile's part of "Télécharger mes données".
pub const PROFILE_TITLE: &str = "Mon profil";

/// The beginning of "Télécharger mes données": the profile, an empty row, the records'
/// header row; then [`records_csv_rows`].
pub fn personal_data_csv_head(profil: &Profil) -> String {
    let mut w = writer();
    write_row(&mut w, [PROFILE_TITLE, ""]);
    for row in profile_rows(profil) {
        write_row(&mut w, row);
    }
    // An empty row, then the records (the csv crate wants rows of one length per table).
    let mut text = finish(w);
    text.push_str("\r\n");
    let mut header = bare_writer();
    write_row(&mut header, records_header());
    text.push_str(&finish(header));
    text
}

/// A writer without the BOM (what follows the start of a file).
fn bare_writer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(Vec::new())
}

/// The records' column headings.
pub fn records_header() -> Vec<String> {
    let label = |field: Field| field.label().to_owned();
    let mut header: Vec<String> = vec![
        label(Field::Date),
        label(Field::Activite),
        label(Field::Participants),
        label(Field::DejaAccompagnes),
        label(Field::Commune),
        "Code INSEE".to_owned(),
        "Code postal".to_owned(),
        label(Field::Canal),
    ];
    header.extend(
        TrancheAge::ALL
            .iter()
            .map(|a| format!("Âge : {}", a.label())),
    );
    header.extend(
        Statut::ALL
            .iter()
            .map(|s| format!("Statut : {}", s.label())),
    );
    header.extend([
        label(Field::Thematiques),
        format!("{} (minutes)", Field::DureeMinutes.label()),
        "Suivi individuel".to_owned(),
        "Suivi en atelier".to_owned(),
        "Personnes redirigées".to_owned(),
        label(Field::Redirections),
        label(Field::Annotation),
        label(Field::Id),
        "Créé le".to_owned(),
        "Modifié le".to_owned(),
    ]);
    header
}

/// A record's cells, in the order of [`records_header`].
pub fn record_cells((a, created, updated): &ExportedRecord) -> Vec<Cell> {
    let count = |n: u32| Cell::Count(u64::from(n));
    let mut row = vec![
        Cell::Date(a.date()),
        a.activite().label().into(),
        count(a.participants()),
        a.deja_accompagnes().map(count).unwrap_or(Cell::Empty),
        a.commune().nom().into(),
        a.commune().insee().into(),
        a.commune().code_postal().into(),
        a.canal().label().into(),
    ];
    row.extend(
        TrancheAge::ALL
            .iter()
            .map(|k| count(a.ages().get(k).copied().unwrap_or(0))),
    );
    row.extend(
        Statut::ALL
            .iter()
            .map(|k| count(a.statuts().get(k).copied().unwrap_or(0))),
    );
    let suivi = a.suivi();
    row.extend([
        a.thematiques()
            .iter()
            .map(|t| t.label())
            .collect::<Vec<_>>()
            .join(", ")
            .into(),
        count(a.duree_minutes()),
        count(suivi.individuel),
        count(suivi.atelier),
        count(suivi.redirection),
        a.redirections()
            .iter()
            .map(|r| format!("{} ({})", r.label(), r.personnes))
            .collect::<Vec<_>>()
            .join(", ")
            .into(),
        a.annotation().map(Cell::from).unwrap_or(Cell::Empty),
        a.id().to_string().into(),
        Cell::Moment(*created),
        Cell::Moment(*updated),
    ]);
    row
}

/// The statistics: the key figures, then each section of the page (`sections`) with the same
/// title, a heading row (label, what the values count, share or running total), its rows.
pub fn stats_csv(stats: &Stats) -> String {
    stats_csv_of(stats, "Statistiques")
}

/// The first line of the statistics of `whose` ("Statistiques nationales, Bretagne,"): what
/// they are and their period.
pub fn stats_heading(stats: &Stats, whose: &str) -> String {
    let p = &stats.periode;
    format!("{whose} du {} au {}", date(p.du), date(p.au))
}

/// The same for the statistics of `whose` ("Statistiques nationales, Bretagne,").
pub fn stats_csv_of(stats: &Stats, whose: &str) -> String {
    tables_csv(&stats_heading(stats, whose), &stats_tables(stats))
}

/// Tables one under the other, under a heading line; each table but the first under its
/// title (the key figures' header names them). Every row as wide as the widest table.
pub fn tables_csv(heading: &str, tables: &[Table]) -> String {
    let width = tables.iter().map(|t| t.header.len()).max().unwrap_or(1);
    let padded = |mut cells: Vec<String>| {
        cells.resize(width.max(cells.len()), String::new());
        cells
    };
    let mut w = writer();
    write_row(&mut w, padded(vec![heading.to_owned()]));
    for (n, table) in tables.iter().enumerate() {
        if n > 0 {
            write_row(&mut w, padded(vec![table.title.clone()]));
        }
        write_row(&mut w, padded(table.header.clone()));
        for row in &table.rows {
            write_row(&mut w, padded(row.iter().map(Cell::text).collect()));
        }
    }
    finish(w)
}

/// A month of a conseiller's activity: `AAAA-MM`, comptes rendus, people accompanied.
pub type MonthActivity = (String, u64, u64);

/// A structure's reporting: for each conseiller (by name) and month, the comptes rendus and
/// the people accompanied.
pub fn activity_table(rows: &[(String, Vec<MonthActivity>)]) -> Table {
    Table {
        title: "Par conseiller et par mois".to_owned(),
        header: vec![
            "Conseiller".into(),
            "Mois".into(),
            "Comptes rendus".into(),
            "Accompagnements".into(),
        ],
        rows: rows
            .iter()
            .flat_map(|(name, months)| {
                months.iter().map(move |(mois, records, people)| {
                    vec![
                        Cell::Text(name.clone()),
                        Cell::Text(mois.clone()),
                        Cell::Count(*records),
                        Cell::Count(*people),
                    ]
                })
            })
            .collect(),
    }
}

/// The statistics as tables: the key figures, then each section of the page.
pub fn stats_tables(stats: &Stats) -> Vec<Table> {
    let key_figures_title = "Chiffres clés";
    let mut key = Table {
        title: key_figures_title.to_owned(),
        header: vec![key_figures_title.into(), "Valeur".into(), "Part".into()],
        rows: Vec::new(),
    };
    for figure in key_figures(stats) {
        for f in std::iter::once(&figure).chain(&figure.parts) {
            let label = if f.minutes {
                format!("{} (minutes)", f.label)
            } else {
                f.label.to_owned()
            };
            key.rows.push(vec![
                label.into(),
                Cell::Count(f.value),
                f.percent.map(Cell::Percent).unwrap_or(Cell::Empty),
            ]);
        }
    }
    let sections = sections(stats).into_iter().map(|section| Table {
        title: section.title.to_owned(),
        header: vec![
            section.label_header.to_owned(),
            section.unit.label().to_owned(),
            section.third_header().to_owned(),
        ],
        rows: section
            .rows
            .into_iter()
            .map(|row| {
                let third = match (row.percent, row.cumul) {
                    (Some(share), _) => Cell::Percent(share),
                    (None, Some(cumul)) => Cell::Count(cumul),
                    (None, None) => Cell::Empty,
                };
                vec![row.label.into(), Cell::Count(row.value), third]
            })
            .collect(),
    });
    std::iter::once(key).chain(sections).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::stats::Periode;

    #[test]
    fn the_statistics_csv_lists_the_page_sections_with_their_titles() {
        let periode = Periode {
            du: chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            au: chrono::NaiveDate::from_ymd_opt(2026, 2, 28).unwrap(),
        };
        let stats = Stats::empty(periode);
        let csv = stats_csv(&stats);
        let titles: Vec<&str> = csv
            .lines()
            .map(|l| l.split(';').next().unwrap_or_default())
            .collect();
        for section in sections(&stats) {
            assert!(
                titles.contains(&section.title),
                "{} missing from {csv}",
                section.title
            );
        }
        // The évolution carries its running total.
        assert!(csv.contains("Mois;Accompagnements;Cumul"));
        assert!(csv.contains("Mois;Comptes rendus;Cumul"));
        assert!(csv.contains("févr. 2026;0;0"));
    }

    #[test]
    fn a_cell_that_could_start_a_formula_is_made_inert() {
        for cell in [
            "=HYPERLINK(\"http://x\")",
            "+33 6",
            "-1",
            "@SUM(A1)",
            "\tx",
            "\rx",
        ] {
            assert_eq!(inert(cell), format!("'{cell}"), "{cell:?}");
        }
        for cell in ["Atelier au collège", "12", "", "'déjà"] {
            assert_eq!(inert(cell), cell);
        }
    }
}
