//! Rule files (`rules/{en,ar}/*.tsv`) parsed into lexicons of token patterns.
//!
//! The format is described in `rules/README.md`. Patterns are normalized with the matching chain, so the rules and
//! the text meet on the same spelling.

use crate::error::{EventError, EventResult};
use crate::text::{TokKind, Token};
use khabar_model::{CountRole, EventFamily};
use khabar_normalize::Normalizer;
use std::collections::HashMap;
use std::path::Path;

/// The most words a `...` gap may skip.
const GAP_WORDS: usize = 6;

/// One token of a pattern.
#[derive(Debug, Clone, PartialEq)]
enum PatTok {
    Exact(String),
    Prefix(String),
    Gap,
}

/// A match of a lexicon entry over tokens `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Match {
    pub start: usize,
    pub end: usize,
    pub entry: usize,
}

/// Entries of one rule file: a pattern and the value the other columns give.
#[derive(Debug, Clone)]
pub(crate) struct Lexicon<T> {
    entries: Vec<(Vec<PatTok>, T)>,
    /// Entries whose first pattern token is an exact word, by that word.
    by_word: HashMap<String, Vec<usize>>,
    /// Entries whose first pattern token is a prefix, by the prefix's first char.
    by_prefix_char: HashMap<char, Vec<usize>>,
}

impl<T> Lexicon<T> {
    /// The value of a matched entry.
    pub fn value(&self, m: &Match) -> &T {
        &self.entries[m.entry].1
    }

    /// Every match at every position (overlaps included).
    pub fn find_all(&self, toks: &[Token]) -> Vec<Match> {
        let mut out = Vec::new();
        for start in 0..toks.len() {
            self.find_at_into(toks, start, &mut out);
        }
        out
    }

    /// Matches starting at `start`.
    pub fn find_at(&self, toks: &[Token], start: usize) -> Vec<Match> {
        let mut out = Vec::new();
        self.find_at_into(toks, start, &mut out);
        out
    }

    /// The longest match starting at `start`.
    pub fn longest_at(&self, toks: &[Token], start: usize) -> Option<Match> {
        self.find_at(toks, start)
            .into_iter()
            .max_by_key(|m| (m.end, usize::MAX - m.entry))
    }

    /// Matches ending exactly at `end` (longest first).
    pub fn ending_at(&self, toks: &[Token], end: usize) -> Vec<Match> {
        let mut out = Vec::new();
        for start in end.saturating_sub(8)..end {
            for m in self.find_at(toks, start) {
                if m.end == end {
                    out.push(m);
                }
            }
        }
        out.sort_by_key(|m| m.start);
        out
    }

    /// Non-overlapping matches, the longer winning (then the earlier, then the one without a gap, then the one without
    /// a prefix).
    pub fn find_longest(&self, toks: &[Token]) -> Vec<Match> {
        // Of two matches over the same words, the pattern without a gap wins ("in an air operation" over "in an ...
        // operation"), then the one without a prefix ("abductors" over "abduct*").
        longest_non_overlapping(self.find_all(toks), |m| {
            self.entries.get(m.entry).map(|(pat, _)| {
                (
                    pat.iter().any(|p| matches!(p, PatTok::Gap)),
                    pat.iter().any(|p| matches!(p, PatTok::Prefix(_))),
                )
            })
        })
    }

    fn new(entries: Vec<(Vec<PatTok>, T)>) -> Lexicon<T> {
        let mut by_word: HashMap<String, Vec<usize>> = HashMap::new();
        let mut by_prefix_char: HashMap<char, Vec<usize>> = HashMap::new();
        for (i, (pat, _)) in entries.iter().enumerate() {
            match pat.first() {
                Some(PatTok::Exact(w)) => by_word.entry(w.clone()).or_default().push(i),
                Some(PatTok::Prefix(w)) => {
                    if let Some(c) = w.chars().next() {
                        by_prefix_char.entry(c).or_default().push(i);
                    }
                }
                // A pattern never starts with a gap (parse_pattern refuses gap-only patterns; a leading gap is
                // equivalent to none).
                _ => {}
            }
        }
        Lexicon {
            entries,
            by_word,
            by_prefix_char,
        }
    }

    fn find_at_into(&self, toks: &[Token], start: usize, out: &mut Vec<Match>) {
        let Some(t) = toks.get(start) else {
            return;
        };
        let mut candidates: Vec<usize> = Vec::new();
        for v in &t.variants {
            if let Some(ids) = self.by_word.get(v) {
                candidates.extend(ids);
            }
            if let Some(ids) = v.chars().next().and_then(|c| self.by_prefix_char.get(&c)) {
                candidates.extend(ids);
            }
        }
        candidates.sort_unstable();
        candidates.dedup();
        for entry in candidates {
            if let Some(end) = match_from(&self.entries[entry].0, 0, toks, start) {
                if end > start {
                    out.push(Match { start, end, entry });
                }
            }
        }
    }
}

/// Keeps the longest of overlapping matches; `tie` ranks matches of the same length and start (lower first, then the
/// input order).
fn longest_non_overlapping<K: Ord>(mut all: Vec<Match>, tie: impl Fn(&Match) -> K) -> Vec<Match> {
    all.sort_by_key(|m| (std::cmp::Reverse(m.end - m.start), m.start, tie(m)));
    let mut kept: Vec<Match> = Vec::new();
    for m in all {
        if kept.iter().all(|k| m.end <= k.start || m.start >= k.end) {
            kept.push(m);
        }
    }
    kept.sort_by_key(|m| m.start);
    kept
}

fn token_matches(p: &PatTok, t: &Token) -> bool {
    match p {
        PatTok::Exact(w) => t.variants.iter().any(|v| v == w),
        PatTok::Prefix(w) => t.kind != TokKind::Punct && t.variants.iter().any(|v| v.starts_with(w.as_str())),
        PatTok::Gap => true,
    }
}

fn match_from(pat: &[PatTok], pi: usize, toks: &[Token], ti: usize) -> Option<usize> {
    let Some(p) = pat.get(pi) else {
        return Some(ti);
    };
    if *p == PatTok::Gap {
        for skip in 0..=GAP_WORDS {
            let end = ti + skip;
            if end > toks.len() {
                break;
            }
            if skip > 0 && toks.get(end - 1).is_some_and(|t| t.kind == TokKind::Punct) {
                break;
            }
            if let Some(e) = match_from(pat, pi + 1, toks, end) {
                return Some(e);
            }
        }
        return None;
    }
    let t = toks.get(ti)?;
    if token_matches(p, t) {
        match_from(pat, pi + 1, toks, ti + 1)
    } else {
        None
    }
}

/// A rule file's text with its name (for error messages).
struct Source<'a> {
    name: String,
    text: &'a str,
}

fn parse_pattern(normalizer: &Normalizer, raw: &str) -> Vec<PatTok> {
    let mut out = Vec::new();
    for w in raw.split_whitespace() {
        if w == "..." || w == "…" {
            out.push(PatTok::Gap);
            continue;
        }
        let (body, prefix) = match w.strip_suffix('*') {
            Some(b) if !b.is_empty() => (b, true),
            _ => (w, false),
        };
        let n = normalizer.normalize(body);
        // Arabic tatweel-only or empty after normalization: keep the raw form.
        let n = if n.is_empty() { body.to_string() } else { n };
        out.push(if prefix {
            PatTok::Prefix(n)
        } else {
            PatTok::Exact(n)
        });
    }
    out
}

fn parse_lexicon<T>(
    normalizer: &Normalizer,
    src: &Source<'_>,
    columns: usize,
    mut value: impl FnMut(&[&str]) -> Result<T, String>,
) -> EventResult<Lexicon<T>> {
    let mut entries = Vec::new();
    for (i, line) in src.text.lines().enumerate() {
        let trimmed = line.trim_end_matches('\r');
        if trimmed.trim().is_empty() || trimmed.trim_start().starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = trimmed
            .split('\t')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .collect();
        let err = |message: String| EventError::Rules {
            file: src.name.clone(),
            line: i + 1,
            message,
        };
        if cols.len() != columns {
            return Err(err(format!(
                "expected {columns} tab-separated columns, found {}",
                cols.len()
            )));
        }
        let pattern = parse_pattern(normalizer, cols[columns - 1]);
        if pattern.is_empty() || pattern.iter().all(|p| *p == PatTok::Gap) {
            return Err(err("empty pattern".into()));
        }
        let v = value(&cols[..columns - 1]).map_err(err)?;
        // A leading gap matches nothing more than no gap.
        let pattern: Vec<PatTok> = pattern.into_iter().skip_while(|p| *p == PatTok::Gap).collect();
        entries.push((pattern, v));
    }
    Ok(Lexicon::new(entries))
}

/// What a `places.tsv` word says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PlaceWord {
    /// A place noun (town, بلدة): evidence of "where" when no place mention is given.
    Cue,
    /// A word before a place that says where it happened (in, near, في): that place wins over a nearer one.
    Locative,
}

/// What a number word means.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum NumWord {
    Num(u64),
    Mult(u64),
    Vague(u64, u64),
    RangeStart,
    RangeJoin { strong: bool },
}

/// Quantity modifier kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ModKind {
    MoreThan,
    AtLeast,
    About,
    UpTo,
    LessThan,
    /// "including 11 children": a part of a count given before, not a count of its own.
    Subset,
}

/// Before or after the number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Position {
    Before,
    After,
}

/// Date words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DateWord {
    Month(u32),
    HijriMonth(u32),
    HijriMarker,
    Weekday(u32),
    Rel(i64),
    /// Months back from publication ("last month" = -1), month precision.
    RelMonth(i64),
    Part,
    Last,
    ThisMonth,
    Since,
    Connector,
    /// The dash of a night between two days («ليلة السبت-الأحد»): the night is told under the later day.
    Into,
    YearCue,
    /// An ordinal day word ("السابع" in «السابع من أكتوبر»): the day of the month.
    Ordinal(u32),
    /// A name that holds a date ("March 23 Movement", «حركة 23 مارس»): no date at all.
    Name,
    /// "the same day", «في اليوم نفسه»: no date of its own; the day of the incident told before.
    SameDay,
}

/// Single-victim words (`singulars.tsv`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Single {
    /// A singular (value 1) or dual (value 2) person noun that counts itself after an indefinite article
    /// ("a civilian").
    Noun(u64),
    /// A singular or dual person noun that counts itself right after a role word ("استشهد شاب", "مقتل شخصين").
    AfterRole(u64),
    /// A relative with a possessive pronoun («زوجته», «طفليهما»): counts itself like `AfterRole`, and also as a
    /// member joined by «و» to the counted people before it («استشهاد مواطن وزوجته وطفليهما»: 4).
    Relative(u64),
    /// An indefinite article that introduces a singular noun ("a", "an").
    Article,
    /// A word that may follow a singular noun and shows the noun phrase ended ("was", "and", "in"); in Arabic, a word
    /// after a role verb that shows its clause ended («جراء», «برصاص»), so the noun before the verb was its subject.
    Follow,
    /// A relative pronoun that stands for one person (value 1) or two (value 2) as the subject of a role verb whose
    /// clause ends with it ("the journalist, who was shot dead by ...", «الشهيد ... الذي استشهد أمس»): it counts them.
    Who(u64),
    /// A word after which an indefinite singular noun is the subject of the clause that follows («أن», «بأن», «إن»).
    That,
    /// A role word with a person's pronoun, a count of one (value 1) or two (value 2) by itself («مقتله»: his killing,
    /// «استشهادهما»); also listed in `roles.tsv`.
    Itself(u64),
}

/// Modality cue kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ModalityKind {
    Negation,
    Irrealis,
    Cause,
    Background,
    Skip,
    /// "Related stories", «اقرأ أيضاً»: drops its sentence like `Skip`; as a heading ("Related stories:") it opens a
    /// list of other stories' headlines, the lines after it with no closing full stop.
    Teasers,
    /// A natural disaster (flood, earthquake, wildfire): drops its sentence like `Skip`, and makes the rest of its
    /// paragraph (the whole article when in the headline) a disaster context, where a toll or displacement with no
    /// incident word of its own is the disaster's, not a conflict event.
    Disaster,
    /// "Meanwhile", «إلى ذلك»: the sentence starts a new report; it continues no incident told before it.
    Shift,
    /// "The deaths came when", «وسقط الضحايا»: the sentence tells the incident behind the toll told just before it.
    TollRef,
    /// ", bringing the toll since ...", «، ما يرفع الحصيلة الإجمالية»: after a comma, a running total's clause starts;
    /// a background cue inside it drops only that clause.
    Total,
    Except,
    /// "rose to", "climbed to": a number right after it takes a role word from anywhere earlier in its clause
    /// ("the death toll from Monday's bombing at a market in Baghdad rose to 32").
    Bridge,
    /// "جراء", "due to": in a sentence that counts displaced people, the incident it introduces is the reason they
    /// left, not a separate report.
    Reason,
    /// «وكان ... قد»: the sentence tells what had happened before the report; with a month or a year for its date
    /// and no recent day named, it is background.
    Pluperfect,
    /// "condemned the", «أعربت عن إدانتها»: a condemnation names an incident without reporting it; an event with no
    /// count whose incident word it governs is dropped (a toll told after it stands).
    Reaction,
    /// ", in breach of the truce agreed last month", «، رغم إعلان المبادئ الذي وقّعه الطرفان الشهر الماضي»: after a
    /// comma, a clause about something else that the incident is set against; it is cut off, dates and all.
    Aside,
    /// "mourners buried", «شيّع»: a funeral is told after its incident; the sentence is background unless it tells
    /// the incident itself with an incident word ("a day after he was killed in an Israeli strike", «الذي استشهد أمس
    /// برصاص ...») and no `recall` cue.
    Funeral,
    /// "last week", «الأسبوع الماضي»: in a funeral's sentence, the incident it tells was not the news of the day.
    Recall,
    /// "could not be independently verified", «لم يتسنَّ التحقق»: the report of the sentence before, and of this one,
    /// is hedged.
    Unverified,
    /// "hanged", "executed", «نفذت ... حكم الإعدام»: a death sentence carried out is news, so the court words of its
    /// sentence ("who had been convicted of ...") do not skip it; not after "to" or "be" ("sentenced to be hanged").
    Execution,
}

/// Where a modality cue acts, relative to a trigger.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    Before(usize),
    After(usize),
    Around(usize),
    /// The rest of the cue's clause: every word after it up to the next clause punctuation ("denied on Wednesday
    /// that it had carried out an air strike on the school, ...").
    Clause,
    Sentence,
}

/// Attribution cue kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AttrCue {
    CueThenSource {
        hedging: bool,
    },
    SourceThenCue {
        hedging: bool,
    },
    Stop,
    /// A word that names a source ("official", "مصدر"): a surface source name must hold one or a capital.
    SourceWord,
    /// "he said", «وأضاف»: credits the source named before, in an earlier sentence.
    Pronoun,
    /// "now", "also": passed over between a source and its verb ("the mayor now says").
    Adverb,
    /// "in a statement", «في بيان»: words that may stand between a crediting verb and the statement's own date.
    Statement,
    /// "Breaking", «عاجل»: a headline label before a colon, never a source ("Breaking News: ...").
    Label,
}

/// All rules of one language.
#[derive(Debug, Clone)]
pub(crate) struct LangRules {
    /// Family named by a trigger (None: a mask), and whether the trigger is weak (family written `attack?`): a weak
    /// trigger makes an event only when a count is bound to it ("fired tear gas ..., wounding dozens").
    pub triggers: Lexicon<(Option<EventFamily>, bool)>,
    pub roles: Lexicon<RoleWord>,
    pub targets: Lexicon<String>,
    pub numbers: Lexicon<NumWord>,
    pub modifiers: Lexicon<(ModKind, Position)>,
    pub units: Lexicon<Position>,
    pub dates: Lexicon<DateWord>,
    pub modality: Lexicon<(ModalityKind, Scope)>,
    pub hedges: Lexicon<bool>,
    pub attribution: Lexicon<AttrCue>,
    pub sources: Lexicon<String>,
    pub actors: Lexicon<String>,
    pub places: Lexicon<PlaceWord>,
    /// Singular and dual person nouns that are counts of one or two, with their articles and followers.
    pub singulars: Lexicon<Single>,
}

/// A role word of `roles.tsv`: the count role it gives a number (none: it takes its number so no farther role word
/// does, and binds nothing), the event family it names, and whether it counts only numbers of a known kind of
/// people (role written `arrested?`: «ضبط» seizes men and rifles alike).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RoleWord {
    /// The count role.
    pub role: Option<CountRole>,
    /// The family the role word names by itself (`arrest` for "detained").
    pub family: Option<EventFamily>,
    /// Only numbers whose noun is a people word of `targets.tsv` are its count.
    pub people_only: bool,
}

/// The file names a language folder holds.
/// Rule files that may be absent from a folder (read as empty).
const OPTIONAL_FILES: [&str; 1] = ["singulars.tsv"];

pub(crate) const FILES: [&str; 14] = [
    "triggers.tsv",
    "roles.tsv",
    "targets.tsv",
    "numbers.tsv",
    "modifiers.tsv",
    "units.tsv",
    "dates.tsv",
    "modality.tsv",
    "hedges.tsv",
    "attribution.tsv",
    "sources.tsv",
    "actors.tsv",
    "places.tsv",
    "singulars.tsv",
];

fn family(name: &str) -> Result<Option<EventFamily>, String> {
    if name == "none" || name == "-" {
        return Ok(None);
    }
    EventFamily::parse(name)
        .map(Some)
        .ok_or_else(|| format!("unknown family `{name}`"))
}

fn position(s: &str) -> Result<Position, String> {
    match s {
        "before" => Ok(Position::Before),
        "after" => Ok(Position::After),
        other => Err(format!("position must be before or after, not `{other}`")),
    }
}

fn number(s: &str) -> Result<u64, String> {
    s.parse::<u64>().map_err(|_| format!("`{s}` is not a number"))
}

fn hedging(s: &str) -> Result<bool, String> {
    match s {
        "yes" => Ok(true),
        "no" | "-" => Ok(false),
        other => Err(format!("hedging must be yes or no, not `{other}`")),
    }
}

fn scope(s: &str) -> Result<Scope, String> {
    if s == "sentence" || s == "-" {
        return Ok(Scope::Sentence);
    }
    if s == "clause" {
        return Ok(Scope::Clause);
    }
    let (kind, n) = s.split_once(':').ok_or_else(|| format!("bad scope `{s}`"))?;
    let n = n.parse::<usize>().map_err(|_| format!("bad scope `{s}`"))?;
    match kind {
        "before" => Ok(Scope::Before(n)),
        "after" => Ok(Scope::After(n)),
        "around" => Ok(Scope::Around(n)),
        _ => Err(format!("bad scope `{s}`")),
    }
}

impl LangRules {
    /// Whether the `roles.tsv` match `m` binds a count role (not a `none` mask).
    pub(crate) fn is_role(&self, m: &Match) -> bool {
        self.roles.value(m).role.is_some()
    }

    /// The `targets.tsv` label of the people word at token `n` ("civilians", "fighters"); none when the word there
    /// counts things (label `-`) or is no target word.
    pub(crate) fn people_at(&self, toks: &[Token], n: usize) -> Option<&String> {
        self.targets
            .longest_at(toks, n)
            .map(|m| self.targets.value(&m))
            .filter(|t| *t != "-")
    }

    /// Parses a language folder given as `(file name, text)` pairs in [`FILES`] order.
    fn parse(lang: &str, texts: &[&str; 14]) -> EventResult<LangRules> {
        let n = Normalizer::for_matching();
        let src = |i: usize| Source {
            name: format!("{lang}/{}", FILES[i]),
            text: texts[i],
        };
        Ok(LangRules {
            triggers: parse_lexicon(&n, &src(0), 2, |c| match c[0].strip_suffix('?') {
                Some(f) => family(f).map(|f| (f, true)),
                None => family(c[0]).map(|f| (f, false)),
            })?,
            roles: parse_lexicon(&n, &src(1), 3, |c| {
                let (name, people_only) = match c[0].strip_suffix('?') {
                    Some(r) => (r, true),
                    None => (c[0], false),
                };
                let role = if name == "none" {
                    None
                } else {
                    Some(CountRole::parse(name).ok_or_else(|| format!("unknown role `{name}`"))?)
                };
                Ok(RoleWord {
                    role,
                    family: family(c[1])?,
                    people_only,
                })
            })?,
            targets: parse_lexicon(&n, &src(2), 2, |c| Ok(c[0].to_string()))?,
            numbers: parse_lexicon(&n, &src(3), 3, |c| match c[0] {
                "num" => Ok(NumWord::Num(number(c[1])?)),
                "mult" => Ok(NumWord::Mult(number(c[1])?)),
                "vague" => {
                    let (a, b) = c[1].split_once('-').ok_or("vague value must be min-max")?;
                    Ok(NumWord::Vague(number(a)?, number(b)?))
                }
                "range_start" => Ok(NumWord::RangeStart),
                "range_join" => Ok(NumWord::RangeJoin {
                    strong: c[1] == "strong",
                }),
                other => Err(format!("unknown number kind `{other}`")),
            })?,
            modifiers: parse_lexicon(&n, &src(4), 3, |c| {
                let kind = match c[0] {
                    "more_than" => ModKind::MoreThan,
                    "at_least" => ModKind::AtLeast,
                    "about" => ModKind::About,
                    "up_to" => ModKind::UpTo,
                    "less_than" => ModKind::LessThan,
                    "subset" => ModKind::Subset,
                    other => return Err(format!("unknown modifier `{other}`")),
                };
                Ok((kind, position(c[1])?))
            })?,
            units: parse_lexicon(&n, &src(5), 2, |c| position(c[0]))?,
            dates: parse_lexicon(&n, &src(6), 3, |c| {
                let v = c[1];
                Ok(match c[0] {
                    "month" => DateWord::Month(number(v)? as u32),
                    "hijri_month" => DateWord::HijriMonth(number(v)? as u32),
                    "hijri_marker" => DateWord::HijriMarker,
                    "weekday" => DateWord::Weekday(number(v)? as u32),
                    "rel" => DateWord::Rel(v.parse::<i64>().map_err(|_| format!("bad offset `{v}`"))?),
                    "rel_month" => {
                        DateWord::RelMonth(v.parse::<i64>().map_err(|_| format!("bad offset `{v}`"))?)
                    }
                    "part" => DateWord::Part,
                    "last" => DateWord::Last,
                    "this_month" => DateWord::ThisMonth,
                    "since" => DateWord::Since,
                    "connector" => DateWord::Connector,
                    "into" => DateWord::Into,
                    "year_cue" => DateWord::YearCue,
                    "ordinal" => DateWord::Ordinal(number(v)? as u32),
                    "name" => DateWord::Name,
                    "same_day" => DateWord::SameDay,
                    other => return Err(format!("unknown date kind `{other}`")),
                })
            })?,
            modality: parse_lexicon(&n, &src(7), 3, |c| {
                let kind = match c[0] {
                    "negation" => ModalityKind::Negation,
                    "irrealis" => ModalityKind::Irrealis,
                    "cause" => ModalityKind::Cause,
                    "background" => ModalityKind::Background,
                    "skip" => ModalityKind::Skip,
                    "teasers" => ModalityKind::Teasers,
                    "disaster" => ModalityKind::Disaster,
                    "shift" => ModalityKind::Shift,
                    "tollref" => ModalityKind::TollRef,
                    "total" => ModalityKind::Total,
                    "except" => ModalityKind::Except,
                    "bridge" => ModalityKind::Bridge,
                    "reason" => ModalityKind::Reason,
                    "pluperfect" => ModalityKind::Pluperfect,
                    "reaction" => ModalityKind::Reaction,
                    "aside" => ModalityKind::Aside,
                    "funeral" => ModalityKind::Funeral,
                    "recall" => ModalityKind::Recall,
                    "unverified" => ModalityKind::Unverified,
                    "execution" => ModalityKind::Execution,
                    other => return Err(format!("unknown modality `{other}`")),
                };
                Ok((kind, scope(c[1])?))
            })?,
            hedges: parse_lexicon(&n, &src(8), 2, |c| match c[0] {
                "hedge" => Ok(true),
                "block" => Ok(false),
                other => Err(format!("unknown hedge kind `{other}`")),
            })?,
            attribution: parse_lexicon(&n, &src(9), 3, |c| match c[0] {
                "cue_then_source" => Ok(AttrCue::CueThenSource {
                    hedging: hedging(c[1])?,
                }),
                "source_then_cue" => Ok(AttrCue::SourceThenCue {
                    hedging: hedging(c[1])?,
                }),
                "stop" => Ok(AttrCue::Stop),
                "source_word" => Ok(AttrCue::SourceWord),
                "pronoun" => Ok(AttrCue::Pronoun),
                "adverb" => Ok(AttrCue::Adverb),
                "statement" => Ok(AttrCue::Statement),
                "label" => Ok(AttrCue::Label),
                other => Err(format!("unknown attribution kind `{other}`")),
            })?,
            sources: parse_lexicon(&n, &src(10), 2, |c| Ok(c[0].to_string()))?,
            actors: parse_lexicon(&n, &src(11), 2, |c| Ok(c[0].to_string()))?,
            places: parse_lexicon(&n, &src(12), 2, |c| match c[0] {
                "cue" => Ok(PlaceWord::Cue),
                "locative" => Ok(PlaceWord::Locative),
                other => Err(format!("unknown places kind `{other}`")),
            })?,
            singulars: parse_lexicon(&n, &src(13), 3, |c| match c[0] {
                "single" => Ok(Single::Noun(number(c[1])?)),
                "after_role" => Ok(Single::AfterRole(number(c[1])?)),
                "relative" => Ok(Single::Relative(number(c[1])?)),
                "article" => Ok(Single::Article),
                "follow" => Ok(Single::Follow),
                "who" => Ok(Single::Who(number(c[1])?)),
                "that" => Ok(Single::That),
                "itself" => Ok(Single::Itself(number(c[1])?)),
                other => Err(format!("unknown singulars kind `{other}`")),
            })?,
        })
    }
}

/// Rules for every supported language.
#[derive(Debug, Clone)]
pub(crate) struct RuleSet {
    pub en: LangRules,
    pub ar: LangRules,
}

macro_rules! embedded_lang {
    ($lang:literal) => {
        [
            include_str!(concat!("../rules/", $lang, "/triggers.tsv")),
            include_str!(concat!("../rules/", $lang, "/roles.tsv")),
            include_str!(concat!("../rules/", $lang, "/targets.tsv")),
            include_str!(concat!("../rules/", $lang, "/numbers.tsv")),
            include_str!(concat!("../rules/", $lang, "/modifiers.tsv")),
            include_str!(concat!("../rules/", $lang, "/units.tsv")),
            include_str!(concat!("../rules/", $lang, "/dates.tsv")),
            include_str!(concat!("../rules/", $lang, "/modality.tsv")),
            include_str!(concat!("../rules/", $lang, "/hedges.tsv")),
            include_str!(concat!("../rules/", $lang, "/attribution.tsv")),
            include_str!(concat!("../rules/", $lang, "/sources.tsv")),
            include_str!(concat!("../rules/", $lang, "/actors.tsv")),
            include_str!(concat!("../rules/", $lang, "/places.tsv")),
            include_str!(concat!("../rules/", $lang, "/singulars.tsv")),
        ]
    };
}

impl RuleSet {
    /// The rules compiled into the crate.
    pub fn embedded() -> EventResult<RuleSet> {
        Ok(RuleSet {
            en: LangRules::parse("en", &embedded_lang!("en"))?,
            ar: LangRules::parse("ar", &embedded_lang!("ar"))?,
        })
    }

    /// Rules read from `dir/{en,ar}/*.tsv`.
    pub fn from_dir(dir: &Path) -> EventResult<RuleSet> {
        let load = |lang: &str| -> EventResult<LangRules> {
            let mut owned: Vec<String> = Vec::with_capacity(FILES.len());
            for f in FILES {
                let path = dir.join(lang).join(f);
                // Files added after the first release may be missing from an expert's older copy: empty rules.
                let text = match std::fs::read_to_string(&path) {
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound && OPTIONAL_FILES.contains(&f) => {
                        String::new()
                    }
                    other => other.map_err(|source| EventError::Io { path, source })?,
                };
                owned.push(text);
            }
            let refs: [&str; 14] = std::array::from_fn(|i| owned[i].as_str());
            LangRules::parse(lang, &refs)
        };
        Ok(RuleSet {
            en: load("en")?,
            ar: load("ar")?,
        })
    }

    /// The rules for a language code, Arabic for `ar`, English otherwise.
    pub fn lang(&self, lang: &str) -> &LangRules {
        if lang == "ar" {
            &self.ar
        } else {
            &self.en
        }
    }
}

/// The embedded rules, parsed once (None only if the shipped files were broken, which a test guards).
pub(crate) fn default_rules() -> Option<&'static RuleSet> {
    static RULES: std::sync::OnceLock<Option<RuleSet>> = std::sync::OnceLock::new();
    RULES.get_or_init(|| RuleSet::embedded().ok()).as_ref()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::tokenize;

    #[test]
    fn shipped_rules_parse() {
        let r = RuleSet::embedded();
        assert!(r.is_ok(), "{:?}", r.err());
    }

    #[test]
    fn a_rules_folder_without_the_newer_files_still_loads() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
        let dir = std::env::temp_dir().join(format!("khabar-events-rules-{}", std::process::id()));
        for lang in ["en", "ar"] {
            std::fs::create_dir_all(dir.join(lang)).unwrap();
            for f in FILES.iter().filter(|f| !OPTIONAL_FILES.contains(f)) {
                std::fs::copy(src.join(lang).join(f), dir.join(lang).join(f)).unwrap();
            }
        }
        let loaded = RuleSet::from_dir(&dir);
        let _ = std::fs::remove_dir_all(&dir);
        let r = loaded.unwrap();
        assert!(r
            .en
            .singulars
            .find_all(&tokenize(&Normalizer::for_matching(), "a civilian"))
            .is_empty());
        // A required file missing is still an error.
        assert!(RuleSet::from_dir(Path::new("/nonexistent-khabar-rules")).is_err());
    }

    #[test]
    fn patterns_match_through_clitics_prefixes_and_gaps() {
        let n = Normalizer::for_matching();
        let src = Source {
            name: "t".into(),
            text: "a\tقتل*\nb\tنقل* ... عن\nc\tالباغوز\n",
        };
        let lex = parse_lexicon(&n, &src, 2, |c| Ok(c[0].to_string())).unwrap();
        let toks = tokenize(&n, "وقُتلوا ونقلت وكالة سانا عن أهالي والباغوز");
        let found: Vec<&str> = lex
            .find_longest(&toks)
            .iter()
            .map(|m| lex.value(m).as_str())
            .collect();
        assert_eq!(found, vec!["a", "b", "c"]);
    }

    #[test]
    fn bad_lines_name_file_and_line() {
        let n = Normalizer::for_matching();
        let src = Source {
            name: "en/roles.tsv".into(),
            text: "# c\nkilled\t-\tkilled\nslain\t-\tslain\n",
        };
        let r = parse_lexicon(&n, &src, 3, |c| {
            CountRole::parse(c[0]).ok_or("unknown role".to_string())
        });
        let msg = r.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(msg.contains("en/roles.tsv") && msg.contains("line 3"), "{msg}");
    }
}
