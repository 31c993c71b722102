//! The programme's clock: dates are French dates (Europe/Paris), timestamps are UTC.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};

pub fn now() -> DateTime<Utc> {
    Utc::now()
}

/// Today in Europe/Paris: a record made at 00:30 in Paris on the 2nd is dated the 2nd,
/// although it is still the 1st in UTC.
pub fn today_in_paris() -> NaiveDate {
    now().with_timezone(&chrono_tz::Europe::Paris).date_naive()
}

/// The stored form of a timestamp: RFC 3339, UTC, microseconds, so text order is time order.
pub fn to_db(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

pub fn from_db(text: &str) -> anyhow::Result<DateTime<Utc>> {
    Ok(DateTime::parse_from_rfc3339(text)?.with_timezone(&Utc))
}
