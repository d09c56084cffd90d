//! Stage `chunks`: removes the preview chunk markers and joins the pieces as the text ran.
//!
//! Sites of the renrendoc kind show a preview cut into chunks: the body starts with `1、`, and
//! each further chunk starts on a new line with `2、`, `3、` …, cut at arbitrary points, in the
//! middle of words and numbers (`加速20` | `05年`, `discoun` | `ts`). The stage acts when the
//! `template` stage recognised such a site and the body starts with `1、`: a document's own
//! list numbering (`分为：\n1、孤立系统`) never starts the body of a chunked page. A page saved
//! without its site template must show the cuts itself (see `looks_cut`). Lines a mirror host put above the site's head stay as they
//! are (learned boilerplate removes them later): the chunks start where the head ended.
//!
//! Joining: nothing between the pieces, except where an English text was cut between two words
//! (`one of` | `the most`): there one space goes back. The English word list
//! (`data/words/english.txt`) decides: a cut is between words when both sides end in words and
//! the two glued together do not make one.
//!
//! Counts markers removed.

use std::collections::HashSet;
use std::sync::OnceLock;

use crate::page::Page;

static WORDS: &str = include_str!("../../data/words/english.txt");

fn words() -> &'static HashSet<&'static str> {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| WORDS.lines().collect())
}

fn is_word(w: &str) -> bool {
    words().contains(w.to_ascii_lowercase().as_str())
}

pub fn apply(page: &mut Page) -> u64 {
    let start = page.chunk_start.unwrap_or(page.body_start);
    let Some(first) = page.text.get(start..).and_then(|t| t.strip_prefix("1、")) else {
        return 0;
    };

    // Pieces between consecutive markers; a marker sits at a line start after a line break.
    let mut pieces: Vec<&str> = Vec::new();
    let mut rest = first;
    let mut next = 2u32;
    loop {
        let needle = format!("\n{next}、");
        let Some(at) = rest.find(&needle) else { break };
        pieces.push(rest[..at].trim_end_matches(['\n', '\r']));
        rest = &rest[at + needle.len()..];
        next += 1;
    }
    pieces.push(rest);
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
    u64::from(next - 1)
}

/// Shortest piece (in characters) between two markers on a page without a recognised site.
const MIN_PIECE_CHARS: usize = 150;

/// Without a recognised site, the pieces themselves must show they are preview chunks: at
/// least three, every piece but the last long, and most cuts in the middle of a sentence. A document's own numbered paragraphs end their sentences
/// (`…为止。\n\n2、`); the site cuts at a fixed length, wherever that falls.
fn looks_cut(pieces: &[&str]) -> bool {
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
            ("1、a\n2、b\n3、c", "abc"),
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
