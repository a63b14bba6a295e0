//! Search over the store's full-text index, with cross-script alias expansion through the knowledge base.

use crate::PipelineError;
use khabar_entities::KnowledgeBase;
use khabar_search::{AliasExpander, SearchIndex};
use std::path::Path;
use std::sync::Arc;

/// The full-text index directory inside the store directory.
pub const SEARCH_DIR: &str = "search";

/// Candidates below this resolution score are not used for expansion (a query word is not a name).
const MIN_RESOLVE_SCORE: f32 = 0.8;
/// At most this many knowledge-base entries per query term.
const MAX_ENTRIES: usize = 3;
/// At most this many spellings per entry.
const MAX_ALIASES: usize = 24;

/// Expands a query term to every spelling the knowledge base knows for what it names: "Baghouz" also searches
/// الباغوز, Baghuz, Al-Bagouz…; "قسد" also searches SDF and "Syrian Democratic Forces".
pub struct KbExpander {
    kb: Arc<KnowledgeBase>,
}

impl KbExpander {
    /// Wraps a loaded knowledge base.
    pub fn new(kb: Arc<KnowledgeBase>) -> KbExpander {
        KbExpander { kb }
    }
}

impl AliasExpander for KbExpander {
    fn expand(&self, term: &str) -> Vec<String> {
        let mut out = Vec::new();
        for kb_id in self.kb_ids(term) {
            for alias in self.kb.aliases(&kb_id).into_iter().take(MAX_ALIASES) {
                if !out.contains(&alias) {
                    out.push(alias);
                }
            }
        }
        out
    }

    fn kb_ids(&self, term: &str) -> Vec<String> {
        if term.chars().filter(|c| c.is_alphanumeric()).count() < 3 {
            return Vec::new();
        }
        self.kb
            .resolve(term)
            .into_iter()
            .filter(|(_, score)| *score >= MIN_RESOLVE_SCORE)
            .take(MAX_ENTRIES)
            .map(|(id, _)| id)
            .collect()
    }
}

/// Opens the search index of the store in `db_dir`; an index of an older schema is rebuilt empty (the caller
/// re-indexes from the store: see the pipeline's search checkpoint).
pub fn open_search(db_dir: &Path) -> Result<(SearchIndex, bool), PipelineError> {
    let dir = db_dir.join(SEARCH_DIR);
    match SearchIndex::open(&dir) {
        Ok(index) => Ok((index, false)),
        Err(khabar_search::SearchError::SchemaVersion { .. }) => SearchIndex::recreate(&dir)
            .map(|i| (i, true))
            .map_err(|e| PipelineError::State {
                stage: "search",
                message: e.to_string(),
            }),
        Err(e) => Err(PipelineError::State {
            stage: "search",
            message: e.to_string(),
        }),
    }
}
