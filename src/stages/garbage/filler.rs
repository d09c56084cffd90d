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

use super::score::Simplifier;
use super::span::is_pinyin_letter;
use crate::chars::{is_bmp_ideograph, ByteSet, CharSet};
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

/// Characters so common around any word that a pair with one of them is no evidence of filler
/// (`data/lm/function-words.txt`, where they come from is said there), as a set: read for every
/// character of a page (searching a string each time cost more than the rest of the check).
fn function_set() -> &'static CharSet {
    static SET: OnceLock<CharSet> = OnceLock::new();
    SET.get_or_init(|| {
        let text = include_str!("../../../data/lm/function-words.txt");
        (text.lines())
            .filter(|l| !l.starts_with('#'))
            .flat_map(str::chars)
            .filter(|c| !c.is_whitespace())
            .collect()
    })
}

/// Builds `function_set` (see [`super::Garbage::prepare`]).
pub fn prepare() {
    function_set();
}

/// One Han character of a run, with the annotation that follows it if any.
struct Unit {
    /// Byte range in the text: the character and its annotation.
    start: usize,
    end: usize,
    /// Simplified form (what the model knows).
    simplified: char,
    /// `simplified` is a [function](function_set) character.
    function: bool,
}

/// Removes filler runs from `text`; returns the new text (borrowed when none went) and how
/// many runs went.
pub fn remove<'t>(
    text: &'t str,
    simp: &Simplifier,
    notes: &mut Vec<String>,
) -> (Cow<'t, str>, u64) {
    let cuts = find_all(text, simp);
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

/// The byte ranges of `text` labelled filler, in order.
///
/// Every page goes through here and most have no filler, nor even a stretch where a run long
/// enough for filler ([`MIN_FILLER`]) could be: a run never crosses a character that is not
/// Han, not a stray and not part of an annotation (a line break, a space, most punctuation),
/// and it has at most as many units as there are bytes that can start a Han character. So
/// lines, then the stretches between such characters ([`STOPS`]), have those bytes counted
/// first (by vector instructions), and [`find_into`] reads only the stretches that could hold a
/// long enough run. (`stretches_find_what_the_whole_text_does` checks this against `find`
/// over the whole text.)
fn find_all(text: &str, simp: &Simplifier) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut cuts = Vec::new();
    // One set of buffers for every stretch of the page: a page has a few dozen.
    let mut buffers = Buffers::default();
    let mut find_in = |from: usize, to: usize| {
        let at = cuts.len();
        find_into(&text[from..to], simp, &mut buffers, &mut cuts);
        for cut in &mut cuts[at..] {
            *cut = (cut.0 + from, cut.1 + from);
        }
    };
    let mut line = 0;
    let mut breaks = crate::chars::NEWLINE.positions(text);
    while line < bytes.len() {
        let end = breaks.next().unwrap_or(bytes.len());
        let han = count_han_leads(&bytes[line..end]);
        if han >= MIN_FILLER {
            // The stretches of the line between characters that end every run. Each starts
            // at such a character (a character boundary), whose bytes are not counted.
            let (mut from, mut counted_from, mut at) = (line, line, line);
            loop {
                at = STOPS.next(&text[..end], at);
                // `E3` and `EF` also start the commonest punctuation (`。、「」`, `，：（）`),
                // which ends every run: the second byte tells.
                if at < end
                    && matches!(bytes[at], 0xE3 | 0xEF)
                    && second_may_be_han(bytes[at], bytes.get(at + 1))
                {
                    at += 1;
                    continue;
                }
                if count_han_leads(&bytes[counted_from..at]) >= MIN_FILLER {
                    find_in(from, at);
                }
                if at == end {
                    break;
                }
                (from, counted_from, at) = (at, at + 1, at + 1);
            }
        }
        line = end + 1;
    }
    cuts
}

/// How many bytes of `bytes` may start a Han character. By blocks of 64 counted in a `u8`,
/// a shape the compiler turns into vector instructions: this reads every line of every page.
fn count_han_leads(bytes: &[u8]) -> usize {
    // `may_start_han` without branches; a block holds fewer than 256 of them.
    let count = |block: &[u8]| {
        let k = block.iter().fold(0u8, |k, &b| {
            k + (u8::from(b.wrapping_sub(0xE3) < 7) | u8::from(b == 0xEF))
        });
        usize::from(k)
    };
    let blocks = bytes.chunks_exact(64);
    count(blocks.remainder()) + blocks.map(count).sum::<usize>()
}

/// Whether a character that starts with `lead` (`E3` or `EF`) and then `second` may be Han:
/// not U+3000-U+33FF (`E3 80`-`E3 8F`: CJK punctuation, kana) nor a U+F000-U+FFFF character
/// outside the compatibility ideographs U+F900-U+FAFF (`EF A4`-`EF AB`: full-width forms).
fn second_may_be_han(lead: u8, second: Option<&u8>) -> bool {
    match (lead, second) {
        (0xE3, Some(&s)) => s >= 0x90,
        (0xEF, Some(&s)) => (0xA4..=0xAB).contains(&s),
        _ => true,
    }
}

/// Where [`find_all`] stops: the first bytes of the characters that end every run (ASCII
/// other than letters, digits, the strays' `?;,:` and an annotation's `()`, and every
/// character in U+0800-U+2FFF, U+A000-U+EFFF or above the BMP: none is Han, a stray or a
/// pinyin letter), and `E3` and `EF`, which start Han characters and punctuation alike. Given
/// as the bytes that are none of those: ASCII letters, digits and `?;,:()`, continuation bytes
/// and two-byte leads (`80`-`DF`), `E4`-`E9`, and bytes never in UTF-8 (`F5`-`FF`).
const STOPS: ByteSet<2, 7> = ByteSet {
    bytes: [b',', b'?'],
    ranges: [
        (b'(', b')'),
        (b'0', b';'),
        (b'A', b'Z'),
        (b'a', b'z'),
        (0x80, 0xDF),
        (0xE4, 0xE9),
        (0xF5, 0xFF),
    ],
    outside: true,
};

/// Whether the character that starts with byte `b` ends every run and is no part of one: ASCII
/// other than letters, digits, the strays' `?;,:` and an annotation's `()`, and every
/// character in U+0800-U+2FFF, U+A000-U+EFFF or above the BMP (none is Han, a stray or a
/// pinyin letter). Continuation bytes and other lead bytes say nothing. (The definition
/// [`STOPS`] is checked against.)
#[cfg(test)]
const fn ends_runs(b: u8) -> bool {
    match b {
        0x00..=0x7F => {
            !(b.is_ascii_alphanumeric() || matches!(b, b'?' | b';' | b',' | b':' | b'(' | b')'))
        }
        0xE0..=0xE2 | 0xEA..=0xEE | 0xF0..=0xF4 => true,
        _ => false,
    }
}

/// [`find_into`] with buffers of its own (the tests compare it with [`find_all`]).
#[cfg(test)]
fn find(text: &str, simp: &Simplifier) -> Vec<(usize, usize)> {
    let mut cuts = Vec::new();
    find_into(text, simp, &mut Buffers::default(), &mut cuts);
    cuts
}

/// The buffers [`find_into`] reuses from one call to the next.
#[derive(Default)]
struct Buffers {
    run: Vec<Unit>,
    scratch: Scratch,
}

/// The byte ranges of `text` labelled filler, in order, appended to `cuts`. Works on the
/// text's bytes.
fn find_into(text: &str, simp: &Simplifier, buffers: &mut Buffers, cuts: &mut Vec<(usize, usize)>) {
    let lm = Lm::get();
    let function = function_set();
    let bytes = text.as_bytes();
    let Buffers { run, scratch } = buffers;
    run.clear();
    let mut i = 0;
    loop {
        if run.is_empty() {
            // A run starts only at a Han character, so until one comes nothing needs a look:
            // skip every byte that cannot start one (continuation bytes included, so this
            // stops on a character boundary).
            while bytes.get(i).is_some_and(|&b| !may_start_han(b)) {
                i += 1;
            }
        }
        while let Some(c) = han_at(bytes, i) {
            let mut end = i + c.len_utf8();
            if let Some(e) = annotation_end(bytes, end) {
                end = e;
            }
            let simplified = simp.simplify(c);
            run.push(Unit {
                start: i,
                end,
                simplified,
                function: function.contains(simplified),
            });
            i = end;
        }
        let Some(&b) = bytes.get(i) else {
            if run.len() >= MIN_FILLER && !surely_text(lm, run) {
                cuts.extend(label(run, scratch));
            }
            return;
        };
        // Not Han. Up to two stray ASCII characters between Han characters (`?;` of byte
        // garbage, a letter) do not end a run: filler is often garbled too. They are not
        // scored, and go only if the filler around them goes. Strays are single bytes.
        if !run.is_empty() {
            let stray = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'?' | b';' | b',' | b':');
            let strays = bytes[i..].iter().take(3).take_while(|&&b| stray(b)).count();
            if (1..3).contains(&strays) && han_at(bytes, i + strays).is_some() {
                i += strays;
                continue;
            }
        }
        if run.len() >= MIN_FILLER && !surely_text(lm, run) {
            cuts.extend(label(run, scratch));
        }
        run.clear();
        i += utf8_len(b);
    }
}

/// Whether a Han character can start with the byte `b`: the lead bytes of U+3000-U+9FFF and
/// U+F000-U+FFFF in UTF-8.
const fn may_start_han(b: u8) -> bool {
    matches!(b, 0xE3..=0xE9 | 0xEF)
}

/// The Han character that starts at byte `i` (a character boundary), if one does. Every Han
/// character is three bytes long in UTF-8.
#[inline]
fn han_at(bytes: &[u8], i: usize) -> Option<char> {
    let &[b0, b1, b2] = bytes.get(i..i + 3)? else {
        return None;
    };
    if !may_start_han(b0) {
        return None;
    }
    let cp = (u32::from(b0 & 0x0F) << 12) | (u32::from(b1 & 0x3F) << 6) | u32::from(b2 & 0x3F);
    char::from_u32(cp).filter(|&c| is_bmp_ideograph(c))
}

/// Length in bytes of the UTF-8 character whose first byte is `b`.
fn utf8_len(b: u8) -> usize {
    match b {
        0x00..=0x7F => 1,
        0x80..=0xDF => 2,
        0xE0..=0xEF => 3,
        _ => 4,
    }
}

/// End (byte offset) of a `(pinyin)` annotation starting at byte `i`: up to seven letters and
/// `)`. Read from the bytes: pinyin letters are ASCII or two-byte characters (`ā` … `ü`).
fn annotation_end(bytes: &[u8], i: usize) -> Option<usize> {
    if bytes.get(i) != Some(&b'(') {
        return None;
    }
    let mut j = i + 1;
    for n in 0..=7 {
        let b0 = *bytes.get(j)?;
        if b0 == b')' {
            return (n > 0).then_some(j + 1);
        }
        let (c, len) = match b0 {
            0x00..=0x7F => (char::from(b0), 1),
            0xC2..=0xDF => {
                let b1 = *bytes.get(j + 1)?;
                (
                    char::from_u32((u32::from(b0 & 0x1F) << 6) | u32::from(b1 & 0x3F))?,
                    2,
                )
            }
            _ => return None,
        };
        if n == 7 || !is_pinyin_letter(c) {
            return None;
        }
        j += len;
    }
    None
}

/// A pair that only a word makes (function characters are no evidence here).
fn good_pair(lm: &Lm, a: char, b: char) -> bool {
    lm.attested(a, b)
}

/// Costs of the two states at a run's first character: a run may start in filler, at a price.
const START: [f32; 2] = [0.0, EDGE];

/// Whether two neighbours of a run form a pair that real text has (an attested pair, or one
/// with a [function](function_set) character, or the same character twice).
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

/// Where the walk of [`surely_text`] must stay: a filler label needs `d` below `-EDGE`, and
/// this leaves one nat for the rounding of the comparisons.
const SURELY_TEXT_ABOVE: f64 = 1.0 - EDGE as f64;
/// While the walk stays at or above this after a pair, the pair is not looked up: counting it
/// as not good keeps the bound. A speed setting only: any value gives the same output.
const LOOK_UP_BELOW: f64 = 0.0;

/// Whether [`label`] would find no filler in `run`, shown cheaply: true means it finds none,
/// false that it has to be run.
///
/// Written as `d = cost[filler] - cost[text]`, `label`'s forward pass is the walk
/// `d <- clamp(d, -SWITCH, SWITCH) + step`, from `d = EDGE`, where `step` is
/// `FILLER_GOOD - TEXT_GOOD` (up) for a good pair and `FILLER_BAD - TEXT_BAD` (down) for
/// another. A character is labelled filler only if `d` falls below `-EDGE` somewhere (below
/// `-SWITCH` for a text state to come from filler, below `-EDGE` to end in filler). The walk
/// is monotone in `d` and in each step, so counting a pair as not good gives a lower bound:
/// pairs of the same character or with a [function](function_set) character are known good for free,
/// and the model is asked about a pair only when the bound gets low. `label` computes in
/// `f32`, each step rounding costs that grow with the run; that error (at most two ulps of
/// the largest cost per step, bounded from the step count) is taken off at every step.
fn surely_text(lm: &Lm, run: &[Unit]) -> bool {
    let up = f64::from(FILLER_GOOD) - f64::from(TEXT_GOOD);
    let down = f64::from(FILLER_BAD) - f64::from(TEXT_BAD);
    // No cost `label` computes exceeds the all-text path plus two switches and a pair, and an
    // ulp of x is at most x 2^-23: a step rounds four times (two sums per state), so four ulps
    // of that bound cover it, with a factor two to spare.
    let largest =
        f64::from(TEXT_BAD) * run.len() as f64 + 2.0 * f64::from(SWITCH) + f64::from(FILLER_GOOD);
    let rounding = 8.0 * largest * f64::from(2f32.powi(-23));
    let mut d = f64::from(EDGE);
    for pair in run.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        let base = d.clamp(-f64::from(SWITCH), f64::from(SWITCH)) - rounding;
        let good = a.simplified == b.simplified
            || a.function
            || b.function
            || (base + down < LOOK_UP_BELOW && lm.attested(a.simplified, b.simplified));
        d = base + if good { up } else { down };
        if d < SURELY_TEXT_ABOVE {
            return false;
        }
    }
    true
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn stops_are_run_enders_and_e3_ef() {
        for b in 0..=255u8 {
            let want = ends_runs(b) || b == 0xE3 || b == 0xEF;
            assert_eq!(STOPS.contains(b), want, "{b:#04x}");
        }
    }

    fn run_of(text: &str) -> Vec<Unit> {
        text.chars()
            .enumerate()
            .map(|(k, c)| Unit {
                start: 3 * k,
                end: 3 * k + 3,
                simplified: c,
                function: function_set().contains(c),
            })
            .collect()
    }

    #[test]
    fn filler_is_not_surely_text() {
        let filler = "蒄蚄袀膇莀蚃羂羀芆蚃蚂膅膂艿螄羈肇芈袇膄莆莇薆羇节莆虿膂膈莆螁羅膄莅羃螈";
        let run = run_of(filler);
        assert!(!label(&run, &mut Scratch::default()).is_empty());
        assert!(!surely_text(Lm::get(), &run));
        assert!(surely_text(
            Lm::get(),
            &run_of("软件设计是后续开发步骤的基础数据管理系统")
        ));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]
        /// Reading only the stretches that can hold a long run finds what reading the whole
        /// text finds: filler and text, broken by every kind of character.
        #[test]
        fn stretches_find_what_the_whole_text_does(
            text in "(蒄蚄袀膇莀蚃羂羀芆|變榔籃螞暈賓渦剿|數據管理的系統|\\(xì\\)|\\?;|a|1|,| |\n|。|，|é|—|𠀀|Ａ){1,120}"
        ) {
            let conv = crate::converter::Converter::new();
            let simp = Simplifier::new(&conv);
            prop_assert_eq!(find_all(&text, &simp), find(&text, &simp));
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        /// The shortcut never hides filler that `label` would find: words, function
        /// characters and filler characters mixed in every proportion.
        #[test]
        fn surely_text_only_when_label_finds_nothing(
            text in "(数据|燃气|管理|系统|设计|的|是|在|蒄|蚄|袀|膇|莀|變|榔|籃|螞|暈){12,400}"
        ) {
            let run = run_of(&text);
            if surely_text(Lm::get(), &run) {
                prop_assert!(label(&run, &mut Scratch::default()).is_empty());
            }
        }
    }
}
