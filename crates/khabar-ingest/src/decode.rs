//! Bytes to UTF-8: BOM, then a declared charset (HTML meta / XML prologue) when the bytes agree with it, then valid
//! UTF-8, then chardetng's guess. Windows-1256 and ISO-8859-6 Arabic pages come out right even when mislabeled.

use encoding_rs::{Encoding, UTF_8};

/// Decoded text and the encoding used.
#[derive(Debug, Clone)]
pub struct Decoded {
    /// The text.
    pub text: String,
    /// WHATWG name of the encoding that was used.
    pub encoding: &'static str,
    /// True when decoding had to replace malformed sequences.
    pub had_errors: bool,
}

/// True for data that is not text: NUL bytes or many C0 control characters in the first 8 KiB.
pub fn looks_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(8192)];
    if head.is_empty() {
        return false;
    }
    // UTF-16 text has NULs but a BOM; let the decoder handle it.
    if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
        return false;
    }
    let nul = head.iter().filter(|&&b| b == 0).count();
    let control = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0C))
        .count();
    nul * 100 > head.len() || control * 10 > head.len()
}

/// Finds `charset=...` in an HTML meta tag or `encoding="..."` in an XML prologue within the first 2 KiB.
fn declared_encoding(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(2048)]).to_ascii_lowercase();
    for key in ["charset=", "encoding="] {
        let mut from = 0;
        while let Some(pos) = head[from..].find(key) {
            let start = from + pos + key.len();
            let rest = head[start..].trim_start_matches(['"', '\'', ' ']);
            let label: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':' | '.'))
                .collect();
            if let Some(enc) = Encoding::for_label(label.as_bytes()) {
                return Some(enc);
            }
            from = start;
        }
    }
    None
}

/// Decodes `bytes`; `markup` enables looking for a declared charset.
pub fn decode_bytes(bytes: &[u8], markup: bool) -> Decoded {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        return Decoded {
            text: clean(text.into_owned()),
            encoding: enc.name(),
            had_errors,
        };
    }
    let utf8_ok = std::str::from_utf8(bytes).is_ok();
    let declared = if markup || bytes.starts_with(b"<?xml") {
        declared_encoding(bytes)
    } else {
        None
    };
    if let Some(enc) = declared {
        // Trust the declaration unless it says UTF-8 and the bytes are not (windows-1256 labelled as UTF-8).
        let declared_utf8 = enc == UTF_8;
        if !declared_utf8 || utf8_ok {
            let (text, had_errors) = enc.decode_without_bom_handling(bytes);
            if !had_errors {
                return Decoded {
                    text: clean(text.into_owned()),
                    encoding: enc.name(),
                    had_errors,
                };
            }
        }
    }
    if utf8_ok {
        let text = String::from_utf8_lossy(bytes).into_owned();
        return Decoded {
            text: clean(text),
            encoding: UTF_8.name(),
            had_errors: false,
        };
    }
    if mostly_utf8(bytes) {
        // A few damaged bytes in otherwise valid UTF-8 (a truncated download, a stray byte): keep it UTF-8 and
        // replace the damage, rather than misread the whole text as a legacy code page.
        let text = String::from_utf8_lossy(bytes).into_owned();
        return Decoded {
            text: clean(text),
            encoding: UTF_8.name(),
            had_errors: true,
        };
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let enc = detector.guess(None, chardetng::Utf8Detection::Deny);
    let (text, had_errors) = enc.decode_without_bom_handling(bytes);
    Decoded {
        text: clean(text.into_owned()),
        encoding: enc.name(),
        had_errors,
    }
}

/// True when `bytes` hold many valid multi-byte UTF-8 sequences and few invalid ones (at most one per 20 valid).
fn mostly_utf8(bytes: &[u8]) -> bool {
    let mut valid_multibyte = 0usize;
    let mut invalid = 0usize;
    for chunk in bytes.utf8_chunks() {
        valid_multibyte += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        if !chunk.invalid().is_empty() {
            invalid += 1;
        }
    }
    valid_multibyte >= 8 && invalid * 20 <= valid_multibyte
}

/// Drops NUL characters, which no downstream consumer wants.
fn clean(mut text: String) -> String {
    if text.contains('\0') {
        text.retain(|c| c != '\0');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::{ISO_8859_6, WINDOWS_1256};

    const ARABIC: &str = "أعلنت قوات سوريا الديمقراطية السيطرة على مخيم الباغوز، آخر الجيوب التي يسيطر عليها تنظيم داعش شرقي دير الزور. وقال المركز الإعلامي إن قواتنا سيطرت على المخيم بشكل نهائي.";

    #[test]
    fn windows_1256_without_declaration_is_detected() {
        let (bytes, _, _) = WINDOWS_1256.encode(ARABIC);
        let d = decode_bytes(&bytes, false);
        assert_eq!(d.encoding, "windows-1256");
        assert_eq!(d.text, ARABIC);
    }

    #[test]
    fn windows_1256_mislabeled_as_utf8_still_decodes() {
        let page = format!("<html><head><meta charset=\"utf-8\"></head><body><p>{ARABIC}</p></body></html>");
        let (bytes, _, _) = WINDOWS_1256.encode(&page);
        let d = decode_bytes(&bytes, true);
        assert!(d.text.contains("مخيم الباغوز"), "{}", d.encoding);
    }

    #[test]
    fn iso_8859_6_declared_in_meta_is_used() {
        let plain = "قوات سوريا الديمقراطية تسيطر على الباغوز";
        let page = format!("<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=iso-8859-6\"></head><body>{plain}</body></html>");
        let (bytes, _, had_errors) = ISO_8859_6.encode(&page);
        assert!(!had_errors);
        let d = decode_bytes(&bytes, true);
        assert_eq!(d.encoding, "ISO-8859-6");
        assert!(d.text.contains(plain));
    }

    #[test]
    fn utf8_bom_and_invalid_utf8_do_not_panic() {
        let mut bytes = vec![0xEF, 0xBB, 0xBF];
        bytes.extend_from_slice("Baghuz".as_bytes());
        assert_eq!(decode_bytes(&bytes, false).text, "Baghuz");
        let broken = [b'a', 0xC3, b'b', 0xFF, 0xFE, b'c'];
        let d = decode_bytes(&broken, false);
        assert!(d.text.starts_with('a'));
    }

    #[test]
    fn utf8_with_a_few_damaged_bytes_stays_utf8() {
        let mut bytes = ARABIC.as_bytes().to_vec();
        bytes.insert(40, 0xFF);
        bytes.push(0xC3);
        let d = decode_bytes(&bytes, false);
        assert_eq!(d.encoding, "UTF-8");
        assert!(d.had_errors);
        assert!(d.text.contains("مخيم الباغوز"));
        // Real windows-1256 bytes are still recognised as such (they are not mostly valid UTF-8).
        let (legacy, _, _) = WINDOWS_1256.encode(ARABIC);
        assert_eq!(decode_bytes(&legacy, false).encoding, "windows-1256");
    }

    #[test]
    fn binary_sniffing() {
        assert!(looks_binary(&[0x89, b'P', b'N', b'G', 0, 0, 0, 13, 0, 0]));
        assert!(!looks_binary("نص عربي\n".as_bytes()));
    }
}
