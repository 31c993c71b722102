//! The counters the statistics are read from (`domain::counters`: a record as the numbers its
//! figures add up), summed per day in three tables:
//! - `stats_jour`, per département: the national and régional figures (`server::stats::national`);
//! - `stats_conseiller_jour`, per conseiller: "Mes statistiques" (`server::stats::personal`);
//! - `reorientations_autres_jour`, per conseiller: the free text of réorientations toward
//!   "Autre", which the counters pool (the conseiller sees their own words);
//! - `contributions_mois`, per conseiller and month: their records, which say who
//!   contributed to a month (the anonymity rule, `server::stats::national`);
//! - `stats_paire_jour`, per département and pair (canal, activité): the national figures
//!   filtered by canal or activité, and `contributions_paire_mois`, per conseiller, month and
//!   pair: who contributed to them (`domain::anonymat::Ventilation`).
//!
//! `stats_jour` and `stats_paire_jour` hold only the records of accounts that count in the pooled figures
//! (`conseillers.comptabilise`, `server::accounts::standing`); the others are everyone's.
//!
//! Changed in the same transaction as every record change, every move of a conseiller to
//! another département, every change of an account's standing and every account deletion;
//! rebuilt from the records at start when they do not add up to the records (a database
//! from before one of them).

use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

use chrono::NaiveDate;
use sqlx::{AnyConnection, Row};

use crate::domain::anonymat::{pair_columns, pair_index, Pairs};
use crate::domain::counters::{columns, Counters};
use crate::domain::filtres::Filtres;
use crate::domain::mois::Mois;
use crate::domain::stats::Periode;
use crate::domain::vocabulary::StructureRedirection;
use crate::domain::{Accompagnement, ConseillerId};
use crate::server::store::bulk::{self, Value};
use crate::server::store::db::parameters;
use crate::wire::ApiError;

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
}

type Days = BTreeMap<(String, NaiveDate), Counters>;

/// (département, day, canal, activité) → counters.
type PairDays = BTreeMap<(String, NaiveDate, &'static str, &'static str), Counters>;

/// What changes in the counters. Written in key order, table after table, so that two
/// transactions always take the rows in the same order (Postgres cannot deadlock on them).
#[derive(Default)]
pub struct Deltas {
    departements: Days,
    conseillers: Days,
    /// (conseiller, day, free text) → people.
    autres: BTreeMap<(String, NaiveDate, String), i64>,
    /// (conseiller, month) → records.
    contributions: BTreeMap<(String, Mois), i64>,
    pairs: PairDays,
    /// (conseiller, month) → records per pair, in the order of `pair_columns`.
    pair_contributions: BTreeMap<(String, Mois), Vec<i64>>,
}

impl Deltas {
    /// `record` of `owner` now counts; in the pooled figures of `departement` if given
    /// (the account counts there).
    pub fn add(&mut self, departement: Option<&str>, owner: &str, record: &Accompagnement) {
        self.count(departement, owner, record, 1);
    }

    /// `record` of `owner` no longer counts.
    pub fn take_away(&mut self, departement: Option<&str>, owner: &str, record: &Accompagnement) {
        self.count(departement, owner, record, -1);
    }

    fn count(
        &mut self,
        departement: Option<&str>,
        owner: &str,
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
            self.pool_pair(departement, record, &counters);
        }
        day_of(&mut self.conseillers, owner, day).add(&counters);
        *self
            .contributions
            .entry((owner.to_owned(), Mois::of(day)))
            .or_default() += sign;
        self.pair_contributions
            .entry((owner.to_owned(), Mois::of(day)))
            .or_insert_with(|| vec![0; pair_columns().len()])
            [pair_index(record.canal(), record.activite())] += sign;
        for r in record.redirections() {
            if r.structure == StructureRedirection::Autre {
                *self
                    .autres
                    .entry((owner.to_owned(), day, r.label().to_owned()))
                    .or_default() += sign * i64::from(r.personnes);
            }
        }
    }

    /// `counters` (a record's, or their opposite) added to the pooled counters of the
    /// record's day and pair in `departement`.
    fn pool_pair(&mut self, departement: &str, record: &Accompagnement, counters: &Counters) {
        let key = (
            departement.to_owned(),
            record.date(),
            record.canal().code(),
            record.activite().code(),
        );
        self.pairs
            .entry(key)
            .or_insert_with(Counters::zero)
            .add(counters);
    }

    /// Adds them to the counters, in the caller's transaction: a few multi-row statements,
    /// each in key order.
    pub async fn apply(self, conn: &mut AnyConnection) -> Result<(), ApiError> {
        for rows in self.rows() {
            bulk::upsert_adding(conn, rows.table, &rows.keys, &rows.counted, rows.rows).await?;
        }
        Ok(())
    }

    /// Writes them as new rows, in bulk (the tables hold none of their keys yet).
    async fn insert(self, conn: &mut AnyConnection) -> Result<(), ApiError> {
        for rows in self.rows() {
            let columns = [rows.keys, rows.counted].concat().join(", ");
            bulk::insert(conn, &format!("{} ({columns})", rows.table), rows.rows).await?;
        }
        Ok(())
    }

    /// Each table's rows that change something, in key order.
    fn rows(self) -> [TableRows; 6] {
        let counted = columns();
        let days = |table: Table, days: Days| TableRows {
            table: table.name(),
            keys: named(&[table.key(), "jour"]),
            counted: counted.clone(),
            rows: days
                .into_iter()
                .filter(|(_, delta)| !delta.is_zero())
                .map(|((key, day), delta)| {
                    let mut row: Vec<Value> = vec![key.into(), day.to_string().into()];
                    row.extend(delta.values().iter().map(|v| Value::Int(*v)));
                    row
                })
                .collect(),
        };
        [
            days(Table::Departements, self.departements),
            days(Table::Conseillers, self.conseillers),
            TableRows {
                table: "reorientations_autres_jour",
                keys: named(&["conseiller_id", "jour", "libelle"]),
                counted: named(&["personnes"]),
                rows: self
                    .autres
                    .into_iter()
                    .filter(|(_, n)| *n != 0)
                    .map(|((owner, day, libelle), n)| {
                        vec![
                            owner.into(),
                            day.to_string().into(),
                            libelle.into(),
                            Value::Int(n),
                        ]
                    })
                    .collect(),
            },
            TableRows {
                table: "contributions_mois",
                keys: named(&["conseiller_id", "mois"]),
                counted: named(&["comptes_rendus"]),
                rows: self
                    .contributions
                    .into_iter()
                    .filter(|(_, n)| *n != 0)
                    .map(|((owner, mois), n)| {
                        vec![owner.into(), mois.to_string().into(), Value::Int(n)]
                    })
                    .collect(),
            },
            TableRows {
                table: "stats_paire_jour",
                keys: named(&["departement", "jour", "canal", "activite"]),
                counted: counted.clone(),
                rows: self
                    .pairs
                    .into_iter()
                    .filter(|(_, delta)| !delta.is_zero())
                    .map(|((departement, day, canal, activite), delta)| {
                        let mut row: Vec<Value> = vec![
                            departement.into(),
                            day.to_string().into(),
                            canal.to_owned().into(),
                            activite.to_owned().into(),
                        ];
                        row.extend(delta.values().iter().map(|v| Value::Int(*v)));
                        row
                    })
                    .collect(),
            },
            TableRows {
                table: "contributions_paire_mois",
                keys: named(&["conseiller_id", "mois"]),
                counted: pair_columns().into_iter().map(|(_, c)| c).collect(),
                rows: self
                    .pair_contributions
                    .into_iter()
                    .filter(|(_, n)| n.iter().any(|n| *n != 0))
                    .map(|((owner, mois), n)| {
                        let mut row: Vec<Value> = vec![owner.into(), mois.to_string().into()];
                        row.extend(n.into_iter().map(Value::Int));
                        row
                    })
                    .collect(),
            },
        ]
    }
}

/// A counters table's rows: their key columns, then their counted columns.
struct TableRows {
    table: &'static str,
    keys: Vec<String>,
    counted: Vec<String>,
    rows: Vec<Vec<Value>>,
}

/// Owned column names.
fn named(names: &[&str]) -> Vec<String> {
    names.iter().map(|name| (*name).to_owned()).collect()
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
    pairs: PairDays,
}

impl Bulk {
    /// `owner`'s records, pooled in `departement` if given (the account counts there).
    pub async fn conseiller(
        &mut self,
        conn: &mut AnyConnection,
        owner: &str,
        departement: Option<&str>,
        records: &[Accompagnement],
    ) -> Result<(), ApiError> {
        let mut own = Deltas::default();
        for r in records {
            own.add(departement, owner, r);
        }
        for ((key, day), counters) in std::mem::take(&mut own.departements) {
            day_of(&mut self.departements, &key, day).add(&counters);
        }
        for (key, counters) in std::mem::take(&mut own.pairs) {
            self.pairs
                .entry(key)
                .or_insert_with(Counters::zero)
                .add(&counters);
        }
        own.insert(conn).await
    }

    pub async fn finish(self, conn: &mut AnyConnection) -> Result<(), ApiError> {
        Deltas {
            departements: self.departements,
            pairs: self.pairs,
            ..Deltas::default()
        }
        .insert(conn)
        .await
    }
}

/// Takes the conseiller's row for this transaction (a write first: SQLite's write lock at
/// once, Postgres's row lock, which waits for the records being saved) and reads where
/// their records are pooled until now (none: the account does not count). Before moving
/// them, or changing the account's standing.
pub async fn lock_departement(
    conn: &mut AnyConnection,
    owner: &ConseillerId,
) -> Result<(String, bool), ApiError> {
    sqlx::query("UPDATE conseillers SET departement = departement WHERE id = $1")
        .bind(owner)
        .execute(&mut *conn)
        .await?;
    let (departement, counts): (String, i64) =
        sqlx::query_as("SELECT departement, comptabilise FROM conseillers WHERE id = $1")
            .bind(owner)
            .fetch_one(conn)
            .await?;
    Ok((departement, counts != 0))
}

/// A record of `owner` changed from `before` to `after` (none: did not exist, or no longer
/// does): the counters follow, in the caller's transaction.
pub async fn record_changed(
    conn: &mut AnyConnection,
    owner: &ConseillerId,
    before: Option<&Accompagnement>,
    after: Option<&Accompagnement>,
) -> Result<(), ApiError> {
    let departement = pooled_in(conn, &[owner])
        .await?
        .remove(owner.as_str())
        .flatten();
    let mut deltas = Deltas::default();
    if let Some(b) = before {
        deltas.take_away(departement.as_deref(), owner.as_str(), b);
    }
    if let Some(a) = after {
        deltas.add(departement.as_deref(), owner.as_str(), a);
    }
    deltas.apply(conn).await
}

/// New records of one or more conseillers (the records writer's batch) now count: each
/// owner's standing read once, in owner order, the counters written once per key, in key
/// order, like any other change (so no two transactions take rows in opposite orders).
pub async fn records_created(
    conn: &mut AnyConnection,
    created: &BTreeMap<&ConseillerId, Vec<&Accompagnement>>,
) -> Result<(), ApiError> {
    let owners: Vec<&ConseillerId> = created.keys().copied().collect();
    let departements = pooled_in(conn, &owners).await?;
    let mut deltas = Deltas::default();
    for (owner, records) in created {
        let departement = departements.get(owner.as_str()).cloned().flatten();
        for record in records {
            deltas.add(departement.as_deref(), owner.as_str(), record);
        }
    }
    deltas.apply(conn).await
}

/// The département each conseiller's records count in (their profile's), none if the
/// account does not count in the pooled figures; one statement, rows in id order, held until
/// the end of the transaction against a concurrent move or change of standing: on Postgres a
/// shared row lock, which waits for [`lock_departement`]; SQLite's writer already holds the
/// database.
async fn pooled_in(
    conn: &mut AnyConnection,
    owners: &[&ConseillerId],
) -> Result<HashMap<String, Option<String>>, ApiError> {
    if owners.is_empty() {
        return Ok(HashMap::new());
    }
    let lock = if conn.backend_name() == "PostgreSQL" {
        " FOR SHARE"
    } else {
        ""
    };
    let sql = format!(
        "SELECT id, departement, comptabilise FROM conseillers WHERE id IN ({}) ORDER BY id{lock}",
        parameters(1, owners.len())
    );
    let mut query = sqlx::query_as::<_, (String, String, i64)>(&sql);
    for owner in owners {
        query = query.bind(*owner);
    }
    let rows = query.fetch_all(&mut *conn).await?;
    Ok(rows
        .into_iter()
        .map(|(id, departement, counts)| (id, (counts != 0).then_some(departement)))
        .collect())
}

/// Adds a conseiller's own daily counters to the pooled ones of each département given,
/// times its sign (−1 takes them away): their records move between départements, or enter
/// or leave the pooled figures, in one statement whatever their number. Rows are taken in
/// (département, day) order, like [`Deltas::apply`]. The counters per pair (canal,
/// activité) follow from `records`, every record of the conseiller (`records::all_of`, read
/// by the caller in the same transaction): nothing keeps a conseiller's own counters per
/// pair, as a move is rare and a save is not.
pub async fn repool(
    conn: &mut AnyConnection,
    owner: &ConseillerId,
    changes: &[(&str, i64)],
    records: &[Accompagnement],
) -> Result<(), ApiError> {
    static SQL: LazyLock<String> = LazyLock::new(|| {
        let names = columns();
        let scaled: Vec<String> = names.iter().map(|c| format!("s.{c} * d.sens")).collect();
        let sums: Vec<String> = names
            .iter()
            .map(|c| format!("{c} = stats_jour.{c} + excluded.{c}"))
            .collect();
        format!(
            "INSERT INTO stats_jour (departement, jour, {})
             SELECT d.departement, s.jour, {} FROM stats_conseiller_jour s
             JOIN (SELECT $2 AS departement, $3 AS sens UNION ALL SELECT $4, $5) d ON d.sens <> 0
             WHERE s.conseiller_id = $1
             ORDER BY d.departement, s.jour
             ON CONFLICT (departement, jour) DO UPDATE SET {}",
            names.join(", "),
            scaled.join(", "),
            sums.join(", ")
        )
    });
    let mut changes = changes.to_vec();
    changes.sort();
    for pair in changes.chunks(2) {
        let (second, second_sign) = pair.get(1).copied().unwrap_or((pair[0].0, 0));
        sqlx::query(&SQL)
            .bind(owner)
            .bind(pair[0].0)
            .bind(pair[0].1)
            .bind(second)
            .bind(second_sign)
            .execute(&mut *conn)
            .await?;
    }
    let mut pairs = Deltas::default();
    for (departement, sign) in changes {
        for record in records {
            let counters = Counters::of(record);
            let counters = if sign < 0 {
                counters.negated()
            } else {
                counters
            };
            pairs.pool_pair(departement, record, &counters);
        }
    }
    pairs.apply(conn).await
}

/// A conseiller's records (`records`: all of them) no longer count (their account is being
/// deleted): taken away from the pooled figures if they were there, and their own rows
/// deleted.
pub async fn withdrawn(
    conn: &mut AnyConnection,
    owner: &ConseillerId,
    pooled_in: Option<&str>,
    records: &[Accompagnement],
) -> Result<(), ApiError> {
    if let Some(departement) = pooled_in {
        repool(&mut *conn, owner, &[(departement, -1)], records).await?;
    }
    for table in [
        "stats_conseiller_jour",
        "reorientations_autres_jour",
        "contributions_mois",
        "contributions_paire_mois",
    ] {
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
        format!("AND {} IN ({})", table.key(), parameters(3, keys.len()))
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
        months.insert(month, counters_of(&row, &names)?);
    }
    Ok(months)
}

/// The counters a row of sums holds, in the columns `names` (NULL sums are 0).
fn counters_of(row: &sqlx::any::AnyRow, names: &[String]) -> Result<Counters, sqlx::Error> {
    let values = names
        .iter()
        .map(|c| {
            row.try_get::<Option<i64>, _>(c.as_str())
                .map(Option::unwrap_or_default)
        })
        .collect::<Result<Vec<i64>, _>>()?;
    Ok(Counters::from_values(values))
}

/// The pooled counters of every département and month from `du` to `au` (those with
/// records only), of the records of a canal and an activité if the filters name them (their
/// commune is not looked at: the national figures have none).
pub async fn pooled_per_month(
    conn: &mut AnyConnection,
    du: Mois,
    au: Mois,
    filtres: &Filtres,
) -> Result<BTreeMap<Mois, BTreeMap<String, Counters>>, ApiError> {
    let sums: Vec<String> = columns()
        .iter()
        .map(|c| format!("CAST(SUM({c}) AS BIGINT) AS {c}"))
        .collect();
    // Each filter given is a condition and a parameter, after the period's two.
    let values: Vec<(&str, &str)> = [
        ("canal", filtres.canal.map(|c| c.code())),
        ("activite", filtres.activite.map(|a| a.code())),
    ]
    .into_iter()
    .filter_map(|(column, value)| Some((column, value?)))
    .collect();
    let table = if values.is_empty() {
        "stats_jour"
    } else {
        "stats_paire_jour"
    };
    let conditions: String = values
        .iter()
        .enumerate()
        .map(|(i, (column, _))| format!(" AND {column} = ${}", i + 3))
        .collect();
    let sql = format!(
        "SELECT departement, substr(jour, 1, 7) AS mois, {} FROM {table}
         WHERE jour >= $1 AND jour <= $2{conditions} GROUP BY departement, substr(jour, 1, 7)",
        sums.join(", ")
    );
    let names = columns();
    let mut query = sqlx::query(&sql)
        .bind(du.first_day().to_string())
        .bind(au.last_day().to_string());
    for (_, value) in values {
        query = query.bind(value);
    }
    let rows = query.fetch_all(conn).await?;
    let mut months: BTreeMap<Mois, BTreeMap<String, Counters>> = BTreeMap::new();
    for row in rows {
        let month: String = row.try_get("mois")?;
        let Some(month) = Mois::parse(&month) else {
            continue;
        };
        months
            .entry(month)
            .or_default()
            .insert(row.try_get("departement")?, counters_of(&row, &names)?);
    }
    Ok(months)
}

/// How many conseillers who count in the pooled figures contributed to each département
/// in every month from `du` to `au` (a record or more that month; months and départements
/// without any left out).
pub async fn contributors_per_month(
    conn: &mut AnyConnection,
    du: Mois,
    au: Mois,
) -> Result<BTreeMap<Mois, BTreeMap<String, u32>>, ApiError> {
    let rows: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT c.departement, m.mois, COUNT(*) FROM contributions_mois m
         JOIN conseillers c ON c.id = m.conseiller_id
         WHERE m.mois >= $1 AND m.mois <= $2 AND m.comptes_rendus > 0 AND c.comptabilise <> 0
         GROUP BY c.departement, m.mois",
    )
    .bind(du.to_string())
    .bind(au.to_string())
    .fetch_all(conn)
    .await?;
    let mut months: BTreeMap<Mois, BTreeMap<String, u32>> = BTreeMap::new();
    for (departement, month, n) in rows {
        if let Some(month) = Mois::parse(&month) {
            months
                .entry(month)
                .or_default()
                .insert(departement, u32::try_from(n).unwrap_or(u32::MAX));
        }
    }
    Ok(months)
}

/// How many conseillers who count in the pooled figures contributed to each département in
/// every month from `du` to `au`, by the set of pairs (canal, activité) of their records that
/// month (`domain::anonymat::Pairs`).
pub async fn pair_contributors_per_month(
    conn: &mut AnyConnection,
    du: Mois,
    au: Mois,
) -> Result<BTreeMap<Mois, BTreeMap<String, BTreeMap<Pairs, u32>>>, ApiError> {
    // A conseiller's month is one row, a column per pair: the set is the sum of the bits of
    // the columns above zero.
    static SQL: LazyLock<String> = LazyLock::new(|| {
        let bits: Vec<String> = pair_columns()
            .into_iter()
            .map(|(bit, column)| format!("CASE WHEN m.{column} > 0 THEN {bit} ELSE 0 END"))
            .collect();
        format!(
            "SELECT departement, mois, paires, COUNT(*) FROM (
                 SELECT c.departement AS departement, m.mois AS mois,
                        CAST({} AS BIGINT) AS paires
                 FROM contributions_paire_mois m JOIN conseillers c ON c.id = m.conseiller_id
                 WHERE m.mois >= $1 AND m.mois <= $2 AND c.comptabilise <> 0
             ) AS per_conseiller WHERE paires > 0 GROUP BY departement, mois, paires",
            bits.join(" + ")
        )
    });
    let rows: Vec<(String, String, i64, i64)> = sqlx::query_as(&SQL)
        .bind(du.to_string())
        .bind(au.to_string())
        .fetch_all(conn)
        .await?;
    let mut months: BTreeMap<Mois, BTreeMap<String, BTreeMap<Pairs, u32>>> = BTreeMap::new();
    for (departement, month, pairs, n) in rows {
        if let (Some(month), Ok(pairs)) = (Mois::parse(&month), Pairs::try_from(pairs)) {
            months
                .entry(month)
                .or_default()
                .entry(departement)
                .or_default()
                .insert(pairs, u32::try_from(n).unwrap_or(u32::MAX));
        }
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
