//! Who may sign up, and whose records count in the pooled figures (domain.md §2): only
//! verified conseillers, so that nobody can lift a territory over the anonymity threshold,
//! or pollute its figures, with accounts of their own making.

use serde::{Deserialize, Serialize};

/// How accounts are admitted (`SIGNUP_MODE`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ModeInscription {
    /// Only addresses the programme invited (the default for a real deployment).
    #[default]
    Invitation,
    /// Addresses of the allowed domains (`SIGNUP_DOMAINS`), and invited ones.
    Domaine,
    /// Anyone: every confirmed account counts (trials and tests only).
    Ouverte,
}

impl ModeInscription {
    pub fn parse(text: &str) -> Option<ModeInscription> {
        match text.trim() {
            "invitation" => Some(ModeInscription::Invitation),
            "domaine" => Some(ModeInscription::Domaine),
            "ouverte" => Some(ModeInscription::Ouverte),
            _ => None,
        }
    }
}

/// The sign-up mode and its allowed domains.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Admission {
    pub mode: ModeInscription,
    /// Lower-cased, without `@` (`conseiller-numerique.fr`); used in `domaine` mode.
    pub domaines: Vec<String>,
}

/// What the server knows of an account, as far as the pooled figures go.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Standing {
    /// Its address was proved by a link sent to it (a sign-up, a confirmation, an invitation).
    pub adresse_confirmee: bool,
    /// The programme invited it.
    pub invite: bool,
    /// The programme deactivated it: it can no longer log in.
    pub desactive: bool,
}

/// Where an account stands with the pooled figures, as its conseiller is told.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mutualisation {
    /// Its records count in the figures of its département and région.
    Comptee,
    /// Its address must be confirmed first (a link can be sent to it).
    AdresseAConfirmer,
    /// Neither invited by the programme nor at an allowed domain.
    #[default]
    NonAdmise,
    /// Deactivated by the programme.
    Desactivee,
}

impl Admission {
    /// Whether `email` may sign up without an invitation, and counts once confirmed.
    pub fn admits_address(&self, email: &str) -> bool {
        match self.mode {
            ModeInscription::Invitation => false,
            ModeInscription::Ouverte => true,
            ModeInscription::Domaine => email
                .rsplit_once('@')
                .is_some_and(|(_, domain)| self.domaines.iter().any(|d| d == domain)),
        }
    }

    pub fn mutualisation(&self, email: &str, standing: Standing) -> Mutualisation {
        if standing.desactive {
            Mutualisation::Desactivee
        } else if !standing.invite && !self.admits_address(email) {
            Mutualisation::NonAdmise
        } else if !standing.adresse_confirmee {
            Mutualisation::AdresseAConfirmer
        } else {
            Mutualisation::Comptee
        }
    }

    /// Whether the account's records count in the pooled figures.
    pub fn counts(&self, email: &str, standing: Standing) -> bool {
        self.mutualisation(email, standing) == Mutualisation::Comptee
    }

    /// The French sentence for a sign-up from an address outside the allowed domains
    /// (`domaine` mode), the same whatever the address: it tells nothing of who has an
    /// account.
    pub fn domain_refusal(&self) -> String {
        format!(
            "Inscrivez-vous avec votre adresse professionnelle ({}), ou demandez une invitation à l'équipe du programme.",
            self.domaines
                .iter()
                .map(|d| format!("…@{d}"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verified() -> Standing {
        Standing {
            adresse_confirmee: true,
            ..Standing::default()
        }
    }

    fn mode(mode: ModeInscription) -> Admission {
        Admission {
            mode,
            domaines: vec!["conseiller-numerique.fr".into()],
        }
    }

    #[test]
    fn only_confirmed_invited_or_allowed_active_accounts_count() {
        let invitation = mode(ModeInscription::Invitation);
        let domaine = mode(ModeInscription::Domaine);
        let ouverte = mode(ModeInscription::Ouverte);
        let pro = "camille@conseiller-numerique.fr";
        let other = "camille@exemple.fr";
        let invited = Standing {
            invite: true,
            ..verified()
        };

        assert!(!invitation.counts(pro, verified()));
        assert!(invitation.counts(other, invited));
        assert!(domaine.counts(pro, verified()));
        assert!(!domaine.counts(other, verified()));
        assert!(domaine.counts(other, invited));
        assert!(ouverte.counts(other, verified()));
        // An address never confirmed, or an account deactivated, never counts.
        for admission in [&invitation, &domaine, &ouverte] {
            assert!(!admission.counts(
                pro,
                Standing {
                    adresse_confirmee: false,
                    invite: true,
                    desactive: false
                }
            ));
            assert!(!admission.counts(
                pro,
                Standing {
                    desactive: true,
                    ..invited
                }
            ));
        }
        assert_eq!(
            domaine.mutualisation(pro, Standing::default()),
            Mutualisation::AdresseAConfirmer
        );
        assert_eq!(
            domaine.mutualisation(other, verified()),
            Mutualisation::NonAdmise
        );
    }

    #[test]
    fn a_domain_is_matched_whole_after_the_at_sign() {
        let domaine = mode(ModeInscription::Domaine);
        assert!(domaine.admits_address("a@conseiller-numerique.fr"));
        assert!(!domaine.admits_address("a@faux-conseiller-numerique.fr"));
        assert!(!domaine.admits_address("a@conseiller-numerique.fr.exemple.com"));
        assert!(!domaine.admits_address("conseiller-numerique.fr"));
        assert!(domaine
            .domain_refusal()
            .contains("…@conseiller-numerique.fr"));
    }

    #[test]
    fn modes_read_from_their_french_names() {
        assert_eq!(
            ModeInscription::parse("domaine"),
            Some(ModeInscription::Domaine)
        );
        assert_eq!(
            ModeInscription::parse(" ouverte "),
            Some(ModeInscription::Ouverte)
        );
        assert_eq!(ModeInscription::parse("open"), None);
        assert_eq!(ModeInscription::default(), ModeInscription::Invitation);
    }
}
