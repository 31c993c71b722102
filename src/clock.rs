//! The programme's clock, one for the crate: dates are French dates (Europe/Paris),
//! timestamps are UTC. The tz database (`chrono-tz`, only Europe/Paris is linked into the
//! phone's wasm) answers on both sides: the browser's `Intl` made a phone with the CPU 4×
//! slower spend ~60 ms building its first formatter while the form hydrated.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};

pub fn now() -> DateTime<Utc> {
    if cfg!(target_arch = "wasm32") {
        // No system clock in wasm32-unknown-unknown: the browser's.
        DateTime::from_timestamp_millis(js_sys::Date::now() as i64).unwrap_or_default()
    } else {
        Utc::now()
    }
}

/// Today in Europe/Paris: a record made at 00:30 in Paris on the 2nd is dated the 2nd,
/// although it is still the 1st in UTC.
pub fn today_in_paris() -> NaiveDate {
    date_in_paris(now())
}

/// The day it was in Europe/Paris at that moment.
pub fn date_in_paris(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&chrono_tz::Europe::Paris).date_naive()
}

/// The stored form of a timestamp: RFC 3339, UTC, microseconds, so text order is time order.
pub fn to_db(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

pub fn from_db(text: &str) -> Result<DateTime<Utc>, String> {
    crate::domain::dates::parse_timestamp(text)
        .ok_or_else(|| format!("horodatage illisible : « {text} »"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_timestamps_read_back_and_sort_as_text() {
        let earlier = from_db("2026-11-02T09:00:00.000001Z").unwrap();
        let later = from_db("2026-11-02T10:00:00.000000Z").unwrap();
        assert!(to_db(earlier) < to_db(later));
        assert_eq!(from_db(&to_db(earlier)), Ok(earlier));
    }
}
