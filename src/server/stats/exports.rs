//! Downloads: the period's records and statistics as CSV files for spreadsheets, and the
//! conseiller's own data (RGPD) as CSV and JSON.
//! Plain routes (a browser link downloads them), behind the same session middleware.

use std::sync::{Arc, LazyLock};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::Query;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::Extension;

use tokio::sync::Semaphore;

use crate::clock;
use crate::domain::accompagnement::FIRST_DATE;
use crate::domain::export;
use crate::domain::stats::Periode;
use crate::domain::ConseillerId;
use crate::server::store::records::Resume;
use crate::server::{
    accounts, http::errors, stats::national, stats::personal as stats, store::records, AppState,
    SessionHandle,
};
use crate::wire::{ApiError, NationalQuery, StatsQuery, StoredAccompagnement};

fn csv_file(name: &str, periode: Periode, body: impl Into<Body>) -> Response {
    let file = format!("conum_{name}_{}_{}.csv", periode.du, periode.au);
    download(&file, "text/csv; charset=utf-8", body)
}

/// A file to save, named `file`.
fn download(file: &str, content_type: &str, body: impl Into<Body>) -> Response {
    (
        [
            (CONTENT_TYPE, content_type.to_owned()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}\""),
            ),
        ],
        body.into(),
    )
        .into_response()
}

/// `GET /api/exports/accompagnements.csv?du&au`: one row per record, written a page at a
/// time.
pub async fn records_csv(
    Extension(app): Extension<AppState>,
    Extension(session): Extension<SessionHandle>,
    Query(query): Query<StatsQuery>,
) -> Response {
    let result = async {
        let owner = session.conseiller_id()?;
        let periode = stats::periode(&app, owner, query.du, query.au).await?;
        let body = streamed(
            &app,
            owner,
            periode,
            export::records_csv_head(),
            csv_rows,
            String::new(),
        )
        .await?;
        Ok::<_, ApiError>(csv_file("accompagnements", periode, body))
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

/// Records per page of an export: about a megabyte in memory, whatever the file's size.
const EXPORT_PAGE: usize = 500;
/// Exports this server writes at once (each holds a database connection while it runs);
/// the next ones wait their turn.
const EXPORTS_AT_ONCE: usize = 2;
/// How long an export waits for its turn before a 503.
const EXPORT_WAIT: Duration = Duration::from_secs(20);

static EXPORT_TURNS: LazyLock<Arc<Semaphore>> =
    LazyLock::new(|| Arc::new(Semaphore::new(EXPORTS_AT_ONCE)));

/// A file of the period's records, written as it is read: `head`, then each page of
/// records as `rows` renders it (told whether it is the first), then `tail`. Memory stays
/// at one page whatever the number of records; the export's turn is held until the last
/// byte is sent.
async fn streamed(
    app: &AppState,
    owner: &ConseillerId,
    periode: Periode,
    head: String,
    rows: fn(Vec<StoredAccompagnement>, bool) -> String,
    tail: String,
) -> Result<Body, ApiError> {
    let turn = tokio::time::timeout(EXPORT_WAIT, EXPORT_TURNS.clone().acquire_owned())
        .await
        .map_err(|_| ApiError::Busy)?
        .map_err(errors::internal)?;
    enum Step {
        Head,
        Page(Resume, bool),
        Tail,
        Done,
    }
    let (app, owner) = (app.clone(), owner.clone());
    let pieces = futures_util::stream::try_unfold(Step::Head, move |step| {
        let (app, owner, head, tail) = (app.clone(), owner.clone(), head.clone(), tail.clone());
        let _turn = &turn;
        async move {
            let (piece, next) = match step {
                Step::Head => (head, Step::Page(Resume::default(), true)),
                Step::Page(resume, first) => {
                    let mut snapshot = app.db.snapshot().await?;
                    let page = records::in_period_after(
                        &mut snapshot,
                        &owner,
                        periode,
                        &resume,
                        Some(EXPORT_PAGE),
                    )
                    .await?;
                    snapshot.commit().await?;
                    let next = match page.last() {
                        Some(last) if page.len() == EXPORT_PAGE => {
                            Step::Page(Resume::after(last), false)
                        }
                        _ => Step::Tail,
                    };
                    (rows(page, first), next)
                }
                Step::Tail => (tail, Step::Done),
                Step::Done => return Ok::<_, ApiError>(None),
            };
            Ok(Some((Bytes::from(piece), next)))
        }
    });
    Ok(Body::from_stream(pieces))
}

fn csv_rows(page: Vec<StoredAccompagnement>, _first: bool) -> String {
    let rows: Vec<_> = page
        .into_iter()
        .map(|s| (s.accompagnement, s.created_at, s.updated_at))
        .collect();
    export::records_csv_rows(&rows)
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

/// Every record a conseiller could have: from the first date allowed to the end of this year.
fn everything() -> Periode {
    Periode {
        du: FIRST_DATE,
        au: Periode::last_day(clock::today_in_paris()),
    }
}

/// `GET /api/moi/donnees.json`: the profile and every record, as the API gives them
/// (RGPD: "Télécharger mes données").
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

/// A conseiller's profile and every record, as JSON written a page at a time (their
/// download, and the programme's `conum admin donnees` for a deactivated account, which can
/// no longer log in).
pub async fn personal_data_json_of(app: &AppState, owner: &ConseillerId) -> Result<Body, ApiError> {
    let profil = accounts::profil(app, owner).await?;
    let head = format!(
        "{{\"exporte_le\":{},\"profil\":{},\"accompagnements\":[",
        serde_json::to_string(&clock::to_db(clock::now())).map_err(errors::internal)?,
        serde_json::to_string(&profil).map_err(errors::internal)?,
    );
    streamed(
        app,
        owner,
        everything(),
        head,
        json_items,
        "]}\n".to_owned(),
    )
    .await
}

/// A page of records as JSON array items (a comma before all but the first page's first).
fn json_items(page: Vec<StoredAccompagnement>, first: bool) -> String {
    let mut text = String::new();
    for (n, stored) in page.iter().enumerate() {
        if n > 0 || !first {
            text.push(',');
        }
        // A record always serializes (strings, numbers, dates).
        text.push_str(&serde_json::to_string(stored).unwrap_or_default());
    }
    text
}

/// `GET /api/moi/donnees.csv`: the profile, then every record.
pub async fn personal_data_csv(
    Extension(app): Extension<AppState>,
    Extension(session): Extension<SessionHandle>,
) -> Response {
    let result = async {
        let owner = session.conseiller_id()?;
        let profil = accounts::profil(&app, owner).await?;
        let head = export::personal_data_csv_head(&profil);
        let body = streamed(&app, owner, everything(), head, csv_rows, String::new()).await?;
        Ok::<_, ApiError>(download(
            "conum_mes_donnees.csv",
            "text/csv; charset=utf-8",
            body,
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
