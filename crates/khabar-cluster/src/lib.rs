//! Streaming cross-lingual story clustering and conflicting-claim detection.
//!
//! [`StoryClusterer`] puts each article, as it arrives, into a story: the articles, in any language, that report
//! one real-world development. Candidates come only from an approximate nearest-neighbour index (HNSW, one graph
//! per block of days) over the articles' multilingual sentence embeddings, restricted to a time window around the
//! article's date, so the cost per article stays flat as the corpus grows. Each candidate is then scored by a
//! caller-supplied pairwise function (the learned similarity model in the pipeline, anything in tests): the
//! article joins the story of its best-scoring candidate when that score reaches `threshold`, or opens a new story.
//!
//! An article that finds nothing in the window looks again over `resume_window_days` (30) and rejoins an older
//! story only at the stricter `merge_threshold`, so a story that resumes after a lull keeps its id.
//!
//! Stories merge (union-find, the older id survives) when an article links a second story at the stricter
//! `merge_threshold` **and** the two stories' closest members are themselves near in embedding space
//! (`merge_min_cosine`): a Baghuz report with one paragraph on shelling in Idlib scores high on its own story and
//! lower on an Idlib story, and even if it scored high on both, the Baghuz and Idlib members are far apart, so the
//! two stories stay separate.
//!
//! Stories also split. Every article keeps its evidence: the candidates it scored at or above `threshold` (at most
//! `k`, a few bytes each, kept in snapshots). After an article joins a story, [`split_plan`] looks at the story's
//! evidence graph: when it hangs together through one article only (an articulation point) whose removal leaves two
//! groups of at least `split_min_size` articles, with no evidence between them and their closest members below
//! `merge_min_cosine` (the same notion that refuses merges), the story splits. The group holding the oldest article
//! keeps the id, the other gets a new one, and the bridging article goes to the group it has its strongest edge to.
//! The typical case is single-link chaining: a weekly roundup on the Baghuz battle and shelling in Idlib joins the
//! Baghuz story, the next Idlib reports find the roundup as their best candidate and follow it in, and once two of
//! them are there the story splits into Baghuz and Idlib, each growing on its own afterwards. Stories up to 256
//! members are checked on every join, larger ones after merges and at every (size/256)-th member
//! ([`decision::split_check_due`]). The embedding test sees only members still in the ANN index (see
//! `retention_days`). A split is not undone later; a split-off story merges back only when the merge rule admits it.
//!
//! [`find_conflicts`] compares, within a story, the events different sources report about one incident and lists
//! the counts they disagree on ([`conflicts_by_story`] groups them for `Story::conflicts`).
//!
//! ```
//! use khabar_cluster::{ClusterConfig, ClusterDoc, StoryClusterer};
//!
//! let doc = |id: &str, day: u32, embedding: Vec<f32>| ClusterDoc {
//!     article_id: id.to_string(),
//!     title: None,
//!     published: chrono::NaiveDate::from_ymd_opt(2019, 3, day),
//!     lang: "en".to_string(),
//!     embedding,
//!     features: (),
//! };
//! // In the pipeline this is the learned similarity model; any `Fn(&ClusterDoc<F>, &ClusterDoc<F>) -> f32` works.
//! let cosine = |a: &ClusterDoc, b: &ClusterDoc| a.embedding.iter().zip(&b.embedding).map(|(x, y)| x * y).sum();
//! let mut clusterer = StoryClusterer::new(ClusterConfig::default());
//! assert_eq!(clusterer.add(doc("a", 10, vec![1.0, 0.0]), &cosine), "s1");
//! assert_eq!(clusterer.add(doc("b", 11, vec![0.98, 0.2]), &cosine), "s1");
//! assert_eq!(clusterer.add(doc("c", 11, vec![0.0, 1.0]), &cosine), "s2");
//! assert_eq!(clusterer.stories()[0].article_ids, ["a", "b"]);
//! ```

#![deny(missing_docs)]

mod ann;
mod conflicts;
pub mod decision;

pub use conflicts::{conflicts_by_story, find_conflicts, find_conflicts_with, ConflictConfig};
pub use decision::{collect_links, decide, split_plan, Decision, Evidence, Split, StoryLink};

use ann::ShardedIndex;
use chrono::{Datelike, NaiveDate};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap};
use std::io::{Read, Write};

const SNAPSHOT_MAGIC: &[u8; 8] = b"KHCLUST\0";
const SNAPSHOT_VERSION: u32 = 2;

/// Errors of this crate.
#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    /// The configuration cannot work.
    #[error("invalid cluster config: {0}")]
    InvalidConfig(String),
    /// Reading or writing a snapshot failed.
    #[error("snapshot io error: {0}")]
    Io(#[from] std::io::Error),
    /// A snapshot is not one this version can read.
    #[error("unsupported snapshot: {0}")]
    UnsupportedSnapshot(String),
    /// A snapshot could not be decoded or is inconsistent.
    #[error("corrupt snapshot: {0}")]
    CorruptSnapshot(String),
}

/// Result alias of this crate.
pub type ClusterResult<T> = Result<T, ClusterError>;

/// Tuning of a [`StoryClusterer`]. Thresholds apply to the caller's score function, assumed to be in 0..1 with
/// 1 = same story.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClusterConfig {
    /// Score at or above which an article joins a candidate's story.
    pub threshold: f32,
    /// Score at or above which an article that joined one story also pulls a second story into it.
    pub merge_threshold: f32,
    /// A merge also needs the two stories' closest candidate members to have at least this embedding cosine.
    pub merge_min_cosine: f32,
    /// Candidates are articles dated at most this many days before or after the article.
    pub window_days: u32,
    /// When nothing in `window_days` reaches `threshold`, candidates are sought again this many days around the
    /// article, and the article rejoins an older story only at `merge_threshold`: a story that resumes after a lull
    /// longer than the window keeps its id. 0 disables.
    pub resume_window_days: u32,
    /// Nearest neighbours fetched (and scored) per article.
    pub k: usize,
    /// Candidates below this embedding cosine are not scored.
    pub min_cosine: f32,
    /// Days per HNSW shard.
    pub shard_days: u32,
    /// Articles dated this many days before the newest date seen leave the ANN index (they stay in their stories but
    /// attract no new members). 0 keeps everything.
    pub retention_days: u32,
    /// HNSW search breadth per shard.
    pub ef_search: usize,
    /// HNSW build breadth.
    pub ef_construction: usize,
    /// A story splits in two when its evidence hangs together through one article only and both groups hold at
    /// least this many articles (see [`split_plan`]). 0 disables splitting; 1 is refused (a lone weakly linked
    /// member is ordinary, not a second story).
    pub split_min_size: usize,
}

impl Default for ClusterConfig {
    fn default() -> Self {
        ClusterConfig {
            threshold: 0.5,
            merge_threshold: 0.8,
            merge_min_cosine: 0.5,
            window_days: 7,
            resume_window_days: 30,
            k: 10,
            min_cosine: 0.2,
            shard_days: 7,
            retention_days: 60,
            ef_search: 48,
            ef_construction: 100,
            split_min_size: 2,
        }
    }
}

impl ClusterConfig {
    /// Checks that the configuration can work.
    pub fn validate(&self) -> ClusterResult<()> {
        for (name, v) in [
            ("threshold", self.threshold),
            ("merge_threshold", self.merge_threshold),
            ("merge_min_cosine", self.merge_min_cosine),
            ("min_cosine", self.min_cosine),
        ] {
            if !v.is_finite() {
                return Err(ClusterError::InvalidConfig(format!("{name} must be finite")));
            }
        }
        if self.merge_threshold < self.threshold {
            return Err(ClusterError::InvalidConfig(format!(
                "merge_threshold ({}) must not be below threshold ({})",
                self.merge_threshold, self.threshold
            )));
        }
        if self.k == 0 || self.shard_days == 0 || self.ef_search == 0 {
            return Err(ClusterError::InvalidConfig(
                "k, shard_days and ef_search must be positive".into(),
            ));
        }
        if self.split_min_size == 1 {
            return Err(ClusterError::InvalidConfig(
                "split_min_size must be 0 (no splits) or at least 2".into(),
            ));
        }
        if self.retention_days != 0 && self.retention_days < self.window_days.max(self.resume_window_days) {
            return Err(ClusterError::InvalidConfig(
                "retention_days must be 0 or at least window_days and resume_window_days".into(),
            ));
        }
        Ok(())
    }
}

/// One article as the clusterer sees it. `features` carries whatever the score function needs beyond the
/// embedding (entity kb ids, places, event families, dates, numbers).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClusterDoc<F = ()> {
    /// Article id.
    pub article_id: String,
    /// Headline.
    pub title: Option<String>,
    /// Publication date; undated articles are candidates for (and look at) articles of any date.
    pub published: Option<NaiveDate>,
    /// ISO 639-1 language.
    pub lang: String,
    /// Multilingual sentence embedding; normalized to unit length on insert. Empty, zero or non-finite vectors, or
    /// vectors whose length differs from the first one seen, are not indexed (the article opens its own story).
    pub embedding: Vec<f32>,
    /// Extra features for the score function.
    pub features: F,
}

/// A story and its members, as returned by [`StoryClusterer::stories`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoryMembers {
    /// Story id (`s1`, `s2`, ... in order of creation; a merged story keeps the older id).
    pub id: String,
    /// Member article ids in insertion order.
    pub article_ids: Vec<String>,
    /// Title of the earliest dated member (insertion order breaks ties; undated members come last).
    pub title: Option<String>,
    /// Languages present, sorted.
    pub langs: Vec<String>,
    /// Earliest publication date.
    pub first_published: Option<NaiveDate>,
    /// Latest publication date.
    pub last_published: Option<NaiveDate>,
}

/// Counts of what a clusterer did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterStats {
    /// Articles added.
    pub articles: u64,
    /// Stories opened.
    pub stories_opened: u64,
    /// Story merges done.
    pub merges: u64,
    /// Story splits done (see [`split_plan`]).
    pub splits: u64,
    /// Merges refused because the two stories' members were far apart.
    pub merges_refused: u64,
    /// Articles that rejoined a story from beyond the time window (see `resume_window_days`).
    pub resumed: u64,
    /// Score function calls.
    pub scored_pairs: u64,
    /// Articles whose embedding could not be indexed.
    pub bad_embeddings: u64,
    /// Adds of an id already present (answered from memory).
    pub repeated_ids: u64,
    /// Vectors dropped from the ANN index by retention.
    pub evicted: u64,
}

/// What the clusterer keeps of every article forever (the ANN index keeps the full doc while it is retained).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct MemberRecord {
    article_id: String,
    title: Option<String>,
    published: Option<NaiveDate>,
    lang: String,
    /// Story index at insertion; resolve with `find`.
    story: u32,
}

/// Payload of an ANN item: the doc and its member position.
#[derive(Serialize, Deserialize)]
#[serde(bound(serialize = "F: Serialize", deserialize = "F: DeserializeOwned"))]
struct Indexed<F> {
    doc: ClusterDoc<F>,
    member: u32,
}

/// An evidence edge as a member keeps it: the older member it was scored against, and the score.
type Link = (u32, f32);

/// Streaming story clusterer. See the crate docs.
pub struct StoryClusterer<F = ()> {
    config: ClusterConfig,
    index: ShardedIndex<Indexed<F>>,
    members: Vec<MemberRecord>,
    by_id: HashMap<String, u32>,
    /// Union-find parent per story index; a root is its own parent; roots are the smallest index of their set. A
    /// split moves members to a new story index directly (their records' `story`), so union-find never un-unions.
    parent: Vec<u32>,
    /// Per member: its evidence edges to older members (scored at or above `threshold` on arrival, any story).
    evidence: Vec<Vec<Link>>,
    /// Members below this index came from a snapshot without evidence: their stories are never split.
    legacy_members: u32,
    /// Members of each root story, ascending (derived: rebuilt on restore).
    story_members: HashMap<u32, Vec<u32>>,
    /// Where each member's vector sits in the ANN index (derived: rebuilt on restore).
    located: Vec<Option<(i64, usize)>>,
    /// Newest day seen (days from CE), for undated articles and retention.
    clock: Option<i64>,
    dimension: Option<usize>,
    stats: ClusterStats,
}

/// The snapshot body of format version 2.
#[derive(Serialize, Deserialize)]
#[serde(bound(serialize = "F: Serialize", deserialize = "F: DeserializeOwned"))]
struct SnapshotV2<F> {
    config: ClusterConfig,
    index: ShardedIndex<Indexed<F>>,
    members: Vec<MemberRecord>,
    parent: Vec<u32>,
    clock: Option<i64>,
    dimension: Option<usize>,
    stats: ClusterStats,
    evidence: Vec<Vec<Link>>,
    legacy_members: u32,
}

/// Format version 1 (no evidence, no splits): still read.
mod v1 {
    use super::*;

    #[derive(Deserialize)]
    pub(super) struct Config {
        threshold: f32,
        merge_threshold: f32,
        merge_min_cosine: f32,
        window_days: u32,
        resume_window_days: u32,
        k: usize,
        min_cosine: f32,
        shard_days: u32,
        retention_days: u32,
        ef_search: usize,
        ef_construction: usize,
    }

    impl From<Config> for ClusterConfig {
        fn from(c: Config) -> Self {
            ClusterConfig {
                threshold: c.threshold,
                merge_threshold: c.merge_threshold,
                merge_min_cosine: c.merge_min_cosine,
                window_days: c.window_days,
                resume_window_days: c.resume_window_days,
                k: c.k,
                min_cosine: c.min_cosine,
                shard_days: c.shard_days,
                retention_days: c.retention_days,
                ef_search: c.ef_search,
                ef_construction: c.ef_construction,
                split_min_size: ClusterConfig::default().split_min_size,
            }
        }
    }

    #[derive(Deserialize)]
    pub(super) struct Stats {
        articles: u64,
        stories_opened: u64,
        merges: u64,
        merges_refused: u64,
        resumed: u64,
        scored_pairs: u64,
        bad_embeddings: u64,
        repeated_ids: u64,
        evicted: u64,
    }

    impl From<Stats> for ClusterStats {
        fn from(s: Stats) -> Self {
            ClusterStats {
                articles: s.articles,
                stories_opened: s.stories_opened,
                merges: s.merges,
                splits: 0,
                merges_refused: s.merges_refused,
                resumed: s.resumed,
                scored_pairs: s.scored_pairs,
                bad_embeddings: s.bad_embeddings,
                repeated_ids: s.repeated_ids,
                evicted: s.evicted,
            }
        }
    }

    #[derive(Deserialize)]
    #[serde(bound(deserialize = "F: DeserializeOwned"))]
    pub(super) struct Snapshot<F> {
        pub(super) config: Config,
        pub(super) index: ShardedIndex<Indexed<F>>,
        pub(super) members: Vec<MemberRecord>,
        pub(super) parent: Vec<u32>,
        pub(super) clock: Option<i64>,
        pub(super) dimension: Option<usize>,
        pub(super) stats: Stats,
    }

    impl<F> From<Snapshot<F>> for SnapshotV2<F> {
        fn from(s: Snapshot<F>) -> Self {
            let n = s.members.len();
            SnapshotV2 {
                config: s.config.into(),
                index: s.index,
                members: s.members,
                parent: s.parent,
                clock: s.clock,
                dimension: s.dimension,
                stats: s.stats.into(),
                evidence: vec![Vec::new(); n],
                legacy_members: u32::try_from(n).unwrap_or(u32::MAX),
            }
        }
    }
}

fn story_id(index: u32) -> String {
    format!("s{}", u64::from(index) + 1)
}

fn day_of(date: NaiveDate) -> i64 {
    i64::from(date.num_days_from_ce())
}

/// Unit-length copy of `v`, or `None` when it cannot be normalized (empty, zero or non-finite).
pub fn unit_vector(v: &[f32]) -> Option<Vec<f32>> {
    if v.is_empty() || v.iter().any(|x| !x.is_finite()) {
        return None;
    }
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if !norm.is_finite() || norm <= f32::EPSILON {
        return None;
    }
    Some(v.iter().map(|x| x / norm).collect())
}

impl<F> StoryClusterer<F> {
    /// An empty clusterer. Falls back to [`ClusterConfig::default`] when `config` does not validate (use
    /// [`StoryClusterer::try_new`] to get the error instead).
    pub fn new(config: ClusterConfig) -> Self {
        let config = if config.validate().is_ok() {
            config
        } else {
            ClusterConfig::default()
        };
        Self::build(config)
    }

    /// An empty clusterer, refusing an invalid config.
    pub fn try_new(config: ClusterConfig) -> ClusterResult<Self> {
        config.validate()?;
        Ok(Self::build(config))
    }

    fn build(config: ClusterConfig) -> Self {
        StoryClusterer {
            index: ShardedIndex::new(config.shard_days, config.ef_construction),
            config,
            members: Vec::new(),
            by_id: HashMap::new(),
            parent: Vec::new(),
            evidence: Vec::new(),
            legacy_members: 0,
            story_members: HashMap::new(),
            located: Vec::new(),
            clock: None,
            dimension: None,
            stats: ClusterStats::default(),
        }
    }

    /// The configuration in force.
    pub fn config(&self) -> &ClusterConfig {
        &self.config
    }

    /// Counts so far.
    pub fn stats(&self) -> ClusterStats {
        self.stats
    }

    /// Number of articles added.
    pub fn len(&self) -> usize {
        self.members.len()
    }

    /// True when no article was added.
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// Vectors currently in the ANN index (after retention).
    pub fn indexed(&self) -> usize {
        self.index.len()
    }

    /// The current story of an article (follows merges).
    pub fn story_of(&self, article_id: &str) -> Option<String> {
        let member = self.members.get(*self.by_id.get(article_id)? as usize)?;
        Some(story_id(self.find(member.story)))
    }

    /// Adds one article and returns its story id. Adding an id again returns its current story and changes
    /// nothing. The id returned is current at return time; a later merge may fold it into an older story, so read
    /// final assignments with [`StoryClusterer::story_of`] or [`StoryClusterer::stories`].
    pub fn add(
        &mut self,
        doc: ClusterDoc<F>,
        score: &dyn Fn(&ClusterDoc<F>, &ClusterDoc<F>) -> f32,
    ) -> String {
        if let Some(existing) = self.story_of(&doc.article_id) {
            self.stats.repeated_ids += 1;
            return existing;
        }
        self.stats.articles += 1;
        // Undated articles are candidates for every article, and look at every article, whatever its date.
        let day = doc.published.map(day_of);
        if let Some(d) = day {
            self.clock = Some(self.clock.map_or(d, |c| c.max(d)));
        }
        let vector = unit_vector(&doc.embedding).filter(|v| self.dimension.is_none_or(|d| d == v.len()));
        if vector.is_none() {
            self.stats.bad_embeddings += 1;
        }

        let window = i64::from(self.config.window_days);
        let mut edges: Vec<Link> = Vec::new();
        let links = match &vector {
            Some(v) => self.score_candidates(&doc, v, day, window, score, &mut edges),
            None => Vec::new(),
        };
        let resume_window = i64::from(self.config.resume_window_days);
        let wider = match (&vector, decision::joins(&self.config, &links)) {
            (Some(v), false) if resume_window > window && day.is_some() => {
                Some(self.score_candidates(&doc, v, day, resume_window, score, &mut edges))
            }
            _ => None,
        };
        edges.sort_by_key(|&(m, _)| m);
        edges.dedup_by_key(|&mut (m, _)| m);

        let (story, merged) = match decision::decide(&self.config, &links, wider.as_deref()) {
            Decision::Join {
                story,
                merge,
                refused,
                resumed,
            } => {
                let mut target = self.find(story);
                let merged = !merge.is_empty();
                for other in merge {
                    target = self.union(target, other);
                    self.stats.merges += 1;
                }
                self.stats.merges_refused += refused as u64;
                self.stats.resumed += u64::from(resumed);
                (target, merged)
            }
            Decision::New => {
                let new_story = u32::try_from(self.parent.len()).unwrap_or(u32::MAX);
                self.parent.push(new_story);
                self.stats.stories_opened += 1;
                (new_story, false)
            }
        };

        let member = u32::try_from(self.members.len()).unwrap_or(u32::MAX);
        self.by_id.insert(doc.article_id.clone(), member);
        self.members.push(MemberRecord {
            article_id: doc.article_id.clone(),
            title: doc.title.clone(),
            published: doc.published,
            lang: doc.lang.clone(),
            story,
        });
        self.evidence.push(edges);
        self.story_members.entry(story).or_default().push(member);
        let location = vector.and_then(|v| {
            self.dimension.get_or_insert(v.len());
            self.index.insert(day, &v, Indexed { doc, member })
        });
        self.located.push(location);
        self.check_splits(story, merged);
        self.evict();
        self.members
            .get(member as usize)
            .map_or_else(|| story_id(self.find(story)), |r| story_id(self.find(r.story)))
    }

    /// Splits `story` when it is due for a check ([`decision::split_check_due`]) and [`split_plan`] finds a split,
    /// then checks both halves again, until no split is found.
    fn check_splits(&mut self, story: u32, merged: bool) {
        let mut pending = vec![self.find(story)];
        let mut first = true;
        while let Some(root) = pending.pop() {
            let Some(list) = self.story_members.get(&root) else {
                continue;
            };
            // The halves of a split are checked whatever their size's cadence.
            let due = decision::split_check_due(&self.config, list.len(), merged || !first);
            first = false;
            if !due || list.first().is_some_and(|&m| m < self.legacy_members) {
                continue;
            }
            let Some(split) = self.plan_split(list) else {
                continue;
            };
            let Some(list) = self.story_members.remove(&root) else {
                continue;
            };
            let mut moved = Vec::with_capacity(split.moved.len());
            let mut stay = Vec::with_capacity(list.len().saturating_sub(split.moved.len()));
            let mut next_moved = split.moved.iter().peekable();
            for (pos, &m) in list.iter().enumerate() {
                if next_moved.next_if_eq(&&pos).is_some() {
                    moved.push(m);
                } else {
                    stay.push(m);
                }
            }
            let new_story = u32::try_from(self.parent.len()).unwrap_or(u32::MAX);
            self.parent.push(new_story);
            for &m in &moved {
                if let Some(record) = self.members.get_mut(m as usize) {
                    record.story = new_story;
                }
            }
            self.stats.splits += 1;
            self.story_members.insert(root, stay);
            self.story_members.insert(new_story, moved);
            pending.push(root);
            pending.push(new_story);
        }
    }

    /// [`split_plan`] over one story's members (ascending member indices).
    fn plan_split(&self, list: &[u32]) -> Option<decision::Split> {
        let position: HashMap<u32, usize> = list.iter().enumerate().map(|(p, &m)| (m, p)).collect();
        let vectors: Vec<Option<&[f32]>> = list.iter().map(|&m| self.vector_of(m)).collect();
        let mut edges = Vec::new();
        for (a, &m) in list.iter().enumerate() {
            for &(other, score) in self.evidence.get(m as usize).into_iter().flatten() {
                if let Some(&b) = position.get(&other) {
                    edges.push(Evidence { a, b, score });
                }
            }
        }
        split_plan(&vectors, &edges, &self.config)
    }

    /// A member's unit vector while it is in the ANN index.
    fn vector_of(&self, member: u32) -> Option<&[f32]> {
        let (shard, item) = (*self.located.get(member as usize)?)?;
        let (indexed, vector) = self.index.get(shard, item)?;
        (indexed.member == member).then_some(vector)
    }

    fn score_candidates(
        &mut self,
        doc: &ClusterDoc<F>,
        vector: &[f32],
        day: Option<i64>,
        window: i64,
        score: &dyn Fn(&ClusterDoc<F>, &ClusterDoc<F>) -> f32,
        edges: &mut Vec<Link>,
    ) -> Vec<StoryLink<u32>> {
        let hits = self
            .index
            .query(vector, day, window, self.config.k, self.config.ef_search);
        let mut scored: Vec<(u32, f32, &[f32])> = Vec::new();
        for hit in hits {
            if hit.cosine < self.config.min_cosine {
                continue;
            }
            let Some((indexed, candidate_vector)) = self.index.get(hit.shard, hit.item) else {
                continue;
            };
            let Some(record) = self.members.get(indexed.member as usize) else {
                continue;
            };
            self.stats.scored_pairs += 1;
            let s = score(doc, &indexed.doc);
            if s.is_finite() && s >= self.config.threshold {
                edges.push((indexed.member, s));
            }
            scored.push((self.find(record.story), s, candidate_vector));
        }
        decision::collect_links(scored)
    }

    fn evict(&mut self) {
        if self.config.retention_days == 0 {
            return;
        }
        if let Some(clock) = self.clock {
            let horizon = clock - i64::from(self.config.retention_days);
            let dropped = self.index.evict_before(horizon);
            self.stats.evicted += dropped as u64;
        }
    }

    fn find(&self, story: u32) -> u32 {
        let mut current = story;
        // Bounded walk: parents always point to smaller indices, so this ends.
        for _ in 0..self.parent.len() {
            match self.parent.get(current as usize) {
                Some(&p) if p != current => current = p,
                _ => break,
            }
        }
        current
    }

    /// Joins two stories; the smaller (older) index becomes the root. Returns the root.
    fn union(&mut self, a: u32, b: u32) -> u32 {
        let (ra, rb) = (self.find(a), self.find(b));
        let (root, child) = if ra <= rb { (ra, rb) } else { (rb, ra) };
        if root == child {
            return root;
        }
        if let Some(p) = self.parent.get_mut(child as usize) {
            *p = root;
        }
        if let Some(moved) = self.story_members.remove(&child) {
            let list = self.story_members.entry(root).or_default();
            list.extend(moved);
            list.sort_unstable();
        }
        root
    }

    /// All stories with their members, in id order.
    pub fn stories(&self) -> Vec<StoryMembers> {
        let mut grouped: HashMap<u32, Vec<&MemberRecord>> = HashMap::new();
        for record in &self.members {
            grouped.entry(self.find(record.story)).or_default().push(record);
        }
        let mut roots: Vec<u32> = grouped.keys().copied().collect();
        roots.sort_unstable();
        let mut out = Vec::with_capacity(roots.len());
        for root in roots {
            let Some(records) = grouped.get(&root) else {
                continue;
            };
            let langs: BTreeSet<&str> = records.iter().map(|r| r.lang.as_str()).collect();
            let first = records.iter().filter_map(|r| r.published).min();
            let last = records.iter().filter_map(|r| r.published).max();
            let earliest_titled = records
                .iter()
                .enumerate()
                .filter(|(_, r)| r.title.as_deref().is_some_and(|t| !t.trim().is_empty()))
                .min_by_key(|(i, r)| (r.published.is_none(), r.published, *i))
                .and_then(|(_, r)| r.title.clone());
            out.push(StoryMembers {
                id: story_id(root),
                article_ids: records.iter().map(|r| r.article_id.clone()).collect(),
                title: earliest_titled,
                langs: langs.into_iter().map(str::to_string).collect(),
                first_published: first,
                last_published: last,
            });
        }
        out
    }
}

impl<F: Serialize + DeserializeOwned> StoryClusterer<F> {
    /// Writes the clusterer state, ANN graphs included (versioned binary).
    pub fn snapshot(&self, mut w: impl Write) -> ClusterResult<()> {
        #[derive(Serialize)]
        #[serde(bound = "F: Serialize")]
        struct SnapshotRef<'a, F> {
            config: &'a ClusterConfig,
            index: &'a ShardedIndex<Indexed<F>>,
            members: &'a Vec<MemberRecord>,
            parent: &'a Vec<u32>,
            clock: Option<i64>,
            dimension: Option<usize>,
            stats: ClusterStats,
            evidence: &'a Vec<Vec<Link>>,
            legacy_members: u32,
        }
        let snapshot = SnapshotRef {
            config: &self.config,
            index: &self.index,
            members: &self.members,
            parent: &self.parent,
            clock: self.clock,
            dimension: self.dimension,
            stats: self.stats,
            evidence: &self.evidence,
            legacy_members: self.legacy_members,
        };
        // The header, then the body serialized straight into `w`: no in-memory copy of a snapshot that grows with
        // the corpus (same bytes as `write_framed` with the body).
        khabar_model::snapshot::write_framed(&mut w, SNAPSHOT_MAGIC, SNAPSHOT_VERSION, &[])?;
        postcard::to_io(&snapshot, &mut w).map_err(|e| ClusterError::CorruptSnapshot(e.to_string()))?;
        w.flush()?;
        Ok(())
    }

    /// Reads a clusterer written by [`StoryClusterer::snapshot`], of this format version (2) or of version 1
    /// (written before stories could split: its stories keep no evidence and are never split).
    pub fn restore(mut r: impl Read) -> ClusterResult<Self> {
        // The version decides the body's layout: peek at the header, then read the frame as written.
        let mut header = [0u8; 12];
        r.read_exact(&mut header)
            .map_err(|e| ClusterError::UnsupportedSnapshot(format!("no header: {e}")))?;
        let version = match header.get(8..12).and_then(|v| <[u8; 4]>::try_from(v).ok()) {
            Some(v) if u32::from_le_bytes(v) == 1 => 1,
            _ => SNAPSHOT_VERSION,
        };
        let bytes =
            khabar_model::snapshot::read_framed(&mut header.chain(r), SNAPSHOT_MAGIC, version, "cluster")
                .map_err(|e| match e {
                    khabar_model::snapshot::FrameError::Unsupported(why) => {
                        ClusterError::UnsupportedSnapshot(why)
                    }
                    khabar_model::snapshot::FrameError::Io(e) => ClusterError::Io(e),
                })?;
        let corrupt = |e: postcard::Error| ClusterError::CorruptSnapshot(e.to_string());
        let snapshot: SnapshotV2<F> = if version == 1 {
            postcard::from_bytes::<v1::Snapshot<F>>(&bytes)
                .map_err(corrupt)?
                .into()
        } else {
            postcard::from_bytes(&bytes).map_err(corrupt)?
        };
        snapshot.config.validate()?;
        let n_stories = snapshot.parent.len();
        for (i, &p) in snapshot.parent.iter().enumerate() {
            if p as usize > i {
                return Err(ClusterError::CorruptSnapshot(format!("story {i} has parent {p}")));
            }
        }
        let mut by_id = HashMap::with_capacity(snapshot.members.len());
        for (i, m) in snapshot.members.iter().enumerate() {
            if m.story as usize >= n_stories {
                return Err(ClusterError::CorruptSnapshot(format!(
                    "`{}` in unknown story",
                    m.article_id
                )));
            }
            let i = u32::try_from(i).map_err(|_| ClusterError::CorruptSnapshot("too many members".into()))?;
            by_id.insert(m.article_id.clone(), i);
        }
        if !snapshot.index.is_consistent() {
            return Err(ClusterError::CorruptSnapshot("ann shard sizes disagree".into()));
        }
        let n = snapshot.members.len();
        if snapshot.evidence.len() != n || snapshot.evidence.iter().flatten().any(|&(m, _)| m as usize >= n) {
            return Err(ClusterError::CorruptSnapshot(
                "evidence does not match the members".into(),
            ));
        }
        let mut located = vec![None; n];
        for (shard, item, indexed) in snapshot.index.items() {
            match located.get_mut(indexed.member as usize) {
                Some(slot) => *slot = Some((shard, item)),
                None => {
                    return Err(ClusterError::CorruptSnapshot(
                        "ann item of an unknown member".into(),
                    ))
                }
            }
        }
        let mut clusterer = StoryClusterer {
            config: snapshot.config,
            index: snapshot.index,
            members: snapshot.members,
            by_id,
            parent: snapshot.parent,
            evidence: snapshot.evidence,
            legacy_members: snapshot.legacy_members,
            story_members: HashMap::new(),
            located,
            clock: snapshot.clock,
            dimension: snapshot.dimension,
            stats: snapshot.stats,
        };
        for (i, record) in clusterer.members.iter().enumerate() {
            let root = clusterer.find(record.story);
            clusterer
                .story_members
                .entry(root)
                .or_default()
                .push(u32::try_from(i).unwrap_or(u32::MAX));
        }
        Ok(clusterer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(day: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(2019, 3, day)
    }

    fn doc(id: &str, day: u32, embedding: Vec<f32>) -> ClusterDoc {
        ClusterDoc {
            article_id: id.into(),
            title: Some(format!("title of {id}")),
            published: date(day),
            lang: "en".into(),
            embedding,
            features: (),
        }
    }

    fn cosine(a: &ClusterDoc, b: &ClusterDoc) -> f32 {
        let (Some(x), Some(y)) = (unit_vector(&a.embedding), unit_vector(&b.embedding)) else {
            return 0.0;
        };
        ann::dot(&x, &y)
    }

    #[test]
    fn near_articles_share_a_story_and_far_ones_do_not() {
        let config = ClusterConfig {
            resume_window_days: 0,
            ..ClusterConfig::default()
        };
        let mut c = StoryClusterer::new(config);
        assert_eq!(c.add(doc("a", 1, vec![1.0, 0.0, 0.0]), &cosine), "s1");
        assert_eq!(c.add(doc("b", 2, vec![0.9, 0.1, 0.0]), &cosine), "s1");
        assert_eq!(c.add(doc("c", 2, vec![0.0, 1.0, 0.0]), &cosine), "s2");
        // Same direction as `a` but a month later: outside the window.
        assert_eq!(c.add(doc("d", 30, vec![1.0, 0.0, 0.0]), &cosine), "s3");
        assert_eq!(c.story_of("b").as_deref(), Some("s1"));
        assert_eq!(c.stories().len(), 3);
    }

    #[test]
    fn a_story_resuming_after_a_lull_keeps_its_id_only_on_strong_evidence() {
        let mut c = StoryClusterer::new(ClusterConfig::default());
        assert_eq!(c.add(doc("a", 1, vec![1.0, 0.0, 0.0]), &cosine), "s1");
        assert_eq!(c.add(doc("other", 2, vec![0.0, 1.0, 0.0]), &cosine), "s2");
        // 18 days later, outside the 7-day window: a near-identical report rejoins s1...
        assert_eq!(c.add(doc("b", 19, vec![0.99, 0.1, 0.0]), &cosine), "s1");
        assert_eq!(c.stats().resumed, 1);
        // ...a merely related one (cosine 0.6: enough inside the window, not across a lull) opens a story.
        assert_eq!(c.add(doc("c", 30, vec![0.6, 0.0, 0.8]), &cosine), "s3");
        assert_eq!(c.stats().resumed, 1);
    }

    #[test]
    fn repeated_ids_and_bad_embeddings_do_not_panic_or_duplicate() {
        let mut c = StoryClusterer::new(ClusterConfig::default());
        c.add(doc("a", 1, vec![1.0, 0.0]), &cosine);
        assert_eq!(c.add(doc("a", 1, vec![0.0, 1.0]), &cosine), "s1");
        assert_eq!(c.add(doc("nan", 1, vec![f32::NAN, 1.0]), &cosine), "s2");
        assert_eq!(c.add(doc("zero", 1, vec![0.0, 0.0]), &cosine), "s3");
        assert_eq!(c.add(doc("wrong-dim", 1, vec![1.0, 0.0, 0.0]), &cosine), "s4");
        assert_eq!(c.add(doc("empty", 1, vec![]), &cosine), "s5");
        assert_eq!(c.stats().bad_embeddings, 4);
        assert_eq!(c.stats().repeated_ids, 1);
        assert_eq!(c.len(), 5);
        assert_eq!(c.indexed(), 1);
    }

    #[test]
    fn clusterer_can_move_to_a_pipeline_task() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<StoryClusterer<()>>();
        assert_send_sync::<StoryClusterer<Vec<String>>>();
    }

    #[test]
    fn nan_scores_count_as_zero() {
        let mut c = StoryClusterer::new(ClusterConfig::default());
        c.add(doc("a", 1, vec![1.0, 0.0]), &|_, _| f32::NAN);
        assert_eq!(c.add(doc("b", 1, vec![1.0, 0.0]), &|_, _| f32::NAN), "s2");
    }

    #[test]
    fn invalid_config_is_refused_by_try_new() {
        let config = ClusterConfig {
            merge_threshold: 0.1,
            ..ClusterConfig::default()
        };
        assert!(StoryClusterer::<()>::try_new(config.clone()).is_err());
        assert_eq!(
            StoryClusterer::<()>::new(config).config(),
            &ClusterConfig::default()
        );
    }

    #[test]
    fn retention_evicts_old_vectors_but_keeps_members() {
        let config = ClusterConfig {
            retention_days: 10,
            resume_window_days: 10,
            ..ClusterConfig::default()
        };
        let mut c = StoryClusterer::try_new(config).unwrap();
        c.add(doc("a", 1, vec![1.0, 0.0]), &cosine);
        c.add(doc("b", 28, vec![0.0, 1.0]), &cosine);
        assert_eq!(c.indexed(), 1);
        assert_eq!(c.len(), 2);
        assert_eq!(c.stats().evicted, 1);
        assert_eq!(c.story_of("a").as_deref(), Some("s1"));
    }

    #[test]
    fn undated_articles_join_stories_of_any_date_both_ways() {
        let mut c = StoryClusterer::new(ClusterConfig::default());
        c.add(doc("a", 20, vec![1.0, 0.0]), &cosine);
        let mut undated = doc("b", 1, vec![1.0, 0.05]);
        undated.published = None;
        assert_eq!(c.add(undated, &cosine), "s1");
        let s = c.stories();
        assert_eq!(s[0].first_published, date(20));
        assert_eq!(s[0].title.as_deref(), Some("title of a"));

        // Undated first, then a dated article months later: still found, since the undated one has no date to
        // be out of the window of.
        let mut c = StoryClusterer::new(ClusterConfig::default());
        let mut first = doc("u", 1, vec![0.0, 1.0]);
        first.published = None;
        c.add(first, &cosine);
        assert_eq!(c.add(doc("late", 200, vec![0.05, 1.0]), &cosine), "s1");
        // An unrelated dated article does not join it.
        assert_eq!(c.add(doc("other", 200, vec![1.0, 0.0]), &cosine), "s2");
    }

    #[test]
    fn version_1_snapshots_are_still_read_and_their_stories_never_split() {
        // A version 1 body, as earlier builds wrote it: no split setting, no split count, no evidence.
        #[derive(Serialize)]
        struct ConfigV1 {
            threshold: f32,
            merge_threshold: f32,
            merge_min_cosine: f32,
            window_days: u32,
            resume_window_days: u32,
            k: usize,
            min_cosine: f32,
            shard_days: u32,
            retention_days: u32,
            ef_search: usize,
            ef_construction: usize,
        }
        #[derive(Serialize)]
        struct SnapshotV1<'a> {
            config: ConfigV1,
            index: &'a ShardedIndex<Indexed<()>>,
            members: &'a Vec<MemberRecord>,
            parent: &'a Vec<u32>,
            clock: Option<i64>,
            dimension: Option<usize>,
            stats: [u64; 9],
        }
        let baghuz = [1.0, 0.0, 0.0];
        let roundup = [0.75, 0.66, 0.0];
        let idlib = [0.0, 1.0, 0.05];
        let mut old = StoryClusterer::new(ClusterConfig::default());
        for (i, v) in [baghuz, baghuz, baghuz, roundup].iter().enumerate() {
            old.add(doc(&format!("b{i}"), 10, v.to_vec()), &cosine);
        }
        let c = ClusterConfig::default();
        let s = old.stats();
        let body = SnapshotV1 {
            config: ConfigV1 {
                threshold: c.threshold,
                merge_threshold: c.merge_threshold,
                merge_min_cosine: c.merge_min_cosine,
                window_days: c.window_days,
                resume_window_days: c.resume_window_days,
                k: c.k,
                min_cosine: c.min_cosine,
                shard_days: c.shard_days,
                retention_days: c.retention_days,
                ef_search: c.ef_search,
                ef_construction: c.ef_construction,
            },
            index: &old.index,
            members: &old.members,
            parent: &old.parent,
            clock: old.clock,
            dimension: old.dimension,
            stats: [
                s.articles,
                s.stories_opened,
                s.merges,
                s.merges_refused,
                s.resumed,
                s.scored_pairs,
                s.bad_embeddings,
                s.repeated_ids,
                s.evicted,
            ],
        };
        let mut bytes = Vec::new();
        khabar_model::snapshot::write_framed(
            &mut bytes,
            SNAPSHOT_MAGIC,
            1,
            &postcard::to_stdvec(&body).unwrap(),
        )
        .unwrap();
        let mut restored: StoryClusterer = StoryClusterer::restore(&bytes[..]).unwrap();
        assert_eq!(restored.stories(), old.stories());
        assert_eq!(restored.stats(), old.stats());
        assert_eq!(restored.config(), &ClusterConfig::default());
        // The same continuation splits on a fresh clusterer, not on the restored one (no evidence for the old part).
        for (i, v) in [idlib, idlib, idlib].iter().enumerate() {
            old.add(doc(&format!("i{i}"), 11, v.to_vec()), &cosine);
            restored.add(doc(&format!("i{i}"), 11, v.to_vec()), &cosine);
        }
        assert_eq!(old.stats().splits, 1, "{:?}", old.stories());
        assert_eq!(restored.stats().splits, 0);
        assert_eq!(restored.stories().len(), 1);
        // A version 2 snapshot of the restored one keeps that legacy mark.
        let mut again = Vec::new();
        restored.snapshot(&mut again).unwrap();
        let again: StoryClusterer = StoryClusterer::restore(&again[..]).unwrap();
        assert_eq!(again.legacy_members, 4);
    }
}
