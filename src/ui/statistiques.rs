//! Statistics page: the figures and charts arrive with their own issue (Mes statistiques).

use dioxus::prelude::*;

#[component]
pub fn Statistiques() -> Element {
    rsx! {
        h1 { "Statistiques" }
        p { "Vos statistiques d'activité seront affichées ici dans la prochaine version de Conum." }
    }
}
