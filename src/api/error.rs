//! How `ApiError` (in `wire`) travels out of Dioxus's server functions: its status code, and
//! what the server makes of the framework's own rejections. (The browser reads answers in
//! `api::client`.)

use dioxus::fullstack::{AsStatusCode, ServerFnError, StatusCode};

use crate::wire::ApiError;

impl AsStatusCode for ApiError {
    fn as_status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

/// Errors that did not come from our own handlers: the framework's rejections (a body or
/// arguments it could not read).
impl From<ServerFnError> for ApiError {
    fn from(error: ServerFnError) -> Self {
        match error {
            ServerFnError::ServerError { code: 401, .. } => ApiError::Unauthorized,
            ServerFnError::ServerError { code: 404, .. } => ApiError::NotFound,
            ServerFnError::ServerError { code: 503, .. } => ApiError::Unavailable,
            ServerFnError::ServerError { code, message, .. } if (400..500).contains(&code) => {
                ApiError::Malformed { detail: message }
            }
            ServerFnError::Request(_) => ApiError::Unreachable,
            ServerFnError::Args(detail)
            | ServerFnError::MissingArg(detail)
            | ServerFnError::Deserialization(detail) => ApiError::Malformed { detail },
            _ => ApiError::Server,
        }
    }
}
