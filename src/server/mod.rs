//! Everything behind the API, by concern: `http` (the socket, router, middleware, files),
//! `store` (the database and the records), `accounts` (who may do what: accounts, sessions,
//! passwords, limits, mails), `stats` (counters, personal and national figures, exports),
//! `structures` (structures d'accueil, their coordinators' figures, read-only links),
//! `config`, and the `demo` and `admin` commands.
//! Compiled only with the `server` feature.

pub mod accounts;
pub mod admin;
pub mod config;
pub mod demo;
pub mod http;
pub mod stats;
pub mod store;
pub mod structures;

use std::sync::Arc;

pub use accounts::sessions::SessionHandle;
pub use config::Config;
pub use store::db::Db;

/// Gives the memory freed so far back to the system now. The server's allocator (mimalloc,
/// main.rs) keeps freed memory for a second, for the next allocations; after a large
/// short-lived block (a password hash's 19 MiB, the start-up's work) keeping it only raises
/// the server's footprint. A fraction of a millisecond.
pub fn give_back_freed_memory() {
    // SAFETY: `mi_collect` takes no pointer and may be called from any thread at any time.
    unsafe { libmimalloc_sys::mi_collect(true) }
}

/// What every server function needs: the pool, the configuration, the mailer, the national
/// figures read so far, the exports under way.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    pub mailer: Arc<accounts::mail::Mailer>,
    /// Where people reach this server (`PUBLIC_URL`, else `http://localhost:<port>`): the
    /// links of the mails. Never the request's `Host`, which anyone can set.
    pub origin: Arc<str>,
    pub national: Arc<stats::national::National>,
    /// Where new records are written, in groups (`store::records_writer`).
    pub records: store::records_writer::RecordsWriter,
    /// The sessions read from the database in the last seconds (`accounts::known_sessions`).
    pub sessions: Arc<accounts::known_sessions::KnownSessions>,
}

impl AppState {
    /// Opens and migrates the database; settles every account under this configuration's
    /// sign-up mode and the counters (`server::accounts::standing`, `server::stats::counters`).
    pub async fn open(config: Config, origin: String) -> anyhow::Result<AppState> {
        let db = Db::connect(&config.database_url).await?;
        // Not fatal: a read-only database still serves what it holds.
        if let Err(error) = accounts::standing::settle_all(&db, &config.admission).await {
            tracing::error!(%error, "the accounts could not be settled under this sign-up mode");
        }
        if let Err(error) = structures::attach_unattached(&db).await {
            tracing::error!(%error, "the accounts could not be attached to their structure");
        }
        if let Err(error) = stats::rebuild::rebuild_if_out_of_step(&db).await {
            tracing::error!(%error, "the statistics counters could not be rebuilt");
        }
        Ok(AppState {
            records: store::records_writer::RecordsWriter::start(
                db.clone(),
                config.records_per_day,
            ),
            db,
            mailer: Arc::new(accounts::mail::Mailer::from_config(&config)?),
            origin: origin.into(),
            national: Arc::new(stats::national::National::new(config.national_cache)),
            sessions: Arc::default(),
            config: Arc::new(config),
        })
    }
}

/// Extractor giving a server function the application state.
pub type AppCtx = axum::Extension<AppState>;
/// Extractor giving a server function the caller's session (possibly none).
pub type SessionCtx = axum::Extension<SessionHandle>;
/// Extractor giving a server function the caller's address (password and mail limits).
pub type ClientCtx = axum::Extension<http::guard::ClientIp>;

/// Starts Conum: reads the environment, opens and migrates the database, serves HTTP, and
/// `app` (the user interface, rendered on the server and hydrated in the browser).
pub fn run(app: fn() -> dioxus::prelude::Element) -> anyhow::Result<()> {
    let config = Config::from_env()?;
    http::init_logging();
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(async move {
            let listener = http::bind(&config).await?;
            let origin = config.origin(listener.local_addr()?.port());
            let state = AppState::open(config, origin).await?;
            tracing::info!(mode = ?state.config.admission.mode, "sign-up mode");
            match accounts::invitations::first_account_link(&state).await {
                Ok(Some(link)) => eprintln!(
                    "\nAucun compte encore : créez le premier (lien à usage unique, valable 30 jours) :\n  {link}\n\
                     Ensuite, invitez les conseillers : conum admin inviter EMAIL (ou --csv FICHIER).\n"
                ),
                Ok(None) => {}
                Err(error) => tracing::error!(%error, "no link for the first account"),
            }
            http::serve(listener, state, app).await
        })
}
