//! The page travelling through the stages: its text as the stages have left it so far, and
//! what a later stage needs from an earlier one (where the body starts, whether the site cuts
//! it into preview chunks), with the warnings and notes for the report.

/// One page on its way through the pipeline.
#[derive(Debug, Clone, Default)]
pub struct Page {
    /// The text as the stages have left it so far.
    pub text: String,
    /// Byte offset where the body starts in `text` (after the title line the `template` stage
    /// puts first); 0 when there is no title.
    pub body_start: usize,
    /// Whether the recognised site cuts its body into preview chunks `1、` `2、` ….
    pub chunked: bool,
    /// Byte offset of the first line after the site's head region, where its first chunk
    /// marker is (later than `body_start` when a mirror host added lines above the head).
    pub chunk_start: Option<usize>,
    /// Warnings for the report (a stage that had to guess, or removed a lot).
    pub warnings: Vec<String>,
    /// Individual decisions worth showing in `--explain` (`garbage: 燃?xì)夤芾淼 -> 燃氣管理等`).
    pub notes: Vec<String>,
}

impl Page {
    /// A page holding `text`, before any stage.
    pub fn new(text: &str) -> Self {
        Page {
            text: text.to_string(),
            ..Page::default()
        }
    }
}
