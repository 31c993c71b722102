-- National figures per canal and per activité (issue 26, domain.md §3 "Filtres"). Keep in step
-- with migrations/postgres.
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
    comptes_rendus INTEGER NOT NULL DEFAULT 0,
    accompagnements INTEGER NOT NULL DEFAULT 0,
    deja_accompagnes INTEGER NOT NULL DEFAULT 0,
    participants_ateliers INTEGER NOT NULL DEFAULT 0,
    suivi_individuel INTEGER NOT NULL DEFAULT 0,
    suivi_atelier INTEGER NOT NULL DEFAULT 0,
    suivi_redirection INTEGER NOT NULL DEFAULT 0,
    activite_individuel INTEGER NOT NULL DEFAULT 0,
    activite_collectif INTEGER NOT NULL DEFAULT 0,
    activite_ponctuel INTEGER NOT NULL DEFAULT 0,
    temps_individuel INTEGER NOT NULL DEFAULT 0,
    temps_collectif INTEGER NOT NULL DEFAULT 0,
    temps_ponctuel INTEGER NOT NULL DEFAULT 0,
    canal_rattachement INTEGER NOT NULL DEFAULT 0,
    canal_autre_lieu INTEGER NOT NULL DEFAULT 0,
    canal_distance INTEGER NOT NULL DEFAULT 0,
    canal_domicile INTEGER NOT NULL DEFAULT 0,
    duree_0_30 INTEGER NOT NULL DEFAULT 0,
    duree_30_60 INTEGER NOT NULL DEFAULT 0,
    duree_60_120 INTEGER NOT NULL DEFAULT 0,
    duree_120_plus INTEGER NOT NULL DEFAULT 0,
    age_moins_12 INTEGER NOT NULL DEFAULT 0,
    age_de_12_a_18 INTEGER NOT NULL DEFAULT 0,
    age_de_18_a_35 INTEGER NOT NULL DEFAULT 0,
    age_de_35_a_60 INTEGER NOT NULL DEFAULT 0,
    age_plus_60 INTEGER NOT NULL DEFAULT 0,
    statut_scolarise INTEGER NOT NULL DEFAULT 0,
    statut_sans_emploi INTEGER NOT NULL DEFAULT 0,
    statut_en_emploi INTEGER NOT NULL DEFAULT 0,
    statut_retraite INTEGER NOT NULL DEFAULT 0,
    statut_non_renseigne INTEGER NOT NULL DEFAULT 0,
    theme_equipement INTEGER NOT NULL DEFAULT 0,
    theme_internet INTEGER NOT NULL DEFAULT 0,
    theme_courriel INTEGER NOT NULL DEFAULT 0,
    theme_smartphone INTEGER NOT NULL DEFAULT 0,
    theme_contenus INTEGER NOT NULL DEFAULT 0,
    theme_vocabulaire INTEGER NOT NULL DEFAULT 0,
    theme_bureautique INTEGER NOT NULL DEFAULT 0,
    theme_echanger INTEGER NOT NULL DEFAULT 0,
    theme_emploi INTEGER NOT NULL DEFAULT 0,
    theme_enfant INTEGER NOT NULL DEFAULT 0,
    theme_tpe_pme INTEGER NOT NULL DEFAULT 0,
    theme_demarche INTEGER NOT NULL DEFAULT 0,
    theme_diagnostic INTEGER NOT NULL DEFAULT 0,
    theme_securite INTEGER NOT NULL DEFAULT 0,
    theme_fraude INTEGER NOT NULL DEFAULT 0,
    theme_sante INTEGER NOT NULL DEFAULT 0,
    theme_budget INTEGER NOT NULL DEFAULT 0,
    theme_scolaire INTEGER NOT NULL DEFAULT 0,
    redirection_ants INTEGER NOT NULL DEFAULT 0,
    redirection_assistante_sociale INTEGER NOT NULL DEFAULT 0,
    redirection_caf INTEGER NOT NULL DEFAULT 0,
    redirection_carsat INTEGER NOT NULL DEFAULT 0,
    redirection_ccas INTEGER NOT NULL DEFAULT 0,
    redirection_cpam INTEGER NOT NULL DEFAULT 0,
    redirection_dgfip INTEGER NOT NULL DEFAULT 0,
    redirection_france_services INTEGER NOT NULL DEFAULT 0,
    redirection_france_travail INTEGER NOT NULL DEFAULT 0,
    redirection_mairie INTEGER NOT NULL DEFAULT 0,
    redirection_mediatheque INTEGER NOT NULL DEFAULT 0,
    redirection_mission_locale INTEGER NOT NULL DEFAULT 0,
    redirection_prefecture INTEGER NOT NULL DEFAULT 0,
    redirection_police_gendarmerie INTEGER NOT NULL DEFAULT 0,
    redirection_tiers_lieu INTEGER NOT NULL DEFAULT 0,
    redirection_autre INTEGER NOT NULL DEFAULT 0,
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
    paire_rattachement_individuel INTEGER NOT NULL DEFAULT 0,
    paire_rattachement_collectif INTEGER NOT NULL DEFAULT 0,
    paire_rattachement_ponctuel INTEGER NOT NULL DEFAULT 0,
    paire_autre_lieu_individuel INTEGER NOT NULL DEFAULT 0,
    paire_autre_lieu_collectif INTEGER NOT NULL DEFAULT 0,
    paire_autre_lieu_ponctuel INTEGER NOT NULL DEFAULT 0,
    paire_distance_individuel INTEGER NOT NULL DEFAULT 0,
    paire_distance_collectif INTEGER NOT NULL DEFAULT 0,
    paire_distance_ponctuel INTEGER NOT NULL DEFAULT 0,
    paire_domicile_individuel INTEGER NOT NULL DEFAULT 0,
    paire_domicile_collectif INTEGER NOT NULL DEFAULT 0,
    paire_domicile_ponctuel INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (conseiller_id, mois)
);
CREATE INDEX contributions_paire_mois_by_mois ON contributions_paire_mois (mois);
