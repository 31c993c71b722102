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
    d.format("%d/%m/%Y").to_string()
}

/// Server timestamps, in Paris time.
fn timestamp(t: DateTime<Utc>) -> String {
    t.with_timezone(&chrono_tz::Europe::Paris)
        .format("%d/%m/%Y %H:%M")
        .to_string()
}

/// One row per record, every field.
pub fn records_csv(records: &[(Accompagnement, DateTime<Utc>, DateTime<Utc>)]) -> String {
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
pub fn records_csv_rows(records: &[(Accompagnement, DateTime<Utc>, DateTime<Utc>)]) -> String {
    let mut w = bare_writer();
    for record in records {
        write_row(&mut w, record_row(record));
    }
    finish(w)
}

/// "Télécharger mes données": the profile, then every record (same columns as above).
pub fn personal_data_csv(
    profil: &Profil,
    records: &[(Accompagnement, DateTime<Utc>, DateTime<Utc>)],
) -> String {
    let mut text = personal_data_csv_head(profil);
    text.push_str(&records_csv_rows(records));
    text
}

/// The beginning of "Télécharger mes données": the profile, an empty row, the records'
/// header row; then [`records_csv_rows`].
pub fn personal_data_csv_head(profil: &Profil) -> String {
    let mut w = writer();
    let d = &profil.details;
    write_row(&mut w, ["Mon profil", ""]);
    for (label, value) in [
        ("Adresse e-mail", profil.email.as_str()),
        ("Prénom", &d.prenom),
        ("Nom", &d.nom),
        ("Structure", &d.structure),
        ("Commune de rattachement", d.commune.nom()),
        ("Code INSEE", d.commune.insee()),
        ("Code postal", d.commune.code_postal()),
        ("Département", &d.departement),
        ("Identifiant", profil.id.as_str()),
    ] {
        write_row(&mut w, [label, value]);
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

fn records_header() -> Vec<String> {
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

fn record_row(
    (a, created, updated): &(Accompagnement, DateTime<Utc>, DateTime<Utc>),
) -> Vec<String> {
    let mut row = vec![
        date(a.date()),
        a.activite().label().to_owned(),
        a.participants().to_string(),
        a.deja_accompagnes()
            .map(|n| n.to_string())
            .unwrap_or_default(),
        a.commune().nom().to_owned(),
        a.commune().insee().to_owned(),
        a.commune().code_postal().to_owned(),
        a.canal().label().to_owned(),
    ];
    row.extend(
        TrancheAge::ALL
            .iter()
            .map(|k| a.ages().get(k).copied().unwrap_or(0).to_string()),
    );
    row.extend(
        Statut::ALL
            .iter()
            .map(|k| a.statuts().get(k).copied().unwrap_or(0).to_string()),
    );
    let suivi = a.suivi();
    row.extend([
        a.thematiques()
            .iter()
            .map(|t| t.label())
            .collect::<Vec<_>>()
            .join(", "),
        a.duree_minutes().to_string(),
        suivi.individuel.to_string(),
        suivi.atelier.to_string(),
        suivi.redirection.to_string(),
        a.redirections()
            .iter()
            .map(|r| format!("{} ({})", r.label(), r.personnes))
            .collect::<Vec<_>>()
            .join(", "),
        a.annotation().unwrap_or_default().to_owned(),
        a.id().to_string(),
        timestamp(*created),
        timestamp(*updated),
    ]);
    row
}

/// The statistics: the key figures, then each section of the page (`sections`) with the same
/// title, a heading row (label, what the values count, share or running total), its rows.
pub fn stats_csv(stats: &Stats) -> String {
    stats_csv_of(stats, "Statistiques")
}

/// The same for the statistics of `whose` ("Statistiques nationales, Bretagne,").
pub fn stats_csv_of(stats: &Stats, whose: &str) -> String {
    let mut w = writer();
    let p = &stats.periode;
    write_row(
        &mut w,
        [
            format!("{whose} du {} au {}", date(p.du), date(p.au)),
            String::new(),
            String::new(),
        ],
    );
    write_row(&mut w, ["Chiffres clés", "Valeur", "Part"]);
    for figure in key_figures(stats) {
        for f in std::iter::once(&figure).chain(&figure.parts) {
            let label = if f.minutes {
                format!("{} (minutes)", f.label)
            } else {
                f.label.to_owned()
            };
            write_row(
                &mut w,
                [
                    label,
                    f.value.to_string(),
                    f.percent.map(decimal).unwrap_or_default(),
                ],
            );
        }
    }
    for section in sections(stats) {
        write_row(&mut w, [section.title, "", ""]);
        write_row(
            &mut w,
            [
                section.label_header,
                section.unit.label(),
                section.third_header(),
            ],
        );
        for row in section.rows {
            let third = match (row.percent, row.cumul) {
                (Some(share), _) => decimal(share),
                (None, Some(cumul)) => cumul.to_string(),
                (None, None) => String::new(),
            };
            write_row(&mut w, [row.label, row.value.to_string(), third]);
        }
    }
    finish(w)
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
