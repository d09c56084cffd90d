//! Extracts the main text of HTML files, without cleaning it: `cargo run --release --example
//! html_extract -- [--dom-smoothie] OUTDIR FILE...` writes `OUTDIR/NAME.txt` for each
//! `NAME.html` and prints the CPU time the extraction took (decoding included, file reading
//! and writing not). `--dom-smoothie` extracts with the `dom_smoothie` crate (a port of
//! Mozilla's Readability) instead, for comparison. The bench (`bench/html/`) runs this.

use std::path::Path;

/// CPU time (user + system) of this process so far, in seconds.
fn cpu_seconds() -> f64 {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage fills the struct it is given; RUSAGE_SELF is always valid.
    let usage = unsafe {
        libc::getrusage(libc::RUSAGE_SELF, usage.as_mut_ptr());
        usage.assume_init()
    };
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    secs(usage.ru_utime) + secs(usage.ru_stime)
}

fn zhclean_text(bytes: &[u8]) -> String {
    let text = decode(bytes);
    zhclean::extract::extract(&text).plain()
}

fn dom_smoothie_text(bytes: &[u8]) -> String {
    let text = decode(bytes);
    let cfg = dom_smoothie::Config {
        text_mode: dom_smoothie::TextMode::Formatted,
        ..Default::default()
    };
    match dom_smoothie::Readability::new(text.as_ref(), None, Some(cfg)).and_then(|mut r| r.parse())
    {
        Ok(article) => format!("{}\n\n{}", article.title, article.text_content),
        Err(_) => String::new(),
    }
}

/// The page's text: BOM, then `<meta>`, then UTF-8 or a guess, as the CLI decodes HTML.
fn decode(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    let enc = match zhclean::extract::charset::declared(bytes) {
        Some(d) => d.encoding,
        None if std::str::from_utf8(bytes).is_ok() => encoding_rs::UTF_8,
        None => {
            let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
            det.feed(bytes, true);
            det.guess(None, chardetng::Utf8Detection::Allow)
        }
    };
    enc.decode_with_bom_removal(bytes).0
}

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let smoothie = args.first().is_some_and(|a| a == "--dom-smoothie");
    if smoothie {
        args.remove(0);
    }
    let mut args = args.into_iter();
    let out = args
        .next()
        .expect("usage: html_extract [--dom-smoothie] OUTDIR FILE...");
    let files: Vec<String> = args.collect();
    std::fs::create_dir_all(&out).expect("create OUTDIR");
    let inputs: Vec<(String, Vec<u8>)> = files
        .iter()
        .map(|f| (f.clone(), std::fs::read(f).expect("read input")))
        .collect();
    let started = cpu_seconds();
    let texts: Vec<String> = inputs
        .iter()
        .map(|(_, bytes)| {
            if smoothie {
                dom_smoothie_text(bytes)
            } else {
                zhclean_text(bytes)
            }
        })
        .collect();
    let cpu = cpu_seconds() - started;
    for ((name, _), text) in inputs.iter().zip(&texts) {
        let stem = Path::new(name).file_stem().unwrap().to_string_lossy();
        std::fs::write(Path::new(&out).join(format!("{stem}.txt")), text).expect("write");
    }
    println!("{}\t{cpu:.3}", inputs.len());
}
