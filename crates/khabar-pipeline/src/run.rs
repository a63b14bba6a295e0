//! One ingest run: threads, bounded channels, counters, reorder buffers, snapshots.

use crate::expand::open_search;
use crate::stories::build_stories;
use crate::{Engines, PipelineError};
use crossbeam_channel::{bounded, Receiver, Sender};
use khabar_cluster::{ClusterConfig, ClusterDoc, StoryClusterer};
use khabar_dedup::{DedupConfig, DedupIndex};
use khabar_extract::Extractor;
use khabar_ingest::{read_inputs, InputFormat, InputSource};
use khabar_model::{Article, CounterSnapshot, Event, Mention, RawDoc, Stage, StageCounters, StageError};
use khabar_search::SearchIndex;
use khabar_similarity::{
    boilerplate_share, cosine, DocFeatures, SimilarityModel, BOILERPLATE_UNKNOWN, STORY_THRESHOLD,
};
use khabar_store::{SqliteStore, StoredArticle};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// Knobs of a run.
#[derive(Debug, Clone)]
pub struct PipelineOptions {
    /// Worker threads per parallel stage.
    pub workers: usize,
    /// Capacity of every channel between stages.
    pub queue: usize,
    /// Input format (`Auto` decides per file).
    pub format: InputFormat,
    /// Show a progress bar on stderr (hidden anyway when stderr is not a terminal).
    pub progress: bool,
    /// Snapshot the stateful stages every this many stored articles.
    pub snapshot_every: usize,
    /// Mark near-duplicates (off only for benchmarks that feed copies of one corpus).
    pub dedup: bool,
}

impl Default for PipelineOptions {
    fn default() -> Self {
        PipelineOptions {
            workers: std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2),
            queue: 64,
            format: InputFormat::Auto,
            progress: true,
            snapshot_every: 500,
            dedup: true,
        }
    }
}

/// Counters of one stage after a run.
#[derive(Debug, Clone, Serialize)]
pub struct StageReport {
    /// Stage name.
    pub stage: &'static str,
    /// Its counters.
    pub counts: CounterSnapshot,
}

/// What a run did.
#[derive(Debug, Clone, Serialize)]
pub struct IngestReport {
    /// Documents read (including ones later refused).
    pub read: u64,
    /// Articles written to the store.
    pub stored: u64,
    /// Inputs already in the store (idempotent re-ingest).
    pub unchanged: u64,
    /// Articles marked as near-duplicates of earlier ones.
    pub duplicates: u64,
    /// Refused inputs: location and reason.
    pub rejected: Vec<(String, String)>,
    /// Events extracted.
    pub events: u64,
    /// Stories in the store after the run.
    pub stories: u64,
    /// Per-stage counters, in pipeline order.
    pub stages: Vec<StageReport>,
    /// Wall time.
    pub elapsed_secs: f64,
}

/// Stage counters of one run, in pipeline order.
#[derive(Default)]
pub(crate) struct Counters {
    pub(crate) read: StageCounters,
    pub(crate) extract: StageCounters,
    pub(crate) langid: StageCounters,
    pub(crate) dedup: StageCounters,
    pub(crate) entities: StageCounters,
    pub(crate) events: StageCounters,
    pub(crate) embed: StageCounters,
    pub(crate) cluster: StageCounters,
    pub(crate) store: StageCounters,
}

impl Counters {
    pub(crate) fn report(&self) -> Vec<StageReport> {
        [
            ("read", &self.read),
            ("extract", &self.extract),
            ("langid", &self.langid),
            ("dedup", &self.dedup),
            ("entities", &self.entities),
            ("events", &self.events),
            ("embed", &self.embed),
            ("cluster", &self.cluster),
            ("store", &self.store),
        ]
        .into_iter()
        .map(|(stage, c)| StageReport {
            stage,
            counts: c.snapshot(),
        })
        .collect()
    }
}

/// What flows between stages; `seq` is the input order.
struct Item<T> {
    seq: u64,
    payload: Payload<T>,
}

pub(crate) enum Payload<T> {
    Work(T),
    /// Already stored with the same raw input.
    Unchanged,
    /// Refused: location and reason.
    Rejected(String, String),
}

pub(crate) struct Cleaned {
    pub(crate) article: Article,
    pub(crate) raw_hash: String,
}

pub(crate) struct Analyzed {
    pub(crate) article: Article,
    pub(crate) raw_hash: String,
    pub(crate) mentions: Vec<Mention>,
    pub(crate) events: Vec<Event>,
    pub(crate) features: Option<StoryFeatures>,
}

/// Snapshot of a stateful stage with the sequence number of the last stored article it includes.
#[derive(Serialize, Deserialize)]
struct Checkpoint {
    through_seq: i64,
    bytes: Vec<u8>,
}

const DEDUP_STATE: &str = "dedup";
/// Items allowed between reader and writer, per slot of channel capacity.
const IN_FLIGHT_PER_QUEUE_SLOT: usize = 4;
const SEARCH_STATE: &str = "search";
const CLUSTER_STATE: &str = "cluster";

/// Raw input bytes allowed between reader and writer (see [`ByteBudget`]).
const IN_FLIGHT_BYTES: usize = 16 << 20;

/// A counting semaphore over raw input bytes, held per item from the reader until the writer is done with it.
/// An item larger than the limit is charged the whole limit: it waits for the pipeline to drain and then goes
/// through alone.
struct ByteBudget {
    limit: usize,
    state: Mutex<BudgetState>,
    freed: Condvar,
}

#[derive(Default)]
struct BudgetState {
    used: usize,
    held: HashMap<u64, usize>,
    closed: bool,
}

impl ByteBudget {
    fn new(limit: usize) -> Self {
        ByteBudget {
            limit: limit.max(1),
            state: Mutex::new(BudgetState::default()),
            freed: Condvar::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, BudgetState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits until item `seq` of `bytes` fits, then holds them. False when the budget was closed (the writer
    /// stopped): the item must not be sent.
    fn acquire(&self, seq: u64, bytes: usize) -> bool {
        let charge = bytes.min(self.limit);
        let mut state = self.lock();
        while !state.closed && state.used > 0 && state.used + charge > self.limit {
            state = self.freed.wait(state).unwrap_or_else(PoisonError::into_inner);
        }
        if state.closed {
            return false;
        }
        state.used += charge;
        state.held.insert(seq, charge);
        true
    }

    /// Gives back what item `seq` held.
    fn release(&self, seq: u64) {
        let mut state = self.lock();
        if let Some(charge) = state.held.remove(&seq) {
            state.used -= charge;
            self.freed.notify_all();
        }
    }

    /// Wakes and refuses every waiting and later `acquire`.
    fn close(&self) {
        self.lock().closed = true;
        self.freed.notify_all();
    }
}

/// The clusterer as the pipeline uses it.
pub(crate) type Clusterer = StoryClusterer<StoryFeatures>;

pub(crate) fn raw_hash(raw: &RawDoc) -> String {
    let mut h = Sha256::new();
    h.update(raw.id.as_bytes());
    h.update([0u8]);
    h.update(raw.body.as_bytes());
    hex::encode(h.finalize())
}

/// Starts `workers` threads that apply `work` to every item's payload, keeping its sequence number; unchanged and
/// rejected items pass through. The threads end when the input closes or the next stage has gone.
fn spawn_pool<'scope, I, O, F>(
    scope: &'scope std::thread::Scope<'scope, '_>,
    workers: usize,
    rx: Receiver<Item<I>>,
    tx: Sender<Item<O>>,
    work: F,
) where
    I: Send + 'scope,
    O: Send + 'scope,
    F: Fn(I) -> Payload<O> + Send + Copy + 'scope,
{
    for _ in 0..workers {
        let rx = rx.clone();
        let tx = tx.clone();
        scope.spawn(move || {
            for item in rx {
                let payload = match item.payload {
                    Payload::Work(input) => work(input),
                    Payload::Unchanged => Payload::Unchanged,
                    Payload::Rejected(location, reason) => Payload::Rejected(location, reason),
                };
                if tx
                    .send(Item {
                        seq: item.seq,
                        payload,
                    })
                    .is_err()
                {
                    break;
                }
            }
        });
    }
}

/// Takes items in any order and releases them in `seq` order.
struct Reorder<T> {
    next: u64,
    pending: BTreeMap<u64, Payload<T>>,
}

impl<T> Reorder<T> {
    fn new() -> Self {
        Reorder {
            next: 0,
            pending: BTreeMap::new(),
        }
    }
    fn push(&mut self, item: Item<T>, out: &mut dyn FnMut(u64, Payload<T>)) {
        self.pending.insert(item.seq, item.payload);
        while let Some(p) = self.pending.remove(&self.next) {
            out(self.next, p);
            self.next += 1;
        }
    }
}

/// Frame of a stored [`Checkpoint`]: this magic, `through_seq` (8 bytes, little-endian), then the snapshot bytes.
/// (Earlier builds wrote the checkpoint as JSON, its bytes as a number array: 3-4 bytes of JSON per snapshot byte,
/// built in memory beside the snapshot; such checkpoints are still read.)
const CHECKPOINT_MAGIC: &[u8; 8] = b"KHCKPT1\0";

/// Stores a checkpoint whose snapshot `write` streams out, in chunks (see [`SqliteStore::put_state_streamed`]):
/// the snapshot is never in memory whole.
fn put_checkpoint<E: std::fmt::Display>(
    store: &mut SqliteStore,
    key: &'static str,
    through_seq: i64,
    write: impl FnOnce(&mut dyn std::io::Write) -> Result<(), E>,
) -> Result<(), PipelineError> {
    store.put_state_streamed(key, |w| {
        w.write_all(CHECKPOINT_MAGIC)?;
        w.write_all(&through_seq.to_le_bytes())?;
        write(w).map_err(|e| std::io::Error::other(format!("{key} snapshot: {e}")))
    })?;
    Ok(())
}

fn load_checkpoint(store: &SqliteStore, key: &'static str) -> Result<Option<Checkpoint>, PipelineError> {
    let state_err = |message: String| PipelineError::State { stage: key, message };
    let Some(mut bytes) = store.get_state_streamed(key)? else {
        return Ok(None);
    };
    if !bytes.starts_with(CHECKPOINT_MAGIC) {
        return serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| state_err(e.to_string()));
    }
    let header = CHECKPOINT_MAGIC.len() + 8;
    let seq = bytes
        .get(CHECKPOINT_MAGIC.len()..header)
        .and_then(|b| <[u8; 8]>::try_from(b).ok())
        .ok_or_else(|| state_err("truncated checkpoint".into()))?;
    // In place: the snapshot can be large, so no second copy of it.
    bytes.drain(..header);
    Ok(Some(Checkpoint {
        through_seq: i64::from_le_bytes(seq),
        bytes,
    }))
}

/// What the clusterer keeps per article: the similarity features plus the article's dominant place.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct StoryFeatures {
    /// Lead embedding, numbers, entity ids, event families and dates (the similarity model's input).
    pub sim: DocFeatures,
    /// The specific place (not a country or region) the article mentions most, when it clearly dominates.
    pub anchor: Option<String>,
}

/// The clusterer's tuning for the learned score: [`ClusterConfig::default`] with [`STORY_THRESHOLD`].
pub(crate) fn story_config() -> ClusterConfig {
    ClusterConfig {
        threshold: STORY_THRESHOLD,
        ..ClusterConfig::default()
    }
}

/// A story anchor needs at least this many mentions of the place, and this share of the article's place mentions.
const ANCHOR_MIN_MENTIONS: usize = 3;
const ANCHOR_MIN_SHARE: f32 = 0.3;
/// Two articles anchored on the same place join one story when their leads are at least this close...
const ANCHOR_MIN_COSINE: f32 = 0.3;
/// ...scoring this much (above the clusterer's join threshold, below its merge threshold).
const ANCHOR_SCORE: f32 = 0.65;

/// The place an article is about: its most-mentioned linked place below country level, if it dominates. A place
/// named inside another's name ("Baghuz camp", "Deir ez-Zor Governorate") also counts for the shorter one, so a
/// report about the camp and one about the town anchor on the town.
fn dominant_place(mentions: &[Mention]) -> Option<String> {
    let mut names: BTreeMap<&str, &str> = BTreeMap::new();
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    let mut total = 0usize;
    for m in mentions {
        if m.kind != khabar_model::EntityKind::Place {
            continue;
        }
        let Some(kb) = m.kb_id.as_deref() else { continue };
        total += 1;
        // Countries ("cc:SY") and broad regions say where, not what story.
        if kb.starts_with("cc:") || m.canonical.as_deref().is_some_and(|c| c == "Middle East") {
            continue;
        }
        *counts.entry(kb).or_default() += 1;
        if let Some(c) = m.canonical.as_deref() {
            names.insert(kb, c);
        }
    }
    let mut rolled = counts.clone();
    for (kb, name) in &names {
        for (other, other_name) in &names {
            let inside = name.len() > other_name.len()
                && name.starts_with(other_name)
                && name[other_name.len()..].starts_with(' ');
            if kb != other && inside {
                *rolled.entry(other).or_default() += counts.get(kb).copied().unwrap_or(0);
            }
        }
    }
    let (place, n) = rolled
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(a.0)))?;
    (n >= ANCHOR_MIN_MENTIONS && n as f32 >= ANCHOR_MIN_SHARE * total as f32).then(|| place.to_string())
}

/// Adds the kb ids (places also as place ids), event families and event dates of one article to its features.
pub(crate) fn add_stage_features(f: &mut DocFeatures, mentions: &[Mention], events: &[Event]) {
    for m in mentions {
        if let Some(kb) = &m.kb_id {
            f.kb_ids.insert(kb.clone());
            if m.kind == khabar_model::EntityKind::Place {
                f.place_ids.insert(kb.clone());
            }
        }
    }
    for e in events {
        f.families.insert(e.family);
        if let Some(d) = e.date {
            f.event_dates.push(d);
        }
    }
}

fn doc_features(
    engines: &Engines,
    article: &Article,
    mentions: &[Mention],
    events: &[Event],
) -> StoryFeatures {
    let normalized = khabar_normalize::normalize(&article.text);
    let mut f = DocFeatures {
        embedding: engines
            .encoder
            .embed_document(article.title.as_deref(), &article.text),
        lang: article.lang.clone(),
        published: article.published,
        numbers: khabar_similarity::numbers(&normalized),
        ..DocFeatures::default()
    };
    // With multilingual-e5-small loaded (`--e5`), the e5 lead too: scored by the model's e5-lead sub-model.
    if let Some(e5) = engines.encoder.embed_e5_documents_with(
        &[(article.title.as_deref(), &article.text)],
        khabar_encoder::E5_LEAD_PIECES,
    ) {
        f.e5_lead = e5.into_iter().next().unwrap_or_default();
    }
    // Word, name and headline sets and shingles: cheap (no embeddings) and part of the fitted lead-only model.
    f.add_text_keys(article.title.as_deref(), &article.text);
    add_stage_features(&mut f, mentions, events);
    let mut features = StoryFeatures {
        sim: f,
        anchor: dominant_place(mentions),
    };
    // Kept for as long as the article is a candidate (and stored, in scale-out mode): only what scoring reads.
    compact_features(&engines.similarity, &mut features);
    features
}

/// The clusterer's score: the learned similarity, raised to [`ANCHOR_SCORE`] for articles about the same place
/// whose leads are not far apart (one developing story told over days in different words and languages).
pub(crate) fn story_score(model: &SimilarityModel, a: &StoryFeatures, b: &StoryFeatures) -> f32 {
    let learned = model.score(&a.sim, &b.sim);
    match (&a.anchor, &b.anchor) {
        (Some(x), Some(y)) if x == y && cosine(&a.sim.embedding, &b.sim.embedding) >= ANCHOR_MIN_COSINE => {
            learned.max(ANCHOR_SCORE)
        }
        _ => learned,
    }
}

/// Drops what the clusterer would keep of an article's features but scoring never reads: of the shingles (a
/// sorted hash per word 4-gram of the whole text, about 1.4 MB for a 1 MB article), [`SimilarityModel::score`]
/// only asks whether at least [`BOILERPLATE_UNKNOWN`] of them are in the model's boilerplate lexicon. A document
/// that is boilerplate keeps its lexicon shingles only (share 1), any other keeps none (share 0): the answer, and
/// so every score, is unchanged. [`doc_features`] applies it, so every path (ingest, replay, the scale-out worker)
/// hands [`StoryClusterer::add`] and the snapshots compacted features.
pub(crate) fn compact_features(model: &SimilarityModel, features: &mut StoryFeatures) {
    let lexicon = &model.boilerplate_shingles;
    let boilerplate = boilerplate_share(&features.sim, lexicon) >= BOILERPLATE_UNKNOWN;
    let shingles = &mut features.sim.shingles;
    if boilerplate {
        shingles.retain(|h| lexicon.binary_search(h).is_ok());
    } else {
        shingles.clear();
    }
    shingles.shrink_to_fit();
}

fn cluster_doc(article: &Article, features: StoryFeatures) -> ClusterDoc<StoryFeatures> {
    ClusterDoc {
        article_id: article.id.clone(),
        title: article.title.clone(),
        published: article.published,
        lang: article.lang.clone(),
        embedding: features.sim.embedding.clone(),
        features,
    }
}

/// Restores the stateful stages and replays stored articles newer than their snapshots.
fn restore_state(store: &SqliteStore, engines: &Engines) -> Result<(DedupIndex, Clusterer), PipelineError> {
    let state_err = |stage: &'static str| move |e: String| PipelineError::State { stage, message: e };
    // A snapshot this build cannot read (written by another version, or damaged) is not fatal: the store holds
    // every article, so the stage is rebuilt by replaying them all.
    let readable = |key: &'static str| match load_checkpoint(store, key) {
        Ok(cp) => cp,
        Err(e) => {
            tracing::warn!(stage = key, error = %e, "unreadable snapshot; rebuilding from the store");
            None
        }
    };
    let dedup_restored = readable(DEDUP_STATE).and_then(|cp| match DedupIndex::restore(cp.bytes.as_slice()) {
        Ok(index) => Some((index, cp.through_seq)),
        Err(e) => {
            tracing::warn!(stage = DEDUP_STATE, error = %e, "unreadable snapshot; rebuilding from the store");
            None
        }
    });
    let cluster_restored = readable(CLUSTER_STATE).and_then(|cp| match Clusterer::restore(cp.bytes.as_slice()) {
        Ok(clusterer) => Some((clusterer, cp.through_seq)),
        Err(e) => {
            tracing::warn!(stage = CLUSTER_STATE, error = %e, "unreadable snapshot; rebuilding from the store");
            None
        }
    });
    let (mut dedup, dedup_seq) = match dedup_restored {
        Some(restored) => restored,
        None => (
            DedupIndex::new(DedupConfig::default()).map_err(|e| state_err(DEDUP_STATE)(e.to_string()))?,
            0,
        ),
    };
    let (mut clusterer, cluster_seq) = match cluster_restored {
        Some(restored) => restored,
        None => (
            Clusterer::try_new(story_config()).map_err(|e| state_err(CLUSTER_STATE)(e.to_string()))?,
            0,
        ),
    };
    let from = dedup_seq.min(cluster_seq);
    // One article at a time: a replay after a crash (or of a whole store) must not hold every body at once.
    for (seq, id) in store.article_ids_after(from)? {
        let Some(article) = store.article(&id)? else {
            continue;
        };
        if seq > dedup_seq {
            dedup.insert(&article.id, &article.text);
        }
        if seq > cluster_seq && article.duplicate_of.is_none() {
            let mentions = store.mentions_of(&article.id)?;
            let events = store.events_of(&article.id)?;
            let features = doc_features(engines, &article, &mentions, &events);
            let model = &engines.similarity;
            clusterer.add(cluster_doc(&article, features), &|a, b| {
                story_score(model, &a.features, &b.features)
            });
        }
    }
    Ok((dedup, clusterer))
}

fn save_state(
    store: &mut SqliteStore,
    dedup: Option<&DedupIndex>,
    clusterer: &Clusterer,
) -> Result<(), PipelineError> {
    let through_seq = store.max_article_seq()?;
    // One snapshot at a time, written straight into its stored frame and dropped once stored.
    if let Some(dedup) = dedup {
        put_checkpoint(store, DEDUP_STATE, through_seq, |w| dedup.snapshot(w))?;
    }
    put_checkpoint(store, CLUSTER_STATE, through_seq, |w| clusterer.snapshot(w))?;
    Ok(())
}

/// Opens the store's search index and re-indexes the stored articles its last commit does not include.
fn restore_search(store: &SqliteStore) -> Result<SearchIndex, PipelineError> {
    let db_dir = store.path().parent().unwrap_or(Path::new("."));
    let (mut index, rebuilt) = open_search(db_dir)?;
    let through = if rebuilt {
        None
    } else {
        load_checkpoint(store, SEARCH_STATE)?
    };
    let from = through.map_or(0, |c| c.through_seq);
    for (_, id) in store.article_ids_after(from)? {
        let Some(article) = store.article(&id)? else {
            continue;
        };
        let events = store.events_of(&article.id)?;
        let mentions = store.mentions_of(&article.id)?;
        index
            .index_article(&article, &events, &mentions)
            .map_err(|e| PipelineError::State {
                stage: SEARCH_STATE,
                message: e.to_string(),
            })?;
    }
    Ok(index)
}

/// Commits the search index, then records how far it goes.
fn commit_search(store: &mut SqliteStore, index: &mut SearchIndex) -> Result<(), PipelineError> {
    index.commit().map_err(|e| PipelineError::State {
        stage: SEARCH_STATE,
        message: e.to_string(),
    })?;
    let through_seq = store.max_article_seq()?;
    put_checkpoint(store, SEARCH_STATE, through_seq, |_| {
        Ok::<(), std::convert::Infallible>(())
    })?;
    Ok(())
}

fn progress_bar(enabled: bool) -> indicatif::ProgressBar {
    if !enabled {
        return indicatif::ProgressBar::hidden();
    }
    let bar =
        indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr_with_hz(4));
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {elapsed} {pos} articles ({per_sec}) {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    bar
}

/// Runs the whole pipeline over `inputs` into `store`. Bad inputs are reported in the result (and on stderr by the
/// caller), never fatal; the error cases are a missing engine or an unusable store.
pub fn ingest(
    store: &mut SqliteStore,
    engines: &Engines,
    inputs: &[InputSource],
    options: &PipelineOptions,
) -> Result<IngestReport, PipelineError> {
    let started = Instant::now();
    let counters = Counters::default();
    let known = store.raw_hashes()?;
    let (mut dedup, mut clusterer) = restore_state(store, engines)?;
    let mut search = restore_search(store)?;
    let workers = options.workers.max(1);
    let queue = options.queue.max(1);
    let bar = progress_bar(options.progress);
    // Only draw for runs longer than a moment.
    let bar_start = Instant::now();

    let (raw_tx, raw_rx) = bounded::<Item<(RawDoc, String)>>(queue);
    let (clean_tx, clean_rx) = bounded::<Item<Cleaned>>(queue);
    let (dedup_tx, dedup_rx) = bounded::<Item<Cleaned>>(queue);
    let (analyzed_tx, analyzed_rx) = bounded::<Item<Analyzed>>(queue);

    let mut report = IngestReport {
        read: 0,
        stored: 0,
        unchanged: 0,
        duplicates: 0,
        rejected: Vec::new(),
        events: 0,
        stories: 0,
        stages: Vec::new(),
        elapsed_secs: 0.0,
    };

    // Permits bound the items between the reader and the writer. The channels alone do not: the reorder buffers
    // keep draining them while one slow item (a 50 MB page) holds back the release of everything after it.
    let (permit_tx, permit_rx) = bounded::<()>(queue * IN_FLIGHT_PER_QUEUE_SLOT);
    // Items alone do not bound memory either: 256 items of 1 MB each, with their mentions and features, are
    // gigabytes. The byte budget bounds the raw bytes in flight; an input larger than it goes through alone.
    let budget = ByteBudget::new(IN_FLIGHT_BYTES);

    let writer_result: Result<(), PipelineError> = std::thread::scope(|scope| {
        // Reader: inputs → raw docs, numbered in input order.
        let c = &counters;
        let known = &known;
        let budget = &budget;
        scope.spawn(move || {
            let mut seq = 0u64;
            read_inputs(inputs, options.format, &mut |r| {
                c.read.received();
                let bytes = r.as_ref().map_or(0, |raw| raw.body.len());
                let payload = match r {
                    Ok(raw) => {
                        let h = raw_hash(&raw);
                        if known.get(&raw.id) == Some(&h) {
                            c.read.skipped();
                            Payload::Unchanged
                        } else {
                            c.read.processed();
                            Payload::Work((raw, h))
                        }
                    }
                    Err(e) => {
                        c.read.rejected();
                        Payload::Rejected(e.location(), e.to_string())
                    }
                };
                // A closed channel means the writer failed; stop reading quietly.
                if permit_tx.send(()).is_ok() && budget.acquire(seq, bytes) {
                    let _ = raw_tx.send(Item { seq, payload });
                }
                seq += 1;
            });
        });

        // Extract + langid workers.
        let clean_work = |(raw, raw_hash): (RawDoc, String)| clean(&Extractor, engines, c, raw, raw_hash);
        spawn_pool(scope, workers, raw_rx, clean_tx, clean_work);

        // Dedup: stateful, in input order.
        let dedup_ref = &mut dedup;
        scope.spawn(move || {
            let mut order = Reorder::new();
            for item in clean_rx {
                let mut ok = true;
                order.push(item, &mut |seq, payload| {
                    let payload = match payload {
                        Payload::Work(mut cleaned) => {
                            c.dedup.received();
                            let found = if options.dedup {
                                c.dedup
                                    .timed(|| dedup_ref.insert(&cleaned.article.id, &cleaned.article.text))
                            } else {
                                None
                            };
                            if let Some(dup) = found {
                                if dup.id != cleaned.article.id {
                                    cleaned.article.duplicate_of = Some(dup.id);
                                    c.dedup.skipped();
                                } else {
                                    c.dedup.processed();
                                }
                            } else {
                                c.dedup.processed();
                            }
                            Payload::Work(cleaned)
                        }
                        other => other,
                    };
                    ok &= dedup_tx.send(Item { seq, payload }).is_ok();
                });
                if !ok {
                    break;
                }
            }
        });

        // Entities + events + embedding workers.
        // Features come compacted from `doc_features`: an item may wait behind a slow one before the clusterer
        // keeps them.
        let analyze_work = |cleaned: Cleaned| Payload::Work(analyze(engines, c, cleaned));
        spawn_pool(scope, workers, dedup_rx, analyzed_tx, analyze_work);

        // Cluster + store: stateful, in input order, on this thread.
        let mut order = Reorder::new();
        let mut failure: Option<PipelineError> = None;
        let mut since_snapshot = 0usize;
        for item in analyzed_rx.iter() {
            order.push(item, &mut |seq, payload| {
                // This item is done: let the reader take one more.
                let _ = permit_rx.try_recv();
                budget.release(seq);
                if failure.is_some() {
                    return;
                }
                report.read += 1;
                if bar_start.elapsed() > Duration::from_secs(2) {
                    bar.set_position(report.read);
                }
                match payload {
                    Payload::Unchanged => report.unchanged += 1,
                    Payload::Rejected(location, reason) => {
                        if let Err(e) = store.record_rejected(&location, &reason) {
                            failure = Some(e.into());
                        }
                        report.rejected.push((location, reason));
                    }
                    Payload::Work(a) => {
                        match write(store, engines, &mut clusterer, &mut search, c, a) {
                            Ok((events, duplicate)) => {
                                report.stored += 1;
                                report.events += events as u64;
                                report.duplicates += duplicate as u64;
                            }
                            Err(e) => failure = Some(e),
                        }
                        // The dedup index lives on its own thread until the run ends; a crash replays it from
                        // its last snapshot, so only the (costlier to rebuild) clusterer is checkpointed here.
                        since_snapshot += 1;
                        if since_snapshot >= options.snapshot_every && failure.is_none() {
                            since_snapshot = 0;
                            if let Err(e) = save_state(store, None, &clusterer)
                                .and_then(|_| commit_search(store, &mut search))
                            {
                                failure = Some(e);
                            }
                        }
                    }
                }
            });
            if failure.is_some() {
                break;
            }
        }
        drop(analyzed_rx);
        // Unblocks a reader waiting for a permit after a failure.
        drop(permit_rx);
        budget.close();
        match failure {
            Some(e) => Err(e),
            None => Ok(()),
        }
    });
    writer_result?;
    bar.finish_and_clear();

    save_state(store, Some(&dedup), &clusterer)?;
    drop(dedup);
    commit_search(store, &mut search)?;
    // Let the merges this run started finish (else each short run, e.g. one API POST, adds small segments that
    // slow every later search); the index writer's arena is then freed before stories are built.
    search.close().map_err(|e| PipelineError::State {
        stage: SEARCH_STATE,
        message: e.to_string(),
    })?;
    drop(known);
    let stories = build_stories(store, &clusterer)?;
    store.replace_stories(&stories)?;
    report.stories = stories.len() as u64;
    report.stages = counters.report();
    report.elapsed_secs = started.elapsed().as_secs_f64();
    Ok(report)
}

/// Extract + langid for one raw document.
pub(crate) fn clean(
    extractor: &Extractor,
    engines: &Engines,
    c: &Counters,
    raw: RawDoc,
    raw_hash: String,
) -> Payload<Cleaned> {
    let location = raw.source_path.clone();
    c.extract.received();
    let result = c.extract.timed(|| extractor.process(raw));
    c.extract.record(&result);
    let article = match result {
        Ok(a) => a,
        Err(StageError::Skipped(why)) => return Payload::Rejected(location, format!("skipped: {why}")),
        Err(e) => return Payload::Rejected(location, e.to_string()),
    };
    c.langid.received();
    let result = c.langid.timed(|| engines.langid.process(article));
    c.langid.record(&result);
    match result {
        Ok(article) => Payload::Work(Cleaned { article, raw_hash }),
        Err(e) => Payload::Rejected(location, e.to_string()),
    }
}

/// Entities, events and document features for one article. Near-duplicates get their mentions but no events
/// (their original's events already count) and no features (they join their original's story).
pub(crate) fn analyze(engines: &Engines, c: &Counters, cleaned: Cleaned) -> Analyzed {
    let Cleaned { article, raw_hash } = cleaned;
    c.entities.received();
    let mentions = c.entities.timed(|| engines.linker.link(&article));
    c.entities.processed();
    let duplicate = article.duplicate_of.is_some();
    c.events.received();
    let events = if duplicate {
        c.events.skipped();
        Vec::new()
    } else {
        c.events.processed();
        c.events.timed(|| engines.events.extract(&article, &mentions))
    };
    c.embed.received();
    let features = if duplicate {
        c.embed.skipped();
        None
    } else {
        c.embed.processed();
        Some(
            c.embed
                .timed(|| doc_features(engines, &article, &mentions, &events)),
        )
    };
    Analyzed {
        article,
        raw_hash,
        mentions,
        events,
        features,
    }
}

/// Clusters and stores one analysed article. Returns (events written, was a duplicate).
fn write(
    store: &mut SqliteStore,
    engines: &Engines,
    clusterer: &mut Clusterer,
    search: &mut SearchIndex,
    c: &Counters,
    analyzed: Analyzed,
) -> Result<(usize, bool), PipelineError> {
    let Analyzed {
        mut article,
        raw_hash,
        mentions,
        events,
        features,
    } = analyzed;
    let duplicate = article.duplicate_of.is_some();
    let embedding = features.as_ref().map(|f| f.sim.embedding.clone());
    c.cluster.received();
    match features {
        Some(features) => {
            let model = &engines.similarity;
            let story = c.cluster.timed(|| {
                clusterer.add(cluster_doc(&article, features), &|a, b| {
                    story_score(model, &a.features, &b.features)
                })
            });
            article.story_id = Some(story);
            c.cluster.processed();
        }
        None => c.cluster.skipped(),
    }
    c.store.received();
    let n_events = events.len();
    let mut item = StoredArticle {
        article,
        raw_hash,
        mentions,
        events,
        embedding,
    };
    let written = c.store.timed(|| store.write_article(&item, &[]));
    match written {
        Ok(ids) => {
            c.store.processed();
            for (e, id) in item.events.iter_mut().zip(ids) {
                e.id = id;
            }
            search
                .index_article(&item.article, &item.events, &item.mentions)
                .map_err(|e| PipelineError::State {
                    stage: SEARCH_STATE,
                    message: e.to_string(),
                })?;
            Ok((n_events, duplicate))
        }
        Err(e) => {
            c.store.rejected();
            Err(e.into())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use khabar_model::EntityKind;

    fn place(kb: &str, canonical: &str) -> Mention {
        Mention {
            article_id: "a".into(),
            mention: canonical.into(),
            span: [0, 1],
            kind: EntityKind::Place,
            canonical: Some(canonical.into()),
            canonical_ar: None,
            kb_id: Some(kb.into()),
            lat: None,
            lon: None,
            country: None,
            confidence: 1.0,
        }
    }

    #[test]
    fn clusterer_snapshots_round_trip_with_empty_feature_sets() {
        // Regression: a `skip_serializing_if` on a feature field made postcard snapshots unreadable.
        let mut clusterer = Clusterer::try_new(ClusterConfig::default()).unwrap();
        let model = SimilarityModel::default();
        for (id, x) in [("a", 1.0f32), ("b", 0.0)] {
            let features = StoryFeatures {
                sim: DocFeatures {
                    embedding: vec![x, 1.0 - x, 0.5],
                    lang: "ar".into(),
                    ..DocFeatures::default()
                },
                anchor: None,
            };
            let doc = ClusterDoc {
                article_id: id.into(),
                title: None,
                published: None,
                lang: "ar".into(),
                embedding: features.sim.embedding.clone(),
                features,
            };
            clusterer.add(doc, &|a, b| story_score(&model, &a.features, &b.features));
        }
        let mut bytes = Vec::new();
        clusterer.snapshot(&mut bytes).unwrap();
        let restored = Clusterer::restore(bytes.as_slice()).unwrap();
        assert_eq!(restored.stories(), clusterer.stories());
    }

    #[test]
    fn an_unreadable_snapshot_is_rebuilt_from_the_store() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = SqliteStore::open(dir.path()).unwrap();
        store
            .put_state(CLUSTER_STATE, b"{\"through_seq\": 7, \"bytes\": [1, 2, 3]}")
            .unwrap();
        store.put_state(DEDUP_STATE, b"not json").unwrap();
        let Ok(engines) = Engines::load(&crate::resolve_data_dir(None)) else {
            eprintln!("skipping: no data directory (run scripts/setup-data.sh)");
            return;
        };
        let (dedup, clusterer) = restore_state(&store, &engines).unwrap();
        assert!(dedup.is_empty());
        assert!(clusterer.is_empty());
    }

    #[test]
    fn the_camp_counts_for_the_town_and_countries_never_anchor() {
        let mut m = vec![
            place("k:camp", "Baghuz camp"),
            place("k:camp", "Baghuz camp"),
            place("k:baghuz", "Baghuz"),
        ];
        m.extend((0..3).map(|_| place("cc:SY", "Syria")));
        assert_eq!(dominant_place(&m).as_deref(), Some("k:baghuz"));
        let only_country: Vec<Mention> = (0..5).map(|_| place("cc:SY", "Syria")).collect();
        assert_eq!(dominant_place(&only_country), None);
        // One mention among many places is no anchor.
        let scattered = vec![
            place("k:a", "Idlib"),
            place("k:b", "Hama"),
            place("k:c", "Raqqa"),
            place("k:a", "Idlib"),
        ];
        assert_eq!(dominant_place(&scattered), None);
    }

    #[test]
    fn same_anchor_lifts_the_score_only_when_leads_are_close() {
        let model = SimilarityModel::default();
        let mut e1 = vec![0.0f32; 8];
        e1[0] = 1.0;
        let mut e2 = vec![0.0f32; 8];
        e2[0] = 0.6;
        e2[1] = 0.8;
        let mut far = vec![0.0f32; 8];
        far[2] = 1.0;
        let doc = |emb: Vec<f32>, anchor: Option<&str>| StoryFeatures {
            sim: DocFeatures {
                embedding: emb,
                lang: "en".into(),
                ..DocFeatures::default()
            },
            anchor: anchor.map(String::from),
        };
        let a = doc(e1.clone(), Some("k:baghuz"));
        assert!(story_score(&model, &a, &doc(e2.clone(), Some("k:baghuz"))) >= ANCHOR_SCORE);
        assert!(story_score(&model, &a, &doc(far, Some("k:baghuz"))) < ANCHOR_SCORE);
        assert!(story_score(&model, &a, &doc(e2, Some("k:idlib"))) < ANCHOR_SCORE);
    }

    /// The five sample articles bundled with the repository, as (title, body).
    fn sample_texts() -> Vec<(String, String)> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/samples");
        let mut paths: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        paths.sort();
        paths
            .iter()
            .map(|p| {
                let text = std::fs::read_to_string(p).unwrap();
                let (title, body) = text.split_once('\n').unwrap();
                (title.trim().to_string(), body.trim().to_string())
            })
            .collect()
    }

    #[test]
    fn compacted_features_score_every_pair_exactly_as_before() {
        let samples = sample_texts();
        assert_eq!(samples.len(), 5);
        // A site template (subscription notice, footer) as the boilerplate lexicon.
        let template = "Subscribe to our newsletter to receive the latest news and analysis from Syria and the \
            region every morning. All rights reserved. Reproduction of this material without written permission \
            of the editors is prohibited. Follow us on Twitter and Facebook for breaking news updates. \
            اشترك في النشرة البريدية لتصلك آخر الأخبار والتحليلات كل صباح. جميع الحقوق محفوظة.";
        let model = SimilarityModel {
            boilerplate_shingles: khabar_similarity::shingles(template),
            ..SimilarityModel::default()
        };
        let mut docs: Vec<(Option<String>, String)> = samples
            .iter()
            .map(|(t, b)| (Some(t.clone()), b.clone()))
            .collect();
        // Mostly template (boilerplate), and a real article with the template appended (not boilerplate).
        docs.push((None, format!("{template}\nShelling hit Idlib on Sunday.")));
        docs.push((
            samples[0].0.clone().into(),
            format!("{}\n{template}", samples[0].1),
        ));
        let features: Vec<StoryFeatures> = docs
            .iter()
            .enumerate()
            .map(|(i, (title, body))| {
                let mut sim = khabar_similarity::text_only_features(title.as_deref(), body, "en");
                // A distinct, deterministic lead embedding per document.
                sim.embedding = (0..16).map(|d| ((i * 7 + d * 3) % 11) as f32 - 5.0).collect();
                StoryFeatures { sim, anchor: None }
            })
            .collect();
        let compacted: Vec<StoryFeatures> = features
            .iter()
            .cloned()
            .map(|mut f| {
                compact_features(&model, &mut f);
                f
            })
            .collect();
        let boilerplate: Vec<bool> = features
            .iter()
            .map(|f| boilerplate_share(&f.sim, &model.boilerplate_shingles) >= BOILERPLATE_UNKNOWN)
            .collect();
        assert_eq!(boilerplate, [false, false, false, false, false, true, false]);
        for (i, (full, small)) in features.iter().zip(&compacted).enumerate() {
            assert!(full.sim.shingles.len() > 10, "doc {i} has shingles to drop");
            if boilerplate[i] {
                assert!(!small.sim.shingles.is_empty());
                assert!(small.sim.shingles.len() < full.sim.shingles.len());
            } else {
                assert!(small.sim.shingles.is_empty());
            }
            for (j, other) in features.iter().enumerate() {
                let before = story_score(&model, full, other);
                assert_eq!(before, story_score(&model, small, &compacted[j]), "pair {i} {j}");
                assert_eq!(
                    before,
                    story_score(&model, small, other),
                    "pair {i} {j} half compacted"
                );
            }
        }
    }

    #[test]
    fn the_byte_budget_holds_big_items_back_until_the_pipeline_drains() {
        let budget = ByteBudget::new(100);
        assert!(budget.acquire(0, 60));
        assert!(budget.acquire(1, 40));
        std::thread::scope(|s| {
            // 2 does not fit until 0 is released; 3 is larger than the whole budget and waits for everything.
            let waiter = s.spawn(|| budget.acquire(2, 50) && budget.acquire(3, 10_000));
            std::thread::sleep(Duration::from_millis(50));
            assert!(!waiter.is_finished());
            budget.release(0);
            std::thread::sleep(Duration::from_millis(50));
            assert_eq!(budget.lock().held.get(&2), Some(&50));
            assert!(!waiter.is_finished());
            budget.release(1);
            budget.release(2);
            assert!(waiter.join().unwrap());
        });
        assert_eq!(budget.lock().used, 100);
        // Closing refuses new items and wakes a waiting one.
        std::thread::scope(|s| {
            let waiter = s.spawn(|| budget.acquire(4, 1));
            std::thread::sleep(Duration::from_millis(20));
            budget.close();
            assert!(!waiter.join().unwrap());
        });
        budget.release(3);
        assert_eq!(budget.lock().used, 0);
        assert!(!budget.acquire(5, 0));
    }

    #[test]
    fn checkpoints_are_framed_binary_and_old_json_ones_still_read() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = SqliteStore::open(dir.path()).unwrap();
        // Large enough to span several stored rows.
        let body: Vec<u8> = (0..=255u8).cycle().take(9 << 20).collect();
        put_checkpoint(&mut store, CLUSTER_STATE, 42, |w| {
            body.chunks(64 << 10).try_for_each(|piece| w.write_all(piece))
        })
        .unwrap();
        assert!(store.get_state("cluster/2").unwrap().is_some());
        assert_eq!(
            store.get_state_streamed(CLUSTER_STATE).unwrap().unwrap().len(),
            body.len() + 16
        );
        let cp = load_checkpoint(&store, CLUSTER_STATE).unwrap().unwrap();
        assert_eq!((cp.through_seq, cp.bytes), (42, body));
        store
            .put_state(DEDUP_STATE, b"{\"through_seq\": 7, \"bytes\": [1, 2, 3]}")
            .unwrap();
        let old = load_checkpoint(&store, DEDUP_STATE).unwrap().unwrap();
        assert_eq!((old.through_seq, old.bytes), (7, vec![1, 2, 3]));
        store.put_state(SEARCH_STATE, b"KHCKPT1\0\x01").unwrap();
        assert!(load_checkpoint(&store, SEARCH_STATE).is_err());
        assert!(load_checkpoint(&store, "absent").unwrap().is_none());
    }
}
