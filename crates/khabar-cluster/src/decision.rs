//! The join/merge decision of one article, as a pure function of its scored candidates, and the split rule of a
//! story, as a pure function of its members' evidence graph. The in-memory [`crate::StoryClusterer`] and the
//! PostgreSQL scale-out worker (candidates from pgvector) both decide through here, so the two modes cluster alike.

use crate::ClusterConfig;
use serde::{Deserialize, Serialize};

/// The best evidence for one story among an article's scored candidates.
#[derive(Debug, Clone, PartialEq)]
pub struct StoryLink<S> {
    /// The story (any id type ordered by age: older stories compare smaller).
    pub story: S,
    /// Best score of the article against a member of that story.
    pub best_score: f32,
    /// Embedding (unit length) of that best-scoring member.
    pub best_vector: Vec<f32>,
}

/// What to do with a new article.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision<S> {
    /// Join `story`, pulling the stories in `merge` into it (the caller picks the surviving id).
    Join {
        /// The best story.
        story: S,
        /// Further stories to merge with it.
        merge: Vec<S>,
        /// Merges refused because the stories' closest members were far apart.
        refused: usize,
        /// The article rejoined an older story found only in the resume window.
        resumed: bool,
    },
    /// Open a new story.
    New,
}

/// Groups scored candidates `(story, score, candidate unit vector)` by story, keeping each story's best score and
/// the vector of that member. Best story first; ties go to the older story. Non-finite scores count as 0.
pub fn collect_links<'a, S, I>(scored: I) -> Vec<StoryLink<S>>
where
    S: Ord + Clone,
    I: IntoIterator<Item = (S, f32, &'a [f32])>,
{
    let mut links: Vec<StoryLink<S>> = Vec::new();
    for (story, score, vector) in scored {
        let score = if score.is_finite() { score } else { 0.0 };
        match links.iter_mut().find(|l| l.story == story) {
            Some(link) if score > link.best_score => {
                link.best_score = score;
                link.best_vector = vector.to_vec();
            }
            Some(_) => {}
            None => links.push(StoryLink {
                story,
                best_score: score,
                best_vector: vector.to_vec(),
            }),
        }
    }
    links.sort_by(|a, b| {
        b.best_score
            .total_cmp(&a.best_score)
            .then_with(|| a.story.cmp(&b.story))
    });
    links
}

/// Whether the links in the time window already decide a join (else the caller may look over the resume window).
pub fn joins<S>(config: &ClusterConfig, links: &[StoryLink<S>]) -> bool {
    links.first().is_some_and(|l| l.best_score >= config.threshold)
}

/// Decides from `links` (candidates within `window_days`, best first) and, when those do not reach `threshold`,
/// `wider` (candidates within `resume_window_days`): the article rejoins one older story only at
/// `merge_threshold`, with no merges on that weaker evidence.
pub fn decide<S: Clone>(
    config: &ClusterConfig,
    links: &[StoryLink<S>],
    wider: Option<&[StoryLink<S>]>,
) -> Decision<S> {
    if let Some(best) = links.first().filter(|l| l.best_score >= config.threshold) {
        let mut merge = Vec::new();
        let mut refused = 0;
        for other in links.iter().skip(1) {
            if other.best_score < config.merge_threshold {
                continue;
            }
            if crate::ann::dot(&best.best_vector, &other.best_vector) >= config.merge_min_cosine {
                merge.push(other.story.clone());
            } else {
                refused += 1;
            }
        }
        return Decision::Join {
            story: best.story.clone(),
            merge,
            refused,
            resumed: false,
        };
    }
    match wider.and_then(|w| w.first()) {
        Some(best) if best.best_score >= config.merge_threshold => Decision::Join {
            story: best.story.clone(),
            merge: Vec::new(),
            refused: 0,
            resumed: true,
        },
        _ => Decision::New,
    }
}

/// One evidence edge of a story: two members, by position in the story's member list (0 = the oldest), and the
/// score the pair was admitted on (an article scored against a candidate at or above `threshold`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// One member's position.
    pub a: usize,
    /// The other member's position.
    pub b: usize,
    /// The pair's score.
    pub score: f32,
}

/// How to split one story in two (see [`split_plan`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    /// Position of the article the two groups hung together through.
    pub bridge: usize,
    /// Positions that leave for a new story, ascending. The group holding position 0 (the oldest member) stays, and
    /// keeps the story id.
    pub moved: Vec<usize>,
}

/// Stories up to this many members are checked for a split on every join.
pub const SPLIT_CHECK_ALWAYS: usize = 256;

/// Whether a story of `size` members that an article just joined (`merged`: by pulling other stories in) is due
/// for a split check: always up to [`SPLIT_CHECK_ALWAYS`] members and after merges, otherwise at every
/// `size / SPLIT_CHECK_ALWAYS`-th member, so the checks cost about as much per article whatever the story's size.
pub fn split_check_due(config: &ClusterConfig, size: usize, merged: bool) -> bool {
    config.split_min_size != 0
        && size > 2 * config.split_min_size
        && (size <= SPLIT_CHECK_ALWAYS || merged || size.is_multiple_of((size / SPLIT_CHECK_ALWAYS).max(1)))
}

/// Articulation-point analysis of one connected evidence graph (iterative Tarjan): DFS discovery order, low-links,
/// subtree sizes and tree parents.
struct Dfs {
    disc: Vec<usize>,
    low: Vec<usize>,
    size: Vec<usize>,
    parent: Vec<Option<usize>>,
    /// Tree children, in discovery order.
    children: Vec<Vec<usize>>,
}

/// One piece of a story's evidence graph without its bridge.
#[derive(Debug, Clone, Copy)]
enum Piece {
    /// The DFS subtree of this child of the bridge.
    Below(usize),
    /// Everything but this bridge and its separated children's subtrees.
    Above(usize),
}

/// Runs the DFS from node 0; `None` when the graph is not connected (a story whose evidence does not hold it
/// together, e.g. members restored from a snapshot without evidence, is never split).
fn dfs(adjacency: &[Vec<(usize, f32)>]) -> Option<Dfs> {
    let n = adjacency.len();
    let mut d = Dfs {
        disc: vec![usize::MAX; n],
        low: vec![0; n],
        size: vec![1; n],
        parent: vec![None; n],
        children: vec![Vec::new(); n],
    };
    let mut time = 0;
    // (node, next adjacency index)
    let mut stack: Vec<(usize, usize)> = Vec::with_capacity(n);
    if n == 0 {
        return None;
    }
    d.disc[0] = time;
    d.low[0] = time;
    time += 1;
    stack.push((0, 0));
    while let Some(top) = stack.last_mut() {
        let (v, next) = *top;
        if let Some(&(u, _)) = adjacency.get(v).and_then(|adj| adj.get(next)) {
            top.1 += 1;
            if d.disc.get(u).copied() == Some(usize::MAX) {
                d.disc[u] = time;
                d.low[u] = time;
                time += 1;
                d.parent[u] = Some(v);
                d.children[v].push(u);
                stack.push((u, 0));
            } else if d.parent[v] != Some(u) {
                d.low[v] = d.low[v].min(d.disc[u]);
            }
        } else {
            stack.pop();
            if let Some(p) = d.parent[v] {
                d.low[p] = d.low[p].min(d.low[v]);
                d.size[p] += d.size[v];
            }
        }
    }
    (time == n).then_some(d)
}

/// Best embedding cosine between any member of one group and any member of the other (members without a vector
/// are skipped); stops early once `enough` is reached. `None` when either side has no vector.
fn closest_cosine(
    vectors: &[Option<&[f32]>],
    in_a: impl Fn(usize) -> bool,
    in_b: impl Fn(usize) -> bool,
    enough: f32,
) -> Option<f32> {
    let side = |f: &dyn Fn(usize) -> bool| -> Vec<&[f32]> {
        vectors
            .iter()
            .enumerate()
            .filter(|(i, _)| f(*i))
            .filter_map(|(_, v)| *v)
            .collect()
    };
    let (a, b) = (side(&in_a), side(&in_b));
    if a.is_empty() || b.is_empty() {
        return None;
    }
    let mut best = f32::NEG_INFINITY;
    for x in &a {
        for y in &b {
            best = best.max(crate::ann::dot(x, y));
            if best >= enough {
                return Some(best);
            }
        }
    }
    Some(best)
}

/// The split rule. `vectors` holds one entry per story member, oldest first (its unit embedding, `None` when
/// unknown); `edges` are the story's evidence edges (edges below `threshold`, to unknown positions or of a member to
/// itself are ignored).
///
/// The story splits when its evidence graph is connected but hangs together only through one article: removing
/// that article leaves one group `K` (a connected piece of the rest) and the remainder `R`, each of at least
/// `split_min_size` articles, with no evidence edge between them (that is what being held together through one
/// article means) and with their closest members below `merge_min_cosine` in embedding space, the notion that keeps
/// far-apart stories from merging. The bridging article goes to the group it has its strongest edge to (ties: `R`),
/// and each resulting story's evidence stays connected (when the bridge goes to `K`, `R` must be one piece). Among
/// several possible splits the most balanced one is taken (ties: the older bridge); callers re-check both halves.
/// `None`: keep the story whole (always so when `split_min_size` is 0).
pub fn split_plan(vectors: &[Option<&[f32]>], edges: &[Evidence], config: &ClusterConfig) -> Option<Split> {
    let n = vectors.len();
    let m = config.split_min_size;
    if m == 0 || n < 2 * m + 1 {
        return None;
    }
    let mut adjacency: Vec<Vec<(usize, f32)>> = vec![Vec::new(); n];
    for e in edges {
        if e.a == e.b || e.a >= n || e.b >= n || !e.score.is_finite() || e.score < config.threshold {
            continue;
        }
        adjacency[e.a].push((e.b, e.score));
        adjacency[e.b].push((e.a, e.score));
    }
    let d = dfs(&adjacency)?;
    // Whether `u` lies in the DFS subtree of `c` (preorder numbers of a subtree are contiguous).
    let in_subtree = |u: usize, c: usize| d.disc[u] >= d.disc[c] && d.disc[u] < d.disc[c] + d.size[c];
    // Children of each node whose subtrees only reach the rest of the graph through that node.
    let separated: Vec<Vec<usize>> = (0..n)
        .map(|v| {
            d.children[v]
                .iter()
                .copied()
                .filter(|&c| d.parent[v].is_none() || d.low[c] >= d.disc[v])
                .collect()
        })
        .collect();
    // The group `K`: the subtree of a separated child of the bridge, or (for a bridge that is not the DFS root)
    // everything else but the bridge.
    let in_k = |u: usize, piece: Piece| match piece {
        Piece::Below(c) => in_subtree(u, c),
        Piece::Above(v) => u != v && !separated[v].iter().any(|&c| in_subtree(u, c)),
    };
    // Structural candidates: (balance, bridge, K, bridge goes to K).
    let mut candidates: Vec<(usize, usize, Piece, bool)> = Vec::new();
    for v in 0..n {
        let mut pieces: Vec<(Piece, usize)> = separated[v]
            .iter()
            .map(|&c| (Piece::Below(c), d.size[c]))
            .collect();
        if d.parent[v].is_some() && !pieces.is_empty() {
            let below: usize = pieces.iter().map(|(_, size)| size).sum();
            pieces.push((Piece::Above(v), n - 1 - below));
        }
        if pieces.len() < 2 {
            continue;
        }
        // With two pieces, `K` = one or the other is the same split: consider each partition once.
        let considered = if pieces.len() == 2 { 1 } else { pieces.len() };
        for &(piece, k) in pieces.iter().take(considered) {
            let r = n - 1 - k;
            if k < m || r < m {
                continue;
            }
            let (mut best_k, mut best_r) = (f32::NEG_INFINITY, f32::NEG_INFINITY);
            for &(u, s) in &adjacency[v] {
                if in_k(u, piece) {
                    best_k = best_k.max(s);
                } else {
                    best_r = best_r.max(s);
                }
            }
            let bridge_to_k = best_k > best_r;
            if bridge_to_k && pieces.len() != 2 {
                continue;
            }
            candidates.push((k.min(r), v, piece, bridge_to_k));
        }
    }
    candidates.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for (_, v, piece, bridge_to_k) in candidates {
        let in_r = |u: usize| u != v && !in_k(u, piece);
        match closest_cosine(vectors, |u| in_k(u, piece), in_r, config.merge_min_cosine) {
            Some(cos) if cos < config.merge_min_cosine => {}
            _ => continue,
        }
        let k_side = |u: usize| in_k(u, piece) || (u == v && bridge_to_k);
        let oldest_in_k = k_side(0);
        let moved = (0..n).filter(|&u| k_side(u) != oldest_in_k).collect();
        return Some(Split { bridge: v, moved });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(story: u32, score: f32, v: [f32; 2]) -> StoryLink<u32> {
        StoryLink {
            story,
            best_score: score,
            best_vector: v.to_vec(),
        }
    }

    #[test]
    fn links_keep_the_best_member_per_story_and_older_stories_win_ties() {
        let a = [1.0f32, 0.0];
        let b = [0.0f32, 1.0];
        let links = collect_links([
            (2u32, 0.4, &a[..]),
            (2, 0.7, &b[..]),
            (1, 0.7, &a[..]),
            (3, f32::NAN, &a[..]),
        ]);
        assert_eq!(links.iter().map(|l| l.story).collect::<Vec<_>>(), [1, 2, 3]);
        assert_eq!(links[1].best_vector, b);
        assert_eq!(links[2].best_score, 0.0);
    }

    #[test]
    fn joins_merges_near_stories_and_refuses_far_ones() {
        let config = ClusterConfig::default();
        let links = [
            link(1, 0.9, [1.0, 0.0]),
            link(2, 0.85, [0.9, 0.1]),
            link(3, 0.85, [0.0, 1.0]),
        ];
        assert_eq!(
            decide(&config, &links, None),
            Decision::Join {
                story: 1,
                merge: vec![2],
                refused: 1,
                resumed: false
            }
        );
    }

    #[test]
    fn a_weak_window_match_opens_a_story_unless_an_older_one_is_strong() {
        let config = ClusterConfig::default();
        let weak = [link(1, 0.3, [1.0, 0.0])];
        assert!(!joins(&config, &weak));
        assert_eq!(decide(&config, &weak, None), Decision::New);
        let wider = [link(0, 0.6, [1.0, 0.0])];
        assert_eq!(decide(&config, &weak, Some(&wider)), Decision::New);
        let strong = [link(0, 0.95, [1.0, 0.0]), link(1, 0.9, [1.0, 0.0])];
        assert_eq!(
            decide(&config, &weak, Some(&strong)),
            Decision::Join {
                story: 0,
                merge: vec![],
                refused: 0,
                resumed: true
            }
        );
    }
}

#[cfg(test)]
mod split_tests {
    use super::*;

    fn e(a: usize, b: usize, score: f32) -> Evidence {
        Evidence { a, b, score }
    }

    const BAGHUZ: [f32; 2] = [1.0, 0.0];
    const IDLIB: [f32; 2] = [0.0, 1.0];
    const ROUNDUP: [f32; 2] = [std::f32::consts::FRAC_1_SQRT_2, std::f32::consts::FRAC_1_SQRT_2];

    /// Baghuz reports 0-2, a weekly roundup (3) linking report 2 and Idlib report 4, Idlib reports 4-6.
    fn bridged(bridge_to_idlib: f32) -> Vec<Evidence> {
        vec![
            e(1, 0, 0.8),
            e(2, 0, 0.7),
            e(2, 1, 0.75),
            e(3, 2, 0.65),
            e(4, 3, bridge_to_idlib),
            e(5, 4, 0.8),
            e(6, 5, 0.7),
            e(6, 4, 0.72),
        ]
    }

    fn vectors<'a>(sides: &[&'a [f32]]) -> Vec<Option<&'a [f32]>> {
        sides.iter().map(|v| Some(*v)).collect()
    }

    #[test]
    fn a_roundup_bridging_two_far_apart_groups_splits_them() {
        let v = vectors(&[&BAGHUZ, &BAGHUZ, &BAGHUZ, &ROUNDUP, &IDLIB, &IDLIB, &IDLIB]);
        let config = ClusterConfig::default();
        assert_eq!(
            split_plan(&v, &bridged(0.6), &config),
            Some(Split {
                bridge: 3,
                moved: vec![4, 5, 6]
            })
        );
        // The roundup's strongest edge is now to the Idlib side: it goes with it.
        assert_eq!(
            split_plan(&v, &bridged(0.7), &config),
            Some(Split {
                bridge: 3,
                moved: vec![3, 4, 5, 6]
            })
        );
    }

    #[test]
    fn near_groups_cycles_small_groups_and_disconnected_graphs_stay_whole() {
        let config = ClusterConfig::default();
        // Both sides about one development (cosine 0.8 between them): the same notion that lets stories merge.
        let near = [0.8f32, 0.6];
        let v = vectors(&[&BAGHUZ, &BAGHUZ, &BAGHUZ, &ROUNDUP, &near, &near, &near]);
        assert_eq!(split_plan(&v, &bridged(0.6), &config), None);
        // A second link between the sides: no single article holds the story together.
        let far = vectors(&[&BAGHUZ, &BAGHUZ, &BAGHUZ, &ROUNDUP, &IDLIB, &IDLIB, &IDLIB]);
        let mut edges = bridged(0.6);
        edges.push(e(5, 1, 0.55));
        assert_eq!(split_plan(&far, &edges, &config), None);
        // The link below the join threshold does not count.
        let mut weak = bridged(0.6);
        weak.push(e(5, 1, 0.2));
        assert!(split_plan(&far, &weak, &config).is_some());
        // One Idlib report only: a lone member is not a second story.
        let small = vectors(&[&BAGHUZ, &BAGHUZ, &BAGHUZ, &ROUNDUP, &IDLIB]);
        let edges: Vec<Evidence> = bridged(0.6).into_iter().filter(|e| e.a < 5 && e.b < 5).collect();
        assert_eq!(split_plan(&small, &edges, &config), None);
        // Missing evidence (members 5 and 6 unlinked): never split.
        let edges: Vec<Evidence> = bridged(0.6).into_iter().filter(|e| e.a < 5).collect();
        assert_eq!(split_plan(&far, &edges, &config), None);
        // Unknown vectors on one side: no split either.
        let unknown = vec![
            Some(&BAGHUZ[..]),
            Some(&BAGHUZ[..]),
            Some(&BAGHUZ[..]),
            None,
            None,
            None,
            None,
        ];
        assert_eq!(split_plan(&unknown, &bridged(0.6), &config), None);
        // Disabled.
        let off = ClusterConfig {
            split_min_size: 0,
            ..ClusterConfig::default()
        };
        assert_eq!(split_plan(&far, &bridged(0.6), &off), None);
    }

    #[test]
    fn a_roundup_linking_three_stories_splits_off_one_at_a_time_and_keeps_each_half_connected() {
        // Baghuz 0,1; roundup 2 (strongest to Baghuz); Idlib 3,4; Hajin 5,6,7.
        let hajin = [0.0f32, -1.0];
        let v = vectors(&[&BAGHUZ, &BAGHUZ, &ROUNDUP, &IDLIB, &IDLIB, &hajin, &hajin, &hajin]);
        let edges = vec![
            e(1, 0, 0.8),
            e(2, 1, 0.9),
            e(3, 2, 0.6),
            e(4, 3, 0.8),
            e(5, 2, 0.55),
            e(6, 5, 0.8),
            e(7, 6, 0.8),
        ];
        let config = ClusterConfig::default();
        // Most balanced first: Hajin (3) against Baghuz+Idlib (4).
        let split = split_plan(&v, &edges, &config).unwrap();
        assert_eq!(
            split,
            Split {
                bridge: 2,
                moved: vec![5, 6, 7]
            }
        );
        // The rest still splits: Idlib leaves.
        let rest = vectors(&[&BAGHUZ, &BAGHUZ, &ROUNDUP, &IDLIB, &IDLIB]);
        let rest_edges: Vec<Evidence> = edges.iter().copied().filter(|e| e.a < 5).collect();
        assert_eq!(
            split_plan(&rest, &rest_edges, &config),
            Some(Split {
                bridge: 2,
                moved: vec![3, 4]
            })
        );
        // Were the roundup's strongest edge to Idlib, it could not go there: Baghuz and Hajin would be left
        // unconnected. Only the splits that leave both halves connected are taken.
        let mut to_idlib = edges.clone();
        to_idlib[2].score = 0.95;
        let split = split_plan(&v, &to_idlib, &config).unwrap();
        assert!(!split.moved.contains(&2), "{split:?}");
    }

    #[test]
    fn the_group_above_the_bridge_can_leave_too() {
        // Members in arrival order: Idlib 0,1 (oldest), roundup 2, Baghuz 3,4 and Hajin 5,6 linked only through the
        // roundup, whose strongest edges are to Baghuz. Idlib, the oldest group, keeps the id; the rest leaves (and
        // is split again by the caller).
        let (hajin, roundup) = ([-1.0f32, 0.0], [0.6f32, 0.8]);
        let v = vectors(&[&IDLIB, &IDLIB, &roundup, &BAGHUZ, &BAGHUZ, &hajin, &hajin]);
        let edges = vec![
            e(1, 0, 0.8),
            e(2, 1, 0.55),
            e(3, 2, 0.9),
            e(4, 3, 0.8),
            e(5, 2, 0.6),
            e(6, 5, 0.8),
        ];
        let split = split_plan(&v, &edges, &ClusterConfig::default()).unwrap();
        // Three pieces of 2: the roundup stays with Baghuz; the first balanced split found is taken, and every
        // article lands on exactly one side.
        assert_eq!(split.bridge, 2);
        let moved = &split.moved;
        assert!(!moved.contains(&0));
        assert_eq!(moved.contains(&3), moved.contains(&2), "{split:?}");
        assert_eq!(moved.contains(&3), moved.contains(&4), "{split:?}");
        assert_eq!(moved.contains(&5), moved.contains(&6), "{split:?}");
    }
}
