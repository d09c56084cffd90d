//! Stage `chunks`: removes the preview chunk markers and joins the pieces as the text ran.
//!
//! Sites of the renrendoc kind show a preview cut into chunks: the body starts with `1、`, and
//! each further chunk starts on a new line with `2、`, `3、` …, cut at arbitrary points, in the
//! middle of words and numbers (`加速20` | `05年`, `discoun` | `ts`). The stage acts when the
//! `template` stage recognised such a site and the body starts with `1、`: a document's own
//! list numbering (`分为：\n1、孤立系统`) never starts the body of a chunked page. A page saved
//! without its site template must show the cuts itself (see `looks_cut`). Lines a mirror host
//! put above the site's head stay as they are (learned boilerplate removes them later): the
//! chunks start where the head ended.
//!
//! Inside the body a marker and a document's own numbered paragraph look alike (`\n\n2、`).
//! The page is decided as a whole (`markers`): the markers are the sequence 2, 3, … K that
//! best explains the numbered lines, where a marker is a cut (mid-sentence, mid-word, before
//! punctuation, at preview-length spacing) and every other numbered line must read as a list
//! (after a sentence, continuing the list before it, close to it). `bench/chunklists.py`
//! measures both sides on synthetic pages with real numbered lists.
//!
//! Joining: nothing between the pieces, except where an English text was cut between two words
//! (`one of` | `the most`): there one space goes back. The English word list
//! (`data/words/english.txt`) decides: a cut is between words when both sides end in words and
//! the two glued together do not make one.
//!
//! Counts markers removed.

use std::borrow::Cow;
use std::ops::Range;
use std::sync::OnceLock;

use crate::page::Page;

static WORDS: &str = include_str!("../../data/words/english.txt");

/// The word list as a slice, searched by bisection: the file is sorted and unique (a test
/// checks it), so the 64 thousand words need no hash set: hashing them all was start-up work
/// that every run paid for on its first chunked page, however few pages it had.
fn words() -> &'static [&'static str] {
    static LIST: OnceLock<Vec<&'static str>> = OnceLock::new();
    LIST.get_or_init(|| WORDS.lines().collect())
}

fn is_word(w: &str) -> bool {
    words()
        .binary_search(&w.to_ascii_lowercase().as_str())
        .is_ok()
}

pub fn apply(page: &mut Page) -> u64 {
    let start = page.chunk_start.unwrap_or(page.body_start);
    let Some(region) = page.text.get(start..) else {
        return 0;
    };
    if !region.starts_with("1、") {
        return 0;
    }
    let markers = markers(region);
    let pieces = pieces(region, &markers);
    if !page.chunked && !looks_cut(&pieces) {
        return 0;
    }

    let mut out = String::with_capacity(page.text.len());
    out.push_str(&page.text[..start]);
    for (i, piece) in pieces.iter().enumerate() {
        if i > 0 && cut_between_words(&out, piece) {
            out.push(' ');
        }
        out.push_str(piece);
    }
    page.text = out;
    markers.len() as u64 + 1
}

/// A line that starts with `N、` in the chunked region: a chunk marker (N >= 2) or the
/// document's own list number.
#[derive(Debug, Clone)]
struct Candidate {
    /// Byte range of the line break run before it (the site's separator, and any line break
    /// the text itself had at the cut).
    breaks: Range<usize>,
    /// Byte range of `N、`.
    marker: Range<usize>,
    n: u32,
    /// Position in characters (for piece lengths).
    at_char: usize,
    /// Evidence from the cut itself (see [`cut_evidence`]).
    evidence: f32,
    /// The number `M` when the line goes on with `M、` (`2、2、完善制度`): a list number
    /// right after a marker.
    inner: Option<u32>,
}

/// The chunk markers of `region` (which starts with `1、`), as byte ranges from the start of
/// their line break run to the end of `N、`, in order: the markers 2, 3, … K.
///
/// Marker by marker, a chunk marker and a list number look alike (`\n\n2、`). The sequence
/// tells them apart, so the whole page is decided at once: the markers are the chain
/// 2, 3, … K of candidate lines, in order, that scores best, where a line scores as a marker
/// on evidence from the cut (the site cuts at a fixed length wherever that falls: mid-sentence,
/// mid-word, before punctuation; a document's list number follows the end of a sentence) and a
/// chain scores on the pieces' lengths (preview length, similar to one another; list items
/// sit close together and continue the list before them). Lines left out of the chain are the
/// document's own numbering and stay.
fn markers(region: &str) -> Vec<Range<usize>> {
    let cands = candidates(region);
    if cands.is_empty() {
        return Vec::new();
    }
    // First without, then with the typical piece length of the first chain.
    // A list number right after the opening marker (`1、1、`) opens a list.
    let first = leading_number(&region["1、".len()..]);
    let chain = best_chain(&cands, first, None);
    let typical = typical_length(&cands, &chain);
    let chain = if typical.is_some() {
        best_chain(&cands, first, typical)
    } else {
        chain
    };
    chain
        .into_iter()
        .map(|i| cands[i].breaks.start..cands[i].marker.end)
        .collect()
}

/// The pieces between the markers, with the site's separator taken off before each marker and
/// any line break the text itself had at the cut kept.
fn pieces<'t>(region: &'t str, markers: &[Range<usize>]) -> Vec<Cow<'t, str>> {
    let first = &region["1、".len()..];
    if markers.is_empty() {
        return vec![Cow::Borrowed(first)];
    }
    // The separator the site puts before a marker: the commonest line break run before one
    // (the shorter on a tie). A run shorter than that has a line the page put in between
    // (`<p></p>`). A longer one after the end of a sentence is a cut that fell on the text's
    // own paragraph break, which stays; mid-sentence, the extra breaks are the page's too.
    let runs: Vec<usize> = markers
        .iter()
        .map(|m| break_run(&region[..m.end]))
        .collect();
    let sep = runs
        .iter()
        .copied()
        .max_by_key(|&r| {
            (
                runs.iter().filter(|&&x| x == r).count(),
                std::cmp::Reverse(r),
            )
        })
        .unwrap_or(1)
        // Sites put one or two; more is a cut on the text's own blank line.
        .min(2);
    let mut out = Vec::with_capacity(markers.len() + 1);
    let mut from = "1、".len();
    for (m, &run) in markers.iter().zip(&runs) {
        let piece = &region[from..m.start];
        let own = run.saturating_sub(sep);
        if own == 0 || sentence_end(piece) != SentenceEnd::Yes {
            out.push(Cow::Borrowed(piece));
        } else {
            out.push(Cow::Owned(format!("{piece}{}", "\n".repeat(own))));
        }
        from = m.end;
    }
    out.push(Cow::Borrowed(&region[from..]));
    out
}

/// `M` when `text` starts with `M、` (M from 1 to 999).
fn leading_number(text: &str) -> Option<u32> {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    if (1..=3).contains(&digits) && text[digits..].starts_with('、') {
        text[..digits].parse().ok()
    } else {
        None
    }
}

/// Line breaks before the marker line that ends `upto` (at `N、`), counting a line of HTML
/// tags alone (`<br/>`, `<p></p>`) as a blank line: markup the page put into the separator.
fn break_run(upto: &str) -> usize {
    let line_start = upto.rfind('\n').map_or(0, |i| i + 1);
    let mut rest = &upto[..line_start];
    let mut count = 0;
    loop {
        let trimmed = rest.trim_end_matches(['\n', '\r']);
        count += rest[trimmed.len()..]
            .bytes()
            .filter(|&b| b == b'\n')
            .count();
        let last = &trimmed[trimmed.rfind('\n').map_or(0, |i| i + 1)..];
        if last.is_empty() || !tags_only(last) {
            return count;
        }
        rest = &trimmed[..trimmed.len() - last.len()];
    }
}

/// Whether `line` is HTML tags and spaces only.
fn tags_only(line: &str) -> bool {
    let mut rest = line.trim();
    while let Some(tag) = rest.strip_prefix('<') {
        let Some(end) = tag.find('>') else {
            return false;
        };
        if tag[..end].contains('<') {
            return false;
        }
        rest = tag[end + 1..].trim_start();
    }
    rest.is_empty() && !line.trim().is_empty()
}

/// Every line of `region` after the first that starts with `N、` (N from 1 to 999).
fn candidates(region: &str) -> Vec<Candidate> {
    let bytes = region.as_bytes();
    let mut cands: Vec<Candidate> = Vec::new();
    let mut chars_before = 0;
    let mut counted = 0;
    for nl in memchr::memchr_iter(b'\n', bytes) {
        let line = nl + 1;
        let Some(n) = leading_number(&region[line..]) else {
            continue;
        };
        let digits = digits(n);
        // Only the last line break of a run opens the line; the run is the separator.
        let mut run = nl;
        while run > 0 && matches!(bytes[run - 1], b'\n' | b'\r') {
            run -= 1;
        }
        chars_before += region[counted..line].chars().count();
        counted = line;
        let end = line + digits + '、'.len_utf8();
        let next = region[end..].chars().next();
        let inner = leading_number(&region[end..]);
        cands.push(Candidate {
            breaks: run..line,
            marker: line..end,
            n,
            at_char: chars_before,
            evidence: cut_evidence(&region[..run], next)
                // No list item's text starts with a number of its own.
                + if inner.is_some() { 3.0 } else { 0.0 },
            inner,
        });
    }
    cands
}

/// The last character of `before`, looking through a trailing `(reading)`: an annotation
/// belongs to the character before it (`對(duì)` ends in `對`, not in a closing bracket).
fn last_char(before: &str) -> Option<char> {
    if let Some(inner) = before.strip_suffix(')') {
        if let Some(open) = inner.rfind('(') {
            let reading = &inner[open + 1..];
            if !reading.is_empty()
                && reading.len() <= 12
                && reading
                    .chars()
                    .all(|c| c.is_alphabetic() && !crate::chars::is_han(c))
            {
                return inner[..open].chars().next_back();
            }
        }
    }
    before.chars().next_back()
}

/// How strongly the cut around a candidate says "chunk marker" (positive) or "list number"
/// (negative), from the text before the line break and the character after `N、`.
fn cut_evidence(before: &str, next: Option<char>) -> f32 {
    let mut e = 0.0;
    match next {
        // An empty piece: nothing but the marker on its line.
        None | Some('\n' | '\r') => return 4.0,
        // No list item starts with punctuation (`2、、優化服務`, `2、, possibly`).
        Some(c) if opens_nothing(c) => e += 3.0,
        _ => {}
    }
    e += match sentence_end(before) {
        SentenceEnd::Yes => -2.5,
        SentenceEnd::Maybe => -1.0,
        SentenceEnd::Unknown => 0.0,
        // Cut mid-sentence (`加速20` | `05年`, `discoun` | `ts`, `學(x` | `ué)`).
        SentenceEnd::No => 2.5,
    };
    let prev = last_char(before);
    if let (Some(p), Some(n)) = (prev, next) {
        if p.is_ascii_alphanumeric() && n.is_ascii_alphanumeric() {
            e += 1.0;
        }
    }
    e
}

/// Whether a text ends a sentence, as far as its last characters tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SentenceEnd {
    Yes,
    /// An ASCII full stop (`etc.`, `11.4.2.`), or another ASCII mark after a letter or digit.
    Maybe,
    /// Nothing before, or a closing bracket or quote with no sentence mark inside (`lp(1)`).
    Unknown,
    No,
}

fn sentence_end(before: &str) -> SentenceEnd {
    match last_char(before) {
        None => SentenceEnd::Unknown,
        Some('.') => SentenceEnd::Maybe,
        // ASCII marks after a letter or digit may be English or code (`https:`, `Title is:`);
        // after Chinese text they are full-width marks a store folded to ASCII.
        Some(':' | ';' | '!' | '?') => {
            let inner = before[..before.len() - 1].chars().next_back();
            if inner.is_some_and(|c| c.is_ascii_alphanumeric()) {
                SentenceEnd::Maybe
            } else {
                SentenceEnd::Yes
            }
        }
        Some(p) if ends_sentence(p) => SentenceEnd::Yes,
        // A closing quote or bracket ends a sentence when a sentence-final mark is inside it
        // (`。”`).
        Some(p) if closes(p) => {
            let inner = before[..before.len() - p.len_utf8()].chars().next_back();
            if inner.is_some_and(ends_sentence) {
                SentenceEnd::Yes
            } else {
                SentenceEnd::Unknown
            }
        }
        Some(_) => SentenceEnd::No,
    }
}

/// Sentence-final and clause-final marks: where a document's own numbered paragraph starts.
fn ends_sentence(c: char) -> bool {
    matches!(
        c,
        '。' | '！' | '？' | '；' | '：' | '!' | '?' | ';' | ':' | '…'
    )
}

/// Closing quotes and brackets.
fn closes(c: char) -> bool {
    matches!(c, '”' | '’' | '"' | '）' | ')' | '」' | '』' | '》' | '】')
}

/// Characters no text (and so no list item) starts with.
fn opens_nothing(c: char) -> bool {
    matches!(
        c,
        '、' | '，'
            | '。'
            | '；'
            | '：'
            | '！'
            | '？'
            | ','
            | '.'
            | ';'
            | ':'
            | '!'
            | '?'
            | '）'
            | ')'
            | '」'
            | '』'
            | '》'
            | '”'
    )
}

/// Pieces shorter than this (characters) are not preview chunks: list items sit this close.
const SHORT_PIECE: usize = 60;
/// Pieces up to this long are short for a preview chunk.
const SMALL_PIECE: usize = 150;

/// The score of a piece of `len` characters between two markers.
fn piece_score(len: usize, typical: Option<usize>) -> f32 {
    let mut s = if len == 0 {
        0.0
    } else if len < SHORT_PIECE {
        -5.0
    } else if len < SMALL_PIECE {
        -2.0
    } else {
        0.0
    };
    // A site cuts at about one length: a piece far from the page's typical one is suspect.
    if let Some(t) = typical {
        if len > 0 {
            s -= 1.5 * (len as f32 / t as f32).ln().abs();
        }
    }
    s
}

/// A list number that continues no list (its predecessor is not the last list number seen):
/// documents rarely number that way, so this much evidence is needed to call it one.
const ORPHAN: f32 = 4.0;
/// Most labelings kept at each line (bounds the work on pages with thousands of numbers).
const BEAM: usize = 256;

/// List items further apart than this (characters) are less and less likely one list.
const LIST_GAP: usize = 300;

/// Where a labeling of the lines so far stands: the last chunk marker (None: the `1、` that
/// opens the region) and the last list number with its position in characters (None: none
/// yet).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct State {
    last: Option<usize>,
    list: Option<(u32, usize)>,
}

/// The best labeling of the candidates, each a chunk marker or a list number, as the chain of
/// markers (indices into `cands`, numbered 2, 3, … K in order).
///
/// A Viterbi search over the lines in order: a line numbered one more than the last marker
/// may be the next marker (scored by its cut and the piece it closes); any line may be a list
/// number: free when it opens a list (`1`), at a cost growing with the distance when it
/// continues the last list (`n` after `n - 1`), [`ORPHAN`] otherwise. Lists run on across
/// chunk markers.
fn best_chain(cands: &[Candidate], first: Option<u32>, typical: Option<usize>) -> Vec<usize> {
    let start = State {
        last: None,
        list: first.map(|m| (m, 0)),
    };
    let mut states: Vec<(State, f32)> = vec![(start, 0.0)];
    // Per line: (state reached, score, index of the previous state in the previous step's
    // list, whether the line was a marker).
    let mut steps: Vec<Vec<(State, f32, usize, bool)>> = Vec::with_capacity(cands.len());
    for (i, c) in cands.iter().enumerate() {
        let mut next: Vec<(State, f32, usize, bool)> = Vec::new();
        let mut push = |st: State, sc: f32, from: usize, marker: bool| match next
            .iter_mut()
            .find(|(s, ..)| *s == st)
        {
            Some(e) if e.1 >= sc => {}
            Some(e) => *e = (st, sc, from, marker),
            None => next.push((st, sc, from, marker)),
        };
        for (k, &(st, score)) in states.iter().enumerate() {
            let (last_n, from_char) = match st.last {
                Some(j) => (cands[j].n, cands[j].at_char + digits(cands[j].n) + 1),
                None => (1, "1、".chars().count()),
            };
            if c.n >= 2 && c.n == last_n + 1 {
                let len = c.at_char.saturating_sub(from_char);
                let sc = score + c.evidence + piece_score(len, typical);
                push(
                    State {
                        last: Some(i),
                        list: c.inner.map(|m| (m, c.at_char)).or(st.list),
                    },
                    sc,
                    k,
                    true,
                );
            }
            let sc = score
                - match st.list {
                    _ if c.n == 1 => 0.0,
                    Some((n, at)) if n + 1 == c.n => list_gap_cost(c.at_char - at),
                    _ => ORPHAN,
                };
            push(
                State {
                    last: st.last,
                    list: Some((c.n, c.at_char)),
                },
                sc,
                k,
                false,
            );
        }
        next.sort_by(|a, b| b.1.total_cmp(&a.1));
        next.truncate(BEAM);
        states = next.iter().map(|&(st, sc, ..)| (st, sc)).collect();
        steps.push(next);
    }
    // Back from the best final labeling.
    let mut chain = Vec::new();
    let Some(mut at) =
        (0..states.len()).max_by(|&a, &b| states[a].1.total_cmp(&states[b].1).then(b.cmp(&a)))
    else {
        return chain;
    };
    for (i, step) in steps.iter().enumerate().rev() {
        let (_, _, from, marker) = step[at];
        if marker {
            chain.push(i);
        }
        at = from;
    }
    chain.reverse();
    chain
}

/// The cost of a list number `gap` characters after the one before it: list items sit close
/// together; preview chunks are evenly spaced further apart.
fn list_gap_cost(gap: usize) -> f32 {
    if gap <= LIST_GAP {
        0.0
    } else {
        (gap as f32 / LIST_GAP as f32).ln()
    }
}

/// Decimal digits of `n`.
fn digits(n: u32) -> usize {
    n.checked_ilog10().unwrap_or(0) as usize + 1
}

/// The median length of the complete pieces of `chain` (none with fewer than two).
fn typical_length(cands: &[Candidate], chain: &[usize]) -> Option<usize> {
    let mut lens: Vec<usize> = chain
        .windows(2)
        .map(|w| cands[w[1]].at_char - cands[w[0]].at_char)
        .collect();
    if let Some(&first) = chain.first() {
        lens.push(cands[first].at_char);
    }
    if lens.len() < 2 {
        return None;
    }
    lens.sort_unstable();
    Some(lens[lens.len() / 2])
}

/// Shortest piece (in characters) between two markers on a page without a recognised site.
const MIN_PIECE_CHARS: usize = 150;

/// Without a recognised site, the pieces themselves must show they are preview chunks: at
/// least three, every piece but the last long, and most cuts in the middle of a sentence. A document's own numbered paragraphs end their sentences
/// (`…为止。\n\n2、`); the site cuts at a fixed length, wherever that falls.
fn looks_cut(pieces: &[Cow<'_, str>]) -> bool {
    if pieces.len() < 3 {
        return false;
    }
    let complete = &pieces[..pieces.len() - 1];
    let long = complete
        .iter()
        .all(|p| p.chars().count() >= MIN_PIECE_CHARS);
    let sentence_ends = complete
        .iter()
        .filter(|p| {
            p.trim_end()
                .ends_with(['。', '！', '？', '；', '：', '.', '!', '?', ';', ':', '”'])
        })
        .count();
    long && sentence_ends * 2 < complete.len()
}

/// Whether the cut between `left` and `right` fell between two English words.
fn cut_between_words(left: &str, right: &str) -> bool {
    let l: &str = {
        let start = left
            .char_indices()
            .rev()
            .take_while(|(_, c)| c.is_ascii_alphabetic())
            .last()
            .map_or(left.len(), |(i, _)| i);
        &left[start..]
    };
    let r_end = right
        .find(|c: char| !c.is_ascii_alphabetic())
        .unwrap_or(right.len());
    let r = &right[..r_end];
    if l.is_empty() || r.is_empty() {
        return false;
    }
    is_word(l) && is_word(r) && !is_word(&format!("{l}{r}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Cleaner, Config};

    #[test]
    fn word_list_is_sorted_and_unique_for_bisection() {
        let list = words();
        assert!(list.len() > 60_000);
        assert!(list.windows(2).all(|w| w[0] < w[1]));
        assert!(is_word("Cleaner") && is_word("a") && !is_word("cleanerx"));
    }

    fn run(title: &str, body: &str) -> String {
        let mut page = Page {
            text: format!("{title}{body}"),
            body_start: title.len(),
            chunked: true,
            ..Page::default()
        };
        apply(&mut page);
        page.text
    }

    #[test]
    fn joins_as_the_text_ran() {
        for (body, want) in [
            ("1、整合資源\n\n2、、優化服務", "整合資源、優化服務"),
            ("1、加速20\n\n2、05年", "加速2005年"),
            ("1、one of\n\n2、the most", "one of the most"),
            ("1、volume discoun\n\n2、ts, as", "volume discounts, as"),
            ("1、Livi\n\n2、ng Social", "Living Social"),
            ("1、<p&\n\n2、gt;", "<p&gt;"),
            ("1、vendors\n\n2、, possibly", "vendors, possibly"),
            (
                &format!("1、{}\n2、{}\n3、c", "a".repeat(300), "b".repeat(300)),
                &format!("{}{}c", "a".repeat(300), "b".repeat(300)),
            ),
            ("1、原則,\n\n2、 對各試點", "原則, 對各試點"),
        ] {
            assert_eq!(run("", body), want, "{body}");
        }
    }

    #[test]
    fn a_mirror_header_above_the_site_head_stays_apart() {
        let cleaner = Cleaner::new(Config::default()).unwrap();
        let raw = "本站首頁導航\n標題_第1頁\n標題_第2頁\n\
版權說明:本文檔由用戶提供并上傳,請進行舉報或認領\n文檔簡介\n1、正文第一\n\n2、段續";
        assert_eq!(
            cleaner.clean(raw).text,
            "标题\n\n本站首页导航\n正文第一段续\n"
        );
    }

    #[test]
    fn pages_without_a_template_need_cuts_that_look_like_cuts() {
        let run_bare = |text: &str| {
            let mut page = Page {
                text: text.into(),
                ..Page::default()
            };
            apply(&mut page);
            page.text
        };
        let piece = |s: &str| s.repeat(80);
        // Cut mid-sentence at fixed lengths: chunks.
        let cut = format!(
            "1、{}\n\n2、{}\n\n3、{}",
            piece("文字"),
            piece("內容"),
            "尾"
        );
        assert_eq!(
            run_bare(&cut),
            format!("{}{}尾", piece("文字"), piece("內容"))
        );
        // Numbered paragraphs that end their sentences: a real list.
        let list = format!(
            "1、{}。\n\n2、{}。\n\n3、尾。",
            piece("文字"),
            piece("內容")
        );
        assert_eq!(run_bare(&list), list);
        // Short items: a real list.
        let short = "1、第一\n\n2、第二\n\n3、第三";
        assert_eq!(run_bare(short), short);
    }

    /// `text` with every `{N}` replaced by N characters of prose that never ends a sentence
    /// (`章节内容章节内容…`): pieces of preview length, written short.
    fn prose(text: &str) -> String {
        let mut out = String::new();
        let mut rest = text;
        while let Some(open) = rest.find('{') {
            let close = open + rest[open..].find('}').expect("a closing brace");
            let n: usize = rest[open + 1..close].parse().expect("{N}");
            out.push_str(&rest[..open]);
            out.extend("章节内容".chars().cycle().take(n));
            rest = &rest[close + 1..];
        }
        out + rest
    }

    /// The hard cases of telling chunk markers from a document's own numbering: the page is
    /// decided as a whole (sequence, spacing, the cut), not marker by marker.
    #[test]
    fn markers_and_list_numbers_apart() {
        for (name, body, want) in [
            (
                "numbered paragraphs between mid-sentence cuts",
                "1、{200}。\n\n1、{200}\n\n2、{150}。\n\n2、{300}。\n\n3、{20}",
                "{200}。\n\n1、{200}{150}。\n\n2、{300}。\n\n3、{20}",
            ),
            (
                "a list item right after a marker (the cut fell on the paragraph break)",
                "1、{300}如下：\n\n1、{250}。\n\n\n\n2、2、{40}。\n\n3、{30}。",
                "{300}如下：\n\n1、{250}。\n\n2、{40}。\n\n3、{30}。",
            ),
            (
                "a marker right before a list",
                "1、{400}如\n\n2、下：\n\n1、{30}。\n\n2、{60}。\n\n3、{40}。",
                "{400}如下：\n\n1、{30}。\n\n2、{60}。\n\n3、{40}。",
            ),
            (
                "a cut after the end of a sentence, with no list around",
                "1、{400}。\n\n2、{100}",
                "{400}。{100}",
            ),
            (
                "`N、` after a number mid-sentence is a cut; a lone list number after a sentence stays",
                "1、{400}共20\n\n2、05年的{300}。\n\n5、{400}\n\n3、{30}",
                "{400}共2005年的{300}。\n\n5、{400}{30}",
            ),
            (
                "a cut inside a reading",
                "1、{400}學(x\n\n2、ué)生{30}",
                "{400}學(xué)生{30}",
            ),
            (
                "a line of markup in the separator",
                "1、{400}\n<p></p>\n2、{400}\n\n3、{30}",
                "{400}\n<p></p>{400}{30}",
            ),
        ] {
            assert_eq!(run("", &prose(body)), prose(want), "{name}");
        }
    }

    #[test]
    fn title_is_kept_apart() {
        assert_eq!(run("標題\n\n", "1、正文\n\n2、續"), "標題\n\n正文續");
    }

    #[test]
    fn real_lists_and_unchunked_pages_stay() {
        for body in [
            "分為:\n\n1、孤立系統\n\n2、開口系統",
            "正文\n1、第一\n2、第二",
        ] {
            assert_eq!(run("", body), body);
        }
        let text = "1、第一條\n\n2、第二條\n\n3、第三條";
        let mut page = Page {
            text: text.into(),
            ..Page::default()
        };
        assert_eq!(apply(&mut page), 0);
        assert_eq!(page.text, text);
    }
}
