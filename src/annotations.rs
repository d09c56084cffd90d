//! The site's annotation table: the characters it follows with `(pinyin)`, each with its one
//! fixed reading (`data/annotations.tsv`, compiled in).
//!
//! The reading validates an annotation (`經(jīng)`: 經 is annotated `jīng`); it says nothing
//! about how the word is pronounced (`調(diào)` even in 調整). Readings are compared in a
//! canonical form, so tone marks (`jīng`) and tone numbers (`jing1`) both match.

use rustc_hash::FxHashMap as HashMap;
use std::sync::OnceLock;

static TABLE: &str = include_str!("../data/annotations.tsv");

/// Character -> canonical reading (`jing1`).
fn table() -> &'static HashMap<char, String> {
    static MAP: OnceLock<HashMap<char, String>> = OnceLock::new();
    MAP.get_or_init(|| {
        TABLE
            .lines()
            .filter_map(|l| l.split_once('\t'))
            .filter_map(|(c, r)| Some((c.chars().next()?, canonical(r)?)))
            .collect()
    })
}

/// The canonical reading of the annotated character `c`, if the site annotates it.
pub fn reading(c: char) -> Option<&'static str> {
    table().get(&c).map(String::as_str)
}

/// The reading of `c` or, on a simplified mirror, of the traditional character `c` stands for
/// (`经` reads like `經`).
pub fn reading_of_any_form(c: char) -> Option<&'static str> {
    reading(c).or_else(|| simplified_table().get(&c).map(String::as_str))
}

/// The reading of `c` (or of the traditional character a simplified `c` stands for) exactly
/// as the table writes it (`jīng`), which is how the site writes it: an annotation that
/// matches it byte for byte needs no [`canonical`] form.
pub fn written_reading(c: char) -> Option<&'static str> {
    /// Every character of the table, and the simplified forms, in one dense index over the
    /// range they span (a few thousand code points): the `ruby` stage asks at every bracket,
    /// and an index is a few instructions where a hash lookup is a few dozen.
    struct Index {
        first: u32,
        slots: Vec<u8>,
        readings: Vec<&'static str>,
    }
    static INDEX: OnceLock<Index> = OnceLock::new();
    let index = INDEX.get_or_init(|| {
        let written: HashMap<char, &'static str> = TABLE
            .lines()
            .filter_map(|l| l.split_once('\t'))
            .filter_map(|(c, r)| Some((c.chars().next()?, r)))
            .filter(|(c, _)| table().contains_key(c))
            .collect();
        let mut map = written.clone();
        // The simplified forms `reading_of_any_form` knows, with their traditional form's
        // spelling (a reading is the same whichever form the table read it from).
        for (sc, reading) in simplified_table() {
            if let Some((_, r)) = written
                .iter()
                .find(|(_, r)| canonical(r).as_ref() == Some(reading))
            {
                map.insert(*sc, r);
            }
        }
        let first = map.keys().map(|&c| c as u32).min().unwrap_or(0);
        let last = map.keys().map(|&c| c as u32).max().unwrap_or(0);
        let mut readings: Vec<&'static str> = map.values().copied().collect();
        readings.sort_unstable();
        readings.dedup();
        assert!(readings.len() < 255, "readings fit a byte");
        let mut slots = vec![0u8; (last - first + 1) as usize];
        for (c, r) in &map {
            let k = readings.binary_search(r).expect("listed");
            slots[(*c as u32 - first) as usize] = k as u8 + 1;
        }
        Index {
            first,
            slots,
            readings,
        }
    });
    let slot = *index
        .slots
        .get((c as u32).wrapping_sub(index.first) as usize)?;
    (slot > 0).then(|| index.readings[usize::from(slot) - 1])
}

/// Whether `canonical_reading` is the reading of some annotated character (the evidence for
/// an annotation that follows an ASCII letter).
pub fn is_table_reading(canonical_reading: &str) -> bool {
    static READINGS: OnceLock<std::collections::HashSet<&'static str>> = OnceLock::new();
    READINGS
        .get_or_init(|| table().values().map(String::as_str).collect())
        .contains(canonical_reading)
}

/// Simplified form -> reading, for the annotated characters whose simplified form differs.
fn simplified_table() -> &'static HashMap<char, String> {
    static MAP: OnceLock<HashMap<char, String>> = OnceLock::new();
    MAP.get_or_init(|| {
        let conv = crate::converter::Converter::new();
        let mut m = HashMap::default();
        for (c, r) in table() {
            let s = conv.convert(c.encode_utf8(&mut [0; 4])).into_owned();
            let mut it = s.chars();
            if let (Some(sc), None) = (it.next(), it.next()) {
                if sc != *c && !table().contains_key(&sc) {
                    m.insert(sc, r.clone());
                }
            }
        }
        m
    })
}

/// Every annotated character whose reading is `pinyin` (any spelling `canonical` accepts).
pub fn characters_read(pinyin: &str) -> Vec<char> {
    let Some(want) = canonical(pinyin) else {
        return Vec::new();
    };
    let mut v: Vec<char> = table()
        .iter()
        .filter(|(_, r)| **r == want)
        .map(|(c, _)| *c)
        .collect();
    v.sort_unstable();
    v
}

/// Canonical form of one pinyin syllable: lowercase ASCII letters (`ü` as `v`) followed by a
/// tone digit 1-5 (5 = neutral or none). Accepts tone marks (`jīng`) and tone numbers
/// (`jing1`), as [`crate::readings::parse`] reads them, but no padding among the letters;
/// returns `None` for anything that is not shaped like one syllable.
pub fn canonical(s: &str) -> Option<String> {
    crate::readings::parse(s)
        .filter(|w| !w.padded)
        .map(|w| w.canonical())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readings_come_from_the_table() {
        assert_eq!(reading('經'), Some("jing1"));
        assert_eq!(reading('調'), Some("diao4"));
        assert_eq!(reading('体'), None);
    }

    #[test]
    fn tone_marks_and_numbers_agree() {
        for (a, b) in [
            ("jīng", "jing1"),
            ("lǜ", "lv4"),
            ("nǚ", "nv3"),
            ("ma", "ma5"),
        ] {
            assert_eq!(canonical(a), canonical(b), "{a} {b}");
        }
        for bad in ["P239", "2024", "", "t-x", "jīng1"] {
            assert_eq!(canonical(bad), None, "{bad}");
        }
    }

    #[test]
    fn table_has_every_row() {
        assert_eq!(TABLE.lines().count(), 135);
        assert_eq!(characters_read("shù"), vec!['數', '術']);
    }
}
