//! Conseiller accounts: sign-up, login, logout, profile, password.

use sqlx::Row;
use uuid::Uuid;

use super::db::AnyQuery;
use super::guard::ClientIp;
use super::{communes, counters, errors, passwords, records, sessions, AppState, SessionHandle};
use crate::api::wire::ApiError;
use crate::clock;
use crate::domain::conseiller::normalize_email;
use crate::domain::{
    AccountDeletion, Commune, CommuneInput, ConseillerId, Credentials, NewConseiller,
    PasswordChange, PasswordReset, Profil, ProfilDetails, ProfilInput, ResetRequest, SignupInput,
};

pub async fn sign_up(
    app: &AppState,
    session: &SessionHandle,
    ip: ClientIp,
    input: SignupInput,
) -> Result<Profil, ApiError> {
    let mut new = NewConseiller::parse(input)?;
    // A sign-up hashes a password: counted against the address.
    app.limits.costly(ip)?;
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
    ip: ClientIp,
    credentials: Credentials,
) -> Result<Profil, ApiError> {
    let email = normalize_email(&credentials.email);
    // Counted before any work, whether the account exists or not: the same 429 for both.
    if let Err(refused) = app.limits.attempt(&email, ip) {
        tracing::warn!(%email, ip = %ip.0, "login attempts over the limit");
        return Err(refused);
    }
    let row = sqlx::query("SELECT id, password_hash FROM conseillers WHERE email = $1")
        .bind(&email)
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
        _ => {
            tracing::warn!(%email, ip = %ip.0, "login refused: unknown email or wrong password");
            Err(ApiError::BadCredentials)
        }
    }
}

pub async fn log_out(app: &AppState, session: &SessionHandle) -> Result<(), ApiError> {
    session.close(&app.db).await
}

pub async fn profil(app: &AppState, owner: &ConseillerId) -> Result<Profil, ApiError> {
    load_profil(app, owner).await
}

pub async fn update_profil(
    app: &AppState,
    id: &ConseillerId,
    input: ProfilInput,
) -> Result<Profil, ApiError> {
    let mut d = ProfilDetails::parse(input)?;
    d.commune = communes::official(&d.commune, "commune")?;
    let mut tx = app.db.write().await?;
    let before = counters::lock_departement(&mut tx, id).await?;
    let update = sqlx::query(
        "UPDATE conseillers SET prenom = $2, nom = $3, structure = $4, commune_insee = $5,
             commune_nom = $6, commune_code_postal = $7, departement = $8
         WHERE id = $1",
    )
    .bind(id);
    bind_details(update, &d).execute(&mut *tx).await?;
    if before != d.departement {
        // Their records now count in the new département's national figures.
        let records = records::all_of(&mut tx, id).await?;
        counters::moved(&mut tx, &records, &before, &d.departement).await?;
        tracing::info!(conseiller = %id, from = %before, to = %d.departement, "conseiller moved");
    }
    tx.commit().await?;
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
    .map_err(errors::internal)?;
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

/// A reset link is valid one hour.
const RESET_LIFETIME_SECONDS: i64 = 3600;

/// "Mot de passe oublié ?": mails a single-use link valid one hour, if the address has an
/// account. The answer is the same either way, and as quick (the mail leaves afterwards).
pub async fn request_reset(
    app: &AppState,
    ip: ClientIp,
    input: ResetRequest,
) -> Result<(), ApiError> {
    let email = normalize_email(&input.email);
    app.limits.costly(ip)?;
    app.limits.account(&email)?;
    let id: Option<ConseillerId> =
        sqlx::query_scalar("SELECT id FROM conseillers WHERE email = $1")
            .bind(&email)
            .fetch_optional(&app.db.pool)
            .await?;
    let Some(id) = id else {
        tracing::info!(ip = %ip.0, "password reset asked for an address without account");
        return Ok(());
    };
    let token = sessions::random_token();
    let now = clock::now().timestamp();
    sqlx::query(
        "INSERT INTO password_resets (token_hash, conseiller_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(sessions::token_hash(&token))
    .bind(&id)
    .bind(now)
    .bind(now + RESET_LIFETIME_SECONDS)
    .execute(&app.db.pool)
    .await?;
    let link = format!("{}/mot-de-passe/nouveau?jeton={token}", app.origin);
    let mailer = app.mailer.clone();
    tokio::spawn(async move {
        let body = format!(
            "Bonjour,\n\n\
             Quelqu'un (vous, sans doute) a demandé à changer le mot de passe de votre compte Conum.\n\n\
             Pour choisir un nouveau mot de passe, ouvrez ce lien dans l'heure :\n{link}\n\n\
             Le lien ne sert qu'une fois. Changer le mot de passe déconnecte tous vos appareils.\n\
             Si vous n'avez rien demandé, ignorez ce message : votre mot de passe ne change pas.\n\n\
             Conum — le suivi d'activité des conseillers numériques\n"
        );
        match mailer
            .send(&email, "Conum : changer votre mot de passe", body)
            .await
        {
            Ok(()) => tracing::info!(conseiller = %id, "password reset mail sent"),
            Err(error) => tracing::error!(conseiller = %id, %error, "password reset mail not sent"),
        }
    });
    Ok(())
}

/// A new password through the mail's link: the token works once, within the hour; every
/// session of the account ends (a stolen phone stops working).
pub async fn reset_password(app: &AppState, input: PasswordReset) -> Result<(), ApiError> {
    input.check()?;
    let hash = sessions::token_hash(input.jeton.trim());
    let now = clock::now().timestamp();
    let expired = || {
        ApiError::invalid_field(
            "jeton",
            "Ce lien n'est plus valable (il a déjà servi ou date de plus d'une heure) : demandez-en un nouveau.",
        )
    };
    let id: Option<ConseillerId> = sqlx::query_scalar(
        "SELECT conseiller_id FROM password_resets WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
    )
    .bind(&hash)
    .bind(now)
    .fetch_optional(&app.db.pool)
    .await?;
    let id = id.ok_or_else(expired)?;
    let password_hash = passwords::hash(input.nouveau).await?;
    let mut tx = app.db.write().await?;
    let used = sqlx::query(
        "UPDATE password_resets SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL",
    )
    .bind(&hash)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    if used.rows_affected() != 1 {
        return Err(expired());
    }
    sqlx::query("UPDATE conseillers SET password_hash = $2 WHERE id = $1")
        .bind(&id)
        .bind(password_hash)
        .execute(&mut *tx)
        .await?;
    for sql in [
        "DELETE FROM sessions WHERE conseiller_id = $1",
        "DELETE FROM password_resets WHERE conseiller_id = $1 AND used_at IS NULL",
    ] {
        sqlx::query(sql).bind(&id).execute(&mut *tx).await?;
    }
    tx.commit().await?;
    tracing::info!(conseiller = %id, "password reset: every session ended");
    Ok(())
}

/// "Supprimer mon compte" (RGPD): with the password, the account and everything of it are
/// deleted, records included.
pub async fn delete_account(
    app: &AppState,
    session: &SessionHandle,
    ip: ClientIp,
    input: AccountDeletion,
) -> Result<(), ApiError> {
    let id = session.conseiller_id()?;
    let (email, stored): (String, String) =
        sqlx::query_as("SELECT email, password_hash FROM conseillers WHERE id = $1")
            .bind(id)
            .fetch_one(&app.db.pool)
            .await?;
    app.limits.attempt(&email, ip)?;
    if !passwords::verify(input.password, Some(stored)).await? {
        return Err(ApiError::invalid_field(
            "password",
            "Le mot de passe est incorrect : le compte n'est pas supprimé.",
        ));
    }
    let mut tx = app.db.write().await?;
    let departement = counters::lock_departement(&mut tx, id).await?;
    let records = records::all_of(&mut tx, id).await?;
    counters::withdrawn(&mut tx, id, &records, &departement).await?;
    for sql in [
        "DELETE FROM accompagnement_thematiques WHERE accompagnement_id IN (SELECT id FROM accompagnements WHERE conseiller_id = $1)",
        "DELETE FROM accompagnement_publics WHERE accompagnement_id IN (SELECT id FROM accompagnements WHERE conseiller_id = $1)",
        "DELETE FROM accompagnement_redirections WHERE accompagnement_id IN (SELECT id FROM accompagnements WHERE conseiller_id = $1)",
        "DELETE FROM accompagnements WHERE conseiller_id = $1",
        "DELETE FROM password_resets WHERE conseiller_id = $1",
        "DELETE FROM sessions WHERE conseiller_id = $1",
        "DELETE FROM conseillers WHERE id = $1",
    ] {
        sqlx::query(sql).bind(id).execute(&mut *tx).await?;
    }
    tx.commit().await?;
    session.close(&app.db).await?;
    tracing::info!(conseiller = %id, "account deleted with its records");
    Ok(())
}
