//! The statistics as counters that add up: what one record contributes to the figures of its
//! day and its département, and what a sum of them says. The national statistics keep one
//! row of counters per département and day (`stats_jour`), changed in the same transaction
//! as each record, so that a year of the whole country is a sum over a few tens of thousands
//! of rows instead of millions of records.
//!
//! The counters are named after the vocabulary (`columns`): a new theme is a new counter,
//! and a migration adds its column (`tests/tidy.rs` holds the migrations to this list).

use std::collections::BTreeMap;

use super::accompagnement::Accompagnement;
use super::stats::{Periode, Stats, SuiviTotal};
use super::vocabulary::{
    Activite, Canal, Statut, StructureRedirection, Thematique, TrancheAge, TrancheDuree,
};

/// One counter of each column, in the order of [`columns`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Counters(Vec<i64>);

const FIXED: [&str; 7] = [
    "comptes_rendus",
    "accompagnements",
    "deja_accompagnes",
    "participants_ateliers",
    "suivi_individuel",
    "suivi_atelier",
    "suivi_redirection",
];

/// The name of every counter, which is also its column.
pub fn columns() -> Vec<String> {
    let mut names: Vec<String> = FIXED.iter().map(|c| (*c).to_owned()).collect();
    let mut per = |prefix: &str, codes: Vec<&str>| {
        names.extend(codes.into_iter().map(|code| format!("{prefix}_{code}")));
    };
    per("activite", Activite::ALL.iter().map(|a| a.code()).collect());
    per("temps", Activite::ALL.iter().map(|a| a.code()).collect());
    per("canal", Canal::ALL.iter().map(|c| c.code()).collect());
    per(
        "duree",
        TrancheDuree::ALL.iter().map(|d| d.code()).collect(),
    );
    per("age", TrancheAge::ALL.iter().map(|a| a.code()).collect());
    per("statut", Statut::ALL.iter().map(|s| s.code()).collect());
    per("theme", Thematique::ALL.iter().map(|t| t.code()).collect());
    per(
        "redirection",
        StructureRedirection::ALL.iter().map(|s| s.code()).collect(),
    );
    names
}

/// Where each group of counters starts.
struct Offsets {
    activite: usize,
    temps: usize,
    canal: usize,
    duree: usize,
    age: usize,
    statut: usize,
    theme: usize,
    redirection: usize,
    len: usize,
}

fn offsets() -> Offsets {
    let activite = FIXED.len();
    let temps = activite + Activite::ALL.len();
    let canal = temps + Activite::ALL.len();
    let duree = canal + Canal::ALL.len();
    let age = duree + TrancheDuree::ALL.len();
    let statut = age + TrancheAge::ALL.len();
    let theme = statut + Statut::ALL.len();
    let redirection = theme + Thematique::ALL.len();
    Offsets {
        activite,
        temps,
        canal,
        duree,
        age,
        statut,
        theme,
        redirection,
        len: redirection + StructureRedirection::ALL.len(),
    }
}

fn index<T: PartialEq>(all: &[T], value: &T) -> usize {
    all.iter()
        .position(|v| v == value)
        .expect("a value of its vocabulary")
}

impl Counters {
    pub fn zero() -> Counters {
        Counters(vec![0; offsets().len])
    }

    /// From values read in the order of [`columns`].
    pub fn from_values(values: Vec<i64>) -> Counters {
        assert_eq!(values.len(), offsets().len, "one value per column");
        Counters(values)
    }

    pub fn values(&self) -> &[i64] {
        &self.0
    }

    /// What one record adds. "Autre" redirections count as "Autre": their free text can name
    /// people, it is never pooled.
    pub fn of(a: &Accompagnement) -> Counters {
        let o = offsets();
        let mut c = Counters::zero();
        let v = &mut c.0;
        let participants = i64::from(a.participants());
        let suivi = a.suivi();
        v[0] = 1;
        v[1] = participants;
        v[2] = i64::from(a.deja_accompagnes().unwrap_or(0));
        v[3] = if a.activite() == Activite::Collectif {
            participants
        } else {
            0
        };
        v[4] = i64::from(suivi.individuel);
        v[5] = i64::from(suivi.atelier);
        v[6] = i64::from(suivi.redirection);
        let activite = index(Activite::ALL, &a.activite());
        v[o.activite + activite] = 1;
        v[o.temps + activite] = i64::from(a.duree_minutes());
        v[o.canal + index(Canal::ALL, &a.canal())] = 1;
        v[o.duree
            + index(
                TrancheDuree::ALL,
                &TrancheDuree::of_minutes(a.duree_minutes()),
            )] = 1;
        for (age, n) in a.ages() {
            v[o.age + index(TrancheAge::ALL, age)] += i64::from(*n);
        }
        for (statut, n) in a.statuts() {
            v[o.statut + index(Statut::ALL, statut)] += i64::from(*n);
        }
        for theme in a.thematiques() {
            v[o.theme + index(Thematique::ALL, theme)] += 1;
        }
        for r in a.redirections() {
            v[o.redirection + index(StructureRedirection::ALL, &r.structure)] +=
                i64::from(r.personnes);
        }
        c
    }

    pub fn add(&mut self, other: &Counters) {
        for (a, b) in self.0.iter_mut().zip(&other.0) {
            *a += b;
        }
    }

    pub fn negated(&self) -> Counters {
        Counters(self.0.iter().map(|n| -n).collect())
    }

    pub fn is_zero(&self) -> bool {
        self.0.iter().all(|n| *n == 0)
    }

    /// The statistics of `periode` from its months' counters (`AAAA-MM` → sum of its days).
    pub fn into_stats(months: &BTreeMap<String, Counters>, periode: Periode) -> Stats {
        let o = offsets();
        let mut stats = Stats::empty(periode);
        let n = |value: i64| value.max(0) as u64;
        for (month, c) in months {
            let v = &c.0;
            stats.records += n(v[0]);
            stats.accompagnements += n(v[1]);
            stats.deja_accompagnes += n(v[2]);
            stats.participants_ateliers += n(v[3]);
            stats.suivi = SuiviTotal {
                individuel: stats.suivi.individuel + n(v[4]),
                atelier: stats.suivi.atelier + n(v[5]),
                redirection: stats.suivi.redirection + n(v[6]),
            };
            for (i, a) in Activite::ALL.iter().enumerate() {
                *stats.par_activite.entry(*a).or_default() += n(v[o.activite + i]);
                *stats.temps_par_activite.entry(*a).or_default() += n(v[o.temps + i]);
            }
            for (i, k) in Canal::ALL.iter().enumerate() {
                *stats.canaux.entry(*k).or_default() += n(v[o.canal + i]);
            }
            for (i, k) in TrancheDuree::ALL.iter().enumerate() {
                *stats.durees.entry(*k).or_default() += n(v[o.duree + i]);
            }
            for (i, k) in TrancheAge::ALL.iter().enumerate() {
                *stats.ages.entry(*k).or_default() += n(v[o.age + i]);
            }
            for (i, k) in Statut::ALL.iter().enumerate() {
                *stats.statuts.entry(*k).or_default() += n(v[o.statut + i]);
            }
            for (i, k) in Thematique::ALL.iter().enumerate() {
                *stats.thematiques.entry(*k).or_default() += n(v[o.theme + i]);
            }
            for (i, k) in StructureRedirection::ALL.iter().enumerate() {
                let people = n(v[o.redirection + i]);
                if people > 0 {
                    *stats
                        .reorientations
                        .entry(k.label().to_owned())
                        .or_default() += people;
                }
            }
            if let Some(records) = stats.evolution.get_mut(month) {
                *records += n(v[0]);
            }
            if let Some(people) = stats.evolution_accompagnements.get_mut(month) {
                *people += n(v[1]);
            }
        }
        stats
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::fixtures;

    fn periode() -> Periode {
        Periode {
            du: chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            au: chrono::NaiveDate::from_ymd_opt(2026, 3, 31).unwrap(),
        }
    }

    #[test]
    fn counters_sum_to_the_statistics_of_the_records_free_text_pooled_as_autre() {
        let records: Vec<Accompagnement> = [
            fixtures::atelier(),
            fixtures::individuel("2026-01-20"),
            fixtures::individuel("2026-03-02"),
        ]
        .into_iter()
        .map(|input| Accompagnement::from_stored(input).unwrap())
        .collect();
        let mut months: BTreeMap<String, Counters> = BTreeMap::new();
        for r in &records {
            months
                .entry(crate::domain::mois::Mois::of(r.date()).to_string())
                .or_insert_with(Counters::zero)
                .add(&Counters::of(r));
        }

        let from_counters = Counters::into_stats(&months, periode());

        assert_eq!(
            from_counters,
            Stats::from_records(periode(), &records).pooled()
        );
        assert_eq!(from_counters.reorientations.get("Autre"), Some(&1));
    }

    #[test]
    fn a_record_added_then_taken_away_leaves_nothing() {
        let r = Accompagnement::from_stored(fixtures::atelier()).unwrap();
        let mut day = Counters::of(&r);
        day.add(&Counters::of(&r).negated());
        assert!(day.is_zero());
        assert_eq!(columns().len(), Counters::zero().values().len());
    }
}
