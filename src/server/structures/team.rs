//! A structure's figures for its coordinators: pooled over its conseillers (or one of them)
//! while they belong to it, and per conseiller and month — the reporting the structure owes
//! the programme. Never a record, never an annotation. Every view is logged for each
//! conseiller whose figures it shows ("Qui a consulté mes statistiques").

use chrono::{Datelike, NaiveDate};
use sqlx::AnyConnection;

use crate::clock;
use crate::domain::stats::{Periode, Stats};
use crate::domain::ConseillerId;
use crate::server::stats::personal;
use crate::server::structures::coordinated;
use crate::server::AppState;
use crate::wire::{ApiError, Consultation, Membre, MoisActivite, TeamQuery, TeamStats};

/// A conseiller of the structure during a period, and the parts of it they belonged to it.
struct Attached {
    membre: Membre,
    spans: Vec<Periode>,
}

/// The conseillers attached to the structure at some day of the period, by name.
async fn attached(
    conn: &mut AnyConnection,
    structure_id: &str,
    periode: Periode,
) -> Result<Vec<Attached>, ApiError> {
    let rows: Vec<(String, String, String, String, Option<String>)> = sqlx::query_as(
        "SELECT r.conseiller_id, c.prenom, c.nom, r.debut, r.fin
         FROM rattachements r JOIN conseillers c ON c.id = r.conseiller_id
         WHERE r.structure_id = $1 AND r.debut <= $3 AND (r.fin IS NULL OR r.fin >= $2)
         ORDER BY c.nom, c.prenom, r.conseiller_id, r.debut",
    )
    .bind(structure_id)
    .bind(periode.du.to_string())
    .bind(periode.au.to_string())
    .fetch_all(&mut *conn)
    .await?;
    let day = |text: &str| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok();
    let mut attached: Vec<Attached> = Vec::new();
    for (id, prenom, nom, debut, fin) in rows {
        let du = day(&debut).map_or(periode.du, |d| d.max(periode.du));
        let au = fin
            .as_deref()
            .and_then(day)
            .map_or(periode.au, |f| f.min(periode.au));
        let span = Periode { du, au };
        match attached.last_mut() {
            Some(last) if last.membre.id.as_str() == id => last.spans.push(span),
            _ => attached.push(Attached {
                membre: Membre {
                    id: ConseillerId::new(id),
                    prenom,
                    nom,
                },
                spans: vec![span],
            }),
        }
    }
    Ok(attached)
}

/// The period of a structure's figures: `au` today unless said, `du` the first of its
/// month unless said.
pub fn periode_of(query: &TeamQuery) -> Result<Periode, ApiError> {
    let today = clock::today_in_paris();
    let au = query.au.unwrap_or(today);
    let du = query.du.unwrap_or_else(|| au.with_day0(0).unwrap_or(au));
    Ok(Periode::parse(du, au, today)?)
}

/// The figures of a structure its coordinator asks for, logged for each conseiller they show
/// (`what` says what the view was: "Statistiques de la structure", an export…).
pub async fn stats(
    app: &AppState,
    coordinator: &ConseillerId,
    structure_id: &str,
    query: &TeamQuery,
    what: &str,
) -> Result<TeamStats, ApiError> {
    let team = figures(app, coordinator, structure_id, query).await?;
    let periode = team.stats.periode;
    let objet = format!(
        "{what} du {} au {}{}",
        periode.du.format("%d/%m/%Y"),
        periode.au.format("%d/%m/%Y"),
        team.filtres
            .as_ref()
            .map_or(String::new(), |f| format!(" ({f})"))
    );
    let seen: Vec<&ConseillerId> = team.par_conseiller.iter().map(|(m, _)| &m.id).collect();
    log(app, coordinator, structure_id, &seen, &objet).await?;
    Ok(team)
}

/// The figures of a structure its coordinator may see, not logged (a read-only link's: its
/// making was).
pub async fn figures(
    app: &AppState,
    coordinator: &ConseillerId,
    structure_id: &str,
    query: &TeamQuery,
) -> Result<TeamStats, ApiError> {
    let filtres = personal::filtres_of(&query.stats_query())?;
    let periode = periode_of(query)?;
    let mut conn = app.db.snapshot().await?;
    let structure = coordinated(&mut conn, coordinator, structure_id).await?;
    let everyone = attached(&mut conn, structure_id, periode).await?;
    let membres: Vec<Membre> = everyone.iter().map(|a| a.membre.clone()).collect();
    let chosen: Vec<&Attached> = match &query.conseiller {
        Some(id) => {
            let one: Vec<_> = everyone
                .iter()
                .filter(|a| a.membre.id.as_str() == id)
                .collect();
            if one.is_empty() {
                return Err(ApiError::ConseillerNotFound);
            }
            one
        }
        None => everyone.iter().collect(),
    };
    let mut pooled = Stats::empty(periode);
    let mut par_conseiller = Vec::new();
    for a in &chosen {
        let own = personal::figures(&mut conn, &a.membre.id, periode, &a.spans, &filtres).await?;
        pooled.merge(&own);
        par_conseiller.push((a.membre.clone(), months_of(&own)));
    }
    conn.commit().await?;
    let mut described: Vec<String> = Vec::new();
    if let (Some(_), [one]) = (&query.conseiller, chosen.as_slice()) {
        described.push(format!(
            "Conseiller : {} {}",
            one.membre.prenom, one.membre.nom
        ));
    }
    described.extend(personal::describe(&filtres));
    Ok(TeamStats {
        structure,
        membres,
        stats: pooled,
        par_conseiller,
        filtres: (!described.is_empty()).then(|| described.join(" · ")),
    })
}

/// Records and people per month of one conseiller's figures.
fn months_of(stats: &Stats) -> Vec<MoisActivite> {
    stats
        .evolution
        .iter()
        .map(|(mois, records)| MoisActivite {
            mois: mois.clone(),
            comptes_rendus: *records,
            accompagnements: stats
                .evolution_accompagnements
                .get(mois)
                .copied()
                .unwrap_or(0),
        })
        .collect()
}

/// Writes down that `coordinator` saw `objet` of each of `seen` (not of themselves).
pub async fn log(
    app: &AppState,
    coordinator: &ConseillerId,
    structure_id: &str,
    seen: &[&ConseillerId],
    objet: &str,
) -> Result<(), ApiError> {
    let others: Vec<_> = seen.iter().filter(|id| **id != coordinator).collect();
    if others.is_empty() {
        return Ok(());
    }
    let now = clock::now().timestamp();
    let mut tx = app.db.write().await?;
    for conseiller in others {
        sqlx::query(
            "INSERT INTO consultations (conseiller_id, coordinateur_id, structure_id, consulte_le, objet)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(*conseiller)
        .bind(coordinator)
        .bind(structure_id)
        .bind(now)
        .bind(objet)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The views of the conseiller's figures, newest first (the last 200).
pub async fn consultations_of(
    app: &AppState,
    conseiller: &ConseillerId,
) -> Result<Vec<Consultation>, ApiError> {
    let rows: Vec<(String, String, Option<String>, i64, String)> = sqlx::query_as(
        "SELECT c.prenom, c.nom, s.nom, k.consulte_le, k.objet
         FROM consultations k JOIN conseillers c ON c.id = k.coordinateur_id
              LEFT JOIN structures s ON s.id = k.structure_id
         WHERE k.conseiller_id = $1 ORDER BY k.consulte_le DESC LIMIT 200",
    )
    .bind(conseiller)
    .fetch_all(&app.db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(prenom, nom, structure, at, objet)| Consultation {
            par: format!("{prenom} {nom}"),
            structure: structure.unwrap_or_default(),
            le: chrono::DateTime::from_timestamp(at, 0).unwrap_or_default(),
            objet,
        })
        .collect())
}
