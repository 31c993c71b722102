//! CSV exports, parsed back as a spreadsheet would.

use reqwest::StatusCode;

use crate::helpers::*;
use crate::on_both_databases;

async fn download(device: &Device, what: &str, query: &str) -> reqwest::Response {
    device
        .http
        .get(format!("{}/api/exports/{what}.csv{query}", device.address))
        .send()
        .await
        .unwrap()
}

/// The rows of a `;`-separated CSV that starts with a UTF-8 BOM.
fn rows(body: &str) -> Vec<Vec<String>> {
    let without_bom = body.strip_prefix('\u{feff}').expect("starts with a BOM");
    csv::ReaderBuilder::new()
        .delimiter(b';')
        .has_headers(false)
        .flexible(true)
        .from_reader(without_bom.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

on_both_databases! {
    async fn the_records_csv_has_one_row_per_record_with_every_field(app) {
        let device = app.conseiller("camille@exemple.fr").await;
        device.create(&full_record()).await;
        device.create(&record_on("2026-11-02")).await;
        app.conseiller("dominique@exemple.fr").await.create(&record_on("2026-01-20")).await;

        let response = download(&device, "accompagnements", "?du=2026-01-01&au=2026-01-31").await;

        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()["content-type"], "text/csv; charset=utf-8");
        assert_eq!(
            response.headers()["content-disposition"],
            "attachment; filename=\"conum_accompagnements_2026-01-01_2026-01-31.csv\""
        );
        let table = rows(&response.text().await.unwrap());
        assert_eq!(table.len(), 2, "a header and the one record of January");
        let (header, row) = (&table[0], &table[1]);
        let cell = |name: &str| {
            let i = header.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name}"));
            row[i].as_str()
        };
        assert_eq!(cell("Date"), "15/01/2026");
        assert_eq!(cell("Activité"), "Atelier collectif");
        assert_eq!(cell("Participants"), "8");
        assert_eq!(cell("Dont déjà accompagnés"), "3");
        assert_eq!(cell("Commune"), "Ajaccio");
        assert_eq!(cell("Code INSEE"), "2A004");
        assert_eq!(cell("Lieu"), "Autre lieu");
        assert_eq!(cell("Âge : Moins de 12 ans"), "3");
        assert_eq!(cell("Âge : 12 - 18 ans"), "5");
        assert_eq!(cell("Statut : Scolarisé(e) ou étudiant(e)"), "8");
        assert_eq!(cell("Thématiques"), "Naviguer sur Internet, Sécuriser un équipement, protéger ses données, Prévenir les fraudes et le harcèlement");
        assert_eq!(cell("Durée (minutes)"), "90");
        assert_eq!(cell("Personnes redirigées"), "3");
        assert_eq!(cell("Redirections"), "CAF (2), Secours populaire (1)");
        assert_eq!(cell("Annotation"), "Atelier au collège");
        assert!(cell("Créé le").contains('/'));
    }

    async fn the_statistics_csv_has_sections_then_label_value_percent_rows(app) {
        let device = app.conseiller("camille@exemple.fr").await;
        device.create(&full_record()).await;
        let mut individual = record_on("2026-01-20");
        individual["duree_minutes"] = serde_json::json!(45);
        device.create(&individual).await;

        let response = download(&device, "statistiques", "?du=2026-01-01&au=2026-02-28").await;

        assert_eq!(response.status(), StatusCode::OK);
        assert!(response.headers()["content-disposition"].to_str().unwrap().contains("conum_statistiques_2026-01-01_2026-02-28.csv"));
        let table = rows(&response.text().await.unwrap());
        let find = |label: &str| table.iter().find(|r| r[0] == label).unwrap_or_else(|| panic!("no row {label}")).clone();
        assert_eq!(table[0][0], "Statistiques du 01/01/2026 au 28/02/2026");
        assert_eq!(find("Accompagnements")[1], "9");
        assert_eq!(find("Nouveaux usagers")[1], "6");
        assert_eq!(find("Ateliers")[1], "1");
        assert_eq!(find("Participants aux ateliers")[1], "8");
        assert_eq!(find("Usagers avec suivi")[1..], ["6".to_string(), "66,0".to_string()]);
        assert_eq!(find("30 min. à 1h")[1..], ["1".to_string(), "50,0".to_string()]);
        assert_eq!(find("Moins de 12 ans")[1..], ["3".to_string(), "33,3".to_string()]);
        // Both évolutions with their running totals (people, then records), and the page's
        // own section titles.
        let in_section = |title: &str, label: &str| {
            let start = table.iter().position(|r| r[0] == title).unwrap_or_else(|| panic!("no section {title}"));
            table[start..].iter().find(|r| r[0] == label).unwrap_or_else(|| panic!("no row {label} in {title}")).clone()
        };
        assert_eq!(find("Comptes rendus")[1], "2");
        assert_eq!(in_section("Évolution des accompagnements", "janv. 2026")[1..], ["9".to_string(), "9".to_string()]);
        assert_eq!(in_section("Évolution des accompagnements", "févr. 2026")[1..], ["0".to_string(), "9".to_string()]);
        assert_eq!(in_section("Évolution des comptes rendus", "janv. 2026")[1..], ["2".to_string(), "2".to_string()]);
        assert_eq!(in_section("Évolution des comptes rendus", "févr. 2026")[1..], ["0".to_string(), "2".to_string()]);
        for title in ["Thèmes des accompagnements", "Évolution des accompagnements", "Évolution des comptes rendus", "Lieux des accompagnements", "Durée des accompagnements", "Tranches d'âge des usagers", "Statut des usagers", "Réorientations", "Temps par activité"] {
            assert!(table.iter().any(|r| r[0] == title), "no section {title}");
        }
        assert_eq!(find("Mois")[1..], ["Accompagnements".to_string(), "Cumul".to_string()]);
        // Themes that do not occur are left out, as on the page.
        assert!(!table.iter().any(|r| r[0] == "Santé"));
    }

    async fn exports_need_a_session_and_a_period_in_order(app) {
        let device = app.conseiller("camille@exemple.fr").await;

        let anonymous = download(&app.device(), "accompagnements", "?du=2026-01-01&au=2026-01-31").await;
        let reversed = download(&device, "statistiques", "?du=2026-02-01&au=2026-01-01").await;

        assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
        assert!(field_message(reversed, "au").await.contains("postérieure"));
    }
}
