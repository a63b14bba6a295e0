//! SemEval-2022 Task 8 evaluation of the same-story score.
//!
//! ```text
//! cargo run --release -p khabar-similarity --example eval_semeval -- /work/shared/eval/semeval2022t8/train.csv \
//!     [--folds 5] [--write-model crates/khabar-similarity/data/default_model.json] [--dump-features PATH.tsv] \
//!     [--cache target/semeval-e5.vectors] [--seeds N]
//! ```
//! Prints out-of-fold Pearson vs -Overall (pooled, per fold, per language pair) and, with `--write-model`, writes the
//! model fitted on all pairs; `--dump-features` writes every pair's out-of-fold features as `khabar eval semeval
//! --dump-features` does (`SemevalReport::features_tsv`). This example has no entity or event stage, so its kb-id and
//! event-family features are empty: the model the crate embeds is written by `khabar eval semeval CSV --write-model
//! PATH`, which has them.
//! `--cache PATH` keeps the multilingual-e5-small vectors (the slow part, for every e5 variant the folds use) in an
//! embedding cache file (`khabar_encoder::VectorCache`, as `khabar eval semeval --embedding-cache`); the rest is
//! recomputed each run. Never commit the cache. `--seeds N` repeats the CV over N other fold shuffles and prints the
//! mean and range of each figure. Each fold is fitted and tested with e5 embeddings from a model that never trained on
//! its documents (`e5_fold_rows`): under another shuffle the shipped fold adapters no longer fit the folds, so most
//! folds then fall back to the plain model.

use std::path::PathBuf;
use std::sync::Arc;

use khabar_encoder::{default_model_dir, E5Adapters, Encoder, VectorCache};
use khabar_similarity::eval::{cross_validate_planned, e5_fold_rows, evaluate, read_semeval, rows_of_pairs};

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let mut csv: Option<PathBuf> = None;
    let mut folds = 5usize;
    let mut write_model: Option<PathBuf> = None;
    let mut dump: Option<PathBuf> = None;
    let mut cache: Option<PathBuf> = None;
    let mut seeds = 0u64;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--folds" => folds = args.next().unwrap_or_default().parse()?,
            "--write-model" => write_model = args.next().map(PathBuf::from),
            "--dump-features" => dump = args.next().map(PathBuf::from),
            "--cache" => cache = args.next().map(PathBuf::from),
            "--seeds" => seeds = args.next().unwrap_or_default().parse()?,
            _ => csv = Some(PathBuf::from(arg)),
        }
    }
    let csv = csv.ok_or_else(|| {
        anyhow::anyhow!("usage: eval_semeval TRAIN.csv [--folds K] [--write-model PATH] [--cache PATH]")
    })?;
    let start = std::time::Instant::now();
    let pairs = read_semeval(&csv)?;
    let dir = default_model_dir().ok_or_else(|| anyhow::anyhow!("no model dir (set KHABAR_DATA)"))?;
    let mut encoder = Encoder::load(&dir)?;
    if let Err(e) = encoder.load_e5(&khabar_model::default_data_dir()) {
        eprintln!("multilingual-e5-small not loaded ({e}): no cos_e5 feature");
    }
    if let Some(path) = &cache {
        encoder.set_vector_cache(Arc::new(VectorCache::open(path)?));
    }
    let rows = rows_of_pairs(&pairs, &encoder, None);
    // each fold with an e5 whose adapter never trained on its documents
    let report = evaluate(&rows, &pairs, folds, &encoder, None)?;
    if let Some(path) = dump {
        std::fs::write(&path, report.features_tsv())?;
    }
    println!("{report}");
    println!("(features + CV in {:.1}s)", start.elapsed().as_secs_f64());
    if seeds > 0 {
        let mut sums: std::collections::BTreeMap<String, Vec<f64>> = Default::default();
        for seed in 1..=seeds {
            let seed = seed.wrapping_mul(0x2545_f491_4f6c_dd1d);
            let plan = match encoder.e5() {
                Some(e5) => e5_fold_rows(&rows, &pairs, folds, seed, e5, E5Adapters::shipped()?)?,
                None => Default::default(),
            };
            let r = cross_validate_planned(&rows, folds, seed, &plan);
            sums.entry("pooled".into()).or_default().push(r.pearson_oof);
            sums.entry("lead-only pooled".into())
                .or_default()
                .push(r.lead_only_pearson_oof);
            for (pair, (_, p)) in r.per_lang_pair {
                sums.entry(pair).or_default().push(p);
            }
        }
        println!("over {seeds} other fold shuffles: mean [min, max]");
        for (name, v) in sums {
            let mean = v.iter().sum::<f64>() / v.len() as f64;
            let min = v.iter().copied().fold(f64::MAX, f64::min);
            let max = v.iter().copied().fold(f64::MIN, f64::max);
            println!("  {name:16} {mean:.4} [{min:.4}, {max:.4}]");
        }
    }
    if let Some(path) = write_model {
        std::fs::write(&path, report.model.to_json() + "\n")?;
        println!("wrote {}", path.display());
    }
    if let Some(cache) = encoder.e5().and_then(|e| e.cache()) {
        cache.flush()?;
        let s = cache.stats();
        eprintln!(
            "embedding cache: {} vectors read back, {} computed",
            s.hits, s.misses
        );
    }
    Ok(())
}
