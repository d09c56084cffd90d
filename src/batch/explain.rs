//! `--explain FILE`: every change made to one file, stage by stage, as a readable diff.
//!
//! For each stage, in pipeline order: its change count, then the lines it touched. A line the
//! stage rewrote is shown once, with the changed characters marked in place
//! (`[-removed-]{+added+}`, as `git diff --word-diff` does), which reads better than two whole
//! lines for Chinese text where a stage changes a character here and there. Lines removed or
//! added outright are shown with `-` and `+`. Nothing is written to disk.

use std::fmt::Write as _;
use std::io::{self, Write};
use std::path::Path;

use zhclean::{Cleaner, StageChange};

use super::{decode, jsonl, BatchError, Outcome};

/// Diffs larger than this many cells (old length × new length) are shown as whole-line
/// replacements instead of being aligned, to keep `--explain` fast on huge inputs.
const MAX_CELLS: usize = 4_000_000;

pub fn run(cleaner: &Cleaner, path: &Path) -> anyhow::Result<Outcome> {
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
    let decoded = decode::decode(&bytes)
        .map_err(|b| BatchError::Usage(format!("{}: {}", path.display(), b.0)))?;
    let steps = cleaner.explain(&decoded.text);
    let mut text = format!(
        "zhclean --explain {} (encoding {}, {} undecodable byte sequences)\n",
        path.display(),
        decoded.encoding,
        decoded.undecodable
    );
    text.push_str(&render(&steps, cleaner));
    // The stages' individual decisions (a repaired garbage run, ...), when they noted any.
    let notes = cleaner.clean(&decoded.text).report.notes;
    if !notes.is_empty() {
        text.push_str("\nnotes:\n");
        for n in notes {
            text.push_str(&format!("  {n}\n"));
        }
    }
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())
        .map_err(BatchError::io("cannot write", Path::new("stdout")))?;
    Ok(Outcome::default())
}

/// The whole explanation as text.
pub fn render(steps: &[StageChange], cleaner: &Cleaner) -> String {
    let mut t = String::new();
    let mut total = 0;
    for name in zhclean::pipeline::stage_names() {
        let Some(step) = steps.iter().find(|s| s.stage == name) else {
            if !cleaner.config().enabled(name) {
                let _ = writeln!(t, "\n== {name}: disabled ==");
            }
            continue;
        };
        total += step.changes;
        if step.before == step.after {
            let _ = writeln!(
                t,
                "\n== {name}: {} changes, text unchanged ==",
                step.changes
            );
            continue;
        }
        let _ = writeln!(t, "\n== {name}: {} changes ==", step.changes);
        t.push_str(&line_diff(&step.before, &step.after));
    }
    let _ = writeln!(t, "\ntotal: {total} changes");
    t
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Same,
    Del,
    Ins,
}

/// Edit script from `a` to `b` (longest common subsequence, common ends trimmed first).
fn diff<T: PartialEq>(a: &[T], b: &[T]) -> Vec<Op> {
    let pre = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let suf = a[pre..]
        .iter()
        .rev()
        .zip(b[pre..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (ma, mb) = (&a[pre..a.len() - suf], &b[pre..b.len() - suf]);
    let mut ops = vec![Op::Same; pre];
    if ma.len().saturating_mul(mb.len()) > MAX_CELLS {
        ops.extend(std::iter::repeat_n(Op::Del, ma.len()));
        ops.extend(std::iter::repeat_n(Op::Ins, mb.len()));
    } else {
        // lcs[i][j] = LCS length of ma[i..] and mb[j..].
        let w = mb.len() + 1;
        let mut lcs = vec![0u32; (ma.len() + 1) * w];
        for i in (0..ma.len()).rev() {
            for j in (0..mb.len()).rev() {
                lcs[i * w + j] = if ma[i] == mb[j] {
                    lcs[(i + 1) * w + j + 1] + 1
                } else {
                    lcs[(i + 1) * w + j].max(lcs[i * w + j + 1])
                };
            }
        }
        let (mut i, mut j) = (0, 0);
        while i < ma.len() || j < mb.len() {
            if i < ma.len() && j < mb.len() && ma[i] == mb[j] {
                ops.push(Op::Same);
                i += 1;
                j += 1;
            } else if j < mb.len() && (i == ma.len() || lcs[i * w + j + 1] >= lcs[(i + 1) * w + j])
            {
                ops.push(Op::Ins);
                j += 1;
            } else {
                ops.push(Op::Del);
                i += 1;
            }
        }
    }
    ops.extend(std::iter::repeat_n(Op::Same, suf));
    ops
}

/// The changed lines between `before` and `after`, with line numbers of `before`.
fn line_diff(before: &str, after: &str) -> String {
    let a: Vec<&str> = before.split('\n').collect();
    let b: Vec<&str> = after.split('\n').collect();
    let ops = diff(&a, &b);
    let mut t = String::new();
    let (mut i, mut j, mut k) = (0, 0, 0);
    while k < ops.len() {
        if ops[k] == Op::Same {
            i += 1;
            j += 1;
            k += 1;
            continue;
        }
        // One hunk: the run of deletions and insertions up to the next unchanged line.
        let start = k;
        while k < ops.len() && ops[k] != Op::Same {
            k += 1;
        }
        let n_del = ops[start..k].iter().filter(|o| **o == Op::Del).count();
        let n_ins = (k - start) - n_del;
        let old = &a[i..i + n_del];
        let new = &b[j..j + n_ins];
        let paired = n_del.min(n_ins);
        for p in 0..paired {
            let _ = writeln!(t, "~{:>5} | {}", i + p + 1, word_diff(old[p], new[p]));
        }
        for (p, line) in old.iter().enumerate().skip(paired) {
            let _ = writeln!(t, "-{:>5} | {line}", i + p + 1);
        }
        for line in new.iter().skip(paired) {
            let _ = writeln!(t, "+{:>5} | {line}", "");
        }
        i += n_del;
        j += n_ins;
    }
    t
}

/// One rewritten line with the changes marked in place.
fn word_diff(old: &str, new: &str) -> String {
    let a: Vec<char> = old.chars().collect();
    let b: Vec<char> = new.chars().collect();
    let ops = diff(&a, &b);
    let mut t = String::new();
    let (mut i, mut j, mut k) = (0, 0, 0);
    while k < ops.len() {
        if ops[k] == Op::Same {
            t.push(a[i]);
            i += 1;
            j += 1;
            k += 1;
            continue;
        }
        let (mut del, mut ins) = (String::new(), String::new());
        while k < ops.len() && ops[k] != Op::Same {
            if ops[k] == Op::Del {
                del.push(a[i]);
                i += 1;
            } else {
                ins.push(b[j]);
                j += 1;
            }
            k += 1;
        }
        if !del.is_empty() {
            let _ = write!(t, "[-{}-]", visible(&del));
        }
        if !ins.is_empty() {
            let _ = write!(t, "{{+{}+}}", visible(&ins));
        }
    }
    t
}

/// Makes invisible changes (spaces, CR, zero-width characters) visible in the diff.
fn visible(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            ' ' => "␠".to_string(),
            '\r' => "␍".to_string(),
            '\t' => "␉".to_string(),
            c if c.is_whitespace() || matches!(c, '\u{200b}'..='\u{200f}' | '\u{feff}') => {
                format!("<U+{:04X}>", c as u32)
            }
            c => c.to_string(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewritten_lines_are_marked_in_place() {
        let d = line_diff("標題\n為經濟\n尾", "標題\n为经济\n尾");
        assert_eq!(d, "~    2 | [-為經濟-]{+为经济+}\n");
        assert_eq!(word_diff("a為b", "a为b"), "a[-為-]{+为+}b");
    }

    #[test]
    fn removed_and_added_lines() {
        assert_eq!(line_diff("a\nx\nb", "a\nb"), "-    2 | x\n");
        assert_eq!(line_diff("a\nb", "a\nb\n"), "+      | \n");
        assert_eq!(word_diff("a b", "ab"), "a[-␠-]b");
    }
}
