//! Pass 1 of a run: learning the batch's boilerplate.
//!
//! A line that recurs in many distinct documents of a batch is boilerplate (see
//! `zhclean::learn`). Before cleaning, every input page (every record of every
//! shard) is read once and counted: its line keys and its document fingerprint go into a
//! [`Learner`]. The learned keys then go into the configuration of the cleaner that pass 2
//! runs, whose `boilerplate` stage removes them.
//!
//! Pass 1 reads the raw pages and converts them; it does not clean them, so it costs a
//! fraction of pass 2. Counting is by distinct documents and ends in a yes/no per line that
//! does not depend on the order pages were counted in, so the learned list (and every output)
//! is the same whatever `--jobs` is.

use std::fs;
use std::path::PathBuf;

use rayon::prelude::*;
use serde::Serialize;
use zhclean::learn::{
    parse_learned, write_learned, LearnedLine, Learner, Learning as Policy, PageLines,
    SharedMidCounts,
};
use zhclean::Cleaner;

use super::input::{Kept, Page};
use super::progress::Progress;
use super::{html, jsonl, output, BatchError, Job};

/// How a run gets its boilerplate list.
#[derive(Debug, Clone)]
pub struct LearnSettings {
    /// `--no-learn`: no list at all.
    pub enabled: bool,
    pub options: Policy,
    /// `--boilerplate FILE`: load this list instead of learning one.
    pub load: Option<PathBuf>,
    /// `--save-boilerplate FILE`: write the list learned here.
    pub save: Option<PathBuf>,
}

/// What pass 1 produced, for the report.
#[derive(Debug, Default, Serialize)]
pub struct Learning {
    /// `learned`, `loaded`, `too-small` or `off`.
    pub source: &'static str,
    /// Distinct documents counted (0 when the list was loaded or learning is off).
    pub documents: usize,
    /// Distinct documents a line needed.
    pub threshold: usize,
    pub lines: Vec<LearnedLine>,
    /// Lines in enough documents but not learned: they sit mid-page too often
    /// (`boilerplate::MIN_EDGE_SHARE`).
    pub held_back: Vec<HeldBack>,
    /// A sentence for the summary.
    pub note: String,
}

/// A frequent line that learning left alone, for the report.
#[derive(Debug, Serialize)]
pub struct HeldBack {
    #[serde(flatten)]
    pub line: LearnedLine,
    /// Pages on which it was seen mid-page (an upper bound: see `boilerplate::MidCounts`).
    pub mid_pages: u64,
}

impl Learning {
    /// The learned keys, for the cleaner's configuration.
    pub fn keys(&self) -> Vec<String> {
        self.lines.iter().map(|l| l.key.clone()).collect()
    }
}

/// Learns (or loads) the boilerplate list for `jobs`, keeping the pages read in `kept` for
/// pass 2.
pub(super) fn learn(
    cleaner: &Cleaner,
    jobs: &[Job],
    opts: &super::Options,
    kept: &Kept,
) -> Result<Learning, BatchError> {
    let (settings, quiet) = (&opts.learn, opts.quiet);
    if let Some(path) = &settings.load {
        let text = fs::read_to_string(path)
            .map_err(BatchError::io("cannot read the boilerplate list", path))?;
        let lines = parse_learned(&text)
            .map_err(|e| BatchError::Usage(format!("{}: {e}", path.display())))?;
        return Ok(Learning {
            source: "loaded",
            note: format!("{} lines loaded from {}", lines.len(), path.display()),
            lines,
            ..Learning::default()
        });
    }
    if !settings.enabled || !cleaner.config().enabled("boilerplate") {
        return Ok(Learning {
            source: "off",
            note: "off".into(),
            ..Learning::default()
        });
    }
    let options = &settings.options;
    let progress = Progress::new(jobs.len() as u64, jobs.iter().map(|j| j.size).sum(), quiet);
    // One learner per piece of work rayon splits off (not per file): merging moves every
    // key, and a merge per file would move each one once per level of the reduction tree.
    // The work is split into a bounded number of pieces, enough per thread that no thread
    // waits long for the last one. Mid-page lines are counted in one sketch that every piece
    // shares, so a piece costs only its keys.
    let pieces = 16 * rayon::current_num_threads();
    let mid = SharedMidCounts::default();
    let mut learner = jobs
        .par_iter()
        .enumerate()
        .with_min_len(jobs.len().div_ceil(pieces).max(1))
        .fold(
            || Learner::new(options),
            |mut learner, (index, job)| {
                let mut add = |page: &PageLines| {
                    learner.add_edges(page);
                    mid.add(&page.mid);
                };
                count(cleaner, (index, job), opts, &progress, &mut add, kept);
                progress.file_done();
                learner
            },
        )
        .reduce(
            || Learner::new(options),
            |mut a, b| {
                a.merge(b);
                a
            },
        );
    learner.merge_mid(mid.into_counts());
    progress.finish();

    let documents = learner.documents();
    let threshold = options.threshold(documents);
    if !options.can_learn(documents) {
        return Ok(Learning {
            source: "too-small",
            documents,
            threshold,
            note: format!(
                "too few documents to learn from ({documents} distinct, {} needed)",
                options.min_docs
            ),
            ..Learning::default()
        });
    }
    let lines = learner.finish(options);
    let held_back = learner
        .held_back(options)
        .into_iter()
        .map(|(line, mid_pages)| HeldBack { line, mid_pages })
        .collect::<Vec<_>>();
    let mut note = format!(
        "{} lines learned from {documents} distinct documents (in at least {threshold} each)",
        lines.len()
    );
    if !held_back.is_empty() {
        note += &format!(
            "; {} as frequent left alone: often mid-page, so the documents' own text",
            held_back.len()
        );
    }
    let learning = Learning {
        source: "learned",
        documents,
        threshold,
        note,
        lines,
        held_back,
    };
    if let Some(path) = &settings.save {
        output::write_all(path, write_learned(&learning.lines).as_bytes(), true)
            .map_err(BatchError::io("cannot write the boilerplate list", path))?;
    }
    Ok(learning)
}

/// Counts one input's pages; unreadable or binary inputs count nothing (pass 2 reports them).
/// HTML pages count the lines of their main text, as pass 2 cleans them. A page file read
/// here is handed to `kept` for pass 2.
fn count(
    cleaner: &Cleaner,
    (index, job): (usize, &Job),
    opts: &super::Options,
    progress: &Progress,
    mut add: impl FnMut(&PageLines) + Send,
    kept: &Kept,
) {
    match job.shard {
        None => {
            let Ok(Ok(page)) = Page::read(&job.path, job.size, opts.input_format) else {
                return;
            };
            progress.add_bytes(page.bytes().len() as u64);
            add(&html::page_lines(cleaner, page.text(), page.is_html));
            kept.keep(index, page);
        }
        Some(compression) => {
            let _ = jsonl::for_each_text_batch(
                &job.path,
                compression,
                &opts.text_field,
                progress,
                |text| {
                    let is_html = html::is_html(opts.input_format, None, text.as_bytes());
                    html::page_lines(cleaner, text, is_html)
                },
                |pages| pages.iter().for_each(&mut add),
            );
        }
    }
}
