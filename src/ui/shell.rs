//! The frame of every logged-in page: header, content, bottom navigation.

use dioxus::prelude::*;

use super::communes::use_communes_loader;
use super::session::{use_profil_loader, ProfilState};
use super::Route;

#[component]
pub fn Shell() -> Element {
    let profil = use_profil_loader();
    use_context_provider(|| profil);
    use_communes_loader();

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
            nav { class: "navigation", "aria-label": "Navigation principale",
                Link { to: Route::Saisie {}, active_class: "actif", "Saisir" }
                Link { to: Route::Historique {}, active_class: "actif", "Historique" }
                Link { to: Route::Statistiques {}, active_class: "actif", "Statistiques" }
                Link { to: Route::MonProfil {}, active_class: "actif", "Profil" }
            }
            main { class: "page", id: "contenu", Outlet::<Route> {} }
        },
    }
}
