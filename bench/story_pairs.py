#!/usr/bin/env python3
"""Story clustering measured on SemEval-2022 Task 8 pairs.

Writes every distinct document of the SemEval CSV as one JSONL record (id, lang, title when the text has a first
line, text; no dates), runs `khabar run` over them, and counts, for the labelled pairs, how often both documents
end in one story: pairs rated Overall <= 1.5 ("same story") should, pairs rated >= 3 should not. The similarity
model was fitted on these same pairs, so the absolute figures are optimistic; use them to compare settings.

usage: bench/story_pairs.py KHABAR_BINARY [CSV] [-- extra `khabar run` arguments, e.g. --e5]
"""
import csv
import json
import subprocess
import sys
import tempfile
from pathlib import Path


def main() -> None:
    args = sys.argv[1:]
    extra = args[args.index("--") + 1:] if "--" in args else []
    args = args[: args.index("--")] if "--" in args else args
    if not args:
        sys.exit(__doc__)
    khabar = args[0]
    csv_path = args[1] if len(args) > 1 else str(Path(__file__).resolve().parents[2] / "shared/eval/semeval2022t8/train.csv")
    rows = list(csv.DictReader(open(csv_path, encoding="utf-8")))
    docs = {}
    for r in rows:
        a, b = r["pair_id"].split("_")
        for doc_id, text, lang in ((a, r["text1"], r["lang1"]), (b, r["text2"], r["lang2"])):
            docs.setdefault(doc_id, (text.strip(), lang))
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "docs.jsonl"
        with corpus.open("w", encoding="utf-8") as f:
            for doc_id, (text, lang) in docs.items():
                record = {"id": doc_id, "lang": lang, "text": text}
                if "\n" in text:
                    title, body = text.split("\n", 1)
                    record.update(title=title, text=body)
                f.write(json.dumps(record, ensure_ascii=False) + "\n")
        out = Path(tmp) / "out"
        subprocess.run([khabar, "run", str(corpus), "--out", str(out), *extra], check=True, capture_output=True)
        duplicate_of = {}
        for line in (out / "articles.jsonl").open(encoding="utf-8"):
            a = json.loads(line)
            duplicate_of[a["id"]] = a.get("duplicate_of")
        story = {}
        for line in (out / "stories.jsonl").open(encoding="utf-8"):
            s = json.loads(line)
            for a in s["article_ids"]:
                story[a] = s["id"]

    def story_of(doc_id):
        seen = set()
        while duplicate_of.get(doc_id) and doc_id not in seen:
            seen.add(doc_id)
            doc_id = duplicate_of[doc_id]
        return story.get(doc_id)

    counts = {}
    for r in rows:
        overall = float(r["Overall"])
        kind = "same" if overall <= 1.5 else "different" if overall >= 3 else None
        if kind is None:
            continue
        a, b = r["pair_id"].split("_")
        joined = story_of(a) is not None and story_of(a) == story_of(b)
        for key in ((kind, "all"), (kind, f"{r['lang1']}-{r['lang2']}")):
            c = counts.setdefault(key, [0, 0])
            c[0] += joined
            c[1] += 1
    print(f"{len(docs)} documents, {len(set(story.values()))} stories ({' '.join(extra) or 'default settings'})")
    for scope in ["all", "en-en", "ar-ar"]:
        s, d = counts.get(("same", scope), [0, 0]), counts.get(("different", scope), [0, 0])
        print(
            f"  {scope:6} same-story pairs joined {s[0]}/{s[1]} = {s[0] / max(s[1], 1):.3f}   "
            f"different pairs joined {d[0]}/{d[1]} = {d[0] / max(d[1], 1):.3f}"
        )


if __name__ == "__main__":
    main()
