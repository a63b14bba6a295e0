//! The one trait every stateless pipeline stage implements.

use thiserror::Error;

/// Why a stage could not process one item. The pipeline counts it and goes on with the next item.
#[derive(Debug, Error)]
pub enum StageError {
    /// The item is unusable (empty body, not text, not parseable): rejected and reported.
    #[error("rejected: {0}")]
    Rejected(String),
    /// The item is fine but this stage has nothing to do with it (already seen, filtered): skipped silently.
    #[error("skipped: {0}")]
    Skipped(String),
    /// Something went wrong inside the stage.
    #[error("{0}")]
    Internal(String),
}

/// A stateless transform from one item to the next. Stages are plain sync functions; threads and channels are the
/// pipeline's business.
pub trait Stage: Send + Sync {
    /// What the stage consumes.
    type Input;
    /// What the stage produces.
    type Output;
    /// A short stable name used in logs and metrics (`extract`, `langid`).
    fn name(&self) -> &'static str;
    /// Processes one item.
    fn process(&self, input: Self::Input) -> Result<Self::Output, StageError>;
}
