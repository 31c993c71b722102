//! The database: one pool for SQLite or Postgres (`db`), the records (`records`), new records
//! written in groups (`records_writer`), many rows at once (`bulk`), the official list of
//! communes (`communes`).

pub mod bulk;
pub mod communes;
pub mod db;
pub mod records;
pub mod records_writer;
