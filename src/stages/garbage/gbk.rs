//! GBK two-byte table, both ways, built once from `encoding_rs`.
//!
//! The repair works on bytes: a garbled span is encoded back to the bytes the decoder saw, and
//! the bytes are paired again one step over. Every pair is looked up in one flat table (126
//! leads x 191 trails), so trying candidates costs no decoder calls.

use rustc_hash::FxHashMap as HashMap;
use std::sync::OnceLock;

pub const LEAD_MIN: u8 = 0x81;
pub const LEAD_MAX: u8 = 0xFE;
pub const TRAIL_MIN: u8 = 0x40;
pub const TRAIL_MAX: u8 = 0xFE;

struct Table {
    /// `(lead - 0x81) * 191 + (trail - 0x40)` -> character.
    pairs: Vec<Option<char>>,
    chars: HashMap<char, [u8; 2]>,
}

fn table() -> &'static Table {
    static T: OnceLock<Table> = OnceLock::new();
    T.get_or_init(|| {
        let mut pairs = vec![None; 126 * 191];
        let mut chars = HashMap::with_capacity_and_hasher(24_000, Default::default());
        for lead in LEAD_MIN..=LEAD_MAX {
            for trail in TRAIL_MIN..=TRAIL_MAX {
                if trail == 0x7F {
                    continue;
                }
                let bytes = [lead, trail];
                let Some(text) =
                    encoding_rs::GBK.decode_without_bom_handling_and_without_replacement(&bytes)
                else {
                    continue;
                };
                let mut it = text.chars();
                if let (Some(c), None) = (it.next(), it.next()) {
                    pairs[index(lead, trail)] = Some(c);
                    chars.entry(c).or_insert([lead, trail]);
                }
            }
        }
        Table { pairs, chars }
    })
}

fn index(lead: u8, trail: u8) -> usize {
    usize::from(lead - LEAD_MIN) * 191 + usize::from(trail - TRAIL_MIN)
}

/// Builds the table now (see [`super::Garbage::prepare`]).
pub fn prepare() {
    table();
}

/// The character the pair `lead trail` decodes to, if it is a valid GBK pair.
pub fn decode(lead: u8, trail: u8) -> Option<char> {
    if !(LEAD_MIN..=LEAD_MAX).contains(&lead) || !(TRAIL_MIN..=TRAIL_MAX).contains(&trail) {
        return None;
    }
    table().pairs[index(lead, trail)]
}

/// The two GBK bytes of `c`, if it has a two-byte GBK form.
pub fn encode(c: char) -> Option<[u8; 2]> {
    table().chars.get(&c).copied()
}

/// A private-use character: what GBK's user-defined areas decode to. Such characters do not
/// survive a page's transcription, so a span decoded out of step loses them silently.
pub fn is_private_use(c: char) -> bool {
    ('\u{E000}'..='\u{F8FF}').contains(&c)
}

/// Trail-byte range of a user-defined pair with this lead, if the lead opens one: zone 1
/// `AAA1-AFFE`, zone 2 `F8A1-FEFE`, zone 3 `A140-A7A0`.
pub fn private_trails(lead: u8) -> Option<(u8, u8)> {
    match lead {
        0xAA..=0xAF | 0xF8..=0xFE => Some((0xA1, 0xFE)),
        0xA1..=0xA7 => Some((0x40, 0xA0)),
        _ => None,
    }
}

/// `text` as the bytes a GBK page stored it in (ASCII as itself); `None` when a character has
/// no two-byte GBK form. With [`decode_as_stored`], the damage model of the benchmark
/// (`examples/garbage_bench.rs`) and the tests.
pub fn encode_text(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c as u8);
        } else {
            out.extend(encode(c)?);
        }
    }
    Some(out)
}

/// `bytes` decoded as the damaged pages were (`docs/CORRUPTIONS.md`): a lead byte whose partner
/// makes no valid pair becomes `?` and takes that byte with it, user-defined pairs vanish, and
/// the full-width `，：（）？；` come out as ASCII, as the page store turned them later.
pub fn decode_as_stored(bytes: &[u8]) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            out.push(char::from(b));
            i += 1;
            continue;
        }
        match bytes.get(i + 1).and_then(|&t| decode(b, t)) {
            Some(c) if is_private_use(c) => {}
            Some(c) => out.push(match c {
                '，' => ',',
                '：' => ':',
                '（' => '(',
                '）' => ')',
                '？' => '?',
                '；' => ';',
                c => c,
            }),
            None => out.push('?'),
        }
        i += 2;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        assert_eq!(encode('氣'), Some([0x9A, 0xE2]));
        assert_eq!(decode(0x9A, 0xE2), Some('氣'));
        assert_eq!(encode('機'), Some([0x99, 0x43]));
        assert_eq!(decode(0xE2, 0xB9), Some('夤'));
        assert_eq!(decode(0x9A, 0x28), None);
        assert_eq!(encode('a'), None);
        assert!(decode(0xAC, 0xCE).is_some_and(is_private_use));
        assert!(decode(0xFA, 0xC4).is_some_and(is_private_use));
        let bytes = encode_text("氣機，a").expect("GBK");
        assert_eq!(decode_as_stored(&bytes), "氣機,a");
        // A lead byte meeting `(` is a `?` that ate it.
        assert_eq!(decode_as_stored(&[0x9A, b'(', b'q']), "?q");
    }
}
