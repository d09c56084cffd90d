"""Shared fixtures of the Python tests: the generated corpus (``corpus.py``) and its JSONL
shards, the expected output computed in one process, and one local Ray cluster."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Dict, List

import pytest

import zhclean

from corpus import REPO, make_records, read_jsonl_dir, write_jsonl_shards  # noqa: F401 (re-exported)


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
