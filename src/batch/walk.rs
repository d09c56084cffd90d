//! Finding the inputs: command-line files and directories, walked recursively in a fixed
//! (byte-sorted) order, with the relative path each one gets in the output tree.
//!
//! Guarantees:
//! - the order of what is found depends only on the file names, never on the file system's
//!   listing order or on timing, so plans and reports are deterministic;
//! - symbolic links met while walking are reported as skipped unless `follow` is set (links
//!   named on the command line are followed, as most tools do); followed directory links that
//!   lead back into a directory being walked are reported, not looped over;
//! - nothing that exists is silently dropped: every entry comes back as a file to clean or
//!   with the reason it is skipped or failed;
//! - names are kept as `OsString`, so non-UTF-8 file names are mirrored byte-exact.

use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use super::output::{MANIFEST_NAME, TEMP_SUFFIX};

/// One entry found under an input.
#[derive(Debug)]
pub struct Found {
    /// The path to read, as reached from the command-line argument.
    pub path: PathBuf,
    /// The path relative to the input it was found under (the file name for a file argument).
    pub rel: PathBuf,
    pub what: What,
}

#[derive(Debug)]
pub enum What {
    /// A regular file (or a followed link to one) of this size.
    File { size: u64 },
    /// Not cleaned, for this reason (symlink, special file, zhclean's own files).
    Skip(String),
    /// Could not be looked at (missing, unreadable directory, ...).
    Fail(String),
}

/// Walks one command-line argument.
pub fn walk(arg: &Path, follow: bool, out: &mut Vec<Found>) {
    let meta = match fs::metadata(arg) {
        Ok(m) => m,
        Err(e) => {
            out.push(Found {
                path: arg.to_path_buf(),
                rel: arg.file_name().map(PathBuf::from).unwrap_or_default(),
                what: What::Fail(reason(&e)),
            });
            return;
        }
    };
    if meta.is_dir() {
        let mut stack = Vec::new();
        if let Ok(c) = fs::canonicalize(arg) {
            stack.push(c);
        }
        walk_dir(arg, Path::new(""), follow, &mut stack, out);
    } else {
        // A file argument lands at the top of the output directory under its own name.
        let rel = arg
            .file_name()
            .map(PathBuf::from)
            .unwrap_or_else(|| arg.to_path_buf());
        let what = if is_bookkeeping(rel.as_os_str()) {
            What::Skip("zhclean's own bookkeeping file".into())
        } else {
            classify_file(&meta)
        };
        out.push(Found {
            path: arg.to_path_buf(),
            rel,
            what,
        });
    }
}

/// A temporary output file or a resume manifest: never an input (its output would land on
/// zhclean's own bookkeeping in the output directory).
fn is_bookkeeping(name: &std::ffi::OsStr) -> bool {
    let n = name.as_encoded_bytes();
    n.ends_with(TEMP_SUFFIX.as_bytes()) || n == MANIFEST_NAME.as_bytes()
}

fn walk_dir(dir: &Path, rel: &Path, follow: bool, stack: &mut Vec<PathBuf>, out: &mut Vec<Found>) {
    let entries = match fs::read_dir(dir) {
        Ok(rd) => rd.collect::<Result<Vec<_>, _>>(),
        Err(e) => Err(e),
    };
    let mut entries = match entries {
        Ok(v) => v,
        Err(e) => {
            out.push(Found {
                path: dir.to_path_buf(),
                rel: rel.to_path_buf(),
                what: What::Fail(format!("cannot list directory: {}", reason(&e))),
            });
            return;
        }
    };
    // Byte order of the names: the same on every machine and run.
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name();
        let path = entry.path();
        let rel = rel.join(&name);
        let found = |what| Found {
            path: path.clone(),
            rel: rel.clone(),
            what,
        };
        let ft = match entry.file_type() {
            Ok(ft) => ft,
            Err(e) => {
                out.push(found(What::Fail(reason(&e))));
                continue;
            }
        };
        let meta = if ft.is_symlink() {
            if !follow {
                out.push(found(What::Skip(
                    "symbolic link (use --follow-symlinks to follow)".into(),
                )));
                continue;
            }
            match fs::metadata(&path) {
                Ok(m) => m,
                Err(e) => {
                    out.push(found(What::Fail(format!(
                        "broken symbolic link: {}",
                        reason(&e)
                    ))));
                    continue;
                }
            }
        } else {
            match entry.metadata() {
                Ok(m) => m,
                Err(e) => {
                    out.push(found(What::Fail(reason(&e))));
                    continue;
                }
            }
        };
        if meta.is_dir() {
            let canon = fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
            if stack.contains(&canon) {
                out.push(found(What::Skip(
                    "symbolic link back into a directory being walked (loop)".into(),
                )));
                continue;
            }
            stack.push(canon);
            walk_dir(&path, &rel, follow, stack, out);
            stack.pop();
            continue;
        }
        if is_bookkeeping(&name) {
            out.push(found(What::Skip("zhclean's own bookkeeping file".into())));
            continue;
        }
        out.push(found(classify_file(&meta)));
    }
}

fn classify_file(meta: &fs::Metadata) -> What {
    if meta.is_file() {
        What::File { size: meta.len() }
    } else {
        What::Skip("not a regular file (device, FIFO or socket)".into())
    }
}

/// An I/O error as a short reason, without the "(os error N)" noise.
pub fn reason(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "no such file or directory".into(),
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// `path` made absolute with symlinks resolved as far as it exists, the rest appended
/// lexically; used to compare input and output locations before the output exists.
pub fn resolve(path: &Path) -> io::Result<PathBuf> {
    if let Ok(c) = fs::canonicalize(path) {
        return Ok(c);
    }
    let abs = std::path::absolute(path)?;
    let mut existing = abs.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.parent(), existing.file_name()) {
            (Some(p), Some(n)) => {
                rest.push(n.to_os_string());
                existing = p.to_path_buf();
            }
            _ => break,
        }
    }
    let mut out = fs::canonicalize(&existing).unwrap_or(existing);
    for n in rest.into_iter().rev() {
        match Path::new(&n).components().next() {
            Some(Component::ParentDir) => {
                out.pop();
            }
            Some(Component::CurDir) => {}
            _ => out.push(n),
        }
    }
    Ok(out)
}
