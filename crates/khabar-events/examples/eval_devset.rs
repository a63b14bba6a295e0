//! Prints the devset figures: `cargo run -p khabar-events --example eval_devset [-- PATH] [--errors]`.

use std::path::PathBuf;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let show_errors = args.iter().any(|a| a == "--errors");
    let path = args
        .iter()
        .find(|a| !a.starts_with("--"))
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/devset/devset.jsonl")));
    match khabar_events::eval_devset(&path) {
        Ok(report) if show_errors => print!("{report:#}"),
        Ok(report) => print!("{report}"),
        Err(e) => {
            eprintln!("eval failed: {e}");
            std::process::exit(1);
        }
    }
}
