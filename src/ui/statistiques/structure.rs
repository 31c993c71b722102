//! "Statistiques de ma structure": a coordinator's view of a structure they coordinate — the
//! same figures, charts and exports as "Mes statistiques", pooled over its conseillers (or
//! one of them), and per conseiller and month the comptes rendus and accompagnements the
//! structure reports to the programme. Never a record nor an annotation. Each view is logged
//! for the conseillers it shows, who see it on their profile.

use dioxus::prelude::*;

use super::filtres::{filtres_of, url_of, FilterChoice};
use super::{
    announced_period, date_of, period_or_this_month, print_report, Figures, Periodes, PrintHeader,
    ShareLink,
};
use crate::api::{self, Membre, MoisActivite, NewLink, TeamQuery, TeamStats};
use crate::clock::today_in_paris;
use crate::domain::filtres::Filtres;
use crate::domain::mois::Mois;
use crate::offline::network::{self, RETRY};
use crate::ui::format;
use crate::ui::session::{self, profil_if_loaded};
use crate::ui::Route;

/// What the address says: which structure, period, conseiller and filters.
#[derive(Clone, PartialEq)]
struct Asked {
    id: String,
    du: String,
    au: String,
    conseiller: String,
    filtres: Filtres,
}

impl Asked {
    fn route(&self) -> Route {
        let [commune, canal, activite] = url_of(&self.filtres);
        Route::Structure {
            id: self.id.clone(),
            du: self.du.clone(),
            au: self.au.clone(),
            conseiller: self.conseiller.clone(),
            commune,
            canal,
            activite,
        }
    }
}

#[component]
pub fn Structure(
    id: String,
    du: String,
    au: String,
    conseiller: String,
    filtres: [String; 3],
) -> Element {
    let today = today_in_paris();
    let (du, au) = period_or_this_month(du, au, today);
    let profil = profil_if_loaded();
    let mine = use_resource(|| async move {
        RETRY();
        session::ask(network::READ, api::ma_structure()).await
    });
    let coordonnees = mine
        .read()
        .as_ref()
        .and_then(|m| m.as_ref().ok())
        .map(|m| m.coordonnees.clone());
    // Which structures are theirs could not be asked (offline, the server down).
    let unknown = mine.read().as_ref().and_then(|m| m.as_ref().err().cloned());
    // No structure in the address: the first they coordinate.
    let id = if id.is_empty() {
        coordonnees
            .as_ref()
            .and_then(|c| c.first())
            .map(|s| s.id.clone())
            .unwrap_or_default()
    } else {
        id
    };
    let asked = Asked {
        id: id.clone(),
        du: du.clone(),
        au: au.clone(),
        conseiller: conseiller.clone(),
        filtres: filtres_of(&filtres),
    };
    let query = TeamQuery::of(
        date_of(&du),
        date_of(&au),
        (!conseiller.is_empty()).then(|| conseiller.clone()),
        &asked.filtres,
    );
    let loaded = use_resource(use_reactive!(|id, query| async move {
        RETRY();
        if id.is_empty() {
            return std::future::pending().await;
        }
        session::ask(network::READ, api::statistiques_structure(id, query)).await
    }));
    let read = loaded.read();
    let team = read.as_ref().and_then(|r| r.as_ref().ok());
    let announced = announced_period(team.map(|t| t.stats.periode), &du, &au, today);
    let suggestions: Vec<_> = profil.iter().map(|p| p.details.commune.clone()).collect();
    rsx! {
        PrintHeader {
            title: "Conum — statistiques de la structure",
            who: team.map_or(String::new(), |t| format!("{} — {}", t.structure.nom, t.structure.commune)),
            filtres: team.and_then(|t| t.filtres.clone()),
            today,
        }
        h1 { "Statistiques de ma structure" }
        if let (Some(error), true) = (&unknown, id.is_empty()) {
            p { class: "fr-error-text", role: "alert", "{error}" }
            button { r#type: "button", class: "fr-btn fr-btn--secondary",
                onclick: move |_| *RETRY.write() += 1, "Réessayer" }
        }
        if coordonnees.as_ref().is_some_and(|c| c.is_empty()) {
            p { "Vous ne coordonnez aucune structure. Le programme désigne les coordinateurs des structures d'accueil." }
        }
        if let Some(all) = coordonnees.as_ref().filter(|c| c.len() > 1) {
            div { class: "fr-select-group choix-equipe",
                label { class: "fr-label", r#for: "choix-structure", "Structure" }
                select { class: "fr-select", id: "choix-structure",
                    onchange: {
                        let asked = asked.clone();
                        move |e: FormEvent| {
                            navigator().push(Asked { id: e.value(), conseiller: String::new(), ..asked.clone() }.route());
                        }
                    },
                    for s in all.iter() {
                        option { value: "{s.id}", selected: s.id == id, "{s.nom} ({s.commune})" }
                    }
                }
            }
        }
        if let Some(team) = team {
            p { class: "structure-choisie", "{team.structure.nom} — {team.structure.commune}" }
        }
        if let Some(p) = announced {
            p { class: "periode-affichee", "Du {format::date_courte(p.du)} au {format::date_courte(p.au)}" }
        }
        p { class: "fr-hint-text",
            "Chaque consultation des chiffres d'un conseiller lui est signalée sur son profil (« Qui a consulté mes statistiques »). Les comptes rendus et leurs annotations ne sont jamais montrés." }
        Periodes { du: du.clone(), au: au.clone(), today,
            to: {
                let asked = asked.clone();
                move |(du, au)| Asked { du, au, ..asked.clone() }.route()
            } }
        if let Some(team) = team {
            ConseillerChoice { asked: asked.clone(), membres: team.membres.clone() }
        }
        FilterChoice { filtres: asked.filtres.clone(), suggestions,
            to: {
                let asked = asked.clone();
                move |filtres: Filtres| Asked { filtres, ..asked.clone() }.route()
            } }
        if let Some(d) = team.and_then(|t| t.filtres.clone()) {
            p { class: "filtres-actifs", "Filtres : {d}" }
        }
        match read.as_ref() {
            None if !id.is_empty() => rsx! { p { class: "chargement", "Chargement…" } },
            None => rsx! {},
            Some(Err(error)) => rsx! { p { class: "fr-error-text", role: "alert", "{error}" } },
            Some(Ok(team)) => rsx! {
                Figures { stats: team.stats.clone(),
                    PerConseiller { rows: team.par_conseiller.clone() }
                    TeamExports { team: team.clone(), conseiller: query.conseiller.clone(), filtres: asked.filtres.clone() }
                    ShareLink { link: NewLink {
                        structure: Some(team.structure.id.clone()),
                        conseiller: query.conseiller.clone(),
                        du: Some(team.stats.periode.du),
                        au: Some(team.stats.periode.au),
                        ..NewLink::of(&asked.filtres)
                    } }
                }
            },
        }
    }
}

/// "Toute l'équipe" or one of its conseillers.
#[component]
fn ConseillerChoice(asked: Asked, membres: Vec<Membre>) -> Element {
    rsx! {
        div { class: "fr-select-group choix-equipe",
            label { class: "fr-label", r#for: "choix-conseiller", "Conseiller" }
            select { class: "fr-select", id: "choix-conseiller",
                onchange: {
                    let asked = asked.clone();
                    move |e: FormEvent| {
                        navigator().push(Asked { conseiller: e.value(), ..asked.clone() }.route());
                    }
                },
                option { value: "", selected: asked.conseiller.is_empty(), "Toute l'équipe" }
                for m in membres.iter() {
                    option { value: "{m.id.as_str()}", selected: m.id.as_str() == asked.conseiller,
                        "{m.prenom} {m.nom}" }
                }
            }
        }
    }
}

/// Per conseiller, per month: the comptes rendus and the people accompanied.
#[component]
fn PerConseiller(rows: Vec<(Membre, Vec<MoisActivite>)>) -> Element {
    rsx! {
        section { class: "par-conseiller", "aria-labelledby": "titre-par-conseiller",
            h2 { id: "titre-par-conseiller", "Par conseiller et par mois" }
            if rows.is_empty() {
                p { "Aucun conseiller n'était rattaché à la structure sur cette période." }
            }
            for (membre, months) in rows.iter() {
                table { class: "fr-table", key: "{membre.id.as_str()}",
                    caption { "{membre.prenom} {membre.nom}" }
                    thead {
                        tr {
                            th { scope: "col", "Mois" }
                            th { scope: "col", "Comptes rendus" }
                            th { scope: "col", "Accompagnements" }
                        }
                    }
                    tbody {
                        for m in months.iter() {
                            tr { key: "{m.mois}",
                                th { scope: "row", {Mois::parse(&m.mois).map_or(m.mois.clone(), |mois| mois.label())} }
                                td { "{format::nombre(m.comptes_rendus)}" }
                                td { "{format::nombre(m.accompagnements)}" }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The structure's files, filtered as the page is, and the printed report.
#[component]
fn TeamExports(team: TeamStats, conseiller: Option<String>, filtres: Filtres) -> Element {
    let p = team.stats.periode;
    let one = conseiller.map_or(String::new(), |c| format!("&conseiller={c}"));
    let extra = format!("{one}{}", filtres.query());
    let base = format!("/api/structures/{}/statistiques", team.structure.id);
    rsx! {
        section { class: "exports", "aria-labelledby": "titre-exports",
            h2 { id: "titre-exports", "Exporter" }
            a { class: "fr-btn fr-btn--secondary", download: "conum_structure_{p.du}_{p.au}.csv",
                href: "{base}.csv?du={p.du}&au={p.au}{extra}", "Statistiques (CSV)" }
            a { class: "fr-btn fr-btn--secondary", download: "conum_structure_{p.du}_{p.au}.xlsx",
                href: "{base}.xlsx?du={p.du}&au={p.au}{extra}", "Statistiques (Excel)" }
            button { r#type: "button", class: "fr-btn fr-btn--secondary",
                onclick: move |_| print_report("conum_structure", p), "Rapport (PDF)" }
        }
    }
}
