//! Trains the Arabic→Latin transliterator on `ar2en-train.txt` and prints linking and generation figures on
//! `ar2en-eval.txt`.
//!
//! `cargo run --release -p khabar-entities --example eval_translit [-- TRAIN EVAL]`

use std::path::PathBuf;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let dir = PathBuf::from("/work/shared/eval/translit");
    let train = args
        .get(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| dir.join("ar2en-train.txt"));
    let eval = args
        .get(2)
        .map(PathBuf::from)
        .unwrap_or_else(|| dir.join("ar2en-eval.txt"));
    match khabar_entities::eval_translit(&train, &eval) {
        Ok(report) => println!("{report}"),
        Err(e) => {
            eprintln!("eval_translit: {e}");
            std::process::exit(1);
        }
    }
}
