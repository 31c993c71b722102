//! `ApiError` on the server: how it becomes an HTTP response, and what a database failure
//! becomes (a 503 when the database cannot take requests for now, else a logged 500).

use axum::body::Body;
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::wire::ApiError;

/// The JSON error body, the same as server functions produce: `{message, code, data}`.
impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::json!({
            "message": self.to_string(),
            "code": status.as_u16(),
            "data": self,
        });
        let mut response = Response::new(Body::from(body.to_string()));
        *response.status_mut() = status;
        response
            .headers_mut()
            .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        response
    }
}

/// Logs a failure (in English, with the cause) and turns it into the generic 500.
pub fn internal(error: impl std::fmt::Display) -> ApiError {
    tracing::error!(%error, "request failed");
    ApiError::Server
}

/// A database failure, as the client sees it: a 503 when the database cannot take requests
/// for now (the phone keeps the change and sends it later), else a 500.
impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> Self {
        if is_unavailable(&error) {
            tracing::warn!(%error, "database unavailable");
            ApiError::Unavailable
        } else {
            internal(error)
        }
    }
}

/// Read-only, full, locked for too long, restarting or out of reach: a passing state of the
/// database, not a fault of the request.
fn is_unavailable(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(e) => {
            let code = e.code().unwrap_or_default();
            if e.try_downcast_ref::<sqlx::postgres::PgDatabaseError>()
                .is_some()
            {
                unavailable_sqlstate(&code)
            } else {
                code.parse().is_ok_and(unavailable_sqlite_code)
            }
        }
        _ => false,
    }
}

/// SQLite's (extended) result codes: BUSY 5, LOCKED 6, READONLY 8, IOERR 10, FULL 13,
/// CANTOPEN 14 (the low byte is the primary code).
fn unavailable_sqlite_code(code: i32) -> bool {
    matches!(code & 0xff, 5 | 6 | 8 | 10 | 13 | 14)
}

/// Postgres's SQLSTATE: 08 connection, 53 insufficient resources (disk full…), 57P0x shutting
/// down or starting, 25006 read-only transaction, 40001/40P01 serialization failure, deadlock.
fn unavailable_sqlstate(code: &str) -> bool {
    code.starts_with("08")
        || code.starts_with("53")
        || code.starts_with("57P0")
        || matches!(code, "25006" | "40001" | "40P01")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passing_database_states_are_told_from_faults() {
        for code in [5, 517, 8, 1032, 13, 10, 3850, 14] {
            assert!(unavailable_sqlite_code(code), "SQLite {code}");
        }
        for code in [19, 2067, 1, 787, 11] {
            assert!(!unavailable_sqlite_code(code), "SQLite {code}");
        }
        for code in [
            "25006", "53100", "57P01", "57P03", "08006", "40001", "40P01",
        ] {
            assert!(unavailable_sqlstate(code), "SQLSTATE {code}");
        }
        for code in ["23505", "42P01", "22P02", "23503"] {
            assert!(!unavailable_sqlstate(code), "SQLSTATE {code}");
        }
    }
}
