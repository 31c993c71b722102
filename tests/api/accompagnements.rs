use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::*;
use crate::on_both_databases;

/// The stored record without the server's timestamps, to compare with what was sent.
fn without_timestamps(mut stored: Value) -> Value {
    let object = stored.as_object_mut().unwrap();
    assert!(object.remove("created_at").is_some());
    assert!(object.remove("updated_at").is_some());
    stored
}

on_both_databases! {
    async fn lists_read_while_records_are_deleted_show_each_record_whole(app) {
        // A record and its details are read in two statements: both in one snapshot, or a
        // delete committed between them made the list fail (a record without its thématiques).
        let device = app.conseiller("camille@exemple.fr").await;
        let mut ids = Vec::new();
        for _ in 0..30 {
            let record = record_on("2026-11-02");
            ids.push(record["id"].as_str().unwrap().to_owned());
            assert_eq!(device.create(&record).await.status(), StatusCode::OK);
        }
        let reader = device.clone();
        let reads = tokio::spawn(async move {
            let mut statuses = Vec::new();
            for _ in 0..40 {
                statuses.push(reader.list("?du=2026-11-01&au=2026-11-30").await.status());
            }
            statuses
        });

        for id in &ids {
            assert_eq!(device.delete(id).await.status(), StatusCode::OK);
        }

        let statuses = reads.await.unwrap();
        assert!(statuses.iter().all(|s| *s == StatusCode::OK), "{statuses:?}");
    }

    async fn a_created_record_reads_back_with_every_field(app) {
        let device = app.conseiller("camille@exemple.fr").await;
        let record = full_record();
        let id = record["id"].as_str().unwrap();

        let created = device.create(&record).await;

        assert_eq!(created.status(), StatusCode::OK);
        let read: Value = device.get(id).await.json().await.unwrap();
        let mut expected = record.clone();
        // Themes come back in the vocabulary's order.
        expected["thematiques"] = json!(["internet", "securite", "fraude"]);
        expected["redirections"][0]["precision"] = Value::Null;
        assert_eq!(without_timestamps(read.clone()), expected);
        assert_eq!(read["created_at"], read["updated_at"]);
        assert_eq!(app.record_rows().await, [1, 3, 3, 2]);
    }

    async fn a_record_sent_twice_is_stored_once(app) {
        let device = app.conseiller("camille@exemple.fr").await;
        let record = full_record();

        let first: Value = device.create(&record).await.json().await.unwrap();
        let second = device.create(&record).await;

        assert_eq!(second.status(), StatusCode::OK);
        assert_eq!(second.json::<Value>().await.unwrap(), first);
        assert_eq!(app.record_rows().await, [1, 3, 3, 2]);
    }

    async fn a_retry_carrying_other_values_keeps_the_first_version(app) {
        let device = app.conseiller("camille@exemple.fr").await;
        let record = record_on("2026-11-02");
        let first: Value = device.create(&record).await.json().await.unwrap();
        let mut changed = record.clone();
        changed["duree_minutes"] = json!(120);

        let retry: Value = device.create(&changed).await.json().await.unwrap();

        assert_eq!(retry, first);
        assert_eq!(retry["duree_minutes"], 30);
    }

    async fn two_simultaneous_sends_of_one_record_store_it_once(app) {
        let device = app.conseiller("camille@exemple.fr").await;
        let record = full_record();

        let sends: Vec<_> = (0..8)
            .map(|_| {
                let device = device.clone();
                let record = record.clone();
                tokio::spawn(async move { device.create(&record).await.status() })
            })
            .collect();

        for send in sends {
            assert_eq!(send.await.unwrap(), StatusCode::OK);
        }
        assert_eq!(app.record_rows().await, [1, 3, 3, 2]);
    }

    async fn new_records_and_retries_sent_together_are_each_answered_as_such(app) {
        // Sent at once, they meet in the records writer's batches: a batch that finds some of
        // its ids stored already tells its new records from the retries.
        let device = app.conseiller("camille@exemple.fr").await;
        let mut firsts = Vec::new();
        for _ in 0..5 {
            let record = record_on("2026-11-02");
            let stored: Value = device.create(&record).await.json().await.unwrap();
            firsts.push((record, stored));
        }
        let mut sends = Vec::new();
        for (record, stored) in &firsts {
            let mut retry = record.clone();
            retry["duree_minutes"] = json!(120);
            let new = record_on("2026-11-03");
            for (sent, expected) in [(retry, Some(stored.clone())), (new, None)] {
                let device = device.clone();
                sends.push(tokio::spawn(async move {
                    let response = device.create(&sent).await;
                    assert_eq!(response.status(), StatusCode::OK);
                    let answer: Value = response.json().await.unwrap();
                    match expected {
                        Some(first) => assert_eq!(answer, first),
                        None => {
                            assert_eq!(answer["id"], sent["id"]);
                            assert_eq!(answer["date"], "2026-11-03");
                        }
                    }
                }));
            }
        }
        for send in sends {
            send.await.unwrap();
        }
        assert_eq!(device.listed_ids("?du=2026-11-01&au=2026-11-30").await.len(), 10);
        assert_eq!(app.record_rows().await[0], 10);
    }

    async fn the_same_id_from_another_account_is_refused(app) {
        let camille = app.conseiller("camille@exemple.fr").await;
        let dominique = app.conseiller("dominique@exemple.fr").await;
        let record = full_record();
        let stored: Value = camille.create(&record).await.json().await.unwrap();
        let mut theirs = record_on("2026-11-02");
        theirs["id"] = record["id"].clone();

        let response = dominique.create(&theirs).await;

        assert_eq!(response.status(), StatusCode::CONFLICT);
        let body: Value = response.json().await.unwrap();
        assert!(body["message"].as_str().unwrap().contains("déjà utilisé"));
        let id = record["id"].as_str().unwrap();
        assert_eq!(camille.get(id).await.json::<Value>().await.unwrap(), stored);
        assert!(dominique.listed_ids("").await.is_empty());
        assert_eq!(app.record_rows().await, [1, 3, 3, 2]);
    }

    async fn the_list_shows_the_newest_first_within_the_period(app) {
        let device = app.conseiller("camille@exemple.fr").await;
        let mut ids = Vec::new();
        for date in ["2026-10-31", "2026-11-01", "2026-11-15"] {
            let record = record_on(date);
            ids.push(record["id"].as_str().unwrap().to_owned());
            assert_eq!(device.create(&record).await.status(), StatusCode::OK);
        }
        let same_day_later = record_on("2026-11-15");
        device.create(&same_day_later).await;

        let all = device.listed_ids("").await;
        let november = device.listed_ids("?du=2026-11-01&au=2026-11-30").await;
        let one_day = device.listed_ids("?du=2026-11-01&au=2026-11-01").await;

        assert_eq!(all, [same_day_later["id"].as_str().unwrap(), &ids[2], &ids[1], &ids[0]]);
        assert_eq!(november, [same_day_later["id"].as_str().unwrap(), &ids[2], &ids[1]]);
        assert_eq!(one_day, [ids[1].as_str()]);
    }

    async fn the_list_comes_in_pages(app) {
        let device = app.conseiller("camille@exemple.fr").await;
        for day in 1..=5 {
            device.create(&record_on(&format!("2026-11-0{day}"))).await;
        }

        let first: Value = device.list("?par_page=2").await.json().await.unwrap();
        let third: Value = device.list("?par_page=2&page=3").await.json().await.unwrap();
        let beyond: Value = device.list("?par_page=2&page=4").await.json().await.unwrap();

        assert_eq!(first["total"], 5);
        assert_eq!(first["items"].as_array().unwrap().len(), 2);
        assert_eq!(first["items"][0]["date"], "2026-11-05");
        assert_eq!(third["items"].as_array().unwrap().len(), 1);
        assert_eq!(third["items"][0]["date"], "2026-11-01");
        assert_eq!(beyond["items"], json!([]));
    }

    async fn an_empty_period_lists_nothing(app) {
        let device = app.conseiller("camille@exemple.fr").await;
        device.create(&record_on("2026-11-02")).await;

        let page: Value = device.list("?du=2025-01-01&au=2025-12-31").await.json().await.unwrap();

        assert_eq!(page["total"], 0);
        assert_eq!(page["items"], json!([]));
    }

    async fn a_period_ending_before_it_starts_is_refused(app) {
        let device = app.conseiller("camille@exemple.fr").await;

        let message = field_message(device.list("?du=2026-11-30&au=2026-11-01").await, "au").await;

        assert!(message.contains("postérieure"));
    }

    async fn an_update_replaces_every_field(app) {
        let device = app.conseiller("camille@exemple.fr").await;
        let first = full_record();
        let id = first["id"].as_str().unwrap();
        let created: Value = device.create(&first).await.json().await.unwrap();
        let mut second = record_on("2026-11-03");
        second["id"] = first["id"].clone();

        let response = device.update(id, &second).await;

        assert_eq!(response.status(), StatusCode::OK);
        let updated: Value = device.get(id).await.json().await.unwrap();
        let mut expected = second.clone();
        expected["suivi"] = json!({ "individuel": 0, "atelier": 0, "redirection": 0 });
        expected["redirections"] = json!([]);
        expected["annotation"] = Value::Null;
        assert_eq!(without_timestamps(updated.clone()), expected);
        assert_eq!(updated["created_at"], created["created_at"]);
        assert_ne!(updated["updated_at"], created["updated_at"]);
        assert_eq!(app.record_rows().await, [1, 1, 2, 0]);
    }

    async fn a_delete_removes_the_record_and_its_details(app) {
        let device = app.conseiller("camille@exemple.fr").await;
        let record = full_record();
        let id = record["id"].as_str().unwrap();
        device.create(&record).await;
        device.create(&record_on("2026-11-02")).await;

        let response = device.delete(id).await;

        assert_eq!(response.status(), StatusCode::OK);
        // The phone drops its copy of the change only on an answer naming it.
        let acknowledgement: serde_json::Value = response.json().await.unwrap();
        assert_eq!(acknowledgement, serde_json::json!({ "id": id }));
        assert_eq!(device.get(id).await.status(), StatusCode::NOT_FOUND);
        assert_eq!(device.listed_ids("").await.len(), 1);
        assert_eq!(app.record_rows().await, [1, 1, 2, 0]);
        assert_eq!(device.delete(id).await.status(), StatusCode::NOT_FOUND);
    }

    async fn the_commune_is_stored_as_the_official_list_spells_it(app) {
        let device = app.conseiller("camille@exemple.fr").await;
        let mut record = record_on("2026-11-02");
        record["commune"] = json!({ "insee": "2a004", "nom": "ajaccio", "code_postal": "20090" });

        let stored: Value = device.create(&record).await.json().await.unwrap();

        assert_eq!(stored["commune"], json!({ "insee": "2A004", "nom": "Ajaccio", "code_postal": "20090" }));
    }

    async fn the_last_record_is_the_one_saved_last(app) {
        let device = app.conseiller("camille@exemple.fr").await;
        assert_eq!(device.last().await.json::<Value>().await.unwrap(), Value::Null);
        device.create(&record_on("2026-11-20")).await;
        let older_but_saved_later = record_on("2026-11-02");
        device.create(&older_but_saved_later).await;
        let other = app.conseiller("dominique@exemple.fr").await;
        other.create(&record_on("2026-11-21")).await;

        let last: Value = device.last().await.json().await.unwrap();

        assert_eq!(last["id"], older_but_saved_later["id"]);
        assert_eq!(app.device().last().await.status(), StatusCode::UNAUTHORIZED);
    }

    async fn a_missing_record_answers_404_in_french(app) {
        let device = app.conseiller("camille@exemple.fr").await;
        let id = new_id();

        let get = device.get(&id).await;
        let not_an_id = device.get("pas-un-identifiant").await;
        let update = device.update(&id, &record_on("2026-11-02")).await;
        let delete = device.delete(&id).await;

        for response in [get, not_an_id, update, delete] {
            assert_eq!(response.status(), StatusCode::NOT_FOUND);
            let body: Value = response.json().await.unwrap();
            assert_eq!(body["message"], "Cet accompagnement est introuvable.");
        }
        assert_eq!(app.record_rows().await, [0, 0, 0, 0]);
    }
}
