//! Finding the spans a GBK round trip shifted out of step (`燃?xì)夤芾淼?91`), and reading each
//! back into the byte sequence the repair search pairs again ([`Span`]). See
//! [`super::realign`] for how the damage happened.

use std::ops::Range;

use super::gbk;
use crate::annotations;

/// Longest run of visible characters taken into one span; a longer run is cut there so the
/// search stays small (a real shifted run ends at the next ASCII byte, within a sentence).
const MAX_RUN: usize = 64;

/// One element of a span's byte sequence.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// A byte of a visible character.
    Byte(u8),
    /// The byte a `?` hides (a lead-byte value), with the reading of the annotation fragment
    /// that follows it, if any.
    Hidden(Option<String>),
    /// A letter that is really a trail byte, with the reading of the annotation after it.
    Letter(u8, Option<String>),
    /// A byte assumed lost at the end of a span (odd length, no `?`).
    LostTrail,
}

/// A candidate span: chars `start..end` of the text and the byte sequence read from them.
#[derive(Debug, Clone)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub items: Vec<Item>,
    /// `lost_ok[k]`: a lost user-defined pair may sit just before item `k`.
    pub lost_ok: Vec<bool>,
    /// The span holds an annotation fragment without its `(` after a `?`: only byte
    /// garbage makes that shape, so the span is garbage whatever the repair finds.
    pub certain: bool,
    /// End of the opening `?` and its fragment: what goes when the characters after it turn
    /// out to be in step after all (the decoder found its step again inside the head).
    pub head_end: usize,
    /// The annotations the run went on under (`蜏責(zé)嵩`), as character ranges: no byte of
    /// the sequence, and text the `ruby` stage removes, so they do not count against the
    /// span as it stands either ([`Span::as_it_stands`]).
    pub annotations: Vec<Range<usize>>,
    /// A span read back from where its run ends ([`run_before`]): one byte was lost, unseen,
    /// before one of these items (where the run went out of step), and every reading places
    /// it. Empty for a span read from its `?` onwards.
    pub insert: Range<usize>,
}

impl Span {
    /// The span with a lost user-defined pair allowed before every character of its run, not
    /// only before its end.
    pub fn with_lost_pairs_anywhere(&self) -> Span {
        let mut s = self.clone();
        for k in (2..s.items.len()).step_by(2) {
            if matches!(s.items[k], Item::Byte(_)) {
                s.lost_ok[k] = true;
            }
        }
        s
    }

    /// A run read back ([`run_before`]) from its last `n` characters only (and its end): the
    /// lost byte is then placed among those. The whole span when it is no longer.
    pub fn last_chars(&self, n: usize) -> Span {
        let len = self.end_of_run() - self.start;
        if self.insert.is_empty() || len <= n {
            return self.clone();
        }
        let drop = len - n;
        let mut s = self.clone();
        s.start += drop;
        s.items.drain(..2 * drop);
        s.lost_ok.drain(..2 * drop);
        s.lost_ok[0] = false;
        s.insert = 0..s.items.len() + 1;
        s
    }

    /// Where the characters of a run read back end (its `?` or letter), in characters.
    fn end_of_run(&self) -> usize {
        // Two bytes a character, and one item for the end.
        self.start + (self.items.len() - 1) / 2
    }

    /// A span read from a `?` before a full-width mark out of step (`??煽`, [`span_at`]), whose
    /// hidden byte was read as the lead of `。`, with that byte hidden instead: the lead of any
    /// character whose trail is the mark's `A3` (`非??煽康` is 非常可靠地: 常 is `B3 A3`).
    /// `None` for any other span.
    pub fn with_any_hidden_lead(&self) -> Option<Span> {
        if !matches!(self.items[..], [Item::Byte(0xA1), Item::Byte(0xA3), ..]) {
            return None;
        }
        let mut s = self.clone();
        s.items[0] = Item::Hidden(None);
        Some(s)
    }

    /// The span's characters as it stands, without the annotations the run went on under.
    pub fn as_it_stands(&self, chars: &[char]) -> Vec<char> {
        let mut out = Vec::with_capacity(self.end - self.start);
        let mut at = self.start;
        for a in &self.annotations {
            out.extend_from_slice(&chars[at..a.start]);
            at = a.end;
        }
        out.extend_from_slice(&chars[at..self.end]);
        out
    }
}

/// A letter of a pinyin annotation: lowercase ASCII or a vowel with a tone mark (or `ü`).
pub(super) fn is_pinyin_letter(c: char) -> bool {
    c.is_ascii_lowercase()
        || matches!(
            c,
            'ā' | 'á'
                | 'ǎ'
                | 'à'
                | 'ē'
                | 'é'
                | 'ě'
                | 'è'
                | 'ī'
                | 'í'
                | 'ǐ'
                | 'ì'
                | 'ō'
                | 'ó'
                | 'ǒ'
                | 'ò'
                | 'ū'
                | 'ú'
                | 'ǔ'
                | 'ù'
                | 'ǖ'
                | 'ǘ'
                | 'ǚ'
                | 'ǜ'
                | 'ü'
        )
}

/// `pinyin)` at `i`: the canonical reading and the index after the `)`.
fn fragment_at(chars: &[char], i: usize) -> Option<(String, usize)> {
    let mut j = i;
    while j < chars.len() && j - i <= 6 && is_pinyin_letter(chars[j]) {
        j += 1;
    }
    if j == i || chars.get(j) != Some(&')') {
        return None;
    }
    let frag: String = chars[i..j].iter().collect();
    Some((annotations::canonical(&frag)?, j + 1))
}

/// `(pinyin)` at `i`.
pub(super) fn annotation_at(chars: &[char], i: usize) -> Option<(String, usize)> {
    (chars.get(i) == Some(&'(')).then(|| fragment_at(chars, i + 1))?
}

/// Where the annotation `(pinyin)` that ends just before `end` starts, if one does, after a
/// non-ASCII character (the character it annotates).
pub(super) fn annotation_ending_at(chars: &[char], end: usize) -> Option<usize> {
    if end < 3 || chars.get(end - 1) != Some(&')') {
        return None;
    }
    let open = (end.saturating_sub(MAX_HEAD)..end - 1)
        .rev()
        .find(|&p| chars[p] == '(')?;
    let annotates = open > 0 && !chars[open - 1].is_ascii();
    (annotates && annotation_at(chars, open).is_some_and(|(_, e)| e == end)).then_some(open)
}

/// Full-width punctuation that the page store turned into ASCII, with its GBK trail byte
/// (the lead is `A3`). `！` too: pages from other hosts show `?!盁o論` for `。“無論` (wild page
/// 021), `A3 A1` read out of step after the `?` that hid `。`'s lead.
fn ascii_fied(c: char) -> Option<u8> {
    Some(match c {
        '!' => 0xA1,
        ',' => 0xAC,
        ':' => 0xBA,
        ';' => 0xBB,
        '?' => 0xBF,
        '(' => 0xA8,
        ')' => 0xA9,
        _ => return None,
    })
}

/// A character that can stand in a span of shifted text: anything non-ASCII with a GBK pair.
fn span_char(c: char) -> Option<[u8; 2]> {
    if c.is_ascii() {
        return None;
    }
    gbk::encode(c)
}

/// Characters of the longest head [`span_at`] reads: the `?`, a fragment of at most seven
/// letters (see [`fragment_at`]) and its `)`, or a mark, a letter and an annotation. Whether a span starts at a `?` depends on these
/// and on the character before the `?`, nothing else.
const MAX_HEAD: usize = 12;

/// Whether [`span_at`] finds a span at some `?` of `text`. Decodes only the few characters
/// after each `?`: most pages have none, or only `?` that open no span (URLs, questions).
pub fn may_start_span(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memchr_iter(b'?', bytes).any(|i| {
        // `(` is ASCII, so the character before the `?` is `(` exactly when the byte is.
        if i > 0 && bytes[i - 1] == b'(' {
            return false;
        }
        let mut head = ['\0'; MAX_HEAD];
        let mut n = 0;
        for (slot, c) in head.iter_mut().zip(text[i..].chars()) {
            *slot = c;
            n += 1;
        }
        span_at(&head[..n], 0).is_some()
    })
}

/// Reads a span that starts at the `?` at `i`, if the shape there is one byte garbage makes.
pub fn span_at(chars: &[char], i: usize) -> Option<Span> {
    if chars.get(i) != Some(&'?') || (i > 0 && chars[i - 1] == '(') {
        return None;
    }
    let mut items = Vec::new();
    let mut lost_ok = Vec::new();
    let mut annotations = Vec::new();
    let mut certain = false;
    let mut j = i + 1;
    if let Some((r, e)) = fragment_at(chars, j) {
        items.push(Item::Hidden(Some(r)));
        certain = true;
        j = e;
    } else if let (Some(t), true) = (
        chars.get(j).and_then(|&c| ascii_fied(c)),
        chars.get(j + 1).and_then(|&c| span_char(c)).is_some()
            || (chars.get(j + 1).is_some_and(|c| c.is_ascii_alphanumeric())
                && annotation_at(chars, j + 2).is_some()),
    ) {
        // `??梢` / `?;趯`: a full-width mark read out of step (`；` = `A3 BB` shown as
        // `;`), whose `A3` is the trail byte of the character the `?` hides. The only
        // punctuation with that trail is `。` (`A1 A3`), and a Han character there would not
        // be evidence of anything (the shape is also a question mark before a `;`): so the
        // hidden byte is read as `A1`, and the caller decides whether the `。` reading is clearly
        // better than the span as it stands (or, when it is not, a Han character's lead:
        // [`Span::with_any_hidden_lead`]).
        items.extend([Item::Byte(0xA1), Item::Byte(0xA3), Item::Byte(t)]);
        j += 1;
    } else {
        return None;
    }
    let head_end = j;
    let mut run = 0;
    while j < chars.len() && run < MAX_RUN {
        let c = chars[j];
        if let Some([a, b]) = span_char(c) {
            lost_ok.resize(items.len() + 1, false);
            lost_ok[items.len()] = true;
            items.extend([Item::Byte(a), Item::Byte(b)]);
            run += 1;
            j += 1;
            // An annotation the site put after a garbage character (`蜏責(zé)嵩`): the bytes
            // run on under it.
            if let Some((_, e)) = annotation_at(chars, j) {
                annotations.push(j..e);
                j = e;
            }
            continue;
        }
        if c == '?' {
            if let Some((r, e)) = fragment_at(chars, j + 1) {
                items.push(Item::Hidden(Some(r)));
                certain = true;
                j = e;
            } else {
                items.push(Item::Hidden(None));
                j += 1;
            }
            break;
        }
        // A trail byte shown as itself: a letter or a digit, or, in a span that is certainly
        // garbage, any ASCII a trail byte can be (`尾渦?tuán)^(qū)`: `85 5E` is 區).
        let shown_trail = c.is_ascii_alphanumeric() || (certain && c != '?');
        if (0x40..=0x7E).contains(&(c as u32)) && shown_trail {
            if let Some((r, e)) = annotation_at(chars, j + 1) {
                lost_ok.resize(items.len() + 1, false);
                lost_ok[items.len()] = true;
                items.push(Item::Letter(c as u8, Some(r)));
                j = e;
            } else if byte_len(&items) % 2 == 1 {
                items.push(Item::Letter(c as u8, None));
                j += 1;
            }
        }
        break;
    }
    // An odd count is whole when the last byte is ASCII: the trail byte of the last
    // character, which the decoder showed or hid in a garbage pair (`酫` holds the `Q` of
    // `熱Q2`). Otherwise the last byte's partner is lost.
    if byte_len(&items) % 2 == 1 && !matches!(items.last(), Some(Item::Byte(b)) if *b < 0x80) {
        items.push(Item::LostTrail);
    }
    lost_ok.resize(items.len() + 1, false);
    Some(Span {
        start: i,
        end: j,
        items,
        lost_ok,
        certain,
        head_end,
        annotations,
        insert: 0..0,
    })
}

/// Whether some run of `text` may end at a `?` or a letter ([`may_end_run`]): a byte of a
/// non-ASCII character, or a mark after one or after an annotation, right before one. Read
/// on the bytes, before the page is decoded into characters.
pub fn may_end_runs(text: &str) -> bool {
    let ends = |b: u8| b == b'?' || (0x40..=0x7E).contains(&b);
    let bytes = text.as_bytes();
    bytes.windows(2).any(|w| w[0] >= 0x80 && ends(w[1]))
        || bytes.windows(3).any(|w| {
            (w[0] >= 0x80 || w[0] == b')')
                && matches!(w[1], b',' | b':' | b';' | b'!')
                && ends(w[2])
        })
}

/// Longest run read back from its end ([`run_before`]), in characters.
const MAX_BACK: usize = 16;

/// The two bytes a character of a run read back stood for: its GBK pair, or for a mark the
/// page store made ASCII, its full-width pair (`;` = `；` = `A3 BB`: `規(guī);B(yǎng)` is
/// 模化養 read one byte out of step). Not `?` (a hidden pair as often as a `？`) nor the
/// brackets (mostly an annotation's), and not their full-width forms either: the `punct`
/// stage makes them full-width, and cleaning twice must find what cleaning once found. Nor a
/// pinyin vowel.
fn run_bytes(c: char) -> Option<[u8; 2]> {
    match c {
        ',' | ':' | ';' | '!' => Some([0xA3, ascii_fied(c)?]),
        '？' | '（' | '）' => None,
        // A reading's vowel (`運(yùn)`): the letters of an annotation, not a run.
        c if is_pinyin_letter(c) => None,
        c => span_char(c),
    }
}

/// Whether the character at `e` can end a run decoded out of step: a `?` (the lead byte of the
/// last pair met an ASCII byte, and ate it), or an ASCII byte that can be a trail byte
/// (`0x40..=0x7E`, shown as itself: `釞C(jī)`), right after a character of the run.
pub fn may_end_run(chars: &[char], e: usize) -> bool {
    let Some(&c) = chars.get(e) else {
        return false;
    };
    let trail = c == '?' || ('\u{40}'..='\u{7E}').contains(&c);
    // A mark ends a run only after a character of one or an annotation (`規(guī);B`): a
    // `;` or `:` after a Latin word is ASCII text.
    let in_run = |k: usize| match chars[k] {
        ',' | ':' | ';' | '!' => k > 0 && (!chars[k - 1].is_ascii() || chars[k - 1] == ')'),
        c => run_bytes(c).is_some(),
    };
    trail && e > 0 && in_run(e - 1)
}

/// Reads a run that ends at `e` ([`may_end_run`]) and started out of step somewhere after the
/// last ASCII byte before it (or in its last 16 characters), with no `?` to show
/// where: the byte lost there left no mark
/// (`規(guī);B(yǎng)豬` = 規模化養豬: the lead byte of 模 is gone, `；` is its trail with the
/// lead of 化). The span is the run and its end (with the annotation after that, if any); the
/// search places the lost byte ([`Span::insert`]), and the characters before it stay as they
/// are. Certain when the end is a `?` with an annotation fragment.
pub fn run_before(chars: &[char], e: usize) -> Option<Span> {
    if !may_end_run(chars, e) {
        return None;
    }
    let mut start = e;
    // A vowel between two characters of a run is no annotation's letter (`澹ú渭`).
    let in_run = |k: usize| {
        run_bytes(chars[k]).is_some()
            || (is_pinyin_letter(chars[k])
                && !chars[k].is_ascii()
                && k > 0
                && run_bytes(chars[k - 1]).is_some()
                && chars.get(k + 1).is_some_and(|&c| run_bytes(c).is_some()))
    };
    while start > 0 && e - start < MAX_BACK && in_run(start - 1) {
        start -= 1;
    }
    // A longer run is read from its last `MAX_BACK` characters: the lost byte is placed among
    // them, and where it lay further back no reading places it well, and none is taken (the
    // span as it stands must be clearly less probable).
    let mut items = Vec::with_capacity(2 * (e - start) + 1);
    let mut lost_ok = Vec::with_capacity(2 * (e - start) + 2);
    for &c in &chars[start..e] {
        let [a, b] = run_bytes(c).or_else(|| span_char(c))?;
        lost_ok.extend([false, false]);
        items.extend([Item::Byte(a), Item::Byte(b)]);
    }
    // A user-defined pair may have vanished before the end (`規(guī);B(yǎng)`: `AF B0` between
    // `;` and `B`). Only there: allowing one between any two characters too made the search
    // six times dearer on the benchmark speed pages for a few more repairs.
    lost_ok.push(true);
    let insert = 0..items.len() + 1;
    let (end, certain) = if chars[e] == '?' {
        match fragment_at(chars, e + 1) {
            Some((r, after)) => {
                items.push(Item::Hidden(Some(r)));
                (after, true)
            }
            None => {
                items.push(Item::Hidden(None));
                (e + 1, false)
            }
        }
    } else {
        let (r, after) = annotation_at(chars, e + 1).map_or((None, e + 1), |(r, a)| (Some(r), a));
        items.push(Item::Letter(chars[e] as u8, r));
        (after, false)
    };
    lost_ok[0] = false;
    lost_ok.resize(items.len() + 1, false);
    Some(Span {
        start,
        end,
        lost_ok,
        items,
        certain,
        head_end: end,
        annotations: Vec::new(),
        insert,
    })
}

/// Bytes in a sequence of items (each stands for one byte).
pub(super) fn byte_len(items: &[Item]) -> usize {
    items.len()
}
