//! A file of embeddings already computed, keyed by model and input, so that a rerun over the same texts (an
//! evaluation refitted after a feature change, say) skips the forward passes.
//!
//! The key of a vector is a 128-bit xxh3 hash of the model's fingerprint (its weights, and the adapter merged into
//! them) and of everything the input is made of, so a changed model or text never reads a stale vector. The file
//! is append-only: a header, then records of `key (16 bytes LE) · dim (u32 LE) · dim × f32 LE`. A run that dies
//! while appending leaves a short last record, which the next open drops. One process writes a cache file at a
//! time: two appending to the same file could interleave their records.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use xxhash_rust::xxh3::Xxh3;

use crate::EncoderError;

const MAGIC: &[u8; 8] = b"KHVEC1\n\0";

/// Widest vector a record may hold (a corrupt length field must not allocate gigabytes).
const MAX_DIM: usize = 1 << 16;

/// Embeddings by key, loaded from and appended to one file ([`VectorCache::open`]). `&VectorCache` is `Sync`.
#[derive(Debug)]
pub struct VectorCache {
    path: PathBuf,
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    map: HashMap<u128, Vec<f32>>,
    /// Keys added since the last [`VectorCache::flush`], in order.
    pending: Vec<u128>,
    /// Vectors served from the file or from earlier puts.
    hits: usize,
    /// Lookups that found nothing.
    misses: usize,
    /// Short last records dropped on open.
    dropped: usize,
}

/// Counts of a cache's use since it was opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CacheStats {
    /// Vectors held.
    pub vectors: usize,
    /// Lookups answered.
    pub hits: usize,
    /// Lookups not answered (computed, then added).
    pub misses: usize,
    /// Records of the file that could not be read (a short last record from a run that died while writing).
    pub dropped: usize,
}

impl VectorCache {
    /// Opens the cache file `path`, reading every whole record; a missing file is an empty cache (created on the
    /// first [`Self::flush`]). A file that is not a cache fails with [`EncoderError::BadWeights`].
    pub fn open(path: &Path) -> Result<VectorCache, EncoderError> {
        let io = |e| EncoderError::Io(path.display().to_string(), e);
        let mut inner = Inner::default();
        match std::fs::read(path) {
            Ok(data) => {
                inner.dropped = read_records(&data, &mut inner.map)
                    .map_err(|m| EncoderError::BadWeights(format!("{}: {m}", path.display())))?;
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io(e)),
        }
        let dropped = inner.dropped;
        let cache = VectorCache {
            path: path.to_path_buf(),
            inner: Mutex::new(inner),
        };
        if dropped > 0 {
            // rewrite without the broken tail, so appends start on a record boundary
            cache.rewrite()?;
        }
        Ok(cache)
    }

    /// The file this cache reads and appends to.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // a panic while holding the lock leaves a map that is still whole: keep using it
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The vector stored under `key`, counting a hit or a miss.
    pub fn get(&self, key: u128) -> Option<Vec<f32>> {
        let mut inner = self.lock();
        let found = inner.map.get(&key).cloned();
        if found.is_some() {
            inner.hits += 1;
        } else {
            inner.misses += 1;
        }
        found
    }

    /// Stores `vector` under `key` (written to the file by the next [`Self::flush`]).
    pub fn put(&self, key: u128, vector: Vec<f32>) {
        let mut inner = self.lock();
        if inner.map.insert(key, vector).is_none() {
            inner.pending.push(key);
        }
    }

    /// Appends the vectors added since the last flush to the file; returns how many were written.
    pub fn flush(&self) -> Result<usize, EncoderError> {
        let mut inner = self.lock();
        if inner.pending.is_empty() {
            return Ok(0);
        }
        let io = |e| EncoderError::Io(self.path.display().to_string(), e);
        // no file yet, or an empty one: the header goes first
        let new_file = std::fs::metadata(&self.path).map_or(true, |m| m.len() == 0);
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
            .map_err(io)?;
        let mut buf = Vec::new();
        if new_file {
            buf.extend_from_slice(MAGIC);
        }
        for key in &inner.pending {
            if let Some(v) = inner.map.get(key) {
                encode_record(*key, v, &mut buf);
            }
        }
        file.write_all(&buf).map_err(io)?;
        let written = inner.pending.len();
        inner.pending.clear();
        Ok(written)
    }

    /// Writes every vector afresh (after dropping a broken tail).
    fn rewrite(&self) -> Result<(), EncoderError> {
        let io = |e| EncoderError::Io(self.path.display().to_string(), e);
        let inner = self.lock();
        let mut buf = MAGIC.to_vec();
        for (key, v) in &inner.map {
            encode_record(*key, v, &mut buf);
        }
        let tmp = self.path.with_extension("tmp");
        std::fs::write(&tmp, &buf).map_err(io)?;
        std::fs::rename(&tmp, &self.path).map_err(io)
    }

    /// Use counts since the cache was opened.
    pub fn stats(&self) -> CacheStats {
        let inner = self.lock();
        CacheStats {
            vectors: inner.map.len(),
            hits: inner.hits,
            misses: inner.misses,
            dropped: inner.dropped,
        }
    }
}

fn encode_record(key: u128, v: &[f32], buf: &mut Vec<u8>) {
    buf.extend_from_slice(&key.to_le_bytes());
    buf.extend_from_slice(&(v.len() as u32).to_le_bytes());
    for x in v {
        buf.extend_from_slice(&x.to_le_bytes());
    }
}

/// Reads the records of a cache file into `map`; returns 1 when a short last record was dropped, 0 otherwise.
fn read_records(data: &[u8], map: &mut HashMap<u128, Vec<f32>>) -> Result<usize, String> {
    if data.is_empty() {
        return Ok(0);
    }
    let body = data
        .strip_prefix(MAGIC.as_slice())
        .ok_or_else(|| "not an embedding cache (bad header)".to_string())?;
    let mut at = 0;
    while at < body.len() {
        let Some(head) = body.get(at..at + 20) else {
            return Ok(1);
        };
        let mut k = [0u8; 16];
        k.copy_from_slice(&head[..16]);
        let dim = u32::from_le_bytes([head[16], head[17], head[18], head[19]]) as usize;
        if dim > MAX_DIM {
            return Err(format!(
                "record at byte {} claims {dim} dimensions",
                at + MAGIC.len()
            ));
        }
        let Some(values) = body.get(at + 20..at + 20 + 4 * dim) else {
            return Ok(1);
        };
        let v = values
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect();
        map.insert(u128::from_le_bytes(k), v);
        at += 20 + 4 * dim;
    }
    Ok(0)
}

/// Builds a cache key from a model fingerprint and the parts of one input.
#[derive(Clone)]
pub struct CacheKey(Xxh3);

impl CacheKey {
    /// A key for inputs of the model with fingerprint `model`.
    pub fn new(model: u64) -> CacheKey {
        let mut h = Xxh3::new();
        h.update(&model.to_le_bytes());
        CacheKey(h)
    }

    /// Adds one part (its length first, so parts cannot run into each other).
    pub fn part(mut self, bytes: &[u8]) -> CacheKey {
        self.0.update(&(bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
        self
    }

    /// The 128-bit key.
    pub fn finish(&self) -> u128 {
        self.0.digest128()
    }
}

/// 64-bit xxh3 of `bytes`: a model file's fingerprint.
pub fn fingerprint(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("khabar-vec-cache-{}-{name}", std::process::id()));
        let _ = std::fs::remove_file(&dir);
        dir
    }

    #[test]
    fn vectors_survive_a_reopen_and_appends_add_to_them() {
        let path = temp("reopen");
        let cache = VectorCache::open(&path).expect("empty cache");
        let k1 = CacheKey::new(7).part(b"text one").finish();
        let k2 = CacheKey::new(7).part(b"text two").finish();
        assert_eq!(cache.get(k1), None);
        cache.put(k1, vec![0.5, -1.0, 2.0]);
        assert_eq!(cache.flush().expect("flush"), 1);
        assert_eq!(cache.flush().expect("nothing new"), 0);
        let cache = VectorCache::open(&path).expect("reopen");
        assert_eq!(cache.get(k1), Some(vec![0.5, -1.0, 2.0]));
        cache.put(k2, vec![1.0; 4]);
        cache.flush().expect("append");
        let cache = VectorCache::open(&path).expect("reopen again");
        assert_eq!(cache.get(k2), Some(vec![1.0; 4]));
        assert_eq!(cache.get(k1), Some(vec![0.5, -1.0, 2.0]));
        let s = cache.stats();
        assert_eq!((s.vectors, s.hits, s.misses), (2, 2, 0));
        let _ = std::fs::remove_file(&path);
    }

    #[test]
    fn keys_separate_models_and_parts() {
        let a = CacheKey::new(1).part(b"ab").part(b"c").finish();
        assert_ne!(a, CacheKey::new(2).part(b"ab").part(b"c").finish());
        assert_ne!(a, CacheKey::new(1).part(b"a").part(b"bc").finish());
        assert_eq!(a, CacheKey::new(1).part(b"ab").part(b"c").finish());
    }

    #[test]
    fn a_short_last_record_is_dropped_and_the_rest_kept() {
        let path = temp("torn");
        let cache = VectorCache::open(&path).expect("empty");
        cache.put(1, vec![1.0, 2.0]);
        cache.put(2, vec![3.0, 4.0]);
        cache.flush().expect("flush");
        let mut data = std::fs::read(&path).expect("read");
        data.truncate(data.len() - 3);
        std::fs::write(&path, &data).expect("write");
        let cache = VectorCache::open(&path).expect("torn file opens");
        assert_eq!((cache.stats().vectors, cache.stats().dropped), (1, 1));
        cache.put(3, vec![5.0]);
        cache.flush().expect("append after repair");
        let cache = VectorCache::open(&path).expect("reopen");
        assert_eq!(cache.stats().vectors, 2);
        assert_eq!(cache.get(3), Some(vec![5.0]));
        let _ = std::fs::remove_file(&path);
    }

    #[test]
    fn an_empty_file_gets_the_header_on_first_flush() {
        let path = temp("empty");
        std::fs::write(&path, b"").expect("touch");
        let cache = VectorCache::open(&path).expect("empty file is an empty cache");
        cache.put(9, vec![0.25]);
        cache.flush().expect("flush");
        assert_eq!(VectorCache::open(&path).expect("reopen").get(9), Some(vec![0.25]));
        let _ = std::fs::remove_file(&path);
    }

    #[test]
    fn a_file_that_is_not_a_cache_is_refused() {
        let path = temp("foreign");
        std::fs::write(&path, b"hello world, not vectors").expect("write");
        let err = VectorCache::open(&path).expect_err("foreign file");
        assert!(err.to_string().contains("not an embedding cache"), "{err}");
        let _ = std::fs::remove_file(&path);
    }
}
