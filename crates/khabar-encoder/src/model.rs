//! The USE-m v3 forward pass: quantized piece embeddings, three n-gram CNN branches (orders 2, 3, 5), layer norm,
//! sqrt-length-scaled token sum, and a small feed-forward head with tanh output.
//!
//! A port of the reference package's `backends/numpy.py`. The tokens of several texts are processed as one flat
//! batch (each weight matrix streamed once per batch); n-gram windows never reach across a text boundary, which
//! reproduces per-text zero padding exactly.

use std::fs::File;
use std::path::Path;

use ndarray::{Array0, Array1, Array2, ArrayView1, ArrayViewMut1, Axis, Slice, Zip};
use ndarray_npy::NpzReader;

use crate::EncoderError;

/// Rows in each of the 17 quantized embedding chunks.
const VOCAB_ROWS: usize = 7530;
/// Number of quantized embedding chunks (row `r` lives in chunk `r % 17`).
const NUM_CHUNKS: usize = 17;
/// Width of the piece embeddings and of the output.
pub const EMB_DIM: usize = 512;
const CNN_DIM: usize = 256;
/// (n-gram order, left context) of the three CNN branches.
const ORDERS: [(usize, usize); 3] = [(2, 0), (3, 1), (5, 2)];
const FEAT_DIM: usize = EMB_DIM + ORDERS.len() * CNN_DIM;

struct Branch {
    order: usize,
    left: usize,
    w1: Array2<f32>,
    b1: Array1<f32>,
    w2: Array2<f32>,
    b2: Array1<f32>,
}

/// Dequantized-on-the-fly weights of the encoder.
pub struct Model {
    /// `NUM_CHUNKS * VOCAB_ROWS` rows of `EMB_DIM` quantized values, indexed by piece id.
    table: Vec<u8>,
    scale: Vec<f32>,
    lo: Vec<f32>,
    proj_w: Array2<f32>,
    proj_b: Array1<f32>,
    ln_g_all: Array1<f32>,
    ln_b_all: Array1<f32>,
    branches: Vec<Branch>,
    ln_g: Array1<f32>,
    ln_b: Array1<f32>,
    cnn_w: Array2<f32>,
    cnn_b: Array1<f32>,
    d0: Array2<f32>,
    d1: Array2<f32>,
    d2: Array2<f32>,
    d3: Array2<f32>,
    p1: Array2<f32>,
    p3: Array2<f32>,
    eps: f32,
}

fn npz_err(path: &Path, name: &str, e: impl std::fmt::Display) -> EncoderError {
    EncoderError::BadWeights(format!("{}: array `{name}`: {e}", path.display()))
}

fn shape_err(path: &Path, name: &str, got: &[usize], want: &[usize]) -> EncoderError {
    EncoderError::BadWeights(format!(
        "{}: array `{name}` has shape {got:?}, expected {want:?}",
        path.display()
    ))
}

struct Reader<'a> {
    npz: NpzReader<File>,
    path: &'a Path,
}

impl Reader<'_> {
    fn mat(&mut self, name: &str, rows: usize, cols: usize) -> Result<Array2<f32>, EncoderError> {
        let a: Array2<f32> = self.npz.by_name(name).map_err(|e| npz_err(self.path, name, e))?;
        if a.dim() != (rows, cols) {
            return Err(shape_err(self.path, name, a.shape(), &[rows, cols]));
        }
        Ok(a)
    }

    fn vec(&mut self, name: &str, len: usize) -> Result<Array1<f32>, EncoderError> {
        let a: Array1<f32> = self.npz.by_name(name).map_err(|e| npz_err(self.path, name, e))?;
        if a.len() != len {
            return Err(shape_err(self.path, name, a.shape(), &[len]));
        }
        Ok(a)
    }

    fn cat_mat(&mut self, names: &[String], rows: usize, cols: usize) -> Result<Array2<f32>, EncoderError> {
        let mut out = Array2::zeros((rows, cols * names.len()));
        for (i, name) in names.iter().enumerate() {
            let m = self.mat(name, rows, cols)?;
            out.slice_axis_mut(Axis(1), Slice::from(i * cols..(i + 1) * cols))
                .assign(&m);
        }
        Ok(out)
    }

    fn cat_vec(&mut self, names: &[String], len: usize) -> Result<Array1<f32>, EncoderError> {
        let mut out = Array1::zeros(len * names.len());
        for (i, name) in names.iter().enumerate() {
            let v = self.vec(name, len)?;
            out.slice_axis_mut(Axis(0), Slice::from(i * len..(i + 1) * len))
                .assign(&v);
        }
        Ok(out)
    }
}

impl Model {
    /// Reads `weights.npz` (the layout the reference package ships).
    pub fn load(path: &Path) -> Result<Model, EncoderError> {
        let file = File::open(path).map_err(|e| EncoderError::Io(path.display().to_string(), e))?;
        let npz =
            NpzReader::new(file).map_err(|e| EncoderError::BadWeights(format!("{}: {e}", path.display())))?;
        let mut r = Reader { npz, path };
        let mut table = vec![0u8; NUM_CHUNKS * VOCAB_ROWS * EMB_DIM];
        for chunk in 0..NUM_CHUNKS {
            let name = format!("q{}", chunk + 1);
            let q: Array2<u8> = r.npz.by_name(&name).map_err(|e| npz_err(path, &name, e))?;
            if q.dim() != (VOCAB_ROWS, EMB_DIM) {
                return Err(shape_err(path, &name, q.shape(), &[VOCAB_ROWS, EMB_DIM]));
            }
            for (k, row) in q.outer_iter().enumerate() {
                let r_idx = k * NUM_CHUNKS + chunk;
                let dst = &mut table[r_idx * EMB_DIM..(r_idx + 1) * EMB_DIM];
                for (d, v) in dst.iter_mut().zip(row.iter()) {
                    *d = *v;
                }
            }
        }
        let scale = r.vec("scale", NUM_CHUNKS)?.to_vec();
        let lo = r.vec("lo", NUM_CHUNKS)?.to_vec();
        let names =
            |prefix: &str| -> Vec<String> { ORDERS.iter().map(|(n, _)| format!("{prefix}{n}")).collect() };
        let proj_w = r.cat_mat(&names("proj"), EMB_DIM, CNN_DIM)?;
        let proj_b = r.cat_vec(&names("proj_b"), CNN_DIM)?;
        let ln_g_all = r.cat_vec(&names("ln_g"), CNN_DIM)?;
        let ln_b_all = r.cat_vec(&names("ln_b"), CNN_DIM)?;
        let mut branches = Vec::with_capacity(ORDERS.len());
        for &(order, left) in &ORDERS {
            branches.push(Branch {
                order,
                left,
                w1: r.mat(&format!("w1_{order}"), order * CNN_DIM, CNN_DIM)?,
                b1: r.vec(&format!("b1_{order}"), CNN_DIM)?,
                w2: r.mat(&format!("w2_{order}"), order * CNN_DIM, CNN_DIM)?,
                b2: r.vec(&format!("b2_{order}"), CNN_DIM)?,
            });
        }
        let eps: Array0<f64> = r.npz.by_name("eps").map_err(|e| npz_err(path, "eps", e))?;
        Ok(Model {
            table,
            scale,
            lo,
            proj_w,
            proj_b,
            ln_g_all,
            ln_b_all,
            branches,
            ln_g: r.vec("ln_g", FEAT_DIM)?,
            ln_b: r.vec("ln_b", FEAT_DIM)?,
            cnn_w: r.mat("cnn_W", FEAT_DIM, EMB_DIM)?,
            cnn_b: r.vec("cnn_b", EMB_DIM)?,
            d0: r.mat("d0", EMB_DIM, 320)?,
            d1: r.mat("d1", 320, 320)?,
            d2: r.mat("d2", 320, EMB_DIM)?,
            d3: r.mat("d3", EMB_DIM, EMB_DIM)?,
            p1: r.mat("p1", EMB_DIM, 320)?,
            p3: r.mat("p3", 320, EMB_DIM)?,
            eps: eps.into_scalar() as f32,
        })
    }

    /// Number of embedding rows (piece ids at or above it are read as UNK).
    pub fn vocab_rows(&self) -> usize {
        NUM_CHUNKS * VOCAB_ROWS
    }

    /// Embeds each token sequence (BOS .. EOS ids) independently; returns one L2-normalised row per sequence.
    pub fn forward(&self, seqs: &[&[u32]]) -> Array2<f32> {
        let n_seqs = seqs.len();
        let lens: Vec<usize> = seqs.iter().map(|s| s.len().max(1)).collect();
        let n_tokens: usize = lens.iter().sum();
        // sequence bounds of every token
        let mut bounds: Vec<(usize, usize)> = Vec::with_capacity(n_tokens);
        let mut start = 0;
        for &len in &lens {
            bounds.extend(std::iter::repeat_n((start, start + len), len));
            start += len;
        }

        let mut feats = Array2::<f32>::zeros((n_tokens, FEAT_DIM));
        {
            let mut t = 0;
            for seq in seqs {
                let ids: &[u32] = if seq.is_empty() {
                    &[crate::tokenizer::UNK_ID]
                } else {
                    seq
                };
                for &id in ids {
                    let mut id = id as usize;
                    if id >= self.vocab_rows() {
                        id = crate::tokenizer::UNK_ID as usize;
                    }
                    let chunk = id % NUM_CHUNKS;
                    let (scale, lo) = (self.scale[chunk], self.lo[chunk]);
                    let src = &self.table[id * EMB_DIM..(id + 1) * EMB_DIM];
                    let mut row = feats.row_mut(t);
                    for (d, &q) in row.iter_mut().zip(src) {
                        *d = f32::from(q) * scale + lo;
                    }
                    t += 1;
                }
            }
        }

        let mut x = feats
            .slice_axis(Axis(1), Slice::from(..EMB_DIM))
            .dot(&self.proj_w);
        x += &self.proj_b;
        for row in x.outer_iter_mut() {
            layernorm(row, self.ln_g_all.view(), self.ln_b_all.view(), self.eps);
        }

        for (i, branch) in self.branches.iter().enumerate() {
            let xs = x.slice_axis(Axis(1), Slice::from(i * CNN_DIM..(i + 1) * CNN_DIM));
            let cols = gather_windows(xs, &bounds, branch.order, branch.left);
            let mut h = cols.dot(&branch.w1);
            Zip::from(&mut h)
                .and_broadcast(&branch.b1)
                .and(&xs)
                .for_each(|h, &b, &x| *h = (*h + b).max(0.0) + x);
            let cols = gather_windows(h.view(), &bounds, branch.order, branch.left);
            let mut c2 = cols.dot(&branch.w2);
            Zip::from(&mut c2)
                .and_broadcast(&branch.b2)
                .and(&h)
                .for_each(|c, &b, &h| *c = (*c + b).max(0.0) + h);
            let off = EMB_DIM + i * CNN_DIM;
            feats
                .slice_axis_mut(Axis(1), Slice::from(off..off + CNN_DIM))
                .assign(&c2);
        }
        drop(x);

        for row in feats.outer_iter_mut() {
            layernorm(row, self.ln_g.view(), self.ln_b.view(), self.eps);
        }
        // sum-then-project: the token sum commutes with the linear output projection
        let mut sums = Array2::<f32>::zeros((n_seqs, FEAT_DIM));
        {
            let mut t = 0;
            for (k, &len) in lens.iter().enumerate() {
                let mut acc = sums.row_mut(k);
                for row in feats.slice_axis(Axis(0), Slice::from(t..t + len)).outer_iter() {
                    acc += &row;
                }
                t += len;
            }
        }
        let mut mean = sums.dot(&self.cnn_w);
        for (k, mut row) in mean.axis_iter_mut(Axis(0)).enumerate() {
            let len = lens[k] as f32;
            row.scaled_add(len, &self.cnn_b);
            row *= 1.0 / len.sqrt();
        }
        let relu = |v: &mut f32| *v = v.max(0.0);
        let mut y0 = mean.dot(&self.d0);
        y0.map_inplace(relu);
        let mut y1 = mean.dot(&self.p1);
        y1 += &y0.dot(&self.d1);
        y1.map_inplace(relu);
        let mut y2 = y1.dot(&self.d2);
        y2.map_inplace(relu);
        let mut z = y1.dot(&self.p3);
        z += &y2.dot(&self.d3);
        z.map_inplace(|v| *v = v.tanh());
        for mut row in z.outer_iter_mut() {
            let norm2 = row.dot(&row).max(self.eps);
            row *= 1.0 / norm2.sqrt();
        }
        z
    }
}

/// Layer norm of one row in place.
fn layernorm(mut row: ArrayViewMut1<f32>, gamma: ArrayView1<f32>, beta: ArrayView1<f32>, eps: f32) {
    let n = row.len() as f32;
    let mean = row.sum() / n;
    row -= mean;
    let var = row.dot(&row) / n;
    let inv = 1.0 / (var + eps).sqrt();
    Zip::from(&mut row)
        .and(&gamma)
        .and(&beta)
        .for_each(|v, &g, &b| *v = *v * inv * g + b);
}

/// Rows `t - left .. t - left + order` of `x` side by side for each token `t`; slots outside `t`'s sequence are 0.
fn gather_windows(
    x: ndarray::ArrayView2<f32>,
    bounds: &[(usize, usize)],
    order: usize,
    left: usize,
) -> Array2<f32> {
    let (n_tokens, dim) = x.dim();
    let mut cols = Array2::<f32>::zeros((n_tokens, order * dim));
    for (t, &(start, end)) in bounds.iter().enumerate() {
        let mut row = cols.row_mut(t);
        for k in 0..order {
            let Some(p) = (t + k).checked_sub(left) else {
                continue;
            };
            if p < start || p >= end {
                continue;
            }
            row.slice_axis_mut(Axis(0), Slice::from(k * dim..(k + 1) * dim))
                .assign(&x.row(p));
        }
    }
    cols
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn windows_stop_at_sequence_bounds() {
        let x = array![[1.0f32], [2.0], [3.0], [4.0], [5.0]];
        // two sequences: tokens 0..3 and 3..5
        let bounds = [(0, 3), (0, 3), (0, 3), (3, 5), (3, 5)];
        let cols = gather_windows(x.view(), &bounds, 3, 1);
        assert_eq!(
            cols,
            array![
                [0.0, 1.0, 2.0],
                [1.0, 2.0, 3.0],
                [2.0, 3.0, 0.0],
                [0.0, 4.0, 5.0],
                [4.0, 5.0, 0.0]
            ]
        );
    }

    #[test]
    fn layernorm_centres_and_scales() {
        let mut row = array![1.0f32, 2.0, 3.0, 4.0];
        let ones = Array1::from_elem(4, 1.0f32);
        let zeros = Array1::zeros(4);
        layernorm(row.view_mut(), ones.view(), zeros.view(), 1e-6);
        assert!(row.sum().abs() < 1e-5);
        assert!((row.dot(&row) / 4.0 - 1.0).abs() < 1e-3);
    }
}
