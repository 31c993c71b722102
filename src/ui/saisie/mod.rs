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
    let page = use_new_records(owner.clone());
    use_rehearsed_confirmation(page, owner.is_some());
    let NewRecordsState {
        saved,
        undo_open,
        notice,
        last,
    } = page;
    // Made from the current profile: a profile change shows in the next form at once.
    let initial = blank_record(profil.as_ref());
    let on_saved = {
        let owner = owner.clone();
        move |done: Saved| {
            // A record is only saved once the profile is known (see RecordForm).
            if let Some(owner) = owner.clone() {
                page.saved(owner, done);
            }
        }
    };
    let cancel = move |_| {
        if let Some(owner) = owner.clone() {
            spawn(async move { page.cancel(owner).await });
        }
    };

    rsx! {
        h1 { id: "titre-saisie", "Nouvel accompagnement" }
        if let Some((id, delivery)) = saved() {
            // One block per record: each save's confirmation is new, so it takes the focus
            // and is heard, the tenth as the first.
            Confirmation {
                key: "{id}",
                id,
                delivery,
                undo_open: undo_open() || id.is_nil(),
                cancel,
                rehearsal: id.is_nil(),
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

/// A save's confirmation: which record, what became of it, "Annuler" while it lasts. Its
/// rehearsal is the same block, invisible to eyes, screen readers and tests (no id, hidden).
#[component]
fn Confirmation(
    id: Uuid,
    delivery: Option<Delivery>,
    undo_open: bool,
    cancel: EventHandler<MouseEvent>,
    #[props(default)] rehearsal: bool,
) -> Element {
    // Where the thumb is while "Annuler" lasts: just above "Enregistrer" (the form was
    // filled from its bottom); then in its place above the blank form.
    let place = if undo_open {
        " confirmation--flottante"
    } else {
        ""
    };
    let rehearsed = if rehearsal {
        " confirmation--repetition"
    } else {
        ""
    };
    rsx! {
        div {
            class: "fr-alert fr-alert--success fr-alert--sm confirmation{place}{rehearsed}",
            role: if !rehearsal { "status" },
            tabindex: "-1",
            id: if !rehearsal { "confirmation-saisie" },
            "aria-hidden": if rehearsal { "true" },
            // Which record it confirms: two saves in a row are two confirmations.
            "data-record": "{id}",
            onmounted: move |e| async move {
                // Screen readers hear it, and the keyboard goes on from it ("Annuler"). Once
                // painted: focusing lays the page out at once, and the frame that shows the
                // confirmation waited for it (6 ms with the CPU 4× slower). The rehearsal
                // takes the same path without the focus (it blurs what it does not hold:
                // nothing), so that the first save's focus has its code compiled.
                browser::after_next_paint().await;
                let _ = e.set_focus(!rehearsal).await;
            },
            p { "Accompagnement enregistré" }
            DeliveryLine { id, delivery }
            if undo_open {
                button {
                    r#type: "button",
                    class: "fr-btn fr-btn--secondary fr-btn--sm",
                    tabindex: if rehearsal { "-1" },
                    onclick: move |e| cancel.call(e),
                    "Annuler"
                }
            }
        }
    }
}

/// Shows the confirmation once, hidden, for one frame after the form's first paint with its
/// profile, as a save does (the nil id marks it): the first save's confirmation took 20 ms
/// with the CPU 4× slower, a third of it the browser styling its block for the first time
/// (the style sheet's rules are read when they first match) and the rest its code run for
/// the first time.
fn use_rehearsed_confirmation(page: NewRecordsState, profile_known: bool) {
    let mut done = use_signal(|| false);
    let mut saved = page.saved;
    use_effect(use_reactive!(|profile_known| {
        if profile_known && !*done.peek() {
            done.set(true);
            spawn(async move {
                browser::after_next_paint().await;
                if saved.peek().is_none() {
                    saved.set(Some((Uuid::nil(), None)));
                }
                browser::after_next_paint().await;
                if saved.peek().as_ref().is_some_and(|(id, _)| id.is_nil()) {
                    saved.set(None);
                }
            });
        }
    }));
}

/// The start page's own state, beside the form's: the last record saved here, what the
/// outbox did with it (none: being sent), whether "Annuler" is still offered, a notice, and
/// the conseiller's last record (for "Comme la dernière fois").
#[derive(Clone, Copy, PartialEq)]
struct NewRecordsState {
    saved: Signal<Option<(Uuid, Option<Delivery>)>>,
    undo_open: Signal<bool>,
    notice: Signal<Option<String>>,
    last: Signal<Option<Accompagnement>>,
}

/// The state, and the last record asked once the conseiller is known (and again if another
/// one logs in).
fn use_new_records(owner: Option<ConseillerId>) -> NewRecordsState {
    let page = NewRecordsState {
        saved: use_signal(|| None),
        undo_open: use_signal(|| false),
        notice: use_signal(|| None),
        last: use_signal(|| None),
    };
    use_effect(use_reactive!(|owner| {
        if let Some(owner) = owner {
            page.reload_last(owner);
        }
    }));
    page
}

impl NewRecordsState {
    fn reload_last(mut self, owner: ConseillerId) {
        spawn(async move { self.last.set(session::last_record(&owner).await) });
    }

    /// A record is safe in the outbox: confirm it, send it, offer "Annuler" for a while.
    fn saved(mut self, owner: ConseillerId, done: Saved) {
        let id = done.record.id();
        self.saved.set(Some((id, None)));
        self.undo_open.set(true);
        if self.notice.peek().is_some() {
            self.notice.set(None);
        }
        spawn({
            let owner = owner.clone();
            async move {
                // "Comme la dernière fois" (the form's props: the whole form is redrawn) and
                // its copy for offline use, once the confirmation shows; the blank form
                // (drawn the frame after) starts at its top.
                browser::after_next_paint().await;
                self.last.set(Some(done.record.clone()));
                browser::bring_to_top("titre-saisie");
                phone::DERNIER.keep(&owner, &Some(done.record)).await
            }
        });
        // Sent once the confirmation is painted: the sending's start (the outbox read, the
        // lock, the request) ran before it and delayed it. The service worker's Background
        // Sync is only asked for after the page's turn in the lock (src/offline/bridge.js).
        spawn(async move {
            browser::after_next_paint().await;
            let delivery = outbox::deliver(&id.to_string()).await;
            if delivery == Delivery::Sent {
                spawn(keep_first_page(owner));
            }
            if self.shows(id) {
                self.saved.set(Some((id, Some(delivery))));
            }
        });
        spawn(async move {
            browser::sleep(std::time::Duration::from_secs(UNDO_SECONDS)).await;
            if self.shows(id) {
                self.undo_open.set(false);
            }
        });
    }

    /// Whether the confirmation is still the one of record `id`.
    fn shows(&self, id: Uuid) -> bool {
        self.saved
            .peek()
            .as_ref()
            .is_some_and(|(shown, _)| *shown == id)
    }

    /// "Annuler": deletes the record just saved, through the outbox (offline too).
    async fn cancel(mut self, owner: ConseillerId) {
        let Some((id, _)) = (self.saved)().filter(|(id, _)| !id.is_nil()) else {
            return;
        };
        // Kept with the delete: offline figures take it away until the delete is sent.
        let deleted = (self.last)()
            .filter(|r| r.id() == id)
            .map(AccompagnementInput::from);
        self.saved.set(None);
        self.undo_open.set(false);
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
                self.notice.set(Some(
                    "Saisie annulée : l'accompagnement est supprimé.".into(),
                ));
                self.reload_last(owner);
            }
            Err(error) => self.notice.set(Some(format!(
                "L'annulation n'a pas pu être gardée sur ce téléphone : {error}"
            ))),
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
