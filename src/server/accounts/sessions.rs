//! Sessions kept in the database (several servers can share one Postgres), carried by an
//! HttpOnly cookie, valid 30 days after the last use.
//!
//! A middleware resolves the cookie once per `/api/` request into a [`SessionHandle`] that
//! server functions receive; it is also the one place that writes the cookie back. A session
//! read from the database is trusted for a few seconds ([`known_sessions`]).

use std::sync::{Arc, Mutex};

use axum::extract::{Request, State};
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use cookie::{Cookie, SameSite};
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::clock;
use crate::domain::ConseillerId;
use crate::server::accounts::known_sessions::Found;
use crate::server::AppState;
use crate::wire::{ApiError, OWNER_HEADER};

pub const COOKIE_NAME: &str = "conum_session";
/// Its name when it is `Secure` (https).
pub const SECURE_COOKIE_NAME: &str = "__Host-conum_session";
/// See [`phone_owner`].
pub const PHONE_OWNER_COOKIE: &str = "conum_telephone";
/// A phone must stay logged in for weeks between two uses.
pub const LIFETIME_SECONDS: i64 = 30 * 24 * 3600;
/// However much it is used, a session ends 90 days after the login: a stolen cookie does not
/// live for ever.
pub const ABSOLUTE_LIFETIME_SECONDS: i64 = 90 * 24 * 3600;
/// Sliding the expiry costs a write: do it at most once an hour per session.
const REFRESH_AFTER_SECONDS: i64 = 3600;

/// The caller's session, as server functions see it.
#[derive(Clone, Default)]
pub struct SessionHandle {
    conseiller_id: Option<ConseillerId>,
    token_hash: Option<String>,
    change: Arc<Mutex<Option<CookieChange>>>,
}

#[derive(Clone, Debug)]
enum CookieChange {
    Open(String),
    Close,
}

impl SessionHandle {
    /// The logged-in conseiller, or 401.
    pub fn conseiller_id(&self) -> Result<&ConseillerId, ApiError> {
        self.conseiller_id.as_ref().ok_or(ApiError::Unauthorized)
    }

    /// Starts a session for `conseiller_id` and sends its cookie with the response; the
    /// browser's previous session, if any, ends (a login replaces it, never adds to it).
    pub async fn open(&self, app: &AppState, conseiller_id: &ConseillerId) -> Result<(), ApiError> {
        let db = &app.db;
        if let Some(previous) = &self.token_hash {
            sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
                .bind(previous)
                .execute(&db.pool)
                .await?;
            app.sessions.forget(previous);
        }
        let token = random_token();
        let now = clock::now().timestamp();
        // Expired sessions of everyone are swept here, a cheap indexed delete.
        sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
            .bind(now)
            .execute(&db.pool)
            .await?;
        sqlx::query(
            "INSERT INTO sessions (token_hash, conseiller_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(token_hash(&token))
        .bind(conseiller_id)
        .bind(now)
        .bind(now + LIFETIME_SECONDS)
        .execute(&db.pool)
        .await?;
        self.set_change(CookieChange::Open(token));
        Ok(())
    }

    /// Ends the current session (this device only) and clears its cookie.
    pub async fn close(&self, app: &AppState) -> Result<(), ApiError> {
        if let Some(hash) = &self.token_hash {
            sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
                .bind(hash)
                .execute(&app.db.pool)
                .await?;
            app.sessions.forget(hash);
        }
        self.set_change(CookieChange::Close);
        Ok(())
    }

    /// Ends every other session of this conseiller (after a password change).
    pub async fn close_others(&self, app: &AppState) -> Result<(), ApiError> {
        let conseiller_id = self.conseiller_id()?;
        sqlx::query("DELETE FROM sessions WHERE conseiller_id = $1 AND token_hash <> $2")
            .bind(conseiller_id)
            .bind(self.token_hash.as_deref().unwrap_or_default())
            .execute(&app.db.pool)
            .await?;
        app.sessions
            .forget_conseiller(conseiller_id, self.token_hash.as_deref());
        Ok(())
    }

    fn set_change(&self, change: CookieChange) {
        *self.change.lock().expect("session lock") = Some(change);
    }

    fn take_change(&self) -> Option<CookieChange> {
        self.change.lock().expect("session lock").take()
    }
}

/// 256 random bits, as hex: a session cookie, a password-reset token.
pub fn random_token() -> String {
    let mut raw = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut raw);
    hex::encode(raw)
}

/// What is stored of a token: its SHA-256 (a leaked database gives no usable token).
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A valid session found from its cookie.
struct Resolved {
    conseiller_id: ConseillerId,
    token_hash: String,
    /// The expiry was just pushed forward: the cookie is sent again with the new one.
    refreshed: bool,
    /// Seconds left.
    remaining: i64,
}

/// The live session of the token's hash at `now` (unix seconds): known here since less than
/// [`super::known_sessions::TRUSTED_FOR`], else read from the database.
async fn find(app: &AppState, hash: &str, now: i64) -> Result<Option<Found>, ApiError> {
    let live = |found: &Found| {
        found.expires_at > now && found.created_at > now - ABSOLUTE_LIFETIME_SECONDS
    };
    if let Some(found) = app.sessions.get(hash) {
        return Ok(live(&found).then_some(found));
    }
    let row: Option<(ConseillerId, i64, i64)> = sqlx::query_as(
        "SELECT conseiller_id, expires_at, created_at FROM sessions WHERE token_hash = $1",
    )
    .bind(hash)
    .fetch_optional(&app.db.pool)
    .await?;
    let Some((conseiller_id, expires_at, created_at)) = row else {
        return Ok(None);
    };
    let found = Found {
        conseiller_id,
        expires_at,
        created_at,
    };
    app.sessions.put(hash, found.clone());
    Ok(live(&found).then_some(found))
}

/// Whose live session the request's cookie carries, for a page the server renders. The expiry
/// is not slid: a page cannot send the cookie back, and the page's next `/api/` call slides it.
pub async fn conseiller_of(
    app: &AppState,
    headers: &HeaderMap,
) -> Result<Option<ConseillerId>, ApiError> {
    let Some(token) = cookie_token(headers, secure_cookie(&app.config, headers)) else {
        return Ok(None);
    };
    let found = find(app, &token_hash(&token), clock::now().timestamp()).await?;
    Ok(found.map(|found| found.conseiller_id))
}

/// The session named by the request's cookie, if it is still valid.
async fn resolve(app: &AppState, token: &str) -> Result<Option<Resolved>, ApiError> {
    let hash = token_hash(token);
    let now = clock::now().timestamp();
    let Some(found) = find(app, &hash, now).await? else {
        return Ok(None);
    };
    let Found {
        conseiller_id,
        expires_at,
        created_at,
    } = found;
    let slid = (now + LIFETIME_SECONDS).min(created_at + ABSOLUTE_LIFETIME_SECONDS);
    let refreshed = slid - expires_at > REFRESH_AFTER_SECONDS;
    if refreshed {
        sqlx::query("UPDATE sessions SET expires_at = $1 WHERE token_hash = $2")
            .bind(slid)
            .bind(&hash)
            .execute(&app.db.pool)
            .await?;
        app.sessions.put(
            &hash,
            Found {
                conseiller_id: conseiller_id.clone(),
                expires_at: slid,
                created_at,
            },
        );
    }
    Ok(Some(Resolved {
        conseiller_id,
        token_hash: hash,
        refreshed,
        remaining: if refreshed { slid } else { expires_at } - now,
    }))
}

/// The account the phone says the request is for ([`OWNER_HEADER`]). Logging in, signing up
/// and logging out are about the cookie itself: they claim nothing.
fn owner_claim(request: &Request) -> Option<&str> {
    let path = request.uri().path();
    if path == "/api/session" || path == "/api/compte" {
        return None;
    }
    request.headers().get(OWNER_HEADER)?.to_str().ok()
}

/// The session cookie's name: over https, with the `__Host-` prefix (the browser then only
/// takes it from this very host, secure, for every path: no other site of the domain can set
/// one in its place).
fn cookie_name(secure: bool) -> &'static str {
    if secure {
        SECURE_COOKIE_NAME
    } else {
        COOKIE_NAME
    }
}

fn cookie_token(headers: &HeaderMap, secure: bool) -> Option<String> {
    cookie_value(headers, cookie_name(secure))
}

/// The account the phone says it holds (`PHONE_OWNER_COOKIE`, written by `public/store.js`
/// when a session begins on the phone, removed when it ends there). Not a credential: it only
/// keeps the server from painting records into a page for a session the phone has left — a
/// logout made offline leaves the session cookie alive until the server hears of it.
pub fn phone_owner(headers: &HeaderMap) -> Option<String> {
    cookie_value(headers, PHONE_OWNER_COOKIE)
}

fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_owned())
}

/// The cookie carrying `value` for `seconds` (none: the cookie is removed).
fn set_cookie(value: Option<(&str, i64)>, secure: bool) -> HeaderValue {
    let (token, seconds) = value.unwrap_or(("", 0));
    let mut cookie = Cookie::build((cookie_name(secure), token.to_owned()))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .max_age(cookie::time::Duration::seconds(seconds))
        .build();
    if value.is_none() {
        cookie.make_removal();
    }
    HeaderValue::from_str(&cookie.to_string()).expect("cookie is a valid header")
}

/// `Secure` unless configured otherwise (`COOKIE_SECURE`) or the request is for this machine
/// without an https `PUBLIC_URL` (http://localhost is how Conum is tried out; everywhere else
/// it is served over https).
fn secure_cookie(config: &crate::server::Config, headers: &HeaderMap) -> bool {
    config.secure_cookies.unwrap_or_else(|| {
        if config.https() {
            return true;
        }
        let host = headers
            .get(axum::http::header::HOST)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        let name = match host.rsplit_once(':') {
            Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
            _ => host,
        };
        !(name == "localhost"
            || name.ends_with(".localhost")
            || name == "[::1]"
            || name
                .parse::<std::net::Ipv4Addr>()
                .is_ok_and(|ip| ip.is_loopback()))
    })
}

/// Middleware on `/api/`: puts a [`SessionHandle`] in the request and writes the cookie back.
pub async fn layer(State(app): State<AppState>, mut request: Request, next: Next) -> Response {
    if !request.uri().path().starts_with(crate::wire::API_PREFIX) {
        return next.run(request).await;
    }
    let secure = secure_cookie(&app.config, request.headers());
    let token = cookie_token(request.headers(), secure);
    let resolved = match &token {
        Some(token) => match resolve(&app, token).await {
            Ok(resolved) => resolved,
            Err(error) => return error.into_response(),
        },
        None => None,
    };
    if let (Some(claimed), Some(session)) = (owner_claim(&request), &resolved) {
        if claimed != session.conseiller_id.as_str() {
            tracing::warn!(path = %request.uri().path(), "request made for another account");
            return ApiError::WrongAccount.into_response();
        }
    }
    let stale_cookie = token.is_some() && resolved.is_none();
    let (handle, refreshed) = match resolved {
        Some(session) => (
            SessionHandle {
                conseiller_id: Some(session.conseiller_id),
                token_hash: Some(session.token_hash),
                ..SessionHandle::default()
            },
            session
                .refreshed
                .then_some(token.map(|t| (t, session.remaining)))
                .flatten(),
        ),
        None => (SessionHandle::default(), None),
    };
    request.extensions_mut().insert(handle.clone());
    let mut response = next.run(request).await.into_response();
    let header = match handle.take_change() {
        Some(CookieChange::Open(token)) => {
            Some(set_cookie(Some((&token, LIFETIME_SECONDS)), secure))
        }
        Some(CookieChange::Close) => Some(set_cookie(None, secure)),
        None => match refreshed {
            Some((token, remaining)) => Some(set_cookie(Some((&token, remaining)), secure)),
            None if stale_cookie => Some(set_cookie(None, secure)),
            None => None,
        },
    };
    if let Some(header) = header {
        response.headers_mut().append(SET_COOKIE, header);
    }
    response
}
