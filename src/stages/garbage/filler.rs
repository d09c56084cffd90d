//! Anti-copy filler: long runs of real characters in orders that no text has.
//!
//! Sites pad a page with runs like `蒄蚄袀膇莀蚃羂羀芆蚃…` (rare, often periodic) or
//! `變榔籃螞暈賓渦剿神霉…` (common characters at random). What gives both away is the
//! pairs: in real text many adjacent characters form a pair found inside some word (the
//! model's attested bigrams), in filler almost none do. A two-state model (text, filler) over
//! each run of Han characters labels every character; a filler stretch is removed only when it
//! is long (names, terms and classical phrases with few attested pairs are short).

use std::borrow::Cow;
use std::sync::OnceLock;

use super::realign::{is_pinyin_letter, Simplifier};
use crate::lm::Lm;

/// Shortest stretch removed as filler, in characters.
pub const MIN_FILLER: usize = 24;
/// Costs (nats) of a pair in each state: `good` is an attested pair.
const TEXT_GOOD: f32 = 0.51; // -ln 0.6
const TEXT_BAD: f32 = 0.92; // -ln 0.4
const FILLER_GOOD: f32 = 3.2; // -ln 0.04
const FILLER_BAD: f32 = 0.04; // -ln 0.96
/// Cost of switching between text and filler inside a run, and of a run starting or ending
/// in filler (filler often fills a line or ends a page).
const SWITCH: f32 = 12.0;
const EDGE: f32 = 4.0;

/// Characters so common around any word that a pair with one of them is no evidence of filler.
const FUNCTION: &str = "的了是在和与及或也就都而之其以于为不有个这那一上中下们着地得所把被从对";

/// Whether `c` is one of [`FUNCTION`]: a bit per BMP code point, read for every character of a
/// page (searching the string each time cost more than the rest of the check).
fn is_function(c: char) -> bool {
    static BITS: OnceLock<Box<[u64]>> = OnceLock::new();
    let bits = BITS.get_or_init(|| {
        let mut bits = vec![0u64; 0x10000 / 64].into_boxed_slice();
        for f in FUNCTION.chars() {
            bits[f as usize / 64] |= 1 << (f as usize % 64);
        }
        bits
    });
    bits.get(c as usize / 64)
        .is_some_and(|w| w & (1 << (c as usize % 64)) != 0)
}

fn is_han(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}')
}

/// One Han character of a run, with the annotation that follows it if any.
struct Unit {
    /// Byte range in the text: the character and its annotation.
    start: usize,
    end: usize,
    /// Simplified form (what the model knows).
    simplified: char,
    /// `simplified` is a [`FUNCTION`] character.
    function: bool,
}

/// Removes filler runs from `text`; returns the new text (borrowed when none went) and how
/// many runs went.
pub fn remove<'t>(
    text: &'t str,
    simp: &Simplifier,
    notes: &mut Vec<String>,
) -> (Cow<'t, str>, u64) {
    let cuts = find(text, simp);
    if cuts.is_empty() {
        return (Cow::Borrowed(text), 0);
    }
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for &(a, b) in &cuts {
        out.push_str(&text[last..a]);
        let removed = &text[a..b];
        let n = removed.chars().count();
        let head: String = removed.chars().take(8).collect();
        notes.push(format!("garbage: removed filler ({n} chars) {head}…"));
        last = b;
    }
    out.push_str(&text[last..]);
    (Cow::Owned(out), cuts.len() as u64)
}

/// The byte ranges of `text` labelled filler, in order. Works on the text's bytes, decoding
/// one character at a time: every page goes through here, and most have no filler.
fn find(text: &str, simp: &Simplifier) -> Vec<(usize, usize)> {
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    let mut run: Vec<Unit> = Vec::new();
    let mut scratch = Scratch::default();
    let mut forward = Forward::new();
    let lm = Lm::get();
    let mut i = 0;
    loop {
        let c = text[i..].chars().next();
        if let Some(c) = c.filter(|&c| is_han(c)) {
            let mut end = i + c.len_utf8();
            if let Some(e) = annotation_end(text, end) {
                end = e;
            }
            let simplified = simp.simplify(c);
            let unit = Unit {
                start: i,
                end,
                simplified,
                function: is_function(simplified),
            };
            match run.last() {
                Some(prev) => forward.push(good(lm, prev, &unit)),
                None => forward = Forward::new(),
            }
            run.push(unit);
            i = end;
            continue;
        }
        // Up to two stray ASCII characters between Han characters (`?;` of byte garbage, a
        // letter) do not end a run: filler is often garbled too. They are not scored, and
        // go only if the filler around them goes.
        if !run.is_empty() && c.is_some() {
            let stray = |c: char| c.is_ascii_alphanumeric() || matches!(c, '?' | ';' | ',' | ':');
            let k = text[i..].char_indices().take(3).find(|&(_, c)| !stray(c));
            if let Some((k, _)) = k.filter(|&(k, ck)| k > 0 && is_han(ck)) {
                i += k;
                continue;
            }
        }
        if run.len() >= MIN_FILLER && forward.may_have_filler() {
            cuts.extend(label(&run, &mut scratch));
        }
        run.clear();
        match c {
            Some(c) => i += c.len_utf8(),
            None => return cuts,
        }
    }
}

/// End (byte offset) of a `(pinyin)` annotation starting at byte `i`.
fn annotation_end(text: &str, i: usize) -> Option<usize> {
    let mut chars = text[i..].char_indices();
    if chars.next()?.1 != '(' {
        return None;
    }
    // Up to seven letters, then `)`.
    for (n, (k, c)) in chars.enumerate() {
        if c == ')' {
            return (n > 0).then_some(i + k + 1);
        }
        if n >= 7 || !is_pinyin_letter(c) {
            return None;
        }
    }
    None
}

/// A pair that only a word makes (function characters are no evidence here).
fn good_pair(lm: &Lm, a: char, b: char) -> bool {
    lm.attested(a, b)
}

/// Costs of the two states at a run's first character: a run may start in filler, at a price.
const START: [f32; 2] = [0.0, EDGE];

/// Whether two neighbours of a run form a pair that real text has.
fn good(lm: &Lm, a: &Unit, b: &Unit) -> bool {
    a.simplified == b.simplified
        || a.function
        || b.function
        || lm.attested(a.simplified, b.simplified)
}

/// One step of the Viterbi forward pass: the costs after the next pair (`good` or not) and,
/// per state, the state it is best reached from.
fn step(cost: [f32; 2], good: bool) -> ([f32; 2], [u8; 2]) {
    let emit = if good {
        [TEXT_GOOD, FILLER_GOOD]
    } else {
        [TEXT_BAD, FILLER_BAD]
    };
    let mut next = [0.0f32; 2];
    let mut back = [0u8; 2];
    for s in 0..2 {
        let stay = cost[s];
        let switch = cost[1 - s] + SWITCH;
        if stay <= switch {
            next[s] = stay + emit[s];
            back[s] = s as u8;
        } else {
            next[s] = switch + emit[s];
            back[s] = (1 - s) as u8;
        }
    }
    (next, back)
}

/// Whether the best path ends in filler, given the final costs.
fn ends_in_filler(cost: [f32; 2]) -> bool {
    cost[0] > cost[1] + EDGE
}

/// The forward pass of [`label`], run while a run's characters arrive. The best path is all
/// text when it ends in text and no text state on it is reached from filler: then `label`
/// would find nothing, and most runs (real text) need no more than this pass.
struct Forward {
    cost: [f32; 2],
    /// Some text state is best reached from filler.
    from_filler: bool,
}

impl Forward {
    fn new() -> Self {
        Forward {
            cost: START,
            from_filler: false,
        }
    }

    fn push(&mut self, good: bool) {
        let (cost, back) = step(self.cost, good);
        self.cost = cost;
        self.from_filler |= back[0] == 1;
    }

    /// Whether the best path may label some character filler.
    fn may_have_filler(&self) -> bool {
        self.from_filler || ends_in_filler(self.cost)
    }
}

/// Buffers [`label`] reuses from one run to the next.
#[derive(Default)]
struct Scratch {
    back: Vec<[u8; 2]>,
    states: Vec<u8>,
}

/// Viterbi over one run: the byte ranges labelled filler, each at least `MIN_FILLER`
/// characters long.
fn label(run: &[Unit], scratch: &mut Scratch) -> Vec<(usize, usize)> {
    let lm = Lm::get();
    let n = run.len();
    // cost[s], back[k][s]: s = 0 text, 1 filler.
    let mut cost = START;
    let back = &mut scratch.back;
    back.clear();
    back.resize(n, [0, 1]);
    for (k, bk) in back.iter_mut().enumerate().skip(1) {
        (cost, *bk) = step(cost, good(lm, &run[k - 1], &run[k]));
    }
    let mut s = usize::from(ends_in_filler(cost));
    let states = &mut scratch.states;
    states.clear();
    states.resize(n, 0);
    for k in (0..n).rev() {
        states[k] = s as u8;
        s = usize::from(back[k][s]);
    }
    let mut out = Vec::new();
    let mut k = 0;
    while k < n {
        if states[k] == 1 {
            let a = k;
            while k < n && states[k] == 1 {
                k += 1;
            }
            // Give back edge characters that form a word with their text neighbour (the
            // switch between states is fuzzy by a character: `…膳同聲傳譯`).
            let (mut lo, mut hi) = (a, k);
            while hi > lo && hi < n && good_pair(lm, run[hi - 1].simplified, run[hi].simplified) {
                hi -= 1;
            }
            while lo < hi && lo > 0 && good_pair(lm, run[lo - 1].simplified, run[lo].simplified) {
                lo += 1;
            }
            if hi - lo >= MIN_FILLER {
                out.push((run[lo].start, run[hi - 1].end));
            }
        } else {
            k += 1;
        }
    }
    out
}
