//! Today's date for the programme (Europe/Paris), wherever the code runs.

use chrono::NaiveDate;

/// On the server the tz database answers; in the browser, `Intl` does (no tz data shipped).
pub fn today_in_paris() -> NaiveDate {
    #[cfg(feature = "server")]
    {
        crate::server::clock::today_in_paris()
    }
    #[cfg(all(feature = "web", not(feature = "server")))]
    {
        let options = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&options, &"timeZone".into(), &"Europe/Paris".into());
        // The en-CA locale writes dates as AAAA-MM-JJ.
        let text: String = js_sys::Date::new_0()
            .to_locale_date_string("en-CA", &options)
            .into();
        NaiveDate::parse_from_str(&text, "%Y-%m-%d")
            .unwrap_or_else(|_| chrono::Local::now().date_naive())
    }
    #[cfg(not(any(feature = "server", feature = "web")))]
    {
        chrono::Local::now().date_naive()
    }
}
