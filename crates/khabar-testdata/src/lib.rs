//! The five sample articles (two English, three Arabic, about the 2019 battle for Baghuz) that tests, benches and
//! examples read: `$KHABAR_SAMPLES` when set, else `../shared/samples` beside the repository, else the copies
//! bundled in `tests/data/samples`. A dev-dependency only: the binary takes its inputs from the command line.

use std::path::{Path, PathBuf};

/// The repository root (this crate lives in `crates/khabar-testdata`).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The directory of the sample articles, or `None` when none of the candidates exists.
pub fn samples_dir() -> Option<PathBuf> {
    let repo = repo_root();
    std::env::var_os("KHABAR_SAMPLES")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .into_iter()
        .chain([repo.join("../shared/samples"), repo.join("tests/data/samples")])
        .find(|d| d.is_dir())
}

/// The sample articles' paths (`*.txt`), sorted by name; empty when no samples directory exists.
pub fn sample_files() -> Vec<PathBuf> {
    let Some(dir) = samples_dir() else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    files
}

/// Every sample article as `(file name, text)`, sorted by name.
///
/// # Panics
/// When a listed file cannot be read.
pub fn samples() -> Vec<(String, String)> {
    sample_files()
        .into_iter()
        .map(|path| {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            (name, text)
        })
        .collect()
}

/// The text of the sample article `name` (e.g. `000_bb25a827665d689f.txt`).
///
/// # Panics
/// When the samples directory or the file is missing: a test that needs a sample cannot go on without it.
pub fn sample(name: &str) -> String {
    let dir = samples_dir().unwrap_or_else(|| panic!("no samples directory (set KHABAR_SAMPLES)"));
    let path = dir.join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_five_samples() {
        let files = sample_files();
        assert_eq!(files.len(), 5, "{files:?}");
        assert!(sample("000_bb25a827665d689f.txt").contains("Bagouz"));
    }
}
