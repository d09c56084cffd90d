//! Runs only the `garbage` stage over the files given and prints its decisions, e.g.
//! `cargo run --release --example garbage_notes -- tests/fixtures/garbage/*.txt`.

use zhclean::Page;

fn main() {
    let cleaner = zhclean::Cleaner::new(zhclean::Config::default()).expect("default config");
    for path in std::env::args().skip(1) {
        let text = std::fs::read_to_string(&path).expect("readable file");
        let mut page = Page {
            text,
            ..Page::default()
        };
        let n = cleaner.stage("garbage").expect("a stage").apply(&mut page);
        println!("== {path}: {n}");
        for note in &page.notes {
            println!("  {note}");
        }
    }
}
