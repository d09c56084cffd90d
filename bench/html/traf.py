#!/usr/bin/env python3
"""Runs trafilatura over HTML files: traf.py OUTDIR FILE...

Writes OUTDIR/NAME.txt per NAME.html (its main text, tables included, comments not: comment
boxes are chrome here) and prints `pages<TAB>CPU seconds`, the CPU time of the extraction
loop alone (imports, reading and writing files not counted). Decoding is trafilatura's own
(it takes the bytes).
"""
import os
import sys
import time

import trafilatura


def main():
    out, files = sys.argv[1], sys.argv[2:]
    os.makedirs(out, exist_ok=True)
    inputs = []
    for f in files:
        with open(f, "rb") as fh:
            inputs.append((f, fh.read()))
    texts = []
    started = time.process_time()
    for _, data in inputs:
        text = trafilatura.extract(
            data,
            output_format="txt",
            include_comments=False,
            include_tables=True,
            deduplicate=False,
        )
        texts.append(text or "")
    cpu = time.process_time() - started
    for (f, _), text in zip(inputs, texts):
        stem = os.path.splitext(os.path.basename(f))[0]
        with open(os.path.join(out, stem + ".txt"), "w", encoding="utf-8") as fh:
            fh.write(text)
    print(f"{len(inputs)}\t{cpu:.3f}")


if __name__ == "__main__":
    main()
