-- Conum schema (Postgres). Keep in step with migrations/sqlite: same tables, same columns.
-- Every field of domain.md §1 has its own column or child row, so that §3 is plain GROUP BY.

CREATE TABLE conseillers (
    id TEXT PRIMARY KEY NOT NULL,
    email TEXT NOT NULL UNIQUE,              -- stored lower-cased: unique case-insensitively
    password_hash TEXT NOT NULL,             -- argon2id PHC string
    prenom TEXT NOT NULL,
    nom TEXT NOT NULL,
    structure TEXT NOT NULL,
    commune_insee TEXT NOT NULL,
    commune_nom TEXT NOT NULL,
    commune_code_postal TEXT NOT NULL,
    departement TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY NOT NULL,    -- sha256 of the cookie value; the value itself is never stored
    conseiller_id TEXT NOT NULL REFERENCES conseillers (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,             -- unix seconds
    expires_at BIGINT NOT NULL              -- unix seconds, slides forward on use
);
CREATE INDEX sessions_by_conseiller ON sessions (conseiller_id);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

CREATE TABLE accompagnements (
    id TEXT PRIMARY KEY NOT NULL,            -- UUID v7 made by the device
    conseiller_id TEXT NOT NULL REFERENCES conseillers (id),
    date TEXT NOT NULL,                      -- AAAA-MM-JJ, Europe/Paris
    activite TEXT NOT NULL,
    participants BIGINT NOT NULL CHECK (participants BETWEEN 1 AND 100),
    deja_accompagnes BIGINT,
    commune_insee TEXT NOT NULL,
    commune_nom TEXT NOT NULL,
    commune_code_postal TEXT NOT NULL,
    canal TEXT NOT NULL,
    duree_minutes BIGINT NOT NULL CHECK (duree_minutes BETWEEN 1 AND 480),
    suivi_individuel BIGINT NOT NULL DEFAULT 0,
    suivi_atelier BIGINT NOT NULL DEFAULT 0,
    suivi_redirection BIGINT NOT NULL DEFAULT 0,
    annotation TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
-- The list and the statistics always filter on the owner and a period.
CREATE INDEX accompagnements_by_owner_and_date ON accompagnements (conseiller_id, date);

CREATE TABLE accompagnement_thematiques (
    accompagnement_id TEXT NOT NULL REFERENCES accompagnements (id) ON DELETE CASCADE,
    thematique TEXT NOT NULL,
    PRIMARY KEY (accompagnement_id, thematique)
);

-- People per age band (dimension 'age') and per statut (dimension 'statut'); zero counts omitted.
CREATE TABLE accompagnement_publics (
    accompagnement_id TEXT NOT NULL REFERENCES accompagnements (id) ON DELETE CASCADE,
    dimension TEXT NOT NULL CHECK (dimension IN ('age', 'statut')),
    code TEXT NOT NULL,
    personnes BIGINT NOT NULL CHECK (personnes > 0),
    PRIMARY KEY (accompagnement_id, dimension, code)
);

CREATE TABLE accompagnement_redirections (
    accompagnement_id TEXT NOT NULL REFERENCES accompagnements (id) ON DELETE CASCADE,
    rang BIGINT NOT NULL,                   -- order in the form
    structure TEXT NOT NULL,
    structure_autre TEXT,                    -- the free-text name when structure = 'autre'
    personnes BIGINT NOT NULL CHECK (personnes > 0),
    PRIMARY KEY (accompagnement_id, rang)
);
