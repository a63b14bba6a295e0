//! Alias indexes: an `fst` map from a key to a posting list of entry references, walkable token by token.

use fst::raw::{Fst, Output};
use fst::{Map, MapBuilder};
use std::collections::BTreeMap;

/// An alias index: key → list of `u32` references.
pub struct AliasIndex {
    map: Map<Vec<u8>>,
    postings: Vec<u32>,
}

/// A position inside an fst walk.
#[derive(Clone, Copy)]
pub struct WalkState {
    addr: fst::raw::CompiledAddr,
    out: Output,
}

impl AliasIndex {
    /// Builds an index from key → refs pairs (keys need not be sorted or unique).
    pub fn build(pairs: impl IntoIterator<Item = (String, u32)>) -> Result<AliasIndex, fst::Error> {
        let mut grouped: BTreeMap<String, Vec<u32>> = BTreeMap::new();
        for (k, v) in pairs {
            if k.is_empty() {
                continue;
            }
            let list = grouped.entry(k).or_default();
            if !list.contains(&v) {
                list.push(v);
            }
        }
        let mut postings = Vec::new();
        let mut builder = MapBuilder::memory();
        for (k, list) in grouped {
            let off = postings.len() as u64;
            postings.push(list.len() as u32);
            postings.extend_from_slice(&list);
            builder.insert(k.as_bytes(), off)?;
        }
        let map = Map::new(builder.into_inner()?)?;
        Ok(AliasIndex { map, postings })
    }

    /// Rebuilds an index from its serialized parts.
    pub fn from_parts(fst_bytes: Vec<u8>, postings_bytes: &[u8]) -> Result<AliasIndex, fst::Error> {
        let map = Map::new(fst_bytes)?;
        let postings = postings_bytes
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        Ok(AliasIndex { map, postings })
    }

    /// Serialized parts: fst bytes and little-endian postings.
    pub fn to_parts(&self) -> (&[u8], Vec<u8>) {
        let mut bytes = Vec::with_capacity(self.postings.len() * 4);
        for p in &self.postings {
            bytes.extend_from_slice(&p.to_le_bytes());
        }
        (self.map.as_fst().as_bytes(), bytes)
    }

    /// Number of keys.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Every key with its references (a full scan; for training and tests).
    pub fn entries(&self) -> Vec<(String, Vec<u32>)> {
        use fst::Streamer;
        let mut out = Vec::with_capacity(self.map.len());
        let mut stream = self.map.stream();
        while let Some((k, off)) = stream.next() {
            out.push((
                String::from_utf8_lossy(k).into_owned(),
                self.refs_at(off).to_vec(),
            ));
        }
        out
    }

    fn refs_at(&self, off: u64) -> &[u32] {
        let off = off as usize;
        let n = self.postings.get(off).copied().unwrap_or(0) as usize;
        self.postings.get(off + 1..off + 1 + n).unwrap_or(&[])
    }

    /// The references of an exact key.
    pub fn get(&self, key: &str) -> &[u32] {
        match self.map.get(key) {
            Some(off) => self.refs_at(off),
            None => &[],
        }
    }

    /// The start of a walk.
    pub fn start(&self) -> WalkState {
        WalkState {
            addr: self.fst().root().addr(),
            out: Output::zero(),
        }
    }

    fn fst(&self) -> &Fst<Vec<u8>> {
        self.map.as_fst()
    }

    /// Feeds bytes; `None` when no key continues this way.
    pub fn step(&self, state: WalkState, bytes: &[u8]) -> Option<WalkState> {
        let fst = self.fst();
        let mut node = fst.node(state.addr);
        let mut out = state.out;
        for &b in bytes {
            let i = node.find_input(b)?;
            let t = node.transition(i);
            out = out.cat(t.out);
            node = fst.node(t.addr);
        }
        Some(WalkState {
            addr: node.addr(),
            out,
        })
    }

    /// The references when the walk stands at the end of a key.
    pub fn finals(&self, state: WalkState) -> &[u32] {
        let node = self.fst().node(state.addr);
        if node.is_final() {
            self.refs_at(state.out.cat(node.final_output()).value())
        } else {
            &[]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walk_finds_multi_token_keys() {
        let idx = AliasIndex::build(vec![
            ("deir ez zor".to_string(), 1),
            ("deir".to_string(), 2),
            ("deir ez zor".to_string(), 3),
        ])
        .unwrap();
        let s = idx.step(idx.start(), b"deir").unwrap();
        assert_eq!(idx.finals(s), &[2]);
        let s = idx.step(s, b" ez").unwrap();
        assert!(idx.finals(s).is_empty());
        let s = idx.step(s, b" zor").unwrap();
        assert_eq!(idx.finals(s), &[1, 3]);
        assert!(idx.step(s, b"x").is_none());
        let (f, p) = idx.to_parts();
        let again = AliasIndex::from_parts(f.to_vec(), &p).unwrap();
        assert_eq!(again.get("deir ez zor"), &[1, 3]);
    }
}
