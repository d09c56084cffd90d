//! Anti-copy filler: long runs of real characters in orders that no text has.
//!
//! Sites pad a page with runs like `蒄蚄袀膇莀蚃羂羀芆蚃…` (rare, often periodic) or
//! `變榔籃螞暈賓渦剿神霉…` (common characters at random). What gives both away is the
//! pairs: in real text many adjacent characters form a pair found inside some word (the
//! model's attested bigrams), in filler almost none do. A two-state model (text, filler) over
//! each run of Han characters labels every character; a filler stretch is removed only when it
//! is long (names, terms and classical phrases with few attested pairs are short).

use std::borrow::Cow;

use super::realign::Simplifier;
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

fn is_han(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}')
}

/// Removes filler runs from `text`; returns the new text (borrowed when none went) and how
/// many runs went.
pub fn remove<'t>(
    text: &'t str,
    simp: &Simplifier,
    notes: &mut Vec<String>,
) -> (Cow<'t, str>, u64) {
    let chars: Vec<char> = text.chars().collect();
    // Units: (first char index, end index past any annotation, simplified char).
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    let mut run: Vec<(usize, usize, char)> = Vec::new();
    let mut i = 0;
    while i <= chars.len() {
        if i < chars.len() && is_han(chars[i]) {
            let mut end = i + 1;
            if let Some(e) = annotation_end(&chars, end) {
                end = e;
            }
            run.push((i, end, simp.simplify(chars[i])));
            i = end;
            continue;
        }
        // Up to two stray ASCII characters between Han characters (`?;` of byte garbage, a
        // letter) do not end a run: filler is often garbled too. They are not scored, and
        // go only if the filler around them goes.
        if !run.is_empty() && i < chars.len() {
            let stray = |c: char| c.is_ascii_alphanumeric() || "?;,:".contains(c);
            let k = (i..chars.len().min(i + 3)).find(|&k| !stray(chars[k]));
            if k.is_some_and(|k| k > i && is_han(chars[k])) {
                i = k.unwrap_or(i);
                continue;
            }
        }
        if run.len() >= MIN_FILLER {
            cuts.extend(label(&run));
        }
        run.clear();
        i += 1;
    }
    if cuts.is_empty() {
        return (Cow::Borrowed(text), 0);
    }
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for &(a, b) in &cuts {
        out.extend(&chars[last..a]);
        let removed: String = chars[a..b].iter().collect();
        let n = removed.chars().count();
        let head: String = removed.chars().take(8).collect();
        notes.push(format!("garbage: removed filler ({n} chars) {head}…"));
        last = b;
    }
    out.extend(&chars[last..]);
    (Cow::Owned(out), cuts.len() as u64)
}

/// End of a `(pinyin)` annotation starting at `i`.
fn annotation_end(chars: &[char], i: usize) -> Option<usize> {
    if chars.get(i) != Some(&'(') {
        return None;
    }
    let mut j = i + 1;
    while j < chars.len() && j - i <= 7 && chars[j] != ')' {
        if !(chars[j].is_ascii_lowercase() || "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü".contains(chars[j]))
        {
            return None;
        }
        j += 1;
    }
    (chars.get(j) == Some(&')') && j > i + 1).then_some(j + 1)
}

/// A pair that only a word makes (function characters are no evidence here).
fn good_pair(lm: &Lm, a: char, b: char) -> bool {
    lm.attested(a, b)
}

/// Viterbi over one run: the char ranges labelled filler, each at least `MIN_FILLER` long.
fn label(run: &[(usize, usize, char)]) -> Vec<(usize, usize)> {
    let lm = Lm::get();
    let n = run.len();
    let good = |k: usize| -> bool {
        let (a, b) = (run[k - 1].2, run[k].2);
        a == b || FUNCTION.contains(a) || FUNCTION.contains(b) || lm.attested(a, b)
    };
    // cost[s], back[k][s]: s = 0 text, 1 filler.
    let mut cost = [0.0f32, EDGE];
    let mut back: Vec<[u8; 2]> = vec![[0, 1]; n];
    for (k, bk) in back.iter_mut().enumerate().skip(1) {
        let g = good(k);
        let emit = if g {
            [TEXT_GOOD, FILLER_GOOD]
        } else {
            [TEXT_BAD, FILLER_BAD]
        };
        let mut next = [0.0f32; 2];
        for s in 0..2 {
            let stay = cost[s];
            let switch = cost[1 - s] + SWITCH;
            if stay <= switch {
                next[s] = stay + emit[s];
                bk[s] = s as u8;
            } else {
                next[s] = switch + emit[s];
                bk[s] = (1 - s) as u8;
            }
        }
        cost = next;
    }
    let mut s = if cost[0] <= cost[1] + EDGE { 0 } else { 1 };
    let mut states = vec![0u8; n];
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
            while hi > lo && hi < n && good_pair(lm, run[hi - 1].2, run[hi].2) {
                hi -= 1;
            }
            while lo < hi && lo > 0 && good_pair(lm, run[lo - 1].2, run[lo].2) {
                lo += 1;
            }
            if hi - lo >= MIN_FILLER {
                out.push((run[lo].0, run[hi - 1].1));
            }
        } else {
            k += 1;
        }
    }
    out
}
