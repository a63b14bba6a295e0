//! Language-ID speed on the sample articles: `cargo run --release -p khabar-langid --example langid_speed [DIR] [ROUNDS]`.
//! Prints detections per second of wall time; run it under `/usr/bin/time` for CPU time on a busy machine.

use khabar_langid::LangId;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let dir = args.get(1).cloned().unwrap_or_else(|| {
        khabar_testdata::samples_dir()
            .map(|d| d.display().to_string())
            .unwrap_or_default()
    });
    let rounds: usize = args.get(2).and_then(|r| r.parse().ok()).unwrap_or(200);
    let mut texts = Vec::new();
    if let Ok(entries) = std::fs::read_dir(&dir) {
        for e in entries.flatten() {
            if let Ok(t) = std::fs::read_to_string(e.path()) {
                texts.push(t);
            }
        }
    }
    if texts.is_empty() {
        eprintln!("no texts in {dir}");
        return;
    }
    let id = LangId::new();
    let start = Instant::now();
    let mut n = 0usize;
    for _ in 0..rounds {
        for t in &texts {
            std::hint::black_box(id.detect(t));
            n += 1;
        }
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{n} detections in {secs:.2}s: {:.0}/s ({:.2} ms each)",
        n as f64 / secs,
        1000.0 * secs / n as f64
    );
}
