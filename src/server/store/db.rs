//! One pool for the whole process, SQLite or Postgres behind the same SQL.
//!
//! The queries are written once in the SQL both engines share (`$1` placeholders,
//! `ON CONFLICT … DO NOTHING`, TEXT dates), through sqlx's `Any` driver; only the
//! migrations differ, one folder per engine.

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::Migrator;
use sqlx::{Any, AnyConnection, AnyPool, Encode, Executor, Transaction};

use crate::domain::ConseillerId;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("migrations/postgres");

/// A query on either engine, for helpers that bind a group of parameters.
pub type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

/// `count` numbered parameters from `$first` on, comma-separated: an `IN (…)` list.
pub fn parameters(first: usize, count: usize) -> String {
    let numbered: Vec<String> = (first..first + count).map(|n| format!("${n}")).collect();
    numbered.join(", ")
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone)]
pub struct Db {
    pub pool: AnyPool,
    /// SQLite has one writer at a time: its write transactions take turns on this one
    /// connection (a pool of one), rather than in SQLite's busy handler, which sleeps up to
    /// 100 ms between tries (the p99 of saves under load). One connection also keeps its
    /// page cache: SQLite drops a connection's cache whenever another connection has written,
    /// so a writer drawn from the pool read back from the file every page it touched.
    /// Postgres locks rows, not the database: its writers use the pool.
    sqlite_writer: Option<AnyPool>,
    backend: Backend,
    /// To open a pool of its own for a task on another runtime ([`Db::for_another_runtime`]).
    /// Shared: a `Db` is cloned with the server's state, for every request.
    options: Arc<AnyConnectOptions>,
}

// By hand: the connect options hold the database's password.
impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db")
            .field("pool", &self.pool)
            .field("sqlite_writer", &self.sqlite_writer)
            .field("backend", &self.backend)
            .finish_non_exhaustive()
    }
}

/// A write transaction (see [`Db::write`]); used as the connection it runs on.
pub struct WriteTx {
    // Dropped, an abandoned transaction rolls back before its connection serves the next.
    tx: Transaction<'static, Any>,
}

impl WriteTx {
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }

    pub async fn rollback(self) -> Result<(), sqlx::Error> {
        self.tx.rollback().await
    }
}

impl std::ops::Deref for WriteTx {
    type Target = AnyConnection;
    fn deref(&self) -> &AnyConnection {
        &self.tx
    }
}

impl std::ops::DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        &mut self.tx
    }
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
            // A file does not hang up: no ping before each use (a round trip to the
            // connection's thread). A Postgres connection can be cut: pinged.
            .test_before_acquire(backend == Backend::Postgres)
            .after_connect(move |connection, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        connection.execute(SQLITE_SETTINGS).await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options.clone())
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
        let sqlite_writer = match backend {
            Backend::Sqlite => Some(
                AnyPoolOptions::new()
                    .max_connections(1)
                    .min_connections(1)
                    .idle_timeout(None)
                    .max_lifetime(None)
                    .acquire_timeout(ACQUIRE_TIMEOUT)
                    .test_before_acquire(false)
                    .after_connect(|connection, _| {
                        Box::pin(async move {
                            connection.execute(SQLITE_SETTINGS).await?;
                            connection.execute(SQLITE_WRITER_SETTINGS).await?;
                            Ok(())
                        })
                    })
                    .connect_with(options.clone())
                    .await
                    .with_context(|| format!("cannot open the database {}", redact(url)))?,
            ),
            Backend::Postgres => None,
        };
        tracing::info!(?backend, url = %redact(url), "database ready");
        Ok(Db {
            pool,
            sqlite_writer,
            backend,
            options: Arc::new(options),
        })
    }

    /// The same database for a task that runs on another Tokio runtime (the records writer's
    /// thread); call it on that runtime. A Postgres connection belongs to the runtime that
    /// opened it (its socket is driven there): that task gets a pool of its own, of
    /// `connections`, opened on its runtime when first needed. SQLite's connections are
    /// threads of their own: shared as they are.
    pub fn for_another_runtime(&self, connections: u32) -> Db {
        if self.backend == Backend::Sqlite {
            return self.clone();
        }
        Db {
            pool: AnyPoolOptions::new()
                .max_connections(connections)
                .acquire_timeout(ACQUIRE_TIMEOUT)
                .connect_lazy_with(AnyConnectOptions::clone(&self.options)),
            sqlite_writer: None,
            backend: self.backend,
            options: self.options.clone(),
        }
    }

    /// A transaction that reads one state of the database in all its statements: a record
    /// and its details, read in two statements, always agree (a delete committed between
    /// them showed a record without its ages, statuts and thématiques, and failed the read).
    /// SQLite gives a transaction one snapshot; Postgres does with REPEATABLE READ.
    pub async fn snapshot(&self) -> Result<Transaction<'static, Any>, sqlx::Error> {
        let mut tx = self.pool.begin().await?;
        if self.backend == Backend::Postgres {
            sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                .execute(&mut *tx)
                .await?;
        }
        Ok(tx)
    }

    /// Begins a transaction that writes, once it is this request's turn to write (SQLite),
    /// within [`ACQUIRE_TIMEOUT`] like any connection.
    pub async fn write(&self) -> Result<WriteTx, sqlx::Error> {
        let tx = match &self.sqlite_writer {
            Some(writer) => writer.begin().await?,
            None => self.pool.begin().await?,
        };
        Ok(WriteTx { tx })
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
/// The writer's:
/// - `cache_size = -8000`: a page cache of 8 MB (SQLite's default is 2), so that the pages a
///   batch of new records touches (the tables' last pages, each index's, the counters') stay
///   in memory between batches;
/// - `temp_store = MEMORY`: the statement journal of a multi-row statement (what undoes it
///   alone if it fails inside the transaction) in memory. In a file, each batch created,
///   wrote and deleted one: 15 KB per record, a third of the writer's bytes to the disk.
const SQLITE_WRITER_SETTINGS: &str = "PRAGMA cache_size = -8000; PRAGMA temp_store = MEMORY;";

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

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::wire::ApiError;

    pub fn temporary_sqlite_url() -> String {
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
    fn passwords_do_not_reach_the_logs() {
        assert_eq!(
            redact("postgres://conum:s3cret@localhost/conum"),
            "postgres://conum:***@localhost/conum"
        );
        assert_eq!(redact("sqlite://data/conum.db"), "sqlite://data/conum.db");
    }
}
