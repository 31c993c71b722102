//! What each chart shows: rows of (label, count) taken from `Stats`, shared by the chart and
//! its data table so that both always say the same.

use crate::domain::stats::{labelled, Stats};
use crate::domain::vocabulary::Activite;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// Long labels: bars across.
    HorizontalBars,
    Columns,
    Donut,
    /// Columns per month and the running total as a line.
    Evolution,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Distribution {
    pub id: &'static str,
    pub title: &'static str,
    pub label_header: &'static str,
    /// What the numbers count.
    pub unit: &'static str,
    pub shape: Shape,
    pub rows: Vec<(String, u64)>,
}

impl Distribution {
    /// Enough height for every bar to carry its label on a phone (the charts are drawn in the
    /// browser only).
    #[cfg(feature = "web")]
    pub fn height(&self) -> usize {
        match self.shape {
            Shape::HorizontalBars => 40 + 48 * self.rows.len().max(1),
            Shape::Donut => 300,
            Shape::Columns | Shape::Evolution => 280,
        }
    }
}

/// Non-zero rows, biggest first (themes and structures are many).
fn biggest_first(mut rows: Vec<(String, u64)>) -> Vec<(String, u64)> {
    rows.retain(|(_, n)| *n > 0);
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    rows
}

/// Every distribution of domain.md §3, in the page's order.
pub fn distributions(s: &Stats) -> Vec<Distribution> {
    use crate::domain::vocabulary::{Canal, Statut, Thematique, TrancheAge, TrancheDuree};
    vec![
        Distribution {
            id: "thematiques",
            title: "Thématiques",
            label_header: "Thématique",
            unit: "Accompagnements",
            shape: Shape::HorizontalBars,
            rows: biggest_first(labelled(&s.thematiques, Thematique::label)),
        },
        Distribution {
            id: "evolution",
            title: "Évolution des accompagnements",
            label_header: "Mois",
            unit: "Accompagnements",
            shape: Shape::Evolution,
            rows: s.evolution.iter().map(|(m, n)| (m.clone(), *n)).collect(),
        },
        Distribution {
            id: "canaux",
            title: "Lieux des accompagnements",
            label_header: "Lieu",
            unit: "Accompagnements",
            shape: Shape::Donut,
            rows: labelled(&s.canaux, Canal::label),
        },
        Distribution {
            id: "durees",
            title: "Durées",
            label_header: "Durée",
            unit: "Accompagnements",
            shape: Shape::Columns,
            rows: labelled(&s.durees, TrancheDuree::label),
        },
        Distribution {
            id: "ages",
            title: "Tranches d'âge",
            label_header: "Tranche d'âge",
            unit: "Personnes",
            shape: Shape::Columns,
            rows: labelled(&s.ages, TrancheAge::label),
        },
        Distribution {
            id: "statuts",
            title: "Statuts",
            label_header: "Statut",
            unit: "Personnes",
            shape: Shape::HorizontalBars,
            rows: labelled(&s.statuts, Statut::label),
        },
        Distribution {
            id: "reorientations",
            title: "Réorientations",
            label_header: "Structure",
            unit: "Personnes",
            shape: Shape::HorizontalBars,
            rows: biggest_first(
                s.reorientations
                    .iter()
                    .map(|(k, n)| (k.clone(), *n))
                    .collect(),
            ),
        },
        Distribution {
            id: "temps",
            title: "Temps par activité",
            label_header: "Activité",
            unit: "Minutes",
            shape: Shape::Columns,
            rows: labelled(&s.temps_par_activite, Activite::label),
        },
    ]
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

    #[test]
    fn every_distribution_of_the_statistics_has_a_chart() {
        let periode = Periode {
            du: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            au: NaiveDate::from_ymd_opt(2026, 3, 31).unwrap(),
        };
        let all = distributions(&Stats::empty(periode));
        assert_eq!(all.len(), 8);
        let evolution = all.iter().find(|d| d.id == "evolution").unwrap();
        assert_eq!(evolution.rows.len(), 3);
        assert!(all
            .iter()
            .find(|d| d.id == "thematiques")
            .unwrap()
            .rows
            .is_empty());
    }

    #[test]
    fn months_read_the_french_way() {
        assert_eq!(mois_court("2026-11"), "nov. 2026");
        assert_eq!(mois_court("2026-02"), "févr. 2026");
    }
}
