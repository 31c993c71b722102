//! The conseiller's statistics for a period.

use chrono::NaiveDate;
use dioxus::prelude::*;
use serde::{Deserialize, Serialize};

use super::ApiError;
use crate::domain::stats::Stats;

#[cfg(feature = "server")]
use crate::server::{stats, AppCtx, SessionCtx};

/// `?du=AAAA-MM-JJ&au=AAAA-MM-JJ`, both ends included.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StatsQuery {
    pub du: Option<NaiveDate>,
    pub au: Option<NaiveDate>,
}

/// Every figure of domain.md §3 for the period, computed by the database. Without `du`, the
/// period starts at the conseiller's first record ("depuis le début"); without `au`, it ends
/// today.
#[get("/api/statistiques?{query}", app: AppCtx, session: SessionCtx)]
pub async fn statistiques(query: StatsQuery) -> Result<Stats, ApiError> {
    let periode = stats::periode(&app, &session, &query).await?;
    stats::for_period(&app, &session, periode).await
}
