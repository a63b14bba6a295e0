#!/usr/bin/env bash
# Hostile-corpus ingest: generate N hostile inputs (bench/hostile_corpus.py), run the release `khabar ingest` over
# them under /usr/bin/time -v, print a tally and assert: exit 0, no panic, peak RSS < 1 GiB, every valid article
# of the manifest stored.
#
#   N=10000 bench/hostile.sh            # WORK=dir to keep the corpus and store (default: a temp dir, removed)
#   BIG=0 N=500 bench/hostile.sh        # no 50 MB pages
#   TALLY_ONLY=1 WORK=dir bench/hostile.sh   # re-print the tally of a kept run
#
# Env: N (inputs, default 10000), BIG (50 MB pages, default per generator), SEED, WORK, KHABAR (binary),
#      CARGO_TARGET_DIR (where the release build lives, default target-harden), TIMEOUT (seconds, default 1800).
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-10000}
SEED=${SEED:-7}
TIMEOUT=${TIMEOUT:-1800}
TARGET=${CARGO_TARGET_DIR:-$PWD/target-harden}
KHABAR=${KHABAR:-$TARGET/release/khabar}

if [[ ! -x /usr/bin/time ]]; then
    echo "installing GNU time" >&2
    apt-get install -y time >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y time >/dev/null; }
fi
if [[ ! -x $KHABAR ]]; then
    CARGO_TARGET_DIR=$TARGET cargo build --release -p khabar-cli
fi

if [[ -n ${WORK:-} ]]; then
    mkdir -p "$WORK"
else
    WORK=$(mktemp -d /tmp/khabar-hostile.XXXXXX)
    trap 'rm -rf "$WORK"' EXIT
fi
if [[ -z ${TALLY_ONLY:-} ]]; then
    rm -rf "$WORK/corpus" "$WORK/db"

    big_args=()
    [[ -n ${BIG:-} ]] && big_args=(--big "$BIG")
    python3 bench/hostile_corpus.py "$WORK/corpus" --n "$N" --seed "$SEED" "${big_args[@]}"

    set +e
    timeout "$TIMEOUT" /usr/bin/time -v -o "$WORK/time.txt" \
        "$KHABAR" ingest "$WORK/corpus/inputs" --db "$WORK/db" >"$WORK/stdout.txt" 2>"$WORK/stderr.txt"
    rc=$?
    set -e
    echo "$rc" >"$WORK/rc"
fi
rc=$(cat "$WORK/rc")

python3 - "$WORK" "$rc" <<'PY'
import json, re, sqlite3, sys
from collections import Counter
from pathlib import Path

work, rc = Path(sys.argv[1]), int(sys.argv[2])
time_txt = (work / "time.txt").read_text(errors="replace") if (work / "time.txt").exists() else ""
stderr = (work / "stderr.txt").read_text(errors="replace")

def field(name):
    m = re.search(rf"{re.escape(name)}: (.+)", time_txt)
    return m.group(1).strip() if m else None

rss_kib = int(field("Maximum resident set size (kbytes)") or 0)
wall = field("Elapsed (wall clock) time (h:mm:ss or m:ss)") or "?"
secs = 0.0
for part in wall.split(":"):
    try:
        secs = secs * 60 + float(part)
    except ValueError:
        pass

manifest = [json.loads(l) for l in open(work / "corpus" / "manifest.jsonl", encoding="utf-8")]
kinds = Counter(m["kind"] for m in manifest)
valid = [i for m in manifest for i in m["valid_ids"]]

db = work / "db" / "khabar.sqlite3"
stored_ids, rejected, langs, leaks = set(), [], {}, {}
if db.exists():
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    langs = dict(conn.execute("SELECT id, lang FROM articles"))
    # Text a browser never shows (comments, scripts, textarea, template, noscript, svg) must not leak into bodies.
    hidden = ["COMMENTED OUT", "script text", "old trick", "textarea text", "conditional comment",
              "template content", "svg title", "alert(1)", "unterminated comment", "never closed"]
    leaks = {h: conn.execute("SELECT COUNT(*) FROM articles WHERE id LIKE 'html_tricks%' AND instr(text, ?) > 0",
                             (h,)).fetchone()[0] for h in hidden}
    stored_ids = set(langs)
    rejected = conn.execute("SELECT location, reason FROM rejected").fetchall()

def reason_class(location, reason):
    r = reason[len(location) + 2:] if reason.startswith(location + ": ") else reason
    r = re.sub(r"^.*?/inputs/\S+?: ", "", r)
    r = re.sub(r"empty body after extraction \(.*\)", "empty body after extraction", r)
    r = re.sub(r"\d+", "N", r)
    r = re.sub(r"(line N column N|at line N).*", r"\1", r)
    return r[:90]

by_reason = Counter(reason_class(l, r) for l, r in rejected)
by_kind_stored, by_kind_odd = Counter(), Counter()
for m in manifest:
    name = Path(m["path"]).name
    if name in stored_ids:
        by_kind_stored[m["kind"]] += 1
        # Every text in the corpus is English or Arabic: another language means it was mis-decoded (or garbage).
        if langs[name] not in ("en", "ar"):
            by_kind_odd[m["kind"]] += 1
missing = [i for i in valid if i not in stored_ids]
no_reason = [l for l, r in rejected if not r.strip()]
panicked = "panicked" in stderr
summary = re.findall(r"khabar: \d+ read.*", stderr)

print(f"## Hostile ingest ({len(manifest)} inputs)\n")
print("| figure | value |\n|---|---|")
print(f"| input files | {len(manifest)} |")
print(f"| valid articles in manifest | {len(valid)} |")
print(f"| articles stored | {len(stored_ids)} |")
print(f"| valid articles stored | {len(valid) - len(missing)} / {len(valid)} |")
print(f"| records rejected | {len(rejected)} |")
print(f"| exit status | {rc} |")
print(f"| panic in stderr | {'YES' if panicked else 'no'} |")
print(f"| html_tricks bodies with hidden text leaked | {sum(1 for n in leaks.values() if n)} markers, {sum(leaks.values())} articles |")
print(f"| peak RSS | {rss_kib / 1024:.0f} MiB |")
print(f"| wall time | {secs:.1f} s |")
if summary:
    print(f"\n`{summary[-1]}`")
print("\n| input kind | files | stored as a file article | of which lang not en/ar (mis-decoded or garbage) |")
print("|---|---:|---:|---:|")
for k, n in sorted(kinds.items()):
    print(f"| {k} | {n} | {by_kind_stored.get(k, 0)} | {by_kind_odd.get(k, 0)} |")
print("\n| rejection reason | count |\n|---|---:|")
for r, n in by_reason.most_common():
    print(f"| {r.replace('|', '/')} | {n} |")

failures = []
if rc != 0:
    failures.append(f"khabar ingest exited {rc}" + (" (timeout)" if rc == 124 else ""))
if panicked:
    failures.append("a panic was printed: " + next(l for l in stderr.splitlines() if "panicked" in l))
if rss_kib >= 1 << 20:
    failures.append(f"peak RSS {rss_kib / 1024:.0f} MiB >= 1 GiB")
if missing:
    failures.append(f"{len(missing)} valid articles not stored, e.g. {missing[:5]}")
if no_reason:
    failures.append(f"{len(no_reason)} rejections without a reason")
if failures:
    print("\nFAILED:\n- " + "\n- ".join(failures))
    print("\nstderr tail:\n" + "\n".join(stderr.splitlines()[-10:]))
    sys.exit(1)
print("\nOK: no panic, exit 0, RSS < 1 GiB, every valid article stored, every rejection has a reason.")
PY
