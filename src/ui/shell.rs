//! The frame of every logged-in page: header, state banners, content, bottom navigation.

use dioxus::prelude::*;

use super::communes::use_communes_loader;
use super::session::{use_profil_loader, ProfilState};
use super::Route;
use crate::domain::territoire::Territoire;
use crate::offline::network::{self, ONLINE};
use crate::offline::{outbox, worker};

#[component]
pub fn Shell() -> Element {
    let profil = use_profil_loader();
    use_context_provider(|| profil);
    use_communes_loader();
    let outbox = outbox::use_outbox();
    use_context_provider(|| outbox);
    let retry = move |_| {
        network::retry();
        outbox::flush_soon();
    };

    // The frame is the same whatever the profile's state, so the server paints the real
    // page (header, tabs, the page's own frame) and the browser hydrates it as it is; what
    // is personal arrives after, from the phone's copy or the server. The pages that render
    // without a profile are the tabs' first pages; the others wait for it.
    let route = use_route::<Route>();
    let state = profil();
    let ready = state.profil().is_some();
    let renders_before_profile = matches!(
        route,
        Route::Saisie {}
            | Route::CommeLaDerniereFois {}
            | Route::Historique {}
            | Route::Statistiques { .. }
    );
    let content_now = ready || (state == ProfilState::Loading && renders_before_profile);
    let page_class = if shows_form(&route) {
        "page page--saisie"
    } else {
        "page"
    };
    rsx! {
        Cadre {
            header { class: "bandeau",
                span { class: "marque", "Conum" }
                if let Some(profil) = state.profil() {
                    span { class: "qui", "{profil.details.prenom} {profil.details.nom}" }
                }
            }
            StateBanners { ready }
            Navigation {}
            main { class: page_class, id: "contenu",
                if content_now {
                    Outlet::<Route> {}
                } else if let ProfilState::Failed(message) = &state {
                    p { class: "fr-error-text", role: "alert", "{message}" }
                    button { r#type: "button", class: "fr-btn fr-btn--secondary", onclick: retry, "Réessayer" }
                } else {
                    h1 { "{title(&route)}" }
                    p { class: "chargement", "Chargement…" }
                }
            }
        }
    }
}

/// The app's frame: on a phone the header, the banners and the tabs stay and the page
/// scrolls between them (assets/main.css, `.cadre`). Marked by its own class rather than
/// found by `:has(.navigation)`: with `:has()` every node added to a page (a save's
/// confirmation) had the browser check the whole document again.
#[component]
pub fn Cadre(children: Element) -> Element {
    rsx! {
        div { class: "cadre", {children} }
    }
}

/// Whether the page is the record form, whose "Enregistrer" strip stands above the tabs.
fn shows_form(route: &Route) -> bool {
    matches!(
        route,
        Route::Saisie {}
            | Route::CommeLaDerniereFois {}
            | Route::Modifier { .. }
            | Route::Dupliquer { .. }
    )
}

/// What the phone says about itself, over every page: a new version, ready offline, offline,
/// records waiting to be sent. `ready`: the profile is known.
#[component]
fn StateBanners(ready: bool) -> Element {
    let outbox = use_context::<Signal<outbox::OutboxStatus>>();
    let worker::UpdateReady(update_ready) = use_context::<worker::UpdateReady>();
    let worker::ReadyOffline(mut ready_offline) = use_context::<worker::ReadyOffline>();
    // Said for a few seconds, then gone.
    use_effect(move || {
        if ready_offline() {
            spawn(async move {
                crate::offline::browser::sleep(std::time::Duration::from_secs(8)).await;
                ready_offline.set(false);
            });
        }
    });
    let retry = move |_| {
        network::retry();
        outbox::flush_soon();
    };
    rsx! {
        div { class: "etat", role: "status", "aria-live": "polite",
            if update_ready() {
                div { class: "fr-notice fr-notice--info bandeau-etat",
                    span { "Nouvelle version disponible" }
                    button { r#type: "button", class: "fr-btn fr-btn--sm",
                        onclick: move |_| worker::activate_update(), "Recharger" }
                }
            }
            // One short line: a notice painted later and larger than the page's title would
            // count as the page's largest paint.
            if ready_offline() {
                p { class: "pret-hors-connexion",
                    "Conum s'ouvre désormais sans réseau"
                }
            }
            if ready && !ONLINE() {
                div { class: "fr-alert fr-alert--info fr-alert--sm bandeau-etat hors-connexion",
                    p { "Hors connexion : vous voyez ce que ce téléphone a gardé. Vos saisies partiront dès le retour du réseau." }
                    button { r#type: "button", class: "fr-btn fr-btn--secondary fr-btn--sm",
                        onclick: retry, "Réessayer" }
                }
            }
            if outbox().pending > 0 {
                p { class: "en-attente",
                    Link { to: Route::Historique {}, "{outbox().pending} en attente d'envoi" }
                }
            }
        }
    }
}

/// The title a page under the shell shows while the profile loads.
fn title(route: &Route) -> &'static str {
    match route {
        Route::Historique {} => "Mes accompagnements",
        Route::Detail { .. } => "Accompagnement",
        Route::Modifier { .. } => "Modifier l'accompagnement",
        Route::Dupliquer { .. } => "Dupliquer l'accompagnement",
        Route::Statistiques { .. } => "Mes statistiques",
        Route::Structure { .. } => "Statistiques de ma structure",
        Route::MonProfil {} => "Mon profil",
        _ => "Nouvel accompagnement",
    }
}

/// The bottom navigation (at the top on wide screens). A tab is current for every page of
/// its room: the statistics of any period, a record opened from the history.
#[component]
pub fn Navigation() -> Element {
    let route = use_route::<Route>();
    // The national figures open on the conseiller's région once the profile is known.
    let region = try_consume_context::<Signal<ProfilState>>()
        .and_then(|state| state.read().profil().map(|p| p.details.departement.clone()))
        .and_then(|departement| Territoire::region_of(&departement))
        .map(|region| region.code())
        .unwrap_or_default();
    let tab = |to: Route, label: &'static str| {
        let current = room(&to) == room(&route);
        rsx! {
            Link { to, class: if current { "actif" }, "aria-current": if current { "page" }, "{label}" }
        }
    };
    rsx! {
        nav { class: "navigation", "aria-label": "Navigation principale",
            {tab(Route::Saisie {}, "Saisir")}
            {tab(Route::Historique {}, "Historique")}
            {tab(Route::statistiques(), "Statistiques")}
            {tab(Route::nationales(region), "National")}
            {tab(Route::MonProfil {}, "Profil")}
        }
    }
}

/// The tab a page belongs to.
fn room(route: &Route) -> u8 {
    match route {
        Route::Saisie {} | Route::CommeLaDerniereFois {} | Route::Dupliquer { .. } => 0,
        Route::Historique {} | Route::Detail { .. } | Route::Modifier { .. } => 1,
        Route::Statistiques { .. } | Route::Structure { .. } => 2,
        Route::StatistiquesNationales { .. } => 3,
        Route::MonProfil {} => 4,
        _ => u8::MAX,
    }
}
