//! `/precache-manifest.js`: what the service worker keeps for offline use, and the version
//! of this deployment (a digest of those files), read once at start from the public folder.
//! A new bundle gives a new version, so phones install the new worker and offer to reload.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

/// The pages the app opens on, as the server renders them before the profile is known (the
/// same for every conseiller). A record's pages are the same for every record: the one of
/// `_` stands in, offline, for all (`public/sw.js`). Every other route is here too, so that
/// each opens offline as itself (never another page's frame, which would not hydrate).
pub const PAGES: [&str; 12] = [
    "/",
    "/comme-la-derniere-fois",
    "/historique",
    "/statistiques",
    "/statistiques/nationales",
    "/profil",
    "/connexion",
    "/inscription",
    "/mot-de-passe-oublie",
    "/accompagnements/_",
    "/accompagnements/_/modifier",
    "/accompagnements/_/dupliquer",
];

/// The JavaScript module the service worker imports.
pub fn manifest_script(public: Option<&Path>) -> String {
    let files = public.map(precached_files).unwrap_or_default();
    let mut digest = Sha256::new();
    digest.update(env!("CARGO_PKG_VERSION"));
    let mut urls = Vec::with_capacity(files.len() + 1);
    for (url, path) in &files {
        digest.update(url.as_bytes());
        digest.update(std::fs::read(path).unwrap_or_default());
        urls.push(url.clone());
    }
    // Generated, not in the public folder: the outbox cannot send offline-made records
    // without it.
    digest.update(super::contract::URL.as_bytes());
    digest.update(super::contract::script());
    urls.push(super::contract::URL.to_owned());
    let version = &hex::encode(digest.finalize())[..16];
    format!(
        "export const VERSION = {version:?};\nexport const PAGES = {};\nexport const FILES = {};\n\
         export const CONTRACT = {};\n",
        serde_json::to_string(&PAGES).expect("strings serialise"),
        serde_json::to_string(&urls).expect("strings serialise"),
        super::contract::object(),
    )
}

/// Every file of the public folder the app may need offline, as (URL, path), sorted.
fn precached_files(public: &Path) -> Vec<(String, PathBuf)> {
    let mut files = super::assets::files(public);
    files.retain(|(url, _)| wanted_offline(url));
    files
}

/// Not the worker itself, not the raw index (pages are precached as rendered), not the font
/// cuts the stylesheet never uses. Each cut used is two files: French, and the rest of
/// Latin-1 for the names that need it (scripts/dsfr.mjs).
fn wanted_offline(url: &str) -> bool {
    let unused_font = url.starts_with("/dsfr/fonts/")
        && !matches!(
            url.trim_end_matches(".woff2").trim_end_matches("-extra"),
            "/dsfr/fonts/Marianne-Regular"
                | "/dsfr/fonts/Marianne-Medium"
                | "/dsfr/fonts/Marianne-Bold"
        );
    !(url == "/sw.js" || url == "/index.html" || unused_font)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_manifest_lists_the_files_and_changes_with_them() {
        let dir = std::env::temp_dir().join(format!("conum-precache-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(dir.join("assets")).unwrap();
        std::fs::create_dir_all(dir.join("dsfr/fonts")).unwrap();
        std::fs::write(dir.join("assets/app-dxh1.wasm"), "a").unwrap();
        std::fs::write(dir.join("dsfr/fonts/Marianne-Light.woff2"), "x").unwrap();
        std::fs::write(dir.join("dsfr/fonts/Marianne-Light-extra.woff2"), "x").unwrap();
        std::fs::write(dir.join("dsfr/fonts/Marianne-Bold.woff2"), "x").unwrap();
        std::fs::write(dir.join("dsfr/fonts/Marianne-Bold-extra.woff2"), "x").unwrap();
        std::fs::write(dir.join("index.html"), "<html>").unwrap();
        std::fs::write(dir.join("sw.js"), "//").unwrap();

        let first = manifest_script(Some(&dir));
        assert!(first.contains(r#"export const FILES = ["/assets/app-dxh1.wasm","/dsfr/fonts/Marianne-Bold-extra.woff2","/dsfr/fonts/Marianne-Bold.woff2","/contract.js"];"#), "{first}");
        assert!(first.contains(r#""/historique""#));
        std::fs::write(dir.join("assets/app-dxh1.wasm"), "b").unwrap();
        let second = manifest_script(Some(&dir));
        assert_ne!(first.lines().next(), second.lines().next());
        std::fs::remove_dir_all(dir).unwrap();
    }
}
