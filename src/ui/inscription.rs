//! Sign-up page.

use dioxus::fullstack::Json;
use dioxus::prelude::*;

use super::components::TextField;
use super::Route;
use crate::api::{self, ApiError};
use crate::domain::{CommuneInput, FieldErrors, NewConseiller, SignupInput};

#[component]
pub fn Inscription() -> Element {
    let email = use_signal(String::new);
    let password = use_signal(String::new);
    let prenom = use_signal(String::new);
    let nom = use_signal(String::new);
    let structure = use_signal(String::new);
    let commune_nom = use_signal(String::new);
    let commune_insee = use_signal(String::new);
    let code_postal = use_signal(String::new);
    let departement = use_signal(String::new);
    let mut errors = use_signal(FieldErrors::new);
    let mut message = use_signal(|| None::<String>);

    let submit = move |event: FormEvent| {
        event.prevent_default();
        let input = SignupInput {
            email: email(),
            password: password(),
            prenom: prenom(),
            nom: nom(),
            structure: structure(),
            commune: CommuneInput {
                insee: commune_insee(),
                nom: commune_nom(),
                code_postal: code_postal(),
            },
            departement: departement(),
        };
        // Same rules as the server, checked here first for an instant answer.
        if let Err(found) = NewConseiller::parse(input.clone()) {
            errors.set(found);
            message.set(Some("Certains champs sont à corriger.".into()));
            return;
        }
        spawn(async move {
            match api::sign_up(Json(input)).await {
                Ok(_) => {
                    navigator().replace(Route::Saisie {});
                }
                Err(ApiError::Invalid { errors: found }) => {
                    errors.set(found);
                    message.set(Some("Certains champs sont à corriger.".into()));
                }
                Err(error) => message.set(Some(error.to_string())),
            }
        });
    };

    rsx! {
        main { class: "page etroite",
            h1 { "Créer un compte" }
            form { onsubmit: submit,
                TextField { id: "email", label: "Adresse e-mail", kind: "email", autocomplete: "username", value: email, errors }
                TextField { id: "password", label: "Mot de passe (12 caractères au moins)", kind: "password", autocomplete: "new-password", value: password, errors }
                TextField { id: "prenom", label: "Prénom", autocomplete: "given-name", value: prenom, errors }
                TextField { id: "nom", label: "Nom", autocomplete: "family-name", value: nom, errors }
                TextField { id: "structure", label: "Structure d'accueil", autocomplete: "organization", value: structure, errors }
                fieldset {
                    legend { "Commune de rattachement" }
                    TextField { id: "commune_nom", label: "Nom de la commune", value: commune_nom, errors }
                    TextField { id: "commune_insee", label: "Code INSEE", value: commune_insee, errors }
                    TextField { id: "commune_code_postal", label: "Code postal", autocomplete: "postal-code", value: code_postal, errors }
                    super::components::FieldMessage { errors, field: "commune" }
                }
                TextField { id: "departement", label: "Département (numéro)", value: departement, errors }
                if let Some(message) = message() {
                    p { class: "erreur", role: "alert", "{message}" }
                }
                button { class: "bouton principal", r#type: "submit", "Créer mon compte" }
            }
            p { "Déjà un compte ? "
                Link { to: Route::Connexion {}, "Se connecter" }
            }
        }
    }
}
