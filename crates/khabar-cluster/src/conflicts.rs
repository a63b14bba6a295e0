//! Conflicting claims: within one story, sources that give non-overlapping counts for the same incident.
//!
//! Precision first. Two events describe one incident only when they have the same family and
//! - the same place kb id (both set) and day-precision dates at most `max_day_gap` days apart (both set), or
//! - exactly one of place / date is unknown on both sides, the other one matching (same place kb id, or the same
//!   day), and they share an actor or a target.
//!
//! Anything else (a place on one side only, month-precision dates, nothing known) is not compared. Near-copies count
//! as one article: events of a syndicated duplicate are dropped when its original has events, otherwise the copy
//! speaks for the original. Claims by one source never conflict with each other (a toll revised by the same monitor
//! is an update, not a dispute).

use khabar_model::{Claim, Conflict, CountRange, CountRole, DatePrecision, Event};
use khabar_normalize::Normalizer;
use std::collections::{BTreeMap, HashMap, HashSet};

/// Tuning of [`find_conflicts_with`].
#[derive(Debug, Clone, PartialEq)]
pub struct ConflictConfig {
    /// Largest gap in days between two dated events of one incident at one place.
    pub max_day_gap: i64,
}

impl Default for ConflictConfig {
    fn default() -> Self {
        ConflictConfig { max_day_gap: 1 }
    }
}

/// Conflicts with the default config. `sources` maps article id to publisher, `duplicates` maps a near-copy's
/// article id to its original's. Events are compared only within the same `story_id` (events with no story id are
/// compared with each other, so a caller may pass one story's events before ids are set).
pub fn find_conflicts(
    events: &[Event],
    sources: &HashMap<String, String>,
    duplicates: &HashMap<String, String>,
) -> Vec<Conflict> {
    find_conflicts_with(events, sources, duplicates, &ConflictConfig::default())
}

/// [`find_conflicts`] grouped by the story of the disputing events (the key is the events' `story_id`), ready for
/// `Story::conflicts`.
pub fn conflicts_by_story(
    events: &[Event],
    sources: &HashMap<String, String>,
    duplicates: &HashMap<String, String>,
) -> BTreeMap<Option<String>, Vec<Conflict>> {
    let story_of_event: HashMap<&str, Option<&String>> = events
        .iter()
        .map(|e| (e.id.as_str(), e.story_id.as_ref()))
        .collect();
    let mut out: BTreeMap<Option<String>, Vec<Conflict>> = BTreeMap::new();
    for conflict in find_conflicts(events, sources, duplicates) {
        let story = conflict
            .claims
            .first()
            .and_then(|c| story_of_event.get(c.event_id.as_str()).copied().flatten())
            .cloned();
        out.entry(story).or_default().push(conflict);
    }
    out
}

/// Root of an article through the duplicate map (cycle-safe).
fn canonical_article<'a>(article: &'a str, duplicates: &'a HashMap<String, String>) -> &'a str {
    let mut current = article;
    for _ in 0..=duplicates.len() {
        match duplicates.get(current) {
            Some(next) if next != current => current = next,
            _ => break,
        }
    }
    current
}

/// Who a claim is attributed to, for display and for comparison.
struct Source {
    display: String,
    key: String,
}

/// Unnamed sources ("local sources", "مصادر محلية"): a named agency or monitor in the same attribution speaks for
/// the claim before them.
fn is_unnamed_source(source: &str) -> bool {
    let lower = source.to_lowercase();
    [
        "source",
        "sources",
        "مصادر",
        "مصدر",
        "ناشطون",
        "activists",
        "residents",
        "سكان",
        "witnesses",
        "شهود",
    ]
    .iter()
    .any(|generic| lower.split_whitespace().any(|w| w == *generic))
}

fn claim_source(
    event: &Event,
    canonical: &str,
    sources: &HashMap<String, String>,
    norm: &Normalizer,
) -> Source {
    let attributed = || {
        event
            .attributed_to
            .iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
    };
    let named = attributed()
        .find(|s| !is_unnamed_source(s))
        .or_else(|| attributed().next())
        .map(str::to_string)
        .or_else(|| {
            sources
                .get(&event.article_id)
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
        })
        .or_else(|| {
            sources
                .get(canonical)
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
        });
    match named {
        Some(display) => Source {
            key: norm.normalize(&display),
            display,
        },
        // Unknown source: each article is its own voice.
        None => Source {
            display: "unknown".into(),
            key: format!("\u{0}article:{canonical}"),
        },
    }
}

fn day_date(event: &Event) -> Option<chrono::NaiveDate> {
    match event.date_precision {
        DatePrecision::Day => event.date,
        _ => None,
    }
}

fn place_key(event: &Event) -> Option<&str> {
    event
        .place_kb_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

fn shares_participant(a: &Event, b: &Event, norm: &Normalizer) -> bool {
    let set = |v: &[String]| -> HashSet<String> {
        v.iter()
            .map(|s| norm.normalize(s.trim()))
            .filter(|s| !s.is_empty())
            .collect()
    };
    let (actors_a, actors_b) = (set(&a.actors), set(&b.actors));
    let (targets_a, targets_b) = (set(&a.targets), set(&b.targets));
    !actors_a.is_disjoint(&actors_b) || !targets_a.is_disjoint(&targets_b)
}

/// True when two events describe one incident (see the module docs).
fn same_incident(a: &Event, b: &Event, config: &ConflictConfig, norm: &Normalizer) -> bool {
    if a.family != b.family {
        return false;
    }
    let place = match (place_key(a), place_key(b)) {
        (Some(x), Some(y)) if x == y => Some(true),
        (None, None) => None,
        _ => return false,
    };
    let date_gap = match (day_date(a), day_date(b)) {
        (Some(x), Some(y)) => Some((x - y).num_days().abs()),
        (None, None) => None,
        _ => return false,
    };
    match (place, date_gap) {
        (Some(true), Some(gap)) => gap <= config.max_day_gap,
        (Some(true), None) => shares_participant(a, b, norm),
        (None, Some(gap)) => gap == 0 && shares_participant(a, b, norm),
        _ => false,
    }
}

/// Conflicts with an explicit config.
pub fn find_conflicts_with(
    events: &[Event],
    sources: &HashMap<String, String>,
    duplicates: &HashMap<String, String>,
    config: &ConflictConfig,
) -> Vec<Conflict> {
    let norm = Normalizer::for_matching();

    // Which article speaks for each family of near-copies: the original if it has events, else the first copy seen.
    let mut speaker: HashMap<&str, &str> = HashMap::new();
    for event in events {
        let canonical = canonical_article(&event.article_id, duplicates);
        let entry = speaker.entry(canonical).or_insert(event.article_id.as_str());
        if event.article_id == canonical {
            *entry = event.article_id.as_str();
        }
    }
    let kept: Vec<(&Event, &str)> = events
        .iter()
        .filter(|e| !e.counts.is_empty())
        .filter_map(|e| {
            let canonical = canonical_article(&e.article_id, duplicates);
            (speaker.get(canonical) == Some(&e.article_id.as_str())).then_some((e, canonical))
        })
        .collect();

    // Group by story.
    let mut by_story: BTreeMap<Option<&str>, Vec<usize>> = BTreeMap::new();
    for (i, (e, _)) in kept.iter().enumerate() {
        by_story.entry(e.story_id.as_deref()).or_default().push(i);
    }

    let mut conflicts = Vec::new();
    for members in by_story.values() {
        // Incidents: connected components of the same-incident relation (union-find over positions in `members`).
        let mut parent: Vec<usize> = (0..members.len()).collect();
        fn root(parent: &mut [usize], mut i: usize) -> usize {
            while parent[i] != i {
                parent[i] = parent[parent[i]];
                i = parent[i];
            }
            i
        }
        for i in 0..members.len() {
            for j in (i + 1)..members.len() {
                let (a, b) = (kept[members[i]].0, kept[members[j]].0);
                if same_incident(a, b, config, &norm) {
                    let (ri, rj) = (root(&mut parent, i), root(&mut parent, j));
                    if ri != rj {
                        parent[ri.max(rj)] = ri.min(rj);
                    }
                }
            }
        }
        let mut incidents: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for (i, &member) in members.iter().enumerate() {
            let r = root(&mut parent, i);
            incidents.entry(r).or_default().push(member);
        }
        for incident in incidents.values().filter(|v| v.len() > 1) {
            conflicts.extend(incident_conflicts(incident, &kept, sources, &norm));
        }
    }
    conflicts
}

fn incident_conflicts(
    incident: &[usize],
    kept: &[(&Event, &str)],
    sources: &HashMap<String, String>,
    norm: &Normalizer,
) -> Vec<Conflict> {
    let mut out = Vec::new();
    for role in CountRole::ALL {
        // (source key, claim) per event carrying this role; identical claims of one source kept once.
        let mut claims: Vec<(String, Claim, CountRange)> = Vec::new();
        for &i in incident {
            let (event, canonical) = kept[i];
            let Some(range) = event.counts.get(&role) else {
                continue;
            };
            let source = claim_source(event, canonical, sources, norm);
            if claims
                .iter()
                .any(|(k, c, _)| *k == source.key && c.min == range.min && c.max == range.max)
            {
                continue;
            }
            claims.push((
                source.key,
                Claim {
                    event_id: event.id.clone(),
                    min: range.min,
                    max: range.max,
                    source: source.display,
                    article_id: event.article_id.clone(),
                },
                *range,
            ));
        }
        let disputed = claims.iter().enumerate().any(|(i, (ka, _, ra))| {
            claims
                .iter()
                .skip(i + 1)
                .any(|(kb, _, rb)| ka != kb && !ra.overlaps(rb))
        });
        if !disputed {
            continue;
        }
        let events: Vec<&Event> = incident.iter().map(|&i| kept[i].0).collect();
        let place = events.iter().find_map(|e| e.place.clone());
        let date = events.iter().filter_map(|e| day_date(e)).min();
        out.push(Conflict {
            what: role,
            place,
            date,
            claims: claims.into_iter().map(|(_, c, _)| c).collect(),
        });
    }
    out
}

#[cfg(test)]
mod unnamed_source_tests {
    use super::is_unnamed_source;

    #[test]
    fn generic_sources_are_recognised_in_both_languages() {
        assert!(is_unnamed_source("local sources"));
        assert!(is_unnamed_source("مصادر محلية"));
        assert!(!is_unnamed_source("SANA"));
        assert!(!is_unnamed_source("Syrian Observatory for Human Rights"));
        assert!(!is_unnamed_source("Resources Ministry"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use khabar_model::EventFamily;

    fn event(id: &str, article: &str, killed: u64, source: &str) -> Event {
        let mut counts = BTreeMap::new();
        counts.insert(CountRole::Killed, CountRange::exact(killed));
        Event {
            id: id.into(),
            article_id: article.into(),
            family: EventFamily::Airstrike,
            date: chrono::NaiveDate::from_ymd_opt(2019, 3, 10),
            date_precision: DatePrecision::Day,
            place: Some("Baghuz".into()),
            place_kb_id: Some("gn:baghuz".into()),
            lat: None,
            lon: None,
            actors: vec!["International Coalition".into()],
            targets: vec!["civilians".into()],
            counts,
            hedged: false,
            attributed_to: if source.is_empty() {
                vec![]
            } else {
                vec![source.into()]
            },
            sentence: String::new(),
            span: [0, 0],
            story_id: Some("s1".into()),
        }
    }

    #[test]
    fn canonical_article_follows_chains_and_survives_cycles() {
        let mut d = HashMap::new();
        d.insert("c".to_string(), "b".to_string());
        d.insert("b".to_string(), "a".to_string());
        assert_eq!(canonical_article("c", &d), "a");
        d.insert("a".to_string(), "c".to_string());
        let _ = canonical_article("c", &d); // terminates
    }

    #[test]
    fn month_precision_dates_are_not_compared() {
        let a = event("e1", "x", 50, "SANA");
        let mut b = event("e2", "y", 20, "SOHR");
        b.date_precision = DatePrecision::Month;
        assert!(!same_incident(
            &a,
            &b,
            &ConflictConfig::default(),
            &Normalizer::for_matching()
        ));
    }

    #[test]
    fn same_source_revising_its_toll_is_not_a_conflict() {
        let events = vec![event("e1", "x", 20, "SOHR"), event("e2", "y", 35, "SOHR")];
        assert!(find_conflicts(&events, &HashMap::new(), &HashMap::new()).is_empty());
    }

    #[test]
    fn unknown_sources_of_different_articles_can_conflict() {
        let events = vec![event("e1", "x", 20, ""), event("e2", "y", 50, "")];
        let c = find_conflicts(&events, &HashMap::new(), &HashMap::new());
        assert_eq!(c.len(), 1);
        assert!(c[0].claims.iter().all(|cl| cl.source == "unknown"));
    }
}
