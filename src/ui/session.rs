//! Who is logged in, shared by every page under the shell, and how a session begins and ends
//! on the phone.
//!
//! The app opens at once on the profile kept on the phone (it works offline and on a network
//! that never answers), then asks the server. Whatever ends a session (logout, expiry, a
//! cookie that belongs to someone else) wipes that conseiller's copies from the phone and
//! leaves their unsent changes sealed to them: a shared phone never mixes two accounts.

use dioxus::fullstack::Json;
use dioxus::prelude::*;
use dioxus::router::Navigator;

use super::Route;
use crate::api::{self, ApiError, Confirmed, Jeton, ListQuery, SignUpAnswer};
use crate::domain::{Accompagnement, ConseillerId, Credentials, Profil, SignupInput};
use crate::offline::network::{self, within};
use crate::offline::phone::SessionEnd;
use crate::offline::{outbox, phone};

#[derive(Clone, Debug, PartialEq)]
pub enum ProfilState {
    Loading,
    Ready(Profil),
    Failed(String),
}

impl ProfilState {
    /// The profile, once it is loaded.
    pub fn profil(&self) -> Option<&Profil> {
        match self {
            ProfilState::Ready(profil) => Some(profil),
            _ => None,
        }
    }

    /// Whose data the pages may show: no one until the profile is loaded.
    pub fn owner(&self) -> Option<ConseillerId> {
        self.profil().map(|profil| profil.id.clone())
    }
}

/// Set when a session ended on its own (expiry, another account): the login page says so.
pub static SESSION_EXPIRED: GlobalSignal<bool> = Signal::global(|| false);
/// Set when the conseiller just deleted their account: the login page says so.
pub static ACCOUNT_DELETED: GlobalSignal<bool> = Signal::global(|| false);

/// Loads the profile once the page runs in the browser: first the copy kept on the phone,
/// then the server's. Without a session, goes to the login page. Nothing is loaded during
/// server rendering, so hydration sees "Loading" too.
pub fn use_profil_loader() -> Signal<ProfilState> {
    let state = use_signal(|| ProfilState::Loading);
    let nav = navigator();
    use_effect(move || {
        // "Réessayer" loads again.
        network::RETRY.read();
        spawn(load(state, nav));
    });
    use_future(move || async move {
        // The session changed: here (a logout), in another tab (someone else logged in) or
        // in the outbox (the server said it is over).
        let mut changes = phone::session_changes().await;
        while let Some(change) = changes.next().await {
            match (&*state.peek(), change.owner) {
                (ProfilState::Ready(profil), Some(owner)) if profil.id == owner => {}
                (_, None) => {
                    *SESSION_EXPIRED.write() = change.expired;
                    nav.replace(Route::Connexion {});
                }
                (_, Some(_)) => {
                    spawn(load(state, nav));
                }
            }
        }
    });
    state
}

async fn load(mut state: Signal<ProfilState>, nav: Navigator) {
    let on_phone = phone::session().await;
    if on_phone.logout_pending {
        finish_logout().await;
        nav.replace(Route::Connexion {});
        return;
    }
    if let Some(owner) = &on_phone.owner {
        phone::claim_requests(Some(owner));
        if let Some(kept) = phone::PROFIL.load().await {
            if *state.peek() != ProfilState::Ready(kept.clone()) {
                state.set(ProfilState::Ready(kept));
            }
        }
    }
    match within(network::QUICK, api::current_profil()).await {
        Ok(profil) => {
            // Ready first: the session change this announces is then already known here.
            state.set(ProfilState::Ready(profil.clone()));
            if let Err(error) = phone::begin_session(&profil).await {
                tracing::warn!("session not kept on the phone: {error}");
            }
            spawn(keep_first_page(profil.id));
        }
        Err(ApiError::Unauthorized | ApiError::WrongAccount) => {
            session_over(nav).await;
        }
        // No answer: what the phone keeps is enough to record. Nobody's session on this
        // phone: the login page (kept by the service worker).
        Err(_) if matches!(*state.peek(), ProfilState::Ready(_)) => {}
        Err(_) if on_phone.owner.is_none() => {
            nav.replace(Route::Connexion {});
        }
        Err(error) => state.set(ProfilState::Failed(error.to_string())),
    }
}

/// The server says the session is over: wipe it from the phone and ask to log in.
async fn session_over(nav: Navigator) {
    phone::end_session(SessionEnd::Expired).await;
    *SESSION_EXPIRED.write() = true;
    nav.replace(Route::Connexion {});
}

/// Asks the server within `limit` (see [`within`]); a session found over ends on the phone
/// and leads to the login page.
pub async fn ask<T>(
    limit: std::time::Duration,
    request: impl std::future::Future<Output = Result<T, ApiError>>,
) -> Result<T, ApiError> {
    let result = within(limit, request).await;
    if matches!(result, Err(ApiError::Unauthorized | ApiError::WrongAccount)) {
        session_over(navigator()).await;
    }
    result
}

/// The conseiller's last record: the server's (kept on the phone for offline use), else the
/// copy the phone kept.
pub async fn last_record(owner: &ConseillerId) -> Option<Accompagnement> {
    match ask(network::QUICK, api::last_accompagnement()).await {
        Ok(found) => {
            let found = found.map(|stored| stored.accompagnement);
            phone::DERNIER.keep(owner, &found).await;
            found
        }
        Err(_) => phone::DERNIER.load().await.flatten(),
    }
}

/// Logs in (or signs up), then makes the phone this conseiller's and sends what they left
/// waiting on it.
pub async fn log_in(credentials: Credentials) -> Result<(), ApiError> {
    finish_logout().await;
    let profil = within(network::WRITE, api::log_in(Json(credentials))).await?;
    opened(&profil).await;
    Ok(())
}

/// Signs up: logged in at once with an invitation, else a link went to the address.
pub async fn sign_up(input: SignupInput) -> Result<SignUpAnswer, ApiError> {
    finish_logout().await;
    let answer = within(network::WRITE, api::sign_up(Json(input))).await?;
    if let SignUpAnswer::Connecte { profil } = &answer {
        opened(profil).await;
    }
    Ok(answer)
}

/// Follows a mailed link: a sign-up's opens the account and logs it in here.
pub async fn confirm_address(jeton: String) -> Result<Confirmed, ApiError> {
    finish_logout().await;
    let answer = within(network::WRITE, api::confirm_address(Json(Jeton { jeton }))).await?;
    if let Confirmed::CompteOuvert { profil } = &answer {
        opened(profil).await;
    }
    Ok(answer)
}

async fn opened(profil: &Profil) {
    *SESSION_EXPIRED.write() = false;
    *ACCOUNT_DELETED.write() = false;
    if let Err(error) = phone::begin_session(profil).await {
        tracing::warn!("session not kept on the phone: {error}");
    }
    outbox::flush_soon();
}

/// Logs out: at once on the phone (everything of this conseiller is wiped but their unsent
/// changes), and on the server from the login page this leads to: now, or, offline, as soon
/// as it answers.
pub async fn log_out() {
    phone::end_session(SessionEnd::Logout).await;
}

/// Tells the server of a logout made on the phone, if one waits. Whether it is done.
pub async fn finish_logout() -> bool {
    if !phone::session().await.logout_pending {
        return true;
    }
    match within(network::WRITE, api::log_out()).await {
        Ok(()) | Err(ApiError::Unauthorized) => {
            phone::logout_done().await;
            true
        }
        Err(_) => false,
    }
}

/// The logged-in conseiller's profile, for pages rendered inside the shell (which only
/// renders them once the profile is loaded).
pub fn current_profil() -> Profil {
    profil_if_loaded().expect("pages under the shell render only once the profile is loaded")
}

/// The logged-in conseiller's profile if it is loaded yet: the tabs' first pages (form,
/// history, statistics) render their frame before (on the server too), and what is personal
/// when it comes.
pub fn profil_if_loaded() -> Option<Profil> {
    use_context::<Signal<ProfilState>>()
        .read()
        .profil()
        .cloned()
}

/// Replaces the profile everyone sees (after the Profil page saved it).
pub fn set_profil(profil: Profil) {
    let owner = profil.id.clone();
    let kept = profil.clone();
    spawn(async move { phone::PROFIL.keep(&owner, &kept).await });
    use_context::<Signal<ProfilState>>().set(ProfilState::Ready(profil));
}

/// Keeps the first page of the history on the phone, to show it offline.
pub async fn keep_first_page(owner: ConseillerId) {
    let opening = ListQuery::history_opening();
    if let Ok(page) = within(network::READ, api::list_accompagnements(opening)).await {
        phone::HISTORIQUE.keep(&owner, &page.items).await;
    }
}
