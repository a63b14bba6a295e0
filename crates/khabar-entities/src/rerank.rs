//! A learned re-ranker for the transliterator's n-best list: a conditional logit (softmax over one name's
//! candidates) on features of each candidate spelling — the beam score, the [`LatinPrior`]'s character model and
//! lexicon counts, how common the spelling is as a first/last name or English word ([`crate::NameFreq`]), and a few
//! shape features (length, vowels, doubled letters, final vowel), and the transformers' scores in both directions
//! ([`NeuralScores`]). Fitted on n-best lists of held-out *training* pairs (never the pairs it is measured on); see
//! [`crate::eval_translit`].

use crate::translit::{LatinPrior, Transliterator};
use crate::NeuralTranslit;

/// Number of candidate features.
pub const FEATURES: usize = 25;

/// Feature names, in order (for reports).
pub const FEATURE_NAMES: [&str; FEATURES] = [
    "beam",
    "prior_lm",
    "person_name",
    "place_name",
    "prior_log_count",
    "first_name",
    "last_name",
    "first_countries",
    "last_countries",
    "first_rank",
    "last_rank",
    "census",
    "census_share",
    "english_word",
    "english_freq",
    "length",
    "vowels",
    "doubled",
    "final_vowel",
    "beam_per_char",
    "prior_lm_per_char",
    "neural",
    "neural_per_char",
    "neural_only",
    "channel",
];

/// The neural score given to a candidate the transformer could not score.
const NO_NEURAL: f32 = -50.0;

/// Spellings the transformer's own beam search adds to the graphone n-best ([`NEURAL_NBEST`] of a beam of
/// [`NEURAL_BEAM`]): on held-out training names they raise the share of names whose spelling is among the
/// candidates.
pub const NEURAL_NBEST: usize = 8;
/// Beam width of the transformer's search.
pub const NEURAL_BEAM: usize = 8;

/// The transformer's scores of one candidate spelling (see [`NeuralTranslit`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct NeuralScores {
    /// log p(spelling | Arabic).
    pub forward: Option<f32>,
    /// log p(Arabic | spelling), from the channel model ([`NeuralTranslit::channel_score`]).
    pub channel: Option<f32>,
}

/// Features of one candidate spelling `word` (lowercase) whose beam score is `beam` and whose transformer scores
/// are `neural`; `neural_only` marks a spelling only the transformer proposed (its `beam` is then
/// [`Transliterator::forced_score`]).
pub fn candidate_features(
    beam: f32,
    word: &str,
    prior: &LatinPrior,
    neural: NeuralScores,
    neural_only: bool,
) -> [f32; FEATURES] {
    let finite = |v: Option<f32>| v.filter(|v| v.is_finite()).unwrap_or(NO_NEURAL);
    let counts = prior.counts(word);
    let total: f32 = counts.iter().map(|&c| c as f32).sum();
    let stats = prior
        .name_freq()
        .and_then(|f| f.get(word))
        .copied()
        .unwrap_or_default();
    let log_rank = |r: u32| if r > 0 { -(r as f32).ln() } else { 0.0 };
    let chars: Vec<char> = word.chars().collect();
    let vowels = chars.iter().filter(|c| "aeiouy".contains(**c)).count();
    let doubled = chars.windows(2).filter(|w| w[0] == w[1]).count();
    let final_vowel = chars.last().is_some_and(|c| "aeiou".contains(*c));
    let b = |x: bool| if x { 1.0 } else { 0.0 };
    let lm = prior.lm_logp(word);
    let len = chars.len().max(1) as f32;
    [
        beam,
        lm,
        b(counts[0] > 0),
        b(counts[1] > 0),
        total.ln_1p(),
        b(stats.first_countries > 0),
        b(stats.last_countries > 0),
        (stats.first_countries as f32).ln_1p(),
        (stats.last_countries as f32).ln_1p(),
        log_rank(stats.first_rank),
        log_rank(stats.last_rank),
        b(stats.census > 0.0),
        (stats.census * 1000.0).ln_1p(),
        b(stats.wordfreq_cb.is_some()),
        stats.wordfreq_cb.map_or(0.0, |cb| 8.0 - cb as f32 / 100.0),
        chars.len() as f32,
        vowels as f32,
        doubled as f32,
        b(final_vowel),
        beam / len,
        lm / len,
        finite(neural.forward),
        finite(neural.forward) / len,
        b(neural_only),
        finite(neural.channel),
    ]
}

/// One name's n-best list for fitting: the candidates' features and which one (if any) is the true spelling.
#[derive(Debug, Clone, Default)]
pub struct RerankGroup {
    /// Candidate features, beam order.
    pub candidates: Vec<[f32; FEATURES]>,
    /// Index of the true spelling among the candidates.
    pub truth: Option<usize>,
}

/// Linear scores over standardized features, fitted as a conditional logit.
#[derive(Debug, Clone, PartialEq)]
pub struct Reranker {
    /// Weight per standardized feature.
    pub weights: [f32; FEATURES],
    /// Feature means (standardization).
    pub mean: [f32; FEATURES],
    /// Feature standard deviations (standardization).
    pub sd: [f32; FEATURES],
}

impl Default for Reranker {
    /// Keeps the beam's order.
    fn default() -> Self {
        let mut weights = [0.0; FEATURES];
        weights[0] = 1.0;
        Reranker {
            weights,
            mean: [0.0; FEATURES],
            sd: [1.0; FEATURES],
        }
    }
}

impl Reranker {
    /// Fits by full-batch gradient descent on the mean negative log-likelihood of the true candidate (groups
    /// without it are skipped) plus `l2` × ½‖w‖². Deterministic.
    pub fn fit(groups: &[RerankGroup], l2: f32, iterations: usize) -> Reranker {
        let all: Vec<&[f32; FEATURES]> = groups.iter().flat_map(|g| g.candidates.iter()).collect();
        let mut mean = [0.0f32; FEATURES];
        let mut sd = [1.0f32; FEATURES];
        if !all.is_empty() {
            let n = all.len() as f64;
            for j in 0..FEATURES {
                let m = all.iter().map(|f| f64::from(f[j])).sum::<f64>() / n;
                let v = all.iter().map(|f| (f64::from(f[j]) - m).powi(2)).sum::<f64>() / n;
                mean[j] = m as f32;
                sd[j] = (v.sqrt() as f32).max(1e-6);
            }
        }
        let data: Vec<(Vec<[f32; FEATURES]>, usize)> = groups
            .iter()
            .filter_map(|g| {
                let t = g.truth.filter(|&t| t < g.candidates.len())?;
                let xs = g
                    .candidates
                    .iter()
                    .map(|f| std::array::from_fn(|j| (f[j] - mean[j]) / sd[j]))
                    .collect();
                Some((xs, t))
            })
            .collect();
        let mut w = [0.0f32; FEATURES];
        if data.is_empty() {
            return Reranker::default();
        }
        let lr = 0.5f32;
        for _ in 0..iterations {
            let mut grad = [0.0f32; FEATURES];
            for (xs, t) in &data {
                let scores: Vec<f32> = xs.iter().map(|x| dot(&w, x)).collect();
                let max = scores.iter().copied().fold(f32::NEG_INFINITY, f32::max);
                let exp: Vec<f32> = scores.iter().map(|s| (s - max).exp()).collect();
                let z: f32 = exp.iter().sum();
                for (x, e) in xs.iter().zip(&exp) {
                    let p = e / z;
                    for j in 0..FEATURES {
                        grad[j] += p * x[j];
                    }
                }
                for j in 0..FEATURES {
                    grad[j] -= xs[*t][j];
                }
            }
            let n = data.len() as f32;
            for j in 0..FEATURES {
                w[j] -= lr * (grad[j] / n + l2 * w[j]);
            }
        }
        Reranker { weights: w, mean, sd }
    }

    /// Fits with the L2 weight among `l2_grid` that gives the best `folds`-fold cross-validated top-1 on `groups`
    /// (ties: the larger weight); returns the re-ranker fitted on all groups, the chosen weight and its CV top-1.
    pub fn fit_cv(
        groups: &[RerankGroup],
        l2_grid: &[f32],
        folds: usize,
        iterations: usize,
    ) -> (Reranker, f32, f64) {
        let folds = folds.max(2);
        let mut best = (f32::NAN, -1.0f64);
        for &l2 in l2_grid {
            let mut hits = 0.0;
            for k in 0..folds {
                let train: Vec<RerankGroup> = groups
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| i % folds != k)
                    .map(|(_, g)| g.clone())
                    .collect();
                let test: Vec<RerankGroup> = groups
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| i % folds == k)
                    .map(|(_, g)| g.clone())
                    .collect();
                hits += Reranker::fit(&train, l2, iterations).top1(&test) * test.len() as f64;
            }
            let cv = hits / groups.len().max(1) as f64;
            if cv > best.1 + 1e-12 {
                best = (l2, cv);
            }
        }
        let l2 = if best.0.is_nan() { 0.01 } else { best.0 };
        (Reranker::fit(groups, l2, iterations), l2, best.1.max(0.0))
    }

    /// The score of one candidate's features (higher is better).
    pub fn score(&self, f: &[f32; FEATURES]) -> f32 {
        (0..FEATURES)
            .map(|j| self.weights[j] * (f[j] - self.mean[j]) / self.sd[j])
            .sum()
    }

    /// Share of `groups` whose true candidate scores highest (ties: the earlier candidate).
    pub fn top1(&self, groups: &[RerankGroup]) -> f64 {
        let hits = groups
            .iter()
            .filter(|g| {
                let best = g
                    .candidates
                    .iter()
                    .enumerate()
                    .map(|(i, f)| (i, self.score(f)))
                    .fold(None::<(usize, f32)>, |acc, (i, s)| match acc {
                        Some((_, bs)) if bs >= s => acc,
                        _ => Some((i, s)),
                    });
                best.is_some_and(|(i, _)| Some(i) == g.truth)
            })
            .count();
        hits as f64 / groups.len().max(1) as f64
    }
}

fn dot(a: &[f32; FEATURES], b: &[f32; FEATURES]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

impl Transliterator {
    /// Features of each of the `nbest` candidates of `arabic`, beam order.
    fn featured(
        &self,
        arabic: &str,
        nbest: usize,
        prior: &LatinPrior,
        neural: Option<&NeuralTranslit>,
    ) -> Vec<(String, [f32; FEATURES])> {
        let encoded = neural.and_then(|n| Some((n, n.encode(arabic)?)));
        let mut out: Vec<(String, [f32; FEATURES])> = self
            .generate(arabic, nbest)
            .into_iter()
            .map(|(c, s)| {
                let scores = NeuralScores {
                    forward: encoded.as_ref().and_then(|(n, e)| n.score(e, &c)),
                    channel: neural.and_then(|n| n.channel_score(arabic, &c)),
                };
                let f = candidate_features(s, &c, prior, scores, false);
                (c, f)
            })
            .collect();
        if let Some((n, e)) = &encoded {
            for (c, lp) in n.generate(e, NEURAL_BEAM, NEURAL_NBEST) {
                let forced = self.forced_score(arabic, &c);
                if out.iter().any(|(x, _)| *x == c) || !forced.is_finite() {
                    continue;
                }
                let scores = NeuralScores {
                    forward: Some(lp),
                    channel: n.channel_score(arabic, &c),
                };
                let f = candidate_features(forced, &c, prior, scores, true);
                out.push((c, f));
            }
        }
        out
    }

    /// The n-best list of `arabic` (`nbest` candidates) as a [`RerankGroup`], the true spelling marked when given.
    pub fn rerank_group(
        &self,
        arabic: &str,
        truth: Option<&str>,
        nbest: usize,
        prior: &LatinPrior,
        neural: Option<&NeuralTranslit>,
    ) -> RerankGroup {
        let cands = self.featured(arabic, nbest, prior, neural);
        let truth = truth.map(str::to_lowercase);
        RerankGroup {
            truth: truth.and_then(|t| cands.iter().position(|(c, _)| *c == t)),
            candidates: cands.into_iter().map(|(_, f)| f).collect(),
        }
    }

    /// The `k` best Latin spellings of an Arabic name after re-ranking the beam's `nbest` list with `reranker`
    /// (and the transformer's scores when given), best first, with their re-ranker scores.
    pub fn generate_learned(
        &self,
        arabic: &str,
        k: usize,
        nbest: usize,
        prior: &LatinPrior,
        neural: Option<&NeuralTranslit>,
        reranker: &Reranker,
    ) -> Vec<(String, f32)> {
        let mut out: Vec<(String, f32)> = self
            .featured(arabic, nbest.max(k), prior, neural)
            .into_iter()
            .map(|(c, f)| (c, reranker.score(&f)))
            .collect();
        out.sort_by(|x, y| y.1.total_cmp(&x.1));
        out.truncate(k);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(feats: &[(f32, f32)], truth: usize) -> RerankGroup {
        RerankGroup {
            candidates: feats
                .iter()
                .map(|&(beam, known)| {
                    let mut f = [0.0; FEATURES];
                    f[0] = beam;
                    f[5] = known;
                    f
                })
                .collect(),
            truth: Some(truth),
        }
    }

    #[test]
    fn learns_to_prefer_known_names_over_a_slightly_better_beam_score() {
        // The true spelling is the known name, one point behind on the beam, in 3 of 4 groups.
        let mut groups = Vec::new();
        for i in 0..40 {
            if i % 4 == 3 {
                groups.push(group(&[(-10.0, 0.0), (-11.0, 1.0), (-14.0, 0.0)], 0));
            } else {
                groups.push(group(&[(-10.0, 0.0), (-11.0, 1.0), (-14.0, 0.0)], 1));
            }
        }
        let beam_only = Reranker::default();
        assert!((beam_only.top1(&groups) - 0.25).abs() < 1e-9);
        let fitted = Reranker::fit(&groups, 0.01, 200);
        assert!((fitted.top1(&groups) - 0.75).abs() < 1e-9, "{fitted:?}");
        assert!(fitted.weights[5] > 0.0);
    }

    #[test]
    fn fitting_nothing_keeps_the_beam_order() {
        let r = Reranker::fit(&[RerankGroup::default()], 0.01, 10);
        assert_eq!(r, Reranker::default());
    }

    #[test]
    fn shape_features_of_a_name() {
        let f = candidate_features(-3.0, "anning", &LatinPrior::new(), NeuralScores::default(), false);
        assert_eq!(f[0], -3.0);
        assert_eq!(f[15], 6.0);
        assert_eq!(f[16], 2.0);
        assert_eq!(f[17], 1.0);
        assert_eq!(f[18], 0.0);
        assert_eq!(f[19], -0.5);
        assert_eq!(f[21], NO_NEURAL);
        assert_eq!(f[22], NO_NEURAL / 6.0);
        assert_eq!(f[24], NO_NEURAL);
        let scored = NeuralScores {
            forward: Some(-2.0),
            channel: Some(-1.5),
        };
        let f = candidate_features(-3.0, "anning", &LatinPrior::new(), scored, true);
        assert_eq!((f[21], f[23], f[24]), (-2.0, 1.0, -1.5));
    }
}
