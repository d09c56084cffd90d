//! Golden files: real pages, raw -> clean, scored by character error rate (CER).
//!
//! `tests/fixtures/golden/` holds the seed page and the gold pages. The budget below is the
//! number of character edits each page may still be away from its gold; it only ever goes
//! down. Run `cargo test --test golden -- --nocapture` to see the table.

mod common;

use zhclean::{Cleaner, Config};

/// Edits each page may still differ by, and why. Pages not listed must match exactly.
const BUDGET: &[(&str, usize, &str)] = &[
    (
        "027-m_bubsandbeans_com",
        3,
        "`关系?;A(chǔ)级` is left: the bytes prove 。基礎 but the garbage stage's margin is not met",
    ),
    (
        "seed",
        4,
        "`?91`: the eaten 1 cannot come back, and the model reads 的 for 等; `GDPg、体` is no one-byte shift",
    ),
];

#[test]
fn golden_pages_match_their_gold() {
    let cleaner = Cleaner::new(Config::default()).unwrap();
    let mut failures = Vec::new();
    println!("{:<40} {:>6} {:>6} {:>8}", "page", "edits", "chars", "CER");
    for (name, raw, gold, uncertain) in common::golden() {
        let out = cleaner.clean(&raw).text;
        let (edits, len) = common::cer(&out, &gold, &uncertain);
        println!(
            "{name:<40} {edits:>6} {len:>6} {:>7.3}%",
            100.0 * edits as f64 / len as f64
        );
        let budget = BUDGET
            .iter()
            .find(|(n, _, _)| *n == name)
            .map_or(0, |b| b.1);
        if edits > budget {
            failures.push(format!(
                "{name}: {edits} edits (budget {budget})\n--- got\n{out}--- want\n{gold}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn cer_scoring_follows_the_gold_rules() {
    assert_eq!(common::cer("abc", "abc", &[]), (0, 3));
    assert_eq!(common::cer("a\nbc", "ab\nc\n", &[]), (0, 3));
    assert_eq!(common::cer("abd", "abc", &[]), (1, 3));
    assert_eq!(common::cer("abXYc", "abzc", &["z".into()]), (0, 3));
}
