//! Everything behind the API: configuration, database, accounts, sessions, records.
//! Compiled only with the `server` feature.

pub mod accounts;
pub mod clock;
pub mod communes;
pub mod config;
pub mod db;
pub mod exports;
pub mod http;
pub mod passwords;
pub mod precache;
pub mod records;
pub mod sessions;
pub mod stats;

use std::sync::Arc;

pub use config::Config;
pub use db::Db;
pub use sessions::SessionHandle;

/// What every server function needs: the pool and the configuration.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
}

/// Extractor giving a server function the application state.
pub type AppCtx = axum::Extension<AppState>;
/// Extractor giving a server function the caller's session (possibly none).
pub type SessionCtx = axum::Extension<SessionHandle>;

/// Starts Conum: reads the environment, opens and migrates the database, serves HTTP.
pub fn run() -> anyhow::Result<()> {
    let config = Config::from_env()?;
    http::init_logging();
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(async move {
            let db = Db::connect(&config.database_url).await?;
            let state = AppState {
                db,
                config: Arc::new(config),
            };
            http::serve(state).await
        })
}
