//! A byte-level pre-pass that drops `<script>`, `<style>`, `<svg>`, `<noscript>`, `<template>` elements and `<!-- -->` comments before the
//! HTML parser sees them (they hold over half the bytes of a typical news page and no article text). JSON-LD
//! scripts (`type="application/ld+json"`) are kept for the metadata reader. Unterminated constructs are kept as
//! they are, so the parser sees exactly what it would have seen.

use memchr::{memchr, memmem};

/// Raw-text or skippable elements dropped whole, with their closing tag.
const DROPPED: [(&[u8], &[u8]); 3] = [
    (b"script", b"</script"),
    (b"style", b"</style"),
    (b"svg", b"</svg"),
];

/// Returns `html` without scripts (other than JSON-LD), styles, inline SVG and comments.
pub fn strip_non_content(html: &str) -> String {
    let bytes = html.as_bytes();
    let mut out = String::with_capacity(html.len() / 2);
    let mut copied_to = 0usize;
    let mut pos = 0usize;
    while let Some(offset) = bytes.get(pos..).and_then(|rest| memchr(b'<', rest)) {
        let lt = pos + offset;
        let after = bytes.get(lt + 1..).unwrap_or_default();
        let mut skip_to: Option<usize> = None;
        if after.starts_with(b"!--") {
            skip_to = find_from(bytes, lt + 4, b"-->").map(|end| end + 3);
        } else {
            for (name, close) in DROPPED {
                if !starts_with_ignore_case(after, name) {
                    continue;
                }
                let boundary = after.get(name.len()).copied();
                if !matches!(boundary, Some(b' ' | b'>' | b'\t' | b'\n' | b'\r' | b'/')) {
                    continue;
                }
                let tag_end = memchr(b'>', after).map(|p| lt + 1 + p);
                if name == b"script" {
                    let tag = tag_end.and_then(|e| bytes.get(lt..e)).unwrap_or_default();
                    if contains_ignore_case(tag, b"ld+json") {
                        break;
                    }
                }
                skip_to = tag_end
                    .and_then(|e| find_close_ignore_case(bytes, e, close))
                    .and_then(|close_at| {
                        memchr(b'>', bytes.get(close_at..).unwrap_or_default()).map(|p| close_at + p + 1)
                    });
                break;
            }
        }
        match skip_to {
            Some(end) if html.is_char_boundary(lt) && html.is_char_boundary(end) => {
                out.push_str(html.get(copied_to..lt).unwrap_or_default());
                copied_to = end;
                pos = end;
            }
            _ => pos = lt + 1,
        }
    }
    out.push_str(html.get(copied_to..).unwrap_or_default());
    out
}

fn find_from(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    memmem::find(bytes.get(from..)?, needle).map(|p| from + p)
}

/// Finds `close` (lowercase, e.g. `</script`) from `from`, ignoring ASCII case.
fn find_close_ignore_case(bytes: &[u8], from: usize, close: &[u8]) -> Option<usize> {
    let mut pos = from;
    loop {
        let at = find_from(bytes, pos, b"</")?;
        if bytes
            .get(at..)
            .is_some_and(|rest| starts_with_ignore_case(rest, close))
        {
            return Some(at);
        }
        pos = at + 2;
    }
}

fn starts_with_ignore_case(haystack: &[u8], prefix: &[u8]) -> bool {
    haystack.len() >= prefix.len()
        && haystack
            .iter()
            .zip(prefix)
            .all(|(a, b)| a.eq_ignore_ascii_case(b))
}

fn contains_ignore_case(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len().max(1))
        .any(|w| w.eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_scripts_styles_svg_and_comments() {
        let html = "<p>a</p><script>var x = '<p>no</p>';</script><STYLE>p{}</STYLE><!-- c <p>no</p> -->\
                    <svg><text>no</text></svg><p>b</p>";
        assert_eq!(strip_non_content(html), "<p>a</p><p>b</p>");
    }

    #[test]
    fn keeps_json_ld_and_unterminated_constructs() {
        let ld = r#"<script type="application/ld+json">{"headline":"x"}</script>"#;
        assert_eq!(strip_non_content(ld), ld);
        assert_eq!(
            strip_non_content("<p>a</p><script>never closed"),
            "<p>a</p><script>never closed"
        );
        assert_eq!(strip_non_content("<p>a<!-- open"), "<p>a<!-- open");
        assert_eq!(
            strip_non_content("<scripture>kept</scripture>"),
            "<scripture>kept</scripture>"
        );
    }

    #[test]
    fn keeps_multibyte_text() {
        let html = "<p>قسد</p><script>x</script><p>الباغوز</p>";
        assert_eq!(strip_non_content(html), "<p>قسد</p><p>الباغوز</p>");
    }
}

/// Elements without an end tag, or whose end tag is usually implied: they do not deepen the estimate.
const NO_DEPTH: [&[u8]; 26] = [
    b"area", b"base", b"br", b"col", b"embed", b"hr", b"img", b"input", b"link", b"meta", b"source",
    b"track", b"wbr", b"p", b"li", b"td", b"th", b"tr", b"option", b"dt", b"dd", b"tbody", b"thead", b"rt",
    b"rp", b"param",
];

/// A linear byte-level estimate of the deepest element nesting (opening minus closing tags, void and
/// implicitly-closed elements ignored). Used to keep pathological pages away from the tree builder, whose
/// end-tag scope checks are linear in the depth.
pub(crate) fn estimated_max_depth(html: &str) -> usize {
    let bytes = html.as_bytes();
    let mut depth = 0usize;
    let mut max_depth = 0usize;
    let mut pos = 0usize;
    while let Some(offset) = bytes.get(pos..).and_then(|rest| memchr(b'<', rest)) {
        let lt = pos + offset;
        pos = lt + 1;
        match bytes.get(lt + 1) {
            Some(b'/') => depth = depth.saturating_sub(1),
            Some(c) if c.is_ascii_alphabetic() => {
                let name_len = bytes
                    .get(lt + 1..)
                    .unwrap_or_default()
                    .iter()
                    .take_while(|b| b.is_ascii_alphanumeric())
                    .count();
                let name = bytes.get(lt + 1..lt + 1 + name_len).unwrap_or_default();
                if NO_DEPTH.iter().any(|v| v.eq_ignore_ascii_case(name)) {
                    continue;
                }
                let self_closing = bytes
                    .get(lt..)
                    .and_then(|rest| memchr(b'>', rest))
                    .is_some_and(|gt| gt > 0 && bytes.get(lt + gt - 1) == Some(&b'/'));
                if !self_closing {
                    depth += 1;
                    max_depth = max_depth.max(depth);
                }
            }
            _ => {}
        }
    }
    max_depth
}

/// The text of a page from the HTML tokenizer alone (no tree building, linear time): character data, with a line
/// break at block-level tags. The fallback for pathological nesting.
pub(crate) fn tokenized_text(html: &str) -> String {
    use html5ever::tendril::StrTendril;
    use html5ever::tokenizer::{BufferQueue, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts};
    use std::cell::RefCell;

    struct TextSink {
        text: RefCell<String>,
    }
    impl TokenSink for TextSink {
        type Handle = ();
        fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
            match token {
                Token::CharacterTokens(chars) => self.text.borrow_mut().push_str(&chars),
                Token::TagToken(tag) => {
                    let block = matches!(
                        tag.name.as_ref(),
                        "p" | "div"
                            | "br"
                            | "li"
                            | "h1"
                            | "h2"
                            | "h3"
                            | "h4"
                            | "h5"
                            | "h6"
                            | "tr"
                            | "section"
                            | "article"
                    );
                    if block {
                        self.text.borrow_mut().push('\n');
                    }
                }
                _ => {}
            }
            TokenSinkResult::Continue
        }
    }

    let sink = TextSink {
        text: RefCell::new(String::new()),
    };
    let tokenizer = Tokenizer::new(sink, TokenizerOpts::default());
    let queue = BufferQueue::default();
    queue.push_back(StrTendril::from_slice(html));
    let _ = tokenizer.feed(&queue);
    tokenizer.end();
    let raw = tokenizer.sink.text.take();
    raw.lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod depth_tests {
    use super::*;

    #[test]
    fn depth_estimate_ignores_void_and_implied_elements() {
        assert_eq!(
            estimated_max_depth("<div><p>a<p>b<br><img src=x/><div>c</div></div>"),
            2
        );
        assert_eq!(estimated_max_depth(&"<div>".repeat(50)), 50);
        assert_eq!(estimated_max_depth("<x/>< notatag"), 0);
    }

    #[test]
    fn tokenized_text_keeps_blocks_apart() {
        assert_eq!(
            tokenized_text("<div><p>one <b>two</b></p><p>three</p></div>"),
            "one two\nthree"
        );
    }
}
