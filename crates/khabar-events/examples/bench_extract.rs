//! Throughput: `cargo run --release -p khabar-events --example bench_extract [-- ROUNDS]`.
//! Extracts events from the devset sentences (as one-sentence articles) and from the shared samples, ROUNDS times.

use khabar_model::Article;
use std::time::Instant;

fn article(id: String, text: String, lang: &str) -> Article {
    Article {
        id,
        source_path: String::new(),
        url: None,
        source: None,
        title: None,
        published: chrono::NaiveDate::from_ymd_opt(2019, 3, 12),
        author: None,
        lang: lang.into(),
        text,
        removed: vec![],
        duplicate_of: None,
        story_id: None,
        content_hash: String::new(),
    }
}

fn main() {
    let rounds: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(20);
    let Ok(extractor) = khabar_events::EventExtractor::new() else {
        eprintln!("rules failed to load");
        std::process::exit(1);
    };
    let devset = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/devset/devset.jsonl"))
        .unwrap_or_default();
    let mut articles: Vec<Article> = Vec::new();
    for (i, line) in devset.lines().enumerate() {
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(line) {
            let text = v["text"].as_str().unwrap_or_default().to_string();
            let lang = v["lang"].as_str().unwrap_or("en").to_string();
            articles.push(article(format!("d{i}"), text, &lang));
        }
    }
    for (name, text) in khabar_testdata::samples() {
        let lang = if khabar_normalize::arabic_ratio(&text) > 0.3 {
            "ar"
        } else {
            "en"
        };
        articles.push(article(name, text, lang));
    }
    let chars: usize = articles.iter().map(|a| a.text.chars().count()).sum();
    let start = Instant::now();
    let mut events = 0usize;
    for _ in 0..rounds {
        for a in &articles {
            events += extractor.extract(a, &[]).len();
        }
    }
    let secs = start.elapsed().as_secs_f64().max(1e-9);
    let n = (articles.len() * rounds) as f64;
    println!(
        "{} articles x {rounds} rounds: {:.0} articles/s, {:.2} MB/s of text, {} events",
        articles.len(),
        n / secs,
        (chars * rounds) as f64 * 2.0 / 1e6 / secs,
        events
    );
}
