//! The official list of communes, compiled into the server: a commune the list does not
//! know is refused, whatever the client says.

use std::sync::LazyLock;

use crate::domain::referentiel::{search_key, CommuneOfficielle, Referentiel};
use crate::domain::{Commune, FieldErrors};

static OFFICIAL: LazyLock<Referentiel> =
    LazyLock::new(|| Referentiel::parse(include_str!("../../../assets/communes.tsv")));

/// The commune spelled as the official list spells it, or the French message for `field`.
pub fn official(commune: &Commune, field: &str) -> Result<Commune, FieldErrors> {
    OFFICIAL.official(commune).ok_or_else(|| {
        let mut errors = FieldErrors::new();
        errors.add(
            field,
            "Cette commune n'est pas dans la liste officielle : choisissez-la dans la liste proposée.",
        );
        errors
    })
}

/// A commune the programme's list names by its INSEE code (`69123`) or by a name only one
/// commune has ("Villeurbanne"), with its first postal code; the French reason otherwise.
pub fn named(text: &str) -> Result<Commune, String> {
    let text = text.trim();
    if let Some(found) = OFFICIAL.get(text) {
        let code_postal = found.codes_postaux.first().cloned().unwrap_or_default();
        return Ok(found.with_code_postal(&code_postal));
    }
    let key = search_key(text);
    let same_name: Vec<_> = OFFICIAL
        .search(text, 50)
        .into_iter()
        .filter(|t| search_key(&t.commune.nom) == key)
        .collect();
    let mut insee: Vec<&str> = same_name.iter().map(|t| t.commune.insee.as_str()).collect();
    insee.dedup();
    match (same_name.first(), insee.len()) {
        (Some(found), 1) => Ok(found.to_commune()),
        (None, _) => Err(format!(
            "la commune « {text} » n'est pas dans la liste officielle"
        )),
        _ => Err(format!(
            "plusieurs communes s'appellent « {text} » : indiquez son code INSEE"
        )),
    }
}

/// The official name of the commune of this INSEE code.
pub fn name_of(insee: &str) -> Option<String> {
    OFFICIAL.get(insee).map(|c| c.nom.clone())
}

/// The communes of a département, from the official list.
pub fn of_departement(code: &str) -> Vec<&'static CommuneOfficielle> {
    (0..OFFICIAL.len())
        .filter_map(|i| OFFICIAL.nth(i))
        .filter(|c| c.departement() == code)
        .collect()
}

/// Parses the list ahead of the first request.
pub fn warm_up() {
    LazyLock::force(&OFFICIAL);
}

#[cfg(test)]
mod tests {
    use crate::domain::referentiel::Referentiel;
    use crate::domain::territoire;

    #[test]
    fn a_commune_is_named_by_its_insee_code_or_a_name_no_other_has() {
        let lyon = super::named("69123").unwrap();
        assert_eq!((lyon.nom(), lyon.code_postal()), ("Lyon", "69001"));
        assert_eq!(super::named("villeurbanne").unwrap().insee(), "69266");
        assert!(super::named("Saint-Denis")
            .unwrap_err()
            .contains("code INSEE"));
        assert!(super::named("Nulle-Part-sur-Mer")
            .unwrap_err()
            .contains("liste officielle"));
    }

    #[test]
    fn every_departement_with_communes_in_the_list_is_a_departement_of_the_list() {
        let list = Referentiel::parse(include_str!("../../../assets/communes.tsv"));
        let mut missing: Vec<String> = (0..list.len())
            .filter_map(|i| list.nth(i))
            .map(|c| c.departement().to_owned())
            .filter(|d| territoire::departement(d).is_none())
            .collect();
        missing.dedup();
        assert!(
            missing.is_empty(),
            "départements unknown to territoires.tsv: {missing:?}"
        );
    }
}
