//! "Statistiques nationales": the same figures over every verified conseiller of a
//! territory, pooled per month under the statistical secret (domain.md §3): a month is shown
//! once it is over, only where enough conseillers contributed and no smaller territory would
//! be given away; elsewhere it is "secret". Opens on the conseiller's région, as the booklet
//! promises ("mutualisées au niveau de votre région"). Outside the logged-in frame: with
//! `PUBLIC_STATISTICS` anyone may read it.

use chrono::NaiveDate;
use dioxus::prelude::*;

use super::filtres::{describe, FilterChoice};
use super::{print_report, Figures, PrintHeader};
use crate::api::{self, ApiError, NationalMonth, NationalQuery, NationalStats};
use crate::clock::today_in_paris;
use crate::domain::anonymat::MIN_CONSEILLERS;
use crate::domain::filtres::Filtres;
use crate::domain::mois::{Granularite, PeriodeMois};
use crate::domain::territoire::{self, Territoire};
use crate::domain::vocabulary::{Activite, Canal};
use crate::offline::network::{self, within, RETRY};
use crate::offline::phone;
use crate::ui::format;
use crate::ui::session;
use crate::ui::shell::{Cadre, Navigation};
use crate::ui::Route;

/// The page's address: a territory (empty: the conseiller's région), a period, filters.
fn address(territoire: String, periode: PeriodeMois, filtres: &Filtres) -> Route {
    Route::StatistiquesNationales {
        territoire,
        du: periode.du().to_string(),
        au: periode.au().to_string(),
        canal: filtres
            .canal
            .map(|c| c.code().to_owned())
            .unwrap_or_default(),
        activite: filtres
            .activite
            .map(|a| a.code().to_owned())
            .unwrap_or_default(),
    }
}

#[component]
pub fn StatistiquesNationales(
    territoire: String,
    du: String,
    au: String,
    canal: String,
    activite: String,
) -> Element {
    let today = today_in_paris();
    // A value the vocabulary does not know is no filter (the server would refuse it).
    let filtres = Filtres {
        commune: None,
        canal: Canal::from_code(&canal),
        activite: Activite::from_code(&activite),
    };
    let periode = PeriodeMois::parse(Some(&du), Some(&au), today)
        .unwrap_or_else(|_| PeriodeMois::default_on(today));
    // No territory in the address: the conseiller's région, painted by the server when the
    // request has their session, else looked up on the phone.
    let own_region = use_server_future(api::own_region)?.peek().clone().flatten();
    let asked = if territoire.is_empty() {
        own_region.clone().unwrap_or_default()
    } else {
        territoire
    };
    let chosen = Territoire::parse(&asked).ok().filter(|_| !asked.is_empty());
    let home = use_home_region(own_region);
    use_own_region_when_none(chosen.is_none(), periode, filtres.clone());
    let query = chosen.as_ref().map(|t| NationalQuery {
        territoire: Some(t.code()),
        du: Some(periode.du().to_string()),
        au: Some(periode.au().to_string()),
        commune: None,
        canal: filtres.canal.map(|c| c.code().to_owned()),
        activite: filtres.activite.map(|a| a.code().to_owned()),
    });
    let loaded = use_resource(use_reactive!(|query| async move {
        RETRY();
        match query {
            Some(query) => session::ask(network::READ, api::statistiques_nationales(query)).await,
            // The conseiller's région is being looked up: the page is asked for again.
            None => std::future::pending().await,
        }
    }));
    let shown = chosen.clone().unwrap_or(Territoire::France);
    let read = loaded.read();
    // Until the new answer comes, the previous one stays on screen, dimmed: the caption
    // names what the figures are of, not what was just picked.
    let answer = read.as_ref().and_then(|r| r.as_ref().ok());
    let answered_periode = answer.and_then(|n| PeriodeMois::between(n.du, n.au, today));
    let waiting = answer.is_some_and(|n| {
        n.territoire != shown.code() || answered_periode != Some(periode) || n.filtres != filtres
    });
    let caption = match (answer, answered_periode) {
        (Some(national), Some(p)) => format!("{} — {}", national.libelle, p.label()),
        _ => format!("{} — {}", shown.label(), periode.label()),
    };
    let exported_periode = answered_periode.unwrap_or(periode);
    let printed_territory = answer.map_or_else(|| shown.label(), |n| n.libelle.clone());
    let answered_filtres = answer.map_or_else(|| filtres.clone(), |n| n.filtres.clone());
    let described = describe(&answered_filtres);
    rsx! {
        Cadre {
            header { class: "bandeau",
                span { class: "marque", "Conum" }
                span { class: "qui", "Statistiques nationales" }
            }
            Navigation {}
            main { class: "page", id: "contenu",
                PrintHeader {
                    title: "Conum — statistiques nationales",
                    who: printed_territory,
                    filtres: described.clone(),
                    today,
                }
                h1 { "Statistiques nationales" }
                p { class: "fr-hint-text",
                    "Les comptes rendus des conseillers numériques vérifiés, mis en commun : jamais au nom d'un conseiller. Chacun compte dans le département de son profil. "
                    "Un mois n'est publié qu'une fois terminé, là où au moins {MIN_CONSEILLERS} conseillers ont contribué et sans qu'un territoire plus petit devienne identifiable ; sinon il est « secret »."
                }
                TerritoryChoice { chosen: chosen.clone(), home, periode, filtres: filtres.clone() }
                PeriodChoice { territoire: shown.code(), periode, today, filtres: filtres.clone() }
                FilterChoice {
                    filtres: filtres.clone(),
                    suggestions: Vec::new(),
                    commune: false,
                    to: {
                        let territoire = shown.code();
                        move |f: Filtres| address(territoire.clone(), periode, &f)
                    },
                }
                p { class: "periode-affichee",
                    "{caption}"
                }
                if let Some(d) = &described {
                    p { class: "filtres-actifs", "Filtres : {d}" }
                }
                p { class: "lien-nationales",
                    Link { to: Route::statistiques(), "Mes statistiques" }
                }
                // Nothing stands below the figures but what comes with them: nothing moves when
                // they arrive.
                div { class: "resultats", "aria-busy": if waiting { "true" },
                    match (chosen.is_some(), read.as_ref()) {
                        (_, None) | (false, _) => rsx! { p { class: "chargement", "Chargement…" } },
                        (_, Some(Err(error))) => rsx! { p { class: "fr-error-text", role: "alert", "{error}" } },
                        (_, Some(Ok(national))) => match &national.stats {
                            Some(stats) => rsx! {
                                Figures { stats: stats.clone(),
                                    Exports { territoire: national.territoire.clone(), periode: exported_periode, filtres: national.filtres.clone() }
                                }
                            },
                            None => rsx! { Secret { national: national.clone() } },
                        },
                    }
                }
            }
        }
    }
}

/// The figures' CSV and Excel workbook, and the printed report.
#[component]
fn Exports(territoire: String, periode: PeriodeMois, filtres: Filtres) -> Element {
    let (du, au) = (periode.du(), periode.au());
    let f = filtres.query();
    rsx! {
        section { class: "exports", "aria-labelledby": "titre-exports",
            h2 { id: "titre-exports", "Exporter" }
            a { class: "fr-btn fr-btn--secondary",
                download: "conum_statistiques_{territoire}_{du}_{au}.csv",
                href: "/api/exports/nationales.csv?territoire={territoire}&du={du}&au={au}{f}",
                "Statistiques (CSV)" }
            a { class: "fr-btn fr-btn--secondary",
                download: "conum_statistiques_{territoire}_{du}_{au}.xlsx",
                href: "/api/exports/nationales.xlsx?territoire={territoire}&du={du}&au={au}{f}",
                "Statistiques (Excel)" }
            button { r#type: "button", class: "fr-btn fr-btn--secondary",
                onclick: {
                    let name = format!("conum_statistiques_{territoire}");
                    move |_| print_report(&name, periode.periode())
                },
                "Rapport (PDF)" }
        }
    }
}

/// No territory in the address, and none painted by the server: the région of the
/// conseiller whose session the phone holds (their profile kept on the phone), else of the
/// session the browser has (asked without ending anything: a visitor of public figures has
/// none), else France entière.
fn use_own_region_when_none(none: bool, periode: PeriodeMois, filtres: Filtres) {
    use_effect(use_reactive!(|none, periode, filtres| {
        if none {
            spawn(async move {
                // The profile kept on the phone, else (not kept yet: the app has just
                // opened) the server's.
                let kept = match phone::session().await.owner {
                    Some(_) => phone::PROFIL.load().await.map(|p| p.details.departement),
                    None => None,
                };
                let departement = match kept {
                    Some(departement) => Some(departement),
                    None => within(network::QUICK, api::current_profil())
                        .await
                        .ok()
                        .map(|p| p.details.departement),
                };
                let region = departement.and_then(|d| Territoire::region_of(&d));
                navigator().replace(address(
                    region.unwrap_or(Territoire::France).code(),
                    periode,
                    &filtres,
                ));
            });
        }
    }));
}

/// Some month of the period is secret: no figure of the whole period, the published months
/// one by one.
#[component]
fn Secret(national: NationalStats) -> Element {
    let secrets: Vec<String> = national.secrets().iter().map(|m| m.label()).collect();
    let all_secret = secrets.len() == national.evolution.len();
    rsx! {
        div { class: "fr-alert fr-alert--info", role: "status",
            p { "{ApiError::TooFewContributors}" }
            if !national.filtres.is_empty() {
                p { "Avec un filtre, un mois n'est publié que là où chaque canal et chaque activité réunissent assez de conseillers : sinon, la différence avec les chiffres sans filtre désignerait quelqu'un." }
            }
            if all_secret {
                p { "Aucun mois de cette période n'est publié ici. Choisissez un territoire plus large ou une autre période." }
            } else {
                p { "Secret : {secrets.join(\", \")}. Les autres mois sont publiés ci-dessous ; choisissez-les, ou un territoire plus large, pour tous les chiffres." }
            }
        }
        if !all_secret {
            figure { class: "graphique", "aria-labelledby": "titre-evolution-secret",
                h2 { id: "titre-evolution-secret", class: "graphique__titre", "Évolution, mois par mois" }
                table { class: "fr-table",
                    caption { class: "fr-sr-only", "Évolution, mois par mois" }
                    thead {
                        tr {
                            th { scope: "col", "Mois" }
                            th { scope: "col", "Comptes rendus" }
                            th { scope: "col", "Accompagnements" }
                        }
                    }
                    tbody {
                        for month in national.evolution.iter() {
                            MonthRow { key: "{month.mois}", month: month.clone() }
                        }
                    }
                }
            }
        }
    }
}

#[component]
fn MonthRow(month: NationalMonth) -> Element {
    let cell = |n: Option<u64>| n.map_or("secret".to_owned(), format::nombre);
    rsx! {
        tr { class: if month.is_secret() { "secret" },
            th { scope: "row", "{month.mois.label()}" }
            td { "{cell(month.comptes_rendus)}" }
            td { "{cell(month.accompagnements)}" }
        }
    }
}

/// The conseiller's région (or the one shown), France, its départements one tap away, and
/// any territory from the list.
#[component]
fn TerritoryChoice(
    chosen: Option<Territoire>,
    home: Option<Territoire>,
    periode: PeriodeMois,
    filtres: Filtres,
) -> Element {
    let selected = chosen.as_ref().map(Territoire::code).unwrap_or_default();
    let all_options = use_after_opening();
    // The région shown, else the conseiller's own: one tap back from France.
    let region = match &chosen {
        Some(Territoire::Region(code)) => Some(Territoire::Region(code.clone())),
        Some(Territoire::Departement(code)) => Territoire::region_of(code),
        _ => home,
    };
    let nearby: Vec<Territoire> = match &region {
        Some(Territoire::Region(code)) => std::iter::once(Territoire::France)
            .chain(std::iter::once(Territoire::Region(code.clone())))
            .chain(
                territoire::departements()
                    .iter()
                    .filter(|d| d.region == code)
                    .map(|d| Territoire::Departement(d.code.to_owned())),
            )
            .collect(),
        _ => vec![Territoire::France],
    };
    let to = move |territoire: String| address(territoire, periode, &filtres);
    let regions: Vec<Territoire> = territoire::regions()
        .iter()
        .map(|r| Territoire::Region(r.code.to_owned()))
        .collect();
    let departements: Vec<Territoire> = territoire::departements()
        .iter()
        .map(|d| Territoire::Departement(d.code.to_owned()))
        .collect();
    rsx! {
        nav { class: "periodes territoires", "aria-label": "Territoire",
            for t in nearby {
                Link {
                    key: "{t.code()}",
                    class: if t.code() == selected { "fr-tag actif" } else { "fr-tag" },
                    "aria-current": if t.code() == selected { "page" },
                    to: to(t.code()),
                    "{short_label(&t)}"
                }
            }
        }
        div { class: "fr-select-group territoire",
            label { class: "fr-label", r#for: "territoire", "Autre territoire" }
            select {
                class: "fr-select",
                id: "territoire",
                onchange: move |e| {
                    navigator().push(to(e.value()));
                },
                option { value: "france", selected: selected == "france", "France entière" }
                if !all_options() {
                    if let Some(t) = chosen.as_ref().filter(|t| **t != Territoire::France) {
                        option { key: "{t.code()}", value: t.code(), selected: true, "{t.label()}" }
                    }
                }
                for (group, choices) in all_options().then_some([("Régions", regions), ("Départements", departements)]).into_iter().flatten() {
                    optgroup { key: "{group}", label: group,
                        for choice in choices {
                            option {
                                key: "{choice.code()}",
                                value: choice.code(),
                                selected: selected == choice.code(),
                                "{choice.label()}"
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The conseiller's région: painted by the server from the session, else from the profile
/// kept on the phone (a page reached by the app's own navigation, or offline).
fn use_home_region(painted: Option<String>) -> Option<Territoire> {
    let kept = use_resource(move || async move {
        phone::session().await.owner?;
        phone::PROFIL
            .load()
            .await
            .and_then(|p| Territoire::region_of(&p.details.departement))
    });
    let painted = painted.and_then(|code| Territoire::parse(&code).ok());
    painted.or_else(|| kept.read().clone().flatten())
}

/// False while the page opens, true a task later: the long lists of the pickers (136
/// territories, 80 months: some 220 nodes) come after the hydration, which is the page's
/// longest task on a phone; until then each picker holds its chosen option, and looks the
/// same.
fn use_after_opening() -> Signal<bool> {
    let mut opened = use_signal(|| false);
    use_effect(move || {
        spawn(async move {
            crate::offline::browser::sleep(std::time::Duration::ZERO).await;
            opened.set(true);
        });
    });
    opened
}

/// A territory's name on a tag: "France", "Auvergne-Rhône-Alpes", "Rhône".
fn short_label(t: &Territoire) -> String {
    match t {
        Territoire::France => "France".to_owned(),
        Territoire::Departement(code) => {
            territoire::departement(code).map_or(code.clone(), |d| d.nom.to_owned())
        }
        region => region.label(),
    }
}

/// A month, a quarter or a year: only months that are over.
#[component]
fn PeriodChoice(
    territoire: String,
    periode: PeriodeMois,
    today: NaiveDate,
    filtres: Filtres,
) -> Element {
    let mut granularite = use_signal(|| Granularite::of(periode));
    use_effect(use_reactive!(
        |periode| granularite.set(Granularite::of(periode))
    ));
    let choices = granularite().choices(today);
    let current = choices.iter().position(|(_, p)| *p == periode);
    let all_options = use_after_opening();
    let to = move |p: PeriodeMois| address(territoire.clone(), p, &filtres);
    let to_choice = to.clone();
    rsx! {
        nav { class: "periodes", "aria-label": "Période",
            for g in Granularite::ALL {
                button {
                    key: "{g.label()}",
                    r#type: "button",
                    class: if g == granularite() { "fr-tag actif" } else { "fr-tag" },
                    "aria-pressed": if g == granularite() { "true" } else { "false" },
                    onclick: {
                        let to = to.clone();
                        move |_| {
                            granularite.set(g);
                            if let Some((_, first)) = g.choices(today).into_iter().next() {
                                navigator().push(to(first));
                            }
                        }
                    },
                    "{g.label()}"
                }
            }
        }
        div { class: "fr-select-group periode-choisie",
            label { class: "fr-label", r#for: "periode", "{granularite().label()}" }
            select {
                class: "fr-select",
                id: "periode",
                onchange: {
                    let choices = choices.clone();
                    move |e: FormEvent| {
                        if let Some((_, p)) = e.value().parse::<usize>().ok().and_then(|i| choices.get(i)) {
                            navigator().push(to_choice(*p));
                        }
                    }
                },
                if current.is_none() {
                    option { value: "", selected: true, "{periode.label()}" }
                }
                for (i, (label, _)) in choices.iter().enumerate() {
                    if all_options() || Some(i) == current {
                        option { key: "{i}", value: "{i}", selected: Some(i) == current, "{label}" }
                    }
                }
            }
        }
    }
}
