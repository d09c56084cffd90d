//! Integration tests: the real `zhclean` binary in temporary directories.
//!
//! They assert batch behaviour (files, mirroring, encodings, determinism, safety, reports).
//! Expected texts are never hard-coded cleaning results beyond what the engine already does
//! (conversion, line ends): outputs are compared with `Cleaner::clean` on the same text, so
//! the tests stay valid as the engine's stages land.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

mod common;

use common::{
    clean, entry, make_batch, real_pages, report, run, run_stdin, stderr, tree, unprivileged,
    write, zhclean,
};
use serde_json::Value;
use zhclean::{Cleaner, Config};

#[test]
fn no_arguments_cleans_input_into_output() {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in real_pages() {
        write(&dir.path().join("input").join(&name), &bytes);
    }
    let o = run(&[], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    for (name, bytes) in real_pages() {
        let out = fs::read_to_string(dir.path().join("output").join(&name)).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert_eq!(out, clean(&text), "{name}");
    }
    assert!(stderr(&o).contains("6 files"), "summary: {}", stderr(&o));
}

#[test]
fn tree_is_mirrored_with_txt_names_and_skips_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let inp = dir.path().join("in");
    write(&inp.join("a/b/page.htm"), "為經濟\r\n");
    write(&inp.join("a/notes"), "發達鎮");
    write(&inp.join("top.txt"), "已经是简体\n");
    write(&inp.join("img/logo.png"), b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
    write(&inp.join("nul.txt"), b"abc\0def");
    let odd = std::ffi::OsStr::from_bytes(b"caf\xe9.txt");
    write(&inp.join(odd), "經濟");
    std::os::unix::fs::symlink(inp.join("top.txt"), inp.join("link.txt")).unwrap();

    let o = run(&["in", "-o", "out", "--report", "r.json"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = tree(&dir.path().join("out"));
    let mut expected: BTreeMap<PathBuf, Vec<u8>> = BTreeMap::new();
    expected.insert("a/b/page.txt".into(), clean("為經濟\r\n").into_bytes());
    expected.insert("a/notes.txt".into(), clean("發達鎮").into_bytes());
    expected.insert("top.txt".into(), clean("已经是简体\n").into_bytes());
    expected.insert(PathBuf::from(odd), clean("經濟").into_bytes());
    let manifest = out
        .keys()
        .find(|k| k.starts_with(".zhclean-manifest.jsonl"))
        .cloned();
    let without_manifest: BTreeMap<_, _> = out
        .into_iter()
        .filter(|(k, _)| Some(k) != manifest.as_ref())
        .collect();
    assert_eq!(without_manifest, expected);
    assert_eq!(expected[Path::new("a/b/page.txt")], "为经济\n".as_bytes());

    let r = report(&dir.path().join("r.json"));
    assert_eq!(entry(&r, "logo.png")["status"], "skipped");
    assert!(entry(&r, "logo.png")["error"]
        .as_str()
        .unwrap()
        .contains("PNG"));
    assert!(entry(&r, "nul.txt")["error"]
        .as_str()
        .unwrap()
        .contains("NUL"));
    assert!(entry(&r, "link.txt")["error"]
        .as_str()
        .unwrap()
        .contains("symbolic link"));
    assert_eq!(entry(&r, "page.htm")["encoding"], "UTF-8");
    assert_eq!(r["summary"]["skipped"], 3);
    assert_eq!(r["summary"]["cleaned"], 4);
    // Inputs are untouched.
    assert_eq!(
        fs::read(inp.join("a/b/page.htm")).unwrap(),
        "為經濟\r\n".as_bytes()
    );

    // With -L the link is followed and cleaned like the file it points to.
    let o = run(&["in", "-o", "out2", "-L", "-q"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        fs::read(dir.path().join("out2/link.txt")).unwrap(),
        clean("已经是简体\n").as_bytes()
    );
}

#[test]
fn stdin_to_stdout() {
    let o = run_stdin("為經濟\r\n發達".as_bytes());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        String::from_utf8(o.stdout.clone()).unwrap(),
        clean("為經濟\r\n發達")
    );
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("为经济\n"));
}

fn shard_lines() -> Vec<String> {
    let (_, seed) = real_pages()
        .into_iter()
        .find(|(n, _)| n == "page.txt")
        .unwrap();
    let seed = String::from_utf8(seed).unwrap();
    vec![
        r#"{"id": 1, "url": "https://example.com/a", "text": "為經濟\r\n發達", "score": 0.50}"#
            .to_string(),
        "{broken json".to_string(),
        format!(
            r#"{{"text": {}, "meta": {{"tags": ["x", "y"], "n": 1e3}}, "id": 2}}"#,
            serde_json::to_string(&seed).unwrap()
        ),
        r#"{"id": 3, "body": "no text field"}"#.to_string(),
        r#"{"id": 4, "text": "已经是简体\n"}"#.to_string(),
    ]
}

fn check_shard_output(lines: &[String], out: &str) {
    let out: Vec<&str> = out.lines().collect();
    assert_eq!(
        out.len(),
        lines.len(),
        "one line per input line, order kept"
    );
    let rec: Value = serde_json::from_str(out[0]).unwrap();
    assert_eq!(rec["text"], clean("為經濟\r\n發達"));
    assert_eq!(rec["url"], "https://example.com/a");
    assert!(
        out[0].contains(r#""score":0.50"#),
        "numbers kept as written: {}",
        out[0]
    );
    assert!(
        out[0].starts_with(r#"{"id":1,"url":"#),
        "key order kept: {}",
        out[0]
    );
    assert_eq!(out[1], "{broken json", "bad line kept");
    let rec: Value = serde_json::from_str(out[2]).unwrap();
    let seed: Value = serde_json::from_str(&lines[2]).unwrap();
    assert_eq!(rec["text"], clean(seed["text"].as_str().unwrap()));
    assert_eq!(rec["meta"], seed["meta"]);
    assert!(out[2].contains(r#""n": 1e3"#));
    assert_eq!(out[3], lines[3], "record without text kept byte for byte");
    let rec: Value = serde_json::from_str(out[4]).unwrap();
    assert_eq!(rec["text"], clean("已经是简体\n"));
}

#[test]
fn jsonl_shards_round_trip_with_extra_fields_in_every_compression() {
    let dir = tempfile::tempdir().unwrap();
    let lines = shard_lines();
    let plain = lines.join("\n") + "\n";
    write(&dir.path().join("in/s1.jsonl"), &plain);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(plain.as_bytes()).unwrap();
    write(&dir.path().join("in/sub/s2.jsonl.gz"), gz.finish().unwrap());
    write(
        &dir.path().join("in/s3.jsonl.zst"),
        zstd::encode_all(plain.as_bytes(), 1).unwrap(),
    );

    let o = run(
        &["in", "-o", "out", "--report", "r.json", "-j", "2"],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    check_shard_output(
        &lines,
        &fs::read_to_string(dir.path().join("out/s1.jsonl")).unwrap(),
    );
    let gz = fs::File::open(dir.path().join("out/sub/s2.jsonl.gz")).unwrap();
    let mut text = String::new();
    std::io::Read::read_to_string(&mut flate2::read::MultiGzDecoder::new(gz), &mut text).unwrap();
    check_shard_output(&lines, &text);
    let zst =
        zstd::decode_all(fs::File::open(dir.path().join("out/s3.jsonl.zst")).unwrap()).unwrap();
    check_shard_output(&lines, &String::from_utf8(zst).unwrap());

    let r = report(&dir.path().join("r.json"));
    let e = entry(&r, "s1.jsonl");
    assert_eq!(e["kind"], "jsonl");
    assert_eq!(e["records"], 4);
    assert_eq!(e["bad_lines"], 1);
    let warnings = e["warnings"].to_string();
    assert!(warnings.contains("line 2: not a JSON object"), "{warnings}");
    assert!(warnings.contains("line 4: no `text` field"), "{warnings}");
    assert!(e["counts"]["convert"].as_u64().unwrap() > 0);

    // --text-field names another field; --bad-lines skip drops the broken line.
    write(
        &dir.path().join("in2/b.jsonl"),
        "{\"body\":\"為\",\"text\":\"為\"}\nnot json\n",
    );
    let o = run(
        &[
            "in2",
            "-o",
            "out3",
            "--text-field",
            "body",
            "--bad-lines",
            "skip",
            "-q",
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = fs::read_to_string(dir.path().join("out3/b.jsonl")).unwrap();
    let expected = format!(
        "{{\"body\":{},\"text\":\"為\"}}\n",
        serde_json::to_string(&clean("為")).unwrap()
    );
    assert_eq!(out, expected);
}

#[test]
fn gbk_and_big5_inputs_are_detected_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    let gb_text = "中华人民共和国国务院关于推进经济发达镇行政管理体制改革的指导意见，各省、自治区、直辖市人民政府。\r\n";
    let big5_text =
        "中華民國行政院關於推進經濟發達鎮行政管理體制改革的指導意見，各縣市政府應予配合辦理。\r\n";
    write(
        &dir.path().join("in/gbk.txt"),
        encoding_rs::GBK.encode(gb_text).0,
    );
    write(
        &dir.path().join("in/big5.txt"),
        encoding_rs::BIG5.encode(big5_text).0,
    );
    let mut utf16 = vec![0xff, 0xfe];
    for u in "為經濟".encode_utf16() {
        utf16.extend(u.to_le_bytes());
    }
    write(&dir.path().join("in/utf16.txt"), utf16);
    write(&dir.path().join("in/bom.txt"), b"\xef\xbb\xbf\xe7\x82\xba");
    let mut cut = "經濟發達鎮".repeat(30).into_bytes();
    cut.extend_from_slice(&"鎮".as_bytes()[..2]);
    write(&dir.path().join("in/cut.txt"), cut);

    let o = run(&["in", "-o", "out", "--report", "r.json"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let read = |n: &str| fs::read_to_string(dir.path().join("out").join(n)).unwrap();
    assert_eq!(read("gbk.txt"), clean(gb_text));
    assert_eq!(read("big5.txt"), clean(big5_text));
    assert!(read("big5.txt").starts_with("中华民国"));
    assert_eq!(read("utf16.txt"), clean("為經濟"));
    assert_eq!(read("bom.txt"), clean("為"));
    let r = report(&dir.path().join("r.json"));
    assert_eq!(entry(&r, "gbk.txt")["encoding"], "GBK");
    assert_eq!(entry(&r, "big5.txt")["encoding"], "Big5");
    assert_eq!(entry(&r, "utf16.txt")["encoding"], "UTF-16LE");
    assert_eq!(entry(&r, "bom.txt")["encoding"], "UTF-8");
    let cut = entry(&r, "cut.txt");
    assert_eq!(cut["encoding"], "UTF-8");
    assert_eq!(
        cut["undecodable"], 1,
        "broken bytes are counted, not dropped silently"
    );
    assert!(read("cut.txt").contains('\u{FFFD}'));
    assert_eq!(r["summary"]["undecodable"], 1);
    assert!(stderr(&o).contains("GBK 1"), "{}", stderr(&o));
}

#[test]
fn check_lists_files_that_would_change_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let already = clean("為經濟");
    write(&dir.path().join("in/clean.txt"), &already);
    write(&dir.path().join("in/dirty.txt"), "為經濟");
    let o = run(&["in", "-o", "out", "--check"], dir.path());
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(String::from_utf8(o.stdout).unwrap(), "in/dirty.txt\n");
    assert!(!dir.path().join("out").exists(), "--check writes nothing");

    fs::remove_file(dir.path().join("in/dirty.txt")).unwrap();
    let o = run(&["in", "--check", "-q"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
}

#[test]
fn explain_shows_each_stage_change_as_a_diff() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("p.txt"), "標題\n為經濟\n");
    let o = run(&["--explain", "p.txt"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = String::from_utf8(o.stdout).unwrap();
    for stage in zhclean::pipeline::stage_names() {
        assert!(
            out.contains(&format!("== {stage}: ")),
            "{stage} missing in:\n{out}"
        );
    }
    // Not a terminal: no colour, the changes marked in place with their positions.
    assert!(!out.contains('\x1b'), "{out}");
    assert!(out.contains(" 1:1 {標題→标题}\n"), "{out}");
    assert!(out.contains(" 2:1 {為經濟→为经济}\n"), "{out}");
    assert!(!dir.path().join("output").exists());

    let o = run(&["--explain", "p.txt", "--color", "always"], dir.path());
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(
        out.contains("\x1b[31m為經濟\x1b[m\x1b[32m为经济\x1b[m"),
        "{out}"
    );
}

#[test]
fn explain_shows_the_passes_a_cleaning_made_again() {
    // Synthetic damage: the lead byte of 通 lost from 會通過; the run is read back only once
    // `ruby` has taken the annotation before it off, in a second pass over the output.
    let dir = tempfile::tempdir().unwrap();
    write(
        &dir.path().join("p.txt"),
        "有一些可能會(huì)ㄟ^(guò)接口來(lái)實(shí)現(xiàn)。\n",
    );
    let o = run(&["--explain", "p.txt", "--color", "never"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(
        out.contains("== garbage: 0 changes, text unchanged =="),
        "{out}"
    );
    let again = out.find("== garbage, again: 1 changes ==").expect(&out);
    assert!(out[again..].contains("{ㄟ^(guò)→通過}"), "{out}");
    assert!(
        out[again..].contains("note: repaired ㄟ^(guò) -> 通過"),
        "{out}"
    );
    assert!(out.contains("== convert, again: 1 changes =="), "{out}");
    assert!(out.ends_with("total: 10 changes\n"), "{out}");

    let o = run(
        &["--explain", "p.txt", "--explain-format", "json"],
        dir.path(),
    );
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(doc["total"], 10);
    assert_eq!(doc["stages"].as_array().unwrap().len(), 12);
    let again: Vec<(&str, u64)> = (doc["again"].as_array().unwrap().iter())
        .map(|s| (s["stage"].as_str().unwrap(), s["changes"].as_u64().unwrap()))
        .filter(|s| s.1 > 0)
        .collect();
    assert_eq!(again, [("garbage", 1), ("convert", 1)]);
}

/// Display columns of a line (a Han character takes two).
fn columns(line: &str) -> usize {
    use unicode_width::UnicodeWidthChar;
    line.chars().map(|c| c.width().unwrap_or(0)).sum()
}

#[test]
fn explain_of_the_seed_page_is_short_narrow_and_shows_every_stage() {
    let dir = tempfile::tempdir().unwrap();
    let seed = fs::read(common::fixtures().join("golden/seed.raw.txt")).unwrap();
    write(&dir.path().join("page.txt"), &seed);
    let o = run(&["--explain", "page.txt", "--color", "never"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(
        out.len() < 3 * seed.len(),
        "{} bytes of explanation for a {}-byte page",
        out.len(),
        seed.len()
    );
    for line in out.lines() {
        assert!(columns(line) <= 200, "{} columns: {line}", columns(line));
    }
    // Every stage that changed the page shows hunks under its heading.
    let cleaner = Cleaner::new(Config::default()).unwrap();
    let text = String::from_utf8(seed.clone()).unwrap();
    for step in cleaner.explain(&text) {
        if step.before == step.after {
            continue;
        }
        let head = format!("== {}: ", step.stage);
        let section = out.split(&head).nth(1).unwrap_or_else(|| panic!("{head}"));
        let body = section.split("\n== ").next().unwrap();
        assert!(
            body.lines().count() > 1,
            "{} shows no hunk:\n{body}",
            step.stage
        );
    }
    // Template lines removed whole, annotations removed in place, the repaired garbage with
    // its note.
    assert!(
        out.contains("\n-") && out.contains("全文預(yù)覽已結(jié)束\n"),
        "{out}"
    );
    assert!(out.contains("[-(jìn)-]"), "{out}");
    assert!(out.contains("note: repaired"), "{out}");

    let o = run(
        &["--explain", "page.txt", "--explain-format", "json"],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let doc: Value = serde_json::from_slice(&o.stdout).unwrap();
    let stages = doc["stages"].as_array().unwrap();
    assert_eq!(stages.len(), zhclean::pipeline::stage_names().count());
    let garbage = stages.iter().find(|s| s["stage"] == "garbage").unwrap();
    assert!(!garbage["notes"].as_array().unwrap().is_empty());
    let hunk = &garbage["hunks"][0];
    assert!(hunk["line"].as_u64().unwrap() > 0 && hunk["column"].as_u64().unwrap() > 0);
    let before = hunk["before"].as_str().unwrap();
    assert!(text.contains(before) && before != hunk["after"].as_str().unwrap());
}

#[test]
fn resume_after_a_killed_run_gives_the_uninterrupted_tree() {
    let dir = tempfile::tempdir().unwrap();
    make_batch(&dir.path().join("in"), 40);
    write(
        &dir.path().join("in/d1/s.jsonl.zst"),
        zstd::encode_all(shard_lines().join("\n").as_bytes(), 1).unwrap(),
    );

    let o = run(&["in", "-o", "full", "-q"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let full = tree(&dir.path().join("full"));
    assert_eq!(full.len(), 42, "40 pages, a shard and the manifest");

    // `--sync file` records every output as soon as it is renamed, so all 12 are resumed (by
    // group, the default, only whole flushed groups are: the next test).
    let killed = zhclean()
        .args(["in", "-o", "part", "-q", "-j", "2", "--sync", "file"])
        .env("ZHCLEAN_TEST_ABORT_AFTER", "12")
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(!killed.status.success(), "the run was aborted");
    let partial = tree(&dir.path().join("part"));
    let outputs: Vec<_> = partial
        .keys()
        .filter(|k| k.extension().is_some_and(|e| e == "txt" || e == "zst"))
        .filter(|k| !k.to_string_lossy().contains(".zhclean-tmp"))
        .collect();
    assert!(
        outputs.len() >= 12 && outputs.len() < 40,
        "{} outputs",
        outputs.len()
    );
    for k in &outputs {
        assert_eq!(partial[*k], full[*k], "{} is whole", k.display());
    }

    let o = run(
        &[
            "in", "-o", "part", "--resume", "--report", "r.json", "-j", "2",
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(tree(&dir.path().join("part")), full);
    let r = report(&dir.path().join("r.json"));
    assert!(
        r["summary"]["resumed"].as_u64().unwrap() >= 12,
        "{}",
        r["summary"]
    );

    // A changed input is cleaned again on resume, an unchanged one is not.
    write(
        &dir.path().join("in/d0/000-001-www_360docs_net.txt"),
        "為經濟 changed",
    );
    let o = run(
        &["in", "-o", "part", "--resume", "--report", "r.json"],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let r = report(&dir.path().join("r.json"));
    assert_eq!(r["summary"]["resumed"], 40);
    assert_eq!(r["summary"]["cleaned"], 1);
    assert_eq!(
        fs::read_to_string(dir.path().join("part/d0/000-001-www_360docs_net.txt")).unwrap(),
        clean("為經濟 changed")
    );
}

/// With group sync (the default), a killed run's manifest holds only outputs whose group was
/// flushed; `--resume` keeps exactly those and redoes the rest, to the uninterrupted tree.
#[test]
fn a_run_killed_with_group_sync_resumes_exactly_what_the_manifest_recorded() {
    let dir = tempfile::tempdir().unwrap();
    make_batch(&dir.path().join("in"), 40);
    let o = run(&["in", "-o", "full", "-q", "--no-learn"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let full = tree(&dir.path().join("full"));
    for abort_after in ["9", "30"] {
        let out = format!("part{abort_after}");
        let killed = zhclean()
            .args(["in", "-o", &out, "-q", "-j", "2", "--no-learn"])
            .env("ZHCLEAN_TEST_ABORT_AFTER", abort_after)
            .env("ZHCLEAN_TEST_GROUP_OUTPUTS", "4")
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert!(!killed.status.success(), "the run was aborted");
        let manifest = dir.path().join(&out).join(".zhclean-manifest.jsonl");
        let recorded: std::collections::BTreeSet<String> = fs::read_to_string(&manifest)
            .unwrap_or_default()
            .lines()
            .filter_map(|l| serde_json::from_str::<Value>(l).ok())
            .map(|e| e["output"].as_str().unwrap().to_string())
            .collect();
        let partial = tree(&dir.path().join(&out));
        for k in &recorded {
            assert_eq!(
                partial.get(Path::new(k)),
                full.get(Path::new(k)),
                "{k} recorded and whole"
            );
        }
        let report_name = format!("{out}.json");
        let o = run(
            &[
                "in",
                "-o",
                &out,
                "-q",
                "--resume",
                "--no-learn",
                "--report",
                &report_name,
            ],
            dir.path(),
        );
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert_eq!(tree(&dir.path().join(&out)), full);
        let r = report(&dir.path().join(&report_name));
        assert_eq!(
            r["summary"]["resumed"].as_u64().unwrap() as usize,
            recorded.len(),
            "resumed exactly the recorded outputs"
        );
    }
}

#[test]
fn jobs_1_and_jobs_4_give_identical_trees_and_reports() {
    let dir = tempfile::tempdir().unwrap();
    make_batch(&dir.path().join("in"), 30);
    write(&dir.path().join("in/s.jsonl"), shard_lines().join("\n"));
    write(&dir.path().join("in/bin.dat"), b"\0\0");
    for (jobs, out) in [("1", "o1"), ("4", "o4")] {
        let report = format!("{out}.json");
        let o = run(
            &["in", "-o", out, "-j", jobs, "--report", &report],
            dir.path(),
        );
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
    let o1 = tree(&dir.path().join("o1"));
    assert_eq!(o1.len(), 32);
    assert_eq!(o1, tree(&dir.path().join("o4")));
    // Reports differ only in the output directory's name.
    let r1 = fs::read_to_string(dir.path().join("o1.json")).unwrap();
    let r4 = fs::read_to_string(dir.path().join("o4.json")).unwrap();
    assert_eq!(r1.replace("\"o1/", "\"o4/"), r4);
}

#[test]
fn unreadable_file_is_reported_and_the_rest_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o777)).unwrap();
    let inp = dir.path().join("in");
    write(&inp.join("a.txt"), "為");
    write(&inp.join("b.txt"), "經");
    write(&inp.join("c.txt"), "濟");
    for p in [&inp, &inp.join("a.txt"), &inp.join("c.txt")] {
        let mode = if p.is_dir() { 0o755 } else { 0o644 };
        fs::set_permissions(p, fs::Permissions::from_mode(mode)).unwrap();
    }
    fs::set_permissions(inp.join("b.txt"), fs::Permissions::from_mode(0o000)).unwrap();

    let o = unprivileged(&["in", "-o", "out", "--report", "r.json"], dir.path())
        .expect("setpriv (util-linux) runs the binary as nobody");
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("in/b.txt: cannot read: permission denied"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("out/a.txt")).unwrap(),
        clean("為")
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("out/c.txt")).unwrap(),
        clean("濟")
    );
    assert!(!dir.path().join("out/b.txt").exists());
    let r = report(&dir.path().join("r.json"));
    assert_eq!(entry(&r, "b.txt")["status"], "failed");
    assert_eq!(r["summary"]["failed"], 1);
    assert_eq!(r["summary"]["cleaned"], 2);
}

#[test]
fn writing_into_the_input_tree_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("in/a.txt"), "為");
    for args in [
        &["in", "-o", "in/cleaned"][..],
        &["in", "-o", "in"],
        &["in/a.txt", "-o", "in"],
        &["in", "-o", "out", "--report", "in/r.json"],
        &["in", "--check", "--report", "in/sub/r.json"],
    ] {
        let o = run(args, dir.path());
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("refusing to write into the input tree"),
            "{}",
            stderr(&o)
        );
    }
    assert_eq!(
        tree(&dir.path().join("in")).len(),
        1,
        "nothing written into the input"
    );
    assert!(!dir.path().join("out").exists());
}

#[test]
fn bad_usage_exits_2_and_config_is_applied() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("in/a.txt"), "為經濟");
    assert_eq!(run(&["--no-such-flag"], dir.path()).status.code(), Some(2));
    write(&dir.path().join("bad.toml"), "disable = [\"nope\"]\n");
    let o = run(&["in", "--config", "bad.toml"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("nope"), "{}", stderr(&o));
    assert_eq!(
        run(&["in", "-", "-o", "x"], dir.path()).status.code(),
        Some(2)
    );

    write(&dir.path().join("c.toml"), "disable = [\"convert\"]\n");
    let o = run(&["in", "-o", "out", "--config", "c.toml", "-q"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let config = Config::from_toml("disable = [\"convert\"]").unwrap();
    let expected = Cleaner::new(config).unwrap().clean("為經濟").text;
    assert_eq!(
        fs::read_to_string(dir.path().join("out/a.txt")).unwrap(),
        expected
    );
    assert!(expected.starts_with("為經濟"));

    write(&dir.path().join("ov.txt"), "經濟 经济学\n");
    let o = run(
        &["in", "-o", "out2", "--overrides", "ov.txt", "-q"],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(fs::read_to_string(dir.path().join("out2/a.txt"))
        .unwrap()
        .contains("经济学"));
}

#[test]
fn missing_input_is_a_failure_but_the_rest_is_cleaned() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("a.txt"), "為");
    let o = run(&["a.txt", "missing.txt", "-o", "out"], dir.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("missing.txt: no such file"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("out/a.txt")).unwrap(),
        clean("為")
    );
}

#[test]
fn a_shard_larger_than_one_batch_keeps_record_order_whatever_the_jobs() {
    let dir = tempfile::tempdir().unwrap();
    let mut shard = String::new();
    for i in 0..10_000 {
        shard.push_str(&format!("{{\"id\":{i},\"text\":\"第{i}頁 為經濟\"}}\n"));
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(shard.as_bytes()).unwrap();
    write(&dir.path().join("in/big.jsonl.gz"), gz.finish().unwrap());
    for (jobs, out) in [("1", "o1"), ("3", "o3")] {
        let o = run(&["in", "-o", out, "-j", jobs, "-q"], dir.path());
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
    let o1 = fs::read(dir.path().join("o1/big.jsonl.gz")).unwrap();
    assert_eq!(o1, fs::read(dir.path().join("o3/big.jsonl.gz")).unwrap());
    let mut text = String::new();
    std::io::Read::read_to_string(&mut flate2::read::MultiGzDecoder::new(&o1[..]), &mut text)
        .unwrap();
    let ids: Vec<u64> = text
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["id"]
                .as_u64()
                .unwrap()
        })
        .collect();
    assert_eq!(ids, (0..10_000).collect::<Vec<_>>());
    let last: Value = serde_json::from_str(text.lines().last().unwrap()).unwrap();
    assert_eq!(last["text"], clean("第9999頁 為經濟"));
}

#[test]
fn report_html_is_one_self_contained_page_a_browser_loads_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in real_pages() {
        write(&dir.path().join("in").join(&name), &bytes);
    }
    write(
        &dir.path().join("in/sub/image.png"),
        b"\x89PNG\r\n\x1a\n\0\0",
    );
    write(
        &dir.path().join("in/sub/s.jsonl"),
        "{\"id\": 1, \"text\": \"推進(jìn)經濟\"}\n{\"id\": 2, \"text\": \"標題\"}\n",
    );
    let o = run(
        &["in", "-o", "out", "--report-html", "report.html", "-q"],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let html = fs::read_to_string(dir.path().join("report.html")).unwrap();
    // Nothing from outside: no script, no external style, font, image or link.
    let inside = html.replace("http://www.w3.org/2000/svg", "");
    for outside in ["<script", " src=", "http:", "https:", "@import", "url("] {
        assert!(!inside.contains(outside), "{outside} in the report");
    }
    assert!(
        html.contains("default-src 'none'"),
        "a policy that forbids loading"
    );
    // The tiles, the four charts, the skipped file with its reason, the samples.
    let files = real_pages().len() + 2;
    let tile = format!(r#"<div class="value">{files}</div><div class="label">files</div>"#);
    assert!(html.contains(&tile), "{tile}");
    assert_eq!(html.matches("<svg").count(), 4);
    assert!(
        html.contains("in/sub/image.png") && html.contains("binary"),
        "skipped"
    );
    assert!(
        html.contains("in/sub/s.jsonl:1"),
        "shard records are sampled"
    );
    assert!(html.contains("<del>") && html.contains("<ins>"));
    assert!(html.contains("<details open>"));

    // The same report (but the time) with another thread count.
    let strip_time = |h: &str| {
        let cut = |h: &str, label: &str| {
            let end = h
                .find(&format!("</div><div class=\"label\">{label}"))
                .unwrap();
            let start = h[..end].rfind('>').unwrap();
            format!("{}{}", &h[..start], &h[end..])
        };
        cut(&cut(h, "time"), "speed")
    };
    let o = run(
        &[
            "in",
            "-o",
            "out2",
            "--report-html",
            "report2.html",
            "-q",
            "-j",
            "1",
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let again = fs::read_to_string(dir.path().join("report2.html")).unwrap();
    assert_eq!(strip_time(&html), strip_time(&again));

    // A real browser: loads it with no console message, and takes a screenshot.
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/screenshot-report.sh");
    let shot = dir.path().join("shot.png");
    let o = std::process::Command::new("bash")
        .arg(&script)
        .arg(dir.path().join("report.html"))
        .arg(&shot)
        .output()
        .unwrap();
    if o.status.code() == Some(3) {
        // .ci/run installs Chromium and sets this: there, a missing browser is a failure.
        assert!(
            std::env::var_os("ZHCLEAN_REQUIRE_BROWSER").is_none(),
            "ZHCLEAN_REQUIRE_BROWSER is set but {}",
            stderr(&o).trim()
        );
        println!("skipped the browser check: {}", stderr(&o).trim());
        return;
    }
    assert!(o.status.success(), "{}", stderr(&o));
    let png = fs::read(&shot).unwrap();
    assert!(png.starts_with(b"\x89PNG") && png.len() > 10_000);
}

#[test]
fn report_html_inside_an_input_tree_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("in/a.txt"), "標題\n");
    let o = run(
        &["in", "-o", "out", "--report-html", "in/r.html"],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(!dir.path().join("in/r.html").exists());
}
