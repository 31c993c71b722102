//! The outbox (`public/outbox.js`, IndexedDB), seen from Rust: every change to a record is
//! written there first, then sent; it leaves the phone only on the server's acknowledgement.
//! The JavaScript side is shared with the service worker, which sends it by Background Sync.

use dioxus::prelude::*;
use serde::{Deserialize, Serialize};

use super::js::{self, from_js, in_browser, to_js, PhoneError};
use crate::domain::{Accompagnement, AccompagnementInput, ConseillerId};
use crate::wire::ApiError;

/// What a change is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    Create,
    Update,
    Delete,
}

impl Change {
    fn code(self) -> &'static str {
        match self {
            Change::Create => "create",
            Change::Update => "update",
            Change::Delete => "delete",
        }
    }
}

/// What became of a change, once the outbox tried to send it.
#[derive(Clone, Debug, PartialEq)]
pub enum Delivery {
    /// The server has it.
    Sent,
    /// Kept on the phone until the network returns.
    Pending,
    /// The server refused it: kept, with the server's error, for the conseiller to decide.
    Rejected(ApiError),
    /// The session is over: kept, sealed to its owner, until they log in again.
    LoginNeeded,
}

/// The server's refusal as the outbox keeps it: the status and the JSON error body it sent.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Refusal {
    pub status: u16,
    #[serde(default)]
    pub body: Option<serde_json::Value>,
}

impl Refusal {
    /// The server's own error, decoded from its body (`data` is an [`ApiError`]).
    pub fn error(&self) -> ApiError {
        self.body
            .as_ref()
            .and_then(|body| serde_json::from_value(body.get("data")?.clone()).ok())
            .unwrap_or(ApiError::Server)
    }
}

/// One change waiting in the outbox.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PendingChange {
    pub id: String,
    pub owner: ConseillerId,
    pub kind: Change,
    pub body: Option<AccompagnementInput>,
    /// The version of the record the server holds, which this change replaces or deletes,
    /// when the page knew it (kept on the phone, never sent): the offline figures take it out.
    #[serde(default)]
    pub before: Option<AccompagnementInput>,
    pub error: Option<Refusal>,
    /// When it was made (milliseconds since 1970, the phone's clock).
    #[serde(rename = "queuedAt", default)]
    pub queued_at: f64,
}

impl PendingChange {
    /// The record as it will be once sent (none for a delete).
    pub fn record(&self) -> Option<Accompagnement> {
        if self.kind == Change::Delete {
            return None;
        }
        Accompagnement::from_stored(self.body.clone()?).ok()
    }

    /// The record a delete takes away, when the page that deleted it knew it (the body of a
    /// delete is kept on the phone, never sent): the server's version when an edit of it
    /// waited too, else the one the page showed.
    pub fn deleted_record(&self) -> Option<Accompagnement> {
        if self.kind != Change::Delete {
            return None;
        }
        Accompagnement::from_stored(self.before.clone().or_else(|| self.body.clone())?).ok()
    }

    /// The server's version of the record this change replaces (none if the page did not
    /// know it, or the record never reached the server).
    fn replaced_record(&self) -> Option<Accompagnement> {
        Accompagnement::from_stored(self.before.clone()?).ok()
    }

    /// The server's refusal, if it refused this change.
    pub fn refusal(&self) -> Option<ApiError> {
        self.error.as_ref().map(Refusal::error)
    }
}

/// A change the server will never take as it is (its id belongs to another record, the
/// record is gone): the conseiller keeps a copy or gives it up. Anything else refused (a
/// field to fix) is corrected with "Modifier".
pub fn refused_for_good(error: &ApiError) -> bool {
    matches!(error, ApiError::IdTaken | ApiError::NotFound)
}

/// What the outbox holds for the phone's conseiller, for the banner.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
pub struct OutboxStatus {
    /// The phone's session (none: nobody is logged in, or the session just ended).
    pub owner: Option<ConseillerId>,
    pub pending: usize,
    #[serde(default)]
    pub ops: Vec<PendingChange>,
}

/// Writes the change to the outbox, made by `owner`. Once this returns, the change is safe
/// on the phone; [`deliver`] sends it. `before`: the record as the page found it, for an
/// edit (the offline figures swap it for the new version until the edit is sent).
pub async fn queue(
    kind: Change,
    id: &str,
    body: Option<&AccompagnementInput>,
    before: Option<&AccompagnementInput>,
    owner: &ConseillerId,
) -> Result<(), PhoneError> {
    keep(kind.code(), id, body, before, owner).await
}

/// What [`rehearse`] asks the outbox (src/offline/bridge.js): to keep nothing.
const REHEARSAL: &str = "repetition";

/// Writes one change to the outbox through the bridge: [`queue`]'s way, and its rehearsal's.
async fn keep(
    kind: &str,
    id: &str,
    body: Option<&AccompagnementInput>,
    before: Option<&AccompagnementInput>,
    owner: &ConseillerId,
) -> Result<(), PhoneError> {
    in_browser()?;
    js::enqueue(kind, id, to_js(&body)?, owner.as_str(), to_js(&before)?).await?;
    Ok(())
}

/// Takes [`queue`]'s way with `body`, to the outbox's door, keeping nothing: run once before
/// the first save (see `ui::saisie::form`), its code is compiled when the conseiller taps.
pub async fn rehearse(body: &AccompagnementInput, owner: &ConseillerId) {
    let _ = keep(REHEARSAL, "", Some(body), None, owner).await;
}

/// Sends what waits, then says what became of the change of record `id`.
pub async fn deliver(id: &str) -> Delivery {
    let status = match flush().await {
        Ok(status) => status,
        Err(_) => return Delivery::Pending,
    };
    if status.owner.is_none() {
        return Delivery::LoginNeeded;
    }
    let mut waiting = status.ops.iter().filter(|op| op.id == id).peekable();
    if waiting.peek().is_none() {
        return Delivery::Sent;
    }
    match waiting.find_map(PendingChange::refusal) {
        Some(error) => Delivery::Rejected(error),
        None => Delivery::Pending,
    }
}

async fn flush() -> Result<OutboxStatus, PhoneError> {
    in_browser()?;
    from_js(js::flush().await?)
}

/// Tries to send what waits now (after logging in, say), without waiting for the outcome.
pub fn flush_soon() {
    if in_browser().is_ok() {
        wasm_bindgen_futures::spawn_local(async {
            let _ = flush().await;
        });
    }
}

/// Every change waiting for the phone's conseiller, oldest first.
pub async fn pending() -> Vec<PendingChange> {
    async {
        in_browser()?;
        from_js::<Vec<PendingChange>>(js::pending_changes().await?)
    }
    .await
    .unwrap_or_default()
}

/// How record `id` stands in the outbox (see [`by_record`]).
pub async fn pending_for(id: &str) -> Option<PendingChange> {
    by_record(&pending().await).into_iter().find(|c| c.id == id)
}

/// One change per record, in the order the records were first changed: the refused one that
/// holds the others back, else the latest (a record can have a change on its way and another
/// waiting behind it).
pub fn by_record(changes: &[PendingChange]) -> Vec<PendingChange> {
    let mut shown: Vec<PendingChange> = Vec::new();
    for change in changes {
        match shown.iter_mut().find(|c| c.id == change.id) {
            Some(current) if current.error.is_none() => *current = change.clone(),
            Some(_) => {}
            None => shown.push(change.clone()),
        }
    }
    shown
}

/// Records made on the phone that the server has not acknowledged yet, as they are now
/// (for the statistics shown offline).
pub fn unsent_records(changes: &[PendingChange]) -> Vec<Accompagnement> {
    by_record(changes)
        .iter()
        .filter(|latest| {
            latest.error.is_none()
                && changes
                    .iter()
                    .any(|c| c.id == latest.id && c.kind == Change::Create)
        })
        .filter_map(PendingChange::record)
        .collect()
}

/// Records the server holds whose deletion waits on the phone: figures from the server still
/// count them.
pub fn deleted_records(changes: &[PendingChange]) -> Vec<Accompagnement> {
    known_to_server(changes)
        .iter()
        .filter_map(PendingChange::deleted_record)
        .collect()
}

/// Records the server holds whose edit waits on the phone, as (the server's version, the new
/// one): figures from the server count the first.
pub fn edited_records(changes: &[PendingChange]) -> Vec<(Accompagnement, Accompagnement)> {
    known_to_server(changes)
        .iter()
        .filter_map(|latest| Some((latest.replaced_record()?, latest.record()?)))
        .collect()
}

/// The latest change of each record the server holds (none of its changes is a create made
/// on this phone), unless the server refused it.
fn known_to_server(changes: &[PendingChange]) -> Vec<PendingChange> {
    by_record(changes)
        .into_iter()
        .filter(|latest| {
            latest.error.is_none()
                && !changes
                    .iter()
                    .any(|c| c.id == latest.id && c.kind == Change::Create)
        })
        .collect()
}

/// Gives up every waiting change of record `id`.
pub async fn discard(id: &str) -> Result<(), PhoneError> {
    in_browser()?;
    Ok(js::discard(id).await?)
}

/// Forgets every change `owner` left on this phone (their account is deleted).
pub async fn forget(owner: &ConseillerId) -> Result<(), PhoneError> {
    in_browser()?;
    Ok(js::forget(owner.as_str()).await?)
}

/// How many changes wait for a conseiller who is not logged in on this phone.
pub async fn sealed() -> usize {
    async {
        in_browser()?;
        from_js::<usize>(js::sealed().await?)
    }
    .await
    .unwrap_or(0)
}

/// Follows the outbox (how many changes wait, whose session it is) and keeps it flowing:
/// at start, when the connection returns, when the app is back on screen, every 30 s.
pub fn use_outbox() -> Signal<OutboxStatus> {
    let mut status = use_signal(OutboxStatus::default);
    use_future(move || async move {
        if in_browser().is_err() {
            return;
        }
        let mut updates = js::outbox_updates::<OutboxStatus>().await;
        js::start_sending();
        while let Some(next) = updates.next().await {
            status.set(next);
        }
    });
    status
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::fixtures;

    fn change(
        kind: Change,
        body: AccompagnementInput,
        before: Option<AccompagnementInput>,
    ) -> PendingChange {
        PendingChange {
            id: body.id.clone(),
            owner: ConseillerId::new("c1"),
            kind,
            body: Some(body),
            before,
            error: None,
            queued_at: 0.0,
        }
    }

    /// Record number `n`, lasting `minutes`.
    fn record(n: u128, minutes: i64) -> AccompagnementInput {
        AccompagnementInput {
            id: uuid::Uuid::from_u128(0x0193_0000_0000_7000_8000_0000_0000_0000 + n).to_string(),
            duree_minutes: minutes,
            ..fixtures::individuel("2026-12-01")
        }
    }

    #[test]
    fn an_edit_of_a_sent_record_swaps_the_servers_version_for_the_new_one() {
        let edit = change(Change::Update, record(1, 90), Some(record(1, 30)));
        let swapped = edited_records(&[edit]);
        assert_eq!(swapped.len(), 1);
        assert_eq!(swapped[0].0.duree_minutes(), 30);
        assert_eq!(swapped[0].1.duree_minutes(), 90);
        assert!(
            unsent_records(&[change(Change::Update, record(1, 90), Some(record(1, 30)))])
                .is_empty()
        );
    }

    #[test]
    fn an_edit_of_a_record_made_on_the_phone_is_counted_once_as_new() {
        let made = change(Change::Create, record(2, 30), None);
        let edit = change(Change::Update, record(2, 60), Some(record(2, 30)));
        let changes = [made, edit];
        assert!(edited_records(&changes).is_empty());
        let unsent = unsent_records(&changes);
        assert_eq!(unsent.len(), 1);
        assert_eq!(unsent[0].duree_minutes(), 60);
    }

    #[test]
    fn a_deleted_record_that_was_edited_takes_away_the_servers_version() {
        let delete = change(Change::Delete, record(3, 90), Some(record(3, 30)));
        let deleted = deleted_records(&[delete]);
        assert_eq!(deleted.len(), 1);
        assert_eq!(deleted[0].duree_minutes(), 30);
        let plain = change(Change::Delete, record(4, 45), None);
        assert_eq!(deleted_records(&[plain])[0].duree_minutes(), 45);
    }

    #[test]
    fn a_refused_edit_changes_no_figure() {
        let mut edit = change(Change::Update, record(5, 90), Some(record(5, 30)));
        edit.error = Some(Refusal {
            status: 422,
            body: None,
        });
        assert!(edited_records(&[edit]).is_empty());
    }
}
