//! Mid-page counts of raw spellings in fixed memory (a count-min sketch), for the edge-share
//! rule.

use std::sync::atomic::{AtomicU32, Ordering};

/// Mid-page counts of spellings, in fixed memory: a count-min sketch, [`MID_ROWS`] rows of
/// [`MID_WIDTH`] counters, each spelling counted once per page in one counter per row, read
/// as the smallest of its counters. A batch has as many distinct mid-page lines as it has
/// body lines, too many to count one by one; a sketch only ever overstates a count, which
/// makes learning hold back (never remove more). Counts add up, so sketches merge and the
/// result is the same whatever order pages were counted in.
#[derive(Debug, Default, Clone)]
pub struct MidCounts {
    /// Empty until the first count (a learner that sees no mid-page line costs nothing).
    counters: Vec<u32>,
}

/// Rows of [`MidCounts`].
pub const MID_ROWS: usize = 2;
/// Counters per row of [`MidCounts`] (2^20: 8 MB in all).
pub const MID_WIDTH: usize = 1 << 20;

impl MidCounts {
    /// The counter a spelling uses in each row: separate bit ranges of the (well mixed)
    /// spelling hash.
    pub fn indices(spelling: u64) -> [usize; MID_ROWS] {
        let mask = MID_WIDTH as u64 - 1;
        [
            (spelling & mask) as usize,
            MID_WIDTH + ((spelling >> 32) & mask) as usize,
        ]
    }

    /// Counts one page's mid-page spellings (distinct).
    pub fn add(&mut self, spellings: &[u64]) {
        if spellings.is_empty() {
            return;
        }
        if self.counters.is_empty() {
            self.counters = vec![0; MID_ROWS * MID_WIDTH];
        }
        for &s in spellings {
            for i in Self::indices(s) {
                self.counters[i] = self.counters[i].saturating_add(1);
            }
        }
    }

    pub fn merge(&mut self, other: MidCounts) {
        if other.counters.is_empty() {
            return;
        }
        if self.counters.is_empty() {
            self.counters = other.counters;
            return;
        }
        for (a, b) in self.counters.iter_mut().zip(other.counters) {
            *a = a.saturating_add(b);
        }
    }

    /// Pages on which `spelling` was seen mid-page, or more (never fewer).
    pub fn estimate(&self, spelling: u64) -> u64 {
        Self::estimate_from(spelling, |i| {
            self.counters.get(i).copied().map_or(0, u64::from)
        })
    }

    /// [`MidCounts::estimate`] from counters kept elsewhere (`counter(index)`), as a
    /// distributed run sums them: the smallest of the spelling's counters.
    pub fn estimate_from(spelling: u64, counter: impl Fn(usize) -> u64) -> u64 {
        Self::indices(spelling)
            .into_iter()
            .map(counter)
            .min()
            .unwrap_or(0)
    }
}

/// A [`MidCounts`] that many threads count into at once: pass 1 of a run keeps one sketch for
/// the whole batch, instead of one per piece of work, so its 8 MB are touched once and never
/// merged. Counts add up whatever the order, so the result is the same on any thread count.
pub struct SharedMidCounts {
    counters: Box<[AtomicU32]>,
}

impl Default for SharedMidCounts {
    fn default() -> Self {
        SharedMidCounts {
            counters: (0..MID_ROWS * MID_WIDTH)
                .map(|_| AtomicU32::new(0))
                .collect(),
        }
    }
}

impl SharedMidCounts {
    /// [`MidCounts::add`], from any thread.
    pub fn add(&self, spellings: &[u64]) {
        for &s in spellings {
            for i in MidCounts::indices(s) {
                // Saturating, as `MidCounts` counts.
                let _ = self.counters[i]
                    .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |v| v.checked_add(1));
            }
        }
    }

    /// The counts, as one [`MidCounts`].
    pub fn into_counts(self) -> MidCounts {
        MidCounts {
            counters: self
                .counters
                .into_vec()
                .into_iter()
                .map(AtomicU32::into_inner)
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::learn::fingerprint::spelling;
    #[test]
    fn mid_counts_merge_and_never_understate() {
        let mut a = MidCounts::default();
        let mut b = MidCounts::default();
        let spellings: Vec<u64> = (0..5000u64)
            .map(|i| spelling(&format!("第{i}行")))
            .collect();
        for (i, s) in spellings.iter().enumerate() {
            let page = [*s];
            if i % 2 == 0 {
                a.add(&page);
            } else {
                b.add(&page);
            }
            a.add(&page);
        }
        a.merge(b);
        for s in &spellings {
            assert!(a.estimate(*s) >= 2);
        }
        assert_eq!(MidCounts::default().estimate(spellings[0]), 0);
    }

    /// Counting from several threads into one shared sketch gives the counts one sketch
    /// gets from the same pages in order.
    #[test]
    fn shared_mid_counts_equal_one_sketch() {
        let pages: Vec<Vec<u64>> = (0..400u64)
            .map(|p| {
                (0..p % 7)
                    .map(|l| spelling(&format!("{}行", p * l % 97)))
                    .collect()
            })
            .collect();
        let mut one = MidCounts::default();
        pages.iter().for_each(|p| one.add(p));
        let shared = SharedMidCounts::default();
        std::thread::scope(|scope| {
            for part in pages.chunks(100) {
                let shared = &shared;
                scope.spawn(move || part.iter().for_each(|p| shared.add(p)));
            }
        });
        assert_eq!(shared.into_counts().counters, one.counters);
    }
}
