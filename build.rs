//! Compiles the conversion tables in `data/` into one folded dictionary, and the language
//! model's word list into its tables (`src/lm/derive.rs`, shared with the crate).
//!
//! OpenCC's `tw2s` is a chain: Taiwan variants back (`TWVariantsRevPhrases`, `TWVariantsRev`),
//! then traditional to simplified (`TSPhrases`, `TSCharacters`), each step a forward
//! maximum match. Running two automata over every page would halve the speed, so this script
//! folds the chain into one dictionary: every key of either step (plus the spellings of step-2
//! phrases as they look *before* step 1 rewrote them) maps to what the whole chain makes of
//! that key alone. A forward maximum match over the folded dictionary (`src/converter.rs`)
//! then gives the chain's answer in one pass; the differential test in
//! `tests/converter_diff.rs` measures where the two can still differ.
//!
//! Two additions keep already-simplified text unchanged:
//! - the simplified spelling of every protected phrase is protected too (`顯著` is a key that
//!   keeps its 著, so `显著` becomes one as well), and
//! - `data/overrides.txt` wins over everything (`么` stays `么`; proper nouns).
//!
//! Output in `OUT_DIR`: `convert.dict`, the folded entries, `key\tvalue` per line, sorted by
//! key, from which `Converter` builds its lookup tables at start-up (well under a millisecond).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::env;
use std::fs;
use std::path::{Path, PathBuf};

/// The language model's derivation, shared with the crate (`src/lm.rs` loads its output).
#[path = "src/lm/derive.rs"]
mod lm_derive;

/// The reference forward maximum match (folding the tables; the converter's tests check its
/// matcher against it).
#[path = "src/fmm.rs"]
mod fmm;

/// The override format, shared with the crate's `--overrides` parser.
#[path = "src/overrides.rs"]
mod overrides;

fn main() {
    let data = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap()).join("data");
    let opencc = data.join("opencc");
    for f in [
        "TWVariantsRevPhrases.txt",
        "TWVariantsRev.txt",
        "TSPhrases.txt",
        "TSCharacters.txt",
        "CJK_Compatibility_Ideographs.txt",
    ] {
        println!("cargo:rerun-if-changed={}", opencc.join(f).display());
    }
    println!(
        "cargo:rerun-if-changed={}",
        data.join("overrides.txt").display()
    );
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=src/lm/derive.rs");
    println!("cargo:rerun-if-changed=src/fmm.rs");
    println!("cargo:rerun-if-changed=src/overrides.rs");
    for f in ["lm/words.bin", "lm/pairs.bin", "lm/triples.bin"] {
        println!("cargo:rerun-if-changed={}", data.join(f).display());
    }

    // The language model's tables (`src/lm/derive.rs`).
    let out = PathBuf::from(env::var("OUT_DIR").unwrap());
    let words = fs::read(data.join("lm/words.bin")).unwrap();
    let pairs = fs::read(data.join("lm/pairs.bin")).unwrap();
    let triples = fs::read(data.join("lm/triples.bin")).unwrap();
    let tables =
        lm_derive::derive(&words, &pairs, &triples).expect("data/lm/*.bin are well-formed");
    fs::write(out.join("lm.tables"), lm_derive::encode(&tables)).unwrap();
    fs::write(out.join("lm.triples"), lm_derive::encode_triples(&tables)).unwrap();

    let mut step1 = load(&opencc.join("TWVariantsRevPhrases.txt"));
    merge_missing(&mut step1, load(&opencc.join("TWVariantsRev.txt")));
    let mut step2 = load(&opencc.join("TSPhrases.txt"));
    merge_missing(&mut step2, load(&opencc.join("TSCharacters.txt")));
    let compat = load(&opencc.join("CJK_Compatibility_Ideographs.txt"));
    let overrides = overrides::parse(&fs::read_to_string(data.join("overrides.txt")).unwrap())
        .unwrap_or_else(|e| panic!("data/overrides.txt line {}: {:?}", e.line, e.text));

    let chain = Chain::new(&step1, &step2);
    let mut keys: BTreeSet<String> = BTreeSet::new();
    keys.extend(step1.keys().cloned());
    keys.extend(step2.keys().cloned());

    // Step-2 phrases as the raw text spells them: step 1 would have rewritten a `裡` inside
    // them to `裏` before step 2 looked, so the folded dictionary must know the `裡` spelling.
    let mut preimages: HashMap<char, Vec<char>> = HashMap::new();
    for (k, v) in &step1 {
        if let (Some(kc), Some(vc)) = (single(k), single(v)) {
            preimages.entry(vc).or_default().push(kc);
        }
    }
    for k in step2.keys().filter(|k| k.chars().count() > 1) {
        for variant in spellings(k, &preimages) {
            keys.insert(variant);
        }
    }

    let mut entries: BTreeMap<String, String> = BTreeMap::new();
    for k in &keys {
        entries.insert(k.clone(), chain.convert(k));
    }
    // Protect the simplified spelling of every phrase: the phrase exists to stop a character
    // rule inside it, and simplified text spells it the simplified way.
    let phrases: Vec<(String, String)> = entries
        .iter()
        .filter(|(k, _)| k.chars().count() > 1)
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    for (_, v) in phrases {
        if !entries.contains_key(&v) && chain.convert(&v) != v {
            entries.insert(v.clone(), v);
        }
    }
    for (k, v) in &compat {
        if single(k).is_some() {
            entries.insert(k.clone(), chain.convert(v));
        }
    }
    for (k, v) in &overrides {
        entries.insert(k.clone(), v.clone());
    }
    // A few OpenCC outputs are themselves keys (`薴`->`苧`->`苎`): run every value through the
    // folded dictionary until it stands still, so converting twice equals converting once.
    let max = entries.keys().map(|k| k.chars().count()).max().unwrap_or(1);
    let snapshot = entries.clone();
    for v in entries.values_mut() {
        for _ in 0..4 {
            let next = fmm::forward_max_match(v, |k| snapshot.get(k).map(String::as_str), max);
            if next == *v {
                break;
            }
            *v = next;
        }
    }
    // A single character that maps to itself can never block anything: drop it.
    entries.retain(|k, v| !(k == v && k.chars().count() == 1));

    let mut dict = String::new();
    for (k, v) in &entries {
        dict.push_str(k);
        dict.push('\t');
        dict.push_str(v);
        dict.push('\n');
    }
    fs::write(out.join("convert.dict"), &dict).unwrap();
}

/// Reads an OpenCC-style dictionary: `key<TAB>value[ value…]`, `#` comments. The first
/// value wins, as in OpenCC; the first occurrence of a key wins.
fn load(path: &Path) -> BTreeMap<String, String> {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut map = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (k, v) = line
            .split_once('\t')
            .unwrap_or_else(|| panic!("{}:{}: expected KEY<TAB>VALUE", path.display(), n + 1));
        let v = v.split(' ').next().unwrap_or(v);
        assert!(
            !k.is_empty() && !v.is_empty(),
            "{}:{}: empty entry",
            path.display(),
            n + 1
        );
        map.entry(k.to_string()).or_insert_with(|| v.to_string());
    }
    map
}

/// Adds the entries of `b` whose keys `a` lacks (OpenCC's short-circuit group order).
fn merge_missing(a: &mut BTreeMap<String, String>, b: BTreeMap<String, String>) {
    for (k, v) in b {
        a.entry(k).or_insert(v);
    }
}

fn single(s: &str) -> Option<char> {
    let mut it = s.chars();
    match (it.next(), it.next()) {
        (Some(c), None) => Some(c),
        _ => None,
    }
}

/// Every spelling of `phrase` with characters replaced by their step-1 preimages, capped so
/// that a phrase full of variant characters cannot explode.
fn spellings(phrase: &str, preimages: &HashMap<char, Vec<char>>) -> Vec<String> {
    let mut out = vec![String::new()];
    for c in phrase.chars() {
        let alts = preimages.get(&c);
        let mut next = Vec::new();
        for prefix in &out {
            next.push(format!("{prefix}{c}"));
            for &a in alts.into_iter().flatten() {
                next.push(format!("{prefix}{a}"));
            }
        }
        next.truncate(64);
        out = next;
    }
    out
}

/// The reference chain: two forward-maximum-matching passes, exactly as OpenCC runs them.
struct Chain<'a> {
    step1: &'a BTreeMap<String, String>,
    step2: &'a BTreeMap<String, String>,
    max1: usize,
    max2: usize,
}

impl<'a> Chain<'a> {
    fn new(step1: &'a BTreeMap<String, String>, step2: &'a BTreeMap<String, String>) -> Self {
        let max = |m: &BTreeMap<String, String>| m.keys().map(|k| k.chars().count()).max().unwrap();
        Chain {
            step1,
            step2,
            max1: max(step1),
            max2: max(step2),
        }
    }

    fn convert(&self, s: &str) -> String {
        let once = fmm::forward_max_match(s, |k| self.step1.get(k).map(String::as_str), self.max1);
        fmm::forward_max_match(&once, |k| self.step2.get(k).map(String::as_str), self.max2)
    }
}
