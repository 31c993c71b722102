//! Pages and components. Every word on screen is French.

mod communes;
mod components;
mod connexion;
mod detail;
mod format;
mod historique;
mod inscription;
mod mot_de_passe;
mod profil;
mod record;
mod saisie;
mod session;
mod shell;
pub mod split;
mod statistiques;

use dioxus::prelude::*;

use saisie::{CommeLaDerniereFois, Saisie};
use shell::Shell;
// The other pages come from their wasm modules, through `split`.
use split::{
    ConfirmerAdresse, Connexion, Detail, Dupliquer, Historique, Inscription, Modifier, MonProfil,
    MotDePasseOublie, NouveauMotDePasse, Partage, Statistiques, StatistiquesNationales, Structure,
};

#[derive(Routable, Clone, PartialEq, Debug)]
#[rustfmt::skip]
pub enum Route {
    #[route("/connexion")]
    Connexion {},
    #[route("/inscription?:invitation")]
    Inscription { invitation: String },
    #[route("/adresse/confirmer?:jeton")]
    ConfirmerAdresse { jeton: String },
    #[route("/mot-de-passe-oublie")]
    MotDePasseOublie {},
    #[route("/mot-de-passe/nouveau?:jeton")]
    NouveauMotDePasse { jeton: String },
    #[route("/statistiques/nationales?:territoire&:du&:au&:canal&:activite")]
    StatistiquesNationales { territoire: String, du: String, au: String, canal: String, activite: String },
    // A read-only link to figures, for someone without an account.
    #[route("/partage/:jeton")]
    Partage { jeton: String },
    #[layout(Shell)]
        #[route("/")]
        Saisie {},
        // The form filled as the last record (the home screen's shortcut).
        #[route("/comme-la-derniere-fois")]
        CommeLaDerniereFois {},
        #[route("/historique")]
        Historique {},
        #[route("/accompagnements/:id")]
        Detail { id: String },
        #[route("/accompagnements/:id/modifier")]
        Modifier { id: String },
        #[route("/accompagnements/:id/dupliquer")]
        Dupliquer { id: String },
        #[route("/statistiques?:du&:au&:commune&:canal&:activite")]
        Statistiques { du: String, au: String, commune: String, canal: String, activite: String },
        // A structure's figures, for its coordinators.
        #[route("/structure?:id&:du&:au&:conseiller&:commune&:canal&:activite")]
        Structure { id: String, du: String, au: String, conseiller: String, commune: String, canal: String, activite: String },
        #[route("/profil")]
        MonProfil {},
    #[end_layout]
    #[route("/:..segments")]
    PageIntrouvable { segments: Vec<String> },
}

impl Route {
    /// "Mes statistiques" as the tab opens them: this month, no filter.
    pub fn statistiques() -> Route {
        Route::Statistiques {
            du: String::new(),
            au: String::new(),
            commune: String::new(),
            canal: String::new(),
            activite: String::new(),
        }
    }

    /// "Statistiques nationales" of a territory (none: the conseiller's région), this year's
    /// months that are over, no filter.
    pub fn nationales(territoire: String) -> Route {
        Route::StatistiquesNationales {
            territoire,
            du: String::new(),
            au: String::new(),
            canal: String::new(),
            activite: String::new(),
        }
    }
}

/// Any other address: a French page with a way back, not the router's debug text.
#[component]
fn PageIntrouvable(segments: Vec<String>) -> Element {
    let _ = segments;
    rsx! {
        main { class: "page etroite",
            p { class: "marque-accueil", "Conum" }
            h1 { "Page introuvable" }
            p { "Cette adresse ne correspond à aucune page de Conum." }
            Link { class: "fr-btn", to: Route::Saisie {}, "Revenir à l'accueil" }
        }
    }
}

/// The root component: document head, stylesheets, router.
#[component]
pub fn App() -> Element {
    // Effects only run in the browser, after hydration: the marker tells tests (and CSS)
    // that the page now answers taps.
    use_effect(crate::offline::browser::mark_ready);
    crate::offline::worker::use_service_worker();
    rsx! {
        // The title is the page's own (index.html): `document::Title` would need `eval`,
        // which the Content-Security-Policy forbids.
        document::Stylesheet { href: "/dsfr/dsfr.min.css" }
        document::Stylesheet { href: asset!("/assets/main.css") }
        Router::<Route> {}
    }
}
