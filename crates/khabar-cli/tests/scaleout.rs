//! Scale-out mode end to end against real servers: PostgreSQL 18 + pgvector (`KHABAR_PG_URL`, or started by
//! scripts/services.sh) and a nats-server with JetStream started per test. Several `khabar worker` processes share
//! the queue; a worker killed with SIGKILL mid-run loses nothing; a malformed message is dead-lettered; an
//! unreachable store is named in the error without its password. Skips, saying why, only when a server cannot start.

mod common;

use khabar_bus::testing::NatsServer;
use khabar_bus::Bus;
use khabar_store::StoreRead;
use khabar_store_pg::testing::TestDb;
use khabar_store_pg::PgStore;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// How long JetStream waits for an acknowledgement before redelivering, for every process of these tests.
const ACK_WAIT: &str = "5";

fn khabar(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_khabar"))
        .env("KHABAR_ACK_WAIT", ACK_WAIT)
        .arg("--data")
        .arg(data)
        .args(args)
        .output()
        .unwrap()
}

fn spawn_worker(data: &Path, db: &str, bus: &str, drain: bool) -> Child {
    let mut c = Command::new(env!("CARGO_BIN_EXE_khabar"));
    c.env("KHABAR_ACK_WAIT", ACK_WAIT)
        .arg("--data")
        .arg(data)
        .args(["worker", "--store", db, "--bus", bus]);
    if drain {
        c.arg("--drain");
    }
    c.stdout(Stdio::null()).stderr(Stdio::piped()).spawn().unwrap()
}

fn ok_out(out: &Output) -> Vec<u8> {
    ok(out);
    out.stdout.clone()
}

fn ok(out: &Output) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(out.status.success(), "khabar failed: {stderr}");
    stderr
}

/// Servers and data, or `None` after the reason was printed.
fn setup() -> Option<(std::path::PathBuf, TestDb, NatsServer)> {
    let data = common::data_dir()?;
    let db = TestDb::new()?;
    let nats = NatsServer::start()?;
    Some((data, db, nats))
}

#[test]
fn samples_through_two_workers_form_the_same_story_as_the_embedded_run() {
    let Some((data, db, nats)) = setup() else { return };
    let samples = common::samples();
    let samples = samples.to_str().unwrap();
    let queued = ok(&khabar(
        &data,
        &["ingest", "--store", &db.url, "--bus", &nats.url, samples],
    ));
    assert!(queued.contains("5 queued"), "{queued}");
    // A message no reader wrote: it must be dead-lettered, not retried forever or counted as an article.
    let bus = Bus::connect(&nats.url).unwrap();
    bus.publish("garbage", b"{\"id\": 7, \"body\": [}".to_vec())
        .unwrap();

    let workers: Vec<Child> = (0..2)
        .map(|_| spawn_worker(&data, &db.url, &nats.url, true))
        .collect();
    let mut reports = String::new();
    for w in workers {
        let out = w.wait_with_output().unwrap();
        reports.push_str(&ok(&out));
    }
    assert!(reports.contains("1 dead-lettered"), "{reports}");
    let dead = bus.dead_letters(10).unwrap();
    assert_eq!(dead.len(), 1);
    assert!(dead[0].0.starts_with("malformed message"), "{:?}", dead[0].0);

    let store = PgStore::connect(&db.url).unwrap();
    assert_eq!(store.article_count().unwrap(), 5);
    assert!(store.check_consistency().unwrap().is_empty());
    let stories = store.stories().unwrap();
    assert_eq!(stories.len(), 1, "{stories:?}");
    assert_eq!(stories[0].article_ids.len(), 5);
    assert!(stories[0].langs.contains(&"ar".to_string()) && stories[0].langs.contains(&"en".to_string()));

    // The embedded default finds the same events in the same articles.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    ok(&khabar(&data, &["run", samples, "--out", out.to_str().unwrap()]));
    let embedded = std::fs::read_to_string(out.join("events.jsonl")).unwrap();
    assert_eq!(store.events().unwrap().len(), embedded.lines().count());
    let stories_embedded = std::fs::read_to_string(out.join("stories.jsonl")).unwrap();
    assert_eq!(stories_embedded.lines().count(), 1);

    // Exports and search read the shared store.
    let csv = khabar(
        &data,
        &["export", "events", "--store", &db.url, "--format", "csv"],
    );
    let csv_text = String::from_utf8_lossy(&csv.stdout);
    ok(&csv);
    assert_eq!(csv_text.lines().count(), embedded.lines().count() + 1);
    let hits = store
        .search(
            &[vec!["الباغوز".to_string(), "باغوز".to_string()]],
            Some("ar"),
            None,
            None,
            10,
        )
        .unwrap();
    assert!(!hits.is_empty());

    // The CLI's search on the shared store: an English spelling finds the Arabic reports too.
    let found = khabar(
        &data,
        &["search", "Baghouz", "--store", &db.url, "--lang", "ar", "--json"],
    );
    let found_text = String::from_utf8_lossy(&found.stdout).to_string();
    ok(&found);
    assert!(found_text.lines().count() >= 2, "{found_text}");
    // Filters by place (any spelling) and event family on the shared store, as on the embedded index.
    let by_place = khabar(
        &data,
        &["search", "قسد", "--store", &db.url, "--place", "Idlib", "--json"],
    );
    let by_place = String::from_utf8_lossy(&ok_out(&by_place)).to_string();
    assert!(by_place.contains("004_ea737063e230775b.txt"), "{by_place}");
    assert!(!by_place.contains("001_304fbf79cd7fc7b7.txt"), "{by_place}");
    let strikes = khabar(
        &data,
        &[
            "search",
            "Baghouz",
            "--store",
            &db.url,
            "--family",
            "airstrike",
            "--json",
        ],
    );
    let strikes = String::from_utf8_lossy(&ok_out(&strikes)).to_string();
    let all = khabar(&data, &["search", "Baghouz", "--store", &db.url, "--json"]);
    let all = String::from_utf8_lossy(&ok_out(&all)).to_string();
    assert!(strikes.lines().count() >= 1 && strikes.lines().count() <= all.lines().count());

    // Re-ingesting the same files queues nothing.
    let again = ok(&khabar(
        &data,
        &["ingest", "--store", &db.url, "--bus", &nats.url, samples],
    ));
    assert!(
        again.contains("0 queued") && again.contains("5 unchanged"),
        "{again}"
    );

    // The API and UI over the shared store; a POST goes to the queue.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr = format!("127.0.0.1:{port}");
    let mut server = Command::new(env!("CARGO_BIN_EXE_khabar"))
        .env("KHABAR_ACK_WAIT", ACK_WAIT)
        .arg("--data")
        .arg(&data)
        .args(["serve", "--store", &db.url, "--bus", &nats.url, "--addr", &addr])
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let base = format!("http://{addr}");
    let deadline = Instant::now() + Duration::from_secs(120);
    let stories = loop {
        match ureq::get(&format!("{base}/api/stories")).call() {
            Ok(r) => break r.into_string().unwrap(),
            Err(_) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(200)),
            Err(e) => panic!("server did not answer: {e}"),
        }
    };
    let stories: serde_json::Value = serde_json::from_str(&stories).unwrap();
    assert_eq!(stories["items"][0]["article_ids"].as_array().unwrap().len(), 5);
    let page = ureq::get(&format!("{base}/stories/s1"))
        .call()
        .unwrap()
        .into_string()
        .unwrap();
    assert!(page.contains("الباغوز"));
    let hits = ureq::get(&format!("{base}/api/search?q=Baghouz"))
        .call()
        .unwrap()
        .into_string()
        .unwrap();
    assert!(hits.contains("004_ea737063e230775b.txt"), "{hits}");
    let posted = ureq::post(&format!("{base}/api/articles"))
        .set("Content-Type", "application/json")
        .send_string(r#"{"id":"post-1","text":"The Syrian Democratic Forces said on Monday that 30 Islamic State fighters surrendered in Baghuz.","published":"2019-03-12"}"#)
        .unwrap()
        .into_string()
        .unwrap();
    let _ = server.kill();
    let _ = server.wait();
    let posted: serde_json::Value = serde_json::from_str(&posted).unwrap();
    assert_eq!(posted["queued"], 1, "{posted}");
    assert_eq!(bus.pending().unwrap(), 1);
}

#[test]
fn a_worker_killed_mid_run_loses_nothing_and_leaves_nothing_half_written() {
    let Some((data, db, nats)) = setup() else { return };
    // 24 articles: the samples under new ids, with the first sentence changed so most are not near-copies.
    let dir = tempfile::tempdir().unwrap();
    let mut lines = Vec::new();
    let files: Vec<_> = std::fs::read_dir(common::samples())
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    for i in 0..24 {
        let text = std::fs::read_to_string(&files[i % files.len()]).unwrap();
        let body = format!(
            "Dispatch {i} from the field desk, filed at hour {}.\n{text}",
            i * 7 % 24
        );
        lines.push(serde_json::json!({"id": format!("kill-{i}"), "text": body}).to_string());
    }
    let jsonl = dir.path().join("batch.jsonl");
    std::fs::write(&jsonl, lines.join("\n")).unwrap();
    ok(&khabar(
        &data,
        &[
            "ingest",
            "--store",
            &db.url,
            "--bus",
            &nats.url,
            jsonl.to_str().unwrap(),
        ],
    ));

    let store = PgStore::connect(&db.url).unwrap();
    let mut victim = spawn_worker(&data, &db.url, &nats.url, false);
    let deadline = Instant::now() + Duration::from_secs(300);
    while store.article_count().unwrap() < 3 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    // SIGKILL: no chance to finish the article in hand or to acknowledge it.
    victim.kill().unwrap();
    victim.wait().unwrap();
    let at_kill = store.article_count().unwrap();
    assert!(at_kill < 24, "the worker finished before it could be killed");
    assert!(store.check_consistency().unwrap().is_empty());

    // A fresh worker finishes the rest, and gets the message the victim held once its ack wait (5 s here) runs
    // out: it is recognised as stored (when the kill came after the commit) or done from scratch.
    let rest = spawn_worker(&data, &db.url, &nats.url, true)
        .wait_with_output()
        .unwrap();
    ok(&rest);
    assert_eq!(store.article_count().unwrap(), 24);
    assert!(store.check_consistency().unwrap().is_empty());
    let ids: std::collections::BTreeSet<String> =
        store.articles().unwrap().into_iter().map(|a| a.id).collect();
    assert_eq!(ids.len(), 24);
    // Every article sits in exactly one stored story.
    let members: usize = store.stories().unwrap().iter().map(|s| s.article_ids.len()).sum();
    assert_eq!(members, 24);
}

#[test]
fn a_worker_survives_its_database_connections_being_cut() {
    let Some((data, db, nats)) = setup() else { return };
    let samples = common::samples();
    ok(&khabar(
        &data,
        &[
            "ingest",
            "--store",
            &db.url,
            "--bus",
            &nats.url,
            samples.to_str().unwrap(),
        ],
    ));
    let worker = spawn_worker(&data, &db.url, &nats.url, true);
    // Cut every connection to the test database three times, from the first stored article on.
    let store = PgStore::connect(&db.url).unwrap();
    let deadline = Instant::now() + Duration::from_secs(300);
    while store.article_count().unwrap() == 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    drop(store);
    let mut admin = postgres::Client::connect(&db.admin, postgres::NoTls).unwrap();
    let mut cut = 0;
    for _ in 0..3 {
        std::thread::sleep(Duration::from_millis(300));
        let rows = admin
            .query(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
                &[&db.name],
            )
            .unwrap();
        cut += rows.len();
    }
    let out = worker.wait_with_output().unwrap();
    let report = ok(&out);
    assert!(cut > 0, "no connection was cut");
    let store = PgStore::connect(&db.url).unwrap();
    assert_eq!(store.article_count().unwrap(), 5, "{report}");
    assert!(store.check_consistency().unwrap().is_empty());
    assert_eq!(
        store
            .stories()
            .unwrap()
            .iter()
            .map(|s| s.article_ids.len())
            .sum::<usize>(),
        5
    );
}

#[test]
fn an_unreachable_store_is_named_without_its_password() {
    let Some(data) = common::data_dir() else { return };
    let out = khabar(
        &data,
        &[
            "export",
            "stories",
            "--store",
            "postgres://khabar:s3cret@127.0.0.1:1/khabar",
        ],
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("127.0.0.1:1"), "{err}");
    assert!(!err.contains("s3cret"), "{err}");
}
