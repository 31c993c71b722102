//! How often a password may be tried, a mail sent, an account asked for: counted in the
//! database, so that every server sharing it holds one count (N servers must not give an
//! attacker N times the attempts).
//!
//! Each limit is a GCRA (a burst, then one more every `window / burst`): a key's row holds the
//! "theoretical arrival time" of its next request, moved forward by every request counted, in
//! one statement that the database runs atomically on both engines. Keys are hashes (an
//! attacker's 60 KB email becomes 32 characters) and a key back to full is deleted by the
//! sweep: the table holds only the keys in use.
//!
//! The limits protect the person, not the attacker: a password is tried at most 5 times per
//! 15 minutes per (account, client network), so a stranger spends their own share and never
//! the owner's; a looser ceiling per account (30) stops a stranger who changes networks.

use std::collections::HashMap;
use std::time::Duration;

use sha2::{Digest, Sha256};
use sqlx::AnyConnection;

use crate::clock;
use crate::server::http::guard::ClientNetwork;
use crate::server::store::db::{parameters, Db};
use crate::wire::ApiError;

/// One limit: `burst` requests, then one more every `window / burst`.
#[derive(Clone, Copy, Debug)]
pub struct Limit {
    name: &'static str,
    burst: u32,
    window: Duration,
}

const MINUTES_15: Duration = Duration::from_secs(15 * 60);

/// Password attempts for one account from one client network.
pub const PASSWORD_PER_ACCOUNT_AND_NETWORK: Limit = Limit {
    name: "mot-de-passe/compte-reseau",
    burst: 5,
    window: MINUTES_15,
};
/// Password attempts for one account, from every network together: a stranger who changes
/// network 6 times gets this far, and no further.
pub const PASSWORD_PER_ACCOUNT: Limit = Limit {
    name: "mot-de-passe/compte",
    burst: 30,
    window: MINUTES_15,
};
/// Password attempts from one client network, whatever the accounts.
pub const PASSWORD_PER_NETWORK: Limit = Limit {
    name: "mot-de-passe/reseau",
    burst: 20,
    window: MINUTES_15,
};
/// Sign-ups and reset requests from one client network (a France Services counter signs up
/// several conseillers from one address).
pub const COSTLY_PER_NETWORK: Limit = Limit {
    name: "couteux/reseau",
    burst: 30,
    window: MINUTES_15,
};
/// Reset requests for one address: counted apart from its logins (asking for links never
/// locks anyone out).
pub const RESETS_PER_ADDRESS: Limit = Limit {
    name: "reinitialisation/adresse",
    burst: 3,
    window: Duration::from_secs(3600),
};
/// Mails to one address (sign-up links, confirmations, resets): no mailbox can be filled.
pub const MAILS_PER_ADDRESS: Limit = Limit {
    name: "mails/adresse",
    burst: 5,
    window: MINUTES_15,
};
pub const MAILS_PER_ADDRESS_PER_DAY: Limit = Limit {
    name: "mails/adresse/jour",
    burst: 10,
    window: Duration::from_secs(24 * 3600),
};

/// New records per conseiller (`RECORDS_PER_DAY`): the day's quota at once, then one more
/// every `24 h / quota`. It holds off a phone or a script gone wild, not a busy day.
pub fn records_per_day(quota: usize) -> Limit {
    Limit {
        name: "comptes-rendus/jour",
        burst: u32::try_from(quota).unwrap_or(u32::MAX).max(1),
        window: Duration::from_secs(24 * 3600),
    }
}

impl Limit {
    fn interval_ms(self) -> i64 {
        ((self.window.as_millis() / u128::from(self.burst)) as i64).max(1)
    }
}

/// A request counted against a limit; given back when it could not be served at all (the
/// hashing queue full), so that a refusal never counts as an attempt.
#[must_use]
pub struct Counted {
    key: String,
    limit: Limit,
}

impl Counted {
    pub async fn give_back(self, db: &Db) {
        let result = async {
            let mut tx = db.write().await?;
            sqlx::query("UPDATE limites SET tat = tat - $2 WHERE cle = $1")
                .bind(&self.key)
                .bind(self.limit.interval_ms())
                .execute(&mut *tx)
                .await?;
            tx.commit().await
        }
        .await;
        if let Err(error) = result {
            tracing::warn!(%error, limit = self.limit.name, "attempt not given back");
        }
    }
}

/// The stored key: a hash of the limit's name and the key, whatever the key's length.
fn stored_key(limit: Limit, key: &str) -> String {
    let digest = Sha256::digest(format!("{}\n{key}", limit.name));
    hex::encode(&digest[..16])
}

/// Counts one request for `key` against `limit`; a French 429 saying how long to wait once
/// the limit is spent (the refused request is not counted).
pub async fn take(db: &Db, limit: Limit, key: &str) -> Result<Counted, ApiError> {
    let now = clock::now().timestamp_millis();
    let interval = limit.interval_ms();
    let window = interval * i64::from(limit.burst);
    let key = stored_key(limit, key);
    // A key already spent is refused on a read: a flood of refused requests never takes the
    // writer's turn from the saves (the statement below checks again, atomically).
    let due: Option<i64> = sqlx::query_scalar("SELECT tat FROM limites WHERE cle = $1")
        .bind(&key)
        .fetch_optional(&db.pool)
        .await?;
    if let Some(tat) = due.filter(|tat| tat - now > window - interval) {
        return Err(refusal(tat, now, interval, window));
    }
    let mut tx = db.write().await?;
    let (tat, refused): (i64, i64) = sqlx::query_as(
        "INSERT INTO limites (cle, tat, refuse) VALUES ($1, $2 + $3, 0)
         ON CONFLICT (cle) DO UPDATE SET
           tat = CASE WHEN (CASE WHEN limites.tat > $2 THEN limites.tat ELSE $2 END) + $3 - $2 <= $4
                      THEN (CASE WHEN limites.tat > $2 THEN limites.tat ELSE $2 END) + $3
                      ELSE limites.tat END,
           refuse = CASE WHEN (CASE WHEN limites.tat > $2 THEN limites.tat ELSE $2 END) + $3 - $2 <= $4
                         THEN 0 ELSE 1 END
         RETURNING tat, refuse",
    )
    .bind(&key)
    .bind(now)
    .bind(interval)
    .bind(window)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    if refused == 0 {
        return Ok(Counted { key, limit });
    }
    Err(refusal(tat, now, interval, window))
}

/// Counts `n` requests for each key against `limit`, all keys in one statement, in the
/// caller's transaction (the records writer's batch), then reads back the keys past their
/// window (a second statement): for each key, how many of its last requests went past the
/// limit. Those are given back at once (rare: one more statement each);
/// the caller refuses them. The count adds up on the row, so two servers counting the same
/// key at the same time both count.
pub async fn take_many(
    conn: &mut AnyConnection,
    limit: Limit,
    counts: &[(&str, usize)],
) -> Result<Vec<usize>, ApiError> {
    if counts.is_empty() {
        return Ok(Vec::new());
    }
    let now = clock::now().timestamp_millis();
    let interval = limit.interval_ms();
    let window = interval * i64::from(limit.burst);
    let keys: Vec<String> = counts
        .iter()
        .map(|(key, _)| stored_key(limit, key))
        .collect();
    let now_at = 2 * counts.len() + 1;
    let rows: Vec<String> = (0..counts.len())
        .map(|n| format!("(${}, ${}, 0)", 2 * n + 1, 2 * n + 2))
        .collect();
    // A new row is due at now + its requests; a row due in the past starts again from now.
    let sql = format!(
        "INSERT INTO limites (cle, tat, refuse) VALUES {}
         ON CONFLICT (cle) DO UPDATE SET
           tat = CASE WHEN limites.tat > ${now_at} THEN limites.tat ELSE ${now_at} END + excluded.tat - ${now_at}",
        rows.join(", ")
    );
    let mut query = sqlx::query(&sql);
    for (key, (_, n)) in keys.iter().zip(counts) {
        query = query.bind(key).bind(now + *n as i64 * interval);
    }
    query.bind(now).execute(&mut *conn).await?;
    // Only the keys now past their window: usually none (each row read back is a wake-up of
    // the caller, as the records writer calls it for every owner of a batch).
    let sql = format!(
        "SELECT cle, tat FROM limites WHERE tat > $1 + $2 AND cle IN ({})",
        parameters(3, keys.len())
    );
    let mut query = sqlx::query_as::<_, (String, i64)>(&sql)
        .bind(now)
        .bind(window);
    for key in &keys {
        query = query.bind(key);
    }
    let due: HashMap<String, i64> = query.fetch_all(&mut *conn).await?.into_iter().collect();
    let mut excess = Vec::with_capacity(counts.len());
    for (key, (_, n)) in keys.iter().zip(counts) {
        let over = due.get(key).map_or(0, |tat| tat - now - window);
        let past = if over > 0 {
            ((over as u64).div_ceil(interval as u64) as usize).min(*n)
        } else {
            0
        };
        if past > 0 {
            sqlx::query("UPDATE limites SET tat = tat - $2 WHERE cle = $1")
                .bind(key)
                .bind(past as i64 * interval)
                .execute(&mut *conn)
                .await?;
        }
        excess.push(past);
    }
    Ok(excess)
}

/// The 429 of a key due at `tat`: how long until it lets one more through.
fn refusal(tat: i64, now: i64, interval: i64, window: i64) -> ApiError {
    let wait_ms = (tat + interval - window - now).max(1000);
    ApiError::TooManyAttempts {
        wait_minutes: (wait_ms as u64).div_ceil(60_000).max(1),
    }
}

/// A password tried for `email` from `network`: the network's share, then the (account,
/// network) pair's, then the account's ceiling; each counted only if the one before let it
/// through, so the attempts a stranger's pair refuses cost the account nothing. What was
/// counted is given back if the password could not be checked at all (see [`give_back`]).
pub async fn password_attempt(
    db: &Db,
    email: &str,
    network: ClientNetwork,
) -> Result<Vec<Counted>, ApiError> {
    let mut counted = Vec::with_capacity(3);
    let keys = [
        (PASSWORD_PER_NETWORK, network.to_string()),
        (
            PASSWORD_PER_ACCOUNT_AND_NETWORK,
            format!("{email}\n{network}"),
        ),
        (PASSWORD_PER_ACCOUNT, email.to_owned()),
    ];
    for (limit, key) in keys {
        counted.push(take(db, limit, &key).await?);
    }
    Ok(counted)
}

/// A mail to `email` (a link to follow): at most 5 in 15 minutes and 10 a day.
pub async fn mail_to(db: &Db, email: &str) -> Result<(), ApiError> {
    let first = take(db, MAILS_PER_ADDRESS, email).await?;
    if let Err(refused) = take(db, MAILS_PER_ADDRESS_PER_DAY, email).await {
        first.give_back(db).await;
        return Err(refused);
    }
    Ok(())
}

/// Deletes the keys back to full: the table holds only the keys in use.
pub async fn forget_idle(db: &Db) -> Result<u64, sqlx::Error> {
    let mut tx = db.write().await?;
    let done = sqlx::query("DELETE FROM limites WHERE tat < $1")
        .bind(clock::now().timestamp_millis())
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(done.rows_affected())
}

/// Gives back every count of a request that was never served (the hashing queue was full).
pub async fn give_back(db: &Db, counted: Vec<Counted>) {
    for taken in counted {
        taken.give_back(db).await;
    }
}

/// Deletes the keys back to full every minute, for the server's lifetime.
pub fn sweep(db: Db) {
    tokio::spawn(async move {
        let mut every_minute = tokio::time::interval(Duration::from_secs(60));
        loop {
            every_minute.tick().await;
            if let Err(error) = forget_idle(&db).await {
                tracing::warn!(%error, "idle limits not forgotten");
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::store::db::tests::temporary_sqlite_url;

    fn network(n: u8) -> ClientNetwork {
        ClientNetwork::of(std::net::IpAddr::from([192, 0, 2, n]))
    }

    #[tokio::test]
    async fn a_batch_counts_each_key_once_and_names_its_requests_past_the_limit() {
        let db = Db::connect(&temporary_sqlite_url()).await.unwrap();
        let limit = records_per_day(3);
        let mut excesses = Vec::new();
        for counts in [
            vec![("a", 2), ("b", 5)],
            vec![("a", 2), ("b", 1)],
            vec![("a", 1)],
        ] {
            let mut tx = db.write().await.unwrap();
            excesses.push(take_many(&mut tx, limit, &counts).await.unwrap());
            tx.commit().await.unwrap();
        }

        // What went past was not counted: a's third fits, its fourth and fifth never do.
        assert_eq!(excesses, [vec![0, 2], vec![1, 1], vec![1]]);
    }

    #[tokio::test]
    async fn five_attempts_per_account_and_network_then_the_wait_in_minutes() {
        let db = Db::connect(&temporary_sqlite_url()).await.unwrap();
        for _ in 0..5 {
            password_attempt(&db, "camille@exemple.fr", network(1))
                .await
                .unwrap();
        }

        let refused = password_attempt(&db, "camille@exemple.fr", network(1)).await;

        assert_eq!(
            refused.err(),
            Some(ApiError::TooManyAttempts { wait_minutes: 3 })
        );
        // The owner, from their own network, still has their share.
        assert!(password_attempt(&db, "camille@exemple.fr", network(2))
            .await
            .is_ok());
    }

    #[tokio::test]
    async fn an_attempt_given_back_was_never_counted() {
        let db = Db::connect(&temporary_sqlite_url()).await.unwrap();
        for _ in 0..4 {
            let _ = password_attempt(&db, "camille@exemple.fr", network(1))
                .await
                .unwrap();
        }
        let busy = password_attempt(&db, "camille@exemple.fr", network(1))
            .await
            .unwrap();
        give_back(&db, busy).await;

        assert!(password_attempt(&db, "camille@exemple.fr", network(1))
            .await
            .is_ok());
        assert!(password_attempt(&db, "camille@exemple.fr", network(1))
            .await
            .is_err());
    }

    #[tokio::test]
    async fn the_account_ceiling_stops_a_stranger_who_changes_networks() {
        let db = Db::connect(&temporary_sqlite_url()).await.unwrap();
        let mut passed = 0;
        for n in 0..10 {
            for _ in 0..5 {
                if password_attempt(&db, "camille@exemple.fr", network(n))
                    .await
                    .is_ok()
                {
                    passed += 1;
                }
            }
        }

        assert_eq!(passed, PASSWORD_PER_ACCOUNT.burst);
    }

    #[tokio::test]
    async fn keys_back_to_full_are_forgotten_and_every_key_is_short() {
        let db = Db::connect(&temporary_sqlite_url()).await.unwrap();
        let long = "x".repeat(60_000);
        let _ = take(&db, MAILS_PER_ADDRESS, &long).await.unwrap();
        let stored: String = sqlx::query_scalar("SELECT cle FROM limites")
            .fetch_one(&db.pool)
            .await
            .unwrap();
        assert_eq!(stored.len(), 32);

        sqlx::query("UPDATE limites SET tat = 0")
            .execute(&db.pool)
            .await
            .unwrap();
        assert_eq!(forget_idle(&db).await.unwrap(), 1);
    }
}
