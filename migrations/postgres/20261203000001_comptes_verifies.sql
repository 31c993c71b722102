-- Who counts in the pooled figures (domain.md §2) and who contributed to a month (§3,
-- "Secret statistique"). Keep in step with migrations/sqlite.

-- Unix seconds. An account from before this migration has no confirmed address: it counts
-- again once it is confirmed (a link from the profile page, or the programme's invitation).
ALTER TABLE conseillers ADD COLUMN adresse_confirmee_le BIGINT;
ALTER TABLE conseillers ADD COLUMN invite_le BIGINT;           -- the programme invited it
ALTER TABLE conseillers ADD COLUMN desactive_le BIGINT;        -- no login, no pooled figure
-- 1 when its records are in stats_jour (domain::admission::Admission::counts, under the
-- server's SIGNUP_MODE; server::standing keeps it).
ALTER TABLE conseillers ADD COLUMN comptabilise BIGINT NOT NULL DEFAULT 0;

-- The programme's invitations; only the SHA-256 of the mailed token is stored.
CREATE TABLE invitations (
    token_hash TEXT PRIMARY KEY NOT NULL,
    email TEXT,                              -- lower-cased; none: the first account of an empty database
    prenom TEXT NOT NULL DEFAULT '',
    nom TEXT NOT NULL DEFAULT '',
    structure TEXT NOT NULL DEFAULT '',
    commune_insee TEXT,
    commune_nom TEXT,
    commune_code_postal TEXT,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    accepted_at BIGINT,
    conseiller_id TEXT                       -- the account it became
);
CREATE INDEX invitations_by_email ON invitations (email);

-- Sign-ups waiting for the link mailed to their address: the account exists only once it
-- is opened, so a sign-up never tells whether an address already has one.
CREATE TABLE inscriptions (
    token_hash TEXT PRIMARY KEY NOT NULL,
    email TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    prenom TEXT NOT NULL,
    nom TEXT NOT NULL,
    structure TEXT NOT NULL,
    commune_insee TEXT NOT NULL,
    commune_nom TEXT NOT NULL,
    commune_code_postal TEXT NOT NULL,
    departement TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX inscriptions_by_email ON inscriptions (email);

-- Links confirming the address of an existing account.
CREATE TABLE confirmations (
    token_hash TEXT PRIMARY KEY NOT NULL,
    conseiller_id TEXT NOT NULL REFERENCES conseillers (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX confirmations_by_conseiller ON confirmations (conseiller_id);

-- Records per conseiller and month, kept with every change like the other counters: who
-- contributed to a month, for the anonymity rule (server::national). A month of France is
-- some 4,000 rows.
CREATE TABLE contributions_mois (
    conseiller_id TEXT NOT NULL,
    mois TEXT NOT NULL,                      -- AAAA-MM
    comptes_rendus BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (conseiller_id, mois)
);
CREATE INDEX contributions_mois_by_mois ON contributions_mois (mois);
