//! Stage `boilerplate`: removes the lines this batch learned as boilerplate.
//!
//! Learning itself is batch work (issue 6); this stage only applies a learned list.

use std::collections::HashSet;

use crate::pipeline::{Ctx, Page};

/// The learned lines, as normalised keys.
#[derive(Debug, Default)]
pub struct Learned {
    keys: HashSet<String>,
}

impl Learned {
    pub fn new(keys: &[String]) -> Self {
        Learned {
            keys: keys.iter().cloned().collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

pub fn apply(_page: &mut Page, ctx: &Ctx) -> u64 {
    if ctx.boilerplate.is_empty() {
        return 0;
    }
    0
}
