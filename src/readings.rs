//! The reading dictionary, and how a page writes a reading.
//!
//! Every Mandarin reading of every Han character that pinyin-data knows (about 42,000
//! characters, from Unihan and the standard dictionaries; traditional and simplified forms
//! alike, with every heteronym: 長 reads zhǎng, cháng and zhàng), through the `pinyin` crate,
//! which compiles that data into its tables (pinyin-data 0.15, MIT licence; see the crate's
//! `LICENSE` and `pinyin-data/pinyin.txt`). The `ruby` stage tells a `(pinyin)` annotation
//! from a real bracket by it: the bracket must hold a reading of the character before it.
//!
//! Pages write a reading in many ways, and [`parse`] reads them all: tone marks (`jīng`), tone
//! numbers (`jing1`), no tone (`jing`), `v` or `u:` or `ü` for ü, any case (`GUO`), and, on
//! pages that fight copying, spaces or pictographs among the letters (`huì `, `mian🎉`).

use pinyin::ToPinyinMulti;

/// Longest syllable, in letters (`zhuang`, `chuang`).
pub const MAX_LETTERS: usize = 6;

/// One syllable as a page wrote it, reduced to its letters (lowercase ASCII, `v` for ü) and
/// its tone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Written {
    letters: [u8; MAX_LETTERS],
    len: u8,
    /// 1-4, 5 for the neutral tone; `None` when written without a tone.
    pub tone: Option<u8>,
    /// Some letter was written upper case (`GUO`, `Li`).
    pub upper: bool,
    /// Spaces or pictographs stood among the letters (`huì `, `mian🎉`).
    pub padded: bool,
}

impl Written {
    /// The letters, lowercase ASCII with `v` for ü (`lv`).
    pub fn letters(&self) -> &[u8] {
        &self.letters[..usize::from(self.len)]
    }

    /// Letters then the tone digit, 5 for none (`jing1`, `ma5`): the form the site table's
    /// readings are compared in.
    pub fn canonical(&self) -> String {
        let mut s: String = self.letters().iter().map(|&b| char::from(b)).collect();
        s.push(char::from(b'0' + self.tone.unwrap_or(5)));
        s
    }

    fn push(&mut self, b: u8) -> Option<()> {
        let slot = self.letters.get_mut(usize::from(self.len))?;
        *slot = b;
        self.len += 1;
        Some(())
    }

    fn set_tone(&mut self, t: u8) -> Option<()> {
        if self.tone.replace(t).is_some() {
            return None;
        }
        Some(())
    }
}

/// Reads `s` as one written syllable; `None` when it is not shaped like one (`P239`, `CHF`,
/// `2024`, `F. C. Steward`, two tones, more than [`MAX_LETTERS`] letters). A tone number may
/// only end the letters.
pub fn parse(s: &str) -> Option<Written> {
    let w = letters(s, true)?;
    is_syllable_shape(w.letters()).then_some(w)
}

/// Reads `s` as the start of a written syllable cut off by the end of a page (`f`, `gu`,
/// `jīn`, or nothing): letters and tone marks only.
pub fn parse_start(s: &str) -> Option<Written> {
    letters(s, false)
}

fn letters(s: &str, whole: bool) -> Option<Written> {
    let mut w = Written {
        letters: [0; MAX_LETTERS],
        len: 0,
        tone: None,
        upper: false,
        padded: false,
    };
    let mut numbered = false;
    for c in s.chars() {
        if whole && is_pad(c) {
            w.padded = true;
            continue;
        }
        if numbered {
            // Only padding may follow a tone number.
            return None;
        }
        match c {
            'a'..='z' => w.push(c as u8)?,
            'A'..='Z' => {
                w.upper = true;
                w.push(c.to_ascii_lowercase() as u8)?
            }
            '1'..='5' if whole && w.len > 0 => {
                w.set_tone(c as u8 - b'0')?;
                numbered = true;
            }
            // `u:` spells ü.
            ':' if whole && w.letters().last() == Some(&b'u') => {
                w.letters[usize::from(w.len) - 1] = b'v'
            }
            _ => {
                let (base, tone) = untone(c)?;
                w.push(base)?;
                if let Some(t) = tone {
                    w.set_tone(t)?;
                }
            }
        }
    }
    (w.len > 0 || !whole).then_some(w)
}

/// What anti-copy pages put among a reading's letters: spaces and pictographs (emoji,
/// dingbats, the symbols around them), never letters, digits or punctuation.
fn is_pad(c: char) -> bool {
    matches!(c as u32,
        0x20 | 0x09 | 0xA0 | 0x3000 | 0x200D | 0xFE0F
        | 0x2300..=0x23FF | 0x2600..=0x27BF | 0x2B00..=0x2BFF | 0x1F000..=0x1FAFF)
}

/// A toned vowel (or ü, or a toned nasal) -> (base letter, tone if marked).
fn untone(c: char) -> Option<(u8, Option<u8>)> {
    let (b, t) = match c {
        'ā' => (b'a', 1),
        'á' => (b'a', 2),
        'ǎ' => (b'a', 3),
        'à' => (b'a', 4),
        'ē' => (b'e', 1),
        'é' => (b'e', 2),
        'ě' => (b'e', 3),
        'è' => (b'e', 4),
        'ī' => (b'i', 1),
        'í' => (b'i', 2),
        'ǐ' => (b'i', 3),
        'ì' => (b'i', 4),
        'ō' => (b'o', 1),
        'ó' => (b'o', 2),
        'ǒ' => (b'o', 3),
        'ò' => (b'o', 4),
        'ū' => (b'u', 1),
        'ú' => (b'u', 2),
        'ǔ' => (b'u', 3),
        'ù' => (b'u', 4),
        'ǖ' => (b'v', 1),
        'ǘ' => (b'v', 2),
        'ǚ' => (b'v', 3),
        'ǜ' => (b'v', 4),
        'ń' => (b'n', 2),
        'ň' => (b'n', 3),
        'ǹ' => (b'n', 4),
        'ḿ' => (b'm', 2),
        'ü' | 'Ü' => return Some((b'v', None)),
        _ => return None,
    };
    Some((b, Some(t)))
}

/// Pinyin syllables are an optional initial followed by a final that holds a vowel (or the
/// nasal syllables); this rejects words like `P239` or `CHF` before any dictionary lookup.
fn is_syllable_shape(s: &[u8]) -> bool {
    s.iter()
        .any(|b| matches!(b, b'a' | b'e' | b'i' | b'o' | b'u' | b'v'))
        || matches!(s, b"m" | b"n" | b"ng" | b"hm" | b"hng")
}

/// Whether `c` has any reading in the dictionary (every Han character but a few thousand rare
/// ones).
pub fn has_readings(c: char) -> bool {
    c.to_pinyin_multi().is_some()
}

/// Whether `w` is one of the readings of `c`: the same letters, and the same tone when `w`
/// has one (a toneless reading fits every tone).
pub fn fits(c: char, w: &Written) -> bool {
    matches(c, w, |plain, letters| plain == letters)
}

/// Whether some reading of `c` starts as `w` does (`f` for 發 fā), tone included when `w`
/// has one.
pub fn starts(c: char, w: &Written) -> bool {
    matches(c, w, |plain, letters| plain.starts_with(letters))
}

fn matches(c: char, w: &Written, same: impl Fn(&[u8], &[u8]) -> bool) -> bool {
    let Some(multi) = c.to_pinyin_multi() else {
        return false;
    };
    multi.into_iter().any(|p| {
        let plain = p.plain().as_bytes();
        // The crate spells ü as `ü` (C3 BC); the written form has `v`.
        let letters_agree = if plain.contains(&0xC3) {
            let v: Vec<u8> = p
                .plain()
                .chars()
                .map(|c| if c == 'ü' { b'v' } else { c as u8 })
                .collect();
            same(&v, w.letters())
        } else {
            same(plain, w.letters())
        };
        letters_agree && w.tone.is_none_or(|t| tone_of(p) == t)
    })
}

/// The tone of a dictionary reading, 5 for the neutral tone (`me`).
fn tone_of(p: pinyin::Pinyin) -> u8 {
    match p.with_tone_num_end().as_bytes().last() {
        Some(&d @ b'1'..=b'4') => d - b'0',
        _ => 5,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fits_str(c: char, s: &str) -> bool {
        parse(s).is_some_and(|w| fits(c, &w))
    }

    #[test]
    fn every_spelling_of_a_reading_fits() {
        for (c, s) in [
            ('經', "jīng"),
            ('經', "jing1"),
            ('經', "jing"),
            ('经', "jing"),
            ('國', "GUO"),
            ('國', "guo2"),
            ('綠', "lǜ"),
            ('綠', "lv4"),
            ('綠', "lu:4"),
            ('綠', "lü"),
            ('會', "huì "),
            ('面', "mian🎉"),
            ('義', "y🎐i"),
            ('長', "zhǎng"),
            ('長', "cháng"),
            ('們', "men"),
            ('們', "men5"),
            ('嗯', "ń"),
            ('門', "mén"),
        ] {
            assert!(fits_str(c, s), "{c} {s}");
        }
    }

    #[test]
    fn other_readings_and_non_readings_do_not_fit() {
        for (c, s) in [
            ('經', "jì"),
            ('經', "jing2"),
            ('國', "gu"),
            ('竭', "CHF"),
            ('碼', "g"),
            ('量', "M"),
            ('表', "ESCA"),
            ('年', "2024"),
            ('x', "a"),
            ('德', "F. C. Steward"),
            ('們', "men1"),
        ] {
            assert!(!fits_str(c, s), "{c} {s}");
        }
    }

    #[test]
    fn parse_reads_the_letters_and_the_tone() {
        let w = parse("Jīng").unwrap();
        assert_eq!(
            (w.letters(), w.tone, w.upper, w.padded),
            (&b"jing"[..], Some(1), true, false)
        );
        assert_eq!(parse("nüè").unwrap().canonical(), "nve4");
        assert!(parse("hui ").unwrap().padded);
        for bad in [
            "", "P239", "2024", "jīng1", "ji1ng", "zhuangg", "a,b", "(a)", "x\ny",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn cut_readings_are_starts_of_readings() {
        for (c, s) in [
            ('發', "f"),
            ('發', "fā"),
            ('經', ""),
            ('國', "gu"),
            ('經', "jīn"),
        ] {
            assert!(parse_start(s).is_some_and(|w| starts(c, &w)), "{c} {s}");
        }
        for (c, s) in [('發', "g"), ('經', "jin2"), ('經', "jǐ")] {
            assert!(!parse_start(s).is_some_and(|w| starts(c, &w)), "{c} {s}");
        }
    }
}
