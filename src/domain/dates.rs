//! Dates as Conum's people read them ("26/11/2026") and as its wire and forms write them
//! ("2026-11-26"), written out by hand: chrono's `format` and `parse_from_str` interpret a
//! pattern at run time, an interpreter of ~12 KB in every first visit's wasm for three
//! patterns. Timestamps too (RFC 3339), for the same reason.

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};

/// "26/11/2026".
pub fn courte(date: NaiveDate) -> String {
    format!("{:02}/{:02}/{}", date.day(), date.month(), date.year())
}

/// "26/11/2026 14:03", the moment in Europe/Paris.
pub fn moment(at: DateTime<Utc>) -> String {
    let paris = at.with_timezone(&chrono_tz::Europe::Paris);
    format!(
        "{} {:02}:{:02}",
        courte(paris.date_naive()),
        paris.hour(),
        paris.minute()
    )
}

/// A date written `AAAA-MM-JJ` (an `<input type="date">`, the API, the pages' addresses),
/// exactly: four digits, two, two.
pub fn parse_iso(text: &str) -> Option<NaiveDate> {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    NaiveDate::from_ymd_opt(
        i32::try_from(digits(bytes, 0..4)?).ok()?,
        digits(bytes, 5..7)?,
        digits(bytes, 8..10)?,
    )
}

/// The number written by `bytes[range]`, all of them ASCII digits (at most nine).
pub(crate) fn digits(bytes: &[u8], range: std::ops::Range<usize>) -> Option<u32> {
    let part = bytes.get(range)?;
    if part.is_empty() || part.len() > 9 {
        return None;
    }
    part.iter().try_fold(0u32, |n, b| {
        b.is_ascii_digit().then(|| n * 10 + u32::from(b - b'0'))
    })
}

/// A timestamp in RFC 3339 (`2026-12-05T09:30:00.123456Z`, or with an offset: `+01:00`),
/// read by hand: chrono's reader interprets a pattern at run time, ~12 KB of the phone's
/// first download for the records' two timestamps.
pub fn parse_timestamp(text: &str) -> Option<DateTime<Utc>> {
    let b = text.as_bytes();
    if b.len() < 20 || !matches!(b[10], b'T' | b't' | b' ') || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let date = parse_iso(text.get(..10)?)?;
    let (hour, minute, second) = (digits(b, 11..13)?, digits(b, 14..16)?, digits(b, 17..19)?);
    let mut at = 19;
    let mut nanos = 0;
    if b[at] == b'.' {
        let start = at + 1;
        at = start + b[start..].iter().take_while(|c| c.is_ascii_digit()).count();
        let kept = (at - start).min(9);
        nanos = digits(b, start..start + kept)? * 10u32.pow(9 - kept as u32);
    }
    let offset = match (b.get(at)?, b.len() - at) {
        (b'Z' | b'z', 1) => 0,
        (sign @ (b'+' | b'-'), 6) if b[at + 3] == b':' => {
            let seconds =
                i64::from(digits(b, at + 1..at + 3)? * 3600 + digits(b, at + 4..at + 6)? * 60);
            if *sign == b'-' {
                -seconds
            } else {
                seconds
            }
        }
        _ => return None,
    };
    let local = date.and_hms_nano_opt(hour, minute, second, nanos)?;
    Some(local.and_utc() - chrono::TimeDelta::seconds(offset))
}

/// `#[serde(deserialize_with)]` for timestamps: [`parse_timestamp`].
pub fn deserialize_timestamp<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<DateTime<Utc>, D::Error> {
    let text = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(deserializer)?;
    parse_timestamp(&text).ok_or_else(|| {
        serde::de::Error::invalid_value(
            serde::de::Unexpected::Str(&text),
            &"un horodatage RFC 3339",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_read_as_chrono_reads_them() {
        for text in [
            "2026-11-02T09:00:00Z",
            "2026-11-02T09:00:00.5Z",
            "2026-11-02T09:00:00.000001Z",
            "2026-11-02T09:00:00.123456789Z",
            "2026-11-02t09:00:00z",
            "2026-11-02 09:00:00+01:00",
            "2026-03-29T03:30:00.25+02:00",
            "2026-11-02T23:30:00-05:30",
        ] {
            let chrono = DateTime::parse_from_rfc3339(text)
                .unwrap()
                .with_timezone(&Utc);
            assert_eq!(parse_timestamp(text), Some(chrono), "{text}");
            assert_eq!(
                parse_timestamp(&chrono.to_rfc3339()),
                Some(chrono),
                "{text}"
            );
        }
        for wrong in [
            "",
            "2026-11-02",
            "2026-11-02T09:00Z",
            "2026-11-02T09:00:00",
            "2026-11-02T25:00:00Z",
            "2026-11-02T09:00:00.Z",
            "2026-11-02T09:00:00+0100",
            "2026-11-02T09:00:00Z ",
            "2026-11-02T09:00:00+01:00:00",
            "2026-02-30T09:00:00Z",
            "2026-11-02T09:0a:00Z",
        ] {
            assert_eq!(parse_timestamp(wrong), None, "{wrong}");
        }
    }

    #[test]
    fn dates_write_the_french_way_and_moments_in_paris_time() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 5).unwrap();
        assert_eq!(courte(d), "05/03/2026");
        // 23:30 UTC on 31 December is already New Year's Day in Paris (UTC+1 in winter)…
        let winter = DateTime::parse_from_rfc3339("2026-12-31T23:30:00Z").unwrap();
        assert_eq!(moment(winter.to_utc()), "01/01/2027 00:30");
        // …and summer time is UTC+2.
        let summer = DateTime::parse_from_rfc3339("2026-07-14T08:05:00Z").unwrap();
        assert_eq!(moment(summer.to_utc()), "14/07/2026 10:05");
    }

    #[test]
    fn iso_dates_read_exactly() {
        assert_eq!(
            parse_iso("2026-11-26"),
            NaiveDate::from_ymd_opt(2026, 11, 26)
        );
        assert_eq!(
            parse_iso("2024-02-29"),
            NaiveDate::from_ymd_opt(2024, 2, 29)
        );
        for wrong in [
            "",
            "2026-11-2",
            "2026-1-26",
            "26/11/2026",
            "2026-13-01",
            "2025-02-29",
            "2026-11-26 ",
            "+2026-11-2",
            "2026_11_26",
            "２０２６-11-26",
            "2026-11-2é",
        ] {
            assert_eq!(parse_iso(wrong), None, "{wrong}");
        }
        // What chrono writes, this reads.
        let d = NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
        assert_eq!(parse_iso(&d.to_string()), Some(d));
    }
}
