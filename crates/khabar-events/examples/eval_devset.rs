//! Prints the devset figures: `cargo run -p khabar-events --example eval_devset [-- PATH] [--errors]`.

use std::io::Write;
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
        // Write errors (a closed pipe: `| head`) end the output quietly.
        Ok(report) if show_errors => {
            let _ = write!(std::io::stdout(), "{report:#}");
        }
        Ok(report) => {
            let _ = write!(std::io::stdout(), "{report}");
        }
        Err(e) => {
            eprintln!("eval failed: {e}");
            std::process::exit(1);
        }
    }
}
