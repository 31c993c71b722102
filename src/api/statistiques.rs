//! The conseiller's statistics for a period.

use dioxus::prelude::*;

use crate::domain::stats::Stats;
use crate::wire::{ApiError, NationalQuery, NationalStats, StatsQuery};

#[cfg(feature = "server")]
use crate::server::{stats::national, stats::personal as stats, AppCtx, SessionCtx};

endpoint! {
    #[get("/api/statistiques?{query}", app: AppCtx, session: SessionCtx)]
    /// Every figure of domain.md §3 for the period, of the records the filters keep. Without `du`, the
    /// period starts at the conseiller's first record ("depuis le début"); without `au`, it ends
    /// today.
    pub async fn statistiques(query: StatsQuery) -> Result<Stats, ApiError> {
        let owner = session.conseiller_id()?;
        let filtres = stats::filtres_of(&query)?;
        let periode = stats::periode(&app, owner, query.du, query.au).await?;
        stats::for_period(&app, owner, periode, &filtres).await
    }
}

endpoint! {
    #[get("/api/statistiques/nationales?{query}", app: AppCtx, session: SessionCtx)]
    /// The statistics of every conseiller of a territory (France entière, a région, a
    /// département), pooled and anonymous: refused when fewer than 5 conseillers contribute.
    /// Logged-in conseillers only, unless the server opens them to all (`PUBLIC_STATISTICS`).
    pub async fn statistiques_nationales(query: NationalQuery) -> Result<NationalStats, ApiError> {
        national::for_query(&app, &session, &query).await
    }
}

/// The région the national figures open on for the conseiller whose session the request
/// carries (if the phone says it holds that account too), as it goes in an address
/// (`region-84`): the server paints the page on it, so nothing moves once the browser runs.
/// `None` in the browser and without a live session: the page then looks at the profile kept
/// on the phone. The page is marked `no-store` (a shared tablet keeps nobody's région).
pub async fn own_region() -> Option<String> {
    #[cfg(feature = "server")]
    {
        let context = dioxus::fullstack::FullstackContext::current()?;
        let app = context.extension::<crate::server::AppState>()?;
        let headers = context.parts_mut().headers.clone();
        let phone_owner = crate::server::accounts::sessions::phone_owner(&headers)?;
        let owner = crate::server::accounts::sessions::conseiller_of(&app, &headers)
            .await
            .ok()??;
        if owner.as_str() != phone_owner {
            return None;
        }
        let departement = crate::server::accounts::departement_of(&app, &owner)
            .await
            .ok()?;
        context.add_response_header(
            axum::http::header::CACHE_CONTROL,
            axum::http::HeaderValue::from_static("no-store"),
        );
        crate::domain::territoire::Territoire::region_of(&departement).map(|r| r.code())
    }
    #[cfg(not(feature = "server"))]
    None
}
