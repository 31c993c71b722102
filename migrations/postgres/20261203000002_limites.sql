-- How often a password may be tried, a mail sent (server::attempts): counted here so that every
-- server sharing the database holds one count. Keep in step with migrations/sqlite.
-- cle: a hash of the limit and its key (an account, a client network); tat: when the key's next
-- request is due, in unix milliseconds (a GCRA); refuse: 1 when the last request was refused.
-- A row whose tat is past is back to full and deleted by the sweep.
CREATE TABLE limites (
    cle TEXT PRIMARY KEY NOT NULL,
    tat BIGINT NOT NULL,
    refuse BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX limites_by_tat ON limites (tat);

-- The day's records of an account (the quota, server::records) and its last record.
CREATE INDEX accompagnements_by_owner_and_creation ON accompagnements (conseiller_id, created_at);
