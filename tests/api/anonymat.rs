//! The statistical secret, tried as an outsider would (the property test of domain.md §3):
//! random conseillers over départements of three régions, records over four months, some
//! accounts not verified (an address outside the allowed domain) or deactivated by the
//! programme. Every figure the API gives is the one definition over the verified
//! conseillers' records, and no set of answers, subtracted from another, leaves 1 to 4
//! conseillers.

use std::collections::BTreeSet;

use conum::domain::mois::PeriodeMois;
use conum::domain::stats::Stats;
use conum::domain::territoire::Territoire;
use conum::domain::Accompagnement;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use reqwest::StatusCode;
use serde_json::json;

use crate::national::{
    conseiller_of, national, parsed, Conseiller, Place, AURILLAC, GRENOBLE, LAVAL, LYON, NANTES,
    RENNES,
};
use crate::on_both_databases;
use crate::statistiques::random_record;

const BOURG: Place = ("01053", "Bourg-en-Bresse", "01000", "01");
const BREST: Place = ("29019", "Brest", "29200", "29");
const SAINT_BRIEUC: Place = ("22278", "Saint-Brieuc", "22000", "22");

/// Three régions (Auvergne-Rhône-Alpes, Bretagne, Pays de la Loire), with big and small
/// départements: how many conseillers each draws, relatively.
const PLACES: [(Place, u32); 9] = [
    (LYON, 6),
    (GRENOBLE, 3),
    (AURILLAC, 1),
    (BOURG, 1),
    (RENNES, 4),
    (BREST, 2),
    (SAINT_BRIEUC, 1),
    (NANTES, 3),
    (LAVAL, 1),
];
const MONTHS: [&str; 4] = ["2026-01", "2026-02", "2026-03", "2026-04"];

/// A conseiller of the fixture, and whether their records may count.
struct Fixture {
    conseiller: Conseiller,
    counts: bool,
}

/// A cell the API answered: its départements and months.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Cell {
    name: String,
    departements: BTreeSet<&'static str>,
    months: BTreeSet<usize>,
}

impl Cell {
    fn atoms(&self) -> Atoms {
        self.departements
            .iter()
            .flat_map(|d| self.months.iter().map(move |m| (*d, *m)))
            .collect()
    }
}

fn month_of(record: &Accompagnement) -> usize {
    let month = record.date().format("%Y-%m").to_string();
    MONTHS
        .iter()
        .position(|m| *m == month)
        .expect("a month of the fixture")
}

type Atoms = BTreeSet<(&'static str, usize)>;

/// For each conseiller who counts, the (département, month) they contributed to.
fn contributions(fixture: &[Fixture]) -> Vec<Atoms> {
    fixture
        .iter()
        .filter(|f| f.counts)
        .map(|f| {
            parsed(&f.conseiller.records)
                .iter()
                .map(|r| (f.conseiller.departement, month_of(r)))
                .collect()
        })
        .collect()
}

/// The conseillers (who count) with a record in one of the atoms.
fn contributors(contributions: &[Atoms], atoms: &Atoms) -> usize {
    contributions
        .iter()
        .filter(|c| !c.is_disjoint(atoms))
        .count()
}

/// Every family of pairwise disjoint cells among `inside` (all of them when there are few,
/// else many drawn at random and the greedy ones), as the atoms they cover.
fn families(inside: &[Atoms], rng: &mut StdRng) -> Vec<Atoms> {
    let mut covered = Vec::new();
    if inside.len() <= 14 {
        let mut stack = vec![(0usize, BTreeSet::new())];
        while let Some((next, taken)) = stack.pop() {
            if next == inside.len() {
                covered.push(taken);
                continue;
            }
            stack.push((next + 1, taken.clone()));
            if taken.is_disjoint(&inside[next]) {
                let mut with = taken;
                with.extend(inside[next].iter().copied());
                stack.push((next + 1, with));
            }
        }
        return covered;
    }
    let mut order: Vec<usize> = (0..inside.len()).collect();
    for round in 0..3000 {
        order.shuffle(rng);
        let keep = if round % 2 == 0 {
            1.0
        } else {
            rng.gen_range(0.2..0.9)
        };
        let mut taken = Atoms::new();
        for &i in &order {
            if rng.gen_bool(keep) && taken.is_disjoint(&inside[i]) {
                taken.extend(inside[i].iter().copied());
            }
        }
        covered.push(taken);
    }
    covered
}

on_both_databases! {
    async fn no_difference_of_answers_isolates_fewer_than_5_verified_conseillers(app) {
        let mut rng = StdRng::seed_from_u64(21);
        let mut fixture = Vec::new();
        let weights: Vec<u32> = PLACES.iter().map(|(_, w)| *w).collect();
        let pick = rand::distributions::WeightedIndex::new(&weights).unwrap();
        for n in 0..30 {
            let place = PLACES[rng.sample(&pick)].0;
            // One in five signs up from outside the allowed domain: they never count.
            let verified = rng.gen_bool(0.8);
            let domain = if verified { "verifie.fr" } else { "autre.fr" };
            let mut conseiller = conseiller_of(&app, &format!("c{n}@{domain}"), place).await;
            for month in MONTHS {
                if !rng.gen_bool(0.65) {
                    continue;
                }
                for _ in 0..rng.gen_range(1..=2) {
                    let mut record = random_record(&mut rng);
                    record["date"] = json!(format!("{month}-{:02}", rng.gen_range(1..=28)));
                    assert_eq!(conseiller.device.create(&record).await.status(), StatusCode::OK);
                    conseiller.records.insert(record["id"].as_str().unwrap().to_owned(), record);
                }
            }
            fixture.push(Fixture { conseiller, counts: verified });
        }
        // The programme deactivates two verified conseillers: their records leave.
        let mut deactivated = 0;
        for (n, f) in fixture.iter_mut().enumerate() {
            if f.counts && deactivated < 2 && n % 3 == 1 {
                app.admin(&["desactiver", &format!("c{n}@verifie.fr")]).await;
                f.counts = false;
                deactivated += 1;
            }
        }
        app.restart_with_env(&[
            ("SIGNUP_MODE", "domaine"),
            ("SIGNUP_DOMAINS", "verifie.fr"),
            ("PUBLIC_STATISTICS", "1"),
        ])
        .await;
        let asker = app.device();

        let mut territories: Vec<Territoire> = vec![Territoire::France];
        for region in ["84", "53", "52"] {
            territories.push(Territoire::Region(region.into()));
        }
        for (place, _) in PLACES {
            territories.push(Territoire::Departement(place.3.into()));
        }
        let fixture_departements: Vec<&'static str> = PLACES.iter().map(|(p, _)| p.3).collect();
        let mut answered: Vec<Cell> = Vec::new();
        for territory in &territories {
            let departements: BTreeSet<&'static str> = match territory.departements() {
                None => fixture_departements.iter().copied().collect(),
                Some(codes) => codes.into_iter().filter(|d| fixture_departements.contains(d)).collect(),
            };
            for (du, first) in MONTHS.iter().enumerate() {
                for (au, last) in MONTHS.iter().enumerate().skip(du) {
                    let (status, answer) = national(&asker, &territory.code(), first, last).await;
                    assert_eq!(status, StatusCode::OK, "{answer}");
                    let periode = PeriodeMois::parse(Some(first), Some(last), conum::clock::today_in_paris())
                        .unwrap()
                        .periode();
                    let records: Vec<Accompagnement> = fixture
                        .iter()
                        .filter(|f| f.counts && departements.contains(f.conseiller.departement))
                        .flat_map(|f| parsed(&f.conseiller.records))
                        .collect();
                    let truth = Stats::from_records(periode, &records).pooled();
                    // Month by month: the published months' figures are the truth's.
                    for (i, month) in answer["evolution"].as_array().unwrap().iter().enumerate() {
                        let key = MONTHS[du + i];
                        if !month["comptes_rendus"].is_null() {
                            assert_eq!(month["comptes_rendus"], json!(truth.evolution[key]), "{} {key}", territory.code());
                            assert_eq!(month["accompagnements"], json!(truth.evolution_accompagnements[key]));
                            answered.push(Cell {
                                name: format!("{} {key}", territory.code()),
                                departements: departements.clone(),
                                months: [du + i].into(),
                            });
                        }
                    }
                    if answer["stats"].is_null() {
                        continue;
                    }
                    let figures: Stats = serde_json::from_value(answer["stats"].clone()).unwrap();
                    assert_eq!(figures, truth, "{} {first}..{last}", territory.code());
                    answered.push(Cell {
                        name: format!("{} {first}..{last}", territory.code()),
                        departements: departements.clone(),
                        months: (du..=au).collect(),
                    });
                }
            }
        }
        answered.sort();
        answered.dedup_by(|a, b| a.departements == b.departements && a.months == b.months);
        assert!(answered.iter().any(|c| c.name.starts_with("france")), "France is published");
        assert!(answered.len() > 10, "enough cells answered to try: {answered:?}");

        // Every answered cell, minus any family of disjoint answered cells inside it.
        let contributions = contributions(&fixture);
        for cell in &answered {
            let atoms = cell.atoms();
            let n = contributors(&contributions, &atoms);
            assert!(n == 0 || n >= 5, "{} answered with {n} conseillers", cell.name);
            let inside: Vec<Atoms> = answered
                .iter()
                .map(Cell::atoms)
                .filter(|a| a.is_subset(&atoms) && *a != atoms)
                .collect();
            for taken in families(&inside, &mut rng) {
                let left: BTreeSet<_> = atoms.difference(&taken).copied().collect();
                let n = contributors(&contributions, &left);
                assert!(n == 0 || n >= 5, "{} minus {taken:?} leaves {n} conseillers", cell.name);
            }
        }
    }
}
