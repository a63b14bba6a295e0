//! Router tests without a socket: a temp store filled with Arabic and English articles, events and stories, and
//! every endpoint driven through `tower::ServiceExt::oneshot`.

use axum::body::Body;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::Router;
use chrono::NaiveDate;
use http_body_util::BodyExt;
use khabar_api::{router, AppState, Searcher};
use khabar_model::{
    Article, Claim, Conflict, CountRange, CountRole, DatePrecision, EntityKind, Event, EventFamily, Mention,
    Story,
};
use khabar_store::{SqliteStore, StoredArticle};
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::Arc;
use tower::ServiceExt;

const XSS_SCRIPT: &str = "<script>alert(1)</script>";
const XSS_IMG: &str = "<img src=x onerror=alert(1)>";

const EN_TEXT: &str = "The Syrian Observatory for Human Rights said on Sunday that coalition airstrikes killed 20 \
civilians in the town of Baghuz, the last enclave held by Islamic State in eastern Syria.\nThe monitor said women and \
children were among the dead, while the Syrian Democratic Forces pressed their advance on the camp.\nState news \
agency SANA put the toll far higher.";
const EN_EVIDENCE: &str =
    "The Syrian Observatory for Human Rights said on Sunday that coalition airstrikes killed 20 \
civilians in the town of Baghuz, the last enclave held by Islamic State in eastern Syria.";

const AR_TEXT: &str =
    "قالت وكالة الأنباء السورية الرسمية (سانا) إن غارات التحالف الدولي قتلت 50 مدنياً في بلدة \
الباغوز بريف دير الزور الشرقي يوم الأحد.\nوأضافت الوكالة أن بين القتلى نساء وأطفالاً، وأن الغارات استهدفت منازل \
المدنيين في البلدة.";
const AR_EVIDENCE: &str =
    "قالت وكالة الأنباء السورية الرسمية (سانا) إن غارات التحالف الدولي قتلت 50 مدنياً في بلدة \
الباغوز بريف دير الزور الشرقي يوم الأحد.";

const EN2_TEXT: &str = "The Syrian Democratic Forces said on Wednesday they had foiled an attempt by 400 Islamic \
State fighters to flee Baghuz, and detained them.\nThe fighters were trying to escape on foot, a commander told AFP.";

fn date(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

/// Char span of `needle` in `text` (the contract's offsets are chars, not bytes).
fn char_span(text: &str, needle: &str) -> [usize; 2] {
    let byte = text.find(needle).expect("needle in text");
    let start = text[..byte].chars().count();
    [start, start + needle.chars().count()]
}

fn article(
    id: &str,
    lang: &str,
    source: &str,
    title: &str,
    published: Option<NaiveDate>,
    text: &str,
) -> Article {
    Article {
        id: id.into(),
        source_path: format!("in/{id}"),
        url: Some(format!("https://example.org/{id}")),
        source: Some(source.into()),
        title: Some(title.into()),
        published,
        author: None,
        lang: lang.into(),
        text: text.into(),
        removed: vec![],
        duplicate_of: None,
        story_id: None,
        content_hash: format!("h-{id}"),
    }
}

#[allow(clippy::too_many_arguments)]
fn event(
    family: EventFamily,
    role: CountRole,
    n: u64,
    source: &str,
    text: &str,
    evidence: &str,
    place: Option<(&str, f64, f64)>,
    when: Option<NaiveDate>,
) -> Event {
    let mut counts = BTreeMap::new();
    counts.insert(role, CountRange::exact(n));
    Event {
        id: String::new(),
        article_id: String::new(),
        family,
        date: when,
        date_precision: if when.is_some() {
            DatePrecision::Day
        } else {
            DatePrecision::Unknown
        },
        place: place.map(|p| p.0.to_string()),
        place_kb_id: place.map(|p| format!("kb:{}", p.0.to_lowercase())),
        lat: place.map(|p| p.1),
        lon: place.map(|p| p.2),
        actors: vec!["International Coalition".into()],
        targets: vec!["civilians".into()],
        counts,
        hedged: false,
        attributed_to: vec![source.into()],
        sentence: evidence.into(),
        span: char_span(text, evidence),
        story_id: None,
    }
}

fn write(store: &mut SqliteStore, a: Article, events: Vec<Event>, mentions: Vec<Mention>) {
    let item = StoredArticle {
        raw_hash: a.id.clone(),
        article: a,
        mentions,
        events,
        embedding: None,
    };
    store.write_article(&item, &[]).unwrap();
}

/// Three stories: s1 (Arabic + English, SANA says 50 killed, SOHR 20), s2 (English, older), s3 (hostile markup).
fn fill(dir: &std::path::Path) {
    let mut store = SqliteStore::open(dir).unwrap();
    let baghuz = Some(("Baghuz", 34.46, 40.94));
    write(
        &mut store,
        article(
            "en1",
            "en",
            "Reuters",
            "Airstrikes kill 20 civilians in Baghuz, monitor says",
            date(2019, 3, 11),
            EN_TEXT,
        ),
        vec![event(
            EventFamily::Airstrike,
            CountRole::Killed,
            20,
            "SOHR",
            EN_TEXT,
            EN_EVIDENCE,
            baghuz,
            date(2019, 3, 10),
        )],
        vec![],
    );
    let ar_mention = Mention {
        article_id: "ar1".into(),
        mention: "الباغوز".into(),
        span: char_span(AR_TEXT, "الباغوز"),
        kind: EntityKind::Place,
        canonical: Some("Baghuz".into()),
        canonical_ar: Some("الباغوز".into()),
        kb_id: Some("kb:baghuz".into()),
        lat: Some(34.46),
        lon: Some(40.94),
        country: Some("SY".into()),
        confidence: 0.9,
    };
    write(
        &mut store,
        article(
            "ar1",
            "ar",
            "سانا",
            "سانا: 50 قتيلاً بغارات للتحالف على الباغوز",
            date(2019, 3, 10),
            AR_TEXT,
        ),
        vec![event(
            EventFamily::Airstrike,
            CountRole::Killed,
            50,
            "SANA",
            AR_TEXT,
            AR_EVIDENCE,
            baghuz,
            date(2019, 3, 10),
        )],
        vec![ar_mention],
    );
    write(
        &mut store,
        article(
            "en2",
            "en",
            "AFP",
            "SDF foils escape of 400 IS fighters from Baghuz",
            date(2019, 2, 6),
            EN2_TEXT,
        ),
        vec![event(
            EventFamily::Arrest,
            CountRole::Arrested,
            400,
            "Syrian Democratic Forces",
            EN2_TEXT,
            "The Syrian Democratic Forces said on Wednesday they had foiled an attempt by 400 Islamic State \
fighters to flee Baghuz, and detained them.",
            None,
            date(2019, 2, 5),
        )],
        vec![],
    );
    let xss_text =
        format!("Residents said {XSS_SCRIPT} shelling hit the market.\n{XSS_IMG} Two people were wounded.");
    let xss_evidence = format!("{XSS_IMG} Two people were wounded.");
    write(
        &mut store,
        article(
            "xss",
            "en",
            "<b>Evil</b>",
            &format!("{XSS_SCRIPT} Breaking {XSS_IMG}"),
            date(2019, 1, 1),
            &xss_text,
        ),
        vec![event(
            EventFamily::Shelling,
            CountRole::Wounded,
            2,
            XSS_IMG,
            &xss_text,
            &xss_evidence,
            Some((XSS_SCRIPT, 36.2, 37.1)),
            None,
        )],
        vec![],
    );
    let claim = |event_id: &str, n: u64, source: &str, article_id: &str| Claim {
        event_id: event_id.into(),
        min: Some(n),
        max: Some(n),
        source: source.into(),
        article_id: article_id.into(),
    };
    let stories = vec![
        Story {
            id: "s1".into(),
            title: Some("Airstrikes kill 20 civilians in Baghuz, monitor says".into()),
            article_ids: vec!["en1".into(), "ar1".into()],
            langs: vec!["ar".into(), "en".into()],
            first_published: date(2019, 3, 10),
            last_published: date(2019, 3, 11),
            places: vec!["Baghuz".into()],
            event_ids: vec!["e1".into(), "e2".into()],
            conflicts: vec![Conflict {
                what: CountRole::Killed,
                place: Some("Baghuz".into()),
                date: date(2019, 3, 10),
                claims: vec![claim("e2", 50, "SANA", "ar1"), claim("e1", 20, "SOHR", "en1")],
            }],
        },
        Story {
            id: "s2".into(),
            title: Some("SDF foils escape of 400 IS fighters from Baghuz".into()),
            article_ids: vec!["en2".into()],
            langs: vec!["en".into()],
            first_published: date(2019, 2, 6),
            last_published: date(2019, 2, 6),
            places: vec!["Baghuz".into()],
            event_ids: vec!["e3".into()],
            conflicts: vec![],
        },
        Story {
            id: "s3".into(),
            title: Some(format!("{XSS_SCRIPT} Breaking {XSS_IMG}")),
            article_ids: vec!["xss".into()],
            langs: vec!["en".into()],
            first_published: date(2019, 1, 1),
            last_published: date(2019, 1, 1),
            places: vec![XSS_IMG.into()],
            event_ids: vec!["e4".into()],
            conflicts: vec![],
        },
    ];
    store.replace_stories(&stories).unwrap();
}

/// Substring search over the stored texts, standing in for the tantivy index.
struct FakeSearch(Vec<(String, String)>);

impl Searcher for FakeSearch {
    fn search(&self, q: &str, limit: usize) -> Result<Vec<Value>, String> {
        let q = q.to_lowercase();
        Ok(self
            .0
            .iter()
            .filter(|(_, t)| t.to_lowercase().contains(&q))
            .take(limit)
            .map(|(id, t)| serde_json::json!({"article_id": id, "score": 1.0, "snippet": t.chars().take(200).collect::<String>()}))
            .collect())
    }
}

struct Fixture {
    _db: tempfile::TempDir,
    _ui: tempfile::TempDir,
    app: Router,
}

/// A tiny TopoJSON "world" (one square around Syria) for the map.
const TINY_TOPO: &str = r#"{"type":"Topology","transform":{"scale":[1,1],"translate":[0,0]},
  "objects":{"countries":{"type":"GeometryCollection","geometries":[
    {"type":"Polygon","arcs":[[0]],"properties":{"name":"Squaria"}}]}},
  "arcs":[[[35,32],[7,0],[0,5],[-7,0],[0,-5]]]}"#;

fn fixture(with_search: bool, with_map: bool) -> Fixture {
    let db = tempfile::tempdir().unwrap();
    fill(db.path());
    let ui = tempfile::tempdir().unwrap();
    if with_map {
        std::fs::write(ui.path().join("countries-110m.json"), TINY_TOPO).unwrap();
    }
    let searcher: Option<Arc<dyn Searcher>> = with_search.then(|| {
        let store = SqliteStore::open(db.path()).unwrap();
        let docs = store
            .articles()
            .unwrap()
            .into_iter()
            .map(|a| (a.id, a.text))
            .collect();
        Arc::new(FakeSearch(docs)) as Arc<dyn Searcher>
    });
    let state = AppState::with_ui_dir(db.path().to_path_buf(), None, searcher, ui.path());
    Fixture {
        app: router(state),
        _db: db,
        _ui: ui,
    }
}

async fn send(app: &Router, req: Request<Body>) -> (StatusCode, HeaderMap, Vec<u8>) {
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let body = res.into_body().collect().await.unwrap().to_bytes().to_vec();
    (status, headers, body)
}

async fn get(app: &Router, uri: &str) -> (StatusCode, HeaderMap, Vec<u8>) {
    send(app, Request::builder().uri(uri).body(Body::empty()).unwrap()).await
}

async fn get_json(app: &Router, uri: &str) -> (StatusCode, Value) {
    let (status, headers, body) = get(app, uri).await;
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    assert!(ct.starts_with("application/json"), "{uri}: content type {ct:?}");
    (status, serde_json::from_slice(&body).unwrap())
}

async fn get_html(app: &Router, uri: &str) -> String {
    let (status, headers, body) = get(app, uri).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "{uri}: {}",
        String::from_utf8_lossy(&body)
    );
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    assert!(ct.starts_with("text/html"), "{uri}: {ct}");
    String::from_utf8(body).unwrap()
}

fn assert_error(status: StatusCode, v: &Value, want_status: StatusCode, code: &str) {
    assert_eq!(status, want_status, "{v}");
    assert_eq!(v["error"]["code"], code, "{v}");
    assert!(!v["error"]["message"].as_str().unwrap_or("").is_empty(), "{v}");
}

#[tokio::test]
async fn stories_are_newest_first_and_paginate_with_next_links() {
    let f = fixture(false, false);
    let (status, v) = get_json(&f.app, "/api/stories").await;
    assert_eq!(status, StatusCode::OK);
    let ids: Vec<&str> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["s1", "s2", "s3"]);
    assert_eq!(v["total"], 3);
    assert!(v["next"].is_null());

    let mut seen = Vec::new();
    let mut uri = "/api/stories?limit=1".to_string();
    loop {
        let (status, page) = get_json(&f.app, &uri).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(page["items"].as_array().unwrap().len(), 1);
        seen.push(page["items"][0]["id"].as_str().unwrap().to_string());
        match page["next"].as_str() {
            Some(next) => uri = next.to_string(),
            None => break,
        }
    }
    assert_eq!(seen, ["s1", "s2", "s3"]);
    let (_, past) = get_json(&f.app, "/api/stories?offset=10").await;
    assert_eq!(past["items"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn story_detail_has_articles_events_and_conflicts() {
    let f = fixture(false, false);
    let (status, v) = get_json(&f.app, "/api/stories/s1").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(v["story"]["id"], "s1");
    let langs: Vec<&str> = v["articles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["lang"].as_str().unwrap())
        .collect();
    assert_eq!(langs, ["en", "ar"]);
    assert_eq!(v["events"].as_array().unwrap().len(), 2);
    assert_eq!(v["conflicts"][0]["what"], "killed");
    assert_eq!(v["conflicts"][0]["claims"][0]["source"], "SANA");
    let (status, v) = get_json(&f.app, "/api/stories/s99").await;
    assert_error(status, &v, StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn article_detail_and_unknown_ids() {
    let f = fixture(false, false);
    let (status, v) = get_json(&f.app, "/api/articles/ar1").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(v["article"]["text"], AR_TEXT);
    assert_eq!(v["mentions"][0]["canonical"], "Baghuz");
    let e = &v["events"][0];
    let span = [
        e["span"][0].as_u64().unwrap() as usize,
        e["span"][1].as_u64().unwrap() as usize,
    ];
    let evidence: String = AR_TEXT.chars().skip(span[0]).take(span[1] - span[0]).collect();
    assert_eq!(evidence, AR_EVIDENCE);
    let (status, v) = get_json(&f.app, "/api/articles/nope").await;
    assert_error(status, &v, StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn events_filter_by_every_parameter() {
    let f = fixture(false, false);
    let ids = |v: &Value| -> Vec<String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["id"].as_str().unwrap().to_string())
            .collect()
    };
    let (_, all) = get_json(&f.app, "/api/events").await;
    // Timeline order: by event date, undated last.
    assert_eq!(ids(&all), ["e3", "e1", "e2", "e4"]);
    for (query, want) in [
        ("family=airstrike", vec!["e1", "e2"]),
        ("family=ARREST", vec!["e3"]),
        ("lang=ar", vec!["e2"]),
        ("from=2019-03-01", vec!["e1", "e2"]),
        ("to=2019-03-01", vec!["e3"]),
        ("from=2019-02-05&to=2019-02-05", vec!["e3"]),
        ("place=baghuz", vec!["e1", "e2"]),
        ("place=kb:baghuz", vec!["e1", "e2"]),
        ("actor=international%20coalition&story=s1", vec!["e1", "e2"]),
        ("story=s3", vec!["e4"]),
        ("family=protest", vec![]),
    ] {
        let (status, v) = get_json(&f.app, &format!("/api/events?{query}")).await;
        assert_eq!(status, StatusCode::OK, "{query}: {v}");
        assert_eq!(ids(&v), want, "{query}");
    }
    let (_, page) = get_json(&f.app, "/api/events?family=airstrike&limit=1").await;
    assert_eq!(page["next"], "/api/events?family=airstrike&limit=1&offset=1");
    let (_, page2) = get_json(&f.app, page["next"].as_str().unwrap()).await;
    assert_eq!(ids(&page2), ["e2"]);
    assert!(page2["next"].is_null());
}

#[tokio::test]
async fn bad_parameters_are_json_errors() {
    let f = fixture(false, false);
    for uri in [
        "/api/events?family=riot",
        "/api/events?from=yesterday",
        "/api/events?from=2019-03-02&to=2019-03-01",
        "/api/events?fmaily=airstrike",
        "/api/stories?limit=abc",
        "/api/stories?limit=0",
        "/api/stories?limit=100000",
        "/api/stories?offset=-3",
        "/api/search",
        "/api/export/events.xml",
        "/api/export/mentions.csv",
        "/api/export/events",
    ] {
        let (status, v) = get_json(&f.app, uri).await;
        assert_error(status, &v, StatusCode::BAD_REQUEST, "bad_parameter");
    }
}

#[tokio::test]
async fn etag_gives_304_on_a_match_and_changes_with_the_content() {
    let f = fixture(false, false);
    for uri in ["/api/stories", "/api/stories/s1", "/", "/stories/s1"] {
        let (status, headers, _) = get(&f.app, uri).await;
        assert_eq!(status, StatusCode::OK);
        let tag = headers
            .get(header::ETAG)
            .expect("etag")
            .to_str()
            .unwrap()
            .to_string();
        let req = Request::builder()
            .uri(uri)
            .header(header::IF_NONE_MATCH, &tag)
            .body(Body::empty())
            .unwrap();
        let (status, headers, body) = send(&f.app, req).await;
        assert_eq!(status, StatusCode::NOT_MODIFIED, "{uri}");
        assert!(body.is_empty());
        assert_eq!(headers.get(header::ETAG).unwrap().to_str().unwrap(), tag);
        let req = Request::builder()
            .uri(uri)
            .header(header::IF_NONE_MATCH, "\"stale\"")
            .body(Body::empty())
            .unwrap();
        assert_eq!(send(&f.app, req).await.0, StatusCode::OK);
    }
    let (_, a, _) = get(&f.app, "/api/stories?limit=1").await;
    let (_, b, _) = get(&f.app, "/api/stories?limit=2").await;
    assert_ne!(a.get(header::ETAG), b.get(header::ETAG));
}

#[tokio::test]
async fn post_limits_media_types_and_missing_engines() {
    let f = fixture(false, false);
    let post = |ct: &str, body: Vec<u8>| {
        Request::builder()
            .method(Method::POST)
            .uri("/api/articles")
            .header(header::CONTENT_TYPE, ct)
            .body(Body::from(body))
            .unwrap()
    };
    let big = vec![b' '; khabar_api::MAX_BODY_BYTES + 1];
    let (status, _, body) = send(&f.app, post("application/x-ndjson", big)).await;
    let v: Value = serde_json::from_slice(&body).unwrap();
    assert_error(status, &v, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");

    let (status, _, body) = send(&f.app, post("text/plain", b"hello".to_vec())).await;
    let v: Value = serde_json::from_slice(&body).unwrap();
    assert_error(
        status,
        &v,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    );

    let (status, _, body) = send(&f.app, post("application/json", b"{\"text\": ".to_vec())).await;
    let v: Value = serde_json::from_slice(&body).unwrap();
    assert_error(status, &v, StatusCode::BAD_REQUEST, "bad_body");

    // A well-formed article, but this server has no pipeline engines.
    let ok = br#"{"id":"n1","text":"Shelling killed 3 people in Idlib on Monday.","lang":"en"}"#.to_vec();
    let (status, _, body) = send(&f.app, post("application/json", ok)).await;
    let v: Value = serde_json::from_slice(&body).unwrap();
    assert_error(status, &v, StatusCode::SERVICE_UNAVAILABLE, "unavailable");

    // Wrong method and unknown routes are JSON too.
    let req = Request::builder()
        .method(Method::DELETE)
        .uri("/api/stories")
        .body(Body::empty())
        .unwrap();
    let (status, headers, body) = send(&f.app, req).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(headers.contains_key(header::ALLOW));
    let v: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(v["error"]["code"], "method_not_allowed");
    let (status, v) = get_json(&f.app, "/api/nothing-here").await;
    assert_error(status, &v, StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn search_is_503_without_a_searcher_and_highlights_with_one() {
    let f = fixture(false, false);
    let (status, v) = get_json(&f.app, "/api/search?q=Baghuz").await;
    assert_error(status, &v, StatusCode::SERVICE_UNAVAILABLE, "unavailable");
    let page = get_html(&f.app, "/search?q=Baghuz").await;
    assert!(page.contains("search is not configured"), "{page}");

    let f = fixture(true, false);
    let (status, v) = get_json(&f.app, "/api/search?q=Baghuz").await;
    assert_eq!(status, StatusCode::OK);
    let hits: Vec<&str> = v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["article_id"].as_str().unwrap())
        .collect();
    assert_eq!(hits, ["en1", "en2"]);
    let (_, v) = get_json(&f.app, "/api/search?q=%D8%A7%D9%84%D8%A8%D8%A7%D8%BA%D9%88%D8%B2").await; // الباغوز
    assert_eq!(v["hits"][0]["article_id"], "ar1");
    let page = get_html(&f.app, "/search?q=%D8%A7%D9%84%D8%A8%D8%A7%D8%BA%D9%88%D8%B2").await;
    assert!(page.contains("<mark>الباغوز</mark>"), "{page}");
    assert!(page.contains(r#"lang="ar" dir="rtl""#));
    let page = get_html(&f.app, "/search?q=baghuz").await;
    assert!(page.contains("<mark>Baghuz</mark>"));
}

#[tokio::test]
async fn exports_in_every_format() {
    let f = fixture(false, false);
    let (status, headers, body) = get(&f.app, "/api/export/events.jsonl").await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("application/x-ndjson"));
    let lines: Vec<Value> = String::from_utf8(body)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[1]["counts"]["killed"]["min"], 50);

    let (_, _, body) = get(&f.app, "/api/export/events.csv").await;
    let csv = String::from_utf8(body).unwrap();
    assert!(csv.starts_with("event_id,event_date"), "{csv}");
    assert_eq!(csv.lines().count(), 5);

    let (_, _, body) = get(&f.app, "/api/export/events.geojson").await;
    let gj: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(gj["type"], "FeatureCollection");
    assert_eq!(
        gj["features"].as_array().unwrap().len(),
        3,
        "the arrest has no coordinates"
    );

    let (_, _, body) = get(&f.app, "/api/export/stories.jsonl").await;
    assert_eq!(String::from_utf8(body).unwrap().lines().count(), 3);
    let (_, headers, body) = get(&f.app, "/api/export/stories.csv").await;
    assert!(headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    assert!(String::from_utf8(body).unwrap().contains("s1"));
    let (_, _, body) = get(&f.app, "/api/export/stories.geojson").await;
    let gj: Value = serde_json::from_slice(&body).unwrap();
    let ids: Vec<&str> = gj["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["s1", "s3"]);
    assert_eq!(gj["features"][0]["geometry"]["coordinates"][0][0], 40.94);
}

#[tokio::test]
async fn openapi_document_and_docs_page() {
    let f = fixture(false, false);
    let (status, v) = get_json(&f.app, "/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert!(v["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/api/articles",
        "/api/articles/{id}",
        "/api/stories",
        "/api/stories/{id}",
        "/api/events",
        "/api/search",
        "/api/export/{file}",
    ] {
        assert!(v["paths"].get(path).is_some(), "{path} missing");
    }
    assert!(v["paths"]["/api/articles"].get("post").is_some());
    let page = get_html(&f.app, "/api/docs").await;
    assert!(page.contains("/api/events") && page.contains("family"));
}

#[tokio::test]
async fn story_list_page_shows_languages_places_counts_and_conflicts() {
    let f = fixture(false, false);
    let page = get_html(&f.app, "/").await;
    let s1 = page.find("Airstrikes kill 20 civilians").unwrap();
    let s2 = page.find("SDF foils escape").unwrap();
    assert!(s1 < s2, "newest first");
    assert_eq!(page.matches("sources disagree</span>").count(), 1);
    assert!(page.contains("2 events") && page.contains("Baghuz"));
    assert!(page.contains(r#"<span class="badge lang" title="language">ar</span>"#));
}

#[tokio::test]
async fn story_page_marks_evidence_in_rtl_arabic_and_ltr_english_with_claims() {
    let f = fixture(false, true);
    let page = get_html(&f.app, "/stories/s1").await;
    // Arabic column: right to left, the evidence sentence highlighted exactly.
    assert!(
        page.contains(&format!(
            r#"<p lang="ar" dir="rtl"><mark data-event="e2" id="ev-e2">{AR_EVIDENCE}</mark>"#
        )),
        "{page}"
    );
    assert!(page.contains(&format!(
        r#"<p lang="en" dir="ltr"><mark data-event="e1" id="ev-e1">{EN_EVIDENCE}</mark>"#
    )));
    assert!(
        page.contains(r#"<section class="column" data-lang="ar">"#) && page.contains(r#"data-lang="en""#)
    );
    // Claims per source, disagreement spelled out.
    assert!(
        page.contains("<strong>50</strong> per <span dir=\"auto\">SANA</span>"),
        "{page}"
    );
    assert!(page.contains("<strong>20</strong> per <span dir=\"auto\">SOHR</span>"));
    assert_eq!(page.matches(r#"<tr class="disputed">"#).count(), 2);
    // Timeline by event date and map points with tooltips over the world shapes.
    assert!(page.contains("<time>2019-03-10</time>"));
    assert!(page.contains("<title>Squaria</title>"));
    // SANA's and SOHR's events share Baghuz: one point, both in its tooltip, linking to the story.
    assert_eq!(page.matches("<circle class=\"point\"").count(), 1);
    assert!(page.contains("Baghuz: 2 events — 2019-03-10 · airstrike · Baghuz · 20 killed; 2019-03-10 · airstrike · Baghuz · 50 killed"), "{page}");
    assert!(page.contains(r#"<a href="/stories/s1"><circle"#));
    let (status, v) = get_json(&f.app, "/stories/s404").await;
    assert_error(status, &v, StatusCode::NOT_FOUND, "not_found");
    // A browser gets the error as a page; the API stays JSON whatever it accepts.
    let html = |uri: &str| {
        Request::builder()
            .uri(uri)
            .header(header::ACCEPT, "text/html,*/*")
            .body(Body::empty())
            .unwrap()
    };
    let (status, headers, body) = send(&f.app, html("/stories/s404")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert!(String::from_utf8(body)
        .unwrap()
        .contains("story `s404` not found"));
    let (status, headers, _) = send(&f.app, html("/api/stories/s404")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
}

#[tokio::test]
async fn map_page_plots_points_and_degrades_without_shapes() {
    let f = fixture(false, true);
    let page = get_html(&f.app, "/map").await;
    assert_eq!(page.matches("<circle class=\"point\"").count(), 2);
    assert!(
        page.contains("3 events with coordinates at 2 places, 1 without"),
        "{page}"
    );
    assert!(page.contains(r#"<a href="/stories/s3#ev-e4"><circle"#));
    assert!(page.contains("<title>Squaria</title>"));
    let page = get_html(&f.app, "/map?family=airstrike").await;
    assert_eq!(page.matches("<circle class=\"point\"").count(), 1);
    assert!(page.contains(r#"data-events="2""#));
    let f = fixture(false, false);
    let page = get_html(&f.app, "/map").await;
    assert!(page.contains("World outline unavailable"), "{page}");
    assert_eq!(page.matches("<circle class=\"point\"").count(), 2);
    let (status, v) = get_json(&f.app, "/map?family=riot").await;
    assert_error(status, &v, StatusCode::BAD_REQUEST, "bad_parameter");
}

#[tokio::test]
async fn hostile_markup_renders_inert_everywhere() {
    let f = fixture(true, true);
    for uri in ["/", "/stories/s3", "/articles/xss", "/map", "/search?q=residents"] {
        let page = get_html(&f.app, uri).await;
        assert!(!page.contains(XSS_SCRIPT), "{uri} has a live script");
        assert!(!page.contains("<img"), "{uri} has a live img");
        assert!(!page.contains("<b>Evil"), "{uri}");
        assert!(
            page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{uri} lost the text: {page}"
        );
        // The only scripts are the embedded static file.
        assert_eq!(page.matches("<script").count(), 1, "{uri}");
    }
    let page = get_html(&f.app, "/stories/s3").await;
    assert!(page.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert!(page.contains(r#"<mark data-event="e4" id="ev-e4">&lt;img src=x onerror=alert(1)&gt; Two people were wounded.</mark>"#), "{page}");
}

#[tokio::test]
async fn security_headers_and_static_files_are_whitelisted() {
    let f = fixture(false, false);
    let (status, headers, body) = get(&f.app, "/static/app.js").await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/javascript"));
    assert!(String::from_utf8(body).unwrap().contains("DOMContentLoaded"));
    let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(
        csp.contains("default-src 'self'")
            && csp.contains("script-src 'self'")
            && !csp.contains("unsafe-inline")
    );
    let (status, _, _) = get(&f.app, "/static/style.css").await;
    assert_eq!(status, StatusCode::OK);
    for uri in [
        "/static/..%2FCargo.toml",
        "/static/%2E%2E%2Fsrc%2Flib.rs",
        "/static/../Cargo.toml",
        "/static/lib.rs",
    ] {
        let (status, headers, _) = get(&f.app, uri).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
        assert!(headers.contains_key(header::CONTENT_SECURITY_POLICY));
    }
    let (_, headers, _) = get(&f.app, "/api/stories").await;
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
}
