//! Profil: the conseiller's details (the form's defaults), password, logout.

use dioxus::fullstack::Json;
use dioxus::prelude::*;

use super::communes::CommunePicker;
use super::components::{FieldMessage, TextField};
use super::session::{self, current_profil, set_profil};
use super::Route;
use crate::api::{self, ApiError};
use crate::domain::admission::Mutualisation;
use crate::domain::{
    AccountDeletion, Commune, ConseillerId, FieldErrors, PasswordChange, ProfilDetails, ProfilInput,
};
use crate::offline::network::{self, within};
use crate::offline::phone::SessionEnd;
use crate::offline::{outbox, phone};

#[component]
pub fn MonProfil() -> Element {
    let profil = current_profil();
    rsx! {
        h1 { "Mon profil" }
        p { class: "fr-hint-text", "Connecté avec {profil.email}" }
        PooledFigures { mutualisation: profil.mutualisation }
        DetailsForm { details: profil.details.clone() }
        MaStructure {}
        Consultations {}
        MesLiens {}
        PasswordForm {}
        section { class: "groupe", "aria-labelledby": "titre-donnees",
            h2 { id: "titre-donnees", "Mes données" }
            p { "Votre profil et tous vos accompagnements, dans un fichier." }
            div { class: "actions",
                a { class: "fr-btn fr-btn--secondary", download: "conum_mes_donnees.csv",
                    href: "/api/moi/donnees.csv", "Télécharger mes données (CSV)" }
                a { class: "fr-btn fr-btn--secondary", download: "conum_mes_donnees.xlsx",
                    href: "/api/moi/donnees.xlsx", "Télécharger mes données (Excel)" }
                a { class: "fr-btn fr-btn--secondary", download: "conum_mes_donnees.json",
                    href: "/api/moi/donnees.json", "Télécharger mes données (JSON)" }
            }
        }
        DeleteAccount { owner: profil.id.clone() }
        section { class: "groupe", "aria-labelledby": "titre-deconnexion",
            h2 { id: "titre-deconnexion", "Déconnexion" }
            button { r#type: "button", class: "fr-btn fr-btn--secondary",
                onclick: move |_| async move {
                    session::log_out().await;
                    navigator().replace(Route::Connexion {});
                },
                "Se déconnecter" }
        }
    }
}

/// Whether the conseiller's records count in the pooled figures of their région, and what to
/// do when they do not.
#[component]
fn PooledFigures(mutualisation: Mutualisation) -> Element {
    let mut sent = use_signal(|| None::<Result<(), ApiError>>);
    let send = move |_| {
        spawn(async move {
            sent.set(Some(
                within(network::WRITE, api::send_address_confirmation()).await,
            ));
        });
    };
    rsx! {
        section { class: "groupe", "aria-labelledby": "titre-mutualisation",
            h2 { id: "titre-mutualisation", "Chiffres mis en commun" }
            match mutualisation {
                Mutualisation::Comptee => rsx! {
                    p { "Vos comptes rendus comptent dans les chiffres de votre département et de votre région, mis en commun : jamais en votre nom." }
                },
                Mutualisation::AdresseAConfirmer => rsx! {
                    p { "Confirmez votre adresse e-mail pour que vos comptes rendus comptent dans les chiffres de votre région (jamais en votre nom)." }
                    match sent() {
                        Some(Ok(())) => rsx! {
                            div { class: "fr-alert fr-alert--success fr-alert--sm", role: "status",
                                p { "Un lien de confirmation vient d'être envoyé à votre adresse : il est valable deux jours." }
                            }
                        },
                        Some(Err(error)) => rsx! {
                            p { class: "fr-error-text", role: "alert", "{error}" }
                        },
                        None => rsx! {},
                    }
                    button { r#type: "button", class: "fr-btn fr-btn--secondary", onclick: send,
                        "Recevoir le lien de confirmation" }
                },
                Mutualisation::NonAdmise | Mutualisation::Desactivee => rsx! {
                    p { "Vos comptes rendus ne comptent pas dans les chiffres mis en commun : ils sont réservés aux conseillers numériques invités par le programme. Demandez une invitation à l'équipe du programme." }
                },
            }
        }
    }
}

#[component]
fn DetailsForm(details: ProfilDetails) -> Element {
    let prenom = use_signal(|| details.prenom.clone());
    let nom = use_signal(|| details.nom.clone());
    let structure = use_signal(|| details.structure.clone());
    let mut departement = use_signal(|| details.departement.clone());
    let mut commune = use_signal(|| details.commune.clone());
    let mut picking = use_signal(|| false);
    let mut errors = use_signal(FieldErrors::new);
    let mut message = use_signal(|| None::<(bool, String)>);

    let submit = move |event: FormEvent| {
        event.prevent_default();
        let input = ProfilInput {
            prenom: prenom(),
            nom: nom(),
            structure: structure(),
            commune: commune().into(),
            departement: departement(),
        };
        if let Err(found) = ProfilDetails::parse(input.clone()) {
            errors.set(found);
            message.set(Some((false, "Certains champs sont à corriger.".into())));
            return;
        }
        spawn(async move {
            match within(network::WRITE, api::update_profil(Json(input))).await {
                Ok(profil) => {
                    errors.set(FieldErrors::new());
                    message.set(Some((true, "Profil enregistré.".into())));
                    set_profil(profil);
                }
                Err(ApiError::Invalid { errors: found }) => {
                    errors.set(found);
                    message.set(Some((false, "Certains champs sont à corriger.".into())));
                }
                Err(error) => message.set(Some((false, error.to_string()))),
            }
        });
    };

    rsx! {
        form { class: "groupe", onsubmit: submit, "aria-labelledby": "titre-details",
            h2 { id: "titre-details", "Mes informations" }
            TextField { id: "prenom", label: "Prénom", autocomplete: "given-name", value: prenom, errors }
            TextField { id: "nom", label: "Nom", autocomplete: "family-name", value: nom, errors }
            TextField { id: "structure", label: "Structure d'accueil", autocomplete: "organization", value: structure, errors }
            fieldset { class: "fr-fieldset groupe", id: "champ-commune",
                legend { class: "fr-fieldset__legend", "Commune de rattachement" }
                p { class: "commune-choisie", strong { "{commune().nom()}" } " ({commune().code_postal()})" }
                if picking() {
                    CommunePicker {
                        id: "profil-commune",
                        suggestions: vec![],
                        on_pick: move |c: Commune| {
                            // The département follows the commune de rattachement.
                            departement.set(c.departement().to_owned());
                            commune.set(c);
                            picking.set(false);
                        },
                        on_cancel: move |_| picking.set(false),
                    }
                } else {
                    button { r#type: "button", class: "fr-btn fr-btn--secondary fr-btn--sm",
                        onclick: move |_| picking.set(true), "Changer de commune" }
                }
                FieldMessage { errors, field: "commune" }
            }
            TextField { id: "departement", label: "Département", hint: "Son numéro, par exemple 69, 2A ou 974", value: departement, errors }
            if let Some((ok, text)) = message() {
                div { class: if ok { "fr-alert fr-alert--success fr-alert--sm" } else { "fr-alert fr-alert--error fr-alert--sm" },
                    role: "status", p { "{text}" } }
            }
            button { class: "fr-btn", r#type: "submit", "Enregistrer mon profil" }
        }
    }
}

#[component]
fn PasswordForm() -> Element {
    let mut actuel = use_signal(String::new);
    let mut nouveau = use_signal(String::new);
    let mut errors = use_signal(FieldErrors::new);
    let mut message = use_signal(|| None::<(bool, String)>);

    let submit = move |event: FormEvent| {
        event.prevent_default();
        let change = PasswordChange {
            actuel: actuel(),
            nouveau: nouveau(),
        };
        if let Err(found) = change.check() {
            errors.set(found);
            return;
        }
        spawn(async move {
            match within(network::WRITE, api::change_password(Json(change))).await {
                Ok(()) => {
                    errors.set(FieldErrors::new());
                    actuel.set(String::new());
                    nouveau.set(String::new());
                    message.set(Some((
                        true,
                        "Mot de passe changé. Vos autres appareils sont déconnectés.".into(),
                    )));
                }
                Err(ApiError::Invalid { errors: found }) => {
                    errors.set(found);
                    message.set(None);
                }
                Err(error) => message.set(Some((false, error.to_string()))),
            }
        });
    };

    rsx! {
        form { class: "groupe", onsubmit: submit, "aria-labelledby": "titre-mot-de-passe",
            h2 { id: "titre-mot-de-passe", "Changer de mot de passe" }
            TextField { id: "actuel", label: "Mot de passe actuel", kind: "password", autocomplete: "current-password", value: actuel, errors }
            TextField { id: "nouveau", label: "Nouveau mot de passe", hint: "12 caractères au moins", kind: "password", autocomplete: "new-password", value: nouveau, errors }
            if let Some((ok, text)) = message() {
                div { class: if ok { "fr-alert fr-alert--success fr-alert--sm" } else { "fr-alert fr-alert--error fr-alert--sm" },
                    role: "status", p { "{text}" } }
            }
            button { class: "fr-btn", r#type: "submit", "Changer le mot de passe" }
        }
    }
}

/// "Supprimer mon compte": the password confirms; the account, every record and every
/// session are deleted.
#[component]
fn DeleteAccount(owner: ConseillerId) -> Element {
    let password = use_signal(String::new);
    let mut errors = use_signal(FieldErrors::new);
    let mut message = use_signal(|| None::<String>);

    let submit = move |event: FormEvent| {
        event.prevent_default();
        let owner = owner.clone();
        let input = AccountDeletion {
            password: password(),
        };
        spawn(async move {
            match within(network::WRITE, api::delete_account(Json(input))).await {
                Ok(()) => {
                    // Nothing of this account may stay on the phone, nor leave it later.
                    let _ = outbox::forget(&owner).await;
                    phone::end_session(SessionEnd::Deleted).await;
                    *session::ACCOUNT_DELETED.write() = true;
                    navigator().replace(Route::Connexion {});
                }
                Err(ApiError::Invalid { errors: found }) => {
                    errors.set(found);
                    message.set(None);
                }
                Err(error) => message.set(Some(error.to_string())),
            }
        });
    };

    rsx! {
        form { class: "groupe", onsubmit: submit, "aria-labelledby": "titre-suppression-compte",
            h2 { id: "titre-suppression-compte", "Supprimer mon compte" }
            p { "Votre compte, votre profil et tous vos accompagnements seront supprimés définitivement. "
                "Téléchargez d'abord vos données si vous voulez les garder." }
            p { "Vos accompagnements ne compteront plus dans les statistiques : les chiffres nationaux et régionaux des périodes passées changeront." }
            TextField { id: "password", label: "Mot de passe, pour confirmer", kind: "password", autocomplete: "current-password", value: password, errors }
            if let Some(text) = message() {
                div { class: "fr-alert fr-alert--error fr-alert--sm", role: "alert", p { "{text}" } }
            }
            button { class: "fr-btn fr-btn--tertiary", r#type: "submit", "Supprimer définitivement mon compte" }
        }
    }
}

/// "Ma structure": the structure d'accueil of the profile as the programme knows it, who
/// coordinates it, and the structures the conseiller coordinates.
#[component]
fn MaStructure() -> Element {
    let mine =
        use_resource(|| async move { session::ask(network::READ, api::ma_structure()).await });
    let read = mine.read();
    rsx! {
        section { class: "groupe", "aria-labelledby": "titre-structure",
            h2 { id: "titre-structure", "Ma structure" }
            match read.as_ref() {
                None => rsx! { p { class: "chargement", "Chargement…" } },
                Some(Err(error)) => rsx! { p { class: "fr-error-text", role: "alert", "{error}" } },
                Some(Ok(mine)) => rsx! {
                    if let Some(s) = &mine.structure {
                        p { class: "ma-structure",
                            "{s.nom} — {s.commune}"
                            if let Some(siret) = &s.siret { " — SIRET {siret}" }
                        }
                        if let Some(depuis) = mine.depuis {
                            p { class: "fr-hint-text", "Depuis le {super::format::date_courte(depuis)}." }
                        }
                    }
                    if mine.coordinateurs.is_empty() {
                        p { "Personne ne coordonne votre structure dans Conum." }
                    } else {
                        p { class: "coordinateurs",
                            "Coordination : {mine.coordinateurs.join(\", \")}. Elle voit vos chiffres (jamais vos comptes rendus ni vos annotations) ; chaque consultation est listée ci-dessous." }
                    }
                    for s in mine.coordonnees.iter() {
                        p {
                            Link { class: "fr-btn fr-btn--secondary",
                                to: Route::Structure { id: s.id.clone(), du: String::new(), au: String::new(), conseiller: String::new(), commune: String::new(), canal: String::new(), activite: String::new() },
                                "Statistiques de {s.nom}" }
                        }
                    }
                },
            }
        }
    }
}

/// "Qui a consulté mes statistiques": every view a coordinator made of the conseiller's
/// figures, newest first.
#[component]
fn Consultations() -> Element {
    let seen =
        use_resource(|| async move { session::ask(network::READ, api::consultations()).await });
    let read = seen.read();
    rsx! {
        section { class: "groupe", "aria-labelledby": "titre-consultations",
            h2 { id: "titre-consultations", "Qui a consulté mes statistiques" }
            match read.as_ref() {
                None => rsx! { p { class: "chargement", "Chargement…" } },
                Some(Err(error)) => rsx! { p { class: "fr-error-text", role: "alert", "{error}" } },
                Some(Ok(list)) if list.is_empty() => rsx! {
                    p { "Personne n'a consulté vos statistiques." }
                },
                Some(Ok(list)) => rsx! {
                    ul { class: "consultations",
                        for (i, c) in list.iter().enumerate() {
                            li { key: "{i}",
                                strong { "{c.par}" }
                                " ({c.structure}), le {super::format::moment(c.le)} : {c.objet}"
                            }
                        }
                    }
                },
            }
        }
    }
}

/// The read-only links the conseiller made, each revocable.
#[component]
fn MesLiens() -> Element {
    let mut links = use_resource(|| async move { session::ask(network::READ, api::links()).await });
    let mut failed = use_signal(|| None::<ApiError>);
    let read = links.read();
    rsx! {
        section { class: "groupe", "aria-labelledby": "titre-liens",
            h2 { id: "titre-liens", "Mes liens de consultation" }
            if let Some(error) = failed() {
                p { class: "fr-error-text", role: "alert", "{error}" }
            }
            match read.as_ref() {
                None => rsx! { p { class: "chargement", "Chargement…" } },
                Some(Err(error)) => rsx! { p { class: "fr-error-text", role: "alert", "{error}" } },
                Some(Ok(list)) if list.is_empty() => rsx! {
                    p { "Aucun lien. « Partager ces chiffres », sous vos statistiques, en crée un." }
                },
                Some(Ok(list)) => rsx! {
                    ul { class: "liens",
                        for link in list.iter() {
                            li { key: "{link.id}",
                                "{link.titre}, du {super::format::date_courte(link.du)} au {super::format::date_courte(link.au)}"
                                if let Some(f) = &link.filtres { " ({f})" }
                                " — "
                                if link.revoque {
                                    "révoqué"
                                } else if link.expire_le <= crate::clock::now() {
                                    "expiré"
                                } else {
                                    "valable jusqu'au {super::format::date_courte(link.expire_le.date_naive())} "
                                    button { r#type: "button", class: "fr-btn fr-btn--tertiary fr-btn--sm",
                                        onclick: {
                                            let id = link.id.clone();
                                            move |_| {
                                                let id = id.clone();
                                                async move {
                                                    match session::ask(network::WRITE, api::revoke_link(id)).await {
                                                        Ok(_) => failed.set(None),
                                                        Err(error) => failed.set(Some(error)),
                                                    }
                                                    links.restart();
                                                }
                                            }
                                        },
                                        "Révoquer" }
                                }
                            }
                        }
                    }
                },
            }
        }
    }
}
