//! The USE-m v3 forward pass: quantized piece embeddings, three n-gram CNN branches (orders 2, 3, 5), layer norm,
//! sqrt-length-scaled token sum, and a small feed-forward head with tanh output.
//!
//! A port of the reference package's `backends/numpy.py`. The tokens of several texts are processed as one flat
//! batch (each weight matrix streamed once per batch); n-gram windows never reach across a text boundary, which
//! reproduces per-text zero padding exactly. A convolution over windows of `order` tokens is computed as one GEMM
//! of the tokens with the window slots' weight blocks side by side, then a sum of each window's shifted slot
//! products (no im2col copy); for the first convolution those products depend on one piece only and are cached.

use std::collections::HashMap;
use std::fs::File;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

use ndarray::linalg::general_mat_mul;
use ndarray::{Array0, Array1, Array2, ArrayView1, ArrayView2, ArrayViewMut1, Axis, Slice, Zip};
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
/// Width of the three branches' projections side by side.
const PROJ_DIM: usize = ORDERS.len() * CNN_DIM;
/// Window slots over all branches (2 + 3 + 5).
const TAPS: usize = ORDERS[0].0 + ORDERS[1].0 + ORDERS[2].0;
/// Floats in a piece row: the projections, then each branch's first-convolution product for every window slot.
const PIECE_DIM: usize = PROJ_DIM + TAPS * CNN_DIM;
/// Default most piece rows kept in the cache (13 KiB each: at most ~104 MiB). News text reuses a few thousand pieces for
/// most of its tokens (on the SemEval en+ar articles the 8,192 most frequent pieces cover 93% of lead tokens).
pub const PIECE_CACHE_ROWS: usize = 8192;
/// Stand-in for a piece row that cannot be missing (every id is cached or freshly computed).
static ZERO_PIECE: [f32; PIECE_DIM] = [0.0; PIECE_DIM];

struct Branch {
    order: usize,
    left: usize,
    /// Offset of this branch's first-convolution products in a piece row.
    tap_off: usize,
    /// `W1` with its window-slot blocks side by side (`CNN_DIM x order * CNN_DIM`): `x · taps1` gives the product
    /// of one token with every slot's block at once.
    taps1: Array2<f32>,
    b1: Vec<f32>,
    /// `W2` laid out like `taps1`.
    taps2: Array2<f32>,
    b2: Vec<f32>,
}

/// `w` (`order * CNN_DIM x CNN_DIM`, one block of rows per window slot) with the blocks side by side.
fn side_by_side(w: &Array2<f32>, order: usize) -> Array2<f32> {
    let mut out = Array2::<f32>::zeros((CNN_DIM, order * CNN_DIM));
    for k in 0..order {
        out.slice_axis_mut(Axis(1), Slice::from(k * CNN_DIM..(k + 1) * CNN_DIM))
            .assign(&w.slice_axis(Axis(0), Slice::from(k * CNN_DIM..(k + 1) * CNN_DIM)));
    }
    out
}

/// Dequantized-on-the-fly weights of the encoder.
///
/// Everything up to the first convolution depends on one piece only, so it is computed once per piece and kept
/// (up to [`PIECE_CACHE_ROWS`] pieces, filled as they are first seen): a token then costs only the second
/// convolution's GEMM. The cached rows are the same numbers a batch would compute, so results do not depend on
/// what was embedded before.
pub struct Model {
    /// Piece rows by piece id, filled on first use.
    cache: Vec<OnceLock<Box<[f32]>>>,
    /// Number of filled cache rows.
    cached: AtomicUsize,
    /// Most rows the cache may hold.
    cache_limit: usize,
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
        let mut tap_off = PROJ_DIM;
        for &(order, left) in &ORDERS {
            let w1 = r.mat(&format!("w1_{order}"), order * CNN_DIM, CNN_DIM)?;
            let w2 = r.mat(&format!("w2_{order}"), order * CNN_DIM, CNN_DIM)?;
            branches.push(Branch {
                order,
                left,
                tap_off,
                taps1: side_by_side(&w1, order),
                b1: r.vec(&format!("b1_{order}"), CNN_DIM)?.to_vec(),
                taps2: side_by_side(&w2, order),
                b2: r.vec(&format!("b2_{order}"), CNN_DIM)?.to_vec(),
            });
            tap_off += order * CNN_DIM;
        }
        let eps: Array0<f64> = r.npz.by_name("eps").map_err(|e| npz_err(path, "eps", e))?;
        Ok(Model {
            cache: std::iter::repeat_with(OnceLock::new)
                .take(NUM_CHUNKS * VOCAB_ROWS)
                .collect(),
            cached: AtomicUsize::new(0),
            cache_limit: PIECE_CACHE_ROWS,
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

    /// Sets the most piece rows the cache may hold (rows already cached stay).
    pub fn set_cache_limit(&mut self, rows: usize) {
        self.cache_limit = rows;
    }

    /// Number of cached piece rows.
    pub fn cached_pieces(&self) -> usize {
        self.cached.load(Ordering::Relaxed)
    }

    /// Number of embedding rows (piece ids at or above it are read as UNK).
    pub fn vocab_rows(&self) -> usize {
        NUM_CHUNKS * VOCAB_ROWS
    }

    /// Embeds each token sequence (BOS .. EOS ids) independently; returns one L2-normalised row per sequence.
    pub fn forward(&self, seqs: &[&[u32]]) -> Array2<f32> {
        let unk = crate::tokenizer::UNK_ID as usize;
        let mut ids: Vec<usize> = Vec::new();
        let mut spans: Vec<(usize, usize)> = Vec::with_capacity(seqs.len());
        for seq in seqs {
            let start = ids.len();
            if seq.is_empty() {
                ids.push(unk);
            } else {
                ids.extend(seq.iter().map(|&id| {
                    let id = id as usize;
                    if id < self.vocab_rows() {
                        id
                    } else {
                        unk
                    }
                }));
            }
            spans.push((start, ids.len()));
        }
        let n_tokens = ids.len();

        // per-piece rows: cached ones, and the batch's missing ones computed in one go
        let (fresh_index, fresh) = self.fresh_pieces(&ids);
        let rows: Vec<&[f32]> = ids
            .iter()
            .map(|&id| {
                let cached = self.cache.get(id).and_then(OnceLock::get).map(|r| &r[..]);
                let local = fresh_index
                    .get(&id)
                    .and_then(|&k| fresh.get(k * PIECE_DIM..(k + 1) * PIECE_DIM));
                cached.or(local).unwrap_or(&ZERO_PIECE)
            })
            .collect();

        let mut feats = vec![0.0f32; n_tokens * FEAT_DIM];
        for (row, &id) in feats.chunks_exact_mut(FEAT_DIM).zip(&ids) {
            self.dequantize(id, &mut row[..EMB_DIM]);
        }

        let mut h = vec![0.0f32; n_tokens * CNN_DIM];
        for (i, branch) in self.branches.iter().enumerate() {
            // first convolution: sum of the cached per-slot products of the window's pieces
            for &(start, end) in &spans {
                for t in start..end {
                    let ht = &mut h[t * CNN_DIM..(t + 1) * CNN_DIM];
                    ht.copy_from_slice(&branch.b1);
                    for (k, p) in window(t, start, end, branch.order, branch.left) {
                        let off = branch.tap_off + k * CNN_DIM;
                        add_into(ht, &rows[p][off..off + CNN_DIM]);
                    }
                    relu_add(ht, &rows[t][i * CNN_DIM..(i + 1) * CNN_DIM]);
                }
            }
            // second convolution: every slot of every token in one GEMM, then shifted sums
            let Ok(hm) = ArrayView2::from_shape((n_tokens, CNN_DIM), &h[..]) else {
                continue;
            };
            let (q, _) = hm.dot(&branch.taps2).into_raw_vec_and_offset();
            let width = branch.order * CNN_DIM;
            let off = EMB_DIM + i * CNN_DIM;
            for &(start, end) in &spans {
                for t in start..end {
                    let ft = &mut feats[t * FEAT_DIM + off..t * FEAT_DIM + off + CNN_DIM];
                    ft.copy_from_slice(&branch.b2);
                    for (k, p) in window(t, start, end, branch.order, branch.left) {
                        let from = p * width + k * CNN_DIM;
                        add_into(ft, &q[from..from + CNN_DIM]);
                    }
                    relu_add(ft, &h[t * CNN_DIM..(t + 1) * CNN_DIM]);
                }
            }
        }

        // layer norm, then sum-then-project: the token sum commutes with the linear output projection
        let mut sums = Array2::<f32>::zeros((seqs.len(), FEAT_DIM));
        let mut acc = vec![0.0f32; FEAT_DIM];
        for (mut sum, &(start, end)) in sums.outer_iter_mut().zip(&spans) {
            acc.fill(0.0);
            for row in feats[start * FEAT_DIM..end * FEAT_DIM].chunks_exact_mut(FEAT_DIM) {
                layernorm(
                    ArrayViewMut1::from(&mut *row),
                    self.ln_g.view(),
                    self.ln_b.view(),
                    self.eps,
                );
                add_into(&mut acc, row);
            }
            sum.assign(&ArrayView1::from(&acc[..]));
        }
        let mut mean = sums.dot(&self.cnn_w);
        for (mut row, &(start, end)) in mean.outer_iter_mut().zip(&spans) {
            let len = (end - start) as f32;
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

    /// Writes the dequantized embedding of piece `id` into `out`.
    fn dequantize<'a>(&self, id: usize, out: impl IntoIterator<Item = &'a mut f32>) {
        let chunk = id % NUM_CHUNKS;
        let (Some(&scale), Some(&lo), Some(src)) = (
            self.scale.get(chunk),
            self.lo.get(chunk),
            self.table.get(id * EMB_DIM..(id + 1) * EMB_DIM),
        ) else {
            return;
        };
        for (d, &q) in out.into_iter().zip(src) {
            *d = f32::from(q) * scale + lo;
        }
    }

    /// Piece rows of the distinct `ids` not yet cached: (id -> row number, rows of [`PIECE_DIM`] floats). Each
    /// row holds the layer-normed projections of the piece (all branches), then each branch's first-convolution
    /// products `x · W1[k]` for every window slot `k`. Rows are stored in the cache while it has room.
    fn fresh_pieces(&self, ids: &[usize]) -> (HashMap<usize, usize>, Vec<f32>) {
        let mut index: HashMap<usize, usize> = HashMap::new();
        let mut missing: Vec<usize> = Vec::new();
        for &id in ids {
            if self.cache.get(id).is_some_and(|c| c.get().is_none()) {
                index.entry(id).or_insert_with(|| {
                    missing.push(id);
                    missing.len() - 1
                });
            }
        }
        if missing.is_empty() {
            return (index, Vec::new());
        }
        let mut emb = Array2::<f32>::zeros((missing.len(), EMB_DIM));
        for (mut row, &id) in emb.outer_iter_mut().zip(&missing) {
            self.dequantize(id, row.iter_mut());
        }
        let mut x = emb.dot(&self.proj_w);
        x += &self.proj_b;
        for row in x.outer_iter_mut() {
            layernorm(row, self.ln_g_all.view(), self.ln_b_all.view(), self.eps);
        }
        let mut out = Array2::<f32>::zeros((missing.len(), PIECE_DIM));
        out.slice_axis_mut(Axis(1), Slice::from(..PROJ_DIM)).assign(&x);
        for (i, branch) in self.branches.iter().enumerate() {
            let xi = x.slice_axis(Axis(1), Slice::from(i * CNN_DIM..(i + 1) * CNN_DIM));
            let cols = branch.tap_off..branch.tap_off + branch.order * CNN_DIM;
            general_mat_mul(
                1.0,
                &xi,
                &branch.taps1,
                0.0,
                &mut out.slice_axis_mut(Axis(1), Slice::from(cols)),
            );
        }
        let (flat, _) = out.into_raw_vec_and_offset();
        for (k, &id) in missing.iter().enumerate() {
            if self.cached.load(Ordering::Relaxed) >= self.cache_limit {
                break;
            }
            if let (Some(cell), Some(row)) =
                (self.cache.get(id), flat.get(k * PIECE_DIM..(k + 1) * PIECE_DIM))
            {
                if cell.set(row.into()).is_ok() {
                    self.cached.fetch_add(1, Ordering::Relaxed);
                }
            }
        }
        (index, flat)
    }
}

/// `acc += x`, element by element.
fn add_into(acc: &mut [f32], x: &[f32]) {
    for (a, &v) in acc.iter_mut().zip(x) {
        *a += v;
    }
}

/// `acc = relu(acc) + x` (the convolutions' residual connection), element by element.
fn relu_add(acc: &mut [f32], x: &[f32]) {
    for (a, &v) in acc.iter_mut().zip(x) {
        *a = a.max(0.0) + v;
    }
}

/// Window slots of token `t` in its sequence `start..end`: `(k, p)` for each slot `k < order` whose source token
/// `p = t + k - left` lies inside the sequence (slots outside read zero padding and are skipped).
fn window(
    t: usize,
    start: usize,
    end: usize,
    order: usize,
    left: usize,
) -> impl Iterator<Item = (usize, usize)> {
    (0..order).filter_map(move |k| {
        (t + k)
            .checked_sub(left)
            .filter(|p| (start..end).contains(p))
            .map(|p| (k, p))
    })
}

/// Layer norm of one row in place.
pub(crate) fn layernorm(
    mut row: ArrayViewMut1<f32>,
    gamma: ArrayView1<f32>,
    beta: ArrayView1<f32>,
    eps: f32,
) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn windows_stop_at_sequence_bounds() {
        // order 3, one token of left context; a sequence of tokens 3..5
        let slots = |t| window(t, 3, 5, 3, 1).collect::<Vec<_>>();
        assert_eq!(slots(3), vec![(1, 3), (2, 4)]);
        assert_eq!(slots(4), vec![(0, 3), (1, 4)]);
        // order 2, no left context: the last token sees only itself
        assert_eq!(window(0, 0, 1, 2, 0).collect::<Vec<_>>(), vec![(0, 0)]);
        // order 5, two left: the middle of a long sequence sees all five slots
        assert_eq!(
            window(10, 0, 20, 5, 2).map(|(_, p)| p).collect::<Vec<_>>(),
            vec![8, 9, 10, 11, 12]
        );
    }

    #[test]
    fn side_by_side_products_equal_the_stacked_product() {
        let order = 3;
        let w = Array2::from_shape_fn((order * CNN_DIM, CNN_DIM), |(i, j)| {
            ((i * 7 + j * 3) % 11) as f32 - 5.0
        });
        let window: Vec<Array1<f32>> = (0..order)
            .map(|k| Array1::from_shape_fn(CNN_DIM, |j| ((j + k * 5) % 7) as f32 * 0.5 - 1.0))
            .collect();
        let mut stacked = Array1::<f32>::zeros(order * CNN_DIM);
        for (k, x) in window.iter().enumerate() {
            stacked
                .slice_axis_mut(Axis(0), Slice::from(k * CNN_DIM..(k + 1) * CNN_DIM))
                .assign(x);
        }
        let want = stacked.dot(&w);
        let taps = side_by_side(&w, order);
        let mut got = Array1::<f32>::zeros(CNN_DIM);
        for (k, x) in window.iter().enumerate() {
            got += &x
                .dot(&taps)
                .slice_axis(Axis(0), Slice::from(k * CNN_DIM..(k + 1) * CNN_DIM));
        }
        assert_eq!(got, want);
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
