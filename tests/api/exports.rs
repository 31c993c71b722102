//! CSV exports and workbooks, parsed back as a spreadsheet would.

use reqwest::StatusCode;

use crate::helpers::*;
use crate::on_both_databases;

async fn download(device: &Device, what: &str, query: &str) -> reqwest::Response {
    download_as(device, &format!("/api/exports/{what}.csv{query}")).await
}

async fn download_as(device: &Device, path: &str) -> reqwest::Response {
    device
        .http
        .get(format!("{}{path}", device.address))
        .send()
        .await
        .unwrap()
}

/// The CSV and the workbook of `path` (without its extension) and `query`, both answered.
async fn csv_and_workbook(device: &Device, path: &str, query: &str) -> (Vec<Vec<String>>, Vec<u8>) {
    let csv = download_as(device, &format!("{path}.csv{query}")).await;
    assert_eq!(csv.status(), StatusCode::OK, "{path}.csv");
    let xlsx = download_as(device, &format!("{path}.xlsx{query}")).await;
    assert_eq!(xlsx.status(), StatusCode::OK, "{path}.xlsx");
    assert_eq!(
        xlsx.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let disposition = xlsx.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        disposition.starts_with("attachment; filename=\"conum_")
            && disposition.ends_with(".xlsx\""),
        "{disposition}"
    );
    (
        csv_rows(&csv.text().await.unwrap()),
        xlsx.bytes().await.unwrap().to_vec(),
    )
}

/// A records' sheet (its heading row first) as the CSV writes it.
fn records_sheet_as_csv(rows: &[Vec<calamine::Data>]) -> Vec<Vec<String>> {
    let header: Vec<String> = rows[0].iter().map(|c| cell_as_csv_text(c, "")).collect();
    let mut table = vec![header.clone()];
    for row in &rows[1..] {
        table.push(
            row.iter()
                .zip(&header)
                .map(|(c, h)| cell_as_csv_text(c, h))
                .collect(),
        );
    }
    table
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
        let table = csv_rows(&response.text().await.unwrap());
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
        let table = csv_rows(&response.text().await.unwrap());
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

    async fn the_records_workbook_holds_the_csv_values_in_typed_cells(app) {
        let device = app.conseiller("camille@exemple.fr").await;
        device.create(&full_record()).await;
        let mut formula = record_on("2026-01-20");
        formula["annotation"] = serde_json::json!("=HYPERLINK(\"http://x\")");
        device.create(&formula).await;
        device.create(&record_on("2026-11-02")).await;
        app.conseiller("dominique@exemple.fr").await.create(&record_on("2026-01-21")).await;

        let (csv, xlsx) = csv_and_workbook(&device, "/api/exports/accompagnements", "?du=2026-01-01&au=2026-01-31").await;

        let sheets = workbook_sheets(&xlsx);
        assert_eq!(sheets.len(), 1);
        assert_eq!(sheets[0].0, "Accompagnements");
        assert_eq!(frozen_rows(&xlsx, 1), 1, "the heading row stays in view");
        assert_eq!(csv.len(), 3, "a header and January's two records of camille");
        assert_eq!(records_sheet_as_csv(&sheets[0].1), csv);
        // Typed, not text that looks like a value: a spreadsheet sums and sorts them.
        let rows = &sheets[0].1;
        let column = |name: &str| rows[0].iter().position(|h| *h == *name).unwrap();
        assert!(matches!(rows[1][column("Date")], calamine::Data::DateTime(_)));
        assert!(matches!(rows[1][column("Créé le")], calamine::Data::DateTime(_)));
        assert!(matches!(rows[1][column("Participants")], calamine::Data::Float(_)));
        assert!(matches!(rows[1][column("Durée (minutes)")], calamine::Data::Float(_)));
        // A code keeps its leading zero and letters: text.
        assert!(matches!(rows[1][column("Code INSEE")], calamine::Data::String(_)));
        // A formula-looking annotation is text in the workbook (never a formula), and inert
        // in the CSV.
        let annotations: Vec<_> = rows[1..].iter().map(|r| r[column("Annotation")].to_string()).collect();
        assert!(annotations.contains(&"=HYPERLINK(\"http://x\")".to_owned()), "{annotations:?}");
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(xlsx.clone())).unwrap();
        let mut sheet = String::new();
        std::io::Read::read_to_string(&mut zip.by_name("xl/worksheets/sheet1.xml").unwrap(), &mut sheet).unwrap();
        assert!(!sheet.contains("<f>"), "no formula in the sheet");
    }

    async fn the_statistics_workbook_has_a_sheet_per_section_with_the_csv_values(app) {
        let device = app.conseiller("camille@exemple.fr").await;
        device.create(&full_record()).await;
        let mut individual = record_on("2026-01-20");
        individual["duree_minutes"] = serde_json::json!(45);
        device.create(&individual).await;

        let (csv, xlsx) = csv_and_workbook(&device, "/api/exports/statistiques", "?du=2026-01-01&au=2026-02-28").await;

        let names: Vec<String> = workbook_sheets(&xlsx).into_iter().map(|(name, _)| name).collect();
        assert_eq!(names[0], "Chiffres clés");
        for title in ["Thèmes des accompagnements", "Lieux des accompagnements", "Réorientations"] {
            assert!(names.iter().any(|n| n == title), "no sheet {title} in {names:?}");
        }
        assert!(names.iter().all(|n| n.chars().count() <= 31), "{names:?}");
        assert_eq!(stats_workbook_as_csv(&xlsx), csv);
        // The shares are percentages a spreadsheet computes with (66 % is 0.66).
        let key = &workbook_sheets(&xlsx)[0].1;
        let suivi = key.iter().find(|r| r[0] == *"Usagers avec suivi").unwrap();
        assert_eq!(suivi[1], calamine::Data::Float(6.0));
        assert_eq!(suivi[2], calamine::Data::Float(0.66));
    }

    async fn the_personal_data_workbook_has_the_profile_then_every_record(app) {
        let device = app.conseiller("camille@exemple.fr").await;
        device.create(&full_record()).await;
        device.create(&record_on("2026-11-02")).await;
        app.conseiller("dominique@exemple.fr").await.create(&record_on("2026-11-03")).await;

        let (csv, xlsx) = csv_and_workbook(&device, "/api/moi/donnees", "").await;

        let sheets = workbook_sheets(&xlsx);
        let names: Vec<&str> = sheets.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(names, ["Mon profil", "Accompagnements"]);
        // The CSV: the profile (a title row and 9 rows), an empty row (which a reader skips),
        // the records.
        let profile: Vec<Vec<String>> = sheets[0].1.iter().map(|r| r.iter().map(|c| cell_as_csv_text(c, "")).collect()).collect();
        assert_eq!(profile, csv[..10]);
        assert!(profile.contains(&vec!["Adresse e-mail".to_owned(), "camille@exemple.fr".to_owned()]));
        assert_eq!(records_sheet_as_csv(&sheets[1].1), csv[10..]);
        assert_eq!(sheets[1].1.len(), 3, "a header and camille's two records");
        assert_eq!(frozen_rows(&xlsx, 2), 1);
    }

    async fn a_workbook_of_thousands_of_records_is_whole(app) {
        app.restart_with_env(&[("RECORDS_PER_DAY", "2000")]).await;
        let device = app.conseiller("camille@exemple.fr").await;
        // More than two pages of the export (500 records each).
        let records: Vec<_> = (0..1_203).map(|n| {
            let mut record = record_on(&format!("2026-03-{:02}", 1 + n % 28));
            record["id"] = serde_json::json!(uuid::Uuid::now_v7().to_string());
            record
        }).collect();
        for batch in records.chunks(32) {
            let answers = futures_util::future::join_all(batch.iter().map(|record| device.create(record))).await;
            assert!(answers.iter().all(|a| a.status().is_success()));
        }

        let (csv, xlsx) = csv_and_workbook(&device, "/api/exports/accompagnements", "?du=2026-03-01&au=2026-03-31").await;

        assert_eq!(csv.len(), 1_204);
        assert_eq!(records_sheet_as_csv(&workbook_sheets(&xlsx)[0].1), csv);
    }

    async fn exports_need_a_session_and_a_period_in_order(app) {
        let device = app.conseiller("camille@exemple.fr").await;

        for extension in ["csv", "xlsx"] {
            let anonymous = download_as(&app.device(), &format!("/api/exports/accompagnements.{extension}?du=2026-01-01&au=2026-01-31")).await;
            let anonymous_data = download_as(&app.device(), &format!("/api/moi/donnees.{extension}")).await;
            let reversed = download_as(&device, &format!("/api/exports/statistiques.{extension}?du=2026-02-01&au=2026-01-01")).await;
            let reversed_records = download_as(&device, &format!("/api/exports/accompagnements.{extension}?du=2026-02-01&au=2026-01-01")).await;

            assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED, "{extension}");
            assert_eq!(anonymous_data.status(), StatusCode::UNAUTHORIZED, "{extension}");
            assert!(field_message(reversed, "au").await.contains("postérieure"), "{extension}");
            assert!(field_message(reversed_records, "au").await.contains("postérieure"), "{extension}");
        }
    }
}
