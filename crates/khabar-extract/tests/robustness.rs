//! No panic on any input, bounded work on huge input: property tests over arbitrary strings and tag soup, plus
//! truncated HTML, deep nesting, a 1 MB single line, NUL bytes and a 50 MB page.

use khabar_extract::{extract_html, extract_text, MAX_HTML_BYTES, MAX_TEXT_BYTES};
use proptest::prelude::*;

const FRAGMENTS: [&str; 24] = [
    "<div class=\"comment\">",
    "</div>",
    "<p>",
    "</p>",
    "<script>",
    "</script>",
    "<!--",
    "-->",
    "<nav>",
    "<article>",
    "<svg>",
    "<style>",
    "<script type=\"application/ld+json\">{\"@type\":\"NewsArticle\",\"datePublished\":",
    "\"2019-02-30\"}",
    "<time datetime=\"",
    "<meta property=\"og:title\" content=\"",
    "\">",
    "قالت قوات سوريا الديمقراطية إنها سيطرت على الباغوز. ",
    "The forces said they had taken the last pocket of the town. ",
    "\u{0}",
    "• 3/12/2019\n",
    "Leave a Reply\n",
    "مقالات ذات صلة\n",
    "<",
];

fn soup() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(FRAGMENTS.to_vec()), 0..80).prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn extract_html_never_panics(input in any::<String>()) {
        let _ = extract_html(&input, None);
    }

    #[test]
    fn extract_text_never_panics(input in any::<String>()) {
        let _ = extract_text(&input);
    }

    #[test]
    fn tag_soup_never_panics(input in soup()) {
        if let Ok(e) = extract_html(&input, Some("https://example.org/a")) {
            prop_assert!(!e.text.trim().is_empty());
        }
        if let Ok(e) = extract_text(&input) {
            prop_assert!(!e.text.trim().is_empty());
        }
    }
}

fn article_paragraphs(n: usize) -> String {
    "<p>Local officials said the convoy of displaced families reached the camp near the river late on Tuesday.</p>"
        .repeat(n)
}

#[test]
fn truncated_html_still_extracts() {
    let page = format!(
        "<html><body><article>{}</article></body></html>",
        article_paragraphs(8)
    );
    for cut in [page.len() / 3, page.len() / 2, page.len() - 20] {
        let prefix = page.get(..cut).unwrap_or_default();
        let e = extract_html(prefix, None).unwrap_or_else(|e| panic!("cut at {cut}: {e}"));
        assert!(e.text.contains("convoy of displaced families"));
    }
}

#[test]
fn deeply_nested_tags_do_not_overflow() {
    let depth = 20_000;
    let page = format!(
        "<html><body>{}{}{}</body></html>",
        "<div>".repeat(depth),
        article_paragraphs(6),
        "</div>".repeat(depth)
    );
    let _ = extract_html(&page, None);
    let unclosed = format!("<html><body>{}", "<span><b><i>".repeat(depth));
    let _ = extract_html(&unclosed, None);
}

#[test]
fn one_megabyte_single_line() {
    let line = "word ".repeat(200_000);
    let e = extract_text(&line).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(e.text.len(), line.trim().len());
    let html = format!("<html><body><p>{line}</p></body></html>");
    let e = extract_html(&html, None).unwrap_or_else(|e| panic!("{e}"));
    assert!(e.text.len() > 900_000);
}

#[test]
fn nul_bytes_are_harmless() {
    let text = "Title\u{0}\n\u{0}\nA body sentence with a NUL \u{0} inside it that is long enough to be kept as the body.\n";
    let e = extract_text(text).unwrap_or_else(|e| panic!("{e}"));
    assert!(e.text.contains("A body sentence"));
    let html = format!(
        "<html><body>\u{0}<article>{}\u{0}</article></body></html>",
        article_paragraphs(6)
    );
    let e = extract_html(&html, None).unwrap_or_else(|e| panic!("{e}"));
    assert!(e.text.contains("convoy"));
}

#[test]
fn fifty_megabyte_page_is_capped_and_noted() {
    let paragraph = "<p>Local officials said the convoy of displaced families reached the camp near the river late on Tuesday.</p>\n";
    let mut page = String::with_capacity(50 * 1024 * 1024 + 1024);
    page.push_str("<html><body><article>");
    while page.len() < 50 * 1024 * 1024 {
        page.push_str(paragraph);
    }
    let e = extract_html(&page, None).unwrap_or_else(|e| panic!("{e}"));
    assert!(e.removed.iter().any(|r| r.reason == "truncated"));
    assert!(e.text.len() <= MAX_HTML_BYTES);
    let text =
        "A line of flattened text that goes on and on about the convoy and the camp.\n".repeat(700_000);
    let e = extract_text(&text).unwrap_or_else(|e| panic!("{e}"));
    assert!(e.removed.iter().any(|r| r.reason == "truncated"));
    assert!(e.text.len() <= MAX_TEXT_BYTES * 2);
}
