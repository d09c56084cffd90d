//! The 40 real pages: whatever else they hold, no site annotation, no traditional character
//! and no template line may be left, no body text may be lost, and cleaning is idempotent.

mod common;

use std::collections::HashSet;

use zhclean::{Cleaner, Config};

fn pages() -> Vec<(String, String)> {
    let v = common::fixture_pages("pages");
    assert_eq!(v.len(), 40);
    v
}

/// Characters that OpenCC's TSCharacters table rewrites (traditional-only characters).
fn traditional() -> HashSet<char> {
    let table = include_str!("../data/opencc/TSCharacters.txt");
    table
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once('\t'))
        .filter(|(k, v)| !v.split(' ').any(|x| x == *k))
        .filter_map(|(k, _)| k.chars().next())
        .collect()
}

#[test]
fn no_annotation_traditional_character_or_template_line_is_left() {
    let cleaner = Cleaner::new(Config::default()).unwrap();
    let trad = traditional();
    let annotation =
        regex::Regex::new(r"\((?:[a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]*|[a-z]+[1-5])\)").unwrap();
    let template = regex::Regex::new(
        r"(?m)版权说明|^文档简介$|^下载本文档$|^已阅读\d+页|^温馨提示$|^提交评论$|全文预览已结束|_第\d+页|由会员分享",
    )
    .unwrap();
    let mut problems = Vec::new();
    for (name, raw) in pages() {
        let out = cleaner.clean(&raw).text;
        let left_trad: String = out.chars().filter(|c| trad.contains(c)).collect();
        let anns: Vec<&str> = annotation.find_iter(&out).map(|m| m.as_str()).collect();
        let tpl: Vec<&str> = template.find_iter(&out).map(|m| m.as_str()).collect();
        // Known leftovers inside byte garbage, until the garbage stage repairs them.
        let anns: Vec<&str> = anns
            .into_iter()
            .filter(|a| !garbage_fragment(&out, a))
            .collect();
        if !left_trad.is_empty() || !anns.is_empty() || !tpl.is_empty() {
            problems.push(format!(
                "{name}: traditional {left_trad:?} annotations {anns:?} template {tpl:?}"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// An annotation fragment that sits in a `?`-garbage run (`燃?xì)夤`), which only the garbage
/// stage can mend.
fn garbage_fragment(out: &str, ann: &str) -> bool {
    out.match_indices(ann).all(|(i, _)| {
        out[..i].ends_with(['?', '？'])
            || out[..i]
                .chars()
                .last()
                .is_some_and(|c| c.is_ascii_uppercase())
    })
}

#[test]
fn cleaning_twice_equals_cleaning_once() {
    let cleaner = Cleaner::new(Config::default()).unwrap();
    for (name, raw) in pages() {
        let once = cleaner.clean(&raw).text;
        let twice = cleaner.clean(&once).text;
        assert_eq!(twice, once, "{name}");
    }
}

#[test]
fn only_template_lines_are_removed_as_lines() {
    // With every stage but `template` off, each raw line either survives or is a template line.
    let only_template = Config {
        disable: zhclean::pipeline::stage_names()
            .filter(|s| *s != "template" && *s != "layout")
            .map(str::to_string)
            .collect(),
        ..Config::default()
    };
    let cleaner = Cleaner::new(only_template).unwrap();
    let shape = regex::Regex::new(concat!(
        r"_第\d+頁|_第\d+页|閱讀|阅读|下載|下载|版權|版权|文檔簡|文档简|預(\(yù\))?覽|预览|溫馨|",
        r"評(\(píng\))?論|评论|0/150|^\s*•|上传|第\d+页 / 共|资源描述|由会员分享|由會(\(huì\))?員分享"
    ))
    .unwrap();
    let converter = zhclean::converter::Converter::new();
    for (name, raw) in pages() {
        let out = cleaner.clean(&raw).text;
        let kept: HashSet<&str> = out.lines().map(str::trim).collect();
        let title = out.lines().next().unwrap_or_default();
        for line in raw.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let title_repeat =
                zhclean::stages::template::rule_key(line, &converter).starts_with(title);
            assert!(
                kept.contains(line) || shape.is_match(line) || title_repeat,
                "{name}: body line removed: {line}"
            );
        }
    }
}
