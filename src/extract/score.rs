//! Which parts of a parsed page are its main text: readability-style block scoring.
//!
//! Three steps over the tree, all iterative:
//!
//! 1. **Visibility**: elements that never hold reading text are out with everything under
//!    them: `head`, `script`, `style`, `noscript`, `template`, `svg`, form controls, ruby
//!    annotations (`rt`, `rp`), hidden elements (`hidden`, `aria-hidden`, `display:none`).
//! 2. **Statistics**, bottom-up: per element, its visible characters (whitespace aside), those
//!    inside links, its Chinese sentence punctuation and its links.
//! 3. **The content root**, as Mozilla's Readability chooses it: every paragraph-like block
//!    (`p`, `pre`, `td`, `li`, a `div` holding text itself, ...) scores 1 + its punctuation +
//!    a length bonus, and hands that score to its ancestors (all of it to its parent, half to
//!    the grandparent, then a third per level); an element's score is then weighted by its
//!    tag and by words in its `id`/`class` (`article`, `content` vs `nav`, `comment`, ...)
//!    and scaled by how little of its text is links. The best-scoring element is the content
//!    root; it is widened to its parent when the parent scores better (content split into
//!    sections), or to the common ancestor of several near-best candidates.
//!
//! Rendering ([`super::render`]) then walks the root and its content-like siblings, and
//! leaves out chrome met on the way ([`Scored::is_chrome`]): navigation, menus and other
//! link-dense blocks, blocks whose `id`/`class` say they are comments, ads, sharing
//! buttons, ...

use super::dom::{flag, Dom, Id, Kind, NONE};

/// Characters per unit of a block's length bonus: Chinese says in 40 characters what
/// English says in 100 (Readability's unit).
const CHARS_PER_POINT: usize = 40;
/// Shortest block (in characters) that scores at all.
const MIN_BLOCK_CHARS: usize = 10;

/// Per-element statistics.
#[derive(Debug, Default, Clone, Copy)]
pub struct Stats {
    /// Visible non-whitespace characters.
    pub chars: u32,
    /// Of which inside links.
    pub link_chars: u32,
    /// Han characters, and those inside links.
    pub han: u32,
    pub link_han: u32,
    /// Chinese (and ASCII) sentence punctuation.
    pub punct: u32,
    pub links: u32,
    /// Readability's content score (0 for elements no block handed a score to).
    pub score: f32,
}

/// Han characters enough for link density to be measured on them alone.
const MIN_HAN_FOR_DENSITY: u32 = 10;

impl Stats {
    /// The share of the text inside links. On Chinese text it is the share of the Han
    /// characters: a table whose cells link package names, sizes and versions (Latin and
    /// digits) but describe them in Chinese is text, while a Chinese menu links all of its
    /// Han characters.
    pub fn link_density(&self) -> f32 {
        if self.han >= MIN_HAN_FOR_DENSITY {
            self.link_han as f32 / self.han as f32
        } else if self.chars == 0 {
            0.0
        } else {
            self.link_chars as f32 / self.chars as f32
        }
    }
}

/// A scored page.
pub struct Scored<'d> {
    pub dom: &'d Dom,
    pub stats: Vec<Stats>,
    /// Elements left out with everything under them (step 1).
    pub invisible: Vec<bool>,
    /// The content root, if the page has any text.
    pub root: Option<Id>,
    /// Children of the root's parent rendered with it, in document order (the root among
    /// them).
    pub parts: Vec<Id>,
}

/// Elements whose content is never reading text.
fn never_text(tag: &str) -> bool {
    matches!(
        tag,
        "head"
            | "script"
            | "style"
            | "noscript"
            | "template"
            | "svg"
            | "math"
            | "iframe"
            | "object"
            | "embed"
            | "canvas"
            | "audio"
            | "video"
            | "map"
            | "input"
            | "select"
            | "textarea"
            | "button"
            | "option"
            | "datalist"
            | "rt"
            | "rp"
            | "title"
            | "meta"
            | "link"
            | "base"
            | "dialog"
    )
}

/// Blocks whose text is a unit of the page: they score and hand their score up.
fn is_paragraph(tag: &str) -> bool {
    super::render::is_heading(tag)
        || matches!(
            tag,
            "p" | "pre"
                | "td"
                | "th"
                | "li"
                | "dd"
                | "dt"
                | "blockquote"
                | "figcaption"
                | "address"
        )
}

/// Readability's weights by tag.
fn tag_weight(tag: &str) -> f32 {
    match tag {
        "div" | "article" | "main" | "section" => 5.0,
        "pre" | "td" | "blockquote" => 3.0,
        "address" | "ol" | "ul" | "dl" | "dd" | "dt" | "li" | "form" => -3.0,
        "th" => -5.0,
        _ if super::render::is_heading(tag) => -5.0,
        _ => 0.0,
    }
}

/// Words in an `id` or `class` that mark the main text.
#[rustfmt::skip]
const POSITIVE: &[&str] = &[
    "article", "body", "content", "entry", "main", "page", "post", "text", "blog", "story",
    "chapter", "section", "preface", "appendix", "detail", "news",
    // Pinyin names Chinese sites use: body text, content, article.
    "zhengwen", "neirong", "wenzhang",
];
/// Words that mark chrome.
#[rustfmt::skip]
const NEGATIVE: &[&str] = &[
    "nav", "navbar", "navigation", "navheader", "navfooter", "menu", "breadcrumb",
    "breadcrumbs", "crumb", "crumbs", "sidebar", "side", "aside", "widget", "footer", "foot",
    "header", "masthead", "banner", "comment", "comments", "reply", "related", "recommend",
    "share", "social", "pagination", "pager", "paging", "ad", "ads", "advert", "advertisement",
    "sponsor", "promo", "popup", "modal", "cookie", "login", "signin", "register", "search",
    "toolbar", "tags", "tag", "copyright", "hot", "rank", "links", "friendlink", "toc", "meta",
    "byline", "dateline", "info",
    // Pinyin names: comments, messages, related, recommended, popular, share, ads,
    // position (the breadcrumb's "当前位置"), paging.
    "pinglun", "liuyan", "xiangguan", "tuijian", "remen", "fenxiang", "guanggao", "weizhi",
    "fenye",
];

/// Splits hints into words (`post-content_main` -> `post`, `content`, `main`).
fn words(hints: &str) -> impl Iterator<Item = &str> {
    hints
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
}

/// Whether `hints` name main text, and whether they name chrome.
pub fn hint_words(hints: &str) -> (bool, bool) {
    let pos = words(hints).any(|w| POSITIVE.contains(&w));
    let neg = words(hints).any(|w| NEGATIVE.contains(&w));
    (pos, neg)
}

/// +1 for main-text hints, -1 for chrome hints, 0 for both or neither.
pub fn hint_sign(hints: &str) -> i32 {
    let (pos, neg) = hint_words(hints);
    i32::from(pos) - i32::from(neg)
}

/// Sentence punctuation: the commas and stops Readability counts, Chinese and ASCII.
fn is_punct(c: char) -> bool {
    matches!(
        c,
        '，' | '。' | '、' | '；' | '！' | '？' | '：' | ',' | ';'
    )
}

impl<'d> Scored<'d> {
    /// Scores `dom` and picks its content root.
    pub fn new(dom: &'d Dom) -> Scored<'d> {
        let n = dom.nodes.len();
        let mut s = Scored {
            dom,
            stats: vec![Stats::default(); n],
            invisible: vec![false; n],
            root: None,
            parts: Vec::new(),
        };
        let order = s.visible_order();
        s.count(&order);
        s.score(&order);
        s.pick_root(&order);
        s
    }

    fn hints(&self, id: Id) -> (&str, u8) {
        match &self.dom.node(id).kind {
            Kind::Element { hints, flags } => (hints, *flags),
            _ => ("", 0),
        }
    }

    /// Marks invisible elements; returns the visible nodes in document order.
    fn visible_order(&mut self) -> Vec<Id> {
        let dom = self.dom;
        let mut order = Vec::with_capacity(dom.nodes.len());
        let mut at = Some(Dom::ROOT);
        while let Some(id) = at {
            let (_, flags) = self.hints(id);
            let tag = dom.tag(id);
            let out = matches!(dom.node(id).kind, Kind::Other)
                || (matches!(dom.node(id).kind, Kind::Element { .. })
                    && (never_text(tag) || flags & flag::HIDDEN != 0));
            if out {
                self.invisible[id as usize] = true;
                at = dom.following_skipping(id, Dom::ROOT);
            } else {
                order.push(id);
                at = dom.following(id, Dom::ROOT);
            }
        }
        order
    }

    /// Bottom-up statistics (children come after their parent in `order`).
    fn count(&mut self, order: &[Id]) {
        let dom = self.dom;
        for &id in order.iter().rev() {
            let node = dom.node(id);
            let mut st = self.stats[id as usize];
            match &node.kind {
                Kind::Text(t) => {
                    for c in t.chars() {
                        if !c.is_whitespace() {
                            st.chars += 1;
                            st.punct += u32::from(is_punct(c));
                            st.han += u32::from(crate::chars::is_han(c));
                        }
                    }
                }
                Kind::Element { flags, .. } if flags & flag::LINK != 0 => {
                    st.links += 1;
                    st.link_chars = st.chars;
                    st.link_han = st.han;
                }
                _ => {}
            }
            self.stats[id as usize] = st;
            if node.parent != NONE {
                let p = &mut self.stats[node.parent as usize];
                p.chars += st.chars;
                p.link_chars += st.link_chars;
                p.han += st.han;
                p.link_han += st.link_han;
                p.punct += st.punct;
                p.links += st.links;
            }
        }
    }

    /// Whether `id` is an element that holds text of its own (a `div` used as a paragraph).
    fn has_own_text(&self, id: Id) -> bool {
        let own: usize = self
            .dom
            .children(id)
            .filter_map(|c| match &self.dom.node(c).kind {
                Kind::Text(t) => Some(t.chars().filter(|c| !c.is_whitespace()).count()),
                _ => None,
            })
            .sum();
        own >= MIN_BLOCK_CHARS
    }

    /// Readability's scores: blocks hand theirs to five levels of ancestors.
    fn score(&mut self, order: &[Id]) {
        let dom = self.dom;
        for &id in order {
            if !matches!(dom.node(id).kind, Kind::Element { .. }) {
                continue;
            }
            let tag = dom.tag(id);
            if !(is_paragraph(tag) || self.has_own_text(id)) {
                continue;
            }
            // Only text outside links counts: a cell or item that is one link (a menu entry,
            // a headline in a list) is no paragraph.
            let st = self.stats[id as usize];
            let prose = (st.chars - st.link_chars) as usize;
            if prose < MIN_BLOCK_CHARS {
                continue;
            }
            let own = 1.0 + st.punct as f32 + ((prose / CHARS_PER_POINT) as f32).min(3.0);
            let mut up = dom.node(id).parent;
            let mut level = 0;
            while up != NONE && up != Dom::ROOT && level < 5 {
                let divider = match level {
                    0 => 1.0,
                    1 => 2.0,
                    _ => level as f32 * 3.0,
                };
                self.stats[up as usize].score += own / divider;
                up = dom.node(up).parent;
                level += 1;
            }
        }
    }

    /// An element's final score: its content score with the tag and hint weights, scaled by
    /// how little of its text is links.
    pub fn weighted(&self, id: Id) -> f32 {
        let st = self.stats[id as usize];
        if st.score == 0.0 {
            return 0.0;
        }
        let (hints, flags) = self.hints(id);
        let mut w = tag_weight(self.dom.tag(id)) + 25.0 * hint_sign(hints) as f32;
        if flags & flag::ROLE_MAIN != 0 {
            w += 25.0;
        }
        if flags & flag::ROLE_CHROME != 0 {
            w -= 25.0;
        }
        (st.score + w) * (1.0 - st.link_density())
    }

    fn pick_root(&mut self, order: &[Id]) {
        let dom = self.dom;
        let candidates: Vec<(Id, f32)> = order
            .iter()
            .copied()
            .filter(|&id| self.stats[id as usize].score > 0.0)
            .map(|id| (id, self.weighted(id)))
            .collect();
        let Some(&(mut top, top_score)) = candidates
            .iter()
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
        else {
            // No scoring block at all: the whole body (or document).
            let body = order.iter().copied().find(|&id| dom.tag(id) == "body");
            self.root = body.or(Some(Dom::ROOT));
            self.parts = self.root.into_iter().collect();
            return;
        };
        // Several near-best candidates: their common ancestor holds the text (Readability
        // widens when three or more score within 75 % of the best).
        let near: Vec<Id> = candidates
            .iter()
            .filter(|&&(id, s)| id != top && s >= 0.75 * top_score)
            .map(|&(id, _)| id)
            .collect();
        if near.len() >= 3 {
            let chain = self.ancestors(top);
            let mut covering = 0;
            for &anc in &chain {
                covering = near.iter().filter(|&&c| self.is_under(c, anc)).count();
                if covering >= 3 {
                    top = anc;
                    break;
                }
            }
            let _ = covering;
        }
        // Content split into parts that each score on their own (a chapter's introduction,
        // notes and sections): while the other children of the root's parent that are not
        // chrome score at least a fifth of what the root does, the parent is the root.
        loop {
            let p = dom.node(top).parent;
            if p == NONE || p == Dom::ROOT || dom.tag(p) == "body" {
                break;
            }
            let others: f32 = dom
                .children(p)
                .filter(|&c| c != top && !self.invisible[c as usize] && !self.is_chrome(c))
                .map(|c| self.weighted(c).max(0.0))
                .sum();
            if others < 0.2 * self.weighted(top) {
                break;
            }
            top = p;
        }
        // A lone child stands for its parent.
        loop {
            let p = dom.node(top).parent;
            if p == NONE || p == Dom::ROOT || dom.tag(p) == "body" {
                break;
            }
            let element_children = dom
                .children(p)
                .filter(|&c| self.stats[c as usize].chars > 0)
                .count();
            if element_children != 1 {
                break;
            }
            top = p;
        }
        self.root = Some(top);
        self.parts = self.siblings_with(top);
    }

    /// `id` and its ancestors, innermost first.
    fn ancestors(&self, mut id: Id) -> Vec<Id> {
        let mut v = Vec::new();
        while id != NONE && id != Dom::ROOT {
            v.push(id);
            id = self.dom.node(id).parent;
        }
        v
    }

    fn is_under(&self, mut id: Id, anc: Id) -> bool {
        while id != NONE {
            if id == anc {
                return true;
            }
            id = self.dom.node(id).parent;
        }
        false
    }

    /// The root and those of its siblings that read as more of the same text (Readability's
    /// sibling rule, with Chinese lengths): a sibling scoring at least a fifth of the root,
    /// or a paragraph of prose (long, few links, or short but ending a sentence).
    fn siblings_with(&self, root: Id) -> Vec<Id> {
        let dom = self.dom;
        let parent = dom.node(root).parent;
        if parent == NONE {
            return vec![root];
        }
        let root_score = self.weighted(root);
        let threshold = (root_score * 0.2).max(10.0);
        let root_hints = self.hints(root).0;
        dom.children(parent)
            .filter(|&c| {
                if c == root {
                    return true;
                }
                if self.invisible[c as usize] || self.is_chrome(c) {
                    return false;
                }
                let st = self.stats[c as usize];
                if st.chars == 0 {
                    return false;
                }
                let (hints, _) = self.hints(c);
                let bonus = if !root_hints.is_empty() && hints == root_hints {
                    root_score * 0.2
                } else {
                    0.0
                };
                if self.weighted(c) + bonus >= threshold {
                    return true;
                }
                let ld = st.link_density();
                let prose = st.punct > 0 && ld < 0.25;
                matches!(dom.node(c).kind, Kind::Text(_)) && st.chars as usize >= MIN_BLOCK_CHARS
                    || (dom.tag(c) == "p" || dom.tag(c) == "pre" || self.has_own_text(c))
                        && prose
                        && st.chars as usize >= MIN_BLOCK_CHARS
            })
            .collect()
    }

    /// Whether a block met while rendering the main text is chrome: navigation, a link-dense
    /// block (menu, breadcrumbs, pagination, related links), a block named as chrome.
    pub fn is_chrome(&self, id: Id) -> bool {
        let dom = self.dom;
        if !matches!(dom.node(id).kind, Kind::Element { .. }) {
            return false;
        }
        let tag = dom.tag(id);
        let (hints, flags) = self.hints(id);
        if tag == "nav" || tag == "menu" || flags & flag::ROLE_CHROME != 0 {
            return true;
        }
        // A page's header, footer and side column; inside the main text they are its own
        // (an article's header with its heading).
        if matches!(tag, "header" | "footer" | "aside")
            && !self.root.is_some_and(|r| self.is_under(id, r) && id != r)
        {
            return true;
        }
        let st = self.stats[id as usize];
        // A form that holds little text is a search box or a login or comment form (some
        // sites wrap the whole page in one form: that one holds the text).
        if tag == "form" && (st.chars < 200 || st.link_density() > 0.5) {
            return true;
        }
        // Inline elements, and the rows, cells and items of a table or list, are judged as
        // part of the block around them: a package table links every name and version.
        let part = matches!(
            tag,
            "a" | "span"
                | "b"
                | "i"
                | "em"
                | "strong"
                | "code"
                | "small"
                | "font"
                | "img"
                | "tr"
                | "td"
                | "th"
                | "tbody"
                | "thead"
                | "tfoot"
                | "li"
                | "dt"
                | "dd"
        );
        if !part && st.links >= 2 && st.link_density() > 0.5 {
            return true;
        }
        // A chrome name marks chrome, unless it also names the text and holds much of it
        // (`post-meta` is a date line, `post-content-side` may be the article).
        let (pos, neg) = hint_words(hints);
        if neg && (!pos || st.chars < 200) && !self.contains_root(id) {
            return true;
        }
        false
    }

    /// Whether the content root is `id` or under it (a block named `page-header` that holds
    /// the whole article is not chrome).
    fn contains_root(&self, id: Id) -> bool {
        self.root.is_some_and(|r| self.is_under(r, id))
    }
}
