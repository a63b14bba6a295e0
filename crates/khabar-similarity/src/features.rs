//! Per-document features and the pairwise feature vector the model combines.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use khabar_encoder::Encoder;
use khabar_model::EventFamily;
use khabar_normalize::{is_arabic, sentences, strip_prefixes, words, Normalizer};
use serde::{Deserialize, Serialize};

use crate::corpus::CorpusStats;

/// Sentences of a body that get their own chunk embedding (the lead matters most in news).
pub const MAX_CHUNKS: usize = 24;
/// Pieces of title + body read for [`DocFeatures::head_embedding`].
pub const HEAD_TOKENS: usize = 64;
/// Pieces of title + body read for [`DocFeatures::full_embedding`].
pub const FULL_TOKENS: usize = 512;
/// Chunks counted as the lead in the `lead_align` feature.
const LEAD_CHUNKS: usize = 4;
/// Content words (headline first) that make up [`DocFeatures::lead_keys`].
pub const LEAD_WORDS: usize = 40;
/// Chunks shorter than this many chars are merged with the next sentence.
const MIN_CHUNK_CHARS: usize = 40;
/// A document with fewer content words than this (but some) counts as low-content: a failed crawl, a site
/// template, a stub. Chosen by grouped cross-validation on SemEval-2022 Task 8 (30..100 tried).
pub const LOW_CONTENT_WORDS: usize = 60;

/// What the similarity model knows about one document. Filled by [`features_from_text`] from raw text, or by the
/// pipeline from earlier stages (entities, events); any field may be empty.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DocFeatures {
    /// L2-normalised USE-m embedding of the document lead ([`Encoder::embed_document`]).
    pub embedding: Vec<f32>,
    /// ISO 639-1 language (`und` when unknown).
    pub lang: String,
    /// Publication date.
    pub published: Option<NaiveDate>,
    /// Knowledge-base ids of places, actors and persons mentioned.
    pub kb_ids: BTreeSet<String>,
    /// Knowledge-base ids of places only.
    pub place_ids: BTreeSet<String>,
    /// Event families found.
    pub families: BTreeSet<EventFamily>,
    /// Resolved event dates.
    pub event_dates: Vec<NaiveDate>,
    /// Numbers written in the text (digits, any script), 2 and up.
    pub numbers: BTreeSet<u64>,
    /// Embedding of the headline alone.
    pub title_embedding: Option<Vec<f32>>,
    /// Embedding of title and body up to [`HEAD_TOKENS`] pieces: the headline and first sentence (empty when
    /// not computed).
    #[serde(default)]
    pub head_embedding: Vec<f32>,
    /// Embedding of title and body up to [`FULL_TOKENS`] pieces (empty when not computed).
    #[serde(default)]
    pub full_embedding: Vec<f32>,
    /// Embeddings of the first [`MAX_CHUNKS`] sentence chunks of the body.
    #[serde(default)]
    pub chunk_embeddings: Vec<Vec<f32>>,
    /// Script-independent keys of names (capitalised Latin words, Arabic words), see [`name_key`].
    #[serde(default)]
    pub name_keys: BTreeSet<String>,
    /// Normalized, stemmed content words (same-language lexical overlap).
    #[serde(default)]
    pub word_keys: BTreeSet<String>,
    /// Normalized, stemmed content words of the headline alone (title-vs-text coverage).
    #[serde(default)]
    pub title_keys: BTreeSet<String>,
    /// Content words (3+ letters, not numbers) counted with repeats; 0 when not computed.
    #[serde(default)]
    pub content_words: usize,
    /// Sorted hashes of the text's normalized word 4-grams ([`shingles`]), matched against a model's boilerplate
    /// lexicon; empty when not computed.
    // No `skip_serializing_if` in this struct: clusterer snapshots use postcard, which is not self-describing and
    // cannot read a record whose fields were skipped.
    #[serde(default)]
    pub shingles: Vec<u64>,
    /// Normalized, stemmed content words of the headline and the first [`LEAD_WORDS`] content words (lead
    /// lexical overlap); empty when not computed.
    #[serde(default)]
    pub lead_keys: BTreeSet<String>,
    /// L2-normalised multilingual-e5-small embedding of the lead ([`Encoder::embed_e5_documents`]); empty when
    /// not computed (the pipeline's fast path, or no e5 model installed). Never serialized: only the full-text
    /// path computes it, and skipping it keeps the clusterer snapshots' layout as it was.
    #[serde(skip)]
    pub e5_embedding: Vec<f32>,
    /// L2-normalised multilingual-e5-small embedding of the headline and body up to
    /// [`khabar_encoder::E5_LEAD_PIECES`] pieces: the pipeline's opt-in e5 clustering (`khabar run --e5`), scored by
    /// [`crate::SimilarityModel::lead_e5`]; empty when not computed. Never serialized (like [`Self::e5_embedding`]):
    /// a restored clusterer scores its old candidates lead-only.
    #[serde(skip)]
    pub e5_lead: Vec<f32>,
}

impl DocFeatures {
    /// Whether the full-text features are incomplete, so the pair is scored as on the pipeline's fast path: no
    /// chunk, head or full-text embeddings, or no multilingual-e5-small embedding.
    pub fn is_lead_only(&self) -> bool {
        self.e5_embedding.is_empty()
            || (self.chunk_embeddings.is_empty()
                && self.full_embedding.is_empty()
                && self.head_embedding.is_empty())
    }

    /// Whether any title, chunk, head, full-text or full e5 embedding is known ([`Self::lead_with_e5`] would remove
    /// something).
    pub fn has_full_embeddings(&self) -> bool {
        self.title_embedding.is_some()
            || !self.chunk_embeddings.is_empty()
            || !self.full_embedding.is_empty()
            || !self.head_embedding.is_empty()
            || !self.e5_embedding.is_empty()
    }

    /// Fills the text-only key sets ([`Self::name_keys`], [`Self::word_keys`], [`Self::title_keys`],
    /// [`Self::content_words`]) from a document's headline and body: no embeddings, cheap enough for the
    /// pipeline's fast path.
    pub fn add_text_keys(&mut self, title: Option<&str>, text: &str) {
        let full = match title {
            Some(t) => format!("{t}\n{text}"),
            None => text.to_string(),
        };
        let keys = text_keys_counted(&full);
        self.name_keys = keys.names;
        self.word_keys = keys.content;
        self.lead_keys = keys.lead;
        self.content_words = keys.count;
        self.title_keys = title.map(|t| text_keys(t).1).unwrap_or_default();
        self.shingles = shingles(&full);
    }

    /// A copy without title, full-text, chunk and e5 embeddings: what the fast path knows.
    pub fn lead_only(&self) -> DocFeatures {
        DocFeatures {
            e5_lead: Vec::new(),
            ..self.lead_with_e5()
        }
    }

    /// [`Self::lead_only`] keeping the e5 lead embedding ([`Self::e5_lead`]): what the pipeline knows with e5 on.
    pub fn lead_with_e5(&self) -> DocFeatures {
        DocFeatures {
            title_embedding: None,
            head_embedding: Vec::new(),
            full_embedding: Vec::new(),
            chunk_embeddings: Vec::new(),
            e5_embedding: Vec::new(),
            ..self.clone()
        }
    }
}

/// Names of the features in [`pair_features`], in order.
pub const FEATURE_NAMES: [&str; 24] = [
    "cos_lead",
    "cos_head",
    "cos_full",
    "cos_centroid",
    "lead_align",
    "cos_title",
    "cos_title_lead",
    "chunk_align",
    "chunk_max",
    "numbers_jaccard",
    "numbers_shared_log",
    "names_jaccard",
    "names_shared_log",
    "words_jaccard",
    "kb_jaccard",
    "families_jaccard",
    "same_lang",
    "title_coverage",
    "low_content",
    "tfidf_words",
    "tfidf_title",
    "tfidf_lead",
    "tfidf_names",
    "cos_e5",
];

/// A document whose share of boilerplate shingles ([`boilerplate_share`]) reaches this is mostly site template:
/// its text says nothing about its story, so a pair with it gets the model's base rate
/// ([`crate::SimilarityModel::prior`]).
pub const BOILERPLATE_UNKNOWN: f32 = 0.5;
/// Words per shingle.
const SHINGLE_WORDS: usize = 4;

/// FNV-1a, 64 bit: a hash that is stable across builds and platforms (the lexicon ships as numbers).
fn fnv1a(parts: &[String]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (k, part) in parts.iter().enumerate() {
        if k > 0 {
            h ^= u64::from(b' ');
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        for b in part.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

/// Sorted, deduplicated hashes of the word 4-grams of `text` (words normalized for matching).
pub fn shingles(text: &str) -> Vec<u64> {
    let normalizer = Normalizer::for_matching();
    let ws: Vec<String> = words(text)
        .into_iter()
        .map(|w| normalizer.normalize(w.text))
        .filter(|w| !w.is_empty())
        .collect();
    let mut out: Vec<u64> = ws.windows(SHINGLE_WORDS).map(fnv1a).collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Share of a document's shingles found in `lexicon` (sorted hashes of word 4-grams that recur across many
/// unrelated documents: site templates, subscription and cookie notices). 0 when the document has no shingles.
pub fn boilerplate_share(doc: &DocFeatures, lexicon: &[u64]) -> f32 {
    if doc.shingles.is_empty() || lexicon.is_empty() {
        return 0.0;
    }
    let hits = doc
        .shingles
        .iter()
        .filter(|h| lexicon.binary_search(h).is_ok())
        .count();
    hits as f32 / doc.shingles.len() as f32
}

/// Number of pairwise features.
pub const N_FEATURES: usize = FEATURE_NAMES.len();

/// Cosine of two vectors (0 when either is empty or zero, or lengths differ).
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    if a.len() != b.len() || a.is_empty() {
        return 0.0;
    }
    cosine_of(a.iter().copied().zip(b.iter().copied()))
}

/// Cosine of two vectors given as their coordinate pairs (0 when either is all zeros).
pub(crate) fn cosine_of(pairs: impl Iterator<Item = (f32, f32)>) -> f32 {
    let (mut dot, mut na, mut nb) = (0.0f32, 0.0f32, 0.0f32);
    for (x, y) in pairs {
        dot += x * y;
        na += x * x;
        nb += y * y;
    }
    if na <= 0.0 || nb <= 0.0 {
        return 0.0;
    }
    dot / (na.sqrt() * nb.sqrt())
}

fn jaccard<T: Ord>(a: &BTreeSet<T>, b: &BTreeSet<T>) -> f32 {
    let inter = a.intersection(b).count();
    let union = a.len() + b.len() - inter;
    if union == 0 {
        0.0
    } else {
        inter as f32 / union as f32
    }
}

fn shared_log<T: Ord>(a: &BTreeSet<T>, b: &BTreeSet<T>) -> f32 {
    (1.0 + a.intersection(b).count() as f32).ln()
}

/// Share of the headline words of `a` found anywhere in `b`, averaged both ways (a missing headline counts 0).
fn title_coverage(a: &DocFeatures, b: &DocFeatures) -> f32 {
    let cover = |t: &BTreeSet<String>, w: &BTreeSet<String>| {
        if t.is_empty() {
            0.0
        } else {
            t.intersection(w).count() as f32 / t.len() as f32
        }
    };
    0.5 * (cover(&a.title_keys, &b.word_keys) + cover(&b.title_keys, &a.word_keys))
}

/// 1 when either document has some but fewer than [`LOW_CONTENT_WORDS`] content words (unknown counts are 0
/// and never fire).
fn low_content(a: &DocFeatures, b: &DocFeatures) -> f32 {
    let low = |n: usize| n > 0 && n < LOW_CONTENT_WORDS;
    if low(a.content_words) || low(b.content_words) {
        1.0
    } else {
        0.0
    }
}

/// Mean over chunks of `a` of their best cosine in `b`, averaged both ways; and the best chunk pair overall.
fn chunk_alignment(a: &[Vec<f32>], b: &[Vec<f32>]) -> Option<(f32, f32)> {
    if a.is_empty() || b.is_empty() {
        return None;
    }
    let sims: Vec<Vec<f32>> = a
        .iter()
        .map(|x| b.iter().map(|y| cosine(x, y)).collect())
        .collect();
    let mut best_overall = f32::MIN;
    let mut a_to_b = 0.0;
    for row in &sims {
        let best = row.iter().copied().fold(f32::MIN, f32::max);
        best_overall = best_overall.max(best);
        a_to_b += best;
    }
    let mut b_to_a = 0.0;
    for j in 0..b.len() {
        b_to_a += sims
            .iter()
            .filter_map(|row| row.get(j).copied())
            .fold(f32::MIN, f32::max);
    }
    let align = 0.5 * (a_to_b / a.len() as f32 + b_to_a / b.len() as f32);
    Some((align, best_overall))
}

/// Mean of chunk embeddings (None when there are none).
fn centroid(chunks: &[Vec<f32>]) -> Option<Vec<f32>> {
    let first = chunks.first()?;
    let dim = first.len();
    let mut sum = vec![0.0f32; dim];
    for c in chunks.iter().filter(|c| c.len() == dim) {
        for (s, v) in sum.iter_mut().zip(c) {
            *s += v;
        }
    }
    Some(sum)
}

/// The pairwise feature vector ([`FEATURE_NAMES`]); symmetric in `a` and `b`. Missing inputs fall back to the
/// lead cosine (embeddings) or 0 (sets). `corpus` weighs the lexical cosines (an empty IDF table weighs all keys
/// alike) and centres the e5 cosine on each document's language mean (none known: the plain cosine).
pub fn pair_features(a: &DocFeatures, b: &DocFeatures, corpus: &CorpusStats) -> [f32; N_FEATURES] {
    let idf = &corpus.idf;
    let cos_lead = cosine(&a.embedding, &b.embedding);
    let cos_title = match (&a.title_embedding, &b.title_embedding) {
        (Some(x), Some(y)) => cosine(x, y),
        _ => cos_lead,
    };
    let title_lead = |t: &Option<Vec<f32>>, lead: &[f32]| t.as_ref().map(|t| cosine(t, lead));
    let cos_title_lead = match (
        title_lead(&a.title_embedding, &b.embedding),
        title_lead(&b.title_embedding, &a.embedding),
    ) {
        (Some(x), Some(y)) => 0.5 * (x + y),
        (Some(x), None) | (None, Some(x)) => x,
        (None, None) => cos_lead,
    };
    let (chunk_align, chunk_max) =
        chunk_alignment(&a.chunk_embeddings, &b.chunk_embeddings).unwrap_or((cos_lead, cos_lead));
    let cos_head = if a.head_embedding.is_empty() || b.head_embedding.is_empty() {
        cos_lead
    } else {
        cosine(&a.head_embedding, &b.head_embedding)
    };
    let cos_full = if a.full_embedding.is_empty() || b.full_embedding.is_empty() {
        cos_lead
    } else {
        cosine(&a.full_embedding, &b.full_embedding)
    };
    let cos_centroid = match (centroid(&a.chunk_embeddings), centroid(&b.chunk_embeddings)) {
        (Some(x), Some(y)) => cosine(&x, &y),
        _ => cos_lead,
    };
    let lead = |c: &[Vec<f32>]| {
        c.get(..LEAD_CHUNKS.min(c.len()))
            .map(<[Vec<f32>]>::to_vec)
            .unwrap_or_default()
    };
    let lead_align =
        chunk_alignment(&lead(&a.chunk_embeddings), &lead(&b.chunk_embeddings)).map_or(cos_lead, |x| x.0);
    let same_lang = a.lang != "und" && a.lang == b.lang;
    let mut kb_a = a.kb_ids.clone();
    kb_a.extend(a.place_ids.iter().cloned());
    let mut kb_b = b.kb_ids.clone();
    kb_b.extend(b.place_ids.iter().cloned());
    [
        cos_lead,
        cos_head,
        cos_full,
        cos_centroid,
        lead_align,
        cos_title,
        cos_title_lead,
        chunk_align,
        chunk_max,
        jaccard(&a.numbers, &b.numbers),
        shared_log(&a.numbers, &b.numbers),
        jaccard(&a.name_keys, &b.name_keys),
        shared_log(&a.name_keys, &b.name_keys),
        jaccard(&a.word_keys, &b.word_keys),
        jaccard(&kb_a, &kb_b),
        jaccard(&a.families, &b.families),
        if same_lang { 1.0 } else { 0.0 },
        title_coverage(a, b),
        low_content(a, b),
        idf.word_cosine(&a.word_keys, &b.word_keys),
        idf.word_cosine(&a.title_keys, &b.title_keys),
        idf.word_cosine(&a.lead_keys, &b.lead_keys),
        idf.name_cosine(&a.name_keys, &b.name_keys),
        cos_e5(a, b, corpus).unwrap_or(cos_lead),
    ]
}

/// The centred e5 cosine ([`crate::LanguageCentres::cosine`]): of the full embeddings ([`DocFeatures::e5_embedding`])
/// when both documents have one, else of the lead embeddings ([`DocFeatures::e5_lead`]) when both have one, each
/// kind on its own language means.
fn cos_e5(a: &DocFeatures, b: &DocFeatures, corpus: &CorpusStats) -> Option<f32> {
    if !a.e5_embedding.is_empty() && !b.e5_embedding.is_empty() {
        Some(
            corpus
                .e5_centres
                .cosine(&a.lang, &a.e5_embedding, &b.lang, &b.e5_embedding),
        )
    } else if !a.e5_lead.is_empty() && !b.e5_lead.is_empty() {
        Some(
            corpus
                .e5_lead_centres
                .cosine(&a.lang, &a.e5_lead, &b.lang, &b.e5_lead),
        )
    } else {
        None
    }
}

/// Splits a text given as "title\nbody" or "title  body" (the scraped layouts of the SemEval data) when the first
/// line or double-space-separated segment looks like a headline (non-empty, at most 250 chars).
pub fn split_title(text: &str) -> (Option<&str>, &str) {
    let trimmed = text.trim_start();
    for sep in ["\n", "  "] {
        if let Some((first, rest)) = trimmed.split_once(sep) {
            if !first.trim().is_empty() && first.chars().count() <= 250 && !rest.trim().is_empty() {
                return (Some(first.trim()), rest);
            }
        }
    }
    (None, trimmed)
}

/// Sentence chunks of a body: sentences, short ones merged forward, at most [`MAX_CHUNKS`].
pub fn chunks(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut pending = String::new();
    for sentence in sentences(text) {
        if !pending.is_empty() {
            pending.push(' ');
        }
        pending.push_str(sentence.text.trim());
        if pending.chars().count() >= MIN_CHUNK_CHARS {
            out.push(std::mem::take(&mut pending));
            if out.len() >= MAX_CHUNKS {
                return out;
            }
        }
    }
    if !pending.trim().is_empty() {
        out.push(pending);
    }
    out
}

/// Numbers written with digits (Arabic-Indic digits too, thousands separators joined), 2 and up.
pub fn numbers(normalized: &str) -> BTreeSet<u64> {
    let mut out = BTreeSet::new();
    let chars: Vec<char> = normalized.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let mut value: u64 = 0;
        let mut overflow = false;
        while i < chars.len() {
            let c = chars[i];
            if let Some(d) = c.to_digit(10).filter(|_| c.is_ascii_digit()) {
                match value.checked_mul(10).and_then(|v| v.checked_add(u64::from(d))) {
                    Some(v) => value = v,
                    None => overflow = true,
                }
                i += 1;
            } else if c == ','
                && chars
                    .get(i + 1..i + 4)
                    .is_some_and(|g| g.iter().all(char::is_ascii_digit))
                && !chars.get(i + 4).is_some_and(char::is_ascii_digit)
            {
                i += 1; // thousands separator
            } else {
                break;
            }
        }
        if !overflow && value >= 2 {
            out.insert(value);
        }
    }
    out
}

/// Arabic letters to Latin consonant classes for cross-script name keys; long vowels and glides drop out.
fn arabic_consonant(c: char) -> Option<&'static str> {
    Some(match c {
        'ب' | 'پ' => "b",
        'ت' | 'ط' | 'ث' => "t",
        'ج' | 'چ' => "j",
        'ح' | 'ه' | 'ة' => "h",
        'خ' | 'ك' | 'ق' | 'گ' => "k",
        'د' | 'ض' | 'ذ' => "d",
        'ر' => "r",
        'ز' | 'ظ' => "z",
        'س' | 'ص' | 'ش' => "s",
        'غ' => "g",
        'ف' => "f",
        'ل' => "l",
        'م' => "m",
        'ن' => "n",
        _ => return None,
    })
}

/// Latin letters to the same consonant classes (vowels, y, w and h-digraph parts drop out).
fn latin_consonants(word: &str) -> String {
    let w = word
        .replace("sh", "s")
        .replace("kh", "k")
        .replace("gh", "g")
        .replace("th", "t")
        .replace("dh", "d");
    let mut out = String::new();
    for c in w.chars() {
        let mapped = match c {
            'b' | 'p' => "b",
            't' => "t",
            'j' => "j",
            'g' => "g",
            'h' => "h",
            'k' | 'q' | 'c' => "k",
            'd' => "d",
            'r' => "r",
            'z' => "z",
            's' | 'x' => "s",
            'f' | 'v' => "f",
            'l' => "l",
            'm' => "m",
            'n' => "n",
            _ => "",
        };
        if !out.ends_with(mapped) {
            out.push_str(mapped);
        }
    }
    out
}

/// A script-independent key for a name: its consonant skeleton ("Baghouz", "Bagouz", "الباغوز" → "bgz").
/// `word` must already be normalized for matching (lowercase, Arabic letter forms unified).
pub fn name_key(word: &str) -> String {
    if word.chars().next().is_some_and(is_arabic) {
        let stem = strip_prefixes(word);
        let mut out = String::new();
        for c in stem.chars() {
            if let Some(m) = arabic_consonant(c) {
                if !out.ends_with(m) {
                    out.push_str(m);
                }
            }
        }
        // a final h is usually teh marbuta / ha, which Latin spellings drop
        if out.len() > 2 && out.ends_with('h') {
            out.pop();
        }
        out
    } else {
        let w = word
            .strip_prefix("al-")
            .or_else(|| word.strip_prefix("el-"))
            .unwrap_or(word);
        let mut key = latin_consonants(w);
        if key.len() > 2 && key.ends_with('h') {
            key.pop();
        }
        key
    }
}

/// Name keys and content-word keys of a text: (capitalised Latin words and Arabic words as [`name_key`]s,
/// normalized words of 3+ letters with Arabic light stemming).
pub fn text_keys(text: &str) -> (BTreeSet<String>, BTreeSet<String>) {
    let keys = text_keys_counted(text);
    (keys.names, keys.content)
}

/// What [`text_keys_counted`] reads from a text.
struct TextKeys {
    names: BTreeSet<String>,
    content: BTreeSet<String>,
    /// Content keys of the first [`LEAD_WORDS`] content words.
    lead: BTreeSet<String>,
    /// Content words counted with repeats.
    count: usize,
}

/// [`text_keys`] plus the lead's content keys and the number of content words counted with repeats.
fn text_keys_counted(text: &str) -> TextKeys {
    let normalizer = Normalizer::for_matching();
    let mut names = BTreeSet::new();
    let mut content = BTreeSet::new();
    let mut lead = BTreeSet::new();
    let mut count = 0usize;
    for word in words(text) {
        let first = word.text.chars().next().unwrap_or(' ');
        let norm = normalizer.normalize(word.text);
        if norm.chars().count() < 3 || norm.chars().all(|c| c.is_ascii_digit()) {
            continue;
        }
        count += 1;
        let arabic = is_arabic(first);
        let key = if arabic {
            khabar_normalize::light_stem(&norm)
        } else {
            norm.clone()
        };
        if count <= LEAD_WORDS {
            lead.insert(key.clone());
        }
        content.insert(key);
        if arabic || first.is_uppercase() {
            let key = name_key(&norm);
            if key.len() >= 3 {
                names.insert(key);
            }
        }
    }
    TextKeys {
        names,
        content,
        lead,
        count,
    }
}

/// Text-only features, for when no earlier stage ran: embeddings (lead, title, chunks), numbers, name keys.
pub fn features_from_text(encoder: &Encoder, title: Option<&str>, text: &str, lang: &str) -> DocFeatures {
    features_from_texts(encoder, &[(title, text, lang)])
        .pop()
        .unwrap_or_default()
}

/// [`features_from_text`] for many documents, with all their embeddings in one batch.
pub fn features_from_texts(encoder: &Encoder, docs: &[(Option<&str>, &str, &str)]) -> Vec<DocFeatures> {
    let leads: Vec<(Option<&str>, &str)> = docs.iter().map(|(t, x, _)| (*t, *x)).collect();
    let lead_embs = encoder.embed_documents(&leads);
    let full_ids: Vec<Vec<u32>> = leads
        .iter()
        .map(|(t, x)| encoder.tokenize(&khabar_encoder::document_lead(*t, x, FULL_TOKENS), FULL_TOKENS))
        .collect();
    let full_embs = encoder.embed_ids(&full_ids);
    let head_embs = encoder.embed_documents_with(&leads, HEAD_TOKENS);
    let e5_embs = encoder.embed_e5_documents(&leads).unwrap_or_default();
    let mut pieces: Vec<String> = Vec::new();
    let mut spans: Vec<(usize, usize, Option<usize>)> = Vec::new();
    for (title, text, _) in docs {
        let start = pieces.len();
        let title_idx = title.map(str::trim).filter(|t| !t.is_empty()).map(|t| {
            pieces.push(t.to_string());
            pieces.len() - 1
        });
        let chunk_start = pieces.len();
        pieces.extend(chunks(text));
        spans.push((chunk_start, pieces.len(), title_idx));
        debug_assert!(start <= chunk_start);
    }
    let refs: Vec<&str> = pieces.iter().map(String::as_str).collect();
    let embs = encoder.embed_batch(&refs);
    let mut out = Vec::with_capacity(docs.len());
    for (k, (title, text, lang)) in docs.iter().enumerate() {
        let (chunk_start, chunk_end, title_idx) = spans[k];
        let mut doc = text_only_features(*title, text, lang);
        doc.embedding = lead_embs.get(k).cloned().unwrap_or_default();
        doc.full_embedding = full_embs.get(k).cloned().unwrap_or_default();
        doc.head_embedding = head_embs.get(k).cloned().unwrap_or_default();
        doc.e5_embedding = e5_embs.get(k).cloned().unwrap_or_default();
        doc.title_embedding = title_idx.and_then(|i| embs.get(i).cloned());
        doc.chunk_embeddings = embs
            .get(chunk_start..chunk_end)
            .map(<[Vec<f32>]>::to_vec)
            .unwrap_or_default();
        out.push(doc);
    }
    out
}

/// The features of [`features_from_text`] that need no encoder: language, numbers (headline and body), name,
/// word, headline and lead keys, content-word count and shingles.
pub fn text_only_features(title: Option<&str>, text: &str, lang: &str) -> DocFeatures {
    let full = match title {
        Some(t) => format!("{t}\n{text}"),
        None => text.to_string(),
    };
    let mut doc = DocFeatures {
        lang: if lang.is_empty() {
            "und".to_string()
        } else {
            lang.to_string()
        },
        numbers: numbers(&Normalizer::for_matching().normalize(&full)),
        ..DocFeatures::default()
    };
    doc.add_text_keys(title, text);
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn e5_embedding_is_never_serialized() {
        // clusterer snapshots (postcard) keep the layout they had before the e5 feature
        let doc = DocFeatures {
            embedding: vec![0.6, 0.8],
            e5_embedding: vec![1.0, 0.0],
            ..Default::default()
        };
        let json = serde_json::to_string(&doc).unwrap();
        assert!(!json.contains("e5"), "{json}");
        let back: DocFeatures = serde_json::from_str(&json).unwrap();
        assert!(back.e5_embedding.is_empty());
        assert_eq!(back.embedding, doc.embedding);
    }

    #[test]
    fn name_keys_match_across_scripts_and_spellings() {
        let n = Normalizer::for_matching();
        let k = |w: &str| name_key(&n.normalize(w));
        assert_eq!(k("Baghouz"), k("الباغوز"));
        assert_eq!(k("Bagouz"), k("Baghouz"));
        assert_eq!(k("Idlib"), k("إدلب"));
        assert_eq!(k("Raqqa"), k("الرقة"));
        assert_ne!(k("Idlib"), k("Aleppo"));
    }

    #[test]
    fn numbers_read_separators_and_arabic_digits() {
        let n = Normalizer::for_matching();
        assert_eq!(
            numbers(&n.normalize("1,200 people; 3.5% in 2019, 400")),
            BTreeSet::from([3, 5, 400, 1200, 2019])
        );
        assert_eq!(
            numbers(&n.normalize("قتل ١٥ شخصا و400 جريح")),
            BTreeSet::from([15, 400])
        );
        assert!(numbers("99999999999999999999999 1").is_empty());
    }

    #[test]
    fn title_split_only_for_headline_like_first_lines() {
        assert_eq!(
            split_title("Headline\nBody text."),
            (Some("Headline"), "Body text.")
        );
        assert_eq!(split_title("One paragraph only."), (None, "One paragraph only."));
        assert_eq!(
            split_title("عنوان الخبر  نص الخبر"),
            (Some("عنوان الخبر"), "نص الخبر")
        );
    }

    #[test]
    fn chunks_merge_short_sentences() {
        let text = "Short. Also short. This sentence is long enough to stand on its own as a chunk. \
                    And this second long sentence makes a chunk of its own as well.";
        let c = chunks(text);
        assert_eq!(c.len(), 2);
        assert!(c[0].starts_with("Short. Also short. This sentence"));
        assert!(c[1].starts_with("And this second"));
    }

    #[test]
    fn pair_features_are_symmetric() {
        let a = DocFeatures {
            embedding: vec![1.0, 0.0],
            lang: "en".into(),
            numbers: BTreeSet::from([12, 400]),
            chunk_embeddings: vec![vec![1.0, 0.0], vec![0.6, 0.8]],
            ..Default::default()
        };
        let b = DocFeatures {
            embedding: vec![0.6, 0.8],
            lang: "en".into(),
            numbers: BTreeSet::from([12]),
            chunk_embeddings: vec![vec![0.0, 1.0]],
            ..Default::default()
        };
        let ab = pair_features(&a, &b, &CorpusStats::default());
        assert_eq!(ab, pair_features(&b, &a, &CorpusStats::default()));
        assert!((ab[0] - 0.6).abs() < 1e-6);
        assert!((ab[9] - 0.5).abs() < 1e-6);
        let same_lang = FEATURE_NAMES.iter().position(|n| *n == "same_lang").unwrap();
        assert_eq!(ab[same_lang], 1.0);
    }

    fn keyed(title: &str, body: &str) -> DocFeatures {
        let mut d = DocFeatures {
            lang: "ar".into(),
            ..Default::default()
        };
        d.add_text_keys(Some(title), body);
        d
    }

    fn feature(x: &[f32; N_FEATURES], name: &str) -> f32 {
        FEATURE_NAMES
            .iter()
            .position(|n| *n == name)
            .and_then(|i| x.get(i).copied())
            .unwrap_or(f32::NAN)
    }

    #[test]
    fn title_coverage_finds_headline_words_in_the_other_text() {
        let a = keyed(
            "قوات سوريا الديمقراطية تسيطر على الباغوز",
            "أعلنت قوات سوريا الديمقراطية السيطرة الكاملة على بلدة الباغوز شرق دير الزور بعد معارك مع تنظيم الدولة.",
        );
        let b = keyed(
            "سقوط آخر جيب لتنظيم الدولة في الباغوز",
            "قالت قوات سوريا الديمقراطية إنها سيطرت على الباغوز آخر جيب لتنظيم الدولة في شرق سوريا.",
        );
        let c = keyed(
            "ارتفاع أسعار الذهب في الأسواق المصرية",
            "شهدت أسعار الذهب ارتفاعا جديدا اليوم في محلات الصاغة بالقاهرة والجيزة وسط إقبال ضعيف.",
        );
        let same = feature(&pair_features(&a, &b, &CorpusStats::default()), "title_coverage");
        let other = feature(&pair_features(&a, &c, &CorpusStats::default()), "title_coverage");
        assert!(same > 0.4, "{same}");
        assert!(other < 0.1, "{other}");
        assert!(same <= 1.0);
    }

    #[test]
    fn lexical_cosines_see_inflected_arabic_and_the_lead() {
        let idf = CorpusStats::default();
        // the same report in other words and inflections (إصابتها / إصابة, تعافيها / تعافي)
        let a = text_only_features(
            Some("إيمان العاصي تعلن تعافيها من فيروس كورونا"),
            "أعلنت الفنانة إيمان العاصي تعافيها من فيروس كورونا بعد أسبوعين من اكتشاف إصابتها.",
            "ar",
        );
        let b = text_only_features(
            Some("بعد تعافيها من كورونا.. إيمان العاصي مستعدة للتبرع بالبلازما"),
            "قالت إيمان العاصي إنها مستعدة للتبرع ببلازما الدم للمصابين بعد تعافي الفنانة من الإصابة بالفيروس.",
            "ar",
        );
        let c = text_only_features(
            Some("ارتفاع أسعار الذهب في الأسواق المصرية"),
            "شهدت أسعار الذهب ارتفاعا جديدا اليوم في محلات الصاغة بالقاهرة والجيزة وسط إقبال ضعيف.",
            "ar",
        );
        assert!(!a.lead_keys.is_empty() && a.lead_keys.is_subset(&a.word_keys));
        let same = pair_features(&a, &b, &idf);
        let other = pair_features(&a, &c, &idf);
        for name in ["tfidf_words", "tfidf_lead", "tfidf_names"] {
            assert!(feature(&same, name) > feature(&other, name) + 0.1, "{name}");
        }
    }

    #[test]
    fn lead_keys_stop_after_the_lead() {
        let body = "first second third ".to_string() + &"filler ".repeat(LEAD_WORDS) + "tailword";
        let d = text_only_features(Some("Headline words"), &body, "en");
        assert!(d.lead_keys.contains("headline") && d.lead_keys.contains("third"));
        assert!(d.word_keys.contains("tailword") && !d.lead_keys.contains("tailword"));
    }

    #[test]
    fn low_content_fires_on_stubs_only() {
        let stub = keyed(
            "الحوار المتمدن",
            "التبرع للموقع - ادعمونا\nالموقع الرئيسي لمؤسسة الحوار المتمدن",
        );
        let long_body = "أعلنت وزارة الصحة تسجيل إصابات جديدة بفيروس كورونا في عدة محافظات ".repeat(10);
        let article = keyed("وزارة الصحة تعلن إصابات جديدة", &long_body);
        assert!(stub.content_words > 0 && stub.content_words < LOW_CONTENT_WORDS);
        assert!(article.content_words >= LOW_CONTENT_WORDS);
        assert_eq!(
            feature(
                &pair_features(&stub, &article, &CorpusStats::default()),
                "low_content"
            ),
            1.0
        );
        assert_eq!(
            feature(
                &pair_features(&article, &article, &CorpusStats::default()),
                "low_content"
            ),
            0.0
        );
        // unknown counts (pipeline documents without text keys) never fire
        let bare = DocFeatures::default();
        assert_eq!(
            feature(
                &pair_features(&bare, &bare, &CorpusStats::default()),
                "low_content"
            ),
            0.0
        );
    }

    #[test]
    fn boilerplate_share_counts_lexicon_shingles() {
        let template = "الحوار المتمدن التبرع للموقع ادعمونا الموقع الرئيسي لمؤسسة الحوار المتمدن";
        let mut stub = keyed("الحوار المتمدن", template);
        let article = keyed(
            "إيطاليا: ارتفاع وفيات كورونا",
            "أعلنت السلطات في إيطاليا ارتفاع عدد الوفيات بفيروس كورونا إلى 107 أشخاص في آخر حصيلة رسمية.",
        );
        // the same words in another spelling (hamza, teh marbuta) hash alike after normalization
        assert_eq!(
            shingles("الموقع الرئيسي لمؤسسة الحوار"),
            shingles("الموقع الرئيسى لمؤسسه الحوار")
        );
        let lexicon = shingles(template);
        // 7 of the 9 shingles of headline + body lie in the body alone
        let share = boilerplate_share(&stub, &lexicon);
        assert!((share - 7.0 / 9.0).abs() < 1e-6, "{share}");
        assert_eq!(boilerplate_share(&article, &lexicon), 0.0);
        assert_eq!(boilerplate_share(&article, &[]), 0.0);
        stub.shingles.clear();
        assert_eq!(boilerplate_share(&stub, &lexicon), 0.0);
    }

    proptest::proptest! {
        #[test]
        fn text_features_never_panic(text in "\\PC{0,200}") {
            let n = Normalizer::for_matching();
            let _ = numbers(&n.normalize(&text));
            let (names, _) = text_keys(&text);
            proptest::prop_assert!(names.iter().all(|k| k.len() >= 3));
            let _ = chunks(&text);
            let _ = split_title(&text);
        }
    }
}
