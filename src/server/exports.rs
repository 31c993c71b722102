//! Downloads: the period's records and statistics as CSV files for spreadsheets.
//! Plain routes (a browser link downloads them), behind the same session middleware.

use axum::extract::Query;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::Extension;

use super::http::error_response;
use super::{records, stats, AppState, SessionHandle};
use crate::api::{ApiError, StatsQuery};
use crate::domain::export;
use crate::domain::stats::Periode;

fn csv_file(name: &str, periode: Periode, body: String) -> Response {
    let file = format!("conum_{name}_{}_{}.csv", periode.du, periode.au);
    (
        [
            (CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}\""),
            ),
        ],
        body,
    )
        .into_response()
}

/// `GET /api/exports/accompagnements.csv?du&au`: one row per record.
pub async fn records_csv(
    Extension(app): Extension<AppState>,
    Extension(session): Extension<SessionHandle>,
    Query(query): Query<StatsQuery>,
) -> Response {
    let result = async {
        let owner = session.conseiller_id()?;
        let periode = stats::periode(&app, &session, &query).await?;
        let stored = records::in_period(&app, owner, periode.du, periode.au).await?;
        let rows: Vec<_> = stored
            .into_iter()
            .map(|s| (s.accompagnement, s.created_at, s.updated_at))
            .collect();
        Ok::<_, ApiError>(csv_file(
            "accompagnements",
            periode,
            export::records_csv(&rows),
        ))
    }
    .await;
    result.unwrap_or_else(error_response)
}

/// `GET /api/exports/statistiques.csv?du&au`: the statistics, section by section.
pub async fn stats_csv(
    Extension(app): Extension<AppState>,
    Extension(session): Extension<SessionHandle>,
    Query(query): Query<StatsQuery>,
) -> Response {
    let result = async {
        let periode = stats::periode(&app, &session, &query).await?;
        let figures = stats::for_period(&app, &session, periode).await?;
        Ok::<_, ApiError>(csv_file(
            "statistiques",
            periode,
            export::stats_csv(&figures),
        ))
    }
    .await;
    result.unwrap_or_else(error_response)
}
