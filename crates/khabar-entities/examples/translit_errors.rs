//! Prints generation errors of the transliterator on the eval file (for error analysis).
//!
//! `cargo run --release -p khabar-entities --example translit_errors`

use khabar_entities::{read_pairs, Transliterator};
use std::path::Path;

fn main() {
    let dir = Path::new("/work/shared/eval/translit");
    let (Ok(train), Ok(eval)) = (
        read_pairs(&dir.join("ar2en-train.txt")),
        read_pairs(&dir.join("ar2en-eval.txt")),
    ) else {
        eprintln!("translit files not found");
        return;
    };
    let m = Transliterator::train(&train);
    if std::env::args().any(|a| a == "--graphones") {
        for (c, l, p) in m.graphones().into_iter().take(150) {
            print!("{c}:{l}({p:.1}) ");
        }
        println!();
        return;
    }
    for (ar, lat) in eval.iter().take(80) {
        let g = m.generate(ar, 3);
        let names: Vec<&str> = g.iter().map(|x| x.0.as_str()).collect();
        let mark = if names.first() == Some(&lat.to_lowercase().as_str()) {
            "ok "
        } else {
            "-- "
        };
        println!("{mark}{ar}\t{lat}\t{names:?}");
    }
}
