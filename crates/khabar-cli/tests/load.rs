//! Load: starts a real `khabar serve` on a free loopback port over a store filled with the sample paragraphs, then
//! drives the story list, search and POST ingest with 1, 8 (and 64) concurrent clients, each run bounded in
//! request count and time. Checks that every request is answered, that the server still answers afterwards and
//! that every POSTed article is retrievable. Latency and requests/s are printed, never asserted: the full run with
//! figures is `bench/load.sh` (`KHABAR_LOAD_FULL=1`, release build); the default is a small correctness run.

mod common;

use common::{data_dir, samples};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Paragraphs (over 120 chars) of the samples, in file order.
fn paragraphs() -> Vec<(String, String)> {
    let mut files: Vec<_> = std::fs::read_dir(samples())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let mut out = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let stem = file.file_stem().unwrap().to_string_lossy().to_string();
        for (i, p) in text.split('\n').filter(|p| p.chars().count() > 120).enumerate() {
            out.push((format!("{stem}-p{i}"), p.to_string()));
        }
    }
    out
}

/// A running `khabar serve`, killed on drop.
struct Server {
    child: Child,
    base: String,
    log: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start_server(data: &Path, dir: &Path) -> Server {
    let bin = env!("CARGO_BIN_EXE_khabar");
    let db = dir.join("db");
    // Fill the store: one article per sample paragraph, plus the whole samples.
    let corpus = dir.join("corpus.jsonl");
    let lines: Vec<String> = paragraphs()
        .into_iter()
        .map(|(id, text)| serde_json::json!({"id": id, "text": text, "published": "2019-03-12"}).to_string())
        .collect();
    std::fs::write(&corpus, lines.join("\n") + "\n").unwrap();
    let o = Command::new(bin)
        .args(["ingest", corpus.to_str().unwrap(), samples().to_str().unwrap()])
        .arg("--db")
        .arg(&db)
        .env("KHABAR_DATA", data)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    let log = dir.join("serve.log");
    let port = free_port();
    let child = Command::new(bin)
        .arg("serve")
        .arg("--db")
        .arg(&db)
        .args(["--addr", &format!("127.0.0.1:{port}")])
        .env("KHABAR_DATA", data)
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let server = Server {
        child,
        base: format!("http://127.0.0.1:{port}"),
        log,
    };
    let agent = agent();
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if agent.get(&format!("{}/api/stories", server.base)).call().is_ok() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "server did not come up: {}",
            server.log_text()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    server
}

impl Server {
    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

fn agent() -> ureq::Agent {
    ureq::AgentBuilder::new()
        .timeout(Duration::from_secs(120))
        .build()
}

#[derive(Clone, Copy, Debug)]
enum Endpoint {
    Stories,
    Search,
    Post,
}

/// What one run (one endpoint at one concurrency) measured.
struct Figures {
    endpoint: Endpoint,
    clients: usize,
    ok: usize,
    errors: Vec<String>,
    secs: f64,
    latencies: Vec<Duration>,
}

impl Figures {
    fn percentile(&self, p: f64) -> f64 {
        if self.latencies.is_empty() {
            return f64::NAN;
        }
        let i = ((self.latencies.len() as f64 * p).ceil() as usize).clamp(1, self.latencies.len()) - 1;
        self.latencies[i].as_secs_f64() * 1000.0
    }

    fn row(&self) -> String {
        format!(
            "| {:?} | {} | {} | {} | {:.1} | {:.1} | {:.1} |",
            self.endpoint,
            self.clients,
            self.ok,
            self.errors.len(),
            self.ok as f64 / self.secs.max(1e-9),
            self.percentile(0.5),
            self.percentile(0.99)
        )
    }
}

const QUERIES: [&str; 6] = [
    "Baghuz",
    "الباغوز",
    "Islamic State",
    "قوات سوريا الديمقراطية",
    "Euphrates",
    "civilians",
];

/// One request; `Ok(Some(id))` for a stored POST.
fn request(
    agent: &ureq::Agent,
    base: &str,
    endpoint: Endpoint,
    n: usize,
    tag: &str,
    paras: &[(String, String)],
) -> Result<Option<String>, String> {
    let response = match endpoint {
        Endpoint::Stories => agent.get(&format!("{base}/api/stories")).call(),
        Endpoint::Search => agent
            .get(&format!("{base}/api/search"))
            .query("q", QUERIES[n % QUERIES.len()])
            .call(),
        Endpoint::Post => {
            let (_, text) = &paras[n % paras.len()];
            let id = format!("load-{tag}-{n}");
            let body = serde_json::json!({
                "id": id,
                "title": format!("Load test dispatch {tag} {n}"),
                "text": format!("{text}\n\nDispatch {tag}-{n} filed at the load test."),
                "published": "2019-03-12",
            });
            let r = agent
                .post(&format!("{base}/api/articles"))
                .set("Content-Type", "application/json")
                .send_string(&body.to_string());
            return match r {
                Ok(resp) => {
                    let v: serde_json::Value =
                        serde_json::from_str(&resp.into_string().map_err(|e| e.to_string())?)
                            .map_err(|e| e.to_string())?;
                    let ids: Vec<&str> = v["ids"]
                        .as_array()
                        .map(|a| a.iter().filter_map(|x| x.as_str()).collect())
                        .unwrap_or_default();
                    if ids.contains(&id.as_str()) && v["errors"].as_array().is_some_and(|e| e.is_empty()) {
                        Ok(Some(id))
                    } else {
                        Err(format!("POST {id}: not stored: {v}"))
                    }
                }
                Err(e) => Err(format!("POST {id}: {}", describe(e))),
            };
        }
    };
    match response {
        Ok(resp) => {
            // Read the whole body: a client that stops reading measures nothing.
            let mut body = Vec::new();
            resp.into_reader()
                .take(64 << 20)
                .read_to_end(&mut body)
                .map_err(|e| e.to_string())?;
            if body.is_empty() {
                Err(format!("{endpoint:?}: empty body"))
            } else {
                Ok(None)
            }
        }
        Err(e) => Err(format!("{endpoint:?}: {}", describe(e))),
    }
}

fn describe(e: ureq::Error) -> String {
    match e {
        ureq::Error::Status(code, resp) => format!("HTTP {code}: {}", resp.into_string().unwrap_or_default()),
        other => other.to_string(),
    }
}

/// Runs `total` requests spread over `clients` threads, stopping early at `budget`.
fn run_level(
    base: &str,
    endpoint: Endpoint,
    clients: usize,
    total: usize,
    budget: Duration,
    paras: &[(String, String)],
    posted: &Mutex<Vec<String>>,
) -> Figures {
    let per_client = total.div_ceil(clients).max(1);
    let start = Instant::now();
    let results: Vec<(Vec<Duration>, Vec<String>)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..clients)
            .map(|t| {
                s.spawn(move || {
                    let agent = agent();
                    let mut lat = Vec::new();
                    let mut errors = Vec::new();
                    let tag = format!("c{clients}t{t}");
                    for n in 0..per_client {
                        if start.elapsed() > budget {
                            break;
                        }
                        let t0 = Instant::now();
                        match request(&agent, base, endpoint, n + t, &tag, paras) {
                            Ok(id) => {
                                lat.push(t0.elapsed());
                                if let Some(id) = id {
                                    posted.lock().unwrap().push(id);
                                }
                            }
                            Err(e) => errors.push(e),
                        }
                    }
                    (lat, errors)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let secs = start.elapsed().as_secs_f64();
    let mut latencies: Vec<Duration> = results.iter().flat_map(|(l, _)| l.iter().copied()).collect();
    latencies.sort();
    Figures {
        endpoint,
        clients,
        ok: latencies.len(),
        errors: results.into_iter().flat_map(|(_, e)| e).collect(),
        secs,
        latencies,
    }
}

#[test]
fn serve_under_concurrent_load_answers_everything_and_loses_no_post() {
    let Some(data) = data_dir() else { return };
    let full = std::env::var_os("KHABAR_LOAD_FULL").is_some_and(|v| v != "0");
    // (clients levels, stories total, search total, post total, time budget per run)
    let (levels, stories, search, post, budget): (&[usize], usize, usize, usize, u64) = if full {
        (&[1, 8, 64], 2000, 1000, 128, 30)
    } else {
        (&[1, 8], 24, 24, 8, 30)
    };
    let dir = tempfile::tempdir().unwrap();
    let server = start_server(&data, dir.path());
    let paras = paragraphs();
    assert!(paras.len() >= 20, "too few sample paragraphs: {}", paras.len());
    let posted = Mutex::new(Vec::new());
    let budget = Duration::from_secs(budget);

    let mut rows = Vec::new();
    let mut errors = Vec::new();
    let mut post_attempts = 0;
    for &clients in levels {
        for (endpoint, total) in [
            (Endpoint::Stories, stories),
            (Endpoint::Search, search),
            (Endpoint::Post, post.max(clients)),
        ] {
            let f = run_level(&server.base, endpoint, clients, total, budget, &paras, &posted);
            eprintln!("load: {}", f.row());
            if matches!(endpoint, Endpoint::Post) {
                post_attempts += f.ok + f.errors.len();
            }
            assert!(
                f.ok > 0,
                "{endpoint:?} x{clients}: nothing answered: {:?}",
                f.errors.first()
            );
            errors.extend(f.errors.iter().take(3).cloned());
            rows.push(f);
        }
    }

    println!("\n| endpoint | clients | ok | errors | req/s | p50 ms | p99 ms |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for f in &rows {
        println!("{}", f.row());
    }

    // Still answering after the load, and every POST that was answered is retrievable.
    let agent = agent();
    assert!(agent.get(&format!("{}/api/stories", server.base)).call().is_ok());
    let posted = posted.into_inner().unwrap();
    let mut lost = Vec::new();
    for id in &posted {
        if let Err(e) = agent.get(&format!("{}/api/articles/{id}", server.base)).call() {
            lost.push(format!("{id}: {}", describe(e)));
        }
    }
    println!(
        "\nPOSTed {} articles ({} attempts), {} not retrievable afterwards",
        posted.len(),
        post_attempts,
        lost.len()
    );
    let log = server.log_text();
    assert!(!log.contains("panicked"), "server panicked:\n{log}");
    assert!(errors.is_empty(), "failed requests: {errors:#?}");
    assert!(lost.is_empty(), "POSTed articles lost: {lost:?}");
    assert_eq!(posted.len(), post_attempts, "every POST must be stored");
}
