//! Story clustering on synthetic embeddings that reflect real situations: Arabic and English reports of one
//! development, a Baghuz report with a paragraph on shelling in Idlib, a story first seen as two fragments.

mod common;

use common::{cosine, day, doc, mix, score, Places, Rng};
use khabar_cluster::{ClusterConfig, ClusterDoc, StoryClusterer};
use std::collections::BTreeSet;

#[test]
fn arabic_and_english_reports_of_one_development_form_one_story() {
    let mut rng = Rng(11);
    let baghuz = rng.vector();
    let hajin = rng.vector();
    let mut c = StoryClusterer::new(ClusterConfig::default());
    let noise = |rng: &mut Rng, topic: &[f32]| mix(&[(1.0, topic), (0.35, &rng.vector())]);
    let a = noise(&mut rng, &baghuz);
    let b = noise(&mut rng, &baghuz);
    let h = noise(&mut rng, &hajin);
    let d = noise(&mut rng, &baghuz);
    assert_eq!(
        c.add(
            doc(
                "ar-1",
                "ar",
                10,
                "\"قسد\" تعلن السيطرة على مخيم الباغوز",
                a,
                &["baghuz"]
            ),
            &score
        ),
        "s1"
    );
    assert_eq!(
        c.add(
            doc("hajin", "en", 10, "Clashes near Hajin", h, &["hajin"]),
            &score
        ),
        "s2"
    );
    assert_eq!(
        c.add(
            doc(
                "en-1",
                "en",
                11,
                "SDF says it seized positions in Baghuz",
                b,
                &["baghuz"]
            ),
            &score
        ),
        "s1"
    );
    assert_eq!(
        c.add(
            doc("ar-0", "ar", 9, "أنباء عن مجزرة في الباغوز", d, &["baghuz"]),
            &score
        ),
        "s1"
    );
    let stories = c.stories();
    assert_eq!(stories.len(), 2);
    let s1 = &stories[0];
    assert_eq!(s1.id, "s1");
    assert_eq!(s1.article_ids, ["ar-1", "en-1", "ar-0"]);
    assert_eq!(s1.langs, ["ar", "en"]);
    // Title of the earliest article, even though it arrived last.
    assert_eq!(s1.title.as_deref(), Some("أنباء عن مجزرة في الباغوز"));
    assert_eq!((s1.first_published, s1.last_published), (day(9), day(11)));
}

#[test]
fn an_idlib_paragraph_in_a_baghuz_report_does_not_join_the_idlib_story() {
    let mut rng = Rng(7);
    let baghuz = rng.vector();
    let idlib = rng.vector();
    let mut c = StoryClusterer::new(ClusterConfig::default());
    for i in 0..4 {
        let e = mix(&[(1.0, &baghuz), (0.3, &rng.vector())]);
        c.add(
            doc(&format!("baghuz-{i}"), "en", 10 + i, "Baghuz", e, &["baghuz"]),
            &score,
        );
    }
    for i in 0..4 {
        let e = mix(&[(1.0, &idlib), (0.3, &rng.vector())]);
        c.add(
            doc(&format!("idlib-{i}"), "ar", 10 + i, "قصف على إدلب", e, &["idlib"]),
            &score,
        );
    }
    assert_eq!(c.stories().len(), 2);
    // Mostly Baghuz, one paragraph on Idlib; mentions both places.
    let mixed = mix(&[(0.8, &baghuz), (0.55, &idlib), (0.2, &rng.vector())]);
    let story = c.add(
        doc(
            "mixed",
            "en",
            12,
            "Baghuz, and shelling in Idlib",
            mixed,
            &["baghuz", "idlib"],
        ),
        &score,
    );
    assert_eq!(story, "s1");
    // Even a score function fooled into rating the mixed article as close to both stories cannot bridge them: the
    // stories' own members are far apart.
    let fooled = |a: &ClusterDoc<Places>, b: &ClusterDoc<Places>| {
        if a.features.intersection(&b.features).next().is_some() {
            0.95
        } else {
            0.0
        }
    };
    let bridge = mix(&[(0.7, &baghuz), (0.7, &idlib)]);
    c.add(
        doc(
            "bridge",
            "en",
            12,
            "Baghuz and Idlib",
            bridge,
            &["baghuz", "idlib"],
        ),
        &fooled,
    );
    let stories = c.stories();
    assert_eq!(stories.len(), 2, "{stories:?}");
    assert!(c.stats().merges_refused >= 1);
    assert!(stories[1].article_ids.iter().all(|id| id.starts_with("idlib")));
}

#[test]
fn an_article_linking_two_fragments_of_one_story_merges_them() {
    let mut rng = Rng(3);
    let topic = rng.vector();
    let side_a = rng.vector();
    let side_b = rng.vector();
    // Two angles on one development, first seen apart (cosine between the two groups about 0.55).
    let a = mix(&[(1.0, &topic), (0.9, &side_a)]);
    let b = mix(&[(1.0, &topic), (0.9, &side_b)]);
    let plain = |x: &ClusterDoc<Places>, y: &ClusterDoc<Places>| cosine(&x.embedding, &y.embedding);
    let strict = ClusterConfig {
        threshold: 0.7,
        merge_threshold: 0.8,
        ..ClusterConfig::default()
    };
    let mut c = StoryClusterer::try_new(strict).unwrap();
    assert_eq!(c.add(doc("a", "en", 5, "angle a", a, &[]), &plain), "s1");
    assert_eq!(c.add(doc("b", "ar", 5, "angle b", b, &[]), &plain), "s2");
    // A full report covering both angles.
    let both = mix(&[(1.0, &topic), (0.45, &side_a), (0.45, &side_b)]);
    c.add(doc("both", "en", 6, "full report", both, &[]), &plain);
    let stories = c.stories();
    assert_eq!(stories.len(), 1, "{stories:?}");
    assert_eq!(stories[0].id, "s1");
    assert_eq!(c.story_of("b").as_deref(), Some("s1"));
    assert_eq!(c.stats().merges, 1);
}

#[test]
fn snapshot_and_restore_continue_exactly_where_they_left_off() {
    let mut rng = Rng(99);
    let topics: Vec<Vec<f32>> = (0..6).map(|_| rng.vector()).collect();
    let docs: Vec<ClusterDoc<Places>> = (0..120)
        .map(|i| {
            let t = &topics[i % topics.len()];
            let e = mix(&[(1.0, t), (0.4, &rng.vector())]);
            let place = format!("place-{}", i % topics.len());
            doc(
                &format!("a{i}"),
                if i % 2 == 0 { "ar" } else { "en" },
                1 + (i / 8) as u32,
                "t",
                e,
                &[&place],
            )
        })
        .collect();
    let mut straight = StoryClusterer::new(ClusterConfig::default());
    for d in &docs {
        straight.add(d.clone(), &score);
    }
    let mut first_half = StoryClusterer::new(ClusterConfig::default());
    for d in &docs[..60] {
        first_half.add(d.clone(), &score);
    }
    let mut bytes = Vec::new();
    first_half.snapshot(&mut bytes).unwrap();
    let mut resumed: StoryClusterer<Places> = StoryClusterer::restore(&bytes[..]).unwrap();
    for d in &docs[60..] {
        resumed.add(d.clone(), &score);
    }
    assert_eq!(resumed.stories(), straight.stories());
    assert_eq!(resumed.stats(), straight.stats());
    // Topics stay apart: every story holds one place only.
    for s in straight.stories() {
        let places: BTreeSet<usize> = s
            .article_ids
            .iter()
            .map(|id| id[1..].parse::<usize>().unwrap() % topics.len())
            .collect();
        assert_eq!(places.len(), 1, "{s:?}");
    }
    assert!(StoryClusterer::<Places>::restore(&bytes[..bytes.len() / 2]).is_err());
    assert!(StoryClusterer::<Places>::restore(&b"KHCLUST\0\x07\0\0\0"[..]).is_err());
}
