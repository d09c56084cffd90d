//! Reading a page file once for both passes of a run.
//!
//! Pass 1 (learning) reads and decodes every page; pass 2 (cleaning) needs the same bytes and
//! the same text. [`Kept`] holds what pass 1 read, up to a memory budget (`--keep-memory`,
//! 1 GiB by default), so a batch that fits is read and decoded once; pages beyond the budget
//! are read again in pass 2, as every page is with `--keep-memory 0`. Pass 2 takes each page
//! out as it cleans it, so the memory goes down as the run goes on.
//!
//! A page file changed between the passes is cleaned from the bytes pass 1 read (the old
//! ones, which is one of the two allowed outcomes) when it was kept, from the new ones when it
//! was not. JSONL shards are not kept: they stream through both passes in bounded memory.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use zhclean::extract::Format;

use super::decode::{Binary, Decoded};
use super::html;

/// A page file's bytes and its decoded text.
pub struct Page {
    /// The text (UTF-8, BOM removed).
    text: String,
    /// The file's bytes when they are not the text's (a legacy encoding, a BOM, broken
    /// UTF-8); `None` when they are the same bytes (most pages: nothing is copied).
    raw: Option<Vec<u8>>,
    pub encoding: &'static str,
    /// Byte sequences replaced by U+FFFD.
    pub undecodable: u64,
    /// Read as HTML ([`html::is_html`]).
    pub is_html: bool,
}

impl Page {
    /// Reads and decodes the file at `path` (`size`: its size when it was listed, to read it
    /// in one go); the inner error says why it is not text.
    pub fn read(path: &Path, size: u64, format: Format) -> io::Result<Result<Page, Binary>> {
        Ok(Page::decode(read_file(path, size)?, path, format))
    }

    /// Decodes the bytes of the file at `path` (HTML or text by [`html::is_html`]).
    pub fn decode(bytes: Vec<u8>, path: &Path, format: Format) -> Result<Page, Binary> {
        let is_html = html::is_html(format, Some(path), &bytes);
        let Decoded {
            text,
            encoding,
            undecodable,
        } = html::decode(&bytes, is_html)?;
        let (text, raw) = match text {
            // The text is the file's bytes themselves: keep them once, as the text.
            std::borrow::Cow::Borrowed(t)
                if t.as_ptr() == bytes.as_ptr() && t.len() == bytes.len() =>
            {
                // SAFETY: `t` is a `&str` spanning exactly `bytes`, so `bytes` is valid UTF-8.
                (unsafe { String::from_utf8_unchecked(bytes) }, None)
            }
            other => {
                let text = other.into_owned();
                (text, Some(bytes))
            }
        };
        Ok(Page {
            text,
            raw,
            encoding,
            undecodable,
            is_html,
        })
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The file's bytes as read.
    pub fn bytes(&self) -> &[u8] {
        self.raw.as_deref().unwrap_or(self.text.as_bytes())
    }

    /// Heap bytes held.
    fn memory(&self) -> u64 {
        (self.text.capacity() + self.raw.as_ref().map_or(0, Vec::capacity)) as u64
    }
}

/// The whole file, read with a buffer of the size it was listed with: one `read` that fills it
/// and one that finds the end (`fs::read` asks the file's size again first). A file that grew
/// since it was listed is still read whole.
pub fn read_file(path: &Path, size: u64) -> io::Result<Vec<u8>> {
    let file = File::open(path)?;
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0).saturating_add(1));
    // Through `Take`, `read_to_end` is the generic loop; `File`'s own asks for the size again.
    file.take(u64::MAX).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Pages pass 1 read, by job index, kept for pass 2 within a budget.
pub struct Kept {
    budget: u64,
    used: AtomicU64,
    slots: Vec<Mutex<Option<Page>>>,
}

impl Kept {
    /// Room for `jobs` pages, holding at most `budget` bytes of them.
    pub fn new(jobs: usize, budget: u64) -> Self {
        Kept {
            budget,
            used: AtomicU64::new(0),
            slots: (0..jobs).map(|_| Mutex::new(None)).collect(),
        }
    }

    /// Keeps job `index`'s page if it fits in what is left of the budget; otherwise pass 2
    /// reads it again.
    pub fn keep(&self, index: usize, page: Page) {
        if self.budget == 0 {
            return;
        }
        let size = page.memory();
        let before = self.used.fetch_add(size, Ordering::Relaxed);
        if before + size > self.budget {
            self.used.fetch_sub(size, Ordering::Relaxed);
            return;
        }
        if let Some(slot) = self.slots.get(index) {
            *slot.lock().unwrap_or_else(|e| e.into_inner()) = Some(page);
        }
    }

    /// Takes job `index`'s page out, if pass 1 kept it.
    pub fn take(&self, index: usize) -> Option<Page> {
        let page = self
            .slots
            .get(index)?
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()?;
        self.used.fetch_sub(page.memory(), Ordering::Relaxed);
        Some(page)
    }

    /// Bytes kept now.
    #[cfg(test)]
    fn used(&self) -> u64 {
        self.used.load(Ordering::Relaxed)
    }
}

/// Parses a memory size: a number of bytes with an optional `K`, `M` or `G` (powers of 1024).
pub fn parse_size(s: &str) -> Result<u64, String> {
    let s = s.trim();
    let (digits, shift) = match s.char_indices().last() {
        Some((i, 'k' | 'K')) => (&s[..i], 10),
        Some((i, 'm' | 'M')) => (&s[..i], 20),
        Some((i, 'g' | 'G')) => (&s[..i], 30),
        _ => (s, 0),
    };
    let n: u64 = digits
        .trim()
        .parse()
        .map_err(|_| format!("`{s}` is not a size (a number, optionally with K, M or G)"))?;
    n.checked_mul(1 << shift)
        .ok_or_else(|| format!("`{s}` is too large"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("0"), Ok(0));
        assert_eq!(parse_size("512M"), Ok(512 << 20));
        assert_eq!(parse_size("1g"), Ok(1 << 30));
        assert_eq!(parse_size("64 K"), Ok(64 << 10));
        assert!(parse_size("lots").is_err());
        assert!(parse_size("-1").is_err());
        assert!(parse_size("99999999999G").is_err());
    }

    #[test]
    fn utf8_is_kept_once_and_other_encodings_with_their_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let utf8 = dir.path().join("a.txt");
        std::fs::write(&utf8, "為經濟\n").unwrap();
        let page = Page::read(&utf8, 0, Format::Auto).unwrap().unwrap();
        assert_eq!(page.text(), "為經濟\n");
        assert!(page.raw.is_none(), "no copy of valid UTF-8");
        assert_eq!(page.bytes(), "為經濟\n".as_bytes());

        let gbk = dir.path().join("b.txt");
        let text = "为经济发展，推进行政管理体制改革。\n".repeat(4);
        let (bytes, _, _) = encoding_rs::GBK.encode(&text);
        std::fs::write(&gbk, &bytes).unwrap();
        // A listed size smaller than the file (it grew since): still read whole.
        let page = Page::read(&gbk, 3, Format::Auto).unwrap().unwrap();
        assert_eq!(page.encoding, "GBK");
        assert!(page.text().starts_with("为经济发展"));
        assert_eq!(page.bytes(), &bytes[..]);

        let bin = dir.path().join("c.txt");
        std::fs::write(&bin, b"a\0b").unwrap();
        assert!(Page::read(&bin, 3, Format::Auto).unwrap().is_err());
    }

    #[test]
    fn the_budget_bounds_what_is_kept_and_taking_frees_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt");
        std::fs::write(&path, "經濟".repeat(100)).unwrap();
        let read = || Page::read(&path, 600, Format::Auto).unwrap().unwrap();
        let one = read().memory();
        let kept = Kept::new(3, 2 * one);
        for i in 0..3 {
            kept.keep(i, read());
        }
        assert_eq!(
            kept.used(),
            2 * one,
            "two fit, the third is left to be read again"
        );
        assert!(kept.take(0).is_some() && kept.take(1).is_some());
        assert!(kept.take(2).is_none());
        assert!(kept.take(0).is_none(), "taken once");
        assert_eq!(kept.used(), 0);
        let none = Kept::new(1, 0);
        none.keep(0, read());
        assert!(none.take(0).is_none(), "budget 0 keeps nothing");
    }
}
