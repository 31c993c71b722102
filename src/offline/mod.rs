//! Offline glue: the outbox (`public/outbox.js`, IndexedDB) and the service worker
//! (`public/sw.js`, `public/pwa.js`), seen from Rust.
//!
//! Every change to a record goes through [`send`]: it is written to the outbox first, then
//! sent; the answer says whether the server has it, whether it waits for the network, or
//! whether the server refused it (with its French messages). The JavaScript side is shared
//! with the service worker, which sends the outbox by Background Sync.

use dioxus::prelude::*;
use serde::{Deserialize, Serialize};

use crate::api::{ApiError, StoredAccompagnement};
use crate::domain::{Accompagnement, AccompagnementInput, FieldError, FieldErrors, Profil};
use crate::ui::browser;

/// What a change is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    Create,
    Update,
    Delete,
}

/// What became of a change.
#[derive(Clone, Debug, PartialEq)]
pub enum Delivery {
    /// The server has it.
    Sent,
    /// Kept on the phone until the network returns.
    Pending,
    /// The server refused it: kept, with its messages, for the conseiller to fix.
    Rejected(ApiError),
    /// The session expired: kept until the conseiller logs in again.
    LoginNeeded,
}

/// The server's refusal as the outbox keeps it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejection {
    pub message: String,
    #[serde(default)]
    pub errors: Vec<FieldError>,
}

impl Rejection {
    pub fn field_errors(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        for e in &self.errors {
            errors.add(&e.field, e.message.clone());
        }
        errors
    }
}

/// One change waiting in the outbox.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PendingChange {
    pub id: String,
    pub kind: Change,
    pub body: Option<AccompagnementInput>,
    pub error: Option<Rejection>,
}

impl PendingChange {
    /// The record as it will be once sent (none for a delete).
    pub fn record(&self) -> Option<Accompagnement> {
        Accompagnement::from_stored(self.body.clone()?).ok()
    }
}

/// What the outbox holds, for the banner.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct OutboxStatus {
    pub pending: usize,
    #[serde(rename = "loginNeeded")]
    pub login_needed: bool,
}

#[derive(Deserialize)]
struct SendResult {
    /// Whether the server acknowledged this change.
    acknowledged: bool,
    op: Option<PendingChange>,
    #[serde(rename = "loginNeeded")]
    login_needed: bool,
}

/// Writes the change to the outbox, then tries to send everything waiting.
pub async fn send(kind: Change, id: &str, body: Option<&AccompagnementInput>) -> Delivery {
    let script = format!(
        r#"const outbox = await import('/outbox.js');
           const pwa = await import('/pwa.js');
           const id = {id:?};
           await outbox.enqueue({kind:?}, id, {body});
           pwa.requestBackgroundSync();
           const result = await outbox.flush();
           return {{
             acknowledged: id in result.sent,
             op: result.status.ops.find((op) => op.id === id) ?? null,
             loginNeeded: result.status.loginNeeded,
           }};"#,
        kind = serde_json::to_value(kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default(),
        body = body
            .map(|b| serde_json::to_string(b).unwrap_or_else(|_| "null".into()))
            .unwrap_or_else(|| "null".into()),
    );
    let Ok(result) = document::eval(&script).join::<SendResult>().await else {
        // The outbox itself failed (no IndexedDB): say so rather than pretend.
        return Delivery::Rejected(ApiError::Unreachable);
    };
    match result {
        SendResult {
            acknowledged: true, ..
        } => Delivery::Sent,
        SendResult {
            op:
                Some(PendingChange {
                    error: Some(rejection),
                    ..
                }),
            ..
        } => Delivery::Rejected(if rejection.errors.is_empty() {
            ApiError::Malformed {
                detail: rejection.message,
            }
        } else {
            ApiError::Invalid {
                errors: rejection.field_errors(),
            }
        }),
        SendResult {
            login_needed: true, ..
        } => Delivery::LoginNeeded,
        // Created then deleted before being sent: nothing left to do.
        SendResult { op: None, .. } => Delivery::Sent,
        _ => Delivery::Pending,
    }
}

/// Tries to send what waits now (after logging in again, say).
pub fn flush() {
    document::eval("const outbox = await import('/outbox.js'); await outbox.flush();");
}

/// Everything waiting, oldest first.
pub async fn pending() -> Vec<PendingChange> {
    document::eval("const outbox = await import('/outbox.js'); return await outbox.all();")
        .join::<Vec<PendingChange>>()
        .await
        .unwrap_or_default()
}

/// The change waiting for record `id`, if any.
pub async fn pending_for(id: &str) -> Option<PendingChange> {
    pending().await.into_iter().find(|c| c.id == id)
}

/// Follows the outbox (count, expired session) and keeps it flowing.
pub fn use_outbox() -> Signal<OutboxStatus> {
    let mut status = use_signal(OutboxStatus::default);
    use_effect(move || {
        spawn(async move {
            let mut channel = document::eval(
                r#"const outbox = await import('/outbox.js');
                   const pwa = await import('/pwa.js');
                   pwa.startSending();
                   outbox.subscribe((s) => dioxus.send({ pending: s.pending, loginNeeded: s.loginNeeded }));
                   await new Promise(() => {});"#,
            );
            while let Ok(next) = channel.recv::<OutboxStatus>().await {
                status.set(next);
            }
        });
    });
    status
}

/// Whether a new version of the app is installed and waits for a reload.
#[derive(Clone, Copy, PartialEq)]
pub struct UpdateReady(pub Signal<bool>);

/// Registers the service worker (release builds: a debug build must not be cached) and
/// tells when a new version waits. Shared with every page through the context.
pub fn use_service_worker() -> UpdateReady {
    let UpdateReady(mut update_ready) = use_context_provider(|| UpdateReady(Signal::new(false)));
    use_effect(move || {
        if cfg!(debug_assertions) {
            return;
        }
        spawn(async move {
            let mut channel = document::eval(
                r#"const pwa = await import('/pwa.js');
                   await pwa.registerWorker(() => dioxus.send(true));
                   await new Promise(() => {});"#,
            );
            while let Ok(true) = channel.recv::<bool>().await {
                update_ready.set(true);
            }
        });
    });
    UpdateReady(update_ready)
}

/// Switches to the new version (the page reloads on it).
pub fn activate_update() {
    document::eval("const pwa = await import('/pwa.js'); pwa.activateUpdate();");
}

const PROFIL_KEY: &str = "conum.profil";
const LAST_KEY: &str = "conum.dernier";
const HISTORY_KEY: &str = "conum.historique";
const STATS_KEY: &str = "conum.statistiques";

/// Keeps the last statistics fetched, shown offline.
pub fn keep_stats(stats: &crate::domain::stats::Stats) {
    browser::store(STATS_KEY, stats);
}

pub async fn kept_stats() -> Option<crate::domain::stats::Stats> {
    browser::load(STATS_KEY).await
}

/// Keeps the profile on the phone, for opening the app offline.
pub fn keep_profil(profil: &Profil) {
    browser::store(PROFIL_KEY, profil);
}

pub async fn kept_profil() -> Option<Profil> {
    browser::load(PROFIL_KEY).await
}

/// Keeps the last record, for "Comme la dernière fois" offline.
pub fn keep_last(record: Option<&Accompagnement>) {
    browser::store(LAST_KEY, &record);
}

pub async fn kept_last() -> Option<Accompagnement> {
    browser::load::<Option<Accompagnement>>(LAST_KEY)
        .await
        .flatten()
}

/// Keeps the first page of the history, shown offline.
pub fn keep_history(records: &[StoredAccompagnement]) {
    browser::store(HISTORY_KEY, &records);
}

/// Refreshes the copy of the history kept on the phone (when the server answers).
pub async fn refresh_kept_history() {
    let first_page = crate::api::ListQuery {
        page: Some(1),
        ..Default::default()
    };
    if let Ok(page) = crate::api::list_accompagnements(first_page).await {
        keep_history(&page.items);
    }
}

pub async fn kept_history() -> Vec<StoredAccompagnement> {
    browser::load(HISTORY_KEY).await.unwrap_or_default()
}
