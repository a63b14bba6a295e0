//! Builds the knowledge base under `<data_dir>/kb/` and times loading it back.
//!
//! `cargo run --release -p khabar-entities --example build_kb [-- DATA_DIR]`

use std::path::PathBuf;
use std::time::Instant;

fn main() {
    let dir = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(khabar_entities::default_data_dir);
    match khabar_entities::KnowledgeBase::build(&dir) {
        Ok(report) => println!("{report}"),
        Err(e) => {
            eprintln!("build_kb: {e}");
            std::process::exit(1);
        }
    }
    let t = Instant::now();
    match khabar_entities::KnowledgeBase::load(&dir) {
        Ok(kb) => println!(
            "loaded in {:.3}s (gazetteer: {})",
            t.elapsed().as_secs_f64(),
            kb.has_gazetteer()
        ),
        Err(e) => eprintln!("load: {e}"),
    }
}
