//! Writes the re-ranker's fitting data as `eval_translit` builds it — the n-best lists of the held-out TRAINING
//! names (the transformer's dev split; the eval file is never read) — for trying features outside Rust.
//!
//! `cargo run --release -p khabar-entities --example rerank_groups -- OUT.tsv`
//!
//! One line per candidate: `group<TAB>is_truth<TAB>feature…` in [`khabar_entities::FEATURE_NAMES`] order; a
//! group whose true spelling is not among its candidates still has its lines (it counts as a miss).

use khabar_entities::{
    default_data_dir, held_out_of_training, read_pairs, LatinPrior, NeuralTranslit, Transliterator,
    PRIOR_LM_ORDER, RERANK_NBEST,
};
use std::io::Write;
use std::path::Path;

fn main() {
    let out = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "/tmp/rerank_groups.tsv".into());
    let Ok(pairs) = read_pairs(Path::new("/work/shared/eval/translit/ar2en-train.txt")) else {
        eprintln!("train file not found");
        std::process::exit(1);
    };
    let (held, fit): (Vec<_>, Vec<_>) = pairs.into_iter().partition(|(ar, _)| held_out_of_training(ar));
    let data = default_data_dir();
    let mut prior = LatinPrior::load(&data).unwrap_or_default();
    prior.add_training_pairs(&fit);
    prior.train_lm(PRIOR_LM_ORDER);
    let model = Transliterator::train_with_prior(&fit, &prior);
    let neural = NeuralTranslit::locate(&data).and_then(|d| NeuralTranslit::load(&d).ok());
    eprintln!(
        "{} held-out names; transformer {}; channel model {}",
        held.len(),
        neural.is_some(),
        neural.as_ref().is_some_and(NeuralTranslit::has_channel)
    );
    let Ok(mut f) = std::fs::File::create(&out) else {
        eprintln!("cannot write {out}");
        std::process::exit(1);
    };
    for (g, (ar, lat)) in held.iter().enumerate() {
        let group = model.rerank_group(ar, Some(lat), RERANK_NBEST, &prior, neural.as_ref());
        for (i, feats) in group.candidates.iter().enumerate() {
            let cols: Vec<String> = feats.iter().map(|v| v.to_string()).collect();
            let _ = writeln!(
                f,
                "{g}\t{}\t{}",
                u8::from(group.truth == Some(i)),
                cols.join("\t")
            );
        }
        if group.candidates.is_empty() {
            let _ = writeln!(f, "{g}\t0");
        }
    }
}
