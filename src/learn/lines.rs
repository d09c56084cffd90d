//! What one raw page contributes to learning ([`PageLines`]): its document fingerprint, its
//! edge lines' keys and raw spellings, and the spellings of its mid-page lines.

use std::borrow::Cow;

use crate::chars::trim;
use crate::converter::Converter;
use crate::learn::fingerprint::{digits_and_spaces, fingerprint, spelling_of_trimmed};
use crate::learn::keys::{learnable_key, EDGE_LINES, MAX_KEY_CHARS};

/// What one page contributes to learning: its document fingerprint, the keys of its edge
/// lines, and the spellings of its other lines.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageLines {
    pub document: u64,
    /// The edge lines' keys, sorted and distinct.
    pub keys: Vec<String>,
    /// For each key, the [`spelling`](crate::learn::spelling) of the raw line it came from (the smallest, when two
    /// lines of the page share a key).
    pub spellings: Vec<u64>,
    /// The [`spelling`](crate::learn::spelling)s of the page's other (mid-page) lines, sorted and distinct.
    pub mid: Vec<u64>,
}

/// `line` as the `unicode` stage leaves it (NFC, no invisible characters), without a copy
/// when it already is.
fn normalized(line: &str) -> Cow<'_, str> {
    match crate::stages::unicode::normalize(line) {
        (_, 0) => Cow::Borrowed(line),
        (out, _) => Cow::Owned(out),
    }
}

/// Collects one raw page's contribution: its keys ([`learnable_key`]: structural lines are
/// never counted, so they are left out) and its fingerprint. Learning reads the raw pages, which
/// costs a conversion, not a whole cleaning; [`crate::Cleaner::page_lines`] is the entry point.
pub fn page_lines(text: &str, converter: &Converter) -> PageLines {
    page_lines_with(text, |line| learnable_key(line, converter))
}

/// [`page_lines`] with the line key computed by `key_of` (which must be [`learnable_key`], or
/// remember its results: [`crate::Cleaner::page_lines`] does, since a site's template lines
/// recur verbatim on every page).
pub fn page_lines_with<'t>(
    text: &'t str,
    mut key_of: impl FnMut(&str) -> Option<String>,
) -> PageLines {
    // One pass over the lines: the non-blank ones (their first and last EDGE_LINES are the
    // edges, as `edge_lines` finds them) and the three longest. Learning runs over every
    // page of a batch before cleaning starts, so it must stay a small fraction of a cleaning.
    // Each line with its trimmed form (trimming costs as much as hashing a short line).
    // (Room for a page of average lines, about 60 bytes, without regrowing; bounded, for the
    // page that is one long line.)
    type Line<'t> = (&'t str, &'t str);
    let mut nonblank: Vec<Line> = Vec::with_capacity((text.len() / 48).min(1 << 12));
    // Fingerprint: the three longest lines (ties broken by content, so it is stable), with
    // digits folded as in the keys: pages that differ only in numbers (a page counter, a
    // record id) are one document, which errs towards learning less. Lengths leave digits
    // and spaces out, and only the three chosen lines are folded.
    let mut longest: Vec<(usize, &str)> = Vec::with_capacity(4);
    // The raw page, split where the `unicode` stage would end lines (`\r\n` leaves an empty
    // line between, which is blank). Only the lines that are keyed or fingerprinted are
    // normalised, one by one: normalising a whole page costs as much as this whole pass.
    // (Most pages have only `\n`, which a byte search finds far faster than a set of
    // characters.)
    let bytes = text.as_bytes();
    // `\r`, U+2028 and U+2029 (`E2 80 A8`, `E2 80 A9`), in one scan. (`E2` also starts the
    // commonest quotes and dashes, a few per line at most: `memchr2` runs past the rest faster
    // than a `ByteSet` scan, 15 against 21 ms on the 10,000 benchmark pages.)
    let other_breaks = memchr::memchr2_iter(b'\r', 0xE2, bytes)
        .any(|k| bytes[k] == b'\r' || matches!(bytes.get(k + 1..k + 3), Some([0x80, 0xA8 | 0xA9])));
    let mut visit = |line: &'t str| {
        let trimmed = trim(line);
        if trimmed.is_empty()
            || trimmed
                .chars()
                .all(|c| c.is_whitespace() || crate::stages::unicode::invisible(c))
        {
            return;
        }
        nonblank.push((line, trimmed));
        // A line shorter (in bytes) than the third longest's weight cannot displace it.
        if longest.len() == 3 && line.len() < longest[2].0 {
            return;
        }
        let weight = line.len() - digits_and_spaces(line.as_bytes());
        let longer = |(w, l): &(usize, &str)| weight > *w || (weight == *w && trimmed < *l);
        if longest.len() < 3 || longer(&longest[2]) {
            let at = longest.iter().position(longer).unwrap_or(longest.len());
            longest.insert(at, (weight, trimmed));
            longest.truncate(3);
        }
    };
    // Two loops, not one over a boxed iterator: a dynamic call per line was a tenth of this
    // function's instructions (callgrind).
    if other_breaks {
        text.split(['\n', '\r', '\u{2028}', '\u{2029}'])
            .for_each(&mut visit);
    } else {
        let mut start = 0;
        for end in crate::chars::NEWLINE.positions(text) {
            visit(&text[start..end]);
            start = end + 1;
        }
        visit(&text[start..]);
    }
    let (head, tail): (&[Line], &[Line]) = if nonblank.len() <= 2 * EDGE_LINES {
        (&nonblank, &[])
    } else {
        (
            &nonblank[..EDGE_LINES],
            &nonblank[nonblank.len() - EDGE_LINES..],
        )
    };
    let mut keyed: Vec<(String, u64)> = head
        .iter()
        .chain(tail)
        .filter_map(|&(l, t)| Some((key_of(&normalized(l))?, t)))
        .map(|(k, t)| (k, spelling_of_trimmed(t)))
        .collect();
    keyed.sort_unstable();
    keyed.dedup_by(|later, first| later.0 == first.0);
    let (keys, spellings) = keyed.into_iter().unzip();
    // The lines between the edges: only their spellings, which cost a hash each. Lines too
    // long to be keys are left out.
    let between = &nonblank[head.len()..nonblank.len() - tail.len()];
    let mut mid: Vec<u64> = Vec::with_capacity(between.len());
    mid.extend(
        between
            .iter()
            .filter(|(l, _)| l.len() <= MAX_KEY_CHARS * 6)
            .map(|&(_, t)| spelling_of_trimmed(t)),
    );
    mid.sort_unstable();
    mid.dedup();
    let longest: Vec<Cow<str>> = longest.iter().map(|(_, l)| normalized(l)).collect();
    let document = fingerprint(longest.iter().map(|l| l.as_ref()));
    PageLines {
        document,
        keys,
        spellings,
        mid,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::learn::keys::line_key;

    proptest::proptest! {
        /// Pass 1 reads raw pages and normalises only the lines it keys: the keys are those
        /// of the page normalised whole, as the `unicode` stage would.
        #[test]
        fn raw_pages_give_the_normalised_pages_keys(lines in proptest::collection::vec("[ a-z长江大桥。\r\u{200b}\u{2028}\u{feff}\u{1}e\u{301}]{0,12}", 0..40)) {
            let raw = lines.join("\n");
            let (norm, n) = crate::stages::unicode::normalize(&raw);
            let norm = if n > 0 { norm } else { raw.clone() };
            let keys = |t: &str| page_lines_with(t, line_key).keys;
            proptest::prop_assert_eq!(keys(&raw), keys(&norm));
        }


        #[test]
        fn trim_matches_std(s in "[ \\t\\n\u{b}\u{c}\r\u{85}\u{a0}\u{1680}\u{2000}\u{200a}\u{2028}\u{202f}\u{205f}\u{3000}a长。\u{e9}]{0,8}") {
            proptest::prop_assert_eq!(trim(&s), s.trim());
        }

    }
}
