//! The key of a line that template rules match ([`rule_key`]): tags, annotations and
//! traditional characters off, punctuation widths and spaces unified, so one rule matches every
//! spelling mirrors use. Learning keys lines the same way before folding them further
//! ([`crate::learn::keys`]).

use std::borrow::Cow;

use regex::Regex;

use crate::chars::halfwidth;
use crate::converter::Converter;
use crate::stages::ruby;

/// The form of a line that rules match: annotations stripped, converted to simplified,
/// full-width punctuation as ASCII, whitespace kept only as one space between two ASCII
/// letters or digits (`Unit 1 Cinderella`), trimmed.
pub fn rule_key(line: &str, converter: &Converter) -> String {
    // Tags around a template line (`<p><b>文檔簡介</b>`) do not make it body text.
    let untagged = strip_tags(line);
    let stripped = ruby::strip(&untagged).0;
    let converted = converter.convert(&stripped);
    let mut key = String::with_capacity(converted.len());
    let mut space = false;
    for c in converted.chars() {
        let c = match halfwidth(c) {
            '\u{3000}' | '\u{a0}' => ' ',
            c => c,
        };
        if c.is_whitespace() {
            space = !key.is_empty();
            continue;
        }
        if space && c.is_ascii_alphanumeric() && key.ends_with(|p: char| p.is_ascii_alphanumeric())
        {
            key.push(' ');
        }
        space = false;
        key.push(c);
    }
    key
}

/// A dropped tag: `<`, an optional `/`, a name a key drops ([`crate::tags::dropped_in_keys`],
/// formatting tags only: `<img alt=…>` and `<image>` lines carry the title) in any case,
/// attributes after whitespace, an optional `/`, `>`.
pub(super) fn tag_re() -> &'static Regex {
    static RE: std::sync::OnceLock<Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| {
        let names = crate::tags::dropped_in_keys().collect::<Vec<_>>().join("|");
        Regex::new(&format!(r"(?i)</?(?:{names})(?:\s[^<>]*)?/?>")).expect("tag pattern")
    })
}

/// Whether `span`, a `<` … `>` of a line, is a tag that key making drops. Its tags hold no
/// other `<` or `>`, so a span without them matches the tag pattern only as a whole.
pub(super) fn is_dropped_tag(span: &str) -> bool {
    let inner = &span[1..span.len() - 1];
    if memchr::memchr2(b'<', b'>', inner.as_bytes()).is_some() {
        return false;
    }
    // The pattern, spelled out: the name runs up to whitespace (the ASCII whitespace `\s`
    // holds) or `/`, and is followed by nothing, `/`, or whitespace and attributes.
    let inner = inner.strip_prefix('/').unwrap_or(inner);
    let name_len = inner
        .bytes()
        .position(|b| {
            matches!(
                b,
                b'/' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r' | b' ' | 0x80..
            )
        })
        .unwrap_or(inner.len());
    let (name, rest) = inner.split_at(name_len);
    if rest.bytes().next().is_some_and(|b| b >= 0x80) {
        // A non-ASCII character in the name or right after it: Unicode whitespace ends a name,
        // and case folding matches a few non-ASCII letters to ASCII names (`ſ` to `s`).
        return tag_re().is_match(span);
    }
    crate::tags::dropped_in_keys().any(|t| t.eq_ignore_ascii_case(name))
        && (rest.is_empty() || rest == "/" || rest.starts_with(char::is_whitespace))
}

/// `line` without its dropped tags, as `tag_re().replace_all(line, "")` has it: a dropped tag
/// is a `<` … `>` span with no other `<` in it, so each `<` is looked at once.
pub(super) fn strip_tags(line: &str) -> Cow<'_, str> {
    let bytes = line.as_bytes();
    let mut out = String::new();
    let mut last = 0;
    let mut at = 0;
    while let Some(lt) = memchr::memchr(b'<', &bytes[at..]).map(|p| at + p) {
        match memchr::memchr2(b'<', b'>', &bytes[lt + 1..]).map(|p| lt + 1 + p) {
            Some(gt) if bytes[gt] == b'>' => {
                if is_dropped_tag(&line[lt..=gt]) {
                    out.push_str(&line[last..lt]);
                    last = gt + 1;
                }
                at = gt + 1;
            }
            // Another `<` before any `>`: this one opens no tag.
            Some(next) => at = next,
            None => break,
        }
    }
    if last == 0 {
        return Cow::Borrowed(line);
    }
    out.push_str(&line[last..]);
    Cow::Owned(out)
}
