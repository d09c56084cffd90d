//! Stage `space`: spacing to mainland conventions.
//!
//! A run of horizontal whitespace inside a line (spaces, tabs, U+3000, NBSP) goes when it sits
//! - between two Chinese characters or full-width punctuation marks (`中央 编办`, `、 公安部`),
//! - next to full-width punctuation (`2/3 。 在`),
//! - between Han and ASCII punctuation (`二二. 向量`, `引言 .3`),
//! - between Han and a Latin letter or digit, under the default policy `remove` (`2010 年`,
//!   `手机 APP`); `keep` leaves those, `add` makes them exactly one space and adds one where
//!   there is none (pangu style).
//!
//! Curly quotes count as Chinese punctuation when the text they quote is Chinese
//! (`“一门式” 向`), and as English otherwise (`deal” providers`). Everything else keeps its
//! spaces: English text, numbers, formulas (`3 3`, `y z ( , , )`). Line starts and ends are the
//! `markup` and `unicode` stages' business.
//!
//! Counts whitespace runs removed, normalised or added.

use std::borrow::Cow;
use std::ops::Range;

use crate::chars::{
    char_at, in_ranges, is_cjk_punct, is_curly_quote, is_han, is_space, protected_mask,
    protected_ranges, quote_is_cjk, ByteSet,
};
use crate::config::SpacingPolicy;
use crate::page::Page;
use crate::stages::Stage;

/// The stage, with the run's spacing policy.
#[derive(Debug, Clone, Copy)]
pub struct Space {
    pub policy: SpacingPolicy,
}

impl Stage for Space {
    fn apply(&self, page: &mut Page) -> u64 {
        let (out, n) = fix(&page.text, self.policy);
        if let Cow::Owned(out) = out {
            page.text = out;
        }
        n
    }
}

/// How a character behaves for spacing.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Han,
    /// Full-width punctuation, and curly quotes around Chinese.
    CjkPunct,
    /// ASCII letters and digits (and other scripts' letters).
    Latin,
    AsciiPunct,
    Other,
}

/// The kind of `c`; `after` and `before` are the characters around it, nearest first (a
/// curly quote's kind depends on what it quotes).
fn kind(c: char, after: impl Iterator<Item = char>, before: impl Iterator<Item = char>) -> Kind {
    if is_han(c) {
        Kind::Han
    } else if is_cjk_punct(c) || (is_curly_quote(c) && quote_is_cjk(c, after, before)) {
        Kind::CjkPunct
    } else if c.is_alphanumeric() {
        Kind::Latin
    } else if c.is_ascii_punctuation() {
        Kind::AsciiPunct
    } else {
        Kind::Other
    }
}

/// [`kind`] of `chars[i]`.
fn kind_of(chars: &[char], i: usize) -> Kind {
    let (before, after) = (&chars[..i], &chars[i + 1..]);
    kind(
        chars[i],
        after.iter().copied(),
        before.iter().rev().copied(),
    )
}

/// [`kind`] of the character at byte `at` of `text`.
fn kind_at(text: &str, at: usize) -> Kind {
    let c = char_at(text, at);
    kind(
        c,
        text[at + c.len_utf8()..].chars(),
        text[..at].chars().rev(),
    )
}

/// What to do with the space between two kinds (`None`: leave it as it is).
fn rule(a: Kind, b: Kind, policy: SpacingPolicy) -> Option<bool> {
    use Kind::*;
    match (a, b) {
        (Han | CjkPunct, Han | CjkPunct) | (CjkPunct, _) | (_, CjkPunct) => Some(false),
        (Han, AsciiPunct) | (AsciiPunct, Han) => Some(false),
        (Han, Latin) | (Latin, Han) => match policy {
            SpacingPolicy::Remove => Some(false),
            SpacingPolicy::Keep => None,
            SpacingPolicy::Add => Some(true),
        },
        _ => None,
    }
}

pub fn fix(text: &str, policy: SpacingPolicy) -> (Cow<'_, str>, u64) {
    if policy != SpacingPolicy::Add {
        return fix_runs(text, policy);
    }
    if !text.chars().any(|c| is_space(c) || is_han(c)) {
        return (Cow::Borrowed(text), 0);
    }
    let chars: Vec<char> = text.chars().collect();
    let protect = protected_mask(text, chars.len());
    let mut out = String::with_capacity(text.len());
    let mut count = 0u64;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if is_space(c) {
            let start = i;
            while i < chars.len() && is_space(chars[i]) {
                i += 1;
            }
            let decision = decide(&chars, &protect, start, i, policy);
            match decision {
                Some(false) => count += 1,
                Some(true) => {
                    if i - start != 1 || chars[start] != ' ' {
                        count += 1;
                    }
                    out.push(' ');
                }
                None => out.extend(&chars[start..i]),
            }
            continue;
        }
        out.push(c);
        if policy == SpacingPolicy::Add && i + 1 < chars.len() && !is_space(chars[i + 1]) {
            let (a, b) = (kind_of(&chars, i), kind_of(&chars, i + 1));
            if matches!((a, b), (Kind::Han, Kind::Latin) | (Kind::Latin, Kind::Han)) {
                out.push(' ');
                count += 1;
            }
        }
        i += 1;
    }
    if count == 0 {
        return (Cow::Borrowed(text), 0);
    }
    (Cow::Owned(out), count)
}

/// The decision for the whitespace run `chars[start..end]` (`None`: leave it as it is).
fn decide(
    chars: &[char],
    protect: &[bool],
    start: usize,
    end: usize,
    policy: SpacingPolicy,
) -> Option<bool> {
    // A space that sets off a URL or e-mail address stays: glued to Han text, the address
    // would run on into it for any tool that reads it.
    let inside = start > 0
        && end < chars.len()
        && chars[start - 1] != '\n'
        && chars[end] != '\n'
        && !protect[start - 1]
        && !protect[end];
    if inside {
        rule(kind_of(chars, start - 1), kind_of(chars, end), policy)
    } else {
        None
    }
}

/// `fix` for the policies that never add a space: only whitespace runs can change, so one
/// pass over the bytes finds them, each is decided from the characters on its two sides, and
/// the text between them is copied as slices.
fn fix_runs(text: &str, policy: SpacingPolicy) -> (Cow<'_, str>, u64) {
    let bytes = text.as_bytes();
    // The byte length of the space character at `i`, 0 if there is none (` `, tab, U+00A0
    // `C2 A0`, U+3000 `E3 80 80`: the lead bytes are never inside another character).
    let space_at = |i: usize| -> usize {
        match bytes[i] {
            b' ' | b'\t' => 1,
            0xC2 if bytes.get(i + 1) == Some(&0xA0) => 2,
            0xE3 if bytes.get(i + 1..i + 3) == Some(&[0x80, 0x80]) => 3,
            _ => 0,
        }
    };
    // Asked only for a run whose neighbours' kinds call for removing it.
    // ` `, tab, and the first bytes of U+00A0 and U+3000.
    const FIRST: ByteSet<4, 0> = ByteSet {
        bytes: [b' ', b'\t', 0xC2, 0xE3],
        ranges: [],
        outside: false,
    };
    let mut protected: Option<Vec<Range<usize>>> = None;
    let mut out = String::new();
    let mut copied = 0;
    let mut count = 0u64;
    let mut i = 0;
    loop {
        i = FIRST.next(text, i);
        if i == bytes.len() {
            break;
        }
        let n = space_at(i);
        if n == 0 {
            // Another character that starts with C2 or E3: on from its continuation bytes.
            i += 1;
            continue;
        }
        let from = i;
        i += n;
        while i < bytes.len() {
            match space_at(i) {
                0 => break,
                n => i += n,
            }
        }
        let to = i;
        // A space that sets off a URL or e-mail address stays: glued to Han text, the
        // address would run on into it for any tool that reads it.
        let Some(prev) = text[..from].chars().next_back() else {
            continue;
        };
        let prev_at = from - prev.len_utf8();
        if to == text.len() || prev == '\n' || bytes[to] == b'\n' {
            continue;
        }
        if rule(kind_at(text, prev_at), kind_at(text, to), policy) != Some(false) {
            continue;
        }
        let ranges = protected.get_or_insert_with(|| protected_ranges(text));
        if in_ranges(ranges, prev_at) || in_ranges(ranges, to) {
            continue;
        }
        if out.capacity() == 0 {
            out.reserve(text.len());
        }
        out.push_str(&text[copied..from]);
        copied = to;
        count += 1;
    }
    if count == 0 {
        return (Cow::Borrowed(text), 0);
    }
    out.push_str(&text[copied..]);
    (Cow::Owned(out), count)
}

#[cfg(test)]
mod tests {
    use super::fix;
    use crate::config::SpacingPolicy::{self, *};
    use crate::testing::{keeps, rewrites};

    fn run(s: &str, p: SpacingPolicy) -> String {
        fix(s, p).0.into_owned()
    }

    #[test]
    fn mainland_spacing() {
        rewrites(
            |s| run(s, Remove).to_string(),
            &[
                ("2010 年 4 月， 中央编办", "2010年4月，中央编办"),
                ("发改委、 公安部", "发改委、公安部"),
                ("2/3 。 在编制", "2/3。在编制"),
                ("“一门式” 向 “一窗式”", "“一门式”向“一窗式”"),
                ("“小马拉大车” “看得见管不着”", "“小马拉大车”“看得见管不着”"),
                ("二二. 向量间", "二二.向量间"),
                ("1 引言 .31.1编写", "1引言.31.1编写"),
                (
                    "数组 mtx y z ( , , )P x y z小鸟",
                    "数组mtx y z ( , , )P x y z小鸟",
                ),
                ("第第3 3章章 向量", "第第3 3章章向量"),
                ("实 现集成\u{3000}测试", "实现集成测试"),
            ],
        );
    }

    #[test]
    fn english_and_formulas_keep_their_spaces() {
        keeps(
            |s| run(s, Remove).to_string(),
            &[
                "one of the most fundamental problems",
                "anddeal” providers like Groupon",
                "四四. .向量空间",
                "一一. n维向量",
                "12 , . nina aanianin",
                "  indented line",
                "line end  ",
                "访问 https://example.com/a?b=1 或写信到 a@b.com 。",
            ],
        );
    }

    #[test]
    fn policies() {
        assert_eq!(run("2010 年4月 APP", Keep), "2010 年4月 APP");
        assert_eq!(run("2010 年4月  APP", Add), "2010 年 4 月 APP");
        assert_eq!(run("中 文", Keep), "中文");
    }
}
