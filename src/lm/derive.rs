//! The language model's tables, derived from the word list `data/lm/words.bin` and the
//! running-text pair counts `data/lm/pairs.bin`.
//!
//! `build.rs` runs this once per build and writes the result (`lm.tables` in `OUT_DIR`) for
//! [`crate::lm`] to load: deriving the tables takes about a million hash-map updates, some
//! 70 ms at every start of the program (2 % of a 10,000-page run), while loading them takes
//! a few. The file is shared with `build.rs` (`#[path]`), so it uses nothing of the crate.
//!
//! `words.bin` (little-endian): `ZHLW` `01`, `u32` word count, then per word (sorted by UTF-8
//! bytes) a `u8` count of bytes shared with the previous word, a `u8` length of the rest, the
//! rest, and a `u8` cost `-ln(freq / total)` in tenths of a nat.
//!
//! `pairs.bin`: see `scripts/build_lm_pairs.py` (counts of adjacent Han characters in running
//! prose, as LEB128 varints).
//!
//! `triples.bin`: see `scripts/build_lm_triples.py` (counts of runs of three Han characters in
//! the same prose, by their first two).
//!
//! `lm.tables` ([`encode`]; little-endian): `ZHLT` `02`; `u32` count, then per character by id
//! its `u32` code point and `f32` unigram and isolation costs; `u32` count, then per attested
//! pair its `u32` [`pair_key`] and `f32` conditional cost, by key; the same for the pairs of
//! running text; `u32` count, then per word a `u8` length, its UTF-8 bytes and its `f32` cost,
//! in the word list's order.
//!
//! `lm.triples` ([`encode_triples`]; little-endian), kept apart so that a program that never
//! asks for a trigram never loads them: `ZHL3` `01`; `u32` count of characters, then by id
//! each one's `f32` share as a clause opener ([`Tables::starts`]); `u32` count of contexts,
//! then per context its `u32` [`pair_key`] (by key) and the `u32` index after its last
//! continuation; `u32` count of continuations, then each one's `u16` id (ascending within a
//! context), then each one's conditional cost in a `u8`, in steps of 1/16 nat
//! ([`TRIPLE_STEPS`]), in the same order.

use rustc_hash::FxHashMap as HashMap;

/// What the model is made of.
#[derive(Debug, PartialEq)]
pub struct Tables {
    /// Every word and its cost, in the word list's order.
    pub words: Vec<(String, f32)>,
    /// By id (unigram cost order, then code point): the character, its unigram cost and its
    /// isolation cost, in nats.
    pub chars: Vec<(char, f32, f32)>,
    /// Attested pairs of ids ([`pair_key`]) and their conditional costs `-ln P(b | a)`, by key.
    pub pairs: Vec<(u32, f32)>,
    /// Pairs of ids seen in running text (`pairs.bin`; both characters in `chars`) and their
    /// conditional costs `-ln P(b | a)` there, by key.
    pub run_pairs: Vec<(u32, f32)>,
    /// Running-text trigrams (`triples.bin`; all three characters in `chars`, the first two a
    /// pair of `pairs` or `run_pairs`): the context pair of ids ([`pair_key`]), the third id
    /// and its conditional cost `-ln P(c | a b)`, by context then third id.
    pub triples: Vec<(u32, u16, f32)>,
    /// By id: how much likelier the character is to open a clause than to occur at all in
    /// running text, `P(c | a clause opens) / P(c)` (`triples.bin`; 0 for one never seen
    /// opening a clause).
    pub starts: Vec<f32>,
}

/// A pair of character ids as one key.
pub fn pair_key(a: u16, b: u16) -> u32 {
    (u32::from(a) << 16) | u32::from(b)
}

/// Derives the tables from `words.bin`, `pairs.bin` and `triples.bin`; `None` when one is
/// malformed.
pub fn derive(d: &[u8], run: &[u8], tri: &[u8]) -> Option<Tables> {
    if d.get(..5)? != b"ZHLW\x01" {
        return None;
    }
    let n = u32::from_le_bytes(d.get(5..9)?.try_into().ok()?) as usize;
    let mut pos = 9;
    let mut prev: Vec<u8> = Vec::new();
    let mut words = Vec::with_capacity(n);
    // `uni` is summed in its map's order below, so it is built exactly as it always was
    // (the costs' last bits depend on the order of that sum).
    let mut uni: HashMap<char, f64> = HashMap::default();
    let mut single: HashMap<char, f64> = HashMap::with_capacity_and_hasher(n, Default::default());
    let mut pair: HashMap<(char, char), f64> =
        HashMap::with_capacity_and_hasher(2 * n, Default::default());
    let mut cs: Vec<char> = Vec::new();
    for _ in 0..n {
        let shared = usize::from(*d.get(pos)?);
        let len = usize::from(*d.get(pos + 1)?);
        let rest = d.get(pos + 2..pos + 2 + len)?;
        let cost = f32::from(*d.get(pos + 2 + len)?) / 10.0;
        pos += 3 + len;
        prev.truncate(shared);
        prev.extend_from_slice(rest);
        let w = std::str::from_utf8(&prev).ok()?;
        let f = f64::from(-cost).exp();
        cs.clear();
        cs.extend(w.chars());
        for &c in &cs {
            *uni.entry(c).or_default() += f;
        }
        if let [c] = cs[..] {
            *single.entry(c).or_default() += f;
        }
        for ab in cs.windows(2) {
            *pair.entry((ab[0], ab[1])).or_default() += f;
        }
        words.push((w.to_string(), cost));
    }
    let total: f64 = uni.values().sum();
    let mut chars: Vec<(char, f32, f32)> = uni
        .iter()
        .map(|(&c, &f)| {
            let iso = single.get(&c).copied().unwrap_or(0.0).max(f * 1e-4) / f;
            (c, (-(f / total).ln()) as f32, (-iso.ln()) as f32)
        })
        .collect();
    // Ids by cost then character: the common characters get the ids the bit matrix covers.
    chars.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    // Ids are `u16` and 1 + id must fit too.
    if chars.len() >= usize::from(u16::MAX) {
        return None;
    }
    let ids: HashMap<char, u16> = chars
        .iter()
        .enumerate()
        .map(|(id, &(c, _, _))| (c, id as u16))
        .collect();
    let mut pairs: Vec<(u32, f32)> = pair
        .into_iter()
        .map(|((a, b), f)| (pair_key(ids[&a], ids[&b]), (-(f / uni[&a]).ln()) as f32))
        .collect();
    pairs.sort_unstable_by_key(|&(k, _)| k);
    let run_pairs = running_pairs(run, &ids)?;
    let (mut triples, starts) = running_triples(tri, &ids)?;
    // A context is found through its pair (`Lm::pair`): one the bigram tables lack (seen
    // once in running text, in no word) could never be asked for.
    let is_pair = |k: &u32| {
        pairs.binary_search_by_key(k, |p| p.0).is_ok()
            || run_pairs.binary_search_by_key(k, |p| p.0).is_ok()
    };
    triples.retain(|t| is_pair(&t.0));
    Some(Tables {
        words,
        chars,
        pairs,
        run_pairs,
        triples,
        starts,
    })
}

/// A LEB128 varint at `*pos`.
fn varint(d: &[u8], pos: &mut usize) -> Option<u64> {
    let mut n = 0u64;
    for shift in (0..64).step_by(7) {
        let b = *d.get(*pos)?;
        *pos += 1;
        n |= u64::from(b & 0x7F) << shift;
        if b & 0x80 == 0 {
            return Some(n);
        }
    }
    None
}

/// The next pair `(a, b)` of a list sorted by pair, as the build scripts write it after the
/// pair `(a, b)` before it: `a`'s increase, then `b`'s increase when `a` is the same, else `b`.
fn next_pair(d: &[u8], pos: &mut usize, (a, b): (usize, usize)) -> Option<(usize, usize)> {
    let da = usize::try_from(varint(d, pos)?).ok()?;
    let nb = usize::try_from(varint(d, pos)?).ok()?;
    Some(if da == 0 { (a, b + nb) } else { (a + da, nb) })
}

/// The running-text pairs of `pairs.bin` whose characters both have ids, with their costs.
fn running_pairs(d: &[u8], ids: &HashMap<char, u16>) -> Option<Vec<(u32, f32)>> {
    if d.get(..5)? != b"ZHLP\x01" {
        return None;
    }
    let n = u32::from_le_bytes(d.get(5..9)?.try_into().ok()?) as usize;
    let mut pos = 9;
    let mut chars = Vec::with_capacity(n);
    let mut cp = 0u64;
    for _ in 0..n {
        cp += varint(d, &mut pos)?;
        let left = varint(d, &mut pos)?;
        chars.push((char::from_u32(u32::try_from(cp).ok()?)?, left));
    }
    let n = u32::from_le_bytes(d.get(pos..pos + 4)?.try_into().ok()?) as usize;
    pos += 4;
    let mut out = Vec::with_capacity(n);
    let (mut a, mut b) = (0usize, 0usize);
    for _ in 0..n {
        (a, b) = next_pair(d, &mut pos, (a, b))?;
        let count = varint(d, &mut pos)?;
        let ((ca, left), (cb, _)) = (*chars.get(a)?, *chars.get(b)?);
        if let (Some(&ia), Some(&ib)) = (ids.get(&ca), ids.get(&cb)) {
            let cost = -(count as f64 / left.max(count) as f64).ln();
            out.push((pair_key(ia, ib), cost as f32));
        }
    }
    if pos != d.len() {
        return None;
    }
    out.sort_unstable_by_key(|&(k, _)| k);
    Some(out)
}

/// The trigrams of `triples.bin` whose characters all have ids, with their costs, and the
/// share of each id among clause openers ([`Tables::starts`]).
type Triples = (Vec<(u32, u16, f32)>, Vec<f32>);

/// [`Triples`] from `triples.bin`.
fn running_triples(d: &[u8], ids: &HashMap<char, u16>) -> Option<Triples> {
    if d.get(..5)? != b"ZHL3\x01" {
        return None;
    }
    let n = u32::from_le_bytes(d.get(5..9)?.try_into().ok()?) as usize;
    let mut pos = 9;
    let mut chars = Vec::with_capacity(n);
    let mut starts = vec![(0u64, 1u64); ids.len()];
    let (mut opened, mut total) = (0u64, 0u64);
    let mut cp = 0u64;
    for _ in 0..n {
        cp += varint(d, &mut pos)?;
        let id = ids.get(&char::from_u32(u32::try_from(cp).ok()?)?).copied();
        let (start, seen) = (varint(d, &mut pos)?, varint(d, &mut pos)?);
        opened += start;
        total += seen;
        if let Some(id) = id {
            starts[usize::from(id)] = (start, seen.max(1));
        }
        chars.push(id);
    }
    let share = |n: u64, of: u64| n as f64 / of.max(1) as f64;
    let starts = (starts.iter())
        .map(|&(start, seen)| (share(start, opened) / share(seen, total)) as f32)
        .collect();
    let n = u32::from_le_bytes(d.get(pos..pos + 4)?.try_into().ok()?) as usize;
    pos += 4;
    let mut out = Vec::new();
    let (mut a, mut b) = (0usize, 0usize);
    for _ in 0..n {
        (a, b) = next_pair(d, &mut pos, (a, b))?;
        let total = varint(d, &mut pos)?;
        let (ia, ib) = (*chars.get(a)?, *chars.get(b)?);
        let mut c = 0usize;
        for _ in 0..varint(d, &mut pos)? {
            c += usize::try_from(varint(d, &mut pos)?).ok()?;
            let count = varint(d, &mut pos)?;
            if let (Some(ia), Some(ib), Some(ic)) = (ia, ib, *chars.get(c)?) {
                let cost = -(count as f64 / total.max(count) as f64).ln();
                // In steps of 1/16 nat (`lm.triples` keeps a byte), at most 255 of them.
                let steps = (cost * TRIPLE_STEPS).round().min(255.0);
                out.push((pair_key(ia, ib), ic, (steps / TRIPLE_STEPS) as f32));
            }
        }
    }
    if pos != d.len() {
        return None;
    }
    out.sort_unstable_by_key(|&(k, c, _)| (k, c));
    Some((out, starts))
}

/// A trigram's cost is kept in steps of `1 / TRIPLE_STEPS` nat, in one byte.
pub const TRIPLE_STEPS: f64 = 16.0;

/// The trigrams of `tables` as `lm.triples` (see the module doc).
pub fn encode_triples(tables: &Tables) -> Vec<u8> {
    let mut out = b"ZHL3\x01".to_vec();
    let count = |out: &mut Vec<u8>, n: usize| {
        out.extend_from_slice(&u32::try_from(n).expect("count fits u32").to_le_bytes())
    };
    count(&mut out, tables.starts.len());
    for cost in &tables.starts {
        out.extend_from_slice(&cost.to_le_bytes());
    }
    let t = &tables.triples;
    let ends: Vec<usize> = (1..=t.len())
        .filter(|&i| i == t.len() || t[i].0 != t[i - 1].0)
        .collect();
    count(&mut out, ends.len());
    for &end in &ends {
        out.extend_from_slice(&t[end - 1].0.to_le_bytes());
        count(&mut out, end);
    }
    count(&mut out, t.len());
    for &(_, c, _) in t {
        out.extend_from_slice(&c.to_le_bytes());
    }
    for &(_, _, cost) in t {
        out.push((f64::from(cost) * TRIPLE_STEPS).round() as u8);
    }
    out
}

/// `tables` as `lm.tables` (see the module doc).
pub fn encode(tables: &Tables) -> Vec<u8> {
    let mut out = b"ZHLT\x02".to_vec();
    let count = |out: &mut Vec<u8>, n: usize| {
        out.extend_from_slice(&u32::try_from(n).expect("count fits u32").to_le_bytes())
    };
    count(&mut out, tables.chars.len());
    for &(c, uni, iso) in &tables.chars {
        out.extend_from_slice(&u32::from(c).to_le_bytes());
        out.extend_from_slice(&uni.to_le_bytes());
        out.extend_from_slice(&iso.to_le_bytes());
    }
    for pairs in [&tables.pairs, &tables.run_pairs] {
        count(&mut out, pairs.len());
        for &(key, cost) in pairs {
            out.extend_from_slice(&key.to_le_bytes());
            out.extend_from_slice(&cost.to_le_bytes());
        }
    }
    count(&mut out, tables.words.len());
    for (w, cost) in &tables.words {
        out.push(u8::try_from(w.len()).expect("a word is under 256 bytes"));
        out.extend_from_slice(w.as_bytes());
        out.extend_from_slice(&cost.to_le_bytes());
    }
    out
}
