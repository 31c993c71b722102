//! What keeps the open internet out: who is asking (the client's address and network), what
//! a client's text may be before anything else is done with it, and where state-changing
//! requests may come from. How often a password may be tried: `server::accounts::attempts`.

use std::net::{IpAddr, Ipv6Addr, SocketAddr};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::server::AppState;
use crate::wire::ApiError;

/// The address a request comes from: the peer's, or behind a reverse proxy the one it puts
/// in the configured header (never a header the client could set on its own).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

/// A client's network, as limits count it: an IPv4 address, or an IPv6 /64 (what one
/// subscriber is given: keying IPv6 addresses one by one gives an attacker endless keys).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ClientNetwork(IpAddr);

impl ClientNetwork {
    pub fn of(ip: IpAddr) -> ClientNetwork {
        match ip {
            IpAddr::V4(_) => ClientNetwork(ip),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => ClientNetwork(IpAddr::V4(v4)),
                None => {
                    let s = v6.segments();
                    ClientNetwork(IpAddr::V6(Ipv6Addr::new(
                        s[0], s[1], s[2], s[3], 0, 0, 0, 0,
                    )))
                }
            },
        }
    }
}

impl std::fmt::Display for ClientNetwork {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            IpAddr::V4(v4) => write!(f, "{v4}"),
            IpAddr::V6(v6) => write!(f, "{v6}/64"),
        }
    }
}

impl ClientIp {
    pub fn network(self) -> ClientNetwork {
        ClientNetwork::of(self.0)
    }
}

/// The longest e-mail address there is (RFC 5321's path limit): anything longer is refused
/// before it is hashed, counted or logged.
pub const EMAIL_MAX_BYTES: usize = 254;

pub fn email_within_bounds(email: &str) -> Result<(), ApiError> {
    if email.len() > EMAIL_MAX_BYTES {
        return Err(ApiError::invalid_field(
            "email",
            format!("Une adresse e-mail a au plus {EMAIL_MAX_BYTES} caractères."),
        ));
    }
    Ok(())
}

/// Text a client sent, fit for a log line: escaped (a newline cannot forge a line) and cut
/// at 80 characters.
pub fn loggable(text: &str) -> String {
    let mut shown: String = text.chars().take(80).flat_map(char::escape_debug).collect();
    if text.chars().nth(80).is_some() {
        shown.push('…');
    }
    shown
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
/// origin or the user's own navigation) or an `Origin` that is not this server's, scheme and
/// port included. A client that sends neither (curl, a script) is no browser to be tricked.
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
        // Without PUBLIC_URL the server listens on a loopback address (`Config`) and speaks
        // plain http: its origin is http:// and the host the browser asked for.
        None => {
            let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
            host.is_none_or(|host| origin != format!("http://{host}"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ipv6_client_is_its_64_and_an_ipv4_one_its_address() {
        let a = ClientNetwork::of("2001:db8:1:2:aaaa::1".parse().unwrap());
        let b = ClientNetwork::of("2001:db8:1:2:bbbb:cccc::9".parse().unwrap());
        let c = ClientNetwork::of("2001:db8:1:3::1".parse().unwrap());
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(a.to_string(), "2001:db8:1:2::/64");
        assert_ne!(
            ClientNetwork::of("192.0.2.1".parse().unwrap()),
            ClientNetwork::of("192.0.2.2".parse().unwrap())
        );
        assert_eq!(
            ClientNetwork::of("::ffff:192.0.2.1".parse().unwrap()),
            ClientNetwork::of("192.0.2.1".parse().unwrap())
        );
    }

    #[test]
    fn a_client_text_in_a_log_is_one_short_line() {
        assert_eq!(loggable("a@b.fr\nFAKE 200"), "a@b.fr\\nFAKE 200");
        let long = "x".repeat(60_000);
        assert_eq!(loggable(&long).chars().count(), 81);
        assert_eq!(loggable("cécile@exemple.fr"), "cécile@exemple.fr");
    }

    #[test]
    fn an_email_over_254_bytes_is_refused() {
        assert!(email_within_bounds(&"a".repeat(254)).is_ok());
        assert!(email_within_bounds(&"a".repeat(255)).is_err());
    }
}
