//! How `ApiError` (in `wire`) travels through Dioxus's server functions: its status code,
//! and what the client makes of answers that are not Conum's.

use dioxus::fullstack::{AsStatusCode, ServerFnError, StatusCode};

use crate::wire::ApiError;

impl AsStatusCode for ApiError {
    fn as_status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
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
