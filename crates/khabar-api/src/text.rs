//! Text helpers for the pages: paragraphs with evidence spans marked (char offsets), query-term highlighting, and
//! numbers. Everything returns pieces that maud escapes; nothing here builds raw HTML.

/// One piece of a paragraph: plain or highlighted text, with the event ids a highlight belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    /// The text (unescaped; the template escapes it).
    pub text: String,
    /// Event ids when this piece is inside an evidence span.
    pub marks: Vec<String>,
}

/// A paragraph of an article, split into pieces.
pub type Paragraph = Vec<Piece>;

/// Splits `text` into paragraphs (on line breaks, blank ones dropped) and marks the char spans `[start, end)` of
/// `spans` (event id, span). Out-of-range or reversed spans are clipped or ignored, never a panic.
pub fn marked_paragraphs(text: &str, spans: &[(String, [usize; 2])]) -> Vec<Paragraph> {
    // Byte offset of every char index (plus the end), so char spans slice safely.
    let mut bytes_at: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
    let n_chars = bytes_at.len();
    bytes_at.push(text.len());
    // Boundaries where the set of covering spans changes.
    let mut cuts: Vec<usize> = vec![0, n_chars];
    let clean: Vec<(&str, usize, usize)> = spans
        .iter()
        .filter_map(|(id, [s, e])| {
            let (s, e) = ((*s).min(n_chars), (*e).min(n_chars));
            (s < e).then_some((id.as_str(), s, e))
        })
        .collect();
    for (_, s, e) in &clean {
        cuts.push(*s);
        cuts.push(*e);
    }
    // Paragraph breaks are cuts too.
    for (i, c) in text.chars().enumerate() {
        if c == '\n' {
            cuts.push(i);
            cuts.push(i + 1);
        }
    }
    cuts.sort_unstable();
    cuts.dedup();
    let mut paragraphs: Vec<Paragraph> = Vec::new();
    let mut current: Paragraph = Vec::new();
    for w in cuts.windows(2) {
        let (s, e) = (w[0], w[1]);
        let (Some(&bs), Some(&be)) = (bytes_at.get(s), bytes_at.get(e)) else {
            continue;
        };
        let Some(piece) = text.get(bs..be) else {
            continue;
        };
        if piece == "\n" {
            flush(&mut paragraphs, &mut current);
            continue;
        }
        let marks: Vec<String> = clean
            .iter()
            .filter(|(_, ms, me)| *ms <= s && e <= *me)
            .map(|(id, _, _)| id.to_string())
            .collect();
        current.push(Piece {
            text: piece.to_string(),
            marks,
        });
    }
    flush(&mut paragraphs, &mut current);
    paragraphs
}

fn flush(out: &mut Vec<Paragraph>, current: &mut Paragraph) {
    if current.iter().any(|p| !p.text.trim().is_empty()) {
        out.push(std::mem::take(current));
    } else {
        current.clear();
    }
}

/// Splits `text` into pieces with every case-insensitive occurrence of a query term (two chars or more) marked.
pub fn highlight_terms(text: &str, query: &str) -> Vec<Piece> {
    let terms: Vec<String> = query
        .split(|c: char| c.is_whitespace() || c == '"')
        .map(|t| t.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase())
        .filter(|t| t.chars().count() >= 2)
        .collect();
    let chars: Vec<char> = text.chars().collect();
    let lower: Vec<char> = chars
        .iter()
        .map(|c| c.to_lowercase().next().unwrap_or(*c))
        .collect();
    let mut marked = vec![false; chars.len()];
    for term in &terms {
        let t: Vec<char> = term.chars().collect();
        if t.is_empty() || t.len() > lower.len() {
            continue;
        }
        for start in 0..=(lower.len() - t.len()) {
            if lower.get(start..start + t.len()) == Some(t.as_slice()) {
                for m in marked.iter_mut().skip(start).take(t.len()) {
                    *m = true;
                }
            }
        }
    }
    let mut out: Vec<Piece> = Vec::new();
    for (c, m) in chars.iter().zip(marked) {
        match out.last_mut() {
            Some(last) if last.marks.is_empty() != m => last.text.push(*c),
            _ => out.push(Piece {
                text: c.to_string(),
                marks: if m { vec!["q".into()] } else { vec![] },
            }),
        }
    }
    out
}

/// Pieces of a search snippet. Snippets from the tantivy index are HTML (`Snippet::to_html`: escaped text with
/// `<b>` around matches): the `<b>` runs become marks and the five HTML entities are decoded; any other markup stays
/// literal text (and is escaped again by the template). Without `<b>` runs, query terms are marked instead.
pub fn snippet_pieces(snippet: &str, query: &str) -> Vec<Piece> {
    if !snippet.contains("<b>") {
        return highlight_terms(&unescape(snippet), query);
    }
    let mut out = Vec::new();
    let mut rest = snippet;
    while let Some(open) = rest.find("<b>") {
        let (before, after) = rest.split_at(open);
        push_piece(&mut out, before, false);
        let after = &after[3..];
        match after.find("</b>") {
            Some(close) => {
                push_piece(&mut out, &after[..close], true);
                rest = &after[close + 4..];
            }
            None => {
                push_piece(&mut out, after, true);
                rest = "";
            }
        }
    }
    push_piece(&mut out, rest, false);
    out
}

fn push_piece(out: &mut Vec<Piece>, html: &str, marked: bool) {
    if !html.is_empty() {
        out.push(Piece {
            text: unescape(html),
            marks: if marked { vec!["q".into()] } else { vec![] },
        });
    }
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&amp;", "&")
}

/// Whether a language is written right to left.
pub fn is_rtl(lang: &str) -> bool {
    matches!(lang, "ar" | "fa" | "ur" | "he" | "ps" | "ckb" | "yi")
}

/// A count range as people read it: `50`, `24–99`, `more than 7000`.
pub fn range_label(min: Option<u64>, max: Option<u64>) -> String {
    match (min, max) {
        (Some(a), Some(b)) if a == b => a.to_string(),
        (Some(a), Some(b)) => format!("{a}–{b}"),
        (Some(a), None) => format!("at least {a}"),
        (None, Some(b)) => format!("up to {b}"),
        (None, None) => "unknown".into(),
    }
}

/// The numeric part of ids like `s12` / `e7`, for numeric ordering.
pub fn id_number(id: &str) -> u64 {
    id.trim_start_matches(|c: char| c.is_ascii_alphabetic())
        .parse()
        .unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flat(p: &Paragraph) -> String {
        p.iter()
            .map(|x| {
                if x.marks.is_empty() {
                    x.text.clone()
                } else {
                    format!("[{}]", x.text)
                }
            })
            .collect()
    }

    #[test]
    fn arabic_spans_are_char_offsets_not_bytes() {
        let text = "قال المرصد السوري إن 20 مدنياً قتلوا.\nوقالت سانا إن الغارات قتلت 50 شخصاً في الباغوز.";
        let second = text.split('\n').nth(1).unwrap();
        let start = text.chars().count() - second.chars().count();
        let spans = vec![("e2".to_string(), [start, text.chars().count()])];
        let paras = marked_paragraphs(text, &spans);
        assert_eq!(paras.len(), 2);
        assert_eq!(flat(&paras[0]), text.split('\n').next().unwrap());
        assert_eq!(flat(&paras[1]), format!("[{second}]"));
        assert_eq!(paras[1][0].marks, vec!["e2".to_string()]);
    }

    #[test]
    fn spans_across_paragraphs_and_out_of_range_are_safe() {
        let text = "One killed.\n\nTwo wounded in Idlib.";
        let spans = vec![
            ("e1".to_string(), [4, 20]),
            ("e2".to_string(), [28, 500]),
            ("bad".to_string(), [9, 3]),
        ];
        let paras = marked_paragraphs(text, &spans);
        assert_eq!(paras.len(), 2);
        assert_eq!(flat(&paras[0]), "One [killed.]");
        assert_eq!(flat(&paras[1]), "[Two wou]nded in [Idlib.]");
        assert!(marked_paragraphs("", &spans).is_empty());
    }

    #[test]
    fn overlapping_spans_carry_both_ids() {
        let paras = marked_paragraphs("abcdef", &[("a".into(), [0, 4]), ("b".into(), [2, 6])]);
        let marks: Vec<Vec<String>> = paras[0].iter().map(|p| p.marks.clone()).collect();
        assert_eq!(
            marks,
            vec![
                vec!["a".to_string()],
                vec!["a".into(), "b".into()],
                vec!["b".into()]
            ]
        );
    }

    #[test]
    fn query_terms_are_marked_case_insensitively_in_both_scripts() {
        let pieces = highlight_terms("Airstrikes on Baghuz; غارات على الباغوز", "baghuz الباغوز");
        let marked: Vec<&str> = pieces
            .iter()
            .filter(|p| !p.marks.is_empty())
            .map(|p| p.text.as_str())
            .collect();
        assert_eq!(marked, vec!["Baghuz", "الباغوز"]);
        assert!(highlight_terms("abc", "").iter().all(|p| p.marks.is_empty()));
    }

    #[test]
    fn tantivy_snippets_keep_their_matches_and_nothing_else() {
        let pieces = snippet_pieces("غارات على <b>الباغوز</b> &lt;script&gt; &amp; <i>x</i>", "x");
        assert_eq!(pieces.len(), 3);
        assert_eq!(pieces[1].text, "الباغوز");
        assert!(!pieces[1].marks.is_empty());
        assert_eq!(pieces[2].text, " <script> & <i>x</i>");
        let plain = snippet_pieces("Strikes on Baghuz", "baghuz");
        assert_eq!(plain.iter().filter(|p| !p.marks.is_empty()).count(), 1);
        assert_eq!(snippet_pieces("a <b>open", "")[1].text, "open");
    }

    #[test]
    fn labels_and_ids() {
        assert_eq!(range_label(Some(50), Some(50)), "50");
        assert_eq!(range_label(Some(24), Some(99)), "24–99");
        assert_eq!(range_label(Some(7001), None), "at least 7001");
        assert_eq!(id_number("s12"), 12);
        assert_eq!(id_number("x"), u64::MAX);
        assert!(is_rtl("ar") && !is_rtl("en"));
    }
}
