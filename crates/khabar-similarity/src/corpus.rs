//! Statistics of the documents a model was fitted on, which the pair features are computed against: the IDF
//! table of the lexical features and the per-language mean e5 embeddings that the e5 cosine is centred on.
//!
//! Multilingual encoders put every text of one language in a narrow cone around a language-specific mean, so raw
//! cosines of two texts of one language are all high (0.8–0.95 for unrelated Arabic news) and cross-language
//! cosines are lower for the same content. Subtracting each document's language mean before the cosine removes
//! both effects (Libovický et al., "On the Language Neutrality of Pre-trained Multilingual Representations",
//! 2020): measured on SemEval-2022 Task 8, the single e5 cosine goes from 0.68 to 0.78 Pearson.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::features::{cosine, cosine_of, DocFeatures};
use crate::idf::IdfTable;

/// A language needs at least this many fitting documents for a mean of its own; rarer languages (and languages
/// the fitting data lacks) are centred on the mean of all fitting documents.
pub const MIN_CENTRE_DOCS: usize = 5;

/// Mean L2-normalised embedding per language, and of all documents, over a set of documents.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LanguageCentres {
    /// Mean of all documents' embeddings (empty when no document had one).
    pub global: Vec<f32>,
    /// Mean per ISO 639-1 language, for languages with at least [`MIN_CENTRE_DOCS`] documents.
    pub by_lang: BTreeMap<String, Vec<f32>>,
}

impl LanguageCentres {
    /// Means of the `(language, embedding)` pairs given; empty embeddings and embeddings whose length differs from
    /// the first one's are left out.
    pub fn from_embeddings<'a>(docs: impl IntoIterator<Item = (&'a str, &'a [f32])>) -> LanguageCentres {
        let mut dim = None;
        let mut sums: BTreeMap<&str, (Vec<f64>, usize)> = BTreeMap::new();
        let mut all: (Vec<f64>, usize) = (Vec::new(), 0);
        for (lang, emb) in docs {
            if emb.is_empty() || *dim.get_or_insert(emb.len()) != emb.len() {
                continue;
            }
            for (sum, n) in [sums.entry(lang).or_default(), &mut all] {
                if sum.is_empty() {
                    sum.resize(emb.len(), 0.0);
                }
                for (s, v) in sum.iter_mut().zip(emb) {
                    *s += f64::from(*v);
                }
                *n += 1;
            }
        }
        let mean =
            |(sum, n): &(Vec<f64>, usize)| sum.iter().map(|s| (s / *n as f64) as f32).collect::<Vec<f32>>();
        LanguageCentres {
            global: if all.1 > 0 { mean(&all) } else { Vec::new() },
            by_lang: sums
                .iter()
                .filter(|(_, (_, n))| *n >= MIN_CENTRE_DOCS)
                .map(|(lang, s)| (lang.to_string(), mean(s)))
                .collect(),
        }
    }

    /// The mean a document of `lang` is centred on: its language's, else the global one (None when empty).
    pub fn centre(&self, lang: &str) -> Option<&[f32]> {
        self.by_lang
            .get(lang)
            .or(Some(&self.global).filter(|g| !g.is_empty()))
            .map(Vec::as_slice)
    }

    /// Cosine of `a` (language `lang_a`) and `b` after subtracting each one's centre; the plain cosine when no
    /// centre is known or its length differs from the embeddings'.
    pub fn cosine(&self, lang_a: &str, a: &[f32], lang_b: &str, b: &[f32]) -> f32 {
        match (self.centre(lang_a), self.centre(lang_b)) {
            (Some(ca), Some(cb)) if ca.len() == a.len() && cb.len() == b.len() => {
                if a.len() != b.len() || a.is_empty() {
                    return 0.0;
                }
                // no copies: this runs for every pair the clusterer scores with `--e5`
                let x = a.iter().zip(ca).map(|(v, c)| v - c);
                let y = b.iter().zip(cb).map(|(v, c)| v - c);
                cosine_of(x.zip(y))
            }
            _ => cosine(a, b),
        }
    }
}

/// What the pair features need from the fitting documents (shipped in a [`crate::SimilarityModel`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CorpusStats {
    /// Document frequencies weighing the lexical features.
    #[serde(default)]
    pub idf: IdfTable,
    /// Language means of the full e5 embeddings ([`DocFeatures::e5_embedding`]), which their cosine is centred on.
    #[serde(default)]
    pub e5_centres: LanguageCentres,
    /// Language means of the e5 lead embeddings ([`DocFeatures::e5_lead`]).
    #[serde(default)]
    pub e5_lead_centres: LanguageCentres,
}

impl CorpusStats {
    /// The statistics of `docs`, each document given once.
    pub fn from_docs(docs: &[&DocFeatures]) -> CorpusStats {
        CorpusStats {
            idf: IdfTable::from_docs(docs.iter().copied()),
            e5_centres: LanguageCentres::from_embeddings(
                docs.iter().map(|d| (d.lang.as_str(), d.e5_embedding.as_slice())),
            ),
            e5_lead_centres: LanguageCentres::from_embeddings(
                docs.iter().map(|d| (d.lang.as_str(), d.e5_lead.as_slice())),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn centres_fall_back_to_the_global_mean_for_rare_languages() {
        let mut docs: Vec<(&str, Vec<f32>)> = (0..MIN_CENTRE_DOCS).map(|_| ("ar", vec![1.0, 0.0])).collect();
        docs.push(("en", vec![0.0, 1.0]));
        docs.push(("en", vec![])); // no embedding: not counted
        let c = LanguageCentres::from_embeddings(docs.iter().map(|(l, e)| (*l, e.as_slice())));
        assert_eq!(c.centre("ar"), Some(&[1.0, 0.0][..]));
        let n = (MIN_CENTRE_DOCS + 1) as f32;
        let global = [MIN_CENTRE_DOCS as f32 / n, 1.0 / n];
        for lang in ["en", "und"] {
            let got = c.centre(lang).expect("global");
            assert!(
                got.iter().zip(global).all(|(g, w)| (g - w).abs() < 1e-6),
                "{lang}: {got:?}"
            );
        }
        assert!(LanguageCentres::default().centre("ar").is_none());
    }

    #[test]
    fn centring_separates_texts_that_share_only_their_language() {
        // Two texts of one language: both near the language mean (1, 0, 0), apart from it in different directions.
        let centres = LanguageCentres {
            global: vec![1.0, 0.0, 0.0],
            by_lang: BTreeMap::from([("ar".to_string(), vec![0.9, 0.0, 0.0])]),
        };
        let a = [0.95, 0.3, 0.0];
        let b = [0.95, 0.0, 0.3];
        assert!(cosine(&a, &b) > 0.8);
        assert!(centres.cosine("ar", &a, "ar", &b).abs() < 0.1);
        // the same offset from the mean is the same content: cosine 1
        assert!((centres.cosine("ar", &a, "ar", &a) - 1.0).abs() < 1e-5);
        // no centres, or centres of another length: the plain cosine
        assert_eq!(
            LanguageCentres::default().cosine("ar", &a, "ar", &b),
            cosine(&a, &b)
        );
        assert_eq!(
            centres.cosine("ar", &a[..2], "ar", &b[..2]),
            cosine(&a[..2], &b[..2])
        );
    }
}
