//! Stories from the clusterer's groups: members (with near-duplicates joining their original), languages, dates,
//! places, events and conflicting claims.

use crate::run::Clusterer;
use crate::PipelineError;
use khabar_cluster::find_conflicts;
use khabar_model::{Article, EntityKind, Event, Mention, Story};
use khabar_store::SqliteStore;
use std::collections::{BTreeSet, HashMap};

/// Follows `duplicate_of` links to the original (cycle-safe).
pub(crate) fn root<'a>(id: &'a str, dup_of: &'a HashMap<String, String>) -> &'a str {
    let mut cur = id;
    for _ in 0..32 {
        match dup_of.get(cur) {
            Some(next) if next != cur => cur = next,
            _ => break,
        }
    }
    cur
}

/// Place names weighted by how often a story's events and mentions name them, in order of first appearance.
#[derive(Default)]
struct PlaceRank {
    counts: HashMap<String, (usize, usize)>,
    order: usize,
}

impl PlaceRank {
    fn bump(&mut self, name: &str, weight: usize) {
        self.order += 1;
        let order = self.order;
        let e = self.counts.entry(name.to_string()).or_insert((0, order));
        e.0 += weight;
    }

    /// An event's place weighs three mentions.
    fn add_event(&mut self, e: &Event) {
        if let Some(p) = &e.place {
            self.bump(p, 3);
        }
    }

    /// A linked place mention counts once.
    fn add_mention(&mut self, m: &Mention) {
        if m.kind == EntityKind::Place && m.kb_id.is_some() {
            if let Some(c) = &m.canonical {
                self.bump(c, 1);
            }
        }
    }

    /// Most frequent first, ties by first appearance.
    fn top(self, limit: usize) -> Vec<String> {
        let mut ranked: Vec<(String, (usize, usize))> = self.counts.into_iter().collect();
        ranked.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then(a.1 .1.cmp(&b.1 .1)));
        ranked.into_iter().take(limit).map(|(n, _)| n).collect()
    }
}

/// Most frequent canonical names first, ties by first appearance.
fn ranked_places(events: &[&Event], mentions: &[&Mention], limit: usize) -> Vec<String> {
    let mut rank = PlaceRank::default();
    for e in events {
        rank.add_event(e);
    }
    for m in mentions {
        rank.add_mention(m);
    }
    rank.top(limit)
}

/// Places listed per story.
const STORY_PLACES: usize = 8;

/// Builds every story from the clusterer and the store. Memory stays bounded by one story's events: articles are
/// read without their bodies, and each story's events and mentions are read member by member (mentions are
/// counted, not kept), so the whole store's mentions and events are never in memory at once.
pub(crate) fn build_stories(store: &SqliteStore, clusterer: &Clusterer) -> Result<Vec<Story>, PipelineError> {
    let articles = store.article_headers()?;
    let by_id: HashMap<&str, &Article> = articles.iter().map(|a| (a.id.as_str(), a)).collect();
    let dup_of: HashMap<String, String> = articles
        .iter()
        .filter_map(|a| a.duplicate_of.clone().map(|d| (a.id.clone(), d)))
        .collect();
    let sources: HashMap<String, String> = articles
        .iter()
        .map(|a| (a.id.clone(), a.source.clone().unwrap_or_else(|| a.id.clone())))
        .collect();

    // Original → its near-copies, in ingest order.
    let mut copies: HashMap<&str, Vec<&str>> = HashMap::new();
    for a in &articles {
        if a.duplicate_of.is_some() {
            copies
                .entry(root(&a.id, &dup_of))
                .or_default()
                .push(a.id.as_str());
        }
    }

    let mut stories = Vec::new();
    let mut placed: BTreeSet<&str> = BTreeSet::new();
    for group in clusterer.stories() {
        let mut ids: Vec<&str> = Vec::new();
        for id in &group.article_ids {
            let Some(a) = by_id.get(id.as_str()) else { continue };
            if placed.insert(a.id.as_str()) {
                ids.push(a.id.as_str());
            }
            for copy in copies.get(a.id.as_str()).into_iter().flatten() {
                if placed.insert(copy) {
                    ids.push(copy);
                }
            }
        }
        if ids.is_empty() {
            continue;
        }
        stories.push(story_from_store(
            store,
            group.id.clone(),
            group.title.clone(),
            &ids,
            &by_id,
            &sources,
            &dup_of,
        )?);
    }
    // Articles the clusterer never saw (a duplicate whose original was dropped): a story of their own.
    let mut next = stories.len() + 1;
    for a in &articles {
        if placed.contains(a.id.as_str()) {
            continue;
        }
        placed.insert(a.id.as_str());
        while stories.iter().any(|s: &Story| s.id == format!("s{next}")) {
            next += 1;
        }
        let ids = [a.id.as_str()];
        stories.push(story_from_store(
            store,
            format!("s{next}"),
            a.title.clone(),
            &ids,
            &by_id,
            &sources,
            &dup_of,
        )?);
    }
    Ok(stories)
}

/// [`story_from`] reading the members' events and mentions from the store one article at a time.
fn story_from_store(
    store: &SqliteStore,
    id: String,
    title: Option<String>,
    ids: &[&str],
    by_id: &HashMap<&str, &Article>,
    sources: &HashMap<String, String>,
    dup_of: &HashMap<String, String>,
) -> Result<Story, PipelineError> {
    let members: Vec<&Article> = ids.iter().filter_map(|i| by_id.get(i).copied()).collect();
    let langs: BTreeSet<String> = members.iter().map(|a| a.lang.clone()).collect();
    let dates: Vec<_> = members.iter().filter_map(|a| a.published).collect();
    let mut events: Vec<Event> = Vec::new();
    for i in ids {
        events.extend(store.events_of(i)?);
    }
    // Events count before mentions (first appearance breaks ties), as in `ranked_places`.
    let mut rank = PlaceRank::default();
    for e in &events {
        rank.add_event(e);
    }
    for i in ids {
        for m in store.mentions_of(i)? {
            rank.add_mention(&m);
        }
    }
    let conflicts = find_conflicts(&events, sources, dup_of);
    let title = title.or_else(|| members.iter().find_map(|a| a.title.clone()));
    Ok(Story {
        id,
        title,
        article_ids: ids.iter().map(|s| s.to_string()).collect(),
        langs: langs.into_iter().collect(),
        first_published: dates.iter().min().copied(),
        last_published: dates.iter().max().copied(),
        places: rank.top(STORY_PLACES),
        event_ids: events.into_iter().map(|e| e.id).collect(),
        conflicts,
    })
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn story_from(
    id: String,
    title: Option<String>,
    ids: &[&str],
    by_id: &HashMap<&str, &Article>,
    events_of: &HashMap<&str, Vec<&Event>>,
    mentions_of: &HashMap<&str, Vec<&Mention>>,
    sources: &HashMap<String, String>,
    dup_of: &HashMap<String, String>,
) -> Story {
    let members: Vec<&Article> = ids.iter().filter_map(|i| by_id.get(i).copied()).collect();
    let langs: BTreeSet<String> = members.iter().map(|a| a.lang.clone()).collect();
    let dates: Vec<_> = members.iter().filter_map(|a| a.published).collect();
    let story_events: Vec<&Event> = ids
        .iter()
        .flat_map(|i| events_of.get(i).into_iter().flatten().copied())
        .collect();
    let story_mentions: Vec<&Mention> = ids
        .iter()
        .flat_map(|i| mentions_of.get(i).into_iter().flatten().copied())
        .collect();
    let owned_events: Vec<Event> = story_events.iter().map(|e| (*e).clone()).collect();
    let conflicts = find_conflicts(&owned_events, sources, dup_of);
    let title = title.or_else(|| members.iter().find_map(|a| a.title.clone()));
    Story {
        id,
        title,
        article_ids: ids.iter().map(|s| s.to_string()).collect(),
        langs: langs.into_iter().collect(),
        first_published: dates.iter().min().copied(),
        last_published: dates.iter().max().copied(),
        places: ranked_places(&story_events, &story_mentions, STORY_PLACES),
        event_ids: story_events.iter().map(|e| e.id.clone()).collect(),
        conflicts,
    }
}
