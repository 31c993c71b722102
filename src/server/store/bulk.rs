//! Many rows at once (the records writer's batches, the demonstration data, a rebuild of the
//! counters): multi-row `INSERT`s, far faster on both engines than a statement per row.

/// A value to insert.
pub enum Value {
    Text(String),
    Int(i64),
    NullInt,
    NullText,
}

impl From<String> for Value {
    fn from(text: String) -> Value {
        Value::Text(text)
    }
}

/// Inserts `rows` with as few statements as the databases' limit on bound values allows.
pub async fn insert(
    conn: &mut sqlx::AnyConnection,
    table_and_columns: &str,
    rows: Vec<Vec<Value>>,
) -> Result<(), sqlx::Error> {
    for (sql, values) in statements(conn, table_and_columns, rows, "") {
        bound(sqlx::query(&sql), values).execute(&mut *conn).await?;
    }
    Ok(())
}

/// Inserts the `rows` whose key `key` is not taken yet, the others left as they are
/// (`ON CONFLICT DO NOTHING`): how many were inserted. A count, not the keys: the keys come
/// back from the connection's thread one row at a time, a wake-up of the caller each.
pub async fn insert_new(
    conn: &mut sqlx::AnyConnection,
    table_and_columns: &str,
    key: &str,
    rows: Vec<Vec<Value>>,
) -> Result<u64, sqlx::Error> {
    let suffix = format!(" ON CONFLICT ({key}) DO NOTHING");
    let mut inserted = 0;
    for (sql, values) in statements(conn, table_and_columns, rows, &suffix) {
        inserted += bound(sqlx::query(&sql), values)
            .execute(&mut *conn)
            .await?
            .rows_affected();
    }
    Ok(inserted)
}

/// Adds `rows` (their `keys` columns, then their `counted` ones) to the rows of `table`
/// with the same keys, inserting those not there yet: `ON CONFLICT … DO UPDATE`, several
/// rows per statement, taken in the order given. No two rows may share their keys.
pub async fn upsert_adding(
    conn: &mut sqlx::AnyConnection,
    table: &str,
    keys: &[String],
    counted: &[String],
    rows: Vec<Vec<Value>>,
) -> Result<(), sqlx::Error> {
    let sums: Vec<String> = counted
        .iter()
        .map(|c| format!("{c} = {table}.{c} + excluded.{c}"))
        .collect();
    let suffix = format!(
        " ON CONFLICT ({}) DO UPDATE SET {}",
        keys.join(", "),
        sums.join(", ")
    );
    let columns = [keys, counted].concat().join(", ");
    for (sql, values) in statements(conn, &format!("{table} ({columns})"), rows, &suffix) {
        bound(sqlx::query(&sql), values).execute(&mut *conn).await?;
    }
    Ok(())
}

/// The multi-row statements that insert `rows`, each with its values.
fn statements(
    conn: &sqlx::AnyConnection,
    table_and_columns: &str,
    mut rows: Vec<Vec<Value>>,
    suffix: &str,
) -> Vec<(String, Vec<Value>)> {
    // SQLite finds a numbered parameter (`$n`) by a linear search of the statement's names,
    // once per value bound: binding a statement of n values costs n² (30,000 values made
    // `conum demo` seven times slower, 1,000 cost milliseconds per batch of the records
    // writer). Its anonymous `?` is found at once; Postgres wants `$n`.
    let anonymous = conn.backend_name() == "SQLite";
    const MAX_VALUES: usize = 1_000;
    let Some(width) = rows.first().map(Vec::len) else {
        return Vec::new();
    };
    let per_statement = (MAX_VALUES / width).max(1);
    let mut statements = Vec::new();
    while !rows.is_empty() {
        let rest = rows.split_off(per_statement.min(rows.len()));
        let statement = std::mem::replace(&mut rows, rest);
        let mut sql = format!("INSERT INTO {table_and_columns} VALUES ");
        for i in 0..statement.len() {
            sql.push_str(if i == 0 { "(" } else { ", (" });
            let first = i * width;
            let placeholders: Vec<String> = (first + 1..=first + width)
                .map(|n| {
                    if anonymous {
                        "?".to_owned()
                    } else {
                        format!("${n}")
                    }
                })
                .collect();
            sql.push_str(&placeholders.join(", "));
            sql.push(')');
        }
        sql.push_str(suffix);
        statements.push((sql, statement.into_iter().flatten().collect()));
    }
    statements
}

/// Binds each value, in order.
fn bound(mut query: super::db::AnyQuery<'_>, values: Vec<Value>) -> super::db::AnyQuery<'_> {
    for value in values {
        query = match value {
            Value::Text(text) => query.bind(text),
            Value::Int(n) => query.bind(n),
            Value::NullInt => query.bind(None::<i64>),
            Value::NullText => query.bind(None::<String>),
        };
    }
    query
}
