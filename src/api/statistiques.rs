//! The conseiller's statistics for a period.

use dioxus::prelude::*;

use super::wire::{ApiError, NationalQuery, NationalStats, StatsQuery};
use crate::domain::stats::Stats;

#[cfg(feature = "server")]
use crate::server::{national, stats, AppCtx, SessionCtx};

/// Every figure of domain.md §3 for the period, computed by the database. Without `du`, the
/// period starts at the conseiller's first record ("depuis le début"); without `au`, it ends
/// today.
#[get("/api/statistiques?{query}", app: AppCtx, session: SessionCtx)]
pub async fn statistiques(query: StatsQuery) -> Result<Stats, ApiError> {
    let owner = session.conseiller_id()?;
    let periode = stats::periode(&app, owner, query.du, query.au).await?;
    stats::for_period(&app, owner, periode).await
}

/// The statistics of every conseiller of a territory (France entière, a région, a
/// département), pooled and anonymous: refused when fewer than 5 conseillers contribute.
/// Logged-in conseillers only, unless the server opens them to all (`PUBLIC_STATISTICS`).
#[get("/api/statistiques/nationales?{query}", app: AppCtx, session: SessionCtx)]
pub async fn statistiques_nationales(query: NationalQuery) -> Result<NationalStats, ApiError> {
    national::for_query(&app, &session, &query).await
}
