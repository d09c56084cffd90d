//! Stage `garbage`: GBK byte garbage repaired or removed, anti-copy filler removed.
//!
//! Not written yet (issue 5): passes the page through unchanged.

use crate::pipeline::{Ctx, Page};

pub fn apply(_page: &mut Page, _ctx: &Ctx) -> u64 {
    0
}
