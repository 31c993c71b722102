//! What the server does when things go wrong around it: a phone whose cookie changed hands,
//! a database that turned read-only or went away, a stop asked in the middle of requests.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::Value;
use sqlx::any::AnyPoolOptions;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::helpers::*;
use crate::on_both_databases;

async fn error_body(response: reqwest::Response) -> (StatusCode, Value) {
    let status = response.status();
    (status, response.json().await.expect("a JSON error body"))
}

on_both_databases! {
    async fn a_change_made_for_another_account_never_lands_in_this_one(app) {
        let camille = app.conseiller("camille@exemple.fr").await;
        let dominique = app.conseiller("dominique@exemple.fr").await;
        let camille_id = camille.conseiller_id().await;
        // A shared phone: Camille recorded, then Dominique's cookie replaced hers.

        let (status, body) = error_body(dominique.create_for(&camille_id, &record_on("2026-11-02")).await).await;

        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(body["data"]["kind"], "wrong_account");
        assert!(body["message"].as_str().unwrap().contains("autre compte"), "{body}");
        assert_eq!(app.record_rows().await, [0, 0, 0, 0]);
        let dominique_id = dominique.conseiller_id().await;
        let own = dominique.create_for(&dominique_id, &record_on("2026-11-02")).await;
        assert_eq!(own.status(), StatusCode::OK);
    }

    async fn a_request_under_way_when_sigterm_arrives_gets_its_answer(app) {
        let device = app.conseiller("camille@exemple.fr").await;
        let record = record_on("2026-11-02");
        let body = record.to_string();
        let (first_half, second_half) = body.split_at(body.len() / 2);
        let address = app.address.trim_start_matches("http://").to_owned();
        let mut connection = TcpStream::connect(&address).await.unwrap();
        connection
            .write_all(
                format!(
                    "POST /api/accompagnements HTTP/1.1\r\nHost: {address}\r\nCookie: {}\r\n\
                     Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{first_half}",
                    device.cookie_header(),
                    body.len()
                )
                .as_bytes(),
            )
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(200)).await;

        app.send_sigterm();
        tokio::time::sleep(Duration::from_millis(300)).await;
        connection.write_all(second_half.as_bytes()).await.unwrap();
        let mut answer = Vec::new();
        connection.read_to_end(&mut answer).await.unwrap();

        let answer = String::from_utf8_lossy(&answer);
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        assert!(answer.contains(record["id"].as_str().unwrap()), "{answer}");
        assert!(app.wait_exit(Duration::from_secs(10)).await.success());
        app.start().await;
        let device = device.at(&app.address);
        assert_eq!(device.listed_ids("").await, [record["id"].as_str().unwrap()]);
    }
}

#[tokio::test]
async fn a_read_only_sqlite_database_answers_503_in_french_and_still_reads() {
    let mut app = spawn_app(Backend::Sqlite).await;
    let device = app.conseiller("camille@exemple.fr").await;
    let kept = record_on("2026-11-02");
    assert_eq!(device.create(&kept).await.status(), StatusCode::OK);
    let read_only = app.database_url.replace("mode=rwc", "mode=ro");

    // The server starts on it (no crash loop), reads, and refuses writes clearly.
    app.restart_with_database_url(&read_only).await;
    let device = device.at(&app.address);

    assert_eq!(device.listed_ids("").await, [kept["id"].as_str().unwrap()]);
    let (status, body) = error_body(device.create(&record_on("2026-11-03")).await).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(body["data"]["kind"], "unavailable");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("momentanément indisponible"),
        "{body}"
    );
    assert_eq!(app.record_rows().await, [1, 1, 2, 0]);
}

/// Runs `sql` as the Postgres administrator.
async fn as_admin(sql: &str) {
    sqlx::any::install_default_drivers();
    let admin = AnyPoolOptions::new()
        .max_connections(1)
        .connect(&postgres_admin_url())
        .await
        .expect("connect as admin");
    sqlx::query(sql).execute(&admin).await.expect(sql);
    admin.close().await;
}

/// Cuts every connection the server holds to its database, as a Postgres restart does.
async fn drop_connections(database: &str) {
    as_admin(&format!(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database}'"
    ))
    .await;
}

#[tokio::test]
async fn a_read_only_postgres_database_answers_503_then_recovers() {
    let app = spawn_app(Backend::Postgres).await;
    let device = app.conseiller("camille@exemple.fr").await;
    let database = app.database_url.rsplit('/').next().unwrap().to_owned();

    as_admin(&format!(
        "ALTER DATABASE {database} SET default_transaction_read_only = on"
    ))
    .await;
    drop_connections(&database).await;

    assert_eq!(device.list("").await.status(), StatusCode::OK);
    let (status, body) = error_body(device.create(&record_on("2026-11-02")).await).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(body["data"]["kind"], "unavailable");

    as_admin(&format!(
        "ALTER DATABASE {database} RESET default_transaction_read_only"
    ))
    .await;
    drop_connections(&database).await;
    assert_eq!(
        device.create(&record_on("2026-11-02")).await.status(),
        StatusCode::OK
    );
    assert_eq!(app.record_rows().await, [1, 1, 2, 0]);
}

/// A TCP relay to Postgres that can be cut (every connection dropped, new ones refused) and
/// restored: the database "restarting" or a network cut, seen from the server.
struct Relay {
    port: u16,
    open: std::sync::Arc<std::sync::atomic::AtomicBool>,
    generation: tokio::sync::watch::Sender<u64>,
}

impl Relay {
    async fn to(target: String) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let open = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
        let (generation, _) = tokio::sync::watch::channel(0u64);
        let (accepting, cuts) = (open.clone(), generation.clone());
        tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                if !accepting.load(std::sync::atomic::Ordering::SeqCst) {
                    continue; // dropped: the connection is refused
                }
                let target = target.clone();
                let mut cut = cuts.subscribe();
                tokio::spawn(async move {
                    let Ok(mut server) = TcpStream::connect(&target).await else {
                        return;
                    };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                        _ = cut.changed() => {}
                    }
                });
            }
        });
        Relay {
            port,
            open,
            generation,
        }
    }

    fn cut(&self) {
        self.open.store(false, std::sync::atomic::Ordering::SeqCst);
        self.generation.send_modify(|g| *g += 1);
    }

    fn restore(&self) {
        self.open.store(true, std::sync::atomic::Ordering::SeqCst);
    }
}

#[tokio::test]
async fn while_postgres_is_out_of_reach_requests_get_503_quickly_then_it_recovers() {
    let mut app = spawn_app(Backend::Postgres).await;
    let database_url = app.database_url.clone();
    let host_and_port = database_url
        .split('@')
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap()
        .to_owned();
    let relay = Relay::to(host_and_port.clone()).await;
    app.restart_with_database_url(
        &database_url.replace(&host_and_port, &format!("127.0.0.1:{}", relay.port)),
    )
    .await;
    let device = app.conseiller("camille@exemple.fr").await;

    relay.cut();
    let asked = Instant::now();
    let (status, body) = error_body(device.create(&record_on("2026-11-02")).await).await;

    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert!(
        asked.elapsed() < Duration::from_secs(8),
        "answered after {:?}",
        asked.elapsed()
    );
    relay.restore();
    assert_eq!(
        device.create(&record_on("2026-11-02")).await.status(),
        StatusCode::OK
    );
}
