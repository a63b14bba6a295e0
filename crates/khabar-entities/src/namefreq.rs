//! How common a Latin name spelling is, from name-frequency lists shipped in registry packages: names-dataset's
//! first and last names (per-country ranks, from a large social-network dump), the US census name lists (share of
//! the population) and wordfreq's English word list (frequency in running text). Only Latin words are read; none of
//! these lists pairs Arabic with Latin. The transliterator's re-ranker ([`crate::Reranker`]) uses them to prefer
//! "adkins" over "adakins" and "upson" over "abson".
//!
//! `setup-data.sh` places the raw files under `<data>/namefreq/`; `khabar kb build` compacts them into
//! `<data>/kb/name_freq.tsv` (a few seconds to load instead of about fifteen).

use crate::EntityError;
use rustc_hash::FxHashMap as HashMap;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

/// Frequency evidence for one lowercased Latin word; zero/`None` where a list lacks the word.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct NameStats {
    /// In how many countries names-dataset lists it as a first name (0: not a first name there).
    pub first_countries: u8,
    /// Its best per-country first-name rank (1 = most common; 0: unranked).
    pub first_rank: u32,
    /// In how many countries names-dataset lists it as a last name.
    pub last_countries: u8,
    /// Its best per-country last-name rank (0: unranked).
    pub last_rank: u32,
    /// Share of the US population bearing it (first or last name), in percent.
    pub census: f32,
    /// wordfreq's English frequency in centibels below 1 (0 = most frequent; `None` when not listed).
    pub wordfreq_cb: Option<u16>,
}

/// A lexicon of Latin name words with [`NameStats`].
#[derive(Debug, Default, Clone)]
pub struct NameFreq {
    words: HashMap<String, NameStats>,
}

/// Raw file names under `<data>/namefreq/`.
const FIRST: &str = "first_names.pkl.gz";
const LAST: &str = "last_names.pkl.gz";
const CENSUS: [&str; 3] = ["dist.all.last", "dist.male.first", "dist.female.first"];
const WORDFREQ: &str = "large_en.msgpack.gz";
/// The compact file under `<data>/kb/`.
pub const NAME_FREQ_TSV: &str = "name_freq.tsv";

#[derive(serde::Deserialize, Default)]
struct NdEntry {
    #[serde(default)]
    country: HashMap<String, f64>,
    #[serde(default)]
    rank: HashMap<String, i64>,
}

/// A malformed data file, named with what is wrong.
pub(crate) fn data_err(path: &Path, reason: impl std::fmt::Display) -> EntityError {
    EntityError::Data {
        path: path.to_path_buf(),
        reason: reason.to_string(),
    }
}

/// A gzip file opened for reading.
pub(crate) fn open_gz(path: &Path) -> Result<flate2::read::GzDecoder<BufReader<std::fs::File>>, EntityError> {
    let f = std::fs::File::open(path).map_err(|e| EntityError::Io {
        path: path.to_path_buf(),
        source: e,
    })?;
    Ok(flate2::read::GzDecoder::new(BufReader::new(f)))
}

/// Calls `each(line number from 0, line)` for every line of a text file; read errors name the file.
pub(crate) fn for_each_line(
    path: &Path,
    mut each: impl FnMut(usize, &str) -> Result<(), EntityError>,
) -> Result<(), EntityError> {
    let io = |e| EntityError::Io {
        path: path.to_path_buf(),
        source: e,
    };
    let f = std::fs::File::open(path).map_err(io)?;
    for (n, line) in BufReader::new(f).lines().enumerate() {
        each(n, &line.map_err(io)?)?;
    }
    Ok(())
}

/// A word worth keeping: letters (Latin, up to U+024F) and apostrophes, at least two letters.
fn latin_word(w: &str) -> Option<String> {
    let w = w.trim().to_lowercase();
    let letters = w.chars().filter(|c| c.is_alphabetic()).count();
    (letters >= 2
        && w.chars()
            .all(|c| (c.is_alphabetic() && (c as u32) < 0x250) || c == '\''))
    .then_some(w)
}

impl NameFreq {
    /// Number of words.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// Whether the lexicon is empty.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The stats of a lowercased word.
    pub fn get(&self, word: &str) -> Option<&NameStats> {
        self.words.get(word)
    }

    /// Every word and its stats, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &NameStats)> {
        self.words.iter().map(|(w, s)| (w.as_str(), s))
    }

    /// Loads `<data>/kb/name_freq.tsv`, else reads the raw lists under `<data>/namefreq/` (slower).
    pub fn load(data_dir: &Path) -> Result<NameFreq, EntityError> {
        let tsv = data_dir.join("kb").join(NAME_FREQ_TSV);
        if tsv.is_file() {
            return NameFreq::read_tsv(&tsv);
        }
        NameFreq::from_raw(&data_dir.join("namefreq"))
    }

    /// Reads the raw lists in `dir` (names-dataset pickles, census lists, wordfreq's msgpack).
    pub fn from_raw(dir: &Path) -> Result<NameFreq, EntityError> {
        let mut lex = NameFreq::default();
        for (file, first) in [(FIRST, true), (LAST, false)] {
            let path = dir.join(file);
            let entries: HashMap<String, NdEntry> =
                serde_pickle::from_reader(open_gz(&path)?, serde_pickle::DeOptions::new())
                    .map_err(|e| data_err(&path, e))?;
            for (name, e) in entries {
                let Some(w) = latin_word(&name) else { continue };
                let countries = e.country.len().min(u8::MAX as usize) as u8;
                let rank = e.rank.values().copied().filter(|r| *r > 0).min().unwrap_or(0);
                let rank = rank.clamp(0, u32::MAX as i64) as u32;
                let s = lex.words.entry(w).or_default();
                let (c, r) = if first {
                    (&mut s.first_countries, &mut s.first_rank)
                } else {
                    (&mut s.last_countries, &mut s.last_rank)
                };
                *c = (*c).max(countries);
                if rank > 0 && (*r == 0 || rank < *r) {
                    *r = rank;
                }
            }
        }
        for file in CENSUS {
            let path = dir.join(file);
            let f = std::fs::File::open(&path).map_err(|e| EntityError::Io {
                path: path.clone(),
                source: e,
            })?;
            for line in BufReader::new(f).lines() {
                let line = line.map_err(|e| EntityError::Io {
                    path: path.clone(),
                    source: e,
                })?;
                let mut cols = line.split_whitespace();
                let (Some(name), Some(share)) = (cols.next(), cols.next()) else {
                    continue;
                };
                let (Some(w), Ok(share)) = (latin_word(name), share.parse::<f32>()) else {
                    continue;
                };
                lex.words.entry(w).or_default().census += share.max(0.0);
            }
        }
        crate::wordfreq::read_wordfreq(&dir.join(WORDFREQ), u16::MAX, |w, cb| {
            let Some(w) = latin_word(w) else { return };
            let s = lex.words.entry(w).or_default();
            if s.wordfreq_cb.is_none_or(|old| cb < old) {
                s.wordfreq_cb = Some(cb);
            }
        })?;
        Ok(lex)
    }

    /// Writes the compact TSV (`word, first countries, first rank, last countries, last rank, census, wordfreq cB`
    /// with -1 for none), sorted by word.
    pub fn write_tsv(&self, path: &Path) -> Result<(), EntityError> {
        let io = |e| EntityError::Io {
            path: path.to_path_buf(),
            source: e,
        };
        let mut rows: Vec<(&String, &NameStats)> = self.words.iter().collect();
        rows.sort_by(|a, b| a.0.cmp(b.0));
        let mut out = std::io::BufWriter::new(std::fs::File::create(path).map_err(io)?);
        for (w, s) in rows {
            writeln!(
                out,
                "{w}\t{}\t{}\t{}\t{}\t{}\t{}",
                s.first_countries,
                s.first_rank,
                s.last_countries,
                s.last_rank,
                s.census,
                s.wordfreq_cb.map_or(-1, i32::from)
            )
            .map_err(io)?;
        }
        out.flush().map_err(io)
    }

    /// Reads the compact TSV; malformed lines are errors naming the line.
    pub fn read_tsv(path: &Path) -> Result<NameFreq, EntityError> {
        let mut lex = NameFreq::default();
        for_each_line(path, |n, line| {
            let bad = || data_err(path, format!("line {}: expected 7 tab-separated fields", n + 1));
            let cols: Vec<&str> = line.split('\t').collect();
            let [w, fc, fr, lc, lr, cen, cb] = cols.as_slice() else {
                return Err(bad());
            };
            let stats = NameStats {
                first_countries: fc.parse().map_err(|_| bad())?,
                first_rank: fr.parse().map_err(|_| bad())?,
                last_countries: lc.parse().map_err(|_| bad())?,
                last_rank: lr.parse().map_err(|_| bad())?,
                census: cen.parse().map_err(|_| bad())?,
                wordfreq_cb: match cb.parse::<i32>().map_err(|_| bad())? {
                    c if c < 0 => None,
                    c => Some(c.min(u16::MAX as i32) as u16),
                },
            };
            lex.words.insert((*w).to_string(), stats);
            Ok(())
        })?;
        Ok(lex)
    }

    /// Compacts the raw lists of `<data>/namefreq/` into `<data>/kb/name_freq.tsv`; `Ok(None)` when the raw lists
    /// are not there.
    pub fn build(data_dir: &Path) -> Result<Option<(PathBuf, usize)>, EntityError> {
        let raw = data_dir.join("namefreq");
        if !raw.join(WORDFREQ).is_file() {
            return Ok(None);
        }
        let lex = NameFreq::from_raw(&raw)?;
        let out = data_dir.join("kb").join(NAME_FREQ_TSV);
        lex.write_tsv(&out)?;
        Ok(Some((out, lex.len())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_words_only() {
        assert_eq!(latin_word(" Adkins ").as_deref(), Some("adkins"));
        assert_eq!(latin_word("O'Neil").as_deref(), Some("o'neil"));
        assert_eq!(latin_word("محمد"), None);
        assert_eq!(latin_word("a"), None);
        assert_eq!(latin_word("al-hol"), None);
    }

    #[test]
    fn tsv_round_trips_and_names_bad_lines() {
        let dir = std::env::temp_dir().join(format!("khabar-namefreq-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut lex = NameFreq::default();
        lex.words.insert(
            "adkins".into(),
            NameStats {
                first_countries: 0,
                first_rank: 0,
                last_countries: 3,
                last_rank: 812,
                census: 0.012,
                wordfreq_cb: Some(623),
            },
        );
        lex.words.insert("adakins".into(), NameStats::default());
        let path = dir.join("nf.tsv");
        lex.write_tsv(&path).unwrap();
        let back = NameFreq::read_tsv(&path).unwrap();
        assert_eq!(back.get("adkins"), lex.get("adkins"));
        assert_eq!(back.get("adakins").and_then(|s| s.wordfreq_cb), None);
        std::fs::write(&path, "adkins\t1\t2\n").unwrap();
        let err = NameFreq::read_tsv(&path).unwrap_err().to_string();
        assert!(err.contains("line 1"), "{err}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// The real lists, when setup has placed them: a common surname outranks a misspelling of it.
    #[test]
    fn real_lists_know_common_spellings() {
        let dir = crate::default_data_dir();
        if !dir.join("namefreq").join(WORDFREQ).is_file() && !dir.join("kb").join(NAME_FREQ_TSV).is_file() {
            eprintln!(
                "skipped: no name-frequency lists under {} (run scripts/setup-data.sh)",
                dir.display()
            );
            return;
        }
        let lex = NameFreq::load(&dir).unwrap();
        assert!(lex.len() > 1_000_000, "{}", lex.len());
        let adkins = lex.get("adkins").copied().unwrap_or_default();
        assert!(adkins.census > 0.0 && adkins.wordfreq_cb.is_some() && adkins.last_countries > 0);
        assert!(lex
            .get("adakins")
            .is_none_or(|s| s.census == 0.0 && s.wordfreq_cb.is_none()));
    }
}
