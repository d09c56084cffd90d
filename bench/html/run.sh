#!/usr/bin/env bash
# The HTML main-text bench: zhclean's extractor against trafilatura (and dom_smoothie, a Rust
# port of Mozilla's Readability) on real and generated Chinese pages. See bench/html/README.md.
#
# Usage: bench/html/run.sh [SHARED_DIR]
#   SHARED_DIR holds pages/ and wild/pages/ (the damaged text pages to wrap); default ../shared
#   next to the repository.
# Environment: BENCH_TMP (default /tmp/zhclean-html-bench), ROUNDS (timing rounds, default 3),
#              PYTHON (an interpreter; default: a venv made in BENCH_TMP with the pinned
#              trafilatura of requirements.txt).
#
# Needs cargo, python3 with venv/pip, and the Debian packages of bench/fetch_corpus.sh
# (fetched when target/bench-data is missing).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
shared="${1:-$root/../shared}"
work="${BENCH_TMP:-/tmp/zhclean-html-bench}"
rounds="${ROUNDS:-3}"
log() { echo "== $*" >&2; }

mkdir -p "$work"
if [ -z "${PYTHON:-}" ]; then
    [ -x "$work/venv/bin/python" ] || python3 -m venv "$work/venv"
    "$work/venv/bin/pip" install --quiet -r bench/html/requirements.txt
    PYTHON="$work/venv/bin/python"
fi
log "building"
cargo build --quiet --release --example html_extract
cargo build --quiet --release
ex="$root/target/release/examples/html_extract"
[ -d target/bench-data/x ] || bench/fetch_corpus.sh >&2
x="$root/target/bench-data/x"

log "corpora"
rm -rf "$work/pages" "$work/out"
deb="$work/pages/debian"; lo="$work/pages/libreoffice"; wr="$work/pages/wrapped"
mkdir -p "$deb" "$lo"
for f in "$x"/debian-reference-zh-cn_*/usr/share/debian-reference/*.zh-cn.html; do
    b="$(basename "$f" .zh-cn.html)"; cp "$f" "$deb/$b.html"
done
# Every zh-CN LibreOffice help page, named after its path (the same file names recur).
(cd "$x"/libreoffice-help-zh-cn_*/usr/share/libreoffice/help/zh-CN &&
    find . -name '*.html' | sort | while read -r f; do
        n="${f#./}"; cp "$f" "$lo/${n//\//_}"
    done)
"$PYTHON" bench/html/wrap.py "$wr" "$shared/pages" "$shared/wild/pages" >&2

# Each extractor writes OUT/NAME.txt per page and prints "pages<TAB>CPU seconds" of its
# extraction loop. Rounds alternate the extractors; the median round is reported.
run() { # NAME CORPUS OUTDIR
    case "$1" in
        zhclean) "$ex" "$3" "$work/pages/$2"/*.html ;;
        dom_smoothie) "$ex" --dom-smoothie "$3" "$work/pages/$2"/*.html ;;
        trafilatura) "$PYTHON" bench/html/traf.py "$3" "$work/pages/$2"/*.html ;;
    esac
}
extractors=(zhclean dom_smoothie trafilatura)
for corpus in debian libreoffice wrapped; do
    mkdir -p "$work/out/$corpus"
    for r in $(seq "$rounds"); do
        for e in "${extractors[@]}"; do
            log "$corpus: $e, round $r"
            run "$e" "$corpus" "$work/out/$corpus/$e" | cut -f2 >> "$work/out/$corpus/$e.cpu"
        done
    done
done

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "zhclean $(git rev-parse --short HEAD 2>/dev/null || echo '?'); trafilatura $("$PYTHON" -c 'import trafilatura; print(trafilatura.__version__)'); $("$PYTHON" --version)"
for corpus in debian libreoffice wrapped; do
    echo
    "$PYTHON" bench/html/score.py "$corpus" "$work/pages/$corpus" \
        "$work/out/$corpus/zhclean" "$work/out/$corpus/dom_smoothie" "$work/out/$corpus/trafilatura"
    pages=$(ls "$work/pages/$corpus"/*.html | wc -l)
    for e in "${extractors[@]}"; do
        cpu=$(sort -g "$work/out/$corpus/$e.cpu" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
        echo "  $e: $pages pages in $cpu s CPU (median of $rounds rounds): $(awk -v p="$pages" -v c="$cpu" 'BEGIN {printf "%.0f", p / c}') pages/s per core"
    done
done

# The whole tool on the same pages (extraction and the cleaning pipeline, one thread),
# as a user runs it: process CPU time, startup and file I/O included.
echo
for corpus in debian wrapped; do
    /usr/bin/time -f "%U %S" -o "$work/out/$corpus.time" \
        target/release/zhclean -q -j 1 --no-sync "$work/pages/$corpus" -o "$work/out/$corpus/zhclean-cli"
    echo "zhclean CLI (extract + clean, -j 1) on $corpus: $(awk '{printf "%.2f", $1 + $2}' "$work/out/$corpus.time") s CPU"
done
