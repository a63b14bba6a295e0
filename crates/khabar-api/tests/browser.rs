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

fn samples() -> Option<PathBuf> {
    [
        repo().join("../shared/samples"),
        repo().join("tests/data/samples"),
    ]
    .into_iter()
    .find(|p| p.is_dir())
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn story_list_story_page_and_map_in_headless_chromium() {
    let data_dir = khabar_pipeline::resolve_data_dir(None);
    let Some(samples) = samples() else {
        eprintln!("skipping: no sample articles (shared/samples)");
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
    let req = Request::builder()
        .method(Method::POST)
        .uri("/api/articles")
        .header(header::CONTENT_TYPE, "application/x-ndjson")
        .body(Body::from(batch))
        .unwrap();
    let res = router(state.clone()).oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let report: Value = serde_json::from_slice(&res.into_body().collect().await.unwrap().to_bytes()).unwrap();
    eprintln!("ingest report: {report}");
    assert_eq!(report["stored"], files.len());
    assert_eq!(report["ids"].as_array().unwrap().len(), files.len());
    assert_eq!(report["errors"][0]["line"], files.len() + 1, "{report}");

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
    let placed = events
        .iter()
        .filter(|e| e.lat.is_some() && e.lon.is_some())
        .count();
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
    assert_eq!(cards.len(), stories.len());
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

    // The map: one point per placed event, world outline when the shapes are installed.
    client.goto(&format!("{base}/map")).await.unwrap();
    let points = client.find_all(Locator::Css("circle.point")).await.unwrap();
    assert_eq!(points.len(), placed);
    let shapes = client.find_all(Locator::Css("g.land path")).await.unwrap();
    if data_dir.join("ui/countries-110m.json").is_file() {
        assert!(shapes.len() > 100, "{} shapes", shapes.len());
    }
    screenshot(&client, "map.png").await;

    client.close().await.unwrap();
}
