#!/usr/bin/env bash
# Trains the transliterator variants in parallel on one GPU (the lent device machine) and packs each into $OUT.
# Usage (from the repo root): OUT=/some/dir tools/translit/device_train.sh TRAIN_TXT [MAX_SECONDS]
set -u
train=$1; secs=${2:-300}
out=${OUT:?set OUT}
work=$(mktemp -d)
run() { # name, args...
  local name=$1; shift
  python3 tools/translit/train.py --train "$train" --out "$work/$name" --max-seconds "$secs" "$@" >"$work/$name.log" 2>&1
  tar -C "$work" -czf "$out/$name.tgz" "$name" "$name.log"
}
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader
run a1 --seed 1 &
run a2 --seed 2 &
run e --seed 3 --dropout 0.2 &
run b --seed 4 --d 192 --ff 768 &
run c --seed 5 --layers 4 &
run r --seed 21 --d 128 --ff 512 --reverse &
wait
for f in "$work"/*.log; do echo "== $f"; tail -4 "$f"; done | tee "$out/summary.txt"
