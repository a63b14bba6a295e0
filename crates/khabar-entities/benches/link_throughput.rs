//! Entity-linking throughput on one core: ~600-word English and Arabic articles made from the shared samples.
//!
//! `cargo bench -p khabar-entities --bench link_throughput` (uses the built KB under `$KHABAR_DATA/kb` when present).

use khabar_entities::{EntityLinker, KnowledgeBase};
use khabar_model::Article;
use std::sync::Arc;
use std::time::Instant;

fn article(id: usize, text: String) -> Article {
    Article::from_text(format!("a{id}"), text)
}

/// Cuts or repeats a text to about `words` words.
fn sized(text: &str, words: usize) -> String {
    let all: Vec<&str> = text.split_whitespace().collect();
    if all.is_empty() {
        return String::new();
    }
    let mut out: Vec<&str> = Vec::with_capacity(words);
    while out.len() < words {
        let take = (words - out.len()).min(all.len());
        out.extend_from_slice(&all[..take]);
    }
    out.join(" ")
}

/// CPU seconds used by this process so far (all threads); 0 where /proc is unavailable.
fn cpu_seconds() -> f64 {
    khabar_model::cpu::process_seconds().unwrap_or(0.0)
}

fn main() {
    let t = Instant::now();
    let kb = KnowledgeBase::load(&khabar_entities::default_data_dir()).expect("kb loads");
    println!(
        "kb loaded in {:.3}s (gazetteer: {})",
        t.elapsed().as_secs_f64(),
        kb.has_gazetteer()
    );
    let linker = EntityLinker::new(Arc::new(kb));
    let mut texts: Vec<String> = khabar_testdata::samples()
        .iter()
        .map(|(_, t)| sized(t, 600))
        .collect();
    if texts.is_empty() {
        let en =
            "Syrian Democratic Forces said on Monday they took Baghuz from Islamic State, according to AFP. ";
        let ar =
            "أعلنت قوات سوريا الديمقراطية قسد السيطرة على بلدة الباغوز شرق الفرات بحسب وكالة فرانس برس. ";
        texts.push(sized(&en.repeat(50), 600));
        texts.push(sized(&ar.repeat(50), 600));
    }
    let articles: Vec<Article> = texts
        .into_iter()
        .enumerate()
        .map(|(i, t)| article(i, t))
        .collect();
    let words: usize = articles.iter().map(|a| a.text.split_whitespace().count()).sum();
    // Warm up, then run for about three seconds.
    let mut mentions = 0usize;
    for a in &articles {
        mentions += linker.link(a).len();
    }
    let t = Instant::now();
    let cpu0 = cpu_seconds();
    let mut done = 0usize;
    while t.elapsed().as_secs_f64() < 3.0 {
        for a in &articles {
            mentions += linker.link(a).len();
            done += 1;
        }
    }
    let secs = t.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu0;
    println!(
        "{} articles ({:.0} words each) in {:.2}s on one thread: {:.0} articles/s, {:.0} words/s ({} mentions)",
        done,
        words as f64 / articles.len().max(1) as f64,
        secs,
        done as f64 / secs,
        done as f64 * words as f64 / articles.len().max(1) as f64 / secs,
        mentions
    );
    if cpu > 0.0 {
        println!(
            "CPU time {:.2}s: {:.0} articles per CPU-second",
            cpu,
            done as f64 / cpu
        );
    }
}
