//! The few browser services the pages need, through `document::eval` (no extra bindings).

use dioxus::prelude::*;
use serde::de::DeserializeOwned;
use serde::Serialize;

/// Waits `ms` milliseconds (the browser's timer).
pub async fn sleep_ms(ms: u32) {
    let _ = document::eval(&format!(
        "await new Promise(r => setTimeout(r, {ms})); return true;"
    ))
    .await;
}

/// Moves the keyboard focus to the first control inside the element with this id.
pub fn focus_first_control(container_id: &str) {
    document::eval(&format!(
        r#"const box = document.getElementById({container_id:?});
           const target = box && (box.matches('input,button,textarea') ? box : box.querySelector('input,button,textarea'));
           if (target) {{ target.focus(); target.scrollIntoView({{block: 'center'}}); }}"#
    ));
}

/// Reads a JSON value kept on the device.
pub async fn load<T: DeserializeOwned>(key: &str) -> Option<T> {
    let text: Option<String> = document::eval(&format!("return localStorage.getItem({key:?});"))
        .join()
        .await
        .ok()
        .flatten();
    serde_json::from_str(&text?).ok()
}

/// Keeps a JSON value on the device.
pub fn store<T: Serialize>(key: &str, value: &T) {
    if let Ok(json) = serde_json::to_string(value) {
        document::eval(&format!("localStorage.setItem({key:?}, {json:?});"));
    }
}

/// Downloads a text asset of the app.
pub async fn fetch_text(url: &str) -> Option<String> {
    document::eval(&format!(
        "const r = await fetch({url:?}); if (!r.ok) return null; return await r.text();"
    ))
    .join()
    .await
    .ok()
    .flatten()
}
