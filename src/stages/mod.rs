//! One module per pipeline stage; the order lives in [`crate::pipeline::STAGES`].
//!
//! Every stage is `fn apply(&mut Page, &Ctx) -> u64`: it rewrites the page text and returns
//! how many changes it made.

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
