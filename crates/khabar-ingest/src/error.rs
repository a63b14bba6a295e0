//! Ingest errors: each names the input (file, line or feed item) and the reason.

use thiserror::Error;

/// Why an input or one record of it was refused.
#[derive(Debug, Error)]
pub enum IngestError {
    /// The path does not exist.
    #[error("{path}: no such file or directory")]
    Missing {
        /// The path as given.
        path: String,
    },
    /// Reading failed.
    #[error("{path}: read error: {source}")]
    Io {
        /// The input.
        path: String,
        /// The IO error.
        source: std::io::Error,
    },
    /// A directory walk failed part-way.
    #[error("{path}: cannot walk directory: {message}")]
    Walk {
        /// The directory.
        path: String,
        /// What went wrong.
        message: String,
    },
    /// Nothing but whitespace.
    #[error("{path}: empty input")]
    Empty {
        /// The input.
        path: String,
    },
    /// Not text (NUL bytes, control characters).
    #[error("{path}: binary data, not a text, HTML, JSONL or feed document")]
    Binary {
        /// The input.
        path: String,
    },
    /// Over [`crate::MAX_INPUT_BYTES`].
    #[error("{path}: {bytes} bytes is over the {limit}-byte input limit")]
    TooLarge {
        /// The input.
        path: String,
        /// Its size.
        bytes: u64,
        /// The limit.
        limit: u64,
    },
    /// A JSONL line that is not a JSON object with `text` or `html`.
    #[error("{path}:{line}: {reason}")]
    BadRecord {
        /// The JSONL file.
        path: String,
        /// 1-based line number.
        line: usize,
        /// What is wrong with it.
        reason: String,
    },
    /// A feed that is not RSS/Atom XML, or an item without content.
    #[error("{path}: {reason}")]
    BadFeed {
        /// The feed (with `#item` where it is one item).
        path: String,
        /// What is wrong.
        reason: String,
    },
}

impl IngestError {
    /// The input (and line/item) the error is about.
    pub fn location(&self) -> String {
        match self {
            IngestError::BadRecord { path, line, .. } => format!("{path}:{line}"),
            IngestError::Missing { path }
            | IngestError::Io { path, .. }
            | IngestError::Walk { path, .. }
            | IngestError::Empty { path }
            | IngestError::Binary { path }
            | IngestError::TooLarge { path, .. }
            | IngestError::BadFeed { path, .. } => path.clone(),
        }
    }
}
