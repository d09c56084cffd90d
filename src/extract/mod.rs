//! HTML inputs: parse a whole saved page with an HTML5 parser and keep its main text, which
//! then goes through the cleaning pipeline like a text page.
//!
//! The journey of an HTML page:
//!
//! 1. [`charset`]: the encoding it declares (BOM, `<meta>` prescan); the batch layer decodes.
//! 2. [`dom`]: html5ever parses it as browsers do (entities decoded, unclosed tags closed,
//!    misnested ones repaired) into a small arena tree, with bounds on what hostile markup can
//!    cost.
//! 3. [`score`]: readability-style scoring picks the content root; chrome (navigation, menus,
//!    link-dense blocks, comment boxes, ...) is recognised.
//! 4. [`render`]: the main text as lines, title first; `pre` and code are handed on as
//!    placeholders ([`protect`]) so that no cleaning stage changes them.
//! 5. [`Extracted::clean`]: the normal [`Cleaner`] runs on that text (learned boilerplate, the
//!    damage repairs, conversion, punctuation, ...), then the placeholders are restored.
//!
//! Everything here is pure: text in, text out, no I/O.
//!
//! Which inputs are HTML ([`Format::Auto`]): a file named `.html`, `.htm`, `.xhtml` or
//! `.shtml`, or text that starts as an HTML document ([`looks_like_html`]).

pub mod charset;
pub mod dom;
pub mod protect;
pub mod render;
pub mod score;

use crate::learn::PageLines;
use crate::pipeline::{Cleaned, Cleaner};
use dom::{Dom, Kind};

/// How an input is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// HTML when the file name or the text says so ([`Format::is_html`]).
    #[default]
    Auto,
    /// Always a text page.
    Text,
    /// Always an HTML document.
    Html,
}

impl Format {
    /// Whether an input named `name` (if it has a name) holding `head` (its first bytes, or
    /// all of it) is read as HTML.
    pub fn is_html(self, name: Option<&str>, head: &[u8]) -> bool {
        match self {
            Format::Text => false,
            Format::Html => true,
            Format::Auto => name.is_some_and(has_html_extension) || looks_like_html_bytes(head),
        }
    }
}

/// Whether a file name has an HTML extension (`.html`, `.htm`, `.xhtml`, `.shtml`, any case).
pub fn has_html_extension(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [".html", ".htm", ".xhtml", ".shtml"]
        .iter()
        .any(|ext| lower.ends_with(ext))
}

/// Whether a text starts as an HTML document: after whitespace, a BOM, an XML declaration
/// and comments (a browser's "save as" puts `<!-- saved from url=… -->` first), it opens with
/// `<!DOCTYPE html` or `<html` (any case). A page that merely contains tags does not count:
/// text pages with leaked markup are the `markup` stage's business.
pub fn looks_like_html(text: &str) -> bool {
    let mut rest = text.trim_start_matches('\u{FEFF}').trim_start();
    for _ in 0..16 {
        let lower = |s: &str, n: usize| s.get(..n).map(str::to_ascii_lowercase);
        if lower(rest, 14).as_deref() == Some("<!doctype html")
            || lower(rest, 5).as_deref() == Some("<html")
        {
            return true;
        }
        let skipped = if rest.starts_with("<?xml") {
            rest.find("?>").map(|e| e + 2)
        } else if let Some(comment) = rest.strip_prefix("<!--") {
            comment.find("-->").map(|e| e + 7)
        } else {
            None
        };
        match skipped {
            Some(n) => rest = rest[n..].trim_start(),
            None => return false,
        }
    }
    false
}

/// [`looks_like_html`] on the first bytes of a file, in its encoding as far as a BOM says
/// (UTF-16 pages have one; any other encoding reads the opening tags as ASCII).
pub fn looks_like_html_bytes(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    let enc = encoding_rs::Encoding::for_bom(head).map_or(encoding_rs::UTF_8, |(e, _)| e);
    let (text, _) = enc.decode_with_bom_removal(head);
    looks_like_html(&text)
}

/// The main text of an HTML page, ready for the cleaning pipeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extracted {
    /// The page's `<title>` (whitespace collapsed), if it has one.
    pub title: Option<String>,
    /// Title line, blank line, then the main text, one block per line; protected spans are
    /// placeholders (see [`protect`]). This is what the pipeline cleans.
    pub text: String,
    pub protected: protect::Protected,
    /// What the parse had to do to stay bounded (hostile markup).
    pub warnings: Vec<String>,
}

impl Extracted {
    /// The extracted text with the protected spans in place, before any cleaning.
    pub fn plain(&self) -> String {
        self.protected.restore(&self.text)
    }

    /// Cleans the extracted text with `cleaner` and restores the protected spans.
    pub fn clean(&self, cleaner: &Cleaner) -> Cleaned {
        let mut cleaned = cleaner.clean(&self.text);
        cleaned.text = self.protected.restore(&cleaned.text);
        cleaned
            .report
            .warnings
            .splice(0..0, self.warnings.iter().cloned());
        cleaned
    }

    /// What this page contributes to a batch's boilerplate learning (as
    /// [`Cleaner::page_lines`] for a text page).
    pub fn page_lines(&self, cleaner: &Cleaner) -> PageLines {
        cleaner.page_lines(&self.text)
    }
}

/// Extracts the main text of an HTML document.
pub fn extract(html: &str) -> Extracted {
    let dom = dom::parse(html);
    let scored = score::Scored::new(&dom);
    let title = title(&dom);
    let (text, protected) = render::render(&scored, title.as_deref());
    let mut warnings = Vec::new();
    if dom.dropped_tags > 0 {
        warnings.push(format!(
            "html: nesting deeper than {} elements flattened ({} start tags dropped)",
            dom::MAX_OPEN,
            dom.dropped_tags
        ));
    }
    if dom.truncated {
        warnings.push(format!(
            "html: parse stopped after {} nodes; the rest of the page is left out",
            dom::MAX_NODES
        ));
    }
    if protected.overflow > 0 {
        warnings.push(format!(
            "html: {} verbatim spans past the limit were cleaned as text",
            protected.overflow
        ));
    }
    Extracted {
        title,
        text,
        protected,
        warnings,
    }
}

/// The document's first `<title>` outside `svg`, whitespace collapsed.
fn title(dom: &Dom) -> Option<String> {
    let id = dom
        .descendants(Dom::ROOT)
        .find(|&id| dom.tag(id) == "title" && dom.node(id).name.ns == html5ever::ns!(html))?;
    let raw: String = dom
        .children(id)
        .filter_map(|c| match &dom.node(c).kind {
            Kind::Text(t) => Some(t.to_string()),
            _ => None,
        })
        .collect();
    let t = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    (!t.is_empty()).then_some(t)
}

#[cfg(test)]
mod tests;
