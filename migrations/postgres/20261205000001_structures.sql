-- Structures d'accueil, their coordinators, the consultation log and the read-only links
-- (domain.md §2 and §3). Keep in step with migrations/sqlite.
--
-- The profiles' free text becomes structures at the server's start
-- (server::structures::attach_unattached): one per distinct name and commune, marked
-- `a_verifier` for the programme's review (`conum admin structures`). `conseillers.structure`
-- stays as the name of the current structure, for the pages' header.

CREATE TABLE structures (
    id TEXT PRIMARY KEY NOT NULL,            -- UUID
    nom TEXT NOT NULL,
    cle TEXT NOT NULL,                       -- the name folded (domain::structure::key): one structure per name and commune
    siret TEXT,                              -- 14 digits, optional
    commune_insee TEXT NOT NULL,
    commune_nom TEXT NOT NULL,
    commune_code_postal TEXT NOT NULL,
    a_verifier BIGINT NOT NULL DEFAULT 1,   -- made from a profile's text: the programme has not reviewed it
    created_at BIGINT NOT NULL              -- unix seconds
);
CREATE UNIQUE INDEX structures_by_key ON structures (cle, commune_insee);

-- Which structure a conseiller belongs to, day by day: their records count for it from
-- `debut` to `fin` (included; none: still there).
CREATE TABLE rattachements (
    conseiller_id TEXT NOT NULL REFERENCES conseillers (id) ON DELETE CASCADE,
    structure_id TEXT NOT NULL REFERENCES structures (id),
    debut TEXT NOT NULL,                     -- AAAA-MM-JJ
    fin TEXT,                                -- AAAA-MM-JJ
    PRIMARY KEY (conseiller_id, debut)
);
CREATE INDEX rattachements_by_structure ON rattachements (structure_id);

-- Who coordinates which structure (set by the programme's administrator).
CREATE TABLE coordinations (
    coordinateur_id TEXT NOT NULL REFERENCES conseillers (id) ON DELETE CASCADE,
    structure_id TEXT NOT NULL REFERENCES structures (id),
    depuis BIGINT NOT NULL,                 -- unix seconds
    PRIMARY KEY (coordinateur_id, structure_id)
);
CREATE INDEX coordinations_by_structure ON coordinations (structure_id);

-- Coordinations named before the person has an account (the programme invites them): applied
-- when the account of that address opens.
CREATE TABLE coordinations_a_venir (
    email TEXT NOT NULL,                     -- lower-cased
    structure_id TEXT NOT NULL REFERENCES structures (id) ON DELETE CASCADE,
    depuis BIGINT NOT NULL,                 -- unix seconds
    PRIMARY KEY (email, structure_id)
);

-- Every view a coordinator made of a conseiller's figures ("Qui a consulté mes statistiques").
CREATE TABLE consultations (
    conseiller_id TEXT NOT NULL REFERENCES conseillers (id) ON DELETE CASCADE,
    coordinateur_id TEXT NOT NULL REFERENCES conseillers (id) ON DELETE CASCADE,
    structure_id TEXT NOT NULL,
    consulte_le BIGINT NOT NULL,            -- unix seconds
    objet TEXT NOT NULL                      -- what was seen, in French
);
CREATE INDEX consultations_by_conseiller ON consultations (conseiller_id, consulte_le);

-- Read-only links to the figures of a period; only the SHA-256 of the link's token is stored.
CREATE TABLE liens_partages (
    id TEXT PRIMARY KEY NOT NULL,            -- UUID, to revoke it
    token_hash TEXT NOT NULL UNIQUE,
    auteur_id TEXT NOT NULL REFERENCES conseillers (id) ON DELETE CASCADE,
    structure_id TEXT,                       -- a structure's figures; none: the author's own
    conseiller_id TEXT,                      -- a structure's figures narrowed to one conseiller
    du TEXT NOT NULL,                        -- AAAA-MM-JJ
    au TEXT NOT NULL,
    commune_insee TEXT,                      -- the filters (domain::filtres)
    canal TEXT,
    activite TEXT,
    created_at BIGINT NOT NULL,             -- unix seconds
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE INDEX liens_partages_by_auteur ON liens_partages (auteur_id);
