//! Configuration, from the environment only (twelve-factor): nothing else to set up.

use anyhow::Context;

/// SQLite in `data/conum.db`, created on first start.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/conum.db?mode=rwc";

#[derive(Clone, Debug)]
pub struct Config {
    /// `sqlite://…` (default) or `postgres://…`.
    pub database_url: String,
    pub host: String,
    /// 0 picks a free port (the tests use it); the chosen one is printed at start.
    pub port: u16,
    /// Adds `Secure` to the session cookie; on when served over https.
    pub secure_cookies: bool,
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
        let secure_cookies = match var("COOKIE_SECURE") {
            Some(v) => matches!(v.as_str(), "1" | "true" | "yes"),
            None => var("PUBLIC_URL").is_some_and(|url| url.starts_with("https://")),
        };
        Ok(Config {
            database_url: var("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned()),
            host: var("HOST").unwrap_or_else(|| "127.0.0.1".to_owned()),
            port,
            secure_cookies,
        })
    }
}
