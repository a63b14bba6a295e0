//! Conversions between byte offsets (what Rust string APIs give) and char offsets (what the contract uses).

/// Maps byte offsets of one text to char offsets in O(log n) per lookup.
#[derive(Debug, Clone)]
pub struct CharIndex {
    /// Byte offset of every char start, plus the text length at the end.
    starts: Vec<usize>,
}

impl CharIndex {
    /// Indexes `text`.
    pub fn new(text: &str) -> CharIndex {
        let mut starts: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
        starts.push(text.len());
        CharIndex { starts }
    }

    /// Char offset of a byte offset; a byte inside a char maps to that char's start.
    pub fn char_of_byte(&self, byte: usize) -> usize {
        match self.starts.binary_search(&byte) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    /// Byte offset of a char offset (clamped to the text length).
    pub fn byte_of_char(&self, ch: usize) -> usize {
        self.starts[ch.min(self.starts.len() - 1)]
    }

    /// Number of chars in the text.
    pub fn len_chars(&self) -> usize {
        self.starts.len() - 1
    }
}

/// Converts a byte range of `text` to a char span.
pub fn char_span_of_bytes(text: &str, start: usize, end: usize) -> [usize; 2] {
    let idx = CharIndex::new(text);
    [idx.char_of_byte(start), idx.char_of_byte(end)]
}

/// Converts many byte offsets at once (sorted or not).
pub fn byte_to_char_offsets(text: &str, bytes: &[usize]) -> Vec<usize> {
    let idx = CharIndex::new(text);
    bytes.iter().map(|&b| idx.char_of_byte(b)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arabic_offsets_count_chars_not_bytes() {
        let text = "قال بالي: 50 قتيلا";
        let byte = text.find("50").unwrap();
        let idx = CharIndex::new(text);
        let ch = idx.char_of_byte(byte);
        assert_eq!(text.chars().skip(ch).take(2).collect::<String>(), "50");
        assert_eq!(idx.byte_of_char(ch), byte);
        assert_eq!(idx.len_chars(), text.chars().count());
        assert_eq!(char_span_of_bytes(text, byte, byte + 2), [ch, ch + 2]);
    }
}
