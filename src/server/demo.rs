//! `conum demo`: fills an empty database with realistic data — conseillers spread over the
//! départements in proportion to their population, two years of records each with plausible
//! mixes (activities, ages, statuts, themes, durations; fewer in August and at weekends) —
//! and a demonstration account with a year of records, whose login is printed at the end.
//!
//! `conum demo --conseillers 4000 --par-conseiller 500` writes the programme's real size
//! (2 million records) for the benchmarks; the defaults fill a database to try Conum in a
//! minute. Records go in bulk (hundreds per statement), the national counters at the end.

use std::collections::BTreeMap;
use std::io::Write;
use std::time::Instant;

use anyhow::Context;
use chrono::{Datelike, Days, NaiveDate, Weekday};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use uuid::Uuid;

use super::stats::counters;
use super::store::bulk::{self, Value};
use super::store::records::{record_row, ChildRows, COLUMNS_WRITTEN};
use super::{accounts::passwords, store::communes, structures, Config, Db};
use crate::clock;
use crate::domain::accompagnement::{AccompagnementInput, RedirectionInput, SuiviInput};
use crate::domain::referentiel::CommuneOfficielle;
use crate::domain::territoire;
use crate::domain::{Accompagnement, CommuneInput};

/// What to generate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    pub conseillers: usize,
    pub par_conseiller: usize,
    /// The demonstration account's email.
    pub compte: String,
    /// Its records, over the last year.
    pub accompagnements_compte: usize,
    pub graine: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            conseillers: 60,
            par_conseiller: 250,
            compte: "demo@conum.local".to_owned(),
            accompagnements_compte: 400,
            graine: 2026,
        }
    }
}

const USAGE: &str = "conum demo [--conseillers N] [--par-conseiller N] [--compte EMAIL] \
     [--accompagnements-compte N] [--graine N]";

const HELP: &str =
    "Remplit une base vide (DATABASE_URL, SQLite par défaut) de données de démonstration : \
un compte de démonstration avec un an d'accompagnements, et d'autres conseillers répartis \
dans les départements selon leur population, avec deux ans d'accompagnements chacun.

Usage : conum demo [--conseillers N] [--par-conseiller N] [--compte EMAIL] \
[--accompagnements-compte N] [--graine N]

  --conseillers N              conseillers en plus du compte de démonstration (60)
  --par-conseiller N           accompagnements de chacun sur deux ans (250)
  --compte EMAIL               adresse du compte de démonstration (demo@conum.local)
  --accompagnements-compte N   accompagnements du compte de démonstration sur un an (400)
  --graine N                   graine du tirage : mêmes options, mêmes données (2026)

Taille nationale : conum demo --conseillers 4000 --par-conseiller 500";

impl Options {
    pub fn parse(args: &[String]) -> anyhow::Result<Options> {
        let mut options = Options::default();
        let mut args = args.iter();
        while let Some(flag) = args.next() {
            let mut value = || {
                args.next()
                    .with_context(|| format!("{flag} attend une valeur ({USAGE})"))
            };
            match flag.as_str() {
                "--conseillers" => options.conseillers = value()?.parse()?,
                "--par-conseiller" => options.par_conseiller = value()?.parse()?,
                "--compte" => options.compte = value()?.clone(),
                "--accompagnements-compte" => options.accompagnements_compte = value()?.parse()?,
                "--graine" => options.graine = value()?.parse()?,
                other => anyhow::bail!("option inconnue {other} : {USAGE}"),
            }
        }
        Ok(options)
    }
}

/// `conum demo …`: reads `DATABASE_URL` like the server, fills the database, prints the login.
pub fn run(args: &[String]) -> anyhow::Result<()> {
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!("{HELP}");
        return Ok(());
    }
    let options = Options::parse(args)?;
    let config = Config::from_env()?;
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(async move {
            let db = Db::connect(&config.database_url).await?;
            let password = fill(&db, &options).await?;
            println!(
                "Compte de démonstration : {} — mot de passe : {password}",
                options.compte
            );
            Ok(())
        })
}

/// One conseiller being generated.
struct Generated {
    id: String,
    departement: &'static str,
    commune: &'static CommuneOfficielle,
    others: Vec<&'static CommuneOfficielle>,
}

/// Prints progress on one line, at most twice a second.
struct Progress {
    what: &'static str,
    total: usize,
    done: usize,
    started: Instant,
    shown: Instant,
}

impl Progress {
    fn new(what: &'static str, total: usize) -> Progress {
        Progress {
            what,
            total,
            done: 0,
            started: Instant::now(),
            shown: Instant::now(),
        }
    }

    fn add(&mut self, n: usize) {
        self.done += n;
        if self.shown.elapsed().as_millis() >= 500 || self.done >= self.total {
            self.shown = Instant::now();
            let rate = self.done as f64 / self.started.elapsed().as_secs_f64().max(0.001);
            eprint!(
                "\r  {} : {} / {} ({} %), {:.0} par seconde   ",
                self.what,
                self.done,
                self.total,
                self.done * 100 / self.total.max(1),
                rate
            );
            let _ = std::io::stderr().flush();
            if self.done >= self.total {
                eprintln!();
            }
        }
    }
}

/// Fills `db` (which must hold no conseiller); the demonstration account's password.
pub async fn fill(db: &Db, options: &Options) -> anyhow::Result<String> {
    let existing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM conseillers")
        .fetch_one(&db.pool)
        .await?;
    anyhow::ensure!(
        existing == 0,
        "la base contient déjà {existing} conseiller(s) : la démonstration remplit une base vide"
    );
    let mut rng = StdRng::seed_from_u64(options.graine);
    let today = clock::today_in_paris();
    let now = clock::to_db(clock::now());
    let verified_at = clock::now().timestamp();
    let password = Uuid::new_v4().simple().to_string()[..16].to_owned();
    let demo_hash = passwords::hash(password.clone())
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    // The other conseillers cannot log in: a hash of a password nobody knows.
    let nobody_hash = passwords::hash(Uuid::new_v4().to_string())
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;

    // Conseillers, spread over the départements in proportion to their population.
    let departements: Vec<&territoire::Departement> = territoire::departements()
        .iter()
        .filter(|d| !communes::of_departement(d.code).is_empty())
        .collect();
    let population: u64 = departements.iter().map(|d| u64::from(d.population)).sum();
    let mut conseillers = Vec::with_capacity(options.conseillers + 1);
    let lyon = communes::of_departement("69");
    conseillers.push(generated(
        Uuid::now_v7().to_string(),
        "69",
        lyon,
        &mut rng,
        Some("69123"),
    ));
    for _ in 0..options.conseillers {
        let mut pick = rng.gen_range(0..population.max(1));
        let departement = departements
            .iter()
            .find(|d| {
                let inside = pick < u64::from(d.population);
                pick = pick.saturating_sub(u64::from(d.population));
                inside
            })
            .unwrap_or(&departements[0]);
        let communes = communes::of_departement(departement.code);
        conseillers.push(generated(
            Uuid::now_v7().to_string(),
            departement.code,
            communes,
            &mut rng,
            None,
        ));
    }
    let mut progress = Progress::new("conseillers", conseillers.len());
    let mut tx = db.pool.begin().await?;
    for (i, chunk) in conseillers.chunks(200).enumerate() {
        let mut rows = Vec::new();
        for (j, c) in chunk.iter().enumerate() {
            let demo = i == 0 && j == 0;
            let prenom = *PRENOMS.choose(&mut rng).expect("names");
            let nom = *NOMS.choose(&mut rng).expect("names");
            let email = if demo {
                options.compte.clone()
            } else {
                format!("conseiller{}@demo.conum.local", i * 200 + j)
            };
            let structure = format!(
                "{} de {}",
                STRUCTURES.choose(&mut rng).expect("kinds"),
                c.commune.nom
            );
            let code_postal = c.commune.codes_postaux.first().cloned().unwrap_or_default();
            rows.push(vec![
                c.id.clone().into(),
                email.into(),
                if demo {
                    demo_hash.clone()
                } else {
                    nobody_hash.clone()
                }
                .into(),
                prenom.to_owned().into(),
                nom.to_owned().into(),
                structure.into(),
                c.commune.insee.clone().into(),
                c.commune.nom.clone().into(),
                code_postal.into(),
                c.departement.to_owned().into(),
                now.clone().into(),
                // Verified conseillers, invited by the programme: they count in the pooled
                // figures whatever the sign-up mode.
                Value::Int(verified_at),
                Value::Int(verified_at),
                Value::Int(1),
            ]);
        }
        bulk::insert(
            &mut tx,
            "conseillers (id, email, password_hash, prenom, nom, structure, commune_insee, commune_nom, commune_code_postal, departement, created_at, adresse_confirmee_le, invite_le, comptabilise)",
            rows,
        )
        .await?;
        progress.add(chunk.len());
    }
    tx.commit().await?;

    // Records: two years for everyone, the last year for the demonstration account.
    let total = options.conseillers * options.par_conseiller + options.accompagnements_compte;
    let mut progress = Progress::new("accompagnements", total);
    let mut bulk = counters::Bulk::default();
    for (n, c) in conseillers.iter().enumerate() {
        let (count, span) = if n == 0 {
            (options.accompagnements_compte, 365)
        } else {
            (options.par_conseiller, 730)
        };
        let records: Vec<Accompagnement> = (0..count)
            .map(|_| record(c, today, span, &mut rng))
            .collect();
        for chunk in records.chunks(300) {
            insert_records(db, &c.id, chunk, &now).await?;
            progress.add(chunk.len());
        }
        // Each conseiller's own counters as soon as their records are in.
        let mut conn = db.pool.acquire().await?;
        bulk.conseiller(&mut conn, &c.id, Some(c.departement), &records)
            .await?;
    }

    // The national counters, for every département and day.
    let mut conn = db.pool.acquire().await?;
    bulk.finish(&mut conn).await?;
    drop(conn);

    // Everyone's structure (colleagues of a commune often share one), the demonstration
    // account coordinating its own.
    structures::attach_unattached(db).await?;
    let own: String = sqlx::query_scalar(
        "SELECT structure_id FROM rattachements WHERE conseiller_id = $1 AND fin IS NULL",
    )
    .bind(&conseillers[0].id)
    .fetch_one(&db.pool)
    .await?;
    structures::set_coordinator(db, &options.compte, &own, true)
        .await
        .map_err(anyhow::Error::msg)?;
    Ok(password)
}

fn generated(
    id: String,
    departement: &'static str,
    communes: Vec<&'static CommuneOfficielle>,
    rng: &mut StdRng,
    insee: Option<&str>,
) -> Generated {
    // Conseillers work in towns more often than in hamlets.
    let commune = insee
        .and_then(|code| communes.iter().find(|c| c.insee == code).copied())
        .unwrap_or_else(|| {
            *communes
                .choose_weighted(rng, |c| u32::from(c.taille()).pow(3))
                .expect("a département with communes")
        });
    let others = communes.choose_multiple(rng, 5).copied().collect();
    Generated {
        id,
        departement,
        commune,
        others,
    }
}

/// When a record of `date` was saved: that evening, or `now` for today's.
fn saved_at(date: chrono::NaiveDate, now: &str) -> String {
    let evening = format!("{date}T17:00:00.000000Z");
    if evening.as_str() < now {
        evening
    } else {
        now.to_owned()
    }
}

async fn insert_records(
    db: &Db,
    owner: &str,
    records: &[Accompagnement],
    now: &str,
) -> anyhow::Result<()> {
    let mut tx = db.pool.begin().await?;
    let mut main = Vec::new();
    let mut lists = ChildRows::default();
    for r in records {
        // Written on the evening of its day, as a conseiller does (never later than now): a
        // year of records is not a year's worth saved today (the daily quota).
        let saved = saved_at(r.date(), now);
        main.push(record_row(owner, r, &saved, &saved));
        lists.add(r);
    }
    bulk::insert(
        &mut tx,
        &format!("accompagnements ({COLUMNS_WRITTEN})"),
        main,
    )
    .await?;
    lists.insert(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

/// Picks among `(value, weight)`.
fn weighted<T: Copy>(rng: &mut StdRng, choices: &[(T, u32)]) -> T {
    choices
        .choose_weighted(rng, |(_, w)| *w)
        .expect("weights")
        .0
}

/// A day of the last `span` days: fewer in August, at Christmas and at weekends.
fn working_day(today: NaiveDate, span: u64, rng: &mut StdRng) -> NaiveDate {
    loop {
        let day = today - Days::new(rng.gen_range(0..span));
        let chance = match (day.month(), day.weekday()) {
            (_, Weekday::Sun) => 0.03,
            (_, Weekday::Sat) => 0.25,
            (8, _) => 0.35,
            (12, _) if day.day() >= 22 => 0.3,
            (7, _) => 0.8,
            _ => 1.0,
        };
        if rng.gen_bool(chance) {
            return day;
        }
    }
}

/// A plausible record of `c`.
fn record(c: &Generated, today: NaiveDate, span: u64, rng: &mut StdRng) -> Accompagnement {
    let activite = weighted(
        rng,
        &[("individuel", 55), ("ponctuel", 30), ("collectif", 15)],
    );
    let participants: i64 = match activite {
        "collectif" => rng.gen_range(3..=15),
        "ponctuel" if rng.gen_bool(0.1) => 2,
        _ => 1,
    };
    let commune = if rng.gen_bool(0.85) || c.others.is_empty() {
        c.commune
    } else {
        *c.others.choose(rng).expect("communes")
    };
    let ages_weights = [
        ("moins_12", 4),
        ("de_12_a_18", 7),
        ("de_18_a_35", 17),
        ("de_35_a_60", 30),
        ("plus_60", 42),
    ];
    let mut ages: BTreeMap<String, i64> = BTreeMap::new();
    let mut statuts: BTreeMap<String, i64> = BTreeMap::new();
    // A workshop is mostly one public (a class, a group of retirees).
    let group_age = weighted(rng, &ages_weights);
    for _ in 0..participants {
        let age = if activite == "collectif" && rng.gen_bool(0.8) {
            group_age
        } else {
            weighted(rng, &ages_weights)
        };
        let statut = match age {
            "moins_12" | "de_12_a_18" => "scolarise",
            "plus_60" if rng.gen_bool(0.85) => "retraite",
            _ => weighted(
                rng,
                &[
                    ("sans_emploi", 35),
                    ("en_emploi", 30),
                    ("scolarise", 10),
                    ("retraite", 5),
                    ("non_renseigne", 20),
                ],
            ),
        };
        *ages.entry(age.to_owned()).or_default() += 1;
        *statuts.entry(statut.to_owned()).or_default() += 1;
    }
    let themes = [
        ("courriel", 16),
        ("demarche", 18),
        ("equipement", 14),
        ("smartphone", 12),
        ("internet", 10),
        ("securite", 8),
        ("fraude", 6),
        ("bureautique", 5),
        ("emploi", 6),
        ("sante", 6),
        ("budget", 5),
        ("echanger", 4),
        ("contenus", 3),
        ("vocabulaire", 3),
        ("enfant", 2),
        ("scolaire", 2),
        ("diagnostic", 2),
        ("tpe_pme", 1),
    ];
    let mut thematiques: Vec<String> = Vec::new();
    for _ in 0..weighted(rng, &[(1, 60), (2, 30), (3, 10)]) {
        let theme = weighted(rng, &themes).to_owned();
        if !thematiques.contains(&theme) {
            thematiques.push(theme);
        }
    }
    let duree_minutes = match activite {
        "collectif" => weighted(rng, &[(60, 20), (90, 30), (120, 40), (180, 10)]),
        "ponctuel" => weighted(rng, &[(15, 60), (30, 30), (45, 10)]),
        _ => weighted(
            rng,
            &[(15, 10), (30, 30), (45, 25), (60, 25), (90, 7), (120, 3)],
        ),
    };
    let mut suivi = SuiviInput::default();
    let mut redirections = Vec::new();
    if rng.gen_bool(0.15) {
        suivi.individuel = 1;
    }
    if activite == "collectif" && rng.gen_bool(0.3) {
        suivi.atelier = rng
            .gen_range(1..=participants / 2 + 1)
            .min(participants - suivi.individuel);
    }
    if suivi.individuel + suivi.atelier < participants && rng.gen_bool(0.08) {
        let structure = weighted(
            rng,
            &[
                ("caf", 20),
                ("france_travail", 18),
                ("france_services", 16),
                ("cpam", 12),
                ("ccas", 8),
                ("mairie", 8),
                ("dgfip", 6),
                ("ants", 4),
                ("autre", 8),
            ],
        );
        suivi.redirection = 1;
        redirections.push(RedirectionInput {
            structure: structure.to_owned(),
            precision: (structure == "autre").then(|| {
                (*[
                    "Secours populaire",
                    "Restos du cœur",
                    "Croix-Rouge",
                    "Emmaüs Connect",
                ]
                .choose(rng)
                .expect("names"))
                .to_owned()
            }),
            personnes: 1,
        });
    }
    let deja = match activite {
        "collectif" => rng.gen_range(0..=participants / 2),
        _ => i64::from(rng.gen_bool(0.4)),
    };
    let input = AccompagnementInput {
        id: Uuid::now_v7().to_string(),
        date: working_day(today, span, rng).to_string(),
        activite: activite.to_owned(),
        participants,
        deja_accompagnes: Some(deja.min(participants)),
        commune: CommuneInput {
            insee: commune.insee.clone(),
            nom: commune.nom.clone(),
            code_postal: commune.codes_postaux.first().cloned().unwrap_or_default(),
        },
        canal: weighted(
            rng,
            &[
                ("rattachement", 70),
                ("autre_lieu", 15),
                ("distance", 10),
                ("domicile", 5),
            ],
        )
        .to_owned(),
        ages,
        statuts,
        thematiques,
        duree_minutes,
        suivi: Some(suivi),
        redirections,
        annotation: None,
    };
    Accompagnement::from_stored(input).expect("the generator makes valid records")
}

const PRENOMS: [&str; 16] = [
    "Camille",
    "Dominique",
    "Claude",
    "Sacha",
    "Alex",
    "Nora",
    "Yanis",
    "Léa",
    "Inès",
    "Hugo",
    "Chloé",
    "Malik",
    "Sofia",
    "Louis",
    "Emma",
    "Karim",
];
const NOMS: [&str; 16] = [
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
    "Moreau", "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "Haddad",
];
const STRUCTURES: [&str; 6] = [
    "Médiathèque",
    "France Services",
    "CCAS",
    "Maison de quartier",
    "Centre social",
    "Tiers-lieu",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_options_read_the_command_line() {
        let args: Vec<String> = ["--conseillers", "4000", "--par-conseiller", "500"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let options = Options::parse(&args).unwrap();
        assert_eq!((options.conseillers, options.par_conseiller), (4000, 500));
        assert!(Options::parse(&["--inconnu".to_string()]).is_err());
    }

    #[test]
    fn generated_records_are_valid_and_avoid_august() {
        let mut rng = StdRng::seed_from_u64(1);
        let lyon = communes::of_departement("69");
        let c = generated("x".into(), "69", lyon, &mut rng, Some("69123"));
        let today = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        let records: Vec<Accompagnement> = (0..3000)
            .map(|_| record(&c, today, 730, &mut rng))
            .collect();
        let in_month = |m: u32| records.iter().filter(|r| r.date().month() == m).count();
        assert!(
            in_month(8) * 2 < in_month(10),
            "august {} october {}",
            in_month(8),
            in_month(10)
        );
        assert!(records.iter().any(|r| r.activite().code() == "collectif"));
    }
}
