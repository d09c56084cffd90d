//! The progress bar (indicatif): files and bytes done, throughput, ETA.
//!
//! It draws only when stderr is a terminal and `--quiet` is not given, so logs and pipes get
//! no control characters. It is updated from every worker thread (indicatif's bar is
//! thread-safe) and never influences what is written.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, Ordering};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

pub struct Progress {
    bar: Option<ProgressBar>,
    files_total: u64,
    files_done: AtomicU64,
}

impl Progress {
    /// A bar over `files` files totalling `bytes` bytes; hidden when `quiet` or when stderr
    /// is not a terminal.
    pub fn new(files: u64, bytes: u64, quiet: bool) -> Self {
        let bar = (!quiet && std::io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::with_draw_target(Some(bytes), ProgressDrawTarget::stderr());
            let style = ProgressStyle::with_template(
                "{elapsed_precise} [{wide_bar}] {msg} {binary_bytes}/{binary_total_bytes} \
                 {binary_bytes_per_sec} ETA {eta}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ");
            bar.set_style(style);
            bar.set_message(format!("0/{files} files"));
            bar
        });
        Progress {
            bar,
            files_total: files,
            files_done: AtomicU64::new(0),
        }
    }

    pub fn add_bytes(&self, n: u64) {
        if let Some(bar) = &self.bar {
            bar.inc(n);
        }
    }

    pub fn file_done(&self) {
        let done = self.files_done.fetch_add(1, Ordering::Relaxed) + 1;
        if let Some(bar) = &self.bar {
            bar.set_message(format!("{done}/{} files", self.files_total));
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
