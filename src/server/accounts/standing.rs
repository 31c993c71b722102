//! Whether an account counts in the pooled figures (`domain::admission`), kept in
//! `conseillers.comptabilise`: when it changes (an address confirmed, an invitation, a
//! deactivation, another `SIGNUP_MODE`), the account's records enter or leave `stats_jour`
//! in the same transaction.

use sqlx::AnyConnection;

use crate::domain::admission::{Admission, Mutualisation, Standing};
use crate::domain::ConseillerId;
use crate::server::{stats::counters, store::records, Db};
use crate::wire::ApiError;

/// The account's standing columns, in this order: `adresse_confirmee_le, invite_le,
/// desactive_le`.
pub const COLUMNS: &str = "adresse_confirmee_le, invite_le, desactive_le";

/// A standing from its columns (each a timestamp, none when it did not happen).
pub fn from_columns(
    confirmed: Option<i64>,
    invited: Option<i64>,
    deactivated: Option<i64>,
) -> Standing {
    Standing {
        adresse_confirmee: confirmed.is_some(),
        invite: invited.is_some(),
        desactive: deactivated.is_some(),
    }
}

async fn read(conn: &mut AnyConnection, id: &ConseillerId) -> Result<(String, Standing), ApiError> {
    let sql = format!("SELECT email, {COLUMNS} FROM conseillers WHERE id = $1");
    let (email, confirmed, invited, deactivated): (String, Option<i64>, Option<i64>, Option<i64>) =
        sqlx::query_as(&sql).bind(id).fetch_one(conn).await?;
    Ok((email, from_columns(confirmed, invited, deactivated)))
}

/// Where the account stands, as its conseiller is told.
pub async fn mutualisation(
    conn: &mut AnyConnection,
    admission: &Admission,
    id: &ConseillerId,
) -> Result<Mutualisation, ApiError> {
    let (email, standing) = read(conn, id).await?;
    Ok(admission.mutualisation(&email, standing))
}

/// Re-evaluates an account whose standing columns may have changed, in the caller's write
/// transaction: its records enter or leave the pooled figures if it now counts or no
/// longer does. Whether that happened.
pub async fn settle(
    conn: &mut AnyConnection,
    admission: &Admission,
    id: &ConseillerId,
) -> Result<bool, ApiError> {
    let (departement, counted) = counters::lock_departement(conn, id).await?;
    let (email, standing) = read(conn, id).await?;
    let counts = admission.counts(&email, standing);
    if counts == counted {
        return Ok(false);
    }
    sqlx::query("UPDATE conseillers SET comptabilise = $2 WHERE id = $1")
        .bind(id)
        .bind(i64::from(counts))
        .execute(&mut *conn)
        .await?;
    let sign = if counts { 1 } else { -1 };
    let records = records::all_of(&mut *conn, id).await?;
    counters::repool(conn, id, &[(departement.as_str(), sign)], &records).await?;
    tracing::info!(conseiller = %id, counts, "account standing in the pooled figures changed");
    Ok(true)
}

/// At start: every account re-evaluated under this server's admission (its `SIGNUP_MODE`
/// or domains may have changed since the last start). How many changed.
pub async fn settle_all(db: &Db, admission: &Admission) -> Result<usize, ApiError> {
    let sql = format!("SELECT id, email, comptabilise, {COLUMNS} FROM conseillers");
    type Row = (String, String, i64, Option<i64>, Option<i64>, Option<i64>);
    let rows: Vec<Row> = sqlx::query_as(&sql).fetch_all(&db.pool).await?;
    let mut changed = 0;
    for (id, email, counted, confirmed, invited, deactivated) in rows {
        let counts = admission.counts(&email, from_columns(confirmed, invited, deactivated));
        if counts != (counted != 0) {
            let mut tx = db.write().await?;
            changed += usize::from(settle(&mut tx, admission, &ConseillerId::new(id)).await?);
            tx.commit().await?;
        }
    }
    if changed > 0 {
        tracing::info!(changed, mode = ?admission.mode, "accounts settled under this server's sign-up mode");
    }
    Ok(changed)
}
