//! Sign-up, login, logout and the current conseiller.

use dioxus::fullstack::Json;
use dioxus::prelude::*;

use crate::domain::{
    AccountDeletion, Credentials, PasswordChange, PasswordReset, Profil, ProfilInput, ResetRequest,
    SignupInput,
};
use crate::wire::{ApiError, Confirmed, InvitationDetails, Jeton, SignUpAnswer};

#[cfg(feature = "server")]
use crate::server::{accounts, accounts::invitations, AppCtx, ClientCtx, SessionCtx};

/// A sign-up: with an invitation's token, the account opens with its session; otherwise a
/// link goes to the address (the answer is the same whether it has an account).
#[post("/api/compte", app: AppCtx, session: SessionCtx, client: ClientCtx)]
pub async fn sign_up(input: Json<SignupInput>) -> Result<SignUpAnswer, ApiError> {
    accounts::sign_up(&app, &session, client.0, input.0).await
}

/// Follows a mailed link: a waiting sign-up becomes an account (logged in here), or an
/// account's address is confirmed.
#[post("/api/adresse/confirmation", app: AppCtx, session: SessionCtx)]
pub async fn confirm_address(input: Json<Jeton>) -> Result<Confirmed, ApiError> {
    accounts::confirm(&app, &session, &input.0.jeton).await
}

/// Mails the logged-in conseiller a link to confirm their address.
#[post("/api/moi/confirmation", app: AppCtx, session: SessionCtx)]
pub async fn send_address_confirmation() -> Result<(), ApiError> {
    accounts::send_confirmation(&app, session.conseiller_id()?).await
}

/// What an invitation's token fills the sign-up form with.
#[post("/api/invitation", app: AppCtx)]
pub async fn invitation_details(input: Json<Jeton>) -> Result<InvitationDetails, ApiError> {
    invitations::details(&app.db.pool, &input.0.jeton).await
}

/// Opens a session (sets the `conum_session` cookie).
#[post("/api/session", app: AppCtx, session: SessionCtx, client: ClientCtx)]
pub async fn log_in(credentials: Json<Credentials>) -> Result<Profil, ApiError> {
    accounts::log_in(&app, &session, client.0, credentials.0).await
}

/// Closes the current session, on this device only.
#[delete("/api/session", app: AppCtx, session: SessionCtx)]
pub async fn log_out() -> Result<(), ApiError> {
    accounts::log_out(&app, &session).await
}

/// The logged-in conseiller's profile; 401 without a session.
#[get("/api/moi", app: AppCtx, session: SessionCtx)]
pub async fn current_profil() -> Result<Profil, ApiError> {
    accounts::profil(&app, session.conseiller_id()?).await
}

/// Changes the profile (not the email); the form's defaults follow at once.
#[put("/api/moi", app: AppCtx, session: SessionCtx)]
pub async fn update_profil(input: Json<ProfilInput>) -> Result<Profil, ApiError> {
    accounts::update_profil(&app, session.conseiller_id()?, input.0).await
}

/// Changes the password (the current one is required) and logs out the other devices.
#[put("/api/moi/mot-de-passe", app: AppCtx, session: SessionCtx, client: ClientCtx)]
pub async fn change_password(change: Json<PasswordChange>) -> Result<(), ApiError> {
    accounts::change_password(&app, &session, client.0, change.0).await
}

/// "Mot de passe oublié ?": mails a reset link if the address has an account (the answer
/// does not say whether it has).
#[post("/api/mot-de-passe/oubli", app: AppCtx, client: ClientCtx)]
pub async fn request_password_reset(input: Json<ResetRequest>) -> Result<(), ApiError> {
    accounts::request_reset(&app, client.0, input.0).await
}

/// Sets a new password with the mail's single-use token; every session of the account ends.
#[post("/api/mot-de-passe/nouveau", app: AppCtx)]
pub async fn reset_password(input: Json<PasswordReset>) -> Result<(), ApiError> {
    accounts::reset_password(&app, input.0).await
}

/// Deletes the account and every record of it (the password confirms).
#[delete("/api/moi", app: AppCtx, session: SessionCtx, client: ClientCtx)]
pub async fn delete_account(input: Json<AccountDeletion>) -> Result<(), ApiError> {
    accounts::delete_account(&app, &session, client.0, input.0).await
}
