//! Learned boilerplate, end to end through the real binary: a batch of the real pages wrapped
//! in invented site templates (header, footer and disclaimer lines never seen by the built-in
//! rules) must come out exactly as the bare pages do without learning: every template line
//! learned and removed, no body line removed, and one document saved under three hosts keeps
//! its body.

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_zhclean");

/// Three invented sites: (name, header lines, footer lines).
const SITES: &[(&str, &[&str], &[&str])] = &[
    (
        "xuexi",
        &[
            "欢迎访问学习资料网 www.xuexi.example",
            "首页 > 文档中心 > 教育资料",
        ],
        &[
            "本文来源于网络，仅供学习交流，如有侵权请联系删除。",
            "学习资料网 版权所有 2008-2024",
        ],
    ),
    (
        "wenku",
        &["【文库精选】更多資料請關注公眾號"],
        &[
            "免責聲明：本站文檔均來自用戶上傳，本站不保證其準確性。",
            "上一篇：返回列表  下一篇：没有了",
        ],
    ),
    (
        "docs",
        &["Doc Share | 在线文档分享平台"],
        &[
            "温馨提示：下载前请先预览，确认内容无误后再下载",
            "扫码关注，获取更多精品资料",
        ],
    ),
];

fn zhclean(args: &[&str], cwd: &Path) -> std::process::Output {
    Command::new(BIN)
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("the binary runs")
}

fn wrap(site: usize, body: &str) -> String {
    let (_, head, foot) = SITES[site];
    let mut page = head.join("\n");
    page.push('\n');
    page.push_str(body);
    page.push('\n');
    page.push_str(&foot.join("\n"));
    page.push('\n');
    page
}

#[test]
fn learned_lines_are_the_template_lines_and_nothing_else() {
    // By file stem.
    let pages: Vec<(String, String)> = common::fixture_pages("pages")
        .into_iter()
        .map(|(name, text)| (name.trim_end_matches(".txt").to_string(), text))
        .collect();
    let tmp = tempfile::tempdir().unwrap();
    let (bare, wrapped) = (tmp.path().join("bare"), tmp.path().join("wrapped"));
    // Every page under one invented site (round robin), and the first page under all three
    // (one document saved from three mirror hosts).
    for (i, (name, text)) in pages.iter().enumerate() {
        fs::create_dir_all(&bare).unwrap();
        fs::write(bare.join(format!("{name}.txt")), text).unwrap();
        let hosts: Vec<usize> = if i == 0 {
            vec![0, 1, 2]
        } else {
            vec![i % SITES.len()]
        };
        for site in hosts {
            let dir = wrapped.join(SITES[site].0);
            fs::create_dir_all(&dir).unwrap();
            fs::write(dir.join(format!("{name}.txt")), wrap(site, text)).unwrap();
        }
    }

    let o = zhclean(&["bare", "-o", "bare-out", "--no-learn", "-q"], tmp.path());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = zhclean(
        &[
            "wrapped",
            "-o",
            "out",
            "-q",
            "--report",
            "report.json",
            "--save-boilerplate",
            "learned.tsv",
        ],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    // Every template line was learned (in whatever script the site wrote it).
    let report: Value =
        serde_json::from_slice(&fs::read(tmp.path().join("report.json")).unwrap()).unwrap();
    let learned: Vec<&str> = report["boilerplate"]["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["key"].as_str().unwrap())
        .collect();
    let conv = zhclean::converter::Converter::new();
    for (_, head, foot) in SITES {
        for line in head.iter().chain(foot.iter()) {
            let key = zhclean::learn::learn_key(line, &conv).unwrap();
            assert!(
                learned.contains(&key.as_str()),
                "not learned: {line} ({key})\nlearned: {learned:?}"
            );
        }
    }
    // The saved list loads back into the same run.
    let o = zhclean(
        &[
            "wrapped",
            "-o",
            "out2",
            "-q",
            "--boilerplate",
            "learned.tsv",
        ],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    // Each wrapped page comes out exactly as its bare page does without learning: template
    // lines gone, every body line kept, the three mirrors of page 0 included.
    let mut compared = 0;
    for (site, _, _) in SITES {
        for e in fs::read_dir(tmp.path().join("out").join(site)).unwrap() {
            let p = e.unwrap().path();
            let name = p.file_name().unwrap();
            let want = fs::read_to_string(tmp.path().join("bare-out").join(name)).unwrap();
            let got = fs::read_to_string(&p).unwrap();
            assert_eq!(got, want, "{site}/{}", name.to_string_lossy());
            let loaded = fs::read_to_string(tmp.path().join("out2").join(site).join(name)).unwrap();
            assert_eq!(
                loaded,
                got,
                "loaded list, {site}/{}",
                name.to_string_lossy()
            );
            compared += 1;
        }
    }
    assert_eq!(compared, pages.len() + 2);
}

#[test]
fn a_run_too_small_to_learn_from_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    fs::create_dir(tmp.path().join("in")).unwrap();
    for i in 0..3 {
        fs::write(
            tmp.path().join(format!("in/{i}.txt")),
            wrap(0, &format!("第{i}篇。正文{}", "文".repeat(i + 1))),
        )
        .unwrap();
    }
    let o = zhclean(&["in", "-o", "out", "--report", "r.json"], tmp.path());
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("too few documents to learn from"));
    let report: Value =
        serde_json::from_slice(&fs::read(tmp.path().join("r.json")).unwrap()).unwrap();
    assert_eq!(report["boilerplate"]["source"], "too-small");
    // Nothing learned: the invented template lines are still there.
    let out = fs::read_to_string(tmp.path().join("out/0.txt")).unwrap();
    assert!(out.contains("学习资料网版权所有"), "{out}");
}

/// Pass 2 cleans with `Cleaner::with_boilerplate` (the first cleaner's tables, shared): it
/// must clean exactly as a cleaner built from scratch with the same list.
#[test]
fn a_cleaner_with_a_learned_list_cleans_as_one_built_with_it() {
    use zhclean::{Cleaner, Config};
    let pages: Vec<String> =
        fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pages"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "txt"))
            .map(|p| fs::read_to_string(p).unwrap())
            .collect();
    assert!(pages.len() >= 20);
    let first = Cleaner::new(Config::default()).unwrap();
    // A list of real lines: the first and last lines of every page, as learning keys them.
    let keys: Vec<String> = pages
        .iter()
        .flat_map(|p| {
            let lines: Vec<&str> = p.lines().filter(|l| !l.trim().is_empty()).collect();
            [lines.first().copied(), lines.last().copied()]
        })
        .flatten()
        .filter_map(|l| zhclean::learn::learn_key(l, &first.tables().converter))
        .collect();
    assert!(keys.len() >= 20);
    let shared = first.with_boilerplate(keys.clone());
    let built = Cleaner::new(Config {
        boilerplate: keys,
        ..Config::default()
    })
    .unwrap();
    let mut removed = 0;
    for page in &pages {
        let (a, b) = (shared.clean(page), built.clean(page));
        assert_eq!(a, b);
        removed += a
            .report
            .counts
            .iter()
            .find(|(s, _)| *s == "boilerplate")
            .map_or(0, |c| c.1);
    }
    assert!(removed > 0, "the list removes lines");
}
