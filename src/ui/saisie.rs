//! The start page once logged in: a plain record form and the list of own records.

use dioxus::fullstack::Json;
use dioxus::prelude::*;
use uuid::Uuid;

use super::components::FieldMessage;
use super::session::{use_profil, ProfilState};
use super::today::today_in_paris;
use super::Route;
use crate::api::{self, ApiError, ListQuery, StoredAccompagnement};
use crate::domain::accompagnement::SuiviInput;
use crate::domain::vocabulary::{Activite, Canal, Statut, Thematique, TrancheAge};
use crate::domain::{Accompagnement, AccompagnementInput, FieldErrors, Profil};

#[component]
pub fn Saisie() -> Element {
    let profil = use_profil();
    let saved = use_signal(|| 0u32);

    let log_out = move |_| async move {
        // Whatever the answer, the cookie is gone or useless: go to the login page.
        let _ = api::log_out().await;
        navigator().replace(Route::Connexion {});
    };

    match profil() {
        ProfilState::Loading => rsx! {
            main { class: "page", p { "Chargement…" } }
        },
        ProfilState::Failed(message) => rsx! {
            main { class: "page", p { class: "erreur", role: "alert", "{message}" } }
        },
        ProfilState::Ready(profil) => rsx! {
            header { class: "bandeau",
                span { "Conum — {profil.prenom} {profil.nom}" }
                button { class: "bouton", onclick: log_out, "Se déconnecter" }
            }
            main { class: "page",
                RecordForm { profil: profil.clone(), saved }
                RecordList { saved }
            }
        },
    }
}

fn blank_record(profil: &Profil) -> AccompagnementInput {
    AccompagnementInput {
        date: today_in_paris().to_string(),
        activite: Activite::Individuel.code().into(),
        participants: 1,
        commune: profil.commune.clone().into(),
        canal: Canal::Rattachement.code().into(),
        duree_minutes: 30,
        ..AccompagnementInput::default()
    }
}

fn number(text: &str) -> i64 {
    text.trim().parse().unwrap_or(0)
}

#[component]
fn RecordForm(profil: Profil, saved: Signal<u32>) -> Element {
    let mut record = use_signal({
        let profil = profil.clone();
        move || blank_record(&profil)
    });
    let mut errors = use_signal(FieldErrors::new);
    let mut message = use_signal(|| None::<String>);

    let submit = move |event: FormEvent| {
        event.prevent_default();
        let mut input = record();
        input.id = Uuid::now_v7().to_string();
        if let Err(found) = Accompagnement::parse(input.clone(), today_in_paris()) {
            errors.set(found);
            message.set(Some("Certains champs sont à corriger.".into()));
            return;
        }
        let profil = profil.clone();
        spawn(async move {
            match api::create_accompagnement(Json(input)).await {
                Ok(_) => {
                    errors.set(FieldErrors::new());
                    message.set(Some("Accompagnement enregistré".into()));
                    record.set(blank_record(&profil));
                    saved += 1;
                }
                Err(ApiError::Invalid { errors: found }) => {
                    errors.set(found);
                    message.set(Some("Certains champs sont à corriger.".into()));
                }
                Err(error) => message.set(Some(error.to_string())),
            }
        });
    };

    let current = record();
    let dimension_total =
        |counts: &std::collections::BTreeMap<String, i64>| -> i64 { counts.values().sum() };
    rsx! {
        form { class: "saisie", onsubmit: submit, "aria-labelledby": "titre-saisie",
            h1 { id: "titre-saisie", "Nouvel accompagnement" }

            div { class: "champ",
                label { r#for: "date", "Date" }
                input { id: "date", r#type: "date", value: "{current.date}",
                    oninput: move |e| record.write().date = e.value() }
                FieldMessage { errors, field: "date" }
            }

            fieldset {
                legend { "Activité" }
                for activite in Activite::ALL.iter().copied() {
                    label { class: "choix",
                        input { r#type: "radio", name: "activite", value: activite.code(),
                            checked: current.activite == activite.code(),
                            onchange: move |_| {
                                let mut r = record.write();
                                r.activite = activite.code().into();
                                r.participants = activite.default_participants().into();
                            }
                        }
                        "{activite.label()}"
                    }
                }
                FieldMessage { errors, field: "activite" }
            }

            div { class: "champ",
                label { r#for: "participants", "Nombre de participants" }
                input { id: "participants", r#type: "number", min: "1", max: "100",
                    value: "{current.participants}",
                    oninput: move |e| record.write().participants = number(&e.value()) }
                FieldMessage { errors, field: "participants" }
            }

            div { class: "champ",
                label { r#for: "deja_accompagnes", "Dont déjà accompagnés (facultatif)" }
                input { id: "deja_accompagnes", r#type: "number", min: "0",
                    value: current.deja_accompagnes.map(|n| n.to_string()).unwrap_or_default(),
                    oninput: move |e| {
                        let text = e.value();
                        record.write().deja_accompagnes = (!text.trim().is_empty()).then(|| number(&text));
                    }
                }
                FieldMessage { errors, field: "deja_accompagnes" }
            }

            fieldset {
                legend { "Commune" }
                div { class: "champ",
                    label { r#for: "commune_nom", "Nom" }
                    input { id: "commune_nom", value: "{current.commune.nom}",
                        oninput: move |e| record.write().commune.nom = e.value() }
                }
                div { class: "champ",
                    label { r#for: "commune_insee", "Code INSEE" }
                    input { id: "commune_insee", value: "{current.commune.insee}",
                        oninput: move |e| record.write().commune.insee = e.value() }
                }
                div { class: "champ",
                    label { r#for: "commune_code_postal", "Code postal" }
                    input { id: "commune_code_postal", value: "{current.commune.code_postal}",
                        oninput: move |e| record.write().commune.code_postal = e.value() }
                }
                FieldMessage { errors, field: "commune" }
            }

            fieldset {
                legend { "Lieu de l'accompagnement" }
                for canal in Canal::ALL.iter().copied() {
                    label { class: "choix",
                        input { r#type: "radio", name: "canal", value: canal.code(),
                            checked: current.canal == canal.code(),
                            onchange: move |_| record.write().canal = canal.code().into() }
                        "{canal.label()}"
                    }
                }
                FieldMessage { errors, field: "canal" }
            }

            fieldset {
                legend { "Tranches d'âge (nombre de personnes, total {dimension_total(&current.ages)})" }
                for age in TrancheAge::ALL.iter().copied() {
                    div { class: "champ compteur",
                        label { r#for: "age-{age.code()}", "{age.label()}" }
                        input { id: "age-{age.code()}", r#type: "number", min: "0",
                            value: current.ages.get(age.code()).copied().unwrap_or(0).to_string(),
                            oninput: move |e| { record.write().ages.insert(age.code().into(), number(&e.value())); } }
                    }
                }
                FieldMessage { errors, field: "ages" }
            }

            fieldset {
                legend { "Statuts (nombre de personnes, total {dimension_total(&current.statuts)})" }
                for statut in Statut::ALL.iter().copied() {
                    div { class: "champ compteur",
                        label { r#for: "statut-{statut.code()}", "{statut.label()}" }
                        input { id: "statut-{statut.code()}", r#type: "number", min: "0",
                            value: current.statuts.get(statut.code()).copied().unwrap_or(0).to_string(),
                            oninput: move |e| { record.write().statuts.insert(statut.code().into(), number(&e.value())); } }
                    }
                }
                FieldMessage { errors, field: "statuts" }
            }

            fieldset {
                legend { "Thématiques" }
                for theme in Thematique::ALL.iter().copied() {
                    label { class: "choix",
                        input { r#type: "checkbox", value: theme.code(),
                            checked: current.thematiques.iter().any(|t| t == theme.code()),
                            onchange: move |e| {
                                let mut r = record.write();
                                r.thematiques.retain(|t| t != theme.code());
                                if e.checked() {
                                    r.thematiques.push(theme.code().into());
                                }
                            }
                        }
                        "{theme.label()}"
                    }
                }
                FieldMessage { errors, field: "thematiques" }
            }

            div { class: "champ",
                label { r#for: "duree_minutes", "Durée (minutes)" }
                input { id: "duree_minutes", r#type: "number", min: "1", max: "480",
                    value: "{current.duree_minutes}",
                    oninput: move |e| record.write().duree_minutes = number(&e.value()) }
                FieldMessage { errors, field: "duree_minutes" }
            }

            fieldset {
                legend { "Suivi (facultatif)" }
                for (key, label) in [("individuel", "Suivi individuel"), ("atelier", "Suivi en atelier"), ("redirection", "Redirigés")] {
                    div { class: "champ compteur",
                        label { r#for: "suivi-{key}", "{label}" }
                        input { id: "suivi-{key}", r#type: "number", min: "0",
                            value: {
                                let suivi = current.suivi.clone().unwrap_or_default();
                                match key { "individuel" => suivi.individuel, "atelier" => suivi.atelier, _ => suivi.redirection }.to_string()
                            },
                            oninput: move |e| {
                                let n = number(&e.value());
                                let mut r = record.write();
                                let suivi = r.suivi.get_or_insert_with(SuiviInput::default);
                                match key { "individuel" => suivi.individuel = n, "atelier" => suivi.atelier = n, _ => suivi.redirection = n }
                            }
                        }
                    }
                }
                FieldMessage { errors, field: "suivi" }
                FieldMessage { errors, field: "redirections" }
            }

            div { class: "champ",
                label { r#for: "annotation", "Annotation (facultatif)" }
                p { class: "aide", id: "aide-annotation",
                    "N'écrivez aucune donnée personnelle ou sensible sur la personne accompagnée." }
                textarea { id: "annotation", maxlength: "280", "aria-describedby": "aide-annotation",
                    value: current.annotation.clone().unwrap_or_default(),
                    oninput: move |e| record.write().annotation = Some(e.value()) }
                FieldMessage { errors, field: "annotation" }
            }

            FieldMessage { errors, field: "id" }
            if let Some(message) = message() {
                p { class: "statut", role: "status", "{message}" }
            }
            button { class: "bouton principal", r#type: "submit", "Enregistrer" }
        }
    }
}

#[component]
fn RecordList(saved: Signal<u32>) -> Element {
    let records = use_resource(move || async move {
        saved();
        api::list_accompagnements(ListQuery::default()).await
    });
    rsx! {
        section { class: "historique", "aria-labelledby": "titre-historique",
            h2 { id: "titre-historique", "Mes accompagnements" }
            match &*records.read() {
                None => rsx! { p { "Chargement…" } },
                Some(Err(error)) => rsx! { p { class: "erreur", role: "alert", "{error}" } },
                Some(Ok(page)) if page.items.is_empty() => rsx! { p { "Aucun accompagnement enregistré pour l'instant." } },
                Some(Ok(page)) => rsx! {
                    p { "{page.total} accompagnement(s)" }
                    ul { class: "liste",
                        for stored in page.items.iter() {
                            RecordLine { key: "{stored.accompagnement.id()}", stored: stored.clone() }
                        }
                    }
                },
            }
        }
    }
}

#[component]
fn RecordLine(stored: StoredAccompagnement) -> Element {
    let a = &stored.accompagnement;
    let date = a.date().format("%d/%m/%Y").to_string();
    let themes: Vec<&str> = a.thematiques().iter().map(|t| t.label()).collect();
    rsx! {
        li { class: "accompagnement",
            strong { "{date} — {a.activite().label()}" }
            span { " · {a.participants()} participant(s) · {a.commune().display_name()} · {a.duree_minutes()} min" }
            div { class: "themes", "{themes.join(\", \")}" }
        }
    }
}
