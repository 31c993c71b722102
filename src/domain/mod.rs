//! The pure heart of Conum: vocabulary, records, conseillers and their rules.
//!
//! No IO, no Dioxus, no database: this compiles for the browser and the server alike, so the
//! form and the API apply exactly the same rules and French messages.

pub mod accompagnement;
pub mod admission;
pub mod anonymat;
pub mod commune;
pub mod conseiller;
pub mod counters;
pub mod dates;
pub mod errors;
pub mod export;
pub mod filtres;
pub mod fixtures;
pub mod mois;
pub mod page;
pub mod referentiel;
pub mod sections;
pub mod stats;
pub mod structure;
pub mod territoire;
pub mod vocabulary;

pub use accompagnement::{Accompagnement, AccompagnementInput};
pub use commune::{Commune, CommuneInput};
pub use conseiller::{
    AccountDeletion, ConseillerId, Credentials, NewConseiller, PasswordChange, PasswordReset,
    Profil, ProfilDetails, ProfilInput, ResetRequest, SignupInput,
};
pub use errors::{FieldError, FieldErrors};
pub use page::PageRequest;
