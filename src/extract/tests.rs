//! The extractor on small synthetic pages, the detection rule, and hostile markup.

use super::*;

fn text(html: &str) -> String {
    extract(html).plain()
}

fn cleaner() -> Cleaner {
    Cleaner::new(crate::Config::default()).unwrap()
}

/// A page whose article is long enough to be found as the main text.
fn page(article: &str) -> String {
    format!(
        "<!DOCTYPE html><html><head><title>页面标题</title><style>p {{ color: red }}</style>\
         <script>var s = '脚本里的字';</script></head><body>\
         <header><a href=/>网站首页</a></header>\
         <nav><a href=/a>新闻</a> <a href=/b>财经</a> <a href=/c>体育</a></nav>\
         <article>{article}</article>\
         <aside><ul><li><a href=/x>热门文章一</a></li><li><a href=/y>热门文章二</a></li></ul></aside>\
         <footer>版权所有，某某网站。</footer></body></html>"
    )
}

const PROSE: &str = "<p>这是第一段正文，讲述经济发展的情况，内容很长很长。</p>\
                     <p>这是第二段正文，继续讨论行政管理体制改革的问题。</p>";

#[test]
fn title_first_then_the_article_without_chrome() {
    let t = text(&page(PROSE));
    assert_eq!(
        t,
        "页面标题\n\n这是第一段正文，讲述经济发展的情况，内容很长很长。\n\
         这是第二段正文，继续讨论行政管理体制改革的问题。\n"
    );
}

#[test]
fn a_heading_repeating_the_title_is_left_out_once() {
    let t = text(&page(&format!("<h1>页面标题</h1>{PROSE}")));
    assert!(t.starts_with("页面标题\n\n这是第一段"), "{t}");
    let t = text(&page(&format!("<h1>另一个标题</h1>{PROSE}")));
    assert!(t.starts_with("页面标题\n\n另一个标题\n这是第一段"), "{t}");
}

#[test]
fn link_dense_blocks_and_named_chrome_are_dropped() {
    let article = format!(
        "<div class=breadcrumb>当前位置：<a href=/>首页</a> &gt; <a href=/n>新闻</a></div>{PROSE}\
         <div class=pagination><a href=1>上一页</a> <a href=2>下一页</a></div>\
         <div class=comments><p>网友评论：写得很好，支持一下作者。</p></div>\
         <form><input name=q><button>搜索</button></form>"
    );
    let t = text(&page(&article));
    for chrome in [
        "首页",
        "上一页",
        "网友评论",
        "搜索",
        "热门文章",
        "网站首页",
        "新闻",
        "版权所有",
    ] {
        assert!(!t.contains(chrome), "{chrome} in {t}");
    }
    assert!(t.contains("这是第二段正文"));
}

#[test]
fn table_rows_are_lines_with_tab_separated_cells() {
    let t = text(&page(&format!(
        "{PROSE}<table><tr><th>软件包</th><th>说明</th></tr>\
         <tr><td><a href=/p>aptitude</a></td><td>基于终端的软件包管理器</td></tr>\
         <tr><td>apt</td><td></td></tr></table>"
    )));
    assert!(
        t.contains("\n软件包\t说明\naptitude\t基于终端的软件包管理器\napt\n"),
        "{t}"
    );
}

#[test]
fn lists_and_line_breaks() {
    let t = text(&page(&format!(
        "{PROSE}<ul><li>第一项内容</li><li>第二项<br>换行之后</li></ul><p>甲<br/>乙</p>"
    )));
    assert!(
        t.contains("\n第一项内容\n第二项\n换行之后\n甲\n乙\n"),
        "{t}"
    );
}

#[test]
fn entities_are_decoded_once() {
    let t = text(&page(&format!(
        "{PROSE}<p>A&amp;B &lt;div&gt; &amp;lt; &#20013;&#x6587; &nbsp;x</p>"
    )));
    assert!(t.contains("A&B <div> &lt; 中文 \u{a0}x"), "{t}");
}

#[test]
fn hidden_and_never_text_elements_are_dropped() {
    let t = text(&page(&format!(
        "{PROSE}<p hidden>隐藏的字</p><div style='display: none'>也隐藏</div>\
         <noscript>请启用脚本</noscript><template><p>模板里的字</p></template>\
         <svg><text>图里的字</text></svg><!-- 注释里的字 -->\
         <p><ruby>漢<rt>hàn</rt></ruby>字</p>"
    )));
    for gone in ["隐藏", "脚本", "模板", "图里", "注释", "hàn", "color"] {
        assert!(!t.contains(gone), "{gone} in {t}");
    }
    assert!(t.contains("漢字"), "{t}");
}

#[test]
fn pre_and_code_come_through_cleaning_verbatim() {
    let html = page(&format!(
        "{PROSE}<p>運行 <code>ls  -l, a;b</code> 命令，然後看結果。</p>\
         <pre>  int main() {{\n    printf(\"經濟, 發達\");  \n\n\n  }}\n</pre>\
         <p>顯示 &lt;p&gt; 標籤，&amp;amp; 不再解碼。</p>"
    ));
    let out = extract(&html).clean(&cleaner()).text;
    // Outside code the text is cleaned (simplified, punctuation); inside nothing changes.
    // The spaces around code stay: the placeholder is not a Latin letter to the `space`
    // stage.
    assert!(
        out.contains(
            "运行 ls  -l, a;b 命令，然后看结果。"
                .replace("  ", " ")
                .as_str()
        ),
        "{out}"
    );
    assert!(
        out.contains("\n  int main() {\n    printf(\"經濟, 發達\");  \n\n\n  }\n"),
        "{out}"
    );
    // Text showing a tag keeps it (the `markup` stage never sees it) and an entity's text
    // is not decoded again.
    assert!(out.contains("显示 <p>标签，&amp"), "{out}");
}

#[test]
fn learned_boilerplate_applies_to_the_extracted_text() {
    let html = page(&format!(
        "{PROSE}<p>本文档由用户上传，仅供学习交流使用。</p>"
    ));
    let extracted = extract(&html);
    let learned = cleaner().with_boilerplate(vec![crate::learn::line_key(
        "本文档由用户上传，仅供学习交流使用。",
    )
    .unwrap()]);
    let out = extracted.clean(&learned).text;
    assert!(!out.contains("本文档由用户上传"), "{out}");
    assert!(out.contains("这是第二段正文"), "{out}");
}

#[test]
fn a_page_without_paragraphs_keeps_its_body_text() {
    assert_eq!(
        text("<title>T</title><body>只有一句话"),
        "T\n\n只有一句话\n"
    );
    assert_eq!(text(""), "");
    assert_eq!(text("<p>无标题</p>"), "无标题\n");
}

#[test]
fn detection_rule() {
    for yes in [
        "<!DOCTYPE html><html>",
        "  \n<!doctype HTML>",
        "<html lang=zh>",
        "\u{FEFF}<HTML>",
        "<?xml version=\"1.0\"?>\n<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.1//EN\">",
        "<?xml version='1.0'?><html xmlns='http://www.w3.org/1999/xhtml'>",
        "<!-- saved from url=(0042)http://example.com/ -->\n<html>",
    ] {
        assert!(looks_like_html(yes), "{yes}");
    }
    for no in [
        "正文<p>漏出的标签</p>",
        "<p>一段</p>",
        "<?xml version='1.0'?><rss>",
        "html",
        "<!-- unclosed comment <html>",
        "",
    ] {
        assert!(!looks_like_html(no), "{no}");
    }
    assert!(Format::Auto.is_html(Some("a/b/Page.HTM"), b"plain"));
    assert!(Format::Auto.is_html(Some("x.shtml"), b""));
    assert!(!Format::Auto.is_html(Some("x.txt"), "正文".as_bytes()));
    assert!(Format::Auto.is_html(None, b"<!DOCTYPE html>"));
    assert!(!Format::Text.is_html(Some("x.html"), b"<html>"));
    assert!(Format::Html.is_html(Some("x.txt"), b"plain"));
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend("<html><body>".encode_utf16().flat_map(u16::to_le_bytes));
    assert!(looks_like_html_bytes(&utf16));
}

/// Hostile markup: each case ends with a result within the node bound, and the result can be
/// cleaned (no recursion anywhere: drop, walks and rendering are iterative). No wall-clock
/// limit (a shared CI machine makes one flaky): a quadratic path shows as a test that does not
/// finish; the extractor's speed is measured in bench/html.
mod hostile {
    use super::*;

    fn survives(html: &str) -> Extracted {
        let dom = dom::parse(html);
        // The bound is checked between tokens; one token adds at most a rebuild of the
        // open formatting elements.
        let bound = dom::MAX_NODES + 2 * dom::MAX_OPEN;
        assert!(dom.nodes.len() <= bound, "{} nodes", dom.nodes.len());
        drop(dom);
        let e = extract(html);
        let _ = e.clean(&cleaner());
        e
    }

    #[test]
    fn nesting_100k_levels() {
        for open in [
            "<div>",
            "<span>",
            "<b>",
            "<table><tr><td>",
            "<ul><li>",
            "<blockquote>",
        ] {
            let html = format!(
                "<title>深</title>{}最深处的字{}",
                open.repeat(100_000),
                "</div>".repeat(1000)
            );
            let e = survives(&html);
            assert!(e.plain().contains("最深处的字"), "{open}");
            assert!(e.warnings.iter().any(|w| w.contains("flattened")), "{open}");
        }
        // `<a>` closes the `<a>` before it: 100,000 siblings, not levels.
        let html = format!("{}最深处的字", "<a href=x>".repeat(100_000));
        survives(&html);
    }

    #[test]
    fn misnested_formatting_does_not_multiply() {
        // Every `</p>` leaves the `<b>`s open in the list of active formatting elements and
        // every text re-opens all of them: quadratic without the guard.
        let html: String = (0..50_000)
            .map(|i| format!("<p><b id={i}>字</p>"))
            .collect();
        survives(&html);
    }

    #[test]
    fn sixteen_megabytes_of_one_tag() {
        let mut html = String::from("<title>大</title><div title=\"");
        html.push_str(&"a".repeat(16 << 20));
        html.push_str("\">正文</div>");
        let e = survives(&html);
        assert!(e.plain().contains("正文"));
        // And the same tag again and again, past the node bound (3 M nodes, 9 MB).
        let html = "<p>".repeat(3_000_000);
        let e = survives(&html);
        assert!(e.warnings.iter().any(|w| w.contains("parse stopped")));
    }

    #[test]
    fn unclosed_everything() {
        let html = "<html><body><div><table><tr><td><ul><li><b><i><a href=x><font><select><option>\
                    <textarea><p>文字<script>var a = '<div>';<style>p{}"
            .repeat(5_000);
        survives(&html);
        survives("<!--");
        survives("<![CDATA[");
        survives("<pre>");
    }

    #[test]
    fn binary_bytes() {
        let bytes: Vec<u8> = (0..1_000_000u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
            .collect();
        let html = String::from_utf8_lossy(&bytes);
        survives(&html);
    }

    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        /// No panic on any markup-like text, and restoring placeholders leaves no private-use
        /// character the page did not have.
        #[test]
        fn any_markup(parts in prop::collection::vec(prop_oneof![
            Just("<div>".to_string()), Just("</div>".to_string()), Just("<p>".to_string()),
            Just("<pre>".to_string()), Just("</pre>".to_string()), Just("<code>".to_string()),
            Just("<table><tr><td>".to_string()), Just("</td><td>".to_string()),
            Just("<br>".to_string()), Just("<a href=x>".to_string()), Just("&lt;".to_string()),
            Just("\u{F0000}".to_string()), Just("<title>".to_string()), Just("</title>".to_string()),
            "[\u{4e00}-\u{4e20}，。 a-z<>&;\n]{0,12}",
        ], 0..40)) {
            let html = parts.concat();
            let e = extract(&html);
            let plain = e.plain();
            let private = |s: &str| s.chars().filter(|&c| c as u32 >= 0xF_0000).count();
            prop_assert!(private(&plain) <= private(&html));
        }
    }
}
