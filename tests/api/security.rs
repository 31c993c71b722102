//! The open internet: bounded requests, login floods, cross-site requests, headers, password
//! reset, and the conseiller's rights over their data (download, deletion).

use std::path::{Path, PathBuf};
use std::time::Duration;

use base64::Engine;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::helpers::*;
use crate::on_both_databases;

async fn status_and_body(response: reqwest::Response) -> (StatusCode, Value) {
    let status = response.status();
    (status, response.json().await.expect("a JSON body"))
}

on_both_databases! {
    async fn an_unbounded_period_is_refused_everywhere_in_french(app) {
        let device = app.conseiller("camille@exemple.fr").await;
        device.create(&record_on("2026-11-02")).await;
        let absurd = "?du=-262143-01-01&au=%2B262142-12-31";

        for path in [
            "/api/statistiques",
            "/api/exports/statistiques.csv",
            "/api/exports/statistiques.xlsx",
            "/api/exports/accompagnements.csv",
            "/api/exports/accompagnements.xlsx",
            "/api/accompagnements",
        ] {
            let (status, body) = status_and_body(device.request(Method::GET, &format!("{path}{absurd}")).send().await.unwrap()).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {body}");
            assert_eq!(body["data"]["kind"], "invalid", "{path}");
            assert!(body["message"].as_str().unwrap().contains("au plus tôt le 01/01/2020"), "{path}: {body}");
        }
        let next_year = (chrono::Utc::now().date_naive() + chrono::Days::new(400)).to_string();
        let (status, body) = status_and_body(device.request(Method::GET, &format!("/api/statistiques?du=2026-01-01&au={next_year}")).send().await.unwrap()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(body["message"].as_str().unwrap().contains("au plus tard le"), "{body}");
        let within = device.request(Method::GET, "/api/statistiques?du=2020-01-01").send().await.unwrap();
        assert_eq!(within.status(), StatusCode::OK);
    }

    async fn a_body_over_64_kib_gets_a_413_in_french_and_changes_nothing(app) {
        let device = app.conseiller("camille@exemple.fr").await;
        let mut record = record_on("2026-11-02");
        // Just over the limit: a body the socket takes whole, so the early 413 always arrives
        // (with 1 MiB, the answer could race the end of the upload and reset it).
        record["annotation"] = json!("x".repeat(80 * 1024));

        let (status, body) = status_and_body(device.create(&record).await).await;

        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(body["data"]["kind"], "too_large");
        assert_eq!(body["message"], "La requête est trop volumineuse : 64 Kio au plus.");
        assert_eq!(app.record_rows().await, [0, 0, 0, 0]);
    }

    async fn a_field_that_does_not_exist_is_refused(app) {
        let device = app.conseiller("camille@exemple.fr").await;
        let mut record = record_on("2026-11-02");
        record["participant"] = json!(3);

        let (status, body) = status_and_body(device.create(&record).await).await;

        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(body["message"].as_str().unwrap().contains("« participant » n'existe pas"), "{body}");
        assert_eq!(app.record_rows().await, [0, 0, 0, 0]);
        let mut signup = signup_body("dominique@exemple.fr");
        signup["admin"] = json!(true);
        assert_eq!(app.device().sign_up(&signup).await.status(), StatusCode::BAD_REQUEST);
        let nested = json!({ "commune": { "insee": "69123", "nom": "Lyon", "code_postal": "69001", "x": 1 } });
        let mut record = record_on("2026-11-02");
        record["commune"] = nested["commune"].clone();
        assert_eq!(device.create(&record).await.status(), StatusCode::BAD_REQUEST);
    }

    async fn lists_are_capped_and_echoes_are_short(app) {
        let device = app.conseiller("camille@exemple.fr").await;
        let mut record = record_on("2026-11-02");
        record["suivi"] = json!({ "redirection": 1 });
        record["redirections"] = json!((0..150).map(|_| json!({ "structure": "caf", "personnes": 1 })).collect::<Vec<_>>());
        let message = field_message(device.create(&record).await, "redirections").await;
        assert!(message.contains("au plus 100"), "{message}");

        let mut record = record_on("2026-11-02");
        record["thematiques"] = json!(["t".repeat(2000)]);
        let message = field_message(device.create(&record).await, "thematiques").await;
        assert!(message.chars().count() < 100, "{message}");
        assert_eq!(app.record_rows().await, [0, 0, 0, 0]);
    }

    async fn a_cross_site_request_changes_nothing(app) {
        let device = app.conseiller("camille@exemple.fr").await;
        let mut change = signup_body("camille@exemple.fr");
        change.as_object_mut().unwrap().retain(|k, _| !["email", "password"].contains(&k.as_str()));
        change["nom"] = json!("Piraté");

        for (header, value) in [("origin", "https://evil.example"), ("sec-fetch-site", "cross-site"), ("origin", "null")] {
            let (status, body) = status_and_body(
                device.request(Method::PUT, "/api/moi").header(header, value).json(&change).send().await.unwrap(),
            ).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{header}: {value}");
            assert_eq!(body["data"]["kind"], "cross_site");
        }
        let profil: Value = device.profil().await.json().await.unwrap();
        assert_eq!(profil["nom"], "Martin");
        let same_origin = device
            .request(Method::PUT, "/api/moi")
            .header("origin", app.address.clone())
            .header("sec-fetch-site", "same-origin")
            .json(&change)
            .send()
            .await
            .unwrap();
        assert_eq!(same_origin.status(), StatusCode::OK);
    }

    async fn a_formula_looking_annotation_comes_out_of_every_export_inert(app) {
        let device = app.conseiller("camille@exemple.fr").await;
        let mut record = record_on("2026-11-02");
        record["annotation"] = json!("=HYPERLINK(\"http://x\")");
        device.create(&record).await;

        for path in ["/api/exports/accompagnements.csv?du=2026-11-01&au=2026-11-30", "/api/moi/donnees.csv"] {
            let csv = device.request(Method::GET, path).send().await.unwrap().text().await.unwrap();
            assert!(csv.contains("'=HYPERLINK"), "{path}: {csv}");
            assert!(!csv.contains(";=HYPERLINK") && !csv.contains(";\"=HYPERLINK"), "{path}: {csv}");
        }
    }

    async fn a_conseiller_downloads_every_record_and_the_profile(app) {
        let device = app.conseiller("camille@exemple.fr").await;
        let first = record_on("2026-11-02");
        let second = full_record();
        device.create(&first).await;
        device.create(&second).await;
        app.conseiller("dominique@exemple.fr").await.create(&record_on("2026-11-03")).await;

        let json_file = device.request(Method::GET, "/api/moi/donnees.json").send().await.unwrap();
        assert!(json_file.headers()["content-disposition"].to_str().unwrap().contains("conum_mes_donnees.json"));
        let data: Value = json_file.json().await.unwrap();
        assert_eq!(data["profil"]["email"], "camille@exemple.fr");
        let ids: Vec<&str> = data["accompagnements"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
        assert_eq!(ids.len(), 2);
        assert!(ids.contains(&first["id"].as_str().unwrap()) && ids.contains(&second["id"].as_str().unwrap()));
        let csv = device.request(Method::GET, "/api/moi/donnees.csv").send().await.unwrap().text().await.unwrap();
        assert!(csv.starts_with('\u{feff}'));
        assert!(csv.contains("Adresse e-mail;camille@exemple.fr"), "{csv}");
        assert!(csv.contains(first["id"].as_str().unwrap()) && csv.contains(second["id"].as_str().unwrap()));
        assert_eq!(app.device().request(Method::GET, "/api/moi/donnees.json").send().await.unwrap().status(), StatusCode::UNAUTHORIZED);
    }

    async fn deleting_the_account_leaves_no_row_of_it(app) {
        let phone = app.conseiller("camille@exemple.fr").await;
        let laptop = app.device();
        laptop.log_in("camille@exemple.fr", PASSWORD).await;
        phone.create(&full_record()).await;
        phone.create(&record_on("2026-11-02")).await;
        let other = app.conseiller("dominique@exemple.fr").await;
        other.create(&full_record()).await;
        let id = phone.conseiller_id().await;

        let wrong = phone.request(Method::DELETE, "/api/moi").json(&json!({ "password": "pas le bon mot de passe" })).send().await.unwrap();
        assert_eq!(field_message(wrong, "password").await, "Le mot de passe est incorrect : le compte n'est pas supprimé.");
        assert_eq!(app.count(&format!("SELECT COUNT(*) FROM accompagnements WHERE conseiller_id = '{id}'")).await, 2);

        let deleted = phone.request(Method::DELETE, "/api/moi").json(&json!({ "password": PASSWORD })).send().await.unwrap();

        assert_eq!(deleted.status(), StatusCode::OK);
        assert!(deleted.headers()["set-cookie"].to_str().unwrap().contains("Max-Age=0"));
        for sql in [
            "SELECT COUNT(*) FROM conseillers WHERE id = '{id}'",
            "SELECT COUNT(*) FROM sessions WHERE conseiller_id = '{id}'",
            "SELECT COUNT(*) FROM password_resets WHERE conseiller_id = '{id}'",
            "SELECT COUNT(*) FROM accompagnements WHERE conseiller_id = '{id}'",
            "SELECT COUNT(*) FROM stats_conseiller_jour WHERE conseiller_id = '{id}'",
            "SELECT COUNT(*) FROM reorientations_autres_jour WHERE conseiller_id = '{id}'",
        ] {
            assert_eq!(app.count(&sql.replace("{id}", &id)).await, 0, "{sql}");
        }
        // The other conseiller's record and its details are all that is left, nationally too.
        assert_eq!(app.record_rows().await, [1, 3, 3, 2]);
        assert_eq!(app.count("SELECT CAST(SUM(comptes_rendus) AS BIGINT) FROM stats_jour").await, 1);
        assert_eq!(app.count("SELECT CAST(SUM(accompagnements) AS BIGINT) FROM stats_jour").await, 8);
        assert_eq!(laptop.profil().await.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(app.device().log_in("camille@exemple.fr", PASSWORD).await.status(), StatusCode::UNAUTHORIZED);
        // Its mails (the sign-up link) left the mail folder with it; the other's stay.
        assert!(app.mails_to("camille@exemple.fr").is_empty());
        assert!(!app.mails_to("dominique@exemple.fr").is_empty());
    }

    async fn a_session_ends_90_days_after_the_login_however_much_it_is_used(app) {
        let device = app.conseiller("camille@exemple.fr").await;
        let long_ago = chrono::Utc::now().timestamp() - 91 * 24 * 3600;

        app.execute(&format!("UPDATE sessions SET created_at = {long_ago}")).await;
        // A server trusts a session it has just read for a few seconds (`known_sessions`):
        // a restarted one reads it again.
        app.restart().await;

        assert_eq!(device.at(&app.address).profil().await.status(), StatusCode::UNAUTHORIZED);
    }

    async fn the_sixth_login_attempt_on_an_account_is_refused_whether_it_exists_or_not(app) {
        app.conseiller("camille@exemple.fr").await;
        let device = app.device();
        let mut answers = Vec::new();
        for email in ["camille@exemple.fr", "personne@exemple.fr"] {
            for _ in 0..5 {
                assert_eq!(device.log_in(email, "mauvais mot de passe !").await.status(), StatusCode::UNAUTHORIZED);
            }
            answers.push(status_and_body(device.log_in(email, PASSWORD).await).await);
        }

        assert_eq!(answers[0].0, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(answers[0], answers[1]);
        assert_eq!(answers[0].1["message"], "Trop de tentatives, réessayez dans 3 minutes.");
    }
}

/// The server's resident memory, in MB.
fn rss_mb(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("read /proc status");
    let kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .expect("VmRSS in /proc status");
    kb / 1024
}

#[tokio::test]
async fn three_hundred_parallel_wrong_logins_end_in_429s_and_leave_memory_bounded() {
    let app = spawn_app(Backend::Sqlite).await;
    app.conseiller("camille@exemple.fr").await;
    let device = app.device();
    let before = rss_mb(app.pid());
    let mut statuses = Vec::new();
    for wave in 0..3 {
        let attempts = (0..100).map(|n| {
            let device = device.clone();
            async move {
                let email = if n % 2 == 0 {
                    "camille@exemple.fr".to_owned()
                } else {
                    format!("personne{wave}-{n}@exemple.fr")
                };
                device
                    .log_in(&email, "mauvais mot de passe !")
                    .await
                    .status()
            }
        });
        statuses.extend(futures_util::future::join_all(attempts).await);
    }

    let after = rss_mb(app.pid());
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    let checked = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNAUTHORIZED)
        .count();
    assert!(refused >= 270, "{refused} refused, {checked} checked");
    assert_eq!(refused + checked, 300, "{statuses:?}");
    assert!(after < 150, "RSS went from {before} MB to {after} MB");
}

#[tokio::test]
async fn a_client_cannot_pick_its_address_unless_a_proxy_header_is_configured() {
    let app = spawn_app_with(Backend::Sqlite, &[("TRUSTED_PROXY_HEADER", "")]).await;
    let device = app.device();
    let mut statuses = Vec::new();
    for n in 0..21 {
        let response = device
            .request(Method::POST, "/api/session")
            .header("x-forwarded-for", format!("203.0.113.{n}"))
            .header(CLIENT_ADDRESS_HEADER, format!("203.0.113.{n}"))
            .json(&json!({ "email": format!("personne{n}@exemple.fr"), "password": "mauvais mot de passe !" }))
            .send()
            .await
            .unwrap();
        statuses.push(response.status());
    }

    assert!(
        statuses[..20]
            .iter()
            .all(|s| *s == StatusCode::UNAUTHORIZED),
        "{statuses:?}"
    );
    assert_eq!(statuses[20], StatusCode::TOO_MANY_REQUESTS);
}

/// Waits for the reset mail written in `dir` and returns the link it carries.
async fn reset_link(dir: &Path, already: usize) -> String {
    for _ in 0..100 {
        let mut mails: Vec<PathBuf> = std::fs::read_dir(dir)
            .map(|entries| {
                entries
                    .flatten()
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|x| x == "eml"))
                    .collect()
            })
            .unwrap_or_default();
        if mails.len() > already {
            mails.sort_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok());
            let text = std::fs::read_to_string(mails.last().unwrap()).unwrap();
            // Quoted-printable may cut long lines with "=\r\n".
            let text = text.replace("=\r\n", "").replace("=3D", "=");
            // The mail may still be being written: read it again a moment later.
            if let Some(start) = text.find("http://") {
                if text[start..].contains(char::is_whitespace) {
                    return text[start..].split_whitespace().next().unwrap().to_owned();
                }
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no mail written in {}", dir.display());
}

#[tokio::test]
async fn a_password_reset_goes_through_the_mail_once_within_the_hour_and_ends_every_session() {
    let mails = std::env::temp_dir().join(format!("conum-mails-{}", uuid::Uuid::new_v4()));
    let app = spawn_app_with(Backend::Sqlite, &[("MAIL_DIR", mails.to_str().unwrap())]).await;
    let phone = app.conseiller("camille@exemple.fr").await;
    let stranger = app.device();

    let asked = stranger
        .request(Method::POST, "/api/mot-de-passe/oubli")
        .json(&json!({ "email": "Camille@Exemple.fr" }))
        .send()
        .await
        .unwrap();
    let unknown = stranger
        .request(Method::POST, "/api/mot-de-passe/oubli")
        .json(&json!({ "email": "personne@exemple.fr" }))
        .send()
        .await
        .unwrap();

    assert_eq!(asked.status(), StatusCode::OK);
    assert_eq!(unknown.status(), StatusCode::OK);
    assert_eq!(asked.text().await.unwrap(), unknown.text().await.unwrap());
    let link = reset_link(&mails, 0).await;
    assert!(link.contains("/mot-de-passe/nouveau?jeton="), "{link}");
    let token = link.split("jeton=").nth(1).unwrap().to_owned();
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM password_resets WHERE token_hash = '{token}'"
        ))
        .await,
        0,
        "only the hash is stored"
    );
    assert!(
        app.mails_to("personne@exemple.fr").is_empty(),
        "no mail for an address without account"
    );

    let new_password = json!({ "jeton": token, "nouveau": "une toute nouvelle phrase" });
    let reset = stranger
        .request(Method::POST, "/api/mot-de-passe/nouveau")
        .json(&new_password)
        .send()
        .await
        .unwrap();

    assert_eq!(reset.status(), StatusCode::OK);
    assert_eq!(
        phone.profil().await.status(),
        StatusCode::UNAUTHORIZED,
        "every session ended"
    );
    assert_eq!(
        app.device()
            .log_in("camille@exemple.fr", PASSWORD)
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.device()
            .log_in("camille@exemple.fr", "une toute nouvelle phrase")
            .await
            .status(),
        StatusCode::OK
    );
    let again = stranger
        .request(Method::POST, "/api/mot-de-passe/nouveau")
        .json(&json!({ "jeton": token, "nouveau": "encore une autre phrase" }))
        .send()
        .await
        .unwrap();
    assert!(field_message(again, "jeton")
        .await
        .contains("n'est plus valable"));

    // A link older than an hour.
    stranger
        .request(Method::POST, "/api/mot-de-passe/oubli")
        .json(&json!({ "email": "camille@exemple.fr" }))
        .send()
        .await
        .unwrap();
    let old = reset_link(&mails, 1).await;
    let old_token = old.split("jeton=").nth(1).unwrap().to_owned();
    app.execute(&format!(
        "UPDATE password_resets SET expires_at = {}",
        chrono::Utc::now().timestamp() - 1
    ))
    .await;
    let late = stranger
        .request(Method::POST, "/api/mot-de-passe/nouveau")
        .json(&json!({ "jeton": old_token, "nouveau": "encore une autre phrase" }))
        .send()
        .await
        .unwrap();
    assert!(field_message(late, "jeton")
        .await
        .contains("n'est plus valable"));
    assert_eq!(
        app.device()
            .log_in("camille@exemple.fr", "une toute nouvelle phrase")
            .await
            .status(),
        StatusCode::OK
    );
    let _ = std::fs::remove_dir_all(mails);
}

/// The SHA-256 hashes, base64, of every inline script of a page.
fn inline_script_hashes(html: &str) -> Vec<String> {
    html.split("<script")
        .skip(1)
        .filter_map(|rest| {
            let (tag, after) = rest.split_once('>')?;
            let (body, _) = after.split_once("</script>")?;
            (!tag.contains("src="))
                .then(|| base64::engine::general_purpose::STANDARD.encode(Sha256::digest(body)))
        })
        .collect()
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = spawn_app_with(Backend::Sqlite, &[("PUBLIC_URL", "https://conum.example")]).await;
    let device = app.conseiller("camille@exemple.fr").await;

    let page = device
        .request(Method::GET, "/connexion")
        .send()
        .await
        .unwrap();
    let headers = page.headers().clone();
    let html = page.text().await.unwrap();
    let policy = headers["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    for directive in [
        "default-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "script-src 'self' 'wasm-unsafe-eval'",
    ] {
        assert!(
            policy.contains(directive),
            "{directive} missing from {policy}"
        );
    }
    assert!(
        !policy.contains("unsafe-inline") && !policy.contains("'unsafe-eval'"),
        "{policy}"
    );
    let hashes = inline_script_hashes(&html);
    assert!(
        !hashes.is_empty(),
        "Dioxus writes inline scripts into pages"
    );
    for hash in hashes {
        assert!(
            policy.contains(&format!("'sha256-{hash}'")),
            "inline script {hash} not allowed by {policy}"
        );
    }

    // What a browser may open as a page or run as a worker carries every header; the files a
    // page loads (scripts, style sheets, fonts, the wasm) only those a browser reads on them.
    for (path, opens_as_document) in [
        ("/connexion", true),
        ("/api/moi", true),
        ("/api/accompagnements", true),
        ("/api/nimporte", true),
        ("/precache-manifest.js", false),
        ("/contract.js", false),
    ] {
        let response = device.request(Method::GET, path).send().await.unwrap();
        let h = response.headers();
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["referrer-policy"], "same-origin", "{path}");
        assert_eq!(
            h.contains_key("content-security-policy"),
            opens_as_document,
            "{path}"
        );
        assert_eq!(
            h.get("permissions-policy")
                .is_some_and(|v| v.to_str().unwrap().contains("camera=()")),
            opens_as_document,
            "{path}"
        );
        assert_eq!(
            h.contains_key("cross-origin-opener-policy"),
            opens_as_document,
            "{path}"
        );
        assert!(
            h["strict-transport-security"]
                .to_str()
                .unwrap()
                .starts_with("max-age="),
            "{path}"
        );
        if path.starts_with("/api/") {
            assert_eq!(h["cache-control"], "no-store", "{path}");
        }
    }
}

#[tokio::test]
async fn the_session_cookie_is_secure_except_on_localhost() {
    let app = spawn_app(Backend::Sqlite).await;
    let confirm_from = |host: &'static str, email: &'static str| {
        let app = &app;
        async move {
            app.device().sign_up(&signup_body(email)).await;
            let token = app
                .token_mailed_to(email, "/adresse/confirmer?jeton=")
                .await;
            app.device()
                .request(Method::POST, "/api/adresse/confirmation")
                .header("host", host)
                .json(&json!({ "jeton": token }))
                .send()
                .await
                .unwrap()
        }
    };

    let public = confirm_from("conum.example.fr", "camille@exemple.fr").await;
    let local = confirm_from("localhost:8080", "dominique@exemple.fr").await;

    let cookie = |r: &reqwest::Response| r.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie(&public).contains("Secure"), "{}", cookie(&public));
    assert!(!cookie(&local).contains("Secure"), "{}", cookie(&local));
}
