//! The entry form's pages: a new record (the start page), a modification, a duplicate.

mod form;
mod jour;
mod parts;
mod repartition;

use dioxus::prelude::*;
use uuid::Uuid;

pub use form::{blank_record, FormMode, RecordForm, Saved};
pub use jour::copy_for_today;

use crate::domain::{Accompagnement, AccompagnementInput, ConseillerId};
use crate::offline::outbox::{self, Change, Delivery};
use crate::offline::{browser, phone};
use crate::ui::record::{ShownRecord, WithRecord};
use crate::ui::session::{self, current_profil, keep_first_page, profil_if_loaded};
use crate::ui::Route;

/// How long "Annuler" stays offered after a save.
const UNDO_SECONDS: u64 = 10;

/// The start page: a blank form with the profile's defaults, and after each save a
/// confirmation (shown as soon as the record is safe on the phone), what became of it, and
/// "Annuler" for ten seconds.
#[component]
pub fn Saisie() -> Element {
    rsx! { NewRecords { like_last_time: false } }
}

/// The start page with its first form filled as the last record (the home screen's
/// "Comme la dernière fois"); the next ones are blank.
#[component]
pub fn CommeLaDerniereFois() -> Element {
    rsx! { NewRecords { like_last_time: true } }
}

#[component]
fn NewRecords(like_last_time: bool) -> Element {
    // None while the profile loads (the server renders the form so): the form shows at
    // once and takes the profile's defaults when they come.
    let profil = profil_if_loaded();
    let owner = profil.as_ref().map(|p| p.id.clone());
    // The last record saved here, and what the outbox did with it (none: being sent).
    let mut saved = use_signal(|| None::<(Uuid, Option<Delivery>)>);
    let mut undo_open = use_signal(|| false);
    let mut notice = use_signal(|| None::<String>);
    let mut last = use_signal(|| None::<Accompagnement>);
    let reload_last = move |owner: ConseillerId| {
        spawn(async move { last.set(session::last_record(&owner).await) });
    };
    // Once the conseiller is known (and again if another one logs in).
    use_effect(use_reactive!(|owner| {
        if let Some(owner) = owner {
            reload_last(owner);
        }
    }));
    // Made from the current profile: a profile change shows in the next form at once.
    let initial = blank_record(profil.as_ref());

    let on_saved = {
        let owner = owner.clone();
        move |done: Saved| {
            let id = done.record.id();
            // A record is only saved once the profile is known (see RecordForm).
            let Some(owner) = owner.clone() else { return };
            last.set(Some(done.record.clone()));
            saved.set(Some((id, None)));
            undo_open.set(true);
            notice.set(None);
            spawn({
                let owner = owner.clone();
                async move {
                    // A copy for "Comme la dernière fois" offline, once the confirmation shows;
                    // the blank form (drawn the frame after) starts at its top.
                    browser::after_next_paint().await;
                    browser::bring_to_top("titre-saisie");
                    phone::DERNIER.keep(&owner, &Some(done.record)).await
                }
            });
            // Sent at once (not after the paint): the page must hold the outbox's lock before
            // the service worker's Background Sync does, or on a network that never answers
            // "Pas de connexion" would wait for both of their attempts.
            spawn(async move {
                let delivery = outbox::deliver(&id.to_string()).await;
                if delivery == Delivery::Sent {
                    spawn(keep_first_page(owner));
                }
                if saved.peek().as_ref().is_some_and(|(shown, _)| *shown == id) {
                    saved.set(Some((id, Some(delivery))));
                }
            });
            spawn(async move {
                browser::sleep(std::time::Duration::from_secs(UNDO_SECONDS)).await;
                if saved.peek().as_ref().is_some_and(|(shown, _)| *shown == id) {
                    undo_open.set(false);
                }
            });
        }
    };
    let cancel = move |_| {
        let owner = owner.clone();
        async move {
            let Some((id, _)) = saved() else { return };
            let Some(owner) = owner else { return };
            // Kept with the delete: offline figures take it away until the delete is sent.
            let deleted = last()
                .filter(|r| r.id() == id)
                .map(AccompagnementInput::from);
            saved.set(None);
            undo_open.set(false);
            match outbox::queue(
                Change::Delete,
                &id.to_string(),
                deleted.as_ref(),
                None,
                &owner,
            )
            .await
            {
                Ok(()) => {
                    outbox::flush_soon();
                    notice.set(Some(
                        "Saisie annulée : l'accompagnement est supprimé.".into(),
                    ));
                    reload_last(owner);
                }
                Err(error) => notice.set(Some(format!(
                    "L'annulation n'a pas pu être gardée sur ce téléphone : {error}"
                ))),
            }
        }
    };

    rsx! {
        h1 { id: "titre-saisie", "Nouvel accompagnement" }
        if let Some((id, delivery)) = saved() {
            // Where the thumb is while "Annuler" lasts: just above "Enregistrer" (the form was
            // filled from its bottom); then in its place above the blank form.
            div {
                class: if undo_open() { "fr-alert fr-alert--success fr-alert--sm confirmation confirmation--flottante" } else { "fr-alert fr-alert--success fr-alert--sm confirmation" },
                role: "status",
                tabindex: "-1",
                id: "confirmation-saisie",
                onmounted: move |e| async move {
                    // Screen readers hear it, and the keyboard goes on from it ("Annuler").
                    let _ = e.set_focus(true).await;
                },
                p { "Accompagnement enregistré" }
                DeliveryLine { id, delivery }
                if undo_open() {
                    button { r#type: "button", class: "fr-btn fr-btn--secondary fr-btn--sm", onclick: cancel, "Annuler" }
                }
            }
        }
        if let Some(message) = notice() {
            div { class: "fr-alert fr-alert--info fr-alert--sm", role: "status", p { "{message}" } }
        }
        RecordForm {
            profil,
            initial,
            mode: FormMode::Nouveau,
            last: last(),
            like_last_time,
            on_saved,
        }
    }
}

/// What became of the record just saved.
#[component]
fn DeliveryLine(id: Uuid, delivery: Option<Delivery>) -> Element {
    match delivery {
        None => rsx! { p { class: "fr-hint-text", "Envoi en cours…" } },
        Some(Delivery::Sent) => rsx! { p { class: "fr-hint-text", "Envoyé." } },
        Some(Delivery::Pending) => rsx! {
            p { class: "fr-hint-text", "Pas de connexion : il sera envoyé dès son retour." }
        },
        Some(Delivery::LoginNeeded) => rsx! {
            p { class: "fr-hint-text", "Gardé sur ce téléphone : il sera envoyé quand vous vous reconnecterez." }
        },
        Some(Delivery::Rejected(error)) => rsx! {
            p { class: "fr-error-text", "Refusé par le serveur : {error}" }
            Link { to: Route::Detail { id: id.to_string() }, "Voir l'accompagnement pour le corriger" }
        },
    }
}

/// The same form on an existing record (sent or still waiting); saving replaces it.
#[component]
pub fn Modifier(id: String) -> Element {
    let profil = current_profil();
    rsx! {
        WithRecord {
            id,
            show: move |shown: ShownRecord| {
                let id = shown.record.id().to_string();
                rsx! {
                    h1 { id: "titre-saisie", "Modifier l'accompagnement" }
                    RecordForm {
                        profil: Some(profil.clone()),
                        initial: shown.record.into(),
                        mode: FormMode::Modification,
                        last: None,
                        on_saved: move |_| {
                            outbox::flush_soon();
                            navigator().replace(Route::Detail { id: id.clone() });
                        },
                    }
                }
            },
        }
    }
}

/// The form filled from another record, for a new one today.
#[component]
pub fn Dupliquer(id: String) -> Element {
    let profil = current_profil();
    rsx! {
        WithRecord {
            id,
            show: move |shown: ShownRecord| rsx! {
                h1 { id: "titre-saisie", "Dupliquer l'accompagnement" }
                RecordForm {
                    profil: Some(profil.clone()),
                    initial: copy_for_today(&shown.record),
                    mode: FormMode::Nouveau,
                    last: None,
                    on_saved: move |saved: Saved| {
                        outbox::flush_soon();
                        navigator().replace(Route::Detail { id: saved.record.id().to_string() });
                    },
                }
            },
        }
    }
}
