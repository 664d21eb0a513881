"""Scenario files: what-ifs for the simulation, in YAML, validated with file:line errors.

The format is documented in ``docs/scenario-format.md``. Every number may be a fixed value or a
distribution drawn once per run (``{uniform: [low, high]}``, ``{normal: [mean, sd]}``,
``{lognormal: [median, sigma]}``, ``{triangular: [low, mode, high]}``). Problems are collected (not raised
one by one) and reported together, each naming the file, line, column and field, with a hint.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.reader import ReaderError
from scipy.special import ndtri

from dealweb.errors import InputError, Problem
from dealweb.ledger.yamlio import (
    ALIAS_EXPANSION_MARGIN,
    MAX_FLOW_DEPTH,
    expanded_size,
    flow_depth,
    read_yaml_file,
)

__all__ = [
    "BUNDLED_DIR",
    "DEFAULT_RUNS",
    "DEFAULT_SEED",
    "DEFAULT_SHARE_DRIFT",
    "DEFAULT_SHARE_VOLATILITY",
    "INCLUDABLE",
    "Bumps",
    "CapitalGroup",
    "Param",
    "Scenario",
    "ScenarioError",
    "ShareSettings",
    "Shock",
    "all_bundled_scenarios",
    "bundled_scenarios",
    "counted_statuses",
    "load_scenario",
    "parse_scenario",
    "resolve_scenario",
]

#: Where the bundled scenarios live.
BUNDLED_DIR = Path(__file__).resolve().parents[1] / "data" / "scenarios"

_DISTS = {"uniform": 2, "normal": 2, "lognormal": 2, "triangular": 3}

#: Runs of a stress test when neither the scenario nor the command says (CLI, report and web app alike).
DEFAULT_RUNS = 2000
#: Seed of a stress test when neither the scenario nor the command says (CLI, report and web app alike).
DEFAULT_SEED = 20251015
#: Money a stress test may add to the firm money it always simulates (``--include``), by the flows table's
#: status (:data:`dealweb.flows.STATUSES`). ``conditional`` is all conditional money, rumours included, as in
#: ``loops``, ``trace`` and ``exposure`` ("up to" ceilings, letters of intent, per-GW / milestone tranches,
#: rumours); ``rumoured`` adds the rumoured flows alone.
INCLUDABLE: dict[str, tuple[str, ...]] = {"conditional": ("conditional", "rumoured"), "rumoured": ("rumoured",)}


def counted_statuses(include: tuple[str, ...] | list[str] = ()) -> tuple[str, ...]:
    """The flows table's statuses a stress test simulates: ``firm`` always, plus what ``include`` names.

    Raises:
        ValueError: ``include`` names something else than the keys of :data:`INCLUDABLE`.
    """
    bad = sorted(set(include) - set(INCLUDABLE))
    if bad:
        raise ValueError(f"unknown money to include {bad}: use {' or '.join(INCLUDABLE)}")
    out = ["firm"]
    for name in include:
        out += [s for s in INCLUDABLE[name] if s not in out]
    return tuple(sorted(out, key=("firm", "conditional", "rumoured").index))


#: Years to maturity assumed for recorded debt that states no term (bullet repayment at maturity).
DEFAULT_DEBT_MATURITY_YEARS = 5.0


class ScenarioError(InputError):
    """A scenario file with problems; ``problems`` lists every one (file, line, column, field, hint)."""

    def __init__(self, problems: list[Problem]) -> None:
        first = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(f"{first.file}:{first.line}:{first.col}: {first.message}{more}", first.hint)
        self.problems = problems


@dataclass(frozen=True)
class Param:
    """A number or a distribution drawn once per run. ``where`` is ``file:line`` for messages."""

    dist: str
    args: tuple[float, ...]
    where: str = ""

    @staticmethod
    def fixed(value: float) -> Param:
        """A constant."""
        return Param("fixed", (float(value),))

    @property
    def random(self) -> bool:
        """Whether this needs a uniform draw."""
        return self.dist != "fixed"

    def sample(self, u: np.ndarray) -> np.ndarray:
        """Values for uniforms ``u`` in (0, 1) by the inverse distribution function."""
        a = self.args
        if self.dist == "fixed":
            return np.full(u.shape, a[0])
        if self.dist == "uniform":
            return a[0] + (a[1] - a[0]) * u
        if self.dist == "normal":
            return a[0] + a[1] * ndtri(np.clip(u, 1e-12, 1 - 1e-12))
        if self.dist == "lognormal":
            return a[0] * np.exp(a[1] * ndtri(np.clip(u, 1e-12, 1 - 1e-12)))
        lo, mode, hi = a
        if hi <= lo:
            return np.full(u.shape, lo)
        cut = (mode - lo) / (hi - lo)
        left = lo + np.sqrt(u * (hi - lo) * (mode - lo))
        right = hi - np.sqrt((1 - u) * (hi - lo) * (hi - mode))
        return np.where(u < cut, left, right)

    def scaled(self, factor: float) -> Param:
        """The same distribution with every value multiplied by ``factor`` (lognormal: its median)."""
        if self.dist == "lognormal":
            return Param(self.dist, (self.args[0] * factor, self.args[1]), self.where)
        return Param(self.dist, tuple(a * factor for a in self.args), self.where)

    def shifted(self, delta: float) -> Param:
        """The same distribution moved by ``delta`` (normal: its mean; lognormal: scaled by ``1 + delta``)."""
        if self.dist == "lognormal":
            return self.scaled(1.0 + delta)
        if self.dist == "normal":
            return Param(self.dist, (self.args[0] + delta, self.args[1]), self.where)
        return Param(self.dist, tuple(a + delta for a in self.args), self.where)

    def label(self, unit: str | None = None) -> str:
        """``0.3`` or ``uniform[0.2, 0.6]`` (for tables); with ``unit="USD"``, ``uniform[$60B, $120B]``.

        Money goes through the one formatter (:func:`dealweb.fmt.money`); a lognormal's second argument is
        its sigma (a pure number) and stays one.
        """
        if unit is None:
            shown = [f"{a:g}" for a in self.args]
        else:
            from dealweb import fmt

            shown = [f"{a:g}" if (self.dist == "lognormal" and k == 1) else fmt.money(a, unit)
                     for k, a in enumerate(self.args)]
        if self.dist == "fixed":
            return shown[0]
        return f"{self.dist}[{', '.join(shown)}]"

    def said(self, unit: str | None = None) -> str:
        """:meth:`label` as text the faces say in any language (its ``str`` is the label; 億/兆 in Chinese)."""
        from dealweb import fmt
        from dealweb.i18n import Fig, Join, Msg, catalogue

        shown = [f"{a:g}" if unit is None or (self.dist == "lognormal" and k == 1)
                 else Fig(fmt.money(a, unit), "money", a, unit) for k, a in enumerate(self.args)]
        if self.dist == "fixed":
            return shown[0]
        dist = Msg(f"sim.dist.{self.dist}") if f"sim.dist.{self.dist}" in catalogue("en") else self.dist
        return Msg("sim.dist", dist=dist, args=Join(shown, ", "))

    def mean(self) -> float:
        """The distribution's mean (for tables)."""
        a = self.args
        return {
            "fixed": lambda: a[0],
            "uniform": lambda: (a[0] + a[1]) / 2,
            "normal": lambda: a[0],
            "lognormal": lambda: a[0] * math.exp(a[1] ** 2 / 2),
            "triangular": lambda: sum(a) / 3,
        }[self.dist]()


@dataclass(frozen=True)
class EntitySettings:
    """What the scenario assumes about one entity (USD per year unless stated; rates per year)."""

    id: str
    cash: Param
    revenue: Param
    growth: Param
    opex_ratio: Param
    capex: Param
    capex_growth: Param
    capacity: Param
    debt: Param
    equity: Param = field(default_factory=lambda: Param.fixed(0.0))
    where: str = ""
    min_cash: Param = field(default_factory=lambda: Param.fixed(0.0))
    given: frozenset[str] = frozenset()  # the keys the file states (the others may come from ledger facts)


@dataclass(frozen=True)
class CapitalGroup:
    """Firms that raise outside capital from one market, whose appetite moves together.

    ``appetite`` (0..1) scales each member's ``capacity``; each quarter it moves toward its target (``path``,
    else its starting value) at rate ``recovery`` and falls by ``sensitivity`` x the share of the payments
    due by or to the group's members that were missed. A group's appetite only reacts to payments its own
    members owe or are owed: a firm with no exposure to a defaulter keeps its market.
    """

    name: str
    members: tuple[str, ...]
    appetite: Param
    recovery: float
    sensitivity: Param
    path: tuple[tuple[date, float], ...] = ()
    where: str = ""
    declared: bool = True  # False: a firm in no group, its own market with the capital section's defaults


@dataclass(frozen=True)
class Bumps:
    """Sizes of the one-at-a-time bumps of the sensitivity table (``docs/simulation.md``, "Sensitivity").

    ``relative``: money figures (cash, revenue, capex, capacity, contract amounts) x (1 - r) and x (1 + r);
    ``growth``: growth rates -/+ this (per year); ``ratio``: opex ratios -/+ this; ``appetite``: starting
    appetite -/+ this; ``delay_quarters``: a contract's start moved later by this many quarters; ``top``:
    rows shown; ``runs``: runs per bumped simulation (None: the stress test's own).
    """

    relative: float = 0.2
    growth: float = 0.1
    ratio: float = 0.05
    appetite: float = 0.2
    delay_quarters: int = 4
    top: int = 8
    runs: int | None = None


#: Share-price drift assumed for a warrant issuer the scenario gives none (per year, expected growth).
DEFAULT_SHARE_DRIFT = 0.08
#: Share-price volatility assumed for a warrant issuer the scenario gives none (per year, of log returns).
DEFAULT_SHARE_VOLATILITY = 0.5


@dataclass(frozen=True)
class ShareSettings:
    """A warrant issuer's share price model: geometric Brownian motion on the period grid.

    ``price`` is the price per share (USD) at the scenario's start, used when the ledger has no
    ``share_price`` fact for the entity (None: not given); ``drift`` the expected growth per year
    (``E[S_t] = S_0 (1 + drift)^t``); ``volatility`` the standard deviation of log returns per year.
    """

    id: str
    price: Param | None = None
    drift: Param = field(default_factory=lambda: Param.fixed(DEFAULT_SHARE_DRIFT))
    volatility: Param = field(default_factory=lambda: Param.fixed(DEFAULT_SHARE_VOLATILITY))
    where: str = ""


@dataclass(frozen=True)
class Shock:
    """A dated shock to a scenario.

    ``default``: the entity pays only from what it receives; ``cancel``: a deal stops; ``revenue_miss``:
    outside revenue lower by ``fraction`` for ``quarters`` periods (0 = to the end).
    """

    type: str
    date: date
    entity: str | None = None
    deal: str | None = None
    fraction: Param = field(default_factory=lambda: Param.fixed(1.0))
    quarters: int = 0
    where: str = ""


@dataclass(frozen=True)
class Scenario:
    """A parsed scenario. See ``docs/scenario-format.md`` for the meaning of each field."""

    name: str
    description: str
    start: date
    quarters: int
    runs: int
    seed: int
    ledger: str | None
    model: str
    alpha: float
    beta: float
    outside_seniority: str
    cut_after: int
    at_least_cap: float
    up_to_floor: float
    delivery_lag: int
    deployment_pace: Param
    default_term_years: dict[str, float]
    appetite: Param
    recovery: float
    sensitivity: Param
    debt_share: float
    interest_rate: float
    appetite_path: tuple[tuple[date, float], ...]
    entities: dict[str, EntitySettings]
    others: str
    shocks: tuple[Shock, ...]
    source: str = ""
    entity_where: dict[str, str] = field(default_factory=dict)
    deal_where: dict[str, str] = field(default_factory=dict)
    shares: dict[str, ShareSettings] = field(default_factory=dict)
    groups: tuple[CapitalGroup, ...] = ()
    debt_maturity_years: float = DEFAULT_DEBT_MATURITY_YEARS
    capex_kinds: tuple[str, ...] = ("hardware",)
    bumps: Bumps = field(default_factory=Bumps)
    runs_stated: bool = False
    seed_stated: bool = False
    schedule_overrides: dict[str, dict[str, Any]] = field(default_factory=dict)  # contracts.schedules
    include: tuple[str, ...] = ()  # money added to the firm money (--include): keys of INCLUDABLE
    #: scenario.report_runs: the report's quick run (these runs, no sensitivity bumps); None: the full run
    report_runs: int | None = None

    def group_of(self, ids: tuple[str, ...] | list[str]) -> list[CapitalGroup]:
        """Every capital group for entities ``ids``: the declared ones, then one per firm in no group."""
        out = list(self.groups)
        grouped = {m for g in self.groups for m in g.members}
        for eid in ids:
            if eid not in grouped:
                out.append(CapitalGroup(eid, (eid,), self.appetite, self.recovery, self.sensitivity,
                                        self.appetite_path, declared=False))
        return out

    def params(self) -> list[tuple[str, Param]]:
        """Every random parameter with a stable name, in a fixed order (the order of the uniform draws)."""
        out: list[tuple[str, Param]] = [("contracts.deployment_pace", self.deployment_pace),
                                        ("capital.appetite", self.appetite),
                                        ("capital.sensitivity", self.sensitivity)]
        for eid in self.entities:  # file order: renaming an entity keeps its draws
            s = self.entities[eid]
            for name in ("cash", "revenue", "growth", "opex_ratio", "capex", "capex_growth", "capacity", "debt",
                         "equity", "min_cash"):
                out.append((f"entities.{eid}.{name}", getattr(s, name)))
        for k, sh in enumerate(self.shocks):
            out.append((f"shocks[{k}].fraction", sh.fraction))
        for eid, sh_ in self.shares.items():  # last: scenarios without shares keep their draws
            for name in ("price", "drift", "volatility"):
                p = getattr(sh_, name)
                if p is not None:
                    out.append((f"shares.{eid}.{name}", p))
        for g in self.groups:  # after the shares: scenarios without groups keep their draws
            out.append((f"capital.groups.{g.name}.appetite", g.appetite))
            out.append((f"capital.groups.{g.name}.sensitivity", g.sensitivity))
        return [(n, p) for n, p in out if p.random]


class _Reader:
    """Walks the YAML tree, turning each bad value into a :class:`Problem` at its position."""

    def __init__(self, shown: str) -> None:
        self.shown = shown
        self.problems: list[Problem] = []

    def pos(self, node: Any, key: Any = None, at_key: bool = False) -> tuple[int, int]:
        lc = getattr(node, "lc", None)
        if lc is None:
            return 1, 1
        if key is not None:
            try:
                if isinstance(key, int) and isinstance(node, list):
                    line, col = lc.item(key)
                elif at_key:
                    line, col = lc.key(key)
                else:
                    line, col = lc.value(key)
                return line + 1, col + 1
            except (KeyError, IndexError, TypeError):
                pass
        return lc.line + 1, lc.col + 1

    def where(self, node: Any, key: Any = None) -> str:
        line, _ = self.pos(node, key)
        return f"{self.shown}:{line}"

    def problem(self, node: Any, key: Any, fld: str, message: str, hint: str = "", at_key: bool = False) -> None:
        line, col = self.pos(node, key, at_key)
        self.problems.append(Problem(self.shown, line, col, message, hint, "error", fld))

    def mapping(self, parent: Any, key: str, fld: str, allowed: set[str]) -> dict[str, Any]:
        node = parent.get(key) if isinstance(parent, dict) else None
        if node is None:
            return {}
        if not isinstance(node, dict):
            self.problem(parent, key, fld, f"{fld} must be a mapping", f"write {key}: followed by indented keys")
            return {}
        for k in node:
            if k not in allowed:
                self.problem(node, k, f"{fld}.{k}", f"unknown key {k!r} in {fld}",
                             "known keys: " + ", ".join(sorted(allowed)), at_key=True)
        return node

    def number(self, node: Any, key: str, fld: str, default: float, lo: float | None = None,
               hi: float | None = None, integer: bool = False) -> float:
        if not isinstance(node, dict) or key not in node or node[key] is None:
            return default
        v = node[key]
        if isinstance(v, bool) or not isinstance(v, int | float):
            self.problem(node, key, fld, f"{fld} must be a number, found {v!r}",
                         "write a plain number such as 0.5 or 4.0e10")
            return default
        if not _finite(v):
            self.problem(node, key, fld, f"{fld} = {v} is not a finite number of at most {_MAX_FIGURE:.0e}",
                         "write a plain number such as 0.5 or 4.0e10 (.nan and .inf are not figures)")
            return default
        if integer and int(v) != v:
            self.problem(node, key, fld, f"{fld} must be a whole number, found {v!r}")
            return default
        if (lo is not None and v < lo) or (hi is not None and v > hi):
            rng = f"[{lo if lo is not None else '-inf'}, {hi if hi is not None else 'inf'}]"
            self.problem(node, key, fld, f"{fld} = {v} is outside {rng}")
            return default
        return float(v)

    def param(self, node: Any, key: str, fld: str, default: float, lo: float | None = None,
              hi: float | None = None) -> Param:
        if not isinstance(node, dict) or key not in node or node[key] is None:
            return Param.fixed(default)
        v = node[key]
        where = self.where(node, key)
        if isinstance(v, dict):
            if len(v) != 1:
                self.problem(node, key, fld, f"{fld}: a distribution has exactly one key",
                             "e.g. {uniform: [0.2, 0.6]}")
                return Param.fixed(default)
            (dist, args), = v.items()
            if dist not in _DISTS:
                self.problem(v, dist, fld, f"{fld}: unknown distribution {dist!r}",
                             "use uniform, normal, lognormal or triangular")
                return Param.fixed(default)
            if (not isinstance(args, list) or len(args) != _DISTS[dist]
                    or not all(isinstance(a, int | float) and not isinstance(a, bool) for a in args)):
                self.problem(v, dist, fld, f"{fld}: {dist} takes a list of {_DISTS[dist]} numbers, found {args!r}",
                             {"uniform": "[low, high]", "normal": "[mean, sd]", "lognormal": "[median, sigma]",
                              "triangular": "[low, mode, high]"}[dist])
                return Param.fixed(default)
            if not all(_finite(x) for x in args):
                self.problem(v, dist, fld, f"{fld}: {dist}{list(args)} holds a number that is not finite or is "
                             f"beyond {_MAX_FIGURE:.0e}", "write plain numbers (.nan and .inf are not figures)")
                return Param.fixed(default)
            a = tuple(float(x) for x in args)
            if hi is not None and max(a) > hi and dist in ("uniform", "triangular", "normal"):
                self.problem(v, dist, fld, f"{fld}: values above {hi:g} are not allowed, found {max(a):g}",
                             _HI_HINT.get(key, "check the figure"))
                return Param.fixed(default)
            bad = ((dist == "uniform" and a[1] < a[0]) or (dist in ("normal", "lognormal") and a[1] < 0)
                   or (dist == "triangular" and not a[0] <= a[1] <= a[2]))
            if bad:
                self.problem(v, dist, fld, f"{fld}: {dist}{list(a)} is not a valid distribution",
                             "low <= high, sd >= 0, low <= mode <= high")
                return Param.fixed(default)
            if lo is not None and dist in ("uniform", "triangular") and a[0] < lo:
                self.problem(v, dist, fld, f"{fld}: values below {lo} are not allowed")
                return Param.fixed(default)
            return Param(dist, a, where)
        if isinstance(v, bool) or not isinstance(v, int | float):
            self.problem(node, key, fld, f"{fld} must be a number or a distribution, found {v!r}",
                         "e.g. 0.3 or {uniform: [0.2, 0.6]}")
            return Param.fixed(default)
        if not _finite(v):
            self.problem(node, key, fld, f"{fld} = {v} is not a finite number of at most {_MAX_FIGURE:.0e}",
                         "write a plain number such as 0.5 or 4.0e10 (.nan and .inf are not figures)")
            return Param.fixed(default)
        if lo is not None and v < lo:
            self.problem(node, key, fld, f"{fld} = {v} is below {lo}")
            return Param.fixed(default)
        if hi is not None and v > hi:
            self.problem(node, key, fld, f"{fld} = {v:g} is above {hi:g}", _HI_HINT.get(key, "check the figure"))
            return Param.fixed(default)
        return Param("fixed", (float(v),), where)

    def date_(self, node: Any, key: str, fld: str, default: date | None) -> date | None:
        if not isinstance(node, dict) or key not in node or node[key] is None:
            return default
        v = node[key]
        if isinstance(v, date):
            return v
        try:
            return date.fromisoformat(str(v))
        except ValueError:
            self.problem(node, key, fld, f"{fld}: {v!r} is not a date", "write YYYY-MM-DD, e.g. 2027-01-01")
            return default

    def text(self, node: Any, key: str, fld: str, default: str, choices: tuple[str, ...] = ()) -> str:
        if not isinstance(node, dict) or key not in node or node[key] is None:
            return default
        v = node[key]
        if not isinstance(v, str) or (choices and v not in choices):
            hint = ("one of: " + ", ".join(choices)) if choices else "write text"
            self.problem(node, key, fld, f"{fld}: {v!r} is not accepted", hint)
            return default
        return v


# Every figure a scenario gives is finite and no larger than any real figure (the ledger's bound: world output
# is about 1e14 USD a year); growth compounds over the quarters, so it is bounded on its own (x11 a year).
_MAX_FIGURE = 1e20
_MAX_GROWTH = 10.0
_HI_HINT = {"growth": "growth is a rate per year: 0.5 is +50 %; 10 means x11 a year, the most allowed",
            "capex_growth": "growth is a rate per year: 0.5 is +50 %; 10 means x11 a year, the most allowed"}


def _finite(v: Any) -> bool:
    try:
        return math.isfinite(float(v)) and abs(float(v)) <= _MAX_FIGURE
    except OverflowError:  # an integer with hundreds of digits
        return False


_TOP = {"scenario", "clearing", "contracts", "capital", "entities", "others", "shocks", "shares", "bumps"}


def _guarded_doc(text: str, shown: str) -> Any:
    """YAML text to data, refusing what would hang or crash the parser (the ledger reader's guards).

    Brackets nested past :data:`~dealweb.ledger.yamlio.MAX_FLOW_DEPTH` (ruamel recurses once per level) and
    aliases expanding to far more values than the text holds (a "billion laughs" file) are refused before
    any value is built, with :func:`~dealweb.ledger.yamlio.flow_depth` and
    :func:`~dealweb.ledger.yamlio.expanded_size`; every message is one line.
    """
    deepest, where = flow_depth(text)
    if deepest > MAX_FLOW_DEPTH:
        raise ScenarioError([Problem(shown, where, 1, f"not valid YAML: brackets nested {deepest} levels deep",
                                     f"a scenario needs a few levels of [ ] and {{ }}; at most {MAX_FLOW_DEPTH} "
                                     "are read")])
    try:
        if "*" in text and expanded_size(YAML(typ="rt").compose(io.StringIO(text)),
                                         len(text) + ALIAS_EXPANSION_MARGIN) is None:
            line = next((i for i, ln in enumerate(text.splitlines(), 1) if "*" in ln), 1)
            raise ScenarioError([Problem(shown, line, 1, "the YAML aliases (*name) expand to far more values "
                                         "than the file holds, or refer to themselves",
                                         "write the values out instead of nesting aliases (a 'billion laughs' "
                                         "file is refused)")])
        return YAML(typ="rt").load(io.StringIO(text))
    except ReaderError as exc:  # a character YAML does not allow
        pos = exc.position if isinstance(exc.position, int) else 0
        char = f"U+{exc.character:04X}" if isinstance(exc.character, int) else repr(exc.character)
        raise ScenarioError([Problem(shown, text.count("\n", 0, pos) + 1, pos - (text.rfind("\n", 0, pos) + 1) + 1,
                                     f"not valid YAML: character {char} is not allowed in YAML",
                                     "delete it, or write it as an escape (\\uXXXX) inside a double-quoted "
                                     "string")]) from None
    except (MarkedYAMLError, YAMLError) as exc:
        mark = getattr(exc, "problem_mark", None)
        line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        what = " ".join(str(getattr(exc, "problem", None) or exc).split())[:300]  # one line, bounded
        raise ScenarioError([Problem(shown, line, col, f"not valid YAML: {what}",
                                     "check indentation and quotes")]) from None
    except RecursionError:
        raise ScenarioError([Problem(shown, 1, 1, "not valid YAML: nested too deeply to read",
                                     "a scenario needs only a few levels of nesting")]) from None


def parse_scenario(text: str, shown: str = "<scenario>") -> Scenario:
    """Parse and validate scenario YAML text; raise :class:`ScenarioError` listing every problem."""
    return _scenario_of(_guarded_doc(text, shown), shown)


def _scenario_of(doc: Any, shown: str) -> Scenario:
    """Validate loaded scenario data (``shown`` names the file in messages)."""
    r = _Reader(shown)
    if not isinstance(doc, dict):
        raise ScenarioError([Problem(shown, 1, 1, "a scenario file is a mapping with a 'scenario:' section",
                                     "see docs/scenario-format.md")])
    for k in doc:
        if k not in _TOP:
            r.problem(doc, k, str(k), f"unknown section {k!r}", "sections: " + ", ".join(sorted(_TOP)), at_key=True)
    if "scenario" not in doc:
        r.problem(doc, None, "scenario", "missing section 'scenario'", "add scenario: {name: ..., start: ...}")
    head = r.mapping(doc, "scenario", "scenario",
                     {"name", "description", "start", "quarters", "runs", "seed", "ledger", "report_runs"})
    name = r.text(head, "name", "scenario.name", Path(shown).stem)
    start = r.date_(head, "start", "scenario.start", date(2026, 1, 1)) or date(2026, 1, 1)
    quarters = int(r.number(head, "quarters", "scenario.quarters", 20, 1, 400, integer=True))
    runs = int(r.number(head, "runs", "scenario.runs", DEFAULT_RUNS, 1, 10**8, integer=True))
    seed = int(r.number(head, "seed", "scenario.seed", DEFAULT_SEED, 0, 2**63 - 1, integer=True))
    runs_stated = isinstance(head, dict) and head.get("runs") is not None
    seed_stated = isinstance(head, dict) and head.get("seed") is not None
    ledger = r.text(head, "ledger", "scenario.ledger", "") or None
    report_runs = (int(r.number(head, "report_runs", "scenario.report_runs", 0, 1, 10**8, integer=True))
                   if isinstance(head, dict) and head.get("report_runs") is not None else None)

    clr = r.mapping(doc, "clearing", "clearing", {"model", "alpha", "beta", "outside_seniority"})
    model = r.text(clr, "model", "clearing.model", "eisenberg_noe", ("eisenberg_noe", "rogers_veraart"))
    alpha = r.number(clr, "alpha", "clearing.alpha", 1.0, 0.0, 1.0)
    beta = r.number(clr, "beta", "clearing.beta", 1.0, 0.0, 1.0)
    if model == "eisenberg_noe" and (alpha != 1.0 or beta != 1.0):
        r.problem(clr, "model", "clearing.model", "alpha and beta below 1 need model: rogers_veraart",
                  "set model: rogers_veraart, or remove alpha/beta")
    seniority = r.text(clr, "outside_seniority", "clearing.outside_seniority", "pari_passu",
                       ("pari_passu", "senior"))

    con = r.mapping(doc, "contracts", "contracts",
                    {"cut_after", "at_least_cap", "up_to_floor", "delivery_lag", "deployment_pace",
                     "default_term_years", "capex_kinds", "schedules"})
    cut_after = int(r.number(con, "cut_after", "contracts.cut_after", 2, 1, 1000, integer=True))
    at_least_cap = r.number(con, "at_least_cap", "contracts.at_least_cap", 1.5, 1.0)
    up_to_floor = r.number(con, "up_to_floor", "contracts.up_to_floor", 0.0, 0.0, 1.0)
    delivery_lag = int(r.number(con, "delivery_lag", "contracts.delivery_lag", 1, 0, 40, integer=True))
    pace = r.param(con, "deployment_pace", "contracts.deployment_pace", 1.0, 0.0)
    from dealweb.sim.schedules import DEFAULT_TERM_YEARS

    terms = dict(DEFAULT_TERM_YEARS)
    tnode = r.mapping(con, "default_term_years", "contracts.default_term_years", set(DEFAULT_TERM_YEARS))
    for k in tnode:
        if k in DEFAULT_TERM_YEARS:
            terms[k] = r.number(tnode, k, f"contracts.default_term_years.{k}", terms[k], 0.0, 100.0)
    capex_kinds: tuple[str, ...] = ("hardware",)
    knode = con.get("capex_kinds") if isinstance(con, dict) else None
    if knode is not None:
        from dealweb.model import FLOW_KIND

        kinds = sorted(set(FLOW_KIND.values()))
        if not isinstance(knode, list) or not all(isinstance(x, str) for x in knode):
            r.problem(con, "capex_kinds", "contracts.capex_kinds", "contracts.capex_kinds must be a list of flow kinds",
                      "e.g. capex_kinds: [hardware]; kinds: " + ", ".join(kinds))
        else:
            for k, x in enumerate(knode):
                if x not in kinds:
                    r.problem(knode, k, f"contracts.capex_kinds[{k}]", f"unknown flow kind {x!r}",
                              "kinds: " + ", ".join(kinds))
            capex_kinds = tuple(x for x in knode if x in kinds)

    overrides = _schedules(r, con, deal_where_early := {})

    cap = r.mapping(doc, "capital", "capital",
                    {"appetite", "recovery", "sensitivity", "debt_share", "interest_rate", "path", "groups",
                     "debt_maturity_years"})
    appetite = r.param(cap, "appetite", "capital.appetite", 1.0, 0.0)
    recovery = r.number(cap, "recovery", "capital.recovery", 0.25, 0.0, 1.0)
    sensitivity = r.param(cap, "sensitivity", "capital.sensitivity", 2.0, 0.0)
    debt_share = r.number(cap, "debt_share", "capital.debt_share", 0.5, 0.0, 1.0)
    rate = r.number(cap, "interest_rate", "capital.interest_rate", 0.06, 0.0, 1.0)
    maturity = r.number(cap, "debt_maturity_years", "capital.debt_maturity_years", DEFAULT_DEBT_MATURITY_YEARS,
                        0.25, 100.0)
    path = _path(r, cap, "capital")
    groups = _groups(r, cap, appetite, recovery, sensitivity, path)

    ents: dict[str, EntitySettings] = {}
    entity_where: dict[str, str] = {}
    enode = doc.get("entities")
    if enode is not None and not isinstance(enode, dict):
        r.problem(doc, "entities", "entities", "entities must be a mapping of entity id to settings")
        enode = {}
    allowed = {"cash", "revenue", "growth", "opex_ratio", "capex", "capex_growth", "capacity", "debt", "equity",
               "min_cash"}
    for eid, s in (enode or {}).items():
        fld = f"entities.{eid}"
        if not isinstance(s, dict):
            r.problem(enode, eid, fld, f"{fld} must be a mapping", "e.g. acme: {cash: 1.0e10, revenue: 1.3e10}")
            continue
        for k in s:
            if k not in allowed:
                r.problem(s, k, f"{fld}.{k}", f"unknown key {k!r} in {fld}", "known: " + ", ".join(sorted(allowed)),
                          at_key=True)
        entity_where[str(eid)] = r.where(enode, eid)
        ents[str(eid)] = EntitySettings(
            id=str(eid),
            cash=r.param(s, "cash", f"{fld}.cash", 0.0, 0.0),
            revenue=r.param(s, "revenue", f"{fld}.revenue", 0.0, 0.0),
            growth=r.param(s, "growth", f"{fld}.growth", 0.0, -1.0, _MAX_GROWTH),
            opex_ratio=r.param(s, "opex_ratio", f"{fld}.opex_ratio", 0.0, 0.0),
            capex=r.param(s, "capex", f"{fld}.capex", 0.0, 0.0),
            capex_growth=r.param(s, "capex_growth", f"{fld}.capex_growth", 0.0, -1.0, _MAX_GROWTH),
            capacity=r.param(s, "capacity", f"{fld}.capacity", 0.0, 0.0),
            debt=r.param(s, "debt", f"{fld}.debt", 0.0, 0.0),
            equity=r.param(s, "equity", f"{fld}.equity", 0.0, 0.0),
            where=entity_where[str(eid)],
            min_cash=r.param(s, "min_cash", f"{fld}.min_cash", 0.0, 0.0),
            given=frozenset(str(k) for k in s if s[k] is not None),
        )
    others = r.text(doc, "others", "others", "in_full", ("in_full", "cash_only"))

    shocks: list[Shock] = []
    deal_where: dict[str, str] = dict(deal_where_early)
    snode = doc.get("shocks")
    if snode is not None and not isinstance(snode, list):
        r.problem(doc, "shocks", "shocks", "shocks must be a list", "e.g. - {type: default, entity: acme, ...}")
        snode = []
    for k, item in enumerate(snode or []):
        fld = f"shocks[{k}]"
        if not isinstance(item, dict):
            r.problem(snode, k, fld, f"{fld} must be a mapping")
            continue
        for key in item:
            if key not in ("type", "date", "entity", "deal", "fraction", "quarters", "note"):
                r.problem(item, key, f"{fld}.{key}", f"unknown key {key!r} in {fld}",
                          "keys: type, date, entity, deal, fraction, quarters, note", at_key=True)
        typ = r.text(item, "type", f"{fld}.type", "", ("default", "cancel", "revenue_miss"))
        when = r.date_(item, "date", f"{fld}.date", None)
        if not typ:
            r.problem(item, None, f"{fld}.type", f"{fld} needs a type", "default, cancel or revenue_miss")
            continue
        if when is None:
            r.problem(item, None, f"{fld}.date", f"{fld} needs a date", "date: 2027-01-01")
            continue
        entity = r.text(item, "entity", f"{fld}.entity", "") or None
        deal = r.text(item, "deal", f"{fld}.deal", "") or None
        if typ in ("default", "revenue_miss") and entity is None:
            r.problem(item, None, f"{fld}.entity", f"a {typ} shock needs an entity", "entity: acme")
        if typ == "cancel" and deal is None:
            r.problem(item, None, f"{fld}.deal", "a cancel shock needs a deal id", "deal: <id from the ledger>")
        where = r.where(snode, k)
        if deal:
            deal_where[deal] = where
        shocks.append(Shock(typ, when, entity, deal,
                            r.param(item, "fraction", f"{fld}.fraction", 1.0, 0.0),
                            int(r.number(item, "quarters", f"{fld}.quarters", 0, 0, 1000, integer=True)), where))
    shares: dict[str, ShareSettings] = {}
    hnode = doc.get("shares")
    if hnode is not None and not isinstance(hnode, dict):
        r.problem(doc, "shares", "shares", "shares must be a mapping of entity id to price settings",
                  "e.g. shares: {acme: {price: 165, drift: 0.1, volatility: 0.5}}")
        hnode = {}
    for eid, s in (hnode or {}).items():
        fld = f"shares.{eid}"
        if not isinstance(s, dict):
            r.problem(hnode, eid, fld, f"{fld} must be a mapping", "e.g. acme: {price: 165, volatility: 0.5}")
            continue
        for k in s:
            if k not in ("price", "drift", "volatility"):
                r.problem(s, k, f"{fld}.{k}", f"unknown key {k!r} in {fld}", "known: drift, price, volatility",
                          at_key=True)
        price = r.param(s, "price", f"{fld}.price", 0.0, 0.0) if s.get("price") is not None else None
        where = r.where(hnode, eid)
        entity_where.setdefault(str(eid), where)
        shares[str(eid)] = ShareSettings(
            id=str(eid), price=price,
            drift=r.param(s, "drift", f"{fld}.drift", DEFAULT_SHARE_DRIFT, -1.0),
            volatility=r.param(s, "volatility", f"{fld}.volatility", DEFAULT_SHARE_VOLATILITY, 0.0),
            where=where,
        )
    bumps = _bumps(r, doc)
    if r.problems:
        raise ScenarioError(r.problems)
    return Scenario(
        name=name, description=r.text(head, "description", "scenario.description", ""), start=start,
        quarters=quarters, runs=runs, seed=seed, ledger=ledger, model=model, alpha=alpha, beta=beta,
        outside_seniority=seniority, cut_after=cut_after, at_least_cap=at_least_cap, up_to_floor=up_to_floor,
        delivery_lag=delivery_lag, deployment_pace=pace, default_term_years=terms, appetite=appetite,
        recovery=recovery, sensitivity=sensitivity, debt_share=debt_share, interest_rate=rate,
        appetite_path=tuple(sorted(path)), entities=ents, others=others, shocks=tuple(shocks), source=shown,
        entity_where=entity_where, deal_where=deal_where, shares=shares, groups=groups,
        debt_maturity_years=maturity, capex_kinds=capex_kinds, bumps=bumps, runs_stated=runs_stated,
        seed_stated=seed_stated, schedule_overrides=overrides, report_runs=report_runs,
    )


_SCHEDULE_KEYS = {"schedule": "schedule", "start": "term_start", "years": "term_years", "per_year": "per_year"}


def _schedules(r: _Reader, con: Any, where: dict[str, str]) -> dict[str, dict[str, Any]]:
    """``contracts.schedules``: per-deal choices of how its payments are spread, passed to the flows table.

    ``{deal-id: {schedule: flat|ramp|upfront|on_delivery, start: DATE, years: N, per_year: K}}``; ``per_year``
    picks the ``K``-th (0-based) yearly rate the ledger records for the deal, alone. Each choice is listed as
    an assumption of the deal in every output.
    """
    node = con.get("schedules") if isinstance(con, dict) else None
    if node is None:
        return {}
    if not isinstance(node, dict):
        r.problem(con, "schedules", "contracts.schedules", "contracts.schedules must be a mapping of deal id to "
                  "choices", "e.g. schedules: {acme-cloud-contract: {per_year: 1}}")
        return {}
    out: dict[str, dict[str, Any]] = {}
    for did, spec in node.items():
        fld = f"contracts.schedules.{did}"
        if not isinstance(spec, dict):
            r.problem(node, did, fld, f"{fld} must be a mapping", "keys: " + ", ".join(_SCHEDULE_KEYS))
            continue
        ov: dict[str, Any] = {}
        for k in spec:
            if k not in _SCHEDULE_KEYS:
                r.problem(spec, k, f"{fld}.{k}", f"unknown key {k!r} in {fld}", "keys: " + ", ".join(_SCHEDULE_KEYS),
                          at_key=True)
        shape = r.text(spec, "schedule", f"{fld}.schedule", "", ("flat", "ramp", "upfront", "on_delivery"))
        if shape:
            ov["schedule"] = shape
        when = r.date_(spec, "start", f"{fld}.start", None)
        if when is not None:
            ov["term_start"] = when
        if spec.get("years") is not None:
            ov["term_years"] = r.number(spec, "years", f"{fld}.years", 1.0, 0.01, 100.0)
        if spec.get("per_year") is not None:
            ov["per_year"] = int(r.number(spec, "per_year", f"{fld}.per_year", 0, 0, 100, integer=True))
        where[str(did)] = r.where(node, did)
        out[str(did)] = ov
    return out


def _path(r: _Reader, node: Any, prefix: str) -> list[tuple[date, float]]:
    """A ``path:`` list of ``{from: date, target: 0..1}`` under ``node`` (``prefix`` names it in messages)."""
    path: list[tuple[date, float]] = []
    pnode = node.get("path") if isinstance(node, dict) else None
    if pnode is None:
        return path
    if not isinstance(pnode, list):
        r.problem(node, "path", f"{prefix}.path", f"{prefix}.path must be a list",
                  "e.g. path: [{from: 2027-01-01, target: 0.3}]")
        return path
    for k, item in enumerate(pnode):
        fld = f"{prefix}.path[{k}]"
        if not isinstance(item, dict):
            r.problem(pnode, k, fld, f"{fld} must be a mapping with from and target")
            continue
        for key in item:
            if key not in ("from", "target"):
                r.problem(item, key, f"{fld}.{key}", f"unknown key {key!r} in {fld}", "keys: from, target",
                          at_key=True)
        when = r.date_(item, "from", f"{fld}.from", None)
        target = r.number(item, "target", f"{fld}.target", float("nan"), 0.0, 1.0)
        if when is None or math.isnan(target):
            r.problem(pnode, k, fld, f"{fld} needs both from (a date) and target (0..1)")
            continue
        path.append((when, target))
    return path


_GROUP_KEYS = {"members", "appetite", "recovery", "sensitivity", "path"}


def _groups(r: _Reader, cap: Any, appetite: Param, recovery: float, sensitivity: Param,
            path: list[tuple[date, float]]) -> tuple[CapitalGroup, ...]:
    """``capital.groups``: name -> {members, appetite, recovery, sensitivity, path}; a firm in one group at most."""
    gnode = cap.get("groups") if isinstance(cap, dict) else None
    if gnode is None:
        return ()
    if not isinstance(gnode, dict):
        r.problem(cap, "groups", "capital.groups", "capital.groups must be a mapping of group name to settings",
                  "e.g. groups: {chipmakers: {members: [acme, globex], appetite: 1.0}}")
        return ()
    seen: dict[str, str] = {}
    out = []
    for name, g in gnode.items():
        fld = f"capital.groups.{name}"
        if not isinstance(g, dict):
            r.problem(gnode, name, fld, f"{fld} must be a mapping",
                      "e.g. chipmakers: {members: [acme, globex], appetite: 1.0, sensitivity: 2.0}")
            continue
        for k in g:
            if k not in _GROUP_KEYS:
                r.problem(g, k, f"{fld}.{k}", f"unknown key {k!r} in {fld}", "known: " + ", ".join(sorted(_GROUP_KEYS)),
                          at_key=True)
        members = g.get("members")
        if not isinstance(members, list) or not members or not all(isinstance(m, str) and m for m in members):
            r.problem(g if "members" in g else gnode, "members" if "members" in g else name, f"{fld}.members",
                      f"{fld}.members must be a non-empty list of entity ids", "e.g. members: [acme, globex]")
            continue
        for k, m in enumerate(members):
            if m in seen:
                r.problem(members, k, f"{fld}.members[{k}]", f"{m!r} is already in group {seen[m]!r}",
                          "a firm raises capital in one group only: remove it from one of them")
            seen.setdefault(m, str(name))
        own_path = _path(r, g, fld)
        out.append(CapitalGroup(
            name=str(name), members=tuple(dict.fromkeys(members)),
            appetite=r.param(g, "appetite", f"{fld}.appetite", appetite.args[0], 0.0) if "appetite" in g else appetite,
            recovery=r.number(g, "recovery", f"{fld}.recovery", recovery, 0.0, 1.0),
            sensitivity=(r.param(g, "sensitivity", f"{fld}.sensitivity", sensitivity.args[0], 0.0)
                         if "sensitivity" in g else sensitivity),
            path=tuple(sorted(own_path or path)), where=r.where(gnode, name),
        ))
    return tuple(out)


_BUMP_KEYS = {"relative", "growth", "ratio", "appetite", "delay_quarters", "top", "runs"}


def _bumps(r: _Reader, doc: Any) -> Bumps:
    """The ``bumps`` section: sizes of the sensitivity table's one-at-a-time bumps."""
    b = r.mapping(doc, "bumps", "bumps", _BUMP_KEYS)
    d = Bumps()
    runs = r.number(b, "runs", "bumps.runs", 0, 1, 10**7, integer=True)
    return Bumps(
        relative=r.number(b, "relative", "bumps.relative", d.relative, 0.0, 0.99),
        growth=r.number(b, "growth", "bumps.growth", d.growth, 0.0, 10.0),
        ratio=r.number(b, "ratio", "bumps.ratio", d.ratio, 0.0, 1.0),
        appetite=r.number(b, "appetite", "bumps.appetite", d.appetite, 0.0, 1.0),
        delay_quarters=int(r.number(b, "delay_quarters", "bumps.delay_quarters", d.delay_quarters, 0, 400,
                                    integer=True)),
        top=int(r.number(b, "top", "bumps.top", d.top, 1, 1000, integer=True)),
        runs=int(runs) if runs else None,
    )


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file; :class:`ScenarioError` (with every problem) when it is bad."""
    p = Path(path)
    if not p.exists():
        raise InputError(f"no scenario file {p}", "give a path, or a bundled name: dealweb stress --list")
    shown = str(p)
    if p.is_dir():
        raise ScenarioError([Problem(shown, 1, 1, "this is a directory, not a scenario file",
                                     "give a scenario .yaml file, or a bundled name: dealweb stress --list")])
    # The ledger's guarded reader: unreadable, binary, not UTF-8, empty, brackets nested too deep, alias
    # bombs and characters YAML forbids all become one-line problems with the line and column.
    problems: list[Problem] = []
    read = read_yaml_file(p, shown, problems)
    if problems:
        raise ScenarioError([replace(q, hint=_SCENARIO_HINTS.get(q.message, q.hint.replace("a ledger ", "a scenario ")))
                             for q in problems])
    return _scenario_of(read.data, shown)


# The ledger reader's hints that speak of ledger files, said for a scenario file.
_SCENARIO_HINTS = {
    "this is a binary file, not YAML text": "give a scenario .yaml text file (see docs/scenario-format.md)",
    "empty file: it holds no section": "add a 'scenario:' section (see docs/scenario-format.md)",
    "the file is not UTF-8 text": "save it as UTF-8",
}


def bundled_scenarios(ledger: str | None = None) -> dict[str, Path]:
    """Bundled scenario names and their files, for ``ledger`` (a ledger's name) when given.

    A bundled ledger's own scenarios live in ``scenarios/<ledger name>/`` (their firm inputs are set for that
    web and say so in ``scenario.ledger``); the files directly in ``scenarios/`` are the first set. With
    ``ledger``: that ledger's folder when there is one, else the first set; without: the first set.
    """
    if ledger:
        folder = BUNDLED_DIR / Path(str(ledger)).name
        if folder.is_dir():
            found = {p.stem: p for p in sorted(folder.glob("*.yaml"))}
            if found:
                return found
    return {p.stem: p for p in sorted(BUNDLED_DIR.glob("*.yaml"))}


def all_bundled_scenarios() -> list[tuple[str, Path]]:
    """Every bundled scenario, ``(name, file)``: the first set, then each ledger folder's (names may repeat)."""
    out = [(p.stem, p) for p in sorted(BUNDLED_DIR.glob("*.yaml"))]
    for folder in sorted(d for d in BUNDLED_DIR.iterdir() if d.is_dir()):
        out.extend((p.stem, p) for p in sorted(folder.glob("*.yaml")))
    return out


def resolve_scenario(name_or_path: str, ledger: str | None = None) -> Path:
    """A scenario file from a path or a bundled name (``base``, ``capital-drought``...).

    A bundled name is looked up among the scenarios written for ``ledger`` (see :func:`bundled_scenarios`).
    """
    p = Path(name_or_path)
    if p.exists():
        return p
    bundled = bundled_scenarios(ledger)
    key = p.stem if p.suffix in (".yaml", ".yml") else name_or_path
    if key in bundled:
        return bundled[key]
    raise InputError(f"no scenario file or bundled scenario named {name_or_path!r}",
                     "bundled: " + ", ".join(bundled) if bundled else "give a path to a YAML file")
