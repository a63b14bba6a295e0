//! Hostile inputs: a real `khabar ingest` over ~60 generated files mixing valid articles (built from the sample
//! paragraphs) with invalid UTF-8, windows-1256 Arabic labelled utf-8, 100k-level nesting, comment/CDATA/script
//! tricks, bidi and zero-width characters, NUL bytes, a 1 MB single line, empty and binary files, JSONL with bad
//! lines and truncated feeds. Checks: exit 0 with no panic, every valid article stored, every rejection recorded
//! with a reason. The 10,000-input version with RSS and timing is `bench/hostile.sh`.

mod common;

use common::{data_dir, samples};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Per sample: (is Arabic, paragraphs over 80 chars).
fn sample_docs() -> Vec<(bool, Vec<String>)> {
    let mut files: Vec<_> = std::fs::read_dir(samples())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
        .iter()
        .map(|f| {
            let text = std::fs::read_to_string(f).unwrap();
            let arabic = text
                .chars()
                .filter(|c| ('\u{600}'..='\u{6ff}').contains(c))
                .count()
                > text.len() / 8;
            let paras = text
                .split('\n')
                .map(str::trim)
                .filter(|p| p.chars().count() > 80)
                .map(str::to_string)
                .collect();
            (arabic, paras)
        })
        .collect()
}

/// Deterministic generator: a small LCG, so the corpus is the same on every run.
struct Gen {
    state: u64,
    docs: Vec<(bool, Vec<String>)>,
    files: Vec<(String, Vec<u8>)>,
    valid: Vec<String>,
}

impl Gen {
    fn next(&mut self) -> u64 {
        self.state = self
            .state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.state >> 33
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// A unique, real-shaped article: a numbered title and 3+ paragraphs of one sample (rotated).
    fn article(&mut self, arabic: Option<bool>) -> (String, Vec<String>) {
        let pool: Vec<usize> = (0..self.docs.len())
            .filter(|&i| arabic.is_none_or(|a| self.docs[i].0 == a))
            .collect();
        let d = pool[self.below(pool.len())];
        let n = self.next();
        let len = self.docs[d].1.len();
        let start = self.below(len);
        let k = len.min(3 + self.below(3));
        let paras = &self.docs[d].1;
        let chosen: Vec<String> = (0..k).map(|j| paras[(start + j) % paras.len()].clone()).collect();
        let head: String = chosen[0].chars().take(60).collect();
        let title = if self.docs[d].0 {
            format!("تقرير رقم {n}: {head}")
        } else {
            format!("Dispatch {n}: {head}")
        };
        (title, chosen)
    }

    fn add(&mut self, name: String, bytes: Vec<u8>, valid: bool) {
        if valid {
            self.valid.push(name.clone());
        }
        self.files.push((name, bytes));
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

fn feed(g: &mut Gen) -> String {
    let mut items = String::new();
    for i in 0..3 {
        let (title, paras) = g.article(None);
        let body: String = paras.iter().map(|p| format!("<p>{p}</p>")).collect();
        items += &format!(
            "<item><title>{}</title><link>https://example.org/{i}</link><pubDate>Tue, 12 Mar 2019 10:00:00 GMT</pubDate><description>{}</description></item>",
            escape(&title),
            escape(&body)
        );
    }
    format!("<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel><title>Example</title>{items}</channel></rss>")
}

fn corpus() -> Gen {
    let mut g = Gen {
        state: 42,
        docs: sample_docs(),
        files: Vec::new(),
        valid: Vec::new(),
    };
    assert!(g.docs.iter().any(|d| d.0) && g.docs.iter().any(|d| !d.0));
    for i in 0..12 {
        let (title, paras) = g.article(None);
        g.add(
            format!("valid-{i:02}.txt"),
            format!("{title}\n\n{}\n", paras.join("\n\n")).into_bytes(),
            true,
        );
    }
    for i in 0..8 {
        let (title, paras) = g.article(None);
        let body: String = paras.iter().map(|p| format!("<p>{}</p>\n", escape(p))).collect();
        let html = format!(
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{t}</title></head><body><nav><a href=\"/\">Home</a> | <a href=\"/world\">World</a></nav><article><h1>{t}</h1>{body}</article><footer>© 2019 Example News</footer></body></html>",
            t = escape(&title)
        );
        g.add(format!("valid-{i:02}.html"), html.into_bytes(), true);
    }
    // JSONL: good lines (valid ids) among bad ones.
    for f in 0..2 {
        let mut lines: Vec<Vec<u8>> = Vec::new();
        for j in 0..3 {
            let (title, paras) = g.article(None);
            let id = format!("jl-{f}-{j}");
            lines.push(
                serde_json::json!({"id": id, "title": title, "text": paras.join("\n\n"), "published": "2019-03-12"})
                    .to_string()
                    .into_bytes(),
            );
            g.valid.push(id);
        }
        lines.extend([
            b"{not json".to_vec(),
            b"[1, 2, 3]".to_vec(),
            b"{\"id\": \"no-body\", \"title\": \"no text\"}".to_vec(),
            b"{\"id\": \"bad\", \"text\": \"\xff\xfe broken\"}".to_vec(),
            [b"[".repeat(100_000), b"]".repeat(100_000)].concat(),
            b"{\"text\": \"\\ud800 lone surrogate\"}".to_vec(),
            b"{\"id\": \"cut\", \"text\": \"truncated".to_vec(),
        ]);
        g.add(format!("mixed-{f}.jsonl"), lines.join(&b"\n"[..]), false);
    }
    // Invalid UTF-8 sprinkled through real text.
    for i in 0..3 {
        let (_, paras) = g.article(None);
        let mut bytes = Vec::new();
        for chunk in paras.join("\n\n").as_bytes().chunks(37) {
            bytes.extend_from_slice(chunk);
            bytes.extend_from_slice(
                [&b"\xff"[..], b"\xc3\x28", b"\xed\xa0\x80", b"\x80"][i % 4 + bytes.len() % 2],
            );
        }
        g.add(
            format!("invalid-utf8-{i}.{}", ["txt", "html"][i % 2]),
            bytes,
            false,
        );
    }
    // windows-1256 Arabic labelled utf-8.
    for i in 0..3 {
        let (title, paras) = g.article(Some(true));
        let html = format!(
            "<html><head><meta charset=\"utf-8\"><title>{title}</title></head><body><article>{}</article></body></html>",
            paras.iter().map(|p| format!("<p>{p}</p>")).collect::<String>()
        );
        let (bytes, _, _) = encoding_rs::WINDOWS_1256.encode(&html);
        g.add(format!("cp1256-{i}.html"), bytes.into_owned(), false);
    }
    // 100k-level nesting, closed and unclosed.
    for (i, (open, close)) in [("<div>", "</div>"), ("<b><i>", "")].iter().enumerate() {
        let (_, paras) = g.article(None);
        let html = format!(
            "<html><body>{}<p>{}</p>{}</body></html>",
            open.repeat(100_000),
            escape(&paras[0]),
            close.repeat(100_000)
        );
        g.add(format!("deep-{i}.html"), html.into_bytes(), false);
    }
    // Comment, CDATA and script tricks.
    let tricks = [
        "<!-- </p></article><p>commented out</p> -->",
        "<![CDATA[ </div> cdata ]]>",
        "<script>var s = '</div><p>in script</p>'; if (a < b && c > d) {}</script>",
        "<!--[if IE]><p>conditional</p><![endif]-->",
        "<!-->",
        "<textarea></p><p>in textarea</textarea>",
        "&#0; &#xD800; &#x110000; &#99999999999; &amp &lt",
        "<!-- never closed ",
        "<script>never closed",
    ];
    for (i, trick) in tricks.iter().enumerate() {
        let (title, paras) = g.article(None);
        let body: String = paras
            .iter()
            .map(|p| format!("<p>{}</p>{trick}", escape(p)))
            .collect();
        let html = format!(
            "<html><head><title>{}</title></head><body><article>{body}</article></body></html>",
            escape(&title)
        );
        g.add(format!("tricks-{i}.html"), html.into_bytes(), false);
    }
    // Bidi overrides and zero-width characters.
    for i in 0..3 {
        let (title, paras) = g.article(None);
        let marks = [
            '\u{200b}', '\u{200c}', '\u{200d}', '\u{200f}', '\u{feff}', '\u{202e}', '\u{2066}', '\u{2069}',
        ];
        let text: String = format!("{title}\n\n{}", paras.join("\n\n"))
            .chars()
            .enumerate()
            .flat_map(|(k, c)| [Some(c), (k % 11 == 0).then(|| marks[k % marks.len()])])
            .flatten()
            .collect();
        g.add(
            format!("bidi-{i}.txt"),
            format!("\u{202e}{text}\u{202c}").into_bytes(),
            false,
        );
    }
    // NUL bytes, control characters.
    for i in 0..2 {
        let (_, paras) = g.article(None);
        let mut bytes = paras[0].clone().into_bytes();
        bytes.insert(bytes.len() / 2, 0);
        bytes.insert(bytes.len() / 3, 0);
        g.add(format!("nul-{i}.{}", ["txt", "jsonl"][i]), bytes, false);
    }
    // A 1 MB single line.
    {
        let (_, paras) = g.article(Some(false));
        let words: Vec<&str> = paras.iter().flat_map(|p| p.split_whitespace()).collect();
        let mut line = String::new();
        let mut k = 0;
        while line.len() < 1 << 20 {
            line += words[k % words.len()];
            line.push(' ');
            k += 7;
        }
        g.add("one-mb-line.txt".into(), line.into_bytes(), false);
    }
    // Empty and binary.
    for (i, bytes) in [&b""[..], b"  \n\t\r\n", b"\xef\xbb\xbf", b"<html></html>"]
        .iter()
        .enumerate()
    {
        g.add(
            format!("empty-{i}.{}", ["txt", "html", "jsonl", "html"][i]),
            bytes.to_vec(),
            false,
        );
    }
    for i in 0..3 {
        let mut bytes = [&b"\x89PNG\r\n\x1a\n"[..], b"\x1f\x8b\x08\x00", b"%PDF-1.4\n"][i].to_vec();
        bytes.extend((0..3000).map(|_| (g.next() & 0xff) as u8));
        g.add(format!("binary-{i}.{}", ["html", "txt", "xml"][i]), bytes, false);
    }
    // UTF-16 with a BOM.
    {
        let (_, paras) = g.article(None);
        let mut bytes = vec![0xff, 0xfe];
        bytes.extend(paras.join("\n\n").encode_utf16().flat_map(u16::to_le_bytes));
        g.add("utf16.txt".into(), bytes, false);
    }
    // Truncated feeds.
    for i in 0..3 {
        let f = feed(&mut g).into_bytes();
        let cut = f.len() * (i + 1) / 4;
        g.add(format!("truncated-feed-{i}.xml"), f[..cut].to_vec(), false);
    }
    g
}

#[test]
fn hostile_inputs_never_panic_and_keep_every_valid_article() {
    let Some(data) = data_dir() else { return };
    let g = corpus();
    assert!((55..=70).contains(&g.files.len()), "{} inputs", g.files.len());
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("inputs");
    std::fs::create_dir(&inputs).unwrap();
    for (name, bytes) in &g.files {
        std::fs::write(inputs.join(name), bytes).unwrap();
    }
    let db = dir.path().join("db");
    let out = Command::new(env!("CARGO_BIN_EXE_khabar"))
        .arg("ingest")
        .arg(&inputs)
        .arg("--db")
        .arg(&db)
        .env("KHABAR_DATA", &data)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "panic:\n{stderr}");
    assert!(out.status.success(), "exit {:?}:\n{stderr}", out.status);

    let conn = rusqlite::Connection::open(db.join("khabar.sqlite3")).unwrap();
    let stored: BTreeSet<String> = conn
        .prepare("SELECT id FROM articles")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let missing: Vec<&String> = g.valid.iter().filter(|id| !stored.contains(*id)).collect();
    assert!(
        missing.is_empty(),
        "valid articles not stored: {missing:?}\n{stderr}"
    );

    let rejected: Vec<(String, String)> = conn
        .prepare("SELECT location, reason FROM rejected")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    // Every rejection names its input and says why (more than the location itself).
    for (location, reason) in &rejected {
        let why = reason.strip_prefix(location.as_str()).unwrap_or(reason);
        assert!(
            !location.is_empty() && why.trim_start_matches([':', ' ']).len() >= 5,
            "rejection without a reason: {location:?} {reason:?}"
        );
    }
    // The clearly broken inputs are rejected, not silently dropped.
    let rejected_inputs: BTreeSet<&str> = rejected
        .iter()
        .filter_map(|(l, _)| Path::new(l.split(':').next().unwrap_or(l)).file_name()?.to_str())
        .collect();
    for name in [
        "empty-0.txt",
        "empty-1.html",
        "binary-0.html",
        "binary-2.xml",
        "mixed-0.jsonl",
        "mixed-1.jsonl",
    ] {
        assert!(
            rejected_inputs.contains(name),
            "{name} neither stored nor rejected: {rejected_inputs:?}"
        );
    }
    // Every input file is accounted for: stored as itself, read into records, or rejected with a reason.
    let summary = stderr
        .lines()
        .rev()
        .find(|l| l.contains(" read, "))
        .unwrap_or_default();
    eprintln!(
        "{} inputs, {} valid, {} stored, {} rejected\n{summary}",
        g.files.len(),
        g.valid.len(),
        stored.len(),
        rejected.len()
    );
    for (name, _) in &g.files {
        let accounted = stored.contains(name)
            || rejected_inputs.contains(name.as_str())
            || name.ends_with(".jsonl")
            || name.ends_with(".xml");
        assert!(accounted, "{name}: neither stored nor rejected");
    }
}

/// A second ingest into the same store must read back the snapshots the first one wrote; an unreadable one makes
/// every run replay (and re-embed) the whole store, so time and memory grow with the store, not the batch.
#[test]
fn second_ingest_reads_the_snapshots_the_first_wrote() {
    let Some(data) = data_dir() else { return };
    let mut files: Vec<PathBuf> = std::fs::read_dir(samples())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 3);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    for batch in [&files[..2], &files[2..3]] {
        let out = Command::new(env!("CARGO_BIN_EXE_khabar"))
            .arg("ingest")
            .args(batch)
            .arg("--db")
            .arg(&db)
            .env("KHABAR_DATA", &data)
            .env("KHABAR_LOG", "warn")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{stderr}");
        assert!(!stderr.contains("unreadable snapshot"), "{stderr}");
    }
}
