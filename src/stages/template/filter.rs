//! Which rules could match a line, told from the ends of the raw line, before its key is
//! computed.
//!
//! A key costs a tag pass, annotation stripping and a conversion, and most lines the stage
//! looks at are body text that no rule matches. But rules are anchored (`^…$`), and an anchored
//! rule says which characters a key can start and end with (`^下载本文档$`: `下`…`档`;
//! `^(?P<title>.+?)_第\d+页$`: anything…`页`). The ends of a line's key can be told from the
//! raw line:
//!
//! - key making only ever cuts `<…>` tags and `(…)` annotations out of a line, so the line's
//!   first visible character (after leading tags and whitespace) is the key's (an annotation
//!   needs a character before it); so is its last, unless it closes an annotation: then the
//!   annotated character before it may end the key instead, and both are candidates; a line
//!   of tags alone has an empty key;
//! - conversion turns the first and last characters into the first and last of some table
//!   value, and width folding turns `，` into `,`: each rule's character sets are widened to
//!   every raw character that can become one of theirs (`頁` for `页`).
//!
//! A line goes on to its key and the rules only when some rule accepts both of its ends, and
//! then only to those rules. The filter only rules out a rule that cannot match; when it cannot
//! tell (an unanchored rule, a tag among trailing annotations, a conversion table with
//! whitespace in it) it lets the line through to every rule, so the stage's results are
//! exactly those of keying every line (a property test in the stage checks this).

use regex_syntax::hir::{Class, ClassUnicode, ClassUnicodeRange, Hir, HirKind, Look};

use crate::chars::{halfwidth, CharSet};
use crate::converter::Converter;
use crate::stages::ruby;

/// What a raw line tells of the ends of its key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Ends {
    /// The key is empty: the line holds whitespace and dropped tags only.
    Empty,
    /// The key starts with what `first` becomes and ends with what `last` or `annotated`
    /// becomes.
    Chars {
        first: char,
        last: char,
        /// When the line ends with `)` or `）`: the character stripping the trailing annotations would
        /// leave last instead (`頁` in `…第2頁(yè)`).
        annotated: Option<char>,
    },
}

/// The ends of the key of a line, given trimmed of whitespace, as raw characters (see the
/// module doc); `None` when the line does not tell them cheaply (a tag in among or right
/// before trailing annotations).
pub(super) fn ends(trimmed: &str) -> Option<Ends> {
    let mut s = trimmed;
    // Formatting tags around a line go before keying (`<p><b>文档简介</b></p>`).
    while s.starts_with('<') {
        match memchr::memchr(b'>', s.as_bytes()) {
            Some(gt) if super::key::is_dropped_tag(&s[..=gt]) => s = s[gt + 1..].trim_start(),
            _ => break,
        }
    }
    while s.ends_with('>') {
        match memchr::memrchr(b'<', s.as_bytes()) {
            Some(lt) if super::key::is_dropped_tag(&s[lt..]) => s = s[..lt].trim_end(),
            _ => break,
        }
    }
    // A `(` first stays: no character precedes it for it to annotate.
    let Some(first) = s.chars().next() else {
        return Some(Ends::Empty);
    };
    let last = s.chars().next_back().unwrap_or(first);
    let annotated = if last == ')' || last == '）' {
        annotated_before(s)?
    } else {
        None
    };
    Some(Ends::Chars {
        first,
        last,
        annotated,
    })
}

/// For a line `s` that ends with `)` or `）`: the character that ends it once the trailing run of
/// `(…)` groups is stripped as annotations (`Some(None)` when the run cannot be annotations);
/// `None` when a tag sits in the run or right before it, so that the character the
/// annotations follow may not be the one on the line.
///
/// An annotation is removed only right after a character it can annotate or after another
/// removed annotation, and holds no bracket; so the candidates are the `)` itself (nothing
/// removed) and the character before the whole run.
fn annotated_before(s: &str) -> Option<Option<char>> {
    let mut rest = s;
    loop {
        let Some(open) = rest.rfind(['(', '（']) else {
            return Some(None);
        };
        if memchr::memchr2(b'<', b'>', &rest.as_bytes()[open..]).is_some() {
            return None;
        }
        rest = &rest[..open];
        match rest.chars().next_back() {
            Some(')' | '）') => continue,
            Some('>') => return None,
            Some(c) if ruby::may_precede(c) => return Some(Some(c)),
            _ => return Some(None),
        }
    }
}

/// What conversion and width folding can make of a line's end characters: pairs (character
/// of the key, raw character it can come from) for the first and for the last character of
/// table values, sorted by key character.
#[derive(Debug)]
pub(super) struct Folds {
    firsts: Vec<(char, char)>,
    lasts: Vec<(char, char)>,
}

impl Folds {
    /// `None` when a table entry breaks what [`ends`] relies on: an empty value, or whitespace
    /// in a key or value (a key's ends would then depend on more than the line's ends).
    pub(super) fn new(converter: &Converter) -> Option<Self> {
        let mut ok = true;
        let mut firsts = Vec::new();
        let mut lasts = Vec::new();
        converter.for_each_entry(|key, value| {
            let (Some(kf), Some(kl), Some(vf), Some(vl)) = (
                key.chars().next(),
                key.chars().next_back(),
                value.chars().next(),
                value.chars().next_back(),
            ) else {
                ok = false;
                return;
            };
            if key.chars().chain(value.chars()).any(char::is_whitespace) {
                ok = false;
            }
            firsts.push((halfwidth(vf), kf));
            lasts.push((halfwidth(vl), kl));
        });
        for v in [&mut firsts, &mut lasts] {
            v.sort_unstable();
            v.dedup();
        }
        ok.then_some(Folds { firsts, lasts })
    }

    /// Whether a key whose line starts with the raw character `raw` may start with `c`.
    pub(super) fn may_start(&self, raw: char, c: char) -> bool {
        halfwidth(raw) == c || self.firsts.binary_search(&(c, raw)).is_ok()
    }
}

/// The characters one end of a key may hold for a rule to match.
#[derive(Debug, Clone)]
enum Chars {
    Any,
    Set(ClassUnicode),
}

/// A class this large rejects next to nothing, and widening it would cost more than it saves.
const MAX_CLASS_CHARS: u32 = 0x10000;

impl Chars {
    fn union(&mut self, other: Chars) {
        match (&mut *self, other) {
            (Chars::Set(a), Chars::Set(b)) => a.union(&b),
            (_, _) => *self = Chars::Any,
        }
    }

    fn empty() -> Chars {
        Chars::Set(ClassUnicode::empty())
    }

    /// The raw characters that can become one of these at a key's end (`folds`: pairs of
    /// [`Folds`] for that end).
    fn raw(self, folds: &[(char, char)]) -> Chars {
        let Chars::Set(class) = self else {
            return Chars::Any;
        };
        let size: u32 = class
            .ranges()
            .iter()
            .map(|r| r.end() as u32 - r.start() as u32 + 1)
            .sum();
        if size > MAX_CLASS_CHARS {
            return Chars::Any;
        }
        let mut extra = Vec::new();
        for r in class.ranges() {
            // Full-width forms of the ASCII in the set (`，` for `,`).
            let (lo, hi) = (r.start().max('!'), r.end().min('~'));
            if lo <= hi {
                let wide = |c: char| char::from_u32(c as u32 + 0xFEE0).expect("full-width form");
                extra.push(ClassUnicodeRange::new(wide(lo), wide(hi)));
            }
            // Table keys whose value ends in the set.
            let from = folds.partition_point(|&(k, _)| k < r.start());
            extra.extend(
                folds[from..]
                    .iter()
                    .take_while(|&&(k, _)| k <= r.end())
                    .map(|&(_, raw)| ClassUnicodeRange::new(raw, raw)),
            );
        }
        let mut raw = class;
        raw.union(&ClassUnicode::new(extra));
        Chars::Set(raw)
    }
}

/// The characters a non-empty match of `hir` can start with (or end with, when `last`).
fn edge_chars(hir: &Hir, last: bool) -> Chars {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => Chars::empty(),
        HirKind::Literal(lit) => match std::str::from_utf8(&lit.0) {
            Ok(s) => {
                let c = if last {
                    s.chars().next_back()
                } else {
                    s.chars().next()
                };
                Chars::Set(ClassUnicode::new(c.map(|c| ClassUnicodeRange::new(c, c))))
            }
            Err(_) => Chars::Any,
        },
        HirKind::Class(Class::Unicode(class)) => Chars::Set(class.clone()),
        HirKind::Class(Class::Bytes(_)) => Chars::Any,
        HirKind::Repetition(rep) => edge_chars(&rep.sub, last),
        HirKind::Capture(cap) => edge_chars(&cap.sub, last),
        HirKind::Concat(items) => {
            let mut chars = Chars::empty();
            let order: Vec<&Hir> = if last {
                items.iter().rev().collect()
            } else {
                items.iter().collect()
            };
            // Up to the first item that cannot match empty: the ones before it may be skipped.
            for item in order {
                chars.union(edge_chars(item, last));
                if item.properties().minimum_len() != Some(0) {
                    break;
                }
            }
            chars
        }
        HirKind::Alternation(alts) => {
            let mut chars = Chars::empty();
            for alt in alts {
                chars.union(edge_chars(alt, last));
            }
            chars
        }
    }
}

/// The characters a key must start and end with for `pattern` to match it. An end that is not
/// anchored, or a pattern that matches the empty string, constrains nothing.
fn key_ends(pattern: &str) -> (Chars, Chars) {
    let Ok(hir) = regex_syntax::parse(pattern) else {
        return (Chars::Any, Chars::Any);
    };
    let props = hir.properties();
    if props.minimum_len() == Some(0) {
        return (Chars::Any, Chars::Any);
    }
    let first = if props.look_set_prefix().contains(Look::Start) {
        edge_chars(&hir, false)
    } else {
        Chars::Any
    };
    let last = if props.look_set_suffix().contains(Look::End) {
        edge_chars(&hir, true)
    } else {
        Chars::Any
    };
    (first, last)
}

/// A set of rules, bit `i` for rule `i` (numbered across all sites).
pub(super) type Rules = u128;

/// For each character, the rules (bits) whose set holds it: a sorted table of intervals, and
/// for the BMP a direct answer.
#[derive(Debug)]
struct RuleChars {
    /// Interval starts, ascending, the first one 0.
    starts: Vec<u32>,
    masks: Vec<Rules>,
    /// The rules that accept any character.
    any: Rules,
    /// A bit per BMP character: whether a rule's set names it. Most characters of a page are
    /// named by none, and their rules are `any`.
    named: CharSet,
    /// `named_before[w]`: how many characters below `64 * w` are named.
    named_before: Box<[u32]>,
    /// The rules of each named BMP character, in code point order.
    named_masks: Vec<Rules>,
}

impl RuleChars {
    /// Rule `i` (bit `i`) accepts `sets[i]`.
    fn new(sets: &[Chars]) -> Self {
        let mut starts = vec![0u32];
        for set in sets {
            if let Chars::Set(class) = set {
                for r in class.ranges() {
                    starts.push(r.start() as u32);
                    starts.push(r.end() as u32 + 1);
                }
            }
        }
        starts.sort_unstable();
        starts.dedup();
        let mut masks = vec![0; starts.len()];
        let mut any = 0;
        let mut named = CharSet::default();
        for (i, set) in sets.iter().enumerate() {
            let bit: Rules = 1 << i;
            match set {
                Chars::Any => {
                    any |= bit;
                    masks.iter_mut().for_each(|m| *m |= bit);
                }
                Chars::Set(class) => {
                    for r in class.ranges() {
                        for c in r.start() as u32..=(r.end() as u32).min(0xFFFF) {
                            if let Some(ch) = char::from_u32(c) {
                                named.insert(ch);
                            }
                        }
                        let from = starts.partition_point(|&s| s < r.start() as u32);
                        for (s, m) in starts[from..].iter().zip(&mut masks[from..]) {
                            if *s > r.end() as u32 {
                                break;
                            }
                            *m |= bit;
                        }
                    }
                }
            }
        }
        let mut named_before = Vec::with_capacity(named.bmp_words().len());
        let mut named_masks = Vec::new();
        for (w, &word) in named.bmp_words().iter().enumerate() {
            named_before.push(named_masks.len() as u32);
            for b in (0..64).filter(|b| word & (1 << b) != 0) {
                let c = (w * 64 + b) as u32;
                named_masks.push(masks[starts.partition_point(|&s| s <= c) - 1]);
            }
        }
        RuleChars {
            starts,
            masks,
            any,
            named,
            named_before: named_before.into_boxed_slice(),
            named_masks,
        }
    }

    fn get(&self, c: char) -> Rules {
        let c = c as u32;
        if c < 0x10000 {
            let (w, bit) = (c as usize / 64, 1u64 << (c % 64));
            let word = self.named.bmp_words().get(w).copied().unwrap_or(0);
            if word & bit == 0 {
                return self.any;
            }
            let rank = self.named_before[w] + (word & (bit - 1)).count_ones();
            return self.named_masks[rank as usize];
        }
        self.masks[self.starts.partition_point(|&s| s <= c) - 1]
    }
}

/// The filter over every site's rules: which rules accept a key starting, and ending, with
/// each raw character. One look at a line's ends serves all sites.
#[derive(Debug)]
pub(super) struct RuleFilter {
    first: RuleChars,
    last: RuleChars,
}

impl RuleFilter {
    /// The filter for `patterns`, the rules of all sites (rule `i` is bit `i`); `None` when
    /// there are more than a [`Rules`] mask holds, and every line then goes to the rules.
    pub(super) fn new(patterns: &[&str], folds: &Folds) -> Option<Self> {
        if patterns.len() > Rules::BITS as usize {
            return None;
        }
        let (firsts, lasts): (Vec<Chars>, Vec<Chars>) = patterns
            .iter()
            .map(|p| {
                let (first, last) = key_ends(p);
                (first.raw(&folds.firsts), last.raw(&folds.lasts))
            })
            .unzip();
        Some(RuleFilter {
            first: RuleChars::new(&firsts),
            last: RuleChars::new(&lasts),
        })
    }

    /// The rules that may match a non-empty key with these ends.
    pub(super) fn candidates(&self, ends: &Ends) -> Rules {
        match *ends {
            Ends::Empty => 0,
            Ends::Chars {
                first,
                last,
                annotated,
            } => {
                let last = self.last.get(last) | annotated.map_or(0, |c| self.last.get(c));
                self.first.get(first) & last
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(first: char, last: char, annotated: Option<char>) -> Option<Ends> {
        Some(Ends::Chars {
            first,
            last,
            annotated,
        })
    }

    fn ends(line: &str) -> Option<Ends> {
        super::ends(line.trim())
    }

    #[test]
    fn ends_look_past_tags_and_trailing_annotations() {
        assert_eq!(ends("  文档简介 "), e('文', '介', None));
        assert_eq!(ends("<p><b>文檔簡(jiǎn)介</b></p>"), e('文', '介', None));
        assert_eq!(ends("標題_第2頁(yè)"), e('標', ')', Some('頁')));
        assert_eq!(ends("經(jīng)(jīng)"), e('經', ')', Some('經')));
        assert_eq!(ends("f(x)"), e('f', ')', Some('f')));
        assert_eq!(ends("標題_第2頁（yè）"), e('標', '）', Some('頁')));
        // Nothing an annotation can follow: the brackets stay.
        assert_eq!(ends("見 (P239)"), e('見', ')', None));
        assert_eq!(ends("![a](b)"), e('!', ')', None));
        assert_eq!(ends("(jīng)經"), e('(', '經', None));
        assert_eq!(ends("<p></p> <br/>"), Some(Ends::Empty));
        // Kept tags are part of the key.
        assert_eq!(ends("<image>![x](y)</image>"), e('<', '>', None));
        assert_eq!(ends("a <img src=x>"), e('a', '>', None));
        assert_eq!(ends("x < y > z"), e('x', 'z', None));
    }

    #[test]
    fn ends_are_unknown_when_the_line_does_not_tell() {
        for line in ["經<b>(jīng)", "經(jīng<i>)", "經(jīng)<b>(jīng)"] {
            assert_eq!(ends(line), None, "{line:?}");
        }
    }

    fn filter(patterns: &[&str]) -> RuleFilter {
        RuleFilter::new(patterns, &Folds::new(&Converter::new()).unwrap()).unwrap()
    }

    #[test]
    fn anchored_rules_pin_the_ends() {
        let f = filter(&[
            "^下载本文档$",
            r"^(?P<title>.+?)_第\d+页$",
            r"^\d+\. ?\S.*$",
        ]);
        let may = |line: &str| f.candidates(&ends(line).unwrap()) != 0;
        assert!(may("下載本文檔"));
        assert!(may("<b>下载本文档</b>"));
        assert!(may("什么_第1頁"));
        assert!(may("什么_第1頁(yè)"));
        assert!(may("１. 條目"));
        assert!(may("3、正文"), "starts with a digit: the item rule decides");
        assert!(!may("下载之后的正文。"));
        assert!(!may("正文第一段"));
    }

    #[test]
    fn direct_answers_agree_with_the_intervals() {
        let f = filter(&[
            r"^\d+\.$",
            "^下载本文档$",
            r"^(?P<title>.+?)_第\d+页$",
            "^[a-z]",
        ]);
        for table in [&f.first, &f.last] {
            for c in ('\0'..='\u{2FFFF}')
                .step_by(7)
                .chain(['下', '頁', '页', '9', '\u{FF19}'])
            {
                let by_interval = table.masks[table.starts.partition_point(|&s| s <= c as u32) - 1];
                assert_eq!(table.get(c), by_interval, "{c:?}");
            }
        }
    }

    #[test]
    fn unanchored_or_empty_matching_rules_let_every_line_through() {
        for p in ["下载", "^a*$", "(?m)^x$", "^.*$", "^x|y$"] {
            let f = filter(&[p]);
            assert!(f.candidates(&ends("正文").unwrap()) != 0, "{p}");
        }
    }
}
