//! What cleaning one page changed: a count per stage, plus warnings.
//!
//! Counts are the report: the CLI sums them over a batch and `--report` writes them per file.

use serde::Serialize;

/// The changes one page went through, stage by stage, in pipeline order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PageReport {
    /// `(stage name, number of changes)`, one entry per stage that ran, in pipeline order.
    pub counts: Vec<(&'static str, u64)>,
    /// Things a person should look at (for example a page that lost most of its body).
    pub warnings: Vec<String>,
    /// Individual decisions of stages (repairs, removals), in order, for `--explain`.
    pub notes: Vec<String>,
}

impl PageReport {
    /// The count of one stage (0 when it did not run or changed nothing).
    pub fn count(&self, stage: &str) -> u64 {
        self.counts
            .iter()
            .find(|(s, _)| *s == stage)
            .map_or(0, |(_, n)| *n)
    }

    /// Total number of changes over all stages.
    pub fn total(&self) -> u64 {
        self.counts.iter().map(|(_, n)| n).sum()
    }
}
