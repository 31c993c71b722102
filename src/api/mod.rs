//! Server functions: the only door between the browser and the server.
//!
//! Each function has a stable `/api/...` path so that `curl`, the tests and (later) the
//! service worker can call it too. Bodies are plain JSON; errors are [`ApiError`].
//! The bodies of these functions only run on the server and delegate to `crate::server`.

mod accompagnements;
mod accounts;
mod error;
mod statistiques;
pub mod wire;

pub use accompagnements::*;
pub use accounts::*;
pub use statistiques::*;
pub use wire::*;
