//! `/contract.js`: how the phone's outbox (JavaScript, so that the service worker can send
//! without a page) reaches the server: where the API lives, the records' route, each
//! change's method and the owner header, written here from `wire` so that they exist once.
//! The outbox's pure rules receive them (`public/outbox-rules.js`); the service worker keeps
//! this module for offline use.

use crate::wire::{API_PREFIX, CHANGE_METHODS, OWNER_HEADER, RECORDS_PATH};

/// Its URL, also listed in the precache manifest.
pub const URL: &str = "/contract.js";

/// The JavaScript module (its shape is the `Contract` type of `public/outbox-rules.js`).
pub fn script() -> String {
    let methods: serde_json::Map<String, serde_json::Value> = CHANGE_METHODS
        .iter()
        .map(|(kind, method)| ((*kind).to_owned(), (*method).into()))
        .collect();
    format!(
        "export const API_PREFIX = {};\nexport const RECORDS_PATH = {};\n\
         export const OWNER_HEADER = {};\nexport const METHODS = {};\n",
        serde_json::Value::from(API_PREFIX),
        serde_json::Value::from(RECORDS_PATH),
        serde_json::Value::from(OWNER_HEADER),
        serde_json::Value::Object(methods),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_contract_carries_the_rust_side_s_route_header_and_methods() {
        let script = super::script();
        assert!(script.contains("export const API_PREFIX = \"/api/\";"));
        assert!(script.contains("export const RECORDS_PATH = \"/api/accompagnements\";"));
        assert!(script.contains("export const OWNER_HEADER = \"x-conum-owner\";"));
        assert!(script.contains(
            "export const METHODS = {\"create\":\"POST\",\"delete\":\"DELETE\",\"update\":\"PUT\"};"
        ));
    }
}
