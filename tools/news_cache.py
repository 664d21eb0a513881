"""Rebuild and check the local cache of the real-news corpus (issue 13).

Article texts are third-party prose and are never committed. The repository holds only
``benchmarks/news_corpus/manifest.json`` (address, outlet, language, sha256 of the UTF-8 text, split, and
annotations with quotes and spans). This tool puts the texts back where the quality benchmark reads them:

    python tools/news_cache.py build --from ~/news-texts            # any file names: matched by sha256
    python tools/news_cache.py check                                 # every cached text against its hash
    python tools/news_cache.py check --json                          # {"ok": [...], "missing": [...], "bad": [...]}

``build`` reads every ``*.txt`` file under ``--from`` (recursively), matches each to a manifest article by
the sha256 of its bytes, and writes it to ``<cache>/<id>.txt`` atomically (a temporary file renamed into
place). The default cache is ``$DEALWEB_NEWS_CACHE`` or ``~/.cache/dealweb/news``. ``check`` exits 1 when
an article is missing or its bytes do not hash to the manifest's value, naming the file and the hint.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = ROOT / "benchmarks" / "news_corpus" / "manifest.json"


def default_cache() -> Path:
    """``$DEALWEB_NEWS_CACHE`` or ``~/.cache/dealweb/news``."""
    env = os.environ.get("DEALWEB_NEWS_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "dealweb" / "news"


def sha256_bytes(data: bytes) -> str:
    """Hex sha256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def load_manifest(path: Path) -> dict:
    """The manifest as a dict; exits with one clear line when it cannot be read."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        sys.exit(f"{path}: cannot read ({exc.strerror}); hint: pass --manifest")
    except json.JSONDecodeError as exc:
        sys.exit(f"{path}:{exc.lineno}: not valid JSON ({exc.msg}); hint: restore it from git")
    if not isinstance(data, dict) or not isinstance(data.get("articles"), list):
        sys.exit(f"{path}: no 'articles' list; hint: restore it from git")
    return data


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder, then rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def build(manifest: dict, source: Path, cache: Path) -> dict[str, list[str]]:
    """Copy the texts of ``source`` whose hashes are in the manifest into ``cache``; returns found/missing ids."""
    if not source.is_dir():
        sys.exit(f"{source}: not a folder; hint: --from takes the folder that holds the article texts")
    want = {a["sha256"]: a["id"] for a in manifest["articles"]}
    found: dict[str, Path] = {}
    for p in sorted(source.rglob("*.txt")):
        try:
            h = sha256_bytes(p.read_bytes())
        except OSError:
            continue
        if h in want and want[h] not in found:
            found[want[h]] = p
    for aid, p in found.items():
        write_atomic(cache / f"{aid}.txt", p.read_bytes())
    missing = [a["id"] for a in manifest["articles"] if a["id"] not in found]
    return {"written": sorted(found), "missing": missing}


def check(manifest: dict, cache: Path) -> dict[str, list[str]]:
    """Which articles are cached with the right hash (``ok``), absent (``missing``) or altered (``bad``)."""
    out: dict[str, list[str]] = {"ok": [], "missing": [], "bad": []}
    for a in manifest["articles"]:
        p = cache / f"{a['id']}.txt"
        if not p.is_file():
            out["missing"].append(a["id"])
        elif sha256_bytes(p.read_bytes()) != a["sha256"]:
            out["bad"].append(a["id"])
        else:
            out["ok"].append(a["id"])
    return out


def main(argv: list[str] | None = None) -> int:
    """Command line: ``build`` or ``check``."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 epilog="examples:\n  python tools/news_cache.py build --from ~/news-texts\n"
                                        "  python tools/news_cache.py check --json",
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("command", choices=["build", "check"])
    ap.add_argument("--from", dest="source", type=Path, help="folder of article texts (build)")
    ap.add_argument("--cache", type=Path, default=None, help="cache folder (default $DEALWEB_NEWS_CACHE or "
                                                             "~/.cache/dealweb/news)")
    ap.add_argument("--manifest", type=Path, default=MANIFEST)
    ap.add_argument("--json", action="store_true", help="print the result as JSON")
    args = ap.parse_args(argv)
    manifest = load_manifest(args.manifest)
    cache = args.cache or default_cache()
    if args.command == "build":
        if args.source is None:
            ap.error("build needs --from FOLDER")
        res = build(manifest, args.source, cache)
        res |= {k: v for k, v in check(manifest, cache).items() if k == "bad"}
    else:
        res = check(manifest, cache)
    if args.json:
        print(json.dumps(res, indent=1, sort_keys=True))
    else:
        n = len(manifest["articles"])
        for k, v in res.items():
            print(f"{k:8} {len(v):4} / {n}" + (f"  {' '.join(v[:12])}{' ...' if len(v) > 12 else ''}"
                                                 if k != "ok" and k != "written" and v else ""))
        if res.get("missing") or res.get("bad"):
            print(f"hint: put the texts in a folder and run: python tools/news_cache.py build --from FOLDER "
                  f"--cache {cache}", file=sys.stderr)
    return 1 if res.get("missing") or res.get("bad") else 0


if __name__ == "__main__":
    raise SystemExit(main())
