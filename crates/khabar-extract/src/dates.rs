//! Date parsing for metadata values and for dates written in flattened text. A date is only returned when year,
//! month and day are all present: a weekday + day + month with no year gives `None`, never a guessed year.

use chrono::NaiveDate;
use once_cell::sync::Lazy;
use regex::Regex;

/// How to read an ambiguous numeric date such as `3/12/2019`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateOrder {
    /// `d/m/y` (Arabic and most non-US sources).
    DayFirst,
    /// `m/d/y` (US English).
    MonthFirst,
}

static ISO_DATE: Lazy<Option<Regex>> =
    Lazy::new(|| Regex::new(r"(?:^|[^\d])((?:19|20)\d\d)[-/.](\d{1,2})[-/.](\d{1,2})(?:$|[^\d])").ok());
static COMPACT_DATE: Lazy<Option<Regex>> =
    Lazy::new(|| Regex::new(r"^((?:19|20)\d\d)(\d\d)(\d\d)(?:$|[T\s])").ok());
static NUMERIC_DATE: Lazy<Option<Regex>> =
    Lazy::new(|| Regex::new(r"(?:^|[^\d/.\-])(\d{1,2})[/.\-](\d{1,2})[/.\-]((?:19|20)\d\d)(?:$|[^\d])").ok());
static DAY_MONTH_YEAR: Lazy<Option<Regex>> = Lazy::new(|| {
    Regex::new(r"(?i)(?:^|[^\d\w])(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+|من\s+)?([\p{L}]+)(?:\s*\([\p{L}]+\))?,?\s+((?:19|20)\d\d)(?:$|[^\d])")
        .ok()
});
static MONTH_DAY_YEAR: Lazy<Option<Regex>> = Lazy::new(|| {
    Regex::new(r"(?i)(?:^|[^\w])([\p{L}]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+((?:19|20)\d\d)(?:$|[^\d])")
        .ok()
});

/// Month number of an English or Arabic month name (Gregorian names and the Levantine Syriac names).
pub(crate) fn month_from_name(name: &str) -> Option<u32> {
    let lower = name.to_lowercase();
    let lower = lower.trim_end_matches('.');
    let english = [
        ("jan", 1),
        ("feb", 2),
        ("mar", 3),
        ("apr", 4),
        ("may", 5),
        ("jun", 6),
        ("jul", 7),
        ("aug", 8),
        ("sep", 9),
        ("oct", 10),
        ("nov", 11),
        ("dec", 12),
    ];
    if lower.is_ascii() && lower.len() >= 3 {
        let full = [
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
        for (prefix, month) in english {
            let full_name = full.get(month as usize - 1).copied().unwrap_or_default();
            if lower == prefix || full_name == lower || (lower == "sept" && month == 9) {
                return Some(month);
            }
        }
        return None;
    }
    let arabic: [(&str, u32); 26] = [
        ("يناير", 1),
        ("كانون الثاني", 1),
        ("فبراير", 2),
        ("شباط", 2),
        ("مارس", 3),
        ("آذار", 3),
        ("اذار", 3),
        ("أبريل", 4),
        ("ابريل", 4),
        ("نيسان", 4),
        ("مايو", 5),
        ("أيار", 5),
        ("ايار", 5),
        ("يونيو", 6),
        ("حزيران", 6),
        ("يوليو", 7),
        ("تموز", 7),
        ("أغسطس", 8),
        ("اغسطس", 8),
        ("آب", 8),
        ("سبتمبر", 9),
        ("أيلول", 9),
        ("اكتوبر", 10),
        ("أكتوبر", 10),
        ("نوفمبر", 11),
        ("ديسمبر", 12),
    ];
    let more: [(&str, u32); 5] = [
        ("تشرين الأول", 10),
        ("تشرين الثاني", 11),
        ("كانون الأول", 12),
        ("تشرين", 10),
        ("كانون", 12),
    ];
    arabic
        .iter()
        .chain(more.iter())
        .find(|(n, _)| *n == lower)
        .map(|(_, m)| *m)
}

/// Text of capture group `index` (empty when it did not take part).
fn group<'t>(captures: &regex::Captures<'t>, index: usize) -> &'t str {
    captures.get(index).map_or("", |m| m.as_str())
}

fn ymd(year: &str, month: &str, day: &str) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year.parse().ok()?, month.parse().ok()?, day.parse().ok()?)
}

/// Parses a date-like metadata value (`2019-11-19T10:00:00Z`, `20191119`, `Tue, 19 Nov 2019 08:00:00 GMT`,
/// `November 19, 2019`, `19/11/2019`). Returns `None` unless a full year-month-day is present.
pub fn parse_date_value(value: &str) -> Option<NaiveDate> {
    let value = value.trim();
    if value.is_empty() || value.len() > 200 {
        return None;
    }
    if let Some(c) = COMPACT_DATE.as_ref().and_then(|re| re.captures(value)) {
        if let Some(date) = ymd(group(&c, 1), group(&c, 2), group(&c, 3)) {
            return Some(date);
        }
    }
    if let Some(c) = ISO_DATE.as_ref().and_then(|re| re.captures(value)) {
        if let Some(date) = ymd(group(&c, 1), group(&c, 2), group(&c, 3)) {
            return Some(date);
        }
    }
    find_date_in_text(value, DateOrder::MonthFirst)
}

/// Months a body names, used to read an ambiguous numeric date (`3/12/2019`) the way the article itself implies.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct MonthEvidence {
    /// Months named as the current one ("8 آذار الجاري", "earlier this month", "الشهر الحالي").
    pub current: Vec<u32>,
    /// Every month named.
    pub mentioned: Vec<u32>,
}

const CURRENT_MONTH_MARKERS: [&str; 6] = [
    "الجاري",
    "الحالي",
    "this month",
    "of this month",
    "الماضي",
    "last month",
];

impl MonthEvidence {
    /// Collects month names from `body`; a month followed (within a few words) by a current-month marker counts as
    /// current. "الماضي"/"last month" mark the month *before* publication, so they are recorded as `month + 1`.
    pub(crate) fn from_body(body: &str) -> MonthEvidence {
        let mut ev = MonthEvidence::default();
        let words: Vec<&str> = body.split_whitespace().collect();
        for (i, w) in words.iter().enumerate() {
            let bare = w.trim_matches(|c: char| !c.is_alphabetic());
            let Some(month) = month_from_name(bare) else {
                continue;
            };
            // Short English words that are also months only count when capitalised ("May", "March").
            if bare.is_ascii() && !bare.chars().next().is_some_and(|c| c.is_uppercase()) {
                continue;
            }
            if !ev.mentioned.contains(&month) {
                ev.mentioned.push(month);
            }
            let window = words[i + 1..words.len().min(i + 4)].join(" ").to_lowercase();
            for marker in CURRENT_MONTH_MARKERS {
                if window.contains(marker) {
                    let current = if marker == "الماضي" || marker == "last month" {
                        month % 12 + 1
                    } else {
                        month
                    };
                    if !ev.current.contains(&current) {
                        ev.current.push(current);
                    }
                }
            }
        }
        ev
    }

    /// For an ambiguous pair, `Some(true)` when month-first fits the evidence and day-first does not, `Some(false)`
    /// for the reverse, `None` when the evidence does not decide.
    fn prefers_month_first(&self, first: u32, second: u32) -> Option<bool> {
        for set in [&self.current, &self.mentioned] {
            match (set.contains(&first), set.contains(&second)) {
                (true, false) => return Some(true),
                (false, true) => return Some(false),
                _ => {}
            }
        }
        None
    }
}

/// Finds the first complete date written in `text` (numeric `d/m/yyyy` read with `order` unless the numbers decide,
/// ISO `yyyy-mm-dd`, `12 March 2019`, `March 12, 2019`, `12 آذار 2019`). Dates without a year are ignored.
pub(crate) fn find_date_in_text(text: &str, order: DateOrder) -> Option<NaiveDate> {
    find_date_with_evidence(text, order, &MonthEvidence::default())
}

/// As [`find_date_in_text`], but an ambiguous numeric date is read the way the body's own month names imply
/// (`3/12/2019` in an article that speaks of "8 آذار الجاري" is 12 March), before falling back to `order`.
pub(crate) fn find_date_with_evidence(
    text: &str,
    order: DateOrder,
    evidence: &MonthEvidence,
) -> Option<NaiveDate> {
    let mut best: Option<(usize, NaiveDate)> = None;
    let mut consider = |pos: usize, date: Option<NaiveDate>| {
        if let Some(date) = date {
            if best.is_none_or(|(p, _)| pos < p) {
                best = Some((pos, date));
            }
        }
    };
    if let Some(c) = ISO_DATE.as_ref().and_then(|re| re.captures(text)) {
        consider(
            c.get(1).map_or(0, |m| m.start()),
            ymd(group(&c, 1), group(&c, 2), group(&c, 3)),
        );
    }
    if let Some(c) = NUMERIC_DATE.as_ref().and_then(|re| re.captures(text)) {
        let first: u32 = group(&c, 1).parse().unwrap_or(0);
        let second: u32 = group(&c, 2).parse().unwrap_or(0);
        let year = group(&c, 3);
        // The numbers decide when one of them cannot be a month; otherwise the order hint does.
        let month_first = if first > 12 || second > 12 {
            second > 12
        } else {
            evidence
                .prefers_month_first(first, second)
                .unwrap_or(order == DateOrder::MonthFirst)
        };
        let (day, month) = if month_first {
            (second, first)
        } else {
            (first, second)
        };
        consider(
            c.get(1).map_or(0, |m| m.start()),
            NaiveDate::from_ymd_opt(year.parse().unwrap_or(0), month, day),
        );
    }
    for c in DAY_MONTH_YEAR.iter().flat_map(|re| re.captures_iter(text)) {
        if let Some(month) = month_from_name(group(&c, 2)) {
            let date = NaiveDate::from_ymd_opt(
                group(&c, 3).parse().unwrap_or(0),
                month,
                group(&c, 1).parse().unwrap_or(0),
            );
            consider(c.get(1).map_or(0, |m| m.start()), date);
            break;
        }
    }
    for c in MONTH_DAY_YEAR.iter().flat_map(|re| re.captures_iter(text)) {
        if let Some(month) = month_from_name(group(&c, 1)) {
            let date = NaiveDate::from_ymd_opt(
                group(&c, 3).parse().unwrap_or(0),
                month,
                group(&c, 2).parse().unwrap_or(0),
            );
            consider(c.get(1).map_or(0, |m| m.start()), date);
            break;
        }
    }
    best.map(|(_, date)| date)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, day)
    }

    #[test]
    fn patterns_compile() {
        assert!(ISO_DATE.is_some() && COMPACT_DATE.is_some() && NUMERIC_DATE.is_some());
        assert!(DAY_MONTH_YEAR.is_some() && MONTH_DAY_YEAR.is_some());
    }

    #[test]
    fn metadata_values() {
        assert_eq!(parse_date_value("2019-11-19T10:00:00Z"), d(2019, 11, 19));
        assert_eq!(parse_date_value("2019-03-12"), d(2019, 3, 12));
        assert_eq!(parse_date_value("20191119"), d(2019, 11, 19));
        assert_eq!(parse_date_value("Tue, 19 Nov 2019 08:00:00 GMT"), d(2019, 11, 19));
        assert_eq!(parse_date_value("November 19, 2019"), d(2019, 11, 19));
        assert_eq!(parse_date_value("yesterday"), None);
        assert_eq!(parse_date_value("2019-13-45"), None);
    }

    #[test]
    fn numeric_order_follows_hint_unless_numbers_decide() {
        assert_eq!(
            find_date_in_text("• 3/12/2019 • 00:00", DateOrder::DayFirst),
            d(2019, 12, 3)
        );
        assert_eq!(
            find_date_in_text("• 3/12/2019 • 00:00", DateOrder::MonthFirst),
            d(2019, 3, 12)
        );
        assert_eq!(
            find_date_in_text("posted 3/25/2019", DateOrder::DayFirst),
            d(2019, 3, 25)
        );
        assert_eq!(
            find_date_in_text("posted 25/3/2019", DateOrder::MonthFirst),
            d(2019, 3, 25)
        );
    }

    #[test]
    fn named_months_english_and_arabic() {
        assert_eq!(
            find_date_in_text("Published 12 March 2019 by staff", DateOrder::DayFirst),
            d(2019, 3, 12)
        );
        assert_eq!(
            find_date_in_text("on March 12, 2019.", DateOrder::DayFirst),
            d(2019, 3, 12)
        );
        assert_eq!(
            find_date_in_text("في 8 آذار 2019 أعلنت", DateOrder::DayFirst),
            d(2019, 3, 8)
        );
    }

    #[test]
    fn body_months_decide_ambiguous_numeric_dates() {
        let body = "وكانت أنقرة أعلنت في 8 آذار (مارس) الجاري تسيير دوريات";
        let ev = MonthEvidence::from_body(body);
        assert_eq!(ev.current, vec![3]);
        assert_eq!(
            find_date_with_evidence("• 3/12/2019 • 00:00", DateOrder::DayFirst, &ev),
            d(2019, 3, 12)
        );
        // Evidence for neither reading leaves the hint in charge.
        let none = MonthEvidence::from_body("قتل 4 مدنيين في إدلب");
        assert_eq!(
            find_date_with_evidence("• 3/12/2019 •", DateOrder::DayFirst, &none),
            d(2019, 12, 3)
        );
        // A month named anywhere decides when nothing says "current".
        let en = MonthEvidence::from_body("Fighting resumed on December 1 after a lull.");
        assert_eq!(
            find_date_with_evidence("3/12/2019", DateOrder::MonthFirst, &en),
            d(2019, 12, 3)
        );
        // "may" in lower case is a verb, not a month.
        assert!(MonthEvidence::from_body("they may leave").mentioned.is_empty());
    }

    #[test]
    fn no_year_means_no_date() {
        assert_eq!(
            find_date_in_text("اليوم، الأربعاء 6 من شباط، لوكالة", DateOrder::DayFirst),
            None
        );
        assert_eq!(
            find_date_in_text("On Wednesday 6 February the forces", DateOrder::DayFirst),
            None
        );
        assert_eq!(
            find_date_in_text("في 8 آذار (مارس) الجاري", DateOrder::DayFirst),
            None
        );
    }
}
