//! The learned combination: logistic regression over standardised pair features, fitted with soft targets.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::corpus::CorpusStats;
use crate::features::{
    boilerplate_share, pair_features, DocFeatures, BOILERPLATE_UNKNOWN, FEATURE_NAMES, N_FEATURES,
};

/// Width of the model input: every pair feature and its square (the squares let a linear logit bend).
pub const N_INPUTS: usize = 2 * N_FEATURES;

/// Names of the model inputs: [`FEATURE_NAMES`], then `name^2` for each.
pub fn input_names() -> Vec<String> {
    let mut names: Vec<String> = FEATURE_NAMES.iter().map(|s| s.to_string()).collect();
    names.extend(FEATURE_NAMES.iter().map(|s| format!("{s}^2")));
    names
}

/// The model input of a pair feature vector.
pub fn expand(x: &[f32; N_FEATURES]) -> [f32; N_INPUTS] {
    let mut out = [0.0f32; N_INPUTS];
    for i in 0..N_FEATURES {
        out[i] = x[i];
        out[N_FEATURES + i] = x[i] * x[i];
    }
    out
}
use crate::SimilarityError;

/// The pipeline's story join threshold on the learned score ([`SimilarityModel::score`], which the pipeline's story
/// score wraps). The score is calibrated on SemEval's 1–4 "Overall" scale, where 0.5 is "somewhat similar": two
/// casualty reports from one country and week, about different incidents, reach it. Clustering the SemEval
/// documents (`bench/story_pairs.py`), 0.6 instead of 0.5 joins 0.075 instead of 0.120 of the pairs rated
/// different, and 0.730 instead of 0.779 of those rated the same story (with `--e5`: 0.071 and 0.782).
pub const STORY_THRESHOLD: f32 = 0.6;

/// Weights fitted on the SemEval-2022 Task 8 training pairs by `khabar eval semeval CSV --write-model PATH`, which
/// runs every document through the entity and event stages so the structured overlap features are fitted too.
const DEFAULT_MODEL_JSON: &str = include_str!("../data/default_model.json");

/// Same-story score model: `sigmoid(bias + sum w_i * (x_i - mean_i) / std_i)` over [`input_names`], plus a
/// hand-set (not fitted: SemEval pairs carry no dates) publication-date term.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimilarityModel {
    /// Input names, in the order of the other vectors (checked against [`input_names`] on load).
    pub features: Vec<String>,
    /// Per-feature mean used for standardisation.
    pub means: Vec<f32>,
    /// Per-feature standard deviation used for standardisation.
    pub stds: Vec<f32>,
    /// Per-feature weight on the standardised value.
    pub weights: Vec<f32>,
    /// Intercept.
    pub bias: f32,
    /// Logit penalty per week between publication dates beyond the first, when both dates are known.
    #[serde(default = "default_date_penalty")]
    pub date_penalty_per_week: f32,
    /// Where the weights came from (data set, folds, figures).
    #[serde(default)]
    pub provenance: String,
    /// Weights fitted on lead-only features, used when either document has neither chunk nor full-text
    /// embeddings (the pipeline's fast path), so that fallback feature values are scored as they were fitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lead_only: Option<Box<SimilarityModel>>,
    /// Weights fitted on the lead-only features plus the e5 cosine of the documents' e5 leads
    /// ([`DocFeatures::e5_lead`]), used instead of [`Self::lead_only`] when both documents have one (the pipeline
    /// with `khabar run --e5`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lead_e5: Option<Box<SimilarityModel>>,
    /// Sorted hashes of word 4-grams that recur across unrelated documents of the fitting data (site templates,
    /// notices); a pair where either document is mostly made of them ([`BOILERPLATE_UNKNOWN`]) scores
    /// [`Self::prior`].
    #[serde(default)]
    pub boilerplate_shingles: Vec<u64>,
    /// Mean target of the fitting data: the score when the text carries no evidence (a template-only document).
    #[serde(default = "default_prior")]
    pub prior: f32,
    /// Statistics of the fitting documents: document frequencies of word stems and name keys (`idf`, weighing
    /// the lexical features) and language means of the full and lead e5 embeddings (`e5_centres`,
    /// `e5_lead_centres`, centring the e5 cosine). The sub-models use their parent's. Flattened, so a model file
    /// keeps `idf` at the top level.
    #[serde(default, flatten)]
    pub corpus: CorpusStats,
}

fn default_prior() -> f32 {
    0.5
}

fn default_date_penalty() -> f32 {
    0.5
}

/// `doc` as the pipeline's fast path knows it ([`DocFeatures::lead_with_e5`] or [`DocFeatures::lead_only`]),
/// copied only when it holds something to strip (the pipeline's documents never do, so the common case copies no
/// word sets or shingles).
fn fast_path(doc: &DocFeatures, keep_e5_lead: bool) -> Cow<'_, DocFeatures> {
    let richer = doc.has_full_embeddings();
    match (richer, keep_e5_lead) {
        (true, true) => Cow::Owned(doc.lead_with_e5()),
        (_, false) if richer || !doc.e5_lead.is_empty() => Cow::Owned(doc.lead_only()),
        _ => Cow::Borrowed(doc),
    }
}

fn sigmoid(z: f32) -> f32 {
    1.0 / (1.0 + (-z).exp())
}

impl Default for SimilarityModel {
    fn default() -> Self {
        // The embedded file is produced by this crate's own fitter; a parse failure is a build-time bug caught by
        // the `default_model_loads` test, and falls back to a plain cosine model rather than panicking.
        SimilarityModel::from_json(DEFAULT_MODEL_JSON).unwrap_or_else(|_| SimilarityModel::cosine_only())
    }
}

impl SimilarityModel {
    /// A model that is a monotone function of the lead cosine alone (fallback and baseline).
    pub fn cosine_only() -> SimilarityModel {
        let mut weights = vec![0.0; N_INPUTS];
        weights[0] = 1.0;
        SimilarityModel {
            features: input_names(),
            means: vec![0.5; N_INPUTS],
            stds: vec![0.1; N_INPUTS],
            weights,
            bias: 0.0,
            date_penalty_per_week: default_date_penalty(),
            provenance: "cosine only".to_string(),
            lead_only: None,
            lead_e5: None,
            boilerplate_shingles: Vec::new(),
            prior: default_prior(),
            corpus: CorpusStats::default(),
        }
    }

    /// Reads a model from JSON, checking its feature list against this build's.
    pub fn from_json(json: &str) -> Result<SimilarityModel, SimilarityError> {
        let model: SimilarityModel = serde_json::from_str(json)?;
        for sub in model.lead_only.iter().chain(&model.lead_e5) {
            SimilarityModel::from_json(&serde_json::to_string(sub)?)?;
        }
        if model.features != input_names()
            || model.means.len() != N_INPUTS
            || model.stds.len() != N_INPUTS
            || model.weights.len() != N_INPUTS
        {
            return Err(SimilarityError::ModelMismatch(model.features.join(",")));
        }
        Ok(model)
    }

    /// The model as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Logit of a pair feature vector, before the date term.
    pub fn logit(&self, features: &[f32; N_FEATURES]) -> f32 {
        let x = expand(features);
        let mut z = self.bias;
        // zip, not indexing: a hand-built model with short vectors must not panic
        for (((v, w), mean), std) in x.iter().zip(&self.weights).zip(&self.means).zip(&self.stds) {
            let std = if *std > 1e-6 { *std } else { 1.0 };
            z += w * (v - mean) / std;
        }
        z
    }

    /// Whether either document is mostly boilerplate by this model's lexicon (its text is no evidence).
    pub fn is_boilerplate_pair(&self, a: &DocFeatures, b: &DocFeatures) -> bool {
        boilerplate_share(a, &self.boilerplate_shingles).max(boilerplate_share(b, &self.boilerplate_shingles))
            >= BOILERPLATE_UNKNOWN
    }

    /// The base rate [`Self::prior`], with the date term when both publication dates are known.
    pub fn score_prior(
        &self,
        published_a: Option<chrono::NaiveDate>,
        published_b: Option<chrono::NaiveDate>,
    ) -> f32 {
        let p = self.prior.clamp(0.01, 0.99);
        self.score_logit((p / (1.0 - p)).ln(), published_a, published_b)
    }

    /// Same-story score in 0..1 (1 = same story). A pair where either document is mostly site boilerplate
    /// ([`Self::is_boilerplate_pair`]) gets the base rate: its text says nothing about the story.
    pub fn score(&self, a: &DocFeatures, b: &DocFeatures) -> f32 {
        if self.is_boilerplate_pair(a, b) {
            return self.score_prior(a.published, b.published);
        }
        if a.is_lead_only() || b.is_lead_only() {
            // The pipeline's features: lead embedding and key sets, with the e5 lead when `khabar run --e5` is on.
            let sub = match (&self.lead_e5, &self.lead_only) {
                (Some(sub), _) if !a.e5_lead.is_empty() && !b.e5_lead.is_empty() => Some((sub, true)),
                (_, Some(sub)) => Some((sub, false)),
                _ => None,
            };
            if let Some((sub, keep_e5_lead)) = sub {
                let (a, b) = (fast_path(a, keep_e5_lead), fast_path(b, keep_e5_lead));
                return sub.score_features(&self.features(&a, &b), a.published, b.published);
            }
        }
        self.score_features(&self.features(a, b), a.published, b.published)
    }

    /// The pair feature vector with this model's corpus statistics ([`pair_features`]).
    pub fn features(&self, a: &DocFeatures, b: &DocFeatures) -> [f32; N_FEATURES] {
        pair_features(a, b, &self.corpus)
    }

    /// Score of a pair feature vector, with the date term when both publication dates are known.
    pub fn score_features(
        &self,
        features: &[f32; N_FEATURES],
        published_a: Option<chrono::NaiveDate>,
        published_b: Option<chrono::NaiveDate>,
    ) -> f32 {
        self.score_logit(self.logit(features), published_a, published_b)
    }

    /// Sigmoid of logit `z` after the date term.
    fn score_logit(
        &self,
        mut z: f32,
        published_a: Option<chrono::NaiveDate>,
        published_b: Option<chrono::NaiveDate>,
    ) -> f32 {
        if let (Some(da), Some(db)) = (published_a, published_b) {
            let weeks = (da - db).num_days().abs() as f32 / 7.0;
            z -= self.date_penalty_per_week * (weeks - 1.0).max(0.0);
        }
        let s = sigmoid(z);
        if s.is_finite() {
            s
        } else {
            0.0
        }
    }

    /// Fits weights on pair feature rows `rows` with targets `ys` in 0..1 (soft labels), by full-batch gradient
    /// descent on the cross-entropy with a small L2 penalty.
    pub fn fit(rows: &[[f32; N_FEATURES]], ys: &[f32], l2: f32) -> SimilarityModel {
        let xs: Vec<[f32; N_INPUTS]> = rows.iter().map(expand).collect();
        let n = xs.len().max(1) as f32;
        let mut means = vec![0.0f32; N_INPUTS];
        let mut stds = vec![0.0f32; N_INPUTS];
        for x in &xs {
            for i in 0..N_INPUTS {
                means[i] += x[i] / n;
            }
        }
        for x in &xs {
            for i in 0..N_INPUTS {
                stds[i] += (x[i] - means[i]).powi(2) / n;
            }
        }
        for s in &mut stds {
            *s = s.sqrt().max(1e-6);
        }
        let z: Vec<[f32; N_INPUTS]> = xs
            .iter()
            .map(|x| {
                let mut r = [0.0; N_INPUTS];
                for i in 0..N_INPUTS {
                    r[i] = (x[i] - means[i]) / stds[i];
                }
                r
            })
            .collect();
        let mut w = vec![0.0f32; N_INPUTS];
        let mean_y = ys.iter().sum::<f32>() / n;
        let mut b = (mean_y.clamp(0.01, 0.99) / (1.0 - mean_y.clamp(0.01, 0.99))).ln();
        let lr = 0.5f32;
        for _ in 0..3000 {
            let mut gw = [0.0f32; N_INPUTS];
            let mut gb = 0.0f32;
            for (row, &y) in z.iter().zip(ys) {
                let mut logit = b;
                for i in 0..N_INPUTS {
                    logit += w[i] * row[i];
                }
                let err = sigmoid(logit) - y;
                gb += err;
                for i in 0..N_INPUTS {
                    gw[i] += err * row[i];
                }
            }
            for i in 0..N_INPUTS {
                w[i] -= lr * (gw[i] / n + l2 * w[i]);
            }
            b -= lr * gb / n;
        }
        SimilarityModel {
            features: input_names(),
            means,
            stds,
            weights: w,
            bias: b,
            date_penalty_per_week: default_date_penalty(),
            provenance: String::new(),
            lead_only: None,
            lead_e5: None,
            boilerplate_shingles: Vec::new(),
            prior: mean_y,
            corpus: CorpusStats::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shipped models were fitted on documents that went through the entity stage: the kb-id overlap varies
    /// over the fitting data and carries weight (a refit without that stage would leave it constant at 0 and
    /// unused). The event-family overlap is fitted too, but since the precision rules of 2026-11 no SemEval pair
    /// shares an event family (the pages carry no publication date and few events), so it has no weight of its own.
    #[test]
    fn default_model_uses_structured_overlap() {
        let m = SimilarityModel::from_json(DEFAULT_MODEL_JSON).unwrap();
        let lead = m.lead_only.as_deref().expect("lead-only sub-model");
        for model in [&m, lead] {
            assert!(model.features.iter().any(|f| f == "families_jaccard"));
            let i = model
                .features
                .iter()
                .position(|f| f == "kb_jaccard")
                .expect("feature");
            assert!(model.stds[i] > 1e-3, "kb_jaccard std {}", model.stds[i]);
            assert!(
                model.weights[i].abs() > 1e-4,
                "kb_jaccard weight {}",
                model.weights[i]
            );
        }
    }

    #[test]
    fn default_model_loads() {
        let m = SimilarityModel::from_json(DEFAULT_MODEL_JSON).unwrap();
        assert_eq!(m.weights.len(), N_INPUTS);
        let lead = m
            .lead_only
            .as_ref()
            .expect("shipped model carries a lead-only sub-model");
        assert_eq!(lead.weights.len(), N_INPUTS);
        assert_ne!(lead.weights, m.weights);
        assert!(m.weights.iter().all(|w| w.is_finite()));
        // the document frequencies of the fitting data ship with it, sorted for lookup
        let idf = &m.corpus.idf;
        assert!(idf.docs > 1000 && idf.hashes.len() == idf.df.len());
        assert!(idf.hashes.windows(2).all(|w| w[0] < w[1]));
        assert!(idf.df.iter().all(|&d| d >= crate::idf::MIN_DF && d <= idf.docs));
        // and the e5 language means: the SemEval languages, Arabic among them, of e5's width
        let centres = &m.corpus.e5_centres;
        assert_eq!(centres.global.len(), 384);
        assert!(centres.by_lang.len() >= 10 && centres.by_lang.contains_key("ar"));
        assert!(centres.by_lang.values().all(|c| c.len() == centres.global.len()));
    }

    #[test]
    fn fit_learns_a_monotone_signal() {
        // target rises with feature 0, feature 1 is noise
        let mut xs = Vec::new();
        let mut ys = Vec::new();
        for k in 0..200 {
            let mut x = [0.0f32; N_FEATURES];
            x[0] = k as f32 / 200.0;
            x[1] = ((k * 37) % 11) as f32;
            xs.push(x);
            ys.push(if k > 100 { 0.9 } else { 0.1 });
        }
        let m = SimilarityModel::fit(&xs, &ys, 1e-3);
        assert!(m.weights[0] > 1.0);
        assert!(m.weights[1].abs() < 0.5 * m.weights[0]);
        assert!(m.logit(&xs[199]) > m.logit(&xs[0]));
    }

    #[test]
    fn lead_only_documents_use_the_lead_only_weights() {
        let m = SimilarityModel::default();
        let a = DocFeatures {
            embedding: vec![0.8, 0.6],
            lang: "en".into(),
            ..Default::default()
        };
        let b = DocFeatures {
            embedding: vec![0.6, 0.8],
            lang: "en".into(),
            ..Default::default()
        };
        assert!(a.is_lead_only());
        let lead = m.lead_only.as_ref().unwrap();
        let expected = lead.score_features(&m.features(&a, &b), None, None);
        assert!((m.score(&a, &b) - expected).abs() < 1e-6);
        // with chunk, full and e5 embeddings the full model scores
        let mut a2 = a.clone();
        let mut b2 = b.clone();
        a2.chunk_embeddings = vec![vec![0.8, 0.6]];
        b2.chunk_embeddings = vec![vec![0.6, 0.8]];
        a2.full_embedding = a2.embedding.clone();
        b2.full_embedding = b2.embedding.clone();
        a2.e5_embedding = vec![1.0, 0.0];
        b2.e5_embedding = vec![0.0, 1.0];
        let full = m.score_features(&m.features(&a2, &b2), None, None);
        assert!((m.score(&a2, &b2) - full).abs() < 1e-6);
        let e5 = FEATURE_NAMES.iter().position(|n| *n == "cos_e5").unwrap();
        assert!(m.features(&a2, &b2)[e5].abs() < 1e-6);
        // without the e5 model (not installed) the full-text features are incomplete: the richer embeddings are
        // stripped and the lead-only weights score, as they were fitted
        let mut b3 = b2.clone();
        b3.e5_embedding.clear();
        assert!(b3.is_lead_only() && !a2.is_lead_only());
        assert!((m.score(&a2, &b3) - expected).abs() < 1e-6);
        assert!((m.score(&a2, &b3) - full).abs() > 1e-4);
    }

    #[test]
    fn documents_with_e5_leads_use_the_lead_e5_weights() {
        let m = SimilarityModel::default();
        let sub = m
            .lead_e5
            .as_ref()
            .expect("shipped model carries an e5-lead sub-model");
        let lead = m.lead_only.as_ref().expect("and a lead-only one");
        let e5 = FEATURE_NAMES.iter().position(|n| *n == "cos_e5").unwrap();
        let doc = |embedding: Vec<f32>, e5_lead: Vec<f32>| DocFeatures {
            embedding,
            e5_lead,
            lang: "en".into(),
            ..Default::default()
        };
        let a = doc(vec![0.8, 0.6], vec![1.0, 0.0]);
        let b = doc(vec![0.6, 0.8], vec![0.0, 1.0]);
        let x = m.features(&a, &b);
        // the e5 slot holds the e5 leads' cosine, not the USE-m lead cosine
        assert!(x[e5].abs() < 1e-6 && x[0] > 0.9);
        assert!((m.score(&a, &b) - sub.score_features(&x, None, None)).abs() < 1e-6);
        // the same USE-m leads with near-identical e5 leads score higher
        let b_close = doc(vec![0.6, 0.8], vec![0.99, 0.14]);
        assert!(m.score(&a, &b_close) > m.score(&a, &b) + 0.05);
        // one side without an e5 lead (a candidate restored from a snapshot): the lead-only weights, e5 unused
        let mut b_plain = b.clone();
        b_plain.e5_lead.clear();
        let plain = lead.score_features(&m.features(&a.lead_only(), &b_plain), None, None);
        assert!((m.score(&a, &b_plain) - plain).abs() < 1e-6);
        assert!((m.features(&a, &b_plain)[e5] - x[0]).abs() < 1e-6);
    }

    #[test]
    fn far_apart_dates_lower_the_score() {
        let m = SimilarityModel::default();
        let mut a = DocFeatures {
            embedding: vec![1.0, 0.0],
            lang: "en".into(),
            ..Default::default()
        };
        let mut b = a.clone();
        let near = m.score(&a, &b);
        a.published = chrono::NaiveDate::from_ymd_opt(2019, 3, 1);
        b.published = chrono::NaiveDate::from_ymd_opt(2019, 9, 1);
        assert!(m.score(&a, &b) < near);
        assert!((0.0..=1.0).contains(&near));
    }
}
