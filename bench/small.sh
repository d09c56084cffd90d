#!/usr/bin/env bash
# The small-page batch of issue 23 (bench/make_small.sh: 3,120 real pages of 2.4 KB on average
# in 78 directories), in alternated rounds: zhclean on one thread with the default durability
# (--sync group), with no syncing and with an fsync per file; two threads; the Python pipeline
# (bench/peer.py); `cp -r` of the batch, the time the disk alone takes to copy the files
# (no cleaning, no temporary names); and zhclean with every stage but the conversion switched
# off (what the default run costs before any cleaning). Prints the median wall and CPU
# (user+sys) time of each command and the targets: default >= 5x the Python pipeline (wall), default within 15 % of
# --sync none (wall), 2-thread CPU time <= 1.15x the 1-thread CPU time.
#
# Usage: bench/small.sh [ROUNDS]   (default 5)
# Environment: SMALL (the batch; made in BENCH_TMP if missing), BENCH_TMP (default
# /tmp/zhclean-bench), BIN (default target/release/zhclean). Outputs go to BENCH_TMP, on a real
# disk (syncing to tmpfs would measure nothing); every run writes a fresh directory, all are
# deleted at the end (deleting between runs makes the next run's file creation pay for it).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
rounds=${1:-5}
work="${BENCH_TMP:-/tmp/zhclean-bench}"
small="${SMALL:-$work/small}"
zh="${BIN:-$root/target/release/zhclean}"
[ -n "${BIN:-}" ] || cargo build --quiet --release
[ -d "$small" ] || bench/make_small.sh "$small"
# Every stage but the conversion off: what the default run costs with nothing to learn, no
# template, no garbage search (the floor for a tool that converts with the same durability).
# The stages are the ones zhclean lists when told an unknown one.
only_convert=$({ "$zh" --disable help - </dev/null 2>&1 || true; } | sed -n 's/.*(stages: \(.*\)).*/\1/p' |
    tr -d ',' | tr ' ' '\n' | grep -vx convert | sed 's/^/--disable /' | tr '\n' ' ')
[ -n "$only_convert" ] || { echo "small.sh: zhclean did not list its stages" >&2; exit 1; }
runs="$work/small-runs"
rm -rf "$runs"
mkdir -p "$runs"
cmds=(
    "zhclean -j 1 (default: --sync group)|$zh $small -o @OUT@ -q -j 1"
    "zhclean -j 1 --sync none|$zh $small -o @OUT@ -q -j 1 --sync none"
    "zhclean -j 1 --sync file|$zh $small -o @OUT@ -q -j 1 --sync file"
    "zhclean -j 2 (default)|$zh $small -o @OUT@ -q -j 2"
    "Python pipeline, 1 process|python3 $root/bench/peer.py $small @OUT@"
    "cp -r (the files copied, no cleaning: the disk's floor)|cp -r $small @OUT@"
    "zhclean -j 1, conversion only (every other stage off)|$zh $small -o @OUT@ -q -j 1 $only_convert"
)
: >"$runs/times.tsv"
k=0
for r in $(seq "$rounds"); do
    for i in "${!cmds[@]}"; do
        k=$((k + 1))
        cmd=${cmds[$i]#*|}
        sync
        /usr/bin/time -f "%e %U %S" -o "$runs/t" ${cmd//@OUT@/$runs/o$k} >/dev/null 2>&1
        read -r wall user sys <"$runs/t"
        printf '%s\t%s\t%s\n' "$i" "$wall" "$(echo "$user + $sys" | bc)" >>"$runs/times.tsv"
    done
done
rm -rf "$runs"/o*
files=$(find "$small" -type f | wc -l)
mb=$(du -sb "$small" | awk '{printf "%.2f", $1/1e6}')
echo "Small pages: $files files, $mb MB, $(find "$small" -mindepth 1 -type d | wc -l) directories; output on $(df -PT "$work" | awk 'NR==2{print $2}'); median of $rounds alternated rounds"
echo
python3 - "$runs/times.tsv" "${cmds[@]%%|*}" <<'PY'
import statistics, sys
rows = [l.split("\t") for l in open(sys.argv[1])]
names = sys.argv[2:]
med = {}
print("| command | wall s | CPU s (user+sys) |")
print("|---|---:|---:|")
for i, name in enumerate(names):
    w = statistics.median(float(r[1]) for r in rows if int(r[0]) == i)
    c = statistics.median(float(r[2]) for r in rows if int(r[0]) == i)
    med[i] = (w, c)
    print(f"| {name} | {w:.3f} | {c:.3f} |")
print()
def line(text, value, ok):
    print(f"- {text}: {value} ({'met' if ok else 'NOT met'})")
line("default vs Python pipeline, wall (target >= 5x)", f"{med[4][0] / med[0][0]:.2f}x", med[4][0] / med[0][0] >= 5)
line("default vs --sync none, wall (target <= 1.15)", f"{med[0][0] / med[1][0]:.2f}", med[0][0] / med[1][0] <= 1.15)
line("2-thread over 1-thread CPU time (target <= 1.15)", f"{med[3][1] / med[0][1]:.2f}", med[3][1] / med[0][1] <= 1.15)
print(f"- the copy alone vs the Python pipeline, wall: {med[4][0] / med[5][0]:.2f}x (copying is the floor for any tool that writes these files)")
print(f"- conversion alone vs the Python pipeline, wall: {med[4][0] / med[6][0]:.2f}x (the default durability, no other stage: the floor for zhclean's default run)")
PY
