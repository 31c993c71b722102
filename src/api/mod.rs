//! Server functions: the only door between the browser and the server.
//!
//! Each function has a stable `/api/...` path so that `curl`, the tests and the service worker
//! can call it too. Bodies are plain JSON (the types of `crate::wire`); errors are [`ApiError`].
//! The bodies of these functions only run on the server and delegate to `crate::server`; the
//! browser calls them through [`client`] (see [`endpoint!`]).

/// One server function, written once. On the server it is Dioxus's (`#[post(…)]` and the
/// others: the route, its extractors, the body); in the browser, a [`client::Call`] of the
/// same route, each argument placed as the route says ([`client::Arg`]).
macro_rules! endpoint {
    (
        #[$verb:ident($route:literal $(, $context:ident : $context_type:ident)*)]
        $(#[doc = $doc:literal])*
        pub async fn $name:ident($($arg:ident : $arg_type:ty),* $(,)?) -> Result<$ok:ty, ApiError> {
            $($body:tt)*
        }
    ) => {
        $(#[doc = $doc])*
        #[cfg(feature = "server")]
        #[$verb($route $(, $context: $context_type)*)]
        pub async fn $name($($arg: $arg_type),*) -> Result<$ok, ApiError> {
            $($body)*
        }

        $(#[doc = $doc])*
        #[cfg(not(feature = "server"))]
        pub async fn $name($($arg: $arg_type),*) -> Result<$ok, ApiError> {
            #[allow(unused_mut)]
            let mut call = $crate::api::client::Call::new(endpoint!(@method $verb), $route);
            $($crate::api::client::Arg::place(&$arg, stringify!($arg), &mut call);)*
            call.send().await
        }
    };
    (@method get) => { "GET" };
    (@method post) => { "POST" };
    (@method put) => { "PUT" };
    (@method delete) => { "DELETE" };
}

mod accompagnements;
mod accounts;
pub mod client;
#[cfg(feature = "server")]
mod error;
mod statistiques;
mod structures;

pub use crate::wire::*;
pub use accompagnements::*;
pub use accounts::*;
pub use statistiques::*;
pub use structures::*;
