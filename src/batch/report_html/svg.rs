//! The report's charts as inline SVG, written by hand.
//!
//! Every chart the report draws is a bar chart (counts per stage, encoding or directory, and
//! a histogram over fixed buckets), which takes a few dozen lines of SVG: written here, it
//! follows the page's own CSS (colours, fonts, dark mode), carries `<title>` tooltips and
//! real text, and adds no dependency. (A plotting crate such as `plotters` draws far more
//! kinds of chart, but brings its own text layout and styling to replace.)

use std::fmt::Write as _;

use super::escape;

/// Width of every chart, in SVG units (it scales to its box).
const WIDTH: f64 = 480.0;
/// Height of one bar row (horizontal bars).
const ROW: f64 = 22.0;
/// Room for the labels left of horizontal bars.
const LABEL: f64 = 150.0;

/// Horizontal bars, one per `(label, value)`, longest scaled to the width; the value is
/// written after each bar.
pub fn bars(caption: &str, items: &[(String, u64)]) -> String {
    let max = items.iter().map(|(_, v)| *v).max().unwrap_or(0).max(1) as f64;
    let height = ROW * items.len().max(1) as f64 + 8.0;
    let mut s = open(caption, height);
    let room = WIDTH - LABEL - 70.0;
    for (i, (label, value)) in items.iter().enumerate() {
        let y = 4.0 + ROW * i as f64;
        let w = if *value == 0 {
            0.0
        } else {
            (room * *value as f64 / max).max(1.5)
        };
        let shown = short(label, 22);
        let _ = write!(
            s,
            r#"<g><title>{}: {value}</title><text class="label" x="{:.1}" y="{:.1}" text-anchor="end">{}</text><rect class="bar" x="{LABEL}" y="{:.1}" width="{w:.1}" height="{:.1}" rx="2"/><text class="value" x="{:.1}" y="{:.1}">{}</text></g>"#,
            escape(label),
            LABEL - 6.0,
            y + ROW * 0.68,
            escape(&shown),
            y + 3.0,
            ROW - 6.0,
            LABEL + w + 5.0,
            y + ROW * 0.68,
            group(*value),
        );
    }
    if items.is_empty() {
        let _ = write!(s, r#"<text class="label" x="8" y="18">none</text>"#);
    }
    s.push_str("</svg>");
    s
}

/// Vertical bars over labelled buckets (a histogram), with the count over each bar.
pub fn histogram(caption: &str, buckets: &[(String, u64)]) -> String {
    let height = 190.0;
    let (top, bottom) = (18.0, 150.0);
    let max = buckets.iter().map(|(_, v)| *v).max().unwrap_or(0).max(1) as f64;
    let mut s = open(caption, height);
    let slot = (WIDTH - 20.0) / buckets.len().max(1) as f64;
    for (i, (label, value)) in buckets.iter().enumerate() {
        let x = 10.0 + slot * i as f64;
        let h = if *value == 0 {
            0.0
        } else {
            ((bottom - top) * *value as f64 / max).max(1.5)
        };
        let _ = write!(
            s,
            r#"<g><title>{}: {value} pages</title><rect class="bar" x="{:.1}" y="{:.1}" width="{:.1}" height="{h:.1}" rx="2"/><text class="value" x="{:.1}" y="{:.1}" text-anchor="middle">{}</text><text class="label" x="{:.1}" y="{:.1}" text-anchor="middle">{}</text></g>"#,
            escape(label),
            x + 3.0,
            bottom - h,
            slot - 6.0,
            x + slot / 2.0,
            bottom - h - 4.0,
            group(*value),
            x + slot / 2.0,
            bottom + 16.0,
            escape(label),
        );
    }
    let _ = write!(
        s,
        r#"<line class="axis" x1="10" y1="{bottom}" x2="{:.1}" y2="{bottom}"/>"#,
        WIDTH - 10.0
    );
    s.push_str("</svg>");
    s
}

fn open(caption: &str, height: f64) -> String {
    format!(
        r#"<svg class="chart" viewBox="0 0 {WIDTH} {height:.0}" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg">"#,
        escape(caption)
    )
}

/// `label` cut to `max` characters with `…`.
fn short(label: &str, max: usize) -> String {
    if label.chars().count() <= max {
        return label.to_string();
    }
    let head: String = label.chars().take(max - 1).collect();
    format!("{head}…")
}

/// `1234567` as `1,234,567`.
pub fn group(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_largest_and_escape_labels() {
        let svg = bars("x", &[("a<b".into(), 10), ("c".into(), 5), ("z".into(), 0)]);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("a&lt;b") && !svg.contains("a<b"));
        assert!(svg.contains(r#"width="260.0""#) && svg.contains(r#"width="130.0""#));
        assert!(svg.contains(r#"width="0.0""#));
    }

    #[test]
    fn numbers_are_grouped_by_thousands() {
        assert_eq!(group(0), "0");
        assert_eq!(group(1234), "1,234");
        assert_eq!(group(1_234_567), "1,234,567");
    }
}
