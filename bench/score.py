#!/usr/bin/env python3
"""Scores cleaned pages against the originals written by bench/corrupt.py.

Usage: bench/score.py ACCDIR NAME=OUTDIR [NAME=OUTDIR ...] [--json FILE] [--examples NAME]

Character error rate: Levenshtein distance (rapidfuzz) between the original and the output,
each with every newline removed (as tests/fixtures/golden/RULES.md scores), summed over the
pages of a kind and divided by the originals' length. The main figure folds punctuation width
(`，；：？！（）。` count as `,;:?!().`): the Debian originals themselves mix ASCII and full-width
punctuation in Chinese text (manpages-zh uses `,` `.` `(` throughout), so which width a cleaner
restores cannot be scored against them; the strict figure (no folding) is given too. Leftovers, per system, summed over pages,
counting only what the output has beyond the original:
  annotations   `(pinyin)` with a tone mark (any reading, not only the table's)
  traditional   characters OpenCC's TSCharacters maps to another character
  template      lines holding a phrase of the site template (after annotation stripping and
                OpenCC tw2s, so any spelling counts)
Prints Markdown tables.
"""
import collections
import json
import os
import re
import sys

import opencc
from rapidfuzz.distance import Levenshtein

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
ANN = re.compile(rf"\((?=[a-zü{TONED}]*[{TONED}])[a-zü{TONED}]{{1,7}}\)")
TEMPLATE = re.compile(r"_第\d+页|预览已结束|还剩\d+页未读|下载本文档|版权说明|文档简介|温馨提示|本站所有资源"
                      r"|^评论$|^0/150$|提交评论")
FOLD = str.maketrans("，；：？！（）。", ",;:?!().")
KINDS = ["none", "s2tw", "table", "ruby", "template", "chunks", "spacing", "html", "garbage", "all"]


def load_ts():
    ts = set()
    with open(os.path.join(ROOT, "data", "opencc", "TSCharacters.txt"), encoding="utf-8") as f:
        for line in f:
            p = line.rstrip("\n").split("\t")
            if len(p) >= 2 and p[0] not in p[1].split(" "):
                ts.add(p[0])
    return ts


def main():
    args = [a for a in sys.argv[1:]]
    json_out = None
    examples = None
    if "--json" in args:
        i = args.index("--json")
        json_out = args[i + 1]
        del args[i:i + 2]
    if "--examples" in args:
        i = args.index("--examples")
        examples = args[i + 1]
        del args[i:i + 2]
    accdir, systems = args[0], [a.split("=", 1) for a in args[1:]]
    labels = [l.rstrip("\n").split("\t") for l in open(os.path.join(accdir, "labels.tsv"), encoding="utf-8")]
    ts = load_ts()
    t2s = opencc.OpenCC("tw2s")

    def template_lines(text):
        return sum(1 for l in t2s.convert(ANN.sub("", text)).split("\n") if TEMPLATE.search(l.strip()))

    def counts(text):
        return (len(ANN.findall(text)), sum(1 for c in text if c in ts), template_lines(text))

    gold, raw = {}, {}
    for pid, kind in labels:
        gold[pid] = open(os.path.join(accdir, "gold", pid + ".txt"), encoding="utf-8").read()
        raw[pid] = open(os.path.join(accdir, "raw", pid + ".txt"), encoding="utf-8").read()
    gold_counts = {pid: counts(t) for pid, t in gold.items()}
    results = {}
    worst = []
    for name, outdir in [("input (no cleaning)", None)] + systems:
        dist = collections.Counter()
        length = collections.Counter()
        left = [0, 0, 0]
        for pid, kind in labels:
            if outdir is None:
                out = raw[pid]
            else:
                p = os.path.join(outdir, pid + ".txt")
                out = open(p, encoding="utf-8").read() if os.path.exists(p) else ""
            g = gold[pid].replace("\n", "")
            o = out.replace("\n", "")
            d = Levenshtein.distance(g.translate(FOLD), o.translate(FOLD))
            for k in (kind, "overall"):
                dist[k] += d
                length[k] += len(g)
            dist["strict"] += Levenshtein.distance(g, o)
            c = counts(out)
            for j in range(3):
                left[j] += max(0, c[j] - gold_counts[pid][j])
            if name == examples:
                worst.append((d / max(1, len(g)), pid, kind))
        cer = {k: dist[k] / length[k] for k in length}
        cer["strict"] = dist["strict"] / length["overall"]
        results[name] = {"cer": cer, "left": left}

    kinds = [k for k in KINDS if any(k == kd for _, kd in labels)]
    n_by_kind = collections.Counter(k for _, k in labels)
    print(f"Accuracy: {len(labels)} pages, {sum(len(g.replace(chr(10), '')) for g in gold.values())} "
          f"original characters; character error rate (%, punctuation width folded) by corruption kind "
          f"(pages), overall, and strict overall (no folding)\n")
    print("| system | " + " | ".join(f"{k} ({n_by_kind[k]})" for k in kinds) + " | overall | strict |")
    print("|---|" + "---:|" * (len(kinds) + 2))
    for name, r in results.items():
        print(f"| {name} | " + " | ".join(f"{100 * r['cer'][k]:.2f}" for k in kinds)
              + f" | **{100 * r['cer']['overall']:.2f}** | {100 * r['cer']['strict']:.2f} |")
    print("\nLeft in the output beyond the original (all pages)\n")
    print("| system | annotations | traditional characters | template lines |")
    print("|---|---:|---:|---:|")
    for name, r in results.items():
        a, t, l = r["left"]
        print(f"| {name} | {a} | {t} | {l} |")
    if examples:
        worst.sort(reverse=True)
        print(f"\nworst pages for {examples}: " + ", ".join(f"{pid} ({kind}, {100 * c:.1f}%)" for c, pid, kind in worst[:8]))
    if json_out:
        with open(json_out, "w") as f:
            json.dump(results, f, indent=1, ensure_ascii=False)


if __name__ == "__main__":
    main()
