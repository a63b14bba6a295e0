//! SemEval-2022 Task 8 evaluation of the same-story score.
//!
//! ```text
//! cargo run --release -p khabar-similarity --example eval_semeval -- /work/shared/eval/semeval2022t8/train.csv \
//!     [--folds 5] [--write-model crates/khabar-similarity/data/default_model.json] [--dump-features PATH.csv]
//! ```
//! Prints out-of-fold Pearson vs -Overall (pooled, per fold, per language pair) and, with `--write-model`, writes
//! the model fitted on all pairs (the one the crate embeds).

use std::path::PathBuf;

use khabar_encoder::{default_model_dir, Encoder};
use khabar_similarity::eval::{cross_validate, semeval_rows};
use khabar_similarity::FEATURE_NAMES;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let mut csv: Option<PathBuf> = None;
    let mut folds = 5usize;
    let mut write_model: Option<PathBuf> = None;
    let mut dump: Option<PathBuf> = None;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--folds" => folds = args.next().unwrap_or_default().parse()?,
            "--write-model" => write_model = args.next().map(PathBuf::from),
            "--dump-features" => dump = args.next().map(PathBuf::from),
            _ => csv = Some(PathBuf::from(arg)),
        }
    }
    let csv =
        csv.ok_or_else(|| anyhow::anyhow!("usage: eval_semeval TRAIN.csv [--folds K] [--write-model PATH]"))?;
    let dir = default_model_dir().ok_or_else(|| anyhow::anyhow!("no model dir (set KHABAR_DATA)"))?;
    let encoder = Encoder::load(&dir)?;
    let start = std::time::Instant::now();
    let rows = semeval_rows(&csv, &encoder)?;
    if let Some(path) = dump {
        let mut out = format!("pair_id,lang_pair,target,{}\n", FEATURE_NAMES.join(","));
        for r in &rows {
            let values: Vec<String> = r.features.iter().map(|v| v.to_string()).collect();
            out += &format!(
                "{},{},{},{}\n",
                r.pair_id,
                r.lang_pair,
                r.target,
                values.join(",")
            );
        }
        std::fs::write(&path, out)?;
    }
    let report = cross_validate(&rows, folds);
    println!("{report}");
    println!("(features + CV in {:.1}s)", start.elapsed().as_secs_f64());
    if let Some(path) = write_model {
        std::fs::write(&path, report.model.to_json() + "\n")?;
        println!("wrote {}", path.display());
    }
    Ok(())
}
