//! The reference forward maximum match: at each position the longest key the dictionary holds
//! (up to `max` characters) is replaced by its value, else the character is kept. `build.rs`
//! folds the conversion tables with it (`#[path]`), and the converter's tests check the
//! table-driven matcher against it. Plain and slow on purpose: it is the definition.

/// `s` converted by forward maximum match over `lookup` (key -> value), keys of at most `max`
/// characters.
pub fn forward_max_match<'d>(
    s: &str,
    lookup: impl Fn(&str) -> Option<&'d str>,
    max: usize,
) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    'outer: while i < chars.len() {
        for len in (1..=max.min(chars.len() - i)).rev() {
            let key: String = chars[i..i + len].iter().collect();
            if let Some(v) = lookup(&key) {
                out.push_str(v);
                i += len;
                continue 'outer;
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}
