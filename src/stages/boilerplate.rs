//! Stage `boilerplate`: removes the edge lines this batch learned as boilerplate (see
//! [`crate::learn`] for how they are learned).
//!
//! Only a page's edge lines ([`crate::learn::keys::edge_lines`]) can go, and never the title
//! line the `template` stage put first. A page that loses more than [`WARN_SHARE`] of its
//! characters to learned lines gets a warning in its report (a page that was nothing but
//! boilerplate ends up empty: there was no document on it).

use std::collections::HashSet;
use std::ops::Range;
use std::sync::Arc;

use crate::chars::{ascii_space, trim, CharSet};
use crate::converter::Converter;
use crate::learn::keys::{hash, with_remembered_key, EDGE_LINES};
use crate::page::Page;
use crate::stages::Stage;
use crate::tables::Tables;

/// Share of a page's characters that learned lines may remove without a warning.
pub const WARN_SHARE: f64 = 0.3;

/// The learned lines, as a set of key hashes.
#[derive(Debug, Default)]
pub struct Learned {
    hashes: HashSet<u64>,
    /// How many Han characters each learned key holds: a line with another count cannot be
    /// one of them (this stage sees converted text, whose Han characters its key keeps), and
    /// counting is far cheaper than making the key.
    han_counts: HashSet<usize>,
    /// The largest of `han_counts`: counting a line's Han characters stops past it.
    max_han: usize,
    /// Every Han character a line's key could have come from: the keys' own, and every
    /// character the converter may turn into one of them. A line with any other Han
    /// character is none of the learned lines (most body lines stop at their first few
    /// characters), so its key is never made.
    han_chars: CharSet,
}

/// The Han characters of `s`, counting stops once past `limit` (the result is then
/// `limit + 1`): an edge line is often a long paragraph, and no learned key is that long.
fn han_count(s: &str, limit: usize) -> usize {
    let mut n = 0;
    for c in s.chars() {
        if crate::chars::is_han(c) {
            n += 1;
            if n > limit {
                break;
            }
        }
    }
    n
}

impl Learned {
    /// From learned keys (as [`line_key`](crate::learn::line_key) makes them), for lines converted by `converter`.
    pub fn new(keys: &[String], converter: &Converter) -> Self {
        let han_counts: HashSet<usize> = keys.iter().map(|k| han_count(k, usize::MAX)).collect();
        let mut han_chars = CharSet::default();
        for c in keys.iter().flat_map(|k| k.chars()) {
            if crate::chars::is_han(c) {
                han_chars.insert(c);
            }
        }
        if !keys.is_empty() {
            // Preimages: where an entry's output holds a key character, the characters of its
            // input that may have become it (the one in the same place when lengths agree,
            // else all of them).
            let mut preimages = Vec::new();
            converter.for_each_entry(|from, to| {
                let (from_n, to_n) = (from.chars().count(), to.chars().count());
                for (i, t) in to.chars().enumerate() {
                    if han_chars.contains(t) {
                        if from_n == to_n {
                            preimages.extend(from.chars().nth(i));
                        } else {
                            preimages.extend(from.chars());
                        }
                    }
                }
            });
            for c in preimages {
                if crate::chars::is_han(c) {
                    han_chars.insert(c);
                }
            }
        }
        Learned {
            hashes: keys.iter().map(|k| hash(k)).collect(),
            max_han: han_counts.iter().copied().max().unwrap_or(0),
            han_counts,
            han_chars,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.hashes.is_empty()
    }

    /// Whether `line` may be a learned line by its Han characters: their count is a learned
    /// key's, and each may become a character of a learned key. Tags are left to the key
    /// (an attribute may hold Han characters the key drops).
    fn may_contain(&self, line: &str) -> bool {
        if line.contains('<') {
            return self.han_counts.contains(&han_count(line, self.max_han));
        }
        let mut n = 0;
        for c in line.chars() {
            if crate::chars::is_han(c) {
                n += 1;
                if n > self.max_han || !self.han_chars.contains(c) {
                    return false;
                }
            }
        }
        self.han_counts.contains(&n)
    }

    fn contains(&self, line: &str, tables: &Tables) -> bool {
        if !self.may_contain(line) {
            return false;
        }
        with_remembered_key(tables.id, line, &tables.converter, |k| {
            k.is_some_and(|k| self.hashes.contains(&hash(k)))
        })
    }
}

/// Whether removing `removed` characters takes more than [`WARN_SHARE`] of the non-blank
/// characters of `text`. Most pages lose little: a bound from the bytes alone (every
/// character but whitespace has one byte that is neither a continuation byte nor ASCII
/// whitespace; non-ASCII whitespace starts with one of the lead bytes C2, E1, E2, E3)
/// settles them without decoding.
fn over_warn_share(text: &str, removed: usize) -> bool {
    // Byte counters per chunk of 255 (they cannot overflow), in branch-free comparisons the
    // compiler turns into vector code: this runs on every page that lost a line.
    let (mut starts, mut maybe_space) = (0usize, 0usize);
    for chunk in text.as_bytes().chunks(255) {
        let (mut s, mut m) = (0u8, 0u8);
        for &b in chunk {
            s += u8::from((b & 0xC0 != 0x80) & !ascii_space(b));
            m += u8::from((b == 0xC2) | (b.wrapping_sub(0xE1) < 3));
        }
        starts += usize::from(s);
        maybe_space += usize::from(m);
    }
    let at_least = starts - maybe_space;
    if removed as f64 <= WARN_SHARE * at_least as f64 {
        return false;
    }
    let total = text.chars().filter(|c| !c.is_whitespace()).count().max(1);
    removed as f64 / total as f64 > WARN_SHARE
}

/// The stage: the batch's learned lines, keyed with the shared tables.
#[derive(Debug)]
pub struct Boilerplate {
    tables: Arc<Tables>,
    learned: Learned,
}

impl Boilerplate {
    /// The stage removing `keys` (learned keys, as [`crate::learn::learnable_key`] makes them).
    pub fn new(keys: &[String], tables: &Arc<Tables>) -> Self {
        Boilerplate {
            learned: Learned::new(keys, &tables.converter),
            tables: Arc::clone(tables),
        }
    }
}

impl Stage for Boilerplate {
    fn apply(&self, page: &mut Page) -> u64 {
        apply(page, &self.learned, &self.tables)
    }
}

fn apply(page: &mut Page, learned: &Learned, tables: &Tables) -> u64 {
    if learned.is_empty() {
        return 0;
    }
    // The title the template stage put first is the document's own, however many documents
    // share it (`第一章 绪论`).
    let titled = page.body_start > 0;
    // Only edge lines can go: they are found from both ends, and a page none of whose edge
    // lines is learned (most pages) is not split into lines at all.
    let text = &page.text;
    let gone: Vec<Range<usize>> = edge_ranges(text)
        .into_iter()
        .filter(|r| !(titled && r.start == 0) && learned.contains(&text[r.clone()], tables))
        .collect();
    if gone.is_empty() {
        return 0;
    }
    let removed_chars: usize = gone.iter().map(|r| text[r.clone()].chars().count()).sum();
    let kept: Vec<&str> = crate::chars::split_lines(text)
        .into_iter()
        .filter(|line| {
            let start = line.as_ptr() as usize - text.as_ptr() as usize;
            !gone.iter().any(|r| r.start == start)
        })
        .collect();
    let removed = gone.len() as u64;
    if over_warn_share(text, removed_chars) {
        let total = text.chars().filter(|c| !c.is_whitespace()).count();
        page.warnings.push(format!(
            "boilerplate: learned lines removed {:.0}% of the page ({removed} lines)",
            removed_chars as f64 / total.max(1) as f64 * 100.0
        ));
    }
    page.text = kept.join("\n");
    removed
}

/// The byte ranges of `text`'s edge lines ([`edge_lines`](crate::learn::keys::edge_lines) of its lines), in order, each
/// once: a scan from each end.
fn edge_ranges(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let nonblank = |r: &Range<usize>| !trim(&text[r.clone()]).is_empty();
    let mut head: Vec<Range<usize>> = Vec::with_capacity(EDGE_LINES);
    let mut start = 0;
    loop {
        let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |k| start + k);
        let line = start..end;
        if nonblank(&line) {
            head.push(line);
            if head.len() == EDGE_LINES {
                break;
            }
        }
        if end == bytes.len() {
            break;
        }
        start = end + 1;
    }
    let mut tail: Vec<Range<usize>> = Vec::with_capacity(EDGE_LINES);
    let mut end = bytes.len();
    loop {
        let start = memchr::memrchr(b'\n', &bytes[..end]).map_or(0, |k| k + 1);
        let line = start..end;
        if nonblank(&line) {
            tail.push(line);
            if tail.len() == EDGE_LINES {
                break;
            }
        }
        if start == 0 {
            break;
        }
        end = start - 1;
    }
    // The two meet on a page with few non-blank lines: a line is one edge line.
    tail.retain(|r| head.last().is_none_or(|h| r.start > h.start));
    head.extend(tail.into_iter().rev());
    head
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::learn::keys::edge_lines;

    proptest::proptest! {
        /// The stage finds edge lines from both ends: the lines `edge_lines` marks.
        #[test]
        fn edge_ranges_are_the_edge_lines(lines in proptest::collection::vec("[ a\u{3000}长]{0,3}", 0..40)) {
            let text = lines.join("\n");
            let split = crate::chars::split_lines(&text);
            let edge = edge_lines(&split);
            let expected: Vec<Range<usize>> = split
                .iter()
                .zip(edge)
                .filter(|(_, e)| *e)
                .map(|(l, _)| {
                    let start = l.as_ptr() as usize - text.as_ptr() as usize;
                    start..start + l.len()
                })
                .collect();
            proptest::prop_assert_eq!(edge_ranges(&text), expected);
        }


        #[test]
        fn warn_share_matches_the_exact_count(s in "[ 0-9a-z\\n长江。\u{3000}\u{a0}]{0,300}", removed in 0usize..200) {
            let total = s.chars().filter(|c| !c.is_whitespace()).count().max(1);
            proptest::prop_assert_eq!(over_warn_share(&s, removed), removed as f64 / total as f64 > WARN_SHARE);
        }
    }
}
