//! How the phone's outbox (JavaScript, so that the service worker can send without a page)
//! reaches the server: where the API lives, the records' route, each change's method and the
//! owner header, written here from `wire` so that they exist once, as `CONTRACT`: in
//! `/contract.js` for the page, in `/precache-manifest.js` for the service worker. The
//! outbox receives it (`outbox.flush(CONTRACT)`, then `public/outbox-rules.js`'s `request`).

use crate::wire::{API_PREFIX, CHANGE_METHODS, OWNER_HEADER, RECORDS_PATH};

/// Its URL, also listed in the precache manifest.
pub const URL: &str = "/contract.js";

/// The JavaScript module for the page.
pub fn script() -> String {
    format!("export const CONTRACT = {};\n", object())
}

/// The contract as a JavaScript object (the `Contract` type of `public/outbox-rules.js`).
pub fn object() -> String {
    let methods: serde_json::Map<String, serde_json::Value> = CHANGE_METHODS
        .iter()
        .map(|(kind, method)| ((*kind).to_owned(), (*method).into()))
        .collect();
    let contract = serde_json::json!({
        "API_PREFIX": API_PREFIX,
        "RECORDS_PATH": RECORDS_PATH,
        "OWNER_HEADER": OWNER_HEADER,
        "METHODS": methods,
    });
    contract.to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_contract_carries_the_rust_side_s_route_header_and_methods() {
        assert_eq!(
            super::script(),
            "export const CONTRACT = {\"API_PREFIX\":\"/api/\",\"METHODS\":{\"create\":\"POST\",\
             \"delete\":\"DELETE\",\"update\":\"PUT\"},\"OWNER_HEADER\":\"x-conum-owner\",\
             \"RECORDS_PATH\":\"/api/accompagnements\"};\n"
        );
    }
}
