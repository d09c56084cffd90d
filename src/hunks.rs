//! What changed between two texts, as hunks a person can read: `--explain`, the HTML report's
//! before/after samples and the Python package's `Cleaner.explain` all show these.
//!
//! The diff itself is the `similar` crate's (Myers with its practical heuristics, under a
//! deadline), in two steps: lines first, so lines removed or added whole (template and
//! boilerplate lines) stay whole lines, then characters within each block of rewritten lines,
//! so a stage that changed a character here and there shows just those characters, however
//! long the line. Changes close together on one line make one hunk; each hunk carries up to
//! [`CONTEXT`] columns of unchanged text on either side, never across a line break.
//!
//! Positions are 1-based lines and columns (in characters) of the text before the change.

use std::time::{Duration, Instant};

use serde::Serialize;
use similar::{Algorithm, DiffOp};
use unicode_width::UnicodeWidthChar;

use crate::Cleaner;

/// Unchanged text shown on each side of a hunk, in display columns: 20 Latin letters or 10
/// Han characters.
pub const CONTEXT: usize = 16;

/// How long one diff may search for the best alignment before settling for a coarser one
/// (a valid diff still, with larger changed runs). Far above what real pages need: it only
/// guards against pathological inputs.
pub const DEADLINE: Duration = Duration::from_millis(500);

/// What a hunk is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// Characters changed within a line (or a line break removed or added).
    Change,
    /// A whole line removed.
    RemovedLine,
    /// A whole line added (before line `line` of the old text).
    AddedLine,
}

/// One piece of a hunk: text kept, removed or added.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Op {
    #[serde(rename = "=")]
    Same,
    #[serde(rename = "-")]
    Removed,
    #[serde(rename = "+")]
    Added,
}

/// A run of text in a hunk with what happened to it; in JSON, `["-", "text"]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub op: Op,
    pub text: String,
}

impl Serialize for Part {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        (self.op, &self.text).serialize(s)
    }
}

/// One place where the text changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hunk {
    pub kind: Kind,
    /// 1-based line of the old text where the change starts.
    pub line: usize,
    /// 1-based column (in characters) of the old text where the change starts.
    pub column: usize,
    /// Unchanged text just before the change, on the same line (at most [`CONTEXT`] columns).
    pub context_before: String,
    /// Unchanged text just after the change, on the same line (at most [`CONTEXT`] columns).
    pub context_after: String,
    /// Whether the line goes on before `context_before` (shown as `…`).
    pub cut_before: bool,
    /// Whether the line goes on after `context_after`.
    pub cut_after: bool,
    /// The change, in order: kept runs (between changes close together), removed and added
    /// runs. A removed or added line is one part, without its line break.
    pub parts: Vec<Part>,
}

impl Hunk {
    /// The hunk's old text (context excluded).
    pub fn before(&self) -> String {
        self.side(Op::Removed)
    }

    /// The hunk's new text (context excluded).
    pub fn after(&self) -> String {
        self.side(Op::Added)
    }

    fn side(&self, changed: Op) -> String {
        self.parts
            .iter()
            .filter(|p| p.op == Op::Same || p.op == changed)
            .map(|p| p.text.as_str())
            .collect()
    }
}

/// One stage's effect on a page, as hunks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StageHunks {
    pub stage: &'static str,
    /// The stage's own count of its changes.
    pub changes: u64,
    pub hunks: Vec<Hunk>,
    /// The stage's individual decisions (a repaired run of byte garbage, ...).
    pub notes: Vec<String>,
}

/// Every enabled stage's effect on `text`, in pipeline order (stages that changed nothing
/// included), and the notes no stage claims.
///
/// Stages write their notes as `stage: what` (see [`crate::PageReport::notes`]); a note
/// goes to the stage its prefix names.
pub fn explain(cleaner: &Cleaner, text: &str) -> (Vec<StageHunks>, Vec<String>) {
    let notes = cleaner.clean(text).report.notes;
    from_steps(cleaner.explain(text), notes)
}

/// The hunks of stage changes already made (see [`Cleaner::explain`]), with `notes` given
/// to the stages their prefixes name; the notes no stage claims are returned. A stage that
/// ran again (a cleaning that settles over its output) gives each of its steps one note per
/// change, in order, and its last step the rest: the stages that write notes (`garbage`)
/// write one per change.
pub fn from_steps(
    steps: crate::Explanation,
    mut notes: Vec<String>,
) -> (Vec<StageHunks>, Vec<String>) {
    let mut stages: Vec<StageHunks> = Vec::with_capacity(steps.len());
    for (k, step) in steps.iter().enumerate() {
        let mut mine = take_notes(&mut notes, step.stage);
        if steps[k + 1..].iter().any(|s| s.stage == step.stage) {
            let rest = mine.split_off((step.changes as usize).min(mine.len()));
            // Back to the front, for the stage's later steps.
            notes.splice(0..0, rest);
        }
        stages.push(StageHunks {
            stage: step.stage,
            changes: step.changes,
            hunks: hunks(&step.before, &step.after),
            notes: mine,
        });
    }
    (stages, notes)
}

/// Takes `stage`'s notes (those that start `stage: `) out of `notes`, in order.
pub fn take_notes(notes: &mut Vec<String>, stage: &str) -> Vec<String> {
    let prefix = format!("{stage}: ");
    let (mine, rest) = std::mem::take(notes)
        .into_iter()
        .partition(|n| n.starts_with(&prefix));
    *notes = rest;
    mine
}

/// The hunks that turn `old` into `new`, in order of position; none when they are equal.
pub fn hunks(old: &str, new: &str) -> Vec<Hunk> {
    if old == new {
        return Vec::new();
    }
    let deadline = Instant::now() + DEADLINE;
    let a: Vec<&str> = old.split_inclusive('\n').collect();
    let b: Vec<&str> = new.split_inclusive('\n').collect();
    let mut out = Vec::new();
    for op in similar::capture_diff_slices_deadline(Algorithm::Myers, &a, &b, Some(deadline)) {
        let (old_lines, new_lines) = (&a[op.old_range()], &b[op.new_range()]);
        // The text's last line may have no line break: removing or adding it is a change of
        // characters (whether a line break goes with it matters).
        let whole = old_lines.iter().chain(new_lines).all(|l| l.ends_with('\n'));
        match op {
            DiffOp::Equal { .. } => {}
            DiffOp::Delete { old_index, .. } if whole => {
                for (k, line) in old_lines.iter().enumerate() {
                    out.push(whole_line(Kind::RemovedLine, old_index + k + 1, line));
                }
            }
            DiffOp::Insert { old_index, .. } if whole => {
                for line in new_lines {
                    out.push(whole_line(Kind::AddedLine, old_index + 1, line));
                }
            }
            _ => block(
                old_lines,
                new_lines,
                op.old_range().start + 1,
                deadline,
                &mut out,
            ),
        }
    }
    out
}

/// The hunks of a block of rewritten lines (`old` starting at line `first_line`).
///
/// Characters are diffed across the whole block, so a change that joins or splits lines
/// (preview chunks joined) shows as the line breaks it removed or added. But when the block
/// lost lines and some old lines kept almost none of their characters (under a third), those
/// are lines removed whole (a site template around a rewritten title): the diff would
/// otherwise match their common characters (`的`, the title's words) to the lines that stay,
/// and show a muddle. The lowest-kept lines, as many as the block lost, are shown removed
/// whole, with the blank lines next to them, and the rest is diffed again. (Lines added are
/// left to the character diff: where one goes among the old lines is not always a line
/// start.)
fn block(old: &[&str], new: &[&str], first_line: usize, deadline: Instant, out: &mut Vec<Hunk>) {
    let chars = |lines: &[&str]| -> Vec<char> { lines.iter().flat_map(|l| l.chars()).collect() };
    let diff = |old: &[char], new: &[char]| {
        similar::capture_diff_slices_deadline(Algorithm::Myers, old, new, Some(deadline))
    };
    let (old_chars, new_chars) = (chars(old), chars(new));
    let ops = diff(&old_chars, &new_chars);
    let numbers: Vec<usize> = (first_line..first_line + old.len()).collect();
    let drop = if old.len() > new.len() {
        unkept_lines(old, &ops, old.len() - new.len())
    } else {
        Vec::new()
    };
    if !drop.contains(&true) {
        char_hunks(&old_chars, &new_chars, &numbers, first_line, &ops, out);
        return;
    }
    let mut hunks = Vec::new();
    let (mut kept, mut kept_numbers) = (Vec::new(), Vec::new());
    for (k, line) in old.iter().enumerate() {
        if drop[k] {
            hunks.push(whole_line(Kind::RemovedLine, numbers[k], line));
        } else {
            kept.push(*line);
            kept_numbers.push(numbers[k]);
        }
    }
    let kept_chars = chars(&kept);
    let ops = diff(&kept_chars, &new_chars);
    // With every old line removed whole, what is left is added after them.
    let first = first_line + old.len();
    char_hunks(
        &kept_chars,
        &new_chars,
        &kept_numbers,
        first,
        &ops,
        &mut hunks,
    );
    // In order of position; at one position, what is added comes before what is removed.
    hunks.sort_by_key(|h| (h.line, h.column, h.kind == Kind::RemovedLine));
    out.extend(hunks);
}

/// Which of the old `lines` to show as removed whole: at most `most` lines that kept under a
/// third of their characters in `ops`, lowest share first, and the blank lines next to them.
fn unkept_lines(lines: &[&str], ops: &[DiffOp], most: usize) -> Vec<bool> {
    let mut starts = Vec::with_capacity(lines.len() + 1);
    let mut pos = 0;
    for l in lines {
        starts.push(pos);
        pos += l.chars().count();
    }
    starts.push(pos);
    let mut kept_per_line = vec![0usize; lines.len()];
    let kept = ops.iter().filter(|op| op.tag() == similar::DiffTag::Equal);
    for r in kept.map(DiffOp::old_range) {
        // Lines overlapping the kept range, found by binary search.
        let mut k = starts.partition_point(|&s| s <= r.start) - 1;
        while k < lines.len() && starts[k] < r.end {
            let overlap = r.end.min(starts[k + 1]) - r.start.max(starts[k]);
            kept_per_line[k] += overlap;
            k += 1;
        }
    }
    let mut candidates: Vec<(usize, usize, usize)> = Vec::new(); // (kept, length, line)
    for (k, l) in lines.iter().enumerate() {
        let body = l.strip_suffix('\n').unwrap_or(l);
        let len = body.chars().count();
        let kept = kept_per_line[k].min(len);
        // The text's last line, without a line break, stays in the character diff (see
        // `hunks`).
        if len > 0 && kept * 3 < len && l.ends_with('\n') {
            candidates.push((kept, len, k));
        }
    }
    // Lowest share of kept characters first: kept/len ascending, compared without division.
    candidates.sort_by(|a, b| (a.0 * b.1).cmp(&(b.0 * a.1)).then(a.2.cmp(&b.2)));
    let mut drop = vec![false; lines.len()];
    for &(_, _, k) in candidates.iter().take(most) {
        drop[k] = true;
    }
    // Blank lines next to a removed line (the nearest non-blank line on either side is
    // removed) go with it, while the block has lines to lose.
    let blank = |k: usize| lines[k] == "\n";
    let dropped = drop.clone();
    let nearest_dropped = |mut range: Box<dyn Iterator<Item = usize>>| {
        range.find(|&j| !blank(j)).is_some_and(|j| dropped[j])
    };
    let mut left = most - candidates.len().min(most);
    for (k, d) in drop.iter_mut().enumerate() {
        if left > 0
            && blank(k)
            && (nearest_dropped(Box::new((0..k).rev()))
                || nearest_dropped(Box::new(k + 1..lines.len())))
        {
            *d = true;
            left -= 1;
        }
    }
    drop
}

fn whole_line(kind: Kind, line: usize, text: &str) -> Hunk {
    let op = if kind == Kind::AddedLine {
        Op::Added
    } else {
        Op::Removed
    };
    Hunk {
        kind,
        line,
        column: 1,
        context_before: String::new(),
        context_after: String::new(),
        cut_before: false,
        cut_after: false,
        parts: vec![Part {
            op,
            text: text.strip_suffix('\n').unwrap_or(text).to_string(),
        }],
    }
}

/// Line and column of positions in `old`, for positions visited in increasing order.
struct Cursor<'a> {
    text: &'a [char],
    pos: usize,
    /// Index of the current line in `numbers`.
    line: usize,
    column: usize,
    /// The line numbers of `text`'s lines (not always consecutive: see [`block`]).
    numbers: &'a [usize],
    /// The line number where `text` would start if it has no lines.
    first: usize,
}

impl Cursor<'_> {
    fn at(&mut self, pos: usize) -> (usize, usize) {
        for &c in &self.text[self.pos..pos] {
            if c == '\n' {
                self.line += 1;
                self.column = 1;
            } else {
                self.column += 1;
            }
        }
        self.pos = pos;
        (self.number(self.line), self.column)
    }

    /// The number of the `k`-th line (past the end: counting on from the last one).
    fn number(&self, k: usize) -> usize {
        match (self.numbers.get(k), self.numbers.last()) {
            (Some(&n), _) => n,
            (None, Some(&last)) => last + 1 + k - self.numbers.len(),
            (None, None) => self.first + k,
        }
    }
}

/// The hunks of the character diff `ops` of `old` (whose lines are numbered `numbers`, or
/// start at line `first` when it has none) and `new`.
fn char_hunks(
    old: &[char],
    new: &[char],
    numbers: &[usize],
    first: usize,
    ops: &[DiffOp],
    out: &mut Vec<Hunk>,
) {
    let mut cursor = Cursor {
        text: old,
        pos: 0,
        line: 0,
        column: 1,
        numbers,
        first,
    };
    let s = |r: &[char]| r.iter().collect::<String>();
    // The hunk being built: its start in `old` and its parts.
    let mut open: Option<(usize, Vec<Part>)> = None;
    let close = |open: &mut Option<(usize, Vec<Part>)>,
                 end: usize,
                 cursor: &mut Cursor,
                 out: &mut Vec<Hunk>| {
        let Some((start, parts)) = open.take() else {
            return;
        };
        let (line, column) = cursor.at(start);
        let before_from = context_start(old, start);
        let after_to = context_end(old, end);
        out.push(Hunk {
            kind: Kind::Change,
            line,
            column,
            context_before: s(&old[before_from..start]),
            context_after: s(&old[end..after_to]),
            cut_before: before_from > 0 && old[before_from - 1] != '\n',
            cut_after: after_to < old.len() && old[after_to] != '\n',
            parts: tidy(parts),
        });
    };
    let push = |open: &mut Option<(usize, Vec<Part>)>, at: usize, op: Op, text: String| {
        let (_, parts) = open.get_or_insert_with(|| (at, Vec::new()));
        parts.push(Part { op, text });
    };
    for &op in ops {
        match op {
            DiffOp::Equal { old_index, len, .. } => {
                let run = &old[old_index..old_index + len];
                let end = old_index + len;
                let at_end = end == old.len();
                if open.is_some() && !at_end && !wider_than_contexts(run) && !run.contains(&'\n') {
                    push(&mut open, old_index, Op::Same, s(run));
                } else {
                    close(&mut open, old_index, &mut cursor, out);
                }
            }
            DiffOp::Delete {
                old_index, old_len, ..
            } => {
                let run = &old[old_index..old_index + old_len];
                if let Some(lines) = whole_lines(old, old_index, old_len) {
                    close(&mut open, old_index, &mut cursor, out);
                    cursor.at(lines.start);
                    for (k, l) in s(&old[lines]).split_inclusive('\n').enumerate() {
                        let line = cursor.number(cursor.line + k);
                        out.push(whole_line(Kind::RemovedLine, line, l));
                    }
                } else {
                    push(&mut open, old_index, Op::Removed, s(run));
                }
            }
            DiffOp::Insert {
                old_index,
                new_index,
                new_len,
            } => {
                let run = &new[new_index..new_index + new_len];
                if let Some(lines) = whole_lines(new, new_index, new_len)
                    .filter(|_| old_index == 0 || old[old_index - 1] == '\n')
                {
                    close(&mut open, old_index, &mut cursor, out);
                    let (line, _) = cursor.at(old_index);
                    for l in s(&new[lines]).split_inclusive('\n') {
                        out.push(whole_line(Kind::AddedLine, line, l));
                    }
                } else {
                    push(&mut open, old_index, Op::Added, s(run));
                }
            }
            DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => {
                push(
                    &mut open,
                    old_index,
                    Op::Removed,
                    s(&old[old_index..old_index + old_len]),
                );
                push(
                    &mut open,
                    old_index,
                    Op::Added,
                    s(&new[new_index..new_index + new_len]),
                );
            }
        }
    }
    close(&mut open, old.len(), &mut cursor, out);
}

/// Joins two replacements separated by a kept run no longer than either of them into one
/// (`[-個-]{+个+}省[-級-]{+级+}` reads better as `[-個省級-]{+个省级+}`, and is shorter), as
/// diff-match-patch's semantic clean-up does; runs removed or added alone are left as they are.
fn tidy(parts: Vec<Part>) -> Vec<Part> {
    let len = |p: &Part| p.text.chars().count();
    let mut out: Vec<Part> = Vec::with_capacity(parts.len());
    let mut i = 0;
    while i < parts.len() {
        let n = out.len();
        let before = (n >= 2 && out[n - 2].op == Op::Removed && out[n - 1].op == Op::Added)
            .then(|| len(&out[n - 2]).max(len(&out[n - 1])));
        let after =
            (i + 2 < parts.len() && parts[i + 1].op == Op::Removed && parts[i + 2].op == Op::Added)
                .then(|| len(&parts[i + 1]).max(len(&parts[i + 2])));
        match (before, after) {
            (Some(b), Some(a)) if parts[i].op == Op::Same && len(&parts[i]) <= b.min(a) => {
                let kept = &parts[i].text;
                out[n - 2].text.push_str(kept);
                out[n - 2].text.push_str(&parts[i + 1].text);
                out[n - 1].text.push_str(kept);
                out[n - 1].text.push_str(&parts[i + 2].text);
                i += 3;
            }
            _ => {
                out.push(parts[i].clone());
                i += 1;
            }
        }
    }
    out
}

/// Display columns of a character (a Han character takes two).
fn width(c: char) -> usize {
    c.width().unwrap_or(0)
}

/// Whether `run`, kept between two changes, is too wide to show whole: wider than the
/// contexts of two hunks and the ten or so columns a second hunk's position and `…` marks
/// take (changes closer than that read better, and shorter, as one hunk).
fn wider_than_contexts(run: &[char]) -> bool {
    let mut w = 0;
    run.iter().any(|&c| {
        w += width(c);
        w > 2 * CONTEXT + 10
    })
}

/// Where the context before a change at `start` begins: up to [`CONTEXT`] columns back, not
/// past a line break.
fn context_start(text: &[char], start: usize) -> usize {
    let mut from = start;
    let mut w = 0;
    while from > 0 && text[from - 1] != '\n' && w + width(text[from - 1]) <= CONTEXT {
        from -= 1;
        w += width(text[from]);
    }
    from
}

/// Where the context after a change ending at `end` stops.
fn context_end(text: &[char], end: usize) -> usize {
    let mut to = end;
    let mut w = 0;
    while to < text.len() && text[to] != '\n' && w + width(text[to]) <= CONTEXT {
        w += width(text[to]);
        to += 1;
    }
    to
}

/// When `text[at..at + len]` (removed or added) is whole lines, or whole lines shifted by
/// one character (a removed `\nB` after line A is line `B\n` removed), the range of those
/// lines with their line breaks.
fn whole_lines(text: &[char], at: usize, len: usize) -> Option<std::ops::Range<usize>> {
    let end = at + len;
    let starts_line = |i: usize| i == 0 || text[i - 1] == '\n';
    if len > 0 && starts_line(at) && text[end - 1] == '\n' {
        return Some(at..end);
    }
    if len > 1 && text[at] == '\n' && end < text.len() && text[end] == '\n' && starts_line(at + 1) {
        return Some(at + 1..end + 1);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// `old` with `hunks` applied: what a tool reading the hunks would rebuild.
    fn apply(old: &str, hunks: &[Hunk]) -> String {
        let mut lines: Vec<String> = old.split_inclusive('\n').map(String::from).collect();
        // Each hunk as (char offset in old, old text, new text), applied from the last.
        let offset = |line: usize, column: usize| -> usize {
            let before: usize = lines[..line - 1].iter().map(|l| l.chars().count()).sum();
            before + column - 1
        };
        let mut edits = Vec::new();
        for h in hunks {
            let (from, to) = match h.kind {
                Kind::Change => (h.before(), h.after()),
                Kind::RemovedLine => (h.parts[0].text.clone() + "\n", String::new()),
                Kind::AddedLine => (String::new(), h.parts[0].text.clone() + "\n"),
            };
            edits.push((offset(h.line, h.column), from, to));
        }
        let mut text: Vec<char> = lines.concat().chars().collect();
        for (at, from, to) in edits.into_iter().rev() {
            let end = at + from.chars().count();
            assert_eq!(
                text[at..end].iter().collect::<String>(),
                from,
                "hunk at {at}"
            );
            text.splice(at..end, to.chars());
        }
        lines.clear();
        text.into_iter().collect()
    }

    #[test]
    fn equal_texts_have_no_hunks() {
        assert!(hunks("甲乙\n丙", "甲乙\n丙").is_empty());
    }

    #[test]
    fn a_change_in_a_long_line_has_its_position_and_cut_context() {
        let old = format!("標題\n{}為經濟{}\n", "前".repeat(30), "後".repeat(30));
        let new = format!("標題\n{}为经济{}\n", "前".repeat(30), "後".repeat(30));
        let h = hunks(&old, &new);
        assert_eq!(h.len(), 1);
        assert_eq!((h[0].kind, h[0].line, h[0].column), (Kind::Change, 2, 31));
        // CONTEXT columns: half as many Han characters.
        assert_eq!(h[0].context_before, "前".repeat(CONTEXT / 2));
        assert_eq!(h[0].context_after, "後".repeat(CONTEXT / 2));
        assert!(h[0].cut_before && h[0].cut_after);
        assert_eq!(
            (h[0].before(), h[0].after()),
            ("為經濟".into(), "为经济".into())
        );
    }

    #[test]
    fn changes_close_together_are_one_hunk_far_apart_two() {
        let close = hunks("甲為乙為丙", "甲为乙为丙");
        assert_eq!(close.len(), 1);
        assert!(!close[0].cut_before && !close[0].cut_after);
        let far = format!("為{}為", "中".repeat(40));
        assert_eq!(hunks(&far, &far.replace('為', "为")).len(), 2);
    }

    #[test]
    fn template_lines_around_a_rewritten_title_are_removed_whole() {
        let old = "推進(jìn)經濟_第1頁\n推進(jìn)經濟_第2頁\n全文預覽已結束\n\n下載本文檔\n正文\n";
        let new = "推进经济\n正文\n";
        let h = hunks(old, new);
        let removed: Vec<usize> = h
            .iter()
            .filter(|h| h.kind == Kind::RemovedLine)
            .map(|h| h.line)
            .collect();
        assert!(removed.contains(&3) && removed.contains(&5), "{h:#?}");
        assert_eq!(apply(old, &h), new);
    }

    #[test]
    fn a_join_across_lines_is_one_change() {
        let h = hunks("前文\n\n2、後文\n", "前文後文\n");
        assert_eq!(h.len(), 1);
        assert_eq!(h[0].kind, Kind::Change);
        assert_eq!(h[0].before(), "\n\n2、");
        assert_eq!(h[0].after(), "");
    }

    #[test]
    fn replacements_one_character_apart_are_joined() {
        let h = hunks("個省級", "个省级");
        assert_eq!(
            h[0].parts,
            vec![
                Part {
                    op: Op::Removed,
                    text: "個省級".into()
                },
                Part {
                    op: Op::Added,
                    text: "个省级".into()
                },
            ]
        );
    }

    #[test]
    fn a_last_line_without_line_break() {
        for (old, new) in [
            ("a\nb", "a\n"),
            ("a\n", "a\nb"),
            ("a", "a\n"),
            ("", "x"),
            ("x", ""),
        ] {
            assert_eq!(apply(old, &hunks(old, new)), new, "{old:?} -> {new:?}");
        }
    }

    proptest! {
        #[test]
        fn hunks_rebuild_the_new_text(
            old in "[甲乙丙為 a\n]{0,60}",
            edits in proptest::collection::vec((0usize..60, 0usize..4, "[为乙x \n]{0,3}"), 0..6),
        ) {
            let mut new: Vec<char> = old.chars().collect();
            for (at, len, with) in edits {
                let at = at.min(new.len());
                let end = (at + len).min(new.len());
                new.splice(at..end, with.chars());
            }
            let new: String = new.into_iter().collect();
            let h = hunks(&old, &new);
            prop_assert_eq!(apply(&old, &h), new);
        }
    }

    proptest! {
        #[test]
        fn hunks_rebuild_after_lines_removed_and_rewritten(
            lines in proptest::collection::vec("[甲乙丙為的 a]{0,8}", 1..12),
            keep in proptest::collection::vec(0u8..4, 12),
            newline_at_end: bool,
        ) {
            let mut old = lines.join("\n");
            let mut new: Vec<String> = Vec::new();
            for (k, l) in lines.iter().enumerate() {
                match keep[k] {
                    0 => {}
                    1 => new.push(l.replace('為', "为")),
                    _ => new.push(l.clone()),
                }
            }
            let mut new = new.join("\n");
            if newline_at_end {
                old.push('\n');
                new.push('\n');
            }
            let h = hunks(&old, &new);
            prop_assert_eq!(apply(&old, &h), new);
        }
    }
}
