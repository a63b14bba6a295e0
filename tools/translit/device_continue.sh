#!/usr/bin/env bash
# Continues training two earlier variants (unpacked under .devcarry/init/NAME) on the GPU and packs them into $OUT.
# Usage: OUT=/dir tools/translit/device_continue.sh TRAIN_TXT MAX_SECONDS
set -u
train=$1; secs=$2; out=${OUT:?set OUT}; work=$(mktemp -d)
run() { # name, init, args...
  local name=$1 init=$2; shift 2
  python3 tools/translit/train.py --train "$train" --out "$work/$name" --max-seconds "$secs" --init "$init" "$@" >"$work/$name.log" 2>&1
  tar -C "$work" -czf "$out/$name.tgz" "$name" "$name.log"
}
run b2 .devcarry/init/b --seed 14 --d 192 --ff 768 --step-offset 7300 --eval-every 5 &
run e2 .devcarry/init/e --seed 13 --dropout 0.2 --step-offset 7300 --eval-every 5 &
wait
for f in "$work"/*.log; do echo "== $f"; grep epoch "$f" | tail -3; tail -1 "$f"; done | tee "$out/summary.txt"
