#!/usr/bin/env bash
# Downloads the Debian Chinese documentation packages and extracts their text into
# target/bench-data/ (outside git): zh-cn.txt (simplified, ~6.5 MB) and zh-tw.txt
# (traditional, ~5.5 MB), plus by-package/PKG.zh-cn.txt / .zh-tw.txt.
#
# Needs apt-get (Debian 12 "bookworm" lists; run `apt-get update` once) and python3.
# Package versions used for the README figures: manpages-zh 1.6.4.0-1, debian-reference-zh-cn
# and -zh-tw 2.100, libreoffice-help-zh-cn and -zh-tw 4:7.4.7-1+deb12u14.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/target/bench-data}"
mkdir -p "$out/debs" "$out/x"
cd "$out/debs"
pkgs=(manpages-zh debian-reference-zh-cn debian-reference-zh-tw libreoffice-help-zh-cn libreoffice-help-zh-tw)
for p in "${pkgs[@]}"; do
    ls "${p}"_*.deb >/dev/null 2>&1 || apt-get download "$p"
done
for d in *.deb; do
    n="${d%.deb}"
    [ -d "$out/x/$n" ] || dpkg-deb -x "$d" "$out/x/$n"
done
ls -l ./*.deb
python3 "$root/bench/extract_text.py" "$out/x" "$out"
wc -c "$out"/zh-cn.txt "$out"/zh-tw.txt "$out"/by-package/*.txt
