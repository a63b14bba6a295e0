//! Tunes transliterator settings on a held-out tenth of the TRAINING file (the eval file is never read here).
//!
//! `cargo run --release -p khabar-entities --example tune_translit`

use khabar_entities::{read_pairs, TranslitParams, Transliterator};
use std::path::Path;

fn main() {
    let Ok(pairs) = read_pairs(Path::new("/work/shared/eval/translit/ar2en-train.txt")) else {
        eprintln!("train file not found");
        return;
    };
    let (fit, held): (Vec<_>, Vec<_>) = pairs.iter().cloned().enumerate().partition(|(i, _)| i % 10 != 7);
    let fit: Vec<(String, String)> = fit.into_iter().map(|x| x.1).collect();
    let held: Vec<(String, String)> = held.into_iter().map(|x| x.1).collect();
    let grid: Vec<TranslitParams> = std::env::args()
        .skip(1)
        .filter_map(|a| {
            let v: Vec<f32> = a.split(',').filter_map(|x| x.parse().ok()).collect();
            (v.len() == 5).then(|| TranslitParams {
                order: v[0] as usize,
                char_order: v[1] as usize,
                char_weight: v[2],
                beam: v[3] as usize,
                length_bonus: v[4],
            })
        })
        .collect();
    for p in grid {
        let m = Transliterator::train_with(&fit, p);
        let hits = held
            .iter()
            .filter(|(a, l)| m.generate(a, 1).first().is_some_and(|g| g.0 == l.to_lowercase()))
            .count();
        println!(
            "{p:?}: top-1 {:.4} on {} held-out train pairs",
            hits as f64 / held.len() as f64,
            held.len()
        );
    }
}
