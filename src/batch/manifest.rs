//! The resume manifest: which outputs are finished, for which input bytes and which settings.
//!
//! It is a JSON-lines file at the top of the output directory. Lines are appended once their
//! outputs are renamed into place and durable (by group: [`super::commit`]), so whatever a
//! killed run left in the manifest is finished on disk; a torn last line is ignored when
//! reading. At the end of
//! a run the manifest is rewritten sorted, so the output tree is the same whatever the order in
//! which the workers finished.
//!
//! `--resume` skips an input only when all of these hold: the manifest has its output path with
//! the same input size, the same SHA-256 of the input bytes, the same settings fingerprint
//! (zhclean version + configuration + text field), and the output file exists with the
//! recorded size. Anything else is cleaned again, which is always safe.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::output::{self, MANIFEST_NAME};

/// One finished output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// Output path relative to the output directory (the key).
    pub output: String,
    pub input_size: u64,
    /// SHA-256 of the input bytes, hex.
    pub input_sha256: String,
    pub settings: String,
    pub output_size: u64,
}

/// The manifest of one output directory.
pub struct Manifest {
    path: PathBuf,
    done: BTreeMap<String, Entry>,
    append: Mutex<Option<File>>,
}

impl Manifest {
    /// Opens the manifest of `out_dir`. With `resume`, the finished entries are read; without,
    /// the run starts a new manifest (every input is cleaned again anyway).
    pub fn open(out_dir: &Path, resume: bool) -> io::Result<Self> {
        let path = out_dir.join(MANIFEST_NAME);
        let mut done = BTreeMap::new();
        if resume {
            match File::open(&path) {
                Ok(f) => {
                    for line in BufReader::new(f).lines() {
                        // A torn line from a killed run is not an entry.
                        if let Ok(e) = serde_json::from_str::<Entry>(&line?) {
                            done.insert(e.output.clone(), e);
                        }
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
        }
        fs::create_dir_all(out_dir)?;
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .truncate(false)
            .open(&path)?;
        if !resume {
            file.set_len(0)?;
        } else if ends_torn(&path)? {
            // Start our lines on a fresh line, not glued to a killed run's torn one.
            (&file).write_all(b"\n")?;
        }
        Ok(Manifest {
            path,
            done,
            append: Mutex::new(Some(file)),
        })
    }

    /// The recorded entry for `output_key`, if any.
    pub fn get(&self, output_key: &str) -> Option<&Entry> {
        self.done.get(output_key)
    }

    /// Whether the output at `output_path` (key `output_key`) is finished for exactly this
    /// input and these settings, and still on disk as it was written.
    pub fn is_done(
        &self,
        output_key: &str,
        input_size: u64,
        sha256: &str,
        settings: &str,
        output_path: &Path,
    ) -> bool {
        self.done.get(output_key).is_some_and(|e| {
            e.input_size == input_size
                && e.input_sha256 == sha256
                && e.settings == settings
                && fs::metadata(output_path).is_ok_and(|m| m.is_file() && m.len() == e.output_size)
        })
    }

    /// Appends finished outputs (call once they are renamed into place and, unless outputs
    /// are not synced at all, durable: see [`super::commit`]).
    pub fn record(&self, entries: &[Entry]) -> io::Result<()> {
        let mut lines = String::new();
        for entry in entries {
            lines.push_str(&serde_json::to_string(entry).map_err(io::Error::other)?);
            lines.push('\n');
        }
        let mut guard = self.append.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(f) = guard.as_mut() {
            // One write call for the lot: a kill tears at most the last line.
            f.write_all(lines.as_bytes())?;
        }
        Ok(())
    }

    /// Rewrites the manifest sorted by output path: the entries kept from before (resumed
    /// inputs) plus the ones recorded in this run; with `durable`, fsynced before it replaces
    /// the appended one (a power cut leaves one or the other, whole).
    pub fn finish(self, recorded: Vec<Entry>, durable: bool) -> io::Result<()> {
        drop(self.append.into_inner());
        let mut all = self.done;
        for e in recorded {
            all.insert(e.output.clone(), e);
        }
        let mut text = String::new();
        for e in all.values() {
            text.push_str(&serde_json::to_string(e).map_err(io::Error::other)?);
            text.push('\n');
        }
        output::write_all(&self.path, text.as_bytes(), durable)
    }
}

/// Whether the file's last byte is not a newline.
fn ends_torn(path: &Path) -> io::Result<bool> {
    use std::io::{Read, Seek, SeekFrom};
    let mut f = File::open(path)?;
    if f.metadata()?.len() == 0 {
        return Ok(false);
    }
    f.seek(SeekFrom::End(-1))?;
    let mut last = [0u8];
    f.read_exact(&mut last)?;
    Ok(last[0] != b'\n')
}

/// SHA-256 of `bytes`, hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// A reader that hashes what passes through it (shards are hashed while they stream).
pub struct HashingReader<R> {
    inner: R,
    hasher: Sha256,
}

impl<R: io::Read> HashingReader<R> {
    pub fn new(inner: R) -> Self {
        HashingReader {
            inner,
            hasher: Sha256::new(),
        }
    }

    pub fn finish_hex(self) -> String {
        hex(&self.hasher.finalize())
    }
}

impl<R: io::Read> io::Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}

/// SHA-256 of a file's contents, read in blocks.
pub fn sha256_file(path: &Path) -> io::Result<String> {
    let mut r = HashingReader::new(File::open(path)?);
    io::copy(&mut r, &mut io::sink())?;
    Ok(r.finish_hex())
}

fn hex(bytes: &[u8]) -> String {
    // Two digits a byte from a table: the formatting machinery (`{b:02x}`) cost a hundred
    // instructions a byte, twice per file.
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    (bytes.iter())
        .flat_map(|&b| [DIGITS[usize::from(b >> 4)], DIGITS[usize::from(b & 15)]])
        .map(char::from)
        .collect()
}

/// The settings fingerprint: outputs made with other settings are not "done".
pub fn settings_fingerprint(config: &zhclean::Config, text_field: &str, bad_lines: &str) -> String {
    let config = serde_json::to_string(config).unwrap_or_default();
    let key = format!(
        "zhclean {}\n{config}\n{text_field}\n{bad_lines}",
        env!("CARGO_PKG_VERSION")
    );
    sha256_hex(key.as_bytes())[..16].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_hex_is_the_lowercase_digest() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn torn_lines_are_ignored_and_finish_sorts() {
        let dir = tempfile::tempdir().unwrap();
        let entry = |o: &str| Entry {
            output: o.into(),
            input_size: 1,
            input_sha256: "ab".into(),
            settings: "s".into(),
            output_size: 2,
        };
        let m = Manifest::open(dir.path(), false).unwrap();
        m.record(&[entry("b.txt")]).unwrap();
        m.record(&[entry("a.txt")]).unwrap();
        drop(m);
        let path = dir.path().join(MANIFEST_NAME);
        let mut f = OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(b"{\"output\":\"c.tx").unwrap();
        drop(f);

        let m = Manifest::open(dir.path(), true).unwrap();
        assert!(m.get("a.txt").is_some() && m.get("b.txt").is_some());
        assert!(m.get("c.txt").is_none());
        m.finish(vec![], false).unwrap();
        let text = fs::read_to_string(&path).unwrap();
        let keys: Vec<_> = text
            .lines()
            .map(|l| serde_json::from_str::<Entry>(l).unwrap().output)
            .collect();
        assert_eq!(keys, ["a.txt", "b.txt"]);
    }
}
