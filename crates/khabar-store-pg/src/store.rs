//! [`PgStore`]: the connection, the storage traits, the exclusive transaction and search.

use crate::conn::{self, open_client, redact, to_store, ConnectOptions, Fail, R, SCHEMA_VERSION};
use crate::rows;
use crate::search::tsquery;
use crate::tx::PgTx;
use crate::ArticleExtras;
use chrono::NaiveDate;
use khabar_model::{Article, Event, Mention, Story};
use khabar_store::{Presence, Store, StoreError, StoreOpener, StoreRead, StoreResult, StoredArticle};
use postgres::{Client, NoTls};
use r2d2_postgres::r2d2::{Pool, PooledConnection};
use r2d2_postgres::PostgresConnectionManager;
use std::collections::HashMap;
use std::ops::{Deref, DerefMut};
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::Duration;

type Manager = PostgresConnectionManager<NoTls>;

/// A store's connection: its own, or one borrowed from a [`PgOpener`]'s pool (given back on drop).
enum Conn {
    Own(Client),
    Pooled(PooledConnection<Manager>),
}

impl Deref for Conn {
    type Target = Client;
    fn deref(&self) -> &Client {
        match self {
            Conn::Own(c) => c,
            Conn::Pooled(c) => c,
        }
    }
}

impl DerefMut for Conn {
    fn deref_mut(&mut self) -> &mut Client {
        match self {
            Conn::Own(c) => c,
            Conn::Pooled(c) => c,
        }
    }
}

/// Advisory-lock key of the clustering critical section ("khabar" + 2), taken by [`PgStore::exclusive`].
pub const CLUSTER_LOCK_KEY: i64 = 0x6b68_6162_6172_0002;

/// khabar's store on PostgreSQL + pgvector: one connection. Reads through the [`StoreRead`] trait; the pipeline's
/// dedup + clustering + write step runs inside [`PgStore::exclusive`].
pub struct PgStore {
    client: Mutex<Conn>,
    /// The full URL (with password) for reconnecting; never printed.
    url: String,
    redacted: String,
    opts: ConnectOptions,
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgStore")
            .field("url", &self.redacted)
            .finish_non_exhaustive()
    }
}

impl PgStore {
    /// Connects (5 attempts, backoff 0.2 s → 3 s) and migrates the schema to [`SCHEMA_VERSION`]. Fails with
    /// [`khabar_store::StoreError::Unreachable`] naming the URL without its password.
    pub fn connect(url: &str) -> StoreResult<PgStore> {
        PgStore::connect_with(url, ConnectOptions::default())
    }

    /// [`PgStore::connect`] with explicit attempts and backoff.
    pub fn connect_with(url: &str, opts: ConnectOptions) -> StoreResult<PgStore> {
        PgStore::connect_at_version(url, opts, SCHEMA_VERSION)
    }

    /// Connects and migrates only up to `version` (tests of migrations use this).
    #[doc(hidden)]
    pub fn connect_at_version(url: &str, opts: ConnectOptions, version: i32) -> StoreResult<PgStore> {
        let redacted = redact(url);
        let mut client = open_client(url, &opts)?;
        conn::migrate(&mut client, version).map_err(|e| to_store(&redacted, e))?;
        Ok(PgStore {
            client: Mutex::new(Conn::Own(client)),
            url: url.to_string(),
            redacted,
            opts,
        })
    }

    /// Replaces the connection with a fresh one (after [`crate::is_connection_error`]), with the same retries.
    pub fn reconnect(&mut self) -> StoreResult<()> {
        let client = open_client(&self.url, &self.opts)?;
        *self.client.get_mut().unwrap_or_else(|p| p.into_inner()) = Conn::Own(client);
        Ok(())
    }

    /// The URL without its password (safe to print).
    #[allow(clippy::misnamed_getters)] // deliberately not the `url` field, which holds the password
    pub fn url(&self) -> &str {
        &self.redacted
    }

    /// The schema version stored in the database.
    pub fn schema_version(&self) -> StoreResult<i32> {
        self.run(conn::schema_version)
    }

    /// Runs `f` on the connection, mapping its failure.
    fn run<T>(&self, f: impl FnOnce(&mut Client) -> R<T>) -> StoreResult<T> {
        let mut guard: MutexGuard<'_, Conn> = self.client.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut guard).map_err(|e| to_store(&self.redacted, e))
    }

    /// Runs `f` in one transaction that first takes the cluster advisory lock (`pg_advisory_xact_lock`), so one
    /// worker at a time runs the dedup + clustering + write critical section. Commits when `f` returns `Ok`, rolls
    /// back when it fails (nothing half-written). The lock is released at commit or rollback.
    pub fn exclusive<T>(&mut self, f: impl FnOnce(&mut PgTx<'_>) -> StoreResult<T>) -> StoreResult<T> {
        self.transaction_inner(true, f)
    }

    /// Runs `f` in one transaction without the cluster lock (writes that need no clustering decision).
    pub fn transaction<T>(&mut self, f: impl FnOnce(&mut PgTx<'_>) -> StoreResult<T>) -> StoreResult<T> {
        self.transaction_inner(false, f)
    }

    fn transaction_inner<T>(
        &mut self,
        lock: bool,
        f: impl FnOnce(&mut PgTx<'_>) -> StoreResult<T>,
    ) -> StoreResult<T> {
        let redacted = self.redacted.as_str();
        let client: &mut Client = self.client.get_mut().unwrap_or_else(|p| p.into_inner());
        let map = |e: postgres::Error| to_store(redacted, Fail::Pg(e));
        let mut tx = client.transaction().map_err(map)?;
        if lock {
            tx.execute("SELECT pg_advisory_xact_lock($1)", &[&CLUSTER_LOCK_KEY])
                .map_err(map)?;
        }
        let mut ptx = PgTx::new(tx, redacted);
        let out = f(&mut ptx)?;
        ptx.commit()?;
        Ok(out)
    }

    /// Writes one article in its own transaction (no cluster lock); see [`PgTx::write_article`].
    pub fn write_article(
        &mut self,
        item: &StoredArticle,
        extras: &ArticleExtras<'_>,
    ) -> StoreResult<Vec<String>> {
        self.transaction(|tx| tx.write_article(item, extras))
    }

    /// Reads a stage-state snapshot.
    pub fn get_state(&self, key: &str) -> StoreResult<Option<Vec<u8>>> {
        self.run(|c| rows::get_state(c, key))
    }

    /// Writes a stage-state snapshot.
    pub fn put_state(&mut self, key: &str, value: &[u8]) -> StoreResult<()> {
        self.run(|c| rows::put_state(c, key, value))
    }

    /// Full-text search over the `search_terms` written with each article.
    ///
    /// `groups` are AND-ed; the terms inside one group are alternatives (OR-ed: a term and its aliases, e.g.
    /// `["baghuz", "الباغوز", "باغوز"]`). Terms must be analysed the way the written `search_terms` were; each is
    /// quoted as a lexeme (`'…'`), never spliced into SQL. `lang` keeps one language; `from`/`to` keep articles
    /// published in that window (undated articles are then left out). Returns `(article id, rank)` best first, at
    /// most `limit`. With no non-empty group, returns the filtered articles newest first (undated last), rank 0.
    pub fn search(
        &self,
        groups: &[Vec<String>],
        lang: Option<&str>,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        limit: usize,
    ) -> StoreResult<Vec<(String, f32)>> {
        let filters = SearchFilters {
            lang,
            from,
            to,
            ..SearchFilters::default()
        };
        self.search_with(groups, &filters, limit)
    }

    /// [`PgStore::search`] with every filter: also `place_kb_ids` (articles with a mention or an event at any of
    /// these knowledge-base ids) and `family` (articles with an event of that family, e.g. `airstrike`).
    pub fn search_with(
        &self,
        groups: &[Vec<String>],
        f: &SearchFilters<'_>,
        limit: usize,
    ) -> StoreResult<Vec<(String, f32)>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let places: Option<Vec<String>> = f.place_kb_ids.map(|p| p.to_vec());
        let filters = "($2::text IS NULL OR lang = $2) AND ($3::date IS NULL OR published >= $3) \
                       AND ($4::date IS NULL OR published <= $4) \
                       AND ($6::text[] IS NULL \
                            OR EXISTS (SELECT 1 FROM mentions m WHERE m.article_id = articles.id AND m.kb_id = ANY($6)) \
                            OR EXISTS (SELECT 1 FROM events e WHERE e.article_id = articles.id AND e.place_kb_id = ANY($6))) \
                       AND ($7::text IS NULL \
                            OR EXISTS (SELECT 1 FROM events e WHERE e.article_id = articles.id AND e.family = $7))";
        self.run(|c| {
            let rows = match tsquery(groups) {
                Some(q) => c.query(
                    format!(
                        "SELECT id, ts_rank(to_tsvector('simple', search_terms), q) \
                         FROM articles, to_tsquery('simple', $1) q \
                         WHERE to_tsvector('simple', search_terms) @@ q AND {filters} \
                         ORDER BY 2 DESC, seq LIMIT $5"
                    )
                    .as_str(),
                    &[&q, &f.lang, &f.from, &f.to, &limit, &places, &f.family],
                )?,
                None => c.query(
                    format!(
                        "SELECT id, 0::real FROM articles WHERE $1::text IS NULL AND {filters} \
                         ORDER BY published DESC NULLS LAST, seq LIMIT $5"
                    )
                    .as_str(),
                    &[
                        &None::<String>,
                        &f.lang,
                        &f.from,
                        &f.to,
                        &limit,
                        &places,
                        &f.family,
                    ],
                )?,
            };
            rows.iter().map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).collect()
        })
    }
}

/// Filters of [`PgStore::search_with`]; `None` (the default) filters nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct SearchFilters<'a> {
    /// Only articles in this language.
    pub lang: Option<&'a str>,
    /// Only articles published on or after this day (undated ones are then left out).
    pub from: Option<NaiveDate>,
    /// Only articles published on or before this day.
    pub to: Option<NaiveDate>,
    /// Only articles with a mention or an event at one of these knowledge-base ids.
    pub place_kb_ids: Option<&'a [String]>,
    /// Only articles with an event of this family (`EventFamily::as_str`).
    pub family: Option<&'a str>,
}

impl StoreRead for PgStore {
    fn describe(&self) -> String {
        self.redacted.clone()
    }
    fn article_count(&self) -> StoreResult<u64> {
        self.run(|c| {
            let n: i64 = c.query_one("SELECT COUNT(*) FROM articles", &[])?.try_get(0)?;
            Ok(n.max(0) as u64)
        })
    }
    fn articles(&self) -> StoreResult<Vec<Article>> {
        self.run(|c| rows::query_articles(c, "ORDER BY seq", &[]))
    }
    fn article(&self, id: &str) -> StoreResult<Option<Article>> {
        self.run(|c| {
            Ok(rows::query_articles(c, "WHERE id = $1", &[&id])?
                .into_iter()
                .next())
        })
    }
    fn mentions(&self) -> StoreResult<Vec<Mention>> {
        self.run(|c| {
            rows::query_mentions(
                c,
                "SELECT m.json FROM mentions m JOIN articles a ON a.id = m.article_id ORDER BY a.seq, m.ord",
                &[],
            )
        })
    }
    fn mentions_of(&self, article_id: &str) -> StoreResult<Vec<Mention>> {
        self.run(|c| rows::mentions_of(c, article_id))
    }
    fn events(&self) -> StoreResult<Vec<Event>> {
        self.run(|c| {
            rows::query_events(
                c,
                "SELECT e.json, a.story_id FROM events e JOIN articles a ON a.id = e.article_id ORDER BY e.seq",
                &[],
            )
        })
    }
    fn events_of(&self, article_id: &str) -> StoreResult<Vec<Event>> {
        self.run(|c| rows::events_of(c, article_id))
    }
    fn stories(&self) -> StoreResult<Vec<Story>> {
        self.run(|c| rows::query_stories(c, "", &[]))
    }
    fn rejected(&self) -> StoreResult<Vec<(String, String)>> {
        self.run(|c| {
            c.query("SELECT location, reason FROM rejected ORDER BY seq", &[])?
                .iter()
                .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
                .collect()
        })
    }
    /// Orphan rows (impossible with the foreign keys, checked anyway) and articles pointing at a story that is not
    /// stored.
    fn check_consistency(&self) -> StoreResult<Vec<String>> {
        self.run(|c| {
            let mut problems = Vec::new();
            for (what, sql) in [
                (
                    "orphan rows in mentions",
                    "SELECT COUNT(*) FROM mentions WHERE article_id NOT IN (SELECT id FROM articles)",
                ),
                (
                    "orphan rows in events",
                    "SELECT COUNT(*) FROM events WHERE article_id NOT IN (SELECT id FROM articles)",
                ),
                (
                    "orphan rows in dedup_bands",
                    "SELECT COUNT(*) FROM dedup_bands WHERE article_id NOT IN (SELECT id FROM articles)",
                ),
                (
                    "articles in a story that is not stored",
                    "SELECT COUNT(*) FROM articles WHERE story_id IS NOT NULL \
                     AND story_id NOT IN (SELECT id FROM stories)",
                ),
            ] {
                let n: i64 = c.query_one(sql, &[])?.try_get(0)?;
                if n > 0 {
                    problems.push(format!("{n} {what}"));
                }
            }
            Ok(problems)
        })
    }
}

impl Store for PgStore {
    fn presence(&self, id: &str, raw_hash: &str) -> StoreResult<Presence> {
        self.run(|c| rows::presence(c, id, raw_hash))
    }
    fn record_rejected(&mut self, location: &str, reason: &str) -> StoreResult<()> {
        self.run(|c| rows::record_rejected(c, location, reason))
    }
}

/// Opens a [`PgStore`] per call (the API opens one per request). The first open of a URL connects with retries and
/// migrates; later opens borrow a connection from a pool shared by every opener of that URL in the process (at most
/// [`PgOpener::POOL_SIZE`] connections), given back when the store is dropped. Broken connections are discarded.
#[derive(Debug, Clone)]
pub struct PgOpener {
    /// The `postgres://` URL (may hold a password; [`StoreOpener::describe`] leaves it out).
    pub url: String,
}

impl PgOpener {
    /// Most pooled connections per URL.
    pub const POOL_SIZE: u32 = 16;
}

/// The pools of [`PgOpener`], by URL.
fn pools() -> &'static Mutex<HashMap<String, Pool<Manager>>> {
    static POOLS: OnceLock<Mutex<HashMap<String, Pool<Manager>>>> = OnceLock::new();
    POOLS.get_or_init(|| Mutex::new(HashMap::new()))
}

impl PgOpener {
    /// A store on a pooled connection (the first call connects, migrates and makes the pool).
    pub fn open_pg(&self) -> StoreResult<PgStore> {
        let pool = pools()
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&self.url)
            .cloned();
        let opts = ConnectOptions::default();
        let Some(pool) = pool else {
            // First open: connect (retries, migration), then make the pool for the next ones.
            let store = PgStore::connect_with(&self.url, opts.clone())?;
            let manager = PostgresConnectionManager::new(conn::config_for(&self.url, &opts)?, NoTls);
            let pool = Pool::builder()
                .max_size(PgOpener::POOL_SIZE)
                .min_idle(Some(0))
                .connection_timeout(Duration::from_secs(10))
                .build_unchecked(manager);
            pools()
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .entry(self.url.clone())
                .or_insert(pool);
            return Ok(store);
        };
        let redacted = redact(&self.url);
        let conn = pool.get().map_err(|e| StoreError::Unreachable {
            url: redacted.clone(),
            message: e.to_string(),
        })?;
        Ok(PgStore {
            client: Mutex::new(Conn::Pooled(conn)),
            url: self.url.clone(),
            redacted,
            opts,
        })
    }
}

impl StoreOpener for PgOpener {
    fn describe(&self) -> String {
        redact(&self.url)
    }
    fn open(&self) -> StoreResult<Box<dyn Store>> {
        Ok(Box::new(self.open_pg()?))
    }
}
