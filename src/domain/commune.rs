//! A French commune as the official list identifies it, and the département codes.

use serde::{Deserialize, Serialize};

use super::errors::FieldErrors;

/// What a client sends for a commune (all text, checked by [`Commune::parse`]).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CommuneInput {
    pub insee: String,
    pub nom: String,
    pub code_postal: String,
}

/// A commune: INSEE code (5 characters, `2A`/`2B` for Corsica), name and one of its postal codes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "CommuneInput", into = "CommuneInput")]
pub struct Commune {
    insee: String,
    nom: String,
    code_postal: String,
}

impl Commune {
    /// Checks the three parts; problems are recorded under `field`.
    pub fn parse(input: CommuneInput, field: &str, errors: &mut FieldErrors) -> Option<Commune> {
        let insee = input.insee.trim().to_ascii_uppercase();
        let nom = input.nom.trim().to_owned();
        let code_postal = input.code_postal.trim().to_owned();
        if insee.is_empty() && nom.is_empty() {
            errors.add(field, "Choisissez une commune dans la liste.");
            return None;
        }
        if !is_insee_code(&insee) {
            errors.add(
                field,
                "Le code INSEE de la commune est invalide : choisissez la commune dans la liste.",
            );
            return None;
        }
        if nom.is_empty() || nom.chars().count() > 100 {
            errors.add(field, "Le nom de la commune est manquant ou trop long.");
            return None;
        }
        if code_postal.len() != 5 || !code_postal.bytes().all(|b| b.is_ascii_digit()) {
            errors.add(field, "Le code postal doit comporter 5 chiffres.");
            return None;
        }
        Some(Commune {
            insee,
            nom,
            code_postal,
        })
    }

    pub fn insee(&self) -> &str {
        &self.insee
    }

    pub fn nom(&self) -> &str {
        &self.nom
    }

    pub fn code_postal(&self) -> &str {
        &self.code_postal
    }

    /// The département's code, which starts the INSEE code.
    pub fn departement(&self) -> &str {
        departement_of_insee(&self.insee)
    }

    /// "Lyon (69001)", as lists show it.
    pub fn display_name(&self) -> String {
        format!("{} ({})", self.nom, self.code_postal)
    }
}

impl From<Commune> for CommuneInput {
    fn from(c: Commune) -> Self {
        CommuneInput {
            insee: c.insee,
            nom: c.nom,
            code_postal: c.code_postal,
        }
    }
}

impl TryFrom<CommuneInput> for Commune {
    type Error = FieldErrors;

    fn try_from(input: CommuneInput) -> Result<Self, Self::Error> {
        let mut errors = FieldErrors::new();
        Commune::parse(input, "commune", &mut errors).ok_or(errors)
    }
}

/// `69` for `69123`, `2A` for `2A004`, `974` for `97411`.
pub fn departement_of_insee(insee: &str) -> &str {
    // Overseas (97x, 98x): three characters.
    let len = if insee.starts_with("97") || insee.starts_with("98") {
        3
    } else {
        2
    };
    insee.get(..len).unwrap_or(insee)
}

/// `01001`, `2A004`, `97411`: two characters of département then three digits.
fn is_insee_code(code: &str) -> bool {
    let bytes = code.as_bytes();
    bytes.len() == 5
        && (code.starts_with("2A")
            || code.starts_with("2B")
            || bytes[..2].iter().all(u8::is_ascii_digit))
        && bytes[2..].iter().all(u8::is_ascii_digit)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(insee: &str, nom: &str, cp: &str) -> CommuneInput {
        CommuneInput {
            insee: insee.into(),
            nom: nom.into(),
            code_postal: cp.into(),
        }
    }

    #[test]
    fn a_commune_of_the_list_is_accepted() {
        let c = Commune::try_from(input("69123", "Lyon", "69001")).unwrap();
        assert_eq!(c.insee(), "69123");
        assert_eq!(c.display_name(), "Lyon (69001)");
        assert_eq!(c.departement(), "69");
        assert!(Commune::try_from(input("2a004", "Ajaccio", "20000")).is_ok());
        assert!(Commune::try_from(input("97411", "Saint-Denis", "97400")).is_ok());
    }

    #[test]
    fn a_malformed_commune_is_refused_with_a_french_message() {
        for (insee, nom, cp) in [
            ("", "", ""),
            ("6912", "Lyon", "69001"),
            ("69A23", "Lyon", "69001"),
            ("69123", "", "69001"),
            ("69123", "Lyon", "6900"),
            ("69123", "Lyon", "69OO1"),
        ] {
            let errors = Commune::try_from(input(insee, nom, cp)).unwrap_err();
            assert!(errors.get("commune").is_some(), "{insee} {nom} {cp}");
        }
    }
}
