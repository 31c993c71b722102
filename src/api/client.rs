//! The browser's half of the server functions: one `fetch` per call, and its answer read as
//! Conum's server writes it. Dioxus's own client does the same through `url`, `http` and
//! `gloo-net`, about 110 KB of wasm (35 KB brotli'd) in every first visit for the addresses
//! of one site; the server's half stays Dioxus's (`#[post]` and the others, see [`endpoint!`]).
//!
//! What an answer means, as with Dioxus's client:
//! - a 2xx whose body is the awaited JSON (empty reads as `null`): the value;
//! - any other status whose body carries an [`ApiError`] in `data`: that error;
//! - anything else (no answer, a captive portal's page, a proxy's error): as good as no answer,
//!   [`ApiError::Unreachable`], so the phone keeps what it has and says it is offline.

use std::cell::RefCell;

use dioxus::fullstack::Json;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::wire::{ApiError, ListQuery, NationalQuery, StatsQuery, TeamQuery};

thread_local! {
    /// The account every request is made for (`X-Conum-Owner`), set by `offline::phone`.
    static OWNER: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Names the account every later request is made for; none drops the header.
pub fn claim_requests(owner: Option<&str>) {
    OWNER.with(|o| *o.borrow_mut() = owner.map(str::to_owned));
}

/// One request being put together from a server function's arguments.
pub struct Call {
    // Read by the browser's fetch only.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    method: &'static str,
    /// The route's template (`/api/accompagnements/{id}?{query}`), filled as arguments come.
    path: String,
    query: Option<String>,
    body: Option<String>,
}

impl Call {
    pub fn new(method: &'static str, route: &str) -> Call {
        let path = route.split_once('?').map_or(route, |(path, _)| path);
        Call {
            method,
            path: path.to_owned(),
            query: None,
            body: None,
        }
    }

    /// What the server answers, decoded; [`ApiError::Unreachable`] without an answer of ours.
    pub async fn send<T: DeserializeOwned>(self) -> Result<T, ApiError> {
        let (status, text) = self.fetch().await.ok_or(ApiError::Unreachable)?;
        decode(status, &text)
    }

    #[cfg(target_arch = "wasm32")]
    async fn fetch(self) -> Option<(u16, String)> {
        use wasm_bindgen::JsCast;
        let controller = web_sys::AbortController::new().ok()?;
        // Dropped unanswered (a deadline passed, the page changed): the fetch is aborted, which
        // frees the connection for the next request.
        let _abort = AbortOnDrop(controller.clone());
        let owner = OWNER.with(|o| o.borrow().clone());
        let answer = browser::call(
            self.method,
            &self.path,
            self.query,
            owner,
            self.body,
            &controller.signal(),
        )
        .await
        .ok()?;
        let answer: js_sys::Array = answer.dyn_into().ok()?;
        let status = answer.get(0).as_f64()? as u16;
        Some((status, answer.get(1).as_string()?))
    }

    #[cfg(not(target_arch = "wasm32"))]
    async fn fetch(self) -> Option<(u16, String)> {
        // Outside the browser (the server's rendering) the app never calls its own API.
        None
    }
}

#[cfg(target_arch = "wasm32")]
struct AbortOnDrop(web_sys::AbortController);

#[cfg(target_arch = "wasm32")]
impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

#[cfg(target_arch = "wasm32")]
mod browser {
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen(module = "/src/api/client.js")]
    extern "C" {
        #[wasm_bindgen(catch)]
        pub async fn call(
            method: &str,
            path: &str,
            query: Option<String>,
            owner: Option<String>,
            body: Option<String>,
            signal: &web_sys::AbortSignal,
        ) -> Result<JsValue, JsValue>;
    }
}

/// How each argument of a server function travels, after the route's own rules: a `String`
/// fills the `{name}` of the path, a query type is the `?{query}`, `Json` is the body.
pub trait Arg {
    fn place(&self, name: &str, call: &mut Call);
}

impl Arg for String {
    fn place(&self, name: &str, call: &mut Call) {
        call.path = call
            .path
            .replace(&format!("{{{name}}}"), &encode_segment(self));
    }
}

impl<T: Serialize> Arg for Json<T> {
    fn place(&self, _: &str, call: &mut Call) {
        call.body = serde_json::to_string(&self.0).ok();
    }
}

/// A flat struct of optional fields, sent as the query string (its `None`s left out).
trait Query: Serialize {}
impl Query for ListQuery {}
impl Query for StatsQuery {}
impl Query for NationalQuery {}
impl Query for TeamQuery {}

impl<Q: Query> Arg for Q {
    fn place(&self, _: &str, call: &mut Call) {
        call.query = serde_json::to_string(self).ok();
    }
}

/// A path segment as the address needs it: every byte but the unreserved ones escaped.
fn encode_segment(value: &str) -> String {
    let mut encoded = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            encoded.push(byte as char);
        } else {
            const HEX: &[u8; 16] = b"0123456789ABCDEF";
            encoded.push('%');
            encoded.push(HEX[usize::from(byte >> 4)] as char);
            encoded.push(HEX[usize::from(byte & 15)] as char);
        }
    }
    encoded
}

/// The error body Conum's server writes (Dioxus's `ErrorPayload`): only its `data` matters.
#[derive(Deserialize)]
struct ErrorBody {
    data: ApiError,
}

/// An answer's meaning (see the module's documentation).
pub fn decode<T: DeserializeOwned>(status: u16, body: &str) -> Result<T, ApiError> {
    // Read as bytes, as the phone's copies are (`offline::js::from_js`): each type's decoder
    // is then in the wasm once, not once per kind of input.
    let body = if body.is_empty() { "null" } else { body }.as_bytes();
    if (200..300).contains(&status) {
        serde_json::from_slice(body).map_err(|_| ApiError::Unreachable)
    } else {
        Err(serde_json::from_slice::<ErrorBody>(body).map_or(ApiError::Unreachable, |e| e.data))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::errors::FieldErrors;

    #[test]
    fn a_success_is_its_value_and_an_empty_body_is_null() {
        assert_eq!(decode::<u32>(200, "7"), Ok(7));
        assert_eq!(decode::<()>(200, ""), Ok(()));
        assert_eq!(decode::<Option<u32>>(200, "null"), Ok(None));
    }

    #[test]
    fn a_page_that_is_not_ours_is_no_answer() {
        // A captive portal answers every request with its own page, often "200 OK".
        let portal = "<!doctype html><title>Wi-Fi de l'hôtel</title>";
        assert_eq!(decode::<u32>(200, portal), Err(ApiError::Unreachable));
        assert_eq!(decode::<()>(200, portal), Err(ApiError::Unreachable));
        assert_eq!(decode::<u32>(302, portal), Err(ApiError::Unreachable));
        // A proxy's error, or an error body without Conum's `data`.
        assert_eq!(
            decode::<u32>(502, "Bad Gateway"),
            Err(ApiError::Unreachable)
        );
        let without_data = r#"{"message":"Unauthorized","code":401}"#;
        assert_eq!(decode::<u32>(401, without_data), Err(ApiError::Unreachable));
        let foreign_data = r#"{"message":"x","code":400,"data":{"kind":"teapot"}}"#;
        assert_eq!(decode::<u32>(400, foreign_data), Err(ApiError::Unreachable));
    }

    #[test]
    fn an_error_of_ours_is_that_error_whatever_the_status() {
        for error in [
            ApiError::Unauthorized,
            ApiError::NotFound,
            ApiError::Unavailable,
            ApiError::DailyQuota { max: 500 },
            ApiError::Invalid {
                errors: FieldErrors::default(),
            },
        ] {
            let body = serde_json::json!({ "message": error.to_string(), "code": error.status(), "data": error });
            assert_eq!(
                decode::<u32>(error.status(), &body.to_string()),
                Err(error.clone())
            );
        }
    }

    #[test]
    fn path_segments_are_escaped_and_the_route_filled() {
        assert_eq!(encode_segment("01926a-b_c.d~"), "01926a-b_c.d~");
        assert_eq!(encode_segment("a/b?c#d é"), "a%2Fb%3Fc%23d%20%C3%A9");
        let mut call = Call::new("GET", "/api/structures/{id}/statistiques?{query}");
        "s/1".to_owned().place("id", &mut call);
        TeamQuery::default().place("query", &mut call);
        assert_eq!(call.path, "/api/structures/s%2F1/statistiques");
        assert_eq!(
            call.query.as_deref(),
            Some(
                r#"{"du":null,"au":null,"conseiller":null,"commune":null,"canal":null,"activite":null}"#
            )
        );
    }
}
