"""zhclean: restore scraped Chinese document-site pages to their original simplified text.

The Python face of the `zhclean` Rust crate (the same engine as the `zhclean` CLI, so the
output is byte-identical). Everything here is implemented in Rust (`zhclean._zhclean`);
`zhclean.ray` runs it over Ray Data datasets, with cross-page boilerplate learning.

    >>> import zhclean
    >>> zhclean.Cleaner().clean("推進(jìn)經(jīng)濟(jì)發(fā)達(dá)鎮(zhèn)")
    '推进经济发达镇\\n'
"""

from ._zhclean import (
    LEARN_CAP,
    MAX_SPELLINGS,
    STAGES,
    Cleaner,
    ConfigError,
    Hunk,
    LearnedLine,
    Learner,
    Learning,
    StageChange,
    __version__,
    edge_share_ok,
    line_key,
    mid_counts,
    mid_indices,
    mid_pages,
    parse_learned,
    threshold,
    write_learned,
)

__all__ = [
    "LEARN_CAP",
    "MAX_SPELLINGS",
    "STAGES",
    "Cleaner",
    "ConfigError",
    "Hunk",
    "LearnedLine",
    "Learner",
    "Learning",
    "StageChange",
    "__version__",
    "edge_share_ok",
    "line_key",
    "mid_counts",
    "mid_indices",
    "mid_pages",
    "parse_learned",
    "threshold",
    "write_learned",
]
