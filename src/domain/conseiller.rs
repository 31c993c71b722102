//! The conseiller (domain.md §2): sign-up and profile rules.

use serde::{Deserialize, Serialize};

use super::admission::Mutualisation;
use super::commune::{Commune, CommuneInput};
use super::errors::FieldErrors;
use super::territoire;

pub const PASSWORD_MIN_CHARS: usize = 12;
/// Far above any real passphrase; bounds the hashing work one request can ask for.
pub const PASSWORD_MAX_CHARS: usize = 256;
const NAME_MAX_CHARS: usize = 100;
const EMAIL_MAX_CHARS: usize = 254;

/// What the sign-up form sends: the credentials and the profile, side by side.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SignupInput {
    pub email: String,
    pub password: String,
    pub prenom: String,
    pub nom: String,
    pub structure: String,
    pub commune: CommuneInput,
    pub departement: String,
    /// The token of the programme's invitation mail, when the sign-up comes from it (it
    /// proves the address: the account is made at once).
    pub invitation: String,
}

impl SignupInput {
    pub fn new(email: String, password: String, profil: ProfilInput, invitation: String) -> Self {
        SignupInput {
            email,
            password,
            prenom: profil.prenom,
            nom: profil.nom,
            structure: profil.structure,
            commune: profil.commune,
            departement: profil.departement,
            invitation,
        }
    }

    /// The profile part.
    pub fn profil(&self) -> ProfilInput {
        ProfilInput {
            prenom: self.prenom.clone(),
            nom: self.nom.clone(),
            structure: self.structure.clone(),
            commune: self.commune.clone(),
            departement: self.departement.clone(),
        }
    }
}

impl std::fmt::Debug for SignupInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignupInput")
            .field("email", &self.email)
            .field("password", &"[caché]")
            .field("profil", &self.profil())
            .field("invitation", &"[caché]")
            .finish()
    }
}

/// What the login form sends.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Credentials {
    pub email: String,
    pub password: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("email", &self.email)
            .field("password", &"[caché]")
            .finish()
    }
}

/// What the profile form sends (and the profile part of the sign-up form).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ProfilInput {
    pub prenom: String,
    pub nom: String,
    pub structure: String,
    pub commune: CommuneInput,
    pub departement: String,
}

/// What the password form sends.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PasswordChange {
    pub actuel: String,
    pub nouveau: String,
}

impl std::fmt::Debug for PasswordChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PasswordChange { [caché] }")
    }
}

impl PasswordChange {
    /// Checks the new password; the current one is checked by the server against its hash.
    pub fn check(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        check_password(&self.nouveau, "nouveau", &mut errors);
        errors.into_result(|| ())
    }
}

/// "Mot de passe oublié ?": the email to send a reset link to.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ResetRequest {
    pub email: String,
}

/// A new password, with the single-use token of the mail.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PasswordReset {
    pub jeton: String,
    pub nouveau: String,
}

impl std::fmt::Debug for PasswordReset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PasswordReset { [caché] }")
    }
}

impl PasswordReset {
    /// Checks the new password; the token is checked by the server.
    pub fn check(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        check_password(&self.nouveau, "nouveau", &mut errors);
        errors.into_result(|| ())
    }
}

/// "Supprimer mon compte": the password confirms it.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AccountDeletion {
    pub password: String,
}

impl std::fmt::Debug for AccountDeletion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AccountDeletion { [caché] }")
    }
}

/// The editable part of a conseiller's profile, valid.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfilDetails {
    pub prenom: String,
    pub nom: String,
    pub structure: String,
    /// The commune de rattachement: the default commune of a new record.
    pub commune: Commune,
    pub departement: String,
}

impl ProfilDetails {
    pub fn parse(input: ProfilInput) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let details = Self::parse_into(input, &mut errors);
        match details {
            Some(details) if errors.is_empty() => Ok(details),
            _ => Err(errors),
        }
    }

    fn parse_into(input: ProfilInput, errors: &mut FieldErrors) -> Option<Self> {
        let prenom = required_text(&input.prenom, "prenom", "votre prénom", errors);
        let nom = required_text(&input.nom, "nom", "votre nom", errors);
        let structure = required_text(
            &input.structure,
            "structure",
            "votre structure d'accueil",
            errors,
        );
        let commune = Commune::parse(input.commune, "commune", errors);
        let departement = input.departement.trim().to_ascii_uppercase();
        // The département gives the région the conseiller's records count in: it is the
        // commune de rattachement's. (A commune of no département is not in the official
        // list: the server says so about the commune.)
        match &commune {
            _ if territoire::departement(&departement).is_none() => errors.add(
                "departement",
                "Indiquez le numéro de votre département (par exemple 69, 2A ou 974).",
            ),
            Some(c)
                if territoire::departement(c.departement()).is_some()
                    && c.departement() != departement =>
            {
                errors.add(
                    "departement",
                    format!(
                        "Le département doit être celui de la commune de rattachement ({}).",
                        c.departement()
                    ),
                )
            }
            _ => {}
        }
        Some(ProfilDetails {
            prenom,
            nom,
            structure,
            commune: commune?,
            departement,
        })
    }
}

impl From<ProfilDetails> for ProfilInput {
    fn from(d: ProfilDetails) -> Self {
        ProfilInput {
            prenom: d.prenom,
            nom: d.nom,
            structure: d.structure,
            commune: d.commune.into(),
            departement: d.departement,
        }
    }
}

/// Who a conseiller is, for the machines: the account's opaque, permanent identifier. The
/// phone tags everything it keeps with it, so that a shared phone never mixes two accounts.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ConseillerId(String);

impl ConseillerId {
    pub fn new(id: impl Into<String>) -> Self {
        ConseillerId(id.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for ConseillerId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The profile of a conseiller, as the app shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profil {
    pub id: ConseillerId,
    pub email: String,
    #[serde(flatten)]
    pub details: ProfilDetails,
    /// Whether their records count in the pooled figures, and if not, why. (Absent from
    /// profiles kept on a phone before it existed.)
    #[serde(default)]
    pub mutualisation: Mutualisation,
}

/// A valid sign-up: normalised email, checked password and profile (the id comes with the
/// account, when it is stored).
#[derive(Clone, PartialEq, Eq)]
pub struct NewConseiller {
    pub email: String,
    pub details: ProfilDetails,
    pub password: String,
}

impl std::fmt::Debug for NewConseiller {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewConseiller")
            .field("email", &self.email)
            .field("details", &self.details)
            .field("password", &"[caché]")
            .finish()
    }
}

impl NewConseiller {
    pub fn parse(input: SignupInput) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let email = parse_email(&input.email, &mut errors);
        check_password(&input.password, "password", &mut errors);
        let details = ProfilDetails::parse_into(input.profil(), &mut errors);
        match details {
            Some(details) if errors.is_empty() => Ok(NewConseiller {
                email,
                details,
                password: input.password,
            }),
            _ => Err(errors),
        }
    }
}

fn check_password(password: &str, field: &str, errors: &mut FieldErrors) {
    let chars = password.chars().count();
    if chars < PASSWORD_MIN_CHARS {
        errors.add(
            field,
            format!("Le mot de passe doit compter au moins {PASSWORD_MIN_CHARS} caractères."),
        );
    } else if chars > PASSWORD_MAX_CHARS {
        errors.add(
            field,
            format!("Le mot de passe ne doit pas dépasser {PASSWORD_MAX_CHARS} caractères."),
        );
    }
}

/// Emails are compared case-insensitively: they are stored trimmed and lower-cased.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

fn parse_email(email: &str, errors: &mut FieldErrors) -> String {
    let email = normalize_email(email);
    let well_formed = match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
                && !email.contains(char::is_whitespace)
        }
        None => false,
    };
    if !well_formed || email.chars().count() > EMAIL_MAX_CHARS {
        errors.add(
            "email",
            "Indiquez une adresse e-mail valide, par exemple prenom.nom@exemple.fr.",
        );
    }
    email
}

fn required_text(value: &str, field: &str, what: &str, errors: &mut FieldErrors) -> String {
    let value = value.trim().to_owned();
    if value.is_empty() {
        errors.add(field, format!("Indiquez {what}."));
    } else if value.chars().count() > NAME_MAX_CHARS {
        errors.add(
            field,
            format!("Ce champ ne doit pas dépasser {NAME_MAX_CHARS} caractères."),
        );
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid() -> SignupInput {
        SignupInput {
            email: "  Camille.Martin@Exemple.FR ".into(),
            password: "correct horse battery".into(),
            prenom: "Camille".into(),
            nom: "Martin".into(),
            structure: "Médiathèque de Lyon".into(),
            commune: CommuneInput {
                insee: "69123".into(),
                nom: "Lyon".into(),
                code_postal: "69001".into(),
            },
            departement: "69".into(),
            invitation: String::new(),
        }
    }

    #[test]
    fn a_complete_sign_up_is_accepted_with_a_normalised_email() {
        let c = NewConseiller::parse(valid()).unwrap();
        assert_eq!(c.email, "camille.martin@exemple.fr");
        assert_eq!(c.details.commune.nom(), "Lyon");
    }

    #[test]
    fn the_password_needs_at_least_12_characters() {
        let with = |p: &str| SignupInput {
            password: p.into(),
            ..valid()
        };
        assert!(NewConseiller::parse(with("123456789012")).is_ok());
        assert!(NewConseiller::parse(with("éééééééééééé")).is_ok());
        let errors = NewConseiller::parse(with("12345678901")).unwrap_err();
        assert!(errors.get("password").unwrap().contains("12 caractères"));
    }

    #[test]
    fn malformed_emails_are_refused() {
        for email in [
            "",
            "camille",
            "camille@",
            "@exemple.fr",
            "c@exemple",
            "c m@exemple.fr",
        ] {
            let errors = NewConseiller::parse(SignupInput {
                email: email.into(),
                ..valid()
            })
            .unwrap_err();
            assert!(errors.get("email").is_some(), "{email}");
        }
    }

    #[test]
    fn every_profile_field_is_required() {
        let errors = NewConseiller::parse(SignupInput {
            prenom: " ".into(),
            nom: String::new(),
            structure: String::new(),
            commune: CommuneInput::default(),
            departement: "20".into(),
            ..valid()
        })
        .unwrap_err();
        for field in ["prenom", "nom", "structure", "commune", "departement"] {
            assert!(errors.get(field).is_some(), "{field}");
        }
    }

    #[test]
    fn a_new_password_needs_12_characters_too() {
        let change = |nouveau: &str| PasswordChange {
            actuel: "peu importe".into(),
            nouveau: nouveau.into(),
        };
        assert!(change("une nouvelle phrase").check().is_ok());
        let errors = change("court").check().unwrap_err();
        assert!(errors.get("nouveau").unwrap().contains("12 caractères"));
    }

    #[test]
    fn the_profile_alone_is_checked_like_at_sign_up() {
        let details = ProfilDetails::parse(valid().profil()).unwrap();
        assert_eq!(details.departement, "69");
        let errors = ProfilDetails::parse(ProfilInput::default()).unwrap_err();
        for field in ["prenom", "nom", "structure", "commune", "departement"] {
            assert!(errors.get(field).is_some(), "{field}");
        }
    }

    #[test]
    fn the_departement_is_the_commune_de_rattachement_s_overseas_included() {
        let with = |insee: &str, nom: &str, cp: &str, departement: &str| ProfilInput {
            commune: CommuneInput {
                insee: insee.into(),
                nom: nom.into(),
                code_postal: cp.into(),
            },
            departement: departement.into(),
            ..valid().profil()
        };
        assert!(ProfilDetails::parse(with("97502", "Saint-Pierre", "97500", "975")).is_ok());
        assert!(ProfilDetails::parse(with("98735", "Papeete", "98714", "987")).is_ok());
        assert!(ProfilDetails::parse(with("2A004", "Ajaccio", "20000", "2a")).is_ok());
        let errors = ProfilDetails::parse(with("69123", "Lyon", "69001", "38")).unwrap_err();
        assert_eq!(
            errors.get("departement"),
            Some("Le département doit être celui de la commune de rattachement (69).")
        );
        let errors = ProfilDetails::parse(with("69123", "Lyon", "69001", "20")).unwrap_err();
        assert!(errors
            .get("departement")
            .unwrap()
            .contains("numéro de votre département"));
    }

    #[test]
    fn passwords_never_show_in_logs() {
        let debug = format!("{:?}", valid());
        assert!(!debug.contains("horse"));
        let debug = format!(
            "{:?}",
            Credentials {
                email: "a@b.fr".into(),
                password: "secret secret".into()
            }
        );
        assert!(!debug.contains("secret"));
    }
}
