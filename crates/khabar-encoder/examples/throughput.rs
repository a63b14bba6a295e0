//! Encoder throughput on real articles: ms per article on one thread and articles/s on two, for
//! [`Encoder::embed_document`] (the clustering input: title + body lead cut to `DOC_TOKENS` pieces).
//!
//! ```text
//! CARGO_TARGET_DIR=target-encoder cargo run --release -p khabar-encoder --example throughput -- \
//!     [/work/shared/eval/semeval2022t8/train.csv] [--articles 1200] [--rounds 3] [--vectors FILE] [--e5]
//! ```
//! `--e5` also times multilingual-e5-small on the same articles (`Encoder::embed_e5_documents`, the full-text
//! similarity path: title + body up to 510 pieces).
//! `--vectors FILE` writes the embeddings (raw little-endian f32) when FILE is absent, else compares against it and
//! prints the lowest cosine: run it before and after a change to the forward pass.
//! Articles: the sample articles (`khabar_testdata::samples_dir`) plus, when the SemEval CSV is given, its English and
//! Arabic documents (real news pages). Each round embeds every article once per thread count, one
//! `embed_document` call per article as the pipeline does; CPU seconds come from /proc/self/stat, so the
//! per-article CPU figure holds even on a loaded machine.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::time::Instant;

use khabar_encoder::{default_model_dir, document_lead, Encoder, DOC_TOKENS};
use rayon::prelude::*;

/// CPU seconds used by this process so far (all threads); NaN where /proc is unavailable.
fn cpu_seconds() -> f64 {
    khabar_model::cpu::process_seconds().unwrap_or(f64::NAN)
}

fn corpus(csv: Option<&PathBuf>, limit: usize) -> Vec<(Option<String>, String)> {
    let mut out: Vec<(Option<String>, String)> = khabar_testdata::samples()
        .iter()
        .map(|(_, text)| split_title(text))
        .collect();
    if let Some(csv) = csv {
        let mut seen = BTreeSet::new();
        if let Ok(mut reader) = csv::Reader::from_path(csv) {
            for rec in reader.records().flatten() {
                for (t, l) in [(4, 2), (5, 3)] {
                    let (Some(text), Some(lang)) = (rec.get(t), rec.get(l)) else {
                        continue;
                    };
                    if (lang == "en" || lang == "ar") && seen.insert(text.to_string()) {
                        out.push(split_title(text));
                    }
                }
            }
        }
    }
    out.truncate(limit);
    out
}

fn split_title(text: &str) -> (Option<String>, String) {
    let text = text.trim();
    match text.split_once('\n') {
        Some((t, b)) if t.len() < 300 => (Some(t.trim().to_string()), b.to_string()),
        _ => (None, text.to_string()),
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let mut csv = None;
    let mut limit = 1200usize;
    let mut rounds = 3usize;
    let mut vectors: Option<PathBuf> = None;
    let mut e5 = false;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--articles" => limit = args.next().and_then(|a| a.parse().ok()).unwrap_or(limit),
            "--rounds" => rounds = args.next().and_then(|a| a.parse().ok()).unwrap_or(rounds),
            "--vectors" => vectors = args.next().map(PathBuf::from),
            "--e5" => e5 = true,
            _ => csv = Some(PathBuf::from(arg)),
        }
    }
    let Some(dir) = default_model_dir() else {
        eprintln!("SKIP: no model dir");
        return;
    };
    let mut enc = match Encoder::load(&dir) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("SKIP: {e}");
            return;
        }
    };
    let docs = corpus(csv.as_ref(), limit);
    let mut counts: HashMap<u32, usize> = HashMap::new();
    let mut n_tok = 0usize;
    for (title, body) in &docs {
        let ids = enc.tokenize(&document_lead(title.as_deref(), body, DOC_TOKENS), DOC_TOKENS);
        n_tok += ids.len();
        for id in ids {
            *counts.entry(id).or_default() += 1;
        }
    }
    let mut freq: Vec<usize> = counts.values().copied().collect();
    freq.sort_unstable_by(|a, b| b.cmp(a));
    let cover = |k: usize| freq.iter().take(k).sum::<usize>() as f64 / n_tok.max(1) as f64;
    println!(
        "{} articles, {:.1} pieces/article, {} distinct pieces; top 1k/4k/8k cover {:.2}/{:.2}/{:.2}",
        docs.len(),
        n_tok as f64 / docs.len().max(1) as f64,
        freq.len(),
        cover(1000),
        cover(4000),
        cover(8000)
    );
    // first pass, one thread, piece cache cold: what a fresh process pays
    let (c0, t0) = (cpu_seconds(), Instant::now());
    let got: Vec<f32> = docs
        .iter()
        .flat_map(|(title, body)| enc.embed_document(title.as_deref(), body))
        .collect();
    println!(
        "cold pass threads 1: {:.1} articles/s wall, {:.2} ms CPU/article",
        docs.len() as f64 / t0.elapsed().as_secs_f64(),
        (cpu_seconds() - c0) * 1000.0 / docs.len().max(1) as f64
    );
    if let Some(path) = vectors {
        match std::fs::read(&path) {
            Ok(bytes) => {
                let old: Vec<f32> = bytes
                    .chunks_exact(4)
                    .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                    .collect();
                assert_eq!(old.len(), got.len(), "different article set");
                let min_cos = old
                    .chunks(enc.dim())
                    .zip(got.chunks(enc.dim()))
                    .map(|(a, b)| a.iter().zip(b).map(|(x, y)| x * y).sum::<f32>())
                    .fold(f32::INFINITY, f32::min);
                println!("lowest cosine vs {}: {min_cos:.9}", path.display());
            }
            Err(_) => {
                let bytes: Vec<u8> = got.iter().flat_map(|v| v.to_le_bytes()).collect();
                if let Err(e) = std::fs::write(&path, bytes) {
                    eprintln!("cannot write {}: {e}", path.display());
                }
            }
        }
    }
    let pairs: Vec<(Option<&str>, &str)> = docs.iter().map(|(t, b)| (t.as_deref(), b.as_str())).collect();
    for round in 0..rounds {
        for threads in [1usize, 2] {
            timed(
                threads,
                &format!("round {round} threads {threads} embed_document"),
                || {
                    docs.par_iter()
                        .map(|(title, body)| enc.embed_document(title.as_deref(), body))
                        .collect()
                },
            );
            // the batched call (`embed_documents`), as the similarity features use it
            timed(
                threads,
                &format!("round {round} threads {threads} embed_documents"),
                || enc.embed_documents(&pairs),
            );
        }
    }
    if !e5 {
        return;
    }
    if let Err(e) = enc.load_e5(&khabar_model::default_data_dir()) {
        eprintln!("SKIP e5: {e}");
        return;
    }
    for threads in [1usize, 2] {
        timed(
            threads,
            &format!("threads {threads} e5 embed_e5_documents"),
            || enc.embed_e5_documents(&pairs).unwrap_or_default(),
        );
    }
}

/// Runs `embed` (one vector per article) on a pool of `threads` threads and prints articles/s and CPU ms per
/// article under `label`.
fn timed(threads: usize, label: &str, embed: impl FnOnce() -> Vec<Vec<f32>> + Send) {
    let Ok(pool) = rayon::ThreadPoolBuilder::new().num_threads(threads).build() else {
        return;
    };
    let (c0, t0) = (cpu_seconds(), Instant::now());
    let out = pool.install(embed);
    let (wall, cpu) = (t0.elapsed().as_secs_f64(), cpu_seconds() - c0);
    let n = out.len().max(1) as f64;
    println!(
        "{label}: {:.1} articles/s wall, {:.2} ms CPU/article",
        n / wall,
        cpu * 1000.0 / n
    );
}
