//! "Statistiques nationales": the same figures over every conseiller of France, a région or a
//! département, pooled and anonymous (the API gives nothing for fewer than 5 contributing
//! conseillers). Outside the logged-in frame: with `PUBLIC_STATISTICS` anyone may read it.

use dioxus::prelude::*;

use super::{
    announced_period, date_of, period_or_this_month, print_report, use_loaded_stats, Figures,
    Periodes, PrintHeader,
};
use crate::api::{self, ApiError, NationalQuery};
use crate::clock::today_in_paris;
use crate::domain::territoire::{self, Territoire, MIN_CONSEILLERS};
use crate::offline::network::{self, RETRY};
use crate::ui::format;
use crate::ui::session;
use crate::ui::shell::Navigation;
use crate::ui::Route;

#[component]
pub fn StatistiquesNationales(territoire: String, du: String, au: String) -> Element {
    let today = today_in_paris();
    let (du, au) = period_or_this_month(du, au, today);
    let chosen = Territoire::parse(&territoire).unwrap_or(Territoire::France);
    let query = NationalQuery {
        territoire: Some(chosen.code()),
        du: date_of(&du),
        au: date_of(&au),
    };
    let loaded = use_resource(use_reactive!(|query| async move {
        RETRY();
        session::ask(network::READ, api::statistiques_nationales(query)).await
    }));
    let shown_stats = use_loaded_stats(loaded, |national| &national.stats);
    let shown_period = shown_stats.read().as_ref().map(|s| s.periode);
    let announced = announced_period(shown_period, &du, &au, today);
    let read = loaded.read();
    let code = chosen.code();
    let (du_link, au_link) = (du.clone(), au.clone());
    rsx! {
        header { class: "bandeau",
            span { class: "marque", "Conum" }
            span { class: "qui", "Statistiques nationales" }
        }
        Navigation {}
        main { class: "page", id: "contenu",
            PrintHeader {
                title: "Conum — statistiques nationales",
                who: chosen.label(),
                today,
            }
            h1 { "Statistiques nationales" }
            p { class: "fr-hint-text",
                "Les accompagnements de tous les conseillers numériques, mis en commun. Chaque accompagnement compte dans le département de son conseiller, tel qu'il figure aujourd'hui dans son profil. "
                "Aucun chiffre n'est donné pour un territoire et une période où moins de {MIN_CONSEILLERS} conseillers ont saisi des accompagnements."
            }
            TerritoryChoice { chosen: chosen.clone(), du: du.clone(), au: au.clone() }
            if let Some(p) = announced {
                p { class: "periode-affichee",
                    "{chosen.label()} — du {format::date_courte(p.du)} au {format::date_courte(p.au)}" }
            }
            Periodes { du: du.clone(), au: au.clone(), today,
                to: move |(du, au)| Route::StatistiquesNationales { territoire: code.clone(), du, au } }
            match read.as_ref() {
                None => rsx! { p { class: "chargement", "Chargement…" } },
                Some(Err(ApiError::TooFewContributors)) => rsx! {
                    div { class: "fr-alert fr-alert--info", role: "status",
                        p { "{ApiError::TooFewContributors}" }
                        p { "Choisissez un territoire plus large ou une période plus longue." }
                    }
                },
                Some(Err(error)) => rsx! { p { class: "fr-error-text", role: "alert", "{error}" } },
                Some(Ok(national)) => rsx! { Figures { stats: national.stats.clone() } },
            }
            if let Some(p) = shown_period {
                section { class: "exports", "aria-labelledby": "titre-exports",
                    h2 { id: "titre-exports", "Exporter" }
                    a { class: "fr-btn fr-btn--secondary",
                        download: "conum_statistiques_{chosen.code()}_{p.du}_{p.au}.csv",
                        href: "/api/exports/nationales.csv?territoire={chosen.code()}&du={p.du}&au={p.au}",
                        "Statistiques (CSV)" }
                    button { r#type: "button", class: "fr-btn fr-btn--secondary",
                        onclick: {
                            let name = format!("conum_statistiques_{}", chosen.code());
                            move |_| print_report(&name, p)
                        },
                        "Rapport (PDF)" }
                }
            }
            p { class: "lien-nationales",
                Link { to: Route::Statistiques { du: du_link, au: au_link }, "Mes statistiques" }
            }
        }
    }
}

/// France entière, a région or a département.
#[component]
fn TerritoryChoice(chosen: Territoire, du: String, au: String) -> Element {
    let selected = chosen.code();
    let regions: Vec<Territoire> = territoire::regions()
        .iter()
        .map(|r| Territoire::Region(r.code.to_owned()))
        .collect();
    let departements: Vec<Territoire> = territoire::departements()
        .iter()
        .map(|d| Territoire::Departement(d.code.to_owned()))
        .collect();
    rsx! {
        div { class: "fr-select-group territoire",
            label { class: "fr-label", r#for: "territoire", "Territoire" }
            select {
                class: "fr-select",
                id: "territoire",
                onchange: move |e| {
                    navigator().push(Route::StatistiquesNationales {
                        territoire: e.value(),
                        du: du.clone(),
                        au: au.clone(),
                    });
                },
                option { value: "france", selected: selected == "france", "France entière" }
                for (group, choices) in [("Régions", regions), ("Départements", departements)] {
                    optgroup { key: "{group}", label: group,
                        for choice in choices {
                            option {
                                key: "{choice.code()}",
                                value: choice.code(),
                                selected: selected == choice.code(),
                                "{choice.label()}"
                            }
                        }
                    }
                }
            }
        }
    }
}
