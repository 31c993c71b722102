//! "Mes accompagnements": the conseiller's records by day, newest first, for a period.

use chrono::NaiveDate;
use dioxus::prelude::*;

use super::format;
use super::Route;
use crate::api::{self, ListQuery, StoredAccompagnement};

const PAR_PAGE: u32 = 30;

#[component]
pub fn Historique() -> Element {
    let mut du = use_signal(String::new);
    let mut au = use_signal(String::new);
    let mut items = use_signal(Vec::<StoredAccompagnement>::new);
    let mut total = use_signal(|| None::<u64>);
    let mut page = use_signal(|| 1u32);
    let mut problem = use_signal(|| None::<String>);

    // Reloads from the first page whenever the period changes; "Afficher plus" adds pages.
    let _loader = use_resource(move || async move {
        let query = ListQuery {
            du: NaiveDate::parse_from_str(&du(), "%Y-%m-%d").ok(),
            au: NaiveDate::parse_from_str(&au(), "%Y-%m-%d").ok(),
            page: Some(page()),
            par_page: Some(PAR_PAGE),
        };
        match api::list_accompagnements(query).await {
            Ok(found) => {
                problem.set(None);
                total.set(Some(found.total));
                if found.page == 1 {
                    items.set(found.items);
                } else {
                    items.write().extend(found.items);
                }
            }
            Err(error) => problem.set(Some(error.to_string())),
        }
    });

    let shown = items();
    let more = total().is_some_and(|t| (shown.len() as u64) < t);
    let mut days: Vec<(NaiveDate, Vec<StoredAccompagnement>)> = Vec::new();
    for stored in shown {
        let date = stored.accompagnement.date();
        match days.last_mut() {
            Some((day, list)) if *day == date => list.push(stored),
            _ => days.push((date, vec![stored])),
        }
    }

    rsx! {
        h1 { "Mes accompagnements" }
        fieldset { class: "fr-fieldset periode",
            legend { class: "fr-fieldset__legend", "Période" }
            div { class: "fr-input-group",
                label { class: "fr-label", r#for: "periode-du", "Du" }
                input { class: "fr-input", id: "periode-du", r#type: "date", value: "{du}",
                    oninput: move |e| { page.set(1); du.set(e.value()); } }
            }
            div { class: "fr-input-group",
                label { class: "fr-label", r#for: "periode-au", "Au" }
                input { class: "fr-input", id: "periode-au", r#type: "date", value: "{au}",
                    oninput: move |e| { page.set(1); au.set(e.value()); } }
            }
            if !du().is_empty() || !au().is_empty() {
                button { r#type: "button", class: "fr-btn fr-btn--tertiary fr-btn--sm",
                    onclick: move |_| { page.set(1); du.set(String::new()); au.set(String::new()); },
                    "Toute la période" }
            }
        }
        if let Some(message) = problem() {
            p { class: "fr-error-text", role: "alert", "{message}" }
        }
        match total() {
            None => rsx! { p { class: "chargement", "Chargement…" } },
            Some(0) => rsx! { p { "Aucun accompagnement sur cette période." } },
            Some(n) => rsx! { p { class: "fr-hint-text", role: "status", "{n} accompagnement(s)" } },
        }
        for (day, list) in days {
            section { key: "{day}", class: "jour", "aria-label": "{format::date_longue(day)}",
                h2 { class: "jour__titre", "{format::date_longue(day)}" }
                ul { class: "liste",
                    for stored in list {
                        RecordLine { key: "{stored.accompagnement.id()}", stored }
                    }
                }
            }
        }
        if more {
            button { r#type: "button", class: "fr-btn fr-btn--secondary",
                onclick: move |_| page += 1, "Afficher plus" }
        }
    }
}

#[component]
fn RecordLine(stored: StoredAccompagnement) -> Element {
    let a = &stored.accompagnement;
    let themes: Vec<&str> = a.thematiques().iter().map(|t| t.label()).collect();
    let personnes = if a.participants() > 1 {
        format!(" · {} participants", a.participants())
    } else {
        String::new()
    };
    rsx! {
        li { class: "accompagnement",
            Link { to: Route::Detail { id: a.id().to_string() },
                strong { "{a.activite().label()}" }
                span { "{personnes} · {a.commune().nom()} · {format::duree(a.duree_minutes().into())}" }
            }
            div { class: "themes", "{themes.join(\", \")}" }
        }
    }
}
