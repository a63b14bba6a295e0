//! Tokens of one sentence on normalized text, with char spans into the original sentence.

use khabar_normalize::{is_arabic, prefix_variants, Normalizer};

/// What a token is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokKind {
    /// Letters (possibly with digits or inner hyphens / apostrophes).
    Word,
    /// Starts with a digit: `7,000`, `3/12/2019`, `00:00`, `20-30`, `12-year-old`.
    Number,
    /// One punctuation char kept for clause boundaries and units (`,` `،` `%` `(`).
    Punct,
}

/// One token.
#[derive(Debug, Clone)]
pub(crate) struct Token {
    /// Normalized text.
    pub norm: String,
    /// Char start in the original sentence.
    pub start: usize,
    /// Char end (exclusive) in the original sentence.
    pub end: usize,
    /// Kind.
    pub kind: TokKind,
    /// Forms to look up: the token, then clitic-free forms for Arabic.
    pub variants: Vec<String>,
}

impl Token {
    /// An Arabic word written with the conjunction «و» attached ("وامرأتين", "وأصيب"): it has a clitic-free form.
    pub fn waw_joined(&self) -> bool {
        self.norm.starts_with('و') && self.variants.len() > 1
    }

    /// A comma, Latin or Arabic.
    pub fn is_comma(&self) -> bool {
        matches!(self.norm.as_str(), "," | "،")
    }

    /// The token's original characters in `text`, its sentence.
    pub fn chars_in<'a>(&self, text: &'a str) -> impl Iterator<Item = char> + 'a {
        text.chars()
            .skip(self.start)
            .take(self.end.saturating_sub(self.start))
    }
}

fn is_joiner_between_digits(c: char) -> bool {
    matches!(c, ',' | '.' | '/' | ':' | '٬' | '٫')
}

/// Splits `text` into tokens on its normalized form.
pub(crate) fn tokenize(normalizer: &Normalizer, text: &str) -> Vec<Token> {
    let (norm, map) = normalizer.normalize_with_map(text);
    let chars: Vec<char> = norm.chars().collect();
    let total = text.chars().count();
    let mut out = Vec::new();
    let mut i = 0usize;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() || c == '"' || c == '\'' {
            i += 1;
            continue;
        }
        if c.is_alphanumeric() {
            let start = i;
            let mut j = i + 1;
            while j < chars.len() {
                let cj = chars[j];
                let prev = chars[j - 1];
                if cj.is_alphanumeric() {
                    // Split Arabic letters glued to digits ("ال24", "ب5").
                    let boundary =
                        (prev.is_ascii_digit() && is_arabic(cj)) || (is_arabic(prev) && cj.is_ascii_digit());
                    if boundary {
                        break;
                    }
                    j += 1;
                    continue;
                }
                let next_alnum = chars.get(j + 1).is_some_and(|n| n.is_alphanumeric());
                let next_digit = chars.get(j + 1).is_some_and(|n| n.is_ascii_digit());
                if is_joiner_between_digits(cj) && prev.is_ascii_digit() && next_digit {
                    j += 1;
                    continue;
                }
                if (cj == '-' || cj == '\'') && next_alnum && prev.is_alphanumeric() && !is_arabic(prev) {
                    j += 1;
                    continue;
                }
                break;
            }
            let word: String = chars[start..j].iter().collect();
            let kind = if chars[start].is_ascii_digit() {
                TokKind::Number
            } else {
                TokKind::Word
            };
            out.push(make_token(word, kind, &map, start, j, total));
            i = j;
            continue;
        }
        if c.is_alphabetic() || c.is_control() {
            i += 1;
            continue;
        }
        out.push(make_token(c.to_string(), TokKind::Punct, &map, i, i + 1, total));
        i += 1;
    }
    out
}

fn make_token(norm: String, kind: TokKind, map: &[usize], s: usize, e: usize, total: usize) -> Token {
    let start = map.get(s).copied().unwrap_or(0);
    let mut end = map.get(e.saturating_sub(1)).map_or(start, |&m| m + 1);
    // Extend over marks the normalizer dropped after the last char (tanwin, tatweel): they belong to the word.
    if kind == TokKind::Word {
        end = map.get(e).copied().unwrap_or(total).max(end);
    }
    let variants = if kind == TokKind::Word {
        let mut v: Vec<String> = prefix_variants(&norm).into_iter().map(str::to_string).collect();
        // Short function words behind a conjunction ("ولم", "وقد", "فلا"): prefix_variants keeps three letters.
        let mut chars = norm.chars();
        if let Some(first) = chars.next() {
            let rest = chars.as_str();
            if (first == 'و' || first == 'ف') && rest.chars().count() == 2 && !v.iter().any(|x| x == rest) {
                v.push(rest.to_string());
            }
        }
        // An English possessive ("Friday's attack", "Iraq's army") also matches as its bare word.
        if let Some(bare) = norm
            .strip_suffix("'s")
            .filter(|b| b.chars().count() > 1 && b.is_ascii())
        {
            v.push(bare.to_string());
        }
        v.dedup();
        v
    } else {
        vec![norm.clone()]
    };
    Token {
        norm,
        start,
        end,
        kind,
        variants,
    }
}

/// The original text of tokens `[s, e)`.
pub(crate) fn surface(text: &str, toks: &[Token], s: usize, e: usize) -> String {
    let (Some(first), Some(last)) = (toks.get(s), toks.get(e.saturating_sub(1))) else {
        return String::new();
    };
    text.chars()
        .skip(first.start)
        .take(last.end.saturating_sub(first.start))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norms(t: &str) -> Vec<String> {
        tokenize(&Normalizer::for_matching(), t)
            .into_iter()
            .map(|t| t.norm)
            .collect()
    }

    #[test]
    fn numbers_keep_separators_times_and_dates() {
        assert_eq!(
            norms("more than 7,000 at 00:00 on 3/12/2019"),
            vec!["more", "than", "7,000", "at", "00:00", "on", "3/12/2019"]
        );
        assert_eq!(norms("٧٬٠٠٠ شخص"), vec!["7,000", "شخص"]);
        assert_eq!(
            norms("a 12-year-old, 20-30"),
            vec!["a", "12-year-old", ",", "20-30"]
        );
    }

    #[test]
    fn arabic_glued_digits_split_and_spans_point_back() {
        let t = "خلال الـ24 ساعة «قسد»";
        let toks = tokenize(&Normalizer::for_matching(), t);
        let n: Vec<&str> = toks.iter().map(|t| t.norm.as_str()).collect();
        assert_eq!(n, vec!["خلال", "ال", "24", "ساعه", "قسد"]);
        let chars: Vec<char> = t.chars().collect();
        let q = &toks[4];
        assert_eq!(chars[q.start..q.end].iter().collect::<String>(), "قسد");
    }
}
