//! National and régional statistics: the counters kept per département and day always give
//! the figures the one definition (`domain::stats`) computes from the records of the
//! territory's conseillers, whatever sequence of changes came before; and no figure comes out
//! of a territory where fewer than 5 conseillers recorded something.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use conum::domain::stats::{Periode, Stats};
use conum::domain::{Accompagnement, AccompagnementInput};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::*;
use crate::on_both_databases;
use crate::statistiques::{random_record, stats_of};

fn year() -> Periode {
    Periode {
        du: NaiveDate::from_ymd_opt(2025, 10, 1).unwrap(),
        au: NaiveDate::from_ymd_opt(2026, 11, 27).unwrap(),
    }
}

/// A conseiller of a commune (and so of its département).
struct Conseiller {
    device: Device,
    departement: &'static str,
    /// Their records as the server holds them: id → input.
    records: BTreeMap<String, Value>,
}

const LYON: (&str, &str, &str, &str) = ("69123", "Lyon", "69001", "69");
const GRENOBLE: (&str, &str, &str, &str) = ("38185", "Grenoble", "38000", "38");
const RENNES: (&str, &str, &str, &str) = ("35238", "Rennes", "35000", "35");

async fn conseiller_of(
    app: &TestApp,
    email: &str,
    place: (&str, &str, &str, &'static str),
) -> Conseiller {
    let device = app.conseiller(email).await;
    let (insee, nom, cp, departement) = place;
    let mut profil = signup_body(email);
    profil
        .as_object_mut()
        .unwrap()
        .retain(|k, _| !["email", "password"].contains(&k.as_str()));
    profil["commune"] = json!({ "insee": insee, "nom": nom, "code_postal": cp });
    profil["departement"] = json!(departement);
    assert_eq!(device.update_profil(&profil).await.status(), StatusCode::OK);
    Conseiller {
        device,
        departement,
        records: BTreeMap::new(),
    }
}

async fn national(device: &Device, territoire: &str) -> (StatusCode, Value) {
    let response = device
        .request(
            Method::GET,
            &format!(
                "/api/statistiques/nationales?territoire={territoire}&du={}&au={}",
                year().du,
                year().au
            ),
        )
        .send()
        .await
        .unwrap();
    (response.status(), response.json().await.unwrap())
}

fn parsed(records: &BTreeMap<String, Value>) -> Vec<Accompagnement> {
    records
        .values()
        .map(|v| {
            Accompagnement::from_stored(
                serde_json::from_value::<AccompagnementInput>(v.clone()).unwrap(),
            )
            .unwrap()
        })
        .collect()
}

/// The one definition over the records of the conseillers of the territory, free text pooled.
fn expected(conseillers: &[Conseiller], departements: &[&str]) -> Stats {
    let records: Vec<Accompagnement> = conseillers
        .iter()
        .filter(|c| departements.contains(&c.departement))
        .flat_map(|c| parsed(&c.records))
        .collect();
    Stats::from_records(year(), &records).pooled()
}

/// Every conseiller's own figures ("Mes statistiques", from their own counters) are those of
/// the one definition over their records, free text included.
async fn assert_personal_figures_exact(conseillers: &[Conseiller]) {
    for c in conseillers {
        let response = stats_of(&c.device, year()).await;
        assert_eq!(response.status(), StatusCode::OK);
        let figures: Stats = response.json().await.unwrap();
        assert_eq!(figures, Stats::from_records(year(), &parsed(&c.records)));
    }
}

/// Every number of `a` plus the same number of `b` (the period is `a`'s).
fn sum(a: &Value, b: &Value) -> Value {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => json!(x.as_u64().unwrap() + y.as_u64().unwrap()),
        (Value::Object(x), Value::Object(y)) => {
            let mut out = x.clone();
            for (k, v) in y {
                let merged = match x.get(k) {
                    Some(mine) if k != "periode" => sum(mine, v),
                    Some(mine) => mine.clone(),
                    None => v.clone(),
                };
                out.insert(k.clone(), merged);
            }
            Value::Object(out)
        }
        (x, _) => x.clone(),
    }
}

on_both_databases! {
    async fn national_and_regional_figures_always_equal_those_of_the_records(app) {
        let mut rng = StdRng::seed_from_u64(11);
        let mut conseillers = Vec::new();
        for n in 0..6 {
            conseillers.push(conseiller_of(&app, &format!("lyon{n}@exemple.fr"), LYON).await);
        }
        for n in 0..5 {
            conseillers.push(conseiller_of(&app, &format!("grenoble{n}@exemple.fr"), GRENOBLE).await);
        }
        for n in 0..2 {
            conseillers.push(conseiller_of(&app, &format!("rennes{n}@exemple.fr"), RENNES).await);
        }
        // Each has one record that stays, then a random sequence of creates, updates, deletes.
        for c in conseillers.iter_mut() {
            let mut record = random_record(&mut rng);
            record["date"] = json!("2026-03-02");
            assert_eq!(c.device.create(&record).await.status(), StatusCode::OK);
            c.records.insert(format!("garde-{}", record["id"].as_str().unwrap()), record);
        }
        for _ in 0..120 {
            let c = conseillers.choose_mut(&mut rng).unwrap();
            let changeable: Vec<String> = c.records.keys().filter(|k| !k.starts_with("garde-")).cloned().collect();
            match rng.gen_range(0..3) {
                1 if !changeable.is_empty() => {
                    let id = changeable.choose(&mut rng).unwrap().clone();
                    let mut record = random_record(&mut rng);
                    record["id"] = json!(id);
                    assert_eq!(c.device.update(&id, &record).await.status(), StatusCode::OK);
                    c.records.insert(id, record);
                }
                2 if !changeable.is_empty() => {
                    let id = changeable.choose(&mut rng).unwrap().clone();
                    assert_eq!(c.device.delete(&id).await.status(), StatusCode::OK);
                    c.records.remove(&id);
                }
                _ => {
                    let record = random_record(&mut rng);
                    assert_eq!(c.device.create(&record).await.status(), StatusCode::OK);
                    c.records.insert(record["id"].as_str().unwrap().to_owned(), record);
                }
            }
        }
        // A conseiller of Lyon moves to Grenoble: their records follow them.
        let mover = conseillers.iter_mut().find(|c| c.departement == "69").unwrap();
        let mut profil = signup_body("lyon0@exemple.fr");
        profil.as_object_mut().unwrap().retain(|k, _| !["email", "password"].contains(&k.as_str()));
        profil["commune"] = json!({ "insee": GRENOBLE.0, "nom": GRENOBLE.1, "code_postal": GRENOBLE.2 });
        profil["departement"] = json!("38");
        assert_eq!(mover.device.update_profil(&profil).await.status(), StatusCode::OK);
        mover.departement = "38";

        let asker = &conseillers[0].device;
        let (status, france) = national(asker, "france").await;
        assert_eq!(status, StatusCode::OK, "{france}");
        assert_eq!(france["libelle"], "France entière");
        let france_expected = expected(&conseillers, &["69", "38", "35"]);
        assert_eq!(serde_json::from_value::<Stats>(france["stats"].clone()).unwrap(), france_expected);
        let (_, region) = national(asker, "region-84").await;
        assert_eq!(serde_json::from_value::<Stats>(region["stats"].clone()).unwrap(), expected(&conseillers, &["69", "38"]));
        let (_, lyon) = national(asker, "departement-69").await;
        let (_, grenoble) = national(asker, "departement-38").await;
        assert_eq!(serde_json::from_value::<Stats>(lyon["stats"].clone()).unwrap(), expected(&conseillers, &["69"]));
        assert_eq!(serde_json::from_value::<Stats>(grenoble["stats"].clone()).unwrap(), expected(&conseillers, &["38"]));
        // A région is the sum of its départements.
        assert_eq!(sum(&lyon["stats"], &grenoble["stats"]), region["stats"]);
        // Free text names no one in national figures.
        assert!(!france.to_string().contains("Secours populaire") && !france.to_string().contains("Restos"));
        // Bretagne: two conseillers only.
        let (status, bretagne) = national(asker, "region-53").await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(bretagne["message"], "Données insuffisantes pour garantir l'anonymat (moins de 5 conseillers).");
        assert!(bretagne.get("stats").is_none());
        assert_personal_figures_exact(&conseillers).await;
    }

    async fn counters_out_of_step_with_the_records_are_rebuilt_at_start(app) {
        let mut rng = StdRng::seed_from_u64(13);
        let mut conseillers = Vec::new();
        for n in 0..5 {
            let mut c = conseiller_of(&app, &format!("lyon{n}@exemple.fr"), LYON).await;
            for _ in 0..4 {
                let record = random_record(&mut rng);
                assert_eq!(c.device.create(&record).await.status(), StatusCode::OK);
                c.records.insert(record["id"].as_str().unwrap().to_owned(), record);
            }
            conseillers.push(c);
        }
        // A database from before the counters: records, and no counter yet.
        for table in ["stats_jour", "stats_conseiller_jour", "reorientations_autres_jour"] {
            app.execute(&format!("DELETE FROM {table}")).await;
        }

        app.restart().await;
        for c in conseillers.iter_mut() {
            c.device = c.device.at(&app.address);
        }

        let (status, france) = national(&conseillers[0].device, "france").await;
        assert_eq!(status, StatusCode::OK, "{france}");
        assert_eq!(serde_json::from_value::<Stats>(france["stats"].clone()).unwrap(), expected(&conseillers, &["69"]));
        assert_personal_figures_exact(&conseillers).await;
    }

    async fn a_territory_needs_5_contributing_conseillers_for_its_figures(app) {
        let mut conseillers = Vec::new();
        for n in 0..5 {
            conseillers.push(conseiller_of(&app, &format!("c{n}@exemple.fr"), LYON).await);
        }
        // Four have recorded something in the period, the fifth only before it.
        for c in &conseillers[..4] {
            c.device.create(&record_on("2026-11-02")).await;
        }
        conseillers[4].device.create(&record_on("2025-01-15")).await;

        let (status, four) = national(&conseillers[0].device, "departement-69").await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(four["data"]["kind"], "too_few_contributors");
        let csv = conseillers[0].device.request(Method::GET, &format!("/api/exports/nationales.csv?territoire=departement-69&du={}&au={}", year().du, year().au)).send().await.unwrap();
        assert_eq!(csv.status(), StatusCode::FORBIDDEN);

        conseillers[4].device.create(&record_on("2026-11-03")).await;
        let (status, five) = national(&conseillers[0].device, "departement-69").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(five["stats"]["records"], 5);
        assert_eq!(five["libelle"], "Rhône (69)");
        let csv = conseillers[0].device.request(Method::GET, &format!("/api/exports/nationales.csv?territoire=departement-69&du={}&au={}", year().du, year().au)).send().await.unwrap().text().await.unwrap();
        assert!(csv.contains("Statistiques nationales, Rhône (69), du 01/10/2025 au 27/11/2026"), "{csv}");
        assert!(!csv.contains("Identifiant"), "no record rows: {csv}");
    }

    async fn concurrent_saves_moves_and_date_swaps_keep_the_counters_exact(app) {
        let mut rng = StdRng::seed_from_u64(12);
        let mut conseillers = Vec::new();
        for n in 0..5 {
            conseillers.push(conseiller_of(&app, &format!("lyon{n}@exemple.fr"), LYON).await);
        }
        // Two records per conseiller on two days, then updates that swap their dates, all at
        // once: the rows of stats_jour are taken in opposite orders unless ordered.
        let mut firsts = Vec::new();
        for c in conseillers.iter_mut() {
            for date in ["2026-03-02", "2026-03-03"] {
                let mut record = random_record(&mut rng);
                record["date"] = json!(date);
                assert_eq!(c.device.create(&record).await.status(), StatusCode::OK);
                c.records.insert(record["id"].as_str().unwrap().to_owned(), record);
            }
            firsts.push(c.records.clone());
        }
        let mut swaps = Vec::new();
        for (c, records) in conseillers.iter().zip(&firsts) {
            for (id, record) in records {
                let mut swapped = record.clone();
                swapped["date"] = json!(if record["date"] == "2026-03-02" { "2026-03-03" } else { "2026-03-02" });
                swaps.push((c, id.clone(), swapped));
            }
        }
        let answers = futures_util::future::join_all(
            swaps.iter().map(|(c, id, record)| c.device.update(id, record)),
        )
        .await;
        assert!(answers.iter().all(|r| r.status() == StatusCode::OK));
        for (c, records) in conseillers.iter_mut().zip(firsts) {
            for (id, record) in records {
                let mut swapped = record.clone();
                swapped["date"] = json!(if record["date"] == "2026-03-02" { "2026-03-03" } else { "2026-03-02" });
                c.records.insert(id, swapped);
            }
        }

        // The first conseiller saves records while moving to Grenoble and back, and ends there.
        let new_records: Vec<Value> = (0..12).map(|_| random_record(&mut rng)).collect();
        let mover = &conseillers[0];
        let profil_in = |place: (&str, &str, &str, &str)| {
            let mut profil = signup_body("lyon0@exemple.fr");
            profil.as_object_mut().unwrap().retain(|k, _| !["email", "password"].contains(&k.as_str()));
            profil["commune"] = json!({ "insee": place.0, "nom": place.1, "code_postal": place.2 });
            profil["departement"] = json!(place.3);
            profil
        };
        let moves = [profil_in(GRENOBLE), profil_in(LYON), profil_in(GRENOBLE)];
        let saving = futures_util::future::join_all(new_records.iter().map(|r| mover.device.create(r)));
        let moving = async {
            let mut statuses = Vec::new();
            for profil in &moves {
                statuses.push(mover.device.update_profil(profil).await.status());
            }
            statuses
        };
        let (saved, moved) = tokio::join!(saving, moving);
        assert!(saved.iter().all(|r| r.status() == StatusCode::OK));
        assert!(moved.iter().all(|s| *s == StatusCode::OK));
        let mover = &mut conseillers[0];
        mover.departement = "38";
        for r in new_records {
            mover.records.insert(r["id"].as_str().unwrap().to_owned(), r);
        }
        // Four conseillers in Lyon now: its figures are withheld, but the région's are exact.
        let (status, region) = national(&conseillers[1].device, "region-84").await;
        assert_eq!(status, StatusCode::OK, "{region}");
        assert_eq!(serde_json::from_value::<Stats>(region["stats"].clone()).unwrap(), expected(&conseillers, &["69", "38"]));
        let (status, _) = national(&conseillers[1].device, "departement-69").await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_personal_figures_exact(&conseillers).await;
    }

    async fn conum_demo_fills_an_empty_database_that_shows_full_figures(app) {
        app.stop().await;
        let run = |args: &[&str]| {
            std::process::Command::new(env!("CARGO_BIN_EXE_conum"))
                .arg("demo")
                .args(args)
                .env("DATABASE_URL", &app.database_url)
                .env("RUST_LOG", "warn")
                .output()
                .expect("run conum demo")
        };
        let filled = run(&["--conseillers", "8", "--par-conseiller", "30", "--accompagnements-compte", "120"]);
        assert!(filled.status.success(), "{}", String::from_utf8_lossy(&filled.stderr));
        let printed = String::from_utf8(filled.stdout).unwrap();
        let login = printed
            .lines()
            .find_map(|l| l.strip_prefix("Compte de démonstration : "))
            .expect("the login printed at the end");
        let (email, password) = login.split_once(" — mot de passe : ").unwrap();
        // Progress is shown while it runs.
        assert!(String::from_utf8_lossy(&filled.stderr).contains("accompagnements"));
        // Once only: a database with conseillers is not filled again.
        let again = run(&[]);
        assert!(!again.status.success());
        assert!(String::from_utf8_lossy(&again.stderr).contains("remplit une base vide"));

        app.start().await;
        let device = app.device();
        assert_eq!(device.log_in(email, password).await.status(), StatusCode::OK);
        let last_year = Periode {
            du: conum::clock::today_in_paris() - chrono::Days::new(400),
            au: conum::clock::today_in_paris(),
        };
        let own: Stats = stats_of(&device, last_year).await.json().await.unwrap();
        assert_eq!(own.records, 120);
        let response = device
            .request(Method::GET, &format!("/api/statistiques/nationales?territoire=france&du={}&au={}", last_year.du, last_year.au))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let france: Value = response.json().await.unwrap();
        let france: Stats = serde_json::from_value(france["stats"].clone()).unwrap();
        assert!(france.records > 120, "{}", france.records);
    }

    async fn national_figures_need_a_session(app) {
        app.conseiller("camille@exemple.fr").await;
        let (status, _) = national(&app.device(), "france").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let (status, body) = national(&app.device(), "ville-lyon").await;
        assert!(status == StatusCode::UNAUTHORIZED || status == StatusCode::BAD_REQUEST, "{body}");
    }
}

#[tokio::test]
async fn public_statistics_open_the_national_figures_without_login() {
    let app = spawn_app_with(Backend::Sqlite, &[("PUBLIC_STATISTICS", "1")]).await;
    for n in 0..5 {
        app.conseiller(&format!("c{n}@exemple.fr"))
            .await
            .create(&record_on("2026-11-02"))
            .await;
    }

    let (status, body) = national(&app.device(), "france").await;

    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["stats"]["records"], 5);
    let (status, body) = national(&app.device(), "ville-lyon").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("Ce territoire n'existe pas"),
        "{body}"
    );
    // The personal figures stay private.
    assert_eq!(
        app.device()
            .request(Method::GET, "/api/statistiques")
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::UNAUTHORIZED
    );
}
