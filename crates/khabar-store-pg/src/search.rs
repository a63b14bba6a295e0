//! Building a `tsquery` from term groups without letting any term change the query's structure.

/// The `to_tsquery` text for `groups`: the terms of one group OR-ed, the groups AND-ed. Each term is quoted as one
/// lexeme (quotes doubled, backslashes escaped, NUL dropped), so operators inside a term (`&`, `|`, `!`, `:*`, …)
/// stay literal. Empty terms and groups are skipped; `None` when nothing is left.
pub(crate) fn tsquery(groups: &[Vec<String>]) -> Option<String> {
    let parts: Vec<String> = groups
        .iter()
        .filter_map(|group| {
            let alts: Vec<String> = group
                .iter()
                .map(|t| t.replace('\0', ""))
                .filter(|t| !t.trim().is_empty())
                .map(|t| quote_lexeme(t.trim()))
                .collect();
            match alts.len() {
                0 => None,
                1 => alts.into_iter().next(),
                _ => Some(format!("({})", alts.join(" | "))),
            }
        })
        .collect();
    if parts.is_empty() {
        None
    } else {
        Some(parts.join(" & "))
    }
}

fn quote_lexeme(term: &str) -> String {
    let mut out = String::with_capacity(term.len() + 2);
    out.push('\'');
    for ch in term.chars() {
        match ch {
            '\'' => out.push_str("''"),
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(terms: &[&str]) -> Vec<String> {
        terms.iter().map(|t| t.to_string()).collect()
    }

    #[test]
    fn groups_are_anded_and_aliases_ored() {
        assert_eq!(
            tsquery(&[g(&["baghuz", "الباغوز"]), g(&["قصف"])]).as_deref(),
            Some("('baghuz' | 'الباغوز') & 'قصف'")
        );
    }

    #[test]
    fn operators_and_quotes_inside_terms_stay_literal() {
        assert_eq!(
            tsquery(&[g(&["o'brien", "a\\b", "x & !y:*"])]).as_deref(),
            Some("('o''brien' | 'a\\\\b' | 'x & !y:*')")
        );
    }

    #[test]
    fn empty_terms_and_groups_are_skipped() {
        assert_eq!(tsquery(&[]), None);
        assert_eq!(tsquery(&[g(&["", "  "]), g(&[])]), None);
        assert_eq!(tsquery(&[g(&[""]), g(&["\0x"])]).as_deref(), Some("'x'"));
    }
}
