//! Server functions: the only door between the browser and the server.
//!
//! Each function has a stable `/api/...` path so that `curl`, the tests and (later) the
//! service worker can call it too. Bodies are plain JSON; errors are [`ApiError`].
//! The bodies of these functions only run on the server and delegate to `crate::server`.

mod accompagnements;
mod accounts;
mod error;
mod statistiques;

pub use accompagnements::*;
pub use accounts::*;
pub use error::ApiError;
pub use statistiques::*;

/// The account a request is made for, named by the phone: the server refuses the request
/// (401 `wrong_account`) when the session cookie belongs to another conseiller, so that a
/// change made by one never lands in another's account on a shared phone.
pub const OWNER_HEADER: &str = "x-conum-owner";
