//! The rule kinds of recurring lines, shared by the pages a cleaner cleans.
//!
//! A site's template lines are the same text on every one of its pages (`下載本文檔`,
//! `評(píng)論`, the copyright line), and classifying a line costs its key (a tag pass,
//! annotation stripping, a conversion) and a `RegexSet` pass per site. A line's kinds depend on
//! its text alone, so a line classified a second time is remembered and later pages look it up.
//! Lines seen once (titles, body text) are not kept, and the table is bounded: past the bound,
//! lines are classified as if it were not there.

use std::hash::BuildHasher;
use std::sync::Mutex;

use rustc_hash::{FxBuildHasher, FxHashMap, FxHashSet};

/// Shards, so that threads cleaning pages side by side seldom wait on one another.
const SHARDS: usize = 16;
/// Bytes of remembered lines per shard (4 MiB in all).
const MAX_SHARD_BYTES: usize = 1 << 18;
/// Lines seen once per shard; past that the record starts over.
const MAX_SHARD_SEEN: usize = 1 << 14;

#[derive(Debug, Default)]
struct Shard {
    /// Line hash -> the line and its rule kinds for each site.
    known: FxHashMap<u64, (Box<str>, Box<[u8]>)>,
    /// Hashes of lines classified once and not remembered yet.
    seen: FxHashSet<u64>,
    /// Bytes in `known`.
    bytes: usize,
}

/// Line -> rule kinds for each site, for lines that recur.
#[derive(Debug)]
pub(super) struct LineCache {
    shards: Vec<Mutex<Shard>>,
}

impl Default for LineCache {
    fn default() -> Self {
        LineCache {
            shards: (0..SHARDS).map(|_| Mutex::default()).collect(),
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
    fn shard(&self, entry: &Entry) -> &Mutex<Shard> {
        &self.shards[(entry.hash >> 32) as usize % SHARDS]
    }

    /// The rule kinds remembered for the line, one per site, copied into `kinds`.
    pub(super) fn get(&self, entry: &Entry, kinds: &mut [u8]) -> bool {
        let Ok(shard) = self.shard(entry).lock() else {
            return false;
        };
        match shard.known.get(&entry.hash) {
            Some((line, known)) if **line == *entry.line && known.len() == kinds.len() => {
                kinds.copy_from_slice(known);
                true
            }
            _ => false,
        }
    }

    /// Offers the line's rule kinds, just computed: remembered if the line was seen before.
    pub(super) fn offer(&self, entry: &Entry, kinds: &[u8]) {
        let Ok(mut shard) = self.shard(entry).lock() else {
            return;
        };
        if shard.seen.insert(entry.hash) {
            if shard.seen.len() > MAX_SHARD_SEEN {
                shard.seen.clear();
            }
            return;
        }
        let bytes = entry.line.len() + kinds.len();
        // A hash shared by two lines keeps the first one.
        if shard.bytes + bytes > MAX_SHARD_BYTES || shard.known.contains_key(&entry.hash) {
            return;
        }
        shard.bytes += bytes;
        shard
            .known
            .insert(entry.hash, (entry.line.into(), kinds.into()));
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
}
