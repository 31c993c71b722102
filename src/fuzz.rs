//! The fuzz target of what the server parses from the open internet: record bodies (as JSON
//! values shaped like records, and as raw bytes) and periods. Nothing may panic; whatever
//! parses must read back the same.
//!
//! It lives at the crate's root because it reaches the server's check of the commune too.
//! Runs `FUZZ_SECONDS` (default 3) in the test suite; for a long run:
//! `FUZZ_SECONDS=600 cargo test --release --features server --lib fuzz -- --nocapture`.

use std::time::{Duration, Instant};

use chrono::{Days, NaiveDate};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{json, Map, Value};

use crate::domain::accompagnement::{Accompagnement, AccompagnementInput};
use crate::domain::stats::Periode;
use crate::domain::vocabulary::Field;

fn budget() -> Duration {
    let seconds = std::env::var("FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3);
    Duration::from_secs(seconds)
}

/// Runs `test` on values of `strategy` until the time budget is spent; how many it ran.
fn fuzz<S: Strategy>(strategy: S, test: impl Fn(S::Value) -> Result<(), TestCaseError>) -> u64
where
    S::Value: std::fmt::Debug,
{
    let deadline = Instant::now() + budget();
    let mut runs = 0;
    while Instant::now() < deadline {
        let mut runner = TestRunner::new(Config {
            cases: 2000,
            failure_persistence: None,
            ..Config::default()
        });
        runner
            .run(&strategy, &test)
            .expect("no input makes the parsing fail");
        runs += 2000;
    }
    runs
}

/// Any JSON value, nested a little.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        (-200i64..500).prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        any::<String>().prop_map(Value::from),
        "[a-z_]{0,12}".prop_map(Value::from),
        prop_oneof![
            Just("individuel"),
            Just("collectif"),
            Just("ponctuel"),
            Just("plus_60"),
            Just("retraite"),
            Just("courriel"),
            Just("caf"),
            Just("autre"),
            Just("rattachement")
        ]
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_]{1,12}", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A valid record, some of whose fields are then replaced by anything (or removed, or
/// joined by unknown ones).
fn record_like() -> impl Strategy<Value = Value> {
    // The record's fields, and one it does not have.
    let fields: Vec<&'static str> = Field::ALL
        .iter()
        .map(|f| f.code())
        .chain(["inconnu"])
        .collect();
    let valid = json!({
        "id": "0192f5a8-3b1c-7def-8a12-3456789abcde", "date": "2026-11-02",
        "activite": "collectif", "participants": 3, "deja_accompagnes": 1,
        "commune": { "insee": "69123", "nom": "Lyon", "code_postal": "69001" },
        "canal": "rattachement", "ages": { "plus_60": 2, "de_35_a_60": 1 },
        "statuts": { "retraite": 3 }, "thematiques": ["courriel", "sante"], "duree_minutes": 90,
        "suivi": { "individuel": 0, "atelier": 1, "redirection": 1 },
        "redirections": [{ "structure": "autre", "precision": "Secours populaire", "personnes": 1 }],
        "annotation": "Atelier"
    });
    prop::collection::vec(
        (prop::sample::select(fields), prop::option::of(any_json())),
        0..6,
    )
    .prop_map(move |changes| {
        let mut record: Map<String, Value> = valid.as_object().cloned().unwrap_or_default();
        for (field, value) in changes {
            match value {
                Some(value) => record.insert(field.to_owned(), value),
                None => record.remove(field),
            };
        }
        Value::Object(record)
    })
}

/// Parsing never panics; a record that parses reads back as itself.
fn parses_soundly(input: AccompagnementInput) -> Result<(), TestCaseError> {
    let today = NaiveDate::from_ymd_opt(2026, 11, 27).expect("a date");
    if let Ok(record) = Accompagnement::parse(input, today) {
        #[cfg(feature = "server")]
        let _ = crate::server::store::communes::official(record.commune(), Field::Commune.code());
        let again = Accompagnement::parse(record.clone().into(), today);
        prop_assert_eq!(again, Ok(record));
    }
    Ok(())
}

#[test]
fn fuzz_records_shaped_like_records() {
    let runs = fuzz(record_like(), |value| match serde_json::from_value(value) {
        Ok(input) => parses_soundly(input),
        Err(_) => Ok(()),
    });
    eprintln!("fuzz: {runs} record-like bodies");
}

#[test]
fn fuzz_records_from_raw_bytes() {
    let runs = fuzz(
        prop::collection::vec(any::<u8>(), 0..512),
        |bytes| match serde_json::from_slice::<AccompagnementInput>(&bytes) {
            Ok(input) => parses_soundly(input),
            Err(_) => Ok(()),
        },
    );
    eprintln!("fuzz: {runs} raw bodies");
}

#[test]
fn fuzz_periods() {
    let day = (i64::from(NaiveDate::MIN.to_epoch_days())
        ..=i64::from(NaiveDate::MAX.to_epoch_days()))
        .prop_map(|d| NaiveDate::from_epoch_days(d as i32).expect("within chrono's range"));
    let text = prop_oneof![any::<String>(), "[-+]?[0-9]{1,7}-[0-9]{1,2}-[0-9]{1,2}"];
    let runs = fuzz((day.clone(), day, text), |(du, au, typed)| {
        let today = NaiveDate::from_ymd_opt(2026, 11, 27).expect("a date");
        if let Ok(periode) = Periode::parse(du, au, today) {
            prop_assert!(periode.du <= periode.au);
            prop_assert!(periode.au <= today + Days::new(366));
            // Bounded: a period has at most a few dozen months to draw.
            prop_assert!(periode.months().len() <= 12 * 8);
        }
        if let Ok(typed) = typed.parse::<NaiveDate>() {
            let _ = Periode::parse(typed, today, today);
        }
        Ok(())
    });
    eprintln!("fuzz: {runs} periods");
}
