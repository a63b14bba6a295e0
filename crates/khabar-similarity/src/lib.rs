//! The pairwise "same story" score for khabar.
//!
//! Two articles (any languages USE-m covers) are compared through a small set of features: USE-m cosines of
//! their leads, titles and sentence chunks (best-match alignment), shared numbers, shared name keys (a consonant
//! skeleton that matches "Baghouz", "Bagouz" and "الباغوز"), shared content words, IDF-weighted cosines of word stems
//! (whole text, headline, lead) and of name keys, with document frequencies from the fitting data ([`IdfTable`], shipped in the model), how much of each headline the
//! other text contains, a low-content flag (stubs, failed crawls), shared knowledge-base ids and event families
//! when earlier stages supply them, and a same-language flag. A logistic model fitted on the SemEval-2022 Task 8
//! training pairs ([`eval::eval_semeval`], grouped 5-fold cross-validation) combines them into a score in 0..1.
//! A pair where either text is mostly site boilerplate (word 4-grams that recur across unrelated documents of the
//! fitting data) gets the base rate instead: such text is no evidence either way. Publication dates, when both are known, lower the score past a week apart (hand-set, since
//! the training pairs carry no dates).
//!
//! Entry points: [`SimilarityModel::score`] on [`DocFeatures`] (pipeline), [`features_from_text`] (text only),
//! [`score_texts`] (`khabar similarity A B`) and [`score_pairs`] (`khabar similarity --pairs PAIRS.jsonl`).

#![deny(missing_docs)]

mod corpus;
pub mod eval;
mod features;
mod idf;
mod model;

use std::collections::BTreeMap;
use std::io::{BufRead, Write};

use chrono::NaiveDate;
use khabar_encoder::Encoder;
use serde::{Deserialize, Serialize};

pub use corpus::{CorpusStats, LanguageCentres, MIN_CENTRE_DOCS};
pub use eval::{eval_semeval, SemevalReport};
pub use features::{
    boilerplate_share, chunks, cosine, features_from_text, features_from_texts, name_key, numbers,
    pair_features, shingles, split_title, text_keys, text_only_features, DocFeatures, BOILERPLATE_UNKNOWN,
    FEATURE_NAMES, FULL_TOKENS, HEAD_TOKENS, LEAD_WORDS, MAX_CHUNKS, N_FEATURES,
};
pub use idf::IdfTable;
pub use model::{expand, input_names, SimilarityModel, N_INPUTS, STORY_THRESHOLD};

/// Errors of this crate.
#[derive(Debug, thiserror::Error)]
pub enum SimilarityError {
    /// Reading or writing failed.
    #[error("io error: {0}")]
    Io(#[from] std::io::Error),
    /// The evaluation CSV could not be parsed.
    #[error("csv error: {0}")]
    Csv(#[from] csv::Error),
    /// The evaluation CSV lacks a column.
    #[error("csv lacks column `{0}`")]
    MissingColumn(String),
    /// Too few pairs to cross-validate.
    #[error("only {0} usable pairs, too few to cross-validate")]
    TooFewPairs(usize),
    /// A model file does not parse.
    #[error("bad model json: {0}")]
    Json(#[from] serde_json::Error),
    /// The encoder could not be adapted.
    #[error("encoder: {0}")]
    Encoder(#[from] khabar_encoder::EncoderError),
    /// No adapter of a nested-adapter file is clean for a pair of CV folds.
    #[error("no adapter trained on neither fold {0} nor fold {1}")]
    NoCleanAdapter(usize, usize),
    /// A model file was fitted for another feature list.
    #[error("model features `{0}` do not match this build's")]
    ModelMismatch(String),
}

/// The language of a text scored without one given, by the pipeline's language-ID stage (built on first use):
/// the same-language feature and the e5 language centres need it as the fitting data gave it.
fn guess_lang(text: &str) -> String {
    static LANGID: std::sync::OnceLock<khabar_langid::LangId> = std::sync::OnceLock::new();
    LANGID.get_or_init(khabar_langid::LangId::new).detect(text)
}

/// The answer of [`score_texts`]: the score and the evidence behind it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimilarityResult {
    /// Same-story score in 0..1.
    pub score: f32,
    /// Cosine of the two lead embeddings.
    pub cosine: f32,
    /// Mean best-match cosine of sentence chunks.
    pub chunk_alignment: f32,
    /// Numbers both texts contain.
    pub shared_numbers: Vec<u64>,
    /// Name keys both texts contain.
    pub shared_names: Vec<String>,
    /// Every feature by name.
    pub features: BTreeMap<String, f32>,
}

/// Scores two raw texts ("title\nbody" layout is recognised) with text-only features.
pub fn score_texts(encoder: &Encoder, model: &SimilarityModel, a: &str, b: &str) -> SimilarityResult {
    let (ta, ba) = split_title(a);
    let (tb, bb) = split_title(b);
    let (la, lb) = (guess_lang(a), guess_lang(b));
    let feats = features_from_texts(encoder, &[(ta, ba, la.as_str()), (tb, bb, lb.as_str())]);
    let (fa, fb) = match (feats.first(), feats.get(1)) {
        (Some(x), Some(y)) => (x.clone(), y.clone()),
        _ => (DocFeatures::default(), DocFeatures::default()),
    };
    let x = model.features(&fa, &fb);
    SimilarityResult {
        score: model.score(&fa, &fb),
        cosine: x[0],
        chunk_alignment: x[7],
        shared_numbers: fa.numbers.intersection(&fb.numbers).copied().collect(),
        shared_names: fa.name_keys.intersection(&fb.name_keys).cloned().collect(),
        features: FEATURE_NAMES
            .iter()
            .zip(x)
            .map(|(n, v)| (n.to_string(), v))
            .collect(),
    }
}

/// One input line of [`score_pairs`].
#[derive(Debug, Clone, Deserialize)]
pub struct PairInput {
    /// Caller's id, echoed back.
    pub id: serde_json::Value,
    /// First text (body, or "title\nbody" when `title1` is absent).
    pub text1: String,
    /// Second text.
    pub text2: String,
    /// Title of the first text.
    #[serde(default)]
    pub title1: Option<String>,
    /// Title of the second text.
    #[serde(default)]
    pub title2: Option<String>,
    /// Language of the first text (ISO 639-1).
    #[serde(default)]
    pub lang1: Option<String>,
    /// Language of the second text.
    #[serde(default)]
    pub lang2: Option<String>,
    /// Publication date of the first text.
    #[serde(default)]
    pub published1: Option<NaiveDate>,
    /// Publication date of the second text.
    #[serde(default)]
    pub published2: Option<NaiveDate>,
}

/// Counts of a [`score_pairs`] run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct PairCounts {
    /// Pairs scored and written.
    pub scored: usize,
    /// Non-empty lines that did not parse as a pair (skipped).
    pub bad_lines: usize,
}

const PAIR_BATCH: usize = 64;

fn doc_of<'a>(text: &'a str, title: Option<&'a str>) -> (Option<&'a str>, &'a str) {
    match title {
        Some(t) => (Some(t), text),
        None => split_title(text),
    }
}

fn flush_pairs(
    encoder: &Encoder,
    model: &SimilarityModel,
    batch: &mut Vec<PairInput>,
    writer: &mut impl Write,
) -> Result<usize, SimilarityError> {
    let mut langs: Vec<String> = Vec::with_capacity(batch.len() * 2);
    for p in batch.iter() {
        langs.push(p.lang1.clone().unwrap_or_else(|| guess_lang(&p.text1)));
        langs.push(p.lang2.clone().unwrap_or_else(|| guess_lang(&p.text2)));
    }
    let mut docs = Vec::with_capacity(batch.len() * 2);
    for (k, p) in batch.iter().enumerate() {
        let (t1, b1) = doc_of(&p.text1, p.title1.as_deref());
        let (t2, b2) = doc_of(&p.text2, p.title2.as_deref());
        docs.push((t1, b1, langs[2 * k].as_str()));
        docs.push((t2, b2, langs[2 * k + 1].as_str()));
    }
    let mut feats = features_from_texts(encoder, &docs);
    for (k, p) in batch.iter().enumerate() {
        if let Some(f) = feats.get_mut(2 * k) {
            f.published = p.published1;
        }
        if let Some(f) = feats.get_mut(2 * k + 1) {
            f.published = p.published2;
        }
        let score = match (feats.get(2 * k), feats.get(2 * k + 1)) {
            (Some(a), Some(b)) => model.score(a, b),
            _ => 0.0,
        };
        let line = serde_json::json!({ "id": p.id, "score": score });
        writeln!(writer, "{line}")?;
    }
    let n = batch.len();
    batch.clear();
    Ok(n)
}

/// Reads JSONL pairs (`{"id","text1","text2"}` plus optional `title1/2`, `lang1/2`, `published1/2`) and writes
/// `{"id","score"}` lines in input order. Lines that do not parse are skipped and counted.
pub fn score_pairs(
    encoder: &Encoder,
    model: &SimilarityModel,
    reader: impl BufRead,
    mut writer: impl Write,
) -> Result<PairCounts, SimilarityError> {
    let mut counts = PairCounts::default();
    let mut batch: Vec<PairInput> = Vec::with_capacity(PAIR_BATCH);
    for line in reader.lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<PairInput>(&line) {
            Ok(p) => batch.push(p),
            Err(_) => counts.bad_lines += 1,
        }
        if batch.len() >= PAIR_BATCH {
            counts.scored += flush_pairs(encoder, model, &mut batch, &mut writer)?;
        }
    }
    counts.scored += flush_pairs(encoder, model, &mut batch, &mut writer)?;
    writer.flush()?;
    Ok(counts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lang_guess_names_the_language_or_und() {
        assert_eq!(
            guess_lang("قالت قوات سوريا الديمقراطية إنها سيطرت على البلدة"),
            "ar"
        );
        assert_eq!(
            guess_lang("The army said it had taken the town on Sunday evening"),
            "en"
        );
        assert_eq!(
            guess_lang("Die Armee teilte am Sonntagabend mit, sie habe die Stadt eingenommen"),
            "de"
        );
        assert_eq!(guess_lang("12 / 34"), "und");
    }

    #[test]
    fn pair_input_accepts_minimal_and_full_lines() {
        let p: PairInput = serde_json::from_str(r#"{"id":1,"text1":"a","text2":"b"}"#).unwrap();
        assert!(p.title1.is_none());
        let p: PairInput = serde_json::from_str(
            r#"{"id":"x","text1":"a","text2":"b","lang1":"ar","published2":"2019-03-01"}"#,
        )
        .unwrap();
        assert_eq!(p.published2, NaiveDate::from_ymd_opt(2019, 3, 1));
    }
}
