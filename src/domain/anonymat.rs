//! The statistical secret of the pooled figures (domain.md §3, "Secret statistique"): which
//! territories' figures of one month may be published, so that no answer, nor any
//! difference of answers, lets anyone read fewer than [`MIN_CONSEILLERS`] conseillers' work.
//!
//! A month's figures are published per *cell* (a territory in that month). A cell is
//! published when at least [`MIN_CONSEILLERS`] conseillers contributed to it, and when what
//! its published sub-territories leave uncovered holds 0 or at least [`MIN_CONSEILLERS`]
//! conseillers; where it would hold 1 to 4, cells below are suppressed too (secondary
//! suppression, the fewest contributors first). Conseillers are counted in their
//! département, so every territory is a set of départements and sums of départements are
//! exact.
//!
//! Why checking the largest subtraction is enough: any set of disjoint published cells
//! inside a published cell leaves uncovered either a whole published cell (≥ 5) or exactly
//! the union of the left-overs checked here (each 0 or ≥ 5, so their union too). The tests
//! below try every such set on random maps.

use std::collections::{BTreeMap, BTreeSet};

use super::territoire::{self, Territoire};
use super::vocabulary::{Activite, Canal};

/// No figure is published over fewer conseillers than this: below, one person's work could
/// be read from them, or from the difference of two answers.
pub const MIN_CONSEILLERS: u32 = 5;

/// Whether `n` conseillers may be pooled: none at all, or enough.
fn safe(n: u32) -> bool {
    n == 0 || n >= MIN_CONSEILLERS
}

/// The territories whose figures of one month are published.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Publication {
    france: bool,
    regions: BTreeSet<&'static str>,
    departements: BTreeSet<&'static str>,
    /// The départements with a contributor: a territory without any is published too, as
    /// zeros (nobody to protect, and a year with a quiet month keeps its figures).
    active: BTreeSet<&'static str>,
    /// France has a contributor (unknown départements included).
    france_active: bool,
}

impl Publication {
    /// From the number of conseillers who contributed in each département that month
    /// (départements not named: none). Unknown départements count in France only.
    pub fn of(contributeurs: &BTreeMap<String, u32>) -> Publication {
        Census::new(contributeurs).publication()
    }

    pub fn is_published(&self, territoire: &Territoire) -> bool {
        self.is_published_over(territoire, territoire.departements().as_deref())
    }

    /// The same, the territory's départements given (none: France).
    fn is_published_over(&self, territoire: &Territoire, codes: Option<&[&str]>) -> bool {
        let nobody = match codes {
            None => !self.france_active,
            Some(codes) => codes.iter().all(|d| !self.active.contains(d)),
        };
        nobody
            || match territoire {
                Territoire::France => self.france,
                Territoire::Region(code) => self.regions.contains(code.as_str()),
                Territoire::Departement(code) => self.departements.contains(code.as_str()),
            }
    }

    /// Every published territory.
    pub fn territoires(&self) -> Vec<Territoire> {
        let france = self.france.then_some(Territoire::France);
        let regions = self.regions.iter().map(|c| Territoire::Region((*c).into()));
        let departements = self
            .departements
            .iter()
            .map(|c| Territoire::Departement((*c).into()));
        france
            .into_iter()
            .chain(regions)
            .chain(departements)
            .collect()
    }
}

/// The contributors of one month, département by département, and the sums above them.
struct Census {
    departements: BTreeMap<&'static str, u32>,
    regions: BTreeMap<&'static str, u32>,
    france: u32,
}

impl Census {
    fn new(contributeurs: &BTreeMap<String, u32>) -> Census {
        let mut census = Census {
            departements: BTreeMap::new(),
            regions: BTreeMap::new(),
            france: 0,
        };
        for (code, n) in contributeurs {
            census.france += n;
            if let Some(d) = territoire::departement(code) {
                *census.departements.entry(d.code).or_default() += n;
                *census.regions.entry(d.region).or_default() += n;
            }
        }
        census
    }

    fn departement(&self, code: &str) -> u32 {
        self.departements.get(code).copied().unwrap_or(0)
    }

    fn region(&self, code: &str) -> u32 {
        self.regions.get(code).copied().unwrap_or(0)
    }

    fn publication(&self) -> Publication {
        let active = self
            .departements
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(d, _)| *d)
            .collect();
        let france_active = self.france > 0;
        if self.france < MIN_CONSEILLERS {
            return Publication {
                active,
                france_active,
                ..Publication::default()
            };
        }
        let mut published = Publication {
            active,
            france_active,
            france: true,
            regions: self
                .regions
                .iter()
                .filter(|(_, n)| **n >= MIN_CONSEILLERS)
                .map(|(c, _)| *c)
                .collect(),
            departements: self
                .departements
                .iter()
                .filter(|(_, n)| **n >= MIN_CONSEILLERS)
                .map(|(c, _)| *c)
                .collect(),
        };
        let regions: Vec<&'static str> = published.regions.iter().copied().collect();
        for region in regions {
            while !safe(self.left_in_region(&published, region)) {
                let smallest = self
                    .published_departements_of(&published, region)
                    .min_by_key(|d| (self.departement(d), *d))
                    .expect(
                        "a région leaving 1 to 4 conseillers uncovered has published départements",
                    );
                published.departements.remove(smallest);
            }
        }
        while !safe(self.left_in_france(&published)) {
            self.suppress_one_for_france(&mut published);
        }
        published
    }

    fn published_departements_of<'a>(
        &'a self,
        published: &'a Publication,
        region: &'a str,
    ) -> impl Iterator<Item = &'static str> + 'a {
        published
            .departements
            .iter()
            .copied()
            .filter(move |d| territoire::departement(d).is_some_and(|d| d.region == region))
    }

    /// The région's conseillers outside its published départements.
    fn left_in_region(&self, published: &Publication, region: &str) -> u32 {
        let covered: u32 = self
            .published_departements_of(published, region)
            .map(|d| self.departement(d))
            .sum();
        self.region(region) - covered
    }

    /// France's conseillers outside its published régions and the published départements of
    /// its other régions.
    fn left_in_france(&self, published: &Publication) -> u32 {
        let covered: u32 = self.france_pieces(published).map(|(_, n)| n).sum();
        self.france - covered
    }

    /// What France's leftover is computed against: published régions, and published
    /// départements of unpublished régions, with their contributors.
    fn france_pieces<'a>(
        &'a self,
        published: &'a Publication,
    ) -> impl Iterator<Item = (Territoire, u32)> + 'a {
        let regions = published
            .regions
            .iter()
            .map(|r| (Territoire::Region((*r).into()), self.region(r)));
        let departements = published
            .departements
            .iter()
            .filter(|d| {
                territoire::departement(d).is_some_and(|d| !published.regions.contains(d.region))
            })
            .map(|d| (Territoire::Departement((*d).into()), self.departement(d)));
        regions.chain(departements)
    }

    /// France leaves 1 to 4 conseillers uncovered: suppress the piece with the fewest
    /// contributors whose suppression uncovers someone (a département of an unpublished
    /// région, or a région leaving people outside its départements); if there is none, the
    /// smallest published région, whose départements then count against France.
    fn suppress_one_for_france(&self, published: &mut Publication) {
        let uncovers = |piece: &Territoire| match piece {
            Territoire::Region(r) => self.left_in_region(published, r) > 0,
            _ => true,
        };
        let pieces: Vec<(Territoire, u32)> = self.france_pieces(published).collect();
        let chosen = pieces
            .iter()
            .filter(|(t, _)| uncovers(t))
            .min_by_key(|(t, n)| (*n, t.code()))
            .or_else(|| {
                pieces
                    .iter()
                    .filter(|(t, _)| matches!(t, Territoire::Region(_)))
                    .min_by_key(|(t, n)| (*n, t.code()))
            })
            .map(|(t, _)| t.clone())
            .expect("France leaving 1 to 4 conseillers uncovered has published pieces");
        match chosen {
            Territoire::Region(r) => published.regions.retain(|c| *c != r),
            Territoire::Departement(d) => published.departements.retain(|c| *c != d),
            Territoire::France => unreachable!("France is no piece of itself"),
        }
    }
}

/// The national filters' values (domain.md §3, "Filtres"): a canal or an activité. A record is
/// one *pair* (its canal, its activité); what a conseiller did in a month is the set of pairs
/// of their records, a bit each ([`pair_bit`]).
pub type Pairs = u16;

/// The place of the pair (canal, activité) among all pairs: its bit in a [`Pairs`], its
/// column in [`pair_columns`].
pub fn pair_index(canal: Canal, activite: Activite) -> usize {
    let c = Canal::ALL.iter().position(|x| *x == canal).unwrap_or(0);
    let a = Activite::ALL
        .iter()
        .position(|x| *x == activite)
        .unwrap_or(0);
    c * Activite::ALL.len() + a
}

/// The bit of the pair (canal, activité) in a [`Pairs`].
pub fn pair_bit(canal: Canal, activite: Activite) -> Pairs {
    1 << pair_index(canal, activite)
}

/// Every pair with its bit, in the order of the bits, and its column in the counters of a
/// conseiller's month (`contributions_paire_mois`: `paire_distance_collectif`).
pub fn pair_columns() -> Vec<(Pairs, String)> {
    let mut columns = Vec::new();
    for canal in Canal::ALL {
        for activite in Activite::ALL {
            columns.push((
                pair_bit(*canal, *activite),
                format!("paire_{}_{}", canal.code(), activite.code()),
            ));
        }
    }
    columns
}

/// Every pair of a canal.
fn canal_pairs(canal: Canal) -> Pairs {
    Activite::ALL
        .iter()
        .map(|a| pair_bit(canal, *a))
        .fold(0, |m, b| m | b)
}

/// Every pair of an activité.
fn activite_pairs(activite: Activite) -> Pairs {
    Canal::ALL
        .iter()
        .map(|c| pair_bit(*c, activite))
        .fold(0, |m, b| m | b)
}

/// Every pair.
fn all_pairs() -> Pairs {
    Canal::ALL
        .iter()
        .map(|c| canal_pairs(*c))
        .fold(0, |m, b| m | b)
}

/// The territories whose figures of one month may also be published per canal and per
/// activité (one filter at a time).
///
/// A filtered answer can be subtracted from the unfiltered one, from the other values'
/// answers, and mixed with any territory's: in a département, what such a difference leaves
/// is the records whose pair is in neither the canals nor the activités taken away, a set `U`
/// of the form "all pairs minus some canals' columns minus some activités' rows". So a
/// territory is broken down only when it is published under rules 3–5 for the contributors
/// of *every* such `U` (the conseillers with a record in `U`): then any difference is a union,
/// over pieces of the map, of "a published `U`-cell minus disjoint published `U`-cells", each
/// 0 or ≥ 5 conseillers by the geographic argument above, and conseillers add up across the
/// map. The tests below subtract random sets of disjoint filtered and unfiltered cells.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Ventilation {
    /// The territories published under every set `U` (the unfiltered one included): a few
    /// hundred bytes a month, where the 104 publications they come from take a megabyte.
    published: BTreeSet<Territoire>,
}

impl Ventilation {
    /// From, per département, how many conseillers contributed that month with each set of
    /// pairs (départements not named: none).
    pub fn of(contributeurs: &BTreeMap<String, BTreeMap<Pairs, u32>>) -> Ventilation {
        let all = all_pairs();
        let mut kept = BTreeSet::new();
        for canals in 0..(1u16 << Canal::ALL.len()) {
            for activites in 0..(1u16 << Activite::ALL.len()) {
                let mut left = all;
                for (i, canal) in Canal::ALL.iter().enumerate() {
                    if canals & (1 << i) != 0 {
                        left &= !canal_pairs(*canal);
                    }
                }
                for (i, activite) in Activite::ALL.iter().enumerate() {
                    if activites & (1 << i) != 0 {
                        left &= !activite_pairs(*activite);
                    }
                }
                if left != 0 {
                    kept.insert(left);
                }
            }
        }
        // Each département looked up once, not once per set (a national month: 104 sets
        // over a hundred départements, read in a second before this).
        let known: Vec<(
            Option<&'static territoire::Departement>,
            &BTreeMap<Pairs, u32>,
        )> = contributeurs
            .iter()
            .map(|(code, sets)| (territoire::departement(code), sets))
            .collect();
        let publications = kept
            .into_iter()
            .map(|left| {
                let mut census = Census {
                    departements: BTreeMap::new(),
                    regions: BTreeMap::new(),
                    france: 0,
                };
                for (departement, sets) in &known {
                    let n: u32 = sets
                        .iter()
                        .filter(|(pairs, _)| **pairs & left != 0)
                        .map(|(_, n)| n)
                        .sum();
                    census.france += n;
                    if let Some(d) = departement {
                        *census.departements.entry(d.code).or_default() += n;
                        *census.regions.entry(d.region).or_default() += n;
                    }
                }
                census.publication()
            })
            .collect::<Vec<Publication>>();
        let every_territory = std::iter::once(Territoire::France)
            .chain(
                territoire::regions()
                    .iter()
                    .map(|r| Territoire::Region(r.code.to_owned())),
            )
            .chain(
                territoire::departements()
                    .iter()
                    .map(|d| Territoire::Departement(d.code.to_owned())),
            );
        Ventilation {
            published: every_territory
                .filter(|t| {
                    let codes = t.departements();
                    publications
                        .iter()
                        .all(|p| p.is_published_over(t, codes.as_deref()))
                })
                .collect(),
        }
    }

    /// Whether the territory's figures per canal and per activité are published.
    pub fn is_published(&self, territoire: &Territoire) -> bool {
        self.published.contains(territoire)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn month(counts: &[(&str, u32)]) -> BTreeMap<String, u32> {
        counts.iter().map(|(d, n)| (d.to_string(), *n)).collect()
    }

    fn published(counts: &[(&str, u32)]) -> Vec<String> {
        Publication::of(&month(counts))
            .territoires()
            .iter()
            .map(Territoire::code)
            .collect()
    }

    #[test]
    fn a_territory_where_nobody_contributed_is_published_as_zeros() {
        let publication = Publication::of(&month(&[("69", 4)]));
        assert!(!publication.is_published(&Territoire::France));
        assert!(!publication.is_published(&Territoire::Region("84".into())));
        assert!(publication.is_published(&Territoire::Region("53".into())));
        assert!(publication.is_published(&Territoire::Departement("38".into())));
        assert!(Publication::of(&BTreeMap::new()).is_published(&Territoire::France));
    }

    #[test]
    fn fewer_than_five_conseillers_publish_nothing() {
        assert!(published(&[("69", 4)]).is_empty());
        assert_eq!(
            published(&[("69", 5)]),
            ["france", "region-84", "departement-69"]
        );
    }

    #[test]
    fn a_region_minus_its_published_departement_cannot_isolate_the_cantal() {
        // The case: the Rhône published, the Cantal's only conseiller left over.
        let shown = published(&[("69", 9), ("15", 1), ("35", 6)]);
        assert!(!shown.contains(&"departement-69".to_owned()), "{shown:?}");
        assert!(shown.contains(&"region-84".to_owned()));
        // With 5 others outside the Rhône, the Rhône can be shown.
        let shown = published(&[("69", 9), ("15", 1), ("38", 4), ("35", 6)]);
        assert!(shown.contains(&"departement-69".to_owned()), "{shown:?}");
    }

    #[test]
    fn france_minus_its_regions_cannot_isolate_a_small_region() {
        // Bretagne has 2 conseillers: France minus Auvergne-Rhône-Alpes would give them.
        let shown = published(&[("69", 5), ("38", 6), ("35", 2)]);
        assert!(shown.contains(&"france".to_owned()));
        assert!(!shown.contains(&"region-53".to_owned()));
        assert!(!shown.contains(&"region-84".to_owned()), "{shown:?}");
        // One of the two départements goes too, the smaller: France minus the other leaves 7.
        assert!(!shown.contains(&"departement-69".to_owned()), "{shown:?}");
        assert!(shown.contains(&"departement-38".to_owned()));
    }

    #[test]
    fn a_region_minus_its_shown_departements_cannot_isolate_the_mayenne() {
        // The demo case: Pays de la Loire (52) minus the Loire-Atlantique (44) gave
        // the Mayenne's (53) single conseiller. The Loire-Atlantique is suppressed instead.
        let counts = month(&[("69", 7), ("38", 5), ("44", 5), ("53", 1)]);
        let shown = published(&[("69", 7), ("38", 5), ("44", 5), ("53", 1)]);
        assert!(shown.contains(&"region-52".to_owned()), "{shown:?}");
        assert!(!shown.contains(&"departement-44".to_owned()), "{shown:?}");
        assert_eq!(france_leftover(&counts), 0);
    }

    /// The conseillers France leaves uncovered under a publication, recomputed from scratch.
    fn france_leftover(counts: &BTreeMap<String, u32>) -> u32 {
        let publication = Publication::of(counts);
        let census = Census::new(counts);
        census.left_in_france(&publication)
    }

    /// The départements a territory covers, among those of the map.
    fn cover(t: &Territoire, all: &[&'static str]) -> BTreeSet<&'static str> {
        match t.departements() {
            None => all.iter().copied().collect(),
            Some(codes) => codes.into_iter().filter(|c| all.contains(c)).collect(),
        }
    }

    /// Every set of pairwise disjoint published territories strictly inside `cell`, tried
    /// one by one: what they leave of it holds 0 or at least 5 conseillers.
    fn check_every_difference(counts: &BTreeMap<String, u32>) -> Result<(), TestCaseError> {
        let publication = Publication::of(counts);
        let all: Vec<&'static str> = counts
            .keys()
            .filter_map(|c| territoire::departement(c).map(|d| d.code))
            .collect();
        let n = |set: &BTreeSet<&'static str>| -> u32 { set.iter().map(|d| counts[*d]).sum() };
        for cell in publication.territoires() {
            let inside = cover(&cell, &all);
            prop_assert!(
                n(&inside) >= MIN_CONSEILLERS,
                "{} published with {}",
                cell.code(),
                n(&inside)
            );
            let smaller: Vec<BTreeSet<&'static str>> = publication
                .territoires()
                .iter()
                .filter(|t| **t != cell)
                .map(|t| cover(t, &all))
                .filter(|c| c.is_subset(&inside) && *c != inside)
                .collect();
            // Depth-first over the published cells inside: take each or not, if disjoint
            // from those taken.
            let mut stack = vec![(0usize, BTreeSet::<&'static str>::new())];
            while let Some((next, taken)) = stack.pop() {
                if next == smaller.len() {
                    let left: BTreeSet<&'static str> = inside.difference(&taken).copied().collect();
                    prop_assert!(
                        safe(n(&left)),
                        "{} minus {:?} leaves {} conseillers",
                        cell.code(),
                        taken,
                        n(&left)
                    );
                    continue;
                }
                stack.push((next + 1, taken.clone()));
                if taken.is_disjoint(&smaller[next]) {
                    let mut with = taken;
                    with.extend(smaller[next].iter().copied());
                    stack.push((next + 1, with));
                }
            }
        }
        Ok(())
    }

    /// A month over a few départements of three régions (Auvergne-Rhône-Alpes, Bretagne,
    /// Pays de la Loire) and one overseas département, 0 to 9 contributors each.
    fn a_month() -> impl Strategy<Value = BTreeMap<String, u32>> {
        let departements = [
            "01", "03", "15", "38", "69", "22", "29", "35", "44", "53", "85", "974",
        ];
        proptest::collection::vec(0u32..10, departements.len()).prop_map(move |counts| {
            departements
                .iter()
                .zip(counts)
                .filter(|(_, n)| *n > 0)
                .map(|(d, n)| (d.to_string(), n))
                .collect()
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

        #[test]
        fn no_difference_of_published_cells_isolates_fewer_than_five(counts in a_month()) {
            check_every_difference(&counts)?;
        }

        #[test]
        fn a_cell_with_five_contributors_and_safe_leftovers_stays_published(counts in a_month()) {
            // Suppression only ever removes what must go: a département whose région leaves
            // none uncovered and whose France leaves none is published when it has 5.
            let publication = Publication::of(&counts);
            let census = Census::new(&counts);
            if census.france >= MIN_CONSEILLERS {
                prop_assert!(publication.is_published(&Territoire::France));
            }
            for territory in publication.territoires() {
                let contributors = match &territory {
                    Territoire::France => census.france,
                    Territoire::Region(r) => census.region(r),
                    Territoire::Departement(d) => census.departement(d),
                };
                prop_assert!(contributors >= MIN_CONSEILLERS, "{}", territory.code());
            }
        }
    }

    /// One month of conseillers: (département, the pairs of their records).
    type Conseillers = Vec<(&'static str, Pairs)>;

    fn ventilation_of(conseillers: &Conseillers) -> (Publication, Ventilation) {
        let mut plain: BTreeMap<String, u32> = BTreeMap::new();
        let mut per_pairs: BTreeMap<String, BTreeMap<Pairs, u32>> = BTreeMap::new();
        for (departement, pairs) in conseillers {
            *plain.entry(departement.to_string()).or_default() += 1;
            *per_pairs
                .entry(departement.to_string())
                .or_default()
                .entry(*pairs)
                .or_default() += 1;
        }
        (Publication::of(&plain), Ventilation::of(&per_pairs))
    }

    /// A cell as the pairs it holds in each département of the map.
    type Cell = BTreeMap<&'static str, Pairs>;

    /// Every published cell of the map: unfiltered, and per canal, per activité and per pair
    /// where broken down.
    fn published_cells(conseillers: &Conseillers) -> Vec<(String, Cell)> {
        let (plain, ventilation) = ventilation_of(conseillers);
        let all: BTreeSet<&'static str> = conseillers.iter().map(|(d, _)| *d).collect();
        let all: Vec<&'static str> = all.into_iter().collect();
        let mut territoires = vec![Territoire::France];
        for d in &all {
            let region = territoire::departement(d).unwrap().region;
            territoires.push(Territoire::Region(region.into()));
            territoires.push(Territoire::Departement((*d).into()));
        }
        territoires.dedup();
        let mut values: Vec<(String, Pairs)> = Canal::ALL
            .iter()
            .map(|c| (c.code().to_owned(), canal_pairs(*c)))
            .collect();
        values.extend(
            Activite::ALL
                .iter()
                .map(|a| (a.code().to_owned(), activite_pairs(*a))),
        );
        // A filtered answer breaks its records down by the other filter ("canal : à domicile"
        // counts its ateliers and their time): every pair is published with it.
        for c in Canal::ALL {
            for a in Activite::ALL {
                values.push((format!("{} {}", c.code(), a.code()), pair_bit(*c, *a)));
            }
        }
        let mut cells = Vec::new();
        for t in territoires {
            let cover = cover(&t, &all);
            let cell = |pairs: Pairs| -> Cell { cover.iter().map(|d| (*d, pairs)).collect() };
            if plain.is_published(&t) {
                cells.push((t.code(), cell(all_pairs())));
            }
            if ventilation.is_published(&t) {
                for (value, pairs) in &values {
                    cells.push((format!("{} {value}", t.code()), cell(*pairs)));
                }
            }
        }
        cells.sort();
        cells.dedup();
        cells
    }

    fn inside(small: &Cell, big: &Cell) -> bool {
        small
            .iter()
            .all(|(d, p)| big.get(d).is_some_and(|b| p & !b == 0))
    }

    /// Whether two cells share no record. Not only when their pairs differ: a filtered answer
    /// counts its records per canal and per activité, so whoever reads "canal : à distance"
    /// and "activité : atelier" knows when no record is both, and can subtract both.
    fn disjoint(conseillers: &Conseillers, a: &Cell, b: &Cell) -> bool {
        a.iter().all(|(d, p)| {
            let both = b.get(d).map_or(0, |q| p & q);
            conseillers
                .iter()
                .all(|(e, pairs)| e != d || pairs & both == 0)
        })
    }

    /// The conseillers with a record in what is left.
    fn contributors(conseillers: &Conseillers, left: &Cell) -> u32 {
        conseillers
            .iter()
            .filter(|(d, pairs)| left.get(d).is_some_and(|l| l & pairs != 0))
            .count() as u32
    }

    /// From every published cell, random sets of published cells inside it that share no
    /// record taken away (`choices` decides which): what is left holds 0 or at least 5
    /// conseillers.
    fn check_filtered_differences(
        conseillers: &Conseillers,
        choices: &[u8],
    ) -> Result<(), TestCaseError> {
        let cells = published_cells(conseillers);
        let mut choice = choices.iter().cycle();
        for (name, cell) in &cells {
            prop_assert!(safe(contributors(conseillers, cell)), "{name} alone");
            let pieces: Vec<&(String, Cell)> = cells
                .iter()
                .filter(|(_, c)| c != cell && inside(c, cell))
                .collect();
            for _ in 0..40 {
                let mut left = cell.clone();
                let mut taken = Vec::new();
                let start = *choice.next().unwrap() as usize;
                for i in 0..pieces.len() {
                    let (piece_name, piece) = pieces[(start + i) % pieces.len()];
                    if choice.next().unwrap().is_multiple_of(2)
                        && disjoint(conseillers, piece, &taken_cells(&taken))
                    {
                        for (d, p) in piece {
                            *left.get_mut(d).unwrap() &= !p;
                        }
                        taken.push((piece_name.clone(), piece.clone()));
                    }
                }
                let n = contributors(conseillers, &left);
                prop_assert!(
                    safe(n),
                    "{name} minus {:?} leaves {n} conseillers",
                    taken.iter().map(|(n, _)| n).collect::<Vec<_>>()
                );
            }
        }
        Ok(())
    }

    /// The union of the cells taken.
    fn taken_cells(taken: &[(String, Cell)]) -> Cell {
        let mut union = Cell::new();
        for (_, cell) in taken {
            for (d, p) in cell {
                *union.entry(d).or_default() |= p;
            }
        }
        union
    }

    #[test]
    fn a_canal_filter_cannot_isolate_the_one_conseiller_who_works_on_site() {
        // domain.md's case: ten conseillers in the Hérault, nine of them only at a distance.
        let distance = pair_bit(Canal::Distance, Activite::Individuel);
        let on_site = pair_bit(Canal::Rattachement, Activite::Individuel);
        let mut conseillers: Conseillers = vec![("34", distance); 9];
        conseillers.push(("34", on_site));
        let (plain, ventilation) = ventilation_of(&conseillers);
        assert!(plain.is_published(&Territoire::Departement("34".into())));
        assert!(!ventilation.is_published(&Territoire::Departement("34".into())));
        assert!(!ventilation.is_published(&Territoire::France));
        // With five working on site, every filter of the Hérault can be published.
        let mut conseillers: Conseillers = vec![("34", distance); 5];
        conseillers.extend(vec![("34", on_site); 5]);
        let (_, ventilation) = ventilation_of(&conseillers);
        assert!(ventilation.is_published(&Territoire::Departement("34".into())));
        assert!(ventilation.is_published(&Territoire::France));
        // Zero at a distance is fine, one ponctuel is not ("activité : individuel" would
        // leave them).
        let mut conseillers: Conseillers = vec![("34", on_site); 6];
        conseillers.push(("34", pair_bit(Canal::Rattachement, Activite::Ponctuel)));
        let (_, ventilation) = ventilation_of(&conseillers);
        assert!(!ventilation.is_published(&Territoire::Departement("34".into())));
    }

    /// A month over a few départements of two régions and one overseas département: 0 to 8
    /// conseillers each, most using one or two pairs.
    fn a_filtered_month() -> impl Strategy<Value = (Conseillers, Vec<u8>)> {
        let departements: [&'static str; 6] = ["15", "38", "69", "29", "35", "974"];
        let one = prop_oneof![
            3 => (0u16..12).prop_map(|b| 1u16 << b),
            2 => (0u16..12, 0u16..12).prop_map(|(a, b)| (1u16 << a) | (1u16 << b)),
            1 => 1u16..(1 << 12),
        ];
        let per_departement = proptest::collection::vec(one, 0..9);
        (
            proptest::collection::vec(per_departement, departements.len()),
            proptest::collection::vec(any::<u8>(), 64),
        )
            .prop_map(move |(per, choices)| {
                let conseillers = departements
                    .iter()
                    .zip(per)
                    .flat_map(|(d, all)| all.into_iter().map(move |p| (*d, p)))
                    .collect();
                (conseillers, choices)
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

        #[test]
        fn no_difference_of_filtered_cells_isolates_fewer_than_five(
            (conseillers, choices) in a_filtered_month()
        ) {
            check_filtered_differences(&conseillers, &choices)?;
        }
    }
}
