//! Who counts in the pooled figures (domain.md §2): accounts open only through a link mailed
//! to their address; only invited conseillers, or those of an allowed domain, count (all of
//! them in `ouverte` mode); the programme invites, lists and deactivates from `conum admin`.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::*;
use crate::national::{conseiller_of, national, signup_in, AURILLAC, LYON};
use crate::on_both_databases;

const INVITATION_MODE: &[(&str, &str)] = &[("SIGNUP_MODE", "invitation")];
const DOMAIN_MODE: &[(&str, &str)] = &[
    ("SIGNUP_MODE", "domaine"),
    ("SIGNUP_DOMAINS", "conseiller-numerique.fr"),
];

/// The profile's `mutualisation`: where the account stands with the pooled figures.
async fn standing(device: &Device) -> Value {
    let profil: Value = device.profil().await.json().await.unwrap();
    profil["mutualisation"].clone()
}

/// Signs up with the invitation of the mail sent to `email`.
async fn sign_up_invited(app: &TestApp, email: &str) -> (Device, reqwest::Response) {
    let token = app.token_mailed_to(email, "/inscription?invitation=").await;
    let device = app.device();
    let mut body = signup_body(email);
    body["invitation"] = json!(token);
    let response = device.sign_up(&body).await;
    (device, response)
}

on_both_databases! {
    async fn a_sign_up_answers_the_same_for_a_known_and_an_unknown_address(app) {
        app.conseiller("camille@exemple.fr").await;

        let known = app.device().sign_up(&signup_body("camille@exemple.fr")).await;
        let unknown = app.device().sign_up(&signup_body("dominique@exemple.fr")).await;

        assert_eq!(known.status(), unknown.status());
        assert!(known.headers().get("set-cookie").is_none() && unknown.headers().get("set-cookie").is_none());
        let known: Value = known.json().await.unwrap();
        let unknown: Value = unknown.json().await.unwrap();
        assert_eq!(known["etat"], unknown["etat"]);
        assert_eq!(known.as_object().unwrap().len(), unknown.as_object().unwrap().len());
        // The address's owner is told, by mail.
        assert!(app.mailed("camille@exemple.fr", "qui a déjà un compte").await);
        assert!(app.mailed("dominique@exemple.fr", "/adresse/confirmer?jeton=").await);
        // Before its link is followed, the new address has no account to log in to.
        assert_eq!(app.device().log_in("dominique@exemple.fr", PASSWORD).await.status(), StatusCode::UNAUTHORIZED);
    }

    async fn a_sign_up_link_expires_after_two_days(app) {
        app.device().sign_up(&signup_body("camille@exemple.fr")).await;
        let token = app.token_mailed_to("camille@exemple.fr", "/adresse/confirmer?jeton=").await;
        app.execute("UPDATE inscriptions SET expires_at = 1").await;

        let late = app.device().confirm(&token).await;

        assert!(field_message(late, "jeton").await.contains("n'est plus valable"));
        assert_eq!(app.count("SELECT COUNT(*) FROM conseillers").await, 0);
    }

    async fn in_invitation_mode_only_the_programme_s_invitations_open_accounts(app) {
        app.restart_with_env(INVITATION_MODE).await;
        // An empty database: a one-time link for the first account (printed at start).
        assert_eq!(app.count("SELECT COUNT(*) FROM invitations WHERE email IS NULL AND accepted_at IS NULL").await, 1);

        let refused = app.device().sign_up(&signup_body("camille@exemple.fr")).await;
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
        let refused: Value = refused.json().await.unwrap();
        assert_eq!(refused["data"]["kind"], "invitation_required");
        assert!(refused["message"].as_str().unwrap().contains("sur invitation"));

        let said = app.admin(&["inviter", "Camille@Exemple.fr", "--prenom", "Camille", "--nom", "Martin", "--structure", "Médiathèque", "--commune", "69123"]).await;
        assert!(said.contains("camille@exemple.fr : invitation envoyée."), "{said}");
        let pending = app.admin(&["invitations"]).await;
        assert!(pending.contains("camille@exemple.fr\tCamille Martin"), "{pending}");
        // The sign-up page fills the form in from the invitation.
        let token = app.token_mailed_to("camille@exemple.fr", "/inscription?invitation=").await;
        let details: Value = app.device().request(reqwest::Method::POST, "/api/invitation")
            .json(&json!({ "jeton": token })).send().await.unwrap().json().await.unwrap();
        assert_eq!(details["email"], "camille@exemple.fr");
        assert_eq!(details["commune"]["nom"], "Lyon");
        // Another address cannot use it.
        let mut other = signup_body("intrus@exemple.fr");
        other["invitation"] = json!(token);
        let message = field_message(app.device().sign_up(&other).await, "email").await;
        assert!(message.contains("camille@exemple.fr"), "{message}");

        let device = app.device();
        let mut body = signup_body("camille@exemple.fr");
        body["invitation"] = json!(token);
        let response = device.sign_up(&body).await;

        assert_eq!(response.status(), StatusCode::OK);
        let answer: Value = response.json().await.unwrap();
        assert_eq!(answer["etat"], "connecte");
        assert_eq!(answer["profil"]["mutualisation"], "comptee");
        assert_eq!(standing(&device).await, "comptee");
        assert!(!app.admin(&["invitations"]).await.contains("camille@exemple.fr"));
        // Once only.
        let again = app.device().sign_up(&body).await;
        assert!(field_message(again, "invitation").await.contains("n'est plus valable"));
        // The invitation, which names the person, goes with the account (RGPD).
        let deleted = device.request(reqwest::Method::DELETE, "/api/moi").json(&json!({ "password": PASSWORD })).send().await.unwrap();
        assert_eq!(deleted.status(), StatusCode::OK);
        assert_eq!(app.count("SELECT COUNT(*) FROM invitations WHERE email = 'camille@exemple.fr'").await, 0);
    }

    async fn the_programme_invites_from_its_csv_list_line_by_line(app) {
        app.restart_with_env(INVITATION_MODE).await;
        let list = app.mail_dir.with_extension("csv");
        std::fs::write(&list, "\u{feff}Email;Prénom;Nom;Structure;Commune\n\
            camille@exemple.fr;Camille;Martin;Médiathèque;Lyon\n\
            dominique@exemple.fr;Dominique;Petit;France Services;Villeurbanne\n\
            pas-une-adresse;X;Y;Z;Lyon\n\
            eden@exemple.fr;Eden;Roux;Mairie;Saint-Denis\n").unwrap();

        let output = app.admin_command(&["inviter", "--csv", list.to_str().unwrap()]).await;

        let printed = String::from_utf8_lossy(&output.stdout);
        let errors = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "faulty lines are reported: {printed}");
        assert!(printed.contains("2 invitation(s) envoyée(s)"), "{printed}");
        assert!(errors.contains("ligne 4") && errors.contains("pas-une-adresse"), "{errors}");
        assert!(errors.contains("ligne 5") && errors.contains("code INSEE"), "{errors}");
        let (device, response) = sign_up_invited(&app, "dominique@exemple.fr").await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(standing(&device).await, "comptee");
        std::fs::remove_file(list).unwrap();
    }

    async fn in_domain_mode_only_the_allowed_domain_or_an_invitation_counts(app) {
        app.restart_with_env(DOMAIN_MODE).await;

        let message = field_message(app.device().sign_up(&signup_body("camille@exemple.fr")).await, "email").await;
        assert!(message.contains("…@conseiller-numerique.fr"), "{message}");
        let pro = app.conseiller("camille@conseiller-numerique.fr").await;
        assert_eq!(standing(&pro).await, "comptee");

        app.admin(&["inviter", "dominique@mairie-exemple.fr"]).await;
        let (invited, response) = sign_up_invited(&app, "dominique@mairie-exemple.fr").await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(standing(&invited).await, "comptee");
    }

    async fn accounts_that_do_not_count_cannot_lift_a_territory_over_the_threshold(app) {
        // The case: one conseiller in the Cantal, four accounts of someone else's
        // making with one known record each. In an open trial they would count...
        let real = conseiller_of(&app, "vrai@conseiller-numerique.fr", AURILLAC).await;
        real.device.create(&record_on("2026-03-04")).await;
        for n in 0..4 {
            let fake = conseiller_of(&app, &format!("faux{n}@exemple.fr"), AURILLAC).await;
            fake.device.create(&record_on("2026-03-04")).await;
        }
        let (_, lifted) = national(&real.device, "departement-15", "2026-03", "2026-03").await;
        assert_eq!(lifted["stats"]["records"], 5, "ouverte: anyone counts, as the README says");

        // ...not where only the programme's conseillers count.
        app.restart_with_env(DOMAIN_MODE).await;
        let device = real.device.at(&app.address);
        for territoire in ["departement-15", "region-84", "france"] {
            let (status, answer) = national(&device, territoire, "2026-03", "2026-03").await;
            assert_eq!(status, StatusCode::OK);
            assert_eq!(answer["stats"], Value::Null, "{territoire}: {answer}");
        }
        let fake = app.device();
        fake.log_in("faux0@exemple.fr", PASSWORD).await;
        assert_eq!(standing(&fake).await, "non_admise");
    }

    async fn a_deactivated_account_cannot_log_in_leaves_the_figures_and_keeps_its_data(app) {
        let mut conseillers = Vec::new();
        for n in 0..5 {
            let c = conseiller_of(&app, &format!("c{n}@exemple.fr"), LYON).await;
            c.device.create(&record_on("2026-03-04")).await;
            conseillers.push(c);
        }
        let asker = conseillers[1].device.clone();
        let (_, before) = national(&asker, "france", "2026-03", "2026-03").await;
        assert_eq!(before["stats"]["records"], 5);

        let said = app.admin(&["desactiver", "C0@exemple.fr"]).await;
        assert!(said.contains("c0@exemple.fr : compte désactivé"), "{said}");

        // The command is another process: a server that read the session in the last seconds
        // trusts it up to `known_sessions::TRUSTED_FOR` (its months too, below): a restart here.
        app.restart().await;
        let asker = asker.at(&app.address);
        // Its session is over; its right password gets a French refusal, a wrong one the
        // usual answer.
        assert_eq!(conseillers[0].device.at(&app.address).profil().await.status(), StatusCode::UNAUTHORIZED);
        let refused = app.device().log_in("c0@exemple.fr", PASSWORD).await;
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
        let refused: Value = refused.json().await.unwrap();
        assert!(refused["message"].as_str().unwrap().contains("désactivé"), "{refused}");
        assert_eq!(app.device().log_in("c0@exemple.fr", "pas le bon mot de passe").await.status(), StatusCode::UNAUTHORIZED);
        // Its records left the pooled figures (another server, or this one once its month
        // is read again: the restart above).
        let (_, after) = national(&asker, "france", "2026-03", "2026-03").await;
        assert_eq!(after["stats"], Value::Null, "4 conseillers left: {after}");
        // Its data is kept, for the RGPD export, until the account is deleted.
        let data: Value = serde_json::from_str(&app.admin(&["donnees", "c0@exemple.fr"]).await).unwrap();
        assert_eq!(data["accompagnements"].as_array().unwrap().len(), 1);

        app.admin(&["reactiver", "c0@exemple.fr"]).await;
        assert_eq!(app.device().log_in("c0@exemple.fr", PASSWORD).await.status(), StatusCode::OK);
        app.admin(&["supprimer", "c0@exemple.fr"]).await;
        assert_eq!(app.count("SELECT COUNT(*) FROM accompagnements").await, 4);
    }

    async fn an_account_from_before_the_links_counts_once_its_address_is_confirmed(app) {
        let device = app.conseiller("camille@exemple.fr").await;
        app.execute("UPDATE conseillers SET adresse_confirmee_le = NULL").await;
        app.restart().await;
        let device = device.at(&app.address);
        assert_eq!(standing(&device).await, "adresse_a_confirmer");

        let asked = device.request(reqwest::Method::POST, "/api/moi/confirmation").send().await.unwrap();
        assert_eq!(asked.status(), StatusCode::OK);
        let token = app.token_mailed_to("camille@exemple.fr", "/adresse/confirmer?jeton=").await;
        let response = device.confirm(&token).await;

        assert_eq!(response.status(), StatusCode::OK);
        let answer: Value = response.json().await.unwrap();
        assert_eq!(answer, json!({ "etat": "adresse_confirmee", "mutualisation": "comptee" }));
        assert_eq!(standing(&device).await, "comptee");
    }

    async fn inviting_an_existing_account_makes_it_count_once_confirmed(app) {
        let device = app.conseiller_with(&signup_in("camille@exemple.fr", LYON)).await;
        app.execute("UPDATE conseillers SET adresse_confirmee_le = NULL").await;
        app.restart_with_env(INVITATION_MODE).await;
        let device = device.at(&app.address);
        assert_eq!(standing(&device).await, "non_admise");

        let said = app.admin(&["inviter", "camille@exemple.fr"]).await;

        assert!(said.contains("a déjà un compte, désormais invité ; un lien"), "{said}");
        let token = app.token_mailed_to("camille@exemple.fr", "/adresse/confirmer?jeton=").await;
        assert_eq!(device.confirm(&token).await.status(), StatusCode::OK);
        assert_eq!(standing(&device).await, "comptee");
    }
}
