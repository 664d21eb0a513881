"""Is the rule extractor's output unchanged? Dump every claim of a fixed set of inputs, then compare.

For speed work on ``dealweb.extract`` (issues 13 and 16) that must not change a single claim, span or quote:
``dump`` runs :func:`dealweb.extract.ingest.ingest_text` over

* every text of the news cache (every split: ``$DEALWEB_NEWS_CACHE``, ``*.txt``),
* the seed articles (``$DEALWEB_SEEDS`` or ``../shared/seeds`` beside the clone),
* the fixture articles of the tests (``tests/extract_answer_key/articles``),

each as given (format sniffed from its name), as one line (line breaks made spaces), as Markdown, as HTML
(paragraphs in ``<p>``, characters escaped), and all of them joined into one text, once without a ledger and
once with the ledger given by ``--ledger`` (default: the bundled default ledger). It writes one JSON line per
input (its name, the sha256 of the input text and the claims, keys sorted) and prints the number of inputs,
claims and a digest of the whole dump. ``compare A B`` names every input whose claims differ and exits 1 if
any do.

Run (the "before" with the code of another commit, e.g. a worktree of main, and the same ledger folder):

    PYTHONPATH=/path/to/main/src python benchmarks/news_identity.py dump before.jsonl --ledger /tmp/ledger
    python benchmarks/news_identity.py dump after.jsonl --ledger /tmp/ledger
    python benchmarks/news_identity.py compare before.jsonl after.jsonl
"""

from __future__ import annotations

import argparse
import hashlib
import html
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "extract_answer_key" / "articles"


def _inputs(news: Path | None, seeds: Path | None) -> list[tuple[str, str]]:
    """(name, text) of every input file, in a fixed order."""
    out: list[tuple[str, str]] = []
    for label, folder in (("news", news), ("seeds", seeds), ("fixtures", FIXTURES)):
        if folder is None or not folder.is_dir():
            print(f"note: no {label} folder ({folder}); left out", file=sys.stderr)
            continue
        for p in sorted(folder.iterdir()):
            if p.is_file() and p.suffix in (".txt", ".md", ".html", ".htm"):
                out.append((f"{label}/{p.name}", p.read_text(encoding="utf-8")))
    return out


def _variants(name: str, text: str) -> list[tuple[str, str, str, str]]:
    """(label, text, fmt, file name) of each form of one input."""
    stem = name.rsplit(".", 1)[0]
    paras = [p for p in text.split("\n") if p.strip()]
    as_html = "<html><body>\n" + "\n".join(f"<p>{html.escape(p)}</p>" for p in paras) + "\n</body></html>\n"
    return [
        (f"{name}", text, "auto", name),
        (f"{name}#oneline", " ".join(text.split("\n")), "plain", stem + ".txt"),
        (f"{name}#markdown", text, "markdown", stem + ".md"),
        (f"{name}#html", as_html, "html", stem + ".html"),
    ]


def dump(out: Path, news: Path | None, seeds: Path | None, ledger_spec: str | None) -> dict[str, Any]:
    """Write the claims of every input and form, without and with the ledger; counts and digest."""
    from dealweb.extract.ingest import ingest_text
    from dealweb.extract.mentions import EntityIndex
    from dealweb.ledger.load import load_ledger

    files = _inputs(news, seeds)
    forms = [v for name, text in files for v in _variants(name, text)]
    forms.append(("all-in-one", "\n\n".join(t for _, t in files), "plain", "all.txt"))
    ledger = load_ledger(ledger_spec).ledger
    total = hashlib.sha256()
    n_claims = 0
    cpu = time.process_time()
    tmp = out.with_name(out.name + ".part")
    with tmp.open("w", encoding="utf-8") as fh:
        for tag, led in (("no-ledger", None), ("ledger", ledger)):
            index = EntityIndex(led)
            for label, text, fmt, fname in forms:
                claims = ingest_text(text, document="doc", ledger=led, fmt=fmt, name=fname, index=index)
                n_claims += len(claims)
                line = json.dumps({"input": f"{tag}:{label}", "sha256": hashlib.sha256(text.encode()).hexdigest(),
                                   "claims": claims}, ensure_ascii=False, sort_keys=True, default=str)
                total.update(line.encode())
                fh.write(line + "\n")
    os.replace(tmp, out)
    return {"inputs": 2 * len(forms), "files": len(files), "claims": n_claims, "digest": total.hexdigest()[:16],
            "cpu_s": round(time.process_time() - cpu, 1)}


def compare(a: Path, b: Path) -> int:
    """Print each input whose claims differ between two dumps; 0 when none does."""
    def rows(p: Path) -> dict[str, dict[str, Any]]:
        return {r["input"]: r for r in map(json.loads, p.read_text(encoding="utf-8").splitlines())}

    ra, rb = rows(a), rows(b)
    bad = 0
    for key in sorted(set(ra) | set(rb)):
        x, y = ra.get(key), rb.get(key)
        if x is None or y is None:
            print(f"{key}: only in {'B' if x is None else 'A'}")
            bad += 1
        elif x["sha256"] != y["sha256"]:
            print(f"{key}: the input text differs (not the same corpus)")
            bad += 1
        elif x["claims"] != y["claims"]:
            bad += 1
            ca, cb = x["claims"], y["claims"]
            print(f"{key}: {len(ca)} vs {len(cb)} claims")
            for i in range(max(len(ca), len(cb))):
                u = ca[i] if i < len(ca) else None
                v = cb[i] if i < len(cb) else None
                if u != v:
                    print(f"  first difference at claim {i}:\n    A {json.dumps(u, ensure_ascii=False)[:400]}\n"
                          f"    B {json.dumps(v, ensure_ascii=False)[:400]}")
                    break
    n = sum(len(r["claims"]) for r in ra.values())
    print(f"{len(ra)} inputs, {n} claims in A; {bad} inputs differ")
    return 1 if bad else 0


def main(argv: list[str] | None = None) -> int:
    """``dump OUT`` or ``compare A B``."""
    ap = argparse.ArgumentParser(description="Dump the rule extractor's claims over the news cache, seeds and "
                                             "fixtures, or compare two dumps.",
                                 epilog="example: python benchmarks/news_identity.py compare before.jsonl "
                                        "after.jsonl")
    sub = ap.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("dump", help="write the claims of every input (JSON lines)")
    d.add_argument("out", type=Path)
    d.add_argument("--news", type=Path, default=Path(os.environ["DEALWEB_NEWS_CACHE"])
                   if os.environ.get("DEALWEB_NEWS_CACHE") else Path.home() / ".cache" / "dealweb" / "news")
    d.add_argument("--seeds", type=Path, default=Path(os.environ.get("DEALWEB_SEEDS") or ROOT.parent / "shared"
                                                      / "seeds"))
    d.add_argument("--ledger", default=None, help="ledger folder or bundled name (default: the default bundled)")
    d.add_argument("--json", action="store_true")
    c = sub.add_parser("compare", help="name the inputs whose claims differ")
    c.add_argument("a", type=Path)
    c.add_argument("b", type=Path)
    args = ap.parse_args(argv)
    if args.cmd == "compare":
        return compare(args.a, args.b)
    res = dump(args.out, args.news, args.seeds, args.ledger)
    if args.json:
        print(json.dumps(res, sort_keys=True))
    else:
        print(f"{res['files']} files, {res['inputs']} inputs, {res['claims']} claims, digest {res['digest']} "
              f"({res['cpu_s']} CPU s) -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
