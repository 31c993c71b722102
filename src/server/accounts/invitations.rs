//! The programme's invitations: an address it knows as a conseiller's gets a link; the
//! account made from it counts at once in the pooled figures (the link proved the address,
//! the programme vouched for the person). Made by `conum admin inviter` (`server::admin`),
//! and at start for the first account of an empty database.

use sqlx::{AnyPool, Row};

use crate::clock;
use crate::domain::{Commune, CommuneInput, ConseillerId, NewConseiller, Profil};
use crate::server::{
    accounts, accounts::mails, accounts::passwords, accounts::sessions, accounts::standing,
    AppState, SessionHandle,
};
use crate::wire::{ApiError, InvitationDetails};

/// An invitation's link works this many days.
pub const LIFETIME_DAYS: i64 = 30;

/// Who the programme invites: an address, and what it knows of the person (to fill the
/// sign-up form in; they can change it).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Invitee {
    pub email: String,
    pub prenom: String,
    pub nom: String,
    pub structure: String,
    pub commune: Option<Commune>,
}

/// What inviting an address did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Invited {
    /// A link was mailed (an earlier one for the same address stops working).
    LinkSent,
    /// The address already had an account: it now counts as invited (a link to confirm its
    /// address was mailed if it was not confirmed).
    AccountInvited { confirmation_sent: bool },
}

/// An invitation not accepted yet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pending {
    pub email: String,
    pub prenom: String,
    pub nom: String,
    pub created_at: i64,
    pub expires_at: i64,
}

/// Invites an address: mails it a link to sign up, or marks its account invited.
pub async fn invite(app: &AppState, invitee: &Invitee) -> Result<Invited, ApiError> {
    let account: Option<(ConseillerId, Option<i64>)> =
        sqlx::query_as("SELECT id, adresse_confirmee_le FROM conseillers WHERE email = $1")
            .bind(&invitee.email)
            .fetch_optional(&app.db.pool)
            .await?;
    if let Some((id, confirmed)) = account {
        let mut tx = app.db.write().await?;
        sqlx::query("UPDATE conseillers SET invite_le = $2 WHERE id = $1 AND invite_le IS NULL")
            .bind(&id)
            .bind(clock::now().timestamp())
            .execute(&mut *tx)
            .await?;
        standing::settle(&mut tx, &app.config.admission, &id).await?;
        tx.commit().await?;
        app.national.forget_all();
        let confirmation_sent = confirmed.is_none();
        if confirmation_sent {
            let token = accounts::confirmation_link(&app.db.pool, &id).await?;
            send(
                app,
                &invitee.email,
                mails::confirm_address(&app.origin, &token),
            )
            .await?;
        }
        return Ok(Invited::AccountInvited { confirmation_sent });
    }
    let token = store(&app.db.pool, Some(invitee)).await?;
    send(
        app,
        &invitee.email,
        mails::invitation(&app.origin, &token, &invitee.prenom, LIFETIME_DAYS),
    )
    .await?;
    Ok(Invited::LinkSent)
}

/// Mails now, not after an answer: the administrator's command says whether it went.
async fn send(app: &AppState, to: &str, (subject, body): (&str, String)) -> Result<(), ApiError> {
    app.mailer.send(to, subject, body).await.map_err(|error| {
        tracing::error!(%error, "invitation mail not sent");
        ApiError::Unavailable
    })
}

/// Stores a new invitation (the address's pending ones are replaced); its token.
async fn store(pool: &AnyPool, invitee: Option<&Invitee>) -> Result<String, ApiError> {
    let token = sessions::random_token();
    let now = clock::now().timestamp();
    let email = invitee.map(|i| i.email.clone());
    let mut tx = pool.begin().await?;
    match &email {
        Some(email) => {
            sqlx::query("DELETE FROM invitations WHERE email = $1 AND accepted_at IS NULL")
                .bind(email)
        }
        None => sqlx::query("DELETE FROM invitations WHERE email IS NULL AND accepted_at IS NULL"),
    }
    .execute(&mut *tx)
    .await?;
    let blank = Invitee::default();
    let i = invitee.unwrap_or(&blank);
    let commune = i.commune.as_ref();
    sqlx::query(
        "INSERT INTO invitations (token_hash, email, prenom, nom, structure, commune_insee, commune_nom, commune_code_postal, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(sessions::token_hash(&token))
    .bind(email)
    .bind(&i.prenom)
    .bind(&i.nom)
    .bind(&i.structure)
    .bind(commune.map(|c| c.insee().to_owned()))
    .bind(commune.map(|c| c.nom().to_owned()))
    .bind(commune.map(|c| c.code_postal().to_owned()))
    .bind(now)
    .bind(now + LIFETIME_DAYS * 24 * 3600)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(token)
}

/// At start, on an empty database where only invitations open accounts: a one-time link
/// for the first account (printed for whoever started the server). None otherwise.
pub async fn first_account_link(app: &AppState) -> Result<Option<String>, ApiError> {
    let accounts: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM conseillers")
        .fetch_one(&app.db.pool)
        .await?;
    if accounts > 0
        || app.config.admission.mode != crate::domain::admission::ModeInscription::Invitation
    {
        return Ok(None);
    }
    let token = store(&app.db.pool, None).await?;
    Ok(Some(format!(
        "{}/inscription?invitation={token}",
        app.origin
    )))
}

/// The invitations not accepted yet, oldest first.
pub async fn pending(pool: &AnyPool) -> Result<Vec<Pending>, ApiError> {
    let rows = sqlx::query(
        "SELECT email, prenom, nom, created_at, expires_at FROM invitations
         WHERE accepted_at IS NULL AND email IS NOT NULL ORDER BY created_at, email",
    )
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(Pending {
                email: row.try_get("email")?,
                prenom: row.try_get("prenom")?,
                nom: row.try_get("nom")?,
                created_at: row.try_get("created_at")?,
                expires_at: row.try_get("expires_at")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(ApiError::from)
}

/// What the sign-up form may be filled in with, for a valid invitation's token.
pub async fn details(pool: &AnyPool, token: &str) -> Result<InvitationDetails, ApiError> {
    let row = sqlx::query(
        "SELECT email, prenom, nom, structure, commune_insee, commune_nom, commune_code_postal
         FROM invitations WHERE token_hash = $1 AND accepted_at IS NULL AND expires_at > $2",
    )
    .bind(sessions::token_hash(token.trim()))
    .bind(clock::now().timestamp())
    .fetch_optional(pool)
    .await?
    .ok_or_else(expired)?;
    let text = |name: &str| row.try_get::<Option<String>, _>(name);
    let commune = match (
        text("commune_insee")?,
        text("commune_nom")?,
        text("commune_code_postal")?,
    ) {
        (Some(insee), Some(nom), Some(code_postal)) => Some(CommuneInput {
            insee,
            nom,
            code_postal,
        }),
        _ => None,
    };
    Ok(InvitationDetails {
        email: text("email")?,
        prenom: row.try_get("prenom")?,
        nom: row.try_get("nom")?,
        structure: row.try_get("structure")?,
        commune,
    })
}

fn expired() -> ApiError {
    ApiError::invalid_field(
        "invitation",
        "Cette invitation n'est plus valable (elle a déjà servi ou date de plus de 30 jours) : demandez-en une nouvelle à l'équipe du programme.",
    )
}

/// A sign-up from an invitation's link: the account is made, its address confirmed by the
/// link (but for the first account's, which names no address), invited, logged in here.
pub async fn accept(
    app: &AppState,
    session: &SessionHandle,
    token: &str,
    new: NewConseiller,
) -> Result<Profil, ApiError> {
    let hash = sessions::token_hash(token);
    let invited: Option<Option<String>> = sqlx::query_scalar(
        "SELECT email FROM invitations WHERE token_hash = $1 AND accepted_at IS NULL AND expires_at > $2",
    )
    .bind(&hash)
    .bind(clock::now().timestamp())
    .fetch_optional(&app.db.pool)
    .await?;
    let invited_address = invited.ok_or_else(expired)?;
    if let Some(address) = &invited_address {
        if *address != new.email {
            return Err(ApiError::invalid_field(
                "email",
                format!(
                    "Cette invitation est celle de {address} : inscrivez-vous avec cette adresse."
                ),
            ));
        }
    }
    let password_hash = passwords::hash(new.password.clone()).await?;
    let mut tx = app.db.write().await?;
    let taken = sqlx::query(
        "UPDATE invitations SET accepted_at = $2 WHERE token_hash = $1 AND accepted_at IS NULL",
    )
    .bind(&hash)
    .bind(clock::now().timestamp())
    .execute(&mut *tx)
    .await?;
    if taken.rows_affected() != 1 {
        return Err(expired());
    }
    let id = accounts::insert_account(
        &mut tx,
        &new.email,
        &password_hash,
        &new.details,
        invited_address.is_some(),
        true,
    )
    .await?
    .ok_or(ApiError::EmailTaken)?;
    sqlx::query("UPDATE invitations SET conseiller_id = $2 WHERE token_hash = $1")
        .bind(&hash)
        .bind(&id)
        .execute(&mut *tx)
        .await?;
    standing::settle(&mut tx, &app.config.admission, &id).await?;
    tx.commit().await?;
    session.open(app, &id).await?;
    accounts::profil(app, &id).await
}
