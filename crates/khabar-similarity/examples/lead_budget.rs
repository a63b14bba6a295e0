//! How the lead budget of [`Encoder::embed_documents_with`] trades speed for SemEval correlation: prints, for
//! several budgets, docs/s and the Pearson of the raw lead cosine vs -Overall (no fitting involved).
//!
//! `cargo run --release -p khabar-similarity --example lead_budget -- /work/shared/eval/semeval2022t8/train.csv`

use khabar_encoder::{default_model_dir, Encoder};
use khabar_similarity::eval::pearson;
use khabar_similarity::{cosine, split_title};

fn main() -> anyhow::Result<()> {
    let csv = std::env::args()
        .nth(1)
        .ok_or_else(|| anyhow::anyhow!("usage: lead_budget TRAIN.csv"))?;
    let encoder = Encoder::load(&default_model_dir().ok_or_else(|| anyhow::anyhow!("no model dir"))?)?;
    let mut reader = csv::Reader::from_path(csv)?;
    let headers = reader.headers()?.clone();
    let col = |n: &str| {
        headers
            .iter()
            .position(|h| h == n)
            .ok_or_else(|| anyhow::anyhow!("no column {n}"))
    };
    let (c1, c2, co) = (col("text1")?, col("text2")?, col("Overall")?);
    let mut pairs: Vec<(String, String, f64)> = Vec::new();
    for rec in reader.records() {
        let rec = rec?;
        let overall: f64 = rec.get(co).unwrap_or_default().parse()?;
        pairs.push((
            rec.get(c1).unwrap_or_default().into(),
            rec.get(c2).unwrap_or_default().into(),
            -overall,
        ));
    }
    let docs: Vec<(Option<&str>, &str)> = pairs
        .iter()
        .flat_map(|(a, b, _)| [split_title(a), split_title(b)])
        .collect();
    let gold: Vec<f64> = pairs.iter().map(|p| p.2).collect();
    for budget in [64, 96, 128, 160, 256, 512] {
        let start = std::time::Instant::now();
        let embs = encoder.embed_documents_with(&docs, budget);
        let secs = start.elapsed().as_secs_f64();
        let cos: Vec<f64> = embs.chunks(2).map(|p| f64::from(cosine(&p[0], &p[1]))).collect();
        println!(
            "budget {budget:4}: {:6.0} docs/s  pearson(lead cosine, -Overall) = {:.4}",
            docs.len() as f64 / secs,
            pearson(&cos, &gold)
        );
    }
    Ok(())
}
