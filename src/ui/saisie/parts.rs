//! The parts of the record form, in screen order. Each reads and writes the record being
//! made (`record`) and shows its own fields' messages (`errors`).

use dioxus::prelude::*;

use super::jour::{choose_jour_de_saisie, copy_for_today, jour_de_saisie};
use super::repartition::{self, Counts};
use crate::clock::today_in_paris;
use crate::domain::accompagnement::{
    AccompagnementInput, RedirectionInput, SuiviInput, ANNOTATION_MAX_CHARS, DUREE_MAX_MINUTES,
    PARTICIPANTS_MAX,
};
use crate::domain::vocabulary::{
    codes_and_labels, Activite, Canal, Field, Statut, StructureRedirection, Thematique, TrancheAge,
};
use crate::domain::Accompagnement;
use crate::domain::{Commune, FieldErrors};
use crate::ui::communes::CommunePicker;
use crate::ui::components::{
    error_id, use_tag_keys, Choices, FieldMessage, Group, Stepper, TagRow,
};
use crate::ui::format;

/// The quick choices of duration, in minutes (`docs/domain.md` §1).
pub const QUICK_DURATIONS: [i64; 6] = [15, 30, 45, 60, 90, 120];

/// Back to one participant: the first chosen bucket holds that person.
fn keep_one_person(counts: &mut Counts) {
    if let Some(code) = counts.keys().next().cloned() {
        *counts = Counts::from([(code, 1)]);
    }
}

/// The activity, then how many people (and how many already came).
#[component]
pub fn ActivityAndPeople(
    record: Signal<AccompagnementInput>,
    errors: ReadSignal<FieldErrors>,
) -> Element {
    let current = record();
    let participants = current.participants;
    rsx! {
        Choices {
            field: Field::Activite.code(),
            legend: "Activité",
            options: codes_and_labels(Activite::ALL, Activite::code, Activite::label),
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

        Group { field: Field::Participants.code(), legend: "Participants", errors,
            Stepper {
                id: "participants",
                label: "Nombre de participants",
                value: participants,
                min: 1,
                max: PARTICIPANTS_MAX,
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
            FieldMessage { errors, field: Field::DejaAccompagnes.code() }
        }

    }
}

/// The commune: the one chosen, or a search in the official list.
#[component]
pub fn CommuneField(
    record: Signal<AccompagnementInput>,
    errors: ReadSignal<FieldErrors>,
    /// The profile's commune, always offered first (none: the profile is loading).
    home: Option<Commune>,
) -> Element {
    let mut picking_commune = use_signal(|| false);
    let commune = Commune::try_from(record.read().commune.clone()).ok();
    let loading = home.is_none();
    let mut suggestions: Vec<Commune> = home.into_iter().collect();
    if let Some(c) = &commune {
        if !suggestions.contains(c) {
            suggestions.insert(0, c.clone());
        }
    }
    rsx! {
        Group { field: Field::Commune.code(), legend: "Commune", errors,
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
                        None if loading => rsx! { "Commune du profil…" },
                        None => rsx! { "Aucune commune choisie" },
                    }
                }
                button { r#type: "button", class: "fr-btn fr-btn--secondary fr-btn--sm",
                    onclick: move |_| picking_commune.set(true), "Changer de commune" }
            }
        }

    }
}

/// Where it took place.
#[component]
pub fn CanalField(record: Signal<AccompagnementInput>, errors: ReadSignal<FieldErrors>) -> Element {
    let current = record();
    rsx! {
        Choices {
            field: Field::Canal.code(),
            legend: "Lieu de l'accompagnement",
            options: codes_and_labels(Canal::ALL, Canal::code, Canal::label),
            selected: Some(current.canal.clone()),
            errors,
            on_select: move |code| record.write().canal = code,
        }

    }
}

/// Who: ages and statuts, shared among the participants.
#[component]
pub fn PeopleFields(
    record: Signal<AccompagnementInput>,
    errors: ReadSignal<FieldErrors>,
) -> Element {
    let current = record();
    let participants = current.participants;
    rsx! {
        Repartition {
            field: Field::Ages.code(),
            legend: "Tranches d'âge",
            options: codes_and_labels(TrancheAge::ALL, TrancheAge::code, TrancheAge::label),
            counts: current.ages.clone(),
            participants,
            errors,
            on_change: move |counts| record.write().ages = counts,
        }

        Repartition {
            field: Field::Statuts.code(),
            legend: "Statuts",
            options: codes_and_labels(Statut::ALL, Statut::code, Statut::label),
            counts: current.statuts.clone(),
            participants,
            errors,
            on_change: move |counts| record.write().statuts = counts,
        }

    }
}

/// What about: one tap per theme.
#[component]
pub fn ThemeChoices(
    record: Signal<AccompagnementInput>,
    errors: ReadSignal<FieldErrors>,
) -> Element {
    let current = record();
    let keys = use_tag_keys();
    let chosen = Thematique::ALL
        .iter()
        .position(|t| current.thematiques.iter().any(|c| c == t.code()));
    rsx! {
        Group { field: Field::Thematiques.code(), legend: "Thématiques", errors,
            TagRow { field: Field::Thematiques.code(), label: "Thématiques", keys, count: Thematique::ALL.len(),
                for (index, theme) in Thematique::ALL.iter().copied().enumerate() {
                    button {
                        key: "{theme.code()}",
                        r#type: "button",
                        class: "fr-tag",
                        tabindex: keys.tabindex(index, chosen),
                        onfocus: move |_| keys.reach(index),
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

    }
}

/// How long: quick choices, or hours and minutes.
#[component]
pub fn DurationField(
    record: Signal<AccompagnementInput>,
    errors: ReadSignal<FieldErrors>,
    /// "Autre" is chosen: hours and minutes show.
    other_duration: Signal<bool>,
) -> Element {
    let current = record();
    let keys = use_tag_keys();
    // The quick choices, then "Autre" (index 6).
    let autre = QUICK_DURATIONS.len();
    let chosen = if other_duration() {
        Some(autre)
    } else {
        QUICK_DURATIONS
            .iter()
            .position(|m| *m == current.duree_minutes)
    };
    rsx! {
        Group { field: Field::DureeMinutes.code(), legend: "Durée", errors,
            TagRow { field: Field::DureeMinutes.code(), label: "Durée", keys, count: autre + 1,
                for (index, minutes) in QUICK_DURATIONS.into_iter().enumerate() {
                    button {
                        key: "{minutes}",
                        r#type: "button",
                        class: "fr-tag",
                        tabindex: keys.tabindex(index, chosen),
                        onfocus: move |_| keys.reach(index),
                        "aria-pressed": if chosen == Some(index) { "true" } else { "false" },
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
                    tabindex: keys.tabindex(autre, chosen),
                    onfocus: move |_| keys.reach(autre),
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
                        max: DUREE_MAX_MINUTES / 60,
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

    }
}

/// A free note, folded.
#[component]
pub fn AnnotationField(
    record: Signal<AccompagnementInput>,
    errors: ReadSignal<FieldErrors>,
) -> Element {
    let current = record();
    rsx! {
        details { class: "repli", id: "champ-annotation",
            open: current.annotation.as_deref().is_some_and(|a| !a.is_empty()) || errors.read().get(Field::Annotation).is_some(),
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
                    "aria-describedby": if errors.read().get(Field::Annotation).is_some() { "aide-annotation {error_id(Field::Annotation.code())}" } else { "aide-annotation" },
                    value: current.annotation.clone().unwrap_or_default(),
                    oninput: move |e| record.write().annotation = Some(e.value()),
                }
                p { class: "fr-hint-text",
                    "{current.annotation.as_deref().unwrap_or_default().chars().count()} / {ANNOTATION_MAX_CHARS} caractères" }
                FieldMessage { errors, field: Field::Annotation.code() }
            }
        }

    }
}

/// The day of the accompaniment (today unless changed).
#[component]
pub fn DateField(
    record: Signal<AccompagnementInput>,
    errors: ReadSignal<FieldErrors>,
    /// A new record's date is the "Jour de saisie": it stays for the next records.
    day_of_entry: bool,
) -> Element {
    let current = record();
    let today = today_in_paris().to_string();
    rsx! {
        div { class: "fr-input-group jour-saisie", id: "champ-date",
            label { class: "fr-label", r#for: "date",
                if day_of_entry { "Jour de saisie" } else { "Date de l'accompagnement" }
            }
            div { class: "jour-saisie__choix",
                input {
                    class: "fr-input",
                    id: "date",
                    r#type: "date",
                    max: "{today}",
                    value: "{current.date}",
                    "aria-describedby": if errors.read().get(Field::Date).is_some() { error_id(Field::Date.code()) },
                    oninput: move |e| {
                        let day = e.value();
                        if day_of_entry {
                            choose_jour_de_saisie(&day);
                        }
                        record.write().date = day;
                    },
                }
                if day_of_entry && current.date != today {
                    button { r#type: "button", class: "fr-btn fr-btn--secondary",
                        onclick: move |_| {
                            let today = today_in_paris().to_string();
                            choose_jour_de_saisie(&today);
                            record.write().date = today;
                        },
                        "Aujourd'hui"
                    }
                }
            }
            FieldMessage { errors, field: Field::Date.code() }
        }
    }
}

/// Which follow-up a stepper counts.
#[derive(Clone, Copy, PartialEq)]
enum FollowUp {
    Individuel,
    Atelier,
    Redirection,
}

fn set_suivi(mut record: Signal<AccompagnementInput>, which: FollowUp, n: i64) {
    let mut r = record.write();
    let suivi = r.suivi.get_or_insert_with(SuiviInput::default);
    match which {
        FollowUp::Individuel => suivi.individuel = n,
        FollowUp::Atelier => suivi.atelier = n,
        FollowUp::Redirection => suivi.redirection = n,
    }
}

/// "Comme la dernière fois": fills every field from the last record, dated the day of entry.
#[component]
pub fn LastTimeButton(
    record: Signal<AccompagnementInput>,
    other_duration: Signal<bool>,
    previous: Accompagnement,
) -> Element {
    rsx! {
        button {
            r#type: "button",
            class: "fr-btn fr-btn--secondary comme-la-derniere-fois",
            onclick: move |_| fill_like(record, other_duration, &previous),
            "Comme la dernière fois"
        }
    }
}

/// Fills the form as `previous`, dated the day of entry.
pub fn fill_like(
    mut record: Signal<AccompagnementInput>,
    mut other_duration: Signal<bool>,
    previous: &Accompagnement,
) {
    let copy = AccompagnementInput {
        date: jour_de_saisie(),
        ..copy_for_today(previous)
    };
    other_duration.set(!QUICK_DURATIONS.contains(&copy.duree_minutes));
    record.set(copy);
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
    let keys = use_tag_keys();
    let chosen = options
        .iter()
        .position(|(code, _)| counts.contains_key(code));
    let count = options.len();
    rsx! {
        Group { field, legend, errors,
            TagRow { field, label: legend, class: "repartition", keys, count,
                for (index, (code, label)) in options.into_iter().enumerate() {
                    div { key: "{code}", class: "repartition__ligne",
                        button {
                            r#type: "button",
                            class: "fr-tag",
                            tabindex: keys.tabindex(index, chosen),
                            onfocus: move |_| keys.reach(index),
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
pub fn SuiviSection(
    record: Signal<AccompagnementInput>,
    errors: ReadSignal<FieldErrors>,
) -> Element {
    let current = record();
    let suivi = current.suivi.clone().unwrap_or_default();
    let has_errors = errors.read().get(Field::Suivi).is_some()
        || errors.read().get(Field::Redirections).is_some();
    let open = suivi != SuiviInput::default() || !current.redirections.is_empty() || has_errors;
    let participants = current.participants.max(1);
    rsx! {
        details { class: "repli", id: "champ-suivi", open,
            summary { "Suivi et redirections (facultatif)" }
            Stepper { id: "suivi-individuel", label: "Suivis en accompagnement individuel", value: suivi.individuel, min: 0, max: participants, on_change: move |n| set_suivi(record, FollowUp::Individuel, n) }
            Stepper { id: "suivi-atelier", label: "Suivis en atelier", value: suivi.atelier, min: 0, max: participants, on_change: move |n| set_suivi(record, FollowUp::Atelier, n) }
            Stepper { id: "suivi-redirection", label: "Personnes redirigées vers une structure", value: suivi.redirection, min: 0, max: participants, on_change: move |n| set_suivi(record, FollowUp::Redirection, n) }
            FieldMessage { errors, field: Field::Suivi.code() }
            if suivi.redirection > 0 || !current.redirections.is_empty() {
                RedirectionsField { record, errors }
            }
        }
    }
}

/// Where the people sent elsewhere were sent: one tap per structure, a name for "Autre".
#[component]
fn RedirectionsField(
    record: Signal<AccompagnementInput>,
    errors: ReadSignal<FieldErrors>,
) -> Element {
    let current = record();
    let participants = current.participants.max(1);
    let redirection_keys = use_tag_keys();
    // "Autre structure…" comes last, and adds a line each tap.
    let named: Vec<StructureRedirection> = StructureRedirection::ALL
        .iter()
        .copied()
        .filter(|s| *s != StructureRedirection::Autre)
        .collect();
    let chosen_redirection = named
        .iter()
        .position(|s| current.redirections.iter().any(|r| r.structure == s.code()));
    rsx! {
        Group { field: Field::Redirections.code(), legend: "Vers quelles structures ?", errors,
            TagRow { field: Field::Redirections.code(), label: "Vers quelles structures ?", keys: redirection_keys, count: named.len() + 1,
                for (index, structure) in named.iter().copied().enumerate() {
                    button {
                        key: "{structure.code()}",
                        r#type: "button",
                        class: "fr-tag",
                        tabindex: redirection_keys.tabindex(index, chosen_redirection),
                        onfocus: move |_| redirection_keys.reach(index),
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
                    tabindex: redirection_keys.tabindex(named.len(), chosen_redirection),
                    onfocus: move |_| redirection_keys.reach(named.len()),
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
