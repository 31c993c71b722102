-- SQLite rebuilds a record's detail tables WITHOUT ROWID here (migrations/sqlite): a
-- Postgres table has no rowid, nothing to change. Keeps the two folders in step.
SELECT 1;
