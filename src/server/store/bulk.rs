//! Many rows at once (the demonstration data, a rebuild of the counters): multi-row
//! `INSERT`s, far faster on both engines than a statement per row.

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
    mut rows: Vec<Vec<Value>>,
) -> Result<(), sqlx::Error> {
    // SQLite takes up to 32,766 values per statement, Postgres 65,535, but binding costs
    // grow with the square of a statement's values on SQLite (sqlx finds each `$n` by a
    // linear search): 30,000 values per statement made `conum demo` seven times slower.
    const MAX_VALUES: usize = 1_000;
    let Some(width) = rows.first().map(Vec::len) else {
        return Ok(());
    };
    let per_statement = (MAX_VALUES / width).max(1);
    while !rows.is_empty() {
        let rest = rows.split_off(per_statement.min(rows.len()));
        let statement = std::mem::replace(&mut rows, rest);
        let mut sql = format!("INSERT INTO {table_and_columns} VALUES ");
        for i in 0..statement.len() {
            sql.push_str(if i == 0 { "(" } else { ", (" });
            let first = i * width;
            let placeholders: Vec<String> = (first + 1..=first + width)
                .map(|n| format!("${n}"))
                .collect();
            sql.push_str(&placeholders.join(", "));
            sql.push(')');
        }
        let mut query = sqlx::query(&sql);
        for value in statement.into_iter().flatten() {
            query = match value {
                Value::Text(text) => query.bind(text),
                Value::Int(n) => query.bind(n),
                Value::NullInt => query.bind(None::<i64>),
                Value::NullText => query.bind(None::<String>),
            };
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}
