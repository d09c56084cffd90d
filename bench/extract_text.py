#!/usr/bin/env python3
"""Extract plain prose lines from extracted Debian documentation packages.

Usage: extract_text.py ROOT OUT_DIR

ROOT holds one directory per unpacked .deb (from `dpkg-deb -x`). Writes
OUT_DIR/zh-cn.txt (simplified sources) and OUT_DIR/zh-tw.txt (traditional sources), and the
same split per package as OUT_DIR/by-package/PACKAGE.zh-cn.txt / .zh-tw.txt:
HTML pages (debian-reference, libreoffice-help) lose tags, scripts and entities; man pages
(manpages-zh, gzip'd roff) lose requests and font escapes. Only lines holding at least one
CJK ideograph are kept, in a stable (sorted file name) order, so the corpora are reproducible.
"""
import gzip
import html
import os
import re
import sys

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
TAG = re.compile(r"<[^>]*>")
DROP = re.compile(r"<(script|style)\b.*?</\1>", re.S | re.I)
ROFF_REQ = re.compile(r"^[.'][A-Za-z\\\"]")
ROFF_ESC = re.compile(r"\\f[BIRP1-4]|\\f\(..|\\s[+-]?\d|\\\(..|\\[&|^%e-]")


def html_lines(path):
    with open(path, "rb") as f:
        text = f.read().decode("utf-8", "replace")
    text = DROP.sub(" ", text)
    text = re.sub(r"<(br|p|div|li|tr|h\d|pre|dt|dd|td|th|title)\b", "\n\\g<0>", text, flags=re.I)
    text = TAG.sub("", text)
    for line in html.unescape(text).splitlines():
        yield line


def man_lines(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    for enc in ("utf-8", "gb18030", "big5"):
        try:
            text = data.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        return
    for line in text.splitlines():
        if line.startswith(('.\\"', "'\\\"")):
            continue
        if ROFF_REQ.match(line):
            parts = line.split(None, 1)
            if len(parts) < 2:
                continue
            line = parts[1].replace('"', "")
        yield ROFF_ESC.sub("", line)


def lines_of(path):
    if path.endswith((".html", ".htm", ".xhtml")):
        return html_lines(path)
    if re.search(r"/man/zh_(CN|TW)/man\d/[^/]+\.gz$", path):
        return man_lines(path)
    return iter(())


def variant(path):
    p = path.lower()
    if "zh_tw" in p or "zh-tw" in p:
        return "zh-tw"
    if "zh_cn" in p or "zh-cn" in p:
        return "zh-cn"
    return None


def main():
    root, out_dir = sys.argv[1], sys.argv[2]
    os.makedirs(out_dir, exist_ok=True)
    os.makedirs(os.path.join(out_dir, "by-package"), exist_ok=True)
    outs = {v: open(os.path.join(out_dir, v + ".txt"), "w", encoding="utf-8") for v in ("zh-cn", "zh-tw")}
    per = {}
    for dirpath, dirnames, filenames in sorted(os.walk(root)):
        dirnames.sort()
        for name in sorted(filenames):
            path = os.path.join(dirpath, name)
            v = variant(path)
            if v is None:
                continue
            pkg = os.path.relpath(path, root).split(os.sep)[0].split("_")[0]
            key = (pkg, v)
            if key not in per:
                per[key] = open(os.path.join(out_dir, "by-package", f"{pkg}.{v}.txt"), "w", encoding="utf-8")
            for line in lines_of(path):
                line = " ".join(line.split())
                if CJK.search(line):
                    outs[v].write(line + "\n")
                    per[key].write(line + "\n")
    for f in list(outs.values()) + list(per.values()):
        f.close()


if __name__ == "__main__":
    main()
