//! Stage `ruby`: strips the site's `(pinyin)` annotations.
//!
//! The site put the reading of about 135 characters right after them: `經(jīng)濟(jì)`. An
//! annotation is removed only on evidence:
//! - after a Han character, when the bracket holds exactly that character's fixed reading
//!   (`data/annotations.tsv`; tone marks or tone numbers), so `(服務(wù))`, `(P239)`, `(t)`,
//!   `(Apple)`, `(2024)` and a bracket whose reading belongs to another character stay;
//! - after an ASCII letter, when the bracket holds a reading from the table: the annotator read
//!   GBK bytes out of step and the letter is the document's own (`“l(fā)ogistics”`,
//!   `h1-h(huán)2`). The `garbage` stage runs first and has already restored the cases where
//!   the letter was the surviving byte of a garbled character.
//!
//! Counts annotations removed.

use std::borrow::Cow;

use crate::annotations;
use crate::chars::ByteSet;
use crate::page::Page;

pub fn apply(page: &mut Page) -> u64 {
    let (out, n) = strip(&page.text);
    if let Cow::Owned(s) = out {
        page.text = s;
    }
    n
}

static OPEN: ByteSet<1, 0> = ByteSet {
    bytes: [b'('],
    ranges: [],
    outside: false,
};

/// Longest bracket content worth checking: the longest syllable (`chuang3`) plus slack.
const MAX_INNER: usize = 12;

/// Removes every annotation the evidence supports; borrows when there is none.
pub fn strip(text: &str) -> (Cow<'_, str>, u64) {
    if !text.contains('(') {
        return (Cow::Borrowed(text), 0);
    }
    let mut out = String::new();
    let mut last = 0;
    let mut count = 0;
    let mut i = 0;
    for open in OPEN.positions(text) {
        // An opening bracket inside an annotation just removed.
        if open < i {
            continue;
        }
        i = open + 1;
        // The character before, as the output has it: after a removed annotation that is the
        // annotated character again (`經(jīng)(jīng)` loses both, so a second run finds none).
        let before = if open == last && count > 0 {
            &out[..]
        } else {
            &text[..open]
        };
        let Some(prev) = before.chars().next_back() else {
            continue;
        };
        let mut end = text.len().min(open + 1 + MAX_INNER * 4);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let window = &text[open + 1..end];
        let Some(close) = memchr::memchr(b')', window.as_bytes()) else {
            continue;
        };
        let inner = &window[..close];
        if (inner.len() > MAX_INNER && inner.chars().count() > MAX_INNER)
            || !is_annotation(prev, inner)
        {
            continue;
        }
        let end = open + 1 + close + 1;
        if out.capacity() == 0 {
            out.reserve(text.len());
        }
        out.push_str(&text[last..open]);
        last = end;
        i = end;
        count += 1;
    }
    if count == 0 {
        return (Cow::Borrowed(text), 0);
    }
    out.push_str(&text[last..]);
    (Cow::Owned(out), count)
}

/// Whether `(inner)` right after `prev` is one of the site's annotations.
pub fn is_annotation(prev: char, inner: &str) -> bool {
    // Most annotations are spelled as the table spells them: no canonical form needed.
    if annotations::written_reading(prev) == Some(inner) {
        return true;
    }
    // What the reading must be: the character's own, or (after a letter) any in the table.
    let want = if prev.is_ascii_alphabetic() {
        None
    } else {
        match annotations::reading_of_any_form(prev) {
            Some(r) => Some(r),
            None => return false,
        }
    };
    let Some(reading) = annotations::canonical(inner) else {
        return false;
    };
    match want {
        None => annotations::is_table_reading(&reading),
        Some(r) => r == reading,
    }
}

/// Whether an annotation can follow `prev` at all: an annotated character or an ASCII letter
/// (never whitespace or punctuation), as [`is_annotation`] requires.
pub fn may_precede(prev: char) -> bool {
    prev.is_ascii_alphabetic() || annotations::reading_of_any_form(prev).is_some()
}

#[cfg(test)]
mod tests {
    use super::strip;

    #[test]
    fn annotations_after_their_character_go() {
        for (raw, want) in [
            (
                "推進(jìn)經(jīng)濟(jì)發(fā)達(dá)鎮(zhèn)",
                "推進經濟發達鎮",
            ),
            ("調(diào)整 波長(zhǎng)", "調整 波長"),
            ("經(jing1)濟(ji4)", "經濟"),
            ("經(jīng)(jīng)", "經"),
            (
                "(昆山市張浦鎮(zhèn)、吳江區(qū)盛澤鎮(zhèn))",
                "(昆山市張浦鎮、吳江區盛澤鎮)",
            ),
            ("審批(服務(wù))事項", "審批(服務)事項"),
            ("“l(fā)ogistics”", "“logistics”"),
            ("h=mg(h1-h(huán)2)", "h=mg(h1-h2)"),
            // simplified mirrors annotate the simplified form
            ("经(jīng)济(jì)", "经济"),
        ] {
            assert_eq!(strip(raw).0, want, "{raw}");
        }
    }

    #[test]
    fn real_brackets_stay() {
        for s in [
            "見(P239)",
            "時間(t)",
            "蘋果(Apple)",
            "年份(2024)",
            "f(x) = g(a)",
            "經(jì)", // a reading, but not this character's
            "體(tǐ)", // 體 is never annotated
            "(jīng)", // nothing before it
            "什么(shén me)",
            "x (jīng)", // a space is not a letter
            "unclosed (jīng",
        ] {
            assert_eq!(strip(s).0, s, "{s}");
        }
    }

    #[test]
    fn counts() {
        assert_eq!(strip("經(jīng)濟(jì)").1, 2);
        assert_eq!(strip("no brackets").1, 0);
    }
}
