//! The official list of communes (assets/communes.tsv, made by scripts/communes.mjs) and the
//! search the commune picker runs in the browser, offline, on every keystroke.

use super::commune::{Commune, CommuneInput};
use super::errors::FieldErrors;

/// One commune of the official list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommuneOfficielle {
    pub insee: String,
    pub nom: String,
    pub codes_postaux: Vec<String>,
    /// Digits of the population: ranks big towns before hamlets of the same name.
    taille: u8,
    /// The name as searched: see [`search_key`].
    key: String,
}

impl CommuneOfficielle {
    /// The commune as a record stores it, with one of its postal codes.
    pub fn with_code_postal(&self, code_postal: &str) -> Commune {
        let mut errors = FieldErrors::new();
        Commune::parse(
            CommuneInput {
                insee: self.insee.clone(),
                nom: self.nom.clone(),
                code_postal: code_postal.to_owned(),
            },
            "commune",
            &mut errors,
        )
        .expect("the official list holds valid communes")
    }

    pub fn departement(&self) -> &str {
        super::commune::departement_of_insee(&self.insee)
    }
}

/// A search result: a commune and the postal code to record with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trouvee<'a> {
    pub commune: &'a CommuneOfficielle,
    pub code_postal: &'a str,
}

impl Trouvee<'_> {
    pub fn to_commune(&self) -> Commune {
        self.commune.with_code_postal(self.code_postal)
    }
}

#[derive(Clone, Debug, Default)]
pub struct Referentiel {
    communes: Vec<CommuneOfficielle>,
}

impl Referentiel {
    /// Reads the TSV: `insee \t nom \t codes postaux \t taille`, `#` lines are comments.
    pub fn parse(text: &str) -> Referentiel {
        let mut communes: Vec<CommuneOfficielle> = text
            .lines()
            .filter(|line| !line.starts_with('#') && !line.is_empty())
            .filter_map(|line| {
                let mut fields = line.split('\t');
                let insee = fields.next()?.to_owned();
                let nom = fields.next()?.to_owned();
                let codes_postaux = fields
                    .next()?
                    .split(' ')
                    .map(str::to_owned)
                    .collect::<Vec<_>>();
                let taille = fields.next().and_then(|t| t.parse().ok()).unwrap_or(0);
                let key = search_key(&nom);
                Some(CommuneOfficielle {
                    insee,
                    nom,
                    codes_postaux,
                    taille,
                    key,
                })
            })
            .collect();
        // `get` searches by INSEE code.
        communes.sort_by(|a, b| a.insee.cmp(&b.insee));
        Referentiel { communes }
    }

    pub fn len(&self) -> usize {
        self.communes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.communes.is_empty()
    }

    pub fn get(&self, insee: &str) -> Option<&CommuneOfficielle> {
        self.communes
            .binary_search_by(|c| c.insee.as_str().cmp(insee))
            .ok()
            .map(|i| &self.communes[i])
    }

    /// The commune as the official list names it, if its INSEE code and postal code belong
    /// together; `None` for anything the list does not know.
    pub fn official(&self, commune: &Commune) -> Option<Commune> {
        let found = self.get(commune.insee())?;
        found
            .codes_postaux
            .iter()
            .any(|cp| cp == commune.code_postal())
            .then(|| found.with_code_postal(commune.code_postal()))
    }

    /// Communes matching what was typed: a postal code (or its start), or a name where case,
    /// accents, hyphens and "saint"/"st" do not matter. Best matches first, at most `limit`.
    pub fn search(&self, query: &str, limit: usize) -> Vec<Trouvee<'_>> {
        let query = query.trim();
        if query.is_empty() || limit == 0 {
            return Vec::new();
        }
        if query.bytes().all(|b| b.is_ascii_digit()) {
            return self.search_postal_code(query, limit);
        }
        let key = search_key(query);
        if key.is_empty() {
            return Vec::new();
        }
        let word_start = format!(" {key}");
        let mut found: Vec<(u8, &CommuneOfficielle)> = self
            .communes
            .iter()
            .filter_map(|c| match_rank(&c.key, &key, &word_start).map(|rank| (rank, c)))
            .collect();
        let best_first = |(ra, a): &(u8, &CommuneOfficielle),
                          (rb, b): &(u8, &CommuneOfficielle)| {
            ra.cmp(rb)
                .then(b.taille.cmp(&a.taille))
                .then(a.key.len().cmp(&b.key.len()))
                .then(a.insee.cmp(&b.insee))
        };
        // A first letter matches thousands of communes: pick the best before sorting them.
        if found.len() > limit {
            found.select_nth_unstable_by(limit, best_first);
            found.truncate(limit);
        }
        found.sort_by(best_first);
        found
            .into_iter()
            .take(limit)
            .map(|(_, c)| Trouvee {
                commune: c,
                code_postal: &c.codes_postaux[0],
            })
            .collect()
    }

    fn search_postal_code(&self, prefix: &str, limit: usize) -> Vec<Trouvee<'_>> {
        let mut found: Vec<Trouvee<'_>> = self
            .communes
            .iter()
            .flat_map(|c| {
                c.codes_postaux
                    .iter()
                    .filter(|cp| cp.starts_with(prefix))
                    .map(move |cp| Trouvee {
                        commune: c,
                        code_postal: cp,
                    })
            })
            .collect();
        found.sort_by(|a, b| {
            a.code_postal
                .cmp(b.code_postal)
                .then(b.commune.taille.cmp(&a.commune.taille))
                .then(a.commune.nom.cmp(&b.commune.nom))
        });
        found.truncate(limit);
        found
    }
}

/// 0: the name starts with the query; 1: a word of it does (`word_start` is the query after
/// a space); 2: it contains it.
fn match_rank(name: &str, query: &str, word_start: &str) -> Option<u8> {
    if name.starts_with(query) {
        Some(0)
    } else if name.contains(word_start) {
        Some(1)
    } else if name.contains(query) {
        Some(2)
    } else {
        None
    }
}

/// How names are compared: lower case, no accents, words separated by single spaces (hyphens
/// and apostrophes are separators), "saint(e)" written "st(e)".
/// `search_key("Saint-Étienne")` = `search_key("st etienne")` = "st etienne".
pub fn search_key(text: &str) -> String {
    let mut plain = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            'à' | 'â' | 'ä' | 'á' | 'ã' | 'å' | 'À' | 'Â' | 'Ä' | 'Á' => plain.push('a'),
            'ç' | 'Ç' => plain.push('c'),
            'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => plain.push('e'),
            'î' | 'ï' | 'í' | 'ì' | 'Î' | 'Ï' => plain.push('i'),
            'ô' | 'ö' | 'ó' | 'ò' | 'õ' | 'Ô' | 'Ö' => plain.push('o'),
            'ù' | 'û' | 'ü' | 'ú' | 'Ù' | 'Û' | 'Ü' => plain.push('u'),
            'ÿ' | 'ý' | 'Ÿ' => plain.push('y'),
            'ñ' | 'Ñ' => plain.push('n'),
            'œ' | 'Œ' => plain.push_str("oe"),
            'æ' | 'Æ' => plain.push_str("ae"),
            c if c.is_alphanumeric() => plain.extend(c.to_lowercase()),
            _ => plain.push(' '),
        }
    }
    plain
        .split_whitespace()
        .map(|word| match word {
            "saint" => "st",
            "sainte" => "ste",
            other => other,
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "# test\n\
        42218\tSaint-Étienne\t42000 42100\t6\n\
        42219\tSaint-Étienne-le-Molard\t42130\t3\n\
        69123\tLyon\t69001 69002 69003\t6\n\
        75056\tParis\t75001 75011\t7\n\
        75111\tParis 11e Arrondissement\t75011\t6\n\
        91228\tÉvry-Courcouronnes\t91000 91080\t5\n\
        97411\tSaint-Denis\t97400 97490\t6\n";

    fn names(found: &[Trouvee<'_>]) -> Vec<String> {
        found
            .iter()
            .map(|t| format!("{} {}", t.commune.nom, t.code_postal))
            .collect()
    }

    #[test]
    fn names_are_compared_without_case_accents_hyphens_or_saint() {
        assert_eq!(search_key("Saint-Étienne"), "st etienne");
        assert_eq!(search_key("saint etienne"), "st etienne");
        assert_eq!(search_key("ST-ETIENNE"), "st etienne");
        assert_eq!(search_key("L'Haÿ-les-Roses"), "l hay les roses");
        assert_eq!(search_key("Sainte-Marie  "), "ste marie");
    }

    #[test]
    fn a_name_finds_the_biggest_matching_commune_first() {
        let list = Referentiel::parse(SAMPLE);
        assert_eq!(list.len(), 7);
        let found = list.search("saint etienne", 10);
        assert_eq!(
            names(&found),
            ["Saint-Étienne 42000", "Saint-Étienne-le-Molard 42130"]
        );
        assert_eq!(
            names(&list.search("Évry", 10)),
            ["Évry-Courcouronnes 91000"]
        );
        assert_eq!(
            names(&list.search("evry", 10)),
            ["Évry-Courcouronnes 91000"]
        );
        assert_eq!(
            names(&list.search("courcouronnes", 10)),
            ["Évry-Courcouronnes 91000"]
        );
    }

    #[test]
    fn a_postal_code_finds_every_commune_that_has_it() {
        let list = Referentiel::parse(SAMPLE);
        assert_eq!(
            names(&list.search("75011", 10)),
            ["Paris 75011", "Paris 11e Arrondissement 75011"]
        );
        assert_eq!(names(&list.search("9740", 10)), ["Saint-Denis 97400"]);
        assert!(list.search("12345", 10).is_empty());
    }

    #[test]
    fn results_are_capped() {
        let list = Referentiel::parse(SAMPLE);
        assert_eq!(list.search("a", 2).len(), 2);
        assert!(list.search("   ", 10).is_empty());
    }

    #[test]
    fn only_known_insee_and_postal_code_pairs_are_official() {
        let list = Referentiel::parse(SAMPLE);
        let commune = |insee: &str, nom: &str, cp: &str| {
            Commune::try_from(CommuneInput {
                insee: insee.into(),
                nom: nom.into(),
                code_postal: cp.into(),
            })
            .unwrap()
        };
        let official = list.official(&commune("69123", "lyon", "69002")).unwrap();
        assert_eq!(official.nom(), "Lyon");
        assert!(list.official(&commune("69123", "Lyon", "69009")).is_none());
        assert!(list.official(&commune("69999", "Lyon", "69001")).is_none());
        assert_eq!(list.get("97411").unwrap().departement(), "974");
    }

    #[test]
    fn the_shipped_list_is_complete_and_sorted() {
        let list = Referentiel::parse(include_str!("../../assets/communes.tsv"));
        assert!(list.len() > 34_000);
        assert!(list.communes.windows(2).all(|w| w[0].insee < w[1].insee));
        assert_eq!(list.get("75111").unwrap().nom, "Paris 11e Arrondissement");
        assert_eq!(list.search("saint etienne", 1)[0].commune.insee, "42218");
    }
}
