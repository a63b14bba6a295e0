//! JSON handlers under `/api/`.

use crate::text::id_number;
use crate::{ApiError, AppState, MAX_BODY_BYTES};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::NaiveDate;
use khabar_model::{Article, Event, EventFamily, Story};
use khabar_store::{SqliteStore, Store};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

/// Default page size.
pub const DEFAULT_LIMIT: usize = 50;
/// Largest page size.
pub const MAX_LIMIT: usize = 500;

/// Query parameters in request order, checked by name.
pub struct Params(pub Vec<(String, String)>);

impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let q = parts.uri.query().unwrap_or("");
        serde_urlencoded::from_str::<Vec<(String, String)>>(q)
            .map(Params)
            .map_err(|e| ApiError::BadParameter(format!("malformed query string: {e}")))
    }
}

impl Params {
    /// Refuses parameters not in `known` (catches typos such as `fmaily=`).
    pub fn only(&self, known: &[&str]) -> Result<(), ApiError> {
        for (k, _) in &self.0 {
            if !known.contains(&k.as_str()) {
                return Err(ApiError::BadParameter(format!(
                    "unknown parameter `{k}`; expected one of: {}",
                    known.join(", ")
                )));
            }
        }
        Ok(())
    }

    /// The last non-empty value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(k, v)| k == name && !v.trim().is_empty())
            .map(|(_, v)| v.trim())
    }

    /// A non-negative integer parameter, `default` when absent, refused above `max`.
    pub fn number(&self, name: &str, default: usize, max: usize) -> Result<usize, ApiError> {
        match self.get(name) {
            None => Ok(default),
            Some(v) => match v.parse::<usize>() {
                Ok(n) if n <= max => Ok(n),
                Ok(_) => Err(ApiError::BadParameter(format!(
                    "`{name}` must be at most {max}, got {v}"
                ))),
                Err(_) => Err(ApiError::BadParameter(format!(
                    "`{name}` must be a non-negative integer, got {v:?}"
                ))),
            },
        }
    }

    /// A `YYYY-MM-DD` date parameter.
    pub fn date(&self, name: &str) -> Result<Option<NaiveDate>, ApiError> {
        self.get(name)
            .map(|v| {
                NaiveDate::parse_from_str(v, "%Y-%m-%d").map_err(|_| {
                    ApiError::BadParameter(format!("`{name}` must be a date YYYY-MM-DD, got {v:?}"))
                })
            })
            .transpose()
    }

    /// `limit` and `offset`.
    pub fn page(&self) -> Result<(usize, usize), ApiError> {
        let limit = self.number("limit", DEFAULT_LIMIT, MAX_LIMIT)?;
        if limit == 0 {
            return Err(ApiError::BadParameter("`limit` must be at least 1".into()));
        }
        Ok((limit, self.number("offset", 0, usize::MAX)?))
    }

    /// The URL of the next page (`None` on the last one), keeping every other parameter.
    pub fn next_url(&self, path: &str, limit: usize, offset: usize, total: usize) -> Option<String> {
        if offset.saturating_add(limit) >= total {
            return None;
        }
        let mut pairs: Vec<(String, String)> = self
            .0
            .iter()
            .filter(|(k, _)| k != "limit" && k != "offset")
            .cloned()
            .collect();
        pairs.push(("limit".into(), limit.to_string()));
        pairs.push(("offset".into(), (offset + limit).to_string()));
        let q = serde_urlencoded::to_string(&pairs).unwrap_or_default();
        Some(format!("{path}?{q}"))
    }
}

/// One page of items.
pub fn page_json<T: serde::Serialize>(
    items: &[T],
    params: &Params,
    path: &str,
    limit: usize,
    offset: usize,
) -> Value {
    let total = items.len();
    let slice = items
        .get(offset.min(total)..(offset.saturating_add(limit)).min(total))
        .unwrap_or(&[]);
    json!({
        "items": slice,
        "total": total,
        "limit": limit,
        "offset": offset,
        "next": params.next_url(path, limit, offset, total),
    })
}

/// Stories newest first: by last publication date, then first, then id (numeric), all descending; undated last.
pub fn sort_stories_newest_first(stories: &mut [Story]) {
    stories.sort_by(|a, b| {
        (
            b.last_published.is_some(),
            b.last_published,
            b.first_published,
            id_number(&b.id),
        )
            .cmp(&(
                a.last_published.is_some(),
                a.last_published,
                a.first_published,
                id_number(&a.id),
            ))
    });
}

/// Events in timeline order: by resolved event date (undated last), then id.
pub fn sort_events_by_date(events: &mut [Event]) {
    events.sort_by_key(|e| (e.date.is_none(), e.date, id_number(&e.id)));
}

#[utoipa::path(get, path = "/api/articles/{id}", tag = "articles",
    summary = "One article with its entity mentions and events",
    params(("id" = String, Path, description = "Article id")),
    responses((status = 200, description = "`{article, mentions, events}`", body = serde_json::Value),
        (status = 404, description = "No such article", body = serde_json::Value)))]
pub(crate) async fn get_article(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    state
        .read(move |store| {
            let article = store.article(&id)?.ok_or(ApiError::NotFound {
                what: "article",
                id: id.clone(),
            })?;
            Ok(Json(json!({
                "article": article,
                "mentions": store.mentions_of(&id)?,
                "events": store.events_of(&id)?,
            })))
        })
        .await
}

#[utoipa::path(get, path = "/api/stories", tag = "stories",
    summary = "Stories, newest first (by last publication date), paginated",
    params(("limit" = Option<usize>, Query, description = "Page size, 1..=500 (default 50)"),
        ("offset" = Option<usize>, Query, description = "Items to skip (default 0)")),
    responses((status = 200, description = "`{items, total, limit, offset, next}`", body = serde_json::Value),
        (status = 400, description = "Bad parameter", body = serde_json::Value)))]
pub(crate) async fn list_stories(
    State(state): State<AppState>,
    params: Params,
) -> Result<Json<Value>, ApiError> {
    params.only(&["limit", "offset"])?;
    let (limit, offset) = params.page()?;
    let mut stories = state.read(|store| Ok(store.stories()?)).await?;
    sort_stories_newest_first(&mut stories);
    Ok(Json(page_json(&stories, &params, "/api/stories", limit, offset)))
}

/// A story with its articles and events.
pub(crate) struct StoryView {
    pub story: Story,
    pub articles: Vec<Article>,
    pub events: Vec<Event>,
}

pub(crate) fn load_story(store: &dyn Store, id: &str) -> Result<StoryView, ApiError> {
    let story = store
        .stories()?
        .into_iter()
        .find(|s| s.id == id)
        .ok_or_else(|| ApiError::NotFound {
            what: "story",
            id: id.to_string(),
        })?;
    let mut articles = Vec::new();
    let mut events = Vec::new();
    for aid in &story.article_ids {
        if let Some(a) = store.article(aid)? {
            events.extend(store.events_of(aid)?);
            articles.push(a);
        }
    }
    sort_events_by_date(&mut events);
    Ok(StoryView {
        story,
        articles,
        events,
    })
}

#[utoipa::path(get, path = "/api/stories/{id}", tag = "stories",
    summary = "One story with its articles, events and the counts its sources dispute",
    params(("id" = String, Path, description = "Story id (`s1`)")),
    responses((status = 200, description = "`{story, articles, events, conflicts}`", body = serde_json::Value),
        (status = 404, description = "No such story", body = serde_json::Value)))]
pub(crate) async fn get_story(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let view = state.read(move |store| load_story(store, &id)).await?;
    Ok(Json(json!({
        "conflicts": view.story.conflicts,
        "story": view.story,
        "articles": view.articles,
        "events": view.events,
    })))
}

/// The filters of `/api/events`.
pub(crate) struct EventFilter {
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    place: Option<String>,
    family: Option<EventFamily>,
    actor: Option<String>,
    lang: Option<String>,
    story: Option<String>,
}

pub(crate) const EVENT_PARAMS: [&str; 9] = [
    "from", "to", "place", "family", "actor", "lang", "story", "limit", "offset",
];

impl EventFilter {
    pub(crate) fn parse(p: &Params) -> Result<EventFilter, ApiError> {
        let from = p.date("from")?;
        let to = p.date("to")?;
        if let (Some(f), Some(t)) = (from, to) {
            if f > t {
                return Err(ApiError::BadParameter(format!(
                    "`from` ({f}) is after `to` ({t})"
                )));
            }
        }
        let family = p
            .get("family")
            .map(|f| {
                EventFamily::parse(&f.to_ascii_lowercase()).ok_or_else(|| {
                    ApiError::BadParameter(format!(
                        "unknown family {f:?}; expected one of: {}",
                        EventFamily::ALL.map(|f| f.as_str()).join(", ")
                    ))
                })
            })
            .transpose()?;
        Ok(EventFilter {
            from,
            to,
            place: p.get("place").map(str::to_lowercase),
            family,
            actor: p.get("actor").map(str::to_lowercase),
            lang: p.get("lang").map(str::to_ascii_lowercase),
            story: p.get("story").map(str::to_string),
        })
    }

    fn keeps(&self, e: &Event, langs: &HashMap<String, String>) -> bool {
        let date_ok = match (self.from, self.to, e.date) {
            (None, None, _) => true,
            (_, _, None) => false,
            (f, t, Some(d)) => f.is_none_or(|f| d >= f) && t.is_none_or(|t| d <= t),
        };
        let place_ok = self.place.as_ref().is_none_or(|p| {
            e.place.as_ref().is_some_and(|x| x.to_lowercase() == *p)
                || e.place_kb_id.as_ref().is_some_and(|x| x.to_lowercase() == *p)
        });
        let actor_ok = self
            .actor
            .as_ref()
            .is_none_or(|a| e.actors.iter().any(|x| x.to_lowercase() == *a));
        let lang_ok = self
            .lang
            .as_ref()
            .is_none_or(|l| langs.get(&e.article_id).is_some_and(|x| x == l));
        date_ok
            && place_ok
            && actor_ok
            && lang_ok
            && self.family.is_none_or(|f| e.family == f)
            && self
                .story
                .as_ref()
                .is_none_or(|s| e.story_id.as_deref() == Some(s.as_str()))
    }

    /// The matching events in timeline order.
    pub(crate) fn apply(&self, store: &dyn Store) -> Result<Vec<Event>, ApiError> {
        let mut events = store.events()?;
        let mut langs = HashMap::new();
        if self.lang.is_some() {
            let ids: BTreeSet<String> = events.iter().map(|e| e.article_id.clone()).collect();
            for id in ids {
                if let Some(a) = store.article(&id)? {
                    langs.insert(id, a.lang);
                }
            }
        }
        events.retain(|e| self.keeps(e, &langs));
        sort_events_by_date(&mut events);
        Ok(events)
    }
}

#[utoipa::path(get, path = "/api/events", tag = "events",
    summary = "Events in timeline order (resolved event date, then id), filtered, paginated",
    params(("from" = Option<String>, Query, description = "Earliest event date, YYYY-MM-DD (undated events drop out)"),
        ("to" = Option<String>, Query, description = "Latest event date, YYYY-MM-DD"),
        ("place" = Option<String>, Query, description = "Place canonical name or kb id (case-insensitive)"),
        ("family" = Option<String>, Query, description = "Event family (`airstrike`, `battle`, ...)"),
        ("actor" = Option<String>, Query, description = "Actor canonical name (case-insensitive)"),
        ("lang" = Option<String>, Query, description = "Language of the reporting article (`ar`, `en`)"),
        ("story" = Option<String>, Query, description = "Story id"),
        ("limit" = Option<usize>, Query, description = "Page size, 1..=500 (default 50)"),
        ("offset" = Option<usize>, Query, description = "Items to skip")),
    responses((status = 200, description = "`{items, total, limit, offset, next}`", body = serde_json::Value),
        (status = 400, description = "Bad parameter", body = serde_json::Value)))]
pub(crate) async fn list_events(
    State(state): State<AppState>,
    params: Params,
) -> Result<Json<Value>, ApiError> {
    params.only(&EVENT_PARAMS)?;
    let (limit, offset) = params.page()?;
    let filter = EventFilter::parse(&params)?;
    let events = state.read(move |store| filter.apply(store)).await?;
    Ok(Json(page_json(&events, &params, "/api/events", limit, offset)))
}

/// Runs the configured searcher on a blocking thread.
pub(crate) async fn run_search(state: &AppState, q: String, limit: usize) -> Result<Vec<Value>, ApiError> {
    let searcher = state
        .inner
        .searcher
        .clone()
        .ok_or_else(|| ApiError::Unavailable("search is not configured on this server".into()))?;
    tokio::task::spawn_blocking(move || searcher.search(&q, limit))
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?
        .map_err(|e| ApiError::Internal(format!("search failed: {e}")))
}

#[utoipa::path(get, path = "/api/search", tag = "search",
    summary = "Full-text search across languages",
    params(("q" = String, Query, description = "Query text"),
        ("limit" = Option<usize>, Query, description = "Hits, 1..=100 (default 20)")),
    responses((status = 200, description = "`{q, hits: [{article_id, score, snippet, ...}]}`", body = serde_json::Value),
        (status = 400, description = "Missing or bad parameter", body = serde_json::Value),
        (status = 503, description = "No search index configured", body = serde_json::Value)))]
pub(crate) async fn search(State(state): State<AppState>, params: Params) -> Result<Json<Value>, ApiError> {
    params.only(&["q", "limit"])?;
    let q = params
        .get("q")
        .ok_or_else(|| ApiError::BadParameter("`q` is required".into()))?
        .to_string();
    let limit = params.number("limit", 20, 100)?.max(1);
    let hits = run_search(&state, q.clone(), limit).await?;
    Ok(Json(json!({"q": q, "hits": hits})))
}

fn stories_geojson(stories: &[Story], events: &[Event]) -> Value {
    let by_id: HashMap<&str, &Event> = events.iter().map(|e| (e.id.as_str(), e)).collect();
    let features: Vec<Value> = stories
        .iter()
        .filter_map(|s| {
            let mut points: Vec<[f64; 2]> = Vec::new();
            for e in s.event_ids.iter().filter_map(|id| by_id.get(id.as_str())) {
                if let (Some(lat), Some(lon)) = (e.lat, e.lon) {
                    if !points.contains(&[lon, lat]) {
                        points.push([lon, lat]);
                    }
                }
            }
            (!points.is_empty()).then(|| {
                json!({"type": "Feature", "id": s.id,
                    "geometry": {"type": "MultiPoint", "coordinates": points},
                    "properties": {"title": s.title, "langs": s.langs, "places": s.places,
                        "first_published": s.first_published, "last_published": s.last_published,
                        "events": s.event_ids.len(), "conflicts": s.conflicts.len()}})
            })
        })
        .collect();
    json!({"type": "FeatureCollection", "features": features})
}

#[utoipa::path(get, path = "/api/export/{file}", tag = "export",
    summary = "Download a table: events.jsonl, events.csv (ACLED-like), events.geojson, stories.jsonl, stories.csv, stories.geojson",
    params(("file" = String, Path, description = "`{events|stories}.{jsonl|csv|geojson}`")),
    responses((status = 200, description = "The file"),
        (status = 400, description = "Unknown table or format", body = serde_json::Value)))]
pub(crate) async fn export(
    State(state): State<AppState>,
    Path(file): Path<String>,
) -> Result<Response, ApiError> {
    let (table, ext) = file
        .rsplit_once('.')
        .ok_or_else(|| ApiError::BadParameter(format!("expected `<table>.<format>`, got {file:?}")))?;
    let format = khabar_export::ExportFormat::parse(ext).ok_or_else(|| {
        ApiError::BadParameter(format!("unknown format {ext:?}; expected jsonl, csv or geojson"))
    })?;
    if table != "events" && table != "stories" {
        return Err(ApiError::BadParameter(format!(
            "unknown table {table:?}; expected events or stories"
        )));
    }
    let table = table.to_string();
    let body = state
        .read(move |store| {
            use khabar_export::ExportFormat as F;
            let mut out: Vec<u8> = Vec::new();
            match (table.as_str(), format) {
                ("events", F::Jsonl) => {
                    khabar_export::write_jsonl(&store.events()?, &mut out)?;
                }
                ("events", F::Csv) => {
                    let (articles, mentions) = (store.articles()?, store.mentions()?);
                    let ctx = khabar_export::EventContext::new(&articles, &mentions);
                    khabar_export::write_events_csv(&store.events()?, &ctx, false, &mut out)?;
                }
                ("events", F::Geojson) => {
                    khabar_export::write_events_geojson(&store.events()?, &mut out)?;
                }
                ("stories", F::Jsonl) => {
                    khabar_export::write_jsonl(&store.stories()?, &mut out)?;
                }
                ("stories", F::Csv) => {
                    khabar_export::write_stories_csv(&store.stories()?, false, &mut out)?;
                }
                (_, _) => {
                    out = serde_json::to_vec(&stories_geojson(&store.stories()?, &store.events()?))
                        .map_err(|e| ApiError::Internal(e.to_string()))?;
                }
            }
            Ok(out)
        })
        .await?;
    let content_type = match format {
        khabar_export::ExportFormat::Jsonl => "application/x-ndjson; charset=utf-8",
        khabar_export::ExportFormat::Csv => "text/csv; charset=utf-8",
        khabar_export::ExportFormat::Geojson => "application/geo+json",
    };
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}\""),
            ),
        ],
        body,
    )
        .into_response())
}

/// Turns a POST body into JSONL lines, each object given a stable id (hash of the line) when it has none.
fn body_to_lines(content_type: &str, body: &[u8]) -> Result<Vec<String>, ApiError> {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let raw_lines: Vec<String> = match essence.as_str() {
        "application/json" => {
            let v: Value =
                serde_json::from_slice(body).map_err(|e| ApiError::BadBody(format!("not JSON: {e}")))?;
            match v {
                Value::Object(_) => vec![v.to_string()],
                Value::Array(items) if !items.is_empty() => items.iter().map(Value::to_string).collect(),
                _ => {
                    return Err(ApiError::BadBody(
                        "expected a JSON object (or an array of objects)".into(),
                    ))
                }
            }
        }
        "application/x-ndjson" | "application/ndjson" | "application/jsonl" | "application/x-jsonlines" => {
            let text = std::str::from_utf8(body)
                .map_err(|e| ApiError::BadBody(format!("body is not UTF-8: {e}")))?;
            text.lines().map(str::to_string).collect()
        }
        other => return Err(ApiError::UnsupportedMediaType(other.to_string())),
    };
    if raw_lines.iter().all(|l| l.trim().is_empty()) {
        return Err(ApiError::BadBody("the body holds no articles".into()));
    }
    Ok(raw_lines
        .into_iter()
        .map(|line| match serde_json::from_str::<Value>(&line) {
            Ok(Value::Object(mut obj)) => {
                let has_id = match obj.get("id") {
                    Some(Value::String(s)) => !s.trim().is_empty(),
                    Some(Value::Number(_)) => true,
                    _ => false,
                };
                if !has_id {
                    let digest = Sha256::digest(line.as_bytes());
                    obj.insert(
                        "id".into(),
                        Value::String(format!("api-{}", hex::encode(&digest[..8]))),
                    );
                }
                Value::Object(obj).to_string()
            }
            // Left as is: the reader refuses it with its line number.
            _ => line.replace(['\r', '\n'], " "),
        })
        .collect())
}

/// The ids of the posted lines that were accepted, and `{line, reason}` for those refused.
fn ids_and_errors(lines: &[String], rejected: &[(String, String)]) -> (Vec<Value>, Vec<Value>) {
    let errors: Vec<Value> = rejected
        .iter()
        .map(|(loc, reason)| {
            // Reasons repeat the location (the temp file); the line number says it.
            let reason = reason.strip_prefix(&format!("{loc}: ")).unwrap_or(reason);
            json!({"line": line_of(loc), "reason": reason})
        })
        .collect();
    let rejected_lines: BTreeSet<usize> = rejected.iter().filter_map(|(l, _)| line_of(l)).collect();
    let ids: Vec<Value> = lines
        .iter()
        .enumerate()
        .filter(|(i, _)| !rejected_lines.contains(&(i + 1)))
        .filter_map(|(_, l)| serde_json::from_str::<Value>(l).ok())
        .filter_map(|v| v.get("id").cloned())
        .collect();
    (ids, errors)
}

/// The posted lines as a JSONL file (in a temporary directory, removed when the guard drops) for the readers.
fn lines_file(lines: &[String]) -> std::io::Result<(tempfile::TempDir, std::path::PathBuf)> {
    let tmp = tempfile::tempdir()?;
    let file = tmp.path().join("post.jsonl");
    std::fs::write(&file, lines.join("\n"))?;
    Ok((tmp, file))
}

/// Scale-out ingest: the lines go to the work queue; workers analyse and store them.
async fn queue_articles(queue: Arc<dyn crate::Queue>, lines: Vec<String>) -> Result<Response, ApiError> {
    let out = tokio::task::spawn_blocking(move || -> Result<Value, ApiError> {
        let (_tmp, file) = lines_file(&lines)?;
        let q = queue.queue_jsonl(&file).map_err(ApiError::Unavailable)?;
        let (ids, errors) = ids_and_errors(&lines, &q.rejected);
        Ok(json!({"ids": ids, "errors": errors, "queued": q.queued, "unchanged": q.unchanged}))
    })
    .await
    .map_err(|e| ApiError::Internal(e.to_string()))??;
    Ok(Json(out).into_response())
}

/// The line number at the end of a `path:line` location.
fn line_of(location: &str) -> Option<usize> {
    location.rsplit_once(':').and_then(|(_, n)| n.trim().parse().ok())
}

#[utoipa::path(post, path = "/api/articles", tag = "articles",
    summary = "Ingest articles through the full pipeline",
    description = "One JSON article object (or an array of them) as `application/json`, or a JSONL batch as \
`application/x-ndjson`. Fields as ingest's JSONL: `text` or `html` (required), `id`, `url`, `title`, `published` \
(ISO 8601), `source`, `lang`. Objects without an id get `api-<hash of the line>`. Re-posting is idempotent.",
    request_body(content = serde_json::Value, content_type = "application/json",
        description = "An article object, an array of them, or (as application/x-ndjson) one object per line"),
    responses((status = 200, description = "`{ids, errors: [{line, reason}], stored, unchanged, duplicates, events}`", body = serde_json::Value),
        (status = 400, description = "Unusable body", body = serde_json::Value),
        (status = 413, description = "Body over 10 MB", body = serde_json::Value),
        (status = 415, description = "Unsupported content type", body = serde_json::Value),
        (status = 503, description = "Server started without the pipeline engines", body = serde_json::Value)))]
pub(crate) async fn post_articles(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let body = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::PayloadTooLarge {
                limit: MAX_BODY_BYTES,
            }
        } else {
            ApiError::BadBody(e.body_text())
        }
    })?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let lines = body_to_lines(&content_type, &body)?;
    if let Some(queue) = state.inner.queue.clone() {
        return queue_articles(queue, lines).await;
    }
    let engines = state.inner.engines.clone().ok_or_else(|| {
        ApiError::Unavailable(
            "ingest is not available: the server was started without the pipeline engines (data dir)".into(),
        )
    })?;
    let dir = state.inner.db_dir.clone().ok_or_else(|| {
        ApiError::Unavailable(
            "ingest is not available: this server has a store but no work queue (--bus)".into(),
        )
    })?;
    let _writer = state.inner.writer.lock().await;
    let out = tokio::task::spawn_blocking(move || -> Result<Value, ApiError> {
        let (_tmp, file) = lines_file(&lines)?;
        let mut store = SqliteStore::open(&dir)?;
        let options = khabar_pipeline::PipelineOptions {
            workers: 2,
            format: khabar_ingest::InputFormat::Jsonl,
            progress: false,
            ..Default::default()
        };
        let report = khabar_pipeline::ingest(
            &mut store,
            &engines,
            &[khabar_ingest::InputSource::Path(file)],
            &options,
        )?;
        let (ids, errors) = ids_and_errors(&lines, &report.rejected);
        Ok(json!({
            "ids": ids,
            "errors": errors,
            "stored": report.stored,
            "unchanged": report.unchanged,
            "duplicates": report.duplicates,
            "events": report.events,
        }))
    })
    .await
    .map_err(|e| ApiError::Internal(e.to_string()))??;
    Ok(Json(out).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_become_lines_with_stable_ids() {
        let one = body_to_lines("application/json; charset=utf-8", br#"{"text":"x","title":"t"}"#).unwrap();
        assert_eq!(one.len(), 1);
        let v: Value = serde_json::from_str(&one[0]).unwrap();
        assert!(v["id"].as_str().unwrap().starts_with("api-"));
        assert_eq!(
            one,
            body_to_lines("application/json", br#"{"text":"x","title":"t"}"#).unwrap()
        );
        let kept = body_to_lines(
            "application/x-ndjson",
            b"{\"id\":\"a1\",\"text\":\"x\"}\nnot json\n\n",
        )
        .unwrap();
        assert_eq!(kept.len(), 3);
        assert!(kept[0].contains("\"a1\""));
        assert_eq!(kept[1], "not json");
        assert!(matches!(
            body_to_lines("text/plain", b"x"),
            Err(ApiError::UnsupportedMediaType(_))
        ));
        assert!(matches!(
            body_to_lines("application/json", b"[1"),
            Err(ApiError::BadBody(_))
        ));
        assert!(matches!(
            body_to_lines("application/json", b"42"),
            Err(ApiError::BadBody(_))
        ));
        assert!(matches!(
            body_to_lines("application/x-ndjson", b"\n \n"),
            Err(ApiError::BadBody(_))
        ));
    }

    #[test]
    fn locations_give_line_numbers() {
        assert_eq!(line_of("/tmp/x/post.jsonl:3"), Some(3));
        assert_eq!(line_of("post.jsonl"), None);
    }

    #[test]
    fn next_url_keeps_filters_and_stops_at_the_end() {
        let p = Params(vec![
            ("family".into(), "airstrike".into()),
            ("limit".into(), "2".into()),
        ]);
        assert_eq!(
            p.next_url("/api/events", 2, 0, 5).as_deref(),
            Some("/api/events?family=airstrike&limit=2&offset=2")
        );
        assert_eq!(p.next_url("/api/events", 2, 4, 5), None);
        assert!(p.only(&["family", "limit"]).is_ok());
        assert!(p.only(&["limit"]).is_err());
        assert!(Params(vec![("limit".into(), "-1".into())]).page().is_err());
        assert!(Params(vec![("limit".into(), "0".into())]).page().is_err());
        assert!(Params(vec![("limit".into(), "501".into())]).page().is_err());
    }
}
