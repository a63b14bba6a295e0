//! Flattened scraped text: a line classifier that drops page furniture and keeps every article sentence.
//!
//! Each non-empty line gets features (word count, sentence punctuation, position, shape, lexicon match) and is
//! kept or dropped with a reason:
//! - `title`: the first line when it is headline-like, and a `Headline - SiteName` line repeating a later headline
//!   (the clean headline becomes [`Extracted::title`], the suffix [`Extracted::site_name`]);
//! - `caption`: short lines between the title and the first body paragraph (photo captions, credits, bylines);
//! - `metadata`: lines without letters (dates, times, bullet counters), `| Site | 0 Comments` lines;
//! - `markup`: leftover identifiers and shortcodes (`news-picture`, `[give_form id="1"]`);
//! - lexicon reasons (`comments`, `donation`, `footer`, `follow`, `share`, `correction`, ...) from
//!   `data/boilerplate.txt`;
//! - `related`: a "related articles" header and the short lines listed after it;
//! - `boilerplate`: short lines, and long lines wedged between dropped lines, after the tail's first boilerplate
//!   line once no body paragraph follows.
//!
//! A publication date is read only from dropped furniture lines and only when complete (see [`crate::DateOrder`]).

use crate::dates::{find_date_with_evidence, DateOrder, MonthEvidence};
use crate::lexicon::{match_line, normalize_line, MatchMode, LEXICON};
use crate::{cap_input, push_removed, ExtractError, Extracted};
use once_cell::sync::Lazy;
use regex::Regex;

/// Flattened inputs longer than this many bytes are cut (at a char boundary) and the cut is noted in `removed`
/// with reason `truncated`.
pub const MAX_TEXT_BYTES: usize = 2 * 1024 * 1024;

/// Lexicon `^`/`~` entries only match lines of at most this many words.
const LEXICON_MAX_WORDS: usize = 40;
/// A line with at least this many words reads as a body paragraph.
const BODY_MIN_WORDS: usize = 12;
/// Lines of at most this many words before the first body paragraph are captions.
const CAPTION_MAX_WORDS: usize = 6;
/// A first line of at most this many words is taken as the headline.
const TITLE_MAX_WORDS: usize = 25;
/// Items of a related-articles list have at most this many words.
const RELATED_ITEM_MAX_WORDS: usize = 25;
/// Tail lines of at most this many words after the first tail boilerplate line are dropped.
const TAIL_SHORT_MAX_WORDS: usize = 12;
/// A tail line wedged between dropped lines is dropped only up to this many words (a paragraph-long line is kept).
const WEDGED_MAX_WORDS: usize = 60;
/// A site-name suffix (`Headline - SiteName`) has at most this many words.
const SITE_SUFFIX_MAX_WORDS: usize = 5;

static SHORTCODE: Lazy<Option<Regex>> = Lazy::new(|| Regex::new(r"^\[[A-Za-z_][\w-]*(\s[^\]]*)?\]$").ok());
static IDENTIFIER: Lazy<Option<Regex>> = Lazy::new(|| Regex::new(r"^[a-z][a-z0-9]*(?:[-_][a-z0-9]+)+$").ok());
static COMMENT_COUNT: Lazy<Option<Regex>> = Lazy::new(|| {
    Regex::new(r"(?i)\b\d+\s+(?:comments?|responses?|replies)\b|\bno comments\b|\d+\s*تعليق").ok()
});

#[derive(Debug, Clone)]
struct Line<'a> {
    text: &'a str,
    words: usize,
    normalized: String,
    dropped: Option<String>,
    /// Dropped by a strong signal (lexicon or shape), not by position alone.
    strong: bool,
}

impl Line<'_> {
    fn drop_as(&mut self, reason: &str, strong: bool) {
        if self.dropped.is_none() {
            self.dropped = Some(reason.to_string());
            self.strong = strong;
        }
    }
}

/// Extracts title, date, site name and body from flattened scraped text. Fails with [`ExtractError::EmptyBody`]
/// when nothing article-like remains.
pub fn extract_text(raw: &str) -> Result<Extracted, ExtractError> {
    let mut extracted = Extracted::default();
    let (input, truncated) = cap_input(raw, MAX_TEXT_BYTES);
    let mut lines: Vec<Line> = input
        .lines()
        .map(|l| l.trim_matches(|c: char| c.is_whitespace() || c == '\u{0}' || c == '\u{feff}'))
        .filter(|l| !l.is_empty())
        .map(|text| Line {
            text,
            words: text.split_whitespace().count(),
            normalized: normalize_line(text),
            dropped: None,
            strong: false,
        })
        .collect();
    let order = date_order(input);

    mark_shapes_and_lexicon(&mut lines);
    mark_related_lists(&mut lines);
    let (title, site_from_title) = mark_title(&mut lines);
    mark_head_captions(&mut lines);
    mark_tail(&mut lines);
    extracted.title = title.or_else(|| better_title_from_tail(&mut lines));
    extracted.site_name = site_from_title.or_else(|| site_from_meta_lines(&lines));
    let evidence = MonthEvidence::from_body(input);
    extracted.published = lines
        .iter()
        .filter(|l| l.dropped.as_deref().is_some_and(|r| r != "separator"))
        .find_map(|l| find_date_with_evidence(l.text, order, &evidence));

    let mut body = String::with_capacity(input.len());
    let mut pending: Option<(String, String)> = None;
    for line in &lines {
        match &line.dropped {
            None => {
                if !body.is_empty() {
                    body.push_str("\n\n");
                }
                body.push_str(line.text);
            }
            Some(reason) if reason == "separator" => {}
            Some(reason) => {
                match &mut pending {
                    Some((text, r)) if r == reason => {
                        text.push('\n');
                        text.push_str(line.text);
                        continue;
                    }
                    _ => {}
                }
                if let Some((text, r)) = pending.take() {
                    push_removed(&mut extracted.removed, &text, &r);
                }
                pending = Some((line.text.to_string(), reason.clone()));
            }
        }
        if line.dropped.is_none() {
            if let Some((text, r)) = pending.take() {
                push_removed(&mut extracted.removed, &text, &r);
            }
        }
    }
    if let Some((text, r)) = pending.take() {
        push_removed(&mut extracted.removed, &text, &r);
    }
    if truncated {
        push_removed(
            &mut extracted.removed,
            &format!("input cut at {MAX_TEXT_BYTES} bytes"),
            "truncated",
        );
    }
    if extracted.title.is_none() {
        extracted.title = lines.first().map(|l| first_sentence(l.text));
    }
    if body.trim().is_empty() {
        return Err(ExtractError::EmptyBody);
    }
    extracted.text = body;
    Ok(extracted)
}

/// Day-first for Arabic-script text, month-first when Latin letters dominate.
pub(crate) fn date_order(text: &str) -> DateOrder {
    let mut arabic = 0usize;
    let mut latin = 0usize;
    for c in text.chars().take(20_000) {
        if ('\u{0600}'..='\u{06FF}').contains(&c) {
            arabic += 1;
        } else if c.is_ascii_alphabetic() {
            latin += 1;
        }
    }
    if arabic >= latin {
        DateOrder::DayFirst
    } else {
        DateOrder::MonthFirst
    }
}

fn is_match(re: &Lazy<Option<Regex>>, text: &str) -> bool {
    re.as_ref().is_some_and(|r| r.is_match(text))
}

/// Separators, shapes (no letters, bullet counters, identifiers, shortcodes, pipe meta lines) and lexicon hits.
fn mark_shapes_and_lexicon(lines: &mut [Line]) {
    let half = lines.len() / 2;
    for (index, line) in lines.iter_mut().enumerate() {
        let text = line.text;
        if !text.chars().any(char::is_alphanumeric) {
            line.drop_as("separator", true);
            continue;
        }
        if !text.chars().any(char::is_alphabetic) {
            line.drop_as("metadata", true);
            continue;
        }
        if is_match(&SHORTCODE, text) || is_match(&IDENTIFIER, text) {
            line.drop_as("markup", true);
            continue;
        }
        let pipes = text.matches('|').count();
        if (text.starts_with('|') || pipes >= 2)
            && line.words <= TAIL_SHORT_MAX_WORDS
            && !has_sentence_end(text)
        {
            line.drop_as("metadata", true);
            continue;
        }
        if line.words <= 6 && is_match(&COMMENT_COUNT, text) {
            line.drop_as("comments", true);
            continue;
        }
        if let Some(phrase) = match_line(&LEXICON, &line.normalized, line.words, LEXICON_MAX_WORDS) {
            // A partial match on a sentence in the first half of the text is more likely prose that mentions
            // the phrase ("... updated its privacy policy.") than furniture.
            let partial = phrase.mode != MatchMode::Whole;
            if partial && index < half && has_sentence_end(line.text) {
                continue;
            }
            let reason = phrase.reason.clone();
            line.drop_as(&reason, true);
        }
    }
}

/// A related-articles header drops itself and the short lines listed after it.
fn mark_related_lists(lines: &mut [Line]) {
    let mut in_list = false;
    for line in lines.iter_mut() {
        if line.dropped.as_deref() == Some("related") {
            in_list = true;
            continue;
        }
        if !in_list {
            continue;
        }
        // Items are headlines: a long line, or a sentence-length line ending like a sentence, ends the list.
        let reads_as_paragraph = line.words >= BODY_MIN_WORDS && has_sentence_end(line.text);
        if line.words > RELATED_ITEM_MAX_WORDS || reads_as_paragraph {
            in_list = false;
            continue;
        }
        line.drop_as("related", true);
    }
}

/// Headline detection: a `Headline - SiteName` line that repeats a following headline line, else a short first
/// line. Returns the title and the site name taken from the suffix.
fn mark_title(lines: &mut [Line]) -> (Option<String>, Option<String>) {
    let Some(first) = lines.iter().position(|l| l.dropped.is_none()) else {
        return (None, None);
    };
    let first_text = lines.get(first).map(|l| l.text).unwrap_or_default();
    if let Some((headline, site)) = split_site_suffix(first_text) {
        let headline_norm = normalize_line(headline);
        let repeat = lines
            .iter()
            .enumerate()
            .skip(first + 1)
            .filter(|(_, l)| l.dropped.is_none())
            .take(3)
            .find(|(_, l)| l.normalized == headline_norm)
            .map(|(i, _)| i);
        if let Some(repeat) = repeat {
            if let Some(line) = lines.get_mut(first) {
                line.drop_as("title", true);
            }
            if let Some(line) = lines.get_mut(repeat) {
                line.drop_as("title", true);
            }
            return (Some(headline.trim().to_string()), Some(site.trim().to_string()));
        }
    }
    // A short first line is the headline unless it ends like a declarative sentence: a text that opens
    // straight with the story keeps its first sentence in the body (the title then falls back to it).
    let line = lines.get_mut(first);
    match line {
        Some(line) if line.words <= TITLE_MAX_WORDS && !ends_with_full_stop(line.text) => {
            line.drop_as("title", true);
            (Some(line.text.to_string()), None)
        }
        _ => (None, None),
    }
}

/// Splits `Headline - SiteName` (also `|`, `–`, `—`) at the last separator when the suffix is a short name.
fn split_site_suffix(line: &str) -> Option<(&str, &str)> {
    let mut best: Option<usize> = None;
    for sep in [" - ", " | ", " – ", " — "] {
        if let Some(pos) = line.rfind(sep) {
            if best.is_none_or(|b| pos > b) {
                best = Some(pos);
            }
        }
    }
    let pos = best?;
    let headline = line.get(..pos)?;
    let site = line
        .get(pos + 3..)?
        .trim_start_matches(|c: char| c.is_whitespace() || c == '-');
    let site_words = site.split_whitespace().count();
    if site_words == 0 || site_words > SITE_SUFFIX_MAX_WORDS || headline.split_whitespace().count() < 2 {
        return None;
    }
    Some((headline, site))
}

/// Short lines between the title and the first body paragraph are captions, credits or bylines.
fn mark_head_captions(lines: &mut [Line]) {
    for line in lines.iter_mut() {
        if line.dropped.is_some() {
            continue;
        }
        if line.words >= BODY_MIN_WORDS {
            break;
        }
        if line.words <= CAPTION_MAX_WORDS && !has_sentence_end(line.text) {
            line.drop_as("caption", false);
        }
    }
}

/// From the first strong boilerplate line in the second half on: long lines wedged between dropped lines, and
/// short lines after the last body paragraph, are dropped.
fn mark_tail(lines: &mut [Line]) {
    let Some(first_body) = lines
        .iter()
        .position(|l| l.dropped.is_none() && l.words >= BODY_MIN_WORDS)
    else {
        return;
    };
    let half = lines.len() / 2;
    let Some(start) = lines
        .iter()
        .enumerate()
        .skip(half.max(first_body + 1))
        .find(|(_, l)| {
            l.strong
                && l.dropped
                    .as_deref()
                    .is_some_and(|r| r != "separator" && r != "title")
        })
        .map(|(i, _)| i)
    else {
        return;
    };
    let content: Vec<usize> = (start..lines.len())
        .filter(|&i| {
            lines
                .get(i)
                .is_some_and(|l| l.dropped.as_deref() != Some("separator"))
        })
        .collect();
    for (k, &i) in content.iter().enumerate() {
        let prev_dropped = k == 0
            || content
                .get(k - 1)
                .and_then(|&p| lines.get(p))
                .is_some_and(|l| l.dropped.is_some());
        let next_dropped = content
            .get(k + 1)
            .and_then(|&n| lines.get(n))
            .is_some_and(|l| l.dropped.is_some());
        let prev_reason = content
            .get(k.wrapping_sub(1))
            .and_then(|&p| lines.get(p))
            .and_then(|l| l.dropped.clone())
            .filter(|r| {
                !matches!(
                    r.as_str(),
                    "markup" | "metadata" | "separator" | "title" | "caption"
                )
            })
            .unwrap_or_else(|| "boilerplate".to_string());
        if let Some(line) = lines.get_mut(i) {
            let wedged_long = line.words > TAIL_SHORT_MAX_WORDS && line.words <= WEDGED_MAX_WORDS;
            if line.dropped.is_none() && wedged_long && prev_dropped && next_dropped && k > 0 {
                line.drop_as(&prev_reason, false);
            }
        }
    }
    let last_body = (start..lines.len()).rev().find(|&i| {
        lines
            .get(i)
            .is_some_and(|l| l.dropped.is_none() && l.words >= BODY_MIN_WORDS)
    });
    let from = last_body.map_or(start, |b| b.max(start));
    for line in lines.iter_mut().skip(from) {
        if line.dropped.is_none() && line.words <= TAIL_SHORT_MAX_WORDS {
            line.drop_as("boilerplate", false);
        }
    }
}

/// When the text opens with a paragraph, a short dropped tail line right before a `| Site | N Comments` line is
/// the post's headline (blog layouts print title and meta line together).
fn better_title_from_tail(lines: &mut [Line]) -> Option<String> {
    let first_kept = lines.iter().find(|l| l.dropped.is_none())?;
    if first_kept.words <= TITLE_MAX_WORDS {
        return None;
    }
    let index = lines.windows(2).position(|pair| match pair {
        [a, b] => {
            a.dropped.as_deref() == Some("boilerplate")
                && (2..=TITLE_MAX_WORDS).contains(&a.words)
                && b.dropped.as_deref() == Some("metadata")
                && b.text.contains('|')
        }
        _ => false,
    })?;
    let line = lines.get_mut(index)?;
    line.dropped = Some("title".to_string());
    Some(line.text.to_string())
}

/// The site name from a `| Site | N Comments` meta line: its first field that is not a count.
fn site_from_meta_lines(lines: &[Line]) -> Option<String> {
    lines
        .iter()
        .filter(|l| l.dropped.as_deref() == Some("metadata") && l.text.contains('|'))
        .find_map(|l| {
            l.text
                .split('|')
                .map(str::trim)
                .find(|field| {
                    !field.is_empty()
                        && !is_match(&COMMENT_COUNT, field)
                        && field.chars().any(char::is_alphabetic)
                })
                .map(str::to_string)
        })
}

/// Words of share widgets and social links; a short line made only of them is a share bar.
const SHARE_WORDS: [&str; 22] = [
    "facebook",
    "twitter",
    "whatsapp",
    "pinterest",
    "pint",
    "linkedin",
    "email",
    "e-mail",
    "print",
    "share",
    "reddit",
    "telegram",
    "tweet",
    "messenger",
    "copy",
    "link",
    "baixar",
    "download",
    "فيسبوك",
    "تويتر",
    "واتساب",
    "مشاركة",
];

static TEASER_TAG: Lazy<Option<Regex>> = Lazy::new(|| Regex::new(r"\[[A-Z][A-Z ]{2,}\]\s*\|?$").ok());
static BYLINE: Lazy<Option<Regex>> = Lazy::new(|| {
    Regex::new(r"^(?:By|BY|by)\s+\p{Lu}[\p{L}.'’-]*(?:\s+\p{Lu}[\p{L}.'’-]*){0,3}\s*(?:[-–|,:].*)?$").ok()
});

/// Line-level clean-up of a body already extracted from HTML: drops whole-line lexicon matches, short
/// furniture lines matching a lexicon prefix/phrase, share bars, bylines and `[VIDEO]`-tagged teasers. Returns
/// the kept text and the dropped lines with their reasons.
pub(crate) fn filter_html_body_lines(body: &str) -> (String, Vec<(String, String)>) {
    let mut kept = String::with_capacity(body.len());
    let mut dropped = Vec::new();
    for paragraph in body.split("\n\n") {
        let mut kept_lines: Vec<&str> = Vec::new();
        for line in paragraph.lines() {
            match html_line_reason(line) {
                Some(reason) => dropped.push((line.to_string(), reason)),
                None => kept_lines.push(line),
            }
        }
        if kept_lines.is_empty() {
            continue;
        }
        if !kept.is_empty() {
            kept.push_str("\n\n");
        }
        kept.push_str(&kept_lines.join("\n"));
    }
    (kept, dropped)
}

fn html_line_reason(line: &str) -> Option<String> {
    let words = line.split_whitespace().count();
    if words == 0 || words > 16 {
        return None;
    }
    let normalized = normalize_line(line);
    let sentence = has_sentence_end(line);
    if let Some(phrase) = match_line(&LEXICON, &normalized, words, 12) {
        let ok = match phrase.mode {
            MatchMode::Whole => true,
            MatchMode::Prefix => words <= 8 || !sentence,
            MatchMode::Contains => !sentence,
        };
        if ok {
            return Some(phrase.reason.clone());
        }
    }
    if words >= 2 && normalized.split_whitespace().all(|w| SHARE_WORDS.contains(&w)) {
        return Some("share".to_string());
    }
    if !sentence && words <= 8 && is_match(&BYLINE, line) {
        return Some("byline".to_string());
    }
    if is_match(&TEASER_TAG, line) {
        return Some("related".to_string());
    }
    None
}

fn ends_with_full_stop(text: &str) -> bool {
    let trimmed = text.trim_end_matches(['"', '”', '»', '\'', ')', '’']);
    trimmed.ends_with(['.', '۔', '。']) && !trimmed.ends_with("..") && !trimmed.ends_with('…')
}

fn has_sentence_end(text: &str) -> bool {
    text.trim_end_matches(['"', '”', '»', '\'', ')', '’'])
        .ends_with(['.', '!', '?', '؟', '۔', '。'])
}

fn first_sentence(text: &str) -> String {
    let cut = text.find(". ").map_or(text.len(), |p| p + 1);
    let sentence = text.get(..cut).unwrap_or(text);
    sentence.chars().take(300).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_suffix_needs_short_name_and_real_headline() {
        assert_eq!(
            split_site_suffix("Rebels take town - Daily Star"),
            Some(("Rebels take town", "Daily Star"))
        );
        assert_eq!(split_site_suffix("Syria - Latest"), None);
        assert_eq!(split_site_suffix("no separator here"), None);
    }

    #[test]
    fn html_lines_share_bars_bylines_teasers() {
        let body = "By Justine Coleman -\nA man pleaded guilty on Monday to charges he threatened to kill a lawmaker.\n\n\
                    Whatsapp Facebook Pint Baixar\n\nPlague fears grow in Beijing [INSIGHT]\n\nAdvertisement\n\n\
                    By Tuesday the troops had left the town.";
        let (kept, dropped) = filter_html_body_lines(body);
        assert_eq!(
            kept,
            "A man pleaded guilty on Monday to charges he threatened to kill a lawmaker.\n\nBy Tuesday the troops had left the town."
        );
        let reasons: Vec<&str> = dropped.iter().map(|(_, r)| r.as_str()).collect();
        assert_eq!(reasons, ["byline", "share", "related", "advertisement"]);
    }

    #[test]
    fn date_order_follows_script() {
        assert_eq!(date_order("قالت قوات سوريا الديمقراطية"), DateOrder::DayFirst);
        assert_eq!(date_order("The forces said on Monday"), DateOrder::MonthFirst);
    }

    #[test]
    fn sentence_end_ignores_closing_quotes() {
        assert!(has_sentence_end("He said “it is over.”"));
        assert!(!has_sentence_end("Islamic State flag"));
    }
}
