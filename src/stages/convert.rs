//! Stage `convert`: traditional (Taiwan-style) to simplified, with [`crate::converter`].
//!
//! Runs after the annotations are stripped, so phrases that an annotation split
//! (`經(jīng)濟(jì)`) are whole again. Counts replaced keys (a phrase counts once).

use std::borrow::Cow;
use std::sync::Arc;

use crate::page::Page;
use crate::stages::Stage;
use crate::tables::Tables;

/// The stage, converting with the shared converter.
#[derive(Debug, Clone)]
pub struct Convert {
    tables: Arc<Tables>,
}

impl Convert {
    pub fn new(tables: &Arc<Tables>) -> Self {
        Convert {
            tables: Arc::clone(tables),
        }
    }
}

impl Stage for Convert {
    fn apply(&self, page: &mut Page) -> u64 {
        let (out, n) = self.tables.converter.convert_counted(&page.text);
        if let Cow::Owned(s) = out {
            page.text = s;
        }
        n as u64
    }
}
