//! The HTTP side: router, middleware, logging, listening socket (`connections`), security
//! headers, what keeps the open internet out (`guard`), the public files and the service
//! worker's manifest (`assets`, `precache`), the outbox's contract (`contract`), `ApiError`
//! as a response (`errors`).

pub mod assets;
pub mod connections;
pub mod contract;
pub mod errors;
pub mod guard;
pub mod headers;
pub mod precache;

use axum::body::Body;
use axum::extract::Request;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use dioxus::server::{DioxusRouterExt, ServeConfig};
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::RequestBodyTimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::server::{
    accounts::attempts, accounts::passwords, accounts::sessions, stats::exports, stats::national,
    store::communes, AppState,
};
use crate::wire::ApiError;
use connections::{ConnectionLimits, BODY_TIMEOUT};

/// The largest body a request may have.
pub const BODY_MAX_BYTES: usize = 64 * 1024;

/// Logs go to stderr, one line per request; `RUST_LOG` tunes them.
pub fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| "info,sqlx=warn,dioxus=warn".into());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
}

/// A script the server writes (not a file of the bundle): checked again at every use, as it
/// changes with the deployment.
fn generated_script(body: String) -> impl axum::response::IntoResponse {
    (
        [
            (CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
}

/// The whole application: server functions, static assets, server-rendered pages.
pub fn router(state: AppState, ui: fn() -> dioxus::prelude::Element) -> Router {
    let public = std::env::var_os("DIOXUS_PUBLIC_PATH")
        .map(std::path::PathBuf::from)
        .or_else(|| Some(std::env::current_exe().ok()?.parent()?.join("public")))
        .filter(|p| p.is_dir());
    let manifest = precache::manifest_script(public.as_deref());
    let pages = Router::new()
        .route(
            "/precache-manifest.js",
            get(move || async move { generated_script(manifest) }),
        )
        .route(
            contract::URL,
            get(|| async { generated_script(contract::script()) }),
        )
        .route(
            "/api/exports/accompagnements.csv",
            get(exports::records_csv),
        )
        .route(
            "/api/exports/accompagnements.xlsx",
            get(exports::records_xlsx),
        )
        .route("/api/exports/statistiques.csv", get(exports::stats_csv))
        .route("/api/exports/statistiques.xlsx", get(exports::stats_xlsx))
        .route(
            "/api/structures/{id}/statistiques.csv",
            get(exports::team_csv),
        )
        .route(
            "/api/structures/{id}/statistiques.xlsx",
            get(exports::team_xlsx),
        )
        .route("/api/exports/nationales.csv", get(exports::national_csv))
        .route("/api/exports/nationales.xlsx", get(exports::national_xlsx))
        .route("/api/moi/donnees.json", get(exports::personal_data_json))
        .route("/api/moi/donnees.csv", get(exports::personal_data_csv))
        .route("/api/moi/donnees.xlsx", get(exports::personal_data_xlsx));
    let app = match &public {
        Some(public) => pages.merge(assets::routes(public)),
        None => {
            // A server built without the web bundle (the API tests): pages render without
            // scripts.
            tracing::warn!("no public/ folder next to the binary: serving the API and bare pages");
            pages
        }
    }
    .serve_api_application(ServeConfig::new(), ui);
    app.layer(middleware::from_fn_with_state(
        state.clone(),
        sessions::layer,
    ))
    // Every body, whatever its encoding, stops at 64 KiB (a record is about 1 KiB), and may
    // not pause longer than BODY_TIMEOUT between two pieces.
    .layer(RequestBodyLimitLayer::new(BODY_MAX_BYTES))
    .layer(RequestBodyTimeoutLayer::new(BODY_TIMEOUT))
    .layer(middleware::from_fn(readable_rejections))
    .layer(middleware::from_fn_with_state(state.clone(), guard::layer))
    .layer(middleware::from_fn_with_state(
        state.clone(),
        headers::layer,
    ))
    .layer(axum::Extension(state.clone()))
    // Pages and API answers, compressed as they are made (the files of public/ were
    // compressed at build time).
    .layer(CompressionLayer::new())
    .layer(middleware::from_fn_with_state(
        state,
        national::one_at_a_time,
    ))
    .layer(
        TraceLayer::new_for_http()
            // The path, never the query: it may carry a token (a reset link's `jeton`).
            .make_span_with(|request: &Request| {
                tracing::info_span!("request", method = %request.method(), path = %loggable(request.uri().path()))
            })
            .on_request(())
            .on_response(DefaultOnResponse::new().level(Level::INFO)),
    )
}

/// A path as the log may keep it: a read-only link's token (`/partage/{jeton}`, and its
/// API) is a key to figures, and a log is read by more people than the figures' owner.
fn loggable(path: &str) -> std::borrow::Cow<'_, str> {
    for shared in ["/partage/", "/api/partage/"] {
        if path.starts_with(shared) {
            return format!("{shared}…").into();
        }
    }
    path.into()
}

/// Opens the listening socket (`PORT=0`: any free port).
pub async fn bind(config: &crate::server::Config) -> anyhow::Result<tokio::net::TcpListener> {
    let address = format!("{}:{}", config.host, config.port);
    tokio::net::TcpListener::bind(&address)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {address}: {e}"))
}

pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    ui: fn() -> dioxus::prelude::Element,
) -> anyhow::Result<()> {
    let local = listener.local_addr()?;
    passwords::warm_up();
    communes::warm_up();
    crate::server::give_back_freed_memory();
    let limits = ConnectionLimits::new(
        state.config.max_connections,
        state.config.connections_per_client,
        state.config.trusted_proxy_header.is_some(),
    );
    // The tests read this line to learn the port when PORT=0.
    println!("Conum écoute sur http://{local}");
    tracing::info!(%local, connections = limits.total, "listening");
    let db = state.db.clone();
    attempts::sweep(db.clone());
    let stopping = async {
        termination_signal().await;
        tracing::info!("termination asked: finishing the requests under way");
    };
    connections::serve(
        listener,
        router(state, ui),
        limits,
        stopping,
        SHUTDOWN_GRACE,
    )
    .await;
    db.pool.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// How long requests under way may take to finish once the server is asked to stop.
const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(20);

/// SIGTERM (systemd, a container stop) or Ctrl-C.
async fn termination_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}

/// Unknown `/api/…` addresses get the API's JSON 404, not a page. Requests the framework could not even decode (not JSON, wrong type, a field that does not
/// exist, too large) come back in its own English wording; turn them into the API's French
/// 400 or 413.
async fn readable_rejections(request: Request, next: Next) -> Response {
    let is_api = request.uri().path().starts_with(crate::wire::API_PREFIX);
    let response = next.run(request).await;
    // No server function at this address (or not for this method): the app's HTML "Page
    // introuvable", or the pages' 405, would answer.
    let html = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if is_api && (html || response.status() == StatusCode::METHOD_NOT_ALLOWED) {
        return ApiError::UnknownRoute.into_response();
    }
    if is_api && response.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return ApiError::TooLarge {
            max_kib: (BODY_MAX_BYTES / 1024) as u64,
        }
        .into_response();
    }
    let rejected = matches!(
        response.status(),
        StatusCode::BAD_REQUEST
            | StatusCode::UNSUPPORTED_MEDIA_TYPE
            | StatusCode::UNPROCESSABLE_ENTITY
    );
    if !is_api || !rejected {
        return response;
    }
    let (parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, BODY_MAX_BYTES)
        .await
        .unwrap_or_default();
    let ours = serde_json::from_slice::<serde_json::Value>(&bytes)
        .is_ok_and(|v| v["data"]["kind"].is_string());
    if ours {
        return Response::from_parts(parts, Body::from(bytes));
    }
    let detail = String::from_utf8_lossy(&bytes);
    tracing::info!(%detail, "undecodable request");
    ApiError::Malformed {
        detail: match unknown_field(&detail) {
            Some(field) => format!("le champ « {field} » n'existe pas : retirez-le."),
            None => {
                "envoyez du JSON (Content-Type: application/json) dont chaque champ a le bon type."
                    .into()
            }
        },
    }
    .into_response()
}

/// The field serde names in "unknown field `x`, expected …".
fn unknown_field(detail: &str) -> Option<String> {
    let after = detail.split("unknown field `").nth(1)?;
    let field: String = after.split('`').next()?.chars().take(40).collect();
    Some(field)
}

#[cfg(test)]
mod tests {
    use super::loggable;

    #[test]
    fn a_read_only_links_token_never_reaches_the_log() {
        assert_eq!(loggable("/partage/0123abcd"), "/partage/…");
        assert_eq!(loggable("/api/partage/0123abcd"), "/api/partage/…");
        assert_eq!(loggable("/api/moi"), "/api/moi");
    }
}
