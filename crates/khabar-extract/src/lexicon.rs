//! The boilerplate phrase lexicon (`data/boilerplate.txt`), compiled into the binary and parsed once.

use once_cell::sync::Lazy;

/// How a phrase is matched against a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MatchMode {
    /// The whole line equals the phrase.
    Whole,
    /// The line starts with the phrase.
    Prefix,
    /// The line contains the phrase.
    Contains,
}

/// One lexicon entry.
#[derive(Debug, Clone)]
pub(crate) struct Phrase {
    pub(crate) reason: String,
    pub(crate) mode: MatchMode,
    pub(crate) text: String,
}

/// The lexicon text shipped with the crate.
pub(crate) const BOILERPLATE_TXT: &str = include_str!("../data/boilerplate.txt");

/// Parsed entries of [`BOILERPLATE_TXT`].
pub(crate) static LEXICON: Lazy<Vec<Phrase>> = Lazy::new(|| parse_lexicon(BOILERPLATE_TXT));

/// Parses the lexicon format: `[reason]` headers, `= phrase`, `^ phrase`, `~ phrase` entries, `#` comments.
pub(crate) fn parse_lexicon(source: &str) -> Vec<Phrase> {
    let mut reason = String::from("boilerplate");
    let mut phrases = Vec::new();
    for line in source.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            reason = name.trim().to_string();
            continue;
        }
        let mut chars = line.chars();
        let mode = match chars.next() {
            Some('=') => MatchMode::Whole,
            Some('^') => MatchMode::Prefix,
            Some('~') => MatchMode::Contains,
            _ => continue,
        };
        let text = normalize_line(chars.as_str());
        if text.is_empty() {
            continue;
        }
        phrases.push(Phrase {
            reason: reason.clone(),
            mode,
            text,
        });
    }
    phrases
}

/// Lowercases, collapses whitespace and strips trailing separators (`:`, `،`, `.`, `-`, `|`) for matching.
pub(crate) fn normalize_line(line: &str) -> String {
    let lowered = line.to_lowercase();
    let collapsed = lowered.split_whitespace().collect::<Vec<_>>().join(" ");
    collapsed
        .trim_matches(|c: char| matches!(c, ':' | '،' | '.' | '-' | '–' | '—' | '|' | '•' | ' ' | '…'))
        .to_string()
}

/// The lexicon entry matching a line, if any. `words` is the line's word count; `^` and `~` entries only match
/// lines of at most `max_words` words.
pub(crate) fn match_line<'a>(
    phrases: &'a [Phrase],
    normalized: &str,
    words: usize,
    max_words: usize,
) -> Option<&'a Phrase> {
    phrases.iter().find(|p| match p.mode {
        MatchMode::Whole => normalized == p.text,
        MatchMode::Prefix => words <= max_words && normalized.starts_with(p.text.as_str()),
        MatchMode::Contains => words <= max_words && normalized.contains(p.text.as_str()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_lexicon_parses_with_sections() {
        assert!(LEXICON.len() > 50);
        assert!(LEXICON
            .iter()
            .any(|p| p.reason == "related" && p.text == "مقالات ذات صلة"));
        assert!(LEXICON
            .iter()
            .any(|p| p.reason == "comments" && p.mode == MatchMode::Whole && p.text == "leave a reply"));
    }

    #[test]
    fn modes_match_as_documented() {
        let phrases = parse_lexicon("[x]\n= leave a reply\n^ translated from\n~ it only takes a minute\n");
        let find = |line: &str| {
            let n = normalize_line(line);
            match_line(&phrases, &n, line.split_whitespace().count(), 40).map(|p| p.text.clone())
        };
        assert_eq!(find("Leave a Reply").as_deref(), Some("leave a reply"));
        assert_eq!(find("Leave a reply to the minister").as_deref(), None);
        assert_eq!(
            find("Translated from Alwatan News Syria").as_deref(),
            Some("translated from")
        );
        assert_eq!(find("He said it was translated from Arabic").as_deref(), None);
        assert_eq!(
            find("Support us – it only takes a minute.").as_deref(),
            Some("it only takes a minute")
        );
    }
}
