//! How common each word is (wordfreq's Arabic and English lists, compacted into `kb/ar_word_freq.tsv` and
//! `kb/en_word_freq.tsv` by the KB build), and which English words are common personal names (US census shares):
//! a gazetteer name that is also a frequent word ("وقف" ceasefire ~ Al Waqf, "التحالف" coalition ~ At Taḩāluf,
//! "Man" ~ Man, Côte d'Ivoire) or a common given name ("Eugene Scalia" ~ Eugene, Oregon) needs more evidence before
//! it becomes a place, and a clitic is not stripped from a common Arabic word ("وكالة" agency is not "و" + "كالة"
//! ~ Calais).

use std::io::Read;
use std::path::{Path, PathBuf};

use khabar_normalize::Normalizer;
use rustc_hash::FxHashMap;

use crate::key::exact_key;
use crate::namefreq::{data_err, for_each_line, open_gz};
use crate::EntityError;

/// Raw Arabic list placed by `scripts/setup-data.sh` under the data dir.
pub const AR_WORDFREQ_RAW: &str = "wordfreq/large_ar.msgpack.gz";
/// Compacted Arabic list under the data dir's `kb/`.
pub const AR_WORD_FREQ_TSV: &str = "ar_word_freq.tsv";
/// Raw English list placed by `scripts/setup-data.sh` under the data dir.
pub const EN_WORDFREQ_RAW: &str = "namefreq/large_en.msgpack.gz";
/// Compacted English list (with personal-name marks) under the data dir's `kb/`.
pub const EN_WORD_FREQ_TSV: &str = "en_word_freq.tsv";
/// Share of the US census name lists (percent) from which an English word counts as a common personal name.
const COMMON_NAME_CENSUS_SHARE: f32 = 0.05;
/// Share from which a word counts as a personal name at all (about the 10,000 most common surnames).
const NAME_CENSUS_SHARE: f32 = 0.0005;
/// Rarest words kept, in centibels below 1 (−650 cB = 3.2 per 10 million words): rarer ones are never common.
const KEEP_CB: u16 = 650;

/// What [`WordFreq::build`] did.
#[derive(Debug, Clone, Default)]
pub struct WordFreqBuild {
    /// Compact lists written, with their word counts.
    pub written: Vec<(PathBuf, usize)>,
    /// Raw lists that were missing (their compact list was not written).
    pub missing: Vec<PathBuf>,
}

/// Word frequencies in centibels (wordfreq's unit: 100 cB = a factor of 10; 300 cB = one word in a thousand),
/// keyed by the matching normalization of the KB, and the words that are common personal names.
#[derive(Debug, Clone, Default)]
pub struct WordFreq {
    cb: FxHashMap<String, u16>,
    /// US census share (percent) of words that are personal names, first or last.
    names: FxHashMap<String, f32>,
}

/// Calls `each(word, centibels)` for every word of a wordfreq msgpack list (gzip; a header, then one list of
/// words per centibel bucket) up to `max_cb`.
pub(crate) fn read_wordfreq(
    path: &Path,
    max_cb: u16,
    mut each: impl FnMut(&str, u16),
) -> Result<(), EntityError> {
    let mut bytes = Vec::new();
    open_gz(path)?
        .read_to_end(&mut bytes)
        .map_err(|e| EntityError::Io {
            path: path.to_path_buf(),
            source: e,
        })?;
    let value = rmpv::decode::read_value(&mut bytes.as_slice()).map_err(|e| data_err(path, e))?;
    let buckets = value
        .as_array()
        .ok_or_else(|| data_err(path, "not a msgpack list"))?;
    for (i, bucket) in buckets.iter().skip(1).enumerate().take(usize::from(max_cb) + 1) {
        for w in bucket.as_array().into_iter().flatten() {
            if let Some(w) = w.as_str() {
                each(w, i.min(usize::from(u16::MAX)) as u16);
            }
        }
    }
    Ok(())
}

impl WordFreq {
    /// Words known.
    pub fn len(&self) -> usize {
        self.cb.len()
    }

    /// Whether no word is known.
    pub fn is_empty(&self) -> bool {
        self.cb.is_empty()
    }

    /// Centibels of a normalized word (lower = more common), `None` when rarer than the list keeps.
    pub fn centibels(&self, word: &str) -> Option<u16> {
        self.cb.get(word).copied()
    }

    /// Whether a normalized word is a common personal name (English list only).
    pub fn is_common_name(&self, word: &str) -> bool {
        self.names
            .get(word)
            .is_some_and(|&s| s >= COMMON_NAME_CENSUS_SHARE)
    }

    /// The common personal names ([`Self::is_common_name`]).
    pub fn common_names(&self) -> impl Iterator<Item = &str> {
        self.names
            .iter()
            .filter(|(_, &s)| s >= COMMON_NAME_CENSUS_SHARE)
            .map(|(w, _)| w.as_str())
    }

    /// Whether a normalized word is a personal name at all, common or not (English list only).
    pub fn is_name(&self, word: &str) -> bool {
        self.names.contains_key(word)
    }

    /// Frequency of a normalized word per word of running text (0 when rarer than the list keeps).
    pub fn frequency(&self, word: &str) -> f64 {
        self.centibels(word)
            .map_or(0.0, |cb| 10f64.powf(-f64::from(cb) / 100.0))
    }

    /// Reads wordfreq's msgpack list (header, then one list of words per centibel bucket), normalizing each word.
    pub fn from_wordfreq(path: &Path) -> Result<WordFreq, EntityError> {
        let normalizer = Normalizer::for_matching();
        let mut cb: FxHashMap<String, u16> = FxHashMap::default();
        read_wordfreq(path, KEEP_CB, |w, c| {
            let key = exact_key(&normalizer, w);
            if key.is_empty() || key.contains(' ') || !key.chars().all(char::is_alphabetic) {
                return;
            }
            let e = cb.entry(key).or_insert(c);
            *e = (*e).min(c);
        })?;
        Ok(WordFreq {
            cb,
            names: FxHashMap::default(),
        })
    }

    /// Writes `word \t centibels [\t census share]` lines, sorted by word (the share for personal names).
    pub fn write_tsv(&self, path: &Path) -> Result<(), EntityError> {
        let mut rows: Vec<(&String, &u16)> = self.cb.iter().collect();
        rows.sort();
        let mut out = String::with_capacity(rows.len() * 12);
        for (w, c) in rows {
            match self.names.get(w) {
                Some(share) => out.push_str(&format!("{w}\t{c}\t{share}\n")),
                None => out.push_str(&format!("{w}\t{c}\n")),
            }
        }
        std::fs::write(path, out).map_err(|e| EntityError::Io {
            path: path.to_path_buf(),
            source: e,
        })
    }

    /// Reads a TSV written by [`Self::write_tsv`]; a bad line is an error naming the file and line.
    pub fn read_tsv(path: &Path) -> Result<WordFreq, EntityError> {
        let mut cb = FxHashMap::default();
        let mut names = FxHashMap::default();
        for_each_line(path, |n, line| {
            let mut cols = line.split('\t');
            let parsed = match (cols.next(), cols.next().map(|c| c.trim().parse::<u16>())) {
                (Some(w), Some(Ok(c))) if !w.is_empty() => Some((w.to_string(), c)),
                _ => None,
            };
            let Some((w, c)) = parsed else {
                return Err(data_err(
                    path,
                    format!("line {}: expected `word<TAB>centibels`", n + 1),
                ));
            };
            if let Some(share) = cols.next().and_then(|x| x.trim().parse::<f32>().ok()) {
                names.insert(w.clone(), share);
            }
            cb.insert(w, c);
            Ok(())
        })?;
        Ok(WordFreq { cb, names })
    }

    /// Compacts the raw Arabic and English lists of `data_dir` into `kb/` (the English one marked with the
    /// common personal names of `kb/name_freq.tsv` when that was built); returns what was written, and the raw
    /// lists that were missing.
    pub fn build(data_dir: &Path) -> Result<WordFreqBuild, EntityError> {
        let (mut written, mut missing) = (Vec::new(), Vec::new());
        for (raw, tsv, english) in [
            (AR_WORDFREQ_RAW, AR_WORD_FREQ_TSV, false),
            (EN_WORDFREQ_RAW, EN_WORD_FREQ_TSV, true),
        ] {
            let raw = data_dir.join(raw);
            if !raw.exists() {
                missing.push(raw);
                continue;
            }
            let mut freq = WordFreq::from_wordfreq(&raw)?;
            if english {
                let names = data_dir.join("kb").join(crate::NAME_FREQ_TSV);
                if let Ok(nf) = crate::NameFreq::read_tsv(&names) {
                    freq.names = nf
                        .iter()
                        .filter(|(_, s)| s.census >= NAME_CENSUS_SHARE)
                        .map(|(w, s)| (w.to_string(), s.census))
                        .collect();
                }
            }
            let out = data_dir.join("kb").join(tsv);
            freq.write_tsv(&out)?;
            written.push((out, freq.len()));
        }
        Ok(WordFreqBuild { written, missing })
    }

    #[cfg(test)]
    pub(crate) fn from_pairs(pairs: &[(&str, u16)]) -> WordFreq {
        let normalizer = Normalizer::for_matching();
        WordFreq {
            cb: pairs
                .iter()
                .map(|(w, c)| (exact_key(&normalizer, w), *c))
                .collect(),
            names: FxHashMap::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tsv_round_trips_and_names_bad_lines() {
        let dir = std::env::temp_dir().join(format!("khabar-arfreq-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("f.tsv");
        let mut f = WordFreq::from_pairs(&[("وقف", 413), ("وكالة", 394), ("eugene", 520)]);
        f.names.insert("eugene".into(), 0.234);
        f.write_tsv(&path).unwrap();
        let back = WordFreq::read_tsv(&path).unwrap();
        assert_eq!(back.len(), 3);
        assert!(back.is_name("eugene") && back.is_common_name("eugene") && !back.is_name("وقف"));
        assert_eq!(back.centibels("وقف"), Some(413));
        assert!((back.frequency("وقف") - 10f64.powf(-4.13)).abs() < 1e-9);
        assert_eq!(back.frequency("سوهاج"), 0.0);
        std::fs::write(&path, "وقف\t413\nbroken line\n").unwrap();
        let err = WordFreq::read_tsv(&path).unwrap_err().to_string();
        assert!(err.contains("line 2"), "{err}");
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn real_list_knows_common_words_and_not_small_towns() {
        let raw = crate::default_data_dir().join(AR_WORDFREQ_RAW);
        if !raw.exists() {
            eprintln!("skipped: {} missing (run scripts/setup-data.sh)", raw.display());
            return;
        }
        let f = WordFreq::from_wordfreq(&raw).unwrap();
        let n = Normalizer::for_matching();
        let cb = |w: &str| f.centibels(&exact_key(&n, w));
        // "ceasefire" and "agency" are everyday words; the Baghuz enclave is not.
        assert!(cb("وقف").is_some_and(|c| c < 450), "{:?}", cb("وقف"));
        assert!(cb("وكالة").is_some_and(|c| c < 450));
        assert!(cb("الباغوز").is_none_or(|c| c > 600));
        // hamza forms fold to one key
        assert_eq!(cb("إدلب").is_some(), cb("ادلب").is_some());
    }
}
