//! The filters of the statistics (domain.md §3, "Filtres"): a commune, a canal, an activité.
//! Every filtered figure is `domain::stats` over the records the filters keep.

use serde::{Deserialize, Serialize};

use crate::domain::vocabulary::{Activite, Canal};
use crate::domain::{Accompagnement, FieldErrors};

/// What the figures are narrowed to; none: every record of the period.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Filtres {
    /// The commune's INSEE code (5 characters: digits, or 2A/2B for Corsica).
    pub commune: Option<String>,
    pub canal: Option<Canal>,
    pub activite: Option<Activite>,
}

impl Filtres {
    /// The filters of an address (`commune=…&canal=…&activite=…`, empty values meaning none).
    pub fn parse(
        commune: Option<&str>,
        canal: Option<&str>,
        activite: Option<&str>,
    ) -> Result<Filtres, FieldErrors> {
        let mut errors = FieldErrors::new();
        let commune = given(commune).map(str::to_owned);
        if let Some(code) = &commune {
            if !is_insee_code(code) {
                errors.add("commune", "La commune du filtre est inconnue.");
            }
        }
        let canal = given(canal).and_then(|code| {
            let canal = Canal::from_code(code);
            if canal.is_none() {
                errors.add("canal", "Le canal du filtre est inconnu.");
            }
            canal
        });
        let activite = given(activite).and_then(|code| {
            let activite = Activite::from_code(code);
            if activite.is_none() {
                errors.add("activite", "L'activité du filtre est inconnue.");
            }
            activite
        });
        errors.into_result(|| Filtres {
            commune,
            canal,
            activite,
        })
    }

    pub fn is_empty(&self) -> bool {
        self.commune.is_none() && self.canal.is_none() && self.activite.is_none()
    }

    /// Whether the filters keep this record.
    pub fn keeps(&self, record: &Accompagnement) -> bool {
        self.commune
            .as_deref()
            .is_none_or(|insee| record.commune().insee() == insee)
            && self.canal.is_none_or(|canal| record.canal() == canal)
            && self.activite.is_none_or(|a| record.activite() == a)
    }

    /// The filters as they go in an address, each as `&name=code` (empty without filters).
    pub fn query(&self) -> String {
        let mut query = String::new();
        if let Some(commune) = &self.commune {
            query.push_str(&format!("&commune={commune}"));
        }
        if let Some(canal) = self.canal {
            query.push_str(&format!("&canal={}", canal.code()));
        }
        if let Some(activite) = self.activite {
            query.push_str(&format!("&activite={}", activite.code()));
        }
        query
    }

    /// The filters in words, for a page, a printed report and an export's heading
    /// ("Commune : Lyon · Canal : À distance"); `commune_name` names a commune by its code.
    /// None without filters.
    pub fn describe(&self, commune_name: impl Fn(&str) -> Option<String>) -> Option<String> {
        let mut parts = Vec::new();
        if let Some(code) = &self.commune {
            let name = commune_name(code).unwrap_or_else(|| code.clone());
            parts.push(format!("Commune : {name}"));
        }
        if let Some(canal) = self.canal {
            parts.push(format!("Canal : {}", canal.label()));
        }
        if let Some(activite) = self.activite {
            parts.push(format!("Activité : {}", activite.label()));
        }
        (!parts.is_empty()).then(|| parts.join(" · "))
    }
}

/// A value of the address, trimmed; empty is none.
fn given(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
}

fn is_insee_code(code: &str) -> bool {
    code.len() == 5
        && code.is_ascii()
        && (code.bytes().all(|b| b.is_ascii_digit())
            || ((code.starts_with("2A") || code.starts_with("2B"))
                && code[2..].bytes().all(|b| b.is_ascii_digit())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::fixtures;

    #[test]
    fn empty_values_are_no_filter_and_bad_codes_are_refused_in_french() {
        assert_eq!(
            Filtres::parse(Some(""), Some(" "), None),
            Ok(Filtres::default())
        );
        let errors = Filtres::parse(Some("Lyon"), Some("partout"), Some("x")).unwrap_err();
        assert_eq!(
            errors.get("commune"),
            Some("La commune du filtre est inconnue.")
        );
        assert_eq!(errors.get("canal"), Some("Le canal du filtre est inconnu."));
        assert_eq!(
            errors.get("activite"),
            Some("L'activité du filtre est inconnue.")
        );
        assert!(Filtres::parse(Some("2A004"), None, None).is_ok());
    }

    #[test]
    fn a_record_is_kept_when_every_filter_agrees() {
        let record = Accompagnement::from_stored(fixtures::atelier()).expect("a valid record");
        let own = Filtres {
            commune: Some(record.commune().insee().to_owned()),
            canal: Some(record.canal()),
            activite: Some(record.activite()),
        };
        assert!(own.keeps(&record));
        assert!(Filtres::default().keeps(&record));
        let other_canal = Canal::ALL.iter().find(|c| **c != record.canal()).copied();
        assert!(!Filtres {
            canal: other_canal,
            ..own.clone()
        }
        .keeps(&record));
        let describe = own.describe(|_| Some("Ville".into())).unwrap();
        assert!(
            describe.starts_with("Commune : Ville · Canal : "),
            "{describe}"
        );
        assert!(own.query().starts_with("&commune="));
    }
}
