//! Text normalization for matching, never for display.
//!
//! Every later stage (dedup shingles, entity lookup, event lexicons, search analyzers) compares text through
//! [`Normalizer::for_matching`], so "الباغوز", "الْبَاغُوز" and "الباغـــوز" compare equal, Arabic-Indic digits read as
//! ASCII, and typographic quotes are one quote. [`Normalizer::normalize_with_map`] keeps, for each output char, the
//! char offset it came from, so matches found on normalized text map back to spans in the displayed text.

#![deny(missing_docs)]

mod filters;
mod segment;
mod stem;

pub use filters::{
    ArabicLetterForms, CaseFold, CharFilter, CompatibilityForms, Diacritics, Digits, InvisibleControls,
    Quotes, Tatweel,
};
pub use segment::{sentences, words, Word};
pub use stem::{light_stem, prefix_variants, strip_prefixes};

/// A chain of per-char filters, applied in order.
pub struct Normalizer {
    filters: Vec<Box<dyn CharFilter>>,
}

impl Normalizer {
    /// An empty chain (identity).
    pub fn new() -> Normalizer {
        Normalizer { filters: Vec::new() }
    }

    /// Appends a filter to the chain.
    pub fn with(mut self, filter: impl CharFilter + 'static) -> Normalizer {
        self.filters.push(Box::new(filter));
        self
    }

    /// The chain every matching stage uses: compatibility forms, invisible controls, diacritics, tatweel, alef /
    /// yeh / teh marbuta forms, digits, quotes, lowercase.
    pub fn for_matching() -> Normalizer {
        Normalizer::new()
            .with(CompatibilityForms)
            .with(InvisibleControls)
            .with(Diacritics)
            .with(Tatweel)
            .with(ArabicLetterForms)
            .with(Digits)
            .with(Quotes)
            .with(CaseFold)
    }

    /// Normalizes `text`.
    pub fn normalize(&self, text: &str) -> String {
        self.normalize_with_map(text).0
    }

    /// Normalizes `text` and returns, for each output char, the char offset in `text` it came from.
    pub fn normalize_with_map(&self, text: &str) -> (String, Vec<usize>) {
        let mut out = String::with_capacity(text.len());
        let mut map = Vec::with_capacity(text.len());
        let mut current: Vec<char> = Vec::with_capacity(4);
        let mut next: Vec<char> = Vec::with_capacity(4);
        for (i, c) in text.chars().enumerate() {
            current.clear();
            current.push(c);
            for f in &self.filters {
                next.clear();
                for &ch in &current {
                    f.apply(ch, &mut next);
                }
                std::mem::swap(&mut current, &mut next);
                if current.is_empty() {
                    break;
                }
            }
            for &ch in &current {
                out.push(ch);
                map.push(i);
            }
        }
        (out, map)
    }
}

impl Default for Normalizer {
    fn default() -> Self {
        Normalizer::for_matching()
    }
}

/// Normalizes with the matching chain (convenience for one-off calls; build a [`Normalizer`] once in hot loops).
pub fn normalize(text: &str) -> String {
    Normalizer::for_matching().normalize(text)
}

/// True when the char is an Arabic-script letter.
pub fn is_arabic(c: char) -> bool {
    matches!(c, '\u{0600}'..='\u{06FF}' | '\u{0750}'..='\u{077F}' | '\u{08A0}'..='\u{08FF}' | '\u{FB50}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}')
}

/// Share of letters in `text` that are Arabic script (0 when there are no letters).
pub fn arabic_ratio(text: &str) -> f32 {
    let mut letters = 0usize;
    let mut arabic = 0usize;
    for c in text.chars().filter(|c| c.is_alphabetic()) {
        letters += 1;
        if is_arabic(c) {
            arabic += 1;
        }
    }
    if letters == 0 {
        0.0
    } else {
        arabic as f32 / letters as f32
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn arabic_spellings_of_one_name_compare_equal() {
        let n = Normalizer::for_matching();
        assert_eq!(n.normalize("الْبَاغُوز"), n.normalize("الباغوز"));
        assert_eq!(n.normalize("الباغـــوز"), "الباغوز");
        assert_eq!(n.normalize("إدلب"), "ادلب");
        assert_eq!(n.normalize("آذار"), "اذار");
        assert_eq!(n.normalize("سورية"), "سوريه");
        assert_eq!(n.normalize("مستشفى"), "مستشفي");
    }

    #[test]
    fn digits_quotes_and_case() {
        let n = Normalizer::for_matching();
        assert_eq!(n.normalize("٥٠ مدنياً"), "50 مدنيا");
        assert_eq!(n.normalize("۱۲۳"), "123");
        assert_eq!(n.normalize("«Qsd» “SDF” ‘x’"), "\"qsd\" \"sdf\" 'x'");
    }

    #[test]
    fn invisible_controls_and_presentation_forms_vanish() {
        let n = Normalizer::for_matching();
        assert_eq!(n.normalize("قس\u{200D}د\u{202E}"), "قسد");
        // U+FEFB is the lam-alef ligature: it expands to two letters.
        assert_eq!(n.normalize("\u{FEFB}"), "لا");
    }

    #[test]
    fn offset_map_points_back_into_the_original() {
        let n = Normalizer::for_matching();
        let text = "قال الْبَاغُوز ٥٠";
        let (norm, map) = n.normalize_with_map(text);
        assert_eq!(norm.chars().count(), map.len());
        let pos = norm.find("الباغوز").unwrap();
        let start_char = norm[..pos].chars().count();
        let end_char = start_char + "الباغوز".chars().count();
        let orig: Vec<char> = text.chars().collect();
        let s = map[start_char];
        let e = map[end_char - 1] + 1;
        assert_eq!(orig[s..e].iter().collect::<String>(), "الْبَاغُوز");
    }

    #[test]
    fn ratio_of_arabic_letters() {
        assert!(arabic_ratio("قسد SDF قسد") > 0.5);
        assert_eq!(arabic_ratio("123"), 0.0);
    }

    proptest! {
        #[test]
        fn map_is_monotonic_and_in_bounds(s in "\\PC{0,64}") {
            let (norm, map) = Normalizer::for_matching().normalize_with_map(&s);
            let n = s.chars().count();
            prop_assert_eq!(norm.chars().count(), map.len());
            for w in map.windows(2) { prop_assert!(w[0] <= w[1]); }
            for &m in &map { prop_assert!(m < n); }
        }
    }
}
