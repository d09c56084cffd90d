//! Properties that hold for any input: cleaning never panics, is idempotent, and leaves
//! already-clean simplified text, English, numbers, URLs and code alone.

use proptest::prelude::*;
use zhclean::{Cleaner, Config};

fn cleaner() -> &'static Cleaner {
    static C: std::sync::OnceLock<Cleaner> = std::sync::OnceLock::new();
    C.get_or_init(|| Cleaner::new(Config::default()).unwrap())
}

/// Text that looks like the pages: Han (traditional and simplified), annotations, ASCII,
/// punctuation of both widths, chunk markers, tags, spaces and line breaks. Template lines
/// stand on lines of their own, as on the pages (a template line glued behind body text is
/// body text), and byte garbage sits inside body text, as on the pages (garbage that makes up a
/// whole line next to a template block would let the `garbage` stage, which runs after
/// `template`, uncover template lines only a second run sees).
fn pagelike() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("經(jīng)濟(jì)".to_string()),
        Just("發(fā)達(dá)鎮(zhèn)".to_string()),
        Just("為著臺裡".to_string()),
        Just("什么干部后来".to_string()),
        Just("\n\n2、".to_string()),
        Just("1、".to_string()),
        Just("<p><b>".to_string()),
        Just("</b></p>".to_string()),
        Just("&gt;&amp;".to_string()),
        Just("\n版權(quán)說明:本文檔由用戶提供并上傳,請進行舉報或認領\n文檔簡介\n".to_string()),
        Just("\n標題_第1頁\n".to_string()),
        Just("\n溫馨提示\n• 1. 本站\n".to_string()),
        Just("燃?xì)夤芾淼?91".to_string()),
        "[ \t\u{3000}]{1,3}",
        "[,.;:?!()（），。、“”]",
        "[a-zA-Z0-9]{1,8}",
        "[\u{4e00}-\u{9fff}]{1,6}",
        "\n{1,3}",
    ];
    prop::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn never_panics_on_any_unicode(s in "\\PC{0,400}") {
        let _ = cleaner().clean(&s);
    }

    #[test]
    fn never_panics_on_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        let _ = cleaner().clean(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn idempotent_on_pagelike_text(s in pagelike()) {
        let once = cleaner().clean(&s).text;
        let twice = cleaner().clean(&once).text;
        prop_assert_eq!(twice, once);
    }

    #[test]
    fn idempotent_on_any_unicode(s in "\\PC{0,300}") {
        let once = cleaner().clean(&s).text;
        let twice = cleaner().clean(&once).text;
        prop_assert_eq!(twice, once);
    }
}

#[test]
fn very_long_lines_are_fine() {
    let line = "經(jīng)濟(jì)發(fā)達(dá)鎮(zhèn), 2010 年 ".repeat(40_000);
    let out = cleaner().clean(&line).text;
    assert!(out.starts_with("经济发达镇，2010年经济"));
    let ascii = "a".repeat(2_000_000);
    assert_eq!(cleaner().clean(&ascii).text.len(), ascii.len() + 1);
}

/// Pages where the stages after `garbage` tip one of its decisions: `ruby` takes off the
/// annotation a run opens after (the run then reads from further back), `convert` gives a
/// run's characters other bytes. A second cleaning repaired what the first had left; a
/// cleaning now settles (runs again while the stage would still change its text).
#[test]
fn idempotent_where_later_stages_tip_a_garbage_decision() {
    for s in [
        // Synthetic damage: the lead byte of 通 lost from 會通過, the run read back from `^`.
        "有一些可能會(huì)ㄟ^(guò)接口來(lái)實(shí)現(xiàn)。",
        // Found by the idempotence property: 澾 is 㳠 simplified, whose bytes differ.
        "澾捤鵗A",
        "廁珝犚謈a",
    ] {
        let once = cleaner().clean(s).text;
        assert_eq!(cleaner().clean(&once).text, once, "{s}");
    }
    let once = cleaner().clean("有一些可能會(huì)ㄟ^(guò)接口來(lái)實(shí)現(xiàn)。");
    assert_eq!(once.text, "有一些可能会通过接口来实现。\n");
}

/// Clean text that must come out exactly as it went in (plus the final newline).
const UNCHANGED: &[&str] = &[
    "什么坏干部后来都走了。",
    "2010年4月，中央编办会同中央农办、发改委在15个省份确定了29个经济发达镇。",
    "显著的成就来自著名的著作；乾隆皇帝下江南。",
    "这是一个“一门式”向“一窗式”转变的过程（服务）。",
    "Matching buyers and sellers is one of the most fundamental problems in economics.",
    "The price is 1,000 dollars at 12:30, up 48.67% (e.g., Groupon).",
    "访问 https://example.com/path?a=1&b=2 或写信到 someone@example.com。",
    "fn main() { let x = vec![1, 2, 3]; println!(\"{:?}\", x); }",
    "WG=mgh=mg(h1-h2)=mgh1-mgh2",
    "第一章\n\n1、孤立系统：与外界无物质交换。\n2、开口系统：有物质交换。",
    "见（P239）与（2024）年度报告。",
    "f(x) = sin(t) + (Apple)",
];

#[test]
fn clean_text_passes_unchanged() {
    for s in UNCHANGED {
        let out = cleaner().clean(s);
        assert_eq!(out.text, format!("{s}\n"), "{s}");
        assert_eq!(out.report.total(), 0, "nothing counted as changed: {s}");
    }
}
