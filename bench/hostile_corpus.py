#!/usr/bin/env python3
"""Generates a hostile ingest corpus (never checked in) plus a manifest of the valid articles in it.

    python3 bench/hostile_corpus.py OUT_DIR [--n 10000] [--big 3] [--seed 7]

Writes OUT_DIR/inputs/ (the files to ingest) and OUT_DIR/manifest.jsonl: one line per input file,
{"path": relative path, "kind": what it is, "valid_ids": [article ids that must be stored]}.

Valid articles are built from paragraphs of the real samples (../shared/samples): each has a unique title and a
shuffled subset of one sample's paragraphs, as .txt, as well-formed UTF-8 HTML, or as good lines inside a JSONL
file full of bad lines. Everything else is hostile: invalid UTF-8, windows-1256 Arabic labelled utf-8, 50 MB
pages, 100k-level nesting, comment/CDATA/script tricks, bidi overrides and zero-width characters, NUL bytes,
1 MB single lines, empty and binary files, truncated feeds, UTF-16. Python stdlib only; deterministic per seed.
"""

import argparse
import json
import os
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_SAMPLES = HERE.parent.parent / "shared" / "samples"

# kind -> weight (per 100 inputs); the rare heavy kinds are added by count below.
WEIGHTS = {
    "valid_txt": 14,
    "valid_html": 12,
    "jsonl_mixed": 6,  # good lines (valid ids) mixed with bad ones
    "invalid_utf8": 7,
    "cp1256_as_utf8": 6,
    "html_tricks": 9,
    "bidi_zero_width": 7,
    "nul_bytes": 5,
    "empty": 6,
    "binary": 6,
    "truncated_feed": 6,
    "valid_feed": 3,
    "utf16": 3,
    "control_chars": 4,
    "markup_only": 4,
    "one_mb_line": 1,
    "deep_nested": 1,
}

ZW = ["\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\ufeff", "\u2060"]
BIDI = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]


def load_paragraphs(samples):
    docs = []
    for path in sorted(Path(samples).glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        paras = [p.strip() for p in text.split("\n") if len(p.strip()) > 80]
        if paras:
            arabic = sum("\u0600" <= ch <= "\u06ff" for ch in text) > len(text) // 4
            docs.append({"lang": "ar" if arabic else "en", "paras": paras})
    if not docs:
        sys.exit(f"no sample paragraphs under {samples}")
    return docs


class Gen:
    def __init__(self, out, samples, seed):
        self.rng = random.Random(seed)
        self.docs = load_paragraphs(samples)
        self.out = Path(out)
        self.inputs = self.out / "inputs"
        self.inputs.mkdir(parents=True, exist_ok=True)
        self.manifest = open(self.out / "manifest.jsonl", "w", encoding="utf-8")
        self.count = 0

    def emit(self, kind, ext, data, valid_ids=()):
        # Shard into sub-directories so no directory holds thousands of files.
        sub = f"{self.count // 500:03d}"
        name = f"{kind}-{self.count:06d}.{ext}"
        rel = f"{sub}/{name}"
        path = self.inputs / rel
        path.parent.mkdir(exist_ok=True)
        with open(path, "wb") as f:
            if isinstance(data, (bytes, bytearray)):
                f.write(data)
            else:
                for chunk in data:  # an iterator of byte chunks (the 50 MB pages)
                    f.write(chunk)
        self.manifest.write(json.dumps({"path": rel, "kind": kind, "valid_ids": list(valid_ids)}) + "\n")
        self.count += 1
        return name

    def next_name(self, kind, ext):
        return f"{kind}-{self.count:06d}.{ext}"

    # ---- real-shaped text -------------------------------------------------------------------------------------

    def article(self, lang=None):
        pool = [d for d in self.docs if lang is None or d["lang"] == lang] or self.docs
        doc = self.rng.choice(pool)
        k = min(len(doc["paras"]), self.rng.randint(3, 6))
        paras = self.rng.sample(doc["paras"], k)
        n = self.rng.randint(1, 10**9)
        if doc["lang"] == "ar":
            title = f"تقرير رقم {n}: " + paras[0][:60]
        else:
            title = f"Dispatch {n}: " + paras[0][:60]
        return doc["lang"], title, paras

    def paragraph(self, lang=None):
        return self.article(lang)[2][0]

    # ---- kinds ------------------------------------------------------------------------------------------------

    def valid_txt(self):
        _, title, paras = self.article()
        name = self.next_name("valid_txt", "txt")
        self.emit("valid_txt", "txt", (title + "\n\n" + "\n\n".join(paras) + "\n").encode(), [name])

    def valid_html(self):
        lang, title, paras = self.article()
        direction = "rtl" if lang == "ar" else "ltr"
        body = "".join(f"<p>{escape(p)}</p>\n" for p in paras)
        html = (
            f'<!DOCTYPE html><html lang="{lang}" dir="{direction}"><head><meta charset="utf-8">'
            f"<title>{escape(title)}</title></head><body>"
            '<nav><a href="/">Home</a> | <a href="/world">World</a> | <a href="/sport">Sport</a></nav>'
            f"<article><h1>{escape(title)}</h1>{body}</article>"
            "<footer>© 2019 Example News. All rights reserved. <a href='/privacy'>Privacy</a></footer>"
            "</body></html>"
        )
        name = self.next_name("valid_html", "html")
        self.emit("valid_html", "html", html.encode(), [name])

    def jsonl_mixed(self):
        lines, valid = [], []
        base = self.count
        for j in range(self.rng.randint(4, 10)):
            r = self.rng.random()
            if r < 0.45:
                _, title, paras = self.article()
                aid = f"jl-{base}-{j}"
                rec = {"id": aid, "title": title, "text": "\n\n".join(paras), "published": "2019-03-12"}
                if self.rng.random() < 0.3:
                    rec = {"id": aid, "title": title, "html": "".join(f"<p>{escape(p)}</p>" for p in paras)}
                lines.append(json.dumps(rec, ensure_ascii=self.rng.random() < 0.5).encode())
                valid.append(aid)
            else:
                lines.append(self.rng.choice(BAD_JSONL_LINES)(self))
        self.emit("jsonl_mixed", "jsonl", b"\n".join(lines) + b"\n", valid)

    def invalid_utf8(self):
        text = self.paragraph().encode()
        out = bytearray()
        for i in range(0, len(text), 40):
            out += text[i : i + 40]
            out += self.rng.choice([b"\xff", b"\xc3\x28", b"\xe2\x82", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80", b"\x80"])
        self.emit("invalid_utf8", self.rng.choice(["txt", "html"]), bytes(out))

    def cp1256_as_utf8(self):
        _, title, paras = self.article("ar")
        html = (
            '<html><head><meta charset="utf-8"><meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
            f"<title>{title}</title></head><body><article>"
            + "".join(f"<p>{p}</p>" for p in paras)
            + "</article></body></html>"
        )
        self.emit("cp1256_as_utf8", "html", html.encode("cp1256", errors="replace"))

    def html_tricks(self):
        lang, title, paras = self.article()
        tricks = [
            "<!-- </p></article><p>COMMENTED OUT must not appear</p> -->",
            "<![CDATA[ </div> CDATA text ]]>",
            "<script>var s = '</div><p>script text</p>'; if (a < b && c > d) {}</script>",
            "<script><!-- document.write('<p>old trick</p>') --></script>",
            "<style>p::after{content:'</p>'}</style>",
            "<!--[if IE]><p>conditional comment</p><![endif]-->",
            "<!-->",
            "<!--->",
            "<textarea></p><p>textarea text</textarea>",
            "<noscript><p>enable javascript</p></noscript>",
            "<?xml version='1.0'?>",
            "<p <p <p>>>",
            "<template><p>template content</p></template>",
            "&#0; &#xD800; &#x110000; &#99999999999; &amp &lt &gt &nbsp;",
            "<svg><script>alert(1)</script><title>svg title</title></svg>",
            "<iframe srcdoc='<p>inner</p>'></iframe>",
        ]
        self.rng.shuffle(tricks)
        body = ""
        for p in paras:
            body += f"<p>{escape(p)}</p>" + self.rng.choice(tricks)
        if self.rng.random() < 0.3:
            body += "<!-- unterminated comment swallowing the rest " + "x" * 1000
        if self.rng.random() < 0.3:
            body += "<script>never closed " + "y" * 1000
        html = f"<html><head><title>{escape(title)}</title></head><body><article>{body}</article></body></html>"
        self.emit("html_tricks", "html", html.encode())

    def bidi_zero_width(self):
        _, title, paras = self.article()
        out = []
        for ch in (title + "\n\n" + "\n\n".join(paras)):
            out.append(ch)
            if self.rng.random() < 0.08:
                out.append(self.rng.choice(ZW + BIDI))
        text = "\u202e" + "".join(out) + "\u202c\u2066\u2067"
        self.emit("bidi_zero_width", self.rng.choice(["txt", "html"]), text.encode())

    def nul_bytes(self):
        text = self.paragraph().encode()
        pos = sorted(self.rng.sample(range(len(text)), min(len(text), self.rng.randint(1, 20))))
        out = bytearray(text)
        for p in reversed(pos):
            out[p:p] = b"\x00"
        self.emit("nul_bytes", self.rng.choice(["txt", "html", "jsonl"]), bytes(out))

    def empty(self):
        data = self.rng.choice([b"", b"   \n\t\r\n ", b"\xef\xbb\xbf", b"\n" * 1000, b"<html></html>", b"{}\n", b"\xef\xbb\xbf  \n"])
        self.emit("empty", self.rng.choice(["txt", "html", "jsonl", "xml", "dat"]), data)

    def binary(self):
        choice = self.rng.randrange(4)
        if choice == 0:
            data = bytes(self.rng.getrandbits(8) for _ in range(self.rng.randint(16, 20000)))
        elif choice == 1:
            data = b"\x89PNG\r\n\x1a\n" + bytes(self.rng.getrandbits(8) for _ in range(2000))
        elif choice == 2:
            data = b"\x1f\x8b\x08\x00" + bytes(self.rng.getrandbits(8) for _ in range(3000))
        else:
            data = b"%PDF-1.4\n" + bytes(self.rng.getrandbits(8) for _ in range(3000))
        self.emit("binary", self.rng.choice(["txt", "html", "jsonl", "bin", "xml"]), data)

    def feed(self):
        items = []
        for _ in range(self.rng.randint(2, 5)):
            _, title, paras = self.article()
            items.append(
                f"<item><title>{escape(title)}</title><link>https://example.org/{self.rng.randint(1, 10**9)}</link>"
                f"<pubDate>Tue, 12 Mar 2019 10:00:00 GMT</pubDate>"
                f"<description>{escape(''.join(f'<p>{p}</p>' for p in paras))}</description></item>"
            )
        return (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Example</title>'
            + "".join(items)
            + "</channel></rss>"
        ).encode()

    def truncated_feed(self):
        data = self.feed()
        self.emit("truncated_feed", self.rng.choice(["xml", "rss"]), data[: self.rng.randint(1, len(data) - 1)])

    def valid_feed(self):
        # Items of a whole feed are expected to be read; their ids are the reader's, so not listed as valid ids.
        self.emit("valid_feed", "xml", self.feed())

    def utf16(self):
        text = "\n\n".join(self.article()[2])
        self.emit("utf16", "txt", text.encode("utf-16"))

    def control_chars(self):
        text = self.paragraph()
        out = "".join(ch + (chr(self.rng.choice([1, 2, 7, 8, 11, 12, 27, 127])) if self.rng.random() < 0.05 else "") for ch in text)
        self.emit("control_chars", "txt", out.encode())

    def markup_only(self):
        data = self.rng.choice(
            [
                "<html><head><script>var a=1;</script><style>p{}</style></head><body><div><div></div></div></body></html>",
                "<" * 5000,
                ">" * 5000,
                "<!--" + "-" * 5000,
                "&" * 3000 + ";" * 3000,
                "<p>" * 20000,
                "</p>" * 20000,
            ]
        )
        self.emit("markup_only", "html", data.encode())

    def one_mb_line(self):
        words = " ".join(self.article()[2]).replace("\n", " ").split()
        out, size = [], 0
        while size < 1 << 20:
            w = self.rng.choice(words)
            out.append(w)
            size += len(w.encode()) + 1
        self.emit("one_mb_line", "txt", " ".join(out).encode())

    def deep_nested(self, depth=100_000):
        para = escape(self.paragraph())
        tag = self.rng.choice(["div", "span", "b", "table", "li", "mixed"])
        if tag == "mixed":
            opens = "".join(self.rng.choice(["<div>", "<b>", "<i>", "<p>", "<span>"]) for _ in range(depth))
            closes = ""
        else:
            opens, closes = f"<{tag}>" * depth, f"</{tag}>" * (depth if self.rng.random() < 0.5 else 0)
        html = f"<html><body>{opens}<p>{para}</p>{closes}</body></html>"
        self.emit("deep_nested", "html", html.encode())

    def huge(self, size=50 << 20):
        lang, title, paras = self.article()
        shape = self.rng.randrange(3)

        def chunks():
            yield f"<html><head><meta charset='utf-8'><title>{escape(title)}</title></head><body><article>".encode()
            written = 0
            while written < size:
                if shape == 0:
                    c = "".join(f"<p>{escape(p)}</p>" for p in paras).encode()
                elif shape == 1:
                    c = ("<div><span>" + escape(paras[0]) + "</span></div>").encode() * 50
                else:
                    c = escape(" ".join(paras)).encode()  # one giant text node
                written += len(c)
                yield c
            yield b"</article></body></html>"

        self.emit("huge_50mb", "html", chunks())


def escape(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


BAD_JSONL_LINES = [
    lambda g: b"{not json at all",
    lambda g: b"[1, 2, 3]",
    lambda g: b'"just a string"',
    lambda g: b'{"id": "no-body", "title": "No text or html"}',
    lambda g: b'{"id": 5, "text": 12345}',
    lambda g: b'{"text": "\\ud800 lone surrogate"}',
    lambda g: b'{"id": "bad-utf8", "text": "\xff\xfe broken"}',
    lambda g: b"[" * 100_000 + b"]" * 100_000,
    lambda g: b'{"id": "' + b"x" * 100_000 + b'", "text": ""}',
    lambda g: b'{"id": "trunc", "text": "cut off here',
    lambda g: b"null",
    lambda g: b'{"id": "nul", "text": "a\x00b"}',
    lambda g: b'{"id": "num", "text": "x", "published": 1e999}',
    lambda g: b"\xef\xbb\xbf{}",
    lambda g: b" ",
]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", help="output directory (inputs/ and manifest.jsonl are written in it)")
    ap.add_argument("--n", type=int, default=10_000, help="number of input files (default 10000)")
    ap.add_argument("--big", type=int, default=None, help="number of 50 MB pages (default 3, 0 when --n < 1000)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--samples", default=os.environ.get("KHABAR_SAMPLES", str(DEFAULT_SAMPLES)))
    args = ap.parse_args()
    big = args.big if args.big is not None else (3 if args.n >= 1000 else 0)

    g = Gen(args.out, args.samples, args.seed)
    kinds = list(WEIGHTS)
    weights = [WEIGHTS[k] for k in kinds]
    # Guarantee every kind at least once when n allows, then draw the rest by weight.
    plan = ["huge"] * min(big, args.n)
    plan += kinds[: max(0, min(len(kinds), args.n - len(plan)))]
    plan += g.rng.choices(kinds, weights, k=max(0, args.n - len(plan)))
    g.rng.shuffle(plan)
    for kind in plan:
        getattr(g, kind)()
    g.manifest.close()
    valid = sum(len(json.loads(l)["valid_ids"]) for l in open(Path(args.out) / "manifest.jsonl", encoding="utf-8"))
    print(f"hostile corpus: {g.count} inputs ({valid} valid articles) in {g.inputs}", file=sys.stderr)


if __name__ == "__main__":
    main()
