//! The files of the public folder (the wasm client, its JavaScript, styles, icons, the
//! communes list), served as they were compressed at build time (`scripts/precompress.mjs`:
//! brotli 11 and gzip 9 next to each file): no compression work per request, and the
//! smallest bytes on the wire. Names carrying a content hash (`-dxh…`) are cached for a year.

use std::path::Path;

use axum::extract::Request;
use axum::http::header::{CACHE_CONTROL, VARY};
use axum::http::HeaderValue;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use tower_http::services::ServeFile;

/// A route per file under `public` (but `index.html`, which the server renders).
pub fn routes<S>(public: &Path) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    let mut router = Router::new();
    for (url, path) in files(public) {
        let mut file = ServeFile::new(&path);
        // A copy older than its file (the file was replaced, the copy not) would serve the
        // old content: only fresh copies are used.
        if fresh_copy(&path, "br") {
            file = file.precompressed_br();
        }
        if fresh_copy(&path, "gz") {
            file = file.precompressed_gzip();
        }
        router = router.route_service(&url, file);
    }
    router.layer(middleware::from_fn(cache_headers))
}

fn fresh_copy(path: &Path, extension: &str) -> bool {
    let mut copy = path.as_os_str().to_owned();
    copy.push(".");
    copy.push(extension);
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    match (modified(path), modified(Path::new(&copy))) {
        (Some(file), Some(copy)) => copy >= file,
        _ => false,
    }
}

async fn cache_headers(request: Request, next: Next) -> Response {
    let immutable = request.uri().path().contains("-dxh");
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    // Caches must keep the brotli, gzip and plain answers apart.
    headers.insert(VARY, HeaderValue::from_static("accept-encoding"));
    if immutable {
        headers.insert(
            CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=31536000, immutable"),
        );
    }
    response
}

/// Every file served, as (URL, path): not the page template, not the compressed copies
/// (`ServeFile` picks them by the request's `Accept-Encoding`).
pub fn files(public: &Path) -> Vec<(String, std::path::PathBuf)> {
    let mut files = Vec::new();
    collect(public, public, &mut files);
    files.retain(|(url, _)| url != "/index.html" && !url.ends_with(".br") && !url.ends_with(".gz"));
    files.sort();
    files
}

fn collect(root: &Path, folder: &Path, files: &mut Vec<(String, std::path::PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(root, &path, files);
        } else if let Ok(relative) = path.strip_prefix(root) {
            let url = format!("/{}", relative.to_string_lossy().replace('\\', "/"));
            files.push((url, path));
        }
    }
}
