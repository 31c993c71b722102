//! The programme's clock, one for the crate: dates are French dates (Europe/Paris),
//! timestamps are UTC. On the server the tz database answers; in the browser, `Intl` does
//! (no tz data shipped to phones).

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};

pub fn now() -> DateTime<Utc> {
    Utc::now()
}

/// Today in Europe/Paris: a record made at 00:30 in Paris on the 2nd is dated the 2nd,
/// although it is still the 1st in UTC.
pub fn today_in_paris() -> NaiveDate {
    if cfg!(target_arch = "wasm32") {
        let options = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&options, &"timeZone".into(), &"Europe/Paris".into());
        // The en-CA locale writes dates as AAAA-MM-JJ.
        let text: String = js_sys::Date::new_0()
            .to_locale_date_string("en-CA", &options)
            .into();
        NaiveDate::parse_from_str(&text, "%Y-%m-%d").unwrap_or_else(|_| now().date_naive())
    } else {
        now().with_timezone(&chrono_tz::Europe::Paris).date_naive()
    }
}

/// The stored form of a timestamp: RFC 3339, UTC, microseconds, so text order is time order.
pub fn to_db(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

pub fn from_db(text: &str) -> Result<DateTime<Utc>, chrono::ParseError> {
    Ok(DateTime::parse_from_rfc3339(text)?.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_timestamps_read_back_and_sort_as_text() {
        let earlier = from_db("2026-11-02T09:00:00.000001Z").unwrap();
        let later = from_db("2026-11-02T10:00:00.000000Z").unwrap();
        assert!(to_db(earlier) < to_db(later));
        assert_eq!(from_db(&to_db(earlier)).unwrap(), earlier);
    }
}
