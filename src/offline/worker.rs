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

/// Whether this phone just finished keeping everything the app needs to open offline (its
/// first installation): said once, so the conseiller knows the app may now be closed.
#[derive(Clone, Copy, PartialEq)]
pub struct ReadyOffline(pub Signal<bool>);

/// What the service worker tells the page.
enum WorkerNews {
    UpdateWaiting,
    ReadyOffline,
}

/// Registers the service worker (release builds: a debug build must not be cached) and
/// tells when a new version waits, and when a first installation is complete. Shared with
/// every page through the context.
pub fn use_service_worker() -> UpdateReady {
    let UpdateReady(mut update_ready) = use_context_provider(|| UpdateReady(Signal::new(false)));
    let ReadyOffline(mut ready_offline) = use_context_provider(|| ReadyOffline(Signal::new(false)));
    use_future(move || async move {
        if cfg!(debug_assertions) || in_browser().is_err() {
            return;
        }
        // The browser calls back outside Dioxus: through a channel to this task.
        let (sender, mut news) = unbounded();
        let updates = sender.clone();
        let on_update = Closure::<dyn FnMut()>::new(move || {
            let _ = updates.unbounded_send(WorkerNews::UpdateWaiting);
        });
        let on_ready = Closure::<dyn FnMut()>::new(move || {
            let _ = sender.unbounded_send(WorkerNews::ReadyOffline);
        });
        if let Err(error) = js::register_worker(&on_update, &on_ready).await {
            tracing::warn!("service worker not registered: {error:?}");
        }
        // Called on every later update too.
        on_update.forget();
        on_ready.forget();
        while let Some(news) = news.next().await {
            match news {
                WorkerNews::UpdateWaiting => update_ready.set(true),
                WorkerNews::ReadyOffline => ready_offline.set(true),
            }
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
