//! Integration tests against a real PostgreSQL 18 + pgvector server: `KHABAR_PG_URL`, or else the one
//! `scripts/services.sh start` brings up. Each test works in its own fresh database, so they run in parallel.

use chrono::NaiveDate;
use khabar_model::{
    Article, CountRange, CountRole, DatePrecision, EntityKind, Event, EventFamily, Mention, Removed, Story,
};
use khabar_store::{Presence, Store, StoreOpener, StoreRead, StoredArticle};
use khabar_store_pg::{
    is_connection_error, ArticleExtras, ConnectOptions, PgOpener, PgStore, SCHEMA_VERSION,
};
use std::collections::BTreeMap;

use khabar_store_pg::testing::TestDb;

/// Test-only conveniences on the shared helper.
trait TestDbExt {
    fn connect(&self) -> PgStore;
    fn admin(&self) -> postgres::Client;
    fn raw(&self) -> postgres::Client;
}

impl TestDbExt for TestDb {
    fn connect(&self) -> PgStore {
        PgStore::connect(&self.url).expect("connect to test database")
    }

    fn admin(&self) -> postgres::Client {
        postgres::Client::connect(&self.admin, postgres::NoTls).expect("admin connection")
    }

    fn raw(&self) -> postgres::Client {
        postgres::Client::connect(&self.url, postgres::NoTls).expect("raw connection")
    }
}

macro_rules! db_or_skip {
    () => {
        match TestDb::new() {
            Some(db) => db,
            None => return,
        }
    };
}

const BODY: &str = "أعلنت قوات سوريا الديمقراطية \"قسد\" المدعومة من التحالف السيطرة على مخيم الباغوز، آخر \
الجيوب التي يسيطر عليها تنظيم \"داعش\" شرقي ديرالزور. وقال المركز الإعلامي التابع لقوات \"قسد\" إن \
\"قواتنا سيطرت على مخيم الباغوز بشكل نهائي\". وأفادت وكالة سانا بمقتل 50 مدنياً في غارة للتحالف.";

fn article(id: &str, published: Option<NaiveDate>) -> Article {
    Article {
        id: id.into(),
        source_path: format!("samples/{id}.txt"),
        url: Some(format!("https://www.baladi-news.com/ar/articles/{id}")),
        source: Some("بلدي نيوز".into()),
        title: Some("\"قسد\" تعلن السيطرة على آخر معاقل داعش في سوريا".into()),
        published,
        author: None,
        lang: "ar".into(),
        text: BODY.into(),
        removed: vec![Removed {
            text: "مقالات ذات صلة".into(),
            reason: "related".into(),
        }],
        duplicate_of: None,
        story_id: None,
        content_hash: format!("hash-{id}"),
    }
}

fn char_span(text: &str, needle: &str) -> [usize; 2] {
    let byte = text.find(needle).expect("needle in text");
    let start = text[..byte].chars().count();
    [start, start + needle.chars().count()]
}

fn mention(article_id: &str) -> Mention {
    Mention {
        article_id: article_id.into(),
        mention: "الباغوز".into(),
        span: char_span(BODY, "الباغوز"),
        kind: EntityKind::Place,
        canonical: Some("Baghuz".into()),
        canonical_ar: Some("الباغوز".into()),
        kb_id: Some("geonames:172408".into()),
        lat: Some(34.4569),
        lon: Some(40.9403),
        country: Some("SY".into()),
        confidence: 0.93,
    }
}

fn event(family: EventFamily, killed: u64) -> Event {
    let mut counts = BTreeMap::new();
    counts.insert(CountRole::Killed, CountRange::exact(killed));
    let sentence = "وأفادت وكالة سانا بمقتل 50 مدنياً في غارة للتحالف.";
    Event {
        id: String::new(),
        article_id: String::new(),
        family,
        date: NaiveDate::from_ymd_opt(2019, 3, 10),
        date_precision: DatePrecision::Day,
        place: Some("Baghuz".into()),
        place_kb_id: Some("geonames:172408".into()),
        lat: Some(34.4569),
        lon: Some(40.9403),
        actors: vec!["International Coalition".into()],
        targets: vec!["civilians".into()],
        counts,
        hedged: false,
        attributed_to: vec!["SANA".into()],
        sentence: sentence.into(),
        span: char_span(BODY, sentence),
        story_id: None,
    }
}

fn stored(id: &str, published: Option<NaiveDate>) -> StoredArticle {
    StoredArticle {
        article: article(id, published),
        raw_hash: format!("raw-{id}"),
        mentions: vec![mention(id)],
        events: vec![event(EventFamily::Airstrike, 50), event(EventFamily::Battle, 4)],
        embedding: None,
    }
}

fn day(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

#[test]
fn migrations_are_idempotent_and_concurrent_starts_migrate_once() {
    let db = db_or_skip!();
    // An empty database at v0, then four workers starting together.
    let v0 = PgStore::connect_at_version(&db.url, ConnectOptions::default(), 0).unwrap();
    assert_eq!(v0.schema_version().unwrap(), 0);
    drop(v0);
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let url = db.url.clone();
            std::thread::spawn(move || PgStore::connect(&url).map(|s| s.schema_version()))
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap().unwrap().unwrap(), SCHEMA_VERSION);
    }
    let mut store = db.connect();
    store
        .write_article(&stored("a1", day(2019, 3, 23)), &ArticleExtras::default())
        .unwrap();
    drop(store);
    let store = db.connect();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    assert_eq!(store.article_count().unwrap(), 1);
    let rows: i64 = db
        .raw()
        .query_one("SELECT COUNT(*) FROM schema_version", &[])
        .unwrap()
        .get(0);
    assert_eq!(rows, i64::from(SCHEMA_VERSION));
    // A newer schema is refused.
    db.raw()
        .execute(
            "INSERT INTO schema_version (version) VALUES ($1)",
            &[&(SCHEMA_VERSION + 1)],
        )
        .unwrap();
    match PgStore::connect(&db.url) {
        Err(khabar_store::StoreError::TooNew { found, .. }) => {
            assert_eq!(found, i64::from(SCHEMA_VERSION + 1))
        }
        other => panic!("expected TooNew, got {:?}", other.err()),
    }
}

#[test]
fn an_arabic_article_round_trips_with_mentions_and_events() {
    let db = db_or_skip!();
    let mut store = db.connect();
    let a1 = stored("a1", day(2019, 3, 23));
    let mut a2 = stored("a2", None);
    a2.events = vec![event(EventFamily::Shelling, 3)];
    a2.mentions = vec![];
    let ids = store
        .exclusive(|tx| {
            assert_eq!(tx.presence("a1", "raw-a1")?, Presence::Absent);
            let mut ids = tx.write_article(&a1, &ArticleExtras::default())?;
            ids.extend(tx.write_article(&a2, &ArticleExtras::default())?);
            Ok(ids)
        })
        .unwrap();
    assert_eq!(ids, vec!["e1", "e2", "e3"]);

    assert_eq!(store.article_count().unwrap(), 2);
    assert_eq!(
        store.articles().unwrap(),
        vec![a1.article.clone(), a2.article.clone()]
    );
    assert_eq!(store.article("a1").unwrap(), Some(a1.article.clone()));
    assert_eq!(store.article("nope").unwrap(), None);
    assert_eq!(store.mentions().unwrap(), vec![mention("a1")]);
    assert_eq!(
        store.mentions_of("a1").unwrap()[0].span,
        char_span(BODY, "الباغوز")
    );
    let events = store.events().unwrap();
    assert_eq!(
        events
            .iter()
            .map(|e| (e.id.as_str(), e.article_id.as_str()))
            .collect::<Vec<_>>(),
        vec![("e1", "a1"), ("e2", "a1"), ("e3", "a2")]
    );
    assert_eq!(events[0].counts[&CountRole::Killed], CountRange::exact(50));
    assert_eq!(events[0].family, EventFamily::Airstrike);
    assert_eq!(store.events_of("a2").unwrap()[0].family, EventFamily::Shelling);
    assert_eq!(store.presence("a1", "raw-a1").unwrap(), Presence::Same);
    assert_eq!(store.presence("a1", "raw-other").unwrap(), Presence::Changed);
    assert_eq!(store.presence("zz", "raw-a1").unwrap(), Presence::Absent);
    store.record_rejected("feed.jsonl:7", "not JSON").unwrap();
    assert_eq!(
        store.rejected().unwrap(),
        vec![("feed.jsonl:7".to_string(), "not JSON".to_string())]
    );
    assert!(store.check_consistency().unwrap().is_empty());

    // The trait objects the API uses see the same data.
    let opener = PgOpener { url: db.url.clone() };
    assert!(!opener.describe().contains(":khabar@"), "{}", opener.describe());
    let boxed = opener.open().unwrap();
    assert_eq!(boxed.article_count().unwrap(), 2);
    assert_eq!(boxed.events_of("a1").unwrap().len(), 2);
}

#[test]
fn a_rewrite_replaces_the_article_and_everything_hanging_off_it() {
    let db = db_or_skip!();
    let mut store = db.connect();
    let first = stored("a1", day(2019, 3, 23));
    let extras = ArticleExtras {
        features: Some(b"feat-v1"),
        dedup: Some((&[11, 12, 13], b"fp-v1")),
        search_terms: Some("الباغوز قسد"),
    };
    assert_eq!(store.write_article(&first, &extras).unwrap(), vec!["e1", "e2"]);
    let mut second = first.clone();
    second.raw_hash = "raw-a1-v2".into();
    second.article.text = "نص محدث".into();
    second.mentions = vec![];
    second.events = vec![event(EventFamily::Battle, 7)];
    let extras2 = ArticleExtras {
        dedup: Some((&[21], b"fp-v2")),
        ..ArticleExtras::default()
    };
    let ids = store.exclusive(|tx| tx.write_article(&second, &extras2)).unwrap();
    assert_eq!(ids, vec!["e3"], "event ids are never reused");
    assert_eq!(store.article_count().unwrap(), 1);
    assert_eq!(store.article("a1").unwrap().unwrap().text, "نص محدث");
    assert!(store.mentions().unwrap().is_empty());
    assert_eq!(store.events().unwrap().len(), 1);
    assert_eq!(store.presence("a1", "raw-a1-v2").unwrap(), Presence::Same);
    let (old, new) = store
        .exclusive(|tx| Ok((tx.dedup_candidates(&[11, 12])?, tx.dedup_candidates(&[21])?)))
        .unwrap();
    assert!(old.is_empty(), "old band keys went with the old version");
    assert_eq!(new, vec![("a1".to_string(), b"fp-v2".to_vec())]);
    assert!(store
        .search(&[vec!["الباغوز".into()]], None, None, None, 10)
        .unwrap()
        .is_empty());
    assert!(store.check_consistency().unwrap().is_empty());
}

/// A deterministic pseudo-random unit vector.
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
    let norm = v.iter().map(|a| a * a).sum::<f32>().sqrt();
    v.iter_mut().for_each(|a| *a /= norm);
    v
}

fn cosine_distance(a: &[f32], b: &[f32]) -> f64 {
    let dot: f64 = a.iter().zip(b).map(|(x, y)| f64::from(*x) * f64::from(*y)).sum();
    let na: f64 = a.iter().map(|x| f64::from(*x).powi(2)).sum::<f64>().sqrt();
    let nb: f64 = b.iter().map(|x| f64::from(*x).powi(2)).sum::<f64>().sqrt();
    1.0 - dot / (na * nb)
}

/// `query` pushed off by `amount` in a direction orthogonal to it: cosine distance exactly
/// `1 - 1/sqrt(1 + amount²)`, so planted neighbours have a known order.
fn planted(query: &[f32], seed: u64, amount: f32) -> Vec<f32> {
    let n = unit_vector(seed, query.len());
    let along: f32 = n.iter().zip(query).map(|(a, b)| a * b).sum();
    let ortho: Vec<f32> = n.iter().zip(query).map(|(a, b)| a - along * b).collect();
    let norm = ortho.iter().map(|a| a * a).sum::<f32>().sqrt();
    query
        .iter()
        .zip(&ortho)
        .map(|(q, o)| q + amount * o / norm)
        .collect()
}

#[test]
fn nearest_finds_the_right_neighbours_within_a_date_window_and_keeps_undated_ones() {
    let db = db_or_skip!();
    let mut store = db.connect();
    let dims = khabar_store_pg::INDEXED_DIMS;
    let query = unit_vector(7, dims);
    // 420 articles: n0..n399 one a day from 2019-01-01, n400..n419 undated; n{i} with i % 10 == 5 are duplicates
    // (405 excepted). Planted neighbours, nearest first: n405 (undated), n0, n37, n74, … n370 (every 37th day).
    let start = NaiveDate::from_ymd_opt(2019, 1, 1).unwrap();
    let mut order: Vec<u64> = vec![405];
    order.extend((0..400).step_by(37));
    let mut all = Vec::new();
    store
        .transaction(|tx| {
            for i in 0..420u64 {
                let published = if i >= 400 {
                    None
                } else {
                    start.checked_add_days(chrono::Days::new(i))
                };
                let v = match order.iter().position(|p| *p == i) {
                    Some(j) => planted(&query, 1000 + i, 0.1 + 0.05 * j as f32),
                    None => unit_vector(1000 + i, dims),
                };
                let mut item = stored(&format!("n{i}"), published);
                item.events.clear();
                item.mentions.clear();
                item.article.duplicate_of = (i % 10 == 5 && i != 405).then(|| "n0".to_string());
                item.article.story_id = Some(format!("s{}", i % 7));
                item.embedding = Some(v.clone());
                let features = i.to_le_bytes();
                tx.write_article(
                    &item,
                    &ArticleExtras {
                        features: Some(&features),
                        ..Default::default()
                    },
                )?;
                all.push((
                    item.article.id.clone(),
                    published,
                    v,
                    item.article.duplicate_of.is_some(),
                ));
            }
            Ok(())
        })
        .unwrap();

    // Like production (autovacuum analyzes), the 512-d queries below go through the HNSW index, filters included.
    db.raw().batch_execute("ANALYZE articles").unwrap();
    for (from, to) in [(None, None), (day(2019, 2, 1), day(2019, 2, 12))] {
        let plan = store
            .exclusive(|tx| tx.explain_nearest(&query, from, to, 10))
            .unwrap();
        assert!(
            plan.contains("Index Scan using articles_embedding_hnsw"),
            "{plan}"
        );
    }

    // Brute force: every candidate by exact cosine distance.
    let brute = |from: Option<NaiveDate>, to: Option<NaiveDate>, k: usize| -> Vec<String> {
        let mut c: Vec<(f64, String)> = all
            .iter()
            .filter(|(_, p, _, dup)| {
                !dup && p.is_none_or(|p| from.is_none_or(|f| p >= f) && to.is_none_or(|t| p <= t))
            })
            .map(|(id, _, v, _)| (cosine_distance(&query, v), id.clone()))
            .collect();
        c.sort_by(|a, b| a.0.total_cmp(&b.0));
        c.into_iter().take(k).map(|(_, id)| id).collect()
    };
    let names = |v: &[u64]| v.iter().map(|i| format!("n{i}")).collect::<Vec<_>>();

    // No window: the ten nearest are the planted ones in their order; n185 (planted, a duplicate) is skipped.
    let got = store.exclusive(|tx| tx.nearest(&query, None, None, 10)).unwrap();
    let ids: Vec<String> = got.iter().map(|n| n.article_id.clone()).collect();
    assert_eq!(ids, names(&[405, 0, 37, 74, 111, 148, 222, 259, 296, 333]));
    assert_eq!(ids, brute(None, None, 10));
    assert!(got.windows(2).all(|w| w[0].distance <= w[1].distance));
    let first = &got[1];
    assert_eq!(first.article_id, "n0");
    assert_eq!(first.published, day(2019, 1, 1));
    assert_eq!(first.embedding, all[0].2);
    assert_eq!(first.features.as_deref(), Some(&0u64.to_le_bytes()[..]));
    assert_eq!(first.story_id.as_deref(), Some("s0"));
    assert!((first.distance - cosine_distance(&query, &all[0].2)).abs() < 1e-4);
    assert!(got[0].published.is_none());

    // Narrow windows keep only dated articles inside them plus the undated ones, and still return k rows.
    for (from, to, k, planted_in) in [
        (day(2019, 2, 1), day(2019, 2, 12), 8, vec![405, 37]),
        (day(2019, 12, 1), None, 25, vec![405, 370]),
        (None, day(2019, 1, 20), 12, vec![405, 0]),
    ] {
        let got = store.exclusive(|tx| tx.nearest(&query, from, to, k)).unwrap();
        let ids: Vec<String> = got.iter().map(|n| n.article_id.clone()).collect();
        assert_eq!(ids.len(), k, "{from:?}..{to:?}: {ids:?}");
        assert_eq!(
            ids[..planted_in.len()],
            names(&planted_in)[..],
            "{from:?}..{to:?}"
        );
        for n in &got {
            let i: u64 = n.article_id[1..].parse().unwrap();
            assert!(i % 10 != 5 || i == 405, "duplicate {} returned", n.article_id);
            assert!(
                n.published.is_none()
                    || (from.is_none_or(|f| n.published >= Some(f)) && (to.is_none() || n.published <= to)),
                "{} published {:?} is outside {from:?}..{to:?}",
                n.article_id,
                n.published
            );
        }
        // Past the planted ones the candidates are random vectors at nearly equal distances (the hard case for an
        // approximate index): most of the exact answer must still be there.
        let exact = brute(from, to, k);
        let hit = ids.iter().filter(|id| exact.contains(id)).count();
        assert!(
            hit * 10 >= k * 8,
            "{from:?}..{to:?}: recall {hit}/{k}: {ids:?} vs {exact:?}"
        );
    }

    // Another dimension is answered by an exact scan, never mixed with the 512-d vectors.
    let mut small = stored("tiny", None);
    small.embedding = Some(vec![1.0, 0.0, 0.0]);
    store.write_article(&small, &ArticleExtras::default()).unwrap();
    let got = store
        .exclusive(|tx| tx.nearest(&[0.9, 0.1, 0.0], None, None, 5))
        .unwrap();
    assert_eq!(
        got.iter().map(|n| n.article_id.as_str()).collect::<Vec<_>>(),
        vec!["tiny"]
    );
    assert!(store
        .exclusive(|tx| tx.nearest(&query, None, None, 0))
        .unwrap()
        .is_empty());
}

#[test]
fn dedup_candidates_share_a_band_and_come_oldest_first() {
    let db = db_or_skip!();
    let mut store = db.connect();
    store
        .exclusive(|tx| {
            for (id, bands, fp) in [
                ("a1", &[1i64, 2, 3][..], &b"fp1"[..]),
                ("a2", &[3, 4][..], b"fp2"),
                ("a3", &[5, 5][..], b"fp3"),
            ] {
                let mut item = stored(id, None);
                item.events.clear();
                tx.write_article(
                    &item,
                    &ArticleExtras {
                        dedup: Some((bands, fp)),
                        ..Default::default()
                    },
                )?;
            }
            // An article without an index entry is never a candidate.
            tx.write_article(&stored("a4", None), &ArticleExtras::default())?;
            Ok(())
        })
        .unwrap();
    let got = store
        .exclusive(|tx| {
            Ok((
                tx.dedup_candidates(&[3])?,
                tx.dedup_candidates(&[5, 1])?,
                tx.dedup_candidates(&[99])?,
                tx.dedup_candidates(&[])?,
            ))
        })
        .unwrap();
    let ids = |v: &Vec<(String, Vec<u8>)>| v.iter().map(|(id, _)| id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&got.0), vec!["a1", "a2"]);
    assert_eq!(got.0[1].1, b"fp2".to_vec());
    assert_eq!(ids(&got.1), vec!["a1", "a3"]);
    assert!(got.2.is_empty() && got.3.is_empty());
}

#[test]
fn exclusive_serialises_concurrent_workers_and_rolls_back_on_error() {
    let db = db_or_skip!();
    let workers: Vec<_> = (0..2)
        .map(|_| {
            let url = db.url.clone();
            std::thread::spawn(move || {
                let mut store = PgStore::connect(&url).unwrap();
                for _ in 0..50 {
                    store
                        .exclusive(|tx| {
                            let n = tx
                                .get_state("counter")?
                                .and_then(|b| <[u8; 8]>::try_from(b.as_slice()).ok())
                                .map(u64::from_le_bytes)
                                .unwrap_or(0);
                            // Widen the race window: without the lock the other worker reads the same value.
                            std::thread::sleep(std::time::Duration::from_millis(2));
                            tx.put_state("counter", &(n + 1).to_le_bytes())
                        })
                        .unwrap();
                }
            })
        })
        .collect();
    for w in workers {
        w.join().unwrap();
    }
    let mut store = db.connect();
    let value = store.get_state("counter").unwrap().unwrap();
    assert_eq!(u64::from_le_bytes(value.try_into().unwrap()), 100);

    // A failure inside the section leaves nothing behind.
    let err = store
        .exclusive(|tx| {
            tx.write_article(&stored("half", None), &ArticleExtras::default())?;
            tx.put_state("counter", b"x")?;
            Err::<(), _>(khabar_store::StoreError::Backend {
                backend: "test",
                message: "clustering failed".into(),
            })
        })
        .unwrap_err();
    assert!(err.to_string().contains("clustering failed"));
    assert_eq!(store.article("half").unwrap(), None);
    assert_eq!(store.events().unwrap().len(), 0);
    assert_eq!(store.get_state("counter").unwrap().map(|v| v.len()), Some(8));
}

#[test]
fn stories_get_sequential_ids_merge_and_list_in_numeric_order() {
    let db = db_or_skip!();
    let mut store = db.connect();
    let story = |id: &str, members: &[&str]| Story {
        id: id.into(),
        title: Some("قسد تعلن السيطرة على الباغوز".into()),
        article_ids: members.iter().map(|m| m.to_string()).collect(),
        langs: vec!["ar".into()],
        first_published: day(2019, 3, 23),
        last_published: day(2019, 3, 23),
        places: vec!["Baghuz".into()],
        event_ids: vec![],
        conflicts: vec![],
    };
    store
        .exclusive(|tx| {
            let ids: Vec<String> = (0..10).map(|_| tx.next_story_id()).collect::<Result<_, _>>()?;
            assert_eq!(ids.first().map(String::as_str), Some("s1"));
            assert_eq!(ids.last().map(String::as_str), Some("s10"));
            for (id, sid) in [("a1", "s2"), ("a2", "s2"), ("a3", "s10")] {
                let mut item = stored(id, day(2019, 3, 23));
                item.article.story_id = Some(sid.into());
                tx.write_article(&item, &ArticleExtras::default())?;
            }
            tx.put_story(&story("s10", &["a3"]))?;
            tx.put_story(&story("s2", &["a1", "a2"]))?;
            Ok(())
        })
        .unwrap();
    assert_eq!(
        store
            .stories()
            .unwrap()
            .iter()
            .map(|s| s.id.as_str())
            .collect::<Vec<_>>(),
        vec!["s2", "s10"]
    );
    assert!(store
        .events_of("a1")
        .unwrap()
        .iter()
        .all(|e| e.story_id.as_deref() == Some("s2")));
    assert!(store.check_consistency().unwrap().is_empty());

    store
        .exclusive(|tx| {
            tx.merge_stories(&["s10".into(), "s2".into()], "s2")?;
            let members = tx.story_members("s2")?;
            assert_eq!(
                members.iter().map(|a| a.id.as_str()).collect::<Vec<_>>(),
                vec!["a1", "a2", "a3"]
            );
            tx.put_story(&story("s2", &["a1", "a2", "a3"]))?;
            assert_eq!(tx.story("s10")?, None);
            assert_eq!(tx.events_of("a3")?[0].story_id.as_deref(), Some("s2"));
            assert_eq!(tx.mentions_of("a3")?.len(), 1);
            assert_eq!(tx.next_story_id()?, "s11");
            Ok(())
        })
        .unwrap();
    assert_eq!(store.stories().unwrap(), vec![story("s2", &["a1", "a2", "a3"])]);
    assert!(store.check_consistency().unwrap().is_empty());

    store.exclusive(|tx| tx.delete_story("s2")).unwrap();
    assert!(store.stories().unwrap().is_empty());
    assert_eq!(store.article("a1").unwrap().unwrap().story_id, None);
    assert!(store.check_consistency().unwrap().is_empty());
}

#[test]
fn search_matches_arabic_tokens_with_alias_groups_and_filters() {
    let db = db_or_skip!();
    let mut store = db.connect();
    let docs = [
        (
            "ar1",
            "ar",
            day(2019, 3, 23),
            "قسد تعلن السيطرة على مخيم الباغوز باغوز غارة التحالف مقتل مدنيين",
        ),
        (
            "ar2",
            "ar",
            day(2019, 2, 6),
            "قسد تحبط فرار 400 مقاتل من بلدة الباغوز باغوز",
        ),
        (
            "en1",
            "en",
            day(2019, 3, 1),
            "islamic state fighters cling last pocket al-bagouz baghuz euphrates",
        ),
        ("ar3", "ar", None, "انفجار سيارة مفخخة في دمشق"),
    ];
    for (id, lang, published, terms) in docs {
        let mut item = stored(id, published);
        item.article.lang = lang.into();
        store
            .write_article(
                &item,
                &ArticleExtras {
                    search_terms: Some(terms),
                    ..Default::default()
                },
            )
            .unwrap();
    }
    let g = |terms: &[&str]| terms.iter().map(|t| t.to_string()).collect::<Vec<_>>();
    let ids = |hits: Vec<(String, f32)>| {
        let mut v: Vec<String> = hits.into_iter().map(|(id, _)| id).collect();
        v.sort();
        v
    };
    let baghuz = g(&["baghuz", "الباغوز"]);
    assert_eq!(
        ids(store
            .search(std::slice::from_ref(&baghuz), None, None, None, 10)
            .unwrap()),
        vec!["ar1", "ar2", "en1"]
    );
    // AND across groups.
    assert_eq!(
        ids(store
            .search(&[baghuz.clone(), g(&["غارة", "airstrike"])], None, None, None, 10)
            .unwrap()),
        vec!["ar1"]
    );
    // Filters: language and a date window (undated articles left out).
    assert_eq!(
        ids(store
            .search(std::slice::from_ref(&baghuz), Some("en"), None, None, 10)
            .unwrap()),
        vec!["en1"]
    );
    assert_eq!(
        ids(store
            .search(
                std::slice::from_ref(&baghuz),
                None,
                day(2019, 3, 1),
                day(2019, 3, 31),
                10
            )
            .unwrap()),
        vec!["ar1", "en1"]
    );
    // Every hit has a positive rank, best first.
    let hits = store
        .search(&[g(&["الباغوز", "باغوز"])], None, None, None, 10)
        .unwrap();
    assert!(hits.iter().all(|(_, r)| *r > 0.0));
    assert!(hits.windows(2).all(|w| w[0].1 >= w[1].1));
    assert_eq!(
        store
            .search(std::slice::from_ref(&baghuz), None, None, None, 1)
            .unwrap()
            .len(),
        1
    );
    // Hostile terms are lexemes, not query syntax or SQL: no OR, no negation, no prefix match, no statement.
    for hostile in [
        "x' | 'قسد",
        "'; DROP TABLE articles; --",
        "قس:*",
        "\\",
        "a\0b",
        "x) | (قسد",
    ] {
        assert!(
            store
                .search(&[g(&[hostile])], None, None, None, 10)
                .unwrap()
                .is_empty(),
            "{hostile}"
        );
    }
    assert_eq!(
        ids(store.search(&[g(&["!قسد"])], None, None, None, 10).unwrap()),
        vec!["ar1", "ar2"],
        "'!' is punctuation inside a lexeme, not negation"
    );
    assert_eq!(store.article_count().unwrap(), 4);
    // No terms: filters only, newest first, undated last.
    let all: Vec<String> = store
        .search(&[], None, None, None, 10)
        .unwrap()
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    assert_eq!(all, vec!["ar1", "en1", "ar2", "ar3"]);
}

#[test]
fn an_unreachable_server_is_named_without_its_password() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("postgres://khabar:hunter2@127.0.0.1:{port}/khabar");
    let err = PgStore::connect_with(&url, ConnectOptions::attempts(1)).unwrap_err();
    assert!(is_connection_error(&err));
    let msg = err.to_string();
    assert!(
        msg.contains(&format!("postgres://khabar@127.0.0.1:{port}/khabar")),
        "{msg}"
    );
    assert!(!msg.contains("hunter2"), "{msg}");
    let opener = PgOpener { url };
    assert!(!opener.describe().contains("hunter2"));
    assert!(opener.open().is_err());
}

#[test]
fn a_lost_connection_is_reported_as_such_and_reconnect_recovers() {
    let db = db_or_skip!();
    let mut store = db.connect();
    store
        .write_article(&stored("a1", None), &ArticleExtras::default())
        .unwrap();
    let pid: i32 = {
        // The store's own backend: the only other connection to this database with our application name.
        let mut raw = db.raw();
        let me: i32 = raw.query_one("SELECT pg_backend_pid()", &[]).unwrap().get(0);
        raw.query_one(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> $1 \
             AND application_name = 'khabar'",
            &[&me],
        )
        .unwrap()
        .get(0)
    };
    let mut admin = db.admin();
    admin.execute("SELECT pg_terminate_backend($1)", &[&pid]).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(100));
    let err = store.article_count().unwrap_err();
    assert!(is_connection_error(&err), "{err}");
    assert!(!err.to_string().contains(":khabar@"), "{err}");
    let err = store
        .exclusive(|tx| tx.write_article(&stored("a2", None), &ArticleExtras::default()))
        .unwrap_err();
    assert!(is_connection_error(&err), "{err}");
    store.reconnect().unwrap();
    assert_eq!(store.article_count().unwrap(), 1);
    store
        .write_article(&stored("a2", None), &ArticleExtras::default())
        .unwrap();
    assert_eq!(store.article_count().unwrap(), 2);
}

#[test]
fn the_opener_reuses_pooled_connections_and_drops_broken_ones() {
    let db = db_or_skip!();
    let mut store = db.connect();
    store
        .write_article(&stored("a1", day(2019, 3, 23)), &ArticleExtras::default())
        .unwrap();
    drop(store);
    let opener = PgOpener { url: db.url.clone() };
    let mut raw = db.raw();
    let khabar_backends = |raw: &mut postgres::Client| -> i64 {
        raw.query_one(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'khabar'",
            &[],
        )
        .unwrap()
        .get(0)
    };
    for _ in 0..10 {
        let store = opener.open().unwrap();
        assert_eq!(store.article_count().unwrap(), 1);
        assert_eq!(store.events_of("a1").unwrap().len(), 2);
    }
    // The first open's own connection is closed; the nine others shared one pooled connection.
    assert!(
        khabar_backends(&mut raw) <= 2,
        "{} connections",
        khabar_backends(&mut raw)
    );
    // Two stores open at once get two connections.
    let (a, b) = (opener.open().unwrap(), opener.open().unwrap());
    assert_eq!(a.article_count().unwrap() + b.article_count().unwrap(), 2);
    drop((a, b));
    // The server drops every idle connection; the next open notices and connects anew.
    raw.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() \
         AND application_name = 'khabar'",
        &[],
    )
    .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(100));
    let store = opener.open().unwrap();
    assert_eq!(store.article("a1").unwrap().map(|a| a.id), Some("a1".to_string()));
}

#[test]
fn story_evidence_is_stored_read_back_as_a_graph_and_follows_moved_articles() {
    let db = db_or_skip!();
    // A v1 database with one clustered article, then upgraded: that article predates evidence.
    let mut v1 = PgStore::connect_at_version(&db.url, ConnectOptions::default(), 1).unwrap();
    let with_story = |id: &str, story: &str, embedding: Vec<f32>| {
        let mut s = stored(id, day(2019, 3, 10));
        s.article.story_id = Some(story.into());
        s.article.content_hash = format!("content-{id}");
        s.embedding = Some(embedding);
        s
    };
    v1.exclusive(|tx| {
        tx.write_article(
            &with_story("old", "s9", vec![1.0, 0.0]),
            &ArticleExtras::default(),
        )
    })
    .unwrap();
    drop(v1);
    let mut store = db.connect();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    store
        .exclusive(|tx| {
            for (id, v) in [
                ("b1", [1.0, 0.0]),
                ("b2", [0.9, 0.1]),
                ("r", [0.7, 0.7]),
                ("i1", [0.0, 1.0]),
            ] {
                tx.write_article(&with_story(id, "s1", v.to_vec()), &ArticleExtras::default())?;
            }
            let mut copy = with_story("i1-copy", "s1", vec![0.0, 1.0]);
            copy.article.duplicate_of = Some("i1".into());
            tx.write_article(&copy, &ArticleExtras::default())?;
            tx.put_evidence("b2", &[("b1".into(), 0.8)])?;
            tx.put_evidence("r", &[("b2".into(), 0.6), ("b1".into(), 0.55)])?;
            // Replaced, not added to; an edge to an article of another story is not part of this story's graph.
            tx.put_evidence("i1", &[("b1".into(), 0.9)])?;
            tx.put_evidence("i1", &[("r".into(), 0.58), ("old".into(), 0.7)])?;
            Ok(())
        })
        .unwrap();
    let graph = store.exclusive(|tx| tx.story_graph("s1")).unwrap();
    let ids: Vec<&str> = graph.members.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(ids, ["b1", "b2", "r", "i1"], "near-copies are left out");
    assert_eq!(graph.members[2].1.as_deref(), Some(&[0.7f32, 0.7][..]));
    assert_eq!(
        graph.edges,
        [
            ("b2".to_string(), "b1".to_string(), 0.8),
            ("r".to_string(), "b1".to_string(), 0.55),
            ("r".to_string(), "b2".to_string(), 0.6),
            ("i1".to_string(), "r".to_string(), 0.58),
        ]
    );
    assert!(!graph.legacy);
    assert_eq!(store.exclusive(|tx| tx.story_size("s1")).unwrap(), 4);
    assert!(store.exclusive(|tx| tx.story_graph("s9")).unwrap().legacy);

    // Moving i1 takes its near-copy along.
    store
        .exclusive(|tx| tx.move_articles("s1", &["i1".to_string()], "s2"))
        .unwrap();
    let moved = store.exclusive(|tx| tx.story_members("s2")).unwrap();
    let moved: Vec<&str> = moved.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(moved, ["i1", "i1-copy"]);
    let rest = store.exclusive(|tx| tx.story_graph("s1")).unwrap();
    assert_eq!(rest.members.len(), 3);
    assert_eq!(rest.edges.len(), 3, "the edge to i1 left with it");
}
