//! Hashes of lines: a page's document fingerprint (its three longest lines, digits and spaces
//! folded) and a raw line's spelling (its bytes as they are). Both are fixed (not seeded), so
//! every process of a distributed run computes the same values.

use crate::chars::{ascii_space, trim};

/// How many of `bytes` are ASCII digits or ASCII whitespace, counted in chunks of 255 with
/// byte counters and branch-free comparisons, which the compiler turns into vector code (this
/// runs over most of every page in learning's pass 1).
pub(crate) fn digits_and_spaces(bytes: &[u8]) -> usize {
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
pub(crate) fn fingerprint<'a>(lines: impl Iterator<Item = &'a str>) -> u64 {
    let mut h = Fingerprint::default();
    for (i, line) in lines.enumerate() {
        if i > 0 {
            h.push(b'\n');
        }
        let bytes = line.as_bytes();
        let mut in_digits = false;
        let mut at = 0;
        while at < bytes.len() {
            // Eight bytes at once when none of them is whitespace or a digit: all are 0x40 or
            // above (the Han text that is most of these lines), or, failing that cheap test,
            // none is one when looked at (annotations' brackets and commas are below 0x40).
            if let Some(word) = bytes.get(at..at + 8) {
                let w = u64::from_le_bytes(word.try_into().expect("eight bytes"));
                const HIGH: u64 = 0x8080_8080_8080_8080;
                if (w | (w << 1)) & HIGH == HIGH
                    || !word
                        .iter()
                        .any(|b| b.is_ascii_whitespace() || b.is_ascii_digit())
                {
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
pub(crate) struct Fingerprint {
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

/// A raw line's spelling: a hash of its bytes, trimmed, eight at a time. It is computed for
/// every line of a page, which a key (a conversion each) would make too costly, so nothing is
/// folded; one key has a few spellings (annotated or not, converted by one table or another,
/// other page numbers), and learning keeps the smallest [`MAX_SPELLINGS`](crate::learn::MAX_SPELLINGS) of them for the key.
/// (A key with more spellings is under-counted mid-page, which errs towards learning it, as
/// before mid-page lines were counted.)
pub fn spelling(line: &str) -> u64 {
    spelling_of_trimmed(trim(line))
}

/// [`spelling`] of a line already trimmed (`page_lines` trims every line once).
pub(crate) fn spelling_of_trimmed(trimmed: &str) -> u64 {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chars::trim;
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
        /// The eight-bytes-at-once path changes no fingerprint.
        #[test]
        fn fingerprint_words_match_bytes(lines in proptest::collection::vec("[ 0-9a-z\\t长江大桥。，Ａ-Ｚ(),?]{0,40}", 0..4)) {
            let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
            proptest::prop_assert_eq!(fingerprint(refs.iter().copied()), fingerprint_by_bytes(&refs));
        }


        #[test]
        fn digit_and_space_counts_match(s in "[ 0-9a-z\\t\\n长江。]{0,600}") {
            let want = s.bytes().filter(|b| b.is_ascii_digit() || b.is_ascii_whitespace()).count();
            proptest::prop_assert_eq!(digits_and_spaces(s.as_bytes()), want);
        }

    }
}
