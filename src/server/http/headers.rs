//! The security headers every response carries, and the Content-Security-Policy of pages
//! (and of whatever else a browser may open as a document or run as a worker).
//!
//! The policy is as strict as Dioxus allows: everything from this origin only, no plugins, no
//! framing, no `eval`. Two things had to be let in:
//! - `'wasm-unsafe-eval'`: compiling the app's WebAssembly (nothing else is evaluated: the
//!   app never uses `document::eval`, which needs `'unsafe-eval'`);
//! - the inline `<script>`s Dioxus writes into every server-rendered page (the streaming
//!   bootstrap and the hydration data), each allowed by its SHA-256 hash, computed here for
//!   the page being sent, so no other inline script can run.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::{self, HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use sha2::{Digest, Sha256};

use crate::server::AppState;

/// Pages are small; a larger HTML body is not ours to rewrite.
const PAGE_MAX_BYTES: usize = 4 * 1024 * 1024;

const POLICY: &str = "default-src 'self'; \
    img-src 'self' data: blob:; \
    style-src 'self'; \
    font-src 'self'; \
    connect-src 'self'; \
    worker-src 'self'; \
    manifest-src 'self'; \
    object-src 'none'; \
    frame-ancestors 'none'; \
    base-uri 'self'; \
    form-action 'self'";

/// The Content-Security-Policy for a page whose inline scripts have these hashes.
pub fn content_security_policy(inline_script_hashes: &[String]) -> String {
    let mut script_src = String::from("script-src 'self' 'wasm-unsafe-eval'");
    for hash in inline_script_hashes {
        script_src.push_str(&format!(" 'sha256-{hash}'"));
    }
    format!("{POLICY}; {script_src}")
}

/// The base64 SHA-256 of every inline `<script>` of an HTML page (those without `src`).
pub fn inline_script_hashes(html: &str) -> Vec<String> {
    let mut hashes = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        rest = &rest[start..];
        let Some(tag_end) = rest.find('>') else { break };
        let tag = &rest[..tag_end];
        let body_start = tag_end + 1;
        let Some(body_len) = rest[body_start..].find("</script>") else {
            break;
        };
        if !tag.contains(" src=") {
            let body = &rest[body_start..body_start + body_len];
            hashes.push(base64::engine::general_purpose::STANDARD.encode(Sha256::digest(body)));
        }
        rest = &rest[body_start + body_len..];
    }
    hashes
}

/// Middleware: the headers of every response; for pages, their Content-Security-Policy.
pub async fn layer(State(app): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let is_api = path.starts_with(crate::wire::API_PREFIX);
    let is_worker = path == "/sw.js";
    let response = next.run(request).await;
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let is_html = content_type.starts_with("text/html");
    // What a browser may show as a page or run as a worker: the only answers it reads a
    // Content-Security-Policy, a Permissions-Policy or an opener policy on. On a script, a
    // style sheet, a font or the wasm they are never read, and cost each of a first visit's
    // fifteen files 430 bytes (6 KB of the visit over HTTP/1.1).
    let opens_as_document =
        is_html || is_api || is_worker || content_type.starts_with("image/svg+xml");
    let mut response = if is_html {
        with_page_policy(response).await
    } else {
        let mut response = response;
        if opens_as_document {
            set(
                &mut response,
                "content-security-policy",
                &content_security_policy(&[]),
            );
        }
        response
    };
    // The mark of Conum's own answers: the service worker stores and shows no response
    // without it (a captive portal answers every address "200 OK" with its own page).
    set(&mut response, "x-conum", "1");
    set(&mut response, "x-content-type-options", "nosniff");
    set(&mut response, "referrer-policy", "same-origin");
    if opens_as_document {
        set(
            &mut response,
            "permissions-policy",
            "camera=(), microphone=(), geolocation=(), payment=(), usb=(), browsing-topics=()",
        );
        set(&mut response, "cross-origin-opener-policy", "same-origin");
    }
    if app.config.https() {
        set(
            &mut response,
            "strict-transport-security",
            "max-age=63072000; includeSubDomains",
        );
    }
    if is_api {
        // Personal data: never kept by a browser or a proxy.
        set(&mut response, "cache-control", "no-store");
    }
    response
}

async fn with_page_policy(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, PAGE_MAX_BYTES).await else {
        tracing::error!("page too large to give it a Content-Security-Policy");
        return axum::http::StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let hashes = inline_script_hashes(&String::from_utf8_lossy(&bytes));
    if let Ok(policy) = HeaderValue::from_str(&content_security_policy(&hashes)) {
        parts.headers.insert("content-security-policy", policy);
    }
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(bytes))
}

fn set(response: &mut Response, name: &'static str, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        response
            .headers_mut()
            .insert(HeaderName::from_static(name), value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_inline_script_is_allowed_by_its_hash_and_no_other() {
        let html = r#"<head><script>alert(1)</script><script type="module" async src="/app.js"></script></head><body><script>window.x="y";</script></body>"#;

        let hashes = inline_script_hashes(html);

        assert_eq!(hashes.len(), 2);
        assert_eq!(hashes[0], "bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI=");
        let policy = content_security_policy(&hashes);
        assert!(policy.contains("script-src 'self' 'wasm-unsafe-eval' 'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='"));
        assert!(policy.contains("object-src 'none'"));
        assert!(policy.contains("frame-ancestors 'none'"));
        assert!(!policy.contains("unsafe-inline") && !policy.contains("'unsafe-eval'"));
    }
}
