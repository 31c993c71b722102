//! Calendar months, and the runs of whole months the pooled figures are given for
//! (domain.md §3, "Secret statistique"): a figure that changed every day could be
//! differenced day by day, so the national figures move a whole month at a time, and only
//! once that month is over.

use std::fmt;

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use super::accompagnement::FIRST_DATE;
use super::errors::FieldErrors;
use super::stats::Periode;

/// The months' French names, lower case as French writes them.
pub const NOMS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

/// A calendar month. Written `AAAA-MM` in addresses, the API and the database.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Mois {
    /// Its first day: every day of a month names the same month, so only this one is kept.
    first: NaiveDate,
}

impl Mois {
    /// The month `date` falls in.
    pub fn of(date: NaiveDate) -> Mois {
        Mois {
            first: date.with_day(1).expect("every month has a first day"),
        }
    }

    /// `2026-11`; anything else (a day, a month 13): none.
    pub fn parse(text: &str) -> Option<Mois> {
        let (year, month) = text.trim().split_once('-')?;
        if year.len() != 4 || month.len() != 2 {
            return None;
        }
        let first = NaiveDate::from_ymd_opt(year.parse().ok()?, month.parse().ok()?, 1)?;
        Some(Mois { first })
    }

    pub fn first_day(self) -> NaiveDate {
        self.first
    }

    pub fn last_day(self) -> NaiveDate {
        self.next()
            .first
            .pred_opt()
            .expect("a day before any month")
    }

    pub fn next(self) -> Mois {
        Mois {
            first: self.first + Months::new(1),
        }
    }

    pub fn previous(self) -> Mois {
        Mois {
            first: self.first - Months::new(1),
        }
    }

    pub fn year(self) -> i32 {
        self.first.year()
    }

    /// 1 to 12.
    pub fn number(self) -> u32 {
        self.first.month()
    }

    /// "novembre 2026".
    pub fn label(self) -> String {
        format!("{} {}", NOMS[self.first.month0() as usize], self.year())
    }

    /// The last month that is over on `today`: the latest month pooled figures cover.
    pub fn last_complete(today: NaiveDate) -> Mois {
        Mois::of(today).previous()
    }
}

impl fmt::Display for Mois {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year(), self.number())
    }
}

impl From<Mois> for String {
    fn from(mois: Mois) -> String {
        mois.to_string()
    }
}

impl TryFrom<String> for Mois {
    type Error = String;
    fn try_from(text: String) -> Result<Mois, String> {
        Mois::parse(&text).ok_or_else(|| format!("« {text} » n'est pas un mois (AAAA-MM)"))
    }
}

/// A run of whole months, both ends included, all of them over: what pooled figures are
/// asked for. Built by [`PeriodeMois::parse`] or the presets, so never empty, never before
/// 2020, never reaching the month under way.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodeMois {
    du: Mois,
    au: Mois,
}

impl PeriodeMois {
    /// `du` and `au` as `AAAA-MM` (either missing: the default period); every rule broken
    /// gets its French message.
    pub fn parse(
        du: Option<&str>,
        au: Option<&str>,
        today: NaiveDate,
    ) -> Result<PeriodeMois, FieldErrors> {
        let default = PeriodeMois::default_on(today);
        let mut errors = FieldErrors::new();
        let mut month = |text: Option<&str>, field: &str, fallback: Mois| match text {
            None => Some(fallback),
            Some(text) => Mois::parse(text).or_else(|| {
                errors.add(
                    field,
                    "Indiquez un mois sous la forme AAAA-MM (par exemple 2026-03).",
                );
                None
            }),
        };
        let du = month(du.filter(|t| !t.trim().is_empty()), "du", default.du);
        let au = month(au.filter(|t| !t.trim().is_empty()), "au", default.au);
        let (Some(du), Some(au)) = (du, au) else {
            return Err(errors);
        };
        let first = Mois::of(FIRST_DATE);
        let last = Mois::last_complete(today);
        if du < first {
            errors.add(
                "du",
                format!("La période commence au plus tôt en {}.", first.label()),
            );
        }
        if au > last {
            errors.add(
                "au",
                format!(
                    "Les chiffres mis en commun s'arrêtent au dernier mois terminé, {} : le mois en cours n'est publié qu'une fois fini.",
                    last.label()
                ),
            );
        } else if du > au {
            errors.add("au", "La fin de la période doit suivre son début.");
        }
        errors.into_result(|| PeriodeMois { du, au })
    }

    /// The months of this year that are over (all of last year in January).
    pub fn default_on(today: NaiveDate) -> PeriodeMois {
        PeriodeMois::year_on(Mois::last_complete(today).year(), today)
            .expect("the last complete month's year has a complete month")
    }

    /// One month that is over.
    pub fn month(mois: Mois, today: NaiveDate) -> Option<PeriodeMois> {
        PeriodeMois::between(mois, mois, today)
    }

    /// A quarter (1 to 4) whose three months are over.
    pub fn quarter(year: i32, quarter: u32, today: NaiveDate) -> Option<PeriodeMois> {
        let first = Mois::of(NaiveDate::from_ymd_opt(year, quarter * 3 - 2, 1)?);
        PeriodeMois::between(first, first.next().next(), today)
    }

    /// A year's months that are over on `today` (January to the last complete month for the
    /// year under way).
    pub fn year_on(year: i32, today: NaiveDate) -> Option<PeriodeMois> {
        let january = Mois::of(NaiveDate::from_ymd_opt(year, 1, 1)?);
        let december = Mois::of(NaiveDate::from_ymd_opt(year, 12, 1)?);
        PeriodeMois::between(january, december.min(Mois::last_complete(today)), today)
    }

    /// From its first to its last month, if both are over and in order.
    pub fn between(du: Mois, au: Mois, today: NaiveDate) -> Option<PeriodeMois> {
        let valid = du >= Mois::of(FIRST_DATE) && du <= au && au <= Mois::last_complete(today);
        valid.then_some(PeriodeMois { du, au })
    }

    pub fn du(&self) -> Mois {
        self.du
    }

    pub fn au(&self) -> Mois {
        self.au
    }

    /// Every month, in order.
    pub fn months(&self) -> impl Iterator<Item = Mois> {
        let au = self.au;
        std::iter::successors(Some(self.du), move |m| Some(m.next()).filter(|n| *n <= au))
    }

    /// The days it covers.
    pub fn periode(&self) -> Periode {
        Periode {
            du: self.du.first_day(),
            au: self.au.last_day(),
        }
    }

    /// "novembre 2026", "de janvier à novembre 2026", "de décembre 2025 à février 2026".
    pub fn label(&self) -> String {
        if self.du == self.au {
            self.du.label()
        } else if self.du.year() == self.au.year() {
            format!(
                "de {} à {}",
                NOMS[self.du.number() as usize - 1],
                self.au.label()
            )
        } else {
            format!("de {} à {}", self.du.label(), self.au.label())
        }
    }
}

/// How the period picker of the pooled figures counts: a month, a quarter, a year.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Granularite {
    Mois,
    Trimestre,
    Annee,
}

impl Granularite {
    pub const ALL: [Granularite; 3] = [
        Granularite::Mois,
        Granularite::Trimestre,
        Granularite::Annee,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Granularite::Mois => "Mois",
            Granularite::Trimestre => "Trimestre",
            Granularite::Annee => "Année",
        }
    }

    /// What a period is: one month, a calendar quarter, else a year (or a part of one).
    pub fn of(periode: PeriodeMois) -> Granularite {
        let (du, au) = (periode.du(), periode.au());
        if du == au {
            Granularite::Mois
        } else if du.number() % 3 == 1 && au == du.next().next() {
            Granularite::Trimestre
        } else {
            Granularite::Annee
        }
    }

    /// Every period of this kind that can be asked for on `today`, newest first, with its
    /// label: months and quarters that are over, years (this one up to its last complete
    /// month) since 2020.
    pub fn choices(self, today: NaiveDate) -> Vec<(String, PeriodeMois)> {
        let last = Mois::last_complete(today);
        let first = Mois::of(FIRST_DATE);
        match self {
            Granularite::Mois => std::iter::successors(Some(last), |m| Some(m.previous()))
                .take_while(|m| *m >= first)
                .filter_map(|m| PeriodeMois::month(m, today).map(|p| (m.label(), p)))
                .collect(),
            Granularite::Trimestre => (first.year()..=last.year())
                .rev()
                .flat_map(|year| (1..=4).rev().map(move |q| (year, q)))
                .filter_map(|(year, q)| {
                    PeriodeMois::quarter(year, q, today).map(|p| {
                        (
                            format!(
                                "{q}{} trimestre {year} ({})",
                                if q == 1 { "er" } else { "e" },
                                p.months_label()
                            ),
                            p,
                        )
                    })
                })
                .collect(),
            Granularite::Annee => (first.year()..=last.year())
                .rev()
                .filter_map(|year| PeriodeMois::year_on(year, today))
                .map(|p| {
                    let label = if p.months().count() == 12 {
                        p.du().year().to_string()
                    } else {
                        format!("{} ({})", p.du().year(), p.months_label())
                    };
                    (label, p)
                })
                .collect(),
        }
    }
}

impl PeriodeMois {
    /// "juillet à septembre", "janvier" (within one year).
    fn months_label(&self) -> String {
        let name = |m: Mois| NOMS[m.number() as usize - 1];
        if self.du == self.au {
            name(self.du).to_owned()
        } else {
            format!("{} à {}", name(self.du), name(self.au))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_month_reads_from_its_address_form_and_back() {
        let march = Mois::parse("2026-03").unwrap();
        assert_eq!(march.to_string(), "2026-03");
        assert_eq!(march.first_day(), day("2026-03-01"));
        assert_eq!(march.last_day(), day("2026-03-31"));
        assert_eq!(
            Mois::parse("2024-02").unwrap().last_day(),
            day("2024-02-29")
        );
        assert_eq!(march.label(), "mars 2026");
        assert_eq!(
            Mois::parse("2026-12").unwrap().next().to_string(),
            "2027-01"
        );
        assert_eq!(
            Mois::parse("2026-01").unwrap().previous().to_string(),
            "2025-12"
        );
        for wrong in ["2026-13", "2026-3", "2026-03-01", "mars", "", "20260-01"] {
            assert!(Mois::parse(wrong).is_none(), "{wrong}");
        }
        assert_eq!(
            serde_json::to_string(&march).unwrap(),
            "\"2026-03\"",
            "travels as AAAA-MM"
        );
    }

    #[test]
    fn the_month_under_way_is_never_part_of_a_period() {
        let today = day("2026-12-03");
        let error = PeriodeMois::parse(Some("2026-11"), Some("2026-12"), today).unwrap_err();
        assert!(
            error.get("au").unwrap().contains("novembre 2026"),
            "{error}"
        );
        let november = PeriodeMois::parse(Some("2026-11"), Some("2026-11"), today).unwrap();
        assert_eq!(november.label(), "novembre 2026");
        assert_eq!(PeriodeMois::month(Mois::of(today), today), None);
        assert_eq!(
            PeriodeMois::quarter(2026, 4, today),
            None,
            "December is not over"
        );
        assert_eq!(
            PeriodeMois::quarter(2026, 3, today).unwrap().label(),
            "de juillet à septembre 2026"
        );
    }

    #[test]
    fn the_default_period_is_this_year_so_far_or_last_year_in_january() {
        let december = PeriodeMois::default_on(day("2026-12-03"));
        assert_eq!(
            (december.du().to_string(), december.au().to_string()),
            ("2026-01".into(), "2026-11".into())
        );
        let january = PeriodeMois::default_on(day("2027-01-15"));
        assert_eq!(january.label(), "de janvier à décembre 2026");
        assert_eq!(january.months().count(), 12);
        assert_eq!(
            PeriodeMois::parse(None, None, day("2026-12-03")).unwrap(),
            december
        );
    }

    #[test]
    fn the_picker_offers_months_quarters_and_years_that_are_over() {
        let today = day("2026-12-03");
        let months = Granularite::Mois.choices(today);
        assert_eq!(months[0].0, "novembre 2026");
        assert_eq!(months.last().unwrap().0, "janvier 2020");
        assert_eq!(months.len(), 7 * 12 - 1);
        let quarters = Granularite::Trimestre.choices(today);
        assert_eq!(quarters[0].0, "3e trimestre 2026 (juillet à septembre)");
        assert_eq!(
            quarters.last().unwrap().0,
            "1er trimestre 2020 (janvier à mars)"
        );
        let years = Granularite::Annee.choices(today);
        assert_eq!(years[0].0, "2026 (janvier à novembre)");
        assert_eq!(years[1].0, "2025");
        assert_eq!(Granularite::Annee.choices(day("2027-01-05"))[0].0, "2026");
        for g in Granularite::ALL {
            for (_, p) in g.choices(today) {
                assert_eq!(Granularite::of(p), g, "{}", p.label());
            }
        }
    }

    #[test]
    fn a_period_is_refused_before_2020_reversed_or_not_in_months() {
        let today = day("2026-12-03");
        let errors = PeriodeMois::parse(Some("2019-12"), Some("2026-02"), today).unwrap_err();
        assert!(errors.get("du").is_some());
        let errors = PeriodeMois::parse(Some("2026-05"), Some("2026-02"), today).unwrap_err();
        assert!(errors.get("au").is_some());
        let errors = PeriodeMois::parse(Some("2026-05-01"), Some("x"), today).unwrap_err();
        assert!(errors.get("du").is_some() && errors.get("au").is_some());
        let run = PeriodeMois::parse(Some("2025-11"), Some("2026-02"), today).unwrap();
        assert_eq!(run.label(), "de novembre 2025 à février 2026");
        assert_eq!(run.periode().du, day("2025-11-01"));
        assert_eq!(run.periode().au, day("2026-02-28"));
        let months: Vec<String> = run.months().map(|m| m.to_string()).collect();
        assert_eq!(months, ["2025-11", "2025-12", "2026-01", "2026-02"]);
    }
}
