//! One pool for the whole process, SQLite or Postgres behind the same SQL.
//!
//! The queries are written once in the SQL both engines share (`$1` placeholders,
//! `ON CONFLICT … DO NOTHING`, TEXT dates), through sqlx's `Any` driver; only the
//! migrations differ, one folder per engine.

use std::str::FromStr;

use anyhow::Context;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::Migrator;
use sqlx::AnyPool;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("migrations/postgres");

/// A query on either engine, for helpers that bind a group of parameters.
pub type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone, Debug)]
pub struct Db {
    pub pool: AnyPool,
    pub backend: Backend,
}

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
            .connect_with(options)
            .await
            .with_context(|| format!("cannot open the database {}", redact(url)))?;
        let migrator = match backend {
            Backend::Sqlite => {
                // Readers never wait for the writer; persistent in the file.
                sqlx::query("PRAGMA journal_mode = WAL")
                    .execute(&pool)
                    .await?;
                &SQLITE_MIGRATIONS
            }
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator
            .run(&pool)
            .await
            .context("database migrations failed")?;
        tracing::info!(?backend, url = %redact(url), "database ready");
        Ok(Db { pool, backend })
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

/// Logs a database failure (in English, with the cause) and turns it into the generic 500.
pub fn internal(error: impl std::fmt::Display) -> crate::api::ApiError {
    tracing::error!(%error, "request failed");
    crate::api::ApiError::Server
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_do_not_reach_the_logs() {
        assert_eq!(
            redact("postgres://conum:s3cret@localhost/conum"),
            "postgres://conum:***@localhost/conum"
        );
        assert_eq!(redact("sqlite://data/conum.db"), "sqlite://data/conum.db");
    }
}
