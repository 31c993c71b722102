//! The frame of every logged-in page: header, content, bottom navigation.

use dioxus::prelude::*;

use super::communes::use_communes_loader;
use super::session::{use_profil_loader, ProfilState};
use super::Route;
use crate::offline;

#[component]
pub fn Shell() -> Element {
    let profil = use_profil_loader();
    use_context_provider(|| profil);
    use_communes_loader();
    let outbox = offline::use_outbox();
    use_context_provider(|| outbox);
    let offline::UpdateReady(update_ready) = use_context::<offline::UpdateReady>();
    // So that the history shows something when the network is gone.
    use_hook(|| spawn(offline::refresh_kept_history()));

    match profil() {
        ProfilState::Loading => rsx! {
            main { class: "page", p { class: "chargement", "Chargement…" } }
        },
        ProfilState::Failed(message) => rsx! {
            main { class: "page", p { class: "fr-error-text", role: "alert", "{message}" } }
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
                            onclick: move |_| offline::activate_update(), "Recharger" }
                    }
                }
                if outbox().login_needed {
                    div { class: "fr-alert fr-alert--warning fr-alert--sm bandeau-etat",
                        p { "Votre session a expiré : "
                            Link { to: Route::Connexion {}, "reconnectez-vous" }
                            " pour envoyer vos accompagnements (ils sont gardés sur ce téléphone)." }
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
