//! Who may do what: conseiller accounts (sign-up, login, logout, profile, password, here),
//! sessions, password hashing, invitations, whether an account counts (`standing`), how often
//! a password may be tried or a mail sent (`attempts`), the mails and how they go.

pub mod attempts;
pub mod invitations;
pub mod known_sessions;
pub mod mail;
pub mod mails;
pub mod passwords;
pub mod sessions;
pub mod standing;

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use uuid::Uuid;

use crate::clock;
use crate::domain::admission::ModeInscription;
use crate::domain::conseiller::normalize_email;
use crate::domain::{
    AccountDeletion, Commune, CommuneInput, ConseillerId, Credentials, NewConseiller,
    PasswordChange, PasswordReset, Profil, ProfilDetails, ProfilInput, ResetRequest, SignupInput,
};
use crate::server::http::guard::ClientIp;
use crate::server::store::db::AnyQuery;
use crate::server::{
    http::errors, http::guard, stats::counters, store::communes, store::records, structures,
    AppState, SessionHandle,
};
use crate::wire::{ApiError, Confirmed, SignUpAnswer};

/// A link mailed to confirm an address is valid this long.
const LINK_LIFETIME_SECONDS: i64 = 48 * 3600;

/// A sign-up: with the programme's invitation, the account opens at once (the mailed token
/// proved the address); otherwise, where the sign-up mode admits the address, a link goes to
/// it and the account opens when it is followed. The answer is the same whether the address
/// already has an account (its owner is told by mail instead), and as quick: the password is
/// hashed either way.
pub async fn sign_up(
    app: &AppState,
    session: &SessionHandle,
    ip: ClientIp,
    input: SignupInput,
) -> Result<SignUpAnswer, ApiError> {
    guard::email_within_bounds(&input.email)?;
    let invitation = input.invitation.trim().to_owned();
    let mut new = NewConseiller::parse(input)?;
    // A sign-up hashes a password: counted against the client's network.
    let _ = attempts::take(
        &app.db,
        attempts::COSTLY_PER_NETWORK,
        &ip.network().to_string(),
    )
    .await?;
    new.details.commune = communes::official(&new.details.commune, "commune")?;
    if !invitation.is_empty() {
        let profil = invitations::accept(app, session, &invitation, new).await?;
        return Ok(SignUpAnswer::Connecte { profil });
    }
    let admission = &app.config.admission;
    if admission.mode == ModeInscription::Invitation {
        return Err(ApiError::InvitationRequired);
    }
    if !admission.admits_address(&new.email) {
        return Err(ApiError::invalid_field("email", admission.domain_refusal()));
    }
    attempts::mail_to(&app.db, &new.email).await?;
    let password_hash = passwords::hash(new.password.clone()).await?;
    // Sign-ups whose link was never followed are forgotten once it no longer works.
    sqlx::query("DELETE FROM inscriptions WHERE expires_at < $1")
        .bind(clock::now().timestamp())
        .execute(&app.db.pool)
        .await?;
    let known: Option<ConseillerId> =
        sqlx::query_scalar("SELECT id FROM conseillers WHERE email = $1")
            .bind(&new.email)
            .fetch_optional(&app.db.pool)
            .await?;
    let email = new.email.clone();
    match known {
        Some(id) => {
            tracing::info!(conseiller = %id, "sign-up asked for an address that has an account");
            send_mail(app, &email, mails::already_registered(&app.origin));
        }
        None => {
            let token = sessions::random_token();
            let now = clock::now().timestamp();
            let insert = sqlx::query(
                "INSERT INTO inscriptions (token_hash, email, password_hash, prenom, nom, structure, commune_insee, commune_nom, commune_code_postal, departement, created_at, expires_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            )
            .bind(sessions::token_hash(&token))
            .bind(&new.email)
            .bind(&password_hash);
            bind_details(insert, &new.details)
                .bind(now)
                .bind(now + LINK_LIFETIME_SECONDS)
                .execute(&app.db.pool)
                .await?;
            send_mail(app, &email, mails::confirm_sign_up(&app.origin, &token));
        }
    }
    Ok(SignUpAnswer::LienEnvoye { email })
}

/// Creates an account whose address is proved (`confirmed`: now) or vouched for, in the
/// caller's transaction; none when the address already has one.
pub async fn insert_account(
    conn: &mut AnyConnection,
    email: &str,
    password_hash: &str,
    details: &ProfilDetails,
    confirmed: bool,
    invited: bool,
) -> Result<Option<ConseillerId>, ApiError> {
    let id = ConseillerId::new(Uuid::now_v7().to_string());
    let now = clock::now();
    let when = |yes: bool| yes.then_some(now.timestamp());
    // The unique index on the lower-cased email decides between two simultaneous sign-ups.
    let insert = sqlx::query(
        "INSERT INTO conseillers (id, email, password_hash, prenom, nom, structure, commune_insee, commune_nom, commune_code_postal, departement, created_at, adresse_confirmee_le, invite_le)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
         ON CONFLICT (email) DO NOTHING",
    )
    .bind(id.as_str())
    .bind(email)
    .bind(password_hash);
    let inserted = bind_details(insert, details)
        .bind(clock::to_db(now))
        .bind(when(confirmed))
        .bind(when(invited))
        .execute(&mut *conn)
        .await?;
    if inserted.rows_affected() == 0 {
        return Ok(None);
    }
    let today = clock::date_in_paris(now);
    structures::attach(conn, &id, &details.structure, &details.commune, today).await?;
    structures::take_pending_coordinations(conn, &id, email).await?;
    tracing::info!(conseiller = %id, confirmed, invited, "account created");
    Ok(Some(id))
}

/// Follows a mailed link (`/adresse/confirmer?jeton=…`): a sign-up waiting for it becomes an
/// account, logged in on this device; an existing account's address is confirmed.
pub async fn confirm(
    app: &AppState,
    session: &SessionHandle,
    jeton: &str,
) -> Result<Confirmed, ApiError> {
    let hash = sessions::token_hash(jeton.trim());
    let now = clock::now().timestamp();
    let expired = || {
        ApiError::invalid_field(
            "jeton",
            "Ce lien n'est plus valable (il a déjà servi ou date de plus de deux jours) : recommencez l'inscription, ou demandez un nouveau lien depuis votre profil.",
        )
    };
    let mut tx = app.db.write().await?;
    let waiting = sqlx::query(
        "SELECT email, password_hash, prenom, nom, structure, commune_insee, commune_nom, commune_code_postal, departement
         FROM inscriptions WHERE token_hash = $1 AND expires_at > $2",
    )
    .bind(&hash)
    .bind(now)
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(row) = waiting {
        let text = |name: &str| row.try_get::<String, _>(name).map_err(ApiError::from);
        let email = text("email")?;
        let details = details_of(&row)?;
        sqlx::query("DELETE FROM inscriptions WHERE email = $1")
            .bind(&email)
            .execute(&mut *tx)
            .await?;
        let id = insert_account(
            &mut tx,
            &email,
            &text("password_hash")?,
            &details,
            true,
            false,
        )
        .await?
        .ok_or(ApiError::EmailTaken)?;
        standing::settle(&mut tx, &app.config.admission, &id).await?;
        tx.commit().await?;
        session.open(app, &id).await?;
        return Ok(Confirmed::CompteOuvert {
            profil: Box::new(load_profil(app, &id).await?),
        });
    }
    let id: Option<ConseillerId> = sqlx::query_scalar(
        "SELECT conseiller_id FROM confirmations WHERE token_hash = $1 AND expires_at > $2",
    )
    .bind(&hash)
    .bind(now)
    .fetch_optional(&mut *tx)
    .await?;
    let id = id.ok_or_else(expired)?;
    sqlx::query("DELETE FROM confirmations WHERE conseiller_id = $1")
        .bind(&id)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "UPDATE conseillers SET adresse_confirmee_le = $2 WHERE id = $1 AND adresse_confirmee_le IS NULL",
    )
    .bind(&id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let changed = standing::settle(&mut tx, &app.config.admission, &id).await?;
    let mutualisation = standing::mutualisation(&mut tx, &app.config.admission, &id).await?;
    tx.commit().await?;
    if changed {
        app.national.forget_all();
    }
    tracing::info!(conseiller = %id, "address confirmed");
    Ok(Confirmed::AdresseConfirmee { mutualisation })
}

/// "Recevoir le lien de confirmation": mails the logged-in conseiller a link confirming
/// their address (accounts from before the links, or made by the first-account link).
pub async fn send_confirmation(app: &AppState, id: &ConseillerId) -> Result<(), ApiError> {
    let (email, confirmed): (String, Option<i64>) =
        sqlx::query_as("SELECT email, adresse_confirmee_le FROM conseillers WHERE id = $1")
            .bind(id)
            .fetch_one(&app.db.pool)
            .await?;
    if confirmed.is_some() {
        return Ok(());
    }
    attempts::mail_to(&app.db, &email).await?;
    let token = confirmation_link(&app.db.pool, id).await?;
    send_mail(app, &email, mails::confirm_address(&app.origin, &token));
    Ok(())
}

/// A new link confirming `id`'s address (its older ones stop working): its token.
pub async fn confirmation_link(
    pool: &sqlx::AnyPool,
    id: &ConseillerId,
) -> Result<String, ApiError> {
    let token = sessions::random_token();
    let now = clock::now().timestamp();
    let mut tx = pool.begin().await?;
    sqlx::query("DELETE FROM confirmations WHERE conseiller_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO confirmations (token_hash, conseiller_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(sessions::token_hash(&token))
    .bind(id)
    .bind(now)
    .bind(now + LINK_LIFETIME_SECONDS)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(token)
}

/// Sends a mail after the answer (a slow mail server delays nobody); failures are logged.
fn send_mail(app: &AppState, to: &str, (subject, body): (&'static str, String)) {
    let mailer = app.mailer.clone();
    let to = to.to_owned();
    tokio::spawn(async move {
        match mailer.send(&to, subject, body).await {
            Ok(()) => tracing::info!(subject, "mail sent"),
            Err(error) => tracing::error!(subject, %error, "mail not sent"),
        }
    });
}

pub async fn log_in(
    app: &AppState,
    session: &SessionHandle,
    ip: ClientIp,
    credentials: Credentials,
) -> Result<Profil, ApiError> {
    guard::email_within_bounds(&credentials.email)?;
    let email = normalize_email(&credentials.email);
    let row: Option<(ConseillerId, String, Option<i64>)> =
        sqlx::query_as("SELECT id, password_hash, desactive_le FROM conseillers WHERE email = $1")
            .bind(&email)
            .fetch_optional(&app.db.pool)
            .await?;
    let (id, stored_hash, deactivated) = match row {
        Some((id, hash, deactivated)) => (Some(id), Some(hash), deactivated.is_some()),
        None => (None, None, false),
    };
    let matches = password_checked(app, &email, ip, credentials.password, stored_hash).await?;
    match id {
        // Said only to who gave the right password: the address's owner.
        Some(_) if matches && deactivated => Err(ApiError::Deactivated),
        Some(id) if matches => {
            session.open(app, &id).await?;
            load_profil(app, &id).await
        }
        _ => {
            tracing::warn!(email = %guard::loggable(&email), ip = %ip.0, "login refused: unknown email or wrong password");
            Err(ApiError::BadCredentials)
        }
    }
}

/// Checks a password given for `email` (an account's hash, or none: the same work for an
/// unknown address), counted as an attempt from the client's network
/// (`attempts::password_attempt`, before any work: the same 429 whether the account exists or
/// not). A request the hashing queue had no room for is not an attempt: its count is given
/// back.
async fn password_checked(
    app: &AppState,
    email: &str,
    ip: ClientIp,
    password: String,
    stored_hash: Option<String>,
) -> Result<bool, ApiError> {
    let counted = match attempts::password_attempt(&app.db, email, ip.network()).await {
        Ok(counted) => counted,
        Err(refused) => {
            tracing::warn!(email = %guard::loggable(email), ip = %ip.0, "password attempts over the limit");
            return Err(refused);
        }
    };
    match passwords::verify(password, stored_hash).await {
        Err(ApiError::Busy) => {
            attempts::give_back(&app.db, counted).await;
            Err(ApiError::Busy)
        }
        checked => checked,
    }
}

pub async fn log_out(app: &AppState, session: &SessionHandle) -> Result<(), ApiError> {
    session.close(app).await
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
    let (before, pooled) = counters::lock_departement(&mut tx, id).await?;
    let update = sqlx::query(
        "UPDATE conseillers SET prenom = $2, nom = $3, structure = $4, commune_insee = $5,
             commune_nom = $6, commune_code_postal = $7, departement = $8
         WHERE id = $1",
    )
    .bind(id);
    bind_details(update, &d).execute(&mut *tx).await?;
    structures::attach(
        &mut tx,
        id,
        &d.structure,
        &d.commune,
        clock::today_in_paris(),
    )
    .await?;
    let moved = before != d.departement;
    if moved && pooled {
        // Their records now count in the new département's national figures.
        let records = records::all_of(&mut tx, id).await?;
        counters::repool(&mut tx, id, &[(&before, -1), (&d.departement, 1)], &records).await?;
    }
    tx.commit().await?;
    if moved {
        tracing::info!(conseiller = %id, from = %before, to = %d.departement, "conseiller moved");
        app.national.forget_all();
    }
    load_profil(app, id).await
}

/// Changes the password when the current one is given, and closes the account's other
/// sessions (a lost phone stops working); this device stays logged in.
/// Whether `password` is the logged-in conseiller's own, checked and counted like a login (a
/// stolen session cannot try passwords at will).
async fn own_password(
    app: &AppState,
    id: &ConseillerId,
    ip: ClientIp,
    password: String,
) -> Result<bool, ApiError> {
    let (email, stored): (String, String) =
        sqlx::query_as("SELECT email, password_hash FROM conseillers WHERE id = $1")
            .bind(id)
            .fetch_one(&app.db.pool)
            .await?;
    password_checked(app, &email, ip, password, Some(stored)).await
}

/// A new password, with the current one (counted like a login: a stolen session cannot try
/// passwords at will); the other sessions end, and so do the reset links not yet used.
pub async fn change_password(
    app: &AppState,
    session: &SessionHandle,
    ip: ClientIp,
    change: PasswordChange,
) -> Result<(), ApiError> {
    let id = session.conseiller_id()?;
    change.check()?;
    if !own_password(app, id, ip, change.actuel).await? {
        return Err(ApiError::invalid_field(
            "actuel",
            "Le mot de passe actuel est incorrect.",
        ));
    }
    let hash = passwords::hash(change.nouveau).await?;
    let mut tx = app.db.write().await?;
    sqlx::query("UPDATE conseillers SET password_hash = $2 WHERE id = $1")
        .bind(id)
        .bind(hash)
        .execute(&mut *tx)
        .await?;
    // A link mailed before the change would undo it.
    sqlx::query("DELETE FROM password_resets WHERE conseiller_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    session.close_others(app).await
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

/// The département of a conseiller's profile.
pub async fn departement_of(app: &AppState, id: &ConseillerId) -> Result<String, ApiError> {
    Ok(
        sqlx::query_scalar("SELECT departement FROM conseillers WHERE id = $1")
            .bind(id)
            .fetch_one(&app.db.pool)
            .await?,
    )
}

async fn load_profil(app: &AppState, id: &ConseillerId) -> Result<Profil, ApiError> {
    let row = sqlx::query(&format!(
        "SELECT email, prenom, nom, structure, commune_insee, commune_nom, commune_code_postal, departement, {}
         FROM conseillers WHERE id = $1",
        standing::COLUMNS
    ))
    .bind(id.as_str())
    .fetch_optional(&app.db.pool)
    .await?
    .ok_or(ApiError::Unauthorized)?;
    let email: String = row.try_get("email")?;
    let moment = |name: &str| row.try_get::<Option<i64>, _>(name).map_err(ApiError::from);
    let standing = standing::from_columns(
        moment("adresse_confirmee_le")?,
        moment("invite_le")?,
        moment("desactive_le")?,
    );
    Ok(Profil {
        id: id.clone(),
        mutualisation: app.config.admission.mutualisation(&email, standing),
        email,
        details: details_of(&row)?,
    })
}

/// The profile's columns of a row (`prenom, nom, structure, commune_*, departement`).
fn details_of(row: &AnyRow) -> Result<ProfilDetails, ApiError> {
    let text = |name: &str| row.try_get::<String, _>(name).map_err(ApiError::from);
    let commune = Commune::try_from(CommuneInput {
        insee: text("commune_insee")?,
        nom: text("commune_nom")?,
        code_postal: text("commune_code_postal")?,
    })
    .map_err(errors::internal)?;
    Ok(ProfilDetails {
        prenom: text("prenom")?,
        nom: text("nom")?,
        structure: text("structure")?,
        commune,
        departement: text("departement")?,
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
    guard::email_within_bounds(&input.email)?;
    let email = normalize_email(&input.email);
    // Counted apart from the logins: asking for links never locks the owner out. The same
    // counts whether the address has an account or not.
    let _ = attempts::take(
        &app.db,
        attempts::COSTLY_PER_NETWORK,
        &ip.network().to_string(),
    )
    .await?;
    let _ = attempts::take(&app.db, attempts::RESETS_PER_ADDRESS, &email).await?;
    attempts::mail_to(&app.db, &email).await?;
    // A deactivated account gets no link: it cannot log in, whatever its password.
    let id: Option<ConseillerId> =
        sqlx::query_scalar("SELECT id FROM conseillers WHERE email = $1 AND desactive_le IS NULL")
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
    send_mail(app, &email, mails::reset_password(&app.origin, &token));
    tracing::info!(conseiller = %id, "password reset link made");
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
    app.sessions.forget_conseiller(&id, None);
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
    if !own_password(app, id, ip, input.password).await? {
        return Err(ApiError::invalid_field(
            "password",
            "Le mot de passe est incorrect : le compte n'est pas supprimé.",
        ));
    }
    delete_with_records(app, id).await?;
    session.close(app).await?;
    tracing::info!(conseiller = %id, "account deleted with its records");
    Ok(())
}

/// Deletes an account and everything of it, records included (and the copies of its mails in
/// `MAIL_DIR`), and takes them out of the pooled figures.
pub async fn delete_with_records(app: &AppState, id: &ConseillerId) -> Result<(), ApiError> {
    let email: String = sqlx::query_scalar("SELECT email FROM conseillers WHERE id = $1")
        .bind(id)
        .fetch_one(&app.db.pool)
        .await?;
    let mut tx = app.db.write().await?;
    let (departement, pooled) = counters::lock_departement(&mut tx, id).await?;
    let records = records::all_of(&mut tx, id).await?;
    counters::withdrawn(
        &mut tx,
        id,
        pooled.then_some(departement.as_str()),
        &records,
    )
    .await?;
    for sql in [
        "DELETE FROM accompagnement_thematiques WHERE accompagnement_id IN (SELECT id FROM accompagnements WHERE conseiller_id = $1)",
        "DELETE FROM accompagnement_publics WHERE accompagnement_id IN (SELECT id FROM accompagnements WHERE conseiller_id = $1)",
        "DELETE FROM accompagnement_redirections WHERE accompagnement_id IN (SELECT id FROM accompagnements WHERE conseiller_id = $1)",
        "DELETE FROM accompagnements WHERE conseiller_id = $1",
        "DELETE FROM password_resets WHERE conseiller_id = $1",
        "DELETE FROM confirmations WHERE conseiller_id = $1",
        // The programme's invitation named the person: it goes with the account.
        "DELETE FROM invitations WHERE conseiller_id = $1",
        "DELETE FROM sessions WHERE conseiller_id = $1",
        "DELETE FROM conseillers WHERE id = $1",
    ] {
        sqlx::query(sql).bind(id).execute(&mut *tx).await?;
    }
    tx.commit().await?;
    app.sessions.forget_conseiller(id, None);
    app.national.forget_all();
    app.mailer.forget(&email).await;
    Ok(())
}
