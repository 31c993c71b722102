//! A conseiller's statistics ("Mes statistiques"), from their daily counters
//! (`server::stats::counters`). The result is the same `Stats` as `domain::stats` computes from the
//! records (a property test holds them equal on SQLite and Postgres).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use sqlx::AnyConnection;

use crate::clock;
use crate::domain::counters::Counters;
use crate::domain::filtres::Filtres;
use crate::domain::stats::{Periode, Stats};
use crate::domain::vocabulary::StructureRedirection;
use crate::domain::ConseillerId;
use crate::server::stats::counters::{self, Table};
use crate::server::store::{communes, records};
use crate::server::AppState;
use crate::wire::{ApiError, StatsQuery};

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

/// A conseiller's statistics for the period, kept by the filters.
pub async fn for_period(
    app: &AppState,
    owner: &ConseillerId,
    periode: Periode,
    filtres: &Filtres,
) -> Result<Stats, ApiError> {
    // The counters and the free texts of one state of the database.
    let mut conn = app.db.snapshot().await?;
    let stats = figures(&mut conn, owner, periode, &[periode], filtres).await?;
    conn.commit().await?;
    Ok(stats)
}

/// A conseiller's figures for `periode`, of their records dated within `spans` (parts of
/// it: a structure counts a conseiller's records only while they belong to it) that the
/// filters keep. Without filters, the sums of their daily counters (at most 366 rows a year,
/// however many records) and the free texts of their réorientations toward "Autre", which
/// the counters pool; with filters, `domain::stats` over the records kept.
pub async fn figures(
    conn: &mut AnyConnection,
    owner: &ConseillerId,
    periode: Periode,
    spans: &[Periode],
    filtres: &Filtres,
) -> Result<Stats, ApiError> {
    if !filtres.is_empty() {
        let mut stats = Stats::empty(periode);
        for span in spans {
            for stored in records::kept_in_period(conn, owner, *span, filtres).await? {
                if filtres.keeps(&stored.accompagnement) {
                    stats.add(&stored.accompagnement);
                }
            }
        }
        return Ok(stats);
    }
    let mut months: BTreeMap<String, Counters> = BTreeMap::new();
    let mut autres = Vec::new();
    for span in spans {
        let of_span =
            counters::per_month(conn, Table::Conseillers, Some(&[owner.as_str()]), *span).await?;
        for (month, counted) in of_span {
            months
                .entry(month)
                .or_insert_with(Counters::zero)
                .add(&counted);
        }
        autres.extend(counters::autres(conn, owner, *span).await?);
    }
    let mut stats = Counters::into_stats(&months, periode);
    stats
        .reorientations
        .remove(StructureRedirection::Autre.label());
    for (libelle, personnes) in autres {
        *stats.reorientations.entry(libelle).or_default() += personnes;
    }
    Ok(stats)
}

/// The filters of a query, their commune checked against the official list.
pub fn filtres_of(query: &StatsQuery) -> Result<Filtres, ApiError> {
    let filtres = query.filtres()?;
    if let Some(code) = &filtres.commune {
        if communes::name_of(code).is_none() {
            return Err(ApiError::invalid_field(
                "commune",
                "La commune du filtre est inconnue.",
            ));
        }
    }
    Ok(filtres)
}

/// The filters in words ("Commune : Lyon · Canal : À distance"), none without filters.
pub fn describe(filtres: &Filtres) -> Option<String> {
    filtres.describe(communes::name_of)
}
