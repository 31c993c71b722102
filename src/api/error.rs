//! The one error type of the API: each variant is an HTTP status and a French sentence.

use dioxus::fullstack::{AsStatusCode, ServerFnError, StatusCode};
use serde::{Deserialize, Serialize};

use crate::domain::FieldErrors;

/// What can go wrong behind `/api/…`. It travels as the `data` of the error body, so the
/// browser gets the same value back; its `Display` is the French sentence for the `message`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ApiError {
    /// 400: the input breaks rules; one French message per faulty field.
    #[error("Certains champs sont à corriger : {errors}")]
    Invalid { errors: FieldErrors },
    /// 400: the body or the query could not be read at all.
    #[error("La requête est illisible : {detail}")]
    Malformed { detail: String },
    /// 401: no valid session.
    #[error("Votre session a expiré : reconnectez-vous.")]
    Unauthorized,
    /// 401: the request was made for one account (the phone's `X-Conum-Owner`) while the
    /// session cookie belongs to another: nothing of one conseiller may land in another's
    /// account, so the phone must log that conseiller in again.
    #[error("Ces changements appartiennent à un autre compte : reconnectez-vous avec ce compte pour les envoyer.")]
    WrongAccount,
    /// 401: login refused. Deliberately the same for an unknown email and a wrong password.
    #[error("Adresse e-mail ou mot de passe incorrect.")]
    BadCredentials,
    /// 404: absent, or belonging to someone else (indistinguishable on purpose).
    #[error("Cet accompagnement est introuvable.")]
    NotFound,
    /// 403: a state-changing request sent by another site (cross-site request forgery).
    #[error("Requête refusée : elle vient d'un autre site que Conum.")]
    CrossSite,
    /// 409: sign-up with an email that already has an account.
    #[error("Un compte existe déjà avec cette adresse e-mail : connectez-vous.")]
    EmailTaken,
    /// 409: a record id already used by another account.
    #[error("Cet identifiant d'accompagnement est déjà utilisé : enregistrez-le à nouveau.")]
    IdTaken,
    /// 413: a body over the limit every request has.
    #[error("La requête est trop volumineuse : {max_kib} Kio au plus.")]
    TooLarge { max_kib: u64 },
    /// 429: too many login attempts for this account or from this address; the same
    /// whether the account exists or not.
    #[error("Trop de tentatives, réessayez dans {}.", minutes(*wait_minutes))]
    TooManyAttempts { wait_minutes: u64 },
    /// 503: too many requests need a password hashed at once; nothing was done.
    #[error("Le service est très sollicité : réessayez dans un instant.")]
    Busy,
    /// 503: the database cannot take the request now (read-only, full, restarting,
    /// unreachable). Nothing was written; the phone keeps the change and sends it later.
    #[error("Le service est momentanément indisponible : réessayez dans quelques minutes. Vos saisies restent sur ce téléphone.")]
    Unavailable,
    /// 500: our fault; details are in the server log, not here.
    #[error("Le serveur a rencontré une erreur : réessayez dans un instant.")]
    Server,
    /// The request never got an answer (client side only: offline, server down).
    #[error("Le serveur est injoignable : vérifiez votre connexion.")]
    Unreachable,
}

impl ApiError {
    /// A 400 with a single field message.
    pub fn invalid_field(field: &str, message: impl Into<String>) -> Self {
        let mut errors = FieldErrors::new();
        errors.add(field, message);
        ApiError::Invalid { errors }
    }
}

/// "1 minute", "3 minutes".
fn minutes(n: u64) -> String {
    if n <= 1 {
        format!("{n} minute")
    } else {
        format!("{n} minutes")
    }
}

impl From<FieldErrors> for ApiError {
    fn from(errors: FieldErrors) -> Self {
        ApiError::Invalid { errors }
    }
}

impl AsStatusCode for ApiError {
    fn as_status_code(&self) -> StatusCode {
        match self {
            ApiError::Invalid { .. } | ApiError::Malformed { .. } => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized | ApiError::WrongAccount | ApiError::BadCredentials => {
                StatusCode::UNAUTHORIZED
            }
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::CrossSite => StatusCode::FORBIDDEN,
            ApiError::EmailTaken | ApiError::IdTaken => StatusCode::CONFLICT,
            ApiError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::TooManyAttempts { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Server => StatusCode::INTERNAL_SERVER_ERROR,
            ApiError::Busy | ApiError::Unavailable | ApiError::Unreachable => {
                StatusCode::SERVICE_UNAVAILABLE
            }
        }
    }
}

/// Errors that did not come from our own handlers: transport failures on the client,
/// framework rejections on the server.
impl From<ServerFnError> for ApiError {
    fn from(error: ServerFnError) -> Self {
        match error {
            // Conum's server always puts an `ApiError` in `data`. An answer without one came
            // from something else on the way (a captive portal, a proxy): as good as no answer.
            ServerFnError::ServerError { details: None, .. } => ApiError::Unreachable,
            ServerFnError::ServerError { code: 401, .. } => ApiError::Unauthorized,
            ServerFnError::ServerError { code: 404, .. } => ApiError::NotFound,
            ServerFnError::ServerError { code: 503, .. } => ApiError::Unavailable,
            ServerFnError::ServerError { code, message, .. } if (400..500).contains(&code) => {
                ApiError::Malformed { detail: message }
            }
            ServerFnError::Request(_) => ApiError::Unreachable,
            // In the browser, an undecodable success is a page that is not ours (a captive
            // portal's "200 OK"); on the server, it is a request body we could not read.
            ServerFnError::Deserialization(_) if cfg!(not(feature = "server")) => {
                ApiError::Unreachable
            }
            ServerFnError::Args(detail)
            | ServerFnError::MissingArg(detail)
            | ServerFnError::Deserialization(detail) => ApiError::Malformed { detail },
            _ => ApiError::Server,
        }
    }
}
