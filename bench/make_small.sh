#!/usr/bin/env bash
# Builds the small-page batch of issue 23 from the repo's test fixtures: 78 subdirectories
# (d01..d78) of the 40 real pages in tests/fixtures/pages, the seed page in place of the first
# (3,120 files, about 7.4 MB; mean 2.4 KB a page).
# Usage: bench/make_small.sh OUTDIR   (OUTDIR must not exist)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:?usage: bench/make_small.sh OUTDIR}
[ -e "$out" ] && { echo "$out exists" >&2; exit 1; }
pages=$here/tests/fixtures/pages
seed=$here/tests/fixtures/golden/seed.raw.txt
first=$(ls "$pages"/*.txt | sort | head -1)
for i in $(seq -w 1 78); do
    d=$out/d$i
    mkdir -p "$d"
    for f in "$pages"/*.txt; do
        [ "$f" = "$first" ] && continue
        cp "$f" "$d/"
    done
    cp "$seed" "$d/001-seed.txt"
done
