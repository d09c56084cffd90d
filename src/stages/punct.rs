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
//! - Nothing changes inside URLs, e-mail addresses and paths.
//!
//! Counts characters changed.

use std::borrow::Cow;

use crate::chars::{is_cjk, is_han, is_space, protected_mask};
use crate::pipeline::{Ctx, Page};

pub fn apply(page: &mut Page, _ctx: &Ctx) -> u64 {
    let (out, n) = fix(&page.text);
    if let Cow::Owned(s) = out {
        page.text = s;
    }
    n
}

/// Applies the rules to `text`; returns the new text and the number of characters changed.
pub fn fix(text: &str) -> (Cow<'_, str>, u64) {
    let candidate = |c: char| matches!(c, ',' | ';' | ':' | '?' | '!' | '.' | '(' | ')' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ' | '０'..='９');
    if !text.contains(candidate) {
        return (Cow::Borrowed(text), 0);
    }
    // One pass collects the characters and where the candidates are; the rules then visit
    // only those places (most of a page is not punctuation).
    let mut chars: Vec<char> = Vec::with_capacity(text.len() / 2);
    let (mut wide, mut mark_at, mut paren_at) = (Vec::new(), Vec::new(), Vec::new());
    for c in text.chars() {
        match c {
            ',' | ';' | ':' | '?' | '!' | '.' => mark_at.push(chars.len()),
            '(' | ')' | '\n' => paren_at.push(chars.len()),
            'Ａ'..='Ｚ' | 'ａ'..='ｚ' | '０'..='９' => wide.push(chars.len()),
            _ => {}
        }
        chars.push(c);
    }
    let protect = protected_mask(text, chars.len());
    let mut count = halfwidth(&mut chars, &wide);
    // A converted bracket pair is Chinese context for the marks next to it (`:(1)中` becomes
    // `：（1）中`), so marks are looked at again until the brackets stand still: a second run
    // of the stage finds nothing to do.
    loop {
        count += marks(&mut chars, &protect, &mark_at);
        let brackets = brackets(&mut chars, &protect, &paren_at);
        count += brackets;
        if brackets == 0 {
            break;
        }
    }
    if count == 0 {
        return (Cow::Borrowed(text), 0);
    }
    (Cow::Owned(chars.into_iter().collect()), count)
}

/// Full-width ASCII letters and digits to half width, at `at` (where they are).
fn halfwidth(chars: &mut [char], at: &[usize]) -> u64 {
    for &i in at {
        let c = chars[i];
        chars[i] = char::from_u32(c as u32 - 0xFEE0).unwrap_or(c);
    }
    at.len() as u64
}

// The spacing stage removes spaces next to full-width marks later, so context looks through
// them.
fn prev_non_space(chars: &[char], i: usize) -> Option<char> {
    chars[..i].iter().rev().copied().find(|c| !is_space(*c))
}

fn next_non_space(chars: &[char], i: usize) -> Option<char> {
    chars[i + 1..].iter().copied().find(|c| !is_space(*c))
}

/// `, ; : ? !` in Chinese context, and a sentence-final `.` after Han; `at` lists where
/// the marks are, in order.
fn marks(chars: &mut [char], protect: &[bool], at: &[usize]) -> u64 {
    let mut count = 0u64;
    for &i in at {
        if protect[i] {
            continue;
        }
        let full = match chars[i] {
            ',' => '，',
            ';' => '；',
            ':' => '：',
            '?' => '？',
            '!' => '！',
            '.' => {
                let at_line_end = next_non_space(chars, i).is_none_or(|c| c == '\n');
                if prev_non_space(chars, i).is_some_and(is_han) && at_line_end {
                    chars[i] = '。';
                    count += 1;
                }
                continue;
            }
            _ => continue,
        };
        let before = prev_non_space(chars, i).is_some_and(is_cjk);
        let after = next_non_space(chars, i).is_some_and(is_han);
        if before || after {
            chars[i] = full;
            count += 1;
        }
    }

    count
}

/// Bracket pairs on one line, innermost first; `at` lists where the brackets and line
/// breaks are, in order.
fn brackets(chars: &mut [char], protect: &[bool], at: &[usize]) -> u64 {
    let mut count = 0u64;
    let mut stack: Vec<usize> = Vec::new();
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    for &i in at {
        match chars[i] {
            '(' if !protect[i] => stack.push(i),
            ')' if !protect[i] => {
                if let Some(open) = stack.pop() {
                    pairs.push((open, i));
                }
            }
            '\n' => stack.clear(),
            _ => {}
        }
    }
    // A converted pair is Chinese context for its neighbours (`(4)（余弦定理）`): repeat
    // until nothing changes, so a second run finds nothing to do.
    let mut pending = pairs;
    loop {
        let before = pending.len();
        pending.retain(|&(open, close)| {
            let holds_han = chars[open + 1..close].iter().any(|c| is_han(*c));
            // Chinese on the left and no Latin word glued on the right (`)iinni` is a
            // formula); at a line start, Chinese must follow instead.
            let left = prev_non_space(chars, open);
            let right = next_non_space(chars, close);
            let left_cjk = left.is_some_and(is_cjk);
            let line_start = left.is_none_or(|c| c == '\n');
            let right_cjk = right.is_some_and(is_cjk);
            let right_free = right.is_none_or(|c| !c.is_ascii_alphabetic());
            if holds_han || (left_cjk && right_free) || (line_start && right_cjk) {
                chars[open] = '（';
                chars[close] = '）';
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

#[cfg(test)]
mod tests {
    use super::fix;

    #[test]
    fn chinese_context_goes_full_width() {
        for (raw, want) in [
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
            ("ＡＢＣ１２３中文", "ABC123中文"),
            ("(昆山市、吳江區)", "（昆山市、吳江區）"),
            (
                "裝置(steam power plant)1.熱能",
                "裝置（steam power plant）1.熱能",
            ),
        ] {
            assert_eq!(fix(raw).0, want, "{raw}");
        }
    }

    #[test]
    fn latin_numbers_formulas_and_urls_stay() {
        for s in [
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
        ] {
            assert_eq!(fix(s).0, s, "{s}");
        }
    }

    #[test]
    fn second_run_changes_nothing() {
        for s in [
            "2010 年 4 月, 中央(服務).",
            "例例如如:(1,2,3, ) nn維維",
            "\n(4)(餘弦定理)",
        ] {
            let once = fix(s).0;
            assert_eq!(fix(&once), (once.clone(), 0), "{s}");
        }
    }
}
