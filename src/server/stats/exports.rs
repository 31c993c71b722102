//! Downloads: the period's records and statistics as CSV files and workbooks (`.xlsx`) for
//! spreadsheets, and the conseiller's own data (RGPD) as CSV, workbook and JSON.
//! Plain routes (a browser link downloads them), behind the same session middleware.

use std::sync::{Arc, LazyLock};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Path, Query};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::Extension;

use futures_util::{Stream, StreamExt, TryStreamExt};
use tokio::sync::{mpsc, Semaphore};

use crate::clock;
use crate::domain::accompagnement::FIRST_DATE;
use crate::domain::export;
use crate::domain::filtres::Filtres;
use crate::domain::stats::{Periode, Stats};
use crate::domain::{ConseillerId, Profil};
use crate::server::store::records::Resume;
use crate::server::{
    accounts, http::errors, stats::national, stats::personal as stats, stats::workbook,
    store::records, structures, AppState, SessionHandle,
};
use crate::wire::{ApiError, NationalQuery, StatsQuery, StoredAccompagnement, TeamQuery};

/// The formats of a download: the same tables as a CSV or as a workbook.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    Csv,
    Xlsx,
}

impl Format {
    fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8",
            Format::Xlsx => workbook::CONTENT_TYPE,
        }
    }
}

/// `body` to save as `conum_{name}_{du}_{au}` in `format`.
fn period_file(name: &str, periode: Periode, format: Format, body: impl Into<Body>) -> Response {
    let file = format!(
        "conum_{name}_{}_{}.{}",
        periode.du,
        periode.au,
        format.extension()
    );
    download(&file, format.content_type(), body)
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
    app: Extension<AppState>,
    session: Extension<SessionHandle>,
    query: Query<StatsQuery>,
) -> Response {
    records_file(app, session, query, Format::Csv).await
}

/// `GET /api/exports/accompagnements.xlsx?du&au`: the same as a workbook.
pub async fn records_xlsx(
    app: Extension<AppState>,
    session: Extension<SessionHandle>,
    query: Query<StatsQuery>,
) -> Response {
    records_file(app, session, query, Format::Xlsx).await
}

async fn records_file(
    Extension(app): Extension<AppState>,
    Extension(session): Extension<SessionHandle>,
    Query(query): Query<StatsQuery>,
    format: Format,
) -> Response {
    let result = async {
        let owner = session.conseiller_id()?;
        let filtres = stats::filtres_of(&query)?;
        let periode = stats::periode(&app, owner, query.du, query.au).await?;
        let body = match format {
            Format::Csv => {
                let head = export::records_csv_head();
                streamed(
                    &app,
                    owner,
                    periode,
                    &filtres,
                    head,
                    csv_rows,
                    String::new(),
                )
                .await?
            }
            Format::Xlsx => records_workbook(&app, owner, periode, &filtres, None).await?,
        };
        Ok::<_, ApiError>(period_file("accompagnements", periode, format, body))
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

/// The period's records a page at a time, oldest first, once the export's turn has come; the
/// stream holds the turn for as long as it lives.
async fn record_pages(
    app: &AppState,
    owner: &ConseillerId,
    periode: Periode,
    filtres: &Filtres,
) -> Result<
    impl Stream<Item = Result<Vec<StoredAccompagnement>, ApiError>> + Send + 'static,
    ApiError,
> {
    let turn = tokio::time::timeout(EXPORT_WAIT, EXPORT_TURNS.clone().acquire_owned())
        .await
        .map_err(|_| ApiError::Busy)?
        .map_err(errors::internal)?;
    let stall = app.config.export_stall;
    let (app, owner, filtres) = (app.clone(), owner.clone(), filtres.clone());
    let pages = futures_util::stream::try_unfold(Some(Resume::default()), move |resume| {
        let (app, owner, filtres) = (app.clone(), owner.clone(), filtres.clone());
        async move {
            let Some(resume) = resume else {
                return Ok(None);
            };
            let mut snapshot = app.db.snapshot().await?;
            let page = records::in_period_after(
                &mut snapshot,
                &owner,
                periode,
                &filtres,
                &resume,
                Some(EXPORT_PAGE),
            )
            .await?;
            snapshot.commit().await?;
            let next = match page.last() {
                Some(last) if page.len() == EXPORT_PAGE => Some(Resume::after(last)),
                _ => None,
            };
            Ok::<_, ApiError>(Some((page, next)))
        }
    });
    // The pages are read by a task of their own, which holds the export's turn and hands each
    // page over as the download takes it; a client that stops reading for `stall` loses its
    // download (the turn goes to the next one) and sees it broken, never a file that looks
    // whole.
    let (sender, receiver) = mpsc::channel(1);
    let stalled = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let given_up = stalled.clone();
    tokio::spawn(async move {
        let _turn = turn;
        let mut pages = std::pin::pin!(pages);
        while let Some(page) = pages.next().await {
            let failed = page.is_err();
            match tokio::time::timeout(stall, sender.send(page)).await {
                Ok(Ok(())) if !failed => {}
                // Sent its error, or the client went away.
                Ok(_) => break,
                Err(_) => {
                    tracing::warn!("export given up: its client stopped reading");
                    given_up.store(true, std::sync::atomic::Ordering::Relaxed);
                    break;
                }
            }
        }
    });
    Ok(
        futures_util::stream::unfold((receiver, stalled), |(mut receiver, stalled)| async move {
            match receiver.recv().await {
                Some(page) => Some((page, (receiver, stalled))),
                None if stalled.swap(false, std::sync::atomic::Ordering::Relaxed) => {
                    Some((Err(ApiError::Busy), (receiver, stalled)))
                }
                None => None,
            }
        })
        .fuse(),
    )
}

/// A file of the period's records, written as it is read: `head`, then each page of
/// records as `rows` renders it (told whether it is the first), then `tail`. Memory stays
/// at one page whatever the number of records; the export's turn is held until the last
/// page is read.
async fn streamed(
    app: &AppState,
    owner: &ConseillerId,
    periode: Periode,
    filtres: &Filtres,
    head: String,
    rows: fn(Vec<StoredAccompagnement>, bool) -> String,
    tail: String,
) -> Result<Body, ApiError> {
    let pages = record_pages(app, owner, periode, filtres).await?;
    let mut first = true;
    let rendered = pages.map_ok(move |page| {
        let text = rows(page, first);
        first = false;
        text
    });
    let whole = futures_util::stream::once(async { Ok(head) })
        .chain(rendered)
        .chain(futures_util::stream::once(async { Ok(tail) }))
        .map_ok(Bytes::from);
    Ok(Body::from_stream(whole))
}

/// The period's records as a workbook ("Mon profil" first when `profil` is given), written
/// while the pages are read and sent while it is zipped: a page of records, a sheet's rows
/// in a temporary file and a few chunks of the zip in memory, whatever the number of records.
async fn records_workbook(
    app: &AppState,
    owner: &ConseillerId,
    periode: Periode,
    filtres: &Filtres,
    profil: Option<Profil>,
) -> Result<Body, ApiError> {
    let pages = record_pages(app, owner, periode, filtres).await?;
    let stall = app.config.export_stall;
    let runtime = tokio::runtime::Handle::current();
    let (chunk_sender, chunks) = mpsc::channel(4);
    // The writer's thread reads the pages itself, and owns them (with the export's turn)
    // until the last byte is handed over.
    tokio::task::spawn_blocking(move || {
        let mut pages = std::pin::pin!(pages);
        let written = (|| {
            let mut book = workbook::RecordsBook::new(profil.as_ref()).map_err(io_error)?;
            while let Some(page) = runtime.block_on(pages.next()) {
                let page: Vec<_> = page
                    .map_err(|error| io_error(format!("{error:?}")))?
                    .into_iter()
                    .map(|s| (s.accompagnement, s.created_at, s.updated_at))
                    .collect();
                book.add(&page).map_err(io_error)?;
            }
            let mut out = ChunkWriter::new(chunk_sender.clone(), runtime.clone(), stall);
            book.finish(&mut out).map_err(io_error)?;
            out.send_buffered()
        })();
        if let Err(error) = written {
            // The client sees a broken download, never a file that looks whole (a client that
            // stopped reading gets what it has, a zip without its end: no spreadsheet opens it).
            tracing::warn!(%error, "workbook export stopped");
            let _ = runtime.block_on(tokio::time::timeout(stall, chunk_sender.send(Err(error))));
        }
    });
    // Fused: the compression layer polls a body once more after its end.
    let stream = futures_util::stream::unfold(chunks, |mut chunks| async move {
        chunks.recv().await.map(|chunk| (chunk, chunks))
    })
    .fuse();
    Ok(Body::from_stream(stream))
}

fn io_error(error: impl std::fmt::Display) -> std::io::Error {
    std::io::Error::other(error.to_string())
}

/// The zip of a workbook, sent to the client in chunks as it is written (the writer runs on a
/// thread of its own and waits while the client is slow).
struct ChunkWriter {
    sender: mpsc::Sender<std::io::Result<Bytes>>,
    buffer: Vec<u8>,
    runtime: tokio::runtime::Handle,
    /// How long a chunk may wait for the client (then the download is given up).
    stall: Duration,
}

impl ChunkWriter {
    const CHUNK: usize = 64 * 1024;

    fn new(
        sender: mpsc::Sender<std::io::Result<Bytes>>,
        runtime: tokio::runtime::Handle,
        stall: Duration,
    ) -> Self {
        ChunkWriter {
            sender,
            buffer: Vec::with_capacity(Self::CHUNK),
            runtime,
            stall,
        }
    }

    fn send_buffered(&mut self) -> std::io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(
            &mut self.buffer,
            Vec::with_capacity(Self::CHUNK),
        ));
        match self.runtime.block_on(tokio::time::timeout(
            self.stall,
            self.sender.send(Ok(chunk)),
        )) {
            Ok(Ok(())) => Ok(()),
            Ok(Err(_)) => Err(std::io::Error::from(std::io::ErrorKind::BrokenPipe)),
            Err(_) => Err(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "its client stopped reading",
            )),
        }
    }
}

impl std::io::Write for ChunkWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.buffer.extend_from_slice(bytes);
        if self.buffer.len() >= Self::CHUNK {
            self.send_buffered()?;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.send_buffered()
    }
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
    app: Extension<AppState>,
    session: Extension<SessionHandle>,
    query: Query<StatsQuery>,
) -> Response {
    stats_file(app, session, query, Format::Csv).await
}

/// `GET /api/exports/statistiques.xlsx?du&au`: the same, a sheet per section.
pub async fn stats_xlsx(
    app: Extension<AppState>,
    session: Extension<SessionHandle>,
    query: Query<StatsQuery>,
) -> Response {
    stats_file(app, session, query, Format::Xlsx).await
}

async fn stats_file(
    Extension(app): Extension<AppState>,
    Extension(session): Extension<SessionHandle>,
    Query(query): Query<StatsQuery>,
    format: Format,
) -> Response {
    let result = async {
        let owner = session.conseiller_id()?;
        let filtres = stats::filtres_of(&query)?;
        let periode = stats::periode(&app, owner, query.du, query.au).await?;
        let figures = stats::for_period(&app, owner, periode, &filtres).await?;
        let whose = with_filters("Statistiques", stats::describe(&filtres));
        let body = stats_body(&figures, &whose, format)?;
        Ok::<_, ApiError>(period_file("statistiques", periode, format, body))
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

/// `GET /api/structures/{id}/statistiques.csv?du&au&conseiller&…`: a structure's figures for
/// one of its coordinators, section by section, then per conseiller and month. Logged.
pub async fn team_csv(
    app: Extension<AppState>,
    session: Extension<SessionHandle>,
    id: Path<String>,
    query: Query<TeamQuery>,
) -> Response {
    team_file(app, session, id, query, Format::Csv).await
}

/// The same as a workbook, a sheet per section.
pub async fn team_xlsx(
    app: Extension<AppState>,
    session: Extension<SessionHandle>,
    id: Path<String>,
    query: Query<TeamQuery>,
) -> Response {
    team_file(app, session, id, query, Format::Xlsx).await
}

async fn team_file(
    Extension(app): Extension<AppState>,
    Extension(session): Extension<SessionHandle>,
    Path(id): Path<String>,
    Query(query): Query<TeamQuery>,
    format: Format,
) -> Response {
    let result = async {
        let coordinator = session.conseiller_id()?;
        let what = match format {
            Format::Csv => "Export CSV des statistiques de la structure",
            Format::Xlsx => "Export Excel des statistiques de la structure",
        };
        let team = structures::team::stats(&app, coordinator, &id, &query, what).await?;
        let whose = with_filters(
            &format!("Statistiques de {}", team.structure.nom),
            team.filtres.clone(),
        );
        let heading = export::stats_heading(&team.stats, &whose);
        let mut tables = export::stats_tables(&team.stats);
        let activity: Vec<_> = team
            .par_conseiller
            .iter()
            .map(|(m, months)| {
                let months = months
                    .iter()
                    .map(|m| (m.mois.clone(), m.comptes_rendus, m.accompagnements))
                    .collect();
                (format!("{} {}", m.prenom, m.nom), months)
            })
            .collect();
        tables.push(export::activity_table(&activity));
        let body: Body = match format {
            Format::Csv => export::tables_csv(&heading, &tables).into(),
            Format::Xlsx => workbook::stats(&heading, &tables)
                .map_err(errors::internal)?
                .into(),
        };
        Ok::<_, ApiError>(period_file("structure", team.stats.periode, format, body))
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

/// "Statistiques (Commune : Lyon · Canal : À distance)": whose figures, and how filtered.
fn with_filters(whose: &str, filters: Option<String>) -> String {
    match filters {
        Some(filters) => format!("{whose} ({filters})"),
        None => whose.to_owned(),
    }
}

/// The statistics of `whose` ("Statistiques", "Statistiques nationales, Bretagne,") as a
/// file of `format`.
fn stats_body(figures: &Stats, whose: &str, format: Format) -> Result<Body, ApiError> {
    Ok(match format {
        Format::Csv => export::stats_csv_of(figures, whose).into(),
        Format::Xlsx => workbook::stats(
            &export::stats_heading(figures, whose),
            &export::stats_tables(figures),
        )
        .map_err(errors::internal)?
        .into(),
    })
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
        &Filtres::default(),
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
    app: Extension<AppState>,
    session: Extension<SessionHandle>,
) -> Response {
    personal_data_file(app, session, Format::Csv).await
}

/// `GET /api/moi/donnees.xlsx`: the profile's sheet, then the records'.
pub async fn personal_data_xlsx(
    app: Extension<AppState>,
    session: Extension<SessionHandle>,
) -> Response {
    personal_data_file(app, session, Format::Xlsx).await
}

async fn personal_data_file(
    Extension(app): Extension<AppState>,
    Extension(session): Extension<SessionHandle>,
    format: Format,
) -> Response {
    let result = async {
        let owner = session.conseiller_id()?;
        let profil = accounts::profil(&app, owner).await?;
        let body = match format {
            Format::Csv => {
                let head = export::personal_data_csv_head(&profil);
                let all = Filtres::default();
                streamed(
                    &app,
                    owner,
                    everything(),
                    &all,
                    head,
                    csv_rows,
                    String::new(),
                )
                .await?
            }
            Format::Xlsx => {
                records_workbook(&app, owner, everything(), &Filtres::default(), Some(profil))
                    .await?
            }
        };
        let file = format!("conum_mes_donnees.{}", format.extension());
        Ok::<_, ApiError>(download(&file, format.content_type(), body))
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

/// `GET /api/exports/nationales.csv?territoire&du&au&canal&activite`: the national statistics
/// of a territory (no records: they would give each conseiller's work away).
pub async fn national_csv(
    app: Extension<AppState>,
    session: Extension<SessionHandle>,
    query: Query<NationalQuery>,
) -> Response {
    national_file(app, session, query, Format::Csv).await
}

/// `GET /api/exports/nationales.xlsx?territoire&du&au`: the same, a sheet per section.
pub async fn national_xlsx(
    app: Extension<AppState>,
    session: Extension<SessionHandle>,
    query: Query<NationalQuery>,
) -> Response {
    national_file(app, session, query, Format::Xlsx).await
}

async fn national_file(
    Extension(app): Extension<AppState>,
    Extension(session): Extension<SessionHandle>,
    Query(query): Query<NationalQuery>,
    format: Format,
) -> Response {
    let result = async {
        let national = national::for_query(&app, &session, &query).await?;
        // A month of the period is secret: no figure of the whole period.
        let stats = national.stats.ok_or(ApiError::TooFewContributors)?;
        let filters = stats::describe(&national.filtres).map(|f| format!(" ({f})"));
        let whose = format!(
            "Statistiques nationales, {}{},",
            national.libelle,
            filters.unwrap_or_default()
        );
        let file = format!(
            "conum_statistiques_{}_{}_{}.{}",
            national.territoire,
            national.du,
            national.au,
            format.extension()
        );
        Ok::<_, ApiError>(download(
            &file,
            format.content_type(),
            stats_body(&stats, &whose, format)?,
        ))
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}
