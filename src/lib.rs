//! Conum: the pocket activity log of the conseillers numériques.
//!
//! One crate, two builds: `web` (the WebAssembly client) and `server` (the HTTP server that
//! renders the pages and answers `/api/`). See ARCHITECTURE.md for the map.

pub mod api;
pub mod clock;
pub mod domain;
#[cfg(test)]
mod fuzz;
pub mod offline;
#[cfg(feature = "server")]
pub mod server;
pub mod ui;
pub mod wire;

/// Starts the server (with `server`) or the browser app (with `web`). The server binary
/// also fills a database with demonstration data: `conum demo --help`.
pub fn launch() {
    #[cfg(feature = "server")]
    {
        let args: Vec<String> = std::env::args().skip(1).collect();
        let result = match args.first().map(String::as_str) {
            Some("demo") => server::demo::run(&args[1..]),
            Some("admin") => server::admin::run(&args[1..]),
            _ => server::run(ui::App),
        };
        if let Err(error) = result {
            eprintln!("Conum n'a pas pu démarrer : {error:#}");
            std::process::exit(1);
        }
    }

    // The browser first ends the task that compiled and started the wasm: the hydration then
    // runs in a task of its own, and a phone's longest task at the opening is the longer of
    // the two instead of their sum. The page's own wasm module, if it has one, comes before
    // the hydration, which needs the page rendered as the server did (ui::split).
    #[cfg(not(feature = "server"))]
    wasm_bindgen_futures::spawn_local(async {
        offline::browser::sleep(std::time::Duration::ZERO).await;
        ui::split::load_for(&offline::browser::address()).await;
        dioxus::launch(ui::App);
    });
}
