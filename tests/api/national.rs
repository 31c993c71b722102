//! National and régional statistics: the counters kept per département and day always give
//! the figures the one definition (`domain::stats`) computes from the records of the
//! territory's conseillers, whatever sequence of changes came before; and no figure comes out
//! of a month where fewer than 5 conseillers recorded something, nor of the difference of
//! two answers (the property test is in `anonymat.rs`).

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

/// Every record made by these tests is dated between October 2025 and early November
/// 2026: this year covers them all.
fn year() -> Periode {
    Periode {
        du: NaiveDate::from_ymd_opt(2025, 10, 1).unwrap(),
        au: NaiveDate::from_ymd_opt(2026, 11, 27).unwrap(),
    }
}

/// March 2026, where every conseiller of these tests keeps a record.
const MARCH: &str = "2026-03";

fn march() -> Periode {
    Periode {
        du: NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
        au: NaiveDate::from_ymd_opt(2026, 3, 31).unwrap(),
    }
}

/// A conseiller of a commune (and so of its département).
pub(crate) struct Conseiller {
    pub device: Device,
    pub departement: &'static str,
    /// Their records as the server holds them: id → input.
    pub records: BTreeMap<String, Value>,
}

pub(crate) type Place = (&'static str, &'static str, &'static str, &'static str);
pub(crate) const LYON: Place = ("69123", "Lyon", "69001", "69");
pub(crate) const GRENOBLE: Place = ("38185", "Grenoble", "38000", "38");
pub(crate) const RENNES: Place = ("35238", "Rennes", "35000", "35");
pub(crate) const AURILLAC: Place = ("15014", "Aurillac", "15000", "15");
pub(crate) const NANTES: Place = ("44109", "Nantes", "44000", "44");
pub(crate) const LAVAL: Place = ("53130", "Laval", "53000", "53");

/// The sign-up body of a conseiller of `place`.
pub(crate) fn signup_in(email: &str, place: Place) -> Value {
    let (insee, nom, cp, departement) = place;
    let mut body = signup_body(email);
    body["commune"] = json!({ "insee": insee, "nom": nom, "code_postal": cp });
    body["departement"] = json!(departement);
    body
}

pub(crate) async fn conseiller_of(app: &TestApp, email: &str, place: Place) -> Conseiller {
    Conseiller {
        device: app.conseiller_with(&signup_in(email, place)).await,
        departement: place.3,
        records: BTreeMap::new(),
    }
}

/// The profile of `place` (to move a conseiller there).
fn profil_in(place: Place) -> Value {
    let mut profil = signup_in("x@exemple.fr", place);
    profil
        .as_object_mut()
        .unwrap()
        .retain(|k, _| !["email", "password", "invitation"].contains(&k.as_str()));
    profil
}

/// `GET /api/statistiques/nationales` for a territory and a run of months.
pub(crate) async fn national(
    device: &Device,
    territoire: &str,
    du: &str,
    au: &str,
) -> (StatusCode, Value) {
    national_filtered(device, territoire, du, au, "").await
}

/// The same with filters (`&canal=distance`).
pub(crate) async fn national_filtered(
    device: &Device,
    territoire: &str,
    du: &str,
    au: &str,
    filters: &str,
) -> (StatusCode, Value) {
    let response = device
        .request(
            Method::GET,
            &format!(
                "/api/statistiques/nationales?territoire={territoire}&du={du}&au={au}{filters}"
            ),
        )
        .send()
        .await
        .unwrap();
    (response.status(), response.json().await.unwrap())
}

/// The figures of an answer, when the whole period is published.
fn figures(answer: &Value) -> Option<Stats> {
    serde_json::from_value(answer["stats"].clone()).unwrap()
}

pub(crate) fn parsed(records: &BTreeMap<String, Value>) -> Vec<Accompagnement> {
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
fn expected(conseillers: &[Conseiller], departements: &[&str], periode: Periode) -> Stats {
    let records: Vec<Accompagnement> = conseillers
        .iter()
        .filter(|c| departements.contains(&c.departement))
        .flat_map(|c| parsed(&c.records))
        .collect();
    Stats::from_records(periode, &records).pooled()
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

/// Creates a record for `c` (kept in its list).
async fn record(c: &mut Conseiller, record: Value) {
    assert_eq!(c.device.create(&record).await.status(), StatusCode::OK);
    c.records
        .insert(record["id"].as_str().unwrap().to_owned(), record);
}

/// A record of `c` dated `date`.
async fn record_dated(c: &mut Conseiller, date: &str) {
    record(c, record_on(date)).await;
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
        for n in 0..5 {
            conseillers.push(conseiller_of(&app, &format!("rennes{n}@exemple.fr"), RENNES).await);
        }
        // Each has one record in March that stays, then a random sequence of creates,
        // updates, deletes.
        for c in conseillers.iter_mut() {
            let mut kept = random_record(&mut rng);
            kept["date"] = json!("2026-03-02");
            assert_eq!(c.device.create(&kept).await.status(), StatusCode::OK);
            c.records.insert(format!("garde-{}", kept["id"].as_str().unwrap()), kept);
        }
        for _ in 0..120 {
            let c = conseillers.choose_mut(&mut rng).unwrap();
            let changeable: Vec<String> = c.records.keys().filter(|k| !k.starts_with("garde-")).cloned().collect();
            match rng.gen_range(0..3) {
                1 if !changeable.is_empty() => {
                    let id = changeable.choose(&mut rng).unwrap().clone();
                    let mut changed = random_record(&mut rng);
                    changed["id"] = json!(id);
                    assert_eq!(c.device.update(&id, &changed).await.status(), StatusCode::OK);
                    c.records.insert(id, changed);
                }
                2 if !changeable.is_empty() => {
                    let id = changeable.choose(&mut rng).unwrap().clone();
                    assert_eq!(c.device.delete(&id).await.status(), StatusCode::OK);
                    c.records.remove(&id);
                }
                _ => record(c, random_record(&mut rng)).await,
            }
        }
        // A conseiller of Lyon moves to Grenoble: their records follow them.
        let mover = conseillers.iter_mut().find(|c| c.departement == "69").unwrap();
        assert_eq!(mover.device.update_profil(&profil_in(GRENOBLE)).await.status(), StatusCode::OK);
        mover.departement = "38";

        let asker = &conseillers[0].device;
        let (status, france) = national(asker, "france", MARCH, MARCH).await;
        assert_eq!(status, StatusCode::OK, "{france}");
        assert_eq!(france["libelle"], "France entière");
        assert_eq!(figures(&france).unwrap(), expected(&conseillers, &["69", "38", "35"], march()));
        let (_, region) = national(asker, "region-84", MARCH, MARCH).await;
        assert_eq!(figures(&region).unwrap(), expected(&conseillers, &["69", "38"], march()));
        let (_, lyon) = national(asker, "departement-69", MARCH, MARCH).await;
        let (_, grenoble) = national(asker, "departement-38", MARCH, MARCH).await;
        assert_eq!(figures(&lyon).unwrap(), expected(&conseillers, &["69"], march()));
        assert_eq!(figures(&grenoble).unwrap(), expected(&conseillers, &["38"], march()));
        // A région is the sum of its départements.
        assert_eq!(sum(&lyon["stats"], &grenoble["stats"]), region["stats"]);
        // Free text names no one in national figures.
        assert!(!france.to_string().contains("Secours populaire") && !france.to_string().contains("Restos"));
        // Month by month, the évolution gives the same counts.
        assert_eq!(france["evolution"], json!([{
            "mois": MARCH,
            "comptes_rendus": figures(&france).unwrap().records,
            "accompagnements": figures(&france).unwrap().accompagnements,
        }]));
        assert_personal_figures_exact(&conseillers).await;
    }

    async fn saves_sent_at_once_are_each_stored_once_and_counted_once(app) {
        // Many saves at the same instant: the records writer commits them in groups. Each
        // conseiller sends 12 records and one of them twice, all at once.
        let mut rng = StdRng::seed_from_u64(17);
        let mut conseillers = Vec::new();
        for n in 0..6 {
            let mut c = conseiller_of(&app, &format!("lyon{n}@exemple.fr"), LYON).await;
            for _ in 0..12 {
                let mut r = random_record(&mut rng);
                // All in March, where six conseillers contributing publish the figures.
                r["date"] = json!(format!("2026-03-{:02}", rng.gen_range(1..=31)));
                c.records.insert(r["id"].as_str().unwrap().to_owned(), r);
            }
            conseillers.push(c);
        }
        let sends = conseillers.iter().flat_map(|c| {
            let again = c.records.values().next().unwrap();
            c.records.values().chain([again]).map(|r| (c.device.clone(), r.clone()))
        });
        let answers = futures_util::future::join_all(sends.map(|(device, r)| async move {
            let response = device.create(&r).await;
            (response.status(), response.json::<Value>().await.unwrap()["id"].clone(), r["id"].clone())
        }))
        .await;

        assert_eq!(answers.len(), 6 * 13);
        for (status, stored, sent) in &answers {
            assert_eq!((*status, stored), (StatusCode::OK, sent));
        }
        assert_eq!(app.count("SELECT COUNT(*) FROM accompagnements").await, 6 * 12);
        let (status, france) = national(&conseillers[0].device, "france", MARCH, MARCH).await;
        assert_eq!(status, StatusCode::OK, "{france}");
        assert_eq!(figures(&france).unwrap(), expected(&conseillers, &["69"], march()));
        assert_personal_figures_exact(&conseillers).await;
    }

    async fn counters_out_of_step_with_the_records_are_rebuilt_at_start(app) {
        let mut rng = StdRng::seed_from_u64(13);
        let mut conseillers = Vec::new();
        for n in 0..5 {
            let mut c = conseiller_of(&app, &format!("lyon{n}@exemple.fr"), LYON).await;
            record_dated(&mut c, "2026-03-10").await;
            for _ in 0..4 {
                record(&mut c, random_record(&mut rng)).await;
            }
            conseillers.push(c);
        }
        // A database from before the counters: records, and no counter yet.
        for table in ["stats_jour", "stats_conseiller_jour", "reorientations_autres_jour", "contributions_mois"] {
            app.execute(&format!("DELETE FROM {table}")).await;
        }

        app.restart().await;
        for c in conseillers.iter_mut() {
            c.device = c.device.at(&app.address);
        }

        let (status, france) = national(&conseillers[0].device, "france", MARCH, MARCH).await;
        assert_eq!(status, StatusCode::OK, "{france}");
        assert_eq!(figures(&france).unwrap(), expected(&conseillers, &["69"], march()));
        assert_personal_figures_exact(&conseillers).await;
    }

    async fn a_month_needs_5_contributing_conseillers_and_one_with_fewer_never_shows(app) {
        let mut conseillers = Vec::new();
        for n in 0..5 {
            conseillers.push(conseiller_of(&app, &format!("c{n}@exemple.fr"), LYON).await);
        }
        // Four recorded something in October 2026, the fifth only long before.
        for c in conseillers[..4].iter_mut() {
            record_dated(c, "2026-10-02").await;
        }
        record_dated(&mut conseillers[4], "2025-01-15").await;
        let asker = conseillers[0].device.clone();

        let (status, four) = national(&asker, "departement-69", "2026-10", "2026-10").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(four["stats"], Value::Null, "{four}");
        assert_eq!(four["evolution"], json!([{ "mois": "2026-10", "comptes_rendus": null, "accompagnements": null }]));
        for territoire in ["france", "region-84"] {
            let (_, answer) = national(&asker, territoire, "2026-10", "2026-10").await;
            assert_eq!(answer["stats"], Value::Null, "{territoire}: {answer}");
        }
        for extension in ["csv", "xlsx"] {
            let file = asker.request(Method::GET, &format!("/api/exports/nationales.{extension}?territoire=departement-69&du=2026-10&au=2026-10")).send().await.unwrap();
            assert_eq!(file.status(), StatusCode::FORBIDDEN, "{extension}");
            let refusal: Value = file.json().await.unwrap();
            assert_eq!(refusal["data"]["kind"], "too_few_contributors", "{extension}");
        }

        // A late record of the fifth: the month is read again at once on this server.
        record_dated(&mut conseillers[4], "2026-10-03").await;
        let (status, five) = national(&asker, "departement-69", "2026-10", "2026-10").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(five["stats"]["records"], 5);
        assert_eq!(five["libelle"], "Rhône (69)");
        let csv = asker.request(Method::GET, "/api/exports/nationales.csv?territoire=departement-69&du=2026-10&au=2026-10").send().await.unwrap().text().await.unwrap();
        assert!(csv.contains("Statistiques nationales, Rhône (69), du 01/10/2026 au 31/10/2026"), "{csv}");
        assert!(!csv.contains("Identifiant"), "no record rows: {csv}");
        // The same figures as a workbook, a sheet per table.
        let xlsx = asker.request(Method::GET, "/api/exports/nationales.xlsx?territoire=departement-69&du=2026-10&au=2026-10").send().await.unwrap();
        assert_eq!(xlsx.status(), StatusCode::OK);
        assert!(xlsx.headers()["content-disposition"].to_str().unwrap().contains("conum_statistiques_departement-69_2026-10_2026-10.xlsx"));
        let workbook = stats_workbook_as_csv(&xlsx.bytes().await.unwrap());
        assert_eq!(workbook, csv_rows(&csv));

        // November has one contributor: October and November together give no figure, and
        // the évolution says November is secret, never "1 compte rendu".
        record_dated(&mut conseillers[0], "2026-11-04").await;
        let (_, both) = national(&asker, "departement-69", "2026-10", "2026-11").await;
        assert_eq!(both["stats"], Value::Null, "{both}");
        assert_eq!(both["evolution"][0]["comptes_rendus"], 5);
        assert_eq!(both["evolution"][1], json!({ "mois": "2026-11", "comptes_rendus": null, "accompagnements": null }));
        assert!(!both.to_string().contains("\"comptes_rendus\":1"), "{both}");
    }

    async fn the_month_under_way_and_periods_in_days_are_refused(app) {
        let device = app.conseiller("camille@exemple.fr").await;
        let this_month = conum::domain::mois::Mois::of(conum::clock::today_in_paris()).to_string();
        let last_month = conum::domain::mois::Mois::of(conum::clock::today_in_paris()).previous().to_string();

        let (status, body) = national(&device, "departement-69", &last_month, &this_month).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        let message = body["data"]["errors"][0]["message"].as_str().unwrap();
        assert!(message.contains("dernier mois terminé"), "{message}");
        // The period of the issue: 1 to 29 November minus 1 to 28 November. Days are not
        // asked for: a figure moves a whole month at a time.
        let (status, body) = national(&device, "departement-69", "2026-11-01", "2026-11-29").await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(body["message"].as_str().unwrap().contains("AAAA-MM"), "{body}");
    }

    async fn a_region_minus_a_published_departement_never_isolates_a_conseiller(app) {
        // The cases: the région of the Rhône (9 conseillers) and of the Cantal's only
        // one; Pays de la Loire, Loire-Atlantique (5) and the Mayenne's only one.
        let mut conseillers = Vec::new();
        for (n, place) in [LYON; 9].into_iter().chain([AURILLAC]).chain([NANTES; 5]).chain([LAVAL]).enumerate() {
            let mut c = conseiller_of(&app, &format!("c{n}@exemple.fr"), place).await;
            record_dated(&mut c, "2026-03-05").await;
            conseillers.push(c);
        }
        let asker = conseillers[0].device.clone();
        let answered = |answer: &Value| !answer["stats"].is_null();

        let (_, region) = national(&asker, "region-84", MARCH, MARCH).await;
        let (_, rhone) = national(&asker, "departement-69", MARCH, MARCH).await;
        assert!(!(answered(&region) && answered(&rhone)), "région 84 minus the Rhône would give the Cantal's conseiller");
        assert!(answered(&region), "{region}");
        let (_, pays_de_la_loire) = national(&asker, "region-52", MARCH, MARCH).await;
        let (_, loire_atlantique) = national(&asker, "departement-44", MARCH, MARCH).await;
        assert!(answered(&pays_de_la_loire), "{pays_de_la_loire}");
        assert!(!answered(&loire_atlantique), "{loire_atlantique}");
        for territoire in ["departement-15", "departement-53"] {
            let (_, alone) = national(&asker, territoire, MARCH, MARCH).await;
            assert!(!answered(&alone), "{territoire}: {alone}");
        }
        // France minus its two régions leaves nobody: it is published.
        let (_, france) = national(&asker, "france", MARCH, MARCH).await;
        assert_eq!(figures(&france).unwrap().records, 16);
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
                let mut dated = random_record(&mut rng);
                dated["date"] = json!(date);
                record(c, dated).await;
            }
            firsts.push(c.records.clone());
        }
        let swapped = |record: &Value| {
            let mut swapped = record.clone();
            swapped["date"] = json!(if record["date"] == "2026-03-02" { "2026-03-03" } else { "2026-03-02" });
            swapped
        };
        let mut swaps = Vec::new();
        for (c, records) in conseillers.iter().zip(&firsts) {
            for (id, record) in records {
                swaps.push((c, id.clone(), swapped(record)));
            }
        }
        let answers = futures_util::future::join_all(
            swaps.iter().map(|(c, id, record)| c.device.update(id, record)),
        )
        .await;
        assert!(answers.iter().all(|r| r.status() == StatusCode::OK));
        for (c, records) in conseillers.iter_mut().zip(firsts) {
            for (id, record) in records {
                c.records.insert(id, swapped(&record));
            }
        }

        // The first conseiller saves records while moving to Grenoble and back, and ends there.
        let new_records: Vec<Value> = (0..12).map(|_| random_record(&mut rng)).collect();
        let mover = &conseillers[0];
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
        // Four conseillers in Lyon now and one in Grenoble: the départements' figures are
        // withheld, the région's are exact.
        let (status, region) = national(&conseillers[1].device, "region-84", MARCH, MARCH).await;
        assert_eq!(status, StatusCode::OK, "{region}");
        assert_eq!(figures(&region).unwrap(), expected(&conseillers, &["69", "38"], march()));
        let (_, lyon) = national(&conseillers[1].device, "departement-69", MARCH, MARCH).await;
        assert_eq!(lyon["stats"], Value::Null);
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
        let filled = run(&["--conseillers", "30", "--par-conseiller", "60", "--accompagnements-compte", "120"]);
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

        // Its accounts are verified conseillers: they count whatever the sign-up mode.
        app.restart_with_env(&[("SIGNUP_MODE", "invitation")]).await;
        let device = app.device();
        assert_eq!(device.log_in(email, password).await.status(), StatusCode::OK);
        let last_year = Periode {
            du: conum::clock::today_in_paris() - chrono::Days::new(400),
            au: conum::clock::today_in_paris(),
        };
        let own: Stats = stats_of(&device, last_year).await.json().await.unwrap();
        assert_eq!(own.records, 120);
        let last = conum::domain::mois::Mois::last_complete(conum::clock::today_in_paris()).to_string();
        let (status, france) = national(&device, "france", &last, &last).await;
        assert_eq!(status, StatusCode::OK);
        assert!(figures(&france).expect("France is published").records > 30, "{france}");
        // Everyone has a structure; the demonstration account coordinates its own.
        let accounts = app.count("SELECT COUNT(*) FROM conseillers").await;
        assert_eq!(app.count("SELECT COUNT(*) FROM rattachements").await, accounts);
        let mine: serde_json::Value = device.request(reqwest::Method::GET, "/api/moi/structure").send().await.unwrap().json().await.unwrap();
        let id = mine["coordonnees"][0]["id"].as_str().expect("the demo account coordinates");
        let team = device.request(reqwest::Method::GET, &format!("/api/structures/{id}/statistiques")).send().await.unwrap();
        assert_eq!(team.status(), StatusCode::OK);
    }

    async fn a_burst_of_national_queries_is_answered_in_turn_while_saves_go_on(app) {
        let mut conseillers = Vec::new();
        for n in 0..5 {
            let mut c = conseiller_of(&app, &format!("c{n}@exemple.fr"), LYON).await;
            record_dated(&mut c, "2026-03-04").await;
            conseillers.push(c);
        }
        let asker = conseillers[0].device.clone();
        let queries = (0..32).map(|i| {
            let asker = asker.clone();
            async move {
                let territoire = ["france", "region-84", "departement-69"][i % 3];
                national(&asker, territoire, MARCH, MARCH).await
            }
        });
        let late = record_on("2026-11-03");
        let saving = conseillers[1].device.create(&late);

        let (answers, saved) = tokio::join!(futures_util::future::join_all(queries), saving);

        assert_eq!(saved.status(), StatusCode::OK);
        for (status, answer) in answers {
            assert_eq!(status, StatusCode::OK, "{answer}");
            assert_eq!(answer["stats"]["records"], 5, "{answer}");
        }
    }

    async fn national_figures_need_a_session(app) {
        app.conseiller("camille@exemple.fr").await;
        let (status, _) = national(&app.device(), "france", MARCH, MARCH).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let (status, body) = national(&app.device(), "ville-lyon", MARCH, MARCH).await;
        assert!(status == StatusCode::UNAUTHORIZED || status == StatusCode::BAD_REQUEST, "{body}");
    }
}

#[tokio::test]
async fn public_statistics_open_the_national_figures_without_login() {
    let app = spawn_app_with(Backend::Sqlite, &[("PUBLIC_STATISTICS", "1")]).await;
    for n in 0..5 {
        app.conseiller(&format!("c{n}@exemple.fr"))
            .await
            .create(&record_on("2026-10-02"))
            .await;
    }

    let (status, body) = national(&app.device(), "france", "2026-10", "2026-10").await;

    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["stats"]["records"], 5);
    let (status, body) = national(&app.device(), "ville-lyon", "2026-10", "2026-10").await;
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
