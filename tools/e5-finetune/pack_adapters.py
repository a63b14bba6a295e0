"""Packs the adapters `train.py` wrote (lora_<cfg>.npz) into the file the Rust engine embeds
(crates/khabar-encoder/data/e5-semeval-lora.npz): per model (`all`, `fold0`..`fold4`) the f16 A and B matrices as
u16 bits, and the SemEval document ids (digits) of its training pairs, recomputed from folds.tsv exactly as
train.py chose them. The nested adapters (NESTED=1, lora_<cfg>_nested.npz: `fold01`..`fold34`, each trained
without two folds) pack the same way into the file `khabar eval semeval --nested-adapters` reads.

    python3 pack_adapters.py OUT/lora_lora4.npz WORK/folds.tsv crates/khabar-encoder/data/e5-semeval-lora.npz
    python3 pack_adapters.py OUT/lora_lora4_nested.npz WORK/folds.tsv crates/khabar-encoder/data/e5-semeval-lora-nested.npz
"""
import sys

import numpy as np

lora, folds_path, out_path = sys.argv[1:4]
z = np.load(lora)
folds = [l.rstrip('\n').split('\t') for l in open(folds_path)]


def digits(s):
    return ''.join(c for c in s if c.isdigit())


pairs = [(p[0], int(p[3]), set(digits(x) for x in p[0].split('_', 1))) for p in folds]
out = {}
for m in sorted({key.split('.', 1)[0] for key in z.files}):
    name = 'all' if m == 'all' else 'fold' + m
    held = () if m == 'all' else tuple(int(c) for c in m)
    test = set().union(set(), *[p[2] for p in pairs if p[1] in held])
    tr = [p for p in pairs if p[1] not in held and not (p[2] & test)]
    docs = sorted(set().union(*[p[2] for p in tr]))
    out[f'{name}.docs'] = np.array([int(d) for d in docs], dtype=np.uint64)
    for key in z.files:
        if key.startswith(m + '.'):
            out[name + key[len(m):]] = z[key].astype(np.float16).view(np.uint16)
    print(name, len(tr), 'pairs', len(docs), 'documents')
np.savez(out_path, **out)
