//! Fuzzing the POST /api/articles body parser through the real router: a deterministic stream of random and
//! mangled bodies under every content type. The server is started without pipeline engines, so a body the parser
//! accepts answers 503 (ingest unavailable) and one it refuses answers 400, 413 or 415 with a JSON reason; no body
//! may produce a 500 or a panic.

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use http_body_util::BodyExt;
use khabar_api::{router, AppState};
use tower::ServiceExt;

/// A small LCG: the same bodies on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const SEEDS: [&str; 8] = [
    r#"{"id": "a1", "text": "Air strikes hit Baghuz on Sunday, killing 20 civilians."}"#,
    r#"[{"id": "a1", "text": "x"}, {"text": "قالت وكالة الأنباء إن 50 مدنياً قتلوا في الباغوز"}]"#,
    "{\"id\": \"a1\", \"html\": \"<p>body</p>\"}\n{\"text\": \"second\"}\n",
    r#"{"id": 7, "text": "number id", "published": "2019-03-12"}"#,
    r#"{"id": "", "text": "empty id"}"#,
    "[]",
    "null",
    "\u{feff}{\"text\": \"bom\"}",
];

const TYPES: [&str; 8] = [
    "application/json",
    "application/json; charset=utf-8",
    "application/x-ndjson",
    "application/jsonl",
    "APPLICATION/JSON",
    "text/plain",
    "",
    ";;;",
];

fn mangle(rng: &mut Rng, seed: &str) -> Vec<u8> {
    let mut bytes = seed.as_bytes().to_vec();
    for _ in 0..rng.below(6) {
        let at = rng.below(bytes.len() + 1);
        match rng.below(6) {
            0 if !bytes.is_empty() => {
                bytes.remove(at.min(bytes.len() - 1));
            }
            1 => bytes.insert(at, (rng.next() & 0xff) as u8),
            2 => bytes
                .splice(at..at, b"\xff\xfe\xed\xa0\x80".iter().copied())
                .for_each(drop),
            3 => bytes
                .splice(at..at, "[{\"".repeat(rng.below(300)).into_bytes())
                .for_each(drop),
            4 => bytes.splice(at..at, b"\n\r\n\0".iter().copied()).for_each(drop),
            _ => bytes.truncate(at),
        }
    }
    bytes
}

#[tokio::test]
async fn random_post_bodies_get_a_client_error_or_503_never_a_500() {
    let dir = std::env::temp_dir().join(format!("khabar-body-fuzz-{}", std::process::id()));
    let app = router(AppState::new(dir.clone(), None, None));
    let mut rng = Rng(0x5eed);
    let mut seen = std::collections::BTreeMap::new();
    for case in 0..600 {
        let body = match case % 10 {
            0 => (0..rng.below(2000)).map(|_| (rng.next() & 0xff) as u8).collect(),
            1 => b"[".repeat(rng.below(200_000)),
            _ => {
                let seed = SEEDS[rng.below(SEEDS.len())];
                mangle(&mut rng, seed)
            }
        };
        let content_type = TYPES[rng.below(TYPES.len())];
        let mut request = Request::builder().method(Method::POST).uri("/api/articles");
        if !content_type.is_empty() {
            request = request.header(header::CONTENT_TYPE, content_type);
        }
        let response = app
            .clone()
            .oneshot(request.body(Body::from(body.clone())).unwrap())
            .await
            .unwrap();
        let status = response.status();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        assert!(
            [
                StatusCode::BAD_REQUEST,
                StatusCode::PAYLOAD_TOO_LARGE,
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                StatusCode::SERVICE_UNAVAILABLE
            ]
            .contains(&status),
            "case {case}: {status} for {content_type:?} {:?}: {}",
            String::from_utf8_lossy(&body[..body.len().min(200)]),
            String::from_utf8_lossy(&bytes)
        );
        assert!(!bytes.is_empty(), "case {case}: {status} without a reason");
        *seen.entry(status.as_u16()).or_insert(0) += 1;
    }
    // The stream reaches both sides of the parser: accepted (503 here) and refused.
    assert!(seen.get(&503).copied().unwrap_or(0) > 10, "{seen:?}");
    assert!(seen.get(&400).copied().unwrap_or(0) > 10, "{seen:?}");
    assert!(seen.get(&415).copied().unwrap_or(0) > 10, "{seen:?}");
    let _ = std::fs::remove_dir_all(dir);
}
