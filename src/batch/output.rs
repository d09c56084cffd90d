//! Writing outputs so that a run killed at any moment leaves no half-written file.
//!
//! Guarantees:
//! - every output is written to a hidden temporary file in the same directory (so the rename
//!   cannot cross file systems), flushed, fsynced unless told not to, and renamed over the
//!   final name: a reader sees the old file or the whole new one, never a part (on Linux an
//!   output written in one piece is an unnamed file linked under its name once whole, see
//!   [`write_all`]: the same guarantee with fewer directory changes);
//! - a temporary file that was not committed is removed when its [`AtomicFile`] is dropped, and
//!   the ones a killed process left behind are removed by the next run ([`remove_stale_temps`]);
//! - the temporary name is derived from the final name alone, so the names in the output tree
//!   do not depend on process ids or timing;
//! - names are handled as `OsStr`, so non-UTF-8 file names are written byte-exact.

use std::ffi::OsString;
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Suffix of temporary files; also recognised (and skipped) when walking inputs.
pub const TEMP_SUFFIX: &str = ".zhclean-tmp";
/// Name of the resume manifest at the top of the output directory.
pub const MANIFEST_NAME: &str = ".zhclean-manifest.jsonl";

/// The output path for an input found at `rel`: text files get the `.txt` extension, JSONL
/// shards keep their name (and so their compression).
pub fn output_rel(rel: &Path, keep_name: bool) -> PathBuf {
    let mut out = rel.to_path_buf();
    if !keep_name {
        out.set_extension("txt");
    }
    out
}

/// An output being written: a temporary file until [`AtomicFile::commit`].
pub struct AtomicFile {
    tmp: PathBuf,
    dest: PathBuf,
    writer: Option<BufWriter<File>>,
}

impl AtomicFile {
    /// Creates the directories up to `dest` and opens its temporary file, written through a
    /// 64 KB buffer (for outputs written piece by piece, such as shards).
    pub fn create(dest: &Path) -> io::Result<Self> {
        Self::create_buffered(dest, 1 << 16)
    }

    /// [`AtomicFile::create`] with a buffer of `capacity` bytes (0: every write goes straight
    /// to the file, for an output written in one piece).
    pub fn create_buffered(dest: &Path, capacity: usize) -> io::Result<Self> {
        let dir = dest.parent().unwrap_or(Path::new("."));
        let tmp = temp_path(dest);
        // The file is created new (O_EXCL, which never follows a symlink): a link planted at
        // the temporary name cannot make the write land outside the output directory. The
        // common case costs one system call; a missing directory is made, and whatever is at
        // the temporary name (a killed run's file, a planted link) is removed, only when the
        // first attempt says so.
        let open = || {
            fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&tmp)
        };
        let file = match open() {
            Ok(file) => file,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                fs::create_dir_all(dir)?;
                open_replacing(&tmp, open)?
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => open_replacing(&tmp, open)?,
            Err(e) => return Err(e),
        };
        Ok(AtomicFile {
            tmp,
            dest: dest.to_path_buf(),
            writer: Some(BufWriter::with_capacity(capacity, file)),
        })
    }

    pub fn writer(&mut self) -> &mut BufWriter<File> {
        self.writer
            .as_mut()
            .expect("writer is present until commit")
    }

    /// Flushes, optionally fsyncs, and renames the temporary file into place.
    /// On failure (a flush that hits a full disk, a failed fsync or rename) the temporary file
    /// is removed: nothing partial is left behind.
    pub fn commit(mut self, sync: bool) -> io::Result<()> {
        let writer = self.writer.take().expect("commit is called once");
        let result = (|| {
            let file = writer.into_inner().map_err(|e| e.into_error())?;
            if sync {
                file.sync_all()?;
            }
            drop(file);
            fs::rename(&self.tmp, &self.dest)
        })();
        if result.is_err() {
            let _ = fs::remove_file(&self.tmp);
        }
        result
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.writer.take().is_some() {
            // Not committed (an error on the way): leave no partial file behind.
            let _ = fs::remove_file(&self.tmp);
        }
    }
}

/// Writes `bytes` to `dest` atomically, in one piece (no buffer to copy them through).
pub fn write_all(dest: &Path, bytes: &[u8], sync: bool) -> io::Result<()> {
    #[cfg(target_os = "linux")]
    if let Some(done) = unnamed::write_all(dest, bytes, sync) {
        return done;
    }
    let mut f = AtomicFile::create_buffered(dest, 0)?;
    f.writer().write_all(bytes)?;
    f.commit(sync)
}

/// Linux: an output written in one piece goes to an unnamed file in its directory
/// (`O_TMPFILE`) that is linked under its final name once whole. A reader sees no file or the
/// whole file, as with a renamed temporary; a killed process leaves nothing behind (the kernel
/// frees an unlinked inode), and the directory is changed once instead of three times (create
/// the temporary name, remove it, add the final one), which is most of the system time of a
/// batch of small pages. Where this is not available (a file system without `O_TMPFILE`, no
/// `/proc`), the caller falls back to the named temporary file.
#[cfg(target_os = "linux")]
mod unnamed {
    use super::*;
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::fs::OpenOptionsExt;
    use std::os::unix::io::AsRawFd;
    use std::sync::atomic::{AtomicBool, Ordering};

    /// `None`: this way is not available here; the caller writes through a named temporary.
    pub(super) fn write_all(dest: &Path, bytes: &[u8], sync: bool) -> Option<io::Result<()>> {
        let dir = match dest.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let open = || {
            fs::OpenOptions::new()
                .write(true)
                .custom_flags(libc::O_TMPFILE)
                .mode(0o666)
                .open(dir)
        };
        let file = match open() {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                if let Err(e) = fs::create_dir_all(dir) {
                    return Some(Err(e));
                }
                open().ok()?
            }
            // EOPNOTSUPP, EISDIR (a kernel without O_TMPFILE), EINVAL, or anything the named
            // temporary may still get past or report better.
            Err(_) => return None,
        };
        let result = (|| {
            (&file).write_all(bytes)?;
            if sync {
                file.sync_all()?;
            }
            Ok(())
        })();
        if let Err(e) = result {
            return Some(Err(e));
        }
        match link(&file, dest) {
            Ok(()) => return Some(Ok(())),
            // No /proc, or a file system that cannot link the file: write it the named way.
            Err(e) if e.kind() != io::ErrorKind::AlreadyExists => return None,
            Err(_) => {}
        }
        // An output from an earlier run is there (a link never replaces a name): link the
        // whole file under the temporary name and rename that over it.
        let tmp = temp_path(dest);
        let replaced = match link(&file, &tmp) {
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                // A killed run's temporary, or something planted there: it goes.
                fs::remove_file(&tmp).and_then(|_| link(&file, &tmp))
            }
            r => r,
        }
        .and_then(|_| {
            fs::rename(&tmp, dest).inspect_err(|_| {
                let _ = fs::remove_file(&tmp);
            })
        });
        Some(replaced)
    }

    /// Whether `linkat` may link a descriptor itself (`AT_EMPTY_PATH`): Linux 6.10 and later
    /// allow it to the process that opened the file, earlier kernels only to a privileged one
    /// (they answer `ENOENT`). Cleared on the first refusal.
    pub(super) static EMPTY_PATH: AtomicBool = AtomicBool::new(true);

    /// Links the open file `file` under `to`: by its descriptor where the kernel allows it,
    /// else through its `/proc/self/fd` entry (a magic link, followed), which costs a path
    /// walk through /proc.
    fn link(file: &File, to: &Path) -> io::Result<()> {
        let to = CString::new(to.as_os_str().as_bytes())
            .map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))?;
        let fd = file.as_raw_fd();
        if EMPTY_PATH.load(Ordering::Relaxed) {
            // SAFETY: `fd` is open for the call; both paths are NUL-terminated.
            let r = unsafe {
                libc::linkat(
                    fd,
                    c"".as_ptr(),
                    libc::AT_FDCWD,
                    to.as_ptr(),
                    libc::AT_EMPTY_PATH,
                )
            };
            if r == 0 {
                return Ok(());
            }
            let e = io::Error::last_os_error();
            if e.raw_os_error() != Some(libc::ENOENT) {
                return Err(e);
            }
            EMPTY_PATH.store(false, Ordering::Relaxed);
        }
        let from = CString::new(format!("/proc/self/fd/{fd}")).expect("no NUL in a number");
        // SAFETY: both are NUL-terminated paths that outlive the call.
        let r = unsafe {
            libc::linkat(
                libc::AT_FDCWD,
                from.as_ptr(),
                libc::AT_FDCWD,
                to.as_ptr(),
                libc::AT_SYMLINK_FOLLOW,
            )
        };
        if r == 0 {
            Ok(())
        } else {
            Err(io::Error::last_os_error())
        }
    }
}

/// `open()` after removing whatever is at `tmp`.
fn open_replacing(tmp: &Path, open: impl Fn() -> io::Result<File>) -> io::Result<File> {
    match fs::remove_file(tmp) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    open()
}

/// `.NAME.zhclean-tmp` beside `dest`.
fn temp_path(dest: &Path) -> PathBuf {
    let mut name = OsString::from(".");
    name.push(dest.file_name().unwrap_or_default());
    name.push(TEMP_SUFFIX);
    dest.with_file_name(name)
}

/// Removes the temporary files a killed run left under `dir`; returns how many.
pub fn remove_stale_temps(dir: &Path) -> io::Result<usize> {
    let mut removed = 0;
    let rd = match fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(e),
    };
    for entry in rd {
        let entry = entry?;
        let ft = entry.file_type()?;
        if ft.is_dir() {
            removed += remove_stale_temps(&entry.path())?;
        } else if (ft.is_file() || ft.is_symlink())
            && entry
                .file_name()
                .as_encoded_bytes()
                .ends_with(TEMP_SUFFIX.as_bytes())
        {
            fs::remove_file(entry.path())?;
            removed += 1;
        }
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The names in `dir` (one level).
    fn names_in(dir: &Path) -> Vec<OsString> {
        fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect()
    }

    #[test]
    fn extension_mapping() {
        assert_eq!(
            output_rel(Path::new("a/b.htm"), false),
            Path::new("a/b.txt")
        );
        assert_eq!(output_rel(Path::new("a/b"), false), Path::new("a/b.txt"));
        assert_eq!(
            output_rel(Path::new("a/b.txt"), false),
            Path::new("a/b.txt")
        );
        assert_eq!(
            output_rel(Path::new("s.jsonl.gz"), true),
            Path::new("s.jsonl.gz")
        );
    }

    #[test]
    fn uncommitted_file_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("sub/x.txt");
        {
            let mut f = AtomicFile::create(&dest).unwrap();
            f.writer().write_all(b"half").unwrap();
        }
        assert!(!dest.exists());
        assert_eq!(fs::read_dir(dir.path().join("sub")).unwrap().count(), 0);
        write_all(&dest, b"whole", false).unwrap();
        assert_eq!(fs::read(&dest).unwrap(), b"whole");
    }

    /// Bug: a symlink planted at an output's temporary name was followed, so the output was
    /// written into the file it points to, outside the output directory.
    #[test]
    fn symlink_at_temp_name_is_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let outside = dir.path().join("outside.txt");
        fs::write(&outside, b"keep me").unwrap();
        let out = dir.path().join("out");
        fs::create_dir_all(&out).unwrap();
        std::os::unix::fs::symlink(&outside, out.join(".a.txt.zhclean-tmp")).unwrap();
        write_all(&out.join("a.txt"), b"new", false).unwrap();
        assert_eq!(fs::read(&outside).unwrap(), b"keep me");
        assert_eq!(fs::read(out.join("a.txt")).unwrap(), b"new");
        assert!(!fs::symlink_metadata(out.join("a.txt"))
            .unwrap()
            .is_symlink());

        // The link at a.txt's temporary name is gone or left unused (an unnamed file needs no
        // temporary name); the next run removes what is left.
        std::os::unix::fs::symlink(&outside, out.join(".b.txt.zhclean-tmp")).unwrap();
        assert!(remove_stale_temps(&out).unwrap() >= 1);
        assert_eq!(fs::read(&outside).unwrap(), b"keep me");
        let names = names_in(&out);
        assert_eq!(
            names,
            [std::ffi::OsString::from("a.txt")],
            "stale temp links are removed"
        );
    }

    /// The first open is tried before any directory is made or temporary file removed:
    /// both still happen when it fails for those reasons.
    #[test]
    fn missing_directories_and_stale_temps_are_handled() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("a/b/c/x.txt");
        write_all(&dest, b"one", false).unwrap();
        assert_eq!(fs::read(&dest).unwrap(), b"one");
        fs::write(dir.path().join("a/b/c/.x.txt.zhclean-tmp"), b"killed run").unwrap();
        write_all(&dest, b"two", false).unwrap();
        assert_eq!(fs::read(&dest).unwrap(), b"two");
        assert_eq!(fs::read_dir(dir.path().join("a/b/c")).unwrap().count(), 1);
    }

    /// An output over a symlink planted at its final name replaces the link and leaves the
    /// file it points to alone (a link never follows its target name; the rename replaces the
    /// name itself).
    #[test]
    fn symlink_at_final_name_is_replaced_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let outside = dir.path().join("outside.txt");
        fs::write(&outside, b"keep me").unwrap();
        let dest = dir.path().join("a.txt");
        std::os::unix::fs::symlink(&outside, &dest).unwrap();
        write_all(&dest, b"new", false).unwrap();
        assert_eq!(fs::read(&outside).unwrap(), b"keep me");
        assert!(!fs::symlink_metadata(&dest).unwrap().is_symlink());
        assert_eq!(fs::read(&dest).unwrap(), b"new");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 2, "no temp left");
    }

    /// Both ways of linking an unnamed file give the output, new or over an earlier one: by
    /// its descriptor (where the kernel allows it) and through /proc (where it does not).
    /// (Switching the way mid-run is harmless to the other tests: both give the same result.)
    #[cfg(target_os = "linux")]
    #[test]
    fn unnamed_file_is_linked_by_descriptor_or_through_proc() {
        use std::sync::atomic::Ordering;
        let dir = tempfile::tempdir().unwrap();
        for by_descriptor in [true, false] {
            unnamed::EMPTY_PATH.store(by_descriptor, Ordering::Relaxed);
            let dest = dir.path().join(format!("{by_descriptor}.txt"));
            write_all(&dest, b"first", false).unwrap();
            write_all(&dest, b"second", false).unwrap();
            assert_eq!(fs::read(&dest).unwrap(), b"second");
        }
        unnamed::EMPTY_PATH.store(true, Ordering::Relaxed);
        assert_eq!(names_in(dir.path()).len(), 2, "no temp left");
    }

    /// An output in one piece that cannot take its name (a directory is there) fails and
    /// leaves nothing behind, whichever way it was written.
    #[test]
    fn failed_write_all_leaves_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("x.txt");
        fs::create_dir_all(dest.join("inside")).unwrap();
        assert!(write_all(&dest, b"whole", false).is_err());
        let names = names_in(dir.path());
        assert_eq!(names, [std::ffi::OsString::from("x.txt")], "no temp left");
        assert!(dest.join("inside").is_dir());
    }

    /// Bug: a commit that failed after the writer was taken (the final flush on a full disk,
    /// fsync, rename) left the partial temporary file behind.
    #[test]
    fn failed_commit_leaves_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        // The destination is a non-empty directory: the rename fails.
        let dest = dir.path().join("x.txt");
        fs::create_dir_all(dest.join("inside")).unwrap();
        let mut f = AtomicFile::create(&dest).unwrap();
        f.writer()
            .write_all(b"small enough to stay in the buffer")
            .unwrap();
        assert!(f.commit(false).is_err());
        let names = names_in(dir.path());
        assert_eq!(names, [std::ffi::OsString::from("x.txt")], "no temp left");
    }
}
