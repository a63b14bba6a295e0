//! RSS 2.0 / Atom feeds through feed-rs: each entry becomes one HTML article.

use crate::IngestError;
use khabar_model::{BodyFormat, RawDoc};

pub(crate) fn read_feed(display: &str, bytes: &[u8], sink: &mut dyn FnMut(Result<RawDoc, IngestError>)) {
    let feed = match feed_rs::parser::parse(bytes) {
        Ok(f) => f,
        Err(e) => match salvage_truncated(bytes) {
            // A feed cut off mid-download: keep the items that arrived whole, report the rest.
            Some((f, kept_bytes)) => {
                sink(Err(IngestError::BadFeed {
                    path: display.into(),
                    reason: format!(
                        "feed is truncated or malformed after byte {kept_bytes} ({e}); kept the {} complete items before it",
                        f.entries.len()
                    ),
                }));
                f
            }
            None => {
                return sink(Err(IngestError::BadFeed {
                    path: display.into(),
                    reason: format!("not an RSS/Atom feed ({e})"),
                }))
            }
        },
    };
    let feed_title = feed
        .title
        .as_ref()
        .map(|t| t.content.trim().to_string())
        .filter(|t| !t.is_empty());
    for (i, entry) in feed.entries.into_iter().enumerate() {
        let where_ = format!("{display}#item{}", i + 1);
        let body = entry
            .content
            .as_ref()
            .and_then(|c| c.body.clone())
            .or_else(|| entry.summary.as_ref().map(|s| s.content.clone()))
            .filter(|b| !b.trim().is_empty());
        let Some(body) = body else {
            sink(Err(IngestError::BadFeed {
                path: where_,
                reason: "feed item has no content or summary".into(),
            }));
            continue;
        };
        let url = entry.links.first().map(|l| l.href.clone());
        let id = if entry.id.trim().is_empty() {
            url.clone().unwrap_or_else(|| where_.clone())
        } else {
            entry.id.clone()
        };
        sink(Ok(RawDoc {
            id,
            source_path: where_,
            url,
            title: entry
                .title
                .map(|t| t.content.trim().to_string())
                .filter(|t| !t.is_empty()),
            published: entry.published.or(entry.updated).map(|d| d.date_naive()),
            source: feed_title.clone(),
            lang: None,
            body,
            format: BodyFormat::Html,
        }));
    }
}

/// A feed that does not parse as a whole but holds complete items: cut after the last `</item>` (RSS) or
/// `</entry>` (Atom), close the document, and parse again. Returns the feed and how many bytes of the input it kept.
fn salvage_truncated(bytes: &[u8]) -> Option<(feed_rs::model::Feed, usize)> {
    let find_last = |needle: &[u8]| bytes.windows(needle.len()).rposition(|w| w == needle);
    let (end, closing): (usize, &[u8]) = match (find_last(b"</item>"), find_last(b"</entry>")) {
        (Some(i), _) => (i + b"</item>".len(), b"</channel></rss>"),
        (None, Some(i)) => (i + b"</entry>".len(), b"</feed>"),
        (None, None) => return None,
    };
    let mut fixed = bytes.get(..end)?.to_vec();
    fixed.extend_from_slice(closing);
    let feed = feed_rs::parser::parse(fixed.as_slice()).ok()?;
    (!feed.entries.is_empty()).then_some((feed, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rss_items_become_articles_and_bad_xml_is_refused() {
        let rss = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>عنب بلدي</title>
<item><title>قسد تعلن السيطرة على مخيم الباغوز</title><link>https://example.org/1</link>
<guid>https://example.org/1</guid><pubDate>Sat, 23 Mar 2019 08:10:00 +0300</pubDate>
<description><![CDATA[<p>أعلنت قوات سوريا الديمقراطية السيطرة على مخيم الباغوز.</p>]]></description></item>
<item><title>empty</title><guid>x2</guid></item>
</channel></rss>"#;
        let mut docs = Vec::new();
        let mut errs = Vec::new();
        read_feed("feed.xml", rss.as_bytes(), &mut |r| match r {
            Ok(d) => docs.push(d),
            Err(e) => errs.push(e.to_string()),
        });
        assert_eq!(docs.len(), 1);
        assert_eq!(
            docs[0].title.as_deref(),
            Some("قسد تعلن السيطرة على مخيم الباغوز")
        );
        assert_eq!(
            docs[0].published.map(|d| d.to_string()).as_deref(),
            Some("2019-03-23")
        );
        assert_eq!(docs[0].source.as_deref(), Some("عنب بلدي"));
        assert!(docs[0].body.contains("مخيم الباغوز"));
        assert_eq!(
            errs,
            vec!["feed.xml#item2: feed item has no content or summary".to_string()]
        );

        let mut errs = Vec::new();
        read_feed("bad.xml", b"<rss><channel><item>", &mut |r| {
            if let Err(e) = r {
                errs.push(e.to_string())
            }
        });
        assert_eq!(errs.len(), 1);
        assert!(errs[0].starts_with("bad.xml: not an RSS/Atom feed"), "{errs:?}");
    }

    #[test]
    fn a_feed_cut_off_mid_download_keeps_its_complete_items() {
        let whole = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Wire</title>
<item><title>One</title><guid>g1</guid><description>Air strikes hit Baghuz on Sunday evening.</description></item>
<item><title>Two</title><guid>g2</guid><description>Fighters surrendered in Baghuz on Monday.</description></item>
<item><title>Three</title><guid>g3</guid><description>The SDF said the camp was"#;
        let mut docs = Vec::new();
        let mut errs = Vec::new();
        read_feed("cut.xml", whole.as_bytes(), &mut |r| match r {
            Ok(d) => docs.push(d),
            Err(e) => errs.push(e.to_string()),
        });
        assert_eq!(
            docs.iter().map(|d| d.id.as_str()).collect::<Vec<_>>(),
            ["g1", "g2"]
        );
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(
            errs[0].contains("truncated") && errs[0].contains("kept the 2 complete items"),
            "{errs:?}"
        );

        let atom = r#"<feed xmlns="http://www.w3.org/2005/Atom"><title>W</title><id>urn:w</id>
<entry><title>A</title><id>urn:w:1</id><content>Shelling hit Idlib on Tuesday.</content></entry>
<entry><title>B</title><id>urn:w:2</id><content>Shell"#;
        let mut ids = Vec::new();
        read_feed("cut.atom", atom.as_bytes(), &mut |r| {
            ids.extend(r.ok().map(|d| d.id))
        });
        assert_eq!(ids, ["urn:w:1"]);
    }

    #[test]
    fn atom_entries_are_read() {
        let atom = r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Wire</title><id>urn:w</id><updated>2019-03-12T00:00:00Z</updated>
<entry><title>Coalition strikes Baghuz</title><id>urn:w:1</id><updated>2019-03-12T09:00:00Z</updated>
<link href="https://example.org/a"/><content type="html">&lt;p&gt;Air strikes hit Baghuz on Sunday.&lt;/p&gt;</content></entry>
</feed>"#;
        let mut docs = Vec::new();
        read_feed("a.atom", atom.as_bytes(), &mut |r| docs.extend(r.ok()));
        assert_eq!(docs.len(), 1);
        assert_eq!(docs[0].id, "urn:w:1");
        assert!(docs[0].body.contains("Air strikes hit Baghuz"));
        assert_eq!(
            docs[0].published.map(|d| d.to_string()).as_deref(),
            Some("2019-03-12")
        );
    }
}
