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

use crate::chars::{is_cjk_punct, is_curly_quote, is_han, is_space, protected_mask, quote_is_cjk};
use crate::config::SpacingPolicy;
use crate::pipeline::{Ctx, Page};

pub fn apply(page: &mut Page, ctx: &Ctx) -> u64 {
    let (out, n) = fix(&page.text, ctx.config.spacing);
    if let Cow::Owned(out) = out {
        page.text = out;
    }
    n
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

fn kind(chars: &[char], i: usize) -> Kind {
    let c = chars[i];
    if is_han(c) {
        Kind::Han
    } else if is_cjk_punct(c) || (is_curly_quote(c) && quote_is_cjk(chars, i)) {
        Kind::CjkPunct
    } else if c.is_alphanumeric() {
        Kind::Latin
    } else if c.is_ascii_punctuation() {
        Kind::AsciiPunct
    } else {
        Kind::Other
    }
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
    if !text
        .chars()
        .any(|c| is_space(c) || (policy == SpacingPolicy::Add && is_han(c)))
    {
        return (Cow::Borrowed(text), 0);
    }
    if policy != SpacingPolicy::Add {
        return fix_runs(text, policy);
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
            let (a, b) = (kind(&chars, i), kind(&chars, i + 1));
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
        rule(kind(chars, start - 1), kind(chars, end), policy)
    } else {
        None
    }
}

/// `fix` for the policies that never add a space: only whitespace runs can change, so one
/// pass finds them and the text between them is copied as slices.
fn fix_runs(text: &str, policy: SpacingPolicy) -> (Cow<'_, str>, u64) {
    let mut chars: Vec<char> = Vec::with_capacity(text.len() / 2);
    // (first char, char after the run, byte start, byte end) of each whitespace run.
    let mut runs: Vec<(usize, usize, usize, usize)> = Vec::new();
    let mut open: Option<(usize, usize)> = None;
    for (at, c) in text.char_indices() {
        if is_space(c) {
            open.get_or_insert((chars.len(), at));
        } else if let Some((first, byte)) = open.take() {
            runs.push((first, chars.len(), byte, at));
        }
        chars.push(c);
    }
    if let Some((first, byte)) = open {
        runs.push((first, chars.len(), byte, text.len()));
    }
    let protect = protected_mask(text, chars.len());
    let mut out = String::new();
    let mut copied = 0;
    let mut count = 0u64;
    for &(start, end, from, to) in &runs {
        if decide(&chars, &protect, start, end, policy) == Some(false) {
            if out.capacity() == 0 {
                out.reserve(text.len());
            }
            out.push_str(&text[copied..from]);
            copied = to;
            count += 1;
        }
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

    fn run(s: &str, p: SpacingPolicy) -> String {
        fix(s, p).0.into_owned()
    }

    #[test]
    fn mainland_spacing() {
        for (raw, want) in [
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
        ] {
            assert_eq!(run(raw, Remove), want, "{raw}");
        }
    }

    #[test]
    fn english_and_formulas_keep_their_spaces() {
        for s in [
            "one of the most fundamental problems",
            "anddeal” providers like Groupon",
            "四四. .向量空间",
            "一一. n维向量",
            "12 , . nina aanianin",
            "  indented line",
            "line end  ",
            "访问 https://example.com/a?b=1 或写信到 a@b.com 。",
        ] {
            assert_eq!(run(s, Remove), s, "{s}");
        }
    }

    #[test]
    fn policies() {
        assert_eq!(run("2010 年4月 APP", Keep), "2010 年4月 APP");
        assert_eq!(run("2010 年4月  APP", Add), "2010 年 4 月 APP");
        assert_eq!(run("中 文", Keep), "中文");
    }
}
