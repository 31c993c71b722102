//! Login page.

use dioxus::fullstack::Json;
use dioxus::prelude::*;

use super::components::TextField;
use super::Route;
use crate::api;
use crate::domain::{Credentials, FieldErrors};
use crate::offline;

#[component]
pub fn Connexion() -> Element {
    let email = use_signal(String::new);
    let password = use_signal(String::new);
    let errors = use_signal(FieldErrors::new);
    let mut message = use_signal(|| None::<String>);

    let submit = move |event: FormEvent| {
        event.prevent_default();
        spawn(async move {
            let credentials = Credentials {
                email: email(),
                password: password(),
            };
            match api::log_in(Json(credentials)).await {
                Ok(_) => {
                    // What waited for this login goes now.
                    offline::flush();
                    navigator().replace(Route::Saisie {});
                }
                Err(error) => message.set(Some(error.to_string())),
            }
        });
    };

    rsx! {
        main { class: "page etroite",
            p { class: "marque-accueil", "Conum" }
            p { class: "fr-hint-text", "Le suivi d'activité des conseillers numériques" }
            form { onsubmit: submit, "aria-labelledby": "titre-connexion",
                h1 { id: "titre-connexion", "Se connecter" }
                TextField { id: "email", label: "Adresse e-mail", kind: "email", autocomplete: "username", value: email, errors }
                TextField { id: "password", label: "Mot de passe", kind: "password", autocomplete: "current-password", value: password, errors }
                if let Some(message) = message() {
                    div { class: "fr-alert fr-alert--error fr-alert--sm", role: "alert", p { "{message}" } }
                }
                button { class: "fr-btn", r#type: "submit", "Se connecter" }
            }
            p { "Pas encore de compte ? "
                Link { to: Route::Inscription {}, "Créer un compte" }
            }
        }
    }
}
