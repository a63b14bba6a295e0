#!/usr/bin/env python3
"""Times trafilatura.extract(html, include_comments=False) over the labelled pages of an extraction set.

Usage: trafilatura_bench.py DIR [ROUNDS]
Prints one JSON line: {"pages": N, "seconds": S, "pages_per_sec": P, "pages_per_cpu_sec": C, "mean_f1": F} (F on the README's token measure).
Decompression is done before timing, as in the Rust side.
"""
import gzip
import json
import os
import sys
import time
from collections import Counter

import trafilatura


def prf(pred, truth):
    t = Counter(truth.split())
    p = pred.split()
    if not p or not t:
        return 0.0
    overlap = sum((Counter(p) & t).values())
    precision = overlap / len(p)
    recall = overlap / sum(t.values())
    return 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)


def main():
    root = sys.argv[1]
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    truth = json.load(open(os.path.join(root, "ground-truth.json"), encoding="utf-8"))
    pages = []
    for key in sorted(truth):
        with gzip.open(os.path.join(root, "html", key + ".html.gz")) as f:
            pages.append((key, f.read().decode("utf-8", "replace")))
    outputs = {}
    start = time.perf_counter()
    cpu_start = time.process_time()
    for _ in range(rounds):
        for key, html in pages:
            outputs[key] = trafilatura.extract(html, include_comments=False) or ""
    seconds = time.perf_counter() - start
    cpu_seconds = time.process_time() - cpu_start
    f1 = sum(prf(outputs[k], truth[k].get("articleBody", "")) for k, _ in pages) / max(len(pages), 1)
    n = len(pages) * rounds
    print(json.dumps({"pages": n, "seconds": seconds, "pages_per_sec": n / seconds,
                      "pages_per_cpu_sec": n / cpu_seconds if cpu_seconds > 0 else 0.0, "mean_f1": f1}))


if __name__ == "__main__":
    main()
