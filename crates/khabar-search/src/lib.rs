//! khabar's embedded full-text search.
//!
//! A tantivy index on disk under the store directory (`<db>/search/`), built for Arabic and English conflict news:
//!
//! - every article's title and body are indexed twice, once through an Arabic-aware analyzer (normalization of
//!   diacritics, tatweel, alef / teh marbuta forms and digits, then light stemming, so "الباغوز", "باغوز", "والباغوز"
//!   and "الْبَاغُوز" are one term) and once through an English analyzer (lowercase + Snowball stemming, so "strikes"
//!   finds "strike"); queries search both;
//! - query words are expanded through an [`AliasExpander`] (the CLI backs it with the knowledge base), so
//!   "Baghouz" also finds Arabic articles that say "الباغوز"; the kb ids of each article's mentions are indexed too
//!   and expansion matches them;
//! - filters: language, publication date range, place (kb id or name of a place mention or event place) and event
//!   family;
//! - hits carry an HTML snippet: the text is escaped, matches are wrapped in `<b>..</b>`.
//!
//! User text never reaches a query parser: queries are built term by term, so any input is safe.
//!
//! ```no_run
//! use khabar_search::{NoExpansion, SearchIndex, SearchQuery};
//! # fn main() -> Result<(), khabar_search::SearchError> {
//! let mut index = SearchIndex::open(std::path::Path::new("khabar-data/search"))?;
//! // index.index_article(&article, &events, &mentions)?; index.commit()?;
//! for hit in index.search(&SearchQuery::text("الباغوز"), &NoExpansion)? {
//!     println!("{} {:.2} {}", hit.article_id, hit.score, hit.snippet);
//! }
//! # Ok(()) }
//! ```

#![deny(missing_docs)]

pub mod analyzer;
mod index;
mod query;
mod schema;

use chrono::NaiveDate;
use khabar_model::EventFamily;
use serde::Serialize;

pub use index::SearchIndex;
pub use schema::SCHEMA_VERSION;

/// Errors of the search index.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// The tantivy engine failed (IO, corrupt segment, ...).
    #[error("search index error: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    /// Filesystem error outside tantivy (version marker, directory creation).
    #[error("search index io error: {0}")]
    Io(#[from] std::io::Error),
    /// The directory holds an index of another schema version (or not a khabar index): rebuild it with
    /// [`SearchIndex::recreate`] and re-index from the store.
    #[error("search index at `{path}` has schema version {found:?}, expected {expected}; rebuild it (khabar reindex)")]
    SchemaVersion {
        /// The directory.
        path: String,
        /// The version found (`None` when the marker is missing or unreadable).
        found: Option<u32>,
        /// The version this build writes.
        expected: u32,
    },
    /// Another writer holds the index lock (another `khabar` process is indexing).
    #[error("search index is locked by another writer: {0}")]
    Locked(String),
}

/// Result alias of this crate.
pub type SearchResult<T> = Result<T, SearchError>;

/// A search request.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SearchQuery {
    /// Free text, any script. Searched word by word (any word may match; more matches rank higher).
    pub text: String,
    /// Only articles in this language (ISO 639-1).
    pub lang: Option<String>,
    /// Only articles published on or after this day (articles without a date are excluded).
    pub from: Option<NaiveDate>,
    /// Only articles published on or before this day (articles without a date are excluded).
    pub to: Option<NaiveDate>,
    /// Only articles with a place mention (or event place) of this kb id or name, in any script.
    pub place: Option<String>,
    /// Only articles with at least one event of this family.
    pub family: Option<EventFamily>,
    /// Most hits returned (0 is read as the default, 20).
    pub limit: usize,
}

impl SearchQuery {
    /// A text-only query with the default limit.
    pub fn text(text: impl Into<String>) -> SearchQuery {
        SearchQuery {
            text: text.into(),
            ..SearchQuery::default()
        }
    }
}

/// One search result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchHit {
    /// The article id.
    pub article_id: String,
    /// Relevance (BM25 over both analyzers; only comparable within one query).
    pub score: f32,
    /// A passage of the body (or title) with matches in `<b>..</b>`; everything else is HTML-escaped.
    pub snippet: String,
    /// The article title.
    pub title: Option<String>,
    /// The article language.
    pub lang: String,
    /// The publication date.
    pub published: Option<NaiveDate>,
}

/// Gives every spelling of a name, in any script ("Baghouz" → ["الباغوز", "Baghuz", ...]).
pub trait AliasExpander {
    /// All spellings of `term` (a word or a short phrase of the query); empty when it names nothing known.
    fn expand(&self, term: &str) -> Vec<String>;

    /// Knowledge-base ids `term` may name; matched against the kb ids of the articles' mentions. The default
    /// returns none; strings returned by [`AliasExpander::expand`] are matched against kb ids as well.
    fn kb_ids(&self, _term: &str) -> Vec<String> {
        Vec::new()
    }
}

/// An expander that knows no aliases: searches match the words as typed (modulo normalization and stemming).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoExpansion;

impl AliasExpander for NoExpansion {
    fn expand(&self, _term: &str) -> Vec<String> {
        Vec::new()
    }
}
