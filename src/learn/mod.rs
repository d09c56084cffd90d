//! Cross-page learning of boilerplate: one module for the CLI, the Python package and Ray.
//!
//! A page alone cannot tell its own text from its site's template; a batch can. A line that
//! recurs in many *different documents* is boilerplate (the CCNet approach): every line is
//! normalised to a key ([`keys::line_key`]: converted already, spaces and punctuation widths
//! unified, digit runs folded so `已阅读5页` and `已阅读12页` are one key), and a [`Learner`]
//! counts, for each key, the distinct documents it appears in.
//!
//! Documents, not files: the same document saved from three mirror hosts must keep its body.
//! A page's document fingerprint ([`fingerprint`]) is the hash of its three longest line keys:
//! mirrors share their body paragraphs; different documents do not, even when one long
//! disclaimer line is on all of them (it is only one of the three).
//!
//! Only the lines at a page's edges ([`keys::edge_lines`]) are counted (and removed by the
//! `boilerplate` stage): templates wrap a document, and a line repeated in the middle of many
//! documents is their publisher's text. For the same reason a frequent edge line is still held
//! back when its spellings are often seen mid-page ([`edge_share_ok`]): a publisher's line
//! that closes every document is at an edge only where a page happens to end with it. Mid-page
//! lines are counted by their raw [`spelling`] (a hash, no conversion) in a fixed-size sketch
//! ([`MidCounts`]).
//!
//! Guard rails:
//! - lines shorter than [`keys::MIN_KEY_CHARS`] and structural lines that real documents
//!   share (`一、`, `目录`, `参考文献`, `摘要`, `第三章 …`) are never learned;
//! - lines without a letter or Han character (page numbers, rules) are never learned;
//! - lines longer than [`keys::MAX_KEY_CHARS`] are body paragraphs and are not counted (this
//!   also bounds the learner's memory).
//!
//! The decision is deterministic: a key is learned when its set of distinct fingerprints
//! reaches the threshold, which does not depend on the order pages are counted in.
//!
//! The parts: [`keys`] (line keys, edge lines, structural lines), [`lines`] (what one page
//! contributes), [`fingerprint`] (document fingerprints and raw spellings), [`learner`] (the
//! counts), [`sketch`] (mid-page counts in fixed memory), [`policy`] (the thresholds) and
//! [`list`] (the `--boilerplate` file format).

pub mod fingerprint;
pub mod keys;
pub mod learner;
pub mod lines;
pub mod list;
pub mod policy;
pub mod sketch;

pub use fingerprint::spelling;
pub use keys::{learn_key, learnable_key, line_key, remembered_key, with_remembered_key};
pub use learner::{LearnedLine, Learner, MAX_SPELLINGS};
pub use lines::{page_lines, page_lines_with, PageLines};
pub use list::{parse_learned, write_learned};
pub use policy::{edge_share_ok, Learning, Verdict, COUNT_FLOOR, MIN_EDGE_SHARE};
pub use sketch::{MidCounts, SharedMidCounts};
