//! Byte-level garbage: re-pair the bytes of a span decoded one byte out of step ([`super::span`]
//! finds them) and choose the lost bytes, with a beam search scored by [`mod@super::score`].
//!
//! How the damage happened (`docs/CORRUPTIONS.md`, section 5): the page went through GBK bytes, and
//! ASCII (an annotation `(xì)`, a line break) was inserted between the two bytes of a
//! character. The decoder paired the lone lead byte with the `(` and showed `?` (the `(` is
//! gone), then read every following pair one byte out of step, producing rare characters,
//! until an ASCII byte brought it back: that byte was either eaten by a last `?` (`淼?91`
//! ate the `1`) or stood alone because it was really the trail byte of a character (`釞C`:
//! `C` is the second byte of 機). Out-of-step pairs that fall in GBK's user-defined areas
//! decode to private-use characters, which the transcription dropped, so two bytes can be
//! missing in the middle of a span (`讓我?guī)椭恪?` has lost `FA C4`).
//!
//! A span is read back into a byte sequence with holes: known bytes (the visible characters
//! encoded again), hidden bytes (one per `?`), a trail byte shown as a letter, and optional
//! lost user-defined pairs between visible characters. A beam search pairs the sequence from
//! its first byte and fills the holes, scoring each decoded character with the language model
//! (after simplification) and rewarding a character that a surviving annotation names (the
//! site's table gives each annotated character one fixed reading). The caller decides whether
//! the best reading is clearly better than the span as it stands.

use rustc_hash::FxHashMap as HashMap;
use std::collections::hash_map::Entry;
use std::ops::Range;

use super::gbk;
use super::score::{finish, step, trigram_gain, word_char, Simplifier};
use super::span::{Item, Span};
use crate::annotations;
use crate::lm::{self, Context, Lm};

/// States kept per step of the beam search.
const BEAM: usize = 32;
/// Reward (nats) for a character that the annotation after its hidden byte names.
const READING_BONUS: f32 = 7.0;
/// Cost of assuming a user-defined pair was lost between two visible characters: below the
/// share of such pairs among shifted ones in real help text (`-ln 0.11`, 2.2 nats), low enough
/// to repair the real spans with a lost pair in the middle (pages 025, 031); the synthetic
/// spans of `examples/garbage_bench` come out the same anywhere from 1.5 to 3.
const LOST_PAIR_COST: f32 = 1.5;
/// First characters of a lost user-defined pair (its lead with the byte before it) kept per
/// state of the search: the cheapest.
const LOST_PAIR_FIRSTS: usize = 3;
/// Cost of assuming a lone byte at the end lost its partner without a visible `?`.
const LOST_TRAIL_COST: f32 = 6.0;
/// Cost of the one byte a run read back from its end ([`Span::insert`]) assumes lost where it
/// went out of step: the same as a lost trail, and every reading of such a span pays it.
const LOST_BYTE_COST: f32 = 6.0;
/// The byte a lost-byte insertion stands for: any lead or trail.
const LOST_BYTE: Slot = Slot {
    lo: gbk::TRAIL_MIN,
    hi: gbk::LEAD_MAX,
    reading: None,
};

/// A byte position of the sequence: a known value or a range of possible values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Slot {
    lo: u8,
    hi: u8,
    /// Index of the reading attached to this byte (into the span's reading list).
    reading: Option<u8>,
}

impl Slot {
    fn known(b: u8, reading: Option<u8>) -> Self {
        Slot {
            lo: b,
            hi: b,
            reading,
        }
    }
    fn is_known(&self) -> bool {
        self.lo == self.hi
    }
    /// The slot as one number (equal exactly when the slots are), 25 bits.
    fn packed(&self) -> u32 {
        let reading = self.reading.map_or(0, |r| 1 << 8 | u32::from(r));
        u32::from(self.lo) << 17 | u32::from(self.hi) << 9 | reading
    }
}

/// One hypothesis of the beam search. `Copy`: the reading it has made so far lives in the
/// search's arena ([`Search::arena`]), so making a state copies no text.
#[derive(Clone, Copy)]
struct State {
    pending: Option<Slot>,
    prev: Option<char>,
    /// The trigram context that ends in `prev` ([`Lm::context`]: `prev` and the character
    /// before it, when the model knows the two): then what follows depends on it too.
    ctx: Option<Context>,
    /// `prev` has no attested pair on its left.
    iso_left: bool,
    cost: f32,
    /// The reading so far: an arena node ([`NO_TEXT`]: empty), followed by `last` if any.
    out: u32,
    /// A character read in the current step, not yet in the arena: only the states a step
    /// keeps get a node.
    last: Option<char>,
    bonus: f32,
    /// Penalties minus rewards included in `cost` (lost bytes, confirmed readings), kept apart
    /// so the final choice can rescore the text alone.
    adj: f32,
    /// The lost byte of a span with [`Span::insert`] has been placed, before this many bytes
    /// of the sequence (`u16::MAX`: not yet).
    inserted: u16,
}

/// What [`prune`] keeps one state per.
type Key = (Option<Slot>, Option<char>, Option<Context>, bool, bool);

impl State {
    fn key(&self) -> Key {
        (
            self.pending,
            self.prev,
            self.ctx,
            self.iso_left,
            self.inserted != NOT_INSERTED,
        )
    }

    /// [`State::key`] as one number (equal exactly when the keys are), quicker to compare.
    fn packed_key(&self) -> u64 {
        let slot = self.pending.map_or(0, |p| 1 << 25 | u64::from(p.packed()));
        // A context is a pair that ends in `prev`: it stands for both.
        let prev = match self.ctx {
            Some(c) => 1 << 21 | u64::from(c.id()),
            None => self.prev.map_or(0, |c| 1 << 21 | u64::from(c)),
        };
        slot | prev << 26
            | u64::from(self.iso_left) << 48
            | u64::from(self.inserted != NOT_INSERTED) << 49
            | u64::from(self.ctx.is_some()) << 50
    }
}

/// [`State::inserted`] before the lost byte is placed.
const NOT_INSERTED: u16 = u16::MAX;

/// The empty reading, as an arena index.
const NO_TEXT: u32 = u32::MAX;

/// The best reading of a span: the text and its cost (bonuses included).
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    pub text: String,
    pub cost: f32,
    /// Characters the surviving annotations confirm.
    pub confirmed: usize,
    /// For a span with [`Span::insert`]: the byte of the sequence before which the reading
    /// placed the lost byte (the bytes before it read in step, as they stand).
    pub lost_at: Option<usize>,
}

/// A character a repair may produce from bytes it guessed: Han or Chinese punctuation.
fn plausible(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}')
        || lm::mark_cost(c).is_some()
}

/// Searches the best pairing of `span`'s bytes; `before` and `after` are a few characters
/// around it (context for the model). The beam runs on the character model; its best final
/// readings are then compared by word segmentation over the span and its context.
///
/// `below`: the caller takes a reading only if it costs less than this. The search then gives
/// up (`None`) as soon as every state it keeps costs that much already (counting the lost
/// byte it has still to place, if the span has one), which it can tell when the span has no
/// annotation: then no step lowers a cost, and closing a reading
/// (`finish`) lowers it by at most the unigram cost of the character after the span. Giving
/// up answers what the whole search would (no reading the caller takes), sooner: most spans
/// of that kind are real text after a `?`.
pub fn best_reading<'s>(
    simp: &Simplifier,
    span: &'s Span,
    before_ctx: &[char],
    after_ctx: &[char],
    below: Option<f32>,
) -> Option<Reading> {
    let lm = Lm::get();
    let before = before_ctx.last().copied();
    let after = after_ctx.first().copied();
    let mut readings: Vec<&str> = Vec::new();
    let mut slot_of = |reading: &'s Option<String>| -> Option<u8> {
        let r = reading.as_deref()?;
        readings.push(r);
        Some((readings.len() - 1) as u8)
    };
    let slots: Vec<(Slot, f32)> = span
        .items
        .iter()
        .map(|it| match it {
            Item::Byte(b) => (Slot::known(*b, None), 0.0),
            Item::Letter(b, r) => (Slot::known(*b, slot_of(r)), 0.0),
            Item::Hidden(r) => (
                Slot {
                    lo: gbk::LEAD_MIN,
                    hi: gbk::LEAD_MAX,
                    reading: slot_of(r),
                },
                0.0,
            ),
            Item::LostTrail => (
                Slot {
                    lo: gbk::TRAIL_MIN,
                    hi: gbk::TRAIL_MAX,
                    reading: None,
                },
                LOST_TRAIL_COST,
            ),
        })
        .collect();
    let named: Vec<Vec<char>> = readings
        .iter()
        .map(|r| annotations::characters_read(r))
        .collect();
    let mut search = Search {
        simp,
        readings,
        named,
        arena: Vec::new(),
        cands: Vec::new(),
        expanded: HashMap::default(),
        bases: Vec::new(),
        based: HashMap::default(),
        decoded: Vec::new(),
        decodes: HashMap::default(),
    };

    let after_s = after.and_then(|c| word_char(simp, c));
    // (0.01: a margin for rounding; costs are tens of nats.)
    let give_up = below
        .filter(|_| search.readings.is_empty())
        .map(|b| b + after_s.map_or(0.0, |a| lm.unigram(a)) + 0.01);
    // A reading of a span with an insertion must place the lost byte, which costs
    // `LOST_BYTE_COST` more: a state that has not placed it owes that much to any reading.
    let must_insert = !span.insert.is_empty();
    let owed = |s: &State| {
        if must_insert && s.inserted == NOT_INSERTED {
            LOST_BYTE_COST
        } else {
            0.0
        }
    };
    let start_prev = before.and_then(|c| word_char(simp, c));
    let mut beam = vec![State {
        pending: None,
        prev: start_prev,
        ctx: None,
        iso_left: false,
        cost: 0.0,
        out: NO_TEXT,
        last: None,
        bonus: 0.0,
        adj: 0.0,
        inserted: NOT_INSERTED,
    }];
    for (k, &(slot, extra)) in slots.iter().enumerate() {
        if span.insert.contains(&k) {
            search.insert_lost_byte(&mut beam, k);
        }
        let lost_pair = span.lost_ok[k] && k > 0;
        // Most steps have no equal costs where the beam is cut, and then the cheapest states
        // can be kept as they are made; otherwise the step is made again and pruned whole,
        // which keeps equal states in the order the exact pruning gives them.
        let mut best = Best::new();
        search.advance(&beam, lost_pair, slot, extra, &mut best);
        beam = match best.finish() {
            Some(kept) => kept,
            None => {
                let mut all = Vec::new();
                search.advance(&beam, lost_pair, slot, extra, &mut all);
                prune(all)
            }
        };
        if beam.is_empty() || give_up.is_some_and(|g| beam.iter().all(|s| s.cost + owed(s) >= g)) {
            return None;
        }
        for st in &mut beam {
            search.settle(st);
        }
    }
    if span.insert.contains(&slots.len()) {
        search.insert_lost_byte(&mut beam, slots.len());
    }
    let mut finals: Vec<State> = beam
        .into_iter()
        .filter(|s| s.pending.is_none() && (!must_insert || s.inserted != NOT_INSERTED))
        .map(|mut s| {
            s.cost += finish(s.ctx, s.prev, s.iso_left, after_s);
            s
        })
        .collect();
    finals.sort_by(|a, b| a.cost.total_cmp(&b.cost));
    finals.truncate(RESCORE);
    let ctx = |out: &[char]| -> Vec<char> {
        before_ctx
            .iter()
            .chain(out)
            .chain(after_ctx)
            .map(|&c| simp.simplify(c))
            .collect()
    };
    finals
        .into_iter()
        .map(|s| {
            let out = search.text(&s);
            let words = lm.segment_cost(&ctx(&out)) + s.cost;
            (words, s, out)
        })
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, s, out)| Reading {
            text: out.iter().collect(),
            cost: s.cost,
            confirmed: s.bonus as usize,
            lost_at: (s.inserted != NOT_INSERTED).then_some(usize::from(s.inserted)),
        })
}

/// A candidate character of one expansion: cost, character, simplified form (`None`: a mark),
/// `iso_left` of the state it makes, whether an annotation confirms it, and the trigram context
/// it makes with the state's previous character.
type Cand = (f32, char, Option<char>, bool, bool, Option<Context>);

/// The span-wide data and buffers of one beam search.
struct Search<'a, 's> {
    simp: &'a Simplifier<'a>,
    /// The readings of the span's annotations ([`Slot::reading`] indexes them).
    readings: Vec<&'s str>,
    /// Per reading, the characters the site annotates with it.
    named: Vec<Vec<char>>,
    /// The readings of the states, as a tree: (parent node or [`NO_TEXT`], character).
    arena: Vec<(u32, char)>,
    /// The expansions worked out so far ([`Search::expand`]), one after the other.
    cands: Vec<Cand>,
    /// The expansions by (lead, trail, previous character, `iso_left`, the character before
    /// when the trigram knows the pair), packed ([`Slot::packed`]): hashed in two words.
    expanded: HashMap<(u64, u64), Range<usize>>,
    /// Every candidate of an expansion without its trigram context, with the part of its cost
    /// the trigram may lower ([`step`]): the expansions of states with a context and the same
    /// previous character start from these.
    bases: Vec<(Cand, f32)>,
    /// Those by (lead, trail, previous character, `iso_left`), packed as in `expanded`.
    based: HashMap<(u64, u64), Range<usize>>,
    /// The characters decoded so far ([`Search::decode`]), one after the other: the character,
    /// its simplified form (`None`: a mark), its mark cost, and whether an annotation confirms
    /// it.
    decoded: Vec<(char, Option<char>, f32, bool)>,
    decodes: HashMap<(Slot, Slot), Range<usize>>,
}

impl Search<'_, '_> {
    /// Lets every state of `beam` that has not placed the lost byte yet place it here, before
    /// byte `k` of the sequence: the states that do are added to the beam, which is pruned.
    fn insert_lost_byte(&mut self, beam: &mut Vec<State>, k: usize) {
        let fresh: Vec<State> = (beam.iter())
            .filter(|s| s.inserted == NOT_INSERTED)
            .copied()
            .collect();
        let mut added = Vec::new();
        self.advance(&fresh, false, LOST_BYTE, LOST_BYTE_COST, &mut added);
        for st in &mut added {
            st.inserted = u16::try_from(k).unwrap_or(NOT_INSERTED - 1);
            self.settle(st);
        }
        beam.extend(added);
        *beam = prune(std::mem::take(beam));
    }

    /// One step of the search, over the slot `slot` (which costs `extra`): every state the
    /// beam leads to, in order, given to `keep`. With `lost_pair`, a lost user-defined pair
    /// may sit before the slot.
    fn advance(
        &mut self,
        beam: &[State],
        lost_pair: bool,
        slot: Slot,
        extra: f32,
        keep: &mut impl Gather,
    ) {
        let mut added = Vec::new();
        if lost_pair {
            // The cheapest lost-pair state of each key made so far ([`State::packed_key`]).
            let mut cheapest: HashMap<u64, f32> = HashMap::default();
            for st in beam.iter().filter(|s| s.pending.is_some()) {
                let Some(lead) = st.pending else {
                    continue;
                };
                let mut firsts: Vec<(f32, u8, usize)> = Vec::new();
                for p in (0xA1..=0xA7).chain(0xAA..=0xAF).chain(0xF8..=0xFE) {
                    for k in self.expand(st, lead, Slot::known(p, None)) {
                        firsts.push((self.cands[k].0, p, k));
                    }
                }
                // Only the cheapest first characters are followed: each opens a range of
                // trails, and following all of them made the pair the dearest option.
                if firsts.len() > LOST_PAIR_FIRSTS {
                    firsts.select_nth_unstable_by(LOST_PAIR_FIRSTS, |a, b| {
                        a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2))
                    });
                    firsts.truncate(LOST_PAIR_FIRSTS);
                    firsts.sort_by_key(|f| (f.1, f.2));
                }
                for (_, p, k) in firsts {
                    let Some((lo, hi)) = gbk::private_trails(p) else {
                        continue;
                    };
                    let mut n = self.child(st, k);
                    n.cost += LOST_PAIR_COST;
                    n.adj += LOST_PAIR_COST;
                    n.pending = Some(Slot {
                        lo,
                        hi,
                        reading: None,
                    });
                    // A state of the same key made before it and costing no more leads
                    // first to the same states, each costing no more: this one's would
                    // all be dropped (the beam keeps the first cheapest of a key).
                    match cheapest.entry(n.packed_key()) {
                        Entry::Occupied(e) if *e.get() <= n.cost => continue,
                        Entry::Occupied(mut e) => {
                            e.insert(n.cost);
                        }
                        Entry::Vacant(e) => {
                            e.insert(n.cost);
                        }
                    }
                    // Its next character comes in this step too.
                    self.settle(&mut n);
                    added.push(n);
                }
            }
        }
        for st in beam.iter().chain(&added) {
            match st.pending {
                None => {
                    if slot.is_known() && slot.lo < 0x80 {
                        let mut n = *st;
                        n.last = Some(slot.lo as char);
                        n.cost += step(st.prev, st.iso_left, None).0 + extra;
                        n.prev = None;
                        n.ctx = None;
                        n.iso_left = true;
                        n.adj += extra;
                        keep.offer(n);
                    } else if slot.hi >= gbk::LEAD_MIN {
                        let mut n = *st;
                        n.pending = Some(Slot {
                            lo: slot.lo.max(gbk::LEAD_MIN),
                            ..slot
                        });
                        n.cost += extra;
                        n.adj += extra;
                        keep.offer(n);
                    }
                }
                Some(lead) => {
                    for k in self.expand(st, lead, slot) {
                        let mut n = self.child(st, k);
                        n.cost += extra;
                        n.adj += extra;
                        keep.offer(n);
                    }
                }
            }
        }
    }

    /// The characters a lead slot and a trail slot can make after `st`, with their costs: the
    /// cheapest [`PER_EXPANSION`] of them, as a range of `self.cands`. They depend on `st`
    /// only through its previous character (and the one before it, where the trigram knows
    /// the two), so they are worked out once per span for each (lead, trail, previous
    /// characters): a step's states mostly share those (the lost pairs tried after every state
    /// of the beam are the same few characters).
    fn expand(&mut self, st: &State, lead: Slot, trail: Slot) -> Range<usize> {
        let packed = |c: Option<char>| c.map_or(0, |c| 1 << 21 | u64::from(c));
        let base_key = (
            u64::from(lead.packed()) << 32 | u64::from(trail.packed()),
            packed(st.prev) << 1 | u64::from(st.iso_left),
        );
        let ctx = st.ctx.map_or(0, |c| 1 << 32 | u64::from(c.id()));
        let key = (base_key.0, ctx << 23 | base_key.1);
        if let Some(r) = self.expanded.get(&key) {
            return r.clone();
        }
        // Candidates first, states only for the cheapest: a hidden byte opens ~126 of them.
        let from = self.cands.len();
        if st.ctx.is_none() {
            for k in self.decode(lead, trail) {
                let (cand, _) = self.candidate(st, k);
                self.cands.push(cand);
            }
        } else {
            let base = match self.based.get(&base_key) {
                Some(r) => r.clone(),
                None => {
                    let from = self.bases.len();
                    for k in self.decode(lead, trail) {
                        let cand = self.candidate(st, k);
                        self.bases.push(cand);
                    }
                    self.based.insert(base_key, from..self.bases.len());
                    from..self.bases.len()
                }
            };
            for k in base {
                let (mut cand, bigram) = self.bases[k];
                if let Some(s) = cand.2 {
                    cand.0 += trigram_gain(st.ctx, s, bigram);
                }
                self.cands.push(cand);
            }
        }
        let new = &mut self.cands[from..];
        if new.len() > PER_EXPANSION {
            new.select_nth_unstable_by(PER_EXPANSION, |a, b| a.0.total_cmp(&b.0));
            self.cands.truncate(from + PER_EXPANSION);
        }
        let r = from..self.cands.len();
        self.expanded.insert(key, r.clone());
        r
    }

    /// Decoded character `k` as a candidate after `st`, without `st`'s trigram context, and the
    /// part of its cost that context may lower ([`step`]).
    fn candidate(&self, st: &State, k: usize) -> (Cand, f32) {
        let (c, s, mark, confirmed) = self.decoded[k];
        let (mut cost, iso_left, bigram, ctx) = step(st.prev, st.iso_left, s);
        cost += mark;
        if confirmed {
            cost -= READING_BONUS;
        }
        ((cost, c, s, iso_left, confirmed, ctx), bigram)
    }

    /// The characters a lead slot and a trail slot can make, whatever comes before them, as a
    /// range of `self.decoded`: worked out once per span for each (lead, trail), where
    /// [`Search::expand`] costs them once per previous character.
    fn decode(&mut self, lead: Slot, trail: Slot) -> Range<usize> {
        if let Some(r) = self.decodes.get(&(lead, trail)) {
            return r.clone();
        }
        let simp = self.simp;
        let readings = &self.readings;
        let rs = [lead.reading, trail.reading];
        let rs = rs.iter().flatten();
        let from = self.decoded.len();
        let decoded = &mut self.decoded;
        let mut push = |c: char| {
            let guessed = !(lead.is_known() && trail.is_known());
            if gbk::is_private_use(c) || (guessed && !plausible(c)) {
                return;
            }
            let s = word_char(simp, c);
            let mark = lm::mark_cost(c).unwrap_or(0.0);
            let confirmed = rs
                .clone()
                .any(|&r| annotations::reading(c) == Some(readings[usize::from(r)]));
            decoded.push((c, s, mark, confirmed));
        };
        match (lead.is_known(), trail.is_known()) {
            (true, true) => {
                if let Some(c) = gbk::decode(lead.lo, trail.lo) {
                    push(c)
                }
            }
            (true, false) => {
                for t in trail.lo..=trail.hi {
                    if let Some(c) = gbk::decode(lead.lo, t) {
                        push(c)
                    }
                }
            }
            (false, true) => {
                for l in lead.lo..=lead.hi {
                    if let Some(c) = gbk::decode(l, trail.lo) {
                        push(c)
                    }
                }
            }
            (false, false) => {
                // Both bytes hidden: only a character an annotation names is evidence enough.
                for &r in rs.clone() {
                    for &c in &self.named[usize::from(r)] {
                        if let Some([a, b]) = gbk::encode(c) {
                            if (lead.lo..=lead.hi).contains(&a)
                                && (trail.lo..=trail.hi).contains(&b)
                            {
                                push(c)
                            }
                        }
                    }
                }
            }
        }
        let r = from..self.decoded.len();
        self.decodes.insert((lead, trail), r.clone());
        r
    }

    /// The state candidate `k` of `self.cands` leads `st` to.
    fn child(&self, st: &State, k: usize) -> State {
        let (cost, c, s, iso_left, confirmed, ctx) = self.cands[k];
        let reward = if confirmed { READING_BONUS } else { 0.0 };
        State {
            pending: None,
            prev: s,
            ctx,
            iso_left,
            cost: st.cost + cost,
            out: st.out,
            last: Some(c),
            bonus: st.bonus + f32::from(u8::from(confirmed)),
            adj: st.adj - reward,
            inserted: st.inserted,
        }
    }

    /// Puts the character `st` read in this step, if any, into the arena.
    fn settle(&mut self, st: &mut State) {
        if let Some(c) = st.last.take() {
            self.arena.push((st.out, c));
            st.out = (self.arena.len() - 1) as u32;
        }
    }

    /// The reading `st` has made.
    fn text(&self, st: &State) -> Vec<char> {
        let mut out: Vec<char> = st.last.into_iter().collect();
        let mut node = st.out;
        while let Some(&(parent, c)) = self.arena.get(node as usize) {
            out.push(c);
            node = parent;
        }
        out.reverse();
        out
    }
}

/// Characters kept from one expansion of a state (the rest are costlier than the beam keeps).
const PER_EXPANSION: usize = 32;
/// Final readings of the beam compared by word segmentation.
const RESCORE: usize = 24;

/// Keeps the cheapest state per (pending slot, previous character), then the best `BEAM`.
fn prune(states: Vec<State>) -> Vec<State> {
    let mut best: HashMap<Key, State> = HashMap::default();
    for s in states {
        let key = s.key();
        match best.get(&key) {
            Some(b) if b.cost <= s.cost => {}
            _ => {
                best.insert(key, s);
            }
        }
    }
    let mut v: Vec<State> = best.into_values().collect();
    v.sort_by(|a, b| a.cost.total_cmp(&b.cost));
    v.truncate(BEAM);
    v
}

/// Where a step's states go.
trait Gather {
    fn offer(&mut self, s: State);
}

/// All of them, for [`prune`].
impl Gather for Vec<State> {
    fn offer(&mut self, s: State) {
        self.push(s);
    }
}

impl Gather for Best {
    fn offer(&mut self, s: State) {
        Best::offer(self, s);
    }
}

/// [`prune`] done while the states are made, without keeping them all: a state costlier than
/// `BEAM` states of other keys already seen cannot be kept, so it is dropped at once. Gives
/// the same beam as `prune` whenever `prune`'s does not depend on the order of its map, that
/// is when no two of the `BEAM + 1` cheapest keys cost the same; [`Best::finish`] says when.
struct Best {
    /// The cheapest state of each key that may still be kept, in order of arrival.
    kept: Vec<State>,
    /// Their keys ([`State::packed_key`]), at the same places.
    keys: Vec<u64>,
    /// Cost above which a state cannot be kept: the `BEAM`-th lowest of `kept` at the last
    /// tightening (infinite before). It only decreases, and the keys under it stay under it.
    bound: f32,
    /// Size of `kept` at which the bound is tightened next.
    limit: usize,
}

impl Best {
    fn new() -> Self {
        Best {
            kept: Vec::new(),
            keys: Vec::new(),
            bound: f32::INFINITY,
            limit: 2 * BEAM,
        }
    }

    fn offer(&mut self, s: State) {
        if s.cost > self.bound {
            return;
        }
        let key = s.packed_key();
        if let Some(i) = self.keys.iter().position(|&k| k == key) {
            // As `prune`: the first of equal states stays.
            if s.cost < self.kept[i].cost {
                self.kept[i] = s;
            }
            return;
        }
        self.kept.push(s);
        self.keys.push(key);
        if self.kept.len() >= self.limit {
            let mut costs: Vec<f32> = self.kept.iter().map(|s| s.cost).collect();
            let (_, &mut bound, _) = costs.select_nth_unstable_by(BEAM - 1, f32::total_cmp);
            self.bound = bound;
            let mut n = 0;
            for i in 0..self.kept.len() {
                if self.kept[i].cost <= bound {
                    (self.kept[n], self.keys[n]) = (self.kept[i], self.keys[i]);
                    n += 1;
                }
            }
            self.kept.truncate(n);
            self.keys.truncate(n);
            self.limit = 2 * self.kept.len().max(BEAM);
        }
    }

    /// The beam `prune` would make of all the states offered, or `None` when equal costs
    /// leave its order to the map.
    fn finish(mut self) -> Option<Vec<State>> {
        self.kept.sort_by(|a, b| a.cost.total_cmp(&b.cost));
        let n = self.kept.len().min(BEAM + 1);
        if self.kept[..n].windows(2).any(|w| w[0].cost == w[1].cost) {
            return None;
        }
        self.kept.truncate(BEAM);
        Some(self.kept)
    }
}
