#!/usr/bin/env bash
# One Markdown report of all measured figures, machine on top. Each section runs under its own time limit; a
# section that fails or times out says so and the report goes on.
#
#   bench/report.sh > bench/REPORT.md        (the README links the committed REPORT.md: refresh both together)
#
# Env: CARGO_TARGET_DIR (default target-harden), KHABAR_DATA, HOSTILE_N (default 10000), MEM_N (articles for the
# memory estimate, default 4000), SECTION_TIMEOUT (seconds per section, default 900), ONLY (space-separated
# section names to run: machine extraction extract_speed pipeline memory cluster encoder scaleout semeval translit
# events hostile load).
set -uo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target-harden}
KHABAR_GIVEN=${KHABAR:-}
KHABAR=${KHABAR:-$CARGO_TARGET_DIR/release/khabar}
SHARED=${SHARED:-$PWD/../shared}
T=${SECTION_TIMEOUT:-900}
ONLY=${ONLY:-}

want() { [[ -z $ONLY || " $ONLY " == *" $1 "* ]]; }

# section NAME TITLE COMMAND...: runs COMMAND under the time limit, prints its output as is (fenced unless it is
# already Markdown tables), and the exit status if it failed.
section() {
    local name=$1 title=$2
    shift 2
    want "$name" || return 0
    echo "## $title"
    echo
    local out start rc
    out=$(mktemp)
    start=$(date +%s)
    timeout "$T" "$@" >"$out" 2>&1
    rc=$?
    if grep -q '^|' "$out"; then
        grep -E '^\||^[A-Za-z#`].*' "$out" | grep -v -E '^(warning|   Compiling|    Finished|     Running|  Downloaded)' 
    else
        echo '```'
        tail -n 90 "$out"
        echo '```'
    fi
    [[ $rc -eq 124 ]] && echo && echo "**timed out after ${T}s**"
    [[ $rc -ne 0 && $rc -ne 124 ]] && echo && echo "**exit status $rc**"
    echo
    echo "_($(($(date +%s) - start)) s, \`$*\`)_"
    echo
    rm -f "$out"
}

memory() {
    # Estimate: peak RSS of a fresh ingest of N and of N/4 unique articles (sample paragraphs, numbered), the
    # difference scaled to 100k articles; plus the store's size on disk per 100k. Fixed costs (models, KB)
    # cancel out in the difference.
    local n=${MEM_N:-4000} work
    work=$(mktemp -d)
    python3 - "$SHARED/samples" "$work" "$n" <<'PY'
import json, random, sys
from pathlib import Path
samples, work, n = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
paras = [p.strip() for f in sorted(samples.glob("*.txt")) for p in f.read_text().split("\n") if len(p.strip()) > 120]
for size in (n // 4, n):
    rng = random.Random(size)
    with open(work / f"corpus-{size}.jsonl", "w") as out:
        for i in range(size):
            # Random paragraph triples: overlapping text, as in a real feed, but mostly not near-duplicates.
            text = "\n\n".join(rng.sample(paras, 3)) + f"\n\nDispatch number {i}."
            out.write(json.dumps({"id": f"m{i}", "text": text, "published": "2019-03-12"}) + "\n")
PY
    echo "| articles | peak RSS MiB | seconds | store MiB | near-duplicates |"
    echo "|---:|---:|---:|---:|---:|"
    local rss=() size
    for size in $((n / 4)) "$n"; do
        /usr/bin/time -v -o "$work/time-$size" "$KHABAR" ingest "$work/corpus-$size.jsonl" --db "$work/db-$size" \
            >/dev/null 2>"$work/err-$size" || echo "| $size | ingest failed | | | |"
        local kib secs mib
        kib=$(awk -F': ' '/Maximum resident/ {print $2}' "$work/time-$size")
        secs=$(awk -F': ' '/Elapsed/ {print $2}' "$work/time-$size")
        mib=$(du -sm "$work/db-$size" | cut -f1)
        rss+=("$kib")
        echo "| $size | $((kib / 1024)) | $secs | $mib | $(grep -oE '\(([0-9]+) near-duplicates' "$work/err-$size" | grep -oE '[0-9]+') |"
    done
    local dkib=$((rss[1] - rss[0])) dn=$((n - n / 4))
    echo
    echo "Estimate: (RSS($n) − RSS($((n / 4)))) / $dn articles × 100k = $((dkib * 100000 / dn / 1024)) MiB of RSS per 100k articles on top of the fixed cost; store on disk ≈ $(( $(du -sm "$work/db-$n" | cut -f1) * 100000 / n )) MiB per 100k."
    rm -rf "$work"
}

if want machine; then
    echo "# khabar benchmark report"
    echo
    echo "$(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD 2>/dev/null), release build in $CARGO_TARGET_DIR"
    echo
    echo '```'
    lscpu | grep -E 'Model name|^CPU\(s\)|Thread|Core|Socket|MHz|L2|L3' || true
    free -h
    uname -srm
    echo '```'
    echo
fi

# The default binary is always rebuilt (incremental), so a stale one is never measured.
if [[ -z $KHABAR_GIVEN || ! -x $KHABAR ]]; then
    cargo build --release -q -p khabar-cli || { echo "**release build failed**"; exit 1; }
fi

section extraction "Body extraction P/R/F1" "$KHABAR" eval extraction "$SHARED/eval/extraction"
section extract_speed "Extraction speed vs trafilatura" cargo bench -q -p khabar-extract --bench extract_vs_trafilatura
section pipeline "Pipeline throughput (1 and 2 workers)" "$KHABAR" bench "$SHARED/samples" --copies 40
if want memory; then
    echo "## Memory per 100k articles"
    echo
    export -f memory
    KHABAR=$KHABAR SHARED=$SHARED timeout "$T" bash -c memory || echo "**memory section failed or timed out**"
    echo
fi
section cluster "Clustering cost growth" cargo bench -q -p khabar-cluster --bench cluster
section encoder "Encoder + clustering throughput (1 and 2 threads, real articles)" \
    cargo run --release -q -p khabar-similarity --example bench_throughput -- \
    "$SHARED/eval/semeval2022t8/train.csv" --articles 1200 --threads 1,2 --samples "$SHARED/samples"
section scaleout "Scale-out: PostgreSQL + NATS workers vs embedded" bench/scaleout.sh "${SCALEOUT_N:-600}" "1 2 4"
section semeval "SemEval-2022 T8 cross-lingual similarity (Pearson)" "$KHABAR" eval semeval "$SHARED/eval/semeval2022t8/train.csv"
section translit "Arabic→Latin transliteration and linking" "$KHABAR" eval translit
section events "Event extraction (dev set)" "$KHABAR" eval events
section hostile "Hostile corpus" env N="${HOSTILE_N:-10000}" KHABAR="$KHABAR" bench/hostile.sh
section load "Load" bench/load.sh
