//! Store errors.

use thiserror::Error;

/// Why a store operation failed.
#[derive(Debug, Error)]
pub enum StoreError {
    /// The database directory could not be created or opened.
    #[error("cannot open store at {path}: {message}")]
    Open {
        /// The directory or file.
        path: String,
        /// What went wrong.
        message: String,
    },
    /// SQLite failed.
    #[error("sqlite error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// A stored JSON column could not be (de)serialised.
    #[error("corrupt stored record: {0}")]
    Json(#[from] serde_json::Error),
    /// The database was written by a newer khabar.
    #[error("database schema v{found} is newer than this khabar (v{supported}); upgrade khabar")]
    TooNew {
        /// Version on disk.
        found: i64,
        /// Newest version this build knows.
        supported: i64,
    },
    /// A store server (PostgreSQL) could not be reached or refused the connection; `url` has no password.
    #[error("cannot reach store {url}: {message}")]
    Unreachable {
        /// The store URL, password removed.
        url: String,
        /// What went wrong.
        message: String,
    },
    /// Another store backend failed (PostgreSQL errors, a corrupt vector, …).
    #[error("{backend} error: {message}")]
    Backend {
        /// Which backend (e.g. "postgres").
        backend: &'static str,
        /// What went wrong.
        message: String,
    },
}

/// Result alias for store operations.
pub type StoreResult<T> = Result<T, StoreError>;
