//! Configuration, from the environment only (twelve-factor): nothing else to set up.

use std::path::PathBuf;

use anyhow::Context;

use crate::domain::admission::{Admission, ModeInscription};

/// SQLite in `data/conum.db`, created on first start.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/conum.db?mode=rwc";
/// Where password-reset mails are written when no SMTP server is configured.
pub const DEFAULT_MAIL_DIR: &str = "data/mails";

#[derive(Clone, Debug)]
pub struct Config {
    /// `sqlite://…` (default) or `postgres://…`.
    pub database_url: String,
    pub host: String,
    /// 0 picks a free port (the tests use it); the chosen one is printed at start.
    pub port: u16,
    /// The address people reach Conum at (`https://conum.example.fr`): links in mails, the
    /// origin state-changing requests must come from, HSTS when it is https.
    pub public_url: Option<String>,
    /// `Secure` on the session cookie: forced by `COOKIE_SECURE`, else on except for requests
    /// to localhost.
    pub secure_cookies: Option<bool>,
    /// Behind a reverse proxy, the header it puts the client's address in (`X-Forwarded-For`,
    /// `X-Real-IP`): only then is a header trusted for the address login attempts count on.
    pub trusted_proxy_header: Option<String>,
    /// `smtp://user:password@host:587` (STARTTLS) or `smtps://…:465`; none: mails are files.
    pub smtp_url: Option<String>,
    /// The sender of the mails.
    pub mail_from: String,
    /// Where mails are written as `.eml` files when there is no SMTP server.
    pub mail_dir: PathBuf,
    /// `PUBLIC_STATISTICS=1`: the national statistics (page and API) open without login.
    pub public_statistics: bool,
    /// Who may sign up and whose records count in the pooled figures: `SIGNUP_MODE`
    /// (`invitation`, the default; `domaine` with `SIGNUP_DOMAINS`; `ouverte`).
    pub admission: Admission,
    /// How long a month of pooled figures is kept in memory before it is read again
    /// (`NATIONAL_CACHE_SECONDS`, 600): what changes elsewhere (another server, `conum
    /// admin`) shows after at most this long; this server's own changes show at once.
    pub national_cache: std::time::Duration,
    /// How long a download may wait for its client to read on (`EXPORT_STALL_SECONDS`, 30)
    /// before it is given up: a client that stops reading would otherwise hold one of the
    /// server's export turns for as long as its connection lives.
    pub export_stall: std::time::Duration,
    /// Connections open at once (`MAX_CONNECTIONS`, 10,000), within the open-file limit.
    pub max_connections: usize,
    /// Connections one client may hold (`CONNECTIONS_PER_CLIENT`, 64; without effect behind
    /// a reverse proxy, which holds clients to their share).
    pub connections_per_client: usize,
    /// Records one account may create in 24 hours (`RECORDS_PER_DAY`, 500): a busy
    /// conseiller makes 20 a day, catching up a month a few hundred; a script filling the
    /// database, thousands.
    pub records_per_day: usize,
}

impl Config {
    pub fn from_env() -> anyhow::Result<Self> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let port = match var("PORT") {
            Some(port) => port
                .parse()
                .with_context(|| format!("PORT must be a port number, got {port:?}"))?,
            None => 8080,
        };
        let public_url = var("PUBLIC_URL").map(|url| url.trim_end_matches('/').to_owned());
        if let Some(url) = &public_url {
            anyhow::ensure!(
                url.starts_with("https://") || url.starts_with("http://"),
                "PUBLIC_URL must start with https:// or http://, got {url:?}"
            );
        }
        let mode = match var("SIGNUP_MODE") {
            Some(mode) => ModeInscription::parse(&mode).with_context(|| {
                format!("SIGNUP_MODE must be invitation, domaine or ouverte, got {mode:?}")
            })?,
            None => ModeInscription::default(),
        };
        let domaines: Vec<String> = var("SIGNUP_DOMAINS")
            .unwrap_or_else(|| "conseiller-numerique.fr".to_owned())
            .split(',')
            .map(|d| d.trim().trim_start_matches('@').to_lowercase())
            .filter(|d| !d.is_empty())
            .collect();
        anyhow::ensure!(
            mode != ModeInscription::Domaine || !domaines.is_empty(),
            "SIGNUP_MODE=domaine needs SIGNUP_DOMAINS (conseiller-numerique.fr,…)"
        );
        let national_cache = match var("NATIONAL_CACHE_SECONDS") {
            Some(seconds) => seconds.parse().with_context(|| {
                format!("NATIONAL_CACHE_SECONDS must be a number of seconds, got {seconds:?}")
            })?,
            None => 600,
        };
        let number = |name: &str, default: usize| -> anyhow::Result<usize> {
            match var(name) {
                Some(n) => n
                    .parse()
                    .ok()
                    .filter(|n| *n > 0)
                    .with_context(|| format!("{name} must be a positive number, got {n:?}")),
                None => Ok(default),
            }
        };
        let host = var("HOST").unwrap_or_else(|| "127.0.0.1".to_owned());
        // Without PUBLIC_URL the server cannot know the origin browsers see it at, so it can
        // only check cross-site requests on this machine.
        anyhow::ensure!(
            public_url.is_some() || is_loopback(&host),
            "HOST={host} serves other machines: set PUBLIC_URL to the address browsers use (https://conum.example.fr)"
        );
        let secure_cookies =
            var("COOKIE_SECURE").map(|v| matches!(v.as_str(), "1" | "true" | "yes"));
        Ok(Config {
            database_url: var("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned()),
            host,
            port,
            public_url,
            secure_cookies,
            trusted_proxy_header: var("TRUSTED_PROXY_HEADER").map(|h| h.to_ascii_lowercase()),
            smtp_url: var("SMTP_URL"),
            mail_from: var("MAIL_FROM")
                .unwrap_or_else(|| "Conum <ne-pas-repondre@conum.local>".to_owned()),
            mail_dir: var("MAIL_DIR")
                .unwrap_or_else(|| DEFAULT_MAIL_DIR.to_owned())
                .into(),
            public_statistics: var("PUBLIC_STATISTICS")
                .is_some_and(|v| matches!(v.as_str(), "1" | "true" | "yes")),
            admission: Admission { mode, domaines },
            national_cache: std::time::Duration::from_secs(national_cache),
            export_stall: std::time::Duration::from_secs(number("EXPORT_STALL_SECONDS", 30)? as u64),
            max_connections: number("MAX_CONNECTIONS", 10_000)?,
            connections_per_client: number("CONNECTIONS_PER_CLIENT", 64)?,
            records_per_day: number("RECORDS_PER_DAY", 500)?,
        })
    }

    /// The origin browsers reach this server at: `PUBLIC_URL`, else this machine over http
    /// on its port (`HOST` is then a loopback address).
    pub fn origin(&self, port: u16) -> String {
        match &self.public_url {
            Some(url) => url.clone(),
            None => format!("http://localhost:{port}"),
        }
    }

    /// Served over https (HSTS is sent).
    pub fn https(&self) -> bool {
        self.public_url
            .as_deref()
            .is_some_and(|url| url.starts_with("https://"))
    }
}

/// `localhost`, `127.x.x.x` or `::1`: reachable from this machine only.
fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host
            .trim_matches(['[', ']'])
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}
