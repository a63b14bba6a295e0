#!/usr/bin/env python3
"""Event precision of `khabar run` over the SemEval-2022 Task 8 English and Arabic documents (697 pages), before and
after the real-text round 3 of the event rules (2026-11-26).

items.jsonl holds every distinct event of both runs (document, sentence, family, counts, place, attribution),
shuffled; labels.tsv is a judgement of each item (CORRECT / INCORRECT / UNCLEAR, with a reason) made blind by a
judge who never saw key.json, which says which run(s) produced the item. UNCLEAR items are left out. The round's
rules were written from errors seen in these same documents, so the "after" figure is optimistic: it is not a
first look at unseen text.

Runs: "before" = commit 63653e9, "after" = the round's rules. The documents were written as plain text files
(`/tmp/semdocs/{lang}_{id}.txt`, one per SemEval document id, English and Arabic only) and run with
`khabar run /tmp/semdocs --out OUT`.
"""
import json
import os
from collections import Counter, defaultdict

here = os.path.dirname(os.path.abspath(__file__))
key = json.load(open(os.path.join(here, "key.json")))
counts = defaultdict(Counter)
reasons = defaultdict(list)
for line in open(os.path.join(here, "labels.tsv"), encoding="utf-8"):
    cols = line.rstrip("\n").split("\t")
    if len(cols) >= 2 and cols[0] in key:
        for run in key[cols[0]]:
            counts[run][cols[1]] += 1
            if cols[1] == "INCORRECT" and len(cols) > 2:
                reasons[run].append(cols[2])
for run in sorted(counts):
    c = counts[run]
    n = c["CORRECT"] + c["INCORRECT"]
    print(f"{run:8s} events judged {n + c['UNCLEAR']:3d}  precision {c['CORRECT'] / max(n, 1):.3f}  "
          f"({c['CORRECT']}/{n}, {c['UNCLEAR']} unclear)")
