//! One record as the pages show it: loaded from the outbox, the server or the copy kept on the
//! phone (`WithRecord`), and what waits to be sent for it (`WaitingNotice`).

use dioxus::prelude::*;

use super::session;
use crate::api::{self, ApiError};
use crate::domain::{export, Accompagnement};
use crate::offline::network::{self, RETRY};
use crate::offline::outbox::{self, refused_for_good};
use crate::offline::{browser, phone, PendingChange};

/// A record as the pages show it: from the server, or still waiting in the outbox.
#[derive(Clone, Debug, PartialEq)]
pub struct ShownRecord {
    pub record: Accompagnement,
    /// Set while a change of this record waits to be sent (with the server's refusal, if any).
    pub waiting: Option<PendingChange>,
}

/// Loads one of the conseiller's records — the outbox's version first, then the server's,
/// then (offline) the copy of the history kept on the phone — and shows it with `show`.
/// `at_once`: while the server answers, shows the phone's copy (a record to read opens at
/// once on a weak network); a form waits for the server's, since it copies what it starts
/// from and a stale copy would be saved again.
#[component]
pub fn WithRecord(
    id: String,
    #[props(default)] at_once: bool,
    show: Callback<ShownRecord, Element>,
) -> Element {
    let outbox = use_context::<Signal<outbox::OutboxStatus>>();
    // The phone's copy while the server answers: on a weak network a record opens at once
    // (the history's copy of it), and is refreshed when the answer comes.
    let kept = use_resource(use_reactive!(|id| async move {
        match outbox::pending_for(&id).await {
            Some(change) => change.record().map(|record| ShownRecord {
                record,
                waiting: Some(change),
            }),
            None => kept_in_history(&id).await,
        }
    }));
    let loaded = use_resource(use_reactive!(|id| async move {
        // Again after "Réessayer", and as the outbox sends or receives changes.
        RETRY();
        outbox();
        find_record(id).await
    }));
    let read = loaded.read();
    match read.as_ref() {
        None => match kept.read().clone().flatten().filter(|_| at_once) {
            Some(shown) => show.call(shown),
            None => rsx! { p { class: "chargement", "Chargement…" } },
        },
        Some(Err(error)) => rsx! {
            h1 { "Accompagnement" }
            p { class: "fr-error-text", role: "alert", "{error}" }
            Link { to: super::Route::Historique {}, "Retour à l'historique" }
        },
        Some(Ok(shown)) => show.call(shown.clone()),
    }
}

async fn find_record(id: String) -> Result<ShownRecord, ApiError> {
    if let Some(change) = outbox::pending_for(&id).await {
        return match change.record() {
            Some(record) => Ok(ShownRecord {
                record,
                waiting: Some(change),
            }),
            None => Err(ApiError::NotFound),
        };
    }
    match session::ask(network::READ, api::get_accompagnement(id.clone())).await {
        Ok(stored) => Ok(ShownRecord {
            record: stored.accompagnement,
            waiting: None,
        }),
        Err(ApiError::Unreachable) => kept_in_history(&id).await.ok_or(ApiError::Unreachable),
        Err(error) => Err(error),
    }
}

/// The record as the history kept on the phone holds it.
async fn kept_in_history(id: &str) -> Option<ShownRecord> {
    phone::HISTORIQUE
        .load()
        .await
        .unwrap_or_default()
        .into_iter()
        .find(|stored| stored.accompagnement.id().to_string() == id)
        .map(|stored| ShownRecord {
            record: stored.accompagnement,
            waiting: None,
        })
}

/// Says that a record is not on the server yet, and why when the server refused it.
#[component]
pub fn WaitingNotice(change: PendingChange) -> Element {
    match change.refusal() {
        Some(error) if refused_for_good(&error) => rsx! { RefusedForGood { change, error } },
        Some(error) => rsx! {
            div { class: "fr-alert fr-alert--error fr-alert--sm", role: "alert",
                p { "Refusé par le serveur : {error}" }
                p { "Modifiez-le pour le corriger : il sera envoyé à nouveau." }
            }
        },
        None => rsx! {
            p { class: "fr-badge fr-badge--info", "En attente d'envoi" }
        },
    }
}

/// A change the server will never take: the conseiller keeps a copy, or gives it up.
#[component]
fn RefusedForGood(change: PendingChange, error: ApiError) -> Element {
    let mut problem = use_signal(|| None::<String>);
    let why = match error {
        ApiError::NotFound => "Cet accompagnement n'existe plus sur le serveur (il a peut-être été supprimé depuis un autre appareil) : cette modification ne peut pas être envoyée.",
        _ => "Le serveur ne peut pas enregistrer cet accompagnement : son identifiant est déjà pris par un autre enregistrement.",
    };
    let copy = {
        let change = change.clone();
        move |_| {
            if let Err(error) = keep_a_copy(&change) {
                problem.set(Some(format!("La copie n'a pas pu être créée : {error}")));
            }
        }
    };
    let give_up = move |_| {
        let id = change.id.clone();
        async move {
            if let Err(error) = outbox::discard(&id).await {
                problem.set(Some(format!(
                    "L'accompagnement n'a pas pu être abandonné : {error}"
                )));
            }
        }
    };
    rsx! {
        div { class: "fr-alert fr-alert--error fr-alert--sm refus-definitif", role: "alert",
            p { "{why}" }
            p { "Gardez-en une copie pour le saisir à nouveau, puis abandonnez-le." }
            div { class: "actions",
                button { r#type: "button", class: "fr-btn fr-btn--secondary fr-btn--sm", onclick: copy,
                    "Garder une copie (CSV)" }
                button { r#type: "button", class: "fr-btn fr-btn--tertiary fr-btn--sm", onclick: give_up,
                    "Abandonner" }
            }
            if let Some(message) = problem() {
                p { class: "fr-error-text", "{message}" }
            }
        }
    }
}

/// Downloads the refused record as a one-line CSV, like the records export.
fn keep_a_copy(change: &PendingChange) -> Result<(), crate::offline::PhoneError> {
    let record = change
        .record()
        .ok_or_else(|| crate::offline::PhoneError("aucun contenu à copier".into()))?;
    let made = chrono::DateTime::from_timestamp_millis(change.queued_at as i64).unwrap_or_default();
    let csv = export::records_csv(&[(record, made, made)]);
    browser::download(
        &format!("conum_accompagnement_{}.csv", change.id),
        "text/csv;charset=utf-8",
        &csv,
    )
}
