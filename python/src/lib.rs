//! `zhclean._zhclean`: the PyO3 bindings behind the `zhclean` Python package.
//!
//! Thin by design: every decision is made by the `zhclean` crate, so Python, the CLI and Ray
//! give byte-identical output. This file only converts arguments, maps the crate's errors to
//! Python exceptions (same messages) and releases the GIL around the work, so Python threads
//! and Ray workers are not serialised behind one lock.
//!
//! Learning from Python mirrors the CLI's two passes: [`PyCleaner::fingerprint`] is what pass 1
//! counts for one page, [`learn::PyLearner`] the CLI's counter, [`learn::PyLearning`] its policy, and
//! [`PyCleaner::with_boilerplate`] the pass-2 cleaner.

use std::collections::BTreeMap;

use pyo3::create_exception;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString, PyTuple};
use rayon::prelude::*;
use zhclean::extract::{self, Format};
use zhclean::learn::{self as core_learn, Learner, Learning, PageLines};

mod learn;
use learn::{fingerprint_tuple, Fingerprint, PyLearnedLine, PyLearner, PyLearning};
use zhclean::{hunks, Config, SpacingPolicy};

create_exception!(
    zhclean,
    ConfigError,
    PyValueError,
    "A configuration the cleaner cannot use; the message is the Rust library's (the CLI prints the same)."
);

fn config_error(e: impl std::fmt::Display) -> PyErr {
    ConfigError::new_err(e.to_string())
}

/// Python object -> JSON text, through the standard `json` module, so dicts and lists from
/// Python reach serde with the crate's own field names and error messages.
fn to_json(value: &Bound<'_, PyAny>) -> PyResult<String> {
    let json = value.py().import("json")?;
    json.call_method1("dumps", (value,))?.extract()
}

fn from_json<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    py.import("json")?.call_method1("loads", (text,))
}

/// Runs `f` over `items` in input order: on the global rayon pool (`threads` = None), inline
/// (1), or on a pool of that many threads.
fn par_map<T, R, F>(items: Vec<T>, threads: Option<usize>, f: F) -> Result<Vec<R>, String>
where
    T: Send,
    R: Send,
    F: Fn(T) -> R + Sync + Send,
{
    match threads {
        None => Ok(items.into_par_iter().map(f).collect()),
        Some(0) => Err("threads must be at least 1".into()),
        Some(1) => Ok(items.into_iter().map(f).collect()),
        Some(n) => {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build()
                .map_err(|e| e.to_string())?;
            Ok(pool.install(|| items.into_par_iter().map(f).collect()))
        }
    }
}

/// Learned keys from a `boilerplate=` argument: keys (`str`) or `LearnedLine` objects.
fn boilerplate_keys(value: &Bound<'_, PyAny>) -> PyResult<Vec<String>> {
    if value.is_instance_of::<PyString>() {
        return Err(pyo3::exceptions::PyTypeError::new_err(
            "boilerplate must be a list of keys or LearnedLine objects, not a str",
        ));
    }
    let mut keys = Vec::new();
    for item in value.try_iter()? {
        let item = item?;
        if let Ok(line) = item.cast::<PyLearnedLine>() {
            keys.push(line.get().key.clone());
        } else {
            keys.push(item.extract()?);
        }
    }
    Ok(keys)
}

/// The cleaning engine. Build once and reuse: building compiles the conversion tables and
/// site templates. Thread-safe; picklable (it travels to Ray workers as its configuration).
///
/// `config` is a TOML string (the CLI's `--config` file) or a dict with the same keys
/// (`disable`, `spacing`, `overrides`, `sites`); keyword arguments override it.
/// `boilerplate` is a list of learned line keys (or `LearnedLine`s) for the `boilerplate`
/// stage, as returned by `Learner.finish` or `zhclean.ray.learn_boilerplate`.
#[pyclass(frozen, module = "zhclean", name = "Cleaner")]
struct PyCleaner {
    inner: zhclean::Cleaner,
}

impl PyCleaner {
    fn build(config: Config) -> PyResult<Self> {
        Ok(PyCleaner {
            inner: zhclean::Cleaner::new(config).map_err(config_error)?,
        })
    }

    /// The same entry point the CLI's learning pass uses, so both count the same keys.
    fn lines(&self, text: &str) -> PageLines {
        self.inner.page_lines(text)
    }

    /// Cleans one page read as `format` (see [`input_format`]): an HTML page's main text is
    /// extracted first, as the CLI does.
    fn clean_as(&self, text: &str, format: Format) -> zhclean::Cleaned {
        if format.is_html(None, text.as_bytes()) {
            extract::extract(text).clean(&self.inner)
        } else {
            self.inner.clean(text)
        }
    }
}

/// A `format=` argument: "text" (the default: the text is a page's text), "html" (a whole
/// HTML document) or "auto" (HTML when it starts as a document, as the CLI's default rule).
fn input_format(format: &str) -> PyResult<Format> {
    match format {
        "text" => Ok(Format::Text),
        "html" => Ok(Format::Html),
        "auto" => Ok(Format::Auto),
        other => Err(PyValueError::new_err(format!(
            "format must be \"text\", \"html\" or \"auto\", not {other:?}"
        ))),
    }
}

#[pymethods]
impl PyCleaner {
    #[new]
    #[pyo3(signature = (config=None, *, disable=None, spacing=None, overrides=None, sites=None, boilerplate=None))]
    fn new(
        config: Option<&Bound<'_, PyAny>>,
        disable: Option<Vec<String>>,
        spacing: Option<String>,
        overrides: Option<BTreeMap<String, String>>,
        sites: Option<&Bound<'_, PyAny>>,
        boilerplate: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let mut cfg = match config {
            None => Config::default(),
            Some(c) if c.is_none() => Config::default(),
            Some(c) if c.is_instance_of::<PyString>() => {
                Config::from_toml(&c.extract::<String>()?).map_err(config_error)?
            }
            Some(c) if c.is_instance_of::<PyDict>() => serde_json::from_str(&to_json(c)?)
                .map_err(|e| config_error(format!("invalid config: {e}")))?,
            Some(_) => {
                return Err(pyo3::exceptions::PyTypeError::new_err(
                    "config must be a TOML string, a dict or None",
                ))
            }
        };
        if let Some(disable) = disable {
            cfg.disable = disable;
        }
        if let Some(spacing) = spacing {
            cfg.spacing =
                serde_json::from_value::<SpacingPolicy>(serde_json::Value::String(spacing))
                    .map_err(|e| config_error(format!("invalid spacing: {e}")))?;
        }
        if let Some(overrides) = overrides {
            cfg.overrides = overrides;
        }
        if let Some(sites) = sites {
            cfg.sites = serde_json::from_str(&to_json(sites)?)
                .map_err(|e| config_error(format!("site rules: {e}")))?;
        }
        if let Some(b) = boilerplate {
            cfg.boilerplate = boilerplate_keys(b)?;
        }
        Self::build(cfg)
    }

    /// Cleans one page and returns the text. `format="html"` takes a whole HTML document
    /// and cleans its main text; `"auto"` does so when the text starts as one.
    #[pyo3(signature = (text, *, format="text"))]
    fn clean(&self, py: Python<'_>, text: String, format: &str) -> PyResult<String> {
        let format = input_format(format)?;
        Ok(py.detach(|| self.clean_as(&text, format).text))
    }

    /// Cleans one page; returns `(text, report)` where report is a dict with `counts`
    /// (stage -> changes, pipeline order), `warnings` and `notes`. `format` as for `clean`.
    #[pyo3(signature = (text, *, format="text"))]
    fn clean_with_report<'py>(
        &self,
        py: Python<'py>,
        text: String,
        format: &str,
    ) -> PyResult<(String, Bound<'py, PyDict>)> {
        let format = input_format(format)?;
        let out = py.detach(|| self.clean_as(&text, format));
        let report = PyDict::new(py);
        let counts = PyDict::new(py);
        for (stage, n) in &out.report.counts {
            counts.set_item(stage, n)?;
        }
        report.set_item("counts", counts)?;
        report.set_item("warnings", out.report.warnings)?;
        report.set_item("notes", out.report.notes)?;
        Ok((out.text, report))
    }

    /// Cleans many pages in parallel on the Rust thread pool with the GIL released; output
    /// order is input order. `threads`: None = all cores (or RAYON_NUM_THREADS), 1 = this
    /// thread only (what a Ray task with one CPU wants).
    #[pyo3(signature = (texts, *, threads=None, format="text"))]
    fn clean_batch(
        &self,
        py: Python<'_>,
        texts: Vec<String>,
        threads: Option<usize>,
        format: &str,
    ) -> PyResult<Vec<String>> {
        let format = input_format(format)?;
        py.detach(|| par_map(texts, threads, |t| self.clean_as(&t, format).text))
            .map_err(PyValueError::new_err)
    }

    /// Every stage's effect on one page, in pipeline order (stages that changed nothing
    /// included): its text before and after, its hunks (as `zhclean --explain` shows them)
    /// and its notes. A page a cleaning settled (its stages ran again over its output while
    /// the `garbage` stage still had work) has the stages of those passes after them.
    fn explain(&self, py: Python<'_>, text: String) -> Vec<PyStageChange> {
        py.detach(|| {
            let notes = self.inner.clean(&text).report.notes;
            let steps = self.inner.explain(&text);
            let texts: Vec<(String, String)> = (steps.iter())
                .map(|c| (c.before.clone(), c.after.clone()))
                .collect();
            let (stages, _) = hunks::from_steps(steps, notes);
            stages
                .into_iter()
                .zip(texts)
                .map(|(s, (before, after))| PyStageChange {
                    stage: s.stage,
                    changes: s.changes,
                    hunks: s.hunks.into_iter().map(PyHunk::from).collect(),
                    notes: s.notes,
                    before,
                    after,
                })
                .collect()
        })
    }

    /// The page as the `boilerplate` stage sees it (every earlier enabled stage applied).
    fn clean_before_boilerplate(&self, py: Python<'_>, text: String) -> String {
        py.detach(|| self.inner.clean_before(&text, "boilerplate"))
    }

    /// What boilerplate learning counts for one page: `(document, keys, spellings, mid)`:
    /// the page's document fingerprint (an unsigned 64-bit int), its edge lines' distinct
    /// learnable keys (sorted), each key's raw spelling (a hash, same order), and the
    /// spellings of its mid-page lines (sorted, distinct). The same as the CLI's pass 1.
    fn fingerprint(&self, py: Python<'_>, text: String) -> Fingerprint {
        let page = py.detach(|| self.lines(&text));
        fingerprint_tuple(page)
    }

    /// `fingerprint` over many pages, in parallel with the GIL released, in input order.
    #[pyo3(signature = (texts, *, threads=None))]
    fn fingerprint_batch(
        &self,
        py: Python<'_>,
        texts: Vec<String>,
        threads: Option<usize>,
    ) -> PyResult<Vec<Fingerprint>> {
        py.detach(|| par_map(texts, threads, |t| fingerprint_tuple(self.lines(&t))))
            .map_err(PyValueError::new_err)
    }

    /// Learns boilerplate over `texts` in this process, exactly as the CLI does over a batch:
    /// fingerprints every page, counts distinct documents per line, and returns the lines the
    /// policy `Learning(min_docs, min_share)` learns, sorted by key. Empty when the pages hold
    /// fewer than `min_docs` distinct documents (learning is off).
    #[pyo3(signature = (texts, *, min_docs=5, min_share=0.0, threads=None))]
    fn learn(
        &self,
        py: Python<'_>,
        texts: Vec<String>,
        min_docs: usize,
        min_share: f64,
        threads: Option<usize>,
    ) -> PyResult<Vec<PyLearnedLine>> {
        let policy = Learning {
            min_docs,
            min_share,
        };
        let pages = py
            .detach(|| par_map(texts, threads, |t| self.lines(&t)))
            .map_err(PyValueError::new_err)?;
        let mut learner = Learner::new(&policy);
        for page in &pages {
            learner.add(page);
        }
        Ok(learner
            .finish(&policy)
            .into_iter()
            .map(PyLearnedLine::from)
            .collect())
    }

    /// A cleaner with this one's configuration and the given learned lines (keys or
    /// `LearnedLine`s) for the `boilerplate` stage: the CLI's pass-2 cleaner.
    fn with_boilerplate(&self, boilerplate: &Bound<'_, PyAny>) -> PyResult<Self> {
        let mut config = self.inner.config().clone();
        config.boilerplate = boilerplate_keys(boilerplate)?;
        Self::build(config)
    }

    /// The configuration as a dict (the TOML keys; learned lines are in `boilerplate`).
    #[getter]
    fn config<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let text = serde_json::to_string(self.inner.config())
            .map_err(|e| PyValueError::new_err(e.to_string()))?;
        from_json(py, &text)
    }

    /// The learned line keys this cleaner removes.
    #[getter]
    fn boilerplate(&self) -> Vec<String> {
        self.inner.config().boilerplate.clone()
    }

    /// Pickled as its configuration and learned keys; unpickling rebuilds the tables.
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let py = slf.py();
        let config = serde_json::to_string(slf.get().inner.config())
            .map_err(|e| PyValueError::new_err(e.to_string()))?;
        let restore = py
            .import("zhclean._zhclean")?
            .getattr("_cleaner_from_json")?;
        let args = (config, slf.get().inner.config().boilerplate.clone());
        PyTuple::new(py, [restore, args.into_pyobject(py)?.into_any()])
    }

    fn __repr__(&self) -> String {
        let c = self.inner.config();
        format!(
            "Cleaner(disable={:?}, spacing={:?}, overrides={}, sites={}, boilerplate={})",
            c.disable,
            format!("{:?}", c.spacing).to_lowercase(),
            c.overrides.len(),
            c.sites.len(),
            c.boilerplate.len()
        )
    }
}

/// Rebuilds a pickled `Cleaner` (see `Cleaner.__reduce__`).
#[pyfunction]
fn _cleaner_from_json(config: &str, boilerplate: Vec<String>) -> PyResult<PyCleaner> {
    let mut config: Config =
        serde_json::from_str(config).map_err(|e| config_error(format!("invalid config: {e}")))?;
    config.boilerplate = boilerplate;
    PyCleaner::build(config)
}

/// One stage's effect on a page (`Cleaner.explain`).
#[pyclass(frozen, get_all, module = "zhclean", name = "StageChange")]
struct PyStageChange {
    /// Stage name (see `STAGES`).
    stage: &'static str,
    /// Number of changes the stage counted.
    changes: u64,
    /// The text before the stage.
    before: String,
    /// The text after the stage.
    after: String,
    /// The changes as hunks (`zhclean --explain`'s).
    hunks: Vec<PyHunk>,
    /// The stage's individual decisions.
    notes: Vec<String>,
}

/// One place where a stage changed the text (`zhclean --explain`'s hunks).
#[pyclass(frozen, get_all, module = "zhclean", name = "Hunk")]
#[derive(Clone)]
struct PyHunk {
    /// `change`, `removed-line` or `added-line`.
    kind: &'static str,
    /// 1-based line and column (in characters) of the text before the stage.
    line: usize,
    column: usize,
    /// The hunk's old and new text (context excluded).
    before: String,
    after: String,
    /// Unchanged text on either side, on the same line, and whether the line goes on.
    context_before: String,
    context_after: String,
    cut_before: bool,
    cut_after: bool,
    /// The change in order: `("=", kept)`, `("-", removed)`, `("+", added)`.
    parts: Vec<(&'static str, String)>,
}

impl From<hunks::Hunk> for PyHunk {
    fn from(h: hunks::Hunk) -> Self {
        PyHunk {
            kind: match h.kind {
                hunks::Kind::Change => "change",
                hunks::Kind::RemovedLine => "removed-line",
                hunks::Kind::AddedLine => "added-line",
            },
            line: h.line,
            column: h.column,
            before: h.before(),
            after: h.after(),
            parts: h
                .parts
                .into_iter()
                .map(|p| {
                    let op = match p.op {
                        hunks::Op::Same => "=",
                        hunks::Op::Removed => "-",
                        hunks::Op::Added => "+",
                    };
                    (op, p.text)
                })
                .collect(),
            context_before: h.context_before,
            context_after: h.context_after,
            cut_before: h.cut_before,
            cut_after: h.cut_after,
        }
    }
}

#[pymethods]
impl PyHunk {
    fn __repr__(&self) -> String {
        format!(
            "Hunk(kind={:?}, line={}, column={}, before={:?}, after={:?})",
            self.kind, self.line, self.column, self.before, self.after
        )
    }
}

#[pymethods]
impl PyStageChange {
    fn __repr__(&self) -> String {
        format!(
            "StageChange(stage={:?}, changes={}, changed={})",
            self.stage,
            self.changes,
            if self.before != self.after {
                "True"
            } else {
                "False"
            }
        )
    }
}

#[pymodule]
fn _zhclean(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("ConfigError", py.get_type::<ConfigError>())?;
    m.add_class::<PyCleaner>()?;
    m.add_class::<PyStageChange>()?;
    m.add_class::<PyHunk>()?;
    m.add_class::<PyLearnedLine>()?;
    m.add_class::<PyLearner>()?;
    m.add_class::<PyLearning>()?;
    m.add_function(wrap_pyfunction!(learn::threshold, m)?)?;
    m.add_function(wrap_pyfunction!(learn::line_key, m)?)?;
    m.add_function(wrap_pyfunction!(learn::edge_share_ok, m)?)?;
    m.add_function(wrap_pyfunction!(learn::mid_indices, m)?)?;
    m.add_function(wrap_pyfunction!(learn::mid_counts, m)?)?;
    m.add_function(wrap_pyfunction!(learn::mid_pages, m)?)?;
    m.add_function(wrap_pyfunction!(learn::write_learned, m)?)?;
    m.add_function(wrap_pyfunction!(learn::parse_learned, m)?)?;
    m.add_function(wrap_pyfunction!(_cleaner_from_json, m)?)?;
    m.add(
        "STAGES",
        PyTuple::new(py, zhclean::pipeline::stage_names().collect::<Vec<_>>())?,
    )?;
    m.add("LEARN_CAP", core_learn::COUNT_FLOOR)?;
    m.add("MAX_SPELLINGS", core_learn::MAX_SPELLINGS)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
