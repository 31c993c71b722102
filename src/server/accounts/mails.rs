//! The mails Conum sends, as (subject, plain-text body): French, short, each saying what
//! the link does, how long it works, and what to do when one asked for nothing.

const SIGNATURE: &str = "Conum — le suivi d'activité des conseillers numériques";

/// The link of a sign-up (the account opens when it is followed).
pub fn confirm_sign_up(origin: &str, token: &str) -> (&'static str, String) {
    (
        "Conum : confirmez votre adresse pour ouvrir votre compte",
        format!(
            "Bonjour,\n\n\
             Pour ouvrir votre compte Conum, ouvrez ce lien dans les deux jours :\n\
             {origin}/adresse/confirmer?jeton={token}\n\n\
             Si vous n'avez pas demandé à vous inscrire, ignorez ce message : aucun compte n'est créé.\n\n\
             {SIGNATURE}\n"
        ),
    )
}

/// A sign-up for an address that already has an account: its owner is told, nobody else.
pub fn already_registered(origin: &str) -> (&'static str, String) {
    (
        "Conum : vous avez déjà un compte",
        format!(
            "Bonjour,\n\n\
             Une inscription à Conum a été demandée avec votre adresse, qui a déjà un compte.\n\
             Connectez-vous : {origin}/connexion\n\
             Mot de passe oublié ? {origin}/mot-de-passe-oublie\n\n\
             Si vous n'avez rien demandé, ignorez ce message : votre compte ne change pas.\n\n\
             {SIGNATURE}\n"
        ),
    )
}

/// An existing account's address to confirm.
pub fn confirm_address(origin: &str, token: &str) -> (&'static str, String) {
    (
        "Conum : confirmez votre adresse",
        format!(
            "Bonjour,\n\n\
             Pour confirmer l'adresse de votre compte Conum, ouvrez ce lien dans les deux jours :\n\
             {origin}/adresse/confirmer?jeton={token}\n\n\
             Une fois votre adresse confirmée, vos comptes rendus comptent dans les chiffres \
             mis en commun de votre région (jamais en votre nom).\n\
             Si vous n'avez rien demandé, ignorez ce message.\n\n\
             {SIGNATURE}\n"
        ),
    )
}

/// The programme's invitation.
pub fn invitation(origin: &str, token: &str, prenom: &str, days: i64) -> (&'static str, String) {
    let hello = if prenom.is_empty() {
        "Bonjour,".to_owned()
    } else {
        format!("Bonjour {prenom},")
    };
    (
        "Conum : votre invitation",
        format!(
            "{hello}\n\n\
             Le programme Conseiller numérique vous invite à tenir votre suivi d'activité sur Conum.\n\
             Pour créer votre compte, ouvrez ce lien dans les {days} jours :\n\
             {origin}/inscription?invitation={token}\n\n\
             Vos comptes rendus ne sont jamais comptés en votre nom : ils sont mis en commun \
             au niveau de votre département et de votre région.\n\n\
             {SIGNATURE}\n"
        ),
    )
}

/// "Mot de passe oublié ?".
pub fn reset_password(origin: &str, token: &str) -> (&'static str, String) {
    (
        "Conum : changer votre mot de passe",
        format!(
            "Bonjour,\n\n\
             Quelqu'un (vous, sans doute) a demandé à changer le mot de passe de votre compte Conum.\n\n\
             Pour choisir un nouveau mot de passe, ouvrez ce lien dans l'heure :\n\
             {origin}/mot-de-passe/nouveau?jeton={token}\n\n\
             Le lien ne sert qu'une fois. Changer le mot de passe déconnecte tous vos appareils.\n\
             Si vous n'avez rien demandé, ignorez ce message : votre mot de passe ne change pas.\n\n\
             {SIGNATURE}\n"
        ),
    )
}
