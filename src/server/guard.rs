//! What keeps the open internet out: who is asking (the client's address), how often they
//! may try a password, and where state-changing requests may come from.

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};

use super::AppState;
use crate::api::wire::ApiError;

/// The address a request comes from: the peer's, or behind a reverse proxy the one it puts
/// in the configured header (never a header the client could set on its own).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

/// How many password attempts an account, and an address, get; how many accounts and reset
/// mails an address may ask for.
pub struct LoginLimits {
    accounts: DefaultKeyedRateLimiter<String>,
    addresses: DefaultKeyedRateLimiter<IpAddr>,
    costly: DefaultKeyedRateLimiter<IpAddr>,
    mails: DefaultKeyedRateLimiter<String>,
}

/// 5 login attempts per account and 20 per address in 15 minutes (a GCRA: one more every
/// 3 minutes, or 45 seconds, once the burst is spent). A success counts too: under attack
/// there are none, and no conseiller logs in five times in a quarter of an hour.
const WINDOW: Duration = Duration::from_secs(15 * 60);
const PER_ACCOUNT: u32 = 5;
const PER_ADDRESS: u32 = 20;
/// Sign-ups and reset mails: 30 per address in 15 minutes (a France Services counter signs
/// up several conseillers from one address).
const COSTLY_PER_ADDRESS: u32 = 30;
/// Sign-up and confirmation links mailed to one address: 5 in 15 minutes (nobody can fill a
/// mailbox with them), counted apart from its login attempts.
const MAILS_PER_ADDRESS: u32 = 5;

fn quota(per_window: u32) -> Quota {
    let burst = NonZeroU32::new(per_window).expect("a positive burst");
    Quota::with_period(WINDOW / per_window)
        .expect("a positive period")
        .allow_burst(burst)
}

impl Default for LoginLimits {
    fn default() -> Self {
        LoginLimits {
            accounts: DefaultKeyedRateLimiter::keyed(quota(PER_ACCOUNT)),
            addresses: DefaultKeyedRateLimiter::keyed(quota(PER_ADDRESS)),
            costly: DefaultKeyedRateLimiter::keyed(quota(COSTLY_PER_ADDRESS)),
            mails: DefaultKeyedRateLimiter::keyed(quota(MAILS_PER_ADDRESS)),
        }
    }
}

impl LoginLimits {
    /// Counts a password attempt for `email` (normalised, whether it has an account or not)
    /// from `ip`; refuses it with a 429 once either has had its share.
    pub fn attempt(&self, email: &str, ip: ClientIp) -> Result<(), ApiError> {
        check(&self.addresses, &ip.0)?;
        self.account(email)
    }

    /// Counts a request about the account `email` (a reset mail: no mail bombing).
    pub fn account(&self, email: &str) -> Result<(), ApiError> {
        check(&self.accounts, &email.to_owned())
    }

    /// Counts a costly anonymous request from `ip` (a sign-up, a reset mail).
    pub fn costly(&self, ip: ClientIp) -> Result<(), ApiError> {
        check(&self.costly, &ip.0)
    }

    /// Counts a sign-up or confirmation link mailed to `email`.
    pub fn mail_to(&self, email: &str) -> Result<(), ApiError> {
        check(&self.mails, &email.to_owned())
    }

    /// Forgets the keys whose limits are back to full (keeps memory bounded).
    pub fn forget_idle(&self) {
        self.accounts.retain_recent();
        self.addresses.retain_recent();
        self.costly.retain_recent();
        self.mails.retain_recent();
        self.accounts.shrink_to_fit();
        self.addresses.shrink_to_fit();
        self.costly.shrink_to_fit();
        self.mails.shrink_to_fit();
    }
}

fn check<K: std::hash::Hash + Eq + Clone>(
    limiter: &DefaultKeyedRateLimiter<K>,
    key: &K,
) -> Result<(), ApiError> {
    limiter
        .check_key(key)
        .map_err(|not_until| too_many(not_until.wait_time_from(DefaultClock::default().now())))
}

fn too_many(wait: Duration) -> ApiError {
    ApiError::TooManyAttempts {
        wait_minutes: wait.as_secs().div_ceil(60).max(1),
    }
}

/// Forgets idle limits every minute, for the server's lifetime.
pub fn sweep(limits: Arc<LoginLimits>) {
    tokio::spawn(async move {
        let mut every_minute = tokio::time::interval(Duration::from_secs(60));
        loop {
            every_minute.tick().await;
            limits.forget_idle();
        }
    });
}

/// Middleware: finds the client's address, and refuses state-changing requests sent by
/// another site (cross-site request forgery) with a 403.
pub async fn layer(State(app): State<AppState>, mut request: Request, next: Next) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(address)| address.ip());
    let forwarded = app
        .config
        .trusted_proxy_header
        .as_deref()
        .and_then(|name| request.headers().get(name))
        .and_then(|value| value.to_str().ok())
        // X-Forwarded-For lists every hop: the last one is what our proxy saw.
        .and_then(|value| value.rsplit(',').next())
        .and_then(|last| last.trim().parse::<IpAddr>().ok());
    let ip = forwarded.or(peer).unwrap_or(IpAddr::from([127, 0, 0, 1]));
    request.extensions_mut().insert(ClientIp(ip));
    if changes_state(request.method())
        && from_another_site(&request, app.config.public_url.as_deref())
    {
        tracing::warn!(path = %request.uri().path(), %ip, "cross-site request refused");
        return ApiError::CrossSite.into_response();
    }
    next.run(request).await
}

fn changes_state(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// What the browser says of the request's origin: `Sec-Fetch-Site` (anything but the same
/// origin or the user's own navigation) or an `Origin` that is not this server. A client that
/// sends neither (curl, a script) is no browser to be tricked.
fn from_another_site(request: &Request, public_url: Option<&str>) -> bool {
    let headers = request.headers();
    let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    if fetch_site.is_some_and(|site| !matches!(site, "same-origin" | "none")) {
        return true;
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    match public_url {
        Some(public) => origin != public,
        None => {
            let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
            let origin_host = origin
                .strip_prefix("http://")
                .or_else(|| origin.strip_prefix("https://"));
            origin_host.is_none() || origin_host != host
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sixth_attempt_on_an_account_is_refused_for_three_minutes() {
        let limits = LoginLimits::default();
        let ip = ClientIp(IpAddr::from([192, 0, 2, 1]));
        for _ in 0..PER_ACCOUNT {
            limits.attempt("camille@exemple.fr", ip).unwrap();
        }
        assert_eq!(
            limits.attempt("camille@exemple.fr", ip),
            Err(ApiError::TooManyAttempts { wait_minutes: 3 })
        );
        assert!(limits.attempt("dominique@exemple.fr", ip).is_ok());
    }

    #[test]
    fn an_address_gets_twenty_attempts_whatever_the_accounts() {
        let limits = LoginLimits::default();
        let ip = ClientIp(IpAddr::from([192, 0, 2, 2]));
        for n in 0..PER_ADDRESS {
            limits
                .attempt(&format!("personne{n}@exemple.fr"), ip)
                .unwrap();
        }
        assert!(matches!(
            limits.attempt("encore@exemple.fr", ip),
            Err(ApiError::TooManyAttempts { .. })
        ));
        let other = ClientIp(IpAddr::from([192, 0, 2, 3]));
        assert!(limits.attempt("encore@exemple.fr", other).is_ok());
    }

    #[test]
    fn the_wait_is_said_in_whole_minutes() {
        assert_eq!(
            too_many(Duration::from_secs(1)),
            ApiError::TooManyAttempts { wait_minutes: 1 }
        );
        assert_eq!(
            too_many(Duration::from_secs(181)),
            ApiError::TooManyAttempts { wait_minutes: 4 }
        );
        assert_eq!(
            ApiError::TooManyAttempts { wait_minutes: 3 }.to_string(),
            "Trop de tentatives, réessayez dans 3 minutes."
        );
    }
}
