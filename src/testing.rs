//! Helpers for the table tests of the stages (test builds only): every case of a table is
//! checked, and a failure names its input.

/// Asserts that `f` turns each `(raw, want)` case's `raw` into `want`.
pub fn rewrites(f: impl Fn(&str) -> String, cases: &[(&str, &str)]) {
    for (raw, want) in cases {
        assert_eq!(f(raw), *want, "{raw:?}");
    }
}

/// Asserts that `f` leaves each case as it is.
pub fn keeps(f: impl Fn(&str) -> String, cases: &[&str]) {
    for s in cases {
        assert_eq!(f(s), *s, "{s:?}");
    }
}
