//! Prints the mentions found in text files, one JSON line each.
//!
//! `cargo run --release -p khabar-entities --example link_file -- FILE... [--no-data]`

use khabar_entities::{EntityLinker, KnowledgeBase};
use khabar_model::Article;
use std::sync::Arc;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let kb = if args.iter().any(|a| a == "--no-data") {
        KnowledgeBase::curated_only()
    } else {
        KnowledgeBase::load(&khabar_entities::default_data_dir())
    };
    let kb = match kb {
        Ok(kb) => Arc::new(kb),
        Err(e) => {
            eprintln!("kb: {e}");
            std::process::exit(1);
        }
    };
    let linker = EntityLinker::new(kb);
    for path in args.iter().filter(|a| !a.starts_with("--")) {
        let Ok(text) = std::fs::read_to_string(path) else {
            eprintln!("{path}: unreadable");
            continue;
        };
        let article = Article::from_text(path.clone(), text);
        for m in linker.link(&article) {
            println!(
                "{:>5}-{:<5} {:<7} {:<30} -> {:<28} {:<26} {:?} {:.2} {:?},{:?}",
                m.span[0],
                m.span[1],
                format!("{:?}", m.kind),
                m.mention,
                m.canonical.unwrap_or_default(),
                m.kb_id.unwrap_or_default(),
                m.country,
                m.confidence,
                m.lat,
                m.lon
            );
        }
    }
}
