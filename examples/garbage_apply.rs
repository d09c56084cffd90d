//! Prints a file as the `garbage` stage leaves it:
//! `cargo run --release --example garbage_apply -- FILE`.

use zhclean::Page;

fn main() {
    let cleaner = zhclean::Cleaner::new(zhclean::Config::default()).expect("default config");
    let path = std::env::args().nth(1).expect("a file");
    let mut page = Page {
        text: std::fs::read_to_string(&path).expect("readable file"),
        ..Page::default()
    };
    cleaner.stage("garbage").expect("a stage").apply(&mut page);
    print!("{}", page.text);
}
