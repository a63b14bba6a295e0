//! khabar's JSON API and analyst web UI, served by axum, fully offline.
//!
//! [`router`] builds the whole app over an [`AppState`]: the JSON API under `/api/` (documented as OpenAPI 3 at
//! `/openapi.json`, browsable at `/api/docs`), server-rendered HTML pages (`/`, `/stories/{id}`, `/articles/{id}`,
//! `/map`, `/search`) and two embedded static files. Store reads open a store per request on a blocking thread
//! through a [`StoreOpener`] (the embedded SQLite store, where WAL lets readers run beside the writer, or the
//! PostgreSQL scale-out store); `POST /api/articles` runs the pipeline under one writer lock, or, in scale-out mode,
//! hands the documents to a [`Queue`] for the workers.
//! Every response carries a strict Content-Security-Policy; GET responses carry an ETag and honour
//! `If-None-Match`; request bodies are capped; every error is JSON `{"error": {"code", "message"}}`.

#![deny(missing_docs)]

mod api;
mod error;
pub mod map;
mod openapi;
mod text;
mod ui;

pub use error::ApiError;
pub use openapi::ApiDoc;

use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use khabar_pipeline::Engines;
use khabar_store::{SqliteOpener, Store, StoreOpener};
use map::WorldMap;
use sha2::{Digest, Sha256};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tower_http::timeout::TimeoutLayer;

/// Largest request body accepted (bytes); larger ones get a 413 JSON error.
pub const MAX_BODY_BYTES: usize = 10 * 1024 * 1024;
/// Time limit of a read request.
pub const READ_TIMEOUT: Duration = Duration::from_secs(30);
/// Time limit of an ingest request.
pub const INGEST_TIMEOUT: Duration = Duration::from_secs(600);
/// The Content-Security-Policy of every response: nothing from outside, no inline script or style.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

/// Full-text search over the store, provided by the caller (the CLI wires khabar's search index in).
pub trait Searcher: Send + Sync {
    /// Up to `limit` hits for `q`, best first. Each hit is a JSON object; `article_id`, `score` and `snippet` are
    /// used by the UI when present.
    fn search(&self, q: &str, limit: usize) -> Result<Vec<serde_json::Value>, String>;
}

/// What a [`Queue`] did with a posted batch.
#[derive(Debug, Clone, Default)]
pub struct Queued {
    /// Documents put on the queue.
    pub queued: u64,
    /// Documents already stored with the same content.
    pub unchanged: u64,
    /// Refused lines: location (`path:line`) and reason.
    pub rejected: Vec<(String, String)>,
}

/// Scale-out ingest: the API queues posted documents for workers instead of running the pipeline itself.
pub trait Queue: Send + Sync {
    /// Queues the documents of a JSONL file.
    fn queue_jsonl(&self, path: &Path) -> Result<Queued, String>;
}

struct Inner {
    /// The embedded store's directory (None in scale-out mode).
    db_dir: Option<PathBuf>,
    opener: Arc<dyn StoreOpener>,
    queue: Option<Arc<dyn Queue>>,
    engines: Option<Arc<Engines>>,
    searcher: Option<Arc<dyn Searcher>>,
    world: Result<WorldMap, String>,
    writer: tokio::sync::Mutex<()>,
}

/// Everything a request handler needs; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

impl AppState {
    /// A state over the store in `db_dir`. Without `engines`, `POST /api/articles` answers 503; without
    /// `searcher`, search answers 503. Map shapes are read from `<data dir>/ui/` (the engines' data dir, else
    /// `$KHABAR_DATA`, else `~/.local/share/khabar`).
    pub fn new(
        db_dir: PathBuf,
        engines: Option<Arc<Engines>>,
        searcher: Option<Arc<dyn Searcher>>,
    ) -> AppState {
        let data_dir = engines
            .as_ref()
            .map(|e| e.data_dir.clone())
            .unwrap_or_else(|| khabar_pipeline::resolve_data_dir(None));
        AppState::with_ui_dir(db_dir, engines, searcher, &data_dir.join("ui"))
    }

    /// Like [`AppState::new`] with map shapes read from `ui_dir`.
    pub fn with_ui_dir(
        db_dir: PathBuf,
        engines: Option<Arc<Engines>>,
        searcher: Option<Arc<dyn Searcher>>,
        ui_dir: &Path,
    ) -> AppState {
        AppState::build(Inner {
            opener: Arc::new(SqliteOpener { dir: db_dir.clone() }),
            db_dir: Some(db_dir),
            queue: None,
            engines,
            searcher,
            world: load_world(ui_dir),
            writer: tokio::sync::Mutex::new(()),
        })
    }

    /// A state over any store (e.g. PostgreSQL in scale-out mode). Posted documents go to `queue` when given;
    /// without it `POST /api/articles` answers 503.
    pub fn with_store(
        opener: Arc<dyn StoreOpener>,
        queue: Option<Arc<dyn Queue>>,
        searcher: Option<Arc<dyn Searcher>>,
        ui_dir: &Path,
    ) -> AppState {
        AppState::build(Inner {
            db_dir: None,
            opener,
            queue,
            engines: None,
            searcher,
            world: load_world(ui_dir),
            writer: tokio::sync::Mutex::new(()),
        })
    }

    fn build(inner: Inner) -> AppState {
        AppState {
            inner: Arc::new(inner),
        }
    }

    /// What the state serves: the store directory or URL (no password).
    pub fn store_description(&self) -> String {
        self.inner.opener.describe()
    }

    /// Runs `f` on a blocking thread with a freshly opened store.
    pub(crate) async fn read<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&dyn Store) -> Result<T, ApiError> + Send + 'static,
    {
        let opener = self.inner.opener.clone();
        tokio::task::spawn_blocking(move || {
            let store = opener.open()?;
            f(store.as_ref())
        })
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?
    }
}

/// Map shapes from `ui_dir`; without them the map shows events without the world outline.
fn load_world(ui_dir: &Path) -> Result<WorldMap, String> {
    WorldMap::load(ui_dir).map_err(|e| {
        tracing::warn!(error = %e, "map shapes unavailable; the map shows events without the world outline");
        e.to_string()
    })
}

/// The whole app: JSON API, OpenAPI document, HTML pages and static files.
pub fn router(state: AppState) -> Router {
    let ingest = Router::new()
        .route("/api/articles", post(api::post_articles))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            INGEST_TIMEOUT,
        ));
    let reads = Router::new()
        .route("/api/articles/{id}", get(api::get_article))
        .route("/api/stories", get(api::list_stories))
        .route("/api/stories/{id}", get(api::get_story))
        .route("/api/events", get(api::list_events))
        .route("/api/search", get(api::search))
        .route("/api/export/{file}", get(api::export))
        .route("/openapi.json", get(openapi::openapi_json))
        .route("/api/docs", get(openapi::docs_page))
        .route("/", get(ui::story_list))
        .route("/stories/{id}", get(ui::story_page))
        .route("/articles/{id}", get(ui::article_page))
        .route("/map", get(ui::map_page))
        .route("/search", get(ui::search_page))
        .route("/static/{name}", get(ui::static_file))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            READ_TIMEOUT,
        ));
    Router::new()
        .merge(ingest)
        .merge(reads)
        .fallback(fallback)
        .layer(middleware::from_fn(etag))
        .layer(middleware::from_fn(finish))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state)
}

/// Serves the app on `addr` until the process is interrupted. The CLI passes `127.0.0.1:<port>` by default.
pub async fn serve(addr: SocketAddr, state: AppState) -> Result<(), ApiError> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    serve_on(listener, state).await
}

/// Serves the app on an already bound listener (tests bind `127.0.0.1:0`).
pub async fn serve_on(listener: tokio::net::TcpListener, state: AppState) -> Result<(), ApiError> {
    if let Ok(addr) = listener.local_addr() {
        tracing::info!(%addr, "khabar serving");
    }
    axum::serve(listener, router(state))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}

async fn fallback() -> ApiError {
    ApiError::NotFound {
        what: "page",
        id: "requested".into(),
    }
}

/// Security headers on every response, and a JSON body for errors that axum or tower produced without one
/// (405, 408, 413, ...).
async fn finish(req: Request, next: Next) -> Response {
    // A browser opening a page (not the API) gets its errors as a page.
    let wants_page = !req.uri().path().starts_with("/api/")
        && req.uri().path() != "/openapi.json"
        && req
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"));
    let mut res = next.run(req).await;
    let status = res.status();
    let typed = res.headers().contains_key(header::CONTENT_TYPE);
    let json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if (status.is_client_error() || status.is_server_error()) && (!json || !typed) {
        let code = match status {
            StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
            StatusCode::REQUEST_TIMEOUT => "timeout",
            StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
            StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
            StatusCode::NOT_FOUND => "not_found",
            s if s.is_client_error() => "bad_request",
            _ => "internal",
        };
        let message = match status {
            StatusCode::PAYLOAD_TOO_LARGE => format!("request body larger than {MAX_BODY_BYTES} bytes"),
            s => s.canonical_reason().unwrap_or("error").to_ascii_lowercase(),
        };
        let allow = res.headers().get(header::ALLOW).cloned();
        res = error::error_response(status, code, &message);
        if let Some(allow) = allow {
            res.headers_mut().insert(header::ALLOW, allow);
        }
    }
    if wants_page && (status.is_client_error() || status.is_server_error()) {
        res = ui::error_page(res).await;
    }
    let h = res.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    res
}

/// Largest body the ETag layer hashes; bigger responses go out without an ETag.
const ETAG_MAX_BYTES: usize = 256 * 1024 * 1024;

/// ETag (a hash of the body) on successful GET responses, and 304 when `If-None-Match` names it.
async fn etag(req: Request, next: Next) -> Response {
    // HEAD bodies are stripped before this layer sees them, so only GET is tagged.
    let is_get = req.method() == Method::GET;
    let if_none_match = req.headers().get(header::IF_NONE_MATCH).cloned();
    let res = next.run(req).await;
    if !is_get || res.status() != StatusCode::OK {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let bytes = match axum::body::to_bytes(body, ETAG_MAX_BYTES).await {
        Ok(b) => b,
        Err(e) => {
            return error::error_response(StatusCode::INTERNAL_SERVER_ERROR, "internal", &e.to_string());
        }
    };
    let digest = Sha256::digest(&bytes);
    let tag = format!("\"{}\"", hex::encode(&digest[..16]));
    let Ok(tag_value) = HeaderValue::from_str(&tag) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    parts.headers.insert(header::ETAG, tag_value.clone());
    parts
        .headers
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-cache"));
    if let Some(inm) = if_none_match {
        if etag_matches(&inm, &tag) {
            let mut headers = HeaderMap::new();
            headers.insert(header::ETAG, tag_value);
            if let Some(cc) = parts.headers.get(header::CACHE_CONTROL) {
                headers.insert(header::CACHE_CONTROL, cc.clone());
            }
            let mut not_modified = Response::new(Body::empty());
            *not_modified.status_mut() = StatusCode::NOT_MODIFIED;
            *not_modified.headers_mut() = headers;
            return not_modified;
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// Whether an `If-None-Match` value names `tag` (weak comparison, lists and `*` allowed).
fn etag_matches(if_none_match: &HeaderValue, tag: &str) -> bool {
    let Ok(v) = if_none_match.to_str() else {
        return false;
    };
    v.split(',')
        .map(str::trim)
        .any(|t| t == "*" || t.trim_start_matches("W/") == tag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_none_match_lists_and_weak_tags_match() {
        let tag = "\"abc\"";
        assert!(etag_matches(&HeaderValue::from_static("\"abc\""), tag));
        assert!(etag_matches(&HeaderValue::from_static("\"x\", W/\"abc\""), tag));
        assert!(etag_matches(&HeaderValue::from_static("*"), tag));
        assert!(!etag_matches(&HeaderValue::from_static("\"abd\""), tag));
        assert!(!etag_matches(&HeaderValue::from_static("abc"), tag));
    }
}
