//! Exports: JSONL for every table (the contract's shape), ACLED-like CSV for events, mentions and stories, and a
//! GeoJSON FeatureCollection of events (events without coordinates are left out and counted).

#![deny(missing_docs)]

use khabar_model::{Article, CountRole, Event, Mention, Story};
use serde::Serialize;
use std::collections::HashMap;
use std::io::Write;
use thiserror::Error;

/// Why an export failed.
#[derive(Debug, Error)]
pub enum ExportError {
    /// Writing failed.
    #[error("write error: {0}")]
    Io(#[from] std::io::Error),
    /// JSON serialisation failed.
    #[error("json error: {0}")]
    Json(#[from] serde_json::Error),
    /// CSV serialisation failed.
    #[error("csv error: {0}")]
    Csv(#[from] csv::Error),
    /// The format does not apply to the table.
    #[error("{format} export is not available for {table}")]
    Unsupported {
        /// The table.
        table: &'static str,
        /// The format.
        format: &'static str,
    },
}

/// Result alias for exports.
pub type ExportResult<T> = Result<T, ExportError>;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// One JSON object per line.
    Jsonl,
    /// Comma-separated values with a header row.
    Csv,
    /// A GeoJSON FeatureCollection.
    Geojson,
}

impl ExportFormat {
    /// Parses `jsonl`, `csv`, `geojson`.
    pub fn parse(s: &str) -> Option<ExportFormat> {
        match s.to_ascii_lowercase().as_str() {
            "jsonl" | "ndjson" => Some(ExportFormat::Jsonl),
            "csv" => Some(ExportFormat::Csv),
            "geojson" => Some(ExportFormat::Geojson),
            _ => None,
        }
    }
}

/// What an export wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExportSummary {
    /// Records written.
    pub written: usize,
    /// Records left out (events without coordinates in GeoJSON).
    pub left_out: usize,
}

/// A CSV writer over `out`, after a UTF-8 byte-order mark when `bom` (Excel needs it to read Arabic as UTF-8).
pub fn csv_writer(out: &mut dyn Write, bom: bool) -> ExportResult<csv::Writer<&mut dyn Write>> {
    if bom {
        out.write_all("\u{feff}".as_bytes())?;
    }
    Ok(csv::Writer::from_writer(out))
}

/// Writes any serialisable rows as JSONL.
pub fn write_jsonl<T: Serialize>(rows: &[T], out: &mut dyn Write) -> ExportResult<ExportSummary> {
    for row in rows {
        serde_json::to_writer(&mut *out, row)?;
        out.write_all(b"\n")?;
    }
    Ok(ExportSummary {
        written: rows.len(),
        left_out: 0,
    })
}

fn join(items: &[String]) -> String {
    items.join("; ")
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

/// Context the event CSV needs from articles: publisher and country of the place.
pub struct EventContext<'a> {
    /// Articles by id (for the publisher, url and language).
    pub articles: HashMap<&'a str, &'a Article>,
    /// Country code of places by kb id, from the entity mentions.
    pub place_country: HashMap<&'a str, &'a str>,
}

impl<'a> EventContext<'a> {
    /// Builds the lookups from the stored tables.
    pub fn new(articles: &'a [Article], mentions: &'a [Mention]) -> EventContext<'a> {
        let mut place_country = HashMap::new();
        for m in mentions {
            if let (Some(kb), Some(c)) = (m.kb_id.as_deref(), m.country.as_deref()) {
                place_country.insert(kb, c);
            }
        }
        EventContext {
            articles: articles.iter().map(|a| (a.id.as_str(), a)).collect(),
            place_country,
        }
    }
}

/// The CSV header of events: ACLED-like columns, then khabar's own.
pub const EVENT_CSV_HEADER: [&str; 29] = [
    "event_id",
    "event_date",
    "date_precision",
    "family",
    "actor1",
    "actor2",
    "target",
    "place",
    "place_kb_id",
    "country",
    "latitude",
    "longitude",
    "killed_min",
    "killed_max",
    "wounded_min",
    "wounded_max",
    "displaced_min",
    "displaced_max",
    "arrested_min",
    "arrested_max",
    "surrendered_min",
    "surrendered_max",
    "missing_min",
    "missing_max",
    "evacuated_min",
    "evacuated_max",
    "source",
    "hedged",
    "notes",
];

/// Writes events as ACLED-like CSV (UTF-8; `bom` prepends a byte-order mark so Excel reads Arabic correctly).
/// Extra trailing columns: attributed_to, publisher, article_id, story_id, lang, url, span_start, span_end.
pub fn write_events_csv(
    events: &[Event],
    ctx: &EventContext<'_>,
    bom: bool,
    out: &mut dyn Write,
) -> ExportResult<ExportSummary> {
    let mut w = csv_writer(out, bom)?;
    let mut header: Vec<&str> = EVENT_CSV_HEADER.to_vec();
    header.extend([
        "attributed_to",
        "publisher",
        "article_id",
        "story_id",
        "lang",
        "url",
        "span_start",
        "span_end",
    ]);
    w.write_record(&header)?;
    for e in events {
        let article = ctx.articles.get(e.article_id.as_str());
        let publisher = article.and_then(|a| a.source.clone()).unwrap_or_default();
        let source = e
            .attributed_to
            .first()
            .cloned()
            .unwrap_or_else(|| publisher.clone());
        let country = e
            .place_kb_id
            .as_deref()
            .and_then(|k| ctx.place_country.get(k))
            .copied()
            .unwrap_or("");
        let mut row: Vec<String> = vec![
            e.id.clone(),
            opt(e.date),
            serde_json::to_value(e.date_precision)?
                .as_str()
                .unwrap_or("unknown")
                .to_string(),
            e.family.as_str().to_string(),
            e.actors.first().cloned().unwrap_or_default(),
            e.actors.get(1).cloned().unwrap_or_default(),
            join(&e.targets),
            opt(e.place.clone()),
            opt(e.place_kb_id.clone()),
            country.to_string(),
            opt(e.lat),
            opt(e.lon),
        ];
        for role in CountRole::ALL {
            let range = e.counts.get(&role);
            row.push(opt(range.and_then(|r| r.min)));
            row.push(opt(range.and_then(|r| r.max)));
        }
        row.push(source);
        row.push(e.hedged.to_string());
        row.push(e.sentence.clone());
        row.push(join(&e.attributed_to));
        row.push(publisher);
        row.push(e.article_id.clone());
        row.push(opt(e.story_id.clone()));
        row.push(article.map(|a| a.lang.clone()).unwrap_or_default());
        row.push(article.and_then(|a| a.url.clone()).unwrap_or_default());
        row.push(e.span[0].to_string());
        row.push(e.span[1].to_string());
        w.write_record(&row)?;
    }
    w.flush()?;
    Ok(ExportSummary {
        written: events.len(),
        left_out: 0,
    })
}

/// Writes events with coordinates as a GeoJSON FeatureCollection (Point geometry, properties = the event minus
/// its coordinates). Events without coordinates are counted in `left_out`.
pub fn write_events_geojson(events: &[Event], out: &mut dyn Write) -> ExportResult<ExportSummary> {
    let mut features = Vec::new();
    let mut left_out = 0;
    for e in events {
        let (Some(lat), Some(lon)) = (e.lat, e.lon) else {
            left_out += 1;
            continue;
        };
        let mut props = match serde_json::to_value(e)? {
            serde_json::Value::Object(m) => m,
            _ => serde_json::Map::new(),
        };
        props.remove("lat");
        props.remove("lon");
        features.push(geojson::Feature {
            bbox: None,
            geometry: Some(geojson::Geometry::new(geojson::GeometryValue::new_point([
                lon, lat,
            ]))),
            id: Some(geojson::feature::Id::String(e.id.clone())),
            properties: Some(props),
            foreign_members: None,
        });
    }
    let written = features.len();
    let fc = geojson::FeatureCollection {
        bbox: None,
        features,
        foreign_members: None,
    };
    serde_json::to_writer(&mut *out, &fc)?;
    out.write_all(b"\n")?;
    Ok(ExportSummary { written, left_out })
}

/// Writes mentions as CSV.
pub fn write_mentions_csv(
    mentions: &[Mention],
    bom: bool,
    out: &mut dyn Write,
) -> ExportResult<ExportSummary> {
    let mut w = csv_writer(out, bom)?;
    w.write_record([
        "article_id",
        "mention",
        "span_start",
        "span_end",
        "kind",
        "canonical",
        "canonical_ar",
        "kb_id",
        "latitude",
        "longitude",
        "country",
        "confidence",
    ])?;
    for m in mentions {
        w.write_record([
            m.article_id.clone(),
            m.mention.clone(),
            m.span[0].to_string(),
            m.span[1].to_string(),
            serde_json::to_value(m.kind)?.as_str().unwrap_or("").to_string(),
            opt(m.canonical.clone()),
            opt(m.canonical_ar.clone()),
            opt(m.kb_id.clone()),
            opt(m.lat),
            opt(m.lon),
            opt(m.country.clone()),
            format!("{:.3}", m.confidence),
        ])?;
    }
    w.flush()?;
    Ok(ExportSummary {
        written: mentions.len(),
        left_out: 0,
    })
}

/// Writes stories as CSV (one row per story; lists joined with "; ").
pub fn write_stories_csv(stories: &[Story], bom: bool, out: &mut dyn Write) -> ExportResult<ExportSummary> {
    let mut w = csv_writer(out, bom)?;
    w.write_record([
        "story_id",
        "title",
        "first_published",
        "last_published",
        "langs",
        "places",
        "articles",
        "events",
        "conflicts",
    ])?;
    for s in stories {
        w.write_record([
            s.id.clone(),
            opt(s.title.clone()),
            opt(s.first_published),
            opt(s.last_published),
            join(&s.langs),
            join(&s.places),
            join(&s.article_ids),
            join(&s.event_ids),
            s.conflicts.len().to_string(),
        ])?;
    }
    w.flush()?;
    Ok(ExportSummary {
        written: stories.len(),
        left_out: 0,
    })
}

/// Writes articles as CSV (id, metadata, text).
pub fn write_articles_csv(
    articles: &[Article],
    bom: bool,
    out: &mut dyn Write,
) -> ExportResult<ExportSummary> {
    let mut w = csv_writer(out, bom)?;
    w.write_record([
        "id",
        "title",
        "published",
        "lang",
        "source",
        "url",
        "duplicate_of",
        "story_id",
        "text",
    ])?;
    for a in articles {
        w.write_record([
            a.id.clone(),
            opt(a.title.clone()),
            opt(a.published),
            a.lang.clone(),
            opt(a.source.clone()),
            opt(a.url.clone()),
            opt(a.duplicate_of.clone()),
            opt(a.story_id.clone()),
            a.text.clone(),
        ])?;
    }
    w.flush()?;
    Ok(ExportSummary {
        written: articles.len(),
        left_out: 0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use khabar_model::{CountRange, DatePrecision, EventFamily};
    use std::collections::BTreeMap;

    fn event(id: &str, coords: Option<(f64, f64)>) -> Event {
        let mut counts = BTreeMap::new();
        counts.insert(CountRole::Killed, CountRange::exact(50));
        counts.insert(
            CountRole::Displaced,
            CountRange {
                min: Some(7001),
                max: None,
            },
        );
        Event {
            id: id.into(),
            article_id: "004.txt".into(),
            family: EventFamily::Airstrike,
            date: NaiveDate::from_ymd_opt(2019, 3, 10),
            date_precision: DatePrecision::Day,
            place: Some("Baghuz".into()),
            place_kb_id: Some("gn:baghuz".into()),
            lat: coords.map(|c| c.0),
            lon: coords.map(|c| c.1),
            actors: vec!["International Coalition".into()],
            targets: vec!["civilians".into()],
            counts,
            hedged: true,
            attributed_to: vec!["SANA".into()],
            sentence: "ارتكبت مساء أمس الأحد مجزرة جديدة راح ضحيتها 50 مدنياً, \"معظمهم\" من النساء".into(),
            span: [10, 60],
            story_id: Some("s1".into()),
        }
    }

    #[test]
    fn csv_has_acled_columns_bom_and_quotes_arabic_commas() {
        let events = vec![event("e1", Some((34.46, 40.94)))];
        let ctx = EventContext {
            articles: HashMap::new(),
            place_country: HashMap::from([("gn:baghuz", "SY")]),
        };
        let mut buf = Vec::new();
        write_events_csv(&events, &ctx, true, &mut buf).unwrap();
        let text = String::from_utf8(buf).unwrap();
        assert!(text.starts_with('\u{feff}'));
        let mut r = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
        let headers = r.headers().unwrap().clone();
        let row = r.records().next().unwrap().unwrap();
        let get = |name: &str| {
            row.get(headers.iter().position(|h| h == name).unwrap())
                .unwrap()
                .to_string()
        };
        assert_eq!(get("event_date"), "2019-03-10");
        assert_eq!(get("actor1"), "International Coalition");
        assert_eq!(get("country"), "SY");
        assert_eq!(get("killed_min"), "50");
        assert_eq!(get("displaced_min"), "7001");
        assert_eq!(get("displaced_max"), "");
        assert_eq!(get("source"), "SANA");
        assert!(get("notes").contains("\"معظمهم\""));
    }

    #[test]
    fn geojson_leaves_out_events_without_coordinates() {
        let events = vec![event("e1", Some((34.46, 40.94))), event("e2", None)];
        let mut buf = Vec::new();
        let summary = write_events_geojson(&events, &mut buf).unwrap();
        assert_eq!(
            summary,
            ExportSummary {
                written: 1,
                left_out: 1
            }
        );
        let fc: serde_json::Value = serde_json::from_slice(&buf).unwrap();
        assert_eq!(fc["type"], "FeatureCollection");
        assert_eq!(fc["features"].as_array().unwrap().len(), 1);
        assert_eq!(
            fc["features"][0]["geometry"]["coordinates"],
            serde_json::json!([40.94, 34.46])
        );
        assert_eq!(fc["features"][0]["properties"]["family"], "airstrike");
        assert!(fc["features"][0]["properties"].get("lat").is_none());
    }

    #[test]
    fn jsonl_writes_one_line_per_row() {
        let mut buf = Vec::new();
        write_jsonl(&[event("e1", None), event("e2", None)], &mut buf).unwrap();
        let text = String::from_utf8(buf).unwrap();
        assert_eq!(text.lines().count(), 2);
        let v: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
        assert_eq!(v["counts"]["displaced"]["max"], serde_json::Value::Null);
    }
}
