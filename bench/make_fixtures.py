#!/usr/bin/env python3
"""Rebuild the committed test fixtures from the extracted Debian corpora (fetch_corpus.sh).

Usage: bench/make_fixtures.py [BENCH_DATA]   (default target/bench-data)

- tests/fixtures/libreoffice-help-zh-tw.txt.gz: the first 700,000 bytes (whole lines) of the
  de-duplicated lines of libreoffice-help-zh-tw, real Taiwan-standard traditional text.
- tests/fixtures/libreoffice-help-zh-cn.txt.gz: the first 1,050,000 bytes (whole lines) of the
  de-duplicated lines of libreoffice-help-zh-cn, minus the lines listed in EXCLUDED_CN, which
  quote traditional characters on purpose (see tests/fixtures/README.md).
"""
import gzip
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXCLUDED_CN = {
    "如果单元格 B1 包含文本「車」「=ENCODEURL(B1)」返回 %E8%BB%8A (日语中「車」意为「车」)。",
    "壹貳參肆伍陸柒捌玖零",
    # With CJK compatibility ideographs U+F9D1 (六), U+F96B (參), U+F9B2 (零).
    "一二三四五\uf9d1七八九\uff10",
    "壹貳\uf96b四伍\uf9d1七八九\uf9b2",
}


def take(path, limit, exclude=()):
    seen = set()
    out = []
    size = 0
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line in seen or line in exclude:
                continue
            seen.add(line)
            n = len(line.encode()) + 1
            if size + n > limit:
                break
            out.append(line)
            size += n
    return "".join(l + "\n" for l in out)


def write(name, text):
    path = os.path.join(ROOT, "tests", "fixtures", name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        # mtime=0: the same input gives the same bytes.
        with gzip.GzipFile(fileobj=f, mode="wb", compresslevel=9, mtime=0, filename="") as g:
            g.write(text.encode())
    print(f"{path}: {len(text.encode())} bytes, {text.count(chr(10))} lines, {os.path.getsize(path)} gzipped")


def main():
    data = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target", "bench-data")
    by = os.path.join(data, "by-package")
    write("libreoffice-help-zh-tw.txt.gz", take(os.path.join(by, "libreoffice-help-zh-tw.zh-tw.txt"), 700_000))
    write("libreoffice-help-zh-cn.txt.gz",
          take(os.path.join(by, "libreoffice-help-zh-cn.zh-cn.txt"), 1_050_000, EXCLUDED_CN))


if __name__ == "__main__":
    main()
