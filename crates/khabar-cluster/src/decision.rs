//! The join/merge decision of one article, as a pure function of its scored candidates. The in-memory
//! [`crate::StoryClusterer`] and the PostgreSQL scale-out worker (candidates from pgvector) both decide through here,
//! so the two modes cluster alike.

use crate::ClusterConfig;

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
