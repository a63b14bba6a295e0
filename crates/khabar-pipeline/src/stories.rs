//! Stories from the clusterer's groups: members (with near-duplicates joining their original), languages, dates,
//! places, events and conflicting claims.

use crate::run::Clusterer;
use crate::PipelineError;
use khabar_cluster::find_conflicts;
use khabar_model::{Article, EntityKind, Event, Mention, Story};
use khabar_store::SqliteStore;
use std::collections::{BTreeSet, HashMap};

/// Follows `duplicate_of` links to the original (cycle-safe).
fn root<'a>(id: &'a str, dup_of: &'a HashMap<String, String>) -> &'a str {
    let mut cur = id;
    for _ in 0..32 {
        match dup_of.get(cur) {
            Some(next) if next != cur => cur = next,
            _ => break,
        }
    }
    cur
}

/// Most frequent canonical names first, ties by first appearance.
fn ranked_places(events: &[&Event], mentions: &[&Mention], limit: usize) -> Vec<String> {
    let mut counts: HashMap<String, (usize, usize)> = HashMap::new();
    let mut order = 0usize;
    let mut bump = |name: &str, weight: usize| {
        order += 1;
        let e = counts.entry(name.to_string()).or_insert((0, order));
        e.0 += weight;
    };
    for e in events {
        if let Some(p) = &e.place {
            bump(p, 3);
        }
    }
    for m in mentions {
        if m.kind == EntityKind::Place && m.kb_id.is_some() {
            if let Some(c) = &m.canonical {
                bump(c, 1);
            }
        }
    }
    let mut ranked: Vec<(String, (usize, usize))> = counts.into_iter().collect();
    ranked.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then(a.1 .1.cmp(&b.1 .1)));
    ranked.into_iter().take(limit).map(|(n, _)| n).collect()
}

/// Builds every story from the clusterer and the store's articles, mentions and events.
pub(crate) fn build_stories(store: &SqliteStore, clusterer: &Clusterer) -> Result<Vec<Story>, PipelineError> {
    let articles = store.articles()?;
    let mentions = store.mentions()?;
    let events = store.events()?;
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
    let mut mentions_of: HashMap<&str, Vec<&Mention>> = HashMap::new();
    for m in &mentions {
        mentions_of.entry(m.article_id.as_str()).or_default().push(m);
    }
    let mut events_of: HashMap<&str, Vec<&Event>> = HashMap::new();
    for e in &events {
        events_of.entry(e.article_id.as_str()).or_default().push(e);
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
        stories.push(story_from(
            group.id.clone(),
            group.title.clone(),
            &ids,
            &by_id,
            &events_of,
            &mentions_of,
            &sources,
            &dup_of,
        ));
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
        stories.push(story_from(
            format!("s{next}"),
            a.title.clone(),
            &ids,
            &by_id,
            &events_of,
            &mentions_of,
            &sources,
            &dup_of,
        ));
    }
    Ok(stories)
}

#[allow(clippy::too_many_arguments)]
fn story_from(
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
        places: ranked_places(&story_events, &story_mentions, 8),
        event_ids: story_events.iter().map(|e| e.id.clone()).collect(),
        conflicts,
    }
}
