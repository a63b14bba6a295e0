//! Per-char filters. Each maps one char to zero or more chars so offsets can be tracked.

use unicode_normalization::char::decompose_compatible;

/// One step of a [`crate::Normalizer`] chain.
pub trait CharFilter: Send + Sync {
    /// Pushes the replacement of `c` (possibly nothing) onto `out`.
    fn apply(&self, c: char, out: &mut Vec<char>);
}

/// NFKC-like compatibility folding for Arabic presentation forms, full-width Latin and ligatures.
pub struct CompatibilityForms;
impl CharFilter for CompatibilityForms {
    fn apply(&self, c: char, out: &mut Vec<char>) {
        let needs = matches!(c, '\u{FB00}'..='\u{FEFF}' | '\u{FF00}'..='\u{FFEF}' | '\u{2000}'..='\u{200A}' | '\u{00A0}');
        if !needs {
            out.push(c);
            return;
        }
        let before = out.len();
        decompose_compatible(c, |d| {
            // Drop the combining marks that compatibility decomposition of vowelled forms produces.
            if !matches!(d, '\u{064B}'..='\u{065F}' | '\u{0670}') {
                out.push(d)
            }
        });
        if out.len() == before {
            out.push(c);
        }
    }
}

/// Removes zero-width joiners, bidi controls, soft hyphens, BOMs and other invisible format characters.
pub struct InvisibleControls;
impl CharFilter for InvisibleControls {
    fn apply(&self, c: char, out: &mut Vec<char>) {
        match c {
            '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2069}'
            | '\u{FEFF}'
            | '\u{00AD}'
            | '\u{061C}'
            | '\0' => {}
            _ => out.push(c),
        }
    }
}

/// Removes Arabic diacritics (harakat, tanwin, shadda, sukun, superscript alef, Quranic marks).
pub struct Diacritics;
impl CharFilter for Diacritics {
    fn apply(&self, c: char, out: &mut Vec<char>) {
        match c {
            '\u{0610}'..='\u{061A}' | '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{06D6}'..='\u{06ED}' => {}
            _ => out.push(c),
        }
    }
}

/// Removes tatweel (kashida), the stretching character.
pub struct Tatweel;
impl CharFilter for Tatweel {
    fn apply(&self, c: char, out: &mut Vec<char>) {
        if c != '\u{0640}' {
            out.push(c)
        }
    }
}

/// Unifies alef variants (أ إ آ ٱ → ا), alef maqsura → yeh, teh marbuta → heh, hamza carriers (ؤ → و, ئ → ي),
/// and Persian kaf/yeh to their Arabic forms.
pub struct ArabicLetterForms;
impl CharFilter for ArabicLetterForms {
    fn apply(&self, c: char, out: &mut Vec<char>) {
        out.push(match c {
            'أ' | 'إ' | 'آ' | 'ٱ' | 'ٲ' | 'ٳ' => 'ا',
            'ى' | 'ی' | 'ې' => 'ي',
            'ة' => 'ه',
            'ؤ' => 'و',
            'ئ' => 'ي',
            'ک' => 'ك',
            'ڤ' => 'ف',
            'گ' => 'ك',
            other => other,
        })
    }
}

/// Arabic-Indic and Persian digits to ASCII; Arabic decimal/thousands separators to '.' and ','.
pub struct Digits;
impl CharFilter for Digits {
    fn apply(&self, c: char, out: &mut Vec<char>) {
        out.push(match c {
            '\u{0660}'..='\u{0669}' => char::from(b'0' + (c as u32 - 0x0660) as u8),
            '\u{06F0}'..='\u{06F9}' => char::from(b'0' + (c as u32 - 0x06F0) as u8),
            '\u{066B}' => '.',
            '\u{066C}' => ',',
            other => other,
        })
    }
}

/// Typographic double quotes and guillemets to `"`, single quotes to `'`.
pub struct Quotes;
impl CharFilter for Quotes {
    fn apply(&self, c: char, out: &mut Vec<char>) {
        out.push(match c {
            '“' | '”' | '„' | '‟' | '«' | '»' | '″' | '〝' | '〞' | '＂' => '"',
            '‘' | '’' | '‚' | '‛' | '′' | '‹' | '›' | '`' | '´' => '\'',
            other => other,
        })
    }
}

/// Lowercases (Unicode-aware; Arabic has no case and passes through).
pub struct CaseFold;
impl CharFilter for CaseFold {
    fn apply(&self, c: char, out: &mut Vec<char>) {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else {
            out.extend(c.to_lowercase());
        }
    }
}
