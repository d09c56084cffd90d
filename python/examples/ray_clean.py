"""Clean a directory (or object-store prefix) of JSONL or Parquet shards on a Ray cluster,
with the CLI's cross-page boilerplate learning: the complete example of the README's
"Run on a cluster" section.

    python examples/ray_clean.py INPUT OUTPUT [--config zhclean.toml] [--boilerplate FILE]
    python examples/ray_clean.py s3://bucket/crawl/ s3://bucket/clean/ --address auto
"""

import argparse
import time

import ray

import zhclean
import zhclean.ray as zr


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("input", help="directory, file or object-store prefix of shards")
    ap.add_argument("output", help="output directory or object-store prefix")
    ap.add_argument("--format", choices=["jsonl", "parquet"], help="default: from the input path")
    ap.add_argument("--config", help="the CLI's TOML config file")
    ap.add_argument("--text-field", default="text")
    ap.add_argument("--no-learn", action="store_true", help="no cross-page boilerplate learning")
    ap.add_argument("--boilerplate", help="save the learned lines here (the CLI's format)")
    ap.add_argument("--address", help="Ray cluster address ('auto' to join a running cluster)")
    ap.add_argument("--num-cpus", type=int, help="CPUs of a local cluster (default: all)")
    args = ap.parse_args()

    ray.init(address=args.address, num_cpus=args.num_cpus, include_dashboard=False)
    config = open(args.config, encoding="utf-8").read() if args.config else None
    cleaner = zhclean.Cleaner(config)  # fails here, before any work, on a bad config

    started = time.perf_counter()
    learned = zr.clean_shards(
        args.input,
        args.output,
        cleaner,
        format=args.format,
        text_field=args.text_field,
        learn=not args.no_learn,
        boilerplate_file=args.boilerplate,
    )
    print(f"learned {len(learned)} boilerplate lines; done in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
