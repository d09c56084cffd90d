//! Stage `punct`: punctuation to mainland conventions.
//!
//! - Full-width ASCII letters and digits become half-width (`ＡＢ１２` -> `AB12`).
//! - `, ; : ? !` become `，；：？！` in Chinese context: the nearest non-space character
//!   before is Han or full-width punctuation, or the nearest after is Han
//!   (`4 月, 中央` `9.87%;財政` `距離為s,則`). Between digits and letters they stay
//!   (`1,000` `12:30` `A: Where`).
//! - A bracket pair `( )` on one line becomes `（ ）` when it holds Han (`(服務)`), or when
//!   Chinese stands before it and no Latin word is glued after it (`要点(1)如何`,
//!   `装置(gas turbine) 内燃机`, `装置(steam power plant)1.热能`); formulas and English keep
//!   theirs (`mg(h1-h2)`, `(e.g., Groupon)`, `向量(12 ,23 )iinni`).
//! - A `.` after a Han character (spaces between allowed) at the end of a line becomes `。`. Elsewhere it stays:
//!   table-of-contents leaders (`背景.32`), numbering (`二二. 向量`).
//! - Anti-copy doubled marks: some sites put an ASCII comma before the marks of a sentence
//!   (`熱線,,同韓方`, `事宜,。`, `局勢,、實現`, `評論,?`; live pages `熱線,，同`). Such a comma,
//!   after Chinese and right before `, ， 。 、 ？ ?`, goes when the page shows the habit: at
//!   least [`INJECTED_HABIT`] of them, and at least one in ten of the page's commas. A run of
//!   three commas or more (`類別,,,,,直接`, an empty table row) is not one, and a lone `例如,,在`
//!   is a typo the page keeps. Real doubled marks (`……`, `——`, `!?`) hold no comma.
//! - Nothing changes inside URLs, e-mail addresses and paths.
//!
//! Counts characters changed.

use std::borrow::Cow;
use std::ops::Range;

use crate::chars::{
    char_at, in_ranges, is_cjk, is_curly_quote, is_han, is_space, protected_ranges, ByteSet,
};
use crate::page::Page;

pub fn apply(page: &mut Page) -> u64 {
    let (out, n) = fix(&page.text);
    if let Cow::Owned(s) = out {
        page.text = s;
    }
    n
}

/// How many injected commas make a page's habit (see the module doc).
pub const INJECTED_HABIT: usize = 3;

/// Applies the rules to `text`; returns the new text and the number of characters changed.
pub fn fix(text: &str) -> (Cow<'_, str>, u64) {
    let page = Candidates::scan(text);
    if let Some(injected) = page.injected(text) {
        let mut cleaned = String::with_capacity(text.len());
        let mut copied = 0;
        for &at in &injected {
            cleaned.push_str(&text[copied..at]);
            copied = at + 1;
        }
        cleaned.push_str(&text[copied..]);
        let (out, n) = convert(&cleaned, Candidates::scan(&cleaned));
        return (Cow::Owned(out.into_owned()), n + injected.len() as u64);
    }
    convert(text, page)
}

/// The rules other than injected commas, on the candidates of `text`.
fn convert(text: &str, mut page: Candidates) -> (Cow<'_, str>, u64) {
    if page.at.is_empty() {
        return (Cow::Borrowed(text), 0);
    }
    let protected = if page.marks.is_empty() && page.parens.is_empty() {
        Vec::new()
    } else {
        protected_ranges(text)
    };
    let ctx = Context {
        text,
        page: &mut page,
        protected: &protected,
    };
    ctx.run()
}

impl Candidates {
    fn scan(text: &str) -> Candidates {
        // One pass over the bytes finds the candidates (all are ASCII or full-width forms
        // `EF BC xx` / `EF BD xx`); the rules then visit only those places and read the text
        // around them (most of a page is not punctuation, so it is never decoded into chars).
        const FIRST: ByteSet<9, 0> = ByteSet {
            bytes: [b',', b';', b':', b'?', b'!', b'.', b'(', b')', 0xEF],
            ranges: [],
            outside: false,
        };
        let bytes = text.as_bytes();
        let mut page = Candidates::default();
        let mut i = 0;
        loop {
            i = FIRST.next(text, i);
            let Some(&b) = bytes.get(i) else {
                break;
            };
            let kind = match b {
                b',' | b';' | b':' | b'?' | b'!' | b'.' => Some(Kind::Mark),
                b'(' | b')' => Some(Kind::Paren),
                0xEF => match bytes.get(i + 1..i + 3) {
                    // Ａ-Ｚ, ０-９ (EF BC A1-BA, 90-99), ａ-ｚ (EF BD 81-9A).
                    Some([0xBC, 0xA1..=0xBA | 0x90..=0x99] | [0xBD, 0x81..=0x9A]) => {
                        Some(Kind::Wide)
                    }
                    _ => None,
                },
                _ => None,
            };
            match kind {
                Some(kind) => {
                    let c = char_at(text, i);
                    if c == ',' && is_injected_comma(text, i) {
                        page.injected.push(i);
                    }
                    page.push(i, c, kind);
                    i += c.len_utf8();
                }
                // An EF character that is not a full-width letter or digit: the search goes on
                // from its next byte, a continuation byte, which no candidate starts with.
                None => i += 1,
            }
        }
        page
    }

    /// The offsets of the injected commas of `text` to drop, when the page shows the habit.
    fn injected(&self, text: &str) -> Option<Vec<usize>> {
        let n = self.injected.len();
        if n < INJECTED_HABIT {
            return None;
        }
        let commas = self.was.iter().filter(|&&c| c == ',').count()
            + memchr::memmem::find_iter(text.as_bytes(), "，".as_bytes()).count();
        (n * 10 >= commas).then(|| self.injected.clone())
    }
}

/// Whether the ASCII comma at `at` looks injected: Chinese before it, and right after it one
/// of the marks it doubles (a second comma only when no third follows).
fn is_injected_comma(text: &str, at: usize) -> bool {
    let (before, after) = (&text[..at], &text.as_bytes()[at + 1..]);
    let doubles = match after {
        [b',', b',', ..] => false,
        [b',' | b'?', ..] => true,
        // ， 。 、 ？
        [0xEF, 0xBC, 0x8C | 0x9F, ..] | [0xE3, 0x80, 0x81 | 0x82, ..] => true,
        _ => false,
    };
    doubles
        && before
            .chars()
            .next_back()
            .is_some_and(|c| c != ',' && (is_cjk(c) || is_curly_quote(c)))
}

/// What a candidate is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Mark,
    Paren,
    Wide,
}

/// The candidates of a page: byte offsets, the character each held and holds now (the rules
/// change them in place), and which are marks, brackets, or full-width letters.
#[derive(Default)]
struct Candidates {
    at: Vec<usize>,
    was: Vec<char>,
    now: Vec<char>,
    marks: Vec<usize>,
    parens: Vec<usize>,
    wide: Vec<usize>,
    /// Offsets of the ASCII commas that look injected ([`is_injected_comma`]).
    injected: Vec<usize>,
}

impl Candidates {
    fn push(&mut self, at: usize, c: char, kind: Kind) {
        let k = self.at.len();
        self.at.push(at);
        self.was.push(c);
        self.now.push(c);
        match kind {
            Kind::Mark => self.marks.push(k),
            Kind::Paren => self.parens.push(k),
            Kind::Wide => self.wide.push(k),
        }
    }
}

/// The text with its candidates as the rules have changed them so far.
struct Context<'a, 'p> {
    text: &'a str,
    page: &'p mut Candidates,
    protected: &'p [Range<usize>],
}

impl<'a> Context<'a, '_> {
    fn run(mut self) -> (Cow<'a, str>, u64) {
        let mut count = self.halfwidth();
        // A converted bracket pair is Chinese context for the marks next to it (`:(1)中`
        // becomes `：（1）中`), so marks are looked at again until the brackets stand still:
        // a second run of the stage finds nothing to do.
        loop {
            count += self.marks();
            let brackets = self.brackets();
            count += brackets;
            if brackets == 0 {
                break;
            }
        }
        if count == 0 {
            return (Cow::Borrowed(self.text), 0);
        }
        let mut out = String::with_capacity(self.text.len() + self.text.len() / 8);
        let mut copied = 0;
        let page = &self.page;
        for ((&at, &old), &c) in page.at.iter().zip(&page.was).zip(&page.now) {
            if old != c {
                out.push_str(&self.text[copied..at]);
                out.push(c);
                copied = at + old.len_utf8();
            }
        }
        out.push_str(&self.text[copied..]);
        (Cow::Owned(out), count)
    }

    /// The character at byte `at` as it is now.
    fn char_at(&self, at: usize, raw: char) -> char {
        // Only candidates change, and every candidate starts with an ASCII mark or bracket,
        // or is a full-width form (`EF`): other characters need no search.
        if !(matches!(raw, ',' | ';' | ':' | '?' | '!' | '.' | '(' | ')') || raw >= '\u{F000}') {
            return raw;
        }
        match self.page.at.binary_search(&at) {
            Ok(k) => self.page.now[k],
            Err(_) => raw,
        }
    }

    fn is_protected(&self, at: usize) -> bool {
        in_ranges(self.protected, at)
    }

    // The spacing stage removes spaces next to full-width marks later, so context looks
    // through them. (No candidate is a space, before or after a change.)
    fn prev_non_space(&self, at: usize) -> Option<char> {
        let (p, c) = self.text[..at]
            .char_indices()
            .rev()
            .find(|(_, c)| !is_space(*c))?;
        Some(self.char_at(p, c))
    }

    /// Whether the mark at `at` follows Chinese: a Chinese character or mark, or a quote that
    /// closes Chinese text right before it (`如何“腾笼换鸟”?`; not `said “yes”?`, nor a quote
    /// at the start of a line, which may open a code literal: `了\n”!”标记`). Spaces before
    /// the quote do not count (`经济 ”?`): the `space` stage removes them, and a second
    /// cleaning would find the quote right after the Chinese text.
    fn follows_chinese(&self, at: usize) -> bool {
        let Some((p, c)) = (self.text[..at].char_indices().rev()).find(|(_, c)| !is_space(*c))
        else {
            return false;
        };
        let c = self.char_at(p, c);
        is_cjk(c)
            || (matches!(c, '”' | '’')
                && (self.text[..p].chars().rev())
                    .find(|c| !is_space(*c))
                    .is_some_and(is_cjk))
    }

    fn next_non_space(&self, at: usize) -> Option<char> {
        let from = at + char_at(self.text, at).len_utf8();
        let (p, c) = self.text[from..]
            .char_indices()
            .find(|(_, c)| !is_space(*c))?;
        Some(self.char_at(from + p, c))
    }

    /// Full-width ASCII letters and digits to half width.
    fn halfwidth(&mut self) -> u64 {
        for &k in &self.page.wide {
            let c = self.page.now[k];
            self.page.now[k] = char::from_u32(c as u32 - 0xFEE0).unwrap_or(c);
        }
        self.page.wide.len() as u64
    }

    /// `, ; : ? !` in Chinese context, and a sentence-final `.` after Han.
    fn marks(&mut self) -> u64 {
        let mut count = 0u64;
        for idx in 0..self.page.marks.len() {
            let k = self.page.marks[idx];
            let at = self.page.at[k];
            if self.is_protected(at) {
                continue;
            }
            let full = match self.page.now[k] {
                ',' => '，',
                ';' => '；',
                ':' => '：',
                '?' => '？',
                '!' => '！',
                '.' => {
                    // Any whitespace before the line break: the `layout` stage trims it
                    // (U+2000 too), and a second cleaning would find the `.` at the end.
                    let at_line_end = (self.text[at + 1..].chars())
                        .find(|&c| c == '\n' || !c.is_whitespace())
                        .is_none_or(|c| c == '\n');
                    if self.prev_non_space(at).is_some_and(is_han) && at_line_end {
                        self.page.now[k] = '。';
                        count += 1;
                    }
                    continue;
                }
                _ => continue,
            };
            let before = self.follows_chinese(at);
            let after = self.next_non_space(at).is_some_and(is_han);
            if before || after {
                self.page.now[k] = full;
                count += 1;
            }
        }
        count
    }

    /// Bracket pairs on one line, innermost first.
    fn brackets(&mut self) -> u64 {
        let mut count = 0u64;
        let mut stack: Vec<usize> = Vec::new();
        let mut pairs: Vec<(usize, usize)> = Vec::new();
        let mut last = 0;
        for &k in &self.page.parens {
            let at = self.page.at[k];
            // Pairs are on one line: a line break since the last bracket closes every
            // bracket still open.
            if !stack.is_empty() && memchr::memchr(b'\n', &self.text.as_bytes()[last..at]).is_some()
            {
                stack.clear();
            }
            last = at;
            match self.page.now[k] {
                '(' if !self.is_protected(at) => stack.push(k),
                ')' if !self.is_protected(at) => {
                    if let Some(open) = stack.pop() {
                        pairs.push((open, k));
                    }
                }
                _ => {}
            }
        }
        // A converted pair is Chinese context for its neighbours (`(4)（余弦定理）`): repeat
        // until nothing changes, so a second run finds nothing to do.
        let mut pending = pairs;
        loop {
            let before = pending.len();
            pending.retain(|&(open, close)| {
                let (open_at, close_at) = (self.page.at[open], self.page.at[close]);
                // Between the brackets only candidates can have changed, and none is Han.
                let holds_han = self.text[open_at + 1..close_at].chars().any(is_han);
                // Chinese on the left and no Latin word glued on the right (`)iinni` is a
                // formula); at a line start, Chinese must follow instead.
                let left = self.prev_non_space(open_at);
                let right = self.next_non_space(close_at);
                let left_cjk = left.is_some_and(is_cjk);
                let line_start = left.is_none_or(|c| c == '\n');
                let right_cjk = right.is_some_and(is_cjk);
                let right_free = right.is_none_or(|c| !c.is_ascii_alphabetic());
                if holds_han || (left_cjk && right_free) || (line_start && right_cjk) {
                    self.page.now[open] = '（';
                    self.page.now[close] = '）';
                    count += 2;
                    false
                } else {
                    true
                }
            });
            if pending.len() == before {
                break;
            }
        }
        count
    }
}

#[cfg(test)]
mod tests {
    use super::fix;
    use crate::testing::{keeps, rewrites};

    #[test]
    fn chinese_context_goes_full_width() {
        rewrites(
            |s| fix(s).0.into_owned(),
            &[
                ("2010 年 4 月, 中央", "2010 年 4 月， 中央"),
                ("9.87%;財政", "9.87%；財政"),
                ("距離為s,則重力", "距離為s，則重力"),
                ("有什么特点呢?重力是", "有什么特点呢？重力是"),
                ("摘要:以", "摘要：以"),
                ("審批 (服務) ”", "審批 （服務） ”"),
                ("討論要點(1)如何將", "討論要點（1）如何將"),
                (
                    "裝置(gas turbine power plant) 內燃機",
                    "裝置（gas turbine power plant） 內燃機",
                ),
                ("等。( 1 )活塞式", "等。（ 1 ）活塞式"),
                ("(圖中路徑1):重力", "（圖中路徑1）：重力"),
                ("逐步走向標準化管理.", "逐步走向標準化管理。"),
                // Before whitespace `layout` trims (a case proptest found).
                (
                    "標準化管理.\u{2000}\n下一行",
                    "標準化管理。\u{2000}\n下一行",
                ),
                ("ＡＢＣ１２３中文", "ABC123中文"),
                ("(昆山市、吳江區)", "（昆山市、吳江區）"),
                (
                    "裝置(steam power plant)1.熱能",
                    "裝置（steam power plant）1.熱能",
                ),
                // After a quote that closes Chinese text.
                ("如何“騰籠換鳥”?\n其實", "如何“騰籠換鳥”？\n其實"),
                ("“開跑”;“雲端”", "“開跑”；“雲端”"),
                // With spaces before the quote, which the `space` stage removes (a case
                // proptest found: a second cleaning widened the `?`).
                ("經濟 ”?", "經濟 ”？"),
            ],
        );
    }

    #[test]
    fn latin_numbers_formulas_and_urls_stay() {
        keeps(
            |s| fix(s).0.into_owned(),
            &[
                "1,000 and 12:30",
                "A: Where are Yang Ling's gloves? B: They're under the bed.",
                "WG=mgh=mg(h1-h2)=mgh1-mgh2",
                "(e.g., Groupon).We consider",
                "向量量(12 ,23 ,(1) )iinni 2第第",
                "mtx y z ( , , )P x y z小鳥",
                "背景.32任務概述",
                "二二. 向量間",
                "見 http://example.com/a?b=1,2;c:d 中文",
                "郵件 someone@example.com 中文",
                "4, , ,a bn",
                "12 , . nina",
                // A quote closing English, or at a line start (a literal: `"!"`).
                "他說 “yes”?\nOK",
                "使用了\n”!”標記",
            ],
        );
    }

    #[test]
    fn injected_commas_go_on_a_page_with_the_habit() {
        let page = "熱線,,同韓方討論,有何評論,?\n事宜,。局勢,、實現";
        assert_eq!(
            fix(page).0,
            "熱線，同韓方討論，有何評論？\n事宜。局勢、實現"
        );
        // Live pages keep the full-width mark after the injected comma.
        assert_eq!(fix("熱線,，同韓方,，事宜,。").0, "熱線，同韓方，事宜。");
        // Without the habit (two, or one in more than ten commas) they stay.
        let sparse = format!("熱線,,同韓方,。事宜,、{}", "中文,".repeat(30));
        for s in [
            "前加上减号实现:例如,,在这个例子中",
            "熱線,,同韓方,。",
            &sparse,
        ] {
            let once = fix(s).0;
            assert_eq!(
                once.matches(['，', ',']).count(),
                s.matches(',').count(),
                "{s}"
            );
        }
        // Runs of commas, and doubled marks without a comma, are the text's own.
        assert_eq!(
            fix("熱線,,同韓方,,討論,,有何評論,,,,,直接").0,
            "熱線，同韓方，討論，有何評論，，，，，直接"
        );
        assert_eq!(
            fix("熱線,,同韓方,,討論,,好啊……真的——是嗎!?").0,
            "熱線，同韓方，討論，好啊……真的——是嗎！？"
        );
    }

    #[test]
    fn second_run_changes_nothing() {
        for s in [
            "2010 年 4 月, 中央(服務).",
            "例例如如:(1,2,3, ) nn維維",
            "\n(4)(餘弦定理)",
            "熱線,,同韓方討論,有何評論,?\n事宜,。局勢,、實現",
        ] {
            let once = fix(s).0;
            assert_eq!(fix(&once), (once.clone(), 0), "{s}");
        }
    }
}
