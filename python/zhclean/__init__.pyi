"""Type stubs for zhclean (implemented in Rust, `zhclean._zhclean`)."""

from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

__version__: str
#: Stage names in pipeline order (the names `disable` accepts).
STAGES: Tuple[str, ...]
#: Distinct documents a learner counts per line at least when it may stop counting (see Learning.cap).
LEARN_CAP: int
MAX_SPELLINGS: int

class ConfigError(ValueError):
    """A configuration the cleaner cannot use; the message is the Rust library's."""

class StageChange:
    """One stage's effect on a page (`Cleaner.explain`)."""

    @property
    def stage(self) -> str: ...
    @property
    def changes(self) -> int: ...
    @property
    def before(self) -> str: ...
    @property
    def after(self) -> str: ...
    @property
    def hunks(self) -> List["Hunk"]: ...
    @property
    def notes(self) -> List[str]: ...

class Hunk:
    """One place where a stage changed the text (`zhclean --explain`'s hunks)."""

    @property
    def kind(self) -> str:
        """`change`, `removed-line` or `added-line`."""
    @property
    def line(self) -> int: ...
    @property
    def column(self) -> int: ...
    @property
    def before(self) -> str: ...
    @property
    def after(self) -> str: ...
    @property
    def context_before(self) -> str: ...
    @property
    def context_after(self) -> str: ...
    @property
    def cut_before(self) -> bool: ...
    @property
    def cut_after(self) -> bool: ...
    @property
    def parts(self) -> List[Tuple[str, str]]:
        """The change in order: ("=", kept), ("-", removed), ("+", added)."""

class LearnedLine:
    """A learned boilerplate line: key, distinct documents (capped), pages."""

    def __init__(self, key: str, documents: int, pages: int) -> None: ...
    @property
    def key(self) -> str: ...
    @property
    def documents(self) -> int: ...
    @property
    def pages(self) -> int: ...
    def __eq__(self, other: object) -> bool: ...

Boilerplate = Iterable[Union[str, LearnedLine]]

class Cleaner:
    """The cleaning engine; thread-safe and picklable.

    `config` is a TOML string (the CLI's `--config` file) or a dict with the same keys;
    keyword arguments override it. Raises `ConfigError` for an unusable configuration.
    """

    def __init__(
        self,
        config: Union[str, Mapping[str, Any], None] = None,
        *,
        disable: Optional[Sequence[str]] = None,
        spacing: Optional[str] = None,
        overrides: Optional[Mapping[str, str]] = None,
        sites: Optional[Sequence[Mapping[str, Any]]] = None,
        boilerplate: Optional[Boilerplate] = None,
    ) -> None: ...
    def clean(self, text: str, *, format: str = "text") -> str:
        """Cleans one page. `format="html"`: `text` is a whole HTML document whose main text
        is extracted and cleaned; `"auto"`: HTML when it starts as a document."""
    def clean_with_report(self, text: str, *, format: str = "text") -> Tuple[str, Dict[str, Any]]:
        """Cleans one page; the report has `counts` (stage -> changes), `warnings`, `notes`."""
    def clean_batch(
        self, texts: Sequence[str], *, threads: Optional[int] = None, format: str = "text"
    ) -> List[str]:
        """Cleans many pages in parallel with the GIL released; output order = input order."""
    def explain(self, text: str) -> List[StageChange]:
        """Every enabled stage's before and after, hunks and notes, in pipeline order (then
        the stages of the passes a cleaning made again over its output, on the few pages it
        does)."""
    def clean_before_boilerplate(self, text: str) -> str:
        """The page as the `boilerplate` stage sees it."""
    def fingerprint(self, text: str) -> Tuple[int, List[str], List[int], List[int]]:
        """(document fingerprint, sorted distinct edge-line keys, each key's raw spelling,
        sorted distinct mid-page spellings): what learning counts."""
    def fingerprint_batch(
        self, texts: Sequence[str], *, threads: Optional[int] = None
    ) -> List[Tuple[int, List[str], List[int], List[int]]]:
        """`fingerprint` over many pages, in parallel with the GIL released."""
    def learn(
        self,
        texts: Sequence[str],
        *,
        min_docs: int = 5,
        min_share: float = 0.0,
        threads: Optional[int] = None,
    ) -> List[LearnedLine]:
        """Learns boilerplate over `texts` in this process, exactly as the CLI does."""
    def with_boilerplate(self, boilerplate: Boilerplate) -> "Cleaner":
        """This configuration with the given learned lines (the CLI's pass-2 cleaner)."""
    @property
    def config(self) -> Dict[str, Any]:
        """The configuration as a dict (TOML keys)."""
    @property
    def boilerplate(self) -> List[str]:
        """The learned line keys this cleaner removes."""

class Learning:
    """The learning policy (the CLI's `--learn-min-docs`, `--learn-share`): one rule for the
    CLI, `Cleaner.learn`, `Learner` and `zhclean.ray`."""

    def __init__(self, min_docs: int = 5, min_share: float = 0.0) -> None: ...
    @property
    def min_docs(self) -> int: ...
    @property
    def min_share(self) -> float: ...
    @property
    def cap(self) -> Optional[int]:
        """Distinct documents counted per line at most (None with a share: all of them)."""
    def threshold(self, documents: int) -> int:
        """Distinct documents a line needs in a batch of `documents` distinct documents."""
    def can_learn(self, documents: int) -> bool:
        """Whether a batch of `documents` distinct documents is large enough to learn from."""
    def reported_documents(self, documents: int) -> int:
        """A line's distinct documents as learned lists report them (up to `cap`)."""
    def learns(
        self, batch_documents: int, line_documents: int, edge_pages: int, mid_pages: int
    ) -> bool:
        """Whether a line is learned: the threshold and the edge-share rule."""

class Learner:
    """Distinct documents per line key: the CLI's pass-1 counter, for one policy."""

    def __init__(self, *, min_docs: int = 5, min_share: float = 0.0) -> None: ...
    def add(
        self,
        document: int,
        keys: Sequence[str],
        spellings: Sequence[int] = (),
        mid: Sequence[int] = (),
    ) -> None:
        """Adds one page, as `Cleaner.fingerprint` returns it: `add(*fingerprint)`."""
    def merge(self, other: "Learner") -> None:
        """Adds another learner's counts (same policy); `other` is left empty."""
    @property
    def documents(self) -> int:
        """Distinct documents seen."""
    def finish(
        self, min_docs: Optional[int] = None, min_share: Optional[float] = None
    ) -> List[LearnedLine]:
        """The learned lines, sorted by key (thresholds default to the learner's own)."""
    def held_back(
        self, min_docs: Optional[int] = None, min_share: Optional[float] = None
    ) -> List[Tuple[LearnedLine, int]]:
        """Frequent lines left alone because they are often mid-page, with that count."""

def threshold(documents: int, min_docs: int = 5, min_share: float = 0.0) -> int:
    """Distinct documents a line needs in a batch of `documents` distinct documents."""

def edge_share_ok(edge_pages: int, mid_pages: int) -> bool:
    """Whether a line at the edge of `edge_pages` pages and mid-page on `mid_pages` may be learned."""

def mid_indices(spelling: int) -> List[int]:
    """The mid-page sketch counters `spelling` uses, one per row."""

def mid_pages(spellings: Sequence[int], counters: Mapping[int, int]) -> int:
    """Mid-page pages of `spellings` (summed), read from summed sketch counters."""

def mid_counts(pages: Sequence[Sequence[int]]) -> Tuple[List[int], List[int]]:
    """Sparse mid-page sketch `(indices, counts)` of some pages' `mid` spellings."""

def line_key(line: str) -> Optional[str]:
    """The normalised key learning counts for a line, or None."""

def write_learned(lines: Sequence[LearnedLine]) -> str:
    """A learned list in the CLI's `--boilerplate` file format."""

def parse_learned(text: str) -> List[LearnedLine]:
    """Reads a `--boilerplate` file's text; ValueError names the first bad line."""
