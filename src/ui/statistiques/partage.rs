//! A read-only link's page: the figures and charts someone chose to share (their own, or
//! their structure's), for anyone who holds the link, without an account. Revoked or
//! expired: "Lien expiré".

use dioxus::prelude::*;

use super::{print_report, Figures, PrintHeader};
use crate::api::{self, ApiError};
use crate::clock::today_in_paris;
use crate::offline::network::{self, within, RETRY};
use crate::ui::format;

#[component]
pub fn Partage(jeton: String) -> Element {
    let today = today_in_paris();
    let loaded = use_resource(use_reactive!(|jeton| async move {
        RETRY();
        within(network::READ, api::shared(jeton)).await
    }));
    let read = loaded.read();
    rsx! {
        header { class: "bandeau",
            span { class: "marque", "Conum" }
            span { class: "qui", "Statistiques partagées" }
        }
        main { class: "page", id: "contenu",
            match read.as_ref() {
                None => rsx! {
                    h1 { "Statistiques d'activité" }
                    p { class: "chargement", "Chargement…" }
                },
                Some(Err(ApiError::LinkExpired)) => rsx! {
                    h1 { "Lien expiré" }
                    p { "{ApiError::LinkExpired}" }
                    p { class: "fr-hint-text",
                        "Conum est le carnet d'activité des conseillers numériques : les liens de consultation qu'ils créent ont une durée limitée et peuvent être révoqués." }
                },
                Some(Err(error)) => rsx! {
                    h1 { "Statistiques d'activité" }
                    p { class: "fr-error-text", role: "alert", "{error}" }
                    button { r#type: "button", class: "fr-btn fr-btn--secondary",
                        onclick: move |_| *RETRY.write() += 1, "Réessayer" }
                },
                Some(Ok(shared)) => rsx! {
                    PrintHeader {
                        title: "Conum — statistiques d'activité",
                        who: shared.titre.clone(),
                        filtres: shared.filtres.clone(),
                        today,
                    }
                    h1 { "Statistiques d'activité" }
                    p { class: "titre-partage", "{shared.titre}" }
                    p { class: "periode-affichee",
                        "Du {format::date_courte(shared.stats.periode.du)} au {format::date_courte(shared.stats.periode.au)}" }
                    if let Some(f) = &shared.filtres {
                        p { class: "filtres-actifs", "Filtres : {f}" }
                    }
                    Figures { stats: shared.stats.clone(),
                        section { class: "exports", "aria-labelledby": "titre-exports",
                            h2 { id: "titre-exports", "Imprimer" }
                            p { class: "fr-hint-text",
                                "Lien de consultation valable jusqu'au {format::date_courte(shared.expire_le.date_naive())} : des chiffres mis en commun, jamais un compte rendu." }
                            button { r#type: "button", class: "fr-btn fr-btn--secondary",
                                onclick: {
                                    let p = shared.stats.periode;
                                    move |_| print_report("conum_statistiques", p)
                                },
                                "Rapport (PDF)" }
                        }
                    }
                },
            }
        }
    }
}
