//! `khabar`: multilingual conflict news → events and claims. See `khabar --help` and shared/CONTRACT.md.

mod commands;

use anyhow::Result;
use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// `--e5`, shared by the commands that cluster.
#[derive(clap::Args)]
struct E5Flag {
    /// Cluster with multilingual-e5-small leads as well (closer to the full-text score; ~100 ms of CPU per
    /// article; embedded store only: a restored or scale-out candidate is scored without them).
    #[arg(long)]
    e5: bool,
}

/// khabar reads multilingual conflict news and turns it into a deduplicated, cross-lingual database of events and
/// claims, each traceable to the sentence it came from.
#[derive(Parser)]
#[command(name = "khabar", version, about)]
struct Cli {
    /// Data directory (gazetteer, name table, encoder weights) made by scripts/setup-data.sh.
    #[arg(long, global = true, env = "KHABAR_DATA")]
    data: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

/// Input format for ingest.
#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    Auto,
    Text,
    Html,
    Jsonl,
    Rss,
}

/// Tables that can be exported.
#[derive(Clone, Copy, ValueEnum)]
enum Table {
    Articles,
    Entities,
    Events,
    Stories,
    Claims,
}

/// Export formats.
#[derive(Clone, Copy, ValueEnum)]
enum OutFormat {
    Jsonl,
    Csv,
    Geojson,
}

/// Evaluations on the data in ../shared/eval.
#[derive(Subcommand)]
enum Eval {
    /// Body extraction P/R/F1 on an extraction benchmark directory (ground-truth.json + html/).
    Extraction { dir: PathBuf },
    /// Arabic→Latin transliteration: generation top-1 and linking recall@1/MRR.
    Translit {
        /// Training pairs (arabic<TAB>latin).
        #[arg(long)]
        train: Option<PathBuf>,
        /// Evaluation pairs.
        eval: Option<PathBuf>,
    },
    /// Cross-lingual similarity: Pearson vs -Overall with k-fold cross-validation.
    Semeval {
        csv: PathBuf,
        #[arg(long, default_value_t = 5)]
        folds: usize,
        /// Also write the model fitted on all pairs (JSON; the one khabar-similarity embeds is
        /// crates/khabar-similarity/data/default_model.json).
        #[arg(long)]
        write_model: Option<PathBuf>,
        /// Also write each pair's out-of-fold score beside its gold Overall (TSV), for error analysis.
        #[arg(long)]
        oof: Option<PathBuf>,
        /// Also write every pair's out-of-fold feature values (TSV, with its CV fold: what the shipped model is
        /// fitted on), for trying model forms elsewhere.
        #[arg(long)]
        dump_features: Option<PathBuf>,
        /// Keep the multilingual-e5-small vectors in this file and read them back on the next run (keyed by the
        /// model, its adapter and the text, so a stale vector is never read): a rerun after a feature change skips
        /// most of the encoder work.
        #[arg(long, env = "KHABAR_EMBEDDING_CACHE")]
        embedding_cache: Option<PathBuf>,
        /// Also run the nested cross-fitted CV with these e5 adapters, each trained without two folds
        /// (tools/e5-finetune/, NESTED=1).
        #[arg(long)]
        nested_adapters: Option<PathBuf>,
    },
    /// Event extraction precision/recall on the event dev set.
    Events { devset: Option<PathBuf> },
}

/// Knowledge-base maintenance.
#[derive(Subcommand)]
enum Kb {
    /// Builds the knowledge base under DATA/kb from the gazetteer, name table and curated file.
    Build {
        /// Only when it is missing, was built by an older khabar, or a source file under DATA changed since.
        #[arg(long)]
        if_stale: bool,
    },
}

#[derive(Subcommand)]
enum Command {
    /// Ingest files, directories (recursive) or - for stdin into the store.
    Ingest {
        #[arg(required = true)]
        paths: Vec<String>,
        /// Store directory.
        #[arg(long, env = "KHABAR_DB", default_value = "khabar-data")]
        db: PathBuf,
        #[arg(long, value_enum, default_value = "auto")]
        format: FormatArg,
        /// Worker threads per parallel stage (default: all cores).
        #[arg(long)]
        workers: Option<usize>,
        /// Scale-out store (postgres://…); with --bus, documents are queued for `khabar worker` processes.
        #[arg(long, env = "KHABAR_STORE")]
        store: Option<String>,
        /// Scale-out work queue (nats://…, NATS JetStream).
        #[arg(long, env = "KHABAR_BUS")]
        bus: Option<String>,
        /// In scale-out mode, wait until workers have processed everything queued.
        #[arg(long)]
        wait: bool,
        #[command(flatten)]
        e5: E5Flag,
    },
    /// Scale-out worker: takes documents from the bus, runs every stage, writes to the shared store.
    Worker {
        /// PostgreSQL store URL (postgres://user@127.0.0.1:PORT/khabar).
        #[arg(long, env = "KHABAR_STORE")]
        store: String,
        /// NATS URL (nats://127.0.0.1:PORT).
        #[arg(long, env = "KHABAR_BUS")]
        bus: String,
        /// Worker threads in this process.
        #[arg(long, default_value_t = 1)]
        threads: usize,
        /// Exit when the queue is empty instead of waiting for more.
        #[arg(long)]
        drain: bool,
    },
    /// Ingest into a fresh DIR/db, then write DIR/{articles,entities,events,stories}.jsonl.
    Run {
        #[arg(required = true)]
        paths: Vec<String>,
        #[arg(long)]
        out: PathBuf,
        #[arg(long, value_enum, default_value = "auto")]
        format: FormatArg,
        #[arg(long)]
        workers: Option<usize>,
        #[command(flatten)]
        e5: E5Flag,
    },
    /// Export a table as JSONL, CSV or GeoJSON.
    Export {
        #[arg(value_enum)]
        table: Table,
        #[arg(long, env = "KHABAR_DB", default_value = "khabar-data")]
        db: PathBuf,
        #[arg(long, value_enum, default_value = "jsonl")]
        format: OutFormat,
        /// Output file (default: stdout).
        #[arg(short = 'o', long)]
        output: Option<PathBuf>,
        /// Prepend a UTF-8 byte-order mark to CSV (for Excel).
        #[arg(long)]
        bom: bool,
        /// Read from a scale-out store (postgres://…) instead of --db.
        #[arg(long, env = "KHABAR_STORE")]
        store: Option<String>,
    },
    /// Same-story similarity of two article files, or of JSONL pairs with --pairs.
    Similarity {
        a: Option<PathBuf>,
        b: Option<PathBuf>,
        #[arg(long, conflicts_with_all = ["a", "b"])]
        pairs: Option<PathBuf>,
    },
    /// Full-text search in any language, with spellings of names expanded across scripts.
    Search {
        query: String,
        #[arg(long, env = "KHABAR_DB", default_value = "khabar-data")]
        db: PathBuf,
        /// One line of JSON per hit: {"article_id", "score", "snippet", ...}.
        #[arg(long)]
        json: bool,
        #[arg(long, default_value_t = 10)]
        limit: usize,
        /// Only articles in this language (ISO 639-1).
        #[arg(long)]
        lang: Option<String>,
        /// Only articles published on or after this day (YYYY-MM-DD).
        #[arg(long)]
        from: Option<chrono::NaiveDate>,
        /// Only articles published on or before this day (YYYY-MM-DD).
        #[arg(long)]
        to: Option<chrono::NaiveDate>,
        /// Only articles mentioning this place (name in any script, or kb id).
        #[arg(long)]
        place: Option<String>,
        /// Only articles with an event of this family (airstrike, shelling, ...).
        #[arg(long)]
        family: Option<String>,
        /// Search a scale-out store (postgres://…) instead of --db.
        #[arg(long, env = "KHABAR_STORE")]
        store: Option<String>,
    },
    /// HTTP API (OpenAPI at /openapi.json) and web UI, on 127.0.0.1 by default.
    Serve {
        #[arg(long, env = "KHABAR_DB", default_value = "khabar-data")]
        db: PathBuf,
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: String,
        /// Serve a scale-out store (postgres://…) instead of --db.
        #[arg(long, env = "KHABAR_STORE")]
        store: Option<String>,
        /// With --store: POST /api/articles queues documents on this bus (nats://…) for workers.
        #[arg(long, env = "KHABAR_BUS")]
        bus: Option<String>,
    },
    /// Throughput figures of the pipeline on a corpus.
    Bench {
        /// Corpus to ingest repeatedly (default: ../shared/samples).
        paths: Vec<String>,
        /// Copies of the corpus to run (ids made unique per copy).
        #[arg(long, default_value_t = 20)]
        copies: usize,
        #[arg(long)]
        workers: Option<usize>,
        #[command(flatten)]
        e5: E5Flag,
    },
    /// Evaluations with printed figures.
    #[command(subcommand)]
    Eval(Eval),
    /// Knowledge-base maintenance.
    #[command(subcommand)]
    Kb(Kb),
}

fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("KHABAR_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    if let Err(e) = dispatch(cli) {
        eprintln!("khabar: {e:#}");
        std::process::exit(1);
    }
}

fn dispatch(cli: Cli) -> Result<()> {
    let data = khabar_pipeline::resolve_data_dir(cli.data.as_deref());
    match cli.command {
        Command::Ingest {
            paths,
            db,
            format,
            workers,
            store,
            bus,
            wait,
            e5: E5Flag { e5 },
        } => match (store, bus) {
            (None, None) => commands::ingest(&data, &paths, &db, format.into(), workers, e5),
            (Some(_), Some(_)) if e5 => {
                anyhow::bail!("--e5 is for the embedded store: scale-out workers score lead-only")
            }
            (Some(store), Some(bus)) => commands::ingest_queued(&store, &bus, &paths, format.into(), wait),
            _ => anyhow::bail!("scale-out ingest needs both --store postgres://… and --bus nats://…"),
        },
        Command::Worker {
            store,
            bus,
            threads,
            drain,
        } => commands::worker(&data, &store, &bus, threads, drain),
        Command::Run {
            paths,
            out,
            format,
            workers,
            e5: E5Flag { e5 },
        } => commands::run(&data, &paths, &out, format.into(), workers, e5),
        Command::Export {
            table,
            db,
            format,
            output,
            bom,
            store,
        } => commands::export(
            table.into(),
            &db,
            store.as_deref(),
            format.into(),
            output.as_deref(),
            bom,
        ),
        Command::Similarity { a, b, pairs } => commands::similarity(&data, a, b, pairs),
        Command::Search {
            query,
            db,
            json,
            limit,
            lang,
            from,
            to,
            place,
            family,
            store,
        } => {
            let filters = commands::SearchFilters {
                lang,
                from,
                to,
                place,
                family,
            };
            match store {
                Some(url) => commands::search_store(&data, &url, &query, json, limit, filters),
                None => commands::search(&data, &db, &query, json, limit, filters),
            }
        }
        Command::Serve { db, addr, store, bus } => {
            commands::serve(&data, &db, &addr, store.as_deref(), bus.as_deref())
        }
        Command::Bench {
            paths,
            copies,
            workers,
            e5: E5Flag { e5 },
        } => commands::bench(&data, &paths, copies, workers, e5),
        Command::Eval(e) => match e {
            Eval::Extraction { dir } => commands::eval_extraction(&dir),
            Eval::Translit { train, eval } => commands::eval_translit(train, eval),
            Eval::Semeval {
                csv,
                folds,
                write_model,
                oof,
                dump_features,
                embedding_cache,
                nested_adapters,
            } => commands::eval_semeval(
                &data,
                &csv,
                folds,
                commands::SemevalOutputs {
                    write_model: write_model.as_deref(),
                    oof: oof.as_deref(),
                    dump_features: dump_features.as_deref(),
                },
                commands::SemevalInputs {
                    embedding_cache: embedding_cache.as_deref(),
                    nested_adapters: nested_adapters.as_deref(),
                },
            ),
            Eval::Events { devset } => commands::eval_events(devset),
        },
        Command::Kb(Kb::Build { if_stale }) => commands::kb_build(&data, if_stale),
    }
}

impl From<FormatArg> for khabar_ingest::InputFormat {
    fn from(f: FormatArg) -> Self {
        match f {
            FormatArg::Auto => khabar_ingest::InputFormat::Auto,
            FormatArg::Text => khabar_ingest::InputFormat::Text,
            FormatArg::Html => khabar_ingest::InputFormat::Html,
            FormatArg::Jsonl => khabar_ingest::InputFormat::Jsonl,
            FormatArg::Rss => khabar_ingest::InputFormat::Rss,
        }
    }
}

impl From<Table> for commands::Table {
    fn from(t: Table) -> Self {
        match t {
            Table::Articles => commands::Table::Articles,
            Table::Entities => commands::Table::Entities,
            Table::Events => commands::Table::Events,
            Table::Stories => commands::Table::Stories,
            Table::Claims => commands::Table::Claims,
        }
    }
}

impl From<OutFormat> for khabar_export::ExportFormat {
    fn from(f: OutFormat) -> Self {
        match f {
            OutFormat::Jsonl => khabar_export::ExportFormat::Jsonl,
            OutFormat::Csv => khabar_export::ExportFormat::Csv,
            OutFormat::Geojson => khabar_export::ExportFormat::Geojson,
        }
    }
}
