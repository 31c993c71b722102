//! A conseiller can never see or change another conseiller's records: to them, those
//! records answer exactly like records that do not exist.

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::*;
use crate::on_both_databases;

async fn body_and_status(response: reqwest::Response) -> (StatusCode, Value) {
    let status = response.status();
    (status, response.json().await.unwrap())
}

on_both_databases! {
    async fn another_conseillers_record_cannot_be_read(app) {
        let camille = app.conseiller("camille@exemple.fr").await;
        let dominique = app.conseiller("dominique@exemple.fr").await;
        let record = full_record();
        camille.create(&record).await;

        let theirs = body_and_status(dominique.get(record["id"].as_str().unwrap()).await).await;
        let missing = body_and_status(dominique.get(&new_id()).await).await;

        assert_eq!(theirs.0, StatusCode::NOT_FOUND);
        assert_eq!(theirs, missing);
    }

    async fn another_conseillers_records_are_not_listed(app) {
        let camille = app.conseiller("camille@exemple.fr").await;
        let dominique = app.conseiller("dominique@exemple.fr").await;
        camille.create(&full_record()).await;
        let own = record_on("2026-11-02");
        dominique.create(&own).await;

        let listed: Value = dominique.list("").await.json().await.unwrap();

        assert_eq!(listed["total"], 1);
        assert_eq!(listed["items"][0]["id"], own["id"]);
    }

    async fn another_conseillers_record_cannot_be_updated(app) {
        let camille = app.conseiller("camille@exemple.fr").await;
        let dominique = app.conseiller("dominique@exemple.fr").await;
        let record = full_record();
        let id = record["id"].as_str().unwrap();
        let stored: Value = camille.create(&record).await.json().await.unwrap();
        let mut change = record_on("2026-11-02");
        change["id"] = record["id"].clone();

        let theirs = body_and_status(dominique.update(id, &change).await).await;
        let missing = body_and_status(dominique.update(&new_id(), &change).await).await;

        assert_eq!(theirs.0, StatusCode::NOT_FOUND);
        assert_eq!(theirs, missing);
        assert_eq!(camille.get(id).await.json::<Value>().await.unwrap(), stored);
    }

    async fn another_conseillers_record_cannot_be_deleted(app) {
        let camille = app.conseiller("camille@exemple.fr").await;
        let dominique = app.conseiller("dominique@exemple.fr").await;
        let record = full_record();
        let id = record["id"].as_str().unwrap();
        camille.create(&record).await;

        let theirs = body_and_status(dominique.delete(id).await).await;
        let missing = body_and_status(dominique.delete(&new_id()).await).await;

        assert_eq!(theirs.0, StatusCode::NOT_FOUND);
        assert_eq!(theirs, missing);
        assert_eq!(camille.get(id).await.status(), StatusCode::OK);
        assert_eq!(app.record_rows().await, [1, 3, 3, 2]);
    }
}
