//! Bytes to text: binary detection, BOMs, encoding detection (chardetng) and decoding
//! (encoding_rs).
//!
//! Guarantees:
//! - a byte-order mark decides (UTF-8, UTF-16LE, UTF-16BE) and is not part of the text;
//! - text that is UTF-8 but for a few broken sequences (pages saved cut off in the middle of a
//!   character are common) stays UTF-8: broken sequences are not a reason to guess a legacy
//!   encoding that would garble everything else;
//! - otherwise chardetng picks among the legacy encodings (GBK/GB18030, Big5, ...);
//! - every byte sequence that cannot be decoded becomes U+FFFD and is *counted*, so the report
//!   says how much was lost instead of dropping it silently;
//! - files with NUL bytes or a known binary signature are refused with a reason, not decoded.

use std::borrow::Cow;

use encoding_rs::{DecoderResult, Encoding, UTF_8};

/// A decoded file: valid UTF-8 (most pages) is borrowed, not copied.
#[derive(Debug, PartialEq, Eq)]
pub struct Decoded<'a> {
    pub text: Cow<'a, str>,
    /// Name of the encoding used (`UTF-8`, `GBK`, `Big5`, `UTF-16LE`, ...).
    pub encoding: &'static str,
    /// Byte sequences that could not be decoded and were replaced by U+FFFD.
    pub undecodable: u64,
}

/// Why a file is not text.
#[derive(Debug, PartialEq, Eq)]
pub struct Binary(pub String);

/// Signatures of binary formats one finds among saved pages, for a clearer skip reason.
const SIGNATURES: &[(&[u8], &str)] = &[
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"RIFF", "RIFF file (WebP image, audio, ...)"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive (or DOCX/XLSX)"),
    (b"\x1f\x8b", "gzip file"),
    (b"\x28\xb5\x2f\xfd", "zstd file"),
    (b"\xd0\xcf\x11\xe0", "OLE file (DOC/XLS)"),
];

/// Decodes a whole file.
pub fn decode(bytes: &[u8]) -> Result<Decoded<'_>, Binary> {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        return Ok(decode_with(enc, &bytes[bom_len..]));
    }
    if let Some((_, what)) = SIGNATURES.iter().find(|(sig, _)| bytes.starts_with(sig)) {
        return Err(Binary(format!("binary file ({what})")));
    }
    if let Some(pos) = memchr::memchr(0, bytes) {
        return Err(Binary(format!("binary file (NUL byte at offset {pos})")));
    }
    // Most pages are valid UTF-8: one validation, no copy, detection or decoder. The
    // validation is SIMD (simdutf8): std's is byte by byte on Han text, several times slower,
    // and it runs over every input byte.
    if let Ok(text) = simdutf8::basic::from_utf8(bytes) {
        return Ok(Decoded {
            text: Cow::Borrowed(text),
            encoding: UTF_8.name(),
            undecodable: 0,
        });
    }
    Ok(decode_with(detect(bytes), bytes))
}

/// Decodes a whole HTML file: as [`decode`], except that an encoding the page declares in a
/// `<meta>` (the WHATWG prescan, [`zhclean::extract::charset`]) comes before detection, as in
/// a browser. Two exceptions, for pages re-encoded by whatever saved them without their
/// `<meta>` being updated: bytes that are valid UTF-8 with non-ASCII text are UTF-8 whatever
/// the page declares (legacy CJK text is almost never valid UTF-8), and a page declaring
/// UTF-8 that is broken as UTF-8 throughout goes to detection.
pub fn decode_html(bytes: &[u8]) -> Result<Decoded<'_>, Binary> {
    use zhclean::extract::charset::{declared, Source};
    let Some(d) = declared(bytes) else {
        return decode(bytes);
    };
    if d.source == Source::Bom {
        return decode(bytes);
    }
    let valid_utf8 = simdutf8::basic::from_utf8(bytes).is_ok();
    let utf8_declared = d.encoding == UTF_8;
    if (valid_utf8 && !bytes.is_ascii()) || utf8_declared {
        // `decode` keeps UTF-8 for valid or lightly damaged UTF-8 and detects otherwise.
        return decode(bytes);
    }
    if let Some((_, what)) = SIGNATURES.iter().find(|(sig, _)| bytes.starts_with(sig)) {
        return Err(Binary(format!("binary file ({what})")));
    }
    if let Some(pos) = memchr::memchr(0, bytes) {
        return Err(Binary(format!("binary file (NUL byte at offset {pos})")));
    }
    Ok(decode_with(d.encoding, bytes))
}

/// The encoding of BOM-less, NUL-free bytes.
fn detect(bytes: &[u8]) -> &'static Encoding {
    let (broken, non_ascii) = utf8_damage(bytes);
    // Legacy CJK text read as UTF-8 breaks at nearly every non-ASCII byte; real UTF-8 with a
    // damaged spot breaks once in thousands. One in a hundred separates them with room to spare.
    if broken == 0 || broken * 100 <= non_ascii {
        return UTF_8;
    }
    let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    det.feed(bytes, true);
    // UTF-8 was ruled out above: it has too many broken sequences to be what was meant.
    det.guess(None, chardetng::Utf8Detection::Deny)
}

/// (broken UTF-8 sequences, non-ASCII bytes) in `bytes`. A sequence cut off by the end of the
/// file is not damage: it is a page saved cut off in the middle of a character, whatever its
/// length (counting it made short cut-off pages look like a legacy encoding).
fn utf8_damage(bytes: &[u8]) -> (usize, usize) {
    let non_ascii = bytes.iter().filter(|b| !b.is_ascii()).count();
    let mut broken = 0;
    let mut rest = bytes;
    while let Err(e) = std::str::from_utf8(rest) {
        let Some(len) = e.error_len() else {
            break; // an incomplete sequence at the very end
        };
        broken += 1;
        rest = &rest[e.valid_up_to() + len..];
    }
    (broken, non_ascii)
}

/// Decodes `bytes` (BOM already removed) with `enc`, counting replacements.
pub fn decode_with(enc: &'static Encoding, bytes: &[u8]) -> Decoded<'static> {
    let mut decoder = enc.new_decoder_without_bom_handling();
    let cap = decoder
        .max_utf8_buffer_length_without_replacement(bytes.len())
        .unwrap_or(bytes.len() * 3);
    let mut text = String::with_capacity(cap);
    let mut undecodable = 0;
    let mut input = bytes;
    loop {
        let (result, read) = decoder.decode_to_string_without_replacement(input, &mut text, true);
        input = &input[read..];
        match result {
            DecoderResult::InputEmpty => break,
            DecoderResult::Malformed(_, _) => {
                undecodable += 1;
                text.push('\u{FFFD}');
            }
            DecoderResult::OutputFull => {
                text.reserve(input.len() * 3 + 16);
            }
        }
    }
    Decoded {
        text: Cow::Owned(text),
        // For GBK this is "GBK" although encoding_rs decodes it as GB18030, its superset.
        encoding: enc.name(),
        undecodable,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_and_without_bom() {
        let d = decode("為經濟".as_bytes()).unwrap();
        assert_eq!(
            (d.text.as_ref(), d.encoding, d.undecodable),
            ("為經濟", "UTF-8", 0)
        );
        let d = decode(b"\xef\xbb\xbfabc").unwrap();
        assert_eq!((d.text.as_ref(), d.encoding), ("abc", "UTF-8"));
    }

    #[test]
    fn utf16_with_bom() {
        let mut bytes = vec![0xff, 0xfe];
        for u in "經濟\n".encode_utf16() {
            bytes.extend(u.to_le_bytes());
        }
        let d = decode(&bytes).unwrap();
        assert_eq!((d.text.as_ref(), d.encoding), ("經濟\n", "UTF-16LE"));
    }

    #[test]
    fn gbk_and_big5_are_detected() {
        let text = "中华人民共和国国务院关于推进经济发达镇行政管理体制改革的指导意见，各省、自治区、直辖市人民政府。";
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        let d = decode(&gbk).unwrap();
        assert_eq!(
            (d.text.as_ref(), d.encoding, d.undecodable),
            (text, "GBK", 0)
        );

        let text =
            "中華民國行政院關於推進經濟發達鎮行政管理體制改革的指導意見，各縣市政府應予配合辦理。";
        let (big5, _, _) = encoding_rs::BIG5.encode(text);
        let d = decode(&big5).unwrap();
        assert_eq!(
            (d.text.as_ref(), d.encoding, d.undecodable),
            (text, "Big5", 0)
        );
    }

    #[test]
    fn truncated_utf8_stays_utf8_and_is_counted() {
        let mut bytes = "經濟發達鎮行政管理體制改革".repeat(20).into_bytes();
        bytes.extend_from_slice(&"鎮".as_bytes()[..2]);
        let d = decode(&bytes).unwrap();
        assert_eq!(d.encoding, "UTF-8");
        assert_eq!(d.undecodable, 1);
        assert!(d.text.ends_with("改革\u{FFFD}"));
    }

    /// Bug: a short UTF-8 page cut off in the middle of its last character (fewer than a
    /// hundred non-ASCII bytes) was decoded as windows-1252, garbling all of it.
    #[test]
    fn short_page_cut_mid_character_stays_utf8() {
        let mut bytes = "為經濟發達鎮".as_bytes().to_vec();
        bytes.extend_from_slice(&"鎮".as_bytes()[..2]);
        let d = decode(&bytes).unwrap();
        assert_eq!((d.encoding, d.undecodable), ("UTF-8", 1));
        assert_eq!(d.text, "為經濟發達鎮\u{FFFD}");
    }

    #[test]
    fn binary_is_refused() {
        assert!(decode(b"\x89PNG\r\n\x1a\nxxxx").is_err());
        assert!(decode(b"abc\0def").is_err());
    }

    #[test]
    fn html_meta_decides_unless_the_bytes_say_otherwise() {
        let text = "<html><head><meta charset=gb2312><title>經濟</title></head><body>中文正文</body></html>";
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        let d = decode_html(&gbk).unwrap();
        assert_eq!((d.text.as_ref(), d.encoding), (text, "GBK"));
        // Re-encoded to UTF-8 by whatever saved it: the old meta is wrong.
        let d = decode_html(text.as_bytes()).unwrap();
        assert_eq!((d.text.as_ref(), d.encoding), (text, "UTF-8"));
        // Declared UTF-8 but GBK throughout: detected.
        let lie = text.replace("gb2312", "utf-8");
        let (gbk, _, _) = encoding_rs::GBK.encode(&lie);
        assert_eq!(decode_html(&gbk).unwrap().encoding, "GBK");
        assert!(decode_html(b"<meta charset=gbk>\0").is_err());
    }

    use proptest::prelude::*;

    /// `ZHCLEAN_FUZZ_CASES=N` raises the case count for a longer run by hand.
    fn cases(default: u32) -> u32 {
        std::env::var("ZHCLEAN_FUZZ_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    }

    /// Bytes that look like saved pages: UTF-8 Han, GBK and Big5 runs, BOMs, broken and
    /// truncated sequences, NULs, signatures, ASCII.
    fn pagebytes() -> impl Strategy<Value = Vec<u8>> {
        let piece = prop_oneof![
            "[\u{4e00}-\u{9fff}]{1,20}".prop_map(String::into_bytes),
            "[\u{4e00}-\u{9fff}]{1,20}".prop_map(|s| encoding_rs::GBK.encode(&s).0.into_owned()),
            "[\u{4e00}-\u{9fff}]{1,20}".prop_map(|s| encoding_rs::BIG5.encode(&s).0.into_owned()),
            "[a-z ,.\n]{1,20}".prop_map(String::into_bytes),
            prop::collection::vec(any::<u8>(), 1..8),
            Just(b"\xef\xbb\xbf".to_vec()),
            Just(b"\xff\xfe".to_vec()),
            Just(b"\xe7\x82".to_vec()),
            Just(b"\0".to_vec()),
        ];
        prop::collection::vec(piece, 0..30).prop_map(|v| v.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: cases(512), ..ProptestConfig::default() })]

        /// Never panics; refuses only NULs and known signatures; the text is valid (it is a
        /// String) and every replacement it contains is counted.
        #[test]
        fn decode_any_bytes(bytes in prop_oneof![
            prop::collection::vec(any::<u8>(), 0..2000),
            pagebytes(),
        ]) {
            match decode(&bytes) {
                Ok(d) => {
                    let input_fffd = String::from_utf8_lossy(&bytes).matches('\u{FFFD}').count()
                        as u64;
                    let produced = d.text.matches('\u{FFFD}').count() as u64;
                    prop_assert!(d.undecodable <= produced, "{} > {}", d.undecodable, produced);
                    if d.encoding == "UTF-8" && Encoding::for_bom(&bytes).is_none() {
                        // BOM-less UTF-8 decodes exactly as Rust's lossy conversion, and
                        // counts each replacement not already in the input.
                        prop_assert_eq!(d.text.as_ref(), &*String::from_utf8_lossy(&bytes));
                        let literal = bytes.windows(3).filter(|w| w == b"\xef\xbf\xbd").count();
                        prop_assert_eq!(d.undecodable as usize + literal, input_fffd as usize);
                    }
                }
                Err(Binary(reason)) => prop_assert!(
                    bytes.contains(&0) || SIGNATURES.iter().any(|(s, _)| bytes.starts_with(s)),
                    "refused without a NUL or signature: {}", reason
                ),
            }
        }

        /// Valid UTF-8 (no NUL, no binary signature) comes back exactly, BOM removed.
        #[test]
        fn valid_utf8_round_trips(s in "[^\u{0}]{0,400}") {
            prop_assume!(!SIGNATURES.iter().any(|(sig, _)| s.as_bytes().starts_with(sig)));
            let d = decode(s.as_bytes()).unwrap();
            prop_assert_eq!(d.undecodable, 0);
            prop_assert_eq!(d.text.as_ref(), s.strip_prefix('\u{FEFF}').unwrap_or(&s));
        }

        /// A cut-off last character never switches valid UTF-8 Han text to a legacy encoding.
        #[test]
        fn truncated_utf8_han_stays_utf8(s in "[\u{4e00}-\u{9fff}]{20,200}", cut in 1usize..3) {
            let mut bytes = s.clone().into_bytes();
            bytes.extend_from_slice(&"鎮".as_bytes()[..cut]);
            let d = decode(&bytes).unwrap();
            prop_assert_eq!(d.encoding, "UTF-8");
            prop_assert_eq!(d.undecodable, 1);
            prop_assert!(d.text.starts_with(&s));
        }
    }
}
