//! Scale-out mode: PostgreSQL (+ pgvector) as the shared store and NATS JetStream as the work queue.
//!
//! [`publish`] reads inputs and puts every raw document on the bus. [`run_worker`] processes run the stages
//! statelessly — extraction, language ID, entities, events and the document embedding, the costly part — in parallel,
//! then finish each article in one short PostgreSQL transaction that holds a cluster-wide advisory lock:
//! near-duplicate check against the shared LSH band table, story candidates from the pgvector HNSW index within the
//! time window, the join/merge decision ([`khabar_cluster::decide`], the same rule as the embedded clusterer), the
//! article with everything attached and its evidence edges, the split check ([`khabar_cluster::split_plan`] over the
//! story's stored evidence, also the embedded rule), and the rebuilt story rows. The message is acknowledged only after that
//! commit, so a killed worker loses nothing (JetStream redelivers; the raw-hash check makes a replay of a committed
//! article a no-op) and never leaves half an article.

use crate::run::{analyze, clean, raw_hash, story_score, Analyzed, Counters, Payload, StoryFeatures};
use crate::stories::story_from;
use crate::{Engines, PipelineError, StageReport};
use chrono::{Duration as Days, NaiveDate};
use khabar_bus::{Bus, BusConfig};
use khabar_cluster::{collect_links, decide, split_plan, unit_vector, ClusterConfig, Decision, Evidence};
use khabar_dedup::{DedupConfig, DedupIndex, Fingerprint};
use khabar_extract::Extractor;
use khabar_ingest::{read_inputs, InputFormat, InputSource};
use khabar_model::{Article, Event, Mention, RawDoc, Story};
use khabar_normalize::Normalizer;
use khabar_search::analyzer::{arabic_analyzer, english_analyzer, terms};
use khabar_store::{Presence, Store, StoreError, StoredArticle};
use khabar_store_pg::{is_connection_error, ArticleExtras, PgStore, PgTx};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What [`publish`] did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PublishReport {
    /// Documents put on the bus.
    pub published: u64,
    /// Inputs already stored with the same content (not published again).
    pub unchanged: u64,
    /// Inputs that could not be read: location and reason (also recorded in the store).
    pub rejected: Vec<(String, String)>,
}

/// Reads `inputs` and publishes every readable document to the bus; unreadable inputs are recorded in the store.
pub fn publish(
    store: &mut PgStore,
    bus: &Bus,
    inputs: &[InputSource],
    format: InputFormat,
) -> Result<PublishReport, PipelineError> {
    let mut report = PublishReport::default();
    let mut failure: Option<PipelineError> = None;
    read_inputs(inputs, format, &mut |r| {
        if failure.is_some() {
            return;
        }
        let outcome = match r {
            Ok(raw) => {
                let h = raw_hash(&raw);
                match store.presence(&raw.id, &h) {
                    Ok(Presence::Same) => {
                        report.unchanged += 1;
                        Ok(())
                    }
                    Ok(_) => serde_json::to_vec(&raw)
                        .map_err(|e| PipelineError::Worker(format!("cannot encode {}: {e}", raw.source_path)))
                        .and_then(|bytes| bus.publish(&h, bytes).map_err(bus_error))
                        .map(|()| report.published += 1),
                    Err(e) => Err(e.into()),
                }
            }
            Err(e) => {
                let (location, reason) = (e.location(), e.to_string());
                let recorded = store
                    .record_rejected(&location, &reason)
                    .map_err(PipelineError::from);
                report.rejected.push((location, reason));
                recorded
            }
        };
        if let Err(e) = outcome {
            failure = Some(e);
        }
    });
    match failure {
        Some(e) => Err(e),
        None => Ok(report),
    }
}

fn bus_error(e: khabar_bus::BusError) -> PipelineError {
    PipelineError::Bus(e.to_string())
}

/// Knobs of a worker process.
#[derive(Debug, Clone)]
pub struct WorkerOptions {
    /// Worker threads, each with its own store and bus connection.
    pub threads: usize,
    /// Exit once the work stream is empty (for batch runs, tests and benchmarks); otherwise run until killed.
    pub drain: bool,
    /// How long a fetch waits for a message.
    pub poll: Duration,
    /// Delivery tuning (ack wait, max deliveries).
    pub bus: BusConfig,
    /// Reconnect attempts after the store connection is lost mid-run, before the worker gives up.
    pub reconnect_attempts: u32,
}

impl Default for WorkerOptions {
    fn default() -> Self {
        WorkerOptions {
            threads: 1,
            drain: false,
            poll: Duration::from_secs(1),
            bus: BusConfig::default(),
            reconnect_attempts: 5,
        }
    }
}

/// What a worker process did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct WorkerReport {
    /// Messages taken from the bus.
    pub received: u64,
    /// Articles committed.
    pub stored: u64,
    /// Inputs already stored (a redelivery after a crash, or a re-ingest).
    pub unchanged: u64,
    /// Articles stored as near-duplicates of earlier ones.
    pub duplicates: u64,
    /// Inputs refused by extraction or language ID (recorded in the store).
    pub rejected: u64,
    /// Messages moved to the dead-letter stream (malformed, or failing on their last delivery).
    pub dead_lettered: u64,
    /// Messages handed back after a store failure, for another try.
    pub retried: u64,
    /// Events stored.
    pub events: u64,
    /// Per-stage counters.
    pub stages: Vec<StageReport>,
    /// Wall time.
    pub elapsed_secs: f64,
}

#[derive(Default)]
struct Tally {
    received: AtomicU64,
    stored: AtomicU64,
    unchanged: AtomicU64,
    duplicates: AtomicU64,
    rejected: AtomicU64,
    dead: AtomicU64,
    retried: AtomicU64,
    events: AtomicU64,
}

/// The outcome of one message.
enum Outcome {
    Stored { events: usize, duplicate: bool },
    Unchanged,
    Rejected,
}

/// Runs worker threads against the store at `store_url` and the bus at `bus_url` until stopped (or, with
/// `drain`, until the work stream is empty). Fails when a store or bus cannot be reached (after retries).
pub fn run_worker(
    store_url: &str,
    bus_url: &str,
    engines: &Engines,
    options: &WorkerOptions,
) -> Result<WorkerReport, PipelineError> {
    let started = Instant::now();
    let counters = Counters::default();
    let tally = Tally::default();
    let stop = AtomicBool::new(false);
    let threads = options.threads.max(1);
    let results: Vec<Result<(), PipelineError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                let (counters, tally, stop) = (&counters, &tally, &stop);
                scope.spawn(move || {
                    let r = worker_loop(store_url, bus_url, engines, options, counters, tally, stop);
                    if r.is_err() {
                        stop.store(true, Ordering::Relaxed);
                    }
                    r
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(PipelineError::Worker("a worker thread panicked".into())))
            })
            .collect()
    });
    for r in results {
        r?;
    }
    let load = |a: &AtomicU64| a.load(Ordering::Relaxed);
    Ok(WorkerReport {
        received: load(&tally.received),
        stored: load(&tally.stored),
        unchanged: load(&tally.unchanged),
        duplicates: load(&tally.duplicates),
        rejected: load(&tally.rejected),
        dead_lettered: load(&tally.dead),
        retried: load(&tally.retried),
        events: load(&tally.events),
        stages: counters.report(),
        elapsed_secs: started.elapsed().as_secs_f64(),
    })
}

fn worker_loop(
    store_url: &str,
    bus_url: &str,
    engines: &Engines,
    options: &WorkerOptions,
    counters: &Counters,
    tally: &Tally,
    stop: &AtomicBool,
) -> Result<(), PipelineError> {
    let mut store = PgStore::connect(store_url)?;
    let bus = Bus::connect_with(bus_url, options.bus.clone()).map_err(bus_error)?;
    let consumer = bus.consumer().map_err(bus_error)?;
    let normalizer = Arc::new(Normalizer::for_matching());
    let dedup = DedupIndex::new(DedupConfig::default()).map_err(|e| PipelineError::State {
        stage: "dedup",
        message: e.to_string(),
    })?;
    while !stop.load(Ordering::Relaxed) {
        let Some(delivery) = consumer.next(options.poll).map_err(bus_error)? else {
            if options.drain && bus.pending().map_err(bus_error)? == 0 {
                break;
            }
            continue;
        };
        tally.received.fetch_add(1, Ordering::Relaxed);
        counters.read.received();
        let raw: RawDoc = match serde_json::from_slice(delivery.payload()) {
            Ok(raw) => raw,
            Err(e) => {
                counters.read.rejected();
                tracing::warn!(error = %e, "malformed message dead-lettered");
                delivery
                    .dead_letter(&format!("malformed message: {e}"))
                    .map_err(bus_error)?;
                tally.dead.fetch_add(1, Ordering::Relaxed);
                continue;
            }
        };
        counters.read.processed();
        let location = raw.source_path.clone();
        match process(&mut store, engines, &normalizer, &dedup, counters, raw) {
            Ok(outcome) => {
                match outcome {
                    Outcome::Stored { events, duplicate } => {
                        tally.stored.fetch_add(1, Ordering::Relaxed);
                        tally.events.fetch_add(events as u64, Ordering::Relaxed);
                        tally
                            .duplicates
                            .fetch_add(u64::from(duplicate), Ordering::Relaxed);
                    }
                    Outcome::Unchanged => {
                        tally.unchanged.fetch_add(1, Ordering::Relaxed);
                    }
                    Outcome::Rejected => {
                        tally.rejected.fetch_add(1, Ordering::Relaxed);
                    }
                }
                delivery.ack().map_err(bus_error)?;
            }
            Err(PipelineError::Store(e)) if is_connection_error(&e) => {
                // Nothing was committed: hand the message back and reconnect with backoff, or give up clearly.
                tally.retried.fetch_add(1, Ordering::Relaxed);
                let _ = delivery.nak(Duration::from_millis(500));
                reconnect(&mut store, options.reconnect_attempts).map_err(|e| {
                    PipelineError::Worker(format!("store lost while processing {location}: {e}"))
                })?;
            }
            Err(e) if delivery.is_last_attempt() => {
                tracing::warn!(%location, error = %e, "dead-lettered after the last delivery");
                delivery
                    .dead_letter(&format!("{location}: {e}"))
                    .map_err(bus_error)?;
                tally.dead.fetch_add(1, Ordering::Relaxed);
            }
            Err(e) => {
                tracing::warn!(%location, error = %e, "processing failed; handed back for another try");
                tally.retried.fetch_add(1, Ordering::Relaxed);
                delivery.nak(Duration::from_secs(1)).map_err(bus_error)?;
            }
        }
    }
    Ok(())
}

fn reconnect(store: &mut PgStore, attempts: u32) -> Result<(), StoreError> {
    let mut delay = Duration::from_millis(250);
    let mut last = None;
    for _ in 0..attempts.max(1) {
        match store.reconnect() {
            Ok(()) => return Ok(()),
            Err(e) => last = Some(e),
        }
        std::thread::sleep(delay);
        delay = (delay * 2).min(Duration::from_secs(5));
    }
    Err(last.unwrap_or_else(|| StoreError::Backend {
        backend: "postgres",
        message: "reconnect failed".into(),
    }))
}

/// One raw document through every stage and into the store.
fn process(
    store: &mut PgStore,
    engines: &Engines,
    normalizer: &Arc<Normalizer>,
    dedup: &DedupIndex,
    counters: &Counters,
    raw: RawDoc,
) -> Result<Outcome, PipelineError> {
    let h = raw_hash(&raw);
    if store.presence(&raw.id, &h)? == Presence::Same {
        counters.read.skipped();
        return Ok(Outcome::Unchanged);
    }
    let cleaned = match clean(&Extractor, engines, counters, raw, h) {
        Payload::Work(c) => c,
        Payload::Rejected(location, reason) => {
            store.record_rejected(&location, &reason)?;
            return Ok(Outcome::Rejected);
        }
        Payload::Unchanged => return Ok(Outcome::Unchanged),
    };
    let fingerprint = dedup.fingerprint(&cleaned.article.text);
    let bands: Vec<i64> = dedup
        .band_keys_of(&fingerprint)
        .into_iter()
        .map(|k| i64::from_le_bytes(k.to_le_bytes()))
        .collect();
    let search_terms = search_terms(normalizer, &cleaned.article);
    // Analysed as an original; the lock below may find it is a near-copy and drop its events and features.
    // Its features come compacted: only what scoring reads is stored.
    let analyzed = analyze(engines, counters, cleaned);
    let features = match &analyzed.features {
        Some(f) => Some(postcard::to_allocvec(f).map_err(|e| PipelineError::State {
            stage: "cluster",
            message: e.to_string(),
        })?),
        None => None,
    };
    let config = crate::run::story_config();
    let model = &engines.similarity;
    counters.cluster.received();
    let outcome = counters.cluster.timed(|| {
        store.exclusive(|tx| {
            finish(
                tx,
                dedup,
                &config,
                model,
                analyzed,
                &fingerprint,
                &bands,
                features.as_deref(),
                &search_terms,
            )
        })
    })?;
    counters.cluster.processed();
    Ok(outcome)
}

/// The critical section, inside one transaction under the cluster lock.
#[allow(clippy::too_many_arguments)]
fn finish(
    tx: &mut PgTx<'_>,
    dedup: &DedupIndex,
    config: &ClusterConfig,
    model: &khabar_similarity::SimilarityModel,
    analyzed: Analyzed,
    fingerprint: &Fingerprint,
    bands: &[i64],
    features_bytes: Option<&[u8]>,
    search_terms: &str,
) -> Result<Outcome, StoreError> {
    let Analyzed {
        mut article,
        raw_hash,
        mentions,
        mut events,
        features,
    } = analyzed;
    // Another worker may have committed this very input since the first check (a redelivery race).
    if tx.presence(&article.id, &raw_hash)? == Presence::Same {
        return Ok(Outcome::Unchanged);
    }
    // Near-duplicates: a throwaway index over the stored articles that share a band with this one.
    let mut local = DedupIndex::new(dedup.config().clone()).map_err(|e| StoreError::Backend {
        backend: "dedup",
        message: e.to_string(),
    })?;
    for (id, bytes) in tx.dedup_candidates(bands)? {
        if id == article.id {
            continue;
        }
        if let Some(fp) = Fingerprint::from_bytes(&bytes) {
            local.insert_fingerprint(&id, fp);
        }
    }
    let duplicate_of = local.find_fingerprint(fingerprint).map(|d| d.id);
    let (features, features_bytes) = match duplicate_of {
        Some(original) => {
            article.story_id = tx.article(&original)?.and_then(|a| a.story_id);
            article.duplicate_of = Some(original);
            // The original's events already count.
            events.clear();
            (None, None)
        }
        None => (features, features_bytes),
    };
    let duplicate = article.duplicate_of.is_some();
    // An update may move the article out of its earlier story, whose row is then rebuilt too.
    let earlier_story = tx.article(&article.id)?.and_then(|a| a.story_id);
    let embedding = features.as_ref().map(|f| f.sim.embedding.clone());
    let mut touched: Vec<String> = Vec::new();
    let mut evidence: Vec<(String, f32)> = Vec::new();
    if let Some(features) = &features {
        let assigned = assign_story(tx, config, model, &article, features)?;
        touched.extend(assigned.merged);
        evidence = assigned.evidence;
        article.story_id = Some(assigned.story);
    }
    if article.story_id.is_none() {
        // A near-copy of an article that has no story (no embedding): a story of its own.
        article.story_id = Some(tx.next_story_id()?);
    }
    let story_id = article.story_id.clone().unwrap_or_default();
    let item = StoredArticle {
        article,
        raw_hash,
        mentions,
        events,
        embedding,
    };
    let fingerprint_bytes = fingerprint.to_bytes();
    let extras = ArticleExtras {
        features: features_bytes,
        // Near-copies stay out of the band index: later copies match the original.
        dedup: (!duplicate).then_some((bands, fingerprint_bytes.as_slice())),
        search_terms: Some(search_terms),
    };
    let ids = tx.write_article(&item, &extras)?;
    for merged in &touched {
        tx.delete_story(merged)?;
    }
    tx.put_evidence(&item.article.id, &evidence)?;
    let split_off = if duplicate {
        Vec::new()
    } else {
        split_story(tx, config, &story_id, !touched.is_empty())?
    };
    for id in split_off.iter().chain([&story_id]) {
        let story = rebuild_story(tx, id)?;
        tx.put_story(&story)?;
    }
    if let Some(earlier) = earlier_story.filter(|e| *e != story_id && !touched.contains(e)) {
        let left = rebuild_story(tx, &earlier)?;
        if left.article_ids.is_empty() {
            tx.delete_story(&earlier)?;
        } else {
            tx.put_story(&left)?;
        }
    }
    Ok(Outcome::Stored {
        events: ids.len(),
        duplicate,
    })
}

/// The terms of `text` as both search analyzers produce them (normalized forms, Arabic light stems and their
/// clitic-free variants, English stems), one list per position, English analyzer first.
fn analysed(normalizer: &Arc<Normalizer>, text: &str) -> Vec<Vec<String>> {
    let mut en = english_analyzer(normalizer.clone());
    let mut ar = arabic_analyzer(normalizer.clone());
    let mut out = terms(&mut en, text);
    out.extend(terms(&mut ar, text));
    out
}

/// The words of the title and body as both search analyzers index them, each once, for the scale-out store's
/// full-text index. [`search_groups`] analyses queries the same way.
pub fn search_terms(normalizer: &Arc<Normalizer>, article: &Article) -> String {
    let mut text = article.title.clone().unwrap_or_default();
    text.push('\n');
    text.push_str(&article.text);
    let mut out = String::with_capacity(text.len() * 2);
    let mut seen = std::collections::HashSet::new();
    for t in analysed(normalizer, &text).into_iter().flatten() {
        if seen.insert(t.clone()) {
            out.push_str(&t);
            out.push(' ');
        }
    }
    out
}

/// A query as AND-ed groups of alternatives: each query word with every form the two analyzers give it.
pub fn search_groups(normalizer: &Arc<Normalizer>, query: &str) -> Vec<Vec<String>> {
    let mut groups = Vec::new();
    for word in query.split_whitespace() {
        let mut group: Vec<String> = analysed(normalizer, word).into_iter().flatten().collect();
        group.sort();
        group.dedup();
        if !group.is_empty() {
            groups.push(group);
        }
    }
    groups
}

fn story_number(id: &str) -> u64 {
    id.strip_prefix('s')
        .and_then(|n| n.parse().ok())
        .unwrap_or(u64::MAX)
}

/// What [`assign_story`] decided.
struct Assigned {
    /// The article's story.
    story: String,
    /// Stories merged into it.
    merged: Vec<String>,
    /// The candidates scored at or above the join threshold, with their scores: the article's evidence edges.
    evidence: Vec<(String, f32)>,
}

/// Scores the pgvector candidates, decides join / merge / new, applies merges.
fn assign_story(
    tx: &mut PgTx<'_>,
    config: &ClusterConfig,
    model: &khabar_similarity::SimilarityModel,
    article: &Article,
    features: &StoryFeatures,
) -> Result<Assigned, StoreError> {
    let embedding = &features.sim.embedding;
    let mut evidence: Vec<(String, f32)> = Vec::new();
    let mut links_within = |tx: &mut PgTx<'_>, days: u32| -> Result<_, StoreError> {
        let (from, to) = match article.published {
            Some(d) => (
                d.checked_sub_signed(Days::days(i64::from(days))),
                d.checked_add_signed(Days::days(i64::from(days))),
            ),
            None => (None, None),
        };
        let neighbours = tx.nearest(embedding, from, to, config.k)?;
        let mut scored: Vec<(u64, f32, Vec<f32>)> = Vec::new();
        for n in neighbours {
            let (Some(story), Some(bytes)) = (n.story_id.as_deref(), n.features.as_deref()) else {
                continue;
            };
            // pgvector's cosine distance is 1 − cosine.
            if 1.0 - (n.distance as f32) < config.min_cosine {
                continue;
            }
            let Some(unit) = unit_vector(&n.embedding) else {
                continue;
            };
            let Ok(other) = postcard::from_bytes::<StoryFeatures>(bytes) else {
                continue;
            };
            let score = story_score(model, features, &other);
            if score.is_finite() && score >= config.threshold && n.article_id != article.id {
                evidence.push((n.article_id.clone(), score));
            }
            scored.push((story_number(story), score, unit));
        }
        Ok(collect_links(
            scored.iter().map(|(s, score, v)| (*s, *score, v.as_slice())),
        ))
    };
    let links = links_within(tx, config.window_days)?;
    let wider = if !khabar_cluster::decision::joins(config, &links)
        && config.resume_window_days > config.window_days
        && article.published.is_some()
    {
        Some(links_within(tx, config.resume_window_days)?)
    } else {
        None
    };
    evidence.sort_by(|a, b| a.0.cmp(&b.0));
    evidence.dedup_by(|a, b| a.0 == b.0);
    match decide(config, &links, wider.as_deref()) {
        Decision::Join { story, merge, .. } => {
            // The oldest story keeps its id, as in the embedded clusterer.
            let target = merge.iter().copied().chain([story]).min().unwrap_or(story);
            let others: Vec<String> = merge
                .iter()
                .copied()
                .chain([story])
                .filter(|s| *s != target)
                .map(|s| format!("s{s}"))
                .collect();
            let target = format!("s{target}");
            if !others.is_empty() {
                tx.merge_stories(&others, &target)?;
            }
            Ok(Assigned {
                story: target,
                merged: others,
                evidence,
            })
        }
        Decision::New => Ok(Assigned {
            story: tx.next_story_id()?,
            merged: Vec::new(),
            evidence,
        }),
    }
}

/// Applies the split rule ([`split_plan`], the same as the embedded clusterer's) to a story the article was just
/// written into, over the evidence stored with its members, and again to both halves after each split. The group
/// holding the oldest article keeps the id; the other moves, near-copies with their originals, to a new story id.
/// Returns the new stories (their rows are the caller's to rebuild).
fn split_story(
    tx: &mut PgTx<'_>,
    config: &ClusterConfig,
    story_id: &str,
    merged: bool,
) -> Result<Vec<String>, StoreError> {
    let mut pending = vec![story_id.to_string()];
    let mut created = Vec::new();
    let mut first = true;
    while let Some(story) = pending.pop() {
        // Counted first: a story not due for a check is not read.
        let size = tx.story_size(&story)?;
        let due = khabar_cluster::decision::split_check_due(config, size, merged || !first);
        first = false;
        if !due {
            continue;
        }
        let graph = tx.story_graph(&story)?;
        if graph.legacy {
            continue;
        }
        let position: HashMap<&str, usize> = graph
            .members
            .iter()
            .enumerate()
            .map(|(i, (id, _))| (id.as_str(), i))
            .collect();
        let vectors: Vec<Option<Vec<f32>>> = graph
            .members
            .iter()
            .map(|(_, v)| v.as_deref().and_then(unit_vector))
            .collect();
        let vectors: Vec<Option<&[f32]>> = vectors.iter().map(|v| v.as_deref()).collect();
        let edges: Vec<Evidence> = graph
            .edges
            .iter()
            .filter_map(|(a, b, score)| {
                Some(Evidence {
                    a: *position.get(a.as_str())?,
                    b: *position.get(b.as_str())?,
                    score: *score,
                })
            })
            .collect();
        let Some(split) = split_plan(&vectors, &edges, config) else {
            continue;
        };
        let moved: Vec<String> = split
            .moved
            .iter()
            .filter_map(|&p| graph.members.get(p).map(|(id, _)| id.clone()))
            .collect();
        let new_story = tx.next_story_id()?;
        tx.move_articles(&story, &moved, &new_story)?;
        created.push(new_story.clone());
        pending.push(story);
        pending.push(new_story);
    }
    Ok(created)
}

/// The story row from its members as stored now (near-copies included), like the embedded build.
fn rebuild_story(tx: &mut PgTx<'_>, story_id: &str) -> Result<Story, StoreError> {
    let members = tx.story_members(story_id)?;
    let mut events: HashMap<String, Vec<Event>> = HashMap::new();
    let mut mentions: HashMap<String, Vec<Mention>> = HashMap::new();
    for a in &members {
        events.insert(a.id.clone(), tx.events_of(&a.id)?);
        mentions.insert(a.id.clone(), tx.mentions_of(&a.id)?);
    }
    let by_id: HashMap<&str, &Article> = members.iter().map(|a| (a.id.as_str(), a)).collect();
    let events_of: HashMap<&str, Vec<&Event>> = events
        .iter()
        .map(|(k, v)| (k.as_str(), v.iter().collect()))
        .collect();
    let mentions_of: HashMap<&str, Vec<&Mention>> = mentions
        .iter()
        .map(|(k, v)| (k.as_str(), v.iter().collect()))
        .collect();
    let sources: HashMap<String, String> = members
        .iter()
        .map(|a| (a.id.clone(), a.source.clone().unwrap_or_else(|| a.id.clone())))
        .collect();
    let dup_of: HashMap<String, String> = members
        .iter()
        .filter_map(|a| a.duplicate_of.clone().map(|d| (a.id.clone(), d)))
        .collect();
    let ids: Vec<&str> = members.iter().map(|a| a.id.as_str()).collect();
    // Title of the earliest dated member, as the embedded clusterer picks it.
    let title = members
        .iter()
        .enumerate()
        .filter(|(_, a)| a.title.as_deref().is_some_and(|t| !t.trim().is_empty()))
        .min_by_key(|(i, a)| (a.published.is_none(), a.published.unwrap_or(NaiveDate::MIN), *i))
        .and_then(|(_, a)| a.title.clone());
    Ok(story_from(
        story_id.to_string(),
        title,
        &ids,
        &by_id,
        &events_of,
        &mentions_of,
        &sources,
        &dup_of,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use khabar_store::StoreRead;
    use khabar_store_pg::testing::TestDb;

    fn stored(
        id: &str,
        story: &str,
        title: &str,
        embedding: [f32; 2],
        duplicate_of: Option<&str>,
    ) -> StoredArticle {
        StoredArticle {
            article: Article {
                id: id.into(),
                source_path: format!("feed/{id}.txt"),
                url: None,
                source: Some(format!("source-{id}")),
                title: Some(title.into()),
                published: NaiveDate::from_ymd_opt(2019, 3, 10),
                author: None,
                lang: "en".into(),
                text: title.into(),
                removed: Vec::new(),
                duplicate_of: duplicate_of.map(str::to_string),
                story_id: Some(story.into()),
                content_hash: format!("content-{id}"),
            },
            raw_hash: format!("raw-{id}"),
            mentions: Vec::new(),
            events: Vec::new(),
            embedding: Some(embedding.to_vec()),
        }
    }

    #[test]
    fn a_story_bridged_by_a_roundup_splits_in_the_store_with_near_copies_following_their_originals() {
        let Some(db) = TestDb::new() else { return };
        let mut store = PgStore::connect(&db.url).unwrap();
        let config = ClusterConfig::default();
        let (baghuz, idlib, roundup) = ([1.0, 0.0], [0.0, 1.0], [0.75, 0.66]);
        let (s1, split_off, kept, moved) = store
            .exclusive(|tx| {
                let s1 = tx.next_story_id()?;
                let articles = [
                    ("b1", "SDF pushes into Baghuz", baghuz, None),
                    ("b2", "Hundreds surrender in Baghuz", baghuz, None),
                    ("b3", "Last IS pocket in Baghuz shrinks", baghuz, None),
                    ("roundup", "Syria this week: Baghuz and Idlib", roundup, None),
                    ("i1", "Shelling kills seven in Idlib", idlib, None),
                    ("i2", "Civilians flee Maarat al-Numan", idlib, None),
                    ("i2-copy", "Civilians flee Maarat al-Numan", idlib, Some("i2")),
                ];
                for (id, title, v, dup) in articles {
                    tx.write_article(&stored(id, &s1, title, v, dup), &ArticleExtras::default())?;
                }
                let edges: [(&str, &[(&str, f32)]); 5] = [
                    ("b2", &[("b1", 0.8)]),
                    ("b3", &[("b1", 0.7), ("b2", 0.75)]),
                    ("roundup", &[("b3", 0.65), ("b2", 0.6)]),
                    ("i1", &[("roundup", 0.58)]),
                    ("i2", &[("i1", 0.85), ("roundup", 0.55)]),
                ];
                for (id, to) in edges {
                    let to: Vec<(String, f32)> = to.iter().map(|(o, s)| (o.to_string(), *s)).collect();
                    tx.put_evidence(id, &to)?;
                }
                let split_off = split_story(tx, &config, &s1, false)?;
                for id in split_off.iter().chain([&s1]) {
                    let story = rebuild_story(tx, id)?;
                    tx.put_story(&story)?;
                }
                let ids = |tx: &mut PgTx<'_>, s: &str| -> Result<Vec<String>, StoreError> {
                    Ok(tx.story_members(s)?.into_iter().map(|a| a.id).collect())
                };
                let kept = ids(tx, &s1)?;
                let moved = match split_off.first() {
                    Some(s) => ids(tx, s)?,
                    None => Vec::new(),
                };
                Ok((s1, split_off, kept, moved))
            })
            .unwrap();
        assert_eq!(s1, "s1");
        assert_eq!(split_off, ["s2"]);
        assert_eq!(kept, ["b1", "b2", "b3", "roundup"]);
        assert_eq!(moved, ["i1", "i2", "i2-copy"]);
        let stories = store.stories().unwrap();
        assert_eq!(stories.len(), 2);
        assert_eq!(stories[1].title.as_deref(), Some("Shelling kills seven in Idlib"));
        assert!(store.check_consistency().unwrap().is_empty());
        // Checked again, the halves hold together: nothing more splits.
        let again = store
            .exclusive(|tx| {
                let mut more = split_story(tx, &config, "s1", true)?;
                more.extend(split_story(tx, &config, "s2", true)?);
                Ok(more)
            })
            .unwrap();
        assert!(again.is_empty());
    }
}
