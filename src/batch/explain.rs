//! `--explain FILE`: every change made to one file, stage by stage, as hunks a person can read
//! (or as JSON for tools, `--explain-format json`).
//!
//! For each stage, in pipeline order: its change count, then its hunks ([`zhclean::hunks`]):
//! `line:column` in the stage's input, a little unchanged context on each side (`…` where the
//! line goes on), and the change marked in place, `[-removed-]{+added+}` as
//! `git diff --word-diff` marks it, or in red and green on a colour terminal. A line removed
//! or added whole is one `-` or `+` line. No output line is wider than [`MAX_WIDTH`] display
//! columns (a Han character takes two): long runs of changes wrap onto continuation lines,
//! a long removed line is cut. Then the stage's notes (its individual decisions). Nothing is
//! written to disk.

use std::fmt::Write as _;
use std::io::{self, IsTerminal, Write};
use std::path::Path;

use serde::Serialize;
use unicode_normalization::UnicodeNormalization;
use unicode_width::UnicodeWidthChar;
use zhclean::extract::{self, Format as InputFormat};
use zhclean::hunks::{self, Hunk, Kind, Op, StageHunks};
use zhclean::Cleaner;

use super::{html, jsonl, BatchError, Outcome};

/// Widest output line, in display columns.
pub const MAX_WIDTH: usize = 200;

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// Colour when standard output is a terminal and `NO_COLOR` is not set.
    Auto,
    Always,
    Never,
}

/// `--explain-format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Hunks for people.
    Text,
    /// One JSON document: per stage its count, hunks (position, before, after, context) and
    /// notes.
    Json,
}

pub fn run(
    cleaner: &Cleaner,
    path: &Path,
    input: InputFormat,
    format: Format,
    color: ColorChoice,
) -> anyhow::Result<Outcome> {
    let name = path
        .file_name()
        .map(|n| n.as_encoded_bytes())
        .unwrap_or_default();
    if jsonl::shard_compression(name).is_some() {
        return Err(BatchError::Usage(format!(
            "--explain takes one text page; {} is a JSONL shard",
            path.display()
        ))
        .into());
    }
    let bytes = std::fs::read(path).map_err(BatchError::io("cannot read", path))?;
    let is_html = html::is_html(input, Some(path), &bytes);
    let decoded = html::decode(&bytes, is_html)
        .map_err(|b| BatchError::Usage(format!("{}: {}", path.display(), b.0)))?;
    // An HTML page: its main text is what the stages see (the extraction is shown as a first
    // step), with the verbatim spans shown as the page has them.
    let extracted = is_html.then(|| extract::extract(&decoded.text));
    let (stages, notes) = match &extracted {
        Some(x) => {
            let mut steps = cleaner.explain(&x.text);
            for step in &mut steps {
                step.before = x.protected.restore(&step.before);
                step.after = x.protected.restore(&step.after);
            }
            hunks::from_steps(steps, x.clean(cleaner).report.notes)
        }
        None => hunks::explain(cleaner, &decoded.text),
    };
    let text = match format {
        Format::Json => {
            let doc = JsonExplanation {
                path: &path.to_string_lossy(),
                encoding: decoded.encoding,
                undecodable: decoded.undecodable,
                extracted: extracted.as_ref().map(|x| x.plain()),
                stages: zhclean::pipeline::stage_names()
                    .map(|name| JsonStage::new(name, &stages))
                    .collect(),
                again: later_passes(&stages).map(JsonStage::of).collect(),
                notes: &notes,
                total: stages.iter().map(|s| s.changes).sum(),
            };
            // Compact: a dense stage's hunks on a big page run to megabytes (`jq` shows it
            // indented).
            let mut json = serde_json::to_string(&doc)?;
            json.push('\n');
            json
        }
        Format::Text => {
            let color = match color {
                ColorChoice::Always => true,
                ColorChoice::Never => false,
                ColorChoice::Auto => {
                    io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
                }
            };
            let mut text = format!(
                "zhclean --explain {} ({}encoding {}, {} undecodable byte sequences)\n",
                path.display(),
                if is_html { "HTML, " } else { "" },
                decoded.encoding,
                decoded.undecodable
            );
            if let Some(x) = &extracted {
                text.push_str(&render_extraction(x, decoded.text.len()));
            }
            text.push_str(&render(&stages, &notes, cleaner, Style { color }));
            text
        }
    };
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())
        .map_err(BatchError::io("cannot write", Path::new("stdout")))?;
    Ok(Outcome::default())
}

/// The extraction of an HTML page as a first step: the main text the stages receive, one
/// `+` line each (cut at [`MAX_WIDTH`] as removed lines are).
fn render_extraction(x: &extract::Extracted, html_bytes: usize) -> String {
    let plain = x.plain();
    let mut t = String::new();
    let _ = writeln!(
        t,
        "\n== extract: {html_bytes} bytes of HTML -> {} lines of main text ({} verbatim spans) ==",
        plain.lines().count(),
        x.protected.len()
    );
    for w in &x.warnings {
        let _ = writeln!(t, "  warning: {w}");
    }
    for line in plain.lines() {
        let _ = writeln!(t, "+ {}", cut(line, MAX_WIDTH - 2));
    }
    t
}

/// The `--explain-format json` document.
#[derive(Serialize)]
struct JsonExplanation<'a> {
    path: &'a str,
    encoding: &'static str,
    undecodable: u64,
    /// An HTML page's main text, as the stages received it.
    #[serde(skip_serializing_if = "Option::is_none")]
    extracted: Option<String>,
    /// Every stage in pipeline order, disabled ones included.
    stages: Vec<JsonStage<'a>>,
    /// The stages of the passes a cleaning made again over its own output, in order (the
    /// `garbage` stage still had work after the first pass; see `Cleaner`): on few pages.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    again: Vec<JsonStage<'a>>,
    /// Notes no stage claims.
    notes: &'a [String],
    total: u64,
}

#[derive(Serialize)]
struct JsonStage<'a> {
    stage: &'static str,
    enabled: bool,
    changes: u64,
    hunks: Vec<JsonHunk<'a>>,
    notes: &'a [String],
}

impl<'a> JsonStage<'a> {
    fn new(name: &'static str, stages: &'a [StageHunks]) -> Self {
        match stages.iter().find(|s| s.stage == name) {
            Some(s) => JsonStage::of(s),
            None => JsonStage {
                stage: name,
                enabled: false,
                changes: 0,
                hunks: Vec::new(),
                notes: &[],
            },
        }
    }
}

impl<'a> JsonStage<'a> {
    fn of(s: &'a StageHunks) -> Self {
        JsonStage {
            stage: s.stage,
            enabled: true,
            changes: s.changes,
            hunks: s.hunks.iter().map(JsonHunk::new).collect(),
            notes: &s.notes,
        }
    }
}

/// The steps of the passes after the first (a stage's second occurrence and later), in
/// order: a cleaning runs its stages again while the `garbage` stage would still change its
/// output.
fn later_passes(stages: &[StageHunks]) -> impl Iterator<Item = &StageHunks> {
    stages
        .iter()
        .enumerate()
        .filter(|(k, s)| stages[..*k].iter().any(|p| p.stage == s.stage))
        .map(|(_, s)| s)
}

/// A hunk with its old and new text spelled out for tools.
#[derive(Serialize)]
struct JsonHunk<'a> {
    #[serde(flatten)]
    hunk: &'a Hunk,
    before: String,
    after: String,
}

impl<'a> JsonHunk<'a> {
    fn new(hunk: &'a Hunk) -> Self {
        JsonHunk {
            hunk,
            before: hunk.before(),
            after: hunk.after(),
        }
    }
}

/// How changes are marked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    /// ANSI colours (red removed, green added) instead of `[-…-]{+…+}` markers.
    pub color: bool,
}

const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const CYAN: &str = "\x1b[36m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[m";

impl Style {
    fn paint(self, code: &str, text: &str) -> String {
        if self.color {
            format!("{code}{text}{RESET}")
        } else {
            text.to_string()
        }
    }
}

/// The whole explanation as text.
pub fn render(stages: &[StageHunks], notes: &[String], cleaner: &Cleaner, style: Style) -> String {
    let mut t = String::new();
    let mut total = 0;
    for name in zhclean::pipeline::stage_names() {
        let Some(stage) = stages.iter().find(|s| s.stage == name) else {
            if !cleaner.config().enabled(name) {
                let _ = writeln!(
                    t,
                    "\n{}",
                    style.paint(BOLD, &format!("== {name}: disabled =="))
                );
            }
            continue;
        };
        total += stage.changes;
        let what = if stage.hunks.is_empty() {
            ", text unchanged"
        } else {
            ""
        };
        let head = format!("== {name}: {} changes{what} ==", stage.changes);
        render_stage(&mut t, &head, stage, style);
    }
    // A cleaning that ran its stages again over its output: what those passes changed.
    let again: Vec<&StageHunks> = later_passes(stages).filter(|s| s.changes > 0).collect();
    if !again.is_empty() {
        let head = "== again over the output (the garbage stage still had work) ==";
        let _ = writeln!(t, "\n{}", style.paint(BOLD, head));
    }
    for stage in again {
        total += stage.changes;
        let head = format!("== {}, again: {} changes ==", stage.stage, stage.changes);
        render_stage(&mut t, &head, stage, style);
    }
    if !notes.is_empty() {
        t.push_str("\nnotes:\n");
        for n in notes {
            let _ = writeln!(t, "{}", cut(&format!("  {n}"), MAX_WIDTH));
        }
    }
    let _ = writeln!(t, "\ntotal: {total} changes");
    t
}

/// One stage's section: its head line, hunks and notes.
fn render_stage(t: &mut String, head: &str, stage: &StageHunks, style: Style) {
    let _ = writeln!(t, "\n{}", style.paint(BOLD, head));
    t.push_str(&render_hunks(&stage.hunks, style));
    let prefix = format!("{}: ", stage.stage);
    for note in &stage.notes {
        let note = note.strip_prefix(&prefix).unwrap_or(note);
        let _ = writeln!(t, "{}", cut(&format!("  note: {note}"), MAX_WIDTH));
    }
}

/// One stage's hunks, one after the other.
pub fn render_hunks(hunks: &[Hunk], style: Style) -> String {
    // Positions are right-aligned in one column per stage.
    let pos = |h: &Hunk| match h.kind {
        Kind::Change => format!("{}:{}", h.line, h.column),
        _ => h.line.to_string(),
    };
    let pos_width = hunks.iter().map(|h| pos(h).len()).max().unwrap_or(0);
    let mut t = String::new();
    for h in hunks {
        let (sign, code) = match h.kind {
            Kind::Change => (' ', CYAN),
            Kind::RemovedLine => ('-', RED),
            Kind::AddedLine => ('+', GREEN),
        };
        let head = format!("{sign}{:>pos_width$} ", pos(h));
        if h.kind == Kind::Change {
            let _ = write!(t, "{}", style.paint(code, &head));
            let mut w = Wrapper {
                out: &mut t,
                style,
                col: head.len(),
            };
            if h.cut_before {
                w.push(Op::Same, "…");
            }
            w.push(Op::Same, &visible(&h.context_before, false));
            let mut parts = h.parts.iter().peekable();
            while let Some(part) = parts.next() {
                let text = visible(&part.text, part.op != Op::Same);
                match parts.peek() {
                    // Canonically equivalent text looks the same: show the code points.
                    Some(next)
                        if part.op == Op::Removed
                            && next.op == Op::Added
                            && part.text.nfc().eq(next.text.nfc()) =>
                    {
                        let (old, new) = (code_points(&part.text), code_points(&next.text));
                        if style.color {
                            w.push(Op::Removed, &old);
                            w.push(Op::Added, &new);
                        } else {
                            w.run("{", "}", &format!("{old}→{new}"));
                        }
                        parts.next();
                    }
                    // Without colour, a replacement is one run, `{old→new}`: shorter than
                    // `[-old-]{+new+}`, which matters where a stage rewrote every few
                    // characters (the conversion).
                    Some(next)
                        if part.op == Op::Removed && next.op == Op::Added && !style.color =>
                    {
                        let new = visible(&next.text, true);
                        w.run("{", "}", &format!("{text}→{new}"));
                        parts.next();
                    }
                    _ => w.push(part.op, &text),
                }
            }
            w.push(Op::Same, &visible(&h.context_after, false));
            if h.cut_after {
                w.push(Op::Same, "…");
            }
            t.push('\n');
        } else {
            let line = cut(&visible(&h.parts[0].text, false), MAX_WIDTH - head.len());
            let _ = writeln!(t, "{}", style.paint(code, &format!("{head}{line}")));
        }
    }
    t
}

/// Writes styled runs, wrapping before [`MAX_WIDTH`] columns onto continuation lines
/// indented by [`INDENT`] spaces (not under the text: a dense hunk wraps many times, and the
/// explanation stays short); a wrapped run is closed at the end of the line and opened again
/// on the next.
struct Wrapper<'a> {
    out: &'a mut String,
    style: Style,
    /// Columns used on the current line.
    col: usize,
}

/// Indentation of continuation lines.
const INDENT: usize = 2;

/// Runs no wider than this are not split across lines: they move to the next line whole.
const SHORT_RUN: usize = 24;

impl Wrapper<'_> {
    /// One run of kept, removed or added text, marked as the style says.
    fn push(&mut self, op: Op, text: &str) {
        let (open, close) = match (op, self.style.color) {
            (Op::Same, _) => ("", ""),
            (Op::Removed, false) => ("[-", "-]"),
            (Op::Added, false) => ("{+", "+}"),
            (Op::Removed, true) => (RED, RESET),
            (Op::Added, true) => (GREEN, RESET),
        };
        self.run(open, close, text);
    }

    /// `text` between `open` and `close` (markers, which take columns, or colour codes,
    /// which do not).
    fn run(&mut self, open: &str, close: &str, text: &str) {
        if text.is_empty() {
            return;
        }
        let marks = |m: &str| {
            if m.starts_with('\x1b') {
                0
            } else {
                m.chars().count()
            }
        };
        let (open_w, close_w) = (marks(open), marks(close));
        let width: usize = text.chars().map(|c| c.width().unwrap_or(0)).sum();
        if !open.is_empty() && width <= SHORT_RUN && self.col + open_w + width + close_w > MAX_WIDTH
        {
            self.new_line();
        }
        let mut opened = false;
        for c in text.chars() {
            let w = c.width().unwrap_or(0);
            let need = w + close_w + if opened { 0 } else { open_w };
            if self.col + need > MAX_WIDTH && self.col > INDENT {
                if opened {
                    self.out.push_str(close);
                }
                self.new_line();
                opened = false;
            }
            if !opened {
                self.out.push_str(open);
                self.col += open_w;
                opened = true;
            }
            self.out.push(c);
            self.col += w;
        }
        self.out.push_str(close);
        self.col += close_w;
    }

    fn new_line(&mut self) {
        self.out.push('\n');
        self.out.extend(std::iter::repeat_n(' ', INDENT));
        self.col = INDENT;
    }
}

/// `text` cut to `room` display columns, with `…` and the number of characters left out.
fn cut(text: &str, room: usize) -> String {
    let width = |c: char| c.width().unwrap_or(0);
    if text.chars().map(width).sum::<usize>() <= room {
        return text.to_string();
    }
    let chars = text.chars().count();
    let tail = |kept: usize| format!("… (+{} chars)", chars - kept);
    let (mut used, mut keep, mut kept) = (0, 0, 0);
    for (i, c) in text.char_indices() {
        if used + width(c) + tail(kept + 1).chars().count() > room {
            break;
        }
        used += width(c);
        keep = i + c.len_utf8();
        kept += 1;
    }
    format!("{}{}", &text[..keep], tail(kept))
}

/// `U+F9D1 U+5344`: text as its code points.
fn code_points(s: &str) -> String {
    let points: Vec<String> = s.chars().map(|c| format!("U+{:04X}", c as u32)).collect();
    points.join(" ")
}

/// Makes characters that would not show (or would break the layout) visible. Inside a change
/// (`changed`), spaces and line breaks are shown too: they may be all that changed.
pub fn visible(s: &str, changed: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            ' ' if changed => out.push('␠'),
            '\u{3000}' if changed => out.push_str("<U+3000>"),
            '\n' => out.push('⏎'),
            '\r' => out.push('␍'),
            '\t' => out.push('␉'),
            c if c.is_control()
                || (changed && c.is_whitespace() && c != ' ')
                || matches!(
                    c,
                    '\u{200b}'..='\u{200f}' | '\u{2028}' | '\u{2029}' | '\u{feff}'
                ) =>
            {
                let _ = write!(out, "<U+{:04X}>", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn columns(s: &str) -> usize {
        s.chars().map(|c| c.width().unwrap_or(0)).sum()
    }

    #[test]
    fn long_runs_wrap_with_their_markers_closed_on_each_line() {
        let old = format!("頭{}尾", "為".repeat(300));
        let new = format!("頭{}尾", "为".repeat(300));
        let out = render_hunks(&hunks::hunks(&old, &new), Style { color: false });
        let lines: Vec<&str> = out.lines().collect();
        assert!(lines.len() > 3, "{out}");
        for line in &lines {
            assert!(columns(line) <= MAX_WIDTH, "{line}");
            assert_eq!(
                line.matches('{').count(),
                line.matches('}').count(),
                "{line}"
            );
        }
        assert!(lines[0].starts_with(" 1:2 頭{為為"), "{}", lines[0]);
        assert!(lines[1].starts_with("  {為"), "{}", lines[1]);
    }

    #[test]
    fn removed_lines_are_one_line_each_cut_when_long() {
        let long = "長".repeat(150);
        let out = render_hunks(
            &hunks::hunks(&format!("a\n{long}\nb\n"), "a\nb\n"),
            Style { color: false },
        );
        assert_eq!(out.lines().count(), 1, "{out}");
        assert!(out.starts_with("-2 長長"), "{out}");
        assert!(out.trim_end().ends_with("… (+58 chars)"), "{out}");
        assert!(columns(out.trim_end()) <= MAX_WIDTH);
    }

    #[test]
    fn invisible_changes_are_made_visible() {
        let out = render_hunks(
            &hunks::hunks("甲 乙\u{200b}丙", "甲乙丙"),
            Style { color: false },
        );
        assert_eq!(out, " 1:2 甲[-␠-]乙[-<U+200B>-]丙\n");
        let out = render_hunks(&hunks::hunks("\u{f9d1}", "六"), Style { color: false });
        assert_eq!(out, " 1:1 {U+F9D1→U+516D}\n");
    }

    #[test]
    fn colour_marks_changes_without_markers() {
        let out = render_hunks(&hunks::hunks("甲為乙", "甲为乙"), Style { color: true });
        assert_eq!(
            out,
            format!("{CYAN} 1:2 {RESET}甲{RED}為{RESET}{GREEN}为{RESET}乙\n")
        );
    }
}
