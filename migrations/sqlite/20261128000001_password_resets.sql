-- Password resets ("Mot de passe oublié ?"). Keep in step with migrations/postgres.
-- A token is valid one hour and once; only its SHA-256 is stored (the mail holds the token).
CREATE TABLE password_resets (
    token_hash TEXT PRIMARY KEY NOT NULL,
    conseiller_id TEXT NOT NULL REFERENCES conseillers (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,             -- unix seconds
    expires_at INTEGER NOT NULL,             -- unix seconds
    used_at INTEGER                          -- unix seconds, once used
);
CREATE INDEX password_resets_by_conseiller ON password_resets (conseiller_id);
