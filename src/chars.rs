//! Character classes shared by the punctuation and spacing stages, and the spans (URLs,
//! e-mail addresses, paths) whose characters those stages leave alone.

use std::sync::OnceLock;

use regex::Regex;

/// Han ideographs (and kana, which behave the same for spacing and punctuation).
pub fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x4E00..=0x9FFF | 0x3400..=0x4DBF | 0x20000..=0x3134F | 0xF900..=0xFAFF
        | 0x3040..=0x30FF | 0x3007)
}

/// Full-width (CJK) punctuation: it carries its own spacing, so no space goes next to it.
/// Curly quotes are not here: they are shared with English (see [`quote_is_cjk`]).
pub fn is_cjk_punct(c: char) -> bool {
    matches!(
        c,
        '，' | '。'
            | '、'
            | '；'
            | '：'
            | '？'
            | '！'
            | '（'
            | '）'
            | '《'
            | '》'
            | '〈'
            | '〉'
            | '【'
            | '】'
            | '「'
            | '」'
            | '『'
            | '』'
            | '〔'
            | '〕'
            | '…'
            | '～'
            | '·'
            | '—'
    )
}

/// Curly quotes, which Chinese and English share.
pub fn is_curly_quote(c: char) -> bool {
    matches!(c, '“' | '”' | '‘' | '’')
}

/// Whether `c` is Han or full-width punctuation.
pub fn is_cjk(c: char) -> bool {
    is_han(c) || is_cjk_punct(c)
}

/// Whether the curly quote at char index `i` of `chars` belongs to Chinese text: an opening
/// quote whose quoted text starts with Chinese, a closing one whose quoted text ends with it.
pub fn quote_is_cjk(chars: &[char], i: usize) -> bool {
    let inner = match chars[i] {
        '“' | '‘' => chars[i + 1..].iter().find(|c| !c.is_whitespace()),
        '”' | '’' => chars[..i].iter().rev().find(|c| !c.is_whitespace()),
        _ => return false,
    };
    inner.is_some_and(|&c| is_cjk(c))
}

/// The ASCII form of a full-width ASCII variant (`，` -> `,`, `Ａ` -> `A`); other characters
/// as they are. Line keys fold punctuation widths with it.
pub fn halfwidth(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        c => c,
    }
}

/// Horizontal whitespace that spacing rules manage (not line breaks).
pub fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\u{3000}' | '\u{a0}')
}

fn protected_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(concat!(
            r"(?i)(?:https?|ftp)://[^\s\u{3000}-\u{303f}\u{ff00}-\u{ffef}\u{4e00}-\u{9fff}]+",
            r"|www\.[a-z0-9-]+(?:\.[a-z0-9-]+)+[^\s\u{3000}-\u{303f}\u{ff00}-\u{ffef}\u{4e00}-\u{9fff}]*",
            r"|[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+",
            r"|[a-z]:\\[^\s\u{4e00}-\u{9fff}]*",
        ))
        .expect("protected pattern")
    })
}

/// Whether `text` holds a literal every protected form needs (a fast pre-check).
fn might_be_protected(text: &str) -> bool {
    let www = || {
        memchr::memchr_iter(b'.', text.as_bytes())
            .any(|i| i >= 3 && text.as_bytes()[i - 3..i].eq_ignore_ascii_case(b"www"))
    };
    text.contains("://") || text.contains('@') || text.contains(":\\") || www()
}

/// For each char of `text` (`len` chars), whether it lies in a URL, e-mail address or
/// Windows path.
pub fn protected_mask(text: &str, len: usize) -> Vec<bool> {
    let mut mask = vec![false; len];
    // Every protected form holds `://`, `@`, `:\` or `www.`: pages without them (most) skip
    // the search, which is slow on text with many ASCII words (the e-mail branch starts at
    // every letter).
    if !might_be_protected(text) {
        return mask;
    }
    let (mut char_at, mut last_byte) = (0usize, 0usize);
    for m in protected_re().find_iter(text) {
        char_at += text[last_byte..m.start()].chars().count();
        let n = m.as_str().chars().count();
        mask[char_at..char_at + n]
            .iter_mut()
            .for_each(|p| *p = true);
        char_at += n;
        last_byte = m.end();
    }
    mask
}
