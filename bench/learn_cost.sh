#!/usr/bin/env bash
# Learning's extra cost (issue 6): runs `zhclean DIR` without and with boilerplate learning,
# alternately, ROUNDS times (output on tmpfs, --jobs 1, --no-sync) and prints each pair's
# user+sys CPU seconds, the median of the per-pair ratios and the best of each.
# Alternating pairs is what makes the ratio usable on a machine whose CPU time varies between
# identical runs.
#
# Usage: bench/learn_cost.sh DIR [ROUNDS] [BINARY]   (default 8 rounds, target/release/zhclean)
set -euo pipefail
dir=$1
rounds=${2:-8}
bin=${3:-"$(cd "$(dirname "$0")/.." && pwd)/target/release/zhclean"}
out="${TMPDIR_OUT:-/dev/shm}/zhclean-learn-cost.$$"
times=$(mktemp)
trap 'rm -rf "$out" "$times"' EXIT
cpu() { awk '{print $1 + $2}' "$times"; }
for _ in $(seq "$rounds"); do
    rm -rf "$out"
    /usr/bin/time -f "%U %S" -o "$times" "$bin" "$dir" -o "$out" -q --no-sync -j 1 --no-learn
    one=$(cpu)
    rm -rf "$out"
    /usr/bin/time -f "%U %S" -o "$times" "$bin" "$dir" -o "$out" -q --no-sync -j 1
    echo "$one $(cpu)"
done | python3 -c '
import statistics as st, sys
pairs = [tuple(map(float, l.split())) for l in sys.stdin]
for a, b in pairs:
    print(f"one pass {a:.2f} s, with learning {b:.2f} s, ratio {b / a:.3f}")
one, learn = [a for a, _ in pairs], [b for _, b in pairs]
print(f"median ratio {st.median(b / a for a, b in pairs):.3f}; medians {st.median(one):.2f} s and "
      f"{st.median(learn):.2f} s; best {min(one):.2f} s and {min(learn):.2f} s")
'
