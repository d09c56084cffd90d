//! What stages share, built once per [`crate::Cleaner`] from its configuration: the converter
//! (with the run's overrides) and the id that keys per-thread memos of results depending on it.

use std::sync::atomic::{AtomicU64, Ordering};

use crate::config::{Config, ConfigError};
use crate::converter::Converter;

/// The shared, immutable tables. Stages that need them hold an `Arc<Tables>`.
#[derive(Debug)]
pub struct Tables {
    /// Unique per tables built in this process: keys per-thread memos of results that depend
    /// on these tables (another cleaner's converter may convert differently).
    pub id: u64,
    /// Traditional to simplified, with the run's overrides.
    pub converter: Converter,
}

impl Tables {
    /// Builds the tables `config` asks for.
    pub fn new(config: &Config) -> Result<Self, ConfigError> {
        static NEXT_ID: AtomicU64 = AtomicU64::new(1);
        Ok(Tables {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            converter: Converter::with_overrides(&config.overrides)?,
        })
    }
}
