//! Prints the events of one sentence: `cargo run -p khabar-events --example debug_sentence -- LANG YYYY-MM-DD "text"`.

use khabar_model::Article;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(lang), Some(published), Some(text)) = (args.first(), args.get(1), args.get(2)) else {
        eprintln!("usage: debug_sentence LANG YYYY-MM-DD TEXT");
        std::process::exit(2);
    };
    let extractor = match khabar_events::EventExtractor::new() {
        Ok(x) => x,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    let article = Article {
        id: "debug".into(),
        source_path: String::new(),
        url: None,
        source: None,
        title: None,
        published: chrono::NaiveDate::parse_from_str(published, "%Y-%m-%d").ok(),
        author: None,
        lang: lang.clone(),
        text: text.clone(),
        removed: vec![],
        duplicate_of: None,
        story_id: None,
        content_hash: String::new(),
    };
    println!(
        "dates: {:?}",
        khabar_events::dates::scan(text, lang, article.published)
    );
    println!(
        "quantities: {:?}",
        khabar_events::numbers::find_quantities(text, lang)
    );
    for e in extractor.extract(&article, &[]) {
        println!("{}", serde_json::to_string(&e).unwrap_or_default());
    }
}
