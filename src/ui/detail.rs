//! One record in full, with Modifier, Dupliquer and Supprimer.

use dioxus::prelude::*;

use super::components::Confirmation;
use super::format;
use super::record::{ShownRecord, WaitingNotice, WithRecord};
use super::session::current_profil;
use super::Route;
use crate::domain::vocabulary::Field;
use crate::domain::{Accompagnement, AccompagnementInput};
use crate::offline::outbox::{self, Change};

#[component]
pub fn Detail(id: String) -> Element {
    rsx! {
        WithRecord { id, at_once: true, show: move |shown: ShownRecord| rsx! { Actions { shown } } }
    }
}

/// The record and what can be done with it.
#[component]
fn Actions(shown: ShownRecord) -> Element {
    let a = shown.record.clone();
    let owner = current_profil().id;
    let mut confirming = use_signal(|| false);
    let mut problem = use_signal(|| None::<String>);
    let id = a.id().to_string();
    let delete = {
        let id = id.clone();
        let deleted = AccompagnementInput::from(a.clone());
        move |_| {
            let (id, owner, deleted) = (id.clone(), owner.clone(), deleted.clone());
            async move {
                match outbox::queue(Change::Delete, &id, Some(&deleted), None, &owner).await {
                    Ok(()) => {
                        outbox::flush_soon();
                        navigator().replace(Route::Historique {});
                    }
                    Err(error) => problem.set(Some(format!(
                        "La suppression n'a pas pu être gardée sur ce téléphone : {error}"
                    ))),
                }
            }
        }
    };

    rsx! {
        h1 { "{a.activite().label()}" }
        p { class: "fr-hint-text", "{format::date_longue(a.date())}" }
        if let Some(waiting) = &shown.waiting {
            WaitingNotice { change: waiting.clone() }
        }
        Fields { a: a.clone() }
        div { class: "actions",
            Link { class: "fr-btn", to: Route::Modifier { id: id.clone() }, "Modifier" }
            Link { class: "fr-btn fr-btn--secondary", to: Route::Dupliquer { id: id.clone() }, "Dupliquer" }
            button { r#type: "button", class: "fr-btn fr-btn--tertiary",
                onclick: move |_| confirming.set(true), "Supprimer" }
        }
        if confirming() {
            Confirmation {
                id: "titre-suppression",
                title: "Supprimer cet accompagnement ?",
                text: "Il disparaîtra de votre historique et de vos statistiques.",
                confirm: "Confirmer la suppression",
                onconfirm: delete,
                onkeep: move |_| confirming.set(false),
            }
        }
        if let Some(message) = problem() {
            p { class: "fr-error-text", role: "alert", "{message}" }
        }
    }
}

#[component]
fn Fields(a: Accompagnement) -> Element {
    let counts = |pairs: Vec<(&'static str, u32)>| -> String {
        pairs
            .into_iter()
            .map(|(label, n)| format!("{label} : {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let ages = counts(a.ages().iter().map(|(k, n)| (k.label(), *n)).collect());
    let statuts = counts(a.statuts().iter().map(|(k, n)| (k.label(), *n)).collect());
    let themes: Vec<&str> = a.thematiques().iter().map(|t| t.label()).collect();
    let suivi = a.suivi();
    let redirections: Vec<String> = a
        .redirections()
        .iter()
        .map(|r| format!("{} : {}", r.label(), r.personnes))
        .collect();
    rsx! {
        dl { class: "fiche",
            dt { "{Field::Date}" } dd { "{format::date_courte(a.date())}" }
            dt { "{Field::Participants}" } dd { "{a.participants()}" }
            if let Some(n) = a.deja_accompagnes() {
                dt { "{Field::DejaAccompagnes}" } dd { "{n}" }
            }
            dt { "{Field::Commune}" } dd { "{a.commune().display_name()}" }
            dt { "{Field::Canal}" } dd { "{a.canal().label()}" }
            dt { "{Field::Ages}" } dd { "{ages}" }
            dt { "{Field::Statuts}" } dd { "{statuts}" }
            dt { "{Field::Thematiques}" } dd { "{themes.join(\", \")}" }
            dt { "{Field::DureeMinutes}" } dd { "{format::duree(a.duree_minutes().into())}" }
            if suivi.total() > 0 {
                dt { "{Field::Suivi}" }
                dd { "individuel : {suivi.individuel}, atelier : {suivi.atelier}, redirection : {suivi.redirection}" }
            }
            if !redirections.is_empty() {
                dt { "{Field::Redirections}" } dd { "{redirections.join(\", \")}" }
            }
            if let Some(text) = a.annotation() {
                dt { "{Field::Annotation}" } dd { "{text}" }
            }
        }
    }
}
