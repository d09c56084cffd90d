#!/usr/bin/env python3
"""Chunk markers against real numbered lists: a synthetic check of the `chunks` stage.

Builds pages whose bodies hold real numbered paragraphs (`……牢记。\\n\\n2、完善制度……`), converts
and annotates them as the mirror sites do, cuts them into preview chunks (`\\n\\nN、` every few
hundred characters, anywhere: mid-word, mid-number, inside a reading, right before or after a
list number), wraps them in the site template, and after cleaning counts:
  list numbers kept     the document's own `N、` still there
  markers removed       the site's `N、` gone (and the pieces joined)
Both from an alignment of the output with the original (Han characters, digits and `、` only,
so conversion or punctuation differences elsewhere do not count).

Usage:
  bench/chunklists.py make CORPUS OUTDIR [--pages N] [--seed S]
  bench/chunklists.py score OUTDIR CLEANDIR          (CLEANDIR: zhclean OUTDIR/raw -o CLEANDIR)
  bench/chunklists.py run CORPUS [--pages N] [--bin target/release/zhclean]   make + clean + score
"""
import argparse
import difflib
import json
import os
import random
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from corrupt import Corrupter, normalise_gold, titles_from  # noqa: E402

MARK = re.compile(r"[0-9]{1,3}、")


def numbered_body(lines, rng):
    """Paragraphs with real numbered lists among them; returns (paragraphs, list item count)."""
    paras = []
    items = 0
    i = 0
    while i < len(lines):
        if rng.random() < 0.12:
            n = rng.randint(2, 6)
            lead = lines[i].rstrip("。") + "："
            paras.append(lead)
            for k in range(1, n + 1):
                if i + k >= len(lines):
                    break
                paras.append(f"{k}、{lines[i + k]}")
                items += 1
            i += n + 1
        else:
            paras.append(lines[i])
            i += 1
    return paras, items


def chunk(text, rng, sep):
    """The site's preview chunks: `1、` first, then `SEP N、` at cuts every few hundred
    characters; the cut length is fixed per page (with a little jitter) or drawn each time."""
    fixed = rng.random() < 0.5
    base = rng.randint(300, 900)
    out = ["1、"]
    cuts = []
    pos, n = 0, 1
    while True:
        step = int(base * rng.uniform(0.95, 1.05)) if fixed else rng.randint(300, 900)
        nxt = pos + step
        if nxt >= len(text) - 20:
            break
        out.append(text[pos:nxt])
        n += 1
        out.append(f"{sep}{n}、")
        cuts.append(nxt)
        pos = nxt
    out.append(text[pos:])
    return "".join(out), cuts


def make(corpus_path, outdir, pages, seed):
    with open(corpus_path, encoding="utf-8") as f:
        corpus = f.read()
    # Prose lines (mostly Han, ending a sentence): the corpus also holds wrapped man-page lines
    # and code, which make neither realistic paragraphs nor list items.
    lines = [l for l in normalise_gold(corpus)
             if 12 <= len(l) <= 400 and not MARK.match(l) and l[-1] in "。！？；：”）"
             and sum("\u3400" <= c <= "\u9fff" for c in l) >= 0.6 * len(l)]
    titles = titles_from(lines)
    cor = Corrupter(set(corpus))
    rng = random.Random(seed)
    raw_dir = os.path.join(outdir, "raw")
    gold_dir = os.path.join(outdir, "gold")
    os.makedirs(raw_dir, exist_ok=True)
    os.makedirs(gold_dir, exist_ok=True)
    stats = {"pages": 0, "list_items": 0, "markers": 0}
    for p in range(pages):
        start = rng.randrange(0, len(lines) - 60)
        body_lines, n = [], 0
        j = start
        while n < rng.randint(1500, 5000) and j < len(lines):
            body_lines.append(lines[j])
            n += len(lines[j])
            j += 1
        paras, items = numbered_body(body_lines, rng)
        psep = rng.choice(["\n\n", "\n"])
        body = psep.join(paras)
        title = rng.choice(titles)
        how = "table" if rng.random() < 0.3 else "s2tw"
        text = cor.convert(body, how)
        if rng.random() < 0.7:
            text = cor.annotate(text)
        chunked, cuts = chunk(text, rng, rng.choice(["\n\n", "\n"]))
        head, tail = cor.template(title, chunked, rng, True)
        head = cor.convert(head, how)
        tail = cor.convert(tail, how)
        raw = head + "\n" + chunked + "\n" + tail + "\n"
        gold = title + "\n\n" + body + "\n"
        pid = f"{p:05d}"
        with open(os.path.join(raw_dir, pid + ".txt"), "w", encoding="utf-8") as f:
            f.write(raw)
        with open(os.path.join(gold_dir, pid + ".txt"), "w", encoding="utf-8") as f:
            f.write(gold)
        stats["pages"] += 1
        stats["list_items"] += items
        stats["markers"] += len(cuts) + 1
    with open(os.path.join(outdir, "stats.json"), "w") as f:
        json.dump(stats, f)
    print(f"{stats['pages']} pages, {stats['list_items']} list items, {stats['markers']} chunk markers",
          file=sys.stderr)


def project(text):
    """Han characters, ASCII digits and `、`: what the list numbers and markers are made of."""
    return "".join(c for c in text if c.isdigit() or c == "、" or "\u3400" <= c <= "\u9fff")


def score_page(gold, out):
    """(list numbers in gold, list numbers lost, markers left in out)."""
    g, o = project(gold), project(out)
    lists = [m.start() for m in re.finditer(r"(?<![0-9])[0-9]{1,3}、", g)]
    sm = difflib.SequenceMatcher(None, g, o, autojunk=False)
    lost = 0
    left = 0
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag in ("delete", "replace"):
            lost += sum(1 for s in lists if i1 <= s < i2 or i1 < s + 1 < i2)
        if tag in ("insert", "replace"):
            left += len(re.findall(r"[0-9]{1,3}、", o[j1:j2]))
    return len(lists), lost, left


def score(outdir, cleandir, show=0):
    with open(os.path.join(outdir, "stats.json")) as f:
        stats = json.load(f)
    total = lost = left = 0
    bad = []
    for name in sorted(os.listdir(os.path.join(outdir, "gold"))):
        with open(os.path.join(outdir, "gold", name), encoding="utf-8") as f:
            gold = f.read()
        with open(os.path.join(cleandir, name), encoding="utf-8") as f:
            out = f.read()
        n, lo, le = score_page(gold, out)
        total += n
        lost += lo
        left += le
        if lo or le:
            bad.append((name, lo, le))
    markers = stats["markers"]
    kept = 100 * (total - lost) / max(1, total)
    removed = 100 * (markers - left) / max(1, markers)
    print(f"| pages | list numbers | kept | chunk markers | removed |")
    print(f"|---:|---:|---:|---:|---:|")
    print(f"| {stats['pages']} | {total} | {kept:.2f} % ({lost} lost) | {markers} | {removed:.2f} % ({left} left) |")
    for b in bad[:show]:
        print("  ", *b)
    return kept, removed


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["make", "score", "run"])
    ap.add_argument("a")
    ap.add_argument("b", nargs="?")
    ap.add_argument("--pages", type=int, default=500)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--bin", default="target/release/zhclean")
    ap.add_argument("--show", type=int, default=0, help="list this many pages with errors")
    a = ap.parse_args()
    if a.mode == "make":
        make(a.a, a.b, a.pages, a.seed)
    elif a.mode == "score":
        score(a.a, a.b, a.show)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            make(a.a, tmp, a.pages, a.seed)
            clean = os.path.join(tmp, "clean")
            subprocess.run([a.bin, os.path.join(tmp, "raw"), "-o", clean, "-q", "--no-sync", "--no-learn"],
                           check=False)
            score(tmp, clean, a.show)


if __name__ == "__main__":
    main()
