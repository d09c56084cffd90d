//! JSONL shards (`.jsonl`, `.jsonl.gz`, `.jsonl.zst`): each record's text field is cleaned,
//! everything else is kept.
//!
//! Guarantees:
//! - memory is bounded whatever the shard size: the shard streams through in batches of at
//!   most [`BATCH_RECORDS`] records or [`BATCH_BYTES`] bytes, each batch cleaned in parallel
//!   and written in input order before the next is read;
//! - record order is kept, one output line per input line;
//! - the other fields are copied as their raw JSON text (no reordering of keys, no
//!   reformatting of numbers); a record whose text does not change is copied byte for byte;
//! - a line that is not a JSON object, or has no string text field, never stops the shard: it
//!   is reported by line number and kept unchanged (or dropped with `--bad-lines skip`);
//! - the output keeps the input's compression; gzip and zstd output is deterministic (no
//!   timestamps, single-threaded encoder), so reruns give identical bytes.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::Path;

use flate2::bufread::MultiGzDecoder;
use flate2::write::GzEncoder;
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use zhclean::Cleaner;

use super::decode;
use super::output::AtomicFile;
use super::progress::Progress;
use super::record;
use super::{BadLines, Counts};

/// Most records cleaned per batch.
pub const BATCH_RECORDS: usize = 4096;
/// Most input bytes (uncompressed) per batch.
pub const BATCH_BYTES: usize = 16 << 20;
/// Per-shard warnings kept in the report; the rest are counted.
const MAX_WARNINGS: usize = 20;

/// The compression of a shard, from its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    None,
    Gzip,
    Zstd,
}

/// `Some` when `name` is a JSONL shard.
pub fn shard_compression(name: &[u8]) -> Option<Compression> {
    let name = name.to_ascii_lowercase();
    if name.ends_with(b".jsonl") {
        Some(Compression::None)
    } else if name.ends_with(b".jsonl.gz") {
        Some(Compression::Gzip)
    } else if name.ends_with(b".jsonl.zst") {
        Some(Compression::Zstd)
    } else {
        None
    }
}

/// Settings of shard processing.
pub struct ShardOptions<'a> {
    pub text_field: &'a str,
    pub bad_lines: BadLines,
    pub sync: bool,
    /// Sees every record's line number, text and cleaned text (for `--report-html`).
    pub observe: Option<&'a Observe<'a>>,
    /// Which records' texts are HTML (see `batch::html`).
    pub input_format: zhclean::extract::Format,
}

/// A record's line number, its text and its cleaned text.
pub type Observe<'a> = dyn Fn(u64, &str, &str) + Sync + 'a;

/// What cleaning a shard did.
#[derive(Debug, Default)]
pub struct ShardStats {
    pub records: u64,
    pub bad_lines: u64,
    /// Records whose text changed.
    pub changed_records: u64,
    pub undecodable: u64,
    pub counts: Counts,
    pub warnings: Vec<String>,
    pub bytes_out: u64,
    pub input_sha256: String,
}

impl ShardStats {
    fn warn(&mut self, w: String, extra: &mut u64) {
        if self.warnings.len() < MAX_WARNINGS {
            self.warnings.push(w);
        } else {
            *extra += 1;
        }
    }
}

/// A shard that could not be processed to the end.
#[derive(Debug, thiserror::Error)]
pub enum ShardError {
    #[error("cannot read: {0}")]
    Open(#[source] io::Error),
    #[error("cannot read line {line} (corrupt or truncated compression?): {source}")]
    Read {
        line: u64,
        #[source]
        source: io::Error,
    },
    #[error("cannot write output: {0}")]
    Write(#[source] io::Error),
}

/// Cleans the shard at `input` into `output` (`None`: `--check`, nothing is written).
pub fn process(
    input: &Path,
    output: Option<&Path>,
    compression: Compression,
    cleaner: &Cleaner,
    opts: &ShardOptions,
    progress: &Progress,
) -> Result<ShardStats, ShardError> {
    let mut hasher = Sha256::new();
    let mut lines = open_lines(input, compression, Some(&mut hasher), progress)?;

    let mut out_file = match output {
        Some(p) => Some(AtomicFile::create(p).map_err(ShardError::Write)?),
        None => None,
    };
    let target: Box<dyn Write + Send + '_> = match out_file.as_mut() {
        Some(f) => Box::new(f.writer()),
        None => Box::new(io::sink()),
    };
    let mut enc = Encoder::new(
        Counting {
            inner: target,
            n: 0,
        },
        compression,
    )
    .map_err(ShardError::Write)?;

    let mut stats = ShardStats::default();
    let mut extra_warnings = 0;
    let mut line_no = 0u64;
    // Three stages overlap: batch k+1 is read while batch k is cleaned (in parallel) and
    // batch k-1 is compressed and written. At most three batches are in memory.
    let mut batch = read_batch(&mut lines, &mut line_no)?;
    let mut cleaned: Vec<LineOut> = Vec::new();
    loop {
        let done = batch.is_empty() && cleaned.is_empty();
        if done {
            break;
        }
        let to_clean = std::mem::take(&mut batch);
        let to_write = std::mem::take(&mut cleaned);
        let (next, (results, written)) = rayon::join(
            || read_batch(&mut lines, &mut line_no),
            || {
                rayon::join(
                    || {
                        // One record per piece of work, as for files (`batch::run`): the
                        // batch ends when its last piece does.
                        to_clean
                            .par_iter()
                            .with_max_len(1)
                            .map(|(no, line)| {
                                clean_line_as(
                                    *no,
                                    line,
                                    cleaner,
                                    opts.text_field,
                                    opts.input_format,
                                    opts.observe,
                                )
                            })
                            .collect::<Vec<LineOut>>()
                    },
                    || {
                        write_batch(
                            to_write,
                            &mut enc,
                            &mut stats,
                            &mut extra_warnings,
                            opts.bad_lines,
                        )
                    },
                )
            },
        );
        written?;
        batch = next?;
        cleaned = results;
    }
    if extra_warnings > 0 {
        stats
            .warnings
            .push(format!("... and {extra_warnings} more warnings"));
    }
    let counting = enc.finish().map_err(ShardError::Write)?;
    stats.bytes_out = counting.n;
    drop(counting);
    // Hash every input byte, including any the decompressor did not need.
    let mut raw = lines.into_raw().map_err(|source| ShardError::Read {
        line: line_no,
        source,
    })?;
    io::copy(&mut raw, &mut io::sink()).map_err(|source| ShardError::Read {
        line: line_no,
        source,
    })?;
    drop(raw);
    stats.input_sha256 = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    if let Some(f) = out_file {
        f.commit(opts.sync).map_err(ShardError::Write)?;
    }
    Ok(stats)
}

/// For the learning pass, which only reads: `map` is called (in parallel) on each record's
/// text (the `field` string; lines that are not records with a string text are left out: pass
/// 2 reports them), and `sink` (serially, in input order) on each batch of `map`'s results.
/// Like pass 2, three stages overlap: batch k+1 is read while batch k is mapped and batch k-1
/// is sunk. A `sink` run after the mapping (as before this overlap) kept one thread of two
/// idle for 15 ms of every 85 in pass 1 of a shard. The shard is not hashed (pass 2 hashes
/// it). On a read error, every batch read before it is still sunk.
pub fn for_each_text_batch<T: Send>(
    input: &Path,
    compression: Compression,
    field: &str,
    progress: &Progress,
    map: impl Fn(&str) -> T + Sync,
    mut sink: impl FnMut(Vec<T>) + Send,
) -> Result<(), ShardError> {
    let mut lines = open_lines(input, compression, None, progress)?;
    let mut line_no = 0u64;
    let mut batch = read_batch(&mut lines, &mut line_no);
    let mut mapped: Vec<T> = Vec::new();
    loop {
        let to_map = match batch {
            Ok(b) => b,
            Err(e) => {
                sink(mapped);
                return Err(e);
            }
        };
        if to_map.is_empty() && mapped.is_empty() {
            return Ok(());
        }
        let to_sink = std::mem::take(&mut mapped);
        let (next, (results, ())) = rayon::join(
            || read_batch(&mut lines, &mut line_no),
            || {
                rayon::join(
                    || {
                        to_map
                            .par_iter()
                            .with_max_len(1)
                            .filter_map(|(_, line)| with_record_text(line, field, &map))
                            .collect::<Vec<T>>()
                    },
                    || sink(to_sink),
                )
            },
        );
        batch = next;
        mapped = results;
    }
}

/// The shard's decompressed lines; every raw byte read goes through `hasher` (when given) and
/// `progress`.
fn open_lines<'a>(
    input: &Path,
    compression: Compression,
    hasher: Option<&'a mut Sha256>,
    progress: &'a Progress,
) -> Result<Lines<BufReader<Tee<'a, File>>>, ShardError> {
    let file = File::open(input).map_err(ShardError::Open)?;
    let raw = BufReader::with_capacity(
        1 << 16,
        Tee {
            inner: file,
            hasher,
            progress,
        },
    );
    Lines::new(raw, compression).map_err(ShardError::Open)
}

/// `f` of the text field of one JSONL line, when it is a record with a string there.
fn with_record_text<T>(line: &[u8], field: &str, f: impl FnOnce(&str) -> T) -> Option<T> {
    let (body, _) = line_text(line);
    match record::parse(body.trim_end(), field).ok()?.text {
        record::Text::Str { value, .. } => Some(f(&value)),
        _ => None,
    }
}

/// Reads the next batch of lines (empty at the end of the shard).
fn read_batch<R: BufRead>(
    lines: &mut Lines<R>,
    line_no: &mut u64,
) -> Result<Vec<(u64, Vec<u8>)>, ShardError> {
    let mut batch = Vec::new();
    let mut bytes = 0;
    while batch.len() < BATCH_RECORDS && bytes < BATCH_BYTES {
        let mut buf = Vec::new();
        let n = lines
            .read_line(&mut buf)
            .map_err(|source| ShardError::Read {
                line: *line_no + 1,
                source,
            })?;
        if n == 0 {
            break;
        }
        *line_no += 1;
        bytes += n;
        batch.push((*line_no, buf));
    }
    Ok(batch)
}

/// Writes a cleaned batch in input order and adds it to the shard's stats.
fn write_batch<W: Write>(
    results: Vec<LineOut>,
    enc: &mut Encoder<W>,
    stats: &mut ShardStats,
    extra_warnings: &mut u64,
    bad_lines: BadLines,
) -> Result<(), ShardError> {
    for r in results {
        match r.status {
            LineStatus::Record { changed } => {
                stats.records += 1;
                stats.changed_records += u64::from(changed);
            }
            LineStatus::Blank => {}
            LineStatus::NoText => stats.records += 1,
            LineStatus::Bad => stats.bad_lines += 1,
        }
        stats.undecodable += r.undecodable;
        if let Some(c) = &r.counts {
            stats.counts.add(c);
        }
        if let Some(w) = r.warning {
            stats.warn(w, extra_warnings);
        }
        if matches!(r.status, LineStatus::Bad) && bad_lines == BadLines::Skip {
            continue;
        }
        enc.write_all(&r.bytes).map_err(ShardError::Write)?;
    }
    Ok(())
}

enum LineStatus {
    Record { changed: bool },
    Blank,
    NoText,
    Bad,
}

struct LineOut {
    bytes: Vec<u8>,
    status: LineStatus,
    counts: Option<Vec<(&'static str, u64)>>,
    warning: Option<String>,
    undecodable: u64,
}

/// A line's text, and how many invalid UTF-8 sequences were replaced by U+FFFD. Valid UTF-8
/// (nearly every line) is checked with SIMD and borrowed: std's check reads Han text byte by
/// byte (it was 7 % of a shard's run in pass 1).
fn line_text(line: &[u8]) -> (std::borrow::Cow<'_, str>, u64) {
    match simdutf8::basic::from_utf8(line) {
        Ok(s) => (std::borrow::Cow::Borrowed(s), 0),
        Err(_) => {
            let d = decode::decode_with(encoding_rs::UTF_8, line);
            (d.text, d.undecodable)
        }
    }
}

/// Cleans one line (with its `\n`, if any); the output always ends with `\n`.
#[cfg(test)]
fn clean_line(no: u64, line: &[u8], cleaner: &Cleaner, field: &str) -> LineOut {
    clean_line_as(
        no,
        line,
        cleaner,
        field,
        zhclean::extract::Format::Auto,
        None,
    )
}

/// [`clean_line`] with the rule for which records are HTML, and the `--report-html`
/// observer.
fn clean_line_as(
    no: u64,
    line: &[u8],
    cleaner: &Cleaner,
    field: &str,
    format: zhclean::extract::Format,
    observe: Option<&Observe>,
) -> LineOut {
    let body = line.strip_suffix(b"\n").unwrap_or(line);
    let body = body.strip_suffix(b"\r").unwrap_or(body);
    let (text, undecodable) = line_text(body);
    let keep = |status, warning: Option<String>| {
        let mut bytes = text.as_bytes().to_vec();
        bytes.push(b'\n');
        LineOut {
            bytes,
            status,
            counts: None,
            warning,
            undecodable,
        }
    };
    let mut warning = (undecodable > 0)
        .then(|| format!("line {no}: {undecodable} invalid UTF-8 sequences replaced by U+FFFD"));
    if text.trim().is_empty() {
        return keep(LineStatus::Blank, warning);
    }
    let record = match record::parse(&text, field) {
        Ok(r) => r,
        Err(e) => {
            return keep(
                LineStatus::Bad,
                Some(format!("line {no}: not a JSON object: {e}")),
            )
        }
    };
    let (pos, original) = match record.text {
        record::Text::Str { pos, value } => (pos, value),
        record::Text::Missing => {
            return keep(
                LineStatus::NoText,
                Some(format!("line {no}: no `{field}` field, kept as is")),
            )
        }
        record::Text::NotString => {
            return keep(
                LineStatus::NoText,
                Some(format!("line {no}: `{field}` is not a string, kept as is")),
            )
        }
    };
    let is_html = super::html::is_html(format, None, original.as_bytes());
    let cleaned = super::html::clean(cleaner, &original, is_html);
    if let Some(observe) = observe {
        observe(no, &original, &cleaned.text);
    }
    let changed = cleaned.text != original;
    if let Some(w) = cleaned.report.warnings.first() {
        warning.get_or_insert_with(|| format!("line {no}: {w}"));
    }
    let bytes = if changed {
        let mut out = Vec::with_capacity(text.len() + 16);
        out.push(b'{');
        for (i, (k, v)) in record.fields.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            serde_json::to_writer(&mut out, k).expect("a string serialises");
            out.push(b':');
            if i == pos {
                serde_json::to_writer(&mut out, &cleaned.text).expect("a string serialises");
            } else {
                let raw = v.expect("only the text field's raw value is left out");
                out.extend(raw.get().as_bytes());
            }
        }
        out.extend(b"}\n");
        out
    } else {
        let mut b = text.as_bytes().to_vec();
        b.push(b'\n');
        b
    };
    LineOut {
        bytes,
        status: LineStatus::Record { changed },
        counts: Some(cleaned.report.counts),
        warning,
        undecodable,
    }
}

/// Raw input bytes: hashed for the manifest (pass 2; pass 1 gives no hasher) and counted for the
/// progress bar as they are read.
struct Tee<'a, R> {
    inner: R,
    hasher: Option<&'a mut Sha256>,
    progress: &'a Progress,
}

impl<R: Read> Read for Tee<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(h) = self.hasher.as_mut() {
            h.update(&buf[..n]);
        }
        self.progress.add_bytes(n as u64);
        Ok(n)
    }
}

/// Decompressed lines over a raw reader that can be taken back to finish hashing it.
enum Lines<R: BufRead> {
    Plain(R),
    Gzip(BufReader<MultiGzDecoder<R>>),
    Zstd(BufReader<zstd::Decoder<'static, R>>),
}

impl<R: BufRead> Lines<R> {
    fn new(raw: R, c: Compression) -> io::Result<Self> {
        Ok(match c {
            Compression::None => Lines::Plain(raw),
            Compression::Gzip => {
                Lines::Gzip(BufReader::with_capacity(1 << 16, MultiGzDecoder::new(raw)))
            }
            Compression::Zstd => Lines::Zstd(BufReader::with_capacity(
                1 << 16,
                zstd::Decoder::with_buffer(raw)?,
            )),
        })
    }

    fn read_line(&mut self, buf: &mut Vec<u8>) -> io::Result<usize> {
        match self {
            Lines::Plain(r) => r.read_until(b'\n', buf),
            Lines::Gzip(r) => r.read_until(b'\n', buf),
            Lines::Zstd(r) => r.read_until(b'\n', buf),
        }
    }

    fn into_raw(self) -> io::Result<R> {
        Ok(match self {
            Lines::Plain(r) => r,
            Lines::Gzip(r) => r.into_inner().into_inner(),
            Lines::Zstd(r) => r.into_inner().finish(),
        })
    }
}

/// The output compressor, matching the input's.
enum Encoder<W: Write> {
    Plain(W),
    Gzip(GzEncoder<W>),
    Zstd(zstd::Encoder<'static, W>),
}

impl<W: Write> Encoder<W> {
    fn new(w: W, c: Compression) -> io::Result<Self> {
        Ok(match c {
            Compression::None => Encoder::Plain(w),
            // GzEncoder writes mtime 0 and no file name: the same bytes on every run.
            Compression::Gzip => Encoder::Gzip(GzEncoder::new(w, flate2::Compression::default())),
            Compression::Zstd => Encoder::Zstd(zstd::Encoder::new(w, 3)?),
        })
    }

    fn write_all(&mut self, b: &[u8]) -> io::Result<()> {
        match self {
            Encoder::Plain(w) => w.write_all(b),
            Encoder::Gzip(w) => w.write_all(b),
            Encoder::Zstd(w) => w.write_all(b),
        }
    }

    fn finish(self) -> io::Result<W> {
        let mut w = match self {
            Encoder::Plain(w) => w,
            Encoder::Gzip(e) => e.finish()?,
            Encoder::Zstd(e) => e.finish()?,
        };
        w.flush()?;
        Ok(w)
    }
}

/// Counts the (compressed) bytes written.
struct Counting<W> {
    inner: W,
    n: u64,
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(b)?;
        self.n += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cleaner() -> Cleaner {
        Cleaner::new(zhclean::Config::default()).unwrap()
    }

    #[test]
    fn other_fields_are_kept_raw_and_in_order() {
        let line = r#"{"id": 1.50, "text": "為經濟", "meta": {"b": [1, 2], "a": null}}"#;
        let out = clean_line(1, line.as_bytes(), &cleaner(), "text");
        let expected = format!(
            r#"{{"id":1.50,"text":{},"meta":{{"b": [1, 2], "a": null}}}}"#,
            serde_json::to_string(&cleaner().clean("為經濟").text).unwrap()
        );
        assert_eq!(String::from_utf8(out.bytes).unwrap(), expected + "\n");
    }

    #[test]
    fn bad_lines_are_kept_and_reported() {
        let out = clean_line(7, b"{not json\n", &cleaner(), "text");
        assert_eq!(out.bytes, b"{not json\n");
        assert!(matches!(out.status, LineStatus::Bad));
        assert!(out.warning.unwrap().starts_with("line 7:"));
        let out = clean_line(8, br#"{"body": "x"}"#, &cleaner(), "text");
        assert_eq!(out.bytes, b"{\"body\": \"x\"}\n");
        assert!(matches!(out.status, LineStatus::NoText));
    }

    use proptest::prelude::*;

    /// `ZHCLEAN_FUZZ_CASES=N` raises the case count for a longer run by hand.
    fn cases(default: u32) -> u32 {
        std::env::var("ZHCLEAN_FUZZ_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    }

    fn shared() -> &'static Cleaner {
        static C: std::sync::OnceLock<Cleaner> = std::sync::OnceLock::new();
        C.get_or_init(cleaner)
    }

    /// JSON values as raw text, formatting kept.
    fn json_value() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("null".to_string()),
            Just("1.50".to_string()),
            Just("-0e+3".to_string()),
            Just("[1, {\"a\": [true]}]".to_string()),
            any::<i64>().prop_map(|n| n.to_string()),
            "\\PC{0,20}".prop_map(|s| serde_json::to_string(&s).unwrap()),
        ]
    }

    /// Lines a shard may hold: records (the text field present, absent, not a string,
    /// duplicated), broken JSON, arbitrary bytes (invalid UTF-8 included), blanks, CRs.
    fn line() -> impl Strategy<Value = Vec<u8>> {
        let record = (
            prop::collection::vec(("[a-z]{1,6}", json_value()), 0..4),
            prop::option::of("\\PC{0,60}"),
            0usize..4,
        )
            .prop_map(|(fields, text, at)| {
                let mut parts: Vec<String> = fields
                    .iter()
                    .map(|(k, v)| format!("{}:{v}", serde_json::to_string(k).unwrap()))
                    .collect();
                if let Some(t) = text {
                    let at = at.min(parts.len());
                    parts.insert(
                        at,
                        format!("\"text\":{}", serde_json::to_string(&t).unwrap()),
                    );
                }
                format!("{{{}}}", parts.join(", ")).into_bytes()
            });
        prop_oneof![
            4 => record,
            1 => prop::collection::vec(any::<u8>(), 0..80),
            1 => "[{}\\[\\]\":, a-z0-9]{0,30}".prop_map(String::into_bytes),
            1 => Just(b"\r".to_vec()),
            1 => Just(b"{\"text\": 5}".to_vec()),
        ]
        .prop_map(|mut l: Vec<u8>| {
            l.retain(|b| *b != b'\n');
            l
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: cases(512), ..ProptestConfig::default() })]

        /// Any line: no panic, exactly one output line, and a line that is not cleaned is
        /// copied (lossily only where it was not UTF-8).
        #[test]
        fn any_line_gives_one_line(l in line(), no in 1u64..1_000_000) {
            let out = clean_line(no, &l, shared(), "text");
            prop_assert!(out.bytes.ends_with(b"\n"));
            prop_assert_eq!(memchr::memchr_iter(b'\n', &out.bytes).count(), 1);
            let body = l.strip_suffix(b"\r").unwrap_or(&l);
            match out.status {
                LineStatus::Record { changed: true } => {
                    let after = std::str::from_utf8(&out.bytes).unwrap();
                    let parsed = record::reference(after.trim_end(), "text").unwrap();
                    let lossy = String::from_utf8_lossy(body);
                    let before = record::reference(&lossy, "text").unwrap();
                    prop_assert_eq!(parsed.fields.len(), before.fields.len());
                    let record::Text::Str { pos, value: t } = before.text else {
                        panic!("a changed record has a text");
                    };
                    let record::Text::Str { value: c, .. } = parsed.text else {
                        panic!("the output has a text");
                    };
                    prop_assert_eq!(c, shared().clean(&t).text);
                    for (i, ((k1, v1), (k2, v2))) in before.fields.iter().zip(&parsed.fields).enumerate() {
                        prop_assert_eq!(k1, k2);
                        if i != pos {
                            prop_assert_eq!(v1.unwrap().get(), v2.unwrap().get());
                        }
                    }
                }
                _ => {
                    let mut expect = String::from_utf8_lossy(body).into_owned().into_bytes();
                    expect.push(b'\n');
                    prop_assert_eq!(&out.bytes, &expect);
                }
            }
            if matches!(out.status, LineStatus::Bad) {
                let warning = out.warning.unwrap_or_default();
                prop_assert!(warning.starts_with(&format!("line {no}:")), "{}", warning);
            }
        }

        /// A whole shard in every compression: one output line per input line (bad ones
        /// dropped with `skip`), counts add up, the input hash is the file's.
        #[test]
        fn any_shard_round_trips(
            lines in prop::collection::vec(line(), 0..40),
            final_newline in any::<bool>(),
            c in prop_oneof![Just(Compression::None), Just(Compression::Gzip), Just(Compression::Zstd)],
            skip in any::<bool>(),
        ) {
            let mut raw = lines.join(&b'\n');
            if final_newline && !lines.is_empty() {
                raw.push(b'\n');
            }
            let stored = match c {
                Compression::None => raw.clone(),
                Compression::Gzip => {
                    let mut e = GzEncoder::new(Vec::new(), flate2::Compression::fast());
                    e.write_all(&raw).unwrap();
                    e.finish().unwrap()
                }
                Compression::Zstd => zstd::encode_all(&raw[..], 1).unwrap(),
            };
            let dir = tempfile::tempdir().unwrap();
            let (inp, out) = (dir.path().join("in.jsonl"), dir.path().join("out.jsonl"));
            std::fs::write(&inp, &stored).unwrap();
            let opts = ShardOptions {
                text_field: "text",
                bad_lines: if skip { BadLines::Skip } else { BadLines::Keep },
                observe: None,
                sync: false,
                input_format: zhclean::extract::Format::Auto,
            };
            let progress = Progress::new(1, stored.len() as u64, true);
            let stats = process(&inp, Some(&out), c, shared(), &opts, &progress).unwrap();
            let written = std::fs::read(&out).unwrap();
            prop_assert_eq!(stats.bytes_out, written.len() as u64);
            prop_assert_eq!(stats.input_sha256, super::super::manifest::sha256_hex(&stored));
            let text = match c {
                Compression::None => written,
                Compression::Gzip => {
                    let mut v = Vec::new();
                    MultiGzDecoder::new(&written[..]).read_to_end(&mut v).unwrap();
                    v
                }
                Compression::Zstd => zstd::decode_all(&written[..]).unwrap(),
            };
            let n_in = if raw.is_empty() { 0 } else { raw.split(|b| *b == b'\n').count() - usize::from(raw.ends_with(b"\n")) };
            let n_out = memchr::memchr_iter(b'\n', &text).count();
            let dropped = if skip { stats.bad_lines as usize } else { 0 };
            prop_assert_eq!(n_out + dropped, n_in);
            prop_assert!(stats.records + stats.bad_lines <= n_in as u64);
        }
    }
}
