//! Near-duplicate detection for news articles.
//!
//! Syndicated copies of one wire story reach khabar from many sites, each with its own headline, header, footer and
//! a few edited words. [`DedupIndex`] finds them in a stream: every article body is normalized with
//! [`Normalizer::for_matching`] (so Arabic spelling variants, diacritics and Arabic-Indic digits compare equal),
//! split into words with [`khabar_normalize::words`], and cut into **word shingles** (5 consecutive words by
//! default). Word shingles, not char shingles, because two different reports of one event share names and stock
//! phrases ("the US-backed Syrian Democratic Forces", "الباغوز") that make char n-gram sets overlap heavily, while
//! five-word runs are rarely shared by independently written texts; a copy keeps almost all of them.
//!
//! The shingle set is summarised by a MinHash signature (`num_perm` hashes); LSH banding over the signature gives
//! candidates in near-constant time per insert, and every candidate is verified on the full signature: it is a
//! duplicate when the estimated Jaccard similarity reaches `jaccard_threshold` (0.7), or when one text is almost
//! entirely contained in the other (a copy plus a site's own boilerplate: estimated containment >= 0.9 with Jaccard
//! at least 0.6). Copies are indexed too (a copy of a copy that drifted from the original still meets its parent),
//! but every answer names the family's original, the first article of it.
//!
//! ```
//! use khabar_dedup::{DedupConfig, DedupIndex};
//!
//! let wire = "Thousands of men, women and children have left the last enclave held by Islamic State fighters in \
//!     eastern Syria in recent weeks, many of them wives and children of fighters, and were taken to camps in the \
//!     north-east of the country, the Syrian Democratic Forces said on Sunday.";
//! let mut index = DedupIndex::new(DedupConfig::default()).unwrap();
//! assert!(index.insert("wire", wire).is_none());
//! let copy = format!("HOME | WORLD | CONTACT\n{wire}\nShare this: Facebook Twitter");
//! assert_eq!(index.insert("copy", &copy).unwrap().id, "wire");
//! ```
//!
//! State survives restarts through [`DedupIndex::snapshot`] / [`DedupIndex::restore`] (a versioned binary format;
//! LSH buckets are rebuilt on restore).

#![deny(missing_docs)]

use khabar_normalize::Normalizer;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::io::{Read, Write};
use xxhash_rust::xxh3::xxh3_64;

/// Magic bytes that open a snapshot.
const SNAPSHOT_MAGIC: &[u8; 8] = b"KHDEDUP\0";
/// Current snapshot format version.
const SNAPSHOT_VERSION: u32 = 1;

/// Errors of this crate.
#[derive(Debug, thiserror::Error)]
pub enum DedupError {
    /// The configuration cannot work.
    #[error("invalid dedup config: {0}")]
    InvalidConfig(String),
    /// Reading or writing a snapshot failed.
    #[error("snapshot io error: {0}")]
    Io(#[from] std::io::Error),
    /// A snapshot is not one this version can read.
    #[error("unsupported snapshot: {0}")]
    UnsupportedSnapshot(String),
    /// A snapshot could not be decoded or is inconsistent.
    #[error("corrupt snapshot: {0}")]
    CorruptSnapshot(String),
}

/// Result alias of this crate.
pub type DedupResult<T> = Result<T, DedupError>;

/// Tuning of a [`DedupIndex`]. The defaults suit news articles of 100 to 3,000 words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DedupConfig {
    /// Words per shingle.
    pub shingle_words: usize,
    /// MinHash signature length.
    pub num_perm: usize,
    /// LSH bands; must divide `num_perm`. Rows per band = `num_perm / bands`. With 128 / 32 (4 rows) a pair at
    /// Jaccard 0.6 becomes a candidate with probability 0.99, a pair at 0.2 with probability 0.05.
    pub bands: usize,
    /// Estimated Jaccard similarity at or above which a text is a duplicate. 0.7, not 0.8: on the sample articles a
    /// syndicated copy (new masthead, headline and footer, last line dropped, one word in 50–100 edited) measures
    /// 0.71–0.86 with 5-word shingles, while distinct reports of the same story stay below 0.03.
    pub jaccard_threshold: f32,
    /// Estimated containment (shared shingles / shingles of the smaller text) at or above which a text is a
    /// duplicate, provided its Jaccard estimate also reaches `containment_min_jaccard`.
    pub containment_threshold: f32,
    /// Lower bound on Jaccard for the containment rule (keeps short quotes inside long round-ups apart).
    pub containment_min_jaccard: f32,
    /// At most this many (most recent) members of one LSH bucket are verified per insert; bounds the cost of
    /// degenerate buckets.
    pub max_bucket_checks: usize,
    /// Seed of the MinHash permutations. Indexes with different seeds are not comparable.
    pub seed: u64,
}

impl Default for DedupConfig {
    fn default() -> Self {
        DedupConfig {
            shingle_words: 5,
            num_perm: 128,
            bands: 32,
            jaccard_threshold: 0.7,
            containment_threshold: 0.9,
            containment_min_jaccard: 0.6,
            max_bucket_checks: 64,
            seed: 0x6b68_6162_6172_0001,
        }
    }
}

impl DedupConfig {
    /// Checks that the configuration can work.
    pub fn validate(&self) -> DedupResult<()> {
        if self.shingle_words == 0 {
            return Err(DedupError::InvalidConfig(
                "shingle_words must be at least 1".into(),
            ));
        }
        if self.num_perm == 0 || self.bands == 0 || !self.num_perm.is_multiple_of(self.bands) {
            return Err(DedupError::InvalidConfig(format!(
                "bands ({}) must be positive and divide num_perm ({})",
                self.bands, self.num_perm
            )));
        }
        for (name, v) in [
            ("jaccard_threshold", self.jaccard_threshold),
            ("containment_threshold", self.containment_threshold),
            ("containment_min_jaccard", self.containment_min_jaccard),
        ] {
            if !(0.0..=1.0).contains(&v) {
                return Err(DedupError::InvalidConfig(format!(
                    "{name} must be in 0..=1, got {v}"
                )));
            }
        }
        if self.max_bucket_checks == 0 {
            return Err(DedupError::InvalidConfig(
                "max_bucket_checks must be at least 1".into(),
            ));
        }
        Ok(())
    }
}

/// The answer of [`DedupIndex::insert`] for a near-copy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DuplicateOf {
    /// Id of the original (the first article of the family, never itself a duplicate).
    pub id: String,
    /// Estimated Jaccard similarity of the two shingle sets.
    pub jaccard_estimate: f32,
    /// Estimated share of the smaller text's shingles found in the other text.
    pub containment_estimate: f32,
}

/// The MinHash fingerprint of one text; computing it is the costly part of an insert and needs only `&self`,
/// so it can run on worker threads before [`DedupIndex::insert_fingerprint`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint {
    signature: Vec<u32>,
    shingles: u32,
}

impl Fingerprint {
    /// Number of distinct shingles of the text (0 for a text without words).
    pub fn shingle_count(&self) -> u32 {
        self.shingles
    }

    /// Estimated Jaccard similarity with another fingerprint of the same index.
    pub fn jaccard(&self, other: &Fingerprint) -> f32 {
        estimate_jaccard(&self.signature, &other.signature)
    }

    /// Compact bytes (shingle count, then the signature, little-endian) for a shared store.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(4 + 4 * self.signature.len());
        out.extend_from_slice(&self.shingles.to_le_bytes());
        for v in &self.signature {
            out.extend_from_slice(&v.to_le_bytes());
        }
        out
    }

    /// Reads [`Fingerprint::to_bytes`]; `None` when the bytes are not a fingerprint.
    pub fn from_bytes(bytes: &[u8]) -> Option<Fingerprint> {
        if bytes.len() < 4 || !bytes.len().is_multiple_of(4) {
            return None;
        }
        let mut words = bytes
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]));
        let shingles = words.next()?;
        Some(Fingerprint {
            signature: words.collect(),
            shingles,
        })
    }
}

/// Counts of what an index has seen.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DedupStats {
    /// Articles indexed as originals.
    pub originals: u64,
    /// Articles found to be near-copies.
    pub duplicates: u64,
    /// Articles without any word (never duplicates, never indexed).
    pub empty: u64,
    /// Inserts of an id already seen (answered from memory, nothing added).
    pub repeated_ids: u64,
    /// Candidate verifications done (signature comparisons).
    pub verifications: u64,
}

/// What the index remembers of one article id.
#[derive(Debug, Clone, Serialize, Deserialize)]
enum Stored {
    /// Indexed original: position in `docs`.
    Original(u32),
    /// Near-copy; `original` is the position in `docs` of the family's original.
    Duplicate {
        original: u32,
        jaccard: f32,
        containment: f32,
    },
    /// A text without words.
    Empty,
}

/// One indexed text (original or copy).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct IndexedDoc {
    id: String,
    signature: Vec<u32>,
    shingles: u32,
    /// Position in `docs` of the family's original (its own position for an original).
    root: u32,
}

/// Streaming near-duplicate index (MinHash + LSH). See the crate docs.
pub struct DedupIndex {
    config: DedupConfig,
    normalizer: Normalizer,
    /// Per-permutation (odd multiplier, addend) derived from `config.seed`.
    perm_seeds: Vec<(u64, u64)>,
    docs: Vec<IndexedDoc>,
    /// LSH bucket key -> positions in `docs`, oldest first.
    buckets: HashMap<u64, Vec<u32>>,
    /// Article id -> what we know about it, in insertion order of ids via `order`.
    by_id: HashMap<String, Stored>,
    /// Article ids in insertion order (for snapshots).
    order: Vec<String>,
    stats: DedupStats,
}

#[derive(Serialize, Deserialize)]
struct SnapshotV1 {
    config: DedupConfig,
    docs: Vec<IndexedDoc>,
    order: Vec<(String, Stored)>,
    stats: DedupStats,
}

impl DedupIndex {
    /// An empty index.
    pub fn new(config: DedupConfig) -> DedupResult<DedupIndex> {
        config.validate()?;
        let perm_seeds = permutation_seeds(config.seed, config.num_perm);
        Ok(DedupIndex {
            config,
            normalizer: Normalizer::for_matching(),
            perm_seeds,
            docs: Vec::new(),
            buckets: HashMap::new(),
            by_id: HashMap::new(),
            order: Vec::new(),
            stats: DedupStats::default(),
        })
    }

    /// The configuration in force.
    pub fn config(&self) -> &DedupConfig {
        &self.config
    }

    /// Counts so far.
    pub fn stats(&self) -> DedupStats {
        self.stats
    }

    /// Number of distinct article ids seen.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// True when nothing was inserted.
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// Computes the fingerprint of a text (normalize, shingle, MinHash).
    pub fn fingerprint(&self, text: &str) -> Fingerprint {
        let shingles = shingle_hashes(&self.normalizer, text, self.config.shingle_words);
        let mut signature = vec![u32::MAX; self.config.num_perm];
        // Permutation i maps a (well-mixed, xxh3) shingle hash h to the top 32 bits of a_i * h + b_i: one multiply
        // per slot (multiply-add-shift hashing, Dietzfelbinger).
        for &h in &shingles {
            for (slot, &(a, b)) in signature.iter_mut().zip(&self.perm_seeds) {
                let v = (a.wrapping_mul(h).wrapping_add(b) >> 32) as u32;
                *slot = (*slot).min(v);
            }
        }
        Fingerprint {
            signature,
            shingles: u32::try_from(shingles.len()).unwrap_or(u32::MAX),
        }
    }

    /// Looks a fingerprint up without adding it: the best verified original it duplicates, if any.
    pub fn find_fingerprint(&self, fp: &Fingerprint) -> Option<DuplicateOf> {
        let mut verifications = 0;
        self.best_match(fp, &mut verifications)
    }

    /// The LSH band keys of a fingerprint (a shared store indexes these to find candidates).
    pub fn band_keys_of(&self, fp: &Fingerprint) -> Vec<u64> {
        self.band_keys(&fp.signature)
    }

    /// Looks a text up without adding it: the best verified original it duplicates, if any.
    pub fn find(&self, text: &str) -> Option<DuplicateOf> {
        let fp = self.fingerprint(text);
        let mut verifications = 0;
        self.best_match(&fp, &mut verifications)
    }

    /// Adds an article. Returns the original it near-copies, or `None` when it is new (it is then indexed).
    /// Inserting an id again returns the first answer and changes nothing.
    pub fn insert(&mut self, article_id: &str, text: &str) -> Option<DuplicateOf> {
        if self.by_id.contains_key(article_id) {
            self.stats.repeated_ids += 1;
            return self.answer_for(article_id);
        }
        let fp = self.fingerprint(text);
        self.insert_fingerprint(article_id, fp)
    }

    /// Adds an article whose fingerprint was computed with [`DedupIndex::fingerprint`] of this index.
    pub fn insert_fingerprint(&mut self, article_id: &str, fp: Fingerprint) -> Option<DuplicateOf> {
        if self.by_id.contains_key(article_id) {
            self.stats.repeated_ids += 1;
            return self.answer_for(article_id);
        }
        if fp.shingles == 0 || fp.signature.len() != self.config.num_perm {
            self.stats.empty += 1;
            self.remember(article_id, Stored::Empty);
            return None;
        }
        let mut verifications = 0u64;
        let found = self.best_match_position(&fp, &mut verifications);
        self.stats.verifications += verifications;
        let position = u32::try_from(self.docs.len()).unwrap_or(u32::MAX);
        let (root, stored) = match found {
            Some((original, jaccard, containment)) => {
                self.stats.duplicates += 1;
                let stored = Stored::Duplicate {
                    original,
                    jaccard,
                    containment,
                };
                (original, stored)
            }
            None => {
                self.stats.originals += 1;
                (position, Stored::Original(position))
            }
        };
        self.index_signature(&fp.signature, position);
        self.docs.push(IndexedDoc {
            id: article_id.to_string(),
            signature: fp.signature,
            shingles: fp.shingles,
            root,
        });
        self.remember(article_id, stored);
        self.answer_for(article_id)
    }

    /// What the index answered for a known id (`None` for originals, empty texts and unknown ids).
    pub fn duplicate_of(&self, article_id: &str) -> Option<DuplicateOf> {
        self.answer_for(article_id)
    }

    /// Writes the index state (versioned binary; LSH buckets are not written, they are rebuilt on restore).
    pub fn snapshot(&self, mut w: impl Write) -> DedupResult<()> {
        let snapshot = SnapshotV1 {
            config: self.config.clone(),
            docs: self.docs.clone(),
            order: self
                .order
                .iter()
                .filter_map(|id| self.by_id.get(id).map(|s| (id.clone(), s.clone())))
                .collect(),
            stats: self.stats,
        };
        // The header, then the body serialized straight into `w`: no in-memory copy of a snapshot that grows with
        // the corpus (same bytes as `write_framed` with the body).
        khabar_model::snapshot::write_framed(&mut w, SNAPSHOT_MAGIC, SNAPSHOT_VERSION, &[])?;
        postcard::to_io(&snapshot, &mut w).map_err(|e| DedupError::CorruptSnapshot(e.to_string()))?;
        w.flush()?;
        Ok(())
    }

    /// Reads an index written by [`DedupIndex::snapshot`].
    pub fn restore(mut r: impl Read) -> DedupResult<DedupIndex> {
        let bytes = khabar_model::snapshot::read_framed(&mut r, SNAPSHOT_MAGIC, SNAPSHOT_VERSION, "dedup")
            .map_err(|e| match e {
                khabar_model::snapshot::FrameError::Unsupported(why) => DedupError::UnsupportedSnapshot(why),
                khabar_model::snapshot::FrameError::Io(e) => DedupError::Io(e),
            })?;
        let snapshot: SnapshotV1 =
            postcard::from_bytes(&bytes).map_err(|e| DedupError::CorruptSnapshot(e.to_string()))?;
        let mut index = DedupIndex::new(snapshot.config)?;
        let n_docs = snapshot.docs.len();
        for (position, doc) in snapshot.docs.iter().enumerate() {
            if doc.signature.len() != index.config.num_perm {
                return Err(DedupError::CorruptSnapshot(format!(
                    "signature of `{}` has {} values, expected {}",
                    doc.id,
                    doc.signature.len(),
                    index.config.num_perm
                )));
            }
            if doc.root as usize >= n_docs {
                return Err(DedupError::CorruptSnapshot(format!(
                    "`{}` has no original",
                    doc.id
                )));
            }
            let position =
                u32::try_from(position).map_err(|_| DedupError::CorruptSnapshot("too many texts".into()))?;
            index.index_signature(&doc.signature, position);
        }
        index.docs = snapshot.docs;
        for (id, stored) in snapshot.order {
            let position = match &stored {
                Stored::Original(p) => Some(*p),
                Stored::Duplicate { original, .. } => Some(*original),
                Stored::Empty => None,
            };
            if let Some(p) = position {
                if p as usize >= n_docs {
                    return Err(DedupError::CorruptSnapshot(format!(
                        "`{id}` points at text {p} of {n_docs}"
                    )));
                }
            }
            index.remember(&id, stored);
        }
        index.stats = snapshot.stats;
        Ok(index)
    }

    fn remember(&mut self, article_id: &str, stored: Stored) {
        if self.by_id.insert(article_id.to_string(), stored).is_none() {
            self.order.push(article_id.to_string());
        }
    }

    fn answer_for(&self, article_id: &str) -> Option<DuplicateOf> {
        match self.by_id.get(article_id)? {
            Stored::Duplicate {
                original,
                jaccard,
                containment,
            } => self.docs.get(*original as usize).map(|doc| DuplicateOf {
                id: doc.id.clone(),
                jaccard_estimate: *jaccard,
                containment_estimate: *containment,
            }),
            Stored::Original(_) | Stored::Empty => None,
        }
    }

    fn rows(&self) -> usize {
        self.config.num_perm / self.config.bands
    }

    fn band_keys(&self, signature: &[u32]) -> Vec<u64> {
        let rows = self.rows();
        let mut keys = Vec::with_capacity(self.config.bands);
        let mut buf = Vec::with_capacity(4 + rows * 4);
        for (band, chunk) in signature.chunks(rows).enumerate() {
            buf.clear();
            buf.extend_from_slice(&(band as u32).to_le_bytes());
            for v in chunk {
                buf.extend_from_slice(&v.to_le_bytes());
            }
            keys.push(xxh3_64(&buf));
        }
        keys
    }

    fn index_signature(&mut self, signature: &[u32], position: u32) {
        for key in self.band_keys(signature) {
            self.buckets.entry(key).or_default().push(position);
        }
    }

    fn best_match(&self, fp: &Fingerprint, verifications: &mut u64) -> Option<DuplicateOf> {
        let (position, jaccard, containment) = self.best_match_position(fp, verifications)?;
        self.docs.get(position as usize).map(|doc| DuplicateOf {
            id: doc.id.clone(),
            jaccard_estimate: jaccard,
            containment_estimate: containment,
        })
    }

    /// Best verified candidate: (position of its family's original, jaccard, containment).
    fn best_match_position(&self, fp: &Fingerprint, verifications: &mut u64) -> Option<(u32, f32, f32)> {
        if fp.shingles == 0 || fp.signature.len() != self.config.num_perm {
            return None;
        }
        let mut candidates: Vec<u32> = Vec::new();
        for key in self.band_keys(&fp.signature) {
            if let Some(bucket) = self.buckets.get(&key) {
                let skip = bucket.len().saturating_sub(self.config.max_bucket_checks);
                candidates.extend_from_slice(&bucket[skip..]);
            }
        }
        candidates.sort_unstable();
        candidates.dedup();
        let mut best: Option<(u32, f32, f32)> = None;
        for position in candidates {
            let Some(doc) = self.docs.get(position as usize) else {
                continue;
            };
            *verifications += 1;
            let jaccard = estimate_jaccard(&fp.signature, &doc.signature);
            let containment = estimate_containment(jaccard, fp.shingles, doc.shingles);
            let is_duplicate = jaccard >= self.config.jaccard_threshold
                || (jaccard >= self.config.containment_min_jaccard
                    && containment >= self.config.containment_threshold);
            if !is_duplicate {
                continue;
            }
            // Highest Jaccard wins; ties keep the earliest original (candidates are in position order).
            if best.is_none_or(|(_, j, _)| jaccard > j) {
                best = Some((doc.root, jaccard, containment));
            }
        }
        best
    }
}

/// Distinct shingle hashes of a text (sorted). Texts shorter than one shingle give one shingle of all their words.
fn shingle_hashes(normalizer: &Normalizer, text: &str, shingle_words: usize) -> Vec<u64> {
    let normalized = normalizer.normalize(text);
    let word_hashes: Vec<u64> = khabar_normalize::words(&normalized)
        .iter()
        .map(|w| xxh3_64(w.text.as_bytes()))
        .collect();
    if word_hashes.is_empty() {
        return Vec::new();
    }
    let width = shingle_words.min(word_hashes.len()).max(1);
    let mut buf = Vec::with_capacity(width * 8);
    let mut out: Vec<u64> = word_hashes
        .windows(width)
        .map(|window| {
            buf.clear();
            for h in window {
                buf.extend_from_slice(&h.to_le_bytes());
            }
            xxh3_64(&buf)
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// splitmix64 finalizer: a fast, well-mixed 64-bit permutation.
fn mix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn permutation_seeds(seed: u64, n: usize) -> Vec<(u64, u64)> {
    let mut state = seed;
    let mut next = || {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        mix64(state)
    };
    (0..n).map(|_| (next() | 1, next())).collect()
}

fn estimate_jaccard(a: &[u32], b: &[u32]) -> f32 {
    if a.is_empty() || a.len() != b.len() {
        return 0.0;
    }
    let equal = a.iter().zip(b).filter(|(x, y)| x == y).count();
    equal as f32 / a.len() as f32
}

/// |A∩B| / min(|A|,|B|) from a Jaccard estimate and the set sizes: |A∩B| = J(|A|+|B|)/(1+J).
fn estimate_containment(jaccard: f32, a: u32, b: u32) -> f32 {
    let smaller = a.min(b);
    if smaller == 0 {
        return 0.0;
    }
    let intersection = jaccard * (a as f32 + b as f32) / (1.0 + jaccard);
    (intersection / smaller as f32).min(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    const WIRE: &str = "The US-backed Syrian Democratic Forces said on Sunday they had captured several positions inside \
        Baghuz, the last enclave held by Islamic State fighters in eastern Syria, after a night of heavy coalition \
        air strikes. Mustafa Bali, head of the SDF media office, said an ammunition depot had been blown up and that \
        fighting was continuing around the camp on the banks of the Euphrates. Thousands of men, women and children \
        have left the enclave in recent weeks, many of them wives and children of fighters, and were taken to camps \
        in the north-east of the country. The SDF had slowed its advance for days to let civilians leave.";

    #[test]
    fn shingles_ignore_arabic_spelling_variants_and_digits() {
        let n = Normalizer::for_matching();
        let a = shingle_hashes(&n, "قالت الْقُوَّات إنها سيطرت على ٥٠ موقعاً في الباغوز", 3);
        let b = shingle_hashes(&n, "قالت القوات إنها سيطرت على 50 موقعاً في الباغـــوز", 3);
        assert!(!a.is_empty());
        assert_eq!(a, b);
    }

    #[test]
    fn short_text_is_one_shingle_and_empty_text_none() {
        let n = Normalizer::for_matching();
        assert_eq!(shingle_hashes(&n, "Baghuz falls", 5).len(), 1);
        assert!(shingle_hashes(&n, " ... — !!", 5).is_empty());
    }

    #[test]
    fn identical_text_is_jaccard_one_and_reinsert_is_idempotent() {
        let mut index = DedupIndex::new(DedupConfig::default()).unwrap();
        assert_eq!(index.insert("a", WIRE), None);
        let dup = index.insert("b", WIRE).unwrap();
        assert_eq!(dup.id, "a");
        assert_eq!(dup.jaccard_estimate, 1.0);
        // Same ids again: same answers, nothing new counted.
        assert_eq!(index.insert("a", "totally different text now"), None);
        assert_eq!(index.insert("b", WIRE).unwrap().id, "a");
        assert_eq!(index.stats().originals, 1);
        assert_eq!(index.stats().duplicates, 1);
        assert_eq!(index.stats().repeated_ids, 2);
        assert_eq!(index.len(), 2);
    }

    #[test]
    fn index_can_move_to_a_pipeline_task() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<DedupIndex>();
        assert_send_sync::<Fingerprint>();
    }

    #[test]
    fn empty_text_is_never_a_duplicate() {
        let mut index = DedupIndex::new(DedupConfig::default()).unwrap();
        assert_eq!(index.insert("a", ""), None);
        assert_eq!(index.insert("b", "   "), None);
        assert_eq!(index.stats().empty, 2);
    }

    #[test]
    fn estimates_follow_the_definitions() {
        assert_eq!(estimate_jaccard(&[1, 2, 3, 4], &[1, 2, 0, 0]), 0.5);
        assert_eq!(estimate_jaccard(&[], &[]), 0.0);
        // A ⊂ B with |A| = 50, |B| = 100: J = 0.5, containment 1.
        let c = estimate_containment(0.5, 50, 100);
        assert!((c - 1.0).abs() < 1e-6);
        assert_eq!(estimate_containment(0.5, 0, 100), 0.0);
    }

    #[test]
    fn minhash_estimates_a_known_jaccard() {
        let index = DedupIndex::new(DedupConfig::default()).unwrap();
        let text = |from: usize, to: usize| (from..to).map(|i| format!("w{i}")).collect::<Vec<_>>().join(" ");
        // 5-word shingles: 996 each, 796 shared, true Jaccard 796 / 1196 = 0.666.
        let a = index.fingerprint(&text(0, 1000));
        let b = index.fingerprint(&text(200, 1200));
        assert_eq!((a.shingle_count(), b.shingle_count()), (996, 996));
        let j = a.jaccard(&b);
        assert!((j - 0.666).abs() < 0.1, "estimate {j}");
        let unrelated = index.fingerprint(&text(5000, 6000));
        assert!(a.jaccard(&unrelated) < 0.05);
    }

    #[test]
    fn invalid_configs_are_refused() {
        let mut c = DedupConfig {
            bands: 30,
            ..DedupConfig::default()
        };
        assert!(DedupIndex::new(c.clone()).is_err());
        c.bands = 32;
        c.jaccard_threshold = 1.5;
        assert!(DedupIndex::new(c.clone()).is_err());
        c.jaccard_threshold = 0.8;
        c.shingle_words = 0;
        assert!(DedupIndex::new(c).is_err());
    }

    #[test]
    fn restore_refuses_garbage_without_panicking() {
        assert!(DedupIndex::restore(&b""[..]).is_err());
        assert!(DedupIndex::restore(&b"KHDEDUP\0\x01\0\0\0garbage"[..]).is_err());
        assert!(DedupIndex::restore(&b"KHDEDUP\0\x09\0\0\0"[..]).is_err());
        assert!(DedupIndex::restore(&b"something else entirely"[..]).is_err());
    }

    #[test]
    fn fingerprints_survive_bytes_and_find_the_same_original() {
        let index = DedupIndex::new(DedupConfig::default()).unwrap();
        let text = "Syrian Democratic Forces said on Sunday they had captured the last pocket of Islamic State fighters in the village of Baghouz after weeks of fighting, and thousands of civilians were evacuated.";
        let fp = index.fingerprint(text);
        let back = Fingerprint::from_bytes(&fp.to_bytes()).unwrap();
        assert_eq!(back, fp);
        assert!(Fingerprint::from_bytes(&[1, 2, 3]).is_none());
        let mut shared = DedupIndex::new(DedupConfig::default()).unwrap();
        shared.insert_fingerprint("orig", back);
        let copy = format!("{text} (Reuters)");
        let found = shared.find_fingerprint(&index.fingerprint(&copy)).unwrap();
        assert_eq!(found.id, "orig");
        assert_eq!(index.band_keys_of(&fp).len(), DedupConfig::default().bands);
    }
}
