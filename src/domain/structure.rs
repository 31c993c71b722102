//! The structure d'accueil (domain.md §2): a record of its own, named once per commune.

use crate::domain::referentiel::search_key;
use crate::domain::FieldErrors;

/// How two names of one structure are recognised as the same: `search_key` (lower case, no
/// accents, single spaces), trimmed. "Médiathèque  Jean-Macé" and "mediatheque jean mace" are one.
pub fn key(nom: &str) -> String {
    search_key(nom)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A SIRET as typed (spaces allowed): 14 digits whose Luhn sum is right; empty is none.
pub fn parse_siret(text: &str) -> Result<Option<String>, FieldErrors> {
    let digits: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.is_empty() {
        return Ok(None);
    }
    let mut errors = FieldErrors::new();
    if digits.len() != 14 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        errors.add("siret", "Le SIRET compte 14 chiffres.");
    } else if !luhn(&digits) {
        errors.add("siret", "Ce SIRET n'existe pas : vérifiez ses chiffres.");
    }
    errors.into_result(|| Some(digits))
}

fn luhn(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let double = d * 2;
                if double > 9 {
                    double - 9
                } else {
                    double
                }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_structure_whatever_the_case_accents_and_spaces() {
        assert_eq!(
            key("  Médiathèque  Jean-Macé "),
            key("mediatheque jean mace")
        );
        assert_ne!(key("Médiathèque"), key("Mairie"));
    }

    #[test]
    fn a_siret_is_fourteen_digits_with_a_right_luhn_sum() {
        // The SIRET of the DINUM's head office.
        assert_eq!(
            parse_siret("130 025 265 00013"),
            Ok(Some("13002526500013".into()))
        );
        assert_eq!(parse_siret(" "), Ok(None));
        assert_eq!(
            parse_siret("1234").unwrap_err().get("siret"),
            Some("Le SIRET compte 14 chiffres.")
        );
        assert_eq!(
            parse_siret("13002526500014").unwrap_err().get("siret"),
            Some("Ce SIRET n'existe pas : vérifiez ses chiffres.")
        );
    }
}
