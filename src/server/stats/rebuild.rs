//! The counters rebuilt from the records at start, when they do not add up to them (a database
//! from before one of them, a migration that emptied them). Apart from `counters`, which
//! `store::records` calls on every save: reading every record is this module's alone.

use std::sync::LazyLock;

use crate::domain::anonymat::pair_columns;
use crate::domain::ConseillerId;
use crate::server::stats::counters::Bulk;
use crate::server::store::records;
use crate::server::Db;
use crate::wire::ApiError;

/// At start: when the counters do not add up to the records (a database from before one of
/// them), rebuilds them from the records, conseiller by conseiller, in one transaction.
pub async fn rebuild_if_out_of_step(db: &Db) -> Result<(), ApiError> {
    let mut conn = db.pool.acquire().await?;
    let total = |sql: &'static str| sqlx::query_scalar::<_, i64>(sql);
    let records = total("SELECT COUNT(*) FROM accompagnements")
        .fetch_one(&mut *conn)
        .await?;
    let pooled = total(
        "SELECT COUNT(*) FROM accompagnements a JOIN conseillers c ON c.id = a.conseiller_id
         WHERE c.comptabilise <> 0",
    )
    .fetch_one(&mut *conn)
    .await?;
    let mut in_step = true;
    static PAIR_RECORDS: LazyLock<String> = LazyLock::new(|| {
        let columns: Vec<String> = pair_columns().into_iter().map(|(_, c)| c).collect();
        format!(
            "SELECT CAST(COALESCE(SUM({}), 0) AS BIGINT) FROM contributions_paire_mois",
            columns.join(" + ")
        )
    });
    for (sql, expected) in [
        (
            "SELECT CAST(COALESCE(SUM(comptes_rendus), 0) AS BIGINT) FROM stats_jour",
            pooled,
        ),
        (
            "SELECT CAST(COALESCE(SUM(comptes_rendus), 0) AS BIGINT) FROM stats_conseiller_jour",
            records,
        ),
        (
            "SELECT CAST(COALESCE(SUM(comptes_rendus), 0) AS BIGINT) FROM contributions_mois",
            records,
        ),
        (
            "SELECT CAST(COALESCE(SUM(comptes_rendus), 0) AS BIGINT) FROM stats_paire_jour",
            pooled,
        ),
        (PAIR_RECORDS.as_str(), records),
    ] {
        in_step &= total(sql).fetch_one(&mut *conn).await? == expected;
    }
    if in_step {
        return Ok(());
    }
    tracing::warn!(
        records,
        "the statistics counters do not add up to the records: rebuilding them"
    );
    let mut tx = db.pool.begin().await?;
    for table in [
        "stats_jour",
        "stats_conseiller_jour",
        "reorientations_autres_jour",
        "contributions_mois",
        "stats_paire_jour",
        "contributions_paire_mois",
    ] {
        sqlx::query(&format!("DELETE FROM {table}"))
            .execute(&mut *tx)
            .await?;
    }
    let conseillers: Vec<(String, String, i64)> =
        sqlx::query_as("SELECT id, departement, comptabilise FROM conseillers")
            .fetch_all(&mut *tx)
            .await?;
    let mut bulk = Bulk::default();
    for (id, departement, counts) in &conseillers {
        let owner = ConseillerId::new(id.clone());
        let records = records::all_of(&mut tx, &owner).await?;
        let pooled_in = (*counts != 0).then_some(departement.as_str());
        bulk.conseiller(&mut tx, id, pooled_in, &records).await?;
    }
    bulk.finish(&mut tx).await?;
    tx.commit().await?;
    tracing::info!(
        conseillers = conseillers.len(),
        records,
        "statistics counters rebuilt"
    );
    Ok(())
}
