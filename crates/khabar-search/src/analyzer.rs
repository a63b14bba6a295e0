//! The two text analyzers registered in every khabar index.
//!
//! Both split on Unicode word boundaries (UAX #29, so Arabic combining marks stay inside their word) and run each
//! word through [`Normalizer::for_matching`] (diacritics, tatweel, alef/yeh/teh marbuta forms, digits, case).
//! [`ARABIC`] then light-stems Arabic words ("والباغوز" → "باغوز") and, when a word starts with a one-letter clitic
//! (و ف ب ل ك), also emits the clitic-free stem at the same position ("لقسد" → "لقسد" + "قسد", "بإدلب" → "بادلب" +
//! "ادلب"); [`ENGLISH`] applies tantivy's English Snowball stemmer ("strikes" → "strike"). Token offsets are byte offsets into the original text, so snippets highlight
//! the word as written.

use std::sync::Arc;

use khabar_normalize::{is_arabic, light_stem, prefix_variants, Normalizer};
use tantivy::tokenizer::{Language, Stemmer, TextAnalyzer, Token, TokenStream, Tokenizer};
use tantivy::Index;
use unicode_segmentation::{UWordBoundIndices, UnicodeSegmentation};

/// Name of the Arabic-aware analyzer (normalization + light stemming).
pub const ARABIC: &str = "khabar_ar";
/// Name of the English analyzer (normalization + Snowball English stemming).
pub const ENGLISH: &str = "khabar_en";

/// Words longer than this (in bytes, after normalization) are not indexed: they are junk (URLs, base64, garbage)
/// and tantivy caps term length anyway.
const MAX_TOKEN_BYTES: usize = 120;

/// Splits text into normalized words; with `arabic_stem` set, Arabic words are light-stemmed.
#[derive(Clone)]
pub struct KhabarTokenizer {
    normalizer: Arc<Normalizer>,
    arabic_stem: bool,
}

impl KhabarTokenizer {
    /// A tokenizer sharing `normalizer`; `arabic_stem` turns on Arabic light stemming.
    pub fn new(normalizer: Arc<Normalizer>, arabic_stem: bool) -> KhabarTokenizer {
        KhabarTokenizer {
            normalizer,
            arabic_stem,
        }
    }
}

/// The token stream of [`KhabarTokenizer`].
pub struct KhabarTokenStream<'a> {
    words: UWordBoundIndices<'a>,
    normalizer: &'a Normalizer,
    arabic_stem: bool,
    token: Token,
    next_position: usize,
    /// Clitic-free stems still to emit at the current token's position.
    variants: Vec<String>,
}

impl Tokenizer for KhabarTokenizer {
    type TokenStream<'a> = KhabarTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> KhabarTokenStream<'a> {
        KhabarTokenStream {
            words: text.split_word_bound_indices(),
            normalizer: &self.normalizer,
            arabic_stem: self.arabic_stem,
            token: Token::default(),
            next_position: 0,
            variants: Vec::new(),
        }
    }
}

impl TokenStream for KhabarTokenStream<'_> {
    fn advance(&mut self) -> bool {
        if let Some(variant) = self.variants.pop() {
            // Same offsets and position as the token just emitted.
            self.token.text = variant;
            return true;
        }
        for (offset, word) in self.words.by_ref() {
            if !word.chars().any(char::is_alphanumeric) {
                continue;
            }
            let normalized = normalize_word(self.normalizer, word);
            let text = if self.arabic_stem && normalized.chars().next().is_some_and(is_arabic) {
                let stem = light_stem(&normalized);
                for variant in prefix_variants(&normalized).into_iter().skip(1) {
                    let variant = light_stem(variant);
                    if variant != stem && !self.variants.contains(&variant) {
                        self.variants.push(variant);
                    }
                }
                stem
            } else {
                normalized
            };
            if text.is_empty() || text.len() > MAX_TOKEN_BYTES {
                self.variants.clear();
                continue;
            }
            self.token.offset_from = offset;
            self.token.offset_to = offset + word.len();
            self.token.position = self.next_position;
            self.token.position_length = 1;
            self.token.text = text;
            self.next_position += 1;
            return true;
        }
        false
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

/// True for chars the matching chain leaves as they are: printable ASCII but upper case, '`' and NUL, and the
/// basic Arabic letters (not the alef / yeh / teh marbuta / hamza-carrier forms it folds, nor tatweel).
fn is_stable(c: char) -> bool {
    if c.is_ascii() {
        return !c.is_ascii_uppercase() && c != '`' && c != '\0';
    }
    matches!(c, '\u{0621}' | '\u{0627}' | '\u{0628}' | '\u{062A}'..='\u{063A}' | '\u{0641}'..='\u{0648}' | '\u{064A}')
}

/// [`Normalizer::normalize`] with a fast path for words the chain would only lowercase (plain ASCII, basic Arabic
/// letters): most words of real text. The chain works char by char, so checking each char is enough.
fn normalize_word(normalizer: &Normalizer, word: &str) -> String {
    if word.chars().all(|c| is_stable(c) || c.is_ascii_uppercase()) {
        word.to_ascii_lowercase()
    } else {
        normalizer.normalize(word)
    }
}

/// The Arabic-aware analyzer: normalization and Arabic light stemming (Latin words are only normalized).
pub fn arabic_analyzer(normalizer: Arc<Normalizer>) -> TextAnalyzer {
    TextAnalyzer::builder(KhabarTokenizer::new(normalizer, true)).build()
}

/// The English analyzer: normalization (which lowercases) and Snowball English stemming.
pub fn english_analyzer(normalizer: Arc<Normalizer>) -> TextAnalyzer {
    TextAnalyzer::builder(KhabarTokenizer::new(normalizer, false))
        .filter(Stemmer::new(Language::English))
        .build()
}

/// Registers [`ARABIC`] and [`ENGLISH`] on an index (needed on every open: tantivy does not persist analyzers).
pub fn register(index: &Index, normalizer: &Arc<Normalizer>) {
    let tokenizers = index.tokenizers();
    tokenizers.register(ARABIC, arabic_analyzer(Arc::clone(normalizer)));
    tokenizers.register(ENGLISH, english_analyzer(Arc::clone(normalizer)));
}

/// Runs `analyzer` over `text` and returns, per position, the token texts there: the main stem first, then any
/// clitic-free variants.
pub fn terms(analyzer: &mut TextAnalyzer, text: &str) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = Vec::new();
    let mut last_position = None;
    let mut stream = analyzer.token_stream(text);
    while let Some(token) = stream.next() {
        match out.last_mut() {
            Some(alternatives) if last_position == Some(token.position) => {
                alternatives.push(token.text.clone())
            }
            _ => out.push(vec![token.text.clone()]),
        }
        last_position = Some(token.position);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The main stem at each position.
    fn ar(text: &str) -> Vec<String> {
        let mut analyzer = arabic_analyzer(Arc::new(Normalizer::for_matching()));
        terms(&mut analyzer, text)
            .into_iter()
            .map(|mut at| at.swap_remove(0))
            .collect()
    }

    fn en(text: &str) -> Vec<String> {
        let mut analyzer = english_analyzer(Arc::new(Normalizer::for_matching()));
        terms(&mut analyzer, text)
            .into_iter()
            .map(|mut at| at.swap_remove(0))
            .collect()
    }

    #[test]
    fn arabic_clitics_diacritics_and_tatweel_share_one_term() {
        let forms = [
            "الباغوز",
            "باغوز",
            "والباغوز",
            "الْبَاغُوز",
            "الباغـــوز",
            "بالباغوز",
        ];
        for form in forms {
            assert_eq!(ar(form), vec!["باغوز".to_string()], "{form}");
        }
        // Alef and teh marbuta forms fold, and the suffixes peel.
        assert_eq!(ar("إدلب"), ar("ادلب"));
        assert_eq!(ar("سورية"), ar("سوريه"));
        assert_eq!(ar("المدنيين"), ar("مدني"));
    }

    #[test]
    fn stable_chars_are_left_alone_by_the_matching_chain() {
        let n = Normalizer::for_matching();
        for c in (0u32..0x0700)
            .filter_map(char::from_u32)
            .filter(|&c| is_stable(c))
        {
            assert_eq!(
                n.normalize(&c.to_string()),
                c.to_string(),
                "{c:?} U+{:04X}",
                c as u32
            );
        }
        for c in 'A'..='Z' {
            assert_eq!(n.normalize(&c.to_string()), c.to_ascii_lowercase().to_string());
        }
    }

    #[test]
    fn fast_path_equals_the_matching_chain() {
        let n = Normalizer::for_matching();
        for sample in
            std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/data/samples")).unwrap()
        {
            let text = std::fs::read_to_string(sample.unwrap().path()).unwrap();
            for word in text.split_word_bounds() {
                assert_eq!(normalize_word(&n, word), n.normalize(word), "{word:?}");
            }
        }
        let text = "Qusad's «SDF» U.S. 3.5 km; Deir ez-Zor 400 fighters `quoted` tab\there \0nul ABC-xyz_12";
        for word in text
            .split_word_bounds()
            .chain(["`", "a`b", "\0", "MIXED", "مخيم"])
        {
            assert_eq!(normalize_word(&n, word), n.normalize(word), "{word:?}");
        }
    }

    #[test]
    fn one_letter_clitics_add_a_variant_at_the_same_position() {
        let mut analyzer = arabic_analyzer(Arc::new(Normalizer::for_matching()));
        let at = terms(&mut analyzer, "لقسد بإدلب باغوز");
        assert_eq!(at.len(), 3);
        assert_eq!(at[0], vec!["لقسد".to_string(), "قسد".to_string()]);
        assert_eq!(at[1], vec!["بادلب".to_string(), "ادلب".to_string()]);
        // "والباغوز" strips to the same stem: no duplicate variant.
        assert_eq!(terms(&mut analyzer, "والباغوز"), vec![vec!["باغوز".to_string()]]);
        // Too short once stripped: no variant.
        assert_eq!(terms(&mut analyzer, "ولد"), vec![vec!["ولد".to_string()]]);
        // English is untouched.
        assert_eq!(terms(&mut analyzer, "Baghuz"), vec![vec!["baghuz".to_string()]]);
    }

    #[test]
    fn english_is_lowercased_and_stemmed() {
        assert_eq!(en("Strikes"), en("strike"));
        assert_eq!(en("fighters"), en("Fighter"));
        assert_eq!(en("evacuated"), en("evacuate"));
        assert_ne!(en("strike"), en("street"));
    }

    #[test]
    fn offsets_cover_the_word_as_written() {
        let text = "قالت «قسد» إن والباغوز سقطت، Al-Bagouz fell.";
        let mut analyzer = arabic_analyzer(Arc::new(Normalizer::for_matching()));
        let mut stream = analyzer.token_stream(text);
        let mut seen = Vec::new();
        while let Some(t) = stream.next() {
            seen.push((
                text.get(t.offset_from..t.offset_to).map(str::to_string),
                t.text.clone(),
                t.position,
            ));
        }
        let written: Vec<_> = seen.iter().filter_map(|(w, _, _)| w.clone()).collect();
        assert_eq!(
            written,
            vec!["قالت", "قسد", "إن", "والباغوز", "سقطت", "Al", "Bagouz", "fell"]
        );
        let positions: Vec<usize> = seen.iter().map(|(_, _, p)| *p).collect();
        assert_eq!(positions, (0..8).collect::<Vec<_>>());
        assert_eq!(seen[3].1, "باغوز");
        assert_eq!(seen[6].1, "bagouz");
    }

    #[test]
    fn punctuation_garbage_and_huge_words_yield_no_tokens() {
        assert!(ar("\"(( *** ... «» —").is_empty());
        assert!(ar(&"x".repeat(5000)).is_empty());
        assert!(en("").is_empty());
    }
}
