//! Never stuck on weak signal: every request the app makes has a deadline. Past it the request
//! counts as unanswered (a port that accepts and never answers, a captive portal), and the
//! pages go on with what the phone keeps, under a "hors connexion" notice with "Réessayer".

use std::future::Future;
use std::time::Duration;

use dioxus::prelude::*;
use futures_util::future::{select, Either};

use super::browser;
use super::js::in_browser;
use crate::wire::ApiError;

/// The profile, the last record: what the start page waits for.
pub const QUICK: Duration = Duration::from_secs(4);
/// A list, a record, statistics.
pub const READ: Duration = Duration::from_secs(6);
/// Logging in, signing up, changing the profile or the password.
pub const WRITE: Duration = Duration::from_secs(10);

/// Whether the server answered the last request in time. Shared by every page.
pub static ONLINE: GlobalSignal<bool> = Signal::global(|| true);
/// Bumped by "Réessayer": pages that load from the server read it, and so load again.
pub static RETRY: GlobalSignal<u32> = Signal::global(|| 0);

/// `work`'s output, or none if it takes longer than `limit` (it is then dropped).
pub async fn deadline<T>(limit: Duration, work: impl Future<Output = T>) -> Option<T> {
    if in_browser().is_err() {
        return Some(work.await);
    }
    let work = std::pin::pin!(work);
    let timer = std::pin::pin!(browser::sleep(limit));
    match select(work, timer).await {
        Either::Left((done, _)) => Some(done),
        Either::Right(((), _)) => None,
    }
}

/// Runs `request`, giving up after `limit` with [`ApiError::Unreachable`]. Dropping the
/// request aborts its `fetch`, which frees the connection.
pub async fn within<T>(
    limit: Duration,
    request: impl Future<Output = Result<T, ApiError>>,
) -> Result<T, ApiError> {
    let result = deadline(limit, request)
        .await
        .unwrap_or(Err(ApiError::Unreachable));
    let answered = !matches!(result, Err(ApiError::Unreachable));
    if *ONLINE.peek() != answered {
        *ONLINE.write() = answered;
    }
    result
}

/// "Réessayer": every page loads again from the server.
pub fn retry() {
    *RETRY.write() += 1;
}
