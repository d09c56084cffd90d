//! Stage `markup`: leaked HTML.
//!
//! - Tags: only known HTML tag names count, and only on a page that shows at least two of
//!   them, one a closing tag or a line-break tag (`</p>`, `<br>`): a lone `<b>` in a formula
//!   or `a<b and c>d` is text. Block tags (`p`, `div`, `br`, `li`, `tr`, `h1`…) become a line
//!   break, a run of them one line break; inline tags (`b`, `span`, `a`, `font`…) vanish.
//! - Entities (`&gt;` `&nbsp;` `&#21512;` `&#x4E2D;`) are decoded, named ones from a short
//!   list of those seen in pages. Decoding and tag removal repeat until nothing changes, so
//!   double-escaped text (`&amp;lt;p&amp;gt;`) comes out clean and a second run finds nothing.
//! - Paragraph indents (spaces, NBSP, U+3000 at the start of a line) go in the `layout`
//!   stage, last, so that no stage in between can leave a line indented.
//!
//! Counts tags removed and entities decoded.

use std::sync::OnceLock;

use regex::Regex;

use crate::chars::{trim, ByteSet};
use crate::page::Page;
use crate::tags;

/// The tag pattern, anchored at the start of the text it is given.
const TAG: &str = r#"(?i)\A<(/?)([a-z][a-z0-9]*)((?:\s+[a-z_:][-a-z0-9_:.]*(?:\s*=\s*(?:"[^"<>]*"|'[^'<>]*'|[^\s"'<>=`]+))?)*)\s*/?>"#;

fn tag_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(TAG).expect("tag pattern"))
}

/// The byte length of the tag that starts at `text`'s first byte (a `<`), if one does: what
/// [`TAG`] matches there. Pages with leaked HTML have a hundred tags or more, nearly all bare
/// (`<p>`, `</span>`, `<br/>`), so those are read by hand; the rest go to the pattern.
fn tag_len(text: &str) -> Option<usize> {
    let b = text.as_bytes();
    let mut k = 1 + usize::from(b.get(1) == Some(&b'/'));
    if b.get(k).is_some_and(u8::is_ascii_alphabetic) {
        k += 1;
        while b.get(k).is_some_and(u8::is_ascii_alphanumeric) {
            k += 1;
        }
        // A bare name closed at once: no other reading of these bytes can match.
        match (b.get(k), b.get(k + 1)) {
            (Some(b'>'), _) => return Some(k + 1),
            (Some(b'/'), Some(b'>')) => return Some(k + 2),
            _ => {}
        }
    }
    tag_re().find(text).map(|m| m.end())
}

/// Every match of the tag pattern in `text`, in order (what `find_iter` with the unanchored
/// pattern gives): a match holds no `<` but its first byte, so each starts at a `<` of the
/// text and none starts inside another.
fn tags(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut from = 0;
    static LT: ByteSet<1, 0> = ByteSet {
        bytes: [b'<'],
        ranges: [],
        outside: false,
    };
    LT.positions(text).filter_map(move |at| {
        if at < from {
            return None;
        }
        let end = at + tag_len(&text[at..])?;
        from = end;
        Some((at, end))
    })
}

fn entity_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});").expect("entity pattern")
    })
}

pub fn apply(page: &mut Page) -> u64 {
    let mut count = 0;
    // Each round can only shrink the text, so this ends; four rounds cover triple escaping.
    for _ in 0..4 {
        let before = count;
        if page.text.contains('<') {
            count += strip_tags(&mut page.text);
        }
        if page.text.contains('&') {
            count += decode_entities(&mut page.text);
        }
        if count == before {
            break;
        }
    }
    count
}

fn known(name: &str) -> Option<bool> {
    // Every known name is short ASCII: compare it lowercased, once.
    let mut lower = [0u8; 10];
    let bytes = lower.get_mut(..name.len())?;
    bytes.copy_from_slice(name.as_bytes());
    bytes.make_ascii_lowercase();
    let name = std::str::from_utf8(bytes).ok()?;
    tags::kind(name).map(|k| k == tags::Kind::Block)
}

fn strip_tags(text: &mut String) -> u64 {
    // The pattern matched the whole tag; its name is read off the match by hand, which costs
    // far less than asking the regex for capture groups on every tag.
    let mut evidence = false;
    let tags: Vec<(usize, usize, bool)> = tags(text)
        .filter_map(|(start, end)| {
            let inner = &text[start + 1..end];
            let closing = inner.starts_with('/');
            let inner = inner.strip_prefix('/').unwrap_or(inner);
            // The name ends where the pattern's name class does: at a space, `/` or `>`
            // (case folding lets the class hold a few non-ASCII letters, such as U+212A).
            let name_len: usize = inner
                .chars()
                .take_while(|c| c.is_alphanumeric())
                .map(char::len_utf8)
                .sum();
            let name = &inner[..name_len];
            let block = known(name)?;
            evidence |= closing || name.eq_ignore_ascii_case("br");
            Some((start, end, block))
        })
        .collect();
    if tags.len() < 2 || !evidence {
        return 0;
    }
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    let mut pending_break = false;
    for &(start, end, block) in &tags {
        let between = &text[last..start];
        if !trim(between).is_empty() {
            if pending_break {
                out.push('\n');
                pending_break = false;
            }
            out.push_str(between);
        } else if !pending_break {
            out.push_str(between);
        }
        if block && !out.is_empty() && !out.ends_with('\n') {
            pending_break = true;
        }
        last = end;
    }
    let tail = &text[last..];
    if pending_break && !trim(tail).is_empty() {
        out.push('\n');
    }
    out.push_str(tail);
    *text = out;
    tags.len() as u64
}

fn decode_entities(text: &mut String) -> u64 {
    let re = entity_re();
    let mut count = 0;
    let out = re.replace_all(text, |c: &regex::Captures| {
        let body = &c[1];
        let decoded = if let Some(hex) = body.strip_prefix("#x").or_else(|| body.strip_prefix("#X"))
        {
            u32::from_str_radix(hex, 16).ok().and_then(char::from_u32)
        } else if let Some(dec) = body.strip_prefix('#') {
            dec.parse().ok().and_then(char::from_u32)
        } else {
            named(body)
        };
        match decoded.filter(|c| *c != '\0') {
            Some(ch) => {
                count += 1;
                ch.to_string()
            }
            None => c[0].to_string(),
        }
    });
    if count > 0 {
        *text = out.into_owned();
    }
    count
}

fn named(name: &str) -> Option<char> {
    Some(match name {
        "nbsp" => '\u{a0}',
        "lt" => '<',
        "gt" => '>',
        "amp" => '&',
        "quot" => '"',
        "apos" => '\'',
        "ldquo" => '“',
        "rdquo" => '”',
        "lsquo" => '‘',
        "rsquo" => '’',
        "mdash" => '—',
        "ndash" => '–',
        "hellip" => '…',
        "middot" => '·',
        "times" => '×',
        "divide" => '÷',
        "deg" => '°',
        "plusmn" => '±',
        "copy" => '©',
        "reg" => '®',
        "emsp" => '\u{2003}',
        "ensp" => '\u{2002}',
        "thinsp" => '\u{2009}',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{keeps, rewrites};

    fn run(s: &str) -> String {
        let mut page = Page {
            text: s.to_string(),
            ..Page::default()
        };
        apply(&mut page);
        page.text
    }

    #[test]
    fn leaked_html_becomes_lines() {
        rewrites(
            |s| run(s).to_string(),
            &[
            (
                "<p><b>  外文翻譯</b></p><p><b>  原文1</b></p><p>  Matching Models</p><p>  Matching buyers",
                "  外文翻譯\n  原文1\n  Matching Models\n  Matching buyers",
            ),
            ("the fact </p><p>  from a", "the fact \n  from a"),
            ("a<br>b<br/>c", "a\nb\nc"),
            ("<span style=\"x\">紅</span>色", "紅色"),
            ("&amp;lt;p&amp;gt;文字&lt;/p&gt;", "文字"),
            ("x &gt; y &#21512; &#x4E2D;", "x > y 合 中"),
            ],
        );
    }

    #[test]
    fn text_that_only_looks_like_html_stays() {
        keeps(
            |s| run(s).to_string(),
            &[
                "a<b and c>d",
                "if x<p then",
                "AT&T",
                "&unknown;",
                "i<n>",
                "<b>x",
            ],
        );
    }

    proptest::proptest! {
        /// The tags found from each `<` are the matches of the unanchored pattern.
        #[test]
        fn tags_are_the_pattern_matches(
            text in "(<|>|/|/>| |\t|p|P|br|span|a|K|\u{212A}|ſ|1|=|\"|'|x|-|:|文|`){0,30}"
        ) {
            let unanchored = Regex::new(&TAG.replace(r"\A", "")).unwrap();
            let want: Vec<(usize, usize)> =
                unanchored.find_iter(&text).map(|m| (m.start(), m.end())).collect();
            proptest::prop_assert_eq!(tags(&text).collect::<Vec<_>>(), want);
        }
    }

    #[test]
    fn second_run_changes_nothing() {
        let once = run("&lt;p&gt;&lt;/p&gt;<p>x</p>&amp;amp;");
        assert_eq!(run(&once), once);
    }
}
