"""No knowledge of a bundled dataset in ``src/`` outside ``src/dealweb/data/``: the code reads ledgers.

Every string literal in the package's code (docstrings and comments aside: they cite where a model comes
from) is checked against the bundled ledgers' entity, deal and fact ids. The faces' words (the message
catalogues, the HTML templates and the pages' scripts) are checked against those ids and against the
bundled entities' names in every language (a sentence naming a firm would show on any ledger).
``extract/`` (the news extractor) is checked too, and more strictly: its gazetteer's rows are data
(``data/names/builtin.json`` and ``firms.json``), and its docstrings, doctests and comments use made-up
firms (Acme, Globex, 龍華), so no bundled firm's name is written anywhere in its code (issue 11).
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path

import yaml

import dealweb

PKG = Path(dealweb.__file__).resolve().parent
DATA = PKG / "data"
LEFT_OUT: tuple[str, ...] = ()
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


#: Folders whose comments and docstrings, too, must name no bundled firm (the news extractor: issue 11).
NAMES_CHECKED = ("extract",)
#: Phrases that contain a bundled name but do not mean the firm: "OpenAI-compatible" is an API standard (the
#: chat-completions protocol that model servers speak), not the firm, and names what ``extract/llm.py`` talks to.
ALLOWED_PHRASES = ("OpenAI-compatible",)


def _comments_and_strings(source: str) -> list[tuple[int, str]]:
    """Every comment and string token (docstrings and doctests included) of a module, with its line."""
    return [(tok.start[0], tok.string) for tok in tokenize.generate_tokens(io.StringIO(source).readline)
            if tok.type in (tokenize.COMMENT, tokenize.STRING)]


def _name_hits(text: str, latin: re.Pattern[str], cjk: list[str]) -> list[str]:
    for phrase in ALLOWED_PHRASES:
        text = text.replace(phrase, " ")
    return [m.group(1) for m in latin.finditer(text)] + [n for n in cjk if n in text]


def test_extract_names_no_bundled_firm_even_in_docstrings() -> None:
    names = _names()
    latin = re.compile(r"(?<![\w-])(" + "|".join(sorted(map(re.escape, {n for n in names if n.isascii()}),
                                                        key=len, reverse=True)) + r")(?![\w-])", re.IGNORECASE)
    cjk = [n for n in names if not n.isascii()]
    # the check can fail: a planted sentence naming a bundled firm is found, the allowed phrase is not
    assert _name_hits("# Nvidia pays 輝達", latin, cjk) == ["Nvidia", "輝達"]
    assert _name_hits("any OpenAI-compatible server", latin, cjk) == []
    found: list[str] = []
    files = [p for folder in NAMES_CHECKED for p in sorted((PKG / folder).rglob("*.py"))]
    assert len(files) > 5
    for path in files:
        for line, text in _comments_and_strings(path.read_text(encoding="utf-8")):
            found += [f"src/dealweb/{path.relative_to(PKG).as_posix()}:{line}: {hit!r}"
                      for hit in _name_hits(text, latin, cjk)]
    assert not found, "a bundled firm named in extract/:\n" + "\n".join(found)


def test_gazetteer_rows_are_data() -> None:
    """The gazetteer's rows come from the names files shipped under ``data/names/`` (and ship in the wheel)."""
    import json
    import tomllib

    from dealweb.extract.gazetteer import BUILTIN_FILE, GAZETTEER, NAMES_FILE

    rows = json.loads(BUILTIN_FILE.read_text(encoding="utf-8"))["entities"]
    extra = json.loads(NAMES_FILE.read_text(encoding="utf-8"))["entities"]
    assert BUILTIN_FILE.parent == DATA / "names" and len(rows) > 20
    ids = [g.id for g in GAZETTEER]
    assert ids[:len(rows)] == [r["id"] for r in rows]  # built-in rows first, in the file's order
    assert set(ids) == {r["id"] for r in rows} | {r["id"] for r in extra}
    pyproject = tomllib.loads((PKG.parents[1] / "pyproject.toml").read_text(encoding="utf-8"))
    assert "data/**/*.json" in pyproject["tool"]["setuptools"]["package-data"]["dealweb"]
