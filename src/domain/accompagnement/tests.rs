use super::*;
use crate::domain::fixtures;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
}

/// A valid individual accompaniment; each test changes one thing.
fn valid() -> AccompagnementInput {
    fixtures::individuel("2026-11-20")
}

/// A workshop of `n` people, all in one bucket.
fn atelier(n: i64) -> AccompagnementInput {
    AccompagnementInput {
        activite: "collectif".into(),
        participants: n,
        ages: BTreeMap::from([("de_12_a_18".into(), n)]),
        statuts: BTreeMap::from([("scolarise".into(), n)]),
        ..valid()
    }
}

fn error_on(input: AccompagnementInput, field: &str) -> String {
    let errors = Accompagnement::parse(input, today()).expect_err("input should be refused");
    errors
        .get(field)
        .unwrap_or_else(|| panic!("no message on {field}: {errors:?}"))
        .to_owned()
}

fn accepted(input: AccompagnementInput) -> Accompagnement {
    Accompagnement::parse(input, today()).unwrap_or_else(|e| panic!("refused: {e:?}"))
}

#[test]
fn a_complete_individual_record_is_accepted() {
    let input = valid();
    let a = accepted(input.clone());
    assert_eq!(a.activite(), Activite::Individuel);
    assert_eq!(a.participants(), 1);
    assert_eq!(a.commune().insee(), "75111");
    assert_eq!(a.thematiques(), &[Thematique::Courriel]);
    assert_eq!(a.ages().get(&TrancheAge::Plus60), Some(&1));
    assert_eq!(a.suivi().total(), 0);
}

#[test]
fn a_record_reads_back_unchanged_through_its_wire_format() {
    let mut input = atelier(8);
    input.suivi = Some(SuiviInput {
        individuel: 1,
        atelier: 2,
        redirection: 3,
    });
    input.redirections = vec![
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
    input.annotation = Some("Atelier au centre social".into());
    let a = accepted(input);
    let json = serde_json::to_string(&a).unwrap();
    let back: Accompagnement = serde_json::from_str(&json).unwrap();
    assert_eq!(back, a);
    assert_eq!(back.redirections()[1].label(), "Secours populaire");
}

#[test]
fn the_id_must_be_a_uuid_v7() {
    for id in ["", "pas-un-uuid", &Uuid::new_v4().to_string()] {
        let input = AccompagnementInput {
            id: id.into(),
            ..valid()
        };
        assert!(error_on(input, "id").contains("UUID v7"));
    }
}

#[test]
fn the_date_goes_from_2020_01_01_to_today() {
    for ok in ["2020-01-01", "2026-11-26"] {
        accepted(AccompagnementInput {
            date: ok.into(),
            ..valid()
        });
    }
    let before = error_on(
        AccompagnementInput {
            date: "2019-12-31".into(),
            ..valid()
        },
        "date",
    );
    assert!(before.contains("01/01/2020"));
    let tomorrow = error_on(
        AccompagnementInput {
            date: "2026-11-27".into(),
            ..valid()
        },
        "date",
    );
    assert!(tomorrow.contains("futur"));
    for bad in ["", "26/11/2026", "2026-02-30"] {
        error_on(
            AccompagnementInput {
                date: bad.into(),
                ..valid()
            },
            "date",
        );
    }
}

#[test]
fn the_activity_and_the_canal_come_from_the_vocabulary() {
    error_on(
        AccompagnementInput {
            activite: "".into(),
            ..valid()
        },
        "activite",
    );
    error_on(
        AccompagnementInput {
            activite: "visite".into(),
            ..valid()
        },
        "activite",
    );
    error_on(
        AccompagnementInput {
            canal: "".into(),
            ..valid()
        },
        "canal",
    );
}

#[test]
fn participants_go_from_1_to_100() {
    accepted(atelier(1));
    accepted(atelier(100));
    for n in [0, 101, -1] {
        let msg = error_on(atelier(n), "participants");
        assert!(msg.contains("entre 1 et 100"), "{msg}");
    }
}

#[test]
fn an_individual_record_may_count_more_than_one_person_when_the_conseiller_says_so() {
    let input = AccompagnementInput {
        participants: 2,
        ages: BTreeMap::from([("plus_60".into(), 2)]),
        statuts: BTreeMap::from([("retraite".into(), 2)]),
        ..valid()
    };
    assert_eq!(accepted(input).participants(), 2);
}

#[test]
fn people_already_accompanied_go_from_0_to_the_participants() {
    for ok in [None, Some(0), Some(8)] {
        accepted(AccompagnementInput {
            deja_accompagnes: ok,
            ..atelier(8)
        });
    }
    for ko in [-1, 9] {
        let msg = error_on(
            AccompagnementInput {
                deja_accompagnes: Some(ko),
                ..atelier(8)
            },
            "deja_accompagnes",
        );
        assert!(msg.contains("entre 0 et 8"), "{msg}");
    }
}

#[test]
fn ages_must_add_up_to_the_participants() {
    let split = |a: i64, b: i64| AccompagnementInput {
        ages: BTreeMap::from([("moins_12".into(), a), ("de_12_a_18".into(), b)]),
        ..atelier(8)
    };
    let a = accepted(split(3, 5));
    assert_eq!(a.ages().values().sum::<u32>(), 8);
    assert!(error_on(split(3, 4), "ages").contains("reste 1 à répartir"));
    assert!(error_on(split(3, 6), "ages").contains("1 personne de trop"));
    assert!(error_on(split(-1, 9), "ages").contains("entre 0 et 100"));
    let empty = AccompagnementInput {
        ages: BTreeMap::new(),
        ..atelier(8)
    };
    assert!(error_on(empty, "ages").contains("reste 8 à répartir"));
}

#[test]
fn an_age_count_of_zero_is_dropped() {
    let input = AccompagnementInput {
        ages: BTreeMap::from([("moins_12".into(), 0), ("plus_60".into(), 1)]),
        ..valid()
    };
    assert_eq!(accepted(input).ages().len(), 1);
}

#[test]
fn an_unknown_age_band_is_refused() {
    let input = AccompagnementInput {
        ages: BTreeMap::from([("centenaire".into(), 1)]),
        ..valid()
    };
    assert!(error_on(input, "ages").contains("centenaire"));
}

#[test]
fn statuts_must_add_up_to_the_participants() {
    let split = |a: i64| AccompagnementInput {
        statuts: BTreeMap::from([("non_renseigne".into(), a)]),
        ..atelier(8)
    };
    accepted(split(8));
    assert!(error_on(split(7), "statuts").contains("reste 1 à répartir"));
    assert!(error_on(split(9), "statuts").contains("de trop"));
}

#[test]
fn at_least_one_theme_and_each_once() {
    assert!(error_on(
        AccompagnementInput {
            thematiques: vec![],
            ..valid()
        },
        "thematiques"
    )
    .contains("au moins une"));
    assert!(error_on(
        AccompagnementInput {
            thematiques: vec!["courriel".into(), "courriel".into()],
            ..valid()
        },
        "thematiques"
    )
    .contains("deux fois"));
    error_on(
        AccompagnementInput {
            thematiques: vec!["cuisine".into()],
            ..valid()
        },
        "thematiques",
    );
    let all = AccompagnementInput {
        thematiques: Thematique::ALL
            .iter()
            .rev()
            .map(|t| t.code().into())
            .collect(),
        ..valid()
    };
    assert_eq!(accepted(all).thematiques(), Thematique::ALL);
}

#[test]
fn the_duration_goes_from_1_to_480_minutes() {
    for ok in [1, 45, 480] {
        accepted(AccompagnementInput {
            duree_minutes: ok,
            ..valid()
        });
    }
    for ko in [0, 481, -30] {
        error_on(
            AccompagnementInput {
                duree_minutes: ko,
                ..valid()
            },
            "duree_minutes",
        );
    }
}

#[test]
fn follow_ups_cannot_exceed_the_participants() {
    let with = |i: i64, a: i64, r: i64| AccompagnementInput {
        suivi: Some(SuiviInput {
            individuel: i,
            atelier: a,
            redirection: r,
        }),
        redirections: if r > 0 {
            vec![RedirectionInput {
                structure: "mairie".into(),
                precision: None,
                personnes: r,
            }]
        } else {
            vec![]
        },
        ..atelier(8)
    };
    assert_eq!(accepted(with(4, 2, 2)).suivi().total(), 8);
    assert!(error_on(with(4, 3, 2), "suivi").contains("ne peut pas dépasser"));
    error_on(with(-1, 0, 0), "suivi");
}

#[test]
fn redirections_must_add_up_to_the_redirected_follow_ups() {
    let base = || AccompagnementInput {
        suivi: Some(SuiviInput {
            individuel: 0,
            atelier: 0,
            redirection: 3,
        }),
        ..atelier(8)
    };
    let redirect = |structure: &str, precision: Option<&str>, n: i64| RedirectionInput {
        structure: structure.into(),
        precision: precision.map(Into::into),
        personnes: n,
    };
    accepted(AccompagnementInput {
        redirections: vec![redirect("caf", None, 2), redirect("cpam", None, 1)],
        ..base()
    });
    let off_by_one = AccompagnementInput {
        redirections: vec![redirect("caf", None, 2)],
        ..base()
    };
    assert!(error_on(off_by_one, "redirections").contains("2 personnes"));
    let none = base();
    error_on(none, "redirections");
    let without_suivi = AccompagnementInput {
        redirections: vec![redirect("caf", None, 1)],
        ..atelier(8)
    };
    error_on(without_suivi, "redirections");
    let twice = AccompagnementInput {
        redirections: vec![redirect("caf", None, 2), redirect("caf", None, 1)],
        ..base()
    };
    assert!(error_on(twice, "redirections").contains("deux fois"));
    let zero = AccompagnementInput {
        redirections: vec![redirect("caf", None, 3), redirect("cpam", None, 0)],
        ..base()
    };
    error_on(zero, "redirections");
    let unknown = AccompagnementInput {
        redirections: vec![redirect("banque", None, 3)],
        ..base()
    };
    error_on(unknown, "redirections");
}

#[test]
fn an_other_structure_is_named_in_3_to_60_characters() {
    let with = |name: &str| AccompagnementInput {
        suivi: Some(SuiviInput {
            individuel: 0,
            atelier: 0,
            redirection: 1,
        }),
        redirections: vec![RedirectionInput {
            structure: "autre".into(),
            precision: Some(name.into()),
            personnes: 1,
        }],
        ..valid()
    };
    accepted(with("Abc"));
    accepted(with(&"x".repeat(60)));
    for ko in ["", "Ab", "  Ab  ", &"x".repeat(61)] {
        assert!(error_on(with(ko), "redirections").contains("3 à 60"));
    }
}

#[test]
fn the_annotation_is_optional_and_at_most_280_characters() {
    let with = |text: &str| AccompagnementInput {
        annotation: Some(text.into()),
        ..valid()
    };
    assert_eq!(accepted(with("   ")).annotation(), None);
    assert_eq!(
        accepted(with(&"é".repeat(280)))
            .annotation()
            .unwrap()
            .chars()
            .count(),
        280
    );
    assert!(error_on(with(&"é".repeat(281)), "annotation").contains("280"));
}

#[test]
fn every_faulty_field_gets_its_own_message() {
    let input = AccompagnementInput {
        id: String::new(),
        ..AccompagnementInput::default()
    };
    let errors = Accompagnement::parse(input, today()).unwrap_err();
    for field in [
        "id",
        "date",
        "activite",
        "participants",
        "commune",
        "canal",
        "thematiques",
        "duree_minutes",
    ] {
        assert!(errors.get(field).is_some(), "missing message for {field}");
    }
}

#[test]
fn a_stored_record_dated_before_today_still_reads_back_later() {
    let stored: AccompagnementInput = accepted(valid()).into();
    assert!(Accompagnement::from_stored(stored).is_ok());
}

#[test]
fn the_fields_named_by_field_are_the_records_own() {
    let json = serde_json::to_value(valid()).unwrap();
    let keys: std::collections::BTreeSet<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let named: std::collections::BTreeSet<&str> = Field::ALL.iter().map(|f| f.code()).collect();
    assert_eq!(keys, named);
}
