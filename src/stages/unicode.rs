//! Stage `unicode`: the final tidy-up.
//!
//! - NFC (also maps CJK compatibility ideographs to unified ones);
//! - zero-width characters, BOM, soft hyphen and C0/C1 control characters removed (tab kept);
//! - line ends normalised to LF (`\r\n`, lone `\r`, U+2028/2029);
//! - trailing whitespace trimmed, except one ASCII space after ASCII text on a line that has
//!   a next line: in English text that space separates the last word of the line from the
//!   first of the next (a line break made from a `</p>`), and dropping it would glue the words
//!   when lines are joined;
//! - runs of blank lines collapsed to one, leading and trailing blank lines removed, and the
//!   text ends with exactly one newline (empty text stays empty).
//!
//! Counts characters removed or replaced, plus collapsed blank-line runs.

use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

use crate::pipeline::{Ctx, Page};

pub fn apply(page: &mut Page, _ctx: &Ctx) -> u64 {
    let (out, n) = tidy(&page.text);
    page.text = out;
    n
}

/// Characters that carry nothing visible and are dropped.
fn invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}'
    ) || (c.is_control() && c != '\n' && c != '\t' && c != '\r')
}

pub fn tidy(text: &str) -> (String, u64) {
    let mut changes = 0u64;
    let nfc: std::borrow::Cow<str> = if is_nfc_quick(text.chars()) == IsNormalized::Yes {
        text.into()
    } else {
        let s: String = text.nfc().collect();
        if s != text {
            changes += 1;
        }
        s.into()
    };
    // Unify line ends and drop invisibles in one pass.
    let mut flat = String::with_capacity(nfc.len());
    let mut chars = nfc.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                flat.push('\n');
                changes += 1;
            }
            '\u{2028}' | '\u{2029}' => {
                flat.push('\n');
                changes += 1;
            }
            c if invisible(c) => changes += 1,
            c => flat.push(c),
        }
    }
    let mut out = String::with_capacity(flat.len() + 1);
    let mut blank_run = 0usize;
    let lines: Vec<&str> = flat.split('\n').collect();
    let last_text = lines.iter().rposition(|l| !l.trim().is_empty());
    for (i, line) in lines.iter().enumerate() {
        let trimmed = if Some(i) == last_text {
            line.trim_end()
        } else {
            trim_end(line)
        };
        if trimmed.len() != line.len() {
            changes += 1;
        }
        if trimmed.trim().is_empty() {
            if !trimmed.is_empty() {
                changes += 1;
            }
            blank_run += 1;
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
            if blank_run > 0 {
                out.push('\n');
            }
        }
        if blank_run > 1 && !out.is_empty() {
            changes += 1;
        }
        blank_run = 0;
        out.push_str(trimmed);
    }
    if !out.is_empty() {
        out.push('\n');
    }
    (out, changes)
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

    #[test]
    fn table() {
        for (raw, want) in [
            ("a\r\nb\rc", "a\nb\nc\n"),
            ("正文\u{200B}内容\u{FEFF}", "正文内容\n"),
            ("\n\n\n第一段\n\n\n\n第二段\n\n", "第一段\n\n第二段\n"),
            ("中文  \n下一行\u{3000}\n", "中文\n下一行\n"),
            ("the fact \nfrom", "the fact \nfrom\n"),
            ("the fact   \nfrom", "the fact \nfrom\n"),
            ("the end \n\n", "the end\n"),
            ("\u{F900}", "豈\n"),
            ("", ""),
            ("  \n \n", ""),
        ] {
            assert_eq!(tidy(raw).0, want, "{raw:?}");
        }
    }

    #[test]
    fn clean_text_counts_nothing() {
        for s in ["第一段\n\n第二段\n", "plain text\n", "a\tb\n"] {
            assert_eq!(tidy(s), (s.to_string(), 0), "{s:?}");
        }
    }
}
