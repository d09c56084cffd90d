//! The HTML tag names that leak into saved text pages (`data/tags.tsv`, compiled in): the one
//! list the `markup` stage (which tags are block breaks, which vanish) and the `template`
//! stage's line keys (which formatting tags a key drops) share.

use std::sync::OnceLock;

static TABLE: &str = include_str!("../data/tags.tsv");

/// What `markup` does with a tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A line break (`p`, `div`, `br`, `li`, `tr`, `h1` …).
    Block,
    /// Removed (`b`, `span`, `a`, `font` …).
    Inline,
}

/// One row of the table.
#[derive(Debug, Clone, Copy)]
pub struct Tag {
    pub name: &'static str,
    pub kind: Kind,
    /// Whether a template line key drops it.
    pub dropped_in_keys: bool,
}

/// Every known tag, in the table's order.
pub fn all() -> &'static [Tag] {
    static TAGS: OnceLock<Vec<Tag>> = OnceLock::new();
    TAGS.get_or_init(|| {
        TABLE
            .lines()
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(|l| {
                let mut cols = l.split('\t');
                let (Some(name), Some(kind), Some(key)) = (cols.next(), cols.next(), cols.next())
                else {
                    panic!("data/tags.tsv: a row needs name, kind and key: {l:?}");
                };
                Tag {
                    name,
                    kind: match kind {
                        "block" => Kind::Block,
                        "inline" => Kind::Inline,
                        _ => panic!("data/tags.tsv: kind is block or inline: {l:?}"),
                    },
                    dropped_in_keys: match key {
                        "drop" => true,
                        "keep" => false,
                        _ => panic!("data/tags.tsv: key is drop or keep: {l:?}"),
                    },
                }
            })
            .collect()
    })
}

/// The kind of the tag named `name` (lowercase ASCII), if it is known.
pub fn kind(name: &str) -> Option<Kind> {
    all().iter().find(|t| t.name == name).map(|t| t.kind)
}

/// The names a template line key drops.
pub fn dropped_in_keys() -> impl Iterator<Item = &'static str> {
    all().iter().filter(|t| t.dropped_in_keys).map(|t| t.name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_reads() {
        assert_eq!(kind("p"), Some(Kind::Block));
        assert_eq!(kind("span"), Some(Kind::Inline));
        assert_eq!(kind("image"), None);
        assert!(dropped_in_keys().any(|n| n == "font"));
        assert!(!dropped_in_keys().any(|n| n == "img"));
        let mut names: Vec<_> = all().iter().map(|t| t.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), all().len(), "a name twice");
    }
}
