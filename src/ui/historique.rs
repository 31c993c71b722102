//! "Mes accompagnements": the conseiller's records by day, newest first, for a period.

use chrono::NaiveDate;
use dioxus::prelude::*;

use super::format;
use super::record::WaitingNotice;
use super::session::{self, ProfilState};
use super::Route;
use crate::api::{
    self, ApiError, ListQuery, PaintedHistory, StoredAccompagnement, HISTORY_PAGE_SIZE,
};
use crate::domain::{Accompagnement, ConseillerId};
use crate::offline::network;
use crate::offline::{outbox, phone, OutboxStatus, PendingChange};

#[component]
pub fn Historique() -> Element {
    let du = use_signal(String::new);
    let au = use_signal(String::new);
    let mut page = use_signal(|| 1u32);
    let list = use_history(du, au, page)?;
    let outbox = use_context::<Signal<OutboxStatus>>();
    // Follows the outbox: a record leaves this list when the server acknowledges it.
    let waiting = use_resource(move || async move {
        outbox();
        outbox::by_record(&outbox::pending().await)
    });
    let waiting: Vec<PendingChange> = waiting().unwrap_or_default();
    let shown: Vec<StoredAccompagnement> = (list.items)()
        .into_iter()
        .filter(|stored| {
            !waiting
                .iter()
                .any(|w| w.id == stored.accompagnement.id().to_string())
        })
        .collect();
    let total = (list.total)();
    let more = total.is_some_and(|t| (shown.len() as u64) < t);

    rsx! {
        h1 { "Mes accompagnements" }
        PeriodFilter { du, au, page }
        if let Some(message) = (list.problem)() {
            p { class: "fr-error-text", role: "alert", "{message}" }
        }
        WaitingSection { waiting }
        match total {
            None => rsx! { p { class: "chargement", "Chargement…" } },
            Some(0) => rsx! { p { "Aucun accompagnement sur cette période." } },
            // "Comptes rendus", as the statistics count them (domain.md §3).
            Some(1) => rsx! { p { class: "fr-hint-text", role: "status", "1 compte rendu" } },
            Some(n) => rsx! { p { class: "fr-hint-text", role: "status", "{format::nombre(n)} comptes rendus" } },
        }
        for (day, records) in by_day(shown) {
            section { key: "{day}", class: "jour", "aria-label": "{format::date_longue(day)}",
                h2 { class: "jour__titre", "{format::date_longue(day)}" }
                ul { class: "liste",
                    for stored in records {
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

/// The list as loaded so far: how many records the period has (none: loading), those
/// shown, what went wrong.
#[derive(Clone, Copy, PartialEq)]
struct HistoryList {
    total: Signal<Option<u64>>,
    items: Signal<Vec<StoredAccompagnement>>,
    problem: Signal<Option<String>>,
}

/// The records of the period `du`..`au`, reloaded from the first page whenever the period
/// changes, a page added for each "Afficher plus".
///
/// The page's frame renders before the profile is known (on the server too); the list is the
/// conseiller's, so nothing is asked until the profile says whose it is. Opened with a
/// session, the server has painted the first page into the page itself: the browser hydrates
/// it as it is and, once the profile says it is theirs, keeps it without asking.
fn use_history(
    du: Signal<String>,
    au: Signal<String>,
    page: Signal<u32>,
) -> Result<HistoryList, RenderError> {
    let painted = use_server_future(api::painted_history)?
        .peek()
        .clone()
        .flatten()
        .and_then(|json| serde_json::from_slice::<PaintedHistory>(json.as_bytes()).ok());
    let list = HistoryList {
        total: use_signal(|| painted.as_ref().map(|p| p.page.total)),
        items: use_signal(|| {
            painted
                .as_ref()
                .map(|p| p.page.items.clone())
                .unwrap_or_default()
        }),
        problem: use_signal(|| None),
    };
    let mut painted = use_signal(|| painted);
    let profil = use_context::<Signal<ProfilState>>();
    let _loader = use_resource(move || async move {
        network::RETRY();
        let Some(owner) = profil.read().owner() else {
            return;
        };
        let query = ListQuery {
            du: crate::domain::dates::parse_iso(&du()),
            au: crate::domain::dates::parse_iso(&au()),
            page: Some(page()),
            par_page: Some(HISTORY_PAGE_SIZE),
        };
        let opening = query.page == Some(1) && query.du.is_none() && query.au.is_none();
        if let Some(painted) = painted.take() {
            if painted.owner == owner && opening {
                phone::HISTORIQUE.keep(&owner, &painted.page.items).await;
                return;
            }
        }
        list.load(owner, query).await;
    });
    Ok(list)
}

impl HistoryList {
    /// Asks the server for one page; offline, shows the copy kept on the phone.
    async fn load(mut self, owner: ConseillerId, query: ListQuery) {
        let first_page = query.page == Some(1);
        let whole_period = query.du.is_none() && query.au.is_none();
        // Nothing shown yet (the page came from the phone's cache): the copy kept on the phone
        // shows while the server is asked, which on one bar of signal can take seconds.
        if first_page && whole_period && self.total.peek().is_none() && self.items.peek().is_empty()
        {
            if let Some(kept) = phone::HISTORIQUE.load().await {
                self.items.set(kept);
            }
        }
        match session::ask(network::READ, api::list_accompagnements(query)).await {
            Ok(found) => {
                self.problem.set(None);
                self.total.set(Some(found.total));
                if found.page == 1 {
                    if whole_period {
                        phone::HISTORIQUE.keep(&owner, &found.items).await;
                    }
                    self.items.set(found.items);
                } else {
                    self.items.write().extend(found.items);
                }
            }
            Err(ApiError::Unreachable) if first_page => {
                let kept = phone::HISTORIQUE.load().await.unwrap_or_default();
                self.problem.set(Some(
                    "Hors connexion : voici les derniers accompagnements gardés sur ce téléphone."
                        .into(),
                ));
                self.total.set(Some(kept.len() as u64));
                self.items.set(kept);
            }
            Err(error) => {
                // The kept copy, if it shows, stays: it is no longer "loading".
                if self.total.peek().is_none() {
                    self.total.set(Some(self.items.peek().len() as u64));
                }
                self.problem.set(Some(error.to_string()));
            }
        }
    }
}

/// Records in the order given (newest first), grouped by day.
fn by_day(records: Vec<StoredAccompagnement>) -> Vec<(NaiveDate, Vec<StoredAccompagnement>)> {
    let mut days: Vec<(NaiveDate, Vec<StoredAccompagnement>)> = Vec::new();
    for stored in records {
        let date = stored.accompagnement.date();
        match days.last_mut() {
            Some((day, list)) if *day == date => list.push(stored),
            _ => days.push((date, vec![stored])),
        }
    }
    days
}

/// "Du … au …": a new period starts again from the first page.
#[component]
fn PeriodFilter(du: Signal<String>, au: Signal<String>, page: Signal<u32>) -> Element {
    rsx! {
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
    }
}

/// The records made or changed on the phone and not sent yet, above the list.
#[component]
fn WaitingSection(waiting: Vec<PendingChange>) -> Element {
    let shown: Vec<PendingChange> = waiting
        .into_iter()
        .filter(|w| w.record().is_some())
        .collect();
    if shown.is_empty() {
        return rsx! {};
    }
    rsx! {
        section { class: "jour en-attente-liste", "aria-labelledby": "titre-en-attente",
            h2 { class: "jour__titre", id: "titre-en-attente", "En attente d'envoi" }
            ul { class: "liste",
                for change in shown {
                    WaitingLine { key: "{change.id}", change }
                }
            }
        }
    }
}

#[component]
fn WaitingLine(change: PendingChange) -> Element {
    let Some(a) = change.record() else {
        return rsx! {};
    };
    rsx! {
        li { class: "accompagnement accompagnement--en-attente",
            Summary { a: a.clone(), date: true }
            WaitingNotice { change }
        }
    }
}

#[component]
fn RecordLine(stored: StoredAccompagnement) -> Element {
    rsx! {
        li { class: "accompagnement",
            Summary { a: stored.accompagnement, date: false }
        }
    }
}

/// One line of the history: a link to the record.
#[component]
fn Summary(a: Accompagnement, date: bool) -> Element {
    let themes: Vec<&str> = a.thematiques().iter().map(|t| t.label()).collect();
    // Its own line, each part between " · " (none before the first).
    let mut details = Vec::with_capacity(3);
    if a.participants() > 1 {
        details.push(format!("{} participants", a.participants()));
    }
    details.push(a.commune().nom().to_owned());
    details.push(format::duree(a.duree_minutes().into()));
    let details = details.join(" · ");
    let day = if date {
        format!("{} · ", format::date_courte(a.date()))
    } else {
        String::new()
    };
    rsx! {
        Link { to: Route::Detail { id: a.id().to_string() },
            strong { "{day}{a.activite().label()}" }
            span { "{details}" }
        }
        div { class: "themes", "{themes.join(\", \")}" }
    }
}
