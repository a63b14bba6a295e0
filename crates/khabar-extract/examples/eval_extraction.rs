//! Prints per-page and mean precision/recall/F1 of `extract_html` on a labelled page set.
//!
//! `cargo run --release -p khabar-extract --example eval_extraction [DIR]` (default `../shared/eval/extraction`
//! relative to the workspace, or `$KHABAR_EVAL_EXTRACTION`).

use std::path::PathBuf;

fn main() {
    let dir = std::env::args()
        .nth(1)
        .or_else(|| std::env::var("KHABAR_EVAL_EXTRACTION").ok())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/eval/extraction"));
    match khabar_extract::eval_extraction(&dir) {
        Ok(report) => println!("{report}"),
        Err(e) => {
            eprintln!("eval_extraction: {e}");
            std::process::exit(2);
        }
    }
}
