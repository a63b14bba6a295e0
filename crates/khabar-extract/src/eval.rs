//! Extraction quality measurement on a labelled page set (`ground-truth.json` + `html/<key>.html.gz`).
//!
//! The measure is the one described in `shared/eval/README.md`: whitespace tokens, multiset overlap, per-page
//! precision/recall/F1, then the mean over pages (an empty prediction scores 0).

use crate::{extract_html, ExtractError};
use flate2::read::GzDecoder;
use std::collections::HashMap;
use std::fmt;
use std::io::Read;
use std::path::Path;
use std::time::Instant;

/// Precision, recall and F1 of one page.
#[derive(Debug, Clone, PartialEq)]
pub struct PageScore {
    /// The page key (file stem in `html/`).
    pub key: String,
    /// Overlap / predicted tokens.
    pub precision: f64,
    /// Overlap / truth tokens.
    pub recall: f64,
    /// Harmonic mean of precision and recall.
    pub f1: f64,
}

/// Scores of a whole evaluation run.
#[derive(Debug, Clone, PartialEq)]
pub struct ExtractionReport {
    /// One score per page, sorted by key.
    pub pages: Vec<PageScore>,
    /// Mean precision over pages.
    pub mean_precision: f64,
    /// Mean recall over pages.
    pub mean_recall: f64,
    /// Mean F1 over pages.
    pub mean_f1: f64,
    /// Pages extracted per second on one thread (extraction only, decompression excluded).
    pub pages_per_sec: f64,
}

/// Token-overlap precision, recall and F1 of a prediction against the truth (whitespace tokens, multiset overlap).
/// An empty prediction scores 0 on all three.
pub fn token_prf(predicted: &str, truth: &str) -> (f64, f64, f64) {
    let mut truth_counts: HashMap<&str, usize> = HashMap::new();
    let mut truth_total = 0usize;
    for token in truth.split_whitespace() {
        *truth_counts.entry(token).or_insert(0) += 1;
        truth_total += 1;
    }
    let mut overlap = 0usize;
    let mut predicted_total = 0usize;
    for token in predicted.split_whitespace() {
        predicted_total += 1;
        if let Some(count) = truth_counts.get_mut(token) {
            if *count > 0 {
                *count -= 1;
                overlap += 1;
            }
        }
    }
    if predicted_total == 0 || truth_total == 0 {
        return (0.0, 0.0, 0.0);
    }
    let precision = overlap as f64 / predicted_total as f64;
    let recall = overlap as f64 / truth_total as f64;
    let f1 = if precision + recall > 0.0 {
        2.0 * precision * recall / (precision + recall)
    } else {
        0.0
    };
    (precision, recall, f1)
}

/// One labelled page: key, URL, HTML and the true article body.
#[derive(Debug, Clone)]
pub struct LabelledPage {
    /// File stem.
    pub key: String,
    /// The page URL from the ground truth.
    pub url: Option<String>,
    /// Decompressed HTML (lossy UTF-8).
    pub html: String,
    /// The true body.
    pub truth: String,
}

/// Reads `ground-truth.json` and every `html/<key>.html.gz` it names, sorted by key.
pub fn load_pages(dir: &Path) -> Result<Vec<LabelledPage>, ExtractError> {
    let truth_path = dir.join("ground-truth.json");
    let raw = std::fs::read_to_string(&truth_path)
        .map_err(|e| ExtractError::Io(truth_path.display().to_string(), e))?;
    let value: serde_json::Value = serde_json::from_str(&raw)
        .map_err(|e| ExtractError::BadEvalData(format!("ground-truth.json: {e}")))?;
    let object = value
        .as_object()
        .ok_or_else(|| ExtractError::BadEvalData("ground-truth.json is not an object".into()))?;
    let mut pages = Vec::with_capacity(object.len());
    for (key, entry) in object {
        let truth = entry
            .get("articleBody")
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_string();
        let url = entry.get("url").and_then(|v| v.as_str()).map(str::to_string);
        let html_path = dir.join("html").join(format!("{key}.html.gz"));
        let file = std::fs::File::open(&html_path)
            .map_err(|e| ExtractError::Io(html_path.display().to_string(), e))?;
        let mut bytes = Vec::new();
        GzDecoder::new(file)
            .read_to_end(&mut bytes)
            .map_err(|e| ExtractError::Io(html_path.display().to_string(), e))?;
        let html = String::from_utf8_lossy(&bytes).into_owned();
        pages.push(LabelledPage {
            key: key.clone(),
            url,
            html,
            truth,
        });
    }
    pages.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(pages)
}

/// Runs [`extract_html`] over every labelled page of `dir` and scores it. A page that fails to extract scores 0.
pub fn eval_extraction(dir: &Path) -> Result<ExtractionReport, ExtractError> {
    let pages = load_pages(dir)?;
    let mut predictions = Vec::with_capacity(pages.len());
    let started = Instant::now();
    for page in &pages {
        let text = extract_html(&page.html, page.url.as_deref())
            .map(|e| e.text)
            .unwrap_or_default();
        predictions.push(text);
    }
    let elapsed = started.elapsed().as_secs_f64();
    let mut scores = Vec::with_capacity(pages.len());
    for (page, predicted) in pages.iter().zip(&predictions) {
        let (precision, recall, f1) = token_prf(predicted, &page.truth);
        scores.push(PageScore {
            key: page.key.clone(),
            precision,
            recall,
            f1,
        });
    }
    Ok(ExtractionReport::from_scores(scores, elapsed))
}

impl ExtractionReport {
    /// Builds a report from page scores and the extraction time in seconds.
    pub fn from_scores(pages: Vec<PageScore>, elapsed_secs: f64) -> ExtractionReport {
        let n = pages.len().max(1) as f64;
        let mean = |f: fn(&PageScore) -> f64| pages.iter().map(f).sum::<f64>() / n;
        let mean_precision = mean(|p| p.precision);
        let mean_recall = mean(|p| p.recall);
        let mean_f1 = mean(|p| p.f1);
        let pages_per_sec = if elapsed_secs > 0.0 {
            pages.len() as f64 / elapsed_secs
        } else {
            0.0
        };
        ExtractionReport {
            pages,
            mean_precision,
            mean_recall,
            mean_f1,
            pages_per_sec,
        }
    }
}

impl fmt::Display for ExtractionReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{:<20} {:>9} {:>9} {:>9}", "page", "precision", "recall", "f1")?;
        for page in &self.pages {
            let short_key: String = page.key.chars().take(16).collect();
            writeln!(
                f,
                "{:<20} {:>9.3} {:>9.3} {:>9.3}",
                short_key, page.precision, page.recall, page.f1
            )?;
        }
        writeln!(
            f,
            "{:<20} {:>9.3} {:>9.3} {:>9.3}",
            format!("MEAN ({} pages)", self.pages.len()),
            self.mean_precision,
            self.mean_recall,
            self.mean_f1
        )?;
        write!(f, "speed: {:.1} pages/s (one thread)", self.pages_per_sec)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_prf_counts_multiset_overlap() {
        let (p, r, f) = token_prf("the cat the dog", "the cat sat");
        assert!((p - 0.5).abs() < 1e-9);
        assert!((r - 2.0 / 3.0).abs() < 1e-9);
        assert!((f - 2.0 * 0.5 * (2.0 / 3.0) / (0.5 + 2.0 / 3.0)).abs() < 1e-9);
    }

    #[test]
    fn empty_prediction_scores_zero() {
        assert_eq!(token_prf("", "some truth"), (0.0, 0.0, 0.0));
        assert_eq!(token_prf("   \n", "some truth"), (0.0, 0.0, 0.0));
    }
}
