//! Prints the events of a text file as JSONL: `cargo run -p khabar-events --example extract_file -- FILE LANG [YYYY-MM-DD]`.

use khabar_model::Article;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(path), Some(lang)) = (args.first(), args.get(1)) else {
        eprintln!("usage: extract_file FILE LANG [YYYY-MM-DD]");
        std::process::exit(2);
    };
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    };
    let extractor = match khabar_events::EventExtractor::new() {
        Ok(x) => x,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    let article = Article {
        id: path.clone(),
        source_path: path.clone(),
        url: None,
        source: None,
        title: None,
        published: args
            .get(2)
            .and_then(|p| chrono::NaiveDate::parse_from_str(p, "%Y-%m-%d").ok()),
        author: None,
        lang: lang.clone(),
        text,
        removed: vec![],
        duplicate_of: None,
        story_id: None,
        content_hash: String::new(),
    };
    for e in extractor.extract(&article, &[]) {
        println!("{}", serde_json::to_string(&e).unwrap_or_default());
    }
}
