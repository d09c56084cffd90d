//! The learning half of the bindings: learned lines, the policy ([`PyLearning`]), the pass-1
//! counter ([`PyLearner`]) and the helpers Ray's distributed reducer uses. Every rule is the
//! crate's (`zhclean::learn`).

use std::collections::BTreeMap;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyTuple;
use zhclean::learn::{self, LearnedLine, Learner, Learning, PageLines, Verdict};

/// One learned boilerplate line: its key, the distinct documents it was seen in (counting
/// stops at the learner's cap) and the pages it was seen on.
#[pyclass(frozen, get_all, eq, module = "zhclean", name = "LearnedLine")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyLearnedLine {
    pub(crate) key: String,
    documents: usize,
    pages: u64,
}

impl From<LearnedLine> for PyLearnedLine {
    fn from(l: LearnedLine) -> Self {
        PyLearnedLine {
            key: l.key,
            documents: l.documents,
            pages: l.pages,
        }
    }
}

impl From<&PyLearnedLine> for LearnedLine {
    fn from(l: &PyLearnedLine) -> Self {
        LearnedLine {
            key: l.key.clone(),
            documents: l.documents,
            pages: l.pages,
        }
    }
}

#[pymethods]
impl PyLearnedLine {
    #[new]
    fn new(key: String, documents: usize, pages: u64) -> Self {
        PyLearnedLine {
            key,
            documents,
            pages,
        }
    }

    fn __repr__(&self) -> String {
        format!(
            "LearnedLine(key={:?}, documents={}, pages={})",
            self.key, self.documents, self.pages
        )
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let py = slf.py();
        let l = slf.get();
        let args = (l.key.clone(), l.documents, l.pages).into_pyobject(py)?;
        PyTuple::new(py, [slf.get_type().into_any(), args.into_any()])
    }
}

/// `Cleaner.fingerprint`'s result: `(document, keys, spellings, mid)`.
pub(crate) type Fingerprint = (u64, Vec<String>, Vec<u64>, Vec<u64>);

pub(crate) fn fingerprint_tuple(p: PageLines) -> Fingerprint {
    (p.document, p.keys, p.spellings, p.mid)
}

/// The learning policy (the CLI's `--learn-min-docs` and `--learn-share`): one rule for the
/// CLI, `Cleaner.learn`, `Learner` and the Ray reducer.
#[pyclass(frozen, eq, module = "zhclean", name = "Learning")]
#[derive(Clone, Copy, PartialEq)]
pub(crate) struct PyLearning {
    inner: Learning,
}

#[pymethods]
impl PyLearning {
    #[new]
    #[pyo3(signature = (min_docs=5, min_share=0.0))]
    fn new(min_docs: usize, min_share: f64) -> Self {
        PyLearning {
            inner: Learning {
                min_docs,
                min_share,
            },
        }
    }

    #[getter]
    fn min_docs(&self) -> usize {
        self.inner.min_docs
    }

    #[getter]
    fn min_share(&self) -> f64 {
        self.inner.min_share
    }

    /// Distinct documents a line needs in a batch of `documents` distinct documents.
    fn threshold(&self, documents: usize) -> usize {
        self.inner.threshold(documents)
    }

    /// Whether a batch of `documents` distinct documents is large enough to learn from.
    fn can_learn(&self, documents: usize) -> bool {
        self.inner.can_learn(documents)
    }

    /// Distinct documents counted per line at most (None: all of them).
    #[getter]
    fn cap(&self) -> Option<usize> {
        self.inner.cap()
    }

    /// A line's distinct documents as learned lists report them (up to `cap`).
    fn reported_documents(&self, documents: usize) -> usize {
        self.inner.reported_documents(documents)
    }

    /// Whether a line is learned in a batch of `batch_documents` distinct documents: in
    /// `line_documents` of them, at the edge of `edge_pages` pages and mid-page on
    /// `mid_pages` (the threshold and the edge-share rule).
    fn learns(
        &self,
        batch_documents: usize,
        line_documents: usize,
        edge_pages: u64,
        mid_pages: u64,
    ) -> bool {
        self.inner
            .verdict(batch_documents, line_documents, edge_pages, mid_pages)
            == Verdict::Learned
    }

    fn __repr__(&self) -> String {
        format!(
            "Learning(min_docs={}, min_share={})",
            self.inner.min_docs, self.inner.min_share
        )
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let py = slf.py();
        let l = slf.get().inner;
        let args = (l.min_docs, l.min_share).into_pyobject(py)?;
        PyTuple::new(py, [slf.get_type().into_any(), args.into_any()])
    }
}

/// Counts, for each line key, the distinct documents it appears in: the CLI's pass-1
/// counter, for the policy `Learning(min_docs, min_share)`. Feed it `Cleaner.fingerprint`
/// results; merge counters built on separate threads or processes; `finish` applies the
/// policy.
#[pyclass(module = "zhclean", name = "Learner")]
pub(crate) struct PyLearner {
    inner: Learner,
    policy: Learning,
}

#[pymethods]
impl PyLearner {
    /// The policy decides how far each line's documents are counted (see `Learning.cap`).
    #[new]
    #[pyo3(signature = (*, min_docs=5, min_share=0.0))]
    fn new(min_docs: usize, min_share: f64) -> Self {
        let policy = Learning {
            min_docs,
            min_share,
        };
        PyLearner {
            inner: Learner::new(&policy),
            policy,
        }
    }

    /// Adds one page, as `Cleaner.fingerprint` returns it: `add(*cleaner.fingerprint(page))`.
    /// Without `spellings` and `mid` nothing is known of mid-page lines, and the edge-share
    /// rule holds nothing back.
    #[pyo3(signature = (document, keys, spellings=Vec::new(), mid=Vec::new()))]
    fn add(&mut self, document: u64, keys: Vec<String>, spellings: Vec<u64>, mid: Vec<u64>) {
        self.inner.add(&PageLines {
            document,
            keys,
            spellings,
            mid,
        });
    }

    /// Adds another learner's counts (made for the same policy); `other` is left empty.
    fn merge(&mut self, mut other: PyRefMut<'_, PyLearner>) -> PyResult<()> {
        if other.policy != self.policy {
            return Err(PyValueError::new_err(
                "cannot merge learners made for different policies",
            ));
        }
        let theirs = std::mem::replace(&mut other.inner, Learner::new(&self.policy));
        self.inner.merge(theirs);
        Ok(())
    }

    /// Distinct documents seen so far.
    #[getter]
    fn documents(&self) -> usize {
        self.inner.documents()
    }

    /// Lines in enough documents that `finish` leaves alone because they are often
    /// mid-page: `(LearnedLine, mid_pages)` pairs, sorted by key. `min_docs` and `min_share`
    /// default to the learner's own.
    #[pyo3(signature = (min_docs=None, min_share=None))]
    fn held_back(
        &self,
        min_docs: Option<usize>,
        min_share: Option<f64>,
    ) -> PyResult<Vec<(PyLearnedLine, u64)>> {
        let policy = self.policy(min_docs, min_share)?;
        Ok(self
            .inner
            .held_back(&policy)
            .into_iter()
            .map(|(l, mid)| (PyLearnedLine::from(l), mid))
            .collect())
    }

    /// The learned lines, sorted by key (empty when fewer than `min_docs` distinct
    /// documents were seen). `min_docs` and `min_share` default to the learner's own.
    #[pyo3(signature = (min_docs=None, min_share=None))]
    fn finish(
        &self,
        min_docs: Option<usize>,
        min_share: Option<f64>,
    ) -> PyResult<Vec<PyLearnedLine>> {
        let policy = self.policy(min_docs, min_share)?;
        Ok(self
            .inner
            .finish(&policy)
            .into_iter()
            .map(PyLearnedLine::from)
            .collect())
    }
}

impl PyLearner {
    /// The learner's policy with the given thresholds; an error when its counts stopped short
    /// of what that policy needs (a learner made without a share cannot decide with one).
    fn policy(&self, min_docs: Option<usize>, min_share: Option<f64>) -> PyResult<Learning> {
        let policy = Learning {
            min_docs: min_docs.unwrap_or(self.policy.min_docs),
            min_share: min_share.unwrap_or(self.policy.min_share),
        };
        if !policy.can_decide(self.inner.cap()) {
            return Err(PyValueError::new_err(format!(
                "this learner counted up to {:?} documents per line; make it with \
                 Learner(min_docs={}, min_share={}) to decide with those thresholds",
                self.inner.cap(),
                policy.min_docs,
                policy.min_share
            )));
        }
        Ok(policy)
    }
}

/// The number of distinct documents a line needs to be learned in a batch of `documents`
/// distinct documents (`Learning(min_docs, min_share).threshold(documents)`).
#[pyfunction]
#[pyo3(signature = (documents, min_docs=5, min_share=0.0))]
pub(crate) fn threshold(documents: usize, min_docs: usize, min_share: f64) -> usize {
    Learning {
        min_docs,
        min_share,
    }
    .threshold(documents)
}

/// Whether a line at the edge of `edge_pages` pages and mid-page on `mid_pages` pages may be
/// learned (the CLI's edge-share rule).
#[pyfunction]
pub(crate) fn edge_share_ok(edge_pages: u64, mid_pages: u64) -> bool {
    learn::edge_share_ok(edge_pages, mid_pages)
}

/// The counters of the mid-page sketch that `spelling` uses, one per row (for engines that
/// add the sketch up elsewhere; a spelling's count is the smallest of its counters).
#[pyfunction]
pub(crate) fn mid_indices(spelling: u64) -> Vec<usize> {
    learn::MidCounts::indices(spelling).to_vec()
}

/// The mid-page pages of `spellings` (summed) as the sketch reads them, from summed counters
/// kept elsewhere (`counters`: index -> count; absent ones are 0): the CLI's reading.
#[pyfunction]
pub(crate) fn mid_pages(
    spellings: Vec<u64>,
    counters: std::collections::HashMap<usize, u64>,
) -> u64 {
    spellings
        .into_iter()
        .map(|s| learn::MidCounts::estimate_from(s, |i| counters.get(&i).copied().unwrap_or(0)))
        .sum()
}

/// The mid-page sketch of some pages, sparse: `(indices, counts)` of its non-zero counters,
/// from each page's `mid` (as `Cleaner.fingerprint` returns it). Sketches add up.
#[pyfunction]
pub(crate) fn mid_counts(pages: Vec<Vec<u64>>) -> (Vec<usize>, Vec<u64>) {
    let mut counts: BTreeMap<usize, u64> = BTreeMap::new();
    for mid in &pages {
        for &s in mid {
            for i in learn::MidCounts::indices(s) {
                *counts.entry(i).or_default() += 1;
            }
        }
    }
    counts.into_iter().unzip()
}

/// The normalised key of one line as learning counts it, or None for lines never learned.
#[pyfunction]
pub(crate) fn line_key(line: &str) -> Option<String> {
    learn::line_key(line)
}

/// A learned list in the CLI's `--boilerplate` file format (`documents<TAB>pages<TAB>key`).
#[pyfunction]
pub(crate) fn write_learned(lines: Vec<PyRef<'_, PyLearnedLine>>) -> String {
    let lines: Vec<LearnedLine> = lines.iter().map(|l| LearnedLine::from(&**l)).collect();
    learn::write_learned(&lines)
}

/// Reads a `--boilerplate` file's text; raises ValueError naming the first bad line.
#[pyfunction]
pub(crate) fn parse_learned(text: &str) -> PyResult<Vec<PyLearnedLine>> {
    Ok(learn::parse_learned(text)
        .map_err(PyValueError::new_err)?
        .into_iter()
        .map(PyLearnedLine::from)
        .collect())
}
