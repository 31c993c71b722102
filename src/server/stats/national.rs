//! The national and régional statistics: the records of every conseiller who counts
//! (`server::accounts::standing`), pooled per département (their profile's, at the time of the
//! query) and per month, published under the statistical secret of `domain::anonymat`.
//!
//! Filtered by canal and/or activité (domain.md §3, "Filtres"), a territory's month is published
//! only where `domain::anonymat::Ventilation` allows it, from the counters per pair
//! (`stats_paire_jour`).
//!
//! A month's cells (its publication and its counters per département), for each filter asked,
//! are read once, in one consistent snapshot, and kept in memory: a month that is over changes only by late
//! edits, which this server forgets the month for, and which other servers (or `conum
//! admin`) see after `NATIONAL_CACHE_SECONDS`. Reading is done by one request at a time
//! (the national figures' share of the pool is one connection), so a flood of national
//! queries costs the conseillers' saves nothing but CPU.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::clock;
use crate::domain::anonymat::{Publication, Ventilation};
use crate::domain::counters::Counters;
use crate::domain::filtres::Filtres;
use crate::domain::mois::{Mois, PeriodeMois};
use crate::domain::territoire::Territoire;
use crate::server::{stats::counters, AppState, Db, SessionHandle};
use crate::wire::{ApiError, NationalMonth, NationalQuery, NationalStats};

/// Which territories of a month are published: unfiltered, or per canal and activité.
enum Secret {
    Plain(Publication),
    Filtered(Ventilation),
}

impl Secret {
    fn is_published(&self, territoire: &Territoire) -> bool {
        match self {
            Secret::Plain(publication) => publication.is_published(territoire),
            Secret::Filtered(ventilation) => ventilation.is_published(territoire),
        }
    }
}

/// One month of pooled figures, under one filter: which territories are published, and the
/// counters of each département (those with records).
struct MonthCells {
    secret: Secret,
    departements: BTreeMap<String, Counters>,
}

impl MonthCells {
    /// The territory's counters that month, if its cell is published.
    fn of(&self, territoire: &Territoire) -> Option<Counters> {
        if !self.secret.is_published(territoire) {
            return None;
        }
        let codes = territoire.departements();
        let mut sum = Counters::zero();
        for (departement, counters) in &self.departements {
            if codes
                .as_ref()
                .is_none_or(|codes| codes.contains(&departement.as_str()))
            {
                sum.add(counters);
            }
        }
        Some(sum)
    }
}

/// A month under a filter (none: the unfiltered figures).
type CellsKey = (Mois, Filtres);

/// How many months (each under one filter) are kept in memory at most: some 60 KB each (a
/// hundred départements' counters), so about 24 MB. Enough for every month since 2020
/// unfiltered and a year under each of the 19 filters.
const MAX_CACHED_CELLS: usize = 400;

/// The months read so far, and how they are read.
pub struct National {
    months: Mutex<HashMap<CellsKey, (Instant, Arc<MonthCells>)>>,
    /// Bumped by every change this server makes: a reading begun before it is not kept.
    generation: AtomicU64,
    /// One reading at a time; the others wait for it, then find their months read.
    reading: tokio::sync::Mutex<()>,
    /// One national answer at a time, from the request to its compressed bytes
    /// ([`one_at_a_time`]).
    answering: tokio::sync::Semaphore,
    lifetime: Duration,
}

impl National {
    pub fn new(lifetime: Duration) -> National {
        National {
            months: Mutex::default(),
            generation: AtomicU64::new(0),
            reading: tokio::sync::Mutex::new(()),
            answering: tokio::sync::Semaphore::new(1),
            lifetime,
        }
    }

    /// A record of `mois` was created, changed or deleted here: its figures are read again.
    pub fn forget(&self, mois: Mois) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        self.cache().retain(|(month, _), _| *month != mois);
    }

    /// Whose records count, or where, changed (a standing, a move, a deletion): every month
    /// is read again.
    pub fn forget_all(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        self.cache().clear();
    }

    fn cache(&self) -> std::sync::MutexGuard<'_, HashMap<CellsKey, (Instant, Arc<MonthCells>)>> {
        self.months
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The cells of every month of the period under the filters, from memory while fresh.
    async fn cells(
        &self,
        db: &Db,
        periode: PeriodeMois,
        filtres: &Filtres,
    ) -> Result<Vec<(Mois, Arc<MonthCells>)>, ApiError> {
        if let Some(cells) = self.fresh(periode, filtres) {
            return Ok(cells);
        }
        let _reading = self.reading.lock().await;
        if let Some(cells) = self.fresh(periode, filtres) {
            return Ok(cells);
        }
        let generation = self.generation.load(Ordering::SeqCst);
        let read = read_months(db, periode, filtres).await?;
        if self.generation.load(Ordering::SeqCst) == generation {
            let now = Instant::now();
            let mut cache = self.cache();
            for (mois, cells) in &read {
                cache.insert((*mois, filtres.clone()), (now, cells.clone()));
            }
            // Bounded: every filter of every month since 2020 would hold some 100 MB.
            while cache.len() > MAX_CACHED_CELLS {
                let oldest = cache
                    .iter()
                    .min_by_key(|(_, (read_at, _))| *read_at)
                    .map(|(key, _)| key.clone());
                match oldest {
                    Some(key) => cache.remove(&key),
                    None => break,
                };
            }
        }
        Ok(read)
    }

    fn fresh(
        &self,
        periode: PeriodeMois,
        filtres: &Filtres,
    ) -> Option<Vec<(Mois, Arc<MonthCells>)>> {
        let cache = self.cache();
        periode
            .months()
            .map(|mois| {
                let (read_at, cells) = cache.get(&(mois, filtres.clone()))?;
                (read_at.elapsed() < self.lifetime).then(|| (mois, cells.clone()))
            })
            .collect()
    }
}

/// Reads every month of the period in one snapshot (contributors and counters agree).
async fn read_months(
    db: &Db,
    periode: PeriodeMois,
    filtres: &Filtres,
) -> Result<Vec<(Mois, Arc<MonthCells>)>, ApiError> {
    let (du, au) = (periode.du(), periode.au());
    let mut tx = db.snapshot().await?;
    let mut secrets: BTreeMap<Mois, Secret> = if filtres.is_empty() {
        counters::contributors_per_month(&mut tx, du, au)
            .await?
            .into_iter()
            .map(|(mois, c)| (mois, Secret::Plain(Publication::of(&c))))
            .collect()
    } else {
        counters::pair_contributors_per_month(&mut tx, du, au)
            .await?
            .into_iter()
            .map(|(mois, c)| (mois, Secret::Filtered(Ventilation::of(&c))))
            .collect()
    };
    let mut counters = counters::pooled_per_month(&mut tx, du, au, filtres).await?;
    tx.commit().await?;
    Ok(periode
        .months()
        .map(|mois| {
            let cells = MonthCells {
                // A month nobody contributed to: zeros everywhere, like its cells.
                secret: secrets
                    .remove(&mois)
                    .unwrap_or(Secret::Plain(Publication::of(&BTreeMap::new()))),
                departements: counters.remove(&mois).unwrap_or_default(),
            };
            (mois, Arc::new(cells))
        })
        .collect())
}

/// The figures of a territory over a run of whole months: month by month those of its
/// published cells, and every figure of the period only when every month is published.
pub async fn stats(
    app: &AppState,
    territoire: &Territoire,
    periode: PeriodeMois,
    filtres: &Filtres,
) -> Result<NationalStats, ApiError> {
    let cells = app.national.cells(&app.db, periode, filtres).await?;
    let mut months: BTreeMap<String, Counters> = BTreeMap::new();
    let mut evolution = Vec::new();
    for (mois, cells) in &cells {
        let figures = cells.of(territoire);
        let value = |i: usize| figures.as_ref().map(|c| c.values()[i].max(0) as u64);
        evolution.push(NationalMonth {
            mois: *mois,
            comptes_rendus: value(0),
            accompagnements: value(1),
        });
        if let Some(figures) = figures {
            months.insert(mois.to_string(), figures);
        }
    }
    let complete = evolution.iter().all(|m| m.comptes_rendus.is_some());
    Ok(NationalStats {
        territoire: territoire.code(),
        libelle: territoire.label(),
        filtres: filtres.clone(),
        du: periode.du(),
        au: periode.au(),
        stats: complete.then(|| Counters::into_stats(&months, periode.periode())),
        evolution,
    })
}

/// The national statistics a query asks for: its territory (France by default) and its run
/// of months (this year's by default), checked; only for logged-in conseillers unless the
/// statistics are public.
pub async fn for_query(
    app: &AppState,
    session: &SessionHandle,
    query: &NationalQuery,
) -> Result<NationalStats, ApiError> {
    if !app.config.public_statistics {
        session.conseiller_id()?;
    }
    let territoire = query.territoire()?;
    let periode = query.periode(clock::today_in_paris())?;
    let filtres = query.filtres()?;
    stats(app, &territoire, periode, &filtres).await
}

/// How long a national request may wait for its turn before a 503.
const TURN_WAIT: Duration = Duration::from_secs(5);

/// The largest national answer (a CSV or JSON of a few KB).
const ANSWER_MAX_BYTES: usize = 1024 * 1024;

/// Middleware: national figures (the API and its CSV) are answered one at a time, from the
/// request to the compressed bytes, so that a flood of them — anonymous when the figures are
/// public — takes one core at most and leaves the conseillers' saves their share. Past
/// [`TURN_WAIT`] in the queue, a French 503.
pub async fn one_at_a_time(State(app): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if path != "/api/statistiques/nationales" && path != "/api/exports/nationales.csv" {
        return next.run(request).await;
    }
    let Ok(Ok(_turn)) = tokio::time::timeout(TURN_WAIT, app.national.answering.acquire()).await
    else {
        return ApiError::Busy.into_response();
    };
    let (parts, body) = next.run(request).await.into_parts();
    // The body is compressed as it is read: read here, inside the turn.
    match axum::body::to_bytes(body, ANSWER_MAX_BYTES).await {
        Ok(bytes) => Response::from_parts(parts, Body::from(bytes)),
        Err(error) => {
            tracing::error!(%error, "national answer not read");
            ApiError::Server.into_response()
        }
    }
}
