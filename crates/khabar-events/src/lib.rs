//! khabar's event stage: turns cleaned, entity-tagged articles into [`khabar_model::Event`]s — the facts analysts
//! count — each carrying its evidence sentence and char span.
//!
//! Precision comes before recall: every field of an event comes from one sentence, triggers under negation,
//! future, conditional or attempt cues do not fire, background tallies ("since 2011") are dropped, and numbers
//! that are not counts (years, phones, page counters, times, ages, distances, percentages, tables) are refused.
//! What the engine knows about each language lives in data files, `rules/{en,ar}/*.tsv` (see `rules/README.md`),
//! compiled in by default and loadable from a folder with [`EventExtractor::from_dir`].

#![deny(missing_docs)]

pub mod dates;
mod error;
pub mod eval;
mod extract;
pub mod numbers;
mod rules;
mod text;

pub use error::{EventError, EventResult};
pub use eval::{eval_devset, DevsetReport};
pub use extract::{EventExtractor, ACTOR_WINDOW, MAX_EVENT_AGE_DAYS, MAX_SENTENCE_TOKENS};
