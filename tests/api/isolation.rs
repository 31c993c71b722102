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

/// The history page as `device` gets it, the phone saying it holds `phone_owner`'s session
/// (`conum_telephone`): its `Cache-Control` and its HTML.
async fn history_page(device: &Device, phone_owner: Option<&str>) -> (String, String) {
    let mut cookies = device.cookie_header();
    if let Some(owner) = phone_owner {
        cookies = format!("{cookies}; conum_telephone={owner}");
    }
    let response = device
        .request(reqwest::Method::GET, "/historique")
        .header("cookie", cookies)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let cache_control = response
        .headers()
        .get("cache-control")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (cache_control, response.text().await.unwrap())
}

fn link(record: &Value) -> String {
    format!("/accompagnements/{}", record["id"].as_str().unwrap())
}

on_both_databases! {
    async fn the_history_page_is_painted_with_its_own_conseillers_records_only(app) {
        let camille = app.conseiller("camille@exemple.fr").await;
        let dominique = app.conseiller("dominique@exemple.fr").await;
        let theirs = full_record();
        camille.create(&theirs).await;
        let own = record_on("2026-11-02");
        dominique.create(&own).await;
        let (camille_id, dominique_id) = (camille.conseiller_id().await, dominique.conseiller_id().await);

        let (camille_cache, camille_page) = history_page(&camille, Some(&camille_id)).await;
        let (dominique_cache, dominique_page) = history_page(&dominique, Some(&dominique_id)).await;
        let (anonymous_cache, anonymous_page) = history_page(&app.device(), None).await;

        assert!(camille_page.contains(&link(&theirs)), "{camille_page}");
        assert!(!camille_page.contains(&link(&own)));
        assert!(dominique_page.contains(&link(&own)), "{dominique_page}");
        assert!(!dominique_page.contains(&link(&theirs)));
        assert!(dominique_page.contains("1 compte rendu"));
        // Painted pages are kept by no cache; the frame without a session is the same for all.
        assert_eq!(camille_cache, "no-store");
        assert_eq!(dominique_cache, "no-store");
        assert!(!anonymous_page.contains(&link(&theirs)) && !anonymous_page.contains(&link(&own)));
        assert!(anonymous_page.contains("Chargement…"));
        assert!(!anonymous_cache.contains("no-store"));
    }

    async fn the_history_is_painted_only_for_the_account_the_phone_says_it_holds(app) {
        // A shared tablet: the session cookie outlives a logout made offline, and the phone
        // then says it holds no session (or another one).
        let camille = app.conseiller("camille@exemple.fr").await;
        let dominique = app.conseiller("dominique@exemple.fr").await;
        let record = full_record();
        camille.create(&record).await;
        let dominique_id = dominique.conseiller_id().await;

        for phone_owner in [None, Some(dominique_id.as_str()), Some("")] {
            let (cache, page) = history_page(&camille, phone_owner).await;
            assert!(!page.contains(&link(&record)), "{phone_owner:?}: {page}");
            assert!(page.contains("Chargement…"));
            assert!(!cache.contains("no-store"));
        }
    }

    async fn a_history_page_asked_with_an_ended_session_is_the_bare_frame(app) {
        let camille = app.conseiller("camille@exemple.fr").await;
        let record = full_record();
        camille.create(&record).await;
        let id = camille.conseiller_id().await;
        let cookie = format!("{}; conum_telephone={id}", camille.cookie_header());
        camille.log_out().await;

        let page = app
            .device()
            .request(reqwest::Method::GET, "/historique")
            .header("cookie", cookie)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();

        assert!(!page.contains(record["id"].as_str().unwrap()));
        assert!(page.contains("Chargement…"));
    }
}
