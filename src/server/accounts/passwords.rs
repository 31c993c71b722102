//! Password hashing: argon2id with explicit parameters, on a small pool of threads of its own.
//!
//! Each hash takes 19 MiB for a few tens of milliseconds. A flood of logins must not take
//! the server's memory with it: at most two hashes per core run at once, a bounded queue
//! waits behind them, and past it the request is refused at once (503). The pool's threads
//! are few and always the same, so the memory the allocator keeps for them stays bounded
//! too (Tokio's blocking pool may grow to 512 threads, each keeping its own).

use std::sync::LazyLock;

use argon2::password_hash::{PasswordHash, PasswordHasher, SaltString};
use argon2::{Algorithm, Argon2, Params, PasswordVerifier, Version};
use rand::rngs::OsRng;

use crate::server::http::errors::internal;
use crate::wire::ApiError;

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

type Job = Box<dyn FnOnce() + Send>;

/// Requests waiting for a hashing thread, beyond which a request is refused (503).
const QUEUE: usize = 64;

struct Pool {
    jobs: std::sync::mpsc::SyncSender<Job>,
}

static POOL: LazyLock<Pool> = LazyLock::new(|| {
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get()) * 2;
    let (jobs, queue) = std::sync::mpsc::sync_channel::<Job>(QUEUE);
    let queue = std::sync::Arc::new(std::sync::Mutex::new(queue));
    for n in 0..threads {
        let queue = queue.clone();
        std::thread::Builder::new()
            .name(format!("argon2-{n}"))
            .spawn(move || loop {
                let job = match queue.lock() {
                    Ok(queue) => queue.recv(),
                    Err(_) => return,
                };
                match job {
                    Ok(job) => {
                        job();
                        // Its 19 MiB block: held otherwise for a second by the allocator,
                        // every hashing thread's at once in a burst of logins (300 wrong
                        // logins: +70 MB).
                        crate::server::give_back_freed_memory();
                    }
                    Err(_) => return,
                }
            })
            .expect("start a hashing thread");
    }
    Pool { jobs }
});

/// Runs `work` on the hashing pool; a 503 when its queue is full.
async fn on_pool<T: Send + 'static>(
    work: impl FnOnce() -> anyhow::Result<T> + Send + 'static,
) -> Result<T, ApiError> {
    let (done, result) = tokio::sync::oneshot::channel();
    let job: Job = Box::new(move || {
        let _ = done.send(work());
    });
    POOL.jobs.try_send(job).map_err(|error| match error {
        std::sync::mpsc::TrySendError::Full(_) => {
            tracing::warn!("password hashing queue full: request refused");
            ApiError::Busy
        }
        std::sync::mpsc::TrySendError::Disconnected(_) => internal("hashing pool stopped"),
    })?;
    result.await.map_err(internal)?.map_err(internal)
}

pub async fn hash(password: String) -> Result<String, ApiError> {
    on_pool(move || hash_now(&password)).await
}

/// Verifies `password` against `stored`, or against a dummy hash when there is no account.
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, ApiError> {
    on_pool(move || {
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
}

/// Computes the dummy hash and starts the pool ahead of the first login.
pub fn warm_up() {
    LazyLock::force(&DUMMY_HASH);
    LazyLock::force(&POOL);
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
