#!/usr/bin/env python3
"""Round-trip accuracy benchmark: simplified -> traditional (C++ OpenCC) -> simplified.

Usage: bench/accuracy.py [CORPUS]   (default target/bench-data/zh-cn.txt, from fetch_corpus.sh)

The original is real simplified prose. C++ OpenCC 1.4.2 (PyPI `opencc`) converts it to
traditional with `s2t` and with `s2tw`; each result is converted back with
- zhclean (`cargo run --release --example convert`), built by this script,
- C++ OpenCC `tw2s` (the chain zhclean follows) and `t2s`,
- ferrous-opencc `Tw2s` (`--example convert ferrous`),
and the character error rate (Levenshtein distance per line, summed, over the original's
characters) is printed as a Markdown table. A second table lists the most frequent error
pairs of zhclean, to see what the errors are.

Also checks that zhclean leaves the simplified original itself unchanged and prints every
line it changes.
"""
import collections
import difflib
import os
import subprocess
import sys
import time

import opencc

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONVERT = os.path.join(ROOT, "target", "release", "examples", "convert")


def lev(a, b):
    if len(a) < len(b):
        a, b = b, a
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def errors(orig_lines, back_lines):
    assert len(orig_lines) == len(back_lines), (len(orig_lines), len(back_lines))
    return sum(lev(o, b) for o, b in zip(orig_lines, back_lines) if o != b)


def rust(engine, text):
    p = subprocess.run([CONVERT, engine], input=text.encode(), capture_output=True, check=True)
    return p.stdout.decode()


def pairs(orig_lines, back_lines):
    c = collections.Counter()
    for o, b in zip(orig_lines, back_lines):
        if o == b:
            continue
        for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, o, b, autojunk=False).get_opcodes():
            if op != "equal":
                c[(o[i1:i2], b[j1:j2])] += 1
    return c


def main():
    corpus = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target", "bench-data", "zh-cn.txt")
    subprocess.run(["cargo", "build", "--quiet", "--release", "--example", "convert"], cwd=ROOT, check=True)
    with open(corpus, encoding="utf-8") as f:
        orig = f.read()
    if not orig.endswith("\n"):
        orig += "\n"
    orig_lines = orig.splitlines()
    nchars = sum(len(l) for l in orig_lines)
    nhan = sum(1 for ch in orig if "\u3400" <= ch <= "\u9fff")
    print(f"corpus: {corpus}: {len(orig.encode())} bytes, {len(orig_lines)} lines, "
          f"{nchars} characters ({nhan} Han)\n")

    same = rust("zhclean", orig).splitlines()
    changed = [(i, o, s) for i, (o, s) in enumerate(zip(orig_lines, same)) if o != s]
    nchanged = sum(lev(o, s) for _, o, s in changed)
    print(f"simplified original through zhclean: {len(changed)} lines, {nchanged} characters changed")
    for i, o, s in changed:
        print(f"  line {i + 1}: {o[:100]!r}\n        -> {s[:100]!r}")
    print()

    back_engines = {
        "zhclean": lambda t: rust("zhclean", t),
        "C++ OpenCC tw2s": opencc.OpenCC("tw2s").convert,
        "C++ OpenCC t2s": opencc.OpenCC("t2s").convert,
        "ferrous-opencc Tw2s": lambda t: rust("ferrous", t),
    }
    rows = []
    worst = {}
    for fwd in ("s2t", "s2tw"):
        t0 = time.time()
        trad = opencc.OpenCC(fwd).convert(orig)
        trad_changed = sum(a != b for a, b in zip(orig, trad)) if len(trad) == len(orig) else None
        for name, back in back_engines.items():
            out = back(trad).splitlines()
            e = errors(orig_lines, out)
            rows.append((fwd, name, e, e / nchars, e / nhan))
            if name == "zhclean":
                worst[fwd] = pairs(orig_lines, out)
        print(f"{fwd}: {trad_changed} characters differ from the original ({time.time() - t0:.1f}s)")
    print()
    print("| forward (C++ OpenCC) | back | char errors | CER (all chars) | CER (Han chars) |")
    print("|---|---|---:|---:|---:|")
    for fwd, name, e, cer, cerh in rows:
        print(f"| {fwd} | {name} | {e} | {cer * 100:.4f}% | {cerh * 100:.4f}% |")
    for fwd, c in worst.items():
        print(f"\nzhclean's most frequent errors after {fwd} (original -> back: count):")
        print("  " + ", ".join(f"{o}->{b}: {n}" for (o, b), n in c.most_common(25)))


if __name__ == "__main__":
    main()
