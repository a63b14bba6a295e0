//! [`SearchIndex`]: open, write, search.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use khabar_model::{Article, EntityKind, Event, Mention};
use khabar_normalize::Normalizer;
use tantivy::collector::TopDocs;
use tantivy::directory::error::LockError;
use tantivy::directory::MmapDirectory;
use tantivy::schema::Value;
use tantivy::snippet::{Snippet, SnippetGenerator};
use tantivy::{
    DocAddress, Index, IndexReader, IndexWriter, Order, ReloadPolicy, TantivyDocument, TantivyError, Term,
};

use crate::analyzer;
use crate::query::{day_number, from_day_number, place_keys, QueryBuilder};
use crate::schema::{self, Fields, MARKER_FILE, PUBLISHED_FIELD, SCHEMA_VERSION};
use crate::{AliasExpander, SearchError, SearchHit, SearchQuery, SearchResult};

/// Hits returned when [`SearchQuery::limit`] is 0.
const DEFAULT_LIMIT: usize = 20;
/// Most hits one query returns.
const MAX_LIMIT: usize = 10_000;
/// Indexing memory budget shared by tantivy's writer threads.
const WRITER_MEMORY_BYTES: usize = 64_000_000;
/// Snippet length in bytes of the fragment (Arabic letters take two).
const SNIPPET_BYTES: usize = 300;
/// Length in chars of the lead used as snippet when no match lies in the body.
const LEAD_CHARS: usize = 160;

/// The full-text index of a khabar database (`<db>/search/`).
///
/// Writes are buffered until [`SearchIndex::commit`]; searches see the last commit. The writer (and its directory
/// lock) is taken on the first write, so any number of processes may open an index to search while one writes.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    writer: Option<IndexWriter>,
    fields: Fields,
    normalizer: Arc<Normalizer>,
    dir: PathBuf,
}

impl SearchIndex {
    /// Opens the index in `dir`, creating the directory and an empty index when missing. Fails with
    /// [`SearchError::SchemaVersion`] when `dir` holds an index of another schema version.
    pub fn open(dir: &Path) -> SearchResult<SearchIndex> {
        std::fs::create_dir_all(dir)?;
        let (schema, fields) = schema::build();
        let directory = MmapDirectory::open(dir).map_err(TantivyError::from)?;
        let index = if Index::exists(&directory).map_err(TantivyError::from)? {
            let found = schema::read_version(dir);
            if found != Some(SCHEMA_VERSION) {
                return Err(SearchError::SchemaVersion {
                    path: dir.display().to_string(),
                    found,
                    expected: SCHEMA_VERSION,
                });
            }
            Index::open(directory)?
        } else {
            let index = Index::create(directory, schema, tantivy::IndexSettings::default())?;
            schema::write_version(dir)?;
            index
        };
        let normalizer = Arc::new(Normalizer::for_matching());
        analyzer::register(&index, &normalizer);
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(SearchIndex {
            index,
            reader,
            writer: None,
            fields,
            normalizer,
            dir: dir.to_path_buf(),
        })
    }

    /// Deletes the index files in `dir` (tantivy's files and the version marker only, nothing else there) and
    /// opens a fresh, empty index: the way to rebuild after a schema version change.
    pub fn recreate(dir: &Path) -> SearchResult<SearchIndex> {
        if dir.is_dir() {
            for entry in std::fs::read_dir(dir)? {
                let path = entry?.path();
                let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
                let ours = matches!(name, "meta.json" | ".managed.json" | MARKER_FILE)
                    || name.starts_with(".tantivy-")
                    || is_segment_file(name);
                if ours && path.is_file() {
                    std::fs::remove_file(&path)?;
                }
            }
        }
        SearchIndex::open(dir)
    }

    /// The directory of the index.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn writer(&mut self) -> SearchResult<&mut IndexWriter> {
        if self.writer.is_none() {
            let writer = self.index.writer(WRITER_MEMORY_BYTES).map_err(|e| match e {
                TantivyError::LockFailure(LockError::LockBusy, detail) => {
                    SearchError::Locked(detail.unwrap_or_else(|| self.dir.display().to_string()))
                }
                other => SearchError::Tantivy(other),
            })?;
            self.writer = Some(writer);
        }
        match self.writer.as_mut() {
            Some(writer) => Ok(writer),
            None => Err(SearchError::Tantivy(TantivyError::InternalError(
                "index writer missing".to_string(),
            ))),
        }
    }

    /// Adds an article with its events and mentions, replacing any earlier version of the same id (indexing one
    /// article twice leaves one document). Events and mentions of other articles are ignored. Visible to searches
    /// after [`SearchIndex::commit`].
    pub fn index_article(
        &mut self,
        article: &Article,
        events: &[Event],
        mentions: &[Mention],
    ) -> SearchResult<()> {
        let doc = self.document(article, events, mentions);
        let id_term = Term::from_field_text(self.fields.id, &article.id);
        let writer = self.writer()?;
        writer.delete_term(id_term);
        writer.add_document(doc)?;
        Ok(())
    }

    fn document(&self, article: &Article, events: &[Event], mentions: &[Mention]) -> TantivyDocument {
        let f = &self.fields;
        let mut doc = TantivyDocument::default();
        doc.add_text(f.id, &article.id);
        doc.add_text(f.lang, article.lang.trim().to_lowercase());
        if let Some(day) = article.published {
            doc.add_i64(f.published, day_number(day));
        }
        if let Some(title) = article.title.as_deref().filter(|t| !t.trim().is_empty()) {
            doc.add_text(f.title_ar, title);
            doc.add_text(f.title_en, title);
        }
        doc.add_text(f.body_ar, &article.text);
        doc.add_text(f.body_en, &article.text);

        let mut kb_ids: BTreeSet<&str> = BTreeSet::new();
        let mut places: BTreeSet<String> = BTreeSet::new();
        let mut families: BTreeSet<&str> = BTreeSet::new();
        for m in mentions.iter().filter(|m| m.article_id == article.id) {
            if let Some(id) = m.kb_id.as_deref() {
                kb_ids.insert(id);
            }
            if m.kind == EntityKind::Place {
                for name in [
                    m.kb_id.as_deref(),
                    m.canonical.as_deref(),
                    m.canonical_ar.as_deref(),
                ] {
                    place_keys(name.unwrap_or_default(), &self.normalizer, &mut places);
                }
                place_keys(&m.mention, &self.normalizer, &mut places);
            }
        }
        for e in events.iter().filter(|e| e.article_id == article.id) {
            families.insert(e.family.as_str());
            if let Some(id) = e.place_kb_id.as_deref() {
                kb_ids.insert(id);
                place_keys(id, &self.normalizer, &mut places);
            }
            place_keys(
                e.place.as_deref().unwrap_or_default(),
                &self.normalizer,
                &mut places,
            );
        }
        for id in kb_ids.into_iter().map(str::trim).filter(|id| !id.is_empty()) {
            doc.add_text(f.kb, id);
        }
        for place in places {
            doc.add_text(f.place, place);
        }
        for family in families {
            doc.add_text(f.family, family);
        }
        doc
    }

    /// Removes an article (no-op when absent). Visible after [`SearchIndex::commit`].
    pub fn delete_article(&mut self, id: &str) -> SearchResult<()> {
        let id_term = Term::from_field_text(self.fields.id, id);
        self.writer()?.delete_term(id_term);
        Ok(())
    }

    /// Makes every write so far durable and visible to searches.
    pub fn commit(&mut self) -> SearchResult<()> {
        if let Some(writer) = self.writer.as_mut() {
            writer.commit()?;
        }
        self.reader.reload()?;
        Ok(())
    }

    /// Commits, then waits for the segment merges that commit started, so that many short runs (one per API
    /// POST) do not leave the index in ever more small segments, which slow every search.
    pub fn close(mut self) -> SearchResult<()> {
        self.commit()?;
        if let Some(writer) = self.writer.take() {
            writer.wait_merging_threads()?;
        }
        Ok(())
    }

    /// Number of searchable segments (each search visits every one).
    pub fn segment_count(&self) -> usize {
        self.reader.searcher().segment_readers().len()
    }

    /// Number of searchable (committed, not deleted) articles.
    pub fn doc_count(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Runs a query, best hits first. Any text is accepted (syntax characters are plain text); a query with no
    /// searchable word and no filter returns no hits. With filters only, every matching article is a hit,
    /// newest first, with score 0.
    pub fn search(
        &self,
        request: &SearchQuery,
        expander: &dyn AliasExpander,
    ) -> SearchResult<Vec<SearchHit>> {
        let mut builder = QueryBuilder {
            fields: &self.fields,
            arabic: analyzer::arabic_analyzer(Arc::clone(&self.normalizer)),
            english: analyzer::english_analyzer(Arc::clone(&self.normalizer)),
            normalizer: &self.normalizer,
        };
        let Some((query, has_text)) = builder.build(request, expander) else {
            return Ok(Vec::new());
        };
        let limit = match request.limit {
            0 => DEFAULT_LIMIT,
            n => n.min(MAX_LIMIT),
        };
        let searcher = self.reader.searcher();
        let top: Vec<(f32, DocAddress)> = if has_text {
            searcher.search(&*query, &TopDocs::with_limit(limit).order_by_score())?
        } else {
            // Filters only: newest first, undated last; no relevance to report.
            let by_date = TopDocs::with_limit(limit).order_by_fast_field::<i64>(PUBLISHED_FIELD, Order::Desc);
            let newest = searcher.search(&*query, &by_date)?;
            newest.into_iter().map(|(_, address)| (0.0, address)).collect()
        };
        if top.is_empty() {
            return Ok(Vec::new());
        }
        let f = &self.fields;
        let mut generators = Vec::new();
        for field in [f.body_ar, f.body_en, f.title_ar, f.title_en] {
            let mut generator = SnippetGenerator::create(&searcher, &*query, field)?;
            generator.set_max_num_chars(SNIPPET_BYTES);
            generators.push(generator);
        }
        let mut hits = Vec::with_capacity(top.len());
        for (score, address) in top {
            let doc: TantivyDocument = searcher.doc(address)?;
            let text_of = |field: tantivy::schema::Field| {
                doc.get_first(field).and_then(|v| v.as_str()).map(str::to_string)
            };
            let body = text_of(f.body_ar).unwrap_or_default();
            let title = text_of(f.title_ar);
            let snippet = best_snippet(&generators, &body, title.as_deref().unwrap_or_default());
            hits.push(SearchHit {
                article_id: text_of(f.id).unwrap_or_default(),
                score,
                snippet,
                title,
                lang: text_of(f.lang).unwrap_or_default(),
                published: doc
                    .get_first(f.published)
                    .and_then(|v| v.as_i64())
                    .and_then(from_day_number),
            });
        }
        Ok(hits)
    }
}

/// tantivy segment and store file names: `<uuid>.<ext>`.
fn is_segment_file(name: &str) -> bool {
    let Some((stem, ext)) = name.split_once('.') else {
        return false;
    };
    stem.len() == 32
        && stem.chars().all(|c| c.is_ascii_hexdigit())
        && ext.chars().all(|c| c.is_ascii_alphanumeric() || c == '.')
}

/// The body fragment with the most highlighted matches over the generators (body ones first), else a title
/// fragment with a match, else the escaped lead of the body.
fn best_snippet(generators: &[SnippetGenerator], body: &str, title: &str) -> String {
    let mut best: Option<Snippet> = None;
    for (i, generator) in generators.iter().enumerate() {
        let is_title = i >= 2;
        if is_title && best.is_some() {
            break;
        }
        let snippet = generator.snippet(if is_title { title } else { body });
        let count = snippet.highlighted().len();
        let best_count = best.as_ref().map(|b| b.highlighted().len()).unwrap_or(0);
        if count > best_count {
            best = Some(snippet);
        }
    }
    match best {
        Some(snippet) => snippet.to_html(),
        None => escape_html(&lead(body)),
    }
}

/// The first [`LEAD_CHARS`] chars of `text`, cut at a space, with an ellipsis when cut.
fn lead(text: &str) -> String {
    let text = text.trim();
    let Some((cut, _)) = text.char_indices().nth(LEAD_CHARS) else {
        return text.to_string();
    };
    let head = text.get(..cut).unwrap_or(text);
    let head = head.rsplit_once(char::is_whitespace).map_or(head, |(h, _)| h);
    format!("{}…", head.trim_end())
}

/// Escapes the five HTML-special characters.
fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lead_cuts_at_a_space_and_escapes() {
        let long = "word ".repeat(100);
        let l = lead(&long);
        assert!(l.ends_with('…'));
        assert!(l.chars().count() <= LEAD_CHARS + 1);
        assert!(!l.contains("wor…"));
        assert_eq!(lead("  short  "), "short");
        assert_eq!(
            escape_html("<a href='x'>&\"</a>"),
            "&lt;a href=&#x27;x&#x27;&gt;&amp;&quot;&lt;/a&gt;"
        );
    }

    #[test]
    fn segment_files_are_recognised_and_others_are_not() {
        assert!(is_segment_file("0123456789abcdef0123456789abcdef.idx"));
        assert!(is_segment_file("0123456789abcdef0123456789abcdef.123.del"));
        assert!(!is_segment_file("khabar.sqlite3"));
        assert!(!is_segment_file("notes.txt"));
    }
}
