//! RSS 2.0 / Atom feeds through feed-rs: each entry becomes one HTML article.

use crate::IngestError;
use khabar_model::{BodyFormat, RawDoc};

pub(crate) fn read_feed(display: &str, bytes: &[u8], sink: &mut dyn FnMut(Result<RawDoc, IngestError>)) {
    let feed = match feed_rs::parser::parse(bytes) {
        Ok(f) => f,
        Err(e) => {
            return sink(Err(IngestError::BadFeed {
                path: display.into(),
                reason: format!("not an RSS/Atom feed ({e})"),
            }))
        }
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
