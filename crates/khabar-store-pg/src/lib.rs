//! khabar's scale-out store on PostgreSQL + pgvector, behind the same [`khabar_store::StoreRead`] /
//! [`khabar_store::Store`] / [`khabar_store::StoreOpener`] traits as the embedded SQLite store.
//!
//! - [`PgStore::connect`] retries with exponential backoff, then fails with
//!   [`khabar_store::StoreError::Unreachable`] naming the URL without its password ([`redact`]). It applies the
//!   versioned migrations (table `schema_version`) under an advisory lock, so workers starting together migrate once.
//! - [`PgStore::exclusive`] runs the short dedup + clustering + write step of one article in one transaction that
//!   first takes `pg_advisory_xact_lock(`[`CLUSTER_LOCK_KEY`]`)`: concurrent workers serialise there, and a failure
//!   rolls everything back. [`PgTx`] offers what that step needs: [`PgTx::presence`], [`PgTx::dedup_candidates`]
//!   (LSH band keys), [`PgTx::nearest`] (pgvector HNSW, cosine), [`PgTx::write_article`], story ids and merges,
//!   story evidence for splits ([`PgTx::put_evidence`], [`PgTx::story_graph`], [`PgTx::move_articles`]; schema v2),
//!   and stage state.
//! - [`PgStore::search`]: full-text search over analysed terms written with each article (GIN index on
//!   `to_tsvector('simple', search_terms)`), term groups AND-ed with aliases OR-ed.
//! - A lost connection maps to `StoreError::Unreachable` ([`is_connection_error`]); call [`PgStore::reconnect`] and
//!   retry the transaction. Other PostgreSQL errors map to `StoreError::Backend { backend: "postgres", .. }`.

#![deny(missing_docs)]

mod conn;
mod rows;
mod search;
mod store;
#[doc(hidden)]
pub mod testing;
mod tx;

pub use conn::{is_connection_error, redact, ConnectOptions, SCHEMA_VERSION};
pub use store::{PgOpener, PgStore, SearchFilters, CLUSTER_LOCK_KEY};
pub use tx::{Neighbor, PgTx, StoryGraph, INDEXED_DIMS};

/// What [`PgTx::write_article`] stores beside a [`khabar_store::StoredArticle`]; all optional.
#[derive(Debug, Clone, Copy, Default)]
pub struct ArticleExtras<'a> {
    /// Similarity-model features of the article (opaque bytes, returned by [`PgTx::nearest`]).
    pub features: Option<&'a [u8]>,
    /// Near-duplicate index entry: the LSH band keys and the MinHash fingerprint bytes
    /// (returned by [`PgTx::dedup_candidates`]).
    pub dedup: Option<(&'a [i64], &'a [u8])>,
    /// Analysed tokens of the article joined by spaces (e.g. the search analyzer's output for the title and body,
    /// stems and normalized forms included), indexed for [`PgStore::search`]. `None` leaves it unsearchable.
    pub search_terms: Option<&'a str>,
}
