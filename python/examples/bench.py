"""Throughput of zhclean on this machine, pages per second, for the README's figures:
one process (the Rust library through the bindings, learn + clean on all cores) against a
local Ray cluster (`zhclean.ray.clean_shards`), and the batch CLI when one is given.

The corpus is generated from the real pages in tests/fixtures/pages (as the tests do) and
written as JSONL shards first; every timed path reads those shards, learns boilerplate
(unless --no-learn), cleans and writes JSONL.

    python examples/bench.py --pages 20000 --shards 8 --num-cpus 2 [--cli target/release/zhclean]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

import zhclean  # noqa: E402
from corpus import make_records, write_jsonl_shards  # noqa: E402


def in_process(shards: Path, out: Path, learn: bool) -> float:
    started = time.perf_counter()
    records = []
    for path in sorted(shards.glob("*.jsonl")):
        with path.open(encoding="utf-8") as f:
            records.extend(json.loads(line) for line in f)
    texts = [r["text"] for r in records]
    cleaner = zhclean.Cleaner()
    if learn:
        cleaner = cleaner.with_boilerplate(cleaner.learn(texts))
    for r, text in zip(records, cleaner.clean_batch(texts)):
        r["text"] = text
    out.mkdir(parents=True, exist_ok=True)
    with (out / "all.jsonl").open("w", encoding="utf-8") as f:
        f.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    return time.perf_counter() - started


def on_ray(shards: Path, out: Path, learn: bool) -> float:
    import zhclean.ray as zr

    started = time.perf_counter()
    zr.clean_shards(str(shards), str(out), learn=learn)
    return time.perf_counter() - started


def cli(binary: str, shards: Path, out: Path) -> float:
    started = time.perf_counter()
    subprocess.run([binary, "--quiet", "--text-field", "text", "--output", str(out), str(shards)], check=True)
    return time.perf_counter() - started


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=20000)
    ap.add_argument("--shards", type=int, default=8)
    ap.add_argument("--num-cpus", type=int, default=2)
    ap.add_argument("--no-learn", action="store_true")
    ap.add_argument("--cli", help="path of the batch CLI binary, to time it too")
    args = ap.parse_args()
    learn = not args.no_learn

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        records = make_records(args.pages)
        write_jsonl_shards(records, tmp / "in", shards=args.shards)
        mb = sum(p.stat().st_size for p in (tmp / "in").glob("*.jsonl")) / 1e6
        print(f"{len(records)} pages, {mb:.1f} MB in {args.shards} JSONL shards; "
              f"{os.cpu_count()} cores; learning {'on' if learn else 'off'}")

        label = "one process (Cleaner.learn + clean_batch)" if learn else "one process (Cleaner.clean_batch)"
        results = [(label, in_process(tmp / "in", tmp / "p", learn))]
        if args.cli:
            results.append((f"CLI {args.cli}", cli(args.cli, tmp / "in", tmp / "c")))
        import ray

        ray.init(num_cpus=args.num_cpus, include_dashboard=False, log_to_driver=False)
        ray.data.DataContext.get_current().enable_progress_bars = False
        results.append((f"Ray, local cluster of {args.num_cpus} CPUs (clean_shards)", on_ray(tmp / "in", tmp / "r", learn)))
        ray.shutdown()
        for name, seconds in results:
            print(f"{name:55s} {seconds:7.1f} s {len(records) / seconds:9.0f} pages/s")


if __name__ == "__main__":
    main()
