//! Time-sharded approximate nearest neighbours over unit embeddings.
//!
//! One HNSW graph per block of `shard_days` days. A query for an article dated `d` searches only the shards that
//! overlap `[d - window, d + window]`, so its cost depends on how many articles fall in the window, not on the size
//! of the corpus; shards older than the retention horizon are dropped whole.
//!
//! The graph is a small HNSW of our own (Malkov & Yashunin 2018: layered graphs, greedy descent, neighbour
//! selection heuristic) rather than a crate: `hnsw_rs` pulls rayon, mmap-rs and env_logger and dumps to files, not
//! to a writer; rust-cv `hnsw` 0.11 panics in `nearest` when fewer than `ef` items are reachable
//! (`copy_from_slice` length mismatch). Ours is deterministic (seeded levels), serde-serializable, and checked
//! on restore so a corrupt snapshot cannot make it index out of bounds.

use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::{BTreeMap, BinaryHeap};

/// Dot product over the common length (eight independent lanes, so the compiler can vectorize it).
pub(crate) fn dot(a: &[f32], b: &[f32]) -> f32 {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut lanes = [0.0f32; 8];
    let chunks_a = a.chunks_exact(8);
    let chunks_b = b.chunks_exact(8);
    let tail: f32 = chunks_a
        .remainder()
        .iter()
        .zip(chunks_b.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (ca, cb) in chunks_a.zip(chunks_b) {
        for i in 0..8 {
            lanes[i] += ca[i] * cb[i];
        }
    }
    lanes.iter().sum::<f32>() + tail
}

/// Cosine distance of unit vectors.
fn distance(a: &[f32], b: &[f32]) -> f32 {
    1.0 - dot(a, b)
}

/// A node id with its distance to the query, ordered by distance (then id, for determinism).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Scored {
    distance: f32,
    id: u32,
}

impl Eq for Scored {}

impl PartialOrd for Scored {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Scored {
    fn cmp(&self, other: &Self) -> Ordering {
        self.distance
            .total_cmp(&other.distance)
            .then(self.id.cmp(&other.id))
    }
}

const MAX_LEVEL: usize = 12;

/// A small HNSW over unit vectors.
#[derive(Serialize, Deserialize)]
pub(crate) struct Graph {
    /// Links per node on levels above 0.
    m: usize,
    ef_construction: usize,
    /// Vector length (0 until the first insert).
    dim: usize,
    /// All vectors, back to back (`dim` floats each): contiguous storage keeps a search's memory reads local.
    data: Vec<f32>,
    /// `links[node][level]`: neighbour ids; a node has `level + 1` lists.
    links: Vec<Vec<Vec<u32>>>,
    entry: Option<u32>,
    rng: u64,
    /// Visit marks (epoch per node), not persisted.
    #[serde(skip)]
    visited: Vec<u32>,
    #[serde(skip)]
    epoch: u32,
}

impl Graph {
    pub(crate) fn new(m: usize, ef_construction: usize, seed: u64) -> Graph {
        Graph {
            m: m.max(2),
            ef_construction: ef_construction.max(8),
            dim: 0,
            data: Vec::new(),
            links: Vec::new(),
            entry: None,
            rng: seed | 1,
            visited: Vec::new(),
            epoch: 0,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.links.len()
    }

    pub(crate) fn vector(&self, id: usize) -> Option<&[f32]> {
        let start = id.checked_mul(self.dim)?;
        self.data.get(start..start.checked_add(self.dim)?)
    }

    fn max_links(&self, level: usize) -> usize {
        if level == 0 {
            self.m * 2
        } else {
            self.m
        }
    }

    fn random_level(&mut self) -> usize {
        // xorshift64*; level = floor(-ln(U) / ln(m)).
        self.rng ^= self.rng >> 12;
        self.rng ^= self.rng << 25;
        self.rng ^= self.rng >> 27;
        let r = self.rng.wrapping_mul(0x2545_f491_4f6c_dd1d);
        let uniform = ((r >> 11) as f64 + 0.5) / (1u64 << 53) as f64;
        let level = (-uniform.ln() / (self.m as f64).ln()).floor();
        (level as usize).min(MAX_LEVEL)
    }

    fn level_of(&self, id: u32) -> usize {
        self.links
            .get(id as usize)
            .map_or(0, |l| l.len().saturating_sub(1))
    }

    fn neighbours(&self, id: u32, level: usize) -> &[u32] {
        self.links
            .get(id as usize)
            .and_then(|l| l.get(level))
            .map_or(&[], |v| v.as_slice())
    }

    fn dist_to(&self, query: &[f32], id: u32) -> f32 {
        self.vector(id as usize)
            .map_or(f32::INFINITY, |v| distance(query, v))
    }

    fn next_epoch(&mut self) {
        if self.visited.len() < self.len() {
            self.visited.resize(self.len(), 0);
        }
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            self.visited.iter_mut().for_each(|v| *v = 0);
            self.epoch = 1;
        }
    }

    /// Marks a node visited; false when it already was.
    fn visit(&mut self, id: u32) -> bool {
        match self.visited.get_mut(id as usize) {
            Some(mark) if *mark != self.epoch => {
                *mark = self.epoch;
                true
            }
            _ => false,
        }
    }

    /// Beam search on one level; returns up to `ef` nearest, nearest first.
    fn search_level(&mut self, query: &[f32], entries: &[Scored], ef: usize, level: usize) -> Vec<Scored> {
        self.next_epoch();
        let mut candidates: BinaryHeap<std::cmp::Reverse<Scored>> = BinaryHeap::new();
        let mut nearest: BinaryHeap<Scored> = BinaryHeap::new();
        for &e in entries {
            if self.visit(e.id) {
                candidates.push(std::cmp::Reverse(e));
                nearest.push(e);
            }
        }
        while nearest.len() > ef {
            nearest.pop();
        }
        while let Some(std::cmp::Reverse(current)) = candidates.pop() {
            if let Some(worst) = nearest.peek() {
                if nearest.len() >= ef && current.distance > worst.distance {
                    break;
                }
            }
            let neighbour_ids: Vec<u32> = self.neighbours(current.id, level).to_vec();
            for n in neighbour_ids {
                if !self.visit(n) {
                    continue;
                }
                let d = self.dist_to(query, n);
                let full = nearest.len() >= ef;
                if !full || nearest.peek().is_some_and(|w| d < w.distance) {
                    let scored = Scored { distance: d, id: n };
                    candidates.push(std::cmp::Reverse(scored));
                    nearest.push(scored);
                    if nearest.len() > ef {
                        nearest.pop();
                    }
                }
            }
        }
        nearest.into_sorted_vec()
    }

    /// HNSW neighbour selection heuristic: keep a candidate only if it is nearer to the query than to every kept one
    /// (spreads links across directions, which keeps clustered data connected), then fill up with the nearest rest.
    fn select(&self, sorted_candidates: &[Scored], limit: usize) -> Vec<u32> {
        let mut kept: Vec<Scored> = Vec::with_capacity(limit);
        let mut rest: Vec<Scored> = Vec::new();
        for &c in sorted_candidates {
            if kept.len() >= limit {
                break;
            }
            let Some(cv) = self.vector(c.id as usize) else {
                continue;
            };
            let diverse = kept.iter().all(|k| {
                self.vector(k.id as usize)
                    .is_some_and(|kv| distance(cv, kv) > c.distance)
            });
            if diverse {
                kept.push(c);
            } else {
                rest.push(c);
            }
        }
        for c in rest {
            if kept.len() >= limit {
                break;
            }
            kept.push(c);
        }
        kept.into_iter().map(|s| s.id).collect()
    }

    /// Adds a vector; `None` (nothing added) when its length differs from the first vector's.
    pub(crate) fn insert(&mut self, vector: &[f32]) -> Option<usize> {
        if self.dim == 0 {
            self.dim = vector.len();
        }
        if vector.is_empty() || vector.len() != self.dim {
            return None;
        }
        let id = self.len() as u32;
        let level = self.random_level();
        self.data.extend_from_slice(vector);
        self.links.push(vec![Vec::new(); level + 1]);
        let Some(entry) = self.entry else {
            self.entry = Some(id);
            return Some(id as usize);
        };
        let query = vector;
        let top = self.level_of(entry);
        let mut entries = vec![Scored {
            distance: self.dist_to(query, entry),
            id: entry,
        }];
        let mut l = top;
        while l > level {
            entries = self.search_level(query, &entries, 1, l);
            l -= 1;
        }
        for l in (0..=level.min(top)).rev() {
            let found = self.search_level(query, &entries, self.ef_construction, l);
            let chosen = self.select(&found, self.max_links(l));
            for &n in &chosen {
                self.link(n, id, l);
            }
            if let Some(own) = self.links.get_mut(id as usize).and_then(|ls| ls.get_mut(l)) {
                *own = chosen;
            }
            if !found.is_empty() {
                entries = found;
            }
        }
        if level > top {
            self.entry = Some(id);
        }
        Some(id as usize)
    }

    /// Adds `to` to `from`'s links on `level`, pruning with the heuristic when over capacity.
    fn link(&mut self, from: u32, to: u32, level: usize) {
        let limit = self.max_links(level);
        let Some(list) = self.links.get_mut(from as usize).and_then(|ls| ls.get_mut(level)) else {
            return;
        };
        list.push(to);
        // Prune only once the list is half again over capacity: amortizes the heuristic's quadratic cost.
        if list.len() <= limit + limit / 2 {
            return;
        }
        let ids = list.clone();
        let Some(base) = self.vector(from as usize) else {
            return;
        };
        let mut scored: Vec<Scored> = ids
            .iter()
            .map(|&n| Scored {
                distance: self
                    .vector(n as usize)
                    .map_or(f32::INFINITY, |v| distance(base, v)),
                id: n,
            })
            .collect();
        scored.sort();
        let kept = self.select(&scored, limit);
        if let Some(list) = self.links.get_mut(from as usize).and_then(|ls| ls.get_mut(level)) {
            *list = kept;
        }
    }

    /// Up to `ef` nearest items, nearest first.
    pub(crate) fn nearest(&mut self, query: &[f32], ef: usize) -> Vec<(usize, f32)> {
        let Some(entry) = self.entry else {
            return Vec::new();
        };
        let mut entries = vec![Scored {
            distance: self.dist_to(query, entry),
            id: entry,
        }];
        let mut l = self.level_of(entry);
        while l > 0 {
            entries = self.search_level(query, &entries, 1, l);
            l -= 1;
        }
        self.search_level(query, &entries, ef.max(1), 0)
            .into_iter()
            .map(|s| (s.id as usize, 1.0 - s.distance))
            .collect()
    }

    /// True when every link and the entry point name existing nodes.
    pub(crate) fn is_consistent(&self) -> bool {
        let n = self.len();
        self.m >= 2
            && Some(self.data.len()) == n.checked_mul(self.dim)
            && self.entry.map_or(n == 0, |e| (e as usize) < n)
            && self.links.iter().all(|levels| {
                !levels.is_empty()
                    && levels.len() <= MAX_LEVEL + 1
                    && levels.iter().all(|l| l.iter().all(|&x| (x as usize) < n))
            })
    }
}

/// One block of days: the graph and, per graph item, the caller's payload.
#[derive(Serialize, Deserialize)]
#[serde(bound(serialize = "P: Serialize", deserialize = "P: Deserialize<'de>"))]
pub(crate) struct Shard<P> {
    graph: Graph,
    payloads: Vec<P>,
    /// Day of each item (for the exact window check: shards are coarser than the window).
    days: Vec<i64>,
}

/// A hit: shard key, item index in the shard, cosine similarity.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Hit {
    pub shard: i64,
    pub item: usize,
    pub cosine: f32,
}

/// Shard key and day of undated vectors: one shard that every query also searches, never evicted.
pub(crate) const UNDATED: i64 = i64::MIN;

/// Time-sharded HNSW index carrying a payload per vector.
#[derive(Serialize, Deserialize)]
#[serde(bound(serialize = "P: Serialize", deserialize = "P: Deserialize<'de>"))]
pub(crate) struct ShardedIndex<P> {
    shard_days: i64,
    ef_construction: usize,
    shards: BTreeMap<i64, Shard<P>>,
}

impl<P> ShardedIndex<P> {
    pub(crate) fn new(shard_days: u32, ef_construction: usize) -> Self {
        ShardedIndex {
            shard_days: i64::from(shard_days.max(1)),
            ef_construction: ef_construction.max(8),
            shards: BTreeMap::new(),
        }
    }

    fn key(&self, day: i64) -> i64 {
        day.div_euclid(self.shard_days)
    }

    /// Adds a unit vector dated `day` (`None`: undated, a candidate for every query). Returns where it went (shard
    /// key, item), or `None` when the graph refused it.
    pub(crate) fn insert(&mut self, day: Option<i64>, vector: &[f32], payload: P) -> Option<(i64, usize)> {
        let (key, day) = match day {
            Some(d) => (self.key(d), d),
            None => (UNDATED, UNDATED),
        };
        let ef_construction = self.ef_construction;
        let shard = self.shards.entry(key).or_insert_with(|| Shard {
            graph: Graph::new(12, ef_construction, 0x5eed ^ key as u64),
            payloads: Vec::new(),
            days: Vec::new(),
        });
        let item = shard.graph.insert(vector)?;
        shard.payloads.push(payload);
        shard.days.push(day);
        Some((key, item))
    }

    /// Every payload held, with its shard key and item.
    pub(crate) fn items(&self) -> impl Iterator<Item = (i64, usize, &P)> {
        self.shards
            .iter()
            .flat_map(|(&key, shard)| shard.payloads.iter().enumerate().map(move |(i, p)| (key, i, p)))
    }

    /// Up to `k` nearest vectors dated within `window` days of `day`, plus undated ones, most similar first. An
    /// undated query (`day` = `None`) searches every shard.
    pub(crate) fn query(
        &mut self,
        vector: &[f32],
        day: Option<i64>,
        window: i64,
        k: usize,
        ef: usize,
    ) -> Vec<Hit> {
        let mut hits = Vec::new();
        if k == 0 {
            return hits;
        }
        let (first, last) = match day {
            Some(d) => (
                self.key(d.saturating_sub(window)),
                self.key(d.saturating_add(window)),
            ),
            None => (i64::MIN, i64::MAX),
        };
        let ef = ef.max(k);
        for (&key, shard) in self.shards.iter_mut() {
            if key != UNDATED && (key < first || key > last) {
                continue;
            }
            for (item, cosine) in shard.graph.nearest(vector, ef) {
                let Some(&item_day) = shard.days.get(item) else {
                    continue;
                };
                if let Some(d) = day {
                    if item_day != UNDATED && (item_day - d).abs() > window {
                        continue;
                    }
                }
                hits.push(Hit {
                    shard: key,
                    item,
                    cosine,
                });
            }
        }
        hits.sort_by(|a, b| {
            b.cosine
                .total_cmp(&a.cosine)
                .then(a.shard.cmp(&b.shard))
                .then(a.item.cmp(&b.item))
        });
        hits.truncate(k);
        hits
    }

    /// The payload and vector of a hit.
    pub(crate) fn get(&self, shard: i64, item: usize) -> Option<(&P, &[f32])> {
        let shard = self.shards.get(&shard)?;
        let payload = shard.payloads.get(item)?;
        Some((payload, shard.graph.vector(item)?))
    }

    /// Drops the shards whose every day is before `day`. Returns how many vectors went.
    pub(crate) fn evict_before(&mut self, day: i64) -> usize {
        let keep_from = self.key(day);
        let mut kept = self.shards.split_off(&keep_from);
        if let Some(undated) = self.shards.remove(&UNDATED) {
            kept.insert(UNDATED, undated);
        }
        let dropped: usize = self.shards.values().map(|s| s.payloads.len()).sum();
        self.shards = kept;
        dropped
    }

    /// Vectors held.
    pub(crate) fn len(&self) -> usize {
        self.shards.values().map(|s| s.payloads.len()).sum()
    }

    /// Checks internal consistency after a restore.
    pub(crate) fn is_consistent(&self) -> bool {
        self.shards.values().all(|s| {
            s.graph.is_consistent() && s.graph.len() == s.payloads.len() && s.payloads.len() == s.days.len()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(v: &[f32]) -> Vec<f32> {
        let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        v.iter().map(|x| x / n).collect()
    }

    fn pseudo_random_unit(seed: u64, dim: usize) -> Vec<f32> {
        let mut state = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
        let v: Vec<f32> = (0..dim)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                (state >> 40) as f32 / (1u64 << 24) as f32 - 0.5
            })
            .collect();
        unit(&v)
    }

    #[test]
    fn graph_finds_the_exact_nearest_neighbours_on_random_data() {
        let mut graph = Graph::new(12, 100, 7);
        let points: Vec<Vec<f32>> = (0..800).map(|i| pseudo_random_unit(i, 32)).collect();
        for p in &points {
            graph.insert(p);
        }
        assert!(graph.is_consistent());
        let mut recall_hits = 0;
        let queries = 100;
        for q in 0..queries {
            let query = pseudo_random_unit(10_000 + q, 32);
            let mut exact: Vec<(usize, f32)> = points
                .iter()
                .enumerate()
                .map(|(i, p)| (i, dot(&query, p)))
                .collect();
            exact.sort_by(|a, b| b.1.total_cmp(&a.1));
            let found: Vec<usize> = graph
                .nearest(&query, 48)
                .into_iter()
                .take(10)
                .map(|(i, _)| i)
                .collect();
            recall_hits += exact.iter().take(10).filter(|(i, _)| found.contains(i)).count();
        }
        let recall = recall_hits as f32 / (queries as f32 * 10.0);
        assert!(recall > 0.9, "recall@10 {recall}");
    }

    #[test]
    fn tiny_graphs_answer_without_panicking() {
        let mut graph = Graph::new(12, 100, 7);
        assert!(graph.nearest(&[1.0, 0.0], 10).is_empty());
        graph.insert(&unit(&[1.0, 0.0]));
        let found = graph.nearest(&[1.0, 0.0], 10);
        assert_eq!(found.len(), 1);
        assert!((found[0].1 - 1.0).abs() < 1e-6);
    }

    #[test]
    fn query_respects_the_time_window() {
        let mut index: ShardedIndex<&str> = ShardedIndex::new(7, 64);
        index.insert(Some(100), &unit(&[1.0, 0.0, 0.0]), "same-day");
        index.insert(Some(103), &unit(&[1.0, 0.05, 0.0]), "three-days-later");
        index.insert(Some(130), &unit(&[1.0, 0.0, 0.0]), "a-month-later");
        index.insert(Some(101), &unit(&[0.0, 1.0, 0.0]), "other-topic");
        index.insert(Some(101), &[1.0, 0.0], "wrong-length");
        let hits = index.query(&unit(&[1.0, 0.0, 0.0]), Some(101), 7, 10, 32);
        let names: Vec<&str> = hits
            .iter()
            .map(|h| *index.get(h.shard, h.item).unwrap().0)
            .collect();
        assert_eq!(names[..2], ["same-day", "three-days-later"]);
        assert!(!names.contains(&"a-month-later"));
        assert_eq!(index.len(), 4);
        assert_eq!(index.evict_before(120), 3);
        assert_eq!(index.len(), 1);
    }

    #[test]
    fn undated_vectors_answer_every_query_and_survive_eviction() {
        let mut index: ShardedIndex<&str> = ShardedIndex::new(7, 32);
        index.insert(Some(100), &unit(&[1.0, 0.0]), "dated");
        index.insert(None, &unit(&[1.0, 0.1]), "undated");
        // A dated query far from day 100 still sees the undated vector, not the dated one.
        let far = index.query(&unit(&[1.0, 0.0]), Some(900), 7, 10, 32);
        assert_eq!(far.len(), 1);
        assert_eq!(
            index.get(far[0].shard, far[0].item).map(|(p, _)| *p),
            Some("undated")
        );
        // An undated query sees everything.
        assert_eq!(index.query(&unit(&[1.0, 0.0]), None, 7, 10, 32).len(), 2);
        assert_eq!(index.evict_before(800), 1);
        assert_eq!(index.len(), 1);
    }
}
