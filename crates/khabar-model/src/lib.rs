//! khabar's shared data model.
//!
//! Every pipeline stage speaks these types: a [`RawDoc`] comes out of ingest, an [`Article`] out of extraction,
//! and the analysis stages attach [`Mention`]s, [`Event`]s and finally a [`Story`]. The JSON shape of these types
//! *is* the output contract (`shared/CONTRACT.md`): add fields freely, never rename or remove one.
//!
//! Character offsets (`span`) are Unicode scalar (char) offsets into [`Article::text`], half-open.

#![deny(missing_docs)]

mod counters;
pub mod cpu;
pub mod snapshot;
mod span;
mod stage;

pub use counters::{CounterSnapshot, StageCounters};
pub use span::{byte_to_char_offsets, char_span_of_bytes, CharIndex};
pub use stage::{Stage, StageError};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The data directory (gazetteer, name table, encoder weights, knowledge base) when no flag names one:
/// `$KHABAR_DATA` when set and non-empty, else `~/.local/share/khabar`.
pub fn default_data_dir() -> std::path::PathBuf {
    if let Some(dir) = std::env::var_os("KHABAR_DATA").filter(|d| !d.is_empty()) {
        return std::path::PathBuf::from(dir);
    }
    let home = std::env::var_os("HOME")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| ".".into());
    home.join(".local").join("share").join("khabar")
}

/// How an input's body is encoded before extraction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BodyFormat {
    /// Flattened text as scraped (may still hold menus, share widgets, comment forms).
    Text,
    /// A web page.
    Html,
}

/// One input document as read by ingest, before boilerplate removal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RawDoc {
    /// The input's own id (JSONL `id`, feed item guid) or the file name.
    pub id: String,
    /// Where the document was read from (file path, `path:line` for JSONL, feed path + item index).
    pub source_path: String,
    /// Canonical URL when known.
    pub url: Option<String>,
    /// Title given by the container (JSONL `title`, feed item title); extraction may find a better one.
    pub title: Option<String>,
    /// Publication date given by the container.
    pub published: Option<NaiveDate>,
    /// Publisher name given by the container.
    pub source: Option<String>,
    /// Language given by the container (ISO 639-1); language ID still runs when absent.
    pub lang: Option<String>,
    /// The body, already decoded to UTF-8.
    pub body: String,
    /// Whether `body` is HTML or flattened text.
    pub format: BodyFormat,
}

/// A block of the input that extraction dropped, with the reason (`boilerplate`, `related`, `share`, `comments`,
/// `donation`, `navigation`, `title`, `metadata`, ...).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Removed {
    /// The dropped text (trimmed).
    pub text: String,
    /// Why it was dropped.
    pub reason: String,
}

/// A cleaned article: the unit every analysis stage works on. Serialises to one `articles.jsonl` line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Article {
    /// The input's own id or the file name.
    pub id: String,
    /// Where it was read from.
    pub source_path: String,
    /// Canonical URL when known.
    pub url: Option<String>,
    /// Publisher name.
    pub source: Option<String>,
    /// Headline.
    pub title: Option<String>,
    /// Publication date (`YYYY-MM-DD`), null when unknown; never invented.
    pub published: Option<NaiveDate>,
    /// Author byline when found.
    #[serde(default)]
    pub author: Option<String>,
    /// ISO 639-1 language code (`und` when undetermined).
    pub lang: String,
    /// The article body only, as displayed. Spans point into this text.
    pub text: String,
    /// Blocks dropped by extraction.
    #[serde(default)]
    pub removed: Vec<Removed>,
    /// The id of the earlier article this one is a near-copy of.
    pub duplicate_of: Option<String>,
    /// The story this article belongs to.
    pub story_id: Option<String>,
    /// Hex SHA-256 of the normalized body, used for idempotent ingest.
    #[serde(default)]
    pub content_hash: String,
}

impl Article {
    /// An article with only an id and a body (language `und`, no metadata): the shape tests, examples and
    /// benchmarks need. The source path is the id.
    pub fn from_text(id: impl Into<String>, text: impl Into<String>) -> Article {
        let id = id.into();
        Article {
            source_path: id.clone(),
            id,
            url: None,
            source: None,
            title: None,
            published: None,
            author: None,
            lang: "und".into(),
            text: text.into(),
            removed: Vec::new(),
            duplicate_of: None,
            story_id: None,
            content_hash: String::new(),
        }
    }
}

/// What kind of thing an entity mention names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EntityKind {
    /// An armed group, army, coalition or government acting in the conflict.
    Actor,
    /// A place: town, camp, region, river, country.
    Place,
    /// A named person.
    Person,
    /// A non-combatant organisation: news agency, monitor, UN body, NGO.
    Org,
}

/// One entity mention in one article. Serialises to one `entities.jsonl` line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mention {
    /// The article the mention is in.
    pub article_id: String,
    /// The mention exactly as written (`text[span]`).
    pub mention: String,
    /// Char span into the article text.
    pub span: [usize; 2],
    /// What it names.
    pub kind: EntityKind,
    /// English canonical name (shared by all spellings of one thing).
    pub canonical: Option<String>,
    /// Arabic canonical name.
    pub canonical_ar: Option<String>,
    /// Knowledge-base id; all spellings of one thing share it. Null when the mention could not be linked.
    pub kb_id: Option<String>,
    /// Latitude, places only.
    pub lat: Option<f64>,
    /// Longitude, places only.
    pub lon: Option<f64>,
    /// ISO 3166-1 alpha-2 country of a place, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// Link confidence in 0..1.
    #[serde(default)]
    pub confidence: f32,
}

/// Event families of the contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EventFamily {
    /// Armed clashes, fighting, offensives.
    Battle,
    /// Air or drone strikes.
    Airstrike,
    /// Artillery, mortar, rocket shelling.
    Shelling,
    /// Bombing, ambush, assassination, suicide attack.
    Attack,
    /// Control of territory taken or lost.
    Territory,
    /// Arrests and detentions.
    Arrest,
    /// Surrender of fighters.
    Surrender,
    /// People fleeing, evacuated or leaving.
    Displacement,
    /// Mass graves or bodies found.
    Discovery,
    /// Protests and demonstrations.
    Protest,
    /// Agreements, truces, deals.
    Agreement,
    /// Anything else with a count worth keeping.
    Other,
}

impl EventFamily {
    /// All families, in contract order.
    pub const ALL: [EventFamily; 12] = [
        EventFamily::Battle,
        EventFamily::Airstrike,
        EventFamily::Shelling,
        EventFamily::Attack,
        EventFamily::Territory,
        EventFamily::Arrest,
        EventFamily::Surrender,
        EventFamily::Displacement,
        EventFamily::Discovery,
        EventFamily::Protest,
        EventFamily::Agreement,
        EventFamily::Other,
    ];

    /// The contract name (`"airstrike"`).
    pub fn as_str(self) -> &'static str {
        match self {
            EventFamily::Battle => "battle",
            EventFamily::Airstrike => "airstrike",
            EventFamily::Shelling => "shelling",
            EventFamily::Attack => "attack",
            EventFamily::Territory => "territory",
            EventFamily::Arrest => "arrest",
            EventFamily::Surrender => "surrender",
            EventFamily::Displacement => "displacement",
            EventFamily::Discovery => "discovery",
            EventFamily::Protest => "protest",
            EventFamily::Agreement => "agreement",
            EventFamily::Other => "other",
        }
    }

    /// Parses a contract name.
    pub fn parse(name: &str) -> Option<EventFamily> {
        EventFamily::ALL.into_iter().find(|f| f.as_str() == name)
    }
}

/// Count roles of the contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CountRole {
    /// People killed.
    Killed,
    /// People wounded.
    Wounded,
    /// People displaced.
    Displaced,
    /// People arrested or detained.
    Arrested,
    /// Fighters who surrendered.
    Surrendered,
    /// People missing.
    Missing,
    /// People evacuated.
    Evacuated,
}

impl CountRole {
    /// All roles, in contract order.
    pub const ALL: [CountRole; 7] = [
        CountRole::Killed,
        CountRole::Wounded,
        CountRole::Displaced,
        CountRole::Arrested,
        CountRole::Surrendered,
        CountRole::Missing,
        CountRole::Evacuated,
    ];

    /// The contract name (`"killed"`).
    pub fn as_str(self) -> &'static str {
        match self {
            CountRole::Killed => "killed",
            CountRole::Wounded => "wounded",
            CountRole::Displaced => "displaced",
            CountRole::Arrested => "arrested",
            CountRole::Surrendered => "surrendered",
            CountRole::Missing => "missing",
            CountRole::Evacuated => "evacuated",
        }
    }

    /// Parses a contract name.
    pub fn parse(name: &str) -> Option<CountRole> {
        CountRole::ALL.into_iter().find(|r| r.as_str() == name)
    }
}

/// A claimed quantity as a range: exact numbers have `min == max`; "more than 7,000" has `max: None`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountRange {
    /// Lower bound.
    pub min: Option<u64>,
    /// Upper bound, null when open.
    pub max: Option<u64>,
}

impl CountRange {
    /// An exact number.
    pub fn exact(n: u64) -> CountRange {
        CountRange {
            min: Some(n),
            max: Some(n),
        }
    }

    /// True when two claimed ranges share at least one value (open bounds extend to infinity / zero).
    pub fn overlaps(&self, other: &CountRange) -> bool {
        let lo_a = self.min.unwrap_or(0);
        let lo_b = other.min.unwrap_or(0);
        let hi_a = self.max.unwrap_or(u64::MAX);
        let hi_b = other.max.unwrap_or(u64::MAX);
        lo_a <= hi_b && lo_b <= hi_a
    }
}

/// How much of a date the text fixes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DatePrecision {
    /// Year, month and day known.
    Day,
    /// Year and month known (`date` holds the 1st).
    Month,
    /// Only the year known (`date` holds January 1st).
    Year,
    /// Nothing known.
    Unknown,
}

/// One event: a fact an analyst counts, with its evidence. Serialises to one `events.jsonl` line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Event id, unique in a database (`e12`).
    pub id: String,
    /// The article it comes from.
    pub article_id: String,
    /// What happened.
    pub family: EventFamily,
    /// When it happened, resolved against the publication date.
    pub date: Option<NaiveDate>,
    /// How much of `date` the text fixes.
    pub date_precision: DatePrecision,
    /// English canonical place name.
    pub place: Option<String>,
    /// The place's knowledge-base id.
    pub place_kb_id: Option<String>,
    /// Latitude of the place.
    pub lat: Option<f64>,
    /// Longitude of the place.
    pub lon: Option<f64>,
    /// Who acted (canonical names where linked).
    pub actors: Vec<String>,
    /// Who was acted on.
    pub targets: Vec<String>,
    /// Claimed quantities by role.
    pub counts: BTreeMap<CountRole, CountRange>,
    /// True when the text reports it as a claim or rumour.
    pub hedged: bool,
    /// Sources the sentence credits.
    pub attributed_to: Vec<String>,
    /// The evidence sentence, verbatim (two adjacent sentences when the second gives the toll of an incident the
    /// first told without one).
    pub sentence: String,
    /// Char span of the evidence sentence(s) in the article text.
    pub span: [usize; 2],
    /// The story of the article.
    pub story_id: Option<String>,
}

/// One source's claim inside a [`Conflict`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Claim {
    /// The event carrying the claim.
    pub event_id: String,
    /// Claimed lower bound.
    pub min: Option<u64>,
    /// Claimed upper bound.
    pub max: Option<u64>,
    /// Who the claim is attributed to (or the publisher when unattributed).
    pub source: String,
    /// The article carrying the claim.
    #[serde(default)]
    pub article_id: String,
}

/// Sources that disagree about one count of one incident.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Conflict {
    /// The count role in dispute (`killed`).
    pub what: CountRole,
    /// The incident's place.
    pub place: Option<String>,
    /// The incident's date.
    pub date: Option<NaiveDate>,
    /// The disagreeing claims.
    pub claims: Vec<Claim>,
}

/// A group of articles, in any language, reporting one real-world development. One `stories.jsonl` line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Story {
    /// Story id (`s1`).
    pub id: String,
    /// Title, from the earliest or most central article.
    pub title: Option<String>,
    /// Member articles.
    pub article_ids: Vec<String>,
    /// Languages present.
    pub langs: Vec<String>,
    /// Earliest publication date.
    pub first_published: Option<NaiveDate>,
    /// Latest publication date.
    pub last_published: Option<NaiveDate>,
    /// Places of the story's events and mentions (canonical names).
    pub places: Vec<String>,
    /// Events of the member articles.
    pub event_ids: Vec<String>,
    /// Counts that sources dispute.
    pub conflicts: Vec<Conflict>,
}

/// Sentences of a text with their char spans (half-open), as used for evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    /// Char start.
    pub start: usize,
    /// Char end (exclusive).
    pub end: usize,
    /// The sentence text (`text[start..end]` in chars).
    pub text: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_and_roles_round_trip_their_contract_names() {
        for f in EventFamily::ALL {
            assert_eq!(EventFamily::parse(f.as_str()), Some(f));
            assert_eq!(serde_json::to_value(f).unwrap(), serde_json::json!(f.as_str()));
        }
        for r in CountRole::ALL {
            assert_eq!(CountRole::parse(r.as_str()), Some(r));
        }
        assert_eq!(EventFamily::parse("riot"), None);
    }

    #[test]
    fn ranges_overlap_with_open_bounds() {
        let fifty = CountRange::exact(50);
        let twenty = CountRange::exact(20);
        let dozens = CountRange {
            min: Some(24),
            max: Some(99),
        };
        let more_than_40 = CountRange {
            min: Some(41),
            max: None,
        };
        assert!(!fifty.overlaps(&twenty));
        assert!(fifty.overlaps(&dozens));
        assert!(!twenty.overlaps(&dozens));
        assert!(more_than_40.overlaps(&fifty));
        assert!(!more_than_40.overlaps(&twenty));
    }

    #[test]
    fn event_serialises_counts_by_role_name() {
        let mut counts = BTreeMap::new();
        counts.insert(CountRole::Killed, CountRange::exact(50));
        let e = Event {
            id: "e1".into(),
            article_id: "a".into(),
            family: EventFamily::Airstrike,
            date: NaiveDate::from_ymd_opt(2019, 3, 10),
            date_precision: DatePrecision::Day,
            place: None,
            place_kb_id: None,
            lat: None,
            lon: None,
            actors: vec![],
            targets: vec![],
            counts,
            hedged: true,
            attributed_to: vec!["SANA".into()],
            sentence: "s".into(),
            span: [0, 1],
            story_id: None,
        };
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(v["counts"]["killed"]["min"], 50);
        assert_eq!(v["date"], "2019-03-10");
        assert_eq!(v["date_precision"], "day");
    }
}
