//! The counter of pass 1: for each line key, the distinct documents it appears in at a page's
//! edge, and how often its spellings appear mid-page. Counters merge, so pieces of a batch
//! are counted apart (threads, processes) and added up.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::learn::keys::{hash, is_structural};
use crate::learn::lines::PageLines;
use crate::learn::policy::{edge_share_ok, Learning};
use crate::learn::sketch::MidCounts;

/// Counts, for each line key, the distinct documents it appears in at a page's edge, and how
/// often its spellings appear mid-page.
#[derive(Debug, Default)]
pub struct Learner {
    /// key hash -> the line's key, its distinct document fingerprints (capped: only whether
    /// they reach the threshold matters), the pages it was seen on and its spellings.
    lines: HashMap<u64, LineStat>,
    documents: HashSet<u64>,
    /// Pages on which each spelling appears mid-page.
    mid: MidCounts,
    cap: usize,
}

#[derive(Debug, Default)]
struct LineStat {
    key: String,
    documents: Vec<u64>,
    pages: u64,
    /// The smallest [`MAX_SPELLINGS`] spellings it had (the smallest, so that the set does
    /// not depend on the order pages were counted in).
    spellings: Vec<u64>,
}

/// Spellings kept per key.
pub const MAX_SPELLINGS: usize = 8;

impl LineStat {
    fn add(&mut self, document: u64, cap: usize) {
        if self.documents.len() < cap && !self.documents.contains(&document) {
            self.documents.push(document);
        }
    }

    fn add_spelling(&mut self, spelling: u64) {
        if let Err(at) = self.spellings.binary_search(&spelling) {
            if at < MAX_SPELLINGS {
                self.spellings.insert(at, spelling);
                self.spellings.truncate(MAX_SPELLINGS);
            }
        }
    }
}

/// One learned line, for reports and `--boilerplate` files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LearnedLine {
    pub key: String,
    /// Distinct documents it was seen in (counting stops at the learner's cap).
    pub documents: usize,
    /// Pages it was seen on.
    pub pages: u64,
}

impl Learner {
    /// A learner that stops counting a line's distinct documents at `cap` (at least the
    /// largest threshold that will be asked for; counting further only costs time).
    pub fn new(cap: usize) -> Self {
        Learner {
            cap: cap.max(2),
            ..Learner::default()
        }
    }

    /// Adds one page.
    pub fn add(&mut self, page: &PageLines) {
        self.add_edges(page);
        self.mid.add(&page.mid);
    }

    /// Adds one page but its mid-page spellings, which the caller counts elsewhere (a
    /// [`SharedMidCounts`], given to [`Learner::merge_mid`] at the end).
    pub fn add_edges(&mut self, page: &PageLines) {
        self.documents.insert(page.document);
        for (i, key) in page.keys.iter().enumerate() {
            // Keys from `page_lines` are never structural, but a caller may give any: each is
            // checked when first seen (a structural key never gets an entry).
            let stat = match self.lines.entry(hash(key)) {
                Entry::Occupied(e) => e.into_mut(),
                Entry::Vacant(_) if is_structural(key) => continue,
                Entry::Vacant(e) => e.insert(LineStat {
                    key: key.clone(),
                    ..LineStat::default()
                }),
            };
            stat.add(page.document, self.cap);
            stat.pages += 1;
            if let Some(&s) = page.spellings.get(i) {
                stat.add_spelling(s);
            }
        }
    }

    /// Adds mid-page counts made elsewhere.
    pub fn merge_mid(&mut self, mid: MidCounts) {
        self.mid.merge(mid);
    }

    /// Merges another learner's counts (for parallel counting).
    pub fn merge(&mut self, other: Learner) {
        self.documents.extend(other.documents);
        for (h, theirs) in other.lines {
            let LineStat {
                key,
                documents,
                pages,
                spellings,
            } = theirs;
            let stat = self.lines.entry(h).or_insert_with(|| LineStat {
                key,
                ..LineStat::default()
            });
            for d in documents {
                stat.add(d, self.cap);
            }
            stat.pages += pages;
            for s in spellings {
                stat.add_spelling(s);
            }
        }
        self.mid.merge(other.mid);
    }

    /// Distinct documents seen.
    pub fn documents(&self) -> usize {
        self.documents.len()
    }

    /// The learned lines, sorted by key: in enough distinct documents, and at the edge of
    /// enough of their pages ([`edge_share_ok`]).
    pub fn finish(&self, options: &Learning) -> Vec<LearnedLine> {
        self.frequent(options)
            .into_iter()
            .filter(|(_, mid)| edge_share_ok(mid.0, mid.1))
            .map(|(l, _)| l)
            .collect()
    }

    /// The lines in enough distinct documents that [`Learner::finish`] still holds back
    /// because they are often mid-page, with their mid-page count (for reports).
    pub fn held_back(&self, options: &Learning) -> Vec<(LearnedLine, u64)> {
        self.frequent(options)
            .into_iter()
            .filter(|(_, mid)| !edge_share_ok(mid.0, mid.1))
            .map(|(l, (_, mid))| (l, mid))
            .collect()
    }

    /// Every line in enough distinct documents, sorted by key, with (edge pages, mid-page
    /// pages of its spellings).
    fn frequent(&self, options: &Learning) -> Vec<(LearnedLine, (u64, u64))> {
        let need = options.threshold(self.documents()).min(self.cap);
        let frequent: BTreeMap<&str, &LineStat> = self
            .lines
            .values()
            .filter(|s| s.documents.len() >= need)
            .map(|s| (s.key.as_str(), s))
            .collect();
        frequent
            .into_iter()
            .map(|(k, s)| {
                let mid = s.spellings.iter().map(|&sp| self.mid.estimate(sp)).sum();
                let line = LearnedLine {
                    key: k.to_string(),
                    documents: s.documents.len(),
                    pages: s.pages,
                };
                (line, (s.pages, mid))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::converter::Converter;
    use crate::learn::{line_key, page_lines};
    fn page(title: &str, body: &[&str], template: &[&str]) -> String {
        let mut lines = vec![title.to_string()];
        lines.extend(template.iter().map(|s| s.to_string()));
        lines.extend(body.iter().map(|s| s.to_string()));
        lines.join("\n")
    }

    #[test]
    fn learns_template_lines_not_mirrored_bodies() {
        let template = ["本站所有资源均来自网络", "下载须知：请勿传播"];
        let conv = Converter::new();
        let mut learner = Learner::new(10);
        let docs = ["甲", "乙", "丙", "丁", "戊", "己"];
        for d in docs {
            let body = [
                format!("{d}文档的正文，内容各不相同，长度也足够长，足以成为指纹"),
                format!("{d}的第二段"),
            ];
            let body: Vec<&str> = body.iter().map(String::as_str).collect();
            learner.add(&page_lines(
                &page(&format!("{d}的标题"), &body, &template),
                &conv,
            ));
        }
        // One document saved from five mirrors: its body must not become boilerplate.
        for _ in 0..5 {
            let mirror = page(
                "镜像",
                &["镜像文档的正文很长很长很长，每个镜像都一样", "镜像第二段"],
                &[],
            );
            learner.add(&page_lines(&mirror, &conv));
        }
        let learned: Vec<String> = learner
            .finish(&Learning::default())
            .into_iter()
            .map(|l| l.key)
            .collect();
        assert_eq!(
            learned,
            vec![
                line_key("下载须知：请勿传播").unwrap(),
                line_key("本站所有资源均来自网络").unwrap()
            ]
        );
        assert_eq!(learner.documents(), 7);
    }

    #[test]
    fn lines_often_mid_page_are_held_back() {
        // A publisher's credit line closes every manual page. Pages cut from a run of manual
        // pages have it mid-page, and at an edge only where a cut falls next to it; the site's
        // notice is at the top of every page.
        let conv = Converter::new();
        let mut learner = Learner::new(64);
        let credit = "本页面中文版由中文man手册页计划提供。";
        let notice = "本站文档均由用户上传，仅供学习参考";
        for i in 0..40 {
            let mut lines = vec![notice.to_string()];
            for j in 0..30 {
                // Digits fold away in fingerprints: pages differ by their characters.
                let c = char::from_u32(0x4E00 + 40 * i + j).unwrap();
                lines.push(format!(
                    "正文{c}{c}，每一行都各不相同，内容各异，也比别的行长"
                ));
                if j % 10 == 4 {
                    lines.push(credit.to_string());
                }
            }
            if i % 4 == 0 {
                lines.push(credit.to_string());
            }
            learner.add(&page_lines(&lines.join("\n"), &conv));
        }
        let options = Learning::default();
        let learned: Vec<String> = learner
            .finish(&options)
            .into_iter()
            .map(|l| l.key)
            .collect();
        assert_eq!(learned, vec![line_key(notice).unwrap()]);
        let held: Vec<(String, u64)> = learner
            .held_back(&options)
            .into_iter()
            .map(|(l, mid)| (l.key, mid))
            .collect();
        // Mid-page on all 40 pages (each page counts once), at an edge on 10.
        assert_eq!(held, vec![(line_key(credit).unwrap(), 40)]);
    }
}
