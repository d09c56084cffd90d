//! Command-line definitions (clap derive) and the step from flags to a validated run.
//!
//! The doc comment of each flag is its `--help` text, so `zhclean --help` is the reference; the
//! README repeats it with examples. This module only builds a [`zhclean::Config`] and a
//! [`batch::Options`]; all file work is in [`crate::batch`], all text work in the library.

use std::ffi::OsString;
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Parser, ValueEnum};
use zhclean::learn::Learning;
use zhclean::{Cleaner, Config, SpacingPolicy};

use crate::batch::{self, explain, BadLines, BatchError, Outcome};

/// Clean saved Chinese web pages in bulk: traditional to simplified, pinyin annotations and
/// site templates off, and more (see the README).
///
/// With no INPUT, cleans `input/` into `output/`. Directories are walked recursively and
/// mirrored under OUTDIR (same relative paths, `.txt`, UTF-8, LF); JSONL shards (`.jsonl`,
/// `.jsonl.gz`, `.jsonl.zst`) keep their name and compression. Inputs are never modified.
///
/// Exit status: 0 all files clean, 1 some files failed (or `--check` found changes), 2 bad usage.
#[derive(Debug, Parser)]
#[command(name = "zhclean", version, about, long_about)]
pub struct Args {
    /// Files and directories to clean (directories recursively); `-` reads stdin and writes
    /// the cleaned text to stdout. Default: `input`.
    #[arg(value_name = "INPUT")]
    pub inputs: Vec<OsString>,

    /// Output directory; created if missing; must not be inside an input directory.
    #[arg(
        short = 'o',
        long = "output",
        value_name = "OUTDIR",
        default_value = "output"
    )]
    pub output: PathBuf,

    /// Worker threads (default: all cores). Output is byte-identical whatever N is.
    #[arg(short = 'j', long, value_name = "N")]
    pub jobs: Option<usize>,

    /// No progress bar and no summary (errors are still printed).
    #[arg(short, long)]
    pub quiet: bool,

    /// Write a JSON report with one entry per file (path, encoding, counts per stage,
    /// warnings, error), sorted by path.
    #[arg(long, value_name = "FILE.json")]
    pub report: Option<PathBuf>,

    /// Write nothing; list the files cleaning would change and exit 1 if there is any.
    #[arg(long, conflicts_with_all = ["explain", "resume"])]
    pub check: bool,

    /// Show every change made to one file, stage by stage, as hunks (`line:column`, a little
    /// context, the change marked in place); writes nothing.
    #[arg(long, value_name = "FILE", conflicts_with = "resume")]
    pub explain: Option<PathBuf>,

    /// `--explain` output: `text` for people, `json` for tools (per stage: count, hunks with
    /// position, before, after and context, notes).
    #[arg(long, value_enum, value_name = "FORMAT", default_value = "text")]
    pub explain_format: explain::Format,

    /// Colours in `--explain` (red removed, green added); without colour, changes are marked
    /// `[-removed-]{+added+}`. `auto`: when stdout is a terminal and NO_COLOR is unset.
    #[arg(long, value_enum, value_name = "WHEN", default_value = "auto")]
    pub color: explain::ColorChoice,

    /// Write a self-contained HTML report for people: summary, charts, learned boilerplate,
    /// failed and skipped files, before/after of the most changed pages and a random sample.
    #[arg(long, value_name = "FILE.html", conflicts_with = "explain")]
    pub report_html: Option<PathBuf>,

    /// TOML configuration: `disable = [..]`, `spacing = "remove|keep|add"`, `[overrides]`,
    /// `[[sites]]` (see the README).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Plain-text phrase overrides for the converter, one `TRADITIONAL SIMPLIFIED` pair per
    /// line; they win over the config's `[overrides]`.
    #[arg(long, value_name = "FILE")]
    pub overrides: Option<PathBuf>,

    /// Switch a stage off (repeatable); added to the config's `disable` list.
    #[arg(long, value_name = "STAGE")]
    pub disable: Vec<String>,

    /// Spacing between Han characters and Latin letters or digits; overrides the config.
    #[arg(long, value_enum, value_name = "POLICY")]
    pub spacing: Option<Spacing>,

    /// Which inputs are HTML pages, whose main text is extracted before cleaning: `auto`
    /// takes `.html`/`.htm`/`.xhtml`/`.shtml` files and any file, JSONL record or stdin
    /// whose text starts as an HTML document (`<!DOCTYPE html`, `<html`, after an XML
    /// declaration or comments); `text` and `html` force one reading.
    #[arg(long, value_enum, value_name = "FORMAT", default_value = "auto")]
    pub input_format: InputFormat,

    /// Name of the field holding the text in JSONL records; every other field is kept as is.
    #[arg(long, value_name = "NAME", default_value = "text")]
    pub text_field: String,

    /// What to do with a JSONL line that is not a JSON object: keep it unchanged or drop it.
    /// Either way it is reported with its line number.
    #[arg(long, value_enum, value_name = "WHAT", default_value = "keep")]
    pub bad_lines: BadLines,

    /// Skip inputs whose output is already there and recorded as finished in OUTDIR's
    /// manifest (same input size and hash, same settings): restarts an interrupted run.
    #[arg(long)]
    pub resume: bool,

    /// Follow symbolic links met while walking directories (links named on the command line
    /// are always followed).
    #[arg(short = 'L', long)]
    pub follow_symlinks: bool,

    /// When outputs are flushed to disk before they are recorded as finished (for
    /// `--resume`): `group` flushes the output file system once per group of outputs (a power
    /// cut costs at most the group in flight), `file` fsyncs every output before its rename,
    /// `none` never flushes (a killed process still leaves no partial file; a power cut may).
    #[arg(long, value_enum, value_name = "WHEN", default_value = "group")]
    pub sync: batch::commit::SyncMode,

    /// Same as `--sync none`.
    #[arg(long, conflicts_with = "sync")]
    pub no_sync: bool,

    /// Memory for pages kept between the two passes (`K`, `M`, `G` suffixes): pass 1 keeps the
    /// pages it read and decoded, up to this much, so pass 2 need not read them again; pages
    /// beyond it are read twice. `0` reads every page twice.
    #[arg(long, value_name = "SIZE", default_value = "1G", value_parser = batch::input::parse_size)]
    pub keep_memory: u64,

    /// Do not learn boilerplate from the batch (pass 1); only the built-in site rules apply.
    #[arg(long, conflicts_with = "boilerplate")]
    pub no_learn: bool,

    /// A line is learned as boilerplate when it appears in at least this many distinct
    /// documents of the batch…
    #[arg(long, value_name = "K", default_value_t = Learning::default().min_docs)]
    pub learn_min_docs: usize,

    /// …and in at least this share (0 to 1) of the batch's distinct documents.
    #[arg(long, value_name = "SHARE", default_value_t = Learning::default().min_share)]
    pub learn_share: f64,

    /// Load the boilerplate list from FILE (as `--save-boilerplate` writes it) instead of
    /// learning one: for sharded or streamed corpora learned once.
    #[arg(long, value_name = "FILE")]
    pub boilerplate: Option<PathBuf>,

    /// Save the learned boilerplate list to FILE (`documents<TAB>pages<TAB>line key`).
    #[arg(long, value_name = "FILE")]
    pub save_boilerplate: Option<PathBuf>,
}

/// `--spacing` values (mirrors [`SpacingPolicy`], which has no clap derive in the library).
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Spacing {
    /// No space between Han and Latin (`2010年4月`).
    Remove,
    /// Leave the spacing as it is.
    Keep,
    /// One space between Han and Latin (`2010 年 4 月`).
    Add,
}

impl From<Spacing> for SpacingPolicy {
    fn from(s: Spacing) -> Self {
        match s {
            Spacing::Remove => SpacingPolicy::Remove,
            Spacing::Keep => SpacingPolicy::Keep,
            Spacing::Add => SpacingPolicy::Add,
        }
    }
}

/// `--input-format` values (mirrors [`zhclean::extract::Format`]).
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum InputFormat {
    /// HTML by file name or by content, text otherwise.
    Auto,
    /// Every input is a text page.
    Text,
    /// Every input (every JSONL record) is an HTML document.
    Html,
}

impl From<InputFormat> for zhclean::extract::Format {
    fn from(f: InputFormat) -> Self {
        match f {
            InputFormat::Auto => Self::Auto,
            InputFormat::Text => Self::Text,
            InputFormat::Html => Self::Html,
        }
    }
}

/// Parses the command line and runs it. Clap prints its own usage errors and exits 2.
pub fn run() -> Result<Outcome> {
    let args = Args::parse();
    let config = build_config(&args)?;
    let cleaner = Cleaner::new(config).map_err(BatchError::Config)?;

    if let Some(jobs) = args.jobs {
        if jobs == 0 {
            return Err(BatchError::Usage("--jobs must be at least 1".into()).into());
        }
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.jobs.unwrap_or(0))
        .build()
        .context("starting the worker threads")?;

    if let Some(file) = &args.explain {
        return explain::run(
            &cleaner,
            file,
            args.input_format.into(),
            args.explain_format,
            args.color,
        );
    }

    let inputs: Vec<OsString> = if args.inputs.is_empty() {
        vec![OsString::from("input")]
    } else {
        args.inputs.clone()
    };
    if inputs.iter().any(|i| i == "-") {
        if inputs.len() > 1 {
            return Err(BatchError::Usage(
                "`-` (stdin) cannot be combined with other inputs".into(),
            )
            .into());
        }
        if args.report_html.is_some() {
            return Err(BatchError::Usage(
                "--report-html describes a batch run; with `-` (stdin) use --explain".into(),
            )
            .into());
        }
        return batch::stdin::run(
            &cleaner,
            args.check,
            args.report.as_deref(),
            args.input_format.into(),
        );
    }

    if !(0.0..=1.0).contains(&args.learn_share) || args.learn_min_docs == 0 {
        return Err(BatchError::Usage(
            "--learn-share must be between 0 and 1 and --learn-min-docs at least 1".into(),
        )
        .into());
    }
    let options = batch::Options {
        inputs: inputs.into_iter().map(PathBuf::from).collect(),
        output: args.output.clone(),
        check: args.check,
        resume: args.resume,
        follow_symlinks: args.follow_symlinks,
        quiet: args.quiet,
        report: args.report.clone(),
        report_html: args.report_html.clone(),
        text_field: args.text_field.clone(),
        bad_lines: args.bad_lines,
        sync: if args.no_sync {
            batch::commit::SyncMode::None
        } else {
            args.sync
        },
        input_format: args.input_format.into(),
        keep_memory: args.keep_memory,
        learn: batch::learn::LearnSettings {
            enabled: !args.no_learn,
            options: Learning {
                min_docs: args.learn_min_docs,
                min_share: args.learn_share,
            },
            load: args.boilerplate.clone(),
            save: args.save_boilerplate.clone(),
        },
    };
    pool.install(|| batch::run(&cleaner, &options))
}

/// The config file, then the flags on top of it.
fn build_config(args: &Args) -> Result<Config> {
    let mut config = match &args.config {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| {
                BatchError::Usage(format!("cannot read config {}: {e}", path.display()))
            })?;
            Config::from_toml(&text)
                .map_err(|e| BatchError::Usage(format!("{}: {e}", path.display())))?
        }
        None => Config::default(),
    };
    if let Some(path) = &args.overrides {
        let extra = zhclean::converter::parse_overrides(path)
            .map_err(|e| BatchError::Usage(e.to_string()))?;
        config.overrides.extend(extra);
    }
    config.disable.extend(args.disable.iter().cloned());
    if let Some(spacing) = args.spacing {
        config.spacing = spacing.into();
    }
    Ok(config)
}
