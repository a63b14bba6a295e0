//! Ingest: turns files, directories, JSONL, RSS/Atom feeds and stdin into [`RawDoc`]s.
//!
//! Readers are streaming: [`read_inputs`] walks the inputs and hands each document (or the reason it was refused)
//! to a sink as soon as it is read, so the pipeline can push into a bounded channel and apply backpressure. Nothing
//! here panics on input: every problem becomes an [`IngestError`] naming the file (and line or item) and the reason.

#![deny(missing_docs)]

mod decode;
mod error;
mod feed;
mod jsonl;
mod sniff;

pub use decode::{decode_bytes, Decoded};
pub use error::IngestError;
pub use sniff::{sniff_format, InputFormat};

use khabar_model::{BodyFormat, RawDoc};
use std::io::Read;
use std::path::{Path, PathBuf};

/// Documents larger than this are refused (a 50 MB page is accepted; extraction caps its own work).
pub const MAX_INPUT_BYTES: u64 = 64 * 1024 * 1024;

/// Where ingest reads from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputSource {
    /// A file or a directory (walked recursively, hidden files skipped).
    Path(PathBuf),
    /// Standard input (`-`).
    Stdin,
}

impl InputSource {
    /// `-` means stdin, anything else a path.
    pub fn parse(arg: &str) -> InputSource {
        if arg == "-" {
            InputSource::Stdin
        } else {
            InputSource::Path(PathBuf::from(arg))
        }
    }
}

/// Reads every input and calls `sink` once per document or per refused record. Returns `Err` only when an input
/// path cannot be opened at all as a directory walk (a missing path is reported through the sink too).
pub fn read_inputs(
    inputs: &[InputSource],
    format: InputFormat,
    sink: &mut dyn FnMut(Result<RawDoc, IngestError>),
) {
    for input in inputs {
        match input {
            InputSource::Stdin => {
                let mut bytes = Vec::new();
                let limited = std::io::stdin()
                    .lock()
                    .take(MAX_INPUT_BYTES + 1)
                    .read_to_end(&mut bytes);
                match limited {
                    Ok(_) => read_bytes("-", "stdin", &bytes, format, sink),
                    Err(e) => sink(Err(IngestError::Io {
                        path: "-".into(),
                        source: e,
                    })),
                }
            }
            InputSource::Path(path) => read_path(path, format, sink),
        }
    }
}

/// Reads a file or walks a directory.
pub fn read_path(path: &Path, format: InputFormat, sink: &mut dyn FnMut(Result<RawDoc, IngestError>)) {
    if !path.exists() {
        sink(Err(IngestError::Missing {
            path: path.display().to_string(),
        }));
        return;
    }
    if path.is_file() {
        read_file(path, format, sink);
        return;
    }
    let walker = walkdir::WalkDir::new(path)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_str().is_some_and(|n| n.starts_with('.')));
    for entry in walker {
        match entry {
            Ok(e) if e.file_type().is_file() => read_file(e.path(), format, sink),
            Ok(_) => {}
            Err(e) => sink(Err(IngestError::Walk {
                path: path.display().to_string(),
                message: e.to_string(),
            })),
        }
    }
}

/// Reads one file.
pub fn read_file(path: &Path, format: InputFormat, sink: &mut dyn FnMut(Result<RawDoc, IngestError>)) {
    let display = path.display().to_string();
    let len = match std::fs::metadata(path) {
        Ok(m) => m.len(),
        Err(e) => {
            return sink(Err(IngestError::Io {
                path: display,
                source: e,
            }))
        }
    };
    if len > MAX_INPUT_BYTES {
        return sink(Err(IngestError::TooLarge {
            path: display,
            bytes: len,
            limit: MAX_INPUT_BYTES,
        }));
    }
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            return sink(Err(IngestError::Io {
                path: display,
                source: e,
            }))
        }
    };
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("input")
        .to_string();
    read_bytes(&display, &name, &bytes, format.or_extension(path), sink);
}

/// Reads one in-memory input (a file's bytes, stdin, an HTTP body). `display` names it in errors; `name` is the
/// default article id.
pub fn read_bytes(
    display: &str,
    name: &str,
    bytes: &[u8],
    format: InputFormat,
    sink: &mut dyn FnMut(Result<RawDoc, IngestError>),
) {
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return sink(Err(IngestError::TooLarge {
            path: display.into(),
            bytes: bytes.len() as u64,
            limit: MAX_INPUT_BYTES,
        }));
    }
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return sink(Err(IngestError::Empty { path: display.into() }));
    }
    if decode::looks_binary(bytes) {
        return sink(Err(IngestError::Binary { path: display.into() }));
    }
    let format = match format {
        InputFormat::Auto => sniff_format(bytes),
        f => f,
    };
    match format {
        InputFormat::Jsonl => jsonl::read_jsonl(display, name, bytes, sink),
        InputFormat::Rss => feed::read_feed(display, bytes, sink),
        InputFormat::Html | InputFormat::Text | InputFormat::Auto => {
            let body_format = if format == InputFormat::Html {
                BodyFormat::Html
            } else {
                BodyFormat::Text
            };
            let decoded = decode_bytes(bytes, body_format == BodyFormat::Html);
            if decoded.text.trim().is_empty() {
                return sink(Err(IngestError::Empty { path: display.into() }));
            }
            sink(Ok(RawDoc {
                id: name.to_string(),
                source_path: display.to_string(),
                url: None,
                title: None,
                published: None,
                source: None,
                lang: None,
                body: decoded.text,
                format: body_format,
            }))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(bytes: &[u8], format: InputFormat) -> (Vec<RawDoc>, Vec<String>) {
        let mut docs = Vec::new();
        let mut errs = Vec::new();
        read_bytes("t", "t.txt", bytes, format, &mut |r| match r {
            Ok(d) => docs.push(d),
            Err(e) => errs.push(e.to_string()),
        });
        (docs, errs)
    }

    #[test]
    fn empty_and_binary_inputs_are_refused_with_a_reason() {
        let (d, e) = collect(b"  \n\t ", InputFormat::Auto);
        assert!(d.is_empty());
        assert!(e[0].contains("empty"), "{e:?}");
        let (d, e) = collect(
            &[0u8, 159, 146, 150, 0, 0, 1, 2, 3, 0, 0, 0, 7, 8],
            InputFormat::Auto,
        );
        assert!(d.is_empty());
        assert!(e[0].contains("binary"), "{e:?}");
    }

    #[test]
    fn plain_text_becomes_one_text_doc_named_after_the_file() {
        let (d, e) = collect("قسد تعلن السيطرة على الباغوز\n\nنص".as_bytes(), InputFormat::Auto);
        assert!(e.is_empty());
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].id, "t.txt");
        assert_eq!(d[0].format, BodyFormat::Text);
    }

    #[test]
    fn directories_are_walked_in_name_order_and_missing_paths_reported() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("b.txt"), "second article body").unwrap();
        std::fs::write(
            dir.path().join("a.html"),
            "<html><body><p>first</p></body></html>",
        )
        .unwrap();
        std::fs::write(dir.path().join("empty.txt"), "").unwrap();
        std::fs::create_dir(dir.path().join(".git")).unwrap();
        std::fs::write(dir.path().join(".git").join("x.txt"), "hidden").unwrap();
        let mut ids = Vec::new();
        let mut errs = Vec::new();
        let inputs = [
            InputSource::Path(dir.path().to_path_buf()),
            InputSource::parse("/no/such/file.txt"),
        ];
        read_inputs(&inputs, InputFormat::Auto, &mut |r| match r {
            Ok(d) => ids.push((d.id, d.format)),
            Err(e) => errs.push(e.to_string()),
        });
        assert_eq!(
            ids,
            vec![
                ("a.html".to_string(), BodyFormat::Html),
                ("b.txt".to_string(), BodyFormat::Text)
            ]
        );
        assert_eq!(errs.len(), 2, "{errs:?}");
        assert!(errs
            .iter()
            .any(|e| e.contains("empty.txt") && e.contains("empty")));
        assert!(errs.iter().any(|e| e.contains("/no/such/file.txt")));
    }
}
