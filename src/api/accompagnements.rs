//! The conseiller's own records: create (idempotent on the id), list, read, update, delete.

use dioxus::fullstack::Json;
use dioxus::prelude::*;

use crate::domain::AccompagnementInput;
#[cfg(feature = "server")]
use crate::wire::PaintedHistory;
use crate::wire::{ApiError, Deleted, ListQuery, Page, StoredAccompagnement};

#[cfg(feature = "server")]
use crate::server::{store::records, AppCtx, SessionCtx};

endpoint! {
    #[post("/api/accompagnements", app: AppCtx, session: SessionCtx)]
    /// Stores a record. Sending the same id again returns the stored record and stores nothing.
    pub async fn create_accompagnement(
        input: Json<AccompagnementInput>,
    ) -> Result<StoredAccompagnement, ApiError> {
        records::create(&app, session.conseiller_id()?, input.0).await
    }
}

endpoint! {
    #[get("/api/accompagnements?{query}", app: AppCtx, session: SessionCtx)]
    /// The conseiller's records, newest first.
    pub async fn list_accompagnements(
        query: ListQuery,
    ) -> Result<Page<StoredAccompagnement>, ApiError> {
        let today = crate::clock::today_in_paris();
        records::list(
            &app,
            session.conseiller_id()?,
            query.periode(today)?,
            query.page()?,
        )
        .await
    }
}

endpoint! {
    #[get("/api/accompagnements/dernier", app: AppCtx, session: SessionCtx)]
    /// The most recently saved record, to fill the form "comme la dernière fois"; `null` if none.
    pub async fn last_accompagnement() -> Result<Option<StoredAccompagnement>, ApiError> {
        records::last(&app, session.conseiller_id()?).await
    }
}

endpoint! {
    #[get("/api/accompagnements/{id}", app: AppCtx, session: SessionCtx)]
    pub async fn get_accompagnement(id: String) -> Result<StoredAccompagnement, ApiError> {
        records::get(&app, session.conseiller_id()?, id).await
    }
}

endpoint! {
    #[put("/api/accompagnements/{id}", app: AppCtx, session: SessionCtx)]
    /// Replaces every field of a record (the id in the path wins over the one in the body).
    pub async fn update_accompagnement(
        id: String,
        input: Json<AccompagnementInput>,
    ) -> Result<StoredAccompagnement, ApiError> {
        records::update(&app, session.conseiller_id()?, id, input.0).await
    }
}

endpoint! {
    #[delete("/api/accompagnements/{id}", app: AppCtx, session: SessionCtx)]
    pub async fn delete_accompagnement(id: String) -> Result<Deleted, ApiError> {
        records::delete(&app, session.conseiller_id()?, id).await
    }
}

/// The history's first page, painted into the page the server renders for the conseiller whose
/// session the request carries, if the phone says it holds that account too: the list shows
/// before the wasm arrives (on a slow connection, seconds). The page is then marked
/// `no-store`, so that neither the browser's cache nor the service worker keeps it (a shared
/// tablet). `None` in the browser, without a live session, and when the database does not
/// answer: the browser then asks as it always does.
///
/// It travels in the page as JSON text, which the browser reads with the decoder its API
/// answers already use: decoding the record types from the hydration's own format (CBOR)
/// added 12 KB (brotli) to the wasm of every first visit.
pub async fn painted_history() -> Option<String> {
    #[cfg(feature = "server")]
    {
        let context = dioxus::fullstack::FullstackContext::current()?;
        let app = context.extension::<crate::server::AppState>()?;
        let headers = context.parts_mut().headers.clone();
        let not_painted = |error: ApiError| {
            tracing::warn!(%error, "history not painted by the server");
        };
        // Only for the account the phone itself holds (a shared tablet after a logout made
        // offline still sends the old session cookie); without one, no database query.
        let phone_owner = crate::server::accounts::sessions::phone_owner(&headers)?;
        let owner = crate::server::accounts::sessions::conseiller_of(&app, &headers)
            .await
            .map_err(not_painted)
            .ok()??;
        if owner.as_str() != phone_owner {
            return None;
        }
        let opening = ListQuery::history_opening();
        let periode = opening.periode(crate::clock::today_in_paris()).ok()?;
        let page = records::list(&app, &owner, periode, opening.page().ok()?)
            .await
            .map_err(not_painted)
            .ok()?;
        context.add_response_header(
            axum::http::header::CACHE_CONTROL,
            axum::http::HeaderValue::from_static("no-store"),
        );
        serde_json::to_string(&PaintedHistory { owner, page }).ok()
    }
    #[cfg(not(feature = "server"))]
    None
}
