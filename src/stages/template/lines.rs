//! The lines of one page as the template stage reads them ([`Keys`]): each line's probe (what its
//! raw text tells), its key and its rule kinds per site, all computed on first use.

use std::cell::{Cell, OnceCell, RefCell};

use regex::Regex;

use super::filter::Rules;
use super::filter::{self, Ends};
use super::key::rule_key;
use super::{
    cache, classify, strip_extension, Site, TemplateSet, MAX_MARKUP_LINE, MAX_TEMPLATE_LINE,
};
use crate::chars::trim;
use crate::converter::Converter;

/// Line keys and their classification per site, computed on first use: only lines near the
/// ends of a page are ever looked at, the body in between is never converted twice, a line no
/// rule can match (as its ends tell) is not converted at all, and a recurring line is looked
/// up ([`cache`]).
pub(super) struct Keys<'a> {
    lines: &'a [&'a str],
    converter: &'a Converter,
    templates: &'a TemplateSet,
    probes: Vec<OnceCell<Probe>>,
    keys: Vec<OnceCell<Option<String>>>,
    /// `roles[line * sites + site]`: the rule kinds the line matches, with [`KNOWN`] once
    /// classified.
    roles: Vec<Cell<u8>>,
    /// Title captures made so far: (title pattern, line, title).
    titles: RefCell<Vec<(usize, usize, Option<String>)>>,
    /// Room for one line's kinds per site.
    scratch: RefCell<Vec<u8>>,
}

/// Flag of a `Keys::roles` entry: the line is classified.
const KNOWN: u8 = 0x80;

/// What a line's raw text tells before its key.
#[derive(Clone, Copy)]
struct Probe {
    /// Whitespace only.
    blank: bool,
    /// Neither blank nor overlong: the line gets a key.
    keyed: bool,
    /// The ends of its key ([`filter::ends`]), for keyed lines when the converter allows.
    ends: Option<Ends>,
    /// The rules, of all sites, that these ends leave; `None`: any.
    candidates: Option<Rules>,
}

impl<'a> Keys<'a> {
    pub(super) fn new(
        lines: &'a [&'a str],
        converter: &'a Converter,
        templates: &'a TemplateSet,
    ) -> Self {
        let n = lines.len();
        let cells = n * templates.sites.len();
        Keys {
            lines,
            converter,
            templates,
            probes: (0..n).map(|_| OnceCell::new()).collect(),
            keys: (0..n).map(|_| OnceCell::new()).collect(),
            roles: vec![Cell::new(0); cells],
            titles: RefCell::new(Vec::new()),
            scratch: RefCell::new(Vec::new()),
        }
    }

    fn probe(&self, i: usize) -> &Probe {
        self.probes[i].get_or_init(|| {
            let l = self.lines[i];
            let trimmed = trim(l);
            let max = if matches!(trimmed.as_bytes().first(), Some(b'<' | b'!')) {
                MAX_MARKUP_LINE
            } else {
                MAX_TEMPLATE_LINE
            };
            let blank = trimmed.is_empty();
            let keyed = l.len() <= max && !blank;
            let ends = (keyed && self.templates.folds.is_some())
                .then(|| filter::ends(trimmed))
                .flatten();
            let candidates = match (ends, &self.templates.filter) {
                (Some(ends), Some(filter)) => Some(filter.candidates(&ends)),
                _ => None,
            };
            Probe {
                blank,
                keyed,
                ends,
                candidates,
            }
        })
    }

    /// Whether line `i` holds nothing but whitespace and formatting tags (`</b></p>`).
    pub(super) fn blank(&self, i: usize) -> bool {
        let p = self.probe(i);
        if p.blank {
            return true;
        }
        match p.ends {
            Some(Ends::Empty) => true,
            Some(Ends::Chars { .. }) => false,
            None => self.get(i) == Some(""),
        }
    }

    /// The key of line `i`; `None` for blank or overlong lines.
    pub(super) fn get(&self, i: usize) -> Option<&str> {
        self.keys[i]
            .get_or_init(|| {
                self.probe(i)
                    .keyed
                    .then(|| rule_key(self.lines[i], self.converter))
            })
            .as_deref()
    }

    /// The rule kinds among `kinds` of site `s` that line `i` matches.
    pub(super) fn roles(&self, s: usize, site: &Site, i: usize, kinds: u8) -> u8 {
        let cell = &self.roles[i * self.templates.sites.len() + s];
        if cell.get() & KNOWN != 0 {
            return cell.get() & kinds;
        }
        let p = self.probe(i);
        if !p.keyed {
            return 0;
        }
        if p.ends == Some(Ends::Empty) {
            return site.empty_roles & kinds;
        }
        if p.candidates
            .is_some_and(|c| c & site.kind_rules[kinds as usize] == 0)
        {
            return 0;
        }
        self.classify(i);
        cell.get() & kinds
    }

    /// Classifies keyed line `i` for every site, from the cache of recurring lines or from
    /// its key.
    pub(super) fn classify(&self, i: usize) {
        let sites = &self.templates.sites;
        let cells = &self.roles[i * sites.len()..(i + 1) * sites.len()];
        let entry = cache::Entry::new(self.lines[i]);
        let mut kinds = self.scratch.borrow_mut();
        kinds.clear();
        kinds.resize(sites.len(), 0);
        if !self.templates.cache.get(&entry, &mut kinds) {
            let key = self.get(i).unwrap_or_default();
            let candidates = self.probe(i).candidates;
            // Results of the rules run alone, by pattern, for the sites that share them.
            let mut ran: Vec<(usize, bool)> = Vec::new();
            for (k, site) in kinds.iter_mut().zip(sites) {
                let Some(candidates) = candidates else {
                    *k = classify(&site.rules, &site.roles, key);
                    continue;
                };
                // The filter leaves a line a rule or two, and running those alone costs less
                // than the whole set.
                let is_candidate = |r: usize| candidates & (1 << (site.offset + r)) != 0;
                for rule in (0..site.each.len()).filter(|&r| is_candidate(r)) {
                    let id = site.ids[rule];
                    let hit = match ran.iter().find(|(p, _)| *p == id) {
                        Some(&(_, hit)) => hit,
                        None => {
                            let hit = site.each[rule].is_match(key);
                            ran.push((id, hit));
                            hit
                        }
                    };
                    if hit {
                        *k |= site.roles[rule];
                    }
                }
            }
            self.templates.cache.offer(&entry, &kinds);
        }
        for (cell, k) in cells.iter().zip(kinds.iter()) {
            cell.set(k | KNOWN);
        }
    }

    /// Whether line `i`'s key may start like `title` (as a repeat of the title does, with or
    /// without an extension), told from its first character when the line tells it.
    pub(super) fn may_start_like(&self, i: usize, title: &str) -> bool {
        match (
            self.probe(i).ends,
            title.chars().next(),
            &self.templates.folds,
        ) {
            (Some(Ends::Empty), _, _) => title.is_empty(),
            (Some(Ends::Chars { first, .. }), Some(t), Some(folds)) => folds.may_start(first, t),
            _ => true,
        }
    }

    /// The title site `site` takes from line `i`: the `title` capture of its first title rule
    /// that matches, less a file extension.
    pub(super) fn title(&self, site: &Site, i: usize) -> Option<String> {
        let candidates = self.probe(i).candidates;
        site.each[..site.titles]
            .iter()
            .zip(&site.ids)
            .enumerate()
            .find_map(|(rule, (re, &id))| {
                // A rule the line's ends rule out need not be run (title rules are the first
                // of a site's rules).
                if candidates.is_some_and(|c| c & (1 << (site.offset + rule)) == 0) {
                    return None;
                }
                self.capture(id, re, i)
            })
    }

    /// The `title` capture of `re` (pattern `id`) on line `i`, less a file extension;
    /// remembered, as title lines are looked at again in each pass and by each site.
    pub(super) fn capture(&self, id: usize, re: &Regex, i: usize) -> Option<String> {
        if let Some((_, _, t)) = self.titles.borrow().iter().find(|e| (e.0, e.1) == (id, i)) {
            return t.clone();
        }
        let key = self.get(i).unwrap_or_default();
        let title = re
            .captures(key)
            .map(|c| strip_extension(c.name("title").map_or("", |m| m.as_str())));
        self.titles.borrow_mut().push((id, i, title.clone()));
        title
    }
}
