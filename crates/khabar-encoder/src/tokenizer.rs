//! SentencePiece unigram tokenizer for the USE-m v3 `sp.model`, in pure Rust.
//!
//! A port of the reference Python package's `pure_tokenizer.py` (itself a port of sentencepiece's C++): the
//! `nmt_nfkc` normalizer walks the precompiled darts-clone charsmap exactly like `Normalizer::NormalizePrefix`,
//! whitespace is escaped to U+2581 with a dummy prefix, and segmentation is the unigram Viterbi with the C++
//! tie-breaking. The model file uses sentencepiece's legacy layout (pieces in field 1, the charsmap inside the
//! trainer spec in field 3), which the generic Rust crates do not read, hence this small module.

use std::collections::HashMap;

use crate::EncoderError;

/// Id of the unknown piece.
pub const UNK_ID: u32 = 0;
/// Id of the begin-of-sentence piece.
pub const BOS_ID: u32 = 1;
/// Id of the end-of-sentence piece.
pub const EOS_ID: u32 = 2;

const SPACE_SYMBOL: &str = "\u{2581}";

/// Protobuf fields of one message: field number -> (start, length) of each length-delimited or 32-bit value.
type Fields = HashMap<u64, Vec<(usize, usize)>>;

fn read_varint(data: &[u8], pos: &mut usize) -> Option<u64> {
    let mut result = 0u64;
    let mut shift = 0u32;
    loop {
        let byte = *data.get(*pos)?;
        *pos += 1;
        if shift < 64 {
            result |= u64::from(byte & 0x7f) << shift;
        }
        if byte & 0x80 == 0 {
            return Some(result);
        }
        shift += 7;
    }
}

/// Minimal protobuf reader over `data[start..end]`, enough for the sentencepiece model.
fn parse_fields(data: &[u8], start: usize, end: usize) -> Result<Fields, EncoderError> {
    let bad = || EncoderError::BadModel("truncated protobuf in sp.model".to_string());
    let mut fields: Fields = HashMap::new();
    let mut pos = start;
    while pos < end {
        let tag = read_varint(data, &mut pos).ok_or_else(bad)?;
        let field = tag >> 3;
        match tag & 7 {
            0 => {
                read_varint(data, &mut pos).ok_or_else(bad)?;
            }
            1 => pos += 8,
            2 => {
                let len = usize::try_from(read_varint(data, &mut pos).ok_or_else(bad)?).map_err(|_| bad())?;
                if pos.checked_add(len).is_none_or(|e| e > end) {
                    return Err(bad());
                }
                fields.entry(field).or_default().push((pos, len));
                pos += len;
            }
            5 => {
                fields.entry(field).or_default().push((pos, 4));
                pos += 4;
            }
            _ => break,
        }
    }
    if pos > end {
        return Err(bad());
    }
    Ok(fields)
}

/// The `nmt_nfkc` normalizer over a precompiled darts-clone charsmap.
#[derive(Debug, Default)]
struct CharsMap {
    units: Vec<u32>,
    normalized: Vec<u8>,
}

fn unit_offset(unit: u32) -> usize {
    ((unit >> 10) << ((unit & 0x200) >> 6)) as usize
}

impl CharsMap {
    fn parse(blob: &[u8]) -> Result<CharsMap, EncoderError> {
        if blob.is_empty() {
            return Ok(CharsMap::default());
        }
        let bad = || EncoderError::BadModel("malformed precompiled charsmap".to_string());
        let size_bytes: [u8; 4] = blob.get(..4).and_then(|b| b.try_into().ok()).ok_or_else(bad)?;
        let trie_size = u32::from_le_bytes(size_bytes) as usize;
        let trie = blob.get(4..4 + trie_size).ok_or_else(bad)?;
        let units = trie
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        let normalized = blob.get(4 + trie_size..).unwrap_or_default().to_vec();
        Ok(CharsMap { units, normalized })
    }

    /// Normalized bytes for the longest charsmap key at `data[pos..]`, and how many input bytes it consumed.
    fn normalize_prefix<'a>(&'a self, data: &'a [u8], pos: usize) -> (&'a [u8], usize) {
        let n = data.len();
        if pos >= n {
            return (&[], 0);
        }
        let mut best_len = 0usize;
        let mut best_value = 0usize;
        if let Some(&root) = self.units.first() {
            let mut node_pos = unit_offset(root);
            let mut i = pos;
            while i < n {
                let c = data[i];
                node_pos ^= usize::from(c);
                let Some(&unit) = self.units.get(node_pos) else {
                    break;
                };
                if (unit & 0x8000_00ff) != u32::from(c) {
                    break;
                }
                node_pos ^= unit_offset(unit);
                i += 1;
                if unit & 0x100 != 0 {
                    let Some(&leaf) = self.units.get(node_pos) else {
                        break;
                    };
                    best_len = i - pos;
                    best_value = (leaf & 0x7fff_ffff) as usize;
                }
            }
        }
        if best_len == 0 || best_value >= self.normalized.len() {
            let first = data[pos];
            let mut length = if first < 0x80 {
                1
            } else if first >> 5 == 0x6 {
                2
            } else if first >> 4 == 0xe {
                3
            } else if first >> 3 == 0x1e {
                4
            } else {
                1
            };
            if length > 1 && (1..length).any(|k| data.get(pos + k).is_none_or(|b| b & 0xc0 != 0x80)) {
                length = 1;
            }
            return (&data[pos..pos + length], length);
        }
        let tail = &self.normalized[best_value..];
        let end = tail.iter().position(|&b| b == 0).unwrap_or(tail.len());
        (&tail[..end], best_len)
    }

    /// Full sentencepiece normalization: charsmap, dummy prefix, whitespace escaping and squeezing.
    fn normalize(&self, text: &str) -> String {
        let raw = text.as_bytes();
        let n = raw.len();
        let mut pos = 0;
        while pos < n {
            let (piece, consumed) = self.normalize_prefix(raw, pos);
            if piece != b" " {
                break;
            }
            pos += consumed;
        }
        if pos >= n {
            return String::new();
        }
        let space = SPACE_SYMBOL.as_bytes();
        let mut out: Vec<u8> = Vec::with_capacity(n + 8);
        out.extend_from_slice(space);
        let mut is_prev_space = true;
        while pos < n {
            let (mut piece, consumed) = self.normalize_prefix(raw, pos);
            pos += consumed.max(1);
            if is_prev_space {
                while let [b' ', rest @ ..] = piece {
                    piece = rest;
                }
            }
            if let Some(&last) = piece.last() {
                for &byte in piece {
                    if byte == b' ' {
                        out.extend_from_slice(space);
                    } else {
                        out.push(byte);
                    }
                }
                is_prev_space = last == b' ';
            }
        }
        while out.ends_with(space) {
            out.truncate(out.len() - space.len());
        }
        String::from_utf8_lossy(&out).into_owned()
    }
}

/// Character trie of the pieces: the Viterbi walks it one char at a time from each start position.
#[derive(Debug, Default)]
struct Trie {
    /// Edges out of node `n` are `edges[first[n]..first[n + 1]]`, sorted by char.
    first: Vec<u32>,
    /// (char, child node) of every edge.
    edges: Vec<(char, u32)>,
    /// Piece id + 1 of the piece ending at each node; 0 where a node is only a prefix.
    values: Vec<u32>,
}

impl Trie {
    const ROOT: u32 = 0;

    fn build(pieces: &[String]) -> Trie {
        let mut children: HashMap<(u32, char), u32> = HashMap::with_capacity(pieces.len() * 4);
        let mut values = vec![0u32];
        for (id, piece) in pieces.iter().enumerate() {
            let mut node = Trie::ROOT;
            for c in piece.chars() {
                let next = values.len() as u32;
                node = *children.entry((node, c)).or_insert(next);
                if node == next {
                    values.push(0);
                }
            }
            if let Some(v) = values.get_mut(node as usize) {
                *v = id as u32 + 1;
            }
        }
        let mut sorted: Vec<((u32, char), u32)> = children.into_iter().collect();
        sorted.sort_unstable();
        let mut first = vec![0u32; values.len() + 1];
        for ((parent, _), _) in &sorted {
            if let Some(f) = first.get_mut(*parent as usize + 1) {
                *f += 1;
            }
        }
        for k in 1..first.len() {
            first[k] += first[k - 1];
        }
        let edges = sorted.into_iter().map(|((_, c), child)| (c, child)).collect();
        Trie { first, edges, values }
    }

    /// The node reached from `node` by `c`, if any piece continues that way.
    fn child(&self, node: u32, c: char) -> Option<u32> {
        let lo = *self.first.get(node as usize)? as usize;
        let hi = *self.first.get(node as usize + 1)? as usize;
        let edges = self.edges.get(lo..hi)?;
        let k = edges.binary_search_by_key(&c, |&(ch, _)| ch).ok()?;
        edges.get(k).map(|&(_, child)| child)
    }

    /// Piece id + 1 of the piece spelled by the path to `node`, 0 for a bare prefix.
    fn value(&self, node: u32) -> u32 {
        self.values.get(node as usize).copied().unwrap_or(0)
    }
}

/// Unigram SentencePiece model matching the reference tokenizer id for id.
#[derive(Debug)]
pub struct Tokenizer {
    scores: Vec<f32>,
    /// Every piece and every prefix of a piece.
    trie: Trie,
    max_piece_chars: usize,
    /// No piece holds U+2581 past its first char, so every escaped space starts a piece.
    split_at_spaces: bool,
    unk_score: f64,
    charsmap: CharsMap,
}

impl Tokenizer {
    /// Parses a legacy-layout sentencepiece `.model` file's bytes.
    pub fn from_bytes(data: &[u8]) -> Result<Tokenizer, EncoderError> {
        let top = parse_fields(data, 0, data.len())?;
        let mut pieces: Vec<String> = Vec::new();
        let mut scores: Vec<f32> = Vec::new();
        for &(start, len) in top.get(&1).map(Vec::as_slice).unwrap_or_default() {
            let fields = parse_fields(data, start, start + len)?;
            let Some(&(p_start, p_len)) = fields.get(&1).and_then(|v| v.first()) else {
                continue;
            };
            let piece = String::from_utf8_lossy(&data[p_start..p_start + p_len]).into_owned();
            let score = match fields.get(&2).and_then(|v| v.first()) {
                Some(&(s_start, _)) => data
                    .get(s_start..s_start + 4)
                    .and_then(|b| b.try_into().ok())
                    .map(f32::from_le_bytes)
                    .unwrap_or(0.0),
                None => 0.0,
            };
            pieces.push(piece);
            scores.push(score);
        }
        if pieces.is_empty() {
            return Err(EncoderError::BadModel("sp.model holds no pieces".to_string()));
        }
        let min_score = scores.iter().copied().fold(f32::INFINITY, f32::min);
        let max_piece_chars = pieces.iter().map(|p| p.chars().count()).max().unwrap_or(0);
        let trie = Trie::build(&pieces);
        let split_at_spaces = pieces.iter().all(|p| !p.chars().skip(1).any(|c| c == '\u{2581}'));
        let mut charsmap = CharsMap::default();
        if let Some(&(start, len)) = top.get(&3).and_then(|v| v.first()) {
            let trainer = parse_fields(data, start, start + len)?;
            if let Some(&(c_start, c_len)) = trainer.get(&2).and_then(|v| v.first()) {
                charsmap = CharsMap::parse(&data[c_start..c_start + c_len])?;
            }
        }
        Ok(Tokenizer {
            scores,
            trie,
            max_piece_chars,
            split_at_spaces,
            unk_score: f64::from(min_score) - 10.0,
            charsmap,
        })
    }

    /// Number of pieces in the vocabulary.
    pub fn vocab_size(&self) -> usize {
        self.scores.len()
    }

    /// Whether segmentation always breaks at spaces (no piece holds an escaped space past its first char): then
    /// the pieces of a text cut just before a space are the first pieces of the whole text.
    pub fn splits_at_spaces(&self) -> bool {
        self.split_at_spaces
    }

    /// The normalized form sentencepiece segments (spaces as U+2581, leading dummy space).
    pub fn normalize(&self, text: &str) -> String {
        self.charsmap.normalize(text)
    }

    /// Piece ids of `text`, wrapped in BOS and EOS as the encoder expects.
    pub fn encode(&self, text: &str) -> Vec<u32> {
        let normalized = self.normalize(text);
        let mut ids = Vec::with_capacity(normalized.len() / 3 + 3);
        ids.push(BOS_ID);
        if normalized.is_empty() {
            ids.push(UNK_ID);
        } else {
            self.viterbi(&normalized, &mut ids);
        }
        ids.push(EOS_ID);
        ids
    }

    /// Unigram Viterbi: for each end position keep the best-scoring piece, ties going to the earliest start.
    fn viterbi(&self, normalized: &str, out: &mut Vec<u32>) {
        let chars: Vec<char> = normalized.chars().collect();
        let len = chars.len();
        let mut best = vec![-1e38f64; len + 1];
        best[0] = 0.0;
        let mut start_of = vec![0usize; len + 1];
        let mut piece_of = vec![UNK_ID; len + 1];
        for i in 0..len {
            let base = best[i];
            let stop = (i + self.max_piece_chars).min(len);
            let mut has_single = false;
            let mut node = Trie::ROOT;
            for (j, &c) in (i + 1..=stop).zip(&chars[i..stop]) {
                let Some(next) = self.trie.child(node, c) else {
                    break;
                };
                node = next;
                let value = self.trie.value(node);
                if value > 0 {
                    let id = value - 1;
                    let score = base + f64::from(self.scores[id as usize]);
                    if score > best[j] {
                        best[j] = score;
                        start_of[j] = i;
                        piece_of[j] = id;
                    }
                    if j == i + 1 {
                        has_single = true;
                    }
                }
            }
            if !has_single {
                let score = base + self.unk_score;
                if score > best[i + 1] {
                    best[i + 1] = score;
                    start_of[i + 1] = i;
                    piece_of[i + 1] = UNK_ID;
                }
            }
        }
        let first = out.len();
        let mut p = len;
        while p > 0 {
            out.push(piece_of[p]);
            p = start_of[p];
        }
        if out.len() == first {
            out.push(UNK_ID);
        }
        out[first..].reverse();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varint_reads_multi_byte_values() {
        let data = [0xac, 0x02, 0x05];
        let mut pos = 0;
        assert_eq!(read_varint(&data, &mut pos), Some(300));
        assert_eq!(pos, 2);
        assert_eq!(read_varint(&data, &mut pos), Some(5));
        assert_eq!(read_varint(&data, &mut pos), None);
    }

    #[test]
    fn truncated_protobuf_is_an_error_not_a_panic() {
        // field 1, length-delimited, claims 10 bytes but only 2 follow
        let data = [0x0a, 0x0a, b'a', b'b'];
        assert!(parse_fields(&data, 0, data.len()).is_err());
        assert!(Tokenizer::from_bytes(&data).is_err());
        assert!(Tokenizer::from_bytes(&[]).is_err());
    }

    fn tiny_model() -> Tokenizer {
        // pieces: <unk>, <s>, </s>, ▁a, ▁ab, b, ▁ with scores; no charsmap
        let mut data = Vec::new();
        for (piece, score) in [
            ("<unk>", 0.0f32),
            ("<s>", 0.0),
            ("</s>", 0.0),
            ("▁a", -1.0),
            ("▁ab", -1.5),
            ("b", -2.0),
            ("▁", -3.0),
        ] {
            let mut msg = vec![0x0a, piece.len() as u8];
            msg.extend_from_slice(piece.as_bytes());
            msg.push(0x15);
            msg.extend_from_slice(&score.to_le_bytes());
            data.push(0x0a);
            data.push(msg.len() as u8);
            data.extend_from_slice(&msg);
        }
        Tokenizer::from_bytes(&data).unwrap()
    }

    #[test]
    fn pieces_with_inner_spaces_are_noticed() {
        assert!(tiny_model().splits_at_spaces());
        let mut data = Vec::new();
        for piece in ["<unk>", "\u{2581}a\u{2581}b"] {
            let mut msg = vec![0x0a, piece.len() as u8];
            msg.extend_from_slice(piece.as_bytes());
            data.push(0x0a);
            data.push(msg.len() as u8);
            data.extend_from_slice(&msg);
        }
        assert!(!Tokenizer::from_bytes(&data).unwrap().splits_at_spaces());
    }

    #[test]
    fn viterbi_prefers_the_best_total_score() {
        let tok = tiny_model();
        assert_eq!(tok.vocab_size(), 7);
        // "▁ab" (-1.5) beats "▁a" + "b" (-3.0)
        assert_eq!(tok.encode("ab"), vec![BOS_ID, 4, EOS_ID]);
        assert_eq!(tok.encode("  ab   a "), vec![BOS_ID, 4, 3, EOS_ID]);
        // unknown character becomes UNK, empty text a lone UNK
        assert_eq!(tok.encode("a z"), vec![BOS_ID, 3, 6, UNK_ID, EOS_ID]);
        assert_eq!(tok.encode("   "), vec![BOS_ID, UNK_ID, EOS_ID]);
    }
}
