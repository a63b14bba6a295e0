//! Light Arabic stemming for matching: strip attached prefixes (و، ف، ب، ل، ك، ال) and common suffixes.
//! Input is expected to be normalized already (see [`crate::Normalizer::for_matching`]).

/// Prefixes that carry the article: safe to strip whenever three letters remain.
const ARTICLE_PREFIXES: [&str; 9] = ["وبال", "وكال", "وال", "فال", "بال", "كال", "لل", "ال", "ولل"];
/// Single-letter clitics: ambiguous ("باغوز" starts with ب), so only offered as variants.
const CLITICS: [char; 5] = ['و', 'ف', 'ب', 'ل', 'ك'];
const SUFFIXES: [&str; 10] = ["هما", "ها", "ان", "ات", "ون", "ين", "يه", "ه", "ي", "ا"];

fn is_arabic_word(w: &str) -> bool {
    w.chars().next().is_some_and(crate::is_arabic)
}

/// Strips the article with any attached conjunction or preposition from an Arabic token, keeping at least three
/// letters: "والباغوز" → "باغوز", "للقوات" → "قوات". Bare one-letter clitics are left alone because they are
/// ambiguous; see [`prefix_variants`]. Latin tokens are returned as they are.
pub fn strip_prefixes(word: &str) -> &str {
    if !is_arabic_word(word) {
        return word;
    }
    // Longest first so "وال" wins over "ال".
    let mut best = word;
    for p in ARTICLE_PREFIXES {
        if let Some(rest) = word.strip_prefix(p) {
            if rest.chars().count() >= 3 && rest.len() < best.len() {
                best = rest;
            }
        }
    }
    best
}

/// Every plausible stem of an Arabic token once clitics are removed, most literal first: the token itself, the
/// article-stripped form, and forms without one leading و/ف/ب/ل/ك ("لقسد" → ["لقسد", "قسد"]). Matching stages
/// look each variant up and keep the one the lexicon knows.
pub fn prefix_variants(word: &str) -> Vec<&str> {
    let mut out = vec![word];
    if !is_arabic_word(word) {
        return out;
    }
    let stripped = strip_prefixes(word);
    if stripped != word {
        out.push(stripped);
    }
    let mut chars = word.chars();
    if let Some(first) = chars.next() {
        let rest = chars.as_str();
        if CLITICS.contains(&first) && rest.chars().count() >= 3 && !out.contains(&rest) {
            out.push(rest);
            let inner = strip_prefixes(rest);
            if inner != rest && !out.contains(&inner) {
                out.push(inner);
            }
        }
    }
    out
}

/// Light10-style stem: the article as in [`strip_prefixes`], then common suffixes, keeping at least three letters.
pub fn light_stem(word: &str) -> String {
    let w = strip_prefixes(word);
    if !is_arabic_word(w) {
        return w.to_string();
    }
    // Suffixes peel off repeatedly (المدنيين → مدني → مدن), as in Light10.
    let mut w = w;
    'peel: loop {
        for s in SUFFIXES {
            if let Some(rest) = w.strip_suffix(s) {
                if rest.chars().count() >= 3 {
                    w = rest;
                    continue 'peel;
                }
            }
        }
        break;
    }
    w.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn article_prefixes_go_stems_stay() {
        assert_eq!(strip_prefixes("والباغوز"), "باغوز");
        assert_eq!(strip_prefixes("الباغوز"), "باغوز");
        assert_eq!(strip_prefixes("بالباغوز"), "باغوز");
        assert_eq!(strip_prefixes("باغوز"), "باغوز");
        assert_eq!(strip_prefixes("قسد"), "قسد");
        assert_eq!(strip_prefixes("ولد"), "ولد");
        assert_eq!(strip_prefixes("Baghuz"), "Baghuz");
    }

    #[test]
    fn variants_offer_clitic_free_forms() {
        assert_eq!(prefix_variants("لقسد"), vec!["لقسد", "قسد"]);
        assert!(prefix_variants("وقسد").contains(&"قسد"));
        assert!(prefix_variants("والباغوز").contains(&"باغوز"));
        assert_eq!(prefix_variants("Baghuz"), vec!["Baghuz"]);
    }

    #[test]
    fn light_stem_joins_inflections() {
        assert_eq!(light_stem("المدنيين"), light_stem("مدني"));
        assert_eq!(light_stem("والمقاتلون"), "مقاتل");
    }
}
