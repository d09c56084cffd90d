//! Scoring text with the character model ([`crate::lm`]): single characters simplified first
//! ([`Simplifier`]: the model is built from simplified words), each character's cost given the
//! one before it (and the two before it, where the trigram knows them), ASCII at a flat rate.
//! Both the repair search ([`super::realign`]) and the filler check ([`super::filler`]) read
//! text through this.

use rustc_hash::FxHashMap as HashMap;
use std::cell::RefCell;

use crate::converter::Converter;
use crate::lm::{self, Context, Lm};

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
    let mut ctx = None;
    let mut iso_left = false;
    let mut total = 0.0;
    for &c in text {
        let next = word_char(simp, c);
        let (cost, iso, bigram, next_ctx) = step(prev, iso_left, next);
        total += cost + lm::mark_cost(c).unwrap_or(0.0);
        if let Some(s) = next {
            total += trigram_gain(ctx, s, bigram);
        }
        iso_left = iso;
        (ctx, prev) = (next_ctx, next);
    }
    total + finish(ctx, prev, iso_left, after.and_then(|c| word_char(simp, c)))
}

/// `c` simplified, as the model reads it; `None` for a character that ends a word
/// ([`lm::ends_word`]), which the model scores at a flat rate.
pub(super) fn word_char(simp: &Simplifier, c: char) -> Option<char> {
    (!lm::ends_word(c)).then(|| simp.simplify(c))
}

/// Cost of the next character `next` (simplified; `None` for ASCII) after `prev`, and whether
/// `next` starts with no attested pair on its left. When neither side of `prev` has an
/// attested pair, `prev` is read as a one-character word and pays its isolation cost here; a
/// character with no `prev` opens a run ([`Lm::cost_at_start`]).
///
/// The trigram context that ends in `prev` (`prev` and the character before it, when the
/// model knows the two: [`Lm::context`]) may lower the cost further ([`trigram_gain`]); the
/// third value is the part of the cost it may lower (0 for ASCII). The fourth is the context
/// `prev next`, for the character after (one lookup finds it with the pair).
pub(super) fn step(
    prev: Option<char>,
    iso_left: bool,
    next: Option<char>,
) -> (f32, bool, f32, Option<Context>) {
    let lm = Lm::get();
    let Some(s) = next else {
        let close = prev.filter(|_| iso_left).map_or(0.0, |p| lm.isolation(p));
        return (lm::ASCII_COST + close, true, 0.0, None);
    };
    // One lookup serves all three: the pair's costs say whether it is attested, and the
    // trigram context comes with it.
    let (bi, ctx) = match prev.and_then(|p| lm.pair_and_context(p, s)) {
        Some((pair, ctx)) => (Some(pair), ctx),
        None => (None, None),
    };
    let link = bi.is_some_and(|p| p.attested());
    let close = match prev {
        Some(p) if !link && iso_left => lm.isolation(p),
        _ => 0.0,
    };
    let bigram = lm.cost_given(bi, s);
    let cost = match prev {
        Some(_) => bigram,
        None => lm.cost_at_start(s, bigram),
    };
    (cost + close, !link, bigram, ctx)
}

/// What the trigram context `ctx` takes off the cost of `s` whose bigram cost is `bigram`
/// (the third value of [`step`]): 0 or less ([`Lm::cost3`]).
#[inline]
pub(super) fn trigram_gain(ctx: Option<Context>, s: char, bigram: f32) -> f32 {
    match ctx {
        Some(_) => Lm::get().cost3(ctx, s, bigram) - bigram,
        None => 0.0,
    }
}

/// Cost of closing a sequence that ends in `prev` (and the trigram context `ctx` that ends in
/// it, [`step`]), followed by `after` (context, not scored itself beyond its bigram with `prev`
/// and its trigram).
pub(super) fn finish(
    ctx: Option<Context>,
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
            let cost = lm.cost3(ctx, a, lm.cost_given(bi, a)) - lm.unigram(a);
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
