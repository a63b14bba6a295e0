//! Extracts one page and prints the metadata, the body and the removed blocks.
//!
//! `cargo run --release -p khabar-extract --example extract_page -- PAGE.html[.gz] [URL]`
//! (`--text` as first argument reads flattened text instead).

use flate2::read::GzDecoder;
use std::io::Read;

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let text_mode = args.first().is_some_and(|a| a == "--text");
    if text_mode {
        args.remove(0);
    }
    let Some(path) = args.first() else {
        eprintln!("usage: extract_page [--text] FILE [URL]");
        std::process::exit(2);
    };
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(2);
        }
    };
    let bytes = if path.ends_with(".gz") {
        let mut out = Vec::new();
        if let Err(e) = GzDecoder::new(bytes.as_slice()).read_to_end(&mut out) {
            eprintln!("{path}: {e}");
            std::process::exit(2);
        }
        out
    } else {
        bytes
    };
    let input = String::from_utf8_lossy(&bytes);
    let result = if text_mode {
        khabar_extract::extract_text(&input)
    } else {
        khabar_extract::extract_html(&input, args.get(1).map(String::as_str))
    };
    match result {
        Ok(e) => {
            println!(
                "title: {:?}\npublished: {:?}\nauthor: {:?}\nsite: {:?}\nurl: {:?}",
                e.title, e.published, e.author, e.site_name, e.url
            );
            println!("---- text\n{}\n---- removed", e.text);
            for r in &e.removed {
                println!("[{}] {}", r.reason, r.text);
            }
        }
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    }
}
