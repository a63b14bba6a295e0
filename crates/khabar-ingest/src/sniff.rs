//! Input format selection: by flag, by extension, then by content.

use std::path::Path;

/// Input formats of the contract (`--format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InputFormat {
    /// Decide per file by extension, then content.
    Auto,
    /// A scraped text file: one article.
    Text,
    /// A web page: one article.
    Html,
    /// One JSON object per line.
    Jsonl,
    /// An RSS 2.0 / Atom feed.
    Rss,
}

impl InputFormat {
    /// Parses the `--format` flag value.
    pub fn parse(name: &str) -> Option<InputFormat> {
        match name.to_ascii_lowercase().as_str() {
            "auto" => Some(InputFormat::Auto),
            "text" | "txt" => Some(InputFormat::Text),
            "html" | "htm" => Some(InputFormat::Html),
            "jsonl" | "ndjson" | "json" => Some(InputFormat::Jsonl),
            "rss" | "atom" | "feed" | "xml" => Some(InputFormat::Rss),
            _ => None,
        }
    }

    /// With `Auto`, the format a file's extension implies (still `Auto` for unknown extensions).
    pub fn or_extension(self, path: &Path) -> InputFormat {
        if self != InputFormat::Auto {
            return self;
        }
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(|e| e.to_ascii_lowercase());
        match ext.as_deref() {
            Some("txt" | "text") => InputFormat::Text,
            Some("html" | "htm" | "xhtml") => InputFormat::Html,
            Some("jsonl" | "ndjson") => InputFormat::Jsonl,
            Some("rss" | "atom") => InputFormat::Rss,
            // .xml and .json could be anything: look inside.
            _ => InputFormat::Auto,
        }
    }
}

/// Guesses the format from the first bytes: feed XML, HTML markup, JSON lines, else text.
pub fn sniff_format(bytes: &[u8]) -> InputFormat {
    let head_len = bytes.len().min(4096);
    let head = String::from_utf8_lossy(&bytes[..head_len]).to_ascii_lowercase();
    let trimmed = head.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with('{') {
        return InputFormat::Jsonl;
    }
    if trimmed.starts_with('<') {
        if head.contains("<rss") || head.contains("<feed") || head.contains("<rdf:rdf") {
            return InputFormat::Rss;
        }
        return InputFormat::Html;
    }
    if head.contains("<html") || head.contains("<body") || head.contains("<!doctype html") {
        return InputFormat::Html;
    }
    InputFormat::Text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_feeds_pages_jsonl_and_text() {
        assert_eq!(
            sniff_format(b"<?xml version=\"1.0\"?><rss version=\"2.0\">"),
            InputFormat::Rss
        );
        assert_eq!(
            sniff_format(b"<?xml version=\"1.0\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">"),
            InputFormat::Rss
        );
        assert_eq!(sniff_format(b"<!DOCTYPE html><html lang=ar>"), InputFormat::Html);
        assert_eq!(
            sniff_format(b"{\"id\":\"1\",\"text\":\"x\"}\n"),
            InputFormat::Jsonl
        );
        assert_eq!(sniff_format("قسد تعلن".as_bytes()), InputFormat::Text);
        assert_eq!(
            InputFormat::Auto.or_extension(Path::new("a/b.HTM")),
            InputFormat::Html
        );
        assert_eq!(
            InputFormat::Text.or_extension(Path::new("a/b.html")),
            InputFormat::Text
        );
        assert_eq!(InputFormat::parse("rss"), Some(InputFormat::Rss));
        assert_eq!(InputFormat::parse("pdf"), None);
    }
}
