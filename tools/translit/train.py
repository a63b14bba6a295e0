#!/usr/bin/env python3
"""Trains khabar's neural Arabic→Latin name transliterator (a small character transformer) with PyTorch.

Dev-time tool, not part of setup: the product loads the weights this writes (``translit.safetensors`` +
``translit.json``) from Rust (crates/khabar-entities/src/neural.rs) and never needs Python or PyTorch.

Data: ``ar2en-train.txt`` only. A fixed 5% of it (by a hash of the Arabic form) is held out as a dev set for picking
the checkpoint; the eval file is never read here.

    python3 tools/translit/train.py --train ../shared/eval/translit/ar2en-train.txt --out OUT [--seed 1] [--d 256]

With ``--reverse`` it trains the Latin→Arabic direction instead, on the same split: khabar ships that one under
``models/translit/reverse/`` as a channel model, log p(arabic | latin), another re-ranking feature. The shipped one
was trained on a 2-core CPU in 45 minutes (146 epochs):

    python3 tools/translit/train.py --train ../shared/eval/translit/ar2en-train.txt --out OUT --reverse \
        --d 128 --ff 512 --seed 21 --threads 2 --max-seconds 2700

The architecture is written out with plain tensor ops (no nn.Transformer) so that the Rust forward pass mirrors it
line for line: pre-layer-norm encoder/decoder, sinusoidal positions, ReLU feed-forward, separate output projection.
"""
import argparse, hashlib, json, math, os, random, time

import torch
import torch.nn as nn
import torch.nn.functional as F

PAD, BOS, EOS, UNK = 0, 1, 2, 3
SPECIALS = ["<pad>", "<bos>", "<eos>", "<unk>"]


def clean_ar(s):
    """Drops tatweel, harakat and zero-width/bidi marks; the Rust side does the same (neural.rs: clean_arabic)."""
    out = []
    for c in s:
        o = ord(c)
        if c == "\u0640" or 0x064B <= o <= 0x065F or o == 0x0670 or 0x200B <= o <= 0x200F or 0x202A <= o <= 0x202E:
            continue
        out.append(c)
    return "".join(out)


def read_pairs(path):
    pairs = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 2:
                continue
            a, e = clean_ar(parts[0].strip()), parts[1].strip().lower()
            if a and e:
                pairs.append((a, e))
    return pairs


def is_dev(arabic):
    return hashlib.sha1(arabic.encode("utf-8")).digest()[0] < 13  # ~5%


def sinusoid(n, d):
    pos = torch.arange(n, dtype=torch.float32)[:, None]
    i = torch.arange(0, d, 2, dtype=torch.float32)[None, :]
    ang = pos / torch.pow(10000.0, i / d)
    pe = torch.zeros(n, d)
    pe[:, 0::2] = torch.sin(ang)
    pe[:, 1::2] = torch.cos(ang)
    return pe


class Attn(nn.Module):
    def __init__(self, d, h, drop):
        super().__init__()
        self.h, self.dk = h, d // h
        self.q, self.k, self.v, self.o = (nn.Linear(d, d) for _ in range(4))
        self.drop = drop

    def forward(self, x, mem, mask):
        b, n, d = x.shape
        m = mem.shape[1]
        q = self.q(x).view(b, n, self.h, self.dk).transpose(1, 2)
        k = self.k(mem).view(b, m, self.h, self.dk).transpose(1, 2)
        v = self.v(mem).view(b, m, self.h, self.dk).transpose(1, 2)
        s = (q @ k.transpose(-1, -2)) / math.sqrt(self.dk)
        s = s.masked_fill(~mask, float("-inf"))
        p = F.dropout(torch.softmax(s, -1), self.drop, self.training)
        return self.o((p @ v).transpose(1, 2).reshape(b, n, d))


class FF(nn.Module):
    def __init__(self, d, ff, drop):
        super().__init__()
        self.a, self.b, self.drop = nn.Linear(d, ff), nn.Linear(ff, d), drop

    def forward(self, x):
        return self.b(F.dropout(F.relu(self.a(x)), self.drop, self.training))


class EncLayer(nn.Module):
    def __init__(self, d, h, ff, drop):
        super().__init__()
        self.ln1, self.att, self.ln2, self.ff, self.drop = nn.LayerNorm(d), Attn(d, h, drop), nn.LayerNorm(d), FF(d, ff, drop), drop

    def forward(self, x, mask):
        y = self.ln1(x)
        x = x + F.dropout(self.att(y, y, mask), self.drop, self.training)
        return x + F.dropout(self.ff(self.ln2(x)), self.drop, self.training)


class DecLayer(nn.Module):
    def __init__(self, d, h, ff, drop):
        super().__init__()
        self.ln1, self.self_att = nn.LayerNorm(d), Attn(d, h, drop)
        self.ln2, self.cross = nn.LayerNorm(d), Attn(d, h, drop)
        self.ln3, self.ff, self.drop = nn.LayerNorm(d), FF(d, ff, drop), drop

    def forward(self, x, mem, self_mask, mem_mask):
        y = self.ln1(x)
        x = x + F.dropout(self.self_att(y, y, self_mask), self.drop, self.training)
        x = x + F.dropout(self.cross(self.ln2(x), mem, mem_mask), self.drop, self.training)
        return x + F.dropout(self.ff(self.ln3(x)), self.drop, self.training)


class Model(nn.Module):
    def __init__(self, n_src, n_tgt, d, h, ff, layers, drop, max_len=64):
        super().__init__()
        self.d = d
        self.src_emb, self.tgt_emb = nn.Embedding(n_src, d), nn.Embedding(n_tgt, d)
        self.register_buffer("pe", sinusoid(max_len, d), persistent=False)
        self.enc = nn.ModuleList(EncLayer(d, h, ff, drop) for _ in range(layers))
        self.dec = nn.ModuleList(DecLayer(d, h, ff, drop) for _ in range(layers))
        self.enc_ln, self.dec_ln = nn.LayerNorm(d), nn.LayerNorm(d)
        self.out = nn.Linear(d, n_tgt)
        self.drop = drop

    def encode(self, src):
        mask = (src != PAD)[:, None, None, :]
        x = self.src_emb(src) * math.sqrt(self.d) + self.pe[: src.shape[1]]
        x = F.dropout(x, self.drop, self.training)
        for l in self.enc:
            x = l(x, mask)
        return self.enc_ln(x), mask

    def decode(self, tgt_in, mem, mem_mask):
        n = tgt_in.shape[1]
        causal = torch.tril(torch.ones(n, n, dtype=torch.bool, device=tgt_in.device))[None, None]
        x = self.tgt_emb(tgt_in) * math.sqrt(self.d) + self.pe[:n]
        x = F.dropout(x, self.drop, self.training)
        for l in self.dec:
            x = l(x, mem, causal, mem_mask)
        return self.out(self.dec_ln(x))


def batches(data, bs, shuffle):
    idx = list(range(len(data)))
    if shuffle:
        random.shuffle(idx)
    for i in range(0, len(idx), bs):
        yield [data[j] for j in idx[i : i + bs]]


def pad(seqs, dev):
    n = max(len(s) for s in seqs)
    return torch.tensor([s + [PAD] * (n - len(s)) for s in seqs], device=dev)


@torch.no_grad()
def beam(model, src_ids, dev, k=8, max_len=24):
    """Beam search for one input; returns [(ids, logprob)] best first (finished hypotheses, summed log-probs)."""
    src = torch.tensor([src_ids], device=dev)
    mem, mask = model.encode(src)
    hyps = [([BOS], 0.0)]
    done = []
    for _ in range(max_len):
        tgt = torch.tensor([h for h, _ in hyps], device=dev)
        logp = torch.log_softmax(model.decode(tgt, mem.expand(len(hyps), -1, -1), mask.expand(len(hyps), -1, -1, -1))[:, -1], -1)
        cand = []
        for i, (h, s) in enumerate(hyps):
            top = torch.topk(logp[i], k)
            for lp, t in zip(top.values.tolist(), top.indices.tolist()):
                cand.append((h + [t], s + lp))
        cand.sort(key=lambda c: -c[1])
        hyps = []
        for h, s in cand:
            if h[-1] == EOS:
                done.append((h[1:-1], s))
            elif h[-1] not in (PAD, BOS, UNK):
                hyps.append((h, s))
            if len(hyps) == k:
                break
        if not hyps or (len(done) >= k and done and max(s for _, s in done) >= hyps[0][1]):
            break
    done.sort(key=lambda c: -c[1])
    return done[:k]


@torch.no_grad()
def greedy_batch(model, srcs, dev, max_len=24):
    src = pad(srcs, dev)
    mem, mask = model.encode(src)
    out = torch.full((len(srcs), 1), BOS, device=dev)
    fin = torch.zeros(len(srcs), dtype=torch.bool, device=dev)
    for _ in range(max_len):
        nxt = model.decode(out, mem, mask)[:, -1].argmax(-1)
        nxt = torch.where(fin, torch.full_like(nxt, PAD), nxt)
        out = torch.cat([out, nxt[:, None]], 1)
        fin |= nxt == EOS
        if fin.all():
            break
    res = []
    for row in out[:, 1:].tolist():
        ids = []
        for t in row:
            if t in (EOS, PAD):
                break
            ids.append(t)
        res.append(ids)
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--train", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--d", type=int, default=256)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--ff", type=int, default=1024)
    ap.add_argument("--layers", type=int, default=3)
    ap.add_argument("--dropout", type=float, default=0.3)
    ap.add_argument("--smoothing", type=float, default=0.1)
    ap.add_argument("--epochs", type=int, default=200)
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--warmup", type=int, default=1000)
    ap.add_argument("--eval-every", type=int, default=10)
    ap.add_argument("--full", action="store_true", help="also train on the dev split (for the final epochs count)")
    ap.add_argument("--init", help="start from the weights of an earlier run's output dir (same vocabulary and shape)")
    ap.add_argument("--step-offset", type=int, default=0, help="resume the learning-rate schedule at this step")
    ap.add_argument("--max-seconds", type=float, default=1e9, help="stop training after this long, keeping the best")
    ap.add_argument("--reverse", action="store_true", help="train the Latin→Arabic direction (a channel model for re-ranking)")
    ap.add_argument("--threads", type=int, default=0, help="CPU threads (0: PyTorch's default)")
    a = ap.parse_args()
    random.seed(a.seed)
    torch.manual_seed(a.seed)
    dev = "cuda" if torch.cuda.is_available() else "cpu"

    if a.threads:
        torch.set_num_threads(a.threads)
    pairs = read_pairs(a.train)
    # The dev split is always chosen by the Arabic form, so both directions hold out the same names.
    train = [p for p in pairs if a.full or not is_dev(p[0])]
    dev_pairs = [p for p in pairs if is_dev(p[0])]
    if a.reverse:
        pairs, train, dev_pairs = ([(t, s) for s, t in ps] for ps in (pairs, train, dev_pairs))
    src_chars = sorted({c for s, _ in pairs for c in s})
    tgt_chars = sorted({c for _, t in pairs for c in t})
    src_vocab = SPECIALS + src_chars
    tgt_vocab = SPECIALS + tgt_chars
    si = {c: i for i, c in enumerate(src_vocab)}
    ti = {c: i for i, c in enumerate(tgt_vocab)}
    enc_src = lambda s: [si.get(c, UNK) for c in s]
    enc_tgt = lambda t: [ti.get(c, UNK) for c in t]
    data = [(enc_src(s), [BOS] + enc_tgt(t) + [EOS]) for s, t in train]

    model = Model(len(src_vocab), len(tgt_vocab), a.d, a.heads, a.ff, a.layers, a.dropout).to(dev)
    if a.init:
        from safetensors.torch import load_file

        init = load_file(os.path.join(a.init, "translit.safetensors"))
        model.load_state_dict({k: v.float() for k, v in init.items()})
    opt = torch.optim.AdamW(model.parameters(), lr=a.lr, betas=(0.9, 0.98), weight_decay=0.01)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda st: min((st + a.step_offset + 1) / a.warmup, math.sqrt(a.warmup / (st + a.step_offset + 1)))
    )
    nparams = sum(p.numel() for p in model.parameters())
    print(f"device {dev}  params {nparams}  train {len(train)}  dev {len(dev_pairs)}", flush=True)

    def dev_acc():
        model.eval()
        hits = 0
        for chunk in batches(dev_pairs, 512, False):
            outs = greedy_batch(model, [enc_src(s) for s, _ in chunk], dev)
            hits += sum("".join(tgt_vocab[i] for i in o) == t for o, (_, t) in zip(outs, chunk))
        model.train()
        return hits / max(1, len(dev_pairs))

    best, best_state, best_epoch, t0 = -1.0, None, 0, time.time()
    for ep in range(1, a.epochs + 1):
        tot = 0.0
        for b in batches(data, a.batch, True):
            src = pad([s for s, _ in b], dev)
            tgt = pad([t for _, t in b], dev)
            mem, mask = model.encode(src)
            logits = model.decode(tgt[:, :-1], mem, mask)
            loss = F.cross_entropy(
                logits.reshape(-1, logits.shape[-1]), tgt[:, 1:].reshape(-1), ignore_index=PAD, label_smoothing=a.smoothing
            )
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            tot += loss.item()
        over = time.time() - t0 > a.max_seconds
        if ep % a.eval_every == 0 or ep == a.epochs or over:
            acc = dev_acc()
            print(f"epoch {ep}  loss {tot:.1f}  dev greedy top-1 {acc:.4f}  {time.time() - t0:.0f}s", flush=True)
            if acc > best or a.full:
                best, best_epoch = acc, ep
                best_state = {k: v.detach().cpu().clone() for k, v in model.state_dict().items()}
        if over:
            print(f"stopping after {ep} epochs: time budget", flush=True)
            break

    # Stored as float16; the dev beams below are computed on the CPU with the same rounded weights, in float32,
    # which is what the Rust port computes.
    best_state = {k: v.half() for k, v in best_state.items()}
    model = model.cpu().float()
    model.load_state_dict({k: v.float() for k, v in best_state.items()})
    model.eval()
    dev = "cpu"
    torch.set_num_threads(2)
    os.makedirs(a.out, exist_ok=True)
    from safetensors.torch import save_file

    save_file({k: v.contiguous() for k, v in best_state.items()}, os.path.join(a.out, "translit.safetensors"))
    # Beam outputs on the dev split: the Rust port's parity check and the re-ranker's tuning data.
    hits1 = hits10 = 0
    parity = []
    for s, t in dev_pairs:
        hyps = beam(model, enc_src(s), dev)
        forms = ["".join(tgt_vocab[i] for i in h) for h, _ in hyps]
        hits1 += bool(forms) and forms[0] == t
        hits10 += t in forms[:10]
        # Keys name the scripts: with --reverse the source is the Latin name and the beam holds Arabic forms.
        ar, lat = (t, s) if a.reverse else (s, t)
        parity.append({"arabic": ar, "latin": lat, "beam": [[f, lp] for f, (_, lp) in zip(forms, hyps)]})
    meta = {
        "format": "khabar-translit-transformer-v1",
        "direction": "latin-to-arabic" if a.reverse else "arabic-to-latin",
        "d": a.d, "heads": a.heads, "ff": a.ff, "layers": a.layers, "max_len": 64,
        "src_vocab": src_vocab, "tgt_vocab": tgt_vocab,
        "trained_on": os.path.basename(a.train), "dev_split": "sha1(arabic)[0] < 13", "full": a.full,
        "seed": a.seed, "epochs": a.epochs, "best_epoch": best_epoch, "params": nparams,
        "dev_greedy_top1": best, "dev_beam_top1": hits1 / max(1, len(dev_pairs)), "dev_beam_top10": hits10 / max(1, len(dev_pairs)),
        "dropout": a.dropout, "smoothing": a.smoothing, "batch": a.batch, "lr": a.lr, "warmup": a.warmup,
    }
    with open(os.path.join(a.out, "translit.json"), "w", encoding="utf-8") as f:
        json.dump(meta, f, ensure_ascii=False, indent=1)
    with open(os.path.join(a.out, "dev_beam.jsonl"), "w", encoding="utf-8") as f:
        for p in parity:
            f.write(json.dumps(p, ensure_ascii=False) + "\n")
    print(json.dumps({k: meta[k] for k in ("params", "best_epoch", "dev_greedy_top1", "dev_beam_top1", "dev_beam_top10")}), flush=True)


if __name__ == "__main__":
    main()
