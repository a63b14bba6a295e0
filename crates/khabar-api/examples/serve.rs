//! Serves the UI and API over an existing store, for trying them out before the CLI's `khabar serve`:
//!
//! ```text
//! cargo run -p khabar-api --example serve -- <DB_DIR> [ADDR]      # ADDR defaults to 127.0.0.1:8080
//! ```
//! Loads the pipeline engines from the data dir (`$KHABAR_DATA`) when it can, so `POST /api/articles` works;
//! without them the server still reads. No search index is wired here.

use khabar_api::{serve, AppState};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let Some(db) = args.next() else {
        eprintln!("usage: serve <DB_DIR> [ADDR]");
        std::process::exit(2);
    };
    let addr: SocketAddr = match args.next().unwrap_or_else(|| "127.0.0.1:8080".into()).parse() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("bad address: {e}");
            std::process::exit(2);
        }
    };
    let data = khabar_pipeline::resolve_data_dir(None);
    let engines = match khabar_pipeline::Engines::load(&data) {
        Ok(e) => Some(Arc::new(e)),
        Err(e) => {
            eprintln!("ingest disabled: {e}");
            None
        }
    };
    eprintln!("serving {db} on http://{addr}/");
    if let Err(e) = serve(addr, AppState::new(PathBuf::from(db), engines, None)).await {
        eprintln!("{e}");
        std::process::exit(1);
    }
}
