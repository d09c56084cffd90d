//! Cleans the files named on the command line (or stdin) and prints the result: a quick way to
//! look at the engine without the batch CLI. `cargo run --example clean -- page.txt`
use std::io::Read;

fn main() {
    let cleaner = zhclean::Cleaner::new(zhclean::Config::default()).expect("default config");
    let paths: Vec<String> = std::env::args().skip(1).collect();
    if paths.is_empty() {
        let mut buf = Vec::new();
        std::io::stdin().read_to_end(&mut buf).expect("stdin");
        print!("{}", cleaner.clean(&String::from_utf8_lossy(&buf)).text);
    }
    for p in paths {
        let bytes = std::fs::read(&p).expect("readable file");
        print!("{}", cleaner.clean(&String::from_utf8_lossy(&bytes)).text);
    }
}
