-- One index of a conseiller's records instead of two: every new record wrote a leaf page of
-- each (its owner's), a third of what a batch of the records writer sends to the disk. The
-- lists read it in their own order (date, created_at, id) without sorting; the last saved
-- record ("Comme la dernière fois") is found by reading the owner's entries of it (created_at
-- is in the index), a few thousand per year of records, no table row touched.
-- Keep in step with migrations/sqlite and migrations/postgres.
DROP INDEX accompagnements_by_owner_and_creation;
DROP INDEX accompagnements_by_owner_and_date;
CREATE INDEX accompagnements_by_owner ON accompagnements (conseiller_id, date, created_at, id);
