#!/usr/bin/env python3
"""The peer: the Python cleaning pipeline a user would write for these pages without zhclean.

regex `(pinyin)` annotation stripping, the site template lines removed by pattern, leaked HTML
stripped by regex, preview chunk markers `N、` at line starts removed, OpenCC `tw2s` (PyPI
`opencc`, C++ OpenCC), regex spacing and punctuation fixes.

Usage:
  bench/peer.py INDIR OUTDIR [--procs N]     every INDIR/**/*.txt -> OUTDIR/**/*.txt
  bench/peer.py --opencc-only INDIR OUTDIR   OpenCC tw2s alone (the other peer)
"""
import argparse
import html
import os
import re
import sys
import time
from multiprocessing import Pool

import opencc

TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"
ANN = re.compile(rf"\((?=[a-z{TONED}]*[{TONED}])[a-z{TONED}]{{1,7}}\)")
HAN = "\u3400-\u9fff"
TAG = re.compile(r"</?[A-Za-z][^<>]*>")
# Template lines, matched after annotation stripping and conversion to simplified.
TEMPLATE = re.compile(
    r"^(?:!\[)?.*_第\d+页(?:\]\(.*\))?$"
    r"|^已阅读\d+页.*继续免费阅读$|^免费预览已结束.*$|^全文预览已结束$|^下载本文档$"
    r"|^版权说明.*$|^文档简介$|^温馨提示$|^\s*(?:• ?)?\d\. (?:本站|未经|下载文件|人人文库).*$"
    r"|^评论$|^0/150$|^提交评论$")
TITLE = re.compile(r"^(?:!\[)?(.*)_第\d+页")
CHUNK = re.compile(r"^\d{1,3}、")
SP1 = re.compile(rf"(?<=[{HAN}，。、；：？！“”（）])\s+(?=\S)")
SP2 = re.compile(rf"(?<=\S)\s+(?=[{HAN}，。、；：？！“”（）])")
PUNCT = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}
P1 = re.compile(rf"(?<=[{HAN}])([,;:?!()])|([,;:?!()])(?=[{HAN}])")

_cc = None


def cc():
    global _cc
    if _cc is None:
        _cc = opencc.OpenCC("tw2s")
    return _cc


def clean(text):
    text = text.replace("\r\n", "\n")
    text = ANN.sub("", text)
    text = TAG.sub("\n", text)
    text = html.unescape(text)
    text = cc().convert(text)
    out, title = [], None
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            continue
        if TEMPLATE.match(line):
            m = TITLE.match(line)
            if m and title is None:
                title = m.group(1)
            continue
        line = CHUNK.sub("", line)
        line = SP1.sub("", line)
        line = SP2.sub("", line)
        line = P1.sub(lambda m: PUNCT[m.group(1) or m.group(2)], line)
        out.append(line)
    if title:
        out = [title, ""] + out
    return "\n".join(out) + "\n"


def opencc_only(text):
    return cc().convert(text)


def work(args):
    src, dst, only = args
    with open(src, encoding="utf-8", errors="replace") as f:
        text = f.read()
    out = opencc_only(text) if only else clean(text)
    with open(dst, "w", encoding="utf-8") as f:
        f.write(out)
    return len(text.encode())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("indir")
    ap.add_argument("outdir")
    ap.add_argument("--procs", type=int, default=1)
    ap.add_argument("--opencc-only", action="store_true")
    a = ap.parse_args()
    # Every INDIR/**/*.txt, the tree mirrored under OUTDIR (as zhclean mirrors it).
    jobs = []
    for d, dirs, names in os.walk(a.indir):
        dirs.sort()
        rel = os.path.relpath(d, a.indir)
        os.makedirs(os.path.join(a.outdir, rel), exist_ok=True)
        jobs += [(os.path.join(d, n), os.path.join(a.outdir, rel, n), a.opencc_only)
                 for n in sorted(names) if n.endswith(".txt")]
    t0 = time.perf_counter()
    if a.procs > 1:
        with Pool(a.procs) as p:
            total = sum(p.imap_unordered(work, jobs, chunksize=64))
    else:
        total = sum(map(work, jobs))
    dt = time.perf_counter() - t0
    print(f"{len(jobs)} pages, {total / 1e6:.1f} MB, {dt:.2f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
