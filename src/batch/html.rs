//! HTML inputs in the batch layer: which inputs are HTML, and cleaning or learning from one.
//!
//! The text work is the library's ([`zhclean::extract`]): its main text is extracted, then
//! cleaned by the same [`Cleaner`] as a text page. This module only routes: files, JSONL
//! records and stdin each ask [`is_html`] and then go through [`clean`] and [`page_lines`].
//! `--explain` on an HTML file shows the extraction as its first step ([`explain`]).
//!
//! The rule (`--input-format auto`, the default): a file named `.html`, `.htm`, `.xhtml` or
//! `.shtml`, or any input (file, record, stdin) whose text starts as an HTML document
//! ([`zhclean::extract::looks_like_html`]). `--input-format html` and `text` force either
//! reading.

use std::fmt::Write as _;
use std::io::{self, Write};
use std::path::Path;

use zhclean::extract::{self, Format};
use zhclean::stages::boilerplate::PageLines;
use zhclean::{Cleaned, Cleaner};

use super::{decode, BatchError, Outcome};

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

/// `--explain FILE`: for an HTML file, the extraction (the main text as the stages receive
/// it) and then every stage's changes as for a text page; any other file goes to
/// [`super::explain::run`].
pub fn explain(cleaner: &Cleaner, path: &Path, format: Format) -> anyhow::Result<Outcome> {
    let name = path
        .file_name()
        .map(|n| n.as_encoded_bytes())
        .unwrap_or_default();
    if super::jsonl::shard_compression(name).is_some() {
        return super::explain::run(cleaner, path);
    }
    let bytes = std::fs::read(path).map_err(BatchError::io("cannot read", path))?;
    if !is_html(format, Some(path), &bytes) {
        return super::explain::run(cleaner, path);
    }
    let decoded = decode::decode_html(&bytes)
        .map_err(|b| BatchError::Usage(format!("{}: {}", path.display(), b.0)))?;
    let extracted = extract::extract(&decoded.text);
    let mut steps = cleaner.explain(&extracted.text);
    // The stages saw placeholders for the verbatim spans; show the spans.
    for step in &mut steps {
        step.before = extracted.protected.restore(&step.before);
        step.after = extracted.protected.restore(&step.after);
    }
    let plain = extracted.plain();
    let mut text = format!(
        "zhclean --explain {} (HTML, encoding {}, {} undecodable byte sequences)\n",
        path.display(),
        decoded.encoding,
        decoded.undecodable
    );
    let _ = writeln!(
        text,
        "\n== extract: {} bytes of HTML -> {} lines of main text ({} verbatim spans) ==",
        decoded.text.len(),
        plain.lines().count(),
        extracted.protected.len()
    );
    for w in &extracted.warnings {
        let _ = writeln!(text, "  warning: {w}");
    }
    for line in plain.lines() {
        let _ = writeln!(text, "+ {line}");
    }
    text.push_str(&super::explain::render(&steps, cleaner));
    let notes = extracted.clean(cleaner).report.notes;
    if !notes.is_empty() {
        text.push_str("\nnotes:\n");
        for n in notes {
            let _ = writeln!(text, "  {n}");
        }
    }
    io::stdout()
        .lock()
        .write_all(text.as_bytes())
        .map_err(BatchError::io("cannot write", Path::new("stdout")))?;
    Ok(Outcome::default())
}
