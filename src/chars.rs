//! Character classes shared by the punctuation and spacing stages, the spans (URLs,
//! e-mail addresses, paths) whose characters those stages leave alone, and what the stages
//! share to read a page fast: the line split, `trim`, and [`ByteSet`], the scan for the few
//! bytes a stage looks for (16 or 64 bytes at a time).

use std::ops::Range;
use std::sync::OnceLock;

use regex::Regex;

/// Han ideographs (and kana, which behave the same for spacing and punctuation).
pub fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x4E00..=0x9FFF | 0x3400..=0x4DBF | 0x20000..=0x3134F | 0xF900..=0xFAFF
        | 0x3040..=0x30FF | 0x3007)
}

/// Han ideographs of the BMP only, no kana: the characters the character model and GBK know,
/// where [`is_han`] is about how text is spaced and punctuated.
pub fn is_bmp_ideograph(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}')
}

/// A set of characters: a bit per BMP code point (8 KB, allocated at the first insert), a hash
/// set beyond. Read once per character of a page where it is used, so membership is one word.
#[derive(Debug, Default, Clone)]
pub struct CharSet {
    bmp: Vec<u64>,
    rest: std::collections::HashSet<char>,
}

impl CharSet {
    pub fn insert(&mut self, c: char) {
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

    pub fn contains(&self, c: char) -> bool {
        let u = c as usize;
        if u < 0x10000 {
            self.bmp
                .get(u / 64)
                .is_some_and(|w| w & (1 << (u % 64)) != 0)
        } else {
            !self.rest.is_empty() && self.rest.contains(&c)
        }
    }

    /// The BMP bits, 64 code points a word from U+0000 (empty while no BMP character is in):
    /// for rank queries over the set.
    pub fn bmp_words(&self) -> &[u64] {
        &self.bmp
    }
}

impl FromIterator<char> for CharSet {
    fn from_iter<I: IntoIterator<Item = char>>(iter: I) -> Self {
        let mut set = CharSet::default();
        iter.into_iter().for_each(|c| set.insert(c));
        set
    }
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

/// Whether the curly quote `quote` belongs to Chinese text: an opening quote whose quoted
/// text starts with Chinese, a closing one whose quoted text ends with it. `after` yields the
/// characters after the quote, `before` those before it, nearest first.
pub fn quote_is_cjk(
    quote: char,
    mut after: impl Iterator<Item = char>,
    mut before: impl Iterator<Item = char>,
) -> bool {
    let inner = match quote {
        '“' | '‘' => after.find(|c| !c.is_whitespace()),
        '”' | '’' => before.find(|c| !c.is_whitespace()),
        _ => return false,
    };
    inner.is_some_and(is_cjk)
}

/// The ASCII form of a full-width ASCII variant (`，` -> `,`, `Ａ` -> `A`); other characters
/// as they are. Line keys fold punctuation widths with it.
pub fn halfwidth(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        c => c,
    }
}

/// `text.split('\n')` collected, faster on pages of many short lines (the stages that work
/// line by line call it on every page).
pub fn split_lines(text: &str) -> Vec<&str> {
    let mut lines = Vec::with_capacity(text.len() / 32 + 1);
    let mut start = 0;
    for nl in NEWLINE.positions(text) {
        lines.push(&text[start..nl]);
        start = nl + 1;
    }
    lines.push(&text[start..]);
    lines
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

/// Byte offsets of the literals one of which every protected form holds: the `:` of `://`
/// and `:\`, an `@`, the `.` of `www.` (any case).
fn literals(text: &str) -> impl Iterator<Item = usize> + '_ {
    let b = text.as_bytes();
    memchr::memchr3_iter(b':', b'@', b'.', b).filter(move |&i| match b[i] {
        b':' => b[i + 1..].starts_with(b"//") || b[i + 1..].starts_with(b"\\"),
        b'@' => true,
        _ => i >= 3 && b[i - 3..i].eq_ignore_ascii_case(b"www"),
    })
}

/// Whether `c` ends every protected form: no branch of the pattern matches whitespace or a
/// CJK ideograph.
fn ends_protected(c: char) -> bool {
    c.is_whitespace() || ('\u{4e00}'..='\u{9fff}').contains(&c)
}

/// The byte ranges of `text` that are URLs, e-mail addresses or Windows paths, in order.
pub fn protected_ranges(text: &str) -> Vec<Range<usize>> {
    // Every match holds one of the [`literals`] and lies within a run of characters that do
    // not [end it](ends_protected), so the pattern searches only the runs around a literal:
    // searching a whole page is slow on text with many ASCII words (the e-mail branch starts
    // at every letter), and most pages hold no literal at all. The matches are the same as a
    // search of the whole text would find, since none can cross the end of a run.
    let mut ranges = Vec::new();
    let mut searched = 0;
    for lit in literals(text) {
        if lit < searched {
            continue;
        }
        let start = text[..lit]
            .char_indices()
            .rev()
            .find(|&(_, c)| ends_protected(c))
            .map_or(0, |(k, c)| k + c.len_utf8());
        let end = text[lit..]
            .char_indices()
            .find(|&(_, c)| ends_protected(c))
            .map_or(text.len(), |(k, _)| lit + k);
        searched = end;
        ranges.extend(
            protected_re()
                .find_iter(&text[start..end])
                .map(|m| start + m.start()..start + m.end()),
        );
    }
    ranges
}

/// Whether byte `at` lies in one of `ranges` (sorted, disjoint: [`protected_ranges`]).
pub fn in_ranges(ranges: &[Range<usize>], at: usize) -> bool {
    let k = ranges.partition_point(|r| r.end <= at);
    ranges.get(k).is_some_and(|r| r.contains(&at))
}

/// `line.trim()`, without decoding the ends of a line that starts and ends with characters
/// that cannot be whitespace (most lines: every stage that reads lines trims them).
#[inline]
pub fn trim(line: &str) -> &str {
    let b = line.as_bytes();
    let Some(mut last) = b.len().checked_sub(1) else {
        return line;
    };
    while b[last] & 0xC0 == 0x80 && last > 0 {
        last -= 1;
    }
    if may_be_space(b) || may_be_space(&b[last..]) {
        line.trim()
    } else {
        line
    }
}

/// Whether the character `bytes` start with may be whitespace, from its first bytes: ASCII
/// whitespace, or U+0085, U+00A0 (lead byte C2), U+1680 (E1), U+2000-U+205F (E2), U+3000
/// (E3 80 80).
fn may_be_space(bytes: &[u8]) -> bool {
    match bytes {
        [b, ..] if *b <= b' ' => true,
        [0xC2 | 0xE1 | 0xE2, ..] | [0xE3, 0x80, 0x80, ..] => true,
        _ => false,
    }
}

/// A set of bytes a scan looks for: some single bytes and some inclusive ranges, or (with
/// `outside`) every byte in none of them. A scan that looks for a few kinds of character
/// (ASCII marks, full-width forms, spaces) names the bytes those start with; the set must
/// hold no continuation byte (`80`-`BF`), so that every offset [`ByteSet::next`] finds is a
/// character boundary.
pub struct ByteSet<const E: usize, const R: usize> {
    pub bytes: [u8; E],
    pub ranges: [(u8, u8); R],
    pub outside: bool,
}

impl<const E: usize, const R: usize> ByteSet<E, R> {
    /// Whether `b` is in the set.
    #[inline(always)]
    pub fn contains(&self, b: u8) -> bool {
        let inside =
            self.bytes.contains(&b) || self.ranges.iter().any(|&(lo, hi)| (lo..=hi).contains(&b));
        inside != self.outside
    }

    /// The offset of the first byte of `text` at or after `i` that is in the set, or
    /// `text.len()`. The text is read 16 bytes at a time with vector compares, so that a
    /// Chinese page, where these bytes are far apart, costs a fraction of an instruction a
    /// byte. (A byte loop costs several a byte, and stepping from character to character by
    /// their lengths more: each step waits for two loads.)
    #[inline]
    pub fn next(&self, text: &str, mut i: usize) -> usize {
        let bytes = text.as_bytes();
        while let Some(block) = bytes.get(i..i + 16) {
            let hits = self.hits(block.try_into().expect("16 bytes"));
            if hits != 0 {
                i += hits.trailing_zeros() as usize;
                debug_assert!(text.is_char_boundary(i));
                return i;
            }
            i += 16;
        }
        bytes
            .get(i..)
            .and_then(|rest| rest.iter().position(|&b| self.contains(b)))
            .map_or(bytes.len(), |k| i + k)
    }

    /// Every offset of `text` whose byte is in the set, in order. Reads 64 bytes at a time
    /// into a bit mask, so that bytes a few dozen apart (line breaks, a page's brackets) cost
    /// a few instructions each, where `memchr_iter` starts a new vector search for each.
    pub fn positions<'t>(&'t self, text: &'t str) -> Positions<'t, E, R> {
        Positions {
            set: self,
            bytes: text.as_bytes(),
            next_block: 0,
            base: 0,
            mask: 0,
        }
    }

    /// Bit `k` set when `block[k]` is in the set.
    #[cfg(target_arch = "x86_64")]
    #[inline(always)]
    fn hits(&self, block: &[u8; 16]) -> u32 {
        use std::arch::x86_64::*;
        // SAFETY: SSE2 is part of every x86_64 target; the load reads exactly the 16 bytes of
        // `block` (unaligned loads are allowed).
        unsafe {
            let v = _mm_loadu_si128(block.as_ptr().cast());
            let mut any = _mm_setzero_si128();
            for &b in &self.bytes {
                any = _mm_or_si128(any, _mm_cmpeq_epi8(v, _mm_set1_epi8(b as i8)));
            }
            for &(lo, hi) in &self.ranges {
                // `v - lo <= hi - lo`, unsigned: the smaller of the two is `v - lo`.
                let off = _mm_sub_epi8(v, _mm_set1_epi8(lo as i8));
                let capped = _mm_min_epu8(off, _mm_set1_epi8((hi - lo) as i8));
                any = _mm_or_si128(any, _mm_cmpeq_epi8(capped, off));
            }
            let mask = _mm_movemask_epi8(any) as u32;
            if self.outside {
                !mask & 0xFFFF
            } else {
                mask
            }
        }
    }

    #[cfg(not(target_arch = "x86_64"))]
    #[inline(always)]
    fn hits(&self, block: &[u8; 16]) -> u32 {
        block
            .iter()
            .enumerate()
            .fold(0, |m, (k, &b)| m | (u32::from(self.contains(b)) << k))
    }
}

/// The iterator [`ByteSet::positions`] returns.
pub struct Positions<'t, const E: usize, const R: usize> {
    set: &'t ByteSet<E, R>,
    bytes: &'t [u8],
    /// Offset of the next block to read.
    next_block: usize,
    /// Offset of the block `mask` describes.
    base: usize,
    /// The hits of that block not yet returned.
    mask: u64,
}

impl<const E: usize, const R: usize> Iterator for Positions<'_, E, R> {
    type Item = usize;

    #[inline]
    fn next(&mut self) -> Option<usize> {
        while self.mask == 0 {
            let at = self.next_block;
            if at >= self.bytes.len() {
                return None;
            }
            self.base = at;
            self.mask = match self.bytes.get(at..at + 64) {
                Some(block) => (0..4).fold(0u64, |m, q| {
                    let part: &[u8; 16] = block[16 * q..16 * q + 16].try_into().expect("16 bytes");
                    m | u64::from(self.set.hits(part)) << (16 * q)
                }),
                None => self.bytes[at..]
                    .iter()
                    .enumerate()
                    .fold(0, |m, (k, &b)| m | u64::from(self.set.contains(b)) << k),
            };
            self.next_block = at + 64;
        }
        let k = self.mask.trailing_zeros() as usize;
        self.mask &= self.mask - 1;
        Some(self.base + k)
    }
}

/// Line feeds, for [`ByteSet::positions`].
pub const NEWLINE: ByteSet<1, 0> = ByteSet {
    bytes: [b'\n'],
    ranges: [],
    outside: false,
};

/// The character at byte `at` of `text`, which must be a character boundary.
pub fn char_at(text: &str, at: usize) -> char {
    text[at..]
        .chars()
        .next()
        .expect("a character at a boundary")
}

/// For each char of `text` (`len` chars), whether it lies in a URL, e-mail address or
/// Windows path ([`protected_ranges`]).
pub fn protected_mask(text: &str, len: usize) -> Vec<bool> {
    let mut mask = vec![false; len];
    let (mut char_at, mut last_byte) = (0usize, 0usize);
    for r in protected_ranges(text) {
        char_at += text[last_byte..r.start].chars().count();
        let n = text[r.clone()].chars().count();
        mask[char_at..char_at + n]
            .iter_mut()
            .for_each(|p| *p = true);
        char_at += n;
        last_byte = r.end;
    }
    mask
}

/// `b.is_ascii_whitespace()` as comparisons without branches or a bit table, so that the
/// byte-counting loops using it compile to vector code.
#[inline]
pub fn ascii_space(b: u8) -> bool {
    (b == b' ') | (b == b'\t') | (b == b'\n') | (b == b'\r') | (b == 0x0C)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The vector scan finds what a byte loop finds, from any boundary.
        #[test]
        fn byte_set_scan_is_a_byte_loop(text in "[a-z ,.(\n\t\u{A0}\u{3000}。，中文ǎ]{0,200}", from in 0usize..200) {
            let set = ByteSet { bytes: [b',', b'(', 0xEF, 0xC2], ranges: [(b'\t', b'\n'), (0xE3, 0xE3)], outside: false };
            let not = ByteSet { bytes: [b' '], ranges: [(b'a', b'z'), (0x80, 0xBF), (0xE4, 0xE9)], outside: true };
            let mut from = from.min(text.len());
            while !text.is_char_boundary(from) {
                from -= 1;
            }
            let want = |hit: &dyn Fn(u8) -> bool| {
                text.as_bytes()[from..].iter().position(|&b| hit(b)).map_or(text.len(), |k| from + k)
            };
            prop_assert_eq!(set.next(&text, from), want(&|b| set.contains(b)));
            let all: Vec<usize> = (0..text.len()).filter(|&k| set.contains(text.as_bytes()[k])).collect();
            prop_assert_eq!(set.positions(&text).collect::<Vec<_>>(), all);
            prop_assert_eq!(not.next(&text, from), want(&|b| not.contains(b)));
        }
    }

    #[test]
    fn whitespace_is_told_by_its_first_bytes() {
        let mut buf = [0u8; 4];
        for c in (0..=char::MAX as u32).filter_map(char::from_u32) {
            if c.is_whitespace() {
                assert!(may_be_space(c.encode_utf8(&mut buf).as_bytes()), "{c:?}");
            }
        }
        for line in [
            "",
            " ",
            "a",
            " a ",
            "文档\u{3000}",
            "\u{3000}文",
            "。",
            "正文。",
            "x\u{85}",
        ] {
            assert_eq!(trim(line), line.trim(), "{line:?}");
        }
    }

    /// The mask from one search of the whole text: what [`protected_mask`] must equal.
    fn whole_text_mask(text: &str) -> Vec<bool> {
        let mut mask = vec![false; text.chars().count()];
        for m in protected_re().find_iter(text) {
            let at = text[..m.start()].chars().count();
            let n = m.as_str().chars().count();
            mask[at..at + n].iter_mut().for_each(|p| *p = true);
        }
        mask
    }

    fn check(text: &str) {
        let mask = protected_mask(text, text.chars().count());
        assert_eq!(mask, whole_text_mask(text), "{text:?}");
    }

    #[test]
    fn protects_urls_addresses_and_paths() {
        let text =
            "见 https://example.com/a?b=1 或 WWW.Example.org，邮件 a.b@c.cn 路径 C:\\Users\\x 完";
        let mask = protected_mask(text, text.chars().count());
        let kept: String = text
            .chars()
            .zip(&mask)
            .map(|(c, &p)| if p { c } else { '_' })
            .collect();
        assert_eq!(
            kept,
            "__https://example.com/a?b=1___WWW.Example.org____a.b@c.cn____C:\\Users\\x__"
        );
        for text in [
            "",
            "没有网址的一段话。",
            "a@b",
            "x@y.z@w.v",
            "://",
            "www.",
            "wwww.a.b",
            "c:\\",
            "http://a.b www.c.d e@f.g",
            "前http://甲.乙后",
            "ｈｔｔｐ://a.b",
        ] {
            check(text);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]
        #[test]
        fn same_mask_as_one_search_of_the_whole_text(
            s in "([a-zA-Z0-9.:/@\\\\_%+-]|[ \t\n]|[甲乙，。、　（）]|www\\.|https?://|ftp://|[ｗＷ．]){0,40}"
        ) {
            check(&s);
        }
    }
}
