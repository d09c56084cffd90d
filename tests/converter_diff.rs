//! Differential test of `zhclean::converter` against an independent implementation of the same
//! OpenCC chain: `ferrous-opencc` 0.4 with its built-in `Tw2s` configuration.
//!
//! Input: `tests/fixtures/libreoffice-help-zh-tw.txt.gz`, 700 KB of real Taiwan-standard text
//! (LibreOffice help, see `tests/fixtures/README.md`), converted line by line by both. Every
//! disagreement must fall into a named, explained category, and the count of each category is
//! pinned, so that any change of behaviour on either side fails here.
//!
//! The two sides do not use the same dictionaries: zhclean has OpenCC 1.4.2's
//! (`data/opencc/SOURCE.md`), ferrous-opencc 0.4.0 embeds an older snapshot that it does not
//! date (it differs from 1.4.2 in about 1,000 entries of TSCharacters, 260 of TSPhrases, 1,100
//! of TWVariantsRevPhrases and 4 of TWVariantsRev), and its `tw2s` configuration has no
//! normalisation step. `named_differences` lists one small hand-written case for each kind of
//! difference, including those that the fixture does not happen to contain.
//!
//! On the whole 5.5 MB Debian zh-TW corpus (`bench/fetch_corpus.sh`; not committed, GPL and
//! MPL text), the same comparison against C++ OpenCC 1.4.2 itself gives only our deliberate
//! differences (overrides); see `docs/conversion.md`.

mod common;

use ferrous_opencc::config::BuiltinConfig;
use ferrous_opencc::OpenCC;
use zhclean::converter::Converter;

fn fixture(name: &str) -> String {
    common::read_gz(&common::fixtures().join(name))
}

fn ferrous() -> OpenCC {
    OpenCC::from_config(BuiltinConfig::Tw2s).expect("ferrous-opencc Tw2s")
}

/// Why zhclean and ferrous-opencc may differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Category {
    /// `data/overrides.txt`: `於單` is `于单` (OpenCC keeps the name 於單 for every `於單`).
    OverrideYuDan,
    /// `data/overrides.txt`: `著` (to write) stays in 編著, 原著, 著作權...; OpenCC makes 着.
    OverrideZhu,
    /// `data/overrides.txt`: a lone `么` stays `么`; OpenCC's TWVariantsRev makes it `幺`.
    OverrideYao,
    /// OpenCC 1.4's `tw2s` first maps CJK compatibility ideographs (U+F900-U+FAFF, e.g. the
    /// financial-numeral 參 U+F96B) to unified ones; ferrous-opencc's config lacks that step.
    CompatNormalisation,
    /// Data version: OpenCC 1.4.2's TSCharacters maps `幷` to `并`; ferrous's table lacks it.
    DataBing,
    /// Data version: ferrous's TWVariantsRev still maps `抬` to `擡` (dropped by 1.4.2).
    DataTai,
    /// TSCharactersExt not used (`data/opencc/SOURCE.md`): characters that are already
    /// simplified (`㑮`) stay; ferrous's older TSCharacters still holds those mappings.
    NoTsCharactersExt,
}

/// The category of one differing span: `src` is the traditional input from the start of the
/// span, `ours`/`theirs` the two outputs of the span.
fn classify(src: &str, ours: &str, theirs: &str) -> Option<Category> {
    use Category::*;
    let first = src.chars().next()?;
    Some(match (ours, theirs) {
        ("于", "於") if src.starts_with("於單") => OverrideYuDan,
        ("著", "着") => OverrideZhu,
        ("么", "幺") => OverrideYao,
        _ if ('\u{f900}'..='\u{faff}').contains(&first) && theirs == first.to_string() => {
            CompatNormalisation
        }
        ("并", "幷") => DataBing,
        ("抬", "擡") => DataTai,
        (o, _) if o == first.to_string() => NoTsCharactersExt,
        _ => return None,
    })
}

/// Character-by-character differences of two outputs of the same line; both converters map
/// characters one to one on this text (a phrase that changed length would show up as an
/// unexplained line, which fails the test).
fn differences(src: &str, ours: &str, theirs: &str) -> Option<Vec<(String, String, String)>> {
    let s: Vec<char> = src.chars().collect();
    let o: Vec<char> = ours.chars().collect();
    let t: Vec<char> = theirs.chars().collect();
    if s.len() != o.len() || o.len() != t.len() {
        return None;
    }
    Some(
        (0..s.len())
            .filter(|&i| o[i] != t[i])
            .map(|i| {
                (
                    s[i..].iter().take(4).collect(),
                    o[i].to_string(),
                    t[i].to_string(),
                )
            })
            .collect(),
    )
}

#[test]
fn every_disagreement_with_ferrous_opencc_is_explained() {
    let text = fixture("libreoffice-help-zh-tw.txt.gz");
    assert!(text.len() > 600_000, "fixture is {} bytes", text.len());
    let ours = Converter::new();
    let theirs = ferrous();
    let mut counts = std::collections::BTreeMap::new();
    let mut lines_differing = 0;
    let mut unexplained = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let o = ours.convert(line);
        let t = theirs.convert(line);
        if o == t {
            continue;
        }
        lines_differing += 1;
        let Some(diffs) = differences(line, &o, &t) else {
            unexplained.push(format!("line {}: {line:?}: {o:?} vs {t:?}", n + 1));
            continue;
        };
        for (src, od, td) in diffs {
            match classify(&src, &od, &td) {
                Some(c) => *counts.entry(c).or_insert(0) += 1,
                None => unexplained.push(format!("line {}: {src:?}: {od:?} vs {td:?}", n + 1)),
            }
        }
    }
    assert!(
        unexplained.is_empty(),
        "unexplained differences:\n{}",
        unexplained.join("\n")
    );
    assert_eq!(
        counts.into_iter().collect::<Vec<_>>(),
        vec![
            (Category::OverrideYuDan, 5),
            (Category::CompatNormalisation, 4),
        ],
        "differences per category"
    );
    assert_eq!(lines_differing, 7, "lines where the two differ");
    assert_eq!(text.lines().count(), 10_761);
}

#[test]
fn named_differences() {
    use Category::*;
    let ours = Converter::new();
    let theirs = ferrous();
    for (input, ours_out, theirs_out, category) in [
        ("基於單元格", "基于单元格", "基於单元格", OverrideYuDan),
        ("方漢 編著", "方汉 编著", "方汉 编着", OverrideZhu),
        ("么", "么", "幺", OverrideYao),
        (
            "壹貳\u{f96b}",
            "壹贰参",
            "壹贰\u{f96b}",
            CompatNormalisation,
        ),
        ("幷包含", "并包含", "幷包含", DataBing),
        ("抬頭", "抬头", "擡头", DataTai),
        ("㑮", "㑮", "𫝈", NoTsCharactersExt),
    ] {
        assert_eq!(ours.convert(input), ours_out, "zhclean on {input}");
        assert_eq!(
            theirs.convert(input),
            theirs_out,
            "ferrous-opencc on {input}"
        );
        let diffs = differences(input, ours_out, theirs_out).expect("one to one");
        for (src, o, t) in diffs {
            assert_eq!(classify(&src, &o, &t), Some(category), "{input}");
        }
    }
}

#[test]
fn both_agree_on_the_common_cases() {
    let ours = Converter::new();
    let theirs = ferrous();
    for input in [
        "什麼",
        "乾淨",
        "乾隆",
        "後來",
        "幹部",
        "頭髮",
        "發達",
        "臺灣",
        "著作權",
        "顯著",
    ] {
        assert_eq!(ours.convert(input), theirs.convert(input), "{input}");
    }
}

#[test]
fn simplified_fixture_is_left_exactly_as_it_is() {
    let text = fixture("libreoffice-help-zh-cn.txt.gz");
    assert!(text.len() >= 1_000_000, "fixture is {} bytes", text.len());
    let conv = Converter::new();
    // As one string (borrowed back: nothing was copied) and line by line.
    assert!(matches!(conv.convert(&text), std::borrow::Cow::Borrowed(_)));
    let changed: Vec<(usize, &str, String)> = text
        .lines()
        .enumerate()
        .filter_map(|(n, l)| {
            let c = conv.convert(l);
            (c != l).then(|| (n + 1, l, c.into_owned()))
        })
        .collect();
    assert!(changed.is_empty(), "changed lines: {changed:#?}");
    for word in [
        "什么",
        "坏",
        "干部",
        "后来",
        "于单元格",
        "著作权",
        "显著",
        "么",
    ] {
        assert_eq!(conv.convert(word), word);
    }
}
