//! Stage `boilerplate`: removes the lines a batch learned as boilerplate, and the learning.
//!
//! A page alone cannot tell its own text from its site's template; a batch can. A line that
//! recurs in many *different documents* is boilerplate (the CCNet approach): every line is
//! normalised to a key ([`line_key`]: converted already, spaces and punctuation widths unified,
//! digit runs folded so `已阅读5页` and `已阅读12页` are one key), and a [`Learner`] counts, for
//! each key, the distinct documents it appears in.
//!
//! Documents, not files: the same document saved from three mirror hosts must keep its body.
//! A page's document fingerprint is the hash of its three longest line keys: mirrors share
//! their body paragraphs; different documents do not, even when one long disclaimer line is
//! on all of them (it is only one of the three).
//!
//! Only the lines at a page's edges ([`edge_lines`]) are counted and removed: templates wrap
//! a document, and a line repeated in the middle of many documents is their publisher's text.
//! For the same reason a frequent edge line is still held back when its spellings are often
//! seen mid-page ([`edge_share_ok`]): a publisher's line that closes every document is at an
//! edge only where a page happens to end with it. Mid-page lines are counted by their raw
//! [`spelling`] (a hash, no conversion) in a fixed-size sketch ([`MidCounts`]).
//!
//! Guard rails:
//! - lines shorter than [`MIN_KEY_CHARS`] and structural lines that real documents share
//!   (`一、`, `目录`, `参考文献`, `摘要`, `第三章 …`) are never learned;
//! - lines without a letter or Han character (page numbers, rules) are never learned;
//! - lines longer than [`MAX_KEY_CHARS`] are body paragraphs and are not counted (this also
//!   bounds the learner's memory);
//! - a page that loses more than [`WARN_SHARE`] of its characters to learned lines gets a
//!   warning in its report (a page that was nothing but boilerplate ends up empty: there was
//!   no document on it);
//! - the title line the `template` stage put first is never removed.
//!
//! The decision is deterministic: a key is learned when its set of distinct fingerprints
//! reaches the threshold, which does not depend on the order pages are counted in.

use std::borrow::Cow;
use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::chars::{halfwidth, trim};
use crate::converter::Converter;
use crate::pipeline::{Ctx, Page};
use crate::stages::template;

/// Longest line key that is counted, in characters.
pub const MAX_KEY_CHARS: usize = 200;
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

/// A set of characters: a bitmap over the Basic Multilingual Plane, a hash set beyond it.
#[derive(Debug, Default)]
struct CharSet {
    bmp: Vec<u64>,
    rest: HashSet<char>,
}

impl CharSet {
    fn insert(&mut self, c: char) {
        let u = c as usize;
        if u < 0x10000 {
            if self.bmp.is_empty() {
                self.bmp = vec![0; 0x10000 / 64];
            }
            self.bmp[u / 64] |= 1 << (u % 64);
        } else {
            self.rest.insert(c);
        }
    }

    fn contains(&self, c: char) -> bool {
        let u = c as usize;
        if u < 0x10000 {
            self.bmp
                .get(u / 64)
                .is_some_and(|w| w & (1 << (u % 64)) != 0)
        } else {
            self.rest.contains(&c)
        }
    }
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
    /// From learned keys (as [`line_key`] makes them), for lines converted by `converter`.
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

    fn contains(&self, line: &str, ctx: &Ctx) -> bool {
        if !self.may_contain(line) {
            return false;
        }
        with_remembered_key(ctx.id, line, &ctx.converter, |k| {
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

pub fn apply(page: &mut Page, ctx: &Ctx) -> u64 {
    if ctx.boilerplate.is_empty() {
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
        .filter(|r| !(titled && r.start == 0) && ctx.boilerplate.contains(&text[r.clone()], ctx))
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

/// The byte ranges of `text`'s edge lines ([`edge_lines`] of its lines), in order, each
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

/// The key both passes use: the line as the template stage keys it (annotations stripped,
/// converted, tags off) and then folded by [`line_key`]. Learning reads raw pages and the
/// stage sees cleaned ones; punctuation widths, spaces and digits are folded away, so both see
/// one key for one line.
pub fn learn_key(line: &str, converter: &Converter) -> Option<String> {
    // A line too long to be counted is not converted first: body paragraphs are most of a
    // page, and learning must stay a fraction of cleaning. (Annotations make a raw line up
    // to about five times longer in bytes than its key.)
    if line.len() > MAX_KEY_CHARS * 6 {
        return None;
    }
    line_key(&template::line_key(line, converter))
}

/// [`learn_key`], or `None` when that key is [structural](is_structural): the key of a line
/// that learning may count and this stage may remove.
pub fn learnable_key(line: &str, converter: &Converter) -> Option<String> {
    learn_key(line, converter).filter(|k| !is_structural(k))
}

/// [`learnable_key`], remembered per thread for the cleaner `owner` (its `Ctx::id`: another
/// cleaner may convert differently). A site's template lines recur verbatim on every page, and
/// their keys (a tag pass, annotation stripping, a conversion and the structural pattern
/// each) are asked for twice per page: by learning and by this stage. A key depends on the
/// line alone, so remembering changes no result; the memory is bounded.
pub fn remembered_key(owner: u64, line: &str, converter: &Converter) -> Option<String> {
    with_remembered_key(owner, line, converter, |k| k.map(str::to_owned))
}

/// [`remembered_key`] without a copy: `f` sees the key.
pub fn with_remembered_key<R>(
    owner: u64,
    line: &str,
    converter: &Converter,
    f: impl FnOnce(Option<&str>) -> R,
) -> R {
    type Memo = (u64, rustc_hash::FxHashMap<Box<str>, Option<String>>);
    thread_local! {
        static KEYS: std::cell::RefCell<Memo> = Default::default();
    }
    const MAX_REMEMBERED: usize = 1 << 14;
    KEYS.with(|keys| {
        let mut keys = keys.borrow_mut();
        if keys.0 != owner {
            *keys = (owner, Default::default());
        }
        if let Some(key) = keys.1.get(line) {
            return f(key.as_deref());
        }
        let key = learnable_key(line, converter);
        let r = f(key.as_deref());
        if keys.1.len() >= MAX_REMEMBERED {
            keys.1.clear();
        }
        keys.1.insert(line.into(), key);
        r
    })
}

/// The normalised form of a line that learning counts; `None` for lines never learned
/// (blank, too long, or without a letter or Han character).
pub fn line_key(line: &str) -> Option<String> {
    let mut key = String::with_capacity(line.len());
    let mut in_digits = false;
    let mut meaningful = false;
    let mut n = 0usize;
    for c in line.chars() {
        if c.is_whitespace() {
            continue;
        }
        n += 1;
        if n > MAX_KEY_CHARS {
            return None;
        }
        // Punctuation widths fold (the punct stage widens what learning saw narrow).
        let c = match halfwidth(c) {
            '。' => '.',
            c => c.to_ascii_lowercase(),
        };
        if c.is_ascii_digit() {
            if !in_digits {
                key.push('0');
            }
            in_digits = true;
            continue;
        }
        in_digits = false;
        // One letter is enough (the test is a table search for most characters).
        meaningful = meaningful || c.is_alphabetic();
        key.push(c);
    }
    (meaningful && key.chars().count() >= 2).then_some(key)
}

/// How many non-blank lines at each end of a page count as its edges.
pub const EDGE_LINES: usize = 8;

/// Which lines are at the page's edges: the first and last [`EDGE_LINES`] non-blank lines. A
/// site's template sits around the document (header, footer, disclaimer); a line that recurs
/// in the middle of many documents is their publisher's own text (`显示此帮助信息并退出` in
/// every manual page), so only edge lines are counted and removed.
pub fn edge_lines(lines: &[&str]) -> Vec<bool> {
    let nonblank: Vec<usize> = (0..lines.len())
        .filter(|&i| !trim(lines[i]).is_empty())
        .collect();
    let mut edge = vec![false; lines.len()];
    for &i in nonblank
        .iter()
        .take(EDGE_LINES)
        .chain(nonblank.iter().rev().take(EDGE_LINES))
    {
        edge[i] = true;
    }
    edge
}

/// Keys shorter than this (in characters) are never learned on frequency alone: headings a
/// publisher repeats in every document (`相关主题`, `语法：`, `示例`, `描述`) look exactly like a
/// short template line, and a batch from one publisher has hundreds of each. The short lines of
/// the known templates (`文档简介`, `评论`) are the site rules' business.
pub const MIN_KEY_CHARS: usize = 6;

/// Structural lines that many real documents share and that are not boilerplate: short
/// lines, table-of-contents words, chapter and list headings.
pub fn is_structural(key: &str) -> bool {
    if key.chars().count() < MIN_KEY_CHARS {
        return true;
    }
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(concat!(
            r"^(?:目录|目次|摘要|内容摘要|关键词|关键字|参考文献|引言|前言|序言|绪论|概述|结论|结语|",
            r"致谢|附录|小结|总结|习题|练习|答案|解析|注释|说明|abstract|keywords|references|",
            r"introduction|conclusions?|contents)[:.]?$",
            r"|^第[0零一二三四五六七八九十百千]+[章节篇部分课讲回单元].{0,20}$",
            r"|^[一二三四五六七八九十]+[、.].{0,12}$",
            r"|^[(\[]?[0一二三四五六七八九十]+[)\]][^,.;]{0,12}$",
            r"|^0(?:\.0)*[、.]?[^,.;]{0,12}$",
        ))
        .expect("structural pattern")
    })
    .is_match(key)
}

fn hash(s: &str) -> u64 {
    // FNV-1a: stable across runs and platforms, so saved lists and fingerprints agree.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.as_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// `b.is_ascii_whitespace()` as comparisons without branches or a bit table, so that the
/// byte-counting loops using it compile to vector code.
#[inline]
fn ascii_space(b: u8) -> bool {
    (b == b' ') | (b == b'\t') | (b == b'\n') | (b == b'\r') | (b == 0x0C)
}

/// How many of `bytes` are ASCII digits or ASCII whitespace, counted in chunks of 255 with
/// byte counters and branch-free comparisons, which the compiler turns into vector code (this
/// runs over most of every page in learning's pass 1).
fn digits_and_spaces(bytes: &[u8]) -> usize {
    let mut n = 0usize;
    for chunk in bytes.chunks(255) {
        let mut c = 0u8;
        for &b in chunk {
            c += u8::from(ascii_space(b) | (b.wrapping_sub(b'0') < 10));
        }
        n += usize::from(c);
    }
    n
}

/// A page's document fingerprint from its longest lines: their bytes without ASCII
/// whitespace, each run of ASCII digits as one `0`, lines separated by `\n`, hashed eight
/// bytes at a time. Pages that differ only in numbers (a page counter, a record id) are one
/// document, which errs towards learning less. No copy is made: these are most of a page's
/// bytes, and learning must stay a small fraction of a cleaning. The hash is fixed (not
/// seeded), so every process of a distributed run computes the same fingerprint.
fn fingerprint<'a>(lines: impl Iterator<Item = &'a str>) -> u64 {
    let mut h = Fingerprint::default();
    for (i, line) in lines.enumerate() {
        if i > 0 {
            h.push(b'\n');
        }
        let bytes = line.as_bytes();
        let mut in_digits = false;
        let mut at = 0;
        while at < bytes.len() {
            // Eight bytes at once when none of them can be whitespace or a digit (all are
            // 0x40 or above: the Han text that is most of these lines).
            if let Some(word) = bytes.get(at..at + 8) {
                let w = u64::from_le_bytes(word.try_into().expect("eight bytes"));
                const HIGH: u64 = 0x8080_8080_8080_8080;
                if (w | (w << 1)) & HIGH == HIGH {
                    h.push_word(w);
                    in_digits = false;
                    at += 8;
                    continue;
                }
            }
            h.push_folded(bytes[at], &mut in_digits);
            at += 1;
        }
    }
    h.finish()
}

/// The hash state of [`fingerprint`]: bytes are gathered into 64-bit words, each word mixed
/// in with a multiply and a rotation.
struct Fingerprint {
    h: u64,
    word: u64,
    /// Bytes gathered in `word` (0..8).
    filled: u32,
}

impl Default for Fingerprint {
    fn default() -> Self {
        Fingerprint {
            h: 0xcbf2_9ce4_8422_2325,
            word: 0,
            filled: 0,
        }
    }
}

impl Fingerprint {
    fn mix(&mut self, word: u64) {
        self.h = (self.h ^ word)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .rotate_left(29);
    }

    fn push(&mut self, b: u8) {
        self.word |= u64::from(b) << (8 * self.filled);
        self.filled += 1;
        if self.filled == 8 {
            let word = self.word;
            self.mix(word);
            self.word = 0;
            self.filled = 0;
        }
    }

    /// One byte of a fingerprinted line: ASCII whitespace dropped, a run of ASCII digits
    /// pushed as one `0` (`in_digits` says whether the last byte pushed ended a digit run).
    fn push_folded(&mut self, b: u8, in_digits: &mut bool) {
        if b.is_ascii_whitespace() {
            return;
        }
        if b.is_ascii_digit() {
            if !*in_digits {
                self.push(b'0');
            }
            *in_digits = true;
        } else {
            *in_digits = false;
            self.push(b);
        }
    }

    /// Eight bytes, the same as eight `push`es.
    fn push_word(&mut self, w: u64) {
        if self.filled == 0 {
            self.mix(w);
        } else {
            let shift = 8 * self.filled;
            let full = self.word | (w << shift);
            self.mix(full);
            self.word = w >> (64 - shift);
        }
    }

    fn finish(mut self) -> u64 {
        let (word, filled) = (self.word, self.filled);
        self.mix(word);
        self.mix(u64::from(filled));
        // Final avalanche (splitmix64's), so that fingerprints differing in few bits spread.
        let h = self.h;
        let h = (h ^ (h >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        let h = (h ^ (h >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        h ^ (h >> 31)
    }
}

/// What one page contributes to learning: its document fingerprint, the keys of its edge
/// lines, and the spellings of its other lines.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageLines {
    pub document: u64,
    /// The edge lines' keys, sorted and distinct.
    pub keys: Vec<String>,
    /// For each key, the [`spelling`] of the raw line it came from (the smallest, when two
    /// lines of the page share a key).
    pub spellings: Vec<u64>,
    /// The [`spelling`]s of the page's other (mid-page) lines, sorted and distinct.
    pub mid: Vec<u64>,
}

/// A raw line's spelling: a hash of its bytes, trimmed, eight at a time. It is computed for
/// every line of a page, which a key (a conversion each) would make too costly, so nothing is
/// folded; one key has a few spellings (annotated or not, converted by one table or another,
/// other page numbers), and learning keeps the smallest [`MAX_SPELLINGS`] of them for the key.
/// (A key with more spellings is under-counted mid-page, which errs towards learning it, as
/// before mid-page lines were counted.)
pub fn spelling(line: &str) -> u64 {
    spelling_of_trimmed(trim(line))
}

/// [`spelling`] of a line already trimmed (`page_lines` trims every line once).
fn spelling_of_trimmed(trimmed: &str) -> u64 {
    let bytes = trimmed.as_bytes();
    let mut h = Fingerprint::default();
    let mut words = bytes.chunks_exact(8);
    for w in &mut words {
        h.mix(u64::from_le_bytes(w.try_into().expect("eight bytes")));
    }
    // The last bytes as `push` would gather them (little-endian, zero above).
    let rest = words.remainder();
    let mut last = [0u8; 8];
    last[..rest.len()].copy_from_slice(rest);
    h.word = u64::from_le_bytes(last);
    h.filled = rest.len() as u32;
    h.finish()
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

/// Counts, for each line key, the distinct documents it appears in at a page's edge, and how
/// often its spellings appear mid-page.
#[derive(Debug, Default)]
pub struct Learner {
    /// key hash -> the line's key, its distinct document fingerprints (capped: only whether
    /// they reach the threshold matters), the pages it was seen on and its spellings.
    lines: HashMap<u64, LineStat>,
    documents: HashSet<u64>,
    /// Pages on which each spelling appears mid-page.
    mid: MidCounts,
    cap: usize,
}

#[derive(Debug, Default)]
struct LineStat {
    key: String,
    documents: Vec<u64>,
    pages: u64,
    /// The smallest [`MAX_SPELLINGS`] spellings it had (the smallest, so that the set does
    /// not depend on the order pages were counted in).
    spellings: Vec<u64>,
}

/// Spellings kept per key.
pub const MAX_SPELLINGS: usize = 8;

impl LineStat {
    fn add(&mut self, document: u64, cap: usize) {
        if self.documents.len() < cap && !self.documents.contains(&document) {
            self.documents.push(document);
        }
    }

    fn add_spelling(&mut self, spelling: u64) {
        if let Err(at) = self.spellings.binary_search(&spelling) {
            if at < MAX_SPELLINGS {
                self.spellings.insert(at, spelling);
                self.spellings.truncate(MAX_SPELLINGS);
            }
        }
    }
}

/// Share of its pages on which a line must sit at an edge to be learned: a site's template
/// wraps every document, so its lines are at the edges of every page they are on; a line that
/// is often mid-page is the documents' own text, however many documents share it (a
/// publisher's credit line, `[中文版维护人]`, at the end of every manual page; a page that
/// happens to end there has it at its edge).
pub const MIN_EDGE_SHARE: f64 = 0.75;

/// Whether a line seen at the edge of `edge_pages` pages and mid-page on `mid_pages` is at the
/// edge often enough ([`MIN_EDGE_SHARE`]) to be learned.
pub fn edge_share_ok(edge_pages: u64, mid_pages: u64) -> bool {
    edge_pages as f64 >= MIN_EDGE_SHARE * (edge_pages + mid_pages) as f64
}

/// Mid-page counts of spellings, in fixed memory: a count-min sketch, [`MID_ROWS`] rows of
/// [`MID_WIDTH`] counters, each spelling counted once per page in one counter per row, read
/// as the smallest of its counters. A batch has as many distinct mid-page lines as it has
/// body lines, too many to count one by one; a sketch only ever overstates a count, which
/// makes learning hold back (never remove more). Counts add up, so sketches merge and the
/// result is the same whatever order pages were counted in.
#[derive(Debug, Default, Clone)]
pub struct MidCounts {
    /// Empty until the first count (a learner that sees no mid-page line costs nothing).
    counters: Vec<u32>,
}

/// Rows of [`MidCounts`].
pub const MID_ROWS: usize = 2;
/// Counters per row of [`MidCounts`] (2^20: 8 MB in all).
pub const MID_WIDTH: usize = 1 << 20;

impl MidCounts {
    /// The counter a spelling uses in each row: separate bit ranges of the (well mixed)
    /// spelling hash.
    pub fn indices(spelling: u64) -> [usize; MID_ROWS] {
        let mask = MID_WIDTH as u64 - 1;
        [
            (spelling & mask) as usize,
            MID_WIDTH + ((spelling >> 32) & mask) as usize,
        ]
    }

    /// Counts one page's mid-page spellings (distinct).
    pub fn add(&mut self, spellings: &[u64]) {
        if spellings.is_empty() {
            return;
        }
        if self.counters.is_empty() {
            self.counters = vec![0; MID_ROWS * MID_WIDTH];
        }
        for &s in spellings {
            for i in Self::indices(s) {
                self.counters[i] = self.counters[i].saturating_add(1);
            }
        }
    }

    pub fn merge(&mut self, other: MidCounts) {
        if other.counters.is_empty() {
            return;
        }
        if self.counters.is_empty() {
            self.counters = other.counters;
            return;
        }
        for (a, b) in self.counters.iter_mut().zip(other.counters) {
            *a = a.saturating_add(b);
        }
    }

    /// Pages on which `spelling` was seen mid-page, or more (never fewer).
    pub fn estimate(&self, spelling: u64) -> u64 {
        Self::estimate_from(spelling, |i| {
            self.counters.get(i).copied().map_or(0, u64::from)
        })
    }

    /// [`MidCounts::estimate`] from counters kept elsewhere (`counter(index)`), as a
    /// distributed run sums them: the smallest of the spelling's counters.
    pub fn estimate_from(spelling: u64, counter: impl Fn(usize) -> u64) -> u64 {
        Self::indices(spelling)
            .into_iter()
            .map(counter)
            .min()
            .unwrap_or(0)
    }
}

/// A [`MidCounts`] that many threads count into at once: pass 1 of a run keeps one sketch for
/// the whole batch, instead of one per piece of work, so its 8 MB are touched once and never
/// merged. Counts add up whatever the order, so the result is the same on any thread count.
pub struct SharedMidCounts {
    counters: Box<[AtomicU32]>,
}

impl Default for SharedMidCounts {
    fn default() -> Self {
        SharedMidCounts {
            counters: (0..MID_ROWS * MID_WIDTH)
                .map(|_| AtomicU32::new(0))
                .collect(),
        }
    }
}

impl SharedMidCounts {
    /// [`MidCounts::add`], from any thread.
    pub fn add(&self, spellings: &[u64]) {
        for &s in spellings {
            for i in MidCounts::indices(s) {
                // Saturating, as `MidCounts` counts.
                let _ = self.counters[i]
                    .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |v| v.checked_add(1));
            }
        }
    }

    /// The counts, as one [`MidCounts`].
    pub fn into_counts(self) -> MidCounts {
        MidCounts {
            counters: self
                .counters
                .into_vec()
                .into_iter()
                .map(AtomicU32::into_inner)
                .collect(),
        }
    }
}

/// Learning thresholds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LearnOptions {
    /// A line is boilerplate when it appears in at least this many distinct documents…
    pub min_docs: usize,
    /// …and in at least this share of the batch's distinct documents.
    pub min_share: f64,
}

impl Default for LearnOptions {
    fn default() -> Self {
        LearnOptions {
            min_docs: 5,
            min_share: 0.0,
        }
    }
}

impl LearnOptions {
    /// The number of distinct documents a line needs in a batch of `documents`.
    pub fn threshold(&self, documents: usize) -> usize {
        self.min_docs
            .max((self.min_share * documents as f64).ceil() as usize)
            .max(2)
    }
}

/// One learned line, for reports and `--boilerplate` files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LearnedLine {
    pub key: String,
    /// Distinct documents it was seen in (counting stops at the learner's cap).
    pub documents: usize,
    /// Pages it was seen on.
    pub pages: u64,
}

impl Learner {
    /// A learner that stops counting a line's distinct documents at `cap` (at least the
    /// largest threshold that will be asked for; counting further only costs time).
    pub fn new(cap: usize) -> Self {
        Learner {
            cap: cap.max(2),
            ..Learner::default()
        }
    }

    /// Adds one page.
    pub fn add(&mut self, page: &PageLines) {
        self.add_edges(page);
        self.mid.add(&page.mid);
    }

    /// Adds one page but its mid-page spellings, which the caller counts elsewhere (a
    /// [`SharedMidCounts`], given to [`Learner::merge_mid`] at the end).
    pub fn add_edges(&mut self, page: &PageLines) {
        self.documents.insert(page.document);
        for (i, key) in page.keys.iter().enumerate() {
            // Keys from `page_lines` are never structural, but a caller may give any: each is
            // checked when first seen (a structural key never gets an entry).
            let stat = match self.lines.entry(hash(key)) {
                Entry::Occupied(e) => e.into_mut(),
                Entry::Vacant(_) if is_structural(key) => continue,
                Entry::Vacant(e) => e.insert(LineStat {
                    key: key.clone(),
                    ..LineStat::default()
                }),
            };
            stat.add(page.document, self.cap);
            stat.pages += 1;
            if let Some(&s) = page.spellings.get(i) {
                stat.add_spelling(s);
            }
        }
    }

    /// Adds mid-page counts made elsewhere.
    pub fn merge_mid(&mut self, mid: MidCounts) {
        self.mid.merge(mid);
    }

    /// Merges another learner's counts (for parallel counting).
    pub fn merge(&mut self, other: Learner) {
        self.documents.extend(other.documents);
        for (h, theirs) in other.lines {
            let LineStat {
                key,
                documents,
                pages,
                spellings,
            } = theirs;
            let stat = self.lines.entry(h).or_insert_with(|| LineStat {
                key,
                ..LineStat::default()
            });
            for d in documents {
                stat.add(d, self.cap);
            }
            stat.pages += pages;
            for s in spellings {
                stat.add_spelling(s);
            }
        }
        self.mid.merge(other.mid);
    }

    /// Distinct documents seen.
    pub fn documents(&self) -> usize {
        self.documents.len()
    }

    /// The learned lines, sorted by key: in enough distinct documents, and at the edge of
    /// enough of their pages ([`edge_share_ok`]).
    pub fn finish(&self, options: &LearnOptions) -> Vec<LearnedLine> {
        self.frequent(options)
            .into_iter()
            .filter(|(_, mid)| edge_share_ok(mid.0, mid.1))
            .map(|(l, _)| l)
            .collect()
    }

    /// The lines in enough distinct documents that [`Learner::finish`] still holds back
    /// because they are often mid-page, with their mid-page count (for reports).
    pub fn held_back(&self, options: &LearnOptions) -> Vec<(LearnedLine, u64)> {
        self.frequent(options)
            .into_iter()
            .filter(|(_, mid)| !edge_share_ok(mid.0, mid.1))
            .map(|(l, (_, mid))| (l, mid))
            .collect()
    }

    /// Every line in enough distinct documents, sorted by key, with (edge pages, mid-page
    /// pages of its spellings).
    fn frequent(&self, options: &LearnOptions) -> Vec<(LearnedLine, (u64, u64))> {
        let need = options.threshold(self.documents()).min(self.cap);
        let frequent: BTreeMap<&str, &LineStat> = self
            .lines
            .values()
            .filter(|s| s.documents.len() >= need)
            .map(|s| (s.key.as_str(), s))
            .collect();
        frequent
            .into_iter()
            .map(|(k, s)| {
                let mid = s.spellings.iter().map(|&sp| self.mid.estimate(sp)).sum();
                let line = LearnedLine {
                    key: k.to_string(),
                    documents: s.documents.len(),
                    pages: s.pages,
                };
                (line, (s.pages, mid))
            })
            .collect()
    }
}

/// Writes learned lines as a `--boilerplate` file: a comment, then one
/// `documents<TAB>pages<TAB>key` line per learned line (keys hold no whitespace, so no
/// quoting is needed).
pub fn write_learned(lines: &[LearnedLine]) -> String {
    let mut out = String::from("# zhclean learned boilerplate: documents\tpages\tkey\n");
    for l in lines {
        out.push_str(&format!("{}\t{}\t{}\n", l.documents, l.pages, l.key));
    }
    out
}

/// Reads a `--boilerplate` file written by [`write_learned`]; blank lines and lines starting
/// with `#` are skipped. The error names the first bad line.
pub fn parse_learned(text: &str) -> Result<Vec<LearnedLine>, String> {
    let mut lines = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let bad = |what: &str| format!("boilerplate list line {}: {what}: {line:?}", i + 1);
        let mut fields = line.splitn(3, '\t');
        let (Some(documents), Some(pages), Some(key)) =
            (fields.next(), fields.next(), fields.next())
        else {
            return Err(bad("expected documents<TAB>pages<TAB>key"));
        };
        let documents = documents
            .parse()
            .map_err(|_| bad("documents is not a number"))?;
        let pages = pages.parse().map_err(|_| bad("pages is not a number"))?;
        if key.is_empty() || key.chars().any(char::is_whitespace) {
            return Err(bad("key is empty or holds whitespace"));
        }
        lines.push(LearnedLine {
            key: key.to_string(),
            documents,
            pages,
        });
    }
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `spelling` gathers a line's last bytes at once: the hash `push` byte by byte gives.
    #[test]
    fn spelling_is_the_bytes_pushed_one_by_one() {
        let text = "本文档由用户提供并上传 abc,123 第1页";
        for end in (0..=text.len()).filter(|&e| text.is_char_boundary(e)) {
            let line = &text[..end];
            let mut h = Fingerprint::default();
            trim(line).bytes().for_each(|b| h.push(b));
            assert_eq!(spelling(line), h.finish(), "{line:?}");
        }
    }

    #[test]
    fn keys_fold_digits_spaces_and_widths() {
        assert_eq!(
            line_key("已阅读5页，还剩13页未读"),
            line_key("已阅读12页, 还剩 7 页未读")
        );
        assert_eq!(line_key("  "), None);
        assert_eq!(line_key("- 12 -"), None);
        assert_eq!(line_key(&"长".repeat(MAX_KEY_CHARS + 1)), None);
    }

    /// [`fingerprint`] a byte at a time (no eight-byte words).
    fn fingerprint_by_bytes(lines: &[&str]) -> u64 {
        let mut h = Fingerprint::default();
        for (i, line) in lines.iter().enumerate() {
            if i > 0 {
                h.push(b'\n');
            }
            let mut in_digits = false;
            for &b in line.as_bytes() {
                h.push_folded(b, &mut in_digits);
            }
        }
        h.finish()
    }

    #[test]
    fn fingerprints_fold_digits_and_spaces_only() {
        let fp = |l: &[&str]| fingerprint(l.iter().copied());
        assert_eq!(
            fp(&["第5页 共12页 数据结构与算法", "正文"]),
            fp(&["第 17 页 共3页数据结构与算法", "正文"])
        );
        assert_ne!(fp(&["数据结构与算法", "正文"]), fp(&["数据结构与算法正文"]));
        assert_ne!(fp(&["数据结构与算法"]), fp(&["数据结构与算术"]));
        assert_ne!(fp(&["a"]), fp(&["a\u{0}"]));
    }

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

        /// The eight-bytes-at-once path changes no fingerprint.
        #[test]
        fn fingerprint_words_match_bytes(lines in proptest::collection::vec("[ 0-9a-z\\t长江大桥。，Ａ-Ｚ]{0,40}", 0..4)) {
            let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
            proptest::prop_assert_eq!(fingerprint(refs.iter().copied()), fingerprint_by_bytes(&refs));
        }

        #[test]
        fn digit_and_space_counts_match(s in "[ 0-9a-z\\t\\n长江。]{0,600}") {
            let want = s.bytes().filter(|b| b.is_ascii_digit() || b.is_ascii_whitespace()).count();
            proptest::prop_assert_eq!(digits_and_spaces(s.as_bytes()), want);
        }

        #[test]
        fn warn_share_matches_the_exact_count(s in "[ 0-9a-z\\n长江。\u{3000}\u{a0}]{0,300}", removed in 0usize..200) {
            let total = s.chars().filter(|c| !c.is_whitespace()).count().max(1);
            proptest::prop_assert_eq!(over_warn_share(&s, removed), removed as f64 / total as f64 > WARN_SHARE);
        }
    }

    #[test]
    fn structural_lines_are_never_learned() {
        for s in [
            "目录",
            "参考文献",
            "摘要：",
            "一、",
            "一、总则",
            "第三章 机械振动",
            "(1)概述",
            "1.2 背景",
        ] {
            assert!(is_structural(&line_key(s).unwrap()), "{s}");
        }
        for s in [
            "版权说明:本文档由用户提供并上传",
            "就爱阅读网友为您分享以下",
        ] {
            assert!(!is_structural(&line_key(s).unwrap()), "{s}");
        }
    }

    fn page(title: &str, body: &[&str], template: &[&str]) -> String {
        let mut lines = vec![title.to_string()];
        lines.extend(template.iter().map(|s| s.to_string()));
        lines.extend(body.iter().map(|s| s.to_string()));
        lines.join("\n")
    }

    #[test]
    fn learns_template_lines_not_mirrored_bodies() {
        let template = ["本站所有资源均来自网络", "下载须知：请勿传播"];
        let conv = Converter::new();
        let mut learner = Learner::new(10);
        let docs = ["甲", "乙", "丙", "丁", "戊", "己"];
        for d in docs {
            let body = [
                format!("{d}文档的正文，内容各不相同，长度也足够长，足以成为指纹"),
                format!("{d}的第二段"),
            ];
            let body: Vec<&str> = body.iter().map(String::as_str).collect();
            learner.add(&page_lines(
                &page(&format!("{d}的标题"), &body, &template),
                &conv,
            ));
        }
        // One document saved from five mirrors: its body must not become boilerplate.
        for _ in 0..5 {
            let mirror = page(
                "镜像",
                &["镜像文档的正文很长很长很长，每个镜像都一样", "镜像第二段"],
                &[],
            );
            learner.add(&page_lines(&mirror, &conv));
        }
        let learned: Vec<String> = learner
            .finish(&LearnOptions::default())
            .into_iter()
            .map(|l| l.key)
            .collect();
        assert_eq!(
            learned,
            vec![
                line_key("下载须知：请勿传播").unwrap(),
                line_key("本站所有资源均来自网络").unwrap()
            ]
        );
        assert_eq!(learner.documents(), 7);
    }

    #[test]
    fn lines_often_mid_page_are_held_back() {
        // A publisher's credit line closes every manual page. Pages cut from a run of manual
        // pages have it mid-page, and at an edge only where a cut falls next to it; the site's
        // notice is at the top of every page.
        let conv = Converter::new();
        let mut learner = Learner::new(64);
        let credit = "本页面中文版由中文man手册页计划提供。";
        let notice = "本站文档均由用户上传，仅供学习参考";
        for i in 0..40 {
            let mut lines = vec![notice.to_string()];
            for j in 0..30 {
                // Digits fold away in fingerprints: pages differ by their characters.
                let c = char::from_u32(0x4E00 + 40 * i + j).unwrap();
                lines.push(format!(
                    "正文{c}{c}，每一行都各不相同，内容各异，也比别的行长"
                ));
                if j % 10 == 4 {
                    lines.push(credit.to_string());
                }
            }
            if i % 4 == 0 {
                lines.push(credit.to_string());
            }
            learner.add(&page_lines(&lines.join("\n"), &conv));
        }
        let options = LearnOptions::default();
        let learned: Vec<String> = learner
            .finish(&options)
            .into_iter()
            .map(|l| l.key)
            .collect();
        assert_eq!(learned, vec![line_key(notice).unwrap()]);
        let held: Vec<(String, u64)> = learner
            .held_back(&options)
            .into_iter()
            .map(|(l, mid)| (l.key, mid))
            .collect();
        // Mid-page on all 40 pages (each page counts once), at an edge on 10.
        assert_eq!(held, vec![(line_key(credit).unwrap(), 40)]);
    }

    #[test]
    fn mid_counts_merge_and_never_understate() {
        let mut a = MidCounts::default();
        let mut b = MidCounts::default();
        let spellings: Vec<u64> = (0..5000u64)
            .map(|i| spelling(&format!("第{i}行")))
            .collect();
        for (i, s) in spellings.iter().enumerate() {
            let page = [*s];
            if i % 2 == 0 {
                a.add(&page);
            } else {
                b.add(&page);
            }
            a.add(&page);
        }
        a.merge(b);
        for s in &spellings {
            assert!(a.estimate(*s) >= 2);
        }
        assert_eq!(MidCounts::default().estimate(spellings[0]), 0);
    }

    /// Counting from several threads into one shared sketch gives the counts one sketch
    /// gets from the same pages in order.
    #[test]
    fn shared_mid_counts_equal_one_sketch() {
        let pages: Vec<Vec<u64>> = (0..400u64)
            .map(|p| {
                (0..p % 7)
                    .map(|l| spelling(&format!("{}行", p * l % 97)))
                    .collect()
            })
            .collect();
        let mut one = MidCounts::default();
        pages.iter().for_each(|p| one.add(p));
        let shared = SharedMidCounts::default();
        std::thread::scope(|scope| {
            for part in pages.chunks(100) {
                let shared = &shared;
                scope.spawn(move || part.iter().for_each(|p| shared.add(p)));
            }
        });
        assert_eq!(shared.into_counts().counters, one.counters);
    }

    #[test]
    fn learned_lists_round_trip() {
        let lines = vec![
            LearnedLine {
                key: "本站所有资源均来自网络".into(),
                documents: 64,
                pages: 310,
            },
            LearnedLine {
                key: "已阅读0页,还剩0页未读".into(),
                documents: 5,
                pages: 5,
            },
        ];
        let text = write_learned(&lines);
        assert!(text.starts_with('#'));
        assert_eq!(parse_learned(&text).unwrap(), lines);
        assert_eq!(parse_learned("\n# only a comment\n").unwrap(), vec![]);
        let err = parse_learned("# c\n5\tx\tkey\n").unwrap_err();
        assert!(err.contains("line 2") && err.contains("pages"), "{err}");
        assert!(parse_learned("5\t5\n").is_err());
        assert!(parse_learned("5\t5\ta b\n").is_err());
    }
}
