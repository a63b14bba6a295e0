//! The pipeline: khabar's stages joined by bounded channels.
//!
//! ```text
//! read ──► [extract + langid] ×N ──► dedup ──► [entities + events + embed] ×N ──► cluster + store
//!  1 thread     worker pool        1 thread, stateful      worker pool           1 thread, stateful
//! ```
//! Every channel is bounded ([`PipelineOptions::queue`]), so a slow stage holds the ones before it back instead of
//! buffering the corpus in memory. Items carry their input sequence number; the two stateful stages take them in
//! that order (a small reorder buffer), so a run's output does not depend on thread timing. Every stage counts
//! what it received, passed on, skipped and rejected; rejected inputs are reported with location and reason and
//! recorded in the store, and never stop the run.
//!
//! Stateful parts (the dedup index, the story clusterer) are snapshotted into the store with the sequence number
//! of the last article they include; on start they are restored and any later stored article is replayed into them,
//! so a run killed at any point leaves a store the next run completes. The full-text index (`<db>/search`) is kept
//! the same way: committed with a checkpoint, replayed from the store after a crash.

#![deny(missing_docs)]

mod engines;
mod error;
mod expand;
mod run;
pub mod scaleout;
mod stories;

pub use engines::{resolve_data_dir, Engines};
pub use error::PipelineError;
pub use expand::{open_search, KbExpander, SEARCH_DIR};
pub use run::{ingest, IngestReport, PipelineOptions, StageReport};
