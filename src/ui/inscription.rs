//! Sign-up, and the mailed links that prove an address: an invitation's link fills the form
//! in and opens the account at once; otherwise the account opens when the link sent to the
//! address is followed (`ConfirmerAdresse`).

use dioxus::fullstack::Json;
use dioxus::prelude::*;

use super::communes::{use_communes_loader, CommunePicker};
use super::components::{FieldMessage, TextField};
use super::session;
use super::Route;
use crate::api::{self, ApiError, Confirmed, InvitationDetails, Jeton, SignUpAnswer};
use crate::domain::admission::Mutualisation;
use crate::domain::{Commune, CommuneInput, FieldErrors, NewConseiller, ProfilInput, SignupInput};
use crate::offline::network::{self, within};

#[component]
pub fn Inscription(invitation: String) -> Element {
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
    let sent_to = use_signal(|| None::<String>);
    let invited = use_invitation(invitation.clone());
    let invited_address = invited.read().as_ref().and_then(|d| d.email.clone());
    use_effect(move || {
        if let Some(details) = invited() {
            fill_in(&details, email, prenom, nom, structure);
            if let Some(c) = details.commune.and_then(|c| Commune::try_from(c).ok()) {
                departement.set(c.departement().to_owned());
                commune.set(Some(c));
            }
        }
    });

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
            invitation.clone(),
        );
        // Same rules as the server, checked here first for an instant answer.
        if let Err(found) = NewConseiller::parse(input.clone()) {
            errors.set(found);
            message.set(Some("Certains champs sont à corriger.".into()));
            return;
        }
        spawn(sign_up(input, errors, message, sent_to));
    };

    if let Some(address) = sent_to() {
        return rsx! { LinkSent { address } };
    }

    rsx! {
        main { class: "page etroite",
            p { class: "marque-accueil", "Conum" }
            form { onsubmit: submit, "aria-labelledby": "titre-inscription",
                h1 { id: "titre-inscription", "Créer un compte" }
                if invited_address.is_some() {
                    p { class: "fr-hint-text", "Le programme vous invite : vérifiez les champs et choisissez un mot de passe." }
                } else {
                    p { class: "fr-hint-text", "Conum est réservé aux conseillers numériques : inscrivez-vous depuis le lien de votre invitation, ou avec votre adresse professionnelle. Un lien de confirmation vous sera envoyé." }
                }
                TextField { id: "email", label: "Adresse e-mail", kind: "email", autocomplete: "username",
                    readonly: invited_address.is_some(), value: email, errors }
                TextField { id: "password", label: "Mot de passe", hint: "12 caractères au moins", kind: "password", autocomplete: "new-password", value: password, errors }
                TextField { id: "prenom", label: "Prénom", autocomplete: "given-name", value: prenom, errors }
                TextField { id: "nom", label: "Nom", autocomplete: "family-name", value: nom, errors }
                TextField { id: "structure", label: "Structure d'accueil", autocomplete: "organization", value: structure, errors }
                HomeCommune { commune, departement, errors }
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

/// Sends the sign-up: logged in at once (an invitation), or a link mailed to confirm the
/// address; the server's messages otherwise.
async fn sign_up(
    input: SignupInput,
    mut errors: Signal<FieldErrors>,
    mut message: Signal<Option<String>>,
    mut sent_to: Signal<Option<String>>,
) {
    match session::sign_up(input).await {
        Ok(SignUpAnswer::Connecte { .. }) => {
            navigator().replace(Route::Saisie {});
        }
        Ok(SignUpAnswer::LienEnvoye { email }) => sent_to.set(Some(email)),
        Err(ApiError::Invalid { errors: found }) => {
            let about_invitation = found.get("invitation").map(str::to_owned);
            errors.set(found);
            message.set(Some(
                about_invitation.unwrap_or_else(|| "Certains champs sont à corriger.".into()),
            ));
        }
        Err(error) => message.set(Some(error.to_string())),
    }
}

/// After a sign-up without an invitation: the link to confirm the address is on its way.
#[component]
fn LinkSent(address: String) -> Element {
    rsx! {
        main { class: "page etroite",
            p { class: "marque-accueil", "Conum" }
            h1 { "Vérifiez votre messagerie" }
            div { class: "fr-alert fr-alert--success", role: "status",
                p { "Un lien pour ouvrir votre compte a été envoyé à {address}. Il est valable deux jours." }
            }
            p { "Vous ne le trouvez pas ? Regardez dans les indésirables. Si cette adresse a déjà un compte, le message le dit et propose de choisir un nouveau mot de passe." }
            p { Link { to: Route::Connexion {}, "Aller à la connexion" } }
        }
    }
}

/// The commune de rattachement, chosen in the official list; its département follows.
#[component]
fn HomeCommune(
    commune: Signal<Option<Commune>>,
    departement: Signal<String>,
    errors: ReadSignal<FieldErrors>,
) -> Element {
    rsx! {
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
    }
}

/// What the invitation of the link says, once the server answered (none without one).
fn use_invitation(invitation: String) -> Memo<Option<InvitationDetails>> {
    let details = use_resource(move || {
        let jeton = invitation.clone();
        async move {
            if jeton.is_empty() {
                return None;
            }
            within(
                network::READ,
                api::invitation_details(Json(Jeton { jeton })),
            )
            .await
            .ok()
        }
    });
    use_memo(move || details.read().clone().flatten())
}

fn fill_in(
    details: &InvitationDetails,
    mut email: Signal<String>,
    mut prenom: Signal<String>,
    mut nom: Signal<String>,
    mut structure: Signal<String>,
) {
    for (signal, value) in [
        (&mut email, details.email.clone().unwrap_or_default()),
        (&mut prenom, details.prenom.clone()),
        (&mut nom, details.nom.clone()),
        (&mut structure, details.structure.clone()),
    ] {
        if !value.is_empty() {
            signal.set(value);
        }
    }
}

/// `/adresse/confirmer?jeton=…`, the mailed link: confirms at once (a page, not a plain
/// link to the API, so that a mail scanner fetching the address confirms nothing).
#[component]
pub fn ConfirmerAdresse(jeton: String) -> Element {
    let confirmed = use_resource(move || {
        let jeton = jeton.clone();
        async move { session::confirm_address(jeton).await }
    });
    use_effect(move || {
        if let Some(Ok(Confirmed::CompteOuvert { .. })) = &*confirmed.read() {
            navigator().replace(Route::Saisie {});
        }
    });
    rsx! {
        main { class: "page etroite",
            p { class: "marque-accueil", "Conum" }
            h1 { "Confirmation de votre adresse" }
            match &*confirmed.read() {
                None | Some(Ok(Confirmed::CompteOuvert { .. })) => rsx! {
                    p { class: "chargement", role: "status", "Confirmation en cours…" }
                },
                Some(Ok(Confirmed::AdresseConfirmee { mutualisation })) => rsx! {
                    div { class: "fr-alert fr-alert--success", role: "status",
                        p { "Votre adresse est confirmée." }
                        if *mutualisation == Mutualisation::Comptee {
                            p { "Vos comptes rendus comptent désormais dans les chiffres mis en commun de votre département et de votre région (jamais en votre nom)." }
                        }
                    }
                    p { Link { class: "fr-btn", to: Route::Saisie {}, "Aller à l'accueil" } }
                },
                Some(Err(ApiError::Invalid { errors })) => rsx! {
                    div { class: "fr-alert fr-alert--error", role: "alert",
                        p { "{errors}" }
                    }
                    p { Link { to: Route::Inscription { invitation: String::new() }, "Recommencer l'inscription" } }
                    p { Link { to: Route::Connexion {}, "Aller à la connexion" } }
                },
                Some(Err(error)) => rsx! {
                    div { class: "fr-alert fr-alert--error", role: "alert", p { "{error}" } }
                    p { Link { to: Route::Connexion {}, "Aller à la connexion" } }
                },
            }
        }
    }
}
