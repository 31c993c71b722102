//! The conseiller's statistics for a period.

use chrono::NaiveDate;
use dioxus::prelude::*;
use serde::{Deserialize, Serialize};

use super::ApiError;
use crate::domain::stats::{Periode, Stats};

#[cfg(feature = "server")]
use crate::server::{stats, AppCtx, SessionCtx};

/// `?du=AAAA-MM-JJ&au=AAAA-MM-JJ`, both ends included.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct StatsQuery {
    pub du: Option<NaiveDate>,
    pub au: Option<NaiveDate>,
}

/// Every figure of domain.md §3 for the period, computed by the database.
#[get("/api/statistiques?{query}", app: AppCtx, session: SessionCtx)]
pub async fn statistiques(query: StatsQuery) -> Result<Stats, ApiError> {
    stats::for_period(&app, &session, query.periode()?).await
}

impl StatsQuery {
    /// The period asked for: both ends given, in order.
    pub fn periode(&self) -> Result<Periode, ApiError> {
        match (self.du, self.au) {
            (Some(du), Some(au)) if du <= au => Ok(Periode { du, au }),
            (Some(_), Some(_)) => Err(ApiError::invalid_field(
                "au",
                "La fin de la période doit être postérieure à son début.",
            )),
            _ => Err(ApiError::invalid_field(
                "du",
                "Indiquez la période : une date de début (du) et une date de fin (au).",
            )),
        }
    }
}
