//! Verbatim spans through the cleaning stages: each is handed on as one private-use
//! character and put back after cleaning.
//!
//! The cleaning stages rewrite punctuation, spacing and markup-shaped text; `pre` blocks and
//! inline code must come out exactly as the page showed them. Rather than teach every stage
//! about regions, the extractor replaces each protected span by a placeholder that no stage
//! acts on, and [`Protected::restore`] puts the spans back in the cleaned text.
//!
//! A placeholder is one character of the supplementary private-use planes (U+F0000 and up),
//! span *n* being U+F0000 + *n*. No stage has a rule for these characters: they are not Han,
//! Latin, digits, punctuation, whitespace or invisible, and a line of them is not a
//! boilerplate key (it has no letter). `tests` below runs the whole default pipeline over
//! placeholders in every kind of context and checks they all come through in order: a stage
//! that starts touching them fails there.
//!
//! Characters of those planes already in the page are protected as spans of themselves, so
//! restoring never confuses them with placeholders. A page with more spans than there are
//! placeholders (131,068) has the rest handed on unprotected.

use std::fmt;

/// First placeholder.
const BASE: u32 = 0xF_0000;
/// Placeholders per plane (the last two code points of a plane are noncharacters).
const PER_PLANE: u32 = 0xFFFE;
/// Planes 15 and 16.
const CAPACITY: usize = 2 * PER_PLANE as usize;

/// The protected spans of one text.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Protected {
    spans: Vec<String>,
    /// Spans that found no placeholder and went unprotected.
    pub overflow: usize,
}

impl fmt::Debug for Protected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Protected")
            .field("spans", &self.spans.len())
            .field("overflow", &self.overflow)
            .finish()
    }
}

/// The placeholder of span `n`.
fn placeholder(n: usize) -> char {
    let n = n as u32;
    let cp = BASE + (n / PER_PLANE) * 0x1_0000 + n % PER_PLANE;
    char::from_u32(cp).expect("a private-use code point")
}

/// The span number a character stands for, if it is a placeholder.
fn index(c: char) -> Option<usize> {
    let cp = c as u32;
    if cp < BASE {
        return None;
    }
    let plane = (cp - BASE) >> 16;
    let low = cp & 0xFFFF;
    (low < PER_PLANE).then_some((plane * PER_PLANE + low) as usize)
}

/// Whether `c` lies where placeholders live (and so must be protected to pass through).
fn in_placeholder_planes(c: char) -> bool {
    c as u32 >= BASE
}

impl Protected {
    /// How many spans are protected.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Appends `span` to `text` as a placeholder (or as itself, when none is left).
    pub fn push_span(&mut self, text: &mut String, span: &str) {
        if self.spans.len() >= CAPACITY {
            self.overflow += 1;
            text.push_str(span);
            return;
        }
        text.push(placeholder(self.spans.len()));
        self.spans.push(span.to_string());
    }

    /// Appends an ordinary character, protecting it if it could pass for a placeholder.
    pub fn push_char(&mut self, text: &mut String, c: char) {
        if in_placeholder_planes(c) {
            self.push_span(text, c.encode_utf8(&mut [0; 4]));
        } else {
            text.push(c);
        }
    }

    /// `text` (cleaned) with every placeholder replaced by its span.
    pub fn restore(&self, text: &str) -> String {
        if self.spans.is_empty() {
            return text.to_string();
        }
        let mut out =
            String::with_capacity(text.len() + self.spans.iter().map(String::len).sum::<usize>());
        for c in text.chars() {
            match index(c).and_then(|i| self.spans.get(i)) {
                Some(span) => out.push_str(span),
                None => out.push(c),
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_round_trip_their_index() {
        for n in [
            0,
            1,
            PER_PLANE as usize - 1,
            PER_PLANE as usize,
            CAPACITY - 1,
        ] {
            assert_eq!(index(placeholder(n)), Some(n), "{n}");
        }
        assert_eq!(index('中'), None);
        assert_eq!(
            index('\u{FFFFF}'),
            None,
            "a noncharacter is not a placeholder"
        );
    }

    #[test]
    fn restore_puts_spans_back_and_keeps_private_use_text() {
        let mut p = Protected::default();
        let mut t = String::from("运行 ");
        p.push_span(&mut t, "ls -l, 然后");
        t.push_str(" 再 ");
        p.push_char(&mut t, '\u{F0001}');
        assert_eq!(p.restore(&t), "运行 ls -l, 然后 再 \u{F0001}");
    }

    /// The contract with the cleaning stages: placeholders in any context come through the
    /// whole default pipeline, in order.
    #[test]
    fn placeholders_survive_every_stage() {
        let cleaner = crate::Cleaner::new(crate::Config::default()).unwrap();
        let mut p = Protected::default();
        let mut text = String::from("測試標題\n\n");
        let contexts = [
            ("使用", "命令安裝軟件包。"),
            ("請運行 ", " ，然後重啓。"),
            ("", ""),
            ("(", ")"),
            ("經濟發達鎮", "行政管理體制改革"),
            ("1、", "第二段"),
            ("  ", "  "),
            ("\u{3000}", "，"),
            ("?", "?"),
            ("拼音(pīn)", "(yīn)"),
        ];
        for (i, (before, after)) in contexts.iter().enumerate() {
            text.push_str(before);
            p.push_span(&mut text, &format!("span{i}"));
            text.push_str(after);
            text.push('\n');
        }
        // A placeholder alone on several lines (pre blocks).
        for i in 0..3 {
            p.push_span(&mut text, &format!("block{i}"));
            text.push_str("\n\n");
        }
        let cleaned = cleaner.clean(&text).text;
        let kept: Vec<usize> = cleaned.chars().filter_map(index).collect();
        assert_eq!(kept, (0..p.len()).collect::<Vec<_>>(), "{cleaned:?}");
    }
}
