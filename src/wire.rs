//! The bottom of the API: what travels between the phone and the server (the wire types)
//! and the one error type. Imports only `domain`: the server and the phone both build on it.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::accompagnement::FIRST_DATE;
use crate::domain::admission::Mutualisation;
use crate::domain::filtres::Filtres;
use crate::domain::mois::{Mois, PeriodeMois};
use crate::domain::stats::{Periode, Stats};
use crate::domain::territoire::Territoire;
use crate::domain::{Accompagnement, CommuneInput, ConseillerId, FieldErrors, PageRequest, Profil};

/// `?territoire=region-84&du=AAAA-MM&au=AAAA-MM&canal=…&activite=…` (no territory: France
/// entière; no period: this year's months that are over; no filter: every record).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NationalQuery {
    pub territoire: Option<String>,
    pub du: Option<String>,
    pub au: Option<String>,
    /// Refused: named only to say why in French.
    pub commune: Option<String>,
    pub canal: Option<String>,
    pub activite: Option<String>,
}

impl NationalQuery {
    /// The filters asked for, checked: a canal, an activité, never a commune (domain.md §3,
    /// "Filtres": below the département, almost every cell would be secret).
    pub fn filtres(&self) -> Result<Filtres, ApiError> {
        let filtres = Filtres::parse(
            self.commune.as_deref(),
            self.canal.as_deref(),
            self.activite.as_deref(),
        )?;
        if filtres.commune.is_some() {
            let mut errors = FieldErrors::new();
            errors.add(
                "commune",
                "Les statistiques nationales ne se filtrent pas par commune : elles seraient presque toutes secrètes.",
            );
            return Err(errors.into());
        }
        Ok(filtres)
    }

    pub fn territoire(&self) -> Result<Territoire, ApiError> {
        Ok(Territoire::parse(
            self.territoire.as_deref().unwrap_or_default(),
        )?)
    }

    /// The run of whole months asked for, all of them over on `today`.
    pub fn periode(&self, today: NaiveDate) -> Result<PeriodeMois, ApiError> {
        Ok(PeriodeMois::parse(
            self.du.as_deref(),
            self.au.as_deref(),
            today,
        )?)
    }
}

/// The pooled statistics of a territory over a run of months.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NationalStats {
    /// The territory as it goes in an address (`region-84`).
    pub territoire: String,
    /// Its name ("Auvergne-Rhône-Alpes").
    pub libelle: String,
    /// What the figures are narrowed to (a canal, an activité).
    #[serde(default)]
    pub filtres: Filtres,
    pub du: Mois,
    pub au: Mois,
    /// Every figure of the period; none when a month of it is secret (too few conseillers
    /// there, or publishing it would give away a smaller territory's).
    pub stats: Option<Stats>,
    /// Month by month, the figures of the published months.
    pub evolution: Vec<NationalMonth>,
}

impl NationalStats {
    /// The months kept secret.
    pub fn secrets(&self) -> Vec<Mois> {
        self.evolution
            .iter()
            .filter(|m| m.is_secret())
            .map(|m| m.mois)
            .collect()
    }
}

/// A month of a territory: its two measures, or none when its cell is secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NationalMonth {
    pub mois: Mois,
    /// Records.
    pub comptes_rendus: Option<u64>,
    /// Σ participants.
    pub accompagnements: Option<u64>,
}

impl NationalMonth {
    pub fn is_secret(&self) -> bool {
        self.comptes_rendus.is_none()
    }
}

/// What a sign-up answers: the account is open (an invitation proved the address), or a
/// link went to the address, whether or not it already had an account (the answer says
/// nothing of it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "etat", rename_all = "snake_case")]
pub enum SignUpAnswer {
    Connecte { profil: Profil },
    LienEnvoye { email: String },
}

/// What the sign-up page knows of an invitation (its mail's link), to fill the form in.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationDetails {
    /// None: the first account of an empty database (any address).
    pub email: Option<String>,
    pub prenom: String,
    pub nom: String,
    pub structure: String,
    pub commune: Option<CommuneInput>,
}

/// A mailed token (`{"jeton": …}`): an invitation, an address to confirm.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Jeton {
    pub jeton: String,
}

impl std::fmt::Debug for Jeton {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Jeton { [caché] }")
    }
}

/// What a confirmation link does: a waiting sign-up becomes an account, logged in here; an
/// existing account's address is confirmed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "etat", rename_all = "snake_case")]
pub enum Confirmed {
    CompteOuvert { profil: Box<Profil> },
    AdresseConfirmee { mutualisation: Mutualisation },
}

/// The account a request is made for, named by the phone: the server refuses the request
/// (401 `wrong_account`) when the session cookie belongs to another conseiller, so that a
/// change made by one never lands in another's account on a shared phone.
pub const OWNER_HEADER: &str = "x-conum-owner";

/// Where every server function and export lives: never cached, never a page.
pub const API_PREFIX: &str = "/api/";

/// Where the phone sends a record's changes (`api::accompagnements`: a create to this path,
/// an update or a delete to this path followed by `/{id}`). The server functions' macros
/// want the literal; `tests/tidy.rs` holds them to this constant.
pub const RECORDS_PATH: &str = "/api/accompagnements";

/// The HTTP method of each kind of change the outbox sends, by the outbox's name for it.
pub const CHANGE_METHODS: [(&str, &str); 3] =
    [("create", "POST"), ("update", "PUT"), ("delete", "DELETE")];

/// A record as the server keeps it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredAccompagnement {
    #[serde(flatten)]
    pub accompagnement: Accompagnement,
    #[serde(deserialize_with = "crate::domain::dates::deserialize_timestamp")]
    pub created_at: DateTime<Utc>,
    #[serde(deserialize_with = "crate::domain::dates::deserialize_timestamp")]
    pub updated_at: DateTime<Utc>,
}

/// Which records to list: a period (inclusive, both ends optional) and a page.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ListQuery {
    pub du: Option<NaiveDate>,
    pub au: Option<NaiveDate>,
    /// From 1.
    pub page: Option<u32>,
    pub par_page: Option<u32>,
}

/// Records per page of the history.
pub const HISTORY_PAGE_SIZE: u32 = 30;

impl ListQuery {
    /// The history as it opens: the first page of the whole period.
    pub fn history_opening() -> ListQuery {
        ListQuery {
            page: Some(1),
            par_page: Some(HISTORY_PAGE_SIZE),
            ..Default::default()
        }
    }

    /// The period asked for: from the first possible day to a year from `today` unless said.
    pub fn periode(&self, today: NaiveDate) -> Result<Periode, ApiError> {
        Ok(Periode::parse(
            self.du.unwrap_or(FIRST_DATE),
            self.au.unwrap_or_else(|| Periode::last_day(today)),
            today,
        )?)
    }

    pub fn page(&self) -> Result<PageRequest, ApiError> {
        Ok(PageRequest::parse(self.page, self.par_page)?)
    }
}

/// One page of a list, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub page: u32,
    pub par_page: u32,
    /// Items in the whole period, across pages.
    pub total: u64,
}

/// The history's first page as the server paints it into the page it renders
/// (`api::painted_history`), with whose it is: the phone uses it only for that conseiller.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaintedHistory {
    pub owner: ConseillerId,
    pub page: Page<StoredAccompagnement>,
}

/// What a deletion answers: the id, so that the phone knows which change the server took.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deleted {
    pub id: String,
}

/// `?du=AAAA-MM-JJ&au=AAAA-MM-JJ`, both ends included, and the filters
/// (`&commune=INSEE&canal=…&activite=…`, domain::filtres).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StatsQuery {
    pub du: Option<NaiveDate>,
    pub au: Option<NaiveDate>,
    pub commune: Option<String>,
    pub canal: Option<String>,
    pub activite: Option<String>,
}

impl StatsQuery {
    /// The filters asked for, checked.
    pub fn filtres(&self) -> Result<Filtres, ApiError> {
        Ok(Filtres::parse(
            self.commune.as_deref(),
            self.canal.as_deref(),
            self.activite.as_deref(),
        )?)
    }

    /// The query of a period and filters (as the page's address has them).
    pub fn of(du: Option<NaiveDate>, au: Option<NaiveDate>, filtres: &Filtres) -> StatsQuery {
        StatsQuery {
            du,
            au,
            commune: filtres.commune.clone(),
            canal: filtres.canal.map(|c| c.code().to_owned()),
            activite: filtres.activite.map(|a| a.code().to_owned()),
        }
    }
}

/// A structure d'accueil as people see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StructureInfo {
    pub id: String,
    pub nom: String,
    pub siret: Option<String>,
    /// "Lyon (69001)".
    pub commune: String,
}

/// The profile's "Ma structure": where the conseiller belongs, since when, who coordinates it,
/// and the structures they coordinate themselves.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaStructure {
    pub structure: Option<StructureInfo>,
    pub depuis: Option<NaiveDate>,
    /// "Prénom Nom" of each coordinator of that structure.
    pub coordinateurs: Vec<String>,
    pub coordonnees: Vec<StructureInfo>,
}

/// One view a coordinator made of the conseiller's figures.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consultation {
    /// "Prénom Nom".
    pub par: String,
    pub structure: String,
    pub le: DateTime<Utc>,
    /// What was seen, in French.
    pub objet: String,
}

/// `?du=…&au=…&conseiller=…` and the filters: a structure's figures (its coordinator only).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TeamQuery {
    pub du: Option<NaiveDate>,
    pub au: Option<NaiveDate>,
    /// One conseiller of the structure; none: the whole team.
    pub conseiller: Option<String>,
    pub commune: Option<String>,
    pub canal: Option<String>,
    pub activite: Option<String>,
}

impl TeamQuery {
    /// The query of a period, a conseiller (none: the team) and filters.
    pub fn of(
        du: Option<NaiveDate>,
        au: Option<NaiveDate>,
        conseiller: Option<String>,
        filtres: &Filtres,
    ) -> TeamQuery {
        let StatsQuery {
            commune,
            canal,
            activite,
            ..
        } = StatsQuery::of(du, au, filtres);
        TeamQuery {
            du,
            au,
            conseiller,
            commune,
            canal,
            activite,
        }
    }

    pub fn stats_query(&self) -> StatsQuery {
        StatsQuery {
            du: self.du,
            au: self.au,
            commune: self.commune.clone(),
            canal: self.canal.clone(),
            activite: self.activite.clone(),
        }
    }
}

/// A conseiller of a structure, as their coordinator sees them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Membre {
    pub id: ConseillerId,
    pub prenom: String,
    pub nom: String,
}

/// A month of one conseiller's reporting: records and people accompanied.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MoisActivite {
    /// AAAA-MM.
    pub mois: String,
    pub comptes_rendus: u64,
    pub accompagnements: u64,
}

/// A structure's figures for a period: pooled over its conseillers (or one of them), and
/// per conseiller and month. Never a record, never an annotation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamStats {
    pub structure: StructureInfo,
    /// Every conseiller attached to it during the period (the filter's choices).
    pub membres: Vec<Membre>,
    pub stats: Stats,
    pub par_conseiller: Vec<(Membre, Vec<MoisActivite>)>,
    /// The filters in words (domain::filtres), the conseiller's name first when one is chosen.
    pub filtres: Option<String>,
}

/// A read-only link asked for: the figures of a period (the author's own, or those of a
/// structure they coordinate), with filters, for `duree_mois` months (1, 3, 6 or 12; 3 unless
/// said).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NewLink {
    pub structure: Option<String>,
    pub conseiller: Option<String>,
    pub du: Option<NaiveDate>,
    pub au: Option<NaiveDate>,
    pub commune: Option<String>,
    pub canal: Option<String>,
    pub activite: Option<String>,
    pub duree_mois: Option<u32>,
}

impl NewLink {
    /// A link to figures filtered so (the period, the structure and the duration to add).
    pub fn of(filtres: &Filtres) -> NewLink {
        let query = StatsQuery::of(None, None, filtres);
        NewLink {
            commune: query.commune,
            canal: query.canal,
            activite: query.activite,
            ..NewLink::default()
        }
    }
}

/// A link just made: its token is shown once (only its hash is kept).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedLink {
    pub id: String,
    /// The address is `/partage/{jeton}`.
    pub jeton: String,
    pub expire_le: DateTime<Utc>,
}

/// One of the author's links.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharedLink {
    pub id: String,
    /// "Mes statistiques" or the structure's name (and the conseiller's).
    pub titre: String,
    pub du: NaiveDate,
    pub au: NaiveDate,
    pub filtres: Option<String>,
    pub cree_le: DateTime<Utc>,
    pub expire_le: DateTime<Utc>,
    pub revoque: bool,
}

/// What a read-only link shows: figures and charts only.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shared {
    /// Whose figures: "Prénom Nom — Structure" or the structure's name.
    pub titre: String,
    pub filtres: Option<String>,
    pub stats: Stats,
    pub expire_le: DateTime<Utc>,
}

/// What can go wrong behind `/api/…`. It travels as the `data` of the error body, so the
/// browser gets the same value back; its `Display` is the French sentence for the `message`.
/// Written `{"kind": "too_large", "max_kib": 64}`; read by hand ([`ApiErrorFields`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ApiError {
    /// 400: the input breaks rules; one French message per faulty field.
    #[error("Certains champs sont à corriger : {errors}")]
    Invalid { errors: FieldErrors },
    /// 400: the body or the query could not be read at all.
    #[error("La requête est illisible : {detail}")]
    Malformed { detail: String },
    /// 401: no valid session.
    #[error("Votre session a expiré : reconnectez-vous.")]
    Unauthorized,
    /// 401: the request was made for one account (the phone's `X-Conum-Owner`) while the
    /// session cookie belongs to another: nothing of one conseiller may land in another's
    /// account, so the phone must log that conseiller in again.
    #[error("Ces changements appartiennent à un autre compte : reconnectez-vous avec ce compte pour les envoyer.")]
    WrongAccount,
    /// 401: login refused. Deliberately the same for an unknown email and a wrong password.
    #[error("Adresse e-mail ou mot de passe incorrect.")]
    BadCredentials,
    /// 404: absent, or belonging to someone else (indistinguishable on purpose).
    #[error("Cet accompagnement est introuvable.")]
    NotFound,
    /// 403: a state-changing request sent by another site (cross-site request forgery).
    #[error("Requête refusée : elle vient d'un autre site que Conum.")]
    CrossSite,
    /// 403: national figures of a territory and period some month of which is secret (too
    /// few conseillers, or publishing it would give away a smaller territory's).
    #[error(
        "Données insuffisantes pour garantir l'anonymat (moins de {} conseillers, ou un territoire plus petit deviendrait identifiable).",
        crate::domain::anonymat::MIN_CONSEILLERS
    )]
    TooFewContributors,
    /// 403: a sign-up without the programme's invitation, where only invitations open
    /// accounts. The same for every address.
    #[error("L'inscription à Conum se fait sur invitation du programme : ouvrez le lien reçu par e-mail, ou demandez une invitation à l'équipe du programme.")]
    InvitationRequired,
    /// 403: the programme deactivated the account (told only to who gave its password).
    #[error("Ce compte a été désactivé par le programme : écrivez à l'équipe du programme pour le réactiver.")]
    Deactivated,
    /// 409: sign-up with an email that already has an account.
    #[error("Un compte existe déjà avec cette adresse e-mail : connectez-vous.")]
    EmailTaken,
    /// 409: a record id already used by another account.
    #[error("Cet identifiant d'accompagnement est déjà utilisé : enregistrez-le à nouveau.")]
    IdTaken,
    /// 413: a body over the limit every request has.
    #[error("La requête est trop volumineuse : {max_kib} Kio au plus.")]
    TooLarge { max_kib: u64 },
    /// 429: too many login attempts for this account or from this address; the same
    /// whether the account exists or not.
    #[error("Trop de tentatives, réessayez dans {}.", minutes(*wait_minutes))]
    TooManyAttempts { wait_minutes: u64 },
    /// 429: the account saved as many records in 24 hours as it may (a ceiling far above
    /// any real day); the phone keeps the next ones and sends them later.
    #[error("Vous avez enregistré {max} comptes rendus en 24 heures, le plafond : les suivants restent sur ce téléphone et partiront plus tard.")]
    DailyQuota { max: u64 },
    /// 404: a structure that does not exist or that the caller does not coordinate
    /// (indistinguishable on purpose).
    #[error("Cette structure est introuvable parmi celles que vous coordonnez.")]
    StructureNotFound,
    /// 404: a conseiller who is not in the structure during the period.
    #[error("Ce conseiller est introuvable dans cette structure pour cette période.")]
    ConseillerNotFound,
    /// 404: a link that is not the caller's.
    #[error("Ce lien de partage est introuvable.")]
    LinkNotFound,
    /// 410: a read-only link revoked, expired or never made (indistinguishable on purpose).
    #[error("Ce lien a expiré ou a été révoqué : demandez un nouveau lien à la personne qui vous l'a envoyé.")]
    LinkExpired,
    /// 404: no API at this address (a typo, an old app).
    #[error("Cette adresse de l'API Conum n'existe pas.")]
    UnknownRoute,
    /// 503: too many requests need a password hashed at once; nothing was done.
    #[error("Le service est très sollicité : réessayez dans un instant.")]
    Busy,
    /// 503: the database cannot take the request now (read-only, full, restarting,
    /// unreachable). Nothing was written; the phone keeps the change and sends it later.
    #[error("Le service est momentanément indisponible : réessayez dans quelques minutes. Vos saisies restent sur ce téléphone.")]
    Unavailable,
    /// 500: our fault; details are in the server log, not here.
    #[error("Le serveur a rencontré une erreur : réessayez dans un instant.")]
    Server,
    /// The request never got an answer (client side only: offline, server down).
    #[error("Le serveur est injoignable : vérifiez votre connexion.")]
    Unreachable,
}

impl ApiError {
    /// The HTTP status it travels with.
    pub fn status(&self) -> u16 {
        match self {
            ApiError::Invalid { .. } | ApiError::Malformed { .. } => 400,
            ApiError::Unauthorized | ApiError::WrongAccount | ApiError::BadCredentials => 401,
            ApiError::NotFound
            | ApiError::UnknownRoute
            | ApiError::StructureNotFound
            | ApiError::ConseillerNotFound
            | ApiError::LinkNotFound => 404,
            ApiError::LinkExpired => 410,
            ApiError::CrossSite
            | ApiError::TooFewContributors
            | ApiError::InvitationRequired
            | ApiError::Deactivated => 403,
            ApiError::EmailTaken | ApiError::IdTaken => 409,
            ApiError::TooLarge { .. } => 413,
            ApiError::TooManyAttempts { .. } | ApiError::DailyQuota { .. } => 429,
            ApiError::Server => 500,
            ApiError::Busy | ApiError::Unavailable | ApiError::Unreachable => 503,
        }
    }

    /// A 400 with a single field message.
    pub fn invalid_field(field: &str, message: impl Into<String>) -> Self {
        let mut errors = FieldErrors::new();
        errors.add(field, message);
        ApiError::Invalid { errors }
    }
}

/// "1 minute", "3 minutes".
fn minutes(n: u64) -> String {
    if n <= 1 {
        format!("{n} minute")
    } else {
        format!("{n} minutes")
    }
}

/// Every field an [`ApiError`] may carry, read in one pass. Serde's own reading of a tagged
/// enum first copies the whole value into a generic tree, then reads each variant from it:
/// about 15 KB of every first visit's wasm for one error type.
#[derive(Deserialize)]
struct ApiErrorFields {
    kind: String,
    errors: Option<FieldErrors>,
    detail: Option<String>,
    max_kib: Option<u64>,
    wait_minutes: Option<u64>,
    max: Option<u64>,
}

impl<'de> Deserialize<'de> for ApiError {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let f = ApiErrorFields::deserialize(deserializer)?;
        let field = |value: Option<u64>, name| value.ok_or_else(|| D::Error::missing_field(name));
        Ok(match f.kind.as_str() {
            "invalid" => ApiError::Invalid {
                errors: f.errors.ok_or_else(|| D::Error::missing_field("errors"))?,
            },
            "malformed" => ApiError::Malformed {
                detail: f.detail.ok_or_else(|| D::Error::missing_field("detail"))?,
            },
            "unauthorized" => ApiError::Unauthorized,
            "wrong_account" => ApiError::WrongAccount,
            "bad_credentials" => ApiError::BadCredentials,
            "not_found" => ApiError::NotFound,
            "cross_site" => ApiError::CrossSite,
            "too_few_contributors" => ApiError::TooFewContributors,
            "invitation_required" => ApiError::InvitationRequired,
            "deactivated" => ApiError::Deactivated,
            "email_taken" => ApiError::EmailTaken,
            "id_taken" => ApiError::IdTaken,
            "too_large" => ApiError::TooLarge {
                max_kib: field(f.max_kib, "max_kib")?,
            },
            "too_many_attempts" => ApiError::TooManyAttempts {
                wait_minutes: field(f.wait_minutes, "wait_minutes")?,
            },
            "daily_quota" => ApiError::DailyQuota {
                max: field(f.max, "max")?,
            },
            "structure_not_found" => ApiError::StructureNotFound,
            "conseiller_not_found" => ApiError::ConseillerNotFound,
            "link_not_found" => ApiError::LinkNotFound,
            "link_expired" => ApiError::LinkExpired,
            "unknown_route" => ApiError::UnknownRoute,
            "busy" => ApiError::Busy,
            "unavailable" => ApiError::Unavailable,
            "server" => ApiError::Server,
            "unreachable" => ApiError::Unreachable,
            other => return Err(D::Error::unknown_variant(other, &[])),
        })
    }
}

impl From<FieldErrors> for ApiError {
    fn from(errors: FieldErrors) -> Self {
        ApiError::Invalid { errors }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One of each kind of error. A new variant stops `kind_of` from compiling: add it here.
    fn every_error() -> Vec<ApiError> {
        vec![
            ApiError::invalid_field("date", "Indiquez la date de l'accompagnement."),
            ApiError::Malformed { detail: "x".into() },
            ApiError::Unauthorized,
            ApiError::WrongAccount,
            ApiError::BadCredentials,
            ApiError::NotFound,
            ApiError::CrossSite,
            ApiError::TooFewContributors,
            ApiError::InvitationRequired,
            ApiError::Deactivated,
            ApiError::EmailTaken,
            ApiError::IdTaken,
            ApiError::TooLarge { max_kib: 64 },
            ApiError::TooManyAttempts { wait_minutes: 3 },
            ApiError::DailyQuota { max: 500 },
            ApiError::StructureNotFound,
            ApiError::ConseillerNotFound,
            ApiError::LinkNotFound,
            ApiError::LinkExpired,
            ApiError::UnknownRoute,
            ApiError::Busy,
            ApiError::Unavailable,
            ApiError::Server,
            ApiError::Unreachable,
        ]
    }

    fn kind_of(error: &ApiError) -> &'static str {
        match error {
            ApiError::Invalid { .. } => "invalid",
            ApiError::Malformed { .. } => "malformed",
            ApiError::Unauthorized => "unauthorized",
            ApiError::WrongAccount => "wrong_account",
            ApiError::BadCredentials => "bad_credentials",
            ApiError::NotFound => "not_found",
            ApiError::CrossSite => "cross_site",
            ApiError::TooFewContributors => "too_few_contributors",
            ApiError::InvitationRequired => "invitation_required",
            ApiError::Deactivated => "deactivated",
            ApiError::EmailTaken => "email_taken",
            ApiError::IdTaken => "id_taken",
            ApiError::TooLarge { .. } => "too_large",
            ApiError::TooManyAttempts { .. } => "too_many_attempts",
            ApiError::DailyQuota { .. } => "daily_quota",
            ApiError::StructureNotFound => "structure_not_found",
            ApiError::ConseillerNotFound => "conseiller_not_found",
            ApiError::LinkNotFound => "link_not_found",
            ApiError::LinkExpired => "link_expired",
            ApiError::UnknownRoute => "unknown_route",
            ApiError::Busy => "busy",
            ApiError::Unavailable => "unavailable",
            ApiError::Server => "server",
            ApiError::Unreachable => "unreachable",
        }
    }

    #[test]
    fn every_error_reads_back_as_written() {
        let errors = every_error();
        let kinds: std::collections::BTreeSet<_> = errors.iter().map(kind_of).collect();
        assert_eq!(kinds.len(), errors.len(), "one of each kind");
        for error in errors {
            let json = serde_json::to_value(&error).unwrap();
            assert_eq!(json["kind"], kind_of(&error), "{json}");
            assert_eq!(
                serde_json::from_value::<ApiError>(json.clone()).unwrap(),
                error,
                "{json}"
            );
        }
    }

    #[test]
    fn an_error_missing_its_fields_or_of_an_unknown_kind_does_not_read() {
        for json in [
            r#"{"kind":"invalid"}"#,
            r#"{"kind":"too_large"}"#,
            r#"{"kind":"teapot"}"#,
            r#"{"errors":[]}"#,
        ] {
            assert!(serde_json::from_str::<ApiError>(json).is_err(), "{json}");
        }
    }
}
