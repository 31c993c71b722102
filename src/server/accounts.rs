//! Conseiller accounts: sign-up, login, logout, profile.

use sqlx::Row;
use uuid::Uuid;

use super::{clock, db, passwords, AppState, SessionHandle};
use crate::api::ApiError;
use crate::domain::conseiller::normalize_email;
use crate::domain::{Commune, CommuneInput, Credentials, NewConseiller, Profil, SignupInput};

pub async fn sign_up(
    app: &AppState,
    session: &SessionHandle,
    input: SignupInput,
) -> Result<Profil, ApiError> {
    let new = NewConseiller::parse(input)?;
    let id = Uuid::now_v7().to_string();
    let password_hash = passwords::hash(new.password).await.map_err(db::internal)?;
    let p = &new.profil;
    // The unique index on the lower-cased email decides between two simultaneous sign-ups.
    let inserted = sqlx::query(
        "INSERT INTO conseillers (id, email, password_hash, prenom, nom, structure, commune_insee, commune_nom, commune_code_postal, departement, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         ON CONFLICT (email) DO NOTHING",
    )
    .bind(&id)
    .bind(&p.email)
    .bind(&password_hash)
    .bind(&p.prenom)
    .bind(&p.nom)
    .bind(&p.structure)
    .bind(p.commune.insee())
    .bind(p.commune.nom())
    .bind(p.commune.code_postal())
    .bind(&p.departement)
    .bind(clock::to_db(clock::now()))
    .execute(&app.db.pool)
    .await
    .map_err(db::internal)?;
    if inserted.rows_affected() == 0 {
        return Err(ApiError::EmailTaken);
    }
    tracing::info!(conseiller = %id, "account created");
    session.open(&app.db, &id).await?;
    Ok(new.profil)
}

pub async fn log_in(
    app: &AppState,
    session: &SessionHandle,
    credentials: Credentials,
) -> Result<Profil, ApiError> {
    let row = sqlx::query("SELECT id, password_hash FROM conseillers WHERE email = $1")
        .bind(normalize_email(&credentials.email))
        .fetch_optional(&app.db.pool)
        .await
        .map_err(db::internal)?;
    let (id, stored_hash) = match row {
        Some(row) => (
            Some(row.try_get::<String, _>("id").map_err(db::internal)?),
            Some(
                row.try_get::<String, _>("password_hash")
                    .map_err(db::internal)?,
            ),
        ),
        None => (None, None),
    };
    let matches = passwords::verify(credentials.password, stored_hash)
        .await
        .map_err(db::internal)?;
    match id {
        Some(id) if matches => {
            session.open(&app.db, &id).await?;
            load_profil(app, &id).await
        }
        _ => Err(ApiError::BadCredentials),
    }
}

pub async fn log_out(app: &AppState, session: &SessionHandle) -> Result<(), ApiError> {
    session.close(&app.db).await
}

pub async fn profil(app: &AppState, session: &SessionHandle) -> Result<Profil, ApiError> {
    load_profil(app, session.conseiller_id()?).await
}

async fn load_profil(app: &AppState, id: &str) -> Result<Profil, ApiError> {
    let row = sqlx::query(
        "SELECT email, prenom, nom, structure, commune_insee, commune_nom, commune_code_postal, departement
         FROM conseillers WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&app.db.pool)
    .await
    .map_err(db::internal)?
    .ok_or(ApiError::Unauthorized)?;
    let text = |name: &str| row.try_get::<String, _>(name).map_err(db::internal);
    let commune = Commune::try_from(CommuneInput {
        insee: text("commune_insee")?,
        nom: text("commune_nom")?,
        code_postal: text("commune_code_postal")?,
    })
    .map_err(db::internal)?;
    Ok(Profil {
        email: text("email")?,
        prenom: text("prenom")?,
        nom: text("nom")?,
        structure: text("structure")?,
        commune,
        departement: text("departement")?,
    })
}
