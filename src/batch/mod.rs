//! The batch layer: runs one [`Cleaner`] over directory trees and shards, in parallel, and
//! never loses a file.
//!
//! A run is: check where outputs go (never into an input tree), walk the inputs ([`walk`]),
//! plan one job per file with its mirrored output path, clean the jobs over rayon's pool,
//! and write the report. All text work is the library's; this layer only moves bytes.
//!
//! Guarantees:
//! - inputs are opened read-only and never written; an output directory inside an input
//!   directory (or an input inside the output directory, or a report inside an input
//!   directory) is refused before anything is read;
//! - every found file ends up in the report as cleaned, resumed, skipped (with the reason) or
//!   failed (with the reason); one bad file never stops the others;
//! - outputs appear whole or not at all ([`output`]); `--resume` picks up where a killed run
//!   stopped ([`manifest`]);
//! - output files and the JSON report are byte-identical whatever the number of threads: jobs
//!   are planned in path order, each output depends only on its own input, and results are
//!   sorted by path before they are reported.

pub mod commit;
pub mod decode;
pub mod explain;
pub mod html;
pub mod input;
pub mod jsonl;
pub mod learn;
pub mod manifest;
pub mod output;
pub mod progress;
pub mod record;
pub mod report;
pub mod report_html;
pub mod stdin;
pub mod walk;

use std::collections::HashMap;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use rayon::prelude::*;
use zhclean::Cleaner;

use self::commit::{Committer, SyncMode};
use self::input::{Kept, Page};
use self::jsonl::{Compression, ShardOptions};
use self::manifest::Manifest;
use self::progress::Progress;
pub use self::report::Counts;
use self::report::{FileEntry, Report, Status, Summary};
use self::walk::What;

/// Test hook, not a feature: `ZHCLEAN_TEST_ABORT_AFTER=N` aborts the process (as a kill would)
/// right after the N-th output has been committed, so tests can interrupt a run at an exact
/// point and check that `--resume` finishes it.
const ABORT_AFTER_ENV: &str = "ZHCLEAN_TEST_ABORT_AFTER";

/// What to do with a JSONL line that is not a JSON object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum BadLines {
    /// Copy the line to the output unchanged.
    Keep,
    /// Leave the line out of the output.
    Skip,
}

/// A validated batch run.
#[derive(Debug)]
pub struct Options {
    pub inputs: Vec<PathBuf>,
    pub output: PathBuf,
    pub check: bool,
    pub resume: bool,
    pub follow_symlinks: bool,
    pub quiet: bool,
    pub report: Option<PathBuf>,
    /// `--report-html`: the page for people.
    pub report_html: Option<PathBuf>,
    pub text_field: String,
    pub bad_lines: BadLines,
    /// `--sync`: when outputs are flushed to disk ([`commit`]).
    pub sync: SyncMode,
    /// Which inputs are HTML (`--input-format`).
    pub input_format: zhclean::extract::Format,
    /// Pass 1: how the boilerplate list is learned or loaded.
    pub learn: learn::LearnSettings,
    /// `--keep-memory`: bytes of pages pass 1 may keep for pass 2 ([`input::Kept`]).
    pub keep_memory: u64,
}

/// Errors that stop a run before or after the per-file work (per-file problems are entries
/// in the report, not errors).
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    /// The command line or configuration cannot be used.
    #[error("{0}")]
    Usage(String),
    #[error(transparent)]
    Config(#[from] zhclean::ConfigError),
    #[error("{what} {}: {source}", path.display())]
    Io {
        what: &'static str,
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

impl BatchError {
    /// Whether this is bad usage (exit status 2).
    pub fn is_usage(&self) -> bool {
        matches!(self, BatchError::Usage(_) | BatchError::Config(_))
    }

    fn io<'a>(what: &'static str, path: &'a Path) -> impl FnOnce(io::Error) -> BatchError + 'a {
        move |source| BatchError::Io {
            what,
            path: path.to_path_buf(),
            source,
        }
    }
}

/// How a run ended, for the exit status.
#[derive(Debug, Default)]
pub struct Outcome {
    pub failed: u64,
    /// With `--check`: files that cleaning would change.
    pub would_change: u64,
}

impl Outcome {
    pub fn exit_code(&self) -> u8 {
        u8::from(self.failed > 0 || self.would_change > 0)
    }
}

/// One file to clean.
struct Job {
    path: PathBuf,
    display: String,
    /// Output path relative to the output directory (the manifest key).
    out_rel: PathBuf,
    size: u64,
    shard: Option<Compression>,
}

/// Shared, read-only state of the workers.
struct Ctx<'a> {
    cleaner: &'a Cleaner,
    opts: &'a Options,
    out_dir: &'a Path,
    manifest: Option<&'a Manifest>,
    /// Records finished outputs in the manifest (none with `--check`).
    committer: Option<&'a Committer<'a>>,
    settings: String,
    progress: Progress,
    committed: AtomicUsize,
    abort_after: Option<usize>,
    /// With `--report-html`: sees every page cleaned.
    sampler: Option<report_html::sample::Sampler>,
    /// Pages pass 1 read, for pass 2.
    kept: &'a Kept,
}

/// Runs a batch.
pub fn run(cleaner: &Cleaner, opts: &Options) -> anyhow::Result<Outcome> {
    let started = Instant::now();
    refuse_overlaps(opts)?;

    // The garbage stage's tables take a while to build (about as long as the rest of
    // start-up) and the first page to need them would make every other thread wait. Pass 1
    // does not need them: they are built on a thread of their own while the inputs are listed
    // and learned from, whatever the number of workers.
    let (jobs, mut entries, kept, learning) = std::thread::scope(|s| {
        s.spawn(|| cleaner.prepare());
        let mut found = Vec::new();
        for input in &opts.inputs {
            walk::walk(input, opts.follow_symlinks, &mut found);
        }
        let (jobs, entries) = plan(found);
        // Pass 1: learn the batch's boilerplate (then clean with a cleaner that knows it).
        let kept = Kept::new(jobs.len(), opts.keep_memory);
        let learning = learn::learn(cleaner, &jobs, opts, &kept)?;
        Ok::<_, BatchError>((jobs, entries, kept, learning))
    })?;
    let with_list;
    let cleaner = if learning.lines.is_empty() {
        cleaner
    } else {
        with_list = cleaner.with_boilerplate(learning.keys());
        &with_list
    };

    let manifest = if opts.check {
        None
    } else {
        let out = &opts.output;
        fs::create_dir_all(out).map_err(BatchError::io("cannot create output directory", out))?;
        output::remove_stale_temps(out)
            .map_err(BatchError::io("cannot clean up temporary files in", out))?;
        Some(
            Manifest::open(out, opts.resume)
                .map_err(BatchError::io("cannot open the manifest in", out))?,
        )
    };
    let flush: Box<dyn commit::Flush> = match opts.sync {
        SyncMode::Group if manifest.is_some() => {
            Box::new(commit::Syncfs::new(&opts.output).map_err(BatchError::io(
                "cannot open the output directory",
                &opts.output,
            ))?)
        }
        _ => Box::new(commit::NoFlush),
    };
    let committer = manifest
        .as_ref()
        .map(|m| Committer::new(m, opts.sync, flush, group_limits()));
    let ctx = Ctx {
        cleaner,
        opts,
        out_dir: &opts.output,
        manifest: manifest.as_ref(),
        committer: committer.as_ref(),
        // The learned list shapes every output: a run that learned another one must not
        // resume from this one's outputs.
        settings: manifest::settings_fingerprint(
            cleaner.config(),
            &opts.text_field,
            &format!("{:?}\n{}", opts.bad_lines, learning.keys().join("\n")),
        ),
        progress: Progress::new(
            jobs.len() as u64,
            jobs.iter().map(|j| j.size).sum(),
            opts.quiet,
        ),
        committed: AtomicUsize::new(0),
        abort_after: std::env::var(ABORT_AFTER_ENV)
            .ok()
            .and_then(|v| v.parse().ok()),
        sampler: opts.report_html.as_ref().map(|_| Default::default()),
        kept: &kept,
    };

    // One file per piece of work. Rayon's default splits the list into a few long runs that
    // a thread works through without letting go, so the last run held a thread for up to a
    // fifth of a 2-thread run after the other ran out of work (`perf` on 10,000 pages). A
    // file costs far more than a split.
    // With groups, a syncer thread flushes and records them while the workers go on (it
    // mostly waits on the disk).
    let results: Vec<(FileEntry, Option<manifest::Entry>)> = std::thread::scope(|s| {
        if let Some(c) = ctx.committer.filter(|c| c.needs_syncer()) {
            s.spawn(|| c.syncer());
        }
        let results = jobs
            .par_iter()
            .enumerate()
            .with_max_len(1)
            .map(|(index, job)| process(&ctx, index, job))
            .collect();
        if let Some(c) = ctx.committer {
            c.close();
        }
        results
    });
    ctx.progress.finish();
    let sampler = ctx.sampler;

    // An output whose group could not be flushed is not finished: it fails, with the reason.
    let unsynced: HashMap<String, String> = committer
        .map(|c| c.into_unsynced())
        .unwrap_or_default()
        .into_iter()
        .map(|u| (u.output, u.reason))
        .collect();
    let mut recorded = Vec::new();
    for (mut entry, done) in results {
        match done {
            Some(d) if unsynced.contains_key(&d.output) => {
                entry.status = Status::Failed;
                entry.error = unsynced.get(&d.output).cloned();
            }
            d => recorded.extend(d),
        }
        entries.push(entry);
    }
    if let Some(m) = manifest {
        m.finish(recorded, opts.sync != SyncMode::None)
            .map_err(BatchError::io("cannot write the manifest in", &opts.output))?;
    }
    entries.sort_by(|a, b| a.path.cmp(&b.path));

    let summary = Summary::of(&entries);
    if let Some(path) = &opts.report {
        write_report(path, &summary, Some(&learning), &entries, opts.check)?;
    }
    if let (Some(path), Some(sampler)) = (&opts.report_html, sampler) {
        let html = report_html::render(&report_html::Run {
            inputs: &opts.inputs,
            check: opts.check,
            summary: &summary,
            entries: &entries,
            learning: &learning,
            elapsed: started.elapsed(),
            samples: &sampler.finish(),
        });
        output::write_all(path, html.as_bytes(), false)
            .map_err(BatchError::io("cannot write the HTML report", path))?;
    }
    if opts.check {
        let mut out = io::stdout().lock();
        for e in entries.iter().filter(|e| e.changed) {
            writeln!(out, "{}", e.path)
                .map_err(BatchError::io("cannot write to", Path::new("stdout")))?;
        }
    }
    let failures: Vec<&FileEntry> = entries
        .iter()
        .filter(|e| e.status == Status::Failed)
        .collect();
    if opts.quiet {
        for e in &failures {
            eprintln!(
                "zhclean: {}: {}",
                e.path,
                e.error.as_deref().unwrap_or("failed")
            );
        }
    } else {
        eprint!(
            "{}",
            report::summary_text(&summary, &entries, started.elapsed(), opts.check)
        );
        eprintln!("  boilerplate: {}", learning.note);
    }
    Ok(Outcome {
        failed: summary.failed,
        would_change: if opts.check { summary.changed } else { 0 },
    })
}

/// Writes the JSON report atomically.
pub fn write_report(
    path: &Path,
    summary: &Summary,
    boilerplate: Option<&learn::Learning>,
    entries: &[FileEntry],
    check: bool,
) -> Result<(), BatchError> {
    let report = Report {
        zhclean: env!("CARGO_PKG_VERSION"),
        check,
        summary,
        boilerplate,
        files: entries,
    };
    let mut json = serde_json::to_vec_pretty(&report).map_err(|e| BatchError::Io {
        what: "cannot serialise the report for",
        path: path.to_path_buf(),
        source: io::Error::other(e),
    })?;
    json.push(b'\n');
    output::write_all(path, &json, false).map_err(BatchError::io("cannot write the report", path))
}

/// Refuses runs that would write into an input tree (with `--check`, only the report is
/// written, so only the report's place is checked).
fn refuse_overlaps(opts: &Options) -> Result<(), BatchError> {
    let out = walk::resolve(&opts.output).map_err(BatchError::io(
        "cannot resolve output directory",
        &opts.output,
    ))?;
    let mut reports = Vec::new();
    for r in opts.report.iter().chain(&opts.report_html) {
        let resolved = walk::resolve(r).map_err(BatchError::io("cannot resolve report path", r))?;
        reports.push((r, resolved));
    }
    for input in &opts.inputs {
        // Missing inputs are reported per file later; nothing to compare here.
        let Ok(inp) = fs::canonicalize(input) else {
            continue;
        };
        let is_dir = inp.is_dir();
        if !opts.check && is_dir && out.starts_with(&inp) {
            return Err(BatchError::Usage(format!(
                "refusing to write into the input tree: output directory {} is inside input \
                 directory {}; choose an output directory outside it with -o DIR",
                opts.output.display(),
                input.display()
            )));
        }
        if !opts.check && inp.starts_with(&out) {
            return Err(BatchError::Usage(format!(
                "refusing to write into the input tree: input {} is inside output directory {}; \
                 choose another output directory with -o DIR",
                input.display(),
                opts.output.display()
            )));
        }
        for (given, rep) in &reports {
            if (is_dir && rep.starts_with(&inp)) || *rep == inp {
                return Err(BatchError::Usage(format!(
                    "refusing to write into the input tree: report {} is inside input {}",
                    given.display(),
                    input.display()
                )));
            }
        }
    }
    Ok(())
}

/// Turns what the walk found into jobs (sorted by path) and entries for what is not a job.
fn plan(found: Vec<walk::Found>) -> (Vec<Job>, Vec<FileEntry>) {
    let mut jobs: Vec<Job> = Vec::new();
    let mut entries = Vec::new();
    for f in found {
        let display = f.path.to_string_lossy().into_owned();
        let name = f
            .rel
            .file_name()
            .map(|n| n.as_encoded_bytes().to_vec())
            .unwrap_or_default();
        let shard = jsonl::shard_compression(&name);
        let kind = if shard.is_some() { "jsonl" } else { "text" };
        match f.what {
            What::File { size } => jobs.push(Job {
                out_rel: output::output_rel(&f.rel, shard.is_some()),
                path: f.path,
                display,
                size,
                shard,
            }),
            What::Skip(reason) => {
                let mut e = FileEntry::new(display, kind, Status::Skipped);
                e.error = Some(reason);
                entries.push(e);
            }
            What::Fail(reason) => {
                let mut e = FileEntry::new(display, kind, Status::Failed);
                e.error = Some(reason);
                entries.push(e);
            }
        }
    }
    jobs.sort_by(|a, b| a.display.cmp(&b.display));

    // Two inputs must not share an output path (`a.htm` and `a.txt`, or two input
    // directories holding the same name): the first in path order keeps it, the others are
    // reported, never silently overwritten.
    let mut owners: HashMap<PathBuf, (String, PathBuf)> = HashMap::new();
    let mut kept = Vec::with_capacity(jobs.len());
    for job in jobs {
        if let Some((other, other_path)) = owners.get(&job.out_rel) {
            let same = fs::canonicalize(&job.path).ok() == fs::canonicalize(other_path).ok();
            let kind = if job.shard.is_some() { "jsonl" } else { "text" };
            let mut e = FileEntry::new(
                job.display.clone(),
                kind,
                if same {
                    Status::Skipped
                } else {
                    Status::Failed
                },
            );
            e.error = Some(if same {
                format!("same file as {other}, listed twice")
            } else {
                format!(
                    "output {} would also be the output of {other}; rename one of them",
                    job.out_rel.to_string_lossy()
                )
            });
            entries.push(e);
            continue;
        }
        owners.insert(job.out_rel.clone(), (job.display.clone(), job.path.clone()));
        kept.push(job);
    }
    (kept, entries)
}

/// When a group of outputs is flushed; tests shrink the groups (`ZHCLEAN_TEST_GROUP_OUTPUTS`)
/// to kill a run between flushes.
fn group_limits() -> commit::Limits {
    let mut limits = commit::Limits::default();
    if let Some(n) = std::env::var("ZHCLEAN_TEST_GROUP_OUTPUTS")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        limits.outputs = n;
    }
    limits
}

/// Cleans one file; never panics on I/O, every problem becomes the entry's error.
fn process(ctx: &Ctx, index: usize, job: &Job) -> (FileEntry, Option<manifest::Entry>) {
    let kind = if job.shard.is_some() { "jsonl" } else { "text" };
    let mut entry = FileEntry::new(job.display.clone(), kind, Status::Cleaned);
    let out_path = ctx.out_dir.join(&job.out_rel);
    let key = job.out_rel.to_string_lossy().into_owned();
    if !ctx.opts.check {
        entry.output = Some(out_path.to_string_lossy().into_owned());
    }
    let result = match job.shard {
        None => process_text(ctx, index, job, &out_path, &key, &mut entry),
        Some(c) => process_shard(ctx, job, c, &out_path, &key, &mut entry),
    };
    ctx.progress.file_done();
    let done = match result {
        Ok(done) => done,
        Err(reason) => {
            entry.status = if reason.skip {
                Status::Skipped
            } else {
                Status::Failed
            };
            entry.error = Some(reason.message);
            return (entry, None);
        }
    };
    if let (Some(c), Some(d)) = (ctx.committer, &done) {
        if let Err(e) = c.finished(d.clone()) {
            entry
                .warnings
                .push(format!("could not record in the manifest: {e}"));
        }
        let n = ctx.committed.fetch_add(1, Ordering::SeqCst) + 1;
        if ctx.abort_after.is_some_and(|limit| n >= limit) {
            std::process::abort();
        }
    }
    (entry, done)
}

/// Why a file was not cleaned.
struct NotDone {
    skip: bool,
    message: String,
}

impl NotDone {
    fn fail(message: String) -> Self {
        NotDone {
            skip: false,
            message,
        }
    }
}

/// A text page: read whole (or taken from pass 1), decode, clean, write.
fn process_text(
    ctx: &Ctx,
    index: usize,
    job: &Job,
    out_path: &Path,
    key: &str,
    entry: &mut FileEntry,
) -> Result<Option<manifest::Entry>, NotDone> {
    // The page pass 1 kept, else the file's bytes (decoded below, once resuming has had its say).
    let page = match ctx.kept.take(index) {
        Some(page) => Ok(page),
        None => Err(input::read_file(&job.path, job.size)
            .map_err(|e| NotDone::fail(format!("cannot read: {}", walk::reason(&e))))?),
    };
    let bytes = match &page {
        Ok(page) => page.bytes(),
        Err(bytes) => bytes.as_slice(),
    };
    ctx.progress.add_bytes(bytes.len() as u64);
    entry.bytes_in = bytes.len() as u64;
    let sha = ctx.manifest.map(|_| manifest::sha256_hex(bytes));
    if let (true, Some(m), Some(sha)) = (ctx.opts.resume, ctx.manifest, &sha) {
        if m.is_done(key, entry.bytes_in, sha, &ctx.settings, out_path) {
            entry.status = Status::Resumed;
            entry.bytes_out = m.get(key).map_or(0, |e| e.output_size);
            return Ok(None);
        }
    }
    let page = page
        .or_else(|bytes| Page::decode(bytes, &job.path, ctx.opts.input_format))
        .map_err(|b| NotDone {
            skip: true,
            message: b.0,
        })?;
    entry.encoding = Some(page.encoding);
    entry.undecodable = page.undecodable;
    if page.undecodable > 0 {
        entry.warnings.push(format!(
            "{} undecodable byte sequences replaced by U+FFFD",
            page.undecodable
        ));
    }
    let cleaned = html::clean(ctx.cleaner, page.text(), page.is_html);
    if page.is_html {
        entry.kind = "html";
    }
    if let Some(sampler) = &ctx.sampler {
        sampler.observe(&job.display, page.text(), &cleaned.text);
    }
    entry.counts.add(&cleaned.report.counts);
    entry.warnings.extend(cleaned.report.warnings);
    entry.bytes_out = cleaned.text.len() as u64;
    entry.changed = cleaned.text.as_bytes() != page.bytes();
    let Some(sha) = sha else {
        return Ok(None); // --check: nothing is written
    };
    let sync = ctx.opts.sync == SyncMode::File;
    output::write_all(out_path, cleaned.text.as_bytes(), sync).map_err(|e| {
        NotDone::fail(format!(
            "cannot write {}: {}",
            out_path.display(),
            walk::reason(&e)
        ))
    })?;
    Ok(Some(manifest::Entry {
        output: key.to_string(),
        input_size: entry.bytes_in,
        input_sha256: sha,
        settings: ctx.settings.clone(),
        output_size: entry.bytes_out,
    }))
}

/// A JSONL shard: streamed in bounded batches (see [`jsonl`]).
fn process_shard(
    ctx: &Ctx,
    job: &Job,
    compression: Compression,
    out_path: &Path,
    key: &str,
    entry: &mut FileEntry,
) -> Result<Option<manifest::Entry>, NotDone> {
    entry.encoding = Some("UTF-8");
    entry.bytes_in = job.size;
    if let (true, Some(m)) = (ctx.opts.resume, ctx.manifest) {
        // Hash only when the cheap checks already match: resuming must not re-read every
        // shard that has to be cleaned anyway.
        if m.get(key).is_some_and(|e| e.input_size == job.size) {
            if let Ok(sha) = manifest::sha256_file(&job.path) {
                if m.is_done(key, job.size, &sha, &ctx.settings, out_path) {
                    entry.status = Status::Resumed;
                    entry.bytes_out = m.get(key).map_or(0, |e| e.output_size);
                    ctx.progress.add_bytes(job.size);
                    return Ok(None);
                }
            }
        }
    }
    let observe = |no: u64, text: &str, cleaned: &str| {
        if let Some(sampler) = &ctx.sampler {
            sampler.observe(&format!("{}:{no}", job.display), text, cleaned);
        }
    };
    let opts = ShardOptions {
        text_field: &ctx.opts.text_field,
        bad_lines: ctx.opts.bad_lines,
        sync: ctx.opts.sync == SyncMode::File,
        observe: ctx.sampler.as_ref().map(|_| &observe as &jsonl::Observe),
        input_format: ctx.opts.input_format,
    };
    let out = (!ctx.opts.check).then_some(out_path);
    let stats = jsonl::process(
        &job.path,
        out,
        compression,
        ctx.cleaner,
        &opts,
        &ctx.progress,
    )
    .map_err(|e| NotDone::fail(e.to_string()))?;
    entry.records = Some(stats.records);
    entry.bad_lines = Some(stats.bad_lines);
    entry.undecodable = stats.undecodable;
    entry.counts = stats.counts;
    entry.warnings = stats.warnings;
    entry.bytes_out = stats.bytes_out;
    entry.changed =
        stats.changed_records > 0 || (stats.bad_lines > 0 && opts.bad_lines == BadLines::Skip);
    if ctx.opts.check {
        return Ok(None);
    }
    Ok(Some(manifest::Entry {
        output: key.to_string(),
        input_size: job.size,
        input_sha256: stats.input_sha256,
        settings: ctx.settings.clone(),
        output_size: stats.bytes_out,
    }))
}
