//! The statistics pages: "Mes statistiques" (`personnelles`) and the national statistics
//! (`nationales`), and what they share: the periods, the key figures, the sections with
//! their charts and data tables (`domain::sections`, the one list), the printed report.

#[cfg(feature = "web")]
mod charts;
mod filtres;
mod labels;
mod nationales;
mod partage;
mod personnelles;
mod structure;

use chrono::{Datelike, Months, NaiveDate};
use dioxus::prelude::*;

pub use nationales::StatistiquesNationales;
pub use partage::Partage;
pub use personnelles::Statistiques;
pub use structure::Structure;

use super::format;
use super::session;
use super::Route;
use crate::api::{self, ApiError, CreatedLink, NewLink};
use crate::domain::sections::{decimal, key_figures, sections, KeyFigure, Section};
use crate::domain::stats::{Periode, Stats};
use crate::offline::{browser, network};
use dioxus::fullstack::Json;

/// `du=debut` in the URL: since the first record.
const SINCE_THE_START: &str = "debut";

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

/// The period of the URL; none in it: "Ce mois-ci".
fn period_or_this_month(du: String, au: String, today: NaiveDate) -> (String, String) {
    if du.is_empty() && au.is_empty() {
        let (_, du, au) = presets(today).remove(0);
        (du, au)
    } else {
        (du, au)
    }
}

/// The period the page announces: the figures' once they are shown, before that the one
/// asked for, so that the line is painted with the page and nothing moves when they come.
fn announced_period(
    shown: Option<Periode>,
    du: &str,
    au: &str,
    today: NaiveDate,
) -> Option<Periode> {
    shown.or_else(|| Periode::parse(date_of(du)?, date_of(au)?, today).ok())
}

/// A date of the URL (`debut` and anything else: none).
fn date_of(text: &str) -> Option<NaiveDate> {
    crate::domain::dates::parse_iso(text)
}

/// The presets and a form for any period; `to` makes the page's address for a period.
#[component]
fn Periodes(
    du: String,
    au: String,
    to: Callback<(String, String), Route>,
    today: NaiveDate,
) -> Element {
    let mut from = use_signal(|| {
        if du == SINCE_THE_START {
            String::new()
        } else {
            du.clone()
        }
    });
    let mut until = use_signal(|| au.clone());
    rsx! {
        nav { class: "periodes", "aria-label": "Période",
            for (label, preset_du, preset_au) in presets(today) {
                Link {
                    class: if preset_du == du && preset_au == au { "fr-tag actif" } else { "fr-tag" },
                    "aria-current": if preset_du == du && preset_au == au { "page" },
                    to: to.call((preset_du.clone(), preset_au.clone())),
                    "{label}"
                }
            }
        }
        form { class: "periode",
            onsubmit: move |e: FormEvent| {
                e.prevent_default();
                navigator().push(to.call((from(), until())));
            },
            div { class: "fr-input-group",
                label { class: "fr-label", r#for: "stats-du", "Du" }
                input { class: "fr-input", id: "stats-du", r#type: "date", value: "{from}",
                    oninput: move |e| from.set(e.value()) }
            }
            div { class: "fr-input-group",
                label { class: "fr-label", r#for: "stats-au", "Au" }
                input { class: "fr-input", id: "stats-au", r#type: "date", value: "{until}",
                    oninput: move |e| until.set(e.value()) }
            }
            button { class: "fr-btn fr-btn--secondary", r#type: "submit", "Afficher" }
        }
    }
}

/// The statistics a page shows (none while loading or refused).
fn use_loaded_stats<T: 'static>(
    loaded: impl Readable<Target = Option<Result<T, ApiError>>> + Copy + 'static,
    stats_of: fn(&T) -> &Stats,
) -> Memo<Option<Stats>> {
    use_memo(move || {
        loaded
            .read()
            .as_ref()
            .and_then(|r| r.as_ref().ok())
            .map(|loaded| stats_of(loaded).clone())
    })
}

/// The heading of the printed report: whose figures, how filtered, when.
#[component]
fn PrintHeader(title: String, who: String, filtres: Option<String>, today: NaiveDate) -> Element {
    rsx! {
        div { class: "entete-impression",
            p { class: "marque-accueil", "{title}" }
            p { "{who}" }
            if let Some(filtres) = filtres {
                p { "Filtres : {filtres}" }
            }
            p { "Export du {format::date_courte(today)}" }
        }
    }
}

/// Prints the page as a PDF named after `name` and the period, every chart drawn.
fn print_report(name: &str, periode: Periode) {
    // Chrome and Firefox name the PDF after the document's title.
    let title = format!("{name}_{}_{}", periode.du, periode.au);
    spawn(async move {
        #[cfg(feature = "web")]
        charts::draw_all_for_print().await;
        crate::offline::browser::print_as(&title);
    });
}

/// "Partager ces chiffres": a read-only link to the figures of `link` (a period, filters,
/// perhaps a structure), for someone without an account; its address is shown once, to copy.
#[component]
fn ShareLink(link: NewLink) -> Element {
    let mut months = use_signal(|| 3u32);
    let mut made = use_signal(|| None::<Result<CreatedLink, ApiError>>);
    let create = {
        let link = link.clone();
        move |_| {
            let link = NewLink {
                duree_mois: Some(months()),
                ..link.clone()
            };
            async move {
                let answer = session::ask(network::WRITE, api::create_link(Json(link))).await;
                made.set(Some(answer));
            }
        }
    };
    rsx! {
        section { class: "partage groupe", "aria-labelledby": "titre-partage",
            h2 { id: "titre-partage", "Partager ces chiffres" }
            p { class: "fr-hint-text",
                "Un lien de consultation, sans compte : les chiffres et graphiques de cette période, avec ces filtres, jamais un compte rendu ni une annotation. Vous pouvez le révoquer depuis votre profil." }
            match made() {
                Some(Ok(created)) => rsx! {
                    div { class: "fr-input-group",
                        label { class: "fr-label", r#for: "lien-partage",
                            "Lien à transmettre"
                            span { class: "fr-hint-text", "Valable jusqu'au {format::date_courte(created.expire_le.date_naive())}. Il ne sera plus affiché : copiez-le maintenant." }
                        }
                        input { class: "fr-input", id: "lien-partage", r#type: "text", readonly: true,
                            value: "{browser::origin()}/partage/{created.jeton}",
                            onfocus: |_| browser::select_all("lien-partage") }
                    }
                },
                answer => rsx! {
                    div { class: "fr-select-group",
                        label { class: "fr-label", r#for: "duree-partage", "Valable" }
                        select { class: "fr-select", id: "duree-partage",
                            onchange: move |e: FormEvent| months.set(e.value().parse().unwrap_or(3)),
                            for n in [1u32, 3, 6, 12] {
                                option { value: "{n}", selected: n == months(), "{n} mois" }
                            }
                        }
                    }
                    button { r#type: "button", class: "fr-btn fr-btn--secondary", onclick: create,
                        "Créer un lien de consultation" }
                    if let Some(Err(error)) = answer {
                        p { class: "fr-error-text", role: "alert", "{error}" }
                    }
                },
            }
        }
    }
}

/// The key figures, then every section with its chart and its data, then `children` (what
/// comes under the figures: exports…). The sections come one task after another the first
/// time (rendered with the figures, they made a task of about 100 ms on a phone, CPU 4×
/// slower), and `children` only after the last: nothing on the page is pushed
/// down as they come. The charts are drawn once every section has its place.
#[component]
pub fn Figures(stats: Stats, children: Element) -> Element {
    let figures = key_figures(&stats);
    let all = sections(&stats);
    let count = all.len();
    let mut shown = use_signal(|| 0usize);
    use_hook(move || {
        spawn(async move {
            for n in 1..=count {
                crate::offline::browser::sleep(std::time::Duration::ZERO).await;
                shown.set(n);
            }
        })
    });
    let complete = shown() >= count;
    #[cfg(feature = "web")]
    use_effect(use_reactive!(|stats| {
        if shown() >= count {
            let all = sections(&stats);
            spawn(async move { charts::draw(&all).await });
        }
    }));
    rsx! {
        section { class: "chiffres", "aria-labelledby": "titre-chiffres",
            h2 { class: "fr-sr-only", id: "titre-chiffres", "Chiffres clés" }
            ul { class: "tuiles",
                for figure in figures {
                    Tile { key: "{figure.label}", figure }
                }
            }
        }
        for d in all.into_iter().take(shown()) {
            ChartFigure { key: "{d.id}", d }
        }
        if complete {
            div { class: "chiffres-complets", {children} }
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
            if total == 0 {
                p { class: "fr-hint-text", "Aucune donnée sur cette période." }
            } else {
                // Its height from the start, so that nothing moves when the chart is drawn
                // (set as a style property by the browser code: the Content-Security-Policy
                // allows no style attribute, and this part is never rendered by the server).
                div { id: "graphique-{d.id}", class: "graphique__dessin",
                    height: "{labels::height(&d)}px",
                    role: "img", "aria-label": "{d.title} : graphique, détail dans « Voir les données »" }
            }
            details { class: "donnees",
                summary { "Voir les données" }
                table { class: "fr-table",
                    caption { class: "fr-sr-only", "{d.title}" }
                    thead {
                        tr {
                            th { scope: "col", "{d.label_header}" }
                            th { scope: "col", "{format::en_tete(d.unit)}" }
                            th { scope: "col", "{d.third_header()}" }
                        }
                    }
                    tbody {
                        for (i, row) in d.rows.iter().enumerate() {
                            tr { key: "{i}",
                                th { scope: "row", "{row.label}" }
                                td { "{format::quantite(d.unit, row.value)}" }
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
