//! Server-rendered pages (maud escapes every interpolated string) and the two embedded static files.

use crate::api::{load_story, sort_stories_newest_first, EventFilter, Params, StoryView};
use crate::map::project;
use crate::text::{is_rtl, marked_paragraphs, range_label, snippet_pieces, Paragraph, Piece};
use crate::{ApiError, AppState};
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use khabar_model::{Article, Event, Story};
use maud::{html, Markup, DOCTYPE};
use std::collections::{BTreeMap, HashMap, HashSet};

const APP_JS: &str = include_str!("../static/app.js");
const STYLE_CSS: &str = include_str!("../static/style.css");
/// Rows of the map page's event table.
const MAP_TABLE_ROWS: usize = 500;
/// Stories per page of the list.
const STORIES_PER_PAGE: usize = 50;

/// The page frame: header with navigation and search box, then `body`.
pub(crate) fn layout(title: &str, active: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · khabar" }
                link rel="stylesheet" href="/static/style.css";
                script src="/static/app.js" defer {}
            }
            body {
                header.top {
                    a.brand href="/" { "khabar" }
                    nav {
                        a.active[active == "stories"] href="/" { "Stories" }
                        a.active[active == "map"] href="/map" { "Map & timeline" }
                        a.active[active == "docs"] href="/api/docs" { "API" }
                    }
                    form.search action="/search" method="get" role="search" {
                        input type="search" name="q" placeholder="Search Arabic and English…" aria-label="Search";
                        button type="submit" { "Search" }
                    }
                }
                main { (body) }
            }
        }
    }
}

fn page(title: &str, active: &str, body: Markup) -> Html<String> {
    Html(layout(title, active, body).into_string())
}

fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

fn lang_badges(langs: &[String]) -> Markup {
    html! { @for l in langs { span.badge.lang title="language" { (l) } " " } }
}

fn date_label(e: &Event) -> String {
    match (e.date, e.date_precision) {
        (None, _) | (_, khabar_model::DatePrecision::Unknown) => "date unknown".into(),
        (Some(d), khabar_model::DatePrecision::Year) => d.format("%Y").to_string(),
        (Some(d), khabar_model::DatePrecision::Month) => d.format("%Y-%m").to_string(),
        (Some(d), khabar_model::DatePrecision::Day) => d.format("%Y-%m-%d").to_string(),
    }
}

fn counts_label(e: &Event) -> String {
    e.counts
        .iter()
        .map(|(role, r)| format!("{} {}", range_label(r.min, r.max), role.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Who a claim is credited to: the sources the sentence names, else the publisher.
fn claim_source(e: &Event, articles: &HashMap<&str, &Article>) -> String {
    if !e.attributed_to.is_empty() {
        return e.attributed_to.join(", ");
    }
    articles
        .get(e.article_id.as_str())
        .and_then(|a| a.source.clone())
        .unwrap_or_else(|| "unattributed".into())
}

// ---------------------------------------------------------------------------------------------- story list

pub(crate) async fn story_list(
    State(state): State<AppState>,
    params: Params,
) -> Result<Html<String>, ApiError> {
    params.only(&["page"])?;
    let page_no = params.number("page", 1, 1_000_000)?.max(1);
    let mut stories = state.read(|store| Ok(store.stories()?)).await?;
    sort_stories_newest_first(&mut stories);
    let total = stories.len();
    let start = (page_no - 1).saturating_mul(STORIES_PER_PAGE).min(total);
    let shown = stories
        .get(start..(start + STORIES_PER_PAGE).min(total))
        .unwrap_or(&[]);
    let body = html! {
        h1 { "Stories" }
        p.muted { (total) " stories, newest first. Each groups the Arabic and English reports of one development." }
        @if stories.is_empty() {
            p.empty { "No stories yet. Ingest articles with " code { "khabar ingest" } " or POST /api/articles." }
        }
        ol.stories {
            @for s in shown { (story_card(s)) }
        }
        nav.pager {
            @if page_no > 1 { a rel="prev" href={ "/?page=" (page_no - 1) } { "← newer" } }
            @if start + STORIES_PER_PAGE < total { a rel="next" href={ "/?page=" (page_no + 1) } { "older →" } }
        }
    };
    Ok(page("Stories", "stories", body))
}

fn story_card(s: &Story) -> Markup {
    let dates = match (s.first_published, s.last_published) {
        (Some(a), Some(b)) if a != b => format!("{a} – {b}"),
        (Some(a), _) | (None, Some(a)) => a.to_string(),
        (None, None) => "undated".into(),
    };
    html! {
        li.story data-story=(s.id) {
            a.title href={ "/stories/" (s.id) } dir="auto" { (s.title.as_deref().unwrap_or("(untitled)")) }
            @if !s.conflicts.is_empty() {
                " " span.badge.conflict title="sources disagree about a count" { "sources disagree" }
            }
            div.meta {
                span.dates { (dates) } " · "
                (lang_badges(&s.langs))
                span { (plural(s.article_ids.len(), "article")) } " · "
                span.events { (plural(s.event_ids.len(), "event")) }
                @if !s.places.is_empty() { " · " span.places dir="auto" { (s.places.join(", ")) } }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------- story page

pub(crate) async fn story_page(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Html<String>, ApiError> {
    let view = state.read(move |store| load_story(store, &id)).await?;
    let world = state.inner.world.as_ref();
    let StoryView {
        story,
        articles,
        events,
    } = &view;
    let by_id: HashMap<&str, &Article> = articles.iter().map(|a| (a.id.as_str(), a)).collect();
    let mut by_lang: BTreeMap<String, Vec<&Article>> = BTreeMap::new();
    for a in articles {
        by_lang.entry(a.lang.clone()).or_default().push(a);
    }
    let body = html! {
        h1 dir="auto" { (story.title.as_deref().unwrap_or("(untitled story)")) }
        p.meta {
            (lang_badges(&story.langs))
            (plural(articles.len(), "article")) " · " (plural(events.len(), "event"))
            @if !story.places.is_empty() { " · " span dir="auto" { (story.places.join(", ")) } }
        }
        (claims_table(story, events, &by_id))
        div.split {
            section.timeline-box { h2 { "Timeline (event dates)" } (timeline(events, &by_id)) }
            section.map-box { h2 { "Map" } (map_svg(world, events)) }
        }
        h2 { "Articles" }
        div.columns {
            @for (lang, list) in &by_lang {
                section.column data-lang=(lang) {
                    h3.column-head { (lang_name(lang)) " (" (list.len()) ")" }
                    @for a in list { (article_block(a, events, true)) }
                }
            }
        }
    };
    Ok(page(story.title.as_deref().unwrap_or("Story"), "stories", body))
}

fn lang_name(code: &str) -> String {
    match code {
        "ar" => "Arabic".into(),
        "en" => "English".into(),
        "fr" => "French".into(),
        other => other.to_string(),
    }
}

/// Every count claimed in the story, by source; rows of disputed counts are flagged.
fn claims_table(story: &Story, events: &[Event], articles: &HashMap<&str, &Article>) -> Markup {
    let disputed: HashSet<&str> = story
        .conflicts
        .iter()
        .flat_map(|c| c.claims.iter().map(|cl| cl.event_id.as_str()))
        .collect();
    let rows: Vec<&Event> = events.iter().filter(|e| !e.counts.is_empty()).collect();
    html! {
        section.claims {
            h2 { "Claims by source" }
            @if !story.conflicts.is_empty() {
                div.disagreements {
                    @for c in &story.conflicts {
                        p.conflict-line {
                            span.badge.conflict { "disagreement" } " "
                            strong { (c.what.as_str()) }
                            @if let Some(p) = &c.place { " in " span dir="auto" { (p) } }
                            @if let Some(d) = c.date { " on " (d.to_string()) }
                            ": "
                            @for (i, cl) in c.claims.iter().enumerate() {
                                @if i > 0 { " vs " }
                                a href={ "#ev-" (cl.event_id) } data-event=(cl.event_id) {
                                    strong { (range_label(cl.min, cl.max)) } " per " span dir="auto" { (cl.source) }
                                }
                            }
                        }
                    }
                }
            }
            @if rows.is_empty() {
                p.muted { "No counts claimed in this story." }
            } @else {
                table.claims-table {
                    thead { tr { th { "source" } th { "claim" } th { "event" } th { "event date" } th { "place" } th { "article" } } }
                    tbody {
                        @for e in &rows {
                            @let a = articles.get(e.article_id.as_str());
                            tr.disputed[disputed.contains(e.id.as_str())] {
                                td dir="auto" { (claim_source(e, articles)) @if e.hedged { " " span.badge.hedged title="reported as a claim" { "claimed" } } }
                                td { strong { (counts_label(e)) } }
                                td { a href={ "#ev-" (e.id) } data-event=(e.id) { (e.family.as_str()) } }
                                td { (date_label(e)) }
                                td dir="auto" { (e.place.as_deref().unwrap_or("—")) }
                                td { @if let Some(a) = a {
                                    span.badge.lang { (a.lang) } " " span dir="auto" { (a.source.as_deref().unwrap_or(a.id.as_str())) }
                                } }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn timeline(events: &[Event], articles: &HashMap<&str, &Article>) -> Markup {
    let mut groups: Vec<(String, Vec<&Event>)> = Vec::new();
    for e in events {
        let label = date_label(e);
        match groups.last_mut() {
            Some((l, list)) if *l == label => list.push(e),
            _ => groups.push((label, vec![e])),
        }
    }
    html! {
        @if events.is_empty() { p.muted { "No events." } }
        ol.timeline {
            @for (label, list) in &groups {
                li {
                    time { (label) }
                    ul {
                        @for e in list {
                            li.tl-event {
                                a href={ "#ev-" (e.id) } data-event=(e.id) { span.badge.family { (e.family.as_str()) } }
                                " "
                                @if let Some(p) = &e.place { span dir="auto" { (p) } " " }
                                @let c = counts_label(e);
                                @if !c.is_empty() { span.count { (c) } " " }
                                span.muted dir="auto" { "— " (claim_source(e, articles)) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The evidence marks of one article's events.
fn article_block(a: &Article, events: &[Event], link: bool) -> Markup {
    let spans: Vec<(String, [usize; 2])> = events
        .iter()
        .filter(|e| e.article_id == a.id)
        .map(|e| (e.id.clone(), e.span))
        .collect();
    let paragraphs = marked_paragraphs(&a.text, &spans);
    let rtl = is_rtl(&a.lang);
    let dir = if rtl { "rtl" } else { "ltr" };
    html! {
        article.doc.rtl[rtl] id={ "art-" (a.id) } lang=(a.lang) dir=(dir) {
            h4.doc-title { (a.title.as_deref().unwrap_or("(untitled)")) }
            p.doc-meta {
                @if let Some(s) = &a.source { span.source { (s) } " · " }
                (a.published.map(|d| d.to_string()).unwrap_or_else(|| "undated".into()))
                @if a.duplicate_of.is_some() { " · " span.badge { "near-duplicate" } }
                @if link { " · " a href={ "/articles/" (a.id) } { "article page" } }
                @if let Some(u) = &a.url { " · " a href=(u) rel="noopener noreferrer nofollow" { "source" } }
            }
            (paragraphs_markup(&paragraphs, &a.lang, dir))
        }
    }
}

fn paragraphs_markup(paragraphs: &[Paragraph], lang: &str, dir: &str) -> Markup {
    let mut seen: HashSet<String> = HashSet::new();
    html! {
        @for p in paragraphs {
            p lang=(lang) dir=(dir) {
                @for piece in p {
                    @if piece.marks.is_empty() {
                        (piece.text)
                    } @else {
                        @let first = piece.marks.iter().find(|m| seen.insert((*m).clone()));
                        mark data-event=(piece.marks.join(" ")) id=[first.map(|m| format!("ev-{m}"))] { (piece.text) }
                    }
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------- article page

pub(crate) async fn article_page(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Html<String>, ApiError> {
    let (article, mut events) = state
        .read(move |store| {
            let a = store.article(&id)?.ok_or(ApiError::NotFound {
                what: "article",
                id: id.clone(),
            })?;
            Ok((a, store.events_of(&id)?))
        })
        .await?;
    crate::api::sort_events_by_date(&mut events);
    let map: HashMap<&str, &Article> = [(article.id.as_str(), &article)].into_iter().collect();
    let body = html! {
        @if let Some(s) = &article.story_id { p { a href={ "/stories/" (s) } { "← story " (s) } } }
        (timeline(&events, &map))
        (article_block(&article, &events, false))
    };
    Ok(page(
        article.title.as_deref().unwrap_or("Article"),
        "stories",
        body,
    ))
}

// ---------------------------------------------------------------------------------------------- map

/// An SVG map of the events with coordinates, over the world shapes when installed.
fn map_svg(world: Result<&crate::map::WorldMap, &String>, events: &[Event]) -> Markup {
    let points: Vec<(&Event, f64, f64)> = events
        .iter()
        .filter_map(|e| match (e.lat, e.lon) {
            (Some(lat), Some(lon)) if lat.is_finite() && lon.is_finite() => {
                let (x, y) = project(lon, lat);
                Some((e, x, y))
            }
            _ => None,
        })
        .collect();
    let (mut x0, mut y0, mut x1, mut y1) = (0.0f64, 6.0f64, 360.0f64, 150.0f64);
    if !points.is_empty() {
        x0 = points.iter().map(|p| p.1).fold(f64::MAX, f64::min);
        x1 = points.iter().map(|p| p.1).fold(f64::MIN, f64::max);
        y0 = points.iter().map(|p| p.2).fold(f64::MAX, f64::min);
        y1 = points.iter().map(|p| p.2).fold(f64::MIN, f64::max);
        // At least 24° wide, padded, 3:2.
        let w = ((x1 - x0) * 1.4).max(24.0);
        let h = ((y1 - y0) * 1.4).max(w * 2.0 / 3.0);
        let w = w.max(h * 1.5);
        let (cx, cy) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
        (x0, x1, y0, y1) = (cx - w / 2.0, cx + w / 2.0, cy - h / 2.0, cy + h / 2.0);
    }
    let groups = point_groups(&points);
    let vb = format!("{:.2} {:.2} {:.2} {:.2}", x0, y0, x1 - x0, y1 - y0);
    let r = ((x1 - x0) / 90.0).max(0.15);
    let missing = events.len() - points.len();
    html! {
        figure.map {
            svg.world viewBox=(vb) xmlns="http://www.w3.org/2000/svg" role="img" aria-label="map of event places" preserveAspectRatio="xMidYMid meet" {
                rect.sea x="-360" y="-180" width="1080" height="540" {}
                @if let Ok(w) = world {
                    g.land {
                        @for s in &w.shapes {
                            path d=(s.path) { @if let Some(n) = &s.name { title { (n) } } }
                        }
                    }
                } @else {
                    g.graticule {
                        @for lon in (0..=360).step_by(10) { line x1=(lon) y1="0" x2=(lon) y2="180" {} }
                        @for lat in (0..=180).step_by(10) { line x1="0" y1=(lat) x2="360" y2=(lat) {} }
                    }
                }
                g.points {
                    @for g in &groups {
                        a href=(g.href) {
                            circle.point cx=(format!("{:.3}", g.x)) cy=(format!("{:.3}", g.y))
                                r=(format!("{:.3}", r * (g.events.len() as f64).sqrt().min(4.0)))
                                data-tip=(g.tip) data-events=(g.events.len()) {
                                title { (g.tip) }
                            }
                        }
                    }
                }
            }
            figcaption.muted {
                (plural(points.len(), "event")) " with coordinates at " (plural(groups.len(), "place"))
                @if missing > 0 { ", " (missing) " without" }
                "."
                @if let Err(msg) = world { " " span.warn { "World outline unavailable: " (msg) } }
            }
        }
    }
}

/// Events at one map position (rounded to 0.01°), drawn as one point.
struct PointGroup<'a> {
    x: f64,
    y: f64,
    events: Vec<&'a Event>,
    tip: String,
    href: String,
}

fn event_tip(e: &Event) -> String {
    let c = counts_label(e);
    format!(
        "{} · {} · {}{}",
        date_label(e),
        e.family.as_str(),
        e.place.as_deref().unwrap_or("?"),
        if c.is_empty() {
            String::new()
        } else {
            format!(" · {c}")
        }
    )
}

/// Groups events by position; a group links to its story when it has one, else to the map filtered by place.
fn point_groups<'a>(points: &[(&'a Event, f64, f64)]) -> Vec<PointGroup<'a>> {
    let mut index: HashMap<(i64, i64), usize> = HashMap::new();
    let mut groups: Vec<PointGroup<'a>> = Vec::new();
    for (e, x, y) in points {
        let key = ((x * 100.0).round() as i64, (y * 100.0).round() as i64);
        match index.get(&key) {
            Some(&i) => {
                if let Some(g) = groups.get_mut(i) {
                    g.events.push(e);
                }
            }
            None => {
                index.insert(key, groups.len());
                groups.push(PointGroup {
                    x: *x,
                    y: *y,
                    events: vec![e],
                    tip: String::new(),
                    href: String::new(),
                });
            }
        }
    }
    // Big groups first, so smaller ones nearby are drawn on top and stay clickable.
    groups.sort_by_key(|g| std::cmp::Reverse(g.events.len()));
    for g in &mut groups {
        let Some(first) = g.events.first() else { continue };
        let stories: HashSet<&str> = g.events.iter().filter_map(|e| e.story_id.as_deref()).collect();
        g.href = match (stories.len(), first.story_id.as_deref(), g.events.len()) {
            (1, Some(s), 1) => format!("/stories/{s}#ev-{}", first.id),
            (1, Some(s), _) => format!("/stories/{s}"),
            _ => format!(
                "/map?{}",
                serde_urlencoded::to_string([("place", first.place.clone().unwrap_or_default())])
                    .unwrap_or_default()
            ),
        };
        g.tip = if g.events.len() == 1 {
            event_tip(first)
        } else {
            let shown: Vec<String> = g.events.iter().take(5).map(|e| event_tip(e)).collect();
            let more = g.events.len().saturating_sub(5);
            format!(
                "{}: {} events — {}{}",
                first.place.as_deref().unwrap_or("?"),
                g.events.len(),
                shown.join("; "),
                if more > 0 {
                    format!("; and {more} more")
                } else {
                    String::new()
                }
            )
        };
    }
    groups
}

pub(crate) async fn map_page(
    State(state): State<AppState>,
    params: Params,
) -> Result<Html<String>, ApiError> {
    params.only(&crate::api::EVENT_PARAMS)?;
    let filter = EventFilter::parse(&params)?;
    let (events, articles) = state
        .read(move |store| {
            let events = filter.apply(store)?;
            // Publisher names only for the rows shown.
            let ids: HashSet<String> = events
                .iter()
                .take(MAP_TABLE_ROWS)
                .map(|e| e.article_id.clone())
                .collect();
            let mut articles = Vec::new();
            for id in ids {
                if let Some(a) = store.article(&id)? {
                    articles.push(a);
                }
            }
            Ok((events, articles))
        })
        .await?;
    let by_id: HashMap<&str, &Article> = articles.iter().map(|a| (a.id.as_str(), a)).collect();
    let world = state.inner.world.as_ref();
    let body = html! {
        h1 { "Events: map and timeline" }
        form.filters action="/map" method="get" {
            label { "from " input type="date" name="from" value=[params.get("from")]; }
            label { "to " input type="date" name="to" value=[params.get("to")]; }
            label { "family "
                select name="family" {
                    option value="" { "any" }
                    @for f in khabar_model::EventFamily::ALL {
                        option value=(f.as_str()) selected[params.get("family") == Some(f.as_str())] { (f.as_str()) }
                    }
                }
            }
            label { "place " input type="text" name="place" value=[params.get("place")]; }
            button type="submit" { "Filter" }
        }
        (map_svg(world, &events))
        h2 { "Timeline by event date" }
        @if events.len() > MAP_TABLE_ROWS {
            p.muted { "The first " (MAP_TABLE_ROWS) " of " (events.len()) " events; narrow the filters or use "
                a href="/api/events" { "/api/events" } " for all." }
        }
        (timeline_linked(events.get(..MAP_TABLE_ROWS.min(events.len())).unwrap_or(&[]), &by_id))
    };
    Ok(page("Map", "map", body))
}

/// The timeline of the map page: events link to their story page.
fn timeline_linked(events: &[Event], articles: &HashMap<&str, &Article>) -> Markup {
    html! {
        @if events.is_empty() { p.muted { "No events match." } }
        table.events-table {
            thead { tr { th { "event date" } th { "family" } th { "place" } th { "counts" } th { "source" } th { "story" } } }
            tbody {
                @for e in events {
                    tr {
                        td { (date_label(e)) }
                        td { span.badge.family { (e.family.as_str()) } }
                        td dir="auto" { (e.place.as_deref().unwrap_or("—")) }
                        td { (counts_label(e)) }
                        td dir="auto" { (claim_source(e, articles)) }
                        td { @if let Some(s) = &e.story_id { a href={ "/stories/" (s) "#ev-" (e.id) } { (s) } } }
                    }
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------- search

pub(crate) async fn search_page(State(state): State<AppState>, params: Params) -> Result<Response, ApiError> {
    params.only(&["q", "limit"])?;
    let q = params.get("q").unwrap_or("").to_string();
    let limit = params.number("limit", 30, 100)?.max(1);
    if q.is_empty() {
        let body =
            html! { h1 { "Search" } p.muted { "Type a query in Arabic or English in the box above." } };
        return Ok(page("Search", "", body).into_response());
    }
    let hits = match crate::api::run_search(&state, q.clone(), limit).await {
        Ok(h) => Ok(h),
        Err(ApiError::Unavailable(m)) => Err(m),
        Err(e) => return Err(e),
    };
    let ids: Vec<String> = hits
        .as_ref()
        .map(|h| {
            h.iter()
                .filter_map(|v| v.get("article_id").and_then(|x| x.as_str()).map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let articles: HashMap<String, Article> = state
        .read(move |store| {
            let mut out = HashMap::new();
            for id in ids {
                if let Some(a) = store.article(&id)? {
                    out.insert(id, a);
                }
            }
            Ok(out)
        })
        .await?;
    let body = html! {
        h1 { "Search: " span dir="auto" { (q) } }
        @match &hits {
            Err(msg) => { p.warn { (msg) } },
            Ok(hits) => {
                p.muted { (hits.len()) " results" }
                ol.hits {
                    @for h in hits {
                        @let id = h.get("article_id").and_then(|x| x.as_str()).unwrap_or("");
                        @let a = articles.get(id);
                        @let lang = a.map(|a| a.lang.as_str()).or_else(|| h.get("lang").and_then(|x| x.as_str())).unwrap_or("und");
                        @let snippet = h.get("snippet").and_then(|x| x.as_str()).map(str::to_string)
                            .or_else(|| a.map(|a| a.text.chars().take(280).collect())).unwrap_or_default();
                        li.hit lang=(lang) dir=(if is_rtl(lang) { "rtl" } else { "ltr" }) {
                            a href={ "/articles/" (id) } { (a.and_then(|a| a.title.as_deref()).unwrap_or(id)) }
                            " " span.badge.lang { (lang) }
                            @if let Some(s) = a.and_then(|a| a.story_id.as_deref()) { " " a.muted href={ "/stories/" (s) } { "story " (s) } }
                            p.snippet { (pieces(&snippet_pieces(&snippet, &q))) }
                        }
                    }
                }
            }
        }
    };
    Ok(page("Search", "", body).into_response())
}

fn pieces(ps: &[Piece]) -> Markup {
    html! { @for p in ps { @if p.marks.is_empty() { (p.text) } @else { mark { (p.text) } } } }
}

// ---------------------------------------------------------------------------------------------- static

pub(crate) async fn static_file(Path(name): Path<String>) -> Result<Response, ApiError> {
    let (body, ty) = match name.as_str() {
        "app.js" => (APP_JS, "text/javascript; charset=utf-8"),
        "style.css" => (STYLE_CSS, "text/css; charset=utf-8"),
        _ => {
            return Err(ApiError::NotFound {
                what: "static file",
                id: name,
            })
        }
    };
    Ok((
        [(header::CONTENT_TYPE, ty), (header::CACHE_CONTROL, "no-cache")],
        body,
    )
        .into_response())
}

// ---------------------------------------------------------------------------------------------- errors

/// Turns a JSON error response into an HTML page with the same status and message.
pub(crate) async fn error_page(res: Response) -> Response {
    let (parts, body) = res.into_parts();
    let bytes = axum::body::to_bytes(body, 64 * 1024).await.unwrap_or_default();
    let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
    let message = v["error"]["message"].as_str().unwrap_or("error").to_string();
    let status = parts.status;
    let title = format!(
        "{} {}",
        status.as_u16(),
        status.canonical_reason().unwrap_or("error")
    );
    let body = html! {
        h1 { (title) }
        p.warn { (message) }
        p { a href="/" { "← all stories" } }
    };
    let mut out = page(&title, "", body).into_response();
    *out.status_mut() = status;
    if let Some(allow) = parts.headers.get(header::ALLOW) {
        out.headers_mut().insert(header::ALLOW, allow.clone());
    }
    out
}
