//! Statistics computed by the database: GROUP BY on the indexed (conseiller_id, date),
//! never every row in memory. The result is the same `Stats` as `domain::stats` computes
//! from records (a property test holds them equal on SQLite and Postgres).

use chrono::NaiveDate;
use sqlx::Row;

use super::db;
use super::AppState;
use crate::api::wire::ApiError;
use crate::clock;
use crate::domain::stats::{Periode, Stats};
use crate::domain::vocabulary::{
    Activite, Canal, Statut, StructureRedirection, Thematique, TrancheAge, TrancheDuree,
};
use crate::domain::ConseillerId;

/// The period asked for: `au` defaults to today, `du` to the first record (or `au`); both
/// within the bounds of [`Periode::parse`].
pub async fn periode(
    app: &AppState,
    owner: &ConseillerId,
    du: Option<NaiveDate>,
    au: Option<NaiveDate>,
) -> Result<Periode, ApiError> {
    let today = clock::today_in_paris();
    let au = au.unwrap_or(today);
    let du = match du {
        Some(du) => du,
        None => {
            let first: Option<String> = sqlx::query_scalar(
                "SELECT MIN(date) FROM accompagnements WHERE conseiller_id = $1",
            )
            .bind(owner)
            .fetch_one(&app.db.pool)
            .await?;
            first
                .and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok())
                .unwrap_or(au)
                .min(au)
        }
    };
    Ok(Periode::parse(du, au, today)?)
}

/// The records of the period, for the joins below.
const OWN_IN_PERIOD: &str = "a.conseiller_id = $1 AND a.date >= $2 AND a.date <= $3";

pub async fn for_period(
    app: &AppState,
    owner: &ConseillerId,
    periode: Periode,
) -> Result<Stats, ApiError> {
    let scope = Scope {
        db: &app.db,
        owner,
        du: periode.du.to_string(),
        au: periode.au.to_string(),
    };
    let mut stats = Stats::empty(periode);

    let per_activity = format!(
        "SELECT a.activite, COUNT(*) AS n, CAST(SUM(a.participants) AS BIGINT) AS participants,
                CAST(SUM(COALESCE(a.deja_accompagnes, 0)) AS BIGINT) AS deja,
                CAST(SUM(a.suivi_individuel) AS BIGINT) AS si, CAST(SUM(a.suivi_atelier) AS BIGINT) AS sa,
                CAST(SUM(a.suivi_redirection) AS BIGINT) AS sr, CAST(SUM(a.duree_minutes) AS BIGINT) AS minutes
         FROM accompagnements a WHERE {OWN_IN_PERIOD} GROUP BY a.activite"
    );
    for row in scope.rows(&per_activity).await? {
        let Some(activite) = Activite::from_code(&text(&row, "activite")?) else {
            continue;
        };
        let n = count(&row, "n")?;
        let participants = count(&row, "participants")?;
        stats.records += n;
        stats.accompagnements += participants;
        stats.deja_accompagnes += count(&row, "deja")?;
        stats.par_activite.insert(activite, n);
        if activite == Activite::Collectif {
            stats.participants_ateliers = participants;
        }
        stats.suivi.individuel += count(&row, "si")?;
        stats.suivi.atelier += count(&row, "sa")?;
        stats.suivi.redirection += count(&row, "sr")?;
        stats
            .temps_par_activite
            .insert(activite, count(&row, "minutes")?);
    }

    let per_canal = format!("SELECT a.canal AS code, COUNT(*) AS n FROM accompagnements a WHERE {OWN_IN_PERIOD} GROUP BY a.canal");
    fill(
        &mut stats.canaux,
        scope.rows(&per_canal).await?,
        Canal::from_code,
    )?;

    let per_duration = format!(
        "SELECT {} AS code, COUNT(*) AS n FROM accompagnements a WHERE {OWN_IN_PERIOD} GROUP BY 1",
        duration_bucket_sql()
    );
    fill(
        &mut stats.durees,
        scope.rows(&per_duration).await?,
        TrancheDuree::from_code,
    )?;

    let per_public = format!(
        "SELECT p.dimension, p.code, CAST(SUM(p.personnes) AS BIGINT) AS n
         FROM accompagnement_publics p JOIN accompagnements a ON a.id = p.accompagnement_id
         WHERE {OWN_IN_PERIOD} GROUP BY p.dimension, p.code"
    );
    let (ages, statuts): (Vec<_>, Vec<_>) = scope
        .rows(&per_public)
        .await?
        .into_iter()
        .partition(|row| text(row, "dimension").is_ok_and(|d| d == "age"));
    fill(&mut stats.ages, ages, TrancheAge::from_code)?;
    fill(&mut stats.statuts, statuts, Statut::from_code)?;

    let per_theme = format!(
        "SELECT t.thematique AS code, COUNT(*) AS n
         FROM accompagnement_thematiques t JOIN accompagnements a ON a.id = t.accompagnement_id
         WHERE {OWN_IN_PERIOD} GROUP BY t.thematique"
    );
    fill(
        &mut stats.thematiques,
        scope.rows(&per_theme).await?,
        Thematique::from_code,
    )?;

    let per_structure = format!(
        "SELECT r.structure, r.structure_autre, CAST(SUM(r.personnes) AS BIGINT) AS n
         FROM accompagnement_redirections r JOIN accompagnements a ON a.id = r.accompagnement_id
         WHERE {OWN_IN_PERIOD} GROUP BY r.structure, r.structure_autre"
    );
    for row in scope.rows(&per_structure).await? {
        let autre: Option<String> = row.try_get("structure_autre").map_err(ApiError::from)?;
        let label = match autre {
            Some(text) => text,
            None => StructureRedirection::from_code(&text(&row, "structure")?)
                .map(|s| s.label().to_owned())
                .unwrap_or_default(),
        };
        *stats.reorientations.entry(label).or_default() += count(&row, "n")?;
    }

    let per_month = format!(
        "SELECT substr(a.date, 1, 7) AS code, COUNT(*) AS n FROM accompagnements a WHERE {OWN_IN_PERIOD} GROUP BY 1"
    );
    fill(&mut stats.evolution, scope.rows(&per_month).await?, |m| {
        Some(m.to_owned())
    })?;
    Ok(stats)
}

/// The duration buckets as a SQL CASE, from their one definition in the vocabulary.
fn duration_bucket_sql() -> String {
    let mut case = String::from("CASE");
    for bucket in TrancheDuree::ALL {
        match bucket.max_minutes() {
            Some(max) => case.push_str(&format!(
                " WHEN a.duree_minutes <= {max} THEN '{}'",
                bucket.code()
            )),
            None => case.push_str(&format!(" ELSE '{}'", bucket.code())),
        }
    }
    case.push_str(" END");
    case
}

/// The conseiller and the period every query is restricted to ($1, $2, $3).
struct Scope<'a> {
    db: &'a db::Db,
    owner: &'a ConseillerId,
    du: String,
    au: String,
}

impl Scope<'_> {
    async fn rows(&self, sql: &str) -> Result<Vec<sqlx::any::AnyRow>, ApiError> {
        sqlx::query(sql)
            .bind(self.owner)
            .bind(&self.du)
            .bind(&self.au)
            .fetch_all(&self.db.pool)
            .await
            .map_err(ApiError::from)
    }
}

/// Puts the `code` → `n` rows into a distribution; codes outside the vocabulary are ignored.
fn fill<K: Ord>(
    distribution: &mut std::collections::BTreeMap<K, u64>,
    rows: Vec<sqlx::any::AnyRow>,
    key: impl Fn(&str) -> Option<K>,
) -> Result<(), ApiError> {
    for row in rows {
        if let Some(k) = key(&text(&row, "code")?) {
            distribution.insert(k, count(&row, "n")?);
        }
    }
    Ok(())
}

fn text(row: &sqlx::any::AnyRow, column: &str) -> Result<String, ApiError> {
    row.try_get(column).map_err(ApiError::from)
}

fn count(row: &sqlx::any::AnyRow, column: &str) -> Result<u64, ApiError> {
    let n: i64 = row.try_get(column).map_err(ApiError::from)?;
    Ok(n.max(0) as u64)
}
