#!/usr/bin/env python3
"""Entity-link precision per run from two blind-judged samples of `khabar run` over the SemEval-2022 Task 8
English (322) and Arabic (110) documents, before and after the precision work of 2026-11-26.

Sample 1 (items.jsonl, labels.tsv, key.json): 70 place links per run, the "after" run taken midway through the
work. Sample 2 (items2.jsonl, labels2.tsv, key2.json): 60 place or person links per run, "final" taken after the
team/paper rule (before the US states were added), judged with a stricter rule: a place name inside an
organisation's, team's or paper's name is wrong. Items of all runs were shuffled together and judged without the
key (CORRECT / INCORRECT / UNCLEAR, with a reason); UNCLEAR items are left out. The precision rules were written
from errors seen in these same documents, so the "after" figures are optimistic.

Sample 3 (items3.jsonl, labels3.tsv, key3.json): every English person mention (131 distinct) of two runs on the 322
English documents, before and after role-cued people may hold words a place was rejected for ("Mitch McConnell"),
judged once each without the key; a badly cut name ("Fahd Bin") is wrong.
"""
import json
import os
from collections import Counter, defaultdict

here = os.path.dirname(os.path.abspath(__file__))
SAMPLES = [
    ("items.jsonl", "labels.tsv", "key.json"),
    ("items2.jsonl", "labels2.tsv", "key2.json"),
    ("items3.jsonl", "labels3.tsv", "key3.json"),
]
for items, labels, key_file in SAMPLES:
    key = json.load(open(os.path.join(here, key_file)))
    counts = defaultdict(Counter)
    for line in open(os.path.join(here, labels), encoding="utf-8"):
        cols = line.rstrip("\n").split("\t")
        if len(cols) >= 2 and cols[0] in key:
            # Sample 3 judges every item of both runs once: its key lists the runs that hold the item.
            runs = key[cols[0]] if isinstance(key[cols[0]], list) else [key[cols[0]]]
            for run in runs:
                counts[run][cols[1]] += 1
    print(f"{items}:")
    for run in sorted(counts):
        c = counts[run]
        n = c["CORRECT"] + c["INCORRECT"]
        print(f"  {run:18s} precision {c['CORRECT'] / max(n, 1):.3f}  ({c['CORRECT']}/{n}, {c['UNCLEAR']} unclear)")
