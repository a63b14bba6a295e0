//! khabar's storage traits ([`StoreRead`], [`Store`], [`StoreOpener`]) and its embedded store: one SQLite
//! database (WAL mode) under `--db`. The PostgreSQL scale-out store implements the same traits.
//!
//! Each analysed article is written in one transaction with its mentions, events and embedding, so a crash never
//! leaves half an article. Stateful stages (dedup index, story clusters) keep their snapshots in the `state` table,
//! written in the same transaction as the data they describe. Migrations are versioned with `PRAGMA user_version`.

#![deny(missing_docs)]

mod error;
mod sqlite;
mod traits;

pub use error::{StoreError, StoreResult};
pub use sqlite::{Presence, SqliteOpener, SqliteStore, StoredArticle, DB_FILE, SCHEMA_VERSION};
pub use traits::{Store, StoreOpener, StoreRead};
