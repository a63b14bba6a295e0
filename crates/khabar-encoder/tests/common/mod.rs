//! Helpers shared by the encoder's integration tests.

use khabar_encoder::{E5, E5_FILE};

/// The plain multilingual-e5-small from the data directory, or `None` (with a SKIP message) when not installed.
pub fn e5_model() -> Option<E5> {
    let path = khabar_model::default_data_dir().join("e5").join(E5_FILE);
    match E5::load(&path) {
        Ok(m) => Some(m),
        Err(e) => {
            eprintln!("SKIP: multilingual-e5-small not available ({e})");
            None
        }
    }
}
