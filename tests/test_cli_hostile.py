"""The ``dealweb`` command line against a hostile user: it never prints a traceback, always says what is wrong.

Every command that reads a ledger (found by click introspection, so new commands are covered) is given
missing paths, an empty folder, empty, binary, huge, non-UTF-8, alias-bomb, deeply nested, duplicate-key and
tab-indented files; each must exit non-zero with a line that names the file (and the line, where there is
one) and carries a hint. Then bad amounts, bad dates, unknown entities, out-of-range metric flags and
unwritable outputs; a few real subprocess runs check what lands on stderr; a hypothesis fuzz feeds random
text to ``dealweb check``.
"""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import click
import numpy as np
import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dealweb.cli.ledger_cmds as ledger_cmds
from dealweb.cli import main
from dealweb.ledger import load_ledger
from dealweb.ledger.yamlio import expanded_size, flow_depth
from dealweb.money import Amount, Qualifier, parse_amount

# A line that carries a hint: ``error: ... (hint: ...)`` from ``fail``, or ``file:L:C: message (hint)`` from a
# ledger problem.
_HINTED = re.compile(r"\(.{4,}\)\s*$")

ENTITIES = """\
entities:
  - {id: a, kind: company, names: {en: Alpha}}
  - {id: b, kind: company, names: {en: Beta}}
  - {id: c, kind: company, names: {en: Gamma}}
"""


def _deal(did: str, src: str, dst: str, amount: str) -> str:
    return (f"  - id: {did}\n    title: {did}\n    type: equity_investment\n    from: {src}\n    to: {dst}\n"
            f"    amount: {amount}\n")


def ledger_text(amount: str = "5億美元") -> str:
    """Three entities paying each other round a loop; every deal's amount is ``amount``."""
    return ENTITIES + "deals:\n" + _deal("d1", "a", "b", amount) + _deal("d2", "b", "c", amount) \
        + _deal("d3", "c", "a", amount)


AMOUNT_LINE = 11  # 4 lines of entities (1-4), 'deals:' (5), id/title/type/from/to (6-10), amount (11); +6 a deal


def invoke(args: list[str]) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], prog_name="dealweb")


def assert_refused(res: Result, name: str | None, line: int | None = None, code: int | None = None) -> str:
    """Exit non-zero, no traceback, and one line naming ``name`` (at ``line``) with a hint; returns that line."""
    out = res.output
    assert res.exception is None or isinstance(res.exception, SystemExit), \
        f"uncaught {res.exception!r}\n{out}"
    assert "Traceback" not in out, out
    assert res.exit_code != 0, out
    if code is not None:
        assert res.exit_code == code, out
    lines = [ln for ln in out.splitlines() if ln.strip()]
    assert lines, "no message at all"
    named = [ln for ln in lines if name is None or name in ln]
    assert named, f"no line names {name!r}:\n{out}"
    if line is not None:
        named = [ln for ln in named if f"{name}:{line}:" in ln]
        assert named, f"no line points at {name}:{line}:\n{out}"
    hinted = [ln for ln in named if _HINTED.search(ln)]
    assert hinted, f"no line naming {name!r} has a hint:\n{out}"
    return hinted[0]


# ------------------------------------------------------------------------------------------ hostile files
def _bomb(levels: int = 9, width: int = 9) -> str:
    """Billion laughs: ``width ** levels`` values in a dozen lines."""
    out = ["ledger:", "  name: bomb", "  note0: &x0 [" + ", ".join(["lol"] * width) + "]"]
    for i in range(1, levels + 1):
        out.append(f"  note{i}: &x{i} [" + ", ".join([f"*x{i - 1}"] * width) + "]")
    return "\n".join(out) + "\n"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, int | None]]:
    """name -> (path, line the error must point at, or None when the file as a whole is at fault)."""
    d = tmp_path_factory.mktemp("hostile")
    rng = np.random.default_rng(20251123)
    files: dict[str, tuple[str | bytes, int | None]] = {
        "empty.yaml": ("", 1),
        "comments.yaml": ("# nothing but a comment\n\n", 1),
        "random.yaml": (rng.bytes(4096), 1),
        "png.yaml": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + rng.bytes(200), 1),
        # 5 MB on one line: read, refused (a section must be a list), and bounded in time
        "oneline.yaml": ("deals: " + "x" * (5 * 1024 * 1024) + "\n", 1),
        "latin1.yaml": ("entities:\n  - id: a\n    note: caf\xe9\n".encode("latin-1"), 3),
        "bomb.yaml": (_bomb(), 4),  # line 4 holds the first alias
        "nested.yaml": ("deals:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 1500)), 1),
        "flow-nested.yaml": ("deals: " + "[" * 1200 + "]" * 1200 + "\n", 1),
        "duplicate.yaml": ("deals:\n  - id: d1\n    title: one\n    title: two\n", 4),
        "tabs.yaml": ("deals:\n\t- id: d1\n", 2),
        "list-at-top.yaml": ("- 1\n- 2\n", 1),
        "scalar-at-top.yaml": ("just a sentence\n", 1),
    }
    out: dict[str, tuple[Path, int | None]] = {}
    for name, (content, line) in files.items():
        p = d / name
        if isinstance(content, bytes):
            p.write_bytes(content)
        else:
            p.write_text(content, encoding="utf-8")
        out[name] = (p, line)
    (d / "empty-folder").mkdir()
    out["empty-folder"] = (d / "empty-folder", None)
    (d / "folder-of-text").mkdir()
    (d / "folder-of-text" / "readme.txt").write_text("not a ledger\n")
    out["folder-of-text"] = (d / "folder-of-text", None)
    out["missing"] = (d / "no-such-dir" / "ledger.yaml", None)
    return out


def _ledger_commands() -> Iterator[tuple[str, click.Command]]:
    def walk(cmd: click.Command, path: tuple[str, ...]) -> Iterator[tuple[str, click.Command]]:
        if isinstance(cmd, click.Group):
            for name in sorted(cmd.commands):
                yield from walk(cmd.commands[name], (*path, name))
        elif any(p.name == "ledger_path" for p in cmd.params):
            yield " ".join(path), cmd
    yield from walk(main, ())


LEDGER_COMMANDS = list(_ledger_commands())


@pytest.fixture(scope="module")
def fillers(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """What to give each required argument other than the ledger, so that the ledger is what fails."""
    d = tmp_path_factory.mktemp("fillers")
    article = d / "article.txt"
    article.write_text("OpenAI will pay Oracle $300 billion over five years.\n", encoding="utf-8")
    proposals = d / "proposals.json"
    proposals.write_text("[]\n", encoding="utf-8")
    return {"entity": ["a"], "scenario": ["base"], "articles": [str(article)], "proposals": [str(proposals)],
            "_report": ["--no-stress", "-o", str(d / "report.html")]}


def _args_with_ledger(path: str, cmd: click.Command, ledger: Path, fillers: dict[str, list[str]]) -> list[str]:
    args = path.split()
    for p in cmd.params:
        if isinstance(p, click.Argument) and p.name != "ledger_path" and (p.required or p.name in fillers):
            assert p.name in fillers, f"add a filler for the required argument {p.name!r} of 'dealweb {path}'"
            args += fillers[p.name]
    opt = next(p for p in cmd.params if p.name == "ledger_path")
    args += [str(ledger)] if isinstance(opt, click.Argument) else [opt.opts[0], str(ledger)]
    if path == "report":
        args += fillers["_report"]
    return args


def test_every_room_that_reads_a_ledger_is_covered() -> None:
    names = {n for n, _ in LEDGER_COMMANDS}
    assert {"check", "show", "export", "loops", "trace", "exposure", "report", "serve", "stress", "ingest",
            "review", "metrics all", "metrics breakeven"} <= names


HOSTILE_NAMES = ["empty.yaml", "comments.yaml", "random.yaml", "png.yaml", "oneline.yaml", "latin1.yaml",
                 "bomb.yaml", "nested.yaml", "flow-nested.yaml", "duplicate.yaml", "tabs.yaml", "list-at-top.yaml",
                 "scalar-at-top.yaml", "empty-folder", "folder-of-text", "missing"]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_hostile_ledgers_are_refused_by_every_command(
        name: str, hostile: dict[str, tuple[Path, int | None]], fillers: dict[str, list[str]]) -> None:
    # One file through every command in a row: the first command parses it, the others reuse the load
    # (dealweb caches loads by content hash), which keeps this fast.
    ledger, line = hostile[name]
    shown = ledger.name if name != "missing" else str(ledger)
    for path, cmd in LEDGER_COMMANDS:
        start = time.process_time()  # this process's CPU time: what a bomb would burn, not the machine's load
        res = invoke(_args_with_ledger(path, cmd, ledger, fillers))
        took = time.process_time() - start
        try:
            assert_refused(res, shown, line)
        except AssertionError as exc:
            raise AssertionError(f"'dealweb {path}' on {name}: {exc}") from None
        assert took < 20, f"'dealweb {path}' took {took:.1f} CPU s on {name}"


def test_every_hostile_file_is_tried() -> None:
    assert sorted(HOSTILE_NAMES) == sorted(["empty.yaml", "comments.yaml", "random.yaml", "png.yaml",
                                            "oneline.yaml", "latin1.yaml", "bomb.yaml", "nested.yaml",
                                            "flow-nested.yaml", "duplicate.yaml", "tabs.yaml",
                                            "list-at-top.yaml", "scalar-at-top.yaml", "empty-folder",
                                            "folder-of-text", "missing"])


def test_alias_bomb_is_refused_fast_wherever_the_alias_is_used(tmp_path: Path) -> None:
    # The alias used where the loader turns a value into text (an entity reference), or as the value of a
    # duplicate key (ruamel prints it in its error message: 'amount' below is written twice), once made
    # dealweb build the 9**10-value string: minutes and gigabytes. Now the file is refused before any value
    # is built.
    for field in ("from", "title", "amount", "claims"):
        p = tmp_path / f"bomb-{field}.yaml"
        body = ledger_text().replace("    from: a\n", "    from: *x9\n") if field == "from" else \
            ledger_text().replace("    title: d1\n", f"    {field}: *x9\n" if field != "title" else "    title: *x9\n")
        p.write_text(_bomb() + body, encoding="utf-8")
        start = time.process_time()  # CPU time (the bomb's cost), not wall time (which load stretches)
        res = invoke(["check", p])
        assert time.process_time() - start < 5
        msg = assert_refused(res, p.name, 4, code=1)
        assert "alias" in msg


def test_duplicate_key_with_a_long_value_gives_a_short_message(tmp_path: Path) -> None:
    p = tmp_path / "dup.yaml"
    p.write_text("deals:\n  - id: d1\n    id: " + "x" * 100_000 + "\n", encoding="utf-8")
    msg = assert_refused(invoke(["check", p]), p.name, 3, code=1)
    assert "duplicate key" in msg and len(msg) < 1000


def test_control_character_is_one_line_with_its_position(tmp_path: Path) -> None:
    # found by the fuzz below: ruamel's reader error spans two lines and gave no line or column
    p = tmp_path / "esc.yaml"
    p.write_text("deals:\n  - id: a\x1b\n", encoding="utf-8")
    res = invoke(["check", p])
    msg = assert_refused(res, p.name, 2, code=1)
    assert f"{p.name}:2:10: malformed YAML: character U+001B is not allowed" in msg and "\\u001b" in msg
    assert len(res.stdout.strip().splitlines()) == 1


def test_deep_brackets_are_refused_at_once_on_their_line(tmp_path: Path) -> None:
    # ruamel needed seconds for 1000 nested '[' (its scan grows with the square of the depth); now refused
    p = tmp_path / "deep.yaml"
    p.write_text(ENTITIES + "deals:\n  - id: d1\n    note: " + "[" * 20_000 + "]" * 20_000 + "\n", encoding="utf-8")
    start = time.process_time()
    msg = assert_refused(invoke(["check", p]), p.name, 7, code=1)
    assert time.process_time() - start < 2
    assert "nested 20000 levels deep" in msg
    assert flow_depth("a: [1, {b: [2]}]\nc: [\n  [3]]\n") == (3, 1)  # by hand: [ { [ on line 1
    assert flow_depth("x: 1\ny: [[[]]]\n") == (3, 2)


def test_self_referring_alias_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "loop.yaml"
    p.write_text("ledger:\n  name: loop\n  note: &me [1, *me]\n" + ENTITIES, encoding="utf-8")
    assert_refused(invoke(["check", p]), p.name, 3, code=1)


def test_expanded_size_counts_aliases_once_each_use() -> None:
    leaf = [1, 2]  # 1 list + 2 values = 3
    shared = [leaf, leaf, leaf]  # 1 + 3 x 3 = 10 (by hand)
    assert expanded_size(shared, 100) == 10
    assert expanded_size({"k": shared}, 100) == 1 + 1 + 10  # the mapping, its key, its value
    assert expanded_size(shared, 9) is None  # past the limit
    loop: list[object] = []
    loop.append(loop)
    assert expanded_size(loop, 10**9) is None  # infinite when expanded


def test_an_ordinary_ledger_is_not_taken_for_a_bomb() -> None:
    # the bundled ledger uses no alias; it must load without the expansion guard firing
    assert not [p for p in load_ledger(None).errors if "alias" in p.message]


# ------------------------------------------------------------------------------------------------ amounts
@pytest.mark.parametrize(("amount", "phrase"), [
    ("-5億美元", "negative amount"),
    ("-5", "negative amount"),
    ("1e400", "not a finite number"),  # YAML reads 1e400 as float inf: it was once called 'negative'
    (".inf", "not a finite number"),
    (".nan", "not a finite number"),
    ("nan", "cannot read 'nan'"),
    ("inf", "cannot read 'inf'"),
    ("9" * 400, "too large"),  # an int with 400 digits: float() overflows (was an 'internal error')
    ("9" * 320 + "兆美元", "too large"),  # text that parses to inf
    ("'9e300 trillion dollars'", "cannot read"),
    ("{low: 5, high: 1, currency: USD}", "inverted amount"),
    ("{low: .nan, currency: USD}", "non-negative number"),
])
def test_bad_amounts_name_file_line_and_field(tmp_path: Path, amount: str, phrase: str) -> None:
    p = tmp_path / "amounts.yaml"
    p.write_text(ledger_text(amount), encoding="utf-8")
    msg = assert_refused(invoke(["check", p]), p.name, AMOUNT_LINE, code=1)
    assert phrase in msg
    res = invoke(["check", p, "--json"])
    probs = [q for q in json.loads(res.stdout)["problems"] if q["severity"] == "error"]
    assert probs and all(q["line"] in (AMOUNT_LINE, AMOUNT_LINE + 6, AMOUNT_LINE + 12) for q in probs)
    assert {q["field"] for q in probs} <= {"amount", "low", "high"}
    assert all(q["hint"] for q in probs)


@pytest.mark.parametrize(("value", "found"), [("[a, b]", "a list"), ("{id: a}", "a mapping"), ("true", "true/false")])
def test_entity_reference_that_is_not_an_id(tmp_path: Path, value: str, found: str) -> None:
    # a list here was once turned into text and then looked up as a name ("unknown entity '[...]'")
    p = tmp_path / "ref.yaml"
    p.write_text(ledger_text().replace("    from: a\n", f"    from: {value}\n", 1), encoding="utf-8")
    msg = assert_refused(invoke(["check", p]), p.name, AMOUNT_LINE - 2, code=1)
    assert f"must be an entity id, found {found}" in msg


@pytest.mark.parametrize(("escape", "code"), [("\\uD800", "D800"), ("\\x1b[31m", "001B"), ("\\x00", "0000"),
                                            ("\\uFFFF", "FFFF")])
def test_escaped_characters_no_output_can_carry(tmp_path: Path, escape: str, code: str) -> None:
    # a lone surrogate written as a YAML escape passed the loader and then crashed export and report
    # (UnicodeEncodeError); control characters reach terminals and XML. Refused where they are written.
    p = tmp_path / "esc.yaml"
    p.write_text(ledger_text().replace("    title: d2\n", f'    title: "d2 {escape}"\n'), encoding="utf-8")
    msg = assert_refused(invoke(["check", p]), p.name, 13, code=1)
    assert f"U+{code}" in msg
    for args in (["export", p], ["export", p, "--format", "graphml"], ["show", "--ledger", p]):
        assert_refused(invoke(args), p.name, 13, code=1)


def test_document_file_that_is_not_text_is_named(tmp_path: Path) -> None:
    # a binary or Latin-1 document file was silently taken for 'not found': its quotes went unchecked unsaid
    (tmp_path / "article.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    p = tmp_path / "l.yaml"
    p.write_text(ledger_text().replace("deals:\n", "documents:\n  - {id: d1, title: T, file: article.txt}\ndeals:\n"),
                 encoding="utf-8")
    res = invoke(["check", p])
    assert res.exit_code == 0, res.output  # a warning: the quotes are not checked, nothing else is wrong
    line = next(ln for ln in res.output.splitlines() if "article.txt" in ln)
    assert line.startswith(f"{p}:6:") and "is not UTF-8 text (byte 0x89 at offset 0)" in line
    assert _HINTED.search(line)


@pytest.mark.parametrize("amount", ["{low: 1.0e308, high: 1.7e308, currency: USD}", "1.0e308", "300000000000000000000",
                                    "2000000000000億美元"])
def test_amounts_past_any_real_figure_are_refused(tmp_path: Path, amount: str) -> None:
    # {low: 1e308, high: 1.7e308} once had an infinite midpoint and crashed every --json output; sums of
    # figures near the float limit overflow anyway, so figures past 1e20 are refused as scale slips
    p = tmp_path / "edge.yaml"
    p.write_text(ledger_text(amount), encoding="utf-8")
    msg = assert_refused(invoke(["check", p]), p.name, AMOUNT_LINE, code=1)
    assert "larger than any real figure" in msg


def test_midpoints_do_not_overflow() -> None:
    a = Amount(1.0e308, 1.7e308, Qualifier.RANGE, "USD", "")
    assert math.isclose(a.pick("mid"), 1.35e308, rel_tol=1e-12)  # by hand: 0.5e308 + 0.85e308
    assert math.isclose(a.point, 1.35e308, rel_tol=1e-12)
    assert parse_amount("3200至4800億美元").nominal == 4.0e11  # (3.2e11 + 4.8e11) / 2, unchanged


def test_the_largest_allowed_amounts_stay_finite_through_every_json_output(tmp_path: Path) -> None:
    p = tmp_path / "edge.yaml"
    p.write_text(ledger_text("{low: 9.0e19, high: 1.0e20, currency: USD}"), encoding="utf-8")
    res = invoke(["export", p])
    assert res.exit_code == 0, res.output
    assert math.isclose(json.loads(res.stdout)["deals"][0]["amount"]["nominal"], 9.5e19, rel_tol=1e-12)
    for args in (["show", "--ledger", p, "--json"], ["show", "a", "--ledger", p, "--json"],
                 ["loops", p, "--json"], ["trace", "a", "--ledger", p, "--json"],
                 ["exposure", "a", "--ledger", p, "--json"], ["metrics", "all", "--ledger", p, "--json"]):
        r = invoke(args)
        assert r.exit_code == 0 and "Traceback" not in r.output, (args, r.output)
        json.loads(r.stdout)
    loops = json.loads(invoke(["loops", p, "--json"]).stdout)
    assert len(loops) == 1 and math.isclose(loops[0]["bottleneck"], 9.5e19, rel_tol=1e-12)


def test_zero_amounts_are_a_legit_empty_result(tmp_path: Path) -> None:
    p = tmp_path / "zero.yaml"
    p.write_text(ledger_text("0美元"), encoding="utf-8")
    res = invoke(["loops", p, "--json"])
    assert res.exit_code == 0 and json.loads(res.stdout) == []


# ------------------------------------------------------------------------------ entities, dates, amounts
@pytest.mark.parametrize("args", [
    ["show", "nosuchco"], ["trace", "nosuchco"], ["exposure", "nosuchco"],
    ["show", "nosuchco", "--json"], ["trace", "nosuchco", "--json"], ["exposure", "nosuchco", "--json"],
], ids=" ".join)
def test_unknown_entity(args: list[str]) -> None:
    msg = assert_refused(invoke(args), "nosuchco", code=2)
    assert msg.startswith("error: ")


def test_unknown_entity_suggests_the_close_one(tmp_path: Path) -> None:
    p = tmp_path / "l.yaml"
    p.write_text(ledger_text(), encoding="utf-8")
    msg = assert_refused(invoke(["show", "Alpah", "--ledger", p]), "Alpah")
    assert "a" in msg.split("hint:")[1]
    assert_refused(invoke(["show", "", "--ledger", p]), "entity name is empty", code=2)


@pytest.mark.parametrize("at", ["2025-02-30", "yesterday", "2025-13-01", "99999-01-01", ""])
@pytest.mark.parametrize("cmd", [["show"], ["show", "oracle"], ["loops"], ["trace", "oracle"],
                                 ["exposure", "oracle"], ["export", "--format", "csv"]], ids=" ".join)
def test_bad_at_dates(cmd: list[str], at: str) -> None:
    msg = assert_refused(invoke([*cmd, "--at", at]), f"'{at}'", code=2)
    assert "YYYY-MM-DD" in msg


def test_bad_report_date(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    assert_refused(invoke(["report", "--no-stress", "-o", out, "--on", "2025-02-30"]), "2025-02-30", code=2)
    assert not out.exists()


@pytest.mark.parametrize(("args", "phrase"), [
    (["trace", "oracle", "--amount", "huge"], "'huge' is not one of"),
    (["loops", "--amount", "-1"], "is not one of"),
    (["metrics", "capacity", "--usd", "abc"], "'abc' is not an amount"),
    (["metrics", "capacity", "--usd", "-5億美元"], "negative amount"),
    (["metrics", "capacity", "--usd", "nan"], "finite"),
    (["metrics", "breakeven", "--capex", "-5"], "must not be negative"),
    (["metrics", "breakeven", "--capex", "nan"], "finite"),
    (["metrics", "breakeven", "--capex", "inf"], "finite"),
    (["metrics", "breakeven", "--capex", "1e308", "--capex", "1e308"], "finite"),
    (["metrics", "breakeven", "--life", "0"], "greater than 0"),
    (["metrics", "breakeven", "--life", "-1"], "greater than 0"),
    (["metrics", "breakeven", "--life", "nan"], "finite"),
    (["metrics", "breakeven", "--margin", "2"], "fraction"),
    (["metrics", "breakeven", "--lives", "3,x"], "comma-separated"),
    (["metrics", "capacity", "--gw", "-1"], "must not be negative"),
    (["metrics", "capacity", "--gw", "1e400"], "finite"),
    (["metrics", "capacity", "--gw", "1", "--per-gw-low", "10", "--per-gw-high", "5"], "above"),
    (["metrics", "backlog", "--rpo", "nan"], "finite"),
    (["metrics", "backlog", "--schedule", "1e9,-5"], "must not be negative"),
    (["metrics", "backlog", "--customer-years", "0"], "greater than 0"),
    (["metrics", "funding-gap", "--years", "0"], "greater than 0"),
    (["metrics", "funding-gap", "--share-available", "2"], "fraction"),
    (["metrics", "funding-gap", "--growth", "-5"], "above -1"),
    (["metrics", "amplification", "--deal", "0"], "greater than 0"),
    (["metrics", "cap-table", "--valuation", "1e11", "--from", "0.5", "--to", "0.8"], "above the stake before"),
    (["metrics", "cap-table", "--valuation", "-1", "--from", "1", "--to", "0.2"], "greater than 0"),
    (["metrics", "bubble", "--entity", "x:forward_pe=abc"], "not a number"),
    (["metrics", "bubble", "--reference-pe", "nan"], "finite"),
    # found by this file: a term of 10**8 years built 10**8 rows (the process was killed for memory)
    (["metrics", "funding-gap", "--years", "100000000"], "at most 100 years"),
    # found by this file: growth compounded over a long term raised OverflowError (a traceback)
    (["metrics", "funding-gap", "--years", "100", "--growth", "1e10"], "compounds past any number"),
    (["metrics", "backlog", "--customer-years", "5000", "--customer-growth", "0.5"], "at most 100 years"),
    (["metrics", "backlog", "--customer-years", "90", "--customer-growth", "1e100"], "compounds past any number"),
    # found by this file: a bare name with no figures was accepted and judged on nothing
    (["metrics", "bubble", "--entity", "garbage"], "gives no figures"),
], ids=lambda a: " ".join(a) if isinstance(a, list) else None)
def test_bad_option_values(args: list[str], phrase: str) -> None:
    start = time.process_time()  # CPU time: a runaway loop or expansion, not a loaded machine's wait
    res = invoke(args)
    assert time.process_time() - start < 10
    out = res.output
    assert res.exception is None or isinstance(res.exception, SystemExit), out
    assert "Traceback" not in out and res.exit_code == 2, out
    assert phrase in out, out
    # click's own usage errors name the option; dealweb's own say what to pass
    assert re.search(r"'--[a-z-]+'", out) or _HINTED.search(out.strip().splitlines()[-1]), out


# ------------------------------------------------------------------------------------------------ outputs
@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A three-entity ledger: the report renders it in a fraction of the bundled ledger's time."""
    p = tmp_path_factory.mktemp("tiny") / "tiny.yaml"
    p.write_text(ledger_text(), encoding="utf-8")
    return p


def _unwritable_dir(tmp_path: Path) -> Path:
    """A folder nobody may create files in: a 0o555 folder, or (as root, who ignores modes) /sys."""
    d = tmp_path / "read-only"
    d.mkdir()
    d.chmod(0o555)
    try:
        (d / "probe").touch()
    except PermissionError:
        return d
    (d / "probe").unlink()
    d.chmod(0o755)
    return Path("/sys")  # sysfs refuses new files even to root


@pytest.mark.parametrize("cmd", [["export"], ["export", "--format", "csv"], ["report", "--no-stress"]],
                         ids=" ".join)
def test_output_into_a_missing_folder(tmp_path: Path, cmd: list[str], tiny: Path) -> None:
    target = tmp_path / "no-such-folder" / "out.file"
    assert_refused(invoke([*cmd, tiny, "-o", target]), str(target), code=2)
    assert not target.parent.exists()


@pytest.mark.parametrize("cmd", [["export"], ["report", "--no-stress"]], ids=" ".join)
def test_output_into_a_read_only_folder(tmp_path: Path, cmd: list[str], tiny: Path) -> None:
    # export once let mkstemp's PermissionError escape as a traceback
    folder = _unwritable_dir(tmp_path)
    target = folder / "dealweb-out.file"
    before = set(folder.iterdir())
    assert_refused(invoke([*cmd, tiny, "-o", target]), str(target), code=2)
    assert not target.exists()
    assert set(folder.iterdir()) == before


def test_export_output_under_a_file_names_it(tmp_path: Path) -> None:
    f = tmp_path / "plain.txt"
    f.write_text("x")
    msg = assert_refused(invoke(["export", "-o", f / "out.json"]), str(f), code=2)
    assert "not a folder" in msg


def test_export_keeps_the_old_file_when_the_write_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "web.json"
    target.write_text("OLD CONTENT\n")

    def refuse(src: str, dst: str) -> None:
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(ledger_cmds.os, "replace", refuse)
    assert_refused(invoke(["export", "-o", target]), str(target), code=2)
    assert target.read_text() == "OLD CONTENT\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["web.json"]  # no temporary file left behind


def test_export_replaces_an_existing_file_whole(tmp_path: Path) -> None:
    target = tmp_path / "web.json"
    target.write_text("OLD CONTENT\n" * 100_000)
    res = invoke(["export", "--ledger", "ai-capex-2025", "-o", target])
    assert res.exit_code == 0, res.output
    assert json.loads(target.read_text())["name"] == "ai-capex-2025"


@pytest.mark.parametrize("opt", ["--png", "--svg"])
def test_report_picture_into_a_missing_folder(tmp_path: Path, opt: str, tiny: Path) -> None:
    pic = tmp_path / "none" / f"map.{opt[2:]}"
    assert_refused(invoke(["report", tiny, "--no-stress", "-o", tmp_path / "r.html", opt, pic]), str(pic), code=2)
    assert not pic.exists()


# -------------------------------------------------------------------------------- real processes, stderr
def _dealweb(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", "from dealweb.cli import main; main()", *map(str, args)],
                          capture_output=True, text=True, timeout=600, cwd=cwd)


def test_real_process_bad_date_is_one_line_on_stderr(tmp_path: Path) -> None:
    proc = _dealweb("show", "--at", "yesterday", cwd=tmp_path)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.strip().splitlines() == [
        "error: --at 'yesterday' is not a date (hint: write YYYY-MM-DD, e.g. --at 2025-10-01)"]


def test_real_process_bad_files_name_file_and_line_on_stderr(tmp_path: Path) -> None:
    (tmp_path / "bomb.yaml").write_text(_bomb() + ledger_text(), encoding="utf-8")
    proc = _dealweb("check", "bomb.yaml", cwd=tmp_path)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr + proc.stdout
    # check's report of problems is its output (stdout); the summary of a failed check goes to stderr
    first = proc.stdout.strip().splitlines()[0]
    assert first.startswith("bomb.yaml:4:1: ") and _HINTED.search(first)
    assert proc.stderr.strip().splitlines() == [
        "bomb.yaml: 0 entities, 0 deals, 0 facts, 0 documents; 1 error(s), 0 warning(s) (0 conflict(s))"]
    (tmp_path / "d.yaml").write_text(ledger_text("-5億美元"), encoding="utf-8")
    proc = _dealweb("trace", "a", "--ledger", "d.yaml", cwd=tmp_path)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.startswith(f"d.yaml:{AMOUNT_LINE}:13: negative amount '-5億美元' in 'amount' (")
    assert proc.stderr.strip().splitlines()[-1] == \
        "error: the ledger has 3 error(s) (hint: run 'dealweb check' to see them all)"


def test_real_process_unwritable_output(tmp_path: Path) -> None:
    folder = _unwritable_dir(tmp_path)
    proc = _dealweb("export", "-o", folder / "x.json", cwd=tmp_path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.startswith(f"error: cannot write {folder / 'x.json'}: ")
    assert "(hint: " in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


# ------------------------------------------------------------------------------------------------- fuzz
_YAMLISH = st.text(alphabet=st.sampled_from(list("abdeilnst:-_ \n\t[]{}&*!|>'\"#%@,?.0123456789億美元兆")),
                   max_size=300)
_TEMPLATED = st.builds(
    lambda section, key, value: f"{section}:\n  - {key}: {value}\n",
    st.sampled_from(["deals", "entities", "facts", "documents", "fx", "ledger", "dealz"]),
    st.sampled_from(["id", "amount", "from", "date", "kind", "names", "claims", "rate", "x"]),
    st.text(max_size=40).map(lambda s: s.replace("\n", " ")),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.one_of(st.text(max_size=300), _YAMLISH, _TEMPLATED))
def test_fuzz_check_never_crashes(tmp_path: Path, text: str) -> None:
    p = tmp_path / "fuzz.yaml"
    p.write_text(text, encoding="utf-8")
    res = invoke(["check", p])
    assert res.exception is None or isinstance(res.exception, SystemExit), (text, res.output)
    assert "Traceback" not in res.output
    assert res.exit_code in (0, 1), (text, res.output)
    out = [ln for ln in res.stdout.splitlines() if ln.strip()]
    err = [ln for ln in res.stderr.splitlines() if ln.strip()]
    summary = err[-1] if res.exit_code == 1 else out.pop()
    assert summary.startswith(f"{p}: ") and "error(s)" in summary, summary
    if res.exit_code == 1:
        assert out, "errors but no problem listed"
    for ln in out:  # every problem names the file, a line and a column, then says what is wrong
        assert re.match(rf"^{re.escape(str(p))}:\d+:\d+: \S", ln), ln


# ------------------------------------------------------------------- other input files: edges, articles, ...
@pytest.mark.parametrize(("content", "where", "phrase"), [
    ("source,target,amount\na,b,abc\n", ":2:", "is not a number"),
    ("source,target,amount\na,b,nan\n", ":2:", "not a finite number"),
    ("source,target,amount\na,b,1\nb,a,inf\n", ":3:", "not a finite number"),
    ("source,target,amount\na,b,-5\n", ":2:", "negative amount"),
    ("x,y\n1,2\n", ":1:", "missing column"),
    ("", "", "empty"),
], ids=["text", "nan", "inf", "negative", "columns", "empty"])
@pytest.mark.parametrize("cmd", [["loops"], ["trace", "a"], ["exposure", "a"]], ids=" ".join)
def test_bad_edge_lists(tmp_path: Path, cmd: list[str], content: str, where: str, phrase: str) -> None:
    p = tmp_path / "edges.csv"
    p.write_text(content, encoding="utf-8")
    msg = assert_refused(invoke([*cmd, "--edges", p]), f"{p}{where}", code=2)
    assert phrase in msg


def test_missing_edge_list() -> None:
    assert_refused(invoke(["loops", "--edges", "/no/such/edges.csv"]), "/no/such/edges.csv", code=2)


@pytest.mark.parametrize(("content", "extra", "phrase"), [
    (b"\x00\x01binary\x00" * 50, [], "binary"),
    ("caf\xe9 au lait".encode("latin-1"), [], "not valid utf-8"),
    (b"OpenAI", ["--encoding", "nosuch"], "unknown encoding"),
], ids=["binary", "latin-1", "encoding"])
def test_bad_articles(tmp_path: Path, content: bytes, extra: list[str], phrase: str) -> None:
    p = tmp_path / "article.txt"
    p.write_bytes(content)
    res = invoke(["ingest", p, "--no-ledger", *extra])
    msg = assert_refused(res, None if phrase == "unknown encoding" else p.name, code=1)
    assert phrase in msg


def test_article_that_is_a_folder(tmp_path: Path) -> None:
    msg = assert_refused(invoke(["ingest", tmp_path, "--no-ledger"]), str(tmp_path), code=1)
    assert "directory" in msg


@pytest.mark.parametrize(("content", "phrase"), [
    ("{not json", ":1:2: not valid JSON"),
    ("", ":1:1: not valid JSON"),
    ("{}", "expected a JSON list"),
    ('[{"id": 5}]', "item 0 lacks"),
    (b"\xff\xfe\x00binary", "not UTF-8"),
], ids=["syntax", "empty", "object", "item", "binary"])
def test_bad_proposal_files(tmp_path: Path, content: str | bytes, phrase: str) -> None:
    p = tmp_path / "proposals.json"
    if isinstance(content, bytes):
        p.write_bytes(content)
    else:
        p.write_text(content, encoding="utf-8")
    msg = assert_refused(invoke(["review", p]), p.name, code=2)
    assert phrase in msg


@pytest.mark.parametrize(("content", "line", "phrase"), [
    ("scenario:\n  name: a\n  name: b\n", 3, "duplicate key"),
    ("scenario:\n\tname: a\n", 2, "'\\t'"),
    ("", 1, "empty file"),
    ("scenario:\n  name: a\nshocks: 5\n", None, ""),
], ids=["duplicate", "tabs", "empty", "shocks"])
def test_bad_scenario_files(tmp_path: Path, content: str, line: int | None, phrase: str) -> None:
    p = tmp_path / "scenario.yaml"
    p.write_text(content, encoding="utf-8")
    res = invoke(["stress", p])
    assert res.exception is None or isinstance(res.exception, SystemExit), res.output
    assert "Traceback" not in res.output and res.exit_code != 0
    named = [ln for ln in res.output.splitlines() if ln.startswith(f"{p}:")]
    assert named and all(_HINTED.search(ln) for ln in named), res.output
    if line is not None:
        assert named[0].startswith(f"{p}:{line}:") and phrase in named[0], res.output


@pytest.mark.parametrize("args", [["export"], ["export", "--format", "csv"], ["show", "--json"],
                                  ["check", "--json"], ["metrics", "capacity", "--gw", "1", "--json"]],
                         ids=" ".join)
def test_real_process_full_disk_on_stdout(tmp_path: Path, args: list[str]) -> None:
    # writing JSON/exports to a full device (/dev/full: every write fails with ENOSPC) was a traceback
    with open("/dev/full", "w") as full:
        proc = subprocess.run([sys.executable, "-c", "from dealweb.cli import main; main()", *args],
                              stdout=full, stderr=subprocess.PIPE, text=True, timeout=600, cwd=tmp_path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    assert proc.stderr.strip().splitlines() == [
        "error: cannot write the output: No space left on device (hint: free some space, or send the output "
        "elsewhere (> FILE, or -o FILE where the command has it))"]
