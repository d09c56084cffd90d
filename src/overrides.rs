//! The plain-text override format, one parser for all of it: `data/overrides.txt` (compiled
//! in by `build.rs`, which includes this file) and the user's `--overrides FILE`. One
//! `KEY VALUE` pair per line, separated by a tab or spaces; `#` starts a comment line; blank
//! lines are ignored. (A `--config` file gives the same pairs as its `[overrides]` table.)
//!
//! Only `std` here: `build.rs` compiles this file on its own.

use std::collections::BTreeMap;

/// A line that is not a `KEY VALUE` pair: its number (from 1) and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub line: usize,
    pub text: String,
}

/// Every pair of `text`, a later pair for the same key winning.
pub fn parse(text: &str) -> Result<BTreeMap<String, String>, SyntaxError> {
    let mut map = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut parts = line.split(['\t', ' ']).filter(|p| !p.is_empty());
        match (parts.next(), parts.next(), parts.next()) {
            (Some(k), Some(v), None) => {
                map.insert(k.to_string(), v.to_string());
            }
            _ => {
                return Err(SyntaxError {
                    line: n + 1,
                    text: line.to_string(),
                })
            }
        }
    }
    Ok(map)
}
