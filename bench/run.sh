#!/usr/bin/env bash
# The benchmark, in one command: installs what it needs, builds the data, runs zhclean and its
# peers for accuracy and speed, and prints the Markdown tables (README "## Benchmarks").
#
# Usage: bench/run.sh [--quick]
#   --quick   200 accuracy pages, 1,000 speed pages, a 50 MB shard (a few minutes)
# Environment: SHARD_MB (default 1000), SPEED_PAGES (10000), ACC_PAGES (0 = the whole corpus),
#              OPENCC_SHARD=1 to time OpenCC on the shard too (default only with --quick),
#              BENCH_TMP (default /tmp/zhclean-bench; the shard is deleted at the end),
#              BENCH_OUT (where timed runs write; default /dev/shm when it has room).
#              REPEAT (rounds of speed runs, each running every command once; the median
#              run by wall time is reported;
#              default 5, 1 with --quick).
#
# Needs Debian/Ubuntu (apt-get), python3 with pip, cargo. Installs PyPI opencc==1.4.2 and
# rapidfuzz, and the Debian `opencc` command-line converter (falls back to PyPI opencc's CLI).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
quick=0
[ "${1:-}" = "--quick" ] && quick=1
if [ $quick = 1 ]; then
    acc_pages=${ACC_PAGES:-200}; speed_pages=${SPEED_PAGES:-1000}; shard_mb=${SHARD_MB:-50}
    repeat=${REPEAT:-1}
else
    acc_pages=${ACC_PAGES:-0}; speed_pages=${SPEED_PAGES:-10000}; shard_mb=${SHARD_MB:-1000}
    repeat=${REPEAT:-5}
fi
work="${BENCH_TMP:-/tmp/zhclean-bench}"
log() { echo "== $*" >&2; }

log "installing"
python3 -m pip install --quiet opencc==1.4.2 rapidfuzz 2>&1 | grep -v "WARNING: Running pip as" >&2 || true
as_root=""
[ "$(id -u)" = 0 ] || as_root="sudo"
if ! [ -x /usr/bin/opencc ] || ! [ -x /usr/bin/time ]; then
    $as_root apt-get install -y opencc time >/dev/null 2>&1 ||
        { $as_root apt-get update -qq >/dev/null 2>&1 && $as_root apt-get install -y opencc time >/dev/null 2>&1; } ||
        log "apt-get install opencc time failed (falling back to PyPI opencc CLI)"
fi
if [ -x /usr/bin/opencc ] && echo 們 | /usr/bin/opencc -c tw2s.json >/dev/null 2>&1; then
    opencc_cli=(/usr/bin/opencc)
    opencc_name="OpenCC CLI $(dpkg-query -W -f '${Version}' opencc 2>/dev/null || echo '?') (Debian)"
else
    opencc_cli=(python3 -c "import sys; from opencc.cli import main; sys.exit(main())")
    opencc_name="OpenCC 1.4.2 CLI (PyPI opencc, python)"
fi
log "building"
cargo build --quiet --release
zh="$root/target/release/zhclean"
[ -s target/bench-data/zh-cn.txt ] || bench/fetch_corpus.sh >&2
corpus="$root/target/bench-data/zh-cn.txt"

rm -rf "$work"
mkdir -p "$work"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/{print $2}') GB RAM; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "zhclean $(git rev-parse --short HEAD 2>/dev/null || echo '?'); PyPI opencc $(python3 -c 'import importlib.metadata as m; print(m.version("opencc"))'); $opencc_name; $(python3 --version)"
echo

# ---------------------------------------------------------------- accuracy
log "accuracy: corrupting"
acc="$work/acc"
python3 bench/corrupt.py accuracy "$corpus" "$acc" --pages "$acc_pages"
log "accuracy: cleaning"
"$zh" "$acc/raw" -o "$acc/zhclean" -q --no-sync --report "$acc/report.json" || true
"$zh" "$acc/raw" -o "$acc/zhclean-nolearn" -q --no-sync --no-learn || true
python3 bench/peer.py "$acc/raw" "$acc/peer"
python3 bench/peer.py --opencc-only "$acc/raw" "$acc/opencc"
log "accuracy: scoring"
python3 bench/score.py "$acc" "zhclean=$acc/zhclean" "zhclean --no-learn=$acc/zhclean-nolearn" \
    "Python peer pipeline=$acc/peer" "OpenCC tw2s alone=$acc/opencc" --json "$acc/scores.json"
python3 - "$acc/scores.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
p, o = (r[k]["cer"]["overall"] for k in ("Python peer pipeline", "OpenCC tw2s alone"))
print()
for k in ("zhclean", "zhclean --no-learn"):
    z = r[k]["cer"]["overall"]
    ok = "met" if z < p and z < o else "NOT met"
    print(f"- target {k} overall CER below both peers: {ok} ({100*z:.2f}% vs {100*p:.2f}% and {100*o:.2f}%)")
print()
PY

# ---------------------------------------------------------------- speed
log "speed: generating $speed_pages pages and a ${shard_mb} MB shard"
sp="$work/speed"
python3 bench/corrupt.py speed "$corpus" "$sp" --pages "$speed_pages" --seed 11 \
    --jsonl "$sp/shard.jsonl" --jsonl-mb "$shard_mb"
cat "$sp"/raw/*.txt >"$sp/batch-concat.txt"
batch_bytes=$(cat "$sp"/raw/*.txt | wc -c)
shard_bytes=$(stat -c %s "$sp/shard.jsonl")
shard_recs=$(wc -l <"$sp/shard.jsonl")
rows="$work/speed-rows.tsv"
: >"$rows"
# Every timed run writes a fresh output directory, on tmpfs (/dev/shm) when it has room, and
# deletes it once timed. On ext4, files created within minutes of many deletions (the previous
# run's output, or the previous benchmark's work directory) cost seconds of system time while
# ext4 skips recently freed inodes: a measure of the file system's recovery, not of the
# cleaner, and it fell on whichever runs came first. Every program timed here writes to the
# same place. BENCH_OUT=DIR chooses another place.
out_root="${BENCH_OUT:-}"
if [ -z "$out_root" ]; then
    out_root="$work"
    if [ -d /dev/shm ] && [ -w /dev/shm ] &&
        [ "$(df -Pk /dev/shm | awk 'NR==2{print $4}')" -gt $((3 * shard_mb * 1024)) ]; then
        out_root=/dev/shm/zhclean-bench-out.$$
    fi
fi
mkdir -p "$out_root"
echo "outputs written to: $out_root ($(df -PT "$out_root" | awk 'NR==2{print $2}'))"
echo
# measure NAME INPUT_LABEL PAR BYTES PAGES CMD...: registers a timed command; `@OUT@` in CMD
# is its fresh output path. The commands run in rounds: each round runs every command once,
# in order, and there are $repeat rounds. This VM's speed drifts by 10-30 % over minutes, and
# a tool timed in one block of minutes would be compared with one timed in another; in rounds,
# every tool's runs are spread over the whole benchmark. Each row reports a command's median
# run by wall time.
configs=()
measure() {
    local n=${#configs[@]} quoted
    printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" >"$work/config-$n.tsv"
    shift 5
    printf -v quoted '%q ' "$@"
    configs+=("$quoted")
}
run_all() {
    local r n name input par bytes pages out wall user sys rss
    for n in "${!configs[@]}"; do : >"$work/runs-$n.tsv"; done
    : >"$work/rounds.tsv"
    for r in $(seq "$repeat"); do
        for n in "${!configs[@]}"; do
            IFS=$'\t' read -r name input par bytes pages <"$work/config-$n.tsv"
            out="$out_root/out-$n"
            rm -rf "$out"
            sync
            /usr/bin/time -v -o "$work/time.txt" bash -c "exec ${configs[$n]//@OUT@/$out}" >/dev/null 2>"$work/err.txt" || {
                log "FAILED: $name"; cat "$work/err.txt" >&2; }
            rm -rf "$out"
            wall=$(awk -F': ' '/Elapsed \(wall clock\)/{n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$work/time.txt")
            user=$(awk -F': ' '/User time/{print $2}' "$work/time.txt")
            sys=$(awk -F': ' '/System time/{print $2}' "$work/time.txt")
            rss=$(awk -F': ' '/Maximum resident/{print $2}' "$work/time.txt")
            printf '%s\t%s\t%s\n' "$wall" "$(echo "$user + $sys" | bc)" "$rss" >>"$work/runs-$n.tsv"
            printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$input" "$par" "$r" "$wall" "$(echo "$user + $sys" | bc)" >>"$work/rounds.tsv"
            log "round $r/$repeat: $name $input x$par: ${wall}s"
        done
    done
    for n in "${!configs[@]}"; do
        IFS=$'\t' read -r name input par bytes pages <"$work/config-$n.tsv"
        # The median run by wall time (the middle one of an odd count).
        sort -n "$work/runs-$n.tsv" | sed -n "$(((repeat + 1) / 2))p" | while IFS=$'\t' read -r wall cpu rss; do
            printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$input" "$par" "$bytes" "$pages" "$wall" "$cpu" "$rss" >>"$rows"
        done
    done
}
for j in 1 2; do
    measure "zhclean (whole pipeline)" "$speed_pages pages" "$j" "$batch_bytes" "$speed_pages" \
        "$zh" "$sp/raw" -o @OUT@ -q --no-sync --jobs "$j"
done
for j in 1 2; do
    measure "zhclean --no-learn (one pass)" "$speed_pages pages" "$j" "$batch_bytes" "$speed_pages" \
        "$zh" "$sp/raw" -o @OUT@ -q --no-sync --no-learn --jobs "$j"
done
for j in 1 2; do
    measure "zhclean (whole pipeline)" "JSONL shard" "$j" "$shard_bytes" "$shard_recs" \
        "$zh" "$sp/shard.jsonl" -o @OUT@ -q --no-sync --jobs "$j"
done
for j in 1 2; do
    measure "Python peer pipeline" "$speed_pages pages" "$j" "$batch_bytes" "$speed_pages" \
        python3 bench/peer.py "$sp/raw" @OUT@ --procs "$j"
done
measure "OpenCC 1.4.2 (PyPI, in Python, per page), tw2s only" "$speed_pages pages" 1 "$batch_bytes" "$speed_pages" \
    python3 bench/peer.py --opencc-only "$sp/raw" @OUT@
measure "$opencc_name, tw2s only" "$speed_pages pages (one file)" 1 "$batch_bytes" "$speed_pages" \
    "${opencc_cli[@]}" -c tw2s.json -i "$sp/batch-concat.txt" -o @OUT@
if [ "${OPENCC_SHARD:-$quick}" = 1 ]; then
    measure "$opencc_name, tw2s only" "JSONL shard" 1 "$shard_bytes" "$shard_recs" \
        "${opencc_cli[@]}" -c tw2s.json -i "$sp/shard.jsonl" -o @OUT@
fi
run_all
[ "$out_root" = "$work" ] || rmdir "$out_root" 2>/dev/null || true
echo "Speed: $speed_pages pages = $(echo "scale=1; $batch_bytes/1000000" | bc) MB; JSONL shard = $shard_recs records, $(echo "scale=0; $shard_bytes/1000000" | bc) MB (pages cycled). zhclean runs with boilerplate learning (two passes) and --no-sync. Each row: the median of $repeat runs by wall time; the runs go in rounds (every command once per round)."
echo
python3 - "$rows" "$work/rounds.tsv" <<'PY'
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1], encoding="utf-8")]
rounds = [l.rstrip("\n").split("\t") for l in open(sys.argv[2], encoding="utf-8")]
print("| run | input | threads / processes | wall s | MB/s | pages/s | CPU s | MB per CPU s | peak RSS MB |")
print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
def key_of(name, inp, par):
    """(tool, input kind, threads) of a run, as the targets below name them."""
    tool = ("zhclean" if name.startswith("zhclean (") else "nolearn" if name.startswith("zhclean --no-learn")
            else "peer" if name.startswith("Python") else "opencc-py" if "PyPI" in name else "opencc")
    return (tool, "shard" if inp.startswith("JSONL") else "batch", par)
res = {}
for name, inp, par, b, pages, wall, cpu, rss in rows:
    b, pages, wall, cpu, rss = int(b), int(pages), float(wall), float(cpu), int(rss)
    mbs = b / 1e6 / wall
    res[key_of(name, inp, par)] = (mbs, b / 1e6 / cpu)
    print(f"| {name} | {inp} | {par} | {wall:.2f} | {mbs:.1f} | {pages / wall:.0f} | {cpu:.2f} | {b / 1e6 / cpu:.1f} | {rss / 1024:.0f} |")
print()
def verdict(ok): return "met" if ok else "NOT met"
for z in ("zhclean", "nolearn"):
    label = "zhclean" if z == "zhclean" else "zhclean --no-learn"
    (zw, zc), (pw, pc), (ow, oc) = res[(z, "batch", "1")], res[("peer", "batch", "1")], res[("opencc", "batch", "1")]
    print(f"- {label}, 1 thread vs Python peer, 1 process: {zw / pw:.1f}x wall, {zc / pc:.1f}x per CPU second "
          f"(target >= 5x): {verdict(min(zw / pw, zc / pc) >= 5)}")
    print(f"- {label} whole pipeline, 1 thread vs OpenCC CLI tw2s alone: {zw / ow:.2f}x wall, {zc / oc:.2f}x per CPU second "
          f"(target > 1x): {verdict(min(zw / ow, zc / oc) > 1)}")
    if ("opencc-py", "batch", "1") in res:
        ow, oc = res[("opencc-py", "batch", "1")]
        print(f"- {label} whole pipeline, 1 thread vs PyPI OpenCC tw2s alone: {zw / ow:.2f}x wall, {zc / oc:.2f}x per CPU second "
              f"(target > 1x): {verdict(min(zw / ow, zc / oc) > 1)}")
    for inp in ("batch", "shard"):
        if (z, inp, "2") in res:
            r = res[(z, inp, "2")][0] / res[(z, inp, "1")][0]
            print(f"- {label}, 2 threads vs 1 thread ({inp}): {r:.2f}x wall (target >= 1.8x): {verdict(r >= 1.8)}")
            c = res[(z, inp, "1")][1] / res[(z, inp, "2")][1]
            print(f"- {label}, CPU time of 2 threads over 1 thread ({inp}): {c:.2f} (target <= 1.15): {verdict(c <= 1.15)}")
# The same ratios round by round (each from runs minutes apart at most): how far this
# machine's noise moves them.
per = {}
for name, inp, par, r, wall, cpu in rounds:
    per.setdefault(key_of(name, inp, par), []).append((float(wall), float(cpu)))
def show(label, a, b, i, target):
    if a in per and b in per:
        ratios = [y[i] / x[i] for x, y in zip(per[a], per[b])]
        met = sum(r >= target for r in ratios)
        print(f"- {label}, round by round: " + ", ".join(f"{r:.2f}x" for r in ratios)
              + f" ({met} of {len(ratios)} at or above {target}x)")
print()
for z, label in (("zhclean", "zhclean"), ("nolearn", "zhclean --no-learn")):
    show(f"{label} vs Python peer per CPU second", (z, "batch", "1"), ("peer", "batch", "1"), 1, 5)
    for inp in ("batch", "shard"):
        show(f"{label} 2 threads vs 1 ({inp}), wall", (z, inp, "2"), (z, inp, "1"), 0, 1.8)
PY
echo

# ---------------------------------------------------------------- small pages
# Issue 23's batch: 3,120 real small pages, the default durability (group commit) against no
# syncing and an fsync per file, on a real disk (bench/small.sh).
log "small pages"
[ -d "$work/small" ] || bench/make_small.sh "$work/small"
SMALL="$work/small" BIN="$zh" BENCH_TMP="$work" bench/small.sh "$repeat"
echo
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "Stage-level timings: cargo bench --bench pipeline (criterion; whole pipeline and every stage)."
rm -f "$sp/shard.jsonl" "$sp/batch-concat.txt"
