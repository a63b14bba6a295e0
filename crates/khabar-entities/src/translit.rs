//! A learned Arabic→Latin transliterator: EM character alignment into graphones (one Arabic letter ↔ 0–3 Latin
//! letters), a joint trigram model over graphones (absolute discounting, or modified Kneser–Ney with a prior),
//! beam-search generation with a Latin character 6-gram, and a fast alignment-summed score for ranking Latin
//! candidates. Trains in about a second on 13k pairs.
//!
//! A [`LatinPrior`] (Latin sides of the data dir's name lists plus the training names: a lexicon counted per
//! source and a character 6-gram over it) makes generation better: its character model replaces the pairs' own in
//! the search ([`Transliterator::train_with_prior`]) and its lexicon re-ranks the n-best
//! ([`Transliterator::generate_ranked`]). Only Latin strings of those lists are used, never their Arabic→Latin
//! pairs (some of which are eval pairs).

use crate::{EntityError, NameFreq, NeuralTranslit, RerankGroup, Reranker, FEATURE_NAMES};
use khabar_normalize::{is_arabic, Normalizer};
use rustc_hash::FxHashMap as HashMap;
use std::fmt;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;
use unicode_normalization::UnicodeNormalization;

const MAX_LATIN: usize = 3;
const EM_ITERATIONS: usize = 6;
/// Model settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TranslitParams {
    /// Order of the joint graphone n-gram (1..=5).
    pub order: usize,
    /// Order of the Latin character n-gram used in the search (1..=8).
    pub char_order: usize,
    /// Weight of the Latin character model in the search score.
    pub char_weight: f32,
    /// Beam width.
    pub beam: usize,
    /// Bonus per Latin letter produced (counters the joint model's taste for short outputs).
    pub length_bonus: f32,
    /// Modified Kneser–Ney smoothing of the graphone model (else one absolute discount at every order).
    pub kneser_ney: bool,
}

impl Default for TranslitParams {
    fn default() -> Self {
        // Chosen on a held-out tenth of the training file (examples/tune_translit.rs).
        TranslitParams {
            order: 3,
            char_order: 6,
            char_weight: 0.3,
            beam: 48,
            length_bonus: 0.0,
            // Kneser–Ney helps only with the prior's character model in the search (held-out top-1 0.346 → 0.351
            // re-ranked) and costs the plain model (0.260 → 0.253): see `Transliterator::train_with_prior`.
            kneser_ney: false,
        }
    }
}
const EOS: u32 = 1;

fn pack(s: &[char]) -> u64 {
    let mut v: u64 = s.len() as u64;
    for &c in s {
        v = (v << 21) | (c as u64 & 0x1F_FFFF);
    }
    v
}

/// Arabic letters of a name: presentation forms folded, diacritics and tatweel dropped, but hamza carriers, alef
/// maqsura and teh marbuta kept apart (they tell "أل" = "al" from the article "ال", final "ة" = "a").
fn arabic_chars(_normalizer: &Normalizer, s: &str) -> Vec<char> {
    s.nfkc()
        .filter(|&c| {
            (is_arabic(c) && !matches!(c, '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0640}')) || c == ' '
        })
        .collect()
}

fn latin_chars(s: &str) -> Vec<char> {
    s.trim().to_lowercase().chars().collect()
}

/// A trained transliterator.
pub struct Transliterator {
    normalizer: Normalizer,
    /// Graphone id → (Arabic char, Latin string).
    graphones: Vec<(char, Vec<char>)>,
    by_key: HashMap<(char, u64), u32>,
    by_arabic: HashMap<char, Vec<u32>>,
    unigram_logp: Vec<f32>,
    lm: Lm,
    chars: Arc<CharLm>,
    params: TranslitParams,
    /// Dense table for fast scoring: Arabic char index × Latin substring index → log p (unigram joint).
    dense_chars: HashMap<char, usize>,
    dense_subs: HashMap<u64, usize>,
    dense: Vec<f32>,
}

/// Joint n-gram model over graphone ids with interpolated modified Kneser–Ney smoothing (continuation counts
/// below the top order, three discounts per order). Histories are packed into a `u64`, 16 bits per graphone, most
/// recent lowest.
struct Lm {
    order: usize,
    /// For each history length k (0..order): (packed history, graphone) → count (raw at the top order,
    /// continuation count below).
    counts: Vec<HashMap<(u64, u32), u32>>,
    /// For each history length k: packed history → (total, followers seen once, twice, three times or more).
    ctx: Vec<HashMap<u64, [u32; 4]>>,
    /// For each history length k: discounts for counts 1, 2 and 3+.
    discounts: Vec<[f32; 3]>,
    vocab: usize,
}

fn mask(k: usize) -> u64 {
    if k >= 4 {
        u64::MAX
    } else {
        (1u64 << (16 * k)) - 1
    }
}

fn push_hist(hist: u64, g: u32, order: usize) -> u64 {
    ((hist << 16) | (g as u64 & 0xFFFF)) & mask(order - 1)
}

/// Modified Kneser–Ney discounts from counts of counts (Chen & Goodman), kept inside sane bounds.
fn kn_discounts<'a>(counts: impl Iterator<Item = &'a u32>) -> [f32; 3] {
    let mut n = [0f32; 5];
    for &c in counts {
        if (1..=4).contains(&c) {
            n[c as usize] += 1.0;
        }
    }
    if n[1] == 0.0 || n[2] == 0.0 || n[3] == 0.0 {
        return [0.5, 0.75, 0.9];
    }
    let y = n[1] / (n[1] + 2.0 * n[2]);
    [
        (1.0 - 2.0 * y * n[2] / n[1]).clamp(0.05, 0.95),
        (2.0 - 3.0 * y * n[3] / n[2]).clamp(0.05, 1.95),
        (3.0 - 4.0 * y * n[4] / n[3]).clamp(0.05, 2.95),
    ]
}

impl Lm {
    /// With `kneser_ney` false: raw counts at every order and one absolute discount (0.75).
    fn train(seqs: &[Vec<u32>], vocab: usize, order: usize, kneser_ney: bool) -> Lm {
        let order = order.clamp(1, 5);
        let top = order - 1;
        let mut counts = vec![HashMap::default(); order];
        for s in seqs {
            let mut hist = 0u64;
            for &g in s.iter().chain(std::iter::once(&EOS)) {
                for (k, c) in counts.iter_mut().enumerate() {
                    if k == top || !kneser_ney {
                        *c.entry((hist & mask(k), g)).or_default() += 1;
                    }
                }
                hist = push_hist(hist, g, order);
            }
        }
        if kneser_ney {
            for k in (0..top).rev() {
                let mut cont: HashMap<(u64, u32), u32> = HashMap::default();
                for &(h, g) in counts[k + 1].keys() {
                    *cont.entry((h & mask(k), g)).or_default() += 1;
                }
                counts[k] = cont;
            }
        }
        let mut ctx = vec![HashMap::default(); order];
        let mut discounts = Vec::with_capacity(order);
        for k in 0..order {
            let mut c: HashMap<u64, [u32; 4]> = HashMap::default();
            for (&(h, _), &n) in &counts[k] {
                let e = c.entry(h).or_default();
                e[0] += n;
                e[(n as usize).min(3)] += 1;
            }
            ctx[k] = c;
            discounts.push(if kneser_ney {
                kn_discounts(counts[k].values())
            } else {
                [DISCOUNT; 3]
            });
        }
        Lm {
            order,
            counts,
            ctx,
            discounts,
            vocab: vocab.max(1),
        }
    }

    fn prob(&self, hist: u64, g: u32) -> f32 {
        let mut p = 1.0 / self.vocab as f32;
        for k in 0..self.order {
            let h = hist & mask(k);
            let Some(&[n, n1, n2, n3]) = self.ctx[k].get(&h) else {
                break;
            };
            let c = self.counts[k].get(&(h, g)).copied().unwrap_or(0);
            p = kn_step(c, [n, n1, n2, n3], self.discounts[k], p);
        }
        p.max(1e-12)
    }
}

const DISCOUNT: f32 = 0.75;

/// Latin character n-gram with interpolated absolute discounting (or modified Kneser–Ney: no better on held-out
/// names); histories packed 16 bits per char (chars past the Basic Multilingual Plane share a code).
struct CharLm {
    order: usize,
    /// Raw counts (with Kneser–Ney: continuation counts below the top order).
    counts: Vec<HashMap<(u128, char), u32>>,
    /// Packed history → (total, followers seen once, twice, three times or more).
    ctx: Vec<HashMap<u128, [u32; 4]>>,
    discounts: Vec<[f32; 3]>,
    vocab: usize,
}

/// Highest order of a [`CharLm`].
const MAX_CHAR_ORDER: usize = 8;

fn char_mask(k: usize) -> u128 {
    if k >= 8 {
        u128::MAX
    } else {
        (1u128 << (16 * k)) - 1
    }
}

fn char_code(c: char) -> u128 {
    (c as u128).min(0xFFFF)
}

/// Pushes a char onto a packed char history, keeping enough for any order up to [`MAX_CHAR_ORDER`].
fn push_char(hist: u128, c: char) -> u128 {
    ((hist << 16) | char_code(c)) & char_mask(MAX_CHAR_ORDER - 1)
}

impl CharLm {
    fn train<'a>(words: impl Iterator<Item = &'a [char]>, order: usize, kneser_ney: bool) -> CharLm {
        let order = order.clamp(1, MAX_CHAR_ORDER);
        let top = order - 1;
        let mut counts: Vec<HashMap<(u128, char), u32>> = vec![HashMap::default(); order];
        let mut vocab = std::collections::HashSet::new();
        for w in words {
            let mut hist = 0u128;
            for &c in w.iter().chain(std::iter::once(&'\u{3}')) {
                vocab.insert(c);
                for (k, m) in counts.iter_mut().enumerate() {
                    if k == top || !kneser_ney {
                        *m.entry((hist & char_mask(k), c)).or_default() += 1;
                    }
                }
                hist = push_char(hist, c);
            }
        }
        if kneser_ney {
            for k in (0..top).rev() {
                let mut cont: HashMap<(u128, char), u32> = HashMap::default();
                for &(h, c) in counts[k + 1].keys() {
                    *cont.entry((h & char_mask(k), c)).or_default() += 1;
                }
                counts[k] = cont;
            }
        }
        let mut ctx = Vec::with_capacity(order);
        let mut discounts = Vec::with_capacity(order);
        for c in &counts {
            let mut m: HashMap<u128, [u32; 4]> = HashMap::default();
            for (&(h, _), &n) in c {
                let e = m.entry(h).or_default();
                e[0] += n;
                e[(n as usize).min(3)] += 1;
            }
            ctx.push(m);
            discounts.push(if kneser_ney {
                kn_discounts(c.values())
            } else {
                [DISCOUNT; 3]
            });
        }
        CharLm {
            order,
            counts,
            ctx,
            discounts,
            vocab: vocab.len().max(1),
        }
    }

    /// The log probability of each char of `word` after the ones before it, then of the end of the word.
    fn word_logps<'a, W>(&'a self, word: W) -> impl Iterator<Item = f32> + 'a
    where
        W: IntoIterator<Item = char>,
        W::IntoIter: 'a,
    {
        let mut hist = 0u128;
        word.into_iter().chain(std::iter::once('\u{3}')).map(move |c| {
            let lp = self.logp_next(hist, c);
            hist = push_char(hist, c);
            lp
        })
    }

    /// Log probability of `c` after the packed history.
    fn logp_next(&self, hist: u128, c: char) -> f32 {
        let mut p = 1.0 / self.vocab as f32;
        for k in 0..self.order {
            let h = hist & char_mask(k);
            let Some(&[n, n1, n2, n3]) = self.ctx[k].get(&h) else {
                break;
            };
            let d = self.discounts[k];
            let cnt = self.counts[k].get(&(h, c)).copied().unwrap_or(0);
            p = kn_step(cnt, [n, n1, n2, n3], d, p);
        }
        p.max(1e-9).ln()
    }
}

/// One interpolation step of modified Kneser–Ney: `count` of the event after a history with `ctx` = (total,
/// followers seen once, twice, 3+), discounts `d`, lower-order probability `lower`.
fn kn_step(count: u32, ctx: [u32; 4], d: [f32; 3], lower: f32) -> f32 {
    let dc = match count {
        0 => 0.0,
        1 => d[0],
        2 => d[1],
        _ => d[2],
    };
    let n = ctx[0].max(1) as f32;
    let gamma = (d[0] * ctx[1] as f32 + d[1] * ctx[2] as f32 + d[2] * ctx[3] as f32) / n;
    (count as f32 - dc).max(0.0) / n + gamma * lower
}

impl Transliterator {
    /// Trains on `(arabic, latin)` pairs with default settings.
    pub fn train(pairs: &[(String, String)]) -> Transliterator {
        Transliterator::train_with(pairs, TranslitParams::default())
    }

    /// Trains on `(arabic, latin)` pairs.
    pub fn train_with(pairs: &[(String, String)], params: TranslitParams) -> Transliterator {
        let normalizer = Normalizer::for_matching();
        let data: Vec<(Vec<char>, Vec<char>)> = pairs
            .iter()
            .map(|(a, l)| (arabic_chars(&normalizer, a), latin_chars(l)))
            .filter(|(a, l)| !a.is_empty() && !l.is_empty() && l.len() <= a.len() * MAX_LATIN)
            .collect();
        // EM over a unigram joint model.
        let mut probs: HashMap<(char, u64), f64> = HashMap::default();
        for (a, l) in &data {
            for &c in a {
                for j in 0..=l.len() {
                    for k in 0..=MAX_LATIN.min(l.len() - j) {
                        probs.insert((c, pack(&l[j..j + k])), 1.0);
                    }
                }
            }
        }
        normalize_probs(&mut probs);
        for _ in 0..EM_ITERATIONS {
            let mut counts: HashMap<(char, u64), f64> = HashMap::default();
            for (a, l) in &data {
                expected_counts(a, l, &probs, &mut counts);
            }
            probs = counts;
            normalize_probs(&mut probs);
        }
        // Viterbi alignment into graphone sequences.
        let mut graphones: Vec<(char, Vec<char>)> = vec![('\u{2}', vec![]), ('\u{3}', vec![])];
        let mut by_key: HashMap<(char, u64), u32> = HashMap::default();
        let mut seqs = Vec::with_capacity(data.len());
        for (a, l) in &data {
            let Some(path) = viterbi(a, l, &probs) else {
                continue;
            };
            let mut seq = Vec::with_capacity(path.len());
            let mut j = 0usize;
            for (i, k) in path.into_iter().enumerate() {
                let sub = &l[j..j + k];
                let key = (a[i], pack(sub));
                let id = *by_key.entry(key).or_insert_with(|| {
                    graphones.push((a[i], sub.to_vec()));
                    (graphones.len() - 1) as u32
                });
                seq.push(id);
                j += k;
            }
            seqs.push(seq);
        }
        let lm = Lm::train(&seqs, graphones.len(), params.order, params.kneser_ney);
        let chars = Arc::new(CharLm::train(
            data.iter().map(|(_, l)| l.as_slice()),
            params.char_order,
            false,
        ));
        let mut by_arabic: HashMap<char, Vec<u32>> = HashMap::default();
        for (id, (c, _)) in graphones.iter().enumerate().skip(2) {
            by_arabic.entry(*c).or_default().push(id as u32);
        }
        let mut uni = vec![0u32; graphones.len()];
        for s in &seqs {
            for &g in s {
                if let Some(x) = uni.get_mut(g as usize) {
                    *x += 1;
                }
            }
        }
        let total = uni.iter().sum::<u32>().max(1) as f32;
        let unigram_logp: Vec<f32> = uni.iter().map(|&c| ((c as f32 + 0.1) / total).ln()).collect();
        let mut dense_chars = HashMap::default();
        let mut dense_subs = HashMap::default();
        for (c, s) in graphones.iter().skip(2) {
            let n = dense_chars.len();
            dense_chars.entry(*c).or_insert(n);
            let n = dense_subs.len();
            dense_subs.entry(pack(s)).or_insert(n);
        }
        let mut dense = vec![f32::NEG_INFINITY; dense_chars.len() * dense_subs.len()];
        for (id, (c, s)) in graphones.iter().enumerate().skip(2) {
            if let (Some(&ci), Some(&si)) = (dense_chars.get(c), dense_subs.get(&pack(s))) {
                if let Some(x) = dense.get_mut(ci * dense_subs.len() + si) {
                    *x = unigram_logp.get(id).copied().unwrap_or(f32::NEG_INFINITY);
                }
            }
        }
        Transliterator {
            normalizer,
            graphones,
            by_key,
            by_arabic,
            unigram_logp,
            lm,
            chars,
            params,
            dense_chars,
            dense_subs,
            dense,
        }
    }

    /// The graphone inventory as `(arabic letter, latin string, unigram log p)`, most frequent first.
    pub fn graphones(&self) -> Vec<(char, String, f32)> {
        let mut v: Vec<(char, String, f32)> = self
            .graphones
            .iter()
            .enumerate()
            .skip(2)
            .map(|(i, (c, l))| {
                (
                    *c,
                    l.iter().collect(),
                    self.unigram_logp.get(i).copied().unwrap_or(0.0),
                )
            })
            .collect();
        v.sort_by(|a, b| b.2.total_cmp(&a.2));
        v
    }

    /// Number of graphones learned.
    pub fn graphone_count(&self) -> usize {
        self.graphones.len() - 2
    }

    /// Weighted log probability of the next Latin char under the search's character model(s).
    fn char_logp(&self, hist: u128, c: char) -> f32 {
        if self.params.char_weight > 0.0 {
            self.params.char_weight * self.chars.logp_next(hist, c)
        } else {
            0.0
        }
    }

    /// The `k` most likely Latin spellings of an Arabic name with their log probabilities, best first.
    pub fn generate(&self, arabic: &str, k: usize) -> Vec<(String, f32)> {
        let a = arabic_chars(&self.normalizer, arabic);
        // (history, char history, latin, logp)
        let mut beam: Vec<(u64, u128, String, f32)> = vec![(0, 0, String::new(), 0.0)];
        for &c in &a {
            let Some(options) = self.by_arabic.get(&c) else {
                continue;
            };
            let mut next: HashMap<(u64, String), (u128, f32)> = HashMap::default();
            for (hist, chist, latin, lp) in &beam {
                for &g in options {
                    let p = self.lm.prob(*hist, g).ln();
                    let mut l = latin.clone();
                    let mut ch_hist = *chist;
                    let mut char_lp = 0.0;
                    if let Some((_, s)) = self.graphones.get(g as usize) {
                        for &ch in s {
                            char_lp += self.char_logp(ch_hist, ch);
                            ch_hist = push_char(ch_hist, ch);
                            l.push(ch);
                        }
                    }
                    let produced = self.graphones.get(g as usize).map_or(0, |x| x.1.len()) as f32;
                    let score = lp + p + char_lp + self.params.length_bonus * produced;
                    let e = next
                        .entry((push_hist(*hist, g, self.lm.order), l))
                        .or_insert((ch_hist, f32::NEG_INFINITY));
                    e.1 = log_add(e.1, score);
                }
            }
            let mut v: Vec<(u64, u128, String, f32)> =
                next.into_iter().map(|((h, l), (c, s))| (h, c, l, s)).collect();
            v.sort_by(|x, y| y.3.total_cmp(&x.3));
            v.truncate(self.params.beam);
            if v.is_empty() {
                break;
            }
            beam = v;
        }
        let mut merged: HashMap<String, f32> = HashMap::default();
        for (hist, chist, l, lp) in beam {
            let s = lp + self.lm.prob(hist, EOS).ln() + self.char_logp(chist, '\u{3}');
            let e = merged.entry(l).or_insert(f32::NEG_INFINITY);
            *e = log_add(*e, s);
        }
        let mut out: Vec<(String, f32)> = merged.into_iter().filter(|(l, _)| !l.is_empty()).collect();
        out.sort_by(|x, y| y.1.total_cmp(&x.1));
        out.truncate(k);
        out
    }

    /// Log probability of a pair summed over alignments under the unigram graphone model: fast enough to rank
    /// thousands of Latin candidates per Arabic name.
    pub fn pair_score(&self, arabic: &str, latin: &str) -> f32 {
        let a = arabic_chars(&self.normalizer, arabic);
        let l = latin_chars(latin);
        self.pair_score_chars(&self.arabic_ids(&a), &self.latin_table(&l), l.len())
    }

    fn arabic_ids(&self, a: &[char]) -> Vec<usize> {
        a.iter()
            .filter_map(|c| self.dense_chars.get(c).copied())
            .collect()
    }

    /// For each Latin start position and length 0..=3: the dense substring index (or `usize::MAX`).
    fn latin_table(&self, l: &[char]) -> Vec<[usize; MAX_LATIN + 1]> {
        (0..=l.len())
            .map(|j| {
                let mut row = [usize::MAX; MAX_LATIN + 1];
                for (k, slot) in row.iter_mut().enumerate() {
                    if j + k <= l.len() {
                        *slot = self
                            .dense_subs
                            .get(&pack(&l[j..j + k]))
                            .copied()
                            .unwrap_or(usize::MAX);
                    }
                }
                row
            })
            .collect()
    }

    fn pair_score_chars(&self, a: &[usize], table: &[[usize; MAX_LATIN + 1]], len: usize) -> f32 {
        let width = self.dense_subs.len();
        let mut prev = vec![f32::NEG_INFINITY; len + 1];
        let mut cur = vec![f32::NEG_INFINITY; len + 1];
        prev[0] = 0.0;
        for &ci in a {
            cur.iter_mut().for_each(|x| *x = f32::NEG_INFINITY);
            let row = ci * width;
            for j in 0..=len {
                let base = prev[j];
                if base == f32::NEG_INFINITY {
                    continue;
                }
                for k in 0..=MAX_LATIN {
                    if j + k > len {
                        break;
                    }
                    let si = table[j][k];
                    if si == usize::MAX {
                        continue;
                    }
                    let p = self.dense.get(row + si).copied().unwrap_or(f32::NEG_INFINITY);
                    if p > f32::NEG_INFINITY {
                        cur[j + k] = log_add(cur[j + k], base + p);
                    }
                }
            }
            std::mem::swap(&mut prev, &mut cur);
        }
        prev[len]
    }

    /// Trigram score of the best alignment of a pair (slower, sharper than [`Transliterator::pair_score`]).
    pub fn pair_score_trigram(&self, arabic: &str, latin: &str) -> f32 {
        self.trigram_dp(arabic, latin, f32::max)
    }

    /// The score [`Self::generate`] would give `latin` for `arabic` had its beam kept every path: the joint
    /// trigram log-probability summed over all graphone segmentations, plus the character model and length
    /// terms of the spelling. Puts spellings from another generator on the beam's scale.
    pub fn forced_score(&self, arabic: &str, latin: &str) -> f32 {
        let joint = self.trigram_dp(arabic, latin, log_add);
        let l = latin_chars(latin);
        let w = self.params.char_weight;
        let chars: f32 = if w > 0.0 {
            self.chars.word_logps(l.iter().copied()).map(|lp| w * lp).sum()
        } else {
            0.0
        };
        joint + chars + self.params.length_bonus * l.len() as f32
    }

    /// Dynamic programme over (Latin position, graphone history) states, combining paths with `join` (max for
    /// the best alignment, log-add for the sum over alignments).
    fn trigram_dp(&self, arabic: &str, latin: &str, join: fn(f32, f32) -> f32) -> f32 {
        let a = arabic_chars(&self.normalizer, arabic);
        let l = latin_chars(latin);
        // state: (j, history) -> logp
        let mut states: HashMap<(usize, u64), f32> = HashMap::default();
        states.insert((0, 0), 0.0);
        for &c in &a {
            let mut next: HashMap<(usize, u64), f32> = HashMap::default();
            for (&(j, hist), &lp) in &states {
                for k in 0..=MAX_LATIN {
                    if j + k > l.len() {
                        break;
                    }
                    let Some(&g) = self.by_key.get(&(c, pack(&l[j..j + k]))) else {
                        continue;
                    };
                    let s = lp + self.lm.prob(hist, g).ln();
                    let e = next
                        .entry((j + k, push_hist(hist, g, self.lm.order)))
                        .or_insert(f32::NEG_INFINITY);
                    *e = join(*e, s);
                }
            }
            states = next;
            if states.is_empty() {
                return f32::NEG_INFINITY;
            }
        }
        states
            .into_iter()
            .filter(|((j, _), _)| *j == l.len())
            .map(|((_, hist), lp)| lp + self.lm.prob(hist, EOS).ln())
            .fold(f32::NEG_INFINITY, join)
    }

    /// Mean unigram log probability of the graphones (a sanity figure for reports).
    pub fn mean_graphone_logp(&self) -> f32 {
        let v: Vec<f32> = self.unigram_logp.iter().skip(2).copied().collect();
        v.iter().sum::<f32>() / v.len().max(1) as f32
    }
}

fn log_add(a: f32, b: f32) -> f32 {
    if a == f32::NEG_INFINITY {
        return b;
    }
    if b == f32::NEG_INFINITY {
        return a;
    }
    let (hi, lo) = if a > b { (a, b) } else { (b, a) };
    hi + (lo - hi).exp().ln_1p()
}

fn normalize_probs(p: &mut HashMap<(char, u64), f64>) {
    let total: f64 = p.values().sum();
    if total > 0.0 {
        for v in p.values_mut() {
            *v /= total;
        }
    }
}

fn expected_counts(
    a: &[char],
    l: &[char],
    probs: &HashMap<(char, u64), f64>,
    counts: &mut HashMap<(char, u64), f64>,
) {
    let (n, m) = (a.len(), l.len());
    let idx = |i: usize, j: usize| i * (m + 1) + j;
    let mut alpha = vec![0.0f64; (n + 1) * (m + 1)];
    let mut beta = vec![0.0f64; (n + 1) * (m + 1)];
    alpha[idx(0, 0)] = 1.0;
    for i in 0..n {
        for j in 0..=m {
            let base = alpha[idx(i, j)];
            if base == 0.0 {
                continue;
            }
            for k in 0..=MAX_LATIN.min(m - j) {
                let p = probs.get(&(a[i], pack(&l[j..j + k]))).copied().unwrap_or(0.0);
                alpha[idx(i + 1, j + k)] += base * p;
            }
        }
    }
    let z = alpha[idx(n, m)];
    if z <= 0.0 || !z.is_finite() {
        return;
    }
    beta[idx(n, m)] = 1.0;
    for i in (0..n).rev() {
        for j in 0..=m {
            let mut s = 0.0;
            for k in 0..=MAX_LATIN.min(m - j) {
                let p = probs.get(&(a[i], pack(&l[j..j + k]))).copied().unwrap_or(0.0);
                s += p * beta[idx(i + 1, j + k)];
            }
            beta[idx(i, j)] = s;
        }
    }
    for i in 0..n {
        for j in 0..=m {
            let base = alpha[idx(i, j)];
            if base == 0.0 {
                continue;
            }
            for k in 0..=MAX_LATIN.min(m - j) {
                let key = (a[i], pack(&l[j..j + k]));
                let p = probs.get(&key).copied().unwrap_or(0.0);
                let post = base * p * beta[idx(i + 1, j + k)] / z;
                if post > 1e-12 {
                    *counts.entry(key).or_default() += post;
                }
            }
        }
    }
}

/// Best alignment as the Latin length taken by each Arabic char.
fn viterbi(a: &[char], l: &[char], probs: &HashMap<(char, u64), f64>) -> Option<Vec<usize>> {
    let (n, m) = (a.len(), l.len());
    let idx = |i: usize, j: usize| i * (m + 1) + j;
    let mut best = vec![f64::NEG_INFINITY; (n + 1) * (m + 1)];
    let mut back = vec![0usize; (n + 1) * (m + 1)];
    best[idx(0, 0)] = 0.0;
    for i in 0..n {
        for j in 0..=m {
            let base = best[idx(i, j)];
            if base == f64::NEG_INFINITY {
                continue;
            }
            for k in 0..=MAX_LATIN.min(m - j) {
                let p = probs.get(&(a[i], pack(&l[j..j + k]))).copied().unwrap_or(0.0);
                if p <= 0.0 {
                    continue;
                }
                let s = base + p.ln();
                if s > best[idx(i + 1, j + k)] {
                    best[idx(i + 1, j + k)] = s;
                    back[idx(i + 1, j + k)] = k;
                }
            }
        }
    }
    if best[idx(n, m)] == f64::NEG_INFINITY {
        return None;
    }
    let mut path = vec![0usize; n];
    let mut j = m;
    for i in (1..=n).rev() {
        let k = back[idx(i, j)];
        path[i - 1] = k;
        j -= k;
    }
    Some(path)
}

/// Where a word of a [`LatinPrior`] was seen; each source is counted apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameSource {
    /// Latin side of personal names (`names/names.sqlite3`).
    Person = 0,
    /// Main Latin name of a geonames place.
    Place = 1,
    /// Latin alternate name of a geonames place (noisier: includes skeleton romanizations).
    PlaceAlternate = 2,
    /// Latin side of the transliterator's own training pairs.
    Training = 3,
}

const SOURCES: usize = 4;

/// A Latin-side prior over name spellings: a lexicon of known name words (counted per [`NameSource`]) and a
/// character n-gram model over them. Re-ranks the transliterator's n-best list so that "addison" beats "adison".
#[derive(Clone)]
pub struct LatinPrior {
    words: HashMap<String, [u32; SOURCES]>,
    lm: Option<Arc<CharLm>>,
    freq: Option<Arc<NameFreq>>,
}

/// How the n-best list is re-ranked with a [`LatinPrior`]: candidate score = transliterator log p + `lm_weight` ×
/// prior character log p + the bonus of each source the candidate is known from + `freq_weight` × ln(1 + count).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RerankParams {
    /// Candidates drawn from the beam.
    pub nbest: usize,
    /// Weight of the prior's character model.
    pub lm_weight: f32,
    /// Bonus per source (indexed by [`NameSource`]) when the candidate is a known word of it.
    pub known_bonus: [f32; SOURCES],
    /// Weight of the log total count.
    pub freq_weight: f32,
}

impl Default for RerankParams {
    fn default() -> Self {
        // Chosen on a held-out tenth of the training file with the prior's character model in the search
        // ([`Transliterator::train_with_prior`]); examples/rerank_dump.rs writes the features.
        RerankParams {
            nbest: 32,
            lm_weight: 0.0,
            known_bonus: [1.0, 1.0, 0.0, 0.0],
            freq_weight: 0.4,
        }
    }
}

/// Beam width of the generation model ([`Transliterator::train_with_prior`]): wider than the default 48, since the
/// learned re-ranker can use the extra candidates (on a held-out tenth of the training pairs the true spelling is
/// among the 32-best 76.5% of the time, against 74.8% with 48).
pub const GENERATION_BEAM: usize = 64;

/// Weight of the prior's character model in the beam search of [`Transliterator::train_with_prior`] (held-out
/// tuned).
pub const PRIOR_CHAR_WEIGHT: f32 = 0.5;

/// The lowercased words of a Latin name ("Jean-Paul O'Neil" → "jean", "paul", "o'neil"); words with other than
/// letters and apostrophes, or shorter than two letters, are dropped.
fn latin_words(s: &str) -> impl Iterator<Item = String> + '_ {
    s.split(|c: char| c.is_whitespace() || c == '-' || c == ',')
        .map(|w| w.trim_matches(|c: char| !c.is_alphabetic()).to_lowercase())
        .filter(|w| {
            w.chars().filter(|c| c.is_alphabetic()).count() >= 2
                && w.chars().all(|c| c.is_alphabetic() || c == '\'')
                && w.chars().all(|c| !c.is_alphabetic() || (c as u32) < 0x250)
        })
}

#[derive(serde::Deserialize)]
struct PriorCity {
    name: String,
    #[serde(default)]
    alternatenames: Vec<String>,
}

impl Default for LatinPrior {
    fn default() -> Self {
        LatinPrior::new()
    }
}

impl LatinPrior {
    /// An empty prior (no lexicon, no character model): re-ranking with it keeps the transliterator's order.
    pub fn new() -> LatinPrior {
        LatinPrior {
            words: HashMap::default(),
            lm: None,
            freq: None,
        }
    }

    /// Adds the words of a Latin name seen `count` times in `source`.
    pub fn add_name(&mut self, name: &str, source: NameSource, count: u32) {
        for w in latin_words(name) {
            let e = self.words.entry(w).or_default();
            e[source as usize] = e[source as usize].saturating_add(count.max(1));
        }
    }

    /// Adds the Latin side of training pairs as [`NameSource::Training`].
    pub fn add_training_pairs(&mut self, pairs: &[(String, String)]) {
        for (_, l) in pairs {
            self.add_name(l, NameSource::Training, 1);
        }
    }

    /// Name-frequency lists attached with [`LatinPrior::with_name_freq`] (or found by [`LatinPrior::load`]).
    pub fn name_freq(&self) -> Option<&NameFreq> {
        self.freq.as_deref()
    }

    /// Attaches name-frequency lists (used by the learned re-ranker, [`crate::Reranker`]).
    pub fn with_name_freq(mut self, freq: Arc<NameFreq>) -> LatinPrior {
        self.freq = Some(freq);
        self
    }

    /// Reads the Latin sides of `names/names.sqlite3` (persons) and `geonames/cities500.json` (places) under the
    /// data dir, and the name-frequency lists ([`NameFreq::load`]) when setup placed them (a warning names what is
    /// missing otherwise). Only Latin strings are read: no Arabic→Latin pair of those files is used. Call
    /// [`LatinPrior::train_lm`] once all words are in.
    pub fn load(data_dir: &Path) -> Result<LatinPrior, EntityError> {
        let mut prior = LatinPrior::new();
        match NameFreq::load(data_dir) {
            Ok(f) => prior.freq = Some(Arc::new(f)),
            Err(e) => tracing::warn!(
                error = %e,
                "no name-frequency lists (run scripts/setup-data.sh and `khabar kb build`): transliterations are ranked without them"
            ),
        }
        let names_path = data_dir.join("names").join("names.sqlite3");
        let conn =
            rusqlite::Connection::open_with_flags(&names_path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        for table in ["units", "full_names"] {
            let mut stmt = conn.prepare(&format!("SELECT latin, count FROM {table}"))?;
            let mut rows = stmt.query([])?;
            while let Some(row) = rows.next()? {
                let latin: String = row.get(0)?;
                let count: i64 = row.get(1)?;
                prior.add_name(&latin, NameSource::Person, count.clamp(1, u32::MAX as i64) as u32);
            }
        }
        let cities_path = data_dir.join("geonames").join("cities500.json");
        let raw = std::fs::read_to_string(&cities_path).map_err(|e| EntityError::Io {
            path: cities_path.clone(),
            source: e,
        })?;
        let cities: HashMap<String, PriorCity> = serde_json::from_str(&raw)?;
        for c in cities.values() {
            prior.add_name(&c.name, NameSource::Place, 1);
            for a in &c.alternatenames {
                prior.add_name(a, NameSource::PlaceAlternate, 1);
            }
        }
        Ok(prior)
    }

    /// Trains the character model (order 1..=8) over the known words of every source but place alternates.
    pub fn train_lm(&mut self, order: usize) {
        let words: Vec<Vec<char>> = self
            .words
            .iter()
            .filter(|(_, c)| c[0] + c[1] + c[3] > 0)
            .map(|(w, _)| w.chars().collect())
            .collect();
        self.lm = Some(Arc::new(CharLm::train(
            words.iter().map(|w| w.as_slice()),
            order,
            false,
        )));
    }

    /// Number of known words.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// Whether the lexicon is empty.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// How often a (lowercased) word was seen, per [`NameSource`].
    pub fn counts(&self, word: &str) -> [u32; SOURCES] {
        self.words.get(word).copied().unwrap_or_default()
    }

    /// Log probability of a word under the character model (0 without one).
    pub fn lm_logp(&self, word: &str) -> f32 {
        self.lm
            .as_ref()
            .map_or(0.0, |lm| lm.word_logps(word.chars()).sum())
    }

    /// The prior's part of a candidate's re-ranking score.
    pub fn score(&self, word: &str, params: &RerankParams) -> f32 {
        let counts = self.counts(word);
        let mut s = params.lm_weight * self.lm_logp(word);
        let mut total = 0f32;
        for (c, b) in counts.iter().zip(params.known_bonus) {
            if *c > 0 {
                s += b;
            }
            total += *c as f32;
        }
        s + params.freq_weight * total.ln_1p()
    }
}

impl Transliterator {
    /// Trains on `(arabic, latin)` pairs with the default settings but Kneser–Ney smoothing and the prior's
    /// character model in the beam search (weight [`PRIOR_CHAR_WEIGHT`]); pair with [`Transliterator::generate_ranked`] and
    /// [`RerankParams::default`].
    pub fn train_with_prior(pairs: &[(String, String)], prior: &LatinPrior) -> Transliterator {
        let params = TranslitParams {
            char_weight: if prior.lm.is_some() {
                PRIOR_CHAR_WEIGHT
            } else {
                TranslitParams::default().char_weight
            },
            kneser_ney: true,
            beam: GENERATION_BEAM,
            ..TranslitParams::default()
        };
        let mut m = Transliterator::train_with(pairs, params);
        m.use_prior_lm(prior);
        m
    }

    /// Makes the beam search use the prior's character model (trained on far more names than the pairs) in place
    /// of the one trained on the pairs' Latin side; a prior without a character model changes nothing.
    pub fn use_prior_lm(&mut self, prior: &LatinPrior) {
        if let Some(lm) = &prior.lm {
            self.chars = Arc::clone(lm);
        }
    }

    /// The `k` best Latin spellings of an Arabic name after re-ranking the beam's `params.nbest` list with a
    /// Latin-side prior, best first, with their combined scores.
    pub fn generate_ranked(
        &self,
        arabic: &str,
        k: usize,
        prior: &LatinPrior,
        params: &RerankParams,
    ) -> Vec<(String, f32)> {
        let mut out = rerank(self.generate(arabic, params.nbest.max(k)), prior, params);
        out.truncate(k);
        out
    }
}

/// Adds the prior's score to each candidate and sorts, best first.
fn rerank(cands: Vec<(String, f32)>, prior: &LatinPrior, params: &RerankParams) -> Vec<(String, f32)> {
    let mut out: Vec<(String, f32)> = cands
        .into_iter()
        .map(|(l, s)| {
            let p = prior.score(&l, params);
            (l, s + p)
        })
        .collect();
    out.sort_by(|x, y| y.1.total_cmp(&x.1));
    out
}

/// Figures of [`eval_translit`].
#[derive(Debug, Clone)]
pub struct TranslitReport {
    /// Training pairs read.
    pub train_pairs: usize,
    /// Evaluation pairs read.
    pub eval_pairs: usize,
    /// Graphones learned.
    pub graphones: usize,
    /// Linking: share of Arabic names whose true Latin name ranks first among all eval Latin names.
    pub recall_at_1: f64,
    /// Linking: mean reciprocal rank.
    pub mrr: f64,
    /// Generation: top-1 exact match of the lowercased Latin form, n-best re-ranked by the learned [`Reranker`].
    pub generation_top1: f64,
    /// Generation: true form among the top 10 (learned re-ranker).
    pub generation_top10: f64,
    /// Generation with the hand-set prior re-ranking ([`RerankParams::default`]): top-1.
    pub hand_top1: f64,
    /// Generation with the hand-set prior re-ranking: top-10.
    pub hand_top10: f64,
    /// Held-out training names the re-ranker was fitted on.
    pub rerank_fit_names: usize,
    /// The fitted re-ranker.
    pub reranker: Reranker,
    /// Its L2 weight, chosen by 5-fold cross-validation on the held-out training names.
    pub rerank_l2: f32,
    /// The cross-validated top-1 of that choice (held-out training names, not eval).
    pub rerank_cv_top1: f64,
    /// Whether the transformer's scores were a feature.
    pub neural: bool,
    /// Whether the Latin→Arabic channel model's scores were a feature too.
    pub channel: bool,
    /// Words of the name-frequency lists (0 when setup did not place them).
    pub name_freq_words: usize,
    /// Share of eval Latin names that are words of the name-frequency lists.
    pub eval_in_name_freq: f64,
    /// Share of training Latin names that are words of the name-frequency lists (compare: no eval bias).
    pub train_in_name_freq: f64,
    /// Generation of the plain model (no Latin prior in search or re-ranking): top-1 exact match.
    pub raw_top1: f64,
    /// Generation of the plain model: true form among the top 10.
    pub raw_top10: f64,
    /// Words in the Latin-side prior (0 when the data dir was not found).
    pub prior_words: usize,
    /// Eval Latin names that are known words of the prior outside the training pairs (leakage check).
    pub eval_in_prior: usize,
    /// Seconds spent training.
    pub train_seconds: f64,
    /// Seconds spent evaluating.
    pub eval_seconds: f64,
}

impl fmt::Display for TranslitReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "translit: trained on {} pairs ({} graphones) in {:.2}s; evaluated {} pairs in {:.2}s",
            self.train_pairs, self.graphones, self.train_seconds, self.eval_pairs, self.eval_seconds
        )?;
        writeln!(
            f,
            "linking   recall@1 = {:.4}   MRR = {:.4}",
            self.recall_at_1, self.mrr
        )?;
        writeln!(
            f,
            "generation top-1 exact = {:.4}   top-10 = {:.4}   ({}-best re-ranked by a conditional logit fitted on \
             {} held-out training names; Latin prior of {} words, name-frequency lists of {} words)",
            self.generation_top1,
            self.generation_top10,
            RERANK_NBEST,
            self.rerank_fit_names,
            self.prior_words,
            self.name_freq_words
        )?;
        writeln!(
            f,
            "generation with the hand-set prior re-ranking: top-1 = {:.4}   top-10 = {:.4}",
            self.hand_top1, self.hand_top10
        )?;
        writeln!(
            f,
            "generation of the plain model (no prior): top-1 = {:.4}   top-10 = {:.4}",
            self.raw_top1, self.raw_top10
        )?;
        write!(
            f,
            "leakage check: {} of {} eval Latin names are words of the prior's name lists (Latin side only; no \
             Arabic->Latin pair of them is used); name-frequency lists hold {:.1}% of eval and {:.1}% of training \
             Latin names",
            self.eval_in_prior,
            self.eval_pairs,
            100.0 * self.eval_in_name_freq,
            100.0 * self.train_in_name_freq
        )?;
        writeln!(f)?;
        let w: Vec<String> = FEATURE_NAMES
            .iter()
            .zip(self.reranker.weights)
            .map(|(n, w)| format!("{n} {w:+.2}"))
            .collect();
        write!(
            f,
            "re-ranker: transformer scores {}, channel model {}; L2 {} chosen by 5-fold CV on the held-out training names (CV top-1 \
             {:.4}); weights of standardized features: {}",
            if self.neural { "used" } else { "NOT available" },
            if self.channel { "used" } else { "not shipped" },
            self.rerank_l2,
            self.rerank_cv_top1,
            w.join(", ")
        )
    }
}

/// Reads `arabic<TAB>latin` pairs.
pub fn read_pairs(path: &Path) -> Result<Vec<(String, String)>, EntityError> {
    let text = std::fs::read_to_string(path).map_err(|e| EntityError::Io {
        path: path.to_path_buf(),
        source: e,
    })?;
    Ok(text
        .lines()
        .filter_map(|l| {
            let (a, b) = l.split_once('\t')?;
            Some((a.trim().to_string(), b.trim().to_string()))
        })
        .filter(|(a, b)| !a.is_empty() && !b.is_empty())
        .collect())
}

/// Order of the prior's Latin character model.
pub const PRIOR_LM_ORDER: usize = 6;

/// L2 weights the re-ranker's cross-validation chooses among.
const RERANK_L2_GRID: [f32; 5] = [0.1, 0.03, 0.01, 0.003, 0.001];
/// Gradient steps of a re-ranker fit.
const RERANK_ITERATIONS: usize = 500;

/// Candidates the learned re-ranker sees per name.
pub const RERANK_NBEST: usize = 32;

/// How many top linking candidates the trigram model re-ranks.
const RERANK: usize = 20;

/// Trains on `train` and measures linking (recall@1, MRR over all Latin names of `eval`) and generation (top-1
/// exact match) on `eval`. Generation is re-ranked with a [`LatinPrior`] from the Latin sides of the data dir's
/// name lists (when found) and of `train`.
pub fn eval_translit(train: &Path, eval: &Path) -> Result<TranslitReport, EntityError> {
    let train_pairs = read_pairs(train)?;
    let eval_pairs = read_pairs(eval)?;
    let mut prior = match LatinPrior::load(&crate::default_data_dir()) {
        Ok(p) => p,
        Err(e) => {
            tracing::warn!(error = %e, "no Latin name lists: generation is re-ranked with the training names only");
            LatinPrior::new()
        }
    };
    let eval_in_prior = eval_pairs
        .iter()
        .filter(|(_, l)| {
            let c = prior.counts(&l.to_lowercase());
            c.iter().any(|&x| x > 0)
        })
        .count();
    let share_in_freq = |pairs: &[(String, String)]| {
        let hits = pairs
            .iter()
            .filter(|(_, l)| {
                prior
                    .name_freq()
                    .is_some_and(|f| f.get(&l.to_lowercase()).is_some())
            })
            .count();
        hits as f64 / pairs.len().max(1) as f64
    };
    let (eval_in_name_freq, train_in_name_freq) = (share_in_freq(&eval_pairs), share_in_freq(&train_pairs));
    let t0 = Instant::now();
    // The re-ranker is fitted on the n-best lists of held-out training names — the transformer's own dev split
    // ([`held_out_of_training`], ~5%), which neither it nor the graphone model and prior used here have seen; the
    // eval pairs are only ever generated for.
    let (held, fit): (Vec<_>, Vec<_>) = train_pairs
        .iter()
        .cloned()
        .partition(|(ar, _)| crate::held_out_of_training(ar));
    let mut fit_prior = prior.clone();
    fit_prior.add_training_pairs(&fit);
    fit_prior.train_lm(PRIOR_LM_ORDER);
    let fit_model = Transliterator::train_with_prior(&fit, &fit_prior);
    let neural = match NeuralTranslit::locate(&crate::default_data_dir()).map(|d| NeuralTranslit::load(&d)) {
        Some(Ok(n)) => Some(n),
        Some(Err(e)) => {
            tracing::warn!(error = %e, "the transliteration transformer did not load: re-ranking without it");
            None
        }
        None => {
            tracing::warn!("no transliteration transformer (models/translit): re-ranking without it");
            None
        }
    };
    let groups: Vec<RerankGroup> = held
        .iter()
        .map(|(ar, lat)| fit_model.rerank_group(ar, Some(lat), RERANK_NBEST, &fit_prior, neural.as_ref()))
        .collect();
    let (reranker, rerank_l2, rerank_cv_top1) =
        Reranker::fit_cv(&groups, &RERANK_L2_GRID, 5, RERANK_ITERATIONS);
    drop(fit_prior);
    prior.add_training_pairs(&train_pairs);
    prior.train_lm(PRIOR_LM_ORDER);
    let model = Transliterator::train_with_prior(&train_pairs, &prior);
    let train_seconds = t0.elapsed().as_secs_f64();
    let rerank_params = RerankParams::default();
    let plain = Transliterator::train(&train_pairs);
    let t1 = Instant::now();
    let (recall_at_1, mrr) = linking_figures(&plain, &eval_pairs);
    let (generation_top1, generation_top10) = top_figures(&eval_pairs, |ar| {
        model.generate_learned(ar, 10, RERANK_NBEST, &prior, neural.as_ref(), &reranker)
    });
    let (hand_top1, hand_top10) = generation_figures(&model, &prior, &rerank_params, &eval_pairs);
    let (raw_top1, raw_top10) =
        generation_figures(&plain, &LatinPrior::new(), &RerankParams::default(), &eval_pairs);
    Ok(TranslitReport {
        train_pairs: train_pairs.len(),
        eval_pairs: eval_pairs.len(),
        graphones: model.graphone_count(),
        recall_at_1,
        mrr,
        generation_top1,
        generation_top10,
        hand_top1,
        hand_top10,
        rerank_fit_names: groups.len(),
        reranker,
        rerank_l2,
        rerank_cv_top1,
        neural: neural.is_some(),
        channel: neural.as_ref().is_some_and(NeuralTranslit::has_channel),
        name_freq_words: prior.name_freq().map_or(0, NameFreq::len),
        eval_in_name_freq,
        train_in_name_freq,
        raw_top1,
        raw_top10,
        prior_words: prior.len(),
        eval_in_prior,
        train_seconds,
        eval_seconds: t1.elapsed().as_secs_f64(),
    })
}

/// Linking figures `(recall@1, MRR)`: each Arabic name of `pairs` ranks all Latin names of `pairs` (unigram
/// alignment score, head re-ranked with the trigram score and the model's own 10-best).
pub fn linking_figures(model: &Transliterator, pairs: &[(String, String)]) -> (f64, f64) {
    let latins: Vec<Vec<char>> = pairs.iter().map(|(_, l)| latin_chars(l)).collect();
    let tables: Vec<Vec<[usize; MAX_LATIN + 1]>> = latins.iter().map(|l| model.latin_table(l)).collect();
    let mut hits1 = 0usize;
    let mut rr = 0.0f64;
    for (ar, lat) in pairs {
        let a = model.arabic_ids(&arabic_chars(&model.normalizer, ar));
        let mut scored: Vec<(usize, f32)> = latins
            .iter()
            .zip(&tables)
            .enumerate()
            .map(|(j, (l, t))| (j, model.pair_score_chars(&a, t, l.len())))
            .collect();
        scored.sort_by(|x, y| y.1.total_cmp(&x.1));
        let generated = model.generate(ar, 10);
        // Re-rank the head with the trigram model and the generated list.
        let head = scored.len().min(RERANK);
        for item in scored.iter_mut().take(head) {
            let Some((_, cand)) = pairs.get(item.0) else {
                continue;
            };
            let tri = model.pair_score_trigram(ar, cand);
            let gen_bonus = if generated.iter().any(|(g, _)| g == &cand.to_lowercase()) {
                1.0
            } else {
                0.0
            };
            item.1 = 0.5 * item.1 + tri + gen_bonus;
        }
        scored[..head].sort_by(|x, y| y.1.total_cmp(&x.1));
        let truth = lat.to_lowercase();
        // Rank of the first candidate spelled like the truth (duplicates in the list count once).
        if let Some(rank) = scored
            .iter()
            .position(|(j, _)| pairs.get(*j).is_some_and(|p| p.1.to_lowercase() == truth))
        {
            if rank == 0 {
                hits1 += 1;
            }
            rr += 1.0 / (rank as f64 + 1.0);
        }
    }
    let n = pairs.len().max(1) as f64;
    (hits1 as f64 / n, rr / n)
}

/// Generation figures `(top-1, top-10)` exact matches of the lowercased Latin form, after re-ranking with `prior`
/// (an empty prior keeps the beam's order).
pub fn generation_figures(
    model: &Transliterator,
    prior: &LatinPrior,
    params: &RerankParams,
    pairs: &[(String, String)],
) -> (f64, f64) {
    top_figures(pairs, |ar| model.generate_ranked(ar, 10, prior, params))
}

/// `(top-1, top-10)` exact matches of the lowercased Latin form among the spellings `generate` returns, best first.
fn top_figures<F>(pairs: &[(String, String)], generate: F) -> (f64, f64)
where
    F: Fn(&str) -> Vec<(String, f32)>,
{
    let (mut top1, mut top10) = (0usize, 0usize);
    for (ar, lat) in pairs {
        let truth = lat.to_lowercase();
        let ranked = generate(ar);
        if ranked.first().is_some_and(|(g, _)| *g == truth) {
            top1 += 1;
        }
        if ranked.iter().take(10).any(|(g, _)| *g == truth) {
            top10 += 1;
        }
    }
    let n = pairs.len().max(1) as f64;
    (top1 as f64 / n, top10 as f64 / n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toy() -> Vec<(String, String)> {
        let pairs = [
            ("باب", "bab"),
            ("بابا", "baba"),
            ("سام", "sam"),
            ("سامي", "sami"),
            ("بسام", "bassam"),
            ("سما", "sama"),
            ("ماسا", "masa"),
            ("بيسا", "bisa"),
            ("سيما", "sima"),
            ("ميس", "mis"),
        ];
        pairs
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn learns_letter_correspondences_from_pairs() {
        let m = Transliterator::train(&toy());
        let g = m.generate("سابا", 5);
        assert!(!g.is_empty());
        assert_eq!(g[0].0, "saba", "{g:?}");
        assert!(m.pair_score("سامي", "sami") > m.pair_score("سامي", "bab"));
        assert!(m.pair_score_trigram("سامي", "sami") > m.pair_score_trigram("سامي", "masa"));
    }

    #[test]
    fn forced_scores_put_any_spelling_on_the_beam_scale() {
        let m = Transliterator::train(&toy());
        // A spelling the beam kept scores about as the beam did (the forced score sums every path, the beam
        // only those it kept: never less, and close on a short name).
        for (latin, beam) in m.generate("سامي", 5) {
            let forced = m.forced_score("سامي", &latin);
            assert!(
                forced >= beam - 1e-3 && forced - beam < 1.0,
                "{latin}: {forced} vs {beam}"
            );
        }
        // A spelling no graphone explains scores minus infinity, not a panic.
        assert_eq!(m.forced_score("سامي", "xyzzy"), f32::NEG_INFINITY);
        assert!(m.forced_score("سامي", "sami") > m.forced_score("سامي", "samu"));
    }

    #[test]
    fn prior_prefers_a_known_name_over_gibberish() {
        let mut prior = LatinPrior::new();
        for (name, n) in [("Addison Smith", 3), ("Adelaide", 2), ("Jean-Paul Sartre", 1)] {
            prior.add_name(name, NameSource::Person, n);
        }
        prior.add_name("Adelaide", NameSource::Place, 1);
        prior.train_lm(4);
        assert_eq!(prior.counts("addison"), [3, 0, 0, 0]);
        assert_eq!(prior.counts("adelaide"), [2, 1, 0, 0]);
        assert!(prior.counts("paul")[0] > 0 && prior.counts("smith addison") == [0; SOURCES]);
        let p = RerankParams::default();
        assert!(prior.score("addison", &p) > prior.score("adison", &p));
        assert!(prior.score("adelaide", &p) > prior.score("adelaid", &p));
        // The character model alone prefers name-like strings to consonant runs.
        assert!(prior.lm_logp("adison") > prior.lm_logp("xqzdkw"));
    }

    #[test]
    fn reranking_promotes_a_known_candidate_of_the_beam() {
        let m = Transliterator::train(&toy());
        let plain = m.generate("سامي", 10);
        assert!(plain.len() >= 2, "{plain:?}");
        let runner_up = plain[1].0.clone();
        let mut prior = LatinPrior::new();
        prior.add_name(&runner_up, NameSource::Place, 5);
        let params = RerankParams {
            known_bonus: [20.0; SOURCES],
            ..RerankParams::default()
        };
        let ranked = m.generate_ranked("سامي", 3, &prior, &params);
        assert_eq!(ranked[0].0, runner_up, "{plain:?} -> {ranked:?}");
        // An empty prior keeps the beam's order.
        let same = m.generate_ranked("سامي", 3, &LatinPrior::new(), &params);
        assert_eq!(same[0].0, plain[0].0);
    }

    #[test]
    fn unknown_letters_do_not_panic() {
        let m = Transliterator::train(&toy());
        let _ = m.generate("ژژ\u{200D}x", 3);
        assert_eq!(m.pair_score("", ""), 0.0);
        let _ = m.pair_score_trigram("قق", "qq");
    }
}
