//! The date a new record starts with: the "Jour de saisie".

use dioxus::prelude::*;

use crate::clock::today_in_paris;
use crate::domain::{Accompagnement, AccompagnementInput};

/// The day records are entered for, when the conseiller chose another than today, with the
/// day it was chosen on: it stays for the next records (catching up yesterday's five sessions
/// takes one choice) until changed, or until the app runs on another day than the one it was
/// chosen on.
static JOUR_DE_SAISIE: GlobalSignal<Option<(String, chrono::NaiveDate)>> = Signal::global(|| None);

/// The date a new record starts with: the chosen day of entry, else today.
pub fn jour_de_saisie() -> String {
    let today = today_in_paris();
    match JOUR_DE_SAISIE.peek().clone() {
        Some((day, chosen_on)) if chosen_on == today => day,
        _ => today.to_string(),
    }
}

/// Keeps `day` as the day of entry of the next records (today: none kept).
pub fn choose_jour_de_saisie(day: &str) {
    let today = today_in_paris();
    *JOUR_DE_SAISIE.write() = (day != today.to_string()).then(|| (day.to_owned(), today));
}

/// A copy of `record` to save again as a new accompaniment: new id, today.
pub fn copy_for_today(record: &Accompagnement) -> AccompagnementInput {
    AccompagnementInput {
        id: String::new(),
        date: today_in_paris().to_string(),
        ..record.clone().into()
    }
}
