//! The HTML5 parse: html5ever's tokenizer and tree builder, into a small arena tree that keeps
//! only what extraction reads, behind a guard that bounds the work hostile markup can cause.
//!
//! Why an arena of our own rather than a general DOM crate: every node is an index into one
//! `Vec`, so dropping a tree of any depth is one deallocation (a tree of `Rc`s drops
//! recursively and overflows the stack on deep nesting), walks are iterative, and a node costs
//! a few dozen bytes (attributes are reduced on arrival to what extraction needs).
//!
//! The guard sits between the tokenizer and the tree builder. The tree builder's own work is
//! not linear in the worst case: many of its steps walk the stack of open elements ("has a
//! `p` element in button scope" walks it all when there is none), and misnested formatting
//! tags make it rebuild the list of active formatting elements at every text. 100,000 nested
//! `<div>`s would cost it billions of steps. So, like browsers (which cap tree depth), the
//! guard bounds what the tree builder holds: when its open elements and active formatting
//! entries together reach [`MAX_OPEN`], further start tags are dropped (their text still goes
//! into the deepest element) until an end tag has closed something. It measures with the tree
//! builder's own `trace_handles`, so the bound is exact, and measures rarely while the stack is
//! shallow. It also stops building after [`MAX_NODES`] nodes (the rest of the input is
//! tokenised and ignored): memory stays bounded whatever the input.

use std::borrow::Cow;
use std::cell::{Cell, Ref, RefCell};

use html5ever::interface::{ElementFlags, NodeOrText, QuirksMode, TreeSink};
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use html5ever::tree_builder::{TreeBuilder, TreeBuilderOpts};
use html5ever::{local_name, ns, Attribute, LocalName, QualName};

/// Most open elements plus active formatting entries the tree builder may hold. Real pages
/// stay far below (a deep page nests some 40 elements); browsers cap depth at a few hundred.
pub const MAX_OPEN: usize = 256;
/// Most nodes a parse builds; a real page has well under 100,000.
pub const MAX_NODES: usize = 2_000_000;

/// Index of a node in [`Dom::nodes`].
pub type Id = u32;
/// "No node" in the links.
pub const NONE: Id = u32::MAX;

/// Element flags read from the attributes on arrival.
pub mod flag {
    /// `hidden`, `aria-hidden="true"`, or a `style` with `display:none` / `visibility:hidden`.
    pub const HIDDEN: u8 = 1;
    /// An `<a>` with an `href`.
    pub const LINK: u8 = 2;
    /// `role="navigation"`, `role="banner"`, `role="contentinfo"`, `role="complementary"`,
    /// `role="search"`, `role="menu"`.
    pub const ROLE_CHROME: u8 = 4;
    /// `role="main"`, `role="article"` or `itemprop="articleBody"`.
    pub const ROLE_MAIN: u8 = 8;
}

/// What a node is.
#[derive(Debug)]
pub enum Kind {
    Document,
    Element {
        /// `id` and `class` values, lowercased, space-separated: the hints scoring reads.
        hints: Box<str>,
        flags: u8,
    },
    Text(StrTendril),
    /// Comments, processing instructions, doctypes, template contents: never text.
    Other,
}

/// One node and its links.
#[derive(Debug)]
pub struct Node {
    pub parent: Id,
    pub first_child: Id,
    pub last_child: Id,
    pub prev: Id,
    pub next: Id,
    /// The element's name (an empty name for other nodes).
    pub name: QualName,
    pub kind: Kind,
}

/// A parsed document.
#[derive(Debug)]
pub struct Dom {
    pub nodes: Vec<Node>,
    /// Start tags the guard dropped (nesting past [`MAX_OPEN`]).
    pub dropped_tags: u64,
    /// Whether the parse stopped building at [`MAX_NODES`].
    pub truncated: bool,
}

impl Dom {
    pub const ROOT: Id = 0;

    pub fn node(&self, id: Id) -> &Node {
        &self.nodes[id as usize]
    }

    /// The children of `id`, in order.
    pub fn children(&self, id: Id) -> impl Iterator<Item = Id> + '_ {
        let mut c = self.node(id).first_child;
        std::iter::from_fn(move || {
            (c != NONE).then(|| {
                let this = c;
                c = self.node(c).next;
                this
            })
        })
    }

    /// The local name of an element (`""` for other nodes).
    pub fn tag(&self, id: Id) -> &str {
        &self.node(id).name.local
    }

    /// `id` and the nodes under it in document order, without recursion.
    pub fn descendants(&self, id: Id) -> impl Iterator<Item = Id> + '_ {
        let mut next = Some(id);
        std::iter::from_fn(move || {
            let this = next?;
            next = self.following(this, id);
            Some(this)
        })
    }

    /// The nearest `table` above `id` ([`NONE`] if none).
    pub fn parent_table(&self, id: Id) -> Id {
        let mut p = self.node(id).parent;
        while p != NONE && self.tag(p) != "table" {
            p = self.node(p).parent;
        }
        p
    }

    /// The element before `id` among its siblings.
    pub fn prev_element(&self, id: Id) -> Option<Id> {
        let mut p = self.node(id).prev;
        while p != NONE {
            if matches!(self.node(p).kind, Kind::Element { .. }) {
                return Some(p);
            }
            p = self.node(p).prev;
        }
        None
    }

    /// The node after `id` in document order, staying under `root`.
    pub fn following(&self, id: Id, root: Id) -> Option<Id> {
        let n = self.node(id);
        if n.first_child != NONE {
            return Some(n.first_child);
        }
        self.following_skipping(id, root)
    }

    /// The node after `id` and everything under it, staying under `root`.
    pub fn following_skipping(&self, mut id: Id, root: Id) -> Option<Id> {
        loop {
            if id == root {
                return None;
            }
            let n = self.node(id);
            if n.next != NONE {
                return Some(n.next);
            }
            id = n.parent;
            if id == NONE {
                return None;
            }
        }
    }
}

/// Parses a whole document.
pub fn parse(html: &str) -> Dom {
    let sink = Sink::default();
    let opts = TreeBuilderOpts {
        scripting_enabled: true,
        drop_doctype: true,
        ..TreeBuilderOpts::default()
    };
    let guard = Guard {
        builder: TreeBuilder::new(sink, opts),
        open: Cell::new(0),
        until_check: Cell::new(0),
        blocked: Cell::new(false),
        dropped: Cell::new(0),
        stopped: Cell::new(false),
    };
    let tokenizer = Tokenizer::new(guard, TokenizerOpts::default());
    let input = BufferQueue::default();
    // A tendril holds at most 4 GiB; feed long texts in pieces (on character boundaries).
    let mut rest = html;
    while !rest.is_empty() {
        let mut cut = rest.len().min(1 << 30);
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        input.push_back(StrTendril::from_slice(&rest[..cut]));
        rest = &rest[cut..];
        // Other results than `Done` only pause the tokenizer (a script to run, a `<meta>`
        // naming an encoding: the caller has decoded already): go on.
        while !matches!(tokenizer.feed(&input), html5ever::TokenizerResult::Done) {}
    }
    tokenizer.end();
    let guard = tokenizer.sink;
    let dropped = guard.dropped.get();
    let stopped = guard.stopped.get();
    let mut dom = guard.builder.sink.finish();
    dom.dropped_tags = dropped;
    dom.truncated = stopped;
    dom
}

/// The token filter in front of the tree builder (see the module doc).
struct Guard {
    builder: TreeBuilder<Id, Sink>,
    /// Open elements and formatting entries at the last measurement.
    open: Cell<usize>,
    /// Start tags to let through before measuring again.
    until_check: Cell<usize>,
    /// At the bound: start tags are dropped until an end tag goes through.
    blocked: Cell<bool>,
    dropped: Cell<u64>,
    /// Past [`MAX_NODES`]: nothing more is built.
    stopped: Cell<bool>,
}

/// Counts the handles the tree builder holds.
struct Count(Cell<usize>);

impl html5ever::interface::Tracer for Count {
    type Handle = Id;
    fn trace_handle(&self, _node: &Id) {
        self.0.set(self.0.get() + 1);
    }
}

impl Guard {
    /// Whether a start tag may go to the tree builder now.
    fn admit_start(&self) -> bool {
        if self.blocked.get() {
            return false;
        }
        let left = self.until_check.get();
        if left > 0 {
            self.until_check.set(left - 1);
            return true;
        }
        let count = Count(Cell::new(0));
        self.builder.trace_handles(&count);
        let open = count.0.get();
        self.open.set(open);
        if open >= MAX_OPEN {
            self.blocked.set(true);
            return false;
        }
        // Each start tag adds at most one open element and one formatting entry, and a text
        // can at most double the open elements (re-opening formatting elements already
        // counted): measure again well before the bound can be reached.
        self.until_check
            .set((MAX_OPEN.saturating_sub(2 * open)) / 4);
        true
    }
}

impl TokenSink for Guard {
    type Handle = Id;

    fn process_token(&self, token: Token, line_number: u64) -> TokenSinkResult<Id> {
        if self.stopped.get() {
            return TokenSinkResult::Continue;
        }
        if self.builder.sink.nodes.borrow().len() >= MAX_NODES {
            self.stopped.set(true);
            return TokenSinkResult::Continue;
        }
        if let Token::TagToken(tag) = &token {
            match tag.kind {
                TagKind::StartTag if !self.admit_start() => {
                    self.dropped.set(self.dropped.get() + 1);
                    return TokenSinkResult::Continue;
                }
                TagKind::EndTag => {
                    self.blocked.set(false);
                    self.until_check.set(0);
                }
                _ => {}
            }
        }
        self.builder.process_token(token, line_number)
    }

    fn end(&self) {
        self.builder.end();
    }

    fn adjusted_current_node_present_but_not_in_html_namespace(&self) -> bool {
        self.builder
            .adjusted_current_node_present_but_not_in_html_namespace()
    }
}

/// The tree sink: builds the arena.
struct Sink {
    nodes: RefCell<Vec<Node>>,
    /// Template element -> its contents fragment.
    templates: RefCell<Vec<(Id, Id)>>,
}

impl Default for Sink {
    fn default() -> Self {
        Sink {
            nodes: RefCell::new(vec![Node::new(
                QualName::new(None, ns!(), local_name!("")),
                Kind::Document,
            )]),
            templates: RefCell::default(),
        }
    }
}

impl Node {
    fn new(name: QualName, kind: Kind) -> Node {
        Node {
            parent: NONE,
            first_child: NONE,
            last_child: NONE,
            prev: NONE,
            next: NONE,
            name,
            kind,
        }
    }
}

/// The element's `id`/`class` hints and flags from its attributes.
fn read_attrs(name: &LocalName, attrs: &[Attribute]) -> (Box<str>, u8) {
    let mut hints = String::new();
    let mut flags = 0;
    for a in attrs {
        let value = a.value.as_ref();
        match a.name.local.as_ref() {
            "id" | "class" => {
                if !hints.is_empty() {
                    hints.push(' ');
                }
                hints.push_str(&value.to_ascii_lowercase());
            }
            "hidden" => flags |= flag::HIDDEN,
            "aria-hidden" if value.trim().eq_ignore_ascii_case("true") => flags |= flag::HIDDEN,
            "style" => {
                let s: String = value
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .collect::<String>()
                    .to_ascii_lowercase();
                if s.contains("display:none") || s.contains("visibility:hidden") {
                    flags |= flag::HIDDEN;
                }
            }
            "href" if *name == local_name!("a") => flags |= flag::LINK,
            "role" => match value.trim().to_ascii_lowercase().as_str() {
                "navigation" | "banner" | "contentinfo" | "complementary" | "search" | "menu"
                | "menubar" => flags |= flag::ROLE_CHROME,
                "main" | "article" => flags |= flag::ROLE_MAIN,
                _ => {}
            },
            "itemprop" if value.trim().eq_ignore_ascii_case("articlebody") => {
                flags |= flag::ROLE_MAIN
            }
            _ => {}
        }
    }
    (hints.into_boxed_str(), flags)
}

impl Sink {
    fn push(&self, name: QualName, kind: Kind) -> Id {
        let mut nodes = self.nodes.borrow_mut();
        nodes.push(Node::new(name, kind));
        (nodes.len() - 1) as Id
    }

    fn other(&self) -> Id {
        self.push(QualName::new(None, ns!(), local_name!("")), Kind::Other)
    }

    /// Points the links around a place in `parent`'s child list, between `prev` and `next`
    /// (either may be [`NONE`], an end of the list), at `forward` (what follows `prev`) and
    /// `back` (what precedes `next`).
    fn relink(nodes: &mut [Node], parent: Id, prev: Id, next: Id, forward: Id, back: Id) {
        if prev != NONE {
            nodes[prev as usize].next = forward;
        } else {
            nodes[parent as usize].first_child = forward;
        }
        if next != NONE {
            nodes[next as usize].prev = back;
        } else {
            nodes[parent as usize].last_child = back;
        }
    }

    /// Takes `id` out of its parent's children.
    fn detach(nodes: &mut [Node], id: Id) {
        let (parent, prev, next) = {
            let n = &nodes[id as usize];
            (n.parent, n.prev, n.next)
        };
        if parent == NONE {
            return;
        }
        Self::relink(nodes, parent, prev, next, next, prev);
        let n = &mut nodes[id as usize];
        n.parent = NONE;
        n.prev = NONE;
        n.next = NONE;
    }

    /// Links `child` (detached) into `parent`, before `before` (or last).
    fn link(nodes: &mut [Node], parent: Id, child: Id, before: Id) {
        let prev = if before == NONE {
            nodes[parent as usize].last_child
        } else {
            nodes[before as usize].prev
        };
        let c = &mut nodes[child as usize];
        c.parent = parent;
        c.prev = prev;
        c.next = before;
        Self::relink(nodes, parent, prev, before, child, child);
    }

    /// Inserts a node or text into `parent` before `before` (NONE: at the end), merging text
    /// with a text node just before.
    fn insert(&self, parent: Id, before: Id, child: NodeOrText<Id>) {
        match child {
            NodeOrText::AppendNode(id) => {
                let mut nodes = self.nodes.borrow_mut();
                Self::detach(&mut nodes, id);
                Self::link(&mut nodes, parent, id, before);
            }
            NodeOrText::AppendText(text) => {
                let prev = {
                    let nodes = self.nodes.borrow();
                    if before == NONE {
                        nodes[parent as usize].last_child
                    } else {
                        nodes[before as usize].prev
                    }
                };
                if prev != NONE {
                    if let Kind::Text(t) = &mut self.nodes.borrow_mut()[prev as usize].kind {
                        t.push_tendril(&text);
                        return;
                    }
                }
                let id = self.push(
                    QualName::new(None, ns!(), local_name!("")),
                    Kind::Text(text),
                );
                Self::link(&mut self.nodes.borrow_mut(), parent, id, before);
            }
        }
    }
}

impl TreeSink for Sink {
    type Handle = Id;
    type Output = Dom;
    type ElemName<'a> = Ref<'a, QualName>;

    fn finish(self) -> Dom {
        Dom {
            nodes: self.nodes.into_inner(),
            dropped_tags: 0,
            truncated: false,
        }
    }

    fn parse_error(&self, _msg: Cow<'static, str>) {}

    fn get_document(&self) -> Id {
        Dom::ROOT
    }

    fn elem_name<'a>(&'a self, target: &'a Id) -> Ref<'a, QualName> {
        Ref::map(self.nodes.borrow(), |n| &n[*target as usize].name)
    }

    fn create_element(&self, name: QualName, attrs: Vec<Attribute>, flags: ElementFlags) -> Id {
        let (hints, f) = read_attrs(&name.local, &attrs);
        let id = self.push(name, Kind::Element { hints, flags: f });
        if flags.template {
            let contents = self.other();
            self.templates.borrow_mut().push((id, contents));
        }
        id
    }

    fn create_comment(&self, _text: StrTendril) -> Id {
        self.other()
    }

    fn create_pi(&self, _target: StrTendril, _data: StrTendril) -> Id {
        self.other()
    }

    fn append(&self, parent: &Id, child: NodeOrText<Id>) {
        self.insert(*parent, NONE, child);
    }

    fn append_based_on_parent_node(&self, element: &Id, prev_element: &Id, child: NodeOrText<Id>) {
        let has_parent = self.nodes.borrow()[*element as usize].parent != NONE;
        if has_parent {
            self.append_before_sibling(element, child);
        } else {
            self.append(prev_element, child);
        }
    }

    fn append_doctype_to_document(&self, _: StrTendril, _: StrTendril, _: StrTendril) {}

    fn get_template_contents(&self, target: &Id) -> Id {
        let found = self
            .templates
            .borrow()
            .iter()
            .rev()
            .find(|(t, _)| t == target)
            .map(|&(_, c)| c);
        // The tree builder asks only for templates it created; a fresh fragment otherwise.
        found.unwrap_or_else(|| self.other())
    }

    fn same_node(&self, x: &Id, y: &Id) -> bool {
        x == y
    }

    fn set_quirks_mode(&self, _mode: QuirksMode) {}

    fn append_before_sibling(&self, sibling: &Id, new_node: NodeOrText<Id>) {
        let parent = self.nodes.borrow()[*sibling as usize].parent;
        if parent == NONE {
            return;
        }
        self.insert(parent, *sibling, new_node);
    }

    fn add_attrs_if_missing(&self, target: &Id, attrs: Vec<Attribute>) {
        // Only `<html>` and `<body>` get attributes late; their hints and flags matter little,
        // but a late `hidden` must not hide the whole page: only id/class are added.
        let mut nodes = self.nodes.borrow_mut();
        let node = &mut nodes[*target as usize];
        let (extra, _) = read_attrs(&node.name.local, &attrs);
        if let Kind::Element { hints, .. } = &mut node.kind {
            if !extra.is_empty() {
                let joined = if hints.is_empty() {
                    extra.to_string()
                } else {
                    format!("{hints} {extra}")
                };
                *hints = joined.into_boxed_str();
            }
        }
    }

    fn remove_from_parent(&self, target: &Id) {
        Self::detach(&mut self.nodes.borrow_mut(), *target);
    }

    fn reparent_children(&self, node: &Id, new_parent: &Id) {
        let mut nodes = self.nodes.borrow_mut();
        loop {
            let child = nodes[*node as usize].first_child;
            if child == NONE {
                break;
            }
            Self::detach(&mut nodes, child);
            Self::link(&mut nodes, *new_parent, child, NONE);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_of(dom: &Dom) -> String {
        dom.descendants(Dom::ROOT)
            .filter_map(|id| match &dom.node(id).kind {
                Kind::Text(t) => Some(t.to_string()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn parses_a_document() {
        let dom = parse("<!DOCTYPE html><title>T</title><p class=Lead id=x>a<b>b</b>c<p>d");
        assert_eq!(text_of(&dom), "Tabcd");
        let p = dom
            .descendants(Dom::ROOT)
            .find(|&id| dom.tag(id) == "p")
            .unwrap();
        assert!(matches!(&dom.node(p).kind, Kind::Element { hints, .. } if &**hints == "lead x"));
        assert_eq!(dom.dropped_tags, 0);
    }

    #[test]
    fn nesting_past_the_bound_is_flattened_not_lost() {
        let n = 2000;
        let html = format!("{}deep{}", "<div>".repeat(n), "</div>".repeat(n));
        let dom = parse(&html);
        assert_eq!(text_of(&dom), "deep");
        assert!(dom.dropped_tags > 0);
        let depth = {
            let mut id = dom
                .descendants(Dom::ROOT)
                .find(|&i| matches!(dom.node(i).kind, Kind::Text(_)))
                .unwrap();
            let mut d = 0;
            while id != NONE {
                d += 1;
                id = dom.node(id).parent;
            }
            d
        };
        assert!(depth <= MAX_OPEN + 2, "{depth}");
    }
}
