//! The frame of every logged-in page: header, state banners, content, bottom navigation.

use dioxus::prelude::*;

use super::communes::use_communes_loader;
use super::session::{use_profil_loader, ProfilState};
use super::Route;
use crate::offline::network::{self, ONLINE};
use crate::offline::{outbox, worker};

#[component]
pub fn Shell() -> Element {
    let profil = use_profil_loader();
    use_context_provider(|| profil);
    use_communes_loader();
    let outbox = outbox::use_outbox();
    use_context_provider(|| outbox);
    let worker::UpdateReady(update_ready) = use_context::<worker::UpdateReady>();
    let retry = move |_| {
        network::retry();
        outbox::flush_soon();
    };

    match profil() {
        ProfilState::Loading => rsx! {
            main { class: "page", p { class: "chargement", "Chargement…" } }
        },
        ProfilState::Failed(message) => rsx! {
            main { class: "page",
                p { class: "fr-error-text", role: "alert", "{message}" }
                button { r#type: "button", class: "fr-btn fr-btn--secondary", onclick: retry, "Réessayer" }
            }
        },
        ProfilState::Ready(profil) => rsx! {
            header { class: "bandeau",
                span { class: "marque", "Conum" }
                span { class: "qui", "{profil.details.prenom} {profil.details.nom}" }
            }
            div { class: "etat", role: "status", "aria-live": "polite",
                if update_ready() {
                    div { class: "fr-notice fr-notice--info bandeau-etat",
                        span { "Nouvelle version disponible" }
                        button { r#type: "button", class: "fr-btn fr-btn--sm",
                            onclick: move |_| worker::activate_update(), "Recharger" }
                    }
                }
                if !ONLINE() {
                    div { class: "fr-alert fr-alert--info fr-alert--sm bandeau-etat hors-connexion",
                        p { "Hors connexion : vous voyez ce que ce téléphone a gardé. Vos saisies partiront dès le retour du réseau." }
                        button { r#type: "button", class: "fr-btn fr-btn--secondary fr-btn--sm",
                            onclick: retry, "Réessayer" }
                    }
                }
                if outbox().pending > 0 {
                    p { class: "en-attente",
                        Link { to: Route::Historique {}, "{outbox().pending} en attente d'envoi" }
                    }
                }
            }
            nav { class: "navigation", "aria-label": "Navigation principale",
                Link { to: Route::Saisie {}, active_class: "actif", "Saisir" }
                Link { to: Route::Historique {}, active_class: "actif", "Historique" }
                Link { to: Route::Statistiques { du: String::new(), au: String::new() }, active_class: "actif", "Statistiques" }
                Link { to: Route::MonProfil {}, active_class: "actif", "Profil" }
            }
            main { class: "page", id: "contenu", Outlet::<Route> {} }
        },
    }
}
