//! The pipeline stage: [`RawDoc`] in, [`Article`] out.

use crate::{extract_html, extract_text, ExtractError, Extracted};
use khabar_model::{Article, BodyFormat, RawDoc, Stage, StageError};
use sha2::{Digest, Sha256};

/// The extraction stage. Container-provided title, date and source (from JSONL or a feed) win over what extraction
/// finds; the language is left `und` for language ID; an empty body is rejected.
#[derive(Debug, Default, Clone, Copy)]
pub struct Extractor;

impl Extractor {
    /// Builds the article from a raw document and its extraction result.
    pub fn article_from(raw: RawDoc, extracted: Extracted) -> Article {
        let content_hash = hex::encode(Sha256::digest(extracted.text.as_bytes()));
        Article {
            id: raw.id,
            source_path: raw.source_path,
            url: raw.url.or(extracted.url),
            source: raw.source.or(extracted.site_name),
            title: raw.title.filter(|t| !t.trim().is_empty()).or(extracted.title),
            published: raw.published.or(extracted.published),
            author: extracted.author,
            lang: "und".to_string(),
            text: extracted.text,
            removed: extracted.removed,
            duplicate_of: None,
            story_id: None,
            content_hash,
        }
    }
}

impl Stage for Extractor {
    type Input = RawDoc;
    type Output = Article;

    fn name(&self) -> &'static str {
        "extract"
    }

    fn process(&self, input: RawDoc) -> Result<Article, StageError> {
        let result = match input.format {
            BodyFormat::Html => extract_html(&input.body, input.url.as_deref()),
            BodyFormat::Text => extract_text(&input.body),
        };
        match result {
            Ok(extracted) if !extracted.text.trim().is_empty() => {
                Ok(Extractor::article_from(input, extracted))
            }
            Ok(_) | Err(ExtractError::EmptyBody) => Err(StageError::Rejected(format!(
                "empty body after extraction ({})",
                input.id
            ))),
            Err(e) => Err(StageError::Internal(e.to_string())),
        }
    }
}
