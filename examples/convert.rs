//! Converts stdin to stdout, line by line, for the benchmark scripts in `bench/`.
//!
//! `cargo run --release --example convert [zhclean|ferrous] < in.txt > out.txt`
//!
//! `zhclean` (the default) is `zhclean::converter::Converter`; `ferrous` is the
//! `ferrous-opencc` dev-dependency with its built-in `Tw2s` configuration, the independent
//! implementation used by `tests/converter_diff.rs`.

use std::io::{self, BufRead, BufWriter, Write};

fn main() -> io::Result<()> {
    let engine = std::env::args().nth(1).unwrap_or_else(|| "zhclean".into());
    let stdin = io::stdin().lock();
    let mut out = BufWriter::new(io::stdout().lock());
    match engine.as_str() {
        "zhclean" => {
            let c = zhclean::converter::Converter::new();
            for line in stdin.lines() {
                writeln!(out, "{}", c.convert(&line?))?;
            }
        }
        "ferrous" => {
            let c =
                ferrous_opencc::OpenCC::from_config(ferrous_opencc::config::BuiltinConfig::Tw2s)
                    .expect("ferrous-opencc Tw2s");
            for line in stdin.lines() {
                writeln!(out, "{}", c.convert(&line?))?;
            }
        }
        other => {
            eprintln!("unknown engine {other:?}: expected zhclean or ferrous");
            std::process::exit(2);
        }
    }
    out.flush()
}
