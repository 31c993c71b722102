//! National figures per canal and per activité (domain.md §3, "Filtres"): where published,
//! they are the one definition over the filtered records of the territory's conseillers,
//! whatever changes came before (a move included); where a filter would let a difference
//! with the unfiltered figures give a conseiller away, they are secret. The property test of
//! the rule is `domain::anonymat`'s.

use chrono::NaiveDate;
use conum::domain::filtres::Filtres;
use conum::domain::stats::{Periode, Stats};
use conum::domain::vocabulary::{Activite, Canal};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::*;
use crate::national::{
    self, conseiller_of, parsed, signup_in, Conseiller, Place, GRENOBLE, LYON, RENNES,
};
use crate::on_both_databases;
use crate::statistiques::random_record;

const MONTPELLIER: Place = ("34172", "Montpellier", "34000", "34");
const MARCH: &str = "2026-03";

fn march() -> Periode {
    Periode {
        du: NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
        au: NaiveDate::from_ymd_opt(2026, 3, 31).unwrap(),
    }
}

/// `GET /api/statistiques/nationales` of a territory in March, with `filters` (`&canal=…`).
async fn national_filtered(
    device: &Device,
    territoire: &str,
    filters: &str,
) -> (StatusCode, Value) {
    national::national_filtered(device, territoire, MARCH, MARCH, filters).await
}

fn figures(answer: &Value) -> Option<Stats> {
    serde_json::from_value(answer["stats"].clone()).unwrap()
}

/// The one definition over the records the filters keep, of the territory's conseillers.
fn expected(conseillers: &[Conseiller], departements: &[&str], filtres: &Filtres) -> Stats {
    let records: Vec<_> = conseillers
        .iter()
        .filter(|c| departements.contains(&c.departement))
        .flat_map(|c| parsed(&c.records))
        .filter(|r| filtres.keeps(r))
        .collect();
    Stats::from_records(march(), &records).pooled()
}

/// A random record of this canal and activité, dated in March.
fn record_of(rng: &mut StdRng, canal: Canal, activite: Activite) -> Value {
    loop {
        let mut r = random_record(rng);
        if r["canal"] == canal.code() && r["activite"] == activite.code() {
            r["date"] = json!(format!("2026-03-{:02}", rng.gen_range(1..=31)));
            return r;
        }
    }
}

async fn keep(c: &mut Conseiller, record: Value) {
    assert_eq!(c.device.create(&record).await.status(), StatusCode::OK);
    c.records
        .insert(record["id"].as_str().unwrap().to_owned(), record);
}

/// Every filter the national page offers: each canal, each activité, and each pair.
fn every_filter() -> Vec<Filtres> {
    let mut all = Vec::new();
    for canal in Canal::ALL {
        all.push(Filtres {
            canal: Some(*canal),
            ..Filtres::default()
        });
    }
    for activite in Activite::ALL {
        all.push(Filtres {
            activite: Some(*activite),
            ..Filtres::default()
        });
        for canal in Canal::ALL {
            all.push(Filtres {
                canal: Some(*canal),
                activite: Some(*activite),
                ..Filtres::default()
            });
        }
    }
    all
}

/// Every filter, and every territory of the test, answers the one definition.
async fn assert_every_filter_exact(asker: &Device, conseillers: &[Conseiller]) {
    let territories: [(&str, &[&str]); 5] = [
        ("france", &["69", "38", "35"]),
        ("region-84", &["69", "38"]),
        ("region-53", &["35"]),
        ("departement-69", &["69"]),
        ("departement-38", &["38"]),
    ];
    for filtres in every_filter() {
        for (territoire, departements) in territories {
            let (status, answer) = national_filtered(asker, territoire, &filtres.query()).await;
            assert_eq!(status, StatusCode::OK, "{answer}");
            assert_eq!(
                figures(&answer)
                    .unwrap_or_else(|| panic!("{territoire} {filtres:?} secret: {answer}")),
                expected(conseillers, departements, &filtres),
                "{territoire} {filtres:?}"
            );
            assert_eq!(
                serde_json::from_value::<Filtres>(answer["filtres"].clone()).unwrap(),
                filtres
            );
        }
    }
}

on_both_databases! {
    async fn national_figures_per_canal_and_activite_equal_those_of_the_filtered_records(app) {
        let mut rng = StdRng::seed_from_u64(26);
        let mut conseillers = Vec::new();
        for (n, place) in [LYON; 6].into_iter().chain([GRENOBLE; 5]).chain([RENNES; 5]).enumerate() {
            let mut c = conseiller_of(&app, &format!("c{n}@exemple.fr"), place).await;
            // Every conseiller works in every canal and activité this month: no filter leaves
            // fewer than five of them anywhere, so everything is published.
            for canal in Canal::ALL {
                for activite in Activite::ALL {
                    keep(&mut c, record_of(&mut rng, *canal, *activite)).await;
                }
            }
            conseillers.push(c);
        }
        let covering: Vec<String> = conseillers.iter().flat_map(|c| c.records.keys().cloned()).collect();
        // Then changes to other records: new ones, records moved to another canal or activité
        // and another day, deletions.
        for _ in 0..40 {
            let c = conseillers.choose_mut(&mut rng).unwrap();
            let ids: Vec<String> = c.records.keys().filter(|id| !covering.contains(id)).cloned().collect();
            let Some(id) = ids.choose(&mut rng).cloned() else {
                let canal = *Canal::ALL.choose(&mut rng).unwrap();
                keep(c, record_of(&mut rng, canal, Activite::Collectif)).await;
                continue;
            };
            match rng.gen_range(0..3) {
                0 => {
                    let canal = *Canal::ALL.choose(&mut rng).unwrap();
                    let activite = *Activite::ALL.choose(&mut rng).unwrap();
                    keep(c, record_of(&mut rng, canal, activite)).await;
                }
                1 => {
                    let mut changed = random_record(&mut rng);
                    changed["id"] = json!(id);
                    changed["date"] = json!("2026-03-20");
                    assert_eq!(c.device.update(&id, &changed).await.status(), StatusCode::OK);
                    c.records.insert(id, changed);
                }
                _ => {
                    assert_eq!(c.device.delete(&id).await.status(), StatusCode::OK);
                    c.records.remove(&id);
                }
            }
        }
        let asker = conseillers[0].device.clone();
        assert_every_filter_exact(&asker, &conseillers).await;

        // A conseiller of Lyon moves to Grenoble: their filtered figures follow them.
        let mut profil = signup_in("x@exemple.fr", GRENOBLE);
        profil.as_object_mut().unwrap().retain(|k, _| !["email", "password", "invitation"].contains(&k.as_str()));
        assert_eq!(conseillers[1].device.update_profil(&profil).await.status(), StatusCode::OK);
        conseillers[1].departement = "38";
        assert_every_filter_exact(&asker, &conseillers).await;

        // A conseiller of Grenoble deletes their account: their records leave every filtered
        // figure.
        let gone = conseillers.remove(10);
        assert_eq!(gone.departement, "38");
        let deleted = gone.device.request(Method::DELETE, "/api/moi").json(&json!({ "password": PASSWORD })).send().await.unwrap();
        assert_eq!(deleted.status(), StatusCode::OK);
        assert_every_filter_exact(&asker, &conseillers).await;

        // The export states its filter, and holds the filtered figures.
        let csv = asker
            .request(Method::GET, &format!("/api/exports/nationales.csv?territoire=region-84&du={MARCH}&au={MARCH}&canal=distance&activite=collectif"))
            .send().await.unwrap().text().await.unwrap();
        assert!(
            csv.contains("Statistiques nationales, Auvergne-Rhône-Alpes (Canal : À distance · Activité : Atelier collectif), du 01/03/2026 au 31/03/2026"),
            "{csv}"
        );
        let filtres = Filtres { canal: Some(Canal::Distance), activite: Some(Activite::Collectif), ..Filtres::default() };
        let records = expected(&conseillers, &["69", "38"], &filtres).records;
        let rows = csv_rows(&csv);
        let counted = rows.iter().find(|row| row[0] == "Comptes rendus").unwrap_or_else(|| panic!("{csv}"));
        assert_eq!(counted[1], records.to_string(), "{csv}");

        // Counters rebuilt from the records at start (a database from before the filters)
        // give the same figures.
        for table in ["stats_paire_jour", "contributions_paire_mois"] {
            app.execute(&format!("DELETE FROM {table}")).await;
        }
        app.restart().await;
        let asker = asker.at(&app.address);
        assert_every_filter_exact(&asker, &conseillers).await;
    }

    async fn a_filter_whose_difference_would_give_a_conseiller_away_is_secret(app) {
        // domain.md's case: ten conseillers in the Hérault, nine of them only at a distance.
        // "Hérault, mars" minus "Hérault, mars, canal : à distance" would be the tenth's month.
        let mut rng = StdRng::seed_from_u64(34);
        let mut conseillers = Vec::new();
        for n in 0..10 {
            let mut c = conseiller_of(&app, &format!("h{n}@exemple.fr"), MONTPELLIER).await;
            let canal = if n == 9 { Canal::Rattachement } else { Canal::Distance };
            keep(&mut c, record_of(&mut rng, canal, Activite::Individuel)).await;
            conseillers.push(c);
        }
        let asker = conseillers[0].device.clone();
        let (status, plain) = national_filtered(&asker, "departement-34", "").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(figures(&plain).unwrap().records, 10);
        for territoire in ["departement-34", "region-76", "france"] {
            for filters in ["&canal=distance", "&canal=rattachement", "&activite=individuel", "&canal=distance&activite=individuel"] {
                let (status, answer) = national_filtered(&asker, territoire, filters).await;
                assert_eq!(status, StatusCode::OK, "{answer}");
                assert_eq!(answer["stats"], Value::Null, "{territoire}{filters}: {answer}");
                assert_eq!(answer["evolution"], json!([{ "mois": MARCH, "comptes_rendus": null, "accompagnements": null }]), "{territoire}{filters}");
            }
        }
        let file = asker
            .request(Method::GET, &format!("/api/exports/nationales.csv?territoire=departement-34&du={MARCH}&au={MARCH}&canal=distance"))
            .send().await.unwrap();
        assert_eq!(file.status(), StatusCode::FORBIDDEN);
        assert_eq!(file.json::<Value>().await.unwrap()["data"]["kind"], "too_few_contributors");

        // Four more work on site: every filter of the Hérault can be published.
        for n in 10..14 {
            let mut c = conseiller_of(&app, &format!("h{n}@exemple.fr"), MONTPELLIER).await;
            keep(&mut c, record_of(&mut rng, Canal::Rattachement, Activite::Individuel)).await;
            conseillers.push(c);
        }
        let (_, distance) = national_filtered(&asker, "departement-34", "&canal=distance").await;
        assert_eq!(figures(&distance).unwrap().records, 9, "{distance}");
        let (_, on_site) = national_filtered(&asker, "departement-34", "&canal=rattachement").await;
        assert_eq!(figures(&on_site).unwrap().records, 5, "{on_site}");
        let (_, home) = national_filtered(&asker, "france", "&canal=domicile").await;
        assert_eq!(figures(&home).unwrap().records, 0, "nobody at home: zeros {home}");
        // A ponctuel of one conseiller: "activité : individuel" would leave them out, so no
        // filter is published any more.
        let mut one = conseiller_of(&app, "ponctuel@exemple.fr", MONTPELLIER).await;
        keep(&mut one, record_of(&mut rng, Canal::Rattachement, Activite::Ponctuel)).await;
        let (_, distance) = national_filtered(&asker, "departement-34", "&canal=distance").await;
        assert_eq!(distance["stats"], Value::Null, "{distance}");
        let (_, plain) = national_filtered(&asker, "departement-34", "").await;
        assert_eq!(figures(&plain).unwrap().records, 15);
    }

    async fn a_national_filter_by_commune_or_of_an_unknown_value_is_refused_in_french(app) {
        let device = app.conseiller("camille@exemple.fr").await;
        for (filters, field, message) in [
            ("&commune=69123", "commune", "ne se filtrent pas par commune"),
            ("&canal=teleportation", "canal", "Le canal du filtre est inconnu."),
            ("&activite=sieste", "activite", "L'activité du filtre est inconnue."),
        ] {
            let (status, body) = national_filtered(&device, "france", filters).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{filters}: {body}");
            let said = body["data"]["errors"].as_array().unwrap().iter().find(|e| e["field"] == field).unwrap();
            assert!(said["message"].as_str().unwrap().contains(message), "{body}");
        }
    }
}
