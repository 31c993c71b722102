//! Downloads: the period's records and statistics as CSV files for spreadsheets, and the
//! conseiller's own data (RGPD) as CSV and JSON.
//! Plain routes (a browser link downloads them), behind the same session middleware.

use axum::extract::Query;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::Extension;

use super::{accounts, errors, national, records, stats, AppState, SessionHandle};
use crate::api::wire::{ApiError, NationalQuery, StatsQuery, StoredAccompagnement};
use crate::clock;
use crate::domain::accompagnement::FIRST_DATE;
use crate::domain::export;
use crate::domain::stats::Periode;
use crate::domain::{ConseillerId, Profil};

fn csv_file(name: &str, periode: Periode, body: String) -> Response {
    let file = format!("conum_{name}_{}_{}.csv", periode.du, periode.au);
    download(&file, "text/csv; charset=utf-8", body)
}

/// A file to save, named `file`.
fn download(file: &str, content_type: &str, body: String) -> Response {
    (
        [
            (CONTENT_TYPE, content_type.to_owned()),
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
        let periode = stats::periode(&app, owner, query.du, query.au).await?;
        let stored = records::in_period(&mut *app.db.pool.acquire().await?, owner, periode).await?;
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
    result.unwrap_or_else(IntoResponse::into_response)
}

/// `GET /api/exports/statistiques.csv?du&au`: the statistics, section by section.
pub async fn stats_csv(
    Extension(app): Extension<AppState>,
    Extension(session): Extension<SessionHandle>,
    Query(query): Query<StatsQuery>,
) -> Response {
    let result = async {
        let owner = session.conseiller_id()?;
        let periode = stats::periode(&app, owner, query.du, query.au).await?;
        let figures = stats::for_period(&app, owner, periode).await?;
        Ok::<_, ApiError>(csv_file(
            "statistiques",
            periode,
            export::stats_csv(&figures),
        ))
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

/// Every record of the conseiller, oldest first, with the profile (RGPD: "Télécharger mes
/// données").
async fn personal_data(
    app: &AppState,
    owner: &ConseillerId,
) -> Result<(Profil, Vec<StoredAccompagnement>), ApiError> {
    let profil = accounts::profil(app, owner).await?;
    let today = clock::today_in_paris();
    let everything = Periode {
        du: FIRST_DATE,
        au: Periode::last_day(today),
    };
    let stored = records::in_period(&mut *app.db.pool.acquire().await?, owner, everything).await?;
    Ok((profil, stored))
}

/// `GET /api/moi/donnees.json`: the profile and every record, as the API gives them.
pub async fn personal_data_json(
    Extension(app): Extension<AppState>,
    Extension(session): Extension<SessionHandle>,
) -> Response {
    let result = async {
        let body = personal_data_json_of(&app, session.conseiller_id()?).await?;
        Ok::<_, ApiError>(download("conum_mes_donnees.json", "application/json", body))
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

/// A conseiller's profile and every record, as JSON (their download, and the programme's
/// `conum admin donnees` for a deactivated account, which can no longer log in).
pub async fn personal_data_json_of(
    app: &AppState,
    owner: &ConseillerId,
) -> Result<String, ApiError> {
    let (profil, accompagnements) = personal_data(app, owner).await?;
    let body = serde_json::json!({
        "exporte_le": clock::to_db(clock::now()),
        "profil": profil,
        "accompagnements": accompagnements,
    });
    serde_json::to_string_pretty(&body).map_err(errors::internal)
}

/// `GET /api/moi/donnees.csv`: the profile, then every record.
pub async fn personal_data_csv(
    Extension(app): Extension<AppState>,
    Extension(session): Extension<SessionHandle>,
) -> Response {
    let result = async {
        let (profil, stored) = personal_data(&app, session.conseiller_id()?).await?;
        let rows: Vec<_> = stored
            .into_iter()
            .map(|s| (s.accompagnement, s.created_at, s.updated_at))
            .collect();
        Ok::<_, ApiError>(download(
            "conum_mes_donnees.csv",
            "text/csv; charset=utf-8",
            export::personal_data_csv(&profil, &rows),
        ))
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

/// `GET /api/exports/nationales.csv?territoire&du&au`: the national statistics of a
/// territory (no records: they would give each conseiller's work away).
pub async fn national_csv(
    Extension(app): Extension<AppState>,
    Extension(session): Extension<SessionHandle>,
    Query(query): Query<NationalQuery>,
) -> Response {
    let result = async {
        let national = national::for_query(&app, &session, &query).await?;
        // A month of the period is secret: no figure of the whole period.
        let stats = national.stats.ok_or(ApiError::TooFewContributors)?;
        Ok::<_, ApiError>(download(
            &format!(
                "conum_statistiques_{}_{}_{}.csv",
                national.territoire, national.du, national.au
            ),
            "text/csv; charset=utf-8",
            export::stats_csv_of(
                &stats,
                &format!("Statistiques nationales, {},", national.libelle),
            ),
        ))
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}
