"""``dealweb init DIR`` makes a valid empty ledger; ``dealweb check --fix-spans`` fills and corrects spans."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from ruamel.yaml import YAML

from dealweb.cli import main
from dealweb.cli.setup_cmds import template_files
from dealweb.ledger import load_ledger


def run(*args: str) -> tuple[int, str]:
    res = CliRunner().invoke(main, list(args))
    return res.exit_code, res.output


# ------------------------------------------------------------------------------------------------- init
def test_init_makes_a_valid_empty_ledger_with_a_readme(tmp_path: Path) -> None:
    target = tmp_path / "my-ledger"
    code, out = run("init", str(target), "--json")
    assert code == 0, out
    data = json.loads(out)
    assert data["name"] == "my-ledger" and "README.md" in data["files"]
    assert (target / "README.md").read_text(encoding="utf-8").startswith("# my-ledger")
    assert (target / "documents").is_dir()
    res = load_ledger(target, cache=False)
    assert res.problems == [] and res.ledger.name == "my-ledger"
    assert (res.ledger.entities, res.ledger.deals, res.ledger.facts) == ({}, {}, {})
    code, out = run("check", "--ledger", str(target))
    assert code == 0 and "0 error(s), 0 warning(s)" in out
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary folder left


def test_init_refuses_a_non_empty_folder_and_a_file(tmp_path: Path) -> None:
    full = tmp_path / "full"
    full.mkdir()
    (full / "notes.txt").write_text("mine", encoding="utf-8")
    code, out = run("init", str(full))
    assert code == 2 and out.startswith("error: ") and "is not empty" in out and len(out.splitlines()) == 1
    assert [p.name for p in full.iterdir()] == ["notes.txt"]
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    code, out = run("init", str(tmp_path / "afile"))
    assert code == 2 and "not a folder" in out
    code, out = run("init", str(tmp_path / "no" / "such" / "parent"))
    assert code == 2 and "does not exist" in out


def test_init_into_an_existing_empty_folder(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    code, _ = run("init", str(empty), "--name", "chip deals")
    assert code == 0 and load_ledger(empty, cache=False).ledger.name == "chip deals"


def _uncommented(text: str) -> str:
    """The template's example records made live: drop 'section: []' and un-comment the example after it."""
    lines = text.splitlines()
    start = next((i for i, x in enumerate(lines) if x.endswith(": []")), None)
    if start is None or start + 1 >= len(lines) or not lines[start + 1].startswith("# "):
        return text
    return "\n".join(lines[:start] + [x[2:] for x in lines[start + 1:]]) + "\n"


def test_the_templates_examples_are_valid_and_fix_spans_places_their_quote(tmp_path: Path) -> None:
    # The examples in the new ledger's files are what a newcomer copies: made live, with the article's text
    # in documents/, they must validate, and --fix-spans must place the quote.
    target = tmp_path / "led"
    assert run("init", str(target))[0] == 0
    for rel in template_files("led"):
        if rel.endswith(".yaml"):
            p = target / rel
            p.write_text(_uncommented(p.read_text(encoding="utf-8")), encoding="utf-8")
    article = "Acme signs with Globex\nIn a deal announced today, Acme will pay Globex up to $10 billion.\n"
    (target / "documents" / "acme-globex.txt").write_text(article, encoding="utf-8")
    res = load_ledger(target, cache=False)
    assert res.errors == [] and set(res.ledger.entities) == {"acme", "globex"}
    assert [p.message for p in res.warnings if "no span" in p.message]  # the quote has no span yet
    code, out = run("check", "--ledger", str(target), "--fix-spans", "--json")
    assert code == 0, out
    data = json.loads(out)
    assert (data["spans"]["filled"], data["spans"]["corrected"]) == (1, 0)
    assert data["problems"] == []
    claim = YAML(typ="safe").load((target / "deals.yaml").read_text(encoding="utf-8"))["deals"][0]["claims"][0]
    q = "Acme will pay Globex up to $10 billion"
    assert (claim["start"], claim["end"]) == (article.index(q), article.index(q) + len(q))


# ------------------------------------------------------------------------------------------- fix-spans
TEXT = "Title A\nAcme buys chips from Globex for $5 billion. Globex is glad.\nTitle B\nGlobex builds 2 GW.\n"
Q1 = "Acme buys chips from Globex for $5 billion"
Q2 = "Globex builds 2 GW"


def _ledger(tmp_path: Path, text: str, q2_span: tuple[int, int]) -> Path:
    root = tmp_path / "led"
    (root / "texts").mkdir(parents=True)
    (root / "texts" / "t.txt").write_text(text, encoding="utf-8")
    (root / "ledger.yaml").write_text("ledger: {name: t, documents_dirs: [texts]}\n", encoding="utf-8")
    (root / "entities.yaml").write_text(
        "entities:\n  - {id: acme, kind: company, names: {en: Acme}}\n"
        "  - {id: globex, kind: company, names: {en: Globex}}\n", encoding="utf-8")
    (root / "documents.yaml").write_text(
        "documents:\n  - {id: d, title: Title A, file: t.txt}\n", encoding="utf-8")
    (root / "deals.yaml").write_text(
        "# chips and capacity\n"
        "deals:\n"
        "  - id: chips\n    type: chip_purchase\n    from: acme\n    to: globex\n    amount: $5 billion\n"
        "    claims:\n"
        "      - document: d   # no span yet\n        stated: $5 billion\n"
        f"        quote: {Q1}\n"
        "  - id: capacity\n    type: compute_contract\n    from: acme\n    to: globex\n    capacity_gw: 2 GW\n"
        "    claims:\n"
        f"      - document: d\n        field: capacity_gw\n        stated: 2 GW\n        quote: {Q2}\n"
        f"        start: {q2_span[0]}\n        end: {q2_span[1]}\n",
        encoding="utf-8")
    return root


def test_fix_spans_fills_a_missing_span_and_corrects_a_moved_one(tmp_path: Path) -> None:
    # Q2's span was right for the text as first written; the article then gained a line at the top, so
    # both quotes moved by its length: the span written must be where the quote stands now.
    old_start = TEXT.index(Q2)
    moved = "Updated 2025-10-02\n" + TEXT
    root = _ledger(tmp_path, moved, (old_start, old_start + len(Q2)))
    before = load_ledger(root, cache=False)
    assert any("not at its span" in p.message for p in before.errors)  # the moved span is an error now
    code, out = run("check", str(root), "--fix-spans")
    assert code == 0, out
    assert "1 filled, 1 corrected" in out
    deals = YAML(typ="safe").load((root / "deals.yaml").read_text(encoding="utf-8"))["deals"]
    c1, c2 = deals[0]["claims"][0], deals[1]["claims"][0]
    # by hand: the new first line is 19 characters, "Title A\n" 8 more
    assert (c1["start"], c1["end"]) == (19 + 8, 19 + 8 + len(Q1))
    assert moved[c1["start"]:c1["end"]] == Q1
    assert (c2["start"], c2["end"]) == (old_start + 19, old_start + 19 + len(Q2))
    assert moved[c2["start"]:c2["end"]] == Q2
    text = (root / "deals.yaml").read_text(encoding="utf-8")
    assert "# chips and capacity" in text and "# no span yet" in text  # comments kept
    assert list(root.glob(".*.tmp")) == [] and list(root.glob("*.tmp")) == []
    after = load_ledger(root, cache=False)
    assert after.problems == []
    # nothing left to do: a second run writes nothing
    mtime = (root / "deals.yaml").stat().st_mtime_ns
    code, out = run("check", str(root), "--fix-spans", "--json")
    assert code == 0 and json.loads(out)["spans"]["changed"] == []
    assert (root / "deals.yaml").stat().st_mtime_ns == mtime


def test_fix_spans_leaves_an_ambiguous_or_absent_quote_and_says_so(tmp_path: Path) -> None:
    root = _ledger(tmp_path, TEXT, (0, len(Q2)))
    deals = root / "deals.yaml"
    deals.write_text(deals.read_text(encoding="utf-8").replace(f"quote: {Q1}", "quote: Globex"),
                     encoding="utf-8")  # "Globex" stands three times in the text
    code, out = run("check", str(root), "--fix-spans", "--json")
    data = json.loads(out)
    msgs = [p["message"] for p in data["spans"]["problems"]]
    assert any("occurs 3 times" in m for m in msgs)
    assert data["spans"]["corrected"] == 1 and data["spans"]["filled"] == 0  # Q2 still fixed
    assert code == 1  # the stated '$5 billion' is not in the quote 'Globex': the check still fails


def test_fix_spans_needs_the_documents(tmp_path: Path) -> None:
    root = _ledger(tmp_path, TEXT, (0, len(Q2)))
    (root / "texts" / "t.txt").rename(tmp_path / "t.txt")
    code, out = run("check", str(root), "--fix-spans", "--json")
    data = json.loads(out)
    assert data["spans"]["changed"] == [] and "was not found" in data["spans"]["problems"][0]["message"]
    code, out = run("check", str(root), "--fix-spans", "--documents", str(tmp_path), "--json")
    assert json.loads(out)["spans"]["filled"] == 1 and code == 0
