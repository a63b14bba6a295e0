#!/usr/bin/env bash
# Scale-out benchmark: ingest N real news articles (SemEval 2022 task 8 texts, many languages) with 1, 2 and 4
# workers against PostgreSQL + pgvector and NATS JetStream, and with the embedded default (SQLite + tantivy) at the
# same worker counts; prints one Markdown table of articles/s side by side.
#
#   bench/scaleout.sh [N=600] [WORKER_COUNTS="1 2 4"]
#
# Needs the release binary (built here), the data directory (scripts/setup-data.sh) and the servers
# (scripts/services.sh start, run here). Each scale-out run uses a fresh database and a fresh JetStream server.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-600}
COUNTS=${2:-"1 2 4"}
CSV=${SEMEVAL_CSV:-../shared/eval/semeval2022t8/train.csv}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"; [ -n "${NATS_PID:-}" ] && kill "$NATS_PID" 2>/dev/null || true' EXIT

cargo build --release -q -p khabar-cli
BIN=target/release/khabar
export $(scripts/services.sh start)

python3 - "$CSV" "$N" >"$WORK/corpus.jsonl" <<'PY'
import csv, json, sys
csv.field_size_limit(10**9)
path, n = sys.argv[1], int(sys.argv[2])
seen, out = set(), 0
with open(path, newline="", encoding="utf-8") as f:
    for row in csv.DictReader(f):
        for side in ("1", "2"):
            text = (row.get("text" + side) or "").strip()
            key = text[:200]
            if len(text) < 400 or key in seen:
                continue
            seen.add(key)
            pair = row["pair_id"].split("_")
            print(json.dumps({"id": f"sem-{pair[int(side) - 1]}", "text": text, "lang": row["lang" + side]},
                             ensure_ascii=False))
            out += 1
            if out >= n:
                sys.exit(0)
PY
N=$(wc -l <"$WORK/corpus.jsonl")

admin_sql() { python3 - "$KHABAR_PG_URL" "$1" <<'PY'
import os, sys, subprocess
url, sql = sys.argv[1], sys.argv[2]
subprocess.run([os.environ.get("KHABAR_PSQL", "psql"), "-q", url, "-c", sql], check=True, stdout=subprocess.DEVNULL)
PY
}

now() { date +%s.%N; }
rate() { python3 -c "import sys; n,t=float(sys.argv[1]),float(sys.argv[2]); print(f'{t:.1f} | {n/t:.1f}')" "$1" "$2"; }

echo "| mode | workers | inputs | seconds | inputs/s |"
echo "|---|---|---|---|---|"
for w in $COUNTS; do
  db="$WORK/db-$w"
  t0=$(now)
  "$BIN" ingest --db "$db" --workers "$w" "$WORK/corpus.jsonl" 2>/dev/null
  t1=$(now)
  echo "| embedded (SQLite + tantivy) | $w | $N | $(rate "$N" "$(echo "$t1 - $t0" | bc)") |"
done
for w in $COUNTS; do
  name="khabar_bench_$w"
  admin_sql "DROP DATABASE IF EXISTS $name WITH (FORCE)"
  admin_sql "CREATE DATABASE $name"
  url="${KHABAR_PG_URL%/*}/$name"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  mkdir -p "$WORK/js-$w"
  "$KHABAR_NATS_SERVER" -js -a 127.0.0.1 -p "$port" -sd "$WORK/js-$w" >/dev/null 2>&1 &
  NATS_PID=$!
  sleep 0.5
  bus="nats://127.0.0.1:$port"
  t0=$(now)
  "$BIN" ingest --store "$url" --bus "$bus" "$WORK/corpus.jsonl" 2>/dev/null
  pids=()
  for _ in $(seq 1 "$w"); do
    "$BIN" worker --store "$url" --bus "$bus" --drain 2>/dev/null &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p"; done
  t1=$(now)
  stored=$("${KHABAR_PSQL:-psql}" -qtA "$url" -c "SELECT (SELECT count(*) FROM articles) + (SELECT count(*) FROM rejected)")
  echo "| PostgreSQL + NATS | $w | $stored | $(rate "$stored" "$(echo "$t1 - $t0" | bc)") |"
  kill "$NATS_PID" 2>/dev/null || true
  wait "$NATS_PID" 2>/dev/null || true
  NATS_PID=
  admin_sql "DROP DATABASE IF EXISTS $name WITH (FORCE)"
done
echo
echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)."
