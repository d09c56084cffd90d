//! THE list of stages, in order, in one place, and the [`Cleaner`] that runs them.
//!
//! A page's journey, top to bottom:
//!
//! | stage         | what it does                                                        |
//! |---------------|---------------------------------------------------------------------|
//! | `unicode`     | NFC, invisible characters off, line ends to LF                       |
//! | `template`    | site template lines off, the document title kept once as line one   |
//! | `chunks`      | preview chunk markers `N、` off, the pieces joined as the text ran    |
//! | `markup`      | leaked HTML: block tags to line breaks, inline tags off, entities    |
//! | `garbage`     | GBK byte garbage repaired or removed, anti-copy filler removed       |
//! | `blanks`      | `?` an encoder wrote for spaces (indents, alignment) back to spaces   |
//! | `ruby`        | the site's `(pinyin)` annotations stripped                           |
//! | `convert`     | traditional (Taiwan-style) to simplified                             |
//! | `punct`       | Chinese-context punctuation to full width, full-width ASCII to half  |
//! | `space`       | spaces between Han characters and around full-width punctuation      |
//! | `boilerplate` | lines this batch learned as boilerplate (see `batch`)                |
//! | `layout`      | trailing spaces, blank-line runs, one final newline                  |
//!
//! Each stage sees only the output of the one before it; what a later stage needs from an
//! earlier one travels in the [`Page`]. Every stage counts what it changed.

use std::sync::Arc;

use crate::config::{Config, ConfigError};
use crate::converter::Converter;
use crate::report::PageReport;
use crate::stages::{self, template::TemplateSet};

/// One page on its way through the pipeline.
#[derive(Debug, Clone, Default)]
pub struct Page {
    /// The text as the stages have left it so far.
    pub text: String,
    /// Byte offset where the body starts in `text` (after the title line the `template` stage
    /// puts first); 0 when there is no title.
    pub body_start: usize,
    /// Whether the recognised site cuts its body into preview chunks `1、` `2、` ….
    pub chunked: bool,
    /// Byte offset of the first line after the site's head region, where its first chunk
    /// marker is (later than `body_start` when a mirror host added lines above the head).
    pub chunk_start: Option<usize>,
    /// Warnings for the report (a stage that had to guess, or removed a lot).
    pub warnings: Vec<String>,
    /// Individual decisions worth showing in `--explain` (`garbage: 燃?xì)夤芾淼 -> 燃氣管理等`).
    pub notes: Vec<String>,
}

/// What every stage may read: the run's configuration and the shared, immutable tables.
pub struct Ctx {
    /// Unique per cleaner built in this process: keys per-thread memos of results that
    /// depend on this cleaner's tables (another cleaner may convert differently).
    pub id: u64,
    pub config: Config,
    /// The tables are shared with the cleaners [`Cleaner::with_boilerplate`] makes from this
    /// one (a run's pass 2 cleans with the same tables and the list pass 1 learned).
    pub converter: Arc<Converter>,
    pub templates: Arc<TemplateSet>,
    pub boilerplate: stages::boilerplate::Learned,
    /// Garbage-span decisions, shared by every page this cleaner cleans.
    pub garbage: Arc<stages::garbage::Decisions>,
}

/// A stage: a name (for switches, counts and `--explain`) and the function that applies it.
pub struct Stage {
    pub name: &'static str,
    pub apply: fn(&mut Page, &Ctx) -> u64,
}

/// The pipeline, in order.
#[rustfmt::skip]
pub const STAGES: &[Stage] = &[
    Stage { name: "unicode",     apply: stages::unicode::apply },
    Stage { name: "template",    apply: stages::template::apply },
    Stage { name: "chunks",      apply: stages::chunks::apply },
    Stage { name: "markup",      apply: stages::markup::apply },
    Stage { name: "garbage",     apply: stages::garbage::apply },
    Stage { name: "blanks",      apply: stages::blanks::apply },
    Stage { name: "ruby",        apply: stages::ruby::apply },
    Stage { name: "convert",     apply: stages::convert::apply },
    Stage { name: "punct",       apply: stages::punct::apply },
    Stage { name: "space",       apply: stages::space::apply },
    Stage { name: "boilerplate", apply: stages::boilerplate::apply },
    Stage { name: "layout",      apply: stages::layout::apply },
];

/// The stage names, in pipeline order.
pub fn stage_names() -> impl Iterator<Item = &'static str> {
    STAGES.iter().map(|s| s.name)
}

/// A cleaned page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cleaned {
    pub text: String,
    pub report: PageReport,
}

/// One stage's effect on a page, for `--explain`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageChange {
    pub stage: &'static str,
    pub changes: u64,
    pub before: String,
    pub after: String,
}

/// Every stage's effect on one page, in order (stages that changed nothing included).
pub type Explanation = Vec<StageChange>;

type Observer<'a> = dyn FnMut(&'static str, u64, &str, &str) + 'a;

/// The cleaning engine: build once, share between threads (`Send + Sync`).
pub struct Cleaner {
    ctx: Ctx,
}

impl Cleaner {
    /// Validates `config` and builds the tables it needs.
    pub fn new(config: Config) -> Result<Self, ConfigError> {
        for name in &config.disable {
            if !stage_names().any(|s| s == name) {
                return Err(ConfigError::UnknownStage(name.clone()));
            }
        }
        let converter = Converter::with_overrides(&config.overrides)?;
        let templates =
            TemplateSet::new(&config.sites, &converter).map_err(ConfigError::SiteRules)?;
        let boilerplate = stages::boilerplate::Learned::new(&config.boilerplate, &converter);
        static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        Ok(Cleaner {
            ctx: Ctx {
                id: NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
                config,
                converter: Arc::new(converter),
                templates: Arc::new(templates),
                boilerplate,
                garbage: Default::default(),
            },
        })
    }

    /// This cleaner with `keys` as its boilerplate list (what `Cleaner::new` would build from
    /// this configuration with `boilerplate = keys`, without building the tables again). It
    /// shares this cleaner's tables, its garbage decisions and its id, so the per-thread
    /// memos of line keys made while learning serve the cleaning too: all of those depend
    /// on the tables alone.
    pub fn with_boilerplate(&self, keys: Vec<String>) -> Cleaner {
        let boilerplate = stages::boilerplate::Learned::new(&keys, &self.ctx.converter);
        Cleaner {
            ctx: Ctx {
                id: self.ctx.id,
                config: Config {
                    boilerplate: keys,
                    ..self.ctx.config.clone()
                },
                converter: Arc::clone(&self.ctx.converter),
                templates: Arc::clone(&self.ctx.templates),
                boilerplate,
                garbage: Arc::clone(&self.ctx.garbage),
            },
        }
    }

    /// Builds the garbage stage's tables (the costliest a page can need; other stages build
    /// only small ones on first use), which that stage otherwise builds for the first page
    /// needing them, so that a batch's workers do not wait on one another at the start.
    pub fn prepare(&self) {
        if self.ctx.config.enabled("garbage") {
            stages::garbage::prepare(&self.ctx);
        }
    }

    /// The configuration this cleaner runs with.
    pub fn config(&self) -> &Config {
        &self.ctx.config
    }

    /// The shared tables (for the batch layer's boilerplate learning).
    pub fn ctx(&self) -> &Ctx {
        &self.ctx
    }

    /// Cleans one page.
    pub fn clean(&self, text: &str) -> Cleaned {
        self.run(text, None)
    }

    /// Cleans one page and records every stage's before and after.
    pub fn explain(&self, text: &str) -> Explanation {
        let mut steps = Vec::new();
        self.run(
            text,
            Some(&mut |stage, changes, before: &str, after: &str| {
                steps.push(StageChange {
                    stage,
                    changes,
                    before: before.to_string(),
                    after: after.to_string(),
                })
            }),
        );
        steps
    }

    /// What one raw page contributes to a batch's boilerplate learning (pass 1 of a run):
    /// its line keys and document fingerprint. Costs a conversion of the page, not a
    /// cleaning; the CLI and the Python package both learn through this.
    pub fn page_lines(&self, text: &str) -> stages::boilerplate::PageLines {
        stages::boilerplate::page_lines_with(text, |line| {
            stages::boilerplate::remembered_key(self.ctx.id, line, &self.ctx.converter)
        })
    }

    /// Runs the enabled stages up to (not including) `boilerplate`: the text as that stage
    /// sees it.
    pub fn clean_before_boilerplate(&self, text: &str) -> String {
        let mut page = Page {
            text: text.to_string(),
            ..Page::default()
        };
        for stage in STAGES.iter().filter(|s| s.name != "boilerplate") {
            if self.ctx.config.enabled(stage.name) {
                (stage.apply)(&mut page, &self.ctx);
            }
        }
        page.text
    }

    /// Runs every enabled stage; `observe` (for `--explain`) sees each stage's before and
    /// after, and costs a copy of the text per stage only when it is given.
    fn run(&self, text: &str, mut observe: Option<&mut Observer>) -> Cleaned {
        let mut page = Page {
            text: text.to_string(),
            ..Page::default()
        };
        let mut report = PageReport::default();
        for stage in STAGES {
            if !self.ctx.config.enabled(stage.name) {
                continue;
            }
            let before = observe.as_ref().map(|_| page.text.clone());
            let n = (stage.apply)(&mut page, &self.ctx);
            if let (Some(f), Some(before)) = (observe.as_mut(), before) {
                f(stage.name, n, &before, &page.text);
            }
            report.counts.push((stage.name, n));
        }
        report.warnings = page.warnings;
        report.notes = page.notes;
        Cleaned {
            text: page.text,
            report,
        }
    }
}
