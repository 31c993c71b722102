//! The commune picker: searches the official list shipped with the app, in the browser, so it
//! works without the server. The profile's commune and the last used ones come first.

use std::rc::Rc;
use std::time::Duration;

use dioxus::prelude::*;

use crate::domain::referentiel::Referentiel;
use crate::domain::{Commune, CommuneInput, ConseillerId};
use crate::offline::network::deadline;
use crate::offline::{browser, phone};

static COMMUNES_TSV: Asset = asset!("/assets/communes.tsv");
const RECENT_MAX: usize = 5;
const RESULTS_MAX: usize = 20;

/// The official list once loaded (none: not yet, or not asked for yet), and whether a
/// load was asked for.
#[derive(Clone, Default)]
pub struct Communes(pub Option<Rc<Referentiel>>, bool);

impl PartialEq for Communes {
    fn eq(&self, other: &Self) -> bool {
        self.1 == other.1
            && match (&self.0, &other.0) {
                (Some(a), Some(b)) => Rc::ptr_eq(a, b),
                (None, None) => true,
                _ => false,
            }
    }
}

/// Shares the list with every picker of the pages below. Nothing is fetched until a picker
/// shows: most records keep the profile's commune, and the list (about 280 KB on the wire)
/// would otherwise compete with the app itself on the first visit.
pub fn use_communes_loader() {
    use_context_provider(|| Signal::new(Communes::default()));
}

/// Loads the list, once per app, the first time a picker (or a page naming a commune by its
/// code) asks for it.
pub fn load_communes(mut communes: Signal<Communes>) {
    if communes.peek().1 {
        return;
    }
    communes.write().1 = true;
    spawn(async move {
        // Kept by the service worker; the first visit downloads it, within a minute.
        let url = COMMUNES_TSV.to_string();
        match deadline(Duration::from_secs(60), browser::fetch_text(&url)).await {
            Some(Ok(text)) => communes.write().0 = Some(Rc::new(Referentiel::parse(&text))),
            Some(Err(error)) => {
                tracing::warn!("communes not loaded: {error}");
                communes.write().1 = false;
            }
            None => {
                tracing::warn!("communes not loaded in time");
                communes.write().1 = false;
            }
        }
    });
}

/// Remembers a commune as recently used by `owner` (kept on the phone).
pub fn remember(commune: &Commune, owner: &ConseillerId) {
    let (commune, owner) = (commune.clone(), owner.clone());
    spawn(async move {
        let mut recent = phone::COMMUNES_RECENTES.load().await.unwrap_or_default();
        let input = CommuneInput::from(commune);
        recent.retain(|c| c != &input);
        recent.insert(0, input);
        recent.truncate(RECENT_MAX);
        phone::COMMUNES_RECENTES.keep(&owner, &recent).await;
    });
}

/// A search box over the official list. `suggestions` are shown before anything is typed.
#[component]
pub fn CommunePicker(
    /// Prefix of the element ids, so two pickers can live on one page.
    id: &'static str,
    suggestions: Vec<Commune>,
    on_pick: EventHandler<Commune>,
    on_cancel: Option<EventHandler<()>>,
) -> Element {
    let communes = use_context::<Signal<Communes>>();
    use_effect(move || load_communes(communes));
    let mut query = use_signal(String::new);
    let recent = use_recent_communes();
    let typed = query();
    let options = offered(&typed, suggestions, recent(), &communes());
    let loading = communes().0.is_none() && !typed.trim().is_empty();
    let input_id = format!("{id}-recherche");
    let results_id = format!("{id}-resultats");

    rsx! {
        div { class: "commune-picker",
            div { class: "fr-input-group",
                label { class: "fr-label", r#for: "{input_id}",
                    "Rechercher une commune"
                    span { class: "fr-hint-text", "Nom, code postal ou les deux, par exemple « saint etienne », « 75011 » ou « 76560 etalleville »" }
                }
                input {
                    class: "fr-input",
                    id: "{input_id}",
                    r#type: "search",
                    autocomplete: "off",
                    "aria-controls": "{results_id}",
                    value: "{typed}",
                    oninput: move |e| query.set(e.value()),
                }
            }
            if loading {
                p { class: "fr-hint-text", "Chargement de la liste des communes…" }
            } else if options.is_empty() && !typed.trim().is_empty() {
                p { class: "fr-hint-text", role: "status", "Aucune commune ne correspond à « {typed} »." }
            }
            ul { class: "resultats-communes", id: "{results_id}", "aria-label": "Communes proposées",
                for commune in options {
                    li { key: "{commune.insee()}-{commune.code_postal()}",
                        button {
                            r#type: "button",
                            class: "choix-commune",
                            onclick: {
                                let commune = commune.clone();
                                move |_| on_pick.call(commune.clone())
                            },
                            span { class: "nom", "{commune.nom()}" }
                            span { class: "cp", " {commune.code_postal()}" }
                        }
                    }
                }
            }
            if let Some(cancel) = on_cancel {
                button { r#type: "button", class: "fr-btn fr-btn--tertiary fr-btn--sm",
                    onclick: move |_| cancel.call(()), "Garder la commune actuelle" }
            }
        }
    }
}

/// The communes this phone chose lately (kept on it), most recent first.
fn use_recent_communes() -> Signal<Vec<Commune>> {
    let mut recent = use_signal(Vec::<Commune>::new);
    use_effect(move || {
        spawn(async move {
            let stored = phone::COMMUNES_RECENTES.load().await.unwrap_or_default();
            recent.set(
                stored
                    .into_iter()
                    .filter_map(|c| Commune::try_from(c).ok())
                    .collect(),
            );
        });
    });
    recent
}

/// What the picker offers: before anything is typed, the suggestions then the recent
/// communes; then the best matches of the official list (none while it loads).
fn offered(
    typed: &str,
    suggestions: Vec<Commune>,
    recent: Vec<Commune>,
    communes: &Communes,
) -> Vec<Commune> {
    if typed.trim().is_empty() {
        let mut first = suggestions;
        for commune in recent {
            if !first.contains(&commune) {
                first.push(commune);
            }
        }
        return first;
    }
    match &communes.0 {
        Some(list) => list
            .search(typed, RESULTS_MAX)
            .iter()
            .map(|found| found.to_commune())
            .collect(),
        None => Vec::new(),
    }
}
