//! Issue 27: the `garbage` stage never takes readable text with a garbage run. Synthetic
//! spans: a sentence, a stretch of it damaged at each of its characters (an annotation inserted
//! inside a character's bytes, which shows a `?`, or a byte lost, which shows nothing), with
//! annotations inside and after the stretch and real text after it. Where the stage removes,
//! every character the decoder read in step before and after the run is still there, and
//! every removal says by which rule. (A repair may still misread a character next to the run:
//! that is a wrong reading, counted by `examples/garbage_bench.rs`, not a removal.)

mod damage;

use damage::{damage, in_step_lost, Damage};
use zhclean::stages::garbage::gbk;
use zhclean::Page;

fn run(cleaner: &zhclean::Cleaner, text: &str) -> (String, Vec<String>) {
    let mut page = Page {
        text: text.to_string(),
        ..Page::default()
    };
    cleaner.stage("garbage").expect("a stage").apply(&mut page);
    (page.text, page.notes)
}

/// (text before, the stretch damaged, text after): traditional and annotated as the damaged
/// pages are.
const CASES: &[(&str, &str, &str)] = &[
    (
        "本報訊，今年的工作會議在北京召開，",
        "規模化養豬場的數量",
        "穩步增長，會議要求繼續推進改革。",
    ),
    (
        "會議指出，",
        "推進(jìn)經(jīng)濟(jì)發展",
        "是當前的首要任務。",
    ),
    (
        "據統計，",
        "長期債券和商業貸款",
        "的利率(lǜ)都有所下降(jiàng)。",
    ),
    ("實驗表明", "熱源的溫度越高", "，熱機(jī)的效率越高。"),
    (
        "在這個(gè)階段，",
        "學生應當掌握基礎知識",
        "(zhī)，並能夠(gòu)運用。",
    ),
    ("第三章 ", "軟件設計的基本原則", " 3.1 概述"),
];

/// Readings inserted inside a character's bytes.
const READINGS: &[&str] = &["jì", "zhàn", "guān", "xiàn", "shù", "yōu"];

#[test]
fn no_in_step_character_is_removed() {
    let cleaner = zhclean::Cleaner::new(zhclean::Config::default()).expect("default config");
    let (mut spans, mut removals, mut lost) = (0, 0, Vec::new());
    for (n, &(before, stretch, after)) in CASES.iter().enumerate() {
        let text = format!("{before}{stretch}{after}");
        let bytes = gbk::encode_text(&text).expect("GBK text");
        let truth = gbk::decode_as_stored(&bytes);
        // The clean sentence itself is left alone.
        let (out, notes) = run(&cleaner, &truth);
        assert_eq!((out.as_str(), notes.len()), (truth.as_str(), 0), "{text}");
        // Damage at the lead byte of every Han character of the stretch.
        let mut at = gbk::encode_text(before).expect("GBK").len();
        for c in stretch.chars() {
            if c.is_ascii() {
                at += 1;
                continue;
            }
            for kind in [Damage::Inserted, Damage::Lost] {
                let reading = READINGS[(at + n) % READINGS.len()];
                let garbled = gbk::decode_as_stored(&damage(&bytes, at, kind, reading));
                if garbled == truth {
                    continue;
                }
                spans += 1;
                let (out, notes) = run(&cleaner, &garbled);
                let n = in_step_lost(&garbled, &truth, &out);
                let removals_only = notes.iter().all(|n| n.contains("removed"));
                removals += usize::from(removals_only && !notes.is_empty());
                if n > 0 && removals_only {
                    lost.push(format!("{garbled:?} -> {out:?}: {n} lost ({notes:?})"));
                }
                for note in notes
                    .iter()
                    .filter(|n| n.starts_with("garbage: removed") && !n.contains("filler"))
                {
                    assert!(note.ends_with(')'), "a removal says its rule: {note}");
                }
            }
            at += 2;
        }
    }
    assert!(spans > 80, "{spans} spans");
    // (Fewer than before: a `?` whose trail byte was lost before its own annotation, and a
    // trail byte shown as a symbol, are repaired now, where they were removed.)
    assert!(
        removals > 3,
        "{removals} spans removed: the table tests no removal"
    );
    assert!(
        lost.is_empty(),
        "in-step text removed:\n{}",
        lost.join("\n")
    );
}

/// The measure itself: text lost before or after the run counts, the run does not.
#[test]
fn the_measure_counts_what_it_should() {
    let truth = "前文甲乙丙後文";
    let garbled = "前文?x)丁戊後文";
    assert_eq!(in_step_lost(garbled, truth, "前文丁戊後文"), 0);
    assert_eq!(in_step_lost(garbled, truth, "前文甲乙丙後文"), 0);
    assert_eq!(in_step_lost(garbled, truth, "前文後文"), 0);
    assert_eq!(in_step_lost(garbled, truth, "前?x)丁戊後文"), 1);
    assert_eq!(in_step_lost(garbled, truth, "前文?x)丁戊"), 2);
    assert_eq!(in_step_lost(garbled, truth, "文"), 3);
}
