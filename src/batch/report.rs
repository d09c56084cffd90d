//! The batch report: one entry per file found, the `--report FILE.json` document and the
//! one-screen summary printed at the end of a run.
//!
//! Guarantees: entries are sorted by path and hold no timings, so the JSON report is
//! byte-identical whatever `--jobs` is; timings (files/s, MB/s) appear only in the printed
//! summary. Per-stage counts are listed in pipeline order.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Duration;

use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

/// Changes per stage, in pipeline order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts(pub Vec<(&'static str, u64)>);

impl Counts {
    /// Adds another page's counts (stage by stage, keeping pipeline order).
    pub fn add(&mut self, other: &[(&'static str, u64)]) {
        for &(stage, n) in other {
            match self.0.iter_mut().find(|(s, _)| *s == stage) {
                Some((_, total)) => *total += n,
                None => self.0.push((stage, n)),
            }
        }
    }
}

impl Serialize for Counts {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (stage, n) in &self.0 {
            map.serialize_entry(stage, n)?;
        }
        map.end()
    }
}

/// What happened to one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Cleaned (or, with `--check`, examined).
    Cleaned,
    /// Not cleaned, for the stated reason (binary, symlink, ...); not an error.
    Skipped,
    /// Already finished by an earlier run (`--resume`).
    Resumed,
    /// Could not be read, decoded or written; the reason is in `error`.
    Failed,
}

/// One file of the batch.
#[derive(Debug, Clone, Serialize)]
pub struct FileEntry {
    /// The input path as reached from the command line (lossy UTF-8 for display).
    pub path: String,
    /// The output path (none with `--check`, or when nothing was planned).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<String>,
    /// `text` or `jsonl`.
    pub kind: &'static str,
    pub status: Status,
    /// Whether cleaning changes the file (output bytes differ from input bytes; for a shard,
    /// whether any record's text changed).
    pub changed: bool,
    pub encoding: Option<&'static str>,
    pub bytes_in: u64,
    pub bytes_out: u64,
    /// Byte sequences that could not be decoded (replaced by U+FFFD).
    pub undecodable: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub records: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bad_lines: Option<u64>,
    pub counts: Counts,
    pub warnings: Vec<String>,
    /// Why the file was skipped or failed.
    pub error: Option<String>,
}

impl FileEntry {
    pub fn new(path: String, kind: &'static str, status: Status) -> Self {
        FileEntry {
            path,
            output: None,
            kind,
            status,
            changed: false,
            encoding: None,
            bytes_in: 0,
            bytes_out: 0,
            undecodable: 0,
            records: None,
            bad_lines: None,
            counts: Counts::default(),
            warnings: Vec::new(),
            error: None,
        }
    }
}

/// Totals over the batch.
#[derive(Debug, Default, Serialize)]
pub struct Summary {
    pub files: u64,
    pub cleaned: u64,
    pub changed: u64,
    pub skipped: u64,
    pub resumed: u64,
    pub failed: u64,
    pub bytes_in: u64,
    pub bytes_out: u64,
    pub undecodable: u64,
    pub records: u64,
    pub bad_lines: u64,
    pub encodings: BTreeMap<&'static str, u64>,
    pub counts: Counts,
}

impl Summary {
    pub fn of(entries: &[FileEntry]) -> Self {
        let mut s = Summary {
            counts: Counts(zhclean::pipeline::stage_names().map(|n| (n, 0)).collect()),
            ..Summary::default()
        };
        for e in entries {
            s.files += 1;
            match e.status {
                Status::Cleaned => s.cleaned += 1,
                Status::Skipped => s.skipped += 1,
                Status::Resumed => s.resumed += 1,
                Status::Failed => s.failed += 1,
            }
            s.changed += u64::from(e.changed);
            s.bytes_in += e.bytes_in;
            s.bytes_out += e.bytes_out;
            s.undecodable += e.undecodable;
            s.records += e.records.unwrap_or(0);
            s.bad_lines += e.bad_lines.unwrap_or(0);
            if let (Some(enc), Status::Cleaned) = (e.encoding, e.status) {
                *s.encodings.entry(enc).or_default() += 1;
            }
            s.counts.add(&e.counts.0);
        }
        s
    }
}

/// The `--report` document.
#[derive(Serialize)]
pub struct Report<'a> {
    pub zhclean: &'static str,
    pub check: bool,
    pub summary: &'a Summary,
    /// The boilerplate list the run used and where it came from (absent for stdin).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub boilerplate: Option<&'a super::learn::Learning>,
    pub files: &'a [FileEntry],
}

/// Entries listed in the printed summary before "and N more".
const MAX_LISTED: usize = 15;

/// The one-screen summary printed at the end of a run.
pub fn summary_text(s: &Summary, entries: &[FileEntry], elapsed: Duration, check: bool) -> String {
    let secs = elapsed.as_secs_f64().max(1e-9);
    let mut t = String::new();
    let verb = if check { "checked" } else { "cleaned" };
    let _ = writeln!(
        t,
        "zhclean: {} files: {} {verb} ({} changed), {} resumed, {} skipped, {} failed",
        s.files, s.cleaned, s.changed, s.resumed, s.skipped, s.failed
    );
    let _ = writeln!(
        t,
        "  bytes: {} in, {} out; {:.2} s, {:.1} files/s, {:.2} MB/s",
        human(s.bytes_in),
        human(s.bytes_out),
        secs,
        (s.cleaned as f64) / secs,
        (s.bytes_in as f64) / secs / 1e6
    );
    if !s.encodings.is_empty() {
        let list: Vec<String> = s
            .encodings
            .iter()
            .map(|(e, n)| format!("{e} {n}"))
            .collect();
        let _ = writeln!(t, "  encodings: {}", list.join(", "));
    }
    if s.undecodable > 0 {
        let files = entries.iter().filter(|e| e.undecodable > 0).count();
        let _ = writeln!(
            t,
            "  undecodable byte sequences: {} in {files} files (replaced by U+FFFD)",
            s.undecodable
        );
    }
    if s.records > 0 || s.bad_lines > 0 {
        let _ = writeln!(
            t,
            "  JSONL: {} records, {} bad lines",
            s.records, s.bad_lines
        );
    }
    let stages: Vec<String> = s
        .counts
        .0
        .iter()
        .map(|(stage, n)| format!("{stage} {n}"))
        .collect();
    let _ = writeln!(t, "  changes by stage: {}", stages.join(", "));
    for (label, status) in [("skipped", Status::Skipped), ("failed", Status::Failed)] {
        let list: Vec<&FileEntry> = entries.iter().filter(|e| e.status == status).collect();
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(t, "  {label}:");
        for e in list.iter().take(MAX_LISTED) {
            let _ = writeln!(t, "    {}: {}", e.path, e.error.as_deref().unwrap_or("?"));
        }
        if list.len() > MAX_LISTED {
            let _ = writeln!(
                t,
                "    ... and {} more (see --report)",
                list.len() - MAX_LISTED
            );
        }
    }
    t
}

/// `1536` as `1.5 KiB`.
pub fn human(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KiB", "MiB", "GiB"];
    let mut v = bytes as f64;
    let mut u = 0;
    while v >= 1024.0 && u < UNITS.len() - 1 {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{bytes} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}
