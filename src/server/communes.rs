//! The official list of communes, compiled into the server: a commune the list does not
//! know is refused, whatever the client says.

use std::sync::LazyLock;

use crate::domain::referentiel::{CommuneOfficielle, Referentiel};
use crate::domain::{Commune, FieldErrors};

static OFFICIAL: LazyLock<Referentiel> =
    LazyLock::new(|| Referentiel::parse(include_str!("../../assets/communes.tsv")));

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
    fn every_departement_with_communes_in_the_list_is_a_departement_of_the_list() {
        let list = Referentiel::parse(include_str!("../../assets/communes.tsv"));
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
