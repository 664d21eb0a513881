"""Reading and checking the ledger's time and payment terms.

The window, document dating, per-year amounts, schedule shapes, tranche triggers, strike prices, and the
in-web deals a fact includes.

These are the parts of the format that say *when* money moves and *when* a record became known; the
dated cash-flow layer (``dealweb.flows``) reads them and parses no prose. Each function here is a method of
the loader (:class:`dealweb.ledger.load._Loader` mixes this class in) and reports problems with file, line,
column and a hint through the loader's ``err``/``warn``; nothing is guessed: a shape that needs a term the
deal lacks, or tranches that add up to more than the deal, is an error (``docs/ledger-format.md``,
"Payment terms" and "Document dates").
"""

from __future__ import annotations

from datetime import date
from typing import Any

from dealweb import fmt
from dealweb.errors import Problem
from dealweb.ledger import vocab
from dealweb.ledger.schedules import check_schedules
from dealweb.ledger.yamlio import YamlFile, item_pos, value_pos
from dealweb.model import Claim, Deal, Document, Ledger, Pos, Rate, Tranche, Window
from dealweb.money import Amount
from dealweb.periods import PeriodError, day_or_period

__all__ = ["TermsMixin"]

# Relative slack when comparing sums of tranches with the deal (figures are parsed from text: 1.6億 = 1.6e8).
_SLACK = 1e-9


def _usd_high(a: Amount | None) -> float | None:
    """The top of an amount in USD (None: unbounded or not convertible)."""
    if a is None:
        return None
    if a.unit == "USD":
        return a.high
    return a.usd_high


def _usd_low(a: Amount | None) -> float | None:
    if a is None:
        return None
    if a.unit == "USD":
        return a.low
    return a.usd_low


class TermsMixin:
    """The loader's methods for the time and payment terms (mixed into ``_Loader``).

    They call the loader's typed getters (``keys``, ``text``, ``number``, ``date_``, ``choice``, ``seq``,
    ``amount``, ``to_usd``, ``claims``, ``entity_ref``) and its ``err``/``warn``.
    """

    # Provided by the loader: declared here for readers.
    problems: list[Problem]
    terms_flagged: set[tuple[str, int, int]]  # positions of deals whose terms already got an error
    entities: dict[str, Any]
    documents: dict[str, Document]
    deals: dict[str, Deal]
    window: Window | None

    # -- the ledger's window ------------------------------------------------------------------------------
    def load_window(self, f: YamlFile, section: dict) -> None:
        """``ledger.window: {start, end, note}``: deals completed before ``start`` are history."""
        w = section.get("window")
        if w is None:
            return
        pos = value_pos(f.shown, section, "window")
        if not self.keys(f, w, vocab.WINDOW_KEYS, ("start",), "the ledger's 'window'"):
            return
        start, end = self.date_(f, w, "start"), self.date_(f, w, "end")
        if start is None:
            return
        if end is not None and end < start:
            self.err(value_pos(f.shown, w, "end"), f"window ends ({end}) before it starts ({start})",
                     "swap start and end", fld="window")
            return
        self.window = Window(start, end, self.text(f, w, "note"), pos)

    # -- document dates -----------------------------------------------------------------------------------
    def document_dating(self, f: YamlFile, m: dict, on: date | None) -> tuple[str, date | None, date | None]:
        """``date_basis``, ``not_before``, ``not_after`` of a document, checked against its ``date``."""
        basis = self.choice(f, m, "date_basis", vocab.DATE_BASES, None, "date basis") or ""
        lo, hi = self.date_(f, m, "not_before"), self.date_(f, m, "not_after")
        if lo is not None and hi is not None and hi < lo:
            self.err(value_pos(f.shown, m, "not_after"), f"date bounds are inverted: not_after {hi} is before "
                     f"not_before {lo}", "swap them", fld="not_after")
            return basis, None, None
        if on is not None and lo is not None and on < lo:
            self.err(value_pos(f.shown, m, "date"), f"document is dated {on} but cannot be older than {lo} "
                     "(not_before: the text mentions something of that day)",
                     f"date it on or after {lo}, or remove 'date' and keep date_basis: bounded", fld="date")
        if on is not None and hi is not None and on > hi:
            self.err(value_pos(f.shown, m, "date"), f"document is dated {on} but cannot be later than {hi} "
                     "(not_after)", f"date it on or before {hi}", fld="date")
        if basis in ("stated", "implied", "assumed") and on is None:
            self.err(value_pos(f.shown, m, "date_basis"), f"date_basis {basis!r} needs a 'date'",
                     "give the date, or write date_basis: bounded (with not_before/not_after) or unknown",
                     fld="date_basis")
        elif basis in ("bounded", "unknown") and on is not None:
            self.err(value_pos(f.shown, m, "date_basis"), f"date_basis {basis!r} means the text gives no date, "
                     f"but 'date' is {on}", "remove 'date' (keep the bound in not_before), or write "
                     "date_basis: stated, implied or assumed", fld="date_basis")
        elif basis == "bounded" and lo is None and hi is None:
            self.err(value_pos(f.shown, m, "date_basis"), "date_basis 'bounded' needs not_before or not_after",
                     "add 'not_before: YYYY-MM-DD' (the latest day the text mentions as past)", fld="date_basis")
        elif basis == "unknown" and (lo is not None or hi is not None):
            self.err(value_pos(f.shown, m, "date_basis"), "date_basis 'unknown' with a bound",
                     "write date_basis: bounded when not_before or not_after is known", fld="date_basis")
        if not basis:  # not written: what the record shows
            basis = "stated" if on is not None else ("bounded" if (lo or hi) else "unknown")
        return basis, lo, hi

    def check_document_dates(self) -> None:
        """A document cannot be older than a dated event it reports (it is bounded by what it mentions).

        Errors: a document dated (or bounded ``not_after``) before an event whose claims cite it, or before a
        deal's ``announced`` day when it is cited for the deal's ``date``/``announced``. Warning: cited for
        any other field of a deal before that deal's ``announced`` day (a leak is possible, but then the
        deal was known before its announcement: record a ``rumoured`` event; with an event dated on or before
        the document, no warning: the claim is what was reported then, see "Figures as of a date").
        """
        for d in self.deals.values():
            seen: set[tuple[str, date]] = set()
            cited: list[tuple[Claim, date, str, bool]] = []
            for e in d.events:
                cited += [(c, e.date, f"event '{e.status}' of {e.date}", True) for c in e.claims]
            if d.announced is not None:
                extra = [c for r in d.per_year for c in r.claims] + [c for t in d.tranches for c in t.claims]
                cited += [(c, d.announced, f"announcement of {d.announced}", c.field in ("date", "announced"))
                          for c in (*d.claims, *extra)]
            for c, when, what, hard in sorted(cited, key=lambda x: not x[3]):
                doc = self.documents.get(c.document)
                if doc is None or (doc.id, when) in seen:
                    continue
                latest = doc.date if doc.date is not None else doc.not_after
                if latest is None or latest >= when:
                    continue
                if not hard and any(e.date <= latest for e in d.events):
                    continue  # an event (a rumour) says the deal was known by then: an earlier reading, no leak
                seen.add((doc.id, when))
                kind = "dated" if doc.date is not None else "bounded not_after"
                hint = (f"a text cannot report what had not happened yet: date it on or after {when} (or set "
                        f"date_basis: bounded with not_before: {when}), or fix the deal's date")
                if hard:
                    self.err(doc.pos or c.pos or Pos("?", 1, 1), f"document {doc.id!r} is {kind} {latest} but "
                             f"reports deal {d.id!r}'s {what} ({c.pos})", hint, fld="date")
                else:
                    self.warn(c.pos or doc.pos or Pos("?", 1, 1), f"document {doc.id!r} is {kind} {latest}, before "
                              f"deal {d.id!r}'s {what}, yet this claim cites it",
                              hint + "; or add a 'rumoured' event for what was known before", fld="date")

    # -- payment terms ------------------------------------------------------------------------------------
    def resolve_when(self, f: YamlFile, m: dict, k: str, fye: tuple[int, int], edge: str) -> tuple[date | None, str]:
        """A date or a period label at ``m[k]``: the day it means (first or last of a period) and the label."""
        v = m.get(k)
        if v is None or v == "":
            return None, ""
        if isinstance(v, (dict, list, bool)):
            self.err(value_pos(f.shown, m, k), f"{k!r} must be a date or a period label, found {type(v).__name__}",
                     "write 2027-01-01, FY2028, 2026-H2 or 2027", fld=k)
            return None, ""
        s = str(v).strip()
        try:
            day = day_or_period(s, fye, edge)
        except PeriodError as exc:
            self.err(value_pos(f.shown, m, k), exc.message, exc.hint, fld=k)
            return None, ""
        return day, ("" if s == day.isoformat() or _looks_like_day(s) else s)

    def fiscal_of(self, entity: str | None) -> tuple[int, int]:
        """The fiscal year end of an entity (calendar year when unknown or not given)."""
        ent = self.entities.get(entity) if entity else None
        return ent.fiscal_year_end if ent is not None else (12, 31)

    def load_term(self, f: YamlFile, m: dict, payee: str | None) -> tuple[date | None, date | None, float | None, str]:
        """``term: {start, end, years}``: start and end may be dates or period labels (payee's fiscal year)."""
        term = m.get("term")
        if term is None or not self.keys(f, term, vocab.TERM_KEYS, (), "term"):
            return None, None, None, ""
        fye = self.fiscal_of(payee)
        start, label = self.resolve_when(f, term, "start", fye, "start")
        end, _ = self.resolve_when(f, term, "end", fye, "end")
        years = self.number(f, term, "years", positive=True)
        if end and start:
            if end <= start:
                self.err(value_pos(f.shown, term, "end"), f"term ends ({end}) before it starts ({start})",
                         "swap start and end", fld="term")
                end = None
            elif years is None:
                years = round((end - start).days / 365.25, 2)
        return start, end, years, label

    def load_per_year(self, f: YamlFile, m: dict, payee: str | None, cur: str | None,
                      on: date | None) -> tuple[Rate, ...]:
        """``per_year:`` a list of ``{amount, start, end, calendar, claims, note}``: money a year from start."""
        out: list[Rate] = []
        for i, r in enumerate(self.seq(f, m, "per_year")):
            rpos = item_pos(f.shown, m["per_year"], i)
            if not self.keys(f, r, vocab.RATE_KEYS, ("amount", "start"), "per_year item"):
                continue
            cal = self.entity_ref(f, r, "calendar", "'calendar'") if r.get("calendar") is not None else None
            fye = self.fiscal_of(cal or payee)
            start, slabel = self.resolve_when(f, r, "start", fye, "start")
            end, elabel = self.resolve_when(f, r, "end", fye, "end")
            if start and end and end <= start:
                self.err(value_pos(f.shown, r, "end"), f"per_year amount ends ({end}) before it starts ({start})",
                         "swap start and end", fld="per_year")
                end = None
            amt = self.to_usd(self.amount(f, r, "amount", cur, money=True), start or on,
                              value_pos(f.shown, r, "amount"), "per_year amount")
            claims = self.claims(f, r, vocab.CLAIM_FIELDS_DEAL, "per_year", cur, start or on)
            if amt is not None:
                out.append(Rate(amt, start, end, slabel, elabel, cal, self.text(f, r, "note"), claims, rpos))
        return tuple(out)

    def load_tranches(self, f: YamlFile, m: dict, payee: str | None, cur: str | None,
                      on: date | None, capacity: float | None) -> tuple[Tranche, ...]:
        """``tranches:`` each with a known ``trigger`` and the structured fields it needs."""
        out: list[Tranche] = []
        for i, t in enumerate(self.seq(f, m, "tranches")):
            tpos = item_pos(f.shown, m["tranches"], i)
            if not self.keys(f, t, vocab.TRANCHE_KEYS, ("trigger",), "tranche"):
                continue
            trig = self.choice(f, t, "trigger", vocab.TRIGGERS, None, "tranche trigger")
            if trig is None:
                continue
            need = vocab.TRIGGER_NEEDS[trig]
            threshold = self.number(f, t, "threshold")
            amount = self.to_usd(self.amount(f, t, "amount", cur, money=True), on,
                                 value_pos(f.shown, t, "amount"), "tranche amount")
            price = self.amount(f, t, "price", cur, money=True) if t.get("price") is not None else None
            strike = self.amount(f, t, "strike", cur, money=True) if t.get("strike") is not None else None
            gw = self.number(f, t, "gw", positive=True)
            count = self.integer(f, t, "count", minimum=1)
            when = self.date_(f, t, "date")
            milestone = self.text(f, t, "milestone")
            start, slabel = self.resolve_when(f, t, "start", self.fiscal_of(payee), "start")
            if trig == "share_price" and price is None and threshold is not None:
                price = Amount(threshold, threshold, unit=cur or "USD", text=str(threshold), nominal=threshold)
            if trig == "share_price" and price is not None and threshold is None:
                threshold = price.point
            present = {"gw": gw or 1.0, "price": price, "milestone": milestone or None, "date": when}[need]
            if present is None:
                self.err(tpos, f"a {trig!r} tranche needs {need!r}",
                         {"share_price": "add 'price: 600美元' (the share price that triggers it)",
                          "milestone": "add 'milestone: ...' (what must happen, in words)",
                          "date": "add 'date: YYYY-MM-DD'"}[trig], fld=need)
                continue
            if trig == "per_gw" and gw is None:
                gw = 1.0  # "per GW": one GW per step unless the ledger says otherwise
            pro_rata = False
            if trig == "per_gw":
                if count is None and gw and capacity:
                    steps = capacity / gw
                    if abs(steps - round(steps)) > 1e-9:
                        self.err(value_pos(f.shown, t, "gw") if "gw" in t else tpos,
                                 f"capacity {capacity:g} GW is not a whole number of {gw:g} GW steps",
                                 "give 'count' (how many tranches) or a 'gw' that divides capacity_gw", fld="gw")
                        continue
                    count = int(round(steps))
                if amount is None:
                    pro_rata = True
                    if m.get("amount") in (None, "") or not capacity:
                        self.err(tpos, "a per_gw tranche without 'amount' is sized from the deal's amount and "
                                 "capacity_gw, and this deal lacks one of them",
                                 "give the tranche 'amount' (money per step), or the deal 'amount' and "
                                 "'capacity_gw'", fld="amount")
                        continue
            claims = self.claims(f, t, vocab.CLAIM_FIELDS_DEAL, "tranches", cur, on)
            out.append(Tranche(
                trigger=trig, amount=amount, quantity=self.amount(f, t, "quantity", None, money=False),
                threshold=threshold, date=when, note=self.text(f, t, "note"), gw=gw, count=count, price=price,
                strike=strike, milestone=milestone, start=start, start_label=slabel, pro_rata=pro_rata,
                claims=claims, pos=tpos))
        return tuple(out)

    def load_strike(self, f: YamlFile, m: dict, cur: str | None) -> Amount | None:
        """``strike:`` a warrant's exercise price per share (money)."""
        if m.get("strike") in (None, ""):
            return None
        return self.amount(f, m, "strike", cur, money=True)

    def check_terms(self, f: YamlFile, m: dict, pos: Pos, d: Deal) -> None:
        """The shape's needs (only when ``schedule`` is written) and tranches within the deal's size."""
        before = len(self.problems)
        self._check_terms(f, m, d)
        if any(p.severity == "error" for p in self.problems[before:]):
            self.terms_flagged.add((pos.file, pos.line, pos.col))

    def _check_terms(self, f: YamlFile, m: dict, d: Deal) -> None:
        if d.strike is not None and d.type != "warrant" and not any(t.trigger == "share_price" for t in d.tranches):
            self.warn(value_pos(f.shown, m, "strike"), f"deal {d.id!r} of type {d.type!r} has a strike price",
                      "a strike (exercise price per share) belongs to a warrant", fld="strike")
        if d.schedule_stated:
            self.check_shape(f, m, d)
        elif d.tranches or d.per_year:
            pass  # no shape written: the reader assumes one and labels it
        self.check_tranche_sizes(f, m, d)

    def check_shape(self, f: YamlFile, m: dict, d: Deal) -> None:
        """A written schedule shape has what it needs (``vocab.SCHEDULE_NEEDS``).

        Agrees with :func:`dealweb.ledger.schedules.check_schedules` (the flows layer's own check): a term's
        start may be left open, and a flat or upfront deal's length (the flows table then keeps one undated
        whole-contract row and says so); a ramp or a delivery stream has no shape without its length.
        """
        spos = value_pos(f.shown, m, "schedule")
        length = d.term_years or d.term_end or any(r.end for r in d.per_year)
        missing: list[str] = []
        if d.schedule in ("ramp", "on_delivery") and not length:
            missing.append("a length (term.years or term.end, or a per_year end)")
        elif d.schedule == "tranches" and not d.tranches:
            missing.append("tranches")
        if missing:
            self.err(spos, f"schedule {d.schedule!r} of deal {d.id!r} needs " + " and ".join(missing),
                     f"{d.schedule} needs {vocab.SCHEDULE_NEEDS[d.schedule]}; add it from the source, or leave "
                     "'schedule' out (the reader then assumes one and says so)", fld="schedule")
        if d.tranches and d.schedule != "tranches":
            self.err(spos, f"deal {d.id!r} has tranches but schedule {d.schedule!r}",
                     "write schedule: tranches (each tranche says when it is paid)", fld="schedule")

    def check_tranche_sizes(self, f: YamlFile, m: dict, d: Deal) -> None:
        """Tranches may not add up to more money (or shares) than the deal."""
        total = 0.0
        known = True
        for t in d.tranches:
            low = _usd_low(t.amount)
            if t.amount is None:
                continue
            if low is None:
                known = False
                continue
            total += low * (t.count if t.trigger == "per_gw" and t.count else 1)
        top = _usd_high(d.amount)
        if known and total > 0 and top is not None and total > top * (1 + _SLACK) and d.type != "warrant":
            self.err(value_pos(f.shown, m, "tranches"), f"tranches of deal {d.id!r} add up to {fmt.money(total)}, "
                     f"more than the deal's amount ({fmt.money(top)})",
                     "per_gw amounts count once per step (count, or capacity_gw / gw); fix a tranche or the "
                     "deal's amount", fld="tranches")
        qtop = d.quantity.high if d.quantity is not None else None
        qsum = sum(t.quantity.low for t in d.tranches if t.quantity is not None
                   and (d.quantity is None or t.quantity.unit == d.quantity.unit))
        if qtop is not None and qsum > qtop * (1 + _SLACK):
            self.err(value_pos(f.shown, m, "tranches"), f"tranches of deal {d.id!r} add up to {qsum:.4g} "
                     f"{d.quantity.unit if d.quantity else ''}, more than the deal's quantity ({qtop:.4g})",
                     "fix a tranche's quantity or the deal's", fld="tranches")

    def add_schedule_problems(self, ledger: Ledger) -> None:
        """The flows layer's schedule checks (``dealweb.ledger.schedules``), for deals not already flagged here."""
        for p in check_schedules(ledger):
            if (p.file, p.line, p.col) not in self.terms_flagged:
                self.problems.append(p)

    # -- facts --------------------------------------------------------------------------------------------
    def load_includes(self, f: YamlFile, m: dict) -> tuple[str, ...]:
        """``includes:`` deal ids whose payments are part of a fact's figure (checked after all deals load)."""
        v = m.get("includes")
        if v is None:
            return ()
        items = [v] if isinstance(v, str) else self.seq(f, m, "includes")
        out = []
        for i, x in enumerate(items):
            where = value_pos(f.shown, m, "includes") if isinstance(v, str) else item_pos(f.shown, v, i)
            if not isinstance(x, str) or x not in self.deals:
                close = [k for k in self.deals if isinstance(x, str) and (x in k or k in x)][:3]
                self.err(where, f"'includes' names {x!r}, which is not a deal of this ledger",
                         ("did you mean " + " or ".join(repr(c) for c in close) + "?") if close else
                         "name deal ids (the in-web purchases this figure contains)", fld="includes")
                continue
            out.append(x)
        return tuple(out)


def _looks_like_day(s: str) -> bool:
    parts = s.split("-")
    return len(parts) == 3 and all(p.isdigit() for p in parts)

