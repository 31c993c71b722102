//! The open internet, round two: limits that protect the owner of an account rather than the
//! one attacking it, counted in the database (so several servers hold one count), quotas,
//! slow clients, and the hygiene around tokens, logs and cookies.

use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::*;
use crate::on_both_databases;

/// A login from the client address `from` (the tests stand behind a proxy that names it).
async fn log_in_from(device: &Device, from: &str, email: &str, password: &str) -> StatusCode {
    device
        .request(Method::POST, "/api/session")
        .header(CLIENT_ADDRESS_HEADER, from)
        .json(&json!({ "email": email, "password": password }))
        .send()
        .await
        .expect("request")
        .status()
}

async fn reset_from(device: &Device, from: &str, email: &str) -> StatusCode {
    device
        .request(Method::POST, "/api/mot-de-passe/oubli")
        .header(CLIENT_ADDRESS_HEADER, from)
        .json(&json!({ "email": email }))
        .send()
        .await
        .expect("request")
        .status()
}

on_both_databases! {
    async fn a_stranger_s_fifty_wrong_passwords_never_lock_the_owner_out(app) {
        app.conseiller("camille@exemple.fr").await;
        let stranger = app.device();
        let mut statuses = Vec::new();
        for _ in 0..50 {
            statuses.push(log_in_from(&stranger, "198.51.100.7", "camille@exemple.fr", "mauvais mot de passe !").await);
        }

        let owner = app.device();
        let owner_status = log_in_from(&owner, "203.0.113.20", "camille@exemple.fr", PASSWORD).await;

        assert!(statuses[..5].iter().all(|s| *s == StatusCode::UNAUTHORIZED), "{statuses:?}");
        assert!(statuses[5..].iter().all(|s| *s == StatusCode::TOO_MANY_REQUESTS), "{statuses:?}");
        assert_eq!(owner_status, StatusCode::OK);
    }

    async fn a_stranger_changing_networks_stops_at_the_account_s_ceiling(app) {
        app.conseiller("camille@exemple.fr").await;
        let stranger = app.device();
        let mut checked = 0;
        for network in 0..10 {
            for _ in 0..5 {
                let from = format!("198.51.100.{network}");
                if log_in_from(&stranger, &from, "camille@exemple.fr", "mauvais mot de passe !").await
                    == StatusCode::UNAUTHORIZED
                {
                    checked += 1;
                }
            }
        }

        assert_eq!(checked, 30, "passwords checked for one account in 15 minutes");
    }

    async fn ipv6_clients_are_counted_per_64(app) {
        let device = app.device();
        let mut statuses = Vec::new();
        for n in 0..21 {
            // 21 addresses of one /64, each trying another account: the /64's 20 attempts.
            let from = format!("2001:db8:5:7::{n:x}");
            statuses.push(log_in_from(&device, &from, &format!("personne{n}@exemple.fr"), "mauvais mot de passe !").await);
        }
        let elsewhere = log_in_from(&device, "2001:db8:5:8::1", "personne@exemple.fr", "mauvais mot de passe !").await;

        assert!(statuses[..20].iter().all(|s| *s == StatusCode::UNAUTHORIZED), "{statuses:?}");
        assert_eq!(statuses[20], StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(elsewhere, StatusCode::UNAUTHORIZED);
    }

    async fn reset_requests_have_their_own_limit_and_never_lock_the_login(app) {
        app.conseiller("camille@exemple.fr").await;
        let stranger = app.device();
        let mut statuses = Vec::new();
        for n in 0..6 {
            statuses.push(reset_from(&stranger, &format!("198.51.100.{n}"), "camille@exemple.fr").await);
        }

        let owner = app.device();
        let login = log_in_from(&owner, "203.0.113.20", "camille@exemple.fr", PASSWORD).await;

        assert_eq!(&statuses[..3], &[StatusCode::OK; 3], "{statuses:?}");
        assert!(statuses[3..].iter().all(|s| *s == StatusCode::TOO_MANY_REQUESTS), "{statuses:?}");
        assert_eq!(login, StatusCode::OK);
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_eq!(app.mails_to("camille@exemple.fr").iter().filter(|m| m.contains("/mot-de-passe/nouveau?jeton=")).count(), 3);
    }

    async fn the_password_change_is_counted_like_a_login(app) {
        let device = app.conseiller("camille@exemple.fr").await;
        let mut statuses = Vec::new();
        for _ in 0..7 {
            statuses.push(device.change_password("pas le bon mot de passe", "une autre phrase de passe").await.status());
        }

        assert!(statuses[..5].iter().all(|s| *s == StatusCode::BAD_REQUEST), "{statuses:?}");
        assert!(statuses[5..].iter().all(|s| *s == StatusCode::TOO_MANY_REQUESTS), "{statuses:?}");
    }

    async fn an_email_over_254_characters_is_refused_before_it_is_counted_or_hashed(app) {
        let device = app.device();
        let email = format!("{}@exemple.fr", "x".repeat(60_000));
        let started = Instant::now();
        let login = device.log_in(&email, "mauvais mot de passe !").await;
        let elapsed = started.elapsed();
        let status = login.status();
        let body: Value = login.json().await.unwrap();
        let reset = reset_from(&device, "198.51.100.9", &email).await;
        let sign_up = device.sign_up(&signup_body(&email)).await.status();

        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body["data"]["errors"][0]["message"], "Une adresse e-mail a au plus 254 caractères.");
        assert_eq!((reset, sign_up), (StatusCode::BAD_REQUEST, StatusCode::BAD_REQUEST));
        assert!(elapsed < Duration::from_millis(500), "{elapsed:?}");
        assert_eq!(app.count("SELECT COUNT(*) FROM limites").await, 0);
    }

    async fn a_reset_link_stops_working_when_the_password_changes(app) {
        let device = app.conseiller("camille@exemple.fr").await;
        assert_eq!(reset_from(&app.device(), "198.51.100.1", "camille@exemple.fr").await, StatusCode::OK);
        let token = app.token_mailed_to("camille@exemple.fr", "/mot-de-passe/nouveau?jeton=").await;

        assert_eq!(device.change_password(PASSWORD, "une autre phrase de passe").await.status(), StatusCode::OK);
        let reset = app
            .device()
            .request(Method::POST, "/api/mot-de-passe/nouveau")
            .json(&json!({ "jeton": token, "nouveau": "la phrase de l'attaquant" }))
            .send()
            .await
            .unwrap();

        assert_eq!(reset.status(), StatusCode::BAD_REQUEST);
        assert_eq!(app.count("SELECT COUNT(*) FROM password_resets").await, 0);
    }

    async fn a_login_replaces_the_browser_s_previous_session(app) {
        let device = app.conseiller("camille@exemple.fr").await;
        app.conseiller("dominique@exemple.fr").await;
        assert_eq!(app.count("SELECT COUNT(*) FROM sessions").await, 2);

        assert_eq!(device.log_in("dominique@exemple.fr", PASSWORD).await.status(), StatusCode::OK);

        // Camille's session on this browser ended; Dominique's first one and this one live.
        assert_eq!(app.count("SELECT COUNT(*) FROM sessions").await, 2);
        let camille = app.count("SELECT COUNT(*) FROM sessions s JOIN conseillers c ON c.id = s.conseiller_id WHERE c.email = 'camille@exemple.fr'").await;
        assert_eq!(camille, 0);
    }

    async fn an_unknown_api_address_is_a_json_404(app) {
        let device = app.device();
        for (method, path) in [(Method::GET, "/api/nulle-part"), (Method::POST, "/api/nulle-part"), (Method::GET, "/api/exports/rien.csv")] {
            let response = device.request(method, path).send().await.unwrap();
            assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
            let body: Value = response.json().await.unwrap();
            assert_eq!(body["message"], "Cette adresse de l'API Conum n'existe pas.", "{path}");
        }
    }

    async fn a_day_holds_at_most_the_quota_of_records_and_a_retry_still_answers(app) {
        app.restart_with_env(&[("RECORDS_PER_DAY", "3")]).await;
        let device = app.conseiller("camille@exemple.fr").await;
        let mut ids = Vec::new();
        for _ in 0..3 {
            let record = record_on("2026-11-02");
            assert_eq!(device.create(&record).await.status(), StatusCode::OK);
            ids.push(record);
        }
        let rows = app.record_rows().await;

        let over = device.create(&record_on("2026-11-02")).await;
        let status = over.status();
        let body: Value = over.json().await.unwrap();
        let retry = device.create(&ids[0]).await.status();

        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(body["message"], "Vous avez enregistré 3 comptes rendus en 24 heures, le plafond : les suivants restent sur ce téléphone et partiront plus tard.");
        assert_eq!(retry, StatusCode::OK);
        assert_eq!(app.record_rows().await, rows);
    }

    async fn saves_sent_at_once_past_the_quota_are_refused_alone(app) {
        // Sent together, they are written in one transaction: those past the quota are undone
        // one by one, the others stay.
        app.restart_with_env(&[("RECORDS_PER_DAY", "10")]).await;
        let device = app.conseiller("camille@exemple.fr").await;
        let records: Vec<Value> = (0..16).map(|_| record_on("2026-11-02")).collect();

        let statuses = futures_util::future::join_all(records.iter().map(|r| {
            let device = device.clone();
            async move { device.create(r).await.status() }
        }))
        .await;

        let stored = statuses.iter().filter(|s| **s == StatusCode::OK).count();
        let refused = statuses.iter().filter(|s| **s == StatusCode::TOO_MANY_REQUESTS).count();
        assert_eq!((stored, refused), (10, 6), "{statuses:?}");
        assert_eq!(app.count("SELECT COUNT(*) FROM accompagnements").await, 10);
        let listed: Value = device.list("").await.json().await.unwrap();
        assert_eq!(listed["total"], 10, "{listed}");
    }

    async fn password_limits_hold_across_two_servers_on_one_database(app) {
        app.conseiller("camille@exemple.fr").await;
        let other = app.another_instance().await;
        let mut statuses = Vec::new();
        for n in 0..8 {
            let server = if n % 2 == 0 { &app } else { &other };
            statuses.push(log_in_from(&server.device(), "198.51.100.7", "camille@exemple.fr", "mauvais mot de passe !").await);
        }

        assert!(statuses[..5].iter().all(|s| *s == StatusCode::UNAUTHORIZED), "{statuses:?}");
        assert!(statuses[5..].iter().all(|s| *s == StatusCode::TOO_MANY_REQUESTS), "{statuses:?}");
    }
}

#[tokio::test]
async fn without_public_url_an_origin_of_another_scheme_is_another_site() {
    let app = spawn_app(Backend::Sqlite).await;
    let device = app.device();
    let host = app.address.trim_start_matches("http://").to_owned();
    let mut statuses = Vec::new();
    for origin in [format!("https://{host}"), format!("http://{host}")] {
        statuses.push(
            device
                .request(Method::POST, "/api/session")
                .header("origin", origin)
                .json(&json!({ "email": "personne@exemple.fr", "password": "mauvais mot de passe !" }))
                .send()
                .await
                .unwrap()
                .status(),
        );
    }

    assert_eq!(statuses, [StatusCode::FORBIDDEN, StatusCode::UNAUTHORIZED]);
}

#[tokio::test]
async fn a_server_for_other_machines_needs_its_public_url() {
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_conum"))
        .env("HOST", "0.0.0.0")
        .env("PORT", "0")
        .env_remove("PUBLIC_URL")
        .env("DATABASE_URL", "sqlite::memory:")
        .output()
        .await
        .unwrap();

    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("set PUBLIC_URL"));
}

/// A connection that sends half a request head and then nothing, from `from` (a loopback
/// address of its own: 127.0.0.0/8 is all this machine's).
async fn half_a_request(
    server: std::net::SocketAddr,
    from: std::net::Ipv4Addr,
) -> Option<tokio::net::TcpStream> {
    let socket = tokio::net::TcpSocket::new_v4().ok()?;
    socket.bind((from, 0).into()).ok()?;
    let mut stream = tokio::time::timeout(Duration::from_secs(5), socket.connect(server))
        .await
        .ok()?
        .ok()?;
    stream
        .write_all(b"GET / HTTP/1.1\r\nHost: conum\r\nX-Slow: ")
        .await
        .ok()?;
    Some(stream)
}

/// The server binary under a file limit of 1,024 (systemd's default), listening on loopback
/// without a proxy in front (the per-client cap applies).
async fn server_with_1024_files() -> (
    tokio::process::Child,
    std::net::SocketAddr,
    std::path::PathBuf,
) {
    use tokio::io::AsyncBufReadExt;
    let dir = std::env::temp_dir().join(format!("conum-slow-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut child = tokio::process::Command::new("sh")
        .arg("-c")
        .arg("ulimit -n 1024 && exec \"$0\"")
        .arg(env!("CARGO_BIN_EXE_conum"))
        .env(
            "DATABASE_URL",
            format!("sqlite://{}/conum.db?mode=rwc", dir.display()),
        )
        .env("MAIL_DIR", dir.join("mails"))
        .env("HOST", "127.0.0.1")
        .env_remove("PUBLIC_URL")
        .env("PORT", "0")
        .env("SIGNUP_MODE", "ouverte")
        .env_remove("TRUSTED_PROXY_HEADER")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next_line().await.unwrap().unwrap();
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    let port: u16 = first.rsplit(':').next().unwrap().trim().parse().unwrap();
    (
        child,
        std::net::SocketAddr::from(([127, 0, 0, 1], port)),
        dir,
    )
}

#[tokio::test]
async fn eleven_hundred_slow_connections_leave_a_normal_request_answered_within_a_second() {
    let (_server, address, dir) = server_with_1024_files().await;
    // 1,100 half requests from 22 addresses, 50 each (under the per-client cap of 64): more
    // than the server's 1,024 files can hold.
    let mut slow = Vec::new();
    for n in 0..1_100u32 {
        let from = std::net::Ipv4Addr::new(127, 0, 1, (n / 50) as u8 + 1);
        if let Some(stream) = half_a_request(address, from).await {
            slow.push(stream);
        }
    }
    assert!(
        slow.len() >= 1_000,
        "{} slow connections opened",
        slow.len()
    );

    let started = Instant::now();
    let answer = reqwest::Client::new()
        .get(format!("http://{address}/api/moi"))
        .timeout(Duration::from_secs(5))
        .send()
        .await;
    let elapsed = started.elapsed();

    let status = answer.map(|r| r.status());
    assert_eq!(
        status.ok(),
        Some(StatusCode::UNAUTHORIZED),
        "a normal request after {elapsed:?}"
    );
    assert!(
        elapsed < Duration::from_secs(1),
        "answered after {elapsed:?}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn one_client_holds_at_most_64_connections_and_a_silent_one_is_closed_after_10_seconds() {
    let (_server, address, dir) = server_with_1024_files().await;
    let from = std::net::Ipv4Addr::new(127, 0, 2, 1);
    let mut held = Vec::new();
    for _ in 0..64 {
        held.push(half_a_request(address, from).await.expect("a connection"));
    }

    // The 65th is answered at once with a 503, and closed.
    let mut extra = half_a_request(address, from).await.expect("a connection");
    let mut answer = String::new();
    let read =
        tokio::time::timeout(Duration::from_secs(2), extra.read_to_string(&mut answer)).await;
    assert!(read.is_ok(), "the 65th connection was not answered at once");
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer:?}");

    // A silent connection is closed once its 10 seconds are over.
    let started = Instant::now();
    let mut rest = Vec::new();
    let closed =
        tokio::time::timeout(Duration::from_secs(15), held[0].read_to_end(&mut rest)).await;
    assert!(closed.is_ok(), "a silent connection still open after 15 s");
    assert!(
        started.elapsed() < Duration::from_secs(11),
        "{:?}",
        started.elapsed()
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// The server's resident memory, in MB.
fn rss_mb(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(0)
        / 1024
}

on_both_databases! {
    async fn a_client_that_stops_reading_gives_up_its_export_turn(app) {
        // Downloads of megabytes: 20 000 records, more than the socket buffers hold.
        let (email, password) = demo_login(&mut app, &["--conseillers", "5", "--par-conseiller", "10", "--accompagnements-compte", "20000"]).await;
        let (email, password) = (email.as_str(), password.as_str());
        app.restart_with_env(&[("EXPORT_STALL_SECONDS", "2")]).await;
        let device = app.device();
        assert_eq!(device.log_in(email, password).await.status(), StatusCode::OK);
        let everything = "/api/exports/accompagnements.csv?du=2020-01-01";

        // The server's two export turns, taken by clients that ask and never read.
        let address = app.address.trim_start_matches("http://").to_owned();
        let mut stalled = Vec::new();
        for _ in 0..2 {
            let socket = tokio::net::TcpSocket::new_v4().unwrap();
            socket.set_recv_buffer_size(4096).unwrap();
            let mut stream = socket.connect(address.parse().unwrap()).await.unwrap();
            let request = format!("GET {everything} HTTP/1.1\r\nHost: {address}\r\nCookie: {}\r\n\r\n", device.cookie_header());
            stream.write_all(request.as_bytes()).await.unwrap();
            stalled.push(stream);
        }
        tokio::time::sleep(Duration::from_millis(500)).await;

        // Another download waits for a turn: it gets one once the stalled ones are given up,
        // well before the 20 s after which it would be refused.
        let started = Instant::now();
        let response = device.request(Method::GET, everything).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let whole = response.text().await.unwrap();
        assert_eq!(whole.lines().count(), 1 + 20_000);
        assert!(started.elapsed() < Duration::from_secs(12), "{:?}", started.elapsed());

        // The stalled clients, reading at last, find a broken download, not a whole-looking file.
        for mut stream in stalled {
            let mut received = Vec::new();
            let _ = tokio::time::timeout(Duration::from_secs(20), stream.read_to_end(&mut received)).await;
            let text = String::from_utf8_lossy(&received);
            assert!(text.starts_with("HTTP/1.1 200"), "{}", &text[..text.len().min(200)]);
            assert!(!text.ends_with("0\r\n\r\n"), "the chunked body was not ended");
            assert!(text.matches('\n').count() < 20_000, "the download was given up before its end");
        }
    }

    async fn exports_of_20000_records_at_once_stay_within_100_mb(app) {
        let (email, password) = demo_login(&mut app, &["--conseillers", "5", "--par-conseiller", "10", "--accompagnements-compte", "20000"]).await;
        let (email, password) = (email.as_str(), password.as_str());
        app.start().await;
        let device = app.device();
        assert_eq!(device.log_in(email, password).await.status(), StatusCode::OK);
        tokio::time::sleep(Duration::from_millis(500)).await;
        let at_rest = rss_mb(app.pid());

        let pid = app.pid();
        let today = conum::clock::today_in_paris();
        let (du, au) = (today - chrono::Days::new(365), today);
        let period_path = format!("/api/exports/accompagnements.csv?du={du}&au={au}");
        let downloads = ["/api/moi/donnees.json", "/api/moi/donnees.csv", "/api/moi/donnees.json", period_path.as_str()]
            .map(|path| {
                let device = device.clone();
                async move {
                    let response = device.request(Method::GET, path).send().await.unwrap();
                    assert_eq!(response.status(), StatusCode::OK, "{path}");
                    (path, response.bytes().await.unwrap())
                }
            });
        let (peak, files) = peak_rss_during(pid, futures_util::future::join_all(downloads)).await;

        assert!(peak <= at_rest + 100, "RSS {at_rest} MB at rest, {peak} MB at the peak");
        // Whole files: the JSON parses with every record, each CSV has a line per record.
        let json: Value = serde_json::from_slice(&files[0].1).unwrap();
        assert_eq!(json["accompagnements"].as_array().unwrap().len(), 20_000);
        assert_eq!(json["profil"]["email"], email);
        let ids: std::collections::HashSet<&str> = json["accompagnements"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
        assert_eq!(ids.len(), 20_000, "no record twice");
        let csv = String::from_utf8(files[1].1.to_vec()).unwrap();
        assert_eq!(csv.lines().filter(|l| l.contains(";")).count(), 10 + 1 + 20_000, "profile rows, header, records");
        let period = String::from_utf8(files[3].1.to_vec()).unwrap();
        assert!(period.starts_with('\u{feff}'));
        let (du, au) = (du.to_string(), au.to_string());
        let in_period = json["accompagnements"].as_array().unwrap().iter()
            .filter(|r| (du.as_str()..=au.as_str()).contains(&r["date"].as_str().unwrap()))
            .count();
        assert!(in_period > 15_000, "{in_period}");
        assert_eq!(period.lines().count(), 1 + in_period);

        // The same as workbooks, both at once: a sheet's rows go to a temporary file, the zip
        // to the client as it is written.
        let at_rest = rss_mb(pid);
        let period_workbook = format!("/api/exports/accompagnements.xlsx?du={du}&au={au}");
        let downloads = ["/api/moi/donnees.xlsx", period_workbook.as_str()].map(|path| {
            let device = device.clone();
            async move {
                let response = device.request(Method::GET, path).send().await.unwrap();
                assert_eq!(response.status(), StatusCode::OK, "{path}");
                response.bytes().await.unwrap()
            }
        });
        let (peak, workbooks) = peak_rss_during(pid, futures_util::future::join_all(downloads)).await;
        assert!(peak <= at_rest + 100, "workbooks: RSS {at_rest} MB at rest, {peak} MB at the peak");
        let everything = workbook_sheets(&workbooks[0]);
        assert_eq!(everything[1].0, "Accompagnements");
        assert_eq!(everything[1].1.len(), 1 + 20_000, "header and records");
        let ids: std::collections::HashSet<String> = everything[1].1[1..].iter().map(|r| r[25].to_string()).collect();
        assert_eq!(ids.len(), 20_000, "no record twice");
        assert_eq!(workbook_sheets(&workbooks[1])[0].1.len(), 1 + in_period);
    }
}

/// `work`'s output, and the largest resident memory (MB) of process `pid` while it ran.
async fn peak_rss_during<T>(pid: u32, work: impl std::future::Future<Output = T>) -> (u64, T) {
    let peak = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(rss_mb(pid)));
    let watching = {
        let peak = peak.clone();
        tokio::spawn(async move {
            loop {
                peak.fetch_max(rss_mb(pid), std::sync::atomic::Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
    };
    let output = work.await;
    watching.abort();
    (peak.load(std::sync::atomic::Ordering::Relaxed), output)
}
