"""The generated test corpus: a few hundred (or, for the benchmark, many thousand) pages
made from the real pages in ``tests/fixtures/pages/``. Each fixture page recurs as mirrors of
one document (one saved with CRLF) and as new documents of the same site (bodies changed
character by character), and some carry synthetic site lines that only cross-page learning
removes. Records have extra columns that every path must keep."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Dict, List

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "pages"

def cli_binary() -> Path:
    """The release CLI the byte-for-byte comparisons run (``ZHCLEAN_BIN`` overrides)."""
    return Path(os.environ.get("ZHCLEAN_BIN", REPO / "target" / "release" / "zhclean"))


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


def make_records(n_pages: int = N_PAGES) -> List[Dict]:
    stems = sorted(p for p in FIXTURES.glob("*.txt"))
    assert len(stems) >= 40, "fixture pages missing"
    pages = [(p.stem, p.read_text(encoding="utf-8")) for p in stems[:40]]
    records = []
    for i in range(n_pages):
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
    # Pages cut from a run of manual pages: a publisher's credit line is mid-page on every
    # one and at an edge on a quarter of them. Frequent at edges, yet the documents' own text:
    # learning must hold it back (the edge-share rule), in every path alike.
    for k in range(N_MANUAL):
        records.append(
            {
                "id": n_pages + 2 + k,
                "url": f"https://manuals.example/{k}.html",
                "text": manual_page(k),
                "meta": {"site": "manuals", "variant": 0},
                "score": k / 3,
            }
        )
    # Edge cases the pipeline must carry through unchanged in shape.
    records.append({"id": n_pages, "url": "https://empty.example/", "text": "", "meta": {"site": "none", "variant": -1}, "score": 0.5})
    records.append({"id": n_pages + 1, "url": "https://blank.example/", "text": " \n\n \n", "meta": {"site": "none", "variant": -1}, "score": 1e-9})
    return records


#: Manual-page records, and their publisher's credit line and site notice.
N_MANUAL = 24
MANUAL_CREDIT = "本頁面中文版由中文man手冊頁計劃提供。"
MANUAL_NOTICE = "本站文檔均由用戶上傳，僅供學習參考"


def manual_page(k: int) -> str:
    lines = [MANUAL_NOTICE]
    for j in range(30):
        c = chr(0x5000 + 40 * k + j)  # digits fold in fingerprints: pages differ by characters
        lines.append(f"正文{c}{c}，每一行都各不相同，內容各異，也比別的行長")
        if j % 10 == 4:
            lines.append(MANUAL_CREDIT)
    if k % 4 == 0:
        lines.append(MANUAL_CREDIT)
    return "\n".join(lines)


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
    """Every record of every ``*.jsonl`` data file under ``directory``, by id."""
    out: Dict[int, Dict] = {}
    for path in sorted(directory.rglob("*.jsonl")):
        if path.name.startswith("."):
            continue  # the CLI's resume manifest (.zhclean-manifest.jsonl), not data
        with path.open(encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    r = json.loads(line)
                    assert r["id"] not in out, f"id {r['id']} written twice"
                    out[r["id"]] = r
    return out


