//! Typed records the tests share: the unit tests of `domain` and the API tests
//! (`conum::domain::fixtures`, sent as JSON). Each call makes a new UUID v7.

use std::collections::BTreeMap;

use uuid::Uuid;

use super::accompagnement::{AccompagnementInput, RedirectionInput, SuiviInput};
use super::commune::CommuneInput;

/// A valid individual accompaniment in Paris 11e, dated `date`: one retired person over 60,
/// about email, 30 minutes. Tests change one thing at a time.
pub fn individuel(date: &str) -> AccompagnementInput {
    AccompagnementInput {
        id: Uuid::now_v7().to_string(),
        date: date.into(),
        activite: "individuel".into(),
        participants: 1,
        deja_accompagnes: Some(0),
        commune: CommuneInput {
            insee: "75111".into(),
            nom: "Paris 11e Arrondissement".into(),
            code_postal: "75011".into(),
        },
        canal: "rattachement".into(),
        ages: BTreeMap::from([("plus_60".into(), 1)]),
        statuts: BTreeMap::from([("retraite".into(), 1)]),
        thematiques: vec!["courriel".into()],
        duree_minutes: 30,
        suivi: None,
        redirections: vec![],
        annotation: None,
    }
}

/// A workshop of 8 at a collège in Ajaccio on 15/01/2026, using every optional field.
pub fn atelier() -> AccompagnementInput {
    AccompagnementInput {
        date: "2026-01-15".into(),
        activite: "collectif".into(),
        participants: 8,
        deja_accompagnes: Some(3),
        commune: CommuneInput {
            insee: "2A004".into(),
            nom: "Ajaccio".into(),
            code_postal: "20000".into(),
        },
        canal: "autre_lieu".into(),
        ages: BTreeMap::from([("moins_12".into(), 3), ("de_12_a_18".into(), 5)]),
        statuts: BTreeMap::from([("scolarise".into(), 8)]),
        thematiques: vec!["fraude".into(), "securite".into(), "internet".into()],
        duree_minutes: 90,
        suivi: Some(SuiviInput {
            individuel: 1,
            atelier: 2,
            redirection: 3,
        }),
        redirections: vec![
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
        ],
        annotation: Some("Atelier au collège".into()),
        ..individuel("2026-01-15")
    }
}
