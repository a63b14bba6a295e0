//! Any embedding (NaN, infinities, zero, mixed lengths), any score, any date, any snapshot bytes: never a panic.

use chrono::NaiveDate;
use khabar_cluster::{split_plan, ClusterConfig, ClusterDoc, Evidence, StoryClusterer};
use proptest::prelude::*;

fn float() -> impl Strategy<Value = f32> {
    prop_oneof![
        -1.0f32..1.0,
        Just(f32::NAN),
        Just(f32::INFINITY),
        Just(0.0f32),
        Just(f32::MAX)
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_docs_and_scores_never_panic(
        docs in proptest::collection::vec(
            (proptest::collection::vec(float(), 0..6), proptest::option::of(0i32..3000), float()),
            1..40,
        )
    ) {
        let mut c: StoryClusterer<f32> = StoryClusterer::new(ClusterConfig::default());
        for (i, (embedding, day, score)) in docs.iter().enumerate() {
            let published = day.and_then(|d| NaiveDate::from_num_days_from_ce_opt(730_000 + d));
            let doc = ClusterDoc {
                article_id: format!("a{}", i % 30),
                title: None,
                published,
                lang: "en".into(),
                embedding: embedding.clone(),
                features: *score,
            };
            let id = c.add(doc, &|a, b| a.features * b.features);
            prop_assert!(id.starts_with('s'));
        }
        let stories = c.stories();
        let members: usize = stories.iter().map(|s| s.article_ids.len()).sum();
        prop_assert_eq!(members, c.len());
        let distinct: std::collections::BTreeSet<&String> = stories.iter().flat_map(|s| &s.article_ids).collect();
        prop_assert_eq!(distinct.len(), c.len());
        let mut bytes = Vec::new();
        c.snapshot(&mut bytes).unwrap();
        let restored: StoryClusterer<f32> = StoryClusterer::restore(&bytes[..]).unwrap();
        prop_assert_eq!(restored.stories(), stories);
    }

    #[test]
    fn arbitrary_bytes_never_restore_into_a_panic(
        version in 1u8..4,
        tail in proptest::collection::vec(any::<u8>(), 0..256),
    ) {
        let mut bytes = b"KHCLUST\0".to_vec();
        bytes.extend_from_slice(&[version, 0, 0, 0]);
        bytes.extend_from_slice(&tail);
        let _ = StoryClusterer::<()>::restore(&bytes[..]);
    }
}

/// Splits the property below found (it must find some to test anything).
static SPLITS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

#[test]
fn split_plans_are_partitions_into_two_connected_halves_of_the_minimum_size() {
    a_split_plan_is_a_partition_into_two_connected_halves_of_the_minimum_size();
    // Enough generated cases split for the property to test something.
    let found = SPLITS.load(std::sync::atomic::Ordering::Relaxed);
    assert!(found > 20, "{found}");
}

/// Whether `nodes` are connected by `edges` at or above `threshold` among themselves.
fn connected(nodes: &[usize], edges: &[Evidence], threshold: f32) -> bool {
    let Some(&start) = nodes.first() else {
        return true;
    };
    let mut seen = vec![start];
    let mut stack = vec![start];
    while let Some(v) = stack.pop() {
        for e in edges.iter().filter(|e| e.score >= threshold) {
            for (x, y) in [(e.a, e.b), (e.b, e.a)] {
                if x == v && nodes.contains(&y) && !seen.contains(&y) {
                    seen.push(y);
                    stack.push(y);
                }
            }
        }
    }
    seen.len() == nodes.len()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    fn a_split_plan_is_a_partition_into_two_connected_halves_of_the_minimum_size(
        // Two groups (far apart or not) chained inside, bridged by one node, plus random extra edges (which may
        // cross), any node order, arbitrary vectors here and there.
        sizes in (1usize..7, 1usize..7),
        order in Just((0..15).collect::<Vec<usize>>()).prop_shuffle(),
        chain_scores in proptest::collection::vec(prop_oneof![4 => 0.5f32..1.0, 1 => 0.0f32..0.5], 15),
        bridge_edges in proptest::collection::vec((0usize..15, 0.3f32..1.0), 0..3),
        bridge_ends in (0usize..7, 0usize..7, 0.5f32..1.0, 0.5f32..1.0),
        extra in proptest::collection::vec((0usize..15, 0usize..15, float()), 0..3),
        spread in 0.0f32..2.0,
        odd_vectors in proptest::collection::vec(proptest::option::of((0usize..15, -1.0f32..1.0, -1.0f32..1.0)), 3),
    ) {
        let n = sizes.0 + sizes.1 + 1;
        // Node i of the construction sits at position pos[i]; construction order: group A, group B, bridge.
        let pos: Vec<usize> = order.iter().copied().filter(|&p| p < n).collect();
        let group = |i: usize| if i < sizes.0 { 0 } else if i < n - 1 { 1 } else { 2 };
        let mut vectors: Vec<Option<Vec<f32>>> = vec![None; n];
        for i in 0..n {
            let v = match group(i) {
                0 => vec![1.0, 0.1 * i as f32],
                1 => vec![1.0 - spread, 1.0],
                _ => vec![1.0, 1.0],
            };
            vectors[pos[i]] = khabar_cluster::unit_vector(&v);
        }
        for (i, x, y) in odd_vectors.into_iter().flatten() {
            if i < n {
                vectors[pos[i]] = khabar_cluster::unit_vector(&[x, y]);
            }
        }
        let mut edges = Vec::new();
        for i in 1..n - 1 {
            if group(i) == group(i - 1) {
                edges.push(Evidence { a: pos[i], b: pos[i - 1], score: chain_scores[i] });
            }
        }
        edges.push(Evidence { a: pos[n - 1], b: pos[bridge_ends.0 % sizes.0], score: bridge_ends.2 });
        edges.push(Evidence { a: pos[n - 1], b: pos[sizes.0 + bridge_ends.1 % sizes.1], score: bridge_ends.3 });
        for &(j, score) in &bridge_edges {
            edges.push(Evidence { a: pos[n - 1], b: pos[j % (n - 1)], score });
        }
        for &(a, b, score) in &extra {
            if a < n && b < n {
                edges.push(Evidence { a: pos[a], b: pos[b], score });
            }
        }
        let refs: Vec<Option<&[f32]>> = vectors.iter().map(|v| v.as_deref()).collect();
        let config = ClusterConfig::default();
        if let Some(split) = split_plan(&refs, &edges, &config) {
            SPLITS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let moved = &split.moved;
            let stay: Vec<usize> = (0..n).filter(|u| !moved.contains(u)).collect();
            prop_assert!(moved.windows(2).all(|w| w[0] < w[1]), "{:?}", moved);
            prop_assert!(moved.iter().all(|&u| u < n && u != 0));
            prop_assert!(stay.len() >= config.split_min_size && moved.len() >= config.split_min_size);
            prop_assert!(split.bridge < n);
            prop_assert!(connected(&stay, &edges, config.threshold), "{:?} {:?}", stay, edges);
            prop_assert!(connected(moved, &edges, config.threshold), "{:?} {:?}", moved, edges);
        }
    }
}
