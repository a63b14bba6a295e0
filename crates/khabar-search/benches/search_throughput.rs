//! Indexing throughput and query latency on real-shaped articles.
//!
//! Articles are rebuilt from the sentences of the sample articles (Arabic and English, 12-30 sentences each, so
//! 1.5-4 KB like the real ones), with a title, a date and a few place mentions and events.
//!
//! ```text
//! cargo bench -p khabar-search --bench search_throughput            # 5000 articles
//! KHABAR_BENCH_N=20000 cargo bench -p khabar-search --bench search_throughput
//! ```

use std::time::{Duration, Instant};

use chrono::NaiveDate;
use khabar_model::cpu::process_seconds as cpu_seconds;
use khabar_model::{Article, DatePrecision, EntityKind, Event, EventFamily, Mention};
use khabar_search::{AliasExpander, NoExpansion, SearchIndex, SearchQuery};

/// xorshift64: deterministic, dependency-free.
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

struct Expander;
impl AliasExpander for Expander {
    fn expand(&self, term: &str) -> Vec<String> {
        match term.to_lowercase().as_str() {
            "baghouz" | "baghuz" => vec!["الباغوز".into(), "Baghuz".into(), "Al-Bagouz".into()],
            "raqqa" => vec!["الرقة".into(), "Rakka".into()],
            _ => Vec::new(),
        }
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: usize = std::env::var("KHABAR_BENCH_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5000);
    let mut pools: [Vec<String>; 2] = [Vec::new(), Vec::new()];
    for p in khabar_testdata::sample_files() {
        let text = std::fs::read_to_string(&p)?;
        let arabic = khabar_normalize::arabic_ratio(&text) > 0.5;
        for s in khabar_normalize::sentences(&text) {
            if s.text.chars().count() > 30 {
                pools[usize::from(arabic)].push(s.text);
            }
        }
    }
    let places = [
        ("Baghuz", "الباغوز", "geo:1"),
        ("Raqqa", "الرقة", "geo:2"),
        ("Hajin", "هجين", "geo:3"),
    ];
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let base = NaiveDate::from_ymd_opt(2019, 1, 1).ok_or("date")?;
    let mut docs = Vec::with_capacity(n);
    let mut bytes = 0usize;
    for i in 0..n {
        let arabic = i % 2 == 0;
        let pool = &pools[usize::from(arabic)];
        let len = 12 + rng.below(19);
        let body: Vec<&str> = (0..len).map(|_| pool[rng.below(pool.len())].as_str()).collect();
        let text = body.join("\n");
        bytes += text.len();
        let id = format!("bench-{i}");
        let place = places[rng.below(places.len())];
        let article = Article {
            id: id.clone(),
            source_path: id.clone(),
            url: None,
            source: None,
            title: Some(pool[rng.below(pool.len())].clone()),
            published: base.checked_add_days(chrono::Days::new(rng.below(365) as u64)),
            author: None,
            lang: if arabic { "ar" } else { "en" }.into(),
            text,
            removed: Vec::new(),
            duplicate_of: None,
            story_id: None,
            content_hash: String::new(),
        };
        let mention = Mention {
            article_id: id.clone(),
            mention: if arabic { place.1 } else { place.0 }.into(),
            span: [0, 1],
            kind: EntityKind::Place,
            canonical: Some(place.0.into()),
            canonical_ar: Some(place.1.into()),
            kb_id: Some(place.2.into()),
            lat: None,
            lon: None,
            country: None,
            confidence: 1.0,
        };
        let event = Event {
            id: format!("e{i}"),
            article_id: id,
            family: EventFamily::ALL[rng.below(EventFamily::ALL.len())],
            date: None,
            date_precision: DatePrecision::Unknown,
            place: Some(place.0.into()),
            place_kb_id: Some(place.2.into()),
            lat: None,
            lon: None,
            actors: Vec::new(),
            targets: Vec::new(),
            counts: Default::default(),
            hedged: false,
            attributed_to: Vec::new(),
            sentence: String::new(),
            span: [0, 0],
            story_id: None,
        };
        docs.push((article, vec![event], vec![mention]));
    }

    let dir = tempfile::tempdir()?;
    let mut index = SearchIndex::open(dir.path())?;
    let start = Instant::now();
    let cpu_start = cpu_seconds();
    for (a, e, m) in &docs {
        index.index_article(a, e, m)?;
    }
    index.commit()?;
    let took = start.elapsed();
    if let (Some(a), Some(b)) = (cpu_start, cpu_seconds()) {
        println!(
            "indexing CPU time {:.2} s: {:.0} docs per CPU-second",
            b - a,
            n as f64 / (b - a).max(0.01)
        );
    }
    println!(
        "indexed {n} articles ({:.1} MB) in {:.2} s: {:.0} docs/s, {:.2} MB/s; {} docs searchable",
        bytes as f64 / 1e6,
        took.as_secs_f64(),
        n as f64 / took.as_secs_f64(),
        bytes as f64 / 1e6 / took.as_secs_f64(),
        index.doc_count()
    );

    let queries: Vec<(&str, SearchQuery, bool)> = vec![
        ("ar one word", SearchQuery::text("الباغوز"), false),
        ("ar clitic form", SearchQuery::text("والباغوز"), false),
        (
            "ar three words",
            SearchQuery::text("قوات سوريا الديمقراطية"),
            false,
        ),
        ("en one word", SearchQuery::text("strikes"), false),
        (
            "en four words",
            SearchQuery::text("civilians killed in Baghouz"),
            true,
        ),
        ("expanded name", SearchQuery::text("Baghouz"), true),
        (
            "filters",
            SearchQuery {
                lang: Some("ar".into()),
                from: NaiveDate::from_ymd_opt(2019, 3, 1),
                to: NaiveDate::from_ymd_opt(2019, 3, 31),
                place: Some("geo:1".into()),
                family: Some(EventFamily::Airstrike),
                ..SearchQuery::text("داعش")
            },
            false,
        ),
    ];
    let rounds = 50;
    for (name, q, expand) in &queries {
        let expander: &dyn AliasExpander = if *expand { &Expander } else { &NoExpansion };
        let mut times: Vec<Duration> = Vec::with_capacity(rounds);
        let mut hits = 0;
        for _ in 0..rounds {
            let t = Instant::now();
            hits = index.search(q, expander)?.len();
            times.push(t.elapsed());
        }
        times.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        println!(
            "query {name:<16} top-{hits:<3} p50 {:.2} ms  p95 {:.2} ms  (20 hits with snippets)",
            ms(times[rounds / 2]),
            ms(times[rounds * 95 / 100])
        );
    }
    Ok(())
}
