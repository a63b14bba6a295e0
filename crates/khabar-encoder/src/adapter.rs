//! Low-rank adapters (LoRA, Hu et al. 2021) that fine-tune multilingual-e5-small for same-story similarity.
//!
//! The shipped file `data/e5-semeval-lora.npz` holds six rank-4 adapters over every linear map of the 12 layers,
//! trained with a CoSENT ranking loss on the SemEval-2022 Task 8 training pairs (`tools/e5-finetune/`): `all` on
//! every pair (what the product runs), and `fold0`..`fold4` each on the pairs outside one fold of the evaluation's
//! grouped 5-fold split, leaving out any pair that shares a document with that fold. Each adapter also lists the
//! documents (SemEval ids, digits only) it was trained on, so an evaluation can refuse an adapter that has seen a
//! test document ([`LoraModel::trained_on_any`]).
//!
//! An adapter is merged into the dequantized weights at load (`W += B·A`), so it costs nothing per text.
//! Arrays: `<model>.l<L>.<q|k|v|ao|fi|fo>.A` (`[rank, in]`) and `.B` (`[out, rank]`, already scaled by
//! alpha / rank), both f16 stored as their u16 bits, and `<model>.docs` (u64).

use std::collections::{BTreeMap, BTreeSet};
use std::io::Cursor;
use std::sync::OnceLock;

use ndarray::{Array1, Array2};
use ndarray_npy::NpzReader;

use crate::EncoderError;

/// The linear maps of one layer an adapter may change, as the file names them.
pub(crate) const TARGETS: [&str; 6] = ["q", "k", "v", "ao", "fi", "fo"];

/// The adapters this build ships (see the module docs).
const SHIPPED: &[u8] = include_bytes!("../data/e5-semeval-lora.npz");

/// Name of the shipped adapter trained on every SemEval training pair: the one the product applies.
pub const E5_ADAPTER_ALL: &str = "all";

/// One low-rank update `B·A` of a linear map.
#[derive(Debug, Clone)]
pub(crate) struct LoraDelta {
    /// Layer index.
    pub layer: usize,
    /// Which map of the layer ([`TARGETS`]).
    pub target: &'static str,
    /// `[rank, in]`.
    pub a: Array2<f32>,
    /// `[out, rank]`, scale included.
    pub b: Array2<f32>,
}

/// One adapter: its weight updates and the documents it was trained on.
#[derive(Debug, Clone)]
pub struct LoraModel {
    pub(crate) deltas: Vec<LoraDelta>,
    trained_on: BTreeSet<u64>,
}

impl LoraModel {
    /// Whether any of `docs` (SemEval document ids) was among this adapter's training documents.
    pub fn trained_on_any<'a>(&self, mut docs: impl Iterator<Item = &'a u64>) -> bool {
        docs.any(|d| self.trained_on.contains(d))
    }

    /// Number of training documents.
    pub fn training_documents(&self) -> usize {
        self.trained_on.len()
    }

    /// The training documents' ids.
    pub fn training_ids(&self) -> impl Iterator<Item = u64> + '_ {
        self.trained_on.iter().copied()
    }

    /// Hash of the weight updates (what an embedding cache keys a merged model by).
    pub fn fingerprint(&self) -> u64 {
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        for d in &self.deltas {
            h.update(&(d.layer as u64).to_le_bytes());
            h.update(d.target.as_bytes());
            for m in [&d.a, &d.b] {
                h.update(&(m.nrows() as u64).to_le_bytes());
                for x in m.iter() {
                    h.update(&x.to_le_bytes());
                }
            }
        }
        h.digest()
    }
}

/// A set of named adapters ([`E5Adapters::shipped`]).
#[derive(Debug, Clone)]
pub struct E5Adapters {
    models: BTreeMap<String, LoraModel>,
}

fn f16_matrix(bits: Array2<u16>) -> Array2<f32> {
    bits.mapv(|b| half::f16::from_bits(b).to_f32())
}

impl E5Adapters {
    /// The adapters built into this binary (parsed once).
    pub fn shipped() -> Result<&'static E5Adapters, EncoderError> {
        static CELL: OnceLock<Result<E5Adapters, String>> = OnceLock::new();
        CELL.get_or_init(|| E5Adapters::from_bytes(SHIPPED).map_err(|e| e.to_string()))
            .as_ref()
            .map_err(|e| EncoderError::BadWeights(e.clone()))
    }

    /// Parses an adapter file (the layout of the module docs).
    pub fn from_bytes(bytes: &[u8]) -> Result<E5Adapters, EncoderError> {
        let bad = |m: String| EncoderError::BadWeights(format!("e5 adapters: {m}"));
        let mut npz = NpzReader::new(Cursor::new(bytes)).map_err(|e| bad(e.to_string()))?;
        let names: BTreeSet<String> = npz
            .names()
            .map_err(|e| bad(e.to_string()))?
            .into_iter()
            .map(|n| n.strip_suffix(".npy").map(str::to_string).unwrap_or(n))
            .collect();
        let mut models: BTreeMap<String, LoraModel> = BTreeMap::new();
        for name in names.iter().filter_map(|n| n.strip_suffix(".docs")) {
            let docs: Array1<u64> = npz
                .by_name(&format!("{name}.docs"))
                .map_err(|e| bad(format!("{name}.docs: {e}")))?;
            let mut deltas = Vec::new();
            for layer in 0.. {
                let mut found = false;
                for target in TARGETS {
                    let key = format!("{name}.l{layer}.{target}");
                    if !names.contains(&format!("{key}.A")) {
                        continue;
                    }
                    found = true;
                    let a: Array2<u16> = npz
                        .by_name(&format!("{key}.A"))
                        .map_err(|e| bad(format!("{key}.A: {e}")))?;
                    let b: Array2<u16> = npz
                        .by_name(&format!("{key}.B"))
                        .map_err(|e| bad(format!("{key}.B: {e}")))?;
                    if a.nrows() != b.ncols() {
                        return Err(bad(format!("{key}: rank {} vs {}", a.nrows(), b.ncols())));
                    }
                    deltas.push(LoraDelta {
                        layer,
                        target,
                        a: f16_matrix(a),
                        b: f16_matrix(b),
                    });
                }
                if !found {
                    break;
                }
            }
            models.insert(
                name.to_string(),
                LoraModel {
                    deltas,
                    trained_on: docs.into_iter().collect(),
                },
            );
        }
        if models.is_empty() {
            return Err(bad("no adapter in the file".into()));
        }
        Ok(E5Adapters { models })
    }

    /// The adapter called `name`.
    pub fn get(&self, name: &str) -> Option<&LoraModel> {
        self.models.get(name)
    }

    /// Adapters by name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &LoraModel)> {
        self.models.iter().map(|(n, m)| (n.as_str(), m))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_adapters_cover_every_layer_and_fold() {
        let adapters = E5Adapters::shipped().expect("shipped adapters parse");
        let names: Vec<&str> = adapters.iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["all", "fold0", "fold1", "fold2", "fold3", "fold4"]);
        for (name, m) in adapters.iter() {
            assert_eq!(m.deltas.len(), 12 * TARGETS.len(), "{name}");
            assert!(
                m.deltas.iter().all(|d| d.a.nrows() == 4 && d.b.ncols() == 4),
                "{name}"
            );
        }
        // a fold adapter never trained on a document of its own test fold; the `all` one trained on more
        let all = adapters.get("all").expect("all");
        let fold0 = adapters.get("fold0").expect("fold0");
        assert!(all.training_documents() > fold0.training_documents() + 300);
        let unseen: Vec<u64> = all.trained_on.difference(&fold0.trained_on).copied().collect();
        assert!(all.trained_on_any(unseen.iter()) && !fold0.trained_on_any(unseen.iter()));
    }

    #[test]
    fn a_file_without_adapters_is_refused() {
        assert!(E5Adapters::from_bytes(b"not a zip").is_err());
    }
}
