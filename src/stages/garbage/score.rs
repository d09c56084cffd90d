//! Scoring text with the character model ([`crate::lm`]): single characters simplified first
//! ([`Simplifier`]: the model is built from simplified words), each character's cost given the
//! one before it, ASCII at a flat rate. Both the repair search ([`super::realign`]) and the
//! filler check ([`super::filler`]) read text through this.

use rustc_hash::FxHashMap as HashMap;
use std::cell::RefCell;

use crate::converter::Converter;
use crate::lm::{self, Lm};

/// Simplified form of single characters (the model is built from simplified words).
pub struct Simplifier<'a> {
    conv: &'a Converter,
    /// The form of every BMP character ([`simplified_bmp`]), when the caller keeps one: pages
    /// share it, so none of them converts a character again.
    table: Option<&'a [char]>,
    /// Forms looked up one by one (no table, or a character above the BMP).
    cache: RefCell<HashMap<char, char>>,
}

impl<'a> Simplifier<'a> {
    /// A simplifier that converts each character the first time it meets it.
    pub fn new(conv: &'a Converter) -> Self {
        Simplifier {
            conv,
            table: None,
            cache: RefCell::new(HashMap::default()),
        }
    }

    /// A simplifier that reads BMP characters from `table`, made by [`simplified_bmp`] from the
    /// same converter.
    pub fn with_table(conv: &'a Converter, table: &'a [char]) -> Self {
        Simplifier {
            table: Some(table),
            ..Simplifier::new(conv)
        }
    }

    /// The simplified form of `c` (itself when the converter leaves it alone).
    #[inline]
    pub fn simplify(&self, c: char) -> char {
        if c.is_ascii() {
            return c;
        }
        if let Some(&s) = self.table.and_then(|t| t.get(c as usize)) {
            return s;
        }
        self.simplify_uncached(c)
    }

    /// [`Simplifier::simplify`] without a table entry: from the cache, or converted.
    #[cold]
    fn simplify_uncached(&self, c: char) -> char {
        if let Some(&s) = self.cache.borrow().get(&c) {
            return s;
        }
        let s = self.convert(c);
        self.cache.borrow_mut().insert(c, s);
        s
    }

    fn convert(&self, c: char) -> char {
        let mut buf = [0u8; 4];
        let s = self.conv.convert(c.encode_utf8(&mut buf)).chars().next();
        s.unwrap_or(c)
    }
}

/// The simplified form of every BMP character under `conv`, by code point (surrogates, which
/// are not characters, map to themselves as `\0`): what [`Simplifier::with_table`] reads.
pub fn simplified_bmp(conv: &Converter) -> Box<[char]> {
    let simp = Simplifier::new(conv);
    (0..0x10000u32)
        .map(|cp| char::from_u32(cp).map_or('\0', |c| simp.convert(c)))
        .collect()
}

/// Cost of `text` between the characters `before` and `after` (both may be `None`): the
/// language-model cost of every character, ASCII at a flat rate.
pub fn score(simp: &Simplifier, before: Option<char>, text: &[char], after: Option<char>) -> f32 {
    let mut prev = before.and_then(|c| word_char(simp, c));
    let mut prev2 = None;
    let mut iso_left = false;
    let mut total = 0.0;
    for &c in text {
        let next = word_char(simp, c);
        let (cost, iso) = step(prev2, prev, iso_left, next);
        total += cost + lm::mark_cost(c).unwrap_or(0.0);
        iso_left = iso;
        (prev2, prev) = (prev, next);
    }
    total + finish(prev2, prev, iso_left, after.and_then(|c| word_char(simp, c)))
}

/// `c` simplified, as the model reads it; `None` for a character that ends a word
/// ([`lm::ends_word`]), which the model scores at a flat rate.
pub(super) fn word_char(simp: &Simplifier, c: char) -> Option<char> {
    (!lm::ends_word(c)).then(|| simp.simplify(c))
}

/// Cost of the next character `next` (simplified; `None` for ASCII) after `prev2 prev`, and
/// whether `next` starts with no attested pair on its left. When neither side of `prev` has an
/// attested pair, `prev` is read as a one-character word and pays its isolation cost here.
/// With `prev2` (the character before `prev`, `None` where there is none or it ends a word),
/// the trigram has its say ([`Lm::cost3`]).
pub(super) fn step(
    prev2: Option<char>,
    prev: Option<char>,
    iso_left: bool,
    next: Option<char>,
) -> (f32, bool) {
    let lm = Lm::get();
    let Some(s) = next else {
        let close = prev.filter(|_| iso_left).map_or(0.0, |p| lm.isolation(p));
        return (lm::ASCII_COST + close, true);
    };
    // One lookup serves both: the pair's costs say whether it is attested.
    let bi = prev.and_then(|p| lm.pair(p, s));
    let link = bi.is_some_and(|p| p.attested());
    let close = match prev {
        Some(p) if !link && iso_left => lm.isolation(p),
        _ => 0.0,
    };
    let mut cost = lm.cost_given(bi, s);
    match (prev2, prev) {
        (Some(a), Some(b)) => cost = lm.cost3(a, b, s, cost),
        (_, None) => cost = lm.cost_at_start(s, cost),
        _ => {}
    }
    (cost + close, !link)
}

/// Cost of closing a sequence that ends in `prev2 prev`, followed by `after` (context, not
/// scored itself beyond its bigram with `prev` and its trigram with both).
pub(super) fn finish(
    prev2: Option<char>,
    prev: Option<char>,
    iso_left: bool,
    after: Option<char>,
) -> f32 {
    let lm = Lm::get();
    let Some(p) = prev else {
        return 0.0;
    };
    // An attested pair with `after` links `prev` to a word: then it is no one-character word
    // and pays no isolation cost.
    let (link_cost, linked) = match after.filter(|c| !c.is_ascii()) {
        Some(a) => {
            let bi = lm.pair(p, a);
            let mut cost = lm.cost_given(bi, a);
            if let Some(p2) = prev2 {
                cost = lm.cost3(p2, p, a, cost);
            }
            let cost = cost - lm.unigram(a);
            (cost, bi.is_some_and(|p| p.attested()))
        }
        None => (0.0, false),
    };
    link_cost
        + if iso_left && !linked {
            lm.isolation(p)
        } else {
            0.0
        }
}
