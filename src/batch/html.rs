//! HTML inputs in the batch layer: which inputs are HTML, and cleaning or learning from one.
//!
//! The text work is the library's ([`zhclean::extract`]): its main text is extracted, then
//! cleaned by the same [`Cleaner`] as a text page. This module only routes: files, JSONL
//! records and stdin each ask [`is_html`] and then go through [`clean`] and [`page_lines`].
//! `--explain` on an HTML file shows the extraction as its first step (`super::explain`).
//!
//! The rule (`--input-format auto`, the default): a file named `.html`, `.htm`, `.xhtml` or
//! `.shtml`, or any input (file, record, stdin) whose text starts as an HTML document
//! ([`zhclean::extract::looks_like_html`]). `--input-format html` and `text` force either
//! reading.

use std::path::Path;

use zhclean::extract::{self, Format};
use zhclean::learn::PageLines;
use zhclean::{Cleaned, Cleaner};

use super::decode;

/// Whether the input at `path` (if it is a file) holding `bytes` is read as HTML.
pub fn is_html(format: Format, path: Option<&Path>, bytes: &[u8]) -> bool {
    let name = path.and_then(Path::file_name).map(|n| n.to_string_lossy());
    format.is_html(name.as_deref(), bytes)
}

/// Cleans one page's text, extracting its main text first when it is HTML.
pub fn clean(cleaner: &Cleaner, text: &str, html: bool) -> Cleaned {
    if html {
        extract::extract(text).clean(cleaner)
    } else {
        cleaner.clean(text)
    }
}

/// What one page contributes to boilerplate learning (its main text's lines when HTML).
pub fn page_lines(cleaner: &Cleaner, text: &str, html: bool) -> PageLines {
    if html {
        extract::extract(text).page_lines(cleaner)
    } else {
        cleaner.page_lines(text)
    }
}

/// Decodes a file's bytes as HTML or as a text page.
pub fn decode(bytes: &[u8], html: bool) -> Result<decode::Decoded<'_>, decode::Binary> {
    if html {
        decode::decode_html(bytes)
    } else {
        decode::decode(bytes)
    }
}
