//! Where a batch's cleaning time goes, stage by stage, on one thread.
//!
//! `cargo run --release --example stage_times -- DIR_OR_FILES...`
//!
//! Reads every `.txt` page given (directories are walked one level deep), runs the pipeline's
//! stages one after another on each page and sums each stage's thread CPU time; prints MB/s per
//! stage (10^6 input bytes per second) and its share of the whole. Also times pass 1 of
//! learning (`Cleaner::page_lines`), and runs the stages with the lines it learned, as a CLI run
//! with learning does. A profiling aid: `cargo bench --bench pipeline` is the
//! regression benchmark.

use std::time::Duration;

use zhclean::learn::{Learner, Learning};
use zhclean::pipeline::STAGES;
use zhclean::Page;
use zhclean::{Cleaner, Config};

/// CPU time this thread has run (`CLOCK_THREAD_CPUTIME_ID`, one system call), so that other
/// load on a shared machine does not count.
fn thread_cpu() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec; the clock id is a constant Linux knows.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

fn main() {
    let mut pages = Vec::new();
    for arg in std::env::args().skip(1) {
        let path = std::path::PathBuf::from(arg);
        let files: Vec<_> = if path.is_dir() {
            let mut v: Vec<_> = std::fs::read_dir(&path)
                .expect("readable directory")
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file())
                .collect();
            v.sort();
            v
        } else {
            vec![path]
        };
        for f in files {
            if let Ok(t) = std::fs::read_to_string(&f) {
                pages.push(t);
            }
        }
    }
    let bytes: usize = pages.iter().map(|p| p.len()).sum();
    // Pass 1 of learning first (best of three rounds), then a cleaner that knows the learned
    // lines, as a CLI run with learning has: the `boilerplate` stage has work to do.
    let plain = Cleaner::new(Config::default()).expect("default config");
    let mut learned = Vec::new();
    let learn = (0..3)
        .map(|_| {
            let t = thread_cpu();
            let mut learner = Learner::new(&Learning::default());
            for text in &pages {
                learner.add(&plain.page_lines(text));
            }
            learned = learner.finish(&Learning::default());
            thread_cpu() - t
        })
        .min()
        .unwrap_or_default();
    let config = Config {
        boilerplate: learned.iter().map(|l| l.key.clone()).collect(),
        ..Config::default()
    };
    let cleaner = Cleaner::new(config).expect("default config");
    let mut times = vec![Duration::ZERO; STAGES.len()];
    let start = thread_cpu();
    for text in &pages {
        let mut page = Page {
            text: text.clone(),
            ..Page::default()
        };
        for (i, (_, stage)) in cleaner.stages().enumerate() {
            let t = thread_cpu();
            stage.apply(&mut page);
            times[i] += thread_cpu() - t;
        }
    }
    let total = thread_cpu() - start;
    // `STAGE=name`: time that stage alone, best of five rounds over the pages as they reach
    // it (steadier than one round on a busy machine).
    if let Ok(name) = std::env::var("STAGE") {
        let at = STAGES
            .iter()
            .position(|s| *s == name)
            .expect("STAGE names a stage");
        let inputs: Vec<Page> = pages
            .iter()
            .map(|text| {
                let mut page = Page {
                    text: text.clone(),
                    ..Page::default()
                };
                for (_, stage) in cleaner.stages().take(at) {
                    stage.apply(&mut page);
                }
                page
            })
            .collect();
        let best = (0..5)
            .map(|_| {
                let mut copies = inputs.clone();
                let t = thread_cpu();
                for page in &mut copies {
                    cleaner.stage(&name).expect("a stage").apply(page);
                }
                thread_cpu() - t
            })
            .min()
            .unwrap_or_default();
        println!(
            "{name}: best of 5 {:.3} s ({:.1} MB/s of input pages)",
            best.as_secs_f64(),
            bytes as f64 / 1e6 / best.as_secs_f64().max(1e-9)
        );
    }
    let mbs = |d: Duration| bytes as f64 / 1e6 / d.as_secs_f64().max(1e-9);
    println!("{} pages, {:.1} MB", pages.len(), bytes as f64 / 1e6);
    for (stage, d) in STAGES.iter().zip(&times) {
        println!(
            "{:12} {:8.3} s {:5.1} % {:9.1} MB/s",
            stage,
            d.as_secs_f64(),
            100.0 * d.as_secs_f64() / total.as_secs_f64(),
            mbs(*d)
        );
    }
    println!(
        "{:12} {:8.3} s {:7} {:9.1} MB/s",
        "all",
        total.as_secs_f64(),
        "",
        mbs(total)
    );
    println!(
        "{:12} {:8.3} s {:5.1} % {:9.1} MB/s (best of 3; {} lines learned)",
        "learn pass 1",
        learn.as_secs_f64(),
        100.0 * learn.as_secs_f64() / total.as_secs_f64(),
        mbs(learn),
        learned.len()
    );
}
