//! A conseiller's statistics ("Mes statistiques"), from their daily counters
//! (`server::stats::counters`). The result is the same `Stats` as `domain::stats` computes from the
//! records (a property test holds them equal on SQLite and Postgres).

use chrono::NaiveDate;

use crate::clock;
use crate::domain::counters::Counters;
use crate::domain::stats::{Periode, Stats};
use crate::domain::vocabulary::StructureRedirection;
use crate::domain::ConseillerId;
use crate::server::stats::counters::{self, Table};
use crate::server::AppState;
use crate::wire::ApiError;

/// The period asked for: `au` defaults to today, `du` to the first record (or `au`); both
/// within the bounds of [`Periode::parse`].
pub async fn periode(
    app: &AppState,
    owner: &ConseillerId,
    du: Option<NaiveDate>,
    au: Option<NaiveDate>,
) -> Result<Periode, ApiError> {
    periode_or_since(du, au, async {
        let first: Option<String> =
            sqlx::query_scalar("SELECT MIN(date) FROM accompagnements WHERE conseiller_id = $1")
                .bind(owner)
                .fetch_one(&app.db.pool)
                .await?;
        Ok(first.and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()))
    })
    .await
}

/// A period with its defaults: `au` today, `du` the day `first` finds (the first record
/// counted, asked only when needed), else `au`.
pub async fn periode_or_since(
    du: Option<NaiveDate>,
    au: Option<NaiveDate>,
    first: impl std::future::Future<Output = Result<Option<NaiveDate>, ApiError>>,
) -> Result<Periode, ApiError> {
    let today = clock::today_in_paris();
    let au = au.unwrap_or(today);
    let du = match du {
        Some(du) => du,
        None => first.await?.unwrap_or(au).min(au),
    };
    Ok(Periode::parse(du, au, today)?)
}

/// A conseiller's statistics: the sums of their daily counters (at most 366 rows a year,
/// however many records), and the free texts of their réorientations toward "Autre", which
/// the counters pool.
pub async fn for_period(
    app: &AppState,
    owner: &ConseillerId,
    periode: Periode,
) -> Result<Stats, ApiError> {
    // The counters and the free texts of one state of the database.
    let mut conn = app.db.snapshot().await?;
    let months = counters::per_month(
        &mut conn,
        Table::Conseillers,
        Some(&[owner.as_str()]),
        periode,
    )
    .await?;
    let mut stats = Counters::into_stats(&months, periode);
    stats
        .reorientations
        .remove(StructureRedirection::Autre.label());
    for (libelle, personnes) in counters::autres(&mut conn, owner, periode).await? {
        *stats.reorientations.entry(libelle).or_default() += personnes;
    }
    conn.commit().await?;
    Ok(stats)
}
