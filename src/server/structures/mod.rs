//! Structures d'accueil (domain.md §2): the structures, who belongs to which and from when to
//! when (`rattachements`), who coordinates them; `team`: a structure's figures for its
//! coordinators and the log of what they saw; `links`: read-only links to figures.

pub mod links;
pub mod team;

use chrono::{Days, NaiveDate};
use sqlx::{AnyConnection, Row};
use uuid::Uuid;

use crate::clock;
use crate::domain::accompagnement::FIRST_DATE;
use crate::domain::conseiller::normalize_email;
use crate::domain::structure;
use crate::domain::{Commune, CommuneInput, ConseillerId};
use crate::server::{AppState, Db};
use crate::wire::{ApiError, MaStructure, StructureInfo};

/// The columns `info` reads.
const COLUMNS: &str = "s.id, s.nom, s.siret, s.commune_nom, s.commune_code_postal";

fn info(row: &sqlx::any::AnyRow) -> Result<StructureInfo, sqlx::Error> {
    let commune_nom: String = row.try_get("commune_nom")?;
    let code_postal: String = row.try_get("commune_code_postal")?;
    Ok(StructureInfo {
        id: row.try_get("id")?,
        nom: row.try_get("nom")?,
        siret: row.try_get("siret")?,
        commune: format!("{commune_nom} ({code_postal})"),
    })
}

/// The id of the structure so named in this commune; made, to be reviewed by the programme,
/// when there is none.
async fn find_or_make(
    conn: &mut AnyConnection,
    nom: &str,
    commune: &Commune,
) -> Result<String, ApiError> {
    let key = structure::key(nom);
    sqlx::query(
        "INSERT INTO structures (id, nom, cle, siret, commune_insee, commune_nom, commune_code_postal, a_verifier, created_at)
         VALUES ($1, $2, $3, NULL, $4, $5, $6, 1, $7)
         ON CONFLICT (cle, commune_insee) DO NOTHING",
    )
    .bind(Uuid::now_v7().to_string())
    .bind(nom.trim())
    .bind(&key)
    .bind(commune.insee())
    .bind(commune.nom())
    .bind(commune.code_postal())
    .bind(clock::now().timestamp())
    .execute(&mut *conn)
    .await?;
    Ok(
        sqlx::query_scalar("SELECT id FROM structures WHERE cle = $1 AND commune_insee = $2")
            .bind(&key)
            .bind(commune.insee())
            .fetch_one(&mut *conn)
            .await?,
    )
}

/// The conseiller's structure today, and since when.
async fn current(
    conn: &mut AnyConnection,
    conseiller: &ConseillerId,
) -> Result<Option<(StructureInfo, NaiveDate)>, ApiError> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS}, s.cle, r.debut FROM rattachements r JOIN structures s ON s.id = r.structure_id
         WHERE r.conseiller_id = $1 AND r.fin IS NULL"
    ))
    .bind(conseiller)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let debut: String = row.try_get("debut")?;
    let debut = NaiveDate::parse_from_str(&debut, "%Y-%m-%d").map_err(|_| ApiError::Server)?;
    Ok(Some((info(&row)?, debut)))
}

/// Attaches the conseiller to the structure named `nom` (in their commune, unless it is the
/// name of their current structure: a structure the programme moved to another commune stays
/// theirs) from `day` on. Their first structure is theirs from the first day a record may
/// have (records entered late count for it). A change is a move when they recorded something
/// for the structure they leave: that attachment ends the day before; otherwise it is a
/// correction, and the attachment changes structure from its first day.
pub async fn attach(
    conn: &mut AnyConnection,
    conseiller: &ConseillerId,
    nom: &str,
    commune: &Commune,
    day: NaiveDate,
) -> Result<(), ApiError> {
    let now: Option<(String, String)> = sqlx::query_as(
        "SELECT s.cle, r.debut FROM rattachements r JOIN structures s ON s.id = r.structure_id
         WHERE r.conseiller_id = $1 AND r.fin IS NULL",
    )
    .bind(conseiller)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some((key, _)) = &now {
        if *key == structure::key(nom) {
            return Ok(());
        }
    }
    let structure_id = find_or_make(conn, nom, commune).await?;
    let Some((_, debut)) = now else {
        sqlx::query(
            "INSERT INTO rattachements (conseiller_id, structure_id, debut, fin) VALUES ($1, $2, $3, NULL)",
        )
        .bind(conseiller)
        .bind(&structure_id)
        .bind(FIRST_DATE.to_string())
        .execute(&mut *conn)
        .await?;
        return Ok(());
    };
    let recorded: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM accompagnements WHERE conseiller_id = $1 AND date >= $2 AND date < $3",
    )
    .bind(conseiller)
    .bind(&debut)
    .bind(day.to_string())
    .fetch_one(&mut *conn)
    .await?;
    if recorded == 0 {
        sqlx::query(
            "UPDATE rattachements SET structure_id = $3 WHERE conseiller_id = $1 AND debut = $2",
        )
        .bind(conseiller)
        .bind(&debut)
        .bind(&structure_id)
        .execute(&mut *conn)
        .await?;
        return Ok(());
    }
    sqlx::query("UPDATE rattachements SET fin = $3 WHERE conseiller_id = $1 AND debut = $2")
        .bind(conseiller)
        .bind(&debut)
        .bind((day - Days::new(1)).to_string())
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO rattachements (conseiller_id, structure_id, debut, fin) VALUES ($1, $2, $3, NULL)",
    )
    .bind(conseiller)
    .bind(&structure_id)
    .bind(day.to_string())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Gives every account without a structure the one its profile names (the accounts from
/// before structures, the demo's): one structure per distinct name and commune, to be
/// reviewed by the programme.
pub async fn attach_unattached(db: &Db) -> Result<usize, ApiError> {
    let rows = sqlx::query(
        "SELECT c.id, c.structure, c.commune_insee, c.commune_nom, c.commune_code_postal
         FROM conseillers c
         WHERE NOT EXISTS (SELECT 1 FROM rattachements r WHERE r.conseiller_id = c.id)",
    )
    .fetch_all(&db.pool)
    .await?;
    if rows.is_empty() {
        return Ok(0);
    }
    let mut tx = db.write().await?;
    for row in &rows {
        let id = ConseillerId::new(row.try_get::<String, _>("id")?);
        let commune = Commune::try_from(CommuneInput {
            insee: row.try_get("commune_insee")?,
            nom: row.try_get("commune_nom")?,
            code_postal: row.try_get("commune_code_postal")?,
        })
        .map_err(|_| ApiError::Server)?;
        let nom: String = row.try_get("structure")?;
        attach(&mut tx, &id, &nom, &commune, clock::today_in_paris()).await?;
    }
    tx.commit().await?;
    tracing::info!(
        accounts = rows.len(),
        "accounts attached to their structure"
    );
    Ok(rows.len())
}

/// The structure `structure_id` if `coordinator` coordinates it; `StructureNotFound`
/// otherwise, whether it exists or not.
pub async fn coordinated(
    conn: &mut AnyConnection,
    coordinator: &ConseillerId,
    structure_id: &str,
) -> Result<StructureInfo, ApiError> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM structures s JOIN coordinations k ON k.structure_id = s.id
         WHERE s.id = $1 AND k.coordinateur_id = $2"
    ))
    .bind(structure_id)
    .bind(coordinator)
    .fetch_optional(&mut *conn)
    .await?;
    match row {
        Some(row) => Ok(info(&row)?),
        None => Err(ApiError::StructureNotFound),
    }
}

/// The profile's "Ma structure".
pub async fn of_conseiller(app: &AppState, id: &ConseillerId) -> Result<MaStructure, ApiError> {
    let mut conn = app.db.snapshot().await?;
    let current = current(&mut conn, id).await?;
    let coordinateurs: Vec<(String, String)> = match &current {
        Some((s, _)) => {
            sqlx::query_as(
                "SELECT c.prenom, c.nom FROM coordinations k JOIN conseillers c ON c.id = k.coordinateur_id
                 WHERE k.structure_id = $1 ORDER BY c.nom, c.prenom",
            )
            .bind(&s.id)
            .fetch_all(&mut *conn)
            .await?
        }
        None => Vec::new(),
    };
    let coordonnees = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM structures s JOIN coordinations k ON k.structure_id = s.id
         WHERE k.coordinateur_id = $1 ORDER BY s.nom"
    ))
    .bind(id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(info)
    .collect::<Result<Vec<_>, _>>()?;
    conn.commit().await?;
    // The first structure's attachment has no known first day.
    let (structure, depuis) = current.map_or((None, None), |(s, d)| {
        (Some(s), (d > FIRST_DATE).then_some(d))
    });
    Ok(MaStructure {
        structure,
        depuis,
        coordinateurs: coordinateurs
            .into_iter()
            .map(|(prenom, nom)| format!("{prenom} {nom}"))
            .collect(),
        coordonnees,
    })
}

/// A structure as the programme's review lists it.
pub struct Reviewed {
    pub info: StructureInfo,
    pub a_verifier: bool,
    /// Conseillers attached today.
    pub conseillers: i64,
    pub coordinateurs: i64,
}

/// Every structure, those to review first (`conum admin structures`).
pub async fn for_review(db: &Db) -> Result<Vec<Reviewed>, ApiError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS}, s.a_verifier,
            (SELECT COUNT(*) FROM rattachements r WHERE r.structure_id = s.id AND r.fin IS NULL) AS conseillers,
            (SELECT COUNT(*) FROM coordinations k WHERE k.structure_id = s.id) AS coordinateurs
         FROM structures s ORDER BY s.a_verifier DESC, s.nom, s.commune_nom"
    ))
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(Reviewed {
                info: info(row)?,
                a_verifier: row.try_get::<i64, _>("a_verifier")? != 0,
                conseillers: row.try_get("conseillers")?,
                coordinateurs: row.try_get("coordinateurs")?,
            })
        })
        .collect()
}

/// The programme's review of a structure: its name corrected, its SIRET, marked reviewed.
/// The name of every conseiller's profile attached to it follows.
pub async fn review(
    db: &Db,
    id: &str,
    nom: Option<&str>,
    siret: Option<&str>,
) -> Result<(), String> {
    let siret = siret
        .map(structure::parse_siret)
        .transpose()
        .map_err(|e| e.to_string())?
        .flatten();
    let mut tx = db.write().await.map_err(|e| e.to_string())?;
    let known: Option<(String, String)> =
        sqlx::query_as("SELECT nom, commune_insee FROM structures WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(|e| e.to_string())?;
    let Some((old_name, insee)) = known else {
        return Err(format!("aucune structure n'a l'identifiant {id}"));
    };
    let nom = nom
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .unwrap_or(&old_name);
    let key = structure::key(nom);
    let same: Option<String> = sqlx::query_scalar(
        "SELECT id FROM structures WHERE cle = $1 AND commune_insee = $2 AND id <> $3",
    )
    .bind(&key)
    .bind(&insee)
    .bind(id)
    .fetch_optional(&mut *tx)
    .await
    .map_err(|e| e.to_string())?;
    if let Some(other) = same {
        return Err(format!(
            "la structure {other} porte déjà ce nom dans cette commune : fusionnez-les (conum admin fusionner {id} {other})"
        ));
    }
    sqlx::query(
        "UPDATE structures SET nom = $2, cle = $3, siret = COALESCE($4, siret), a_verifier = 0 WHERE id = $1",
    )
    .bind(id)
    .bind(nom)
    .bind(&key)
    .bind(siret)
    .execute(&mut *tx)
    .await
    .map_err(|e| e.to_string())?;
    rename_profiles(&mut tx, id, nom)
        .await
        .map_err(|e| e.to_string())?;
    tx.commit().await.map_err(|e| e.to_string())
}

async fn rename_profiles(
    conn: &mut AnyConnection,
    structure_id: &str,
    nom: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE conseillers SET structure = $2 WHERE id IN
            (SELECT conseiller_id FROM rattachements WHERE structure_id = $1 AND fin IS NULL)",
    )
    .bind(structure_id)
    .bind(nom)
    .execute(conn)
    .await?;
    Ok(())
}

/// Two structures that are one (a name typed two ways): `from`'s conseillers, past and
/// present, and coordinators move to `into`, and `from` is no more.
pub async fn merge(db: &Db, from: &str, into: &str) -> Result<(), String> {
    if from == into {
        return Err("une structure ne se fusionne pas avec elle-même".into());
    }
    let mut tx = db.write().await.map_err(|e| e.to_string())?;
    let nom: Option<String> = sqlx::query_scalar("SELECT nom FROM structures WHERE id = $1")
        .bind(into)
        .fetch_optional(&mut *tx)
        .await
        .map_err(|e| e.to_string())?;
    let Some(nom) = nom else {
        return Err(format!("aucune structure n'a l'identifiant {into}"));
    };
    let statements = [
        "UPDATE rattachements SET structure_id = $2 WHERE structure_id = $1",
        // A coordinator of both stays one, once.
        "DELETE FROM coordinations WHERE structure_id = $1 AND coordinateur_id IN
            (SELECT coordinateur_id FROM coordinations WHERE structure_id = $2)",
        "UPDATE coordinations SET structure_id = $2 WHERE structure_id = $1",
        "UPDATE liens_partages SET structure_id = $2 WHERE structure_id = $1",
        "DELETE FROM coordinations_a_venir WHERE structure_id = $1 AND email IN
            (SELECT email FROM coordinations_a_venir WHERE structure_id = $2)",
        "UPDATE coordinations_a_venir SET structure_id = $2 WHERE structure_id = $1",
        "DELETE FROM structures WHERE id = $1",
    ];
    for sql in statements {
        sqlx::query(sql)
            .bind(from)
            .bind(into)
            .execute(&mut *tx)
            .await
            .map_err(|e| e.to_string())?;
    }
    rename_profiles(&mut tx, into, &nom)
        .await
        .map_err(|e| e.to_string())?;
    tx.commit().await.map_err(|e| e.to_string())
}

/// What naming a coordinator did.
#[derive(Debug, PartialEq, Eq)]
pub enum Named {
    Done,
    /// The address has no account yet: they coordinate once it opens (the programme's
    /// invitation, a sign-up).
    Pending,
}

/// Makes the account of `email` a coordinator of the structure (`add`), or no longer one; an
/// address without an account yet coordinates once its account opens.
pub async fn set_coordinator(
    db: &Db,
    email: &str,
    structure_id: &str,
    add: bool,
) -> Result<Named, String> {
    let email = normalize_email(email);
    let mut tx = db.write().await.map_err(|e| e.to_string())?;
    let exists: Option<String> = sqlx::query_scalar("SELECT id FROM structures WHERE id = $1")
        .bind(structure_id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(|e| e.to_string())?;
    if exists.is_none() {
        return Err(format!("aucune structure n'a l'identifiant {structure_id}"));
    }
    let id: Option<String> = sqlx::query_scalar("SELECT id FROM conseillers WHERE email = $1")
        .bind(&email)
        .fetch_optional(&mut *tx)
        .await
        .map_err(|e| e.to_string())?;
    let (table, key_column, key, named) = match id {
        Some(id) => ("coordinations", "coordinateur_id", id, Named::Done),
        None => ("coordinations_a_venir", "email", email, Named::Pending),
    };
    let sql = if add {
        format!(
            "INSERT INTO {table} ({key_column}, structure_id, depuis) VALUES ($1, $2, $3)
             ON CONFLICT ({key_column}, structure_id) DO NOTHING"
        )
    } else {
        format!("DELETE FROM {table} WHERE {key_column} = $1 AND structure_id = $2 AND $3 >= 0")
    };
    sqlx::query(&sql)
        .bind(key)
        .bind(structure_id)
        .bind(clock::now().timestamp())
        .execute(&mut *tx)
        .await
        .map_err(|e| e.to_string())?;
    tx.commit().await.map_err(|e| e.to_string())?;
    Ok(named)
}

/// The coordinations named for `email` before its account opened, now the account `id`'s.
pub async fn take_pending_coordinations(
    conn: &mut AnyConnection,
    id: &ConseillerId,
    email: &str,
) -> Result<(), ApiError> {
    sqlx::query(
        "INSERT INTO coordinations (coordinateur_id, structure_id, depuis)
         SELECT $1, structure_id, depuis FROM coordinations_a_venir WHERE email = $2",
    )
    .bind(id)
    .bind(email)
    .execute(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM coordinations_a_venir WHERE email = $1")
        .bind(email)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
