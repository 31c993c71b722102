//! Structures d'accueil: coordinators see their structure's conseillers and nobody else's,
//! never an annotation, and each view is logged for the conseillers it shows; read-only
//! links answer without a session until revoked or expired; the filters' figures are the
//! domain's statistics of the records they keep.

use chrono::NaiveDate;
use conum::domain::filtres::Filtres;
use conum::domain::stats::{Periode, Stats};
use conum::domain::vocabulary::{Activite, Canal};
use conum::domain::{Accompagnement, AccompagnementInput};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::*;
use crate::on_both_databases;

const YEAR: &str = "du=2026-01-01&au=2026-12-31";

fn year() -> Periode {
    Periode {
        du: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        au: NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
    }
}

fn body_of(email: &str, prenom: &str, structure: &str, commune: Value) -> Value {
    let mut body = signup_body(email);
    body["prenom"] = json!(prenom);
    body["structure"] = json!(structure);
    body["departement"] = json!(commune["insee"].as_str().unwrap()[..2].to_owned());
    body["commune"] = commune;
    body
}

fn lyon() -> Value {
    json!({ "insee": "69123", "nom": "Lyon", "code_postal": "69001" })
}

fn villeurbanne() -> Value {
    json!({ "insee": "69266", "nom": "Villeurbanne", "code_postal": "69100" })
}

async fn get(device: &Device, path: &str) -> reqwest::Response {
    device.request(Method::GET, path).send().await.unwrap()
}

async fn json_of(device: &Device, path: &str) -> Value {
    let response = get(device, path).await;
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    response.json().await.unwrap()
}

async fn structure_id_of(device: &Device) -> String {
    let mine = json_of(device, "/api/moi/structure").await;
    mine["structure"]["id"]
        .as_str()
        .expect("a structure")
        .to_owned()
}

/// The records a conseiller writes in these tests: varied places, canals and activities,
/// each with a private annotation.
fn varied_records(who: &str) -> Vec<Value> {
    let mut records = Vec::new();
    for (n, date) in [
        "2026-02-03",
        "2026-03-10",
        "2026-03-11",
        "2026-09-15",
        "2026-10-01",
    ]
    .iter()
    .enumerate()
    {
        let mut individuel = record_on(date);
        individuel["annotation"] = json!(format!("Note privée de {who} n°{n}"));
        if n % 2 == 0 {
            individuel["canal"] = json!("distance");
        }
        records.push(individuel);
        let mut atelier = full_record();
        atelier["id"] = json!(new_id());
        atelier["date"] = json!(date);
        atelier["annotation"] = json!(format!("Atelier privé de {who} n°{n}"));
        records.push(atelier);
    }
    records
}

async fn write(device: &Device, records: &[Value]) -> Vec<Accompagnement> {
    let mut written = Vec::new();
    for record in records {
        let response = device.create(record).await;
        assert_eq!(
            response.status(),
            StatusCode::OK,
            "{}",
            response.text().await.unwrap()
        );
        let input: AccompagnementInput = serde_json::from_value(record.clone()).unwrap();
        written.push(Accompagnement::from_stored(input).unwrap());
    }
    written
}

fn stats_of(records: &[&Accompagnement], periode: Periode, filtres: &Filtres) -> Stats {
    Stats::from_records(
        periode,
        records.iter().copied().filter(|r| filtres.keeps(r)),
    )
}

/// Camille and Dominique at the Médiathèque (Lyon), Sacha elsewhere (Villeurbanne), Alex
/// coordinating the Médiathèque, each with their records.
struct Team {
    camille: Device,
    dominique: Device,
    sacha: Device,
    alex: Device,
    mediatheque: String,
    ailleurs: String,
    camille_records: Vec<Accompagnement>,
    dominique_records: Vec<Accompagnement>,
}

async fn team(app: &TestApp) -> Team {
    let camille = app
        .conseiller_with(&body_of(
            "camille@exemple.fr",
            "Camille",
            "Médiathèque Jean Macé",
            lyon(),
        ))
        .await;
    // The same structure typed another way.
    let dominique = app
        .conseiller_with(&body_of(
            "dominique@exemple.fr",
            "Dominique",
            "mediatheque  jean-mace",
            lyon(),
        ))
        .await;
    let sacha = app
        .conseiller_with(&body_of(
            "sacha@exemple.fr",
            "Sacha",
            "Espace numérique",
            villeurbanne(),
        ))
        .await;
    let alex = app
        .conseiller_with(&body_of(
            "alex@exemple.fr",
            "Alex",
            "Mairie de Lyon",
            lyon(),
        ))
        .await;
    let mediatheque = structure_id_of(&camille).await;
    assert_eq!(
        structure_id_of(&dominique).await,
        mediatheque,
        "one structure per name and commune"
    );
    let ailleurs = structure_id_of(&sacha).await;
    assert_ne!(ailleurs, mediatheque);
    app.admin(&["coordinateur", "alex@exemple.fr", &mediatheque])
        .await;
    let camille_records = write(&camille, &varied_records("Camille")).await;
    let dominique_records = write(&dominique, &varied_records("Dominique")[..6]).await;
    write(&sacha, &varied_records("Sacha")).await;
    Team {
        camille,
        dominique,
        sacha,
        alex,
        mediatheque,
        ailleurs,
        camille_records,
        dominique_records,
    }
}

fn no_annotation(text: &str) {
    assert!(
        !text.contains("privée") && !text.contains("privé de"),
        "an annotation leaked: {text}"
    );
}

on_both_databases! {
    async fn a_coordinator_sees_their_structure_and_nobody_elses(app) {
        let t = team(&app).await;
        let path = format!("/api/structures/{}/statistiques?{YEAR}", t.mediatheque);

        let response = get(&t.alex, &path).await;
        assert_eq!(response.status(), StatusCode::OK);
        let text = response.text().await.unwrap();
        no_annotation(&text);
        let figures: Value = serde_json::from_str(&text).unwrap();
        let names: Vec<&str> = figures["membres"].as_array().unwrap().iter().map(|m| m["prenom"].as_str().unwrap()).collect();
        assert_eq!(names, ["Camille", "Dominique"]);
        let both: Vec<&Accompagnement> = t.camille_records.iter().chain(&t.dominique_records).collect();
        let pooled: Stats = serde_json::from_value(figures["stats"].clone()).unwrap();
        assert_eq!(pooled, stats_of(&both, year(), &Filtres::default()));
        // Per conseiller and month: Camille's March is two days of two records each.
        let camille = &figures["par_conseiller"][0];
        assert_eq!(camille[0]["prenom"], "Camille");
        let march = camille[1].as_array().unwrap().iter().find(|m| m["mois"] == "2026-03").unwrap();
        assert_eq!(march["comptes_rendus"], 4);
        assert_eq!(march["accompagnements"], 18);

        // One conseiller: their own figures, as they see them.
        let camille_id = t.camille.conseiller_id().await;
        let one: Value = json_of(&t.alex, &format!("{path}&conseiller={camille_id}")).await;
        let own: Value = json_of(&t.camille, &format!("/api/statistiques?{YEAR}")).await;
        assert_eq!(one["stats"], own);
        assert_eq!(one["filtres"], "Conseiller : Camille Martin");

        // Another structure, an unknown one, a conseiller of another structure: the same 404.
        for other in [t.ailleurs.as_str(), "n-existe-pas", "' OR 1=1 --"] {
            let response = get(&t.alex, &format!("/api/structures/{}/statistiques?{YEAR}", urlencode(other))).await;
            assert_eq!(response.status(), StatusCode::NOT_FOUND, "{other}");
            let body: Value = response.json().await.unwrap();
            assert_eq!(body["data"]["kind"], "structure_not_found");
        }
        let sacha_id = t.sacha.conseiller_id().await;
        let response = get(&t.alex, &format!("{path}&conseiller={sacha_id}")).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["data"]["kind"], "conseiller_not_found");
        // A conseiller of the structure is not its coordinator; nobody without a session.
        assert_eq!(get(&t.camille, &path).await.status(), StatusCode::NOT_FOUND);
        assert_eq!(get(&app.device(), &path).await.status(), StatusCode::UNAUTHORIZED);
        for ext in ["csv", "xlsx"] {
            let export = format!("/api/structures/{}/statistiques.{ext}?{YEAR}", t.ailleurs);
            assert_eq!(get(&t.alex, &export).await.status(), StatusCode::NOT_FOUND);
            let export = format!("/api/structures/{}/statistiques.{ext}?{YEAR}", t.mediatheque);
            assert_eq!(get(&t.camille, &export).await.status(), StatusCode::NOT_FOUND);
        }

        // Who coordinates: the conseillers see it; the coordinator sees what they coordinate.
        let mine = json_of(&t.camille, "/api/moi/structure").await;
        assert_eq!(mine["structure"]["nom"], "Médiathèque Jean Macé");
        assert_eq!(mine["coordinateurs"], json!(["Alex Martin"]));
        let theirs = json_of(&t.alex, "/api/moi/structure").await;
        assert_eq!(theirs["coordonnees"][0]["id"], json!(t.mediatheque));
        let sacha_side = json_of(&t.sacha, "/api/moi/structure").await;
        assert_eq!(sacha_side["coordinateurs"], json!([]));
    }

    async fn every_view_of_a_conseillers_figures_is_logged_for_them(app) {
        let t = team(&app).await;
        let path = format!("/api/structures/{}/statistiques?{YEAR}", t.mediatheque);
        let camille_id = t.camille.conseiller_id().await;
        json_of(&t.alex, &path).await;
        json_of(&t.alex, &format!("{path}&conseiller={camille_id}&canal=distance")).await;
        let export = get(&t.alex, &format!("/api/structures/{}/statistiques.csv?{YEAR}", t.mediatheque)).await;
        assert_eq!(export.status(), StatusCode::OK);

        let camille: Value = json_of(&t.camille, "/api/moi/consultations").await;
        let seen: Vec<&str> = camille.as_array().unwrap().iter().map(|c| c["objet"].as_str().unwrap()).collect();
        assert_eq!(seen.len(), 3, "{camille}");
        assert!(seen.contains(&"Statistiques de la structure du 01/01/2026 au 31/12/2026"), "{seen:?}");
        assert!(seen.contains(&"Statistiques de la structure du 01/01/2026 au 31/12/2026 (Conseiller : Camille Martin · Canal : À distance)"), "{seen:?}");
        assert!(seen.contains(&"Export CSV des statistiques de la structure du 01/01/2026 au 31/12/2026"), "{seen:?}");
        assert!(camille.as_array().unwrap().iter().all(|c| c["par"] == "Alex Martin" && c["structure"] == "Médiathèque Jean Macé"));
        // Dominique was not in the view of Camille alone.
        let dominique: Value = json_of(&t.dominique, "/api/moi/consultations").await;
        assert_eq!(dominique.as_array().unwrap().len(), 2);
        let sacha: Value = json_of(&t.sacha, "/api/moi/consultations").await;
        assert_eq!(sacha, json!([]));
        // A refused view logs nothing.
        get(&t.alex, &format!("/api/structures/{}/statistiques?{YEAR}", t.ailleurs)).await;
        assert_eq!(json_of(&t.sacha, "/api/moi/consultations").await, json!([]));
        assert_eq!(get(&app.device(), "/api/moi/consultations").await.status(), StatusCode::UNAUTHORIZED);
    }

    async fn a_structures_exports_hold_its_figures_per_conseiller_and_no_annotation(app) {
        let t = team(&app).await;
        let base = format!("/api/structures/{}/statistiques", t.mediatheque);
        let csv = get(&t.alex, &format!("{base}.csv?{YEAR}&activite=collectif")).await;
        assert_eq!(csv.status(), StatusCode::OK);
        let text = csv.text().await.unwrap();
        no_annotation(&text);
        let rows = csv_rows(&text);
        assert_eq!(rows[0][0], "Statistiques de Médiathèque Jean Macé (Activité : Atelier collectif) du 01/01/2026 au 31/12/2026");
        let title = rows.iter().position(|r| r[0] == "Par conseiller et par mois").expect("the per-conseiller table");
        assert_eq!(rows[title + 1], ["Conseiller", "Mois", "Comptes rendus", "Accompagnements"]);
        let camille_march = rows.iter().find(|r| r[0] == "Camille Martin" && r[1] == "2026-03").unwrap();
        assert_eq!(camille_march[2..], ["2", "16"]);
        let xlsx = get(&t.alex, &format!("{base}.xlsx?{YEAR}&activite=collectif")).await;
        assert_eq!(xlsx.status(), StatusCode::OK);
        let bytes = xlsx.bytes().await.unwrap();
        assert_eq!(stats_workbook_as_csv(&bytes), rows, "the workbook holds the CSV's values");
    }

    async fn a_conseiller_counts_for_a_structure_only_while_attached_to_it(app) {
        let t = team(&app).await;
        let camille_id = t.camille.conseiller_id().await;
        // Camille moves to another structure; her attachment to the Médiathèque ended on 30/06.
        let profil = json!({
            "prenom": "Camille", "nom": "Martin", "structure": "Centre social Bonnefoi",
            "commune": lyon(), "departement": "69"
        });
        let response = t.camille.update_profil(&profil).await;
        assert_eq!(response.status(), StatusCode::OK);
        let centre = structure_id_of(&t.camille).await;
        assert_ne!(centre, t.mediatheque);
        let mine = json_of(&t.camille, "/api/moi/structure").await;
        assert_eq!(mine["depuis"], conum::clock::today_in_paris().to_string(), "a move: her records stay the Médiathèque's");
        app.execute(&format!("UPDATE rattachements SET fin = '2026-06-30' WHERE conseiller_id = '{camille_id}' AND structure_id = '{}'", t.mediatheque)).await;
        app.execute(&format!("UPDATE rattachements SET debut = '2026-07-01' WHERE conseiller_id = '{camille_id}' AND structure_id = '{centre}'")).await;

        let figures = json_of(&t.alex, &format!("/api/structures/{}/statistiques?{YEAR}", t.mediatheque)).await;
        let first_half = Periode { du: year().du, au: NaiveDate::from_ymd_opt(2026, 6, 30).unwrap() };
        let camille_then: Vec<&Accompagnement> = t.camille_records.iter().filter(|r| first_half.contains(r.date())).collect();
        let expected: Vec<&Accompagnement> = camille_then.into_iter().chain(&t.dominique_records).collect();
        let pooled: Stats = serde_json::from_value(figures["stats"].clone()).unwrap();
        assert_eq!(pooled, stats_of(&expected, year(), &Filtres::default()));
        // After she left, she is not the Médiathèque's.
        let autumn = json_of(&t.alex, &format!("/api/structures/{}/statistiques?du=2026-09-01&au=2026-10-31", t.mediatheque)).await;
        let names: Vec<&str> = autumn["membres"].as_array().unwrap().iter().map(|m| m["prenom"].as_str().unwrap()).collect();
        assert_eq!(names, ["Dominique"]);
        let response = get(&t.alex, &format!("/api/structures/{}/statistiques?du=2026-09-01&au=2026-10-31&conseiller={camille_id}", t.mediatheque)).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
    }

    async fn the_filters_figures_are_the_domains_statistics_of_the_records_kept(app) {
        let t = team(&app).await;
        let filters = [
            ("canal=distance", Filtres { canal: Some(Canal::Distance), ..Filtres::default() }),
            ("activite=collectif", Filtres { activite: Some(Activite::Collectif), ..Filtres::default() }),
            ("commune=75111", Filtres { commune: Some("75111".into()), ..Filtres::default() }),
            ("commune=75111&canal=rattachement&activite=individuel", Filtres { commune: Some("75111".into()), canal: Some(Canal::Rattachement), activite: Some(Activite::Individuel) }),
            ("commune=2A004&canal=distance", Filtres { commune: Some("2A004".into()), canal: Some(Canal::Distance), ..Filtres::default() }),
        ];
        let camille: Vec<&Accompagnement> = t.camille_records.iter().collect();
        let both: Vec<&Accompagnement> = t.camille_records.iter().chain(&t.dominique_records).collect();
        for (query, filtres) in &filters {
            let own: Stats = serde_json::from_value(json_of(&t.camille, &format!("/api/statistiques?{YEAR}&{query}")).await).unwrap();
            assert_eq!(own, stats_of(&camille, year(), filtres), "{query}");
            let team = json_of(&t.alex, &format!("/api/structures/{}/statistiques?{YEAR}&{query}", t.mediatheque)).await;
            let pooled: Stats = serde_json::from_value(team["stats"].clone()).unwrap();
            assert_eq!(pooled, stats_of(&both, year(), filtres), "{query}");
            // The records' export keeps the same records.
            let csv = get(&t.camille, &format!("/api/exports/accompagnements.csv?{YEAR}&{query}")).await.text().await.unwrap();
            assert_eq!(csv_rows(&csv).len() - 1, stats_of(&camille, year(), filtres).records as usize, "{query}");
        }
        // The heading of the statistics' export states the filters.
        let csv = get(&t.camille, &format!("/api/exports/statistiques.csv?{YEAR}&canal=distance&commune=75111")).await.text().await.unwrap();
        assert_eq!(csv_rows(&csv)[0][0], "Statistiques (Commune : Paris 11e Arrondissement · Canal : À distance) du 01/01/2026 au 31/12/2026");

        // Bad filters: a French message, nothing else.
        for (query, field, message) in [
            ("canal=partout", "canal", "Le canal du filtre est inconnu."),
            ("activite=sieste", "activite", "L'activité du filtre est inconnue."),
            ("commune=Lyon", "commune", "La commune du filtre est inconnue."),
            ("commune=99999", "commune", "La commune du filtre est inconnue."),
        ] {
            let response = get(&t.camille, &format!("/api/statistiques?{YEAR}&{query}")).await;
            assert_eq!(field_message(response, field).await, message, "{query}");
            let response = get(&t.alex, &format!("/api/structures/{}/statistiques?{YEAR}&{query}", t.mediatheque)).await;
            assert_eq!(field_message(response, field).await, message, "{query}");
        }
    }

    async fn a_read_only_link_shows_figures_without_a_session_until_revoked_or_expired(app) {
        let t = team(&app).await;
        let made = t.camille.request(Method::POST, "/api/liens")
            .json(&json!({ "du": "2026-01-01", "au": "2026-12-31", "canal": "distance" }))
            .send().await.unwrap();
        assert_eq!(made.status(), StatusCode::OK);
        let made: Value = made.json().await.unwrap();
        let token = made["jeton"].as_str().unwrap().to_owned();
        let expires = chrono::DateTime::parse_from_rfc3339(made["expire_le"].as_str().unwrap()).unwrap();
        let months = (expires.date_naive() - chrono::Utc::now().date_naive()).num_days();
        assert!((89..=92).contains(&months), "three months by default: {months} days");

        // A stranger's browser, no cookie.
        let stranger = app.device();
        let response = get(&stranger, &format!("/api/partage/{token}")).await;
        assert_eq!(response.status(), StatusCode::OK);
        let text = response.text().await.unwrap();
        no_annotation(&text);
        let shared: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(shared["titre"], "Camille Martin — Médiathèque Jean Macé");
        assert_eq!(shared["filtres"], "Canal : À distance");
        let camille: Vec<&Accompagnement> = t.camille_records.iter().collect();
        let distance = Filtres { canal: Some(Canal::Distance), ..Filtres::default() };
        let stats: Stats = serde_json::from_value(shared["stats"].clone()).unwrap();
        assert_eq!(stats, stats_of(&camille, year(), &distance));

        // Links are their author's: listed, revoked by them only.
        let listed: Value = json_of(&t.camille, "/api/liens").await;
        let id = listed[0]["id"].as_str().unwrap().to_owned();
        assert_eq!(listed[0]["titre"], "Mes statistiques");
        assert!(!listed.to_string().contains(&token), "the token is shown once only");
        assert_eq!(json_of(&t.dominique, "/api/liens").await, json!([]));
        let response = t.dominique.request(Method::DELETE, &format!("/api/liens/{id}")).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        assert_eq!(get(&stranger, &format!("/api/partage/{token}")).await.status(), StatusCode::OK);
        let response = t.camille.request(Method::DELETE, &format!("/api/liens/{id}")).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let response = get(&stranger, &format!("/api/partage/{token}")).await;
        assert_eq!(response.status(), StatusCode::GONE);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["data"]["kind"], "link_expired");
        assert!(body["message"].as_str().unwrap().contains("Ce lien a expiré ou a été révoqué"), "{body}");
        assert_eq!(json_of(&t.camille, "/api/liens").await[0]["revoque"], true);

        // Unknown and expired tokens: the same answer.
        for token in ["0000", &"a".repeat(64), &"b".repeat(5000)] {
            assert_eq!(get(&stranger, &format!("/api/partage/{token}")).await.status(), StatusCode::GONE);
        }
        let made: Value = t.camille.request(Method::POST, "/api/liens").json(&json!({ "duree_mois": 1 })).send().await.unwrap().json().await.unwrap();
        let short = made["jeton"].as_str().unwrap();
        assert_eq!(get(&stranger, &format!("/api/partage/{short}")).await.status(), StatusCode::OK);
        app.execute("UPDATE liens_partages SET expires_at = 1000 WHERE revoked_at IS NULL").await;
        assert_eq!(get(&stranger, &format!("/api/partage/{short}")).await.status(), StatusCode::GONE);

        // The programme deactivates an account: its links show nothing more.
        let made: Value = t.dominique.request(Method::POST, "/api/liens").json(&json!({})).send().await.unwrap().json().await.unwrap();
        let theirs = made["jeton"].as_str().unwrap();
        assert_eq!(get(&stranger, &format!("/api/partage/{theirs}")).await.status(), StatusCode::OK);
        app.admin(&["desactiver", "dominique@exemple.fr"]).await;
        assert_eq!(get(&stranger, &format!("/api/partage/{theirs}")).await.status(), StatusCode::GONE);

        // Bad input: a French message, no link.
        let before = app.count("SELECT COUNT(*) FROM liens_partages").await;
        let response = t.camille.request(Method::POST, "/api/liens").json(&json!({ "duree_mois": 2 })).send().await.unwrap();
        assert_eq!(field_message(response, "duree_mois").await, "Choisissez une durée de 1, 3, 6 ou 12 mois.");
        let response = t.camille.request(Method::POST, "/api/liens").json(&json!({ "canal": "partout" })).send().await.unwrap();
        assert_eq!(field_message(response, "canal").await, "Le canal du filtre est inconnu.");
        assert_eq!(app.count("SELECT COUNT(*) FROM liens_partages").await, before);
        let response = app.device().request(Method::POST, "/api/liens").json(&json!({})).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }

    async fn a_coordinator_shares_their_structures_figures_only(app) {
        let t = team(&app).await;
        let new_link = |body: Value| {
            let alex = t.alex.clone();
            async move { alex.request(Method::POST, "/api/liens").json(&body).send().await.unwrap() }
        };
        let response = new_link(json!({ "structure": t.mediatheque, "du": "2026-01-01", "au": "2026-12-31", "duree_mois": 12 })).await;
        assert_eq!(response.status(), StatusCode::OK);
        let token = response.json::<Value>().await.unwrap()["jeton"].as_str().unwrap().to_owned();
        let shared = json_of(&app.device(), &format!("/api/partage/{token}")).await;
        assert_eq!(shared["titre"], "Médiathèque Jean Macé");
        no_annotation(&shared.to_string());
        let both: Vec<&Accompagnement> = t.camille_records.iter().chain(&t.dominique_records).collect();
        let stats: Stats = serde_json::from_value(shared["stats"].clone()).unwrap();
        assert_eq!(stats, stats_of(&both, year(), &Filtres::default()));
        // Making it was a view of the conseillers' figures.
        let log: Value = json_of(&t.camille, "/api/moi/consultations").await;
        assert!(log[0]["objet"].as_str().unwrap().starts_with("Lien de consultation créé"), "{log}");

        // Another structure, a conseiller of another one, a conseiller's link to a structure.
        let sacha_id = t.sacha.conseiller_id().await;
        let before = app.count("SELECT COUNT(*) FROM liens_partages").await;
        assert_eq!(new_link(json!({ "structure": t.ailleurs })).await.status(), StatusCode::NOT_FOUND);
        assert_eq!(new_link(json!({ "structure": t.mediatheque, "conseiller": sacha_id })).await.status(), StatusCode::NOT_FOUND);
        assert_eq!(new_link(json!({ "conseiller": sacha_id })).await.status(), StatusCode::NOT_FOUND);
        let response = t.camille.request(Method::POST, "/api/liens").json(&json!({ "structure": t.mediatheque })).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        assert_eq!(app.count("SELECT COUNT(*) FROM liens_partages").await, before);

        // No longer its coordinator: the link shows nothing more.
        app.admin(&["retirer-coordinateur", "alex@exemple.fr", &t.mediatheque]).await;
        assert_eq!(get(&app.device(), &format!("/api/partage/{token}")).await.status(), StatusCode::GONE);
        assert_eq!(get(&t.alex, &format!("/api/structures/{}/statistiques?{YEAR}", t.mediatheque)).await.status(), StatusCode::NOT_FOUND);
    }

    async fn the_profiles_free_text_becomes_structures_for_the_programme_to_review(app) {
        let camille = app.conseiller_with(&body_of("camille@exemple.fr", "Camille", "Médiathèque Jean Macé", lyon())).await;
        app.conseiller_with(&body_of("dominique@exemple.fr", "Dominique", "MEDIATHEQUE JEAN MACE", lyon())).await;
        app.conseiller_with(&body_of("sacha@exemple.fr", "Sacha", "Médiathèque Jean Macé", villeurbanne())).await;
        camille.create(&record_on("2026-02-03")).await;
        // As before structures existed: only the profiles' text.
        app.execute("DELETE FROM rattachements").await;
        app.execute("DELETE FROM structures").await;
        app.restart().await;
        let camille = camille.at(&app.address);

        let listed = app.admin(&["structures"]).await;
        let lines: Vec<&str> = listed.lines().collect();
        assert_eq!(lines.len(), 2, "one per name and commune: {listed}");
        assert!(lines.iter().all(|l| l.ends_with("à vérifier")), "{listed}");
        let lyon_line = lines.iter().find(|l| l.contains("Lyon (69001)")).unwrap();
        assert!(lyon_line.contains("2 conseiller(s)"), "{lyon_line}");
        let mine = json_of(&camille, "/api/moi/structure").await;
        assert_eq!(mine["depuis"], Value::Null, "their first structure: no first day known");
        let id = mine["structure"]["id"].as_str().unwrap().to_owned();

        // The programme corrects it; a bad SIRET is refused in French.
        let refused = app.admin_command(&["structure", &id, "--siret", "123"]).await;
        assert!(!refused.status.success());
        assert!(String::from_utf8_lossy(&refused.stderr).contains("Le SIRET compte 14 chiffres."));
        app.admin(&["structure", &id, "--nom", "Médiathèque Jean-Macé", "--siret", "130 025 265 00013"]).await;
        let mine = json_of(&camille, "/api/moi/structure").await;
        assert_eq!(mine["structure"]["nom"], "Médiathèque Jean-Macé");
        assert_eq!(mine["structure"]["siret"], "13002526500013");
        let profil: Value = camille.profil().await.json().await.unwrap();
        assert_eq!(profil["structure"], "Médiathèque Jean-Macé");
        assert!(!app.admin(&["structures"]).await.lines().any(|l| l.starts_with(&id) && l.ends_with("à vérifier")));

        // Two structures that are one: merged, their conseillers together.
        let other = app.admin(&["structures"]).await.lines().find(|l| l.contains("Villeurbanne")).unwrap().split('\t').next().unwrap().to_owned();
        app.admin(&["fusionner", &other, &id]).await;
        let listed = app.admin(&["structures"]).await;
        assert_eq!(listed.lines().count(), 1, "{listed}");
        assert!(listed.contains("3 conseiller(s)"), "{listed}");
        let unknown = app.admin_command(&["coordinateur", "camille@exemple.fr", "n-existe-pas"]).await;
        assert!(!unknown.status.success());

        // A coordinator named before they have an account coordinates once it opens.
        let pending = app.admin(&["coordinateur", "Claude@Exemple.fr", &id]).await;
        assert!(pending.contains("n'a pas encore de compte"), "{pending}");
        let claude = app.conseiller_with(&body_of("claude@exemple.fr", "Claude", "Mairie de Lyon", lyon())).await;
        let theirs = json_of(&claude, "/api/moi/structure").await;
        assert_eq!(theirs["coordonnees"][0]["id"], json!(id));
        assert_eq!(json_of(&camille, "/api/moi/structure").await["coordinateurs"], json!(["Claude Martin"]));
    }
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b'-' {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
