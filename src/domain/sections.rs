//! The statistics as people read them: the key figures, then the sections (title, rows, what
//! the numbers count, each row's share or the running total). One list, iterated by the page,
//! its charts, its data tables, the printed report and the statistics CSV, so that they all
//! say the same thing with the same words.

use super::stats::{labelled, percent, Stats};
use super::vocabulary::{Activite, Canal, Statut, Thematique, TrancheAge, TrancheDuree};

/// How a section is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// Long labels: bars across.
    HorizontalBars,
    Columns,
    Donut,
    /// Columns per month and the running total as a line.
    Evolution,
}

/// What the numbers of a section count (`docs/domain.md` §3 names each measure).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// Records: one compte rendu per accompaniment, whatever the number of people.
    ComptesRendus,
    /// Σ participants: every person accompanied, once per record.
    Accompagnements,
    /// People (of an age band, a statut, sent to a structure).
    Personnes,
    Minutes,
}

impl Unit {
    pub fn label(self) -> &'static str {
        match self {
            Unit::ComptesRendus => "Comptes rendus",
            Unit::Accompagnements => "Accompagnements",
            Unit::Personnes => "Personnes",
            Unit::Minutes => "Minutes",
        }
    }
}

/// One line of a section.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub label: String,
    pub value: u64,
    /// Its share of the section's total, in percent (sections of shares).
    pub percent: Option<f64>,
    /// The running total up to this line (the évolution).
    pub cumul: Option<u64>,
}

/// A distribution of the statistics, as shown and exported.
#[derive(Clone, Debug, PartialEq)]
pub struct Section {
    pub id: &'static str,
    pub title: &'static str,
    /// The heading of the labels' column.
    pub label_header: &'static str,
    pub unit: Unit,
    pub shape: Shape,
    pub rows: Vec<Row>,
}

impl Section {
    pub fn total(&self) -> u64 {
        self.rows.iter().map(|r| r.value).sum()
    }

    /// The heading of the third column: the share, or the running total.
    pub fn third_header(&self) -> &'static str {
        if self.shape == Shape::Evolution {
            "Cumul"
        } else {
            "Part"
        }
    }
}

/// A key figure. `parts` are figures it contains ("dont …").
#[derive(Clone, Debug, PartialEq)]
pub struct KeyFigure {
    pub label: &'static str,
    pub value: u64,
    /// A duration in minutes (shown as hours and minutes).
    pub minutes: bool,
    /// Its share of `accompagnements` or of its whole, in percent.
    pub percent: Option<f64>,
    pub parts: Vec<KeyFigure>,
}

impl KeyFigure {
    fn count(label: &'static str, value: u64) -> Self {
        KeyFigure {
            label,
            value,
            minutes: false,
            percent: None,
            parts: Vec::new(),
        }
    }

    fn share(label: &'static str, value: u64, whole: u64) -> Self {
        KeyFigure {
            percent: Some(percent(value, whole)),
            ..Self::count(label, value)
        }
    }
}

/// The key figures of `docs/domain.md` §3, in the order they are shown.
pub fn key_figures(s: &Stats) -> Vec<KeyFigure> {
    let suivi = s.suivi.total();
    vec![
        KeyFigure::count("Accompagnements", s.accompagnements),
        KeyFigure::count("Comptes rendus", s.records),
        KeyFigure::count("Nouveaux usagers", s.nouveaux_usagers()),
        KeyFigure {
            parts: vec![KeyFigure::count(
                "Participants aux ateliers",
                s.participants_ateliers,
            )],
            ..KeyFigure::count("Ateliers", s.ateliers())
        },
        KeyFigure::count("Accompagnements individuels", s.individuels()),
        KeyFigure::count("Demandes ponctuelles", s.ponctuels()),
        KeyFigure {
            percent: Some(s.suivi_percent() as f64),
            parts: vec![
                KeyFigure::share("Dont suivi individuel", s.suivi.individuel, suivi),
                KeyFigure::share("Dont suivi en atelier", s.suivi.atelier, suivi),
                KeyFigure::share("Dont redirection", s.suivi.redirection, suivi),
            ],
            ..KeyFigure::count("Usagers avec suivi", suivi)
        },
        KeyFigure {
            minutes: true,
            ..KeyFigure::count("Temps total", s.temps_total())
        },
    ]
}

/// Rows with their share of the total.
fn shares(counts: Vec<(String, u64)>) -> Vec<Row> {
    let total: u64 = counts.iter().map(|(_, n)| n).sum();
    counts
        .into_iter()
        .map(|(label, value)| Row {
            label,
            value,
            percent: Some(percent(value, total)),
            cumul: None,
        })
        .collect()
}

/// Months in order, each with its running total.
fn by_month(months: Vec<(String, u64, u64)>) -> Vec<Row> {
    months
        .into_iter()
        .map(|(month, value, cumul)| Row {
            label: mois_court(&month),
            value,
            percent: None,
            cumul: Some(cumul),
        })
        .collect()
}

/// Non-zero rows, biggest first (themes and structures are many).
fn biggest_first(mut counts: Vec<(String, u64)>) -> Vec<(String, u64)> {
    counts.retain(|(_, n)| *n > 0);
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    counts
}

/// Every distribution of `docs/domain.md` §3, in the order they are shown.
pub fn sections(s: &Stats) -> Vec<Section> {
    let section = |id, title, label_header, unit, shape, rows| Section {
        id,
        title,
        label_header,
        unit,
        shape,
        rows,
    };
    vec![
        section(
            "thematiques",
            "Thèmes des accompagnements",
            "Thématique",
            Unit::ComptesRendus,
            Shape::HorizontalBars,
            shares(biggest_first(labelled(&s.thematiques, Thematique::label))),
        ),
        section(
            "evolution",
            "Évolution des accompagnements",
            "Mois",
            Unit::Accompagnements,
            Shape::Evolution,
            by_month(s.evolution_accompagnements_cumulee()),
        ),
        section(
            "evolution-comptes-rendus",
            "Évolution des comptes rendus",
            "Mois",
            Unit::ComptesRendus,
            Shape::Evolution,
            by_month(s.evolution_cumulee()),
        ),
        section(
            "canaux",
            "Lieux des accompagnements",
            "Lieu",
            Unit::ComptesRendus,
            Shape::Donut,
            shares(labelled(&s.canaux, Canal::label)),
        ),
        section(
            "durees",
            "Durée des accompagnements",
            "Durée",
            Unit::ComptesRendus,
            Shape::Columns,
            shares(labelled(&s.durees, TrancheDuree::label)),
        ),
        section(
            "ages",
            "Tranches d'âge des usagers",
            "Tranche d'âge",
            Unit::Personnes,
            Shape::Columns,
            shares(labelled(&s.ages, TrancheAge::label)),
        ),
        section(
            "statuts",
            "Statut des usagers",
            "Statut",
            Unit::Personnes,
            Shape::HorizontalBars,
            shares(labelled(&s.statuts, Statut::label)),
        ),
        section(
            "reorientations",
            "Réorientations",
            "Structure",
            Unit::Personnes,
            Shape::HorizontalBars,
            shares(biggest_first(
                s.reorientations
                    .iter()
                    .map(|(k, n)| (k.clone(), *n))
                    .collect(),
            )),
        ),
        section(
            "temps",
            "Temps par activité",
            "Activité",
            Unit::Minutes,
            Shape::Columns,
            shares(labelled(&s.temps_par_activite, Activite::label)),
        ),
    ]
}

/// "1 234,5": a French decimal, one digit after the comma.
pub fn decimal(value: f64) -> String {
    format!("{value:.1}").replace('.', ",")
}

/// "2026-11" → "nov. 2026".
pub fn mois_court(month: &str) -> String {
    const MOIS: [&str; 12] = [
        "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.",
        "déc.",
    ];
    match month.split_once('-') {
        Some((year, m)) => match m.parse::<usize>() {
            Ok(i @ 1..=12) => format!("{} {year}", MOIS[i - 1]),
            _ => month.to_owned(),
        },
        None => month.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::stats::Periode;
    use chrono::NaiveDate;

    fn quarter() -> Periode {
        Periode {
            du: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            au: NaiveDate::from_ymd_opt(2026, 3, 31).unwrap(),
        }
    }

    #[test]
    fn every_distribution_of_the_statistics_is_a_section() {
        let all = sections(&Stats::empty(quarter()));
        let ids: Vec<&str> = all.iter().map(|s| s.id).collect();
        assert_eq!(
            ids,
            [
                "thematiques",
                "evolution",
                "evolution-comptes-rendus",
                "canaux",
                "durees",
                "ages",
                "statuts",
                "reorientations",
                "temps"
            ]
        );
        let evolution = &all[1];
        assert_eq!(evolution.unit, Unit::Accompagnements);
        assert_eq!(all[2].unit, Unit::ComptesRendus);
        assert_eq!(evolution.rows.len(), 3);
        assert_eq!(evolution.rows[0].label, "janv. 2026");
        assert_eq!(evolution.third_header(), "Cumul");
        // Themes and structures list only what occurs; fixed vocabularies list every value.
        assert!(all[0].rows.is_empty());
        assert_eq!(all[3].rows.len(), Canal::ALL.len());
        assert!(all.iter().all(|s| s.total() == 0));
    }

    #[test]
    fn an_empty_period_has_zero_key_figures_and_no_division_by_zero() {
        let figures = key_figures(&Stats::empty(quarter()));
        assert_eq!(figures[0].label, "Accompagnements");
        assert!(figures.iter().all(|f| f.value == 0));
        let suivi = figures
            .iter()
            .find(|f| f.label == "Usagers avec suivi")
            .unwrap();
        assert_eq!(suivi.percent, Some(0.0));
        assert_eq!(suivi.parts.len(), 3);
    }

    #[test]
    fn months_and_decimals_read_the_french_way() {
        assert_eq!(mois_court("2026-11"), "nov. 2026");
        assert_eq!(mois_court("2026-02"), "févr. 2026");
        assert_eq!(decimal(33.333), "33,3");
    }
}
