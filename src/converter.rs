//! Traditional (Taiwan-style) to simplified Chinese conversion, OpenCC `tw2s` semantics.
//!
//! The tables are OpenCC's dictionaries (`data/opencc/`, Apache-2.0) folded by `build.rs` into
//! one leftmost-longest Aho-Corasick automaton (daachorse) that is embedded in the binary: no
//! file is read at run time, and start-up is one deserialisation of a few hundred KB.
//!
//! Guarantees:
//! - already-simplified text comes back unchanged (`什么` `坏` `干部` `后来`), and unchanged text
//!   is not copied (`Cow::Borrowed`);
//! - `data/overrides.txt` and the user's own overrides win over the OpenCC tables;
//! - conversion is a pure function of the text: no state, `Send + Sync`.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::Path;

use daachorse::{CharwiseDoubleArrayAhoCorasick, CharwiseDoubleArrayAhoCorasickBuilder, MatchKind};

/// The folded dictionary, `key\tvalue` per line, in pattern-id order.
static DICT: &str = include_str!(concat!(env!("OUT_DIR"), "/convert.dict"));
/// The automaton over `DICT`'s keys, serialised at build time.
static AUTOMATON: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/convert.daac"));

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
    #[error("building the conversion automaton: {0}")]
    Build(String),
}

/// A traditional-to-simplified converter. Build it once and share it between threads.
pub struct Converter {
    pma: CharwiseDoubleArrayAhoCorasick<u32>,
    /// Replacement for each pattern id; `None` where the key maps to itself (a protected
    /// phrase that only exists to stop shorter matches inside it).
    values: Vec<Option<Box<str>>>,
}

impl std::fmt::Debug for Converter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Converter")
            .field("entries", &self.values.len())
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
        let (pma, rest) = CharwiseDoubleArrayAhoCorasick::<u32>::deserialize(AUTOMATON)
            .expect("embedded automaton is valid: it was built by build.rs");
        debug_assert!(rest.is_empty());
        let values = builtin_entries()
            .map(|(k, v)| (k != v).then(|| v.into()))
            .collect();
        Converter { pma, values }
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
        let pma = CharwiseDoubleArrayAhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .build_with_values(entries.keys().enumerate().map(|(i, k)| (*k, i as u32)))
            .map_err(|e| OverrideError::Build(e.to_string()))?;
        let values = entries
            .iter()
            .map(|(k, v)| (k != v).then(|| (*v).into()))
            .collect();
        Ok(Converter { pma, values })
    }

    /// Converts `text`; borrows it back when nothing changes.
    pub fn convert<'a>(&self, text: &'a str) -> Cow<'a, str> {
        self.convert_counted(text).0
    }

    /// Converts `text` and counts the replacements made.
    pub fn convert_counted<'a>(&self, text: &'a str) -> (Cow<'a, str>, usize) {
        // Every key holds a non-ASCII character, so ASCII text has nothing to match.
        if text.is_ascii() {
            return (Cow::Borrowed(text), 0);
        }
        let mut out = String::new();
        let mut last = 0;
        let mut count = 0;
        for m in self.pma.leftmost_find_iter(text) {
            let Some(v) = &self.values[m.value() as usize] else {
                continue;
            };
            if out.is_empty() {
                out.reserve(text.len());
            }
            out.push_str(&text[last..m.start()]);
            out.push_str(v);
            last = m.end();
            count += 1;
        }
        if count == 0 {
            return (Cow::Borrowed(text), 0);
        }
        out.push_str(&text[last..]);
        (Cow::Owned(out), count)
    }
}

fn builtin_entries() -> impl Iterator<Item = (&'static str, &'static str)> {
    DICT.lines()
        .map(|l| l.split_once('\t').expect("build.rs writes KEY\\tVALUE"))
}

/// Parses a user override file: plain text, one `TRADITIONAL SIMPLIFIED` pair per line
/// (separated by a tab or spaces), `#` comments and blank lines ignored.
pub fn parse_overrides(path: &Path) -> Result<BTreeMap<String, String>, OverrideError> {
    let text = std::fs::read_to_string(path).map_err(|source| OverrideError::Io {
        path: path.display().to_string(),
        source,
    })?;
    parse_overrides_str(&text, &path.display().to_string())
}

/// The parser behind [`parse_overrides`]; `origin` names the source in errors.
pub fn parse_overrides_str(
    text: &str,
    origin: &str,
) -> Result<BTreeMap<String, String>, OverrideError> {
    let mut map = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut parts = line.split(['\t', ' ']).filter(|p| !p.is_empty());
        match (parts.next(), parts.next(), parts.next()) {
            (Some(k), Some(v), None) => {
                map.insert(k.to_string(), v.to_string());
            }
            _ => {
                return Err(OverrideError::Syntax {
                    path: origin.to_string(),
                    line: n + 1,
                    text: line.to_string(),
                })
            }
        }
    }
    Ok(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conv(s: &str) -> String {
        Converter::new().convert(s).into_owned()
    }

    #[test]
    fn taiwan_forms_come_back_as_mainland() {
        for (t, s) in [
            ("為", "为"),
            ("著", "着"),
            ("臺", "台"),
            ("裡", "里"),
            ("管不著", "管不着"),
            ("推進經濟發達鎮", "推进经济发达镇"),
            ("乾淨", "干净"),
            ("顯著", "显著"),
            ("什麼", "什么"),
        ] {
            assert_eq!(conv(t), s, "{t}");
        }
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
        for (t, s) in [
            ("乾隆", "乾隆"),
            ("乾安縣", "乾安县"),
            ("乾清宮", "乾清宫"),
            ("魏徵", "魏徵"),
        ] {
            assert_eq!(conv(t), s);
        }
    }

    #[test]
    fn user_overrides_win() {
        let mut user = BTreeMap::new();
        user.insert("發達".to_string(), "发达了".to_string());
        let c = Converter::with_overrides(&user).unwrap();
        assert_eq!(c.convert("經濟發達"), "经济发达了");
        assert_eq!(c.convert("為"), "为");
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
