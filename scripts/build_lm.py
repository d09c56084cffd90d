#!/usr/bin/env python3
"""Rebuild data/lm/words.bin, the word list behind src/lm.rs, from jieba's dict.txt.

Usage:
    pip download --no-deps jieba==0.42.1 && tar xzf jieba-0.42.1.tar.gz
    python3 scripts/build_lm.py jieba-0.42.1/jieba/dict.txt data/lm/words.bin

Keeps every word of the dictionary (simplified Chinese, one `word freq tag` a line) seen at
least MIN_FREQ times, with its cost -ln(freq / total). A word list has no punctuation, so a
few full-width marks are added as one-character words with fixed shares of running text (below),
so that a repaired `。` or `，` is not scored as an unknown character. src/lm.rs derives its
character unigram, bigram and isolation costs from this list when it loads.

Format (integers little-endian):
    b"ZHLW" u8 version=1, u32 n_words,
    then per word (sorted by UTF-8 bytes): u8 bytes shared with the previous word,
    u8 length of the rest, the rest (UTF-8), u8 cost in tenths of a nat (saturating at 255).
"""
import math
import struct
import sys

MIN_FREQ = 5
PUNCT = {  # share of all words in running prose, rough figures
    "，": 0.05, "。": 0.03, "、": 0.01, "：": 0.005, "；": 0.003, "？": 0.002, "！": 0.001,
    "“": 0.004, "”": 0.004, "（": 0.003, "）": 0.003, "《": 0.001, "》": 0.001, "·": 0.0005,
}


def is_han(c):
    o = ord(c)
    return 0x3400 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF


def main(src, dst):
    freq = {}
    with open(src, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) < 2:
                continue
            word, n = parts[0], int(parts[1])
            if n >= MIN_FREQ and all(is_han(c) for c in word):
                freq[word] = freq.get(word, 0) + n
    total = sum(freq.values()) / (1 - sum(PUNCT.values()))
    for c, s in PUNCT.items():
        freq[c] = total * s
    words = sorted(freq, key=lambda w: w.encode())
    out = bytearray(b"ZHLW\x01") + struct.pack("<I", len(words))
    prev = b""
    for w in words:
        b = w.encode()
        shared = 0
        while shared < min(len(b), len(prev), 255) and b[shared] == prev[shared]:
            shared += 1
        rest = b[shared:]
        assert len(rest) < 256
        cost = min(255, max(0, round(-math.log(freq[w] / total) * 10)))
        out += bytes([shared, len(rest)]) + rest + bytes([cost])
        prev = b
    with open(dst, "wb") as f:
        f.write(out)
    print(f"{len(words)} words, {len(out)} bytes -> {dst}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
