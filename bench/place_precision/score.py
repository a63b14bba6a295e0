#!/usr/bin/env python3
"""Place-link precision per run from a blind-judged sample.

items.jsonl: 280 place links (mention, linked entry, context) drawn at random, 70 per run, from `khabar run` over
the SemEval-2022 Task 8 English (322) and Arabic (110) documents, before and after the precision work of
2026-11-26, shuffled together without the run name. labels.tsv: one judgement per item (CORRECT / INCORRECT /
UNCLEAR, with a reason), made without the key. key.json: item id -> run. UNCLEAR items are left out.
"""
import json
import os
from collections import Counter, defaultdict

here = os.path.dirname(os.path.abspath(__file__))
key = json.load(open(os.path.join(here, "key.json")))
counts = defaultdict(Counter)
for line in open(os.path.join(here, "labels.tsv"), encoding="utf-8"):
    cols = line.rstrip("\n").split("\t")
    if len(cols) >= 2 and cols[0] in key:
        counts[key[cols[0]]][cols[1]] += 1
for run in ["en_before", "en_after", "ar_before", "ar_after"]:
    c = counts[run]
    n = c["CORRECT"] + c["INCORRECT"]
    print(f"{run:10s} precision {c['CORRECT'] / max(n, 1):.3f}  ({c['CORRECT']}/{n}, {c['UNCLEAR']} unclear)")
