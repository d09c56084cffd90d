//! Line keys: the normalised form of a line that learning counts and the `boilerplate` stage
//! removes, which lines are a page's edges, and which keys are structural (never learned).

use std::sync::OnceLock;

use regex::Regex;

use crate::chars::halfwidth;
use crate::chars::trim;
use crate::converter::Converter;
use crate::stages::template;

/// Longest line key that is counted, in characters.
pub const MAX_KEY_CHARS: usize = 200;

/// The key both passes use: the line as the template stage keys it (annotations stripped,
/// converted, tags off) and then folded by [`line_key`]. Learning reads raw pages and the
/// stage sees cleaned ones; punctuation widths, spaces and digits are folded away, so both see
/// one key for one line.
pub fn learn_key(line: &str, converter: &Converter) -> Option<String> {
    // A line too long to be counted is not converted first: body paragraphs are most of a
    // page, and learning must stay a fraction of cleaning. (Annotations make a raw line up
    // to about five times longer in bytes than its key.)
    if line.len() > MAX_KEY_CHARS * 6 {
        return None;
    }
    line_key(&template::rule_key(line, converter))
}

/// [`learn_key`], or `None` when that key is [structural](is_structural): the key of a line
/// that learning may count and this stage may remove.
pub fn learnable_key(line: &str, converter: &Converter) -> Option<String> {
    learn_key(line, converter).filter(|k| !is_structural(k))
}

/// [`learnable_key`], remembered per thread for the cleaner `owner` (its `Ctx::id`: another
/// cleaner may convert differently). A site's template lines recur verbatim on every page, and
/// their keys (a tag pass, annotation stripping, a conversion and the structural pattern
/// each) are asked for twice per page: by learning and by this stage. A key depends on the
/// line alone, so remembering changes no result; the memory is bounded.
pub fn remembered_key(owner: u64, line: &str, converter: &Converter) -> Option<String> {
    with_remembered_key(owner, line, converter, |k| k.map(str::to_owned))
}

/// [`remembered_key`] without a copy: `f` sees the key.
pub fn with_remembered_key<R>(
    owner: u64,
    line: &str,
    converter: &Converter,
    f: impl FnOnce(Option<&str>) -> R,
) -> R {
    type Memo = (u64, rustc_hash::FxHashMap<Box<str>, Option<String>>);
    thread_local! {
        static KEYS: std::cell::RefCell<Memo> = Default::default();
    }
    const MAX_REMEMBERED: usize = 1 << 14;
    KEYS.with(|keys| {
        let mut keys = keys.borrow_mut();
        if keys.0 != owner {
            *keys = (owner, Default::default());
        }
        if let Some(key) = keys.1.get(line) {
            return f(key.as_deref());
        }
        let key = learnable_key(line, converter);
        let r = f(key.as_deref());
        if keys.1.len() >= MAX_REMEMBERED {
            keys.1.clear();
        }
        keys.1.insert(line.into(), key);
        r
    })
}

/// The normalised form of a line that learning counts; `None` for lines never learned
/// (blank, too long, or without a letter or Han character).
pub fn line_key(line: &str) -> Option<String> {
    let mut key = String::with_capacity(line.len());
    let mut in_digits = false;
    let mut meaningful = false;
    let mut n = 0usize;
    for c in line.chars() {
        if c.is_whitespace() {
            continue;
        }
        n += 1;
        if n > MAX_KEY_CHARS {
            return None;
        }
        // Punctuation widths fold (the punct stage widens what learning saw narrow).
        let c = match halfwidth(c) {
            '。' => '.',
            c => c.to_ascii_lowercase(),
        };
        if c.is_ascii_digit() {
            if !in_digits {
                key.push('0');
            }
            in_digits = true;
            continue;
        }
        in_digits = false;
        // One letter is enough (the test is a table search for most characters).
        meaningful = meaningful || c.is_alphabetic();
        key.push(c);
    }
    (meaningful && key.chars().count() >= 2).then_some(key)
}

/// How many non-blank lines at each end of a page count as its edges.
pub const EDGE_LINES: usize = 8;

/// Which lines are at the page's edges: the first and last [`EDGE_LINES`] non-blank lines. A
/// site's template sits around the document (header, footer, disclaimer); a line that recurs
/// in the middle of many documents is their publisher's own text (`显示此帮助信息并退出` in
/// every manual page), so only edge lines are counted and removed.
pub fn edge_lines(lines: &[&str]) -> Vec<bool> {
    let nonblank: Vec<usize> = (0..lines.len())
        .filter(|&i| !trim(lines[i]).is_empty())
        .collect();
    let mut edge = vec![false; lines.len()];
    for &i in nonblank
        .iter()
        .take(EDGE_LINES)
        .chain(nonblank.iter().rev().take(EDGE_LINES))
    {
        edge[i] = true;
    }
    edge
}

/// Keys shorter than this (in characters) are never learned on frequency alone: headings a
/// publisher repeats in every document (`相关主题`, `语法：`, `示例`, `描述`) look exactly like a
/// short template line, and a batch from one publisher has hundreds of each. The short lines of
/// the known templates (`文档简介`, `评论`) are the site rules' business.
pub const MIN_KEY_CHARS: usize = 6;

/// Structural lines that many real documents share and that are not boilerplate: short
/// lines, table-of-contents words, chapter and list headings (`data/structural.txt`).
pub fn is_structural(key: &str) -> bool {
    if key.chars().count() < MIN_KEY_CHARS {
        return true;
    }
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        let patterns: Vec<&str> = include_str!("../../data/structural.txt")
            .lines()
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect();
        Regex::new(&patterns.join("|")).expect("data/structural.txt: a pattern does not parse")
    })
    .is_match(key)
}

pub(crate) fn hash(s: &str) -> u64 {
    // FNV-1a: stable across runs and platforms, so saved lists and fingerprints agree.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.as_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn keys_fold_digits_spaces_and_widths() {
        assert_eq!(
            line_key("已阅读5页，还剩13页未读"),
            line_key("已阅读12页, 还剩 7 页未读")
        );
        assert_eq!(line_key("  "), None);
        assert_eq!(line_key("- 12 -"), None);
        assert_eq!(line_key(&"长".repeat(MAX_KEY_CHARS + 1)), None);
    }

    #[test]
    fn structural_lines_are_never_learned() {
        for s in [
            "目录",
            "参考文献",
            "摘要：",
            "一、",
            "一、总则",
            "第三章 机械振动",
            "(1)概述",
            "1.2 背景",
        ] {
            assert!(is_structural(&line_key(s).unwrap()), "{s}");
        }
        for s in [
            "版权说明:本文档由用户提供并上传",
            "就爱阅读网友为您分享以下",
        ] {
            assert!(!is_structural(&line_key(s).unwrap()), "{s}");
        }
    }
}
