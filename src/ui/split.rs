//! The pages that are not the form travel in wasm modules of their own, so that a phone's
//! first download is the shell and the form only (`dx bundle --wasm-split`, scripts/build.sh).
//!
//! Each group of pages is one split point: a function behind a `wasm_split::lazy_loader!`
//! that renders one page of its group. The routes render the components below, which show
//! their page once its module is in. Pages opened together share a module (a module carries
//! its own copy of the code it shares with another module, statics included: the two
//! statistics pages, which share their charts and kept figures, are one module).
//!
//! Hydration needs the client's first render to be the server's: [`load_for`] brings the
//! module of the page the browser opens on before the app starts (`crate::launch`). It is
//! asked for once the main module runs, not announced in the page's head: fetched beside the
//! main wasm, it slowed the first paint (Lighthouse LCP 1.7–2.0 s instead of 1.4 s on the
//! history and the statistics), and a phone with the service worker has every module already.

use std::time::Duration;

use dioxus::prelude::*;
use futures_util::FutureExt;

use super::Route;
use super::{
    connexion, detail, historique, inscription, mot_de_passe, profil, saisie, statistiques,
};
use crate::offline::browser;

/// A group of pages behind a split point: in the release bundle's browser build (feature
/// `split`), a loader of their module; elsewhere (the server renders them too, `dx serve`
/// builds one module) the function itself. `wasm_split`'s own stand-in outside wasm
/// calls the function through the C calling convention, which is not Rust's.
#[cfg(all(target_arch = "wasm32", feature = "split"))]
struct Pages<P: 'static>(wasm_split::LazyLoader<P, Element>);

#[cfg(not(all(target_arch = "wasm32", feature = "split")))]
struct Pages<P: 'static>(fn(P) -> Element);

#[cfg(all(target_arch = "wasm32", feature = "split"))]
macro_rules! split_point {
    ($pages:ident, $module:literal, $render:ident, $page:ty) => {
        static $pages: Pages<$page> =
    Pages(wasm_split::lazy_loader!(extern $module fn $render(page: $page) -> Element));
    };
}

#[cfg(not(all(target_arch = "wasm32", feature = "split")))]
macro_rules! split_point {
    ($pages:ident, $module:literal, $render:ident, $page:ty) => {
        static $pages: Pages<$page> = Pages($render);
    };
}

impl<P: 'static> Pages<P> {
    /// Brings the module in (at once if it is already); false if it could not be loaded.
    async fn load(&'static self) -> bool {
        #[cfg(all(target_arch = "wasm32", feature = "split"))]
        return self.0.load().await;
        #[cfg(not(all(target_arch = "wasm32", feature = "split")))]
        true
    }

    /// Renders `page`, if the module is in.
    fn render(&'static self, page: P) -> Option<Element> {
        #[cfg(all(target_arch = "wasm32", feature = "split"))]
        return self.0.call(page).ok();
        #[cfg(not(all(target_arch = "wasm32", feature = "split")))]
        Some((self.0)(page))
    }
}

/// The pages of someone who is not logged in.
pub enum Comptes {
    Connexion,
    Inscription { invitation: String },
    ConfirmerAdresse { jeton: String },
    MotDePasseOublie,
    NouveauMotDePasse { jeton: String },
}

/// The conseiller's records and profile: opened from the bottom navigation, one after the
/// other; a record's correction and copy too (the form they show is the main module's).
pub enum Suivi {
    Historique,
    Detail { id: String },
    Modifier { id: String },
    Dupliquer { id: String },
    Profil,
}

/// The statistics pages (personal, a structure's, national, a read-only link's), and their
/// charts.
pub enum Chiffres {
    Personnels {
        du: String,
        au: String,
        filtres: [String; 3],
    },
    Structure {
        id: String,
        du: String,
        au: String,
        conseiller: String,
        filtres: [String; 3],
    },
    Partage {
        jeton: String,
    },
    Nationaux {
        territoire: String,
        du: String,
        au: String,
        canal: String,
        activite: String,
    },
}

split_point!(COMPTES, "comptes", comptes, Comptes);
split_point!(SUIVI, "suivi", suivi, Suivi);
split_point!(CHIFFRES, "chiffres", chiffres, Chiffres);

fn comptes(page: Comptes) -> Element {
    match page {
        Comptes::Connexion => rsx! { connexion::Connexion {} },
        Comptes::Inscription { invitation } => rsx! { inscription::Inscription { invitation } },
        Comptes::ConfirmerAdresse { jeton } => rsx! { inscription::ConfirmerAdresse { jeton } },
        Comptes::MotDePasseOublie => rsx! { mot_de_passe::MotDePasseOublie {} },
        Comptes::NouveauMotDePasse { jeton } => rsx! { mot_de_passe::NouveauMotDePasse { jeton } },
    }
}

fn suivi(page: Suivi) -> Element {
    match page {
        Suivi::Historique => rsx! { historique::Historique {} },
        Suivi::Detail { id } => rsx! { detail::Detail { id } },
        Suivi::Modifier { id } => rsx! { saisie::Modifier { id } },
        Suivi::Dupliquer { id } => rsx! { saisie::Dupliquer { id } },
        Suivi::Profil => rsx! { profil::MonProfil {} },
    }
}

fn chiffres(page: Chiffres) -> Element {
    match page {
        Chiffres::Personnels { du, au, filtres } => {
            rsx! { statistiques::Statistiques { du, au, filtres } }
        }
        Chiffres::Structure {
            id,
            du,
            au,
            conseiller,
            filtres,
        } => {
            rsx! { statistiques::Structure { id, du, au, conseiller, filtres } }
        }
        Chiffres::Partage { jeton } => rsx! { statistiques::Partage { jeton } },
        Chiffres::Nationaux {
            territoire,
            du,
            au,
            canal,
            activite,
        } => {
            rsx! { statistiques::StatistiquesNationales { territoire, du, au, canal, activite } }
        }
    }
}

#[component]
pub fn Connexion() -> Element {
    show(&COMPTES, Comptes::Connexion)
}

#[component]
pub fn Inscription(invitation: String) -> Element {
    show(&COMPTES, Comptes::Inscription { invitation })
}

#[component]
pub fn ConfirmerAdresse(jeton: String) -> Element {
    show(&COMPTES, Comptes::ConfirmerAdresse { jeton })
}

#[component]
pub fn MotDePasseOublie() -> Element {
    show(&COMPTES, Comptes::MotDePasseOublie)
}

#[component]
pub fn NouveauMotDePasse(jeton: String) -> Element {
    show(&COMPTES, Comptes::NouveauMotDePasse { jeton })
}

#[component]
pub fn Historique() -> Element {
    show(&SUIVI, Suivi::Historique)
}

#[component]
pub fn Detail(id: String) -> Element {
    show(&SUIVI, Suivi::Detail { id })
}

#[component]
pub fn Modifier(id: String) -> Element {
    show(&SUIVI, Suivi::Modifier { id })
}

#[component]
pub fn Dupliquer(id: String) -> Element {
    show(&SUIVI, Suivi::Dupliquer { id })
}

#[component]
pub fn MonProfil() -> Element {
    show(&SUIVI, Suivi::Profil)
}

#[component]
pub fn Statistiques(
    du: String,
    au: String,
    commune: String,
    canal: String,
    activite: String,
) -> Element {
    let filtres = [commune, canal, activite];
    show(&CHIFFRES, Chiffres::Personnels { du, au, filtres })
}

#[component]
pub fn Structure(
    id: String,
    du: String,
    au: String,
    conseiller: String,
    commune: String,
    canal: String,
    activite: String,
) -> Element {
    let filtres = [commune, canal, activite];
    show(
        &CHIFFRES,
        Chiffres::Structure {
            id,
            du,
            au,
            conseiller,
            filtres,
        },
    )
}

#[component]
pub fn Partage(jeton: String) -> Element {
    show(&CHIFFRES, Chiffres::Partage { jeton })
}

#[component]
pub fn StatistiquesNationales(
    territoire: String,
    du: String,
    au: String,
    canal: String,
    activite: String,
) -> Element {
    show(
        &CHIFFRES,
        Chiffres::Nationaux {
            territoire,
            du,
            au,
            canal,
            activite,
        },
    )
}

/// The module a route's page is in, if it is not the main one.
fn module_of(route: &Route) -> Option<Module> {
    match route {
        Route::Connexion {}
        | Route::Inscription { .. }
        | Route::ConfirmerAdresse { .. }
        | Route::MotDePasseOublie {}
        | Route::NouveauMotDePasse { .. } => Some(Module::Comptes),
        Route::Historique {}
        | Route::Detail { .. }
        | Route::Modifier { .. }
        | Route::Dupliquer { .. }
        | Route::MonProfil {} => Some(Module::Suivi),
        Route::Statistiques { .. }
        | Route::Structure { .. }
        | Route::StatistiquesNationales { .. }
        | Route::Partage { .. } => Some(Module::Chiffres),
        Route::Saisie {} | Route::CommeLaDerniereFois {} | Route::PageIntrouvable { .. } => None,
    }
}

/// A wasm module of pages (`dx` names its file after the split point's function:
/// `module_<n>_<function>-<hash>.wasm`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Module {
    Comptes,
    Suivi,
    Chiffres,
}

impl Module {
    /// Its split point's [`Pages::load`].
    async fn load(self) -> bool {
        match self {
            Module::Comptes => COMPTES.load().await,
            Module::Suivi => SUIVI.load().await,
            Module::Chiffres => CHIFFRES.load().await,
        }
    }
}

/// The module of the page at `address` (path and query), if not the main one.
fn module_for(address: &str) -> Option<Module> {
    module_of(&address.parse::<Route>().ok()?)
}

/// Brings in the module of the page at `address` (the app needs it before it starts); at once
/// if the page is in the main module.
pub async fn load_for(address: &str) {
    if let Some(module) = module_for(address) {
        module.load().await;
    }
}

/// Past this without its module, a page says so (the module may still come: a slow network).
const SLOW_MODULE: Duration = Duration::from_secs(8);

/// Renders `page` from `pages`' module: at once when the module is in (always so on the server
/// and for the page the app opened on), else "Chargement…" until it comes.
fn show<P: 'static>(pages: &'static Pages<P>, page: P) -> Element {
    let mut arrived = use_signal(|| pages.load().now_or_never() == Some(true));
    let mut slow = use_signal(|| false);
    use_hook(move || {
        if *arrived.peek() {
            return;
        }
        spawn(async move {
            if pages.load().await {
                arrived.set(true);
            }
        });
        spawn(async move {
            browser::sleep(SLOW_MODULE).await;
            if !*arrived.peek() {
                slow.set(true);
            }
        });
    });

    if arrived() {
        if let Some(element) = pages.render(page) {
            return element;
        }
    }
    if slow() {
        let here = router().full_route_string();
        // Not a `main`: within the shell, the page is already inside one.
        return rsx! {
            div { class: "etroite",
                p { class: "fr-error-text", role: "alert",
                    "Cette page ne s'est pas chargée : vérifiez la connexion, puis rechargez-la."
                }
                a { class: "fr-btn", href: "{here}", "Recharger la page" }
            }
        };
    }
    rsx! {
        div { class: "etroite",
            p { class: "chargement", role: "status", "Chargement…" }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{module_for, Module};

    #[test]
    fn the_new_record_form_is_in_the_main_module_and_every_other_page_in_its_group() {
        for address in ["/", "/comme-la-derniere-fois"] {
            assert_eq!(module_for(address), None, "{address}");
        }
        for (address, module) in [
            ("/connexion", Module::Comptes),
            ("/inscription", Module::Comptes),
            ("/inscription?invitation=abc", Module::Comptes),
            ("/adresse/confirmer?jeton=abc", Module::Comptes),
            ("/mot-de-passe-oublie", Module::Comptes),
            ("/mot-de-passe/nouveau?jeton=abc", Module::Comptes),
            ("/historique", Module::Suivi),
            ("/accompagnements/0190", Module::Suivi),
            ("/accompagnements/0190/modifier", Module::Suivi),
            ("/accompagnements/0190/dupliquer", Module::Suivi),
            ("/profil", Module::Suivi),
            (
                "/statistiques?du=2026-01-01&au=2026-01-31",
                Module::Chiffres,
            ),
            (
                "/statistiques/nationales?territoire=&du=&au=",
                Module::Chiffres,
            ),
        ] {
            assert_eq!(module_for(address), Some(module), "{address}");
        }
    }
}
