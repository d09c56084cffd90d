//! The byte damage of `docs/CORRUPTIONS.md` section 5, made on purpose, and the measure of
//! issue 27: how much of the text in step around a damaged run a cleaner took away. Shared by
//! `tests/garbage_resync.rs` and `examples/garbage_bench.rs` (which includes it by path).
#![allow(dead_code)]

use zhclean::stages::garbage::gbk;

/// How a character's two bytes were broken apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Damage {
    /// An annotation `(reading)` inserted between the lead and the trail byte: the lead meets
    /// `(` and the decoder shows `?` (with a fragment of the reading after it).
    Inserted,
    /// The trail byte lost: the lead pairs with the next byte and nothing marks where.
    Lost,
}

/// `bytes` with the character whose lead byte is at `at` damaged by `damage` (`reading` is
/// the inserted annotation's).
pub fn damage(bytes: &[u8], at: usize, damage: Damage, reading: &str) -> Vec<u8> {
    let mut out = bytes[..=at].to_vec();
    match damage {
        Damage::Lost => out.extend(&bytes[at + 2..]),
        Damage::Inserted => {
            out.extend(gbk::encode_text(&format!("({reading})")).expect("a GBK reading"));
            out.extend(&bytes[at + 1..]);
        }
    }
    out
}

/// Removes well-formed annotations after Han characters: the later `ruby` stage's job, and a
/// repair may take the one of a character it restored.
pub fn strip(text: &str) -> Vec<char> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        out.push(chars[i]);
        if !chars[i].is_ascii() && chars.get(i + 1) == Some(&'(') {
            if let Some(close) = (i + 2..chars.len().min(i + 10)).find(|&k| chars[k] == ')') {
                let r: String = chars[i + 2..close].iter().collect();
                if zhclean::annotations::canonical(&r).is_some() {
                    i = close + 1;
                    continue;
                }
            }
        }
        i += 1;
    }
    out
}

/// `text` without annotations ([`strip`]) and with the full-width marks the store made ASCII
/// made ASCII too: a repair restores `，` where the stored text has `,` (the `punct` stage
/// gives both the same form later).
pub fn comparable(text: &str) -> Vec<char> {
    let fold = |c: char| match c {
        '，' => ',',
        '：' => ':',
        '；' => ';',
        '？' => '?',
        '（' => '(',
        '）' => ')',
        c => c,
    };
    strip(text).into_iter().map(fold).collect()
}

/// Characters of the text in step around a damaged run that `out` lost. The text in step is
/// what `garbled` shares with the undamaged `truth` (both as decoded) at its start and at its
/// end, where the decoder read the same bytes; each of those characters must still open or
/// close `out`. Compared without annotations ([`comparable`]): a repair takes that of the
/// character it restored, and the `ruby` stage all the others.
pub fn in_step_lost(garbled: &str, truth: &str, out: &str) -> usize {
    let (g, t, o) = (comparable(garbled), comparable(truth), comparable(out));
    let common = |a: &[char], b: &[char]| a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let common_end = |a: &[char], b: &[char]| {
        (a.iter().rev())
            .zip(b.iter().rev())
            .take_while(|(x, y)| x == y)
            .count()
    };
    let head = common(&g, &t);
    let tail = common_end(&g, &t).min(g.len() - head);
    let kept_head = common(&o, &g).min(head);
    let kept_tail = common_end(&o, &g).min(tail).min(o.len() - kept_head);
    (head - kept_head) + (tail - kept_tail)
}
