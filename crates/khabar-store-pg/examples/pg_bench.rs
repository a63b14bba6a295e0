//! Measures the PostgreSQL store's costs against a running server: connect (with migration check), the exclusive
//! write of one article, HNSW `nearest` with and without a date window, and search.
//!
//! ```text
//! eval "$(scripts/services.sh start)"
//! cargo run --release -p khabar-store-pg --example pg_bench -- [articles=2000]
//! ```
//! It works in a fresh database `khabar_bench_<pid>`, dropped at the end.

use chrono::NaiveDate;
use khabar_model::{Article, EntityKind, Mention};
use khabar_store::{StoreOpener, StoreRead, StoredArticle};
use khabar_store_pg::{ArticleExtras, PgOpener, PgStore, INDEXED_DIMS};
use std::time::{Duration, Instant};

fn unit_vector(seed: u64, dims: usize) -> Vec<f32> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15).wrapping_add(1);
    let mut v: Vec<f32> = (0..dims)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 40) as f32 / (1u64 << 24) as f32 - 0.5
        })
        .collect();
    let n = v.iter().map(|a| a * a).sum::<f32>().sqrt();
    v.iter_mut().for_each(|a| *a /= n);
    v
}

fn per(total: Duration, n: usize) -> String {
    format!("{:.2} ms", total.as_secs_f64() * 1000.0 / n.max(1) as f64)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(2000);
    let admin = std::env::var("KHABAR_PG_URL")
        .map_err(|_| "set KHABAR_PG_URL (eval \"$(scripts/services.sh start)\")")?;
    let name = format!("khabar_bench_{}", std::process::id());
    let mut admin_client = postgres::Client::connect(&admin, postgres::NoTls)?;
    admin_client.batch_execute(&format!("CREATE DATABASE {name}"))?;
    let url = match admin.rsplit_once('/') {
        Some((server, _)) => format!("{server}/{name}"),
        None => return Err("KHABAR_PG_URL has no database name".into()),
    };

    let started = Instant::now();
    let mut store = PgStore::connect(&url)?;
    let first_connect = started.elapsed();
    let started = Instant::now();
    for _ in 0..20 {
        drop(PgStore::connect(&url)?);
    }
    let connect = started.elapsed();
    let opener = PgOpener { url: url.clone() };
    drop(opener.open()?);
    let started = Instant::now();
    for _ in 0..200 {
        let store = opener.open()?;
        store.article_count()?;
    }
    let pooled = started.elapsed();

    let body = "أعلنت قوات سوريا الديمقراطية السيطرة على مخيم الباغوز آخر الجيوب التي يسيطر عليها التنظيم شرقي دير الزور";
    let start = NaiveDate::from_ymd_opt(2019, 1, 1).ok_or("date")?;
    let (mut in_bands, mut in_nearest, mut in_write) = (Duration::ZERO, Duration::ZERO, Duration::ZERO);
    let started = Instant::now();
    for i in 0..n {
        let mut article = Article::from_text(format!("a{i}"), body);
        article.lang = "ar".into();
        article.published = if i % 10 == 0 {
            None
        } else {
            start.checked_add_days(chrono::Days::new((i % 365) as u64))
        };
        article.story_id = Some(format!("s{}", i / 3 + 1));
        let item = StoredArticle {
            article,
            raw_hash: format!("r{i}"),
            mentions: vec![Mention {
                article_id: format!("a{i}"),
                mention: "الباغوز".into(),
                span: [46, 53],
                kind: EntityKind::Place,
                canonical: Some("Baghuz".into()),
                canonical_ar: None,
                kb_id: Some("geonames:172408".into()),
                lat: None,
                lon: None,
                country: Some("SY".into()),
                confidence: 0.9,
            }],
            events: vec![],
            embedding: Some(unit_vector(i as u64, INDEXED_DIMS)),
        };
        let bands: Vec<i64> = (0..16).map(|b| (i as i64 % 97) * 100 + b).collect();
        let terms = format!("الباغوز باغوز قسد دير الزور tok{}", i % 50);
        store.exclusive(|tx| {
            let q = unit_vector(i as u64 + 7, INDEXED_DIMS);
            let t = Instant::now();
            tx.dedup_candidates(&bands)?;
            in_bands += t.elapsed();
            let t = Instant::now();
            tx.nearest(&q, None, None, 10)?;
            in_nearest += t.elapsed();
            let t = Instant::now();
            let ids = tx.write_article(
                &item,
                &ArticleExtras {
                    features: Some(&[0u8; 64]),
                    dedup: Some((&bands, &[1u8; 512])),
                    search_terms: Some(&terms),
                },
            );
            in_write += t.elapsed();
            ids
        })?;
    }
    let writes = started.elapsed();
    let mut raw = postgres::Client::connect(&url, postgres::NoTls)?;
    raw.batch_execute("ANALYZE articles")?;

    let queries = 200;
    let mut timings = Vec::new();
    for (label, from, to) in [
        ("nearest k=10, no window", None, None),
        (
            "nearest k=10, 30-day window",
            NaiveDate::from_ymd_opt(2019, 6, 1),
            NaiveDate::from_ymd_opt(2019, 6, 30),
        ),
    ] {
        let started = Instant::now();
        let mut rows = 0;
        for q in 0..queries {
            let v = unit_vector(1_000_000 + q as u64, INDEXED_DIMS);
            rows += store.exclusive(|tx| tx.nearest(&v, from, to, 10))?.len();
        }
        timings.push((label, started.elapsed(), rows as f64 / queries as f64));
    }
    let started = Instant::now();
    let mut hits = 0;
    for q in 0..queries {
        hits += store
            .search(
                &[
                    vec!["الباغوز".into(), "baghuz".into()],
                    vec![format!("tok{}", q % 50)],
                ],
                None,
                None,
                None,
                20,
            )?
            .len();
    }
    let search = started.elapsed();

    println!("PostgreSQL store, {n} articles (512-d embeddings, 16 band keys each)",);
    println!(
        "first connect + migrate: {:.1} ms",
        first_connect.as_secs_f64() * 1000.0
    );
    println!("connect (migrated):      {} each", per(connect, 20));
    println!("PgOpener open (pooled) + one count: {} each", per(pooled, 200));
    println!(
        "exclusive write (bands + nearest + write): {} per article, {:.0} articles/s",
        per(writes, n),
        n as f64 / writes.as_secs_f64()
    );
    println!(
        "  of which dedup_candidates {}, nearest {}, write_article {}; the rest is begin, lock, commit",
        per(in_bands, n),
        per(in_nearest, n),
        per(in_write, n)
    );
    for (label, t, rows) in timings {
        println!("{label}: {} per query, {rows:.1} rows", per(t, queries));
    }
    println!(
        "search (2 groups): {} per query, {:.1} hits",
        per(search, queries),
        hits as f64 / queries as f64
    );
    println!("stored articles: {}", store.article_count()?);
    drop(store);
    drop(raw);
    admin_client.batch_execute(&format!("DROP DATABASE {name} WITH (FORCE)"))?;
    Ok(())
}
