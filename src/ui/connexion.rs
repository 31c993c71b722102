//! Login page.

use dioxus::prelude::*;

use super::components::TextField;
use super::session::{self, ACCOUNT_DELETED, SESSION_EXPIRED};
use super::Route;
use crate::domain::{Credentials, FieldErrors};
use crate::offline::outbox;

#[component]
pub fn Connexion() -> Element {
    let email = use_signal(String::new);
    let password = use_signal(String::new);
    let errors = use_signal(FieldErrors::new);
    let mut message = use_signal(|| None::<String>);
    // Changes made on this phone by a conseiller whose session ended: they leave once that
    // conseiller logs in again (and never with anyone else's session).
    let sealed = use_resource(outbox::sealed);
    // A logout made here (or offline, earlier) reaches the server.
    use_future(session::finish_logout);

    let submit = move |event: FormEvent| {
        event.prevent_default();
        spawn(async move {
            let credentials = Credentials {
                email: email(),
                password: password(),
            };
            match session::log_in(credentials).await {
                Ok(()) => {
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
                if ACCOUNT_DELETED() {
                    div { class: "fr-alert fr-alert--success fr-alert--sm", role: "status",
                        p { "Votre compte et tous vos accompagnements sont supprimés." }
                    }
                }
                if SESSION_EXPIRED() {
                    div { class: "fr-alert fr-alert--warning fr-alert--sm", role: "status",
                        p { "Votre session a expiré : reconnectez-vous." }
                    }
                }
                if let Some(n) = sealed().filter(|n| *n > 0) {
                    div { class: "fr-alert fr-alert--info fr-alert--sm", role: "status",
                        p { "{n} accompagnement(s) saisi(s) sur ce téléphone attendent d'être envoyés : ils partiront quand leur auteur se reconnectera." }
                    }
                }
                TextField { id: "email", label: "Adresse e-mail", kind: "email", autocomplete: "username", value: email, errors }
                TextField { id: "password", label: "Mot de passe", kind: "password", autocomplete: "current-password", value: password, errors }
                if let Some(message) = message() {
                    div { class: "fr-alert fr-alert--error fr-alert--sm", role: "alert", p { "{message}" } }
                }
                button { class: "fr-btn", r#type: "submit", "Se connecter" }
            }
            p { Link { to: Route::MotDePasseOublie {}, "Mot de passe oublié ?" } }
            p { "Pas encore de compte ? "
                Link { to: Route::Inscription { invitation: String::new() }, "Créer un compte" }
            }
        }
    }
}
