//! The conseiller's own records: create (idempotent on the id), list, read, update, delete.

use chrono::{DateTime, NaiveDate, Utc};
use dioxus::fullstack::Json;
use dioxus::prelude::*;
use serde::{Deserialize, Serialize};

use super::ApiError;
use crate::domain::{Accompagnement, AccompagnementInput};

#[cfg(feature = "server")]
use crate::server::{records, AppCtx, SessionCtx};

/// A record as the server keeps it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredAccompagnement {
    #[serde(flatten)]
    pub accompagnement: Accompagnement,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Which records to list: a period (inclusive, both ends optional) and a page.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ListQuery {
    pub du: Option<NaiveDate>,
    pub au: Option<NaiveDate>,
    /// From 1.
    pub page: Option<u32>,
    pub par_page: Option<u32>,
}

pub const PAR_PAGE_DEFAULT: u32 = 50;
pub const PAR_PAGE_MAX: u32 = 200;

/// One page of a list, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub page: u32,
    pub par_page: u32,
    /// Items in the whole period, across pages.
    pub total: u64,
}

/// Stores a record. Sending the same id again returns the stored record and stores nothing.
#[post("/api/accompagnements", app: AppCtx, session: SessionCtx)]
pub async fn create_accompagnement(
    input: Json<AccompagnementInput>,
) -> Result<StoredAccompagnement, ApiError> {
    records::create(&app, &session, input.0).await
}

/// The conseiller's records, newest first.
#[get("/api/accompagnements?{query}", app: AppCtx, session: SessionCtx)]
pub async fn list_accompagnements(
    query: ListQuery,
) -> Result<Page<StoredAccompagnement>, ApiError> {
    records::list(&app, &session, query).await
}

/// The most recently saved record, to fill the form "comme la dernière fois"; `null` if none.
#[get("/api/accompagnements/dernier", app: AppCtx, session: SessionCtx)]
pub async fn last_accompagnement() -> Result<Option<StoredAccompagnement>, ApiError> {
    records::last(&app, &session).await
}

#[get("/api/accompagnements/{id}", app: AppCtx, session: SessionCtx)]
pub async fn get_accompagnement(id: String) -> Result<StoredAccompagnement, ApiError> {
    records::get(&app, &session, id).await
}

/// Replaces every field of a record (the id in the path wins over the one in the body).
#[put("/api/accompagnements/{id}", app: AppCtx, session: SessionCtx)]
pub async fn update_accompagnement(
    id: String,
    input: Json<AccompagnementInput>,
) -> Result<StoredAccompagnement, ApiError> {
    records::update(&app, &session, id, input.0).await
}

/// What a deletion answers: the id, so that the phone knows which change the server took.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deleted {
    pub id: String,
}

#[delete("/api/accompagnements/{id}", app: AppCtx, session: SessionCtx)]
pub async fn delete_accompagnement(id: String) -> Result<Deleted, ApiError> {
    records::delete(&app, &session, id).await
}
