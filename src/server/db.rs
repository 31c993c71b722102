//! One pool for the whole process, SQLite or Postgres behind the same SQL.
//!
//! The queries are written once in the SQL both engines share (`$1` placeholders,
//! `ON CONFLICT … DO NOTHING`, TEXT dates), through sqlx's `Any` driver; only the
//! migrations differ, one folder per engine.

use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, Encode, Executor};

use crate::api::ApiError;
use crate::domain::ConseillerId;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("migrations/postgres");

/// A query on either engine, for helpers that bind a group of parameters.
pub type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone, Debug)]
pub struct Db {
    pub pool: AnyPool,
}

/// A request waits at most this long for a connection: when the database is gone (Postgres
/// restarting, a network cut), it gets a 503 instead of hanging.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(3);

impl Db {
    /// Opens the database named by `url`, creating the SQLite file and its folder if needed,
    /// and applies the pending migrations.
    pub async fn connect(url: &str) -> anyhow::Result<Db> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            anyhow::bail!("DATABASE_URL must start with sqlite: or postgres://");
        };
        if backend == Backend::Sqlite {
            create_sqlite_folder(url)?;
        }
        let options = AnyConnectOptions::from_str(url)
            .with_context(|| format!("invalid DATABASE_URL {}", redact(url)))?;
        let pool = AnyPoolOptions::new()
            .max_connections(match backend {
                Backend::Sqlite => 8,
                Backend::Postgres => 16,
            })
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .after_connect(move |connection, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        connection.execute(SQLITE_SETTINGS).await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await
            .with_context(|| format!("cannot open the database {}", redact(url)))?;
        let migrator = match backend {
            Backend::Sqlite => {
                // Readers never wait for the writer; persistent in the file.
                if let Err(error) = sqlx::query("PRAGMA journal_mode = WAL")
                    .execute(&pool)
                    .await
                {
                    tracing::warn!(%error, "cannot switch SQLite to WAL (read-only database?)");
                }
                &SQLITE_MIGRATIONS
            }
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        if let Err(error) = migrator.run(&pool).await {
            // A database that went read-only or full must not turn into a crash loop: if its
            // schema is already the latest, serve it (reads work, writes answer 503).
            if !schema_is_current(&pool, migrator).await {
                return Err(error).context("database migrations failed");
            }
            tracing::error!(%error, "migrations could not run, but the schema is current: serving");
        }
        tracing::info!(?backend, url = %redact(url), "database ready");
        Ok(Db { pool })
    }
}

/// Set on every SQLite connection, explicitly rather than by the driver's defaults:
/// - `synchronous = FULL`: a commit is on disk before the phone hears "stored" and drops its
///   copy, so a power cut never loses an acknowledged record (WAL + FULL, still fast);
/// - `busy_timeout = 5000`: a writer waits up to 5 s for another one instead of failing at
///   once with "database is locked" (8 pooled connections share one write lock);
/// - `foreign_keys = ON`: SQLite enforces the schema's references (off by default).
const SQLITE_SETTINGS: &str =
    "PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;";

/// Whether every migration this binary knows has been applied to the database.
async fn schema_is_current(pool: &AnyPool, migrator: &Migrator) -> bool {
    let applied: Result<Vec<i64>, _> =
        sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success")
            .fetch_all(pool)
            .await;
    match applied {
        Ok(applied) => migrator
            .iter()
            .all(|migration| applied.contains(&migration.version)),
        Err(_) => false,
    }
}

fn create_sqlite_folder(url: &str) -> anyhow::Result<()> {
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:");
    let path = path.split('?').next().unwrap_or_default();
    if path.is_empty() || path.starts_with(":memory:") {
        return Ok(());
    }
    if let Some(folder) = std::path::Path::new(path).parent() {
        if !folder.as_os_str().is_empty() {
            std::fs::create_dir_all(folder)
                .with_context(|| format!("cannot create the folder {}", folder.display()))?;
        }
    }
    Ok(())
}

/// The URL without its password, for logs.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// A conseiller's id binds as the TEXT it is stored as.
impl sqlx::Type<sqlx::Any> for ConseillerId {
    fn type_info() -> sqlx::any::AnyTypeInfo {
        <str as sqlx::Type<sqlx::Any>>::type_info()
    }
}

impl<'q> sqlx::Encode<'q, sqlx::Any> for ConseillerId {
    fn encode_by_ref(
        &self,
        buf: &mut <sqlx::Any as sqlx::Database>::ArgumentBuffer<'q>,
    ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
        <String as Encode<'q, sqlx::Any>>::encode_by_ref(&self.as_str().to_owned(), buf)
    }
}

impl<'r> sqlx::Decode<'r, sqlx::Any> for ConseillerId {
    fn decode(value: sqlx::any::AnyValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
        Ok(ConseillerId::new(<String as sqlx::Decode<
            'r,
            sqlx::Any,
        >>::decode(value)?))
    }
}

/// Logs a failure (in English, with the cause) and turns it into the generic 500.
pub fn internal(error: impl std::fmt::Display) -> ApiError {
    tracing::error!(%error, "request failed");
    ApiError::Server
}

/// A database failure, as the client sees it: a 503 when the database cannot take requests
/// for now (the phone keeps the change and sends it later), else a 500.
impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> Self {
        if is_unavailable(&error) {
            tracing::warn!(%error, "database unavailable");
            ApiError::Unavailable
        } else {
            internal(error)
        }
    }
}

/// Read-only, full, locked for too long, restarting or out of reach: a passing state of the
/// database, not a fault of the request.
fn is_unavailable(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(e) => {
            let code = e.code().unwrap_or_default();
            if e.try_downcast_ref::<sqlx::postgres::PgDatabaseError>()
                .is_some()
            {
                unavailable_sqlstate(&code)
            } else {
                code.parse().is_ok_and(unavailable_sqlite_code)
            }
        }
        _ => false,
    }
}

/// SQLite's (extended) result codes: BUSY 5, LOCKED 6, READONLY 8, IOERR 10, FULL 13,
/// CANTOPEN 14 (the low byte is the primary code).
fn unavailable_sqlite_code(code: i32) -> bool {
    matches!(code & 0xff, 5 | 6 | 8 | 10 | 13 | 14)
}

/// Postgres's SQLSTATE: 08 connection, 53 insufficient resources (disk full…), 57P0x shutting
/// down or starting, 25006 read-only transaction, 40001/40P01 serialization failure, deadlock.
fn unavailable_sqlstate(code: &str) -> bool {
    code.starts_with("08")
        || code.starts_with("53")
        || code.starts_with("57P0")
        || matches!(code, "25006" | "40001" | "40P01")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temporary_sqlite_url() -> String {
        let dir = std::env::temp_dir().join(format!("conum-db-{}", uuid::Uuid::now_v7()));
        format!("sqlite://{}/conum.db?mode=rwc", dir.display())
    }

    #[tokio::test]
    async fn every_sqlite_connection_is_durable_patient_and_checks_references() {
        let db = Db::connect(&temporary_sqlite_url()).await.unwrap();
        for _ in 0..3 {
            let mut connection = db.pool.acquire().await.unwrap();
            let setting = |pragma: &'static str| sqlx::query_scalar::<_, i64>(pragma);
            assert_eq!(
                setting("PRAGMA synchronous")
                    .fetch_one(&mut *connection)
                    .await
                    .unwrap(),
                2
            );
            assert_eq!(
                setting("PRAGMA busy_timeout")
                    .fetch_one(&mut *connection)
                    .await
                    .unwrap(),
                5000
            );
            assert_eq!(
                setting("PRAGMA foreign_keys")
                    .fetch_one(&mut *connection)
                    .await
                    .unwrap(),
                1
            );
        }
    }

    #[tokio::test]
    async fn a_full_database_is_unavailable_not_a_server_fault() {
        let db = Db::connect(&temporary_sqlite_url()).await.unwrap();
        let mut connection = db.pool.acquire().await.unwrap();
        connection
            .execute("CREATE TABLE filler (data BLOB)")
            .await
            .unwrap();
        let pages: i64 = sqlx::query_scalar("PRAGMA page_count")
            .fetch_one(&mut *connection)
            .await
            .unwrap();
        connection
            .execute(format!("PRAGMA max_page_count = {}", pages + 2).as_str())
            .await
            .unwrap();

        let full = sqlx::query("INSERT INTO filler VALUES (zeroblob(1000000))")
            .execute(&mut *connection)
            .await
            .unwrap_err();

        assert_eq!(ApiError::from(full), ApiError::Unavailable);
    }

    #[test]
    fn passing_database_states_are_told_from_faults() {
        for code in [5, 517, 8, 1032, 13, 10, 3850, 14] {
            assert!(unavailable_sqlite_code(code), "SQLite {code}");
        }
        for code in [19, 2067, 1, 787, 11] {
            assert!(!unavailable_sqlite_code(code), "SQLite {code}");
        }
        for code in [
            "25006", "53100", "57P01", "57P03", "08006", "40001", "40P01",
        ] {
            assert!(unavailable_sqlstate(code), "SQLSTATE {code}");
        }
        for code in ["23505", "42P01", "22P02", "23503"] {
            assert!(!unavailable_sqlstate(code), "SQLSTATE {code}");
        }
    }

    #[test]
    fn passwords_do_not_reach_the_logs() {
        assert_eq!(
            redact("postgres://conum:s3cret@localhost/conum"),
            "postgres://conum:***@localhost/conum"
        );
        assert_eq!(redact("sqlite://data/conum.db"), "sqlite://data/conum.db");
    }
}
