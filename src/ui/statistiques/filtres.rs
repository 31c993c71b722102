//! The statistics' filters (a commune, a canal, an activité), kept in the page's address so
//! that a filtered page can be bookmarked, reloaded and printed as it is.

use dioxus::prelude::*;

use crate::domain::filtres::Filtres;
use crate::domain::vocabulary::{Activite, Canal};
use crate::domain::Commune;
use crate::ui::communes::{load_communes, CommunePicker, Communes};
use crate::ui::Route;

/// The filters of the address's `commune`, `canal` and `activite` (a value the vocabulary
/// does not know is no filter: the server would refuse it).
pub fn filtres_of(url: &[String; 3]) -> Filtres {
    let [commune, canal, activite] = url;
    Filtres {
        commune: Filtres::parse(Some(commune), None, None)
            .ok()
            .and_then(|f| f.commune),
        canal: Canal::from_code(canal),
        activite: Activite::from_code(activite),
    }
}

/// The address's `commune`, `canal` and `activite` of filters.
pub fn url_of(filtres: &Filtres) -> [String; 3] {
    [
        filtres.commune.clone().unwrap_or_default(),
        filtres
            .canal
            .map(|c| c.code().to_owned())
            .unwrap_or_default(),
        filtres
            .activite
            .map(|a| a.code().to_owned())
            .unwrap_or_default(),
    ]
}

/// The filters in words ("Commune : Lyon · Canal : À distance"), the commune named from the
/// official list once it is on the phone.
pub fn describe(filtres: &Filtres) -> Option<String> {
    let communes = try_consume_context::<Signal<Communes>>();
    filtres.describe(|code| {
        communes?
            .read()
            .0
            .as_ref()?
            .get(code)
            .map(|c| c.nom.clone())
    })
}

/// The filters as choices: each change opens the page `to` gives for the new filters. Without
/// `commune`, the canal and the activité only (the national figures).
#[component]
pub fn FilterChoice(
    filtres: Filtres,
    suggestions: Vec<Commune>,
    to: Callback<Filtres, Route>,
    #[props(default = true)] commune: bool,
) -> Element {
    let mut picking = use_signal(|| false);
    // The chosen commune is named from the official list (the national page, outside the
    // logged-in frame, has neither the list nor a commune).
    let communes = try_use_context::<Signal<Communes>>();
    let named = filtres.commune.is_some();
    let with_commune = commune;
    use_effect(use_reactive!(|named| {
        if let (true, Some(communes)) = (named, communes) {
            load_communes(communes);
        }
    }));
    let go = move |filtres: Filtres| {
        navigator().push(to.call(filtres));
    };
    let commune_label = describe(&Filtres {
        commune: filtres.commune.clone(),
        ..Filtres::default()
    })
    .map_or("toutes".to_owned(), |d| {
        d.trim_start_matches("Commune : ").to_owned()
    });
    rsx! {
        section { class: "filtres", "aria-labelledby": "titre-filtres",
            h2 { id: "titre-filtres", class: "filtres__titre", "Filtrer" }
            div { class: "fr-select-group",
                label { class: "fr-label", r#for: "filtre-canal", "Canal" }
                select { class: "fr-select", id: "filtre-canal",
                    onchange: {
                        let filtres = filtres.clone();
                        move |e: FormEvent| go(Filtres { canal: Canal::from_code(&e.value()), ..filtres.clone() })
                    },
                    option { value: "", selected: filtres.canal.is_none(), "Tous les canaux" }
                    for canal in Canal::ALL {
                        option { value: canal.code(), selected: filtres.canal == Some(*canal), "{canal.label()}" }
                    }
                }
            }
            div { class: "fr-select-group",
                label { class: "fr-label", r#for: "filtre-activite", "Activité" }
                select { class: "fr-select", id: "filtre-activite",
                    onchange: {
                        let filtres = filtres.clone();
                        move |e: FormEvent| go(Filtres { activite: Activite::from_code(&e.value()), ..filtres.clone() })
                    },
                    option { value: "", selected: filtres.activite.is_none(), "Toutes les activités" }
                    for activite in Activite::ALL {
                        option { value: activite.code(), selected: filtres.activite == Some(*activite), "{activite.label()}" }
                    }
                }
            }
            if with_commune { div { class: "filtre-commune",
                p { "Commune : {commune_label}" }
                if picking() {
                    CommunePicker {
                        id: "filtre-commune",
                        suggestions: suggestions.clone(),
                        on_pick: {
                            let filtres = filtres.clone();
                            move |commune: Commune| {
                                picking.set(false);
                                go(Filtres { commune: Some(commune.insee().to_owned()), ..filtres.clone() })
                            }
                        },
                        on_cancel: move |_| picking.set(false),
                    }
                } else {
                    button { r#type: "button", class: "fr-btn fr-btn--tertiary fr-btn--sm",
                        onclick: move |_| picking.set(true), "Choisir une commune" }
                    if filtres.commune.is_some() {
                        button { r#type: "button", class: "fr-btn fr-btn--tertiary fr-btn--sm",
                            onclick: {
                                let filtres = filtres.clone();
                                move |_| go(Filtres { commune: None, ..filtres.clone() })
                            },
                            "Toutes les communes" }
                    }
                }
            } }
        }
    }
}
