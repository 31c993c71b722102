//! `spawn_app()`: the real server binary on a random port, against a fresh database.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use conum::domain::fixtures;
use reqwest::{Response, StatusCode};
use serde_json::{json, Value};
use sqlx::any::AnyPoolOptions;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use uuid::Uuid;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Where the API tests find a Postgres server they may create databases on.
/// `scripts/postgres.sh` starts one there.
pub fn postgres_admin_url() -> String {
    std::env::var("TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:15432/postgres".to_owned())
}

/// One server process and its private database.
pub struct TestApp {
    pub address: String,
    pub database_url: String,
    /// Where the server writes its mails (`MAIL_DIR`).
    pub mail_dir: PathBuf,
    extra_env: Vec<(String, String)>,
    server: Option<Child>,
    sqlite_dir: Option<PathBuf>,
    /// Mails whose link a test already followed.
    read_mails: std::sync::Mutex<std::collections::HashSet<PathBuf>>,
}

/// Runs `$body` once against SQLite and once against Postgres, as two tests.
#[macro_export]
macro_rules! on_both_databases {
    ($(
        $(#[$meta:meta])*
        async fn $name:ident($app:ident) $body:block
    )*) => {
        $(
            $(#[$meta])*
            mod $name {
                #[allow(unused_imports)]
                use super::*;

                #[tokio::test]
                async fn on_sqlite() {
                    #[allow(unused_mut)]
                    let mut $app = $crate::helpers::spawn_app($crate::helpers::Backend::Sqlite).await;
                    $body
                }

                #[tokio::test]
                async fn on_postgres() {
                    #[allow(unused_mut)]
                    let mut $app = $crate::helpers::spawn_app($crate::helpers::Backend::Postgres).await;
                    $body
                }
            }
        )*
    };
}

pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, &[]).await
}

/// Like [`spawn_app`], with extra environment variables for the server. Unless they say
/// otherwise, anyone may sign up (`SIGNUP_MODE=ouverte`) and mails go to a folder of the
/// test's own.
pub async fn spawn_app_with(backend: Backend, env: &[(&str, &str)]) -> TestApp {
    let mail_dir = match env.iter().find(|(k, _)| *k == "MAIL_DIR") {
        Some((_, dir)) => PathBuf::from(dir),
        None => std::env::temp_dir().join(format!("conum-mails-{}", Uuid::new_v4())),
    };
    let mut env: Vec<(String, String)> = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    for (name, value) in [
        ("SIGNUP_MODE", "ouverte".to_owned()),
        ("MAIL_DIR", mail_dir.display().to_string()),
    ] {
        if !env.iter().any(|(k, _)| k == name) {
            env.insert(0, (name.to_owned(), value));
        }
    }
    let (database_url, sqlite_dir) = match backend {
        Backend::Sqlite => {
            let dir = std::env::temp_dir().join(format!("conum-test-{}", Uuid::new_v4()));
            std::fs::create_dir_all(&dir).expect("temp dir");
            (
                format!("sqlite://{}/conum.db?mode=rwc", dir.display()),
                Some(dir),
            )
        }
        Backend::Postgres => (create_postgres_database().await, None),
    };
    let mut app = TestApp {
        address: String::new(),
        database_url,
        mail_dir,
        extra_env: env,
        server: None,
        sqlite_dir,
        read_mails: Default::default(),
    };
    app.start().await;
    app
}

async fn create_postgres_database() -> String {
    sqlx::any::install_default_drivers();
    let admin_url = postgres_admin_url();
    let admin = AnyPoolOptions::new()
        .max_connections(1)
        .connect(&admin_url)
        .await
        .unwrap_or_else(|e| {
            panic!("no Postgres at {admin_url} ({e}): run scripts/postgres.sh or set TEST_POSTGRES_URL")
        });
    let name = format!("conum_test_{}", Uuid::new_v4().simple());
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&admin)
        .await
        .expect("create test database");
    admin.close().await;
    let (base, _) = admin_url.rsplit_once('/').expect("database URL has a path");
    format!("{base}/{name}")
}

impl TestApp {
    /// Starts (or restarts) the server on the same database, on a new random port.
    pub async fn start(&mut self) {
        let mut command = Command::new(env!("CARGO_BIN_EXE_conum"));
        command
            .env("DATABASE_URL", &self.database_url)
            .env("HOST", "127.0.0.1")
            .env("PORT", "0")
            .env_remove("COOKIE_SECURE")
            .env_remove("PUBLIC_URL")
            // As behind a reverse proxy: the tests give each new conseiller an address of
            // their own (see `conseiller`), as the field does; requests without it count
            // against 127.0.0.1.
            .env("TRUSTED_PROXY_HEADER", CLIENT_ADDRESS_HEADER)
            .envs(self.extra_env.iter().map(|(k, v)| (k, v)))
            .stdout(Stdio::piped())
            .stderr(if std::env::var_os("TEST_LOG").is_some() {
                Stdio::inherit()
            } else {
                Stdio::null()
            })
            .kill_on_drop(true);
        let mut child = command.spawn().expect("start the conum binary");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut lines = BufReader::new(stdout).lines();
        let first = tokio::time::timeout(Duration::from_secs(60), lines.next_line())
            .await
            .expect("server started within 60 s")
            .expect("read server output")
            .expect("server printed its address before exiting");
        let address = first
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("no address in {first:?}"))
            .to_owned();
        // Keep draining stdout so the server never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        self.address = address;
        self.server = Some(child);
    }

    /// The server process's id (to send it signals).
    pub fn pid(&self) -> u32 {
        self.server
            .as_ref()
            .and_then(Child::id)
            .expect("the server is running")
    }

    /// Asks the server to stop, as systemd or a container runtime does.
    pub fn send_sigterm(&self) {
        let status = std::process::Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -TERM failed");
    }

    /// Waits (at most `limit`) for the server process to exit; its exit status.
    pub async fn wait_exit(&mut self, limit: Duration) -> std::process::ExitStatus {
        let mut child = self.server.take().expect("the server is running");
        tokio::time::timeout(limit, child.wait())
            .await
            .expect("the server exits after SIGTERM")
            .expect("wait for the server")
    }

    /// Starts the server again on the same database, reached through another URL (a
    /// read-only SQLite URL, a Postgres proxy).
    pub async fn restart_with_database_url(&mut self, url: &str) {
        self.stop().await;
        self.database_url = url.to_owned();
        self.start().await;
    }

    pub async fn stop(&mut self) {
        if let Some(mut child) = self.server.take() {
            let _ = child.kill().await;
        }
    }

    /// Restarts the server on the same database with these variables changed (another
    /// sign-up mode, say).
    pub async fn restart_with_env(&mut self, env: &[(&str, &str)]) {
        for (name, value) in env {
            self.extra_env.retain(|(k, _)| k != name);
            self.extra_env.push((name.to_string(), value.to_string()));
        }
        self.restart().await;
    }

    pub async fn restart(&mut self) {
        self.stop().await;
        self.start().await;
    }

    /// Another server process on the same database, as a national deployment runs several
    /// behind one address (its mails go to this app's folder).
    pub async fn another_instance(&self) -> TestApp {
        let mut other = TestApp {
            address: String::new(),
            database_url: self.database_url.clone(),
            mail_dir: std::env::temp_dir().join(format!("conum-mails-{}", Uuid::new_v4())),
            extra_env: self.extra_env.clone(),
            server: None,
            sqlite_dir: None,
            read_mails: Default::default(),
        };
        other.start().await;
        other
    }

    /// A new browser: its own cookie jar, nobody logged in.
    pub fn device(&self) -> Device {
        let cookies = std::sync::Arc::new(reqwest::cookie::Jar::default());
        Device {
            http: reqwest::Client::builder()
                .cookie_provider(cookies.clone())
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("http client"),
            cookies,
            address: self.address.clone(),
        }
    }

    /// A device with a freshly signed-up conseiller, logged in: signed up, then the link
    /// of the mail followed (as a conseiller does).
    pub async fn conseiller(&self, email: &str) -> Device {
        self.conseiller_with(&signup_body(email)).await
    }

    /// Like [`TestApp::conseiller`], with a sign-up body of the test's own.
    pub async fn conseiller_with(&self, body: &Value) -> Device {
        let email = body["email"].as_str().expect("an email").to_lowercase();
        let device = self.device();
        let response = device
            .http
            .post(device.url("/api/compte"))
            .header(CLIENT_ADDRESS_HEADER, next_client_address())
            .json(body)
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), StatusCode::OK, "sign-up of {email}");
        let answer: Value = response.json().await.expect("json");
        assert_eq!(answer["etat"], "lien_envoye", "{answer}");
        let token = self
            .token_mailed_to(&email, "/adresse/confirmer?jeton=")
            .await;
        let response = device.confirm(&token).await;
        assert_eq!(response.status(), StatusCode::OK, "confirmation of {email}");
        let answer: Value = response.json().await.expect("json");
        assert_eq!(answer["etat"], "compte_ouvert", "{answer}");
        device
    }

    /// The token of the newest mail to `to` whose link contains `path` (waits up to 10 s for
    /// it); each mail serves once.
    pub async fn token_mailed_to(&self, to: &str, path: &str) -> String {
        for _ in 0..100 {
            let mut found: Vec<(std::time::SystemTime, PathBuf, String)> = Vec::new();
            let read = self.read_mails.lock().unwrap().clone();
            for (file, text) in mails_in(&self.mail_dir) {
                if read.contains(&file) || !text.contains(&format!("To: {to}")) {
                    continue;
                }
                let Some(start) = text.find(path) else {
                    continue;
                };
                let token: String = text[start + path.len()..]
                    .chars()
                    .take_while(char::is_ascii_hexdigit)
                    .collect();
                if token.len() == 64 {
                    let modified = std::fs::metadata(&file)
                        .and_then(|m| m.modified())
                        .unwrap_or(std::time::UNIX_EPOCH);
                    found.push((modified, file, token));
                }
            }
            if let Some((_, file, token)) = found.into_iter().max() {
                self.read_mails.lock().unwrap().insert(file);
                return token;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("no mail to {to} with {path} in {}", self.mail_dir.display());
    }

    /// Waits (10 s at most) for a mail to `to` that contains `text`: mails leave after the
    /// answer.
    pub async fn mailed(&self, to: &str, text: &str) -> bool {
        for _ in 0..100 {
            if self.mails_to(to).iter().any(|m| m.contains(text)) {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        false
    }

    /// Every mail written to `to`, decoded.
    pub fn mails_to(&self, to: &str) -> Vec<String> {
        mails_in(&self.mail_dir)
            .into_iter()
            .map(|(_, text)| text)
            .filter(|text| text.contains(&format!("To: {to}")))
            .collect()
    }

    /// Runs `conum admin …` on this app's database and mail folder, as the programme's
    /// administrator does; its standard output (the command must succeed).
    pub async fn admin(&self, args: &[&str]) -> String {
        let output = self.admin_command(args).await;
        assert!(
            output.status.success(),
            "conum admin {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).expect("UTF-8 output")
    }

    /// Runs `conum admin …`, whatever its outcome.
    pub async fn admin_command(&self, args: &[&str]) -> std::process::Output {
        Command::new(env!("CARGO_BIN_EXE_conum"))
            .arg("admin")
            .args(args)
            .env("DATABASE_URL", &self.database_url)
            .env_remove("PUBLIC_URL")
            .envs(self.extra_env.iter().map(|(k, v)| (k, v)))
            .output()
            .await
            .expect("run conum admin")
    }

    /// Row counts of every table a record lives in, to prove that nothing was written.
    pub async fn record_rows(&self) -> [i64; 4] {
        let mut counts = [0; 4];
        for (i, table) in [
            "accompagnements",
            "accompagnement_thematiques",
            "accompagnement_publics",
            "accompagnement_redirections",
        ]
        .iter()
        .enumerate()
        {
            counts[i] = self.count(&format!("SELECT COUNT(*) FROM {table}")).await;
        }
        counts
    }

    /// Runs a statement on the test's database (to age a token or a session).
    pub async fn execute(&self, sql: &str) {
        sqlx::any::install_default_drivers();
        let pool = AnyPoolOptions::new()
            .max_connections(1)
            .connect(&self.database_url)
            .await
            .expect("connect to the test database");
        sqlx::query(sql).execute(&pool).await.expect(sql);
        pool.close().await;
    }

    pub async fn count(&self, sql: &str) -> i64 {
        sqlx::any::install_default_drivers();
        let pool = AnyPoolOptions::new()
            .max_connections(1)
            .connect(&self.database_url)
            .await
            .expect("connect to the test database");
        let n = sqlx::query_scalar(sql)
            .fetch_one(&pool)
            .await
            .expect("count query");
        pool.close().await;
        n
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(mut child) = self.server.take() {
            let _ = child.start_kill();
        }
        if let Some(dir) = &self.sqlite_dir {
            let _ = std::fs::remove_dir_all(dir);
        }
        let _ = std::fs::remove_dir_all(&self.mail_dir);
    }
}

/// The `.eml` files of a folder, with their text decoded from quoted-printable.
fn mails_in(dir: &std::path::Path) -> Vec<(PathBuf, String)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .filter_map(|p| {
            let text = std::fs::read_to_string(&p).ok()?;
            Some((p, quoted_printable(&text)))
        })
        .collect()
}

/// Quoted-printable decoded: lines cut by "=\r\n" joined, "=C3=A9" back to "é".
fn quoted_printable(text: &str) -> String {
    let joined = text.replace("=\r\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'=', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// One browser or phone talking to the server, with its cookies.
#[derive(Clone)]
pub struct Device {
    pub http: reqwest::Client,
    cookies: std::sync::Arc<reqwest::cookie::Jar>,
    pub address: String,
}

impl Device {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// The same device (same cookies) talking to a restarted server.
    pub fn at(&self, address: &str) -> Device {
        Device {
            address: address.to_owned(),
            ..self.clone()
        }
    }

    /// The `Cookie` header this device sends (for requests written by hand).
    pub fn cookie_header(&self) -> String {
        use reqwest::cookie::CookieStore;
        let url = self.address.parse().expect("server address is a URL");
        self.cookies
            .cookies(&url)
            .map(|v| v.to_str().expect("ASCII cookie").to_owned())
            .unwrap_or_default()
    }

    /// A request to `path` on this device's server, with its cookies.
    pub fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.http.request(method, self.url(path))
    }

    /// The logged-in conseiller's id.
    pub async fn conseiller_id(&self) -> String {
        let profil: Value = self.profil().await.json().await.expect("json profile");
        profil["id"]
            .as_str()
            .expect("the profile has an id")
            .to_owned()
    }

    /// Creates a record as the phone's outbox does: for a named account.
    pub async fn create_for(&self, owner: &str, record: &Value) -> Response {
        self.http
            .post(self.url("/api/accompagnements"))
            .header("x-conum-owner", owner)
            .json(record)
            .send()
            .await
            .expect("request")
    }

    /// Follows a mailed confirmation link (`/adresse/confirmer?jeton=…`).
    pub async fn confirm(&self, token: &str) -> Response {
        self.http
            .post(self.url("/api/adresse/confirmation"))
            .json(&json!({ "jeton": token }))
            .send()
            .await
            .expect("request")
    }

    pub async fn sign_up(&self, body: &Value) -> Response {
        self.http
            .post(self.url("/api/compte"))
            .json(body)
            .send()
            .await
            .expect("request")
    }

    pub async fn log_in(&self, email: &str, password: &str) -> Response {
        self.http
            .post(self.url("/api/session"))
            .json(&json!({ "email": email, "password": password }))
            .send()
            .await
            .expect("request")
    }

    pub async fn log_out(&self) -> Response {
        self.http
            .delete(self.url("/api/session"))
            .send()
            .await
            .expect("request")
    }

    pub async fn profil(&self) -> Response {
        self.http
            .get(self.url("/api/moi"))
            .send()
            .await
            .expect("request")
    }

    pub async fn update_profil(&self, body: &Value) -> Response {
        self.http
            .put(self.url("/api/moi"))
            .json(body)
            .send()
            .await
            .expect("request")
    }

    pub async fn change_password(&self, actuel: &str, nouveau: &str) -> Response {
        self.http
            .put(self.url("/api/moi/mot-de-passe"))
            .json(&json!({ "actuel": actuel, "nouveau": nouveau }))
            .send()
            .await
            .expect("request")
    }

    pub async fn last(&self) -> Response {
        self.http
            .get(self.url("/api/accompagnements/dernier"))
            .send()
            .await
            .expect("request")
    }

    pub async fn create(&self, record: &Value) -> Response {
        self.http
            .post(self.url("/api/accompagnements"))
            .json(record)
            .send()
            .await
            .expect("request")
    }

    pub async fn list(&self, query: &str) -> Response {
        self.http
            .get(self.url(&format!("/api/accompagnements{query}")))
            .send()
            .await
            .expect("request")
    }

    pub async fn get(&self, id: &str) -> Response {
        self.http
            .get(self.url(&format!("/api/accompagnements/{id}")))
            .send()
            .await
            .expect("request")
    }

    pub async fn update(&self, id: &str, record: &Value) -> Response {
        self.http
            .put(self.url(&format!("/api/accompagnements/{id}")))
            .json(record)
            .send()
            .await
            .expect("request")
    }

    pub async fn delete(&self, id: &str) -> Response {
        self.http
            .delete(self.url(&format!("/api/accompagnements/{id}")))
            .send()
            .await
            .expect("request")
    }

    /// The ids of the listed records, in the order the server gives them.
    pub async fn listed_ids(&self, query: &str) -> Vec<String> {
        let response = self.list(query).await;
        assert_eq!(response.status(), StatusCode::OK);
        let page: Value = response.json().await.expect("json");
        page["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|r| r["id"].as_str().expect("id").to_owned())
            .collect()
    }
}

pub const PASSWORD: &str = "une phrase de passe solide";

/// The header the test servers take the client's address from (`TRUSTED_PROXY_HEADER`).
pub const CLIENT_ADDRESS_HEADER: &str = "x-test-client";

/// A new client address for each conseiller the tests sign up.
/// Stops the app and fills its database with `conum demo` and these options; the
/// demonstration account's email and password (the app is to be started again).
pub async fn demo_login(app: &mut TestApp, options: &[&str]) -> (String, String) {
    app.stop().await;
    let filled = Command::new(env!("CARGO_BIN_EXE_conum"))
        .arg("demo")
        .args(options)
        .env("DATABASE_URL", &app.database_url)
        .env("RUST_LOG", "warn")
        .output()
        .await
        .expect("run conum demo");
    assert!(
        filled.status.success(),
        "{}",
        String::from_utf8_lossy(&filled.stderr)
    );
    let printed = String::from_utf8(filled.stdout).expect("UTF-8 output");
    let login = printed
        .lines()
        .find_map(|l| l.strip_prefix("Compte de démonstration : "))
        .expect("the login printed at the end");
    let (email, password) = login
        .split_once(" — mot de passe : ")
        .expect("an email and a password");
    (email.to_owned(), password.to_owned())
}

pub fn next_client_address() -> String {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(1);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    std::net::Ipv4Addr::from(0x0A00_0000 + n).to_string()
}

pub fn signup_body(email: &str) -> Value {
    json!({
        "email": email,
        "password": PASSWORD,
        "prenom": "Camille",
        "nom": "Martin",
        "structure": "Médiathèque Jean Macé",
        "commune": { "insee": "69123", "nom": "Lyon", "code_postal": "69001" },
        "departement": "69"
    })
}

pub fn new_id() -> String {
    Uuid::now_v7().to_string()
}

/// A valid individual accompaniment dated `date` (`domain::fixtures::individuel`).
pub fn record_on(date: &str) -> Value {
    serde_json::to_value(fixtures::individuel(date)).expect("a record as JSON")
}

/// A workshop using every optional field (`domain::fixtures::atelier`).
pub fn full_record() -> Value {
    serde_json::to_value(fixtures::atelier()).expect("a record as JSON")
}

/// The French message the server gave for `field`.
pub async fn field_message(response: Response, field: &str) -> String {
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.expect("json error body");
    assert_eq!(body["data"]["kind"], "invalid", "{body}");
    body["data"]["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .find(|e| e["field"] == field)
        .unwrap_or_else(|| panic!("no message for {field} in {body}"))["message"]
        .as_str()
        .expect("message")
        .to_owned()
}

/// A workbook (`.xlsx`) as a spreadsheet application reads it (calamine, a reader of its
/// own): each sheet's name and rows of typed cells.
pub fn workbook_sheets(bytes: &[u8]) -> Vec<(String, Vec<Vec<calamine::Data>>)> {
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).expect("a workbook");
    book.sheet_names()
        .into_iter()
        .map(|name| {
            let range = book.worksheet_range(&name).expect("a sheet");
            assert_eq!(range.start(), Some((0, 0)), "{name} starts in A1");
            let rows = range.rows().map(<[calamine::Data]>::to_vec).collect();
            (name, rows)
        })
        .collect()
}

/// The cell as Conum's CSV writes it, its type checked against its column's `header`: a
/// date or a timestamp is a date of the spreadsheet ("Créé le", "Modifié le": with the time),
/// a share ("Part") a percentage, a count a number; text is text, made inert as the CSV does.
pub fn cell_as_csv_text(cell: &calamine::Data, header: &str) -> String {
    use calamine::Data;
    match cell {
        Data::Empty => String::new(),
        Data::String(text) => {
            assert!(
                !matches!(header, "Date" | "Créé le" | "Modifié le" | "Part"),
                "{header}: {text:?} is text, not typed"
            );
            if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
                format!("'{text}")
            } else {
                text.clone()
            }
        }
        Data::DateTime(moment) => {
            let moment = moment.as_datetime().expect("a date");
            match header {
                "Créé le" | "Modifié le" => moment.format("%d/%m/%Y %H:%M").to_string(),
                "Date" => {
                    assert_eq!(
                        moment.time(),
                        chrono::NaiveTime::MIN,
                        "{header}: a day, no time"
                    );
                    moment.format("%d/%m/%Y").to_string()
                }
                _ => panic!("{header}: a date in a column of {header}"),
            }
        }
        Data::Float(number) if header == "Part" => {
            format!("{:.1}", number * 100.0).replace('.', ",")
        }
        Data::Float(number) => {
            assert_eq!(number.fract(), 0.0, "{header}: a count");
            format!("{number}")
        }
        Data::Int(number) => number.to_string(),
        other => panic!("{header}: unexpected cell {other:?}"),
    }
}

/// The rows frozen at the top of a workbook's `n`th sheet (from 1), as Excel stores them.
pub fn frozen_rows(bytes: &[u8], n: usize) -> u32 {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).expect("a zip");
    let mut xml = String::new();
    zip.by_name(&format!("xl/worksheets/sheet{n}.xml"))
        .expect("the sheet")
        .read_to_string(&mut xml)
        .unwrap();
    let pane = xml
        .split("<pane ")
        .nth(1)
        .unwrap_or_else(|| panic!("sheet {n}: no pane"));
    let pane = &pane[..pane.find("/>").unwrap()];
    assert!(pane.contains("state=\"frozen\""), "sheet {n}: {pane}");
    let split = pane.split("ySplit=\"").nth(1).expect("ySplit");
    split[..split.find('"').unwrap()].parse().unwrap()
}

/// A statistics workbook (a sheet per table: the heading line, the table's title, its
/// heading row, its rows) back as the statistics' CSV lays it out (the heading line, the key
/// figures' heading row and rows, then each section's title, heading row and rows).
pub fn stats_workbook_as_csv(bytes: &[u8]) -> Vec<Vec<String>> {
    let sheets = workbook_sheets(bytes);
    let text = |row: &[calamine::Data]| {
        row.iter()
            .map(|c| cell_as_csv_text(c, ""))
            .collect::<Vec<_>>()
    };
    // Every row as wide as the widest table, as the CSV writes them.
    let width = sheets
        .iter()
        .map(|(_, rows)| text(&rows[2]).len())
        .max()
        .unwrap_or(3);
    let mut table = vec![pad(text(&sheets[0].1[0]), width)];
    for (n, (name, rows)) in sheets.iter().enumerate() {
        assert_eq!(
            text(&rows[0])[0],
            table[0][0],
            "{name}: the heading line on every sheet"
        );
        if n > 0 {
            table.push(pad(text(&rows[1]), width));
        }
        let header = pad(text(&rows[2]), width);
        table.push(header.clone());
        for row in &rows[3..] {
            table.push(pad(
                row.iter()
                    .zip(&header)
                    .map(|(c, h)| cell_as_csv_text(c, h))
                    .collect(),
                width,
            ));
        }
        assert_eq!(
            frozen_rows(bytes, n + 1),
            3,
            "{name}: the heading row frozen"
        );
    }
    table
}

fn pad(mut row: Vec<String>, width: usize) -> Vec<String> {
    row.resize(width.max(row.len()), String::new());
    row
}

/// The rows of a `;`-separated CSV that starts with a UTF-8 BOM, as a spreadsheet reads them
/// (empty lines skipped).
pub fn csv_rows(body: &str) -> Vec<Vec<String>> {
    let without_bom = body.strip_prefix('\u{feff}').expect("starts with a BOM");
    csv::ReaderBuilder::new()
        .delimiter(b';')
        .has_headers(false)
        .flexible(true)
        .from_reader(without_bom.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}
