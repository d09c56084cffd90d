//! Learns boilerplate over the files named on the command line and prints the learned lines
//! (distinct documents, pages, key), as pass 1 of a `zhclean` run would:
//! `cargo run --example learn -- FILE...`
use zhclean::learn::{Learner, Learning};

fn main() {
    let cleaner = zhclean::Cleaner::new(zhclean::Config::default()).expect("config");
    let options = Learning::default();
    let mut learner = Learner::new(&options);
    for p in std::env::args().skip(1) {
        let bytes = std::fs::read(&p).expect("readable file");
        learner.add(&cleaner.page_lines(&String::from_utf8_lossy(&bytes)));
    }
    println!("# {} documents", learner.documents());
    for l in learner.finish(&options) {
        println!("{}\t{}\t{}", l.documents, l.pages, l.key);
    }
}
