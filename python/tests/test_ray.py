"""zhclean on a local 2-CPU Ray cluster: the distributed two-phase run over several JSONL
(and Parquet) shards must give exactly the output of one process, and of the CLI, with every
other column intact."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import List

import pytest

import zhclean
from conftest import expected_in_process, read_jsonl_dir, write_jsonl_shards
from corpus import MANUAL_CREDIT, cli_binary

pytest.importorskip("ray")
import zhclean.ray as zr  # noqa: E402  (needs ray)


@pytest.fixture(scope="session")
def ray_run(ray_cluster, shards, tmp_path_factory):
    """The distributed run over the JSONL shards: (output records by id, learned lines)."""
    out = tmp_path_factory.mktemp("ray-out")
    boilerplate = out / "learned.tsv"
    learned = zr.clean_shards(str(shards), str(out / "data"), boilerplate_file=str(boilerplate))
    return read_jsonl_dir(out / "data"), learned, boilerplate


def test_ray_learns_exactly_what_one_process_learns(ray_run, expected, records):
    _, learned, boilerplate = ray_run
    _, want = expected
    assert learned, "the corpus has site lines that must be learned"
    assert learned == want
    keys = {line.key for line in learned}
    assert zhclean.line_key("本文档由测试语料库收录，仅供学习交流使用") in keys
    # Digit runs fold: 17 spellings of "已阅读N页…" are one learned line.
    assert zhclean.line_key("已阅读1页，还剩2页未读，欢迎下载") in keys
    assert zhclean.parse_learned(boilerplate.read_text(encoding="utf-8")) == want
    # The edge-share rule: the manuals' credit line is at page edges in enough documents,
    # but mid-page more often; only the site notice is learned.
    assert zhclean.line_key("本站文档均由用户上传，仅供学习参考") in keys
    assert zhclean.line_key("本页面中文版由中文man手册页计划提供。") not in keys
    assert MANUAL_CREDIT in records[-3]["text"]


def test_ray_output_is_byte_identical_to_one_process(ray_run, records, expected):
    got, _, _ = ray_run
    want, _ = expected
    assert sorted(got) == sorted(r["id"] for r in records)
    for r in records:
        out = got[r["id"]]
        assert out["text"].encode("utf-8") == want[r["id"]].encode("utf-8"), r["id"]
        # Every other column survives as it was.
        assert {k: v for k, v in out.items() if k != "text"} == {k: v for k, v in r.items() if k != "text"}


def test_learning_changes_the_output(ray_run, records):
    """Guard against a vacuous comparison: learned lines really leave pages."""
    got, _, _ = ray_run
    plain = zhclean.Cleaner()
    changed = [r["id"] for r in records if plain.clean(r["text"]) != got[r["id"]]["text"]]
    assert len(changed) >= 100
    assert all("测试语料库" not in got[i]["text"] for i in got)


def test_result_does_not_depend_on_sharding(ray_cluster, records, expected, tmp_path):
    """Other shard and block boundaries, same learned list and output."""
    write_jsonl_shards(records, tmp_path / "in", shards=3)
    ds = zr.read_shards(str(tmp_path / "in"), override_num_blocks=7)
    out, learned = zr.clean_with_learning(ds, batch_size=16)
    want, want_learned = expected
    assert learned == want_learned
    got = {r["id"]: r["text"] for r in out.take_all()}
    assert got == want


def test_parquet_shards(ray_cluster, records, tmp_path):
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    subset = records[:160]
    (tmp_path / "in.parquet").mkdir()
    for k in range(3):
        part = [r for r in subset if r["id"] % 3 == k]
        pq.write_table(pa.Table.from_pylist(part), tmp_path / "in.parquet" / f"part-{k}.parquet")
    learned = zr.clean_shards(str(tmp_path / "in.parquet"), str(tmp_path / "out"))
    want, want_learned = expected_in_process(subset, zhclean.Cleaner())
    assert learned == want_learned and learned
    table = pq.read_table(tmp_path / "out")
    rows = {r["id"]: r for r in table.to_pylist()}
    for r in subset:
        assert rows[r["id"]]["text"] == want[r["id"]]
        assert rows[r["id"]]["url"] == r["url"] and rows[r["id"]]["meta"] == r["meta"]


def test_config_and_nulls_travel_to_workers(ray_cluster):
    ray = ray_cluster
    config = {"disable": ["convert"], "spacing": "add"}
    rows = [{"id": 0, "text": "經濟 GDP總體"}, {"id": 1, "text": None}, {"id": 2, "text": "推進(jìn)"}]
    ds = ray.data.from_items(rows)
    out = {r["id"]: r["text"] for r in zr.clean_dataset(ds, config).take_all()}
    local = zhclean.Cleaner(config)
    assert out == {0: local.clean("經濟 GDP總體"), 1: None, 2: local.clean("推進(jìn)")}
    # Too few documents to learn from: learning is off, as in the CLI.
    assert zr.learn_boilerplate(ds, config) == []
    with pytest.raises(zhclean.ConfigError):
        zr.clean_dataset(ds, {"disable": ["nope"]})


# ---------------------------------------------------------------------------------------
# The CLI, byte for byte. Adjust `cli_command` if the CLI's flags change.

def cli_command(binary: Path, input_dir: Path, output_dir: Path) -> List[str]:
    """One CLI run over the whole shard directory (learning is per run, so all shards must
    be in one run): JSONL shards in, same-named JSONL shards out, default options."""
    return [str(binary), "--quiet", "--text-field", "text", "--output", str(output_dir), str(input_dir)]


def _cli_or_skip() -> Path:
    binary = cli_binary()
    if not binary.exists():
        pytest.skip(f"no CLI binary at {binary} (run `cargo build --release` or set ZHCLEAN_BIN)")
    help_text = subprocess.run([str(binary), "--help"], capture_output=True, text=True).stdout
    if "--text-field" not in help_text:
        pytest.skip(f"{binary} is not the batch CLI yet (no --text-field in --help)")
    return binary


def test_ray_output_is_byte_identical_to_the_cli(ray_run, records, shards, tmp_path):
    """Runs only with the batch CLI built (skipped with the reason otherwise). The CLI must
    learn boilerplate over its whole run with the library defaults, as the Ray run does."""
    binary = _cli_or_skip()
    out_dir = tmp_path / "cli-out"
    done = subprocess.run(cli_command(binary, shards, out_dir), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    cli = read_jsonl_dir(out_dir)
    got, _, _ = ray_run
    assert sorted(cli) == sorted(got)
    for r in records:
        assert got[r["id"]]["text"].encode("utf-8") == cli[r["id"]]["text"].encode("utf-8"), r["id"]
        assert cli[r["id"]] == {**r, "text": cli[r["id"]]["text"]}
