//! The service worker (`public/sw.js`, registered by `public/pwa.js`): the app opens without
//! the network and installs new versions when the conseiller agrees.

use dioxus::prelude::*;
use futures_channel::mpsc::unbounded;
use futures_util::StreamExt;
use wasm_bindgen::prelude::*;

use super::js::{self, in_browser};

/// Whether a new version of the app is installed and waits for a reload.
#[derive(Clone, Copy, PartialEq)]
pub struct UpdateReady(pub Signal<bool>);

/// Registers the service worker (release builds: a debug build must not be cached) and
/// tells when a new version waits. Shared with every page through the context.
pub fn use_service_worker() -> UpdateReady {
    let UpdateReady(mut update_ready) = use_context_provider(|| UpdateReady(Signal::new(false)));
    use_future(move || async move {
        if cfg!(debug_assertions) || in_browser().is_err() {
            return;
        }
        // The browser calls back outside Dioxus: through a channel to this task.
        let (sender, mut updates) = unbounded();
        let on_update = Closure::<dyn FnMut()>::new(move || {
            let _ = sender.unbounded_send(());
        });
        if let Err(error) = js::register_worker(&on_update).await {
            tracing::warn!("service worker not registered: {error:?}");
        }
        // Called on every later update too.
        on_update.forget();
        while updates.next().await.is_some() {
            update_ready.set(true);
        }
    });
    UpdateReady(update_ready)
}

/// Switches to the new version (the page reloads on it).
pub fn activate_update() {
    if in_browser().is_ok() {
        js::activate_update();
    }
}
