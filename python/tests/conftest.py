"""Shared test data for the Python package: a corpus of a few hundred pages made from the
real pages in ``tests/fixtures/pages/`` (repeated as mirrors, varied into new documents,
with synthetic site lines that cross-page learning must find), its JSONL shards, the
expected output computed in one process, and one local Ray cluster for the session."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Dict, List

import pytest

import zhclean

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "pages"

#: Records in the generated corpus and shards it is spread over.
N_PAGES = 320
N_SHARDS = 6

_HAN_FIRST, _HAN_END = 0x4E00, 0x9FA6


def _new_document(i: int, lines: List[str]) -> List[str]:
    """Another document on the same site: the head (title, template) kept, every Han
    character of the body shifted by a per-page offset, so no body line recurs elsewhere."""
    k = 1 + (i * 7919) % 5000
    shift = lambda c: chr(_HAN_FIRST + (ord(c) - _HAN_FIRST + k) % (_HAN_END - _HAN_FIRST)) if _HAN_FIRST <= ord(c) < _HAN_END else c  # noqa: E731
    return lines[:6] + ["".join(map(shift, line)) for line in lines[6:]]


def _variant(i: int, page: str) -> str:
    """Page ``i`` of the corpus: variant 0, 2, 4, 6 of a fixture page are mirrors of one
    document; 1, 3, 5, 7 are new documents of the same site."""
    v = i // 40
    lines = page.split("\n")
    if v % 2 == 1:
        lines = _new_document(i, lines)
    if v in (1, 2, 3, 6, 7):
        # Site lines a template table does not know: only cross-page learning removes them.
        lines.insert(1, "本文檔由測試語料庫收錄，僅供學習交流使用")
        lines.append(f"已閱讀{i % 17 + 1}頁，還剩{i % 5 + 2}頁未讀，歡迎下載")
    text = "\n".join(lines)
    if v == 5:
        text = text.replace("\n", "\r\n")  # saved with CRLF: the line ends are normalised
    return text


def make_records() -> List[Dict]:
    stems = sorted(p for p in FIXTURES.glob("*.txt"))
    assert len(stems) >= 40, "fixture pages missing"
    pages = [(p.stem, p.read_text(encoding="utf-8")) for p in stems[:40]]
    records = []
    for i in range(N_PAGES):
        stem, page = pages[i % 40]
        records.append(
            {
                "id": i,
                "url": f"https://mirror{i // 40}.example/{stem}.html",
                "text": _variant(i, page),
                "meta": {"site": stem.split("-", 1)[1], "variant": i // 40},
                "score": i / 7,
            }
        )
    # Edge cases the pipeline must carry through unchanged in shape.
    records.append({"id": N_PAGES, "url": "https://empty.example/", "text": "", "meta": {"site": "none", "variant": -1}, "score": 0.5})
    records.append({"id": N_PAGES + 1, "url": "https://blank.example/", "text": " \n\n \n", "meta": {"site": "none", "variant": -1}, "score": 1e-9})
    return records


def write_jsonl_shards(records: List[Dict], directory: Path, shards: int = N_SHARDS) -> List[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = [directory / f"shard-{k:02d}.jsonl" for k in range(shards)]
    files = [p.open("w", encoding="utf-8") for p in paths]
    try:
        for r in records:
            files[r["id"] % shards].write(json.dumps(r, ensure_ascii=False) + "\n")
    finally:
        for f in files:
            f.close()
    return paths


def read_jsonl_dir(directory: Path) -> Dict[int, Dict]:
    """Every record of every ``*.jsonl`` file under ``directory``, by id."""
    out: Dict[int, Dict] = {}
    for path in sorted(directory.rglob("*.jsonl")):
        with path.open(encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    r = json.loads(line)
                    assert r["id"] not in out, f"id {r['id']} written twice"
                    out[r["id"]] = r
    return out


def expected_in_process(records: List[Dict], cleaner: zhclean.Cleaner):
    """The CLI's algorithm in one process through the bindings: learn over every page,
    then clean every page with the learned lines. Returns (texts by id, learned)."""
    texts = [r["text"] for r in records]
    learned = cleaner.learn(texts)
    second = cleaner.with_boilerplate(learned)
    return {r["id"]: t for r, t in zip(records, second.clean_batch(texts))}, learned


@pytest.fixture(scope="session")
def records() -> List[Dict]:
    return make_records()


@pytest.fixture(scope="session")
def shards(records, tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("shards")
    write_jsonl_shards(records, directory)
    return directory


@pytest.fixture(scope="session")
def expected(records):
    return expected_in_process(records, zhclean.Cleaner())


@pytest.fixture(scope="session")
def ray_cluster():
    ray = pytest.importorskip("ray")
    # Quiet, local and small: the CI machine has 2 cores.
    os.environ.setdefault("RAY_DATA_DISABLE_PROGRESS_BARS", "1")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, ignore_reinit_error=True)
    ctx = ray.data.DataContext.get_current()
    ctx.enable_progress_bars = False
    yield ray
    ray.shutdown()
