//! Sign-up, login, logout and the current conseiller.

use dioxus::fullstack::Json;
use dioxus::prelude::*;

use super::ApiError;
use crate::domain::{Credentials, PasswordChange, Profil, ProfilInput, SignupInput};

#[cfg(feature = "server")]
use crate::server::{accounts, AppCtx, SessionCtx};

/// Creates an account and opens its session.
#[post("/api/compte", app: AppCtx, session: SessionCtx)]
pub async fn sign_up(input: Json<SignupInput>) -> Result<Profil, ApiError> {
    accounts::sign_up(&app, &session, input.0).await
}

/// Opens a session (sets the `conum_session` cookie).
#[post("/api/session", app: AppCtx, session: SessionCtx)]
pub async fn log_in(credentials: Json<Credentials>) -> Result<Profil, ApiError> {
    accounts::log_in(&app, &session, credentials.0).await
}

/// Closes the current session, on this device only.
#[delete("/api/session", app: AppCtx, session: SessionCtx)]
pub async fn log_out() -> Result<(), ApiError> {
    accounts::log_out(&app, &session).await
}

/// The logged-in conseiller's profile; 401 without a session.
#[get("/api/moi", app: AppCtx, session: SessionCtx)]
pub async fn current_profil() -> Result<Profil, ApiError> {
    accounts::profil(&app, &session).await
}

/// Changes the profile (not the email); the form's defaults follow at once.
#[put("/api/moi", app: AppCtx, session: SessionCtx)]
pub async fn update_profil(input: Json<ProfilInput>) -> Result<Profil, ApiError> {
    accounts::update_profil(&app, &session, input.0).await
}

/// Changes the password (the current one is required) and logs out the other devices.
#[put("/api/moi/mot-de-passe", app: AppCtx, session: SessionCtx)]
pub async fn change_password(change: Json<PasswordChange>) -> Result<(), ApiError> {
    accounts::change_password(&app, &session, change.0).await
}
