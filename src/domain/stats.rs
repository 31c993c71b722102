//! The statistics of domain.md §3: one definition, as a pure function of records.
//!
//! `Stats` holds raw counts only (percentages are derived when shown), so that statistics
//! computed by the database can be compared with [`Stats::from_records`] to the unit, and
//! records not yet sent can be added to statistics fetched earlier ([`Stats::add`]).

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::accompagnement::{Accompagnement, FIRST_DATE};
use super::errors::FieldErrors;
use super::vocabulary::{
    Activite, Canal, Statut, StructureRedirection, Thematique, TrancheAge, TrancheDuree,
};

/// A period, both ends included.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Periode {
    pub du: NaiveDate,
    pub au: NaiveDate,
}

impl Periode {
    /// A period someone asks about: it starts on 01/01/2020 at the earliest (no record is
    /// older), ends a year from `today` at the latest, and not before it starts. Bounded so
    /// that no request can ask the server for centuries of months.
    pub fn parse(du: NaiveDate, au: NaiveDate, today: NaiveDate) -> Result<Periode, FieldErrors> {
        let last = Self::last_day(today);
        let mut errors = FieldErrors::new();
        if du < FIRST_DATE {
            errors.add(
                "du",
                format!(
                    "La période commence au plus tôt le {}.",
                    super::dates::courte(FIRST_DATE)
                ),
            );
        }
        if au > last {
            errors.add(
                "au",
                format!(
                    "La période se termine au plus tard le {}.",
                    super::dates::courte(last)
                ),
            );
        } else if du > au {
            errors.add(
                "au",
                "La fin de la période doit être postérieure à son début.",
            );
        }
        errors.into_result(|| Periode { du, au })
    }

    /// The latest day a period may end: a year from today.
    pub fn last_day(today: NaiveDate) -> NaiveDate {
        today
            .checked_add_months(chrono::Months::new(12))
            .unwrap_or(today)
    }

    pub fn contains(&self, date: NaiveDate) -> bool {
        self.du <= date && date <= self.au
    }

    /// Every month of the period, as `AAAA-MM`.
    pub fn months(&self) -> Vec<String> {
        let mut months = Vec::new();
        let (mut year, mut month) = (self.du.year(), self.du.month());
        while (year, month) <= (self.au.year(), self.au.month()) {
            months.push(format!("{year:04}-{month:02}"));
            (year, month) = if month == 12 {
                (year + 1, 1)
            } else {
                (year, month + 1)
            };
        }
        months
    }
}

/// Follow-ups, summed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuiviTotal {
    pub individuel: u64,
    pub atelier: u64,
    pub redirection: u64,
}

impl SuiviTotal {
    pub fn total(&self) -> u64 {
        self.individuel + self.atelier + self.redirection
    }
}

/// Every figure and distribution of a period. Maps over a vocabulary hold every value of it,
/// zeros included; `reorientations` holds the structures that occur (free text for "Autre").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    pub periode: Periode,
    /// Number of records.
    pub records: u64,
    /// Σ participants: every person accompanied, once per record.
    pub accompagnements: u64,
    /// Σ deja_accompagnes.
    pub deja_accompagnes: u64,
    /// Records per activity (ateliers = collectif, individuels, ponctuels).
    pub par_activite: BTreeMap<Activite, u64>,
    /// Σ participants of `collectif` records.
    pub participants_ateliers: u64,
    pub suivi: SuiviTotal,
    /// Σ minutes per activity.
    pub temps_par_activite: BTreeMap<Activite, u64>,
    /// Records per canal.
    pub canaux: BTreeMap<Canal, u64>,
    /// Records per duration bucket.
    pub durees: BTreeMap<TrancheDuree, u64>,
    /// People per age band.
    pub ages: BTreeMap<TrancheAge, u64>,
    /// People per statut.
    pub statuts: BTreeMap<Statut, u64>,
    /// Records containing each theme.
    pub thematiques: BTreeMap<Thematique, u64>,
    /// People sent to each structure (its label; the free text for "Autre").
    pub reorientations: BTreeMap<String, u64>,
    /// Records per month (`AAAA-MM`), every month of the period.
    pub evolution: BTreeMap<String, u64>,
    /// Σ participants per month (`AAAA-MM`), every month of the period.
    pub evolution_accompagnements: BTreeMap<String, u64>,
}

fn zeros<K: Ord + Copy>(all: &[K]) -> BTreeMap<K, u64> {
    all.iter().map(|k| (*k, 0)).collect()
}

/// Whether a record is counted in or taken out.
#[derive(Clone, Copy)]
enum Direction {
    Add,
    Remove,
}

impl Direction {
    fn apply(self, total: &mut u64, n: u64) {
        match self {
            Direction::Add => *total += n,
            Direction::Remove => *total = total.saturating_sub(n),
        }
    }

    fn apply_in<K: Ord>(self, totals: &mut BTreeMap<K, u64>, key: K, n: u64) {
        self.apply(totals.entry(key).or_default(), n);
    }
}

impl Stats {
    /// The statistics of a period without any record: zeros everywhere.
    pub fn empty(periode: Periode) -> Stats {
        Stats {
            periode,
            records: 0,
            accompagnements: 0,
            deja_accompagnes: 0,
            par_activite: zeros(Activite::ALL),
            participants_ateliers: 0,
            suivi: SuiviTotal::default(),
            temps_par_activite: zeros(Activite::ALL),
            canaux: zeros(Canal::ALL),
            durees: zeros(TrancheDuree::ALL),
            ages: zeros(TrancheAge::ALL),
            statuts: zeros(Statut::ALL),
            thematiques: zeros(Thematique::ALL),
            reorientations: BTreeMap::new(),
            evolution: periode.months().into_iter().map(|m| (m, 0)).collect(),
            evolution_accompagnements: periode.months().into_iter().map(|m| (m, 0)).collect(),
        }
    }

    /// The statistics of the records dated within the period (others are ignored).
    pub fn from_records<'a>(
        periode: Periode,
        records: impl IntoIterator<Item = &'a Accompagnement>,
    ) -> Stats {
        let mut stats = Stats::empty(periode);
        for record in records {
            stats.add(record);
        }
        stats
    }

    /// Counts one more record, if it is dated within the period.
    pub fn add(&mut self, a: &Accompagnement) {
        self.change_by(a, Direction::Add);
    }

    /// Takes away a record counted before (its deletion waits on the phone).
    pub fn remove(&mut self, a: &Accompagnement) {
        self.change_by(a, Direction::Remove);
    }

    fn change_by(&mut self, a: &Accompagnement, direction: Direction) {
        if !self.periode.contains(a.date()) {
            return;
        }
        let d = direction;
        let participants = u64::from(a.participants());
        d.apply(&mut self.records, 1);
        d.apply(&mut self.accompagnements, participants);
        d.apply(
            &mut self.deja_accompagnes,
            u64::from(a.deja_accompagnes().unwrap_or(0)),
        );
        d.apply_in(&mut self.par_activite, a.activite(), 1);
        if a.activite() == Activite::Collectif {
            d.apply(&mut self.participants_ateliers, participants);
        }
        let suivi = a.suivi();
        d.apply(&mut self.suivi.individuel, u64::from(suivi.individuel));
        d.apply(&mut self.suivi.atelier, u64::from(suivi.atelier));
        d.apply(&mut self.suivi.redirection, u64::from(suivi.redirection));
        d.apply_in(
            &mut self.temps_par_activite,
            a.activite(),
            u64::from(a.duree_minutes()),
        );
        d.apply_in(&mut self.canaux, a.canal(), 1);
        d.apply_in(
            &mut self.durees,
            TrancheDuree::of_minutes(a.duree_minutes()),
            1,
        );
        for (age, n) in a.ages() {
            d.apply_in(&mut self.ages, *age, u64::from(*n));
        }
        for (statut, n) in a.statuts() {
            d.apply_in(&mut self.statuts, *statut, u64::from(*n));
        }
        for theme in a.thematiques() {
            d.apply_in(&mut self.thematiques, *theme, 1);
        }
        for r in a.redirections() {
            d.apply_in(
                &mut self.reorientations,
                r.label().to_owned(),
                u64::from(r.personnes),
            );
        }
        // A structure nobody was sent to is not listed; the enums and months always are.
        self.reorientations.retain(|_, n| *n > 0);
        let month = super::mois::Mois::of(a.date()).to_string();
        d.apply_in(
            &mut self.evolution_accompagnements,
            month.clone(),
            participants,
        );
        d.apply_in(&mut self.evolution, month, 1);
    }

    /// Adds the figures of other records of the same period (another conseiller's: a
    /// structure's figures are the sum of its conseillers').
    pub fn merge(&mut self, other: &Stats) {
        fn add_all<K: Ord + Clone>(into: &mut BTreeMap<K, u64>, from: &BTreeMap<K, u64>) {
            for (key, n) in from {
                *into.entry(key.clone()).or_default() += n;
            }
        }
        self.records += other.records;
        self.accompagnements += other.accompagnements;
        self.deja_accompagnes += other.deja_accompagnes;
        add_all(&mut self.par_activite, &other.par_activite);
        self.participants_ateliers += other.participants_ateliers;
        self.suivi.individuel += other.suivi.individuel;
        self.suivi.atelier += other.suivi.atelier;
        self.suivi.redirection += other.suivi.redirection;
        add_all(&mut self.temps_par_activite, &other.temps_par_activite);
        add_all(&mut self.canaux, &other.canaux);
        add_all(&mut self.durees, &other.durees);
        add_all(&mut self.ages, &other.ages);
        add_all(&mut self.statuts, &other.statuts);
        add_all(&mut self.thematiques, &other.thematiques);
        add_all(&mut self.reorientations, &other.reorientations);
        add_all(&mut self.evolution, &other.evolution);
        add_all(
            &mut self.evolution_accompagnements,
            &other.evolution_accompagnements,
        );
    }

    /// The same statistics with every free-text structure counted as "Autre", as the national
    /// figures give them (free text can name people).
    pub fn pooled(mut self) -> Stats {
        let autre = StructureRedirection::Autre.label();
        let mut pooled: BTreeMap<String, u64> = BTreeMap::new();
        for (label, n) in std::mem::take(&mut self.reorientations) {
            let known = StructureRedirection::ALL
                .iter()
                .any(|s| *s != StructureRedirection::Autre && s.label() == label);
            *pooled
                .entry(if known { label } else { autre.to_owned() })
                .or_default() += n;
        }
        self.reorientations = pooled;
        self
    }

    pub fn ateliers(&self) -> u64 {
        self.count(Activite::Collectif)
    }

    pub fn individuels(&self) -> u64 {
        self.count(Activite::Individuel)
    }

    pub fn ponctuels(&self) -> u64 {
        self.count(Activite::Ponctuel)
    }

    fn count(&self, activite: Activite) -> u64 {
        self.par_activite.get(&activite).copied().unwrap_or(0)
    }

    /// Σ participants − Σ deja_accompagnes.
    pub fn nouveaux_usagers(&self) -> u64 {
        self.accompagnements.saturating_sub(self.deja_accompagnes)
    }

    /// People followed up, as a whole percentage of accompagnements (rounded down).
    pub fn suivi_percent(&self) -> u64 {
        (self.suivi.total() * 100)
            .checked_div(self.accompagnements)
            .unwrap_or(0)
    }

    pub fn temps_total(&self) -> u64 {
        self.temps_par_activite.values().sum()
    }

    /// Records per month with the running total, in month order.
    pub fn evolution_cumulee(&self) -> Vec<(String, u64, u64)> {
        cumulative(&self.evolution)
    }

    /// Accompagnements (Σ participants) per month with the running total, in month order.
    pub fn evolution_accompagnements_cumulee(&self) -> Vec<(String, u64, u64)> {
        cumulative(&self.evolution_accompagnements)
    }
}

fn cumulative(per_month: &BTreeMap<String, u64>) -> Vec<(String, u64, u64)> {
    let mut total = 0;
    per_month
        .iter()
        .map(|(month, n)| {
            total += n;
            (month.clone(), *n, total)
        })
        .collect()
}

/// `part` as a percentage of `total` with one decimal (0 when the total is 0).
pub fn percent(part: u64, total: u64) -> f64 {
    if total == 0 {
        0.0
    } else {
        (part as f64 * 1000.0 / total as f64).round() / 10.0
    }
}

/// A distribution's rows as (French label, count), in the vocabulary's order. The page, its
/// data tables and the CSV export all list a distribution this way.
pub fn labelled<K: Copy>(
    counts: &BTreeMap<K, u64>,
    label: fn(K) -> &'static str,
) -> Vec<(String, u64)> {
    counts
        .iter()
        .map(|(k, n)| (label(*k).to_owned(), *n))
        .collect()
}

/// Percentages of a distribution, each of its own total.
pub fn shares<K: Clone + Ord>(counts: &BTreeMap<K, u64>) -> BTreeMap<K, f64> {
    let total = counts.values().sum();
    counts
        .iter()
        .map(|(k, n)| (k.clone(), percent(*n, total)))
        .collect()
}

#[cfg(test)]
mod tests;
