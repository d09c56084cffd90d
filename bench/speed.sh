#!/usr/bin/env bash
# One-thread conversion speed, zhclean vs ferrous-opencc vs C++ OpenCC, on the same text,
# and start-up time. Needs target/bench-data/zh-tw.txt (bench/fetch_corpus.sh), PyPI
# `opencc` (pip install opencc==1.4.2) and, for the start-up line, hyperfine.
#
# Usage: bench/speed.sh [FILE] [ROUNDS]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
file="${1:-$root/target/bench-data/zh-tw.txt}"
rounds="${2:-10}"
cd "$root"
cargo build --quiet --release --example speed --example convert
# Pin to one core so that every engine runs on one thread of the same CPU.
pin=(taskset -c 1)
command -v taskset >/dev/null || pin=()
"${pin[@]}" target/release/examples/speed "$file" "$rounds"
"${pin[@]}" python3 - "$file" "$rounds" <<'PY'
import sys, time
import opencc
path, rounds = sys.argv[1], int(sys.argv[2])
text = open(path, encoding="utf-8").read()
mb = len(text.encode()) / 1e6
t0 = time.perf_counter()
cc = opencc.OpenCC("tw2s")
start = time.perf_counter() - t0
best = None
for _ in range(rounds):
    c0, w0 = time.thread_time(), time.perf_counter()
    cc.convert(text)
    c, w = time.thread_time() - c0, time.perf_counter() - w0
    if best is None or c < best[0]:
        best = (c, w)
c, w = best
print(f"| C++ OpenCC {opencc.__version__ if hasattr(opencc, '__version__') else ''} tw2s (PyPI opencc) "
      f"| {start * 1e3:.2f} ms | {w * 1e3:.1f} ms | {c * 1e3:.1f} ms | {mb / c:.0f} | {mb / w:.0f} |")
PY
if command -v hyperfine >/dev/null; then
    echo
    echo "start-up: whole process, start to exit, converting one short line (hyperfine)"
    printf '什麼\n' >"$root/target/startup-input.txt"
    hyperfine --warmup 5 --runs 100 \
        "target/release/examples/convert zhclean < target/startup-input.txt" 2>/dev/null |
        grep -E "Time|Range" || true
fi
