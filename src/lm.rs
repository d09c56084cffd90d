//! Character language model: unigram and bigram costs of simplified Chinese characters.
//!
//! The garbage stage needs to tell real text from text that only looks like it (GBK bytes
//! decoded one byte out of step, anti-copy filler) and to choose lost bytes among candidates.
//! A character model is enough for that: garbage is made of characters that are rare, or
//! common characters in orders that no word has.
//!
//! Source: the word list `dict.txt` of the `jieba` segmenter (PyPI package `jieba` 0.42.1,
//! MIT licence), see `data/lm/README.md`. `scripts/build_lm.py` turns it into
//! `data/lm/chars.bin`, compiled in here: every word adds its frequency to each of its
//! characters and to each adjacent pair inside it. Only word-internal pairs exist, so a pair
//! that spans two words is unseen and the model backs off to the unigram; an *attested* pair
//! is therefore strong evidence of real text. The list is simplified: score traditional text
//! after converting it (the stage does, with `ctx.converter`).
//!
//! Format (little-endian): `ZHLM` `01`, `u32` character count, per character a `u24` code
//! point and a `u8` cost, then `u32` pair count, per pair `u16` first id, `u16` second id and a
//! `u8` cost (ids index the character list, pairs sorted). Costs are `-ln p` in tenths of a
//! nat: unigram `p = count / total`, bigram `p = count(ab) / count(a)`.

use std::collections::HashMap;
use std::sync::OnceLock;

static DATA: &[u8] = include_bytes!("../data/lm/chars.bin");

/// Cost (nats) of a character the model has never seen: rarer than the rarest it knows.
pub const UNKNOWN_COST: f32 = 19.0;

/// Weight of the bigram in the interpolated cost.
const LAMBDA: f32 = 0.7;

/// The model, loaded from the compiled-in data on first use.
pub struct Lm {
    /// Character -> (id, unigram cost in nats).
    chars: HashMap<char, (u16, f32)>,
    /// Pair keys `first << 16 | second`, sorted, with their conditional costs.
    pair_keys: Vec<u32>,
    pair_costs: Vec<u8>,
}

impl Lm {
    /// The compiled-in model.
    pub fn get() -> &'static Lm {
        static LM: OnceLock<Lm> = OnceLock::new();
        LM.get_or_init(|| Lm::parse(DATA).expect("data/lm/chars.bin is well-formed"))
    }

    fn parse(d: &[u8]) -> Option<Lm> {
        if d.get(..5)? != b"ZHLM\x01" {
            return None;
        }
        let u32_at = |i: usize| -> Option<u32> {
            Some(u32::from_le_bytes(d.get(i..i + 4)?.try_into().ok()?))
        };
        let n = u32_at(5)? as usize;
        let mut pos = 9;
        let mut chars = HashMap::with_capacity(n);
        for id in 0..n {
            let r = d.get(pos..pos + 4)?;
            let cp = u32::from(r[0]) | u32::from(r[1]) << 8 | u32::from(r[2]) << 16;
            chars.insert(char::from_u32(cp)?, (id as u16, f32::from(r[3]) / 10.0));
            pos += 4;
        }
        let m = u32_at(pos)? as usize;
        pos += 4;
        let mut pair_keys = Vec::with_capacity(m);
        let mut pair_costs = Vec::with_capacity(m);
        for _ in 0..m {
            let r = d.get(pos..pos + 5)?;
            let a = u32::from(u16::from_le_bytes([r[0], r[1]]));
            let b = u32::from(u16::from_le_bytes([r[2], r[3]]));
            pair_keys.push(a << 16 | b);
            pair_costs.push(r[4]);
            pos += 5;
        }
        Some(Lm {
            chars,
            pair_keys,
            pair_costs,
        })
    }

    /// Whether the model knows `c` at all.
    pub fn knows(&self, c: char) -> bool {
        self.chars.contains_key(&c)
    }

    /// `-ln P(c)`; [`UNKNOWN_COST`] for a character the model has not seen.
    pub fn unigram(&self, c: char) -> f32 {
        self.chars.get(&c).map_or(UNKNOWN_COST, |&(_, cost)| cost)
    }

    /// `-ln P(b | a)` where the pair `ab` occurs inside some word; `None` otherwise.
    pub fn bigram(&self, a: char, b: char) -> Option<f32> {
        let (ia, _) = *self.chars.get(&a)?;
        let (ib, _) = *self.chars.get(&b)?;
        let key = u32::from(ia) << 16 | u32::from(ib);
        let i = self.pair_keys.binary_search(&key).ok()?;
        Some(f32::from(self.pair_costs[i]) / 10.0)
    }

    /// Whether `ab` occurs inside some word of the source list.
    pub fn attested(&self, a: char, b: char) -> bool {
        self.bigram(a, b).is_some()
    }

    /// Interpolated cost `-ln(λ P(c|prev) + (1-λ) P(c))`; without `prev` the unigram cost.
    pub fn cost(&self, prev: Option<char>, c: char) -> f32 {
        let uni = self.unigram(c);
        let Some(bi) = prev.and_then(|p| self.bigram(p, c)) else {
            return uni - (1.0 - LAMBDA).ln();
        };
        let p = LAMBDA * (-bi).exp() + (1.0 - LAMBDA) * (-uni).exp();
        -p.ln()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loads_and_knows_common_characters() {
        let lm = Lm::get();
        assert!(lm.knows('的'));
        assert!(lm.unigram('的') < 7.0);
        assert!(lm.unigram('蚄') > lm.unigram('的'));
        assert_eq!(lm.unigram('\u{E000}'), UNKNOWN_COST);
    }

    #[test]
    fn word_internal_pairs_are_attested() {
        let lm = Lm::get();
        assert!(lm.attested('数', '据'));
        assert!(lm.attested('燃', '气'));
        assert!(!lm.attested('蚄', '袀'));
        assert!(lm.cost(Some('燃'), '气') < lm.cost(Some('燃'), '夤'));
    }
}
