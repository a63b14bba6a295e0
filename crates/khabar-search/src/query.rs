//! Turns a [`SearchQuery`] into a tantivy query, term by term (no query parser: user text is never syntax).

use std::collections::BTreeSet;
use std::ops::Bound;

use chrono::{Datelike, NaiveDate};
use khabar_normalize::{strip_prefixes, Normalizer};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, Occur, PhraseQuery, Query, RangeQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::Term;
use unicode_segmentation::UnicodeSegmentation;

use crate::analyzer::terms;
use crate::schema::Fields;
use crate::{AliasExpander, SearchQuery};

/// Query words beyond this many are ignored (a pasted paragraph still searches; a 2 KB blob stays cheap).
pub(crate) const MAX_QUERY_WORDS: usize = 32;
/// Words longer than this (bytes) are skipped and never handed to the expander.
const MAX_WORD_BYTES: usize = 120;
/// Longest query phrase (in words) offered to the expander as one name ("Deir ez-Zor").
const MAX_NAME_WORDS: usize = 3;
/// Aliases used per query word (geonames rows can carry hundreds).
const MAX_ALIASES: usize = 48;
/// Phrases longer than this many terms are not built (an alias that long is noise).
const MAX_PHRASE_TERMS: usize = 8;
/// Weight of a query word's clitic-free variant relative to the word's own stem.
const VARIANT_BOOST: f32 = 0.5;
/// Weight of a title match relative to a body match.
const TITLE_BOOST: f32 = 2.0;

/// Days since the Common Era for a date: the value stored in the `published` field.
pub(crate) fn day_number(date: NaiveDate) -> i64 {
    i64::from(date.num_days_from_ce())
}

/// The inverse of [`day_number`].
pub(crate) fn from_day_number(day: i64) -> Option<NaiveDate> {
    i32::try_from(day)
        .ok()
        .and_then(NaiveDate::from_num_days_from_ce_opt)
}

/// The keys a place is indexed and looked up under: the value as given (kb ids), its normalized form, and the
/// normalized form without the Arabic article ("الباغوز" → "باغوز").
pub(crate) fn place_keys(value: &str, normalizer: &Normalizer, out: &mut BTreeSet<String>) {
    let raw = value.trim();
    if raw.is_empty() {
        return;
    }
    out.insert(raw.to_string());
    let normalized = normalizer.normalize(raw);
    let normalized = normalized.split_whitespace().collect::<Vec<_>>().join(" ");
    if normalized.is_empty() {
        return;
    }
    out.insert(strip_prefixes(&normalized).to_string());
    out.insert(normalized);
}

/// Everything needed to build queries of one index.
pub(crate) struct QueryBuilder<'a> {
    pub fields: &'a Fields,
    pub arabic: TextAnalyzer,
    pub english: TextAnalyzer,
    pub normalizer: &'a Normalizer,
}

impl QueryBuilder<'_> {
    /// The query for `request` and whether it has text to rank by, or `None` when it asks for nothing (no
    /// searchable word, no filter).
    pub fn build(
        &mut self,
        request: &SearchQuery,
        expander: &dyn AliasExpander,
    ) -> Option<(Box<dyn Query>, bool)> {
        let groups = self.text_groups(&request.text, expander);
        let filters = self.filters(request, expander);
        if groups.is_empty() && filters.is_empty() {
            return None;
        }
        let has_text = !groups.is_empty();
        let text: Box<dyn Query> = if groups.is_empty() {
            Box::new(AllQuery)
        } else {
            Box::new(BooleanQuery::new(
                groups.into_iter().map(|g| (Occur::Should, g)).collect(),
            ))
        };
        if filters.is_empty() {
            return Some((text, has_text));
        }
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, text)];
        for filter in filters {
            clauses.push((Occur::Must, Box::new(ConstScoreQuery::new(filter, 0.0))));
        }
        Some((Box::new(BooleanQuery::new(clauses)), has_text))
    }

    /// One query per name or word of the text: the longest run of up to [`MAX_NAME_WORDS`] words that the
    /// expander knows is one group, any other word is a group of its own.
    fn text_groups(&mut self, text: &str, expander: &dyn AliasExpander) -> Vec<Box<dyn Query>> {
        let words: Vec<(usize, &str)> = text
            .split_word_bound_indices()
            .filter(|(_, w)| w.len() <= MAX_WORD_BYTES && w.chars().any(char::is_alphanumeric))
            .take(MAX_QUERY_WORDS)
            .collect();
        let mut groups = Vec::new();
        let mut i = 0;
        while i < words.len() {
            let mut taken = 1;
            let mut name = words[i].1;
            let mut aliases = Vec::new();
            let mut kb_ids = Vec::new();
            for len in (2..=MAX_NAME_WORDS).rev() {
                let Some(&(last_start, last)) = words.get(i + len - 1) else {
                    continue;
                };
                let Some(phrase) = text.get(words[i].0..last_start + last.len()) else {
                    continue;
                };
                let expanded = expander.expand(phrase);
                let ids = expander.kb_ids(phrase);
                if !expanded.is_empty() || !ids.is_empty() {
                    (taken, name, aliases, kb_ids) = (len, phrase, expanded, ids);
                    break;
                }
            }
            if taken == 1 {
                aliases = expander.expand(name);
                kb_ids = expander.kb_ids(name);
            }
            if let Some(group) = self.group(name, &aliases, &kb_ids) {
                groups.push(group);
            }
            i += taken;
        }
        groups
    }

    /// Any spelling of one name or word, in any text field, or one of its kb ids.
    fn group(&mut self, name: &str, aliases: &[String], kb_ids: &[String]) -> Option<Box<dyn Query>> {
        let f = *self.fields;
        let mut seen: BTreeSet<(Field, Vec<Vec<String>>)> = BTreeSet::new();
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let spellings = std::iter::once(name).chain(aliases.iter().take(MAX_ALIASES).map(String::as_str));
        for spelling in spellings {
            let arabic_terms = terms(&mut self.arabic, spelling);
            let english_terms = terms(&mut self.english, spelling);
            for (field, field_terms, boost) in [
                (f.title_ar, &arabic_terms, TITLE_BOOST),
                (f.body_ar, &arabic_terms, 1.0),
                (f.title_en, &english_terms, TITLE_BOOST),
                (f.body_en, &english_terms, 1.0),
            ] {
                if field_terms.is_empty()
                    || field_terms.len() > MAX_PHRASE_TERMS
                    || !seen.insert((field, field_terms.clone()))
                {
                    continue;
                }
                let query = text_query(field, field_terms);
                let query: Box<dyn Query> = if boost == 1.0 {
                    query
                } else {
                    Box::new(BoostQuery::new(query, boost))
                };
                clauses.push((Occur::Should, query));
            }
        }
        let mut ids: BTreeSet<&str> = BTreeSet::new();
        for id in std::iter::once(name)
            .chain(aliases.iter().map(String::as_str))
            .chain(kb_ids.iter().map(String::as_str))
        {
            let id = id.trim();
            if !id.is_empty() && id.len() <= MAX_WORD_BYTES {
                ids.insert(id);
            }
        }
        for id in ids {
            let term = Term::from_field_text(f.kb, id);
            clauses.push((
                Occur::Should,
                Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
            ));
        }
        if clauses.is_empty() {
            return None;
        }
        Some(Box::new(BooleanQuery::new(clauses)))
    }

    /// The filter clauses of the request (each must match; none scores).
    fn filters(&self, request: &SearchQuery, expander: &dyn AliasExpander) -> Vec<Box<dyn Query>> {
        let f = self.fields;
        let mut out: Vec<Box<dyn Query>> = Vec::new();
        if let Some(lang) = request.lang.as_deref().map(str::trim).filter(|l| !l.is_empty()) {
            let term = Term::from_field_text(f.lang, &lang.to_lowercase());
            out.push(Box::new(TermQuery::new(term, IndexRecordOption::Basic)));
        }
        if request.from.is_some() || request.to.is_some() {
            let bound = |d: Option<NaiveDate>| match d {
                Some(d) => Bound::Included(Term::from_field_i64(f.published, day_number(d))),
                None => Bound::Unbounded,
            };
            out.push(Box::new(RangeQuery::new(bound(request.from), bound(request.to))));
        }
        if let Some(place) = request.place.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
            let mut keys = BTreeSet::new();
            place_keys(place, self.normalizer, &mut keys);
            for alias in expander.expand(place).iter().take(MAX_ALIASES) {
                place_keys(alias, self.normalizer, &mut keys);
            }
            for id in expander.kb_ids(place) {
                place_keys(&id, self.normalizer, &mut keys);
            }
            let terms: Vec<Term> = keys.iter().map(|k| Term::from_field_text(f.place, k)).collect();
            out.push(Box::new(BooleanQuery::new_multiterms_query(terms)));
        }
        if let Some(family) = request.family {
            let term = Term::from_field_text(f.family, family.as_str());
            out.push(Box::new(TermQuery::new(term, IndexRecordOption::Basic)));
        }
        out
    }
}

/// For one word, any of its stems (main stem or clitic-free variant); for several, the phrase of main stems.
fn text_query(field: Field, field_terms: &[Vec<String>]) -> Box<dyn Query> {
    if let [alternatives] = field_terms {
        let mut queries: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (i, t) in alternatives.iter().enumerate() {
            let term = Term::from_field_text(field, t);
            let query: Box<dyn Query> = Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs));
            // A clitic-free variant may be a misreading ("وزارة" is not و + "زارة"): it counts for less.
            let query: Box<dyn Query> = if i == 0 {
                query
            } else {
                Box::new(BoostQuery::new(query, VARIANT_BOOST))
            };
            queries.push((Occur::Should, query));
        }
        if queries.len() == 1 {
            if let Some((_, query)) = queries.pop() {
                return query;
            }
        }
        return Box::new(BooleanQuery::new(queries));
    }
    let terms: Vec<Term> = field_terms
        .iter()
        .filter_map(|alternatives| alternatives.first())
        .map(|t| Term::from_field_text(field, t))
        .collect();
    Box::new(PhraseQuery::new(terms))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_numbers_round_trip_and_order() {
        let a = NaiveDate::from_ymd_opt(2019, 3, 10).unwrap();
        let b = NaiveDate::from_ymd_opt(2019, 3, 11).unwrap();
        assert_eq!(day_number(b) - day_number(a), 1);
        assert_eq!(from_day_number(day_number(a)), Some(a));
        assert_eq!(from_day_number(i64::MAX), None);
    }

    #[test]
    fn place_keys_cover_raw_normalized_and_article_free_forms() {
        let n = Normalizer::for_matching();
        let mut keys = BTreeSet::new();
        place_keys(" الْباغوز ", &n, &mut keys);
        assert!(keys.contains("الباغوز"));
        assert!(keys.contains("باغوز"));
        let mut keys = BTreeSet::new();
        place_keys("Deir  ez-Zor", &n, &mut keys);
        assert!(keys.contains("deir ez-zor"));
        let mut keys = BTreeSet::new();
        place_keys("   ", &n, &mut keys);
        assert!(keys.is_empty());
    }
}
