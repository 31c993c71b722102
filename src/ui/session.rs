//! Who is logged in, as the pages need it.

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
pub fn use_profil() -> Signal<ProfilState> {
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
