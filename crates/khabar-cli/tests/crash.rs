//! Crash safety: `kill -9` a real `khabar ingest` at several points while it writes, then check that the store is
//! consistent (no orphan rows, no half-written article), that every article it holds is whole, and that a final
//! run completes the job with no duplicates. Bounded: a few kills, each within a time limit, loopback/temp only.

mod common;

use common::{data_dir, samples};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// One article per paragraph of the samples: real text, many small articles.
fn corpus(path: &Path) -> usize {
    let mut lines = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(samples())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for file in entries {
        let text = std::fs::read_to_string(&file).unwrap();
        let stem = file.file_stem().unwrap().to_string_lossy().to_string();
        for (i, para) in text.split('\n').filter(|p| p.chars().count() > 120).enumerate() {
            let line =
                serde_json::json!({"id": format!("{stem}-p{i}"), "text": para, "published": "2019-03-12"});
            lines.push(line.to_string());
        }
    }
    std::fs::write(path, lines.join("\n") + "\n").unwrap();
    lines.len()
}

fn count(db: &Path, sql: &str) -> i64 {
    let file = db.join("khabar.sqlite3");
    if !file.exists() {
        return 0;
    }
    match rusqlite::Connection::open_with_flags(&file, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY) {
        Ok(c) => c.query_row(sql, [], |r| r.get(0)).unwrap_or(0),
        Err(_) => 0,
    }
}

#[test]
fn kill_nine_mid_ingest_loses_nothing_committed_and_rerun_completes() {
    let Some(data) = data_dir() else { return };
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("corpus.jsonl");
    let total = corpus(&input);
    assert!(total >= 30, "corpus too small: {total}");
    let db = dir.path().join("db");
    let bin = env!("CARGO_BIN_EXE_khabar");
    let args = [
        "ingest",
        input.to_str().unwrap(),
        "--db",
        db.to_str().unwrap(),
        "--workers",
        "2",
    ];

    let mut kills = 0;
    let mut last = 0i64;
    for round in 0..4 {
        let mut child = Command::new(bin)
            .args(args)
            .env("KHABAR_DATA", &data)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Kill once a few more articles have been committed (a different number each round).
        let target = last + 2 + round * 3;
        let deadline = Instant::now() + Duration::from_secs(120);
        let mut finished = false;
        loop {
            if let Ok(Some(_)) = child.try_wait() {
                finished = true;
                break;
            }
            if count(&db, "SELECT COUNT(*) FROM articles") >= target || Instant::now() > deadline {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        if finished {
            break;
        }
        child.kill().unwrap(); // SIGKILL on Unix
        child.wait().unwrap();
        kills += 1;
        let stored = count(&db, "SELECT COUNT(*) FROM articles");
        assert!(stored >= last, "committed articles lost: {stored} < {last}");
        last = stored;
        // After every kill: nothing half-written.
        assert_eq!(
            count(
                &db,
                "SELECT COUNT(*) FROM mentions WHERE article_id NOT IN (SELECT id FROM articles)"
            ),
            0
        );
        assert_eq!(
            count(
                &db,
                "SELECT COUNT(*) FROM events WHERE article_id NOT IN (SELECT id FROM articles)"
            ),
            0
        );
        assert_eq!(
            count(&db, "SELECT COUNT(*) FROM articles WHERE length(text) = 0"),
            0
        );
    }
    assert!(kills >= 1, "the ingest finished before it could be killed");

    let o = Command::new(bin)
        .args(args)
        .env("KHABAR_DATA", &data)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    // The same input in one uninterrupted run is the reference.
    let reference = dir.path().join("reference");
    let o = Command::new(bin)
        .args([
            "ingest",
            input.to_str().unwrap(),
            "--db",
            reference.to_str().unwrap(),
        ])
        .env("KHABAR_DATA", &data)
        .output()
        .unwrap();
    assert!(o.status.success());
    let expected = count(&reference, "SELECT COUNT(*) FROM articles");
    assert!(
        expected as usize >= total - 5,
        "reference kept only {expected} of {total}"
    );
    assert_eq!(count(&db, "SELECT COUNT(*) FROM articles"), expected);
    assert_eq!(count(&db, "SELECT COUNT(DISTINCT id) FROM articles"), expected);
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM events"),
        count(&reference, "SELECT COUNT(*) FROM events")
    );
    let total = expected as usize;
    assert_eq!(count(&db, "SELECT COUNT(*) FROM (SELECT article_id, COUNT(*) c FROM embeddings GROUP BY article_id HAVING c > 1)"), 0);
    // Every article is in exactly one story.
    let stories = Command::new(bin)
        .args(["export", "stories", "--db", db.to_str().unwrap()])
        .output()
        .unwrap();
    let mut members: Vec<String> = String::from_utf8(stories.stdout)
        .unwrap()
        .lines()
        .flat_map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["article_ids"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_str().unwrap().to_string())
                .collect::<Vec<_>>()
        })
        .collect();
    let n = members.len();
    members.sort();
    members.dedup();
    assert_eq!((n, members.len()), (total, total));
    let integrity: String = rusqlite::Connection::open(db.join("khabar.sqlite3"))
        .unwrap()
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(integrity, "ok");
}
