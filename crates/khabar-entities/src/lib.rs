//! khabar's entity stage: one thing written many ways is one thing.
//!
//! "قسد", "QSD", "SDF" and machine-translated "Qusad"/"Ksd" all link to one knowledge-base entry, as do "الباغوز",
//! "Baghouz", "Al-Bagouz" and "Baguoz". The [`KnowledgeBase`] holds a small reviewed table of conflict actors,
//! organisations, people and places (compiled in, `data/curated.tsv`) and, once [`KnowledgeBase::build`] has run
//! on the data dir, the geonames gazetteer and Wikidata personal names as `fst` maps under `<data_dir>/kb/`.
//! The [`EntityLinker`] walks those maps token by token over normalized text (linear in the text), falls back to a
//! cross-script phonetic skeleton for spellings it has never seen, types people by role cues, and geocodes places
//! against the countries the article itself talks about. [`Transliterator`] is an Arabic→Latin model learned from
//! name pairs; [`eval_translit`] measures it.
//!
//! Setup and measures:
//! - build the KB once: `cargo run --release -p khabar-entities --example build_kb [-- DATA_DIR]` (or call
//!   [`KnowledgeBase::build`]); about 15 s, then [`KnowledgeBase::load`] takes about 0.3 s;
//! - transliteration figures: `cargo run --release -p khabar-entities --example eval_translit` (or `khabar eval
//!   translit`): linking, and generation with a [`LatinPrior`] read from the data dir's name lists (Latin sides
//!   only); tuning on held-out training pairs only: `--example tune_translit -- --prior --linking 3,6,0.3,48,0,0`;
//! - throughput: `cargo bench -p khabar-entities --bench link_throughput`.

#![deny(missing_docs)]

mod index;
mod kb;
pub mod key;
mod link;
mod namefreq;
mod neural;
mod rerank;
mod translit;
mod wordfreq;

pub use kb::{
    stale_reason, write_stamp, BuildReport, KbEntry, KnowledgeBase, COUNTRIES_AR_TSV, CURATED_TSV, KB_FORMAT,
    KB_STAMP, REGION_ALIASES_TSV,
};
pub use link::{EntityLinker, EntityStage};
pub use namefreq::{NameFreq, NameStats, NAME_FREQ_TSV};
pub use neural::{clean_arabic, held_out_of_training, Encoded, NeuralTranslit};
pub use rerank::{
    candidate_features, NeuralScores, RerankGroup, Reranker, FEATURES, FEATURE_NAMES, NEURAL_BEAM,
    NEURAL_NBEST,
};
pub use translit::{
    eval_translit, generation_figures, linking_figures, read_pairs, LatinPrior, NameSource, RerankParams,
    TranslitParams, TranslitReport, Transliterator, PRIOR_CHAR_WEIGHT, PRIOR_LM_ORDER, RERANK_NBEST,
};
pub use wordfreq::{
    WordFreq, WordFreqBuild, AR_WORDFREQ_RAW, AR_WORD_FREQ_TSV, EN_WORDFREQ_RAW, EN_WORD_FREQ_TSV,
};

use std::path::PathBuf;

/// Why the knowledge base could not be built or loaded.
#[derive(Debug, thiserror::Error)]
pub enum EntityError {
    /// A file could not be read or written.
    #[error("io error on {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A JSON input (geonames) is malformed.
    #[error("json error: {0}")]
    Json(#[from] serde_json::Error),
    /// The names database could not be read.
    #[error("sqlite error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// An fst map could not be built or read.
    #[error("fst error: {0}")]
    Fst(#[from] fst::Error),
    /// A data file is malformed.
    #[error("{path}: {reason}")]
    Data {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// A curated row is malformed.
    #[error("curated table line {line}: {reason}")]
    Curated {
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        reason: String,
    },
}

/// The data dir: `$KHABAR_DATA`, else `~/.local/share/khabar`.
pub fn default_data_dir() -> PathBuf {
    khabar_model::default_data_dir()
}
