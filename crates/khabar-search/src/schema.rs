//! The index schema and its version marker.

use std::fs;
use std::path::Path;

use serde::{Deserialize, Serialize};
use tantivy::schema::{
    Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions, STORED, STRING,
};

use crate::analyzer::{ARABIC, ENGLISH};
use crate::{SearchError, SearchResult};

/// Version of the schema and analyzers this build writes. Bump it whenever a field or an analyzer changes: an
/// index of another version is refused at open (it must be rebuilt from the store).
pub const SCHEMA_VERSION: u32 = 1;

/// Name of the publication day field (a fast field, for date ordering).
pub(crate) const PUBLISHED_FIELD: &str = "published";

/// Name of the version marker file kept beside tantivy's files.
pub(crate) const MARKER_FILE: &str = "khabar-search.json";

#[derive(Serialize, Deserialize)]
struct Marker {
    schema_version: u32,
}

/// Handles to every field of the schema.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields {
    /// Article id (raw, stored): the delete key.
    pub id: Field,
    /// ISO 639-1 language (raw, stored).
    pub lang: Field,
    /// Publication day as days since 1970-01-01 (indexed, fast, stored).
    pub published: Field,
    /// Title through the Arabic analyzer (stored: the hit's title).
    pub title_ar: Field,
    /// Title through the English analyzer.
    pub title_en: Field,
    /// Body through the Arabic analyzer (stored: snippet source).
    pub body_ar: Field,
    /// Body through the English analyzer.
    pub body_en: Field,
    /// kb ids of the article's mentions and event places (raw).
    pub kb: Field,
    /// Place mentions and event places: kb ids, normalized canonical names and surface forms (raw).
    pub place: Field,
    /// Event families of the article's events (raw).
    pub family: Field,
}

fn text_field(analyzer: &str, stored: bool) -> TextOptions {
    let indexing = TextFieldIndexing::default()
        .set_tokenizer(analyzer)
        .set_index_option(IndexRecordOption::WithFreqsAndPositions);
    let options = TextOptions::default().set_indexing_options(indexing);
    if stored {
        options.set_stored()
    } else {
        options
    }
}

/// Builds the schema and its field handles.
pub(crate) fn build() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let fields = Fields {
        id: builder.add_text_field("id", STRING | STORED),
        lang: builder.add_text_field("lang", STRING | STORED),
        published: builder.add_i64_field(
            PUBLISHED_FIELD,
            NumericOptions::default().set_indexed().set_fast().set_stored(),
        ),
        title_ar: builder.add_text_field("title_ar", text_field(ARABIC, true)),
        title_en: builder.add_text_field("title_en", text_field(ENGLISH, false)),
        body_ar: builder.add_text_field("body_ar", text_field(ARABIC, true)),
        body_en: builder.add_text_field("body_en", text_field(ENGLISH, false)),
        kb: builder.add_text_field("kb", STRING),
        place: builder.add_text_field("place", STRING),
        family: builder.add_text_field("family", STRING),
    };
    (builder.build(), fields)
}

/// Reads the schema version recorded in `dir` (`None` when the marker is missing or unreadable).
pub(crate) fn read_version(dir: &Path) -> Option<u32> {
    let bytes = fs::read(dir.join(MARKER_FILE)).ok()?;
    serde_json::from_slice::<Marker>(&bytes)
        .ok()
        .map(|m| m.schema_version)
}

/// Records [`SCHEMA_VERSION`] in `dir` (written to a temporary file, then renamed).
pub(crate) fn write_version(dir: &Path) -> SearchResult<()> {
    let body = serde_json::to_vec(&Marker {
        schema_version: SCHEMA_VERSION,
    })
    .map_err(|e| SearchError::Io(std::io::Error::other(e)))?;
    let tmp = dir.join(format!("{MARKER_FILE}.tmp"));
    fs::write(&tmp, body)?;
    fs::rename(&tmp, dir.join(MARKER_FILE))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_marker_round_trips_and_missing_reads_none() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(read_version(dir.path()), None);
        write_version(dir.path()).unwrap();
        assert_eq!(read_version(dir.path()), Some(SCHEMA_VERSION));
        fs::write(dir.path().join(MARKER_FILE), b"{not json").unwrap();
        assert_eq!(read_version(dir.path()), None);
    }

    #[test]
    fn schema_names_every_field() {
        let (schema, fields) = build();
        assert_eq!(schema.get_field("body_ar").unwrap(), fields.body_ar);
        assert_eq!(schema.get_field("kb").unwrap(), fields.kb);
        assert_eq!(schema.num_fields(), 10);
    }
}
