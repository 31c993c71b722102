//! Login page.

use dioxus::fullstack::Json;
use dioxus::prelude::*;

use super::components::TextField;
use super::Route;
use crate::api;
use crate::domain::{Credentials, FieldErrors};

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
                    navigator().replace(Route::Saisie {});
                }
                Err(error) => message.set(Some(error.to_string())),
            }
        });
    };

    rsx! {
        main { class: "page etroite",
            h1 { "Conum" }
            p { class: "sous-titre", "Le suivi d'activité des conseillers numériques" }
            form { onsubmit: submit, "aria-labelledby": "titre-connexion",
                h2 { id: "titre-connexion", "Se connecter" }
                TextField { id: "email", label: "Adresse e-mail", kind: "email", autocomplete: "username", value: email, errors }
                TextField { id: "password", label: "Mot de passe", kind: "password", autocomplete: "current-password", value: password, errors }
                if let Some(message) = message() {
                    p { class: "erreur", role: "alert", "{message}" }
                }
                button { class: "bouton principal", r#type: "submit", "Se connecter" }
            }
            p { "Pas encore de compte ? "
                Link { to: Route::Inscription {}, "Créer un compte" }
            }
        }
    }
}
