//! HTML pages: body via a Readability port (`dom_smoothie`), metadata from the markup, and a list of the page's
//! boilerplate blocks (navigation, related lists, share widgets, comments, footers) with a reason.

use crate::dates::{find_date_with_evidence, parse_date_value, MonthEvidence};
use crate::prestrip::{estimated_max_depth, strip_non_content, tokenized_text};
use crate::text::{date_order, filter_html_body_lines};
use crate::{cap_input, push_removed, ExtractError, Extracted};
use dom_query::{Document, NodeId, NodeRef};
use dom_smoothie::{Config, ParsePolicy, Readability, TextMode};
use khabar_model::Removed;

/// Pages longer than this many bytes are cut (at a char boundary) before parsing; the cut is noted in `removed`
/// with reason `truncated`. Real article pages are well under it (the 86-page benchmark's largest is 1.5 MB).
pub const MAX_HTML_BYTES: usize = 6 * 1024 * 1024;

/// A text run with at least this many chars counts as article-like paragraph text.
const MIN_PARAGRAPH_CHARS: usize = 60;
/// A furniture-looking block holding more than this share of the page's paragraph text is left for Readability.
const MAX_FURNITURE_SHARE: f64 = 0.25;

/// Pages whose markup nests deeper than this are reduced to their plain text (see [`extract_html`]); real pages
/// stay far below it.
pub const MAX_DOM_DEPTH: u32 = 400;

/// Pages whose estimated nesting (see `estimated_max_depth`) exceeds this skip the tree builder altogether.
const MAX_NESTING_ESTIMATE: usize = 2_000;

/// A strict Readability pass yielding fewer chars than this is retried with the relaxed passes (Readability's own
/// threshold).
const STRICT_PASS_MIN_CHARS: usize = 500;

/// At most this many removed blocks are listed per page, each cut to [`MAX_REMOVED_CHARS`].
const MAX_REMOVED_BLOCKS: usize = 40;
const MAX_REMOVED_CHARS: usize = 400;

/// Extracts title, date, author, site name and body text from a web page. `url` is the page's address when known
/// (used as the fallback canonical URL). Fails with [`ExtractError::EmptyBody`] when no body text is found.
pub fn extract_html(html: &str, url: Option<&str>) -> Result<Extracted, ExtractError> {
    let mut removed = Vec::new();
    let (html, truncated) = cap_input(html, MAX_HTML_BYTES);
    if truncated {
        push_removed(
            &mut removed,
            &format!("input cut at {MAX_HTML_BYTES} bytes"),
            "truncated",
        );
    }
    let stripped = strip_non_content(html);
    if estimated_max_depth(&stripped) > MAX_NESTING_ESTIMATE {
        let text = tokenized_text(&stripped);
        return plain_text_result(text, PageMeta::default(), url, removed);
    }
    let document = Document::from(stripped.as_str());
    let meta = PageMeta::read(&document);
    if dom_depth_exceeds(&document, MAX_DOM_DEPTH) {
        let text = text_nodes_joined(&document);
        return plain_text_result(text, meta, url, removed);
    }
    let boilerplate = strip_furniture(&document);

    // One strict Readability pass on the document as is; only when it finds too little text, the full
    // multi-attempt pass (which clones the tree per attempt) on a fresh parse.
    let config = || Config {
        text_mode: TextMode::Formatted,
        ..Config::default()
    };
    let mut article = Readability::with_document(document, None, Some(config()))
        .ok()
        .and_then(|mut readability| readability.parse_with_policy(ParsePolicy::Strict).ok())
        .filter(|article| article.length >= STRICT_PASS_MIN_CHARS);
    if article.is_none() {
        let document = Document::from(stripped.as_str());
        strip_furniture(&document);
        article = Readability::with_document(document, None, Some(config()))
            .ok()
            .and_then(|mut readability| readability.parse().ok());
    }
    let mut extracted = Extracted {
        url: meta.url.clone().or_else(|| url.map(str::to_string)),
        ..Extracted::default()
    };
    let (body, dropped_lines) = match &article {
        Some(article) => filter_html_body_lines(&clean_body(&article.text_content)),
        None => (String::new(), Vec::new()),
    };
    if let Some(article) = &article {
        extracted.title = meta.title.clone().or_else(|| non_empty(&article.title));
        extracted.author = meta
            .author
            .clone()
            .or_else(|| article.byline.as_deref().and_then(non_empty));
        extracted.site_name = meta
            .site_name
            .clone()
            .or_else(|| article.site_name.as_deref().and_then(non_empty));
        extracted.published = meta
            .published
            .or_else(|| article.published_time.as_deref().and_then(parse_date_value));
    } else {
        extracted.title = meta.title.clone();
        extracted.author = meta.author.clone();
        extracted.site_name = meta.site_name.clone();
        extracted.published = meta.published;
    }
    let body_compact = compact(&body);
    for (text, reason) in boilerplate {
        if removed.len() >= MAX_REMOVED_BLOCKS {
            break;
        }
        let block_compact = compact(&text);
        if block_compact.is_empty() || body_compact.contains(&block_compact) {
            continue;
        }
        removed.push(Removed {
            text: shorten(&text, MAX_REMOVED_CHARS),
            reason: reason.to_string(),
        });
    }
    for (text, reason) in dropped_lines {
        if removed.len() < MAX_REMOVED_BLOCKS * 2 {
            push_removed(&mut removed, &text, &reason);
        }
    }
    if extracted.published.is_none() {
        // A date printed in the page's byline/date line (complete dates only, never a guessed year).
        let order = date_order(&body);
        let evidence = MonthEvidence::from_body(&body);
        extracted.published = removed
            .iter()
            .filter(|r| r.reason == "byline")
            .find_map(|r| find_date_with_evidence(&r.text, order, &evidence));
    }
    extracted.removed = removed;
    if body.trim().is_empty() {
        return Err(ExtractError::EmptyBody);
    }
    extracted.text = body;
    Ok(extracted)
}

/// Whether any node lies deeper than `limit` (computed iteratively, parents before children).
fn dom_depth_exceeds(document: &Document, limit: u32) -> bool {
    let root = document.root();
    let mut depth_of: foldhash::HashMap<NodeId, u32> = foldhash::HashMap::default();
    for node in root.descendants_it() {
        let parent_depth = node
            .parent()
            .and_then(|p| depth_of.get(&p.id).copied())
            .unwrap_or(0);
        let depth = parent_depth + 1;
        if depth > limit {
            return true;
        }
        if node.is_element() {
            depth_of.insert(node.id, depth);
        }
    }
    false
}

/// The body's text nodes in document order, one per line (iterative: safe on any depth).
fn text_nodes_joined(document: &Document) -> String {
    document
        .select("script, style, noscript, template, head")
        .remove();
    let mut text = String::new();
    for node in document.root().descendants_it() {
        if !node.is_text() {
            continue;
        }
        let content = node.text();
        let line = content.split_whitespace().collect::<Vec<_>>().join(" ");
        if line.is_empty() {
            continue;
        }
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(&line);
    }
    text
}

/// For pathological nesting, where the tree builder slows down and Readability's recursive passes could exhaust
/// the stack: the page's text from the tokenizer, noted in `removed` with reason `fallback`.
fn plain_text_result(
    text: String,
    meta: PageMeta,
    url: Option<&str>,
    mut removed: Vec<Removed>,
) -> Result<Extracted, ExtractError> {
    push_removed(
        &mut removed,
        &format!("markup nested too deep (over {MAX_DOM_DEPTH} levels): plain text kept"),
        "fallback",
    );
    if text.trim().is_empty() {
        return Err(ExtractError::EmptyBody);
    }
    Ok(Extracted {
        title: meta.title,
        published: meta.published,
        author: meta.author,
        site_name: meta.site_name,
        url: meta.url.or_else(|| url.map(str::to_string)),
        text,
        removed,
    })
}

fn non_empty(s: &str) -> Option<String> {
    let t = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if t.is_empty() {
        None
    } else {
        Some(t)
    }
}

/// Whitespace-free form used to test whether a block's text survived into the body.
fn compact(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Whitespace-collapsed prefix of `s` of at most `max_chars` chars (`…` appended when cut); stops reading early.
fn shorten(s: &str, max_chars: usize) -> String {
    let mut out = String::new();
    let mut count = 0usize;
    for word in s.split_whitespace() {
        let word_chars = word.chars().count();
        let space = usize::from(!out.is_empty());
        if count + space + word_chars > max_chars {
            out.push('…');
            return out;
        }
        if space == 1 {
            out.push(' ');
        }
        out.push_str(word);
        count += space + word_chars;
    }
    out
}

/// Normalises the Readability text: trims lines, collapses runs of blank lines to one.
fn clean_body(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank_pending = false;
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() {
            blank_pending = !out.is_empty();
            continue;
        }
        if blank_pending {
            out.push_str("\n\n");
            blank_pending = false;
        } else if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(line);
    }
    out
}

/// Metadata read from the markup before Readability changes the document.
#[derive(Debug, Default)]
struct PageMeta {
    title: Option<String>,
    published: Option<chrono::NaiveDate>,
    author: Option<String>,
    site_name: Option<String>,
    url: Option<String>,
}

impl PageMeta {
    /// Reads JSON-LD, `<meta>`, `<link rel=canonical>` and `<time datetime>` in one pass over the document.
    fn read(document: &Document) -> PageMeta {
        let mut meta = PageMeta::default();
        // `property:og:title`, `name:date`, `itemprop:datepublished` -> first content seen.
        let mut values: std::collections::HashMap<String, String> = std::collections::HashMap::new();
        // Dates of `<time itemprop=datePublished>`, `<time pubdate>`, any `<time datetime>`: first of each.
        let mut time_dates: [Option<chrono::NaiveDate>; 3] = [None; 3];
        let mut canonical: Option<String> = None;
        for node in document.select("meta, link, time, script").nodes() {
            let Some(name) = node.node_name() else { continue };
            match name.as_ref() {
                "meta" => {
                    let Some(content) = node.attr("content").and_then(|c| non_empty(&c)) else {
                        continue;
                    };
                    for attr in ["property", "name", "itemprop"] {
                        if let Some(key) = node.attr(attr) {
                            let key = format!("{attr}:{}", key.trim().to_ascii_lowercase());
                            values.entry(key).or_insert_with(|| content.clone());
                        }
                    }
                }
                "link" => {
                    let is_canonical = node
                        .attr("rel")
                        .is_some_and(|r| r.eq_ignore_ascii_case("canonical"));
                    if is_canonical && canonical.is_none() {
                        canonical = node
                            .attr("href")
                            .map(|h| h.trim().to_string())
                            .filter(|h| h.starts_with("http"));
                    }
                }
                "time" => {
                    let Some(date) = node.attr("datetime").and_then(|v| parse_date_value(&v)) else {
                        continue;
                    };
                    // Dates of teasers, comments and sidebars are not the article's.
                    let in_furniture = node.ancestors_it(None).any(|a| {
                        furniture_kind(&a).is_some_and(|k| {
                            matches!(
                                k,
                                "navigation" | "related" | "comments" | "aside" | "footer" | "sidebar"
                            )
                        })
                    });
                    if in_furniture {
                        continue;
                    }
                    let slot = if node
                        .attr("itemprop")
                        .is_some_and(|v| v.eq_ignore_ascii_case("datePublished"))
                    {
                        0
                    } else if node.has_attr("pubdate") {
                        1
                    } else {
                        2
                    };
                    if let Some(entry) = time_dates.get_mut(slot) {
                        entry.get_or_insert(date);
                    }
                }
                "script" => {
                    let is_json_ld = node
                        .attr("type")
                        .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json"));
                    if is_json_ld {
                        let raw = node.text();
                        if let Ok(value) = serde_json::from_str::<serde_json::Value>(raw.trim()) {
                            meta.merge_json_ld(&value, 0);
                        }
                    }
                }
                _ => {}
            }
        }
        let first_of = |keys: &[&str]| keys.iter().find_map(|k| values.get(*k).cloned());
        if meta.title.is_none() {
            meta.title = first_of(&[
                "property:og:title",
                "name:twitter:title",
                "property:twitter:title",
                "name:title",
            ]);
        }
        if meta.site_name.is_none() {
            meta.site_name = first_of(&["property:og:site_name", "name:application-name"]);
        }
        if meta.author.is_none() {
            meta.author = first_of(&[
                "name:author",
                "property:article:author",
                "name:byl",
                "name:dc.creator",
            ])
            .filter(|a| !a.starts_with("http"));
        }
        if meta.published.is_none() {
            let date_keys = [
                "property:article:published_time",
                "name:article:published_time",
                "itemprop:datepublished",
                "name:date",
                "name:pubdate",
                "name:publish-date",
                "name:publish_date",
                "name:dc.date",
                "name:dc.date.issued",
                "name:dcterms.date",
                "name:sailthru.date",
                "name:parsely-pub-date",
                "property:og:published_time",
            ];
            meta.published = date_keys
                .iter()
                .find_map(|k| values.get(*k).and_then(|v| parse_date_value(v)));
        }
        if meta.published.is_none() {
            meta.published = time_dates.iter().find_map(|d| *d);
        }
        if meta.url.is_none() {
            meta.url = canonical.or_else(|| first_of(&["property:og:url"]).filter(|h| h.starts_with("http")));
        }
        meta
    }

    /// Takes headline, datePublished, author and publisher from an article-typed JSON-LD object (also inside
    /// arrays and `@graph`).
    fn merge_json_ld(&mut self, value: &serde_json::Value, depth: usize) {
        if depth > 4 {
            return;
        }
        match value {
            serde_json::Value::Array(items) => {
                for item in items {
                    self.merge_json_ld(item, depth + 1);
                }
            }
            serde_json::Value::Object(map) => {
                if let Some(graph) = map.get("@graph") {
                    self.merge_json_ld(graph, depth + 1);
                }
                let is_article = map.get("@type").is_some_and(|t| {
                    let names: Vec<&str> = match t {
                        serde_json::Value::String(s) => vec![s.as_str()],
                        serde_json::Value::Array(a) => a.iter().filter_map(|v| v.as_str()).collect(),
                        _ => Vec::new(),
                    };
                    names
                        .iter()
                        .any(|n| n.ends_with("Article") || *n == "BlogPosting" || *n == "Report")
                });
                if !is_article {
                    return;
                }
                if self.title.is_none() {
                    self.title = map.get("headline").and_then(|v| v.as_str()).and_then(non_empty);
                }
                if self.published.is_none() {
                    self.published = map
                        .get("datePublished")
                        .and_then(|v| v.as_str())
                        .and_then(parse_date_value);
                }
                if self.author.is_none() {
                    self.author = map.get("author").and_then(json_ld_names);
                }
                if self.site_name.is_none() {
                    self.site_name = map.get("publisher").and_then(json_ld_names);
                }
            }
            _ => {}
        }
    }
}

/// Names of a JSON-LD person/organisation value: a string, an object with `name`, or an array of those.
fn json_ld_names(value: &serde_json::Value) -> Option<String> {
    let names: Vec<String> = match value {
        serde_json::Value::String(s) => vec![s.clone()],
        serde_json::Value::Object(map) => map
            .get("name")
            .and_then(|v| v.as_str())
            .map(str::to_string)
            .into_iter()
            .collect(),
        serde_json::Value::Array(items) => items
            .iter()
            .filter_map(|item| match item {
                serde_json::Value::String(s) => Some(s.clone()),
                serde_json::Value::Object(map) => {
                    map.get("name").and_then(|v| v.as_str()).map(str::to_string)
                }
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    let names: Vec<String> = names
        .iter()
        .filter_map(|n| non_empty(n))
        .filter(|n| !n.starts_with("http"))
        .collect();
    if names.is_empty() {
        None
    } else {
        Some(names.join(", "))
    }
}

/// Class/id words (split at non-alphanumerics, lowercased) that mark page furniture, with the reason recorded.
const CLASS_WORDS: [(&str, &str); 57] = [
    ("caption", "caption"),
    ("credit", "caption"),
    ("credits", "caption"),
    ("figcaption", "caption"),
    ("share", "share"),
    ("sharing", "share"),
    ("social", "share"),
    ("sharebar", "share"),
    ("addthis", "share"),
    ("sharethis", "share"),
    ("breadcrumb", "navigation"),
    ("breadcrumbs", "navigation"),
    ("nav", "navigation"),
    ("navbar", "navigation"),
    ("navigation", "navigation"),
    ("menu", "navigation"),
    ("pagination", "navigation"),
    ("pager", "navigation"),
    ("related", "related"),
    ("recommended", "related"),
    ("recommendations", "related"),
    ("outbrain", "related"),
    ("taboola", "related"),
    ("trending", "related"),
    ("mostpopular", "related"),
    ("comment", "comments"),
    ("comments", "comments"),
    ("disqus", "comments"),
    ("respond", "comments"),
    ("byline", "byline"),
    ("author", "byline"),
    ("authors", "byline"),
    ("dateline", "byline"),
    ("timestamp", "byline"),
    ("date", "byline"),
    ("published", "byline"),
    ("posted", "byline"),
    ("tags", "tags"),
    ("tag", "tags"),
    ("keywords", "tags"),
    ("newsletter", "newsletter"),
    ("subscribe", "newsletter"),
    ("subscription", "newsletter"),
    ("signup", "newsletter"),
    ("promo", "advertisement"),
    ("advert", "advertisement"),
    ("advertisement", "advertisement"),
    ("ad", "advertisement"),
    ("ads", "advertisement"),
    ("adsbygoogle", "advertisement"),
    ("sponsored", "advertisement"),
    ("footer", "footer"),
    ("sidebar", "sidebar"),
    ("hidden", "hidden"),
    ("screen-reader-text", "hidden"),
    ("sr-only", "hidden"),
    ("visually-hidden", "hidden"),
];

/// [`CLASS_WORDS`] as a lookup table.
static CLASS_WORD_INDEX: once_cell::sync::Lazy<std::collections::HashMap<&'static str, &'static str>> =
    once_cell::sync::Lazy::new(|| CLASS_WORDS.iter().copied().collect());

/// The furniture kind of one element, from its tag, hiding attributes and class/id words.
fn furniture_kind(node: &NodeRef) -> Option<&'static str> {
    let name = node.node_name()?;
    let by_tag = match name.as_ref() {
        "nav" => Some("navigation"),
        "footer" => Some("footer"),
        "aside" => Some("aside"),
        "figcaption" | "figure" => Some("caption"),
        "button" | "select" | "textarea" | "input" | "dialog" => Some("widget"),
        "html" | "body" | "main" | "article" | "head" => return None,
        _ => None,
    };
    if by_tag.is_some() {
        return by_tag;
    }
    if node.has_attr("hidden") {
        return Some("hidden");
    }
    if let Some(style) = node.attr("style") {
        let style: String = style
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        if style.contains("display:none") || style.contains("visibility:hidden") {
            return Some("hidden");
        }
    }
    for attr in ["class", "id"] {
        let Some(value) = node.attr(attr) else { continue };
        let lowered;
        let value: &str = if value.bytes().any(|b| b.is_ascii_uppercase()) {
            lowered = value.to_ascii_lowercase();
            &lowered
        } else {
            &value
        };
        for token in value.split_ascii_whitespace() {
            if let Some(reason) = CLASS_WORD_INDEX.get(token) {
                return Some(reason);
            }
            for part in token.split(|c: char| !c.is_ascii_alphanumeric()) {
                if let Some(reason) = CLASS_WORD_INDEX.get(part) {
                    return Some(reason);
                }
            }
        }
    }
    None
}

/// Removes page furniture (navigation, captions, share bars, related lists, comments, bylines, ads, hidden
/// blocks) from the document before Readability scores it, and returns the removed text with its reason.
/// A block holding more than [`MAX_FURNITURE_SHARE`] of the page's paragraph text is kept: it is more likely a
/// wrapper than furniture.
fn strip_furniture(document: &Document) -> Vec<(String, &'static str)> {
    let Some(body) = document.select_single("body").nodes().first().cloned() else {
        return Vec::new();
    };
    document.select("script, style, noscript, template").remove();
    // Paragraph mass: chars of long text runs (sentences, not link labels), credited to every ancestor.
    let mut paragraph_mass: foldhash::HashMap<NodeId, usize> = foldhash::HashMap::default();
    let mut total_mass = 0usize;
    for text_node in body.descendants_it() {
        if !text_node.is_text() {
            continue;
        }
        let chars = text_node.normalized_char_count();
        if chars < MIN_PARAGRAPH_CHARS {
            continue;
        }
        total_mass += chars;
        for ancestor in text_node.ancestors_it(None) {
            *paragraph_mass.entry(ancestor.id).or_insert(0) += chars;
        }
    }
    let mut chosen: Vec<(NodeRef, &'static str)> = Vec::new();
    let mut chosen_ids: foldhash::HashSet<NodeId> = foldhash::HashSet::default();
    for node in body.descendants_it() {
        if !node.is_element() {
            continue;
        }
        let Some(kind) = furniture_kind(&node) else {
            continue;
        };
        if node.ancestors_it(None).any(|a| chosen_ids.contains(&a.id)) {
            continue;
        }
        let mass = paragraph_mass.get(&node.id).copied().unwrap_or(0);
        if (mass as f64) > MAX_FURNITURE_SHARE * total_mass as f64 {
            continue;
        }
        chosen_ids.insert(node.id);
        chosen.push((node, kind));
    }
    let mut removed = Vec::new();
    for (node, kind) in chosen {
        if removed.len() < MAX_REMOVED_BLOCKS * 2 {
            removed.push((shorten(&node.text(), MAX_REMOVED_CHARS * 4), kind));
        }
        node.remove_from_parent();
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_body_collapses_blank_runs() {
        assert_eq!(clean_body("  a \n\n\n b\nc  \n\n"), "a\n\nb\nc");
    }
}
