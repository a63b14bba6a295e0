#!/usr/bin/env bash
# Load figures of `khabar serve`: story list, search and POST ingest at 1, 8 and 64 concurrent clients (each run
# bounded to a request count and 30 s), requests/s and p50/p99 latency, plus the check that no POSTed article is
# lost. It is the full mode of crates/khabar-cli/tests/load.rs, in a release build; figures are printed, not
# asserted. Needs the data dir (KHABAR_DATA, default ~/.local/share/khabar). TIMEOUT bounds the whole run.
set -uo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target-harden}
TIMEOUT=${TIMEOUT:-900}
log=$(mktemp /tmp/khabar-load.XXXXXX)
trap 'rm -f "$log"' EXIT
echo "## Load (khabar serve, release build, loopback, $(nproc) cores shared by server and clients)"
echo
KHABAR_LOAD_FULL=1 timeout "$TIMEOUT" cargo test --release -q -p khabar-cli --test load -- --nocapture >"$log" 2>&1
rc=$?
grep -E '^\||^POSTed' "$log"
if [[ $rc -ne 0 ]]; then
    echo
    echo "FAILED (exit $rc):"
    grep -E 'panicked|assert|failed|error' "$log" | head -20
fi
exit $rc
