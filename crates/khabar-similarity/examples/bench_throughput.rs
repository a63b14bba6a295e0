//! Encoder + clustering throughput in articles per second, with 1 and 2 threads: the pipeline's fast path
//! (lead embedding of headline + body cut to `DOC_TOKENS` pieces, the text key sets, then one streaming
//! `StoryClusterer::add` per article scored by the shipped `SimilarityModel`).
//!
//! ```text
//! CARGO_TARGET_DIR=target-similarity cargo run --release -p khabar-similarity --example bench_throughput -- \
//!     [/work/shared/eval/semeval2022t8/train.csv] [--articles 600] [--threads 1,2] [--samples DIR]
//! ```
//! Articles are real text: the shared samples (`khabar_testdata::samples_dir`, 2 en + 3 ar) and, when the SemEval CSV is
//! given, its English and Arabic documents (real news pages, title + body). Each thread count gets its own rayon
//! pool; the clusterer is single-threaded by design (each add depends on the earlier ones), so only the encoder
//! and text features use the pool. Prints wall and CPU seconds per phase and the 1-minute load average before
//! and after: on a shared machine the wall figure depends on what else runs, the CPU figure much less.

use std::path::PathBuf;
use std::time::Instant;

use chrono::NaiveDate;
use khabar_cluster::{ClusterConfig, ClusterDoc, StoryClusterer};
use khabar_encoder::{default_model_dir, Encoder};
use khabar_similarity::eval::read_semeval;
use khabar_similarity::{split_title, text_only_features, DocFeatures, SimilarityModel};
use rayon::prelude::*;

/// CPU seconds used by this process so far (all threads); NaN where /proc is unavailable.
fn cpu_seconds() -> f64 {
    khabar_model::cpu::process_seconds().unwrap_or(f64::NAN)
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "n/a".into())
}

/// (title, body, lang) of every article to process.
fn corpus(
    samples: &PathBuf,
    csv: Option<&PathBuf>,
    limit: usize,
) -> anyhow::Result<Vec<(Option<String>, String, String)>> {
    let mut out = Vec::new();
    let mut paths: Vec<PathBuf> = std::fs::read_dir(samples)
        .map_err(|e| anyhow::anyhow!("{}: {e}", samples.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    paths.sort();
    for p in paths {
        let text = std::fs::read_to_string(&p)?;
        let lang = if khabar_normalize::arabic_ratio(&text) > 0.3 {
            "ar"
        } else {
            "en"
        };
        let (title, body) = split_title(&text);
        out.push((title.map(str::to_string), body.to_string(), lang.to_string()));
    }
    if let Some(csv) = csv {
        let mut seen = std::collections::BTreeSet::new();
        for pair in read_semeval(csv)? {
            for (text, lang) in [(&pair.text1, &pair.lang1), (&pair.text2, &pair.lang2)] {
                if (lang == "en" || lang == "ar") && seen.insert(text.clone()) {
                    let (title, body) = split_title(text);
                    out.push((title.map(str::to_string), body.to_string(), lang.clone()));
                }
            }
        }
    }
    // the samples alone are too few: repeat them rotated so texts differ
    let base = out.len().max(1);
    let mut k = 0;
    while out.len() < limit && base > 0 {
        let (title, body, lang) = out[k % base].clone();
        let words: Vec<&str> = body.split_whitespace().collect();
        let cut = (k * 7 + 3) % words.len().max(1);
        let rotated = words[cut..]
            .iter()
            .chain(&words[..cut])
            .copied()
            .collect::<Vec<_>>()
            .join(" ");
        out.push((title, rotated, lang));
        k += 1;
    }
    out.truncate(limit);
    Ok(out)
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let mut csv: Option<PathBuf> = None;
    let mut limit = 600usize;
    let mut threads = vec![1usize, 2];
    let mut samples = khabar_testdata::samples_dir().unwrap_or_default();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--samples" => samples = args.next().map(PathBuf::from).unwrap_or(samples),
            "--articles" => limit = args.next().unwrap_or_default().parse()?,
            "--threads" => {
                threads = args
                    .next()
                    .unwrap_or_default()
                    .split(',')
                    .map(str::parse)
                    .collect::<Result<_, _>>()?
            }
            _ => csv = Some(PathBuf::from(arg)),
        }
    }
    let dir = default_model_dir().ok_or_else(|| anyhow::anyhow!("no model dir (set KHABAR_DATA)"))?;
    let encoder = Encoder::load(&dir)?;
    let model = SimilarityModel::default();
    let articles = corpus(&samples, csv.as_ref(), limit)?;
    let n = articles.len();
    let ar = articles.iter().filter(|a| a.2 == "ar").count();
    let words: usize = articles.iter().map(|a| a.1.split_whitespace().count()).sum();
    println!(
        "{n} articles ({ar} ar, {} en), {:.0} words each on average; {} cores",
        n - ar,
        words as f64 / n.max(1) as f64,
        std::thread::available_parallelism().map_or(0, usize::from)
    );
    let start_day = NaiveDate::from_ymd_opt(2020, 3, 1).unwrap_or_default();
    for &t in &threads {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(t).build()?;
        let load_before = load_average();
        let (w0, c0) = (Instant::now(), cpu_seconds());
        let (feats, text_cpu): (Vec<DocFeatures>, f64) = pool.install(|| {
            let docs: Vec<(Option<&str>, &str)> = articles
                .iter()
                .map(|(t, b, _)| (t.as_deref(), b.as_str()))
                .collect();
            let embeddings = encoder.embed_documents(&docs);
            let c = cpu_seconds();
            let feats = articles
                .par_iter()
                .zip(embeddings)
                .map(|((title, body, lang), embedding)| DocFeatures {
                    embedding,
                    ..text_only_features(title.as_deref(), body, lang)
                })
                .collect();
            (feats, cpu_seconds() - c)
        });
        let (encode_wall, encode_cpu) = (w0.elapsed().as_secs_f64(), cpu_seconds() - c0);
        let (w1, c1) = (Instant::now(), cpu_seconds());
        let config = ClusterConfig {
            threshold: khabar_similarity::STORY_THRESHOLD,
            ..ClusterConfig::default()
        };
        let mut clusterer: StoryClusterer<DocFeatures> = StoryClusterer::new(config);
        let score_calls = std::cell::Cell::new(0usize);
        let scoring_feats = feats.clone();
        for (i, f) in feats.into_iter().enumerate() {
            // about 100 articles a day, in feed order
            let published = start_day.checked_add_signed(chrono::Duration::days((i / 100) as i64));
            let doc = ClusterDoc {
                article_id: format!("a{i}"),
                title: None,
                published,
                lang: f.lang.clone(),
                embedding: f.embedding.clone(),
                features: DocFeatures { published, ..f },
            };
            clusterer.add(doc, &|a, b| {
                score_calls.set(score_calls.get() + 1);
                model.score(&a.features, &b.features)
            });
        }
        let (cluster_wall, cluster_cpu) = (w1.elapsed().as_secs_f64(), cpu_seconds() - c1);
        let calls = score_calls.get();
        let stories = clusterer.stories().len();
        let wall = encode_wall + cluster_wall;
        println!(
            "{t} thread(s): {:.0} articles/s wall ({:.0} per CPU-second) | encode+features {:.2}s wall {:.2}s cpu \
             ({:.0}/s; text features {:.2}s cpu of it) | cluster {:.2}s wall {:.2}s cpu ({:.0}/s, {stories} stories, {calls} scores) | load \
             {load_before} -> {}",
            n as f64 / wall,
            n as f64 / (encode_cpu + cluster_cpu),
            encode_wall,
            encode_cpu,
            n as f64 / encode_wall,
            text_cpu,
            cluster_wall,
            cluster_cpu,
            n as f64 / cluster_wall,
            load_average()
        );
        // where the clustering time goes: the learned score alone, on the same number of pairs
        let (w2, c2) = (Instant::now(), cpu_seconds());
        let mut sink = 0.0f32;
        let m = scoring_feats.len().max(1);
        for k in 0..calls {
            if let (Some(a), Some(b)) = (scoring_feats.get(k % m), scoring_feats.get((k * 7 + 1) % m)) {
                sink += model.score(a, b);
            }
        }
        println!(
            "    score alone: {calls} calls in {:.2}s wall {:.2}s cpu = {:.1} us cpu per score (checksum {sink:.1})",
            w2.elapsed().as_secs_f64(),
            cpu_seconds() - c2,
            1e6 * (cpu_seconds() - c2) / calls.max(1) as f64
        );
    }
    Ok(())
}
