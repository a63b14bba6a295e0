//! Insert cost of the dedup index at 1k, 10k and 100k articles, and precision/recall on planted copies.
//!
//! Run: `cargo bench -p khabar-dedup --bench dedup` (add `-- 1000 10000` to pick sizes).
//! The corpus is synthetic: 300–900-word texts drawn from the vocabulary of the sample articles (English and
//! Arabic), 10% of them syndicated copies of an earlier text (one word in 60 replaced, another masthead/footer).

use khabar_dedup::{DedupConfig, DedupIndex};
use std::time::Instant;

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn vocabulary() -> Vec<String> {
    let mut words: Vec<String> = khabar_testdata::samples()
        .iter()
        .flat_map(|(_, text)| text.split_whitespace().map(str::to_string).collect::<Vec<_>>())
        .collect();
    if words.is_empty() {
        words = (0..5000).map(|i| format!("w{i}")).collect();
    }
    words
}

fn copy_of(text: &str, rng: &mut Rng) -> String {
    let mut out = String::from("HOME | WORLD | CONTACT\nAnother headline for the same wire\n");
    for (i, w) in text.split(' ').enumerate() {
        if i % 60 == 59 {
            out.push_str(if rng.below(2) == 0 {
                "reportedly"
            } else {
                "بحسب"
            });
        } else {
            out.push_str(w);
        }
        out.push(' ');
    }
    out.push_str("\nShare this: Facebook Twitter. © 2019 Another Site");
    out
}

/// CPU time of this thread (user + system); wall time is unreliable on a shared 2-core machine. 0 without /proc.
fn thread_cpu_seconds() -> f64 {
    khabar_model::cpu::thread_seconds().unwrap_or(0.0)
}

fn run(n: usize, vocab: &[String]) {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ n as u64);
    // Build the texts first so only inserts are timed.
    let mut texts: Vec<String> = Vec::with_capacity(n);
    let mut copy_source: Vec<Option<usize>> = Vec::with_capacity(n);
    for i in 0..n {
        if i > 10 && rng.below(10) == 0 {
            let src = rng.below(i);
            // Copies of copies are planted too; ground truth is the family's first text.
            let root = copy_source[src].unwrap_or(src);
            texts.push(copy_of(&texts[src], &mut rng));
            copy_source.push(Some(root));
        } else {
            let len = 300 + rng.below(600);
            let words: Vec<&str> = (0..len).map(|_| vocab[rng.below(vocab.len())].as_str()).collect();
            texts.push(words.join(" "));
            copy_source.push(None);
        }
    }
    let mut index = match DedupIndex::new(DedupConfig::default()) {
        Ok(index) => index,
        Err(e) => panic!("{e}"),
    };
    let (mut tp, mut fp, mut fneg) = (0usize, 0usize, 0usize);
    // The fingerprint alone (normalize, shingle, MinHash) on the first 1,000 texts.
    let sample = n.min(1000);
    let fingerprint_cpu_start = thread_cpu_seconds();
    for text in &texts[..sample] {
        std::hint::black_box(index.fingerprint(text));
    }
    let fingerprint_per = (thread_cpu_seconds() - fingerprint_cpu_start) * 1e6 / sample as f64;

    let start = Instant::now();
    let cpu_start = thread_cpu_seconds();
    for (i, text) in texts.iter().enumerate() {
        let found = index.insert(&i.to_string(), text);
        match (found, copy_source[i]) {
            (Some(d), Some(root)) if d.id == root.to_string() => tp += 1,
            (Some(_), _) => fp += 1,
            (None, Some(_)) => fneg += 1,
            (None, None) => {}
        }
    }
    let per = start.elapsed().as_secs_f64() * 1e6 / n as f64;
    let cpu_per = (thread_cpu_seconds() - cpu_start) * 1e6 / n as f64;
    let precision = tp as f64 / (tp + fp).max(1) as f64;
    let recall = tp as f64 / (tp + fneg).max(1) as f64;
    let stats = index.stats();
    println!(
        "dedup n={n:>7}: wall {per:7.1} µs/insert, cpu {cpu_per:7.1} (of which fingerprint ~{fingerprint_per:.0} cpu)  copies {tp}/{} found, precision {precision:.4} recall {recall:.4}, \
         {:.2} verifications/insert",
        tp + fneg,
        stats.verifications as f64 / n as f64
    );
}

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect::<Vec<_>>();
    let sizes = if sizes.is_empty() {
        vec![1_000, 10_000, 100_000]
    } else {
        sizes
    };
    let vocab = vocabulary();
    for n in sizes {
        run(n, &vocab);
    }
}
