//! Pages and components. Every word on screen is French.

mod components;
mod connexion;
mod inscription;
mod saisie;
mod session;
pub mod today;

use dioxus::prelude::*;

use connexion::Connexion;
use inscription::Inscription;
use saisie::Saisie;

#[derive(Routable, Clone, PartialEq, Debug)]
#[rustfmt::skip]
pub enum Route {
    #[route("/")]
    Saisie {},
    #[route("/connexion")]
    Connexion {},
    #[route("/inscription")]
    Inscription {},
}

/// The root component: document head, stylesheet, router.
#[component]
pub fn App() -> Element {
    // Effects only run in the browser, after hydration: the marker tells tests (and CSS)
    // that the page now answers taps.
    use_effect(|| {
        document::eval("document.documentElement.dataset.pret = '1'");
    });
    rsx! {
        document::Title { "Conum — suivi d'activité" }
        document::Meta { name: "viewport", content: "width=device-width, initial-scale=1" }
        document::Stylesheet { href: asset!("/assets/main.css") }
        Router::<Route> {}
    }
}
