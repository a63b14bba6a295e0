//! Inverse document frequencies of word stems and name keys, counted over the documents a model was fitted on,
//! and the IDF-weighted set cosine that the lexical features use.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::features::DocFeatures;

/// Hash namespaces, so that a word stem and a name key with the same spelling count apart.
const NS_WORD: u8 = b'w';
const NS_NAME: u8 = b'n';
/// Keys held by fewer documents than this are left out of an [`IdfTable`].
pub const MIN_DF: u32 = 5;

/// FNV-1a, 64 bit, over a namespace byte and a key: stable across builds and platforms (tables ship as numbers).
fn key_hash(namespace: u8, key: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in std::iter::once(namespace).chain(key.bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// Document frequencies of word stems ([`DocFeatures::word_keys`]) and name keys ([`DocFeatures::name_keys`]) over
/// a set of documents. Keys held by fewer than [`MIN_DF`] documents are not stored: they weigh like keys of one
/// document (keeps the shipped table small).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct IdfTable {
    /// Documents counted.
    pub docs: u32,
    /// Sorted key hashes.
    pub hashes: Vec<u64>,
    /// Document frequency of each hash in [`Self::hashes`].
    pub df: Vec<u32>,
}

impl IdfTable {
    /// Counts the distinct documents `docs` (each document once, however many pairs hold it).
    pub fn from_docs<'a>(docs: impl IntoIterator<Item = &'a DocFeatures>) -> IdfTable {
        let mut counts: std::collections::HashMap<u64, u32> = std::collections::HashMap::new();
        let mut n = 0u32;
        for doc in docs {
            n += 1;
            let keys = doc
                .word_keys
                .iter()
                .map(|w| key_hash(NS_WORD, w))
                .chain(doc.name_keys.iter().map(|k| key_hash(NS_NAME, k)))
                .collect::<BTreeSet<u64>>();
            for h in keys {
                *counts.entry(h).or_default() += 1;
            }
        }
        let mut kept: Vec<(u64, u32)> = counts.into_iter().filter(|(_, c)| *c >= MIN_DF).collect();
        kept.sort_unstable();
        IdfTable {
            docs: n,
            hashes: kept.iter().map(|(h, _)| *h).collect(),
            df: kept.iter().map(|(_, c)| *c).collect(),
        }
    }

    fn weight(&self, hash: u64) -> f32 {
        if self.docs == 0 {
            return 1.0;
        }
        let df = self
            .hashes
            .binary_search(&hash)
            .ok()
            .and_then(|i| self.df.get(i).copied())
            .unwrap_or(1);
        // smoothed idf, always positive
        ((1.0 + self.docs as f32) / (1.0 + df as f32)).ln() + 1.0
    }

    /// IDF weight of a word stem (1 for every word when the table is empty).
    pub fn word_idf(&self, word: &str) -> f32 {
        self.weight(key_hash(NS_WORD, word))
    }

    /// IDF weight of a name key.
    pub fn name_idf(&self, key: &str) -> f32 {
        self.weight(key_hash(NS_NAME, key))
    }

    /// IDF-weighted cosine of two word-stem sets: `sum_{shared} idf^2 / sqrt(sum_a idf^2 * sum_b idf^2)`; 0 when
    /// either set is empty.
    pub fn word_cosine(&self, a: &BTreeSet<String>, b: &BTreeSet<String>) -> f32 {
        weighted_cosine(a, b, |w| self.word_idf(w))
    }

    /// [`Self::word_cosine`] for name-key sets.
    pub fn name_cosine(&self, a: &BTreeSet<String>, b: &BTreeSet<String>) -> f32 {
        weighted_cosine(a, b, |k| self.name_idf(k))
    }
}

fn weighted_cosine(a: &BTreeSet<String>, b: &BTreeSet<String>, idf: impl Fn(&str) -> f32) -> f32 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let norm = |s: &BTreeSet<String>| s.iter().map(|w| idf(w).powi(2)).sum::<f32>();
    let shared: f32 = a.intersection(b).map(|w| idf(w).powi(2)).sum();
    let denom = (norm(a) * norm(b)).sqrt();
    if denom > 0.0 {
        (shared / denom).clamp(0.0, 1.0)
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(words: &[&str]) -> DocFeatures {
        DocFeatures {
            word_keys: words.iter().map(|w| w.to_string()).collect(),
            ..Default::default()
        }
    }

    #[test]
    fn rare_shared_words_weigh_more_than_common_ones() {
        // "كورونا" is in every document, "باغوز" in MIN_DF of them
        let mut docs: Vec<DocFeatures> = (0..MIN_DF).map(|_| doc(&["كورونا", "باغوز", "قوات"])).collect();
        docs.push(doc(&["كورونا", "اسعار", "ذهب"]));
        docs.push(doc(&["كورونا", "مباراة", "منتخب"]));
        let idf = IdfTable::from_docs(&docs);
        assert_eq!(idf.docs as usize, docs.len());
        assert!(idf.word_idf("باغوز") > idf.word_idf("كورونا"));
        // unseen words weigh like words of one document, the most
        assert!(idf.word_idf("ذهب") >= idf.word_idf("باغوز"));
        let a = doc(&["كورونا", "باغوز", "جيب"]);
        let rare = doc(&["باغوز", "جيب", "شرق"]);
        let common = doc(&["كورونا", "جيب", "شرق"]);
        assert!(
            idf.word_cosine(&a.word_keys, &rare.word_keys) > idf.word_cosine(&a.word_keys, &common.word_keys)
        );
        assert!((idf.word_cosine(&a.word_keys, &a.word_keys) - 1.0).abs() < 1e-5);
        assert_eq!(idf.word_cosine(&a.word_keys, &BTreeSet::new()), 0.0);
        // names and words count apart
        assert!(idf.name_idf("كورونا") > idf.word_idf("كورونا"));
    }

    #[test]
    fn empty_table_is_plain_set_cosine() {
        let idf = IdfTable::default();
        let a = doc(&["one", "two"]);
        let b = doc(&["two", "three"]);
        assert!((idf.word_cosine(&a.word_keys, &b.word_keys) - 0.5).abs() < 1e-6);
    }
}
