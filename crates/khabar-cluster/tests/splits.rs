//! Stories split when their evidence hangs together through one article only: the weekly roundup that mentions the
//! battle for Baghuz and shelling in Idlib, and then each side keeps growing on its own.

mod common;

use common::{doc, mix, score, Places, Rng};
use khabar_cluster::{ClusterConfig, ClusterDoc, StoryClusterer};
use std::collections::BTreeSet;

/// Three Baghuz reports, a weekly roundup covering Baghuz and Idlib, then Idlib reports that find the roundup as
/// their only near candidate in the old story, and a late Baghuz report.
fn roundup_stream(rng: &mut Rng) -> Vec<ClusterDoc<Places>> {
    let baghuz = rng.vector();
    let idlib = rng.vector();
    let noisy = |rng: &mut Rng, topic: &[f32]| mix(&[(1.0, topic), (0.3, &rng.vector())]);
    let mut docs = vec![
        doc(
            "sohr-baghuz-1",
            "ar",
            10,
            "\"قسد\" تتقدم في الباغوز",
            noisy(rng, &baghuz),
            &["baghuz"],
        ),
        doc(
            "afp-baghuz-1",
            "en",
            10,
            "SDF pushes into Baghuz pocket",
            noisy(rng, &baghuz),
            &["baghuz"],
        ),
        doc(
            "enab-baghuz-2",
            "ar",
            11,
            "استسلام مئات من عناصر التنظيم في الباغوز",
            noisy(rng, &baghuz),
            &["baghuz"],
        ),
    ];
    let roundup = mix(&[(0.8, &baghuz), (0.62, &idlib), (0.15, &rng.vector())]);
    docs.push(doc(
        "weekly-roundup",
        "en",
        12,
        "Syria this week: Baghuz siege tightens, shelling kills civilians in Idlib",
        roundup,
        &["baghuz", "idlib"],
    ));
    let idlib_titles = [
        ("idlib-ar-1", "ar", "قصف مدفعي على خان شيخون في ريف إدلب"),
        (
            "idlib-en-1",
            "en",
            "Regime shelling kills seven in southern Idlib",
        ),
        ("idlib-ar-2", "ar", "مقتل مدنيين بقصف على معرة النعمان"),
        (
            "idlib-en-2",
            "en",
            "Civilians flee Maarat al-Numan after shelling",
        ),
    ];
    for (i, (id, lang, title)) in idlib_titles.iter().enumerate() {
        docs.push(doc(
            id,
            lang,
            12 + i as u32 / 2,
            title,
            noisy(rng, &idlib),
            &["idlib"],
        ));
    }
    docs.push(doc(
        "reuters-baghuz-3",
        "en",
        13,
        "Last IS enclave in Baghuz under fire",
        noisy(rng, &baghuz),
        &["baghuz"],
    ));
    docs
}

fn group_of<'a>(c: &'a [khabar_cluster::StoryMembers], id: &str) -> &'a khabar_cluster::StoryMembers {
    c.iter().find(|s| s.article_ids.iter().any(|a| a == id)).unwrap()
}

#[test]
fn a_roundup_bridging_baghuz_and_idlib_splits_them_and_both_keep_growing() {
    let docs = roundup_stream(&mut Rng(5));

    // Without splits the roundup chains the Idlib reports into the Baghuz story.
    let off = ClusterConfig {
        split_min_size: 0,
        ..ClusterConfig::default()
    };
    let mut chained = StoryClusterer::try_new(off).unwrap();
    for d in &docs {
        chained.add(d.clone(), &score);
    }
    assert_eq!(chained.stories().len(), 1, "{:?}", chained.stories());

    let mut c = StoryClusterer::try_new(ClusterConfig::default()).unwrap();
    let mut returned = Vec::new();
    for d in &docs {
        returned.push((d.article_id.clone(), c.add(d.clone(), &score)));
    }
    let stories = c.stories();
    assert_eq!(stories.len(), 2, "{stories:?}");
    assert_eq!(c.stats().splits, 1);
    let baghuz = group_of(&stories, "sohr-baghuz-1");
    let idlib = group_of(&stories, "idlib-ar-1");
    // The older id stays with the group of the oldest article; the roundup goes where its strongest edge is.
    assert_eq!(baghuz.id, "s1");
    assert_eq!(
        baghuz.article_ids,
        [
            "sohr-baghuz-1",
            "afp-baghuz-1",
            "enab-baghuz-2",
            "weekly-roundup",
            "reuters-baghuz-3"
        ]
    );
    assert_eq!(
        idlib.article_ids,
        ["idlib-ar-1", "idlib-en-1", "idlib-ar-2", "idlib-en-2"]
    );
    assert_eq!(
        idlib.title.as_deref(),
        Some("قصف مدفعي على خان شيخون في ريف إدلب")
    );
    assert_eq!(idlib.langs, ["ar", "en"]);
    // Idlib reports after the split join the Idlib story directly; the late Baghuz report the Baghuz one.
    let returned_for = |id: &str| returned.iter().find(|(a, _)| a == id).map(|(_, s)| s.clone());
    assert_eq!(returned_for("idlib-en-2").as_deref(), Some(idlib.id.as_str()));
    assert_eq!(returned_for("reuters-baghuz-3").as_deref(), Some("s1"));
    assert_eq!(c.story_of("idlib-en-1").as_deref(), Some(idlib.id.as_str()));
}

#[test]
fn a_story_held_together_by_one_full_report_of_two_near_angles_stays_whole() {
    // One development seen from two angles (cosine between the angles' reports about 0.55, below the strict join
    // threshold, so no direct link between them), tied only through one full report covering both: structurally a
    // bridge, but the two sides are near in embedding space (the notion that lets stories merge), so no split.
    let mut rng = Rng(3);
    let topic = rng.vector();
    let side_a = rng.vector();
    let side_b = rng.vector();
    let plain = |a: &ClusterDoc<Places>, b: &ClusterDoc<Places>| common::cosine(&a.embedding, &b.embedding);
    let strict = ClusterConfig {
        threshold: 0.7,
        merge_threshold: 0.8,
        ..ClusterConfig::default()
    };
    let run = |config: ClusterConfig, rng: &mut Rng| {
        let mut c = StoryClusterer::try_new(config).unwrap();
        let angle = |rng: &mut Rng, side: &[f32]| mix(&[(1.0, &topic), (0.9, side), (0.1, &rng.vector())]);
        c.add(
            doc("a1", "en", 5, "Strike on Baghuz camp", angle(rng, &side_a), &[]),
            &plain,
        );
        c.add(
            doc("a2", "ar", 5, "غارة على مخيم الباغوز", angle(rng, &side_a), &[]),
            &plain,
        );
        let both = mix(&[(1.0, &topic), (0.45, &side_a), (0.45, &side_b)]);
        c.add(doc("full", "en", 6, "Full report", both, &[]), &plain);
        c.add(
            doc("b1", "en", 6, "Families leave Baghuz", angle(rng, &side_b), &[]),
            &plain,
        );
        c.add(
            doc("b2", "ar", 7, "خروج عائلات من الباغوز", angle(rng, &side_b), &[]),
            &plain,
        );
        c
    };
    let c = run(strict.clone(), &mut Rng(41));
    assert_eq!(c.stories().len(), 1, "{:?}", c.stories());
    assert_eq!(c.stats().splits, 0);
    // Only the embedding guard keeps it whole: demanding a closer match between the sides splits it.
    let picky = ClusterConfig {
        merge_min_cosine: 0.9,
        ..strict
    };
    let c = run(picky, &mut Rng(41));
    assert_eq!(c.stats().splits, 1, "{:?}", c.stories());
    assert_eq!(c.stories().len(), 2);
}

#[test]
fn snapshot_and_restore_keep_the_evidence_and_split_alike() {
    let docs = roundup_stream(&mut Rng(5));
    let mut straight = StoryClusterer::new(ClusterConfig::default());
    for d in &docs {
        straight.add(d.clone(), &score);
    }
    // Cut right after the roundup joined, and again after the first Idlib report: the split comes after restore,
    // from evidence recorded before it.
    for cut in [4, 5] {
        let mut first = StoryClusterer::new(ClusterConfig::default());
        for d in &docs[..cut] {
            first.add(d.clone(), &score);
        }
        let mut bytes = Vec::new();
        first.snapshot(&mut bytes).unwrap();
        let mut resumed: StoryClusterer<Places> = StoryClusterer::restore(&bytes[..]).unwrap();
        for d in &docs[cut..] {
            resumed.add(d.clone(), &score);
        }
        assert_eq!(resumed.stories(), straight.stories());
        assert_eq!(resumed.stats(), straight.stats());
    }
    assert_eq!(straight.stats().splits, 1);
}

#[test]
fn splits_never_lose_or_duplicate_an_article() {
    // Many topics, many roundups over pairs of them, arriving interleaved over three weeks.
    let mut rng = Rng(77);
    let topics: Vec<Vec<f32>> = (0..8).map(|_| rng.vector()).collect();
    let mut c = StoryClusterer::new(ClusterConfig::default());
    let mut ids = Vec::new();
    for i in 0..200usize {
        let t = i % topics.len();
        let (embedding, places) = if i % 7 == 3 {
            let u = (t + 1 + i % 3) % topics.len();
            (
                mix(&[(0.8, &topics[t]), (0.62, &topics[u]), (0.15, &rng.vector())]),
                vec![format!("p{t}"), format!("p{u}")],
            )
        } else {
            (
                mix(&[(1.0, &topics[t]), (0.35, &rng.vector())]),
                vec![format!("p{t}")],
            )
        };
        let id = format!("a{i}");
        let places: Vec<&str> = places.iter().map(String::as_str).collect();
        c.add(
            doc(&id, "en", 1 + (i / 10) as u32, "t", embedding, &places),
            &score,
        );
        ids.push(id);
    }
    assert!(c.stats().splits > 0, "{:?}", c.stats());
    let stories = c.stories();
    let mut seen = BTreeSet::new();
    for s in &stories {
        for a in &s.article_ids {
            assert!(seen.insert(a.clone()), "{a} twice");
            assert_eq!(c.story_of(a).as_deref(), Some(s.id.as_str()));
        }
    }
    assert_eq!(seen, ids.iter().cloned().collect());
    let distinct: BTreeSet<&str> = stories.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(distinct.len(), stories.len());
    // And the split undid the chaining: one story per topic, each holding one topic's reports (roundups go with
    // their main topic or the one their strongest link is to).
    assert_eq!(stories.len(), topics.len(), "{stories:?}");
    for s in &stories {
        let topics_in: BTreeSet<usize> = s
            .article_ids
            .iter()
            .filter_map(|a| a[1..].parse::<usize>().ok())
            .filter(|i| i % 7 != 3)
            .map(|i| i % topics.len())
            .collect();
        assert_eq!(topics_in.len(), 1, "{s:?}");
    }
}
