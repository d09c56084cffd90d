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
//! | `boilerplate` | lines this batch learned as boilerplate (see [`crate::learn`])     |
//! | `layout`      | trailing spaces, blank-line runs, one final newline                  |
//!
//! Each stage sees only the output of the one before it; what a later stage needs from an
//! earlier one travels in the [`Page`]. Every stage counts what it changed. A cleaning then
//! settles: while the `garbage` stage would still change the cleaned text (the later stages
//! changed what its decisions read), the stages run again over it ([`Cleaner`]).

use std::sync::Arc;

use crate::config::{Config, ConfigError};
use crate::learn::PageLines;
use crate::page::Page;
use crate::report::PageReport;
use crate::stages::boilerplate::Boilerplate;
use crate::stages::convert::Convert;
use crate::stages::garbage::Garbage;
use crate::stages::space::Space;
use crate::stages::template::Template;
use crate::stages::{blanks, chunks, layout, markup, punct, ruby, unicode, PageFn, Stage};
use crate::tables::Tables;

/// The stage names, in pipeline order: the names `disable` accepts, counts and `--explain`
/// use. `Stages::in_order` lists the stages themselves in this order.
pub const STAGES: [&str; 12] = [
    "unicode",
    "template",
    "chunks",
    "markup",
    "garbage",
    "blanks",
    "ruby",
    "convert",
    "punct",
    "space",
    "boilerplate",
    "layout",
];

/// The stage names, in pipeline order.
pub fn stage_names() -> impl Iterator<Item = &'static str> {
    STAGES.into_iter()
}

/// Every stage, built once from the configuration and the tables. Cloning shares them (the
/// costly ones are behind `Arc`s).
#[derive(Clone)]
struct Stages {
    unicode: PageFn,
    template: Arc<Template>,
    chunks: PageFn,
    markup: PageFn,
    garbage: Arc<Garbage>,
    blanks: PageFn,
    ruby: PageFn,
    convert: Convert,
    punct: PageFn,
    space: Space,
    boilerplate: Arc<Boilerplate>,
    layout: PageFn,
}

impl Stages {
    fn new(config: &Config, tables: &Arc<Tables>) -> Result<Self, ConfigError> {
        Ok(Stages {
            unicode: unicode::apply,
            template: Arc::new(
                Template::new(&config.sites, tables).map_err(ConfigError::SiteRules)?,
            ),
            chunks: chunks::apply,
            markup: markup::apply,
            garbage: Arc::new(Garbage::new(tables)),
            blanks: blanks::apply,
            ruby: ruby::apply,
            convert: Convert::new(tables),
            punct: punct::apply,
            space: Space {
                policy: config.spacing,
            },
            boilerplate: Arc::new(Boilerplate::new(&config.boilerplate, tables)),
            layout: layout::apply,
        })
    }

    /// THE pipeline: every stage with its name, in order.
    #[rustfmt::skip]
    fn in_order(&self) -> [(&'static str, &dyn Stage); STAGES.len()] {
        [
            ("unicode",     &self.unicode),
            ("template",    &*self.template),
            ("chunks",      &self.chunks),
            ("markup",      &self.markup),
            ("garbage",     &*self.garbage),
            ("blanks",      &self.blanks),
            ("ruby",        &self.ruby),
            ("convert",     &self.convert),
            ("punct",       &self.punct),
            ("space",       &self.space),
            ("boilerplate", &*self.boilerplate),
            ("layout",      &self.layout),
        ]
    }
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
    config: Config,
    tables: Arc<Tables>,
    stages: Stages,
}

impl Cleaner {
    /// Validates `config` and builds the tables and stages it needs.
    pub fn new(config: Config) -> Result<Self, ConfigError> {
        for name in &config.disable {
            if !STAGES.contains(&name.as_str()) {
                return Err(ConfigError::UnknownStage(name.clone(), STAGES.join(", ")));
            }
        }
        let tables = Arc::new(Tables::new(&config)?);
        let stages = Stages::new(&config, &tables)?;
        Ok(Cleaner {
            config,
            tables,
            stages,
        })
    }

    /// This cleaner with `keys` as its boilerplate list (what `Cleaner::new` would build from
    /// this configuration with `boilerplate = keys`, without building the tables again). It
    /// shares this cleaner's tables and stages, its garbage decisions among them, and the
    /// tables' id, so the per-thread memos of line keys made while learning serve the
    /// cleaning too: all of those depend on the tables alone.
    pub fn with_boilerplate(&self, keys: Vec<String>) -> Cleaner {
        let stages = Stages {
            boilerplate: Arc::new(Boilerplate::new(&keys, &self.tables)),
            ..self.stages.clone()
        };
        Cleaner {
            config: Config {
                boilerplate: keys,
                ..self.config.clone()
            },
            tables: Arc::clone(&self.tables),
            stages,
        }
    }

    /// Builds the garbage stage's tables (the costliest a page can need; other stages build
    /// only small ones on first use), which that stage otherwise builds for the first page
    /// needing them, so that a batch's workers do not wait on one another at the start.
    pub fn prepare(&self) {
        if self.config.enabled("garbage") {
            self.stages.garbage.prepare();
        }
    }

    /// The configuration this cleaner runs with.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The tables its stages share (the converter with the run's overrides).
    pub fn tables(&self) -> &Tables {
        &self.tables
    }

    /// Every stage with its name, in pipeline order, whether enabled or not: for tests and
    /// tools that run one stage alone.
    pub fn stages(&self) -> impl Iterator<Item = (&'static str, &dyn Stage)> + '_ {
        self.stages.in_order().into_iter()
    }

    /// The stage called `name`.
    pub fn stage(&self, name: &str) -> Option<&dyn Stage> {
        self.stages().find(|(n, _)| *n == name).map(|(_, s)| s)
    }

    /// Cleans one page.
    pub fn clean(&self, text: &str) -> Cleaned {
        self.run(text, STAGES.len(), None)
    }

    /// Cleans one page and records every stage's before and after.
    pub fn explain(&self, text: &str) -> Explanation {
        let mut steps = Vec::new();
        self.run(
            text,
            STAGES.len(),
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
    pub fn page_lines(&self, text: &str) -> PageLines {
        crate::learn::page_lines_with(text, |line| {
            crate::learn::remembered_key(self.tables.id, line, &self.tables.converter)
        })
    }

    /// Runs the enabled stages before `stage` (all of them for a name that is no stage): the
    /// text as that stage sees it.
    pub fn clean_before(&self, text: &str, stage: &str) -> String {
        let end = STAGES
            .iter()
            .position(|s| *s == stage)
            .unwrap_or(STAGES.len());
        self.run(text, end, None).text
    }

    /// Runs the enabled stages among the first `end`; `observe` (for `--explain`) sees each
    /// stage's before and after, and costs a copy of the text per stage only when it is given.
    ///
    /// A whole cleaning then settles ([`SETTLE_ROUNDS`]): when the `garbage` stage would still
    /// change the cleaned text, the stages run again over it. Stages after `garbage` change
    /// what its decisions read: `ruby` takes the annotations off a run, so it reads from
    /// further back; `convert` gives its characters other bytes. Where that tips a decision,
    /// a second cleaning would repair what the first left, and cleaning twice must equal
    /// cleaning once. Most pages have no span left to decide, and the check costs them a
    /// scan of the bytes.
    fn run(&self, text: &str, end: usize, mut observe: Option<&mut Observer>) -> Cleaned {
        let mut page = Page::new(text);
        let mut report = PageReport::default();
        self.run_stages(&mut page, &mut report, end, &mut observe);
        let settle = end == STAGES.len() && self.config.enabled("garbage");
        for _ in 0..SETTLE_ROUNDS {
            if !settle || !self.stages.garbage.would_change(&page.text) {
                break;
            }
            let mut again = Page::new(&page.text);
            again.warnings = std::mem::take(&mut page.warnings);
            again.notes = std::mem::take(&mut page.notes);
            page = again;
            self.run_stages(&mut page, &mut report, end, &mut observe);
        }
        report.warnings = page.warnings;
        report.notes = page.notes;
        Cleaned {
            text: page.text,
            report,
        }
    }

    /// One pass of the enabled stages among the first `end` over `page`, their counts added
    /// to `report`'s.
    fn run_stages(
        &self,
        page: &mut Page,
        report: &mut PageReport,
        end: usize,
        observe: &mut Option<&mut Observer>,
    ) {
        for (name, stage) in self.stages.in_order().into_iter().take(end) {
            if !self.config.enabled(name) {
                continue;
            }
            let before = observe.as_ref().map(|_| page.text.clone());
            let n = stage.apply(page);
            if let (Some(f), Some(before)) = (observe.as_mut(), before) {
                f(name, n, &before, &page.text);
            }
            match report.counts.iter_mut().find(|(s, _)| *s == name) {
                Some((_, count)) => *count += n,
                None => report.counts.push((name, n)),
            }
        }
    }
}

/// Most passes a cleaning makes after the first, while the `garbage` stage would still
/// change the cleaned text. One is almost always enough (on the benchmark speed pages, the
/// second pass settles every page the first left unsettled); the cap bounds the cost of a
/// page that would never settle.
const SETTLE_ROUNDS: usize = 2;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stages_run_in_the_order_of_their_names() {
        let cleaner = Cleaner::new(Config::default()).unwrap();
        let names: Vec<&str> = cleaner.stages().map(|(n, _)| n).collect();
        assert_eq!(names, STAGES);
        let explained: Vec<&str> = cleaner.explain("正文").iter().map(|c| c.stage).collect();
        assert_eq!(explained, STAGES);
    }
}
