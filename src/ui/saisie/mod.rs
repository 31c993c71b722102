//! The entry form's pages: a new record (the start page), a modification, a duplicate.

mod form;
mod repartition;

use dioxus::prelude::*;
use uuid::Uuid;

pub use form::{blank_record, copy_for_today, FormMode, RecordForm, Saved};

use crate::api;
use crate::domain::Accompagnement;
use crate::offline::{self, Change, Delivery};
use crate::ui::browser;
use crate::ui::components::{ShownRecord, WithRecord};
use crate::ui::session::current_profil;
use crate::ui::Route;

/// How long "Annuler" stays offered after a save.
const UNDO_SECONDS: u32 = 10;

/// The start page: a blank form with the profile's defaults, and after each save a
/// confirmation with "Annuler" for ten seconds.
#[component]
pub fn Saisie() -> Element {
    let profil = current_profil();
    let mut undo = use_signal(|| None::<Uuid>);
    let mut notice = use_signal(|| None::<String>);
    let mut waiting = use_signal(|| false);
    let mut last = use_signal(|| None::<Accompagnement>);
    let reload_last = move || {
        spawn(async move {
            let found = match api::last_accompagnement().await {
                Ok(found) => {
                    let found = found.map(|stored| stored.accompagnement);
                    offline::keep_last(found.as_ref());
                    found
                }
                Err(_) => offline::kept_last().await,
            };
            last.set(found);
        });
    };
    use_hook(reload_last);
    // Made from the current profile: a profile change shows in the next form at once.
    let initial = blank_record(&profil);

    let on_saved = move |saved: Saved| {
        let id = saved.record.id();
        offline::keep_last(Some(&saved.record));
        last.set(Some(saved.record));
        waiting.set(!saved.sent);
        if saved.sent {
            spawn(offline::refresh_kept_history());
        }
        undo.set(Some(id));
        notice.set(None);
        spawn(async move {
            browser::sleep_ms(UNDO_SECONDS * 1000).await;
            if undo() == Some(id) {
                undo.set(None);
            }
        });
    };
    let cancel = move |_| async move {
        let Some(id) = undo() else { return };
        undo.set(None);
        match offline::send(Change::Delete, &id.to_string(), None).await {
            Delivery::Rejected(error) => notice.set(Some(error.to_string())),
            _ => {
                notice.set(Some(
                    "Saisie annulée : l'accompagnement est supprimé.".into(),
                ));
                reload_last();
            }
        }
    };

    rsx! {
        h1 { id: "titre-saisie", "Nouvel accompagnement" }
        if undo().is_some() {
            div { class: "fr-alert fr-alert--success fr-alert--sm confirmation", role: "status",
                p { "Accompagnement enregistré" }
                if waiting() {
                    p { class: "fr-hint-text", "Pas de connexion : il sera envoyé dès son retour." }
                }
                button { r#type: "button", class: "fr-btn fr-btn--secondary fr-btn--sm", onclick: cancel, "Annuler" }
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
            on_saved,
        }
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
                        profil: profil.clone(),
                        initial: shown.record.into(),
                        mode: FormMode::Modification,
                        last: None,
                        on_saved: move |_| {
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
                    profil: profil.clone(),
                    initial: copy_for_today(&shown.record),
                    mode: FormMode::Nouveau,
                    last: None,
                    on_saved: move |saved: Saved| {
                        navigator().replace(Route::Detail { id: saved.record.id().to_string() });
                    },
                }
            },
        }
    }
}
