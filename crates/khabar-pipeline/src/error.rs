//! Pipeline errors: only what stops a whole run (data missing, store unusable). Bad inputs are counted, not errors.

use thiserror::Error;

/// Why a run could not proceed.
#[derive(Debug, Error)]
pub enum PipelineError {
    /// A data file the engines need is missing.
    #[error("{what} not found at {path}: {hint}")]
    MissingData {
        /// What is missing.
        what: String,
        /// Where it was looked for.
        path: String,
        /// How to get it.
        hint: String,
    },
    /// An engine failed to load.
    #[error("cannot load {what}: {message}")]
    Load {
        /// The engine.
        what: &'static str,
        /// Why.
        message: String,
    },
    /// The store failed.
    #[error(transparent)]
    Store(#[from] khabar_store::StoreError),
    /// A stage snapshot could not be written or read.
    #[error("state snapshot of {stage}: {message}")]
    State {
        /// The stateful stage.
        stage: &'static str,
        /// Why.
        message: String,
    },
    /// The work queue (NATS JetStream) failed or could not be reached.
    #[error("{0}")]
    Bus(String),
    /// A worker thread panicked (a bug: please report with the input).
    #[error("pipeline worker failed: {0}")]
    Worker(String),
}
