//! Stage `unicode`: the first stage, so every later one sees normalised Unicode.
//!
//! - NFC (also maps CJK compatibility ideographs to unified ones);
//! - zero-width characters, BOM, soft hyphen and C0/C1 control characters removed (tab kept);
//! - line ends normalised to LF (`\r\n`, lone `\r`, U+2028/2029).
//!
//! Later stages only ever produce NFC text, so normalising once, first, is enough; doing it
//! last instead would let a second run see different context than the first.
//!
//! Counts characters removed or replaced (a whole NFC rewrite counts once).

use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

use crate::pipeline::{Ctx, Page};

pub fn apply(page: &mut Page, _ctx: &Ctx) -> u64 {
    let (out, n) = normalize(&page.text);
    if n > 0 {
        page.text = out;
    }
    n
}

/// Characters that carry nothing visible and are dropped.
fn invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}'
    ) || (c.is_control() && c != '\n' && c != '\t' && c != '\r')
}

pub fn normalize(text: &str) -> (String, u64) {
    let mut changes = 0u64;
    let nfc: std::borrow::Cow<str> = if is_nfc_quick(text.chars()) == IsNormalized::Yes {
        text.into()
    } else {
        let s: String = text.nfc().collect();
        if s != text {
            changes += 1;
        }
        s.into()
    };
    let mut out = String::with_capacity(nfc.len());
    let mut chars = nfc.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push('\n');
                changes += 1;
            }
            '\u{2028}' | '\u{2029}' => {
                out.push('\n');
                changes += 1;
            }
            c if invisible(c) => changes += 1,
            c => out.push(c),
        }
    }
    (out, changes)
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn table() {
        for (raw, want) in [
            ("a\r\nb\rc", "a\nb\nc"),
            ("正文\u{200B}内容\u{FEFF}", "正文内容"),
            ("\u{F900}", "豈"),
            ("e\u{301}", "é"),
            ("a\u{2028}b", "a\nb"),
            ("", ""),
        ] {
            assert_eq!(normalize(raw).0, want, "{raw:?}");
        }
    }

    #[test]
    fn clean_text_counts_nothing() {
        for s in ["第一段\n\n第二段\n", "plain text\n", "a\tb\n"] {
            assert_eq!(normalize(s), (s.to_string(), 0), "{s:?}");
        }
    }
}
