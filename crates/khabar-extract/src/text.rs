//! placeholder
use crate::{ExtractError, Extracted};
/// Flattened text inputs longer than this are cut.
pub const MAX_TEXT_BYTES: usize = 2 * 1024 * 1024;
/// Extracts from flattened text.
pub fn extract_text(raw: &str) -> Result<Extracted, ExtractError> {
    Ok(Extracted {
        text: raw.to_string(),
        ..Default::default()
    })
}
