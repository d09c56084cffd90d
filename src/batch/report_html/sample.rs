//! What the HTML report keeps of a run's pages while it runs: a histogram of how much each
//! page changed, the most changed pages and a seeded random sample, in bounded memory.
//!
//! Every page (a text file, or a record of a shard) is [`Sampler::observe`]d once, from
//! any worker thread. Whatever the number of pages, the sampler holds [`KEEP`] pages of each
//! kind (their texts only up to [`MAX_TEXT`] bytes) and a fixed histogram.
//!
//! Deterministic whatever the thread count or the order pages arrive in: the most changed
//! pages are ranked by (share, characters changed, name), and the random sample keeps the
//! pages with the lowest hash of (seed, name), a choice no arrival order can change.

use std::sync::Mutex;

use rustc_hash::FxHashMap;

/// Pages kept of each kind (most changed, random).
pub const KEEP: usize = 12;
/// Texts larger than this are not kept (the page is still ranked; the report says so).
pub const MAX_TEXT: usize = 256 * 1024;
/// Buckets of the change histogram: unchanged, then tenths of the share changed.
pub const BUCKETS: usize = 11;
/// The random sample's seed: a fixed one, so two runs over the same pages pick the same.
pub const SEED: u64 = 0x7a68_636c_6561_6e00;

/// One sampled page.
#[derive(Debug, Clone)]
pub struct Sample {
    /// The input path, with `:LINE` for a shard's record.
    pub name: String,
    /// Characters of the input (decoded text).
    pub chars: u64,
    /// Characters of the input not in the output (see [`changed_chars`]).
    pub changed: u64,
    /// The decoded input and the output; `None` when larger than [`MAX_TEXT`].
    pub texts: Option<(String, String)>,
    priority: u64,
}

impl Sample {
    /// Share of the input's characters removed or replaced, 0 to 1.
    pub fn share(&self) -> f64 {
        if self.chars == 0 {
            0.0
        } else {
            self.changed as f64 / self.chars as f64
        }
    }

    /// Most changed first: share, then characters changed, then name.
    fn rank(&self, other: &Sample) -> std::cmp::Ordering {
        let cross = |a: &Sample, b: &Sample| u128::from(a.changed) * u128::from(b.chars);
        cross(other, self)
            .cmp(&cross(self, other))
            .then(other.changed.cmp(&self.changed))
            .then(self.name.cmp(&other.name))
    }
}

/// What the sampler found, for the report.
#[derive(Debug, Default)]
pub struct Samples {
    /// Pages observed.
    pub pages: u64,
    /// Pages per bucket: `[0]` unchanged (no input character lost), `[k]` a share in
    /// `((k-1)/10, k/10]`.
    pub histogram: [u64; BUCKETS],
    /// Most changed first.
    pub most_changed: Vec<Sample>,
    /// In name order.
    pub random: Vec<Sample>,
}

/// Collects [`Samples`] from every worker.
#[derive(Default)]
pub struct Sampler {
    state: Mutex<Samples>,
}

impl Sampler {
    /// Records one page: `name` names it (the input path, `path:LINE` for a record).
    pub fn observe(&self, name: &str, input: &str, output: &str) {
        let changed = changed_chars(input, output);
        let chars = input.chars().count() as u64;
        let priority = priority(name);
        let bucket = if changed == 0 {
            0
        } else {
            // (0, 0.1] -> 1, ..., (0.9, 1] -> 10.
            (((changed * 10).div_ceil(chars.max(1))) as usize).clamp(1, BUCKETS - 1)
        };
        let candidate = |state: &Samples| -> (bool, bool) {
            let probe = Sample {
                name: name.to_string(),
                chars,
                changed,
                texts: None,
                priority,
            };
            let top = changed > 0
                && (state.most_changed.len() < KEEP
                    || state
                        .most_changed
                        .last()
                        .is_some_and(|last| probe.rank(last).is_lt()));
            let random = state.random.len() < KEEP
                || state
                    .random
                    .iter()
                    .any(|s| (priority, name) < (s.priority, s.name.as_str()));
            (top, random)
        };
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.pages += 1;
        state.histogram[bucket] += 1;
        let (top, random) = candidate(&state);
        if !top && !random {
            return;
        }
        let sample = Sample {
            name: name.to_string(),
            chars,
            changed,
            texts: (input.len() <= MAX_TEXT && output.len() <= MAX_TEXT)
                .then(|| (input.to_string(), output.to_string())),
            priority,
        };
        if top {
            let list = &mut state.most_changed;
            let at = list.partition_point(|s| s.rank(&sample).is_lt());
            list.insert(at, sample.clone());
            list.truncate(KEEP);
        }
        if random {
            let list = &mut state.random;
            list.push(sample);
            list.sort_by(|a, b| (a.priority, &a.name).cmp(&(b.priority, &b.name)));
            list.truncate(KEEP);
        }
    }

    /// The samples, the random ones in name order.
    pub fn finish(self) -> Samples {
        let mut s = self.state.into_inner().unwrap_or_else(|e| e.into_inner());
        s.random.sort_by(|a, b| a.name.cmp(&b.name));
        s
    }
}

/// The random sample's order: a hash of the seed and the name (FNV-1a, then a 64-bit mix so
/// that names differing in their last bytes spread over the whole range).
fn priority(name: &str) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64 ^ SEED;
    for b in name.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h
}

/// Characters of `input` that `output` does not have (counted as multisets): what cleaning
/// removed or replaced. Cleaning keeps the order of what it keeps, so this is the input's
/// side of an edit script, in one pass instead of a diff.
pub fn changed_chars(input: &str, output: &str) -> u64 {
    let mut ascii = [0i64; 128];
    let mut other: FxHashMap<char, i64> = FxHashMap::default();
    for c in input.chars() {
        match ascii.get_mut(c as usize) {
            Some(n) => *n += 1,
            None => *other.entry(c).or_default() += 1,
        }
    }
    for c in output.chars() {
        match ascii.get_mut(c as usize) {
            Some(n) => *n -= 1,
            None => *other.entry(c).or_default() -= 1,
        }
    }
    let lost = |n: &i64| (*n).max(0) as u64;
    ascii.iter().map(lost).sum::<u64>() + other.values().map(lost).sum::<u64>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changed_characters_are_those_the_output_lacks() {
        assert_eq!(changed_chars("推進(jìn)經濟", "推进经济"), 8);
        assert_eq!(changed_chars("abc", "abc\n"), 0);
        assert_eq!(changed_chars("", ""), 0);
    }

    /// Many pages from many threads, in different orders: bounded, and the same samples.
    #[test]
    fn samples_are_bounded_and_the_same_whatever_the_order() {
        let pages: Vec<(String, String, String)> = (0..20_000)
            .map(|i| {
                let input = format!("頁{i}{}", "為".repeat(i % 37));
                let output = input.replacen('為', "为", i % 5);
                (format!("dir{}/p{i}.txt", i % 7), input, output)
            })
            .collect();
        let run = |order: Vec<usize>, threads: usize| {
            let sampler = Sampler::default();
            let chunks: Vec<&[usize]> = order.chunks(order.len().div_ceil(threads)).collect();
            std::thread::scope(|s| {
                for chunk in chunks {
                    let (sampler, pages) = (&sampler, &pages);
                    s.spawn(move || {
                        for &i in chunk {
                            let (name, input, output) = &pages[i];
                            sampler.observe(name, input, output);
                        }
                    });
                }
            });
            sampler.finish()
        };
        let names = |v: &[Sample]| v.iter().map(|s| s.name.clone()).collect::<Vec<_>>();
        let forward = run((0..pages.len()).collect(), 1);
        let backward = run((0..pages.len()).rev().collect(), 4);
        assert_eq!(forward.pages, 20_000);
        assert_eq!(forward.histogram.iter().sum::<u64>(), 20_000);
        assert_eq!(forward.histogram, backward.histogram);
        assert_eq!(forward.most_changed.len(), KEEP);
        assert_eq!(forward.random.len(), KEEP);
        assert_eq!(names(&forward.most_changed), names(&backward.most_changed));
        assert_eq!(names(&forward.random), names(&backward.random));
        // The most changed are ranked by share: the first one is at least as changed as any.
        let top = forward.most_changed[0].share();
        assert!(forward.most_changed.iter().all(|s| s.share() <= top));
        assert!(top > 0.0);
    }

    #[test]
    fn large_pages_are_ranked_without_their_text() {
        let sampler = Sampler::default();
        let big = "為".repeat(MAX_TEXT);
        sampler.observe("big.txt", &big, &big.replace('為', "为"));
        let s = sampler.finish();
        assert_eq!(s.most_changed[0].name, "big.txt");
        assert!(s.most_changed[0].texts.is_none());
    }
}
