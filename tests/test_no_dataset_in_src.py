"""No knowledge of a bundled dataset in ``src/`` outside ``src/dealweb/data/``: the code reads ledgers.

Every string literal in the package's code (docstrings and comments aside: they cite where a model comes
from) is checked against the bundled ledgers' entity, deal and fact ids. The faces' words (the message
catalogues, the HTML templates and the pages' scripts) are checked against those ids and against the
bundled entities' names in every language (a sentence naming a firm would show on any ledger).
``extract/`` is left out: its gazetteer belongs to the news work (issue 11 asks it be built from the
ledger's entities and a names file; that work was not finished when this test was written).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import yaml

import dealweb

PKG = Path(dealweb.__file__).resolve().parent
DATA = PKG / "data"
LEFT_OUT = ("extract",)
#: Words that are ids in a bundled ledger and also plain vocabulary of the code (not dataset knowledge).
VOCABULARY = {"lenders", "meta"}  # graph/trace.py: the origin class of debt money; cache.py: an SQL table
#: Known exceptions (none: hint examples use made-up ids such as ``acme``).
KNOWN: set[tuple[str, str]] = set()


def _ids() -> set[str]:
    out: set[str] = set()
    for name in ("ai-capex-2025", "ai-deals-2025-26"):
        for p in (DATA / name).rglob("*.yaml"):
            data = yaml.safe_load(p.read_text(encoding="utf-8"))
            if not isinstance(data, dict):
                continue
            for section in ("entities", "deals", "facts"):
                for rec in data.get(section) or []:
                    if isinstance(rec, dict) and isinstance(rec.get("id"), str):
                        out.add(rec["id"])
    return out - VOCABULARY


def _code_strings(tree: ast.AST) -> list[tuple[int, str]]:
    """String constants of the module that are not docstrings, with their line."""
    docs: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            body = getattr(node, "body", [])
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docs.add(id(body[0].value))
    return [(n.lineno, n.value) for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docs]


def test_src_names_no_bundled_entity_deal_or_fact() -> None:
    ids = _ids()
    assert len(ids) > 200  # the bundled ledgers were read
    pattern = re.compile(r"(?<![\w-])(" + "|".join(sorted(map(re.escape, ids), key=len, reverse=True))
                         + r")(?![\w-])")
    found: list[str] = []
    for path in sorted(PKG.rglob("*.py")):
        rel = path.relative_to(PKG)
        if rel.parts[0] in ("data", *LEFT_OUT):
            continue
        for line, text in _code_strings(ast.parse(path.read_text(encoding="utf-8"))):
            for m in pattern.finditer(text):
                if (rel.as_posix(), m.group(1)) in KNOWN:
                    continue
                found.append(f"src/dealweb/{rel}:{line}: {m.group(1)!r} in {text[:60]!r}")
    assert not found, "dataset knowledge in src/:\n" + "\n".join(found)


def _names() -> set[str]:
    """Every bundled entity's names and aliases (each language), four characters and more (short ones are words)."""
    out: set[str] = set()
    for name in ("ai-capex-2025", "ai-deals-2025-26"):
        for p in (DATA / name).rglob("*.yaml"):
            data = yaml.safe_load(p.read_text(encoding="utf-8"))
            if not isinstance(data, dict):
                continue
            for rec in data.get("entities") or []:
                if not isinstance(rec, dict):
                    continue
                names = rec.get("names") or {}
                vals = list(names.values()) if isinstance(names, dict) else []
                vals += [rec.get("name")] + list(rec.get("aliases") or [])
                for v in vals:
                    for x in (v if isinstance(v, list) else [v]):
                        if isinstance(x, str):
                            out.add(x.strip())
    ascii_ok = {n for n in out if n.isascii() and len(n) >= 4}
    cjk_ok = {n for n in out if not n.isascii() and len(n) >= 2}
    return (ascii_ok | cjk_ok) - {n for n in out if n.lower() in VOCABULARY_NAMES}


#: Entity names that are also plain words of the faces (a class of payer, not a firm).
VOCABULARY_NAMES = {"lenders", "end customers", "governments", "equity investors", "bondholders", "meta", "终端客户",
                    "終端客戶"}


def _face_texts() -> list[tuple[str, str]]:
    """(where, text) of every catalogue message, template and page script of the package."""
    import json

    out: list[tuple[str, str]] = []
    for path in sorted((PKG / "report" / "messages").glob("*.json")):
        for key, text in json.loads(path.read_text(encoding="utf-8")).items():
            out.append((f"src/dealweb/report/messages/{path.name}: {key}", text))
    for pattern in ("*/templates/*.html", "*/static/*.js"):  # stylesheets name fonts, not firms
        for path in sorted(PKG.glob(pattern)):
            out.append((f"src/dealweb/{path.relative_to(PKG).as_posix()}", path.read_text(encoding="utf-8")))
    return out


def test_faces_name_no_bundled_firm() -> None:
    ids, names = _ids(), _names()
    assert len(names) > 100 and "Nvidia" in names and "輝達" in names  # the bundled names were read
    latin = re.compile(r"(?<![\w-])(" + "|".join(sorted(map(re.escape, ids | {n for n in names if n.isascii()}),
                                                        key=len, reverse=True)) + r")(?![\w-])", re.IGNORECASE)
    cjk = [n for n in names if not n.isascii()]
    texts = _face_texts()
    assert any("messages/zh-Hant.json" in w for w, _ in texts) and any(w.endswith(".html") for w, _ in texts)
    found = [f"{where}: {m.group(1)!r}" for where, text in texts for m in latin.finditer(text)]
    found += [f"{where}: {n!r}" for where, text in texts for n in cjk if n in text]
    assert not found, "a bundled firm named in the faces' words:\n" + "\n".join(found)
