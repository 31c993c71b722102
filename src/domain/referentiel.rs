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

    /// Digits of the population (a size class).
    pub fn taille(&self) -> u8 {
        self.taille
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

/// Digits of a whole postal code.
const CODE_POSTAL_LEN: usize = 5;

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

    /// The `i`-th commune, by INSEE code.
    pub fn nth(&self, i: usize) -> Option<&CommuneOfficielle> {
        self.communes.get(i)
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

    /// Communes matching what was typed: a postal code (or its start), a name where case,
    /// accents, hyphens and "saint"/"st" do not matter, or both in either order ("76560
    /// etalleville", "etalleville 76560"). Best matches first, at most `limit` — except for a
    /// whole postal code alone, which shows every commune that has it (76560 has 25), then
    /// the commune whose INSEE code it is, if any (76560 is Saint-Aubin-Épinay's, 76160).
    pub fn search(&self, query: &str, limit: usize) -> Vec<Trouvee<'_>> {
        let (digits, words): (Vec<&str>, Vec<&str>) = query
            .split_whitespace()
            .partition(|word| word.bytes().all(|b| b.is_ascii_digit()));
        if limit == 0 || digits.len() > 1 {
            return Vec::new();
        }
        let code = digits.first().copied();
        if words.is_empty() {
            return match code {
                Some(code) if code.len() == CODE_POSTAL_LEN => {
                    let mut found = self.search_postal_code(code, usize::MAX);
                    if let Some(c) = self.get(code) {
                        if !found.iter().any(|t| t.commune.insee == c.insee) {
                            found.push(Trouvee {
                                commune: c,
                                code_postal: &c.codes_postaux[0],
                            });
                        }
                    }
                    found
                }
                Some(prefix) => self.search_postal_code(prefix, limit),
                None => Vec::new(),
            };
        }
        let mut key = search_key(&words.join(" "));
        if key.is_empty() {
            return Vec::new();
        }
        // A word the conseiller finished typing ("Saint-", "saint ", "Saint") matches whole
        // words only: "Saint-" finds Saint-Étienne, never Strasbourg nor Stains.
        let finished = query.ends_with(|c: char| !c.is_alphanumeric())
            || words.last().is_some_and(|w| {
                w.chars().count() > 3 && matches!(search_key(w).as_str(), "st" | "ste")
            });
        if finished {
            key.push(' ');
        }
        let word_start = format!(" {key}");
        // The postal code to show: the one typed (or the first starting with it), else the
        // commune's main one.
        let mut found: Vec<(u8, Trouvee<'_>)> = self
            .communes
            .iter()
            .filter_map(|c| {
                let code_postal = match code {
                    Some(prefix) => c.codes_postaux.iter().find(|cp| cp.starts_with(prefix))?,
                    None => &c.codes_postaux[0],
                };
                let rank = if finished {
                    // The name's end closes its last word too.
                    match_rank(&format!("{} ", c.key), &key, &word_start)?
                } else {
                    match_rank(&c.key, &key, &word_start)?
                };
                Some((
                    rank,
                    Trouvee {
                        commune: c,
                        code_postal,
                    },
                ))
            })
            .collect();
        let best_first = |(ra, a): &(u8, Trouvee<'_>), (rb, b): &(u8, Trouvee<'_>)| {
            let (a, b) = (a.commune, b.commune);
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
        found.into_iter().map(|(_, t)| t).collect()
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
        // Typed whole, the code shows every commune that has it; its start shows the first ones.
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
    fn saint_typed_whole_finds_the_saints_not_the_names_starting_with_st() {
        let list = Referentiel::parse(
            "# test\n\
             67482\tStrasbourg\t67000\t7\n\
             93072\tStains\t93240\t5\n\
             42218\tSaint-Étienne\t42000\t6\n\
             97411\tSaint-Denis\t97400\t6\n\
             69999\tLe Monastier-Saint-Xyz\t69999\t1\n",
        );
        for typed in ["Saint-", "saint ", "Saint", "saint-", "ST-"] {
            let found = names(&list.search(typed, 10));
            assert_eq!(
                found,
                [
                    "Saint-Denis 97400",
                    "Saint-Étienne 42000",
                    "Le Monastier-Saint-Xyz 69999"
                ],
                "{typed:?}"
            );
        }
        // Still being typed, "st" may begin Strasbourg.
        assert!(names(&list.search("st", 10)).contains(&"Strasbourg 67000".to_owned()));
        assert!(names(&list.search("Stras", 10)).contains(&"Strasbourg 67000".to_owned()));
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

    #[test]
    fn a_whole_postal_code_shows_all_its_communes_however_many() {
        let list = Referentiel::parse(include_str!("../../assets/communes.tsv"));
        let found = list.search("76560", 20);
        assert_eq!(found.len(), 26);
        assert!(found[..25].iter().all(|t| t.code_postal == "76560"));
        assert!(names(&found).contains(&"Étalleville 76560".to_owned()));
        // Then the commune whose INSEE code it is.
        assert_eq!(names(&found[25..]), ["Saint-Aubin-Épinay 76160"]);
        // Its start still shows the first ones only.
        assert_eq!(list.search("7656", 20).len(), 20);
    }

    #[test]
    fn a_postal_code_and_a_name_together_find_the_commune_in_either_order() {
        let list = Referentiel::parse(include_str!("../../assets/communes.tsv"));
        for typed in [
            "76560 etalleville",
            "etalleville 76560",
            "  Étalleville   76560 ",
            "765 etall",
        ] {
            assert_eq!(
                names(&list.search(typed, 20)),
                ["Étalleville 76560"],
                "{typed}"
            );
        }
        // The code shown is the one typed, for a commune that has several.
        assert_eq!(names(&list.search("lyon 69003", 20))[0], "Lyon 69003");
        assert!(list.search("etalleville 75011", 20).is_empty());
    }
}
