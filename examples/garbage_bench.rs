//! Figures for the `garbage` stage (issue 5), not a timed test:
//! `cargo run --release --example garbage_bench [-- SAMPLES]`.
//!
//! 1. Synthetic spans: windows of real site text (traditional, annotated as the site does:
//!    the fixture pages without byte garbage, and the seed) are encoded to GBK, damaged the way
//!    `docs/CORRUPTIONS.md` section 5 describes (an annotation inserted between the two bytes of a
//!    character, or one byte dropped), decoded as these pages were (a lead byte with an ASCII
//!    byte becomes `?` and eats it; user-defined pairs vanish; full-width `，：（）？；` become
//!    ASCII), and given to the stage. Each span counts as fully repaired, partly repaired
//!    (closer to the truth than before), removed, left, or made worse.
//! 2. False positives: changes on clean text (fixture pages without garbage, the gold files,
//!    and a small corpus of names, terms, classical Chinese and mixed English).
//! 3. Gold pages: character error rate of the whole pipeline with and without the stage.

#[path = "../tests/damage/mod.rs"]
mod damage;

use damage::Damage;
use zhclean::stages::garbage::gbk;
use zhclean::Page;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/garbage/");

fn stage(cleaner: &zhclean::Cleaner, text: &str) -> (String, u64, Vec<String>) {
    let mut page = Page {
        text: text.to_string(),
        ..Page::default()
    };
    let n = cleaner.stage("garbage").expect("a stage").apply(&mut page);
    (page.text, n, page.notes)
}

/// xorshift: reproducible without a dependency.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// The window as its bytes were when the damage happened: the page store turned full-width
/// `，：；？（）` into ASCII later (`docs/CORRUPTIONS.md`; the real spans show it: `可見，物體`
/// read out of step as `梢姡矬w`, the `，` two bytes), so a mark of those next to a Chinese
/// character is given back its full width (an annotation's brackets stay ASCII: the `(` the
/// first `?` of a span eats is one). `gbk::decode_as_stored` makes them ASCII again, as the store did.
fn unstore(window: &[char]) -> String {
    let mut annotation = vec![false; window.len()];
    for (i, &c) in window.iter().enumerate() {
        if c == '(' && i > 0 && !window[i - 1].is_ascii() {
            if let Some(close) = (i + 1..window.len().min(i + 9)).find(|&k| window[k] == ')') {
                let r: String = window[i + 1..close].iter().collect();
                if zhclean::annotations::canonical(&r).is_some() {
                    annotation[i] = true;
                    annotation[close] = true;
                }
            }
        }
    }
    let cjk = |k: Option<&char>| k.is_some_and(|c| !c.is_ascii());
    (0..window.len())
        .map(|i| {
            let c = window[i];
            let near = cjk(i.checked_sub(1).and_then(|k| window.get(k))) || cjk(window.get(i + 1));
            match c {
                ',' | ':' | ';' | '?' | '(' | ')' if near && !annotation[i] => match c {
                    ',' => '，',
                    ':' => '：',
                    ';' => '；',
                    '?' => '？',
                    '(' => '（',
                    _ => '）',
                },
                c => c,
            }
        })
        .collect()
}

fn distance(a: &[char], b: &[char]) -> usize {
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

fn pages(with_garbage: bool) -> Vec<(String, String)> {
    let marked = [
        "007", "015", "019", "025", "027", "031", "033", "039", "041", "045", "047", "051", "063",
        "065", "071",
    ];
    let mut v: Vec<(String, String)> = std::fs::read_dir(DIR)
        .expect("fixtures")
        .filter_map(|e| {
            let name = e.ok()?.file_name().into_string().ok()?;
            let ok = name.ends_with(".txt") && name.as_bytes()[0].is_ascii_digit();
            let garbage = marked.iter().any(|m| name.starts_with(m));
            (ok && garbage == with_garbage)
                .then(|| {
                    (
                        name.clone(),
                        std::fs::read_to_string(format!("{DIR}{name}")).ok(),
                    )
                })
                .and_then(|(n, t)| Some((n, t?)))
        })
        .collect();
    v.sort();
    v
}

const CLEAN_CORPUS: &[&str] = &[
    "学而时习之，不亦说乎？有朋自远方来，不亦乐乎？人不知而不愠，不亦君子乎？",
    "天地玄黄，宇宙洪荒。日月盈昃，辰宿列张。寒来暑往，秋收冬藏。闰余成岁，律吕调阳。",
    "先帝创业未半而中道崩殂，今天下三分，益州疲弊，此诚危急存亡之秋也。",
    "臣本布衣，躬耕于南阳，苟全性命于乱世，不求闻达于诸侯。",
    "諸葛亮、司馬懿、歐陽修、上官婉兒、慕容復、薩迪·卡諾、麥克斯韋與玻爾茲曼",
    "聚四氟乙烯、碳化硅、氮化镓、磷酸铁锂、钛酸锶钡、偏二氯乙烯、甲基丙烯酸甲酯",
    "傅里叶变换、拉普拉斯算子、哈密顿量、薛定谔方程、黎曼猜想、庞加莱猜想",
    "蛋白质组学、线粒体、核糖体、内质网、高尔基体、溶酶体、鸟嘌呤、胞嘧啶、胸腺嘧啶",
    "在Windows 10中打开cmd，输入ping 127.0.0.1 -t，然后按Ctrl+C结束。",
    "What is it? B: It's Nancy's. 見 https://example.com/a?b=1&c=2 與 a?b",
    "这是什么?那是什么??为什么?(★)答:提高系统的附加价值。",
    "鄱阳湖、呼伦贝尔、乌鲁木齐、齐齐哈尔、嘉峪关、阿勒泰、喀什噶尔、吐鲁番",
    "饕餮、魑魅魍魉、耄耋、踟蹰、彳亍、龃龉、囹圄、觊觎、饕餮盛宴",
];

fn main() {
    let samples: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(400);
    let cleaner = zhclean::Cleaner::new(zhclean::Config::default()).expect("default config");
    let readings: Vec<String> = include_str!("../data/annotations.tsv")
        .lines()
        .filter_map(|l| Some(l.split_once('\t')?.1.to_string()))
        .collect();

    // 1. Synthetic spans.
    let mut source: Vec<Vec<char>> = pages(false)
        .into_iter()
        .map(|(_, t)| t)
        .chain([std::fs::read_to_string(format!("{DIR}seed.txt")).expect("seed")])
        .flat_map(|t| t.lines().map(|l| l.chars().collect()).collect::<Vec<_>>())
        .filter(|l: &Vec<char>| l.iter().filter(|c| !c.is_ascii()).count() > 40)
        .collect();
    source.retain(|l| l.len() >= 40);
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    // `GARBAGE_BENCH_SHOW=left` (or full, part, removed, worse, lost: in-step text removed)
    // prints those spans.
    let show = std::env::var("GARBAGE_BENCH_SHOW").ok();
    let (mut full, mut part, mut removed, mut left, mut worse, mut tried) = (0, 0, 0, 0, 0, 0);
    // Characters of the text in step around the run (before the damaged character, and from
    // where the decoder is back in step) that the stage took away (issue 27: must be 0).
    let mut in_step_removed = 0;
    // The same, replaced by a wrong repair that reached into them.
    let mut in_step_repaired = 0;
    let mut examples = Vec::new();
    while tried < samples {
        let line = &source[rng.below(source.len())];
        let start = rng.below(line.len() - 30);
        let window: String = line[start..start + 30].iter().collect();
        let Some(bytes) = gbk::encode_text(&unstore(&line[start..start + 30])) else {
            continue;
        };
        // A split point inside a two-byte character, away from the window's edges.
        let leads: Vec<usize> = {
            let mut v = Vec::new();
            let mut i = 0;
            while i + 1 < bytes.len() {
                if bytes[i] >= 0x80 {
                    if i > 6 && i + 12 < bytes.len() {
                        v.push(i);
                    }
                    i += 2;
                } else {
                    i += 1;
                }
            }
            v
        };
        if leads.is_empty() {
            continue;
        }
        let at = leads[rng.below(leads.len())];
        let kind = if rng.below(3) == 0 {
            Damage::Lost
        } else {
            Damage::Inserted
        };
        // (The reading is drawn only for an insertion: the samples stay those of earlier runs.)
        let reading = match kind {
            Damage::Lost => "",
            Damage::Inserted => &readings[rng.below(readings.len())],
        };
        let damaged = damage::damage(&bytes, at, kind, reading);
        let garbled = gbk::decode_as_stored(&damaged);
        let in_step = gbk::decode_as_stored(&bytes);
        // Compared without annotations and with the full-width marks folded to the ASCII the
        // store made of them: a repair that restores `，` for the stored `,` is the truth (the
        // `punct` stage gives both the same form).
        let truth = damage::comparable(&in_step);
        let before = damage::comparable(&garbled);
        if before == truth {
            continue;
        }
        tried += 1;
        let (out, n, notes) = stage(&cleaner, &garbled);
        let after = damage::comparable(&out);
        let lost = damage::in_step_lost(&garbled, &in_step, &out);
        if notes.iter().all(|n| n.contains("removed")) {
            in_step_removed += lost;
        } else {
            in_step_repaired += lost;
        }
        if lost > 0 && show.as_deref() == Some("lost") {
            println!("  lost {lost}: {garbled:?} -> {out:?}\n    truth {in_step:?}\n    {notes:?}");
        }
        let kind = if after == truth {
            full += 1;
            "full"
        } else if n == 0 {
            left += 1;
            "left"
        } else if notes.iter().all(|n| n.contains("removed")) {
            removed += 1;
            "removed"
        } else if distance(&after, &truth) < distance(&before, &truth) {
            part += 1;
            "part"
        } else {
            "worse"
        };
        if show.as_deref() == Some(kind) {
            println!("  {kind}: {garbled:?} -> {out:?}\n    truth {window:?}");
            if std::env::var_os("GARBAGE_BENCH_COMPARED").is_some() {
                let (a, t): (String, String) = (after.iter().collect(), truth.iter().collect());
                println!("    compared {a:?}\n          vs {t:?}");
            }
        }
        if kind == "worse" {
            worse += 1;
            if examples.len() < 8 {
                examples.push(format!(
                    "  worse: {garbled:?} -> {out:?} (truth {window:?})"
                ));
            }
        }
    }
    let pct = |n: usize| 100.0 * n as f64 / tried as f64;
    println!("synthetic spans: {tried}");
    println!("  fully repaired {full} ({:.1}%)", pct(full));
    println!("  partly repaired {part} ({:.1}%)", pct(part));
    println!("  removed {removed} ({:.1}%)", pct(removed));
    println!("  left {left} ({:.1}%)", pct(left));
    println!("  made worse {worse} ({:.1}%)", pct(worse));
    println!("  in-step characters removed {in_step_removed}");
    println!("  in-step characters changed by repairs {in_step_repaired}");
    for e in &examples {
        println!("{e}");
    }

    // 2. False positives on clean text.
    let mut clean: Vec<(String, String)> = pages(false);
    for e in std::fs::read_dir(format!("{DIR}gold")).expect("gold") {
        let p = e.expect("entry").path();
        if p.extension().is_some_and(|x| x == "txt") {
            clean.push((
                p.display().to_string(),
                std::fs::read_to_string(&p).expect("gold"),
            ));
        }
    }
    clean.push((
        "seed.clean.txt".into(),
        std::fs::read_to_string(format!("{DIR}seed.clean.txt")).expect("seed"),
    ));
    for (i, t) in CLEAN_CORPUS.iter().enumerate() {
        clean.push((format!("corpus #{i}"), t.to_string()));
    }
    let chars: usize = clean.iter().map(|(_, t)| t.chars().count()).sum();
    let mut changes = 0;
    for (name, text) in &clean {
        let (_, n, notes) = stage(&cleaner, text);
        changes += n;
        for note in notes {
            println!("  false positive in {name}: {note}");
        }
    }
    println!(
        "clean text: {} texts, {chars} chars, {changes} changes",
        clean.len()
    );

    // 3. Gold pages, whole pipeline with and without the stage.
    let without = zhclean::Cleaner::new(zhclean::Config {
        disable: vec!["garbage".into()],
        ..Default::default()
    })
    .expect("config");
    let gold_dir = format!("{DIR}gold/");
    let mut names: Vec<String> = std::fs::read_dir(&gold_dir)
        .expect("gold")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".clean.txt"))
        .collect();
    names.sort();
    let flat = |s: &str| -> Vec<char> { s.chars().filter(|&c| c != '\n').collect() };
    println!("gold pages, character error rate (whole pipeline as it stands on this branch):");
    for name in names {
        let raw = std::fs::read_to_string(format!("{DIR}{}", name.replace(".clean", "")))
            .expect("raw page");
        let gold = flat(&std::fs::read_to_string(format!("{gold_dir}{name}")).expect("gold"));
        let a = distance(&flat(&without.clean(&raw).text), &gold) as f64 / gold.len() as f64;
        let b = distance(&flat(&cleaner.clean(&raw).text), &gold) as f64 / gold.len() as f64;
        println!(
            "  {name}: without {:.2}% -> with {:.2}%",
            100.0 * a,
            100.0 * b
        );
    }
    let raw = std::fs::read_to_string(format!("{DIR}seed.txt")).expect("seed");
    let gold = flat(&std::fs::read_to_string(format!("{DIR}seed.clean.txt")).expect("gold"));
    let a = distance(&flat(&without.clean(&raw).text), &gold);
    let b = distance(&flat(&cleaner.clean(&raw).text), &gold);
    println!(
        "  seed: without {a} edits ({:.2}%) -> with {b} edits ({:.2}%)",
        100.0 * a as f64 / gold.len() as f64,
        100.0 * b as f64 / gold.len() as f64
    );
}
