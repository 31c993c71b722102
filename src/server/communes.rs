//! The official list of communes, compiled into the server: a commune the list does not
//! know is refused, whatever the client says.

use std::sync::LazyLock;

use crate::domain::referentiel::Referentiel;
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

/// Parses the list ahead of the first request.
pub fn warm_up() {
    LazyLock::force(&OFFICIAL);
}
