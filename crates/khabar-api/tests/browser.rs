//! End to end in a real browser: the five sample articles go through the real pipeline (POSTed to the API), the
//! server listens on a loopback port, and headless Chromium (driven over WebDriver by chromedriver) opens the story
//! list, a story page and the map. Screenshots land in `target/screenshots/`.
//!
//! Skips with a printed reason when the data directory, the samples, chromium or chromedriver are missing.

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use fantoccini::{Client, ClientBuilder, Locator};
use http_body_util::BodyExt;
use khabar_api::{router, AppState};
use khabar_store::SqliteStore;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tower::ServiceExt;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn find_program(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        for n in names {
            let p = dir.join(n);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

/// Kills chromedriver when the test ends, however it ends.
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn wait_for_port(port: u16) -> bool {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(20) {
        if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}

async fn screenshot(client: &Client, name: &str) {
    let dir = repo().join("target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    let png = client.screenshot().await.unwrap();
    std::fs::write(dir.join(name), png).unwrap();
    eprintln!("screenshot: {}", dir.join(name).display());
}

async fn script(client: &Client, js: &str) -> Value {
    client.execute(js, vec![]).await.unwrap()
}

/// Adds a story whose sources disagree (SANA: 50 killed, SOHR: 20) to a store the pipeline filled, so the page's
/// disagreement display is seen in the browser too (the five samples hold no such pair). Returns its id.
fn add_disputed_story(store: &mut SqliteStore) -> String {
    use khabar_model::{
        Article, Claim, Conflict, CountRange, CountRole, DatePrecision, Event, EventFamily, Story,
    };
    let texts = [
        ("x-ar", "ar", "سانا", "غارات للتحالف على الباغوز",
         "قالت وكالة سانا إن غارات التحالف قتلت 50 مدنياً في الباغوز يوم الأحد.\nوأضافت أن بين القتلى أطفالاً.", 50, "SANA"),
        ("x-en", "en", "Reuters", "Coalition strikes on Baghuz kill 20, monitor says",
         "The Syrian Observatory for Human Rights said coalition strikes killed 20 civilians in Baghuz on Sunday.\nThe SDF said it was advancing.", 20, "SOHR"),
    ];
    let mut event_ids = Vec::new();
    let mut claims = Vec::new();
    for (id, lang, source, title, text, n, credited) in texts {
        let first = text.split('\n').next().unwrap_or(text);
        let mut counts = std::collections::BTreeMap::new();
        counts.insert(CountRole::Killed, CountRange::exact(n));
        let event = Event {
            id: String::new(),
            article_id: String::new(),
            family: EventFamily::Airstrike,
            date: chrono::NaiveDate::from_ymd_opt(2019, 3, 10),
            date_precision: DatePrecision::Day,
            place: Some("Baghuz".into()),
            place_kb_id: None,
            lat: Some(34.46),
            lon: Some(40.94),
            actors: vec!["International Coalition".into()],
            targets: vec!["civilians".into()],
            counts,
            hedged: false,
            attributed_to: vec![credited.into()],
            sentence: first.into(),
            span: [0, first.chars().count()],
            story_id: None,
        };
        let article = Article {
            id: id.into(),
            source_path: id.into(),
            url: None,
            source: Some(source.into()),
            title: Some(title.into()),
            published: chrono::NaiveDate::from_ymd_opt(2019, 3, 11),
            author: None,
            lang: lang.into(),
            text: text.into(),
            removed: vec![],
            duplicate_of: None,
            story_id: None,
            content_hash: id.into(),
        };
        let item = khabar_store::StoredArticle {
            article,
            raw_hash: id.into(),
            mentions: vec![],
            events: vec![event],
            embedding: None,
        };
        let ids = store.write_article(&item, &[]).unwrap();
        claims.push(Claim {
            event_id: ids[0].clone(),
            min: Some(n),
            max: Some(n),
            source: credited.into(),
            article_id: id.into(),
        });
        event_ids.extend(ids);
    }
    let mut stories = store.stories().unwrap();
    let id = format!("s{}", stories.len() + 100);
    stories.push(Story {
        id: id.clone(),
        title: Some("Coalition strikes on Baghuz: tolls disputed".into()),
        article_ids: vec!["x-ar".into(), "x-en".into()],
        langs: vec!["ar".into(), "en".into()],
        first_published: chrono::NaiveDate::from_ymd_opt(2019, 3, 11),
        last_published: chrono::NaiveDate::from_ymd_opt(2019, 3, 11),
        places: vec!["Baghuz".into()],
        event_ids,
        conflicts: vec![Conflict {
            what: CountRole::Killed,
            place: Some("Baghuz".into()),
            date: chrono::NaiveDate::from_ymd_opt(2019, 3, 10),
            claims,
        }],
    });
    store.replace_stories(&stories).unwrap();
    id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn story_list_story_page_and_map_in_headless_chromium() {
    let data_dir = khabar_pipeline::resolve_data_dir(None);
    let Some(samples) = khabar_testdata::samples_dir() else {
        eprintln!("skipping: no sample articles (set KHABAR_SAMPLES)");
        return;
    };
    let (Some(chromedriver), Some(chromium)) = (
        find_program(&["chromedriver"]),
        find_program(&["chromium", "chromium-browser", "google-chrome"]),
    ) else {
        eprintln!(
            "skipping: chromium and chromedriver are needed (apt-get install -y chromium chromium-driver)"
        );
        return;
    };
    let engines = match khabar_pipeline::Engines::load(&data_dir) {
        Ok(e) => Arc::new(e),
        Err(e) => {
            eprintln!(
                "skipping: pipeline engines unavailable in {}: {e}",
                data_dir.display()
            );
            return;
        }
    };

    // Ingest the samples through the API and the real pipeline.
    let db = tempfile::tempdir().unwrap();
    let state = AppState::new(db.path().to_path_buf(), Some(engines), None);
    let mut batch = String::new();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&samples)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    for f in &files {
        let id = f.file_name().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(f).unwrap();
        batch.push_str(&json!({"id": id, "text": text}).to_string());
        batch.push('\n');
    }
    batch.push_str("{\"id\": \"broken\"}\n");
    let post = |batch: String| {
        let req = Request::builder()
            .method(Method::POST)
            .uri("/api/articles")
            .header(header::CONTENT_TYPE, "application/x-ndjson")
            .body(Body::from(batch))
            .unwrap();
        let app = router(state.clone());
        async move {
            let res = app.oneshot(req).await.unwrap();
            assert_eq!(res.status(), StatusCode::OK);
            serde_json::from_slice::<Value>(&res.into_body().collect().await.unwrap().to_bytes()).unwrap()
        }
    };
    let report = post(batch.clone()).await;
    eprintln!("ingest report: {report}");
    assert_eq!(report["stored"], files.len());
    assert_eq!(report["ids"].as_array().unwrap().len(), files.len());
    assert_eq!(report["errors"][0]["line"], files.len() + 1, "{report}");
    assert_eq!(
        report["errors"][0]["reason"],
        "no non-empty `text` or `html` field"
    );
    // Posting the same batch again stores nothing new.
    let again = post(batch).await;
    assert_eq!(again["stored"], 0, "{again}");
    assert_eq!(again["unchanged"], files.len(), "{again}");

    let store = SqliteStore::open(db.path()).unwrap();
    let stories = store.stories().unwrap();
    let events = store.events().unwrap();
    assert!(!stories.is_empty());
    // The story with both languages and the most articles.
    let story = stories
        .iter()
        .max_by_key(|s| (s.langs.len(), s.article_ids.len()))
        .unwrap()
        .clone();
    let mut store = store;
    let disputed = add_disputed_story(&mut store);
    // One map point per distinct position.
    let placed: std::collections::HashSet<(i64, i64)> = store
        .events()
        .unwrap()
        .iter()
        .filter_map(|e| Some((e.lon? * 100.0, e.lat? * 100.0)))
        .map(|(x, y)| (x.round() as i64, y.round() as i64))
        .collect();
    let n_stories = store.stories().unwrap().len();
    drop(store);

    // Serve on a loopback port.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(khabar_api::serve_on(listener, state));

    let port = free_port();
    let _driver = Driver(
        Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    assert!(wait_for_port(port).await, "chromedriver did not start");
    let profile = tempfile::tempdir().unwrap();
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": chromium,
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1400,1100",
                format!("--user-data-dir={}", profile.path().display())],
        }),
    );
    let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("webdriver session");

    // Story list.
    client.goto(&format!("{base}/")).await.unwrap();
    let cards = client.find_all(Locator::Css("li.story")).await.unwrap();
    assert_eq!(cards.len(), n_stories);
    let badges = client
        .find_all(Locator::Css("li.story .badge.conflict"))
        .await
        .unwrap();
    assert_eq!(badges.len(), 1);
    let list_text = client
        .find(Locator::Css("main"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(list_text.contains("Stories"));
    assert!(
        list_text.contains("AR") && list_text.contains("EN"),
        "{list_text}"
    );
    // app.js ran under the Content-Security-Policy.
    assert_eq!(
        script(
            &client,
            "return document.documentElement.classList.contains('js')"
        )
        .await,
        json!(true)
    );
    screenshot(&client, "story-list.png").await;

    // A story page: Arabic right to left, English left to right, evidence marked.
    client
        .goto(&format!("{base}/stories/{}", story.id))
        .await
        .unwrap();
    let dirs = script(
        &client,
        "return Array.from(document.querySelectorAll('article p[lang]')).map(p => [p.lang, getComputedStyle(p).direction])",
    )
    .await;
    let dirs = dirs.as_array().unwrap();
    assert!(!dirs.is_empty());
    for d in dirs {
        let want = if d[0] == "ar" { "rtl" } else { "ltr" };
        assert_eq!(d[1], want, "{d}");
    }
    if story.langs.iter().any(|l| l == "ar") {
        assert!(dirs.iter().any(|d| d[1] == "rtl"));
    }
    let marks = client.find_all(Locator::Css("mark[data-event]")).await.unwrap();
    let story_events = events
        .iter()
        .filter(|e| e.story_id.as_deref() == Some(story.id.as_str()))
        .count();
    assert!(
        marks.len() >= story_events.min(1),
        "{} marks for {story_events} events",
        marks.len()
    );
    let heading = client
        .find(Locator::Css("h1"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(heading.trim(), story.title.clone().unwrap_or_default().trim());
    screenshot(&client, "story.png").await;
    script(
        &client,
        "document.querySelector('div.columns').scrollIntoView(); return 0",
    )
    .await;
    screenshot(&client, "story-articles.png").await;

    // The story whose sources disagree: the disagreement is spelled out above the claims table.
    client.goto(&format!("{base}/stories/{disputed}")).await.unwrap();
    let line = client
        .find(Locator::Css("p.conflict-line"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        line.contains("50 per SANA") && line.contains("20 per SOHR"),
        "{line}"
    );
    let disputed_rows = client.find_all(Locator::Css("tr.disputed")).await.unwrap();
    assert_eq!(disputed_rows.len(), 2);
    let ar_dir = script(
        &client,
        "return getComputedStyle(document.querySelector('p[lang=ar]')).direction",
    )
    .await;
    assert_eq!(ar_dir, json!("rtl"));
    screenshot(&client, "story-disputed.png").await;

    // The map: one point per placed event, world outline when the shapes are installed.
    client.goto(&format!("{base}/map")).await.unwrap();
    let points = client.find_all(Locator::Css("circle.point")).await.unwrap();
    assert_eq!(points.len(), placed.len());
    let shapes = client.find_all(Locator::Css("g.land path")).await.unwrap();
    if data_dir.join("ui/countries-110m.json").is_file() {
        assert!(shapes.len() > 100, "{} shapes", shapes.len());
    }
    screenshot(&client, "map.png").await;

    client.close().await.unwrap();
}
