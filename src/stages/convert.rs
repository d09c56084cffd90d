//! Stage `convert`: traditional (Taiwan-style) to simplified, with [`crate::converter`].
//!
//! Runs after the annotations are stripped, so phrases that an annotation split
//! (`經(jīng)濟(jì)`) are whole again. Counts replaced keys (a phrase counts once).

use std::borrow::Cow;

use crate::pipeline::{Ctx, Page};

pub fn apply(page: &mut Page, ctx: &Ctx) -> u64 {
    let (out, n) = ctx.converter.convert_counted(&page.text);
    if let Cow::Owned(s) = out {
        page.text = s;
    }
    n as u64
}
