//! The counter of pass 1: for each line key, the distinct documents it appears in at a page's
//! edge, and how often its spellings appear mid-page. Counters merge, so pieces of a batch
//! are counted apart (threads, processes) and added up.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::learn::keys::{hash, is_structural};
use crate::learn::lines::PageLines;
use crate::learn::policy::{Learning, Verdict, COUNT_FLOOR};
use crate::learn::sketch::MidCounts;

/// Counts, for each line key, the distinct documents it appears in at a page's edge, and how
/// often its spellings appear mid-page.
#[derive(Debug, Default)]
pub struct Learner {
    /// key hash -> the line's key, its distinct document fingerprints (counted up to `cap`:
    /// only whether they reach the threshold matters), the pages it was seen on and its
    /// spellings.
    lines: HashMap<u64, LineStat>,
    documents: HashSet<u64>,
    /// Pages on which each spelling appears mid-page.
    mid: MidCounts,
    /// [`Learning::cap`] of the policy this learner counts for (`None`: every document).
    cap: Option<usize>,
}

#[derive(Debug, Default)]
struct LineStat {
    key: String,
    documents: Documents,
    pages: u64,
    /// The smallest [`MAX_SPELLINGS`] spellings it had (the smallest, so that the set does
    /// not depend on the order pages were counted in).
    spellings: Vec<u64>,
}

/// Spellings kept per key.
pub const MAX_SPELLINGS: usize = 8;

/// A line's distinct documents: a short list (nearly every line is in a few documents), and a
/// hash set once a line is in more than [`COUNT_FLOOR`] documents and the count is not capped
/// (a list would make each new document a look-up through all of them).
#[derive(Debug, Default)]
struct Documents {
    list: Vec<u64>,
    set: Option<HashSet<u64>>,
}

impl Documents {
    fn len(&self) -> usize {
        self.set.as_ref().map_or(self.list.len(), HashSet::len)
    }

    fn add(&mut self, document: u64, cap: Option<usize>) {
        if let Some(set) = &mut self.set {
            set.insert(document);
        } else if cap.is_none_or(|cap| self.list.len() < cap) && !self.list.contains(&document) {
            self.list.push(document);
            if cap.is_none() && self.list.len() > COUNT_FLOOR {
                self.set = Some(self.list.drain(..).collect());
            }
        }
    }

    fn into_iter(self) -> impl Iterator<Item = u64> {
        self.list.into_iter().chain(self.set.into_iter().flatten())
    }
}

impl LineStat {
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
    /// Distinct documents it was seen in (up to [`Learning::cap`]).
    pub documents: usize,
    /// Pages it was seen on.
    pub pages: u64,
}

impl Learner {
    /// A learner that counts what `policy` needs to decide: a line's distinct documents up to
    /// [`Learning::cap`] (counting further only costs time and memory).
    pub fn new(policy: &Learning) -> Self {
        Learner {
            cap: policy.cap(),
            ..Learner::default()
        }
    }

    /// Where this learner stops counting a line's documents ([`Learning::cap`] of its policy):
    /// a policy decides its counts only when [`Learning::can_decide`] says so.
    pub fn cap(&self) -> Option<usize> {
        self.cap
    }

    /// Adds one page.
    pub fn add(&mut self, page: &PageLines) {
        self.add_edges(page);
        self.mid.add(&page.mid);
    }

    /// Adds one page but its mid-page spellings, which the caller counts elsewhere (a
    /// [`SharedMidCounts`](crate::learn::SharedMidCounts), given to [`Learner::merge_mid`]
    /// at the end).
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
            stat.documents.add(page.document, self.cap);
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

    /// Merges another learner's counts (for parallel counting); both count for one policy.
    pub fn merge(&mut self, other: Learner) {
        debug_assert_eq!(self.cap, other.cap, "learners of different policies");
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
            for d in documents.into_iter() {
                stat.documents.add(d, self.cap);
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

    /// The learned lines, sorted by key: [`Verdict::Learned`] by `policy`.
    ///
    /// Panics when `policy` needs counts past this learner's cap
    /// ([`Learning::can_decide`]): a learner counts for the policy it was made with.
    pub fn finish(&self, policy: &Learning) -> Vec<LearnedLine> {
        self.judged(policy, Verdict::Learned)
            .map(|(l, _)| l)
            .collect()
    }

    /// The lines in enough distinct documents that [`Learner::finish`] still holds back
    /// because they are often mid-page ([`Verdict::HeldBack`]), with their mid-page count
    /// (for reports). Panics as [`Learner::finish`] does.
    pub fn held_back(&self, policy: &Learning) -> Vec<(LearnedLine, u64)> {
        self.judged(policy, Verdict::HeldBack).collect()
    }

    /// The lines `policy` gives `verdict`, sorted by key, with the mid-page pages of their
    /// spellings.
    fn judged(
        &self,
        policy: &Learning,
        verdict: Verdict,
    ) -> impl Iterator<Item = (LearnedLine, u64)> + '_ {
        assert!(
            policy.can_decide(self.cap),
            "a learner that stopped counting at {:?} documents cannot decide for {policy:?}",
            self.cap
        );
        let documents = self.documents();
        let policy = *policy;
        let need = policy.threshold(documents);
        // Only lines in enough documents have their mid-page count read (a sketch look-up per
        // spelling).
        let frequent: BTreeMap<&str, &LineStat> = self
            .lines
            .values()
            .filter(|s| s.documents.len() >= need)
            .map(|s| (s.key.as_str(), s))
            .collect();
        frequent.into_iter().filter_map(move |(k, s)| {
            let mid = s.spellings.iter().map(|&sp| self.mid.estimate(sp)).sum();
            let line_documents = s.documents.len();
            (policy.verdict(documents, line_documents, s.pages, mid) == verdict).then(|| {
                let line = LearnedLine {
                    key: k.to_string(),
                    documents: policy.reported_documents(line_documents),
                    pages: s.pages,
                };
                (line, mid)
            })
        })
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
        let mut learner = Learner::new(&Learning::default());
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
        let mut learner = Learner::new(&Learning::default());
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

    /// Page `i` of a batch of distinct documents: its own body, the site notice on every
    /// page with `common`, the sponsor line on pages with `some`.
    fn share_page(i: u32, common: bool, some: bool) -> String {
        let mut lines = Vec::new();
        if common {
            lines.push("本站文档均由用户上传，仅供学习参考".to_string());
        }
        if some {
            lines.push("本文档由某某赞助商提供，欢迎访问".to_string());
        }
        for j in 0..12 {
            let c = char::from_u32(0x4E00 + 12 * i + j).unwrap();
            lines.push(format!(
                "正文{c}{c}，每一行都各不相同，内容各异，也比别的行长"
            ));
        }
        lines.join("\n")
    }

    /// With a share, the threshold grows with the batch past the counting floor: a line in
    /// 70 of 200 documents is not learned at a share of 0.5 (100 needed), and the learned
    /// line's documents are counted exactly, however the pages were split and merged.
    #[test]
    fn a_share_above_the_counting_floor_is_the_threshold() {
        let conv = Converter::new();
        let pages: Vec<PageLines> = (0..200)
            .map(|i| page_lines(&share_page(i, i < 150, i % 2 == 0 && i < 140), &conv))
            .collect();
        let keys = |l: Vec<LearnedLine>| -> Vec<(String, usize)> {
            l.into_iter().map(|l| (l.key, l.documents)).collect()
        };
        let notice = line_key("本站文档均由用户上传，仅供学习参考").unwrap();
        let sponsor = line_key("本文档由某某赞助商提供，欢迎访问").unwrap();
        let half = Learning {
            min_docs: 5,
            min_share: 0.5,
        };
        let third = Learning {
            min_docs: 5,
            min_share: 0.3,
        };
        for policy in [half, third] {
            let mut one = Learner::new(&policy);
            pages.iter().for_each(|p| one.add(p));
            let (mut left, mut right) = (Learner::new(&policy), Learner::new(&policy));
            for (i, p) in pages.iter().enumerate() {
                if i % 3 == 0 {
                    left.add(p)
                } else {
                    right.add(p)
                }
            }
            left.merge(right);
            assert_eq!(one.documents(), 200);
            let want = if policy == half {
                vec![(notice.clone(), 150)]
            } else {
                vec![(sponsor.clone(), 70), (notice.clone(), 150)]
            };
            assert_eq!(keys(one.finish(&policy)), want);
            assert_eq!(keys(left.finish(&policy)), want);
        }
        // Without a share, documents are counted up to the floor only.
        let mut default = Learner::new(&Learning::default());
        pages.iter().for_each(|p| default.add(p));
        assert_eq!(
            keys(default.finish(&Learning::default())),
            vec![(sponsor, COUNT_FLOOR), (notice, COUNT_FLOOR)]
        );
    }

    #[test]
    #[should_panic(expected = "cannot decide")]
    fn a_capped_learner_cannot_decide_for_a_share() {
        let learner = Learner::new(&Learning::default());
        learner.finish(&Learning {
            min_docs: 5,
            min_share: 0.1,
        });
    }
}
