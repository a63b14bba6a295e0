//! The storage traits: what the API, the exports and the pipeline's bookkeeping need from any store, so they run
//! unchanged on the embedded SQLite store and on the PostgreSQL scale-out store (crate `khabar-store-pg`).

use crate::{Presence, StoreResult};
use khabar_model::{Article, Event, Mention, Story};

/// Read access to everything a run stored. The API, the UI and the exports use only this.
pub trait StoreRead {
    /// A short description for messages: the path or the URL without its password.
    fn describe(&self) -> String;
    /// Number of stored articles.
    fn article_count(&self) -> StoreResult<u64>;
    /// All articles in ingest order.
    fn articles(&self) -> StoreResult<Vec<Article>>;
    /// One article by id.
    fn article(&self, id: &str) -> StoreResult<Option<Article>>;
    /// All mentions, by article ingest order then position.
    fn mentions(&self) -> StoreResult<Vec<Mention>>;
    /// Mentions of one article.
    fn mentions_of(&self, article_id: &str) -> StoreResult<Vec<Mention>>;
    /// All events in id order, each with the story id of its article.
    fn events(&self) -> StoreResult<Vec<Event>>;
    /// Events of one article.
    fn events_of(&self, article_id: &str) -> StoreResult<Vec<Event>>;
    /// All stories in id order (s1, s2, … numerically).
    fn stories(&self) -> StoreResult<Vec<Story>>;
    /// Refused inputs (location, reason), oldest first.
    fn rejected(&self) -> StoreResult<Vec<(String, String)>>;
    /// Internal consistency problems (orphan rows, broken story membership); empty when consistent.
    fn check_consistency(&self) -> StoreResult<Vec<String>>;
}

/// Read and bookkeeping access shared by every store.
pub trait Store: StoreRead + Send {
    /// Whether an input with this id and raw hash is stored.
    fn presence(&self, id: &str, raw_hash: &str) -> StoreResult<Presence>;
    /// Records a refused input (location + reason) for review and replay.
    fn record_rejected(&mut self, location: &str, reason: &str) -> StoreResult<()>;
}

/// Opens a fresh connection to a store (the API opens one per request on a blocking thread).
pub trait StoreOpener: Send + Sync {
    /// A short description for messages (path, or URL without password).
    fn describe(&self) -> String;
    /// Opens the store.
    fn open(&self) -> StoreResult<Box<dyn Store>>;
}
