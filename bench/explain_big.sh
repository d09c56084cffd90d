#!/usr/bin/env bash
# `zhclean --explain` on a 2 MB page whose body is one line, built from the repository's own
# inputs: the seed page's head (site template lines) and then, on one line, its annotated
# body and the traditional LibreOffice help text of tests/fixtures, repeated to 2 MB. Every
# dense stage (ruby, convert, punct, space) rewrites that line all along.
#
# Prints the page's size, then the CPU time (user + sys, /usr/bin/time) and peak memory of
# `--explain --color never` and `--explain-format json`, each run ROUNDS times alternately.
#
# Usage: bench/explain_big.sh [ROUNDS]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
rounds="${1:-3}"
cd "$root"
cargo build --quiet --release
page="$root/target/explain-big/page.txt"
mkdir -p "$(dirname "$page")"
python3 - "$page" <<'PY'
import gzip, sys
seed = open("input/page.txt", encoding="utf-8").read().split("\n")
head, body = seed[:11], [l for l in seed[11:] if l.strip()]
help_tw = gzip.open("tests/fixtures/libreoffice-help-zh-tw.txt.gz", "rt", encoding="utf-8").read()
piece = "".join(body) + "".join(help_tw.split("\n"))
line = ""
while len(line.encode()) < 2_000_000:
    line += piece
line = line.encode()[:2_000_000].decode("utf-8", "ignore")
open(sys.argv[1], "w", encoding="utf-8").write("\n".join(head) + "\n" + line + "\n")
PY
echo "page: $(wc -c <"$page") bytes, $(wc -l <"$page") lines, longest $(wc -L <"$page") columns"
for ((i = 1; i <= rounds; i++)); do
    for fmt in text json; do
        /usr/bin/time -f "$fmt: %U s user + %S s sys, %e s wall, %M KB peak" \
            target/release/zhclean --explain "$page" --color never --explain-format "$fmt" \
            >"$root/target/explain-big/out.$fmt"
    done
done
echo "output: text $(wc -c <"$root/target/explain-big/out.text") bytes, longest line" \
    "$(wc -L <"$root/target/explain-big/out.text") columns; json" \
    "$(wc -c <"$root/target/explain-big/out.json") bytes"
