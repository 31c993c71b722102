//! What the phone keeps between two openings of the app, and whose it is.
//!
//! A phone can be shared (a tablet at a France Services counter): the phone's session has an
//! owner, every copy kept is tagged with its conseiller, and only the owner's are read back.
//! When a session ends, every copy of that conseiller is wiped; their unsent changes stay in
//! the outbox, sealed to them, until they log in again (`public/store.js`).

use std::marker::PhantomData;

use super::js::{self, from_js, in_browser, to_js, Follow, PhoneError};
use crate::domain::stats::Stats;
use crate::domain::{Accompagnement, CommuneInput, ConseillerId, Profil};
use crate::wire::{StatsQuery, StoredAccompagnement};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// Whose session the phone holds.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct PhoneSession {
    pub owner: Option<ConseillerId>,
    /// A logout made offline that the server has not heard of yet.
    #[serde(default, rename = "logoutPending")]
    pub logout_pending: bool,
}

pub async fn session() -> PhoneSession {
    async {
        in_browser()?;
        from_js::<PhoneSession>(js::session().await?)
    }
    .await
    .unwrap_or_default()
}

/// The phone now belongs to this conseiller: another one's copies are wiped, the profile is
/// kept, and every request names its owner (`X-Conum-Owner`), so the server refuses it if
/// the phone's cookie belongs to someone else.
pub async fn begin_session(profil: &Profil) -> Result<(), PhoneError> {
    in_browser()?;
    claim_requests(Some(&profil.id));
    js::begin_session(profil.id.as_str()).await?;
    PROFIL.keep(&profil.id, profil).await;
    Ok(())
}

/// Why a session ends on the phone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SessionEnd {
    /// The conseiller logged out (the server hears of it when it answers).
    Logout,
    /// The server said the session is over (expired, or the cookie is another account's).
    Expired,
    /// The account was deleted.
    Deleted,
}

/// The session is over on this phone: every copy kept for it is wiped; its unsent changes
/// stay sealed to their owner.
pub async fn end_session(why: SessionEnd) {
    claim_requests(None);
    let why = match why {
        SessionEnd::Logout => "logout",
        SessionEnd::Expired => "expired",
        SessionEnd::Deleted => "deleted",
    };
    if in_browser().is_ok() {
        if let Err(error) = js::end_session(why).await {
            tracing::error!("cannot end the session on the phone: {error:?}");
        }
    }
}

/// The server heard of the logout made offline.
pub async fn logout_done() {
    if in_browser().is_ok() {
        let _ = js::logout_done().await;
    }
}

/// A change of the phone's session, in any context of the app (this page, another tab, the
/// service worker).
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct SessionChange {
    /// The new owner; none when the session ended.
    pub owner: Option<ConseillerId>,
    /// The session ended otherwise than by a logout (expired, another account's cookie).
    #[serde(default)]
    pub expired: bool,
}

/// Every change of the phone's session from now on (none outside the browser), for a task
/// of the app; dropping it stops the listening.
pub async fn session_changes() -> Follow<SessionChange> {
    js::session_updates().await
}

/// Names the account every request of the app is made for (none: the header is dropped).
pub fn claim_requests(owner: Option<&ConseillerId>) {
    crate::api::client::claim_requests(owner.map(ConseillerId::as_str));
}

/// One kind of copy kept on the phone, read and written with its type.
pub struct Kept<T> {
    name: &'static str,
    kind: PhantomData<fn() -> T>,
}

impl<T: Serialize + DeserializeOwned> Kept<T> {
    const fn new(name: &'static str) -> Self {
        Kept {
            name,
            kind: PhantomData,
        }
    }

    /// Keeps `value` for `owner` (dropped if the phone's session is no longer theirs).
    pub async fn keep(&self, owner: &ConseillerId, value: &T) {
        let kept = async {
            in_browser()?;
            js::keep(self.name, owner.as_str(), to_js(value)?).await?;
            Ok::<_, PhoneError>(())
        };
        if let Err(error) = kept.await {
            tracing::warn!("{} not kept on the phone: {error}", self.name);
        }
    }

    /// The copy kept for the phone's current session, if any.
    pub async fn load(&self) -> Option<T> {
        async {
            in_browser()?;
            from_js::<Option<T>>(js::kept(self.name).await?)
        }
        .await
        .ok()
        .flatten()
    }
}

/// The profile: the app opens on it without the network.
pub const PROFIL: Kept<Profil> = Kept::new("profil");
/// The last record, for "Comme la dernière fois".
pub const DERNIER: Kept<Option<Accompagnement>> = Kept::new("dernier");
/// The first page of the history.
pub const HISTORIQUE: Kept<Vec<StoredAccompagnement>> = Kept::new("historique");
/// The last statistics fetched, with the request that asked for them (its period: "since
/// the start" is not a date).
pub const STATISTIQUES: Kept<(StatsQuery, Stats)> = Kept::new("statistiques");
/// The communes used lately, first in the picker.
pub const COMMUNES_RECENTES: Kept<Vec<CommuneInput>> = Kept::new("communes_recentes");
