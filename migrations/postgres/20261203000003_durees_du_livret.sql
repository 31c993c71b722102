-- The booklet's duration buckets: a 2-hour record now counts in "2h ou plus" (domain.md §1).
-- The counters are emptied here and rebuilt from the records when the server starts
-- (server::counters::rebuild_if_out_of_step). Keep in step with migrations/sqlite.
DELETE FROM stats_jour;
DELETE FROM stats_conseiller_jour;
DELETE FROM reorientations_autres_jour;
DELETE FROM contributions_mois;
