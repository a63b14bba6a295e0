//! The multilingual-e5-small piece ids of every SemEval document's lead, as `Encoder::embed_e5_documents` reads
//! them: the input of the fine-tuning script (`tools/e5-finetune/`). One line per document of each pair: pair_id,
//! side (0 or 1), language, comma-separated piece ids (no BOS/EOS).
//!
//! ```text
//! cargo run --release -p khabar-similarity --example dump_e5_tokens -- train.csv e5-small-q4.bin > tokens.tsv
//! ```
//! With `REF_OUT=path`, also writes the plain model's vectors of the first 8 documents (JSON), which the training
//! script checks its port against; with `LEADS_OUT=path`, every document's lead text (JSON list).
use std::path::PathBuf;

use khabar_encoder::{document_lead, E5Prefix, E5, E5_DOC_PIECES};
use khabar_similarity::eval::{read_semeval, SemevalPair};

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let usage = || anyhow::anyhow!("usage: dump_e5_tokens TRAIN.csv e5-small-q4.bin");
    let csv = PathBuf::from(args.next().ok_or_else(usage)?);
    let model = PathBuf::from(args.next().ok_or_else(usage)?);
    let e5 = E5::load(&model)?;
    let pairs = read_semeval(&csv)?;
    if let Ok(out) = std::env::var("REF_OUT") {
        let docs: Vec<(Option<&str>, &str)> = pairs
            .iter()
            .take(4)
            .flat_map(|p| p.docs().map(|(t, x, _)| (t, x)))
            .collect();
        std::fs::write(out, serde_json::to_string(&e5.embed_leads(&docs, E5_DOC_PIECES))?)?;
    }
    let mut leads = Vec::new();
    for p in &pairs {
        for (side, (t, x, lang)) in SemevalPair::docs(p).iter().enumerate() {
            let lead = document_lead(*t, x, E5_DOC_PIECES);
            let mut ids = e5.tokenize(&lead, E5Prefix::Passage);
            ids.truncate(E5_DOC_PIECES);
            let s: Vec<String> = ids.iter().map(|i| i.to_string()).collect();
            println!("{}\t{}\t{}\t{}", p.pair_id, side, lang, s.join(","));
            leads.push(lead);
        }
    }
    if let Ok(out) = std::env::var("LEADS_OUT") {
        std::fs::write(out, serde_json::to_string(&leads)?)?;
    }
    Ok(())
}
