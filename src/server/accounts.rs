//! Conseiller accounts: sign-up, login, logout, profile, password.

use sqlx::Row;
use uuid::Uuid;

use super::db::AnyQuery;
use super::{clock, communes, db, passwords, AppState, SessionHandle};
use crate::api::ApiError;
use crate::domain::conseiller::normalize_email;
use crate::domain::{
    Commune, CommuneInput, ConseillerId, Credentials, NewConseiller, PasswordChange, Profil,
    ProfilDetails, ProfilInput, SignupInput,
};

pub async fn sign_up(
    app: &AppState,
    session: &SessionHandle,
    input: SignupInput,
) -> Result<Profil, ApiError> {
    let mut new = NewConseiller::parse(input)?;
    new.details.commune = communes::official(&new.details.commune, "commune")?;
    let id = ConseillerId::new(Uuid::now_v7().to_string());
    let password_hash = passwords::hash(new.password).await?;
    let (email, d) = (&new.email, &new.details);
    // The unique index on the lower-cased email decides between two simultaneous sign-ups.
    let insert = sqlx::query(
        "INSERT INTO conseillers (id, email, password_hash, prenom, nom, structure, commune_insee, commune_nom, commune_code_postal, departement, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         ON CONFLICT (email) DO NOTHING",
    )
    .bind(id.as_str())
    .bind(email)
    .bind(&password_hash);
    let inserted = bind_details(insert, d)
        .bind(clock::to_db(clock::now()))
        .execute(&app.db.pool)
        .await?;
    if inserted.rows_affected() == 0 {
        return Err(ApiError::EmailTaken);
    }
    tracing::info!(conseiller = %id, "account created");
    session.open(&app.db, &id).await?;
    Ok(Profil {
        id,
        email: new.email,
        details: new.details,
    })
}

pub async fn log_in(
    app: &AppState,
    session: &SessionHandle,
    credentials: Credentials,
) -> Result<Profil, ApiError> {
    let row = sqlx::query("SELECT id, password_hash FROM conseillers WHERE email = $1")
        .bind(normalize_email(&credentials.email))
        .fetch_optional(&app.db.pool)
        .await?;
    let (id, stored_hash) = match row {
        Some(row) => (
            Some(ConseillerId::new(
                row.try_get::<String, _>("id").map_err(ApiError::from)?,
            )),
            Some(
                row.try_get::<String, _>("password_hash")
                    .map_err(ApiError::from)?,
            ),
        ),
        None => (None, None),
    };
    let matches = passwords::verify(credentials.password, stored_hash).await?;
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

pub async fn update_profil(
    app: &AppState,
    session: &SessionHandle,
    input: ProfilInput,
) -> Result<Profil, ApiError> {
    let id = session.conseiller_id()?;
    let mut d = ProfilDetails::parse(input)?;
    d.commune = communes::official(&d.commune, "commune")?;
    let update = sqlx::query(
        "UPDATE conseillers SET prenom = $2, nom = $3, structure = $4, commune_insee = $5,
             commune_nom = $6, commune_code_postal = $7, departement = $8
         WHERE id = $1",
    )
    .bind(id);
    bind_details(update, &d).execute(&app.db.pool).await?;
    load_profil(app, id).await
}

/// Changes the password when the current one is given, and closes the account's other
/// sessions (a lost phone stops working); this device stays logged in.
pub async fn change_password(
    app: &AppState,
    session: &SessionHandle,
    change: PasswordChange,
) -> Result<(), ApiError> {
    let id = session.conseiller_id()?;
    change.check()?;
    let stored: String = sqlx::query_scalar("SELECT password_hash FROM conseillers WHERE id = $1")
        .bind(id)
        .fetch_one(&app.db.pool)
        .await?;
    if !passwords::verify(change.actuel, Some(stored)).await? {
        return Err(ApiError::invalid_field(
            "actuel",
            "Le mot de passe actuel est incorrect.",
        ));
    }
    let hash = passwords::hash(change.nouveau).await?;
    sqlx::query("UPDATE conseillers SET password_hash = $2 WHERE id = $1")
        .bind(id)
        .bind(hash)
        .execute(&app.db.pool)
        .await?;
    session.close_others(&app.db).await
}

/// Binds the profile's columns, in the order `prenom, nom, structure, commune_insee,
/// commune_nom, commune_code_postal, departement`.
fn bind_details<'q>(query: AnyQuery<'q>, d: &'q ProfilDetails) -> AnyQuery<'q> {
    query
        .bind(&d.prenom)
        .bind(&d.nom)
        .bind(&d.structure)
        .bind(d.commune.insee())
        .bind(d.commune.nom())
        .bind(d.commune.code_postal())
        .bind(&d.departement)
}

async fn load_profil(app: &AppState, id: &ConseillerId) -> Result<Profil, ApiError> {
    let row = sqlx::query(
        "SELECT email, prenom, nom, structure, commune_insee, commune_nom, commune_code_postal, departement
         FROM conseillers WHERE id = $1",
    )
    .bind(id.as_str())
    .fetch_optional(&app.db.pool)
    .await?
    .ok_or(ApiError::Unauthorized)?;
    let text = |name: &str| row.try_get::<String, _>(name).map_err(ApiError::from);
    let commune = Commune::try_from(CommuneInput {
        insee: text("commune_insee")?,
        nom: text("commune_nom")?,
        code_postal: text("commune_code_postal")?,
    })
    .map_err(db::internal)?;
    Ok(Profil {
        id: id.clone(),
        email: text("email")?,
        details: ProfilDetails {
            prenom: text("prenom")?,
            nom: text("nom")?,
            structure: text("structure")?,
            commune,
            departement: text("departement")?,
        },
    })
}
