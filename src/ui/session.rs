//! Who is logged in, shared by every page under the shell.

use dioxus::prelude::*;

use super::Route;
use crate::api::{self, ApiError};
use crate::domain::Profil;

#[derive(Clone, Debug, PartialEq)]
pub enum ProfilState {
    Loading,
    Ready(Profil),
    Failed(String),
}

/// Loads the profile once the page runs in the browser; without a session, goes to the
/// login page. Nothing is loaded during server rendering, so hydration sees "Loading" too.
pub fn use_profil_loader() -> Signal<ProfilState> {
    let mut state = use_signal(|| ProfilState::Loading);
    use_effect(move || {
        spawn(async move {
            match api::current_profil().await {
                Ok(profil) => state.set(ProfilState::Ready(profil)),
                Err(ApiError::Unauthorized) => {
                    navigator().replace(Route::Connexion {});
                }
                Err(error) => state.set(ProfilState::Failed(error.to_string())),
            }
        });
    });
    state
}

/// The logged-in conseiller's profile, for pages rendered inside the shell (which only
/// renders them once the profile is loaded).
pub fn current_profil() -> Profil {
    match use_context::<Signal<ProfilState>>()() {
        ProfilState::Ready(profil) => profil,
        _ => unreachable!("pages under the shell render only once the profile is loaded"),
    }
}

/// Replaces the profile everyone sees (after the Profil page saved it).
pub fn set_profil(profil: Profil) {
    use_context::<Signal<ProfilState>>().set(ProfilState::Ready(profil));
}
