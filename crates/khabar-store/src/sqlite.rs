//! The SQLite implementation.

use crate::{StoreError, StoreResult};
use chrono::NaiveDate;
use khabar_model::{Article, Event, Mention, Removed, Story};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The database file inside `--db`.
pub const DB_FILE: &str = "khabar.sqlite3";

/// Migrations in order; `user_version` = number applied.
const MIGRATIONS: [&str; 2] = [
    include_str!("../migrations/0001_init.sql"),
    include_str!("../migrations/0002_filters.sql"),
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Whether an input was seen before.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Presence {
    /// Never seen.
    Absent,
    /// The same raw input is stored already (idempotent re-ingest: skip).
    Same,
    /// An article with this id is stored with other content (an update).
    Changed,
}

/// Everything written for one article, in one transaction.
#[derive(Debug, Clone)]
pub struct StoredArticle {
    /// The article.
    pub article: Article,
    /// Hash of the raw input (id + body) used to skip re-ingests before extraction.
    pub raw_hash: String,
    /// Entity mentions.
    pub mentions: Vec<Mention>,
    /// Events; their ids are assigned on write when empty.
    pub events: Vec<Event>,
    /// Document embedding.
    pub embedding: Option<Vec<f32>>,
}

/// The embedded store.
pub struct SqliteStore {
    conn: Connection,
    path: PathBuf,
}

fn date_str(d: Option<NaiveDate>) -> Option<String> {
    d.map(|d| d.format("%Y-%m-%d").to_string())
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339()
}

impl SqliteStore {
    /// Opens (creating if needed) the store in directory `dir` and migrates it to [`SCHEMA_VERSION`].
    pub fn open(dir: &Path) -> StoreResult<SqliteStore> {
        SqliteStore::open_at_version(dir, SCHEMA_VERSION)
    }

    /// Opens the store migrated only up to `version` (tests of migrations use this to make an older database).
    #[doc(hidden)]
    pub fn open_at_version(dir: &Path, version: i64) -> StoreResult<SqliteStore> {
        std::fs::create_dir_all(dir).map_err(|e| StoreError::Open {
            path: dir.display().to_string(),
            message: e.to_string(),
        })?;
        let path = dir.join(DB_FILE);
        let conn = Connection::open(&path).map_err(|e| StoreError::Open {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        let mut store = SqliteStore { conn, path };
        store.migrate(version)?;
        Ok(store)
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The schema version on disk.
    pub fn schema_version(&self) -> StoreResult<i64> {
        Ok(self.conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    fn migrate(&mut self, target: i64) -> StoreResult<()> {
        let found = self.schema_version()?;
        if found > SCHEMA_VERSION {
            return Err(StoreError::TooNew {
                found,
                supported: SCHEMA_VERSION,
            });
        }
        for (i, sql) in MIGRATIONS
            .iter()
            .enumerate()
            .take(target.max(0) as usize)
            .skip(found as usize)
        {
            let tx = self.conn.transaction()?;
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", (i + 1) as i64)?;
            tx.commit()?;
        }
        Ok(())
    }

    /// Whether an input with this id and raw hash is stored.
    pub fn presence(&self, id: &str, raw_hash: &str) -> StoreResult<Presence> {
        let stored: Option<String> = self
            .conn
            .query_row("SELECT raw_hash FROM articles WHERE id = ?1", [id], |r| r.get(0))
            .optional()?;
        Ok(match stored {
            None => Presence::Absent,
            Some(h) if h == raw_hash => Presence::Same,
            Some(_) => Presence::Changed,
        })
    }

    /// The id of a stored article with this cleaned-text hash, if any (exact duplicate under another id).
    pub fn article_with_content(&self, content_hash: &str) -> StoreResult<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT id FROM articles WHERE content_hash = ?1 ORDER BY seq LIMIT 1",
                [content_hash],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Writes one article with everything attached, replacing an earlier version with the same id, and the given
    /// stage-state snapshots, in one transaction. Returns the event ids assigned.
    pub fn write_article(
        &mut self,
        item: &StoredArticle,
        state: &[(&str, &[u8])],
    ) -> StoreResult<Vec<String>> {
        let tx = self.conn.transaction()?;
        let ids = write_article_tx(&tx, item)?;
        for (key, value) in state {
            put_state_tx(&tx, key, value)?;
        }
        tx.commit()?;
        Ok(ids)
    }

    /// Records a refused input (location + reason) for review and replay.
    pub fn record_rejected(&mut self, location: &str, reason: &str) -> StoreResult<()> {
        self.conn.execute(
            "INSERT INTO rejected (location, reason, at) VALUES (?1, ?2, ?3)",
            params![location, reason, now()],
        )?;
        Ok(())
    }

    /// Refused inputs, oldest first.
    pub fn rejected(&self) -> StoreResult<Vec<(String, String)>> {
        let mut stmt = self
            .conn
            .prepare("SELECT location, reason FROM rejected ORDER BY seq")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Reads a stage-state snapshot.
    pub fn get_state(&self, key: &str) -> StoreResult<Option<Vec<u8>>> {
        Ok(self
            .conn
            .query_row("SELECT value FROM state WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
    }

    /// Writes a stage-state snapshot.
    pub fn put_state(&mut self, key: &str, value: &[u8]) -> StoreResult<()> {
        let tx = self.conn.transaction()?;
        put_state_tx(&tx, key, value)?;
        tx.commit()?;
        Ok(())
    }

    /// Writes a stage-state snapshot as `write` produces it, in rows of about 4 MiB (`key`, then
    /// `key/1`, `key/2`, …) within one transaction, so a snapshot never has to sit in memory whole (nor be copied
    /// whole by SQLite). Read it back with [`SqliteStore::get_state_streamed`]. An error of `write` rolls back.
    pub fn put_state_streamed(
        &mut self,
        key: &str,
        write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
    ) -> StoreResult<()> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "DELETE FROM state WHERE key = ?1 OR (key > ?1 || '/' AND key < ?1 || '0')",
            [key],
        )?;
        let mut rows = StateRows {
            tx: &tx,
            key,
            next: 0,
            buf: Vec::new(),
            failed: None,
        };
        let written = write(&mut rows).and_then(|()| rows.store());
        if let Some(e) = rows.failed.take() {
            return Err(e.into());
        }
        written.map_err(|e| StoreError::Backend {
            backend: "state snapshot",
            message: e.to_string(),
        })?;
        drop(rows);
        tx.commit()?;
        Ok(())
    }

    /// Reads a stage-state snapshot written by [`SqliteStore::put_state_streamed`] (or by
    /// [`SqliteStore::put_state`]): its rows concatenated.
    pub fn get_state_streamed(&self, key: &str) -> StoreResult<Option<Vec<u8>>> {
        let Some(mut out) = self.get_state(key)? else {
            return Ok(None);
        };
        for n in 1u64.. {
            match self.get_state(&format!("{key}/{n}"))? {
                Some(chunk) => out.extend_from_slice(&chunk),
                None => break,
            }
        }
        Ok(Some(out))
    }

    /// Replaces all stories and each article's story assignment, in one transaction.
    pub fn replace_stories(&mut self, stories: &[Story]) -> StoreResult<()> {
        let tx = self.conn.transaction()?;
        tx.execute("DELETE FROM stories", [])?;
        tx.execute("UPDATE articles SET story_id = NULL", [])?;
        {
            let mut ins = tx.prepare("INSERT INTO stories (id, json) VALUES (?1, ?2)")?;
            let mut upd = tx.prepare("UPDATE articles SET story_id = ?1 WHERE id = ?2")?;
            for s in stories {
                ins.execute(params![s.id, serde_json::to_string(s)?])?;
                for a in &s.article_ids {
                    upd.execute(params![s.id, a])?;
                }
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Raw-input hashes of every stored article, by id (to skip re-ingests before extraction).
    pub fn raw_hashes(&self) -> StoreResult<HashMap<String, String>> {
        let mut stmt = self.conn.prepare("SELECT id, raw_hash FROM articles")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Ingest sequence number of the newest article (0 when empty).
    pub fn max_article_seq(&self) -> StoreResult<i64> {
        Ok(self
            .conn
            .query_row("SELECT COALESCE(MAX(seq), 0) FROM articles", [], |r| r.get(0))?)
    }

    /// Articles with an ingest sequence number above `seq`, oldest first, with their numbers.
    pub fn articles_after(&self, seq: i64) -> StoreResult<Vec<(i64, Article)>> {
        let ids: Vec<(i64, String)> = {
            let mut stmt = self
                .conn
                .prepare("SELECT seq, id FROM articles WHERE seq > ?1 ORDER BY seq")?;
            let rows = stmt.query_map([seq], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<Result<_, _>>()?
        };
        let mut out = Vec::with_capacity(ids.len());
        for (n, id) in ids {
            if let Some(a) = self.article(&id)? {
                out.push((n, a));
            }
        }
        Ok(out)
    }

    /// Number of stored articles.
    pub fn article_count(&self) -> StoreResult<u64> {
        Ok(self
            .conn
            .query_row("SELECT COUNT(*) FROM articles", [], |r| r.get::<_, i64>(0))? as u64)
    }

    /// All articles in ingest order.
    pub fn articles(&self) -> StoreResult<Vec<Article>> {
        self.query_articles("SELECT id, source_path, url, source, title, published, author, lang, text, removed, duplicate_of, story_id, content_hash FROM articles ORDER BY seq", [])
    }

    /// Every article in ingest order with its metadata only: `text` is empty and `removed` is empty. For passes over
    /// the whole store (story building) that must not hold every body in memory.
    pub fn article_headers(&self) -> StoreResult<Vec<Article>> {
        self.query_articles("SELECT id, source_path, url, source, title, published, author, lang, '', '[]', duplicate_of, story_id, content_hash FROM articles ORDER BY seq", [])
    }

    /// Ingest sequence numbers and ids of the articles above `seq`, oldest first: read the articles one at a time
    /// with [`SqliteStore::article`] instead of all at once with [`SqliteStore::articles_after`].
    pub fn article_ids_after(&self, seq: i64) -> StoreResult<Vec<(i64, String)>> {
        let mut stmt = self
            .conn
            .prepare("SELECT seq, id FROM articles WHERE seq > ?1 ORDER BY seq")?;
        let rows = stmt.query_map([seq], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// One article by id.
    pub fn article(&self, id: &str) -> StoreResult<Option<Article>> {
        Ok(self
            .query_articles("SELECT id, source_path, url, source, title, published, author, lang, text, removed, duplicate_of, story_id, content_hash FROM articles WHERE id = ?1", [id])?
            .into_iter()
            .next())
    }

    fn query_articles<P: rusqlite::Params>(&self, sql: &str, p: P) -> StoreResult<Vec<Article>> {
        let mut stmt = self.conn.prepare(sql)?;
        let rows = stmt.query_map(p, |r| {
            let published: Option<String> = r.get(5)?;
            let removed: String = r.get(9)?;
            Ok((
                Article {
                    id: r.get(0)?,
                    source_path: r.get(1)?,
                    url: r.get(2)?,
                    source: r.get(3)?,
                    title: r.get(4)?,
                    published: published.and_then(|p| NaiveDate::parse_from_str(&p, "%Y-%m-%d").ok()),
                    author: r.get(6)?,
                    lang: r.get(7)?,
                    text: r.get(8)?,
                    removed: Vec::new(),
                    duplicate_of: r.get(10)?,
                    story_id: r.get(11)?,
                    content_hash: r.get(12)?,
                },
                removed,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (mut article, removed) = row?;
            article.removed = serde_json::from_str::<Vec<Removed>>(&removed)?;
            out.push(article);
        }
        Ok(out)
    }

    /// All mentions, by article ingest order then position.
    pub fn mentions(&self) -> StoreResult<Vec<Mention>> {
        let mut stmt = self.conn.prepare(
            "SELECT m.json FROM mentions m JOIN articles a ON a.id = m.article_id ORDER BY a.seq, m.ord",
        )?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        let mut out = Vec::new();
        for json in rows {
            out.push(serde_json::from_str(&json?)?);
        }
        Ok(out)
    }

    /// Mentions of one article.
    pub fn mentions_of(&self, article_id: &str) -> StoreResult<Vec<Mention>> {
        let mut stmt = self
            .conn
            .prepare("SELECT json FROM mentions WHERE article_id = ?1 ORDER BY ord")?;
        let rows = stmt.query_map([article_id], |r| r.get::<_, String>(0))?;
        let mut out = Vec::new();
        for json in rows {
            out.push(serde_json::from_str(&json?)?);
        }
        Ok(out)
    }

    /// All events in id order, with the story id of their article.
    pub fn events(&self) -> StoreResult<Vec<Event>> {
        self.query_events(
            "SELECT e.json, a.story_id FROM events e JOIN articles a ON a.id = e.article_id ORDER BY e.seq",
            [],
        )
    }

    /// Events of one article.
    pub fn events_of(&self, article_id: &str) -> StoreResult<Vec<Event>> {
        self.query_events(
            "SELECT e.json, a.story_id FROM events e JOIN articles a ON a.id = e.article_id WHERE e.article_id = ?1 ORDER BY e.seq",
            [article_id],
        )
    }

    fn query_events<P: rusqlite::Params>(&self, sql: &str, p: P) -> StoreResult<Vec<Event>> {
        let mut stmt = self.conn.prepare(sql)?;
        let rows = stmt.query_map(p, |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (json, story) = row?;
            let mut e: Event = serde_json::from_str(&json)?;
            e.story_id = story;
            out.push(e);
        }
        Ok(out)
    }

    /// All stories in id order (s1, s2, ... numerically).
    pub fn stories(&self) -> StoreResult<Vec<Story>> {
        let mut stmt = self
            .conn
            .prepare("SELECT json FROM stories ORDER BY CAST(SUBSTR(id, 2) AS INTEGER), id")?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        let mut out = Vec::new();
        for json in rows {
            out.push(serde_json::from_str(&json?)?);
        }
        Ok(out)
    }

    /// All stored embeddings by article id.
    pub fn embeddings(&self) -> StoreResult<HashMap<String, Vec<f32>>> {
        let mut stmt = self.conn.prepare("SELECT article_id, vec FROM embeddings")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, Vec<u8>>(1)?)))?;
        let mut out = HashMap::new();
        for row in rows {
            let (id, bytes) = row?;
            out.insert(id, bytes_to_vec(&bytes));
        }
        Ok(out)
    }

    /// Checks internal consistency: no mention/event/embedding without its article, every story member exists.
    /// Returns the problems found (empty when consistent).
    pub fn check_consistency(&self) -> StoreResult<Vec<String>> {
        let mut problems = Vec::new();
        for (table, sql) in [
            (
                "mentions",
                "SELECT COUNT(*) FROM mentions WHERE article_id NOT IN (SELECT id FROM articles)",
            ),
            (
                "events",
                "SELECT COUNT(*) FROM events WHERE article_id NOT IN (SELECT id FROM articles)",
            ),
            (
                "embeddings",
                "SELECT COUNT(*) FROM embeddings WHERE article_id NOT IN (SELECT id FROM articles)",
            ),
        ] {
            let n: i64 = self.conn.query_row(sql, [], |r| r.get(0))?;
            if n > 0 {
                problems.push(format!("{n} orphan rows in {table}"));
            }
        }
        let ok: String = self.conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
        if ok != "ok" {
            problems.push(format!("integrity_check: {ok}"));
        }
        Ok(problems)
    }
}

impl crate::StoreRead for SqliteStore {
    fn describe(&self) -> String {
        self.path.display().to_string()
    }
    fn article_count(&self) -> StoreResult<u64> {
        SqliteStore::article_count(self)
    }
    fn articles(&self) -> StoreResult<Vec<Article>> {
        SqliteStore::articles(self)
    }
    fn article(&self, id: &str) -> StoreResult<Option<Article>> {
        SqliteStore::article(self, id)
    }
    fn mentions(&self) -> StoreResult<Vec<Mention>> {
        SqliteStore::mentions(self)
    }
    fn mentions_of(&self, article_id: &str) -> StoreResult<Vec<Mention>> {
        SqliteStore::mentions_of(self, article_id)
    }
    fn events(&self) -> StoreResult<Vec<Event>> {
        SqliteStore::events(self)
    }
    fn events_of(&self, article_id: &str) -> StoreResult<Vec<Event>> {
        SqliteStore::events_of(self, article_id)
    }
    fn stories(&self) -> StoreResult<Vec<Story>> {
        SqliteStore::stories(self)
    }
    fn rejected(&self) -> StoreResult<Vec<(String, String)>> {
        SqliteStore::rejected(self)
    }
    fn check_consistency(&self) -> StoreResult<Vec<String>> {
        SqliteStore::check_consistency(self)
    }
}

impl crate::Store for SqliteStore {
    fn presence(&self, id: &str, raw_hash: &str) -> StoreResult<Presence> {
        SqliteStore::presence(self, id, raw_hash)
    }
    fn record_rejected(&mut self, location: &str, reason: &str) -> StoreResult<()> {
        SqliteStore::record_rejected(self, location, reason)
    }
}

/// Opens the SQLite store in a directory.
#[derive(Debug, Clone)]
pub struct SqliteOpener {
    /// The `--db` directory.
    pub dir: PathBuf,
}

impl crate::StoreOpener for SqliteOpener {
    fn describe(&self) -> String {
        self.dir.display().to_string()
    }
    fn open(&self) -> StoreResult<Box<dyn crate::Store>> {
        Ok(Box::new(SqliteStore::open(&self.dir)?))
    }
}

fn vec_to_bytes(v: &[f32]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

fn bytes_to_vec(b: &[u8]) -> Vec<f32> {
    b.chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect()
}

/// Rows of a streamed state snapshot hold about this many bytes.
const STATE_CHUNK: usize = 4 << 20;

/// The `io::Write` end of [`SqliteStore::put_state_streamed`]: buffers up to `STATE_CHUNK` bytes, then stores them
/// as the next row.
struct StateRows<'a> {
    tx: &'a Transaction<'a>,
    key: &'a str,
    next: u64,
    buf: Vec<u8>,
    /// The SQLite error behind a failed write, returned as such.
    failed: Option<rusqlite::Error>,
}

impl StateRows<'_> {
    /// Stores the buffer as the next row (the first row even when empty, so the key exists).
    fn store(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() && self.next > 0 {
            return Ok(());
        }
        let key = match self.next {
            0 => self.key.to_string(),
            n => format!("{}/{n}", self.key),
        };
        match self.tx.execute(
            "INSERT INTO state (key, value) VALUES (?1, ?2)",
            params![key, self.buf],
        ) {
            Ok(_) => {
                self.next += 1;
                self.buf.clear();
                Ok(())
            }
            Err(e) => {
                let message = e.to_string();
                self.failed = Some(e);
                Err(std::io::Error::other(message))
            }
        }
    }
}

impl std::io::Write for StateRows<'_> {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= STATE_CHUNK {
            self.store()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn put_state_tx(tx: &Transaction<'_>, key: &str, value: &[u8]) -> StoreResult<()> {
    // Rows a streamed write of this key left behind (see `put_state_streamed`).
    tx.execute(
        "DELETE FROM state WHERE key > ?1 || '/' AND key < ?1 || '0'",
        [key],
    )?;
    tx.execute(
        "INSERT INTO state (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    Ok(())
}

fn write_article_tx(tx: &Transaction<'_>, item: &StoredArticle) -> StoreResult<Vec<String>> {
    let a = &item.article;
    // An update replaces the earlier version and everything hanging off it (ON DELETE CASCADE).
    tx.execute("DELETE FROM articles WHERE id = ?1", [&a.id])?;
    tx.execute(
        "INSERT INTO articles (id, raw_hash, content_hash, source_path, url, source, title, published, author, lang, text, removed, duplicate_of, story_id, ingested_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
        params![
            a.id,
            item.raw_hash,
            a.content_hash,
            a.source_path,
            a.url,
            a.source,
            a.title,
            date_str(a.published),
            a.author,
            a.lang,
            a.text,
            serde_json::to_string(&a.removed)?,
            a.duplicate_of,
            a.story_id,
            now(),
        ],
    )?;
    {
        let mut ins = tx.prepare(
            "INSERT INTO mentions (article_id, ord, kind, kb_id, json) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        for (i, m) in item.mentions.iter().enumerate() {
            let kind = serde_json::to_value(m.kind)?;
            ins.execute(params![
                a.id,
                i as i64,
                kind.as_str().unwrap_or("actor"),
                m.kb_id,
                serde_json::to_string(m)?
            ])?;
        }
    }
    let mut next: i64 = tx.query_row("SELECT COALESCE(MAX(seq), 0) + 1 FROM events", [], |r| r.get(0))?;
    let mut ids = Vec::with_capacity(item.events.len());
    {
        let mut ins = tx.prepare(
            "INSERT INTO events (seq, id, article_id, family, date, place_kb_id, json) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?;
        for e in &item.events {
            let mut e = e.clone();
            e.id = format!("e{next}");
            e.article_id = a.id.clone();
            ins.execute(params![
                next,
                e.id,
                a.id,
                e.family.as_str(),
                date_str(e.date),
                e.place_kb_id,
                serde_json::to_string(&e)?
            ])?;
            ids.push(e.id);
            next += 1;
        }
    }
    if let Some(v) = &item.embedding {
        tx.execute(
            "INSERT INTO embeddings (article_id, vec) VALUES (?1, ?2)",
            params![a.id, vec_to_bytes(v)],
        )?;
    }
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;
    use khabar_model::{CountRange, CountRole, DatePrecision, EntityKind, EventFamily};
    use std::collections::BTreeMap;

    fn article(id: &str, text: &str) -> Article {
        Article {
            id: id.into(),
            source_path: format!("in/{id}"),
            url: None,
            source: Some("Baladi News".into()),
            title: Some("قسد تعلن السيطرة على مخيم الباغوز".into()),
            published: NaiveDate::from_ymd_opt(2019, 3, 23),
            author: None,
            lang: "ar".into(),
            text: text.into(),
            removed: vec![Removed {
                text: "مقالات ذات صلة".into(),
                reason: "related".into(),
            }],
            duplicate_of: None,
            story_id: None,
            content_hash: format!("h-{text}"),
        }
    }

    fn event(family: EventFamily, killed: u64) -> Event {
        let mut counts = BTreeMap::new();
        counts.insert(CountRole::Killed, CountRange::exact(killed));
        Event {
            id: String::new(),
            article_id: String::new(),
            family,
            date: NaiveDate::from_ymd_opt(2019, 3, 10),
            date_precision: DatePrecision::Day,
            place: Some("Baghuz".into()),
            place_kb_id: Some("kb:baghuz".into()),
            lat: Some(34.46),
            lon: Some(40.94),
            actors: vec!["International Coalition".into()],
            targets: vec!["civilians".into()],
            counts,
            hedged: true,
            attributed_to: vec!["SANA".into()],
            sentence: "s".into(),
            span: [0, 1],
            story_id: None,
        }
    }

    fn mention(article_id: &str) -> Mention {
        Mention {
            article_id: article_id.into(),
            mention: "الباغوز".into(),
            span: [0, 7],
            kind: EntityKind::Place,
            canonical: Some("Baghuz".into()),
            canonical_ar: Some("الباغوز".into()),
            kb_id: Some("kb:baghuz".into()),
            lat: Some(34.46),
            lon: Some(40.94),
            country: Some("SY".into()),
            confidence: 0.9,
        }
    }

    #[test]
    fn articles_round_trip_with_events_numbered_across_articles() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = SqliteStore::open(dir.path()).unwrap();
        let item = StoredArticle {
            article: article("a1", "الباغوز نص"),
            raw_hash: "r1".into(),
            mentions: vec![mention("a1")],
            events: vec![event(EventFamily::Airstrike, 50), event(EventFamily::Shelling, 4)],
            embedding: Some(vec![0.5, -0.25]),
        };
        assert_eq!(
            store.write_article(&item, &[("dedup", b"snap")]).unwrap(),
            vec!["e1", "e2"]
        );
        let item2 = StoredArticle {
            article: article("a2", "نص آخر"),
            raw_hash: "r2".into(),
            mentions: vec![],
            events: vec![event(EventFamily::Battle, 1)],
            embedding: None,
        };
        assert_eq!(store.write_article(&item2, &[]).unwrap(), vec!["e3"]);

        let articles = store.articles().unwrap();
        assert_eq!(articles.len(), 2);
        assert_eq!(articles[0], item.article);
        assert_eq!(store.mentions().unwrap(), vec![mention("a1")]);
        let events = store.events().unwrap();
        assert_eq!(
            events.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(),
            vec!["e1", "e2", "e3"]
        );
        assert_eq!(events[0].article_id, "a1");
        assert_eq!(events[0].counts[&CountRole::Killed], CountRange::exact(50));
        assert_eq!(store.embeddings().unwrap()["a1"], vec![0.5, -0.25]);
        assert_eq!(store.get_state("dedup").unwrap().as_deref(), Some(&b"snap"[..]));
        assert_eq!(store.presence("a1", "r1").unwrap(), Presence::Same);
        assert_eq!(store.presence("a1", "other").unwrap(), Presence::Changed);
        assert_eq!(store.presence("zz", "r1").unwrap(), Presence::Absent);
        assert_eq!(
            store.article_with_content("h-نص آخر").unwrap().as_deref(),
            Some("a2")
        );
        assert!(store.check_consistency().unwrap().is_empty());
    }

    #[test]
    fn headers_carry_the_metadata_without_bodies_and_ids_after_follow_ingest_order() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = SqliteStore::open(dir.path()).unwrap();
        for (id, text) in [("a1", "الباغوز نص"), ("a2", "نص آخر"), ("a3", "نص ثالث")] {
            let mut a = article(id, text);
            if id == "a3" {
                a.duplicate_of = Some("a2".into());
            }
            let item = StoredArticle {
                article: a,
                raw_hash: format!("r-{id}"),
                mentions: vec![],
                events: vec![],
                embedding: None,
            };
            store.write_article(&item, &[]).unwrap();
        }
        let full = store.articles().unwrap();
        let headers = store.article_headers().unwrap();
        assert_eq!(headers.len(), full.len());
        for (h, a) in headers.iter().zip(&full) {
            assert!(h.text.is_empty() && h.removed.is_empty());
            let body_free = Article {
                text: String::new(),
                removed: Vec::new(),
                ..a.clone()
            };
            assert_eq!(h, &body_free);
        }
        assert_eq!(headers[2].duplicate_of.as_deref(), Some("a2"));
        let after: Vec<(i64, String)> = store.article_ids_after(1).unwrap();
        assert_eq!(
            after.iter().map(|(_, id)| id.as_str()).collect::<Vec<_>>(),
            ["a2", "a3"]
        );
        let old: Vec<(i64, String)> = store
            .articles_after(1)
            .unwrap()
            .into_iter()
            .map(|(n, a)| (n, a.id))
            .collect();
        assert_eq!(after, old);
    }

    #[test]
    fn streamed_state_spans_rows_replaces_older_rows_and_rolls_back_on_error() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = SqliteStore::open(dir.path()).unwrap();
        let big: Vec<u8> = (0..=250u8).cycle().take(STATE_CHUNK * 2 + 123).collect();
        store
            .put_state_streamed("cluster", |w| {
                for piece in big.chunks(1000) {
                    w.write_all(piece)?;
                }
                Ok(())
            })
            .unwrap();
        assert!(store.get_state("cluster/1").unwrap().is_some());
        assert_eq!(store.get_state_streamed("cluster").unwrap().unwrap(), big);
        // A smaller snapshot leaves no stale rows behind; so does a plain put.
        store
            .put_state_streamed("cluster", |w| w.write_all(b"small"))
            .unwrap();
        assert_eq!(store.get_state_streamed("cluster").unwrap().unwrap(), b"small");
        assert!(store.get_state("cluster/1").unwrap().is_none());
        store
            .put_state_streamed("cluster", |w| w.write_all(&big))
            .unwrap();
        store.put_state("cluster", b"plain").unwrap();
        assert_eq!(store.get_state_streamed("cluster").unwrap().unwrap(), b"plain");
        // An empty snapshot still exists; a failing writer changes nothing.
        store.put_state_streamed("dedup", |_| Ok(())).unwrap();
        assert_eq!(store.get_state_streamed("dedup").unwrap().unwrap(), b"");
        let failed = store.put_state_streamed("cluster", |w| {
            w.write_all(&big)?;
            Err(std::io::Error::other("serializer failed"))
        });
        assert!(failed.is_err());
        assert_eq!(store.get_state_streamed("cluster").unwrap().unwrap(), b"plain");
        assert!(store.get_state_streamed("absent").unwrap().is_none());
    }

    #[test]
    fn an_update_replaces_the_old_version_and_its_rows() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = SqliteStore::open(dir.path()).unwrap();
        let mut item = StoredArticle {
            article: article("a1", "v1"),
            raw_hash: "r1".into(),
            mentions: vec![mention("a1")],
            events: vec![event(EventFamily::Airstrike, 50)],
            embedding: Some(vec![1.0]),
        };
        store.write_article(&item, &[]).unwrap();
        item.article.text = "v2".into();
        item.raw_hash = "r2".into();
        item.events = vec![];
        item.mentions = vec![];
        store.write_article(&item, &[]).unwrap();
        assert_eq!(store.article_count().unwrap(), 1);
        assert_eq!(store.article("a1").unwrap().unwrap().text, "v2");
        assert!(store.events().unwrap().is_empty());
        assert!(store.mentions().unwrap().is_empty());
        assert!(store.check_consistency().unwrap().is_empty());
    }

    #[test]
    fn stories_assign_articles_and_events() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = SqliteStore::open(dir.path()).unwrap();
        for id in ["a1", "a2"] {
            let item = StoredArticle {
                article: article(id, id),
                raw_hash: id.into(),
                mentions: vec![],
                events: vec![event(EventFamily::Battle, 2)],
                embedding: None,
            };
            store.write_article(&item, &[]).unwrap();
        }
        let story = Story {
            id: "s1".into(),
            title: Some("t".into()),
            article_ids: vec!["a1".into(), "a2".into()],
            langs: vec!["ar".into()],
            first_published: None,
            last_published: None,
            places: vec![],
            event_ids: vec!["e1".into(), "e2".into()],
            conflicts: vec![],
        };
        store.replace_stories(std::slice::from_ref(&story)).unwrap();
        assert_eq!(store.stories().unwrap(), vec![story]);
        assert!(store
            .events()
            .unwrap()
            .iter()
            .all(|e| e.story_id.as_deref() == Some("s1")));
        assert_eq!(
            store.article("a2").unwrap().unwrap().story_id.as_deref(),
            Some("s1")
        );
    }

    #[test]
    fn an_older_database_migrates_without_losing_data() {
        let dir = tempfile::tempdir().unwrap();
        let item = StoredArticle {
            article: article("a1", "الباغوز"),
            raw_hash: "r1".into(),
            mentions: vec![mention("a1")],
            events: vec![event(EventFamily::Airstrike, 50)],
            embedding: Some(vec![0.25]),
        };
        {
            let mut v1 = SqliteStore::open_at_version(dir.path(), 1).unwrap();
            assert_eq!(v1.schema_version().unwrap(), 1);
            v1.write_article(&item, &[("cluster", b"state")]).unwrap();
            v1.record_rejected("x.jsonl:3", "not JSON").unwrap();
        }
        let store = SqliteStore::open(dir.path()).unwrap();
        assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
        assert_eq!(store.articles().unwrap(), vec![item.article.clone()]);
        assert_eq!(store.mentions().unwrap(), item.mentions);
        assert_eq!(store.events().unwrap().len(), 1);
        assert_eq!(
            store.get_state("cluster").unwrap().as_deref(),
            Some(&b"state"[..])
        );
        assert_eq!(store.rejected().unwrap().len(), 1);
        let indexes: i64 = store
            .conn
            .query_row(
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name IN ('articles_published', 'articles_lang', 'events_family')",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(indexes, 3);
        assert!(store.check_consistency().unwrap().is_empty());
    }

    #[test]
    fn reopening_keeps_data_and_refuses_newer_schemas() {
        let dir = tempfile::tempdir().unwrap();
        {
            let mut store = SqliteStore::open(dir.path()).unwrap();
            store.record_rejected("bad.jsonl:2", "not JSON").unwrap();
            assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
        }
        let store = SqliteStore::open(dir.path()).unwrap();
        assert_eq!(
            store.rejected().unwrap(),
            vec![("bad.jsonl:2".to_string(), "not JSON".to_string())]
        );
        store
            .conn
            .pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
        drop(store);
        match SqliteStore::open(dir.path()) {
            Err(StoreError::TooNew { .. }) => {}
            other => panic!("expected TooNew, got {:?}", other.err()),
        }
    }
}
