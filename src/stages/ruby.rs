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
//!     toneless one of three letters or more in lower case (`guo`, `chan`): a word that a page
//!     puts in brackets after a character is hardly ever that character's reading as well.
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
//! - **Where the text stops** ([`strip_page`]): a reading cut off by the end of the page or of
//!   a line (an excerpt followed by a site's footer lines): `…發(f`, `經(`, `國(gu` (see
//!   `Unclosed`). An unclosed
//!   bracket after a Han character holding the start of one of its readings goes, on a page
//!   with the habit. An empty one may be a real bracket the excerpt cut (`一行一个(`), so it
//!   goes only after a character the page annotates elsewhere, and not right after that
//!   character's reading (`打開(kāi)(`) unless the page repeats its readings (`就(jiu)(`).
//!
//! Counts annotations removed (a cut reading counts as one).

use std::borrow::Cow;
use std::ops::Range;
use std::sync::OnceLock;

use memchr::memmem;

use crate::annotations;
use crate::chars::ByteSet;
use crate::page::Page;
use crate::readings::{self, Written};

pub fn apply(page: &mut Page) -> u64 {
    let (out, n) = strip_page(&page.text);
    if let Cow::Owned(s) = out {
        page.text = s;
    }
    n
}

/// How many sure readings make a page's annotation habit: the evidence that lets the
/// readings that could be something else go, and a reading cut off at the end.
pub const HABIT: usize = 3;

static OPEN: ByteSet<1, 0> = ByteSet {
    bytes: [b'('],
    ranges: [],
    outside: false,
};

const WIDE_OPEN: &[u8] = "（".as_bytes();
const WIDE_CLOSE: &[u8] = "）".as_bytes();

/// Longest bracket content worth checking, in characters: the longest syllable (`chuang3`)
/// plus padding.
const MAX_INNER: usize = 12;

/// Removes every annotation the evidence supports, then the readings cut off where the page's
/// text stops (see `Unclosed`); borrows when there is none.
pub fn strip_page(text: &str) -> (Cow<'_, str>, u64) {
    strip_counted(text, true)
}

/// Removes every annotation the evidence supports (a line or a page: the habit is counted in
/// `text`); borrows when there is none. Line keys of the `template` stage use it.
pub fn strip(text: &str) -> (Cow<'_, str>, u64) {
    strip_counted(text, false)
}

/// Whether an annotation can follow `prev` at all: a character with a reading, or an ASCII
/// letter (never whitespace or punctuation), as the rules above require.
pub fn may_precede(prev: char) -> bool {
    prev.is_ascii_alphabetic()
        || readings::has_readings(prev)
        || annotations::reading_of_any_form(prev).is_some()
}

/// [`strip`], and with `cut_ends` the readings cut off where the text stops.
fn strip_counted(text: &str, cut_ends: bool) -> (Cow<'_, str>, u64) {
    let mut pass = Pass {
        text,
        cut_ends,
        out: String::new(),
        copied: 0,
        removed: 0,
        count: 0,
        sure: 0,
        repeated: 0,
        readings: 0,
        weak: Vec::new(),
        spaces: Vec::new(),
        unclosed: Vec::new(),
        last: None,
    };
    let bytes = text.as_bytes();
    // Full-width brackets are rare around readings: a vector search that most pages end
    // without a hit, and the ASCII ones alone when it finds none.
    static WIDE: OnceLock<memmem::Finder<'static>> = OnceLock::new();
    let wide = WIDE.get_or_init(|| memmem::Finder::new(WIDE_OPEN));
    match wide.find(bytes) {
        None => {
            for open in OPEN.positions(text) {
                pass.visit(open, 1);
            }
        }
        Some(first) => {
            let mut wide_at = wide
                .find_iter(&bytes[first..])
                .map(|w| w + first)
                .peekable();
            for open in OPEN.positions(text) {
                while let Some(w) = wide_at.next_if(|&w| w < open) {
                    pass.visit(w, WIDE_OPEN.len());
                }
                pass.visit(open, 1);
            }
            for w in wide_at {
                pass.visit(w, WIDE_OPEN.len());
            }
        }
    }
    pass.finish()
}

/// A bracket that a line break or the end of the text closes before `)` does: a reading cut
/// off where an excerpt stops (`…發(f`, `經(`, `國(gu`), at the end of the page or before the
/// lines a site adds after it, or a real bracket cut there. It goes when the page has the
/// habit and it holds, after a Han character, the start of one of its readings. One with
/// nothing in it may be a real bracket that the excerpt cut (`一行一个(`), so it goes only
/// after a character that the page annotates elsewhere, and not right after that character's
/// reading (`打開(kāi)(`: the character has its reading, the bracket is the text's own) unless
/// the page repeats its readings (`就(jiu)(`). Whitespace after it stays.
struct Unclosed {
    /// The bracket and what it holds, in the text.
    at: Range<usize>,
    /// The same bytes in the text without the sure readings.
    stripped: Range<usize>,
    /// The character before it (the one a run of readings follows).
    prev: char,
    /// Right after a reading of `prev`.
    after_reading: bool,
    /// Width of the opening bracket.
    width: usize,
}

/// One pass over a text: sure readings come out as they are found; readings that need the
/// habit, and the spaces after readings, are noted and go at the end if the page has it.
struct Pass<'t> {
    text: &'t str,
    /// The text without the sure readings found so far (started at the first one).
    out: String,
    /// How much of `text` is in `out`.
    copied: usize,
    /// Bytes of `text` removed so far: an offset of `text` less this is its offset in the
    /// text without the sure readings.
    removed: usize,
    /// Whether brackets cut off where the text stops are looked at.
    cut_ends: bool,
    /// Readings removed.
    count: u64,
    /// Sure readings found.
    sure: usize,
    /// Readings right after another reading of the same character (`國(guo)(guo)`).
    repeated: usize,
    /// Readings found.
    readings: usize,
    /// Readings that need the habit, as ranges of the text without the sure readings.
    weak: Vec<Range<usize>>,
    /// Offsets of that same text where a space follows a reading.
    spaces: Vec<usize>,
    /// Brackets cut off where the text stops.
    unclosed: Vec<Unclosed>,
    /// The end of the last reading found and the character it follows: a bracket right
    /// after it follows the same character (`國(guo)(guo)`).
    last: Option<(usize, char)>,
}

impl<'t> Pass<'t> {
    /// The bracket opening at `open` (`width` bytes).
    fn visit(&mut self, open: usize, width: usize) {
        let text = self.text;
        // An opening bracket inside a reading just found.
        if self.last.is_some_and(|(end, _)| open < end) {
            return;
        }
        let prev = match self.last {
            Some((end, c)) if end == open => c,
            _ => match text[..open].chars().next_back() {
                Some(c) => c,
                None => return,
            },
        };
        let after_reading = self.last.is_some_and(|(end, _)| end == open);
        let (end, sure) = match table_spelled(text, open + width, prev) {
            Some(end) => (end, true),
            None => match bracket(text, open + width) {
                Ok((inner, end)) => match reading_strength(prev, inner) {
                    Some(sure) => (end, sure),
                    None => return,
                },
                Err(Some(stop)) if self.cut_ends => {
                    let end = open + text[open..stop].trim_end().len();
                    self.unclosed.push(Unclosed {
                        at: open..end,
                        stripped: open - self.removed..end - self.removed,
                        prev,
                        after_reading,
                        width,
                    });
                    return;
                }
                Err(_) => return,
            },
        };
        self.repeated += usize::from(after_reading);
        self.last = Some((end, prev));
        self.readings += 1;
        if sure {
            self.sure += 1;
            if self.out.capacity() == 0 {
                self.out.reserve(text.len());
            }
            self.out.push_str(&text[self.copied..open]);
            self.copied = end;
            self.removed += end - open;
            self.count += 1;
        } else {
            self.weak.push(open - self.removed..end - self.removed);
        }
        // The annotator's space, not one that starts a run (an indent or an alignment).
        let rest = &text.as_bytes()[end..];
        if rest.first() == Some(&b' ') && rest.get(1).is_some_and(|b| !b.is_ascii_whitespace()) {
            self.spaces.push(end - self.removed);
        }
    }

    /// The text without the readings the evidence lets go, and how many went.
    fn finish(mut self) -> (Cow<'t, str>, u64) {
        let habit = self.sure >= HABIT;
        let spaced = habit && self.spaces.len() * 2 >= self.readings;
        let stripped = if self.count == 0 {
            Cow::Borrowed(self.text)
        } else {
            self.out.push_str(&self.text[self.copied..]);
            Cow::Owned(self.out)
        };
        let mut cuts: Vec<Range<usize>> = Vec::new();
        if habit {
            self.count += self.weak.len() as u64;
            cuts = std::mem::take(&mut self.weak);
            let repeats = self.repeated >= HABIT;
            for u in &self.unclosed {
                if is_cut_reading(self.text, u, repeats) {
                    cuts.push(u.stripped.clone());
                    self.count += 1;
                }
            }
        }
        if spaced {
            cuts.extend(self.spaces.iter().map(|&at| at..at + 1));
        }
        if cuts.is_empty() {
            return (stripped, self.count);
        }
        cuts.sort_unstable_by_key(|r| r.start);
        let mut out = String::with_capacity(stripped.len());
        let mut copied = 0;
        for cut in cuts {
            out.push_str(&stripped[copied..cut.start]);
            copied = cut.end;
        }
        out.push_str(&stripped[copied..]);
        (Cow::Owned(out), self.count)
    }
}

/// Whether `u` is a reading cut off where `page` stops (see [`Unclosed`]).
fn is_cut_reading(page: &str, u: &Unclosed, repeats: bool) -> bool {
    let Some(w) = readings::parse_start(&page[u.at.start + u.width..u.at.end]) else {
        return false;
    };
    if !readings::starts(u.prev, &w) {
        return false;
    }
    if !w.letters().is_empty() {
        return true;
    }
    let annotated = || {
        page.match_indices(u.prev).any(|(at, c)| {
            let after = &page.as_bytes()[at + c.len()..];
            [&b"("[..], WIDE_OPEN]
                .into_iter()
                .find(|o| after.starts_with(o))
                .is_some_and(|o| reading_at(page, at + c.len() + o.len(), u.prev).is_some())
        })
    };
    (!u.after_reading || repeats) && annotated()
}

/// The content of the bracket whose content starts at `from`, and the end of its closing
/// bracket (either width). Unclosed: `Err(Some(stop))` when a line break or the end of the
/// text at `stop` comes first, `Err(None)` past [`MAX_INNER`] characters.
fn bracket(text: &str, from: usize) -> Result<(&str, usize), Option<usize>> {
    // A byte loop: the content is a few bytes, shorter than a vector search takes to start.
    let bytes = text.as_bytes();
    let mut chars = 0;
    for (at, &b) in bytes.iter().enumerate().skip(from) {
        match b {
            b')' => return Ok((&text[from..at], at + 1)),
            b'\n' => return Err(Some(at)),
            0xEF if bytes[at..].starts_with(WIDE_CLOSE) => {
                return Ok((&text[from..at], at + WIDE_CLOSE.len()))
            }
            // A continuation byte does not start a character.
            0x80..=0xBF => {}
            _ => {
                chars += 1;
                if chars > MAX_INNER {
                    return Err(None);
                }
            }
        }
    }
    Err(Some(bytes.len()))
}

/// When the bracket whose content starts at `from` holds a reading of `prev`: the end of the
/// bracket, and whether it is a sure reading.
fn reading_at(text: &str, from: usize, prev: char) -> Option<(usize, bool)> {
    if let Some(end) = table_spelled(text, from, prev) {
        return Some((end, true));
    }
    let (inner, end) = bracket(text, from).ok()?;
    Some((end, reading_strength(prev, inner)?))
}

/// The end of the bracket whose content starts at `from` when it holds the reading of `prev`
/// spelled as the site table spells it (`經(jīng)`): most annotations of the site family, told
/// without reading the bracket first.
fn table_spelled(text: &str, from: usize, prev: char) -> Option<usize> {
    let reading = annotations::written_reading(prev)?.as_bytes();
    let rest = text.as_bytes().get(from..)?.strip_prefix(reading)?;
    let close = match rest {
        [b')', ..] => 1,
        _ if rest.starts_with(WIDE_CLOSE) => WIDE_CLOSE.len(),
        _ => return None,
    };
    Some(from + reading.len() + close)
}

/// Whether `(inner)` right after `prev` is an annotation: `Some(true)` for a sure reading,
/// `Some(false)` for one that needs the page's habit, `None` for a real bracket.
fn reading_strength(prev: char, inner: &str) -> Option<bool> {
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

#[cfg(test)]
mod tests {
    use super::{strip, strip_page};
    use crate::testing::{keeps, rewrites};

    /// Sure readings that give a page the habit.
    const HABIT: &str = "推進(jìn)經(jīng)濟(jì)發(fā)展。";
    const HABIT_CLEAN: &str = "推進經濟發展。";

    #[test]
    fn annotations_after_their_character_go() {
        rewrites(
            |s| strip(s).0.into_owned(),
            &[
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
            ],
        );
    }

    #[test]
    fn real_brackets_stay() {
        keeps(
            |s| strip(s).0.into_owned(),
            &[
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
            ],
        );
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
    fn readings_cut_off_at_an_end_go_on_a_page_with_the_habit() {
        for (raw, want) in [
            ("經(jīng)濟發(f", "經濟發"),
            ("經(jīng)濟(jì)經(", "經濟經"),
            ("經(jīng)濟(jì)國(gu\n", "經濟國\n"),
            ("經(jīng)濟(jì)國(guo)(gu", "經濟國"),
            // a page that repeats its readings
            ("國(guo)(guo)務(wu)(wu)院(yuan)(yuan)就(jiu)(", "國務院就"),
            ("經(jīng)濟(jì)經（jīn", "經濟經"),
            // before the lines a site adds after the excerpt
            (
                "經(jīng)濟(jì)經(\n\n全文預覽已結束",
                "經濟經\n\n全文預覽已結束",
            ),
            ("經(jīng)濟(jì)發(f \n全文", "經濟發 \n全文"),
        ] {
            let page = format!("{HABIT}{raw}");
            assert_eq!(strip_page(&page).0, format!("{HABIT_CLEAN}{want}"), "{raw}");
        }
        for s in [
            "經濟發(f",                      // no habit
            "推進(jìn)經(jīng)濟(jì)如下(a", // not the start of 下's reading
            "推進(jìn)經(jīng)濟(jì)見(P",
            // A real bracket the end cut: nothing in it, after a character never annotated.
            "推進(jìn)經(jīng)濟(jì)一行一个(",
            "推進(jìn)經(jīng)濟(jì)如下(\n1) 條目",
            // A character with its reading already: the bracket after it is the text's own.
            "推進(jìn)經(jīng)濟(jì)打開(kāi)(\n下一行",
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
