//! The encoding an HTML document declares: its byte-order mark, else the WHATWG "prescan"
//! of its first 1024 bytes for `<meta charset=…>` or `<meta http-equiv="Content-Type"
//! content="…; charset=…">`, as browsers read it before parsing.
//!
//! Only the declaration is read here; when there is none the caller detects the encoding
//! from the bytes (the batch layer's `decode`, chardetng). The caller also decides whether to
//! trust a declaration the bytes contradict (pages re-encoded by whatever saved them keep
//! their old `<meta>`).
//!
//! The prescan follows the HTML standard's "prescan a byte stream to determine its encoding"
//! (comments and other tags skipped, attributes read with their quoting, `http-equiv` needed
//! for `content`), with its fix-ups: a declared UTF-16 means UTF-8 (a page that could be read
//! as ASCII to find its `<meta>` is not UTF-16), and `x-user-defined` means windows-1252.

use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};

/// How far the prescan looks.
const PRESCAN_BYTES: usize = 1024;

/// Where a declared encoding came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// A byte-order mark (it decides, and is not part of the text).
    Bom,
    /// A `<meta>` in the first 1024 bytes.
    Meta,
}

/// A declared encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Declared {
    pub encoding: &'static Encoding,
    pub source: Source,
    /// Length of the byte-order mark to skip (0 for a `<meta>`).
    pub bom_len: usize,
}

/// The encoding `bytes` declare, if any.
pub fn declared(bytes: &[u8]) -> Option<Declared> {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        return Some(Declared {
            encoding,
            source: Source::Bom,
            bom_len,
        });
    }
    prescan(&bytes[..bytes.len().min(PRESCAN_BYTES)]).map(|encoding| Declared {
        encoding,
        source: Source::Meta,
        bom_len: 0,
    })
}

fn is_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ')
}

/// The standard's fix-ups of a `<meta>` encoding.
fn fix_up(e: &'static Encoding) -> &'static Encoding {
    if e == encoding_rs::UTF_16BE || e == encoding_rs::UTF_16LE {
        UTF_8
    } else if e == encoding_rs::X_USER_DEFINED {
        WINDOWS_1252
    } else {
        e
    }
}

/// The prescan over `b` (already cut to 1024 bytes).
fn prescan(b: &[u8]) -> Option<&'static Encoding> {
    let mut i = 0;
    while i < b.len() {
        if b[i..].starts_with(b"<!--") {
            // Past the `-->` (which may share its dashes with the `<!--`).
            i = find(b, i + 2, b"-->").map_or(b.len(), |e| e + 3);
            continue;
        }
        if b[i..].len() >= 6
            && b[i..i + 5].eq_ignore_ascii_case(b"<meta")
            && (is_space(b[i + 5]) || b[i + 5] == b'/')
        {
            let (found, next) = meta(b, i + 6);
            if found.is_some() {
                return found;
            }
            i = next;
            continue;
        }
        if b[i] == b'<'
            && (b.get(i + 1).is_some_and(u8::is_ascii_alphabetic)
                || (b.get(i + 1) == Some(&b'/')
                    && b.get(i + 2).is_some_and(u8::is_ascii_alphabetic)))
        {
            // Another tag: skip its name, then its attributes.
            let mut j = i + 1;
            while j < b.len() && !is_space(b[j]) && b[j] != b'>' {
                j += 1;
            }
            while let Some((_, _, next)) = attribute(b, j) {
                j = next;
            }
            i = j + 1;
            continue;
        }
        if b[i..].starts_with(b"<!") || b[i..].starts_with(b"</") || b[i..].starts_with(b"<?") {
            i = find(b, i + 2, b">").map_or(b.len(), |e| e + 1);
            continue;
        }
        i += 1;
    }
    None
}

fn find(b: &[u8], from: usize, what: &[u8]) -> Option<usize> {
    b.get(from..)?
        .windows(what.len())
        .position(|w| w == what)
        .map(|p| p + from)
}

/// The attributes of a `<meta>` starting at `i`: (its encoding if it declares one, where
/// scanning goes on).
fn meta(b: &[u8], mut i: usize) -> (Option<&'static Encoding>, usize) {
    let mut seen: Vec<Vec<u8>> = Vec::new();
    let mut got_pragma = false;
    let mut need_pragma: Option<bool> = None;
    let mut charset: Option<&'static Encoding> = None;
    while let Some((name, value, next)) = attribute(b, i) {
        i = next;
        if seen.contains(&name) {
            continue;
        }
        match name.as_slice() {
            b"http-equiv" => got_pragma |= value.eq_ignore_ascii_case(b"content-type"),
            b"content" if charset.is_none() => {
                if let Some(e) = charset_in_content(&value) {
                    charset = Some(e);
                    need_pragma = Some(true);
                }
            }
            b"charset" => {
                charset = Encoding::for_label(trim(&value));
                need_pragma = Some(false);
            }
            _ => {}
        }
        seen.push(name);
    }
    let found = match need_pragma {
        None => None,
        Some(true) if !got_pragma => None,
        Some(_) => charset.map(fix_up),
    };
    (found, i)
}

fn trim(v: &[u8]) -> &[u8] {
    let start = v.iter().position(|&c| !is_space(c)).unwrap_or(v.len());
    let end = v
        .iter()
        .rposition(|&c| !is_space(c))
        .map_or(start, |e| e + 1);
    &v[start..end]
}

/// The standard's "get an attribute" at `i`: (lowercased name, value, position after it), or
/// `None` at the tag's end.
fn attribute(b: &[u8], mut i: usize) -> Option<(Vec<u8>, Vec<u8>, usize)> {
    while i < b.len() && (is_space(b[i]) || b[i] == b'/') {
        i += 1;
    }
    if i >= b.len() || b[i] == b'>' {
        return None;
    }
    let mut name = Vec::new();
    loop {
        let &c = b.get(i)?;
        if c == b'=' && !name.is_empty() {
            i += 1;
            break;
        }
        if is_space(c) {
            while i < b.len() && is_space(b[i]) {
                i += 1;
            }
            if b.get(i) != Some(&b'=') {
                return Some((name, Vec::new(), i));
            }
            i += 1;
            break;
        }
        if c == b'/' || c == b'>' {
            return Some((name, Vec::new(), i));
        }
        name.push(c.to_ascii_lowercase());
        i += 1;
    }
    while i < b.len() && is_space(b[i]) {
        i += 1;
    }
    let mut value = Vec::new();
    match *b.get(i)? {
        q @ (b'"' | b'\'') => {
            i += 1;
            while let Some(&c) = b.get(i) {
                i += 1;
                if c == q {
                    return Some((name, value, i));
                }
                value.push(c.to_ascii_lowercase());
            }
            None
        }
        b'>' => Some((name, value, i)),
        _ => {
            while let Some(&c) = b.get(i) {
                if is_space(c) || c == b'>' {
                    break;
                }
                value.push(c.to_ascii_lowercase());
                i += 1;
            }
            Some((name, value, i))
        }
    }
}

/// The standard's "extract a character encoding from a meta element" for a `content` value
/// (`text/html; charset=gb2312`).
fn charset_in_content(v: &[u8]) -> Option<&'static Encoding> {
    let mut i = 0;
    loop {
        let at = find(v, i, b"charset")?;
        let mut j = at + 7;
        while j < v.len() && is_space(v[j]) {
            j += 1;
        }
        if v.get(j) != Some(&b'=') {
            i = at + 7;
            continue;
        }
        j += 1;
        while j < v.len() && is_space(v[j]) {
            j += 1;
        }
        let value = match v.get(j)? {
            &q @ (b'"' | b'\'') => {
                let end = v[j + 1..].iter().position(|&c| c == q)?;
                &v[j + 1..j + 1 + end]
            }
            _ => {
                let end = v[j..]
                    .iter()
                    .position(|&c| is_space(c) || c == b';')
                    .map_or(v.len(), |e| j + e);
                &v[j..end]
            }
        };
        return Encoding::for_label(value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta_of(s: &str) -> Option<&'static str> {
        declared(s.as_bytes()).map(|d| d.encoding.name())
    }

    #[test]
    fn meta_charset_and_http_equiv() {
        assert_eq!(meta_of("<html><head><meta charset=gb2312>"), Some("GBK"));
        assert_eq!(meta_of("<meta charset='big5'/>"), Some("Big5"));
        assert_eq!(
            meta_of(r#"<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=GBK">"#),
            Some("GBK")
        );
        // `content` without the pragma does not count; the pragma may come after it.
        assert_eq!(meta_of(r#"<meta content="text/html; charset=gbk">"#), None);
        assert_eq!(
            meta_of(r#"<meta content="text/html;charset=gb18030" http-equiv=content-type>"#),
            Some("gb18030")
        );
        assert_eq!(meta_of("<meta charset=utf-16le>"), Some("UTF-8"));
    }

    #[test]
    fn comments_and_other_tags_are_skipped() {
        assert_eq!(
            meta_of("<!-- <meta charset=big5> --><meta charset=gbk>"),
            Some("GBK")
        );
        assert_eq!(
            meta_of(r#"<a title="<meta charset=big5>"><meta charset=gbk>"#),
            Some("GBK")
        );
        assert_eq!(meta_of("<?xml version='1.0' encoding='gbk'?><html>"), None);
    }

    #[test]
    fn only_the_first_1024_bytes_and_the_bom_decides() {
        let late = format!("<html>{}<meta charset=gbk>", " ".repeat(1100));
        assert_eq!(meta_of(&late), None);
        let mut bom = b"\xef\xbb\xbf".to_vec();
        bom.extend_from_slice(b"<meta charset=gbk>");
        let d = declared(&bom).unwrap();
        assert_eq!(
            (d.encoding.name(), d.source, d.bom_len),
            ("UTF-8", Source::Bom, 3)
        );
    }

    #[test]
    fn broken_markup_ends_cleanly() {
        for s in [
            "<meta",
            "<meta charset=",
            "<meta charset='gbk",
            "<!--",
            "<a b='",
            "<meta content=\"charset=\"",
        ] {
            let _ = meta_of(s);
        }
    }
}
