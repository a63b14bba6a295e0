//! Request latency through the router (no socket) on a store of a few thousand articles:
//!
//! ```text
//! CARGO_TARGET_DIR=... cargo bench -p khabar-api --bench pages [-- ARTICLES]
//! ```
//! Prints per-endpoint mean and median milliseconds. Each request opens the store and reads what it needs, as the
//! server does.

use axum::body::Body;
use axum::http::Request;
use chrono::NaiveDate;
use http_body_util::BodyExt;
use khabar_api::{router, AppState};
use khabar_model::{Article, CountRange, CountRole, DatePrecision, Event, EventFamily, Story};
use khabar_store::{SqliteStore, StoredArticle};
use std::collections::BTreeMap;
use std::time::Instant;
use tower::ServiceExt;

const AR: &str = "قالت وكالة الأنباء السورية الرسمية (سانا) إن غارات التحالف الدولي قتلت {n} مدنياً في بلدة الباغوز بريف دير الزور الشرقي.\nوأضافت الوكالة أن بين القتلى نساء وأطفالاً، وأن الغارات استهدفت منازل المدنيين في البلدة.\nوقال المرصد السوري لحقوق الإنسان إن الاشتباكات مستمرة في محيط المخيم.";
const EN: &str = "The Syrian Observatory for Human Rights said coalition airstrikes killed {n} civilians in Baghuz, the last enclave held by Islamic State.\nThe monitor said women and children were among the dead.\nThe Syrian Democratic Forces said they were pressing their advance on the camp.";

fn fill(dir: &std::path::Path, n_articles: usize) -> usize {
    let mut store = SqliteStore::open(dir).unwrap();
    let per_story = 4;
    let mut stories = Vec::new();
    let mut events_of_story: Vec<String> = Vec::new();
    let mut articles_of_story: Vec<String> = Vec::new();
    for i in 0..n_articles {
        let (lang, tpl) = if i % 2 == 0 { ("ar", AR) } else { ("en", EN) };
        let text = tpl.replace("{n}", &(10 + i % 90).to_string());
        let first = text.split('\n').next().unwrap_or("").to_string();
        let day =
            NaiveDate::from_ymd_opt(2019, 1, 1).unwrap() + chrono::Days::new((i / per_story) as u64 % 365);
        let mut counts = BTreeMap::new();
        counts.insert(CountRole::Killed, CountRange::exact(10 + (i % 90) as u64));
        let event = Event {
            id: String::new(),
            article_id: String::new(),
            family: if i % 3 == 0 {
                EventFamily::Shelling
            } else {
                EventFamily::Airstrike
            },
            date: Some(day),
            date_precision: DatePrecision::Day,
            place: Some("Baghuz".into()),
            place_kb_id: Some("kb:baghuz".into()),
            lat: Some(34.46 + (i % 7) as f64 * 0.3),
            lon: Some(40.94 - (i % 5) as f64 * 0.4),
            actors: vec!["International Coalition".into()],
            targets: vec!["civilians".into()],
            counts,
            hedged: false,
            attributed_to: vec![if lang == "ar" { "SANA" } else { "SOHR" }.into()],
            span: [0, first.chars().count()],
            sentence: first,
            story_id: None,
        };
        let id = format!("a{i}");
        let item = StoredArticle {
            article: Article {
                id: id.clone(),
                source_path: id.clone(),
                url: None,
                source: Some("bench".into()),
                title: Some(format!("Article {i}")),
                published: Some(day),
                author: None,
                lang: lang.into(),
                text,
                removed: vec![],
                duplicate_of: None,
                story_id: None,
                content_hash: id.clone(),
            },
            raw_hash: id.clone(),
            mentions: vec![],
            events: vec![event],
            embedding: None,
        };
        events_of_story.extend(store.write_article(&item, &[]).unwrap());
        articles_of_story.push(id);
        if articles_of_story.len() == per_story {
            stories.push(Story {
                id: format!("s{}", stories.len() + 1),
                title: Some(format!("Story {}", stories.len() + 1)),
                article_ids: std::mem::take(&mut articles_of_story),
                langs: vec!["ar".into(), "en".into()],
                first_published: Some(day),
                last_published: Some(day),
                places: vec!["Baghuz".into()],
                event_ids: std::mem::take(&mut events_of_story),
                conflicts: vec![],
            });
        }
    }
    store.replace_stories(&stories).unwrap();
    stories.len()
}

fn main() {
    let n: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(4000);
    let db = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let n_stories = fill(db.path(), n);
    println!(
        "store: {n} articles, {n_stories} stories, filled in {:.1}s",
        started.elapsed().as_secs_f64()
    );
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let ui = tempfile::tempdir().unwrap();
    let app = router(AppState::with_ui_dir(
        db.path().to_path_buf(),
        None,
        None,
        ui.path(),
    ));
    let mid = format!("/stories/s{}", n_stories / 2);
    let api_mid = format!("/api/stories/s{}", n_stories / 2);
    for uri in [
        "/api/stories",
        api_mid.as_str(),
        "/api/events?family=airstrike&limit=100",
        "/",
        mid.as_str(),
        "/map",
    ] {
        let mut times = Vec::new();
        let mut bytes = 0;
        for _ in 0..20 {
            let t = Instant::now();
            let res = rt.block_on(async {
                let res = app
                    .clone()
                    .oneshot(Request::builder().uri(uri).body(Body::empty()).unwrap())
                    .await
                    .unwrap();
                assert!(res.status().is_success(), "{uri}: {}", res.status());
                res.into_body().collect().await.unwrap().to_bytes()
            });
            bytes = res.len();
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(|a, b| a.total_cmp(b));
        let mean = times.iter().sum::<f64>() / times.len() as f64;
        println!(
            "{uri:<45} mean {mean:7.2} ms  median {:7.2} ms  body {bytes} bytes",
            times[times.len() / 2]
        );
    }
}
