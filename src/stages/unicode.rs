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

use unicode_normalization::char::canonical_combining_class;
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

use crate::chars::ByteSet;
use crate::page::Page;

pub fn apply(page: &mut Page) -> u64 {
    let (out, n) = normalize(&page.text);
    if n > 0 {
        page.text = out;
    }
    n
}

/// Characters that carry nothing visible and are dropped.
pub(crate) fn invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}'
    ) || (c.is_control() && c != '\n' && c != '\t' && c != '\r')
}

/// First bytes of the characters that need a look: all but those normalised whatever
/// surrounds them, which are printable ASCII, line feed and tab, U+00C0-U+02FF (`C3`-`CB`:
/// Latin letters and pinyin, none combining) and U+4000-U+9FFF (`E4`-`E9`: CJK ideographs,
/// most of a Chinese page). Continuation bytes are never first bytes.
const SUSPECT: ByteSet<2, 4> = ByteSet {
    bytes: [b'\n', b'\t'],
    ranges: [(0x20, 0x7E), (0x80, 0xBF), (0xC3, 0xCB), (0xE4, 0xE9)],
    outside: true,
};

/// Whether `text` is already normalised: one pass over the bytes, which is most of this
/// stage's cost on clean pages. Only the characters that start with a [`SUSPECT`] byte are
/// looked at ([`char_is_clean`]). When every character passes, the whole string's NFC quick
/// check is "yes".
fn is_clean(text: &str) -> bool {
    let mut i = 0;
    loop {
        i = SUSPECT.next(text, i);
        if i == text.len() {
            return true;
        }
        if !char_is_clean(text, i) {
            return false;
        }
        i += 1;
    }
}

/// For a character not settled by its first byte: whether it is NFC whatever surrounds it
/// (NFC-stable on its own, quick check "yes", and not combining), visible, and not a line
/// separator. Common punctuation is settled by range: U+2010-U+2027 (dashes, quotes, `…`),
/// U+3000-U+303F less the combining tone marks U+302A-U+302F, and the full-width forms
/// U+FF00-U+FFEF (`shortcuts_agree_with_the_tables` checks every character).
#[inline(never)]
fn char_is_clean(text: &str, i: usize) -> bool {
    let c = crate::chars::char_at(text, i);
    match c as u32 {
        0x80..=0x2FF | 0x2010..=0x2027 | 0x3000..=0x3029 | 0x3030..=0x303F | 0xFF00..=0xFFEF => {
            !invisible(c)
        }
        _ if c.is_ascii() || c == '\u{2028}' || c == '\u{2029}' || invisible(c) => false,
        _ => {
            canonical_combining_class(c) == 0
                && is_nfc_quick(std::iter::once(c)) == IsNormalized::Yes
        }
    }
}

/// The normalised text and the number of changes; when there are none, the text is not
/// copied and the string returned is empty.
pub fn normalize(text: &str) -> (String, u64) {
    // Most pages need nothing: say so without building a copy.
    if is_clean(text) {
        return (String::new(), 0);
    }
    // Invisible characters and line ends first, NFC last: an invisible character between a
    // letter and a combining mark blocks composition, so removing it after NFC would leave
    // text that a second run composes (not idempotent).
    let mut changes = 0u64;
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
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
    if is_nfc_quick(out.chars()) != IsNormalized::Yes {
        let nfc: String = out.nfc().collect();
        if nfc != out {
            changes += 1;
            out = nfc;
        }
    }
    (out, changes)
}

#[cfg(test)]
mod tests {
    use super::{char_is_clean, invisible, is_clean, normalize, SUSPECT};
    use proptest::prelude::*;
    use unicode_normalization::UnicodeNormalization;

    proptest! {
        /// Normalising twice is normalising once (an invisible character between a letter
        /// and a combining mark once broke this).
        #[test]
        fn normalize_is_idempotent(s in "[ga\r\n\u{301}\u{308}\u{200b}\u{feff}\u{ad}\u{1}\u{2028}é中]{0,12}") {
            let (once, n) = normalize(&s);
            let once = if n > 0 { once } else { s.clone() };
            let (twice, n2) = normalize(&once);
            prop_assert_eq!(n2, 0, "{:?} -> {:?} -> {:?}", s, once, twice);
        }

        /// The fast check never calls a page clean that the full path would change.
        #[test]
        fn fast_check_is_sound(s in "[a-z\r\n\t\u{7F}\u{85}\u{AD}\u{300}\u{301}\u{308}é\u{2000}\u{2001}\u{200B}\u{2028}\u{F900}\u{FE0E}豈“”•🔎中文。ǎ…‐　，Ａ\u{2027}\u{3030}\u{FFE8}]{0,12}") {
            let exact = s.nfc().collect::<String>() == s
                && !s.contains(['\r', '\u{2028}', '\u{2029}', '\u{200B}', '\u{AD}', '\u{7F}', '\u{85}']);
            if is_clean(&s) {
                prop_assert!(exact, "{:?}", s);
            }
            // And the full path agrees with itself: a clean page comes back unchanged.
            let (out, n) = normalize(&s);
            if n > 0 {
                prop_assert_ne!(out, s);
            }
        }
    }

    /// Every character the fast check passes on its bytes alone is one the exact test passes:
    /// NFC-stable, not combining, visible, not a line break other than LF.
    #[test]
    fn shortcuts_agree_with_the_tables() {
        use unicode_normalization::char::canonical_combining_class;
        use unicode_normalization::{is_nfc_quick, IsNormalized};
        let exact = |c: char| {
            canonical_combining_class(c) == 0
                && is_nfc_quick(std::iter::once(c)) == IsNormalized::Yes
                && !invisible(c)
                && !matches!(c, '\r' | '\u{2028}' | '\u{2029}')
        };
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            let mut buf = [0u8; 4];
            let s = c.encode_utf8(&mut buf);
            let fast = !SUSPECT.contains(s.as_bytes()[0]) || char_is_clean(s, 0);
            assert_eq!(fast, exact(c), "{c:?} U+{:04X}", c as u32);
        }
    }

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
            let (out, n) = normalize(raw);
            assert_eq!(if n == 0 { raw.to_string() } else { out }, want, "{raw:?}");
        }
    }

    #[test]
    fn clean_text_counts_nothing() {
        for s in ["第一段\n\n第二段\n", "plain text\n", "a\tb\n"] {
            assert_eq!(normalize(s).1, 0, "{s:?}");
        }
    }
}
