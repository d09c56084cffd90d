#!/usr/bin/env python3
"""Scores main-text extraction against the body of each page.

    score.py CORPUS PAGES_DIR OUT_DIR [OUT_DIR ...]
    score.py --body CORPUS FILE      (prints one page's body text)

CORPUS says where a page's body is (see README.md, "What counts as the body"):
  debian       the DocBook division under <body> (div.chapter, .preface, .appendix, .book);
               its tables of contents (div.toc, div.list-of-*) are allowed but not required
  libreoffice  div#DisplayArea, less elements with `hidden` and the related-topics box
  wrapped      the text file NAME.body.txt beside NAME.html (the page the wrapper wrapped);
               the <title> (which adds the site's name) is allowed

Each OUT_DIR holds one extractor's output, NAME.txt per page NAME.html. Per extractor this
prints: body recall and chrome share on Han bigrams (consecutive Han characters of the text
with everything else removed, as multisets), pages whose first line is not the title, and
tag-shaped strings in the output beyond those the body shows.
"""
import collections
import html as htmlmod
import os
import re
import sys

import lxml.html

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")


def han_bigrams(text):
    han = "".join(HAN.findall(text))
    return collections.Counter(han[i:i + 2] for i in range(len(han) - 1))


def text_of(el, skip):
    """Text under el (tail text of skipped elements kept), skipping elements skip(e) says."""
    out = []

    def walk(e):
        if not isinstance(e.tag, str):  # comments, processing instructions
            if e.tail:
                out.append(e.tail)
            return
        if e.tag in ("script", "style") or skip(e):
            if e.tail:
                out.append(e.tail)
            return
        if e.text:
            out.append(e.text)
        if e.tag == "br":
            out.append("\n")
        for c in e:
            walk(c)
        if e.tail:
            out.append(e.tail)

    if el.text:
        out.append(el.text)
    for c in el:
        walk(c)
    return "".join(out)


def classes(e):
    return (e.get("class") or "").split()


def decode(data):
    """The page as text, in the charset its <meta> declares (lxml's own guess misreads some
    GBK pages), without an XML declaration (lxml refuses one in a str)."""
    m = re.search(rb"""charset\s*=\s*["']?([-\w]+)""", data[:1024], re.I)
    name = m.group(1).decode("ascii").lower() if m else "utf-8"
    if name in ("gb2312", "gbk"):
        name = "gb18030"  # what browsers (and encoding_rs) decode these labels as
    text = data.decode(name, errors="replace")
    return re.sub(r"^\s*<\?xml[^>]*\?>", "", text)


def body_of(corpus, path):
    """(body text, allowed-extra text, title) of one page."""
    name = os.path.basename(path)
    with open(path, "rb") as f:
        doc = lxml.html.fromstring(decode(f.read()))
    t = doc.find(".//title")
    title = " ".join((t.text_content() if t is not None else "").split())
    if corpus == "wrapped":
        with open(path[: -len(".html")] + ".body.txt", encoding="utf-8") as f:
            body = f.read()
        return body, title, title
    if corpus == "debian":
        root = None
        for e in doc.iter("div"):
            if set(classes(e)) & {"chapter", "preface", "appendix", "book"}:
                root = e
                break
        is_toc = lambda e: "toc" in classes(e) or any(c.startswith("list-of-") for c in classes(e))
        body = text_of(root, is_toc)
        toc = "\n".join(e.text_content() for e in root.iter() if isinstance(e.tag, str) and is_toc(e))
        return body, toc + "\n" + title, title
    if corpus == "libreoffice":
        roots = doc.xpath("//div[@id='DisplayArea']")
        skip = lambda e: e.get("hidden") is not None or "relatedtopics" in classes(e)
        body = text_of(roots[0], skip) if roots else ""
        return body, title, title
    raise SystemExit(f"unknown corpus {corpus}")


def main():
    if sys.argv[1] == "--body":
        # score.py --body CORPUS FILE: the body text of one page (for test fixtures).
        body, _, _ = body_of(sys.argv[2], sys.argv[3])
        sys.stdout.write(body)
        return
    corpus, pages, outs = sys.argv[1], sys.argv[2], sys.argv[3:]
    names = sorted(n for n in os.listdir(pages) if n.endswith(".html"))
    bodies = {n: body_of(corpus, os.path.join(pages, n)) for n in names}
    print(f"{corpus}: {len(names)} pages")
    print(f"  {'extractor':<22} {'recall':>8} {'chrome':>8} {'no title':>9} {'tags+':>6} {'empty':>6}")
    for out in outs:
        hit = total = extra = out_total = 0
        no_title = tags = empty = 0
        for n in names:
            body, allowed, title = bodies[n]
            try:
                with open(os.path.join(out, n[: -len(".html")] + ".txt"), encoding="utf-8") as f:
                    got = f.read()
            except FileNotFoundError:
                got = ""
            if not got.strip():
                empty += 1
            b, g, a = han_bigrams(body), han_bigrams(got), han_bigrams(allowed)
            hit += sum(min(c, b[k]) for k, c in g.items())
            total += sum(b.values())
            extra += sum(max(0, c - b[k] - a[k]) for k, c in g.items())
            out_total += sum(g.values())
            first = next((l for l in got.splitlines() if l.strip()), "")
            if title and " ".join(first.split()) != title:
                no_title += 1
            tags += max(0, len(TAG.findall(got)) - len(TAG.findall(body)))
        recall = hit / total if total else 0
        chrome = extra / out_total if out_total else 0
        print(f"  {os.path.basename(out.rstrip('/')):<22} {recall:>8.2%} {chrome:>8.2%} {no_title:>9} {tags:>6} {empty:>6}")


if __name__ == "__main__":
    main()
