//! Exports for spreadsheets used in France (domain.md §4): UTF-8 with BOM, `;`, dd/mm/yyyy,
//! French labels, lists joined with ", ".

use chrono::{DateTime, Utc};

use super::accompagnement::Accompagnement;
use super::conseiller::Profil;
use super::stats::{labelled, percent, Stats};
use super::vocabulary::{Activite, Canal, Statut, Thematique, TrancheAge, TrancheDuree};

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

/// "1 234,5": French decimal comma.
pub fn decimal(value: f64) -> String {
    format!("{value:.1}").replace('.', ",")
}

/// One row per record, every field.
pub fn records_csv(records: &[(Accompagnement, DateTime<Utc>, DateTime<Utc>)]) -> String {
    let mut w = writer();
    write_records(&mut w, records);
    finish(w)
}

/// "Télécharger mes données": the profile, then every record (same columns as above).
pub fn personal_data_csv(
    profil: &Profil,
    records: &[(Accompagnement, DateTime<Utc>, DateTime<Utc>)],
) -> String {
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
    w.flush().expect("in memory");
    let mut records_part = writer();
    write_records(&mut records_part, records);
    let mut text = finish(w);
    text.push_str("\r\n");
    text.push_str(finish(records_part).trim_start_matches(BOM));
    text
}

fn write_records(
    w: &mut csv::Writer<Vec<u8>>,
    records: &[(Accompagnement, DateTime<Utc>, DateTime<Utc>)],
) {
    let mut header: Vec<String> = [
        "Date",
        "Activité",
        "Participants",
        "Dont déjà accompagnés",
        "Commune",
        "Code INSEE",
        "Code postal",
        "Lieu",
    ]
    .map(str::to_owned)
    .to_vec();
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
    header.extend(
        [
            "Thématiques",
            "Durée (minutes)",
            "Suivi individuel",
            "Suivi en atelier",
            "Personnes redirigées",
            "Redirections",
            "Annotation",
            "Identifiant",
            "Créé le",
            "Modifié le",
        ]
        .map(str::to_owned),
    );
    write_row(w, &header);
    for (a, created, updated) in records {
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
        write_row(w, &row);
    }
}

/// The statistics: a title row per section, then `label;value;percent` rows.
pub fn stats_csv(stats: &Stats) -> String {
    let mut w = writer();
    let mut section = |title: &str, rows: Vec<(String, u64, Option<f64>)>| {
        write_row(&mut w, [title, "", ""]);
        for (label, value, share) in rows {
            write_row(
                &mut w,
                [
                    label,
                    value.to_string(),
                    share.map(decimal).unwrap_or_default(),
                ],
            );
        }
    };
    let p = &stats.periode;
    section(
        &format!("Statistiques du {} au {}", date(p.du), date(p.au)),
        Vec::new(),
    );
    section(
        "Chiffres clés",
        vec![
            ("Accompagnements".into(), stats.accompagnements, None),
            ("Nouveaux usagers".into(), stats.nouveaux_usagers(), None),
            ("Ateliers".into(), stats.ateliers(), None),
            (
                "Participants aux ateliers".into(),
                stats.participants_ateliers,
                None,
            ),
            (
                "Accompagnements individuels".into(),
                stats.individuels(),
                None,
            ),
            ("Demandes ponctuelles".into(), stats.ponctuels(), None),
            (
                "Usagers avec suivi".into(),
                stats.suivi.total(),
                Some(stats.suivi_percent() as f64),
            ),
            (
                "Dont suivi individuel".into(),
                stats.suivi.individuel,
                Some(percent(stats.suivi.individuel, stats.suivi.total())),
            ),
            (
                "Dont suivi en atelier".into(),
                stats.suivi.atelier,
                Some(percent(stats.suivi.atelier, stats.suivi.total())),
            ),
            (
                "Dont redirection".into(),
                stats.suivi.redirection,
                Some(percent(stats.suivi.redirection, stats.suivi.total())),
            ),
            ("Temps total (minutes)".into(), stats.temps_total(), None),
        ],
    );
    let distribution = |counts: Vec<(String, u64)>| {
        let total: u64 = counts.iter().map(|(_, n)| n).sum();
        counts
            .into_iter()
            .map(|(label, n)| (label, n, Some(percent(n, total))))
            .collect::<Vec<_>>()
    };
    section(
        "Temps par activité (minutes)",
        distribution(labelled(&stats.temps_par_activite, Activite::label)),
    );
    section(
        "Canaux (accompagnements)",
        distribution(labelled(&stats.canaux, Canal::label)),
    );
    section(
        "Durées (accompagnements)",
        distribution(labelled(&stats.durees, TrancheDuree::label)),
    );
    section(
        "Tranches d'âge (personnes)",
        distribution(labelled(&stats.ages, TrancheAge::label)),
    );
    section(
        "Statuts (personnes)",
        distribution(labelled(&stats.statuts, Statut::label)),
    );
    section(
        "Thématiques (accompagnements)",
        distribution(labelled(&stats.thematiques, Thematique::label)),
    );
    section(
        "Réorientations (personnes)",
        distribution(
            stats
                .reorientations
                .iter()
                .map(|(k, n)| (k.clone(), *n))
                .collect(),
        ),
    );
    section(
        "Évolution (accompagnements par mois)",
        stats
            .evolution_cumulee()
            .into_iter()
            .map(|(month, n, _)| (month_label(&month), n, None))
            .collect(),
    );
    finish(w)
}

/// "2026-11" → "11/2026".
fn month_label(month: &str) -> String {
    match month.split_once('-') {
        Some((year, m)) => format!("{m}/{year}"),
        None => month.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::inert;

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
