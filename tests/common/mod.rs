//! Shared helpers for the integration tests: fixture loading and character error rate.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use zhclean::{Cleaner, Config};

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Reads a fixture page as the CLI would see it once decoded: the pages are cut at 2000
/// bytes, so a last character may be cut in half; it becomes U+FFFD.
pub fn read_lossy(path: &Path) -> String {
    String::from_utf8_lossy(&std::fs::read(path).unwrap()).into_owned()
}

/// The `.txt` pages of a fixture folder (`pages`, `wild`, `garbage`), as (file name, text read
/// as [`read_lossy`] does), sorted by name.
pub fn fixture_pages(folder: &str) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = fs::read_dir(fixtures().join(folder))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                read_lossy(&p),
            )
        })
        .collect();
    v.sort();
    v
}

/// Runs `zhclean -` with `input` on stdin and returns what it did.
pub fn run_stdin(input: &[u8]) -> Output {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = zhclean()
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

/// A gzipped UTF-8 fixture, whole.
pub fn read_gz(path: &Path) -> String {
    use std::io::Read;
    let file = fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut text = String::new();
    flate2::read::GzDecoder::new(file)
        .read_to_string(&mut text)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text
}

/// The golden pages: (name, raw, gold, uncertain spans).
pub fn golden() -> Vec<(String, String, String, Vec<String>)> {
    let dir = fixtures().join("golden");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| {
            let n = e.unwrap().file_name().into_string().unwrap();
            n.strip_suffix(".raw.txt").map(str::to_string)
        })
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|n| {
            let raw = read_lossy(&dir.join(format!("{n}.raw.txt")));
            let gold = std::fs::read_to_string(dir.join(format!("{n}.clean.txt"))).unwrap();
            let uncertain = std::fs::read_to_string(dir.join(format!("{n}.uncertain")))
                .map(|s| {
                    s.lines()
                        .filter(|l| !l.is_empty())
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default();
            (n, raw, gold, uncertain)
        })
        .collect()
}

/// Character error rate as the gold README defines it: edit distance / gold length, newlines
/// removed from both; gold spans listed as uncertain are left out, and so is the output
/// aligned to them. Returns (edits, scored gold length).
pub fn cer(output: &str, gold: &str, uncertain: &[String]) -> (usize, usize) {
    let out: Vec<char> = output.chars().filter(|c| *c != '\n').collect();
    let gold_text: String = gold.chars().filter(|c| *c != '\n').collect();
    let gold: Vec<char> = gold_text.chars().collect();
    // Mark uncertain gold characters.
    let mut skip = vec![false; gold.len()];
    for span in uncertain {
        let span: Vec<char> = span.chars().filter(|c| *c != '\n').collect();
        if span.is_empty() {
            continue;
        }
        if let Some(at) = gold.windows(span.len()).position(|w| w == span.as_slice()) {
            skip[at..at + span.len()].iter_mut().for_each(|s| *s = true);
        }
    }
    let (n, m) = (out.len(), gold.len());
    // Full DP table for the backtrace; pages are small enough.
    let mut d = vec![0u32; (n + 1) * (m + 1)];
    let idx = |i: usize, j: usize| i * (m + 1) + j;
    for i in 0..=n {
        d[idx(i, 0)] = i as u32;
    }
    for j in 0..=m {
        d[idx(0, j)] = j as u32;
    }
    for i in 1..=n {
        for j in 1..=m {
            let sub = d[idx(i - 1, j - 1)] + u32::from(out[i - 1] != gold[j - 1]);
            d[idx(i, j)] = sub.min(d[idx(i - 1, j)] + 1).min(d[idx(i, j - 1)] + 1);
        }
    }
    // Walk back, counting only edits that touch scored gold characters. An output character
    // inserted right next to an uncertain gold character counts as aligned to it.
    let (mut i, mut j, mut edits) = (n, m, 0usize);
    while i > 0 || j > 0 {
        if i > 0
            && j > 0
            && d[idx(i, j)] == d[idx(i - 1, j - 1)] + u32::from(out[i - 1] != gold[j - 1])
        {
            if out[i - 1] != gold[j - 1] && !skip[j - 1] {
                edits += 1;
            }
            i -= 1;
            j -= 1;
        } else if i > 0 && d[idx(i, j)] == d[idx(i - 1, j)] + 1 {
            let near_uncertain = (j > 0 && skip[j - 1]) || (j < m && skip[j]);
            if !near_uncertain {
                edits += 1;
            }
            i -= 1;
        } else {
            if !skip[j - 1] {
                edits += 1;
            }
            j -= 1;
        }
    }
    (edits, skip.iter().filter(|s| !**s).count())
}

// ---- Running the real binary (tests/cli.rs, tests/reliability.rs) ----

pub const BIN: &str = env!("CARGO_BIN_EXE_zhclean");

pub fn zhclean() -> Command {
    let mut c = Command::new(BIN);
    c.env_remove("ZHCLEAN_TEST_ABORT_AFTER");
    c
}

pub fn run(args: &[&str], cwd: &Path) -> Output {
    zhclean()
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("the binary runs")
}

fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .and_then(|l| l.split_whitespace().nth(1).map(|u| u == "0"))
        })
        .unwrap_or(false)
}

/// The binary as `nobody` when the tests run as root (root ignores file permissions, which
/// these tests are about); `None` when that is impossible (no `setpriv`), so the caller can
/// skip with a reason or fail.
pub fn unprivileged(args: &[&str], cwd: &Path) -> Option<Output> {
    if !is_root() {
        return Some(run(args, cwd));
    }
    Command::new("setpriv")
        .args([
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            "--",
            BIN,
        ])
        .args(args)
        .current_dir(cwd)
        .env_remove("ZHCLEAN_TEST_ABORT_AFTER")
        .output()
        .ok()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn clean(text: &str) -> String {
    static C: std::sync::OnceLock<Cleaner> = std::sync::OnceLock::new();
    C.get_or_init(|| Cleaner::new(Config::default()).unwrap())
        .clean(text)
        .text
}

pub fn write(path: &Path, bytes: impl AsRef<[u8]>) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, bytes).unwrap();
}

/// Every regular file under `dir` (symlinks not followed), relative path -> bytes. Tests also
/// poll the output of a batch that is still running: a temporary file it lists may be renamed
/// before it is read, and is then skipped (the renamed file is read at the next poll).
pub fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn go(base: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for e in fs::read_dir(dir).unwrap() {
            let e = e.unwrap();
            let p = e.path();
            let ft = e.file_type().unwrap();
            if ft.is_dir() {
                go(base, &p, out);
            } else if ft.is_file() {
                match fs::read(&p) {
                    Ok(bytes) => {
                        out.insert(p.strip_prefix(base).unwrap().to_path_buf(), bytes);
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => panic!("{}: {e}", p.display()),
                }
            }
        }
    }
    let mut out = BTreeMap::new();
    if dir.exists() {
        go(dir, dir, &mut out);
    }
    out
}

/// The real pages shipped in `input/`, sorted by name.
pub fn real_pages() -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("input");
    let mut pages: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, fs::read(&p).unwrap())
        })
        .collect();
    pages.sort();
    assert!(pages.len() >= 6, "input/ ships real pages");
    pages
}

/// A batch big enough to interrupt: `n` real pages, varied, spread over three subdirectories.
pub fn make_batch(root: &Path, n: usize) {
    let pages = real_pages();
    for i in 0..n {
        let (name, bytes) = &pages[i % pages.len()];
        let mut bytes = bytes.clone();
        bytes.extend(format!("\n第{i}頁\n").as_bytes());
        write(&root.join(format!("d{}/{i:03}-{name}", i % 3)), bytes);
    }
}

/// A `--report` file, parsed.
pub fn report(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&fs::read(path).unwrap()).unwrap()
}

/// The report's entry for the file whose path ends with `suffix`.
pub fn entry<'a>(report: &'a serde_json::Value, suffix: &str) -> &'a serde_json::Value {
    report["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["path"].as_str().unwrap().ends_with(suffix))
        .unwrap_or_else(|| panic!("no report entry for {suffix}"))
}
