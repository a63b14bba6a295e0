//! A small character transformer that scores Latin spellings of an Arabic name: log p(latin | arabic) by teacher
//! forcing, and generates its own by beam search. A second one trained the other way (Latin→Arabic, shipped under
//! `reverse/`) is a channel model, log p(arabic | latin) ([`NeuralTranslit::channel_score`]). Both are features of
//! the learned re-ranker ([`crate::Reranker`]) over the graphone model's ([`crate::Transliterator`]) candidates.
//!
//! Trained with PyTorch by `tools/translit/train.py` on `ar2en-train.txt` only (a hashed 5% held out for picking
//! the checkpoint); the weights ship as `translit.safetensors` (float16) + `translit.json` under
//! `models/translit/` in the repo, and setup copies them to `<data>/translit/`. The forward pass here mirrors the
//! Python model line for line (pre-layer-norm encoder/decoder, sinusoidal positions, ReLU feed-forward); a test
//! checks it against the log-probabilities PyTorch computed on held-out names.

use crate::EntityError;
use ndarray::{Array1, Array2, ArrayView2, Axis, Slice};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

const BOS: usize = 1;
const EOS: usize = 2;
const UNK: usize = 3;
const LN_EPS: f32 = 1e-5;
/// Longest Arabic or Latin input scored (characters); longer names are cut there.
const MAX_CHARS: usize = 40;

#[derive(serde::Deserialize)]
struct Meta {
    format: String,
    d: usize,
    heads: usize,
    ff: usize,
    layers: usize,
    max_len: usize,
    src_vocab: Vec<String>,
    tgt_vocab: Vec<String>,
    /// `arabic-to-latin` (absent in older files) or `latin-to-arabic` (the channel model).
    #[serde(default)]
    direction: Option<String>,
}

const FORWARD: &str = "arabic-to-latin";
const REVERSE: &str = "latin-to-arabic";

/// Inputs of at most this many rows go through [`Linear::forward`]'s row-by-row product.
const SMALL_ROWS: usize = 16;

struct Linear {
    /// `in × out` (the transpose of PyTorch's layout), row-major.
    wt: Array2<f32>,
    b: Array1<f32>,
}

impl Linear {
    fn forward(&self, x: &ArrayView2<f32>) -> Array2<f32> {
        let general = || {
            let mut y = x.dot(&self.wt);
            y += &self.b;
            y
        };
        // A name is a few rows: a general matrix product would copy ("pack") the whole weight matrix on every
        // call, which cost more than the product itself; summing scaled weight rows reads it once.
        let (Some(w), Some(b)) = (self.wt.as_slice(), self.b.as_slice()) else {
            return general();
        };
        if x.nrows() > SMALL_ROWS {
            return general();
        }
        let n = self.wt.ncols();
        let mut out = Vec::with_capacity(x.nrows() * n);
        for xr in x.rows() {
            let start = out.len();
            out.extend_from_slice(b);
            let yr = &mut out[start..];
            for (&xi, wr) in xr.iter().zip(w.chunks_exact(n)) {
                for (y, &wv) in yr.iter_mut().zip(wr) {
                    *y += xi * wv;
                }
            }
        }
        Array2::from_shape_vec((x.nrows(), n), out).unwrap_or_else(|_| general())
    }
}

struct LayerNorm {
    g: Array1<f32>,
    b: Array1<f32>,
}

impl LayerNorm {
    fn forward(&self, x: &Array2<f32>) -> Array2<f32> {
        let mut y = x.clone();
        for mut row in y.rows_mut() {
            let n = row.len().max(1) as f32;
            let mean = row.sum() / n;
            let var = row.iter().map(|v| (v - mean) * (v - mean)).sum::<f32>() / n;
            let inv = 1.0 / (var + LN_EPS).sqrt();
            for ((v, g), b) in row.iter_mut().zip(&self.g).zip(&self.b) {
                *v = (*v - mean) * inv * g + b;
            }
        }
        y
    }
}

struct Attention {
    q: Linear,
    k: Linear,
    v: Linear,
    o: Linear,
}

struct EncLayer {
    ln1: LayerNorm,
    att: Attention,
    ln2: LayerNorm,
    ff_a: Linear,
    ff_b: Linear,
}

struct DecLayer {
    ln1: LayerNorm,
    self_att: Attention,
    ln2: LayerNorm,
    cross: Attention,
    ln3: LayerNorm,
    ff_a: Linear,
    ff_b: Linear,
}

/// The loaded transformer.
pub struct NeuralTranslit {
    d: usize,
    heads: usize,
    src_index: HashMap<char, usize>,
    tgt_index: HashMap<char, usize>,
    /// The character of each target id (`None` for the special tokens).
    tgt_chars: Vec<Option<char>>,
    src_emb: Array2<f32>,
    tgt_emb: Array2<f32>,
    pe: Array2<f32>,
    enc: Vec<EncLayer>,
    dec: Vec<DecLayer>,
    enc_ln: LayerNorm,
    dec_ln: LayerNorm,
    out: Linear,
    /// The Latin→Arabic channel model shipped beside it (`reverse/`), when there is one.
    reverse: Option<Box<NeuralTranslit>>,
}

/// Drops tatweel, harakat and zero-width/bidi marks, as the training script does (`clean_ar`).
pub fn clean_arabic(s: &str) -> String {
    s.trim()
        .chars()
        .filter(|&c| {
            let o = c as u32;
            !(c == '\u{640}'
                || (0x64B..=0x65F).contains(&o)
                || o == 0x670
                || (0x200B..=0x200F).contains(&o)
                || (0x202A..=0x202E).contains(&o))
        })
        .collect()
}

/// Whether a training pair was held out from the transformer's training (its dev split: the first byte of the SHA-1
/// of the cleaned Arabic form below 13, about 5%). The re-ranker is fitted on these names only, since the
/// transformer has seen all the others.
pub fn held_out_of_training(arabic: &str) -> bool {
    sha1_smol::Sha1::from(clean_arabic(arabic).as_bytes())
        .digest()
        .bytes()[0]
        < 13
}

fn sinusoid(n: usize, d: usize) -> Array2<f32> {
    let mut pe = Array2::zeros((n, d));
    for pos in 0..n {
        for i in (0..d).step_by(2) {
            let ang = pos as f32 / 10000f32.powf(i as f32 / d as f32);
            pe[[pos, i]] = ang.sin();
            if i + 1 < d {
                pe[[pos, i + 1]] = ang.cos();
            }
        }
    }
    pe
}

fn softmax_rows(x: &mut Array2<f32>) {
    for mut row in x.rows_mut() {
        let max = row.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        if !max.is_finite() {
            row.fill(0.0);
            continue;
        }
        let mut z = 0.0;
        for v in row.iter_mut() {
            *v = (*v - max).exp();
            z += *v;
        }
        row.mapv_inplace(|v| v / z);
    }
}

impl NeuralTranslit {
    /// The model under `<data>/translit/`, else the repo's `models/translit/` (development checkouts).
    pub fn locate(data_dir: &Path) -> Option<PathBuf> {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models/translit");
        [data_dir.join("translit"), repo]
            .into_iter()
            .find(|d| d.join("translit.safetensors").is_file() && d.join("translit.json").is_file())
    }

    /// Loads `translit.json` and `translit.safetensors` from `dir`, and the Latin→Arabic channel model from
    /// `dir/reverse/` when it is there (see [`Self::channel_score`]).
    pub fn load(dir: &Path) -> Result<NeuralTranslit, EntityError> {
        let mut model = Self::load_one(dir, FORWARD)?;
        let reverse = dir.join("reverse");
        if reverse.join("translit.json").is_file() {
            model.reverse = Some(Box::new(Self::load_one(&reverse, REVERSE)?));
        }
        Ok(model)
    }

    /// Whether the Latin→Arabic channel model was loaded.
    pub fn has_channel(&self) -> bool {
        self.reverse.is_some()
    }

    /// log p(`arabic` | `latin`) under the Latin→Arabic channel model: how well a candidate spelling explains
    /// every letter of the Arabic name (a forward model alone favours spellings that drop some). `None` without
    /// the channel model or when either side is outside its vocabulary.
    pub fn channel_score(&self, arabic: &str, latin: &str) -> Option<f32> {
        let reverse = self.reverse.as_deref()?;
        let encoded = reverse.encode(&latin.to_lowercase())?;
        reverse.score(&encoded, &clean_arabic(arabic))
    }

    fn load_one(dir: &Path, direction: &str) -> Result<NeuralTranslit, EntityError> {
        let meta_path = dir.join("translit.json");
        let raw = std::fs::read_to_string(&meta_path).map_err(|e| EntityError::Io {
            path: meta_path.clone(),
            source: e,
        })?;
        let meta: Meta = serde_json::from_str(&raw)?;
        let bad = |reason: String| EntityError::Data {
            path: meta_path.clone(),
            reason,
        };
        if meta.format != "khabar-translit-transformer-v1" {
            return Err(bad(format!("unknown format {:?}", meta.format)));
        }
        let found = meta.direction.as_deref().unwrap_or(FORWARD);
        if found != direction {
            return Err(bad(format!(
                "direction {found:?} where {direction:?} is expected"
            )));
        }
        if meta.d.checked_rem(meta.heads) != Some(0) {
            return Err(bad(format!(
                "d {} is not a multiple of heads {}",
                meta.d, meta.heads
            )));
        }
        let index = |vocab: &[String]| -> HashMap<char, usize> {
            vocab
                .iter()
                .enumerate()
                .filter(|(i, _)| *i > UNK)
                .filter_map(|(i, t)| {
                    let mut cs = t.chars();
                    let c = cs.next()?;
                    cs.next().is_none().then_some((c, i))
                })
                .collect()
        };
        let w_path = dir.join("translit.safetensors");
        let bytes = std::fs::read(&w_path).map_err(|e| EntityError::Io {
            path: w_path.clone(),
            source: e,
        })?;
        let tensors = safetensors::SafeTensors::deserialize(&bytes).map_err(|e| EntityError::Data {
            path: w_path.clone(),
            reason: e.to_string(),
        })?;
        let w = Weights {
            tensors,
            path: &w_path,
        };
        let (d, ff) = (meta.d, meta.ff);
        let lin = |name: &str, i: usize, o: usize| -> Result<Linear, EntityError> {
            Ok(Linear {
                wt: w
                    .matrix(&format!("{name}.weight"), o, i)?
                    .reversed_axes()
                    .as_standard_layout()
                    .into_owned(),
                b: w.vector(&format!("{name}.bias"), o)?,
            })
        };
        let ln = |name: &str| -> Result<LayerNorm, EntityError> {
            Ok(LayerNorm {
                g: w.vector(&format!("{name}.weight"), d)?,
                b: w.vector(&format!("{name}.bias"), d)?,
            })
        };
        let att = |name: &str| -> Result<Attention, EntityError> {
            Ok(Attention {
                q: lin(&format!("{name}.q"), d, d)?,
                k: lin(&format!("{name}.k"), d, d)?,
                v: lin(&format!("{name}.v"), d, d)?,
                o: lin(&format!("{name}.o"), d, d)?,
            })
        };
        let mut enc = Vec::new();
        let mut dec = Vec::new();
        for i in 0..meta.layers {
            enc.push(EncLayer {
                ln1: ln(&format!("enc.{i}.ln1"))?,
                att: att(&format!("enc.{i}.att"))?,
                ln2: ln(&format!("enc.{i}.ln2"))?,
                ff_a: lin(&format!("enc.{i}.ff.a"), d, ff)?,
                ff_b: lin(&format!("enc.{i}.ff.b"), ff, d)?,
            });
            dec.push(DecLayer {
                ln1: ln(&format!("dec.{i}.ln1"))?,
                self_att: att(&format!("dec.{i}.self_att"))?,
                ln2: ln(&format!("dec.{i}.ln2"))?,
                cross: att(&format!("dec.{i}.cross"))?,
                ln3: ln(&format!("dec.{i}.ln3"))?,
                ff_a: lin(&format!("dec.{i}.ff.a"), d, ff)?,
                ff_b: lin(&format!("dec.{i}.ff.b"), ff, d)?,
            });
        }
        let n_src = meta.src_vocab.len();
        let n_tgt = meta.tgt_vocab.len();
        let tgt_index = index(&meta.tgt_vocab);
        let mut tgt_chars = vec![None; n_tgt];
        for (&c, &i) in &tgt_index {
            tgt_chars[i] = Some(c);
        }
        Ok(NeuralTranslit {
            d,
            heads: meta.heads,
            src_index: index(&meta.src_vocab),
            tgt_index,
            tgt_chars,
            src_emb: w.matrix("src_emb.weight", n_src, d)?,
            tgt_emb: w.matrix("tgt_emb.weight", n_tgt, d)?,
            pe: sinusoid(meta.max_len.max(MAX_CHARS + 2), d),
            enc,
            dec,
            enc_ln: ln("enc_ln")?,
            dec_ln: ln("dec_ln")?,
            out: lin("out", d, n_tgt)?,
            reverse: None,
        })
    }

    fn embed(&self, table: &Array2<f32>, ids: &[usize]) -> Array2<f32> {
        let scale = (self.d as f32).sqrt();
        let mut x = Array2::zeros((ids.len(), self.d));
        for (r, &id) in ids.iter().enumerate() {
            let e = table.row(id.min(table.nrows().saturating_sub(1)));
            let p = self.pe.row(r.min(self.pe.nrows() - 1));
            for ((v, e), p) in x.row_mut(r).iter_mut().zip(e).zip(p) {
                *v = e * scale + p;
            }
        }
        x
    }

    /// Multi-head attention of the rows of `x` over the rows of `mem`; row i sees `mem` rows `..=i` when `causal`.
    fn attend(&self, att: &Attention, x: &Array2<f32>, mem: &Array2<f32>, causal: bool) -> Array2<f32> {
        let k = att.k.forward(&mem.view());
        let v = att.v.forward(&mem.view());
        self.attend_kv(att, x, &k, &v, causal)
    }

    /// [`Self::attend`] with the keys and values of `mem` already projected.
    fn attend_kv(
        &self,
        att: &Attention,
        x: &Array2<f32>,
        k: &Array2<f32>,
        v: &Array2<f32>,
        causal: bool,
    ) -> Array2<f32> {
        let q = att.q.forward(&x.view());
        let dk = self.d / self.heads;
        let scale = 1.0 / (dk as f32).sqrt();
        let mut ctx = Array2::zeros((x.nrows(), self.d));
        for h in 0..self.heads {
            let cols = Slice::from(h * dk..(h + 1) * dk);
            let mut scores = q.slice_axis(Axis(1), cols).dot(&k.slice_axis(Axis(1), cols).t()) * scale;
            if causal {
                for (i, mut row) in scores.rows_mut().into_iter().enumerate() {
                    row.iter_mut().skip(i + 1).for_each(|v| *v = f32::NEG_INFINITY);
                }
            }
            softmax_rows(&mut scores);
            ctx.slice_axis_mut(Axis(1), cols)
                .assign(&scores.dot(&v.slice_axis(Axis(1), cols)));
        }
        att.o.forward(&ctx.view())
    }

    fn feed_forward(a: &Linear, b: &Linear, x: &Array2<f32>) -> Array2<f32> {
        let mut h = a.forward(&x.view());
        h.mapv_inplace(|v| v.max(0.0));
        b.forward(&h.view())
    }

    /// Encodes a name in the source script (an Arabic name, cleaned with [`clean_arabic`], for the forward
    /// model); `None` when nothing of it is in the vocabulary.
    pub fn encode(&self, arabic: &str) -> Option<Encoded> {
        let ids: Vec<usize> = clean_arabic(arabic)
            .chars()
            .take(MAX_CHARS)
            .map(|c| self.src_index.get(&c).copied().unwrap_or(UNK))
            .collect();
        if ids.iter().all(|&i| i == UNK) {
            return None;
        }
        let mut x = self.embed(&self.src_emb, &ids);
        for l in &self.enc {
            let y = l.ln1.forward(&x);
            x += &self.attend(&l.att, &y, &y, false);
            x += &Self::feed_forward(&l.ff_a, &l.ff_b, &l.ln2.forward(&x));
        }
        let memory = self.enc_ln.forward(&x);
        // Every spelling scored against this name attends to the same memory: its keys and values per decoder
        // layer are projected once here.
        let cross_kv = self
            .dec
            .iter()
            .map(|l| {
                (
                    l.cross.k.forward(&memory.view()),
                    l.cross.v.forward(&memory.view()),
                )
            })
            .collect();
        Some(Encoded { cross_kv })
    }

    /// log p(`latin` | the encoded name), end of word included; `None` for an empty spelling. Characters outside
    /// the vocabulary score as the unknown token.
    pub fn score(&self, encoded: &Encoded, latin: &str) -> Option<f32> {
        let tgt: Vec<usize> = latin
            .to_lowercase()
            .chars()
            .take(MAX_CHARS)
            .map(|c| self.tgt_index.get(&c).copied().unwrap_or(UNK))
            .collect();
        if tgt.is_empty() {
            return None;
        }
        let mut input = vec![BOS];
        input.extend_from_slice(&tgt);
        let mut expected = tgt;
        expected.push(EOS);
        let mut x = self.embed(&self.tgt_emb, &input);
        for (l, (k, v)) in self.dec.iter().zip(&encoded.cross_kv) {
            let y = l.ln1.forward(&x);
            x += &self.attend(&l.self_att, &y, &y, true);
            x += &self.attend_kv(&l.cross, &l.ln2.forward(&x), k, v, false);
            x += &Self::feed_forward(&l.ff_a, &l.ff_b, &l.ln3.forward(&x));
        }
        let logits = self.out.forward(&self.dec_ln.forward(&x).view());
        let mut total = 0.0f32;
        for (row, &t) in logits.axis_iter(Axis(0)).zip(&expected) {
            let max = row.iter().copied().fold(f32::NEG_INFINITY, f32::max);
            let lse = max + row.iter().map(|v| (v - max).exp()).sum::<f32>().ln();
            total += row.get(t).copied().unwrap_or(f32::NEG_INFINITY) - lse;
        }
        Some(total)
    }
}

/// One partial spelling of [`NeuralTranslit::generate`]'s beam: its target ids, log-probability and the
/// self-attention keys/values of each decoder layer so far.
#[derive(Clone)]
struct Hyp {
    ids: Vec<usize>,
    logp: f32,
    cache: Vec<(Array2<f32>, Array2<f32>)>,
}

impl NeuralTranslit {
    /// The `n` most probable spellings of an encoded name by beam search of width `beam` (each at most
    /// [`MAX_CHARS`] characters), best first, with their log-probabilities (end of word included). Decodes one
    /// character at a time with cached self-attention keys and values, so a step costs one position's work.
    pub fn generate(&self, encoded: &Encoded, beam: usize, n: usize) -> Vec<(String, f32)> {
        let beam = beam.max(1);
        let empty = Array2::<f32>::zeros((0, self.d));
        let mut live = vec![Hyp {
            ids: Vec::new(),
            logp: 0.0,
            cache: vec![(empty.clone(), empty); self.dec.len()],
        }];
        let mut done: Vec<(String, f32)> = Vec::new();
        for pos in 0..MAX_CHARS {
            let mut next: Vec<Hyp> = Vec::new();
            for mut h in live {
                let prev = h.ids.last().copied().unwrap_or(BOS);
                let logits = self.step(encoded, &mut h.cache, prev, pos);
                let max = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
                let lse = max + logits.iter().map(|v| (v - max).exp()).sum::<f32>().ln();
                let mut order: Vec<usize> = (0..logits.len()).collect();
                order.sort_by(|&a, &b| logits[b].total_cmp(&logits[a]));
                for &t in order.iter().take(beam) {
                    let lp = h.logp + logits[t] - lse;
                    if t == EOS {
                        let word: String = h
                            .ids
                            .iter()
                            .filter_map(|&i| self.tgt_chars.get(i).copied().flatten())
                            .collect();
                        if !word.is_empty() {
                            done.push((word, lp));
                        }
                    } else if self.tgt_chars.get(t).copied().flatten().is_some() {
                        let mut ids = h.ids.clone();
                        ids.push(t);
                        next.push(Hyp {
                            ids,
                            logp: lp,
                            cache: h.cache.clone(),
                        });
                    }
                }
            }
            next.sort_by(|a, b| b.logp.total_cmp(&a.logp));
            next.truncate(beam);
            // Stop once no live spelling can beat the n-th finished one (log-probabilities only fall).
            done.sort_by(|a, b| b.1.total_cmp(&a.1));
            let bar = done.get(n.saturating_sub(1)).map_or(f32::NEG_INFINITY, |d| d.1);
            live = next.into_iter().filter(|h| h.logp > bar).collect();
            if live.is_empty() {
                break;
            }
        }
        done.sort_by(|a, b| b.1.total_cmp(&a.1));
        done.dedup_by(|a, b| a.0 == b.0);
        done.truncate(n);
        done
    }

    /// One decoder step: the logits after feeding target id `token` at position `pos`, appending this
    /// position's self-attention keys and values to `cache` (one pair per layer).
    fn step(
        &self,
        encoded: &Encoded,
        cache: &mut [(Array2<f32>, Array2<f32>)],
        token: usize,
        pos: usize,
    ) -> Vec<f32> {
        let mut x = self.embed_at(token, pos);
        for ((l, (ck, cv)), (k, v)) in self.dec.iter().zip(&encoded.cross_kv).zip(cache.iter_mut()) {
            let y = l.ln1.forward(&x);
            let k_new = l.self_att.k.forward(&y.view());
            let v_new = l.self_att.v.forward(&y.view());
            // Appending a row: ndarray's push_row keeps the standard layout of a fresh matrix.
            let _ = k.push_row(k_new.row(0));
            let _ = v.push_row(v_new.row(0));
            x += &self.attend_kv(&l.self_att, &y, k, v, false);
            x += &self.attend_kv(&l.cross, &l.ln2.forward(&x), ck, cv, false);
            x += &Self::feed_forward(&l.ff_a, &l.ff_b, &l.ln3.forward(&x));
        }
        self.out.forward(&self.dec_ln.forward(&x).view()).row(0).to_vec()
    }

    /// The embedding of one target id at one position (a 1 × d matrix), as [`Self::embed`] computes it.
    fn embed_at(&self, token: usize, pos: usize) -> Array2<f32> {
        let scale = (self.d as f32).sqrt();
        let e = self
            .tgt_emb
            .row(token.min(self.tgt_emb.nrows().saturating_sub(1)));
        let p = self.pe.row(pos.min(self.pe.nrows() - 1));
        let mut x = Array2::zeros((1, self.d));
        for ((v, e), p) in x.row_mut(0).iter_mut().zip(e).zip(p) {
            *v = e * scale + p;
        }
        x
    }
}

/// An encoded Arabic name, scored against many spellings with [`NeuralTranslit::score`].
pub struct Encoded {
    /// Keys and values of the encoder output for each decoder layer's cross-attention.
    cross_kv: Vec<(Array2<f32>, Array2<f32>)>,
}

struct Weights<'a> {
    tensors: safetensors::SafeTensors<'a>,
    path: &'a Path,
}

impl Weights<'_> {
    fn values(&self, name: &str, len: usize) -> Result<Vec<f32>, EntityError> {
        let bad = |reason: String| EntityError::Data {
            path: self.path.to_path_buf(),
            reason: format!("{name}: {reason}"),
        };
        let t = self.tensors.tensor(name).map_err(|e| bad(e.to_string()))?;
        let data = t.data();
        let v: Vec<f32> = match t.dtype() {
            safetensors::Dtype::F16 => data
                .chunks_exact(2)
                .map(|b| half::f16::from_le_bytes([b[0], b[1]]).to_f32())
                .collect(),
            safetensors::Dtype::F32 => data
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect(),
            other => return Err(bad(format!("unsupported dtype {other:?}"))),
        };
        if v.len() != len {
            return Err(bad(format!("{} values, expected {len}", v.len())));
        }
        Ok(v)
    }

    fn matrix(&self, name: &str, rows: usize, cols: usize) -> Result<Array2<f32>, EntityError> {
        let v = self.values(name, rows * cols)?;
        Array2::from_shape_vec((rows, cols), v).map_err(|e| EntityError::Data {
            path: self.path.to_path_buf(),
            reason: format!("{name}: {e}"),
        })
    }

    fn vector(&self, name: &str, len: usize) -> Result<Array1<f32>, EntityError> {
        Ok(Array1::from(self.values(name, len)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model() -> Option<NeuralTranslit> {
        let dir = NeuralTranslit::locate(&crate::default_data_dir())?;
        Some(NeuralTranslit::load(&dir).expect("shipped model loads"))
    }

    /// The Rust forward pass gives the log-probabilities PyTorch gave (same float16 weights, float32 maths) on
    /// held-out training names (`tests/data/translit_parity.jsonl`, written by tools/translit/train.py).
    #[test]
    fn matches_pytorch_on_held_out_names() {
        let Some(m) = model() else {
            panic!("models/translit is part of the repo and must load");
        };
        let fixture = include_str!("../tests/data/translit_parity.jsonl");
        let mut checked = 0;
        for line in fixture.lines() {
            let v: serde_json::Value = serde_json::from_str(line).expect("fixture line");
            let arabic = v["arabic"].as_str().expect("arabic");
            assert!(
                held_out_of_training(arabic),
                "{arabic} is in the Python dev split"
            );
            let enc = m.encode(arabic).expect("encodes");
            for pair in v["beam"].as_array().expect("beam") {
                let form = pair[0].as_str().expect("form");
                let want = pair[1].as_f64().expect("logp") as f32;
                let Some(got) = m.score(&enc, form) else { continue };
                assert!(
                    (got - want).abs() < 2e-3,
                    "{arabic} → {form}: rust {got} vs torch {want}"
                );
                checked += 1;
            }
        }
        assert!(checked >= 100, "{checked}");
    }

    /// The channel model (`models/translit/reverse/`) gives PyTorch's log p(arabic | latin) on held-out names
    /// (`tests/data/translit_parity_reverse.jsonl`, its `dev_beam.jsonl`), and it prefers the spelling that
    /// explains every Arabic letter.
    #[test]
    fn channel_model_matches_pytorch_and_penalizes_dropped_letters() {
        let Some(m) = model() else {
            panic!("models/translit is part of the repo and must load");
        };
        assert!(m.has_channel(), "models/translit/reverse ships with the repo");
        let fixture = include_str!("../tests/data/translit_parity_reverse.jsonl");
        let mut checked = 0;
        for line in fixture.lines() {
            let v: serde_json::Value = serde_json::from_str(line).expect("fixture line");
            let latin = v["latin"].as_str().expect("latin");
            assert!(held_out_of_training(v["arabic"].as_str().expect("arabic")));
            for pair in v["beam"].as_array().expect("beam") {
                let form = pair[0].as_str().expect("arabic form");
                let want = pair[1].as_f64().expect("logp") as f32;
                let got = m.channel_score(form, latin).expect("scores");
                assert!(
                    (got - want).abs() < 2e-3,
                    "{latin} → {form}: rust {got} vs torch {want}"
                );
                checked += 1;
            }
        }
        assert!(checked >= 100, "{checked}");
        // "arens" leaves the د of آرندز unexplained; "arends" does not.
        let full = m.channel_score("آرندز", "arends").expect("scores");
        let short = m.channel_score("آرندز", "arens").expect("scores");
        assert!(full > short, "{full} {short}");
        assert!(m.channel_score("آرندز", "").is_none());
        assert!(m.channel_score("", "arends").is_none());
    }

    #[test]
    fn beam_search_agrees_with_scoring_and_finds_the_usual_spelling() {
        let Some(m) = model() else { return };
        let mut hits = 0;
        for (ar, latin) in [("محمد", "mohamed"), ("حسن", "hassan"), ("الباغوز", "baghouz")] {
            let e = m.encode(ar).expect("encodes");
            let out = m.generate(&e, 8, 5);
            assert!(!out.is_empty(), "{ar}");
            for (w, lp) in &out {
                // the incremental decoder must give the full decoder's log-probability
                let full = m.score(&e, w).expect("scores");
                assert!((full - lp).abs() < 1e-3, "{ar} {w}: {lp} vs {full}");
            }
            assert!(out.windows(2).all(|p| p[0].1 >= p[1].1));
            let usual = latin.trim_end_matches('z');
            hits += usize::from(out.iter().any(|(w, _)| w.starts_with(&usual[..3])));
        }
        assert!(hits >= 2, "{hits}");
        // junk encodes to nothing or generates without panicking
        if let Some(e) = m.encode("ـــ ؟؟ ١٢") {
            let _ = m.generate(&e, 4, 2);
        }
    }

    #[test]
    fn prefers_the_usual_spelling_and_survives_junk() {
        let Some(m) = model() else {
            panic!("models/translit is part of the repo and must load");
        };
        let enc = m.encode("أدريان").expect("encodes");
        let good = m.score(&enc, "adrian").unwrap_or(f32::NEG_INFINITY);
        let bad = m.score(&enc, "qzxw").unwrap_or(f32::NEG_INFINITY);
        assert!(good > bad + 10.0, "{good} {bad}");
        assert!(m.encode("xyz").is_none());
        assert!(m.encode("\u{200f}\u{640}").is_none());
        let long = "ب".repeat(5000);
        let enc = m.encode(&long).expect("long input is cut, not rejected");
        assert!(m.score(&enc, &"b".repeat(5000)).is_some_and(f32::is_finite));
        assert!(m.score(&enc, "").is_none());
    }
}
