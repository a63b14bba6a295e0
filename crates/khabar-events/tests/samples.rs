//! Real behaviour on the sample articles (found by `khabar-testdata`).

use chrono::NaiveDate;
use khabar_events::EventExtractor;
use khabar_model::{Article, CountRange, CountRole, DatePrecision, Event, EventFamily};
use std::path::PathBuf;

fn samples_dir() -> Option<PathBuf> {
    let dir = khabar_testdata::samples_dir();
    if dir.is_none() {
        eprintln!("samples not found (set KHABAR_SAMPLES); skipping");
    }
    dir
}

fn events_of(file: &str, lang: &str, published: Option<&str>) -> Option<(String, Vec<Event>)> {
    let dir = samples_dir()?;
    let text = std::fs::read_to_string(dir.join(file)).expect("sample readable");
    let article = Article {
        id: file.into(),
        source_path: file.into(),
        url: None,
        source: None,
        title: None,
        published: published.map(|p| NaiveDate::parse_from_str(p, "%Y-%m-%d").expect("date")),
        author: None,
        lang: lang.into(),
        text: text.clone(),
        removed: vec![],
        duplicate_of: None,
        story_id: None,
        content_hash: String::new(),
    };
    let events = EventExtractor::new().expect("rules").extract(&article, &[]);
    Some((text, events))
}

fn find<'a>(events: &'a [Event], family: EventFamily, needle: &str) -> &'a Event {
    events
        .iter()
        .find(|e| e.family == family && e.sentence.contains(needle))
        .unwrap_or_else(|| panic!("no {family:?} event on a sentence with {needle:?}: {events:#?}"))
}

fn day(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

#[test]
fn sample_004_coalition_massacre_and_idlib_shelling() {
    let Some((text, events)) = events_of("004_ea737063e230775b.txt", "ar", Some("2019-03-12")) else {
        return;
    };
    let e = find(&events, EventFamily::Airstrike, "راح ضحيتها 50");
    assert_eq!(e.counts.get(&CountRole::Killed), Some(&CountRange::exact(50)));
    assert_eq!(e.targets, vec!["civilians".to_string()]);
    assert_eq!(
        (e.date, e.date_precision),
        (day("2019-03-10"), DatePrecision::Day)
    );
    assert!(
        e.attributed_to.iter().any(|a| a == "SANA"),
        "{:?}",
        e.attributed_to
    );
    assert!(
        e.attributed_to.iter().any(|a| a == "local sources"),
        "{:?}",
        e.attributed_to
    );
    assert!(e.hedged, "relayed from local sources through SANA");
    assert!(
        e.actors.iter().any(|a| a == "International Coalition"),
        "{:?}",
        e.actors
    );
    // The evidence span points at the sentence in the text.
    let chars: Vec<char> = text.chars().collect();
    assert_eq!(chars[e.span[0]..e.span[1]].iter().collect::<String>(), e.sentence);

    let idlib = find(&events, EventFamily::Shelling, "قتل 4 مدنيين");
    assert_eq!(idlib.counts.get(&CountRole::Killed), Some(&CountRange::exact(4)));
    assert_eq!(idlib.counts.get(&CountRole::Wounded), Some(&CountRange::exact(6)));

    // The page furniture ("3/12/2019", "00:00", "4", "0") yields no counts.
    for e in &events {
        assert!(
            e.sentence.chars().count() > 20,
            "furniture became an event: {e:?}"
        );
        for c in e.counts.values() {
            assert_ne!(c.min, Some(2019));
            assert_ne!(c.min, Some(0));
        }
    }
}

#[test]
fn sample_003_evacuation_surrender_and_foiled_escape() {
    let Some((_, events)) = events_of("003_8f6554c1735d4e29.txt", "ar", Some("2019-02-06")) else {
        return;
    };
    let evac = find(&events, EventFamily::Displacement, "أكثر من 2000 مسلح");
    assert_eq!(
        evac.counts.get(&CountRole::Evacuated),
        Some(&CountRange {
            min: Some(2001),
            max: None
        })
    );
    assert_eq!(evac.date, day("2019-02-06"));

    let surrender = find(&events, EventFamily::Surrender, "نحو ألفي مسلح");
    assert_eq!(
        surrender.counts.get(&CountRole::Surrendered),
        Some(&CountRange::exact(2000))
    );
    assert_eq!(surrender.date, day("2019-02-06"));
    assert!(
        surrender.attributed_to.iter().any(|a| a == "Reuters"),
        "{:?}",
        surrender.attributed_to
    );

    let foiled = find(&events, EventFamily::Arrest, "أحبطت محاولة فرار 400 مقاتل");
    assert_eq!(
        foiled.counts.get(&CountRole::Arrested),
        Some(&CountRange::exact(400))
    );
    assert!(foiled
        .attributed_to
        .iter()
        .any(|a| a == "Syrian Democratic Forces"));

    // "Hawar: fierce battles since last Saturday" → Saturday 2 February.
    let battle = find(&events, EventFamily::Battle, "منذ يوم السبت الماضي");
    assert_eq!(battle.date, day("2019-02-02"));

    // "700 متر مربع", "24 ساعة", "47 ألف شخص حتى 24 من الشهر" are not counts.
    for e in &events {
        for c in e.counts.values() {
            assert!(!matches!(c.min, Some(700) | Some(24) | Some(47000)), "{e:?}");
        }
    }
}

#[test]
fn sample_002_leavers_counted_background_toll_dropped() {
    let Some((_, events)) = events_of("002_afe46e73b73918ef.txt", "en", None) else {
        return;
    };
    let left = find(
        &events,
        EventFamily::Displacement,
        "more than 7,000 people have left",
    );
    let c = left
        .counts
        .get(&CountRole::Displaced)
        .copied()
        .expect("displaced count");
    assert!(
        matches!(c.min, Some(7000) | Some(7001)) && c.max.is_none(),
        "{c:?}"
    );
    assert!(left.hedged && left.attributed_to.iter().any(|a| a == "Syrian Democratic Forces"));
    // No publication date: "since Sunday" cannot be placed, and no year is invented.
    assert_eq!((left.date, left.date_precision), (None, DatePrecision::Unknown));
    assert!(
        events.iter().all(|e| !e.sentence.contains("360,000")),
        "background toll became an event"
    );
    assert!(
        events
            .iter()
            .all(|e| e.counts.values().all(|c| c.min != Some(1000))),
        "1,000-strong troops are not a count"
    );

    // With a publication date (Friday 8 March 2019) "since Sunday" is 3 March.
    let Some((_, dated)) = events_of("002_afe46e73b73918ef.txt", "en", Some("2019-03-08")) else {
        return;
    };
    let left = find(
        &dated,
        EventFamily::Displacement,
        "more than 7,000 people have left",
    );
    assert_eq!(left.date, day("2019-03-03"));
}

#[test]
fn sample_001_control_announcement_and_detained_fighters() {
    let Some((_, events)) = events_of("001_304fbf79cd7fc7b7.txt", "ar", Some("2019-03-24")) else {
        return;
    };
    let held = find(&events, EventFamily::Arrest, "احتجزت المئات");
    assert_eq!(
        held.counts.get(&CountRole::Arrested),
        Some(&CountRange {
            min: Some(100),
            max: Some(999)
        })
    );
    assert!(held.targets.contains(&"fighters".to_string()));
    // The headline, the lead and the SDF's quote all tell one capture: one event, on a sentence naming the camp.
    find(&events, EventFamily::Territory, "على مخيم الباغوز");
    let captures = events
        .iter()
        .filter(|e| e.family == EventFamily::Territory)
        .count();
    assert_eq!(captures, 1, "{events:#?}");
}

#[test]
fn sample_000_monday_night_claim() {
    let Some((_, events)) = events_of("000_bb25a827665d689f.txt", "en", Some("2019-03-12")) else {
        return;
    };
    let e = find(&events, EventFamily::Territory, "several sites have been seized");
    assert_eq!(e.date, day("2019-03-11"));
    assert!(e.hedged, "“claimed” hedges it");
    assert!(
        events
            .iter()
            .all(|e| !e.sentence.starts_with("Late last January")),
        "a prediction became an event"
    );
}
