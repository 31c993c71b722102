//! The counters the statistics are read from (`domain::counters`: a record as the numbers its
//! figures add up), summed per day in three tables:
//! - `stats_jour`, per département: the national and régional figures (`server::national`);
//! - `stats_conseiller_jour`, per conseiller: "Mes statistiques" (`server::stats`);
//! - `reorientations_autres_jour`, per conseiller: the free text of réorientations toward
//!   "Autre", which the counters pool (the conseiller sees their own words).
//!
//! Changed in the same transaction as every record change, every move of a conseiller to
//! another département and every account deletion; rebuilt from the records at start when
//! they do not add up to the records (a database from before the counters).

use std::collections::BTreeMap;
use std::sync::LazyLock;

use chrono::NaiveDate;
use sqlx::{AnyConnection, Row};

use super::bulk::{self, Value};
use super::{records, Db};
use crate::api::wire::ApiError;
use crate::domain::counters::{columns, Counters};
use crate::domain::stats::Periode;
use crate::domain::vocabulary::StructureRedirection;
use crate::domain::{Accompagnement, ConseillerId};

/// A table of counters per day, and what its rows are kept for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Table {
    Departements,
    Conseillers,
}

impl Table {
    fn name(self) -> &'static str {
        match self {
            Table::Departements => "stats_jour",
            Table::Conseillers => "stats_conseiller_jour",
        }
    }

    fn key(self) -> &'static str {
        match self {
            Table::Departements => "departement",
            Table::Conseillers => "conseiller_id",
        }
    }

    /// Adds a row's counters to those of its key's day.
    fn upsert(self) -> &'static str {
        static DEPARTEMENTS: LazyLock<String> = LazyLock::new(|| upsert(Table::Departements));
        static CONSEILLERS: LazyLock<String> = LazyLock::new(|| upsert(Table::Conseillers));
        match self {
            Table::Departements => &DEPARTEMENTS,
            Table::Conseillers => &CONSEILLERS,
        }
    }
}

fn upsert(table: Table) -> String {
    let (name, key) = (table.name(), table.key());
    let names = columns();
    let placeholders: Vec<String> = (3..names.len() + 3).map(|i| format!("${i}")).collect();
    let sums: Vec<String> = names
        .iter()
        .map(|c| format!("{c} = {name}.{c} + excluded.{c}"))
        .collect();
    format!(
        "INSERT INTO {name} ({key}, jour, {}) VALUES ($1, $2, {})
         ON CONFLICT ({key}, jour) DO UPDATE SET {}",
        names.join(", "),
        placeholders.join(", "),
        sums.join(", ")
    )
}

const UPSERT_AUTRE: &str =
    "INSERT INTO reorientations_autres_jour (conseiller_id, jour, libelle, personnes)
     VALUES ($1, $2, $3, $4)
     ON CONFLICT (conseiller_id, jour, libelle)
     DO UPDATE SET personnes = reorientations_autres_jour.personnes + excluded.personnes";

type Days = BTreeMap<(String, NaiveDate), Counters>;

/// What changes in the counters. Written in key order, table after table, so that two
/// transactions always take the rows in the same order (Postgres cannot deadlock on them).
#[derive(Default)]
pub struct Deltas {
    departements: Days,
    conseillers: Days,
    /// (conseiller, day, free text) → people.
    autres: BTreeMap<(String, NaiveDate, String), i64>,
}

impl Deltas {
    /// `record` of `owner` now counts, in `departement`.
    pub fn add(&mut self, departement: &str, owner: &str, record: &Accompagnement) {
        self.count(Some(departement), Some(owner), record, 1);
    }

    /// `record` of `owner` no longer counts.
    pub fn take_away(&mut self, departement: &str, owner: &str, record: &Accompagnement) {
        self.count(Some(departement), Some(owner), record, -1);
    }

    /// `record` counts in another département (its conseiller's profile moved).
    pub fn move_between(&mut self, from: &str, to: &str, record: &Accompagnement) {
        self.count(Some(from), None, record, -1);
        self.count(Some(to), None, record, 1);
    }

    /// `record` no longer counts nationally (its conseiller's own rows go with the account).
    pub fn withdraw(&mut self, from: &str, record: &Accompagnement) {
        self.count(Some(from), None, record, -1);
    }

    fn count(
        &mut self,
        departement: Option<&str>,
        owner: Option<&str>,
        record: &Accompagnement,
        sign: i64,
    ) {
        let counters = if sign < 0 {
            Counters::of(record).negated()
        } else {
            Counters::of(record)
        };
        let day = record.date();
        if let Some(departement) = departement {
            day_of(&mut self.departements, departement, day).add(&counters);
        }
        if let Some(owner) = owner {
            day_of(&mut self.conseillers, owner, day).add(&counters);
            for r in record.redirections() {
                if r.structure == StructureRedirection::Autre {
                    *self
                        .autres
                        .entry((owner.to_owned(), day, r.label().to_owned()))
                        .or_default() += sign * i64::from(r.personnes);
                }
            }
        }
    }

    /// Adds them to the counters, in the caller's transaction.
    pub async fn apply(self, conn: &mut AnyConnection) -> Result<(), ApiError> {
        for (table, days) in [
            (Table::Departements, self.departements),
            (Table::Conseillers, self.conseillers),
        ] {
            for ((key, day), delta) in days {
                if delta.is_zero() {
                    continue;
                }
                let mut query = sqlx::query(table.upsert()).bind(key).bind(day.to_string());
                for value in delta.values() {
                    query = query.bind(*value);
                }
                query.execute(&mut *conn).await?;
            }
        }
        for ((owner, day, libelle), personnes) in self.autres {
            if personnes != 0 {
                sqlx::query(UPSERT_AUTRE)
                    .bind(owner)
                    .bind(day.to_string())
                    .bind(libelle)
                    .bind(personnes)
                    .execute(&mut *conn)
                    .await?;
            }
        }
        Ok(())
    }

    /// Writes them as new rows, in bulk (the tables hold none of their keys yet).
    async fn insert(self, conn: &mut AnyConnection) -> Result<(), ApiError> {
        let names = columns().join(", ");
        for (table, days) in [
            (Table::Departements, self.departements),
            (Table::Conseillers, self.conseillers),
        ] {
            let rows = days
                .into_iter()
                .map(|((key, day), counters)| {
                    let mut row: Vec<Value> = vec![key.into(), day.to_string().into()];
                    row.extend(counters.values().iter().map(|v| Value::Int(*v)));
                    row
                })
                .collect();
            let into = format!("{} ({}, jour, {names})", table.name(), table.key());
            bulk::insert(conn, &into, rows).await?;
        }
        let autres = self
            .autres
            .into_iter()
            .map(|((owner, day, libelle), n)| {
                vec![
                    owner.into(),
                    day.to_string().into(),
                    libelle.into(),
                    Value::Int(n),
                ]
            })
            .collect();
        let into = "reorientations_autres_jour (conseiller_id, jour, libelle, personnes)";
        bulk::insert(conn, into, autres).await?;
        Ok(())
    }
}

fn day_of<'a>(days: &'a mut Days, key: &str, day: NaiveDate) -> &'a mut Counters {
    days.entry((key.to_owned(), day))
        .or_insert_with(Counters::zero)
}

/// Counters written in bulk, conseiller after conseiller (the demonstration data, a rebuild):
/// each conseiller's rows at once, the départements' summed over everyone and written by
/// [`Bulk::finish`].
#[derive(Default)]
pub struct Bulk {
    departements: Days,
}

impl Bulk {
    pub async fn conseiller(
        &mut self,
        conn: &mut AnyConnection,
        owner: &str,
        departement: &str,
        records: &[Accompagnement],
    ) -> Result<(), ApiError> {
        let mut own = Deltas::default();
        for r in records {
            own.add(departement, owner, r);
        }
        for ((key, day), counters) in std::mem::take(&mut own.departements) {
            day_of(&mut self.departements, &key, day).add(&counters);
        }
        own.insert(conn).await
    }

    pub async fn finish(self, conn: &mut AnyConnection) -> Result<(), ApiError> {
        Deltas {
            departements: self.departements,
            ..Deltas::default()
        }
        .insert(conn)
        .await
    }
}

/// The département a conseiller's records count in (their profile's), held until the end of
/// the transaction against a concurrent move: on Postgres a shared row lock, which waits for
/// [`lock_departement`]; SQLite's writer already holds the database.
async fn departement_of(
    conn: &mut AnyConnection,
    owner: &ConseillerId,
) -> Result<String, ApiError> {
    let sql = if conn.backend_name() == "PostgreSQL" {
        "SELECT departement FROM conseillers WHERE id = $1 FOR SHARE"
    } else {
        "SELECT departement FROM conseillers WHERE id = $1"
    };
    Ok(sqlx::query_scalar(sql).bind(owner).fetch_one(conn).await?)
}

/// Takes the conseiller's row for this transaction (a write first: SQLite's write lock at
/// once, Postgres's row lock, which waits for the records being saved) and reads the
/// département their records count in until now. Before moving or withdrawing them.
pub async fn lock_departement(
    conn: &mut AnyConnection,
    owner: &ConseillerId,
) -> Result<String, ApiError> {
    sqlx::query("UPDATE conseillers SET departement = departement WHERE id = $1")
        .bind(owner)
        .execute(&mut *conn)
        .await?;
    Ok(
        sqlx::query_scalar("SELECT departement FROM conseillers WHERE id = $1")
            .bind(owner)
            .fetch_one(conn)
            .await?,
    )
}

/// A record of `owner` changed from `before` to `after` (none: did not exist, or no longer
/// does): the counters follow, in the caller's transaction.
pub async fn record_changed(
    conn: &mut AnyConnection,
    owner: &ConseillerId,
    before: Option<&Accompagnement>,
    after: Option<&Accompagnement>,
) -> Result<(), ApiError> {
    let departement = departement_of(conn, owner).await?;
    let mut deltas = Deltas::default();
    if let Some(b) = before {
        deltas.take_away(&departement, owner.as_str(), b);
    }
    if let Some(a) = after {
        deltas.add(&departement, owner.as_str(), a);
    }
    deltas.apply(conn).await
}

/// A conseiller's records now count in another département (their profile changed).
pub async fn moved(
    conn: &mut AnyConnection,
    records: &[Accompagnement],
    from: &str,
    to: &str,
) -> Result<(), ApiError> {
    let mut deltas = Deltas::default();
    for r in records {
        deltas.move_between(from, to, r);
    }
    deltas.apply(conn).await
}

/// A conseiller's records no longer count (their account is being deleted): taken away from
/// their département, and their own rows deleted.
pub async fn withdrawn(
    conn: &mut AnyConnection,
    owner: &ConseillerId,
    records: &[Accompagnement],
    from: &str,
) -> Result<(), ApiError> {
    let mut deltas = Deltas::default();
    for r in records {
        deltas.withdraw(from, r);
    }
    deltas.apply(&mut *conn).await?;
    for table in ["stats_conseiller_jour", "reorientations_autres_jour"] {
        sqlx::query(&format!("DELETE FROM {table} WHERE conseiller_id = $1"))
            .bind(owner)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// The counters of every month of a period (`AAAA-MM` → the sum of its days), for the keys
/// given (none: every key of the table).
pub async fn per_month(
    conn: &mut AnyConnection,
    table: Table,
    keys: Option<&[&str]>,
    periode: Periode,
) -> Result<BTreeMap<String, Counters>, ApiError> {
    let names = columns();
    let sums: Vec<String> = names
        .iter()
        .map(|c| format!("CAST(SUM({c}) AS BIGINT) AS {c}"))
        .collect();
    let condition = keys.map_or(String::new(), |keys| {
        let placeholders: Vec<String> = (3..keys.len() + 3).map(|i| format!("${i}")).collect();
        format!("AND {} IN ({})", table.key(), placeholders.join(", "))
    });
    let sql = format!(
        "SELECT substr(jour, 1, 7) AS mois, {} FROM {}
         WHERE jour >= $1 AND jour <= $2 {condition} GROUP BY substr(jour, 1, 7)",
        sums.join(", "),
        table.name()
    );
    let mut query = sqlx::query(&sql)
        .bind(periode.du.to_string())
        .bind(periode.au.to_string());
    for key in keys.unwrap_or_default() {
        query = query.bind(*key);
    }
    let mut months = BTreeMap::new();
    for row in query.fetch_all(conn).await? {
        let month: String = row.try_get("mois")?;
        let values = names
            .iter()
            .map(|c| {
                row.try_get::<Option<i64>, _>(c.as_str())
                    .map(Option::unwrap_or_default)
            })
            .collect::<Result<Vec<i64>, _>>()?;
        months.insert(month, Counters::from_values(values));
    }
    Ok(months)
}

/// The free texts of a conseiller's réorientations toward "Autre" in a period, with the
/// people sent to each.
pub async fn autres(
    conn: &mut AnyConnection,
    owner: &ConseillerId,
    periode: Periode,
) -> Result<Vec<(String, u64)>, ApiError> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT libelle, CAST(SUM(personnes) AS BIGINT) FROM reorientations_autres_jour
         WHERE conseiller_id = $1 AND jour >= $2 AND jour <= $3
         GROUP BY libelle HAVING SUM(personnes) > 0",
    )
    .bind(owner)
    .bind(periode.du.to_string())
    .bind(periode.au.to_string())
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(libelle, n)| (libelle, n.max(0) as u64))
        .collect())
}

/// At start: when the counters do not add up to the records (a database from before them),
/// rebuilds them from the records, conseiller by conseiller, in one transaction.
pub async fn rebuild_if_out_of_step(db: &Db) -> Result<(), ApiError> {
    let mut conn = db.pool.acquire().await?;
    let records: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM accompagnements")
        .fetch_one(&mut *conn)
        .await?;
    let mut in_step = true;
    for table in [Table::Departements, Table::Conseillers] {
        let counted: i64 = sqlx::query_scalar(&format!(
            "SELECT CAST(COALESCE(SUM(comptes_rendus), 0) AS BIGINT) FROM {}",
            table.name()
        ))
        .fetch_one(&mut *conn)
        .await?;
        in_step &= counted == records;
    }
    if in_step {
        return Ok(());
    }
    tracing::warn!(
        records,
        "the statistics counters do not add up to the records: rebuilding them"
    );
    let mut tx = db.pool.begin().await?;
    for table in [
        "stats_jour",
        "stats_conseiller_jour",
        "reorientations_autres_jour",
    ] {
        sqlx::query(&format!("DELETE FROM {table}"))
            .execute(&mut *tx)
            .await?;
    }
    let conseillers: Vec<(String, String)> =
        sqlx::query_as("SELECT id, departement FROM conseillers")
            .fetch_all(&mut *tx)
            .await?;
    let mut bulk = Bulk::default();
    for (id, departement) in &conseillers {
        let owner = ConseillerId::new(id.clone());
        let records = records::all_of(&mut tx, &owner).await?;
        bulk.conseiller(&mut tx, id, departement, &records).await?;
    }
    bulk.finish(&mut tx).await?;
    tx.commit().await?;
    tracing::info!(
        conseillers = conseillers.len(),
        records,
        "statistics counters rebuilt"
    );
    Ok(())
}
