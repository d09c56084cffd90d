//! One module per pipeline stage; the order lives in `crate::pipeline`, the only module that
//! knows every stage.
//!
//! Every stage is a [`Stage`]: a value built once from the configuration and the shared
//! [`Tables`](crate::tables::Tables), whose `apply` rewrites a page and returns how many
//! changes it made. Stages that need nothing but the page are a plain function
//! (`fn apply(&mut Page) -> u64`), which is a [`Stage`] too.

pub mod blanks;
pub mod boilerplate;
pub mod chunks;
pub mod convert;
pub mod garbage;
pub mod layout;
pub mod markup;
pub mod punct;
pub mod ruby;
pub mod space;
pub mod template;
pub mod unicode;

use crate::page::Page;

/// One step of the pipeline. `Send + Sync`: one cleaner serves every thread.
pub trait Stage: Send + Sync {
    /// Rewrites `page`; returns how many changes it made (the stage's count in the report).
    fn apply(&self, page: &mut Page) -> u64;
}

/// A stage that needs nothing but the page.
pub type PageFn = fn(&mut Page) -> u64;

impl Stage for PageFn {
    fn apply(&self, page: &mut Page) -> u64 {
        self(page)
    }
}
