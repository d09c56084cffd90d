//! Traditional (Taiwan-style) to simplified Chinese conversion, OpenCC `tw2s` semantics.
//!
//! The tables are OpenCC's dictionaries (`data/opencc/`, Apache-2.0) folded by `build.rs` into
//! one dictionary of about 6,000 keys that is embedded in the binary: no file is read at run
//! time, and start-up builds the lookup tables from it in about a millisecond. Matching is a
//! forward maximum match (the longest key starting at each position wins), the same answer a
//! leftmost-longest automaton gives, done with a table indexed by code point; it runs at a few
//! hundred MB/s on one core (`docs/conversion.md`).
//!
//! Guarantees:
//! - already-simplified text comes back unchanged (`什么` `坏` `干部` `后来`), and unchanged text
//!   is not copied (`Cow::Borrowed`);
//! - `data/overrides.txt` and the user's own overrides win over the OpenCC tables;
//! - conversion is a pure function of the text: no state, `Send + Sync`.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// The folded dictionary, `key\tvalue` per line, sorted by key (built by `build.rs`).
static DICT: &str = include_str!(concat!(env!("OUT_DIR"), "/convert.dict"));

/// Errors from loading user overrides.
#[derive(Debug, thiserror::Error)]
pub enum OverrideError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}:{line}: expected `TRADITIONAL<TAB or space>SIMPLIFIED`, found {text:?}")]
    Syntax {
        path: String,
        line: usize,
        text: String,
    },
    #[error("building the conversion tables: {0}")]
    Build(String),
}

/// A replacement: a slice of `Converter::arena`, or nothing to write when the key maps to
/// itself (a protected phrase that only exists to stop shorter matches inside it).
#[derive(Clone, Copy)]
struct Value {
    start: u32,
    len: u32,
    changes: bool,
}

/// What the dictionary holds for keys starting with one character.
#[derive(Clone, Copy)]
struct Start {
    /// The single-character key, if any.
    single: Option<Value>,
    /// The multi-character keys starting with this character: `phrases[lo..hi]`.
    lo: u32,
    hi: u32,
    /// Bit `second % 64` is set for the second character of each of those keys: most
    /// characters that start a phrase are followed by none of its second characters, and this
    /// answers that without a search.
    seconds: u64,
}

/// A key of two or more characters, stored as its first character's `Start` plus the rest.
struct Phrase {
    /// The key's second character (code point): phrases of one `Start` are sorted by it, then
    /// longest first.
    second: u32,
    /// The key without its first character, a slice of `Converter::arena`.
    tail_start: u32,
    tail_len: u32,
    value: Value,
}

/// Flag of a `Converter::bmp` entry that holds its replacement's bytes.
const DIRECT: u32 = 1 << 31;

/// `Converter::fast` flags (the low 24 bits hold a replacement's three UTF-8 bytes).
const FAST_REPLACE: u32 = 1 << 31;
const FAST_PHRASE: u32 = 1 << 30;
const FAST_GENERAL: u32 = 1 << 29;

/// Bits of `Converter::pairs`: 2^16, 8 KB.
const PAIR_BITS: u32 = 16;

/// The bit of `Converter::pairs` for the characters `a b`.
#[inline(always)]
fn pair_bit(a: u32, b: u32) -> usize {
    (((a.wrapping_mul(0x9E37_79B1)) ^ b.wrapping_mul(0x85EB_CA77)).wrapping_mul(0xC2B2_AE3D)
        >> (32 - PAIR_BITS)) as usize
}

/// A traditional-to-simplified converter. Build it once and share it between threads.
///
/// Matching is a forward maximum match over the folded dictionary (at each position the longest
/// key that starts there wins; where none does, one character is copied), which is what a
/// leftmost-longest automaton over the same keys computes. Keys are few (about 6,000, at most
/// 10 characters) and start with a small set of characters, so the matcher is a direct table
/// indexed by code point: most characters cost one load, and a phrase is only tried when the
/// text's next character is its second one.
pub struct Converter {
    /// For each BMP code point: 0 (no key starts with it), [`DIRECT`] plus the three UTF-8
    /// bytes of its replacement (the key is this character alone, and its value is one
    /// character of three bytes, the common case `個` -> `个`), or 1 + index into `starts`.
    bmp: Box<[u32]>,
    /// The same for code points above the BMP (rare in keys).
    astral: HashMap<u32, u32>,
    /// For each BMP code point, what the fast path of `convert_counted` needs, from its first
    /// character alone: [`FAST_REPLACE`] plus the replacement's three bytes, [`FAST_PHRASE`]
    /// when a phrase starts with it (then the replacement is the one used when no phrase
    /// follows), or [`FAST_GENERAL`] when only the general path knows what to do.
    fast: Box<[u32]>,
    /// Bit [`pair_bit`] of each phrase's first two characters: when the pair at hand has its
    /// bit clear, no phrase starts there.
    pairs: Box<[u64]>,
    starts: Vec<Start>,
    phrases: Vec<Phrase>,
    /// Replacement texts and phrase tails.
    arena: String,
    entries: usize,
}

impl std::fmt::Debug for Converter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Converter")
            .field("entries", &self.entries)
            .finish()
    }
}

impl Default for Converter {
    fn default() -> Self {
        Self::new()
    }
}

impl Converter {
    /// The built-in tables only.
    pub fn new() -> Self {
        Self::build(builtin_entries()).expect("built-in tables are valid: build.rs checked them")
    }

    /// The built-in tables plus user phrase overrides, which win over them.
    pub fn with_overrides(user: &BTreeMap<String, String>) -> Result<Self, OverrideError> {
        if user.is_empty() {
            return Ok(Self::new());
        }
        let mut entries: BTreeMap<&str, &str> = builtin_entries().collect();
        for (k, v) in user {
            entries.insert(k, v);
        }
        Self::build(entries.into_iter())
    }

    fn build<'e>(entries: impl Iterator<Item = (&'e str, &'e str)>) -> Result<Self, OverrideError> {
        let mut conv = Converter {
            bmp: vec![0u32; 0x10000].into_boxed_slice(),
            astral: HashMap::new(),
            fast: vec![0u32; 0x10000].into_boxed_slice(),
            pairs: vec![0u64; 1 << (PAIR_BITS - 6)].into_boxed_slice(),
            starts: Vec::new(),
            phrases: Vec::new(),
            arena: String::new(),
            entries: 0,
        };
        // Multi-character keys per first character, gathered before they are laid out.
        let mut grouped: Vec<Vec<(u32, &str, Value)>> = Vec::new();
        for (k, v) in entries {
            let mut chars = k.chars();
            let Some(first) = chars.next() else {
                return Err(OverrideError::Build(format!("empty key (value {v:?})")));
            };
            conv.entries += 1;
            let value = if k == v {
                Value {
                    start: 0,
                    len: 0,
                    changes: false,
                }
            } else {
                conv.push(v)?
            };
            let slot = match conv.slot(first as u32) {
                0 => {
                    conv.starts.push(Start {
                        single: None,
                        lo: 0,
                        hi: 0,
                        seconds: 0,
                    });
                    grouped.push(Vec::new());
                    let slot = conv.starts.len() as u32;
                    if (first as u32) < 0x10000 {
                        conv.bmp[first as usize] = slot;
                    } else {
                        conv.astral.insert(first as u32, slot);
                    }
                    slot
                }
                s => s,
            } as usize
                - 1;
            match chars.next() {
                None => conv.starts[slot].single = Some(value),
                Some(second) => grouped[slot].push((second as u32, &k[first.len_utf8()..], value)),
            }
        }
        for (slot, mut group) in grouped.into_iter().enumerate() {
            group.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.len().cmp(&a.1.len())));
            conv.starts[slot].lo = conv.phrases.len() as u32;
            for (second, tail, value) in group {
                conv.starts[slot].seconds |= 1 << (second % 64);
                let t = conv.push(tail)?;
                conv.phrases.push(Phrase {
                    second,
                    tail_start: t.start,
                    tail_len: t.len,
                    value,
                });
            }
            conv.starts[slot].hi = conv.phrases.len() as u32;
        }
        for (c, entry) in conv.bmp.iter_mut().enumerate() {
            let Some(start) = conv.starts.get((*entry as usize).wrapping_sub(1)) else {
                continue;
            };
            let (Some(v), true) = (start.single, start.lo == start.hi) else {
                continue;
            };
            let value = &conv.arena.as_bytes()[v.start as usize..(v.start + v.len) as usize];
            if v.changes && value.len() == 3 && c >= 0x800 {
                *entry = DIRECT | u32::from_le_bytes([value[0], value[1], value[2], 0]);
            }
        }
        conv.build_fast();
        Ok(conv)
    }

    /// Fills `fast` and `pairs` from the other tables.
    fn build_fast(&mut self) {
        for c in 0x800..0x10000usize {
            let slot = self.bmp[c];
            self.fast[c] = if slot == 0 {
                0
            } else if slot & DIRECT != 0 {
                FAST_REPLACE | (slot & 0x00FF_FFFF)
            } else {
                let start = self.starts[slot as usize - 1];
                let single = match start.single {
                    None => Some(0),
                    Some(v) if !v.changes => Some(0),
                    Some(v) if v.len == 3 => {
                        let b = self.text(v.start, 3).as_bytes();
                        Some(FAST_REPLACE | u32::from_le_bytes([b[0], b[1], b[2], 0]))
                    }
                    Some(_) => None,
                };
                match (single, start.lo < start.hi) {
                    (Some(single), true) => FAST_PHRASE | single,
                    // No phrase: a single key with a three-byte value is `DIRECT` already;
                    // the others (a key kept as it is, another length) take the general path.
                    _ => FAST_GENERAL,
                }
            };
            for p in &self.phrases[start_range(&self.starts, slot)] {
                let bit = pair_bit(c as u32, p.second);
                self.pairs[bit / 64] |= 1 << (bit % 64);
            }
        }
    }

    fn push(&mut self, s: &str) -> Result<Value, OverrideError> {
        let start = u32::try_from(self.arena.len())
            .map_err(|_| OverrideError::Build("tables larger than 4 GiB".into()))?;
        self.arena.push_str(s);
        Ok(Value {
            start,
            len: s.len() as u32,
            changes: true,
        })
    }

    #[inline(always)]
    fn slot(&self, c: u32) -> u32 {
        match self.bmp.get(c as usize) {
            Some(&s) => s,
            None => self.astral.get(&c).copied().unwrap_or(0),
        }
    }

    #[inline(always)]
    fn text(&self, start: u32, len: u32) -> &str {
        &self.arena[start as usize..(start + len) as usize]
    }

    /// The longest key starting at `i`, whose first character is `w` bytes long and has table
    /// slot `slot`: the key's length in bytes and its value.
    #[inline(always)]
    fn longest(&self, bytes: &[u8], i: usize, w: usize, slot: u32) -> Option<(usize, Value)> {
        let start = &self.starts[slot as usize - 1];
        let j = i + w;
        if start.seconds != 0 && j < bytes.len() {
            let second = match bytes[j] {
                b if b < 0x80 => b as u32,
                _ => decode(bytes, j).0,
            };
            if start.seconds & (1 << (second % 64)) != 0 {
                let group = &self.phrases[start.lo as usize..start.hi as usize];
                let from = group.partition_point(|p| p.second < second);
                let rest = &bytes[j..];
                for p in group[from..].iter().take_while(|p| p.second == second) {
                    let tail = self.text(p.tail_start, p.tail_len).as_bytes();
                    if rest.starts_with(tail) {
                        return Some((w + tail.len(), p.value));
                    }
                }
            }
        }
        start.single.map(|v| (w, v))
    }

    /// Calls `f(key, value)` for every entry of the tables, user overrides included (a key
    /// that maps to itself comes with itself as its value). For code that must know what a
    /// character can become (the template stage's line filter); the order is unspecified.
    pub fn for_each_entry(&self, mut f: impl FnMut(&str, &str)) {
        let mut key = String::new();
        let mut visit = |first: char, slot: u32, f: &mut dyn FnMut(&str, &str)| {
            key.clear();
            key.push(first);
            if slot & DIRECT != 0 {
                let bytes = slot.to_le_bytes();
                // `build` only stores three-byte values directly, and they are `str`s.
                let value = std::str::from_utf8(&bytes[..3]).expect("a direct value is UTF-8");
                f(&key, value);
                return;
            }
            let start = &self.starts[slot as usize - 1];
            let changed = |v: Value| v.changes.then(|| self.text(v.start, v.len));
            if let Some(v) = start.single {
                f(&key, changed(v).unwrap_or(&key));
            }
            for p in &self.phrases[start.lo as usize..start.hi as usize] {
                key.truncate(first.len_utf8());
                key.push_str(self.text(p.tail_start, p.tail_len));
                f(&key, changed(p.value).unwrap_or(&key));
            }
        };
        for (c, &slot) in self.bmp.iter().enumerate() {
            // Surrogate code points are no characters and start no key.
            if let (Some(first), true) = (char::from_u32(c as u32), slot != 0) {
                visit(first, slot, &mut f);
            }
        }
        for (&c, &slot) in &self.astral {
            if let Some(first) = char::from_u32(c) {
                visit(first, slot, &mut f);
            }
        }
    }

    /// Converts `text`; borrows it back when nothing changes.
    pub fn convert<'a>(&self, text: &'a str) -> Cow<'a, str> {
        self.convert_counted(text).0
    }

    /// Converts `text` and counts the replacements made.
    pub fn convert_counted<'a>(&self, text: &'a str) -> (Cow<'a, str>, usize) {
        let bytes = text.as_bytes();
        // Almost every replacement has the byte length of its key (`個` -> `个`: 3 -> 3), so
        // the output starts as a copy of the input patched in place. At the first replacement
        // that changes the length, `buf` is cut there and the rest is appended piece by piece.
        let mut buf: Vec<u8> = Vec::new();
        let mut in_place = true;
        let mut last = 0;
        let mut count = 0;
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            // Every key starts with a non-ASCII character: skip ASCII, eight bytes at a time.
            if b < 0x80 {
                i += 1;
                while let Some(chunk) = bytes.get(i..i + 8) {
                    let word = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
                    if word & 0x8080_8080_8080_8080 != 0 {
                        break;
                    }
                    i += 8;
                }
                continue;
            }
            // The fast path: a three-byte character followed by another, while the output is
            // the input patched in place. Whether its first byte's table entry replaces it is
            // applied without a branch (most characters of a traditional page go one way or
            // the other at random); only a character that may start a phrase here, or that
            // the table does not settle, takes the general path below.
            if in_place {
                if let Some(&[b0, b1, b2, n0, n1, n2]) = bytes.get(i..i + 6) {
                    if b0 & 0xF0 == 0xE0 {
                        let c = code_point3(b0, b1, b2);
                        let e = self.fast[c as usize];
                        let next = code_point3(n0, n1, n2);
                        let bit = pair_bit(c, next);
                        let maybe_phrase = (e & FAST_PHRASE != 0)
                            & ((n0 & 0xF0 != 0xE0) | (self.pairs[bit / 64] >> (bit % 64) & 1 != 0));
                        if (e & FAST_GENERAL == 0) & !maybe_phrase {
                            let replace = e & FAST_REPLACE != 0;
                            if replace && buf.is_empty() {
                                buf.reserve_exact(bytes.len() + bytes.len() / 8);
                                buf.extend_from_slice(bytes);
                            }
                            if !buf.is_empty() {
                                let orig = u32::from_le_bytes([b0, b1, b2, 0]);
                                let v = if replace { e } else { orig };
                                buf[i..i + 3].copy_from_slice(&v.to_le_bytes()[..3]);
                            }
                            count += usize::from(replace);
                            i += 3;
                            continue;
                        }
                    }
                }
            }
            let (c, w) = decode(bytes, i);
            let slot = self.slot(c);
            if slot == 0 {
                i += w;
                continue;
            }
            if slot & DIRECT != 0 {
                let value = &slot.to_le_bytes()[..3];
                if in_place {
                    if buf.is_empty() {
                        buf.reserve_exact(bytes.len() + bytes.len() / 8);
                        buf.extend_from_slice(bytes);
                    }
                    buf[i..i + 3].copy_from_slice(value);
                } else {
                    buf.extend_from_slice(&bytes[last..i]);
                    buf.extend_from_slice(value);
                    last = i + 3;
                }
                count += 1;
                i += 3;
                continue;
            }
            let Some((len, v)) = self.longest(bytes, i, w, slot) else {
                i += w;
                continue;
            };
            if v.changes {
                let value = self.text(v.start, v.len).as_bytes();
                if in_place {
                    if buf.is_empty() {
                        buf.reserve_exact(bytes.len() + bytes.len() / 8);
                        buf.extend_from_slice(bytes);
                    }
                    if value.len() == len {
                        patch(&mut buf[i..i + len], value);
                    } else {
                        in_place = false;
                        buf.truncate(i);
                        buf.extend_from_slice(value);
                        last = i + len;
                    }
                } else {
                    buf.extend_from_slice(&bytes[last..i]);
                    buf.extend_from_slice(value);
                    last = i + len;
                }
                count += 1;
            }
            i += len;
        }
        if count == 0 {
            return (Cow::Borrowed(text), 0);
        }
        if !in_place {
            buf.extend_from_slice(&bytes[last..]);
        }
        debug_assert!(std::str::from_utf8(&buf).is_ok());
        // SAFETY: `buf` is made of whole UTF-8 strings: slices of `text` cut at character
        // boundaries (`i` only ever advances by whole characters or whole keys, and a key
        // matched the bytes of whole characters) and replacement values, which are `str`s.
        // An in-place patch swaps the bytes of a key for those of a value of equal length.
        // Validating it again would cost about a third of the conversion time.
        let out = unsafe { String::from_utf8_unchecked(buf) };
        (Cow::Owned(out), count)
    }
}

/// The phrases of the `Start` a BMP table slot names (none for 0 and [`DIRECT`] slots).
fn start_range(starts: &[Start], slot: u32) -> std::ops::Range<usize> {
    if slot == 0 || slot & DIRECT != 0 {
        return 0..0;
    }
    let start = &starts[slot as usize - 1];
    start.lo as usize..start.hi as usize
}

/// Writes `value` over `dst` (same length), with fixed-size copies for the usual lengths.
#[inline(always)]
fn patch(dst: &mut [u8], value: &[u8]) {
    match dst.len() {
        3 => dst.copy_from_slice(&value[..3]),
        6 => dst.copy_from_slice(&value[..6]),
        _ => dst.copy_from_slice(value),
    }
}

/// The code point of the three-byte UTF-8 sequence `b0 b1 b2`.
#[inline(always)]
fn code_point3(b0: u8, b1: u8, b2: u8) -> u32 {
    (u32::from(b0 & 0x0F) << 12) | (u32::from(b1 & 0x3F) << 6) | u32::from(b2 & 0x3F)
}

/// Decodes the non-ASCII character starting at `bytes[i]` of a valid UTF-8 string: its code
/// point and its length in bytes.
#[inline(always)]
fn decode(bytes: &[u8], i: usize) -> (u32, usize) {
    let b = bytes[i] as u32;
    if (0xe0..0xf0).contains(&b) {
        if let Some(&[b0, c1, c2]) = bytes.get(i..i + 3) {
            return (code_point3(b0, c1, c2), 3);
        }
    }
    let c = |k: usize| (bytes[i + k] & 0x3f) as u32;
    if b < 0xe0 {
        (((b & 0x1f) << 6) | c(1), 2)
    } else if b < 0xf0 {
        (((b & 0x0f) << 12) | (c(1) << 6) | c(2), 3)
    } else {
        (((b & 0x07) << 18) | (c(1) << 12) | (c(2) << 6) | c(3), 4)
    }
}

fn builtin_entries() -> impl Iterator<Item = (&'static str, &'static str)> {
    DICT.lines()
        .map(|l| l.split_once('\t').expect("build.rs writes KEY\\tVALUE"))
}

/// Parses a user override file: plain text, one `TRADITIONAL SIMPLIFIED` pair per line
/// (separated by a tab or spaces), `#` comments and blank lines ignored: the format of
/// `data/overrides.txt` ([`crate::overrides`]).
pub fn parse_overrides(path: &Path) -> Result<BTreeMap<String, String>, OverrideError> {
    let text = std::fs::read_to_string(path).map_err(|source| OverrideError::Io {
        path: path.display().to_string(),
        source,
    })?;
    parse_overrides_str(&text, &path.display().to_string())
}

/// The parser behind [`parse_overrides`] (the format of [`crate::overrides`]); `origin`
/// names the source in errors.
pub fn parse_overrides_str(
    text: &str,
    origin: &str,
) -> Result<BTreeMap<String, String>, OverrideError> {
    crate::overrides::parse(text).map_err(|e| OverrideError::Syntax {
        path: origin.to_string(),
        line: e.line,
        text: e.text,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::rewrites;

    fn conv(s: &str) -> String {
        Converter::new().convert(s).into_owned()
    }

    #[test]
    fn taiwan_forms_come_back_as_mainland() {
        rewrites(
            |s| conv(s).to_string(),
            &[
                ("為", "为"),
                ("著", "着"),
                ("臺", "台"),
                ("裡", "里"),
                ("管不著", "管不着"),
                ("推進經濟發達鎮", "推进经济发达镇"),
                ("乾淨", "干净"),
                ("顯著", "显著"),
                ("什麼", "什么"),
            ],
        );
    }

    #[test]
    fn simplified_text_is_borrowed_unchanged() {
        for s in [
            "什么",
            "坏",
            "干部",
            "后来",
            "显著",
            "著作权",
            "么",
            "乾隆",
            "魏徵",
            "ASCII only",
        ] {
            assert!(
                matches!(Converter::new().convert(s), Cow::Borrowed(_)),
                "{s}"
            );
        }
    }

    #[test]
    fn proper_nouns_keep_their_characters() {
        rewrites(
            |s| conv(s).to_string(),
            &[
                ("乾隆", "乾隆"),
                ("乾安縣", "乾安县"),
                ("乾清宮", "乾清宫"),
                ("魏徵", "魏徵"),
            ],
        );
    }

    #[test]
    fn every_output_is_a_fixed_point() {
        // Converting twice equals converting once: no table output is itself converted.
        let c = Converter::new();
        let bad: Vec<String> = builtin_entries()
            .filter(|(_, v)| c.convert(v) != *v)
            .map(|(k, v)| format!("{k}->{v}->{}", c.convert(v)))
            .collect();
        assert!(
            bad.is_empty(),
            "{} entries: {:?}",
            bad.len(),
            &bad[..bad.len().min(20)]
        );
    }

    #[test]
    fn entries_are_listed_as_given() {
        let mut user = BTreeMap::new();
        user.insert("發達".to_string(), "发达了".to_string());
        user.insert("𠮶".to_string(), "x".to_string());
        let c = Converter::with_overrides(&user).unwrap();
        let mut want: BTreeMap<String, String> = builtin_entries()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        want.extend(user);
        let mut got = BTreeMap::new();
        c.for_each_entry(|k, v| {
            assert!(
                got.insert(k.to_string(), v.to_string()).is_none(),
                "{k} twice"
            );
        });
        assert_eq!(got, want);
    }

    #[test]
    fn user_overrides_win() {
        let mut user = BTreeMap::new();
        user.insert("發達".to_string(), "发达了".to_string());
        let c = Converter::with_overrides(&user).unwrap();
        assert_eq!(c.convert("經濟發達"), "经济发达了");
        assert_eq!(c.convert("為"), "为");
    }

    /// The plain forward maximum match over the folded dictionary, the definition that the
    /// table-driven matcher must reproduce.
    fn reference(text: &str) -> String {
        let dict: BTreeMap<&str, &str> = builtin_entries().collect();
        crate::fmm::forward_max_match(text, |k| dict.get(k).copied(), 10)
    }

    #[test]
    fn length_changes_and_edges_match_the_reference() {
        for t in [
            "二噁英個個",        // a value longer than its key, then in-place replacements
            "個二噁英",          // the switch from in-place to appending in the middle
            "乾淨",              // a phrase ending the text
            "乾",                // a phrase's first character ending the text
            "abc乾淨abcdefgh個", // ASCII runs around matches
            "𠮶嗰㗲個",          // characters outside the BMP on both sides
            "",
        ] {
            assert_eq!(conv(t), reference(t), "{t}");
        }
    }

    proptest::proptest! {
        #[test]
        fn matches_the_reference_forward_maximum_match(
            picks in proptest::collection::vec(0usize..1 << 20, 0..24)
        ) {
            // Pieces: whole keys, their halves (so that phrases overlap and get cut), and
            // characters that are in no key, ASCII among them.
            let mut pool: Vec<String> = Vec::new();
            for (k, _) in builtin_entries() {
                let chars: Vec<char> = k.chars().collect();
                pool.push(k.to_string());
                pool.push(chars[..chars.len() / 2].iter().collect());
                pool.push(chars[chars.len() / 2..].iter().collect());
            }
            pool.extend(["a", " ", "。", "什么", "后来", "干部"].map(String::from));
            let text: String = picks
                .iter()
                .map(|&p| pool[p * 7919 % pool.len()].as_str())
                .collect();
            proptest::prop_assert_eq!(conv(&text), reference(&text));
        }
    }

    #[test]
    fn override_file_syntax_errors_name_the_line() {
        let err = parse_overrides_str("# c\n乾隆 乾隆\nbad line here\n", "x.txt").unwrap_err();
        assert_eq!(
            err.to_string(),
            "x.txt:3: expected `TRADITIONAL<TAB or space>SIMPLIFIED`, found \"bad line here\""
        );
    }
}
