//! `sqlx::migrate!` reads the migrations folder when the crate compiles: without this, a
//! migration added alone (no Rust file changed) was left out of an incremental build, and
//! the server ran without it (sqlx's own advice, `sqlx migrate build-script`).
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
