//! The rule kinds of recurring lines, remembered across the pages a thread cleans.
//!
//! A site's template lines are the same text on every one of its pages (`下載本文檔`,
//! `評(píng)論`, the copyright line), and classifying a line costs its key (a tag pass,
//! annotation stripping, a conversion) and its candidate rules. A line's kinds depend on its
//! text alone (for one [`TemplateSet`](super::TemplateSet)), so a line classified a second
//! time is remembered and later pages look it up. Lines seen once (titles, body text) are not
//! kept, and the table is bounded: past the bound, lines are classified as if it were not
//! there.
//!
//! The table is per thread, so threads cleaning pages side by side never wait on each other;
//! each learns the recurring lines within its first pages.

use std::cell::RefCell;
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicU64, Ordering};

use rustc_hash::{FxBuildHasher, FxHashMap, FxHashSet};

/// Bytes of remembered lines per thread.
const MAX_BYTES: usize = 4 << 20;
/// Lines seen once per thread; past that the record starts over.
const MAX_SEEN: usize = 1 << 16;

thread_local! {
    static TABLE: RefCell<Table> = RefCell::new(Table::default());
}

/// One thread's table, for the template set `owner`.
#[derive(Default)]
struct Table {
    owner: u64,
    /// Line hash -> the line and its rule kinds for each site.
    known: FxHashMap<u64, (Box<str>, Box<[u8]>)>,
    /// Hashes of lines classified once and not remembered yet.
    seen: FxHashSet<u64>,
    /// Bytes in `known`.
    bytes: usize,
}

impl Table {
    /// The table, emptied if it held another template set's lines.
    fn for_owner(&mut self, owner: u64) -> &mut Self {
        if self.owner != owner {
            *self = Table {
                owner,
                ..Table::default()
            };
        }
        self
    }
}

/// A template set's handle on the per-thread tables: a number no other set has.
#[derive(Debug)]
pub(super) struct LineCache {
    owner: u64,
}

impl Default for LineCache {
    fn default() -> Self {
        // 0 is the owner of a fresh table, which holds nothing.
        static NEXT: AtomicU64 = AtomicU64::new(1);
        LineCache {
            owner: NEXT.fetch_add(1, Ordering::Relaxed),
        }
    }
}

/// A line as the cache knows it: its text and hash.
pub(super) struct Entry<'a> {
    line: &'a str,
    hash: u64,
}

impl<'a> Entry<'a> {
    pub(super) fn new(line: &'a str) -> Self {
        Entry {
            line,
            hash: FxBuildHasher.hash_one(line),
        }
    }
}

impl LineCache {
    /// The rule kinds remembered for the line, one per site, copied into `kinds`.
    pub(super) fn get(&self, entry: &Entry, kinds: &mut [u8]) -> bool {
        TABLE.with_borrow_mut(
            |table| match table.for_owner(self.owner).known.get(&entry.hash) {
                Some((line, known)) if **line == *entry.line && known.len() == kinds.len() => {
                    kinds.copy_from_slice(known);
                    true
                }
                _ => false,
            },
        )
    }

    /// Offers the line's rule kinds, just computed: remembered if the line was seen before.
    pub(super) fn offer(&self, entry: &Entry, kinds: &[u8]) {
        TABLE.with_borrow_mut(|table| {
            let table = table.for_owner(self.owner);
            if table.seen.insert(entry.hash) {
                if table.seen.len() > MAX_SEEN {
                    table.seen.clear();
                }
                return;
            }
            let bytes = entry.line.len() + kinds.len();
            // A hash shared by two lines keeps the first one.
            if table.bytes + bytes > MAX_BYTES || table.known.contains_key(&entry.hash) {
                return;
            }
            table.bytes += bytes;
            table
                .known
                .insert(entry.hash, (entry.line.into(), kinds.into()));
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_is_remembered_the_second_time() {
        let cache = LineCache::default();
        let mut kinds = [0u8; 2];
        let e = Entry::new("下載本文檔");
        assert!(!cache.get(&e, &mut kinds));
        cache.offer(&e, &[2, 0]);
        assert!(!cache.get(&e, &mut kinds));
        cache.offer(&e, &[2, 0]);
        assert!(cache.get(&e, &mut kinds));
        assert_eq!(kinds, [2, 0]);
        assert!(!cache.get(&Entry::new("下载本文档"), &mut kinds));
    }

    #[test]
    fn a_hash_collision_is_a_miss() {
        let cache = LineCache::default();
        let e = Entry::new("a");
        cache.offer(&e, &[1]);
        cache.offer(&e, &[1]);
        let other = Entry {
            line: "b",
            hash: e.hash,
        };
        assert!(!cache.get(&other, &mut [0]));
    }

    #[test]
    fn template_sets_do_not_share_lines() {
        let (a, b) = (LineCache::default(), LineCache::default());
        let e = Entry::new("評論");
        a.offer(&e, &[4]);
        a.offer(&e, &[4]);
        assert!(!b.get(&e, &mut [0]));
        // `b` took the thread's table over.
        assert!(!a.get(&e, &mut [0]));
    }
}
