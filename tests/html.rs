//! HTML inputs end to end: a real Debian chapter against its body, and the real binary on
//! HTML files, HTML in `.txt` files, JSONL records holding HTML, stdin, `--explain` and
//! hostile files.

use std::collections::HashMap;
use std::path::Path;

mod common;

use common::{run, run_stdin, stderr, write};
use zhclean::extract::{extract, Format};
use zhclean::{Cleaner, Config};

fn fixture(name: &str) -> String {
    let path = common::fixtures().join("html").join(name);
    if name.ends_with(".gz") {
        common::read_gz(&path)
    } else {
        std::fs::read_to_string(path).unwrap()
    }
}

fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF)
}

/// Han bigrams (Han characters with everything else removed, then consecutive pairs), as
/// `bench/html/score.py` counts them.
fn bigrams(text: &str) -> HashMap<(char, char), usize> {
    let han: Vec<char> = text.chars().filter(|&c| is_han(c)).collect();
    let mut m = HashMap::new();
    for w in han.windows(2) {
        *m.entry((w[0], w[1])).or_default() += 1;
    }
    m
}

/// (recall of the body's bigrams, share of the output's bigrams found in neither the body
/// nor the allowed text).
fn recall_and_chrome(out: &str, body: &str, allowed: &str) -> (f64, f64) {
    let (o, b, a) = (bigrams(out), bigrams(body), bigrams(allowed));
    let total: usize = b.values().sum();
    let hit: usize = o
        .iter()
        .map(|(k, &n)| n.min(b.get(k).copied().unwrap_or(0)))
        .sum();
    let out_total: usize = o.values().sum();
    let extra: usize = o
        .iter()
        .map(|(k, &n)| {
            n.saturating_sub(b.get(k).copied().unwrap_or(0) + a.get(k).copied().unwrap_or(0))
        })
        .sum();
    (hit as f64 / total as f64, extra as f64 / out_total as f64)
}

/// Tag-shaped strings (`<p>`, `</div>`, `<meta charset=x>`).
fn tags(text: &str) -> usize {
    let re = regex::Regex::new(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>").unwrap();
    re.find_iter(text).count()
}

const TITLE: &str = "第 8 章 国际化和本地化";

/// The done-when properties on a real chapter: its title first, at least 98 % of its body,
/// at most 1 % of anything else, no more tag-shaped text than the body shows. Checked on the
/// extraction and on the binary's cleaned output.
#[test]
fn debian_reference_chapter() {
    let html = fixture("debian-reference-ch08.zh-cn.html.gz");
    let body = fixture("debian-reference-ch08.zh-cn.body.txt");
    let extracted = extract(&html).plain();

    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("ch08.zh-cn.html");
    std::fs::write(&input, &html).unwrap();
    let o = run(&["-q", "ch08.zh-cn.html", "-o", "out"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let cleaned = std::fs::read_to_string(dir.path().join("out/ch08.zh-cn.txt")).unwrap();

    for (what, out) in [("extracted", &extracted), ("cleaned", &cleaned)] {
        let (recall, chrome) = recall_and_chrome(out, &body, TITLE);
        assert!(recall >= 0.98, "{what}: recall {recall:.4}");
        assert!(chrome <= 0.01, "{what}: chrome {chrome:.4}");
        assert!(tags(out) <= tags(&body), "{what}: {} tags", tags(out));
        assert!(!out.contains("上一页") && !out.contains("下一页"), "{what}");
    }
    // The cleaning stages may close up the title's spaces (`第8章`); the extraction keeps
    // the page's own.
    assert_eq!(extracted.lines().next(), Some(TITLE));
    let words = |s: &str| s.split_whitespace().collect::<String>();
    assert_eq!(cleaned.lines().next().map(words), Some(words(TITLE)));
    // `pre` blocks come out exactly as the page shows them.
    assert!(
        cleaned.contains("\n $ export LANGUAGE=\"pt:pt_BR:es:it:fr\"\n"),
        "{cleaned}"
    );
}

const PAGE: &str = "<!DOCTYPE html><html><head><meta charset=gb2312><title>經濟報告</title>\
    <script>var a = '腳本';</script></head><body>\
    <nav><a href=/>首頁</a> <a href=/n>新聞</a> <a href=/f>財經</a></nav>\
    <div class=content><h1>經濟報告</h1><p>推進經濟發達鎮行政管理體制改革，是黨中央的重要部署。</p>\
    <p>各省、自治區、直轄市人民政府要加強領導，認真組織實施。</p></div>\
    <div class=footer>版權所有 某某網站</div></body></html>";

#[test]
fn html_files_text_files_and_records_are_extracted_then_cleaned() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let (gbk, _, _) = encoding_rs::GBK.encode(PAGE);
    write(&root.join("in/page.htm"), &gbk);
    write(&root.join("in/saved.txt"), PAGE.replace("gb2312", "utf-8"));
    let record = serde_json::json!({"id": 7, "text": PAGE});
    let plain = serde_json::json!({"id": 8, "text": "普通文本，<b>不是</b>網頁。"});
    write(&root.join("in/shard.jsonl"), format!("{record}\n{plain}\n"));
    write(&root.join("in/bin.html"), b"<html>\x00\x01\x02\xff binary");
    let o = run(&["-q", "in", "-o", "out", "--report", "r.json"], root);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));

    let cleaner = Cleaner::new(Config::default()).unwrap();
    let expected = extract(PAGE).clean(&cleaner).text;
    assert!(
        expected.starts_with("经济报告\n\n推进经济发达镇"),
        "{expected}"
    );
    assert!(!expected.contains("首页") && !expected.contains("版权") && !expected.contains("脚本"));
    let read = |p: &str| std::fs::read_to_string(root.join(p)).unwrap();
    assert_eq!(read("out/page.txt"), expected);
    assert_eq!(read("out/saved.txt"), expected);
    let lines: Vec<serde_json::Value> = read("out/shard.jsonl")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines[0]["text"], expected.as_str());
    assert_eq!(lines[0]["id"], 7);
    assert_eq!(
        lines[1]["text"],
        cleaner.clean("普通文本，<b>不是</b>網頁。").text.as_str()
    );

    let report: serde_json::Value = serde_json::from_str(&read("r.json")).unwrap();
    let files = report["files"].as_array().unwrap();
    let entry = |name: &str| {
        files
            .iter()
            .find(|f| f["path"].as_str().unwrap().ends_with(name))
            .unwrap()
    };
    assert_eq!(entry("page.htm")["kind"], "html");
    assert_eq!(entry("page.htm")["encoding"], "GBK");
    assert_eq!(entry("saved.txt")["kind"], "html");
    assert_eq!(entry("bin.html")["status"], "skipped");
    assert!(entry("bin.html")["error"]
        .as_str()
        .unwrap()
        .contains("binary"));

    // Forced text: the page is a text page with leaked markup, as before.
    let o = run(
        &[
            "-q",
            "in/saved.txt",
            "-o",
            "out-text",
            "--input-format",
            "text",
        ],
        root,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        read("out-text/saved.txt"),
        cleaner.clean(&PAGE.replace("gb2312", "utf-8")).text
    );
}

#[test]
fn html_on_stdin_and_in_explain() {
    let o = run_stdin(PAGE.as_bytes());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let cleaner = Cleaner::new(Config::default()).unwrap();
    assert_eq!(
        String::from_utf8(o.stdout).unwrap(),
        extract(PAGE).clean(&cleaner).text
    );

    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("p.html"), PAGE);
    let o = run(&["--explain", "p.html"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let shown = String::from_utf8(o.stdout).unwrap();
    let extract_at = shown.find("== extract:").expect("the extraction step");
    let convert_at = shown.find("== convert:").expect("the stages after it");
    assert!(extract_at < convert_at, "{shown}");
    assert!(shown.contains("+ 經濟報告"), "{shown}");
}

/// A whole batch of hostile files ends with a result for each, never a crash.
#[test]
fn hostile_files_in_a_batch() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(&root.join("in/deep.html"), "<div>".repeat(100_000) + "深处");
    write(
        &root.join("in/unclosed.html"),
        "<table><tr><td><b><i><a href=x><p>字".repeat(10_000),
    );
    let noise: Vec<u8> = (0..200_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8 | 1)
        .collect();
    write(&root.join("in/noise.html"), &noise);
    let o = run(&["-q", "in", "-o", "out", "--report", "r.json"], root);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let deep = std::fs::read_to_string(root.join("out/deep.txt")).unwrap();
    assert!(deep.contains("深处"));
    assert!(root.join("out/unclosed.txt").exists() && root.join("out/noise.txt").exists());
    let report = std::fs::read_to_string(root.join("r.json")).unwrap();
    assert!(
        report.contains("flattened"),
        "the deep page reports its flattening"
    );
}

#[test]
fn format_rule_for_records_and_files() {
    assert!(Format::Auto.is_html(None, PAGE.as_bytes()));
    assert!(!Format::Auto.is_html(Some("a.txt"), "正文 <p>".as_bytes()));
    assert!(Format::Auto.is_html(Some(Path::new("a.XHTML").to_str().unwrap()), b""));
}
