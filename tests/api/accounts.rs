use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::*;
use crate::on_both_databases;

fn session_cookie(response: &reqwest::Response) -> String {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("conum_session=") || c.starts_with("__Host-conum_session="))
        .expect("a session cookie")
}

on_both_databases! {
    async fn following_the_sign_up_link_opens_the_account_with_a_month_long_session(app) {
        let device = app.device();

        let response = device.sign_up(&signup_body("Camille.Martin@Exemple.fr")).await;

        assert_eq!(response.status(), StatusCode::OK);
        assert!(response.headers().get("set-cookie").is_none(), "no session before the link");
        let answer: Value = response.json().await.unwrap();
        assert_eq!(answer, json!({ "etat": "lien_envoye", "email": "camille.martin@exemple.fr" }));
        assert_eq!(app.count("SELECT COUNT(*) FROM conseillers").await, 0, "no account before the link");
        let token = app.token_mailed_to("camille.martin@exemple.fr", "/adresse/confirmer?jeton=").await;

        let response = device.confirm(&token).await;

        assert_eq!(response.status(), StatusCode::OK);
        let cookie = session_cookie(&response);
        assert!(cookie.contains("HttpOnly"), "{cookie}");
        assert!(cookie.contains("SameSite=Lax"), "{cookie}");
        assert!(cookie.contains("Path=/"), "{cookie}");
        assert!(cookie.contains("Max-Age=2592000"), "{cookie}");
        assert!(!cookie.contains("Secure"), "plain http in tests: {cookie}");
        let answer: Value = response.json().await.unwrap();
        assert_eq!(answer["etat"], "compte_ouvert");
        let profil = &answer["profil"];
        assert_eq!(profil["email"], "camille.martin@exemple.fr");
        assert_eq!(profil["mutualisation"], "comptee");
        let me: Value = device.profil().await.json().await.unwrap();
        assert_eq!(me["prenom"], "Camille");
        assert_eq!(me["commune"]["insee"], "69123");
        assert_eq!(me["departement"], "69");
        // The phone tags what it keeps with this id: the same from sign-up on, one per account.
        assert!(profil["id"].as_str().is_some_and(|id| !id.is_empty()), "{profil}");
        assert_eq!(me["id"], profil["id"]);
        let other = app.conseiller("dominique@exemple.fr").await;
        assert_ne!(other.conseiller_id().await, profil["id"].as_str().unwrap());
        // The link serves once.
        let again = app.device().confirm(&token).await;
        assert!(field_message(again, "jeton").await.contains("n'est plus valable"));
    }

    async fn an_email_has_one_account_whatever_its_case(app) {
        app.conseiller("camille@exemple.fr").await;

        let response = app.device().sign_up(&signup_body("CAMILLE@Exemple.FR")).await;

        // Answered as for any address; the owner is told by mail, nothing is made.
        assert_eq!(response.status(), StatusCode::OK);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["etat"], "lien_envoye");
        assert!(app.mailed("camille@exemple.fr", "qui a déjà un compte").await);
        assert_eq!(app.count("SELECT COUNT(*) FROM conseillers").await, 1);
        assert_eq!(app.count("SELECT COUNT(*) FROM inscriptions").await, 0);
    }

    async fn an_invalid_sign_up_names_each_faulty_field_and_creates_nothing(app) {
        let mut body = signup_body("camille@exemple.fr");
        body["password"] = json!("trop court");
        body["departement"] = json!("20");
        body["prenom"] = json!("  ");

        let response = app.device().sign_up(&body).await;

        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        let body: Value = response.json().await.unwrap();
        let fields: Vec<&str> = body["data"]["errors"].as_array().unwrap().iter()
            .map(|e| e["field"].as_str().unwrap()).collect();
        assert_eq!(fields, ["password", "prenom", "departement"]);
        assert!(body["data"]["errors"][0]["message"].as_str().unwrap().contains("12 caractères"));
        assert_eq!(app.count("SELECT COUNT(*) FROM conseillers").await, 0);
    }

    async fn logging_in_with_the_right_password_opens_a_session(app) {
        app.conseiller("camille@exemple.fr").await;
        let phone = app.device();

        let response = phone.log_in("  Camille@EXEMPLE.fr ", PASSWORD).await;

        assert_eq!(response.status(), StatusCode::OK);
        session_cookie(&response);
        assert_eq!(phone.profil().await.status(), StatusCode::OK);
    }

    async fn a_wrong_password_and_an_unknown_email_get_the_same_answer(app) {
        app.conseiller("camille@exemple.fr").await;
        let device = app.device();

        let wrong_password = device.log_in("camille@exemple.fr", "pas le bon mot de passe").await;
        let unknown_email = device.log_in("personne@exemple.fr", PASSWORD).await;

        assert_eq!(wrong_password.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(unknown_email.status(), StatusCode::UNAUTHORIZED);
        let a: Value = wrong_password.json().await.unwrap();
        let b: Value = unknown_email.json().await.unwrap();
        assert_eq!(a, b);
        assert_eq!(a["message"], "Adresse e-mail ou mot de passe incorrect.");
        assert_eq!(device.profil().await.status(), StatusCode::UNAUTHORIZED);
    }

    async fn logging_out_ends_the_session_on_that_device_only(app) {
        let laptop = app.conseiller("camille@exemple.fr").await;
        let phone = app.device();
        phone.log_in("camille@exemple.fr", PASSWORD).await;

        let response = laptop.log_out().await;

        assert_eq!(response.status(), StatusCode::OK);
        assert!(session_cookie(&response).contains("Max-Age=0"));
        assert_eq!(laptop.profil().await.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(laptop.list("").await.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(phone.profil().await.status(), StatusCode::OK);
    }

    async fn a_session_ended_on_one_server_is_refused_by_the_other_within_seconds(app) {
        use conum::server::accounts::known_sessions::TRUSTED_FOR;
        let other = app.another_instance().await;
        let device = app.conseiller("camille@exemple.fr").await;
        let cookie = device.cookie_header();
        let profil_at = |address: &str| {
            reqwest::Client::new()
                .get(format!("{address}/api/moi"))
                .header("cookie", &cookie)
                .send()
        };
        // The other server has just read the session: it trusts it a few seconds.
        assert_eq!(profil_at(&other.address).await.unwrap().status(), StatusCode::OK);

        device.log_out().await;
        let ended = std::time::Instant::now();

        assert_eq!(profil_at(&app.address).await.unwrap().status(), StatusCode::UNAUTHORIZED);
        while profil_at(&other.address).await.unwrap().status() != StatusCode::UNAUTHORIZED {
            assert!(ended.elapsed() < TRUSTED_FOR + std::time::Duration::from_secs(2), "still open");
            tokio::time::sleep(std::time::Duration::from_millis(250)).await;
        }
    }

    async fn a_logged_out_cookie_cannot_be_replayed(app) {
        let device = app.conseiller("camille@exemple.fr").await;
        let login = device.log_in("camille@exemple.fr", PASSWORD).await;
        let cookie = session_cookie(&login);
        let token = cookie.split(';').next().unwrap().to_owned();
        device.log_out().await;

        let replay = reqwest::Client::new()
            .get(format!("{}/api/moi", app.address))
            .header("cookie", token)
            .send()
            .await
            .unwrap();

        assert_eq!(replay.status(), StatusCode::UNAUTHORIZED);
    }

    async fn sessions_live_in_the_database_and_survive_a_restart(app) {
        let device = app.conseiller("camille@exemple.fr").await;
        let created = device.create(&record_on("2026-11-02")).await;
        assert_eq!(created.status(), StatusCode::OK);

        app.restart().await;
        let device = device.at(&app.address);

        assert_eq!(device.profil().await.status(), StatusCode::OK);
        assert_eq!(device.listed_ids("").await.len(), 1);
    }

    async fn the_profile_can_be_changed_but_not_its_email(app) {
        let device = app.conseiller("camille@exemple.fr").await;
        let mut change = json!({
            "prenom": "Camille", "nom": "Durand", "structure": "France Services de Vénissieux",
            "commune": { "insee": "69259", "nom": "venissieux", "code_postal": "69200" },
            "departement": "69"
        });
        change["email"] = json!("autre@exemple.fr");
        let refused = device.update_profil(&change).await;
        assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
        change.as_object_mut().unwrap().remove("email");

        let response = device.update_profil(&change).await;

        assert_eq!(response.status(), StatusCode::OK);
        let me: Value = device.profil().await.json().await.unwrap();
        assert_eq!(me["email"], "camille@exemple.fr");
        assert_eq!(me["nom"], "Durand");
        assert_eq!(me["commune"], json!({ "insee": "69259", "nom": "Vénissieux", "code_postal": "69200" }));
    }

    async fn a_profile_with_an_unknown_commune_is_refused_and_unchanged(app) {
        let device = app.conseiller("camille@exemple.fr").await;
        let before: Value = device.profil().await.json().await.unwrap();
        let mut change = signup_body("camille@exemple.fr");
        change.as_object_mut().unwrap().retain(|k, _| !["email", "password"].contains(&k.as_str()));
        change["commune"] = json!({ "insee": "69123", "nom": "Lyon", "code_postal": "75011" });
        change["nom"] = json!("Durand");

        let message = field_message(device.update_profil(&change).await, "commune").await;

        assert!(message.contains("liste officielle"));
        assert_eq!(device.profil().await.json::<Value>().await.unwrap(), before);
    }

    async fn changing_the_password_needs_the_current_one_and_logs_out_other_devices(app) {
        let laptop = app.conseiller("camille@exemple.fr").await;
        let phone = app.device();
        phone.log_in("camille@exemple.fr", PASSWORD).await;

        let wrong = laptop.change_password("pas le bon", "une toute nouvelle phrase").await;
        assert!(field_message(wrong, "actuel").await.contains("incorrect"));
        let short = laptop.change_password(PASSWORD, "court").await;
        assert!(field_message(short, "nouveau").await.contains("12 caractères"));
        assert_eq!(phone.profil().await.status(), StatusCode::OK);

        let response = laptop.change_password(PASSWORD, "une toute nouvelle phrase").await;

        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(laptop.profil().await.status(), StatusCode::OK);
        assert_eq!(phone.profil().await.status(), StatusCode::UNAUTHORIZED);
        let device = app.device();
        assert_eq!(device.log_in("camille@exemple.fr", PASSWORD).await.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(device.log_in("camille@exemple.fr", "une toute nouvelle phrase").await.status(), StatusCode::OK);
    }

    async fn a_sign_up_with_an_unknown_commune_is_refused(app) {
        let mut body = signup_body("camille@exemple.fr");
        body["commune"] = json!({ "insee": "99999", "nom": "Nulle-Part", "code_postal": "99999" });

        let message = field_message(app.device().sign_up(&body).await, "commune").await;

        assert!(message.contains("liste officielle"));
        assert_eq!(app.count("SELECT COUNT(*) FROM conseillers").await, 0);
    }

    async fn without_a_session_every_record_operation_is_refused_with_401(app) {
        let device = app.device();
        let id = new_id();

        let answers = [
            device.profil().await,
            device.create(&record_on("2026-11-02")).await,
            device.list("").await,
            device.get(&id).await,
            device.update(&id, &record_on("2026-11-02")).await,
            device.delete(&id).await,
        ];

        for answer in answers {
            assert_eq!(answer.status(), StatusCode::UNAUTHORIZED);
            let body: Value = answer.json().await.unwrap();
            assert_eq!(body["message"], "Votre session a expiré : reconnectez-vous.");
        }
        assert_eq!(app.record_rows().await, [0, 0, 0, 0]);
    }
}

#[tokio::test]
async fn the_session_cookie_is_secure_when_served_over_https() {
    let app = spawn_app_with(Backend::Sqlite, &[("PUBLIC_URL", "https://conum.example")]).await;
    let device = app.device();
    device.sign_up(&signup_body("camille@exemple.fr")).await;
    let token = app
        .token_mailed_to("camille@exemple.fr", "/adresse/confirmer?jeton=")
        .await;

    let response = device.confirm(&token).await;

    // Over https the name carries `__Host-`: the browser takes it from this very host only,
    // secure, for every path (no other site of the domain can set one in its place).
    let cookie = session_cookie(&response);
    assert!(cookie.starts_with("__Host-conum_session="), "{cookie}");
    assert!(
        cookie.contains("Secure") && cookie.contains("Path=/") && !cookie.contains("Domain"),
        "{cookie}"
    );
}
