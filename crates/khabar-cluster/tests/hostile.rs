//! Any embedding (NaN, infinities, zero, mixed lengths), any score, any date, any snapshot bytes: never a panic.

use chrono::NaiveDate;
use khabar_cluster::{ClusterConfig, ClusterDoc, StoryClusterer};
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
