//! The record form: one tap per choice, sensible defaults, the domain's own validation.

use dioxus::prelude::*;
use uuid::Uuid;

use super::repartition::{self, Counts};
use crate::domain::accompagnement::{RedirectionInput, SuiviInput, ANNOTATION_MAX_CHARS};
use crate::domain::vocabulary::{
    Activite, Canal, Statut, StructureRedirection, Thematique, TrancheAge,
};
use crate::domain::{Accompagnement, AccompagnementInput, Commune, FieldErrors, Profil};
use crate::offline::browser;
use crate::offline::outbox::{self, Change};
use crate::ui::communes::{remember, CommunePicker};
use crate::ui::components::{error_id, Choices, FieldMessage, Group, Stepper};
use crate::ui::format;
use crate::ui::today::today_in_paris;

/// The fields of the form in screen order: the first faulty one gets the focus.
const FIELD_ORDER: [&str; 14] = [
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
    "date",
    "id",
];

const QUICK_DURATIONS: [i64; 6] = [15, 30, 45, 60, 90, 120];

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

/// A new record with the profile's defaults: today, the commune de rattachement, on site,
/// one participant.
pub fn blank_record(profil: &Profil) -> AccompagnementInput {
    AccompagnementInput {
        date: today_in_paris().to_string(),
        participants: 1,
        commune: profil.details.commune.clone().into(),
        canal: Canal::Rattachement.code().into(),
        ..AccompagnementInput::default()
    }
}

/// A copy of `record` to save again as a new accompaniment: new id, today.
pub fn copy_for_today(record: &Accompagnement) -> AccompagnementInput {
    AccompagnementInput {
        id: String::new(),
        date: today_in_paris().to_string(),
        ..record.clone().into()
    }
}

fn options<T: Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
) -> Vec<(String, String)> {
    all.iter()
        .map(|v| (code(*v).to_owned(), label(*v).to_owned()))
        .collect()
}

#[component]
pub fn RecordForm(
    profil: Profil,
    initial: AccompagnementInput,
    mode: FormMode,
    /// The conseiller's last record, for "Comme la dernière fois" (new records only).
    last: Option<Accompagnement>,
    /// Called once the record is safe: sent, or kept in the outbox until the network returns.
    on_saved: EventHandler<Saved>,
) -> Element {
    let mut record = use_signal(|| initial.clone());
    let mut errors = use_signal(FieldErrors::new);
    let mut problem = use_signal(|| None::<String>);
    let mut saving = use_signal(|| false);
    let mut picking_commune = use_signal(|| false);
    let mut other_duration = use_signal(|| {
        initial.duree_minutes > 0 && !QUICK_DURATIONS.contains(&initial.duree_minutes)
    });

    let current = record();
    let participants = current.participants;

    let save = {
        let profil = profil.clone();
        let mode = mode.clone();
        move |_| {
            let mut input = record();
            if input.id.is_empty() {
                // Made once per record: sending it again (a retry, a fix) never duplicates it.
                input.id = Uuid::now_v7().to_string();
                record.write().id = input.id.clone();
            }
            let valid = match Accompagnement::parse(input.clone(), today_in_paris()) {
                Ok(valid) => valid,
                Err(found) => {
                    show_errors(errors, problem, found);
                    return;
                }
            };
            let profil = profil.clone();
            let mode = mode.clone();
            spawn(async move {
                saving.set(true);
                let change = match mode {
                    FormMode::Nouveau => Change::Create,
                    FormMode::Modification => Change::Update,
                };
                // On the phone first: what the network does next changes nothing here.
                let queued = outbox::queue(change, &input.id, Some(&input), &profil.id).await;
                saving.set(false);
                if let Err(error) = queued {
                    problem.set(Some(format!(
                        "L'accompagnement n'a pas pu être gardé sur ce téléphone ({error}) : réessayez."
                    )));
                    return;
                }
                remember(valid.commune(), &profil.id);
                errors.set(FieldErrors::new());
                problem.set(None);
                if mode == FormMode::Nouveau {
                    record.set(blank_record(&profil));
                    other_duration.set(false);
                }
                on_saved.call(Saved { record: valid });
            });
        }
    };

    let commune = Commune::try_from(current.commune.clone()).ok();
    let mut suggestions = vec![profil.details.commune.clone()];
    if let Some(c) = &commune {
        if !suggestions.contains(c) {
            suggestions.insert(0, c.clone());
        }
    }

    rsx! {
        form {
            class: "saisie",
            novalidate: true,
            "aria-labelledby": "titre-saisie",
            onsubmit: move |e: FormEvent| e.prevent_default(),

            if let Some(previous) = last {
                LastTimeButton { record, other_duration, previous }
            }

            Choices {
                field: "activite",
                legend: "Activité",
                options: options(Activite::ALL, Activite::code, Activite::label),
                selected: Some(current.activite.clone()),
                class: "choix choix--tuiles",
                errors,
                on_select: move |code: String| {
                    let activite = Activite::from_code(&code);
                    let mut r = record.write();
                    if r.activite != code {
                        if let Some(a) = activite {
                            r.participants = a.default_participants().into();
                            r.ages.clear();
                            r.statuts.clear();
                        }
                    }
                    r.activite = code;
                },
            }

            Group { field: "participants", legend: "Participants", errors,
                Stepper {
                    id: "participants",
                    label: "Nombre de participants",
                    value: participants,
                    min: 1,
                    max: 100,
                    on_change: move |n: i64| {
                        let mut r = record.write();
                        r.participants = n;
                        if n == 1 {
                            keep_one_person(&mut r.ages);
                            keep_one_person(&mut r.statuts);
                        }
                    },
                }
                Stepper {
                    id: "deja_accompagnes",
                    label: "Dont déjà accompagnés",
                    value: current.deja_accompagnes.unwrap_or(0),
                    min: 0,
                    max: participants.max(0),
                    on_change: move |n: i64| record.write().deja_accompagnes = (n > 0).then_some(n),
                }
                FieldMessage { errors, field: "deja_accompagnes" }
            }

            Group { field: "commune", legend: "Commune", errors,
                if picking_commune() {
                    CommunePicker {
                        id: "commune",
                        suggestions,
                        on_pick: move |c: Commune| {
                            record.write().commune = c.into();
                            picking_commune.set(false);
                        },
                        on_cancel: move |_| picking_commune.set(false),
                    }
                } else {
                    p { class: "commune-choisie",
                        match &commune {
                            Some(c) => rsx! { strong { "{c.nom()}" } " ({c.code_postal()})" },
                            None => rsx! { "Aucune commune choisie" },
                        }
                    }
                    button { r#type: "button", class: "fr-btn fr-btn--secondary fr-btn--sm",
                        onclick: move |_| picking_commune.set(true), "Changer de commune" }
                }
            }

            Choices {
                field: "canal",
                legend: "Lieu de l'accompagnement",
                options: options(Canal::ALL, Canal::code, Canal::label),
                selected: Some(current.canal.clone()),
                errors,
                on_select: move |code| record.write().canal = code,
            }

            Repartition {
                field: "ages",
                legend: "Tranches d'âge",
                options: options(TrancheAge::ALL, TrancheAge::code, TrancheAge::label),
                counts: current.ages.clone(),
                participants,
                errors,
                on_change: move |counts| record.write().ages = counts,
            }

            Repartition {
                field: "statuts",
                legend: "Statuts",
                options: options(Statut::ALL, Statut::code, Statut::label),
                counts: current.statuts.clone(),
                participants,
                errors,
                on_change: move |counts| record.write().statuts = counts,
            }

            Group { field: "thematiques", legend: "Thématiques", errors,
                div { class: "choix",
                    for theme in Thematique::ALL.iter().copied() {
                        button {
                            key: "{theme.code()}",
                            r#type: "button",
                            class: "fr-tag",
                            "aria-pressed": if current.thematiques.iter().any(|t| t == theme.code()) { "true" } else { "false" },
                            onclick: move |_| {
                                let mut r = record.write();
                                if r.thematiques.iter().any(|t| t == theme.code()) {
                                    r.thematiques.retain(|t| t != theme.code());
                                } else {
                                    r.thematiques.push(theme.code().into());
                                }
                            },
                            "{theme.label()}"
                        }
                    }
                }
            }

            Group { field: "duree_minutes", legend: "Durée", errors,
                div { class: "choix",
                    for minutes in QUICK_DURATIONS {
                        button {
                            key: "{minutes}",
                            r#type: "button",
                            class: "fr-tag",
                            "aria-pressed": if !other_duration() && current.duree_minutes == minutes { "true" } else { "false" },
                            onclick: move |_| {
                                other_duration.set(false);
                                record.write().duree_minutes = minutes;
                            },
                            "{format::duree(minutes)}"
                        }
                    }
                    button {
                        r#type: "button",
                        class: "fr-tag",
                        "aria-pressed": if other_duration() { "true" } else { "false" },
                        onclick: move |_| other_duration.set(true),
                        "Autre"
                    }
                }
                if other_duration() {
                    div { class: "duree-autre",
                        Stepper {
                            id: "duree-heures",
                            label: "Heures",
                            value: current.duree_minutes / 60,
                            min: 0,
                            max: 8,
                            on_change: move |h: i64| {
                                let mut r = record.write();
                                r.duree_minutes = h * 60 + r.duree_minutes % 60;
                            },
                        }
                        Stepper {
                            id: "duree-minutes",
                            label: "Minutes",
                            value: current.duree_minutes % 60,
                            min: 0,
                            max: 59,
                            on_change: move |m: i64| {
                                let mut r = record.write();
                                r.duree_minutes = (r.duree_minutes / 60) * 60 + m;
                            },
                        }
                    }
                }
            }

            SuiviSection { record, errors }

            details { class: "repli", id: "champ-annotation",
                open: current.annotation.as_deref().is_some_and(|a| !a.is_empty()) || errors.read().get("annotation").is_some(),
                summary { "Annotation (facultatif)" }
                div { class: "fr-input-group",
                    label { class: "fr-label", r#for: "annotation",
                        "Annotation"
                        span { class: "fr-hint-text", id: "aide-annotation",
                            "N'écrivez aucune donnée personnelle ou sensible sur la personne accompagnée (nom, santé, situation familiale…)." }
                    }
                    textarea {
                        class: "fr-input",
                        id: "annotation",
                        maxlength: "{ANNOTATION_MAX_CHARS}",
                        "aria-describedby": if errors.read().get("annotation").is_some() { "aide-annotation {error_id(\"annotation\")}" } else { "aide-annotation" },
                        value: current.annotation.clone().unwrap_or_default(),
                        oninput: move |e| record.write().annotation = Some(e.value()),
                    }
                    p { class: "fr-hint-text",
                        "{current.annotation.as_deref().unwrap_or_default().chars().count()} / {ANNOTATION_MAX_CHARS} caractères" }
                    FieldMessage { errors, field: "annotation" }
                }
            }

            div { class: "fr-input-group", id: "champ-date",
                label { class: "fr-label", r#for: "date", "Date de l'accompagnement" }
                input {
                    class: "fr-input",
                    id: "date",
                    r#type: "date",
                    max: "{today_in_paris()}",
                    value: "{current.date}",
                    "aria-describedby": if errors.read().get("date").is_some() { error_id("date") },
                    oninput: move |e| record.write().date = e.value(),
                }
                FieldMessage { errors, field: "date" }
            }

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

/// Back to one participant: the first chosen bucket holds that person.
fn keep_one_person(counts: &mut Counts) {
    if let Some(code) = counts.keys().next().cloned() {
        *counts = Counts::from([(code, 1)]);
    }
}

fn set_suivi(mut record: Signal<AccompagnementInput>, which: &str, n: i64) {
    let mut r = record.write();
    let suivi = r.suivi.get_or_insert_with(SuiviInput::default);
    match which {
        "individuel" => suivi.individuel = n,
        "atelier" => suivi.atelier = n,
        _ => suivi.redirection = n,
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

/// "Comme la dernière fois": fills every field from the last record, dated today.
#[component]
fn LastTimeButton(
    record: Signal<AccompagnementInput>,
    other_duration: Signal<bool>,
    previous: Accompagnement,
) -> Element {
    rsx! {
        button {
            r#type: "button",
            class: "fr-btn fr-btn--secondary comme-la-derniere-fois",
            onclick: move |_| {
                let copy = copy_for_today(&previous);
                other_duration.set(!QUICK_DURATIONS.contains(&copy.duree_minutes));
                record.set(copy);
            },
            "Comme la dernière fois"
        }
    }
}

/// Ages or statuts: one chip per bucket, −/+ to move people in a group.
#[component]
fn Repartition(
    field: &'static str,
    legend: &'static str,
    options: Vec<(String, String)>,
    counts: Counts,
    participants: i64,
    errors: ReadSignal<FieldErrors>,
    on_change: EventHandler<Counts>,
) -> Element {
    let left = repartition::reste(&counts, participants);
    let group = participants > 1;
    rsx! {
        Group { field, legend, errors,
            div { class: "repartition",
                for (code, label) in options {
                    div { key: "{code}", class: "repartition__ligne",
                        button {
                            r#type: "button",
                            class: "fr-tag",
                            "aria-pressed": if counts.get(&code).copied().unwrap_or(0) > 0 { "true" } else { "false" },
                            onclick: {
                                let counts = counts.clone();
                                let code = code.clone();
                                move |_| on_change.call(repartition::tap(&counts, participants, &code))
                            },
                            "{label}"
                        }
                        if group && counts.get(&code).copied().unwrap_or(0) > 0 {
                            span { class: "repartition__compteur",
                                button {
                                    r#type: "button",
                                    class: "fr-btn fr-btn--tertiary fr-btn--sm",
                                    "aria-label": "Une personne de moins : {label}",
                                    onclick: {
                                        let counts = counts.clone();
                                        let code = code.clone();
                                        move |_| on_change.call(repartition::minus(&counts, &code))
                                    },
                                    "−"
                                }
                                span { class: "repartition__nombre", "{counts.get(&code).copied().unwrap_or(0)}" }
                                button {
                                    r#type: "button",
                                    class: "fr-btn fr-btn--tertiary fr-btn--sm",
                                    "aria-label": "Une personne de plus : {label}",
                                    onclick: {
                                        let counts = counts.clone();
                                        let code = code.clone();
                                        move |_| on_change.call(repartition::plus(&counts, participants, &code))
                                    },
                                    "+"
                                }
                            }
                        }
                    }
                }
            }
            if group && left != 0 && !counts.is_empty() {
                p { class: "reste", "aria-live": "polite",
                    if left > 0 { "reste {left} à répartir" } else { "{-left} de trop" }
                }
            }
        }
    }
}

/// Follow-ups and redirections, folded: most accompaniments have none.
#[component]
fn SuiviSection(record: Signal<AccompagnementInput>, errors: ReadSignal<FieldErrors>) -> Element {
    let current = record();
    let suivi = current.suivi.clone().unwrap_or_default();
    let has_errors =
        errors.read().get("suivi").is_some() || errors.read().get("redirections").is_some();
    let open = suivi != SuiviInput::default() || !current.redirections.is_empty() || has_errors;
    let participants = current.participants.max(1);
    rsx! {
        details { class: "repli", id: "champ-suivi", open,
            summary { "Suivi et redirections (facultatif)" }
            Stepper { id: "suivi-individuel", label: "Suivis en accompagnement individuel", value: suivi.individuel, min: 0, max: participants, on_change: move |n| set_suivi(record, "individuel", n) }
            Stepper { id: "suivi-atelier", label: "Suivis en atelier", value: suivi.atelier, min: 0, max: participants, on_change: move |n| set_suivi(record, "atelier", n) }
            Stepper { id: "suivi-redirection", label: "Personnes redirigées vers une structure", value: suivi.redirection, min: 0, max: participants, on_change: move |n| set_suivi(record, "redirection", n) }
            FieldMessage { errors, field: "suivi" }
            if suivi.redirection > 0 || !current.redirections.is_empty() {
                Group { field: "redirections", legend: "Vers quelles structures ?", errors,
                    div { class: "choix",
                        for structure in StructureRedirection::ALL.iter().copied().filter(|s| *s != StructureRedirection::Autre) {
                            button {
                                key: "{structure.code()}",
                                r#type: "button",
                                class: "fr-tag",
                                "aria-pressed": if current.redirections.iter().any(|r| r.structure == structure.code()) { "true" } else { "false" },
                                onclick: move |_| {
                                    let mut r = record.write();
                                    if r.redirections.iter().any(|x| x.structure == structure.code()) {
                                        r.redirections.retain(|x| x.structure != structure.code());
                                    } else {
                                        r.redirections.push(RedirectionInput { structure: structure.code().into(), precision: None, personnes: 1 });
                                    }
                                },
                                "{structure.label()}"
                            }
                        }
                        button {
                            r#type: "button",
                            class: "fr-tag",
                            onclick: move |_| record.write().redirections.push(RedirectionInput { structure: StructureRedirection::Autre.code().into(), precision: Some(String::new()), personnes: 1 }),
                            "Autre structure…"
                        }
                    }
                    for (index, redirection) in current.redirections.iter().cloned().enumerate() {
                        div { key: "{index}", class: "redirection",
                            if redirection.structure == StructureRedirection::Autre.code() {
                                div { class: "fr-input-group",
                                    label { class: "fr-label", r#for: "redirection-autre-{index}", "Nom de la structure" }
                                    input { class: "fr-input", id: "redirection-autre-{index}",
                                        value: redirection.precision.clone().unwrap_or_default(),
                                        oninput: move |e| record.write().redirections[index].precision = Some(e.value()) }
                                }
                            }
                            Stepper {
                                id: "redirection-{index}",
                                label: format!("Personnes redirigées : {}", StructureRedirection::from_code(&redirection.structure).map(|s| s.label()).unwrap_or("Autre")),
                                value: redirection.personnes,
                                min: 0,
                                max: participants,
                                on_change: move |n: i64| {
                                    let mut r = record.write();
                                    if n == 0 { r.redirections.remove(index); } else { r.redirections[index].personnes = n; }
                                },
                            }
                        }
                    }

                }
            }
        }
    }
}
