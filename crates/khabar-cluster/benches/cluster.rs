//! Per-article clustering cost at 1k, 10k and 100k synthetic articles.
//!
//! Run: `cargo bench -p khabar-cluster --bench cluster` (add sizes, e.g. `-- 1000 10000`, to pick them).
//! Articles are 512-d unit vectors around topic vectors (about 20 articles a topic, each topic spread over a week),
//! scored with plain cosine (the learned model's own cost is not included). Two date layouts:
//! - `steady`: a feed of 300 articles a day, so 100k articles span 11 months (the window holds a constant load);
//! - `dense`: all sizes squeezed into the same 180 days (the window load grows with the corpus: worst case).
//!
//! `KHABAR_BENCH_RETENTION_DAYS` overrides the retention (0 keeps every vector indexed), and
//! `KHABAR_BENCH_SPLIT_MIN_SIZE` the split setting (0: no splits, to see what the split checks cost).
//!
//! Besides µs/article it prints purity (share of articles whose story's majority topic is their own) and stories
//! per topic (1.0 = no fragmentation).

use chrono::NaiveDate;
use khabar_cluster::{ClusterConfig, ClusterDoc, StoryClusterer};
use std::collections::HashMap;
use std::time::Instant;

const DIM: usize = 512;
const PER_TOPIC: usize = 20;

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn uniform(&mut self) -> f32 {
        (self.next() >> 40) as f32 / (1u64 << 24) as f32
    }
    fn gaussian(&mut self) -> f32 {
        (0..4).map(|_| self.uniform()).sum::<f32>() - 2.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn unit(v: Vec<f32>) -> Vec<f32> {
    let n = v.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-12);
    v.into_iter().map(|x| x / n).collect()
}

fn cosine(a: &ClusterDoc<u32>, b: &ClusterDoc<u32>) -> f32 {
    a.embedding.iter().zip(&b.embedding).map(|(x, y)| x * y).sum()
}

fn corpus(n: usize, span_days: i64, rng: &mut Rng) -> Vec<ClusterDoc<u32>> {
    let topics = (n / PER_TOPIC).max(1);
    let start = NaiveDate::from_ymd_opt(2019, 1, 1).unwrap_or_default();
    let centers: Vec<(Vec<f32>, i64)> = (0..topics)
        .map(|_| {
            let v = unit((0..DIM).map(|_| rng.gaussian()).collect());
            (v, rng.below(span_days.max(1) as usize) as i64)
        })
        .collect();
    let mut docs: Vec<(i64, ClusterDoc<u32>)> = (0..n)
        .map(|i| {
            let t = rng.below(topics);
            let (topic, center) = &centers[t];
            let noise = unit((0..DIM).map(|_| rng.gaussian()).collect());
            let embedding = unit(topic.iter().zip(&noise).map(|(a, b)| a + 0.8 * b).collect());
            let day = center + rng.below(7) as i64 - 3;
            let published = start.checked_add_signed(chrono::Duration::days(day));
            (
                day,
                ClusterDoc {
                    article_id: format!("a{i}"),
                    title: None,
                    published,
                    lang: if i % 2 == 0 { "ar".into() } else { "en".into() },
                    embedding,
                    features: t as u32,
                },
            )
        })
        .collect();
    // A feed arrives roughly in date order.
    docs.sort_by_key(|(day, doc)| (*day, doc.article_id.len(), doc.article_id.clone()));
    docs.into_iter().map(|(_, d)| d).collect()
}

/// CPU time of this thread (user + system); wall time is unreliable on a shared 2-core machine. 0 without /proc.
fn thread_cpu_seconds() -> f64 {
    khabar_model::cpu::thread_seconds().unwrap_or(0.0)
}

fn run(label: &str, n: usize, span_days: i64) {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d ^ n as u64);
    let docs = corpus(n, span_days, &mut rng);
    let mut config = ClusterConfig::default();
    if let Some(days) = std::env::var("KHABAR_BENCH_RETENTION_DAYS")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        config.retention_days = days;
    }
    if let Some(size) = std::env::var("KHABAR_BENCH_SPLIT_MIN_SIZE")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        config.split_min_size = size;
    }
    let mut clusterer: StoryClusterer<u32> = StoryClusterer::new(config);
    let topic_of: HashMap<String, u32> = docs.iter().map(|d| (d.article_id.clone(), d.features)).collect();
    let started = Instant::now();
    let cpu_started = thread_cpu_seconds();
    let tail_from = n - n / 10;
    let mut cpu_tail_started = cpu_started;
    // CPU µs/article of each tenth of the stream: flat tenths = cost independent of corpus size so far.
    let tenth = (n / 10).max(1);
    let mut tenths = Vec::new();
    let mut tenth_started = cpu_started;
    for (i, doc) in docs.into_iter().enumerate() {
        if i == tail_from {
            cpu_tail_started = thread_cpu_seconds();
        }
        clusterer.add(doc, &cosine);
        if (i + 1) % tenth == 0 {
            let now = thread_cpu_seconds();
            tenths.push(format!("{:.0}", (now - tenth_started) * 1e6 / tenth as f64));
            tenth_started = now;
        }
    }
    let per = started.elapsed().as_secs_f64() * 1e6 / n as f64;
    let cpu_end = thread_cpu_seconds();
    let cpu_per = (cpu_end - cpu_started) * 1e6 / n as f64;
    let cpu_tail_per = (cpu_end - cpu_tail_started) * 1e6 / (n - tail_from).max(1) as f64;
    let stories = clusterer.stories();
    let mut pure = 0usize;
    let mut topics_seen: HashMap<u32, usize> = HashMap::new();
    for s in &stories {
        let mut counts: HashMap<u32, usize> = HashMap::new();
        for id in &s.article_ids {
            if let Some(t) = topic_of.get(id) {
                *counts.entry(*t).or_default() += 1;
            }
        }
        pure += counts.values().max().copied().unwrap_or(0);
        if let Some((t, _)) = counts.iter().max_by_key(|(t, c)| (**c, std::cmp::Reverse(**t))) {
            *topics_seen.entry(*t).or_default() += 1;
        }
    }
    let stats = clusterer.stats();
    println!(
        "cluster {label:>6} n={n:>7} span={span_days:>3}d: wall {per:7.1} µs/article, cpu {cpu_per:7.1}, cpu last 10% \
         {cpu_tail_per:7.1}  purity {:.3}  stories/topic {:.2}  merges {}  splits {}  indexed {}",
        pure as f64 / n as f64,
        stories.len() as f64 / topics_seen.len().max(1) as f64,
        stats.merges,
        stats.splits,
        clusterer.indexed()
    );
    println!("    cpu µs/article by tenth of the stream: {}", tenths.join(" "));
}

fn main() {
    let sizes: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let sizes = if sizes.is_empty() {
        vec![1_000, 10_000, 100_000]
    } else {
        sizes
    };
    for &n in &sizes {
        run("steady", n, (n as i64 / 300).max(1));
    }
    for &n in &sizes {
        run("dense", n, 180);
    }
}
