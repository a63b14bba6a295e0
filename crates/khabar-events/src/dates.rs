//! Date expressions: finding them in a sentence and resolving them against the publication date.
//!
//! Handles weekdays ("on Wednesday", "Monday night", "أمس الأحد", "الخميس الماضي", "منذ يوم السبت الماضي"),
//! relative days ("yesterday", "last night", "مساء أمس", "اليوم"), day + month with or without year in English,
//! Levantine and Egyptian/MSA month names ("December 19", "الأربعاء 6 من شباط", "8 آذار (مارس)"), Hijri dates
//! ("4 رمضان 1440 هـ"), numeric dates (`3/12/2019`, `2019-03-10`) and "in/since 2014".
//!
//! Resolution rules: a weekday is the latest such day on or before publication ("last"/"الماضي" on the publication
//! weekday itself means a week earlier); a weekday beats a relative word it comes with ("أمس الأحد" is that Sunday);
//! day parts ("night", "مساء") keep the day itself. A day and month without a year take the publication year, or
//! the year before when that would fall after publication. Numeric `a/b/yyyy` dates take the reading that falls
//! on or just before publication when both are valid, else the language default (day-first for Arabic,
//! month-first for English). Without a publication date only what the text fixes is kept: a year is never invented.

use crate::rules::{default_rules, DateWord, LangRules};
use crate::text::{tokenize, TokKind, Token};
use chrono::{Datelike, Duration, NaiveDate};
use khabar_model::DatePrecision;
use khabar_normalize::Normalizer;

/// Order of day and month in `a/b/yyyy` dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumericOrder {
    /// `3/12/2019` is 3 December.
    DayFirst,
    /// `3/12/2019` is 12 March.
    MonthFirst,
}

impl NumericOrder {
    /// The default for a language: day-first for Arabic, month-first otherwise.
    pub fn default_for(lang: &str) -> NumericOrder {
        if lang == "ar" {
            NumericOrder::DayFirst
        } else {
            NumericOrder::MonthFirst
        }
    }
}

/// A resolved date expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResolvedDate {
    /// The date (first of the month / year for coarser precisions), None when the text fixes no full date.
    pub date: Option<NaiveDate>,
    /// How much the text fixes.
    pub precision: DatePrecision,
    /// The expression starts a period ("since Sunday", "منذ 2011").
    pub since: bool,
}

/// A date expression found in a sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateMatch {
    /// Char start in the scanned text.
    pub start: usize,
    /// Char end (exclusive).
    pub end: usize,
    /// The expression as written.
    pub text: String,
    /// What it resolves to.
    pub resolved: ResolvedDate,
    pub(crate) tok_start: usize,
    pub(crate) tok_end: usize,
    /// The expression names a day by a weekday or a relative day ("Sunday", "yesterday"), resolvable or not.
    pub(crate) names_day: bool,
}

/// Resolves one date expression (the first found in `expr_text`) against the publication date.
pub fn resolve(expr_text: &str, lang: &str, published: Option<NaiveDate>) -> Option<ResolvedDate> {
    scan(expr_text, lang, published)
        .into_iter()
        .next()
        .map(|m| m.resolved)
}

/// Finds and resolves every date expression of a sentence with the shipped rules.
pub fn scan(sentence: &str, lang: &str, published: Option<NaiveDate>) -> Vec<DateMatch> {
    let Some(rules) = default_rules() else {
        return Vec::new();
    };
    let toks = tokenize(&Normalizer::for_matching(), sentence);
    scan_tokens(
        sentence,
        &toks,
        rules.lang(lang),
        published,
        NumericOrder::default_for(lang),
    )
    .dates
}

/// What [`scan_tokens`] finds in a sentence's tokens.
pub(crate) struct TokenDates {
    /// The date expressions, resolved.
    pub dates: Vec<DateMatch>,
    /// Token spans of names that hold a date («حركة 23 مارس», "March 23 Movement"): neither a date nor a count.
    pub names: Vec<(usize, usize)>,
    /// Whether a `same_day` word ("the same day", «في اليوم نفسه») is there.
    pub same_day: bool,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Item {
    Word(DateWord),
    Num { value: u32, digits: usize },
    Numeric,
    Other,
}

pub(crate) fn scan_tokens(
    text: &str,
    toks: &[Token],
    rules: &LangRules,
    published: Option<NaiveDate>,
    order: NumericOrder,
) -> TokenDates {
    // (start token, end token, item)
    let mut items: Vec<(usize, usize, Item)> = Vec::new();
    let words = rules.dates.find_longest(toks);
    let names = words
        .iter()
        .filter(|m| *rules.dates.value(m) == DateWord::Name)
        .map(|m| (m.start, m.end))
        .collect();
    let same_day = words.iter().any(|m| *rules.dates.value(m) == DateWord::SameDay);
    let mut wi = 0;
    let mut i = 0;
    while i < toks.len() {
        if let Some(m) = words.get(wi).filter(|m| m.start == i) {
            let item = match *rules.dates.value(m) {
                // «حركة 23 مارس» names a rebel group, not a day.
                DateWord::Name | DateWord::SameDay => Item::Other,
                w => Item::Word(w),
            };
            items.push((m.start, m.end, item));
            i = m.end;
            wi += 1;
            continue;
        }
        while words.get(wi).is_some_and(|m| m.start < i) {
            wi += 1;
        }
        let t = &toks[i];
        let item = if t.kind == TokKind::Number {
            if t.norm.chars().all(|c| c.is_ascii_digit()) && t.norm.len() <= 4 {
                Item::Num {
                    value: t.norm.parse().unwrap_or(0),
                    digits: t.norm.len(),
                }
            } else if parse_numeric(&t.norm).is_some()
                || (parse_day_month(&t.norm).is_some()
                    && items
                        .last()
                        .is_some_and(|&(_, end, item)| end == i && item == Item::Word(DateWord::Part)))
            {
                // A day and month with no year only right after a `part` word of dates.tsv ("on 14/3", «في
                // 28/12», «مساء 14/3»); a bare "4/3" may be a score, an article of law or a ratio.
                Item::Numeric
            } else {
                Item::Other
            }
        } else if let Some(v) = ordinal(&t.norm) {
            Item::Num { value: v, digits: 2 }
        } else {
            Item::Other
        };
        items.push((i, i + 1, item));
        i += 1;
    }
    let mut out = Vec::new();
    let mut k = 0;
    while k < items.len() {
        if items[k].2 == Item::Other {
            k += 1;
            continue;
        }
        let run_start = k;
        while k < items.len() && items[k].2 != Item::Other {
            k += 1;
        }
        if let Some(m) = interpret(text, toks, &items[run_start..k], published, order) {
            out.push(m);
        }
    }
    TokenDates {
        dates: out,
        names,
        same_day,
    }
}

fn ordinal(s: &str) -> Option<u32> {
    let digits: String = s.chars().take_while(|c| c.is_ascii_digit()).collect();
    let rest = &s[digits.len()..];
    if digits.is_empty() || !matches!(rest, "st" | "nd" | "rd" | "th") {
        return None;
    }
    digits.parse().ok().filter(|d| (1..=31).contains(d))
}

/// Splits `3/12/2019`, `2019-03-10`, `3-12-2019` into three numbers.
fn parse_numeric(s: &str) -> Option<(u32, u32, u32)> {
    let parts: Vec<&str> = s.split(['/', '-', '.']).collect();
    if parts.len() != 3
        || parts
            .iter()
            .any(|p| p.is_empty() || p.len() > 4 || !p.chars().all(|c| c.is_ascii_digit()))
    {
        return None;
    }
    let n: Vec<u32> = parts.iter().filter_map(|p| p.parse().ok()).collect();
    if n.len() != 3 {
        return None;
    }
    Some((n[0], n[1], n[2]))
}

/// Splits `14/3` into two numbers of one or two digits.
fn parse_day_month(s: &str) -> Option<(u32, u32)> {
    let (a, b) = s.split_once('/')?;
    let small = |p: &str| (1..=2).contains(&p.len()) && p.chars().all(|c| c.is_ascii_digit());
    if !(small(a) && small(b)) {
        return None;
    }
    Some((a.parse().ok()?, b.parse().ok()?))
}

/// Most days before publication a day and month without a year ("on 14/3") may name.
const DAY_MONTH_REACH: i64 = 92;

/// A day and month without a year: the reading of the language's order, else the other, that falls within
/// [`DAY_MONTH_REACH`] days before publication (or the day after); none without a publication date.
fn day_month_date(a: u32, b: u32, published: NaiveDate, order: NumericOrder) -> Option<NaiveDate> {
    let (day_first, month_first) = ((a, b), (b, a));
    let (preferred, other) = match order {
        NumericOrder::DayFirst => (day_first, month_first),
        NumericOrder::MonthFirst => (month_first, day_first),
    };
    let near = |(day, month): (u32, u32)| {
        [published.year(), published.year() - 1]
            .into_iter()
            .filter_map(|y| NaiveDate::from_ymd_opt(y, month, day))
            .find(|d| {
                let back = (published - *d).num_days();
                (-1..=DAY_MONTH_REACH).contains(&back)
            })
    };
    near(preferred).or_else(|| near(other))
}

fn numeric_date(s: &str, published: Option<NaiveDate>, order: NumericOrder) -> Option<NaiveDate> {
    if let Some((a, b)) = parse_day_month(s) {
        return day_month_date(a, b, published?, order);
    }
    let (a, b, c) = parse_numeric(s)?;
    if a > 999 {
        return NaiveDate::from_ymd_opt(a as i32, b, c);
    }
    let year = if c < 100 { 2000 + c as i32 } else { c as i32 };
    let day_first = NaiveDate::from_ymd_opt(year, b, a);
    let month_first = NaiveDate::from_ymd_opt(year, a, b);
    let (preferred, other) = match order {
        NumericOrder::DayFirst => (day_first, month_first),
        NumericOrder::MonthFirst => (month_first, day_first),
    };
    match (preferred, other, published) {
        (Some(p), Some(o), Some(pubd)) if p != o => {
            let limit = pubd.checked_add_signed(Duration::days(1)).unwrap_or(pubd);
            match (p <= limit, o <= limit) {
                (true, true) => Some(if p >= o { p } else { o }),
                (false, true) => Some(o),
                _ => Some(p),
            }
        }
        (Some(p), _, _) => Some(p),
        (None, o, _) => o,
    }
}

/// Latest day with `weekday` (0 = Monday) on or before `published`.
fn weekday_on_or_before(published: NaiveDate, weekday: u32, last: bool) -> NaiveDate {
    let pub_wd = published.weekday().num_days_from_monday();
    let mut back = (pub_wd + 7 - weekday % 7) % 7;
    if back == 0 && last {
        back = 7;
    }
    published
        .checked_sub_signed(Duration::days(i64::from(back)))
        .unwrap_or(published)
}

/// Tabular (civil) Islamic calendar to Gregorian; within a day or two of the observed calendar.
pub fn hijri_to_gregorian(year: i64, month: u32, day: u32) -> Option<NaiveDate> {
    if !(1..=12).contains(&month) || !(1..=30).contains(&day) || !(1..=3000).contains(&year) {
        return None;
    }
    let m = i64::from(month);
    let month_days = (295 * (m - 1) + 9) / 10; // ceil(29.5 * (m - 1))
    let jdn = i64::from(day) + month_days + (year - 1) * 354 + (3 + 11 * year).div_euclid(30) + 1_948_440 - 1;
    NaiveDate::from_num_days_from_ce_opt(i32::try_from(jdn - 1_721_425).ok()?)
}

fn day_unknown(since: bool) -> ResolvedDate {
    ResolvedDate {
        date: None,
        precision: DatePrecision::Unknown,
        since,
    }
}

fn interpret(
    text: &str,
    toks: &[Token],
    run: &[(usize, usize, Item)],
    published: Option<NaiveDate>,
    order: NumericOrder,
) -> Option<DateMatch> {
    let mut month: Option<(usize, u32, bool)> = None; // (index in run, month, hijri)
    let mut weekday: Option<u32> = None;
    let mut rel: Option<i64> = None;
    let mut rel_month: Option<i64> = None;
    let mut numeric: Option<usize> = None;
    let (mut last, mut this_month, mut since, mut year_cue) = (false, false, false, false);
    for (idx, (_, _, item)) in run.iter().enumerate() {
        match item {
            Item::Word(DateWord::Month(m)) if month.is_none() => month = Some((idx, *m, false)),
            Item::Word(DateWord::HijriMonth(m)) if month.is_none() => month = Some((idx, *m, true)),
            // «ليلة السبت-الأحد»: the later day.
            Item::Word(DateWord::Weekday(w)) => {
                let after_into = idx > 0 && matches!(run[idx - 1].2, Item::Word(DateWord::Into));
                weekday = if after_into {
                    Some(*w)
                } else {
                    weekday.or(Some(*w))
                };
            }
            Item::Word(DateWord::Rel(r)) => rel = rel.or(Some(*r)),
            Item::Word(DateWord::RelMonth(r)) => rel_month = rel_month.or(Some(*r)),
            Item::Word(DateWord::Last) => last = true,
            Item::Word(DateWord::ThisMonth) => this_month = true,
            Item::Word(DateWord::Since) => since = true,
            Item::Word(DateWord::YearCue) => year_cue = true,
            Item::Numeric if numeric.is_none() => numeric = Some(idx),
            _ => {}
        }
    }
    let is_conn = |i: usize| matches!(run.get(i), Some((_, _, Item::Word(DateWord::Connector))));
    let num_at = |i: usize| match run.get(i) {
        Some((_, _, Item::Num { value, digits })) => Some((*value, *digits)),
        Some((_, _, Item::Word(DateWord::Ordinal(v)))) => Some((*v, 2)),
        _ => None,
    };
    let mut used: Vec<usize> = Vec::new();
    let mut day: Option<u32> = None;
    let mut year: Option<i32> = None;
    if let Some((mi, _, _)) = month {
        used.push(mi);
        // Day before the month ("6 من شباط", "19 December"), else after it ("December 19").
        let before = if mi >= 1 && num_at(mi - 1).is_some() {
            Some(mi - 1)
        } else if mi >= 2 && is_conn(mi - 1) && num_at(mi - 2).is_some() {
            Some(mi - 2)
        } else {
            None
        };
        if let Some(b) = before.filter(|&b| num_at(b).is_some_and(|(v, d)| (1..=31).contains(&v) && d <= 2)) {
            day = num_at(b).map(|(v, _)| v);
            used.push(b);
        } else {
            // "December 19", "Dec. 1": the day after the month, possibly past a connector.
            let after = if num_at(mi + 1).is_some() { mi + 1 } else { mi + 2 };
            let joined = after == mi + 1 || is_conn(mi + 1);
            if let Some((v, _)) = num_at(after).filter(|&(v, d)| joined && (1..=31).contains(&v) && d <= 2) {
                day = Some(v);
                used.push(after);
            }
        }
        // Year after month/day, possibly past a comma or a parenthesised month name.
        let after = used.iter().copied().max().unwrap_or(mi) + 1;
        for j in after..(after + 4).min(run.len()) {
            if let Some((v, 4)) = num_at(j) {
                year = Some(v as i32);
                used.push(j);
                break;
            }
            if !matches!(
                run.get(j),
                Some((
                    _,
                    _,
                    Item::Word(DateWord::Connector | DateWord::Month(_) | DateWord::HijriMarker)
                ))
            ) {
                break;
            }
        }
    }
    if month.is_none() && (year_cue || since) {
        for (idx, (_, _, item)) in run.iter().enumerate() {
            if let Item::Num { value, digits: 4 } = item {
                if (1900..=2100).contains(value) {
                    year = Some(*value as i32);
                    used.push(idx);
                    break;
                }
            }
        }
    }
    for (idx, (_, _, item)) in run.iter().enumerate() {
        if matches!(
            item,
            Item::Word(
                DateWord::Weekday(_) | DateWord::Rel(_) | DateWord::RelMonth(_) | DateWord::HijriMarker
            )
        ) || Some(idx) == numeric
        {
            used.push(idx);
        }
        if matches!(item, Item::Word(DateWord::Last | DateWord::ThisMonth))
            && (month.is_some() || weekday.is_some())
        {
            used.push(idx);
        }
    }
    if used.is_empty() {
        return None;
    }
    // "in March", «في آذار»: a bare month name after "in" (capitalized in Latin script, so not "in may") is the
    // latest such month up to publication.
    let bare_month = match month {
        Some((mi, m, false))
            if day.is_none()
                && year.is_none()
                && weekday.is_none()
                && rel.is_none()
                && !since
                && !this_month =>
        {
            let t = run[mi].0;
            let located = t > 0 && matches!(toks[t - 1].norm.as_str(), "in" | "during" | "في" | "خلال");
            let capital = text
                .chars()
                .nth(toks[t].start)
                .is_some_and(|c| !c.is_ascii() || c.is_uppercase());
            (located && capital).then_some(m)
        }
        _ => None,
    };
    let resolved = if let Some(m) = bare_month {
        ResolvedDate {
            date: published.and_then(|p| {
                let year = if m > p.month() { p.year() - 1 } else { p.year() };
                NaiveDate::from_ymd_opt(year, m, 1)
            }),
            precision: DatePrecision::Month,
            since: false,
        }
    } else {
        resolve_parts(
            month,
            day,
            year,
            weekday,
            rel,
            rel_month,
            numeric.map(|i| run[i].0),
            toks,
            published,
            order,
            last,
            this_month,
            since,
        )?
    };
    // Span: from the first used item back over leading parts/since, to the last used item.
    let first_used = used.iter().copied().min()?;
    let last_used = used.iter().copied().max()?;
    let mut s = first_used;
    while s > 0
        && matches!(
            run[s - 1].2,
            Item::Word(DateWord::Part | DateWord::Since | DateWord::Rel(_))
        )
    {
        s -= 1;
    }
    let mut e = last_used;
    while e + 1 < run.len()
        && matches!(
            run[e + 1].2,
            Item::Word(DateWord::Part | DateWord::Last | DateWord::ThisMonth | DateWord::HijriMarker)
        )
    {
        e += 1;
    }
    let tok_start = run[s].0;
    let tok_end = run[e].1;
    let (Some(ft), Some(lt)) = (toks.get(tok_start), toks.get(tok_end.saturating_sub(1))) else {
        return None;
    };
    Some(DateMatch {
        start: ft.start,
        end: lt.end,
        text: text
            .chars()
            .skip(ft.start)
            .take(lt.end.saturating_sub(ft.start))
            .collect(),
        resolved,
        tok_start,
        tok_end,
        names_day: weekday.is_some() || rel.is_some(),
    })
}

#[allow(clippy::too_many_arguments)]
fn resolve_parts(
    month: Option<(usize, u32, bool)>,
    day: Option<u32>,
    year: Option<i32>,
    weekday: Option<u32>,
    rel: Option<i64>,
    rel_month: Option<i64>,
    numeric_tok: Option<usize>,
    toks: &[Token],
    published: Option<NaiveDate>,
    order: NumericOrder,
    last: bool,
    this_month: bool,
    since: bool,
) -> Option<ResolvedDate> {
    let day_precision = |d: Option<NaiveDate>| match d {
        Some(d) => ResolvedDate {
            date: Some(d),
            precision: DatePrecision::Day,
            since,
        },
        None => day_unknown(since),
    };
    if let Some(t) = numeric_tok.and_then(|i| toks.get(i)) {
        return Some(day_precision(numeric_date(&t.norm, published, order)));
    }
    if let Some((_, m, hijri)) = month {
        if hijri {
            let d = day?;
            let y = match year {
                Some(y) => i64::from(y),
                None => return Some(day_unknown(since)),
            };
            // The tabular calendar may be a day or two off the observed one: a weekday named with the date
            // («الجمعة 20 شوال 1446هـ») settles it.
            let g = hijri_to_gregorian(y, m, d).map(|g| match weekday {
                Some(w) => (-2i64..=2)
                    .filter_map(|k| g.checked_add_signed(Duration::days(k)))
                    .find(|x| x.weekday().num_days_from_monday() == w % 7)
                    .unwrap_or(g),
                None => g,
            });
            return Some(day_precision(g));
        }
        match (day, year) {
            (Some(d), Some(y)) => return Some(day_precision(NaiveDate::from_ymd_opt(y, m, d))),
            (Some(d), None) => {
                let Some(p) = published else {
                    return Some(day_unknown(since));
                };
                let mut date = NaiveDate::from_ymd_opt(p.year(), m, d);
                if date.is_some_and(|x| x > p.checked_add_signed(Duration::days(1)).unwrap_or(p)) {
                    date = NaiveDate::from_ymd_opt(p.year() - 1, m, d);
                }
                return Some(day_precision(date));
            }
            (None, Some(y)) => {
                return Some(ResolvedDate {
                    date: NaiveDate::from_ymd_opt(y, m, 1),
                    precision: DatePrecision::Month,
                    since,
                })
            }
            (None, None) => {
                if this_month {
                    if let Some(p) = published {
                        return Some(ResolvedDate {
                            date: NaiveDate::from_ymd_opt(p.year(), m, 1),
                            precision: DatePrecision::Month,
                            since,
                        });
                    }
                }
                // "since December", «منذ كانون الأول»: the start of a running total, the latest such month up to
                // publication.
                if since && weekday.is_none() && rel.is_none() {
                    let date = published.and_then(|p| {
                        let year = if m > p.month() { p.year() - 1 } else { p.year() };
                        NaiveDate::from_ymd_opt(year, m, 1)
                    });
                    return Some(ResolvedDate {
                        date,
                        precision: DatePrecision::Month,
                        since,
                    });
                }
                // A bare month name is too ambiguous ("may", "march", "اب").
                if weekday.is_none() && rel.is_none() {
                    return None;
                }
            }
        }
    }
    if let Some(w) = weekday {
        return Some(match published {
            Some(p) => day_precision(Some(weekday_on_or_before(p, w, last))),
            None => day_unknown(since),
        });
    }
    if let Some(r) = rel {
        return Some(match published {
            Some(p) => day_precision(p.checked_add_signed(Duration::days(r))),
            None => day_unknown(since),
        });
    }
    if let Some(r) = rel_month {
        // "last year", «العام الماضي»: whole years back name a year, not a month.
        if r < 0 && r % 12 == 0 {
            return Some(ResolvedDate {
                date: published.and_then(|p| {
                    i32::try_from(r / 12)
                        .ok()
                        .and_then(|back| NaiveDate::from_ymd_opt(p.year() + back, 1, 1))
                }),
                precision: DatePrecision::Year,
                since,
            });
        }
        let Some(p) = published else {
            return Some(day_unknown(since));
        };
        let months = i64::from(p.year()) * 12 + i64::from(p.month0()) + r;
        let date = i32::try_from(months.div_euclid(12))
            .ok()
            .and_then(|y| NaiveDate::from_ymd_opt(y, months.rem_euclid(12) as u32 + 1, 1));
        return Some(ResolvedDate {
            date,
            precision: DatePrecision::Month,
            since,
        });
    }
    if let Some(y) = year {
        return Some(ResolvedDate {
            date: NaiveDate::from_ymd_opt(y, 1, 1),
            precision: DatePrecision::Year,
            since,
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn r(expr: &str, lang: &str, pubd: &str) -> Option<NaiveDate> {
        resolve(expr, lang, Some(d(pubd))).and_then(|r| r.date)
    }

    #[test]
    fn a_name_that_holds_a_date_is_no_date() {
        let d = resolve(
            "حركة 23 مارس",
            "ar",
            Some(NaiveDate::from_ymd_opt(2025, 2, 20).unwrap()),
        );
        assert_eq!(d, None);
        let d = resolve(
            "the March 23 Movement",
            "en",
            Some(NaiveDate::from_ymd_opt(2025, 2, 20).unwrap()),
        );
        assert_eq!(d, None);
        assert!(resolve(
            "23 مارس",
            "ar",
            Some(NaiveDate::from_ymd_opt(2025, 4, 2).unwrap())
        )
        .is_some());
    }

    #[test]
    fn whole_years_back_name_a_year() {
        for (expr, lang) in [
            ("last year", "en"),
            ("a year ago", "en"),
            ("العام الماضي", "ar"),
            ("قبل عام", "ar"),
        ] {
            let got = resolve(expr, lang, Some(d("2020-03-12"))).unwrap();
            assert_eq!(
                (got.date, got.precision),
                (Some(d("2019-01-01")), DatePrecision::Year),
                "{expr}"
            );
            // Undated: still a year, before a publication date nobody knows.
            let got = resolve(expr, lang, None).unwrap();
            assert_eq!((got.date, got.precision), (None, DatePrecision::Year), "{expr}");
        }
        assert_eq!(r("last month", "en", "2020-03-12"), Some(d("2020-02-01")));
        assert_eq!(r("the year 2019", "en", "2020-03-12"), Some(d("2019-01-01")));
        assert_eq!(r("during 2016", "en", "2020-03-12"), Some(d("2016-01-01")));
    }

    #[test]
    fn weekdays_and_relative_days_resolve_back_from_publication() {
        // 2019-03-12 is a Tuesday; 2019-02-06 a Wednesday.
        assert_eq!(r("Sunday evening", "en", "2019-03-12"), Some(d("2019-03-10")));
        assert_eq!(r("on Monday night", "en", "2019-03-12"), Some(d("2019-03-11")));
        assert_eq!(r("on Tuesday", "en", "2019-03-12"), Some(d("2019-03-12")));
        assert_eq!(r("last night", "en", "2019-03-12"), Some(d("2019-03-11")));
        assert_eq!(r("yesterday", "en", "2019-03-12"), Some(d("2019-03-11")));
        // A possessive weekday names the day of the incident it qualifies.
        assert_eq!(
            r("from Friday's attack", "en", "2019-03-12"),
            Some(d("2019-03-08"))
        );
        assert_eq!(r("Sunday’s bombing", "en", "2019-03-12"), Some(d("2019-03-10")));
        assert_eq!(r("مساء أمس الأحد", "ar", "2019-03-12"), Some(d("2019-03-10")));
        assert_eq!(r("أمس الأحد", "ar", "2019-03-12"), Some(d("2019-03-10")));
        assert_eq!(r("مساء أمس", "ar", "2019-03-12"), Some(d("2019-03-11")));
        assert_eq!(r("مساء أمس الثلاثاء", "ar", "2019-02-06"), Some(d("2019-02-05")));
        assert_eq!(r("اليوم الأربعاء", "ar", "2019-02-06"), Some(d("2019-02-06")));
        assert_eq!(r("منذ الأحد", "ar", "2019-02-06"), Some(d("2019-02-03")));
        assert_eq!(
            r("منذ يوم السبت الماضي", "ar", "2019-02-06"),
            Some(d("2019-02-02"))
        );
        assert_eq!(r("الخميس الماضي", "ar", "2019-02-06"), Some(d("2019-01-31")));
        assert_eq!(r("الأربعاء الماضي", "ar", "2019-02-06"), Some(d("2019-01-30")));
        let m = resolve("الشهر الماضي", "ar", Some(d("2019-01-15"))).unwrap();
        assert_eq!(
            (m.date, m.precision),
            (Some(d("2018-12-01")), DatePrecision::Month)
        );
    }

    #[test]
    fn month_names_in_three_traditions() {
        assert_eq!(r("الأربعاء 6 من شباط", "ar", "2019-02-06"), Some(d("2019-02-06")));
        assert_eq!(
            r("في 8 آذار (مارس) الجاري", "ar", "2019-03-12"),
            Some(d("2019-03-08"))
        );
        assert_eq!(r("يوم 17 يناير", "ar", "2016-01-20"), Some(d("2016-01-17")));
        assert_eq!(r("15 تشرين الأول 2019", "ar", "2020-01-01"), Some(d("2019-10-15")));
        assert_eq!(r("1 كانون الثاني", "ar", "2019-02-06"), Some(d("2019-01-01")));
        assert_eq!(r("On March 1", "en", "2019-03-12"), Some(d("2019-03-01")));
        assert_eq!(r("December 19", "en", "2019-03-12"), Some(d("2018-12-19")));
        assert_eq!(r("on 3 March 2019", "en", "2019-05-01"), Some(d("2019-03-03")));
        assert_eq!(r("died Dec. 1", "en", "2019-12-31"), Some(d("2019-12-01")));
    }

    #[test]
    fn numeric_dates_follow_publication_then_convention() {
        assert_eq!(r("3/12/2019", "ar", "2019-03-12"), Some(d("2019-03-12")));
        assert_eq!(r("3/12/2018", "ar", "2018-12-05"), Some(d("2018-12-03")));
        assert_eq!(
            resolve("3/12/2019", "ar", None).and_then(|r| r.date),
            Some(d("2019-12-03"))
        );
        assert_eq!(
            resolve("3/12/2019", "en", None).and_then(|r| r.date),
            Some(d("2019-03-12"))
        );
        assert_eq!(r("2019-03-10", "en", "2019-03-12"), Some(d("2019-03-10")));
        // A day and month with no year: after "on" / «في» only, near publication, the year's turn included.
        assert_eq!(r("on 14/3", "en", "2026-03-15"), Some(d("2026-03-14")));
        assert_eq!(r("في 28/12", "ar", "2026-01-03"), Some(d("2025-12-28")));
        assert_eq!(r("on 3/14", "en", "2026-03-15"), Some(d("2026-03-14")));
        assert_eq!(r("on 14/9", "en", "2026-03-15"), None);
        assert_eq!(r("Article 4/3", "en", "2026-03-15"), None);
    }

    #[test]
    fn hijri_dates_convert() {
        // 1 Ramadan 1440 was 6 May 2019 (Umm al-Qura); the tabular calendar may differ by a day.
        let g = hijri_to_gregorian(1440, 9, 1).unwrap();
        assert!((g - d("2019-05-06")).num_days().abs() <= 1, "{g}");
        assert_eq!(
            r("يوم 4 رمضان 1440 هـ", "ar", "2019-05-10"),
            hijri_to_gregorian(1440, 9, 4)
        );
    }

    #[test]
    fn without_publication_no_year_is_invented() {
        let x = resolve("Sunday evening", "en", None).unwrap();
        assert_eq!((x.date, x.precision), (None, DatePrecision::Unknown));
        let x = resolve("December 19", "en", None).unwrap();
        assert_eq!((x.date, x.precision), (None, DatePrecision::Unknown));
        let x = resolve("in March 2019", "en", None).unwrap();
        assert_eq!(
            (x.date, x.precision),
            (Some(d("2019-03-01")), DatePrecision::Month)
        );
        let x = resolve("منذ عام 2011", "ar", None).unwrap();
        assert_eq!(
            (x.date, x.precision, x.since),
            (Some(d("2011-01-01")), DatePrecision::Year, true)
        );
    }

    #[test]
    fn counts_and_bare_months_are_not_dates() {
        assert!(scan("killed 5 people", "en", Some(d("2019-03-12"))).is_empty());
        assert!(scan("the militants may launch attacks", "en", Some(d("2019-03-12"))).is_empty());
        let m = scan("killed 5 on Sunday", "en", Some(d("2019-03-12")));
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].text, "on Sunday");
    }

    #[test]
    fn since_a_bare_month_starts_a_running_total() {
        let m = scan("has killed 50 people since December", "en", Some(d("2019-03-12")));
        assert_eq!(m.len(), 1, "{m:?}");
        assert_eq!(
            m[0].resolved,
            ResolvedDate {
                date: Some(d("2018-12-01")),
                precision: DatePrecision::Month,
                since: true
            }
        );
        let m = scan("قتل 50 شخصا منذ شباط", "ar", Some(d("2019-03-12")));
        assert_eq!(m.len(), 1, "{m:?}");
        assert_eq!(m[0].resolved.date, Some(d("2019-02-01")));
        // A bare month without "since" stays too ambiguous to read ("may", "march").
        assert!(scan("the army may march on the town", "en", Some(d("2019-03-12"))).is_empty());
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,120}", y in 1i32..3000, m in 1u32..13, dd in 1u32..29) {
            let p = NaiveDate::from_ymd_opt(y, m, dd);
            let _ = scan(&s, "ar", p);
            let _ = scan(&s, "en", p);
            let _ = resolve(&s, "en", None);
        }

        #[test]
        fn never_panics_on_dateish(s in "[0-9/ :.-]{0,30}( (يوم|امس|الأحد|Monday|March|رمضان|هـ))*") {
            let _ = scan(&s, "ar", NaiveDate::from_ymd_opt(2019, 3, 12));
            let _ = scan(&s, "en", NaiveDate::from_ymd_opt(1, 1, 1));
        }
    }
}
