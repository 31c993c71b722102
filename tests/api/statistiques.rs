//! The statistics the database computes equal the one definition in `domain::stats`, on
//! random record sets, on SQLite and on Postgres.

use chrono::{Days, NaiveDate};
use conum::domain::stats::{Periode, Stats};
use conum::domain::{Accompagnement, AccompagnementInput};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::*;
use crate::on_both_databases;

const SETS: u64 = 200;
const COMMUNES: [(&str, &str, &str); 4] = [
    ("69123", "Lyon", "69003"),
    ("75111", "Paris 11e Arrondissement", "75011"),
    ("2A004", "Ajaccio", "20000"),
    ("97411", "Saint-Denis", "97400"),
];
const AGES: [&str; 5] = [
    "moins_12",
    "de_12_a_18",
    "de_18_a_35",
    "de_35_a_60",
    "plus_60",
];
const STATUTS: [&str; 5] = [
    "scolarise",
    "sans_emploi",
    "en_emploi",
    "retraite",
    "non_renseigne",
];
const THEMES: [&str; 6] = [
    "internet", "courriel", "fraude", "securite", "demarche", "sante",
];
const DURATIONS: [i64; 11] = [1, 15, 30, 31, 45, 60, 61, 90, 120, 121, 480];
const STRUCTURES: [&str; 3] = ["caf", "cpam", "autre"];
const OTHER_NAMES: [&str; 2] = ["Secours populaire", "Restos du cœur"];

fn first_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 10, 1).unwrap()
}

pub(crate) fn random_date(rng: &mut StdRng) -> NaiveDate {
    first_day() + Days::new(rng.gen_range(0..=400))
}

/// `total` people spread over a few buckets.
fn split(rng: &mut StdRng, total: i64, buckets: &[&str]) -> Value {
    let mut counts = serde_json::Map::new();
    let mut left = total;
    while left > 0 {
        let n = rng.gen_range(1..=left);
        let bucket = buckets.choose(rng).unwrap();
        let before = counts.get(*bucket).and_then(Value::as_i64).unwrap_or(0);
        counts.insert(bucket.to_string(), json!(before + n));
        left -= n;
    }
    Value::Object(counts)
}

pub(crate) fn random_record(rng: &mut StdRng) -> Value {
    let activite = ["individuel", "collectif", "ponctuel"].choose(rng).unwrap();
    let participants: i64 = if *activite == "collectif" {
        rng.gen_range(1..=20)
    } else {
        rng.gen_range(1..=3)
    };
    let (insee, nom, cp) = COMMUNES.choose(rng).unwrap();
    let how_many = rng.gen_range(1..=4);
    let mut themes: Vec<&str> = THEMES.choose_multiple(rng, how_many).copied().collect();
    themes.sort();
    let individuel = rng.gen_range(0..=participants);
    let atelier = rng.gen_range(0..=participants - individuel);
    let redirection = rng.gen_range(0..=participants - individuel - atelier);
    let mut redirections = Vec::new();
    let mut left = redirection;
    let mut used = Vec::new();
    while left > 0 {
        let structure = *STRUCTURES.choose(rng).unwrap();
        let precision = (structure == "autre").then(|| *OTHER_NAMES.choose(rng).unwrap());
        if used.contains(&(structure, precision)) {
            continue;
        }
        used.push((structure, precision));
        let n = if used.len() == 3 {
            left
        } else {
            rng.gen_range(1..=left)
        };
        redirections
            .push(json!({ "structure": structure, "precision": precision, "personnes": n }));
        left -= n;
    }
    let canal = *["rattachement", "autre_lieu", "distance", "domicile"]
        .choose(rng)
        .unwrap();
    let duree = *DURATIONS.choose(rng).unwrap();
    let deja = if rng.gen_bool(0.3) {
        Value::Null
    } else {
        json!(rng.gen_range(0..=participants))
    };
    json!({
        "id": new_id(),
        "date": random_date(rng).to_string(),
        "activite": activite,
        "participants": participants,
        "deja_accompagnes": deja,
        "commune": { "insee": insee, "nom": nom, "code_postal": cp },
        "canal": canal,
        "ages": split(rng, participants, &AGES),
        "statuts": split(rng, participants, &STATUTS),
        "thematiques": themes,
        "duree_minutes": duree,
        "suivi": { "individuel": individuel, "atelier": atelier, "redirection": redirection },
        "redirections": redirections,
    })
}

pub(crate) async fn stats_of(device: &Device, periode: Periode) -> reqwest::Response {
    device
        .http
        .get(format!(
            "{}/api/statistiques?du={}&au={}",
            device.address, periode.du, periode.au
        ))
        .send()
        .await
        .unwrap()
}

on_both_databases! {
    async fn the_database_computes_the_same_statistics_as_the_domain(app) {
        for seed in 0..SETS {
            let mut rng = StdRng::seed_from_u64(seed);
            let device = app.conseiller(&format!("stats-{seed}@exemple.fr")).await;
            let mut records = Vec::new();
            for _ in 0..rng.gen_range(0..=12) {
                let record = random_record(&mut rng);
                let response = device.create(&record).await;
                assert_eq!(response.status(), StatusCode::OK, "seed {seed}: {}", response.text().await.unwrap());
                let input: AccompagnementInput = serde_json::from_value(record).unwrap();
                records.push(Accompagnement::from_stored(input).unwrap());
            }
            let (a, b) = (random_date(&mut rng), random_date(&mut rng));
            let periode = Periode { du: a.min(b), au: a.max(b) };

            let response = stats_of(&device, periode).await;

            assert_eq!(response.status(), StatusCode::OK);
            let from_sql: Stats = response.json().await.unwrap();
            let from_domain = Stats::from_records(periode, &records);
            assert_eq!(from_sql, from_domain, "seed {seed}");
        }
    }

    async fn an_empty_period_gives_zeros(app) {
        let device = app.conseiller("camille@exemple.fr").await;
        device.create(&record_on("2026-11-02")).await;
        let periode = Periode {
            du: NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
            au: NaiveDate::from_ymd_opt(2025, 3, 31).unwrap(),
        };

        let stats: Stats = stats_of(&device, periode).await.json().await.unwrap();

        assert_eq!(stats, Stats::empty(periode));
        assert_eq!(stats.evolution.len(), 3);
    }

    async fn statistics_count_only_the_conseillers_own_records(app) {
        let camille = app.conseiller("camille@exemple.fr").await;
        let dominique = app.conseiller("dominique@exemple.fr").await;
        camille.create(&full_record()).await;
        let periode = Periode {
            du: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            au: NaiveDate::from_ymd_opt(2026, 1, 31).unwrap(),
        };

        let theirs: Stats = dominique.http.get(format!("{}/api/statistiques?du=2026-01-01&au=2026-01-31", app.address)).send().await.unwrap().json().await.unwrap();
        let own: Stats = stats_of(&camille, periode).await.json().await.unwrap();

        assert_eq!(theirs, Stats::empty(periode));
        assert_eq!(own.accompagnements, 8);
        assert_eq!(app.device().http.get(format!("{}/api/statistiques?du=2026-01-01&au=2026-01-31", app.address)).send().await.unwrap().status(), StatusCode::UNAUTHORIZED);
    }

    async fn without_a_start_the_period_begins_at_the_first_record(app) {
        let device = app.conseiller("camille@exemple.fr").await;
        let url = format!("{}/api/statistiques", app.address);
        let empty: Stats = device.http.get(&url).send().await.unwrap().json().await.unwrap();
        device.create(&record_on("2026-03-10")).await;
        device.create(&full_record()).await;

        let since_the_start: Stats = device.http.get(&url).send().await.unwrap().json().await.unwrap();
        let reversed = device.http.get(format!("{url}?du=2026-11-30&au=2026-11-01")).send().await.unwrap();

        assert_eq!(empty.records, 0);
        assert_eq!(empty.periode.du, empty.periode.au);
        assert_eq!(since_the_start.periode.du, NaiveDate::from_ymd_opt(2026, 1, 15).unwrap());
        assert_eq!(since_the_start.records, 2);
        assert!(field_message(reversed, "au").await.contains("postérieure"));
    }
}
