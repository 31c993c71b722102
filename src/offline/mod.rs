//! The phone's side of Conum: everything the app keeps and does in the browser beyond
//! drawing pages.
//!
//! - [`outbox`]: every change to a record is written on the phone first, then sent, and
//!   leaves only on the server's acknowledgement (`public/outbox.js`, shared with the service
//!   worker);
//! - [`phone`]: whose session the phone holds, and the copies kept for offline use;
//! - [`network`]: a deadline on every request, and whether the server answers;
//! - [`worker`]: the service worker (offline start, updates);
//! - [`browser`]: the browser services the pages use (timers, focus, print, downloads);
//! - `js`: the typed bindings to `public/*.js`, through `bridge.js`.

pub mod browser;
mod js;
pub mod network;
pub mod outbox;
pub mod phone;
pub mod worker;

pub use js::PhoneError;
pub use outbox::{Change, Delivery, OutboxStatus, PendingChange};
