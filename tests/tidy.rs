//! Tidy tests, as rust-analyzer keeps its house: they read the sources, not the program.
//!
//! - Every `crate::…` path in `src/` respects the "may import" column of ARCHITECTURE.md (read
//!   from the file itself), and
//!   the rooms drawn from those imports have no cycle.
//! - The two migration folders (SQLite, Postgres) describe the same tables and columns.
//! - docs/domain.md's vocabulary tables hold what `domain::vocabulary` holds.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The rooms of the house and what each may import, as ARCHITECTURE.md's code map says: its
/// rows "| `src/<room>` | what it is for | may import |" (editing a cell changes what
/// this test enforces).
fn may_import() -> BTreeMap<String, Vec<String>> {
    let map = std::fs::read_to_string(root().join("ARCHITECTURE.md")).expect("ARCHITECTURE.md");
    let rooms: BTreeMap<String, Vec<String>> = map
        .lines()
        .filter(|line| line.starts_with("| `src/"))
        .map(|line| {
            let cells: Vec<&str> = line
                .trim_matches(|c| c == '|' || c == ' ')
                .split(" | ")
                .map(str::trim)
                .collect();
            assert_eq!(
                cells.len(),
                3,
                "a code map row: | room | what it is for | may import |: {line}"
            );
            let room = cells[0]
                .trim_matches('`')
                .trim_start_matches("src/")
                .trim_end_matches('/')
                .trim_end_matches(".rs")
                .replace('/', "::");
            let allowed = match cells[2].trim() {
                "—" | "-" | "" => Vec::new(),
                list => list.split(',').map(|r| r.trim().to_owned()).collect(),
            };
            (room, allowed)
        })
        .collect();
    assert!(
        rooms.len() >= 7,
        "ARCHITECTURE.md's code map lists the rooms: {rooms:?}"
    );
    rooms
}

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
        "wire.rs" => "wire",
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
        "wire" => "wire",
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
    let allowed = may_import();
    let mut forbidden = Vec::new();
    for file in &files {
        let Some(room) = room_of(file) else { continue };
        let text = std::fs::read_to_string(file).expect("read source");
        for (line, path) in crate_paths(&text) {
            let Some(target) = room_named(&path) else {
                continue;
            };
            let rule = allowed
                .get(room)
                .unwrap_or_else(|| panic!("ARCHITECTURE.md's code map has no row for {room}"));
            if target != room && !rule.iter().any(|r| r == target) {
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

/// The (code, label) rows of the table under docs/domain.md's heading "### `{name}`".
fn vocabulary_table(doc: &str, name: &str) -> Vec<(String, String)> {
    let heading = format!("### `{name}`");
    let after = doc
        .split_once(&heading)
        .unwrap_or_else(|| panic!("docs/domain.md has no heading {heading}"))
        .1;
    after
        .lines()
        .skip_while(|line| !line.starts_with("| `"))
        .take_while(|line| line.starts_with("| `"))
        .map(|line| {
            let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
            (cells[0].trim_matches('`').to_owned(), cells[1].to_owned())
        })
        .collect()
}

#[test]
fn domain_md_holds_the_vocabulary_of_the_code() {
    use conum::domain::vocabulary::codes_and_labels as rows;
    use conum::domain::vocabulary::{
        Activite, Canal, Statut, StructureRedirection, Thematique, TrancheAge, TrancheDuree,
    };
    let doc = std::fs::read_to_string(root().join("docs/domain.md")).expect("docs/domain.md");
    let code = [
        (
            "activite",
            rows(Activite::ALL, Activite::code, Activite::label),
        ),
        ("canal", rows(Canal::ALL, Canal::code, Canal::label)),
        (
            "ages",
            rows(TrancheAge::ALL, TrancheAge::code, TrancheAge::label),
        ),
        ("statuts", rows(Statut::ALL, Statut::code, Statut::label)),
        (
            "thematiques",
            rows(Thematique::ALL, Thematique::code, Thematique::label),
        ),
        (
            "redirections",
            rows(
                StructureRedirection::ALL,
                StructureRedirection::code,
                StructureRedirection::label,
            ),
        ),
        (
            "durees",
            rows(TrancheDuree::ALL, TrancheDuree::code, TrancheDuree::label),
        ),
    ];
    for (name, values) in code {
        assert_eq!(
            vocabulary_table(&doc, name),
            values,
            "docs/domain.md, `{name}`: the codes and labels of src/domain/vocabulary.rs, in order"
        );
    }
}

#[test]
fn the_counter_tables_have_a_column_per_counter_of_the_domain() {
    let counters: BTreeSet<String> = conum::domain::counters::columns().into_iter().collect();
    // A counter's name starts with one of the vocabulary's groups, or is a fixed one.
    let looks_like_a_counter = |column: &str| {
        const GROUPS: [&str; 8] = [
            "activite_",
            "temps_",
            "canal_",
            "duree_",
            "age_",
            "statut_",
            "theme_",
            "redirection_",
        ];
        GROUPS.iter().any(|g| column.starts_with(g))
    };
    for engine in ["sqlite", "postgres"] {
        let tables: Vec<(String, BTreeMap<String, String>)> = schema(engine)
            .into_iter()
            // contributions_mois counts records only: not a table of every counter.
            .filter(|(_, columns)| {
                columns.contains_key("comptes_rendus") && columns.contains_key("accompagnements")
            })
            .collect();
        assert!(
            tables.len() >= 2,
            "{engine}: the counter tables (stats_jour, …)"
        );
        for (table, columns) in tables {
            let missing: Vec<&String> = counters
                .iter()
                .filter(|c| !columns.contains_key(*c))
                .collect();
            let stale: Vec<&String> = columns
                .keys()
                .filter(|c| !counters.contains(*c) && looks_like_a_counter(c))
                .collect();
            assert!(
                missing.is_empty() && stale.is_empty(),
                "{engine}, {table}: counters without a column {missing:?}, columns no counter fills {stale:?}"
            );
        }
    }
}

#[test]
fn the_pairs_table_has_a_column_per_pair_of_the_domain() {
    let pairs: BTreeSet<String> = conum::domain::anonymat::pair_columns()
        .into_iter()
        .map(|(_, column)| column)
        .collect();
    for engine in ["sqlite", "postgres"] {
        let tables = schema(engine);
        let columns = tables
            .get("contributions_paire_mois")
            .unwrap_or_else(|| panic!("{engine}: no contributions_paire_mois"));
        let in_table: BTreeSet<String> = columns
            .keys()
            .filter(|c| c.starts_with("paire_"))
            .cloned()
            .collect();
        assert_eq!(
            in_table, pairs,
            "{engine}, contributions_paire_mois: a column per pair"
        );
    }
}

/// Every path a `use` tree names: `a::{b, c::{d, e}}` → `a::b`, `a::c::d`, `a::c::e`.
fn expand_use(tree: &str) -> Vec<String> {
    let mut tree = tree.split_whitespace().collect::<Vec<_>>().join(" ");
    for tight in ["{", "}", ",", "::"] {
        tree = tree
            .replace(&format!(" {tight}"), tight)
            .replace(&format!("{tight} "), tight);
    }
    let Some(open) = tree.find('{') else {
        let path = tree.split(" as ").next().unwrap_or_default();
        return vec![path.trim_end_matches("::self").to_owned()];
    };
    let head = &tree[..open];
    let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
    let (mut items, mut depth, mut current) = (Vec::new(), 0, String::new());
    for c in inner.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    items.push(current);
    items
        .iter()
        .filter(|item| !item.is_empty())
        .flat_map(|item| expand_use(&format!("{head}{item}")))
        .collect()
}

/// The `use crate::…` and `use super::…` trees of a file's top level, expanded.
fn use_paths(text: &str) -> Vec<String> {
    let mut paths = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("\nuse ").or_else(|| rest.find("\npub use ")) {
        let start = rest[at..].find("use ").map(|u| at + u + 4).unwrap_or(at);
        let end = rest[start..]
            .find(';')
            .map(|e| start + e)
            .unwrap_or(rest.len());
        paths.extend(expand_use(&rest[start..end]));
        rest = &rest[end..];
    }
    paths
}

/// The module (file) a path names from `src/`: the deepest of `a/b/c.rs`, `a/b/c/mod.rs`,
/// `a/b.rs`, … that exists.
fn module_file(parts: &[&str]) -> Option<PathBuf> {
    let src = root().join("src");
    (1..=parts.len()).rev().find_map(|n| {
        let joined = parts[..n].join("/");
        [
            src.join(format!("{joined}.rs")),
            src.join(&joined).join("mod.rs"),
        ]
        .into_iter()
        .find(|p| p.is_file())
    })
}

/// The module path (from `src/`) of a file: `server/store/records.rs` → [server, store, records].
fn module_path(file: &Path) -> Vec<String> {
    let relative = file.strip_prefix(root().join("src")).expect("under src");
    let mut parts: Vec<String> = relative
        .with_extension("")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod" || p == "lib") {
        parts.pop();
    }
    parts
}

#[test]
fn the_files_drawn_from_the_imports_have_no_cycle() {
    let mut files = Vec::new();
    sources(&root().join("src"), &mut files);
    let mut edges: BTreeMap<PathBuf, BTreeSet<PathBuf>> = BTreeMap::new();
    for file in &files {
        let text = std::fs::read_to_string(file).expect("read source");
        let here = module_path(file);
        let is_folder = file.ends_with("mod.rs");
        // `super` of a file and of a folder's mod.rs alike: the module above.
        let parent: Vec<String> = here[..here.len().saturating_sub(1)].to_vec();
        let mut targets = Vec::new();
        for path in crate_paths(&text).into_iter().map(|(_, p)| p).chain(
            use_paths(&text)
                .into_iter()
                .filter(|p| p.starts_with("crate::")),
        ) {
            let parts: Vec<&str> = path.split("::").skip(1).collect();
            targets.extend(module_file(&parts));
        }
        // `use super::x` at the top of a file: its parent's module x.
        for path in use_paths(&text)
            .into_iter()
            .filter(|p| p.starts_with("super::"))
        {
            let mut parts: Vec<&str> = parent.iter().map(String::as_str).collect();
            parts.extend(path.split("::").skip(1));
            targets.extend(module_file(&parts));
        }
        let folder = file.parent().expect("a folder").to_path_buf();
        for target in targets {
            // A folder's mod.rs wires its own files: not an import running back.
            let wiring = is_folder && target.starts_with(&folder);
            if target != *file && !wiring {
                edges.entry(file.clone()).or_default().insert(target);
            }
        }
    }
    fn way_back(
        edges: &BTreeMap<PathBuf, BTreeSet<PathBuf>>,
        from: &PathBuf,
        to: &PathBuf,
        seen: &mut BTreeSet<PathBuf>,
        trail: &mut Vec<PathBuf>,
    ) -> bool {
        for next in edges.get(from).into_iter().flatten() {
            trail.push(next.clone());
            if next == to || (seen.insert(next.clone()) && way_back(edges, next, to, seen, trail)) {
                return true;
            }
            trail.pop();
        }
        false
    }
    let mut circles = Vec::new();
    for file in edges.keys() {
        let mut trail = vec![file.clone()];
        if way_back(&edges, file, file, &mut BTreeSet::new(), &mut trail) {
            let names: Vec<String> = trail
                .iter()
                .map(|p| p.strip_prefix(root()).unwrap().display().to_string())
                .collect();
            circles.push(names.join(" → "));
        }
    }
    assert!(
        circles.is_empty(),
        "files importing themselves through others:\n{}",
        circles.join("\n")
    );
}

#[test]
fn the_records_routes_exist_once_on_the_rust_side() {
    // The outbox receives them from `/contract.js` (written from `wire`): no script of the
    // public folder names a route of the API.
    for (url, path) in public_scripts() {
        let text = std::fs::read_to_string(&path).expect("a public script");
        for quote in ['\'', '"', '`'] {
            assert!(
                !text.contains(&format!("{quote}/api/")),
                "{url} names a route of the API: it belongs to src/wire.rs"
            );
        }
    }
    // The server functions' macros want literals: they must be wire's route and methods.
    let api = std::fs::read_to_string(root().join("src/api/accompagnements.rs")).expect("api");
    let path = conum::wire::RECORDS_PATH;
    for (kind, method) in conum::wire::CHANGE_METHODS {
        let route = match kind {
            "create" => format!("#[{}(\"{path}\"", method.to_lowercase()),
            _ => format!("#[{}(\"{path}/{{id}}\"", method.to_lowercase()),
        };
        assert!(
            api.contains(&route),
            "src/api/accompagnements.rs declares {route} for a {kind}"
        );
    }
}

/// The public folder's scripts, as (name, path).
fn public_scripts() -> Vec<(String, std::path::PathBuf)> {
    let mut scripts: Vec<_> = std::fs::read_dir(root().join("public"))
        .expect("public/")
        .map(|entry| entry.expect("an entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "js"))
        .map(|path| {
            (
                path.file_name().unwrap().to_string_lossy().into_owned(),
                path,
            )
        })
        .collect();
    scripts.sort();
    assert!(scripts.len() >= 4, "the public folder's scripts are found");
    scripts
}
