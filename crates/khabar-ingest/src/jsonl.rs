//! JSONL: one object per line with at least `text` or `html`; optional `id`, `url`, `title`, `published`,
//! `source`, `lang`. A bad line is refused with its line number; the rest of the file goes on.

use crate::{decode::decode_bytes, IngestError};
use chrono::NaiveDate;
use khabar_model::{BodyFormat, RawDoc};
use serde_json::Value;

/// Parses the date part of an ISO 8601 timestamp (`2019-03-12`, `2019-03-12T08:00:00Z`) or RFC 2822.
pub(crate) fn parse_published(value: &str) -> Option<NaiveDate> {
    let v = value.trim();
    if let Ok(dt) = chrono::DateTime::parse_from_rfc3339(v) {
        return Some(dt.date_naive());
    }
    if let Ok(dt) = chrono::DateTime::parse_from_rfc2822(v) {
        return Some(dt.date_naive());
    }
    let date_part: String = v.chars().take(10).collect();
    NaiveDate::parse_from_str(&date_part, "%Y-%m-%d").ok()
}

fn str_field(obj: &serde_json::Map<String, Value>, key: &str) -> Option<String> {
    match obj.get(key) {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    }
}

pub(crate) fn read_jsonl(
    display: &str,
    name: &str,
    bytes: &[u8],
    sink: &mut dyn FnMut(Result<RawDoc, IngestError>),
) {
    let text = decode_bytes(bytes, false).text;
    for (i, line) in text.lines().enumerate() {
        let line_no = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        let bad = |reason: String| IngestError::BadRecord {
            path: display.to_string(),
            line: line_no,
            reason,
        };
        let value: Value = match serde_json::from_str(line) {
            Ok(v) => v,
            Err(e) => {
                sink(Err(bad(format!("not JSON ({e})"))));
                continue;
            }
        };
        let Value::Object(obj) = value else {
            sink(Err(bad("not a JSON object".into())));
            continue;
        };
        let (body, format) = match (str_field(&obj, "html"), str_field(&obj, "text")) {
            (Some(html), _) => (html, BodyFormat::Html),
            (None, Some(text)) => (text, BodyFormat::Text),
            (None, None) => {
                sink(Err(bad("no non-empty `text` or `html` field".into())));
                continue;
            }
        };
        let published = match str_field(&obj, "published") {
            Some(p) => match parse_published(&p) {
                Some(d) => Some(d),
                None => {
                    sink(Err(bad(format!("`published` is not an ISO 8601 date: {p:?}"))));
                    continue;
                }
            },
            None => None,
        };
        sink(Ok(RawDoc {
            id: str_field(&obj, "id").unwrap_or_else(|| format!("{name}:{line_no}")),
            source_path: format!("{display}:{line_no}"),
            url: str_field(&obj, "url"),
            title: str_field(&obj, "title"),
            published,
            source: str_field(&obj, "source"),
            lang: str_field(&obj, "lang").map(|l| l.to_ascii_lowercase()),
            body,
            format,
        }));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn good_and_bad_lines_are_sorted_out_with_line_numbers() {
        let input = concat!(
            "{\"id\":\"a1\",\"text\":\"قتل 4 مدنيين\",\"published\":\"2019-03-12T10:00:00Z\",\"lang\":\"AR\"}\n",
            "not json at all\n",
            "\n",
            "[1,2]\n",
            "{\"title\":\"no body\"}\n",
            "{\"html\":\"<p>x</p>\",\"url\":\"https://example.org/a\"}\n",
            "{\"text\":\"t\",\"published\":\"last week\"}\n",
        );
        let mut docs = Vec::new();
        let mut errs = Vec::new();
        read_jsonl("in.jsonl", "in.jsonl", input.as_bytes(), &mut |r| match r {
            Ok(d) => docs.push(d),
            Err(e) => errs.push(e.to_string()),
        });
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].id, "a1");
        assert_eq!(docs[0].published, NaiveDate::from_ymd_opt(2019, 3, 12));
        assert_eq!(docs[0].lang.as_deref(), Some("ar"));
        assert_eq!(docs[1].id, "in.jsonl:6");
        assert_eq!(docs[1].format, BodyFormat::Html);
        assert_eq!(errs.len(), 4, "{errs:?}");
        assert!(errs[0].starts_with("in.jsonl:2: not JSON"));
        assert!(errs[1].starts_with("in.jsonl:4: not a JSON object"));
        assert!(errs[2].starts_with("in.jsonl:5: no non-empty"));
        assert!(errs[3].starts_with("in.jsonl:7: `published`"));
    }
}
