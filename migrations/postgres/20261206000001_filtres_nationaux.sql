-- National figures per canal and per activité (issue 26, domain.md §3 "Filtres"). Keep in step
-- with migrations/sqlite.
--
-- The counters of stats_jour, per département, day and pair (canal, activité) of the records:
-- a filter by canal sums its activités, a filter by activité its canals. Only the records of
-- accounts that count, like stats_jour; changed in the same transactions. The columns are
-- `domain::counters::columns()` (a test holds them equal).
CREATE TABLE stats_paire_jour (
    departement TEXT NOT NULL,
    jour TEXT NOT NULL,                      -- AAAA-MM-JJ
    canal TEXT NOT NULL,                     -- a code of Canal
    activite TEXT NOT NULL,                  -- a code of Activite
    comptes_rendus BIGINT NOT NULL DEFAULT 0,
    accompagnements BIGINT NOT NULL DEFAULT 0,
    deja_accompagnes BIGINT NOT NULL DEFAULT 0,
    participants_ateliers BIGINT NOT NULL DEFAULT 0,
    suivi_individuel BIGINT NOT NULL DEFAULT 0,
    suivi_atelier BIGINT NOT NULL DEFAULT 0,
    suivi_redirection BIGINT NOT NULL DEFAULT 0,
    activite_individuel BIGINT NOT NULL DEFAULT 0,
    activite_collectif BIGINT NOT NULL DEFAULT 0,
    activite_ponctuel BIGINT NOT NULL DEFAULT 0,
    temps_individuel BIGINT NOT NULL DEFAULT 0,
    temps_collectif BIGINT NOT NULL DEFAULT 0,
    temps_ponctuel BIGINT NOT NULL DEFAULT 0,
    canal_rattachement BIGINT NOT NULL DEFAULT 0,
    canal_autre_lieu BIGINT NOT NULL DEFAULT 0,
    canal_distance BIGINT NOT NULL DEFAULT 0,
    canal_domicile BIGINT NOT NULL DEFAULT 0,
    duree_0_30 BIGINT NOT NULL DEFAULT 0,
    duree_30_60 BIGINT NOT NULL DEFAULT 0,
    duree_60_120 BIGINT NOT NULL DEFAULT 0,
    duree_120_plus BIGINT NOT NULL DEFAULT 0,
    age_moins_12 BIGINT NOT NULL DEFAULT 0,
    age_de_12_a_18 BIGINT NOT NULL DEFAULT 0,
    age_de_18_a_35 BIGINT NOT NULL DEFAULT 0,
    age_de_35_a_60 BIGINT NOT NULL DEFAULT 0,
    age_plus_60 BIGINT NOT NULL DEFAULT 0,
    statut_scolarise BIGINT NOT NULL DEFAULT 0,
    statut_sans_emploi BIGINT NOT NULL DEFAULT 0,
    statut_en_emploi BIGINT NOT NULL DEFAULT 0,
    statut_retraite BIGINT NOT NULL DEFAULT 0,
    statut_non_renseigne BIGINT NOT NULL DEFAULT 0,
    theme_equipement BIGINT NOT NULL DEFAULT 0,
    theme_internet BIGINT NOT NULL DEFAULT 0,
    theme_courriel BIGINT NOT NULL DEFAULT 0,
    theme_smartphone BIGINT NOT NULL DEFAULT 0,
    theme_contenus BIGINT NOT NULL DEFAULT 0,
    theme_vocabulaire BIGINT NOT NULL DEFAULT 0,
    theme_bureautique BIGINT NOT NULL DEFAULT 0,
    theme_echanger BIGINT NOT NULL DEFAULT 0,
    theme_emploi BIGINT NOT NULL DEFAULT 0,
    theme_enfant BIGINT NOT NULL DEFAULT 0,
    theme_tpe_pme BIGINT NOT NULL DEFAULT 0,
    theme_demarche BIGINT NOT NULL DEFAULT 0,
    theme_diagnostic BIGINT NOT NULL DEFAULT 0,
    theme_securite BIGINT NOT NULL DEFAULT 0,
    theme_fraude BIGINT NOT NULL DEFAULT 0,
    theme_sante BIGINT NOT NULL DEFAULT 0,
    theme_budget BIGINT NOT NULL DEFAULT 0,
    theme_scolaire BIGINT NOT NULL DEFAULT 0,
    redirection_ants BIGINT NOT NULL DEFAULT 0,
    redirection_assistante_sociale BIGINT NOT NULL DEFAULT 0,
    redirection_caf BIGINT NOT NULL DEFAULT 0,
    redirection_carsat BIGINT NOT NULL DEFAULT 0,
    redirection_ccas BIGINT NOT NULL DEFAULT 0,
    redirection_cpam BIGINT NOT NULL DEFAULT 0,
    redirection_dgfip BIGINT NOT NULL DEFAULT 0,
    redirection_france_services BIGINT NOT NULL DEFAULT 0,
    redirection_france_travail BIGINT NOT NULL DEFAULT 0,
    redirection_mairie BIGINT NOT NULL DEFAULT 0,
    redirection_mediatheque BIGINT NOT NULL DEFAULT 0,
    redirection_mission_locale BIGINT NOT NULL DEFAULT 0,
    redirection_prefecture BIGINT NOT NULL DEFAULT 0,
    redirection_police_gendarmerie BIGINT NOT NULL DEFAULT 0,
    redirection_tiers_lieu BIGINT NOT NULL DEFAULT 0,
    redirection_autre BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (departement, jour, canal, activite)
);
CREATE INDEX stats_paire_jour_by_jour ON stats_paire_jour (jour);

-- Records per conseiller and month, one column per pair (canal, activité), in the order of
-- domain::anonymat::pair_bit: which pairs a conseiller's month holds, for the statistical
-- secret of the filtered figures (domain::anonymat::Ventilation). One row per conseiller and
-- month, like contributions_mois: a year of France is some 48,000 rows to read.
CREATE TABLE contributions_paire_mois (
    conseiller_id TEXT NOT NULL,
    mois TEXT NOT NULL,                      -- AAAA-MM
    paire_rattachement_individuel BIGINT NOT NULL DEFAULT 0,
    paire_rattachement_collectif BIGINT NOT NULL DEFAULT 0,
    paire_rattachement_ponctuel BIGINT NOT NULL DEFAULT 0,
    paire_autre_lieu_individuel BIGINT NOT NULL DEFAULT 0,
    paire_autre_lieu_collectif BIGINT NOT NULL DEFAULT 0,
    paire_autre_lieu_ponctuel BIGINT NOT NULL DEFAULT 0,
    paire_distance_individuel BIGINT NOT NULL DEFAULT 0,
    paire_distance_collectif BIGINT NOT NULL DEFAULT 0,
    paire_distance_ponctuel BIGINT NOT NULL DEFAULT 0,
    paire_domicile_individuel BIGINT NOT NULL DEFAULT 0,
    paire_domicile_collectif BIGINT NOT NULL DEFAULT 0,
    paire_domicile_ponctuel BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (conseiller_id, mois)
);
CREATE INDEX contributions_paire_mois_by_mois ON contributions_paire_mois (mois);
