#!/usr/bin/env python3
"""Builds benchmark pages: real simplified prose corrupted the way the document sites do it.

Independent of zhclean's own tables: the traditional text comes from C++ OpenCC (PyPI `opencc`,
`s2tw`) or from a plain character table built here from OpenCC's single-character `s2t`
(a character with more than one traditional form is left unconverted); the annotated
characters and their one reading are data/annotations.tsv, taken from the real pages.

Usage:
  bench/corrupt.py accuracy CORPUS OUTDIR [--pages N] [--seed S]
      Cuts CORPUS into consecutive, non-overlapping pages (~2,500 characters), gives each page
      one corruption kind (round robin over KINDS) and writes OUTDIR/raw/ID.txt (the page as a
      scraper saved it), OUTDIR/gold/ID.txt (the original) and OUTDIR/labels.tsv (ID, kind).
  bench/corrupt.py speed CORPUS OUTDIR --pages N [--jsonl FILE --jsonl-mb MB] [--seed S]
      N pages of kind `all` cut at random offsets of CORPUS (raw only), OUTDIR/raw/ID.txt;
      with --jsonl, also a JSONL shard ({"id", "text"}) of about MB megabytes, cycling through
      the pages.

Kinds (every kind but `none` and `table` starts from OpenCC s2tw, as the sites' text does):
  none      the simplified original, untouched (control)
  s2tw      OpenCC s2tw only
  table     plain character table, ambiguous characters left simplified
  ruby      s2tw + `(pinyin)` after every character of the annotation table
  template  s2tw + the site template around the text (traditional, annotated or not, varied)
  chunks    s2tw + preview chunks `1、` `N、` cut at arbitrary points
  spacing   s2tw + spaces and ASCII punctuation as the pages show them
  html      s2tw + leaked HTML
  garbage   s2tw + a small rate of GBK byte garbage
  all       everything at once (conversion s2tw or table at random)
"""
import argparse
import json
import os
import random
import re
import sys

import opencc

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KINDS = ["none", "s2tw", "table", "ruby", "template", "chunks", "spacing", "html", "garbage", "all"]

HAN = "\u3400-\u9fff"
FWP = "，。、；：？！“”‘’（）《》【】…—"
ASCII_PUNCT = str.maketrans("：；（）？！", ":;()?!")
_SPACE_RE = re.compile(rf"(?<=[{HAN}{FWP}])[ \t\u3000]+(?=\S)|(?<=\S)[ \t\u3000]+(?=[{HAN}{FWP}])")


def normalise_gold(text):
    """The original as the sites' rules define clean text (tests/fixtures/golden/RULES.md rule 8):
    no space next to a Han character or full-width punctuation, no line indents, no blank lines."""
    lines = []
    for line in text.split("\n"):
        line = _SPACE_RE.sub("", line.strip())
        if line:
            lines.append(line)
    return lines


def load_annotations():
    table = {}
    with open(os.path.join(ROOT, "data", "annotations.tsv"), encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            ch, py = line.split("\t")[:2]
            table[ch] = py
    return table


def load_ts_chars():
    """Traditional -> simplified single characters (OpenCC's TSCharacters, as shipped in data/opencc)."""
    ts = {}
    with open(os.path.join(ROOT, "data", "opencc", "TSCharacters.txt"), encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 2:
                ts[parts[0]] = parts[1].split(" ")[0]
    return ts


class Corrupter:
    def __init__(self, corpus_chars):
        self.s2tw = opencc.OpenCC("s2tw")
        self.ann = load_annotations()
        self.ann_re = re.compile("[" + "".join(sorted(self.ann)) + "]")
        # Plain character table: OpenCC s2t on each character alone; a simplified character
        # that several traditional characters simplify to (发 <- 發 髮) is ambiguous: kept.
        ts = load_ts_chars()
        sources = {}
        for t, s in ts.items():
            sources.setdefault(s, set()).add(t)
        s2t = opencc.OpenCC("s2t")
        self.table = {}
        for ch in sorted(corpus_chars):
            if not ("\u3400" <= ch <= "\u9fff"):
                continue
            if len(sources.get(ch, ())) > 1:
                continue
            t = s2t.convert(ch)
            if len(t) == 1 and t != ch:
                self.table[ch] = t
        self.table_tr = str.maketrans(self.table)

    # --- the single corruptions -------------------------------------------------------------
    def convert(self, text, how):
        if how == "table":
            return text.translate(self.table_tr)
        return self.s2tw.convert(text)

    def annotate(self, text):
        ann = self.ann
        return self.ann_re.sub(lambda m: m.group() + "(" + ann[m.group()] + ")", text)

    def spacing(self, text, rng):
        r = rng.random
        out = []
        prev = ""
        for ch in text:
            if ch == "，":
                out.append(", " if r() < 0.3 else ",")
            elif ch in "：；（）？！" and r() < 0.7:
                out.append(ch.translate(ASCII_PUNCT))
            elif ch == "。" and r() < 0.05:
                out.append(".")
            else:
                # a space between Han and a digit / Latin letter, after 、 and before quotes
                if prev and ((is_han(prev) and ch.isascii() and ch.isalnum()) or
                             (prev.isascii() and prev.isalnum() and is_han(ch))) and r() < 0.5:
                    out.append(" ")
                elif ch == "“" and r() < 0.2:
                    out.append(" ")
                out.append(ch)
                if ch in "、”" and r() < 0.15:
                    out.append(" ")
            prev = ch
        return "".join(out)

    def chunks(self, body, rng):
        """`1、` before the body and `\\n\\nN、` at arbitrary cuts every 300-900 characters
        (never inside a run of Latin letters or digits)."""
        out = ["1、"]
        n = 1
        pos = 0
        while True:
            nxt = pos + rng.randint(300, 900)
            if nxt >= len(body) - 20:
                break
            while nxt < len(body) - 1 and (body[nxt - 1].isascii() and body[nxt - 1].isalnum()
                                           or body[nxt].isascii() and body[nxt].isalnum()
                                           or body[nxt - 1] == "\n" or body[nxt] == "\n"):
                nxt += 1
            out.append(body[pos:nxt])
            n += 1
            out.append(f"\n\n{n}、")
            pos = nxt
        out.append(body[pos:])
        return "".join(out)

    def html(self, text, rng):
        r = rng.random
        lines = []
        for line in text.split("\n"):
            if r() < 0.08:
                lines.append(rng.choice(['<div class="page">', "</div>", '<div style="text-align:center">']))
            if r() < 0.25:
                line = "<p>" + line + "</p>"
            elif r() < 0.1:
                line = line + "<br/>"
            if r() < 0.1:
                m = re.search(f"[{HAN}]{{2,4}}", line)
                if m:
                    line = (line[:m.start()] + '<span style="font-family:宋体">' + m.group() + "</span>"
                            + line[m.end():])
            if r() < 0.3:
                line = line.replace("“", "&ldquo;").replace("”", "&rdquo;")
            lines.append(line)
        return "\n".join(lines)

    def garbage(self, text, rng, every):
        """GBK byte garbage: a short run re-decoded one byte out of step (`燃?xì)夤芾淼`)."""
        n = max(1, len(text) // every) if len(text) > every // 2 else 0
        for _ in range(n):
            for _try in range(20):
                i = rng.randrange(0, max(1, len(text) - 10))
                if is_han(text[i]):
                    break
            else:
                continue
            span = text[i:i + rng.randint(3, 8)].split("\n")[0]
            b = span.encode("gbk", errors="ignore")[1:]
            g = b.decode("gbk", errors="replace").replace("\ufffd", "?")
            text = text[:i] + g + text[i + len(span):]
        return text

    def template(self, title, body, rng, annotate):
        """The renrendoc-style template, written in simplified here and converted with the page."""
        comma = rng.choice([",", "，", ", "])
        lines = []
        img = rng.random() < 0.2
        for k in range(1, rng.randint(2, 5)):
            if img:
                lines.append(f"![{title}_第{k}页](https://file.example.com/fileroot/{rng.randint(10**6, 10**7)}/{k}.gif)")
            else:
                lines.append(f"{title}_第{k}页")
        total = rng.randint(5, 40)
        shown = rng.randint(2, 5)
        lines.append(rng.choice([
            "全文预览已结束",
            f"已阅读{shown}页{comma}还剩{total - shown}页未读{comma}继续免费阅读",
            f"免费预览已结束{comma}剩余{total - shown}页可下载查看",
        ]))
        lines += ["", "下载本文档", "",
                  f"版权说明:本文档由用户提供并上传{comma}收益归属内容提供方{comma}若内容存在侵权{comma}请进行举报或认领",
                  "", "文档简介", ""]
        head = "\n".join(lines)
        tips = ["本站所有资源如无特殊说明，都需要本地电脑安装OFFICE2007和PDF阅读器。",
                "本站的文档不包含任何第三方提供的附件图纸等，如果需要附件，请联系上传者。",
                "本站RAR压缩包中若带图纸，网页内容里面会有图纸预览，若没有图纸预览就没有图纸。",
                "未经权益所有人同意不得将文件中的内容挪作商业或盈利用途。",
                "下载文件中如有侵权或不适当内容，请与我们联系，我们立即纠正。"]
        tail = ["", "温馨提示", ""]
        bullet = rng.choice(["  • ", "• ", ""])
        for k, t in enumerate(tips[:rng.randint(2, 5)], 1):
            tail.append(f"{bullet}{k}. {t}")
        tail += ["", "评论", "", "0/150", "", "提交评论"]
        return head, "\n".join(tail)

    # --- one page ---------------------------------------------------------------------------
    def page(self, title, body_lines, kind, rng):
        """Returns (raw, gold)."""
        body = "\n".join(body_lines)
        gold = body
        if kind == "none":
            return body + "\n", gold + "\n"
        how = "table" if kind == "table" or (kind == "all" and rng.random() < 0.3) else "s2tw"
        text = body
        if kind in ("spacing", "all"):
            text = self.spacing(text, rng)
        if kind in ("chunks", "all"):
            text = self.chunks(text, rng)
        if kind in ("html", "all"):
            text = self.html(text, rng)  # leaked from the document body, not the template
        if kind in ("template", "all"):
            head, tail = self.template(title, text, rng, True)
            text = head + "\n" + text + "\n" + tail
            gold = title + "\n\n" + body
        text = self.convert(text, how)
        if kind in ("ruby", "all") or (kind == "template" and rng.random() < 0.7):
            text = self.annotate(text)
        if kind == "garbage":
            text = self.garbage(text, rng, 1500)
        elif kind == "all":
            text = self.garbage(text, rng, 4000)
        return text + "\n", gold + "\n"


def is_han(ch):
    return "\u3400" <= ch <= "\u9fff"


def cut_pages(lines, size):
    page, n = [], 0
    for line in lines:
        page.append(line)
        n += len(line)
        if n >= size:
            yield page
            page, n = [], 0
    if n >= size // 3:
        yield page


def titles_from(lines):
    t = [l for l in lines if 4 <= len(l) <= 24 and re.fullmatch(f"[{HAN}A-Za-z0-9 ]+", l)
         and sum(is_han(c) for c in l) >= 3 and "页" not in l]
    return t or ["文档"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["accuracy", "speed"])
    ap.add_argument("corpus")
    ap.add_argument("outdir")
    ap.add_argument("--pages", type=int, default=0)
    ap.add_argument("--size", type=int, default=2500, help="characters per page")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--jsonl")
    ap.add_argument("--jsonl-mb", type=float, default=1000)
    a = ap.parse_args()
    with open(a.corpus, encoding="utf-8") as f:
        corpus = f.read()
    lines = normalise_gold(corpus)
    titles = titles_from(lines)
    cor = Corrupter(set(corpus))
    rng = random.Random(a.seed)
    raw_dir = os.path.join(a.outdir, "raw")
    os.makedirs(raw_dir, exist_ok=True)
    if a.mode == "accuracy":
        gold_dir = os.path.join(a.outdir, "gold")
        os.makedirs(gold_dir, exist_ok=True)
        pages = list(cut_pages(lines, a.size))
        if a.pages:
            # spread the pages over the whole corpus (every package), deterministically
            step = max(1, len(pages) // a.pages)
            pages = pages[::step][:a.pages]
        with open(os.path.join(a.outdir, "labels.tsv"), "w", encoding="utf-8") as lab:
            for i, body in enumerate(pages):
                kind = KINDS[i % len(KINDS)]
                raw, gold = cor.page(rng.choice(titles), body, kind, rng)
                pid = f"{i:05d}"
                with open(os.path.join(raw_dir, pid + ".txt"), "w", encoding="utf-8") as f:
                    f.write(raw)
                with open(os.path.join(gold_dir, pid + ".txt"), "w", encoding="utf-8") as f:
                    f.write(gold)
                lab.write(f"{pid}\t{kind}\n")
        print(f"accuracy set: {len(pages)} pages, {sum(len(''.join(p)) for p in pages)} characters",
              file=sys.stderr)
    else:
        total = 0
        raws = []
        # line start offsets for random windows
        nlines = len(lines)
        for i in range(a.pages):
            start = rng.randrange(0, nlines)
            body, n = [], 0
            j = start
            while n < a.size and j < nlines:
                body.append(lines[j])
                n += len(lines[j])
                j += 1
            raw, _ = cor.page(rng.choice(titles), body, "all", rng)
            raws.append(raw)
            with open(os.path.join(raw_dir, f"{i:05d}.txt"), "w", encoding="utf-8") as f:
                f.write(raw)
            total += len(raw.encode())
        print(f"speed batch: {a.pages} pages, {total / 1e6:.1f} MB", file=sys.stderr)
        if a.jsonl:
            target = int(a.jsonl_mb * 1e6)
            enc = [json.dumps({"text": r}, ensure_ascii=False) for r in raws]
            size, k = 0, 0
            with open(a.jsonl, "w", encoding="utf-8") as f:
                while size < target:
                    line = '{"id":%d,%s\n' % (k, enc[k % len(enc)][1:])
                    f.write(line)
                    size += len(line.encode())
                    k += 1
            print(f"shard: {a.jsonl}: {k} records, {size / 1e6:.0f} MB", file=sys.stderr)


if __name__ == "__main__":
    main()
