//! zhclean: restore scraped Chinese document-site pages to their original simplified text.
//!
//! The library is the whole engine and does no I/O: give a [`Cleaner`] one page's text and
//! it returns the cleaned text with a report of what each stage changed. The batch layer
//! (`batch`, used by the `zhclean` binary) owns files, threads and progress; other programs
//! (the Python package) call the same [`Cleaner`].
//!
//! ```
//! let cleaner = zhclean::Cleaner::new(zhclean::Config::default()).unwrap();
//! let out = cleaner.clean("推進(jìn)經(jīng)濟(jì)發(fā)達(dá)鎮(zhèn)");
//! assert_eq!(out.text, "推进经济发达镇\n");
//! ```

pub mod annotations;
pub mod chars;
pub mod config;
pub mod converter;
pub mod extract;
#[cfg(test)]
mod fmm;
pub mod hunks;
pub mod learn;
pub mod lm;
pub mod overrides;
pub mod page;
pub mod pipeline;
pub mod readings;
pub mod report;
pub mod stages;
pub mod tables;
pub mod tags;
#[cfg(test)]
mod testing;

pub use config::{Config, ConfigError, SiteRules, SpacingPolicy};
pub use page::Page;
pub use pipeline::{Cleaned, Cleaner, Explanation, StageChange};
pub use report::PageReport;
