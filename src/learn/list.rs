//! The learned-list file (`--save-boilerplate`, `--boilerplate`): a comment, then one
//! `documents<TAB>pages<TAB>key` line per learned line.

use crate::learn::learner::LearnedLine;

/// Writes learned lines as a `--boilerplate` file: a comment, then one
/// `documents<TAB>pages<TAB>key` line per learned line (keys hold no whitespace, so no
/// quoting is needed).
pub fn write_learned(lines: &[LearnedLine]) -> String {
    let mut out = String::from("# zhclean learned boilerplate: documents\tpages\tkey\n");
    for l in lines {
        out.push_str(&format!("{}\t{}\t{}\n", l.documents, l.pages, l.key));
    }
    out
}

/// Reads a `--boilerplate` file written by [`write_learned`]; blank lines and lines starting
/// with `#` are skipped. The error names the first bad line.
pub fn parse_learned(text: &str) -> Result<Vec<LearnedLine>, String> {
    let mut lines = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let bad = |what: &str| format!("boilerplate list line {}: {what}: {line:?}", i + 1);
        let mut fields = line.splitn(3, '\t');
        let (Some(documents), Some(pages), Some(key)) =
            (fields.next(), fields.next(), fields.next())
        else {
            return Err(bad("expected documents<TAB>pages<TAB>key"));
        };
        let documents = documents
            .parse()
            .map_err(|_| bad("documents is not a number"))?;
        let pages = pages.parse().map_err(|_| bad("pages is not a number"))?;
        if key.is_empty() || key.chars().any(char::is_whitespace) {
            return Err(bad("key is empty or holds whitespace"));
        }
        lines.push(LearnedLine {
            key: key.to_string(),
            documents,
            pages,
        });
    }
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn learned_lists_round_trip() {
        let lines = vec![
            LearnedLine {
                key: "本站所有资源均来自网络".into(),
                documents: 64,
                pages: 310,
            },
            LearnedLine {
                key: "已阅读0页,还剩0页未读".into(),
                documents: 5,
                pages: 5,
            },
        ];
        let text = write_learned(&lines);
        assert!(text.starts_with('#'));
        assert_eq!(parse_learned(&text).unwrap(), lines);
        assert_eq!(parse_learned("\n# only a comment\n").unwrap(), vec![]);
        let err = parse_learned("# c\n5\tx\tkey\n").unwrap_err();
        assert!(err.contains("line 2") && err.contains("pages"), "{err}");
        assert!(parse_learned("5\t5\n").is_err());
        assert!(parse_learned("5\t5\ta b\n").is_err());
    }
}
