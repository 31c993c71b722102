//! French display of dates and durations.

use chrono::{Datelike, NaiveDate, Weekday};

use crate::domain::sections::Unit;

/// "26/11/2026".
pub fn date_courte(date: NaiveDate) -> String {
    crate::domain::dates::courte(date)
}

/// "jeudi 26 novembre 2026".
pub fn date_longue(date: NaiveDate) -> String {
    let jour = match date.weekday() {
        Weekday::Mon => "lundi",
        Weekday::Tue => "mardi",
        Weekday::Wed => "mercredi",
        Weekday::Thu => "jeudi",
        Weekday::Fri => "vendredi",
        Weekday::Sat => "samedi",
        Weekday::Sun => "dimanche",
    };
    let premier = if date.day() == 1 { "er" } else { "" };
    format!(
        "{jour} {}{premier} {} {}",
        date.day(),
        crate::domain::mois::NOMS[date.month0() as usize],
        date.year()
    )
}

/// "05/12/2026 à 14:03", in Paris time.
pub fn moment(at: chrono::DateTime<chrono::Utc>) -> String {
    crate::domain::dates::moment(at).replacen(' ', " à ", 1)
}

/// "1 234": French thousands separator (a narrow no-break space).
pub fn nombre(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 * 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{202f}');
        }
        out.push(c);
    }
    out
}

/// "45 min", "1 h", "1 h 30".
pub fn duree(minutes: i64) -> String {
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m:02}"),
    }
}

/// A section's value as people read it: a time in hours and minutes ("168 h 45"), any other
/// count with its thousands apart ("1 234").
pub fn quantite(unit: Unit, value: u64) -> String {
    match unit {
        Unit::Minutes => duree(i64::try_from(value).unwrap_or(i64::MAX)),
        _ => nombre(value),
    }
}

/// The heading of a section's values in its table: "Temps" for a time written in hours.
pub fn en_tete(unit: Unit) -> &'static str {
    match unit {
        Unit::Minutes => "Temps",
        _ => unit.label(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_time_reads_in_hours_and_minutes_and_a_count_with_its_thousands_apart() {
        assert_eq!(quantite(Unit::Minutes, 10_125), "168 h 45");
        assert_eq!(quantite(Unit::Personnes, 10_125), "10\u{202f}125");
        assert_eq!(en_tete(Unit::Minutes), "Temps");
    }

    #[test]
    fn dates_read_the_french_way() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        assert_eq!(date_courte(d), "26/11/2026");
        assert_eq!(date_longue(d), "jeudi 26 novembre 2026");
        let first = NaiveDate::from_ymd_opt(2026, 8, 1).unwrap();
        assert_eq!(date_longue(first), "samedi 1er août 2026");
    }

    #[test]
    fn numbers_group_thousands() {
        assert_eq!(nombre(7), "7");
        assert_eq!(nombre(1234), "1\u{202f}234");
        assert_eq!(nombre(1234567), "1\u{202f}234\u{202f}567");
    }

    #[test]
    fn durations_read_in_hours_and_minutes() {
        assert_eq!(duree(15), "15 min");
        assert_eq!(duree(60), "1 h");
        assert_eq!(duree(90), "1 h 30");
        assert_eq!(duree(125), "2 h 05");
    }
}
