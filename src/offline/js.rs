//! Typed bindings to the app's JavaScript modules, through `bridge.js` (wasm-bindgen).
//!
//! They compile on every target; only the browser may call them (off wasm they panic), which
//! [`in_browser`] guards at the top of every caller.

use futures_channel::mpsc::{unbounded, UnboundedReceiver};
use futures_util::StreamExt;
use serde::de::DeserializeOwned;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Why the phone side could not do what was asked.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct PhoneError(pub String);

impl From<JsValue> for PhoneError {
    fn from(value: JsValue) -> Self {
        PhoneError(
            value
                .as_string()
                .or_else(|| js_sys::JSON::stringify(&value).ok().map(String::from))
                .unwrap_or_else(|| "erreur JavaScript".into()),
        )
    }
}

impl From<serde_json::Error> for PhoneError {
    fn from(error: serde_json::Error) -> Self {
        PhoneError(error.to_string())
    }
}

/// Ok in the browser; an error elsewhere (server rendering), where there is no phone.
pub fn in_browser() -> Result<(), PhoneError> {
    if cfg!(target_arch = "wasm32") {
        Ok(())
    } else {
        Err(PhoneError("pas de navigateur ici".into()))
    }
}

/// Rust values become plain JavaScript objects, as IndexedDB keeps them, through JSON: the
/// API's own encoding, so each type's serializer is in the wasm once.
pub fn to_js<T: serde::Serialize + ?Sized>(value: &T) -> Result<JsValue, PhoneError> {
    Ok(js_sys::JSON::parse(&serde_json::to_string(value)?)?)
}

pub fn from_js<T: serde::de::DeserializeOwned>(value: JsValue) -> Result<T, PhoneError> {
    // Nothing kept (undefined) reads as JSON's null.
    let text = js_sys::JSON::stringify(&value)?
        .as_string()
        .unwrap_or_else(|| "null".into());
    Ok(serde_json::from_slice(text.as_bytes())?)
}

#[wasm_bindgen(module = "/src/offline/bridge.js")]
extern "C" {
    #[wasm_bindgen(catch)]
    pub async fn enqueue(
        kind: &str,
        id: &str,
        body: JsValue,
        owner: &str,
        before: JsValue,
    ) -> Result<(), JsValue>;
    #[wasm_bindgen(catch)]
    pub async fn flush() -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = pendingChanges)]
    pub async fn pending_changes() -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch)]
    pub async fn discard(id: &str) -> Result<(), JsValue>;
    #[wasm_bindgen(catch)]
    pub async fn forget(owner: &str) -> Result<(), JsValue>;
    #[wasm_bindgen(catch)]
    pub async fn sealed() -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = followOutbox)]
    async fn follow_outbox(listener: &Closure<dyn FnMut(JsValue)>) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_name = startSending)]
    pub fn start_sending();

    #[wasm_bindgen(catch)]
    pub async fn session() -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = beginSession)]
    pub async fn begin_session(owner: &str) -> Result<(), JsValue>;
    #[wasm_bindgen(catch, js_name = endSession)]
    pub async fn end_session(why: &str) -> Result<(), JsValue>;
    #[wasm_bindgen(catch, js_name = logoutDone)]
    pub async fn logout_done() -> Result<(), JsValue>;
    #[wasm_bindgen(catch, js_name = followSession)]
    async fn follow_session(listener: &Closure<dyn FnMut(JsValue)>) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch)]
    pub async fn keep(name: &str, owner: &str, value: JsValue) -> Result<(), JsValue>;
    #[wasm_bindgen(catch)]
    pub async fn kept(name: &str) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(catch, js_name = registerWorker)]
    pub async fn register_worker(
        on_update: &Closure<dyn FnMut()>,
        on_ready_offline: &Closure<dyn FnMut()>,
    ) -> Result<(), JsValue>;
    #[wasm_bindgen(js_name = activateUpdate)]
    pub fn activate_update();
}

/// What the JavaScript side reports as it happens (outbox status, session changes), readable
/// from a task of the app: the browser calls back outside Dioxus, so the values go through a
/// channel. Dropping it stops the listening.
pub struct Follow<T> {
    values: UnboundedReceiver<T>,
    stop: Option<js_sys::Function>,
    _listener: Option<Closure<dyn FnMut(JsValue)>>,
}

impl<T: DeserializeOwned + 'static> Follow<T> {
    async fn start(
        subscribe: impl AsyncFnOnce(&Closure<dyn FnMut(JsValue)>) -> Result<JsValue, JsValue>,
    ) -> Self {
        let (sender, values) = unbounded();
        if in_browser().is_err() {
            return Follow {
                values,
                stop: None,
                _listener: None,
            };
        }
        let listener = Closure::<dyn FnMut(JsValue)>::new(move |value: JsValue| {
            if let Ok(value) = from_js(value) {
                let _ = sender.unbounded_send(value);
            }
        });
        let stop = subscribe(&listener)
            .await
            .ok()
            .and_then(|f| f.dyn_into().ok());
        Follow {
            values,
            stop,
            _listener: Some(listener),
        }
    }

    pub async fn next(&mut self) -> Option<T> {
        self.values.next().await
    }
}

impl<T> Drop for Follow<T> {
    fn drop(&mut self) {
        if let Some(stop) = &self.stop {
            let _ = stop.call0(&JsValue::NULL);
        }
    }
}

/// The outbox's status now and after every change.
pub async fn outbox_updates<T: DeserializeOwned + 'static>() -> Follow<T> {
    Follow::start(async |listener| follow_outbox(listener).await).await
}

/// Every change of the phone's session from now on.
pub async fn session_updates<T: DeserializeOwned + 'static>() -> Follow<T> {
    Follow::start(async |listener| follow_session(listener).await).await
}
