//! "Mes statistiques": every figure of domain.md §3 for a period (in the URL), KPI tiles,
//! charts with their data tables, CSV and PDF exports; offline, the last figures fetched
//! plus the records not yet sent.

#[cfg(feature = "web")]
mod charts;

use chrono::{Datelike, Months, NaiveDate};
use dioxus::prelude::*;

use super::format;
use super::session::{self, current_profil};
use super::Route;
use crate::api::{self, ApiError, StatsQuery};
use crate::clock::today_in_paris;
use crate::domain::sections::{decimal, key_figures, sections, KeyFigure, Section};
use crate::domain::stats::Stats;
use crate::domain::ConseillerId;
use crate::offline::network::{self, RETRY};
use crate::offline::outbox::{self, OutboxStatus};
use crate::offline::{browser, phone};

/// `du=debut` in the URL: since the first record.
const SINCE_THE_START: &str = "debut";

/// What the page shows, and where it comes from.
#[derive(Clone, Debug, PartialEq)]
struct Shown {
    stats: Stats,
    /// Records waiting in the outbox, added in.
    pending_added: usize,
    /// Shown from the copy kept on the phone (no network).
    offline: bool,
}

fn first_of_month(d: NaiveDate) -> NaiveDate {
    d.with_day(1).expect("day 1 exists")
}

fn last_of_month(d: NaiveDate) -> NaiveDate {
    first_of_month(d) + Months::new(1) - chrono::Days::new(1)
}

/// The presets, as (label, du, au) in the URL's terms.
fn presets(today: NaiveDate) -> Vec<(&'static str, String, String)> {
    let month = first_of_month(today);
    vec![
        (
            "Ce mois-ci",
            month.to_string(),
            last_of_month(today).to_string(),
        ),
        (
            "3 derniers mois",
            (month - Months::new(2)).to_string(),
            last_of_month(today).to_string(),
        ),
        (
            "Cette année",
            NaiveDate::from_ymd_opt(today.year(), 1, 1)
                .expect("1 January")
                .to_string(),
            NaiveDate::from_ymd_opt(today.year(), 12, 31)
                .expect("31 December")
                .to_string(),
        ),
        (
            "Depuis le début",
            SINCE_THE_START.to_owned(),
            today.to_string(),
        ),
    ]
}

#[component]
pub fn Statistiques(du: String, au: String) -> Element {
    let profil = current_profil();
    let today = today_in_paris();
    // Without a period in the URL: "Ce mois-ci".
    let (du, au) = if du.is_empty() && au.is_empty() {
        let (_, du, au) = presets(today).remove(0);
        (du, au)
    } else {
        (du, au)
    };
    let query = StatsQuery {
        du: NaiveDate::parse_from_str(&du, "%Y-%m-%d").ok(),
        au: NaiveDate::parse_from_str(&au, "%Y-%m-%d").ok(),
    };
    let outbox = use_context::<Signal<OutboxStatus>>();
    let owner = profil.id.clone();
    let loaded = use_resource(use_reactive!(|query| {
        let owner = owner.clone();
        async move {
            outbox();
            RETRY();
            load(query, owner).await
        }
    }));

    #[cfg(feature = "web")]
    use_effect(move || {
        if let Some(Ok(shown)) = &*loaded.read() {
            let stats = shown.stats.clone();
            spawn(async move { charts::draw(&sections(&stats)).await });
        }
    });

    let read = loaded.read();
    let body = match read.as_ref() {
        None => rsx! { p { class: "chargement", "Chargement…" } },
        Some(Err(error)) => rsx! { p { class: "fr-error-text", role: "alert", "{error}" } },
        Some(Ok(shown)) => rsx! { Figures { shown: shown.clone() } },
    };
    let shown_period = match read.as_ref() {
        Some(Ok(shown)) => Some(shown.stats.periode),
        _ => None,
    };
    let print = move |_| {
        if let Some(p) = shown_period {
            // Chrome and Firefox name the PDF after the document's title.
            browser::print_as(&format!("conum_statistiques_{}_{}", p.du, p.au));
        }
    };
    let exported_at = format::date_courte(today);

    rsx! {
        div { class: "entete-impression",
            p { class: "marque-accueil", "Conum — statistiques d'activité" }
            p { "{profil.details.prenom} {profil.details.nom} — {profil.details.structure}" }
            p { "Export du {exported_at}" }
        }
        h1 { "Mes statistiques" }
        if let Some(p) = shown_period {
            p { class: "periode-affichee", "Du {format::date_courte(p.du)} au {format::date_courte(p.au)}" }
        }
        nav { class: "periodes", "aria-label": "Période",
            for (label, preset_du, preset_au) in presets(today) {
                Link {
                    class: if preset_du == du && preset_au == au { "fr-tag actif" } else { "fr-tag" },
                    "aria-current": if preset_du == du && preset_au == au { "page" },
                    to: Route::Statistiques { du: preset_du.clone(), au: preset_au.clone() },
                    "{label}"
                }
            }
        }
        PeriodForm { du: du.clone(), au: au.clone() }
        {body}
        if let Some(p) = shown_period {
            section { class: "exports", "aria-labelledby": "titre-exports",
                h2 { id: "titre-exports", "Exporter" }
                a { class: "fr-btn fr-btn--secondary", download: "conum_accompagnements_{p.du}_{p.au}.csv",
                    href: "/api/exports/accompagnements.csv?du={p.du}&au={p.au}", "Accompagnements (CSV)" }
                a { class: "fr-btn fr-btn--secondary", download: "conum_statistiques_{p.du}_{p.au}.csv",
                    href: "/api/exports/statistiques.csv?du={p.du}&au={p.au}", "Statistiques (CSV)" }
                button { r#type: "button", class: "fr-btn fr-btn--secondary", onclick: print, "Rapport (PDF)" }
            }
        }
    }
}

/// The period's statistics from the server; offline, the last ones kept on the phone.
/// Either way, records still waiting in the outbox are added in.
async fn load(query: StatsQuery, owner: ConseillerId) -> Result<Shown, ApiError> {
    let (mut stats, offline) = match session::ask(network::READ, api::statistiques(query)).await {
        Ok(stats) => {
            phone::STATISTIQUES.keep(&owner, &stats).await;
            (stats, false)
        }
        Err(ApiError::Unreachable) => match phone::STATISTIQUES.load().await {
            Some(stats) => (stats, true),
            None => return Err(ApiError::Unreachable),
        },
        Err(error) => return Err(error),
    };
    let mut pending_added = 0;
    for record in outbox::unsent_records(&outbox::pending().await) {
        if stats.periode.contains(record.date()) {
            stats.add(&record);
            pending_added += 1;
        }
    }
    Ok(Shown {
        stats,
        pending_added,
        offline,
    })
}

/// Any period: two dates, then "Afficher".
#[component]
fn PeriodForm(du: String, au: String) -> Element {
    let mut from = use_signal(|| {
        if du == SINCE_THE_START {
            String::new()
        } else {
            du.clone()
        }
    });
    let mut to = use_signal(|| au.clone());
    rsx! {
        form { class: "periode",
            onsubmit: move |e: FormEvent| {
                e.prevent_default();
                navigator().push(Route::Statistiques { du: from(), au: to() });
            },
            div { class: "fr-input-group",
                label { class: "fr-label", r#for: "stats-du", "Du" }
                input { class: "fr-input", id: "stats-du", r#type: "date", value: "{from}",
                    oninput: move |e| from.set(e.value()) }
            }
            div { class: "fr-input-group",
                label { class: "fr-label", r#for: "stats-au", "Au" }
                input { class: "fr-input", id: "stats-au", r#type: "date", value: "{to}",
                    oninput: move |e| to.set(e.value()) }
            }
            button { class: "fr-btn fr-btn--secondary", r#type: "submit", "Afficher" }
        }
    }
}

#[component]
fn Figures(shown: Shown) -> Element {
    let figures = key_figures(&shown.stats);
    rsx! {
        if shown.offline {
            div { class: "fr-alert fr-alert--info fr-alert--sm", role: "status",
                p { "Hors connexion : derniers chiffres chargés sur ce téléphone." }
            }
        }
        if shown.pending_added > 0 {
            p { class: "fr-badge fr-badge--info", role: "status",
                if shown.pending_added == 1 {
                    "inclut 1 accompagnement pas encore envoyé"
                } else {
                    "inclut {shown.pending_added} accompagnements pas encore envoyés"
                }
            }
        }
        section { class: "chiffres", "aria-labelledby": "titre-chiffres",
            h2 { class: "fr-sr-only", id: "titre-chiffres", "Chiffres clés" }
            ul { class: "tuiles",
                for figure in figures {
                    Tile { key: "{figure.label}", figure }
                }
            }
        }
        for d in sections(&shown.stats) {
            ChartFigure { key: "{d.id}", d }
        }
    }
}

/// "1 234", "2 h 30", "6 (60 %)".
fn shown_value(figure: &KeyFigure) -> String {
    let value = if figure.minutes {
        format::duree(figure.value as i64)
    } else {
        format::nombre(figure.value)
    };
    match figure.percent {
        Some(share) => format!("{value} ({} %)", decimal(share).trim_end_matches(",0")),
        None => value,
    }
}

/// One key figure, and the figures it contains.
#[component]
fn Tile(figure: KeyFigure) -> Element {
    rsx! {
        li { class: "tuile-chiffre",
            span { class: "tuile-chiffre__valeur", "{shown_value(&figure)}" }
            span { class: "tuile-chiffre__libelle", "{figure.label}" }
            for part in figure.parts.iter() {
                span { class: "tuile-chiffre__detail", "{part.label} : {shown_value(part)}" }
            }
        }
    }
}

/// One chart, its title, and its data as a table ("Voir les données").
#[component]
fn ChartFigure(d: Section) -> Element {
    let total = d.total();
    rsx! {
        figure { class: "graphique", "aria-labelledby": "titre-{d.id}",
            h2 { id: "titre-{d.id}", class: "graphique__titre", "{d.title}" }
            if d.rows.is_empty() || total == 0 {
                p { class: "fr-hint-text", "Aucune donnée sur cette période." }
            }
            // Its height is set by `charts::draw` (a style attribute would need the
            // Content-Security-Policy to allow inline styles).
            div { id: "graphique-{d.id}", class: "graphique__dessin",
                role: "img", "aria-label": "{d.title} : graphique, détail dans « Voir les données »" }
            details { class: "donnees",
                summary { "Voir les données" }
                table { class: "fr-table",
                    caption { class: "fr-sr-only", "{d.title}" }
                    thead {
                        tr {
                            th { scope: "col", "{d.label_header}" }
                            th { scope: "col", "{d.unit.label()}" }
                            th { scope: "col", "{d.third_header()}" }
                        }
                    }
                    tbody {
                        for (i, row) in d.rows.iter().enumerate() {
                            tr { key: "{i}",
                                th { scope: "row", "{row.label}" }
                                td { "{format::nombre(row.value)}" }
                                match (row.percent, row.cumul) {
                                    (Some(share), _) => rsx! { td { "{decimal(share)} %" } },
                                    (None, Some(cumul)) => rsx! { td { "{format::nombre(cumul)}" } },
                                    (None, None) => rsx! { td {} },
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
