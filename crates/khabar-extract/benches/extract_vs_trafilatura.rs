//! Speed of `extract_html` against trafilatura 2.3.1 on the same pages, one core each, in one run.
//!
//! `cargo bench -p khabar-extract --bench extract_vs_trafilatura [-- DIR [ROUNDS]]`
//! DIR defaults to `$KHABAR_EVAL_EXTRACTION` or `shared/eval/extraction` beside the workspace. The Python side is
//! `bench/trafilatura_bench.py` (needs `pip install trafilatura==2.3.1 lxml_html_clean`); when it cannot run, only the
//! Rust figures are printed. Both sides time extraction only (pages are decompressed first) and run
//! single-threaded; on Linux both are pinned to CPU 0 with `taskset` when it exists. Wall-clock and CPU-time rates
//! are both printed: on a shared, loaded machine the CPU-time ratio is the steadier one.

use khabar_extract::{extract_html, load_pages, token_prf};
use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

fn main() {
    // `cargo bench` passes `--bench`; ignore flags.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let dir = args
        .first()
        .map(PathBuf::from)
        .or_else(|| std::env::var("KHABAR_EVAL_EXTRACTION").ok().map(PathBuf::from))
        .unwrap_or_else(|| manifest.join("../../../shared/eval/extraction"));
    let rounds: usize = args.get(1).and_then(|r| r.parse().ok()).unwrap_or(5);
    pin_to_one_core();
    let pages = match load_pages(&dir) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("cannot load pages from {}: {e}", dir.display());
            std::process::exit(2);
        }
    };
    let bytes: usize = pages.iter().map(|p| p.html.len()).sum();
    // Warm-up round, also used for the quality figure.
    let mut f1_sum = 0.0;
    for page in &pages {
        let text = extract_html(&page.html, page.url.as_deref())
            .map(|e| e.text)
            .unwrap_or_default();
        f1_sum += token_prf(&text, &page.truth).2;
    }
    let start = Instant::now();
    let cpu_start = cpu_time_secs();
    let mut chars = 0usize;
    for _ in 0..rounds {
        for page in &pages {
            chars += extract_html(&page.html, page.url.as_deref())
                .map(|e| e.text.len())
                .unwrap_or(0);
        }
    }
    let secs = start.elapsed().as_secs_f64();
    let cpu_secs = cpu_time_secs().zip(cpu_start).map(|(end, begin)| end - begin);
    let n = (pages.len() * rounds) as f64;
    let rust_pps = n / secs;
    let rust_cpu_pps = cpu_secs.filter(|c| *c > 0.0).map(|c| n / c);
    println!(
        "pages: {} ({:.1} MB of HTML), rounds: {rounds}",
        pages.len(),
        bytes as f64 / 1e6
    );
    println!(
        "khabar-extract : {:>8.1} pages/s wall, {:>8.1} pages/s CPU  {:>6.1} MB/s  mean F1 {:.3}  (checksum {chars})",
        rust_pps,
        rust_cpu_pps.unwrap_or(0.0),
        bytes as f64 * rounds as f64 / secs / 1e6,
        f1_sum / pages.len().max(1) as f64
    );

    let script = manifest.join("bench/trafilatura_bench.py");
    let py_rounds = rounds.clamp(1, 2).to_string();
    let output = if has_taskset() {
        Command::new("taskset")
            .arg("-c")
            .arg("0")
            .arg("python3")
            .arg(&script)
            .arg(&dir)
            .arg(&py_rounds)
            .output()
    } else {
        Command::new("python3")
            .arg(&script)
            .arg(&dir)
            .arg(&py_rounds)
            .output()
    };
    let parsed = output.ok().filter(|o| o.status.success()).and_then(|o| {
        let line = String::from_utf8_lossy(&o.stdout)
            .lines()
            .last()
            .map(str::to_string)?;
        serde_json::from_str::<serde_json::Value>(&line).ok()
    });
    match parsed {
        Some(v) => {
            let py_pps = v.get("pages_per_sec").and_then(|x| x.as_f64()).unwrap_or(0.0);
            let py_cpu_pps = v.get("pages_per_cpu_sec").and_then(|x| x.as_f64()).unwrap_or(0.0);
            let py_f1 = v.get("mean_f1").and_then(|x| x.as_f64()).unwrap_or(0.0);
            println!(
                "trafilatura    : {py_pps:>8.1} pages/s wall, {py_cpu_pps:>8.1} pages/s CPU                mean F1 {py_f1:.3}"
            );
            if py_pps > 0.0 {
                println!("speed ratio    : {:.1}x wall-clock", rust_pps / py_pps);
            }
            if let Some(rust_cpu) = rust_cpu_pps.filter(|_| py_cpu_pps > 0.0) {
                println!("speed ratio    : {:.1}x CPU time", rust_cpu / py_cpu_pps);
            }
        }
        None => println!("trafilatura    : not run (python3 + trafilatura 2.3.1 needed)"),
    }
}

/// This process's CPU time in seconds (Linux `/proc/self/schedstat`, nanoseconds); `None` elsewhere.
fn cpu_time_secs() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/schedstat").ok()?;
    let nanos: f64 = stat.split_whitespace().next()?.parse().ok()?;
    Some(nanos / 1e9)
}

fn has_taskset() -> bool {
    Command::new("taskset")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Pins this process to CPU 0 so that both sides get one core.
fn pin_to_one_core() {
    if has_taskset() {
        let pid = std::process::id().to_string();
        let _ = Command::new("taskset").args(["-p", "-c", "0", &pid]).output();
    }
}
