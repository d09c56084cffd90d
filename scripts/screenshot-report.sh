#!/usr/bin/env bash
# Loads an HTML report in headless Chromium, fails if the page logged anything to the
# console (an error, or a blocked request: the report must load nothing), and saves a
# screenshot of its top.
#
# Usage: scripts/screenshot-report.sh REPORT.html SHOT.png [WIDTH HEIGHT]
# Chromium: $CHROMIUM, or the first of chromium, chromium-browser, google-chrome on PATH
# (Debian: apt-get install chromium). Exit status 3 when there is none.
set -euo pipefail
html="$1"
png="$2"
width="${3:-1280}"
height="${4:-2000}"
browser="${CHROMIUM:-}"
if [[ -z "$browser" ]]; then
    for b in chromium chromium-browser google-chrome; do
        if command -v "$b" >/dev/null; then
            browser="$b"
            break
        fi
    done
fi
if [[ -z "$browser" ]]; then
    echo "screenshot-report: no Chromium (set CHROMIUM or install chromium)" >&2
    exit 3
fi
profile="$(mktemp -d)"
log="$(mktemp)"
trap 'rm -rf "$profile" "$log"' EXIT
url="file://$(realpath "$html")"
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
    --disable-background-networking --disable-component-update --disable-sync
    --user-data-dir="$profile" --hide-scrollbars --force-device-scale-factor=1
    --enable-logging=stderr --v=0)
timeout 120 "$browser" "${flags[@]}" --window-size="$width,$height" \
    --screenshot="$(realpath -m "$png")" "$url" >"$log" 2>&1 || {
    cat "$log" >&2
    echo "screenshot-report: $browser failed" >&2
    exit 1
}
# The page's own console messages (errors, refused loads) are logged as CONSOLE lines.
if grep -E 'CONSOLE|Refused to|Content[- ]Security[- ]Policy' "$log" >&2; then
    echo "screenshot-report: the page logged to the console (above)" >&2
    exit 1
fi
[[ -s "$png" ]] || {
    cat "$log" >&2
    echo "screenshot-report: no screenshot written" >&2
    exit 1
}
echo "screenshot-report: $png ($(wc -c <"$png") bytes), no console messages"
