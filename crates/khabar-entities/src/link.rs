//! Mention detection and linking: alias walks over normalized tokens, phonetic fallback for unseen spellings,
//! role cues for people, and geocoding that follows the article's own countries.

use crate::index::{AliasIndex, WalkState};
use crate::kb::{pop_prior, KbEntry, KnowledgeBase, PLACE_TAG};
use crate::key::{fold_latin, skeleton_of_tokens, tokenize, Token};
use khabar_model::{Article, EntityKind, Mention, Stage, StageError};
use khabar_normalize::{is_arabic, prefix_variants};
use rustc_hash::FxHashMap;
use std::collections::HashMap;
use std::sync::Arc;

/// Longest alias, in tokens.
const MAX_TOKENS: usize = 8;
/// Longest window tried by the phonetic fallback, in words (name particles such as "bin" not counted).
const MAX_FUZZY_TOKENS: usize = 4;

/// Finds entity mentions in articles and links them to the knowledge base.
pub struct EntityLinker {
    kb: Arc<KnowledgeBase>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Curated skeletons of four consonants or more.
    Curated,
    /// Curated three-consonant skeletons, checked against the article's countries.
    CuratedShort,
    /// Gazetteer skeletons.
    Rest,
    /// Place cues and role cues, after [`Phase::Rest`], where words a place was rejected for are free again.
    Cues,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Source {
    Curated = 0,
    Place = 1,
    FullName = 2,
}

#[derive(Debug, Clone)]
struct Cand {
    first: usize,
    last: usize,
    /// Chars of the first token skipped (Arabic clitics).
    skip: usize,
    refs: Vec<u32>,
    source: Source,
}

struct Tok {
    norm: Token,
    ostart: usize,
    oend: usize,
    arabic: bool,
    capital: bool,
    all_caps: bool,
    sentence_start: bool,
}

struct Doc<'a> {
    chars: Vec<char>,
    toks: Vec<Tok>,
    joinable: Vec<bool>,
    covered: Vec<bool>,
    /// Tokens of gazetteer candidates that turned out not to be places (still covered for the other passes).
    rejected: Vec<bool>,
    /// For each normalized char, the original char it came from.
    map: Vec<usize>,
    article: &'a Article,
}

impl Doc<'_> {
    fn orig(&self, s: usize, e: usize) -> String {
        self.chars
            .get(s..e)
            .map(|c| c.iter().collect())
            .unwrap_or_default()
    }
    fn norm(&self, i: usize) -> &str {
        self.toks.get(i).map(|t| t.norm.text.as_str()).unwrap_or("")
    }
    fn span_of(&self, first: usize, last: usize, skip: usize) -> Option<(usize, usize)> {
        let a = self.toks.get(first)?;
        let b = self.toks.get(last)?;
        // Clitics stripped from the first word: map the first kept normalized char back to the original.
        let start = if skip == 0 {
            a.ostart
        } else {
            self.map
                .get(a.norm.start + skip)
                .copied()
                .unwrap_or(a.ostart)
                .clamp(a.ostart, a.oend.saturating_sub(1))
        };
        Some((start, b.oend))
    }
}

const FUNCTION_WORDS: [&str; 14] = [
    "of", "the", "al", "el", "ez", "ad", "ar", "as", "az", "de", "du", "la", "and", "for",
];
/// The article's countries: weights from curated places (1 each) and from actors, organisations, people (0.5).
#[derive(Default)]
struct Context {
    all: HashMap<String, f32>,
    places: HashMap<String, f32>,
    /// Coordinates of the curated places named (countries excluded): nearer candidates fit better.
    points: Vec<(f64, f64)>,
}

impl Context {
    /// 1 when a point lies on top of the article's places, falling to 0 at 300 km and beyond (0.5 when the
    /// article names no place with coordinates).
    fn nearness(&self, lat: Option<f64>, lon: Option<f64>) -> f32 {
        let (Some(lat), Some(lon)) = (lat, lon) else {
            return 0.0;
        };
        if self.points.is_empty() {
            return 0.5;
        }
        let d = self
            .points
            .iter()
            .map(|&(a, b)| km(lat, lon, a, b))
            .fold(f64::INFINITY, f64::min);
        (1.0 - (d / 300.0).min(1.0)) as f32
    }
}

/// Great-circle distance in km.
fn km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    6371.0 * 2.0 * a.sqrt().min(1.0).asin()
}

/// Capitalized English words that never start or end a name (sentence openers, prepositions, days, months).
const EN_STOP: &[&str] = &[
    "a",
    "an",
    "in",
    "on",
    "at",
    "from",
    "by",
    "with",
    "after",
    "before",
    "under",
    "over",
    "since",
    "during",
    "according",
    "but",
    "or",
    "to",
    "is",
    "was",
    "this",
    "that",
    "these",
    "those",
    "there",
    "here",
    "he",
    "she",
    "it",
    "we",
    "they",
    "his",
    "her",
    "its",
    "our",
    "their",
    "i",
    "you",
    "one",
    "some",
    "many",
    "most",
    "more",
    "other",
    "others",
    "all",
    "while",
    "when",
    "where",
    "what",
    "who",
    "however",
    "meanwhile",
    "also",
    "late",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "if",
    "so",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];
/// Words that name a place only together with another word ("West Bank", "New York").
const EN_GENERIC: &[&str] = &[
    "west", "east", "north", "south", "central", "new", "old", "great", "upper", "lower", "arab", "kurdish",
    "syrian", "iraqi", "turkish", "russian", "american", "islamic", "state", "city", "town", "village",
];
const EN_TITLES: [&str; 26] = [
    "superintendent",
    "honorable",
    "judge",
    "justice",
    "senator",
    "sen",
    "governor",
    "gov",
    "mayor",
    "ambassador",
    "general",
    "gen",
    "president",
    "minister",
    "colonel",
    "col",
    "commander",
    "sheikh",
    "dr",
    "mr",
    "mrs",
    "ms",
    "lieutenant",
    "major",
    "brigadier",
    "spokesman",
];
/// English words at least this common (centibels; 480 cB = 16 per million words) that are no personal name
/// cannot be part of a person's name found by role cues.
const EN_COMMON_CB: u16 = 480;
/// Particles inside names ("Fahd bin Turki", "Abu Bakr", "van Gogh") that are also common words.
const NAME_PARTICLES: [&str; 12] = [
    "bin", "ibn", "bint", "abu", "abd", "al", "el", "van", "von", "de", "da", "di",
];
const EN_ROLES: [&str; 12] = [
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "commander",
    "director",
    "leader",
    "chief",
    "official",
    "envoy",
    "president",
    "minister",
    "head",
];
const EN_PLACE_NOUNS: [&str; 12] = [
    "camp",
    "river",
    "province",
    "governorate",
    "city",
    "town",
    "village",
    "district",
    "countryside",
    "desert",
    "dam",
    "airport",
];
/// Arabic nouns whose genitive place names an organisation, not a location (normalized: ة as ه).
const AR_ORG_HEADS: [&str; 10] = [
    "بنك",
    "مصرف",
    "شركه",
    "جامعه",
    "صحيفه",
    "جريده",
    "قناه",
    "نادي",
    "منتخب",
    "اذاعه",
];
/// English nouns that make a place name part of an organisation's ("Bank of Cairo", "Mawlamyine University").
const EN_ORG_HEADS: [&str; 7] = [
    "university",
    "college",
    "bank",
    "airways",
    "airlines",
    "institute",
    "club",
];
/// Words after a city name that make it a team or a masthead.
const EN_CLUB_WORDS: [&str; 14] = [
    "fc",
    "city",
    "united",
    "times",
    "post",
    "news",
    "journal",
    "herald",
    "tribune",
    "chronicle",
    "gazette",
    "daily",
    "sc",
    "athletic",
];
const EN_PLACE_CUES: [&str; 10] = [
    "town",
    "city",
    "village",
    "camp",
    "province",
    "district",
    "villages",
    "towns",
    "outskirts",
    "countryside",
];
const AR_PLACE_CUES: [&str; 13] = [
    "بلده",
    "مدينه",
    "قريه",
    "مخيم",
    "ريف",
    "محافظه",
    "بلدات",
    "قري",
    "منطقه",
    "حي",
    "مدن",
    "ناحيه",
    "في",
];
/// Words at least this common (centibels, see [`crate::WordFreq`]; 500 cB = 10 per million words) are common
/// words, in either list: a lone Arabic gazetteer name that common needs the article's context, never a world-wide
/// guess; clitics are not stripped from it; English everyday words are no respelled place without a cue; and a
/// foreign surname after a role cue is never one.
const COMMON_CB: u16 = 500;
/// A clitic is not stripped from a common word when the stripped form is this much rarer (100 cB = 10×).
const STRIP_MARGIN_CB: u16 = 100;
/// Most occurrences per running word a place can explain per inhabitant: a lone Arabic word more frequent than
/// this × the population (at least [`RATIO_MIN_POP`]) is a common word, not that place ("وقف" ceasefire is not the
/// village Al Waqf). War-time Raqqa or Idlib reach about 1e-10; "وقف" against a village of 1,000 is 7e-8.
const MAX_FREQ_PER_INHABITANT: f64 = 5e-10;
/// A lone common Arabic word names a place anywhere without the article's context only when that place is a
/// megacity of at least this many people (Cairo, Baghdad, Riyadh; not Mashhad or Thane).
const COMMON_WORD_MIN_POP: u64 = 3_000_000;
/// The English counterpart of [`MAX_FREQ_PER_INHABITANT`], for capitalized words ("Man" ~ Man, Côte d'Ivoire is
/// 3e-9; "Detroit" 5e-11; "Washington" 1.7e-10, the city, the state, the newspaper and the president together).
const EN_MAX_FREQ_PER_INHABITANT: f64 = 2e-10;
/// A lone common personal name (US census share ≥ 0.05%) is a place without a cue only when that place has at
/// least this many people (Eugene, Elizabeth, Tyler stay people; Houston, Phoenix stay cities).
const COMMON_NAME_MIN_POP: u64 = 1_000_000;
/// Members of the Arab League (ISO codes).
const ARAB_COUNTRIES: [&str; 22] = [
    "DZ", "BH", "KM", "DJ", "EG", "IQ", "JO", "KW", "LB", "LY", "MR", "MA", "OM", "PS", "QA", "SA", "SO",
    "SD", "SY", "TN", "AE", "YE",
];
/// Least population of an Arab city named by a lone rare Arabic word without the article's context.
const ARAB_CITY_MIN_POP: u64 = 100_000;
/// Population assumed for places listed without one.
const RATIO_MIN_POP: u64 = 1_000;
/// Lone Arabic words that name a large place or a country but are far more often something else, so they need
/// a place cue ("في", "مدينة") or "إلى" before them. Normalized forms. Reviewed list; keep it short:
/// - "مالي": "financial" ("مبلغ مالي", a sum of money) — Mali;
/// - "كورونا": the coronavirus ("فيروس كورونا") — Corona, California.
const AR_HOMOGRAPHS: [&str; 2] = ["مالي", "كورونا"];
/// Least spelling similarity ([`EntityLinker::spelling_similarity`]) of a respelled curated name to one of its
/// aliases ("Fotel" ~ Votel 0.87; "Efforts" ~ Euphrates 0.70).
const CURATED_FUZZY_SIMILARITY: f64 = 0.75;
/// Least spelling similarity of a respelled gazetteer name after a place cue ("the town of Subekhan" ~ Subaykhan
/// 0.87; "Kentucky" ~ Contoocook 0.63).
const GAZETTEER_FUZZY_SIMILARITY: f64 = 0.8;
/// The same for a several-word name with no cue before it ("Raj Kumar" ~ Rajgamar 0.84 is not enough).
const GAZETTEER_FUZZY_SIMILARITY_NO_CUE: f64 = 0.9;
/// Arabic words at least this common (centibels; 450 = 32 per million words) are not tried as foreign given names
/// (Western given names common in Arabic text, "جون" John, are in the name table).
const EVERYDAY_CB: u16 = 450;
/// An Arabic word rarer than this (centibels; 560 = 2.5 per million words) may be a foreign surname after a role
/// cue even when no spelling of it is a listed name ("هيراس" Heras).
const RARE_NAME_CB: u16 = 560;
/// Role and rank nouns that are never part of a person's name: a name-table match containing one ("السيد رئيس
/// الجمهورية", Mr President) is not a person.
const AR_ROLE_NOUNS: [&str; 20] = [
    "رئيس",
    "الرئيس",
    "وزير",
    "الوزير",
    "مدير",
    "المدير",
    "قائد",
    "القائد",
    "نائب",
    "النائب",
    "سفير",
    "السفير",
    "محافظ",
    "المحافظ",
    "المتحدث",
    "الناطق",
    "اللواء",
    "العميد",
    "العقيد",
    "الجنرال",
];
const AR_ROLE_CUES: [&str; 15] = [
    "باسم",
    "العام",
    "الاعلامي",
    "قائد",
    "الرئيس",
    "وزير",
    "الجنرال",
    "القيادي",
    "المسؤول",
    "مدير",
    "المحلل",
    "الباحث",
    "الخبير",
    "السفير",
    "المبعوث",
];

impl EntityLinker {
    /// A linker over a shared knowledge base.
    pub fn new(kb: Arc<KnowledgeBase>) -> EntityLinker {
        EntityLinker { kb }
    }

    /// The knowledge base behind the linker.
    pub fn kb(&self) -> &KnowledgeBase {
        &self.kb
    }

    /// Finds and links the entity mentions of an article, in text order. Spans are char offsets into
    /// `article.text`; `mention` is exactly `text[span]`.
    pub fn link(&self, article: &Article) -> Vec<Mention> {
        let mut doc = self.prepare(article);
        let mut out: Vec<Mention> = Vec::new();
        // 1. Curated aliases, exact; 2. curated skeletons over capitalized runs. Their countries set the context.
        let curated = self.choose(&mut doc, &[Source::Curated]);
        let context = self.country_context(&curated);
        for c in &curated {
            if let Some(m) = self.mention_of(&doc, c, &context) {
                out.push(m);
            }
        }
        self.fuzzy_and_roles(&mut doc, &context, Phase::Curated, &mut out);
        let mut context = context;
        for m in &out {
            if let Some(cc) = &m.country {
                *context.all.entry(cc.clone()).or_default() += 0.5;
            }
        }
        self.fuzzy_and_roles(&mut doc, &context, Phase::CuratedShort, &mut out);
        // 3. Gazetteer names and Wikidata full names, exact, checked against the context, to which countries
        //    named outright and unambiguous large places add.
        let mut gazetteer = self.choose(&mut doc, &[Source::Place, Source::FullName]);
        self.gazetteer_context(&doc, &gazetteer, &mut context);
        // In text order, each place resolved joins the context of the next ones.
        gazetteer.sort_by_key(|c| c.first);
        for c in gazetteer {
            if let Some(m) = self.mention_of(&doc, &c, &context) {
                if m.kind == EntityKind::Place && m.kb_id.as_deref().is_some_and(|id| !id.starts_with("cc:"))
                {
                    if let Some(cc) = &m.country {
                        *context.all.entry(cc.clone()).or_default() += 0.5;
                    }
                }
                out.push(m);
            } else {
                // Not this place after all: its words may still be a foreign person's name.
                for k in c.first..=c.last {
                    if let Some(x) = doc.rejected.get_mut(k) {
                        *x = true;
                    }
                }
            }
        }
        // 4. Gazetteer skeletons, place cues, role cues.
        self.fuzzy_and_roles(&mut doc, &context, Phase::Rest, &mut out);
        out.sort_by_key(|m| (m.span[0], m.span[1]));
        out
    }

    /// Alias candidates from the given indexes over uncovered tokens, longest first, marked covered.
    fn choose(&self, doc: &mut Doc, sources: &[Source]) -> Vec<Cand> {
        let mut cands = self.alias_candidates(doc, sources);
        cands.retain(|c| self.case_ok(doc, c));
        // Longest first, curated before places before names, the least stripped clitic first.
        cands.sort_by(|a, b| {
            (b.last - b.first)
                .cmp(&(a.last - a.first))
                .then(a.source.cmp(&b.source))
                .then(a.skip.cmp(&b.skip))
        });
        let mut chosen: Vec<Cand> = Vec::new();
        for c in cands {
            if (c.first..=c.last).any(|i| doc.covered.get(i).copied().unwrap_or(true)) {
                continue;
            }
            for i in c.first..=c.last {
                if let Some(x) = doc.covered.get_mut(i) {
                    *x = true;
                }
            }
            chosen.push(c);
        }
        chosen
    }

    fn prepare<'a>(&self, article: &'a Article) -> Doc<'a> {
        let chars: Vec<char> = article.text.chars().collect();
        let (norm, map) = self.kb.normalizer.normalize_with_map(&article.text);
        let norm: String = norm.chars().map(fold_latin).collect();
        let (tokens, joinable) = tokenize(&norm);
        let mut toks = Vec::with_capacity(tokens.len());
        let mut prev_end = 0usize;
        for t in tokens {
            let ostart = map.get(t.start).copied().unwrap_or(0);
            let oend = map.get(t.end.saturating_sub(1)).map(|x| x + 1).unwrap_or(ostart);
            let first = chars.get(ostart).copied().unwrap_or(' ');
            let arabic = is_arabic(first);
            let word = chars.get(ostart..oend).unwrap_or(&[]);
            let all_caps =
                !arabic && word.iter().any(|c| c.is_alphabetic()) && word.iter().all(|c| !c.is_lowercase());
            let gap = chars.get(prev_end..ostart).unwrap_or(&[]);
            let sentence_start = prev_end == 0
                || gap
                    .iter()
                    .any(|c| matches!(c, '.' | '!' | '?' | '\n' | ':' | '؟'));
            prev_end = oend;
            toks.push(Tok {
                norm: t,
                ostart,
                oend,
                arabic,
                capital: first.is_uppercase(),
                all_caps,
                sentence_start,
            });
        }
        let n = toks.len();
        Doc {
            chars,
            toks,
            joinable,
            covered: vec![false; n],
            rejected: vec![false; n],
            map,
            article,
        }
    }

    fn alias_candidates(&self, doc: &Doc, sources: &[Source]) -> Vec<Cand> {
        let mut out = Vec::new();
        let n = doc.toks.len();
        // Words repeat within an article: remember where (and whether) a first word enters each index.
        let mut first_steps: FxHashMap<(Source, &str), Option<WalkState>> = FxHashMap::default();
        for i in 0..n {
            if doc.covered[i] {
                continue;
            }
            let word = doc.norm(i);
            let variants: Vec<&str> = if doc.toks[i].arabic {
                self.clitic_variants(word)
            } else {
                vec![word]
            };
            let word_chars = word.chars().count();
            for v in variants {
                let skip = word_chars - v.chars().count();
                for &source in sources {
                    // Latin gazetteer names start with a capital; Arabic names only come from Arabic text.
                    let skip_source = match source {
                        Source::Curated => false,
                        Source::Place => !doc.toks[i].arabic && !doc.toks[i].capital,
                        Source::FullName => !doc.toks[i].arabic,
                    };
                    if skip_source {
                        continue;
                    }
                    let Some(idx) = self.index_of(source) else {
                        continue;
                    };
                    let first = *first_steps
                        .entry((source, v))
                        .or_insert_with(|| idx.step(idx.start(), v.as_bytes()));
                    if let Some(state) = first {
                        self.walk_index(doc, i, idx, state, skip, source, &mut out);
                    }
                }
            }
        }
        out
    }

    /// The forms of an Arabic word to look up: itself, then its clitic-stripped forms, except those far rarer
    /// than the word as written when that is a common word ("وكالة" agency is not "و" + "كالة" ~ Calais).
    fn clitic_variants<'w>(&self, word: &'w str) -> Vec<&'w str> {
        let all = prefix_variants(word);
        let freq = &self.kb.ar_freq;
        let Some(full) = freq.centibels(word).filter(|&c| c <= COMMON_CB) else {
            return all;
        };
        all.into_iter()
            .enumerate()
            .filter(|(k, v)| *k == 0 || freq.centibels(v).is_some_and(|c| c < full + STRIP_MARGIN_CB))
            .map(|(_, v)| v)
            .collect()
    }

    /// The normalized form a lone Arabic gazetteer candidate matched (its clitics skipped), or `None` for other
    /// candidates.
    fn lone_arabic_form<'d>(&self, doc: &'d Doc, c: &Cand) -> Option<&'d str> {
        if c.first != c.last || !doc.toks.get(c.first)?.arabic {
            return None;
        }
        let w = doc.norm(c.first);
        let start = w.char_indices().nth(c.skip).map_or(w.len(), |(b, _)| b);
        w.get(start..)
    }

    /// How close a Latin mention is spelled to the closest Latin name of the entry behind `r` (Jaro–Winkler over
    /// [`spelling_keys`]), 0..1.
    fn spelling_similarity(&self, mention: &str, r: u32) -> f64 {
        let ms = spelling_keys(mention);
        let mut best = 0.0f64;
        for n in self
            .kb
            .names_of_ref(r)
            .iter()
            .filter(|n| !n.chars().any(is_arabic))
        {
            for k in spelling_keys(n) {
                for m in &ms {
                    best = best.max(strsim::jaro_winkler(m, &k));
                }
            }
        }
        best
    }

    /// Whether a candidate is one Latin word that is a common personal name ("Georgia", "Eugene").
    fn common_name(&self, doc: &Doc, c: &Cand) -> bool {
        c.first == c.last
            && doc
                .toks
                .get(c.first)
                .is_some_and(|t| !t.arabic && self.kb.en_freq.is_common_name(&t.norm.text))
    }

    /// Whether a lone Arabic word is a listed homograph ([`AR_HOMOGRAPHS`]) without a place cue before it.
    fn homograph_without_cue(&self, doc: &Doc, c: &Cand) -> bool {
        let after_to = c.first > 0
            && doc.joinable.get(c.first).copied().unwrap_or(false)
            && matches!(doc.norm(c.first - 1), "الى" | "إلى");
        self.lone_arabic_form(doc, c)
            .is_some_and(|w| AR_HOMOGRAPHS.contains(&w) && !self.has_place_cue(doc, c.first) && !after_to)
    }

    /// The candidate's places that can explain how often its word is written. For a lone word, places too small
    /// for a word that common are dropped ([`MAX_FREQ_PER_INHABITANT`], [`EN_MAX_FREQ_PER_INHABITANT`]), and for a
    /// common personal name all but the largest ([`COMMON_NAME_MIN_POP`]: "Eugene Scalia" is not Eugene, Oregon),
    /// unless a place cue names it a place ("قرية"/"بلدة" for Arabic, where "في" is everywhere; "in", "near", "the
    /// town of" for English).
    fn plausible_refs(&self, doc: &Doc, c: &Cand) -> Vec<u32> {
        let Some(tok) = doc.toks.get(c.first).filter(|_| c.first == c.last) else {
            return c.refs.clone();
        };
        if self.has_strong_place_cue(doc, c.first)
            || (!tok.arabic && (self.has_place_cue(doc, c.first) || is_dateline(doc, c)))
        {
            return c.refs.clone();
        }
        let (freq, max_ratio, name) = if tok.arabic {
            let freq = self
                .lone_arabic_form(doc, c)
                .map_or(0.0, |w| self.kb.ar_freq.frequency(w));
            (freq, MAX_FREQ_PER_INHABITANT, false)
        } else {
            let w = tok.norm.text.as_str();
            (
                self.kb.en_freq.frequency(w),
                EN_MAX_FREQ_PER_INHABITANT,
                self.kb.en_freq.is_common_name(w),
            )
        };
        // An Arabic word is a personal name when its place is named like a person in English ("وزوجته إليزابيث",
        // his wife Elizabeth ~ Elizabeth, New Jersey).
        let named_like_a_person = |e: &KbEntry| {
            if tok.arabic {
                self.kb.en_freq.is_common_name(&e.canonical.to_lowercase())
            } else {
                name
            }
        };
        c.refs
            .iter()
            .take(500)
            .copied()
            .filter(|&r| {
                self.kb.entry_of_ref(r).is_some_and(|e| {
                    freq / e.population.max(RATIO_MIN_POP) as f64 <= max_ratio
                        && (!named_like_a_person(&e) || e.population >= COMMON_NAME_MIN_POP)
                })
            })
            .collect()
    }

    fn index_of(&self, source: Source) -> Option<&AliasIndex> {
        match source {
            Source::Curated => Some(&self.kb.curated_index),
            Source::Place => self.kb.place_index.as_ref(),
            Source::FullName => self.kb.full_names.as_ref().map(|t| &t.index),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn walk_index(
        &self,
        doc: &Doc,
        i: usize,
        idx: &AliasIndex,
        first: WalkState,
        skip: usize,
        source: Source,
        out: &mut Vec<Cand>,
    ) {
        let mut state = first;
        let mut j = i;
        loop {
            let refs = idx.finals(state);
            let min_tokens = if source == Source::FullName { 2 } else { 1 };
            if !refs.is_empty() && j + 1 - i >= min_tokens && !doc.covered[i..=j].iter().any(|&x| x) {
                out.push(Cand {
                    first: i,
                    last: j,
                    skip,
                    refs: refs.to_vec(),
                    source,
                });
            }
            j += 1;
            if j >= doc.toks.len() || j - i >= MAX_TOKENS || !doc.joinable.get(j).copied().unwrap_or(false) {
                break;
            }
            let Some(s) = idx.step(state, b" ") else { break };
            let Some(s) = idx.step(s, doc.norm(j).as_bytes()) else {
                break;
            };
            state = s;
        }
    }

    fn case_ok(&self, doc: &Doc, c: &Cand) -> bool {
        let toks = &doc.toks[c.first..=c.last];
        if toks.iter().any(|t| t.arabic) {
            if c.source == Source::Curated {
                return true;
            }
            // A rank or role is never part of a name ("السيد رئيس" is "Mr President").
            if c.source == Source::FullName && toks.iter().any(|t| is_role_noun(&t.norm.text)) {
                return false;
            }
            // Gazetteer and name-table matches never start or end on a function word.
            let first = doc.orig(toks[0].ostart, toks[0].oend);
            let last = doc.orig(toks[toks.len() - 1].ostart, toks[toks.len() - 1].oend);
            return !is_arabic_stop(&first)
                && !is_arabic_stop(&last)
                && toks.iter().map(|t| t.norm.text.chars().count()).sum::<usize>() >= 3;
        }
        if c.source != Source::Curated
            && (EN_STOP.contains(&toks[0].norm.text.as_str())
                || FUNCTION_WORDS.contains(&toks[0].norm.text.as_str())
                || EN_STOP.contains(&toks[toks.len() - 1].norm.text.as_str()))
        {
            return false;
        }
        let single = c.first == c.last;
        let key_len = toks[0].norm.text.chars().count();
        if single && key_len <= 2 && !toks[0].all_caps {
            return false;
        }
        match c.source {
            Source::Curated => {
                if single {
                    // A short all-caps alias ("SDF", "AP") must be written in caps; any single word capitalized.
                    let caps_alias = self.kb.curated_index.get(&toks[0].norm.text).iter().any(|&r| {
                        self.kb.curated.get(r as usize).is_some_and(|e| {
                            e.aliases.iter().any(|a| {
                                a.chars().count() <= 5
                                    && a.chars().all(|ch| ch.is_uppercase())
                                    && a.to_lowercase() == toks[0].norm.text
                            })
                        })
                    });
                    if caps_alias {
                        toks[0].all_caps
                    } else {
                        toks[0].capital
                    }
                } else {
                    true
                }
            }
            Source::Place => {
                // An acronym ("CBS", "IAS", "KST") is not a gazetteer alias, except as a dateline.
                let acronym = single && toks[0].all_caps && key_len <= 4 && !is_dateline(doc, c);
                // A team or a newspaper named after its city: the place is followed by a capitalized plural
                // ("Detroit Lions", "Houston Rockets") or a club or masthead word ("Manchester City", "Washington
                // Post").
                let next = c.last + 1;
                let club = doc.toks.get(next).is_some_and(|t| {
                    let w = t.norm.text.as_str();
                    let gap = doc.chars.get(toks[toks.len() - 1].oend..t.ostart).unwrap_or(&[]);
                    !t.arabic
                        && t.capital
                        && !t.all_caps
                        && !gap.is_empty()
                        && gap.iter().all(|ch| *ch == ' ')
                        && (EN_CLUB_WORDS.contains(&w)
                            || (w.len() > 3
                                && w.ends_with('s')
                                && !w.ends_with("ss")
                                && !EN_STOP.contains(&w)))
                });
                !acronym
                    && !club
                    && toks[0].capital
                    && toks
                        .iter()
                        .all(|t| t.capital || FUNCTION_WORDS.contains(&t.norm.text.as_str()))
            }
            Source::FullName => false,
        }
    }

    fn country_context(&self, chosen: &[Cand]) -> Context {
        let mut ctx = Context::default();
        for c in chosen {
            let Some(e) = c.refs.first().and_then(|&r| self.kb.entry_of_ref(r)) else {
                continue;
            };
            let Some(cc) = e.country else { continue };
            if e.kind == EntityKind::Place {
                if let (Some(lat), Some(lon)) = (e.lat, e.lon) {
                    if !e.kb_id.starts_with("cc:") && ctx.points.len() < 64 {
                        ctx.points.push((lat, lon));
                    }
                }
                *ctx.places.entry(cc.clone()).or_default() += 1.0;
                *ctx.all.entry(cc).or_default() += 1.0;
            } else {
                *ctx.all.entry(cc).or_default() += 0.5;
            }
        }
        ctx
    }

    /// Countries the article names outright ("Iraq", "Qatar") count as places of the article, except a country
    /// named like a person ("Georgia" in a US sports story is the state or the university).
    fn gazetteer_context(&self, doc: &Doc, chosen: &[Cand], ctx: &mut Context) {
        for c in chosen.iter().filter(|c| {
            c.source == Source::Place && !self.homograph_without_cue(doc, c) && !self.common_name(doc, c)
        }) {
            let country = c
                .refs
                .iter()
                .take(50)
                .filter_map(|&r| self.kb.entry_of_ref(r))
                .find(|e| e.kb_id.starts_with("cc:"));
            if let Some(cc) = country.and_then(|e| e.country) {
                *ctx.all.entry(cc.clone()).or_default() += 1.0;
                *ctx.places.entry(cc).or_default() += 1.0;
            }
        }
    }

    /// A large place whose namesakes in other countries are at least ten times smaller (Pittsburgh, Sohag).
    fn dominant(&self, refs: &[u32]) -> Option<KbEntry> {
        let entries: Vec<KbEntry> = refs
            .iter()
            .take(200)
            .filter_map(|&r| self.kb.entry_of_ref(r))
            .collect();
        let top = entries.iter().max_by_key(|e| e.population)?;
        let second = entries
            .iter()
            .filter(|e| e.country != top.country)
            .map(|e| e.population)
            .max()
            .unwrap_or(0);
        (top.population >= 100_000 && second.saturating_mul(10) <= top.population).then(|| top.clone())
    }

    /// A cue that makes the next word a place on its own ("the town of", "بلدة"), unlike "in" / "في".
    fn has_strong_place_cue(&self, doc: &Doc, first: usize) -> bool {
        self.has_place_cue(doc, first) && first > 0 && !matches!(doc.norm(first - 1), "in" | "في")
    }

    /// Whether a place name is part of an organisation's name: after an Arabic head noun ("بنك القاهرة" Bank of
    /// Cairo, "جامعة القاهرة"), after "Bank of" / "University of", or before "University", "Bank", "Airways".
    fn names_an_organisation(&self, doc: &Doc, c: &Cand) -> bool {
        let joined = |k: usize| doc.joinable.get(k).copied().unwrap_or(false);
        let first = c.first;
        if doc.toks.get(first).is_some_and(|t| t.arabic) {
            return first > 0
                && joined(first)
                && prefix_variants(doc.norm(first - 1))
                    .iter()
                    .any(|v| AR_ORG_HEADS.contains(v));
        }
        let before = first >= 2
            && joined(first)
            && joined(first - 1)
            && doc.norm(first - 1) == "of"
            && EN_ORG_HEADS.contains(&doc.norm(first - 2));
        let next = c.last + 1;
        let after = joined(next)
            && doc.toks.get(next).is_some_and(|t| t.capital)
            && EN_ORG_HEADS.contains(&doc.norm(next));
        before || after
    }

    fn has_place_cue(&self, doc: &Doc, first: usize) -> bool {
        if first == 0 || !doc.joinable.get(first).copied().unwrap_or(false) {
            return false;
        }
        let prev = doc.norm(first - 1);
        if doc.toks[first].arabic {
            return prefix_variants(prev).iter().any(|v| AR_PLACE_CUES.contains(v));
        }
        if prev == "of" && first >= 2 && doc.joinable.get(first - 1).copied().unwrap_or(false) {
            return EN_PLACE_CUES.contains(&doc.norm(first - 2));
        }
        EN_PLACE_CUES.contains(&prev) || matches!(prev, "near" | "in")
    }

    /// The best place among `refs` for this article: only places in a country the article itself talks about
    /// (weight >= `min_ctx`, population >= `min_pop`), or, when the article names no country at all and `strict`
    /// is off, a large place anywhere with a lower score.
    fn pick_place(
        &self,
        refs: &[u32],
        context: &Context,
        strict: bool,
        min_ctx: f32,
        min_pop: u64,
        places_only: bool,
    ) -> Option<(KbEntry, f32)> {
        let mut best: Option<(KbEntry, f32)> = None;
        let map = if places_only {
            &context.places
        } else {
            &context.all
        };
        for &r in refs.iter().take(500) {
            let Some(e) = self.kb.entry_of_ref(r) else {
                continue;
            };
            let in_ctx = e
                .country
                .as_ref()
                .and_then(|c| map.get(c))
                .copied()
                .unwrap_or(0.0);
            // A country named outright is the country, not its namesake capital ("الجزائر" Algeria, not Algiers):
            // it lies over all of the article's places.
            let near = if e.kb_id.starts_with("cc:") {
                1.0
            } else {
                context.nearness(e.lat, e.lon)
            };
            let score = if in_ctx >= min_ctx && in_ctx > 0.0 && e.population >= min_pop {
                0.55 + 0.05 * in_ctx.min(3.0) + 0.1 * pop_prior(e.population) + 0.2 * near
            } else if context.all.is_empty() && !strict && e.population >= 100_000 {
                0.3 + 0.3 * pop_prior(e.population)
            } else {
                continue;
            };
            if best.as_ref().is_none_or(|b| score > b.1) {
                best = Some((e, score));
            }
        }
        best
    }

    fn mention_of(&self, doc: &Doc, c: &Cand, context: &Context) -> Option<Mention> {
        let (s, e) = doc.span_of(c.first, c.last, c.skip)?;
        let text = doc.orig(s, e);
        match c.source {
            Source::Curated => {
                let entry = c.refs.first().and_then(|&r| self.kb.entry_of_ref(r))?;
                Some(self.make(doc, (s, e), text, entry.kind, Some(&entry), 0.95))
            }
            Source::Place => {
                let arabic = doc.toks[c.first].arabic;
                let single = c.first == c.last;
                let cue = self.has_place_cue(doc, c.first) || (!arabic && is_dateline(doc, c));
                let strict = arabic || single;
                // One word alone needs a cue, or a sizeable place in a country the article is about.
                let (min_ctx, min_pop) = match (single, arabic, cue) {
                    (_, _, true) => (0.5, 0),
                    (true, true, false) => (1.0, 20_000),
                    (true, false, false) => (1.0, 100_000),
                    (false, _, false) => (0.5, 0),
                };
                if single && !arabic && EN_GENERIC.contains(&doc.norm(c.first)) {
                    return None;
                }
                if self.homograph_without_cue(doc, c) || self.names_an_organisation(doc, c) {
                    return None;
                }
                let common = self
                    .lone_arabic_form(doc, c)
                    .and_then(|w| self.kb.ar_freq.centibels(w))
                    .is_some_and(|cb| cb <= COMMON_CB);
                let refs = self.plausible_refs(doc, c);
                let picked = self
                    .pick_place(&refs, context, strict, min_ctx, min_pop, false)
                    .or_else(|| {
                        // A dominant large place, unless the article is about other countries.
                        let top = self.dominant(&refs)?;
                        // An Arabic word alone is too often a common word: only very large places, unprefixed,
                        // and for a common word only a megacity ("القاهرة" Cairo, not "مشهد" scene ~ Mashhad).
                        // Arabic news is mostly about the Arab world: a rare word naming a sizeable city there
                        // ("سوهاج" Sohag) needs less than one elsewhere.
                        let arab = top
                            .country
                            .as_deref()
                            .is_some_and(|cc| ARAB_COUNTRIES.contains(&cc));
                        let min_pop = match (common, arabic && arab) {
                            (true, _) => COMMON_WORD_MIN_POP,
                            (false, true) => ARAB_CITY_MIN_POP,
                            (false, false) => 500_000,
                        };
                        // Nor is a lone personal name a world-wide guess ("Georgia vs. Baylor").
                        if !arabic && !cue && self.common_name(doc, c) {
                            return None;
                        }
                        if arabic && single && (c.skip > 0 || top.population < min_pop) {
                            return None;
                        }
                        let fits = context.all.is_empty()
                            || top
                                .country
                                .as_ref()
                                .is_some_and(|cc| context.all.contains_key(cc));
                        fits.then_some((top, 0.6))
                    });
                match picked {
                    Some((entry, score)) => {
                        Some(self.make(doc, (s, e), text, EntityKind::Place, Some(&entry), score))
                    }
                    None if self.has_strong_place_cue(doc, c.first) => {
                        // "the city of Basra" in an article about Deir ez-Zor: a local place spelled alike
                        // (al-Busayrah), else a place left unresolved.
                        let words: Vec<&str> = (c.first..=c.last).map(|k| doc.norm(k)).collect();
                        let sk = skeleton_of_tokens(&words);
                        let local = self.kb.place_skel.as_ref().and_then(|idx| {
                            let refs: Vec<u32> = idx.get(&sk).to_vec();
                            self.pick_place(&refs, context, true, 1.0, 0, true)
                        });
                        match local {
                            Some((entry, score)) if sk.len() >= 3 => Some(self.make(
                                doc,
                                (s, e),
                                text,
                                EntityKind::Place,
                                Some(&entry),
                                score * 0.6,
                            )),
                            _ => Some(self.make(doc, (s, e), text, EntityKind::Place, None, 0.3)),
                        }
                    }
                    None => None,
                }
            }
            Source::FullName => {
                let table = self.kb.full_names.as_ref()?;
                let latin = table.latin.get(*c.refs.first()? as usize)?.clone();
                let mut m = self.make(doc, (s, e), text.clone(), EntityKind::Person, None, 0.6);
                m.kb_id = Some(person_id(&self.kb, &latin));
                m.canonical = Some(latin);
                m.canonical_ar = Some(text);
                Some(m)
            }
        }
    }

    fn make(
        &self,
        doc: &Doc,
        (s, e): (usize, usize),
        text: String,
        kind: EntityKind,
        entry: Option<&KbEntry>,
        confidence: f32,
    ) -> Mention {
        let place = kind == EntityKind::Place;
        Mention {
            article_id: doc.article.id.clone(),
            mention: text,
            span: [s, e],
            kind,
            canonical: entry.map(|x| x.canonical.clone()),
            canonical_ar: entry.and_then(|x| x.canonical_ar.clone()),
            kb_id: entry.map(|x| x.kb_id.clone()),
            lat: entry.and_then(|x| if place { x.lat } else { None }),
            lon: entry.and_then(|x| if place { x.lon } else { None }),
            country: entry.and_then(|x| x.country.clone()),
            confidence,
        }
    }

    /// Phonetic fallback over capitalized Latin runs, then people typed by role cues (English and Arabic).
    fn fuzzy_and_roles(&self, doc: &mut Doc, context: &Context, phase: Phase, out: &mut Vec<Mention>) {
        self.capitalized_runs(doc, context, phase, out);
        if phase == Phase::Rest {
            // A role-cued person may be named with a word a place was rejected for ("Fahd Bin Turki Bin
            // Abdulaziz"); the phonetic place pass may not reuse such words ("West Bank" is no East Bank).
            let freed: Vec<usize> = (0..doc.toks.len())
                .filter(|&k| doc.covered[k] && doc.rejected[k] && !doc.toks[k].arabic)
                .collect();
            for &k in &freed {
                doc.covered[k] = false;
            }
            self.capitalized_runs(doc, context, Phase::Cues, out);
            for &k in &freed {
                doc.covered[k] = true;
            }
            self.arabic_roles(doc, out);
            self.arabic_foreign_people(doc, out);
        }
    }

    /// Each capitalized Latin run of uncovered tokens through [`Self::fuzzy_run`].
    fn capitalized_runs(&self, doc: &mut Doc, context: &Context, phase: Phase, out: &mut Vec<Mention>) {
        let n = doc.toks.len();
        let mut i = 0usize;
        while i < n {
            if doc.covered[i]
                || doc.toks[i].arabic
                || !doc.toks[i].capital
                || EN_STOP.contains(&doc.norm(i))
                || FUNCTION_WORDS.contains(&doc.norm(i)) && !is_latin_article(doc.norm(i))
            {
                i += 1;
                continue;
            }
            // A capitalized run (function words allowed inside).
            let mut j = i;
            while j + 1 < n
                && j + 1 - i < 16
                && !doc.covered[j + 1]
                && doc.joinable.get(j + 1).copied().unwrap_or(false)
                && !doc.toks[j + 1].arabic
                && (doc.toks[j + 1].capital || FUNCTION_WORDS.contains(&doc.norm(j + 1)))
                && !EN_STOP.contains(&doc.norm(j + 1))
            {
                j += 1;
            }
            while j > i && FUNCTION_WORDS.contains(&doc.norm(j)) {
                j -= 1;
            }
            self.fuzzy_run(doc, i, j, context, phase, out);
            i = j + 1;
        }
    }

    fn fuzzy_run(
        &self,
        doc: &mut Doc,
        first: usize,
        last: usize,
        context: &Context,
        phase: Phase,
        out: &mut Vec<Mention>,
    ) {
        // A lowercase place noun right after the run belongs to the name ("the Hull camp").
        let mut last = last;
        if last + 1 < doc.toks.len()
            && !doc.covered[last + 1]
            && doc.joinable.get(last + 1).copied().unwrap_or(false)
            && EN_PLACE_NOUNS.contains(&doc.norm(last + 1))
        {
            last += 1;
        }
        // Curated phase: curated skeletons. Rest: gazetteer skeletons, then place cues and role cues.
        let passes: &[usize] = match phase {
            Phase::Curated => &[0],
            Phase::CuratedShort => &[3],
            Phase::Rest => &[1],
            Phase::Cues => &[2],
        };
        for &pass in passes {
            let mut a = first;
            while a <= last {
                let mut matched = false;
                let max_b = fuzzy_window_end(doc, a, last);
                for b in (a..=max_b).rev() {
                    if let Some(m) = self.fuzzy_window(doc, a, b, context, pass) {
                        for k in a..=b {
                            doc.covered[k] = true;
                        }
                        out.push(m);
                        matched = true;
                        a = b + 1;
                        break;
                    }
                }
                if !matched {
                    a += 1;
                }
            }
        }
    }

    fn fuzzy_window(&self, doc: &Doc, a: usize, b: usize, context: &Context, pass: usize) -> Option<Mention> {
        let article_start = is_latin_article(doc.norm(a)) && b > a;
        if doc.covered[a..=b].iter().any(|&x| x)
            || (FUNCTION_WORDS.contains(&doc.norm(a)) && !article_start)
            || EN_TITLES.contains(&doc.norm(a)) && pass != 2
        {
            return None;
        }
        let words: Vec<&str> = (a..=b).map(|k| doc.norm(k)).collect();
        let letters: usize = words.iter().map(|w| w.chars().count()).sum();
        let sk = skeleton_of_tokens(&words);
        if sk.len() < 3
            || letters < 3
            || (a == b && doc.toks[a].sentence_start && letters < 5)
            || FUNCTION_WORDS.contains(&doc.norm(b))
            || (a == b && EN_GENERIC.contains(&doc.norm(a)))
        {
            return None;
        }
        let (s, e) = doc.span_of(a, b, 0)?;
        let text = doc.orig(s, e);
        let short = pass == 3;
        if pass == 0 || short {
            // A three-consonant skeleton ("ksd") is thin evidence: the entity must fit the article's countries.
            let fits =
                |e: &KbEntry| sk.len() > 3 || e.country.as_ref().is_none_or(|c| context.all.contains_key(c));
            // A long skeleton alone is not enough either: the spelling must look like one of the entry's names
            // ("Fotel" ~ Votel, not "Efforts" ~ Euphrates).
            let entry = self
                .kb
                .curated_skel
                .get(&sk)
                .and_then(|refs| refs.first())
                .filter(|&&r| self.spelling_similarity(&text, r) >= CURATED_FUZZY_SIMILARITY)
                .and_then(|&r| self.kb.entry_of_ref(r))
                .filter(|e| if short { fits(e) } else { sk.len() > 3 });
            return entry.map(|entry| self.make(doc, (s, e), text, entry.kind, Some(&entry), 0.75));
        }
        if pass == 1 {
            // A respelled gazetteer name needs a cue ("the town of Subekhan"), or several words spelled almost
            // like the place, and always a spelling close to one of the place's names: a shared consonant
            // skeleton alone makes "Kentucky" Contoocook and "Fox News" Ferguson.
            let cue = a > 0 && (self.has_place_cue(doc, a) || matches!(doc.norm(a - 1), "from"));
            let strong = self.has_strong_place_cue(doc, a);
            let min_similarity = if cue || strong {
                GAZETTEER_FUZZY_SIMILARITY
            } else {
                GAZETTEER_FUZZY_SIMILARITY_NO_CUE
            };
            // Without a cue, everyday words are not a respelled place ("Good News" ~ Algodones).
            let everyday = (a..=b).all(|k| {
                self.kb
                    .en_freq
                    .centibels(doc.norm(k))
                    .is_some_and(|cb| cb <= COMMON_CB)
            });
            if (sk.len() >= 4 && (cue || (b > a && !everyday))) || (sk.len() >= 3 && strong) {
                if let Some(idx) = &self.kb.place_skel {
                    let refs: Vec<u32> = idx
                        .get(&sk)
                        .iter()
                        .copied()
                        .filter(|r| r & PLACE_TAG != 0)
                        .take(500)
                        .filter(|&r| self.spelling_similarity(&text, r) >= min_similarity)
                        .collect();
                    if let Some((entry, score)) = self.pick_place(&refs, context, true, 1.0, 0, false) {
                        return Some(self.make(
                            doc,
                            (s, e),
                            text,
                            EntityKind::Place,
                            Some(&entry),
                            score * 0.8,
                        ));
                    }
                }
            }
            return None;
        }
        if self.has_strong_place_cue(doc, a) && b - a < 3 {
            return Some(self.make(doc, (s, e), text, EntityKind::Place, None, 0.3));
        }
        if b > a {
            return self.english_person(doc, a, b, s, e, &text);
        }
        None
    }

    fn english_person(
        &self,
        doc: &Doc,
        a: usize,
        b: usize,
        s: usize,
        e: usize,
        text: &str,
    ) -> Option<Mention> {
        if (a..=b)
            .filter(|&k| !NAME_PARTICLES.contains(&doc.norm(k)))
            .count()
            > MAX_FUZZY_TOKENS
        {
            return None;
        }
        let first = doc.norm(a);
        let titled = EN_TITLES.contains(&first);
        let before = (a.saturating_sub(6)..a).any(|k| EN_ROLES.contains(&doc.norm(k)));
        let after = (b + 1..(b + 4).min(doc.toks.len())).any(|k| EN_ROLES.contains(&doc.norm(k)));
        if !(titled || before || after) {
            return None;
        }
        let (a, s) = if titled && b > a {
            (a + 1, doc.toks.get(a + 1)?.ostart)
        } else {
            (a, s)
        };
        if b <= a && titled {
            return None;
        }
        // A person's name is made of names and rare words: a run that starts on a function word or holds a common
        // word that is no name is an office, an organisation or a headline ("Senate Majority", "Office
        // Building", "Trump Gets Trolled", "of the Coalition").
        let freq = &self.kb.en_freq;
        if (FUNCTION_WORDS.contains(&doc.norm(a)) && !NAME_PARTICLES.contains(&doc.norm(a)))
            || (a..=b).any(|k| {
                let w = doc.norm(k);
                !NAME_PARTICLES.contains(&w)
                    && freq.centibels(w).is_some_and(|cb| cb <= EN_COMMON_CB)
                    && !freq.is_name(w)
            })
        {
            return None;
        }
        let text = if s == doc.toks[a].ostart {
            doc.orig(s, e)
        } else {
            text.to_string()
        };
        // A bracket inside is a dateline or an aside, not a name ("(Yonhap) WASHINGTON").
        if text.contains(['(', ')', '[', ']']) {
            return None;
        }
        let words: Vec<&str> = (a..=b).map(|k| doc.norm(k)).collect();
        let sk = skeleton_of_tokens(&words);
        let mut m = self.make(doc, (s, e), text.clone(), EntityKind::Person, None, 0.5);
        m.kb_id = Some(format!("p:{sk}"));
        m.canonical = Some(text);
        Some(m)
    }

    fn arabic_roles(&self, doc: &mut Doc, out: &mut Vec<Mention>) {
        let n = doc.toks.len();
        for i in 0..n {
            if !doc.toks[i].arabic || !AR_ROLE_CUES.contains(&doc.norm(i)) {
                continue;
            }
            // Skip the organisation named after the cue ("باسم قسد", "باسم المجلس"): the name starts at the first
            // known name word within five words, in the same sentence.
            let mut k = i + 1;
            while k < n
                && k <= i + 5
                && doc.joinable.get(k).copied().unwrap_or(false)
                && (doc.covered[k]
                    || !doc.toks[k].arabic
                    || !self.is_name_unit(doc.norm(k))
                    || not_name_word(doc, k))
            {
                k += 1;
            }
            if k >= n || k > i + 5 || doc.covered[k] || !doc.toks[k].arabic {
                continue;
            }
            if !doc.joinable.get(k).copied().unwrap_or(false) {
                continue;
            }
            let mut end = k;
            while end + 1 < n
                && end + 1 - k < 3
                && !doc.covered[end + 1]
                && doc.toks[end + 1].arabic
                && doc.joinable.get(end + 1).copied().unwrap_or(false)
                && self.is_name_unit(doc.norm(end + 1))
                && !not_name_word(doc, end + 1)
            {
                end += 1;
            }
            // A surname the name table lacks right after a known given name: transliterated.
            if end == k
                && k + 1 < n
                && !doc.covered[k + 1]
                && doc.toks[k + 1].arabic
                && doc.joinable.get(k + 1).copied().unwrap_or(false)
                && doc.norm(k + 1).chars().count() >= 3
                && !not_name_word(doc, k + 1)
            {
                end = k + 1;
            }
            if end == k || !self.is_name_unit(doc.norm(k)) || (k..=end).any(|x| not_name_word(doc, x)) {
                continue;
            }
            let Some((s, e)) = doc.span_of(k, end, 0) else {
                continue;
            };
            let text = doc.orig(s, e);
            let Some(latin) = self.kb.latin_name(&text) else {
                continue;
            };
            self.push_person(doc, (k, end), (s, e), latin, 0.5, out);
        }
    }

    /// Records tokens `first..=last` (chars `s..e`) as a person written in Arabic, named `latin`.
    fn push_person(
        &self,
        doc: &mut Doc,
        (first, last): (usize, usize),
        (s, e): (usize, usize),
        latin: String,
        confidence: f32,
        out: &mut Vec<Mention>,
    ) {
        let text = doc.orig(s, e);
        let mut m = self.make(doc, (s, e), text.clone(), EntityKind::Person, None, confidence);
        m.kb_id = Some(person_id(&self.kb, &latin));
        m.canonical = Some(latin);
        m.canonical_ar = Some(text);
        for x in first..=last {
            if let Some(c) = doc.covered.get_mut(x) {
                *c = true;
            }
        }
        out.push(m);
    }

    /// Foreign people after Arabic role cues, whose names the Arabic name table lacks ("المتحدث باسم وزارة الدفاع
    /// الأمريكية شون روبرتسون"): two or three words, the first spelled by the transformer as a common given name
    /// (US census), each next one a rare Arabic word or an uncommon one spelled as a listed name (never a common
    /// word: "قائد عسكري كبير" stays a commander). The canonical name is the transformer's spelling.
    fn arabic_foreign_people(&self, doc: &mut Doc, out: &mut Vec<Mention>) {
        let n = doc.toks.len();
        for i in 0..n {
            if !doc.toks[i].arabic || !AR_ROLE_CUES.contains(&doc.norm(i)) {
                continue;
            }
            let usable = |doc: &Doc, k: usize| {
                k < n
                    && (!doc.covered[k] || doc.rejected[k])
                    && doc.toks[k].arabic
                    && doc.joinable.get(k).copied().unwrap_or(false)
                    && doc.norm(k).chars().count() >= 3
                    && !not_name_word(doc, k)
            };
            let mut k = i + 1;
            while k <= i + 6 && k < n && doc.joinable.get(k).copied().unwrap_or(false) {
                if usable(doc, k) {
                    let orig = |doc: &Doc, k: usize| doc.orig(doc.toks[k].ostart, doc.toks[k].oend);
                    // The first word must read as a common given name ("شون" Shawn, not "إدارة" Dara).
                    // Everyday words ("القوات", "آخر") are not tried; the name table's own units were.
                    let everyday = self
                        .kb
                        .ar_freq
                        .centibels(doc.norm(k))
                        .is_some_and(|cb| cb <= EVERYDAY_CB);
                    // A name here has a second word that is not a common one: checked first, it is cheap.
                    let second_ok = usable(doc, k + 1)
                        && self
                            .kb
                            .ar_freq
                            .centibels(doc.norm(k + 1))
                            .is_none_or(|cb| cb > COMMON_CB);
                    let first = Some(orig(doc, k))
                        .filter(|_| second_ok && !everyday && !self.is_name_unit(doc.norm(k)))
                        .and_then(|w| self.kb.foreign_given_name(&w));
                    if let Some(first) = first {
                        let mut names = vec![first];
                        let mut end = k;
                        while end + 1 < n && end + 1 - k < 3 && usable(doc, end + 1) {
                            let w = doc.norm(end + 1);
                            let Some((latin, listed)) = self.kb.foreign_spelling(&orig(doc, end + 1)) else {
                                break;
                            };
                            let cb = self.kb.ar_freq.centibels(w);
                            let rare = cb.is_none_or(|cb| cb > RARE_NAME_CB);
                            let uncommon = cb.is_none_or(|cb| cb > COMMON_CB);
                            if !((listed && uncommon) || rare) {
                                break;
                            }
                            names.push(latin);
                            end += 1;
                        }
                        if end > k {
                            if let Some(span) = doc.span_of(k, end, 0) {
                                self.push_person(doc, (k, end), span, names.join(" "), 0.45, out);
                            }
                        }
                        break;
                    }
                }
                k += 1;
            }
        }
    }

    fn is_name_unit(&self, w: &str) -> bool {
        self.kb
            .name_units
            .as_ref()
            .is_some_and(|t| !t.index.get(w).is_empty())
    }
}

/// Arabic function words that coincide with names in the gazetteer or the name table ("إلى" ~ Ely, "على" ~ Ali).
fn is_arabic_stop(word: &str) -> bool {
    const STOP: &[&str] = &[
        "إلى",
        "الى",
        "على",
        "علي",
        "عن",
        "من",
        "في",
        "بين",
        "أن",
        "ان",
        "إن",
        "وأن",
        "وإن",
        "أو",
        "او",
        "ما",
        "لا",
        "كان",
        "كانت",
        "كنت",
        "قد",
        "لم",
        "لن",
        "هو",
        "هي",
        "هم",
        "ذلك",
        "تلك",
        "هذا",
        "هذه",
        "التي",
        "الذي",
        "الذين",
        "بعد",
        "قبل",
        "عند",
        "حتى",
        "مع",
        "ضد",
        "حيث",
        "أي",
        "كل",
        "بعض",
        "غير",
        "أولى",
        "الأولى",
        "أشار",
        "قال",
        "أكد",
        "أعلن",
        "نحو",
        "منذ",
        "خلال",
        "عبر",
        "أمس",
        "اليوم",
        "جديدة",
        "جديد",
        "بلدة",
        "مدينة",
        "قرية",
    ];
    let w = word.trim_start_matches(['و', 'ف', 'ب', 'ل']);
    STOP.contains(&word) || (w.chars().count() >= 2 && STOP.contains(&w))
}

/// The letters of a Latin name for spelling comparison: lowercased, accents folded, "q" written "k" (ق is Q or
/// K: "Ksad" ~ Qasad); a second key without a leading article, written apart or not ("Al-Bagouz", "Albagoz").
/// Words that say what kind of place a name is, not which one: "Diyala province" and "Idlib province" are spelled
/// alike only in them, so spelling comparisons leave them out.
const GENERIC_PLACE_WORDS: [&str; 13] = [
    "province",
    "governorate",
    "district",
    "region",
    "county",
    "city",
    "town",
    "village",
    "countryside",
    "rural",
    "subdistrict",
    "municipality",
    "prefecture",
];

fn spelling_keys(name: &str) -> Vec<String> {
    let lower: String = name.to_lowercase().chars().map(fold_latin).collect();
    let specific = lower
        .split(|c: char| c.is_whitespace() || c == '-')
        .filter(|w| !w.is_empty() && !GENERIC_PLACE_WORDS.contains(w))
        .collect::<Vec<_>>()
        .join(" ");
    let lower = if specific.is_empty() { lower } else { specific };
    let letters = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_alphabetic())
            .map(|c| if c == 'q' { 'k' } else { c })
            .collect()
    };
    let mut keys = vec![letters(&lower)];
    let bare = ["al-", "el-", "al ", "el ", "the ", "al", "el"]
        .iter()
        .find_map(|p| lower.strip_prefix(p))
        .map(letters)
        .filter(|k| k.chars().count() >= 3);
    if let Some(k) = bare {
        if !keys.contains(&k) {
            keys.push(k);
        }
    }
    keys.retain(|k| !k.is_empty());
    keys
}

/// The last token of the longest phonetic-fallback window from `a` (up to `last`): [`MAX_FUZZY_TOKENS`] words, the
/// particles inside names not counted ("Fahd Bin Turki Bin Abdulaziz" is one window).
fn fuzzy_window_end(doc: &Doc, a: usize, last: usize) -> usize {
    let mut words = 0;
    let mut end = a;
    for k in a..=last {
        if !NAME_PARTICLES.contains(&doc.norm(k)) {
            words += 1;
            if words > MAX_FUZZY_TOKENS {
                break;
            }
        }
        end = k;
    }
    end
}

/// Whether a candidate is a news dateline: capitals opening a line or sentence, then a comma, dash or parenthesis
/// ("ROCK HILL, S.C. —", "BEIJING -", "JAMMU –"; not a transcript's "COOPER:").
fn is_dateline(doc: &Doc, c: &Cand) -> bool {
    let (Some(first), Some(last)) = (doc.toks.get(c.first), doc.toks.get(c.last)) else {
        return false;
    };
    if !first.sentence_start || !doc.toks[c.first..=c.last].iter().all(|t| t.all_caps) {
        return false;
    }
    doc.chars
        .get(last.oend..)
        .and_then(|rest| rest.iter().find(|ch| !ch.is_whitespace()))
        .is_some_and(|ch| matches!(ch, ',' | '—' | '–' | '-' | '('))
}

/// Whether a normalized token is one of [`AR_ROLE_NOUNS`] (compared in the matching normalization).
fn is_role_noun(norm: &str) -> bool {
    static NOUNS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    NOUNS
        .get_or_init(|| {
            let n = khabar_normalize::Normalizer::for_matching();
            AR_ROLE_NOUNS
                .iter()
                .map(|w| crate::key::exact_key(&n, w))
                .collect()
        })
        .iter()
        .any(|w| w == norm)
}

/// A function word or a role noun ([`AR_ROLE_NOUNS`]): never part of a person's name.
fn not_name_word(doc: &Doc, k: usize) -> bool {
    let Some(t) = doc.toks.get(k) else { return true };
    is_arabic_stop(&doc.orig(t.ostart, t.oend)) || is_role_noun(&t.norm.text)
}

fn is_latin_article(w: &str) -> bool {
    matches!(w, "al" | "el" | "ad" | "ar" | "as" | "az" | "ash")
}

fn person_id(kb: &KnowledgeBase, latin: &str) -> String {
    format!("p:{}", crate::key::skeleton(&kb.normalizer, latin))
}

/// The entity stage for the pipeline: article in, article and its mentions out.
pub struct EntityStage {
    linker: EntityLinker,
}

impl EntityStage {
    /// Wraps a linker.
    pub fn new(linker: EntityLinker) -> EntityStage {
        EntityStage { linker }
    }
}

impl Stage for EntityStage {
    type Input = Article;
    type Output = (Article, Vec<Mention>);

    fn name(&self) -> &'static str {
        "entities"
    }

    fn process(&self, input: Article) -> Result<Self::Output, StageError> {
        let mentions = self.linker.link(&input);
        Ok((input, mentions))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn linker() -> EntityLinker {
        EntityLinker::new(Arc::new(KnowledgeBase::curated_only().unwrap()))
    }

    fn article(text: &str) -> Article {
        Article::from_text("t", text)
    }

    fn found(text: &str) -> Vec<(String, Option<String>, EntityKind)> {
        linker()
            .link(&article(text))
            .into_iter()
            .map(|m| (m.mention, m.kb_id, m.kind))
            .collect()
    }

    #[test]
    fn arabic_clitics_stay_outside_the_span() {
        let ms = linker().link(&article("وقال مسؤول لَقسد إن والباغوز سقطت"));
        let sdf = ms.iter().find(|m| m.kb_id.as_deref() == Some("k:sdf")).unwrap();
        assert_eq!(sdf.mention, "قسد");
        let baghuz = ms
            .iter()
            .find(|m| m.kb_id.as_deref() == Some("k:place:baghuz"))
            .unwrap();
        assert_eq!(baghuz.mention, "الباغوز");
    }

    #[test]
    fn short_capital_aliases_need_capitals() {
        let lower = found("this is what the ap said");
        assert!(lower.is_empty(), "{lower:?}");
        let upper = found("The AP and IS reported, said SDF");
        let ids: Vec<Option<String>> = upper.into_iter().map(|x| x.1).collect();
        assert!(ids.contains(&Some("k:ap".into())));
        assert!(ids.contains(&Some("k:isis".into())));
        assert!(ids.contains(&Some("k:sdf".into())));
    }

    #[test]
    fn a_leader_named_by_surname_alone_is_the_same_person() {
        for text in [
            "قال حسن نصر الله في خطاب متلفز إن الحزب لن يتراجع. وأضاف نصر الله أن المعركة مستمرة.",
            "Hassan Nasrallah spoke on Sunday. Nasrallah added that the fight goes on.",
        ] {
            let ids: Vec<Option<String>> = found(text).into_iter().map(|m| m.1).collect();
            assert_eq!(ids.len(), 2, "{text}: {ids:?}");
            assert!(
                ids.iter().all(|id| id.as_deref() == Some("k:person:nasrallah")),
                "{ids:?}"
            );
        }
    }

    #[test]
    fn role_cues_type_unknown_names_as_people() {
        let ms = found("\"We will hold,\" said Ahmed Karimi, a spokesman for the council.");
        let person = ms.iter().find(|m| m.0 == "Ahmed Karimi").unwrap();
        assert_eq!(person.2, EntityKind::Person);
        assert!(person.1.as_deref().is_some_and(|id| id.starts_with("p:")));
        // No cue, no person.
        assert!(found("Ahmed Karimi arrived.")
            .iter()
            .all(|m| m.2 != EntityKind::Person));
        // Particles do not count against the length of a name; five real names are still too many.
        let ms =
            found("They were received by the Joint Forces Commander Fahd Bin Turki Bin Abdulaziz on Sunday.");
        assert!(
            ms.iter()
                .any(|m| m.0 == "Fahd Bin Turki Bin Abdulaziz" && m.2 == EntityKind::Person),
            "{ms:?}"
        );
        let ms = found("SEOUL, Jan. 5 (Yonhap) WASHINGTON said the spokesman would travel.");
        assert!(ms.iter().all(|m| !m.0.contains(')')), "{ms:?}");
        let ms = found("The commander Peter Frank Lloyd Wright Jones spoke.");
        assert!(
            ms.iter().all(|m| m.0 != "Peter Frank Lloyd Wright Jones"),
            "{ms:?}"
        );
    }

    #[test]
    fn respelled_names_fall_back_to_the_skeleton_and_sentence_gaps_block_matches() {
        let ms = found("Fighters of the Kusad entered Bagouz in Syria. Syrian. Democratic Forces");
        let ids: Vec<Option<String>> = ms.iter().map(|m| m.1.clone()).collect();
        assert!(ids.contains(&Some("k:sdf".into())), "{ms:?}");
        assert!(ids.contains(&Some("k:place:baghuz".into())));
        assert!(!ms.iter().any(|m| m.0.contains("Democratic")), "{ms:?}");
    }

    #[test]
    fn thin_skeletons_need_the_article_to_fit() {
        // "Kasdi" shares the skeleton of "QSD" but nothing in the article points at Syria.
        let ms = found("Minister Kasdi visited Lyon on Monday.");
        assert!(ms.iter().all(|m| m.1.as_deref() != Some("k:sdf")), "{ms:?}");
        let ms = found("In Syria, Kasdi fighters advanced.");
        assert!(ms.iter().any(|m| m.1.as_deref() == Some("k:sdf")), "{ms:?}");
    }

    #[test]
    fn the_stage_passes_the_article_through() {
        let stage = EntityStage::new(linker());
        assert_eq!(stage.name(), "entities");
        let (a, ms) = stage.process(article("قسد في الباغوز")).unwrap();
        assert_eq!(a.text, "قسد في الباغوز");
        assert_eq!(ms.len(), 2);
    }

    #[test]
    fn nearness_prefers_places_close_to_the_article() {
        let ctx = Context {
            points: vec![(35.33, 40.14)],
            ..Context::default()
        };
        assert!(ctx.nearness(Some(35.15), Some(40.43)) > 0.8);
        assert_eq!(ctx.nearness(Some(30.5), Some(47.8)), 0.0);
        assert!((km(35.0, 40.0, 35.0, 40.0)).abs() < 1e-6);
    }
}
