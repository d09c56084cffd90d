//! The main text as plain text: one line per heading, paragraph, list item and table row.
//!
//! - Whitespace collapses as a browser renders it (runs of spaces and line breaks become one
//!   space), except in `pre`, whose text is kept exactly.
//! - Block elements (`p`, `div`, `li`, `h1`…, `tr`, ...) start and end lines; `<br>` ends one.
//! - A data table gives one line per row with its cells separated by a tab. A table used for
//!   layout (a cell holding another table, a single column, or a cell of running text) is
//!   read as blocks instead.
//! - `pre` blocks and inline `code`, `kbd`, `samp`, `tt` go through the cleaning stages
//!   untouched: they are handed on as placeholders ([`super::protect`]). So are the text's own
//!   `<` and `&`, so that the `markup` stage, which removes tags leaking into text pages,
//!   never mistakes text that shows a tag (`&lt;div&gt;` in the page, `<div>` in its text) for
//!   one.
//! - Chrome inside the main text (see [`Scored::is_chrome`]) is left out.

use super::dom::{Id, Kind, NONE};
use super::protect::Protected;
use super::score::Scored;

/// Cells longer than this (in characters) make a table a layout table.
const MAX_CELL_CHARS: u32 = 600;

/// `h1` to `h6`.
pub(super) fn is_heading(tag: &str) -> bool {
    matches!(tag, "h1" | "h2" | "h3" | "h4" | "h5" | "h6")
}

/// Elements that start and end a line.
fn is_block(tag: &str) -> bool {
    is_heading(tag)
        || matches!(
            tag,
            "p" | "div"
                | "section"
                | "article"
                | "main"
                | "header"
                | "footer"
                | "aside"
                | "nav"
                | "ul"
                | "ol"
                | "li"
                | "dl"
                | "dt"
                | "dd"
                | "blockquote"
                | "figure"
                | "figcaption"
                | "table"
                | "thead"
                | "tbody"
                | "tfoot"
                | "tr"
                | "td"
                | "th"
                | "caption"
                | "hr"
                | "address"
                | "center"
                | "details"
                | "summary"
                | "form"
                | "fieldset"
                | "legend"
                | "body"
                | "html"
                | "pre"
                | "listing"
                | "xmp"
                | "plaintext"
        )
}

/// Inline elements whose text is code: kept exactly as rendered.
fn is_code(tag: &str) -> bool {
    matches!(tag, "code" | "kbd" | "samp" | "tt" | "var")
}

/// The text being written.
struct Out {
    text: String,
    protected: Protected,
    /// A collapsed space is owed before the next visible character of this line.
    space: bool,
    /// Inside a data table's cell: line breaks become spaces.
    in_cell: u32,
}

impl Out {
    fn line_empty(&self) -> bool {
        self.text.is_empty() || self.text.ends_with('\n')
    }

    fn line_break(&mut self) {
        if self.in_cell > 0 {
            self.space = true;
            return;
        }
        if !self.line_empty() {
            self.text.push('\n');
        }
        self.space = false;
    }

    fn owed_space(&mut self) {
        if self.space && !self.line_empty() && !self.text.ends_with('\t') {
            self.text.push(' ');
        }
        self.space = false;
    }

    /// Text with whitespace collapsed.
    fn flow(&mut self, s: &str) {
        for c in s.chars() {
            if c.is_ascii_whitespace() {
                self.space = true;
                continue;
            }
            self.owed_space();
            if c == '<' || c == '&' {
                self.protected
                    .push_span(&mut self.text, c.encode_utf8(&mut [0; 4]));
            } else {
                self.protected.push_char(&mut self.text, c);
            }
        }
    }

    /// Inline code: collapsed as rendered, then protected whole.
    fn code(&mut self, s: &str) {
        let collapsed = s.split_ascii_whitespace().collect::<Vec<_>>().join(" ");
        if s.starts_with(|c: char| c.is_ascii_whitespace()) {
            self.space = true;
        }
        if !collapsed.is_empty() {
            self.owed_space();
            self.protected.push_span(&mut self.text, &collapsed);
        }
        if s.ends_with(|c: char| c.is_ascii_whitespace()) {
            self.space = true;
        }
    }

    /// A `pre` block: its own line, exactly.
    fn pre(&mut self, s: &str) {
        let s = s.trim_end_matches(['\n', '\r']);
        if s.trim().is_empty() {
            return;
        }
        if self.in_cell > 0 {
            self.code(s);
            return;
        }
        self.line_break();
        self.protected.push_span(&mut self.text, s);
        self.line_break();
    }
}

/// Renders `title` (its own line, then a blank line) and the main text of `scored`. The
/// page's first heading usually repeats the title: a first line equal to it is left out.
pub fn render(scored: &Scored, title: Option<&str>) -> (String, Protected) {
    let mut out = Out {
        text: String::new(),
        protected: Protected::default(),
        space: false,
        in_cell: 0,
    };
    if let Some(t) = title {
        out.flow(t);
        out.text.push_str("\n\n");
    }
    let body_start = out.text.len();
    for &part in &scored.parts {
        walk(scored, part, &mut out);
        out.line_break();
    }
    if let Some(t) = title {
        let first = out.text[body_start..].lines().next().unwrap_or("");
        // Titles and headings differ in their spaces (`第 8 章` / `第\u{a0}8\u{a0}章`).
        let words = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        if words(&out.protected.restore(first)) == words(t) {
            let end = (body_start + first.len() + 1).min(out.text.len());
            out.text.replace_range(body_start..end, "");
        }
    }
    (out.text, out.protected)
}

/// Whether a table reads as data: rows of several short cells, no table inside.
fn is_data_table(scored: &Scored, table: Id) -> bool {
    let dom = scored.dom;
    let mut multi_cell_row = false;
    let mut at = dom.following(table, table);
    while let Some(id) = at {
        let tag = dom.tag(id);
        if tag == "table" {
            return false;
        }
        if tag == "tr" {
            let cells = dom
                .children(id)
                .filter(|&c| matches!(dom.tag(c), "td" | "th"))
                .count();
            multi_cell_row |= cells >= 2;
        }
        if matches!(tag, "td" | "th") && scored.stats[id as usize].chars > MAX_CELL_CHARS {
            return false;
        }
        at = dom.following(id, table);
    }
    multi_cell_row
}

/// The text under `id` as a browser keeps it in `pre` (line breaks from `<br>`).
fn raw_text(scored: &Scored, id: Id) -> String {
    let dom = scored.dom;
    let mut s = String::new();
    let mut at = Some(id);
    while let Some(n) = at {
        if scored.invisible[n as usize] {
            at = dom.following_skipping(n, id);
            continue;
        }
        match &dom.node(n).kind {
            Kind::Text(t) => s.push_str(t),
            Kind::Element { .. } if dom.tag(n) == "br" => s.push('\n'),
            _ => {}
        }
        at = dom.following(n, id);
    }
    s
}

/// Renders the subtree at `top` into `out`, iteratively (events: enter, then leave).
fn walk(scored: &Scored, top: Id, out: &mut Out) {
    let dom = scored.dom;
    // (node, leaving?)
    let mut stack: Vec<(Id, bool)> = vec![(top, false)];
    let mut data_tables: Vec<Id> = Vec::new();
    while let Some((id, leaving)) = stack.pop() {
        let tag = dom.tag(id);
        if leaving {
            match tag {
                "td" | "th" if data_tables.contains(&dom.parent_table(id)) => {
                    out.in_cell -= 1;
                    out.space = false;
                }
                "tr" if out.in_cell == 0 && data_tables.contains(&dom.parent_table(id)) => {
                    // Trailing empty cells leave tabs at the end of the line.
                    while out.text.ends_with('\t') {
                        out.text.pop();
                    }
                    out.line_break();
                }
                "table" => {
                    data_tables.retain(|&t| t != id);
                    out.line_break();
                }
                t if is_block(t) => out.line_break(),
                _ => {}
            }
            continue;
        }
        if scored.invisible[id as usize] || (id != top && scored.is_chrome(id)) {
            continue;
        }
        match &dom.node(id).kind {
            Kind::Text(t) => {
                out.flow(t);
                continue;
            }
            Kind::Element { .. } => {}
            _ if id != top => continue,
            _ => {}
        }
        match tag {
            "br" => {
                out.line_break();
                continue;
            }
            "pre" | "listing" | "xmp" | "plaintext" => {
                let s = raw_text(scored, id);
                out.pre(&s);
                continue;
            }
            t if is_code(t) => {
                let s = raw_text(scored, id);
                out.code(&s);
                continue;
            }
            "table" => {
                if is_data_table(scored, id) {
                    data_tables.push(id);
                }
                out.line_break();
            }
            "td" | "th" if data_tables.contains(&dom.parent_table(id)) => {
                // A cell after the first in its row starts with a tab.
                let first = dom
                    .prev_element(id)
                    .is_none_or(|p| !matches!(dom.tag(p), "td" | "th"));
                if out.in_cell == 0 && !first {
                    out.text.push('\t');
                }
                out.space = false;
                out.in_cell += 1;
            }
            "tr" if out.in_cell == 0 && data_tables.contains(&dom.parent_table(id)) => {
                out.line_break();
            }
            t if is_block(t) => out.line_break(),
            _ => {}
        }
        stack.push((id, true));
        let mut child = dom.node(id).last_child;
        while child != NONE {
            stack.push((child, false));
            child = dom.node(child).prev;
        }
    }
}
