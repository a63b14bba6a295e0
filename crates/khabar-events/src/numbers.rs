//! Quantity parser: finds counts (with ranges) in a sentence and refuses numbers that are not counts.
//!
//! Reads digits (ASCII and Arabic-Indic, with `7,000` / `7.000` / `٧٬٠٠٠` thousands separators), number words of
//! both languages ("six thousand", "ثلاثة آلاف", "خمسة عشر", "ألفي"), multipliers after digits ("500 ألف",
//! "3.2 million"), vague quantities as ranges ("hundreds" → 100–999, "عشرات" → 24–99), modifiers ("more than",
//! "at least", "نحو", "up to") and ranges ("between 20 and 30", "20-30"). Years, phone numbers, page counters,
//! times, ages, distances, areas and percentages are not counts; a sentence with more than
//! [`MAX_NUMBERS_PER_SENTENCE`] numbers is treated as a table and yields none.

use crate::rules::{default_rules, LangRules, ModKind, NumWord, Position, Single};
use crate::text::{tokenize, TokKind, Token};
use khabar_model::{CountRole, EventFamily};
use khabar_normalize::{is_arabic, Normalizer};

/// A sentence with more numbers than this is a table or a list: no counts are read from it.
pub const MAX_NUMBERS_PER_SENTENCE: usize = 10;

/// A count found in a sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quantity {
    /// Lower bound (None when open: "up to 50").
    pub min: Option<u64>,
    /// Upper bound (None when open: "more than 7,000").
    pub max: Option<u64>,
    /// Char start of the quantity (modifiers included) in the scanned text.
    pub start: usize,
    /// Char end (exclusive).
    pub end: usize,
    /// The quantity as written.
    pub text: String,
    /// The counted noun right after it, as written ("civilians", "مدنياً"), when there is one.
    pub noun: Option<String>,
    pub(crate) tok_start: usize,
    pub(crate) tok_end: usize,
    pub(crate) noun_tok: Option<usize>,
    /// The counted noun when it stands before the number («مدنيين اثنين»); the quantity then starts at it.
    pub(crate) noun_before: Option<usize>,
    /// Preceded by a subset cue ("including", "بينهم").
    pub(crate) subset: bool,
    /// Token where the quantity's phrase starts, its subset cue included ("including").
    pub(crate) cue_start: usize,
}

impl Quantity {
    /// The token after the quantity's phrase: after its counted noun when it has one, else after the number.
    pub(crate) fn phrase_end(&self) -> usize {
        // A single's noun may be two words ("a police officer"): the phrase ends where its tokens do.
        self.noun_tok.map_or(self.tok_end, |n| (n + 1).max(self.tok_end))
    }
}

/// Finds the counts in `sentence` with the shipped rules of `lang` (`ar` or anything else for English).
pub fn find_quantities(sentence: &str, lang: &str) -> Vec<Quantity> {
    let Some(rules) = default_rules() else {
        return Vec::new();
    };
    let toks = tokenize(&Normalizer::for_matching(), sentence);
    scan(sentence, &toks, rules.lang(lang), &vec![false; toks.len()])
}

/// True when the sentence holds too many numbers to be prose.
pub(crate) fn is_table(toks: &[Token]) -> bool {
    toks.iter().filter(|t| t.kind == TokKind::Number).count() > MAX_NUMBERS_PER_SENTENCE
}

/// Parses a digit token: `7,000`, `7.000`, `12`, `3.5` (decimal, returned as value ×10^k with scale).
fn parse_digits(s: &str) -> Option<(f64, bool)> {
    if !s.chars().all(|c| c.is_ascii_digit() || c == ',' || c == '.') {
        return None;
    }
    let groups: Vec<&str> = s.split([',', '.']).collect();
    if groups.len() == 1 {
        return s.parse::<f64>().ok().map(|v| (v, false));
    }
    let thousands = groups.first().is_some_and(|g| !g.is_empty() && g.len() <= 3)
        && groups[1..].iter().all(|g| g.len() == 3);
    if thousands {
        let joined: String = groups.concat();
        return joined.parse::<f64>().ok().map(|v| (v, false));
    }
    if groups.len() == 2 && s.contains('.') {
        return s.parse::<f64>().ok().map(|v| (v, true));
    }
    None
}

/// A raw quantity before modifiers.
#[derive(Debug, Clone, Copy)]
struct Raw {
    start: usize,
    end: usize,
    min: u64,
    max: u64,
    plain_year_shape: bool,
    /// The counted noun when the quantity is a singular or dual noun itself ("a civilian", "شخصين").
    noun_at: Option<usize>,
}

impl Raw {
    /// A person noun at `start` that counts itself (`value` 1 or 2), its phrase ending at `end`.
    fn person(start: usize, end: usize, value: u64) -> Raw {
        Raw {
            start,
            end,
            min: value,
            max: value,
            plain_year_shape: false,
            noun_at: Some(start),
        }
    }
}

fn num_word_at(rules: &LangRules, toks: &[Token], i: usize) -> Option<(NumWord, usize)> {
    let m = rules.numbers.longest_at(toks, i)?;
    Some((*rules.numbers.value(&m), m.end))
}

/// Composes a run of number words ("three hundred thousand", "خمسة وعشرين", "ثلاثة آلاف") from `i`.
fn number_words(rules: &LangRules, toks: &[Token], i: usize) -> Option<(u64, usize)> {
    let mut total: u64 = 0;
    let mut current: u64 = 0;
    let mut j = i;
    let mut any = false;
    loop {
        match num_word_at(rules, toks, j) {
            Some((NumWord::Num(v), end)) => {
                current = current.saturating_add(v);
                j = end;
                any = true;
            }
            Some((NumWord::Mult(m), end)) if any || m >= 100 => {
                if m >= 1000 {
                    total = total.saturating_add(current.max(1).saturating_mul(m));
                    current = 0;
                } else {
                    current = current.max(1).saturating_mul(m);
                }
                j = end;
                any = true;
            }
            Some((NumWord::RangeJoin { strong: false }, end)) if any => {
                // "two hundred and fifty": continue only when a number word follows the join.
                if matches!(num_word_at(rules, toks, end), Some((NumWord::Num(_), _))) {
                    j = end;
                } else {
                    break;
                }
            }
            _ => break,
        }
    }
    if !any {
        // Hyphenated English tens: "twenty-five".
        let t = toks.get(i)?;
        if t.kind == TokKind::Word && t.norm.contains('-') {
            let mut sum = 0u64;
            for part in t.norm.split('-') {
                let single = crate::text::tokenize(&Normalizer::for_matching(), part);
                match single.first().and_then(|_| num_word_at(rules, &single, 0)) {
                    Some((NumWord::Num(v), 1)) => sum += v,
                    _ => return None,
                }
            }
            return Some((sum, i + 1));
        }
        return None;
    }
    Some((total.saturating_add(current), j))
}

/// Reads one raw quantity starting at token `i`.
fn raw_at(rules: &LangRules, toks: &[Token], i: usize) -> Option<Result<Raw, usize>> {
    let t = toks.get(i)?;
    if t.kind == TokKind::Number {
        let s = t.norm.as_str();
        // Times, dates, fractions, hyphenated sizes and ages are not counts: report them as skipped.
        if s.contains(':') || s.contains('/') {
            return Some(Err(i + 1));
        }
        if let Some((a, b)) = s.split_once('-') {
            if let (Some((a, false)), Some((b, false))) = (parse_digits(a), parse_digits(b)) {
                if a < b && !b.to_string().contains('-') {
                    return Some(Ok(Raw {
                        start: i,
                        end: i + 1,
                        min: a as u64,
                        max: b as u64,
                        plain_year_shape: false,
                        noun_at: None,
                    }));
                }
            }
            return Some(Err(i + 1));
        }
        // Leading zeros and long digit runs are codes and phone numbers.
        let digits_only = s.chars().all(|c| c.is_ascii_digit());
        if (s.len() > 1 && s.starts_with('0')) || (digits_only && s.len() >= 7) {
            return Some(Err(i + 1));
        }
        let Some((value, decimal)) = parse_digits(s) else {
            return Some(Err(i + 1));
        };
        let mut end = i + 1;
        let mut v = value;
        if let Some((NumWord::Mult(m) | NumWord::Num(m), e)) = num_word_at(rules, toks, end) {
            if m >= 1000 {
                v *= m as f64;
                end = e;
                // «43 ألفاً و391»: the remainder joined by «و».
                let rest = toks
                    .get(end)
                    .filter(|t| t.norm == "و")
                    .and_then(|_| toks.get(end + 1))
                    .filter(|t| t.kind == TokKind::Number)
                    .and_then(|t| t.norm.parse::<u64>().ok())
                    .filter(|r| *r < m)
                    // «بين 200 ألف و250 ألفاً»: the second number of a range has its own multiplier.
                    .filter(|_| {
                        !matches!(
                            num_word_at(rules, toks, end + 2),
                            Some((NumWord::Mult(_) | NumWord::Num(_), _))
                        )
                    });
                if let Some(r) = rest {
                    v += r as f64;
                    end += 2;
                }
            }
        }
        if decimal && end == i + 1 {
            return Some(Err(i + 1));
        }
        let n = v.round() as u64;
        return Some(Ok(Raw {
            start: i,
            end,
            min: n,
            max: n,
            plain_year_shape: digits_only && s.len() == 4 && end == i + 1,
            noun_at: None,
        }));
    }
    if t.kind != TokKind::Word {
        return None;
    }
    let vague = rules
        .numbers
        .find_at(toks, i)
        .into_iter()
        .filter_map(|m| match rules.numbers.value(&m) {
            NumWord::Vague(lo, hi) => Some((*lo, *hi, m.end)),
            _ => None,
        })
        .max_by_key(|v| v.2);
    if let Some((lo, hi, end)) = vague {
        return Some(Ok(Raw {
            start: i,
            end,
            min: lo,
            max: hi,
            plain_year_shape: false,
            noun_at: None,
        }));
    }
    let (n, end) = number_words(rules, toks, i)?;
    Some(Ok(Raw {
        start: i,
        end,
        min: n,
        max: n,
        plain_year_shape: false,
        noun_at: None,
    }))
}

/// Most words (the verb's subject) between a role verb and an accusative singular object ("اغتال مسلحون مجهولون صحفيا").
const ACCUSATIVE_WINDOW: usize = 3;

/// Whether "of [its|the|their|his|her|our] <people>" follows a lone "one" ending at `end`.
fn one_of_people(rules: &LangRules, toks: &[Token], end: usize) -> bool {
    if toks.get(end).is_none_or(|t| t.norm != "of") {
        return false;
    }
    let mut n = end + 1;
    if toks
        .get(n)
        .is_some_and(|t| matches!(t.norm.as_str(), "its" | "the" | "their" | "his" | "her" | "our"))
    {
        n += 1;
    }
    (n..n + 2).any(|k| rules.people_at(toks, k).is_some())
}

/// Most tokens between a role verb and a dual object after it, a date aside included.
const DUAL_OBJECT_REACH: usize = 12;

/// Most words between an indefinite article and its singular noun ("a 12-year-old Palestinian boy").
const SINGLE_MODIFIERS: usize = 3;

fn single_noun_at(rules: &LangRules, toks: &[Token], i: usize, after_role: bool) -> Option<(u64, usize)> {
    single_kind_at(rules, toks, i, after_role).map(|(v, end, _)| (v, end))
}

/// [`single_noun_at`], and whether the noun is a relative (`Single::Relative`).
fn single_kind_at(
    rules: &LangRules,
    toks: &[Token],
    i: usize,
    after_role: bool,
) -> Option<(u64, usize, bool)> {
    rules
        .singulars
        .find_at(toks, i)
        .into_iter()
        .filter_map(|m| match (rules.singulars.value(&m), after_role) {
            (Single::Noun(v), false) | (Single::AfterRole(v) | Single::Itself(v), true) => {
                Some((*v, m.end, false))
            }
            (Single::Relative(v), true) => Some((*v, m.end, true)),
            _ => None,
        })
        .max_by_key(|x| x.1)
}

/// A singular or dual person noun that is a count by itself: after an indefinite article and up to
/// [`SINGLE_MODIFIERS`] words, the noun phrase ending there ("a civilian was killed", "killing a police officer and
/// wounding two"), or right after a role word in a head-first language ("استشهد شاب", "مقتل شخصين"). The quantity
/// spans the whole phrase and its noun is the person noun.
fn single_at(rules: &LangRules, toks: &[Token], i: usize, masked: &[bool]) -> Option<Raw> {
    let is_article = rules
        .singulars
        .find_at(toks, i)
        .iter()
        .any(|m| *rules.singulars.value(m) == Single::Article);
    let free = |j: usize| !masked.get(j).copied().unwrap_or(false);
    if is_article {
        // "one of them an African migrant": the part's noun phrase, not another count.
        let after_part = rules
            .modifiers
            .ending_at(toks, i)
            .iter()
            .any(|m| *rules.modifiers.value(m) == (ModKind::Subset, Position::After));
        if after_part {
            return None;
        }
        return article_phrase(rules, toks, i, masked);
    }
    // Head-first: the noun right after a role word, or inside a role phrase («لقي شخصان مصرعهما»), or, in the
    // accusative (tanween alef: «اغتال مسلحون مجهولون صحفيا»), the object of a role verb a few words back.
    if !free(i) {
        return None;
    }
    // The counted noun of a number is not a count of its own («ثلاثة عشر شخصا», «25 شخصا»).
    // A range's joining word is no number («أدى إلى مقتله»: "to").
    let after_number = i > 0
        && (toks.get(i - 1).is_some_and(|t| t.kind == TokKind::Number)
            || rules.numbers.ending_at(toks, i).iter().any(|m| {
                !matches!(
                    rules.numbers.value(m),
                    NumWord::RangeJoin { .. } | NumWord::RangeStart
                )
            }));
    if after_number {
        return None;
    }
    let (v, end, relative) = single_kind_at(rules, toks, i, true)?;
    let is_role = |m: &crate::rules::Match| rules.is_role(m);
    let right_after = rules.roles.ending_at(toks, i).iter().any(is_role);
    let inside = i > 0
        && rules
            .roles
            .find_at(toks, i - 1)
            .iter()
            .any(|m| is_role(m) && m.end > i + 1);
    let accusative = toks.get(i).is_some_and(|t| t.norm.ends_with('ا'))
        && (1..=ACCUSATIVE_WINDOW).any(|back| {
            i > back
                && rules.roles.ending_at(toks, i - back).iter().any(is_role)
                && toks[i - back..i].iter().all(|t| t.kind == TokKind::Word)
        });
    // An accusative dual object («اعتقلت دورية تابعة لجهاز الأمن العام، صباح اليوم الأحد، شخصين»): the verb's subject
    // and a date set off by commas may stand between.
    let far_dual = v == 2
        && toks.get(i).is_some_and(|t| t.norm.ends_with("ين"))
        && (1..i.min(DUAL_OBJECT_REACH + 1)).any(|back| {
            let between = &toks[i - back..i];
            let date_or_its_comma = |k: usize| {
                let j = i - back + k;
                !free(j) || (toks[j].is_comma() && (!free(j + 1) || (j > 0 && !free(j - 1))))
            };
            rules.roles.ending_at(toks, i - back).iter().any(is_role)
                && between
                    .iter()
                    .enumerate()
                    .all(|(k, t)| t.kind == TokKind::Word || date_or_its_comma(k))
                && between
                    .iter()
                    .enumerate()
                    .filter(|(k, t)| t.kind == TokKind::Word && free(i - back + k))
                    .count()
                    <= ACCUSATIVE_WINDOW + 3
        });
    // A dual subject right before its role verb («طفلين قتلا»: two children were killed); duals only, since a single
    // noun before a verb is as often the killer as the killed.
    // «بينهم طفلان وأصيب آخرون»: a verb after "و" starts a new clause.
    let conjoined = toks.get(end).is_some_and(Token::waw_joined);
    let dual_subject = v == 2 && !conjoined && rules.roles.find_at(toks, end).iter().any(is_role);
    let single_subject = v == 1 && !relative && single_subject_of_clause(rules, toks, i, end, masked);
    // A dual joined by "و" to the noun phrase before it («مقتل ثلاثة أطفال وامرأتين»): a list member, which the
    // binding adds to the count it follows.
    let listed_dual = (v == 2 || relative)
        && i > 0
        && toks.get(i).is_some_and(Token::waw_joined)
        && toks
            .get(i - 1)
            .is_some_and(|t| t.kind == TokKind::Word || t.is_comma());
    // A role word with a person's pronoun is a count of its own («ما أدى إلى مقتله وإصابة اثنين من مرافقيه»: his
    // killing).
    let itself = rules
        .singulars
        .find_at(toks, i)
        .iter()
        .any(|m| m.end == end && matches!(rules.singulars.value(m), Single::Itself(_)))
        && rules.roles.ending_at(toks, end).iter().any(is_role);
    if !(right_after
        || inside
        || accusative
        || far_dual
        || dual_subject
        || single_subject
        || listed_dual
        || itself)
    {
        return None;
    }
    Some(Raw::person(i, end, v))
}

/// The noun phrase from the article at `i` to a singular or dual person noun ("a civilian", "a Palestinian
/// journalist"), as a count; `None` when the phrase goes on past the noun or holds a role word.
fn article_phrase(rules: &LangRules, toks: &[Token], i: usize, masked: &[bool]) -> Option<Raw> {
    let free = |j: usize| !masked.get(j).copied().unwrap_or(false);
    let mut words = 0usize;
    let mut j = i + 1;
    while words <= SINGLE_MODIFIERS {
        let t = toks.get(j)?;
        if t.norm == "-" && j > i + 1 {
            // "12-year-old": a hyphen inside the phrase.
            j += 1;
            continue;
        }
        if !free(j) || !matches!(t.kind, TokKind::Word | TokKind::Number) {
            // Punctuation or a date word ends the noun phrase.
            return None;
        }
        if let Some((v, end)) = single_noun_at(rules, toks, j, false) {
            // "around a third of whom ... are dead": a share of a group, not one more person.
            let share = matches!(toks[j].norm.as_str(), "third" | "fourth" | "fifth")
                && toks.get(end).is_some_and(|t| t.norm == "of");
            if share {
                return None;
            }
            let ended = match toks.get(end) {
                None => true,
                Some(n) if n.kind == TokKind::Punct => n.norm != "-",
                Some(_) => follow_at(rules, toks, end),
            };
            if ended {
                return Some(Raw {
                    start: i,
                    end,
                    min: v,
                    max: v,
                    plain_year_shape: false,
                    noun_at: Some(j),
                });
            }
            // "a Palestinian journalist": the noun was a modifier; read on.
        } else if rules.roles.longest_at(toks, j).is_some() {
            // A role word inside the phrase means the article introduced something else.
            return None;
        }
        words += 1;
        j += 1;
    }
    None
}

/// A `who` relative pronoun of `singulars.tsv` at `i` as the subject of a role verb whose clause ends with it
/// ("a journalist who was shot dead by ...", «الشهيد أحمد زكارنة الذي استشهد أمس برصاص ...»): the one or two people
/// it stands for, when the verb is one of harm (killed, wounded).
fn relative_subject(rules: &LangRules, toks: &[Token], i: usize, masked: &[bool]) -> Option<Raw> {
    let (v, end) = rules
        .singulars
        .find_at(toks, i)
        .iter()
        .find_map(|m| match rules.singulars.value(m) {
            Single::Who(v) => Some((*v, m.end)),
            _ => None,
        })?;
    // Only a harm verb: «القوارب التي خرجت اليوم» are boats, not people who left.
    (harm_at(rules, toks, end) && role_clause_ends(rules, toks, end, masked)).then(|| Raw::person(i, end, v))
}

/// Whether a killed or wounded role word starts at `i`.
fn harm_at(rules: &LangRules, toks: &[Token], i: usize) -> bool {
    rules.roles.find_at(toks, i).iter().any(|m| {
        matches!(
            rules.roles.value(m).role,
            Some(CountRole::Killed | CountRole::Wounded)
        )
    })
}

/// Whether a role verb starts at `at` and its clause ends with it: at punctuation, a word joined by «و», a date, or a
/// `follow` word («جراء», «برصاص», "by", "in"). A killer's verb takes an object instead.
fn role_clause_ends(rules: &LangRules, toks: &[Token], at: usize, masked: &[bool]) -> bool {
    let Some(verb_end) = rules
        .roles
        .find_at(toks, at)
        .iter()
        .filter(|m| rules.is_role(m))
        .map(|m| m.end)
        .max()
    else {
        return false;
    };
    match toks.get(verb_end) {
        None => true,
        Some(t) => {
            t.kind == TokKind::Punct
                || t.waw_joined()
                || masked.get(verb_end).copied().unwrap_or(false)
                || follow_at(rules, toks, verb_end)
        }
    }
}

/// An indefinite singular person noun at `i..end` as the subject of a role verb whose clause ends with it, right
/// after a `that` word of `singulars.tsv` («قالت الصحيفة إن امرأة قُتلت، ...», «أفادت بأن جندياً إسرائيلياً قُتل
/// وأصيب ثلاثة»): the person it happened to. One accusative adjective («جندياً إسرائيلياً») and relatives joined by «و» («رجلاً
/// وزوجته») may stand between. The clause ends at punctuation, a word joined by «و», a date, or a `follow` word of
/// `singulars.tsv` («جراء», «برصاص», «في»). Elsewhere a single noun before a verb is as often the killer as the
/// killed; a killer's verb takes an object.
fn single_subject_of_clause(
    rules: &LangRules,
    toks: &[Token],
    i: usize,
    end: usize,
    masked: &[bool],
) -> bool {
    let Some(noun) = toks.get(i) else {
        return false;
    };
    let after_that = i > 0
        && rules
            .singulars
            .find_at(toks, i - 1)
            .iter()
            .any(|m| m.end == i && *rules.singulars.value(m) == Single::That);
    if !after_that || noun.norm.starts_with("ال") {
        return false;
    }
    let adjective = toks
        .get(end)
        .is_some_and(|t| t.kind == TokKind::Word && t.norm.ends_with('ا') && noun.norm.ends_with('ا'));
    let mut verb_at = if adjective { end + 1 } else { end };
    // «إن رجلاً وزوجته قُتلا»: relatives joined by «و» belong to the subject.
    while toks.get(verb_at).is_some_and(Token::waw_joined) {
        match single_kind_at(rules, toks, verb_at, true) {
            Some((_, e, true)) => verb_at = e,
            _ => break,
        }
    }
    // «أن شاباً وأصيب ...»: a verb joined by «و» starts another clause.
    if toks.get(verb_at).is_some_and(Token::waw_joined) {
        return false;
    }
    role_clause_ends(rules, toks, verb_at, masked)
}

/// A person closing or continuing a list of counts is one more member: a definite singular after "and" ("five men, two
/// women and the girl"), an Arabic singular behind «و» («ثلاثة أطفال وامرأتان ورجل»), or "another" as the subject of
/// its own verb after a count ("... were killed and another was injured"). Only right after a count and
/// its noun; elsewhere "the man" refers back to someone already counted, and a lone «ورجل» may be the killer.
fn listed_member(rules: &LangRules, toks: &[Token], i: usize, masked: &[bool], raws: &[Raw]) -> Option<Raw> {
    let t = toks.get(i)?;
    // "Two policemen were killed and another was injured": "another" as a subject after a count is one more.
    // "killing one of the party's Peshmerga and wounding another": "another" as the object of a role verb, its clause
    // ending with it (punctuation, a `follow` word), is one more too.
    if t.norm == "another" && !raws.is_empty() {
        let subject = toks
            .get(i + 1)
            .is_some_and(|n| matches!(n.norm.as_str(), "was" | "is" | "has" | "had"));
        let object = || {
            rules.roles.ending_at(toks, i).iter().any(|m| rules.is_role(m))
                && toks
                    .get(i + 1)
                    .is_none_or(|n| n.kind == TokKind::Punct || follow_at(rules, toks, i + 1))
        };
        if subject || object() {
            return Some(Raw::person(i, i + 1, 1));
        }
    }
    let definite = t.norm == "the" && i >= 2 && toks[i - 1].norm == "and";
    let arabic_and = t.waw_joined() && !masked.get(i).copied().unwrap_or(false);
    if !definite && !arabic_and {
        return None;
    }
    // The previous count ends at its noun (or is a person noun itself: «وامرأتان»), then at most two more words.
    let last = raws.last()?;
    let join = if definite { i - 1 } else { i };
    let noun_words = toks.get(last.end..join)?;
    if noun_words.len() > 2
        || (noun_words.is_empty() && last.noun_at.is_none())
        || noun_words.iter().any(|t| t.kind != TokKind::Word)
    {
        return None;
    }
    if definite {
        // "and the head of the guard, General ...": a title with its "of" phrase names someone new, not a member.
        return article_phrase(rules, toks, i, masked)
            .filter(|r| r.min == 1 && toks[i..=r.end.min(toks.len() - 1)].iter().all(|t| t.norm != "of"));
    }
    let (v, end) = single_noun_at(rules, toks, i, true)?;
    Some(Raw::person(i, end, v))
}

/// Most words of a person's name ("Hashim Adam Issa", "Khaled al-Masri").
const NAME_WORDS: usize = 4;

/// Most tokens from a named object's role verb to the name's first word, an age and a title between them.
const NAME_REACH: usize = 8;

/// Lower-case words that may stand inside a name ("Osama bin Laden", "Abu Bakr al Baghdadi").
const NAME_PARTICLES: [&str; 8] = ["bin", "ibn", "bint", "al", "el", "de", "da", "van"];

/// Capitalised words that open a clause, not a name ("Nobody was hurt", "One was killed").
const NOT_NAMES: [&str; 14] = [
    "nobody",
    "no",
    "none",
    "everyone",
    "everybody",
    "someone",
    "somebody",
    "anyone",
    "one",
    "it",
    "this",
    "that",
    "each",
    "there",
];

/// For each token of `text`, whether it is a Latin word written as a name: a capital first letter ("Issa"), or a
/// short lower-case article and a hyphen before one ("al-Masri"). Read once per sentence, so the name tests of every
/// token are lookups.
fn name_words(text: &str, toks: &[Token]) -> Vec<bool> {
    let chars: Vec<char> = text.chars().collect();
    toks.iter()
        .map(|t| {
            let word = chars.get(t.start..t.end).unwrap_or_default();
            let capital = |c: Option<&char>| c.is_some_and(|c| c.is_uppercase());
            let hyphen = || word.iter().position(|&c| c == '-');
            t.kind == TokKind::Word
                && (capital(word.first())
                    || hyphen().is_some_and(|h| {
                        (1..=3).contains(&h)
                            && word[..h].iter().all(char::is_ascii_lowercase)
                            && capital(word.get(h + 1))
                    }))
        })
        .collect()
}

/// The end of the person's name starting at `i`: up to [`NAME_WORDS`] name words, particles only between them; `None`
/// when no name starts there, or its words are a counted noun, an actor or a place ("Hamas", "Palestinians").
fn name_end(rules: &LangRules, names: &[bool], toks: &[Token], i: usize, masked: &[bool]) -> Option<usize> {
    let free = |j: usize| !masked.get(j).copied().unwrap_or(false);
    let word = |j: usize| free(j) && names.get(j).copied().unwrap_or(false);
    if !word(i) || NOT_NAMES.contains(&toks[i].norm.as_str()) {
        return None;
    }
    let mut end = i + 1;
    let mut words = 1;
    while words < NAME_WORDS {
        let particle = toks
            .get(end)
            .is_some_and(|t| free(end) && NAME_PARTICLES.contains(&t.norm.as_str()));
        if word(end) {
            end += 1;
        } else if particle && word(end + 1) {
            end += 2;
        } else {
            break;
        }
        words += 1;
    }
    let known = (i..end).any(|k| {
        rules.people_at(toks, k).is_some()
            || !rules.actors.find_at(toks, k).is_empty()
            || !rules.places.find_at(toks, k).is_empty()
            || !rules.triggers.find_at(toks, k).is_empty()
            || !rules.roles.find_at(toks, k).is_empty()
    });
    (!known).then_some(end)
}

/// Whether a word that shows a noun phrase ended (`follow` of `singulars.tsv`) starts at `i`.
fn follow_at(rules: &LangRules, toks: &[Token], i: usize) -> bool {
    rules
        .singulars
        .find_at(toks, i)
        .iter()
        .any(|m| *rules.singulars.value(m) == Single::Follow)
}

/// Whether a killed, wounded or arrested role word, not a found body's ("body of"), starts (`ending == false`) or
/// ends (`ending == true`) at `i`.
fn person_role_at(rules: &LangRules, toks: &[Token], i: usize, ending: bool) -> bool {
    let matches = if ending {
        rules.roles.ending_at(toks, i)
    } else {
        rules.roles.find_at(toks, i)
    };
    matches.iter().any(|m| {
        let word = rules.roles.value(m);
        word.family != Some(EventFamily::Discovery)
            && matches!(
                word.role,
                Some(CountRole::Killed | CountRole::Wounded | CountRole::Arrested)
            )
    })
}

/// One named person as a count, in a Latin-script language: the object of a role verb, an age or a title (a singular
/// noun, up to two lower-case words before it) allowed before the name, its clause ending after it ("gunmen shot dead
/// Khaled al-Masri, 38,", "soldiers shot dead 14-year-old Ahmad Rashid in Silwad", "arrested journalist Jane Doe");
/// or the subject of a passive role verb whose clause ends with it ("Issa was shot dead by ...", "hours after he was
/// shot dead").
fn named_person(rules: &LangRules, names: &[bool], toks: &[Token], i: usize, masked: &[bool]) -> Option<Raw> {
    let t = toks.get(i)?;
    let pronoun = matches!(t.norm.as_str(), "he" | "she");
    // A name starts at most this many tokens on (an age, a title of up to three words and a noun of up to three).
    let name_near = names.iter().skip(i).take(NAME_REACH).any(|&n| n);
    if t.norm.chars().any(is_arabic) || !(pronoun || name_near) {
        return None;
    }
    let clause_ends =
        |k: usize| toks.get(k).is_none_or(|n| n.kind == TokKind::Punct) || follow_at(rules, toks, k);
    let comma = |k: usize| toks.get(k).is_some_and(Token::is_comma);
    // The object of a role verb ("the body of" a named person is no verb: it may be a funeral's).
    if i > 0 && person_role_at(rules, toks, i, true) {
        let mut at = i;
        if t.kind == TokKind::Number && t.norm.ends_with("year-old") {
            at += 1;
        }
        // A title: a singular noun, up to two lower-case words before it ("opposition activist", "senior commander").
        let title = (at..at + 3).find_map(|j| {
            let plain = toks[at..j.min(toks.len())].iter().enumerate().all(|(k, t)| {
                t.kind == TokKind::Word && !names[at + k] && rules.roles.find_at(toks, at + k).is_empty()
            });
            single_noun_at(rules, toks, j, false)
                .filter(|&(v, _)| plain && v == 1)
                .map(|(_, e)| e)
        });
        if let Some(noun_end) = title {
            at = noun_end;
        }
        let mut end = name_end(rules, names, toks, at, masked)?;
        if !clause_ends(end) {
            return None;
        }
        // A list of names, each with its age and home town ("arrested Michael Browning, 44, of Lily, and William
        // Jones, 19, of Corbin").
        let mut count = 1;
        loop {
            let mut k = end;
            if comma(k) && toks.get(k + 1).is_some_and(|t| t.kind == TokKind::Number) {
                k += 2;
            }
            if comma(k) && toks.get(k + 1).is_some_and(|t| t.norm == "of") {
                k = name_end(rules, names, toks, k + 2, masked).unwrap_or(k);
            }
            let mut j = k + usize::from(comma(k));
            if toks.get(j).is_none_or(|t| t.norm != "and") {
                break;
            }
            j += 1;
            match name_end(rules, names, toks, j, masked).filter(|&e| clause_ends(e)) {
                Some(e) => {
                    count += 1;
                    end = e;
                }
                None => break,
            }
        }
        return Some(Raw::person(i, end, count));
    }
    // The subject of a passive role verb: a name (its first word) or "he" / "she".
    let after_name = i > 0 && names[i - 1];
    let end = if pronoun {
        i + 1
    } else if !after_name {
        name_end(rules, names, toks, i, masked)?
    } else {
        return None;
    };
    // A name set off as an apposition ("A member of the council, Abdelsalam al-Koni, was killed") closes with a comma.
    let apposition = i > 0 && comma(i - 1) && comma(end);
    let at = end + usize::from(apposition);
    let aux = match (
        toks.get(at).map(|t| t.norm.as_str()),
        toks.get(at + 1).map(|t| t.norm.as_str()),
    ) {
        (Some("was"), _) => 1,
        (Some("had" | "has"), Some("been")) => 2,
        _ => return None,
    };
    let mut verb = at + aux;
    if toks
        .get(verb)
        .is_some_and(|t| t.norm.ends_with("ly") && !person_role_at(rules, toks, verb, false))
    {
        verb += 1;
    }
    (harm_at(rules, toks, verb) && role_clause_ends(rules, toks, verb, masked))
        .then(|| Raw::person(i, end, 1))
}

/// "Name, 32, of Town": a bare number between commas right after a capitalized Latin word ("Khaled al-Masri, 38,"
/// too) is an age.
fn is_age_after_name(text: &str, toks: &[Token], start: usize, end: usize) -> bool {
    if end != start + 1 || start < 2 {
        return false;
    }
    let comma = |t: Option<&Token>| t.is_some_and(|t| t.norm == ",");
    let name = toks
        .get(start - 2)
        .is_some_and(|t| t.kind == TokKind::Word && t.chars_in(text).any(|c| c.is_ascii_uppercase()));
    let closes = comma(toks.get(end)) || toks.get(end).is_none_or(|t| t.norm == "." || t.norm == ")");
    toks.get(start).is_some_and(|t| t.kind == TokKind::Number) && comma(toks.get(start - 1)) && name && closes
}

fn is_of(t: Option<&Token>) -> bool {
    t.is_some_and(|t| matches!(t.norm.as_str(), "of" | "من" | "/"))
}

/// Scans tokens for counts. `masked` marks tokens already used by dates.
pub(crate) fn scan(text: &str, toks: &[Token], rules: &LangRules, masked: &[bool]) -> Vec<Quantity> {
    if is_table(toks) {
        return Vec::new();
    }
    // Phone numbers: three or more number tokens in a row (or after '+') are not counts.
    let mut phone = vec![false; toks.len()];
    let mut i = 0;
    while i < toks.len() {
        if toks[i].kind == TokKind::Number {
            let mut j = i;
            while j < toks.len()
                && (toks[j].kind == TokKind::Number
                    || (toks[j].norm == "-" && j + 1 < toks.len() && toks[j + 1].kind == TokKind::Number))
            {
                j += 1;
            }
            let numbers = toks[i..j].iter().filter(|t| t.kind == TokKind::Number).count();
            let plus = i > 0 && toks[i - 1].norm == "+";
            if numbers >= 3 || plus {
                phone[i..j].iter_mut().for_each(|p| *p = true);
            }
            i = j.max(i + 1);
        } else {
            i += 1;
        }
    }
    let names = name_words(text, toks);
    let mut raws: Vec<Raw> = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        if masked.get(i).copied().unwrap_or(false) || phone[i] {
            i += 1;
            continue;
        }
        if let Some(r) = single_at(rules, toks, i, masked)
            .or_else(|| listed_member(rules, toks, i, masked, &raws))
            .or_else(|| relative_subject(rules, toks, i, masked))
            .or_else(|| named_person(rules, &names, toks, i, masked))
        {
            i = r.end.max(i + 1);
            raws.push(r);
            continue;
        }
        match raw_at(rules, toks, i) {
            Some(Ok(mut r)) => {
                // "six (6) khwarij": the figure repeated in digits belongs to the words before it.
                let repeated = toks.get(r.end).is_some_and(|t| t.norm == "(")
                    && toks
                        .get(r.end + 1)
                        .and_then(|t| t.norm.parse::<u64>().ok())
                        .is_some_and(|v| v == r.min)
                    && toks.get(r.end + 2).is_some_and(|t| t.norm == ")");
                if repeated && r.min == r.max {
                    r.end += 3;
                }
                // A number with a unit after it is not a count, and the unit's words are not numbers either
                // ("44 في المئة").
                match rules
                    .units
                    .longest_at(toks, r.end)
                    .filter(|m| *rules.units.value(m) == Position::After)
                {
                    Some(unit) => i = unit.end.max(i + 1),
                    None => {
                        i = r.end.max(i + 1);
                        raws.push(r);
                    }
                }
            }
            Some(Err(next)) => i = next.max(i + 1),
            None => i += 1,
        }
    }
    // Ranges: "between 20 and 30", "20 to 30", "بين 20 و30".
    let mut merged: Vec<Raw> = Vec::new();
    let mut k = 0;
    while k < raws.len() {
        let a = raws[k];
        if let Some(b) = raws.get(k + 1).copied() {
            let join = rules.numbers.longest_at(toks, a.end).filter(|m| m.end == b.start);
            let join_kind = join.map(|m| *rules.numbers.value(&m));
            let started = a.start > 0
                && rules
                    .numbers
                    .ending_at(toks, a.start)
                    .iter()
                    .any(|m| *rules.numbers.value(m) == NumWord::RangeStart);
            let ok = match join_kind {
                Some(NumWord::RangeJoin { strong: true }) => true,
                Some(NumWord::RangeJoin { strong: false }) => started,
                _ => false,
            };
            if ok && a.min < b.max {
                let s = if started { a.start - 1 } else { a.start };
                merged.push(Raw {
                    start: s,
                    end: b.end,
                    min: a.min,
                    max: b.max,
                    plain_year_shape: false,
                    noun_at: None,
                });
                k += 2;
                continue;
            }
        }
        merged.push(a);
        k += 1;
    }
    let mut out = Vec::new();
    for r in merged {
        // Page counters "1 of 5" / "1/5": both numbers go.
        if is_of(toks.get(r.end)) && toks.get(r.end + 1).is_some_and(|t| t.kind == TokKind::Number) {
            continue;
        }
        if r.start >= 2
            && is_of(toks.get(r.start - 1))
            && toks.get(r.start - 2).is_some_and(|t| t.kind == TokKind::Number)
        {
            continue;
        }
        // An age set off by commas after a name ("arrested Christopher Tays, 32, of Franklin").
        if is_age_after_name(text, toks, r.start, r.end) {
            continue;
        }
        // Units after ("70 km", "24 ساعة", "44 %") and contexts before ("aged 12", "رقم 5", "عام 2011").
        if rules
            .units
            .longest_at(toks, r.end)
            .is_some_and(|m| *rules.units.value(&m) == Position::After)
        {
            continue;
        }
        let mut min = Some(r.min);
        let mut max = Some(r.max);
        let mut start = r.start;
        let mut end = r.end;
        let mut subset = false;
        let mut cue_start = r.start;
        if let Some(m) = rules
            .modifiers
            .ending_at(toks, r.start)
            .into_iter()
            .find(|m| rules.modifiers.value(m).1 == Position::Before)
        {
            let kind = rules.modifiers.value(&m).0;
            if kind == ModKind::Subset {
                subset = true;
                cue_start = m.start;
            } else {
                apply_modifier(kind, &mut min, &mut max);
                start = m.start;
                // "including about 600 children": a subset cue before the modifier.
                if let Some(cue) = rules
                    .modifiers
                    .ending_at(toks, m.start)
                    .into_iter()
                    .find(|c| *rules.modifiers.value(c) == (ModKind::Subset, Position::Before))
                {
                    subset = true;
                    cue_start = cue.start;
                }
            }
        }
        let unit_before = |at: usize| {
            rules
                .units
                .ending_at(toks, at)
                .iter()
                .any(|m| *rules.units.value(m) == Position::Before)
        };
        // "two men, aged 41 and 58,": a number joined to one after such a word is one too.
        let joined_to_unit = r.start >= 2
            && matches!(toks[r.start - 1].norm.as_str(), "and" | "," | "،" | "و")
            && toks[r.start - 2].kind == TokKind::Number
            && unit_before(r.start - 2);
        if unit_before(start) || unit_before(r.start) || joined_to_unit {
            continue;
        }
        // "At least 17 people, four of them children, were killed": a part named after its number.
        let mut noun_from = r.end;
        // Only as an aside after a comma: "shot dead 11 of them" is the count itself.
        let after_comma = r.start > 0 && toks.get(r.start - 1).is_some_and(Token::is_comma);
        if !subset && after_comma {
            if let Some(m) = rules
                .modifiers
                .longest_at(toks, r.end)
                .filter(|m| *rules.modifiers.value(m) == (ModKind::Subset, Position::After))
            {
                subset = true;
                noun_from = m.end;
                end = m.end;
            }
        }
        // "arrest (5) terrorists": the noun follows the closing parenthesis.
        let in_parens = r.start > 0
            && toks.get(r.start - 1).is_some_and(|t| t.norm == "(")
            && toks.get(r.end).is_some_and(|t| t.norm == ")");
        if in_parens && noun_from == r.end {
            noun_from = r.end + 1;
        }
        let noun_tok = r.noun_at.or_else(|| noun_after(rules, toks, noun_from));
        // A people word of `targets.tsv`, or a singular person noun ("One person was killed").
        let people_noun = noun_tok.is_some_and(|n| {
            rules.people_at(toks, n).is_some()
                || rules
                    .singulars
                    .find_at(toks, n)
                    .iter()
                    .any(|m| matches!(rules.singulars.value(m), Single::Noun(1)))
        });
        // "one of the causes", "أحد أسباب": a lone "one" counts only people.
        // ... unless a person noun stands just before it ("ومدني واحد": and one civilian), not as "of one family"
        // ("من عائلة واحدة").
        let people_before = r.start > 0
            && !(r.start >= 2 && is_of(toks.get(r.start - 2)))
            && rules
                .targets
                .ending_at(toks, r.start)
                .iter()
                .any(|m| rules.targets.value(m) != "-");
        if r.min == 1
            && r.max == 1
            && r.noun_at.is_none()
            && toks.get(r.start).is_some_and(|t| t.kind == TokKind::Word)
            && !people_noun
            && !people_before
            // "two citizens, one of them an African migrant,": a part of the count before it.
            && !subset
            // "one of its volunteers was shot dead": one of a kind of people.
            && !one_of_people(rules, toks, r.end)
        {
            continue;
        }
        let mut noun_before = None;
        // «مدنيين اثنين», «ومدني واحد»: Arabic puts "one" and "two" after the counted noun, so the count starts at
        // the noun (and is as near to a role word before it as the noun is).
        if noun_tok.is_none()
            && people_before
            && r.max <= 2
            && start == r.start
            && toks.get(r.start).is_some_and(|t| t.kind == TokKind::Word)
        {
            start = r.start - 1;
            noun_before = Some(start);
        }
        // A plain four-digit 1900..2100 is a year unless it counts people ("2019 people").
        if r.plain_year_shape && (1900..=2100).contains(&r.min) && !people_noun {
            continue;
        }
        // «40 شهيداً على الأقل»: a role noun in place of the counted noun may stand before the modifier too.
        let after_word = if noun_tok.is_none() && toks.get(r.end).is_some_and(|t| t.kind == TokKind::Word) {
            r.end + 1
        } else {
            r.end
        };
        for probe in [r.end, noun_tok.map_or(r.end, |n| n + 1), after_word] {
            if let Some(m) = rules.modifiers.longest_at(toks, probe) {
                let (kind, pos) = *rules.modifiers.value(&m);
                if pos == Position::After && kind != ModKind::Subset {
                    apply_modifier(kind, &mut min, &mut max);
                    if probe == r.end {
                        end = m.end;
                    }
                    break;
                }
            }
        }
        // "he and two other journalists were killed", "Amira and three other children": the person named before
        // "and" is one more of them (unless already counted: "killed him and two other journalists").
        let named_before = start >= 2
            && out.last().is_none_or(|q: &Quantity| q.tok_end + 1 < start)
            && toks[start - 1].norm == "and"
            && (matches!(toks[start - 2].norm.as_str(), "he" | "she" | "him" | "her")
                || toks[start - 2]
                    .chars_in(text)
                    .next()
                    .is_some_and(|c| c.is_ascii_uppercase()));
        if named_before
            && people_noun
            && toks
                .get(r.end)
                .is_some_and(|t| matches!(t.norm.as_str(), "other" | "others"))
        {
            min = min.map(|v| v + 1);
            max = max.map(|v| v + 1);
        }
        let (Some(first), Some(last)) = (toks.get(start), toks.get(end.saturating_sub(1))) else {
            continue;
        };
        let text_q: String = text
            .chars()
            .skip(first.start)
            .take(last.end.saturating_sub(first.start))
            .collect();
        out.push(Quantity {
            min,
            max,
            start: first.start,
            end: last.end,
            text: text_q,
            noun: noun_tok.map(|n| crate::text::surface(text, toks, n, n + 1)),
            tok_start: start,
            tok_end: end,
            noun_tok,
            noun_before,
            subset,
            cue_start: cue_start.min(start),
        });
    }
    mark_subset_lists(toks, &mut out);
    out
}

/// "16 nationals comprising 11 men, four women and a girl", «بينهم 5 أطفال و3 نساء»: the counts listed after a
/// subset cue, joined only by commas and "and"/"و", are all parts of the total, not a second count.
fn mark_subset_lists(toks: &[Token], qs: &mut [Quantity]) {
    let joiner = |t: &Token| matches!(t.norm.as_str(), "," | "،" | "and" | "و");
    for k in 1..qs.len() {
        let prev = &qs[k - 1];
        // A count with no counted noun of its own («وأكثر من 74 مصاباً»: the wounded) starts another report.
        if !prev.subset || qs[k].subset || qs[k].noun_tok.is_none() {
            continue;
        }
        let prev_end = prev.phrase_end();
        let next_start = qs[k].tok_start;
        let joined = next_start >= prev_end
            && next_start - prev_end <= 2
            && toks.get(prev_end..next_start).is_some_and(|between| {
                between.iter().all(joiner)
                    && (!between.is_empty() || toks.get(next_start).is_some_and(Token::waw_joined))
            });
        if joined {
            qs[k].subset = true;
        }
    }
}

fn apply_modifier(kind: ModKind, min: &mut Option<u64>, max: &mut Option<u64>) {
    let lo = min.unwrap_or(0);
    let hi = max.unwrap_or(lo);
    match kind {
        ModKind::MoreThan => {
            *min = Some(if lo == hi { lo.saturating_add(1) } else { lo });
            *max = None;
        }
        ModKind::AtLeast => *max = None,
        ModKind::About | ModKind::Subset => {}
        ModKind::UpTo => {
            *min = None;
            *max = Some(hi);
        }
        ModKind::LessThan => {
            *min = None;
            *max = Some(hi.saturating_sub(1));
        }
    }
}

/// The counted noun after a quantity ending at `end`: the next word, skipping "of"/"من" ("hundreds of civilians",
/// "المئات من المقاتلين").
fn noun_after(rules: &LangRules, toks: &[Token], end: usize) -> Option<usize> {
    let mut j = end;
    if is_of(toks.get(j)) && toks.get(j).is_some_and(|t| t.norm != "/") {
        j += 1;
    }
    let t = toks.get(j)?;
    // Nor is a coordinator: in "killing 3 and injuring 12" the "and" starts the next role's clause.
    if t.kind != TokKind::Word || matches!(t.norm.as_str(), "and" | "or") {
        return None;
    }
    // A role word or modifier right after the number is not the noun.
    if rules.roles.longest_at(toks, j).is_some() && rules.targets.longest_at(toks, j).is_none() {
        return None;
    }
    // "two other soldiers": the people noun after "other" is the noun ("two more people died" stays an increment,
    // which a running total told with it outranks).
    if t.norm == "other" && rules.people_at(toks, j + 1).is_some() {
        return Some(j + 1);
    }
    Some(j)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn q(s: &str, lang: &str) -> Vec<(Option<u64>, Option<u64>)> {
        find_quantities(s, lang)
            .into_iter()
            .map(|q| (q.min, q.max))
            .collect()
    }

    /// A named person is one: the object of a role verb (an age or a title before the name, a list of names with
    /// their ages and towns), or the subject of a passive harm verb; not a group, a pronoun-like word, or a body.
    #[test]
    fn named_people_count_one_each() {
        let one = vec![(Some(1), Some(1))];
        assert_eq!(
            q(
                "Unknown gunmen shot dead Khaled al-Masri, 38, in front of his house",
                "en"
            ),
            one
        );
        assert_eq!(
            q(
                "Israeli soldiers shot dead 14-year-old Ahmad Rashid in Silwad",
                "en"
            ),
            one
        );
        assert_eq!(q("Police arrested journalist Jane Doe on Monday", "en"), one);
        assert_eq!(
            q("Issa was shot dead by Rapid Support Forces fighters", "en"),
            one
        );
        assert_eq!(q("hours after he was shot dead by Israeli forces", "en"), one);
        assert_eq!(
            q("Kyari had been killed when jihadists stormed his home", "en"),
            one
        );
        assert_eq!(
            q(
                "deputies arrested Michael Browning, 44, of Lily, and William Jones, 19, of Corbin.",
                "en"
            ),
            vec![(Some(2), Some(2))]
        );
        assert!(q("Nobody was killed in the attack", "en").is_empty());
        assert!(q("Israel said it had killed Hamas operatives", "en").is_empty());
        assert!(q(
            "the body of Lawan Bukar Kyari was being lowered into the grave",
            "en"
        )
        .is_empty());
        assert!(q("He was arrested at the border", "en").is_empty());
        assert!(q("around a third of whom officials believe are dead", "en").is_empty());
        assert!(q("Ahmed was killed, and Israel said it", "en").len() == 1);
    }

    #[test]
    fn digits_separators_and_modifiers() {
        assert_eq!(
            q("more than 7,000 people have left", "en"),
            vec![(Some(7001), None)]
        );
        assert_eq!(q("at least 40 people", "en"), vec![(Some(40), None)]);
        assert_eq!(q("nearly 60 people", "en"), vec![(Some(60), Some(60))]);
        assert_eq!(q("up to 50,000 Yazidis", "en"), vec![(None, Some(50000))]);
        assert_eq!(q("between 20 and 30 fighters", "en"), vec![(Some(20), Some(30))]);
        assert_eq!(q("أكثر من ٧٬٠٠٠ شخص", "ar"), vec![(Some(7001), None)]);
        assert_eq!(q("نحو 7.000 شخص", "ar"), vec![(Some(7000), Some(7000))]);
        assert_eq!(q("مقتل 40 شخصاً على الأقل", "ar"), vec![(Some(40), None)]);
    }

    #[test]
    fn number_words_in_both_languages() {
        assert_eq!(q("six thousand fighters", "en"), vec![(Some(6000), Some(6000))]);
        assert_eq!(
            q("two hundred and fifty people", "en"),
            vec![(Some(250), Some(250))]
        );
        assert_eq!(q("a dozen militants", "en"), vec![(Some(12), Some(12))]);
        assert_eq!(q("twenty-five soldiers", "en"), vec![(Some(25), Some(25))]);
        assert_eq!(q("نحو ألفي مسلح", "ar"), vec![(Some(2000), Some(2000))]);
        assert_eq!(q("ثلاثة آلاف مدني", "ar"), vec![(Some(3000), Some(3000))]);
        assert_eq!(q("خمسة عشر شخصاً", "ar"), vec![(Some(15), Some(15))]);
        assert_eq!(q("أربعة جنود", "ar"), vec![(Some(4), Some(4))]);
        assert_eq!(q("نحو 500 ألف شخص", "ar"), vec![(Some(500000), Some(500000))]);
        assert_eq!(q("خمسة وعشرين مدنياً", "ar"), vec![(Some(25), Some(25))]);
    }

    #[test]
    fn vague_quantities_are_ranges() {
        assert_eq!(q("hundreds of civilians", "en"), vec![(Some(100), Some(999))]);
        assert_eq!(q("dozens of soldiers", "en"), vec![(Some(24), Some(99))]);
        assert_eq!(
            q("tens of thousands of people", "en"),
            vec![(Some(10000), Some(99999))]
        );
        assert_eq!(q("عشرات المدنيين", "ar"), vec![(Some(24), Some(99))]);
        assert_eq!(q("المئات من مقاتلي التنظيم", "ar"), vec![(Some(100), Some(999))]);
        assert_eq!(
            q("عشرات الآلاف من المدنيين", "ar"),
            vec![(Some(10000), Some(99999))]
        );
    }

    #[test]
    fn non_counts_are_refused() {
        assert!(q("since 2011", "en").is_empty());
        assert!(q("call +44 20 7946 0958 now", "en").is_empty());
        assert!(q("Page 1 of 5", "en").is_empty());
        assert!(q("at 00:00 on 3/12/2019", "en").is_empty());
        // The age is not a count; the boy himself is one.
        assert_eq!(q("a 12-year-old boy", "en"), vec![(Some(1), Some(1))]);
        assert!(q("70 km west of the city", "en").is_empty());
        assert!(q("turnout was 44 percent", "en").is_empty());
        assert!(q("the 1,000-strong US force", "en").is_empty());
        // The age after a name is not a count; the named man is one.
        assert_eq!(
            q("arrested Christopher Tays, 32, of Franklin", "en"),
            vec![(Some(1), Some(1))]
        );
        assert_eq!(
            q("In Gaza, 32 people were killed", "en"),
            vec![(Some(32), Some(32))]
        );
        assert!(q("خلال الـ24 ساعة الماضية", "ar").is_empty());
        assert!(q("مساحة لا تزيد على 700 متر مربع", "ar").is_empty());
        assert!(q("الاتصال على الرقم 0933123456", "ar").is_empty());
        assert!(q("منذ عام 2011", "ar").is_empty());
        assert!(q("بنسبة 44 في المئة", "ar").is_empty());
        let table = "2012 49,294; 2013 73,447; 2014 76,021; 2015 55,219; 2016 49,742; 2017 33,425 killed";
        assert!(q(table, "en").is_empty());
    }

    #[test]
    fn singular_and_dual_nouns_count_themselves() {
        assert_eq!(
            q("Gunmen killed a police officer and wounded two others", "en"),
            vec![(Some(1), Some(1)), (Some(2), Some(2))]
        );
        assert_eq!(
            q("arrested a Palestinian journalist at her home", "en"),
            vec![(Some(1), Some(1))]
        );
        // Not a person noun phrase: the noun goes on ("a civilian plane"), or no person noun at all.
        assert!(q("set a civilian plane on fire", "en").is_empty());
        assert!(q("a spokesman said", "en").is_empty());
        // "the" + a person counts only as the last member of a counted list.
        assert_eq!(
            q("two women and the girl were arrested", "en"),
            vec![(Some(2), Some(2)), (Some(1), Some(1))]
        );
        assert!(q("the girl was arrested", "en").is_empty());
        assert_eq!(
            q("Two policemen were killed and another was injured", "en"),
            vec![(Some(2), Some(2)), (Some(1), Some(1))]
        );
        assert!(q("another attack was reported", "en").is_empty());
        assert_eq!(
            q(
                "killing one of the party's Peshmerga and wounding another, the party said",
                "en"
            ),
            vec![(Some(1), Some(1)), (Some(1), Some(1))]
        );
        assert_eq!(
            q(
                "Gunmen killed two soldiers and wounded another in an attack",
                "en"
            ),
            vec![(Some(2), Some(2)), (Some(1), Some(1))]
        );
        assert!(q(
            "and the head of the guard, General Abdourahamane Tiani, declared himself leader",
            "en"
        )
        .is_empty());
        assert_eq!(
            q("قتل جندي وأصيب آخر", "ar"),
            vec![(Some(1), Some(1)), (Some(1), Some(1))]
        );
        assert!(q("Both were taken into custody and the man was charged", "en").is_empty());
        // Arabic: right after a role word only.
        assert_eq!(q("استشهد شاب برصاص قوات الاحتلال", "ar"), vec![(Some(1), Some(1))]);
        assert_eq!(q("أسفرت عن مقتل شخصين", "ar"), vec![(Some(2), Some(2))]);
        assert_eq!(q("القبض على إرهابي في الطارمية", "ar"), vec![(Some(1), Some(1))]);
        assert!(q("التقى شاب بصديقه", "ar").is_empty());
        assert_eq!(q("ومدني واحد", "ar"), vec![(Some(1), Some(1))]);
        // The number after its noun: the count starts at the noun, right after the role word.
        let found = find_quantities("أدى إلى استشهاد مدنيين اثنين وإصابة ستة آخرين", "ar");
        assert_eq!(found.first().map(|x| x.text.as_str()), Some("مدنيين اثنين"));
        assert_eq!(q("لقي شخصان مصرعهما", "ar"), vec![(Some(2), Some(2))]);
        assert_eq!(q("إن طفلين قتلا بانفجار لغم", "ar"), vec![(Some(2), Some(2))]);
        assert_eq!(q("بينهم طفلان وأصيب آخرون", "ar"), vec![]);
        assert_eq!(q("قتل ثلاثة عشر شخصا", "ar"), vec![(Some(13), Some(13))]);
        assert_eq!(
            q("اغتال مسلحون مجهولون صحفيا أمام منزله", "ar"),
            vec![(Some(1), Some(1))]
        );
        assert!(q("أحد أسباب التصعيد", "ar").is_empty());
        assert_eq!(
            q("مقتل خمسة أشخاص من عائلة واحدة", "ar"),
            vec![(Some(5), Some(5))]
        );
    }

    #[test]
    fn counted_noun_is_reported() {
        let found = find_quantities("راح ضحيتها 50 مدنياً معظمهم من النساء", "ar");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].noun.as_deref(), Some("مدنياً"));
        assert_eq!(found[0].text, "50");
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,120}") {
            let _ = find_quantities(&s, "ar");
            let _ = find_quantities(&s, "en");
        }

        #[test]
        fn never_panics_on_numberish(s in "[0-9٠-٩,.:/ +%a-zأ-ي-]{0,60}") {
            for q in find_quantities(&s, "ar") {
                prop_assert!(q.start <= q.end);
            }
        }
    }
}
