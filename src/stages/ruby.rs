//! Stage `ruby`: strips `(pinyin)` annotations, the readings some sites put after characters.
//!
//! Sites that fight copying write the reading of characters right after them, in brackets:
//! `經(jīng)濟(jì)`, `國(guo)(guo)務院`, `習(xi) 近平`, `會(huì )`, `面(mian🎉)`, on traditional or
//! simplified text, after any character. A bracket goes only on evidence, and the evidence is
//! the reading ([`crate::readings`]: every reading of every Han character):
//!
//! - **After a Han character**, a bracket (`( )` or `（ ）`) holding one written syllable
//!   that is a reading of that character (any tone spelling, any case, see
//!   [`readings::parse`]), or the reading the site table gives it (`data/annotations.tsv`).
//!   Several in a row all follow the character before the first (`產(chan)(chan)(chan)`).
//!   - A *sure* reading goes on its own: one written with its tone (`jīng`, `jing1`), or a
//!     toneless one of three letters or more in lower case (`guo`, `chan`). No word a page
//!     puts in brackets after a character is also a reading of that character written so.
//!   - A reading that could also be a label, a variable or an abbreviation goes only when the
//!     page shows the annotation habit, at least [`HABIT`] sure readings: toneless and short
//!     (`(a)`, `(e)`, `(an)`, `(o)`, `(ye)`), with a capital (`(GUO)`, `(Li)`), or padded
//!     with spaces or symbols (`(huì )`, `(mian🎉)`).
//!
//!   So `(CHF)`, `斯图尔德(F. C. Steward)`, `码(g)`, `量(M)`, `(1)`, `(aq)`, `(服務)` and the
//!   reading of another character (`經(jì)`) stay whatever the page holds, and `啊(a)` stays
//!   on a page without the habit.
//! - **After an ASCII letter**, a bracket holding a reading of the site table: the annotator
//!   read GBK bytes out of step and the letter is the document's own (`“l(fā)ogistics”`,
//!   `h1-h(huán)2`). The `garbage` stage runs first and has already restored the cases where
//!   the letter was the surviving byte of a garbled character. (Any reading after a letter
//!   would take `f(a)`.)
//! - When the page has the habit and at least half of its readings are followed by a space
//!   (`習(xi) 近平`: some annotators write one), the space after each reading goes with it.
//! - **At the end of the page** ([`strip_page`]), a reading cut off by the end of the page
//!   (`…發(f`, `經(`, `國(gu`): an unclosed bracket after a Han character holding the start of
//!   one of its readings, or nothing, on a page with the habit.
//!
//! Counts annotations removed (a cut reading counts as one).

use std::borrow::Cow;
use std::ops::Range;

use crate::annotations;
use crate::chars::ByteSet;
use crate::pipeline::{Ctx, Page};
use crate::readings::{self, Written};

pub fn apply(page: &mut Page, _ctx: &Ctx) -> u64 {
    let (out, n) = strip_page(&page.text);
    if let Cow::Owned(s) = out {
        page.text = s;
    }
    n
}

/// How many sure readings make a page's annotation habit: the evidence that lets the
/// readings that could be something else go, and a reading cut off at the end.
pub const HABIT: usize = 3;

/// `(` and the lead byte of `（` (EF BC 88), which the scan then checks.
static OPEN: ByteSet<2, 0> = ByteSet {
    bytes: [b'(', 0xEF],
    ranges: [],
    outside: false,
};

const WIDE_OPEN: &[u8] = "（".as_bytes();
const WIDE_CLOSE: &[u8] = "）".as_bytes();

/// Longest bracket content worth checking, in characters: the longest syllable (`chuang3`)
/// plus padding.
const MAX_INNER: usize = 12;

/// Removes every annotation the evidence supports, then a reading cut off by the end of the
/// page; borrows when there is none.
pub fn strip_page(text: &str) -> (Cow<'_, str>, u64) {
    let found = find(text);
    let habit = found.sure >= HABIT;
    let (out, n) = remove(text, &found);
    if !habit {
        return (out, n);
    }
    match cut_reading(&out) {
        Some(cut) => {
            let mut s = out.into_owned();
            s.replace_range(cut, "");
            (Cow::Owned(s), n + 1)
        }
        None => (out, n),
    }
}

/// Removes every annotation the evidence supports (a line or a page: the habit is counted in
/// `text`); borrows when there is none. Line keys of the `template` stage use it.
pub fn strip(text: &str) -> (Cow<'_, str>, u64) {
    remove(text, &find(text))
}

/// Whether an annotation can follow `prev` at all: a character with a reading, or an ASCII
/// letter (never whitespace or punctuation), as the rules above require.
pub fn may_precede(prev: char) -> bool {
    prev.is_ascii_alphabetic()
        || readings::has_readings(prev)
        || annotations::reading_of_any_form(prev).is_some()
}

/// The annotations of a text, in order, and what the page shows of the habit.
#[derive(Default)]
struct Found {
    spans: Vec<Span>,
    /// How many are sure readings.
    sure: usize,
    /// How many are followed by a space.
    spaced: usize,
}

/// One bracket that holds a reading: its bytes, and whether it is a sure reading.
struct Span {
    at: Range<usize>,
    sure: bool,
}

fn find(text: &str) -> Found {
    let mut found = Found::default();
    if !text.contains('(') && memchr::memmem::find(text.as_bytes(), WIDE_OPEN).is_none() {
        return found;
    }
    let bytes = text.as_bytes();
    // The end of the last annotation found and the character it follows: a bracket right
    // after it follows the same character (`國(guo)(guo)`).
    let mut last: Option<(usize, char)> = None;
    for open in OPEN.positions(text) {
        let width = if bytes[open] == b'(' {
            1
        } else if bytes[open..].starts_with(WIDE_OPEN) {
            3
        } else {
            continue;
        };
        // An opening bracket inside an annotation just found.
        if last.is_some_and(|(end, _)| open < end) {
            continue;
        }
        let prev = match last {
            Some((end, c)) if end == open => c,
            _ => match text[..open].chars().next_back() {
                Some(c) => c,
                None => continue,
            },
        };
        let Some((inner, end)) = bracket(text, open + width) else {
            continue;
        };
        let Some(sure) = reading_strength(prev, inner) else {
            continue;
        };
        found.sure += usize::from(sure);
        found.spaced += usize::from(bytes.get(end) == Some(&b' '));
        found.spans.push(Span {
            at: open..end,
            sure,
        });
        last = Some((end, prev));
    }
    found
}

/// The content of the bracket whose content starts at `from`, and the end of its closing
/// bracket (either width); `None` past [`MAX_INNER`] characters or a line break.
fn bracket(text: &str, from: usize) -> Option<(&str, usize)> {
    let mut end = text.len().min(from + MAX_INNER * 4);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let window = &text.as_bytes()[from..end];
    let mut k = 0;
    while let Some(p) = memchr::memchr3(b')', 0xEF, b'\n', &window[k..]) {
        let at = k + p;
        let close = match window[at] {
            b')' => 1,
            b'\n' => return None,
            _ if window[at..].starts_with(WIDE_CLOSE) => 3,
            _ => {
                k = at + 1;
                continue;
            }
        };
        let inner = &text[from..from + at];
        if inner.len() > MAX_INNER && inner.chars().count() > MAX_INNER {
            return None;
        }
        return Some((inner, from + at + close));
    }
    None
}

/// Whether `(inner)` right after `prev` is an annotation: `Some(true)` for a sure reading,
/// `Some(false)` for one that needs the page's habit, `None` for a real bracket.
fn reading_strength(prev: char, inner: &str) -> Option<bool> {
    // Most annotations of the site family are spelled as the table spells them.
    if annotations::written_reading(prev) == Some(inner) {
        return Some(true);
    }
    if prev.is_ascii_alphabetic() {
        let reading = annotations::canonical(inner)?;
        return annotations::is_table_reading(&reading).then_some(true);
    }
    let w = readings::parse(inner)?;
    if readings::fits(prev, &w) {
        return Some(is_sure(&w));
    }
    // The site table's reading (for a simplified form, its traditional form's).
    let table = annotations::reading_of_any_form(prev)?;
    (!w.padded && w.canonical() == table).then_some(true)
}

/// A reading nothing else is written as: with its tone, or toneless in three lowercase
/// letters or more, without padding.
fn is_sure(w: &Written) -> bool {
    !w.padded && (w.tone.is_some() || (!w.upper && w.letters().len() >= 3))
}

/// `text` without the spans `found` holds that the page's evidence lets go.
fn remove<'t>(text: &'t str, found: &Found) -> (Cow<'t, str>, u64) {
    let habit = found.sure >= HABIT;
    let spaced = habit && found.spaced * 2 >= found.spans.len();
    let mut out = String::new();
    let mut copied = 0;
    let mut count = 0;
    for span in &found.spans {
        if !(span.sure || habit) {
            continue;
        }
        if out.capacity() == 0 {
            out.reserve(text.len());
        }
        out.push_str(&text[copied..span.at.start]);
        copied = span.at.end;
        // The annotator's space, not one that starts a run (an indent or an alignment).
        let rest = &text.as_bytes()[copied..];
        if spaced
            && rest.first() == Some(&b' ')
            && rest.get(1).is_some_and(|b| !b.is_ascii_whitespace())
        {
            copied += 1;
        }
        count += 1;
    }
    if count == 0 {
        return (Cow::Borrowed(text), 0);
    }
    out.push_str(&text[copied..]);
    (Cow::Owned(out), count)
}

/// The bytes of a reading cut off by the end of `text` (`發(f`, `經(`, `國(gu`), trailing
/// whitespace left alone.
fn cut_reading(text: &str) -> Option<Range<usize>> {
    let body = text.trim_end();
    // The longest cut reading: a bracket and a syllable less its last letter, toned.
    let mut from = body.len().saturating_sub(3 + 2 * readings::MAX_LETTERS);
    while !body.is_char_boundary(from) {
        from += 1;
    }
    let open = from + body[from..].rfind(['(', '（'])?;
    let width = if body.as_bytes()[open] == b'(' { 1 } else { 3 };
    let w = readings::parse_start(&body[open + width..])?;
    let prev = body[..open].chars().next_back()?;
    readings::starts(prev, &w).then_some(open..body.len())
}

#[cfg(test)]
mod tests {
    use super::{strip, strip_page};

    /// Sure readings that give a page the habit.
    const HABIT: &str = "推進(jìn)經(jīng)濟(jì)發(fā)展。";
    const HABIT_CLEAN: &str = "推進經濟發展。";

    #[test]
    fn annotations_after_their_character_go() {
        for (raw, want) in [
            (
                "推進(jìn)經(jīng)濟(jì)發(fā)達(dá)鎮(zhèn)",
                "推進經濟發達鎮",
            ),
            ("調(diào)整 波長(zhǎng)", "調整 波長"),
            ("經(jing1)濟(ji4)", "經濟"),
            ("經(jīng)(jīng)", "經"),
            (
                "(昆山市張浦鎮(zhèn)、吳江區(qū)盛澤鎮(zhèn))",
                "(昆山市張浦鎮、吳江區盛澤鎮)",
            ),
            ("審批(服務(wù))事項", "審批(服務)事項"),
            ("“l(fā)ogistics”", "“logistics”"),
            ("h=mg(h1-h(huán)2)", "h=mg(h1-h2)"),
            // simplified mirrors annotate the simplified form
            ("经(jīng)济(jì)", "经济"),
            // any character, by its readings: heteronyms, toneless, tone numbers, both widths
            ("關門(mén)", "關門"),
            ("樹(shù)脂", "樹脂"),
            ("長(cháng)城 波長(zhǎng)", "長城 波長"),
            ("國(guo)(guo)務院", "國務院"),
            ("國(guo2)務", "國務"),
            ("门（mén）", "门"),
            ("綠(lǜ)色 綠(lv4)色", "綠色 綠色"),
        ] {
            assert_eq!(strip(raw).0, want, "{raw}");
        }
    }

    #[test]
    fn real_brackets_stay() {
        for s in [
            "見(P239)",
            "時間(t)",
            "蘋果(Apple)",
            "年份(2024)",
            "f(x) = g(a)",
            "經(jì)", // a reading, but not this character's
            "(jīng)", // nothing before it
            "什么(shén me)",
            "x (jīng)", // a space is not a letter
            "unclosed (jīng",
            "慢性心力衰竭(CHF)患者",
            "斯图尔德(F. C. Steward)",
            "1码(g)",
            "质量(M)",
            "(a)",
            "(1)",
            "ls(1)",
            "溶液(aq)",
            "西安(Xi'an)",
            "北京(Beijing)",
        ] {
            assert_eq!(strip(s).0, s, "{s}");
        }
    }

    /// Both sides of the habit rule: a reading that could be a label goes only on a page
    /// with several sure readings.
    #[test]
    fn short_or_capital_readings_need_the_habit() {
        for (weak, want) in [
            ("啊(a)", "啊"),
            ("哦(o)", "哦"),
            ("額(e)", "額"),
            ("方案(an)", "方案"),
            ("李(Li)", "李"),
            ("國(GUO)", "國"),
            ("業(ye)", "業"),
            ("會(huì )", "會"),
            ("面(mian🎉)", "面"),
            ("國(GUO)(GUO)", "國"),
        ] {
            assert_eq!(strip(weak).0, weak, "without the habit");
            let page = format!("{HABIT}{weak}");
            assert_eq!(
                strip(&page).0,
                format!("{HABIT_CLEAN}{want}"),
                "with the habit"
            );
        }
        // Two sure readings are not yet a habit.
        assert_eq!(strip("經(jīng)濟(jì)啊(a)").0, "經濟啊(a)");
    }

    #[test]
    fn the_annotators_space_goes_with_the_habit() {
        assert_eq!(
            strip("習(xi) 近平總書(shu) 記在農(nong) 業(ye) 界、社會(hui) 福利").0,
            "習近平總書記在農業界、社會福利"
        );
        // A page whose readings are not followed by spaces keeps its spaces.
        assert_eq!(strip("推進(jìn)經(jīng)濟(jì) 發展").0, "推進經濟 發展");
    }

    #[test]
    fn readings_cut_off_at_the_end_go_on_a_page_with_the_habit() {
        for (raw, want) in [
            ("經(jīng)濟發(f", "經濟發"),
            ("經(jīng)濟(jì)經(", "經濟經"),
            ("經(jīng)濟(jì)國(gu\n", "經濟國\n"),
            ("經(jīng)濟(jì)國(guo)(gu", "經濟國"),
            ("經(jīng)濟(jì)經（jīn", "經濟經"),
        ] {
            let page = format!("{HABIT}{raw}");
            assert_eq!(strip_page(&page).0, format!("{HABIT_CLEAN}{want}"), "{raw}");
        }
        for s in [
            "經濟發(f",                      // no habit
            "推進(jìn)經(jīng)濟(jì)如下(a", // not the start of 下's reading
            "推進(jìn)經(jīng)濟(jì)見(P",
            "推進(jìn)經(jīng)濟(jì)發(f) 完",
        ] {
            let want = strip(s).0.into_owned();
            assert_eq!(strip_page(s).0, want, "{s}");
        }
    }

    #[test]
    fn counts() {
        assert_eq!(strip("經(jīng)濟(jì)").1, 2);
        assert_eq!(strip("no brackets").1, 0);
        assert_eq!(strip_page("推進(jìn)經(jīng)濟(jì)發(f").1, 4);
    }

    #[test]
    fn second_run_changes_nothing() {
        for s in [
            "習(xi) 近平總書(shu) 記在農(nong) 業(ye) 界(jie",
            "國(guo)(guo)(guo)務(wu)(wu)院(yuan)全(quan)面(mian🎉)啊(a)",
        ] {
            let once = strip_page(s).0.into_owned();
            assert_eq!(strip_page(&once).1, 0, "{s} -> {once}");
        }
    }
}
