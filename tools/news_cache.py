"""Rebuild and check the local cache of the real-news corpus (issue 13).

Article texts are third-party prose and are never committed. The repository holds only
``benchmarks/news_corpus/manifest.json`` (address, outlet, language, sha256 of the UTF-8 text, split, and
annotations with quotes and spans). This tool puts the texts back where the quality benchmark reads them:

    python tools/news_cache.py build --from ~/news-texts            # any file names: matched by sha256
    python tools/news_cache.py check                                 # every cached text against its hash
    python tools/news_cache.py check --json                          # {"ok": [...], "missing": [...], "bad": [...]}
    python tools/news_cache.py recover --excerpts ~/excerpts         # texts from the pages corpus' excerpts
    python tools/news_cache.py record --excerpts ~/excerpts          # record how cached texts were cut

``build`` reads every ``*.txt`` file under ``--from`` (recursively), matches each to a manifest article by
the sha256 of its bytes, and writes it to ``<cache>/<id>.txt`` atomically (a temporary file renamed into
place). The default cache is ``$DEALWEB_NEWS_CACHE`` or ``~/.cache/dealweb/news``. ``check`` exits 1 when
an article is missing or its bytes do not hash to the manifest's value, naming the file and the hint.

``recover`` rebuilds texts from the place they were collected from: each was made from the excerpt that the stored
pages corpus returns for the article's address, keeping some of its paragraphs (or lines), with curly quotes folded
to ASCII, joined, plus a final newline. ``--excerpts`` names a folder of ``<id>.json`` files (the excerpt exactly as
the corpus returned it: a JSON string, or an object with an ``excerpt`` key) or ``<id>.txt`` files (its raw text).
For each, the selection recorded in ``benchmarks/news_corpus/excerpts.json`` is applied, or, for an article without
one, found: every selection of paragraphs whose length is the article's and which holds each annotated quote and
figure at its span is tried until one hashes to the manifest's sha256. Only a text whose hash matches is written.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import product
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = ROOT / "benchmarks" / "news_corpus" / "manifest.json"
RECIPES = ROOT / "benchmarks" / "news_corpus" / "excerpts.json"
DATE_PREFIX = re.compile(r"^\s*date \d{4}-\d{2}-\d{2}\s+")
QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})
SPACES = str.maketrans({"\n": " ", "\u00a0": " "})
MAX_JOIN = 4  # characters a recorded join or tail may hold (a space, a line break, a full stop): never prose
MAX_TRIES = 500_000  # full-length cuts hashed per article before giving up
# a sentence (up to its final punctuation and closing quotes or brackets), then the space after it
SENTENCE = re.compile(r"(.*?(?:[。！？!?；]+[」』”\"')）]*|[.!?]+[\"”')]*(?=\s)|$))([ \t]*)", re.S)


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


def load_queries(path: Path | None) -> dict[str, str]:
    """Each id's query, from a JSON-lines file (lines that are not an object with both are skipped)."""
    out: dict[str, str] = {}
    if path is None:
        return out
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        sys.exit(f"{path}: cannot read ({exc.strerror}); hint: --queries takes a JSON-lines file")
    for line in lines:
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(row, dict) and isinstance(row.get("id"), str) and isinstance(row.get("query"), str):
            out.setdefault(row["id"], row["query"])
    return out


def save_recipes(path: Path, recipes: dict[str, dict]) -> None:
    """Write the recorded cuts, sorted by id, atomically."""
    about = ("How each cached text of manifest.json (or of a ledger's link-only documents) is cut from the excerpt "
             "that the stored pages corpus returns for its address (tools/news_cache.py recover): query (what was "
             "searched for it), start, quotes, spans (character offsets of the kept pieces), joins (the spaces put "
             "between them), tail. No article text is stored here.")
    rows = [f" {json.dumps(k)}: {json.dumps(recipes[k], ensure_ascii=False, sort_keys=True)}" for k in sorted(recipes)]
    doc = f'{{"about": {json.dumps(about)},\n"articles": {{\n' + ",\n".join(rows) + "\n}}\n"
    write_atomic(path, doc.encode("utf-8"))


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


@dataclass(frozen=True)
class Recipe:
    """How an article's text is cut from its page excerpt.

    ``start``: ``date`` (a leading "date YYYY-MM-DD" dropped), ``raw`` (as is) or ``strip`` (outer space dropped);
    ``quotes``: curly quotes folded to ASCII. The text is the pieces ``spans`` (character offsets into that body)
    with ``joins[i]`` between piece i and piece i + 1, then ``tail``.
    """

    start: str
    quotes: bool
    spans: tuple[tuple[int, int], ...]
    joins: tuple[str, ...]
    tail: str

    def as_json(self) -> dict[str, Any]:
        """The recipe as excerpts.json records it."""
        return {"start": self.start, "quotes": self.quotes, "spans": [list(s) for s in self.spans],
                "joins": list(self.joins), "tail": self.tail}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Recipe:
        """A recipe from its excerpts.json record (KeyError/TypeError/ValueError when it is not one)."""
        spans = tuple((int(a), int(b)) for a, b in d["spans"])
        joins = tuple(str(j) for j in d["joins"])
        if len(joins) != max(0, len(spans) - 1):
            raise ValueError("joins must number one fewer than spans")
        return cls(str(d["start"]), bool(d["quotes"]), spans, joins, str(d["tail"]))


def excerpt_body(excerpt: str, start: str, quotes: bool) -> str:
    """The excerpt with its start handled as ``start`` says and, if ``quotes``, curly quotes folded."""
    body = {"date": DATE_PREFIX.sub("", excerpt, count=1), "raw": excerpt, "strip": excerpt.strip()}[start]
    return body.translate(QUOTES) if quotes else body


def apply_recipe(recipe: Recipe, excerpt: str) -> str | None:
    """The text ``recipe`` cuts from ``excerpt``, or None when the excerpt is shorter than its pieces."""
    body = excerpt_body(excerpt, recipe.start, recipe.quotes)
    if any(b > len(body) or a > b for a, b in recipe.spans):
        return None
    out = [body[a:b] + (recipe.joins[i] if i < len(recipe.joins) else "") for i, (a, b) in enumerate(recipe.spans)]
    return "".join(out) + recipe.tail


def anchors_of(article: dict) -> list[tuple[int, str]]:
    """(offset, text) pairs the article's text holds: every annotated quote and figure at its span."""
    out: list[tuple[int, str]] = []
    for key in ("claims", "negatives", "ignore"):
        for item in article.get(key, []):
            if item.get("quote") and "quote_span" in item:
                out.append((item["quote_span"][0], item["quote"]))
            text = item.get("text") or (item.get("amount") or {}).get("text")
            if text and "span" in item:
                out.append((item["span"][0], text))
    return out


def _agrees(anchors: list[tuple[int, str]], piece: str, pos: int) -> bool:
    """Do the anchors overlapping ``piece`` placed at ``pos`` agree with it (quotes folded, line breaks as spaces)?"""
    end = pos + len(piece)
    for s, q in anchors:
        a, b = max(s, pos), min(s + len(q), end)
        if a < b and (q[a - s:b - s].translate(QUOTES).translate(SPACES)
                      != piece[a - pos:b - pos].translate(QUOTES).translate(SPACES)):
            return False
    return True


@dataclass(frozen=True)
class _Unit:
    """A piece of an excerpt's body the cut may keep: where it is, its paragraph, and the space after it."""

    start: int
    end: int
    para: int
    space: str


def _units(body: str, sep: str, sentences: bool) -> list[_Unit]:
    """The paragraphs of ``body`` split on ``sep`` or, if ``sentences``, their sentences.

    Each sentence keeps the space that follows it inside its paragraph, the join to a kept next sentence.
    """
    units: list[_Unit] = []
    pos = 0
    for k, para in enumerate(body.split(sep)):
        if not sentences:
            units.append(_Unit(pos, pos + len(para), k, ""))
        else:
            for m in SENTENCE.finditer(para):
                if m.group(1).strip():
                    units.append(_Unit(pos + m.start(1), pos + m.end(1), k, m.group(2)))
        pos += len(para) + len(sep)
    return units


def _cuts(body: str, units: list[_Unit], sep: str, total: int,
          anchors: list[tuple[int, str]]) -> Iterator[tuple[int, ...]]:
    """Every choice of ``units`` (in order) whose text is ``total`` characters long and holds the anchors.

    Two kept units of one paragraph are joined by the space after the first, of two paragraphs by ``sep``. A
    depth-first walk over (unit, position, previous unit), pruned by a memo of the states from which no choice of
    the remaining units can end exactly at ``total``.
    """
    n = len(units)
    memo: dict[tuple[int, int, int], bool] = {}

    def join(prev: int, i: int) -> str:
        if prev < 0:
            return ""
        return units[prev].space if units[prev].para == units[i].para else sep

    def place(i: int, pos: int, prev: int) -> int | None:
        j = join(prev, i)
        u = units[i]
        end = pos + len(j) + u.end - u.start
        if end > total or not _agrees(anchors, j, pos) or not _agrees(anchors, body[u.start:u.end], pos + len(j)):
            return None
        return end

    def reachable(i: int, pos: int, prev: int) -> bool:
        if pos == total and prev >= 0:
            return True
        if i >= n or pos > total:
            return False
        key = (i, pos, prev)
        if key not in memo:
            end = place(i, pos, prev)
            memo[key] = (end is not None and reachable(i + 1, end, i)) or reachable(i + 1, pos, prev)
        return memo[key]

    stack: list[tuple[int, int, int, tuple[int, ...]]] = [(0, 0, -1, ())]
    while stack:
        i, pos, prev, kept = stack.pop()
        if pos == total and kept:
            yield kept
            continue
        if i >= n:
            continue
        if reachable(i + 1, pos, prev):
            stack.append((i + 1, pos, prev, kept))
        end = place(i, pos, prev)
        if end is not None and reachable(i + 1, end, i):
            stack.append((i + 1, end, i, (*kept, i)))


def find_recipe(excerpt: str, article: dict) -> Recipe | None:
    """The cut of ``excerpt`` whose text hashes to ``article["sha256"]``, or None (see the module's text).

    Whole paragraphs are tried before sentences; at most ``MAX_TRIES`` full-length cuts are hashed.
    """
    anchors = anchors_of(article)
    if article.get("chars") is None:
        return _find_unsized(excerpt, article, anchors)
    tried = 0
    seen: set[tuple[str, str, bool]] = set()
    for sentences in (False, True):
        for quotes in (True, False):
            for start in ("date", "raw", "strip"):
                body = excerpt_body(excerpt, start, quotes)
                for sep in ("\n\n", "\n"):
                    if (body, sep, sentences) in seen:
                        continue
                    seen.add((body, sep, sentences))
                    units = _units(body, sep, sentences)
                    for tail in ("\n", "", "\n\n"):
                        for kept in _cuts(body, units, sep, article["chars"] - len(tail), anchors):
                            spans = tuple((units[k].start, units[k].end) for k in kept)
                            joins = tuple(units[a].space if units[a].para == units[b].para else sep
                                          for a, b in zip(kept, kept[1:], strict=False))
                            recipe = Recipe(start, quotes, spans, joins, tail)
                            text = apply_recipe(recipe, excerpt)
                            if text is not None and sha256_bytes(text.encode("utf-8")) == article["sha256"]:
                                return recipe
                            tried += 1
                            if tried > MAX_TRIES:
                                return None
    return None

def _find_unsized(excerpt: str, article: dict, anchors: list[tuple[int, str]]) -> Recipe | None:
    """The cut of a text of unknown length (a ledger's page copy) from its excerpt.

    Every prefix of the excerpt (read each way) that holds the anchors, with or without a final newline: a page
    copy keeps the excerpt's opening. (A search over every length and every cut would take minutes a page.)
    """
    least = max((s + len(q) for s, q in anchors), default=1)
    bodies = [(start, quotes, excerpt_body(excerpt, start, quotes))
              for quotes in (False, True) for start in ("strip", "date", "raw")]
    for start, quotes, body in bodies:
        if not _agrees(anchors, body[:least], 0):
            continue
        for end in range(least, len(body) + 1):
            for tail in ("", "\n"):
                text = body[:end] + tail
                if sha256_bytes(text.encode("utf-8")) == article["sha256"]:
                    return Recipe(start, quotes, ((0, end),), (), tail)
    return None


def ledger_articles(ledger: Path) -> dict:
    """A manifest-like dict of a ledger's link-only documents (``url`` and ``sha256``, no ``file``).

    Each has the quotes its claims cite, at their ``start`` offsets, as anchors, and no known length.
    """
    import yaml  # a dependency of dealweb; this tool's other commands need only the standard library

    files = sorted(ledger.rglob("*.yaml"))
    docs: list[dict] = []
    quotes: dict[str, list[dict]] = {}

    def walk(x: object) -> None:
        if isinstance(x, dict):
            if isinstance(x.get("document"), str) and isinstance(x.get("quote"), str) and isinstance(
                    x.get("start"), int):
                quotes.setdefault(x["document"], []).append(
                    {"quote": x["quote"], "quote_span": [x["start"], x["start"] + len(x["quote"])]})
            for v in x.values():
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)

    for f in files:
        try:
            data = yaml.safe_load(f.read_text(encoding="utf-8"))
        except OSError as exc:
            sys.exit(f"{f}: cannot read ({exc.strerror}); hint: --ledger takes a ledger folder")
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"{f}:{mark.line + 1}" if mark is not None else str(f)
            what = " ".join(str(getattr(exc, "problem", None) or exc).split())
            sys.exit(f"{where}: not valid YAML ({what}); hint: run dealweb check on the ledger")
        if f.name == "documents.yaml" and isinstance(data, dict):
            docs += [d for d in data.get("documents") or [] if isinstance(d, dict)]
        walk(data)
    arts = [{"id": d["id"], "url": d["url"], "sha256": d["sha256"], "chars": None, "date": str(d.get("date") or ""),
             "claims": quotes.get(d["id"], [])}
            for d in docs if d.get("url") and d.get("sha256") and not d.get("file")]
    return {"articles": arts}


def quoted_copy(article: dict) -> str | None:
    """A page copy made of nothing but the passages its claims quote, or None.

    Some copies kept only the cited passages: each at its offset, the gaps between them one space, one line break
    or a blank line, a "date YYYY-MM-DD" head when the first starts further in, and maybe a final newline. Every
    such text is tried against the document's sha256: no excerpt and no search needed.
    """
    spans = sorted({(s, s + len(q)): q for s, q in anchors_of(article)}.items())
    pieces: list[tuple[int, str]] = []
    for (a, b), q in spans:
        if pieces and a < pieces[-1][0] + len(pieces[-1][1]):
            last_a, last_q = pieces[-1]
            overlap = min(b, last_a + len(last_q)) - a
            if q[:overlap] != last_q[a - last_a:a - last_a + overlap]:
                return None  # two quotes disagree where they overlap
            if b > last_a + len(last_q):
                pieces[-1] = (last_a, last_q[:a - last_a] + q)
            continue
        pieces.append((a, q))
    if not pieces:
        return None
    gaps: list[tuple[str, ...]] = []
    for (a, q), (b, _) in zip(pieces, pieces[1:], strict=False):
        gaps.append({0: ("",), 1: (" ", "\n"), 2: ("\n\n",)}.get(b - a - len(q), ()))
        if not gaps[-1]:
            return None
    date = article.get("date") or ""
    heads = [h for h in ("", f"date {date} ", f"date {date}\n", f"date {date}\n\n") if len(h) == pieces[0][0]]
    for head in heads:
        for joins in product(*gaps):
            body = head + pieces[0][1] + "".join(j + q for j, (_, q) in zip(joins, pieces[1:], strict=True))
            for tail in ("\n", ""):
                if sha256_bytes((body + tail).encode("utf-8")) == article["sha256"]:
                    return body + tail
    return None


def derive_recipe(excerpt: str, text: str) -> Recipe | None:
    """The cut that makes ``text`` from ``excerpt``, found by aligning the two (for a text cut by hand), or None.

    Pieces are the excerpt's stretches that the text holds, in order (``difflib``'s matching blocks); what the text
    holds between them (a space, a full stop put for a comma) becomes a join. Joins and tail are at most
    ``MAX_JOIN`` characters, so no prose of the article is ever recorded; the cut with the fewest pieces over the
    ways of reading the excerpt's start and quotes is kept, and only one that gives back ``text`` exactly.
    """
    best: Recipe | None = None
    for quotes in (True, False):
        for start in ("date", "raw", "strip"):
            body = excerpt_body(excerpt, start, quotes)
            blocks = [b for b in SequenceMatcher(None, body, text, autojunk=False).get_matching_blocks() if b.size]
            if not blocks or blocks[0].b != 0:
                continue
            spans = tuple((b.a, b.a + b.size) for b in blocks)
            joins = tuple(text[x.b + x.size:y.b] for x, y in zip(blocks, blocks[1:], strict=False))
            tail = text[blocks[-1].b + blocks[-1].size:]
            if any(len(j) > MAX_JOIN for j in (*joins, tail)):
                continue
            recipe = Recipe(start, quotes, spans, joins, tail)
            if apply_recipe(recipe, excerpt) == text and (best is None or len(spans) < len(best.spans)):
                best = recipe
    return best


def read_excerpt(path: Path) -> str:
    """An excerpt file's text: ``.json`` holds a JSON string (or an object with ``excerpt``), ``.txt`` the text."""
    raw = path.read_text(encoding="utf-8")
    if path.suffix != ".json":
        return raw
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}:{exc.lineno}: not valid JSON ({exc.msg}); hint: paste the excerpt as a JSON "
                         "string, quotes included") from None
    if isinstance(value, dict):
        value = value.get("excerpt")
    if not isinstance(value, str):
        raise ValueError(f"{path}: neither a JSON string nor an object with an 'excerpt' string")
    return value


def load_recipes(path: Path) -> dict[str, dict]:
    """The recorded cuts by article id (empty when the file does not exist)."""
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        sys.exit(f"{path}:{exc.lineno}: not valid JSON ({exc.msg}); hint: restore it from git")
    arts = data.get("articles") if isinstance(data, dict) else None
    if not isinstance(arts, dict):
        sys.exit(f"{path}: no 'articles' object; hint: restore it from git")
    return arts


def recover(manifest: dict, excerpts: Path, cache: Path, recipes: dict[str, dict]) -> dict[str, list[str]]:
    """Cut each excerpt of ``excerpts`` into its article's text; write those whose hash matches into ``cache``.

    ``recipes`` (id -> recorded cut) is used first and gains an entry for every article recovered by search.
    A ledger's page copy (no known length) that has no excerpt, or whose excerpt fails, is then tried as the
    passages its claims quote (:func:`quoted_copy`). Returns the ids ``written``, ``failed`` (no cut hashes
    right: an excerpt window or copy that differs) and ``unknown`` (files whose name is no manifest id).
    """
    if not excerpts.is_dir():
        sys.exit(f"{excerpts}: not a folder; hint: --excerpts takes the folder of <id>.json excerpt files")
    arts = {a["id"]: a for a in manifest["articles"]}
    out: dict[str, list[str]] = {"written": [], "failed": [], "unknown": []}
    for path in sorted(p for p in excerpts.iterdir() if p.suffix in (".json", ".txt")):
        article = arts.get(path.stem)
        if article is None:
            out["unknown"].append(path.name)
            continue
        try:
            excerpt = read_excerpt(path)
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            print(f"warning: {exc}", file=sys.stderr)
            out["failed"].append(path.stem)
            continue
        text = None
        known = recipes.get(path.stem)
        if known and "spans" in known:
            try:
                text = apply_recipe(Recipe.from_json(known), excerpt)
            except (KeyError, TypeError, ValueError):
                text = None
            if text is not None and sha256_bytes(text.encode("utf-8")) != article["sha256"]:
                text = None
        if text is None:
            found = find_recipe(excerpt, article)
            if found is not None:
                text = apply_recipe(found, excerpt)
                recipes[path.stem] = {**(known or {}), **found.as_json()}
        if text is None:
            out["failed"].append(path.stem)
            continue
        write_atomic(cache / f"{path.stem}.txt", text.encode("utf-8"))
        out["written"].append(path.stem)
    for article in manifest["articles"]:
        if article.get("chars") is None and article["id"] not in out["written"] and not (
                cache / f"{article['id']}.txt").is_file():
            text = quoted_copy(article)
            if text is not None:
                write_atomic(cache / f"{article['id']}.txt", text.encode("utf-8"))
                out["written"].append(article["id"])
                out["failed"] = [x for x in out["failed"] if x != article["id"]]
    return out


def record(manifest: dict, excerpts: Path, cache: Path, recipes: dict[str, dict],
           queries: dict[str, str]) -> dict[str, list[str]]:
    """Record how each cached text (hash checked) is cut from its excerpt in ``excerpts``, with its query.

    For texts rebuilt by hand: the cut is derived by alignment (:func:`derive_recipe`). Returns the ids
    ``recorded`` and ``unaligned`` (no cut with short joins gives the text back).
    """
    out: dict[str, list[str]] = {"recorded": [], "unaligned": []}
    for a in manifest["articles"]:
        cached, ex = cache / f"{a['id']}.txt", excerpts / f"{a['id']}.json"
        if not (cached.is_file() and ex.is_file()):
            continue
        data = cached.read_bytes()
        if sha256_bytes(data) != a["sha256"]:
            continue
        try:
            excerpt = read_excerpt(ex)
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            print(f"warning: {exc}", file=sys.stderr)
            out["unaligned"].append(a["id"])
            continue
        recipe = find_recipe(excerpt, a) or derive_recipe(excerpt, data.decode("utf-8"))
        if recipe is None:
            out["unaligned"].append(a["id"])
            continue
        entry = {**({"query": queries[a["id"]]} if a["id"] in queries else {}), **recipe.as_json()}
        recipes[a["id"]] = {**recipes.get(a["id"], {}), **entry}
        out["recorded"].append(a["id"])
    return out


def main(argv: list[str] | None = None) -> int:
    """Command line: ``build``, ``check``, ``recover`` or ``record``."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 epilog="examples:\n  python tools/news_cache.py build --from ~/news-texts\n"
                                        "  python tools/news_cache.py check --json\n"
                                        "  python tools/news_cache.py recover --excerpts ~/excerpts\n"
                                        "  python tools/news_cache.py recover --ledger "
                                        "src/dealweb/data/ai-deals-2025-26 --excerpts ~/page-excerpts --cache ~/copies"
                                        " --recipes docs/sources/ai-deals-2025-26-excerpts.json",
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("command", choices=["build", "check", "recover", "record"])
    ap.add_argument("--from", dest="source", type=Path, help="folder of article texts (build)")
    ap.add_argument("--excerpts", type=Path, help="folder of <id>.json page excerpts (recover, record)")
    ap.add_argument("--queries", type=Path, help="JSON lines with id and query: what was searched (record)")
    ap.add_argument("--recipes", type=Path, default=None,
                    help="recorded cuts of the excerpts, gaining the cuts found (recover, record; default: the news "
                         "corpus' benchmarks/news_corpus/excerpts.json; with --ledger it must be given)")
    ap.add_argument("--cache", type=Path, default=None, help="cache folder (default $DEALWEB_NEWS_CACHE or "
                                                             "~/.cache/dealweb/news)")
    ap.add_argument("--manifest", type=Path, default=MANIFEST)
    ap.add_argument("--ledger", type=Path, default=None,
                    help="instead of the news manifest: a ledger folder, whose link-only documents' page copies are "
                         "checked or recovered (their quotes are the anchors)")
    ap.add_argument("--json", action="store_true", help="print the result as JSON")
    args = ap.parse_args(argv)
    if args.ledger is not None and not args.ledger.is_dir():
        sys.exit(f"{args.ledger}: not a folder; hint: --ledger takes a ledger folder")
    manifest = ledger_articles(args.ledger) if args.ledger is not None else load_manifest(args.manifest)
    cache = args.cache or default_cache()
    if args.command == "build":
        if args.source is None:
            ap.error("build needs --from FOLDER")
        res = build(manifest, args.source, cache)
        res |= {k: v for k, v in check(manifest, cache).items() if k == "bad"}
    elif args.command in ("recover", "record"):
        if args.excerpts is None:
            ap.error(f"{args.command} needs --excerpts FOLDER")
        if args.recipes is None and args.ledger is not None:
            ap.error(f"{args.command} --ledger needs --recipes FILE: where that ledger's cuts are recorded (the news "
                     "corpus' file is not theirs)")
        args.recipes = args.recipes or RECIPES
        recipes = load_recipes(args.recipes)
        before = json.dumps(recipes, sort_keys=True)
        if args.command == "recover":
            res = recover(manifest, args.excerpts, cache, recipes)
        else:
            res = record(manifest, args.excerpts, cache, recipes, load_queries(args.queries))
        if json.dumps(recipes, sort_keys=True) != before:
            save_recipes(args.recipes, recipes)
    else:
        res = check(manifest, cache)
    if args.json:
        print(json.dumps(res, indent=1, sort_keys=True))
    else:
        n = len(manifest["articles"])
        for k, v in res.items():
            print(f"{k:8} {len(v):4} / {n}" + (f"  {' '.join(v[:12])}{' ...' if len(v) > 12 else ''}"
                                                 if k != "ok" and k != "written" and v else ""))
        if res.get("failed"):
            print("hint: a failed excerpt is not the one the text was cut from (another window of the page: search "
                  "with a quote the article holds) or not an exact copy", file=sys.stderr)
        if res.get("missing") or res.get("bad"):
            print(f"hint: put the texts in a folder and run: python tools/news_cache.py build --from FOLDER "
                  f"--cache {cache}", file=sys.stderr)
    return 1 if res.get("missing") or res.get("bad") or res.get("failed") else 0


if __name__ == "__main__":
    raise SystemExit(main())
