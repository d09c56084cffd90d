//! The learning policy ([`Learning`]): how many distinct documents make a line boilerplate,
//! how far a learner counts them, and the edge-share rule that holds back lines often seen
//! mid-page. The CLI's pass 1, the Python `Cleaner.learn` and `Learner`, and the Ray reducer
//! all decide through this one type, so they learn the same lists.

use serde::{Deserialize, Serialize};

/// Share of its pages on which a line must sit at an edge to be learned: a site's template
/// wraps every document, so its lines are at the edges of every page they are on; a line that
/// is often mid-page is the documents' own text, however many documents share it (a
/// publisher's credit line, `[中文版维护人]`, at the end of every manual page; a page that
/// happens to end there has it at its edge).
pub const MIN_EDGE_SHARE: f64 = 0.75;

/// Whether a line seen at the edge of `edge_pages` pages and mid-page on `mid_pages` is at the
/// edge often enough ([`MIN_EDGE_SHARE`]) to be learned.
pub fn edge_share_ok(edge_pages: u64, mid_pages: u64) -> bool {
    edge_pages as f64 >= MIN_EDGE_SHARE * (edge_pages + mid_pages) as f64
}

/// Distinct documents a learner counts per line at least, when it may stop counting: well past
/// the default threshold, so that reports say how common a learned line is.
pub const COUNT_FLOOR: usize = 64;

/// When a line is boilerplate: it is in at least `min_docs` distinct documents of the batch,
/// and in at least `min_share` of them (`--learn-min-docs`, `--learn-share`).
///
/// Counting a line's distinct documents costs memory and a look-up per page, and only whether
/// the count reaches the threshold decides anything; so a learner stops counting at
/// [`Learning::cap`]. The cap is never below the threshold: with `min_share` 0 the threshold
/// is known before counting (`min_docs`) and the cap is `max(min_docs, COUNT_FLOOR)`; with a
/// share the threshold grows with the batch, known only at the end, so every document is
/// counted.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Learning {
    /// A line is boilerplate when it appears in at least this many distinct documents…
    pub min_docs: usize,
    /// …and in at least this share (0 to 1) of the batch's distinct documents.
    pub min_share: f64,
}

impl Default for Learning {
    fn default() -> Self {
        Learning {
            min_docs: 5,
            min_share: 0.0,
        }
    }
}

/// What the policy says of one counted line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// In too few distinct documents.
    Rare,
    /// In enough documents, but too often mid-page ([`edge_share_ok`]): the documents' own
    /// text.
    HeldBack,
    /// Boilerplate.
    Learned,
}

impl Learning {
    /// The number of distinct documents a line needs in a batch of `documents` (never below
    /// 2: a line in one document is that document's).
    pub fn threshold(&self, documents: usize) -> usize {
        self.min_docs
            .max((self.min_share * documents as f64).ceil() as usize)
            .max(2)
    }

    /// Whether a batch of `documents` distinct documents is large enough to learn from (below
    /// `min_docs` no line can reach the threshold; the CLI says the batch is too small).
    pub fn can_learn(&self, documents: usize) -> bool {
        documents >= self.min_docs
    }

    /// Distinct documents a learner counts per line before it stops (`None`: all of them):
    /// never below any threshold this policy can ask for.
    pub fn cap(&self) -> Option<usize> {
        (self.min_share <= 0.0).then(|| self.min_docs.max(COUNT_FLOOR))
    }

    /// Whether counts made with `counted` as the cap ([`Learning::cap`] of the policy they were
    /// made with) can be decided by this policy: they must not have stopped below its cap.
    pub fn can_decide(&self, counted: Option<usize>) -> bool {
        match (counted, self.cap()) {
            (None, _) => true,
            (Some(_), None) => false,
            (Some(counted), Some(needed)) => counted >= needed,
        }
    }

    /// A line's distinct documents as reported (learned lists, `--boilerplate` files): the
    /// count up to [`Learning::cap`], whatever the counter kept beyond it.
    pub fn reported_documents(&self, documents: usize) -> usize {
        self.cap().map_or(documents, |cap| documents.min(cap))
    }

    /// The verdict on a line in a batch of `batch_documents` distinct documents: seen in
    /// `line_documents` of them, at the edge of `edge_pages` pages, mid-page on `mid_pages`.
    pub fn verdict(
        &self,
        batch_documents: usize,
        line_documents: usize,
        edge_pages: u64,
        mid_pages: u64,
    ) -> Verdict {
        if line_documents < self.threshold(batch_documents) {
            Verdict::Rare
        } else if edge_share_ok(edge_pages, mid_pages) {
            Verdict::Learned
        } else {
            Verdict::HeldBack
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_follow_min_docs_and_share() {
        let default = Learning::default();
        assert_eq!(default.threshold(3), 5);
        assert_eq!(default.threshold(100_000), 5);
        let share = Learning {
            min_docs: 20,
            min_share: 0.01,
        };
        // The README's example: 10,000 documents need 100 each, not the counting floor.
        assert_eq!(share.threshold(10_000), 100);
        assert_eq!(share.threshold(1_000), 20);
        let none = Learning {
            min_docs: 0,
            min_share: 0.0,
        };
        assert_eq!(none.threshold(10), 2);
    }

    #[test]
    fn the_cap_is_never_below_a_threshold() {
        let default = Learning::default();
        assert_eq!(default.cap(), Some(COUNT_FLOOR));
        let many = Learning {
            min_docs: 500,
            min_share: 0.0,
        };
        assert_eq!(many.cap(), Some(500));
        let share = Learning {
            min_docs: 20,
            min_share: 0.01,
        };
        // Its threshold depends on the batch: every document is counted.
        assert_eq!(share.cap(), None);
        for documents in [0, 10, 6_400, 10_000, 1 << 20] {
            for p in [default, many, share] {
                assert!(p.cap().is_none_or(|cap| cap >= p.threshold(documents)));
            }
        }
        assert_eq!(share.reported_documents(150), 150);
        assert_eq!(default.reported_documents(150), COUNT_FLOOR);
        assert!(share.can_decide(None) && !share.can_decide(Some(COUNT_FLOOR)));
        assert!(default.can_decide(Some(500)) && !many.can_decide(Some(COUNT_FLOOR)));
    }

    #[test]
    fn verdicts() {
        let share = Learning {
            min_docs: 5,
            min_share: 0.5,
        };
        // 200 documents: 100 needed; 70 is rare however it sits (the old cap of 64 let it
        // through in the CLI).
        assert_eq!(share.verdict(200, 70, 70, 0), Verdict::Rare);
        assert_eq!(share.verdict(200, 100, 100, 0), Verdict::Learned);
        assert_eq!(share.verdict(200, 150, 150, 60), Verdict::HeldBack);
        assert_eq!(share.verdict(200, 150, 150, 50), Verdict::Learned);
    }
}
