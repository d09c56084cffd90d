//! The settings of a cleaning run: which stages run, the spacing policy, extra site rules and
//! conversion overrides. Plain data, read from TOML by the CLI (`--config`) and built from
//! keyword arguments by the Python package; validated when a [`crate::Cleaner`] is built.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Spacing between Han characters and Latin letters or digits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SpacingPolicy {
    /// No space (mainland print style, as the gold pages are): `2010年4月`, `GDP总体`.
    #[default]
    Remove,
    /// Leave whatever spacing the text has.
    Keep,
    /// Exactly one space, as pangu does: `2010 年 4 月`.
    Add,
}

/// Everything a [`crate::Cleaner`] needs to know. `Default` is the behaviour of a plain
/// `zhclean` run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Stages to switch off, by name (see [`crate::pipeline::STAGES`]).
    pub disable: Vec<String>,
    /// Han/Latin spacing policy.
    pub spacing: SpacingPolicy,
    /// Phrase overrides for the converter (`traditional = "simplified"`); they win over the
    /// built-in tables.
    pub overrides: BTreeMap<String, String>,
    /// Extra site templates, in the format of `data/sites.toml`; tried after the built-in ones.
    pub sites: Vec<SiteRules>,
    /// Lines learned as boilerplate for this batch (normalised keys, see
    /// [`crate::learn`]); empty means none.
    #[serde(skip)]
    pub boilerplate: Vec<String>,
}

/// One site's template rules, as written in `data/sites.toml` (the `template` stage compiles
/// them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteRules {
    pub name: String,
    #[serde(default = "default_min_lines")]
    pub min_lines: usize,
    #[serde(default)]
    pub chunks: bool,
    #[serde(default)]
    pub title: Vec<String>,
    #[serde(default)]
    pub head: Vec<String>,
    #[serde(default)]
    pub tail: Vec<String>,
    #[serde(default)]
    pub tail_block: Vec<String>,
    #[serde(default)]
    pub tail_items: Vec<String>,
}

fn default_min_lines() -> usize {
    2
}

/// A configuration that cannot be used, with the reason.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A name in `disable` that is no stage, and the stages there are.
    #[error("unknown stage {0:?} in `disable` (stages: {1})")]
    UnknownStage(String, String),
    #[error("invalid TOML config: {0}")]
    Toml(#[from] toml::de::Error),
    #[error("site rules: {0}")]
    SiteRules(String),
    #[error("conversion overrides: {0}")]
    Overrides(#[from] crate::converter::OverrideError),
}

impl Config {
    /// Parses a TOML configuration (the `--config` file).
    pub fn from_toml(text: &str) -> Result<Self, ConfigError> {
        Ok(toml::from_str(text)?)
    }

    /// Whether the stage called `name` runs.
    pub fn enabled(&self, name: &str) -> bool {
        !self.disable.iter().any(|d| d == name)
    }
}
