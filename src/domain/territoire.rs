//! The départements (overseas collectivities included) and the régions, from the official
//! list (`territoires.tsv`, made by `scripts/territoires.mjs`), and the territories the
//! national statistics are computed over.

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use super::errors::FieldErrors;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Region {
    pub code: &'static str,
    pub nom: &'static str,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Departement {
    pub code: &'static str,
    pub nom: &'static str,
    /// The code of its région.
    pub region: &'static str,
    /// Its inhabitants (the sum of its communes').
    pub population: u32,
}

struct Lists {
    regions: Vec<Region>,
    departements: Vec<Departement>,
    /// Each département's place in `departements`, by code: the statistical secret looks
    /// départements up some hundred thousand times for a filtered national month.
    by_code: std::collections::HashMap<&'static str, usize>,
}

static LISTS: LazyLock<Lists> = LazyLock::new(|| {
    let mut lists = Lists {
        regions: Vec::new(),
        departements: Vec::new(),
        by_code: std::collections::HashMap::new(),
    };
    for line in include_str!("territoires.tsv").lines() {
        let fields: Vec<&'static str> = line.split('\t').collect();
        match fields.as_slice() {
            ["R", code, nom] => lists.regions.push(Region { code, nom }),
            ["D", code, nom, region, population] => lists.departements.push(Departement {
                code,
                nom,
                region,
                population: population.parse().unwrap_or(0),
            }),
            _ => {}
        }
    }
    lists.by_code = lists
        .departements
        .iter()
        .enumerate()
        .map(|(i, d)| (d.code, i))
        .collect();
    lists
});

/// Every région, by code (overseas collectivities are régions of their own).
pub fn regions() -> &'static [Region] {
    &LISTS.regions
}

/// Every département, by code.
pub fn departements() -> &'static [Departement] {
    &LISTS.departements
}

pub fn departement(code: &str) -> Option<&'static Departement> {
    LISTS.by_code.get(code).map(|i| &LISTS.departements[*i])
}

pub fn region(code: &str) -> Option<&'static Region> {
    LISTS.regions.iter().find(|r| r.code == code)
}

/// What the national statistics are computed over.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Territoire {
    France,
    Region(String),
    Departement(String),
}

impl Territoire {
    /// `france`, `region-84`, `departement-69` (the form it takes in an address).
    pub fn parse(text: &str) -> Result<Territoire, FieldErrors> {
        let text = text.trim();
        let found = match text.split_once('-') {
            _ if text.is_empty() || text == "france" => Some(Territoire::France),
            Some(("region", code)) => region(code).map(|r| Territoire::Region(r.code.to_owned())),
            Some(("departement", code)) => {
                departement(code).map(|d| Territoire::Departement(d.code.to_owned()))
            }
            _ => None,
        };
        found.ok_or_else(|| {
            let mut errors = FieldErrors::new();
            errors.add(
                "territoire",
                "Ce territoire n'existe pas : choisissez la France entière, une région ou un département de la liste.",
            );
            errors
        })
    }

    /// The form it takes in an address.
    pub fn code(&self) -> String {
        match self {
            Territoire::France => "france".to_owned(),
            Territoire::Region(code) => format!("region-{code}"),
            Territoire::Departement(code) => format!("departement-{code}"),
        }
    }

    /// "France entière", "Auvergne-Rhône-Alpes", "Rhône (69)".
    pub fn label(&self) -> String {
        match self {
            Territoire::France => "France entière".to_owned(),
            Territoire::Region(code) => region(code).map_or(code.clone(), |r| r.nom.to_owned()),
            Territoire::Departement(code) => {
                departement(code).map_or(code.clone(), |d| format!("{} ({})", d.nom, d.code))
            }
        }
    }

    /// The région of a département, by the département's code.
    pub fn region_of(departement: &str) -> Option<Territoire> {
        self::departement(departement).map(|d| Territoire::Region(d.region.to_owned()))
    }

    /// The départements it covers (none: every one).
    pub fn departements(&self) -> Option<Vec<&'static str>> {
        match self {
            Territoire::France => None,
            Territoire::Region(code) => Some(
                departements()
                    .iter()
                    .filter(|d| d.region == code)
                    .map(|d| d.code)
                    .collect(),
            ),
            Territoire::Departement(code) => departement(code).map(|d| vec![d.code]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_departement_belongs_to_a_region_of_the_list() {
        assert_eq!(departements().len(), 109);
        assert_eq!(regions().len(), 26);
        for d in departements() {
            assert!(region(d.region).is_some(), "{} has no région", d.code);
        }
        assert_eq!(departement("69").unwrap().region, "84");
        assert_eq!(departement("2A").unwrap().nom, "Corse-du-Sud");
        for overseas in ["971", "975", "977", "978", "986", "987", "988", "989"] {
            assert!(departement(overseas).is_some(), "{overseas}");
        }
        assert!(departement("20").is_none());
        assert!(departement("75").unwrap().population > 2_000_000);
    }

    #[test]
    fn a_territory_reads_from_its_address_form_and_back() {
        for text in ["france", "region-84", "departement-2A", "departement-975"] {
            assert_eq!(Territoire::parse(text).unwrap().code(), text);
        }
        assert_eq!(Territoire::parse("").unwrap(), Territoire::France);
        assert_eq!(
            Territoire::parse("region-84").unwrap().label(),
            "Auvergne-Rhône-Alpes"
        );
        assert_eq!(
            Territoire::parse("departement-69").unwrap().label(),
            "Rhône (69)"
        );
        for wrong in ["region-99", "departement-20", "ville-lyon", "departement-"] {
            assert!(Territoire::parse(wrong).is_err(), "{wrong}");
        }
        let corse = Territoire::Region("94".into()).departements().unwrap();
        assert_eq!(corse, ["2A", "2B"]);
    }
}
