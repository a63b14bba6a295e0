//! Conflicting claims on real-shaped events: SANA (Arabic) and SOHR (English) disagreeing on one coalition strike
//! on Baghuz, reports that agree in other words and languages, syndicated copies, and separate incidents that must
//! never be compared.

use chrono::NaiveDate;
use khabar_cluster::{conflicts_by_story, find_conflicts, find_conflicts_with, ConflictConfig};
use khabar_model::{CountRange, CountRole, DatePrecision, Event, EventFamily};
use std::collections::{BTreeMap, HashMap};

struct E<'a> {
    id: &'a str,
    article: &'a str,
    family: EventFamily,
    day: Option<u32>,
    place: Option<(&'a str, &'a str)>,
    counts: &'a [(CountRole, CountRange)],
    attributed: &'a [&'a str],
    actors: &'a [&'a str],
    sentence: &'a str,
    story: &'a str,
}

fn event(e: E) -> Event {
    let counts: BTreeMap<CountRole, CountRange> = e.counts.iter().copied().collect();
    Event {
        id: e.id.into(),
        article_id: e.article.into(),
        family: e.family,
        date: e.day.and_then(|d| NaiveDate::from_ymd_opt(2019, 3, d)),
        date_precision: if e.day.is_some() {
            DatePrecision::Day
        } else {
            DatePrecision::Unknown
        },
        place: e.place.map(|p| p.0.to_string()),
        place_kb_id: e.place.map(|p| p.1.to_string()),
        lat: None,
        lon: None,
        actors: e.actors.iter().map(|s| s.to_string()).collect(),
        targets: vec!["civilians".into()],
        counts,
        hedged: !e.attributed.is_empty(),
        attributed_to: e.attributed.iter().map(|s| s.to_string()).collect(),
        sentence: e.sentence.into(),
        span: [0, e.sentence.chars().count()],
        story_id: Some(e.story.into()),
    }
}

const BAGHUZ: Option<(&str, &str)> = Some(("Baghuz", "geonames:170017"));
const IDLIB: Option<(&str, &str)> = Some(("Idlib", "geonames:169388"));
const COALITION: &[&str] = &["International Coalition"];

fn killed(n: u64) -> [(CountRole, CountRange); 1] {
    [(CountRole::Killed, CountRange::exact(n))]
}

fn publishers() -> HashMap<String, String> {
    [
        ("sana-ar", "SANA"),
        ("sohr-en", "Syrian Observatory for Human Rights"),
        ("afp-en", "France 24"),
        ("copy-en", "The Levant Daily"),
        ("alhayat-ar", "Al-Hayat"),
    ]
    .into_iter()
    .map(|(a, p)| (a.to_string(), p.to_string()))
    .collect()
}

fn sana_50() -> Event {
    event(E {
        id: "e1",
        article: "sana-ar",
        family: EventFamily::Airstrike,
        day: Some(10),
        place: BAGHUZ,
        counts: &killed(50),
        attributed: &["SANA"],
        actors: COALITION,
        sentence: "وذكرت سانا أن 50 مدنياً قتلوا في غارة لطيران التحالف الدولي على مخيم الباغوز.",
        story: "s1",
    })
}

fn sohr_20() -> Event {
    event(E {
        id: "e2",
        article: "sohr-en",
        family: EventFamily::Airstrike,
        day: Some(10),
        place: BAGHUZ,
        counts: &killed(20),
        attributed: &["SOHR"],
        actors: COALITION,
        sentence: "The Syrian Observatory said 20 civilians were killed in a coalition air strike on the Baghuz camp.",
        story: "s1",
    })
}

#[test]
fn sana_and_sohr_disagree_on_one_strike() {
    let conflicts = find_conflicts(&[sana_50(), sohr_20()], &publishers(), &HashMap::new());
    assert_eq!(conflicts.len(), 1);
    let c = &conflicts[0];
    assert_eq!(c.what, CountRole::Killed);
    assert_eq!(c.place.as_deref(), Some("Baghuz"));
    assert_eq!(c.date, NaiveDate::from_ymd_opt(2019, 3, 10));
    let claims: Vec<(&str, Option<u64>, &str)> = c
        .claims
        .iter()
        .map(|cl| (cl.event_id.as_str(), cl.min, cl.source.as_str()))
        .collect();
    assert_eq!(claims, [("e1", Some(50), "SANA"), ("e2", Some(20), "SOHR")]);
    assert_eq!(c.claims[0].article_id, "sana-ar");
}

#[test]
fn reports_that_agree_in_other_words_and_languages_are_not_conflicts() {
    // "dozens" (24-99) per AFP vs 50 per SANA; a day apart (the strike late on the 10th, reported on the 11th).
    let afp = event(E {
        id: "e3",
        article: "afp-en",
        family: EventFamily::Airstrike,
        day: Some(11),
        place: BAGHUZ,
        counts: &[(
            CountRole::Killed,
            CountRange {
                min: Some(24),
                max: Some(99),
            },
        )],
        attributed: &["AFP"],
        actors: COALITION,
        sentence: "Dozens of civilians were killed in coalition strikes on Baghuz overnight, AFP reported.",
        story: "s1",
    });
    // "more than 40" per Al-Hayat.
    let alhayat = event(E {
        id: "e4",
        article: "alhayat-ar",
        family: EventFamily::Airstrike,
        day: Some(10),
        place: BAGHUZ,
        counts: &[(
            CountRole::Killed,
            CountRange {
                min: Some(41),
                max: None,
            },
        )],
        attributed: &[],
        actors: COALITION,
        sentence: "أنباء عن مقتل أكثر من 40 مدنياً في غارة للتحالف الدولي على الباغوز.",
        story: "s1",
    });
    assert!(find_conflicts(&[sana_50(), afp, alhayat], &publishers(), &HashMap::new()).is_empty());
}

#[test]
fn a_syndicated_copy_is_not_a_second_claim() {
    // The Levant Daily republished the SOHR report word for word, without attribution in the sentence.
    let copy = event(E {
        id: "e5",
        article: "copy-en",
        family: EventFamily::Airstrike,
        day: Some(10),
        place: BAGHUZ,
        counts: &killed(20),
        attributed: &[],
        actors: COALITION,
        sentence: "20 civilians were killed in a coalition air strike on the Baghuz camp.",
        story: "s1",
    });
    let events = [sana_50(), sohr_20(), copy];
    let without = find_conflicts(&events, &publishers(), &HashMap::new());
    assert_eq!(without[0].claims.len(), 3);
    let duplicates: HashMap<String, String> = [("copy-en".to_string(), "sohr-en".to_string())].into();
    let with = find_conflicts(&events, &publishers(), &duplicates);
    assert_eq!(with.len(), 1);
    let ids: Vec<&str> = with[0].claims.iter().map(|c| c.event_id.as_str()).collect();
    assert_eq!(ids, ["e1", "e2"]);
    // Only the copy and SANA present: the copy speaks for its original, the dispute stays visible.
    let only_copy = find_conflicts(
        &[events[0].clone(), events[2].clone()],
        &publishers(),
        &duplicates,
    );
    assert_eq!(only_copy.len(), 1);
    assert_eq!(only_copy[0].claims[1].source, "The Levant Daily");
}

#[test]
fn a_separate_incident_in_the_same_article_is_never_compared() {
    // The SOHR Baghuz article also has a paragraph on regime shelling in Idlib; another article reports a
    // different toll for a strike on Idlib the same day. Neither is the Baghuz strike.
    let idlib_shelling = event(E {
        id: "e6",
        article: "sohr-en",
        family: EventFamily::Shelling,
        day: Some(10),
        place: IDLIB,
        counts: &killed(5),
        attributed: &["SOHR"],
        actors: &["Syrian Army"],
        sentence: "Elsewhere, regime shelling killed five civilians in Idlib province, the Observatory said.",
        story: "s1",
    });
    let idlib_strike = event(E {
        id: "e7",
        article: "sana-ar",
        family: EventFamily::Airstrike,
        day: Some(10),
        place: IDLIB,
        counts: &killed(12),
        attributed: &["SANA"],
        actors: &["Russian Air Force"],
        sentence: "قتل 12 شخصاً في غارة على إدلب.",
        story: "s1",
    });
    let conflicts = find_conflicts(
        &[sohr_20(), idlib_shelling, idlib_strike],
        &publishers(),
        &HashMap::new(),
    );
    assert!(conflicts.is_empty(), "{conflicts:?}");
}

#[test]
fn dates_far_apart_or_places_on_one_side_only_are_not_one_incident() {
    let mut later = sohr_20();
    later.date = NaiveDate::from_ymd_opt(2019, 3, 15);
    assert!(find_conflicts(&[sana_50(), later], &publishers(), &HashMap::new()).is_empty());
    let mut placeless = sohr_20();
    placeless.place = None;
    placeless.place_kb_id = None;
    assert!(find_conflicts(&[sana_50(), placeless], &publishers(), &HashMap::new()).is_empty());
    // A two-day gap is allowed when the config says so.
    let mut two_days = sohr_20();
    two_days.date = NaiveDate::from_ymd_opt(2019, 3, 12);
    let events = [sana_50(), two_days];
    assert!(find_conflicts(&events, &publishers(), &HashMap::new()).is_empty());
    let lenient = ConflictConfig { max_day_gap: 2 };
    assert_eq!(
        find_conflicts_with(&events, &publishers(), &HashMap::new(), &lenient).len(),
        1
    );
}

#[test]
fn placeless_events_conflict_only_when_date_and_a_participant_match() {
    let strip = |mut e: Event| {
        e.place = None;
        e.place_kb_id = None;
        e
    };
    let events = [strip(sana_50()), strip(sohr_20())];
    assert_eq!(find_conflicts(&events, &publishers(), &HashMap::new()).len(), 1);
    let mut other_actor = strip(sohr_20());
    other_actor.actors = vec!["Syrian Democratic Forces".into()];
    other_actor.targets = vec!["fighters".into()];
    assert!(find_conflicts(&[strip(sana_50()), other_actor], &publishers(), &HashMap::new()).is_empty());
}

#[test]
fn different_stories_are_not_compared_and_each_role_is_judged_alone() {
    let mut other_story = sohr_20();
    other_story.story_id = Some("s2".into());
    assert!(find_conflicts(&[sana_50(), other_story], &publishers(), &HashMap::new()).is_empty());
    // Agree on the dead, disagree on the wounded.
    let mut a = sana_50();
    a.counts.insert(CountRole::Wounded, CountRange::exact(100));
    let mut b = sohr_20();
    b.counts.insert(CountRole::Killed, CountRange::exact(50));
    b.counts.insert(CountRole::Wounded, CountRange::exact(30));
    let conflicts = find_conflicts(&[a.clone(), b.clone()], &publishers(), &HashMap::new());
    assert_eq!(conflicts.len(), 1);
    assert_eq!(conflicts[0].what, CountRole::Wounded);
    // Grouped for `Story::conflicts`: two stories, each with its own dispute.
    let mut a2 = sana_50();
    a2.id = "e8".into();
    a2.story_id = Some("s2".into());
    let mut b2 = sohr_20();
    b2.id = "e9".into();
    b2.story_id = Some("s2".into());
    let grouped = conflicts_by_story(&[a, b, a2, b2], &publishers(), &HashMap::new());
    let keys: Vec<Option<&str>> = grouped.keys().map(|k| k.as_deref()).collect();
    assert_eq!(keys, [Some("s1"), Some("s2")]);
    assert_eq!(grouped[&Some("s2".to_string())][0].what, CountRole::Killed);
}
