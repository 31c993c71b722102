//! The entry form's pages: a new record (the start page), a modification, a duplicate.

mod form;
mod repartition;

use dioxus::prelude::*;
use uuid::Uuid;

pub use form::{blank_record, copy_for_today, FormMode, RecordForm};

use crate::api::{self, StoredAccompagnement};
use crate::domain::Accompagnement;
use crate::ui::browser;
use crate::ui::components::WithRecord;
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
    let mut last = use_signal(|| None::<Accompagnement>);
    let reload_last = move || {
        spawn(async move {
            if let Ok(found) = api::last_accompagnement().await {
                last.set(found.map(|stored| stored.accompagnement));
            }
        });
    };
    use_hook(reload_last);
    // Made from the current profile: a profile change shows in the next form at once.
    let initial = blank_record(&profil);

    let on_saved = move |stored: StoredAccompagnement| {
        let id = stored.accompagnement.id();
        last.set(Some(stored.accompagnement));
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
        match api::delete_accompagnement(id.to_string()).await {
            Ok(()) => {
                notice.set(Some(
                    "Saisie annulée : l'accompagnement est supprimé.".into(),
                ));
                reload_last();
            }
            Err(error) => notice.set(Some(error.to_string())),
        }
    };

    rsx! {
        h1 { id: "titre-saisie", "Nouvel accompagnement" }
        if undo().is_some() {
            div { class: "fr-alert fr-alert--success fr-alert--sm confirmation", role: "status",
                p { "Accompagnement enregistré" }
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

/// The same form on an existing record; saving replaces it.
#[component]
pub fn Modifier(id: String) -> Element {
    let profil = current_profil();
    rsx! {
        WithRecord {
            id,
            show: move |stored: StoredAccompagnement| {
                let id = stored.accompagnement.id().to_string();
                rsx! {
                    h1 { id: "titre-saisie", "Modifier l'accompagnement" }
                    RecordForm {
                        profil: profil.clone(),
                        initial: stored.accompagnement.into(),
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
            show: move |stored: StoredAccompagnement| rsx! {
                h1 { id: "titre-saisie", "Dupliquer l'accompagnement" }
                RecordForm {
                    profil: profil.clone(),
                    initial: copy_for_today(&stored.accompagnement),
                    mode: FormMode::Nouveau,
                    last: None,
                    on_saved: move |stored: StoredAccompagnement| {
                        navigator().replace(Route::Detail { id: stored.accompagnement.id().to_string() });
                    },
                }
            },
        }
    }
}
