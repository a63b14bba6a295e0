//! khabar's extraction stage: turns a scraped page into the article body only.
//!
//! Two entry points share one result type, [`Extracted`]:
//! - [`extract_html`] for web pages: the body comes from a Readability port (`dom_smoothie`), the title, date,
//!   author and site name from the markup (JSON-LD, OpenGraph / `article:*` meta, `<meta name="date">`,
//!   `<time datetime>`), and the navigation, related-article, share and comment blocks the page had are listed in
//!   [`Extracted::removed`] with a reason.
//! - [`extract_text`] for already-flattened scraped text: a line classifier drops site-title lines, comment forms,
//!   donation appeals, share counters, "related" tail lists and captions, using line features and the phrase lexicon
//!   in `data/boilerplate.txt`.
//!
//! [`Extractor`] wraps both as the pipeline's [`khabar_model::Stage`]; [`eval_extraction`] measures body quality on a
//! labelled page set.
//!
//! Inputs are capped ([`MAX_HTML_BYTES`], [`MAX_TEXT_BYTES`]): what lies beyond is dropped and noted in `removed`
//! with reason `truncated`, so work stays bounded and roughly linear in the input size.

#![deny(missing_docs)]

mod dates;
mod eval;
mod html;
mod lexicon;
mod prestrip;
pub use prestrip::strip_non_content;
mod stage;
mod text;

pub use dates::{parse_date_value, DateOrder};
pub use eval::{eval_extraction, load_pages, token_prf, ExtractionReport, LabelledPage, PageScore};
pub use html::{extract_html, MAX_DOM_DEPTH, MAX_HTML_BYTES};
pub use stage::Extractor;
pub use text::{extract_text, MAX_TEXT_BYTES};

use chrono::NaiveDate;
use khabar_model::Removed;

/// What extraction found in one document.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Extracted {
    /// Headline, when one was found.
    pub title: Option<String>,
    /// Publication date; only set from a complete date (never a guessed year).
    pub published: Option<NaiveDate>,
    /// Author byline.
    pub author: Option<String>,
    /// Publisher / site name.
    pub site_name: Option<String>,
    /// Canonical URL (from the markup, else the one passed in).
    pub url: Option<String>,
    /// The article body only, paragraphs separated by blank lines.
    pub text: String,
    /// Blocks that were dropped, with the reason.
    pub removed: Vec<Removed>,
}

/// Why extraction failed.
#[derive(Debug, thiserror::Error)]
pub enum ExtractError {
    /// Nothing article-like was left after boilerplate removal.
    #[error("empty body after extraction")]
    EmptyBody,
    /// A file could not be read.
    #[error("cannot read `{0}`: {1}")]
    Io(String, #[source] std::io::Error),
    /// The evaluation directory does not have the expected shape.
    #[error("bad evaluation data: {0}")]
    BadEvalData(String),
}

/// The crate's result alias.
pub type ExtractResult<T> = Result<T, ExtractError>;

/// Pushes a removed block with a reason, skipping empty text.
pub(crate) fn push_removed(removed: &mut Vec<Removed>, text: &str, reason: &str) {
    let text = text.trim();
    if text.is_empty() {
        return;
    }
    removed.push(Removed {
        text: text.to_string(),
        reason: reason.to_string(),
    });
}

/// Cuts `input` to at most `max_bytes` at a char boundary; returns the kept prefix and whether anything was cut.
pub(crate) fn cap_input(input: &str, max_bytes: usize) -> (&str, bool) {
    if input.len() <= max_bytes {
        return (input, false);
    }
    let mut end = max_bytes;
    while end > 0 && !input.is_char_boundary(end) {
        end -= 1;
    }
    (input.get(..end).unwrap_or_default(), true)
}
