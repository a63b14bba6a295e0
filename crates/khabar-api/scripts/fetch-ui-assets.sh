#!/usr/bin/env bash
# Fetches the offline map shapes the khabar web UI draws (npm package `world-atlas`, TopoJSON, public domain
# Natural Earth data) into `$KHABAR_DATA/ui/`. The server reads `<data dir>/ui/countries-110m.json` (or
# `land-110m.json`) at startup and pre-projects it to SVG; without them the map says so and still plots events.
# These files are never committed.
set -euo pipefail
data="${KHABAR_DATA:-$HOME/.local/share/khabar}"
dest="$data/ui"
mkdir -p "$dest"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent world-atlas@2 >/dev/null
tar -xzf world-atlas-*.tgz
for f in countries-110m.json land-110m.json; do
  cp "package/$f" "$dest/$f"
done
cp package/LICENSE "$dest/world-atlas-LICENSE" 2>/dev/null || true
echo "map shapes in $dest:"
ls -l "$dest"
