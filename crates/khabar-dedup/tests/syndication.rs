//! Near-duplicate detection on the real sample articles (2 English, 3 Arabic, all about the battle for Baghuz):
//! syndicated copies with another site's header/footer, a new headline and edited words must be found; the five
//! different reports of the same story must stay apart.

use khabar_dedup::{DedupConfig, DedupIndex};
fn samples() -> Vec<(String, String)> {
    let out = khabar_testdata::samples();
    assert!(
        out.len() >= 5,
        "expected the 5 sample articles (set KHABAR_SAMPLES)"
    );
    out
}

fn is_arabic(text: &str) -> bool {
    khabar_normalize::arabic_ratio(text) > 0.5
}

/// What a syndicating site does to a wire article: its own masthead and headline, the body with a few words
/// changed (one in `edit_every` words) and its last line dropped, and its own footer.
fn syndicate(text: &str, edit_every: usize) -> String {
    let arabic = is_arabic(text);
    let (header, footer, replacement) = if arabic {
        (
            "الرئيسية | أخبار | سياسة | اقتصاد | رياضة | اتصل بنا\nعاجل: معارك عنيفة في ريف دير الزور الشرقي\n",
            "\nشارك هذا الخبر على فيسبوك وتويتر\nجميع الحقوق محفوظة لموقع الخبر اليوم 2019\nاقرأ أيضاً: أسعار الذهب اليوم",
            "بحسب",
        )
    } else {
        (
            "HOME | WORLD | MIDDLE EAST | OPINION | CONTACT US\nFierce fighting as SDF pushes into the last IS enclave\n",
            "\nShare this: Facebook Twitter WhatsApp\n© 2019 The Levant Daily. All rights reserved.\nRead more: Oil prices rise",
            "reportedly",
        )
    };
    let mut lines: Vec<&str> = text.lines().collect();
    // Drop the original headline (first non-empty line) and the last line.
    if let Some(first) = lines.iter().position(|l| !l.trim().is_empty()) {
        lines.remove(first);
    }
    lines.pop();
    let body = lines.join("\n");
    let mut word_index = 0usize;
    let edited: Vec<String> = body
        .split(' ')
        .map(|w| {
            word_index += 1;
            if !w.trim().is_empty() && word_index.is_multiple_of(edit_every) {
                replacement.to_string()
            } else {
                w.to_string()
            }
        })
        .collect();
    format!("{header}{}{footer}", edited.join(" "))
}

#[test]
fn different_reports_of_one_story_are_not_duplicates() {
    let mut index = DedupIndex::new(DedupConfig::default()).unwrap();
    for (name, text) in samples() {
        assert_eq!(
            index.insert(&name, &text),
            None,
            "{name} wrongly marked a duplicate"
        );
    }
    assert_eq!(index.stats().originals, 5);
}

#[test]
fn syndicated_copies_are_found_in_both_languages() {
    let mut index = DedupIndex::new(DedupConfig::default()).unwrap();
    let originals = samples();
    for (name, text) in &originals {
        index.insert(name, text);
    }
    for (name, text) in &originals {
        let copy = syndicate(text, 60);
        let found = index.insert(&format!("copy-of-{name}"), &copy);
        let found = found.unwrap_or_else(|| panic!("copy of {name} not found"));
        assert_eq!(&found.id, name);
        assert!(found.jaccard_estimate >= 0.6, "{name}: {found:?}");
    }
    // A copy of a copy points at the first article.
    let (name, text) = &originals[0];
    let copy_of_copy = syndicate(&syndicate(text, 60), 97);
    assert_eq!(&index.insert("copy-of-copy", &copy_of_copy).unwrap().id, name);
}

#[test]
fn heavily_rewritten_text_is_not_a_duplicate() {
    let mut index = DedupIndex::new(DedupConfig::default()).unwrap();
    let originals = samples();
    for (name, text) in &originals {
        index.insert(name, text);
    }
    // One word in four changed: every 5-word shingle is hit, this is a rewrite, not a copy.
    for (name, text) in &originals {
        let rewrite = syndicate(text, 4);
        assert_eq!(
            index.insert(&format!("rewrite-of-{name}"), &rewrite),
            None,
            "{name}"
        );
    }
}

#[test]
fn a_paragraph_quoted_in_a_longer_roundup_is_not_a_duplicate() {
    let originals = samples();
    let english: Vec<&(String, String)> = originals.iter().filter(|(_, t)| !is_arabic(t)).collect();
    assert!(english.len() >= 2);
    let wire = &english[0].1;
    let first_paragraph = wire.lines().find(|l| l.split_whitespace().count() > 30).unwrap();
    let roundup = format!("{}\n{first_paragraph}\n", english[1].1);
    let mut index = DedupIndex::new(DedupConfig::default()).unwrap();
    index.insert("wire", wire);
    assert_eq!(index.insert("roundup", &roundup), None);
    // The short paragraph alone is contained in the wire, but far smaller: no duplicate either.
    assert_eq!(index.insert("paragraph", first_paragraph), None);
}

#[test]
fn snapshot_round_trip_keeps_answers_and_finds_new_copies() {
    let mut index = DedupIndex::new(DedupConfig::default()).unwrap();
    let originals = samples();
    for (name, text) in &originals {
        index.insert(name, text);
    }
    let (first_name, first_text) = &originals[1];
    let copy = syndicate(first_text, 50);
    assert_eq!(&index.insert("early-copy", &copy).unwrap().id, first_name);

    let mut bytes = Vec::new();
    index.snapshot(&mut bytes).unwrap();
    let mut restored = DedupIndex::restore(&bytes[..]).unwrap();
    assert_eq!(restored.stats(), index.stats());
    assert_eq!(restored.len(), index.len());
    assert_eq!(
        restored.duplicate_of("early-copy"),
        index.duplicate_of("early-copy")
    );
    for (name, text) in &originals {
        let late = syndicate(text, 70);
        assert_eq!(&restored.insert(&format!("late-{name}"), &late).unwrap().id, name);
    }
    // A truncated snapshot is an error, not a panic.
    assert!(DedupIndex::restore(&bytes[..bytes.len() / 2]).is_err());
}

#[test]
fn copies_and_distinct_reports_are_far_apart_in_jaccard() {
    let index = DedupIndex::new(DedupConfig::default()).unwrap();
    let all = samples();
    let mut worst_copy: f32 = 1.0;
    let mut best_other: f32 = 0.0;
    for (i, (_, text)) in all.iter().enumerate() {
        let original = index.fingerprint(text);
        for every in [97, 70, 60, 50] {
            let copy = index.fingerprint(&syndicate(text, every));
            worst_copy = worst_copy.min(original.jaccard(&copy));
        }
        for (j, (_, other)) in all.iter().enumerate() {
            if i != j {
                best_other = best_other.max(original.jaccard(&index.fingerprint(other)));
            }
        }
    }
    let threshold = index.config().jaccard_threshold;
    assert!(best_other < 0.1, "distinct reports reach J {best_other}");
    assert!(
        worst_copy >= threshold,
        "a copy falls to J {worst_copy} < {threshold}"
    );
}
