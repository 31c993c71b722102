//! The programme's vocabulary (domain.md §1): each enumeration once, with its stable code
//! (stored, sent over the API, exported) and the French label people see.
//!
//! Everything else — the form, the SQL, the exports — reads codes and labels from here.

/// Declares a closed vocabulary: an enum whose values serialise as their code.
macro_rules! vocabulary {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $variant:ident => $code:literal, $label:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name {
            $( $variant ),+
        }

        impl $name {
            /// Every value, in the order the form shows them.
            pub const ALL: &'static [$name] = &[ $( $name::$variant ),+ ];

            /// The stable code, as stored and exchanged.
            pub fn code(self) -> &'static str {
                match self { $( $name::$variant => $code ),+ }
            }

            /// The French label shown to people.
            pub fn label(self) -> &'static str {
                match self { $( $name::$variant => $label ),+ }
            }

            /// The value for a code, if the code is part of the vocabulary.
            pub fn from_code(code: &str) -> Option<Self> {
                match code { $( $code => Some($name::$variant), )+ _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.label())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.code())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let code = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                $name::from_code(&code).ok_or_else(|| {
                    serde::de::Error::custom(format!("code inconnu « {code} »"))
                })
            }
        }
    };
}

/// (code, label) of every value of a vocabulary, in its order: a group of choices, a table of
/// docs/domain.md.
pub fn codes_and_labels<T: Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
) -> Vec<(String, String)> {
    all.iter()
        .map(|v| (code(*v).to_owned(), label(*v).to_owned()))
        .collect()
}

vocabulary! {
    /// The record's fields, in the form's order (the first faulty one gets the focus): its
    /// code is the field's name everywhere — the API's JSON, the errors' key, the form's
    /// `champ-<code>` —, its label the French word of the record's page and its export.
    pub enum Field {
        Date => "date", "Date",
        Activite => "activite", "Activité",
        Participants => "participants", "Participants",
        DejaAccompagnes => "deja_accompagnes", "Dont déjà accompagnés",
        Commune => "commune", "Commune",
        Canal => "canal", "Lieu",
        Ages => "ages", "Tranches d'âge",
        Statuts => "statuts", "Statuts",
        Thematiques => "thematiques", "Thématiques",
        DureeMinutes => "duree_minutes", "Durée",
        Suivi => "suivi", "Suivi",
        Redirections => "redirections", "Redirections",
        Annotation => "annotation", "Annotation",
        Id => "id", "Identifiant",
    }
}

/// A field's errors are kept under its name.
impl AsRef<str> for Field {
    fn as_ref(&self) -> &str {
        self.code()
    }
}

vocabulary! {
    /// The kind of accompaniment.
    pub enum Activite {
        Individuel => "individuel", "Accompagnement individuel",
        Collectif => "collectif", "Atelier collectif",
        Ponctuel => "ponctuel", "Demande ponctuelle",
    }
}

impl Activite {
    /// The one-line explanation shown under the label.
    pub fn hint(self) -> &'static str {
        match self {
            Activite::Individuel => "une seule personne accompagnée",
            Activite::Collectif => "atelier ou accompagnement mené avec plusieurs personnes",
            Activite::Ponctuel => "conseil ou service ponctuel, informel",
        }
    }

    /// How many people the form proposes for this activity.
    pub fn default_participants(self) -> u32 {
        match self {
            Activite::Collectif => 5,
            Activite::Individuel | Activite::Ponctuel => 1,
        }
    }
}

vocabulary! {
    /// Where the accompaniment took place.
    pub enum Canal {
        Rattachement => "rattachement", "Lieu de rattachement",
        AutreLieu => "autre_lieu", "Autre lieu",
        Distance => "distance", "À distance",
        Domicile => "domicile", "À domicile",
    }
}

vocabulary! {
    /// Age bands of the people accompanied.
    pub enum TrancheAge {
        Moins12 => "moins_12", "Moins de 12 ans",
        De12A18 => "de_12_a_18", "12 - 18 ans",
        De18A35 => "de_18_a_35", "18 - 35 ans",
        De35A60 => "de_35_a_60", "35 - 60 ans",
        Plus60 => "plus_60", "Plus de 60 ans",
    }
}

vocabulary! {
    /// Situation of the people accompanied.
    pub enum Statut {
        Scolarise => "scolarise", "Scolarisé(e) ou étudiant(e)",
        SansEmploi => "sans_emploi", "Sans emploi",
        EnEmploi => "en_emploi", "En emploi",
        Retraite => "retraite", "Retraité(e)",
        NonRenseigne => "non_renseigne", "Non renseigné ou hétérogène",
    }
}

vocabulary! {
    /// Themes of the accompaniment.
    pub enum Thematique {
        Equipement => "equipement", "Prendre en main un équipement (ordinateur, smartphone, tablette)",
        Internet => "internet", "Naviguer sur Internet",
        Courriel => "courriel", "Courriels",
        Smartphone => "smartphone", "Applications smartphone",
        Contenus => "contenus", "Gestion de contenus numériques",
        Vocabulaire => "vocabulaire", "Environnement et vocabulaire numérique",
        Bureautique => "bureautique", "Traitement de texte, bureautique",
        Echanger => "echanger", "Échanger avec ses proches",
        Emploi => "emploi", "Emploi, formation",
        Enfant => "enfant", "Accompagner son enfant",
        TpePme => "tpe_pme", "Numérique et TPE/PME",
        Demarche => "demarche", "Démarche en ligne",
        Diagnostic => "diagnostic", "Diagnostic numérique",
        Securite => "securite", "Sécuriser un équipement, protéger ses données",
        Fraude => "fraude", "Prévenir les fraudes et le harcèlement",
        Sante => "sante", "Santé",
        Budget => "budget", "Budget, banque, achats en ligne",
        Scolaire => "scolaire", "Scolarité",
    }
}

vocabulary! {
    /// Structures a person can be sent to. `Autre` carries a free-text name.
    pub enum StructureRedirection {
        Ants => "ants", "ANTS",
        AssistanteSociale => "assistante_sociale", "Assistante sociale",
        Caf => "caf", "CAF",
        Carsat => "carsat", "CARSAT",
        Ccas => "ccas", "CCAS",
        Cpam => "cpam", "CPAM",
        Dgfip => "dgfip", "DGFIP (impôts)",
        FranceServices => "france_services", "France Services",
        FranceTravail => "france_travail", "France Travail",
        Mairie => "mairie", "Mairie",
        Mediatheque => "mediatheque", "Médiathèque",
        MissionLocale => "mission_locale", "Mission locale",
        Prefecture => "prefecture", "Préfecture ou sous-préfecture",
        PoliceGendarmerie => "police_gendarmerie", "Police ou gendarmerie",
        TiersLieu => "tiers_lieu", "Tiers-lieu ou fablab",
        Autre => "autre", "Autre",
    }
}

vocabulary! {
    /// Duration buckets, used by the statistics only (the record keeps minutes), in the
    /// booklet's words; a 2-hour workshop is "2h ou plus".
    pub enum TrancheDuree {
        Jusqua30 => "0_30", "0 à 30 min.",
        De30A60 => "30_60", "30 min. à 1h",
        De60A120 => "60_120", "1h à 2h",
        Plus120 => "120_plus", "2h ou plus",
    }
}

impl TrancheDuree {
    /// The longest duration of the bucket, in minutes (the last bucket has none).
    pub fn max_minutes(self) -> Option<u32> {
        match self {
            TrancheDuree::Jusqua30 => Some(30),
            TrancheDuree::De30A60 => Some(60),
            TrancheDuree::De60A120 => Some(119),
            TrancheDuree::Plus120 => None,
        }
    }

    pub fn of_minutes(minutes: u32) -> Self {
        *Self::ALL
            .iter()
            .find(|t| t.max_minutes().is_none_or(|max| minutes <= max))
            .expect("the last bucket has no upper bound")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_reads_back_as_its_value() {
        for t in Thematique::ALL {
            assert_eq!(Thematique::from_code(t.code()), Some(*t));
        }
        for s in StructureRedirection::ALL {
            assert_eq!(StructureRedirection::from_code(s.code()), Some(*s));
        }
        assert_eq!(Thematique::ALL.len(), 18);
        assert_eq!(StructureRedirection::ALL.len(), 16);
    }

    #[test]
    fn an_unknown_code_is_refused() {
        assert_eq!(Canal::from_code("ailleurs"), None);
        assert!(serde_json::from_str::<Canal>("\"ailleurs\"").is_err());
    }

    #[test]
    fn values_travel_as_their_code() {
        assert_eq!(
            serde_json::to_string(&Canal::AutreLieu).unwrap(),
            "\"autre_lieu\""
        );
        assert_eq!(
            serde_json::from_str::<TrancheAge>("\"plus_60\"").unwrap(),
            TrancheAge::Plus60
        );
    }

    #[test]
    fn durations_fall_in_the_documented_buckets() {
        assert_eq!(TrancheDuree::of_minutes(30), TrancheDuree::Jusqua30);
        assert_eq!(TrancheDuree::of_minutes(31), TrancheDuree::De30A60);
        assert_eq!(TrancheDuree::of_minutes(45), TrancheDuree::De30A60);
        assert_eq!(TrancheDuree::of_minutes(60), TrancheDuree::De30A60);
        assert_eq!(TrancheDuree::of_minutes(61), TrancheDuree::De60A120);
        assert_eq!(TrancheDuree::of_minutes(119), TrancheDuree::De60A120);
        // The booklet's "2h ou plus": a 2-hour workshop is there.
        assert_eq!(TrancheDuree::of_minutes(120), TrancheDuree::Plus120);
        assert_eq!(TrancheDuree::of_minutes(121), TrancheDuree::Plus120);
    }

    #[test]
    fn activities_propose_their_usual_number_of_people() {
        assert_eq!(Activite::Individuel.default_participants(), 1);
        assert_eq!(Activite::Ponctuel.default_participants(), 1);
        assert_eq!(Activite::Collectif.default_participants(), 5);
    }
}
