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

endpoint! {
    #[post("/api/compte", app: AppCtx, session: SessionCtx, client: ClientCtx)]
    /// A sign-up: with an invitation's token, the account opens with its session; otherwise a
    /// link goes to the address (the answer is the same whether it has an account).
    pub async fn sign_up(input: Json<SignupInput>) -> Result<SignUpAnswer, ApiError> {
        accounts::sign_up(&app, &session, client.0, input.0).await
    }
}

endpoint! {
    #[post("/api/adresse/confirmation", app: AppCtx, session: SessionCtx)]
    /// Follows a mailed link: a waiting sign-up becomes an account (logged in here), or an
    /// account's address is confirmed.
    pub async fn confirm_address(input: Json<Jeton>) -> Result<Confirmed, ApiError> {
        accounts::confirm(&app, &session, &input.0.jeton).await
    }
}

endpoint! {
    #[post("/api/moi/confirmation", app: AppCtx, session: SessionCtx)]
    /// Mails the logged-in conseiller a link to confirm their address.
    pub async fn send_address_confirmation() -> Result<(), ApiError> {
        accounts::send_confirmation(&app, session.conseiller_id()?).await
    }
}

endpoint! {
    #[post("/api/invitation", app: AppCtx)]
    /// What an invitation's token fills the sign-up form with.
    pub async fn invitation_details(input: Json<Jeton>) -> Result<InvitationDetails, ApiError> {
        invitations::details(&app.db.pool, &input.0.jeton).await
    }
}

endpoint! {
    #[post("/api/session", app: AppCtx, session: SessionCtx, client: ClientCtx)]
    /// Opens a session (sets the `conum_session` cookie).
    pub async fn log_in(credentials: Json<Credentials>) -> Result<Profil, ApiError> {
        accounts::log_in(&app, &session, client.0, credentials.0).await
    }
}

endpoint! {
    #[delete("/api/session", app: AppCtx, session: SessionCtx)]
    /// Closes the current session, on this device only.
    pub async fn log_out() -> Result<(), ApiError> {
        accounts::log_out(&app, &session).await
    }
}

endpoint! {
    #[get("/api/moi", app: AppCtx, session: SessionCtx)]
    /// The logged-in conseiller's profile; 401 without a session.
    pub async fn current_profil() -> Result<Profil, ApiError> {
        accounts::profil(&app, session.conseiller_id()?).await
    }
}

endpoint! {
    #[put("/api/moi", app: AppCtx, session: SessionCtx)]
    /// Changes the profile (not the email); the form's defaults follow at once.
    pub async fn update_profil(input: Json<ProfilInput>) -> Result<Profil, ApiError> {
        accounts::update_profil(&app, session.conseiller_id()?, input.0).await
    }
}

endpoint! {
    #[put("/api/moi/mot-de-passe", app: AppCtx, session: SessionCtx, client: ClientCtx)]
    /// Changes the password (the current one is required) and logs out the other devices.
    pub async fn change_password(change: Json<PasswordChange>) -> Result<(), ApiError> {
        accounts::change_password(&app, &session, client.0, change.0).await
    }
}

endpoint! {
    #[post("/api/mot-de-passe/oubli", app: AppCtx, client: ClientCtx)]
    /// "Mot de passe oublié ?": mails a reset link if the address has an account (the answer
    /// does not say whether it has).
    pub async fn request_password_reset(input: Json<ResetRequest>) -> Result<(), ApiError> {
        accounts::request_reset(&app, client.0, input.0).await
    }
}

endpoint! {
    #[post("/api/mot-de-passe/nouveau", app: AppCtx)]
    /// Sets a new password with the mail's single-use token; every session of the account ends.
    pub async fn reset_password(input: Json<PasswordReset>) -> Result<(), ApiError> {
        accounts::reset_password(&app, input.0).await
    }
}

endpoint! {
    #[delete("/api/moi", app: AppCtx, session: SessionCtx, client: ClientCtx)]
    /// Deletes the account and every record of it (the password confirms).
    pub async fn delete_account(input: Json<AccountDeletion>) -> Result<(), ApiError> {
        accounts::delete_account(&app, &session, client.0, input.0).await
    }
}
