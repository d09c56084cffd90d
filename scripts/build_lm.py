#!/usr/bin/env python3
"""Rebuild data/lm/chars.bin, the character language model of src/lm.rs, from jieba's dict.txt.

Usage:
    pip download --no-deps jieba==0.42.1 && tar xzf jieba-0.42.1.tar.gz
    python3 scripts/build_lm.py jieba-0.42.1/jieba/dict.txt data/lm/chars.bin

Counts: every word of the dictionary (simplified Chinese, one `word freq tag` a line) adds its
frequency to each of its Han characters (unigram) and to each adjacent pair inside it (bigram).
Word-internal pairs only: the dictionary has no running text, so pairs across word boundaries
are unseen and the model backs off to the unigram there. Punctuation is absent from a word
list, so a few full-width marks get fixed shares (below) so that `。` or `，` is not scored as
an unknown character.

Format (all integers little-endian):
    b"ZHLM" u8 version=1
    u32 n_chars, then n_chars records: u24 code point, u8 cost
    u32 n_pairs, then n_pairs records: u16 first id, u16 second id, u8 cost
A character's id is its index in the character list (sorted by code point); pairs are sorted by
(first id, second id). Costs are -ln(p) in steps of 0.1 nat, saturating at 255: unigram
p = count / total, bigram p = count(a b) / count(a).
"""
import math
import struct
import sys
from collections import Counter

PUNCT = {  # share of all characters in running prose, rough figures
    "，": 0.05, "。": 0.03, "、": 0.01, "：": 0.005, "；": 0.003, "？": 0.002, "！": 0.001,
    "“": 0.004, "”": 0.004, "（": 0.003, "）": 0.003, "《": 0.001, "》": 0.001, "·": 0.0005,
}


def is_han(c):
    o = ord(c)
    return 0x3400 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0x20000 <= o <= 0x2FFFF


def cost(p):
    return min(255, max(0, round(-math.log(p) * 10)))


def main(src, dst):
    uni, bi = Counter(), Counter()
    with open(src, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) < 2:
                continue
            word, freq = parts[0], int(parts[1])
            for c in word:
                if is_han(c):
                    uni[c] += freq
            for a, b in zip(word, word[1:]):
                if is_han(a) and is_han(b):
                    bi[a, b] += freq
    han_total = sum(uni.values())
    share = sum(PUNCT.values())
    total = han_total / (1 - share)
    for c, s in PUNCT.items():
        uni[c] = round(total * s)
    chars = sorted(uni, key=ord)
    ids = {c: i for i, c in enumerate(chars)}
    assert len(chars) < 65536
    out = bytearray(b"ZHLM\x01")
    out += struct.pack("<I", len(chars))
    for c in chars:
        out += ord(c).to_bytes(3, "little") + bytes([cost(uni[c] / total)])
    pairs = sorted(((ids[a], ids[b]), n) for (a, b), n in bi.items())
    out += struct.pack("<I", len(pairs))
    for (i, j), n in pairs:
        out += struct.pack("<HHB", i, j, cost(n / uni[chars[i]]))
    with open(dst, "wb") as f:
        f.write(out)
    print(f"{len(chars)} characters, {len(pairs)} pairs, {len(out)} bytes -> {dst}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
