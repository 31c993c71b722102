//! The record form: one tap per choice, sensible defaults, the domain's own validation.

use dioxus::prelude::*;
use uuid::Uuid;

use super::jour::jour_de_saisie;
use super::parts::{
    fill_like, ActivityAndPeople, AnnotationField, CanalField, CommuneField, DateField,
    DurationField, LastTimeButton, PeopleFields, SuiviSection, ThemeChoices, QUICK_DURATIONS,
};
use crate::clock::today_in_paris;
use crate::domain::vocabulary::Canal;
use crate::domain::{Accompagnement, AccompagnementInput, FieldErrors, Profil};
use crate::offline::browser;
use crate::offline::outbox::{self, Change};
use crate::ui::communes::remember;
use crate::ui::components::FieldMessage;

/// The fields of the form in screen order: the first faulty one gets the focus.
const FIELD_ORDER: [&str; 14] = [
    "date",
    "activite",
    "participants",
    "deja_accompagnes",
    "commune",
    "canal",
    "ages",
    "statuts",
    "thematiques",
    "duree_minutes",
    "suivi",
    "redirections",
    "annotation",
    "id",
];

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
    let mut record = use_signal(|| initial.clone());
    let mut errors = use_signal(FieldErrors::new);
    let mut problem = use_signal(|| None::<String>);
    let mut saving = use_signal(|| false);
    let mut other_duration = use_signal(|| {
        initial.duree_minutes > 0 && !QUICK_DURATIONS.contains(&initial.duree_minutes)
    });
    // The id of a new record, made at its first "Enregistrer" and kept until it is saved (a
    // retry after a correction is the same record). Apart from `record`, whose every write
    // redraws each field: nothing on screen shows it.
    let mut new_id = use_signal(|| None::<String>);
    // The profile came after the form showed: its commune, unless one was chosen already.
    let home = profil.as_ref().map(|p| p.details.commune.clone());
    use_effect(use_reactive!(|home| {
        if let Some(home) = home {
            if record.peek().commune.insee.is_empty() {
                record.write().commune = home.into();
            }
        }
    }));

    let mut filled_like_last = use_signal(|| false);
    let last_known = last.clone();
    use_effect(use_reactive!(|last_known| {
        if let Some(previous) = last_known {
            if like_last_time && !*filled_like_last.peek() {
                filled_like_last.set(true);
                fill_like(record, other_duration, &previous);
            }
        }
    }));

    let save = {
        let profil = profil.clone();
        let mode = mode.clone();
        let initial = initial.clone();
        move |_| {
            let mut input = record();
            if input.id.is_empty() {
                // Made once per record: sending it again (a retry, a fix) never duplicates it.
                let id = new_id
                    .peek()
                    .clone()
                    .unwrap_or_else(|| Uuid::now_v7().to_string());
                new_id.set(Some(id.clone()));
                input.id = id;
            }
            let valid = match Accompagnement::parse(input.clone(), today_in_paris()) {
                Ok(valid) => valid,
                Err(found) => {
                    show_errors(errors, problem, found);
                    return;
                }
            };
            let Some(profil) = profil.clone() else {
                problem.set(Some(
                    "Votre profil se charge encore : réessayez dans un instant.".into(),
                ));
                return;
            };
            let mode = mode.clone();
            let initial = initial.clone();
            spawn(async move {
                saving.set(true);
                let change = match mode {
                    FormMode::Nouveau => Change::Create,
                    FormMode::Modification => Change::Update,
                };
                // On the phone first: what the network does next changes nothing here.
                // An edit says what it replaces: offline figures swap the two until it is sent.
                let before = (mode == FormMode::Modification).then_some(&initial);
                let queued =
                    outbox::queue(change, &input.id, Some(&input), before, &profil.id).await;
                if let Err(error) = queued {
                    saving.set(false);
                    problem.set(Some(format!(
                        "L'accompagnement n'a pas pu être gardé sur ce téléphone ({error}) : réessayez."
                    )));
                    return;
                }
                // The confirmation first: the conseiller sees at once that it is kept. The
                // blank form (every field redrawn) comes in the next frame; until then
                // "Enregistrer" stays disabled, so a second tap cannot save the draft twice.
                errors.set(FieldErrors::new());
                problem.set(None);
                let commune = valid.commune().clone();
                on_saved.call(Saved { record: valid });
                browser::after_next_paint().await;
                remember(&commune, &profil.id);
                if mode == FormMode::Nouveau {
                    new_id.set(None);
                    record.set(blank_record(Some(&profil)));
                    other_duration.set(false);
                }
                saving.set(false);
            });
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

            FieldMessage { errors, field: "id" }
            if let Some(message) = problem() {
                div { class: "fr-alert fr-alert--error fr-alert--sm", role: "alert",
                    p { "{message}" }
                }
            }
            div { class: "actions-saisie",
                button {
                    r#type: "button",
                    class: "fr-btn enregistrer",
                    disabled: saving(),
                    onclick: save,
                    if mode == FormMode::Nouveau { "Enregistrer" } else { "Enregistrer les modifications" }
                }
            }
        }
    }
}

/// Shows the messages and puts the focus on the first faulty field.
fn show_errors(
    mut errors: Signal<FieldErrors>,
    mut problem: Signal<Option<String>>,
    found: FieldErrors,
) {
    let first = FIELD_ORDER
        .iter()
        .find(|field| found.get(field).is_some())
        .copied();
    errors.set(found);
    problem.set(Some(
        "L'accompagnement n'est pas enregistré : corrigez les champs signalés.".into(),
    ));
    if let Some(field) = first {
        browser::focus_first_control(&format!("champ-{field}"));
    }
}
