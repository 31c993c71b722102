//! `conum admin`: the programme's side, from the server's command line (reads
//! `DATABASE_URL`, and `PUBLIC_URL`, `SMTP_URL`/`MAIL_DIR` for the links and mails, like the
//! server): invite addresses one by one or from the programme's CSV list, list the pending
//! invitations and the accounts, deactivate, reactivate, export or delete an account; review
//! the structures d'accueil, merge duplicates, name their coordinators.

use std::collections::HashMap;

use anyhow::{bail, Context};
use chrono::{DateTime, Utc};

use super::accounts::invitations::{self, Invited, Invitee};
use super::{
    accounts, accounts::standing, stats::exports, store::communes, structures, AppState, Config,
};
use crate::clock;
use crate::domain::conseiller::normalize_email;
use crate::domain::ConseillerId;

const HELP: &str = "Le côté programme de Conum, en ligne de commande (DATABASE_URL, PUBLIC_URL, \
SMTP_URL ou MAIL_DIR comme le serveur).

Usage :
  conum admin inviter EMAIL [--prenom P] [--nom N] [--structure S] [--commune CODE_INSEE|NOM]
  conum admin inviter --csv FICHIER     liste du programme : colonnes email, prenom, nom,
                                        structure, commune (séparateur ; ou ,)
  conum admin invitations               invitations en attente
  conum admin comptes                   comptes, et s'ils comptent dans les chiffres mis en commun
  conum admin desactiver EMAIL          plus de connexion ; ses comptes rendus quittent les
                                        chiffres mis en commun ; ses données restent
  conum admin reactiver EMAIL
  conum admin donnees EMAIL             ses données (RGPD), en JSON sur la sortie standard
  conum admin supprimer EMAIL           supprime le compte et tous ses comptes rendus
  conum admin structures                structures d'accueil, celles à vérifier d'abord (venues
                                        du texte des profils)
  conum admin structure ID [--nom N] [--siret S]
                                        corrige et marque vérifiée
  conum admin fusionner ID_DOUBLON ID   la première rejoint la seconde (conseillers, coordinateurs)
  conum admin coordinateur EMAIL ID     le compte coordonne la structure (une adresse sans
                                        compte : dès l'ouverture de son compte)
  conum admin retirer-coordinateur EMAIL ID";

/// `conum admin …`.
pub fn run(args: &[String]) -> anyhow::Result<()> {
    if args.is_empty() || args.iter().any(|a| a == "--help" || a == "-h") {
        println!("{HELP}");
        return Ok(());
    }
    let config = Config::from_env()?;
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(async move {
            let origin = config
                .public_url
                .clone()
                .unwrap_or_else(|| format!("http://localhost:{}", config.port));
            let app = AppState::open(config, origin).await?;
            command(&app, args).await
        })
}

async fn command(app: &AppState, args: &[String]) -> anyhow::Result<()> {
    let rest = &args[1..];
    match args[0].as_str() {
        "inviter" => match rest {
            [flag, file] if flag == "--csv" => invite_list(app, file).await,
            [email, options @ ..] => {
                let invitee = invitee(email, &options_of(options)?)?;
                let done = invitations::invite(app, &invitee).await?;
                println!("{}", said(&invitee.email, &done));
                Ok(())
            }
            [] => bail!("conum admin inviter EMAIL, ou --csv FICHIER"),
        },
        "invitations" => {
            let pending = invitations::pending(&app.db.pool).await?;
            if pending.is_empty() {
                println!("Aucune invitation en attente.");
            }
            let now = clock::now().timestamp();
            for p in pending {
                let state = if p.expires_at <= now {
                    "expirée"
                } else {
                    "en attente"
                };
                println!(
                    "{}\t{} {}\tinvitée le {}\t{state} (jusqu'au {})",
                    p.email,
                    p.prenom,
                    p.nom,
                    day(p.created_at),
                    day(p.expires_at)
                );
            }
            Ok(())
        }
        "comptes" => list_accounts(app).await,
        "desactiver" => set_deactivated(app, one_email(rest)?, true).await,
        "reactiver" => set_deactivated(app, one_email(rest)?, false).await,
        "donnees" => {
            let id = account(app, one_email(rest)?).await?;
            let body = exports::personal_data_json_of(app, &id).await?;
            let mut pieces = body.into_data_stream();
            let mut out = std::io::stdout().lock();
            while let Some(piece) = futures_util::StreamExt::next(&mut pieces).await {
                std::io::Write::write_all(&mut out, &piece?)?;
            }
            Ok(())
        }
        "supprimer" => {
            let email = normalize_email(one_email(rest)?);
            let id = account(app, &email).await?;
            accounts::delete_with_records(app, &id).await?;
            println!("{email} : compte supprimé, avec tous ses comptes rendus.");
            Ok(())
        }
        "structures" => {
            let all = structures::for_review(&app.db).await?;
            if all.is_empty() {
                println!("Aucune structure.");
            }
            for s in all {
                println!(
                    "{}\t{}\t{}\tSIRET {}\t{} conseiller(s), {} coordinateur(s){}",
                    s.info.id,
                    s.info.nom,
                    s.info.commune,
                    s.info.siret.as_deref().unwrap_or("—"),
                    s.conseillers,
                    s.coordinateurs,
                    if s.a_verifier { "\tà vérifier" } else { "" }
                );
            }
            Ok(())
        }
        "structure" => match rest {
            [id, options @ ..] => {
                let options = options_of(options)?;
                let unknown: Vec<_> = options
                    .keys()
                    .filter(|k| !["nom", "siret"].contains(&k.as_str()))
                    .collect();
                if !unknown.is_empty() {
                    bail!("options possibles : --nom, --siret");
                }
                structures::review(
                    &app.db,
                    id,
                    options.get("nom").map(String::as_str),
                    options.get("siret").map(String::as_str),
                )
                .await
                .map_err(anyhow::Error::msg)?;
                println!("{id} : structure vérifiée.");
                Ok(())
            }
            [] => bail!("conum admin structure ID [--nom N] [--siret S]"),
        },
        "fusionner" => match rest {
            [from, into] => {
                structures::merge(&app.db, from, into)
                    .await
                    .map_err(anyhow::Error::msg)?;
                println!("{from} fusionnée dans {into}.");
                Ok(())
            }
            _ => bail!("conum admin fusionner ID_DOUBLON ID"),
        },
        "coordinateur" | "retirer-coordinateur" => match rest {
            [email, id] => {
                let add = args[0] == "coordinateur";
                let named = structures::set_coordinator(&app.db, email, id, add)
                    .await
                    .map_err(anyhow::Error::msg)?;
                match (add, named) {
                    (true, structures::Named::Done) => {
                        println!("{email} coordonne désormais la structure {id}.")
                    }
                    (true, structures::Named::Pending) => println!(
                        "{email} n'a pas encore de compte : elle coordonnera la structure {id} dès l'ouverture de son compte (invitez-la : conum admin inviter {email})."
                    ),
                    (false, _) => println!("{email} ne coordonne plus la structure {id}."),
                }
                Ok(())
            }
            _ => bail!("conum admin {} EMAIL ID_STRUCTURE", args[0]),
        },
        other => bail!("commande inconnue {other:?} : conum admin --help"),
    }
}

fn said(email: &str, done: &Invited) -> String {
    match done {
        Invited::LinkSent => format!("{email} : invitation envoyée."),
        Invited::AccountInvited { confirmation_sent: true } => format!(
            "{email} : a déjà un compte, désormais invité ; un lien pour confirmer son adresse lui a été envoyé."
        ),
        Invited::AccountInvited { confirmation_sent: false } => {
            format!("{email} : a déjà un compte, désormais invité.")
        }
    }
}

fn one_email(rest: &[String]) -> anyhow::Result<&str> {
    match rest {
        [email] => Ok(email),
        _ => bail!("une adresse e-mail attendue"),
    }
}

fn options_of(options: &[String]) -> anyhow::Result<HashMap<String, String>> {
    let mut map = HashMap::new();
    let mut options = options.iter();
    while let Some(flag) = options.next() {
        let name = match flag.as_str() {
            "--prenom" | "--nom" | "--structure" | "--commune" | "--siret" => &flag[2..],
            other => bail!("option inconnue {other} : conum admin --help"),
        };
        let value = options
            .next()
            .with_context(|| format!("{flag} attend une valeur"))?;
        map.insert(name.to_owned(), value.clone());
    }
    Ok(map)
}

/// An invitee from the list's fields (email, prenom, nom, structure, commune).
fn invitee(email: &str, fields: &HashMap<String, String>) -> anyhow::Result<Invitee> {
    let email = normalize_email(email);
    let well_formed = email
        .split_once('@')
        .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'))
        && !email.contains(char::is_whitespace)
        && email.len() <= 254;
    if !well_formed {
        bail!("« {email} » n'est pas une adresse e-mail");
    }
    let field = |name: &str| {
        fields
            .get(name)
            .map(|v| v.trim().to_owned())
            .unwrap_or_default()
    };
    let commune = match field("commune") {
        text if text.is_empty() => None,
        text => Some(communes::named(&text).map_err(anyhow::Error::msg)?),
    };
    Ok(Invitee {
        email,
        prenom: field("prenom"),
        nom: field("nom"),
        structure: field("structure"),
        commune,
    })
}

/// Invites every line of the programme's CSV list; a faulty line is reported and skipped.
async fn invite_list(app: &AppState, file: &str) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(file).with_context(|| format!("lecture de {file}"))?;
    let text = text.trim_start_matches('\u{feff}');
    let header = text.lines().next().unwrap_or_default();
    let delimiter = if header.contains(';') { b';' } else { b',' };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(text.as_bytes());
    let columns: Vec<String> = reader
        .headers()?
        .iter()
        .map(|h| crate::domain::referentiel::search_key(h).replace(' ', ""))
        .collect();
    let Some(email_column) = columns
        .iter()
        .position(|c| c == "email" || c == "mail" || c == "courriel")
    else {
        bail!("{file} : pas de colonne « email » dans l'en-tête ({header})");
    };
    let (mut sent, mut known, mut refused) = (0, 0, 0);
    for (n, row) in reader.records().enumerate() {
        let line = n + 2;
        let row = match row {
            Ok(row) => row,
            Err(error) => {
                refused += 1;
                eprintln!("ligne {line} : illisible ({error})");
                continue;
            }
        };
        let fields: HashMap<String, String> = columns
            .iter()
            .zip(row.iter())
            .map(|(c, v)| (c.clone(), v.to_owned()))
            .collect();
        let email = row.get(email_column).unwrap_or_default();
        let result = match invitee(email, &fields) {
            Ok(invitee) => invitations::invite(app, &invitee)
                .await
                .map_err(anyhow::Error::from),
            Err(error) => Err(error),
        };
        match result {
            Ok(done) => {
                match done {
                    Invited::LinkSent => sent += 1,
                    Invited::AccountInvited { .. } => known += 1,
                }
                println!("{}", said(&normalize_email(email), &done));
            }
            Err(error) => {
                refused += 1;
                eprintln!("ligne {line} : {error}");
            }
        }
    }
    println!(
        "{sent} invitation(s) envoyée(s), {known} compte(s) existant(s) désormais invité(s), {refused} ligne(s) refusée(s)."
    );
    if refused > 0 {
        bail!("{refused} ligne(s) de {file} à corriger");
    }
    Ok(())
}

async fn account(app: &AppState, email: &str) -> anyhow::Result<ConseillerId> {
    let email = normalize_email(email);
    sqlx::query_scalar("SELECT id FROM conseillers WHERE email = $1")
        .bind(&email)
        .fetch_optional(&app.db.pool)
        .await?
        .with_context(|| format!("aucun compte avec l'adresse {email}"))
}

async fn set_deactivated(app: &AppState, email: &str, deactivated: bool) -> anyhow::Result<()> {
    let email = normalize_email(email);
    let id = account(app, &email).await?;
    let mut tx = app.db.write().await?;
    sqlx::query("UPDATE conseillers SET desactive_le = $2 WHERE id = $1")
        .bind(&id)
        .bind(deactivated.then(|| clock::now().timestamp()))
        .execute(&mut *tx)
        .await?;
    if deactivated {
        for table in ["sessions", "password_resets", "confirmations"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE conseiller_id = $1"))
                .bind(&id)
                .execute(&mut *tx)
                .await?;
        }
    }
    standing::settle(&mut tx, &app.config.admission, &id).await?;
    tx.commit().await?;
    if deactivated {
        println!("{email} : compte désactivé (plus de connexion ; ses comptes rendus ne comptent plus dans les chiffres mis en commun ; ses données sont gardées).");
    } else {
        println!("{email} : compte réactivé.");
    }
    Ok(())
}

async fn list_accounts(app: &AppState) -> anyhow::Result<()> {
    let sql = format!(
        "SELECT id, email, prenom, nom, departement, {} FROM conseillers ORDER BY email",
        standing::COLUMNS
    );
    /// email, prénom, nom, département, and the standing's columns.
    type Row = (
        String,
        String,
        String,
        String,
        String,
        Option<i64>,
        Option<i64>,
        Option<i64>,
    );
    let rows: Vec<Row> = sqlx::query_as(&sql).fetch_all(&app.db.pool).await?;
    for (_, email, prenom, nom, departement, confirmed, invited, deactivated) in rows {
        let standing = standing::from_columns(confirmed, invited, deactivated);
        let state = match app.config.admission.mutualisation(&email, standing) {
            crate::domain::admission::Mutualisation::Comptee => "compte dans les chiffres",
            crate::domain::admission::Mutualisation::AdresseAConfirmer => "adresse à confirmer",
            crate::domain::admission::Mutualisation::NonAdmise => "ni invité ni d'un domaine admis",
            crate::domain::admission::Mutualisation::Desactivee => "désactivé",
        };
        println!("{email}\t{prenom} {nom}\t{departement}\t{state}");
    }
    Ok(())
}

/// "03/12/2026".
fn day(timestamp: i64) -> String {
    DateTime::<Utc>::from_timestamp(timestamp, 0)
        .map(|d| {
            d.with_timezone(&chrono_tz::Europe::Paris)
                .format("%d/%m/%Y")
                .to_string()
        })
        .unwrap_or_default()
}
