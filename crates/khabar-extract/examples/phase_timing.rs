//! Times the phases of HTML extraction separately on a labelled page set (pre-strip, parse, Readability, full).
//!
//! `cargo run --release -p khabar-extract --example phase_timing [DIR]`
use khabar_extract::{load_pages, strip_non_content};
use std::path::PathBuf;
use std::time::Instant;

fn main() {
    let dir = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/eval/extraction"));
    let Ok(pages) = load_pages(&dir) else {
        eprintln!("cannot load {}", dir.display());
        std::process::exit(2);
    };
    let n = pages.len() as f64;
    let t = Instant::now();
    let mut bytes = 0;
    for p in &pages {
        bytes += strip_non_content(&p.html).len();
    }
    println!(
        "pre-strip          : {:>8.1} pages/s ({bytes} bytes kept)",
        n / t.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    for p in &pages {
        let doc = dom_query::Document::from(p.html.as_str());
        bytes += doc.root().children().len();
    }
    println!(
        "parse raw          : {:>8.1} pages/s",
        n / t.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    for p in &pages {
        let doc = dom_query::Document::from(strip_non_content(&p.html));
        bytes += doc.root().children().len();
    }
    println!(
        "strip + parse      : {:>8.1} pages/s",
        n / t.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    for p in &pages {
        let doc = dom_query::Document::from(strip_non_content(&p.html));
        if let Ok(mut r) = dom_smoothie::Readability::with_document(doc, None, None) {
            bytes += r.parse().map(|a| a.text_content.len()).unwrap_or(0);
        }
    }
    println!(
        "strip+parse+readab.: {:>8.1} pages/s",
        n / t.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    for p in &pages {
        bytes += khabar_extract::extract_html(&p.html, p.url.as_deref())
            .map(|e| e.text.len())
            .unwrap_or(0);
    }
    println!(
        "extract_html       : {:>8.1} pages/s ({bytes})",
        n / t.elapsed().as_secs_f64()
    );
}
