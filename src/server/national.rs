//! The national and régional statistics: every conseiller's records, pooled per département
//! (their profile's, at the time of the query), summed from the per-département daily
//! counters (`server::counters`). A territory and period with fewer than 5 contributing
//! conseillers gives no figure.

use chrono::NaiveDate;

use super::counters::{self, Table};
use super::{AppState, SessionHandle};
use crate::api::wire::{ApiError, NationalQuery, NationalStats};
use crate::domain::counters::Counters;
use crate::domain::stats::{Periode, Stats};
use crate::domain::territoire::{Territoire, MIN_CONSEILLERS};

/// `AND departement IN ($3, …)` for a territory (nothing for France), and its values.
fn territory_condition(
    territoire: &Territoire,
    column: &str,
    first: usize,
) -> (String, Vec<&'static str>) {
    match territoire.departements() {
        None => (String::new(), Vec::new()),
        Some(codes) => {
            let placeholders: Vec<String> = (first..first + codes.len())
                .map(|i| format!("${i}"))
                .collect();
            (
                format!("AND {column} IN ({})", placeholders.join(", ")),
                codes,
            )
        }
    }
}

/// Whether at least [`MIN_CONSEILLERS`] conseillers of the territory have a record in the
/// period. Stops at the fifth one found (an index probe per conseiller).
async fn enough_contributors(
    app: &AppState,
    territoire: &Territoire,
    periode: Periode,
) -> Result<bool, ApiError> {
    let (condition, codes) = territory_condition(territoire, "c.departement", 3);
    let sql = format!(
        "SELECT COUNT(*) FROM (SELECT c.id FROM conseillers c
             WHERE EXISTS (SELECT 1 FROM accompagnements a
                           WHERE a.conseiller_id = c.id AND a.date >= $1 AND a.date <= $2)
             {condition} LIMIT {MIN_CONSEILLERS}) AS contributeurs"
    );
    let mut query = sqlx::query_scalar::<_, i64>(&sql)
        .bind(periode.du.to_string())
        .bind(periode.au.to_string());
    for code in codes {
        query = query.bind(code);
    }
    Ok(query.fetch_one(&app.db.pool).await? >= MIN_CONSEILLERS)
}

/// The first day any record of the territory counts on (for "depuis le début").
pub async fn first_day(
    app: &AppState,
    territoire: &Territoire,
) -> Result<Option<NaiveDate>, ApiError> {
    let (condition, codes) = territory_condition(territoire, "departement", 1);
    let sql = format!("SELECT MIN(jour) FROM stats_jour WHERE comptes_rendus > 0 {condition}");
    let mut query = sqlx::query_scalar::<_, Option<String>>(&sql);
    for code in codes {
        query = query.bind(code);
    }
    Ok(query
        .fetch_one(&app.db.pool)
        .await?
        .and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()))
}

/// The statistics of a territory and a period, pooled and anonymous; refused when fewer than
/// [`MIN_CONSEILLERS`] conseillers contribute.
pub async fn stats(
    app: &AppState,
    territoire: &Territoire,
    periode: Periode,
) -> Result<Stats, ApiError> {
    if !enough_contributors(app, territoire, periode).await? {
        return Err(ApiError::TooFewContributors);
    }
    let codes = territoire.departements();
    let months = counters::per_month(
        &mut *app.db.pool.acquire().await?,
        Table::Departements,
        codes.as_deref(),
        periode,
    )
    .await?;
    Ok(Counters::into_stats(&months, periode))
}

/// The national statistics a query asks for: its territory, its period (by default since the
/// territory's first record, until today), checked; only for logged-in conseillers unless
/// the statistics are public.
pub async fn for_query(
    app: &AppState,
    session: &SessionHandle,
    query: &NationalQuery,
) -> Result<NationalStats, ApiError> {
    if !app.config.public_statistics {
        session.conseiller_id()?;
    }
    let territoire = query.territoire()?;
    let periode = periode(app, &territoire, query.du, query.au).await?;
    Ok(NationalStats {
        territoire: territoire.code(),
        libelle: territoire.label(),
        stats: stats(app, &territoire, periode).await?,
    })
}

/// `au` defaults to today, `du` to the territory's first record (or `au`).
pub async fn periode(
    app: &AppState,
    territoire: &Territoire,
    du: Option<NaiveDate>,
    au: Option<NaiveDate>,
) -> Result<Periode, ApiError> {
    super::stats::periode_or_since(du, au, first_day(app, territoire)).await
}
