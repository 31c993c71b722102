//! Server functions: the only door between the browser and the server.
//!
//! Each function has a stable `/api/...` path so that `curl`, the tests and the service worker
//! can call it too. Bodies are plain JSON (the types of `crate::wire`); errors are [`ApiError`].
//! The bodies of these functions only run on the server and delegate to `crate::server`.

mod accompagnements;
mod accounts;
mod error;
mod statistiques;
mod structures;

pub use crate::wire::*;
pub use accompagnements::*;
pub use accounts::*;
pub use statistiques::*;
pub use structures::*;
