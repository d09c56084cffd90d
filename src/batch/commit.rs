//! When an output counts as finished: durability by group, not by file.
//!
//! Every output is written to a temporary name and renamed into place ([`super::output`]), so a
//! killed process leaves whole files or none. What a power cut can do is another matter: a
//! renamed file whose data the kernel has not yet written may come back empty. An output is
//! therefore recorded as finished in the manifest ([`super::manifest`]), which is what
//! `--resume` trusts, only once its bytes are on disk. `--sync` says how that is made sure:
//!
//! - `group` (the default): outputs are renamed without waiting for the disk; after every
//!   [`Limits::outputs`] outputs or [`Limits::interval`], and at the end, a syncer thread makes
//!   the whole group durable with one flush ([`Syncfs`]: one `syncfs` of the output's file
//!   system), then appends the group's entries to the manifest in one write. A power cut
//!   costs at most the outputs not yet recorded: they are not in the manifest, so `--resume`
//!   cleans them again. The appended lines themselves are not flushed on their own (that
//!   would be a second disk commit per group): the next group's flush, which covers the
//!   manifest as it lies in the output directory, makes them durable, and lines lost before
//!   that only mean outputs cleaned again. An entry can never be durable before its output.
//! - `file`: every output is fsynced before its rename and recorded at once (one disk flush
//!   per file: on small files this is most of the run).
//! - `none`: nothing is flushed; entries are still appended by group. A killed process loses
//!   nothing that was renamed, but after a power cut the outputs and the manifest are whatever
//!   the kernel had written.
//!
//! The flush is a [`Flush`] value, so tests can watch the order of flushes and manifest writes
//! (the unit tests below check that no entry reaches the manifest before a flush that began
//! after its output was renamed).

use std::fs::File;
use std::io;
use std::path::Path;
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use super::manifest::{Entry, Manifest};

/// `--sync`: how outputs are made durable before they are recorded as finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SyncMode {
    /// fsync every output before its rename.
    File,
    /// One flush of the output file system per group of outputs.
    Group,
    /// No flush at all.
    None,
}

/// When a group closes: after this many outputs, or this long after its first output,
/// whichever comes first (and at the end of the run).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub outputs: usize,
    pub interval: Duration,
}

impl Default for Limits {
    /// A few hundred small pages a group keeps the flushes in the background while a small
    /// batch runs (the last one, which the run waits for, then has little left to write);
    /// the interval bounds what a power cut can cost on a slow batch.
    fn default() -> Self {
        Limits {
            outputs: 512,
            interval: Duration::from_millis(1000),
        }
    }
}

/// Makes every output renamed before the call durable.
pub trait Flush: Sync {
    fn flush(&self) -> io::Result<()>;
}

/// The real flush: `syncfs` of the file system holding the output directory (one call
/// whatever the group's size; it also writes out the file system's other dirty data).
pub struct Syncfs {
    dir: File,
}

impl Syncfs {
    pub fn new(out_dir: &Path) -> io::Result<Self> {
        Ok(Syncfs {
            dir: File::open(out_dir)?,
        })
    }
}

impl Flush for Syncfs {
    fn flush(&self) -> io::Result<()> {
        use std::os::fd::AsRawFd;
        // SAFETY: the descriptor is open for as long as `self.dir` lives.
        if unsafe { libc::syncfs(self.dir.as_raw_fd()) } == 0 {
            Ok(())
        } else {
            Err(io::Error::last_os_error())
        }
    }
}

/// No flush (`--sync none`).
pub struct NoFlush;

impl Flush for NoFlush {
    fn flush(&self) -> io::Result<()> {
        Ok(())
    }
}

/// An output that could not be made durable, and why.
#[derive(Debug)]
pub struct Unsynced {
    /// The output's manifest key.
    pub output: String,
    pub reason: String,
}

/// Outputs renamed into place and not yet recorded, and whether the run is over.
#[derive(Default)]
struct Pending {
    entries: Vec<Entry>,
    /// When the group's first output arrived.
    since: Option<Instant>,
    closing: bool,
}

/// Records finished outputs in the manifest, by group ([`SyncMode::File`]: one by one).
/// Workers call [`Committer::finished`]; with groups, one thread runs [`Committer::syncer`]
/// until [`Committer::close`].
pub struct Committer<'a> {
    manifest: &'a Manifest,
    mode: SyncMode,
    flush: Box<dyn Flush + 'a>,
    limits: Limits,
    pending: Mutex<Pending>,
    wake: Condvar,
    unsynced: Mutex<Vec<Unsynced>>,
}

impl<'a> Committer<'a> {
    pub fn new(
        manifest: &'a Manifest,
        mode: SyncMode,
        flush: Box<dyn Flush + 'a>,
        limits: Limits,
    ) -> Self {
        Committer {
            manifest,
            mode,
            flush,
            limits,
            pending: Mutex::default(),
            wake: Condvar::new(),
            unsynced: Mutex::default(),
        }
    }

    /// Whether a [`Committer::syncer`] thread must run (every mode but `file`).
    pub fn needs_syncer(&self) -> bool {
        self.mode != SyncMode::File
    }

    /// An output was renamed into place (with `file`, after its fsync). Returns an error only
    /// in `file` mode, where the entry is recorded at once.
    pub fn finished(&self, entry: Entry) -> io::Result<()> {
        if self.mode == SyncMode::File {
            return self.manifest.record(std::slice::from_ref(&entry));
        }
        let mut p = lock(&self.pending);
        p.since.get_or_insert_with(Instant::now);
        p.entries.push(entry);
        if p.entries.len() >= self.limits.outputs {
            self.wake.notify_one();
        }
        Ok(())
    }

    /// Ends the run: the syncer flushes the last group and returns.
    pub fn close(&self) {
        lock(&self.pending).closing = true;
        self.wake.notify_one();
    }

    /// The syncer's loop: waits for a group to close, flushes, records the group. The last
    /// group (at [`Committer::close`]) is flushed but not appended: the manifest's final
    /// rewrite ([`Manifest::finish`]) records it.
    pub fn syncer(&self) {
        loop {
            let (group, last) = self.next_group();
            if !group.is_empty() {
                self.commit(group, last);
            }
            if last {
                return;
            }
        }
    }

    /// Waits until the pending group is due (full, old enough, or the run is over) and takes it.
    fn next_group(&self) -> (Vec<Entry>, bool) {
        let mut p = lock(&self.pending);
        loop {
            if p.closing || p.entries.len() >= self.limits.outputs {
                break;
            }
            p = match p.since {
                None => self.wake.wait(p).unwrap_or_else(|e| e.into_inner()),
                Some(t0) => match self.limits.interval.checked_sub(t0.elapsed()) {
                    Some(left) if !left.is_zero() => {
                        self.wake
                            .wait_timeout(p, left)
                            .unwrap_or_else(|e| e.into_inner())
                            .0
                    }
                    _ => break,
                },
            };
        }
        p.since = None;
        (std::mem::take(&mut p.entries), p.closing)
    }

    /// Flushes, then records the group (unless it is the last). A group that cannot be
    /// flushed is not recorded: its outputs are reported as failed.
    fn commit(&self, group: Vec<Entry>, last: bool) {
        let recorded = self.flush.flush().and_then(|()| {
            if last {
                Ok(())
            } else {
                self.manifest.record(&group)
            }
        });
        if let Err(e) = recorded {
            let reason = format!("cannot make the output durable: {e}");
            lock(&self.unsynced).extend(group.into_iter().map(|e| Unsynced {
                output: e.output,
                reason: reason.clone(),
            }));
        }
    }

    /// The outputs whose group could not be flushed or recorded.
    pub fn into_unsynced(self) -> Vec<Unsynced> {
        self.unsynced
            .into_inner()
            .unwrap_or_else(|e| e.into_inner())
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn entry(name: &str) -> Entry {
        Entry {
            output: name.into(),
            input_size: 1,
            input_sha256: "ab".into(),
            settings: "s".into(),
            output_size: 2,
        }
    }

    /// A flush that checks the manifest on disk at every call: it may hold only outputs
    /// renamed before an earlier flush began. `renamed` is what the workers have renamed so
    /// far; `synced` what was renamed before the latest flush began.
    struct Watch<'a> {
        manifest: &'a Path,
        renamed: &'a Mutex<BTreeSet<String>>,
        synced: Mutex<BTreeSet<String>>,
        flushes: AtomicUsize,
        fail_at: Option<usize>,
    }

    impl Watch<'_> {
        fn check(&self) {
            let text = std::fs::read_to_string(self.manifest).unwrap_or_default();
            let synced = lock(&self.synced);
            for line in text.lines().filter(|l| !l.is_empty()) {
                let e: Entry = serde_json::from_str(line).unwrap();
                assert!(
                    synced.contains(&e.output),
                    "{} recorded before a flush covered it",
                    e.output
                );
            }
        }
    }

    impl Flush for Watch<'_> {
        fn flush(&self) -> io::Result<()> {
            self.check();
            let n = self.flushes.fetch_add(1, Ordering::SeqCst) + 1;
            if self.fail_at == Some(n) {
                return Err(io::Error::other("disk gone"));
            }
            let renamed = lock(self.renamed).clone();
            lock(&self.synced).extend(renamed);
            Ok(())
        }
    }

    /// The entries in the manifest file.
    fn recorded(path: &Path) -> BTreeSet<String> {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        text.lines()
            .filter(|l| !l.is_empty())
            .map(|l| serde_json::from_str::<Entry>(l).unwrap().output)
            .collect()
    }

    /// Four workers finish 300 outputs in groups of at most 16 (or 2 ms), the flush watching
    /// the manifest; returns the manifest's entries, what was reported unsynced, the number
    /// of flushes and how many outputs a flush covered.
    fn run_groups(fail_at: Option<usize>) -> (BTreeSet<String>, Vec<Unsynced>, usize, usize) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(super::super::output::MANIFEST_NAME);
        let manifest = Manifest::open(dir.path(), false).unwrap();
        let renamed = Mutex::new(BTreeSet::new());
        let watch = Watch {
            manifest: &path,
            renamed: &renamed,
            synced: Mutex::default(),
            flushes: AtomicUsize::new(0),
            fail_at,
        };
        let limits = Limits {
            outputs: 16,
            interval: Duration::from_millis(2),
        };
        let committer = Committer::new(&manifest, SyncMode::Group, Box::new(&watch), limits);
        std::thread::scope(|s| {
            s.spawn(|| committer.syncer());
            let workers: Vec<_> = (0..4)
                .map(|w| {
                    let (committer, renamed) = (&committer, &renamed);
                    s.spawn(move || {
                        for i in 0..75 {
                            let name = format!("{w}/{i}.txt");
                            lock(renamed).insert(name.clone());
                            committer.finished(entry(&name)).unwrap();
                            if i % 10 == 0 {
                                std::thread::sleep(Duration::from_millis(1));
                            }
                        }
                    })
                })
                .collect();
            for w in workers {
                w.join().unwrap();
            }
            committer.close();
        });
        watch.check();
        let flushes = watch.flushes.load(Ordering::SeqCst);
        let covered = lock(&watch.synced).len();
        (recorded(&path), committer.into_unsynced(), flushes, covered)
    }

    /// No entry reaches the manifest before a flush that began after its output was renamed
    /// (checked at every flush and at the end); every group but the last is recorded, and the
    /// last is flushed before the run ends.
    #[test]
    fn the_manifest_never_records_an_output_before_its_group_is_flushed() {
        let (recorded, unsynced, flushes, covered) = run_groups(None);
        assert!(unsynced.is_empty());
        // Groups close while workers go on, so they may hold more than 16 outputs; but the
        // workers' pauses outlast the 2 ms interval, so there is more than one.
        assert!(flushes >= 2, "{flushes} flushes for 300 outputs");
        assert_eq!(
            covered, 300,
            "the last group is flushed before the run ends"
        );
        assert!(
            !recorded.is_empty() && recorded.len() <= 300,
            "groups recorded (all but the last, which may be empty): {}",
            recorded.len()
        );
    }

    #[test]
    fn a_group_that_cannot_be_flushed_is_not_recorded_and_is_reported() {
        let (recorded, unsynced, _, _) = run_groups(Some(2));
        assert!(!unsynced.is_empty());
        assert!(unsynced[0].reason.contains("disk gone"));
        for u in &unsynced {
            assert!(!recorded.contains(&u.output), "{} recorded", u.output);
        }
    }

    impl Flush for &Watch<'_> {
        fn flush(&self) -> io::Result<()> {
            (**self).flush()
        }
    }
}
