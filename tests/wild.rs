//! The 46 wild pages (`tests/fixtures/wild`, real pages from 41 hosts outside the doc-site
//! family): whatever variant of the damage they show, nothing of it may be left, and nothing of
//! the body may be lost. There is no gold for them, so each check is written independently of
//! the engine's rules (the reading dictionary is the one shared fact: the `pinyin` crate).
//!
//! Also here: real brackets that must stay through the whole engine, and clean text (the
//! golden outputs, the simplified LibreOffice help) that the annotation, blank and doubled-mark
//! rules must leave exactly as it is.

mod common;

use std::collections::BTreeMap;

use ferrous_opencc::config::BuiltinConfig;
use ferrous_opencc::OpenCC;
use pinyin::ToPinyinMulti;
use unicode_normalization::UnicodeNormalization;
use zhclean::{Cleaner, Config};

fn pages() -> Vec<(String, String)> {
    let v = common::fixture_pages("wild");
    assert_eq!(v.len(), 46);
    v
}

fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3134F)
}

/// The Latin letters of a bracket's content without tones, `v` for ü, lowercase; `None` when
/// it holds anything but letters, tone marks, spaces and pictographs.
fn plain_letters(inner: &str) -> Option<String> {
    let mut out = String::new();
    for c in inner.nfd() {
        match c {
            'a'..='z' | 'A'..='Z' => out.push(c.to_ascii_lowercase()),
            '\u{0308}' => {
                out.pop();
                out.push('v');
            }
            // Tone marks, spaces, emoji and their joiners.
            '\u{0300}'..='\u{030C}' | ' ' | '\u{200D}' | '\u{FE0F}' => {}
            c if (c as u32) >= 0x1F000 || (0x2300..=0x27BF).contains(&(c as u32)) => {}
            _ => return None,
        }
    }
    Some(out)
}

/// Every reading of `c`, toneless (`v` for ü).
fn readings(c: char) -> Vec<String> {
    c.to_pinyin_multi()
        .map(|m| m.into_iter().map(|p| p.plain().replace('ü', "v")).collect())
        .unwrap_or_default()
}

/// Bracket groups right after a Han character (or after a run of groups that follows one)
/// whose letters are a reading of that character.
fn readings_left(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !matches!(chars[i], '(' | '（') {
            i += 1;
            continue;
        }
        let Some(len) = chars[i + 1..]
            .iter()
            .take(16)
            .position(|&c| matches!(c, ')' | '）'))
        else {
            i += 1;
            continue;
        };
        let inner: String = chars[i + 1..i + 1 + len].iter().collect();
        // The character before the run of groups this one ends.
        let mut j = i;
        while j > 0 && matches!(chars[j - 1], ')' | '）') {
            match chars[..j - 1]
                .iter()
                .rposition(|&c| matches!(c, '(' | '（'))
            {
                Some(k) => j = k,
                None => break,
            }
        }
        if j > 0 && is_han(chars[j - 1]) {
            if let Some(letters) = plain_letters(&inner).filter(|l| !l.is_empty()) {
                if readings(chars[j - 1]).contains(&letters) {
                    found.push(format!("{}({inner})", chars[j - 1]));
                }
            }
        }
        i += 1 + len;
    }
    found
}

/// A reading cut off by the end of the text: `發(f`, `經(`.
fn cut_reading_left(text: &str) -> Option<String> {
    let body = text.trim_end();
    let open = body.rfind(['(', '（'])?;
    let tail = &body[open..];
    let letters = plain_letters(&tail[tail.chars().next()?.len_utf8()..])?;
    let prev = body[..open].chars().next_back().filter(|&c| is_han(c))?;
    readings(prev)
        .iter()
        .any(|r| r.starts_with(&letters))
        .then(|| format!("{prev}{tail}"))
}

/// A comma doubled before another mark after Chinese (`热线，，同`, `事宜，。`), not part of a
/// run of three commas or more.
fn doubled_marks(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let comma = |c: char| matches!(c, ',' | '，');
    let mut found = Vec::new();
    for i in 1..chars.len().saturating_sub(1) {
        let (prev, c, next) = (chars[i - 1], chars[i], chars[i + 1]);
        let run = comma(prev) || (comma(next) && chars.get(i + 2).copied().is_some_and(comma));
        if comma(c) && !run && matches!(next, ',' | '，' | '。' | '、' | '？' | '?') && is_han(prev)
        {
            found.push(
                chars[i.saturating_sub(4)..(i + 4).min(chars.len())]
                    .iter()
                    .collect(),
            );
        }
    }
    found
}

/// A line that starts with a question mark before its text (`？本报`), or an alignment run of
/// question marks (`? ? `).
fn question_mark_blanks(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for line in text.lines() {
        let t = line.trim_start();
        let rest = t.trim_start_matches(['?', '？']);
        if rest.len() < t.len() && !rest.trim().is_empty() {
            found.push(line.chars().take(12).collect());
        }
        for q in ["? ?", "？ ？", "? ？", "？ ?"] {
            if line.contains(q) {
                found.push(line.chars().take(30).collect());
            }
        }
    }
    found
}

/// Han characters of `text` that OpenCC's `tw2s` would still change, with their count.
fn traditional_left(text: &str, opencc: &OpenCC) -> BTreeMap<char, usize> {
    let mut left = BTreeMap::new();
    for line in text.lines() {
        let conv = opencc.convert(line);
        if conv == line {
            continue;
        }
        let (a, b): (Vec<char>, Vec<char>) = (line.chars().collect(), conv.chars().collect());
        if a.len() != b.len() {
            continue;
        }
        for (x, y) in a.iter().zip(&b) {
            if x != y && is_han(*x) {
                *left.entry(*x).or_insert(0) += 1;
            }
        }
    }
    left
}

/// Simplified characters that `tw2s` rewrites when it meets them alone, though the simplified
/// text is right: OpenCC's phrase table only knows the traditional spelling of the phrases that
/// keep them.
const AMBIGUOUS: &[(char, &str)] = &[
    (
        '著',
        "著 (to write) stays in 著名, 显著, 著作; tw2s makes a lone 著 into 着",
    ),
    ('乾', "乾 stays in 乾隆, 乾坤; tw2s makes it 干"),
    (
        '么',
        "么 is the simplified 麼 (data/overrides.txt); tw2s's variant table makes it 幺",
    ),
];

#[test]
fn nothing_of_the_damage_is_left() {
    let cleaner = Cleaner::new(Config::default()).unwrap();
    let opencc = OpenCC::from_config(BuiltinConfig::Tw2s).unwrap();
    let mut problems = Vec::new();
    let (mut han, mut trad, mut kept_ambiguous) = (0, 0, 0);
    for (name, raw) in pages() {
        let out = cleaner.clean(&raw).text;
        let readings = readings_left(&out);
        let cut = cut_reading_left(&out);
        let doubled = doubled_marks(&out);
        let blanks = question_mark_blanks(&out);
        let (ambiguous, left): (BTreeMap<char, usize>, BTreeMap<char, usize>) =
            traditional_left(&out, &opencc)
                .into_iter()
                .partition(|(c, _)| AMBIGUOUS.iter().any(|(a, _)| a == c));
        kept_ambiguous += ambiguous.values().sum::<usize>();
        han += out.chars().filter(|&c| is_han(c)).count();
        trad += left.values().sum::<usize>();
        if !readings.is_empty() || cut.is_some() || !doubled.is_empty() || !blanks.is_empty() {
            problems.push(format!(
                "{name}: readings {readings:?} cut {cut:?} doubled {doubled:?} blanks {blanks:?}"
            ));
        }
        if !left.is_empty() {
            problems.push(format!("{name}: traditional {left:?}"));
        }
    }
    println!("{han} Han characters, {trad} traditional, {kept_ambiguous} ambiguous kept");
    assert!(han > 15_000, "{han} Han characters");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert_eq!(trad, 0);
}

/// Stripping readings, blanks and injected commas takes no Han character: the Han characters
/// of each page come out the same, as a multiset, as with the `ruby` and `blanks` stages off
/// (which leave the readings and `?` in place, Latin and ASCII only). Characters are compared
/// as `tw2s` makes them alone: a reading between two characters hides a phrase from the
/// conversion (`顯(xian)著` gives 显着, `顯著` 显著).
#[test]
fn no_han_character_is_lost() {
    let opencc = OpenCC::from_config(BuiltinConfig::Tw2s).unwrap();
    let cleaner = Cleaner::new(Config::default()).unwrap();
    let without = Cleaner::new(Config {
        disable: vec!["ruby".into(), "blanks".into()],
        ..Config::default()
    })
    .unwrap();
    let han = |s: &str| {
        let mut m: BTreeMap<String, usize> = BTreeMap::new();
        for c in s.chars().filter(|&c| is_han(c)) {
            *m.entry(opencc.convert(c.encode_utf8(&mut [0; 4])))
                .or_insert(0) += 1;
        }
        m
    };
    for (name, raw) in pages() {
        let (a, b) = (cleaner.clean(&raw).text, without.clean(&raw).text);
        assert_eq!(han(&a), han(&b), "{name}");
    }
}

#[test]
fn cleaning_twice_equals_cleaning_once() {
    let cleaner = Cleaner::new(Config::default()).unwrap();
    for (name, raw) in pages() {
        let once = cleaner.clean(&raw).text;
        assert_eq!(cleaner.clean(&once).text, once, "{name}");
    }
}

/// Real brackets stay through the whole engine (their brackets may turn full width).
#[test]
fn real_brackets_stay() {
    let cleaner = Cleaner::new(Config::default()).unwrap();
    for (text, inner) in [
        ("慢性心力衰竭(CHF)患者", "CHF"),
        ("斯图尔德(F. C. Steward)提出", "F. C. Steward"),
        ("每片含量10码(g)以上", "g"),
        ("相对分子质量(M)为", "M"),
        ("选项(a)正确", "a"),
        ("如下(1)所示", "1"),
        ("见 ls(1) 手册", "1"),
        ("函数 f(x) 的值", "x"),
        ("氯化钠溶液(aq)中", "aq"),
        ("啊(a)，原来如此", "a"),
        ("方案(an)号", "an"),
        ("什么(shén me)", "shén me"),
        ("审批(服务)事项", "服务"),
    ] {
        let out = cleaner.clean(text).text;
        assert!(
            out.contains(&format!("({inner})")) || out.contains(&format!("（{inner}）")),
            "{text} -> {out}"
        );
    }
}

/// Clean text has no readings, blanks or injected commas: the rules leave it byte for byte.
#[test]
fn clean_text_is_left_as_it_is() {
    let mut texts: Vec<(String, String)> = common::golden()
        .into_iter()
        .map(|(name, _, gold, _)| (name, gold))
        .collect();
    let help = common::read_gz(&common::fixtures().join("libreoffice-help-zh-cn.txt.gz"));
    // As one page and in pages of 100 lines (the rules count a page's habit).
    let lines: Vec<&str> = help.lines().collect();
    for (k, chunk) in lines.chunks(100).enumerate() {
        texts.push((format!("help page {k}"), chunk.join("\n")));
    }
    texts.push(("help".into(), help));
    for (name, text) in &texts {
        assert_eq!(zhclean::stages::ruby::strip_page(text).1, 0, "{name}");
        assert_eq!(zhclean::stages::blanks::fix(text).1, 0, "{name}");
        let commas = |s: &str| s.matches([',', '，']).count();
        assert_eq!(
            commas(&zhclean::stages::punct::fix(text).0),
            commas(text),
            "{name}"
        );
    }
}
