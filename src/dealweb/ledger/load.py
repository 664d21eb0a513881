"""Load a ledger directory into a :class:`dealweb.model.Ledger`, collecting every problem on the way.

The pipeline follows Beancount: parse every file (problems, never exceptions) -> build frozen records in
dependency order (fx, entities, documents, then deals and facts that refer to them) -> validate the claims
against their documents -> derive conflicts. Every record carries ``pos`` so that any problem points at the
line a person must fix.
"""

from __future__ import annotations

import bisect
import calendar
import difflib
import hashlib
import math
import os
import re
import sys
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from dealweb.errors import InputError, Problem
from dealweb.ledger import vocab
from dealweb.ledger.analyses import AnalysesMixin
from dealweb.ledger.checks import check_claim_against_text, derive_conflicts, stated_in_quote
from dealweb.ledger.fastyaml import PosDict
from dealweb.ledger.terms import TermsMixin
from dealweb.ledger.yamlio import YamlFile, item_pos, key_pos, node_pos, read_yaml_file, value_pos
from dealweb.limits import LimitError, read_regular
from dealweb.model import (
    FLOW_KIND,
    Claim,
    Deal,
    Document,
    Entity,
    EntityKind,
    Event,
    Fact,
    Flow,
    Ledger,
    Party,
    Pos,
    Status,
    Tier,
    Window,
)
from dealweb.money import COUNT_UNITS, Amount, AmountError, FxRate, FxTable, Qualifier, parse_amount
from dealweb.periods import PeriodError, fiscal_period

__all__ = ["DOCUMENTS_ENV", "LoadResult", "default_ledger_path", "env_documents_dirs", "load_ledger",
           "resolve_ledger"]

#: Environment variable naming extra folders (separated by ``os.pathsep``) where documents are looked for.
DOCUMENTS_ENV = "DEALWEB_DOCUMENTS"

_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_MONEY_FIELDS = ("amount",)
# No real figure comes near this (world output is about 1e14 USD a year; the largest share counts about
# 1e11): larger values are scale slips, and sums of them would overflow to infinity downstream.
_MAX_FIGURE = 1e20
# Bounds of single numbers beyond the figure bound: a term of years (schedules are built quarter by quarter),
# gigawatts (the world's whole generating capacity is about 9,000 GW).
_MAX_NUMBER = {"years": 100.0, "capacity_gw": 10_000.0,
               # checked by their own rules: the fx range below, the amount's figure bound
               "rate": math.inf, "low": math.inf, "high": math.inf, "nominal": math.inf, "usd_low": math.inf,
               "usd_high": math.inf}
_MAX_NUMBER_HINT = {"years": "a term is a number of years, e.g. 5", "capacity_gw": "capacity is in gigawatts: "
                    "1 GW is a large data-centre campus; write MW figures divided by 1000"}
# Dates outside these years are typing slips (0025 for 2025); they would also stretch every period grid.
_MIN_YEAR, _MAX_YEAR = 1900, 2200
# USD per unit of a currency: the weakest currencies trade near 1e-5 USD, the strongest near 3.3 USD; a rate
# outside these bounds is a slip (an inverted rate, a missing decimal point) and would overflow sums.
_MIN_FX_RATE, _MAX_FX_RATE = 1e-9, 1e3


@dataclass
class LoadResult:
    """What :func:`load_ledger` returns: the ledger (possibly partial) and every problem found."""

    ledger: Ledger
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        """Problems of severity ``error``."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        """Problems of severity ``warning``."""
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        """Whether there is no error (warnings allowed)."""
        return not self.errors


def default_ledger_path() -> Path:
    """The folder of the default bundled ledger (:data:`dealweb.data.DEFAULT_LEDGER`)."""
    from dealweb.data import DEFAULT_LEDGER, bundled_ledgers

    return bundled_ledgers()[DEFAULT_LEDGER]


def resolve_ledger(spec: str | Path | None) -> Path:
    """The ledger folder or file that ``spec`` names: a path, or the name of a bundled ledger.

    ``None`` is the default bundled ledger. An existing path wins over a bundled name, so a folder of
    your own called like a bundled ledger is still yours.

    Raises:
        InputError: ``spec`` is neither an existing path nor a bundled ledger's name; the message lists
            the bundled names (one line).
    """
    from dealweb.data import bundled_ledgers

    if spec is None:
        return default_ledger_path()
    path = Path(spec).expanduser()
    if path.exists():
        return path
    bundled = bundled_ledgers()
    if str(spec) in bundled:
        return bundled[str(spec)]
    names = ", ".join(bundled)
    raise InputError(f"no such ledger: {spec} (neither a file or folder nor a bundled ledger's name)",
                     f"bundled ledgers: {names}; or give a ledger folder or .yaml file")


def env_documents_dirs() -> list[Path]:
    """The folders named by the ``DEALWEB_DOCUMENTS`` environment variable (``os.pathsep``-separated)."""
    value = os.environ.get(DOCUMENTS_ENV, "")
    return [Path(p).expanduser() for p in value.split(os.pathsep) if p.strip()]


def ledger_files(root: Path) -> list[Path]:
    """The YAML files a ledger path holds: itself, or every ``*.yaml``/``*.yml`` below it (sorted, no dot-dirs)."""
    if root.is_file():
        return [root]
    return sorted(
        p for p in root.rglob("*")
        if p.suffix in (".yaml", ".yml") and (p.is_file() or (p.exists() and not p.is_dir()))
        and not any(part.startswith(".") for part in p.relative_to(root).parts)
    )


def _digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(read_regular(path)).hexdigest()
    except (OSError, InputError):  # unreadable, or not a regular file: never cached, reported by the load
        return None


# Loads are cached per process, keyed by the content (sha256) of every file they read: parsing is the slow
# part (ruamel.yaml's round trip is pure Python), and the web app, the report and tests load one ledger
# many times. A hit is checked against the documents it read too; each caller gets its own copy.
_CACHE: OrderedDict[tuple[Any, ...], tuple[LoadResult, tuple[tuple[str, str | None], ...]]] = OrderedDict()
_CACHE_SIZE = 8


def _closest(word: str, choices: Sequence[str], n: int = 3) -> list[str]:
    return difflib.get_close_matches(word, list(choices), n=n, cutoff=0.6)


def _did_you_mean(word: str, choices: Sequence[str], vocabulary: bool = True) -> str:
    close = _closest(word, choices)
    if close:
        return "did you mean " + " or ".join(repr(c) for c in close) + "?"
    if vocabulary and len(choices) <= 25:
        return "expected one of: " + ", ".join(sorted(choices))
    return ""


def _type_name(v: Any) -> str:
    if v is None:
        return "nothing"
    if isinstance(v, bool):
        return "true/false"
    if isinstance(v, int):
        return "a whole number"
    if isinstance(v, float):
        return "a number"
    if isinstance(v, str):
        return f"text {v!r}" if len(v) < 40 else "text"
    if isinstance(v, dict):
        return "a mapping"
    if isinstance(v, list):
        return "a list"
    return type(v).__name__


class _Loader(TermsMixin, AnalysesMixin):
    """One load: the files, the problems, and the records built so far (terms: ``dealweb.ledger.terms``)."""

    def __init__(self, root: Path, extra_dirs: Sequence[str | Path],
                 overlay: dict[Path, bytes] | None = None, defer: bool = True) -> None:
        self.root = root
        self._args = (root, extra_dirs, overlay)
        # Files holding only deals and facts are parsed when their records are built, one at a time, and
        # their data dropped after: a load holds one such file's parse at a time, not the whole ledger's.
        self.defer = defer and not overlay
        self._stash: dict[Path, tuple[YamlFile, Any, Any] | None] = {}  # facts of deferred files read for deals
        self._later: dict[Path, tuple[str, ...]] = {}  # deferred file -> the sections it was found to hold
        self._dates: dict[tuple[int, int, int], date] = {}  # one date object per day
        self._found: dict[tuple[str | None, str], tuple[str | None, Path | None]] = {}  # document_text's answers
        self._same: dict[Amount, Amount] = {}  # the amounts of the record being built (equal ones kept once)
        # Files as they would be after a write (resolved path -> bytes), read instead of the disk: the
        # writer validates its new content with them before anything is replaced.
        self.overlay = {Path(k).resolve(): v for k, v in (overlay or {}).items()}
        self.overlay_docs = {k: v for k, v in self.overlay.items() if k.suffix not in (".yaml", ".yml")}
        self.problems: list[Problem] = []
        self.extra_dirs = [Path(d) for d in extra_dirs]
        self.files: list[YamlFile] = []
        self.sections: dict[str, list[tuple[YamlFile, Any, Any]]] = {s: [] for s in vocab.SECTIONS}
        self.entities: dict[str, Entity] = {}
        self.documents: dict[str, Document] = {}
        self.deals: dict[str, Deal] = {}
        self.facts: dict[str, Fact] = {}
        self.fx = FxTable()
        self.window: Window | None = None
        self.terms_flagged: set[tuple[str, int, int]] = set()
        self.name = root.stem if root.is_file() else root.name
        self.description = ""
        self.doc_dirs: list[Path] = []
        self._texts: dict[Path, str | None] = {}
        self._unreadable: dict[Path, str] = {}  # document files found but not readable as UTF-8 text
        self._shas: dict[str, Path] | None = None  # sha256 -> file in the documents folders (link-only docs)

    # -- problems ---------------------------------------------------------------------------------------
    def err(self, pos: Pos, message: str, hint: str = "", fld: str = "", severity: str = "error") -> None:
        self.problems.append(Problem(pos.file, pos.line, pos.col, message, hint, severity, fld))

    def warn(self, pos: Pos, message: str, hint: str = "", fld: str = "") -> None:
        self.err(pos, message, hint, fld, severity="warning")

    # -- files ------------------------------------------------------------------------------------------
    def shown(self, path: Path) -> str:
        try:
            return str(path.relative_to(Path.cwd()))
        except ValueError:
            return str(path)

    def read_files(self) -> None:
        paths = ledger_files(self.root)
        if self.overlay:
            known = {p.resolve() for p in paths}
            base = self.root if self.root.is_dir() else None
            paths = sorted([*paths, *(k for k in self.overlay if k.suffix in (".yaml", ".yml") and k not in known
                                      and base is not None and k.is_relative_to(base.resolve()))])
        deferred = False
        for p in paths:
            later = _deferrable(p) if self.defer else None
            if later:
                deferred = True
                self._later[p] = later
                for key in later:
                    self.sections[key].append((p, None, _DEFERRED))
                continue
            if p.resolve() in self.overlay:
                f = read_yaml_file(p, self.shown(p), self.problems, raw=self.overlay[p.resolve()])
            else:
                f = read_yaml_file(p, self.shown(p), self.problems)
            f.text = ""  # not needed after the parse
            self.files.append(f)
            if f.data is None:
                continue
            if not isinstance(f.data, dict):
                self.err(node_pos(f.shown, f.data), f"a ledger file must be a mapping of sections, found "
                         f"{_type_name(f.data)}", "start the file with a section such as 'deals:'")
                continue
            for key, value in f.data.items():
                if key not in vocab.SECTIONS:
                    self.err(key_pos(f.shown, f.data, key), f"unknown section {key!r}",
                             _did_you_mean(str(key), vocab.SECTIONS), fld=str(key))
                    continue
                self.sections[key].append((f, f.data, value))
        has_ledger = deferred or any(self.sections[s] for s in vocab.SECTIONS)
        if not has_ledger and not any(p.message.startswith("malformed YAML") for p in self.problems):
            shown = self.shown(self.root)
            if not paths:
                self.err(Pos(shown, 1, 1), "no ledger here: the directory holds no .yaml file",
                         "point at a ledger directory (a folder of .yaml files with sections such as "
                         "'entities:' and 'deals:') or at one such file")
            elif not self.problems:
                self.err(Pos(shown, 1, 1), "no ledger here: no file holds a ledger section",
                         "ledger files have top-level sections: " + ", ".join(vocab.SECTIONS))

    # -- typed getters ----------------------------------------------------------------------------------
    def keys(self, f: YamlFile, m: Any, allowed: set[str], required: Sequence[str], what: str) -> bool:
        """Report unknown and missing keys; ``False`` when ``m`` is not a mapping at all."""
        if not isinstance(m, dict):
            self.err(node_pos(f.shown, m), f"{what} must be a mapping of keys, found {_type_name(m)}",
                     "write it as 'key: value' lines" + (f" with {', '.join(required)}" if required else ""))
            return False
        for k in m:
            if k not in allowed:
                self.err(key_pos(f.shown, m, k), f"unknown key {k!r} in {what}",
                         _did_you_mean(str(k), sorted(allowed)) or "allowed keys: " + ", ".join(sorted(allowed)),
                         fld=str(k))
        for k in required:
            if k not in m or m[k] is None or m[k] == "":
                self.err(node_pos(f.shown, m), f"{what} has no {k!r}", f"add '{k}: ...'", fld=k)
        return True

    def text(self, f: YamlFile, m: dict, k: str, default: str = "") -> str:
        v = m.get(k)
        if v is None:
            return default
        if isinstance(v, (dict, list)) or isinstance(v, bool):
            self.err(value_pos(f.shown, m, k), f"{k!r} must be text, found {_type_name(v)}",
                     "write a single line of text (quote it if it contains ': ')", fld=k)
            return default
        return str(v)

    def integer(self, f: YamlFile, m: dict, k: str, minimum: int | None = 0) -> int | None:
        v = m.get(k)
        if v is None:
            return None
        if isinstance(v, bool) or not isinstance(v, int):
            self.err(value_pos(f.shown, m, k), f"{k!r} must be a whole number, found {_type_name(v)}",
                     "write digits only, e.g. 123", fld=k)
            return None
        if minimum is not None and v < minimum:
            self.err(value_pos(f.shown, m, k), f"{k!r} must be at least {minimum}, found {v}", fld=k)
            return None
        return int(v)

    def number(self, f: YamlFile, m: dict, k: str, positive: bool = False) -> float | None:
        v = m.get(k)
        if v is None:
            return None
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            self.err(value_pos(f.shown, m, k), f"{k!r} must be a number, found {_type_name(v)}",
                     "write a plain number such as 4.5", fld=k)
            return None
        try:
            x = float(v)
        except OverflowError:  # a whole number with hundreds of digits
            x = math.inf
        if not math.isfinite(x) or x < 0 or (positive and x == 0):
            self.err(value_pos(f.shown, m, k), f"{k!r} must be a {'positive' if positive else 'non-negative'} "
                     f"number, found {v}", "amounts and quantities are sizes, never negative", fld=k)
            return None
        bound = _MAX_NUMBER.get(k, _MAX_FIGURE)
        if x > bound:
            self.err(value_pos(f.shown, m, k), f"{k!r} is {x:.3g}, more than any real one (the bound is {bound:g})",
                     _MAX_NUMBER_HINT.get(k, "check the digits and the scale"), fld=k)
            return None
        return x

    def date_(self, f: YamlFile, m: dict, k: str) -> date | None:
        v = m.get(k)
        if v is None or v == "":
            return None
        if isinstance(v, date):
            return v
        s = str(v).strip()
        pos = value_pos(f.shown, m, k)
        mt = _DATE.match(s)
        if not mt:
            self.err(pos, f"{k!r} is not a date: {s!r}", "write dates as YYYY-MM-DD, e.g. 2025-09-10", fld=k)
            return None
        y, mo, d = (int(x) for x in mt.groups())
        if not _MIN_YEAR <= y <= _MAX_YEAR:
            self.err(pos, f"date {s} is out of range: the year must be between {_MIN_YEAR} and {_MAX_YEAR}",
                     "check the year (write dates as YYYY-MM-DD)", fld=k)
            return None
        if not 1 <= mo <= 12:
            self.err(pos, f"impossible date {s}: there is no month {mo}", "write dates as YYYY-MM-DD", fld=k)
            return None
        last = calendar.monthrange(y, mo)[1]
        if not 1 <= d <= last:
            self.err(pos, f"impossible date {s}: {calendar.month_name[mo]} {y} has {last} days",
                     "check the day of the month", fld=k)
            return None
        day = self._dates.get((y, mo, d))
        if day is None:
            day = self._dates[(y, mo, d)] = date(y, mo, d)
        return day

    def choice(self, f: YamlFile, m: dict, k: str, allowed: Sequence[str], default: str | None,
               what: str) -> str | None:
        v = m.get(k)
        if v is None or v == "":
            return default
        s = str(v)
        if s not in allowed:
            close = _closest(s, allowed)
            hint = ("did you mean " + " or ".join(repr(c) for c in close) + "? ") if close else ""
            self.err(value_pos(f.shown, m, k), f"unknown {what} {s!r}",
                     hint + "expected one of: " + ", ".join(allowed), fld=k)
            return default
        return sys.intern(s)  # a word of the vocabulary: one copy, however many records use it

    def seq(self, f: YamlFile, m: dict, k: str) -> list[Any]:
        v = m.get(k)
        if v is None:
            return []
        if not isinstance(v, list):
            self.err(value_pos(f.shown, m, k), f"{k!r} must be a list, found {_type_name(v)}",
                     f"write '{k}:' followed by '- ' items, or [a, b]", fld=k)
            return []
        return v

    def str_list(self, f: YamlFile, m: dict, k: str) -> tuple[str, ...]:
        v = m.get(k)
        if isinstance(v, str):
            return (v,)
        out = []
        for i, x in enumerate(self.seq(f, m, k)):
            if isinstance(x, (dict, list)) or x is None:
                self.err(item_pos(f.shown, m[k], i), f"item {i + 1} of {k!r} must be text, found {_type_name(x)}",
                         fld=k)
                continue
            out.append(str(x))
        return tuple(out)

    # -- amounts ----------------------------------------------------------------------------------------
    def amount(self, f: YamlFile, m: dict, k: str, default_unit: str | None, money: bool) -> Amount | None:
        v = m.get(k)
        if v is None or v == "":
            return None
        pos = value_pos(f.shown, m, k)
        a: Amount | None
        if isinstance(v, bool):
            self.err(pos, f"{k!r} must be an amount, found true/false", "write e.g. 400億美元", fld=k)
            return None
        if isinstance(v, (int, float)):
            try:
                x = float(v)
            except OverflowError:
                x = math.inf
            if not math.isfinite(x):
                shown = "a number too large for a float" if isinstance(v, int) else f"{v}"
                self.err(pos, f"amount {shown} in {k!r} is not a finite number",
                         "write the figure with its unit and scale, e.g. '1000億美元' or '$100 billion'", fld=k)
                return None
            if v < 0:
                self.err(pos, f"negative amount {v} in {k!r}",
                         "amounts are sizes; put the direction in 'from'/'to' instead of a sign", fld=k)
                return None
            a = Amount(x, x, Qualifier.EXACT, default_unit, str(v), nominal=x)
        elif isinstance(v, str):
            a = self.parse_text_amount(pos, v, default_unit, k)
        elif isinstance(v, dict):
            a = self.amount_mapping(f, v, default_unit, k)
        else:
            self.err(pos, f"{k!r} must be an amount, found {_type_name(v)}",
                     "write e.g. '400億美元', '$40 billion', or {low: ..., high: ..., currency: USD}", fld=k)
            return None
        if a is None:
            return None
        biggest = max(x for x in (a.low, a.high, a.nominal, a.usd_high, a.usd_low) if x is not None)
        if biggest > _MAX_FIGURE:
            self.err(pos, f"amount {a.text or v!r} in {k!r} is {biggest:.3g}, larger than any real figure "
                     f"(the bound is {_MAX_FIGURE:.0e})", "check the scale word and the digits", fld=k)
            return None
        if money and a.unit is None:
            self.err(pos, f"amount {a.text or v!r} in {k!r} has no currency",
                     "write the currency in the figure (400億美元, $40B) or add 'currency: USD' to the record",
                     fld=k)
            return None
        if money and a.currency is None:
            self.err(pos, f"{k!r} must be money, found a figure in {a.unit!r}: {a.text!r}",
                     "put counts of shares, chips or GW in 'quantity' or 'capacity_gw'", fld=k)
            return None
        return a

    def parse_text_amount(self, pos: Pos, v: str, default_unit: str | None, k: str) -> Amount | None:
        try:
            return parse_amount(v, default_unit)
        except AmountError as exc:
            mt = re.match(r"^(.*?\d[\d,.]*\s*[十百千萬万億亿兆]*)\s*([^\d\s,.]+)$", v.strip())
            if mt:
                try:
                    parse_amount(mt.group(1))
                except AmountError:
                    pass
                else:
                    self.err(pos, f"unknown currency or unit {mt.group(2)!r} in amount {v!r}",
                             "known currencies: " + ", ".join(vocab.CURRENCY_CODES) + "; units: "
                             + ", ".join(COUNT_UNITS), fld=k)
                    return None
            self.err(pos, exc.message + f" in {k!r}", exc.hint, fld=k)
            return None

    def amount_mapping(self, f: YamlFile, v: dict, default_unit: str | None, k: str) -> Amount | None:
        if not self.keys(f, v, vocab.AMOUNT_KEYS, ("low",), f"amount {k!r}"):
            return None
        bad = len(self.problems)
        low = self.number(f, v, "low")
        high = self.number(f, v, "high") if v.get("high") is not None else None
        nominal = self.number(f, v, "nominal")
        usd_low, usd_high = self.number(f, v, "usd_low"), self.number(f, v, "usd_high")
        cur = v.get("currency")
        unit = v.get("unit")
        if cur is not None and str(cur) not in vocab.CURRENCY_CODES:
            self.err(value_pos(f.shown, v, "currency"), f"unknown currency {cur!r}",
                     _did_you_mean(str(cur), vocab.CURRENCY_CODES, vocabulary=False)
                     or "known currencies: " + ", ".join(vocab.CURRENCY_CODES), fld="currency")
        unit_s = str(cur) if cur is not None else (str(unit) if unit is not None else default_unit)
        qual = self.choice(f, v, "qualifier", vocab.QUALIFIERS, None, "qualifier")
        if len(self.problems) > bad or low is None:
            return None
        if high is not None and high < low:
            self.err(value_pos(f.shown, v, "high"), f"inverted amount: low {low:g} is above high {high:g}",
                     "swap low and high", fld=k)
            return None
        if usd_low is not None and usd_high is not None and usd_high < usd_low:
            self.err(value_pos(f.shown, v, "usd_high"), f"inverted amount: usd_low {usd_low:g} is above "
                     f"usd_high {usd_high:g}", "swap them", fld=k)
            return None
        if qual is None:
            # a lone 'low' is one figure ("3美分" is $0.03, not "at least $0.03"); no upper bound is said
            # with 'qualifier: at_least'
            qual = "exact" if high is None or high == low else "range"
        if high is None and qual not in ("at_least", "vague", "range"):
            high = low
        rate = self.number(f, v, "usd_rate", positive=True)
        if rate is None and usd_low is not None:
            # a stated conversion: the USD figure divided by the figure it converts
            base, usd = (low, usd_low) if low > 0 else (high, usd_high)
            if base and usd is not None:
                rate = usd / base
        if nominal is not None:
            nom = nominal
        elif high is None or qual == "at_least":
            nom = low
        elif qual == "up_to":
            nom = high
        else:
            nom = low / 2 + high / 2  # halves first: (low + high) overflows to inf near 1.8e308
        return Amount(low, high, Qualifier(qual), unit_s, str(v.get("text") or ""), nominal=nom,
                      usd_rate=rate, usd_source="stated" if rate is not None else None)

    def default_currency(self, f: YamlFile, m: dict) -> str | None:
        cur = m.get("currency")
        if cur is None:
            return None
        if str(cur) not in vocab.CURRENCY_CODES:
            self.err(value_pos(f.shown, m, "currency"), f"unknown currency {cur!r}",
                     _did_you_mean(str(cur), vocab.CURRENCY_CODES, vocabulary=False)
                     or "known currencies: " + ", ".join(vocab.CURRENCY_CODES), fld="currency")
            return None
        return str(cur)

    def to_usd(self, a: Amount | None, on: date | None, pos: Pos, what: str, warn: bool = True) -> Amount | None:
        if a is None or a.currency is None or a.currency == "USD":
            return a
        a = self.fx.to_usd(a, on)
        if a.usd_low is None and warn:
            self.warn(pos, f"{what} {a.text or a.label()!r} in {a.currency} has no USD conversion",
                      f"add an 'fx' rate for {a.currency}" + (f" dated on or before {on}" if on else "")
                      + ", or keep the conversion the text states, e.g. 10兆日元（約650億美元）", fld=what)
        return a

    # -- references -------------------------------------------------------------------------------------
    def entity_ref(self, f: YamlFile, m: dict, k: str, what: str) -> str | None:
        v = m.get(k)
        if v is None or v == "":
            return None
        if isinstance(v, (dict, list, bool)):
            self.err(value_pos(f.shown, m, k), f"{what} must be an entity id, found {_type_name(v)}",
                     "write one entity id, e.g. 'acme'", fld=k)
            return None
        s = str(v)
        e = self.entities.get(s)
        if e is not None:
            return e.id  # the entity's own copy of the id (one per ledger, not one per mention)
        pos = value_pos(f.shown, m, k)
        by_name = {n.casefold(): e.id for e in self.entities.values() for n in (*e.all_names(), e.id)}
        if s.casefold() in by_name:
            self.err(pos, f"{what} {s!r} is a name, not an entity id",
                     f"write the id {by_name[s.casefold()]!r}", fld=k)
            return None
        names = list(self.entities) + [n for e in self.entities.values() for n in e.all_names()]
        close = _closest(s, names)
        ids = list(dict.fromkeys(by_name.get(c.casefold(), c) for c in close))
        hint = ("did you mean " + " or ".join(repr(i) for i in ids) + "?") if ids else \
            "add the entity to 'entities:' first"
        self.err(pos, f"unknown entity {s!r} in {what}", hint, fld=k)
        return None

    # -- sections ---------------------------------------------------------------------------------------
    def open_deferred(self, path: Path, section: str) -> tuple[YamlFile, Any, Any] | None:
        """``(file, top, value)`` of ``section`` in a deferred file, parsed now (``None``: nothing to read).

        The file was found to hold only ``deals``/``facts`` (:func:`_deferrable`); it is read here once: its
        ``facts`` are kept (with a top mapping holding only them) for :meth:`load_facts` when it is read for
        its deals. A file that no longer holds what was found restarts the load without deferring.
        """
        if path in self._stash:
            return self._stash.pop(path)
        data = read_yaml_file(path, self.shown(path), self.problems).data
        if data is None:
            self._stash[path] = None
            return None
        if not isinstance(data, dict) or tuple(data) != self._later.get(path):
            raise _Eager(path)  # changed since it was looked at (or the look was wrong): read everything at once
        f = YamlFile(path, self.shown(path), "", None)  # what the records need of the file: its name
        if section == "deals" and "facts" in data:
            top = PosDict(facts=data["facts"])
            top.lc = data.lc
            self._stash[path] = (f, top, data["facts"])
        return f, data, data[section]

    def items(self, section: str) -> Iterator[tuple[YamlFile, Any, Pos]]:
        for f, top, value in self.sections[section]:
            if value is _DEFERRED:
                opened = self.open_deferred(f, section)
                if opened is None:
                    continue
                f, top, value = opened
                opened = None
            if not isinstance(value, list):
                self.err(key_pos(f.shown, top, section), f"section {section!r} must be a list of records, "
                         f"found {_type_name(value)}", f"write '{section}:' then one '- ' item per record")
                continue
            for i, item in enumerate(value):
                yield f, item, item_pos(f.shown, value, i)
            top = value = item = None  # a deferred file's data goes before the next one is read

    def unique(self, table: dict[str, Any], rid: str, pos: Pos, what: str, m: dict, f: YamlFile) -> bool:
        if rid in table:
            first = table[rid].pos
            self.err(value_pos(f.shown, m, "id"), f"duplicate {what} id {rid!r}",
                     f"first defined at {first}; give one of them another id or merge them", fld="id")
            return False
        if not _ID.match(rid):
            self.err(value_pos(f.shown, m, "id"), f"{what} id {rid!r} is not a plain id",
                     "use lowercase letters, digits, '-', '_' and '.', starting with a letter or digit", fld="id")
            return False
        return True

    def load_ledger_section(self) -> None:
        seen: Pos | None = None
        for f, top, value in self.sections["ledger"]:
            pos = key_pos(f.shown, top, "ledger")
            if seen is not None:
                self.err(pos, "the 'ledger' section is given twice", f"first given at {seen}; keep one")
                continue
            seen = pos
            if not self.keys(f, value, vocab.LEDGER_KEYS, (), "the 'ledger' section"):
                continue
            self.name = self.text(f, value, "name", self.name) or self.name
            self.description = self.text(f, value, "description")
            self.load_window(f, value)
            for d in self.str_list(f, value, "documents_dirs"):
                p = Path(d).expanduser()
                self.doc_dirs.append(p if p.is_absolute() else (f.path.parent / p))

    def load_fx(self) -> None:
        rates = []
        for f, m, _pos in self.items("fx"):
            if not self.keys(f, m, vocab.FX_KEYS, ("currency", "rate", "date"), "fx rate"):
                continue
            cur = self.default_currency(f, m)
            rate = self.number(f, m, "rate", positive=True)
            if rate is not None and not _MIN_FX_RATE <= rate <= _MAX_FX_RATE:
                self.err(value_pos(f.shown, m, "rate"), f"fx rate {rate:g} is out of range ({_MIN_FX_RATE:g} to "
                         f"{_MAX_FX_RATE:g} USD per unit)", "write the USD value of one unit of the currency, "
                         "e.g. 0.0067 for JPY or 1.08 for EUR", fld="rate")
                rate = None
            d = self.date_(f, m, "date")
            if cur and rate is not None and d is not None:
                rates.append(FxRate(cur, rate, d, self.text(f, m, "source")))
        self.fx = FxTable(tuple(rates))

    def load_entities(self) -> None:
        for f, m, pos in self.items("entities"):
            if not self.keys(f, m, vocab.ENTITY_KEYS, ("id", "names"), "entity"):
                continue
            rid = self.text(f, m, "id")
            if not rid or not self.unique(self.entities, rid, pos, "entity", m, f):
                continue
            names: dict[str, str] = {}
            nm = m.get("names")
            if isinstance(nm, dict):
                for script, name in nm.items():
                    if isinstance(name, (dict, list)) or name is None:
                        self.err(value_pos(f.shown, nm, script), f"name in {script!r} must be text", fld="names")
                    else:
                        names[str(script)] = str(name)
            elif isinstance(nm, str):
                names = {"en": nm}
            elif nm is not None:
                self.err(value_pos(f.shown, m, "names"), f"'names' must be a mapping such as "
                         f"{{en: Oracle, zh-Hant: 甲骨文}}, found {_type_name(nm)}", fld="names")
            kind = self.choice(f, m, "kind", vocab.KINDS, "company", "entity kind") or "company"
            fye = (12, 31)
            raw = m.get("fiscal_year_end")
            if raw is not None:
                mt = re.match(r"^(\d{1,2})-(\d{1,2})$", str(raw).strip())
                ok = False
                if mt:
                    mo, d = int(mt.group(1)), int(mt.group(2))
                    ok = 1 <= mo <= 12 and 1 <= d <= calendar.monthrange(2024, mo)[1]
                if ok and mt:
                    fye = (int(mt.group(1)), int(mt.group(2)))
                else:
                    self.err(value_pos(f.shown, m, "fiscal_year_end"), f"fiscal_year_end {raw!r} is not a "
                             "day of the year", "write MM-DD, e.g. 05-31 for Oracle", fld="fiscal_year_end")
            self.entities[rid] = Entity(
                id=rid, names=names or {"en": rid}, kind=EntityKind(kind),
                aliases=self.str_list(f, m, "aliases"), ticker=self.text(f, m, "ticker") or None,
                country=self.text(f, m, "country") or None, fiscal_year_end=fye,
                note=self.text(f, m, "note"), pos=pos,
            )

    def load_documents(self) -> None:
        for f, m, pos in self.items("documents"):
            if not self.keys(f, m, vocab.DOCUMENT_KEYS, ("id", "title"), "document"):
                continue
            rid = self.text(f, m, "id")
            if not rid or not self.unique(self.documents, rid, pos, "document", m, f):
                continue
            tier = self.choice(f, m, "tier", vocab.TIERS, "secondary", "evidence tier") or "secondary"
            start, end = self.integer(f, m, "start"), self.integer(f, m, "end")
            if start is not None and end is not None and end < start:
                self.err(value_pos(f.shown, m, "end"), f"document range is inverted: end {end} < start {start}",
                         "swap start and end", fld="end")
                start = end = None
            dated = self.date_(f, m, "date")
            basis, not_before, not_after = self.document_dating(f, m, dated)
            self.documents[rid] = Document(
                id=rid, title=self.text(f, m, "title"), outlet=self.text(f, m, "outlet"),
                date=dated, language=self.text(f, m, "language", "en") or "en",
                tier=Tier(tier), url=self.text(f, m, "url"), file=self.text(f, m, "file") or None,
                start=start, end=end, note=self.text(f, m, "note"), pos=pos,
                date_basis=basis, not_before=not_before, not_after=not_after,
                sha256=self.sha256_(f, m), origin=self.text(f, m, "origin"),
                syndicated_from=self.text(f, m, "syndicated_from"),
            )
            self.check_document_file(f, m, self.documents[rid])
        for f, m, _pos in self.items("documents"):
            if not isinstance(m, dict):
                continue
            src = self.text(f, m, "syndicated_from") if "syndicated_from" in m else ""
            if src and src not in self.documents:
                self.err(value_pos(f.shown, m, "syndicated_from"), f"syndicated_from names unknown document {src!r}",
                         _did_you_mean(src, list(self.documents), vocabulary=False)
                         or "name the id of the document this one copies", fld="syndicated_from")

    def sha256_(self, f: YamlFile, m: dict) -> str:
        """A document's ``sha256``: 64 hexadecimal digits (lower case kept), else an error and ``""``."""
        v = self.text(f, m, "sha256")
        if v and not re.fullmatch(r"[0-9a-fA-F]{64}", v):
            self.err(value_pos(f.shown, m, "sha256"), f"sha256 {v!r} is not 64 hexadecimal digits",
                     "give the sha256 of the text the quotes were checked against (sha256sum FILE)", fld="sha256")
            return ""
        return v.lower()

    def _sha_index(self) -> dict[str, Path]:
        """sha256 -> file, over the files directly inside the documents folders (built once per load)."""
        if self._shas is None:
            self._shas = {}
            for d in self.doc_dirs:
                try:
                    files = sorted(p for p in d.iterdir() if p.is_file() and not p.name.startswith("."))
                except OSError:
                    continue
                for p in files:
                    try:
                        if p.stat().st_size > 64 * 1024 * 1024:
                            continue
                    except OSError:
                        continue
                    dg = _digest(p)
                    if dg is not None:
                        self._shas.setdefault(dg, p)
        return self._shas

    def check_document_file(self, f: YamlFile, m: dict, doc: Document) -> None:
        """The document's file is found where folders are given, and its range lies inside it.

        A link-only document (``sha256``, no ``file``) is checked against the local copy whose sha256 matches,
        when a documents folder holds one; a copy named ``<id>.txt`` whose content differs is warned about.
        """
        if not doc.file:
            if doc.sha256 and self.document_text(doc)[0] is None:
                for d in self.doc_dirs:
                    cand = d / f"{doc.id}.txt"
                    if cand.is_file():
                        self.warn(value_pos(f.shown, m, "sha256"), f"local copy {self.shown(cand)} of document "
                                  f"{doc.id!r} is not the text its quotes were checked against (sha256 differs); "
                                  "its quotes are not checked", "supply the text whose sha256 is the document's "
                                  "sha256, or check the quotes again and update sha256", fld="sha256")
                        break
            return
        fp = Path(doc.file)
        if fp.is_absolute() or ".." in fp.parts:
            self.err(value_pos(f.shown, m, "file"), f"document file {doc.file!r} points outside the documents "
                     "folders", "name the file relative to a folder in documents_dirs (or --documents), "
                     "without '..' or a leading '/'", fld="file")
            return
        text, path = self.document_text(doc)
        if text is None:
            bad = next(((c, why) for c, why in self._unreadable.items()
                        if c == Path(doc.file) or c.parts[-len(Path(doc.file).parts):] == Path(doc.file).parts),
                       None)
            if bad is not None and "not a regular file" in bad[1]:
                self.err(value_pos(f.shown, m, "file"), f"document file {self.shown(bad[0])} {bad[1]}",
                         "point 'file' at a text file; devices, FIFOs and folders are never read", fld="file")
                return
            if bad is not None:
                self.warn(value_pos(f.shown, m, "file"), f"document file {self.shown(bad[0])} {bad[1]}; its quotes "
                          "are not checked", "save the document as UTF-8 text (or point 'file' at the text)",
                          fld="file")
                return
            searched = [d for d in self.doc_dirs if d.is_dir()]
            if searched:
                self.warn(value_pos(f.shown, m, "file"), f"document file {doc.file!r} is not in "
                          + ", ".join(self.shown(d) for d in searched) + "; its quotes are not checked",
                          "fix 'file', or add its folder to ledger.documents_dirs or --documents", fld="file")
            return
        if doc.end is not None and doc.end > len(text):
            self.err(value_pos(f.shown, m, "end"), f"document range end {doc.end} is past the end of "
                     f"{self.shown(path) if path else doc.file} ({len(text)} characters)",
                     "end is a character offset into the file, not a byte offset", fld="end")

    def claims(self, f: YamlFile, m: dict, fields: Sequence[str], default_field: str,
               default_unit: str | None, on: date | None) -> tuple[Claim, ...]:
        out = []
        for i, c in enumerate(self.seq(f, m, "claims")):
            pos = item_pos(f.shown, m["claims"], i)
            if not self.keys(f, c, vocab.CLAIM_KEYS, ("document", "quote"), "claim"):
                continue
            doc_id = self.text(f, c, "document")
            if doc_id in self.documents:
                doc_id = self.documents[doc_id].id  # one copy of the id
            elif doc_id:
                self.err(value_pos(f.shown, c, "document"), f"claim cites unknown document {doc_id!r}",
                         _did_you_mean(doc_id, list(self.documents), vocabulary=False)
                         or "add it to 'documents:'", fld="document")
            fld = self.choice(f, c, "field", fields, default_field, "claim field") or default_field
            flag = self.choice(f, c, "flag", vocab.FLAGS, None, "claim flag")
            quote = self.text(f, c, "quote")
            start, end = self.integer(f, c, "start"), self.integer(f, c, "end")
            stated = self.text(f, c, "stated") or None
            amount = None
            if stated is not None and fld in ("amount", "value", "quantity", "capacity_gw"):
                amount = self.parse_text_amount(value_pos(f.shown, c, "stated"), stated,
                                                "GW" if fld == "capacity_gw" else default_unit, "stated")
                if amount is not None:
                    doc = self.documents.get(doc_id)
                    amount = self.to_usd(amount, on or (doc.date if doc else None), pos, "stated", warn=False)
                    if amount is not None:  # claims of one record often state the same figure: one object
                        amount = self._same.setdefault(amount, amount)
            if stated is not None and quote and not stated_in_quote(stated, quote):
                self.err(value_pos(f.shown, c, "stated"), f"stated figure {stated!r} does not appear in its quote",
                         "the quote must contain the figure as the source writes it; widen the quote or fix "
                         "'stated'", fld="stated")
            if (start is None) != (end is None):
                self.err(pos, "claim has only one end of its span", "give both 'start' and 'end'", fld="start")
                start = end = None
            if start is not None and end is not None:
                if end < start:
                    self.err(value_pos(f.shown, c, "end"), f"inverted span: end {end} < start {start}",
                             "swap start and end", fld="end")
                    start = end = None
                elif quote and end - start != len(quote):
                    self.err(value_pos(f.shown, c, "end"), f"span {start}..{end} is {end - start} characters "
                             f"but the quote is {len(quote)}",
                             f"set end: {start + len(quote)}, i.e. start + the length of the quote", fld="end")
            claim = Claim(document=doc_id, quote=quote, start=start, end=end, field=fld, stated=stated,
                          amount=amount, flag=flag, note=self.text(f, c, "note"), pos=pos)
            self.check_quote(f, c, claim)
            out.append(claim)
        return tuple(out)

    def document_text(self, doc: Document) -> tuple[str | None, Path | None]:
        """The text of a document's file and where it was found (``None, None``: not found or unreadable).

        Found once per file and sha256 in a load (every claim asks: 3 x 10^6 times for 10^6 deals).
        """
        key = (doc.file, doc.sha256)
        hit = self._found.get(key)
        if hit is None:
            hit = self._found[key] = self._document_text(doc)
        return hit

    def _document_text(self, doc: Document) -> tuple[str | None, Path | None]:
        if not doc.file:
            if not doc.sha256:
                return None, None
            found = self._sha_index().get(doc.sha256)
            if found is None:
                return None, None
            if found not in self._texts:
                try:
                    self._texts[found] = found.read_bytes().decode("utf-8-sig")
                except (UnicodeDecodeError, OSError):
                    self._texts[found] = None
            return self._texts[found], (found if self._texts[found] is not None else None)
        p = Path(doc.file)
        if p.is_absolute() or ".." in p.parts:
            return None, None
        cands = [d / p for d in self.doc_dirs] + [self.root_dir / p]
        for c in cands:
            if c in self._texts:
                if self._texts[c] is not None:
                    return self._texts[c], c
                continue
            staged = self.overlay_docs.get(c.resolve()) if self.overlay_docs else None
            if staged is not None or c.exists():
                try:
                    raw = staged if staged is not None else read_regular(c, "document")
                    self._texts[c] = raw.decode("utf-8-sig")
                except UnicodeDecodeError as exc:
                    self._texts[c] = None
                    self._unreadable[c] = f"is not UTF-8 text (byte {exc.object[exc.start]:#04x} at offset {exc.start})"
                    continue
                except LimitError as exc:  # a device, FIFO or folder named as a document; or one too large
                    self._texts[c] = None
                    self._unreadable[c] = exc.message.removeprefix(f"{c}: ")
                    continue
                except (OSError, InputError) as exc:
                    self._texts[c] = None
                    self._unreadable[c] = f"cannot be read ({getattr(exc, 'strerror', None) or exc})"
                    continue
                return self._texts[c], c
            self._texts[c] = None
        return None, None

    @property
    def root_dir(self) -> Path:
        return self.root.parent if self.root.is_file() else self.root

    def check_quote(self, f: YamlFile, c: dict, claim: Claim) -> None:
        doc = self.documents.get(claim.document)
        if doc is None or not claim.quote:
            return
        text, path = self.document_text(doc)
        if text is None or path is None:
            return
        for msg, hint, key, severity in check_claim_against_text(claim, doc, text, self.shown(path)):
            where = value_pos(f.shown, c, key) if key in c else (claim.pos or Pos(f.shown, 1, 1))
            self.err(where, msg, hint, key, severity)

    def load_deals(self) -> None:
        for f, m, pos in self.items("deals"):
            if not self.keys(f, m, vocab.DEAL_KEYS, ("id", "type"), "deal"):
                continue
            rid = self.text(f, m, "id")
            if not rid or not self.unique(self.deals, rid, pos, "deal", m, f):
                continue
            dtype = self.choice(f, m, "type", vocab.DEAL_TYPE_LIST, None, "deal type")
            cur = self.default_currency(f, m)
            payer = self.entity_ref(f, m, "from", "'from'")
            payee = self.entity_ref(f, m, "to", "'to'")
            if ("from" in m) != ("to" in m):
                self.err(pos, f"deal {rid!r} has {'from' if 'from' in m else 'to'} but no "
                         f"{'to' if 'from' in m else 'from'}", "give both 'from' and 'to', or list 'parties'")
            if payer and payer == payee:
                self.err(value_pos(f.shown, m, "to"), f"deal {rid!r} goes from {payer!r} to itself",
                         "'from' and 'to' must be different entities", fld="to")
            announced = self.date_(f, m, "announced")
            status = self.choice(f, m, "status", vocab.STATUSES, "announced", "deal status") or "announced"
            parties = []
            for i, p in enumerate(self.seq(f, m, "parties")):
                ppos = item_pos(f.shown, m["parties"], i)
                if isinstance(p, str):
                    p = {"entity": p}
                    ent = p["entity"] if p["entity"] in self.entities else None
                    if ent is None:
                        self.err(ppos, f"unknown entity {p['entity']!r} in 'parties'",
                                 _did_you_mean(p["entity"], list(self.entities), vocabulary=False), fld="parties")
                        continue
                    parties.append(Party(ent, "", ppos))
                    continue
                if not self.keys(f, p, vocab.PARTY_KEYS, ("entity",), "party"):
                    continue
                ent = self.entity_ref(f, p, "entity", "'parties'")
                if ent:
                    parties.append(Party(ent, self.text(f, p, "role"), ppos))
            if not (payer or payee or parties or "from" in m or "parties" in m):
                self.err(pos, f"deal {rid!r} names no parties", "give 'from' and 'to', or list 'parties'")
            on = announced
            events = []
            for i, e in enumerate(self.seq(f, m, "events")):
                epos = item_pos(f.shown, m["events"], i)
                if not self.keys(f, e, vocab.EVENT_KEYS, ("date", "status"), "event"):
                    continue
                ed = self.date_(f, e, "date")
                est = self.choice(f, e, "status", vocab.STATUSES, None, "event status")
                ekind = self.choice(f, e, "kind", vocab.EVENT_KINDS, "", "event kind") or ""
                eprec = self.choice(f, e, "precision", vocab.EVENT_PRECISIONS, "", "event date precision") or ""
                ebasis = self.choice(f, e, "date_basis", vocab.EVENT_DATE_BASES, "", "event date basis") or ""
                ecl = self.claims(f, e, vocab.CLAIM_FIELDS_DEAL, "status", cur, ed)
                if ed is not None and est is not None:
                    events.append(Event(ed, Status(est), self.text(f, e, "note"), ecl, epos, ekind,
                                        "" if eprec == "day" else eprec, "" if ebasis == "stated" else ebasis))
            events.sort(key=lambda e: e.date)
            if on is None and events:
                on = events[0].date
            if events and m.get("status") in (None, ""):
                status = str(events[-1].status)  # no status written: the latest event's
            elif events and str(events[-1].status) != status:
                self.warn(value_pos(f.shown, m, "status"), f"deal {rid!r} has status {status!r} but its latest "
                          f"event ({events[-1].date}) says {str(events[-1].status)!r}",
                          "make 'status' the status after the latest event, or add the event that led to it",
                          fld="status")
            amount = self.to_usd(self.amount(f, m, "amount", cur, money=True), on,
                                 value_pos(f.shown, m, "amount"), "amount")
            self._same.clear()
            if amount is not None:
                self._same[amount] = amount
            quantity = self.amount(f, m, "quantity", None, money=False)
            cap = m.get("capacity_gw")
            capacity = None
            if isinstance(cap, str):
                a = self.parse_text_amount(value_pos(f.shown, m, "capacity_gw"), cap, "GW", "capacity_gw")
                if a is not None:
                    if a.unit not in ("GW", "MW"):
                        self.err(value_pos(f.shown, m, "capacity_gw"), f"capacity {cap!r} is not in GW",
                                 "write a number of gigawatts, e.g. 4.5", fld="capacity_gw")
                    else:
                        capacity = a.point / (1000.0 if a.unit == "MW" else 1.0)
            else:
                capacity = self.number(f, m, "capacity_gw")
            flows = []
            for fl in self.seq(f, m, "flows"):
                if not self.keys(f, fl, vocab.FLOW_KEYS, ("from", "to"), "flow"):
                    continue
                a = self.entity_ref(f, fl, "from", "flow 'from'")
                b = self.entity_ref(f, fl, "to", "flow 'to'")
                ftype = self.choice(f, fl, "type", vocab.DEAL_TYPE_LIST, dtype, "flow type") or dtype or ""
                famount = self.to_usd(self.amount(f, fl, "amount", cur, money=True), on,
                                      value_pos(f.shown, fl, "amount"), "flow amount")
                if a and b:
                    if a == b:
                        self.err(value_pos(f.shown, fl, "to"), f"flow goes from {a!r} to itself",
                                 "'from' and 'to' must differ", fld="to")
                        continue
                    flows.append(Flow(a, b, famount, rid, FLOW_KIND.get(ftype, "none"), self.text(f, fl, "note")))
            tranches = self.load_tranches(f, m, payee, cur, on, capacity)
            term_start, term_end, term_years, term_label = self.load_term(f, m, payee)
            per_year = self.load_per_year(f, m, payee, cur, on)
            strike = self.load_strike(f, m, cur)
            consideration = self.choice(f, m, "consideration", vocab.CONSIDERATIONS, "", "consideration") or ""
            if consideration and FLOW_KIND.get(dtype or "", "none") in ("none", "warrant"):
                self.err(value_pos(f.shown, m, "consideration"),
                         f"deal {rid!r} of type {dtype!r} has a consideration",
                         "consideration (cash, stock or mixed) says what a money deal is paid in; a warrant is "
                         "shares already and a partnership moves no money: remove it", fld="consideration")
                consideration = ""
            schedule = self.choice(f, m, "schedule", vocab.SCHEDULES, "flat", "schedule") or "flat"
            claims = self.claims(f, m, vocab.CLAIM_FIELDS_DEAL, "amount",
                                 cur or (amount.unit if amount else None), on)
            self.check_party_claims(claims)
            if not claims and not any(e.claims for e in events):
                self.warn(pos, f"deal {rid!r} has no claim: no source backs it",
                          "add a claim with the document and the exact quote", fld="claims")
            self.deals[rid] = Deal(
                id=rid, type=dtype or "partnership", payer=payer, payee=payee, parties=tuple(parties),
                flows=tuple(flows), amount=amount, quantity=quantity, capacity_gw=capacity,
                term_start=term_start, term_years=term_years, schedule=schedule, tranches=tranches,
                conditions=self.str_list(f, m, "conditions"), status=Status(status), announced=announced,
                events=tuple(events), claims=claims, title=self.text(f, m, "title"), note=self.text(f, m, "note"),
                pos=pos, term_end=term_end, term_start_label=term_label,
                schedule_stated=m.get("schedule") not in (None, ""), per_year=per_year, strike=strike,
                consideration=consideration,
            )
            self.check_terms(f, m, pos, self.deals[rid])

    def load_facts(self) -> None:
        for f, m, pos in self.items("facts"):
            if not self.keys(f, m, vocab.FACT_KEYS, ("id", "entity", "metric", "value"), "fact"):
                continue
            rid = self.text(f, m, "id")
            if not rid or not self.unique(self.facts, rid, pos, "fact", m, f):
                continue
            ent = self.entity_ref(f, m, "entity", "'entity'")
            metric = self.text(f, m, "metric")
            if metric and not re.match(r"^[a-z0-9_]+$", metric):
                self.err(value_pos(f.shown, m, "metric"), f"metric {metric!r} is not a lowercase name",
                         "use lowercase letters, digits and '_', e.g. rpo, capex_guidance", fld="metric")
            cur = self.default_currency(f, m)
            unit = cur or (self.text(f, m, "unit") or None)
            as_of = self.date_(f, m, "as_of")
            period = self.text(f, m, "period") or None
            on = as_of
            if period and ent:
                try:
                    _, pend = fiscal_period(period, self.entities[ent].fiscal_year_end)
                    on = on or pend
                except PeriodError as exc:
                    self.err(value_pos(f.shown, m, "period"), exc.message, exc.hint, fld="period")
            value = self.amount(f, m, "value", unit, money=False)
            value = self.to_usd(value, on, value_pos(f.shown, m, "value"), "value")
            self._same.clear()
            if value is not None:
                self._same[value] = value
            claims = self.claims(f, m, vocab.CLAIM_FIELDS_FACT, "value", unit or (value.unit if value else None), on)
            if not claims:
                self.warn(pos, f"fact {rid!r} has no claim: no source backs it",
                          "add a claim with the document and the exact quote", fld="claims")
            if ent and metric and value is not None:
                self.facts[rid] = Fact(id=rid, entity=ent, metric=metric, value=value, period=period,
                                       as_of=as_of, claims=claims, note=self.text(f, m, "note"), pos=pos,
                                       includes=self.load_includes(f, m))

    def check_party_claims(self, claims: Sequence[Claim]) -> None:
        """A claim of field ``from``/``to`` that writes ``stated`` must name an entity (its id, a name or an alias).

        That entity is the payer (payee) the source gives; a view as of a date shows it until a source
        naming the record's own party is published (docs/ledger-format.md, "Figures as of a date").
        """
        names: dict[str, str] | None = None
        for c in claims:
            if c.field not in ("from", "to") or not c.stated:
                continue
            if names is None:
                names = {n.casefold(): e.id for e in self.entities.values() for n in (e.id, *e.all_names())}
            if c.stated.casefold() not in names:
                self.err(c.pos or Pos(self.shown(self.root), 1, 1),
                         f"claim of field {c.field!r} states {c.stated!r}, which names no entity",
                         _did_you_mean(c.stated, sorted(names), vocabulary=False)
                         or "write the id, a name or an alias of an entity in 'entities:'", fld="stated")

    def check_repeats(self) -> None:
        """Warn about records that look like one deal or fact entered twice (one per outlet)."""
        seen: dict[tuple[Any, ...], list[Deal]] = {}
        for d in self.deals.values():
            if d.payer and d.payee:
                seen.setdefault((d.type, d.payer, d.payee), []).append(d)
        for group in seen.values():
            for b, a in _repeats(group):
                da, db = _first_date(a), _first_date(b)
                if da is not None and db is not None and abs((da - db).days) > _REPEAT_WINDOW_DAYS:
                    continue  # announced months apart: two rounds or contracts, not one deal told twice
                self.warn(b.pos or Pos(self.shown(self.root), 1, 1),
                          f"deal {b.id!r} has the same type, payer and payee as {a.id!r} ({a.pos})",
                          "a deal reported by several outlets is one deal with several claims: merge them, "
                          "or give different amounts and say in 'note' how they differ", fld="id")
        for rid, fld, value, claims, pos in (
                [(d.id, "amount", d.amount, d.claims, d.pos) for d in self.deals.values()]
                + [(x.id, "value", x.value, x.claims, x.pos) for x in self.facts.values()]):
            backing = [c for c in claims if c.field == fld and c.flag is None and c.amount is not None
                       and value is not None and c.amount.unit == value.unit]
            if value is not None and backing and not any(c.amount.overlaps(value) for c in backing if c.amount):
                self.warn(pos or Pos(self.shown(self.root), 1, 1),
                          f"{rid}.{fld} {value.text or value.label()!r} is not what any of its sources says ("
                          + ", ".join(repr(c.stated) for c in backing[:4]) + ")",
                          f"correct '{fld}' to a figure a source states, or flag the claims it disagrees with",
                          fld=fld)
        facts: dict[tuple[Any, ...], Fact] = {}
        for f in self.facts.values():
            k = (f.entity, f.metric, f.period, f.as_of)
            if k in facts:
                first = facts[k]
                self.warn(f.pos or Pos(self.shown(self.root), 1, 1),
                          f"fact {f.id!r} repeats {first.id!r} ({first.pos}): same entity, metric, period and date",
                          "one fact with several claims, not one fact per source: merge them", fld="id")
            else:
                facts[k] = f

    def run(self) -> Ledger:
        """Read the ledger: records, problems, conflicts."""
        try:
            return self._run()
        except _Eager:
            fresh = _Loader(*self._args, defer=False)
            ledger = fresh._run()
            self.__dict__.update(fresh.__dict__)
            return ledger

    def _run(self) -> Ledger:
        self.read_files()
        self.load_ledger_section()
        self.doc_dirs += self.extra_dirs + env_documents_dirs()
        self.doc_dirs = list(dict.fromkeys(p.resolve() for p in self.doc_dirs))
        self.load_fx()
        self.load_entities()
        self.load_documents()
        self.load_deals()
        self.load_facts()
        self.check_repeats()
        self.check_document_dates()
        analyses = self.load_analyses()
        ledger = Ledger(name=self.name, description=self.description, entities=self.entities,
                        documents=self.documents, deals=self.deals, facts=self.facts, fx=self.fx, window=self.window,
                        analyses=analyses,
                        root=str(self.root), documents_dirs=tuple(str(p) for p in self.doc_dirs if p.is_dir()))
        self.add_schedule_problems(ledger)
        conflicts = derive_conflicts(ledger)
        for c in conflicts:
            p = c.pos or Pos(self.shown(self.root), 1, 1)
            hint = ("the claim is kept and marked; nothing to fix" if c.kind == "flagged" else
                    "all claims are kept; flag the wrong one (joke, unit_slip, disputed) and say why in 'note'")
            # A flagged claim is a conflict the ledger has already resolved: listed as a note, not a warning
            # (so a ledger whose every conflict is resolved passes `dealweb check --strict`).
            self.err(p, f"conflict ({c.kind}) on {c.record}.{c.field}: {c.message}", hint, fld=c.field,
                     severity="note" if c.kind == "flagged" else "warning")
        return replace(ledger, conflicts=tuple(conflicts))


class _Eager(Exception):
    """A deferred file does not hold what it was found to hold: the load starts again, reading every file first."""


_DEFERRED = object()  # a section of a file that is parsed when its records are built
_LATER = ("deals", "facts")
_COLUMN0 = re.compile(rb"^[^ \t\r\n#].*$", re.MULTILINE)
_LATER_HEAD = re.compile(rb"(deals|facts):[ \t]*(?:#.*)?\r?")


def _deferrable(path: Path) -> tuple[str, ...]:
    """The sections ``path`` holds when they are only ``deals``/``facts`` written as block sections, else ``()``.

    A look at the lines starting at column 0 (the top-level keys of a block mapping): every one must be
    ``deals:`` or ``facts:`` alone (a comment allowed). Anything else (another section, a flow mapping, a
    document marker, a quoted key) makes ``()``: the file is read with the others before any record is
    built.
    """
    try:
        raw = read_regular(path, "ledger file")
    except (LimitError, InputError):
        return ()  # the eager read reports it
    heads = _COLUMN0.findall(raw.removeprefix(b"\xef\xbb\xbf"))
    found: list[str] = []
    for h in heads:
        mt = _LATER_HEAD.fullmatch(h)
        if mt is None:
            return ()
        found.append(mt.group(1).decode())
    if len(set(found)) != len(found):
        return ()  # a section written twice: the eager read reports the duplicate key
    return tuple(found)


def _repeats(group: list[Deal]) -> list[tuple[Deal, Deal]]:
    """``(b, a)`` for each deal ``b`` that repeats an earlier deal ``a`` of ``group`` (same type and parties).

    ``b`` repeats ``a`` unless both have amounts in the same unit that do not overlap (two different
    contracts between the same firms). Near-linear: O(n log n) with a Fenwick tree per unit over the
    amounts' low ends holding the highest high end seen (overlap of [lo, hi] with an earlier interval
    means some earlier low <= hi whose high >= lo), instead of comparing every pair.
    """
    out: list[tuple[Deal, Deal]] = []
    if len(group) < 2:
        return out
    lows: dict[str, list[float]] = {}
    for d in group:
        if d.amount is not None:
            lows.setdefault(str(d.amount.unit), []).append(d.amount.low)
    keys = {u: sorted(set(v)) for u, v in lows.items()}
    trees: dict[str, list[tuple[float, int]]] = {u: [(-math.inf, -1)] * (len(k) + 1) for u, k in keys.items()}
    first_none: int | None = None
    first_unit: dict[str, int] = {}
    for i, b in enumerate(group):
        hit: int | None = None
        if b.amount is None:
            hit = 0 if i > 0 else None
        else:
            unit = str(b.amount.unit)
            cands = [first_none] if first_none is not None else []
            cands += [j for u, j in first_unit.items() if u != unit]
            tree, k = trees[unit], keys[unit]
            hi = math.inf if b.amount.high is None else b.amount.high
            pos = bisect.bisect_right(k, hi)  # earlier intervals whose low <= hi: tree prefix [1, pos]
            best = (-math.inf, -1)
            while pos > 0:
                best = max(best, tree[pos])
                pos -= pos & -pos
            if best[1] >= 0 and best[0] >= b.amount.low:
                cands.append(best[1])
            hit = min(cands) if cands else None
            pos = bisect.bisect_left(k, b.amount.low) + 1
            entry = (math.inf if b.amount.high is None else b.amount.high, i)
            while pos < len(tree):
                if entry[0] > tree[pos][0]:
                    tree[pos] = entry
                pos += pos & -pos
            first_unit.setdefault(unit, i)
        if b.amount is None and first_none is None:
            first_none = i
        if hit is not None:
            out.append((b, group[hit]))
    return out


# One deal reported by several outlets is announced once: deals between the same firms whose first dates lie
# further apart than this are different deals (a second round, an enlarged contract), not repeats.
_REPEAT_WINDOW_DAYS = 31


def _first_date(d: Deal) -> date | None:
    """The day a deal was first heard of: its ``announced`` date, else its earliest event's."""
    if d.announced is not None:
        return d.announced
    return min((e.date for e in d.events), default=None)


def _copy(result: LoadResult) -> LoadResult:
    led = result.ledger
    return LoadResult(replace(led, entities=dict(led.entities), documents=dict(led.documents),
                              deals=dict(led.deals), facts=dict(led.facts)), list(result.problems))


def load_ledger(path: str | Path | None = None, documents_dirs: Sequence[str | Path] = (), *,
                cache: bool = True, overlay: dict[Path, bytes] | None = None) -> LoadResult:
    """Read a ledger directory (every ``*.yaml`` under it) or one ``.yaml`` file.

    Args:
        path: the ledger directory or file, or a bundled ledger's name (see
            :data:`dealweb.data.BUNDLED_LEDGERS`); ``None`` loads the default bundled ledger
            (:data:`dealweb.data.DEFAULT_LEDGER`).
        documents_dirs: extra folders where the cited documents' files are looked for, after the ones the
            ledger's own ``ledger.documents_dirs`` names and before those of the ``DEALWEB_DOCUMENTS``
            environment variable. Nothing else is searched: a ledger finds no document by where it lies.
        cache: reuse the result of an earlier load, in this process or from the on-disk cache
            (:mod:`dealweb.ledger.cache`), when no file it read has changed (compared by sha256 content
            hash); ``False`` always reads the files again. A file that changes while the ledger is read
            makes the load start again from a snapshot: every ledger file's bytes read in one quick pass
            and checked unchanged by a second one, then parsed from memory, so a file saved every few
            milliseconds (an editor, another writer) cannot keep a load from finishing. When no quiet
            instant is found (:data:`_SNAPSHOT_TRIES` passes) an error says so.
        overlay: files as a write would leave them (path -> bytes; ledger files and document copies, new
            or changed), read instead of the disk: :mod:`dealweb.ledger.write` validates an edit with it
            before replacing anything. Never cached.

    Returns:
        The ledger and every problem found (errors and warnings), each with file, line and column.

    Raises:
        InputError: ``path`` is neither a file or folder nor a bundled ledger's name (nothing else raises:
            bad content becomes problems).
    """
    root = resolve_ledger(path)
    if not cache or overlay:
        return _load_once(root, documents_dirs, overlay)[0]
    from dealweb.ledger import cache as disk

    result = LoadResult(Ledger(name=root.name, root=str(root)), [])
    for attempt in range(2):
        try:
            key = (str(root.resolve()), tuple(str(Path(d).resolve()) for d in [*documents_dirs, *env_documents_dirs()]),
                   os.getcwd(),
                   tuple((str(p), _digest(p)) for p in ledger_files(root)))
        except OSError:
            return _load_once(root, documents_dirs, None)[0]
        hit = _CACHE.get(key)
        if hit is not None and all(_digest(Path(p)) == d for p, d in hit[1]):
            _CACHE.move_to_end(key)
            return _copy(hit[0])
        # the on-disk cache (dealweb.ledger.cache): a second command on unchanged files skips the load
        disk_key = disk.result_key(key)
        stored = disk.get(disk_key, _digest) if disk_key else None
        if stored is not None and isinstance(stored[0], LoadResult):
            _remember(key, stored[0], stored[1])
            return _copy(stored[0])
        if attempt == 0:
            result, texts = _load_once(root, documents_dirs, None)
            if any(_digest(Path(p)) != d for p, d in key[3]):
                continue  # a file changed while the ledger was read: read a snapshot of it
        else:
            snap = _snapshot(root)
            if snap is None:
                break
            key = (*key[:3], tuple((str(p), hashlib.sha256(b).hexdigest()) for p, b in snap))
            result, texts = _load_once(root, documents_dirs, {p: b for p, b in snap})
        docs = tuple((str(p), _digest(p) if p.is_file() else None) for p in texts)
        _remember(key, result, docs)
        if disk_key and all(d is not None for _, d in key[3]):
            disk.put(disk_key, result, list(docs))
        return result
    result.problems.append(Problem(str(root), 1, 1, "the ledger's files kept changing while they were being read "
                                   f"({_SNAPSHOT_TRIES} tries in a row found no instant without a save)",
                                   "run the command again once the files are saved"))
    return result


#: How many quick passes a load makes to find every ledger file unchanged between two reads.
_SNAPSHOT_TRIES = 50


def _snapshot(root: Path) -> list[tuple[Path, bytes]] | None:
    """Every ledger file's bytes as they all stood at one instant, or ``None`` when the files never held still.

    A pass reads each file; a second pass hashes them again, and the snapshot holds when nothing changed
    between the two (each file held those bytes throughout). Files that cannot be read are left out: the
    load that parses the snapshot reads them from disk and reports them.
    """
    import time

    for k in range(_SNAPSHOT_TRIES):
        try:
            files = ledger_files(root)
        except OSError:
            return None
        snap: list[tuple[Path, bytes]] = []
        for p in files:
            try:
                snap.append((p, read_regular(p)))
            except (OSError, InputError):
                continue
        if all(_digest(p) == hashlib.sha256(b).hexdigest() for p, b in snap) and ledger_files(root) == files:
            return snap
        time.sleep(0.001 * min(k + 1, 20))
    return None


def _remember(key: tuple[Any, ...], result: LoadResult, docs: tuple[tuple[str, str | None], ...]) -> None:
    _CACHE[key] = (_copy(result), docs)
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)


def _load_once(root: Path, documents_dirs: Sequence[str | Path],
               overlay: dict[Path, bytes] | None) -> tuple[LoadResult, list[Path]]:
    """One load, without any cache: the result and the document files it read."""
    loader = _Loader(root, documents_dirs, overlay)
    try:
        ledger = loader.run()
    except RecursionError:
        loader.err(Pos(loader.shown(root), 1, 1), "the ledger is nested too deeply to read",
                   "flatten the YAML structure")
        ledger = Ledger(name=loader.name, root=str(root))
    except Exception as exc:  # noqa: BLE001 - a safety net: bad content must never become a traceback
        loader.err(Pos(loader.shown(root), 1, 1), f"internal error while reading the ledger: {exc!r}",
                   "this is a bug in dealweb; please report it with the file that caused it")
        ledger = Ledger(name=loader.name, root=str(root))
    problems = sorted(loader.problems, key=lambda p: (p.file, p.line, p.col))
    return LoadResult(ledger, problems), list(loader._texts)
