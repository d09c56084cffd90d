//! `zhclean -`: one page from stdin to stdout, for pipelines.
//!
//! The same decoding and cleaning as for files; nothing is written but stdout (and the
//! `--report` file when asked). With `--check`, stdout stays empty and the exit status says
//! whether cleaning would change the text.

use std::io::{self, Read, Write};
use std::path::Path;

use zhclean::Cleaner;

use super::report::{FileEntry, Status, Summary};
use super::{html, write_report, BatchError, Outcome};

pub fn run(
    cleaner: &Cleaner,
    check: bool,
    report: Option<&Path>,
    format: zhclean::extract::Format,
) -> anyhow::Result<Outcome> {
    let stdin = Path::new("stdin");
    let mut bytes = Vec::new();
    io::stdin()
        .lock()
        .read_to_end(&mut bytes)
        .map_err(BatchError::io("cannot read", stdin))?;
    let mut entry = FileEntry::new("-".into(), "text", Status::Cleaned);
    entry.bytes_in = bytes.len() as u64;
    let mut outcome = Outcome::default();
    // Stdin has no name: HTML when it says so (or `--input-format html`).
    let is_html = html::is_html(format, None, &bytes);
    match html::decode(&bytes, is_html) {
        Err(binary) => {
            eprintln!("zhclean: -: {}", binary.0);
            entry.status = Status::Failed;
            entry.error = Some(binary.0);
            outcome.failed = 1;
        }
        Ok(decoded) => {
            entry.encoding = Some(decoded.encoding);
            entry.undecodable = decoded.undecodable;
            if decoded.undecodable > 0 {
                eprintln!(
                    "zhclean: -: {} undecodable byte sequences replaced by U+FFFD",
                    decoded.undecodable
                );
            }
            let cleaned = html::clean(cleaner, &decoded.text, is_html);
            entry.counts.add(&cleaned.report.counts);
            entry.warnings = cleaned.report.warnings;
            entry.bytes_out = cleaned.text.len() as u64;
            entry.changed = cleaned.text.as_bytes() != bytes.as_slice();
            if check {
                outcome.would_change = u64::from(entry.changed);
            } else {
                let mut out = io::stdout().lock();
                out.write_all(cleaned.text.as_bytes())
                    .and_then(|()| out.flush())
                    .map_err(BatchError::io("cannot write", Path::new("stdout")))?;
            }
        }
    }
    if let Some(path) = report {
        let entries = [entry];
        write_report(path, &Summary::of(&entries), None, &entries, check)?;
    }
    Ok(outcome)
}
