//! Devset evaluation: event precision and recall (a match is the same sentence and the same family), exact count
//! rate and exact date rate of matched events, hedging and attribution agreement, overall and per language.

use crate::error::{EventError, EventResult};
use crate::extract::EventExtractor;
use chrono::NaiveDate;
use khabar_model::{Article, CountRange, CountRole, Event, EventFamily};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

#[derive(Debug, Deserialize)]
struct GoldEvent {
    family: String,
    #[serde(default)]
    counts: BTreeMap<String, CountRange>,
    date: Option<NaiveDate>,
    #[serde(default)]
    hedged: bool,
    #[serde(default)]
    attributed_to: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct Row {
    id: String,
    lang: String,
    published: Option<NaiveDate>,
    text: String,
    events: Vec<GoldEvent>,
}

/// Tallies for one slice of the devset.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Figures {
    /// Sentences read.
    pub sentences: usize,
    /// Gold events.
    pub gold: usize,
    /// Predicted events.
    pub predicted: usize,
    /// Predicted events matching a gold event (same sentence, same family).
    pub matched: usize,
    /// Matched events whose gold has counts.
    pub count_total: usize,
    /// ... of which every count is exactly the gold range (and no extra role).
    pub count_exact: usize,
    /// Matched events whose gold has a day.
    pub date_total: usize,
    /// ... of which the date is the gold date.
    pub date_exact: usize,
    /// Matched events whose hedged flag agrees with gold.
    pub hedged_agree: usize,
    /// Matched events where attribution is given exactly when gold gives one.
    pub attribution_agree: usize,
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        1.0
    } else {
        a as f64 / b as f64
    }
}

impl Figures {
    /// matched / predicted.
    pub fn precision(&self) -> f64 {
        ratio(self.matched, self.predicted)
    }
    /// matched / gold.
    pub fn recall(&self) -> f64 {
        ratio(self.matched, self.gold)
    }
    /// Exact count rate of matched events with gold counts.
    pub fn count_exact_rate(&self) -> f64 {
        ratio(self.count_exact, self.count_total)
    }
    /// Exact date rate of matched events with a gold day.
    pub fn date_exact_rate(&self) -> f64 {
        ratio(self.date_exact, self.date_total)
    }

    /// Adds another slice's tallies to this one.
    pub fn merge(&mut self, o: &Figures) {
        self.sentences += o.sentences;
        self.gold += o.gold;
        self.predicted += o.predicted;
        self.matched += o.matched;
        self.count_total += o.count_total;
        self.count_exact += o.count_exact;
        self.date_total += o.date_total;
        self.date_exact += o.date_exact;
        self.hedged_agree += o.hedged_agree;
        self.attribution_agree += o.attribution_agree;
    }
}

/// The result of [`eval_devset`]; `Display` prints the figures, `{:#}` adds every error.
#[derive(Debug, Clone, Default)]
pub struct DevsetReport {
    /// All sentences.
    pub overall: Figures,
    /// By language code.
    pub by_lang: BTreeMap<String, Figures>,
    /// One line per miss, false event, wrong count or wrong date.
    pub errors: Vec<String>,
}

impl fmt::Display for DevsetReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let line = |f: &mut fmt::Formatter<'_>, name: &str, x: &Figures| {
            writeln!(
                f,
                "{name:<4} sentences {:>3}  gold {:>3}  predicted {:>3}  matched {:>3}  P {:.3}  R {:.3}  count-exact {:.3} ({}/{})  date-exact {:.3} ({}/{})  hedged-agree {:.3}  attribution-agree {:.3}",
                x.sentences,
                x.gold,
                x.predicted,
                x.matched,
                x.precision(),
                x.recall(),
                x.count_exact_rate(),
                x.count_exact,
                x.count_total,
                x.date_exact_rate(),
                x.date_exact,
                x.date_total,
                ratio(x.hedged_agree, x.matched),
                ratio(x.attribution_agree, x.matched),
            )
        };
        line(f, "all", &self.overall)?;
        for (lang, x) in &self.by_lang {
            line(f, lang, x)?;
        }
        if f.alternate() {
            for e in &self.errors {
                writeln!(f, "  {e}")?;
            }
        }
        Ok(())
    }
}

fn counts_equal(gold: &BTreeMap<String, CountRange>, pred: &BTreeMap<CountRole, CountRange>) -> bool {
    gold.len() == pred.len()
        && gold
            .iter()
            .all(|(role, range)| CountRole::parse(role).and_then(|r| pred.get(&r)) == Some(range))
}

/// Runs the shipped extractor over a devset file (JSONL: `id`, `lang`, `published`, `text`, `events`).
pub fn eval_devset(path: &Path) -> EventResult<DevsetReport> {
    let extractor = EventExtractor::new()?;
    eval_devset_with(&extractor, path)
}

/// Runs a given extractor (e.g. with an expert's rules) over a devset file.
pub fn eval_devset_with(extractor: &EventExtractor, path: &Path) -> EventResult<DevsetReport> {
    let text = std::fs::read_to_string(path).map_err(|source| EventError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mut report = DevsetReport::default();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let row: Row = serde_json::from_str(line).map_err(|e| EventError::Devset {
            line: i + 1,
            message: e.to_string(),
        })?;
        let article = Article {
            id: row.id.clone(),
            source_path: String::new(),
            url: None,
            source: None,
            title: None,
            published: row.published,
            author: None,
            lang: row.lang.clone(),
            text: row.text.clone(),
            removed: vec![],
            duplicate_of: None,
            story_id: None,
            content_hash: String::new(),
        };
        let predicted = extractor.extract(&article, &[]);
        let fig = score_row(&row, &predicted, &mut report.errors, i + 1)?;
        report.overall.merge(&fig);
        report.by_lang.entry(row.lang.clone()).or_default().merge(&fig);
    }
    Ok(report)
}

fn score_row(row: &Row, predicted: &[Event], errors: &mut Vec<String>, line: usize) -> EventResult<Figures> {
    let mut fig = Figures {
        sentences: 1,
        gold: row.events.len(),
        predicted: predicted.len(),
        ..Figures::default()
    };
    let mut used = vec![false; predicted.len()];
    for g in &row.events {
        let family = EventFamily::parse(&g.family).ok_or_else(|| EventError::Devset {
            line,
            message: format!("unknown family `{}`", g.family),
        })?;
        let Some(pi) = (0..predicted.len()).find(|&k| !used[k] && predicted[k].family == family) else {
            errors.push(format!("{} MISS {} | {}", row.id, g.family, row.text));
            continue;
        };
        used[pi] = true;
        let p = &predicted[pi];
        fig.matched += 1;
        if !g.counts.is_empty() || !p.counts.is_empty() {
            fig.count_total += 1;
            if counts_equal(&g.counts, &p.counts) {
                fig.count_exact += 1;
            } else {
                errors.push(format!(
                    "{} COUNT {} gold {:?} got {:?}",
                    row.id, g.family, g.counts, p.counts
                ));
            }
        }
        if let Some(d) = g.date {
            fig.date_total += 1;
            if p.date == Some(d) {
                fig.date_exact += 1;
            } else {
                errors.push(format!("{} DATE {} gold {d} got {:?}", row.id, g.family, p.date));
            }
        }
        if p.hedged == g.hedged {
            fig.hedged_agree += 1;
        } else {
            errors.push(format!(
                "{} HEDGE {} gold {} got {}",
                row.id, g.family, g.hedged, p.hedged
            ));
        }
        if p.attributed_to.is_empty() == g.attributed_to.is_empty() {
            fig.attribution_agree += 1;
        } else {
            errors.push(format!(
                "{} ATTR gold {:?} got {:?}",
                row.id, g.attributed_to, p.attributed_to
            ));
        }
    }
    for (k, p) in predicted.iter().enumerate() {
        if !used[k] {
            errors.push(format!(
                "{} FALSE {} {:?} | {}",
                row.id,
                p.family.as_str(),
                p.counts,
                p.sentence
            ));
        }
    }
    Ok(fig)
}
