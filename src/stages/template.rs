//! Stage `template`: site template lines off, the document title kept once as line one.
//!
//! Templates are data: `data/sites.toml` (compiled in) plus the `sites` of the run's config.
//! Each rule is a regular expression over a line's *key* (see [`rule_key`]), so one rule
//! matches every spelling mirrors use. A site is recognised on a page only when enough of its
//! lines are there (`min_lines`); an unrecognised page passes unchanged.
//!
//! Output layout, as in the gold files: the title (when the template names one), a blank line,
//! then the body. The stage records where the body starts and whether the site cuts its body
//! into preview chunks, for the `chunks` stage.
//!
//! Most lines a page's ends hold are body text, and a key costs a conversion. So a line gets
//! its key only when some rule may match it, as `filter` tells from the raw line's first and
//! last characters; then only those rules are run; and a line that recurs across pages (the
//! site's own template lines) is classified once per thread (`cache`). Neither changes any
//! result: both only skip work whose outcome is known.

mod cache;
mod filter;
mod key;
mod lines;

use std::sync::Arc;

use regex::{Regex, RegexSet};
use serde::Deserialize;

use crate::chars::trim;
use crate::config::SiteRules;
use crate::converter::Converter;
use crate::page::Page;
use crate::stages::Stage;
use crate::tables::Tables;
use filter::{Folds, RuleFilter, Rules};
pub use key::rule_key;
use lines::Keys;

/// The built-in site templates.
static BUILTIN: &str = include_str!("../../data/sites.toml");

/// How far down the page the head region may reach, in lines.
const HEAD_SCAN_LINES: usize = 80;
/// Template lines are short: longer lines are body text and skip the key computation (which
/// converts the line, the stage's main cost). The copyright line, the longest text line of the
/// known templates, is about 300 bytes.
const MAX_TEMPLATE_LINE: usize = 600;
/// Image and markup lines (`![title](data:…)`, `<image>…`) can carry long URLs.
const MAX_MARKUP_LINE: usize = 8192;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SitesFile {
    site: Vec<SiteRules>,
}

/// One site, compiled: every rule in one `RegexSet` (for lines the filter cannot tell), and
/// each alone.
#[derive(Debug)]
struct Site {
    min_lines: usize,
    chunks: bool,
    rules: RegexSet,
    /// What each rule of `rules` says, as a `Role` bit.
    roles: Vec<u8>,
    /// The rules again, each alone, in the order of `rules`: title rules first (`titles` of
    /// them), for their `title` capture and for lines the filter leaves few rules for.
    each: Vec<Regex>,
    titles: usize,
    /// For each rule, the number of its pattern among all sites' rules: sites that share a
    /// pattern share its results on a line.
    ids: Vec<usize>,
    /// The number of its first rule among all sites' rules (see [`RuleFilter`]).
    offset: usize,
    /// `kind_rules[kinds]`: its rules of the kinds in `kinds`, numbered among all sites' rules.
    kind_rules: [Rules; 32],
    /// The kinds an empty key matches (a line of tags alone).
    empty_roles: u8,
}

/// Rule kinds, as bits (a line can match several).
const TITLE: u8 = 1;
const HEAD: u8 = 2;
const TAIL: u8 = 4;
const BLOCK: u8 = 8;
const ITEM: u8 = 16;

/// The compiled templates: built-in ones first, then the user's.
#[derive(Debug)]
pub struct TemplateSet {
    sites: Vec<Site>,
    /// What the run's converter can make of a line's end characters; `None` when
    /// [`filter::ends`] does not tell the ends of its keys (a conversion table could, in
    /// principle, make them depend on more of the line).
    folds: Option<Folds>,
    /// Lines no rule of a site can match, told without their key; `None`: ask the rules always.
    filter: Option<RuleFilter>,
    /// The rule kinds of recurring lines, for every site.
    cache: cache::LineCache,
}

impl Default for TemplateSet {
    fn default() -> Self {
        TemplateSet::new(&[], &Converter::new()).expect("built-in site rules compile")
    }
}

impl TemplateSet {
    /// Compiles the built-in rules and `extra` for keys made with `converter`; an invalid rule
    /// is an error naming it.
    pub fn new(extra: &[SiteRules], converter: &Converter) -> Result<Self, String> {
        let builtin: SitesFile =
            toml::from_str(BUILTIN).map_err(|e| format!("data/sites.toml: {e}"))?;
        let folds = Folds::new(converter);
        let mut sites: Vec<Site> = builtin
            .site
            .iter()
            .chain(extra)
            .map(compile)
            .collect::<Result<_, _>>()?;
        // Rules are numbered across sites, for the filter; equal patterns get one id, so
        // sites that share a rule share its results on a line.
        let mut offset = 0;
        let mut patterns: Vec<String> = Vec::new();
        for site in &mut sites {
            site.offset = offset;
            for (kinds, rules) in site.kind_rules.iter_mut().enumerate() {
                for (i, &role) in site.roles.iter().enumerate() {
                    if role & kinds as u8 != 0 && offset + i < Rules::BITS as usize {
                        *rules |= 1 << (offset + i);
                    }
                }
            }
            offset += site.each.len();
            site.ids = site
                .each
                .iter()
                .map(|re| {
                    patterns
                        .iter()
                        .position(|p| p == re.as_str())
                        .unwrap_or_else(|| {
                            patterns.push(re.as_str().to_string());
                            patterns.len() - 1
                        })
                })
                .collect();
        }
        let all: Vec<&str> = sites
            .iter()
            .flat_map(|s| s.each.iter().map(Regex::as_str))
            .collect();
        let filter = folds
            .as_ref()
            .and_then(|folds| RuleFilter::new(&all, folds));
        Ok(TemplateSet {
            sites,
            folds,
            filter,
            cache: Default::default(),
        })
    }
}

fn compile(rules: &SiteRules) -> Result<Site, String> {
    let name = &rules.name;
    let groups: [(&str, &[String], u8); 5] = [
        ("title", &rules.title, TITLE),
        ("head", &rules.head, HEAD),
        ("tail", &rules.tail, TAIL),
        ("tail_block", &rules.tail_block, BLOCK),
        ("tail_items", &rules.tail_items, ITEM),
    ];
    let mut patterns = Vec::new();
    let mut roles = Vec::new();
    let mut each = Vec::new();
    for (field, pats, role) in groups {
        for p in pats {
            // Compiled alone, so an error names its rule.
            each.push(
                Regex::new(p).map_err(|e| format!("site {name:?}, {field} rule {p:?}: {e}"))?,
            );
            patterns.push(p.as_str());
            roles.push(role);
        }
    }
    let titles = rules.title.len();
    if let Some(bad) = each[..titles]
        .iter()
        .find(|r| !r.capture_names().any(|n| n == Some("title")))
    {
        return Err(format!(
            "site {name:?}: title rule {:?} has no (?P<title>…) group",
            bad.as_str()
        ));
    }
    if rules.min_lines == 0 {
        return Err(format!("site {name:?}: min_lines must be at least 1"));
    }
    let rules_set = RegexSet::new(&patterns).map_err(|e| format!("site {name:?}: {e}"))?;
    let empty_roles = classify(&rules_set, &roles, "");
    Ok(Site {
        min_lines: rules.min_lines,
        chunks: rules.chunks,
        rules: rules_set,
        roles,
        each,
        titles,
        ids: Vec::new(),
        offset: 0,
        kind_rules: [0; 32],
        empty_roles,
    })
}

/// The kinds of the rules of `rules` (with `roles`) that `key` matches.
fn classify(rules: &RegexSet, roles: &[u8], key: &str) -> u8 {
    rules.matches(key).iter().fold(0, |acc, r| acc | roles[r])
}

/// The stage: the compiled templates (built-in and the run's), keyed with the shared tables.
#[derive(Debug)]
pub struct Template {
    tables: Arc<Tables>,
    templates: TemplateSet,
}

impl Template {
    /// Compiles the built-in templates and `extra` (the run's `sites`); the error names the
    /// bad rule.
    pub fn new(extra: &[SiteRules], tables: &Arc<Tables>) -> Result<Self, String> {
        Ok(Template {
            templates: TemplateSet::new(extra, &tables.converter)?,
            tables: Arc::clone(tables),
        })
    }
}

impl Stage for Template {
    fn apply(&self, page: &mut Page) -> u64 {
        apply_with(page, &self.tables.converter, &self.templates)
    }
}

/// The stage, with keys made by `converter` (the one `templates` was built for).
fn apply_with(page: &mut Page, converter: &Converter, templates: &TemplateSet) -> u64 {
    let lines = crate::chars::split_lines(&page.text);
    let keys = Keys::new(&lines, converter, templates);
    let all: Vec<usize> = (0..lines.len()).collect();
    let Some((site, first)) = best_site(&all, &keys, templates) else {
        return 0;
    };
    let mut kept = first.kept(&all);
    let mut removed = first.removed;
    // Removing lines can bring template lines together that only now look like a template
    // (a tail block that sat above head lines): repeat on what is kept until it stands still,
    // so a second run finds nothing to do. The keys computed so far are reused.
    for _ in 0..3 {
        let Some((_, again)) = best_site(&kept, &keys, templates) else {
            break;
        };
        kept = again.kept(&kept);
        removed += again.removed;
    }
    // Blank lines around the body are layout, not content.
    let blank = |i: &usize| trim(lines[*i]).is_empty();
    let body = &kept[kept.iter().take_while(|i| blank(i)).count()..];
    let body = &body[..body.len() - body.iter().rev().take_while(|i| blank(i)).count()];

    let mut text = String::with_capacity(page.text.len());
    if let Some(t) = first.title.as_deref().filter(|t| !t.is_empty()) {
        text.push_str(t);
        text.push_str("\n\n");
    }
    page.body_start = text.len();
    page.chunk_start = None;
    // Where line `i` starts in the page.
    let start = |i: usize| lines[i].as_ptr() as usize - page.text.as_ptr() as usize;
    let mut n = 0;
    while n < body.len() {
        // A run of lines that follow each other on the page is one slice of it.
        let run = 1 + body[n + 1..]
            .iter()
            .zip(&body[n..])
            .take_while(|(i, prev)| **i == **prev + 1)
            .count();
        let (from, to) = (body[n], body[n + run - 1]);
        if n > 0 {
            text.push('\n');
        }
        // Lines a mirror host put above the site's own head stay, but chunks start after it.
        if page.chunk_start.is_none() {
            page.chunk_start = (from.max(first.after_head)..=to)
                .find(|&i| !trim(lines[i]).is_empty())
                .map(|i| text.len() + start(i) - start(from));
        }
        text.push_str(&page.text[start(from)..start(to) + lines[to].len()]);
        n += run;
    }
    page.chunked = site.chunks;
    page.text = text;
    removed
}

/// The recognised site that explains most of the lines `idx` (the first on a tie), applied.
fn best_site<'t>(
    idx: &[usize],
    keys: &Keys,
    templates: &'t TemplateSet,
) -> Option<(&'t Site, Applied)> {
    let mut best: Option<(&Site, Applied)> = None;
    for (s, site) in templates.sites.iter().enumerate() {
        if let Some(result) = apply_site(s, site, idx, keys) {
            if best.as_ref().is_none_or(|(_, b)| result.hits > b.hits) {
                best = Some((site, result));
            }
        }
    }
    best.filter(|(_, a)| a.removed > 0)
}

struct Applied {
    hits: usize,
    title: Option<String>,
    /// The lines kept are those of `idx[..tail_start]` (`idx`: the lines the site was applied
    /// to) but for the positions `dropped`, ascending.
    tail_start: usize,
    dropped: Vec<usize>,
    /// The first line after the site's head region, as an index into the page's lines.
    after_head: usize,
    removed: u64,
}

impl Applied {
    /// The lines kept, as indices into the page's lines; made only for the site that applies.
    fn kept(&self, idx: &[usize]) -> Vec<usize> {
        let mut kept = Vec::with_capacity(self.tail_start);
        let mut dropped = self.dropped.iter().peekable();
        for (n, &line) in idx[..self.tail_start].iter().enumerate() {
            if dropped.next_if_eq(&&n).is_none() {
                kept.push(line);
            }
        }
        kept
    }
}

/// Applies one site's rules to the lines `idx`; `None` when the site is not recognised.
fn apply_site(s: usize, site: &Site, idx: &[usize], keys: &Keys) -> Option<Applied> {
    // The kinds each scan asks for, so that the filter only has to clear those rules.
    let role = |n: usize, kinds: u8| keys.roles(s, site, idx[n], kinds);
    let blank = |n: usize| keys.blank(idx[n]);

    // Head: the region ends at the last title or head line among the first lines.
    let mut title: Option<String> = None;
    let mut head_end = 0;
    let mut hits = 0;
    for (n, &line) in idx.iter().enumerate().take(HEAD_SCAN_LINES) {
        let r = role(n, TITLE | HEAD);
        if r & TITLE != 0 && title.is_none() {
            title = keys.title(site, line);
        }
        if r & (TITLE | HEAD) != 0 {
            hits += 1;
            head_end = n + 1;
        }
    }

    // Title repeats right after the head belong to it (`小数分数和百分数.docx`).
    let is_repeat = |n: usize| {
        title.as_deref().is_some_and(|t| {
            keys.may_start_like(idx[n], t)
                && keys
                    .get(idx[n])
                    .is_some_and(|k| k == t || strip_extension(k) == t)
        })
    };
    while head_end < idx.len() && (blank(head_end) || is_repeat(head_end)) {
        head_end += 1;
    }

    // Tail: bottom up, blank lines and tail lines; a tail block goes whole or not at all.
    // On a chunked site a line whose key is a bare chunk marker (`3、`, `3、</b></p>`) is
    // passed over like a blank line: it opens an empty chunk, which the `chunks` stage
    // deletes, and it must not hide the tail above it from this run when it cannot from the
    // next. (The key, not the raw line: the next run sees the line as `markup` left it.)
    let chunked_body = site.chunks
        && (head_end..idx.len())
            .find(|&k| !blank(k))
            .and_then(|k| keys.get(idx[k]))
            .is_some_and(|k| k.starts_with("1、"));
    let mut tail_start = idx.len();
    let mut n = idx.len();
    while n > head_end {
        let j = n - 1;
        if blank(j) || (site.chunks && keys.get(idx[j]).is_some_and(bare_marker)) {
            n = j;
            continue;
        }
        // A chunk that opens below a tail line is glued to it by `chunks` when the body is cut
        // into chunks (`• 1. 本站` | `2、经济` makes `• 1. 本站经济`, a tail item the next run
        // removes): it goes with it.
        if chunked_body && keys.get(idx[j]).is_some_and(opens_chunk) {
            let above = (head_end..j).rev().find(|&k| !blank(k));
            if above.is_some_and(|k| role(k, TAIL | BLOCK | ITEM) != 0) {
                n = j;
                continue;
            }
        }
        let r = role(j, TAIL | BLOCK | ITEM);
        let start = if r & (TAIL | BLOCK) != 0 {
            Some(j)
        } else if r & ITEM != 0 {
            // Maybe inside a tail block: look up for its opening line.
            (head_end..j)
                .rev()
                .find(|&k| !(blank(k) || role(k, ITEM) != 0))
                .filter(|&k| role(k, BLOCK) != 0)
        } else {
            None
        };
        let Some(k) = start else { break };
        hits += 1;
        tail_start = k;
        n = k;
    }

    if hits < site.min_lines {
        return None;
    }
    let dropped: Vec<usize> = (0..head_end.min(tail_start))
        .filter(|&n| role(n, TITLE | HEAD) != 0 || is_repeat(n))
        .collect();
    let removed = dropped.len() + (tail_start..idx.len()).filter(|&n| !blank(n)).count();
    Some(Applied {
        hits,
        title,
        tail_start,
        dropped,
        after_head: idx.get(head_end).copied().unwrap_or(usize::MAX),
        removed: removed as u64,
    })
}

/// Whether a line key is chunk markers alone (`1、`, `12、`, `2、1、`). Several: a line of
/// markers and tags (`2、<p><b>1、`) keys as one line here and is several once `markup` has
/// broken it at its block tags, each a bare marker, which the next run passes over.
fn bare_marker(key: &str) -> bool {
    key.strip_suffix('、').is_some_and(|ns| {
        ns.split('、')
            .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    })
}

/// Whether a line key starts with a chunk marker other than the first (`2、…`).
fn opens_chunk(key: &str) -> bool {
    let digits = key.bytes().take_while(u8::is_ascii_digit).count();
    digits > 0 && key[digits..].starts_with('、') && &key[..digits] != "1"
}

/// Drops a trailing document-file extension from a title.
fn strip_extension(title: &str) -> String {
    let t = title.trim();
    if let Some(dot) = t.rfind('.') {
        let ext = t[dot + 1..].to_ascii_lowercase();
        if matches!(
            ext.as_str(),
            "doc" | "docx" | "pdf" | "ppt" | "pptx" | "xls" | "xlsx" | "txt" | "wps" | "rtf"
        ) {
            return t[..dot].trim_end().to_string();
        }
    }
    t.to_string()
}

#[cfg(test)]
mod tests {
    use super::key::{is_dropped_tag, strip_tags, tag_re};
    use super::*;
    use crate::{Cleaner, Config};

    fn run(text: &str) -> (String, u64) {
        let cleaner = Cleaner::new(Config::default()).unwrap();
        let mut page = Page {
            text: text.to_string(),
            ..Page::default()
        };
        let n = cleaner.stage("template").unwrap().apply(&mut page);
        (page.text, n)
    }

    #[test]
    fn keys_unify_spellings() {
        let c = Converter::new();
        for line in [
            "已閱讀5頁(yè),還剩13頁(yè)未讀, 繼續(xù)免費(fèi)閱讀",
            "已閱讀5頁,還剩13頁未讀,繼續免費閱讀",
            "已阅读5页，还剩13页未读，继续免费阅读",
        ] {
            assert_eq!(
                rule_key(line, &c),
                "已阅读5页,还剩13页未读,继续免费阅读",
                "{line}"
            );
        }
    }

    #[test]
    fn renrendoc_page_keeps_title_and_body() {
        let raw = "如何推進(jìn)經(jīng)濟(jì)_第1頁(yè)\n如何推進(jìn)經(jīng)濟(jì)_第2頁(yè)\n全文預(yù)覽已結(jié)束\n\n下載本文檔\n\n\
版權(quán)說明:本文檔由用戶提供并上傳,收益歸屬內(nèi)容提供方,若內(nèi)容存在侵權(quán),請(qǐng)進(jìn)行舉報(bào)或認(rèn)領(lǐng)\n\n文檔簡(jiǎn)介\n\n\
1、正文第一段\n\n2、正文\n\n溫馨提示\n\n  • 1. 本站所有資源如無特殊說明\n  • 2. 本站的文檔\n\n評(píng)論\n\n0/150\n\n提交評(píng)論";
        let (out, n) = run(raw);
        assert_eq!(out, "如何推进经济\n\n1、正文第一段\n\n2、正文");
        assert_eq!(n, 12);
    }

    /// A bare chunk marker at the end (an empty chunk, which `chunks` deletes) does not keep
    /// the tail block above it: otherwise a second cleaning would remove what the first kept.
    #[test]
    fn a_bare_chunk_marker_does_not_hide_the_tail() {
        let raw = "\n版權(quán)說明:本文檔由用戶提供并上傳,請進行舉報或認領\n文檔簡介\n\n溫馨提示\n\
• 1. 本站\n\n溫馨提示\n• 1. 本站\n\n版權(quán)說明:本文檔由用戶提供并上傳,請進行舉報或認領\n文檔簡介\n1、";
        let cleaner = Cleaner::new(Config::default()).unwrap();
        let once = cleaner.clean(raw).text;
        assert_eq!(once, "");
        assert_eq!(cleaner.clean(&once).text, once);
        // The same with tags around the marker, which `markup` removes before a second run.
        let tagged = "\n溫馨提示\n• 1. 本站\n\n溫馨提示\n• 1. 本站\n\n\n2、</b></p>";
        let once = cleaner.clean(tagged).text;
        assert_eq!(once, "");
        // Two markers in one line of tags, which `markup` breaks in two (a case proptest
        // found: the first run kept the page, the second emptied it).
        let two = "\n溫馨提示\n• 1. 本站\n\n\n2、<p><b>1、\n溫馨提示\n• 1. 本站\n</b></p>";
        let once = cleaner.clean(two).text;
        assert_eq!(once, "");
        // A marker that starts a chunk with text in it stops the tail as any text does.
        let kept = "下載本文檔\n文檔簡介\n\n溫馨提示\n• 1. 本站\n3、正文";
        assert_eq!(run(kept).0, "溫馨提示\n• 1. 本站\n3、正文");
        // On a body cut into chunks, a chunk below a tail line is glued to it (and would be
        // removed by a second run): it goes with the tail (a case proptest found).
        let glued =
            "\n版權(quán)說明:本文檔由用戶提供并上传,請進行舉報或認領\n文檔簡介\n1、\n溫馨提示\n\
• 1. 本站\n\n溫馨提示\n• 1. 本站\n\n\n2、經(jīng)濟(jì)";
        let once = cleaner.clean(glued).text;
        assert_eq!(once, "");
    }

    #[test]
    fn image_lines_give_the_title_without_extension() {
        let raw = "![同聲傳譯系統(tǒng)設(shè)計(jì)方案.doc_第1頁](http://x/1.gif)\n\
![同聲傳譯系統(tǒng)設(shè)計(jì)方案.doc_第2頁](http://x/2.gif)\n版權說明:本文檔由用戶提供并上傳,若內容存在侵權,請進行舉報或認領\n文檔簡介\n正文";
        assert_eq!(run(raw).0, "同声传译系统设计方案\n\n正文");
    }

    #[test]
    fn pages_without_the_template_are_untouched() {
        for s in [
            "文档简介\n一篇正文，只提到了文档简介。",
            "下载本文档\n正文",
            "普通的正文\n\n第二段",
            "温馨提示\n1. 注意安全",
        ] {
            assert_eq!(run(s), (s.to_string(), 0), "{s}");
        }
    }

    #[test]
    fn a_tail_block_with_foreign_lines_stays() {
        let raw = "版权说明:本文档由用户提供并上传,请进行举报或认领\n文档简介\n正文\n温馨提示\n这是正文的一部分，不是条目";
        assert_eq!(run(raw).0, "正文\n温馨提示\n这是正文的一部分，不是条目");
    }

    #[test]
    fn dropped_tags_are_those_of_the_tag_pattern() {
        for span in [
            "<p>",
            "</P>",
            "<br/>",
            "<br />",
            "<div class=\"page\">",
            "<h3>",
            "<h7>",
            "<img src=x>",
            "<image>",
            "<b2>",
            "<b-x>",
            "<p/x>",
            "<p/ >",
            "<//p>",
            "</>",
            "<>",
            "<ſpan>",
            "<span\u{3000}x>",
            "<td\x0b>",
            "<a\nhref=y>",
            "<TBODY >",
            "<strong/>",
            "<span style=\"font-family:宋體\">",
            "<p宋>",
            "<p 宋>",
            "<p/宋>",
            "<宋>",
        ] {
            assert_eq!(is_dropped_tag(span), tag_re().is_match(span), "{span:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn dropped_tags_match_the_pattern(inner in "[/ pPbBrRsSiIdDvVhH1-7aAnNtTlLoOgGmMcCeEuU=\"\t\x0bſ\u{212A}\u{3000}宋]{0,9}") {
            let span = format!("<{inner}>");
            proptest::prop_assert_eq!(is_dropped_tag(&span), tag_re().is_match(&span));
        }
    }

    proptest::proptest! {
        #[test]
        fn strip_tags_is_the_tag_pattern_replaced(line in "(<|>|/| |p|B|r|i|a=|x|宋|ſ|\\(){0,24}") {
            proptest::prop_assert_eq!(strip_tags(&line), tag_re().replace_all(&line, ""));
        }
    }

    /// Lines of the kinds the stage meets: template lines in their spellings (annotated,
    /// traditional, in tags, as images), body lines that look a little like them, markup.
    const POOL: &[&str] = &[
        "如何推進(jìn)經(jīng)濟(jì)_第1頁(yè)",
        "如何推進經濟_第2頁",
        "![同聲傳譯系統(tǒng)設(shè)計(jì)方案.doc_第1頁](http://x/1.gif)",
        "<image>![標題_第1頁](http://x/1.gif)</image>",
        "<img src=\"x\" alt=\"標題.pdf_第3頁\">",
        "已閱讀5頁(yè),還剩13頁(yè)未讀, 繼續(xù)免費(fèi)閱讀",
        "全文預(yù)覽已結(jié)束",
        "<p><b>下載本文檔</b></p>",
        "下载本文档 ",
        "版權(quán)說明:本文檔由用戶提供并上傳,若內(nèi)容存在侵權(quán),請(qǐng)進(jìn)行舉報(bào)或認(rèn)領(lǐng)",
        "文檔簡(jiǎn)介",
        "　文檔簡介　",
        "文檔簡(jian)介（jiè）",
        "如何推進(jin) 經濟_第2頁(ye) ",
        "溫馨提示",
        "  • 1. 本站所有資源如無特殊說明",
        "2. 本站的文檔",
        "評(píng)論",
        "0/150",
        "提交評論",
        "《設(shè)計(jì)方案》由會員分享,可在線閱讀,更多相關(guān)《設(shè)計(jì)》請在本站上搜索。",
        "上傳人:張三文檔編號(hào):12上傳時間:2020",
        "第1頁/共3頁",
        "資源描述",
        "如何推進(jìn)經(jīng)濟(jì)",
        "如何推进经济.docx",
        "1、正文第一段",
        "3. 正文里的条目",
        "正文提到了下载本文档。",
        "正文(服務(wù))事項",
        "見 (P239)",
        "(jīng)開頭的行",
        "經<b>(jīng)</b>",
        "<div class=\"page\">",
        "</div>",
        "<p></p>",
        "<span style=\"font-family:宋體\">條目</span>(E)",
        "Unit 1 Cinderella",
        "ＡＢＣ，正文！",
        "",
        "   ",
    ];

    /// The built-in templates with the filter off: every line keyed and asked of the rules.
    fn unfiltered() -> TemplateSet {
        TemplateSet {
            folds: None,
            filter: None,
            ..TemplateSet::default()
        }
    }

    proptest::proptest! {
        #[test]
        fn the_filter_changes_no_result(
            pages in proptest::collection::vec(
                proptest::collection::vec(0..POOL.len(), 0..30), 1..4)
        ) {
            let converter = Converter::new();
            let (filtered, unfiltered) = (TemplateSet::default(), unfiltered());
            // Pages in a row, so that lines recur and the cache of recurring lines is used.
            for picks in &pages {
                let text = picks.iter().map(|&p| POOL[p]).collect::<Vec<_>>().join("\n");
                let run = |templates: &TemplateSet| {
                    let mut page = Page { text: text.clone(), ..Page::default() };
                    let n = apply_with(&mut page, &converter, templates);
                    (page.text, n, page.body_start, page.chunk_start, page.chunked)
                };
                proptest::prop_assert_eq!(run(&filtered), run(&unfiltered), "{:?}", text);
            }
        }
    }

    #[test]
    fn bad_user_rules_are_reported() {
        let bad = SiteRules {
            name: "x".into(),
            min_lines: 1,
            chunks: false,
            title: vec!["^(no group)$".into()],
            head: vec![],
            tail: vec![],
            tail_block: vec![],
            tail_items: vec![],
        };
        let err = TemplateSet::new(&[bad], &Converter::new()).unwrap_err();
        assert!(err.contains("no (?P<title>…) group"), "{err}");
    }
}
