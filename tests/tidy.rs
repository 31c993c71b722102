//! Tidy tests, as rust-analyzer keeps its house: they read the sources, not the program.
//!
//! - Every `crate::…` path in `src/` respects the "may import" column of ARCHITECTURE.md, and
//!   the rooms drawn from those imports have no cycle.
//! - The two migration folders (SQLite, Postgres) describe the same tables and columns.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The rooms of the house and what each may import (ARCHITECTURE.md, "Code map").
const MAY_IMPORT: &[(&str, &[&str])] = &[
    ("domain", &[]),
    ("clock", &[]),
    ("api::wire", &["domain"]),
    ("server", &["domain", "api::wire", "clock"]),
    ("api", &["domain", "api::wire", "server", "clock"]),
    ("offline", &["domain", "api::wire", "clock"]),
    ("ui", &["domain", "api", "api::wire", "offline", "clock"]),
];

fn sources(dir: &Path, files: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            sources(&path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
}

/// The room a source file belongs to (none: `lib.rs`, `main.rs`, the root that wires them).
fn room_of(file: &Path) -> Option<&'static str> {
    let relative = file.strip_prefix(root().join("src")).ok()?;
    let text = relative.to_string_lossy().replace('\\', "/");
    let room = match text.split('/').next()? {
        "domain" => "domain",
        "server" => "server",
        "offline" => "offline",
        "ui" => "ui",
        "clock.rs" => "clock",
        "api" if text == "api/wire.rs" => "api::wire",
        "api" => "api",
        _ => return None,
    };
    Some(room)
}

/// The room a `crate::` path names.
fn room_named(path: &str) -> Option<&'static str> {
    let mut parts = path.split("::").skip(1);
    Some(match parts.next()? {
        "domain" => "domain",
        "server" => "server",
        "offline" => "offline",
        "ui" => "ui",
        "clock" => "clock",
        "api" if parts.next() == Some("wire") => "api::wire",
        "api" => "api",
        _ => return None,
    })
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every `crate::room…` path in a file's code (comments left out), with its line.
fn crate_paths(text: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let code = line.split("//").next().unwrap_or_default();
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            let path: String = rest[at..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                .collect();
            found.push((n + 1, path.trim_end_matches(':').to_owned()));
            rest = &rest[at + "crate::".len()..];
        }
    }
    found
}

#[test]
fn every_import_respects_the_architecture() {
    let mut files = Vec::new();
    sources(&root().join("src"), &mut files);
    let allowed: BTreeMap<&str, &[&str]> = MAY_IMPORT.iter().copied().collect();
    let mut forbidden = Vec::new();
    for file in &files {
        let Some(room) = room_of(file) else { continue };
        let text = std::fs::read_to_string(file).expect("read source");
        for (line, path) in crate_paths(&text) {
            let Some(target) = room_named(&path) else {
                continue;
            };
            if target != room && !allowed[room].contains(&target) {
                forbidden.push(format!(
                    "{}:{line}: `{path}` ({room} may not import {target})",
                    file.strip_prefix(root()).unwrap().display()
                ));
            }
        }
    }
    assert!(
        forbidden.is_empty(),
        "imports against ARCHITECTURE.md:\n{}",
        forbidden.join("\n")
    );
}

#[test]
fn the_rooms_drawn_from_the_imports_have_no_cycle() {
    let mut files = Vec::new();
    sources(&root().join("src"), &mut files);
    let mut edges: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for file in &files {
        let Some(room) = room_of(file) else { continue };
        let text = std::fs::read_to_string(file).expect("read source");
        for (_, path) in crate_paths(&text) {
            if let Some(target) = room_named(&path).filter(|t| *t != room) {
                edges.entry(room).or_default().insert(target);
            }
        }
    }
    // Depth-first search for a way back to where it started.
    fn reaches<'a>(
        edges: &BTreeMap<&'a str, BTreeSet<&'a str>>,
        from: &'a str,
        to: &str,
        seen: &mut BTreeSet<&'a str>,
    ) -> bool {
        edges
            .get(from)
            .into_iter()
            .flatten()
            .any(|next| *next == to || (seen.insert(next) && reaches(edges, next, to, seen)))
    }
    for room in edges.keys() {
        assert!(
            !reaches(&edges, room, room, &mut BTreeSet::new()),
            "{room} imports, through other rooms, itself: {edges:?}"
        );
    }
}

/// Table → column → normalised type and nullability, from every migration of an engine.
fn schema(engine: &str) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("migrations").join(engine))
        .expect("migrations folder")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    let mut tables: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("read migration");
        let mut current: Option<String> = None;
        for line in text.lines() {
            let line = line.split("--").next().unwrap_or_default().trim();
            if let Some(rest) = line.strip_prefix("CREATE TABLE ") {
                let name = rest.split_whitespace().next().unwrap_or_default();
                current = Some(name.to_owned());
                tables.entry(name.to_owned()).or_default();
                continue;
            }
            if line.starts_with(')') {
                current = None;
                continue;
            }
            // `ALTER TABLE t ADD COLUMN c TYPE …;`: one column of `t`.
            let (table, column_line) = match line.strip_prefix("ALTER TABLE ") {
                Some(rest) => {
                    let mut words = rest.splitn(4, ' ');
                    match (words.next(), words.next(), words.next(), words.next()) {
                        (Some(table), Some("ADD"), Some("COLUMN"), Some(column)) => {
                            (table.to_owned(), column.trim_end_matches(';'))
                        }
                        _ => continue,
                    }
                }
                None => match &current {
                    Some(table) => (table.clone(), line),
                    None => continue,
                },
            };
            let line = column_line;
            let table = &table;
            let mut words = line.split_whitespace();
            let (Some(column), Some(kind)) = (words.next(), words.next()) else {
                continue;
            };
            if ["PRIMARY", "UNIQUE", "FOREIGN", "CHECK", "CONSTRAINT"].contains(&column) {
                continue;
            }
            let kind = match kind.trim_end_matches(',') {
                "BIGINT" | "INTEGER" | "BIGSERIAL" | "SMALLINT" => "INTEGER",
                "DOUBLE" | "REAL" => "REAL",
                other => other,
            };
            let nullable = if line.contains("NOT NULL") {
                "NOT NULL"
            } else {
                "NULL"
            };
            tables
                .get_mut(table)
                .expect("table seen")
                .insert(column.to_owned(), format!("{kind} {nullable}"));
        }
    }
    tables
}

#[test]
fn the_two_migration_folders_describe_the_same_schema() {
    let sqlite = schema("sqlite");
    let postgres = schema("postgres");
    assert!(!sqlite.is_empty());
    assert_eq!(
        sqlite, postgres,
        "migrations/sqlite and migrations/postgres disagree"
    );
    let count = |engine: &str| {
        std::fs::read_dir(root().join("migrations").join(engine))
            .unwrap()
            .count()
    };
    assert_eq!(
        count("sqlite"),
        count("postgres"),
        "one migration per engine for each change"
    );
}
