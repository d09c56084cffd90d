//! Stage `layout`: the last tidy-up of lines.
//!
//! - Paragraph indents (spaces, tabs, NBSP, U+3000 at the start of a line) removed: the
//!   pages indent paragraphs with them (`<p>  原文`), and a stage that removes text at a line
//!   start (byte garbage) can leave one behind;
//! - trailing whitespace trimmed, except one ASCII space after ASCII text on a line that has a
//!   next line: in English text that space separates the last word of the line from the first
//!   of the next (a line break made from a `</p>`), and dropping it would glue the words when
//!   lines are joined;
//! - runs of blank lines collapsed to one, leading and trailing blank lines removed;
//! - the text ends with exactly one newline (empty text stays empty).
//!
//! Counts lines trimmed and blank-line runs collapsed.

use crate::chars::trim;
use crate::page::Page;

pub fn apply(page: &mut Page) -> u64 {
    let (out, n) = tidy(&page.text);
    page.text = out;
    n
}

pub fn tidy(text: &str) -> (String, u64) {
    let mut changes = 0u64;
    let mut out = String::with_capacity(text.len() + 1);
    let mut blank_run = 0usize;
    let lines = crate::chars::split_lines(text);
    let last_text = lines.iter().rposition(|l| !trim(l).is_empty());
    for (i, line) in lines.iter().enumerate() {
        let dedented = line.trim_start_matches(is_indent);
        let trimmed = if Some(i) == last_text {
            dedented.trim_end()
        } else {
            trim_end(dedented)
        };
        if trimmed.len() != line.len() {
            changes += 1;
        }
        if trim(trimmed).is_empty() {
            blank_run += 1;
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
            if blank_run > 0 {
                out.push('\n');
            }
            if blank_run > 1 {
                changes += 1;
            }
        }
        blank_run = 0;
        out.push_str(trimmed);
    }
    if !out.is_empty() {
        out.push('\n');
    }
    (out, changes)
}

fn is_indent(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t' | '\u{a0}' | '\u{3000}' | '\u{2002}' | '\u{2003}'
    )
}

/// Trims trailing whitespace, keeping one ASCII space that follows ASCII text.
fn trim_end(line: &str) -> &str {
    let t = line.trim_end();
    let rest = &line[t.len()..];
    if rest.starts_with(' ') && t.chars().last().is_some_and(|c| c.is_ascii_graphic()) {
        &line[..t.len() + 1]
    } else {
        t
    }
}

#[cfg(test)]
mod tests {
    use super::tidy;
    use crate::testing::rewrites;

    #[test]
    fn table() {
        rewrites(
            |s| tidy(s).0,
            &[
                ("\n\n\n第一段\n\n\n\n第二段\n\n", "第一段\n\n第二段\n"),
                ("中文  \n下一行\u{3000}\n", "中文\n下一行\n"),
                ("the fact \nfrom", "the fact \nfrom\n"),
                ("the fact   \nfrom", "the fact \nfrom\n"),
                ("the end \n\n", "the end\n"),
                (
                    "\u{3000}\u{3000}段首缩进\n  indented",
                    "段首缩进\nindented\n",
                ),
                ("", ""),
                ("  \n \n", ""),
            ],
        );
    }

    #[test]
    fn tidy_text_counts_nothing() {
        for s in [
            "第一段\n\n第二段\n",
            "plain text\n",
            "a\tb\n",
            "the fact \nfrom\n",
        ] {
            assert_eq!(tidy(s), (s.to_string(), 0), "{s:?}");
        }
    }
}
