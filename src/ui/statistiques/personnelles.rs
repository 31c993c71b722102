//! "Mes statistiques": every figure of `docs/domain.md` §3 for a period (in the URL), CSV and
//! PDF exports, "Annuler la dernière saisie"; offline, the last figures fetched plus the
//! records not yet sent.

use std::pin::pin;

use dioxus::prelude::*;
use futures_util::future::{select, Either};

use super::filtres::{describe, filtres_of, url_of, FilterChoice};
use super::{
    announced_period, date_of, period_or_this_month, print_report, use_loaded_stats, Figures,
    Periodes, PrintHeader, ShareLink,
};
use crate::api::{self, ApiError, NewLink, StatsQuery};
use crate::clock::today_in_paris;
use crate::domain::filtres::Filtres;
use crate::domain::stats::{Periode, Stats};
use crate::domain::{Accompagnement, AccompagnementInput, ConseillerId};
use crate::offline::network::{self, RETRY};
use crate::offline::outbox::{self, Change, OutboxStatus};
use crate::offline::{browser, phone};
use crate::ui::components::Confirmation;
use crate::ui::format;
use crate::ui::session::{self, profil_if_loaded};
use crate::ui::Route;

/// What the page shows, and where it comes from.
#[derive(Clone, Debug, PartialEq)]
struct Shown {
    stats: Stats,
    /// Records waiting in the outbox, added in (new ones and edits).
    pending_added: usize,
    source: Source,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Source {
    Server,
    /// The copy kept on the phone: the server is out of reach.
    PhoneOffline,
    /// The copy kept on the phone, of the same period, while the server is slow to answer.
    PhoneWhileAsking,
}

/// How long the server may take before the copy kept on the phone shows meanwhile: on a
/// normal network the figures come first, and are drawn once.
const KEPT_COPY_AFTER: std::time::Duration = std::time::Duration::from_millis(1500);

#[component]
pub fn Statistiques(du: String, au: String, filtres: [String; 3]) -> Element {
    // The page's frame renders before the profile is known (on the server too); the figures
    // are the conseiller's, so they are asked once the profile says whose they are.
    let profil = profil_if_loaded();
    let today = today_in_paris();
    let (du, au) = period_or_this_month(du, au, today);
    let filtres = filtres_of(&filtres);
    let query = StatsQuery::of(date_of(&du), date_of(&au), &filtres);
    let outbox = use_context::<Signal<OutboxStatus>>();
    let owner = profil.as_ref().map(|p| p.id.clone());
    let meanwhile = use_signal(|| None::<Shown>);
    let last = use_last_record(owner.clone());
    let loaded = use_resource(use_reactive!(|query, owner| {
        async move {
            outbox();
            RETRY();
            match owner {
                Some(owner) => load(query, owner, meanwhile).await,
                // Stays "Chargement…" until the profile arrives (which asks again).
                None => std::future::pending().await,
            }
        }
    }));
    let described = describe(&filtres);
    let who = profil.as_ref().map_or(String::new(), |p| {
        format!(
            "{} {} — {}",
            p.details.prenom, p.details.nom, p.details.structure
        )
    });
    let suggestions: Vec<_> = profil.iter().map(|p| p.details.commune.clone()).collect();
    // The server's answer (or the offline copy) once it came, the phone's copy before that.
    let current = use_memo(move || loaded.read().clone().or_else(|| meanwhile().map(Ok)));
    let shown_stats = use_loaded_stats(current, |shown| &shown.stats);
    let shown_period = shown_stats.read().as_ref().map(|s| s.periode);
    let announced = announced_period(shown_period, &du, &au, today);
    let read = current.read();
    rsx! {
        PrintHeader {
            title: "Conum — statistiques d'activité",
            who,
            filtres: described.clone(),
            today,
        }
        h1 { "Mes statistiques" }
        if let Some(p) = announced {
            p { class: "periode-affichee", "Du {format::date_courte(p.du)} au {format::date_courte(p.au)}" }
        }
        p { class: "lien-nationales",
            Link { to: Route::nationales(String::new()),
                "Voir les statistiques nationales" }
        }
        if let Some(d) = &described {
            p { class: "filtres-actifs", "Filtres : {d}" }
        }
        Periodes { du: du.clone(), au: au.clone(), today,
            to: {
                let [commune, canal, activite] = url_of(&filtres);
                move |(du, au)| Route::Statistiques { du, au, commune: commune.clone(), canal: canal.clone(), activite: activite.clone() }
            } }
        FilterChoice { filtres: filtres.clone(), suggestions,
            to: {
                let (du, au) = (du.clone(), au.clone());
                move |f: Filtres| {
                    let [commune, canal, activite] = url_of(&f);
                    Route::Statistiques { du: du.clone(), au: au.clone(), commune, canal, activite }
                }
            } }
        match read.as_ref() {
            None => rsx! { p { class: "chargement", "Chargement…" } },
            Some(Err(error)) => rsx! { p { class: "fr-error-text", role: "alert", "{error}" } },
            Some(Ok(shown)) => rsx! {
                WhereFrom { source: shown.source, pending_added: shown.pending_added }
                Figures { stats: shown.stats.clone(),
                    if let Some(profil) = &profil {
                        UndoLast { owner: profil.id.clone(), last }
                    }
                    Exports { periode: shown.stats.periode, filtres: filtres.clone() }
                    if shown.source == Source::Server {
                        ShareLink { link: NewLink {
                            du: Some(shown.stats.periode.du),
                            au: Some(shown.stats.periode.au),
                            ..NewLink::of(&filtres)
                        } }
                    }
                }
            },
        }
        // Without figures (an error), "Annuler la dernière saisie" still stands.
        if let (Some(profil), Some(Err(_))) = (&profil, read.as_ref()) {
            UndoLast { owner: profil.id.clone(), last }
        }
    }
}

/// Where the figures come from when it is not the server, and the records on the phone they
/// count that the server does not know yet.
#[component]
fn WhereFrom(source: Source, pending_added: usize) -> Element {
    rsx! {
        match source {
            Source::Server => rsx! {},
            Source::PhoneOffline => rsx! {
                div { class: "fr-alert fr-alert--info fr-alert--sm", role: "status",
                    p { "Hors connexion : derniers chiffres chargés sur ce téléphone." }
                }
            },
            Source::PhoneWhileAsking => rsx! {
                div { class: "fr-alert fr-alert--info fr-alert--sm", role: "status",
                    p { "Connexion lente : derniers chiffres chargés sur ce téléphone, en attendant le serveur." }
                }
            },
        }
        if pending_added > 0 {
            p { class: "fr-badge fr-badge--info", role: "status",
                if pending_added == 1 {
                    "inclut 1 accompagnement pas encore envoyé"
                } else {
                    "inclut {pending_added} accompagnements pas encore envoyés"
                }
            }
        }
    }
}

/// The period's files (CSV, and Excel workbooks with typed cells) and the printed report,
/// filtered as the page is.
#[component]
fn Exports(periode: Periode, filtres: Filtres) -> Element {
    let p = periode;
    let f = filtres.query();
    rsx! {
        section { class: "exports", "aria-labelledby": "titre-exports",
            h2 { id: "titre-exports", "Exporter" }
            a { class: "fr-btn fr-btn--secondary", download: "conum_accompagnements_{p.du}_{p.au}.csv",
                href: "/api/exports/accompagnements.csv?du={p.du}&au={p.au}{f}", "Accompagnements (CSV)" }
            a { class: "fr-btn fr-btn--secondary", download: "conum_accompagnements_{p.du}_{p.au}.xlsx",
                href: "/api/exports/accompagnements.xlsx?du={p.du}&au={p.au}{f}", "Accompagnements (Excel)" }
            a { class: "fr-btn fr-btn--secondary", download: "conum_statistiques_{p.du}_{p.au}.csv",
                href: "/api/exports/statistiques.csv?du={p.du}&au={p.au}{f}", "Statistiques (CSV)" }
            a { class: "fr-btn fr-btn--secondary", download: "conum_statistiques_{p.du}_{p.au}.xlsx",
                href: "/api/exports/statistiques.xlsx?du={p.du}&au={p.au}{f}", "Statistiques (Excel)" }
            button { r#type: "button", class: "fr-btn fr-btn--secondary",
                onclick: move |_| print_report("conum_statistiques", p), "Rapport (PDF)" }
        }
    }
}

/// The period's statistics from the server; offline, the last ones kept on the phone, and
/// those of the same period meanwhile when the server is slow. Either way, records still
/// waiting in the outbox are added in.
async fn load(
    query: StatsQuery,
    owner: ConseillerId,
    mut meanwhile: Signal<Option<Shown>>,
) -> Result<Shown, ApiError> {
    meanwhile.set(None);
    let wanted = query.clone();
    let filtres = query.filtres().unwrap_or_default();
    let asked = pin!(session::ask(network::READ, api::statistiques(query)));
    let answer = match select(asked, pin!(browser::sleep(KEPT_COPY_AFTER))).await {
        Either::Left((answer, _)) => answer,
        Either::Right((_, asked)) => {
            // Only the copy of the same request: another period's figures would be wrong here.
            if let Some((asked_for, kept)) = phone::STATISTIQUES.load().await {
                if asked_for == wanted {
                    meanwhile.set(Some(
                        with_pending(kept, &filtres, Source::PhoneWhileAsking).await,
                    ));
                }
            }
            asked.await
        }
    };
    let (stats, source) = match answer {
        Ok(stats) => {
            phone::STATISTIQUES
                .keep(&owner, &(wanted, stats.clone()))
                .await;
            (stats, Source::Server)
        }
        Err(ApiError::Unreachable) => match phone::STATISTIQUES.load().await {
            // The last figures kept (of their own period, which the page then announces), if
            // they are filtered as asked: others would be wrong under these filters.
            Some((asked_for, stats)) if asked_for.filtres().ok() == Some(filtres.clone()) => {
                (stats, Source::PhoneOffline)
            }
            Some(_) | None => return Err(ApiError::Unreachable),
        },
        Err(error) => return Err(error),
    };
    Ok(with_pending(stats, &filtres, source).await)
}

/// `stats` with the records waiting in the outbox added in, those whose deletion waits taken
/// out, and those whose edit waits counted as edited.
async fn with_pending(mut stats: Stats, filtres: &Filtres, source: Source) -> Shown {
    let changes = outbox::pending().await;
    let mut pending_added = 0;
    for record in outbox::unsent_records(&changes) {
        if stats.periode.contains(record.date()) && filtres.keeps(&record) {
            stats.add(&record);
            pending_added += 1;
        }
    }
    for record in outbox::deleted_records(&changes) {
        if filtres.keeps(&record) {
            stats.remove(&record);
        }
    }
    for (sent, edited) in outbox::edited_records(&changes) {
        if filtres.keeps(&sent) {
            stats.remove(&sent);
        }
        if filtres.keeps(&edited) {
            stats.add(&edited);
        }
        if stats.periode.contains(sent.date()) || stats.periode.contains(edited.date()) {
            pending_added += 1;
        }
    }
    Shown {
        stats,
        pending_added,
        source,
    }
}

/// The conseiller's last record; none while its deletion waits to be sent (the one before is
/// not known until then).
async fn last_record(owner: &ConseillerId) -> Option<Accompagnement> {
    let last = session::last_record(owner).await?;
    match outbox::pending_for(&last.id().to_string()).await {
        Some(change) if change.kind == Change::Delete => None,
        _ => Some(last),
    }
}

/// The last record as last found, asked as the page opens (alongside the figures, so it is
/// known before the network goes) and again whenever the outbox changes. While a new answer
/// comes the old one stays, so the button never vanishes under a finger.
fn use_last_record(owner: Option<ConseillerId>) -> Signal<Option<Accompagnement>> {
    let outbox = use_context::<Signal<OutboxStatus>>();
    let mut last = use_signal(|| None::<Accompagnement>);
    use_resource(use_reactive!(|owner| async move {
        outbox();
        if let Some(owner) = owner {
            last.set(last_record(&owner).await);
        }
    }));
    last
}

/// "Annuler la dernière saisie": deletes the conseiller's last record, once confirmed (the
/// confirmation names it); through the outbox, so offline too. The figures follow.
#[component]
fn UndoLast(owner: ConseillerId, last: Signal<Option<Accompagnement>>) -> Element {
    let mut confirming = use_signal(|| false);
    let mut message = use_signal(|| None::<String>);
    let Some(record) = last() else {
        return rsx! {
            if let Some(text) = message() {
                p { class: "fr-alert fr-alert--success fr-alert--sm", role: "status", "{text}" }
            }
        };
    };
    let participants = if record.participants() == 1 {
        "1 participant".to_owned()
    } else {
        format!("{} participants", record.participants())
    };
    let named = format!(
        "{} du {}, {}",
        record.activite().label(),
        format::date_courte(record.date()),
        participants
    );
    let undo = {
        let (owner, id, named) = (owner.clone(), record.id().to_string(), named.clone());
        let deleted = AccompagnementInput::from(record.clone());
        move |_| {
            let (owner, id, named, deleted) =
                (owner.clone(), id.clone(), named.clone(), deleted.clone());
            async move {
                confirming.set(false);
                match outbox::queue(Change::Delete, &id, Some(&deleted), None, &owner).await {
                    Ok(()) => {
                        outbox::flush_soon();
                        phone::DERNIER.keep(&owner, &None).await;
                        message.set(Some(format!("Saisie annulée : {named}.")));
                    }
                    Err(error) => message.set(Some(format!(
                        "L'annulation n'a pas pu être gardée sur ce téléphone : {error}"
                    ))),
                }
            }
        }
    };
    rsx! {
        section { class: "annuler-derniere", "aria-labelledby": "titre-annuler",
            h2 { id: "titre-annuler", class: "fr-sr-only", "Dernière saisie" }
            if let Some(text) = message() {
                p { class: "fr-alert fr-alert--success fr-alert--sm", role: "status", "{text}" }
            }
            if confirming() {
                Confirmation {
                    id: "titre-confirmer-annulation",
                    title: "Annuler la dernière saisie ?",
                    text: "{named} sera supprimé de votre historique et de vos statistiques.",
                    confirm: "Confirmer l'annulation",
                    onconfirm: undo,
                    onkeep: move |_| confirming.set(false),
                }
            } else {
                button { r#type: "button", class: "fr-btn fr-btn--tertiary",
                    onclick: move |_| { message.set(None); confirming.set(true) },
                    "Annuler la dernière saisie" }
            }
        }
    }
}
