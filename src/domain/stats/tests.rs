use super::*;
use crate::domain::accompagnement::{AccompagnementInput, RedirectionInput, SuiviInput};
use crate::domain::commune::CommuneInput;
use uuid::Uuid;

fn november() -> Periode {
    Periode {
        du: NaiveDate::from_ymd_opt(2026, 9, 1).unwrap(),
        au: NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
    }
}

fn record(date: &str, change: impl FnOnce(&mut AccompagnementInput)) -> Accompagnement {
    let mut input = AccompagnementInput {
        id: Uuid::now_v7().to_string(),
        date: date.into(),
        activite: "individuel".into(),
        participants: 1,
        commune: CommuneInput {
            insee: "69123".into(),
            nom: "Lyon".into(),
            code_postal: "69001".into(),
        },
        canal: "rattachement".into(),
        ages: [("plus_60".to_string(), 1)].into(),
        statuts: [("retraite".to_string(), 1)].into(),
        thematiques: vec!["courriel".into()],
        duree_minutes: 30,
        ..AccompagnementInput::default()
    };
    change(&mut input);
    Accompagnement::from_stored(input).unwrap()
}

/// Three records by hand: an individual, a workshop of 8 with 3 themes, a 45-min request.
fn sample() -> Vec<Accompagnement> {
    vec![
        record("2026-09-10", |_| {}),
        record("2026-11-02", |r| {
            r.activite = "collectif".into();
            r.participants = 8;
            r.deja_accompagnes = Some(3);
            r.canal = "autre_lieu".into();
            r.ages = [("moins_12".to_string(), 3), ("de_12_a_18".to_string(), 5)].into();
            r.statuts = [("scolarise".to_string(), 8)].into();
            r.thematiques = vec!["fraude".into(), "securite".into(), "internet".into()];
            r.duree_minutes = 120;
            r.suivi = Some(SuiviInput {
                individuel: 1,
                atelier: 2,
                redirection: 3,
            });
            r.redirections = vec![
                RedirectionInput {
                    structure: "caf".into(),
                    precision: None,
                    personnes: 2,
                },
                RedirectionInput {
                    structure: "autre".into(),
                    precision: Some("Secours populaire".into()),
                    personnes: 1,
                },
            ];
        }),
        record("2026-11-20", |r| {
            r.activite = "ponctuel".into();
            r.duree_minutes = 45;
            r.canal = "distance".into();
            r.thematiques = vec!["internet".into()];
        }),
    ]
}

#[test]
fn the_figures_match_a_hand_count() {
    let stats = Stats::from_records(november(), &sample());
    assert_eq!(stats.records, 3);
    assert_eq!(stats.accompagnements, 10);
    assert_eq!(stats.nouveaux_usagers(), 7);
    assert_eq!(stats.ateliers(), 1);
    assert_eq!(stats.participants_ateliers, 8);
    assert_eq!(stats.individuels(), 1);
    assert_eq!(stats.ponctuels(), 1);
    assert_eq!(
        stats.suivi,
        SuiviTotal {
            individuel: 1,
            atelier: 2,
            redirection: 3
        }
    );
    assert_eq!(stats.suivi_percent(), 60);
    assert_eq!(stats.temps_total(), 195);
    assert_eq!(stats.temps_par_activite[&Activite::Collectif], 120);
    assert_eq!(stats.temps_par_activite[&Activite::Ponctuel], 45);
}

#[test]
fn a_record_with_three_themes_counts_for_three() {
    let stats = Stats::from_records(november(), &sample());
    assert_eq!(stats.thematiques[&Thematique::Internet], 2);
    assert_eq!(stats.thematiques[&Thematique::Fraude], 1);
    assert_eq!(stats.thematiques[&Thematique::Securite], 1);
    assert_eq!(stats.thematiques[&Thematique::Courriel], 1);
    assert_eq!(stats.thematiques.values().sum::<u64>(), 5);
    assert_eq!(stats.thematiques[&Thematique::Sante], 0);
}

#[test]
fn ages_and_statuts_count_people_not_records() {
    let stats = Stats::from_records(november(), &sample());
    assert_eq!(stats.ages[&TrancheAge::Moins12], 3);
    assert_eq!(stats.ages[&TrancheAge::De12A18], 5);
    assert_eq!(stats.ages[&TrancheAge::Plus60], 2);
    assert_eq!(stats.ages.values().sum::<u64>(), 10);
    assert_eq!(stats.statuts[&Statut::Scolarise], 8);
    assert_eq!(shares(&stats.ages)[&TrancheAge::Moins12], 30.0);
}

#[test]
fn a_45_minute_record_is_in_30_min_to_1_h_and_a_2_hour_one_in_2_h_or_more() {
    let stats = Stats::from_records(november(), &sample());
    assert_eq!(stats.durees[&TrancheDuree::Jusqua30], 1);
    assert_eq!(stats.durees[&TrancheDuree::De30A60], 1);
    assert_eq!(stats.durees[&TrancheDuree::De60A120], 0);
    assert_eq!(stats.durees[&TrancheDuree::Plus120], 1);
}

#[test]
fn canaux_and_reorientations_are_counted() {
    let stats = Stats::from_records(november(), &sample());
    assert_eq!(stats.canaux[&Canal::Rattachement], 1);
    assert_eq!(stats.canaux[&Canal::AutreLieu], 1);
    assert_eq!(stats.canaux[&Canal::Distance], 1);
    assert_eq!(stats.canaux[&Canal::Domicile], 0);
    assert_eq!(
        stats.reorientations,
        BTreeMap::from([("CAF".to_string(), 2), ("Secours populaire".to_string(), 1)])
    );
    assert_eq!(shares(&stats.canaux)[&Canal::Rattachement], 33.3);
}

#[test]
fn months_without_records_show_zero() {
    let stats = Stats::from_records(november(), &sample());
    assert_eq!(
        stats.evolution_cumulee(),
        vec![
            ("2026-09".to_string(), 1, 1),
            ("2026-10".to_string(), 0, 1),
            ("2026-11".to_string(), 2, 3),
        ]
    );
}

#[test]
fn period_bounds_are_inclusive_and_others_ignored() {
    let periode = Periode {
        du: NaiveDate::from_ymd_opt(2026, 9, 10).unwrap(),
        au: NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(),
    };
    let stats = Stats::from_records(periode, &sample());
    assert_eq!(stats.records, 2);
}

#[test]
fn an_empty_period_gives_zeros_not_errors() {
    let stats = Stats::from_records(november(), &[]);
    assert_eq!(stats.records, 0);
    assert_eq!(stats.suivi_percent(), 0);
    assert_eq!(stats.nouveaux_usagers(), 0);
    assert!(shares(&stats.canaux).values().all(|p| *p == 0.0));
    assert_eq!(stats.evolution.len(), 3);
    assert_eq!(percent(1, 0), 0.0);
}

#[test]
fn percentages_have_one_decimal() {
    assert_eq!(percent(1, 3), 33.3);
    assert_eq!(percent(2, 3), 66.7);
    assert_eq!(percent(3, 3), 100.0);
}

#[test]
fn months_cross_years() {
    let periode = Periode {
        du: NaiveDate::from_ymd_opt(2025, 11, 15).unwrap(),
        au: NaiveDate::from_ymd_opt(2026, 2, 1).unwrap(),
    };
    assert_eq!(
        periode.months(),
        ["2025-11", "2025-12", "2026-01", "2026-02"]
    );
}

#[test]
fn a_period_is_bounded_by_2020_and_a_year_from_today() {
    let today = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();

    assert!(Periode::parse(day(2020, 1, 1), day(2027, 11, 27), today).is_ok());
    let too_early = Periode::parse(day(2019, 12, 31), today, today).unwrap_err();
    assert_eq!(
        too_early.get("du"),
        Some("La période commence au plus tôt le 01/01/2020.")
    );
    let too_late = Periode::parse(day(2026, 1, 1), day(2027, 11, 28), today).unwrap_err();
    assert_eq!(
        too_late.get("au"),
        Some("La période se termine au plus tard le 27/11/2027.")
    );
    let reversed = Periode::parse(day(2026, 2, 1), day(2026, 1, 1), today).unwrap_err();
    assert!(reversed.get("au").unwrap().contains("postérieure"));
    let absurd = Periode::parse(NaiveDate::MIN, NaiveDate::MAX, today).unwrap_err();
    assert!(absurd.get("du").is_some() && absurd.get("au").is_some());
}

#[test]
fn removing_a_record_gives_the_figures_without_it() {
    let records = sample();
    let mut stats = Stats::from_records(november(), &records);

    stats.remove(&records[1]);

    let without = [records[0].clone(), records[2].clone()];
    assert_eq!(stats, Stats::from_records(november(), &without));
}

#[test]
fn merged_figures_are_those_of_every_record_together() {
    let records = sample();
    let (first, second) = records.split_at(records.len() / 2);
    let mut merged = Stats::from_records(november(), first);
    merged.merge(&Stats::from_records(november(), second));
    assert_eq!(merged, Stats::from_records(november(), &records));
}
