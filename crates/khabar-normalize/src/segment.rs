//! Sentence and word splitting with char offsets, for English and Arabic.

use khabar_model::Sentence;
use unicode_segmentation::UnicodeSegmentation;

/// A word token with its char span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word<'a> {
    /// Char start in the text.
    pub start: usize,
    /// Char end (exclusive).
    pub end: usize,
    /// The word as written.
    pub text: &'a str,
}

/// Splits text into words (Unicode word boundaries, punctuation dropped) with char offsets.
pub fn words(text: &str) -> Vec<Word<'_>> {
    let mut out = Vec::new();
    let mut char_pos = 0usize;
    let mut byte_pos = 0usize;
    for (b, w) in text.split_word_bound_indices() {
        char_pos += text[byte_pos..b].chars().count();
        byte_pos = b;
        let n = w.chars().count();
        if w.chars().any(|c| c.is_alphanumeric()) {
            out.push(Word {
                start: char_pos,
                end: char_pos + n,
                text: w,
            });
        }
    }
    out
}

const ABBREVIATIONS: [&str; 24] = [
    "mr", "mrs", "ms", "dr", "gen", "col", "lt", "sgt", "capt", "maj", "prof", "st", "no", "vs", "jan",
    "feb", "aug", "sept", "oct", "nov", "dec", "u.s", "u.n", "u.k",
];

fn is_terminator(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '؟' | '。' | '…')
}

/// Splits text into sentences with char spans. Breaks at line breaks and at `. ! ? ؟` followed by space, except
/// after common abbreviations, single capitals ("A. Smith") and inside numbers ("3.5"). Spans are trimmed.
pub fn sentences(text: &str) -> Vec<Sentence> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut start = 0usize;
    let mut i = 0usize;
    while i < chars.len() {
        let c = chars[i];
        let mut cut: Option<usize> = None;
        if c == '\n' {
            cut = Some(i);
        } else if is_terminator(c) {
            // swallow runs of terminators and closing quotes/brackets
            let mut j = i + 1;
            while j < chars.len()
                && (is_terminator(chars[j]) || matches!(chars[j], '"' | '\'' | '”' | '’' | '»' | ')' | ']'))
            {
                j += 1;
            }
            let followed_by_space = j >= chars.len() || chars[j].is_whitespace();
            let keeps = c == '.' && (is_abbreviation(&chars, start, i) || is_enumerator(&chars, start, i));
            if followed_by_space && !keeps {
                cut = Some(j);
            }
            i = j.max(i + 1) - 1;
        }
        if let Some(end) = cut {
            push_trimmed(&chars, start, end, &mut out);
            start = end;
        }
        i += 1;
    }
    push_trimmed(&chars, start, chars.len(), &mut out);
    out
}

fn is_abbreviation(chars: &[char], sentence_start: usize, dot: usize) -> bool {
    let mut k = dot;
    while k > sentence_start && (chars[k - 1].is_alphabetic() || chars[k - 1] == '.') {
        k -= 1;
    }
    let word: String = chars[k..dot].iter().collect::<String>().to_lowercase();
    if word.is_empty() {
        return false;
    }
    if word.chars().count() == 1 && chars[k].is_uppercase() {
        return true;
    }
    ABBREVIATIONS.contains(&word.as_str())
}

/// A list item's number at the start of a sentence ("1. Iraqi Air Force jets struck ..."): one or two digits.
fn is_enumerator(chars: &[char], sentence_start: usize, dot: usize) -> bool {
    let before = &chars[sentence_start..dot];
    let lead = before
        .iter()
        .position(|c| !c.is_whitespace())
        .map_or(&before[before.len()..], |k| &before[k..]);
    (1..=2).contains(&lead.len()) && lead.iter().all(char::is_ascii_digit)
}

fn push_trimmed(chars: &[char], mut s: usize, mut e: usize, out: &mut Vec<Sentence>) {
    while s < e && chars[s].is_whitespace() {
        s += 1;
    }
    while e > s && chars[e - 1].is_whitespace() {
        e -= 1;
    }
    if e > s {
        out.push(Sentence {
            start: s,
            end: e,
            text: chars[s..e].iter().collect(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_sentences_keep_abbreviations_and_decimals() {
        let t = "Gen. Joseph Votel spoke. About 3.5 km away, U.S. jets struck!\nNew line here";
        let s: Vec<String> = sentences(t).into_iter().map(|s| s.text).collect();
        assert_eq!(
            s,
            vec![
                "Gen. Joseph Votel spoke.",
                "About 3.5 km away, U.S. jets struck!",
                "New line here"
            ]
        );
    }

    #[test]
    fn a_numbered_item_keeps_its_number() {
        let t = "Daily summary, Monday 2 June\n1. Jets struck a hideout. Four were killed.\n12. Teams removed mines.";
        let s: Vec<String> = sentences(t).into_iter().map(|s| s.text).collect();
        assert_eq!(
            s,
            vec![
                "Daily summary, Monday 2 June",
                "1. Jets struck a hideout.",
                "Four were killed.",
                "12. Teams removed mines."
            ]
        );
    }

    #[test]
    fn arabic_sentences_split_and_spans_are_char_offsets() {
        let t = "قال بالي إن القوات تقدمت. هل انتهت المعركة؟ لا";
        let s = sentences(t);
        assert_eq!(s.len(), 3);
        let chars: Vec<char> = t.chars().collect();
        for sent in &s {
            assert_eq!(chars[sent.start..sent.end].iter().collect::<String>(), sent.text);
        }
        assert_eq!(s[1].text, "هل انتهت المعركة؟");
    }

    #[test]
    fn words_have_char_offsets() {
        let t = "«قسد» took Baghuz";
        let w = words(t);
        let texts: Vec<&str> = w.iter().map(|w| w.text).collect();
        assert_eq!(texts, vec!["قسد", "took", "Baghuz"]);
        assert_eq!((w[0].start, w[0].end), (1, 4));
    }
}
