//! The crate's error type.

use std::path::PathBuf;

/// Errors of the event stage: rule files that do not parse, unreadable files, a malformed devset.
#[derive(Debug, thiserror::Error)]
pub enum EventError {
    /// A rule file has a line the engine cannot read.
    #[error("rules file `{file}` line {line}: {message}")]
    Rules {
        /// The rule file (`en/triggers.tsv`).
        file: String,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// A file could not be read.
    #[error("cannot read `{path}`: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The IO error.
        source: std::io::Error,
    },
    /// A devset line is not valid.
    #[error("devset line {line}: {message}")]
    Devset {
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        message: String,
    },
}

/// Result alias of this crate.
pub type EventResult<T> = Result<T, EventError>;
