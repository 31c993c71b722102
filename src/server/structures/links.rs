//! Read-only links to figures, for someone without an account (a mayor, a funder): the
//! author's own figures or a structure's they coordinate, for a period and filters. The
//! server answers them without a session, like the national page; only the SHA-256 of a
//! link's token is stored. Revoked, expired or unknown, a link answers `LinkExpired`.

use chrono::{DateTime, Months, NaiveDate, Utc};
use sqlx::Row;
use uuid::Uuid;

use crate::clock;
use crate::domain::filtres::Filtres;
use crate::domain::stats::Periode;
use crate::domain::ConseillerId;
use crate::server::accounts::sessions::{random_token, token_hash};
use crate::server::stats::personal;
use crate::server::structures::{coordinated, team};
use crate::server::AppState;
use crate::wire::{ApiError, CreatedLink, NewLink, Shared, SharedLink, StatsQuery, TeamQuery};

/// How long a link lives unless said, and the choices.
pub const DEFAULT_MONTHS: u32 = 3;
pub const MONTHS: [u32; 4] = [1, 3, 6, 12];
/// Links an account may hold at once (revoked and expired ones included), so that a
/// stolen session cannot fill the table.
const LINKS_MAX: i64 = 200;

fn filtres_of(link: &NewLink) -> Result<Filtres, ApiError> {
    personal::filtres_of(&StatsQuery {
        du: link.du,
        au: link.au,
        commune: link.commune.clone(),
        canal: link.canal.clone(),
        activite: link.activite.clone(),
    })
}

/// Makes a link; a structure's only by one of its coordinators, a conseiller's of it only
/// while they belong to it during the period.
pub async fn create(
    app: &AppState,
    author: &ConseillerId,
    link: NewLink,
) -> Result<CreatedLink, ApiError> {
    let filtres = filtres_of(&link)?;
    let months = link.duree_mois.unwrap_or(DEFAULT_MONTHS);
    if !MONTHS.contains(&months) {
        return Err(ApiError::invalid_field(
            "duree_mois",
            "Choisissez une durée de 1, 3, 6 ou 12 mois.",
        ));
    }
    let periode = match &link.structure {
        Some(_) => team::periode_of(&team_query(&link))?,
        None => personal::periode(app, author, link.du, link.au).await?,
    };
    if let Some(structure) = &link.structure {
        // The figures as the coordinator would see them, to check the conseiller is theirs;
        // a link made is a view of those figures, logged as such.
        let what = "Lien de consultation créé pour les statistiques";
        team::stats(app, author, structure, &team_query(&link), what).await?;
    } else if link.conseiller.is_some() {
        return Err(ApiError::StructureNotFound);
    }
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM liens_partages WHERE auteur_id = $1")
        .bind(author)
        .fetch_one(&app.db.pool)
        .await?;
    if count >= LINKS_MAX {
        return Err(ApiError::invalid_field(
            "lien",
            "Vous avez déjà créé 200 liens : supprimez-en avant d'en créer d'autres.",
        ));
    }
    let token = random_token();
    let id = Uuid::now_v7().to_string();
    let now = clock::now();
    let expires = now.checked_add_months(Months::new(months)).unwrap_or(now);
    let mut tx = app.db.write().await?;
    sqlx::query(
        "INSERT INTO liens_partages (id, token_hash, auteur_id, structure_id, conseiller_id, du, au, commune_insee, canal, activite, created_at, expires_at, revoked_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, NULL)",
    )
    .bind(&id)
    .bind(token_hash(&token))
    .bind(author)
    .bind(&link.structure)
    .bind(&link.conseiller)
    .bind(periode.du.to_string())
    .bind(periode.au.to_string())
    .bind(&filtres.commune)
    .bind(filtres.canal.map(|c| c.code()))
    .bind(filtres.activite.map(|a| a.code()))
    .bind(now.timestamp())
    .bind(expires.timestamp())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(CreatedLink {
        id,
        jeton: token,
        expire_le: expires,
    })
}

fn team_query(link: &NewLink) -> TeamQuery {
    TeamQuery {
        du: link.du,
        au: link.au,
        conseiller: link.conseiller.clone(),
        commune: link.commune.clone(),
        canal: link.canal.clone(),
        activite: link.activite.clone(),
    }
}

/// A stored link's row, as both the author's list and the public view read it.
struct Stored {
    id: String,
    author: ConseillerId,
    structure: Option<String>,
    conseiller: Option<String>,
    periode: Periode,
    filtres: Filtres,
    created: DateTime<Utc>,
    expires: DateTime<Utc>,
    revoked: bool,
}

const COLUMNS: &str = "id, auteur_id, structure_id, conseiller_id, du, au, commune_insee, canal, activite, created_at, expires_at, revoked_at";

fn stored(row: &sqlx::any::AnyRow) -> Result<Stored, ApiError> {
    let day = |name: &str| -> Result<NaiveDate, ApiError> {
        let text: String = row.try_get(name)?;
        NaiveDate::parse_from_str(&text, "%Y-%m-%d").map_err(|_| ApiError::Server)
    };
    let at = |seconds: i64| DateTime::from_timestamp(seconds, 0).unwrap_or_default();
    let commune: Option<String> = row.try_get("commune_insee")?;
    let canal: Option<String> = row.try_get("canal")?;
    let activite: Option<String> = row.try_get("activite")?;
    Ok(Stored {
        id: row.try_get("id")?,
        author: ConseillerId::new(row.try_get::<String, _>("auteur_id")?),
        structure: row.try_get("structure_id")?,
        conseiller: row.try_get("conseiller_id")?,
        periode: Periode {
            du: day("du")?,
            au: day("au")?,
        },
        filtres: Filtres::parse(commune.as_deref(), canal.as_deref(), activite.as_deref())
            .map_err(|_| ApiError::Server)?,
        created: at(row.try_get("created_at")?),
        expires: at(row.try_get("expires_at")?),
        revoked: row.try_get::<Option<i64>, _>("revoked_at")?.is_some(),
    })
}

/// Whose figures a link shows, in words: "Prénom Nom — Structure" or the structure's name.
/// The links of an account the programme deactivated show nothing more.
async fn title_of(app: &AppState, link: &Stored) -> Result<String, ApiError> {
    let (prenom, nom, structure, deactivated): (String, String, String, Option<i64>) =
        sqlx::query_as(
            "SELECT prenom, nom, structure, desactive_le FROM conseillers WHERE id = $1",
        )
        .bind(&link.author)
        .fetch_one(&app.db.pool)
        .await?;
    if deactivated.is_some() {
        return Err(ApiError::LinkExpired);
    }
    match &link.structure {
        None => Ok(format!("{prenom} {nom} — {structure}")),
        Some(id) => {
            let name: Option<String> =
                sqlx::query_scalar("SELECT nom FROM structures WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&app.db.pool)
                    .await?;
            Ok(name.unwrap_or_default())
        }
    }
}

/// The author's links, newest first.
pub async fn of_author(app: &AppState, author: &ConseillerId) -> Result<Vec<SharedLink>, ApiError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM liens_partages WHERE auteur_id = $1 ORDER BY created_at DESC, id DESC"
    ))
    .bind(author)
    .fetch_all(&app.db.pool)
    .await?;
    let mut links = Vec::new();
    for row in &rows {
        let link = stored(row)?;
        let titre = match &link.structure {
            None => "Mes statistiques".to_owned(),
            Some(_) => title_of(app, &link).await?,
        };
        links.push(SharedLink {
            id: link.id.clone(),
            titre,
            du: link.periode.du,
            au: link.periode.au,
            filtres: personal::describe(&link.filtres),
            cree_le: link.created,
            expire_le: link.expires,
            revoque: link.revoked,
        });
    }
    Ok(links)
}

/// Revokes one of the author's links (someone else's: `LinkNotFound`).
pub async fn revoke(app: &AppState, author: &ConseillerId, id: &str) -> Result<(), ApiError> {
    let mut tx = app.db.write().await?;
    let done = sqlx::query(
        "UPDATE liens_partages SET revoked_at = COALESCE(revoked_at, $3) WHERE id = $1 AND auteur_id = $2",
    )
    .bind(id)
    .bind(author)
    .bind(clock::now().timestamp())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    if done.rows_affected() == 0 {
        return Err(ApiError::LinkNotFound);
    }
    Ok(())
}

/// The figures a link shows, to anyone holding it; `LinkExpired` when it was revoked, has
/// expired, or never was. A structure's link shows what its author may still see: once
/// they no longer coordinate it, it answers as expired.
pub async fn open(app: &AppState, token: &str) -> Result<Shared, ApiError> {
    if token.len() > 100 {
        return Err(ApiError::LinkExpired);
    }
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM liens_partages WHERE token_hash = $1"
    ))
    .bind(token_hash(token))
    .fetch_optional(&app.db.pool)
    .await?;
    let Some(row) = row else {
        return Err(ApiError::LinkExpired);
    };
    let link = stored(&row)?;
    if link.revoked || link.expires <= clock::now() {
        return Err(ApiError::LinkExpired);
    }
    let titre = title_of(app, &link).await?;
    let (stats, filtres) = match &link.structure {
        None => (
            personal::for_period(app, &link.author, link.periode, &link.filtres).await?,
            personal::describe(&link.filtres),
        ),
        Some(structure) => {
            let mut conn = app.db.snapshot().await?;
            let still = coordinated(&mut conn, &link.author, structure).await;
            conn.commit().await?;
            if still.is_err() {
                return Err(ApiError::LinkExpired);
            }
            let query = TeamQuery::of(
                Some(link.periode.du),
                Some(link.periode.au),
                link.conseiller.clone(),
                &link.filtres,
            );
            let figures = team::figures(app, &link.author, structure, &query)
                .await
                .map_err(|_| ApiError::LinkExpired)?;
            (figures.stats, figures.filtres)
        }
    };
    Ok(Shared {
        titre,
        filtres,
        stats,
        expire_le: link.expires,
    })
}
