//! Annotations whose vowel was split: `(gu╪)` for `(guān)`, `(ji?構` for `(jié)構`.
//!
//! A pinyin vowel with a tone mark is two bytes in GBK (`ā` = `A8 A1`), so the damage of
//! `docs/CORRUPTIONS.md` section 5 can land inside an annotation too. A lost trail byte pairs
//! the lead `A8` with the next letter (`A8 6E` = `╪`) or, before `)`, shows `?` and eats the
//! `)`; an annotation inserted after the lead shows `?`, the inserted reading, and the trail
//! paired with the next letter (`(n?jiǎn)╥)` for `(nèi)`). No run goes out of step past the
//! annotation (the byte after a vowel is ASCII), so the repair is exact: every reading of the
//! annotated character is encoded, damaged both ways at each vowel, and decoded as the page
//! was; a reading whose damaged form is exactly the text there is the annotation it was. The
//! `ruby` stage then treats it as any other annotation.

use pinyin::ToPinyinMulti;

use super::gbk;
use super::span::is_pinyin_letter;

/// Letters of the longest reading (`zhuang`), and so of a fragment.
const MAX_LETTERS: usize = 6;

/// Whether `text` may hold a broken annotation ([`repair_at`]): a `(` after a non-ASCII
/// character, then letters and a `?` or a character no reading has. Read on the bytes first:
/// most pages have no `(` after a Chinese character at all.
pub fn may_occur(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memchr_iter(b'(', bytes).any(|i| {
        if i == 0 || bytes[i - 1] < 0x80 {
            return false;
        }
        let mut it = text[i + 1..].chars().skip_while(|&c| is_pinyin_letter(c));
        it.next()
            .is_some_and(|c| c == '?' || (!c.is_ascii() && !is_pinyin_letter(c)))
    })
}

/// The broken annotation that starts at the `(` at `i`, if there is one: where it ends and
/// the annotation it stood for (`(guān)`).
///
/// Asked at every character of a page that may hold one: inlined, so that the answer for
/// every character that is no `(` costs a comparison, not a call.
#[inline]
pub fn repair_at(chars: &[char], i: usize) -> Option<(usize, String)> {
    if chars.get(i) != Some(&'(') {
        return None;
    }
    repair_open(chars, i)
}

/// [`repair_at`] at a `(`.
fn repair_open(chars: &[char], i: usize) -> Option<(usize, String)> {
    if i == 0 || chars[i - 1].is_ascii() {
        return None;
    }
    // The letters before the split vowel, then what the split left: `?` or a character that
    // is no pinyin letter. A well-formed annotation meets its `)` first.
    let mut j = i + 1;
    while j < chars.len() && j - i <= MAX_LETTERS && is_pinyin_letter(chars[j]) {
        j += 1;
    }
    let broken = *chars.get(j)?;
    if broken == ')' || (broken.is_ascii() && broken != '?') {
        return None;
    }
    // An annotation inserted at the vowel: `?`, its letters and `)`.
    let inserted: Option<String> = (broken == '?')
        .then(|| {
            let k = (j + 1..chars.len().min(j + 2 + MAX_LETTERS)).find(|&k| chars[k] == ')')?;
            let f: String = chars[j + 1..k].iter().collect();
            (k > j + 1 && f.chars().all(is_pinyin_letter)).then_some(f)
        })
        .flatten();
    let mut best: Option<(usize, String)> = None;
    for reading in chars[i - 1].to_pinyin_multi()?.into_iter() {
        let shown = format!("({})", reading.with_tone());
        let Some(bytes) = gbk::encode_text(&shown) else {
            continue;
        };
        for damaged in damaged_forms(&bytes, inserted.as_deref()) {
            let seen: Vec<char> = gbk::decode_as_stored(&damaged).chars().collect();
            let end = i + seen.len();
            // `(ji?` with its `)` eaten is followed by text, not by a `)` (a question in
            // brackets).
            let matches = chars.get(i..end) == Some(&seen[..])
                && !(seen.last() == Some(&'?') && chars.get(end) == Some(&')'));
            if matches && best.as_ref().is_none_or(|(e, _)| end > *e) {
                best = Some((end, shown.clone()));
            }
        }
    }
    best
}

/// The bytes `bytes` (an annotation) would be after each damage at each of its two-byte
/// characters: the trail byte lost, or `(inserted)` put between the two bytes.
fn damaged_forms(bytes: &[u8], inserted: Option<&str>) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut k = 0;
    while k + 1 < bytes.len() {
        if bytes[k] < 0x80 {
            k += 1;
            continue;
        }
        let mut lost = bytes[..=k].to_vec();
        lost.extend(&bytes[k + 2..]);
        out.push(lost);
        if let Some(f) = inserted.and_then(|f| gbk::encode_text(&format!("({f})"))) {
            let mut v = bytes[..=k].to_vec();
            v.extend(f);
            v.extend(&bytes[k + 1..]);
            out.push(v);
        }
        k += 2;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repaired(text: &str) -> Option<String> {
        let chars: Vec<char> = text.chars().collect();
        let i = chars.iter().position(|&c| c == '(')?;
        let (end, with) = repair_at(&chars, i)?;
        Some(
            chars[..i].iter().collect::<String>()
                + &with
                + &chars[end..].iter().collect::<String>(),
        )
    }

    #[test]
    fn tone_marks_go_where_pinyin_puts_them() {
        for (c, w) in [
            ('关', "guān"),
            ('节', "jié"),
            ('狗', "gǒu"),
            ('会', "huì"),
            ('流', "liú"),
            ('绿', "lǜ"),
        ] {
            let readings: Vec<&str> = c
                .to_pinyin_multi()
                .unwrap()
                .into_iter()
                .map(|p| p.with_tone())
                .collect();
            assert!(readings.contains(&w), "{c}: {readings:?}");
        }
    }

    /// Each damage made on purpose to an annotation, and repaired to it.
    #[test]
    fn repairs_each_damage_of_a_vowel() {
        for (han, reading) in [('關', "guān"), ('內', "nèi"), ('結', "jié"), ('請', "qǐng")]
        {
            let whole = format!("({reading})");
            let bytes = gbk::encode_text(&whole).unwrap();
            for damaged in damaged_forms(&bytes, Some("jiǎn")) {
                let text = format!("{han}{}構造", gbk::decode_as_stored(&damaged));
                let out = repaired(&text).unwrap_or_else(|| panic!("{text}"));
                // A lost trail takes the tone with it: any reading of the character that
                // damages the same way is the same annotation to the `ruby` stage.
                let want = format!("{han}{whole}構造");
                assert!(
                    out == want || out.starts_with(han) && out.ends_with(")構造"),
                    "{text} -> {out}"
                );
            }
        }
        assert_eq!(repaired("關(gu╪)系").as_deref(), Some("關(guān)系"));
        assert_eq!(repaired("內(n?jiǎn)╥)容").as_deref(), Some("內(nèi)容"));
        assert_eq!(repaired("結(ji?構").as_deref(), Some("結(jié)構"));
    }

    #[test]
    fn leaves_annotations_and_brackets_alone() {
        for text in [
            "關(guān)系",
            "結(ji?)構",
            "結(jie?)",
            "結(abc)",
            "他(ji?)",
            "(gu╪)",
            "a(gu╪)",
            "結(ji構",
        ] {
            assert_eq!(repaired(text), None, "{text}");
        }
    }
}
