//! Structures d'accueil: the conseiller's structure and who saw their figures, a structure's
//! figures for its coordinators, read-only links to figures.

use dioxus::fullstack::Json;
use dioxus::prelude::*;

use crate::wire::{
    ApiError, Consultation, CreatedLink, Deleted, MaStructure, NewLink, Shared, SharedLink,
    TeamQuery, TeamStats,
};

#[cfg(feature = "server")]
use crate::server::{structures, AppCtx, SessionCtx};

endpoint! {
    #[get("/api/moi/structure", app: AppCtx, session: SessionCtx)]
    /// "Ma structure": the conseiller's structure, since when, its coordinators, and the
    /// structures they coordinate.
    pub async fn ma_structure() -> Result<MaStructure, ApiError> {
        structures::of_conseiller(&app, session.conseiller_id()?).await
    }
}

endpoint! {
    #[get("/api/moi/consultations", app: AppCtx, session: SessionCtx)]
    /// "Qui a consulté mes statistiques": every view a coordinator made of the conseiller's
    /// figures, newest first.
    pub async fn consultations() -> Result<Vec<Consultation>, ApiError> {
        structures::team::consultations_of(&app, session.conseiller_id()?).await
    }
}

endpoint! {
    #[get("/api/structures/{id}/statistiques?{query}", app: AppCtx, session: SessionCtx)]
    /// A structure's figures for a period, to one of its coordinators: pooled over its
    /// conseillers (or one, `conseiller`), and per conseiller and month. Logged for each
    /// conseiller shown.
    pub async fn statistiques_structure(id: String, query: TeamQuery) -> Result<TeamStats, ApiError> {
        let coordinator = session.conseiller_id()?;
        structures::team::stats(
            &app,
            coordinator,
            &id,
            &query,
            "Statistiques de la structure",
        )
        .await
    }
}

endpoint! {
    #[post("/api/liens", app: AppCtx, session: SessionCtx)]
    /// Makes a read-only link to figures; its token comes back once.
    pub async fn create_link(input: Json<NewLink>) -> Result<CreatedLink, ApiError> {
        structures::links::create(&app, session.conseiller_id()?, input.0).await
    }
}

endpoint! {
    #[get("/api/liens", app: AppCtx, session: SessionCtx)]
    /// The conseiller's links, newest first.
    pub async fn links() -> Result<Vec<SharedLink>, ApiError> {
        structures::links::of_author(&app, session.conseiller_id()?).await
    }
}

endpoint! {
    #[delete("/api/liens/{id}", app: AppCtx, session: SessionCtx)]
    /// Revokes one of the conseiller's links: it answers "lien expiré" from now on.
    pub async fn revoke_link(id: String) -> Result<Deleted, ApiError> {
        structures::links::revoke(&app, session.conseiller_id()?, &id).await?;
        Ok(Deleted { id })
    }
}

endpoint! {
    #[get("/api/partage/{jeton}", app: AppCtx)]
    /// The figures a read-only link shows, to anyone who holds it (no session); 410 once it is
    /// revoked or expired.
    pub async fn shared(jeton: String) -> Result<Shared, ApiError> {
        structures::links::open(&app, &jeton).await
    }
}
