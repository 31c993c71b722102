//! French display of dates and durations.

use chrono::{Datelike, NaiveDate, Weekday};

/// "26/11/2026".
pub fn date_courte(date: NaiveDate) -> String {
    date.format("%d/%m/%Y").to_string()
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

#[cfg(test)]
mod tests {
    use super::*;

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
