//! Stage `template`: site template lines off, the document title kept once as line one.
//! (Being written.)

use serde::{Deserialize, Serialize};

use crate::pipeline::{Ctx, Page};

/// One site's template rules, as written in `data/sites.toml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteRules {
    pub name: String,
}

/// The compiled templates: built-in ones first, then the user's.
#[derive(Debug, Default)]
pub struct TemplateSet {}

impl TemplateSet {
    pub fn new(_extra: &[SiteRules]) -> Result<Self, String> {
        Ok(TemplateSet {})
    }
}

pub fn apply(_page: &mut Page, _ctx: &Ctx) -> u64 {
    0
}
