//! One-thread conversion speed of zhclean and ferrous-opencc on the same text.
//!
//! `cargo run --release --example speed -- [FILE] [ROUNDS]`
//! (default `target/bench-data/zh-tw.txt` from `bench/fetch_corpus.sh`, 5 rounds).
//!
//! Prints start-up (building the converter) and the best of ROUNDS for converting the whole
//! file as one string, in MB/s (10^6 bytes of UTF-8 input per second) of thread CPU time (so
//! that other load on a shared machine does not count) and of wall-clock time. `bench/speed.sh` runs
//! this next to C++ OpenCC.

use std::hint::black_box;
use std::time::{Duration, Instant};

/// CPU time this thread has run, from Linux's `/proc/thread-self/schedstat` (nanoseconds),
/// so that other processes on a shared machine do not count; `None` elsewhere.
fn thread_cpu() -> Option<Duration> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    Some(Duration::from_nanos(
        s.split_whitespace().next()?.parse().ok()?,
    ))
}

/// Best of `rounds`: (wall-clock time, thread CPU time) of the fastest round by CPU time.
fn best<F: FnMut() -> usize>(rounds: usize, mut f: F) -> (Duration, Duration) {
    let mut best = (Duration::MAX, Duration::MAX);
    for _ in 0..rounds {
        let c = thread_cpu();
        let t = Instant::now();
        black_box(f());
        let wall = t.elapsed();
        let cpu = thread_cpu().zip(c).map_or(wall, |(b, a)| b - a);
        if cpu < best.1 {
            best = (wall, cpu);
        }
    }
    best
}

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .unwrap_or_else(|| "target/bench-data/zh-tw.txt".into());
    let rounds: usize = args.next().map_or(5, |r| r.parse().expect("ROUNDS"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mb = text.len() as f64 / 1e6;
    println!("input: {path}: {:.2} MB, best of {rounds}", mb);

    let t = Instant::now();
    let zh = zhclean::converter::Converter::new();
    let zh_start = t.elapsed();
    let t = Instant::now();
    let fe = ferrous_opencc::OpenCC::from_config(ferrous_opencc::config::BuiltinConfig::Tw2s)
        .expect("ferrous-opencc Tw2s");
    let fe_start = t.elapsed();

    let zh_t = best(rounds, || zh.convert(black_box(&text)).len());
    let fe_t = best(rounds, || fe.convert(black_box(&text)).len());
    println!("| engine | start-up | wall | CPU | MB/s (CPU) | MB/s (wall) |");
    println!("|---|---:|---:|---:|---:|---:|");
    for (name, start, (wall, cpu)) in [
        ("zhclean", zh_start, zh_t),
        ("ferrous-opencc 0.4 Tw2s", fe_start, fe_t),
    ] {
        println!(
            "| {name} | {:.2} ms | {:.1} ms | {:.1} ms | {:.0} | {:.0} |",
            start.as_secs_f64() * 1e3,
            wall.as_secs_f64() * 1e3,
            cpu.as_secs_f64() * 1e3,
            mb / cpu.as_secs_f64(),
            mb / wall.as_secs_f64()
        );
    }
}
