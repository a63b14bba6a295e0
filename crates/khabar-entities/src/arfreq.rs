//! How common each Arabic word is (wordfreq's Arabic list, compacted into `kb/ar_word_freq.tsv` by the KB
//! build): a gazetteer name that is also a frequent Arabic word ("وقف" ceasefire ~ Al Waqf, "التحالف" coalition ~
//! At Taḩāluf) needs more evidence before it becomes a place, and a clitic is not stripped from a common word
//! ("وكالة" agency is not "و" + "كالة" ~ Calais).

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use khabar_normalize::Normalizer;
use rustc_hash::FxHashMap;

use crate::key::exact_key;
use crate::EntityError;

/// Raw list placed by `scripts/setup-data.sh` under the data dir.
pub const AR_WORDFREQ_RAW: &str = "wordfreq/large_ar.msgpack.gz";
/// Compacted list under the data dir's `kb/`.
pub const AR_WORD_FREQ_TSV: &str = "ar_word_freq.tsv";
/// Rarest words kept, in centibels below 1 (−650 cB = 3.2 per 10 million words): rarer ones are never common.
const KEEP_CB: u16 = 650;

/// Arabic word frequencies in centibels (wordfreq's unit: 100 cB = a factor of 10; 300 cB = one word in a
/// thousand), keyed by the matching normalization of the KB.
#[derive(Debug, Clone, Default)]
pub struct ArabicWordFreq {
    cb: FxHashMap<String, u16>,
}

fn data_err(path: &Path, reason: impl std::fmt::Display) -> EntityError {
    EntityError::Data {
        path: path.to_path_buf(),
        reason: reason.to_string(),
    }
}

impl ArabicWordFreq {
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

    /// Frequency of a normalized word per word of running text (0 when rarer than the list keeps).
    pub fn frequency(&self, word: &str) -> f64 {
        self.centibels(word)
            .map_or(0.0, |cb| 10f64.powf(-f64::from(cb) / 100.0))
    }

    /// Reads wordfreq's msgpack list (header, then one list of words per centibel bucket), normalizing each word.
    pub fn from_wordfreq(path: &Path) -> Result<ArabicWordFreq, EntityError> {
        let file = std::fs::File::open(path).map_err(|e| EntityError::Io {
            path: path.to_path_buf(),
            source: e,
        })?;
        let mut bytes = Vec::new();
        flate2::read::GzDecoder::new(BufReader::new(file))
            .read_to_end(&mut bytes)
            .map_err(|e| EntityError::Io {
                path: path.to_path_buf(),
                source: e,
            })?;
        let value = rmpv::decode::read_value(&mut bytes.as_slice()).map_err(|e| data_err(path, e))?;
        let buckets = value
            .as_array()
            .ok_or_else(|| data_err(path, "not a msgpack list"))?;
        let normalizer = Normalizer::for_matching();
        let mut cb: FxHashMap<String, u16> = FxHashMap::default();
        for (i, bucket) in buckets.iter().skip(1).enumerate().take(usize::from(KEEP_CB) + 1) {
            for w in bucket.as_array().into_iter().flatten() {
                let Some(w) = w.as_str() else { continue };
                let key = exact_key(&normalizer, w);
                if key.is_empty() || key.contains(' ') {
                    continue;
                }
                let e = cb.entry(key).or_insert(i as u16);
                *e = (*e).min(i as u16);
            }
        }
        Ok(ArabicWordFreq { cb })
    }

    /// Writes `word \t centibels` lines, sorted by word.
    pub fn write_tsv(&self, path: &Path) -> Result<(), EntityError> {
        let mut rows: Vec<(&String, &u16)> = self.cb.iter().collect();
        rows.sort();
        let mut out = String::with_capacity(rows.len() * 12);
        for (w, c) in rows {
            out.push_str(&format!("{w}\t{c}\n"));
        }
        std::fs::write(path, out).map_err(|e| EntityError::Io {
            path: path.to_path_buf(),
            source: e,
        })
    }

    /// Reads a TSV written by [`Self::write_tsv`]; a bad line is an error naming the file and line.
    pub fn read_tsv(path: &Path) -> Result<ArabicWordFreq, EntityError> {
        let file = std::fs::File::open(path).map_err(|e| EntityError::Io {
            path: path.to_path_buf(),
            source: e,
        })?;
        let mut cb = FxHashMap::default();
        for (n, line) in BufReader::new(file).lines().enumerate() {
            let line = line.map_err(|e| EntityError::Io {
                path: path.to_path_buf(),
                source: e,
            })?;
            let parsed = line
                .split_once('\t')
                .and_then(|(w, c)| Some((w.to_string(), c.trim().parse::<u16>().ok()?)));
            match parsed {
                Some((w, c)) if !w.is_empty() => {
                    cb.insert(w, c);
                }
                _ => {
                    return Err(data_err(
                        path,
                        format!("line {}: expected `word<TAB>centibels`", n + 1),
                    ))
                }
            }
        }
        Ok(ArabicWordFreq { cb })
    }

    /// Compacts the raw list of `data_dir` into `kb/`; `None` when the raw list is missing.
    pub fn build(data_dir: &Path) -> Result<Option<(PathBuf, usize)>, EntityError> {
        let raw = data_dir.join(AR_WORDFREQ_RAW);
        if !raw.exists() {
            return Ok(None);
        }
        let freq = ArabicWordFreq::from_wordfreq(&raw)?;
        let out = data_dir.join("kb").join(AR_WORD_FREQ_TSV);
        freq.write_tsv(&out)?;
        Ok(Some((out, freq.len())))
    }

    #[cfg(test)]
    pub(crate) fn from_pairs(pairs: &[(&str, u16)]) -> ArabicWordFreq {
        let normalizer = Normalizer::for_matching();
        ArabicWordFreq {
            cb: pairs
                .iter()
                .map(|(w, c)| (exact_key(&normalizer, w), *c))
                .collect(),
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
        let f = ArabicWordFreq::from_pairs(&[("وقف", 413), ("وكالة", 394)]);
        f.write_tsv(&path).unwrap();
        let back = ArabicWordFreq::read_tsv(&path).unwrap();
        assert_eq!(back.len(), 2);
        assert_eq!(back.centibels("وقف"), Some(413));
        assert!((back.frequency("وقف") - 10f64.powf(-4.13)).abs() < 1e-9);
        assert_eq!(back.frequency("سوهاج"), 0.0);
        std::fs::write(&path, "وقف\t413\nbroken line\n").unwrap();
        let err = ArabicWordFreq::read_tsv(&path).unwrap_err().to_string();
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
        let f = ArabicWordFreq::from_wordfreq(&raw).unwrap();
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
