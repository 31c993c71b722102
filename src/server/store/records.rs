//! Storage of accompagnements. Every query is scoped to the session's conseiller: another
//! conseiller's record is, for all purposes here, a record that does not exist.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Utc};

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use uuid::Uuid;

use crate::clock;
use crate::domain::accompagnement::{RedirectionInput, SuiviInput, FIRST_DATE};
use crate::domain::filtres::Filtres;
use crate::domain::mois::Mois;
use crate::domain::stats::Periode;
use crate::domain::vocabulary::Field;
use crate::domain::{Accompagnement, AccompagnementInput, CommuneInput, ConseillerId, PageRequest};
use crate::server::accounts::attempts;
use crate::server::store::bulk::{self, Value};
use crate::server::store::db::{parameters, AnyQuery};
use crate::server::{http::errors, stats::counters, store::communes, AppState};
use crate::wire::{ApiError, Deleted, Page, StoredAccompagnement};

/// The record's own columns (not its id, its owner, its timestamps), in the order
/// [`bind_fields`] binds them.
macro_rules! fields {
    () => {
        "date, activite, participants, deja_accompagnes, commune_insee, commune_nom, \
         commune_code_postal, canal, duree_minutes, suivi_individuel, suivi_atelier, \
         suivi_redirection, annotation"
    };
}
const FIELDS: &str = fields!();

/// Every column read back.
const COLUMNS: &str = concat!("id, ", fields!(), ", created_at, updated_at");

/// Every column a new record writes, in the order of [`record_row`].
pub(crate) const COLUMNS_WRITTEN: &str =
    concat!("conseiller_id, id, ", fields!(), ", created_at, updated_at");

/// Binds the record's own columns, in the order of [`FIELDS`].
fn bind_fields<'q>(query: AnyQuery<'q>, record: &'q Accompagnement) -> AnyQuery<'q> {
    query
        .bind(record.date().to_string())
        .bind(record.activite().code())
        .bind(i64::from(record.participants()))
        .bind(record.deja_accompagnes().map(i64::from))
        .bind(record.commune().insee())
        .bind(record.commune().nom())
        .bind(record.commune().code_postal())
        .bind(record.canal().code())
        .bind(i64::from(record.duree_minutes()))
        .bind(i64::from(record.suivi().individuel))
        .bind(i64::from(record.suivi().atelier))
        .bind(i64::from(record.suivi().redirection))
        .bind(record.annotation())
}

/// What became of a record sent to be created.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Created {
    /// Stored by this save, durably, with this time of creation.
    New { at: DateTime<Utc> },
    /// Its id was already stored (sent before, or someone else's): nothing written.
    AlreadyThere,
}

/// Newest first; the id breaks ties so that pages never overlap.
const NEWEST_FIRST: &str = "ORDER BY date DESC, created_at DESC, id DESC";

pub async fn create(
    app: &AppState,
    owner: &ConseillerId,
    input: AccompagnementInput,
) -> Result<StoredAccompagnement, ApiError> {
    let record = checked(input)?;
    let id = record.id();
    // Written in a group with the saves arriving at the same time (`records_writer`).
    match app.records.create(owner, record.clone()).await? {
        Created::New { at } => {
            late_edit(app, &[&record]);
            // What the database now holds, as a read would give it back.
            Ok(StoredAccompagnement {
                accompagnement: record,
                created_at: at,
                updated_at: at,
            })
        }
        // Sent before (a retry): answer with what is stored; someone else's: refused.
        Created::AlreadyThere => read_one(app, owner, id).await?.ok_or(ApiError::IdTaken),
    }
}

/// Stores a batch of new records (`owner`, record), in the caller's transaction (the
/// records writer's), each with its own outcome in the batch's order. A record whose id is
/// already stored (a retry, someone else's, or twice in the batch) is `AlreadyThere`; those
/// past their owner's daily quota are taken out again, the last first. The records' lists
/// and the counters are written once for the whole batch: a handful of statements, whatever
/// its size.
pub(super) async fn insert_batch(
    tx: &mut AnyConnection,
    batch: &[(&ConseillerId, &Accompagnement)],
    at: DateTime<Utc>,
    records_per_day: usize,
) -> Result<Vec<Result<Created, ApiError>>, ApiError> {
    // As the database keeps it (to the microsecond), so that the answer equals a read.
    let stamp = clock::to_db(at);
    let at = clock::from_db(&stamp).map_err(errors::internal)?;
    let mut firsts = HashSet::new();
    let rows: Vec<Vec<Value>> = batch
        .iter()
        .filter(|(_, record)| firsts.insert(record.id()))
        .map(|(owner, record)| record_row(owner.as_str(), record, &stamp, &stamp))
        .collect();
    let wanted = rows.len() as u64;
    let stored = bulk::insert_new(
        tx,
        &format!("accompagnements ({COLUMNS_WRITTEN})"),
        "id",
        rows,
    )
    .await?;
    let firsts: Vec<String> = firsts.into_iter().map(|id| id.to_string()).collect();
    let inserted: HashSet<String> = if stored == wanted {
        firsts.into_iter().collect()
    } else {
        stamped_by_this_batch(tx, &firsts, &stamp).await?
    };
    let mut claimed = HashSet::new();
    let mut outcomes: Vec<Result<Created, ApiError>> = batch
        .iter()
        .map(|(_, record)| {
            let id = record.id().to_string();
            if inserted.contains(&id) && claimed.insert(id) {
                Ok(Created::New { at })
            } else {
                Ok(Created::AlreadyThere)
            }
        })
        .collect();
    let refused = past_the_quota(tx, batch, &mut outcomes, records_per_day).await?;
    if !refused.is_empty() {
        let sql = format!(
            "DELETE FROM accompagnements WHERE id IN ({})",
            parameters(1, refused.len())
        );
        let mut delete = sqlx::query(&sql);
        for id in &refused {
            delete = delete.bind(id.clone());
        }
        delete.execute(&mut *tx).await?;
    }
    let mut lists = ChildRows::default();
    let mut created: BTreeMap<&ConseillerId, Vec<&Accompagnement>> = BTreeMap::new();
    for ((owner, record), outcome) in batch.iter().zip(&outcomes) {
        if matches!(outcome, Ok(Created::New { .. })) {
            lists.add(record);
            created.entry(owner).or_default().push(record);
        }
    }
    lists.insert(tx).await?;
    counters::records_created(tx, &created).await?;
    Ok(outcomes)
}

/// Which of `ids` this batch inserted, when some were stored already (a retry, someone
/// else's id): those created at the batch's own stamp (to the microsecond).
async fn stamped_by_this_batch(
    tx: &mut AnyConnection,
    ids: &[String],
    stamp: &str,
) -> Result<HashSet<String>, ApiError> {
    let sql = format!(
        "SELECT id FROM accompagnements WHERE created_at = $1 AND id IN ({})",
        parameters(2, ids.len())
    );
    let mut query = sqlx::query_scalar::<_, String>(&sql).bind(stamp);
    for id in ids {
        query = query.bind(id);
    }
    Ok(query.fetch_all(&mut *tx).await?.into_iter().collect())
}

/// Turns the records of the batch past their owner's daily quota
/// (`accounts::attempts::records_per_day`) into refusals, the last of the batch first: their
/// ids. Counted on one row per conseiller, whatever the number of records of their day.
async fn past_the_quota(
    tx: &mut AnyConnection,
    batch: &[(&ConseillerId, &Accompagnement)],
    outcomes: &mut [Result<Created, ApiError>],
    records_per_day: usize,
) -> Result<Vec<String>, ApiError> {
    let mut new_by_owner: BTreeMap<&ConseillerId, Vec<usize>> = BTreeMap::new();
    for (i, (owner, _)) in batch.iter().enumerate() {
        if matches!(outcomes[i], Ok(Created::New { .. })) {
            new_by_owner.entry(*owner).or_default().push(i);
        }
    }
    let counts: Vec<(&str, usize)> = new_by_owner
        .iter()
        .map(|(owner, new)| (owner.as_str(), new.len()))
        .collect();
    let limit = attempts::records_per_day(records_per_day);
    let excesses = attempts::take_many(tx, limit, &counts).await?;
    let mut refused = Vec::new();
    for ((owner, new), excess) in new_by_owner.iter().zip(excesses) {
        if excess > 0 {
            tracing::warn!(conseiller = %owner, excess, "records over the daily quota");
        }
        for &i in &new[new.len() - excess..] {
            outcomes[i] = Err(ApiError::DailyQuota {
                max: records_per_day as u64,
            });
            refused.push(batch[i].1.id().to_string());
        }
    }
    Ok(refused)
}

/// A record's row in `accompagnements`, in the order of [`COLUMNS_WRITTEN`].
pub(crate) fn record_row(
    owner: &str,
    record: &Accompagnement,
    created_at: &str,
    updated_at: &str,
) -> Vec<Value> {
    let suivi = record.suivi();
    vec![
        owner.to_owned().into(),
        record.id().to_string().into(),
        record.date().to_string().into(),
        record.activite().code().to_owned().into(),
        Value::Int(i64::from(record.participants())),
        record
            .deja_accompagnes()
            .map_or(Value::NullInt, |n| Value::Int(i64::from(n))),
        record.commune().insee().to_owned().into(),
        record.commune().nom().to_owned().into(),
        record.commune().code_postal().to_owned().into(),
        record.canal().code().to_owned().into(),
        Value::Int(i64::from(record.duree_minutes())),
        Value::Int(i64::from(suivi.individuel)),
        Value::Int(i64::from(suivi.atelier)),
        Value::Int(i64::from(suivi.redirection)),
        record
            .annotation()
            .map_or(Value::NullText, |a| a.to_owned().into()),
        created_at.to_owned().into(),
        updated_at.to_owned().into(),
    ]
}

/// The rows of records' lists (themes, publics, redirections), gathered to be written in a
/// few multi-row statements.
#[derive(Default)]
pub(crate) struct ChildRows {
    themes: Vec<Vec<Value>>,
    publics: Vec<Vec<Value>>,
    redirections: Vec<Vec<Value>>,
}

impl ChildRows {
    pub fn add(&mut self, record: &Accompagnement) {
        let id = record.id().to_string();
        for theme in record.thematiques() {
            self.themes
                .push(vec![id.clone().into(), theme.code().to_owned().into()]);
        }
        let ages = record.ages().iter().map(|(k, n)| ("age", k.code(), *n));
        let statuts = record
            .statuts()
            .iter()
            .map(|(k, n)| ("statut", k.code(), *n));
        for (dimension, code, personnes) in ages.chain(statuts) {
            self.publics.push(vec![
                id.clone().into(),
                dimension.to_owned().into(),
                code.to_owned().into(),
                Value::Int(i64::from(personnes)),
            ]);
        }
        for (rang, redirection) in record.redirections().iter().enumerate() {
            self.redirections.push(vec![
                id.clone().into(),
                Value::Int(rang as i64),
                redirection.structure.code().to_owned().into(),
                redirection
                    .precision
                    .clone()
                    .map_or(Value::NullText, Value::Text),
                Value::Int(i64::from(redirection.personnes)),
            ]);
        }
    }

    pub async fn insert(self, conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
        bulk::insert(
            conn,
            "accompagnement_thematiques (accompagnement_id, thematique)",
            self.themes,
        )
        .await?;
        bulk::insert(
            conn,
            "accompagnement_publics (accompagnement_id, dimension, code, personnes)",
            self.publics,
        )
        .await?;
        bulk::insert(
            conn,
            "accompagnement_redirections (accompagnement_id, rang, structure, structure_autre, personnes)",
            self.redirections,
        )
        .await
    }
}

/// The rules of domain.md §1, then the commune against the official list.
fn checked(input: AccompagnementInput) -> Result<Accompagnement, ApiError> {
    let record = Accompagnement::parse(input, clock::today_in_paris())?;
    let commune = communes::official(record.commune(), Field::Commune.code())?;
    Ok(record.with_commune(commune))
}

/// The conseiller's most recently saved record ("Comme la dernière fois"): found among the
/// owner's entries of `accompagnements_by_owner` (created_at is in it), without a table row
/// read until the one found; an index of its own cost every save a page write.
pub async fn last(
    app: &AppState,
    owner: &ConseillerId,
) -> Result<Option<StoredAccompagnement>, ApiError> {
    let id: Option<String> = sqlx::query_scalar(
        "SELECT id FROM accompagnements WHERE conseiller_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1",
    )
    .bind(owner)
    .fetch_optional(&app.db.pool)
    .await?;
    match id {
        Some(id) => read_one(app, owner, record_id(&id)?).await,
        None => Ok(None),
    }
}

pub async fn get(
    app: &AppState,
    owner: &ConseillerId,
    id: String,
) -> Result<StoredAccompagnement, ApiError> {
    let id = record_id(&id)?;
    read_one(app, owner, id).await?.ok_or(ApiError::NotFound)
}

pub async fn update(
    app: &AppState,
    owner: &ConseillerId,
    id: String,
    mut input: AccompagnementInput,
) -> Result<StoredAccompagnement, ApiError> {
    let id = record_id(&id)?;
    input.id = id.to_string();
    let record = checked(input)?;
    let mut tx = app.db.write().await?;
    let before = lock(&mut tx, owner, id).await?;
    let sql = format!(
        "UPDATE accompagnements SET ({FIELDS}, updated_at)
             = ($3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
         WHERE id = $1 AND conseiller_id = $2"
    );
    let update = sqlx::query(&sql).bind(id.to_string()).bind(owner);
    bind_fields(update, &record)
        .bind(clock::to_db(clock::now()))
        .execute(&mut *tx)
        .await?;
    delete_children(&mut tx, id).await?;
    insert_children(&mut tx, &record).await?;
    counters::record_changed(&mut tx, owner, Some(&before), Some(&record)).await?;
    let stored = fetch_one(&mut tx, owner, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    tx.commit().await?;
    late_edit(app, &[&before, &record]);
    Ok(stored)
}

/// Records of months that are over changed: the national figures of those months are read
/// again (a month under way is never pooled, so a change to it costs nothing there).
fn late_edit(app: &AppState, records: &[&Accompagnement]) {
    let this_month = Mois::of(clock::today_in_paris());
    for record in records {
        let mois = Mois::of(record.date());
        if mois < this_month {
            app.national.forget(mois);
        }
    }
}

/// Takes the record for this transaction (a write first: SQLite's write lock at once,
/// Postgres's row lock) and reads it as it is before the change; 404 if not the owner's.
async fn lock(
    tx: &mut AnyConnection,
    owner: &ConseillerId,
    id: Uuid,
) -> Result<Accompagnement, ApiError> {
    let locked = sqlx::query(
        "UPDATE accompagnements SET updated_at = updated_at WHERE id = $1 AND conseiller_id = $2",
    )
    .bind(id.to_string())
    .bind(owner)
    .execute(&mut *tx)
    .await?;
    if locked.rows_affected() == 0 {
        return Err(ApiError::NotFound);
    }
    let stored = fetch_one(tx, owner, id).await?.ok_or(ApiError::NotFound)?;
    Ok(stored.accompagnement)
}

pub async fn delete(app: &AppState, owner: &ConseillerId, id: String) -> Result<Deleted, ApiError> {
    let id = record_id(&id)?;
    let mut tx = app.db.write().await?;
    let before = lock(&mut tx, owner, id).await?;
    counters::record_changed(&mut tx, owner, Some(&before), None).await?;
    delete_children(&mut tx, id).await?;
    sqlx::query("DELETE FROM accompagnements WHERE id = $1 AND conseiller_id = $2")
        .bind(id.to_string())
        .bind(owner)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    late_edit(app, &[&before]);
    tracing::info!(conseiller = %owner, %id, "record deleted");
    Ok(Deleted { id: id.to_string() })
}

pub async fn list(
    app: &AppState,
    owner: &ConseillerId,
    periode: Periode,
    page: PageRequest,
) -> Result<Page<StoredAccompagnement>, ApiError> {
    let (du, au) = (periode.du.to_string(), periode.au.to_string());
    let offset = i64::try_from(page.offset()).unwrap_or(i64::MAX);
    let PageRequest { page, par_page } = page;
    let mut tx = app.db.snapshot().await?;
    let total: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM accompagnements WHERE conseiller_id = $1 AND date >= $2 AND date <= $3",
    )
    .bind(owner)
    .bind(&du)
    .bind(&au)
    .fetch_one(&mut *tx)
    .await?;
    let page_ids = format!(
        "SELECT id FROM accompagnements WHERE conseiller_id = $1 AND date >= $2 AND date <= $3 {NEWEST_FIRST} LIMIT $4 OFFSET $5"
    );
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM accompagnements WHERE id IN ({page_ids}) {NEWEST_FIRST}"
    ))
    .bind(owner)
    .bind(&du)
    .bind(&au)
    .bind(i64::from(par_page))
    .bind(offset)
    .fetch_all(&mut *tx)
    .await?;
    let children = Children::load(&mut tx, &page_ids, |q| {
        q.bind(owner.to_owned())
            .bind(du.clone())
            .bind(au.clone())
            .bind(i64::from(par_page))
            .bind(offset)
    })
    .await?;
    tx.commit().await?;
    let items = rows
        .iter()
        .map(|row| children.assemble(row))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Page {
        items,
        page,
        par_page,
        total: total as u64,
    })
}

/// Every record of a conseiller (a move to another département, a deleted account).
pub async fn all_of(
    conn: &mut AnyConnection,
    owner: &ConseillerId,
) -> Result<Vec<Accompagnement>, ApiError> {
    // Dates compare as AAAA-MM-JJ text: both ends must be four-digit years.
    let everything = Periode {
        du: FIRST_DATE,
        au: chrono::NaiveDate::from_ymd_opt(9999, 12, 31).expect("a date"),
    };
    Ok(in_period(conn, owner, everything)
        .await?
        .into_iter()
        .map(|stored| stored.accompagnement)
        .collect())
}

/// An id in a path that is not even a UUID names no record: 404, like any unknown id.
fn record_id(id: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(id).map_err(|_| ApiError::NotFound)
}

/// Every record of the period, oldest first.
pub async fn in_period(
    conn: &mut AnyConnection,
    owner: &ConseillerId,
    periode: Periode,
) -> Result<Vec<StoredAccompagnement>, ApiError> {
    kept_in_period(conn, owner, periode, &Filtres::default()).await
}

fn bind_all<'q>(mut query: AnyQuery<'q>, values: &[String]) -> AnyQuery<'q> {
    for value in values {
        query = query.bind(value.clone());
    }
    query
}

/// Where a page of records in period order ends: the next page starts after it.
#[derive(Clone, Debug, Default)]
pub struct Resume {
    date: String,
    created_at: String,
    id: String,
}

impl Resume {
    pub fn after(last: &StoredAccompagnement) -> Resume {
        Resume {
            date: last.accompagnement.date().to_string(),
            created_at: clock::to_db(last.created_at),
            id: last.accompagnement.id().to_string(),
        }
    }
}

/// The period's records the filters keep (`domain::filtres`: the commune, canal and activité
/// are columns of the record, so only those records are read), oldest first.
pub async fn kept_in_period(
    conn: &mut AnyConnection,
    owner: &ConseillerId,
    periode: Periode,
    filtres: &Filtres,
) -> Result<Vec<StoredAccompagnement>, ApiError> {
    in_period_after(conn, owner, periode, filtres, &Resume::default(), None).await
}

/// The period's records the filters keep after `resume` (from the first:
/// `Resume::default()`), oldest first, at most `limit` of them: an export reads a page at a
/// time, in constant memory.
pub async fn in_period_after(
    conn: &mut AnyConnection,
    owner: &ConseillerId,
    periode: Periode,
    filtres: &Filtres,
    resume: &Resume,
    limit: Option<usize>,
) -> Result<Vec<StoredAccompagnement>, ApiError> {
    let (du, au) = (periode.du.to_string(), periode.au.to_string());
    let limit = limit.map_or(String::new(), |n| format!(" LIMIT {n}"));
    let mut values = vec![
        owner.to_string(),
        du,
        au,
        resume.date.clone(),
        resume.created_at.clone(),
        resume.id.clone(),
    ];
    let mut kept = String::new();
    for (column, value) in [
        ("commune_insee", filtres.commune.clone()),
        ("canal", filtres.canal.map(|c| c.code().to_owned())),
        ("activite", filtres.activite.map(|a| a.code().to_owned())),
    ] {
        if let Some(value) = value {
            values.push(value);
            kept.push_str(&format!(" AND {column} = ${}", values.len()));
        }
    }
    let ids = format!(
        "SELECT id FROM accompagnements WHERE conseiller_id = $1 AND date >= $2 AND date <= $3{kept}
           AND (date > $4 OR (date = $4 AND (created_at > $5 OR (created_at = $5 AND id > $6))))
         ORDER BY date, created_at, id{limit}"
    );
    let sql = format!(
        "SELECT {COLUMNS} FROM accompagnements WHERE id IN ({ids}) ORDER BY date, created_at, id"
    );
    let rows = bind_all(sqlx::query(&sql), &values)
        .fetch_all(&mut *conn)
        .await?;
    let children = Children::load(conn, &ids, |q| bind_all(q, &values)).await?;
    rows.iter().map(|row| children.assemble(row)).collect()
}

/// One record of `owner`, with its details, as one state of the database has it.
async fn read_one(
    app: &AppState,
    owner: &ConseillerId,
    id: Uuid,
) -> Result<Option<StoredAccompagnement>, ApiError> {
    let mut tx = app.db.snapshot().await?;
    let found = fetch_one(&mut tx, owner, id).await;
    tx.commit().await?;
    found
}

async fn fetch_one(
    conn: &mut AnyConnection,
    owner: &ConseillerId,
    id: Uuid,
) -> Result<Option<StoredAccompagnement>, ApiError> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM accompagnements WHERE id = $1 AND conseiller_id = $2"
    ))
    .bind(id.to_string())
    .bind(owner)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let children = Children::load(conn, "SELECT $1", |q| q.bind(id.to_string())).await?;
    children.assemble(&row).map(Some)
}

async fn insert_children(tx: &mut AnyConnection, record: &Accompagnement) -> Result<(), ApiError> {
    let mut rows = ChildRows::default();
    rows.add(record);
    Ok(rows.insert(tx).await?)
}

async fn delete_children(tx: &mut AnyConnection, id: Uuid) -> Result<(), ApiError> {
    for table in [
        "accompagnement_thematiques",
        "accompagnement_publics",
        "accompagnement_redirections",
    ] {
        sqlx::query(&format!("DELETE FROM {table} WHERE accompagnement_id = $1"))
            .bind(id.to_string())
            .execute(&mut *tx)
            .await?;
    }
    Ok(())
}

/// The child rows (themes, age and statut counts, redirections) of a set of records, loaded
/// with one query per table rather than one per record.
#[derive(Default)]
struct Children {
    thematiques: HashMap<String, Vec<String>>,
    publics: HashMap<String, Vec<(String, String, i64)>>,
    redirections: HashMap<String, Vec<RedirectionInput>>,
}

impl Children {
    /// `ids_sql` selects the record ids; `bind` binds its parameters.
    async fn load(
        conn: &mut AnyConnection,
        ids_sql: &str,
        bind: impl for<'q> Fn(AnyQuery<'q>) -> AnyQuery<'q>,
    ) -> Result<Children, ApiError> {
        let mut children = Children::default();
        let mut fetch = async |sql: String| bind(sqlx::query(&sql)).fetch_all(&mut *conn).await;
        for row in fetch(format!(
            "SELECT accompagnement_id, thematique FROM accompagnement_thematiques WHERE accompagnement_id IN ({ids_sql})"
        ))
        .await?
        {
            children
                .thematiques
                .entry(text(&row, "accompagnement_id")?)
                .or_default()
                .push(text(&row, "thematique")?);
        }
        for row in fetch(format!(
            "SELECT accompagnement_id, dimension, code, personnes FROM accompagnement_publics WHERE accompagnement_id IN ({ids_sql})"
        ))
        .await?
        {
            children
                .publics
                .entry(text(&row, "accompagnement_id")?)
                .or_default()
                .push((
                    text(&row, "dimension")?,
                    text(&row, "code")?,
                    number(&row, "personnes")?,
                ));
        }
        for row in fetch(format!(
            "SELECT accompagnement_id, structure, structure_autre, personnes FROM accompagnement_redirections WHERE accompagnement_id IN ({ids_sql}) ORDER BY accompagnement_id, rang"
        ))
        .await?
        {
            children
                .redirections
                .entry(text(&row, "accompagnement_id")?)
                .or_default()
                .push(RedirectionInput {
                    structure: text(&row, "structure")?,
                    precision: row.try_get("structure_autre").map_err(ApiError::from)?,
                    personnes: number(&row, "personnes")?,
                });
        }
        Ok(children)
    }

    /// Rebuilds one stored record from its row and its children.
    fn assemble(&self, row: &AnyRow) -> Result<StoredAccompagnement, ApiError> {
        let id = text(row, Field::Id.code())?;
        let publics = self.publics.get(&id).map(Vec::as_slice).unwrap_or_default();
        let counts = |dimension: &str| {
            publics
                .iter()
                .filter(|(d, _, _)| d == dimension)
                .map(|(_, code, n)| (code.clone(), *n))
                .collect()
        };
        let input = AccompagnementInput {
            id: id.clone(),
            date: text(row, Field::Date.code())?,
            activite: text(row, Field::Activite.code())?,
            participants: number(row, Field::Participants.code())?,
            deja_accompagnes: row
                .try_get(Field::DejaAccompagnes.code())
                .map_err(ApiError::from)?,
            commune: CommuneInput {
                insee: text(row, "commune_insee")?,
                nom: text(row, "commune_nom")?,
                code_postal: text(row, "commune_code_postal")?,
            },
            canal: text(row, Field::Canal.code())?,
            ages: counts("age"),
            statuts: counts("statut"),
            thematiques: self.thematiques.get(&id).cloned().unwrap_or_default(),
            duree_minutes: number(row, Field::DureeMinutes.code())?,
            suivi: Some(SuiviInput {
                individuel: number(row, "suivi_individuel")?,
                atelier: number(row, "suivi_atelier")?,
                redirection: number(row, "suivi_redirection")?,
            }),
            redirections: self.redirections.get(&id).cloned().unwrap_or_default(),
            annotation: row
                .try_get(Field::Annotation.code())
                .map_err(ApiError::from)?,
        };
        let accompagnement = Accompagnement::from_stored(input)
            .map_err(|e| errors::internal(format!("stored record {id} is invalid: {e}")))?;
        Ok(StoredAccompagnement {
            accompagnement,
            created_at: clock::from_db(&text(row, "created_at")?).map_err(errors::internal)?,
            updated_at: clock::from_db(&text(row, "updated_at")?).map_err(errors::internal)?,
        })
    }
}

fn text(row: &AnyRow, column: &str) -> Result<String, ApiError> {
    row.try_get(column).map_err(ApiError::from)
}

fn number(row: &AnyRow, column: &str) -> Result<i64, ApiError> {
    row.try_get(column).map_err(ApiError::from)
}
