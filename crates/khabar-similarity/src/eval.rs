//! SemEval-2022 Task 8 evaluation: features for every pair, grouped K-fold cross-validation of the model, Pearson
//! correlation with `-Overall` overall and per language pair.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::path::Path;

use khabar_encoder::{E5Adapters, Encoder, E5, E5_DOC_PIECES, E5_LEAD_PIECES};
use serde::Serialize;

use crate::corpus::CorpusStats;
use crate::features::{
    features_from_texts, pair_features, split_title, DocFeatures, BOILERPLATE_UNKNOWN, FEATURE_NAMES,
    N_FEATURES,
};
use crate::model::SimilarityModel;
use crate::SimilarityError;

/// L2 penalty used when fitting.
pub const L2: f32 = 1e-3;
/// A word 4-gram is boilerplate when at least this many other documents of the fitting data hold it.
pub const BOILERPLATE_MIN_DOCS: usize = 2;

/// One SemEval pair as read from the CSV.
#[derive(Debug, Clone)]
pub struct SemevalPair {
    /// `pair_id` column.
    pub pair_id: String,
    /// `lang1` column.
    pub lang1: String,
    /// `lang2` column.
    pub lang2: String,
    /// `text1` column (title and body).
    pub text1: String,
    /// `text2` column.
    pub text2: String,
    /// `Overall` column (1 = most similar, 4 = least).
    pub overall: f32,
}

impl SemevalPair {
    /// The two documents as `(title, body, lang)`, the input of [`features_from_texts`].
    pub fn docs(&self) -> [(Option<&str>, &str, &str); 2] {
        let (title1, body1) = split_title(&self.text1);
        let (title2, body2) = split_title(&self.text2);
        [
            (title1, body1, self.lang1.as_str()),
            (title2, body2, self.lang2.as_str()),
        ]
    }
}

/// One SemEval pair with its documents' features.
#[derive(Debug, Clone)]
pub struct PairRow {
    /// `pair_id` column.
    pub pair_id: String,
    /// `lang1-lang2`.
    pub lang_pair: String,
    /// Full text-only [`DocFeatures`] of both documents.
    pub docs: [DocFeatures; 2],
    /// The same with only the lead embedding and the key sets (the pipeline's fast path).
    pub lead: [DocFeatures; 2],
    /// The fast path's features plus the e5 lead embedding (the pipeline with `khabar run --e5`).
    pub lead_e5: [DocFeatures; 2],
    /// Target in 0..1: `(4 - Overall) / 3` (1 = same story).
    pub target: f32,
}

impl PairRow {
    /// The row of a pair and its two documents' features.
    pub fn new(pair: &SemevalPair, a: DocFeatures, b: DocFeatures) -> PairRow {
        PairRow {
            pair_id: pair.pair_id.clone(),
            lang_pair: format!("{}-{}", pair.lang1, pair.lang2),
            lead: [a.lead_only(), b.lead_only()],
            lead_e5: [a.lead_with_e5(), b.lead_with_e5()],
            docs: [a, b],
            target: ((4.0 - pair.overall) / 3.0).clamp(0.0, 1.0),
        }
    }

    /// Full-text pair features under `corpus`.
    pub fn features(&self, corpus: &CorpusStats) -> [f32; N_FEATURES] {
        pair_features(&self.docs[0], &self.docs[1], corpus)
    }

    /// Lead-only pair features under `corpus`.
    pub fn features_lead(&self, corpus: &CorpusStats) -> [f32; N_FEATURES] {
        pair_features(&self.lead[0], &self.lead[1], corpus)
    }

    /// Lead-only pair features plus the e5 lead cosine under `corpus`.
    pub fn features_lead_e5(&self, corpus: &CorpusStats) -> [f32; N_FEATURES] {
        pair_features(&self.lead_e5[0], &self.lead_e5[1], corpus)
    }
}

/// Out-of-fold Pearson figures of one feature set.
#[derive(Debug, Clone, Serialize)]
pub struct CvFigures {
    /// All pairs pooled.
    pub pooled: f64,
    /// Mean of the per-fold figures.
    pub fold_mean: f64,
    /// Per language pair: (pairs, Pearson).
    pub per_lang_pair: BTreeMap<String, (usize, f64)>,
}

/// Cross-validated figures.
#[derive(Debug, Clone, Serialize)]
pub struct SemevalReport {
    /// Pairs read.
    pub pairs: usize,
    /// Folds.
    pub folds: usize,
    /// Pearson of out-of-fold predictions vs `-Overall`, all pairs pooled.
    pub pearson_oof: f64,
    /// Pearson within each test fold.
    pub pearson_per_fold: Vec<f64>,
    /// Mean of `pearson_per_fold`.
    pub pearson_cv_mean: f64,
    /// Per language pair: (pairs, out-of-fold Pearson).
    pub per_lang_pair: BTreeMap<String, (usize, f64)>,
    /// Pearson of single raw features (no fitting) vs `-Overall`, for reference.
    pub single_feature: BTreeMap<String, f64>,
    /// Lead-only features: out-of-fold pooled Pearson.
    pub lead_only_pearson_oof: f64,
    /// Lead-only features: mean of per-fold Pearson.
    pub lead_only_cv_mean: f64,
    /// Lead-only features: per language pair (pairs, out-of-fold Pearson).
    pub lead_only_per_lang_pair: BTreeMap<String, (usize, f64)>,
    /// Lead-only features plus the e5 lead cosine; `None` when no document has an e5 lead (model not installed).
    pub lead_e5: Option<CvFigures>,
    /// The same CV with each fold's model fitted on its training rows' out-of-fold feature vectors
    /// (cross-fitting: every row's e5 as it is when tested, never trained on it). Not nested: a training row's e5
    /// (its own fold's adapter) trained on the test fold's pairs.
    pub cross_fitted: CvFigures,
    /// [`Self::lead_e5`] cross-fitted.
    pub lead_e5_cross_fitted: Option<CvFigures>,
    /// Cross-fitting, nested: each fold fitted on its training rows' vectors from an e5 that trained on neither
    /// their fold nor the test fold ([`add_nested_rows`]); `None` without such adapters.
    pub nested_cross_fitted: Option<CvFigures>,
    /// The adapter of each pair of folds in [`Self::nested_cross_fitted`].
    pub nested_adapters: Vec<String>,
    /// The multilingual-e5-small each fold's model was fitted and tested with ([`e5_fold_rows`]); empty when
    /// every fold used the rows' own embeddings.
    pub e5_per_fold: Vec<String>,
    /// Model fitted on all pairs (what ships as the default), with its lead-only sub-model.
    pub model: SimilarityModel,
    /// Out-of-fold score of each row (full features), in row order.
    pub oof: Vec<f64>,
    /// `(pair_id, lang_pair, target)` of each row, aligned with `oof` (for error analysis).
    pub rows: Vec<(String, String, f32)>,
    /// Test fold of each row, aligned with `rows`.
    pub row_folds: Vec<usize>,
    /// Each row's out-of-fold full-text feature vector (what the shipped model is fitted on), aligned with `rows`.
    #[serde(skip)]
    pub oof_features: Vec<[f32; N_FEATURES]>,
}

impl SemevalReport {
    /// Every row's full-text pair features as TSV (`pair_id`, `lang_pair`, `overall` on the 1–4 scale, its test
    /// `fold`, then one column per [`FEATURE_NAMES`] entry): each row's out-of-fold vector, the one its test fold
    /// computed (an e5 that never trained on the pair, corpus statistics from the other folds), which is what the
    /// shipped model is fitted on. For error analysis and trying model forms outside Rust.
    pub fn features_tsv(&self) -> String {
        let mut out = String::from("pair_id\tlang_pair\toverall\tfold");
        for name in FEATURE_NAMES {
            out.push('\t');
            out.push_str(name);
        }
        out.push('\n');
        for (((id, lang, target), fold), xs) in self.rows.iter().zip(&self.row_folds).zip(&self.oof_features)
        {
            out.push_str(&format!("{id}\t{lang}\t{:.2}\t{fold}", 4.0 - 3.0 * target));
            for x in xs {
                out.push_str(&format!("\t{x:.5}"));
            }
            out.push('\n');
        }
        out
    }

    /// One line per pair: `pair_id<TAB>lang_pair<TAB>Overall<TAB>out-of-fold score` (Overall back on the 1–4
    /// scale, 1 = most similar), for error analysis.
    pub fn oof_tsv(&self) -> String {
        let mut out = String::from("pair_id\tlang_pair\toverall\toof_score\n");
        for ((id, lang, target), p) in self.rows.iter().zip(&self.oof) {
            out.push_str(&format!("{id}\t{lang}\t{:.2}\t{p:.4}\n", 4.0 - 3.0 * target));
        }
        out
    }
}

/// One line per language pair: pairs and Pearson.
fn write_per_lang_pair(
    f: &mut fmt::Formatter<'_>,
    per_lang_pair: &BTreeMap<String, (usize, f64)>,
) -> fmt::Result {
    for (pair, (n, p)) in per_lang_pair {
        writeln!(f, "  {pair:6} n={n:4}  pearson={p:.4}")?;
    }
    Ok(())
}

/// A titled block of figures: `title: pooled …, fold mean …`, then one line per language pair.
fn write_block(
    f: &mut fmt::Formatter<'_>,
    title: &str,
    pooled: f64,
    fold_mean: f64,
    per_lang_pair: &BTreeMap<String, (usize, f64)>,
) -> fmt::Result {
    writeln!(f, "{title}: pooled {pooled:.4}, fold mean {fold_mean:.4}")?;
    write_per_lang_pair(f, per_lang_pair)
}

/// [`write_block`] of one set of CV figures.
fn write_figures(f: &mut fmt::Formatter<'_>, title: &str, cv: &CvFigures) -> fmt::Result {
    write_block(f, title, cv.pooled, cv.fold_mean, &cv.per_lang_pair)
}

impl fmt::Display for SemevalReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "SemEval-2022 Task 8 train: {} pairs, {}-fold grouped CV (never scored on its own fit)",
            self.pairs, self.folds
        )?;
        writeln!(
            f,
            "Pearson vs -Overall, out-of-fold pooled: {:.4}",
            self.pearson_oof
        )?;
        let folds: Vec<String> = self.pearson_per_fold.iter().map(|p| format!("{p:.4}")).collect();
        writeln!(
            f,
            "per fold: [{}]  CV mean: {:.4}",
            folds.join(", "),
            self.pearson_cv_mean
        )?;
        if !self.e5_per_fold.is_empty() {
            writeln!(
                f,
                "multilingual-e5-small per fold (never one whose adapter trained on a test document): [{}]",
                self.e5_per_fold.join(", ")
            )?;
        }
        writeln!(f, "per language pair (out-of-fold):")?;
        write_per_lang_pair(f, &self.per_lang_pair)?;
        write_block(
            f,
            "lead-only features (pipeline fast path)",
            self.lead_only_pearson_oof,
            self.lead_only_cv_mean,
            &self.lead_only_per_lang_pair,
        )?;
        if let Some(cv) = &self.lead_e5 {
            write_figures(f, "lead-only features + e5 lead (pipeline with --e5)", cv)?;
        }
        if !self.e5_per_fold.is_empty() {
            write_figures(
                f,
                "cross-fitted (each fold fitted on its training rows' out-of-fold features; not nested where their e5 \
                 trained on the test fold)",
                &self.cross_fitted,
            )?;
            if let Some(cv) = &self.nested_cross_fitted {
                let title = format!(
                    "cross-fitted, nested (each training row's e5 trained on neither its fold nor the test fold: {})",
                    self.nested_adapters.join(", ")
                );
                write_figures(f, &title, cv)?;
            }
            if let Some(cv) = &self.lead_e5_cross_fitted {
                write_figures(f, "lead-only features + e5 lead, cross-fitted", cv)?;
            }
        }
        writeln!(
            f,
            "single features (raw, no fit; each row's vector as its test fold computed it):"
        )?;
        for (name, p) in &self.single_feature {
            writeln!(f, "  {name:20} {p:.4}")?;
        }
        Ok(())
    }
}

/// Pearson correlation (0 when either side is constant or lengths differ).
pub fn pearson(x: &[f64], y: &[f64]) -> f64 {
    if x.len() != y.len() || x.len() < 2 {
        return 0.0;
    }
    let n = x.len() as f64;
    let mx = x.iter().sum::<f64>() / n;
    let my = y.iter().sum::<f64>() / n;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx).powi(2);
        syy += (b - my).powi(2);
    }
    if sxx <= 0.0 || syy <= 0.0 {
        0.0
    } else {
        sxy / (sxx.sqrt() * syy.sqrt())
    }
}

/// The pair id without machine-translation language suffixes: translated copies share it, so they share a fold.
pub fn base_pair_id(pair_id: &str) -> String {
    pair_id
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '_')
        .collect()
}

/// Reads the SemEval CSV (rows whose `Overall` does not parse are skipped).
pub fn read_semeval(csv_path: &Path) -> Result<Vec<SemevalPair>, SimilarityError> {
    let mut reader = csv::Reader::from_path(csv_path)?;
    let headers = reader.headers()?.clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| SimilarityError::MissingColumn(name.to_string()))
    };
    let (c_id, c_l1, c_l2, c_t1, c_t2, c_overall) = (
        col("pair_id")?,
        col("lang1")?,
        col("lang2")?,
        col("text1")?,
        col("text2")?,
        col("Overall")?,
    );
    let mut pairs = Vec::new();
    for record in reader.records() {
        let record = record?;
        let get = |i: usize| record.get(i).unwrap_or_default().to_string();
        let Ok(overall) = get(c_overall).trim().parse::<f32>() else {
            continue;
        };
        pairs.push(SemevalPair {
            pair_id: get(c_id),
            lang1: get(c_l1),
            lang2: get(c_l2),
            text1: get(c_t1),
            text2: get(c_t2),
            overall,
        });
    }
    Ok(pairs)
}

/// Rows from pairs and their documents' features (two per pair, in order, as [`features_from_texts`] gives them).
pub fn rows_from_features(pairs: &[SemevalPair], feats: Vec<DocFeatures>) -> Vec<PairRow> {
    let mut feats = feats.into_iter();
    let mut rows = Vec::with_capacity(pairs.len());
    for pair in pairs {
        let (Some(a), Some(b)) = (feats.next(), feats.next()) else {
            break;
        };
        rows.push(PairRow::new(pair, a, b));
    }
    rows
}

/// Reads the SemEval CSV and computes features for every pair.
pub fn semeval_rows(csv_path: &Path, encoder: &Encoder) -> Result<Vec<PairRow>, SimilarityError> {
    semeval_rows_with(csv_path, encoder, None)
}

/// Adds what the earlier pipeline stages find in one document (`title`, `text`, `lang`) to its features: kb ids of
/// its entities (places also in `place_ids`), event families and dates. The similarity crate does not depend on
/// those stages; the caller (the CLI, an example) runs them.
pub type Enrich<'a> = &'a (dyn Fn(Option<&str>, &str, &str, &mut DocFeatures) + Sync);

/// [`semeval_rows`], each document's features first completed by `enrich` (structured overlap) when given.
pub fn semeval_rows_with(
    csv_path: &Path,
    encoder: &Encoder,
    enrich: Option<Enrich<'_>>,
) -> Result<Vec<PairRow>, SimilarityError> {
    Ok(rows_of_pairs(&read_semeval(csv_path)?, encoder, enrich))
}

/// The rows of `pairs` (already read, see [`read_semeval`]): [`semeval_rows_with`] without the CSV.
pub fn rows_of_pairs(pairs: &[SemevalPair], encoder: &Encoder, enrich: Option<Enrich<'_>>) -> Vec<PairRow> {
    let docs: Vec<(Option<&str>, &str, &str)> = pairs.iter().flat_map(SemevalPair::docs).collect();
    let mut feats = features_from_texts(encoder, &docs);
    let leads: Vec<(Option<&str>, &str)> = docs.iter().map(|(t, x, _)| (*t, *x)).collect();
    if let Some(e5_leads) = encoder.embed_e5_documents_with(&leads, khabar_encoder::E5_LEAD_PIECES) {
        for (f, e) in feats.iter_mut().zip(e5_leads) {
            f.e5_lead = e;
        }
    }
    if let Some(enrich) = enrich {
        enrich_features(&docs, &mut feats, enrich);
    }
    rows_from_features(pairs, feats)
}

/// Runs `enrich` over each document's features (in parallel).
pub fn enrich_features(docs: &[(Option<&str>, &str, &str)], feats: &mut [DocFeatures], enrich: Enrich<'_>) {
    use rayon::prelude::*;
    feats
        .par_iter_mut()
        .zip(docs.par_iter())
        .for_each(|(f, (title, text, lang))| enrich(*title, text, lang, f));
}

/// The documents of the rows `fit_rows` marks, each (by its side of the pair id, translation suffix included)
/// once.
fn fitting_docs<'a>(rows: &'a [PairRow], fit_rows: &[bool]) -> Vec<&'a DocFeatures> {
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    let mut docs: Vec<&DocFeatures> = Vec::new();
    for (k, r) in rows.iter().enumerate() {
        if !fit_rows.get(k).copied().unwrap_or(false) {
            continue;
        }
        let (left, right) = r.pair_id.split_once('_').unwrap_or((r.pair_id.as_str(), ""));
        for (id, doc) in [left, right].into_iter().zip(&r.docs) {
            if id.is_empty() || seen.insert(id) {
                docs.push(doc);
            }
        }
    }
    docs
}

/// The corpus statistics (IDF table, e5 language means) of the documents of the rows `fit_rows` marks, each
/// document counted once: the per-fold statistics of the cross-validation, or the shipped model's.
pub fn corpus_of(rows: &[PairRow], fit_rows: &[bool]) -> CorpusStats {
    CorpusStats::from_docs(&fitting_docs(rows, fit_rows))
}

/// The two document ids of a pair id (digits of each side, so translated copies keep their source's id).
fn doc_ids(pair_id: &str) -> [String; 2] {
    let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
    match pair_id.split_once('_') {
        Some((a, b)) => [digits(a), digits(b)],
        None => [digits(pair_id), String::new()],
    }
}

/// Each row's boilerplate share (the larger of its two documents'), from the rows `fit_rows` marks, and the
/// lexicon those rows give. A shingle counts for a document when at least [`BOILERPLATE_MIN_DOCS`] other
/// documents (by id, the row's own two excluded) of the fitting rows hold it, so a fitting row never counts
/// itself, an article repeated across pairs is not its own template, and a new document sees the whole lexicon.
pub fn boilerplate_column(rows: &[PairRow], fit_rows: &[bool]) -> (Vec<f32>, Vec<u64>) {
    let ids: Vec<[String; 2]> = rows.iter().map(|r| doc_ids(&r.pair_id)).collect();
    let mut docs: HashMap<u64, Vec<&str>> = HashMap::new();
    for (k, r) in rows.iter().enumerate() {
        if !fit_rows.get(k).copied().unwrap_or(false) {
            continue;
        }
        for (side, id) in r.docs.iter().zip(&ids[k]) {
            for h in &side.shingles {
                let d = docs.entry(*h).or_default();
                if !d.contains(&id.as_str()) {
                    d.push(id.as_str());
                }
            }
        }
    }
    let share = |doc: &[u64], own: &[String; 2]| {
        if doc.is_empty() {
            return 0.0;
        }
        let hits = doc
            .iter()
            .filter(|h| {
                docs.get(h).is_some_and(|d| {
                    d.iter().filter(|x| !own.iter().any(|o| o == *x)).count() >= BOILERPLATE_MIN_DOCS
                })
            })
            .count();
        hits as f32 / doc.len() as f32
    };
    let column = rows
        .iter()
        .zip(&ids)
        .map(|(r, own)| share(&r.docs[0].shingles, own).max(share(&r.docs[1].shingles, own)))
        .collect();
    let mut lexicon: Vec<u64> = docs
        .iter()
        .filter(|(_, d)| d.len() >= BOILERPLATE_MIN_DOCS)
        .map(|(h, _)| *h)
        .collect();
    lexicon.sort_unstable();
    (column, lexicon)
}

/// One feature set's cross-validation: each row's out-of-fold score, the per-fold Pearson, and the figures.
struct CvResult {
    oof: Vec<f64>,
    per_fold: Vec<f64>,
    figures: CvFigures,
}

/// Which feature vectors of its training rows a fold's model is fitted on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TrainOn {
    /// The vectors the fold computes for them: its own e5 (which, with an adapter, trained on them) and its own
    /// corpus statistics (which counted them). Every number the fold's fit sees comes from the other folds.
    FoldContext,
    /// Each training row's vector from its own test fold (cross-fitting): its e5 never trained on it, as a test
    /// row's never did. Not nested: that e5 trained on the test fold's pairs.
    OutOfFold,
    /// Cross-fitting, nested: each training row's vector from an e5 that trained on neither its fold nor the test
    /// fold, with corpus statistics from the other folds ([`FoldRows::nested`]).
    Nested,
}

/// One feature set computed once per fold: each fold's vectors for every row (its e5 and corpus statistics) and
/// each row's boilerplate share by that fold's lexicon.
struct FoldFeatures {
    row_fold: Vec<usize>,
    xs: Vec<Vec<[f32; N_FEATURES]>>,
    boiler: Vec<Vec<f32>>,
    /// Per test fold, the nested vector of every row outside it (see [`TrainOn::Nested`]); empty when
    /// [`FoldRows`] holds no nested rows.
    nested: Vec<Vec<[f32; N_FEATURES]>>,
}

impl FoldFeatures {
    fn new(
        rows: &[PairRow],
        row_fold: &[usize],
        folds: usize,
        fold_rows: &FoldRows,
        select: impl Fn(&PairRow, &CorpusStats) -> [f32; N_FEATURES],
    ) -> FoldFeatures {
        let mut xs: Vec<Vec<[f32; N_FEATURES]>> = Vec::with_capacity(folds);
        let mut boiler = Vec::with_capacity(folds);
        for fold in 0..folds {
            let rows = fold_rows.rows(fold).unwrap_or(rows);
            let fit_rows: Vec<bool> = row_fold.iter().map(|&f| f != fold).collect();
            boiler.push(boilerplate_column(rows, &fit_rows).0);
            let corpus = corpus_of(rows, &fit_rows);
            xs.push(rows.iter().map(|r| select(r, &corpus)).collect());
        }
        let nested = if fold_rows.nested.is_empty() {
            Vec::new()
        } else {
            (0..folds)
                .map(|test| {
                    let mut out = xs[test].clone();
                    for other in (0..folds).filter(|&g| g != test) {
                        let Some(nested) = fold_rows.nested.get(&(test.min(other), test.max(other))) else {
                            continue;
                        };
                        let fit_rows: Vec<bool> = row_fold.iter().map(|&f| f != test && f != other).collect();
                        let corpus = corpus_of(nested, &fit_rows);
                        for (k, _) in row_fold.iter().enumerate().filter(|(_, &f)| f == other) {
                            out[k] = select(&nested[k], &corpus);
                        }
                    }
                    out
                })
                .collect()
        };
        FoldFeatures {
            row_fold: row_fold.to_vec(),
            xs,
            boiler,
            nested,
        }
    }

    /// Each row's vector as its own test fold computed it.
    fn out_of_fold(&self) -> Vec<[f32; N_FEATURES]> {
        self.row_fold
            .iter()
            .enumerate()
            .map(|(k, &f)| self.xs[f][k])
            .collect()
    }
}

/// Out-of-fold scores of a model fitted on the other folds' rows (their vectors chosen by `train_on`).
fn cv_core(rows: &[PairRow], features: &FoldFeatures, train_on: TrainOn) -> CvResult {
    let row_fold = &features.row_fold;
    let out_of_fold = features.out_of_fold();
    let mut oof = vec![0.0f64; rows.len()];
    let mut per_fold = Vec::with_capacity(features.xs.len());
    for (fold, (xs_all, boiler)) in features.xs.iter().zip(&features.boiler).enumerate() {
        let train = match train_on {
            TrainOn::FoldContext => xs_all,
            TrainOn::OutOfFold => &out_of_fold,
            TrainOn::Nested => features.nested.get(fold).unwrap_or(&out_of_fold),
        };
        let (mut xs, mut ys) = (Vec::new(), Vec::new());
        for ((r, &f), x) in rows.iter().zip(row_fold).zip(train) {
            if f != fold {
                xs.push(*x);
                ys.push(r.target);
            }
        }
        let model = SimilarityModel::fit(&xs, &ys, L2);
        let (mut pred, mut gold) = (Vec::new(), Vec::new());
        for (k, ((r, &f), x)) in rows.iter().zip(row_fold).zip(xs_all).enumerate() {
            if f == fold {
                let p = if boiler.get(k).is_some_and(|b| *b >= BOILERPLATE_UNKNOWN) {
                    f64::from(model.score_prior(None, None))
                } else {
                    f64::from(model.score_features(x, None, None))
                };
                oof[k] = p;
                pred.push(p);
                gold.push(f64::from(r.target));
            }
        }
        per_fold.push(pearson(&pred, &gold));
    }
    let gold: Vec<f64> = rows.iter().map(|r| f64::from(r.target)).collect();
    let mut per_lang_pair = BTreeMap::new();
    let pairs: BTreeSet<&str> = rows.iter().map(|r| r.lang_pair.as_str()).collect();
    for pair in pairs {
        let idx: Vec<usize> = (0..rows.len()).filter(|&k| rows[k].lang_pair == pair).collect();
        let p: Vec<f64> = idx.iter().map(|&k| oof[k]).collect();
        let g: Vec<f64> = idx.iter().map(|&k| gold[k]).collect();
        per_lang_pair.insert(pair.to_string(), (idx.len(), pearson(&p, &g)));
    }
    let fold_mean = per_fold.iter().sum::<f64>() / per_fold.len().max(1) as f64;
    CvResult {
        figures: CvFigures {
            pooled: pearson(&oof, &gold),
            fold_mean,
            per_lang_pair,
        },
        oof,
        per_fold,
    }
}

/// Per-fold rows for [`cross_validate_planned`]: the same pairs with the embeddings of another
/// multilingual-e5-small ([`e5_fold_rows`]).
#[derive(Debug, Clone, Default)]
pub struct FoldRows {
    /// Per fold: which e5 its model is fitted and tested with.
    pub names: Vec<String>,
    rows: Vec<Option<std::sync::Arc<Vec<PairRow>>>>,
    /// Per pair of folds `(f, g)`, `f < g`: the rows embedded by an e5 that trained on no document of either
    /// ([`add_nested_rows`]), for nested cross-fitting; empty when none were given.
    nested: BTreeMap<(usize, usize), Vec<PairRow>>,
    /// Per pair of folds, the adapter that embedded its nested rows.
    pub nested_names: BTreeMap<(usize, usize), String>,
}

impl FoldRows {
    /// The rows of `fold`, `None` for the rows' own.
    fn rows(&self, fold: usize) -> Option<&[PairRow]> {
        self.rows.get(fold).and_then(|r| r.as_deref()).map(Vec::as_slice)
    }
}

/// The e5 a fold whose test pairs hold the documents `test_docs` may use: `current` (the adapter the rows were
/// embedded with) when it never trained on one of them, else the first other adapter (by name) that did not,
/// else `None`: the plain model.
fn clean_adapter<'a>(test_docs: &BTreeSet<u64>, adapters: &'a E5Adapters, current: &str) -> Option<&'a str> {
    let clean = |m: &khabar_encoder::LoraModel| !m.trained_on_any(test_docs.iter());
    adapters
        .iter()
        .find(|(n, m)| *n == current && clean(m))
        .or_else(|| adapters.iter().find(|(_, m)| clean(m)))
        .map(|(n, _)| n)
}

/// Per fold of the split `seed` makes, rows whose e5 embeddings come from a model that never saw a test document.
/// `e5` embedded the rows; when it carries an adapter, a fold keeps the rows' own embeddings if that adapter never
/// trained on one of the fold's documents, else takes those of the plain model with the first of `adapters` that
/// did not (the fold adapters of the SemEval training CSV under [`FOLD_SEED`]), else of the plain model. Each other
/// model embeds every document once. On a CSV that shares no document with the training pairs, every fold keeps
/// the rows' own embeddings; with no adapter in `e5`, nothing changes.
pub fn e5_fold_rows(
    rows: &[PairRow],
    pairs: &[SemevalPair],
    folds: usize,
    seed: u64,
    e5: &E5,
    adapters: &E5Adapters,
) -> Result<FoldRows, SimilarityError> {
    let Some(current) = e5.adapter() else {
        return Ok(FoldRows::default());
    };
    // the plain model, made only when a fold cannot keep the rows' own embeddings
    let mut base: Option<E5> = None;
    let folds = folds.max(2);
    let row_fold = fold_of_rows(rows, folds, seed);
    let docs = e5_docs(pairs, rows);
    let mut cache: HashMap<Option<String>, std::sync::Arc<Vec<PairRow>>> = HashMap::new();
    let mut out = FoldRows::default();
    for fold in 0..folds {
        let test_docs = fold_docs(rows, &row_fold, &[fold]);
        let chosen = clean_adapter(&test_docs, adapters, current);
        if chosen == Some(current) {
            out.names.push(format!("adapter {current}"));
            out.rows.push(None);
            continue;
        }
        out.names
            .push(chosen.map_or("plain (no adapter)".to_string(), |n| format!("adapter {n}")));
        let key = chosen.map(str::to_string);
        if let Some(r) = cache.get(&key) {
            out.rows.push(Some(r.clone()));
            continue;
        }
        let mut variant = base.get_or_insert_with(|| e5.without_adapter()).clone();
        if let Some(name) = chosen {
            if let Some(m) = adapters.get(name) {
                variant.apply_adapter(name, m)?;
            }
        }
        let swapped = std::sync::Arc::new(rows_with_e5(rows, &docs, &variant));
        cache.insert(key, swapped.clone());
        out.rows.push(Some(swapped));
    }
    Ok(out)
}

/// The documents (ids) of the rows in `folds`.
fn fold_docs(rows: &[PairRow], row_fold: &[usize], folds: &[usize]) -> BTreeSet<u64> {
    rows.iter()
        .zip(row_fold)
        .filter(|(_, f)| folds.contains(f))
        .flat_map(|(r, _)| doc_ids(&r.pair_id))
        .filter_map(|d| d.parse().ok())
        .collect()
}

/// The documents of `pairs` (two per row, in row order) as e5 reads them.
fn e5_docs<'a>(pairs: &'a [SemevalPair], rows: &[PairRow]) -> Vec<(Option<&'a str>, &'a str)> {
    pairs
        .iter()
        .take(rows.len())
        .flat_map(|p| p.docs().map(|(t, x, _)| (t, x)))
        .collect()
}

/// `rows` with the full-text and lead embeddings `variant` gives their documents `docs` (two per row).
fn rows_with_e5(rows: &[PairRow], docs: &[(Option<&str>, &str)], variant: &E5) -> Vec<PairRow> {
    let full = variant.embed_leads(docs, E5_DOC_PIECES);
    let lead = variant.embed_leads(docs, E5_LEAD_PIECES);
    rows.iter()
        .enumerate()
        .map(|(k, r)| {
            let mut r = r.clone();
            for i in 0..2 {
                if let (Some(f), Some(l)) = (full.get(2 * k + i), lead.get(2 * k + i)) {
                    r.docs[i].e5_embedding = f.clone();
                    r.docs[i].e5_lead = l.clone();
                    r.lead_e5[i].e5_lead = l.clone();
                }
            }
            r
        })
        .collect()
}

/// Adds to `plan` the rows nested cross-fitting needs ([`FoldRows::nested`]): for every pair of folds, the rows
/// embedded by the adapter of `adapters` (a file of adapters each trained without two folds, see
/// `tools/e5-finetune/`) that trained on no document of either fold, the one with the most training documents
/// when several qualify. [`SimilarityError::NoCleanAdapter`] when a pair of folds has none.
pub fn add_nested_rows(
    plan: &mut FoldRows,
    rows: &[PairRow],
    pairs: &[SemevalPair],
    folds: usize,
    seed: u64,
    e5: &E5,
    adapters: &E5Adapters,
) -> Result<(), SimilarityError> {
    let folds = folds.max(2);
    let row_fold = fold_of_rows(rows, folds, seed);
    let docs = e5_docs(pairs, rows);
    let plain = e5.without_adapter();
    for f in 0..folds {
        for g in f + 1..folds {
            let held_out = fold_docs(rows, &row_fold, &[f, g]);
            let (name, model) = adapters
                .iter()
                .filter(|(_, m)| !m.trained_on_any(held_out.iter()))
                .max_by_key(|(n, m)| (m.training_documents(), std::cmp::Reverse(*n)))
                .ok_or(SimilarityError::NoCleanAdapter(f, g))?;
            let mut variant = plain.clone();
            variant.apply_adapter(name, model)?;
            plan.nested.insert((f, g), rows_with_e5(rows, &docs, &variant));
            plan.nested_names.insert((f, g), name.to_string());
        }
    }
    Ok(())
}

/// The fold shuffle seed of [`cross_validate`] (the figures in the shipped model's provenance).
pub const FOLD_SEED: u64 = 0x9e37_79b9_7f4a_7c15;

/// The test fold of each row under [`cross_validate_seeded`]'s grouped split: pair groups ([`base_pair_id`])
/// shuffled with `seed`, then dealt round-robin into `folds` folds.
pub fn fold_of_rows(rows: &[PairRow], folds: usize, seed: u64) -> Vec<usize> {
    // deterministic shuffle of groups, then round-robin into folds
    let groups: BTreeSet<String> = rows.iter().map(|r| base_pair_id(&r.pair_id)).collect();
    let mut groups: Vec<String> = groups.into_iter().collect();
    let mut state: u64 = seed;
    for i in (1..groups.len()).rev() {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let j = (state >> 33) as usize % (i + 1);
        groups.swap(i, j);
    }
    let fold_of: BTreeMap<String, usize> = groups
        .into_iter()
        .enumerate()
        .map(|(i, g)| (g, i % folds))
        .collect();
    rows.iter()
        .map(|r| fold_of.get(&base_pair_id(&r.pair_id)).copied().unwrap_or(0))
        .collect()
}

/// Grouped K-fold cross-validation of [`SimilarityModel::fit`] over `rows`; the shipped model is fitted on all.
pub fn cross_validate(rows: &[PairRow], folds: usize) -> SemevalReport {
    cross_validate_seeded(rows, folds, FOLD_SEED)
}

/// [`cross_validate`] with another shuffle of the pair groups into folds (to see how much the figures move with
/// the split: small language pairs such as ar-ar move a lot).
pub fn cross_validate_seeded(rows: &[PairRow], folds: usize, seed: u64) -> SemevalReport {
    cross_validate_planned(rows, folds, seed, &FoldRows::default())
}

/// [`cross_validate_seeded`] with each fold's model fitted and tested on `fold_rows`' rows for that fold (the
/// same pairs with other e5 embeddings, see [`e5_fold_rows`]) where it has them; the model fitted on all pairs
/// uses `rows`.
pub fn cross_validate_planned(
    rows: &[PairRow],
    folds: usize,
    seed: u64,
    fold_rows: &FoldRows,
) -> SemevalReport {
    let folds = folds.max(2);
    let row_fold = fold_of_rows(rows, folds, seed);
    let full_features = FoldFeatures::new(rows, &row_fold, folds, fold_rows, PairRow::features);
    let full = cv_core(rows, &full_features, TrainOn::FoldContext);
    let full_cross = cv_core(rows, &full_features, TrainOn::OutOfFold);
    let full_nested =
        (!full_features.nested.is_empty()).then(|| cv_core(rows, &full_features, TrainOn::Nested).figures);
    let lead_features = FoldFeatures::new(rows, &row_fold, folds, fold_rows, PairRow::features_lead);
    let lead = cv_core(rows, &lead_features, TrainOn::FoldContext);
    let has_e5_lead = rows
        .iter()
        .any(|r| r.lead_e5.iter().all(|d| !d.e5_lead.is_empty()));
    let lead_e5_features =
        has_e5_lead.then(|| FoldFeatures::new(rows, &row_fold, folds, fold_rows, PairRow::features_lead_e5));
    let lead_e5 = lead_e5_features
        .as_ref()
        .map(|f| cv_core(rows, f, TrainOn::FoldContext));
    let lead_e5_cross = lead_e5_features
        .as_ref()
        .map(|f| cv_core(rows, f, TrainOn::OutOfFold).figures);
    let all = vec![true; rows.len()];
    let (_, lexicon) = boilerplate_column(rows, &all);
    let corpus = corpus_of(rows, &all);
    // Fitted on each row's out-of-fold vectors (cross-fitting): the product runs its e5 on articles it never
    // trained on, so the weights must be those of an e5 cosine that never saw the pair, not of one fitted to it.
    let xs = full_features.out_of_fold();
    let xs_lead = lead_features.out_of_fold();
    let gold: Vec<f64> = rows.iter().map(|r| f64::from(r.target)).collect();
    let mut single_feature = BTreeMap::new();
    for (i, name) in FEATURE_NAMES.iter().enumerate() {
        let x: Vec<f64> = xs.iter().map(|f| f64::from(f[i])).collect();
        single_feature.insert(name.to_string(), pearson(&x, &gold));
    }
    let ys: Vec<f32> = rows.iter().map(|r| r.target).collect();
    let mut model = SimilarityModel::fit(&xs, &ys, L2);
    let mut lead_model = SimilarityModel::fit(&xs_lead, &ys, L2);
    lead_model.provenance = format!(
        "lead-only features, same data; {folds}-fold grouped CV Pearson: pooled {:.4}, fold mean {:.4}",
        lead.figures.pooled, lead.figures.fold_mean
    );
    lead_model.boilerplate_shingles = lexicon.clone();
    model.boilerplate_shingles = lexicon;
    model.corpus = corpus;
    model.lead_only = Some(Box::new(lead_model));
    model.lead_e5 = lead_e5.as_ref().zip(lead_e5_features.as_ref()).map(|(cv, features)| {
        let xs = features.out_of_fold();
        let mut sub = SimilarityModel::fit(&xs, &ys, L2);
        sub.provenance = format!(
            "lead-only features plus the e5 lead cosine, same data; {folds}-fold grouped CV Pearson: pooled {:.4}, \
             fold mean {:.4}",
            cv.figures.pooled, cv.figures.fold_mean
        );
        Box::new(sub)
    });
    let (pearson_oof, pearson_cv_mean) = (full.figures.pooled, full.figures.fold_mean);
    model.provenance = format!(
        "logistic regression on SemEval-2022 Task 8 train ({} pairs, targets (4-Overall)/3), fitted on each pair's \
         out-of-fold features (cross-fitted); {folds}-fold grouped CV Pearson vs -Overall: pooled {pearson_oof:.4}, \
         fold mean {pearson_cv_mean:.4} (each fold fitted on its own features); cross-fitted, not nested: pooled \
         {:.4}, fold mean {:.4}",
        rows.len(),
        full_cross.figures.pooled,
        full_cross.figures.fold_mean
    );
    SemevalReport {
        pairs: rows.len(),
        folds,
        pearson_oof,
        pearson_per_fold: full.per_fold,
        pearson_cv_mean,
        per_lang_pair: full.figures.per_lang_pair,
        lead_only_pearson_oof: lead.figures.pooled,
        lead_only_cv_mean: lead.figures.fold_mean,
        lead_only_per_lang_pair: lead.figures.per_lang_pair,
        lead_e5: lead_e5.map(|cv| cv.figures),
        cross_fitted: full_cross.figures,
        lead_e5_cross_fitted: lead_e5_cross,
        nested_cross_fitted: full_nested,
        nested_adapters: fold_rows
            .nested_names
            .iter()
            .map(|((f, g), name)| format!("folds {f}+{g}: {name}"))
            .collect(),
        e5_per_fold: fold_rows.names.clone(),
        single_feature,
        model,
        oof: full.oof,
        rows: rows
            .iter()
            .map(|r| (r.pair_id.clone(), r.lang_pair.clone(), r.target))
            .collect(),
        row_folds: row_fold,
        oof_features: xs,
    }
}

/// Runs the whole evaluation: features for `csv`, then [`cross_validate`] with `folds` folds, each fold with an
/// e5 that never trained on its documents ([`evaluate`]).
pub fn eval_semeval(csv: &Path, encoder: &Encoder, folds: usize) -> Result<SemevalReport, SimilarityError> {
    eval_semeval_with(csv, encoder, folds, None)
}

/// Grouped `folds`-fold CV of `rows` (the features of `pairs`, embedded by `encoder`) under [`FOLD_SEED`], each
/// fold fitted and tested with e5 embeddings from a model that never trained on its documents ([`e5_fold_rows`]
/// with the shipped adapters), and with `nested` (adapters each trained without two folds) also the nested
/// cross-fitted CV ([`add_nested_rows`]); [`SimilarityError::TooFewPairs`] when `rows` cannot fill the folds.
pub fn evaluate(
    rows: &[PairRow],
    pairs: &[SemevalPair],
    folds: usize,
    encoder: &Encoder,
    nested: Option<&E5Adapters>,
) -> Result<SemevalReport, SimilarityError> {
    if rows.len() < folds.max(2) * 2 {
        return Err(SimilarityError::TooFewPairs(rows.len()));
    }
    let plan = match encoder.e5() {
        Some(e5) => {
            let mut plan = e5_fold_rows(rows, pairs, folds, FOLD_SEED, e5, E5Adapters::shipped()?)?;
            if let Some(adapters) = nested {
                add_nested_rows(&mut plan, rows, pairs, folds, FOLD_SEED, e5, adapters)?;
            }
            plan
        }
        None => FoldRows::default(),
    };
    Ok(cross_validate_planned(rows, folds, FOLD_SEED, &plan))
}

/// [`eval_semeval`] with each document's features completed by `enrich` (see [`Enrich`]).
pub fn eval_semeval_with(
    csv: &Path,
    encoder: &Encoder,
    folds: usize,
    enrich: Option<Enrich<'_>>,
) -> Result<SemevalReport, SimilarityError> {
    let pairs = read_semeval(csv)?;
    evaluate(
        &rows_of_pairs(&pairs, encoder, enrich),
        &pairs,
        folds,
        encoder,
        None,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fold_never_uses_an_adapter_trained_on_its_documents() {
        let adapters = E5Adapters::shipped().expect("shipped adapters");
        let ids =
            |name: &str| -> BTreeSet<u64> { adapters.get(name).expect("adapter").training_ids().collect() };
        // documents no adapter saw (another CSV): the rows' own adapter
        let unseen: BTreeSet<u64> = [1, 2, 3].into();
        assert_eq!(clean_adapter(&unseen, adapters, "all"), Some("all"));
        // a document only `all` saw, i.e. fold0's test document: the fold0 adapter
        let fold0_test: BTreeSet<u64> = ids("all").difference(&ids("fold0")).copied().take(50).collect();
        assert!(!fold0_test.is_empty());
        assert_eq!(clean_adapter(&fold0_test, adapters, "all"), Some("fold0"));
        // documents every adapter trained on some of: the plain model
        assert_eq!(clean_adapter(&ids("all"), adapters, "all"), None);
    }

    #[test]
    fn nested_rows_take_an_adapter_clean_for_both_folds() {
        let path = khabar_model::default_data_dir()
            .join("e5")
            .join(khabar_encoder::E5_FILE);
        let e5 = match E5::load(&path) {
            Ok(e5) => e5,
            Err(e) => {
                eprintln!("SKIP: multilingual-e5-small not available ({e})");
                return;
            }
        };
        let adapters = E5Adapters::shipped().expect("shipped adapters");
        let ids =
            |name: &str| -> BTreeSet<u64> { adapters.get(name).expect("adapter").training_ids().collect() };
        let pairs_of = |docs: &[u64]| -> (Vec<SemevalPair>, Vec<PairRow>) {
            let pairs: Vec<SemevalPair> = docs
                .chunks(2)
                .enumerate()
                .map(|(k, d)| SemevalPair {
                    pair_id: format!("{}_{}", d[0], d[1]),
                    lang1: "en".into(),
                    lang2: "en".into(),
                    text1: format!("Storm closes port {k}\nThe port shut on Monday as winds rose."),
                    text2: format!("Port {k} reopens\nShips left the harbour after the storm."),
                    overall: 2.0,
                })
                .collect();
            let rows = pairs
                .iter()
                .map(|p| PairRow {
                    pair_id: p.pair_id.clone(),
                    lang_pair: "en-en".into(),
                    docs: Default::default(),
                    lead: Default::default(),
                    lead_e5: Default::default(),
                    target: 0.5,
                })
                .collect();
            (pairs, rows)
        };
        // documents of the training CSV's fold 2 only: every pair of CV folds is clean for the fold2 adapter
        // (three CV folds over six pairs keep the test short: three pairs of folds)
        let fold2: Vec<u64> = ids("all").difference(&ids("fold2")).copied().take(12).collect();
        let (pairs, rows) = pairs_of(&fold2);
        let mut plan = FoldRows::default();
        add_nested_rows(&mut plan, &rows, &pairs, 3, FOLD_SEED, &e5, adapters).expect("a clean adapter");
        assert_eq!(plan.nested.len(), 3);
        assert!(
            plan.nested_names.values().all(|n| n == "fold2"),
            "{:?}",
            plan.nested_names
        );
        let mut fold2_e5 = e5.without_adapter();
        fold2_e5
            .apply_adapter("fold2", adapters.get("fold2").expect("fold2"))
            .expect("merge");
        let expected = fold2_e5.embed_leads(&e5_docs(&pairs, &rows), E5_DOC_PIECES);
        assert_eq!(plan.nested[&(0, 1)][3].docs[1].e5_embedding, expected[7]);
        // documents of folds 0 and 1 mixed: some pair of CV folds holds documents every adapter trained on
        let mut mixed: Vec<u64> = ids("all").difference(&ids("fold0")).copied().take(6).collect();
        mixed.extend(ids("all").difference(&ids("fold1")).copied().take(6));
        let (pairs, rows) = pairs_of(&mixed);
        let err = add_nested_rows(
            &mut FoldRows::default(),
            &rows,
            &pairs,
            3,
            FOLD_SEED,
            &e5,
            adapters,
        );
        assert!(matches!(err, Err(SimilarityError::NoCleanAdapter(..))), "{err:?}");
    }

    #[test]
    fn pearson_of_linear_relation_is_one() {
        let x = [1.0, 2.0, 3.0, 4.0];
        let y = [-2.0, -4.0, -6.0, -8.0];
        assert!((pearson(&x, &y) + 1.0).abs() < 1e-12);
        assert_eq!(pearson(&x, &[1.0, 1.0, 1.0, 1.0]), 0.0);
    }

    #[test]
    fn translated_copies_share_a_group() {
        assert_eq!(
            base_pair_id("1484039360it_1484180228it"),
            base_pair_id("1484039360_1484180228")
        );
    }

    #[test]
    fn boilerplate_needs_other_documents() {
        let doc = |shingles: Vec<u64>| DocFeatures {
            shingles,
            ..Default::default()
        };
        let row = |id: &str, a: Vec<u64>, b: Vec<u64>| PairRow {
            pair_id: id.into(),
            lang_pair: "ar-ar".into(),
            docs: [doc(a.clone()), doc(b.clone())],
            lead: [doc(a.clone()), doc(b.clone())],
            lead_e5: [doc(a), doc(b)],
            target: 0.5,
        };
        // shingles 1 and 2 recur in three documents; 9 belongs to one document (30) that two pairs share
        let rows = vec![
            row("10_11", vec![1, 2, 7], vec![20]),
            row("12_13", vec![1, 2, 8], vec![21]),
            row("14_30", vec![1, 2, 3], vec![9, 5]),
            row("15_30", vec![22], vec![9, 5]),
            row("16_17", vec![23], vec![24]),
        ];
        let (column, lexicon) = boilerplate_column(&rows, &[true; 5]);
        assert_eq!(lexicon, vec![1, 2]);
        // row 0: shingles 1, 2 are held by documents 12 and 14 besides its own
        assert!((column[0] - 2.0 / 3.0).abs() < 1e-6);
        // the shared document 30 counts once: 9 and 5 are not boilerplate
        assert_eq!(column[3], 0.0);
        assert_eq!(column[4], 0.0);
        // rows left out of the fit do not build the lexicon
        let (column, lexicon) = boilerplate_column(&rows, &[true, false, false, true, true]);
        assert!(lexicon.is_empty());
        assert_eq!(column[0], 0.0);
        assert_eq!(
            doc_ids("1484039360it_1484180228"),
            ["1484039360".to_string(), "1484180228".to_string()]
        );
    }

    #[test]
    fn fold_idf_counts_each_fitting_document_once() {
        let doc = |words: &[&str]| DocFeatures {
            word_keys: words.iter().map(|w| w.to_string()).collect(),
            ..Default::default()
        };
        let row = |id: &str| PairRow {
            pair_id: id.into(),
            lang_pair: "ar-ar".into(),
            docs: [doc(&["قوات", "الباغوز"]), doc(&["قوات"])],
            lead: [doc(&[]), doc(&[])],
            lead_e5: [doc(&[]), doc(&[])],
            target: 0.5,
        };
        // document 11 is in three pairs, 11it is its translation (a document of its own)
        let rows = vec![
            row("10_11"),
            row("12_11"),
            row("13_11"),
            row("14_11it"),
            row("15_16"),
        ];
        let idf = corpus_of(&rows, &[true, true, true, true, false]).idf;
        assert_eq!(idf.docs, 6); // 10, 11, 12, 13, 14, 11it; pair 15_16 is held out
        let all = corpus_of(&rows, &[true; 5]).idf;
        assert_eq!(all.docs, 8);
        assert!(all.word_idf("قوات") < all.word_idf("الباغوز"));
    }

    #[test]
    fn cross_validation_keeps_groups_together_and_finds_signal() {
        let mut rows = Vec::new();
        for k in 0..120 {
            // the lead cosine falls as the target falls, with some noise
            let t = (k % 10) as f32 / 10.0;
            let angle = (1.0 - t) * 1.4 + ((k * 13) % 7) as f32 / 30.0;
            let a = DocFeatures {
                embedding: vec![1.0, 0.0],
                lang: "en".into(),
                ..Default::default()
            };
            let b = DocFeatures {
                embedding: vec![angle.cos(), angle.sin()],
                ..a.clone()
            };
            // the e5 lead sees the target without the noise
            let e5 = |x: &DocFeatures, angle: f32| DocFeatures {
                e5_lead: vec![angle.cos(), angle.sin()],
                ..x.clone()
            };
            let exact = (1.0 - t) * 1.4;
            rows.push(PairRow {
                pair_id: format!("{k}_{}", k + 1000),
                lang_pair: "en-en".into(),
                lead: [a.clone(), b.clone()],
                lead_e5: [e5(&a, 0.0), e5(&b, exact)],
                docs: [a, b],
                target: t,
            });
        }
        let report = cross_validate(&rows, 5);
        assert_eq!(report.pearson_per_fold.len(), 5);
        assert!(report.pearson_oof > 0.8, "{}", report.pearson_oof);
        // the e5-lead sub-model is fitted and scored on its own features, and beats the noisy lead cosine
        let e5 = report.lead_e5.clone().expect("rows carry e5 leads");
        assert!(
            e5.pooled > report.lead_only_pearson_oof && e5.pooled > 0.95,
            "{}",
            e5.pooled
        );
        assert_eq!(e5.per_lang_pair["en-en"].0, rows.len());
        assert!(report.model.lead_e5.is_some());
        let without: Vec<PairRow> = rows
            .iter()
            .map(|r| PairRow {
                lead_e5: r.lead.clone(),
                ..r.clone()
            })
            .collect();
        let plain = cross_validate(&without, 5);
        assert!(plain.lead_e5.is_none() && plain.model.lead_e5.is_none());
        // The out-of-fold table: a header, then each pair with its gold Overall back on the 1–4 scale.
        let tsv = report.oof_tsv();
        let lines: Vec<&str> = tsv.lines().collect();
        assert_eq!(lines.len(), rows.len() + 1);
        assert_eq!(lines[0], "pair_id\tlang_pair\toverall\toof_score");
        for (line, row) in lines[1..].iter().zip(&rows) {
            let cols: Vec<&str> = line.split('\t').collect();
            assert_eq!(cols[0], row.pair_id);
            let overall: f32 = cols[2].parse().expect("overall");
            assert!((overall - (4.0 - 3.0 * row.target)).abs() < 0.01, "{line}");
        }
    }

    #[test]
    fn cross_fitting_trains_on_what_the_test_rows_look_like() {
        // Two signals of the target: a cosine and a number overlap, each with its own noise. Each fold's rows
        // stand for an encoder trained on the other folds: there the training rows' cosine is exact (memorised),
        // while the test rows' keeps its noise.
        let noise = |k: usize, salt: usize| ((k * 7919 + salt * 104_729) % 101) as f32 / 100.0 - 0.5;
        let row = |k: usize, exact: bool| {
            let t = (k % 10) as f32 / 9.0;
            let angle = (1.0 - t) * 1.2 + if exact { 0.0 } else { 0.9 * noise(k, 1) };
            let shared = ((t + 0.6 * noise(k, 2)).clamp(0.0, 1.0) * 10.0).round() as u64;
            let a = DocFeatures {
                embedding: vec![1.0, 0.0],
                lang: "en".into(),
                numbers: (1..=10).collect(),
                ..Default::default()
            };
            let b = DocFeatures {
                embedding: vec![angle.cos(), angle.sin()],
                numbers: (1..=shared).chain(100..100 + 10 - shared).collect(),
                ..a.clone()
            };
            PairRow {
                pair_id: format!("{k}_{}", k + 1000),
                lang_pair: "en-en".into(),
                lead: [a.clone(), b.clone()],
                lead_e5: [a.clone(), b.clone()],
                docs: [a, b],
                target: t,
            }
        };
        let rows: Vec<PairRow> = (0..200).map(|k| row(k, false)).collect();
        let row_fold = fold_of_rows(&rows, 5, FOLD_SEED);
        let plan = FoldRows {
            names: (0..5).map(|f| format!("encoder {f}")).collect(),
            rows: (0..5)
                .map(|f| {
                    let fold: Vec<PairRow> = (0..rows.len()).map(|k| row(k, row_fold[k] != f)).collect();
                    Some(std::sync::Arc::new(fold))
                })
                .collect(),
            ..Default::default()
        };
        let features = FoldFeatures::new(&rows, &row_fold, 5, &plan, PairRow::features);
        let oof = features.out_of_fold();
        for (k, x) in oof.iter().enumerate() {
            assert_eq!(*x, features.xs[row_fold[k]][k]);
        }
        let report = cross_validate_planned(&rows, 5, FOLD_SEED, &plan);
        // fitted on memorised cosines, the strict fit leans on the cosine alone; cross-fitted, it weighs both
        assert!(
            report.cross_fitted.pooled > report.pearson_oof + 0.03,
            "cross-fitted {} vs strict {}",
            report.cross_fitted.pooled,
            report.pearson_oof
        );
        assert!(report.to_string().contains("cross-fitted"));
        assert!(report.nested_cross_fitted.is_none());
        // the feature dump holds what the shipped model is fitted on: each row's out-of-fold vector
        let tsv = report.features_tsv();
        let lines: Vec<&str> = tsv.lines().collect();
        assert_eq!(lines.len(), rows.len() + 1);
        for (k, line) in lines[1..].iter().enumerate() {
            let cols: Vec<&str> = line.split('\t').collect();
            assert_eq!(
                (cols[0], cols[3]),
                (rows[k].pair_id.as_str(), row_fold[k].to_string().as_str())
            );
            let cos_lead: f32 = cols[4].parse().expect("cos_lead");
            assert!((cos_lead - oof[k][0]).abs() < 1e-4, "{line}");
        }
        // Nested: each pair of folds has rows from an encoder that trained on neither, so the rows of both keep
        // their noise; the training rows' vectors come from there. Were those rows memorised instead (a broken
        // adapter file), the nested fit would lean on the cosine as the strict one does.
        let nested_plan = |memorised: bool| {
            let mut plan = plan.clone();
            for f in 0..5 {
                for g in f + 1..5 {
                    let rows = (0..rows.len()).map(|k| row(k, memorised)).collect();
                    plan.nested.insert((f, g), rows);
                    plan.nested_names.insert((f, g), format!("encoder {f}{g}"));
                }
            }
            plan
        };
        let clean = cross_validate_planned(&rows, 5, FOLD_SEED, &nested_plan(false));
        let nested = clean.nested_cross_fitted.clone().expect("nested rows given");
        assert!(
            nested.pooled > report.pearson_oof + 0.03,
            "nested {}",
            nested.pooled
        );
        assert!(clean.to_string().contains("folds 0+1: encoder 01"));
        let memorised = cross_validate_planned(&rows, 5, FOLD_SEED, &nested_plan(true));
        let nested = memorised.nested_cross_fitted.expect("nested rows given");
        assert!(
            nested.pooled < report.cross_fitted.pooled - 0.03,
            "nested {}",
            nested.pooled
        );
    }
}
