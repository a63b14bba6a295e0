//! Encoder throughput: `cargo bench -p khabar-encoder --bench encode` prints texts/s for article leads
//! ([`Encoder::embed_documents`], the clustering input) and for single sentences. Uses all rayon threads
//! (set `RAYON_NUM_THREADS` to pin the core count). Needs the USE-m weights (skips otherwise).

use std::time::Instant;

/// Runs `f` on `n` texts and prints wall and CPU throughput (the CPU figure is what a dedicated core would do,
/// whatever else the machine is running).
fn measure<T>(label: &str, n: usize, f: impl FnOnce() -> T) -> T {
    let cpu0 = cpu_seconds();
    let start = Instant::now();
    let out = f();
    let wall = start.elapsed().as_secs_f64();
    let cpu = match (cpu0, cpu_seconds()) {
        (Some(a), Some(b)) if b > a => format!("{:.0} texts per CPU-second", n as f64 / (b - a)),
        _ => "cpu time n/a".to_string(),
    };
    println!(
        "{label}: {n} texts in {wall:.2}s wall = {:.0} texts/s on {} threads; {cpu}",
        n as f64 / wall,
        rayon::current_num_threads()
    );
    out
}

use khabar_encoder::{default_model_dir, Encoder};
use khabar_model::cpu::process_seconds as cpu_seconds;

fn main() {
    let Some(dir) = default_model_dir() else {
        eprintln!("SKIP: no model dir");
        return;
    };
    let load_start = Instant::now();
    let enc = match Encoder::load(&dir) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("SKIP: {e}");
            return;
        }
    };
    println!("load: {:.2}s", load_start.elapsed().as_secs_f64());
    let mut bodies: Vec<String> = khabar_testdata::samples().into_iter().map(|(_, t)| t).collect();
    if bodies.is_empty() {
        bodies.push(include_str!("../tests/data/reference.jsonl").to_string());
    }
    // 400 distinct articles: rotate each body so texts differ
    let docs: Vec<String> = (0..400)
        .map(|i| {
            let body = &bodies[i % bodies.len()];
            let words: Vec<&str> = body.split_whitespace().collect();
            let k = (i * 7) % words.len().max(1);
            words[k..]
                .iter()
                .chain(words[..k].iter())
                .copied()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    let pairs: Vec<(Option<&str>, &str)> = docs.iter().map(|d| (None, d.as_str())).collect();
    let _ = enc.embed_documents(&pairs[..20]);
    for budget in [96, 128, khabar_encoder::DOC_TOKENS, 256] {
        let out = measure(
            &format!("embed_documents_with({budget} tokens)"),
            pairs.len(),
            || enc.embed_documents_with(&pairs, budget),
        );
        assert_eq!(out.len(), pairs.len());
    }
    let sentences: Vec<&str> = docs
        .iter()
        .flat_map(|d| d.split(". ").take(3))
        .filter(|s| s.len() > 20)
        .collect();
    measure("embed_batch sentences", sentences.len(), || {
        enc.embed_batch(&sentences)
    });
    let full: Vec<&str> = docs.iter().take(100).map(String::as_str).collect();
    measure("embed_batch full articles", full.len(), || enc.embed_batch(&full));
}
