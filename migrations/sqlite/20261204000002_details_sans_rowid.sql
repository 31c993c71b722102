-- A record's details (thématiques, publics, réorientations) in tables keyed by their primary
-- key alone (WITHOUT ROWID): a row with a text key was stored twice, in the table by its
-- rowid and in the key's index, and each new record wrote both. Rebuilt with the same
-- columns; Postgres keeps its tables (20261204000002 there only keeps the folders in step).
CREATE TEMP TABLE details_thematiques AS SELECT * FROM accompagnement_thematiques;
CREATE TEMP TABLE details_publics AS SELECT * FROM accompagnement_publics;
CREATE TEMP TABLE details_redirections AS SELECT * FROM accompagnement_redirections;
DROP TABLE accompagnement_thematiques;
DROP TABLE accompagnement_publics;
DROP TABLE accompagnement_redirections;

CREATE TABLE accompagnement_thematiques (
    accompagnement_id TEXT NOT NULL REFERENCES accompagnements (id) ON DELETE CASCADE,
    thematique TEXT NOT NULL,
    PRIMARY KEY (accompagnement_id, thematique)
) WITHOUT ROWID;

-- People per age band (dimension 'age') and per statut (dimension 'statut'); zero counts omitted.
CREATE TABLE accompagnement_publics (
    accompagnement_id TEXT NOT NULL REFERENCES accompagnements (id) ON DELETE CASCADE,
    dimension TEXT NOT NULL CHECK (dimension IN ('age', 'statut')),
    code TEXT NOT NULL,
    personnes INTEGER NOT NULL CHECK (personnes > 0),
    PRIMARY KEY (accompagnement_id, dimension, code)
) WITHOUT ROWID;

CREATE TABLE accompagnement_redirections (
    accompagnement_id TEXT NOT NULL REFERENCES accompagnements (id) ON DELETE CASCADE,
    rang INTEGER NOT NULL,                   -- order in the form
    structure TEXT NOT NULL,
    structure_autre TEXT,                    -- the free-text name when structure = 'autre'
    personnes INTEGER NOT NULL CHECK (personnes > 0),
    PRIMARY KEY (accompagnement_id, rang)
) WITHOUT ROWID;

INSERT INTO accompagnement_thematiques SELECT * FROM details_thematiques;
INSERT INTO accompagnement_publics SELECT * FROM details_publics;
INSERT INTO accompagnement_redirections SELECT * FROM details_redirections;
DROP TABLE details_thematiques;
DROP TABLE details_publics;
DROP TABLE details_redirections;
