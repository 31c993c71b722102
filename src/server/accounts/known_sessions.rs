//! The sessions this server found in the database in the last seconds, so that the burst of
//! requests a phone makes (a page opens: its profile, its last record, its history; a queue
//! of saves sent when the network returns) reads the sessions table once, not once each.
//! Under load, that read was a round trip to the database for every save, in the path of
//! every request and ahead of the group commit (`store::records_writer`).
//!
//! What this server ends itself (a logout, a password changed or reset, an account deleted)
//! is forgotten at once. What another server of the same database ends, or the `conum admin`
//! command, is seen here within [`TRUSTED_FOR`]: the one delay this adds to a revocation.
//! A token that names no session is never kept: guessing costs a database read, as before.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::domain::ConseillerId;

/// How long a session read from the database is taken as still there, without reading it.
pub const TRUSTED_FOR: Duration = Duration::from_secs(10);
/// The most sessions kept: far above the conseillers active within [`TRUSTED_FOR`] at the
/// programme's scale, and a bound on the memory (about 200 bytes each).
const MOST: usize = 100_000;

/// A live session as the database gave it: its conseiller, expiry and creation (unix seconds).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    pub conseiller_id: ConseillerId,
    pub expires_at: i64,
    pub created_at: i64,
}

#[derive(Debug, Default)]
pub struct KnownSessions {
    by_token_hash: Mutex<HashMap<String, (Found, Instant)>>,
}

impl KnownSessions {
    /// The session of this token's hash, if it was read from the database less than
    /// [`TRUSTED_FOR`] ago; whether it is still valid at `now` is the caller's check.
    pub fn get(&self, token_hash: &str) -> Option<Found> {
        let known = self.by_token_hash.lock().expect("known sessions");
        let (found, read_at) = known.get(token_hash)?;
        (read_at.elapsed() < TRUSTED_FOR).then(|| found.clone())
    }

    /// Keeps a session just read from (or written to) the database.
    pub fn put(&self, token_hash: &str, found: Found) {
        let mut known = self.by_token_hash.lock().expect("known sessions");
        if known.len() >= MOST && !known.contains_key(token_hash) {
            known.retain(|_, (_, read_at)| read_at.elapsed() < TRUSTED_FOR);
            if known.len() >= MOST {
                known.clear();
            }
        }
        known.insert(token_hash.to_owned(), (found, Instant::now()));
    }

    /// The session was ended here.
    pub fn forget(&self, token_hash: &str) {
        self.by_token_hash
            .lock()
            .expect("known sessions")
            .remove(token_hash);
    }

    /// Every session of `conseiller_id` was ended here, but the one of `kept_token_hash`.
    pub fn forget_conseiller(&self, conseiller_id: &ConseillerId, kept_token_hash: Option<&str>) {
        self.by_token_hash
            .lock()
            .expect("known sessions")
            .retain(|hash, (found, _)| {
                &found.conseiller_id != conseiller_id || Some(hash.as_str()) == kept_token_hash
            });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(conseiller: &str) -> Found {
        Found {
            conseiller_id: ConseillerId::new(conseiller),
            expires_at: 2,
            created_at: 1,
        }
    }

    #[test]
    fn a_session_is_known_until_forgotten_alone_or_with_its_conseillers_others() {
        let known = KnownSessions::default();
        known.put("a1", found("a"));
        known.put("a2", found("a"));
        known.put("a3", found("a"));
        known.put("b1", found("b"));

        known.forget("a1");
        assert_eq!(known.get("a1"), None);
        known.forget_conseiller(&ConseillerId::new("a"), Some("a2"));

        assert_eq!(known.get("a2"), Some(found("a")));
        assert_eq!(known.get("a3"), None);
        assert_eq!(known.get("b1"), Some(found("b")));
        assert_eq!(known.get("unknown"), None);
    }
}
