//! `--report-html FILE`: one self-contained HTML page about a run, for people.
//!
//! It holds, in order: summary tiles (files cleaned, changed, skipped, failed; bytes in and
//! out; time and MB/s; encodings), charts ([`svg`]: changes per stage, how much each page
//! changed, encodings, files per directory), the boilerplate lines the run learned and the
//! frequent ones it held back, the failed and skipped files with their reasons, and the
//! before and after of the most changed pages and of a seeded random sample ([`sample`]),
//! side by side, changes highlighted as `--explain` marks them, each one collapsible.
//!
//! Self-contained: styles and charts are inline, there is no script, and the page's content
//! security policy forbids loading anything (a browser that tried would say so).
//!
//! Bounded whatever the run's size: the charts are aggregates, lists stop at
//! [`MAX_LISTED`] rows, and the samples at [`sample::KEEP`] pages of each kind with at most
//! [`MAX_HUNKS`] hunks each. Everything but the time and speed is the same whatever `--jobs`
//! is.

pub mod sample;
mod svg;

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use zhclean::hunks::{self, Hunk, Kind, Op};

use self::sample::{Sample, Samples};
use super::explain::visible;
use super::learn::Learning;
use super::report::{human, FileEntry, Status, Summary};

/// Rows listed per table (failed files, skipped files, learned lines) before "and N more".
pub const MAX_LISTED: usize = 200;
/// Hunks shown per sampled page before "and N more".
pub const MAX_HUNKS: usize = 150;
/// Characters shown per side of a hunk (a stage that rewrote a whole page makes one hunk of
/// it) before "N more".
const MAX_SIDE: usize = 1200;
/// HTML per sampled page, about: no more hunks are added past it.
const MAX_PAGE: usize = 40 * 1024;
/// Directories charted (the ones with the most files; the rest as one bar).
const MAX_DIRECTORIES: usize = 12;

const STYLE: &str = include_str!("style.css");

/// Everything the report shows.
pub struct Run<'a> {
    pub inputs: &'a [PathBuf],
    pub check: bool,
    pub summary: &'a Summary,
    /// Every file, sorted by path.
    pub entries: &'a [FileEntry],
    pub learning: &'a Learning,
    pub elapsed: Duration,
    pub samples: &'a Samples,
}

/// The whole page.
pub fn render(run: &Run) -> String {
    let mut h = String::with_capacity(64 * 1024);
    let inputs: Vec<String> = run
        .inputs
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let _ = write!(
        h,
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<link rel="icon" href="data:,">
<title>zhclean report: {}</title>
<style>
{STYLE}</style>
</head>
<body>
<header><h1>zhclean report</h1><p class="sub">{} · zhclean {}{}</p></header>
<main>
"#,
        escape(&inputs.join(", ")),
        escape(&inputs.join(", ")),
        env!("CARGO_PKG_VERSION"),
        if run.check {
            " · --check: nothing written"
        } else {
            ""
        },
    );
    tiles(&mut h, run);
    charts(&mut h, run);
    boilerplate(&mut h, run.learning);
    problems(&mut h, run.entries);
    samples(&mut h, run.samples);
    h.push_str("</main>\n</body>\n</html>\n");
    h
}

/// Escapes text for HTML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn tiles(h: &mut String, run: &Run) {
    let s = run.summary;
    let secs = run.elapsed.as_secs_f64().max(1e-9);
    let encodings: Vec<String> = s
        .encodings
        .iter()
        .map(|(e, n)| format!("{e} {}", svg::group(*n)))
        .collect();
    let verb = if run.check { "checked" } else { "cleaned" };
    let tiles: [(&str, String, &str); 10] = [
        ("files", svg::group(s.files), ""),
        (verb, svg::group(s.cleaned), ""),
        ("changed", svg::group(s.changed), ""),
        ("skipped", svg::group(s.skipped), ""),
        (
            "failed",
            svg::group(s.failed),
            if s.failed > 0 { "bad" } else { "" },
        ),
        ("bytes in", human(s.bytes_in), ""),
        ("bytes out", human(s.bytes_out), ""),
        ("time", format!("{secs:.2} s"), ""),
        (
            "speed",
            format!("{:.2} MB/s", s.bytes_in as f64 / secs / 1e6),
            "",
        ),
        (
            "encodings",
            if encodings.is_empty() {
                "none".into()
            } else {
                encodings.join(", ")
            },
            "wide",
        ),
    ];
    h.push_str("<section class=\"tiles\">\n");
    for (label, value, class) in tiles {
        let _ = writeln!(
            h,
            r#"<div class="tile {class}"><div class="value">{}</div><div class="label">{label}</div></div>"#,
            escape(&value)
        );
    }
    if s.resumed > 0 || s.records > 0 || s.undecodable > 0 {
        let _ = writeln!(
            h,
            r#"<p class="note">{} resumed from an earlier run · {} JSONL records, {} bad lines · {} undecodable byte sequences</p>"#,
            svg::group(s.resumed),
            svg::group(s.records),
            svg::group(s.bad_lines),
            svg::group(s.undecodable)
        );
    }
    h.push_str("</section>\n");
}

fn charts(h: &mut String, run: &Run) {
    let stages: Vec<(String, u64)> = run
        .summary
        .counts
        .0
        .iter()
        .map(|(s, n)| (s.to_string(), *n))
        .collect();
    let hist = &run.samples.histogram;
    let mut buckets = vec![("none".to_string(), hist[0])];
    for (k, n) in hist.iter().enumerate().skip(1) {
        buckets.push((format!("≤{}%", k * 10), *n));
    }
    let encodings: Vec<(String, u64)> = run
        .summary
        .encodings
        .iter()
        .map(|(e, n)| (e.to_string(), *n))
        .collect();
    h.push_str("<section class=\"charts\">\n");
    let figure = |h: &mut String, title: &str, note: &str, svg: String| {
        let _ = writeln!(
            h,
            "<figure><figcaption>{title}<span>{note}</span></figcaption>{svg}</figure>"
        );
    };
    figure(
        h,
        "Changes per stage",
        "each stage's own count, in pipeline order",
        svg::bars("changes per stage", &stages),
    );
    figure(
        h,
        "How much each page changed",
        &format!(
            "{} pages (files and JSONL records) by the share of their characters removed or \
             replaced",
            svg::group(run.samples.pages)
        ),
        svg::histogram("pages by share changed", &buckets),
    );
    figure(
        h,
        "Encodings",
        "files cleaned, by detected input encoding",
        svg::bars("encodings", &encodings),
    );
    figure(
        h,
        "Files per directory",
        "files found (cleaned, skipped or failed); the directories with the most",
        svg::bars("files per directory", &directories(run.entries)),
    );
    h.push_str("</section>\n");
}

/// Files per parent directory, the largest first, the rest as one bar.
fn directories(entries: &[FileEntry]) -> Vec<(String, u64)> {
    let mut counts: HashMap<&str, u64> = HashMap::new();
    for e in entries {
        let dir = Path::new(&e.path)
            .parent()
            .and_then(|p| p.to_str())
            .filter(|p| !p.is_empty())
            .unwrap_or(".");
        *counts.entry(dir).or_default() += 1;
    }
    let mut list: Vec<(String, u64)> = counts
        .into_iter()
        .map(|(d, n)| (d.to_string(), n))
        .collect();
    list.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    if list.len() > MAX_DIRECTORIES {
        let rest: Vec<(String, u64)> = list.split_off(MAX_DIRECTORIES - 1);
        let n: u64 = rest.iter().map(|(_, n)| n).sum();
        list.push((format!("{} more directories", rest.len()), n));
    }
    list
}

fn boilerplate(h: &mut String, learning: &Learning) {
    let _ = writeln!(
        h,
        "<section><h2>Learned boilerplate</h2><p class=\"note\">{}</p>",
        escape(&learning.note)
    );
    if !learning.lines.is_empty() {
        h.push_str(
            "<table><thead><tr><th>line (as learned: simplified, spacing and digits \
             normalised)</th><th class=\"num\">documents</th><th class=\"num\">pages</th></tr>\
             </thead><tbody>\n",
        );
        for l in learning.lines.iter().take(MAX_LISTED) {
            let _ = writeln!(
                h,
                r#"<tr><td class="text">{}</td><td class="num">{}</td><td class="num">{}</td></tr>"#,
                escape(&l.key),
                svg::group(l.documents as u64),
                svg::group(l.pages)
            );
        }
        more(h, learning.lines.len(), 3);
        h.push_str("</tbody></table>\n");
    }
    if !learning.held_back.is_empty() {
        h.push_str(
            "<h3>Held back</h3><p class=\"note\">Frequent enough, but often in the middle of \
             pages: the documents' own text, left alone.</p><table><thead><tr><th>line</th>\
             <th class=\"num\">documents</th><th class=\"num\">pages mid-page</th></tr></thead>\
             <tbody>\n",
        );
        for b in learning.held_back.iter().take(MAX_LISTED) {
            let _ = writeln!(
                h,
                r#"<tr><td class="text">{}</td><td class="num">{}</td><td class="num">{}</td></tr>"#,
                escape(&b.line.key),
                svg::group(b.line.documents as u64),
                svg::group(b.mid_pages)
            );
        }
        more(h, learning.held_back.len(), 3);
        h.push_str("</tbody></table>\n");
    }
    h.push_str("</section>\n");
}

/// The "and N more" row of a table cut at [`MAX_LISTED`].
fn more(h: &mut String, total: usize, columns: usize) {
    if total > MAX_LISTED {
        let _ = writeln!(
            h,
            r#"<tr><td colspan="{columns}" class="more">… and {} more (see --report)</td></tr>"#,
            svg::group((total - MAX_LISTED) as u64)
        );
    }
}

fn problems(h: &mut String, entries: &[FileEntry]) {
    for (title, status) in [
        ("Failed files", Status::Failed),
        ("Skipped files", Status::Skipped),
    ] {
        let list: Vec<&FileEntry> = entries.iter().filter(|e| e.status == status).collect();
        let _ = write!(
            h,
            "<section><h2>{title} <span class=\"count\">{}</span></h2>",
            list.len()
        );
        if list.is_empty() {
            h.push_str("<p class=\"note\">none</p></section>\n");
            continue;
        }
        h.push_str("<table><thead><tr><th>file</th><th>reason</th></tr></thead><tbody>\n");
        for e in list.iter().take(MAX_LISTED) {
            let _ = writeln!(
                h,
                r#"<tr><td class="path">{}</td><td>{}</td></tr>"#,
                escape(&e.path),
                escape(e.error.as_deref().unwrap_or(""))
            );
        }
        more(h, list.len(), 2);
        h.push_str("</tbody></table></section>\n");
    }
}

fn samples(h: &mut String, samples: &Samples) {
    for (title, note, list) in [
        (
            "Most changed pages",
            "by share of characters removed or replaced",
            &samples.most_changed,
        ),
        (
            "A random sample",
            "chosen by a seeded hash of the names: the same pages on every run",
            &samples.random,
        ),
    ] {
        let _ = writeln!(
            h,
            "<section><h2>{title}</h2><p class=\"note\">{note}; before on the left, after on the \
             right; open a page to see its changes.</p>"
        );
        if list.is_empty() {
            h.push_str("<p class=\"note\">none</p>");
        }
        for (i, s) in list.iter().enumerate() {
            // The first page of each list is open, to show what the others hold.
            page(h, s, i == 0);
        }
        h.push_str("</section>\n");
    }
}

/// One sampled page: a summary line, and its hunks side by side.
fn page(h: &mut String, s: &Sample, open: bool) {
    let _ = write!(
        h,
        r#"<details{}><summary><span class="path">{}</span> <span class="share">{:.0}% changed</span> <span class="count">{} of {} characters</span></summary>"#,
        if open { " open" } else { "" },
        escape(&s.name),
        s.share() * 100.0,
        svg::group(s.changed),
        svg::group(s.chars)
    );
    let Some((before, after)) = &s.texts else {
        let _ = writeln!(
            h,
            "<p class=\"note\">Too large to show here (over {} KB); <code>zhclean --explain</code> \
             shows it stage by stage.</p></details>",
            sample::MAX_TEXT / 1024
        );
        return;
    };
    let found = hunks::hunks(before, after);
    if found.is_empty() {
        h.push_str("<p class=\"note\">No change.</p></details>\n");
        return;
    }
    h.push_str(
        "<table class=\"diff\"><thead><tr><th class=\"pos\">line:col</th><th>before</th>\
         <th>after</th></tr></thead><tbody>\n",
    );
    let start = h.len();
    let mut shown = 0;
    for hunk in found.iter().take(MAX_HUNKS) {
        if h.len() - start > MAX_PAGE {
            break;
        }
        let _ = writeln!(
            h,
            r#"<tr><td class="pos">{}:{}</td><td class="old">{}</td><td class="new">{}</td></tr>"#,
            hunk.line,
            hunk.column,
            side(hunk, Op::Removed),
            side(hunk, Op::Added)
        );
        shown += 1;
    }
    if found.len() > shown {
        let _ = writeln!(
            h,
            r#"<tr><td colspan="3" class="more">… and {} more hunks (zhclean --explain shows them stage by stage)</td></tr>"#,
            found.len() - shown
        );
    }
    h.push_str("</tbody></table></details>\n");
}

/// One side of a hunk: the context and kept text, and this side's changes highlighted
/// (`<del>` before, `<ins>` after); at most [`MAX_SIDE`] characters of it.
fn side(hunk: &Hunk, changed: Op) -> String {
    let tag = if changed == Op::Removed { "del" } else { "ins" };
    let mut runs: Vec<(String, Option<&str>)> = Vec::new();
    if hunk.kind != Kind::Change {
        if hunk.parts.iter().any(|p| p.op == changed) {
            let class = if tag == "del" {
                "del class=\"line\""
            } else {
                "ins class=\"line\""
            };
            let line = match hunk.parts[0].text.as_str() {
                "" => "(blank line)".to_string(),
                text => visible(text, false),
            };
            runs.push((line, Some(class)));
        }
    } else {
        let cut = |yes: bool| if yes { "…" } else { "" };
        runs.push((
            format!(
                "{}{}",
                cut(hunk.cut_before),
                visible(&hunk.context_before, false)
            ),
            None,
        ));
        for p in &hunk.parts {
            if p.op == Op::Same {
                runs.push((visible(&p.text, false), None));
            } else if p.op == changed {
                runs.push((visible(&p.text, true), Some(tag)));
            }
        }
        runs.push((
            format!(
                "{}{}",
                visible(&hunk.context_after, false),
                cut(hunk.cut_after)
            ),
            None,
        ));
    }
    let total: usize = runs.iter().map(|(t, _)| t.chars().count()).sum();
    let mut left = MAX_SIDE;
    let mut out = String::new();
    for (text, tag) in runs {
        if left == 0 {
            break;
        }
        let n = text.chars().count();
        let text: String = text.chars().take(left).collect();
        left -= n.min(left);
        match tag {
            Some(open) => {
                let close = open.split(' ').next().unwrap_or(open);
                let _ = write!(out, "<{open}>{}</{close}>", escape(&text));
            }
            None => out.push_str(&escape(&text)),
        }
    }
    if total > MAX_SIDE {
        let _ = write!(
            out,
            "<span class=\"more\"> … {} more characters</span>",
            svg::group((total - MAX_SIDE) as u64)
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::sample::Sampler;
    use super::*;
    use crate::batch::learn::HeldBack;
    use zhclean::learn::LearnedLine;

    fn learning(n: usize) -> Learning {
        let line = |i: usize| LearnedLine {
            key: format!("下载本文档 {i}"),
            documents: 10 + i,
            pages: 20 + i as u64,
        };
        Learning {
            source: "learned",
            documents: 1000,
            threshold: 5,
            lines: (0..n).map(line).collect(),
            held_back: (0..n)
                .map(|i| HeldBack {
                    line: line(i),
                    mid_pages: 3,
                })
                .collect(),
            note: "learned <lines>".into(),
        }
    }

    fn report(entries: &[FileEntry], samples: &Samples, learned: usize) -> String {
        render(&Run {
            inputs: &[PathBuf::from("in")],
            check: false,
            summary: &Summary::of(entries),
            entries,
            learning: &learning(learned),
            elapsed: Duration::from_millis(1500),
            samples,
        })
    }

    #[test]
    fn the_page_loads_nothing_and_escapes_what_it_shows() {
        let mut failed = FileEntry::new("in/<b>.txt".into(), "text", Status::Failed);
        failed.error = Some("cannot read: <denied>".into());
        let sampler = Sampler::default();
        sampler.observe("in/a.txt", "標題\n為經濟<i>\n", "标题\n为经济<i>\n");
        let html = report(&[failed], &sampler.finish(), 3);
        assert!(html.starts_with("<!DOCTYPE html>"));
        for outside in ["<script", "src=", "http:", "https:", "@import", "url("] {
            let found = html.replace("http://www.w3.org/2000/svg", "");
            assert!(!found.contains(outside), "{outside} in the report");
        }
        assert!(html.contains("in/&lt;b&gt;.txt") && html.contains("cannot read: &lt;denied&gt;"));
        assert!(!html.contains("<b>") && !html.contains("<i>"));
        // The sample, side by side, its changes highlighted.
        assert!(html.contains("<del>為經濟</del>") && html.contains("<ins>为经济</ins>"));
        assert!(html.contains("learned &lt;lines&gt;") && html.contains("下载本文档 2"));
        assert!(html.contains("Held back"));
    }

    /// A run of a million files would list a million failures: the report stays a few
    /// hundred kilobytes whatever the count.
    #[test]
    fn the_report_is_bounded_whatever_the_run() {
        let sampler = Sampler::default();
        let page = format!("{}\n", "為經濟發達鎮".repeat(4000));
        for i in 0..200 {
            sampler.observe(&format!("in/d{i}/p.txt"), &page, &page.replace('為', "为"));
        }
        let samples = sampler.finish();
        let entries = |n: usize| -> Vec<FileEntry> {
            (0..n)
                .map(|i| {
                    let status = if i % 2 == 0 {
                        Status::Failed
                    } else {
                        Status::Skipped
                    };
                    let mut e =
                        FileEntry::new(format!("in/d{}/f{i:07}.txt", i % 5000), "text", status);
                    e.error = Some("binary file (NUL bytes)".into());
                    e
                })
                .collect()
        };
        let small = report(&entries(2_000), &samples, 100).len();
        let large = report(&entries(200_000), &samples, 50_000).len();
        assert!(large < 3 * 1024 * 1024, "{large} bytes");
        assert!(large < small + 64 * 1024, "{small} -> {large} bytes");
    }

    #[test]
    fn directories_are_counted_largest_first_the_rest_as_one() {
        let entries: Vec<FileEntry> = (0..100)
            .map(|i| FileEntry::new(format!("in/d{}/f{i}.txt", i % 20), "text", Status::Cleaned))
            .chain([FileEntry::new("top.txt".into(), "text", Status::Cleaned)])
            .collect();
        let dirs = directories(&entries);
        assert_eq!(dirs.len(), MAX_DIRECTORIES);
        assert_eq!(dirs[0], ("in/d0".to_string(), 5));
        assert_eq!(
            dirs.last().unwrap(),
            &("10 more directories".to_string(), 46)
        );
    }
}
