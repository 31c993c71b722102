//! Password hashing: argon2id with explicit parameters, always on a blocking thread.

use std::sync::LazyLock;

use argon2::password_hash::{PasswordHash, PasswordHasher, SaltString};
use argon2::{Algorithm, Argon2, Params, PasswordVerifier, Version};
use rand::rngs::OsRng;

use super::db::internal;
use crate::api::ApiError;

/// OWASP's recommended argon2id setting: 19 MiB, 2 passes, 1 lane.
fn hasher() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Checked against when the email is unknown, so that an unknown email costs the same time
/// as a wrong password and response times do not reveal who has an account.
static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| hash_now("pas un vrai mot de passe").expect("hashing a constant works"));

fn hash_now(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(hasher()
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| anyhow::anyhow!("argon2 hashing failed: {e}"))?
        .to_string())
}

pub async fn hash(password: String) -> Result<String, ApiError> {
    tokio::task::spawn_blocking(move || hash_now(&password))
        .await
        .map_err(internal)?
        .map_err(internal)
}

/// Verifies `password` against `stored`, or against a dummy hash when there is no account.
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, ApiError> {
    tokio::task::spawn_blocking(move || -> anyhow::Result<bool> {
        let has_account = stored.is_some();
        let stored = stored.unwrap_or_else(|| DUMMY_HASH.clone());
        let parsed = PasswordHash::new(&stored)
            .map_err(|e| anyhow::anyhow!("stored password hash is unreadable: {e}"))?;
        let matches = hasher()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        Ok(has_account && matches)
    })
    .await
    .map_err(internal)?
    .map_err(internal)
}

/// Computes the dummy hash ahead of the first login, off the request path.
pub fn warm_up() {
    LazyLock::force(&DUMMY_HASH);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_password_matches_its_own_hash_only() {
        let stored = hash("correct horse battery".into()).await.unwrap();
        assert!(stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify("correct horse battery".into(), Some(stored.clone()))
            .await
            .unwrap());
        assert!(!verify("wrong horse battery".into(), Some(stored))
            .await
            .unwrap());
    }

    #[tokio::test]
    async fn an_unknown_account_never_matches() {
        assert!(!verify("pas un vrai mot de passe".into(), None)
            .await
            .unwrap());
    }
}
