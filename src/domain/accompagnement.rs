//! The compte rendu of one accompaniment (domain.md §1): the loosely typed input a client
//! sends, and the `Accompagnement` that only exists once every rule holds.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::commune::{Commune, CommuneInput};
use super::errors::{personnes, FieldErrors};
use super::vocabulary::{
    Activite, Canal, Field, Statut, StructureRedirection, Thematique, TrancheAge,
};

pub const PARTICIPANTS_MAX: i64 = 100;
pub const DUREE_MAX_MINUTES: i64 = 480;
pub const ANNOTATION_MAX_CHARS: usize = 280;
pub const AUTRE_STRUCTURE_CHARS: std::ops::RangeInclusive<usize> = 3..=60;
/// The programme started recording in 2020: no record is dated earlier.
pub const FIRST_DATE: NaiveDate = match NaiveDate::from_ymd_opt(2020, 1, 1) {
    Some(d) => d,
    None => panic!("2020-01-01 is a date"),
};

/// What a client sends. Every field is plain text or a plain number so that any mistake
/// becomes a French message on its field instead of an undecodable request. A field that
/// does not exist is refused: a client that misspells one must hear of it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AccompagnementInput {
    pub id: String,
    /// `AAAA-MM-JJ`.
    pub date: String,
    pub activite: String,
    pub participants: i64,
    pub deja_accompagnes: Option<i64>,
    pub commune: CommuneInput,
    pub canal: String,
    /// Age band code → number of people.
    pub ages: BTreeMap<String, i64>,
    /// Statut code → number of people.
    pub statuts: BTreeMap<String, i64>,
    pub thematiques: Vec<String>,
    pub duree_minutes: i64,
    pub suivi: Option<SuiviInput>,
    pub redirections: Vec<RedirectionInput>,
    pub annotation: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SuiviInput {
    pub individuel: i64,
    pub atelier: i64,
    pub redirection: i64,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RedirectionInput {
    /// A code of [`StructureRedirection`].
    pub structure: String,
    /// The structure's name when `structure` is `autre`.
    pub precision: Option<String>,
    pub personnes: i64,
}

/// How many of the people accompanied were followed up, and how.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suivi {
    pub individuel: u32,
    pub atelier: u32,
    pub redirection: u32,
}

impl Suivi {
    pub fn total(&self) -> u32 {
        self.individuel + self.atelier + self.redirection
    }
}

/// People sent to another structure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Redirection {
    pub structure: StructureRedirection,
    /// Set exactly when `structure` is `Autre`.
    pub precision: Option<String>,
    pub personnes: u32,
}

impl Redirection {
    /// The name people see: the free text for "Autre".
    pub fn label(&self) -> &str {
        self.precision
            .as_deref()
            .unwrap_or_else(|| self.structure.label())
    }
}

/// A valid record. The only ways to get one are [`Accompagnement::parse`] and decoding a
/// record the server stored, so every value of this type satisfies domain.md §1.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "AccompagnementInput", into = "AccompagnementInput")]
pub struct Accompagnement {
    id: Uuid,
    date: NaiveDate,
    activite: Activite,
    participants: u32,
    deja_accompagnes: Option<u32>,
    commune: Commune,
    canal: Canal,
    ages: BTreeMap<TrancheAge, u32>,
    statuts: BTreeMap<Statut, u32>,
    thematiques: Vec<Thematique>,
    duree_minutes: u32,
    suivi: Suivi,
    redirections: Vec<Redirection>,
    annotation: Option<String>,
}

impl Accompagnement {
    /// Checks every rule of domain.md §1. `today` is the current date in Europe/Paris.
    pub fn parse(input: AccompagnementInput, today: NaiveDate) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();

        let id = parse_id(&input.id, &mut errors);
        let date = parse_date(&input.date, today, &mut errors);
        let activite = Activite::from_code(&input.activite);
        if activite.is_none() {
            errors.add(Field::Activite, "Choisissez le type d'activité.");
        }
        let participants = if (1..=PARTICIPANTS_MAX).contains(&input.participants) {
            Some(input.participants as u32)
        } else {
            errors.add(
                Field::Participants,
                format!(
                    "Le nombre de participants doit être compris entre 1 et {PARTICIPANTS_MAX}."
                ),
            );
            None
        };
        let deja_accompagnes = match (input.deja_accompagnes, participants) {
            (None, _) => None,
            (Some(n), Some(p)) if (0..=i64::from(p)).contains(&n) => Some(n as u32),
            (Some(_), Some(p)) => {
                errors.add(
                    Field::DejaAccompagnes,
                    format!(
                        "Le nombre de personnes déjà accompagnées doit être compris entre 0 et {p} (le nombre de participants)."
                    ),
                );
                None
            }
            (Some(_), None) => None,
        };
        let commune = Commune::parse(input.commune, Field::Commune.code(), &mut errors);
        let canal = Canal::from_code(&input.canal);
        if canal.is_none() {
            errors.add(Field::Canal, "Choisissez le lieu de l'accompagnement.");
        }
        let ages = parse_repartition(
            &input.ages,
            TrancheAge::from_code,
            participants,
            Field::Ages,
            "par tranche d'âge",
            &mut errors,
        );
        let statuts = parse_repartition(
            &input.statuts,
            Statut::from_code,
            participants,
            Field::Statuts,
            "par statut",
            &mut errors,
        );
        let thematiques = parse_thematiques(&input.thematiques, &mut errors);
        let duree_minutes = if (1..=DUREE_MAX_MINUTES).contains(&input.duree_minutes) {
            Some(input.duree_minutes as u32)
        } else {
            errors.add(
                Field::DureeMinutes,
                format!(
                    "La durée doit être comprise entre 1 minute et {} heures ({DUREE_MAX_MINUTES} minutes).",
                    DUREE_MAX_MINUTES / 60
                ),
            );
            None
        };
        let suivi = parse_suivi(input.suivi.unwrap_or_default(), participants, &mut errors);
        let redirections = parse_redirections(&input.redirections, suivi, &mut errors);
        let annotation = input
            .annotation
            .map(|a| a.trim().to_owned())
            .filter(|a| !a.is_empty());
        if let Some(a) = &annotation {
            if a.chars().count() > ANNOTATION_MAX_CHARS {
                errors.add(
                    Field::Annotation,
                    format!(
                        "L'annotation ne doit pas dépasser {ANNOTATION_MAX_CHARS} caractères (elle en compte {}).",
                        a.chars().count()
                    ),
                );
            }
        }

        match (
            id,
            date,
            activite,
            participants,
            commune,
            canal,
            duree_minutes,
            suivi,
        ) {
            (
                Some(id),
                Some(date),
                Some(activite),
                Some(participants),
                Some(commune),
                Some(canal),
                Some(duree_minutes),
                Some(suivi),
            ) if errors.is_empty() => Ok(Accompagnement {
                id,
                date,
                activite,
                participants,
                deja_accompagnes,
                commune,
                canal,
                ages,
                statuts,
                thematiques,
                duree_minutes,
                suivi,
                redirections,
                annotation,
            }),
            _ => Err(errors),
        }
    }

    /// Reads back a record that was valid when it was stored. Only the "not in the future"
    /// rule is relaxed: it was checked against the day of saving.
    pub fn from_stored(input: AccompagnementInput) -> Result<Self, FieldErrors> {
        Self::parse(input, NaiveDate::MAX)
    }

    /// The same record at another commune (the server puts the official spelling).
    pub fn with_commune(self, commune: Commune) -> Self {
        Accompagnement { commune, ..self }
    }

    pub fn id(&self) -> Uuid {
        self.id
    }
    pub fn date(&self) -> NaiveDate {
        self.date
    }
    pub fn activite(&self) -> Activite {
        self.activite
    }
    pub fn participants(&self) -> u32 {
        self.participants
    }
    pub fn deja_accompagnes(&self) -> Option<u32> {
        self.deja_accompagnes
    }
    pub fn commune(&self) -> &Commune {
        &self.commune
    }
    pub fn canal(&self) -> Canal {
        self.canal
    }
    /// People per age band; bands with nobody are absent.
    pub fn ages(&self) -> &BTreeMap<TrancheAge, u32> {
        &self.ages
    }
    /// People per statut; statuts with nobody are absent.
    pub fn statuts(&self) -> &BTreeMap<Statut, u32> {
        &self.statuts
    }
    /// Themes in vocabulary order, each once.
    pub fn thematiques(&self) -> &[Thematique] {
        &self.thematiques
    }
    pub fn duree_minutes(&self) -> u32 {
        self.duree_minutes
    }
    pub fn suivi(&self) -> Suivi {
        self.suivi
    }
    pub fn redirections(&self) -> &[Redirection] {
        &self.redirections
    }
    pub fn annotation(&self) -> Option<&str> {
        self.annotation.as_deref()
    }
}

impl TryFrom<AccompagnementInput> for Accompagnement {
    type Error = FieldErrors;

    fn try_from(input: AccompagnementInput) -> Result<Self, Self::Error> {
        Accompagnement::from_stored(input)
    }
}

impl From<Accompagnement> for AccompagnementInput {
    fn from(a: Accompagnement) -> Self {
        AccompagnementInput {
            id: a.id.to_string(),
            date: a.date.to_string(),
            activite: a.activite.code().to_owned(),
            participants: a.participants.into(),
            deja_accompagnes: a.deja_accompagnes.map(i64::from),
            commune: a.commune.into(),
            canal: a.canal.code().to_owned(),
            ages: a
                .ages
                .iter()
                .map(|(k, v)| (k.code().to_owned(), i64::from(*v)))
                .collect(),
            statuts: a
                .statuts
                .iter()
                .map(|(k, v)| (k.code().to_owned(), i64::from(*v)))
                .collect(),
            thematiques: a.thematiques.iter().map(|t| t.code().to_owned()).collect(),
            duree_minutes: a.duree_minutes.into(),
            suivi: Some(SuiviInput {
                individuel: a.suivi.individuel.into(),
                atelier: a.suivi.atelier.into(),
                redirection: a.suivi.redirection.into(),
            }),
            redirections: a
                .redirections
                .into_iter()
                .map(|r| RedirectionInput {
                    structure: r.structure.code().to_owned(),
                    precision: r.precision,
                    personnes: r.personnes.into(),
                })
                .collect(),
            annotation: a.annotation,
        }
    }
}

fn parse_id(id: &str, errors: &mut FieldErrors) -> Option<Uuid> {
    match Uuid::parse_str(id.trim()) {
        Ok(id) if id.get_version_num() == 7 => Some(id),
        _ => {
            errors.add(
                Field::Id,
                "L'identifiant de l'accompagnement doit être un UUID v7 créé par l'appareil.",
            );
            None
        }
    }
}

fn parse_date(date: &str, today: NaiveDate, errors: &mut FieldErrors) -> Option<NaiveDate> {
    if date.trim().is_empty() {
        errors.add(Field::Date, "Indiquez la date de l'accompagnement.");
        return None;
    }
    let Some(parsed) = super::dates::parse_iso(date.trim()) else {
        errors.add(
            Field::Date,
            "La date n'est pas valide : elle doit être au format AAAA-MM-JJ.",
        );
        return None;
    };
    if parsed < FIRST_DATE {
        errors.add(
            Field::Date,
            format!(
                "La date ne peut pas être antérieure au {}.",
                super::dates::courte(FIRST_DATE)
            ),
        );
        None
    } else if parsed > today {
        errors.add(
            Field::Date,
            "La date ne peut pas être dans le futur : choisissez aujourd'hui ou un jour passé.",
        );
        None
    } else {
        Some(parsed)
    }
}

/// Checks a per-bucket count of people (ages or statuts). Zero counts are dropped.
fn parse_repartition<K: Ord + Copy>(
    counts: &BTreeMap<String, i64>,
    from_code: fn(&str) -> Option<K>,
    participants: Option<u32>,
    field: Field,
    what: &str,
    errors: &mut FieldErrors,
) -> BTreeMap<K, u32> {
    let mut parsed = BTreeMap::new();
    let mut total: i64 = 0;
    for (code, &count) in counts {
        let Some(bucket) = from_code(code) else {
            errors.add(
                field,
                format!("Catégorie inconnue {what} : « {} ».", quoted(code)),
            );
            return parsed;
        };
        if !(0..=PARTICIPANTS_MAX).contains(&count) {
            errors.add(
                field,
                format!("Chaque nombre de personnes {what} doit être compris entre 0 et {PARTICIPANTS_MAX}."),
            );
            return parsed;
        }
        total += count;
        if count > 0 {
            parsed.insert(bucket, count as u32);
        }
    }
    if let Some(p) = participants {
        let rest = i64::from(p) - total;
        if rest > 0 {
            errors.add(
                field,
                format!("Répartissez les participants {what} : reste {rest} à répartir."),
            );
        } else if rest < 0 {
            errors.add(
                field,
                format!(
                    "La répartition {what} compte {} de trop : elle doit totaliser {}.",
                    personnes(-rest),
                    personnes(p.into())
                ),
            );
        }
    }
    parsed
}

fn parse_thematiques(codes: &[String], errors: &mut FieldErrors) -> Vec<Thematique> {
    if codes.is_empty() {
        errors.add(Field::Thematiques, "Choisissez au moins une thématique.");
        return Vec::new();
    }
    if codes.len() > Thematique::ALL.len() {
        errors.add(
            Field::Thematiques,
            format!(
                "Choisissez au plus {} thématiques (chacune une fois).",
                Thematique::ALL.len()
            ),
        );
        return Vec::new();
    }
    let mut themes = Vec::with_capacity(codes.len());
    for code in codes {
        match Thematique::from_code(code) {
            None => {
                errors.add(
                    Field::Thematiques,
                    format!("Thématique inconnue : « {} ».", quoted(code)),
                );
                return Vec::new();
            }
            Some(t) if themes.contains(&t) => {
                errors.add(
                    Field::Thematiques,
                    format!("La thématique « {} » est choisie deux fois.", t.label()),
                );
                return Vec::new();
            }
            Some(t) => themes.push(t),
        }
    }
    themes.sort();
    themes
}

fn parse_suivi(
    suivi: SuiviInput,
    participants: Option<u32>,
    errors: &mut FieldErrors,
) -> Option<Suivi> {
    let parts = [suivi.individuel, suivi.atelier, suivi.redirection];
    if parts.iter().any(|n| !(0..=PARTICIPANTS_MAX).contains(n)) {
        errors.add(
            Field::Suivi,
            format!("Chaque nombre de suivis doit être compris entre 0 et {PARTICIPANTS_MAX}."),
        );
        return None;
    }
    let total: i64 = parts.iter().sum();
    if let Some(p) = participants {
        if total > i64::from(p) {
            errors.add(
                Field::Suivi,
                format!(
                    "Le total des suivis ({total}) ne peut pas dépasser le nombre de participants ({p})."
                ),
            );
            return None;
        }
    }
    Some(Suivi {
        individuel: suivi.individuel as u32,
        atelier: suivi.atelier as u32,
        redirection: suivi.redirection as u32,
    })
}

fn parse_redirections(
    inputs: &[RedirectionInput],
    suivi: Option<Suivi>,
    errors: &mut FieldErrors,
) -> Vec<Redirection> {
    const FIELD: Field = Field::Redirections;
    // Each line is at least one person, and there are at most PARTICIPANTS_MAX of them.
    if inputs.len() > PARTICIPANTS_MAX as usize {
        errors.add(
            FIELD,
            format!("Indiquez au plus {PARTICIPANTS_MAX} structures de redirection."),
        );
        return Vec::new();
    }
    let mut redirections: Vec<Redirection> = Vec::with_capacity(inputs.len());
    let mut seen = std::collections::HashSet::with_capacity(inputs.len());
    for input in inputs {
        let Some(structure) = StructureRedirection::from_code(&input.structure) else {
            errors.add(
                FIELD,
                format!(
                    "Structure de redirection inconnue : « {} ».",
                    quoted(&input.structure)
                ),
            );
            return Vec::new();
        };
        let precision = if structure == StructureRedirection::Autre {
            let text = input.precision.as_deref().unwrap_or("").trim().to_owned();
            if !AUTRE_STRUCTURE_CHARS.contains(&text.chars().count()) {
                errors.add(
                    FIELD,
                    format!(
                        "Précisez le nom de la structure « Autre » en {} à {} caractères.",
                        AUTRE_STRUCTURE_CHARS.start(),
                        AUTRE_STRUCTURE_CHARS.end()
                    ),
                );
                return Vec::new();
            }
            Some(text)
        } else {
            None
        };
        if !(1..=PARTICIPANTS_MAX).contains(&input.personnes) {
            errors.add(
                FIELD,
                format!(
                    "Chaque redirection concerne entre 1 et {PARTICIPANTS_MAX} personnes ({}).",
                    structure.label()
                ),
            );
            return Vec::new();
        }
        let redirection = Redirection {
            structure,
            precision,
            personnes: input.personnes as u32,
        };
        if !seen.insert((redirection.structure, redirection.precision.clone())) {
            errors.add(
                FIELD,
                format!(
                    "La structure « {} » figure deux fois : regroupez les personnes sur une ligne.",
                    redirection.label()
                ),
            );
            return Vec::new();
        }
        redirections.push(redirection);
    }
    if let Some(suivi) = suivi {
        let total: u32 = redirections.iter().map(|r| r.personnes).sum();
        if total != suivi.redirection {
            errors.add(
                FIELD,
                format!(
                    "Les redirections totalisent {} alors que le suivi en indique {} : indiquez vers quelles structures chaque personne a été redirigée.",
                    personnes(total.into()),
                    personnes(suivi.redirection.into())
                ),
            );
        }
    }
    redirections
}

/// What the client sent, short enough to quote in a message.
fn quoted(text: &str) -> String {
    const QUOTED_MAX_CHARS: usize = 40;
    if text.chars().count() <= QUOTED_MAX_CHARS {
        text.to_owned()
    } else {
        let start: String = text.chars().take(QUOTED_MAX_CHARS).collect();
        format!("{start}…")
    }
}

#[cfg(test)]
mod tests;
