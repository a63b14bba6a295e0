"""Fine-tune multilingual-e5-small (LoRA or full) on SemEval-2022 T8 pairs, grouped 5-fold CV.

Inputs (dir D): e5pack.npz, e5load.py, tokens.tsv (pair_id side lang ids), folds.tsv (pair_id lang_pair overall
fold), ref.json (Rust embeddings of the first 8 docs). Writes to OUT: log, emb_<cfg>.npz (per model: every doc's
embedding), lora_<cfg>.npz (adapters).
"""
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

D = sys.argv[1]
OUT = sys.argv[2]
CFGS = sys.argv[3].split(',')
BUDGET = float(sys.argv[4]) if len(sys.argv) > 4 else 480.0
NESTED = os.environ.get('NESTED') == '1'
sys.path.insert(0, D)
from e5load import load  # noqa: E402

T0 = time.time()
dev = 'cuda' if torch.cuda.is_available() else 'cpu'
logf = open(os.path.join(OUT, 'log.txt'), 'a')


def log(*a):
    s = ' '.join(str(x) for x in a)
    print(f'[{time.time() - T0:6.1f}s] {s}', flush=True)
    logf.write(s + '\n')
    logf.flush()


P = load(os.path.join(D, 'e5pack.npz'))
H, NL, NH, FF = P['hidden'], P['nl'], P['heads'], P['ff']
EPS = P['eps']
remap = {int(i): k for k, i in enumerate(P['word_ids'])}
BOS, EOS = remap[P['bos']], remap[P['eos']]

# documents, one per (pair, side)
docs, doc_lang, doc_key, pair_docs = [], [], [], {}
for line in open(os.path.join(D, 'tokens.tsv')):
    pid, side, lang, ids = line.rstrip('\n').split('\t')
    seq = [BOS] + ([remap[int(t)] for t in ids.split(',')] if ids else []) + [EOS]
    pair_docs.setdefault(pid, []).append(len(docs))
    docs.append(seq)
    doc_lang.append(lang)
    doc_key.append(pid + '/' + side)
pairs = []  # (pid, lang_pair, target, fold, da, db, digit ids)
for line in open(os.path.join(D, 'folds.tsv')):
    pid, lp, overall, fold = line.rstrip('\n').split('\t')
    a, b = 2 * len(pairs), 2 * len(pairs) + 1
    assert doc_key[a] == pid + '/0' and doc_key[b] == pid + '/1'
    ids = [''.join(c for c in s if c.isdigit()) for s in pid.split('_', 1)]
    pairs.append((pid, lp, min(max((4.0 - float(overall)) / 3.0, 0.0), 1.0), int(fold), a, b, set(ids)))
log('docs', len(docs), 'pairs', len(pairs), 'device', dev, torch.cuda.get_device_name() if dev == 'cuda' else '')


class Lin(nn.Module):
    def __init__(self, wb, rank, alpha, full):
        super().__init__()
        w, b = wb
        self.w = nn.Parameter(torch.tensor(w, dtype=torch.float32), requires_grad=full)
        self.b = nn.Parameter(torch.tensor(b, dtype=torch.float32), requires_grad=full)
        self.rank = rank
        if rank:
            out_f, in_f = w.shape
            self.A = nn.Parameter(torch.empty(rank, in_f))
            nn.init.kaiming_uniform_(self.A, a=math.sqrt(5))
            self.B = nn.Parameter(torch.zeros(out_f, rank))
            self.scale = alpha / rank

    def forward(self, x):
        y = F.linear(x, self.w, self.b)
        if self.rank:
            y = y + F.linear(F.linear(x, self.A), self.B) * self.scale
        return y


class E5T(nn.Module):
    def __init__(self, rank=0, alpha=16, full=False, targets=('q', 'k', 'v', 'ao', 'fi', 'fo')):
        super().__init__()
        self.word = nn.Parameter(torch.tensor(P['word']), requires_grad=False)
        self.pos = nn.Parameter(torch.tensor(P['pos']), requires_grad=False)
        self.typ = nn.Parameter(torch.tensor(P['type']), requires_grad=False)
        self.eln = [nn.Parameter(torch.tensor(v), requires_grad=False) for v in P['eln']]
        for i, p in enumerate(self.eln):
            self.register_parameter(f'eln{i}', p)
        self.layers = nn.ModuleList()
        for L in P['layers']:
            m = nn.Module()
            for n in ('q', 'k', 'v', 'ao', 'fi', 'fo'):
                setattr(m, n, Lin(L[n], rank if n in targets else 0, alpha, full))
            for n in ('aln', 'oln'):
                w, b = L[n]
                setattr(m, n + '_w', nn.Parameter(torch.tensor(w), requires_grad=full))
                setattr(m, n + '_b', nn.Parameter(torch.tensor(b), requires_grad=full))
            self.layers.append(m)

    def forward(self, ids, mask):
        B, T = ids.shape
        x = self.word[ids] + self.pos[:T][None] + self.typ
        x = F.layer_norm(x, (H,), self.eln[0], self.eln[1], EPS)
        hd = H // NH
        am = mask[:, None, None, :]
        for m in self.layers:
            q = m.q(x).view(B, T, NH, hd).transpose(1, 2)
            k = m.k(x).view(B, T, NH, hd).transpose(1, 2)
            v = m.v(x).view(B, T, NH, hd).transpose(1, 2)
            ctx = F.scaled_dot_product_attention(q, k, v, attn_mask=am).transpose(1, 2).reshape(B, T, H)
            x = F.layer_norm(x + m.ao(ctx), (H,), m.aln_w, m.aln_b, EPS)
            x = F.layer_norm(x + m.fo(F.gelu(m.fi(x))), (H,), m.oln_w, m.oln_b, EPS)
        mf = mask[..., None].to(x.dtype)
        e = (x * mf).sum(1) / mf.sum(1)
        return F.normalize(e.float(), dim=-1)


def batch(idx):
    T = max(len(docs[i]) for i in idx)
    ids = torch.zeros(len(idx), T, dtype=torch.long)
    mask = torch.zeros(len(idx), T, dtype=torch.bool)
    for r, i in enumerate(idx):
        ids[r, :len(docs[i])] = torch.tensor(docs[i])
        mask[r, :len(docs[i])] = True
    return ids.to(dev), mask.to(dev)


@torch.no_grad()
def embed_all(model, bs=128):
    model.eval()
    order = sorted(range(len(docs)), key=lambda i: len(docs[i]))
    out = torch.zeros(len(docs), H)
    for s in range(0, len(order), bs):
        idx = order[s:s + bs]
        out[idx] = model(*batch(idx)).cpu()
    return out.numpy()


def cosent(cos, y, lam=20.0):
    d = (cos[None, :] - cos[:, None]) * lam  # d[i,j] = cos_j - cos_i
    keep = y[:, None] > y[None, :]  # y_i > y_j: want cos_i > cos_j
    d = d[keep]
    return torch.logsumexp(torch.cat([torch.zeros(1, device=d.device), d]), 0)


CONFIGS = {
    # name: rank, alpha, full, lr, epochs, batch pairs
    'lora8': dict(rank=8, alpha=16, full=False, lr=3e-4, epochs=4, bs=16),
    'lora8e6': dict(rank=8, alpha=16, full=False, lr=3e-4, epochs=6, bs=16),
    'lora4': dict(rank=4, alpha=8, full=False, lr=3e-4, epochs=4, bs=16),
    'lora4ar': dict(rank=4, alpha=8, full=False, lr=3e-4, epochs=4, bs=16, over={'ar-ar': 4}),
    'lora4e8': dict(rank=4, alpha=8, full=False, lr=3e-4, epochs=8, bs=16),
    'full': dict(rank=0, alpha=0, full=True, lr=2e-5, epochs=4, bs=16),
}


def train(train_pairs, cfg, seed):
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    model = E5T(rank=cfg['rank'], alpha=cfg['alpha'], full=cfg['full']).to(dev)
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=cfg['lr'], weight_decay=0.01)
    bs = cfg['bs']
    steps = cfg['epochs'] * math.ceil(len(train_pairs) / bs)
    warm = max(1, steps // 10)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / warm) * max(0.0, (steps - s) / max(1, steps - warm)))
    over = cfg.get('over', {})
    train_pairs = list(train_pairs) + [p for p in train_pairs for _ in range(over.get(p[1], 1) - 1)]
    steps = cfg['epochs'] * math.ceil(len(train_pairs) / bs)
    warm = max(1, steps // 10)
    model.train()
    for ep in range(cfg['epochs']):
        perm = rng.permutation(len(train_pairs))
        tot = 0.0
        for s in range(0, len(perm), bs):
            chunk = [train_pairs[j] for j in perm[s:s + bs]]
            if len(chunk) < 2:
                continue
            idx = [p[4] for p in chunk] + [p[5] for p in chunk]
            with torch.autocast(device_type=dev, dtype=torch.bfloat16, enabled=dev == 'cuda'):
                e = model(*batch(idx))
            n = len(chunk)
            cos = (e[:n] * e[n:]).sum(-1)
            y = torch.tensor([p[2] for p in chunk], device=dev)
            loss = cosent(cos, y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            tot += loss.item()
        log(f'  epoch {ep} loss {tot:.2f}')
    return model


def lora_state(model):
    out = {}
    for li, m in enumerate(model.layers):
        for n in ('q', 'k', 'v', 'ao', 'fi', 'fo'):
            lin = getattr(m, n)
            if lin.rank:
                out[f'l{li}.{n}.A'] = lin.A.detach().cpu().numpy().astype(np.float32)
                out[f'l{li}.{n}.B'] = (lin.B.detach().cpu().numpy() * lin.scale).astype(np.float32)
    return out


def pearson(a, b):
    return float(np.corrcoef(a, b)[0, 1])


# check the port against the Rust engine first
ref = np.array(json.load(open(os.path.join(D, 'ref.json'))))
torch.backends.cuda.matmul.allow_tf32 = False
base = E5T().to(dev)
with torch.no_grad():
    got = base(*batch(list(range(len(ref))))).cpu().numpy()
agree = (got * ref).sum(1)
log('port vs Rust cosines', np.round(agree, 6).tolist())
if agree.min() < 0.999:
    log('PORT MISMATCH: stop')
    sys.exit(1)
E0 = embed_all(base)
np.savez_compressed(os.path.join(OUT, 'emb_base.npz'), emb=E0.astype(np.float16))
del base
gold = np.array([p[2] for p in pairs])
for name in CFGS:
    if time.time() - T0 > BUDGET:
        log('budget spent: skip', name)
        continue
    cfg = CONFIGS[name]
    embs, loras = [], {}
    oof = np.zeros(len(pairs))
    # NESTED=1: the ten adapters each trained without two folds (key '<f><g>'), for the nested cross-fitted CV
    # (`khabar eval semeval --nested-adapters`), instead of the shipped six.
    models = [(f, g) for f in range(5) for g in range(f + 1, 5)] if NESTED else list(range(5)) + ['all']
    for fold in models:
        if time.time() - T0 > BUDGET + 60:
            log('budget spent inside', name)
            break
        held = fold if isinstance(fold, tuple) else () if fold == 'all' else (fold,)
        test_ids = set().union(set(), *[p[6] for p in pairs if p[3] in held])
        tr = [p for p in pairs if p[3] not in held and not (p[6] & test_ids)]
        key = ''.join(str(f) for f in fold) if isinstance(fold, tuple) else fold
        t = time.time()
        model = train(tr, cfg, seed=17 + (fold if fold != 'all' else 9) if not NESTED else 31 + 5 * fold[0] + fold[1])
        E = embed_all(model)
        embs.append(E.astype(np.float16))
        if cfg['rank']:
            for k, v in lora_state(model).items():
                loras[f'{key}.{k}'] = v.astype(np.float16)
        if not NESTED and fold != 'all':
            for k, p in enumerate(pairs):
                if p[3] == fold:
                    oof[k] = float(E[p[4]] @ E[p[5]])
        log(f'{name} fold {fold}: {len(tr)} training pairs, {time.time() - t:.1f}s')
        del model
    sel = lambda lp: [k for k, p in enumerate(pairs) if lp is None or p[1] == lp]  # noqa: E731
    for lp in (None, 'en-en', 'ar-ar') if not NESTED else ():
        ix = sel(lp)
        base_cos = np.array([E0[pairs[k][4]] @ E0[pairs[k][5]] for k in ix])
        log(f'{name} raw cosine Pearson {lp or "all"} ({len(ix)}): fine-tuned OOF {pearson(oof[ix], gold[ix]):.4f}'
            f' base {pearson(base_cos, gold[ix]):.4f}')
    suffix = '_nested' if NESTED else ''
    np.savez_compressed(os.path.join(OUT, f'emb_{name}{suffix}.npz'), emb=np.stack(embs), oof=oof)
    if loras:
        np.savez_compressed(os.path.join(OUT, f'lora_{name}{suffix}.npz'), **loras)
log('done')
