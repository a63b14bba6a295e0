//! [`PgTx`]: everything the dedup + clustering + write step does, inside one transaction.

use crate::conn::{to_store, Fail, R};
use crate::rows;
use crate::ArticleExtras;
use chrono::NaiveDate;
use khabar_model::{Article, Event, Mention, Story};
use khabar_store::{Presence, StoreResult, StoredArticle};
use pgvector::Vector;
use postgres::Transaction;

/// The embedding dimension the HNSW index covers (the production encoder's). Queries with another dimension are
/// answered by an exact scan over the embeddings of that dimension.
pub const INDEXED_DIMS: usize = 512;

/// The SQL of [`PgTx::nearest`]: $1 query vector, $2/$3 date window, $4 limit (and $5 dimension when not indexed).
fn nearest_sql(dims: usize, explain: bool) -> String {
    let filter = "duplicate_of IS NULL AND (published IS NULL OR \
                  (($2::date IS NULL OR published >= $2) AND ($3::date IS NULL OR published <= $3)))";
    let explain = if explain { "EXPLAIN " } else { "" };
    if dims == INDEXED_DIMS {
        let d = INDEXED_DIMS;
        format!(
            "{explain}SELECT id, story_id, published, embedding, features, \
             (embedding::vector({d}) <=> $1::vector({d}))::float8 AS distance \
             FROM articles WHERE vector_dims(embedding) = {d} AND {filter} \
             ORDER BY embedding::vector({d}) <=> $1::vector({d}) LIMIT $4"
        )
    } else {
        format!(
            "{explain}SELECT id, story_id, published, embedding, features, \
             (embedding <=> $1)::float8 AS distance \
             FROM articles WHERE vector_dims(embedding) = $5 AND {filter} \
             ORDER BY embedding <=> $1 LIMIT $4"
        )
    }
}

/// One stored article near a query embedding (see [`PgTx::nearest`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Neighbor {
    /// The article.
    pub article_id: String,
    /// Its story, if assigned.
    pub story_id: Option<String>,
    /// Its publication date, if known.
    pub published: Option<NaiveDate>,
    /// Its stored embedding.
    pub embedding: Vec<f32>,
    /// Its stored similarity features, if any.
    pub features: Option<Vec<u8>>,
    /// Cosine distance to the query (0 = same direction, 2 = opposite).
    pub distance: f64,
}

/// What a story's split check reads (see [`PgTx::story_graph`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StoryGraph {
    /// The story's articles that are not near-copies, oldest first (ingest order), with their embeddings (`None`
    /// when the article has none).
    pub members: Vec<(String, Option<Vec<f32>>)>,
    /// Evidence edges (newer article, older article, score) of those members, both ends in the story.
    pub edges: Vec<(String, String, f32)>,
    /// Whether any member was stored before evidence was recorded (schema v1): such a story is never split.
    pub legacy: bool,
}

/// One open transaction of a [`crate::PgStore`] (from [`crate::PgStore::exclusive`] or
/// [`crate::PgStore::transaction`]). Every method runs inside it; nothing is visible to others before it commits.
pub struct PgTx<'a> {
    tx: Transaction<'a>,
    url: &'a str,
}

impl<'a> PgTx<'a> {
    pub(crate) fn new(tx: Transaction<'a>, url: &'a str) -> PgTx<'a> {
        PgTx { tx, url }
    }

    pub(crate) fn commit(self) -> StoreResult<()> {
        let url = self.url;
        self.tx.commit().map_err(|e| to_store(url, Fail::Pg(e)))
    }

    fn run<T>(&mut self, f: impl FnOnce(&mut Transaction<'a>) -> R<T>) -> StoreResult<T> {
        f(&mut self.tx).map_err(|e| to_store(self.url, e))
    }

    /// Whether an input with this id and raw hash is stored.
    pub fn presence(&mut self, id: &str, raw_hash: &str) -> StoreResult<Presence> {
        self.run(|c| rows::presence(c, id, raw_hash))
    }

    /// The id of the oldest stored article with this cleaned-text hash (an exact duplicate under another id).
    pub fn article_with_content(&mut self, content_hash: &str) -> StoreResult<Option<String>> {
        self.run(|c| {
            Ok(c.query_opt(
                "SELECT id FROM articles WHERE content_hash = $1 ORDER BY seq LIMIT 1",
                &[&content_hash],
            )?
            .map(|r| r.try_get(0))
            .transpose()?)
        })
    }

    /// One article by id.
    pub fn article(&mut self, id: &str) -> StoreResult<Option<Article>> {
        self.run(|c| {
            Ok(rows::query_articles(c, "WHERE id = $1", &[&id])?
                .into_iter()
                .next())
        })
    }

    /// Stored articles sharing any of these LSH band keys, oldest first, with their MinHash fingerprint bytes.
    pub fn dedup_candidates(&mut self, bands: &[i64]) -> StoreResult<Vec<(String, Vec<u8>)>> {
        if bands.is_empty() {
            return Ok(Vec::new());
        }
        self.run(|c| {
            c.query(
                "SELECT a.id, a.fingerprint FROM articles a \
                 WHERE a.fingerprint IS NOT NULL \
                   AND a.id IN (SELECT article_id FROM dedup_bands WHERE band = ANY($1)) \
                 ORDER BY a.seq",
                &[&bands],
            )?
            .iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect()
        })
    }

    /// The `k` stored non-duplicate articles nearest to `embedding` by cosine distance, nearest first.
    ///
    /// With `from`/`to`, only articles published in `[from, to]` are candidates, but undated articles always are
    /// (they may belong to any date). 512-d queries go through the HNSW index with `hnsw.ef_search` ≥ 2k and
    /// pgvector's iterative scan (`relaxed_order`), so the filters still yield `k` rows when that many match;
    /// other dimensions are scanned exactly. `k` is capped at 1000.
    pub fn nearest(
        &mut self,
        embedding: &[f32],
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        k: usize,
    ) -> StoreResult<Vec<Neighbor>> {
        if k == 0 || embedding.is_empty() {
            return Ok(Vec::new());
        }
        let k = k.min(1000);
        let ef = (k * 2).clamp(40, 1000);
        let limit = k as i64;
        let query = Vector::from(embedding.to_vec());
        let dims = i32::try_from(embedding.len()).unwrap_or(i32::MAX);
        self.run(|c| {
            c.batch_execute(&format!(
                "SET LOCAL hnsw.ef_search = {ef}; SET LOCAL hnsw.iterative_scan = relaxed_order"
            ))?;
            let sql = nearest_sql(embedding.len(), false);
            let rows = if embedding.len() == INDEXED_DIMS {
                c.query(sql.as_str(), &[&query, &from, &to, &limit])?
            } else {
                c.query(sql.as_str(), &[&query, &from, &to, &limit, &dims])?
            };
            let mut out = Vec::with_capacity(rows.len());
            for r in rows {
                let v: Vector = r.try_get(3)?;
                out.push(Neighbor {
                    article_id: r.try_get(0)?,
                    story_id: r.try_get(1)?,
                    published: r.try_get(2)?,
                    embedding: v.to_vec(),
                    features: r.try_get(4)?,
                    distance: r.try_get(5)?,
                });
            }
            // relaxed_order may return rows slightly out of order.
            out.sort_by(|a, b| a.distance.total_cmp(&b.distance));
            Ok(out)
        })
    }

    /// The query plan [`PgTx::nearest`] gets for these arguments (`EXPLAIN` output), for diagnostics: a 512-d query
    /// should show an index scan on `articles_embedding_hnsw`.
    pub fn explain_nearest(
        &mut self,
        embedding: &[f32],
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        k: usize,
    ) -> StoreResult<String> {
        let limit = k.clamp(1, 1000) as i64;
        let query = Vector::from(embedding.to_vec());
        let dims = i32::try_from(embedding.len()).unwrap_or(i32::MAX);
        self.run(|c| {
            let sql = nearest_sql(embedding.len(), true);
            let rows = if embedding.len() == INDEXED_DIMS {
                c.query(sql.as_str(), &[&query, &from, &to, &limit])?
            } else {
                c.query(sql.as_str(), &[&query, &from, &to, &limit, &dims])?
            };
            let lines: Vec<String> = rows.iter().map(|r| r.try_get(0)).collect::<Result<_, _>>()?;
            Ok(lines.join("\n"))
        })
    }

    /// Writes one article with its mentions, events (ids `e{n}` assigned from a global sequence), embedding and
    /// the [`ArticleExtras`] (features, dedup band keys + fingerprint, search terms), replacing an earlier version
    /// with the same id and everything hanging off it. The story is `item.article.story_id`. Returns the event ids.
    pub fn write_article(
        &mut self,
        item: &StoredArticle,
        extras: &ArticleExtras<'_>,
    ) -> StoreResult<Vec<String>> {
        self.run(|c| rows::write_article(c, item, extras))
    }

    /// A fresh story id from a sequence: `s1`, `s2`, … (never reused).
    pub fn next_story_id(&mut self) -> StoreResult<String> {
        self.run(|c| {
            let n: i64 = c.query_one("SELECT nextval('story_seq')", &[])?.try_get(0)?;
            Ok(format!("s{n}"))
        })
    }

    /// Moves every article of the stories `from` into story `into` and deletes the `from` story rows (`into`
    /// itself is kept if listed). Store the merged story with [`PgTx::put_story`].
    pub fn merge_stories(&mut self, from: &[String], into: &str) -> StoreResult<()> {
        let from: Vec<&str> = from.iter().map(String::as_str).filter(|s| *s != into).collect();
        if from.is_empty() {
            return Ok(());
        }
        self.run(|c| {
            c.execute(
                "UPDATE articles SET story_id = $1 WHERE story_id = ANY($2)",
                &[&into, &from],
            )?;
            c.execute("DELETE FROM stories WHERE id = ANY($1)", &[&from])?;
            Ok(())
        })
    }

    /// Replaces the evidence edges an article was clustered on: the older articles it scored at or above the join
    /// threshold, with the scores (empty for a near-copy or an article without embedding).
    pub fn put_evidence(&mut self, article_id: &str, edges: &[(String, f32)]) -> StoreResult<()> {
        self.run(|c| {
            c.execute("DELETE FROM story_evidence WHERE article_id = $1", &[&article_id])?;
            if edges.is_empty() {
                return Ok(());
            }
            let others: Vec<&str> = edges.iter().map(|(o, _)| o.as_str()).collect();
            let scores: Vec<f32> = edges.iter().map(|(_, s)| *s).collect();
            c.execute(
                "INSERT INTO story_evidence (article_id, other_id, score) \
                 SELECT $1, o, s FROM unnest($2::text[], $3::real[]) AS t(o, s) \
                 ON CONFLICT (article_id, other_id) DO UPDATE SET score = GREATEST(story_evidence.score, excluded.score)",
                &[&article_id, &others, &scores],
            )?;
            Ok(())
        })
    }

    /// A story's evidence graph for the split rule: members (near-copies left out), their embeddings and the
    /// evidence edges between them.
    pub fn story_graph(&mut self, story_id: &str) -> StoreResult<StoryGraph> {
        self.run(|c| {
            let mut graph = StoryGraph::default();
            for r in c.query(
                "SELECT id, embedding FROM articles WHERE story_id = $1 AND duplicate_of IS NULL ORDER BY seq",
                &[&story_id],
            )? {
                let v: Option<Vector> = r.try_get(1)?;
                graph.members.push((r.try_get(0)?, v.map(|v| v.to_vec())));
            }
            for r in c.query(
                "SELECT e.article_id, e.other_id, e.score FROM story_evidence e \
                 JOIN articles a ON a.id = e.article_id JOIN articles o ON o.id = e.other_id \
                 WHERE a.story_id = $1 AND o.story_id = $1 ORDER BY a.seq, o.seq",
                &[&story_id],
            )? {
                graph.edges.push((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?));
            }
            graph.legacy = c
                .query_one(
                    "SELECT EXISTS (SELECT 1 FROM articles WHERE story_id = $1 \
                     AND seq <= (SELECT COALESCE(MAX(seq), 0) FROM evidence_horizon))",
                    &[&story_id],
                )?
                .try_get(0)?;
            Ok(graph)
        })
    }

    /// How many articles of a story are not near-copies (the members [`PgTx::story_graph`] would read).
    pub fn story_size(&mut self, story_id: &str) -> StoreResult<usize> {
        self.run(|c| {
            let n: i64 = c
                .query_one(
                    "SELECT COUNT(*) FROM articles WHERE story_id = $1 AND duplicate_of IS NULL",
                    &[&story_id],
                )?
                .try_get(0)?;
            Ok(usize::try_from(n).unwrap_or(0))
        })
    }

    /// Moves articles of story `from` (and their near-copies in it) to story `into`. Store both stories with
    /// [`PgTx::put_story`] afterwards.
    pub fn move_articles(&mut self, from: &str, ids: &[String], into: &str) -> StoreResult<()> {
        self.run(|c| {
            c.execute(
                "UPDATE articles SET story_id = $1 WHERE story_id = $2 AND (id = ANY($3) OR duplicate_of = ANY($3))",
                &[&into, &from, &ids],
            )?;
            Ok(())
        })
    }

    /// The articles of a story, in ingest order.
    pub fn story_members(&mut self, story_id: &str) -> StoreResult<Vec<Article>> {
        self.run(|c| rows::query_articles(c, "WHERE story_id = $1 ORDER BY seq", &[&story_id]))
    }

    /// One stored story.
    pub fn story(&mut self, id: &str) -> StoreResult<Option<Story>> {
        self.run(|c| {
            Ok(rows::query_stories(c, "WHERE id = $1", &[&id])?
                .into_iter()
                .next())
        })
    }

    /// Events of one article, with the article's story id.
    pub fn events_of(&mut self, article_id: &str) -> StoreResult<Vec<Event>> {
        self.run(|c| rows::events_of(c, article_id))
    }

    /// Mentions of one article.
    pub fn mentions_of(&mut self, article_id: &str) -> StoreResult<Vec<Mention>> {
        self.run(|c| rows::mentions_of(c, article_id))
    }

    /// Stores a story (insert or replace its JSON) and points its member articles (`article_ids`) at it.
    pub fn put_story(&mut self, story: &Story) -> StoreResult<()> {
        self.run(|c| {
            c.execute(
                "INSERT INTO stories (id, json) VALUES ($1, $2) \
                 ON CONFLICT (id) DO UPDATE SET json = excluded.json",
                &[&story.id, &serde_json::to_string(story)?],
            )?;
            if !story.article_ids.is_empty() {
                c.execute(
                    "UPDATE articles SET story_id = $1 WHERE id = ANY($2) \
                     AND story_id IS DISTINCT FROM $1",
                    &[&story.id, &story.article_ids],
                )?;
            }
            Ok(())
        })
    }

    /// Deletes a story; articles still in it are left without a story.
    pub fn delete_story(&mut self, id: &str) -> StoreResult<()> {
        self.run(|c| {
            c.execute("DELETE FROM stories WHERE id = $1", &[&id])?;
            c.execute("UPDATE articles SET story_id = NULL WHERE story_id = $1", &[&id])?;
            Ok(())
        })
    }

    /// Reads a stage-state snapshot.
    pub fn get_state(&mut self, key: &str) -> StoreResult<Option<Vec<u8>>> {
        self.run(|c| rows::get_state(c, key))
    }

    /// Writes a stage-state snapshot.
    pub fn put_state(&mut self, key: &str, value: &[u8]) -> StoreResult<()> {
        self.run(|c| rows::put_state(c, key, value))
    }
}
