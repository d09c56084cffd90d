//! Reliability under faults and bad input (issue 8): the real `zhclean` binary in temporary
//! directories, interrupted, starved of disk, denied permissions, raced against, and fed
//! hostile names and bytes. Each test states the guarantee it checks (see the README's
//! "Guarantees" section).

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsStr;
use std::fs;
use std::io::Write;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

mod common;

use common::{
    clean, entry, make_batch, real_pages, report, run, stderr, tree, unprivileged, write, zhclean,
    BIN,
};
use serde_json::Value;

fn temps(t: &BTreeMap<PathBuf, Vec<u8>>) -> Vec<&PathBuf> {
    t.keys()
        .filter(|k| k.as_os_str().as_bytes().ends_with(b".zhclean-tmp"))
        .collect()
}

fn files(r: &Value) -> &Vec<Value> {
    r["files"].as_array().unwrap()
}

/// A small JSONL shard with a broken line (line 3) and a record without text (line 5).
fn shard() -> String {
    [
        r#"{"id":1,"text":"為經濟發達鎮","url":"http://a/1"}"#,
        r#"{"id":2,"text":"经济发达镇","url":"http://a/2"}"#,
        r#"{"id":3,"text":"broken"#,
        r#"{"id":4,"text":"臺灣的發展"}"#,
        r#"{"id":5,"body":"no text"}"#,
        r#"{"id":6,"text":"最後一行"}"#,
    ]
    .join("\n")
        + "\n"
}

/// Runs `cmd` to its end, or kills it after `secs` and fails (a hang is a bug).
fn output_within(mut cmd: Command, secs: u64) -> Output {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        if start.elapsed() > Duration::from_secs(secs) {
            let _ = child.kill();
            panic!("zhclean did not finish within {secs} s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The guarantee behind the report: every found input has exactly one entry; a cleaned entry
/// has its output on disk with `bytes_out` bytes; a skipped or failed one has no output and a
/// reason; the summary counts the entries; nothing else (but the manifest) is in the tree.
fn check_accounting(r: &Value, out_dir: &Path, inputs: &BTreeSet<String>) {
    let paths: BTreeSet<String> = files(r)
        .iter()
        .map(|e| e["path"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(paths.len(), files(r).len(), "one entry per input");
    assert_eq!(
        &paths, inputs,
        "every input is in the report, and nothing else"
    );
    let on_disk = tree(out_dir);
    let mut expected_outputs = BTreeSet::new();
    let mut by_status: BTreeMap<String, u64> = BTreeMap::new();
    for e in files(r) {
        let status = e["status"].as_str().unwrap();
        *by_status.entry(status.to_string()).or_default() += 1;
        match status {
            "cleaned" | "resumed" => {
                let out = PathBuf::from(e["output"].as_str().unwrap());
                // Output paths are as given with -o (relative to the working directory).
                let rel = out
                    .strip_prefix(out_dir)
                    .or_else(|_| out.strip_prefix(out_dir.file_name().unwrap()))
                    .unwrap()
                    .to_path_buf();
                let bytes = on_disk
                    .get(&rel)
                    .unwrap_or_else(|| panic!("{} has no output on disk", e["path"]));
                assert_eq!(bytes.len() as u64, e["bytes_out"].as_u64().unwrap(), "{e}");
                expected_outputs.insert(rel);
            }
            "skipped" | "failed" => {
                assert!(e["error"].as_str().is_some_and(|s| !s.is_empty()), "{e}")
            }
            other => panic!("unknown status {other}"),
        }
    }
    for (status, n) in &by_status {
        assert_eq!(r["summary"][status.as_str()], *n, "summary {status}");
    }
    let written: BTreeSet<PathBuf> = on_disk
        .keys()
        .filter(|k| k.as_os_str() != ".zhclean-manifest.jsonl")
        .cloned()
        .collect();
    assert_eq!(written, expected_outputs, "no output without an entry");
}

/// Killed at several exact points (the abort hook, as `kill -9` would), each time resumed,
/// sometimes killed again while resuming: the final tree is byte-identical to an
/// uninterrupted run's and no temporary file is left.
#[test]
fn killed_at_many_points_then_resumed_gives_the_uninterrupted_tree() {
    let dir = tempfile::tempdir().unwrap();
    make_batch(&dir.path().join("in"), 20);
    write(&dir.path().join("in/d1/s.jsonl"), shard());
    let gz = {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(shard().repeat(50).as_bytes()).unwrap();
        e.finish().unwrap()
    };
    write(&dir.path().join("in/d2/s.jsonl.gz"), gz);
    let o = run(&["in", "-o", "full", "-q", "--no-sync"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let full = tree(&dir.path().join("full"));
    assert_eq!(full.len(), 23);

    // (abort points of successive runs; the last run of each plan is not interrupted)
    for (i, plan) in [vec![1], vec![7, 7], vec![21], vec![3, 9]]
        .into_iter()
        .enumerate()
    {
        let out = format!("part{i}");
        for (k, n) in plan.iter().enumerate() {
            let mut cmd = zhclean();
            cmd.args(["in", "-o", &out, "-q", "-j", "2", "--no-sync"])
                .env("ZHCLEAN_TEST_ABORT_AFTER", n.to_string())
                .current_dir(dir.path());
            if k > 0 {
                cmd.arg("--resume");
            }
            let o = cmd.output().unwrap();
            assert!(!o.status.success(), "run aborted after {n} outputs");
            let partial = tree(&dir.path().join(&out));
            for (path, bytes) in &partial {
                if path.as_os_str() == ".zhclean-manifest.jsonl" || temps(&partial).contains(&path)
                {
                    continue;
                }
                assert_eq!(Some(bytes), full.get(path), "{} is whole", path.display());
            }
        }
        let o = run(
            &["in", "-o", &out, "-q", "--resume", "--no-sync"],
            dir.path(),
        );
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let resumed = tree(&dir.path().join(&out));
        assert!(temps(&resumed).is_empty());
        assert_eq!(resumed, full, "plan {plan:?}");
    }
}

/// A real SIGKILL of a running batch (not the hook), at whatever point it has reached once some
/// outputs exist, twice in a row; then `--resume` finishes it identically.
#[test]
fn sigkill_of_a_running_batch_then_resume() {
    let dir = tempfile::tempdir().unwrap();
    make_batch(&dir.path().join("in"), 48);
    let o = run(
        &["in", "-o", "full", "-q", "--no-sync", "--no-learn"],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let full = tree(&dir.path().join("full"));

    let out = dir.path().join("part");
    let mut killed_mid_run = 0;
    for round in 0..2 {
        let mut child = zhclean()
            .args([
                "in",
                "-o",
                "part",
                "-q",
                "-j",
                "2",
                "--resume",
                "--no-learn",
            ])
            .current_dir(dir.path())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Wait for outputs beyond what the previous round left.
        let before = tree(&out).len();
        let start = Instant::now();
        while tree(&out).len() <= before + 3 && start.elapsed() < Duration::from_secs(60) {
            if child.try_wait().unwrap().is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        child.kill().unwrap(); // SIGKILL
        let status = child.wait().unwrap();
        if !status.success() {
            killed_mid_run += 1;
        }
        let partial = tree(&out);
        for (path, bytes) in &partial {
            if path.as_os_str() != ".zhclean-manifest.jsonl" && !temps(&partial).contains(&path) {
                assert_eq!(
                    Some(bytes),
                    full.get(path),
                    "round {round}: {} whole",
                    path.display()
                );
            }
        }
    }
    eprintln!("killed mid-run {killed_mid_run} of 2 times");
    let o = run(
        &[
            "in",
            "-o",
            "part",
            "-q",
            "--resume",
            "--no-learn",
            "--report",
            "r.json",
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(tree(&out), full);
    let r = report(&dir.path().join("r.json"));
    assert_eq!(
        r["summary"]["resumed"].as_u64().unwrap() + r["summary"]["cleaned"].as_u64().unwrap(),
        48
    );
}

/// The output disk fills up (`RLIMIT_FSIZE`, SIGXFSZ ignored so writes fail with EFBIG): the
/// files that do not fit are reported as failed with the system's reason, the others are
/// cleaned, and no truncated output or temporary file is left.
#[test]
fn disk_full_fails_the_files_that_do_not_fit_and_leaves_nothing_partial() {
    if Command::new("prlimit").arg("--version").output().is_err() {
        eprintln!("skipped: prlimit (util-linux) is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let inp = dir.path().join("in");
    write(&inp.join("a.txt"), "為經濟\n");
    write(&inp.join("b.txt"), "發達鎮\n");
    // Larger than the limit (in buffered and in direct writes).
    write(&inp.join("big.txt"), "為經濟發達鎮。\n".repeat(3000));
    write(&inp.join("mid.txt"), "經濟".repeat(4000));
    let mut shard = String::new();
    for i in 0..3000 {
        shard.push_str(&format!("{{\"id\":{i},\"text\":\"第{i}頁 為經濟\"}}\n"));
    }
    write(&inp.join("s.jsonl"), &shard);
    let limit = 16 * 1024;
    let o = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "trap '' XFSZ; exec prlimit --fsize={limit} -- \"$0\" \"$@\""
        ))
        .arg(BIN)
        .args(["in", "-o", "out", "-q", "--report", "r.json", "--no-learn"])
        .current_dir(dir.path())
        .env_remove("ZHCLEAN_TEST_ABORT_AFTER")
        .output()
        .unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    for name in ["big.txt", "mid.txt", "s.jsonl"] {
        assert!(
            err.lines()
                .any(|l| l.contains(name) && l.contains("File too large")),
            "{name} reported: {err}"
        );
    }
    let out = tree(&dir.path().join("out"));
    assert!(temps(&out).is_empty(), "no temp left: {:?}", out.keys());
    assert_eq!(out[Path::new("a.txt")], clean("為經濟\n").as_bytes());
    assert_eq!(out[Path::new("b.txt")], clean("發達鎮\n").as_bytes());
    for name in ["big.txt", "mid.txt", "s.jsonl"] {
        assert!(!out.contains_key(Path::new(name)), "no truncated {name}");
    }
    let r = report(&dir.path().join("r.json"));
    assert_eq!(r["summary"]["failed"], 3);
    assert_eq!(r["summary"]["cleaned"], 2);

    // With room again, --resume redoes only the failed files.
    let o = run(
        &[
            "in",
            "-o",
            "out",
            "-q",
            "--resume",
            "--report",
            "r.json",
            "--no-learn",
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let r = report(&dir.path().join("r.json"));
    assert_eq!(
        (
            r["summary"]["resumed"].as_u64(),
            r["summary"]["cleaned"].as_u64()
        ),
        (Some(2), Some(3))
    );
}

/// Output directories that cannot be written: a read-only subdirectory fails only the files
/// that go there; a read-only output directory stops the run with a clear error and writes
/// nothing. (Run as `nobody` when the tests run as root.)
#[test]
fn unwritable_output_directories_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o777)).unwrap();
    let inp = dir.path().join("in");
    write(&inp.join("sub/a.txt"), "為");
    write(&inp.join("b.txt"), "經");
    fs::create_dir_all(dir.path().join("out/sub")).unwrap();
    fs::create_dir_all(dir.path().join("ro")).unwrap();
    for (p, mode) in [
        (inp.clone(), 0o755),
        (inp.join("sub"), 0o755),
        (dir.path().join("out"), 0o777),
        (dir.path().join("out/sub"), 0o555),
        (dir.path().join("ro"), 0o555),
    ] {
        fs::set_permissions(p, fs::Permissions::from_mode(mode)).unwrap();
    }
    let Some(o) = unprivileged(&["in", "-o", "out", "-q"], dir.path()) else {
        eprintln!("skipped: running as root and setpriv is not available");
        return;
    };
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("sub/a.txt") && stderr(&o).contains("permission denied"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("out/b.txt")).unwrap(),
        clean("經")
    );

    let o = unprivileged(&["in", "-o", "ro", "-q"], dir.path()).unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("ro") && stderr(&o).contains("ermission denied"),
        "{}",
        stderr(&o)
    );
    assert!(tree(&dir.path().join("ro")).is_empty());
}

/// Symbolic link loops (a directory link to its parent, a link to itself, two links to each
/// other) are reported, never followed forever, with or without `-L`.
#[test]
fn symlink_loops_end_and_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let inp = dir.path().join("in");
    write(&inp.join("a/page.txt"), "為經濟");
    std::os::unix::fs::symlink("..", inp.join("a/up")).unwrap();
    std::os::unix::fs::symlink("self", inp.join("self")).unwrap();
    std::os::unix::fs::symlink("y", inp.join("x")).unwrap();
    std::os::unix::fs::symlink("x", inp.join("y")).unwrap();
    std::os::unix::fs::symlink(&inp, inp.join("a/root")).unwrap();
    for follow in [false, true] {
        let mut cmd = zhclean();
        cmd.args(["in", "-o", "out", "-q", "--report", "r.json"])
            .current_dir(dir.path());
        if follow {
            cmd.arg("-L");
        }
        let o = output_within(cmd, 60);
        assert!(matches!(o.status.code(), Some(0 | 1)), "{}", stderr(&o));
        let r = report(&dir.path().join("r.json"));
        let inputs: BTreeSet<String> = ["a/page.txt", "a/up", "a/root", "self", "x", "y"]
            .iter()
            .map(|p| format!("in/{p}"))
            .collect();
        check_accounting(&r, &dir.path().join("out"), &inputs);
        assert_eq!(entry(&r, "a/page.txt")["status"], "cleaned");
    }
}

/// File and directory names that are not UTF-8 are mirrored byte-exact, resumed, and reported.
#[test]
fn non_utf8_names_are_kept_byte_exact() {
    let dir = tempfile::tempdir().unwrap();
    let inp = dir.path().join("in");
    let d = OsStr::from_bytes(b"d\xff\xfe");
    let names: [&[u8]; 3] = [b"\xb0\xa1.htm", b"caf\xe9.txt", b"caf\xe8"];
    for (i, n) in names.iter().enumerate() {
        write(
            &inp.join(d).join(OsStr::from_bytes(n)),
            format!("為經濟{i}"),
        );
    }
    let o = run(&["in", "-o", "out", "-q"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = tree(&dir.path().join("out"));
    let expect: [&[u8]; 3] = [b"\xb0\xa1.txt", b"caf\xe9.txt", b"caf\xe8.txt"];
    for (i, n) in expect.iter().enumerate() {
        let p = Path::new(d).join(OsStr::from_bytes(n));
        assert_eq!(
            out.get(&p).map(Vec::as_slice),
            Some(clean(&format!("為經濟{i}")).as_bytes())
        );
    }
    assert_eq!(out.len(), 4, "three outputs and the manifest");
}

/// Edge inputs in one batch: empty file, NUL bytes, invalid UTF-8, a file mixing UTF-8 and GBK,
/// GBK, Big5, UTF-16 without and with odd length, a binary, a shard with broken lines (reported
/// by line number, the rest processed), already-simplified text (unchanged), real pages. Every
/// input is accounted for, the report matches the disk, `--jobs 1` equals `--jobs 2`, and a
/// second pass over the output changes nothing (idempotence, through the CLI).
#[test]
fn bad_input_is_accounted_for_and_the_report_matches_the_disk() {
    let dir = tempfile::tempdir().unwrap();
    let inp = dir.path().join("in");
    for (name, bytes) in real_pages() {
        write(&inp.join("real").join(name), bytes);
    }
    write(&inp.join("empty.txt"), "");
    write(&inp.join("nul.txt"), b"\xe7\x82\xba\0abc");
    let mut bad = "為經濟發達鎮".repeat(20).into_bytes();
    bad.extend_from_slice(b"\xff\xfe ok ");
    bad.extend("發達鎮".repeat(20).as_bytes());
    bad.extend_from_slice(b"\xe7\x82");
    write(&inp.join("bad-utf8.txt"), &bad);
    let gbk_text = "中华人民共和国国务院关于推进经济发达镇行政管理体制改革的指导意见。";
    let (gbk, _, _) = encoding_rs::GBK.encode(gbk_text);
    let mut mixed = "經濟發達鎮行政管理體制改革，".repeat(3).into_bytes();
    mixed.extend_from_slice(&gbk);
    write(&inp.join("mixed.txt"), &mixed);
    write(&inp.join("gbk.txt"), &gbk);
    let (big5, _, _) =
        encoding_rs::BIG5.encode("中華民國行政院關於推進經濟發達鎮行政管理體制改革的指導意見。");
    write(&inp.join("big5.txt"), &big5);
    let mut u16 = vec![0xff, 0xfe];
    for u in "經濟\n".encode_utf16() {
        u16.extend(u.to_le_bytes());
    }
    write(&inp.join("u16.txt"), &u16);
    u16.push(0x41);
    write(&inp.join("u16-odd.txt"), &u16);
    write(&inp.join("img.gif"), b"GIF89a\x01\x00");
    write(&inp.join("s.jsonl"), shard());
    let simplified = "2010年4月，中央编办会同中央农办、发改委在15个省份确定了29个经济发达镇。\n";
    write(&inp.join("simplified.txt"), simplified);

    for (jobs, out) in [("1", "o1"), ("2", "o2")] {
        let o = run(
            &[
                "in",
                "-o",
                out,
                "-j",
                jobs,
                "--report",
                &format!("{out}.json"),
            ],
            dir.path(),
        );
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
    let o1 = tree(&dir.path().join("o1"));
    assert_eq!(o1, tree(&dir.path().join("o2")), "--jobs 1 == --jobs 2");
    let r1 = fs::read_to_string(dir.path().join("o1.json")).unwrap();
    let r2 = fs::read_to_string(dir.path().join("o2.json")).unwrap();
    assert_eq!(r1.replace("\"o1/", "\"o2/"), r2);

    let r = report(&dir.path().join("o1.json"));
    let inputs: BTreeSet<String> = tree(&inp)
        .keys()
        .map(|k| format!("in/{}", k.display()))
        .collect();
    check_accounting(&r, &dir.path().join("o1"), &inputs);

    assert_eq!(entry(&r, "empty.txt")["status"], "cleaned");
    assert!(entry(&r, "nul.txt")["error"]
        .as_str()
        .unwrap()
        .contains("NUL byte at offset 3"));
    assert_eq!(entry(&r, "img.gif")["status"], "skipped");
    let bad = entry(&r, "bad-utf8.txt");
    assert_eq!(
        (bad["encoding"].as_str(), bad["undecodable"].as_u64()),
        (Some("UTF-8"), Some(3))
    );
    assert_eq!(entry(&r, "gbk.txt")["encoding"], "GBK");
    assert_eq!(entry(&r, "big5.txt")["encoding"], "Big5");
    assert_eq!(entry(&r, "u16-odd.txt")["undecodable"], 1);
    let mixed = entry(&r, "mixed.txt");
    // Known limit (reported, not fixed here): one encoding is chosen per file, so a file that
    // mixes UTF-8 and GBK is decoded whole with chardetng's guess (windows-1252 today), with no
    // warning. It is still accounted for and cleaned.
    assert_eq!(mixed["status"], "cleaned", "{mixed}");
    let s = entry(&r, "s.jsonl");
    assert_eq!(
        (s["records"].as_u64(), s["bad_lines"].as_u64()),
        (Some(5), Some(1))
    );
    let warnings = s["warnings"].to_string();
    assert!(warnings.contains("line 3: not a JSON object"), "{warnings}");
    assert!(warnings.contains("line 5: no `text` field"), "{warnings}");
    let shard_out = String::from_utf8(o1[Path::new("s.jsonl")].clone()).unwrap();
    let lines: Vec<&str> = shard_out.lines().collect();
    assert_eq!(lines.len(), 6, "one output line per input line");
    assert_eq!(lines[2], r#"{"id":3,"text":"broken"#);
    let last: Value = serde_json::from_str(lines[5]).unwrap();
    assert_eq!(last["text"], clean("最後一行"));
    let simp = entry(&r, "simplified.txt");
    assert_eq!(simp["changed"], false, "simplified text is unchanged");
    assert_eq!(o1[Path::new("simplified.txt")], simplified.as_bytes());

    // Idempotence through the CLI: cleaning the output again changes nothing.
    let o = run(&["o1", "--check"], dir.path());
    assert_eq!(
        o.status.code(),
        Some(0),
        "would change: {}",
        String::from_utf8_lossy(&o.stdout)
    );
}

/// One page on a single line: `ZHCLEAN_BIG_MB` MB (default 4 in CI; 200 was run by hand, see
/// the README), ASCII with some Han. It is cleaned whole, within the time limit.
#[test]
fn a_large_single_line_file_is_cleaned() {
    let mb: usize = std::env::var("ZHCLEAN_BIG_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(4);
    let dir = tempfile::tempdir().unwrap();
    let unit = "The quick brown fox jumps over the lazy dog 0123456789 為經濟發達鎮 ";
    let line = unit.repeat(mb * (1 << 20) / unit.len());
    write(&dir.path().join("in/big.txt"), &line);
    let mut cmd = zhclean();
    cmd.args(["in", "-o", "out", "-q", "--report", "r.json", "--no-sync"])
        .current_dir(dir.path());
    let o = output_within(cmd, 600);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = fs::read_to_string(dir.path().join("out/big.txt")).unwrap();
    assert!(out.starts_with("The quick brown fox"), "{}", &out[..80]);
    assert_eq!(
        out.matches("为经济发达镇").count(),
        line.matches("為經濟發達鎮").count()
    );
    assert!(!out.contains('為'));
}

/// Inputs deleted or rewritten while the batch runs: each ends up cleaned (from the old or
/// the new bytes, whole) or failed with the reason; none is lost, nothing partial is left.
#[test]
fn files_deleted_or_changed_during_the_run_are_accounted_for() {
    let dir = tempfile::tempdir().unwrap();
    let inp = dir.path().join("in");
    let n = 150;
    for i in 0..n {
        write(
            &inp.join(format!("f{i:03}.txt")),
            format!("第{i}頁 為經濟發達鎮\n").repeat(50),
        );
    }
    let mut child = zhclean()
        .args([
            "in",
            "-o",
            "out",
            "-q",
            "-j",
            "2",
            "--report",
            "r.json",
            "--no-learn",
        ])
        .current_dir(dir.path())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Delete the odd files and rewrite the even ones, from the end (cleaned last), while the
    // batch runs.
    for i in (0..n).rev() {
        let p = inp.join(format!("f{i:03}.txt"));
        if i % 2 == 1 {
            let _ = fs::remove_file(&p);
        } else {
            fs::write(&p, format!("新{i}臺灣\n")).unwrap();
        }
    }
    let status = child.wait().unwrap();
    assert!(matches!(status.code(), Some(0 | 1)));
    let r = report(&dir.path().join("r.json"));
    let inputs: BTreeSet<String> = (0..n).map(|i| format!("in/f{i:03}.txt")).collect();
    let out_dir = dir.path().join("out");
    // Files deleted before the walk are simply not inputs.
    let found: BTreeSet<String> = files(&r)
        .iter()
        .map(|e| e["path"].as_str().unwrap().to_string())
        .collect();
    assert!(found.is_subset(&inputs));
    check_accounting(&r, &out_dir, &found);
    for e in files(&r) {
        let i: usize = e["path"].as_str().unwrap()[4..7].parse().unwrap();
        match e["status"].as_str().unwrap() {
            "cleaned" => {
                let out = fs::read_to_string(out_dir.join(format!("f{i:03}.txt"))).unwrap();
                let old = clean(&format!("第{i}頁 為經濟發達鎮\n").repeat(50));
                let new = clean(&format!("新{i}臺灣\n"));
                // `fs::write` truncates, then writes: a read in between sees the file empty,
                // which is a whole read of the file as it then was.
                assert!(
                    out == old || out == new || out.is_empty(),
                    "f{i:03}: whole old or whole new, not {out:?}"
                );
            }
            "failed" => assert!(e["error"].as_str().unwrap().contains("no such file"), "{e}"),
            other => panic!("f{i:03}: {other}"),
        }
    }
}

/// Nothing from the input (file names, dot-dot paths in arguments, symlinks, JSONL fields)
/// makes zhclean write outside the output directory (and the report file).
#[test]
fn nothing_is_written_outside_the_output_directory() {
    let root = tempfile::tempdir().unwrap();
    let sandbox = root.path().join("sandbox");
    let outside = root.path().join("outside");
    write(&outside.join("secret.txt"), "不要動");
    let inp = sandbox.join("in");
    write(&inp.join("sub/a.txt"), "為");
    write(&inp.join("..a.txt"), "經");
    write(&inp.join("...txt"), "濟");
    write(&inp.join("-rf.txt"), "發");
    write(&inp.join("back\\slash..\\..\\x.txt"), "達");
    write(
        &inp.join("paths.jsonl"),
        "{\"text\":\"鎮\",\"path\":\"../../outside/secret.txt\",\"output\":\"/tmp/x\"}\n",
    );
    std::os::unix::fs::symlink(&outside, inp.join("link-out")).unwrap();
    std::os::unix::fs::symlink(outside.join("secret.txt"), inp.join("secret-link.txt")).unwrap();
    // A symlink planted where a temporary output file will be created.
    fs::create_dir_all(sandbox.join("out/sub")).unwrap();
    std::os::unix::fs::symlink(
        outside.join("secret.txt"),
        sandbox.join("out/sub/.a.txt.zhclean-tmp"),
    )
    .unwrap();
    let before_outside = tree(&outside);
    let before_in = tree(&inp);
    for args in [
        &["in", "-o", "out", "-q", "-L", "--", "in/sub/../sub/a.txt"][..],
        &[
            "in/sub/../..//in",
            "-o",
            "out/../out",
            "-q",
            "-L",
            "--resume",
        ],
        &["./in/./sub/a.txt", "in/-rf.txt", "-o", "out", "-q"],
    ] {
        let o = run(args, &sandbox);
        assert!(
            matches!(o.status.code(), Some(0 | 1)),
            "{args:?}: {}",
            stderr(&o)
        );
    }
    assert_eq!(
        tree(&outside),
        before_outside,
        "nothing outside was written"
    );
    assert_eq!(tree(&inp), before_in, "inputs untouched");
    let mut top: Vec<_> = fs::read_dir(&sandbox)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    top.sort();
    assert_eq!(top, ["in", "out"], "nothing beside the output directory");
    assert_eq!(
        fs::read_to_string(sandbox.join("out/sub/a.txt")).unwrap(),
        clean("為")
    );
}

/// Config files are validated with errors that name the file and the problem (exit 2).
#[test]
fn bad_config_files_are_rejected_clearly() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("in/a.txt"), "為");
    let cases: [(&str, &str, &[&str]); 6] = [
        (
            "syntax.toml",
            "disable = [\"space\"",
            &["syntax.toml", "TOML"],
        ),
        (
            "unknown.toml",
            "disabel = [\"space\"]\n",
            &["unknown.toml", "disabel"],
        ),
        (
            "type.toml",
            "disable = \"space\"\n",
            &["type.toml", "disable"],
        ),
        (
            "spacing.toml",
            "spacing = \"wide\"\n",
            &["spacing.toml", "wide"],
        ),
        ("stage.toml", "disable = [\"nope\"]\n", &["nope", "stages:"]),
        (
            "regex.toml",
            "[[sites]]\nname = \"x\"\nhead = [\"(unclosed\"]\n",
            &["(unclosed"],
        ),
    ];
    for (name, text, needles) in cases {
        write(&dir.path().join(name), text);
        let o = run(&["in", "-o", "out", "--config", name], dir.path());
        assert_eq!(o.status.code(), Some(2), "{name}: {}", stderr(&o));
        for n in needles {
            assert!(stderr(&o).contains(n), "{name}: {n} in {}", stderr(&o));
        }
    }
    let o = run(&["in", "-o", "out", "--config", "missing.toml"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("cannot read config missing.toml"),
        "{}",
        stderr(&o)
    );
    assert!(
        !dir.path().join("out").exists(),
        "nothing written on a bad config"
    );
}

/// Bug: a manifest named on the command line (not walked) was cleaned as a shard, and its
/// output landed on the output directory's own manifest, which then overwrote it: an output
/// reported as cleaned was lost. Bookkeeping files are skipped however they are named.
#[test]
fn bookkeeping_file_named_on_the_command_line_is_skipped() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("a.txt"), "為");
    let o = run(&["a.txt", "-o", "prev", "-q"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = run(
        &[
            "prev/.zhclean-manifest.jsonl",
            "a.txt",
            "-o",
            "out",
            "--report",
            "r.json",
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let r = report(&dir.path().join("r.json"));
    let m = entry(&r, ".zhclean-manifest.jsonl");
    assert_eq!(m["status"], "skipped", "{m}");
    let inputs: BTreeSet<String> = ["prev/.zhclean-manifest.jsonl", "a.txt"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    check_accounting(&r, &dir.path().join("out"), &inputs);
}
