//! Stage `blanks`: `?` that stand for spaces an encoder could not write.
//!
//! An encoder that meets a character its code page lacks writes an ASCII `?` instead. Pages
//! indented or aligned with no-break or em spaces (`&nbsp;`, U+2003) that went through GBK come
//! out with `?` where the spaces were:
//!
//! - an indent: a run of `?` at the start of a line, before the text (`??? 本報8月30日訊`,
//!   `????學校及周邊`);
//! - an alignment run: `?` each followed by a space, twice or more (`R473.5? ? ? ? 文獻標識碼`);
//! - one `?` followed by a space after a word (`目的? 觀察`, `方法? 以2021年`), where the
//!   source had a no-break space and a space.
//!
//! A real question mark can stand in all of these places (`???你說啥`, `是嗎? 好`), so the
//! page must show the habit first: at least [`HABIT`] indents or alignment runs. Then every
//! indent goes, and every alignment run and every `? ` after a word becomes one space (the
//! spacing stages decide what becomes of it). A `?` right before Latin letters or a bracket
//! (`?xì)`) is byte garbage, the `garbage` stage's business, and a `?` glued to the text after
//! it (`證實?中方`) is a question mark: both stay. The `garbage` stage runs first and has
//! already repaired the `?` it could read as byte garbage.
//!
//! Counts the runs replaced.

use std::borrow::Cow;

use crate::page::Page;

pub fn apply(page: &mut Page) -> u64 {
    let (out, n) = fix(&page.text);
    if let Cow::Owned(s) = out {
        page.text = s;
    }
    n
}

/// How many indents or alignment runs make a page's habit.
pub const HABIT: usize = 2;

/// What a run of `?` stood for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// At a line start, before text: goes with the spaces after it.
    Indent,
    /// `? ? `: one space.
    Alignment,
    /// `? ` after a word: one space, only on a page with the habit.
    AfterWord,
}

/// Replaces the `?` runs that stood for spaces; borrows when there is none.
pub fn fix(text: &str) -> (Cow<'_, str>, u64) {
    let bytes = text.as_bytes();
    if memchr::memchr(b'?', bytes).is_none() {
        return (Cow::Borrowed(text), 0);
    }
    let mut runs: Vec<(usize, usize, Kind)> = Vec::new();
    let mut next = 0;
    for q in memchr::memchr_iter(b'?', bytes) {
        if q < next {
            continue;
        }
        // The run: `?` and spaces, as long as it lasts.
        let mut end = q;
        let mut marks = 0;
        let mut spaced = 0;
        while let Some(&b) = bytes.get(end) {
            match b {
                b'?' => marks += 1,
                b' ' | b'\t' => {
                    if bytes[end - 1] == b'?' {
                        spaced += 1;
                    }
                }
                _ => break,
            }
            end += 1;
        }
        next = end;
        // A run the line ends in, or one glued to Latin letters or brackets, is not spacing.
        let after = text[end..].chars().next();
        let glued = bytes[end - 1] == b'?';
        if after.is_none_or(|c| c == '\n' || c == '\r')
            || (glued && after.is_some_and(|c| c.is_ascii_alphabetic() || "()[]".contains(c)))
        {
            continue;
        }
        let line_start = text[..q]
            .bytes()
            .rev()
            .find(|&b| b != b' ' && b != b'\t')
            .is_none_or(|b| b == b'\n');
        let before = text[..q].chars().next_back();
        let kind = if line_start {
            Kind::Indent
        } else if spaced >= 2 && spaced == marks {
            Kind::Alignment
        } else if marks == 1 && spaced == 1 && before.is_some_and(|c| !c.is_whitespace()) {
            Kind::AfterWord
        } else {
            continue;
        };
        runs.push((q, end, kind));
    }
    let habit = runs.iter().filter(|r| r.2 != Kind::AfterWord).count();
    if habit < HABIT {
        return (Cow::Borrowed(text), 0);
    }
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for &(start, end, kind) in &runs {
        out.push_str(&text[copied..start]);
        if kind != Kind::Indent {
            out.push(' ');
        }
        copied = end;
    }
    out.push_str(&text[copied..]);
    (Cow::Owned(out), runs.len() as u64)
}

#[cfg(test)]
mod tests {
    use super::fix;
    use crate::testing::{keeps, rewrites};

    #[test]
    fn question_marks_for_lost_spaces_go_on_a_page_with_the_habit() {
        rewrites(
            |s| fix(s).0.into_owned(),
            &[
            (
                "??? 本報8月30日訊\n????學校及周邊\n????會上,",
                "本報8月30日訊\n學校及周邊\n會上,",
            ),
            (
                "摘要:目的? 觀察遠程。方法? 以2021年\n中圖分類號:R473.5? ? ? ? 文獻標識碼:A? ? ? ? DOI:10",
                "摘要:目的 觀察遠程。方法 以2021年\n中圖分類號:R473.5 文獻標識碼:A DOI:10",
            ),
            // An indented line after an indent.
            ("  ?? 第一段\n?? 第二段", "  第一段\n第二段"),
            ],
        );
    }

    #[test]
    fn real_question_marks_stay() {
        keeps(
            |s| fix(s).0.into_owned(),
            &[
                // No habit: one indent, or `? ` after words only.
                "??? 本報8月30日訊",
                "目的? 觀察遠程。方法? 以2021年",
                "是嗎? 好的。真的? 嗯",
                "What? Why? ? No.",
                // Glued to the text after it: a question.
                "你能否證實?中方將提供多少捐款?\n消息稿你看到了吧?",
                "?\n??\n???",
            ],
        );
        // On a page with the habit, byte garbage and the runs a line ends in stay.
        assert_eq!(
            fix("??? 本報\n????學校\n?xì)夤\n會上??\n(?)").0,
            "本報\n學校\n?xì)夤\n會上??\n(?)"
        );
    }

    #[test]
    fn second_run_changes_nothing() {
        let once = fix("??? 本報\n????學校? 好\n目的? 觀察").0.into_owned();
        assert_eq!(fix(&once).1, 0, "{once}");
    }
}
