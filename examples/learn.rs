//! Learns boilerplate over the files named on the command line and prints the learned lines:
//! `cargo run --example learn -- [--no-template] FILE...`
use zhclean::stages::boilerplate::{page_lines, LearnOptions, Learner};

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let no_template = args.first().is_some_and(|a| a == "--no-template");
    if no_template {
        args.remove(0);
    }
    let config = zhclean::Config {
        disable: if no_template {
            vec!["template".into()]
        } else {
            vec![]
        },
        ..zhclean::Config::default()
    };
    let cleaner = zhclean::Cleaner::new(config).expect("config");
    let options = LearnOptions::default();
    let mut learner = Learner::new(options.min_docs);
    for p in &args {
        let bytes = std::fs::read(p).expect("readable file");
        let text = cleaner.clean_before_boilerplate(&String::from_utf8_lossy(&bytes));
        learner.add(&page_lines(&text));
    }
    println!("# {} documents", learner.documents());
    for l in learner.finish(&options) {
        println!("{}\t{}\t{}", l.documents, l.pages, l.key);
    }
}
