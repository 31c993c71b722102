//! "Mot de passe oublié ?": ask for a reset link by mail, then choose a new password with it.

use dioxus::fullstack::Json;
use dioxus::prelude::*;

use super::components::TextField;
use super::Route;
use crate::api::{self, ApiError};
use crate::domain::{FieldErrors, PasswordReset, ResetRequest};
use crate::offline::network::{self, within};

#[component]
pub fn MotDePasseOublie() -> Element {
    let email = use_signal(String::new);
    let errors = use_signal(FieldErrors::new);
    let mut message = use_signal(|| None::<(bool, String)>);

    let submit = move |event: FormEvent| {
        event.prevent_default();
        let input = ResetRequest { email: email() };
        spawn(async move {
            match within(network::WRITE, api::request_password_reset(Json(input))).await {
                Ok(()) => message.set(Some((
                    true,
                    "Si un compte existe pour cette adresse, un e-mail vient de lui être envoyé avec un lien valable une heure.".into(),
                ))),
                Err(error) => message.set(Some((false, error.to_string()))),
            }
        });
    };

    rsx! {
        main { class: "page etroite",
            p { class: "marque-accueil", "Conum" }
            form { onsubmit: submit, "aria-labelledby": "titre-oubli",
                h1 { id: "titre-oubli", "Mot de passe oublié" }
                p { "Indiquez l'adresse e-mail de votre compte : vous recevrez un lien pour choisir un nouveau mot de passe." }
                TextField { id: "email", label: "Adresse e-mail", kind: "email", autocomplete: "username", value: email, errors }
                if let Some((ok, text)) = message() {
                    div { class: if ok { "fr-alert fr-alert--success fr-alert--sm" } else { "fr-alert fr-alert--error fr-alert--sm" },
                        role: "status", p { "{text}" } }
                }
                button { class: "fr-btn", r#type: "submit", "Recevoir le lien" }
            }
            p { Link { to: Route::Connexion {}, "Retour à la connexion" } }
        }
    }
}

#[component]
pub fn NouveauMotDePasse(jeton: String) -> Element {
    let nouveau = use_signal(String::new);
    let mut errors = use_signal(FieldErrors::new);
    let mut message = use_signal(|| None::<(bool, String)>);

    let submit = move |event: FormEvent| {
        event.prevent_default();
        let input = PasswordReset {
            jeton: jeton.clone(),
            nouveau: nouveau(),
        };
        if let Err(found) = input.check() {
            errors.set(found);
            return;
        }
        spawn(async move {
            match within(network::WRITE, api::reset_password(Json(input))).await {
                Ok(()) => {
                    errors.set(FieldErrors::new());
                    message.set(Some((
                        true,
                        "Mot de passe changé : tous vos appareils sont déconnectés. Connectez-vous avec le nouveau mot de passe.".into(),
                    )));
                }
                Err(ApiError::Invalid { errors: found }) => {
                    let token_problem = found.get("jeton").map(str::to_owned);
                    errors.set(found);
                    message.set(token_problem.map(|m| (false, m)));
                }
                Err(error) => message.set(Some((false, error.to_string()))),
            }
        });
    };

    rsx! {
        main { class: "page etroite",
            p { class: "marque-accueil", "Conum" }
            form { onsubmit: submit, "aria-labelledby": "titre-nouveau",
                h1 { id: "titre-nouveau", "Choisir un nouveau mot de passe" }
                TextField { id: "nouveau", label: "Nouveau mot de passe", hint: "12 caractères au moins", kind: "password", autocomplete: "new-password", value: nouveau, errors }
                if let Some((ok, text)) = message() {
                    div { class: if ok { "fr-alert fr-alert--success fr-alert--sm" } else { "fr-alert fr-alert--error fr-alert--sm" },
                        role: "status", p { "{text}" } }
                }
                button { class: "fr-btn", r#type: "submit", "Changer le mot de passe" }
            }
            p { Link { to: Route::Connexion {}, "Aller à la connexion" } }
        }
    }
}
