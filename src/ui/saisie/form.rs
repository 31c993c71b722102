//! The record form: one tap per choice, sensible defaults, the domain's own validation.

use std::cell::Cell;
use std::collections::BTreeMap;
use std::rc::Rc;

use dioxus::prelude::*;
use uuid::Uuid;

use super::jour::jour_de_saisie;
use super::parts::{
    fill_like, ActivityAndPeople, AnnotationField, CanalField, CommuneField, DateField,
    DurationField, LastTimeButton, PeopleFields, SuiviSection, ThemeChoices, QUICK_DURATIONS,
};
use crate::clock::today_in_paris;
use crate::domain::vocabulary::{Activite, Canal, Field, Statut, Thematique, TrancheAge};
use crate::domain::{Accompagnement, AccompagnementInput, Commune, FieldErrors, Profil};
use crate::offline::browser;
use crate::offline::outbox::{self, Change};
use crate::ui::communes::remember;
use crate::ui::components::FieldMessage;

/// A record the form saved: it is safe in the outbox, which sends it.
#[derive(Clone, Debug, PartialEq)]
pub struct Saved {
    pub record: Accompagnement,
}

/// What saving does: create a new record, or replace an existing one.
#[derive(Clone, Debug, PartialEq)]
pub enum FormMode {
    Nouveau,
    Modification,
}

/// A new record with the profile's defaults: the day of entry, the commune de rattachement,
/// on site, one participant (no commune until the profile is known).
pub fn blank_record(profil: Option<&Profil>) -> AccompagnementInput {
    AccompagnementInput {
        date: jour_de_saisie(),
        participants: 1,
        commune: profil
            .map(|p| p.details.commune.clone().into())
            .unwrap_or_default(),
        canal: Canal::Rattachement.code().into(),
        ..AccompagnementInput::default()
    }
}

#[component]
pub fn RecordForm(
    /// None while it loads: nothing is saved until it is known (whose record it is).
    profil: Option<Profil>,
    initial: AccompagnementInput,
    mode: FormMode,
    /// The conseiller's last record, for "Comme la dernière fois" (new records only).
    last: Option<Accompagnement>,
    /// The form starts as the last record, once it is known (its "Comme la dernière fois"
    /// pressed for the conseiller).
    #[props(default)]
    like_last_time: bool,
    /// Called once the record is safe: sent, or kept in the outbox until the network returns.
    on_saved: EventHandler<Saved>,
) -> Element {
    let form = use_form(&initial);
    let FormState {
        record,
        errors,
        problem,
        saving,
        other_duration,
        ..
    } = form;
    use_home_commune(form, profil.as_ref().map(|p| p.details.commune.clone()));
    use_like_last_time(form, last.clone().filter(|_| like_last_time));
    let save = {
        let (profil, mode, initial) = (profil.clone(), mode.clone(), initial.clone());
        move |checked: (AccompagnementInput, Accompagnement), run: Run| {
            let (profil, mode, initial) = (profil.clone(), mode.clone(), initial.clone());
            form.save(checked, profil, mode, initial, on_saved, run);
        }
    };
    use_rehearsed_save(form, profil.is_some(), save.clone());
    // A finger saves a valid record as it lifts, not at the `click` the browser sends after
    // it; that click is then not a second save. A record with a mistake is left to the click,
    // which shows the message and moves the focus to the field after the browser has focused
    // the button. A mouse and the keyboard save at their click.
    let finger_saved_at = use_hook(|| Rc::new(Cell::new(f64::NEG_INFINITY)));
    let on_finger_lifted = {
        let (save, finger_saved_at) = (save.clone(), finger_saved_at.clone());
        move |event: PointerEvent| {
            if *saving.peek() || !browser::finger_lifted_on_target(&event.data()) {
                return;
            }
            if let Ok(checked) = form.checked() {
                finger_saved_at.set(js_sys::Date::now());
                save(checked, Run::ForReal);
            }
        }
    };
    // The finger that saved has its touch's default cancelled: the browser then sends no
    // click (nor the mouse events before it), work the save does not wait behind.
    let on_touch_end = {
        let finger_saved_at = finger_saved_at.clone();
        move |event: TouchEvent| {
            if js_sys::Date::now() - finger_saved_at.get() <= CLICK_AFTER_LIFT_MS {
                event.prevent_default();
            }
        }
    };
    let on_click = move |_| {
        if !*saving.peek() && js_sys::Date::now() - finger_saved_at.get() > CLICK_AFTER_LIFT_MS {
            if let Some(checked) = form.valid() {
                save(checked, Run::ForReal);
            }
        }
    };

    rsx! {
        form {
            class: "saisie",
            novalidate: true,
            "aria-labelledby": "titre-saisie",
            onsubmit: move |e: FormEvent| e.prevent_default(),

            if let Some(previous) = last {
                LastTimeButton { record, other_duration, previous }
            }
            DateField { record, errors, day_of_entry: mode == FormMode::Nouveau }
            ActivityAndPeople { record, errors }
            CommuneField { record, errors, home: profil.as_ref().map(|p| p.details.commune.clone()) }
            CanalField { record, errors }
            PeopleFields { record, errors }
            ThemeChoices { record, errors }
            DurationField { record, errors, other_duration }
            SuiviSection { record, errors }
            AnnotationField { record, errors }

            FieldMessage { errors, field: Field::Id.code() }
            if let Some(message) = problem() {
                div { class: "fr-alert fr-alert--error fr-alert--sm", role: "alert",
                    p { "{message}" }
                }
            }
            div { class: "actions-saisie",
                button {
                    r#type: "button",
                    class: "fr-btn enregistrer",
                    onpointerup: on_finger_lifted,
                    ontouchend: on_touch_end,
                    onclick: on_click,
                    if mode == FormMode::Nouveau { "Enregistrer" } else { "Enregistrer les modifications" }
                }
            }
        }
    }
}

/// How long after a finger's save its own `click` may come (about 10 ms later on a slow phone):
/// a click within it is that one, not a second save.
const CLICK_AFTER_LIFT_MS: f64 = 1_000.0;

/// What the form holds while it is filled: every piece a signal (`Copy`).
#[derive(Clone, Copy, PartialEq)]
struct FormState {
    record: Signal<AccompagnementInput>,
    errors: Signal<FieldErrors>,
    problem: Signal<Option<String>>,
    /// A save is under way: another tap saves nothing. Read, never shown: "Enregistrer"
    /// disabled for those few milliseconds made the browser restyle and repaint the page
    /// before the confirmation (7 ms with the CPU 4× slower).
    saving: Signal<bool>,
    /// "Autre" is chosen for the duration: hours and minutes show.
    other_duration: Signal<bool>,
    /// The id of a new record, made at its first "Enregistrer" and kept until it is saved (a
    /// retry after a correction is the same record). Apart from `record`, whose every write
    /// redraws each field: nothing on screen shows it.
    new_id: Signal<Option<String>>,
}

fn use_form(initial: &AccompagnementInput) -> FormState {
    let minutes = initial.duree_minutes;
    let initial = initial.clone();
    FormState {
        record: use_signal(|| initial),
        errors: use_signal(FieldErrors::new),
        problem: use_signal(|| None),
        saving: use_signal(|| false),
        other_duration: use_signal(|| minutes > 0 && !QUICK_DURATIONS.contains(&minutes)),
        new_id: use_signal(|| None),
    }
}

/// The profile came after the form showed: its commune, unless one was chosen already.
fn use_home_commune(form: FormState, home: Option<Commune>) {
    let mut record = form.record;
    use_effect(use_reactive!(|home| {
        if let Some(home) = home {
            if record.peek().commune.insee.is_empty() {
                record.write().commune = home.into();
            }
        }
    }));
}

/// Fills the form once as `last`, when it comes (the shortcut "Comme la dernière fois").
fn use_like_last_time(form: FormState, last: Option<Accompagnement>) {
    let mut filled = use_signal(|| false);
    use_effect(use_reactive!(|last| {
        if let Some(previous) = last {
            if !*filled.peek() {
                filled.set(true);
                fill_like(form.record, form.other_duration, &previous);
            }
        }
    }));
}

/// Rehearses a save once, keeping nothing, when the form is painted with its profile: the
/// browser compiles each wasm function at its first call, and the first save of a visit waited
/// for the validation's, the finger's and the outbox's code (about 30 ms with the CPU 4×
/// slower). The record checked is the form's, completed as a valid one, so that the checks
/// run to their end; the outbox is told it is a rehearsal.
fn use_rehearsed_save(
    form: FormState,
    profile_known: bool,
    save: impl Fn((AccompagnementInput, Accompagnement), Run) + Clone + 'static,
) {
    use_effect(use_reactive!(|profile_known| {
        if profile_known {
            let save = save.clone();
            spawn(async move {
                browser::after_next_paint().await;
                // The form as it is (the first mistake stops it; it makes the record's id),
                // then a valid record to the end of the checks and to the outbox's door.
                let _ = form.checked();
                if let Ok(checked) = checked_record(completed(form.record.peek().clone())) {
                    save(checked, Run::Rehearsal);
                }
                browser::rehearse_finger_lift("button.enregistrer");
            });
        }
    }));
}

/// A save for real, or its rehearsal (see [`use_rehearsed_save`]): the same code, which
/// keeps nothing when rehearsed.
#[derive(Clone, Copy, PartialEq)]
enum Run {
    ForReal,
    Rehearsal,
}

/// `input` and the record it makes, or its mistakes. Never inlined: the save and its
/// rehearsal run the same compiled function (inlined into the save's caller, it was compiled
/// at the first save: 2.7 ms with the CPU 4× slower).
#[inline(never)]
fn checked_record(
    input: AccompagnementInput,
) -> Result<(AccompagnementInput, Accompagnement), FieldErrors> {
    let valid = Accompagnement::parse(input.clone(), today_in_paris())?;
    Ok((input, valid))
}

/// `input` with a new id, one person of the first age band and situation, the first theme and
/// half an hour: what the rehearsal checks.
fn completed(mut input: AccompagnementInput) -> AccompagnementInput {
    input.id = Uuid::now_v7().to_string();
    input.activite = Activite::Individuel.code().to_owned();
    input.participants = 1;
    input.ages = BTreeMap::from([(TrancheAge::ALL[0].code().to_owned(), 1)]);
    input.statuts = BTreeMap::from([(Statut::ALL[0].code().to_owned(), 1)]);
    input.thematiques = vec![Thematique::ALL[0].code().to_owned()];
    input.duree_minutes = 30;
    input
}

impl FormState {
    /// The record as filled, with its id (made once per record: sending it again, after a
    /// retry or a fix, never duplicates it), and as parsed; none, and the messages shown, if
    /// it is not valid.
    fn valid(self) -> Option<(AccompagnementInput, Accompagnement)> {
        self.checked()
            .map_err(|found| show_errors(self.errors, self.problem, found))
            .ok()
    }

    /// [`Self::valid`] without showing anything: the mistakes are returned.
    fn checked(mut self) -> Result<(AccompagnementInput, Accompagnement), FieldErrors> {
        let mut input = self.record.peek().clone();
        if input.id.is_empty() {
            let id = self
                .new_id
                .peek()
                .clone()
                .unwrap_or_else(|| Uuid::now_v7().to_string());
            self.new_id.set(Some(id.clone()));
            input.id = id;
        }
        checked_record(input)
    }

    /// Keeps `valid` in the outbox (on the phone first: what the network does next changes
    /// nothing here), then confirms, then shows a blank form for a new record.
    fn save(
        mut self,
        (input, valid): (AccompagnementInput, Accompagnement),
        profil: Option<Profil>,
        mode: FormMode,
        initial: AccompagnementInput,
        on_saved: EventHandler<Saved>,
        run: Run,
    ) {
        let Some(profil) = profil else {
            self.problem.set(Some(
                "Votre profil se charge encore : réessayez dans un instant.".into(),
            ));
            return;
        };
        if run == Run::ForReal {
            self.saving.set(true);
        }
        spawn(async move {
            if run == Run::Rehearsal {
                outbox::rehearse(&input, &profil.id).await;
                return;
            }
            let (change, before) = match mode {
                FormMode::Nouveau => (Change::Create, None),
                // An edit says what it replaces: offline figures swap the two until it is sent.
                FormMode::Modification => (Change::Update, Some(&initial)),
            };
            let queued = outbox::queue(change, &input.id, Some(&input), before, &profil.id).await;
            if let Err(error) = queued {
                self.saving.set(false);
                self.problem.set(Some(format!(
                    "L'accompagnement n'a pas pu être gardé sur ce téléphone ({error}) : réessayez."
                )));
                return;
            }
            // The confirmation first: the conseiller sees at once that it is kept. The blank
            // form (every field redrawn) comes in the next frame; until then "Enregistrer"
            // saves nothing (`saving`), so a second tap cannot save the draft twice. Cleared
            // only if shown: every field reads the errors, and would be redrawn before the
            // confirmation.
            if !self.errors.peek().is_empty() {
                self.errors.set(FieldErrors::new());
            }
            if self.problem.peek().is_some() {
                self.problem.set(None);
            }
            let commune = valid.commune().clone();
            on_saved.call(Saved { record: valid });
            browser::after_next_paint().await;
            remember(&commune, &profil.id);
            if mode == FormMode::Nouveau {
                self.new_id.set(None);
                self.record.set(blank_record(Some(&profil)));
                self.other_duration.set(false);
            }
            self.saving.set(false);
        });
    }
}

/// Shows the messages and puts the focus on the first faulty field.
fn show_errors(
    mut errors: Signal<FieldErrors>,
    mut problem: Signal<Option<String>>,
    found: FieldErrors,
) {
    // `Field::ALL` is the screen's order.
    let first = Field::ALL
        .iter()
        .find(|field| found.get(**field).is_some())
        .copied();
    errors.set(found);
    problem.set(Some(
        "L'accompagnement n'est pas enregistré : corrigez les champs signalés.".into(),
    ));
    if let Some(field) = first {
        browser::focus_first_control(&format!("champ-{}", field.code()));
    }
}
