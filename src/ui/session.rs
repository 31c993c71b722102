//! Who is logged in, shared by every page under the shell.

use dioxus::prelude::*;

use super::Route;
use crate::api::{self, ApiError};
use crate::domain::Profil;
use crate::offline;

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
                Ok(profil) => {
                    offline::keep_profil(&profil);
                    state.set(ProfilState::Ready(profil));
                }
                Err(ApiError::Unauthorized) => {
                    navigator().replace(Route::Connexion {});
                }
                // Offline: the profile kept on the phone is enough to record.
                Err(error) => match offline::kept_profil().await {
                    Some(profil) => state.set(ProfilState::Ready(profil)),
                    None => state.set(ProfilState::Failed(error.to_string())),
                },
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
    offline::keep_profil(&profil);
    use_context::<Signal<ProfilState>>().set(ProfilState::Ready(profil));
}
