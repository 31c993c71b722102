//! Every rule of domain.md §1, over HTTP: a 400 with the French message on the faulty field,
//! and nothing written.

use chrono::{Days, Utc};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::*;
use crate::on_both_databases;

/// A change that breaks one rule, the field that must carry the message, and a fragment of it.
struct Case {
    change: fn(&mut Value),
    field: &'static str,
    says: &'static str,
}

fn tomorrow_in_paris() -> String {
    // Paris is ahead of UTC: "tomorrow" there is at most 2 days ahead of UTC's today.
    let paris = Utc::now()
        .with_timezone(&chrono_tz::Europe::Paris)
        .date_naive();
    (paris + Days::new(1)).to_string()
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            change: |r| r["id"] = json!("pas-un-uuid"),
            field: "id",
            says: "UUID v7",
        },
        Case {
            change: |r| r["id"] = json!(uuid::Uuid::new_v4().to_string()),
            field: "id",
            says: "UUID v7",
        },
        Case {
            change: |r| r["date"] = json!("2019-12-31"),
            field: "date",
            says: "01/01/2020",
        },
        Case {
            change: |r| r["date"] = json!(tomorrow_in_paris()),
            field: "date",
            says: "futur",
        },
        Case {
            change: |r| r["date"] = json!("15/01/2026"),
            field: "date",
            says: "AAAA-MM-JJ",
        },
        Case {
            change: |r| r["activite"] = json!("visite"),
            field: "activite",
            says: "type d'activité",
        },
        Case {
            change: |r| r["participants"] = json!(0),
            field: "participants",
            says: "entre 1 et 100",
        },
        Case {
            change: |r| r["participants"] = json!(101),
            field: "participants",
            says: "entre 1 et 100",
        },
        Case {
            change: |r| r["deja_accompagnes"] = json!(9),
            field: "deja_accompagnes",
            says: "entre 0 et 8",
        },
        Case {
            change: |r| r["deja_accompagnes"] = json!(-1),
            field: "deja_accompagnes",
            says: "entre 0 et 8",
        },
        Case {
            change: |r| r["commune"]["insee"] = json!("123"),
            field: "commune",
            says: "code INSEE",
        },
        Case {
            change: |r| r["commune"]["code_postal"] = json!("2000"),
            field: "commune",
            says: "code postal",
        },
        Case {
            change: |r| r["commune"] = json!({}),
            field: "commune",
            says: "Choisissez une commune",
        },
        Case {
            change: |r| r["canal"] = json!("telephone"),
            field: "canal",
            says: "lieu",
        },
        Case {
            change: |r| r["ages"]["moins_12"] = json!(2),
            field: "ages",
            says: "reste 1 à répartir",
        },
        Case {
            change: |r| r["ages"]["moins_12"] = json!(4),
            field: "ages",
            says: "1 personne de trop",
        },
        Case {
            change: |r| r["ages"] = json!({ "centenaires": 8 }),
            field: "ages",
            says: "centenaires",
        },
        Case {
            change: |r| r["statuts"]["scolarise"] = json!(7),
            field: "statuts",
            says: "reste 1 à répartir",
        },
        Case {
            change: |r| r["statuts"]["scolarise"] = json!(9),
            field: "statuts",
            says: "de trop",
        },
        Case {
            change: |r| r["thematiques"] = json!([]),
            field: "thematiques",
            says: "au moins une",
        },
        Case {
            change: |r| r["thematiques"] = json!(["fraude", "fraude"]),
            field: "thematiques",
            says: "deux fois",
        },
        Case {
            change: |r| r["thematiques"] = json!(["cuisine"]),
            field: "thematiques",
            says: "cuisine",
        },
        Case {
            change: |r| r["duree_minutes"] = json!(0),
            field: "duree_minutes",
            says: "480",
        },
        Case {
            change: |r| r["duree_minutes"] = json!(481),
            field: "duree_minutes",
            says: "480",
        },
        Case {
            change: |r| r["suivi"]["individuel"] = json!(4),
            field: "suivi",
            says: "ne peut pas dépasser",
        },
        Case {
            change: |r| r["suivi"]["atelier"] = json!(-1),
            field: "suivi",
            says: "entre 0 et 100",
        },
        Case {
            change: |r| r["redirections"][0]["personnes"] = json!(1),
            field: "redirections",
            says: "2 personnes",
        },
        Case {
            change: |r| r["redirections"][1]["precision"] = json!("SP"),
            field: "redirections",
            says: "3 à 60",
        },
        Case {
            change: |r| r["redirections"][1]["structure"] = json!("banque"),
            field: "redirections",
            says: "inconnue",
        },
        Case {
            change: |r| r["redirections"][1]["structure"] = json!("caf"),
            field: "redirections",
            says: "deux fois",
        },
        Case {
            change: |r| r["annotation"] = json!("é".repeat(281)),
            field: "annotation",
            says: "280",
        },
    ]
}

on_both_databases! {
    async fn each_broken_rule_is_refused_with_a_french_message_and_nothing_stored(app) {
        let device = app.conseiller("camille@exemple.fr").await;
        for case in cases() {
            let mut record = full_record();
            (case.change)(&mut record);

            let message = field_message(device.create(&record).await, case.field).await;

            assert!(message.contains(case.says), "{}: {message}", case.field);
            assert_eq!(app.record_rows().await, [0, 0, 0, 0], "{}", case.field);
        }
    }

    async fn the_edge_values_are_accepted(app) {
        let device = app.conseiller("camille@exemple.fr").await;
        let today = Utc::now().with_timezone(&chrono_tz::Europe::Paris).date_naive().to_string();
        let mut hundred = full_record();
        hundred["participants"] = json!(100);
        hundred["deja_accompagnes"] = json!(100);
        hundred["ages"] = json!({ "plus_60": 100 });
        hundred["statuts"] = json!({ "retraite": 100 });
        hundred["duree_minutes"] = json!(480);
        hundred["annotation"] = json!("é".repeat(280));
        let mut first_day = record_on("2020-01-01");
        first_day["duree_minutes"] = json!(1);

        for record in [hundred, first_day, record_on(&today)] {
            let response = device.create(&record).await;
            assert_eq!(response.status(), StatusCode::OK, "{}", response.text().await.unwrap());
        }
        assert_eq!(app.record_rows().await[0], 3);
    }

    async fn a_refused_update_changes_nothing(app) {
        let device = app.conseiller("camille@exemple.fr").await;
        let record = full_record();
        let id = record["id"].as_str().unwrap();
        let stored: Value = device.create(&record).await.json().await.unwrap();
        for case in cases().into_iter().filter(|c| c.field != "id") {
            let mut change = full_record();
            change["id"] = record["id"].clone();
            (case.change)(&mut change);

            let message = field_message(device.update(id, &change).await, case.field).await;

            assert!(message.contains(case.says), "{}: {message}", case.field);
        }
        assert_eq!(device.get(id).await.json::<Value>().await.unwrap(), stored);
        assert_eq!(app.record_rows().await, [1, 3, 3, 2]);
    }

    async fn an_unreadable_body_gets_a_french_400(app) {
        let device = app.conseiller("camille@exemple.fr").await;
        let url = format!("{}/api/accompagnements", app.address);

        let wrong_type = device.create(&json!({ "participants": "huit" })).await;
        let not_json = device.http.post(&url).header("content-type", "application/json").body("{").send().await.unwrap();
        let no_content_type = device.http.post(&url).body(full_record().to_string()).send().await.unwrap();

        for response in [wrong_type, not_json, no_content_type] {
            assert_eq!(response.status(), StatusCode::BAD_REQUEST);
            let body: Value = response.json().await.unwrap();
            assert_eq!(body["data"]["kind"], "malformed");
            assert!(body["message"].as_str().unwrap().starts_with("La requête est illisible"));
        }
        assert_eq!(app.record_rows().await, [0, 0, 0, 0]);
    }
}
