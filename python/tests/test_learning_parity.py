"""One learning policy everywhere: with ``--learn-share`` set, the CLI, ``Cleaner.learn``,
``Learner`` and the Ray reducer learn the same list, with the same document counts.

The batch is made so that the share matters past the counting floor (``LEARN_CAP``, 64): 200
distinct documents, a site notice on 150 of them and a sponsor line on 70. At a share of 0.5 a
line needs 100 documents: the sponsor line is not learned (the CLI once capped the threshold
at 64 and learned it). At 0.3 (60 needed) both are, counted exactly."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import List

import pytest

import zhclean
from corpus import cli_binary

NOTICE = "本站文檔均由用戶上傳，僅供學習參考"
SPONSOR = "本文檔由某某贊助商提供，歡迎訪問"
N_DOCS = 200


def page(i: int) -> str:
    lines = []
    if i < 150:
        lines.append(NOTICE)
    if i % 2 == 0 and i < 140:
        lines.append(SPONSOR)
    for j in range(12):
        c = chr(0x4E00 + 12 * i + j)  # digits fold in fingerprints: pages differ by characters
        lines.append(f"正文{c}{c}，每一行都各不相同，內容各異，也比別的行長")
    return "\n".join(lines)


TEXTS: List[str] = [page(i) for i in range(N_DOCS)]
SHARES = [0.5, 0.3]


def expected(share: float) -> List[zhclean.LearnedLine]:
    notice = zhclean.LearnedLine(zhclean.line_key("本站文档均由用户上传，仅供学习参考"), 150, 150)
    sponsor = zhclean.LearnedLine(zhclean.line_key("本文档由某某赞助商提供，欢迎访问"), 70, 70)
    return sorted([notice] if share == 0.5 else [notice, sponsor], key=lambda l: l.key)


@pytest.fixture(scope="module")
def shard_dir(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("parity-in")
    with (directory / "pages.jsonl").open("w", encoding="utf-8") as f:
        for i, text in enumerate(TEXTS):
            f.write(json.dumps({"id": i, "text": text}, ensure_ascii=False) + "\n")
    return directory


def cli_learned(shard_dir: Path, tmp_path: Path, share: float) -> List[zhclean.LearnedLine]:
    binary = cli_binary()
    if not binary.exists():
        pytest.skip(f"no CLI binary at {binary} (run `cargo build --release` or set ZHCLEAN_BIN)")
    saved = tmp_path / f"learned-{share}.tsv"
    command = [
        str(binary), "--quiet", "--text-field", "text", "--output", str(tmp_path / f"out-{share}"),
        "--learn-share", str(share), "--save-boilerplate", str(saved), str(shard_dir),
    ]
    done = subprocess.run(command, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return zhclean.parse_learned(saved.read_text(encoding="utf-8"))


@pytest.mark.parametrize("share", SHARES)
def test_cli_cleaner_and_learner_learn_one_list(shard_dir, tmp_path, share):
    cleaner = zhclean.Cleaner()
    in_process = cleaner.learn(TEXTS, min_share=share)
    assert in_process == expected(share)
    learner = zhclean.Learner(min_share=share)
    for fingerprint in cleaner.fingerprint_batch(TEXTS):
        learner.add(*fingerprint)
    assert learner.finish() == in_process
    assert cli_learned(shard_dir, tmp_path, share) == in_process


def test_a_capped_learner_refuses_a_share():
    learner = zhclean.Learner()
    with pytest.raises(ValueError, match="counted up to"):
        learner.finish(min_share=0.5)
    policy = zhclean.Learning(20, 0.01)
    assert policy.cap is None and policy.threshold(10_000) == 100
    assert zhclean.Learning().cap == zhclean.LEARN_CAP


@pytest.mark.parametrize("share", SHARES)
def test_ray_learns_the_same_list(ray_cluster, share):
    import zhclean.ray as zr

    ds = ray_cluster.data.from_items([{"id": i, "text": t} for i, t in enumerate(TEXTS)], override_num_blocks=5)
    assert zr.learn_boilerplate(ds, min_share=share, batch_size=32) == expected(share)
