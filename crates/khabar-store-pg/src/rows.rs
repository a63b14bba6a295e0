//! Queries shared by [`crate::PgStore`] and [`crate::PgTx`]: generic over a client or a transaction.

use crate::conn::R;
use crate::ArticleExtras;
use chrono::NaiveDate;
use khabar_model::{Article, Event, Mention, Removed, Story};
use khabar_store::{Presence, StoredArticle};
use pgvector::Vector;
use postgres::types::ToSql;
use postgres::GenericClient;

/// Columns read into an [`Article`], in the order [`article_from_row`] expects.
pub(crate) const ARTICLE_COLS: &str =
    "id, source_path, url, source, title, published, author, lang, text, removed, \
                                       duplicate_of, story_id, content_hash";

/// Parameters of a query.
pub(crate) type Params<'a> = [&'a (dyn ToSql + Sync)];

pub(crate) fn article_from_row(r: &postgres::Row) -> R<Article> {
    let removed: String = r.try_get(9)?;
    Ok(Article {
        id: r.try_get(0)?,
        source_path: r.try_get(1)?,
        url: r.try_get(2)?,
        source: r.try_get(3)?,
        title: r.try_get(4)?,
        published: r.try_get(5)?,
        author: r.try_get(6)?,
        lang: r.try_get(7)?,
        text: r.try_get(8)?,
        removed: serde_json::from_str::<Vec<Removed>>(&removed)?,
        duplicate_of: r.try_get(10)?,
        story_id: r.try_get(11)?,
        content_hash: r.try_get(12)?,
    })
}

/// Articles selected by `tail` (a WHERE/ORDER BY clause over `articles`).
pub(crate) fn query_articles(c: &mut impl GenericClient, tail: &str, params: &Params<'_>) -> R<Vec<Article>> {
    let sql = format!("SELECT {ARTICLE_COLS} FROM articles {tail}");
    c.query(sql.as_str(), params)?
        .iter()
        .map(article_from_row)
        .collect()
}

pub(crate) fn presence(c: &mut impl GenericClient, id: &str, raw_hash: &str) -> R<Presence> {
    let stored: Option<String> = c
        .query_opt("SELECT raw_hash FROM articles WHERE id = $1", &[&id])?
        .map(|r| r.try_get(0))
        .transpose()?;
    Ok(match stored {
        None => Presence::Absent,
        Some(h) if h == raw_hash => Presence::Same,
        Some(_) => Presence::Changed,
    })
}

pub(crate) fn query_mentions(c: &mut impl GenericClient, sql: &str, params: &Params<'_>) -> R<Vec<Mention>> {
    let mut out = Vec::new();
    for row in c.query(sql, params)? {
        let json: String = row.try_get(0)?;
        out.push(serde_json::from_str(&json)?);
    }
    Ok(out)
}

pub(crate) fn mentions_of(c: &mut impl GenericClient, article_id: &str) -> R<Vec<Mention>> {
    query_mentions(
        c,
        "SELECT json FROM mentions WHERE article_id = $1 ORDER BY ord",
        &[&article_id],
    )
}

/// Events from rows of (json, story_id of the article).
pub(crate) fn query_events(c: &mut impl GenericClient, sql: &str, params: &Params<'_>) -> R<Vec<Event>> {
    let mut out = Vec::new();
    for row in c.query(sql, params)? {
        let json: String = row.try_get(0)?;
        let mut e: Event = serde_json::from_str(&json)?;
        e.story_id = row.try_get(1)?;
        out.push(e);
    }
    Ok(out)
}

pub(crate) fn events_of(c: &mut impl GenericClient, article_id: &str) -> R<Vec<Event>> {
    query_events(
        c,
        "SELECT e.json, a.story_id FROM events e JOIN articles a ON a.id = e.article_id \
         WHERE e.article_id = $1 ORDER BY e.seq",
        &[&article_id],
    )
}

/// Stories selected by `tail` (a WHERE clause over `stories`, or empty), in id order (s1, s2, … numerically).
pub(crate) fn query_stories(c: &mut impl GenericClient, tail: &str, params: &Params<'_>) -> R<Vec<Story>> {
    let sql = format!(
        "SELECT json FROM stories {tail} ORDER BY \
         CASE WHEN id ~ '^s[0-9]{{1,18}}$' THEN substring(id FROM 2)::bigint END NULLS LAST, id"
    );
    let mut out = Vec::new();
    for row in c.query(sql.as_str(), params)? {
        let json: String = row.try_get(0)?;
        out.push(serde_json::from_str(&json)?);
    }
    Ok(out)
}

pub(crate) fn get_state(c: &mut impl GenericClient, key: &str) -> R<Option<Vec<u8>>> {
    Ok(c.query_opt("SELECT value FROM state WHERE key = $1", &[&key])?
        .map(|r| r.try_get(0))
        .transpose()?)
}

pub(crate) fn put_state(c: &mut impl GenericClient, key: &str, value: &[u8]) -> R<()> {
    c.execute(
        "INSERT INTO state (key, value) VALUES ($1, $2) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        &[&key, &value],
    )?;
    Ok(())
}

pub(crate) fn record_rejected(c: &mut impl GenericClient, location: &str, reason: &str) -> R<()> {
    c.execute(
        "INSERT INTO rejected (location, reason) VALUES ($1, $2)",
        &[&location, &reason],
    )?;
    Ok(())
}

/// Writes one article with everything attached, replacing an earlier version with the same id (its mentions,
/// events, band keys go with it through ON DELETE CASCADE). Returns the event ids assigned.
pub(crate) fn write_article(
    c: &mut impl GenericClient,
    item: &StoredArticle,
    extras: &ArticleExtras<'_>,
) -> R<Vec<String>> {
    let a = &item.article;
    c.execute("DELETE FROM articles WHERE id = $1", &[&a.id])?;
    let embedding = item.embedding.as_ref().map(|v| Vector::from(v.clone()));
    let fingerprint = extras.dedup.map(|(_, fp)| fp);
    let search_terms = strip_nul(extras.search_terms.unwrap_or(""));
    c.execute(
        "INSERT INTO articles (id, raw_hash, content_hash, source_path, url, source, title, published, author, lang, \
         text, removed, duplicate_of, story_id, embedding, features, fingerprint, search_terms) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)",
        &[
            &a.id,
            &item.raw_hash,
            &a.content_hash,
            &a.source_path,
            &a.url,
            &a.source,
            &a.title,
            &a.published,
            &a.author,
            &a.lang,
            &a.text,
            &serde_json::to_string(&a.removed)?,
            &a.duplicate_of,
            &a.story_id,
            &embedding,
            &extras.features,
            &fingerprint,
            &search_terms,
        ],
    )?;
    if !item.mentions.is_empty() {
        // One statement for all mentions (one round trip).
        let mut ords = Vec::with_capacity(item.mentions.len());
        let mut kinds = Vec::with_capacity(item.mentions.len());
        let mut kb_ids = Vec::with_capacity(item.mentions.len());
        let mut jsons = Vec::with_capacity(item.mentions.len());
        for (i, m) in item.mentions.iter().enumerate() {
            let kind = serde_json::to_value(m.kind)?;
            ords.push(i32::try_from(i).unwrap_or(i32::MAX));
            kinds.push(kind.as_str().unwrap_or("actor").to_string());
            kb_ids.push(m.kb_id.clone());
            jsons.push(serde_json::to_string(m)?);
        }
        c.execute(
            "INSERT INTO mentions (article_id, ord, kind, kb_id, json) \
             SELECT $1, * FROM unnest($2::integer[], $3::text[], $4::text[], $5::text[])",
            &[&a.id, &ords, &kinds, &kb_ids, &jsons],
        )?;
    }
    let mut ids = Vec::with_capacity(item.events.len());
    if !item.events.is_empty() {
        let n = i32::try_from(item.events.len()).unwrap_or(i32::MAX);
        let mut seqs: Vec<i64> = c
            .query(
                "SELECT nextval('event_seq') FROM generate_series(1, $1::integer)",
                &[&n],
            )?
            .iter()
            .map(|r| r.try_get(0))
            .collect::<Result<_, _>>()?;
        seqs.sort_unstable();
        let mut families = Vec::with_capacity(seqs.len());
        let mut dates: Vec<Option<NaiveDate>> = Vec::with_capacity(seqs.len());
        let mut places = Vec::with_capacity(seqs.len());
        let mut jsons = Vec::with_capacity(seqs.len());
        for (e, seq) in item.events.iter().zip(&seqs) {
            let mut e = e.clone();
            e.id = format!("e{seq}");
            e.article_id = a.id.clone();
            families.push(e.family.as_str());
            dates.push(e.date);
            places.push(e.place_kb_id.clone());
            jsons.push(serde_json::to_string(&e)?);
            ids.push(e.id);
        }
        c.execute(
            "INSERT INTO events (seq, id, article_id, family, date, place_kb_id, json) \
             SELECT s, 'e' || s, $1, f, d, p, j \
             FROM unnest($2::bigint[], $3::text[], $4::date[], $5::text[], $6::text[]) AS t(s, f, d, p, j)",
            &[&a.id, &seqs, &families, &dates, &places, &jsons],
        )?;
    }
    if let Some((bands, _)) = extras.dedup {
        if !bands.is_empty() {
            c.execute(
                "INSERT INTO dedup_bands (band, article_id) SELECT DISTINCT unnest($1::bigint[]), $2 \
                 ON CONFLICT DO NOTHING",
                &[&bands, &a.id],
            )?;
        }
    }
    Ok(ids)
}

/// PostgreSQL text cannot hold NUL; analysed search terms never need it.
fn strip_nul(s: &str) -> String {
    s.replace('\0', "")
}
