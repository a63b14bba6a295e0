//! Measures [`khabar_entities::KnowledgeBase::foreign_spelling`] (the product's spelling of foreign names written in
//! Arabic) on the held-out TRAINING names (the transformers' dev split; the eval file is never read): the share
//! whose spelling is exactly the reference, overall and where the reference is a listed personal name.
//!
//! `cargo run --release -p khabar-entities --example foreign_spelling`

use khabar_entities::{default_data_dir, held_out_of_training, read_pairs, KnowledgeBase};
use std::path::Path;

fn main() {
    let Ok(pairs) = read_pairs(Path::new("/work/shared/eval/translit/ar2en-train.txt")) else {
        eprintln!("train file not found");
        std::process::exit(1);
    };
    let kb = match KnowledgeBase::load(&default_data_dir()) {
        Ok(kb) => kb,
        Err(e) => {
            eprintln!("no knowledge base: {e}");
            std::process::exit(1);
        }
    };
    let (mut n, mut hits, mut named, mut named_hits) = (0usize, 0usize, 0usize, 0usize);
    for (ar, lat) in pairs.iter().filter(|(ar, _)| held_out_of_training(ar)) {
        let Some((spelling, is_name)) = kb.foreign_spelling(ar) else {
            n += 1;
            continue;
        };
        let hit = spelling.eq_ignore_ascii_case(lat);
        n += 1;
        hits += usize::from(hit);
        if is_name {
            named += 1;
            named_hits += usize::from(hit);
        }
    }
    println!(
        "foreign_spelling on {n} held-out training names: exact {:.4}; spelled as a listed name {named}, of which \
         exact {:.4}",
        hits as f64 / n.max(1) as f64,
        named_hits as f64 / named.max(1) as f64
    );
}
