//! Sign-up page.

use dioxus::prelude::*;

use super::communes::{use_communes_loader, CommunePicker};
use super::components::{FieldMessage, TextField};
use super::session;
use super::Route;
use crate::api::ApiError;
use crate::domain::{Commune, CommuneInput, FieldErrors, NewConseiller, ProfilInput, SignupInput};

#[component]
pub fn Inscription() -> Element {
    use_communes_loader();
    let email = use_signal(String::new);
    let password = use_signal(String::new);
    let prenom = use_signal(String::new);
    let nom = use_signal(String::new);
    let structure = use_signal(String::new);
    let mut commune = use_signal(|| None::<Commune>);
    let mut departement = use_signal(String::new);
    let mut errors = use_signal(FieldErrors::new);
    let mut message = use_signal(|| None::<String>);

    let submit = move |event: FormEvent| {
        event.prevent_default();
        let input = SignupInput::new(
            email(),
            password(),
            ProfilInput {
                prenom: prenom(),
                nom: nom(),
                structure: structure(),
                commune: commune().map(CommuneInput::from).unwrap_or_default(),
                departement: departement(),
            },
        );
        // Same rules as the server, checked here first for an instant answer.
        if let Err(found) = NewConseiller::parse(input.clone()) {
            errors.set(found);
            message.set(Some("Certains champs sont à corriger.".into()));
            return;
        }
        spawn(async move {
            match session::sign_up(input).await {
                Ok(()) => {
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
            p { class: "marque-accueil", "Conum" }
            form { onsubmit: submit, "aria-labelledby": "titre-inscription",
                h1 { id: "titre-inscription", "Créer un compte" }
                TextField { id: "email", label: "Adresse e-mail", kind: "email", autocomplete: "username", value: email, errors }
                TextField { id: "password", label: "Mot de passe", hint: "12 caractères au moins", kind: "password", autocomplete: "new-password", value: password, errors }
                TextField { id: "prenom", label: "Prénom", autocomplete: "given-name", value: prenom, errors }
                TextField { id: "nom", label: "Nom", autocomplete: "family-name", value: nom, errors }
                TextField { id: "structure", label: "Structure d'accueil", autocomplete: "organization", value: structure, errors }
                fieldset { class: "fr-fieldset groupe", id: "champ-commune",
                    legend { class: "fr-fieldset__legend", "Commune de rattachement" }
                    match commune() {
                        Some(c) => rsx! {
                            p { class: "commune-choisie", strong { "{c.nom()}" } " ({c.code_postal()})" }
                            button { r#type: "button", class: "fr-btn fr-btn--secondary fr-btn--sm",
                                onclick: move |_| commune.set(None), "Changer de commune" }
                        },
                        None => rsx! {
                            CommunePicker {
                                id: "inscription-commune",
                                suggestions: vec![],
                                on_pick: move |c: Commune| {
                                    departement.set(c.departement().to_owned());
                                    commune.set(Some(c));
                                },
                            }
                        },
                    }
                    FieldMessage { errors, field: "commune" }
                }
                TextField { id: "departement", label: "Département", hint: "Son numéro, par exemple 69, 2A ou 974", value: departement, errors }
                if let Some(message) = message() {
                    div { class: "fr-alert fr-alert--error fr-alert--sm", role: "alert", p { "{message}" } }
                }
                button { class: "fr-btn", r#type: "submit", "Créer mon compte" }
            }
            p { "Déjà un compte ? "
                Link { to: Route::Connexion {}, "Se connecter" }
            }
        }
    }
}
