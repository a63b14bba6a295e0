"""Packs the adapters `train.py` wrote (lora_<cfg>.npz) into the file the Rust engine embeds
(crates/khabar-encoder/data/e5-semeval-lora.npz): per model (`all`, `fold0`..`fold4`) the f16 A and B matrices as
u16 bits, and the SemEval document ids (digits) of its training pairs, recomputed from folds.tsv exactly as
train.py chose them.

    python3 pack_adapters.py OUT/lora_lora4.npz WORK/folds.tsv crates/khabar-encoder/data/e5-semeval-lora.npz
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
for m in ['0', '1', '2', '3', '4', 'all']:
    name = 'all' if m == 'all' else 'fold' + m
    if m == 'all':
        tr = pairs
    else:
        k = int(m)
        test = set().union(*[p[2] for p in pairs if p[1] == k])
        tr = [p for p in pairs if p[1] != k and not (p[2] & test)]
    docs = sorted(set().union(*[p[2] for p in tr]))
    out[f'{name}.docs'] = np.array([int(d) for d in docs], dtype=np.uint64)
    for key in z.files:
        if key.startswith(m + '.'):
            out[name + key[len(m):]] = z[key].astype(np.float16).view(np.uint16)
    print(name, len(tr), 'pairs', len(docs), 'documents')
np.savez(out_path, **out)
